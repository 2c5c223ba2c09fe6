/*
 * geo/geometry_int.h — GEOS helpers the library's modules share (not callers).
 */
#ifndef LIFECIRCLE_GEO_GEOMETRY_INT_H
#define LIFECIRCLE_GEO_GEOMETRY_INT_H

#include <geos_c.h>

#include "lifecircle/geometry.h"

/* A straight piece from (ax,ay) to (bx,by); a point when both ends are equal. The corridor routines
 * (queries/corridor*.c) measure distances to sets of them: reached parts of edges, facility points. */
typedef struct lc_seg {
    double ax, ay, bx, by;
} lc_seg;

/* The smaller and the larger of two numbers that are not NaN, inlined: libm's fmin and fmax are calls
 * GCC does not inline without -ffinite-math-only, and the corridor's loops make millions of them (1 %
 * of a network check's instructions). Same result as fmin/fmax (x86-64 minsd/maxsd, which glibc's use
 * too: the second operand when equal, so -0/+0 alike) whenever neither is NaN. */
static inline double lc_min(double a, double b)
{
    return a < b ? a : b;
}

static inline double lc_max(double a, double b)
{
    return a > b ? a : b;
}

/* Computes everything GEOS 3.11 caches lazily inside a geometry — the envelope of the geometry,
 * of each part and of each ring, and each coordinate sequence's dimension — so that threads that
 * share it afterwards (coverage workers, a coverage job beside the caller) only read it. Call it
 * once on the thread that made g, before g is shared. Accepts NULL. */
void lc_geom_cache_for_threads(GEOSContextHandle_t h, const GEOSGeometry *g);

#endif /* LIFECIRCLE_GEO_GEOMETRY_INT_H */
