/*
 * outputs/results.c — turns a check's results into the output directory: the residential, gaps,
 * service_areas, units, facilities, catchments and (network mode) catchment_streets layers (field names with the short-name scheme below) and
 * summary.csv / summary.json, with a QGIS style beside every layer (outputs/qml.c). The writing
 * mechanics (formats, atomic directory) live in outputs/vector.c; the numbers come from queries/.
 *
 * Short names (Shapefile, ≤ 10 bytes): a category's short code (profile `short:`, e.g. CTR) plus
 * _DIST, _SHARE, _POP, _N; norm k (1-based, profile order) as N<k>_VAL, N<k>_TGT, N<k>_PASS, N<k>_SHORT.
 * The field dictionary written beside each Shapefile spells every one out.
 */
#include <gdal.h>
#include <jansson.h>
#include <ogr_api.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"
#include "outputs/style_int.h"

/* ---- layers --------------------------------------------------------------------------------- */

/* The id of unit u, or NULL for -1. */
static const char *unit_id(const lc_results *r, long u)
{
    return u >= 0 ? lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_UNITS), (size_t)u)->id : NULL;
}

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

/* Short English text of a pass mark. */
static const char *pass_text(int pass)
{
    return pass == 1 ? "pass" : pass == 0 ? "fail" : "n/a";
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

/* facilities: every facility with its category (both languages) and the unit it falls in. */
/* Catchments (areas of responsibility): for every facility, the compounds whose nearest facility of
 * its category it is — their residents (pop), those of them within reach (reach) and how many
 * compounds (n). Arrays of the facilities layer's size; caller frees each with free(). */
typedef struct catchments {
    double *pop, *reach;
    size_t *n;
} catchments;

static lc_status catchments_sum(lc_context *ctx, const lc_results *r, catchments *cm)
{
    size_t nf = lc_layer_count(lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES));
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    cm->pop = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->pop);
    cm->reach = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->reach);
    cm->n = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->n);
    if (!cm->pop || !cm->reach || !cm->n)
        return LC_ERR_NOMEM;
    for (size_t p = 0; p < lc_coverage_polygon_count(r->coverage); p++) {
        double pop = lc_layer_feature(res, p)->population;
        for (size_t c = 0; c < lc_coverage_category_count(r->coverage); c++) {
            const lc_coverage_cell *cell = lc_coverage_get(r->coverage, p, c);
            if (cell->nearest < 0 || (size_t)cell->nearest >= nf)
                continue;
            cm->pop[cell->nearest] += isfinite(pop) ? pop : 0;
            cm->reach[cell->nearest] += cell->covered_pop;
            cm->n[cell->nearest]++;
        }
    }
    return LC_OK;
}

static void catchments_free(catchments *cm)
{
    free(cm->pop), free(cm->reach), free(cm->n);
}

/* facilities: every facility with its category, unit, capacities and catchment. */
static lc_status write_facilities(lc_context *ctx, lc_output *out, const lc_results *r, const catchments *cm,
                                  lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"id", "ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"name", "NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Name", ""},
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"category_en", "CAT_EN", LC_FIELD_STRING, 80, 0, "设施类别(英文)", "Category (English)", ""},
        {"unit", "UNIT", LC_FIELD_STRING, 80, 0, "所在街镇", "Unit (街镇) it falls in", ""},
        {"floor_area_m2", "FLOOR_M2", LC_FIELD_REAL, 0, 2, "建筑面积", "Floor area", "m²"},
        {"meals", "MEALS", LC_FIELD_REAL, 0, 0, "日供餐能力", "Meals per day", "meals/day"},
        {"beds", "BEDS", LC_FIELD_REAL, 0, 0, "床位数", "Care beds", "beds"},
        {"nursing_beds", "NURS_BEDS", LC_FIELD_REAL, 0, 0, "护理型床位数", "Nursing-type beds", "beds"},
        {"catch_compounds", "CATCH_N", LC_FIELD_INTEGER, 0, 0, "服务范围内居住区数",
         "Compounds whose nearest facility of the category this is", ""},
        {"catch_pop", "CATCH_POP", LC_FIELD_REAL, 0, 1, "服务人口(最近设施)",
         "Residents whose nearest facility of the category this is (catchment)", "people"},
        {"catch_in_reach", "CATCH_RCH", LC_FIELD_REAL, 0, 1, "服务人口(可达范围内)",
         "Catchment residents within the category's reach", "people"},
    };
    /* With the ladder: the 居村 and the 区 it lies in. */
    static const lc_field_def committee_def = {"committee", "COMMITTEE", LC_FIELD_STRING, 80, 0, "所在居村",
                                               "Committee (居村) it lies in", ""};
    static const lc_field_def district_def = {"district", "DISTRICT", LC_FIELD_STRING, 80, 0, "所在区",
                                              "District (区) it lies in", ""};
    lc_field_def all[15];
    size_t nf = 13;
    memcpy(all, defs, sizeof defs);
    int with_committee = lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) != NULL;
    int with_district = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) != NULL;
    if (with_committee)
        all[nf++] = committee_def;
    if (with_district)
        all[nf++] = district_def;
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "facilities", GEOS_POINT, all, nf);
    if (!w)
        return lc_context_errno(ctx);
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    lc_status st = LC_OK;
    for (size_t i = 0; i < lc_layer_count(fac) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        const lc_category *cat = f->category >= 0 ? lc_profile_category(r->profile, (size_t)f->category) : NULL;
        lc_value v[15] = {str_value(f->id), str_value(f->name), str_value(cat ? cat->code : NULL),
                          str_value(cat ? cat->name_zh : NULL), str_value(cat ? cat->name_en : NULL),
                          str_value(unit_id(r, lc_indicators_facility_unit(r->indicators, i))),
                          real_value(f->floor_area), real_value(f->meals), real_value(f->beds),
                          real_value(f->nursing_beds), int_value((long long)cm->n[i]), real_value(cm->pop[i]),
                          real_value(cm->reach[i])};
        size_t k = 13;
        if (with_committee)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_COMMITTEE,
                                           lc_indicators_facility_level(r->indicators, LC_LEVEL_COMMITTEE, i)));
        if (with_district) {
            long u = lc_indicators_facility_unit(r->indicators, i);
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_DISTRICT, u >= 0 ? lc_indicators_unit_district(r->indicators,
                                                                                                     (size_t)u) : -1));
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    return st == LC_OK ? lc_qml_add(ctx, styles, "facilities", LC_QML_CATEGORY_POINT,
                                    &(lc_qml_layer){.fields = all, .nfields = nf, .key = 2})
                       : st;
}

/* A catchment's geometry: its compounds' polygons as one multipolygon, which is valid as it is when
 * they do not overlap (compounds seldom do) — a dissolve (unary union) of thousands of catchments
 * costs seconds at city scale and adds nothing a map shows. Members whose boxes meet (a sweep over
 * their boxes, linked into clusters) are dissolved cluster by cluster; clusters' boxes then meet no
 * other's, so the parts neither overlap nor touch and the whole is valid without testing it.
 * Members marked apart (see compounds_apart) meet no other compound at all. NULL on failure (GEOS's
 * reason in the context). Caller destroys the result. */
typedef struct member_box {
    double minx, miny, maxx, maxy;
    size_t k;
} member_box;

static int cmp_member_minx(const void *a, const void *b)
{
    const member_box *p = a, *q = b;
    return p->minx != q->minx ? (p->minx > q->minx) - (p->minx < q->minx) : (p->k > q->k) - (p->k < q->k);
}

static size_t find_root(size_t *up, size_t k)
{
    while (up[k] != k)
        k = up[k] = up[up[k]];
    return k;
}

static GEOSGeometry *catchment_geometry(GEOSContextHandle_t h, const lc_layer *res, const unsigned char *apart,
                                       const size_t *members, size_t n)
{
    member_box *b = malloc((n ? n : 1) * sizeof *b);
    size_t *up = malloc((n ? n : 1) * sizeof *up), *order = malloc((n ? n : 1) * sizeof *order);
    GEOSGeometry **parts = NULL, **group = NULL, *result = NULL;
    size_t np = 0, nparts = 0;
    if (!b || !up || !order)
        goto done;
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        const GEOSGeometry *g = lc_layer_feature(res, members[k])->geom;
        up[k] = k;
        np += GEOSGeomTypeId_r(h, g) == GEOS_POLYGON ? 1 : (size_t)GEOSGetNumGeometries_r(h, g);
        if (apart[members[k]])
            continue;
        member_box *x = &b[nb];
        if (GEOSGeom_getExtent_r(h, g, &x->minx, &x->miny, &x->maxx, &x->maxy))
            x->k = k, nb++;
    }
    qsort(b, nb, sizeof *b, cmp_member_minx);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = i + 1; j < nb && b[j].minx <= b[i].maxx; j++)
            if (b[j].miny <= b[i].maxy && b[j].maxy >= b[i].miny)
                up[find_root(up, b[j].k)] = find_root(up, b[i].k);
    /* Members by cluster (each cluster in member order), then each cluster: one member's polygons as
     * they are, several dissolved. */
    size_t *count = calloc(n + 1, sizeof *count);
    if (!count)
        goto done;
    for (size_t k = 0; k < n; k++)
        count[find_root(up, k) + 1]++;
    for (size_t k = 0; k < n; k++)
        count[k + 1] += count[k];
    for (size_t k = 0; k < n; k++)
        order[count[find_root(up, k)]++] = k;
    free(count);
    parts = malloc((np ? np : 1) * sizeof *parts);
    group = malloc((np ? np : 1) * sizeof *group);
    if (!parts || !group)
        goto done;
    for (size_t a = 0; a < n;) {
        size_t root = find_root(up, order[a]), z = a, ng = 0;
        int ok = 1;
        for (; z < n && find_root(up, order[z]) == root && ok; z++) {
            const GEOSGeometry *g = lc_layer_feature(res, members[order[z]])->geom;
            int single = GEOSGeomTypeId_r(h, g) == GEOS_POLYGON, m = single ? 1 : GEOSGetNumGeometries_r(h, g);
            for (int q = 0; q < m && ok; q++) {
                const GEOSGeometry *part = single ? g : GEOSGetGeometryN_r(h, g, q);
                ok = part && GEOSGeomTypeId_r(h, part) == GEOS_POLYGON && (group[ng] = GEOSGeom_clone_r(h, part));
                ng += ok;
            }
        }
        if (!ok) {
            for (size_t q = 0; q < ng; q++)
                GEOSGeom_destroy_r(h, group[q]);
            goto done;
        }
        size_t members_in = z - a;
        a = z;
        if (members_in == 1) { /* one compound: its own valid parts, apart from every other cluster */
            for (size_t q = 0; q < ng; q++)
                parts[nparts++] = group[q];
            continue;
        }
        GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, group, (unsigned)ng);
        GEOSGeometry *u = mp ? GEOSUnaryUnion_r(h, mp) : NULL;
        if (mp)
            GEOSGeom_destroy_r(h, mp);
        if (!u)
            goto done;
        /* The dissolved cluster: one polygon or several, each a part of the whole. */
        int type = GEOSGeomTypeId_r(h, u), m = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, u);
        if (type == GEOS_POLYGON) {
            parts[nparts++] = u;
            continue;
        }
        for (int q = 0; q < m; q++) {
            GEOSGeometry *c = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, u, q));
            if (!c) {
                GEOSGeom_destroy_r(h, u);
                goto done;
            }
            if (GEOSGeomTypeId_r(h, c) == GEOS_POLYGON)
                parts[nparts++] = c;
            else
                GEOSGeom_destroy_r(h, c);
        }
        GEOSGeom_destroy_r(h, u);
    }
    /* GEOS takes the parts, and frees them itself if it fails. */
    result = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)nparts);
    nparts = 0;
done:
    for (size_t q = 0; q < nparts; q++)
        GEOSGeom_destroy_r(h, parts[q]);
    free(parts), free(group), free(b), free(up), free(order);
    return result;
}

/* Bounding box of a residential polygon, for compounds_apart. */
typedef struct compound_box {
    double minx, miny, maxx, maxy;
    size_t i;
} compound_box;

static int cmp_box_minx(const void *a, const void *b)
{
    const compound_box *p = a, *q = b;
    return p->minx != q->minx ? (p->minx > q->minx) - (p->minx < q->minx) : (p->i > q->i) - (p->i < q->i);
}

/* apart[i] = 1 when residential polygon i is valid and its bounding box meets no other polygon's
 * (a sweep over the boxes sorted by minx), so a catchment made only of such compounds is a valid
 * multipolygon without testing the whole (one validity test per compound instead of one per
 * catchment of thousands of parts). Caller frees
 * with free(); NULL with LC_ERR_NOMEM. */
static unsigned char *compounds_apart(lc_context *ctx, const lc_layer *res)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(res);
    unsigned char *apart = lc_calloc(ctx, n ? n : 1, 1);
    compound_box *b = lc_calloc(ctx, n ? n : 1, sizeof *b);
    if (!apart || !b) {
        free(apart);
        free(b);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = lc_layer_feature(res, i)->geom;
        compound_box *x = &b[m];
        if (g && GEOSGeom_getExtent_r(h, g, &x->minx, &x->miny, &x->maxx, &x->maxy)) {
            x->i = i;
            /* Validity was tested before reprojection: tested again here, once per compound. */
            apart[i] = GEOSisValid_r(h, g) == 1;
            m++;
        }
    }
    qsort(b, m, sizeof *b, cmp_box_minx);
    for (size_t k = 0; k < m; k++)
        for (size_t j = k + 1; j < m && b[j].minx <= b[k].maxx; j++)
            if (b[j].miny <= b[k].maxy && b[j].maxy >= b[k].miny)
                apart[b[k].i] = apart[b[j].i] = 0;
    free(b);
    return apart;
}

/* What the catchment tasks share (catchment_one): the compounds of facility i are list[first[i] ..
 * first[i + 1]); each task writes geoms[i] only. */
typedef struct catchment_task {
    const lc_layer *res, *fac;
    const unsigned char *apart;
    const size_t *first, *list;
    GEOSGeometry **geoms;
} catchment_task;

/* lc_parallel_fn: facility i's catchment geometry (none for a facility without compounds or
 * category). */
static int catchment_one(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)thread;
    catchment_task *t = arg;
    const lc_feature *f = lc_layer_feature(t->fac, i);
    size_t n = t->first[i + 1] - t->first[i];
    if (!n || f->category < 0)
        return 0;
    if (lc_layer_is_points(t->res)) { /* compounds as points: the catchment is their multipoint */
        GEOSGeometry **pts = malloc(n * sizeof *pts);
        size_t made = 0;
        for (; pts && made < n; made++)
            if (!(pts[made] = GEOSGeom_clone_r(h, lc_layer_feature(t->res, t->list[t->first[i] + made])->geom)))
                break;
        if (pts && made == n && (t->geoms[i] = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts, (unsigned)n))) {
            free(pts);
            return 0;
        }
        for (size_t k = 0; pts && k < made && made < n; k++)
            GEOSGeom_destroy_r(h, pts[k]);
        free(pts);
    } else if ((t->geoms[i] = catchment_geometry(h, t->res, t->apart, t->list + t->first[i], n)))
        return 0;
    char reason[400];
    snprintf(reason, sizeof reason, "%s", msg);
    snprintf(msg, msg_size, "cannot build the catchment of facility %s (%s)", f->id ? f->id : "?", reason);
    return -1;
}

/* catchments: for every facility with at least one compound, the union of the compounds whose
 * nearest facility of its category it is, with their residents. */
static lc_status write_catchments(lc_context *ctx, lc_output *out, const lc_results *r, const catchments *cm,
                                  lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"facility_id", "FAC_ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"facility_name", "FAC_NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Facility name", ""},
        {"compounds", "COMPOUNDS", LC_FIELD_INTEGER, 0, 0, "居住区数", "Compounds in the catchment", ""},
        {"population", "POP", LC_FIELD_REAL, 0, 1, "服务人口", "Residents in the catchment", "people"},
        {"in_reach", "IN_REACH", LC_FIELD_REAL, 0, 1, "可达范围内人口", "Of them within reach", "people"},
        {"colour", "COLOUR", LC_FIELD_INTEGER, 0, 0, "配色序号",
         "Map colour 0-7: catchments of one category within 50 m of each other differ", ""},
    };
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    size_t nf = lc_layer_count(fac), np = lc_coverage_polygon_count(r->coverage);
    /* Compounds grouped by facility (counting sort over every polygon × category). */
    size_t *first = lc_calloc(ctx, nf + 1, sizeof *first), *fill = lc_calloc(ctx, nf ? nf : 1, sizeof *fill), *list = NULL;
    unsigned char *apart = compounds_apart(ctx, res);
    GEOSGeometry **geoms = NULL;
    long *group = lc_calloc(ctx, nf ? nf : 1, sizeof *group);
    int *colour = lc_calloc(ctx, nf ? nf : 1, sizeof *colour);
    lc_status st = LC_ERR_NOMEM;
    if (!first || !fill || !apart || !group || !colour)
        goto done;
    for (size_t i = 0; i < nf; i++)
        first[i + 1] = first[i] + cm->n[i];
    list = lc_calloc(ctx, first[nf] ? first[nf] : 1, sizeof *list);
    if (!list)
        goto done;
    for (size_t p = 0; p < np; p++)
        for (size_t c = 0; c < lc_coverage_category_count(r->coverage); c++) {
            long f = lc_coverage_get(r->coverage, p, c)->nearest;
            if (f >= 0 && (size_t)f < nf)
                list[first[f] + fill[f]++] = p;
        }
    /* The geometries first, on every core (dissolving overlapping compounds is the costly part), then
     * written in facility order. */
    geoms = lc_calloc(ctx, nf ? nf : 1, sizeof *geoms);
    if (!geoms)
        goto done;
    catchment_task task = {.res = res, .fac = fac, .apart = apart, .first = first, .list = list, .geoms = geoms};
    if ((st = lc_parallel_run(ctx, 0, nf, catchment_one, &task, "catchments", NULL)) != LC_OK)
        goto done;
    for (size_t i = 0; i < nf; i++) /* neighbours differ in colour, category by category */
        group[i] = geoms[i] ? lc_layer_feature(fac, i)->category : -1;
    if ((st = lc_colour_areas(ctx, (const GEOSGeometry *const *)geoms, group, nf, LC_CATCHMENT_NEIGHBOUR_M,
                              LC_STYLE_NEIGHBOUR_COLOURS, colour)) != LC_OK)
        goto done;
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "catchments",
                                                lc_layer_is_points(res) ? GEOS_MULTIPOINT : GEOS_MULTIPOLYGON, defs, 8);
    if (!w) {
        st = lc_context_errno(ctx);
        goto done;
    }
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (!geoms[i])
            continue;
        const lc_category *cat = lc_profile_category(r->profile, (size_t)f->category);
        lc_value v[8] = {str_value(cat->code), str_value(cat->name_zh), str_value(f->id), str_value(f->name),
                         int_value((long long)(first[i + 1] - first[i])), real_value(cm->pop[i]),
                         real_value(cm->reach[i]), int_value(colour[i])};
        st = lc_layer_writer_add(ctx, w, geoms[i], v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, "catchments", lc_layer_is_points(res) ? LC_QML_CATEGORY_POINT : LC_QML_CATCHMENT,
                        &(lc_qml_layer){.fields = defs, .nfields = 8, .key = 0, .colour = 7});
done:
    for (size_t i = 0; geoms && i < nf; i++)
        if (geoms[i])
            GEOSGeom_destroy_r(h, geoms[i]);
    free(first), free(fill), free(list), free(apart), free(geoms), free(group), free(colour);
    return st;
}

/* The neighbour colour of every facility's catchment streets (*colour, one per facility; caller
 * frees): facilities of one category whose streets meet (at the points where the nearest facility
 * changes) differ. */
static lc_status street_colours(lc_context *ctx, const lc_results *r, int **colour)
{
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    size_t nf = lc_layer_count(fac), nends = 0;
    for (size_t i = 0; i < nf; i++) {
        lc_catchment_streets cs;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) == 0)
            nends += 2 * cs.nlines;
    }
    lc_xy *ends = lc_calloc(ctx, nends ? nends : 1, sizeof *ends);
    size_t *item = lc_calloc(ctx, nends ? nends : 1, sizeof *item);
    long *group = lc_calloc(ctx, nf ? nf : 1, sizeof *group);
    *colour = lc_calloc(ctx, nf ? nf : 1, sizeof **colour);
    lc_status st = ends && item && group && *colour ? LC_OK : LC_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        lc_catchment_streets cs;
        group[i] = lc_layer_feature(fac, i)->category;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) != 0)
            continue;
        for (size_t l = 0; l < cs.nlines; l++) {
            ends[k] = cs.points[cs.start[l]], item[k++] = i;
            ends[k] = cs.points[cs.start[l + 1] - 1], item[k++] = i;
        }
    }
    if (st == LC_OK)
        st = lc_colour_lines(ctx, ends, item, group, k, nf, LC_STYLE_NEIGHBOUR_COLOURS, *colour);
    free(ends), free(item), free(group);
    if (st != LC_OK) {
        free(*colour);
        *colour = NULL;
    }
    return st;
}

/* catchment_streets (network mode, when the coverage built them): for every facility that is the nearest of its category
 * anywhere on the network, the streets it is nearest for and their length, all of it and within the
 * category's reach (lc_coverage_catchment_streets). */
static lc_status write_catchment_streets(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"facility_id", "FAC_ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"facility_name", "FAC_NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Facility name", ""},
        {"length_m", "LENGTH_M", LC_FIELD_REAL, 0, 0, "服务街道长度(最近设施)",
         "Street length whose nearest facility of the category this is (along the network)", "m"},
        {"in_reach_m", "IN_REACH_M", LC_FIELD_REAL, 0, 0, "可达范围内街道长度",
         "Of that length, within the category's reach", "m"},
        {"colour", "COLOUR", LC_FIELD_INTEGER, 0, 0, "配色序号",
         "Map colour 0-7: streets of neighbouring facilities of one category differ", ""},
    };
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    size_t nf = lc_layer_count(fac);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int *colour = NULL;
    lc_status st = street_colours(ctx, r, &colour);
    lc_layer_writer *w = st == LC_OK ? lc_output_layer_create(ctx, out, "catchment_streets", GEOS_MULTILINESTRING,
                                                              defs, 7)
                                     : NULL;
    if (!w) {
        free(colour);
        return st == LC_OK ? lc_context_errno(ctx) : st;
    }
    size_t nlines = 0;
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        lc_catchment_streets cs;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) != 0 || !cs.nlines || f->category < 0)
            continue;
        nlines += cs.nlines;
        const lc_category *cat = lc_profile_category(r->profile, (size_t)f->category);
        lc_value v[7] = {str_value(cat->code), str_value(cat->name_zh), str_value(f->id), str_value(f->name),
                         real_value(cs.length_m), real_value(cs.in_reach_m), int_value(colour[i])};
        st = lc_layer_writer_add_lines(ctx, w, cs.points, cs.start, cs.nlines, v);
    }
    free(colour);
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    lc_log(ctx, LC_LOG_DEBUG, "catchment_streets: %zu lines written in %.2f s", nlines,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return st == LC_OK ? lc_qml_add(ctx, styles, "catchment_streets", LC_QML_CATEGORY_LINE,
                                    &(lc_qml_layer){.fields = defs, .nfields = 7, .key = 0, .colour = 6})
                       : st;
}

/* ---- summaries ------------------------------------------------------------------------------ */

/* SHA-256 of a file as 64 hex digits into hex[65]; 0 on success, -1 if it cannot be read. */
static int file_sha256(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(md, buf, n) == 1;
    ok = ok && !ferror(f);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(md, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    fclose(f);
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return ok ? 0 : -1;
}

/* A JSON number, or null for NAN/infinity. */
static json_t *jnum(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

/* A JSON string, or null. */
static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The name of a row (unit id, or "total"). */
static const char *row_id(const lc_results *r, size_t row)
{
    return row == lc_indicators_total_row(r->indicators) ? "total" : unit_id(r, (long)row);
}

static const char *row_name(const lc_results *r, size_t row)
{
    if (row == lc_indicators_total_row(r->indicators))
        return "全区 whole study area";
    const lc_feature *f = lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_UNITS), row);
    return f->name ? f->name : f->id;
}

static const char *kind_name(lc_norm_kind k)
{
    static const char *const names[] = {"reach", "circle", "floor_area", "unit_presence", "capacity_ratio",
                                        "nursing_share"};
    return (unsigned)k < 6 ? names[k] : "unknown";
}

/* The "siting" section of summary.json: the category, solver, gap, target, proposals and, per row
 * (units, then the whole area), demand and coverage before/after with floor area per 1,000. */
static json_t *siting_json(const lc_results *r, const lc_siting *s, size_t category)
{
    const lc_category *cat = lc_profile_category(r->profile, category);
    json_t *props = json_array(), *rows = json_array();
    for (size_t i = 0; i < lc_siting_count(s); i++) {
        const lc_proposal *p = lc_siting_get(s, i);
        json_array_append_new(props, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "rank", (json_int_t)p->rank,
                                               "x", jnum(p->site.x), "y", jnum(p->site.y), "unit",
                                               jstr(unit_id(r, p->unit)), "new_pop", jnum(p->new_pop),
                                               "cumulative_share", jnum(p->cumulative_share), "floor_area_m2",
                                               jnum(p->floor_area_m2), "candidate",
                                               p->candidate_id ? jstr(p->candidate_id)
                                               : p->candidate >= 0 ? json_integer(p->candidate) : jstr("generated")));
    }
    for (size_t row = 0; row < lc_siting_row_count(s); row++) {
        const lc_siting_row *x = lc_siting_row_get(s, row);
        double pop = lc_indicators_population(r->indicators, row);
        json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "unit_id", row_id(r, row),
                                              "demand", jnum(x->demand), "covered_before", jnum(x->covered_before),
                                              "covered_after", jnum(x->covered_after), "share_before",
                                              jnum(x->demand > 0 ? x->covered_before / x->demand : NAN), "share_after",
                                              jnum(x->demand > 0 ? x->covered_after / x->demand : NAN), "new_sites",
                                              (json_int_t)x->new_sites, "floor_m2_per_1000_before",
                                              jnum(pop > 0 ? 1000 * x->floor_area_before_m2 / pop : NAN),
                                              "floor_m2_per_1000_after",
                                              jnum(pop > 0 ? 1000 * x->floor_area_after_m2 / pop : NAN)));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:s, s:o, s:o}", "category", cat->code, "solver",
                     lc_siting_solver(s), "gap", jnum(lc_siting_gap(s)), "share_before",
                     jnum(lc_siting_share_before(s)), "share_after", jnum(lc_siting_share_after(s)), "target_met",
                     lc_siting_target_met(s), "reason", lc_siting_reason(s), "proposals", props, "rows", rows);
}

/* summary.json of a check, with a "siting" section when siting is given. See
 * lc_results_summary_json. */


/* How exact a coverage's numbers and outlines are (lc_coverage_accuracy), for summary.json: the
 * circle's polygon in straight-line mode, the squares and grids along the network, each with the
 * bound or the largest deviation it gave in this run. */
static json_t *accuracy_json(const lc_coverage *cov)
{
    const lc_coverage_accuracy *a = lc_coverage_get_accuracy(cov);
    if (!a)
        return json_null();
    if (a->mode == LC_MODE_STRAIGHT)
        return json_pack("{s:s, s:i, s:i, s:o, s:s}", "method", "reach circles as inscribed regular polygons",
                         "circle_quadsegs", a->quadsegs, "circle_sides", 4 * a->quadsegs, "circle_area_deficit",
                         jnum(a->circle_deficit), "note",
                         "covered shares are at most circle_area_deficit (relative) short of exact circles; study "
                         "key circle_quadsegs sets the segments per quarter circle");
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "method",
                     "walking corridor as a distance field: exact shares in squares, outlines traced on grids",
                     "share_leaf_m", jnum(a->share_leaf_m), "share_bound", jnum(a->share_bound), "gap_cell_m",
                     jnum(a->gap_cell_m), "gap_deviation", jnum(a->gap_deviation), "service_cell_m",
                     jnum(a->service_cell_m), "note",
                     "no covered share is more than share_bound (0..1) above the exact one; gap outlines differ "
                     "from (1 - share) x area by at most gap_deviation of the compound's area; study keys "
                     "share_leaf_m, gap_cell_m and service_cell_m set the resolutions");
}

char *lc_results_summary_json(lc_context *ctx, const lc_results *r)
{
    return lc_summary_json(ctx, r, NULL, 0);
}

char *lc_summary_json(lc_context *ctx, const lc_results *r, const lc_siting *siting, size_t category)
{
    json_t *root = json_object();
    const lc_crs *crs = lc_inputs_crs(r->inputs);
    json_object_set_new(root, "toolkit", json_pack("{s:s, s:s}", "name", "lifecircle", "version", lc_version()));
    json_object_set_new(root, "study", jstr(lc_study_path(r->study)));
    json_object_set_new(root, "profile", json_pack("{s:s, s:s}", "name", lc_profile_name(r->profile), "title",
                                                   lc_profile_title(r->profile)));
    json_object_set_new(root, "crs", json_pack("{s:s, s:o}", "name", lc_crs_name(crs), "id", jstr(lc_crs_id(crs))));

    json_t *assumptions = json_object();
    json_object_set_new(assumptions, "distance_mode",
                        json_string(lc_coverage_mode(r->coverage) == LC_MODE_STRAIGHT ? "straight-line" : "network"));
    json_object_set_new(assumptions, "population_method",
                        json_string("population spread evenly over each residential polygon; a polygon straddling "
                                    "街镇 boundaries is split by area of overlap unless its unit field names one"));
    if (lc_coverage_mode(r->coverage) == LC_MODE_NETWORK) {
        size_t ne = lc_coverage_entrance_polygons(r->coverage), np = lc_coverage_polygon_count(r->coverage);
        double g = 0;
        size_t ng = lc_coverage_grid_polygons(r->coverage, &g), nb = lc_coverage_building_polygons(r->coverage);
        char text[600], part[200];
        text[0] = '\0';
        if (ne) {
            snprintf(part, sizeof part, "%zu compounds walk from their entrances (小区出入口; covered whole when one "
                     "entrance is within reach); ", ne);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        if (nb) {
            snprintf(part, sizeof part, "%zu from their buildings (covered by the share of their residents in "
                     "buildings within reach); ", nb);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        if (ng) {
            snprintf(part, sizeof part, "%zu from points of a %.0f m grid inside them (covered by the share of "
                     "points within reach); ", ng, g);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        snprintf(part, sizeof part, "%zu of %zu from a point on their surface (covered by the share of their area "
                 "within the walking corridor)", np - ne - ng - nb, np);
        strncat(text, part, sizeof text - strlen(text) - 1);
        json_object_set_new(assumptions, "demand_points", json_string(text));
    }
    json_t *reach = json_array();
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        json_array_append_new(reach, json_pack("{s:s, s:s, s:s, s:o, s:f, s:s}", "category", cat->code, "zh",
                                               cat->name_zh, "en", cat->name_en, "reach_m",
                                               jnum(lc_coverage_reach(r->coverage, c)), "minutes", cat->reach_minutes,
                                               "source", cat->reach_source ? cat->reach_source : ""));
    }
    json_object_set_new(assumptions, "reach", reach);
    json_object_set_new(assumptions, "accuracy", accuracy_json(r->coverage));
    if (r->straight && lc_coverage_mode(r->coverage) == LC_MODE_NETWORK)
        json_object_set_new(assumptions, "straight_accuracy", accuracy_json(r->straight));
    json_object_set_new(root, "assumptions", assumptions);
    if (r->straight && lc_coverage_mode(r->coverage) == LC_MODE_NETWORK) {
        /* Residents in reach per category both ways; how far straight lines overstate (percentage points). */
        json_t *cmp = json_array();
        double total = lc_coverage_population(r->coverage);
        for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
            double s = lc_coverage_covered_population(r->straight, c), n = lc_coverage_covered_population(r->coverage, c);
            json_array_append_new(cmp, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "category",
                                                 lc_profile_category(r->profile, c)->code, "population", jnum(total),
                                                 "straight_pop", jnum(s), "network_pop", jnum(n), "straight_share",
                                                 jnum(total > 0 ? s / total : NAN), "network_share",
                                                 jnum(total > 0 ? n / total : NAN), "overstatement_pp",
                                                 jnum(total > 0 ? 100 * (s - n) / total : NAN)));
        }
        json_object_set_new(root, "network_comparison", cmp);
    }

    if (siting)
        json_object_set_new(root, "siting", siting_json(r, siting, category));

    json_t *inputs = json_array();
    /* Layers often share one file (a GeoPackage): each file is hashed once. */
    struct { const char *source; char hex[65]; int hashed; } seen[LC_LAYER_KIND_COUNT];
    size_t nseen = 0;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        if (!L)
            continue;
        size_t at = 0;
        while (at < nseen && strcmp(seen[at].source, lc_layer_source(L)))
            at++;
        if (at == nseen) {
            seen[at].source = lc_layer_source(L);
            seen[at].hex[0] = '\0';
            seen[at].hashed = file_sha256(seen[at].source, seen[at].hex) == 0;
            nseen++;
        }
        const char *hex = seen[at].hex;
        int hashed = seen[at].hashed;
        json_t *in = json_pack("{s:s, s:s, s:s, s:I, s:o}", "kind", lc_layer_kind_name((lc_layer_kind)k), "source",
                               lc_layer_source(L), "layer", lc_layer_name(L), "features", (json_int_t)lc_layer_count(L),
                               "sha256", hashed ? json_string(hex) : json_null());
        if (lc_layer_rows_sha256(L)) /* a database table: what it held when read */
            json_object_set_new(in, "rows_sha256", json_string(lc_layer_rows_sha256(L)));
        json_array_append_new(inputs, in);
    }
    json_object_set_new(root, "inputs", inputs);

    json_t *norms = json_array();
    for (size_t k = 0; k < lc_profile_norm_count(r->profile); k++) {
        const lc_norm *n = lc_profile_norm(r->profile, k);
        json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "code", n->code, "kind", kind_name(n->kind), "target",
                              jnum(n->target), "zh", n->zh, "en", n->en, "source", n->source);
        if (n->kind == LC_NORM_UNIT_PRESENCE) {
            static const char *const only[] = {"all", "villagers", "residents", "rural", "urban"};
            json_t *cats = json_array();
            for (size_t c = 0; c < n->ncategories; c++)
                json_array_append_new(cats, json_string(lc_profile_category(r->profile, (size_t)n->categories[c])->code));
            json_object_set_new(o, "level", json_string(lc_level_name(n->level)));
            json_object_set_new(o, "level_zh", json_string(lc_level_name_zh(n->level)));
            json_object_set_new(o, "categories", cats);
            json_object_set_new(o, "min", json_integer((json_int_t)n->min_count));
            json_object_set_new(o, "only", json_string(only[n->only]));
            json_object_set_new(o, "serve", json_string(n->serve_reach ? "reach" : "inside"));
        }
        json_array_append_new(norms, o);
    }
    json_object_set_new(root, "norms", norms);

    json_t *rows = json_array();
    size_t nrow = lc_indicators_row_count(r->indicators), ndist = lc_indicators_district_count(r->indicators);
    json_t *districts = ndist ? json_array() : NULL;
    for (size_t at = 0; at < nrow + ndist; at++) {
        /* the 街镇 and the whole area, then the districts */
        size_t row = at < nrow ? at : lc_indicators_district_row(r->indicators, at - nrow);
        const lc_feature *df = at < nrow ? NULL
                                         : lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS), at - nrow);
        json_t *o = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o}", "id", jstr(df ? df->id : row_id(r, row)), "name",
                              df ? (df->name ? df->name : df->id) : row_name(r, row),
                              "population", jnum(lc_indicators_population(r->indicators, row)), "pop60",
                              jnum(lc_indicators_pop60(r->indicators, row)), "pop65",
                              jnum(lc_indicators_pop65(r->indicators, row)), "floor_area_m2",
                              jnum(lc_indicators_floor_area(r->indicators, row)));
        if (df)
            json_object_set_new(o, "profile",
                                json_string(lc_profile_name(lc_indicators_district_profile(r->indicators, at - nrow))));
        else if (ndist && at + 1 < nrow)
            json_object_set_new(o, "district", jstr(lc_level_id(r, LC_LEVEL_DISTRICT,
                                                                lc_indicators_unit_district(r->indicators, at))));
        json_t *ind = json_object();
        for (size_t k = 0; k < lc_profile_norm_count(r->profile); k++) {
            const lc_indicator *x = lc_indicators_get(r->indicators, row, k);
            json_object_set_new(ind, lc_profile_norm(r->profile, k)->code,
                                json_pack("{s:o, s:o, s:s, s:o, s:s, s:o, s:o}", "value", jnum(x->value), "target",
                                          jnum(x->target), "pass", pass_text(x->pass), "shortfall",
                                          jnum(x->pass == -1 ? NAN : x->shortfall), "shortfall_unit",
                                          x->shortfall_unit ? x->shortfall_unit : "", "numerator", jnum(x->numerator),
                                          "denominator", jnum(x->denominator)));
        }
        json_object_set_new(o, "indicators", ind);
        json_t *cov = json_object();
        for (size_t c = 0; c < lc_profile_category_count(r->profile); c++)
            json_object_set_new(cov, lc_profile_category(r->profile, c)->code,
                                json_pack("{s:I, s:o, s:o}", "facilities",
                                          (json_int_t)lc_indicators_facility_count(r->indicators, row, c), "covered_pop",
                                          jnum(lc_indicators_covered(r->indicators, row, c)), "covered_share",
                                          jnum(lc_indicators_covered_share(r->indicators, row, c))));
        json_object_set_new(o, "categories", cov);
        json_array_append_new(at < nrow ? rows : districts, o);
    }
    json_object_set_new(root, "rows", rows);
    if (districts)
        json_object_set_new(root, "districts", districts);
    json_t *levels = lc_levels_json(r);
    if (json_object_size(levels))
        json_object_set_new(root, "levels", levels);
    else
        json_decref(levels);

    json_t *issues = json_array();
    for (size_t i = 0; i < lc_quality_count(r->quality); i++) {
        const lc_issue *it = lc_quality_get(r->quality, i);
        json_array_append_new(issues, json_pack("{s:s, s:s, s:s}", "severity",
                                                it->severity == LC_SEVERITY_ERROR ? "error" : it->severity == LC_SEVERITY_WARNING ? "warning" : "info",
                                                "check", it->check, "message", it->message));
    }
    json_object_set_new(root, "data_quality", issues);
    json_object_set_new(root, "failing_norms", json_integer((json_int_t)lc_indicators_failures(r->indicators)));

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (!text) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing summary.json");
        return NULL;
    }
    /* jansson allocates with malloc by default; hand the caller a string to free(). */
    return text;
}

/* Whether the study has a level of the ladder besides the 街镇 (summary.csv then says each row's). */
static int has_ladder(const lc_results *r)
{
    return lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) || lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) ||
           lc_inputs_layer(r->inputs, LC_LAYER_AREAS) || lc_inputs_layer(r->inputs, LC_LAYER_GROUPS);
}

/* Row i of summary.csv (and of the summary table): every norm of each 街镇, then of the whole area,
 * then of each district, then every presence norm of each unit of a lower level asked it. 0, or -1
 * past the end. */
int lc_summary_row_at(const lc_results *r, size_t i, lc_summary_row *out)
{
    size_t nn = lc_profile_norm_count(r->profile), nrow = lc_indicators_row_count(r->indicators);
    size_t nd = lc_indicators_district_count(r->indicators);
    if (!nn)
        return -1;
    if (i < (nrow + nd) * nn) {
        size_t at = i / nn, k = i % nn;
        size_t row = at < nrow ? at : lc_indicators_district_row(r->indicators, at - nrow);
        const lc_feature *df = at < nrow ? NULL
                                         : lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS), at - nrow);
        long d = df ? (long)(at - nrow) : at + 1 < nrow ? lc_indicators_unit_district(r->indicators, at) : -1;
        *out = (lc_summary_row){.level = df ? "district" : at + 1 < nrow ? "unit" : "total",
                                .id = df ? df->id : row_id(r, row),
                                .name = df ? (df->name ? df->name : df->id) : row_name(r, row),
                                .parent = df ? NULL : lc_level_id(r, LC_LEVEL_DISTRICT, d),
                                .district = lc_level_id(r, LC_LEVEL_DISTRICT, d), .norm = k,
                                .x = *lc_indicators_get(r->indicators, row, k)};
        return 0;
    }
    return lc_summary_level_row(r, i - (nrow + nd) * nn, out);
}

char *lc_results_summary_csv(lc_context *ctx, const lc_results *r)
{
    static const char *const head[] = {"unit_id", "unit_name", "norm", "指标", "indicator", "value", "target",
                                       "pass", "shortfall", "shortfall_unit", "numerator", "denominator", "source",
                                       "level", "parent_id", "district_id"};
    int ladder = has_ladder(r);
    size_t ncol = ladder ? 16 : 13;
    lc_csv c;
    lc_status st = lc_csv_begin(ctx, &c);
    for (size_t i = 0; i < ncol && st == LC_OK; i++)
        st = lc_csv_text(ctx, &c, head[i], i == 0);
    if (st == LC_OK)
        st = lc_csv_end_row(ctx, &c);
    lc_summary_row sr;
    for (size_t i = 0; st == LC_OK && lc_summary_row_at(r, i, &sr) == 0; i++) {
        const lc_norm *n = lc_profile_norm(r->profile, sr.norm);
        const lc_indicator *x = &sr.x;
        /* The cells of write_summary, in its order and kinds (text or number). */
        st = lc_csv_text(ctx, &c, sr.id, 1);
        st = st ? st : lc_csv_text(ctx, &c, sr.name, 0);
        st = st ? st : lc_csv_text(ctx, &c, n->code, 0);
        st = st ? st : lc_csv_text(ctx, &c, n->zh, 0);
        st = st ? st : lc_csv_text(ctx, &c, n->en, 0);
        st = st ? st : lc_csv_real(ctx, &c, x->value, 0);
        st = st ? st : lc_csv_real(ctx, &c, x->target, 0);
        st = st ? st : lc_csv_text(ctx, &c, pass_text(x->pass), 0);
        st = st ? st : lc_csv_real(ctx, &c, x->pass == -1 ? NAN : x->shortfall, 0);
        st = st ? st : lc_csv_text(ctx, &c, x->shortfall_unit, 0);
        st = st ? st : lc_csv_real(ctx, &c, x->numerator, 0);
        st = st ? st : lc_csv_real(ctx, &c, x->denominator, 0);
        st = st ? st : lc_csv_text(ctx, &c, n->source, 0);
        if (ladder) {
            st = st ? st : lc_csv_text(ctx, &c, sr.level, 0);
            st = st ? st : lc_csv_text(ctx, &c, sr.parent, 0);
            st = st ? st : lc_csv_text(ctx, &c, sr.district, 0);
        }
        st = st ? st : lc_csv_end_row(ctx, &c);
    }
    if (st != LC_OK) {
        lc_csv_free(&c);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing summary.csv");
        return NULL;
    }
    return c.text;
}

/* summary: the rows of summary.csv as a table layer, so every format stores it its own way
 * (summary.csv for Shapefile and GeoJSON, a table in the GeoPackage or PostGIS). The columns and
 * values are those of lc_results_summary_csv(). LC_OK or the writer's error. */
static lc_status write_summary(lc_context *ctx, lc_output *out, const lc_results *r)
{
    static const lc_field_def defs[] = {
        {"unit_id", "UNIT_ID", LC_FIELD_STRING, 80, 0, "街镇编号", "Unit id, or total", ""},
        {"unit_name", "UNIT_NAME", LC_FIELD_STRING, 80, 0, "街镇名称", "Unit name", ""},
        {"norm", "NORM", LC_FIELD_STRING, 32, 0, "指标代码", "Norm code", ""},
        {"指标", "ZH", LC_FIELD_STRING, 80, 0, "指标", "Norm (Chinese)", ""},
        {"indicator", "INDICATOR", LC_FIELD_STRING, 80, 0, "指标(英文)", "Norm (English)", ""},
        {"value", "VALUE", LC_FIELD_REAL, 0, 0, "数值", "Value", ""},
        {"target", "TARGET", LC_FIELD_REAL, 0, 0, "目标", "Target", ""},
        {"pass", "PASS", LC_FIELD_STRING, 8, 0, "是否达标", "pass, fail or n/a", ""},
        {"shortfall", "SHORTFALL", LC_FIELD_REAL, 0, 0, "缺口", "Shortfall", ""},
        {"shortfall_unit", "SHORT_UNIT", LC_FIELD_STRING, 32, 0, "缺口单位", "Unit of the shortfall", ""},
        {"numerator", "NUMERATOR", LC_FIELD_REAL, 0, 0, "分子", "Numerator", ""},
        {"denominator", "DENOM", LC_FIELD_REAL, 0, 0, "分母", "Denominator", ""},
        {"source", "SOURCE", LC_FIELD_STRING, 80, 0, "依据", "Source of the norm", ""},
        {"level", "LEVEL", LC_FIELD_STRING, 16, 0, "层级", "Level: unit (街镇), total, district (区), area (片区), "
         "committee (居村), group (村民小组)", ""},
        {"parent_id", "PARENT_ID", LC_FIELD_STRING, 80, 0, "上级编号", "Id of the unit it lies in (街镇, or 区)", ""},
        {"district_id", "DIST_ID", LC_FIELD_STRING, 80, 0, "所属区编号", "Id of its district (区)", ""},
    };
    int ladder = has_ladder(r);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "summary", -1, defs, ladder ? 16 : 13);
    if (!w)
        return lc_context_errno(ctx);
    lc_status st = LC_OK;
    lc_summary_row sr;
    for (size_t i = 0; st == LC_OK && lc_summary_row_at(r, i, &sr) == 0; i++) {
        const lc_norm *n = lc_profile_norm(r->profile, sr.norm);
        const lc_indicator *x = &sr.x;
        lc_value v[16] = {str_value(sr.id), str_value(sr.name), str_value(n->code),
                          str_value(n->zh), str_value(n->en), real_value(x->value), real_value(x->target),
                          str_value(pass_text(x->pass)), real_value(x->pass == -1 ? NAN : x->shortfall),
                          str_value(x->shortfall_unit), real_value(x->numerator),
                          real_value(x->denominator), str_value(n->source), str_value(sr.level),
                          str_value(sr.parent), str_value(sr.district)};
        st = lc_layer_writer_add(ctx, w, NULL, v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    return st == LC_OK ? cst : st;
}

/* Which database a parsed connection string names as written, as "host|port|dbname|service"
 * (libpq's defaults left empty, so two strings that spell the same server differently may compare
 * unequal: pg_same_database then asks the servers). */
static void pg_database_id(const lc_conninfo *ci, char *buf, size_t size)
{
    const char *host = lc_conninfo_get(ci, "host"), *addr = lc_conninfo_get(ci, "hostaddr");
    const char *port = lc_conninfo_get(ci, "port"), *db = lc_conninfo_get(ci, "dbname");
    const char *service = lc_conninfo_get(ci, "service");
    snprintf(buf, size, "%s|%s|%s|%s", addr ? addr : host ? host : "", port ? port : "", db ? db : "",
             service ? service : "");
}

/* What a PostgreSQL server says it is: its database and the time its postmaster started, which
 * two servers (or two databases) do not share, however a connection string spells the host
 * (localhost or 127.0.0.1, a socket or TCP, an alias). Asked on a read-only connection; into buf,
 * "" when it cannot be asked (the guard below then goes by the strings alone). */
static void pg_server_identity(lc_context *ctx, const lc_conninfo *ci, const char *shown, char *buf, size_t size)
{
    buf[0] = '\0';
    PGconn *conn = lc_conninfo_connect(ctx, ci, 1, shown);
    if (!conn)
        return; /* not reaching a server is no error of the guard: the output says so itself */
    PGresult *res = PQexec(conn, "SELECT current_database() || ' ' || pg_postmaster_start_time()::text");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(conn);
}

/* Whether two connection strings reach the same database: the same host, port, database and
 * service as written, or else the same server identity when both servers can be asked. */
static int pg_same_database(lc_context *ctx, const lc_conninfo *a, const char *a_shown, const lc_conninfo *b,
                            const char *b_shown)
{
    char ida[1200], idb[1200];
    pg_database_id(a, ida, sizeof ida);
    pg_database_id(b, idb, sizeof idb);
    if (!strcmp(ida, idb))
        return 1;
    char sa[512], sb[512];
    pg_server_identity(ctx, a, a_shown, sa, sizeof sa);
    if (!sa[0])
        return 0;
    pg_server_identity(ctx, b, b_shown, sb, sizeof sb);
    return sb[0] && !strcmp(sa, sb);
}

/* Non-zero if table ("schema.table", or "table" in public) is one the PostGIS output writes: in
 * schema, named <prefix>... or, with an empty prefix, one of the layer names. */
static int pg_output_writes(const char *table, const char *schema, const char *prefix)
{
    static const char *const written[] = {"residential", "gaps", "service_areas", "units", "facilities",
                                          "summary", "proposals", LC_PG_METADATA, "catchments",
                                          "catchment_streets", "districts", "committees", "areas", "groups",
                                          NULL};
    const char *dot = strchr(table, '.');
    size_t slen = dot ? (size_t)(dot - table) : 6;
    const char *in_schema = dot ? table : "public", *name = dot ? dot + 1 : table;
    if (strlen(schema) != slen || strncmp(schema, in_schema, slen) != 0)
        return 0;
    if (*prefix)
        return !strncmp(name, prefix, strlen(prefix));
    for (size_t i = 0; written[i]; i++)
        if (!strcmp(name, written[i]))
            return 1;
    return 0;
}

/* Refuses a PostGIS output that would replace one of its own input tables: an input read from the
 * same database whose table — the layer it names, or any table its `sql` query reads as the
 * server's plan lists them (lc_layer_sql_table) — lies in the output schema under a name the
 * output writes (pg_output_writes). A re-run would drop the input half-way through. */
static lc_status check_pg_inputs_apart(lc_context *ctx, const char *target, const lc_output_options *o,
                                       const lc_results *r)
{
    const char *schema = o->schema ? o->schema : "public";
    const char *prefix = o->table_prefix ? o->table_prefix : LC_PG_DEFAULT_PREFIX;
    lc_conninfo *out_ci = NULL;
    char *out_shown = NULL;
    lc_status st = LC_OK;
    for (int k = 0; k < LC_LAYER_KIND_COUNT && st == LC_OK; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        /* The study's own string (the layer's source has its password masked). */
        char key[64];
        snprintf(key, sizeof key, "%s.path", lc_layer_kind_name((lc_layer_kind)k));
        const char *given = lc_study_get(r->study, key);
        if (!L || !lc_conninfo_is_pg(given))
            continue;
        const int is_sql = lc_layer_sql_table(L, 0) || !strcmp(lc_layer_name(L), "sql");
        const char *clash = NULL;
        for (size_t i = 0; !clash && (is_sql ? lc_layer_sql_table(L, i) != NULL : i == 0); i++) {
            const char *table = is_sql ? lc_layer_sql_table(L, i) : lc_layer_name(L);
            if (pg_output_writes(table, schema, prefix))
                clash = table;
        }
        if (!clash)
            continue; /* only a name that clashes is worth asking the servers about */
        if (!out_ci && (!(out_ci = lc_conninfo_parse(ctx, target, "the PostGIS output")) ||
                        !(out_shown = lc_conninfo_redact(ctx, target)))) {
            st = lc_context_errno(ctx);
            break;
        }
        char what[64];
        snprintf(what, sizeof what, "the %s input", lc_layer_kind_name((lc_layer_kind)k));
        lc_conninfo *in_ci = lc_conninfo_parse(ctx, given, what);
        if (!in_ci) {
            st = lc_context_errno(ctx);
            break;
        }
        if (pg_same_database(ctx, in_ci, lc_layer_source(L), out_ci, out_shown)) {
            if (is_sql)
                st = lc_error(ctx, LC_ERR_IO, "the PostGIS output (schema %s, table prefix '%s') would replace the "
                              "table %s that the %s input's query (%s.sql) reads: choose another --pg-schema or "
                              "--pg-prefix", schema, prefix, clash, lc_layer_kind_name((lc_layer_kind)k),
                              lc_layer_kind_name((lc_layer_kind)k));
            else
                st = lc_error(ctx, LC_ERR_IO, "the PostGIS output (schema %s, table prefix '%s') would replace the "
                              "%s input table %s: choose another --pg-schema or --pg-prefix", schema, prefix,
                              lc_layer_kind_name((lc_layer_kind)k), clash);
        }
        lc_conninfo_destroy(in_ci);
    }
    lc_conninfo_destroy(out_ci);
    free(out_shown);
    return st;
}

/* Refuses an output directory that holds an input file (or is one): --overwrite would delete it;
 * and a PostGIS output that would replace an input table (check_pg_inputs_apart). */
lc_status lc_check_inputs_outside(lc_context *ctx, const char *dir, const lc_output_options *o,
                                      const lc_results *r)
{
    if (o->format == LC_FORMAT_POSTGIS || lc_output_format_for(dir, o->format) == LC_FORMAT_POSTGIS)
        return check_pg_inputs_apart(ctx, dir, o, r);
    char *out = realpath(dir, NULL);
    if (!out)
        return LC_OK; /* the directory does not exist yet, so it holds nothing */
    size_t n = strlen(out);
    lc_status st = LC_OK;
    for (int k = 0; k < LC_LAYER_KIND_COUNT && st == LC_OK; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        char *in = L ? realpath(lc_layer_source(L), NULL) : NULL;
        if (in && !strncmp(in, out, n) && (in[n] == '/' || in[n] == '\0'))
            st = lc_error(ctx, LC_ERR_IO,
                          "output directory %s holds the %s input %s; writing there would replace it: choose "
                          "another output directory", dir, lc_layer_kind_name((lc_layer_kind)k), lc_layer_source(L));
        free(in);
    }
    free(out);
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
    catchments cm = {0};
    if (st == LC_OK)
        st = catchments_sum(ctx, r, &cm);
    if (st == LC_OK)
        st = write_facilities(ctx, out, r, &cm, &styles);
    t = log_layer_time(ctx, "units, facilities", t);
    if (st == LC_OK)
        st = write_catchments(ctx, out, r, &cm, &styles);
    t = log_layer_time(ctx, "catchments", t);
    catchments_free(&cm);
    if (st == LC_OK && lc_coverage_has_catchment_streets(r->coverage))
        st = write_catchment_streets(ctx, out, r, &styles);
    t = log_layer_time(ctx, "catchment_streets", t);
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
        st = write_summary(ctx, out, r); /* summary.csv for Shapefile and GeoJSON outputs */
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
    free(json);
    free(csv);
    if (st != LC_OK) {
        lc_output_abort(ctx, out); /* the step's error stays the context's */
        return NULL;
    }
    log_layer_time(ctx, "summary, styles", t);
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

/* summary of a `site` run: before/after per unit and for the whole area, as a table layer. LC_OK or
 * the writer's error. */
static lc_status write_site_summary(lc_context *ctx, lc_output *out, const lc_results *r, const lc_siting *s,
                                    size_t category)
{
    static const lc_field_def defs[] = {
        {"unit_id", "UNIT_ID", LC_FIELD_STRING, 80, 0, "街镇编号", "Unit id, or total", ""},
        {"unit_name", "UNIT_NAME", LC_FIELD_STRING, 80, 0, "街镇名称", "Unit name", ""},
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category sited", ""},
        {"demand", "DEMAND", LC_FIELD_REAL, 0, 1, "需求人口", "Demand (residents or registered 60+)", "people"},
        {"covered_before", "COV_BEF", LC_FIELD_REAL, 0, 1, "现状覆盖人口", "Covered before", "people"},
        {"covered_after", "COV_AFT", LC_FIELD_REAL, 0, 1, "建议后覆盖人口", "Covered after the proposals", "people"},
        {"share_before", "SHARE_BEF", LC_FIELD_REAL, 0, 4, "现状覆盖比例", "Coverage before", "share 0-1"},
        {"share_after", "SHARE_AFT", LC_FIELD_REAL, 0, 4, "建议后覆盖比例", "Coverage after", "share 0-1"},
        {"new_sites", "NEW_SITES", LC_FIELD_INTEGER, 0, 0, "新增设施数", "Proposed sites", ""},
        {"floor_per_1000_before", "FLR_BEF", LC_FIELD_REAL, 0, 2, "现状千人建筑面积", "Floor area per 1,000 before", "m²"},
        {"floor_per_1000_after", "FLR_AFT", LC_FIELD_REAL, 0, 2, "建议后千人建筑面积", "Floor area per 1,000 after", "m²"},
    };
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "summary", -1, defs, 11);
    if (!w)
        return lc_context_errno(ctx);
    lc_status st = LC_OK;
    const char *code = lc_profile_category(r->profile, category)->code;
    for (size_t row = 0; row < lc_siting_row_count(s) && st == LC_OK; row++) {
        const lc_siting_row *x = lc_siting_row_get(s, row);
        double pop = lc_indicators_population(r->indicators, row);
        lc_value v[11] = {str_value(row_id(r, row)), str_value(row_name(r, row)), str_value(code),
                          real_value(x->demand), real_value(x->covered_before), real_value(x->covered_after),
                          real_value(x->demand > 0 ? x->covered_before / x->demand : NAN),
                          real_value(x->demand > 0 ? x->covered_after / x->demand : NAN),
                          int_value((long long)x->new_sites),
                          real_value(pop > 0 ? 1000 * x->floor_area_before_m2 / pop : NAN),
                          real_value(pop > 0 ? 1000 * x->floor_area_after_m2 / pop : NAN)};
        st = lc_layer_writer_add(ctx, w, NULL, v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    return st == LC_OK ? cst : st;
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
    char *json = NULL;
    lc_qml_set styles;
    lc_qml_set_init(&styles, out, options->format, r->profile, category);
    lc_status st = lc_proposals_layer(ctx, out, r->inputs, r->profile, s, category, &styles);
    if (st == LC_OK)
        st = lc_qml_finish(ctx, &styles);
    lc_qml_set_free(&styles);
    if (st == LC_OK)
        st = write_site_summary(ctx, out, r, s, category);
    if (st == LC_OK && !(json = lc_summary_json(ctx, r, s, category)))
        st = lc_context_errno(ctx);
    if (st == LC_OK)
        st = lc_output_write_text(ctx, out, "summary.json", json);
    free(json);
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
