/*
 * outputs/isochrones_out.c — writes isochrones (queries/isochrones.c) through lifecircle/output.h:
 * the `isochrones` polygon layer, the `origins` point layer and, when computed, the `circles` layer,
 * into one output directory that appears whole or not at all; the isochrones get a QGIS style
 * (graduated by walking distance, outputs/qml.c). Computing them is not done here.
 */
#include <math.h>
#include <stdlib.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* The fields of the isochrones and circles layers (the first five; isochrones add the access leg). */
static const lc_field_def area_fields[] = {
    {"origin_id", "ORIGIN_ID", LC_FIELD_STRING, 40, 0, "起点编号", "Origin id", ""},
    {"origin_name", "NAME", LC_FIELD_STRING, 80, 0, "起点名称", "Origin name", ""},
    {"minutes", "MINUTES", LC_FIELD_REAL, 0, 1, "步行时间", "Walking time (empty when the threshold was given in metres)",
     "min"},
    {"metres", "METRES", LC_FIELD_REAL, 0, 1, "步行距离", "Walking distance (along the network; circle radius)", "m"},
    {"area_m2", "AREA_M2", LC_FIELD_REAL, 0, 1, "可达面积", "Area within reach", "m²"},
    {"access_m", "ACCESS_M", LC_FIELD_REAL, 0, 1, "接入路网距离", "Straight access leg from the origin to the network",
     "m"},
};

static const lc_field_def origin_fields[] = {
    {"origin_id", "ORIGIN_ID", LC_FIELD_STRING, 40, 0, "起点编号", "Origin id", ""},
    {"origin_name", "NAME", LC_FIELD_STRING, 80, 0, "起点名称", "Origin name", ""},
    {"on_network", "ON_NET", LC_FIELD_INTEGER, 1, 0, "是否接入路网", "1 on the walking network, 0 off-network (no isochrone)",
     ""},
    {"access_m", "ACCESS_M", LC_FIELD_REAL, 0, 1, "到路网距离", "Distance to the nearest edge (empty: none nearby)", "m"},
};

/* Writes one area layer (circles != 0: the circles, else the isochrones) into out, largest
 * threshold first. LC_OK or the writer's error. */
static lc_status area_layer(lc_context *ctx, lc_output *out, const lc_isochrones *iso, int circles)
{
    size_t nf = circles ? 5 : 6, n = lc_isochrones_origin_count(iso), nt = lc_isochrones_threshold_count(iso);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, circles ? "circles" : "isochrones", GEOS_MULTIPOLYGON,
                                                area_fields, nf);
    lc_status st = w ? LC_OK : lc_context_errno(ctx);
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    for (size_t t = nt; t-- > 0 && st == LC_OK;)
        for (size_t i = 0; i < n && st == LC_OK; i++) {
            const GEOSGeometry *g = circles ? lc_isochrones_circle(iso, i, t) : lc_isochrones_polygon(iso, i, t);
            if (!g)
                continue;
            const lc_isochrone_origin *o = lc_isochrones_origin(iso, i);
            double minutes = lc_isochrones_minutes(iso, t), area = 0;
            if (circles)
                GEOSArea_r(h, g, &area);
            else
                area = lc_isochrones_area(iso, i, t);
            lc_value v[6] = {{.s = o->id},
                             {.is_null = !o->name, .s = o->name},
                             {.is_null = isnan(minutes), .d = minutes},
                             {.d = lc_isochrones_threshold(iso, t)},
                             {.d = area},
                             {.d = lc_isochrones_snap(iso, i)->access_m}};
            st = lc_layer_writer_add(ctx, w, g, v);
        }
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    return st;
}

/* Writes the origins layer into out. LC_OK or the writer's error. */
static lc_status origins_layer(lc_context *ctx, lc_output *out, const lc_isochrones *iso)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "origins", GEOS_POINT, origin_fields, 4);
    lc_status st = w ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_isochrones_origin_count(iso) && st == LC_OK; i++) {
        const lc_isochrone_origin *o = lc_isochrones_origin(iso, i);
        const lc_snap *s = lc_isochrones_snap(iso, i);
        lc_value v[4] = {{.s = o->id},
                         {.is_null = !o->name, .s = o->name},
                         {.i = s->edge >= 0},
                         {.is_null = !isfinite(s->access_m), .d = s->access_m}};
        GEOSGeometry *g = GEOSGeom_createPointFromXY_r(h, o->at.x, o->at.y);
        st = g ? lc_layer_writer_add(ctx, w, g, v) : lc_error(ctx, LC_ERR_NOMEM, "out of memory");
        if (g)
            GEOSGeom_destroy_r(h, g);
    }
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    return st;
}

/* Writes the isochrones, origins and (when computed) circles layers into a new output; see
 * isochrones.h. */
lc_status lc_isochrones_write(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_crs *crs,
                              const lc_isochrones *iso)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!dir || !options || !crs || !iso)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_isochrones_write: every argument is required");
    lc_output *out = lc_output_begin(ctx, dir, crs, options);
    if (!out)
        return lc_context_errno(ctx);
    lc_qml_set styles;
    lc_qml_set_init(&styles, out, options->format, NULL, 0);
    lc_status st = area_layer(ctx, out, iso, 0);
    /* isochrones: graduated by the walking distance, one class per threshold */
    size_t nt = lc_isochrones_threshold_count(iso);
    double *breaks = st == LC_OK ? lc_calloc(ctx, 2 * nt + 1, sizeof *breaks) : NULL;
    if (st == LC_OK && !breaks)
        st = LC_ERR_NOMEM;
    for (size_t t = 0; breaks && t < nt; t++) {
        breaks[t] = lc_isochrones_threshold(iso, t);
        breaks[nt + t] = lc_isochrones_minutes(iso, t);
    }
    if (st == LC_OK)
        st = lc_qml_add(ctx, &styles, "isochrones", LC_QML_ISOCHRONE,
                        &(lc_qml_layer){.fields = area_fields, .nfields = 6, .key = 3, .breaks = breaks,
                                        .minutes = breaks + nt, .nbreaks = nt});
    free(breaks);
    if (st == LC_OK)
        st = origins_layer(ctx, out, iso);
    if (st == LC_OK) /* origins: stars labelled with their id, as proposals are */
        st = lc_qml_add(ctx, &styles, "origins", LC_QML_PROPOSAL,
                        &(lc_qml_layer){.fields = origin_fields, .nfields = 4, .key = 0});
    if (st == LC_OK && lc_isochrones_circle(iso, 0, 0)) {
        st = area_layer(ctx, out, iso, 1);
        if (st == LC_OK) /* circles: outlines only, over the isochrones, labelled with their metres */
            st = lc_qml_add(ctx, &styles, "circles", LC_QML_OUTLINE,
                            &(lc_qml_layer){.fields = area_fields, .nfields = 5, .key = 3});
    }
    if (st == LC_OK)
        st = lc_qml_finish(ctx, &styles);
    lc_qml_set_free(&styles);
    if (st != LC_OK) {
        lc_output_abort(ctx, out);
        return st;
    }
    return lc_output_commit(ctx, out);
}
