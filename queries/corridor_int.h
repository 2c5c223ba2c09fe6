/*
 * queries/corridor_int.h — the walking corridor as a distance field (internal to queries/).
 *
 * A category's reach region is the set of points within `width` of a set of straight pieces: in
 * network mode the reached parts of edges with the profile's buffer_m (the walking corridor), in
 * straight-line mode the facility points with the reach itself (circles). Nothing here builds that
 * region as a union of buffers: the distance from a point to the nearest piece tells inside from
 * outside, and two routines work from it alone, square by square, doing work only where the edge of
 * the region passes:
 *   lc_corridor_area   — the area of a polygon inside the region (the numbers: covered shares), by
 *                        a quadtree with an exact half-plane estimate in its smallest squares and a
 *                        bound on the error it can make (queries/corridor_area.c);
 *   lc_corridor_trace  — the region's outline on a square grid (marching squares on the exact
 *                        distances at the grid's nodes), as GEOS polygons with holes: service areas,
 *                        the outlines of gaps, isochrones (queries/corridor_trace.c).
 * The region is exact: round ends and joins are true circles (radius width), not polygons.
 */
#ifndef LIFECIRCLE_QUERIES_CORRIDOR_INT_H
#define LIFECIRCLE_QUERIES_CORRIDOR_INT_H

#include <geos_c.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/geometry_int.h"

/* Squared distance from (px, py) to piece s. */
static inline double lc_seg_dist2(const lc_seg *s, double px, double py)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - s->ax) * dx + (py - s->ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = s->ax + t * dx - px, ey = s->ay + t * dy - py;
    return ex * ex + ey * ey;
}

/* A piece ready for distances: its first end, its direction and 1 / its squared length (0 for a
 * point), so the distance costs no division. */
typedef struct lc_pseg {
    double ax, ay, dx, dy, il2;
} lc_pseg;

static inline lc_pseg lc_pseg_of(const lc_seg *s)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
    return (lc_pseg){s->ax, s->ay, dx, dy, l2 > 0 ? 1 / l2 : 0};
}

/* Squared distance from (px, py) to a prepared piece. */
static inline double lc_pseg_dist2(const lc_pseg *p, double px, double py)
{
    double ex = px - p->ax, ey = py - p->ay, t = (ex * p->dx + ey * p->dy) * p->il2;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    ex -= t * p->dx, ey -= t * p->dy;
    return ex * ex + ey * ey;
}

/* A set of pieces (borrowed). */
typedef struct lc_piece_set {
    const lc_seg *s;
    size_t n;
} lc_piece_set;

/* A polygon (one or more, with holes) as its rings: ring k is pts[start[k] .. start[k + 1]), closed
 * or not, either orientation. */
typedef struct lc_rings {
    const lc_xy *pts;
    const size_t *start;
    size_t nrings;
} lc_rings;

/* One thread's working memory for the corridor routines, reused from call to call. */
typedef struct lc_corridor_scratch lc_corridor_scratch;

lc_corridor_scratch *lc_corridor_scratch_create(void);
void lc_corridor_scratch_destroy(lc_corridor_scratch *scr);

/* The rings of a GEOS polygon or multipolygon into the scratch's ring buffer (valid until the next
 * call with this scratch), with its bounding box. 0, or -1 (not polygonal, or out of memory). */
int lc_corridor_rings(lc_corridor_scratch *scr, GEOSContextHandle_t h, const GEOSGeometry *g, lc_rings *out,
                      lc_bbox *box);

/* Most piece sets lc_corridor_area intersects at once (life-circle categories); more is refused. */
#define LC_CORRIDOR_MAX_SETS 32

/* The area of poly ∩ the region within width of every one of the nsets piece sets (one set: a
 * category's region; several: where all of them reach, the whole life circle). box is poly's bounding
 * box. Squares are cut down to a side of leaf_m (> 0, at most width / 4 is used); in the smallest
 * ones each piece's region is taken as the half-plane bounded by its tangent there, which can only
 * add area: *bound (may be NULL) receives how much at most (each such square adds at most √2·leaf³ /
 * width per piece near it, and never more than its area), so the true area lies in
 * [*area − *bound, *area]. 0, or -1 out of memory or with more than LC_CORRIDOR_MAX_SETS sets. */
int lc_corridor_area(lc_corridor_scratch *scr, const lc_rings *poly, lc_bbox box, const lc_piece_set *sets,
                     size_t nsets, double width, double leaf_m, double *area, double *bound);

/* 1 when every point of box lies within width of some piece of set (shown with squares), 0 when
 * that could not be shown. Cheap: a compound well inside a dense network is settled at once. */
int lc_corridor_covers(lc_corridor_scratch *scr, const lc_piece_set *set, lc_bbox box, double width);

/* ---- outlines ----------------------------------------------------------------------------------- */

/* Where the pieces near a box come from when a trace covers more than a few squares (a category's
 * whole reach): near() puts into the scratch's piece list (lc_corridor_pieces_reset/_add) every piece
 * within d of box. 0, or -1 out of memory. */
typedef struct lc_piece_source {
    int (*near)(void *user, lc_corridor_scratch *scr, lc_bbox box, double d);
    void *user;
} lc_piece_source;

/* The piece list a source fills (emptied by reset). 0, or -1 out of memory. */
void lc_corridor_pieces_reset(lc_corridor_scratch *scr);
int lc_corridor_pieces_add(lc_corridor_scratch *scr, const lc_seg *s, size_t n);

/* A grid of square cells `cell` metres wide whose nodes lie on multiples of cell, over the nodes
 * (i0 .. i1) × (j0 .. j1) (node (i, j) at (i·cell, j·cell)); the outermost nodes count as outside,
 * so every outline closes inside the grid. lc_corridor_grid_for covers box with two nodes to spare on
 * every side: the outline of a region that reaches box's edge closes between real nodes beyond it. */
typedef struct lc_grid {
    double cell, width;
    int64_t i0, j0, i1, j1;
} lc_grid;

lc_grid lc_corridor_grid_for(lc_bbox box, double cell, double width);

/* The outline's pieces found in one block of the grid's cells (cells ci0 .. ci1−1 × cj0 .. cj1−1),
 * kept by the caller and handed to lc_corridor_assemble with the other blocks' in a fixed order. */
typedef struct lc_trace_seg {
    uint64_t from, to;   /* the grid edges it runs between (keys), from → to with the region on the left */
    double x, y;         /* where it starts (on edge `from`) */
    double cx, cy;       /* with crease set: the corner it turns at inside the cell (two pieces' edges meet) */
    int crease;
} lc_trace_seg;

typedef struct lc_trace_segs {
    lc_trace_seg *v;
    size_t n, cap;
} lc_trace_segs;

/* Makes room for n pieces in segs. 0, or -1 out of memory. */
int lc_scratch_grow_segs(lc_trace_segs *segs, size_t n);

/* Traces the outline in the cells [ci0, ci1) × [cj0, cj1) of grid g, appending to out: the distance
 * to the nearest piece is computed at the nodes near the region's edge only (squares certainly
 * inside or outside are settled whole), and each cell the edge crosses gives one or two pieces of
 * it (marching squares; each crossing of a cell side found where the nearer of its two ends'
 * nearest pieces is exactly width away, and where the crossings of a cell come from two pieces the
 * corner where their edges meet added; a saddle decided by the mean of its corners). Pieces from src near each block (src may be NULL: then the scratch's piece list is used as
 * it is). 0, or -1 out of memory. */
int lc_corridor_trace_block(lc_corridor_scratch *scr, const lc_piece_source *src, const lc_grid *g, int64_t ci0,
                            int64_t cj0, int64_t ci1, int64_t cj1, lc_trace_segs *out);

/* Several piece sets traced over the same block (a service-area block's categories), each piece's
 * distance from a square's centre or a node computed once for every set that holds it: the same
 * outlines as lc_corridor_trace_block gives each set alone. Owned by the caller; one per thread. */
typedef struct lc_corridor_sets lc_corridor_sets;

lc_corridor_sets *lc_corridor_sets_create(void);
void lc_corridor_sets_destroy(lc_corridor_sets *sets);

/* lc_corridor_trace_block for nsets (1 .. 32) sets over the same cells [ci0, ci1) × [cj0, cj1):
 * set c's pieces sets[c] traced on grids[c] (the same cell and width for all) with scratch scr[c]
 * (one each, its piece list replaced), appended to out[c]. 0, or -1 out of memory (or nsets out
 * of range). */
int lc_corridor_trace_sets(lc_corridor_sets *un, lc_corridor_scratch *const *scr, const lc_piece_set *sets,
                           const lc_grid *const *grids, size_t nsets, int64_t ci0, int64_t cj0, int64_t ci1,
                           int64_t cj1, lc_trace_segs *const *out);

/* Joins the pieces of every block of one grid (segs, n, from all the blocks) into rings, nests them
 * (holes in their shells, islands in holes) and returns them as one GEOS multipolygon, or NULL when
 * the region is empty (*failed then 0) or on failure (*failed 1). Vertices where the outline runs
 * straight on are dropped. Caller frees the result. */
GEOSGeometry *lc_corridor_assemble(GEOSContextHandle_t h, const lc_grid *g, const lc_trace_seg *segs, size_t n,
                                   int *failed);

/* The region within box (a grid of `cell` over it, traced from the scratch's piece list, assembled):
 * for one compound's gap or an isochrone. NULL when empty or on failure (*failed set). */
GEOSGeometry *lc_corridor_trace(lc_corridor_scratch *scr, GEOSContextHandle_t h, lc_bbox box, double width,
                                double cell, int *failed);

#endif /* LIFECIRCLE_QUERIES_CORRIDOR_INT_H */
