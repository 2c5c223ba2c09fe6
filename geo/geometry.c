/*
 * geo/geometry.c — small value helpers for lc_bbox and access to the context's GEOS handle, and
 * the preparation of geometries that threads will share (lc_geom_cache_for_threads). Geometry
 * operations on layers (repair, point on surface, areas) live with their callers.
 */
#include <math.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "lifecircle/geometry.h"

lc_bbox lc_bbox_empty(void)
{
    return (lc_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
}

lc_bbox lc_bbox_extend(lc_bbox box, lc_xy p)
{
    if (p.x < box.minx) box.minx = p.x;
    if (p.y < box.miny) box.miny = p.y;
    if (p.x > box.maxx) box.maxx = p.x;
    if (p.y > box.maxy) box.maxy = p.y;
    return box;
}

lc_bbox lc_bbox_union(lc_bbox a, lc_bbox b)
{
    if (lc_bbox_is_empty(a)) return b;
    if (lc_bbox_is_empty(b)) return a;
    a = lc_bbox_extend(a, (lc_xy){b.minx, b.miny});
    return lc_bbox_extend(a, (lc_xy){b.maxx, b.maxy});
}

int lc_bbox_is_empty(lc_bbox box)
{
    return !(box.minx <= box.maxx && box.miny <= box.maxy);
}

GEOSContextHandle_t lc_context_geos(const lc_context *ctx)
{
    return ctx ? lc_ctx_geos(ctx) : NULL;
}

/* Caches the envelope and coordinate dimension of one linear ring or line. */
static void cache_linear(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    double e[4];
    if (!g)
        return;
    GEOSGeom_getExtent_r(h, g, &e[0], &e[1], &e[2], &e[3]);
    GEOSGeom_getCoordinateDimension_r(h, g);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
    unsigned dims = 0;
    if (cs)
        GEOSCoordSeq_getDimensions_r(h, cs, &dims);
}

void lc_geom_cache_for_threads(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    if (!g)
        return;
    double e[4];
    GEOSGeom_getExtent_r(h, g, &e[0], &e[1], &e[2], &e[3]);
    GEOSGeom_getCoordinateDimension_r(h, g);
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        cache_linear(h, GEOSGetExteriorRing_r(h, g));
        int holes = GEOSGetNumInteriorRings_r(h, g);
        for (int k = 0; k < holes; k++)
            cache_linear(h, GEOSGetInteriorRingN_r(h, g, k));
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING || type == GEOS_POINT) {
        cache_linear(h, g);
    } else if (type >= GEOS_MULTIPOINT) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < n; k++)
            lc_geom_cache_for_threads(h, GEOSGetGeometryN_r(h, g, k));
    }
}

/* Geometry as WKB; see geometry.h. GEOS's buffer is copied into one of ours, so lc_free (plain
 * free) releases it whatever allocator GEOS uses. */
unsigned char *lc_geometry_wkb(lc_context *ctx, const GEOSGeometry *g, size_t *size)
{
    if (!ctx)
        return NULL;
    if (!g || !size) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_geometry_wkb: a geometry and a size are required");
        return NULL;
    }
    *size = 0;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    if (!w) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: a WKB writer");
        return NULL;
    }
    GEOSWKBWriter_setOutputDimension_r(h, w, 2);
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    GEOSWKBWriter_setFlavor_r(h, w, GEOS_WKB_ISO);
    size_t n = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(h, w, g, &n);
    GEOSWKBWriter_destroy_r(h, w);
    if (!wkb) {
        lc_error(ctx, LC_ERR_GEOMETRY, "cannot write a geometry as WKB: %s", lc_ctx_geos_message(ctx));
        return NULL;
    }
    unsigned char *out = lc_malloc(ctx, n ? n : 1);
    if (out) {
        memcpy(out, wkb, n);
        *size = n;
    }
    GEOSFree_r(h, wkb);
    return out;
}
