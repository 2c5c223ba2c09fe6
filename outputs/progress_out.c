/*
 * outputs/progress_out.c — the tables of `lifecircle progress` (issue 16): progress.csv (through
 * outputs/csv.c), progress.xlsx (outputs/xlsx.c) and progress.json, one row per (街镇, whole area, 区
 * or 居村, norm) with a column per year, the target, the paces, the year the target is reached, the
 * row's level and the unit it lies in (a 居村 only for the presence norms asked of it). The
 * values and paces are computed in queries/trend.c; the run that measures each year is
 * run/run_progress.c. Headers are Chinese and English; all three files hold the same numbers.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"

#define FIXED_BEFORE 6 /* unit_id unit_name norm 指标 indicator unit */
#define FIXED_AFTER 9  /* target target_year pace_needed pace_achieved reached_year status 状态 level parent */

/* The row's id and name: the 街镇's, 区's or 居村's, or "total" and the whole area. Borrowed. */
static void row_label(const lc_inputs *in, const lc_trend *t, size_t row, const char **id, const char **name)
{
    size_t i;
    lc_trend_row_kind kind = lc_trend_row_kind_of(t, row, &i);
    if (kind == LC_TREND_ROW_TOTAL) {
        *id = "total";
        *name = "全区 whole study area";
        return;
    }
    lc_layer_kind layer = kind == LC_TREND_ROW_DISTRICT    ? LC_LAYER_DISTRICTS
                          : kind == LC_TREND_ROW_COMMITTEE ? LC_LAYER_COMMITTEES
                                                           : LC_LAYER_UNITS;
    const lc_feature *f = lc_layer_feature(lc_inputs_layer(in, layer), i);
    *id = f->id;
    *name = f->name ? f->name : f->id;
}

/* The id of the unit row lies in (a 街镇's 区, a 居村's 街镇), NULL when none. Borrowed. */
static const char *parent_id(const lc_inputs *in, const lc_trend *t, size_t row)
{
    long p = lc_trend_row_parent(t, row);
    const char *id = NULL, *name;
    if (p >= 0)
        row_label(in, t, (size_t)p, &id, &name);
    return id;
}

/* Whether (row, norm) is listed: every norm of a 街镇, the whole area and a 区; of a 居村 the presence
 * norms asked of it (a value in some year). */
static int listed(const lc_trend *t, size_t row, size_t norm)
{
    if (lc_trend_row_kind_of(t, row, NULL) != LC_TREND_ROW_COMMITTEE)
        return 1;
    lc_trend_cell c;
    lc_trend_cell_get(t, row, norm, &c);
    for (size_t y = 0; y < lc_trend_year_count(t); y++)
        if (isfinite(c.values[y]))
            return 1;
    return 0;
}

/* The unit of a norm's values. */
static const char *value_unit(const lc_norm *n)
{
    return n->kind == LC_NORM_FLOOR_AREA ? "m²/千人 m² per 1,000 residents" : "比例 share 0–1";
}

/* The header of column i of the table with ny years: Chinese and English. year_buf holds a year's. */
static void column_head(const lc_trend *t, size_t i, char *zh, char *en, size_t size)
{
    static const char *const before[FIXED_BEFORE][2] = {
        {"编号", "unit_id"}, {"名称", "unit_name"}, {"指标代码", "norm"}, {"指标", "indicator (Chinese)"},
        {"指标(英文)", "indicator"}, {"单位", "unit"}};
    static const char *const after[FIXED_AFTER][2] = {
        {"目标", "target"}, {"目标年份", "target_year"}, {"所需年均进度", "pace_needed_per_year"},
        {"实际年均进度(最小二乘)", "pace_achieved_per_year (least squares)"},
        {"按当前进度达标年份", "reached_in_year"}, {"状态", "status"}, {"状态(中文)", "status (Chinese)"},
        {"层级", "level"}, {"上级编号", "parent_id"}};
    size_t ny = lc_trend_year_count(t);
    if (i < FIXED_BEFORE) {
        snprintf(zh, size, "%s", before[i][0]);
        snprintf(en, size, "%s", before[i][1]);
    } else if (i < FIXED_BEFORE + ny) {
        snprintf(zh, size, "%d年", lc_trend_year(t, i - FIXED_BEFORE));
        snprintf(en, size, "%d", lc_trend_year(t, i - FIXED_BEFORE));
    } else {
        snprintf(zh, size, "%s", after[i - FIXED_BEFORE - ny][0]);
        snprintf(en, size, "%s", after[i - FIXED_BEFORE - ny][1]);
    }
}

/* The cells of table row (row, norm) into v (FIXED_BEFORE + years + FIXED_AFTER values; strings
 * borrowed from the inputs, the profile and the trend). */
static void table_row(const lc_trend *t, const lc_inputs *in, const lc_profile *p, size_t row, size_t norm,
                      lc_value *v)
{
    const lc_norm *n = lc_profile_norm(p, norm);
    const char *id, *name;
    row_label(in, t, row, &id, &name);
    lc_trend_cell c;
    lc_trend_cell_get(t, row, norm, &c);
    size_t ny = lc_trend_year_count(t), i = 0;
    v[i++] = (lc_value){.s = id};
    v[i++] = (lc_value){.s = name};
    v[i++] = (lc_value){.s = n->code};
    v[i++] = (lc_value){.s = n->zh};
    v[i++] = (lc_value){.s = n->en};
    v[i++] = (lc_value){.s = value_unit(n)};
    for (size_t y = 0; y < ny; y++)
        v[i++] = (lc_value){.is_null = !isfinite(c.values[y]), .d = c.values[y]};
    v[i++] = (lc_value){.is_null = !isfinite(c.target), .d = c.target};
    v[i++] = (lc_value){.i = lc_trend_target_year(t)};
    v[i++] = (lc_value){.is_null = !isfinite(c.pace_needed), .d = c.pace_needed};
    v[i++] = (lc_value){.is_null = !isfinite(c.pace_achieved), .d = c.pace_achieved};
    v[i++] = (lc_value){.is_null = !isfinite(c.reached_year), .i = isfinite(c.reached_year) ? (long long)c.reached_year : 0};
    v[i++] = (lc_value){.s = lc_trend_status_en(c.status)};
    v[i++] = (lc_value){.s = lc_trend_status_zh(c.status)};
    v[i++] = (lc_value){.s = lc_trend_row_kind_name(lc_trend_row_kind_of(t, row, NULL))};
    const char *parent = parent_id(in, t, row);
    v[i++] = (lc_value){.is_null = !parent, .s = parent};
}

/* The type of column i. */
static lc_field_type column_type(const lc_trend *t, size_t i)
{
    size_t ny = lc_trend_year_count(t);
    if (i < FIXED_BEFORE)
        return LC_FIELD_STRING;
    if (i < FIXED_BEFORE + ny)
        return LC_FIELD_REAL;
    size_t a = i - FIXED_BEFORE - ny;
    return a == 1 || a == 4 ? LC_FIELD_INTEGER : a >= 5 ? LC_FIELD_STRING : LC_FIELD_REAL;
}

char *lc_progress_csv(lc_context *ctx, const lc_trend *t, const lc_inputs *in, const lc_profile *profile)
{
    if (!t || !in || !profile) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_progress_csv: a trend, its inputs and profile");
        return NULL;
    }
    size_t ncol = FIXED_BEFORE + lc_trend_year_count(t) + FIXED_AFTER;
    lc_value *v = lc_calloc(ctx, ncol, sizeof *v);
    if (!v)
        return NULL;
    lc_csv c;
    lc_status st = lc_csv_begin(ctx, &c);
    for (size_t i = 0; i < ncol && st == LC_OK; i++) {
        char zh[96], en[96], head[200];
        column_head(t, i, zh, en, sizeof zh);
        snprintf(head, sizeof head, "%s %s", zh, en);
        st = lc_csv_text(ctx, &c, head, i == 0);
    }
    st = st ? st : lc_csv_end_row(ctx, &c);
    for (size_t row = 0; row < lc_trend_row_count(t) && st == LC_OK; row++)
        for (size_t k = 0; k < lc_trend_norm_count(t) && st == LC_OK; k++) {
            if (!listed(t, row, k))
                continue;
            table_row(t, in, profile, row, k, v);
            for (size_t i = 0; i < ncol && st == LC_OK; i++) {
                lc_field_type ty = column_type(t, i);
                if (v[i].is_null)
                    st = lc_csv_text(ctx, &c, NULL, i == 0);
                else if (ty == LC_FIELD_STRING)
                    st = lc_csv_text(ctx, &c, v[i].s, i == 0);
                else if (ty == LC_FIELD_INTEGER)
                    st = lc_csv_integer(ctx, &c, v[i].i, i == 0);
                else
                    st = lc_csv_real(ctx, &c, v[i].d, i == 0);
            }
            st = st ? st : lc_csv_end_row(ctx, &c);
        }
    free(v);
    if (st != LC_OK) {
        lc_csv_free(&c);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing progress.csv");
        return NULL;
    }
    return c.text;
}

/* progress.xlsx: the table of progress.csv on sheet 进度 progress. LC_OK or the error. */
static lc_status progress_xlsx(lc_context *ctx, lc_output *out, const lc_trend *t, const lc_inputs *in,
                               const lc_profile *profile)
{
    size_t ncol = FIXED_BEFORE + lc_trend_year_count(t) + FIXED_AFTER;
    if (ncol > LC_XLSX_MAX_COLUMNS)
        return lc_error(ctx, LC_ERR_MISUSE, "progress.xlsx: %zu years do not fit one sheet", lc_trend_year_count(t));
    lc_xlsx_column *cols = lc_calloc(ctx, ncol, sizeof *cols);
    char (*heads)[2][96] = lc_calloc(ctx, ncol, sizeof *heads);
    lc_value *v = lc_calloc(ctx, ncol, sizeof *v);
    lc_xlsx *x = cols && heads && v ? lc_xlsx_create(ctx) : NULL;
    lc_status st = x ? LC_OK : lc_context_errno(ctx);
    for (size_t i = 0; i < ncol && st == LC_OK; i++) {
        column_head(t, i, heads[i][0], heads[i][1], sizeof heads[i][0]);
        cols[i] = (lc_xlsx_column){heads[i][0], heads[i][1], column_type(t, i)};
    }
    st = st ? st : lc_xlsx_sheet(ctx, x, "进度 progress", cols, ncol);
    for (size_t row = 0; row < lc_trend_row_count(t) && st == LC_OK; row++)
        for (size_t k = 0; k < lc_trend_norm_count(t) && st == LC_OK; k++) {
            if (!listed(t, row, k))
                continue;
            table_row(t, in, profile, row, k, v);
            st = lc_xlsx_row(ctx, x, v);
        }
    if (st == LC_OK) {
        st = lc_xlsx_write(ctx, x, out, "progress.xlsx");
        x = NULL;
    }
    lc_xlsx_destroy(x);
    free(cols), free(heads), free(v);
    return st;
}

static json_t *jnum(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

char *lc_progress_json(lc_context *ctx, const lc_trend *t, const lc_inputs *in, const lc_profile *profile,
                       const lc_progress_info *info)
{
    if (!t || !in || !profile) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_progress_json: a trend, its inputs and profile");
        return NULL;
    }
    json_t *root = json_object();
    json_object_set_new(root, "toolkit", json_pack("{s:s, s:s}", "name", "lifecircle", "version", lc_version()));
    json_object_set_new(root, "kind", json_string("progress"));
    json_object_set_new(root, "study", info && info->study ? json_string(info->study) : json_null());
    json_object_set_new(root, "profile", json_pack("{s:s, s:s}", "name", lc_profile_name(profile), "title",
                                                   lc_profile_title(profile)));
    json_t *years = json_array();
    for (size_t y = 0; y < lc_trend_year_count(t); y++)
        json_array_append_new(years, json_integer(lc_trend_year(t, y)));
    json_object_set_new(root, "years", years);
    json_object_set_new(root, "target_year", json_integer(lc_trend_target_year(t)));
    json_object_set_new(root, "distance_mode", json_string(info && info->network ? "network" : "straight-line"));
    json_object_set_new(root, "method", json_pack(
        "{s:s, s:s, s:s, s:s, s:s}", "open_in_year",
        "a facility counts in year Y when opened <= Y and (no closing year or closed > Y); one without an "
        "opening year counts in every year",
        "population", info && info->population_note ? info->population_note : "",
        "pace_needed", "(target - value in the last year) / (target_year - last year); 0 once met",
        "pace_achieved", "least-squares slope of value on year over the years with a value",
        "reached_in_year", "the first year from which every later year meets the target, when the last does; "
        "else last year + (target - last value) / pace_achieved rounded up, when pace_achieved > 0; else none "
        "(not at today's pace)"));
    json_t *facilities = json_array();
    for (size_t y = 0; info && info->open_counts && y < lc_trend_year_count(t); y++)
        json_array_append_new(facilities, json_integer((json_int_t)info->open_counts[y]));
    json_object_set_new(root, "facilities_open", facilities);
    json_object_set_new(root, "facilities_without_opening_year",
                        json_integer(info ? (json_int_t)info->without_opened : 0));
    json_t *norms = json_array();
    for (size_t k = 0; k < lc_profile_norm_count(profile); k++) {
        const lc_norm *n = lc_profile_norm(profile, k);
        json_array_append_new(norms, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "code", n->code, "zh", n->zh, "en",
                                               n->en, "target", jnum(n->target), "unit", value_unit(n), "source",
                                               n->source));
    }
    json_object_set_new(root, "norms", norms);
    json_t *rows = json_array();
    for (size_t row = 0; row < lc_trend_row_count(t); row++) {
        const char *id, *name;
        row_label(in, t, row, &id, &name);
        json_t *ind = json_object();
        for (size_t k = 0; k < lc_trend_norm_count(t); k++) {
            if (!listed(t, row, k))
                continue;
            lc_trend_cell c;
            lc_trend_cell_get(t, row, k, &c);
            json_t *vals = json_object();
            for (size_t y = 0; y < lc_trend_year_count(t); y++) {
                char key[16];
                snprintf(key, sizeof key, "%d", lc_trend_year(t, y));
                json_object_set_new(vals, key, jnum(c.values[y]));
            }
            json_object_set_new(ind, lc_profile_norm(profile, k)->code,
                                json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s}", "values", vals, "target",
                                          jnum(c.target), "pace_needed", jnum(c.pace_needed), "pace_achieved",
                                          jnum(c.pace_achieved), "reached_in_year",
                                          isfinite(c.reached_year) ? json_integer((json_int_t)c.reached_year)
                                                                   : json_null(),
                                          "status", lc_trend_status_en(c.status), "status_zh",
                                          lc_trend_status_zh(c.status)));
        }
        const char *parent = parent_id(in, t, row);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", id, "name", name, "level",
                                              lc_trend_row_kind_name(lc_trend_row_kind_of(t, row, NULL)), "parent",
                                              parent ? json_string(parent) : json_null(), "indicators", ind));
    }
    json_object_set_new(root, "rows", rows);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (!text) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing progress.json");
        return NULL;
    }
    return text;
}

lc_output *lc_progress_stage(lc_context *ctx, const char *dir, const lc_output_options *options, const lc_trend *t,
                             const lc_inputs *in, const lc_profile *profile, const lc_progress_info *info)
{
    if (!ctx)
        return NULL;
    if (!dir || !options || !t || !in || !profile) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_progress_stage: every argument but info is required");
        return NULL;
    }
    if (options->format == LC_FORMAT_POSTGIS) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle progress writes files (progress.csv, .xlsx, .json): give an output "
                 "directory, not a database");
        return NULL;
    }
    lc_output *out = lc_output_begin(ctx, dir, lc_inputs_crs(in), options);
    if (!out)
        return NULL;
    char *csv = lc_progress_csv(ctx, t, in, profile), *json = csv ? lc_progress_json(ctx, t, in, profile, info) : NULL;
    lc_status st = json ? lc_output_write_text(ctx, out, "progress.csv", csv) : lc_context_errno(ctx);
    st = st ? st : lc_output_write_text(ctx, out, "progress.json", json);
    st = st ? st : progress_xlsx(ctx, out, t, in, profile);
    free(csv);
    free(json);
    if (st != LC_OK) {
        lc_output_abort(ctx, out);
        return NULL;
    }
    return out;
}
