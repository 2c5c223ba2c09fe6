/*
 * layers/layer_geometry.c — each feature's geometry as layers/layer.c reads it: OGR to 2-D GEOS
 * (curves stroked), lon/lat ranges checked (swapped or out of range), and the geometry made to fit
 * its kind (polygons repaired with GEOSMakeValid, facilities reduced to a point on their surface).
 * Points from lon/lat columns are read with the fields, in layers/layer.c.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <ctype.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"
#include "layers/reader_int.h"

/* ---- geometry ------------------------------------------------------------------------------- */

/* Converts an OGR geometry into a 2-D GEOS geometry with linear rings (curves stroked) through WKB.
 * NULL on failure. Caller frees with GEOSGeom_destroy_r(). */
GEOSGeometry *lc_reader_ogr_to_geos(lc_context *ctx, OGRGeometryH g)
{
    OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
    if (!lin)
        return NULL;
    OGR_G_FlattenTo2D(lin);
    int size = OGR_G_WkbSize(lin);
    unsigned char *wkb = size > 0 ? lc_malloc(ctx, (size_t)size) : NULL;
    GEOSGeometry *out = NULL;
    if (wkb && OGR_G_ExportToWkb(lin, wkbNDR, wkb) == OGRERR_NONE) {
        GEOSWKBReader *r = GEOSWKBReader_create_r(lc_ctx_geos(ctx));
        if (r) {
            out = GEOSWKBReader_read_r(lc_ctx_geos(ctx), r, wkb, (size_t)size);
            GEOSWKBReader_destroy_r(lc_ctx_geos(ctx), r);
        }
    }
    free(wkb);
    OGR_G_DestroyGeometry(lin);
    return out;
}

/* Checks the lon/lat range of a geographic geometry; reports swapped or out-of-range coordinates.
 * Returns 0 when the coordinates are usable. */
int lc_reader_check_lonlat(reader *rd, const GEOSGeometry *g)
{
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getExtent_r(lc_ctx_geos(rd->ctx), g, &minx, &miny, &maxx, &maxy))
        return 0;
    if (minx >= -180 && maxx <= 180 && miny >= -90 && maxy <= 90)
        return 0;
    if (minx >= -90 && maxx <= 90 && miny >= -180 && maxy <= 180)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_SWAPPED_LONLAT, NULL,
               "coordinates (%.6f, %.6f) look like latitude/longitude swapped: longitude must come "
               "first (x) and latitude second (y)",
               minx, miny);
    else
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_OUT_OF_RANGE, NULL,
               "coordinates (%.6f, %.6f) are outside longitude -180..180 / latitude -90..90; is the "
               "layer's CRS right?",
               minx, miny);
    return -1;
}

/* Builds a point from the lon/lat columns, reporting missing and non-numeric values. */
GEOSGeometry *lc_reader_fit_geometry(reader *rd, GEOSGeometry *g)
{
    GEOSContextHandle_t h = lc_ctx_geos(rd->ctx);
    int type = GEOSGeomTypeId_r(h, g);
    int polygonal = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
    if (GEOSisEmpty_r(h, g)) {
        report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_EMPTY_GEOMETRY, NULL, "geometry is empty");
        GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    if (rd->layer->kind == LC_LAYER_RESIDENTIAL && (type == GEOS_POINT || polygonal)) {
        /* Compounds are polygons, or points (小区 POIs) — one or the other for the whole layer. */
        int as_points = type == GEOS_POINT;
        if (!rd->layer->kind_set) {
            rd->layer->points = as_points;
            rd->layer->kind_set = 1;
        }
        if (as_points != rd->layer->points) {
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
                   "a %s where the layer's first compound is a %s: give compounds as polygons or as points, "
                   "not both", as_points ? "point" : "polygon", as_points ? "polygon" : "point");
            GEOSGeom_destroy_r(h, g);
            return NULL;
        }
        if (as_points)
            return g;
    }
    if (point_kind(rd->layer->kind)) {
        if (type == GEOS_POINT)
            return g;
        if (polygonal || type == GEOS_MULTIPOINT) {
            GEOSGeometry *p = GEOSPointOnSurface_r(h, g);
            GEOSGeom_destroy_r(h, g);
            return p;
        }
    } else if (polygonal) {
        if (GEOSisValid_r(h, g) == 1)
            return g;
        char *reason = GEOSisValidReason_r(h, g);
        GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(h);
        GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE);
        GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
        GEOSGeometry *fixed = GEOSMakeValidWithParams_r(h, g, params);
        GEOSMakeValidParams_destroy_r(h, params);
        GEOSGeom_destroy_r(h, g);
        if (!fixed || GEOSisEmpty_r(h, fixed)) {
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_INVALID_GEOMETRY, NULL,
                   "invalid polygon (%s) could not be repaired", reason ? reason : "?");
            if (fixed)
                GEOSGeom_destroy_r(h, fixed);
            GEOSFree_r(h, reason);
            return NULL;
        }
        report(rd, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_INVALID_GEOMETRY, NULL,
               "invalid polygon (%s) repaired with GEOSMakeValid", reason ? reason : "?");
        GEOSFree_r(h, reason);
        return fixed;
    }
    report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
           "a %s geometry where %s are needed",
           type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING ? "line"
           : type == GEOS_POINT || type == GEOS_MULTIPOINT       ? "point"
                                                                 : "mixed",
           point_kind(rd->layer->kind) ? "points or polygons"
                                                                                           : "polygons");
    GEOSGeom_destroy_r(h, g);
    return NULL;
}
