/*
 * outputs/neighbours.c — map colours for areas of responsibility: finds which catchments (polygons)
 * or catchment streets (lines) of the same category lie next to each other, and colours them so that
 * neighbours differ (DSatur), so one centre's area can be told from its neighbour's in QGIS (the
 * colour index is a field of the layer; outputs/qml.c draws it from LC_STYLE_NEIGHBOUR_COLOURS).
 * Building the catchments is outputs/results.c's; nothing here writes.
 */
#include <geos_c.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "outputs/output_int.h"

/* ---- neighbour pairs ----------------------------------------------------------------------- */

typedef struct pair_list {
    size_t (*p)[2];
    size_t n, cap;
} pair_list;

static lc_status pair_add(lc_context *ctx, pair_list *l, size_t a, size_t b)
{
    if (lc_grow(ctx, (void **)&l->p, &l->cap, l->n + 1, sizeof *l->p) != LC_OK)
        return LC_ERR_NOMEM;
    l->p[l->n][0] = a < b ? a : b;
    l->p[l->n][1] = a < b ? b : a;
    l->n++;
    return LC_OK;
}

/* What the STR-tree query callback collects: the items whose boxes meet the query box. */
typedef struct hits {
    size_t *i;
    size_t n, cap;
    int failed;
} hits;

static void collect(void *item, void *user)
{
    hits *h = user;
    if (h->failed)
        return;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 16;
        size_t *p = realloc(h->i, cap * sizeof *p);
        if (!p) {
            h->failed = 1;
            return;
        }
        h->i = p, h->cap = cap;
    }
    h->i[h->n++] = (size_t)(uintptr_t)item - 1;
}

static int cmp_pair(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

/* Sorts the pairs and drops repeats. */
static void pairs_unique(pair_list *l)
{
    if (!l->n)
        return;
    qsort(l->p, l->n, sizeof *l->p, cmp_pair);
    size_t k = 1;
    for (size_t i = 1; i < l->n; i++)
        if (l->p[i][0] != l->p[k - 1][0] || l->p[i][1] != l->p[k - 1][1]) {
            l->p[k][0] = l->p[i][0], l->p[k][1] = l->p[i][1];
            k++;
        }
    l->n = k;
}

/* The pairs (i < j) of n areas of one group (group[i] >= 0) whose geometries (NULL: none) come
 * within within_m metres of each other, sorted; *pairs the caller's to free(). */
static lc_status area_pairs(lc_context *ctx, const GEOSGeometry *const *geoms, const long *group, size_t n,
                            double within_m, size_t (**pairs)[2], size_t *npairs)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    *pairs = NULL;
    *npairs = 0;
    pair_list l = {0};
    hits found = {0};
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSGeometry **boxes = lc_calloc(ctx, n ? n : 1, sizeof *boxes);
    lc_status st = tree && boxes ? LC_OK : lc_error(ctx, LC_ERR_NOMEM, "out of memory finding neighbouring catchments");
    /* Boxes widened by within_m, so two boxes meet whenever their geometries may be that close. */
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        double x0, y0, x1, y1;
        if (!geoms[i] || group[i] < 0 || GEOSisEmpty_r(h, geoms[i]) == 1 ||
            !GEOSGeom_getXMin_r(h, geoms[i], &x0) || !GEOSGeom_getYMin_r(h, geoms[i], &y0) ||
            !GEOSGeom_getXMax_r(h, geoms[i], &x1) || !GEOSGeom_getYMax_r(h, geoms[i], &y1))
            continue;
        boxes[i] = GEOSGeom_createRectangle_r(h, x0 - within_m / 2, y0 - within_m / 2, x1 + within_m / 2,
                                              y1 + within_m / 2);
        if (!boxes[i]) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory finding neighbouring catchments");
            break;
        }
        GEOSSTRtree_insert_r(h, tree, boxes[i], (void *)(uintptr_t)(i + 1));
    }
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        if (!boxes[i])
            continue;
        found.n = 0;
        GEOSSTRtree_query_r(h, tree, boxes[i], collect, &found);
        if (found.failed) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory finding neighbouring catchments");
            break;
        }
        const GEOSPreparedGeometry *prep = NULL;
        for (size_t k = 0; k < found.n && st == LC_OK; k++) {
            size_t j = found.i[k];
            if (j <= i || group[j] != group[i])
                continue;
            if (!prep && !(prep = GEOSPrepare_r(h, geoms[i]))) {
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare a catchment to find its neighbours");
                break;
            }
            char near = GEOSPreparedDistanceWithin_r(h, prep, geoms[j], within_m);
            if (near == 1)
                st = pair_add(ctx, &l, i, j);
            else if (near != 0)
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure the distance between two catchments");
        }
        if (prep)
            GEOSPreparedGeom_destroy_r(h, prep);
    }
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    for (size_t i = 0; boxes && i < n; i++)
        if (boxes[i])
            GEOSGeom_destroy_r(h, boxes[i]);
    free(boxes);
    free(found.i);
    if (st != LC_OK) {
        free(l.p);
        return st;
    }
    pairs_unique(&l);
    *pairs = l.p;
    *npairs = l.n;
    return LC_OK;
}

/* One line end: where (rounded to the millimetre) and whose. */
typedef struct line_end {
    long long x, y;
    size_t item;
    long group;
} line_end;

static int cmp_end(const void *a, const void *b)
{
    const line_end *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    if (p->group != q->group)
        return p->group < q->group ? -1 : 1;
    return p->item < q->item ? -1 : p->item > q->item;
}

/* The pairs (i < j) of items of one group with line ends at the same place (to the millimetre). */
static lc_status line_pairs(lc_context *ctx, const lc_xy *ends, const size_t *item, const long *group, size_t nends,
                            size_t (**pairs)[2], size_t *npairs)
{
    *pairs = NULL;
    *npairs = 0;
    line_end *e = lc_calloc(ctx, nends ? nends : 1, sizeof *e);
    if (!e)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < nends; i++)
        e[i] = (line_end){.x = llround(ends[i].x * 1000), .y = llround(ends[i].y * 1000), .item = item[i],
                          .group = group[item[i]]};
    qsort(e, nends, sizeof *e, cmp_end);
    pair_list l = {0};
    lc_status st = LC_OK;
    /* Ends at one place: every two items of one group there are neighbours. */
    for (size_t a = 0; a < nends && st == LC_OK;) {
        size_t b = a + 1;
        while (b < nends && e[b].x == e[a].x && e[b].y == e[a].y && e[b].group == e[a].group)
            b++;
        for (size_t i = a; i < b && st == LC_OK; i++)
            for (size_t j = i + 1; j < b && st == LC_OK; j++)
                if (e[i].item != e[j].item && e[j].group >= 0)
                    st = pair_add(ctx, &l, e[i].item, e[j].item);
        a = b;
    }
    free(e);
    if (st != LC_OK) {
        free(l.p);
        return st;
    }
    pairs_unique(&l);
    *pairs = l.p;
    *npairs = l.n;
    return LC_OK;
}

/* ---- colouring -------------------------------------------------------------------------------- */

/* Colours n items so that the two of every pair differ (see lc_colour_areas). */
static lc_status colour_pairs(lc_context *ctx, size_t n, const size_t (*pairs)[2], size_t npairs, int ncolours,
                              int *colours)
{
    if (ncolours < 1 || ncolours > 64)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_colour_neighbours: 1 to 64 colours, not %d", ncolours);
    /* Adjacency lists (CSR) from the pairs. */
    size_t *first = lc_calloc(ctx, n + 1, sizeof *first), *adj = lc_calloc(ctx, 2 * npairs + 1, sizeof *adj);
    size_t *fill = lc_calloc(ctx, n + 1, sizeof *fill);
    unsigned long long *seen = lc_calloc(ctx, n + 1, sizeof *seen); /* colours among coloured neighbours */
    int *sat = lc_calloc(ctx, n + 1, sizeof *sat);
    lc_status st = first && adj && fill && seen && sat ? LC_OK : LC_ERR_NOMEM;
    if (st != LC_OK)
        goto done;
    for (size_t k = 0; k < npairs; k++)
        first[pairs[k][0] + 1]++, first[pairs[k][1] + 1]++;
    for (size_t i = 0; i < n; i++)
        first[i + 1] += first[i];
    for (size_t k = 0; k < npairs; k++) {
        size_t a = pairs[k][0], b = pairs[k][1];
        adj[first[a] + fill[a]++] = b;
        adj[first[b] + fill[b]++] = a;
    }
    for (size_t i = 0; i < n; i++)
        colours[i] = -1;
    /* DSatur (Brélaz 1979): next the uncoloured item whose neighbours show the most colours, ties to
     * the most neighbours, then the lowest index (so the result depends on the input only); it takes
     * the lowest colour none of its neighbours has. Quadratic in the items with neighbours, which
     * are a few thousand facilities at city scale. Items without neighbours get colour 0. */
    size_t todo = 0;
    for (size_t i = 0; i < n; i++) {
        if (first[i + 1] == first[i])
            colours[i] = 0;
        else
            todo++;
    }
    for (; todo > 0; todo--) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (colours[i] >= 0)
                continue;
            if (best == n || sat[i] > sat[best] ||
                (sat[i] == sat[best] && first[i + 1] - first[i] > first[best + 1] - first[best]))
                best = i;
        }
        int c = 0;
        while (c < 64 && (seen[best] >> c & 1))
            c++;
        /* More colours needed than the palette has (rare: DSatur needs at most 4-5 on maps): a
         * fixed one by index, which some neighbour may share. */
        colours[best] = c < ncolours ? c : (int)(best % (size_t)ncolours);
        for (size_t k = first[best]; k < first[best + 1]; k++) {
            size_t j = adj[k];
            if (!(seen[j] >> colours[best] & 1)) {
                seen[j] |= 1ULL << colours[best];
                sat[j]++;
            }
        }
    }
done:
    free(first), free(adj), free(fill), free(seen), free(sat);
    return st == LC_OK ? LC_OK : lc_error(ctx, LC_ERR_NOMEM, "out of memory colouring neighbouring catchments");
}

/* ---- what outputs/results.c calls ------------------------------------------------------------ */

lc_status lc_colour_areas(lc_context *ctx, const GEOSGeometry *const *geoms, const long *group, size_t n,
                          double within_m, int ncolours, int *colours)
{
    size_t (*pairs)[2] = NULL, npairs = 0;
    lc_status st = area_pairs(ctx, geoms, group, n, within_m, &pairs, &npairs);
    if (st == LC_OK)
        st = colour_pairs(ctx, n, (const size_t(*)[2])pairs, npairs, ncolours, colours);
    free(pairs);
    return st;
}

lc_status lc_colour_lines(lc_context *ctx, const lc_xy *ends, const size_t *item, const long *group, size_t nends,
                          size_t n, int ncolours, int *colours)
{
    size_t (*pairs)[2] = NULL, npairs = 0;
    lc_status st = line_pairs(ctx, ends, item, group, nends, &pairs, &npairs);
    if (st == LC_OK)
        st = colour_pairs(ctx, n, (const size_t(*)[2])pairs, npairs, ncolours, colours);
    free(pairs);
    return st;
}
