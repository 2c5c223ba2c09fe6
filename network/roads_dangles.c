/*
 * network/roads_dangles.c — joining line ends that stop just short of another line (undershoots,
 * 悬挂线, in CAD-derived roads: lc_roads_snap_dangles in include/lifecircle/roads.h). Without it
 * the network stays cut there and the residents beyond look unreachable.
 *
 * Two passes keep it fast on a million edges. First every vertex goes into a grid hash (cells of the
 * junction tolerance), which tells in O(1) whether an end already meets another line's vertex: in
 * a sound city nearly every end does, and those ends cost nothing more. Only the ends left — the
 * dangling ones — are looked up in a GEOS STR-tree of segment envelopes (reentrant API), built only
 * when there is at least one and holding only the segments that pass a coarse grid cell holding a
 * dangling end (a few thousand of a million, so the tree stays small), and joined to the nearest
 * point of the nearest line they may join (network/roads_int.h: never across bridges, tunnels or
 * levels).
 *
 * The join is a connecting segment from the end to that point, appended to the dangling line, and
 * the point becomes a vertex of the other line (a T-junction). Moving the end instead would bend
 * the last segment of the input and lose the gap's length; the connector keeps every input vertex
 * where the planner drew it and walks the few metres of the gap, which a resident does walk.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/cellgrid_int.h"
#include "geo/context_int.h"
#include "network/roads_int.h"

typedef lc_road_seg seg; /* the STR-tree's items point into an array of these */
typedef lc_road_cut cut;

static double dist(lc_xy a, lc_xy b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

/* The point of segment ab nearest p, at parameter *t (0..1). */
static lc_xy nearest_on(lc_xy a, lc_xy b, lc_xy p, double *t)
{
    double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    double u = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    *t = u;
    return (lc_xy){a.x + u * dx, a.y + u * dy};
}

/* ---- the vertex grid: is an end already a junction? ----------------------------------------------- */

/* Fills g with the npts vertices pts (point k of the grid is pts[k]). LC_OK, or an error with g to
 * be freed. */
static lc_status grid_fill(lc_context *ctx, lc_cellgrid *g, const lc_xy *pts, size_t npts, double cell)
{
    lc_status st = lc_cellgrid_init(ctx, g, cell, npts);
    for (size_t v = 0; v < npts && st == LC_OK; v++)
        st = lc_cellgrid_add(ctx, g, pts[v]);
    return st;
}

/* Whether any cell of the grid within the box [x0, x1] × [y0, y1] holds a point. */
static int grid_any_in(const lc_cellgrid *g, double x0, double y0, double x1, double y1)
{
    int64_t cx0, cx1, cy0, cy1;
    lc_cellgrid_key(g, (lc_xy){x0, y0}, &cx0, &cy0);
    lc_cellgrid_key(g, (lc_xy){x1, y1}, &cx1, &cy1);
    for (int64_t cx = cx0; cx <= cx1; cx++)
        for (int64_t cy = cy0; cy <= cy1; cy++)
            if (lc_cellgrid_first(g, cx, cy) != LC_CELL_NONE)
                return 1;
    return 0;
}

/* Whether a vertex of a line other than `line` (vline[v] gives each vertex's line) lies within tol
 * of p. */
static int grid_other_near(const lc_cellgrid *g, const lc_xy *pts, const uint32_t *vline, uint32_t line, lc_xy p,
                           double tol)
{
    int64_t cx, cy;
    lc_cellgrid_key(g, p, &cx, &cy);
    for (int64_t dx = -1; dx <= 1; dx++)
        for (int64_t dy = -1; dy <= 1; dy++)
            for (uint32_t v = lc_cellgrid_first(g, cx + dx, cy + dy); v != LC_CELL_NONE; v = g->next[v])
                if (vline[v] != line && dist(pts[v], p) <= tol)
                    return 1;
    return 0;
}

/* ---- snapping ------------------------------------------------------------------------------------- */

/* Snaps dangling ends; see roads.h. */
lc_roads *lc_roads_snap_dangles(lc_context *ctx, const lc_roads *roads, double tolerance_m, double max_m,
                                size_t *snapped, size_t *skipped)
{
    if (!ctx)
        return NULL;
    if (!roads || !(tolerance_m >= 0) || !isfinite(tolerance_m) || !(max_m >= 0) || !isfinite(max_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_roads_snap_dangles: roads, a tolerance ≥ 0 and a distance ≥ 0 are required");
        return NULL;
    }
    /* 0: exact coincidence, as lc_network_build joins with tolerance 0 — an end 0.4 m from another
     * line's vertex is no junction there and gets its connector (the grid's cells stay 1 m) */
    double tol = tolerance_m, cell = tolerance_m > 0 ? tolerance_m : 1.0;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t nlines = lc_roads_count(roads), npts = 0, nseg = 0, ncut = 0, capcut = 0, n_snapped = 0, n_skipped = 0;
    lc_road *lines = lc_malloc(ctx, (nlines ? nlines : 1) * sizeof *lines);
    lc_xy *pts = NULL, *conn = NULL;     /* conn[2i], conn[2i+1]: where line i's ends join */
    unsigned char *state = NULL;                      /* per end: 0 joined, 1 dangling, 2 snapped */
    uint32_t *vline = NULL;
    seg *segs = NULL;
    cut *cuts = NULL;
    lc_roads *out = NULL;
    GEOSSTRtree *tree = NULL;
    lc_cellgrid g = {0}, ends = {0};
    lc_road_seg_query q = {.ctx = ctx};
    if (!lines)
        return NULL;
    for (size_t i = 0; i < nlines; i++) {
        lines[i] = lc_roads_get(roads, i);
        npts += lines[i].n;
        nseg += lines[i].n - 1;
    }
    if (npts >= UINT32_MAX) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "lc_roads_snap_dangles: %zu vertices are more than it can hold", npts);
        goto fail;
    }
    if (!(pts = lc_malloc(ctx, (npts ? npts : 1) * sizeof *pts)) ||
        !(vline = lc_malloc(ctx, (npts ? npts : 1) * sizeof *vline)) ||
        !(state = lc_calloc(ctx, 2 * nlines + 1, 1)) || !(conn = lc_malloc(ctx, (2 * nlines + 1) * sizeof *conn)))
        goto fail;
    for (size_t i = 0, v = 0; i < nlines; i++)
        for (size_t k = 0; k < lines[i].n; k++, v++) {
            pts[v] = lines[i].pts[k];
            vline[v] = (uint32_t)i;
        }

    /* Pass 1: an end is dangling when no vertex of another line lies within tol of it (and it does
     * not close its own line into a ring). With max_m 0 nothing is looked at. */
    size_t ndangling = 0;
    if (max_m > 0) {
        if (grid_fill(ctx, &g, pts, npts, cell) != LC_OK)
            goto fail;
        for (size_t i = 0; i < nlines; i++) {
            lc_xy first = lines[i].pts[0], last = lines[i].pts[lines[i].n - 1];
            if (dist(first, last) <= tol)
                continue;
            for (int e = 0; e < 2; e++)
                if (!grid_other_near(&g, pts, vline, (uint32_t)i, e ? last : first, tol)) {
                    state[2 * i + e] = 1;
                    ndangling++;
                }
        }
    }

    /* the vertex grid is done with: freed before the tree is built, to keep the peak low */
    lc_cellgrid_free(&g);
    free(vline);
    vline = NULL;
    free(pts);
    pts = NULL;

    /* Pass 2, only when something dangles: the dangling ends into a coarse grid (cells of 64 m, or
     * 4 × max_m), the segments whose box ± max_m meets an occupied cell into an STR-tree, each
     * dangling end's box of ± max_m queried, the nearest joinable point within max_m taken. */
    if (ndangling) {
        lc_xy *dp = lc_malloc(ctx, ndangling * sizeof *dp);
        if (!dp)
            goto fail;
        for (size_t i = 0, m = 0; i < nlines; i++)
            for (int e = 0; e < 2; e++)
                if (state[2 * i + e] == 1)
                    dp[m++] = e ? lines[i].pts[lines[i].n - 1] : lines[i].pts[0];
        lc_status fs = grid_fill(ctx, &ends, dp, ndangling, fmax(64, 4 * max_m));
        free(dp);
        if (fs != LC_OK || nseg >= UINT32_MAX || !(segs = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *segs)))
            goto fail;
        q.segs = segs;
        if (!(tree = GEOSSTRtree_create_r(h, 10))) {
            lc_error(ctx, LC_ERR_GEOMETRY, "cannot create a GEOS STR-tree: %s", lc_ctx_geos_message(ctx));
            goto fail;
        }
        size_t s = 0;
        for (size_t i = 0; i < nlines; i++)
            for (size_t k = 0; k + 1 < lines[i].n; k++) {
                lc_xy a = lines[i].pts[k], b = lines[i].pts[k + 1];
                if (!grid_any_in(&ends, fmin(a.x, b.x) - max_m, fmin(a.y, b.y) - max_m, fmax(a.x, b.x) + max_m,
                                 fmax(a.y, b.y) + max_m))
                    continue; /* no dangling end can reach it */
                segs[s] = (seg){(uint32_t)i, (uint32_t)k};
                GEOSGeometry *env = GEOSGeom_createRectangle_r(h, fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x),
                                                               fmax(a.y, b.y));
                if (!env) {
                    lc_error(ctx, LC_ERR_GEOMETRY, "cannot make a segment envelope: %s", lc_ctx_geos_message(ctx));
                    goto fail;
                }
                GEOSSTRtree_insert_r(h, tree, env, &segs[s++]);
                GEOSGeom_destroy_r(h, env);
            }
    }
    for (size_t i = 0, done = 0; ndangling && i < nlines; i++)
        for (int e = 0; e < 2; e++) {
            if (state[2 * i + e] != 1)
                continue;
            const lc_road *A = &lines[i];
            lc_xy p = e ? A->pts[A->n - 1] : A->pts[0];
            GEOSGeometry *env = GEOSGeom_createRectangle_r(h, p.x - max_m, p.y - max_m, p.x + max_m, p.y + max_m);
            if (!env) {
                lc_error(ctx, LC_ERR_GEOMETRY, "cannot make an envelope: %s", lc_ctx_geos_message(ctx));
                goto fail;
            }
            q.n = 0;
            GEOSSTRtree_query_r(h, tree, env, lc_road_seg_collect, &q);
            GEOSGeom_destroy_r(h, env);
            if (q.failed)
                goto fail;
            /* the nearest joinable point (ties: the lower line, then segment), and whether a line
             * it may not join comes within max_m */
            size_t best = SIZE_MAX;
            double bestd = INFINITY, bestt = 0;
            lc_xy bestp = p;
            int refused = 0;
            for (size_t c = 0; c < q.n; c++) {
                const seg *sg = &segs[q.found[c]];
                if (sg->line == i)
                    continue;
                const lc_road *B = &lines[sg->line];
                double t;
                lc_xy x = nearest_on(B->pts[sg->k], B->pts[sg->k + 1], p, &t);
                double d = dist(p, x);
                if (d > max_m)
                    continue;
                if (!lc_roads_joinable(A, B)) {
                    refused = 1;
                    continue;
                }
                if (d < bestd || (d == bestd && (sg->line < segs[best].line ||
                                                 (sg->line == segs[best].line && sg->k < segs[best].k)))) {
                    best = q.found[c];
                    bestd = d;
                    bestt = t;
                    bestp = x;
                }
            }
            if (best == SIZE_MAX) {
                n_skipped += refused;
                state[2 * i + e] = 0;
                continue;
            }
            /* On the other line: its own vertex when one is within tol (nothing to cut), else a cut. */
            const seg *sg = &segs[best];
            const lc_road *B = &lines[sg->line];
            lc_xy b0 = B->pts[sg->k], b1 = B->pts[sg->k + 1];
            if (dist(bestp, b0) <= tol || dist(bestp, b1) <= tol) {
                bestp = dist(bestp, b0) <= dist(bestp, b1) ? b0 : b1;
                /* that vertex may be the other line's own dangling end, facing this one: joined now */
                for (int f = 0; f < 2; f++) {
                    lc_xy end = f ? B->pts[B->n - 1] : B->pts[0];
                    if (state[2 * sg->line + f] == 1 && dist(end, bestp) <= tol)
                        state[2 * sg->line + f] = 0;
                }
            } else {
                if (lc_grow(ctx, (void **)&cuts, &capcut, ncut + 1, sizeof *cuts) != LC_OK)
                    goto fail;
                cuts[ncut++] = (cut){sg->line, sg->k, bestt, bestp};
            }
            state[2 * i + e] = 2;
            conn[2 * i + e] = bestp;
            n_snapped++;
            if ((++done & 1023) == 0)
                lc_progress(ctx, "joining dangling road ends", (double)done / (double)ndangling);
        }

    /* Each line again: its cuts inserted in order along it, a connector at each snapped end (none
     * when the point is within tol of the end: the network joins those as they are). */
    for (size_t k = 0; k < 2 * nlines; k++)
        if (state[k] != 2)
            conn[k] = (lc_xy){NAN, NAN};
    if (!(out = lc_roads_rebuild(ctx, lines, nlines, cuts, ncut, conn, tol)))
        goto fail;
    if (ndangling)
        lc_progress(ctx, "joining dangling road ends", 1.0);
    if (snapped)
        *snapped = n_snapped;
    if (skipped)
        *skipped = n_skipped;
    goto done;
fail:
    lc_roads_destroy(out);
    out = NULL;
done:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    lc_cellgrid_free(&g);
    lc_cellgrid_free(&ends);
    free(q.found);
    free(cuts);
    free(segs);
    free(conn);
    free(state);
    free(vline);
    free(pts);
    free(lines);
    return out;
}
