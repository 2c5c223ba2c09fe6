/*
 * queries/assign.c — putting features into the polygons of a higher level (queries/assign_int.h):
 * prepared parent polygons, point in polygon, a declared id or name, and shares by area of
 * overlap. What is then summed per parent lives in queries/indicators.c and queries/levels.c.
 */
#include <stdlib.h>
#include <string.h>

#include "queries/assign_int.h"

lc_status lc_parent_index_build(lc_context *ctx, const lc_layer *layer, lc_parent_index *ix)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(layer);
    memset(ix, 0, sizeof *ix);
    ix->layer = layer;
    if (!n)
        return LC_OK;
    ix->prep = lc_calloc(ctx, n, sizeof *ix->prep);
    ix->box = lc_calloc(ctx, n, sizeof *ix->box);
    if (!ix->prep || !ix->box)
        return LC_ERR_NOMEM;
    ix->n = n;
    for (size_t u = 0; u < n; u++) {
        const GEOSGeometry *g = lc_layer_feature(layer, u)->geom;
        ix->prep[u] = GEOSPrepare_r(h, g);
        if (!ix->prep[u])
            return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): cannot prepare the polygon",
                            lc_layer_source(layer), lc_layer_name(layer), lc_layer_feature(layer, u)->id);
        GEOSGeom_getExtent_r(h, g, &ix->box[u].minx, &ix->box[u].miny, &ix->box[u].maxx, &ix->box[u].maxy);
    }
    return LC_OK;
}

void lc_parent_index_free(lc_context *ctx, lc_parent_index *ix)
{
    for (size_t u = 0; ix->prep && u < ix->n; u++)
        if (ix->prep[u])
            GEOSPreparedGeom_destroy_r(lc_ctx_geos(ctx), ix->prep[u]);
    free(ix->prep);
    free(ix->box);
    memset(ix, 0, sizeof *ix);
}

static int boxes_overlap(lc_bbox a, lc_bbox b)
{
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

long lc_parent_of_point(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *pt)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    double x, y;
    if (!ix->n || !GEOSGeomGetX_r(h, pt, &x) || !GEOSGeomGetY_r(h, pt, &y))
        return -1;
    lc_bbox p = {x, y, x, y};
    for (size_t u = 0; u < ix->n; u++)
        if (boxes_overlap(p, ix->box[u]) && GEOSPreparedIntersects_r(h, ix->prep[u], pt) == 1)
            return (long)u;
    return -1;
}

long lc_parent_declared(const lc_layer *parents, const char *text)
{
    if (!text || !*text)
        return -1;
    size_t n = lc_layer_count(parents);
    for (size_t u = 0; u < n; u++)
        if (!strcmp(lc_layer_feature(parents, u)->id, text))
            return (long)u;
    for (size_t u = 0; u < n; u++) {
        const char *name = lc_layer_feature(parents, u)->name;
        if (name && !strcmp(name, text))
            return (long)u;
    }
    return -1;
}

long lc_parent_overlap(lc_context *ctx, const lc_parent_index *ix, const GEOSGeometry *g, double area,
                       double *shares)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    for (size_t u = 0; u < ix->n; u++)
        shares[u] = 0;
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) {
        long u = lc_parent_of_point(ctx, ix, g);
        if (u >= 0)
            shares[u] = 1;
        return u;
    }
    lc_bbox b;
    GEOSGeom_getExtent_r(h, g, &b.minx, &b.miny, &b.maxx, &b.maxy);
    long best = -1;
    for (size_t u = 0; u < ix->n; u++) {
        if (!boxes_overlap(b, ix->box[u]) || GEOSPreparedIntersects_r(h, ix->prep[u], g) != 1)
            continue;
        if (GEOSPreparedContains_r(h, ix->prep[u], g) == 1) {
            shares[u] = 1;
        } else {
            GEOSGeometry *part = GEOSIntersection_r(h, g, lc_layer_feature(ix->layer, u)->geom);
            double a = 0;
            if (part) {
                GEOSArea_r(h, part, &a);
                GEOSGeom_destroy_r(h, part);
            }
            shares[u] = area > 0 ? a / area : 0;
        }
        if (shares[u] > 0 && (best < 0 || shares[u] > shares[best]))
            best = (long)u;
    }
    return best;
}
