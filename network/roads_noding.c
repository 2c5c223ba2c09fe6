/*
 * network/roads_noding.c — splitting walkable lines where they cross without a shared vertex
 * (lc_roads_node_crossings in include/lifecircle/roads.h), for CAD-derived roads where streets
 * are drawn across each other. Every segment goes into a GEOS STR-tree (reentrant API); each
 * segment's envelope query gives the candidate pairs, whose crossing is computed exactly here. The
 * crossing becomes a vertex of both lines, so lc_network_build (network/network.c, untouched) joins them
 * as at any shared vertex. Bridges, tunnels and lines at different levels are never joined.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "network/roads_int.h"

typedef lc_road_seg seg;
typedef lc_road_cut cut;

/* A crossing found, for counting each once: lines a ≤ b at p; ok when it was joined. */
typedef struct event {
    uint32_t a, b;
    lc_xy p;
    int ok;
} event;

static int cmp_event(const void *x, const void *y)
{
    const event *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return (a->p.x > b->p.x) - (a->p.x < b->p.x);
}

static double dist(lc_xy a, lc_xy b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

/* Where closed segments a0a1 and b0b1 meet: 1 with *ta, *tb (parameters 0..1) and *x, or 0 when
 * they do not, or are parallel (collinear overlaps are not crossings). */
static int crossing(lc_xy a0, lc_xy a1, lc_xy b0, lc_xy b1, double *ta, double *tb, lc_xy *x)
{
    double rx = a1.x - a0.x, ry = a1.y - a0.y, sx = b1.x - b0.x, sy = b1.y - b0.y;
    double den = rx * sy - ry * sx;
    if (fabs(den) <= 1e-12 * hypot(rx, ry) * hypot(sx, sy))
        return 0;
    double qx = b0.x - a0.x, qy = b0.y - a0.y;
    double t = (qx * sy - qy * sx) / den, u = (qx * ry - qy * rx) / den;
    const double eps = 1e-9;
    if (t < -eps || t > 1 + eps || u < -eps || u > 1 + eps)
        return 0;
    *ta = t < 0 ? 0 : t > 1 ? 1 : t;
    *tb = u < 0 ? 0 : u > 1 ? 1 : u;
    *x = (lc_xy){a0.x + *ta * rx, a0.y + *ta * ry};
    return 1;
}

/* Counts distinct crossings (events of the same pair of lines within tol are one), joined or not. */
static void count_events(event *ev, size_t n, double tol, size_t *noded, size_t *skipped)
{
    if (n)
        qsort(ev, n, sizeof *ev, cmp_event);
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t k = i; k-- > 0 && ev[k].a == ev[i].a && ev[k].b == ev[i].b && ev[i].p.x - ev[k].p.x <= tol;)
            if (dist(ev[k].p, ev[i].p) <= tol) {
                dup = 1;
                break;
            }
        if (!dup)
            *(ev[i].ok ? noded : skipped) += 1;
    }
}

/* Splits lines at their crossings; see roads.h. */
lc_roads *lc_roads_node_crossings(lc_context *ctx, const lc_roads *roads, double tolerance_m, size_t *noded,
                                  size_t *skipped)
{
    if (!ctx)
        return NULL;
    if (!roads || !(tolerance_m >= 0) || !isfinite(tolerance_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_roads_node_crossings: roads and a tolerance ≥ 0 are required");
        return NULL;
    }
    /* 0: exact coincidence, as lc_network_build joins with tolerance 0 — a crossing 0.3 m from a
     * line's end is cut into that line too, or the exact network would leave the lines apart */
    double tol = tolerance_m;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t nlines = lc_roads_count(roads), nseg = 0, ncut = 0, capcut = 0, nev = 0, capev = 0;
    size_t n_noded = 0, n_skipped = 0;
    lc_road *lines = lc_malloc(ctx, (nlines ? nlines : 1) * sizeof *lines);
    seg *segs = NULL;
    cut *cuts = NULL;
    event *ev = NULL;
    lc_roads *out = NULL;
    GEOSSTRtree *tree = NULL;
    lc_road_seg_query q = {.ctx = ctx}; /* candidates j > i: each pair once */
    if (!lines)
        return NULL;
    for (size_t i = 0; i < nlines; i++) {
        lines[i] = lc_roads_get(roads, i);
        nseg += lines[i].n - 1;
    }
    if (nlines >= UINT32_MAX || nseg >= UINT32_MAX) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "lc_roads_node_crossings: %zu segments are more than it can hold", nseg);
        goto fail;
    }
    if (!(segs = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *segs)))
        goto fail;
    q.segs = segs;
    if (!(tree = GEOSSTRtree_create_r(h, 10))) {
        lc_error(ctx, LC_ERR_GEOMETRY, "cannot create a GEOS STR-tree: %s", lc_ctx_geos_message(ctx));
        goto fail;
    }
    /* Every segment's envelope into the tree (GEOS ≥ 3.9 copies the envelope: the rectangle goes). */
    size_t s = 0;
    for (size_t i = 0; i < nlines; i++)
        for (size_t k = 0; k + 1 < lines[i].n; k++, s++) {
            lc_xy a = lines[i].pts[k], b = lines[i].pts[k + 1];
            segs[s] = (seg){(uint32_t)i, (uint32_t)k};
            GEOSGeometry *env = GEOSGeom_createRectangle_r(h, fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x),
                                                           fmax(a.y, b.y));
            if (!env) {
                lc_error(ctx, LC_ERR_GEOMETRY, "cannot make a segment envelope: %s", lc_ctx_geos_message(ctx));
                goto fail;
            }
            GEOSSTRtree_insert_r(h, tree, env, &segs[s]);
            GEOSGeom_destroy_r(h, env);
        }

    /* Each segment against the later segments whose envelopes come within tol of its own. */
    for (size_t i = 0; i < nseg; i++) {
        const lc_road *A = &lines[segs[i].line];
        lc_xy a0 = A->pts[segs[i].k], a1 = A->pts[segs[i].k + 1];
        GEOSGeometry *env = GEOSGeom_createRectangle_r(h, fmin(a0.x, a1.x) - tol, fmin(a0.y, a1.y) - tol,
                                                       fmax(a0.x, a1.x) + tol, fmax(a0.y, a1.y) + tol);
        if (!env) {
            lc_error(ctx, LC_ERR_GEOMETRY, "cannot make a segment envelope: %s", lc_ctx_geos_message(ctx));
            goto fail;
        }
        q.from = i + 1;
        q.n = 0;
        GEOSSTRtree_query_r(h, tree, env, lc_road_seg_collect, &q);
        GEOSGeom_destroy_r(h, env);
        if (q.failed)
            goto fail;
        for (size_t c = 0; c < q.n; c++) {
            size_t j = q.found[c];
            const lc_road *B = &lines[segs[j].line];
            lc_xy b0 = B->pts[segs[j].k], b1 = B->pts[segs[j].k + 1], x;
            double ta, tb;
            if (!crossing(a0, a1, b0, b1, &ta, &tb, &x))
                continue;
            int at_a = dist(x, a0) <= tol || dist(x, a1) <= tol, at_b = dist(x, b0) <= tol || dist(x, b1) <= tol;
            if (at_a && at_b) {
                /* A vertex of each near the crossing: the network joins them only when they lie within
                 * tol of each other too (each up to tol from x, they can be 2·tol apart); else both
                 * lines get x itself, which the network merges with either vertex. */
                lc_xy va = dist(x, a0) <= dist(x, a1) ? a0 : a1, vb = dist(x, b0) <= dist(x, b1) ? b0 : b1;
                if (dist(va, vb) <= tol)
                    continue; /* a shared vertex (or as good as one): the network joins it already */
                at_a = at_b = 0;
            }
            int ok = lc_roads_joinable(A, B);
            if (lc_grow(ctx, (void **)&ev, &capev, nev + 1, sizeof *ev) != LC_OK)
                goto fail;
            ev[nev++] = (event){segs[i].line < segs[j].line ? segs[i].line : segs[j].line,
                                segs[i].line < segs[j].line ? segs[j].line : segs[i].line, x, ok};
            if (!ok)
                continue;
            if (lc_grow(ctx, (void **)&cuts, &capcut, ncut + 2, sizeof *cuts) != LC_OK)
                goto fail;
            if (!at_a)
                cuts[ncut++] = (cut){segs[i].line, segs[i].k, ta, x};
            if (!at_b)
                cuts[ncut++] = (cut){segs[j].line, segs[j].k, tb, x};
        }
        if (((i + 1) & 4095) == 0)
            lc_progress(ctx, "noding road crossings", (double)(i + 1) / (double)nseg);
    }
    count_events(ev, nev, tol, &n_noded, &n_skipped);

    /* Each line again, with its crossings inserted in order along it. */
    if (!(out = lc_roads_rebuild(ctx, lines, nlines, cuts, ncut, NULL, 0)))
        goto fail;
    lc_progress(ctx, "noding road crossings", 1.0);
    if (noded)
        *noded = n_noded;
    if (skipped)
        *skipped = n_skipped;
    GEOSSTRtree_destroy_r(h, tree);
    free(q.found);
    free(ev);
    free(cuts);
    free(segs);
    free(lines);
    return out;
fail:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    lc_roads_destroy(out);
    free(q.found);
    free(ev);
    free(cuts);
    free(segs);
    free(lines);
    return NULL;
}
