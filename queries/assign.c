/*
 * queries/assign.c — putting features into the polygons of a higher level (queries/assign_int.h):
 * prepared parent polygons found through a grid of cells over their envelopes, point in polygon, a
 * declared id or name through a string map, and shares by area of overlap. What is then summed
 * per parent lives in queries/indicators.c and queries/levels.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "queries/assign_int.h"

/* A parent whose envelope covers more cells than this is looked at by every query instead. */
#define WIDE_CELLS 1024

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The cells box covers: [*cx0, *cx1] × [*cy0, *cy1]; returns how many (saturating). */
static double cells_of(const lc_cellgrid *g, lc_bbox box, int64_t *cx0, int64_t *cy0, int64_t *cx1, int64_t *cy1)
{
    lc_cellgrid_key(g, (lc_xy){box.minx, box.miny}, cx0, cy0);
    lc_cellgrid_key(g, (lc_xy){box.maxx, box.maxy}, cx1, cy1);
    return ((double)(*cx1 - *cx0) + 1) * ((double)(*cy1 - *cy0) + 1);
}

/* Hashes every parent's envelope into ix->grid, cells the median envelope's larger side (so a
 * parent covers a few cells); a parent covering more than WIDE_CELLS goes to ix->wide. */
static lc_status grid_build(lc_context *ctx, lc_parent_index *ix)
{
    double *side = lc_malloc(ctx, ix->n * sizeof *side);
    if (!side)
        return LC_ERR_NOMEM;
    for (size_t u = 0; u < ix->n; u++)
        side[u] = fmax(ix->box[u].maxx - ix->box[u].minx, ix->box[u].maxy - ix->box[u].miny);
    qsort(side, ix->n, sizeof *side, cmp_double);
    double cell = side[ix->n / 2];
    free(side);
    if (!(cell >= 1) || !isfinite(cell))
        cell = 1;
    lc_status st = lc_cellgrid_init(ctx, &ix->grid, cell, 4 * ix->n);
    size_t cap = 0;
    ix->wide = lc_malloc(ctx, ix->n * sizeof *ix->wide);
    if (st != LC_OK || !ix->wide)
        return st != LC_OK ? st : LC_ERR_NOMEM;
    for (size_t u = 0; u < ix->n; u++) {
        int64_t cx0, cy0, cx1, cy1;
        if (!(cells_of(&ix->grid, ix->box[u], &cx0, &cy0, &cx1, &cy1) <= WIDE_CELLS)) {
            ix->wide[ix->nwide++] = (uint32_t)u;
            continue;
        }
        for (int64_t cx = cx0; cx <= cx1; cx++)
            for (int64_t cy = cy0; cy <= cy1; cy++) {
                size_t k = ix->grid.npoints;
                if (k == cap && lc_grow(ctx, (void **)&ix->owner, &cap, k + 1, sizeof *ix->owner) != LC_OK)
                    return LC_ERR_NOMEM;
                if ((st = lc_cellgrid_add(ctx, &ix->grid, (lc_xy){((double)cx + 0.5) * cell,
                                                                  ((double)cy + 0.5) * cell})) != LC_OK)
                    return st;
                ix->owner[k] = (uint32_t)u;
            }
    }
    return LC_OK;
}

lc_status lc_parent_index_build(lc_context *ctx, const lc_layer *layer, lc_parent_index *ix)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(layer);
    memset(ix, 0, sizeof *ix);
    ix->layer = layer;
    if (!n)
        return LC_OK;
    if (n >= UINT32_MAX)
        return lc_error(ctx, LC_ERR_UNSUPPORTED, "%s (layer %s): %zu polygons are more than a level can hold",
                        lc_layer_source(layer), lc_layer_name(layer), n);
    ix->prep = lc_calloc(ctx, n, sizeof *ix->prep);
    ix->box = lc_calloc(ctx, n, sizeof *ix->box);
    if (!ix->prep || !ix->box)
        return LC_ERR_NOMEM;
    ix->n = n;
    for (size_t u = 0; u < n; u++) {
        const lc_feature *f = lc_layer_feature(layer, u);
        ix->prep[u] = GEOSPrepare_r(h, f->geom);
        if (!ix->prep[u])
            return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): cannot prepare the polygon",
                            lc_layer_source(layer), lc_layer_name(layer), f->id);
        GEOSGeom_getExtent_r(h, f->geom, &ix->box[u].minx, &ix->box[u].miny, &ix->box[u].maxx, &ix->box[u].maxy);
        /* the first of an id or a name wins, as a scan in layer order would find it */
        bool added;
        if (!lc_strmap_add(ctx, &ix->ids, f->id, strlen(f->id), u, &added) ||
            (f->name && !lc_strmap_add(ctx, &ix->names, f->name, strlen(f->name), u, &added)))
            return LC_ERR_NOMEM;
    }
    return grid_build(ctx, ix);
}

void lc_parent_index_free(lc_context *ctx, lc_parent_index *ix)
{
    for (size_t u = 0; ix->prep && u < ix->n; u++)
        if (ix->prep[u])
            GEOSPreparedGeom_destroy_r(lc_ctx_geos(ctx), ix->prep[u]);
    free(ix->prep);
    free(ix->box);
    lc_cellgrid_free(&ix->grid);
    free(ix->owner);
    free(ix->wide);
    lc_strmap_free(&ix->ids);
    lc_strmap_free(&ix->names);
    memset(ix, 0, sizeof *ix);
}

static int boxes_overlap(lc_bbox a, lc_bbox b)
{
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

/* Appends u to the list. 0, or -1 out of memory. */
static int push(size_t **out, size_t *n, size_t *cap, size_t u)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        size_t *p = realloc(*out, c * sizeof *p);
        if (!p)
            return -1;
        *out = p, *cap = c;
    }
    (*out)[(*n)++] = u;
    return 0;
}

int lc_parent_candidates(const lc_parent_index *ix, lc_bbox box, size_t **out, size_t *n, size_t *cap)
{
    *n = 0;
    if (!ix->n)
        return 0;
    int64_t cx0, cy0, cx1, cy1;
    if (!(cells_of(&ix->grid, box, &cx0, &cy0, &cx1, &cy1) <= (double)ix->n)) {
        for (size_t u = 0; u < ix->n; u++) /* a box over more cells than there are parents: all */
            if (boxes_overlap(box, ix->box[u]) && push(out, n, cap, u))
                return -1;
        return 0;
    }
    for (int64_t cx = cx0; cx <= cx1; cx++)
        for (int64_t cy = cy0; cy <= cy1; cy++)
            for (uint32_t k = lc_cellgrid_first(&ix->grid, cx, cy); k != LC_CELL_NONE; k = ix->grid.next[k])
                if (boxes_overlap(box, ix->box[ix->owner[k]]) && push(out, n, cap, ix->owner[k]))
                    return -1;
    for (size_t w = 0; w < ix->nwide; w++)
        if (boxes_overlap(box, ix->box[ix->wide[w]]) && push(out, n, cap, ix->wide[w]))
            return -1;
    if (*n > 1) /* (none: *out may still be NULL) */
        qsort(*out, *n, sizeof **out, cmp_size);
    size_t m = 0; /* a parent meets the box in several of its cells: once */
    for (size_t i = 0; i < *n; i++)
        if (!m || (*out)[m - 1] != (*out)[i])
            (*out)[m++] = (*out)[i];
    *n = m;
    return 0;
}

long lc_parent_of_point(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *pt)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    double x, y;
    if (!ix->n || !GEOSGeomGetX_r(h, pt, &x) || !GEOSGeomGetY_r(h, pt, &y))
        return -1;
    size_t *cand = NULL, n = 0, cap = 0;
    long found = -1;
    if (lc_parent_candidates(ix, (lc_bbox){x, y, x, y}, &cand, &n, &cap)) {
        free(cand);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: the polygons near a point");
        return -1;
    }
    for (size_t i = 0; i < n && found < 0; i++)
        if (GEOSPreparedIntersects_r(h, ix->prep[cand[i]], pt) == 1)
            found = (long)cand[i];
    free(cand);
    return found;
}

long lc_parent_declared(const lc_parent_index *ix, const char *text)
{
    if (!text || !*text)
        return -1;
    const size_t *u = lc_strmap_find(&ix->ids, text, strlen(text));
    if (!u)
        u = lc_strmap_find(&ix->names, text, strlen(text));
    return u ? (long)*u : -1;
}

long lc_parent_overlap(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *g, double area,
                       lc_parent_share *shares, size_t *nshares)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    *nshares = 0;
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) {
        long u = lc_parent_of_point(ctx, ix, g);
        if (u >= 0)
            shares[(*nshares)++] = (lc_parent_share){(size_t)u, 1};
        return u;
    }
    lc_bbox b;
    GEOSGeom_getExtent_r(h, g, &b.minx, &b.miny, &b.maxx, &b.maxy);
    size_t *cand = NULL, n = 0, cap = 0;
    if (lc_parent_candidates(ix, b, &cand, &n, &cap)) {
        free(cand);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: the polygons near a feature");
        return -2;
    }
    long best = -1;
    double best_share = 0;
    for (size_t i = 0; i < n; i++) {
        size_t u = cand[i];
        if (GEOSPreparedIntersects_r(h, ix->prep[u], g) != 1)
            continue;
        double share;
        if (GEOSPreparedContains_r(h, ix->prep[u], g) == 1) {
            share = 1;
        } else {
            GEOSGeometry *part = GEOSIntersection_r(h, g, lc_layer_feature(ix->layer, u)->geom);
            double a = 0;
            if (part) {
                GEOSArea_r(h, part, &a);
                GEOSGeom_destroy_r(h, part);
            }
            share = area > 0 ? a / area : 0;
        }
        if (!(share > 0))
            continue;
        shares[(*nshares)++] = (lc_parent_share){u, share};
        if (best < 0 || share > best_share) {
            best = (long)u;
            best_share = share;
        }
    }
    free(cand);
    return best;
}
