/*
 * outputs/levels_out.c — the administrative ladder in the outputs: the `committees`, `areas` and
 * `groups` layers (each unit of the level with its type, parent, residents and every presence norm
 * asked of it), their part of summary.json (`levels`: the units and, per norm, those lacking it) and
 * their rows of summary.csv (output_int.h: lc_summary_level_row). The 街镇 and 区 rows are written by
 * outputs/results.c; what the numbers are is queries/levels.c's.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* The layer of each level below the 街镇, its output name and the Chinese and English of a unit. */
static const struct {
    lc_level level;
    lc_layer_kind kind;
    const char *name, *zh, *en;
} sub_levels[] = {
    {LC_LEVEL_AREA, LC_LAYER_AREAS, "areas", "片区", "Area (片区)"},
    {LC_LEVEL_COMMITTEE, LC_LAYER_COMMITTEES, "committees", "居村", "Residents' or villagers' committee (居村)"},
    {LC_LEVEL_GROUP, LC_LAYER_GROUPS, "groups", "村民小组", "Village group (村民小组)"},
};
#define NSUB (sizeof sub_levels / sizeof sub_levels[0])

/* A committee's type in both languages, "" when unknown. */
const char *lc_level_type_text(const lc_indicators *ind, lc_level level, size_t i)
{
    if (level == LC_LEVEL_COMMITTEE || level == LC_LEVEL_GROUP) {
        int t = lc_indicators_level_villagers(ind, level, i);
        return t == 1 ? "村委会 villagers' committee" : t == 0 ? "居委会 residents' committee" : "";
    }
    if (level == LC_LEVEL_UNIT || level == LC_LEVEL_AREA) {
        int t = lc_indicators_level_rural(ind, level, i);
        return t == 1 ? "镇/乡 rural" : t == 0 ? "街道 urban" : "";
    }
    return "";
}

/* The id of unit i of level l (NULL for -1). */
const char *lc_level_id(const lc_results *r, lc_level level, long i)
{
    static const lc_layer_kind kinds[LC_LEVEL_COUNT] = {LC_LAYER_DISTRICTS, LC_LAYER_UNITS, LC_LAYER_AREAS,
                                                        LC_LAYER_COMMITTEES, LC_LAYER_GROUPS};
    if (i < 0 || (unsigned)level >= LC_LEVEL_COUNT)
        return NULL;
    const lc_feature *f = lc_layer_feature(lc_inputs_layer(r->inputs, kinds[level]), (size_t)i);
    return f ? f->id : NULL;
}

/* Whether norm k is a presence norm asked of level l. */
static int norm_at(const lc_profile *p, size_t k, lc_level l)
{
    const lc_norm *n = lc_profile_norm(p, k);
    return n->kind == LC_NORM_UNIT_PRESENCE && n->level == l;
}

static const char *pass_of(int meets)
{
    return meets == 1 ? "pass" : meets == 0 ? "fail" : "n/a";
}

/* One level's layer: every unit with its type, 街镇 (or committee), district, residents and
 * households, and per presence norm at the level the facilities counting, pass and how many lack. */
static lc_status write_level(lc_context *ctx, lc_output *out, const lc_results *r, size_t s, lc_qml_set *styles)
{
    const lc_layer *L = lc_inputs_layer(r->inputs, sub_levels[s].kind);
    lc_level lev = sub_levels[s].level;
    if (!L)
        return LC_OK;
    int districts = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) != NULL;
    const lc_indicators *ind = r->indicators;
    field_list fl = {0};
    lc_status st = LC_OK;
    size_t nnorm = lc_profile_norm_count(r->profile);
    st |= add_field(ctx, &fl, "id", "ID", LC_FIELD_STRING, own(ctx, &fl, "%s编号", sub_levels[s].zh),
                    own(ctx, &fl, "%s id", sub_levels[s].en), "");
    st |= add_field(ctx, &fl, "name", "NAME", LC_FIELD_STRING, own(ctx, &fl, "%s名称", sub_levels[s].zh), "Name", "");
    if (lev == LC_LEVEL_COMMITTEE || lev == LC_LEVEL_GROUP)
        st |= add_field(ctx, &fl, "type", "TYPE", LC_FIELD_STRING, "类型(居委会/村委会)",
                        "Type: residents' (居委会) or villagers' (村委会) committee", "");
    if (lev == LC_LEVEL_GROUP)
        st |= add_field(ctx, &fl, "committee", "COMMITTEE", LC_FIELD_STRING, "所属居村", "Committee (居村) it lies in",
                        "");
    st |= add_field(ctx, &fl, "unit", "UNIT", LC_FIELD_STRING, "所属街镇", "街镇 it lies in", "");
    st |= add_field(ctx, &fl, "rural", "RURAL", LC_FIELD_STRING, "街镇类型(街道/镇乡)",
                    "Whether its 街镇 is a rural 镇/乡 or a 街道", "");
    if (districts)
        st |= add_field(ctx, &fl, "district", "DISTRICT", LC_FIELD_STRING, "所属区", "District (区) it lies in", "");
    st |= add_field(ctx, &fl, "population", "POP", LC_FIELD_REAL, "常住人口", "Resident population", "people");
    st |= add_field(ctx, &fl, "population_source", "POP_SRC", LC_FIELD_STRING, "人口来源",
                    "Where the population comes from: its field or its residential compounds", "");
    st |= add_field(ctx, &fl, "households", "HH", LC_FIELD_REAL, "户数", "Households", "households");
    for (size_t k = 0; k < nnorm && st == LC_OK; k++) {
        if (!norm_at(r->profile, k, lev))
            continue;
        const lc_norm *n = lc_profile_norm(r->profile, k);
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_count", n->code), own(ctx, &fl, "N%zu_N", k + 1), LC_FIELD_INTEGER,
                        own(ctx, &fl, "%s (设施数)", n->zh), own(ctx, &fl, "%s (facilities counting)", n->en), "");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_pass", n->code), own(ctx, &fl, "N%zu_PASS", k + 1),
                        LC_FIELD_STRING, own(ctx, &fl, "%s (是否达标: pass/fail/n/a)", n->zh),
                        own(ctx, &fl, "%s (pass, fail or n/a: not asked of it)", n->en), "");
        st |= add_field(ctx, &fl, own(ctx, &fl, "%s_shortfall", n->code), own(ctx, &fl, "N%zu_SHORT", k + 1),
                        LC_FIELD_INTEGER, own(ctx, &fl, "%s (缺少设施数)", n->zh),
                        own(ctx, &fl, "%s (facilities missing)", n->en), "facilities");
    }
    if (st != LC_OK) {
        fields_free(&fl);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory describing the %s layer", sub_levels[s].name);
    }
    lc_layer_writer *w = lc_output_layer_create(ctx, out, sub_levels[s].name, GEOS_MULTIPOLYGON, fl.defs, fl.n);
    lc_value *v = w ? lc_calloc(ctx, fl.n, sizeof *v) : NULL;
    st = w && v ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < lc_layer_count(L) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(L, i);
        size_t k = 0;
        v[k++] = str_value(f->id);
        v[k++] = str_value(f->name);
        if (lev == LC_LEVEL_COMMITTEE || lev == LC_LEVEL_GROUP)
            v[k++] = str_value(*lc_level_type_text(ind, lev, i) ? lc_level_type_text(ind, lev, i) : NULL);
        if (lev == LC_LEVEL_GROUP)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_COMMITTEE, lc_indicators_level_parent(ind, lev, i)));
        v[k++] = str_value(lc_level_id(r, LC_LEVEL_UNIT, lc_indicators_level_unit(ind, lev, i)));
        int rural = lc_indicators_level_rural(ind, lev, i);
        v[k++] = str_value(rural == 1 ? "镇/乡 rural" : rural == 0 ? "街道 urban" : NULL);
        if (districts)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_DISTRICT, lc_indicators_level_district(ind, lev, i)));
        v[k++] = real_value(lc_indicators_level_population(ind, lev, i));
        v[k++] = str_value(lc_indicators_level_population_from_field(ind, lev, i) ? "field" : "residential");
        v[k++] = real_value(lc_indicators_level_households(ind, lev, i));
        for (size_t n = 0; n < nnorm; n++) {
            if (!norm_at(r->profile, n, lev))
                continue;
            int m = lc_indicators_level_meets(ind, lev, i, n);
            size_t have = lc_indicators_level_facilities(ind, lev, i, n);
            double need = lc_profile_norm(r->profile, n)->min_count;
            v[k++] = int_value((long long)have);
            v[k++] = str_value(pass_of(m));
            v[k] = int_value(m == 0 ? (long long)(need - (double)have) : 0);
            v[k++].is_null = m < 0;
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    free(v);
    if (w) {
        lc_status cst = lc_layer_writer_close(ctx, w);
        st = st == LC_OK ? cst : st;
    }
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, sub_levels[s].name, LC_QML_OUTLINE, /* labelled with the name */
                        &(lc_qml_layer){.fields = fl.defs, .nfields = fl.n, .key = 1});
    fields_free(&fl);
    return st;
}

lc_status lc_levels_write_layers(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles)
{
    lc_status st = LC_OK;
    for (size_t s = 0; s < NSUB && st == LC_OK; s++)
        st = write_level(ctx, out, r, s, styles);
    return st;
}

json_t *lc_levels_json(const lc_results *r)
{
    const lc_indicators *ind = r->indicators;
    size_t nnorm = lc_profile_norm_count(r->profile);
    json_t *levels = json_object();
    for (size_t s = 0; s < NSUB; s++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, sub_levels[s].kind);
        lc_level lev = sub_levels[s].level;
        if (!L)
            continue;
        json_t *units = json_array(), *lacking = json_object();
        for (size_t i = 0; i < lc_layer_count(L); i++) {
            const lc_feature *f = lc_layer_feature(L, i);
            json_t *pres = json_object();
            for (size_t k = 0; k < nnorm; k++) {
                if (!norm_at(r->profile, k, lev))
                    continue;
                int m = lc_indicators_level_meets(ind, lev, i, k);
                json_object_set_new(pres, lc_profile_norm(r->profile, k)->code,
                                    json_pack("{s:I, s:s}", "facilities",
                                              (json_int_t)lc_indicators_level_facilities(ind, lev, i, k), "pass",
                                              pass_of(m)));
            }
            const char *unit = lc_level_id(r, LC_LEVEL_UNIT, lc_indicators_level_unit(ind, lev, i));
            const char *dist = lc_level_id(r, LC_LEVEL_DISTRICT, lc_indicators_level_district(ind, lev, i));
            const char *parent = lev == LC_LEVEL_GROUP
                                     ? lc_level_id(r, LC_LEVEL_COMMITTEE, lc_indicators_level_parent(ind, lev, i))
                                     : unit;
            double pop = lc_indicators_level_population(ind, lev, i), hh = lc_indicators_level_households(ind, lev, i);
            json_t *o = json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s*, s:o, s:s, s:o, s:o}", "id", f->id, "name",
                                  f->name ? f->name : f->id, "type", lc_level_type_text(ind, lev, i), "parent", parent,
                                  "unit", unit, "district", dist,
                                  "population", isfinite(pop) ? json_real(pop) : json_null(), "population_source",
                                  lc_indicators_level_population_from_field(ind, lev, i) ? "field" : "residential",
                                  "households", isfinite(hh) ? json_real(hh) : json_null(), "presence", pres);
            json_array_append_new(units, o);
        }
        for (size_t k = 0; k < nnorm; k++) {
            if (!norm_at(r->profile, k, lev))
                continue;
            json_t *ids = json_array();
            for (size_t i = 0; i < lc_layer_count(L); i++)
                if (lc_indicators_level_meets(ind, lev, i, k) == 0)
                    json_array_append_new(ids, json_string(lc_layer_feature(L, i)->id));
            json_object_set_new(lacking, lc_profile_norm(r->profile, k)->code, ids);
        }
        json_object_set_new(levels, sub_levels[s].name,
                            json_pack("{s:s, s:s, s:s, s:o, s:o}", "level", lc_level_name(lev), "zh", sub_levels[s].zh,
                                      "en", sub_levels[s].en, "units", units, "lacking", lacking));
    }
    return levels;
}

size_t lc_summary_level_rows(const lc_results *r)
{
    size_t n = 0, nnorm = lc_profile_norm_count(r->profile);
    for (size_t s = 0; s < NSUB; s++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, sub_levels[s].kind);
        for (size_t k = 0; L && k < nnorm; k++)
            if (norm_at(r->profile, k, sub_levels[s].level))
                for (size_t i = 0; i < lc_layer_count(L); i++)
                    n += lc_indicators_level_meets(r->indicators, sub_levels[s].level, i, k) >= 0;
    }
    return n;
}

int lc_summary_level_row(const lc_results *r, size_t row, lc_summary_row *out)
{
    size_t nnorm = lc_profile_norm_count(r->profile);
    for (size_t s = 0; s < NSUB; s++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, sub_levels[s].kind);
        lc_level lev = sub_levels[s].level;
        for (size_t k = 0; L && k < nnorm; k++) {
            if (!norm_at(r->profile, k, lev))
                continue;
            for (size_t i = 0; i < lc_layer_count(L); i++) {
                int m = lc_indicators_level_meets(r->indicators, lev, i, k);
                if (m < 0 || row--)
                    continue;
                const lc_feature *f = lc_layer_feature(L, i);
                const lc_norm *n = lc_profile_norm(r->profile, k);
                double have = (double)lc_indicators_level_facilities(r->indicators, lev, i, k);
                *out = (lc_summary_row){
                    .level = lc_level_name(lev), .id = f->id, .name = f->name ? f->name : f->id,
                    .parent = lev == LC_LEVEL_GROUP
                                  ? lc_level_id(r, LC_LEVEL_COMMITTEE, lc_indicators_level_parent(r->indicators, lev, i))
                                  : lc_level_id(r, LC_LEVEL_UNIT, lc_indicators_level_unit(r->indicators, lev, i)),
                    .district = lc_level_id(r, LC_LEVEL_DISTRICT, lc_indicators_level_district(r->indicators, lev, i)),
                    .norm = k,
                    .x = {.value = m, .target = 1, .pass = m, .shortfall = m ? 0 : n->min_count - have,
                          .shortfall_unit = "facilities", .numerator = have, .denominator = n->min_count}};
                return 0;
            }
        }
    }
    return -1;
}
