/*
 * geo/roads_int.h — what the two repairs of CAD-derived road lines share (geo/roads_noding.c,
 * geo/roads_dangles.c): the one rule deciding whether two lines may be joined where they come
 * together, so crossings and dangling ends never disagree about bridges, tunnels and levels.
 */
#ifndef LC_GEO_ROADS_INT_H
#define LC_GEO_ROADS_INT_H

#include "lifecircle/roads.h"

/* Whether lines a and b may meet at a new junction: neither is a bridge or a tunnel, and both lie
 * at the same level. A bridge's own ends still join the street they land on at a shared vertex
 * (geo/network.c); only junctions the data does not draw are refused. */
static inline int lc_roads_joinable(const lc_road *a, const lc_road *b)
{
    return !a->bridge && !a->tunnel && !b->bridge && !b->tunnel && a->level == b->level;
}

#endif /* LC_GEO_ROADS_INT_H */
