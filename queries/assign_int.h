/*
 * queries/assign_int.h — one way to put a feature into the polygons of a higher level (compounds
 * and 居村 into 街镇, 街镇 into 区, ...), shared by queries/indicators.c and queries/levels.c: by a
 * declared field naming the parent's id or name, else by the polygon holding a point, else by
 * area of overlap. The parents' envelopes are hashed into the library's one grid of cells
 * (geo/cellgrid.c) and their ids and names into its one string map (geo/strmap.c), so a lookup
 * looks at the few parents near a feature, not all of them (5,000 居村 × 100,000 compounds).
 * Internal to queries/.
 */
#ifndef LIFECIRCLE_QUERIES_ASSIGN_INT_H
#define LIFECIRCLE_QUERIES_ASSIGN_INT_H

#include <stdint.h>

#include "geo/cellgrid_int.h"
#include "geo/context_int.h"
#include "geo/strmap_int.h"
#include "lifecircle/layer.h"

/* Prepared parent polygons with their envelopes. */
typedef struct lc_parent_index {
    const lc_layer *layer;                /* borrowed */
    const GEOSPreparedGeometry **prep;    /* per parent, owned */
    lc_bbox *box;                         /* per parent, owned */
    size_t n;
    lc_cellgrid grid;                     /* one point per cell a parent's envelope covers, */
    uint32_t *owner;                      /* ... and the parent it stands for */
    uint32_t *wide;                       /* parents covering too many cells to hash: always looked at */
    size_t nwide;
    lc_strmap ids, names;                 /* id → parent, name → the first parent of that name */
} lc_parent_index;

/* A parent and the share of a feature in it. */
typedef struct lc_parent_share {
    size_t parent;
    double share;
} lc_parent_share;

/* Prepares the polygons of layer (may be NULL or empty: an index of none). LC_OK, LC_ERR_NOMEM or
 * LC_ERR_GEOMETRY; on failure what was built is released by lc_parent_index_free. */
lc_status lc_parent_index_build(lc_context *ctx, const lc_layer *layer, lc_parent_index *ix);

/* Releases an index (zeroed or built). */
void lc_parent_index_free(lc_context *ctx, lc_parent_index *ix);

/* The parents whose envelope meets box, in increasing order, into (*out)[0 .. *n) (grown with
 * realloc, capacity *cap; the caller frees it): the parents a query near box must look at. 0, or
 * -1 out of memory. */
int lc_parent_candidates(const lc_parent_index *ix, lc_bbox box, size_t **out, size_t *n, size_t *cap);

/* The parent a point falls in, -1 if none (the first in layer order when parents overlap; also -1
 * out of memory, the context's error set). */
long lc_parent_of_point(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *pt);

/* The parent a declared text names: the first whose id, else whose name equals it; -1 when the
 * text is NULL or empty or names none. */
long lc_parent_declared(const lc_parent_index *ix, const char *text);

/* Splits g (a polygon of the given area, or a point) over the parents by area of overlap: the
 * parents p with a share area(g ∩ p) / area > 0 (a point: 1 for the parent holding it) into
 * shares[0 .. *nshares), in increasing parent order (shares has room for ix->n). Returns the parent
 * with the largest share (the first of equals), -1 when g meets none, -2 out of memory (the
 * context's error set). */
long lc_parent_overlap(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *g, double area,
                       lc_parent_share *shares, size_t *nshares);

#endif /* LIFECIRCLE_QUERIES_ASSIGN_INT_H */
