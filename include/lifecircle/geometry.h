/*
 * lifecircle/geometry.h — plain value types (lc_xy, lc_bbox) and the GEOS handle of a context.
 *
 * Geometries are GEOS geometries (geos_c.h, reentrant _r API) in the study's working CRS, in metres.
 * lifecircle uses GEOS through the context's handle; callers that build or inspect geometries use
 * lc_context_geos() with the GEOS _r functions — or, where their GEOS is not this one (Python's
 * shapely bundles its own, so GEOS pointers cannot be handed across), take every geometry as WKB
 * with lc_geometry_wkb.
 */
#ifndef LIFECIRCLE_GEOMETRY_H
#define LIFECIRCLE_GEOMETRY_H

#include <geos_c.h>

#include "lifecircle/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A coordinate pair: x/y in the working CRS, or lon/lat in degrees where a function says so. */
typedef struct lc_xy {
    double x;
    double y;
} lc_xy;

/* An axis-aligned box; empty when minx > maxx. */
typedef struct lc_bbox {
    double minx;
    double miny;
    double maxx;
    double maxy;
} lc_bbox;

/* An empty box, ready to grow with lc_bbox_extend(). */
LC_API lc_bbox lc_bbox_empty(void);
/* box grown to hold p. */
LC_API lc_bbox lc_bbox_extend(lc_bbox box, lc_xy p);
/* The union of two boxes. */
LC_API lc_bbox lc_bbox_union(lc_bbox a, lc_bbox b);
/* Non-zero when the box holds no point. */
LC_API int lc_bbox_is_empty(lc_bbox box);

/* The context's GEOS handle, for use with GEOS _r functions on lifecircle's geometries.
 * Borrowed, valid until lc_context_destroy(). */
LC_API GEOSContextHandle_t lc_context_geos(const lc_context *ctx);

/* Geometry g (any the library returns: a feature's, a gap, a service area) as ISO WKB, little
 * endian, 2D, in the working CRS: *size bytes. Caller frees with lc_free(). NULL with
 * LC_ERR_MISUSE (no geometry or size) or LC_ERR_GEOMETRY (GEOS cannot write it). For callers whose
 * GEOS is not the library's (shapely.from_wkb, OGR_G_CreateFromWkb). */
LC_API unsigned char *lc_geometry_wkb(lc_context *ctx, const GEOSGeometry *g, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_GEOMETRY_H */
