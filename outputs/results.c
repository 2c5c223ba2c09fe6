/*
 * outputs/results.c — turns a check's results into the output directory: stages the layers, summaries
 * and styles in the order below and commits them (lc_results_stage/_write, and _site for a `site` run),
 * and writes the residential, gaps, service_areas and units (and districts) layers itself (field names
 * with the short-name scheme below), with a QGIS style beside every layer (outputs/qml.c). Facilities,
 * catchments and catchment streets are in outputs/results_catchments.c, summary.csv / summary.json in
 * outputs/results_summary.c, the guard against replacing an input in outputs/results_guard.c; the
 * writing mechanics (formats, atomic directory) live in outputs/vector.c; the numbers come from queries/.
 *
 * Short names (Shapefile, ≤ 10 bytes): a category's short code (profile `short:`, e.g. CTR) plus
 * _DIST, _SHARE, _POP, _N; norm k (1-based, profile order) as N<k>_VAL, N<k>_TGT, N<k>_PASS, N<k>_SHORT.
 * The field dictionary written beside each Shapefile spells every one out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/access_out_int.h"
#include "outputs/output_int.h"
#include "outputs/results_int.h"
#include "outputs/style_int.h"

/* ---- layers --------------------------------------------------------------------------------- */

/* residential: one feature per polygon with distance, covered share and population per category;
 * styled in QGIS by the covered share of the styles' prominent category. */
static lc_status write_residential(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    field_list fl = {0};
    size_t share_field = 0; /* index of the prominent category's covered share in fl */
    lc_status st = LC_OK;
    size_t ncat = lc_profile_category_count(r->profile);
    st |= add_field(ctx, &fl, "id", "ID", LC_FIELD_STRING, "小区编号", "Residential compound id", "");
    st |= add_field(ctx, &fl, "name", "NAME", LC_FIELD_STRING, "小区名称", "Name", "");
    st |= add_field(ctx, &fl, "population", "POP", LC_FIELD_REAL, "常住人口", "Resident population", "people");
    st |= add_field(ctx, &fl, "unit", "UNIT", LC_FIELD_STRING, "所属街镇", "街镇 holding most of it", "");
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    int points = lc_layer_is_points(res), with_committee = lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) != NULL,
        with_district = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) != NULL;
    if (with_committee)
        st |= add_field(ctx, &fl, "committee", "COMMITTEE", LC_FIELD_STRING, "所属居村",
                        "居村 (committee) its field names or holding most of it", "");
    if (with_district)
        st |= add_field(ctx, &fl, "district", "DISTRICT", LC_FIELD_STRING, "所属区", "District (区) of its 街镇", "");
    if (points)
        st |= add_field(ctx, &fl, "households", "HH", LC_FIELD_REAL, "户数", "Households", "households");
    st |= add_field(ctx, &fl, "area_m2", "AREA_M2", LC_FIELD_REAL, "面积", "Area", "m²");
    for (size_t c = 0; c < ncat && st == LC_OK; c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_distance_m", cat->code), own(ctx, &fl, "%s_DIST", cat->short_code),
                        LC_FIELD_REAL, own(ctx, &fl, "到最近%s的距离", cat->name_zh),
                        own(ctx, &fl, "Distance to the nearest %s", cat->name_en), "m");
        if (c == styles->category)
            share_field = fl.n;
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_covered_share", cat->code),
                        own(ctx, &fl, "%s_SHARE", cat->short_code), LC_FIELD_REAL,
                        own(ctx, &fl, "%s可达范围内面积比例", cat->name_zh),
                        own(ctx, &fl, "Share of the area within reach of a %s", cat->name_en), "share 0-1");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_covered_pop", cat->code), own(ctx, &fl, "%s_POP", cat->short_code),
                        LC_FIELD_REAL, own(ctx, &fl, "%s可达的常住人口", cat->name_zh),
                        own(ctx, &fl, "Residents within reach of a %s", cat->name_en), "people");
    }
    st |= add_field(ctx, &fl, "circle_share", "CIRC_SHARE", LC_FIELD_REAL, "完整生活圈可达面积比例",
                    "Share of the area with the whole life circle in reach", "share 0-1");
    st |= add_field(ctx, &fl, "circle_pop", "CIRC_POP", LC_FIELD_REAL, "完整生活圈可达的常住人口",
                    "Residents with the whole life circle in reach", "people");
    if (st != LC_OK) {
        fields_free(&fl);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory describing the residential layer");
    }
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "residential", points ? GEOS_POINT : GEOS_MULTIPOLYGON,
                                                fl.defs, fl.n);
    lc_value *v = w ? lc_calloc(ctx, fl.n, sizeof *v) : NULL;
    st = w && v ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_layer_count(res) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        size_t k = 0;
        long u = lc_indicators_residential_unit(r->indicators, i);
        v[k++] = str_value(f->id);
        v[k++] = str_value(f->name);
        v[k++] = real_value(f->population);
        v[k++] = str_value(unit_id(r, u));
        if (with_committee)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_COMMITTEE, lc_indicators_residential_committee(r->indicators, i)));
        if (with_district)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_DISTRICT, u >= 0 ? lc_indicators_unit_district(r->indicators,
                                                                                                     (size_t)u) : -1));
        if (points)
            v[k++] = real_value(f->households);
        v[k++] = real_value(f->area);
        for (size_t c = 0; c < ncat; c++) {
            const lc_coverage_cell *cell = lc_coverage_get(r->coverage, i, c);
            v[k++] = real_value(cell->distance_m);
            v[k++] = real_value(cell->covered_share);
            v[k++] = real_value(cell->covered_pop);
        }
        double circle = lc_coverage_circle_share(r->coverage, i);
        v[k++] = real_value(circle);
        v[k++] = real_value(isnan(f->population) ? NAN : circle * f->population);
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    free(v);
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, "residential", points ? LC_QML_SHARE_POINT : LC_QML_SHARE,
                        &(lc_qml_layer){.fields = fl.defs, .nfields = fl.n, .key = share_field});
    fields_free(&fl);
    return st;
}

/* gaps: the uncovered part of each residential polygon per category, with the people in it. */
static lc_status write_gaps(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"residential_id", "RES_ID", LC_FIELD_STRING, 80, 0, "小区编号", "Residential compound id", ""},
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"category_en", "CAT_EN", LC_FIELD_STRING, 80, 0, "设施类别(英文)", "Category (English)", ""},
        {"area_m2", "AREA_M2", LC_FIELD_REAL, 0, 2, "未覆盖面积", "Area outside reach", "m²"},
        {"population", "POP", LC_FIELD_REAL, 0, 2, "未覆盖常住人口", "Residents outside reach", "people"},
    };
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    int points = lc_layer_is_points(res); /* compounds as points: a gap is a point out of reach */
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "gaps", points ? GEOS_POINT : GEOS_MULTIPOLYGON, defs, 6);
    if (!w)
        return lc_context_errno(ctx);
    GEOSContextHandle_t h = lc_context_geos(ctx);
    lc_status st = LC_OK;
    for (size_t c = 0; c < lc_profile_category_count(r->profile) && st == LC_OK; c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        for (size_t i = 0; i < lc_layer_count(res) && st == LC_OK; i++) {
            const GEOSGeometry *gap = lc_coverage_gap(r->coverage, i, c);
            if (!gap || GEOSisEmpty_r(h, gap) == 1)
                continue;
            const lc_feature *f = lc_layer_feature(res, i);
            double area = 0;
            GEOSArea_r(h, gap, &area);
            double pop = isnan(f->population) ? NAN : f->population - lc_coverage_get(r->coverage, i, c)->covered_pop;
            lc_value v[6] = {str_value(f->id), str_value(cat->code), str_value(cat->name_zh), str_value(cat->name_en),
                             real_value(area), real_value(pop)};
            st = lc_layer_writer_add(ctx, w, gap, v);
        }
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    return st == LC_OK ? lc_qml_add(ctx, styles, "gaps", points ? LC_QML_GAP_POINT : LC_QML_GAP,
                                    &(lc_qml_layer){.fields = defs, .nfields = 6, .key = 1})
                       : st;
}

/* service_areas: the dissolved reach of every category that has facilities. */
static lc_status write_service_areas(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"category_en", "CAT_EN", LC_FIELD_STRING, 80, 0, "设施类别(英文)", "Category (English)", ""},
        {"reach_m", "REACH_M", LC_FIELD_REAL, 0, 1, "可达距离", "Reach", "m"},
        {"facilities", "N_FAC", LC_FIELD_INTEGER, 0, 0, "设施数", "Facilities of the category", ""},
        {"area_m2", "AREA_M2", LC_FIELD_REAL, 0, 1, "服务范围面积", "Area within reach", "m²"},
    };
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "service_areas", GEOS_MULTIPOLYGON, defs, 6);
    if (!w)
        return lc_context_errno(ctx);
    GEOSContextHandle_t h = lc_context_geos(ctx);
    size_t total = lc_indicators_total_row(r->indicators);
    lc_status st = LC_OK;
    for (size_t c = 0; c < lc_profile_category_count(r->profile) && st == LC_OK; c++) {
        const GEOSGeometry *g = lc_coverage_service_area(r->coverage, c);
        if (!g)
            continue;
        const lc_category *cat = lc_profile_category(r->profile, c);
        double area = 0;
        GEOSArea_r(h, g, &area);
        lc_value v[6] = {str_value(cat->code), str_value(cat->name_zh), str_value(cat->name_en),
                         real_value(lc_coverage_reach(r->coverage, c)),
                         int_value((long long)lc_indicators_facility_count(r->indicators, total, c)), real_value(area)};
        st = lc_layer_writer_add(ctx, w, g, v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    return st == LC_OK ? lc_qml_add(ctx, styles, "service_areas", LC_QML_CATEGORY_AREA,
                                    &(lc_qml_layer){.fields = defs, .nfields = 6, .key = 0})
                       : st;
}

/* units: every 街镇 with its populations and every norm's value, target, pass and shortfall (and its
 * district when the study has districts); districts (kind LC_LAYER_DISTRICTS): every 区 likewise,
 * with the profile it is held to. */
static lc_status write_units(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles,
                             lc_layer_kind kind)
{
    const lc_layer *units = lc_inputs_layer(r->inputs, kind);
    if (!units)
        return LC_OK;
    int is_district = kind == LC_LAYER_DISTRICTS;
    int with_district = !is_district && lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) != NULL;
    field_list fl = {0};
    lc_status st = LC_OK;
    size_t ncat = lc_profile_category_count(r->profile), nnorm = lc_profile_norm_count(r->profile);
    st |= add_field(ctx, &fl, "id", "ID", LC_FIELD_STRING, is_district ? "区编号" : "街镇编号",
                    is_district ? "District id" : "Unit id", "");
    st |= add_field(ctx, &fl, "name", "NAME", LC_FIELD_STRING, is_district ? "区名称" : "街镇名称",
                    is_district ? "District name" : "Unit name", "");
    if (with_district)
        st |= add_field(ctx, &fl, "district", "DISTRICT", LC_FIELD_STRING, "所属区", "District (区) it lies in", "");
    if (is_district)
        st |= add_field(ctx, &fl, "profile", "PROFILE", LC_FIELD_STRING, "适用标准", "Profile whose targets apply", "");
    st |= add_field(ctx, &fl, "population", "POP", LC_FIELD_REAL, "常住人口", "Resident population", "people");
    st |= add_field(ctx, &fl, "population_source", "POP_SRC", LC_FIELD_STRING, "人口来源",
                    "Where the population comes from: unit field or residential polygons", "");
    st |= add_field(ctx, &fl, "pop60", "POP60", LC_FIELD_REAL, "户籍60岁以上", "Registered population aged 60+", "people");
    st |= add_field(ctx, &fl, "pop65", "POP65", LC_FIELD_REAL, "户籍65岁以上", "Registered population aged 65+", "people");
    st |= add_field(ctx, &fl, "floor_area_m2", "FLOOR_M2", LC_FIELD_REAL, "社区养老服务设施建筑面积",
                    "Community elder-service floor area", "m²");
    for (size_t k = 0; k < nnorm && st == LC_OK; k++) {
        const lc_norm *n = lc_profile_norm(r->profile, k);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_value", n->code), own(ctx, &fl, "N%zu_VAL", k + 1), LC_FIELD_REAL,
                        own(ctx, &fl, "%s (数值)", n->zh), own(ctx, &fl, "%s (value)", n->en),
                        n->kind == LC_NORM_FLOOR_AREA ? "m² per 1,000" : "share 0-1");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_target", n->code), own(ctx, &fl, "N%zu_TGT", k + 1), LC_FIELD_REAL,
                        own(ctx, &fl, "%s (目标)", n->zh), own(ctx, &fl, "%s (target)", n->en),
                        n->kind == LC_NORM_FLOOR_AREA ? "m² per 1,000" : "share 0-1");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_pass", n->code), own(ctx, &fl, "N%zu_PASS", k + 1),
                        LC_FIELD_STRING, own(ctx, &fl, "%s (是否达标: pass/fail/n/a)", n->zh),
                        own(ctx, &fl, "%s (pass, fail or n/a)", n->en), "");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_shortfall", n->code), own(ctx, &fl, "N%zu_SHORT", k + 1),
                        LC_FIELD_REAL, own(ctx, &fl, "%s (缺口)", n->zh), own(ctx, &fl, "%s (shortfall)", n->en),
                        n->kind == LC_NORM_FLOOR_AREA ? "m²"
                        : n->kind == LC_NORM_REACH || n->kind == LC_NORM_CIRCLE ? "people"
                        : n->kind == LC_NORM_UNIT_PRESENCE ? lc_level_name_zh(n->level)
                        : n->kind == LC_NORM_NURSING_SHARE ? "nursing beds"
                        : !strcmp(n->measure, "meals") ? "meals/day" : "beds");
    }
    for (size_t c = 0; c < ncat && st == LC_OK; c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_count", cat->code), own(ctx, &fl, "%s_N", cat->short_code),
                        LC_FIELD_INTEGER, own(ctx, &fl, "%s数量", cat->name_zh),
                        own(ctx, &fl, "Number of %s facilities", cat->name_en), "");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_covered_share", cat->code),
                        own(ctx, &fl, "%s_SHARE", cat->short_code), LC_FIELD_REAL,
                        own(ctx, &fl, "%s可达的常住人口比例", cat->name_zh),
                        own(ctx, &fl, "Share of residents within reach of a %s", cat->name_en), "share 0-1");
    }
    if (st != LC_OK) {
        fields_free(&fl);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory describing the units layer");
    }
    const char *lname = is_district ? "districts" : "units";
    lc_layer_writer *w = lc_output_layer_create(ctx, out, lname, GEOS_MULTIPOLYGON, fl.defs, fl.n);
    lc_value *v = w ? lc_calloc(ctx, fl.n, sizeof *v) : NULL;
    st = w && v ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_layer_count(units) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(units, i);
        size_t u = is_district ? lc_indicators_district_row(r->indicators, i) : i;
        size_t k = 0;
        v[k++] = str_value(f->id);
        v[k++] = str_value(f->name);
        if (with_district)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_DISTRICT, lc_indicators_unit_district(r->indicators, i)));
        if (is_district)
            v[k++] = str_value(lc_profile_name(lc_indicators_district_profile(r->indicators, i)));
        v[k++] = real_value(lc_indicators_population(r->indicators, u));
        v[k++] = str_value(lc_indicators_population_from_unit(r->indicators, u) ? "unit" : "residential");
        v[k++] = real_value(lc_indicators_pop60(r->indicators, u));
        v[k++] = real_value(lc_indicators_pop65(r->indicators, u));
        v[k++] = real_value(lc_indicators_floor_area(r->indicators, u));
        for (size_t n = 0; n < nnorm; n++) {
            const lc_indicator *x = lc_indicators_get(r->indicators, u, n);
            v[k++] = real_value(x->value);
            v[k++] = real_value(x->target);
            v[k++] = str_value(pass_text(x->pass));
            v[k++] = real_value(x->pass == -1 ? NAN : x->shortfall);
        }
        for (size_t c = 0; c < ncat; c++) {
            v[k++] = int_value((long long)lc_indicators_facility_count(r->indicators, u, c));
            v[k++] = real_value(lc_indicators_covered_share(r->indicators, u, c));
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    free(v);
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, lname, LC_QML_OUTLINE, /* labelled with the name */
                        &(lc_qml_layer){.fields = fl.defs, .nfields = fl.n, .key = 1});
    fields_free(&fl);
    return st;
}

/* Logs (debug) how long writing a layer took since t; returns the time now. */
static double log_layer_time(lc_context *ctx, const char *what, double t)
{
    double now = lc_seconds();
    lc_log(ctx, LC_LOG_DEBUG, "writing %s: %.2f s", what, now - t);
    return now;
}

lc_output *lc_results_stage(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_results *r)
{
    if (!ctx)
        return NULL;
    if (!dir || !options || !r || !r->inputs || !r->profile || !r->coverage || !r->indicators || !r->quality ||
        !r->study) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_results_write: every argument and result is required");
        return NULL;
    }
    if (lc_check_inputs_outside(ctx, dir, options, r) != LC_OK)
        return NULL;
    lc_output *out = lc_output_begin(ctx, dir, lc_inputs_crs(r->inputs), options);
    if (!out)
        return NULL;
    char *json = NULL, *csv = NULL;
    lc_qml_set styles; /* a QGIS style beside every layer (outputs/qml.c) */
    lc_qml_set_init(&styles, out, options->format, r->profile, lc_qml_prominent(r->profile));
    double t = lc_seconds();
    lc_status st = write_residential(ctx, out, r, &styles);
    t = log_layer_time(ctx, "residential", t);
    lc_progress(ctx, "writing", 0.3);
    if (st == LC_OK)
        st = write_gaps(ctx, out, r, &styles);
    t = log_layer_time(ctx, "gaps", t);
    lc_progress(ctx, "writing", 0.5);
    if (st == LC_OK)
        st = write_units(ctx, out, r, &styles, LC_LAYER_UNITS);
    if (st == LC_OK)
        st = write_units(ctx, out, r, &styles, LC_LAYER_DISTRICTS);
    if (st == LC_OK)
        st = lc_levels_write_layers(ctx, out, r, &styles);
    lc_catchments cm = {0};
    if (st == LC_OK)
        st = lc_catchments_sum(ctx, r, &cm);
    if (st == LC_OK)
        st = lc_results_write_facilities(ctx, out, r, &cm, &styles);
    t = log_layer_time(ctx, "units, facilities", t);
    /* Opt-in (study key catchments: true, --catchments): dissolving the compounds of each facility is
     * the costliest layer when compounds overlap (about half a straight-line check's CPU). */
    const char *want_catchments = lc_study_get(r->study, "catchments");
    if (st == LC_OK && want_catchments && !strcmp(want_catchments, "true"))
        st = lc_results_write_catchments(ctx, out, r, &cm, &styles);
    t = log_layer_time(ctx, "catchments", t);
    lc_catchments_free(&cm);
    if (st == LC_OK)
        st = lc_access_write_layers(ctx, out, r, &styles); /* outputs/access_out.c */
    if (st == LC_OK && lc_coverage_has_catchment_streets(r->coverage))
        st = lc_results_write_catchment_streets(ctx, out, r, &styles);
    t = log_layer_time(ctx, "catchment_streets", t);
    /* The summaries need no service area: written while those are still being traced on another core
     * (their files, not the GeoPackage's summary table, which keeps its place after service_areas). */
    if (st == LC_OK && !(json = lc_results_summary_json(ctx, r)))
        st = lc_context_errno(ctx);
    /* GeoPackage keeps summary.csv beside lifecircle.gpkg for spreadsheet users; the same text. */
    if (st == LC_OK && options->format == LC_FORMAT_GPKG && !(csv = lc_results_summary_csv(ctx, r)))
        st = lc_context_errno(ctx);
    if (st == LC_OK)
        st = lc_output_write_text(ctx, out, "summary.json", json);
    if (st == LC_OK && csv)
        st = lc_output_write_text(ctx, out, "summary.csv", csv);
    if (st == LC_OK && options->format != LC_FORMAT_POSTGIS) /* Excel beside the CSV (outputs/summary_xlsx.c) */
        st = lc_summary_xlsx_write(ctx, out, r);
    t = log_layer_time(ctx, "summary files", t);
    /* Last of the layers: in network mode the service areas are still being dissolved on another
     * core while the layers above are written (lc_coverage_service_areas_wait). */
    if (st == LC_OK)
        st = lc_coverage_service_areas_wait(ctx, r->coverage);
    t = log_layer_time(ctx, "(waiting for the service areas)", t);
    if (st == LC_OK)
        st = write_service_areas(ctx, out, r, &styles);
    t = log_layer_time(ctx, "service_areas", t);
    lc_progress(ctx, "writing", 0.8);
    if (st == LC_OK)
        st = lc_qml_finish(ctx, &styles); /* GeoPackage: the layer_styles table */
    lc_qml_set_free(&styles);
    if (st == LC_OK)
        st = lc_results_write_summary(ctx, out, r); /* summary.csv for Shapefile and GeoJSON outputs */
    free(json);
    free(csv);
    if (st != LC_OK) {
        lc_output_abort(ctx, out); /* the step's error stays the context's */
        return NULL;
    }
    log_layer_time(ctx, "styles, summary table", t);
    return out;
}

lc_status lc_results_write(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_results *r)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    lc_output *out = lc_results_stage(ctx, dir, options, r);
    if (!out)
        return lc_context_errno(ctx);
    double t = lc_seconds();
    lc_status st = lc_output_commit(ctx, out);
    log_layer_time(ctx, "commit", t);
    lc_progress(ctx, "writing", 1.0);
    return st;
}

lc_output *lc_results_stage_site(lc_context *ctx, const char *dir, const lc_output_options *options,
                                 const lc_results *r, const lc_siting *s, size_t category)
{
    if (!ctx)
        return NULL;
    if (!dir || !options || !r || !r->inputs || !r->profile || !r->coverage || !r->indicators || !r->quality ||
        !r->study || !s || category >= lc_profile_category_count(r->profile)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_results_write_site: every argument and result, siting included, is "
                                     "required");
        return NULL;
    }
    if (lc_check_inputs_outside(ctx, dir, options, r) != LC_OK)
        return NULL;
    lc_output *out = lc_output_begin(ctx, dir, lc_inputs_crs(r->inputs), options);
    if (!out)
        return NULL;
    char *json = NULL, *csv = NULL;
    lc_qml_set styles;
    lc_qml_set_init(&styles, out, options->format, r->profile, category);
    lc_status st = lc_proposals_layer(ctx, out, r->inputs, r->profile, s, category, &styles);
    if (st == LC_OK)
        st = lc_qml_finish(ctx, &styles);
    lc_qml_set_free(&styles);
    if (st == LC_OK)
        st = lc_results_write_site_summary(ctx, out, r, s, category);
    if (st == LC_OK && !(json = lc_summary_json(ctx, r, s, category)))
        st = lc_context_errno(ctx);
    /* GeoPackage keeps summary.csv beside lifecircle.gpkg, as a check does; the table's rows. */
    if (st == LC_OK && options->format == LC_FORMAT_GPKG && !(csv = lc_results_site_summary_csv(ctx, r, s, category)))
        st = lc_context_errno(ctx);
    if (st == LC_OK)
        st = lc_output_write_text(ctx, out, "summary.json", json);
    if (st == LC_OK && csv)
        st = lc_output_write_text(ctx, out, "summary.csv", csv);
    free(json);
    free(csv);
    if (st != LC_OK) {
        lc_output_abort(ctx, out);
        return NULL;
    }
    return out;
}

lc_status lc_results_write_site(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_results *r,
                               const lc_siting *s, size_t category)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    lc_output *out = lc_results_stage_site(ctx, dir, options, r, s, category);
    return out ? lc_output_commit(ctx, out) : lc_context_errno(ctx);
}
