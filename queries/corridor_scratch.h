/*
 * queries/corridor_scratch.h — the scratch memory of the corridor routines, shared by
 * queries/corridor*.c only: growable arrays that live as long as a worker thread and are reused
 * from call to call, so the millions of squares a city's coverage looks at allocate nothing.
 */
#ifndef LIFECIRCLE_QUERIES_CORRIDOR_SCRATCH_H
#define LIFECIRCLE_QUERIES_CORRIDOR_SCRATCH_H

#include "queries/corridor_int.h"

/* A crossing found on a grid row's edge, kept for the cell on the row's other side. */
typedef struct lc_crossing_memo {
    lc_xy at;
    const lc_seg *act;
    int64_t row; /* the grid row (node j) it lies on; another row's value: not found yet */
} lc_crossing_memo;

/* A square's list of pieces: scr->idx[off .. off + cnt); cnt UINT32_MAX: not made yet. */
typedef struct lc_square_list {
    size_t off;
    uint32_t cnt;
    unsigned char in, near; /* a piece within width − h of its centre (h its half-diagonal), within width + h */
} lc_square_list;

struct lc_corridor_scratch {
    lc_xy *ring_pts;          /* lc_corridor_rings */
    size_t nring_pts, ring_pts_cap;
    size_t *ring_start;
    size_t nrings, ring_start_cap;
    lc_seg *pieces;           /* the piece list a source fills */
    size_t npieces, pieces_cap;
    lc_pseg *prep;            /* pieces prepared for distances (a block's, or a call's sets) */
    size_t prep_cap;
    uint32_t *idx;            /* indices of the pieces kept square by square, a stack */
    size_t idx_cap;
    double *d2;               /* beside idx in a union's square lists: each piece's squared distance */
    size_t d2_cap;
    lc_xy *poly;              /* the polygon cut square by square (corridor_area.c), a stack */
    size_t poly_cap;
    size_t *plen;             /* its rings' lengths, a stack */
    size_t plen_cap;
    double *val;              /* a block's grid nodes (corridor_trace.c): distances, */
    size_t val_cap;
    unsigned char *state;     /* each node's state, */
    size_t state_cap;
    uint32_t *near;           /* and the nearest piece of a node whose distance is known */
    size_t near_cap;
    size_t *bstart;           /* a block's pieces by bucket (CSR) */
    size_t bstart_cap;
    uint32_t *bitem;
    size_t bitem_cap;
    uint32_t *stamp;          /* per piece: the last square that listed it */
    size_t stamp_cap;
    uint32_t *sqflag;         /* per square of a block: held whole by some piece */
    size_t sqflag_cap;
    double *sqc;              /* the squares' centres: x per column, then y per row */
    size_t sqc_cap;
    lc_square_list *sqlist;   /* per square of a block: its pieces (corridor_trace.c) */
    size_t sqlist_cap;
    lc_crossing_memo *xrow;   /* a block's crossings on two grid rows (corridor_trace.c) */
    size_t xrow_cap;
};

/* Prepares n pieces into scr->prep from index at. 0, or -1 out of memory. */
int lc_scratch_prepare(lc_corridor_scratch *scr, size_t at, const lc_seg *s, size_t n);

/* lc_scratch_grow's reallocation, when *cap is short of need. */
int lc_scratch_grow_slow(void **p, size_t *cap, size_t need, size_t size);

/* Makes room for need elements of size bytes in *p (capacity *cap, in elements). 0, or -1. Inline:
 * the corridor's loops ask millions of times and there is nearly always room (the call was 1 %). */
static inline int lc_scratch_grow(void **p, size_t *cap, size_t need, size_t size)
{
    return need <= *cap ? 0 : lc_scratch_grow_slow(p, cap, need, size);
}

#endif /* LIFECIRCLE_QUERIES_CORRIDOR_SCRATCH_H */
