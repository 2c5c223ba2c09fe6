/*
 * lifecircle/isochrones.h — isochrones: for each origin point, the area reachable along the walking
 * network (network.h) within each of several walking distances (e.g. 5, 10 and 15 minutes), as
 * nested polygons; optionally the straight-line circles of the same radii, for comparison.
 *
 * An isochrone is built like a network service area (coverage.h): every point within buffer_m of
 * the parts of edges within the budget (each edge cut at the remaining budget, partial edges at the
 * origin's attachment) or of the origin's straight access leg, its outline traced on a grid of cell_m
 * (true circles at the ends: a point's distance to the nearest part decides, no buffers are built).
 * The polygon of a larger threshold is the union of its own outline and the polygon of the next
 * smaller one, so isochrones are nested by construction. An origin farther than max_snap_m from every edge is off-network: it
 * gets no polygon (a warning names it). Converting minutes to metres: lc_isochrone_metres().
 */
#ifndef LIFECIRCLE_ISOCHRONES_H
#define LIFECIRCLE_ISOCHRONES_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/geometry.h"
#include "lifecircle/network.h"
#include "lifecircle/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One origin. Strings borrowed for the call (copied). */
typedef struct lc_isochrone_origin {
    const char *id;    /* shown in warnings and outputs; NULL: "#<index+1>" */
    const char *name;  /* may be NULL */
    lc_xy at;          /* working CRS */
} lc_isochrone_origin;

/* How isochrones are built. Zero fields take the defaults. */
typedef struct lc_isochrone_options {
    const double *thresholds_m; /* walking distances, metres: positive, finite, strictly increasing */
    const double *minutes;      /* the minutes each threshold stands for (for outputs), or NULL */
    size_t nthresholds;         /* 1 .. 64 */
    double buffer_m;            /* half-width of the corridor around reachable edges (0: 50 m) */
    double max_snap_m;          /* farther than this from every edge an origin is off-network (0: 200 m) */
    int circles;                /* non-zero: also the straight-line circles of each threshold */
    int quadsegs;               /* segments per quarter circle of the straight-line circles (0: 8) */
    double cell_m;              /* grid the polygons' outlines are traced on (0: 1 m; a round end's
                                   outline lies within cell_m² / (8 · buffer_m) of the true circle
                                   between crossings, which lie on it) */
} lc_isochrone_options;

typedef struct lc_isochrones lc_isochrones;

/* The metres `minutes` of walking stand for under profile: at the pace of category (its reach
 * metres ÷ its reach minutes: 1000 m / 15 min for the built-in centre, so the 15-minute isochrone
 * of a centre is exactly the reach `check` uses) when category ≥ 0, else at the profile's walking
 * speed network.walk_speed_m_s (default 1.0 m/s: 15 min = 900 m). After lc_profile_set_walk_speed
 * (the study's walk_speed) both are that speed. NAN when profile is NULL, category is out of range,
 * or minutes is not positive and finite. */
LC_API double lc_isochrone_metres(const lc_profile *profile, int category, double minutes);

/* Computes the isochrones of n origins on net (borrowed during the call) with options (borrowed; the
 * thresholds are copied). Off-network origins draw an LC_LOG_WARNING naming them and get no polygon.
 * NULL with LC_ERR_MISUSE (no thresholds, thresholds not strictly increasing or not positive, NULL
 * arguments), LC_ERR_GEOMETRY or LC_ERR_NOMEM. The geometries belong to ctx's GEOS handle: ctx must
 * outlive the result. Caller frees with lc_isochrones_destroy(). */
LC_API lc_isochrones *lc_isochrones_compute(lc_context *ctx, const lc_network *net, const lc_isochrone_origin *origins,
                                            size_t n, const lc_isochrone_options *options);

/* Releases isochrones. Accepts NULL. */
LC_API void lc_isochrones_destroy(lc_isochrones *iso);

LC_API size_t lc_isochrones_origin_count(const lc_isochrones *iso);
LC_API size_t lc_isochrones_threshold_count(const lc_isochrones *iso);
/* Threshold t in metres, and the minutes it stands for (NAN when given in metres or past the end). */
LC_API double lc_isochrones_threshold(const lc_isochrones *iso, size_t t);
LC_API double lc_isochrones_minutes(const lc_isochrones *iso, size_t t);

/* Origin i as given (strings borrowed, valid while iso lives; id never NULL) and its attachment to
 * the network (edge -1 when off-network). NULL past the end. */
LC_API const lc_isochrone_origin *lc_isochrones_origin(const lc_isochrones *iso, size_t i);
LC_API const lc_snap *lc_isochrones_snap(const lc_isochrones *iso, size_t i);

/* The reachable area of origin i within threshold t (a polygon or multipolygon in the working CRS;
 * when the access leg alone is longer than the threshold, the corridor around the part of it walked);
 * NULL when the origin is off-network or past the end. Borrowed, valid while iso lives. */
LC_API const GEOSGeometry *lc_isochrones_polygon(const lc_isochrones *iso, size_t i, size_t t);

/* Area of that polygon, m² (0 when there is none). */
LC_API double lc_isochrones_area(const lc_isochrones *iso, size_t i, size_t t);

/* The straight-line circle of radius threshold t around origin i; NULL without options->circles.
 * Borrowed, valid while iso lives. */
LC_API const GEOSGeometry *lc_isochrones_circle(const lc_isochrones *iso, size_t i, size_t t);


#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_ISOCHRONES_H */
