/*
 * geo/cellgrid_int.h — the library's one grid hash of points: points numbered in the order they
 * are added, hashed by the square cell of side `cell` they fall in (open addressing on the cell's
 * integer coordinates, linear probing, grown as it fills), each cell chaining its points newest
 * first. Used wherever points near a point are wanted without an index over all of them: joining
 * road vertices into nodes (network/network.c), finding vertices and dangling ends near a road end
 * (network/roads_dangles.c), keeping generated siting candidates apart (queries/siting_candidates.c).
 */
#ifndef LIFECIRCLE_GEO_CELLGRID_INT_H
#define LIFECIRCLE_GEO_CELLGRID_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lifecircle/context.h"
#include "lifecircle/geometry.h"

/* The end of a cell's chain, and an empty slot. */
#define LC_CELL_NONE UINT32_MAX

typedef struct lc_cellgrid {
    double cell;        /* side of a cell, > 0 */
    size_t mask;        /* slots − 1 (slots a power of two) */
    size_t used;        /* occupied slots */
    struct lc_cell_slot {
        int64_t kx, ky; /* the cell */
        uint32_t head;  /* the cell's newest point, LC_CELL_NONE when empty */
    } *slot;            /* one struct per slot, not three arrays: a probe of a table larger than the
                           caches (a city's road vertices) then misses once, not three times */
    uint32_t *next;     /* per point: the next (older) point of its cell */
    size_t npoints, cap; /* points added; room in next */
} lc_cellgrid;

/* An empty grid of cells of side cell (> 0, finite) with room for `expect` points in distinct cells
 * before it grows. The struct is the caller's; lc_cellgrid_free releases what this allocates (also after a
 * failure). LC_OK, LC_ERR_MISUSE (bad cell) or LC_ERR_NOMEM. */
lc_status lc_cellgrid_init(lc_context *ctx, lc_cellgrid *g, double cell, size_t expect);

/* Releases the grid's arrays (not the struct). Accepts a zeroed struct. */
void lc_cellgrid_free(lc_cellgrid *g);

/* The cell holding p: floor(p / cell) on each axis. */
void lc_cellgrid_key(const lc_cellgrid *g, lc_xy p, int64_t *cx, int64_t *cy);

/* Adds p as point number g->npoints (its number is the count before the call), first in its cell's
 * chain. LC_OK or LC_ERR_NOMEM (the grid is unchanged). Fewer than 2^32 − 1 points. */
lc_status lc_cellgrid_add(lc_context *ctx, lc_cellgrid *g, lc_xy p);

/* Asks the CPU to fetch the slot of p's cell ahead of a lc_cellgrid_first or _add for p: a table
 * larger than the caches misses on nearly every probe, and the misses overlap when the caller
 * prefetches a few points ahead (the network's node loop). */
void lc_cellgrid_prefetch(const lc_cellgrid *g, lc_xy p);

/* The newest point of cell (cx, cy), LC_CELL_NONE when the cell is empty; the cell's other points
 * follow through g->next[] until LC_CELL_NONE. */
uint32_t lc_cellgrid_first(const lc_cellgrid *g, int64_t cx, int64_t cy);

#endif /* LIFECIRCLE_GEO_CELLGRID_INT_H */
