/*
 * outputs/summary_xlsx.c — summary.xlsx beside summary.csv, for planners who work in Excel: sheet
 * 汇总 summary holds the rows of summary.csv (lc_summary_row_at, outputs/results.c: the same rows,
 * the same numbers), sheet 街镇 units one row per 街镇 and the whole area with every norm's value,
 * target and pass side by side (then each accessibility entry's, access_<code>). Headers and pass
 * marks in Chinese and English. The workbook itself
 * is outputs/xlsx.c's; PostGIS outputs get none (their summary is a table).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/citations_int.h"
#include "outputs/output_int.h"

/* A pass mark for people: 达标 pass, 未达标 fail, 不适用 n/a. */
static const char *pass_zh(int pass)
{
    return pass == 1 ? "达标 pass" : pass == 0 ? "未达标 fail" : "不适用 n/a";
}

static lc_value s_(const char *s)
{
    return (lc_value){.is_null = s == NULL, .s = s};
}

static lc_value d_(double d)
{
    return (lc_value){.is_null = !isfinite(d), .d = d};
}

/* Sheet 汇总 summary: the rows of summary.csv. */
static lc_status summary_sheet(lc_context *ctx, lc_xlsx *x, const lc_results *r, int ladder)
{
    static const lc_xlsx_column cols[] = {
        {"编号", "unit_id", LC_FIELD_STRING},          {"名称", "unit_name", LC_FIELD_STRING},
        {"指标代码", "norm", LC_FIELD_STRING},          {"指标", "indicator (Chinese)", LC_FIELD_STRING},
        {"指标(英文)", "indicator", LC_FIELD_STRING},   {"数值", "value", LC_FIELD_REAL},
        {"目标", "target", LC_FIELD_REAL},              {"是否达标", "pass", LC_FIELD_STRING},
        {"缺口", "shortfall", LC_FIELD_REAL},           {"缺口单位", "shortfall_unit", LC_FIELD_STRING},
        {"分子", "numerator", LC_FIELD_REAL},           {"分母", "denominator", LC_FIELD_REAL},
        {"依据", "source", LC_FIELD_STRING},            {"依据文件", "source_document", LC_FIELD_STRING},
        {"层级", "level", LC_FIELD_STRING},             {"上级编号", "parent_id", LC_FIELD_STRING},
        {"所属区编号", "district_id", LC_FIELD_STRING},
    };
    /* then 说明 note: why a norm has no value in a row, as in summary.csv */
    size_t nc = ladder ? 17 : 14;
    lc_xlsx_column all[18];
    memcpy(all, cols, nc * sizeof *cols);
    all[nc++] = (lc_xlsx_column){"说明", "note", LC_FIELD_STRING};
    lc_status st = lc_xlsx_sheet(ctx, x, "汇总 summary", all, nc);
    lc_summary_row sr;
    for (size_t i = 0; st == LC_OK && lc_summary_row_at(r, i, &sr) == 0; i++) {
        const lc_indicator *v = &sr.x;
        char *doc = lc_cite_expand(ctx, sr.source); /* 依据文件 source_document: spelt out */
        if (!doc)
            return LC_ERR_NOMEM;
        lc_value row[18] = {s_(sr.id), s_(sr.name), s_(sr.code), s_(sr.zh), s_(sr.en), d_(v->value),
                            d_(v->target), s_(pass_zh(v->pass)), d_(v->pass == -1 ? NAN : v->shortfall),
                            s_(v->shortfall_unit), d_(v->numerator), d_(v->denominator), s_(sr.source),
                            s_(doc), s_(sr.level), s_(sr.parent), s_(sr.district)};
        if (nc == 15)
            row[14] = s_(sr.note);
        else
            row[17] = s_(sr.note);
        st = lc_xlsx_row(ctx, x, row);
        free(doc);
    }
    return st;
}

/* Sheet 街镇 units: per 街镇 (then the whole area) every norm's value, target and pass, then every
 * accessibility entry's (lc_access_row_get: per 100 persons of demand). */
static lc_status units_sheet(lc_context *ctx, lc_xlsx *x, const lc_results *r)
{
    size_t nn = lc_profile_norm_count(r->profile), na = r->access ? lc_access_count(r->access) : 0;
    size_t nk = nn + na, ncol = 2 + 3 * nk;
    if (ncol > LC_XLSX_MAX_COLUMNS)
        return lc_error(ctx, LC_ERR_MISUSE, "summary.xlsx: %zu norms and accessibility entries do not fit one sheet",
                        nk);
    lc_xlsx_column *cols = lc_calloc(ctx, ncol, sizeof *cols);
    char **heads = lc_calloc(ctx, 3 * nk + 1, sizeof *heads);
    lc_value *row = lc_calloc(ctx, ncol, sizeof *row);
    lc_status st = cols && heads && row ? LC_OK : LC_ERR_NOMEM;
    if (st == LC_OK) {
        cols[0] = (lc_xlsx_column){"街镇编号", "unit_id", LC_FIELD_STRING};
        cols[1] = (lc_xlsx_column){"街镇名称", "unit_name", LC_FIELD_STRING};
    }
    for (size_t k = 0; k < nk && st == LC_OK; k++) {
        const lc_access_spec *a = k < nn ? NULL : lc_access_spec_of(r->access, k - nn);
        const char *code = a ? a->code : lc_profile_norm(r->profile, k)->code;
        const char *zh = a ? a->zh : lc_profile_norm(r->profile, k)->zh;
        const char *pre = a ? "access_" : "";
        heads[3 * k] = lc_sprintf(ctx, "%s%s %s", pre, code, zh);
        heads[3 * k + 1] = lc_sprintf(ctx, "%s%s 目标", pre, code);
        heads[3 * k + 2] = lc_sprintf(ctx, "%s%s 是否达标", pre, code);
        if (!heads[3 * k] || !heads[3 * k + 1] || !heads[3 * k + 2]) {
            st = LC_ERR_NOMEM;
            break;
        }
        cols[2 + 3 * k] = (lc_xlsx_column){heads[3 * k], "value", LC_FIELD_REAL};
        cols[3 + 3 * k] = (lc_xlsx_column){heads[3 * k + 1], "target", LC_FIELD_REAL};
        cols[4 + 3 * k] = (lc_xlsx_column){heads[3 * k + 2], "pass", LC_FIELD_STRING};
    }
    if (st == LC_OK)
        st = lc_xlsx_sheet(ctx, x, "街镇 units", cols, ncol);
    /* summary.csv lists each row's norms together, 街镇 by 街镇, then the whole area: the indicator
     * rows in their order, so the n-th row written is indicator row n */
    lc_summary_row sr;
    size_t written = 0;
    for (size_t i = 0; st == LC_OK && nn && lc_summary_row_at(r, i, &sr) == 0; i++) {
        if (sr.access || (strcmp(sr.level, "unit") && strcmp(sr.level, "total")))
            continue;
        row[0] = s_(sr.id), row[1] = s_(sr.name);
        row[2 + 3 * sr.norm] = d_(sr.x.value);
        row[3 + 3 * sr.norm] = d_(sr.x.target);
        row[4 + 3 * sr.norm] = s_(pass_zh(sr.x.pass));
        if (sr.norm + 1 < nn)
            continue;
        for (size_t s = 0; s < na; s++) {
            lc_indicator v = lc_access_row_get(r->access, s, written);
            row[2 + 3 * (nn + s)] = d_(v.value);
            row[3 + 3 * (nn + s)] = d_(v.target);
            row[4 + 3 * (nn + s)] = s_(pass_zh(v.pass));
        }
        st = lc_xlsx_row(ctx, x, row);
        written++;
    }
    for (size_t k = 0; heads && k < 3 * nk; k++)
        free(heads[k]);
    free(heads), free(cols), free(row);
    return st;
}

lc_status lc_summary_xlsx_write(lc_context *ctx, lc_output *out, const lc_results *r)
{
    int ladder = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) || lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) ||
                 lc_inputs_layer(r->inputs, LC_LAYER_AREAS) || lc_inputs_layer(r->inputs, LC_LAYER_GROUPS);
    lc_xlsx *x = lc_xlsx_create(ctx);
    if (!x)
        return lc_context_errno(ctx);
    lc_status st = summary_sheet(ctx, x, r, ladder);
    if (st == LC_OK)
        st = units_sheet(ctx, x, r);
    if (st != LC_OK) {
        lc_xlsx_destroy(x);
        return st;
    }
    return lc_xlsx_write(ctx, x, out, "summary.xlsx");
}
