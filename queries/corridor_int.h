/*
 * queries/corridor_int.h — corridors around reachable edge parts, shared by network coverage
 * (queries/coverage.c) and isochrones (queries/isochrones.c). A corridor is the set of points within
 * `width` of a set of straight pieces: the pieces joined end to end into lines where no third piece
 * meets them, each line buffered (round ends and joins, `quadsegs` segments per quarter circle) and
 * the buffers dissolved. Inside a box, the corridor depends only on the pieces within width of the
 * box (cut where they leave the box grown by width): coverage builds it locally, per polygon and per
 * tile, on every core. Internal.
 */
#ifndef LIFECIRCLE_QUERIES_CORRIDOR_INT_H
#define LIFECIRCLE_QUERIES_CORRIDOR_INT_H

#include <geos_c.h>
#include <stddef.h>

#include "lifecircle/geometry.h"

/* A straight piece from (ax,ay) to (bx,by). */
typedef struct lc_seg {
    double ax, ay, bx, by;
} lc_seg;

/* Joins runs of consecutive pieces where one ends where the next starts (within 1e-9 m) and both
 * point the same way on one line: the corridor is unchanged (the union of the buffers of two such
 * pieces is the buffer of the joined one) while it has far fewer pieces (a straight street reached
 * over many edges, crossed by others, becomes one). In place; returns the new count. */
size_t lc_corridor_join(lc_seg *s, size_t n);

/* Cuts s to the part inside box; returns 0 when nothing of it is inside (s is then untouched).
 * A piece cut at the edge of a box grown by width keeps the same corridor inside the ungrown box. */
int lc_corridor_clip(lc_seg *s, lc_bbox box);

/* Orders the ends of each piece and the pieces themselves (lexicographically), so equal sets of
 * pieces compare equal with memcmp. */
void lc_corridor_sort(lc_seg *s, size_t n);

/* 1 when every point of box is certainly inside the corridor of the n pieces (checked on a grid of
 * cells against the disc each buffer polygon certainly holds around its line), 0 when that could not
 * be shown. */
int lc_corridor_covers_box(const lc_seg *s, size_t n, lc_bbox box, double width, int quadsegs);

/* The corridor of n pieces, NULL when n is 0 or on failure (*failed set). Caller frees with
 * GEOSGeom_destroy_r. */
GEOSGeometry *lc_corridor_union(GEOSContextHandle_t h, const lc_seg *s, size_t n, double width, int quadsegs,
                                int *failed);

/* box ∩ the corridor of n pieces (cut to box grown by width, as lc_corridor_clip leaves them), NULL
 * when that is empty or on failure (*failed set). Equal to intersecting lc_corridor_union with the box,
 * but what lies deep inside the corridor is filled with a polygon traced from a raster instead of
 * unioning the buffers there, so a dense street grid costs little more than its outline. Caller frees
 * with GEOSGeom_destroy_r. */
GEOSGeometry *lc_corridor_in_box(GEOSContextHandle_t h, const lc_seg *s, size_t n, lc_bbox box, double width,
                                 int quadsegs, int *failed);

#endif /* LIFECIRCLE_QUERIES_CORRIDOR_INT_H */
