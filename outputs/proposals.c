/*
 * outputs/proposals.c — writes siting proposals (queries/siting.c) as a `proposals` point layer
 * through lifecircle/output.h: into an output of its own (lc_siting_write) or one that also holds
 * the before/after summary (lc_results_write_site in outputs/results.c); and the inputs with the
 * proposals among the facilities, for the after-state map (lc_proposals_view). Choosing the sites is
 * not done here.
 */
#include <cpl_vsi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "geo/context_int.h"
#include "geo/strbuf_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* Writes the `proposals` layer of s into out (borrowed; left open for the caller to commit or
 * abort) and, with styles, its QGIS style (stars labelled with the rank). in, profile and s are
 * borrowed. LC_OK or the writer's error. */
lc_status lc_proposals_layer(lc_context *ctx, lc_output *out, const lc_inputs *in, const lc_profile *profile,
                             const lc_siting *s, size_t category, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"rank", "RANK", LC_FIELD_INTEGER, 0, 0, "选址顺序", "Rank (1 = first)", ""},
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"category_en", "CAT_EN", LC_FIELD_STRING, 80, 0, "设施类别(英文)", "Category (English)", ""},
        {"unit", "UNIT", LC_FIELD_STRING, 80, 0, "所在街镇", "Unit (街镇) it falls in", ""},
        {"x", "X", LC_FIELD_REAL, 0, 1, "X坐标", "x in the working CRS", "m"},
        {"y", "Y", LC_FIELD_REAL, 0, 1, "Y坐标", "y in the working CRS", "m"},
        {"new_pop", "NEW_POP", LC_FIELD_REAL, 0, 1, "新增覆盖人口", "Demand newly within reach", "people"},
        {"cumulative_share", "CUM_SHARE", LC_FIELD_REAL, 0, 4, "累计覆盖比例", "Coverage after this site", "share 0-1"},
        {"floor_area_m2", "FLOOR_M2", LC_FIELD_REAL, 0, 1, "建议建筑面积", "Suggested floor area", "m²"},
        {"candidate", "CANDIDATE", LC_FIELD_STRING, 32, 0, "候选点", "Candidate id it came from, or generated", ""},
        {"solver", "SOLVER", LC_FIELD_STRING, 60, 0, "求解方法", "Solver", ""},
        {"unit_name", "UNIT_NAME", LC_FIELD_STRING, 80, 0, "所在街镇名称", "Name of the unit (街镇)", ""},
        {"lon", "LON", LC_FIELD_REAL, 0, 7, "经度 WGS 84", "Longitude, WGS 84", "degrees"},
        {"lat", "LAT", LC_FIELD_REAL, 0, 7, "纬度 WGS 84", "Latitude, WGS 84", "degrees"},
        {"lon_gcj02", "LON_GCJ", LC_FIELD_REAL, 0, 7, "经度 GCJ-02 (高德)", "Longitude, GCJ-02 (Amap)", "degrees"},
        {"lat_gcj02", "LAT_GCJ", LC_FIELD_REAL, 0, 7, "纬度 GCJ-02 (高德)", "Latitude, GCJ-02 (Amap)", "degrees"},
        /* the category's typical capacities (profile `typical:`), read back by check --with-proposals */
        {"meals", "MEALS", LC_FIELD_REAL, 0, 0, "典型日供餐数", "Meals per day it is assumed to serve", "meals/day"},
        {"beds", "BEDS", LC_FIELD_REAL, 0, 0, "典型床位数", "Beds it is assumed to offer", "beds"},
        {"nursing_beds", "NURS_BEDS", LC_FIELD_REAL, 0, 0, "典型护理型床位数", "Nursing-type beds assumed", "beds"},
        {"places", "PLACES", LC_FIELD_REAL, 0, 0, "典型日托位", "Day-care places assumed", "places"},
        {"capacity_source", "CAP_SRC", LC_FIELD_STRING, 254, 0, "供给能力依据", "Source of the assumed capacity",
         ""},
    };
    enum { NDEFS = sizeof defs / sizeof defs[0] };
    const lc_category *cat = lc_profile_category(profile, category);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "proposals", GEOS_POINT, defs, NDEFS);
    lc_status st = w ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_siting_count(s) && st == LC_OK; i++) {
        const lc_proposal *p = lc_siting_get(s, i);
        char cand[64];
        if (p->candidate_id)
            snprintf(cand, sizeof cand, "%s", p->candidate_id);
        else if (p->candidate >= 0)
            snprintf(cand, sizeof cand, "%ld", p->candidate);
        else
            snprintf(cand, sizeof cand, "generated");
        const lc_feature *uf = p->unit >= 0 && units ? lc_layer_feature(units, (size_t)p->unit) : NULL;
        const char *unit = uf ? uf->id : NULL, *uname = uf ? (uf->name && *uf->name ? uf->name : uf->id) : NULL;
        lc_xy ll;
        if (lc_crs_to_lonlat(ctx, lc_inputs_crs(in), p->site, &ll) != LC_OK) {
            st = lc_context_errno(ctx);
            break;
        }
        lc_xy gcj = lc_wgs84_to_gcj02(ll);
        lc_value v[NDEFS] = {{.i = (long long)p->rank},
                          {.s = cat->code},
                          {.s = cat->name_zh},
                          {.s = cat->name_en},
                          {.is_null = unit == NULL, .s = unit},
                          {.d = p->site.x},
                          {.d = p->site.y},
                          {.d = p->new_pop},
                          {.is_null = !isfinite(p->cumulative_share), .d = p->cumulative_share},
                          {.d = p->floor_area_m2},
                          {.s = cand},
                          {.s = lc_siting_solver(s)},
                          {.is_null = uname == NULL, .s = uname},
                          {.d = ll.x},
                          {.d = ll.y},
                          {.d = gcj.x},
                          {.d = gcj.y},
                          {.is_null = !isfinite(cat->typical_meals), .d = cat->typical_meals},
                          {.is_null = !isfinite(cat->typical_beds), .d = cat->typical_beds},
                          {.is_null = !isfinite(cat->typical_nursing_beds), .d = cat->typical_nursing_beds},
                          {.is_null = !isfinite(cat->typical_places), .d = cat->typical_places},
                          {.is_null = cat->typical_source == NULL, .s = cat->typical_source}};
        GEOSGeometry *g = GEOSGeom_createPointFromXY_r(h, p->site.x, p->site.y);
        st = g ? lc_layer_writer_add(ctx, w, g, v) : lc_error(ctx, LC_ERR_NOMEM, "out of memory");
        if (g)
            GEOSGeom_destroy_r(h, g);
    }
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK && styles)
        st = lc_qml_add(ctx, styles, "proposals", LC_QML_PROPOSAL,
                        &(lc_qml_layer){.fields = defs, .nfields = NDEFS, .key = 0}); /* labelled with the rank */
    return st;
}

lc_status lc_siting_write(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_inputs *in,
                          const lc_profile *profile, const lc_siting *s, size_t category)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!dir || !options || !in || !profile || !s || category >= lc_profile_category_count(profile))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_write: every argument is required");
    lc_output *out = lc_output_begin(ctx, dir, lc_inputs_crs(in), options);
    if (!out)
        return lc_context_errno(ctx);
    lc_qml_set styles;
    lc_qml_set_init(&styles, out, options->format, profile, category);
    lc_status st = lc_proposals_layer(ctx, out, in, profile, s, category, &styles);
    if (st == LC_OK)
        st = lc_qml_finish(ctx, &styles);
    lc_qml_set_free(&styles);
    if (st != LC_OK) {
        lc_output_abort(ctx, out);
        return st;
    }
    return lc_output_commit(ctx, out);
}

lc_inputs *lc_proposals_view(lc_context *ctx, const lc_inputs *in, const lc_profile *profile, const lc_siting *s,
                             size_t category)
{
    const lc_category *cat = lc_profile_category(profile, category);
    lc_strbuf b = {0};
    char buf[512];
    lc_strbuf_str(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (size_t i = 0; i < lc_siting_count(s); i++) {
        const lc_proposal *p = lc_siting_get(s, i);
        lc_xy ll;
        if (lc_crs_to_lonlat(ctx, lc_inputs_crs(in), p->site, &ll) != LC_OK) {
            free(b.s);
            return NULL;
        }
        snprintf(buf, sizeof buf,
                 "%s{\"type\":\"Feature\",\"properties\":{\"rank\":\"%zu\",\"category\":\"%s\","
                 "\"floor_area_m2\":%.17g},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.17g,%.17g]}}",
                 i ? "," : "", p->rank, cat->code, p->floor_area_m2, ll.x, ll.y);
        lc_strbuf_str(&b, buf);
    }
    lc_strbuf_str(&b, "]}");
    if (b.failed) {
        free(b.s);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: the proposals as facilities");
        return NULL;
    }
    char path[96];
    snprintf(path, sizeof path, "/vsimem/lifecircle-proposals-%p.geojson", (void *)ctx);
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)b.s, (vsi_l_offset)b.n, FALSE);
    if (!f) {
        free(b.s);
        lc_error(ctx, LC_ERR_IO, "cannot make the memory file %s of the proposals", path);
        return NULL;
    }
    VSIFCloseL(f);
    lc_study *extra = lc_study_create(ctx);
    lc_quality *q = lc_quality_create(ctx); /* the proposals' own checks: not the run's data quality */
    lc_status st = extra && q ? lc_study_set(ctx, extra, "facilities.path", path) : LC_ERR_NOMEM;
    st = st ? st : lc_study_set(ctx, extra, "facilities.fields.category", "category");
    st = st ? st : lc_study_set(ctx, extra, "facilities.fields.floor_area", "floor_area_m2");
    st = st ? st : lc_study_set(ctx, extra, "facilities.fields.id", "rank");
    lc_inputs *view = st == LC_OK ? lc_inputs_view(ctx, in, NULL, extra, "proposal-", profile, q) : NULL;
    if (view && lc_quality_count_severity(q, LC_SEVERITY_ERROR)) {
        lc_error(ctx, LC_ERR_INTERNAL, "the proposals read back as facilities have %zu data errors",
                 lc_quality_count_severity(q, LC_SEVERITY_ERROR));
        lc_inputs_destroy(view);
        view = NULL;
    }
    lc_quality_destroy(q);
    lc_study_destroy(extra);
    VSIUnlink(path);
    free(b.s);
    return view;
}
