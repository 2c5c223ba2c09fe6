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

/* What the passes share: the lines, the state of each end, and what the joins found so far. One
 * struct instead of a dozen parameters, because every pass reads the lines and writes the ends. */
typedef struct snapper {
    lc_context *ctx;
    GEOSContextHandle_t h;
    const lc_road *lines;
    size_t nlines;
    double tol, max_m;
    unsigned char *state;    /* per end (2i first, 2i + 1 last): 0 joined, 1 dangling, 2 snapped */
    lc_xy *conn;             /* per end: where it joins (read only where state is 2) */
    seg *segs;               /* the segments in the tree (its items point here) */
    GEOSSTRtree *tree;
    lc_road_seg_query q;     /* one query buffer for every end */
    cut *cuts;               /* the T-junctions made on other lines */
    size_t ncut, capcut, snapped, skipped;
} snapper;

/* Pass 1: marks an end dangling (state 1) when no vertex of another line lies within tol of it (and
 * it does not close its own line into a ring), counting them in *ndangling. A pass of its own
 * because the vertex grid (npts points, cells of `cell`) is needed only here and is freed before
 * the tree of pass 2 is built, to keep the peak low. LC_OK or an error. */
static lc_status mark_dangling(snapper *s, size_t npts, double cell, size_t *ndangling)
{
    lc_context *ctx = s->ctx;
    lc_xy *pts = lc_malloc(ctx, (npts ? npts : 1) * sizeof *pts);
    uint32_t *vline = lc_malloc(ctx, (npts ? npts : 1) * sizeof *vline); /* each vertex's line */
    lc_cellgrid g = {0};
    lc_status st = pts && vline ? LC_OK : LC_ERR_NOMEM;
    for (size_t i = 0, v = 0; st == LC_OK && i < s->nlines; i++)
        for (size_t k = 0; k < s->lines[i].n; k++, v++) {
            pts[v] = s->lines[i].pts[k];
            vline[v] = (uint32_t)i;
        }
    if (st == LC_OK)
        st = grid_fill(ctx, &g, pts, npts, cell);
    for (size_t i = 0; st == LC_OK && i < s->nlines; i++) {
        lc_xy first = s->lines[i].pts[0], last = s->lines[i].pts[s->lines[i].n - 1];
        if (dist(first, last) <= s->tol)
            continue;
        for (int e = 0; e < 2; e++)
            if (!grid_other_near(&g, pts, vline, (uint32_t)i, e ? last : first, s->tol)) {
                s->state[2 * i + e] = 1;
                (*ndangling)++;
            }
    }
    lc_cellgrid_free(&g);
    free(vline);
    free(pts);
    return st;
}

/* Pass 2's index: the dangling ends into a coarse grid (cells of 64 m, or 4 × max_m), and only the
 * segments whose box ± max_m meets an occupied cell into the STR-tree — a few thousand of a million
 * in a sound city, so the tree stays small. Sets s->segs and s->tree (freed by the caller, also
 * after a failure). LC_OK or an error. */
static lc_status build_seg_tree(snapper *s, size_t nseg, size_t ndangling)
{
    lc_context *ctx = s->ctx;
    GEOSContextHandle_t h = s->h;
    double max_m = s->max_m;
    lc_cellgrid ends = {0};
    lc_xy *dp = lc_malloc(ctx, ndangling * sizeof *dp);
    if (!dp)
        return LC_ERR_NOMEM;
    for (size_t i = 0, m = 0; i < s->nlines; i++)
        for (int e = 0; e < 2; e++)
            if (s->state[2 * i + e] == 1)
                dp[m++] = e ? s->lines[i].pts[s->lines[i].n - 1] : s->lines[i].pts[0];
    lc_status st = grid_fill(ctx, &ends, dp, ndangling, fmax(64, 4 * max_m));
    free(dp);
    /* nseg < npts < UINT32_MAX (checked by the caller), so a segment's numbers fit its uint32_t fields */
    if (st == LC_OK && !(s->segs = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *s->segs)))
        st = LC_ERR_NOMEM;
    s->q.segs = s->segs;
    if (st == LC_OK && !(s->tree = GEOSSTRtree_create_r(h, 10)))
        st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot create a GEOS STR-tree: %s", lc_ctx_geos_message(ctx));
    for (size_t i = 0, n = 0; st == LC_OK && i < s->nlines; i++)
        for (size_t k = 0; st == LC_OK && k + 1 < s->lines[i].n; k++) {
            lc_xy a = s->lines[i].pts[k], b = s->lines[i].pts[k + 1];
            if (!grid_any_in(&ends, fmin(a.x, b.x) - max_m, fmin(a.y, b.y) - max_m, fmax(a.x, b.x) + max_m,
                             fmax(a.y, b.y) + max_m))
                continue; /* no dangling end can reach it */
            s->segs[n] = (seg){(uint32_t)i, (uint32_t)k};
            GEOSGeometry *env = GEOSGeom_createRectangle_r(h, fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x),
                                                           fmax(a.y, b.y));
            if (!env) {
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot make a segment envelope: %s", lc_ctx_geos_message(ctx));
                break;
            }
            GEOSSTRtree_insert_r(h, s->tree, env, &s->segs[n++]);
            GEOSGeom_destroy_r(h, env);
        }
    lc_cellgrid_free(&ends);
    return st;
}

/* The nearest point within max_m of end p of line i on a line it may join (ties: the lower line,
 * then segment): *best is its index into s->segs (SIZE_MAX when none), *t and *at its parameter and
 * position; *refused is set when a line it may not join comes within max_m, which the caller
 * counts as skipped. Kept apart from the join itself: this only looks, it changes nothing. */
static lc_status nearest_join(snapper *s, size_t i, lc_xy p, size_t *best, double *t, lc_xy *at, int *refused)
{
    GEOSContextHandle_t h = s->h;
    const lc_road *A = &s->lines[i];
    GEOSGeometry *env = GEOSGeom_createRectangle_r(h, p.x - s->max_m, p.y - s->max_m, p.x + s->max_m,
                                                   p.y + s->max_m);
    if (!env)
        return lc_error(s->ctx, LC_ERR_GEOMETRY, "cannot make an envelope: %s", lc_ctx_geos_message(s->ctx));
    s->q.n = 0;
    GEOSSTRtree_query_r(h, s->tree, env, lc_road_seg_collect, &s->q);
    GEOSGeom_destroy_r(h, env);
    if (s->q.failed)
        return LC_ERR_NOMEM;
    double bestd = INFINITY;
    *best = SIZE_MAX;
    *refused = 0;
    for (size_t c = 0; c < s->q.n; c++) {
        const seg *sg = &s->segs[s->q.found[c]];
        if (sg->line == i)
            continue;
        const lc_road *B = &s->lines[sg->line];
        double u;
        lc_xy x = nearest_on(B->pts[sg->k], B->pts[sg->k + 1], p, &u);
        double d = dist(p, x);
        if (d > s->max_m)
            continue;
        if (!lc_roads_joinable(A, B)) {
            *refused = 1;
            continue;
        }
        const seg *bs = *best == SIZE_MAX ? NULL : &s->segs[*best];
        if (d < bestd || (bs && d == bestd && (sg->line < bs->line || (sg->line == bs->line && sg->k < bs->k)))) {
            *best = s->q.found[c];
            bestd = d;
            *t = u;
            *at = x;
        }
    }
    return LC_OK;
}

/* Joins dangling end e of line i to the nearest joinable point, or gives it up (state 0). On the
 * other line the point is its own vertex when one is within tol (nothing to cut; when that vertex
 * is the other line's own dangling end facing this one, that end counts as joined now), else a cut
 * is recorded. LC_OK or an error. */
static lc_status join_end(snapper *s, size_t i, int e)
{
    const lc_road *A = &s->lines[i];
    lc_xy p = e ? A->pts[A->n - 1] : A->pts[0], at = p;
    size_t best = SIZE_MAX;
    double t = 0;
    int refused = 0;
    lc_status st = nearest_join(s, i, p, &best, &t, &at, &refused);
    if (st != LC_OK)
        return st;
    if (best == SIZE_MAX) {
        s->skipped += refused;
        s->state[2 * i + e] = 0;
        return LC_OK;
    }
    const seg *sg = &s->segs[best];
    const lc_road *B = &s->lines[sg->line];
    lc_xy b0 = B->pts[sg->k], b1 = B->pts[sg->k + 1];
    if (dist(at, b0) <= s->tol || dist(at, b1) <= s->tol) {
        at = dist(at, b0) <= dist(at, b1) ? b0 : b1;
        for (int f = 0; f < 2; f++) {
            lc_xy end = f ? B->pts[B->n - 1] : B->pts[0];
            if (s->state[2 * sg->line + f] == 1 && dist(end, at) <= s->tol)
                s->state[2 * sg->line + f] = 0;
        }
    } else {
        if ((st = lc_grow(s->ctx, (void **)&s->cuts, &s->capcut, s->ncut + 1, sizeof *s->cuts)) != LC_OK)
            return st;
        s->cuts[s->ncut++] = (cut){sg->line, sg->k, t, at};
    }
    s->state[2 * i + e] = 2;
    s->conn[2 * i + e] = at;
    s->snapped++;
    return LC_OK;
}

/* Snaps dangling ends; see roads.h. Pass 1 finds the dangling ends (mark_dangling), pass 2 indexes
 * the segments near them (build_seg_tree) and joins each (join_end); then every line is rebuilt
 * with its cuts inserted in order along it and a connector at each snapped end (none when the point
 * is within tol of the end: the network joins those as they are). */
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
    double cell = tolerance_m > 0 ? tolerance_m : 1.0;
    size_t nlines = lc_roads_count(roads), npts = 0, nseg = 0, ndangling = 0;
    lc_road *lines = lc_malloc(ctx, (nlines ? nlines : 1) * sizeof *lines);
    snapper s = {.ctx = ctx, .h = lc_ctx_geos(ctx), .lines = lines, .nlines = nlines, .tol = tolerance_m,
                 .max_m = max_m, .q = {.ctx = ctx}};
    lc_roads *out = NULL;
    if (!lines)
        return NULL;
    for (size_t i = 0; i < nlines; i++) {
        lines[i] = lc_roads_get(roads, i);
        npts += lines[i].n;
        nseg += lines[i].n - 1;
    }
    if (npts >= UINT32_MAX) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "lc_roads_snap_dangles: %zu vertices are more than it can hold", npts);
        goto done;
    }
    if (!(s.state = lc_calloc(ctx, 2 * nlines + 1, 1)) || !(s.conn = lc_malloc(ctx, (2 * nlines + 1) * sizeof *s.conn)))
        goto done;
    /* with max_m 0 nothing is looked at */
    if (max_m > 0 && mark_dangling(&s, npts, cell, &ndangling) != LC_OK)
        goto done;
    if (ndangling && build_seg_tree(&s, nseg, ndangling) != LC_OK)
        goto done;
    for (size_t i = 0, n = 0; ndangling && i < nlines; i++)
        for (int e = 0; e < 2; e++) {
            if (s.state[2 * i + e] != 1)
                continue;
            if (join_end(&s, i, e) != LC_OK)
                goto done;
            if (s.state[2 * i + e] == 2 && (++n & 1023) == 0)
                lc_progress(ctx, "joining dangling road ends", (double)n / (double)ndangling);
        }
    for (size_t k = 0; k < 2 * nlines; k++)
        if (s.state[k] != 2)
            s.conn[k] = (lc_xy){NAN, NAN};
    if (!(out = lc_roads_rebuild(ctx, lines, nlines, s.cuts, s.ncut, s.conn, s.tol)))
        goto done;
    if (ndangling)
        lc_progress(ctx, "joining dangling road ends", 1.0);
    if (snapped)
        *snapped = s.snapped;
    if (skipped)
        *skipped = s.skipped;
done:
    if (s.tree)
        GEOSSTRtree_destroy_r(s.h, s.tree);
    free(s.q.found);
    free(s.cuts);
    free(s.segs);
    free(s.conn);
    free(s.state);
    free(lines);
    return out;
}
