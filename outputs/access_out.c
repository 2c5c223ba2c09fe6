/*
 * outputs/access_out.c — the supply-demand accessibility of a check (include/lifecircle/access.h)
 * written out: the `accessibility` layer (every compound with its demand, its ratio per 100 persons
 * and the share of the target it meets, per profile entry, styled red → green on the first entry
 * with a target), the `supply` layer (every supplying facility with its capacity, the demand within
 * its reach, its supply ratio and whether it is over-subscribed), and the "accessibility" section of
 * summary.json (per entry: method, weights, source, and per 街镇 and the whole area the
 * demand-weighted ratio and the demand living below the target). The computing is queries/access.c.
 *
 * Short names (Shapefile): entry k (1-based, profile order) as A<k>_DEM, A<k>_P100, A<k>_MET,
 * A<k>_SHORT (compounds) and A<k>_CAP, A<k>_DEM, A<k>_R100, A<k>_OVER (facilities).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/access.h"
#include "lifecircle/results.h"
#include "outputs/access_out_int.h"
#include "outputs/citations_int.h"
#include "outputs/output_int.h"

/* The Chinese and English names of what an entry's capacity and demand count. */
static const char *capacity_zh(lc_access_capacity c)
{
    static const char *const zh[] = {"日供餐数", "养老床位", "护理型床位", "日托位"};
    return (unsigned)c < 4 ? zh[c] : "容量";
}

static const char *capacity_en(lc_access_capacity c)
{
    static const char *const en[] = {"meals per day", "care beds", "nursing-type beds", "day-care places"};
    return (unsigned)c < 4 ? en[c] : "capacity";
}

static const char *demand_zh(lc_access_demand d)
{
    static const char *const zh[] = {"常住人口", "60岁以上户籍老人", "65岁以上户籍老人"};
    return (unsigned)d < 3 ? zh[d] : "人口";
}

static const char *demand_en(lc_access_demand d)
{
    static const char *const en[] = {"residents", "registered 60+", "registered 65+"};
    return (unsigned)d < 3 ? en[d] : "persons";
}

/* The share of the target t a compound's A meets, 0..1 (NAN without a target or demand). */
static double target_met(double t, double A)
{
    return isfinite(t) && t > 0 && isfinite(A) ? fmin(1.0, A / t) : NAN;
}

/* The id of unit u, or NULL for -1. */
static const char *unit_id(const lc_results *r, long u)
{
    return u >= 0 ? lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_UNITS), (size_t)u)->id : NULL;
}

/* accessibility: one feature per compound. */
static lc_status write_compounds(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    const lc_access *acc = r->access;
    size_t ns = lc_access_count(acc), key = 0;
    int keyed = 0;
    field_list fl = {0};
    lc_status st = LC_OK;
    st |= add_field(ctx, &fl, "id", "ID", LC_FIELD_STRING, "小区编号", "Residential compound id", "");
    st |= add_field(ctx, &fl, "name", "NAME", LC_FIELD_STRING, "小区名称", "Name", "");
    st |= add_field(ctx, &fl, "unit", "UNIT", LC_FIELD_STRING, "所属街镇", "街镇 holding most of it", "");
    for (size_t s = 0; s < ns && st == LC_OK; s++) {
        const lc_access_spec *a = lc_access_spec_of(acc, s);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_demand", a->code), own(ctx, &fl, "A%zu_DEM", s + 1), LC_FIELD_REAL,
                        own(ctx, &fl, "需求人口 (%s)", demand_zh(a->demand)),
                        own(ctx, &fl, "Demand (%s)", demand_en(a->demand)), "persons");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_per%g", a->code, a->per), own(ctx, &fl, "A%zu_P100", s + 1),
                        LC_FIELD_REAL, own(ctx, &fl, "%s: 可达范围内每%g名%s的%s", a->zh, a->per, demand_zh(a->demand),
                                           capacity_zh(a->capacity)),
                        own(ctx, &fl, "%s: %s within reach per %g %s (%s)", a->en, capacity_en(a->capacity), a->per,
                            demand_en(a->demand), a->method == LC_ACCESS_2SFCA ? "2SFCA" : "E2SFCA"),
                        own(ctx, &fl, "%s per %g persons", capacity_en(a->capacity), a->per));
        if (!keyed && lc_access_has_target(acc, s)) {
            key = fl.n;
            keyed = 1;
        }
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_target_met", a->code), own(ctx, &fl, "A%zu_MET", s + 1),
                        LC_FIELD_REAL, own(ctx, &fl, "%s: 达到目标的比例 (可达性 / 目标, 至多1)", a->zh),
                        own(ctx, &fl, "%s: share of the target met (ratio / target, at most 1)", a->en), "share 0-1");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_short", a->code), own(ctx, &fl, "A%zu_SHORT", s + 1),
                        LC_FIELD_INTEGER, own(ctx, &fl, "%s: 低于目标 (1 = 是)", a->zh),
                        own(ctx, &fl, "%s: below the target (1 = yes)", a->en), "");
    }
    if (st != LC_OK) {
        fields_free(&fl);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory describing the accessibility layer");
    }
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    int points = lc_layer_is_points(res);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "accessibility", points ? GEOS_POINT : GEOS_MULTIPOLYGON,
                                                fl.defs, fl.n);
    lc_value *v = w ? lc_calloc(ctx, fl.n, sizeof *v) : NULL;
    st = w && v ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_layer_count(res) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        size_t k = 0;
        v[k++] = str_value(f->id);
        v[k++] = str_value(f->name);
        v[k++] = str_value(unit_id(r, lc_indicators_residential_unit(r->indicators, i)));
        for (size_t s = 0; s < ns; s++) {
            const lc_access_spec *a = lc_access_spec_of(acc, s);
            double A = lc_access_compound(acc, s, i), t = lc_access_compound_target(acc, s, i);
            v[k++] = real_value(lc_access_demand_of(a, f));
            v[k++] = real_value(A * a->per);
            v[k++] = real_value(target_met(t, A));
            v[k++] = isfinite(t) && isfinite(A) ? int_value(A < t) : (lc_value){.is_null = 1};
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    free(v);
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK && keyed)
        st = lc_qml_add(ctx, styles, "accessibility", points ? LC_QML_SHARE_POINT : LC_QML_SHARE,
                        &(lc_qml_layer){.fields = fl.defs, .nfields = fl.n, .key = key});
    fields_free(&fl);
    return st;
}

/* supply: one feature per facility that supplies some entry. */
static lc_status write_supply(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    const lc_access *acc = r->access;
    size_t ns = lc_access_count(acc);
    field_list fl = {0};
    lc_status st = LC_OK;
    st |= add_field(ctx, &fl, "id", "ID", LC_FIELD_STRING, "设施编号", "Facility id", "");
    st |= add_field(ctx, &fl, "name", "NAME", LC_FIELD_STRING, "设施名称", "Name", "");
    st |= add_field(ctx, &fl, "category", "CATEGORY", LC_FIELD_STRING, "设施类别代码", "Category code", "");
    st |= add_field(ctx, &fl, "category_zh", "CAT_ZH", LC_FIELD_STRING, "设施类别", "Category (Chinese)", "");
    st |= add_field(ctx, &fl, "category_en", "CAT_EN", LC_FIELD_STRING, "设施类别(英文)", "Category (English)", "");
    for (size_t s = 0; s < ns && st == LC_OK; s++) {
        const lc_access_spec *a = lc_access_spec_of(acc, s);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_capacity", a->code), own(ctx, &fl, "A%zu_CAP", s + 1),
                        LC_FIELD_REAL, own(ctx, &fl, "%s: %s", a->zh, capacity_zh(a->capacity)),
                        own(ctx, &fl, "%s: %s", a->en, capacity_en(a->capacity)), capacity_en(a->capacity));
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_demand", a->code), own(ctx, &fl, "A%zu_DEM", s + 1), LC_FIELD_REAL,
                        own(ctx, &fl, "%s: 可达范围内的需求 (%s, 按距离衰减加权)", a->zh, demand_zh(a->demand)),
                        own(ctx, &fl, "%s: demand within reach (%s, distance-weighted)", a->en, demand_en(a->demand)),
                        "persons");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_ratio_per%g", a->code, a->per), own(ctx, &fl, "A%zu_R100", s + 1),
                        LC_FIELD_REAL, own(ctx, &fl, "%s: 供需比 (每%g人的%s)", a->zh, a->per, capacity_zh(a->capacity)),
                        own(ctx, &fl, "%s: supply ratio (%s per %g persons of demand)", a->en, capacity_en(a->capacity),
                            a->per), own(ctx, &fl, "%s per %g persons", capacity_en(a->capacity), a->per));
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_over", a->code), own(ctx, &fl, "A%zu_OVER", s + 1),
                        LC_FIELD_INTEGER, own(ctx, &fl, "%s: 超负荷 (供需比低于目标, 1 = 是)", a->zh),
                        own(ctx, &fl, "%s: over-subscribed (supply ratio below the target, 1 = yes)", a->en), "");
    }
    if (st != LC_OK) {
        fields_free(&fl);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory describing the supply layer");
    }
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "supply", GEOS_POINT, fl.defs, fl.n);
    lc_value *v = w ? lc_calloc(ctx, fl.n, sizeof *v) : NULL;
    st = w && v ? LC_OK : lc_context_errno(ctx);
    for (size_t j = 0; j < lc_layer_count(fac) && st == LC_OK; j++) {
        const lc_feature *f = lc_layer_feature(fac, j);
        int any = 0;
        for (size_t s = 0; s < ns; s++)
            any |= lc_access_facility_get(acc, s, j)->supplies;
        if (!any)
            continue;
        const lc_category *cat = f->category >= 0 ? lc_profile_category(r->profile, (size_t)f->category) : NULL;
        size_t k = 0;
        v[k++] = str_value(f->id);
        v[k++] = str_value(f->name);
        v[k++] = str_value(cat ? cat->code : NULL);
        v[k++] = str_value(cat ? cat->name_zh : NULL);
        v[k++] = str_value(cat ? cat->name_en : NULL);
        for (size_t s = 0; s < ns; s++) {
            const lc_access_spec *a = lc_access_spec_of(acc, s);
            const lc_access_facility *F = lc_access_facility_get(acc, s, j);
            v[k++] = real_value(F->supply);
            v[k++] = F->supplies ? real_value(F->demand) : (lc_value){.is_null = 1};
            v[k++] = real_value(F->ratio * a->per);
            v[k++] = F->supplies && isfinite(F->target) && F->demand > 0 ? int_value(F->over) : (lc_value){.is_null = 1};
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    free(v);
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, "supply", LC_QML_CATEGORY_POINT,
                        &(lc_qml_layer){.fields = fl.defs, .nfields = fl.n, .key = 2});
    fields_free(&fl);
    return st;
}

lc_status lc_access_write_layers(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    if (!r->access || !lc_access_count(r->access))
        return LC_OK;
    lc_status st = write_compounds(ctx, out, r, styles);
    return st == LC_OK ? write_supply(ctx, out, r, styles) : st;
}

/* A number, or null when not finite. */
static json_t *jnum(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

json_t *lc_access_summary_json(const lc_results *r)
{
    const lc_access *acc = r->access;
    if (!acc || !lc_access_count(acc))
        return NULL;
    json_t *all = json_array();
    const lc_layer *units = lc_inputs_layer(r->inputs, LC_LAYER_UNITS);
    size_t nunits = lc_indicators_row_count(r->indicators) - 1, total = lc_indicators_total_row(r->indicators);
    for (size_t s = 0; s < lc_access_count(acc); s++) {
        const lc_access_spec *a = lc_access_spec_of(acc, s);
        json_t *e = json_object();
        json_object_set_new(e, "code", json_string(a->code));
        json_object_set_new(e, "zh", json_string(a->zh));
        json_object_set_new(e, "en", json_string(a->en));
        json_object_set_new(e, "method", json_string(a->method == LC_ACCESS_2SFCA ? "2SFCA" : "E2SFCA"));
        json_object_set_new(e, "capacity", json_string(lc_access_capacity_name(a->capacity)));
        json_object_set_new(e, "demand", json_string(lc_access_demand_name(a->demand)));
        json_t *cats = json_array();
        for (size_t k = 0; k < a->ncategories; k++)
            json_array_append_new(cats, json_string(lc_profile_category(r->profile, (size_t)a->categories[k])->code));
        json_object_set_new(e, "categories", cats);
        if (a->weights == LC_WEIGHTS_STEPPED) {
            json_t *steps = json_array();
            for (size_t k = 0; k < a->nsteps; k++)
                json_array_append_new(steps, json_pack("{s:f, s:f}", "up_to_m", a->step_m[k], "weight", a->step_w[k]));
            json_object_set_new(e, "weights", json_pack("{s:s, s:o}", "kind", "stepped", "bands", steps));
        } else if (a->weights == LC_WEIGHTS_GAUSSIAN) {
            json_object_set_new(e, "weights", json_pack("{s:s, s:f}", "kind", "gaussian", "sigma_m", a->sigma_m));
        } else {
            json_object_set_new(e, "weights", json_pack("{s:s}", "kind", "none (1 within reach)"));
        }
        json_object_set_new(e, "target_per_person", jnum(a->target));
        json_object_set_new(e, "per", json_real(a->per));
        json_object_set_new(e, "norm", a->norm >= 0 ? json_string(lc_profile_norm(r->profile, (size_t)a->norm)->code)
                                                    : json_null());
        json_object_set_new(e, "source", json_string(a->source));
        json_object_set_new(e, "source_document", lc_cite_json(a->source));
        json_object_set_new(e, "has_demand", json_boolean(lc_access_has_demand(acc, s)));
        json_object_set_new(e, "over_subscribed_facilities", json_integer((json_int_t)lc_access_over_count(acc, s)));
        json_t *rows = json_array();
        for (size_t row = 0; row <= nunits && row < lc_access_row_count(acc); row++) {
            const lc_feature *uf = row < total && units ? lc_layer_feature(units, row) : NULL;
            json_array_append_new(rows, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "unit",
                                                  uf ? json_string(uf->id) : json_string("total"), "name",
                                                  uf && uf->name ? json_string(uf->name) : json_null(), "ratio",
                                                  jnum(lc_access_row_value(acc, s, row) * a->per), "target",
                                                  jnum(lc_access_row_target(acc, s, row) * a->per), "demand",
                                                  jnum(lc_access_row_demand(acc, s, row)), "demand_below_target",
                                                  jnum(lc_access_has_target(acc, s) ? lc_access_row_short(acc, s, row)
                                                                                    : NAN)));
        }
        json_object_set_new(e, "rows", rows);
        json_array_append_new(all, e);
    }
    return all;
}
