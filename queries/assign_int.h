/*
 * queries/assign_int.h — one way to put a feature into the polygons of a higher level (compounds
 * and 居村 into 街镇, 街镇 into 区, ...), shared by queries/indicators.c and queries/levels.c: by a
 * declared field naming the parent's id or name, else by the polygon holding a point, else by
 * area of overlap. Internal to queries/.
 */
#ifndef LIFECIRCLE_QUERIES_ASSIGN_INT_H
#define LIFECIRCLE_QUERIES_ASSIGN_INT_H

#include "geo/context_int.h"
#include "lifecircle/layer.h"

/* Prepared parent polygons with their envelopes. */
typedef struct lc_parent_index {
    const lc_layer *layer;                /* borrowed */
    const GEOSPreparedGeometry **prep;    /* per parent, owned */
    lc_bbox *box;                         /* per parent, owned */
    size_t n;
} lc_parent_index;

/* Prepares the polygons of layer (may be NULL or empty: an index of none). LC_OK, LC_ERR_NOMEM or
 * LC_ERR_GEOMETRY; on failure what was built is released by lc_parent_index_free. */
lc_status lc_parent_index_build(lc_context *ctx, const lc_layer *layer, lc_parent_index *ix);

/* Releases an index (zeroed or built). */
void lc_parent_index_free(lc_context *ctx, lc_parent_index *ix);

/* The parent a point falls in, -1 if none (the first in layer order when parents overlap). */
long lc_parent_of_point(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *pt);

/* The parent a declared text names: the first whose id, else whose name equals it; -1 when the
 * text is NULL or empty or names none. */
long lc_parent_declared(const lc_layer *parents, const char *text);

/* Splits g (a polygon of the given area, or a point) over the parents by area of overlap:
 * shares[p] = area(g ∩ parent p) / area (a point: 1 for the parent holding it). Returns the parent
 * with the largest share (the first of equals), -1 when g meets none. shares has ix->n entries. */
long lc_parent_overlap(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *g, double area,
                       double *shares);

#endif /* LIFECIRCLE_QUERIES_ASSIGN_INT_H */
