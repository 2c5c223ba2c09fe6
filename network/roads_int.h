/*
 * network/roads_int.h — what the two repairs of CAD-derived road lines share (network/roads_noding.c,
 * network/roads_dangles.c): the one rule deciding whether two lines may be joined where they come
 * together, so crossings and dangling ends never disagree about bridges, tunnels and levels; and
 * the one way the lines are rebuilt with the vertices a repair inserts (network/roads_cuts.c).
 */
#ifndef LC_NETWORK_ROADS_INT_H
#define LC_NETWORK_ROADS_INT_H

#include <stdint.h>

#include "lifecircle/roads.h"

/* A segment: vertex k to k+1 of line `line`. */
typedef struct lc_road_seg {
    uint32_t line, k;
} lc_road_seg;

/* A vertex to insert into line `line` on its segment k at parameter t (0..1). */
typedef struct lc_road_cut {
    uint32_t line, k;
    double t;
    lc_xy p;
} lc_road_cut;

/* What an STR-tree query over an array of segments collects (lc_road_seg_collect): the indices
 * (into segs) of the segments found, from `from` on. found is grown with lc_grow; failed is set
 * when that runs out of memory. The caller frees found. */
typedef struct lc_road_seg_query {
    lc_context *ctx;
    const lc_road_seg *segs;
    size_t from;
    size_t *found;
    size_t n, cap;
    int failed;
} lc_road_seg_query;

/* GEOSSTRtree_query_r callback: item points into q->segs; userdata is the lc_road_seg_query. */
void lc_road_seg_collect(void *item, void *userdata);

/* The nlines lines again, attributes and order kept, with the cuts inserted in order along each
 * (cuts is sorted here; a cut within 1e-9 m of the vertex before it is left out) and, where
 * join_at (may be NULL; 2 per line) holds a point that is not NaN, a connecting vertex before line
 * i's first vertex (join_at[2i]) or after its last (join_at[2i+1]), left out when within tol of that
 * end. NULL with LC_ERR_NOMEM. Caller frees with lc_roads_destroy(). */
lc_roads *lc_roads_rebuild(lc_context *ctx, const lc_road *lines, size_t nlines, lc_road_cut *cuts, size_t ncut,
                           const lc_xy *join_at, double tol);

/* Whether lines a and b may meet at a new junction: neither is a bridge or a tunnel, and both lie
 * at the same level. A bridge's own ends still join the street they land on at a shared vertex
 * (network/network.c); only junctions the data does not draw are refused. */
static inline int lc_roads_joinable(const lc_road *a, const lc_road *b)
{
    return !a->bridge && !a->tunnel && !b->bridge && !b->tunnel && a->level == b->level;
}

#endif /* LC_NETWORK_ROADS_INT_H */
