/*
 * queries/trend.c — a norm's value over the years of `progress` and the paces toward the target
 * year (lifecircle/trend.h holds the formulas). The years' indicators come from the check's own
 * steps (run/run_progress.c); nothing is measured here, and nothing written (outputs/progress_out.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/trend.h"

struct lc_trend {
    int *years;
    size_t nyears, nrows, nnorms;
    size_t nunits, ndistricts, ncommittees; /* rows: 街镇, the whole area, 区, 居村 */
    long *parent;     /* per row: the row of the unit it lies in, -1 none */
    int target_year;
    double *values;   /* [(row * nnorms + norm) * nyears + y] */
    int *pass;        /* same layout */
    double *targets;  /* [row * nnorms + norm]: the last recorded year's target */
    unsigned char *recorded; /* per year */
};

lc_trend *lc_trend_create(lc_context *ctx, const int *years, size_t nyears, int target_year, size_t nrows,
                          size_t nnorms)
{
    if (ctx && !nrows) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_trend_create: at least one year, one row and one norm");
        return NULL;
    }
    return lc_trend_create_ladder(ctx, years, nyears, target_year, nrows ? nrows - 1 : 0, 0, 0, nnorms);
}

lc_trend *lc_trend_create_ladder(lc_context *ctx, const int *years, size_t nyears, int target_year, size_t nunits,
                                 size_t ndistricts, size_t ncommittees, size_t nnorms)
{
    if (!ctx)
        return NULL;
    size_t nrows = nunits + 1 + ndistricts + ncommittees;
    if (!years || !nyears || !nrows || !nnorms) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_trend_create: at least one year, one row and one norm");
        return NULL;
    }
    for (size_t i = 1; i < nyears; i++)
        if (years[i] <= years[i - 1]) {
            lc_error(ctx, LC_ERR_MISUSE, "lc_trend_create: the years must ascend, each once (%d after %d)", years[i],
                     years[i - 1]);
            return NULL;
        }
    lc_trend *t = lc_calloc(ctx, 1, sizeof *t);
    size_t ncell = nrows * nnorms;
    if (!t || !(t->years = lc_calloc(ctx, nyears, sizeof *t->years)) ||
        !(t->values = lc_calloc(ctx, ncell * nyears, sizeof *t->values)) ||
        !(t->pass = lc_calloc(ctx, ncell * nyears, sizeof *t->pass)) ||
        !(t->targets = lc_calloc(ctx, ncell, sizeof *t->targets)) ||
        !(t->recorded = lc_calloc(ctx, nyears, 1)) || !(t->parent = lc_calloc(ctx, nrows, sizeof *t->parent))) {
        lc_trend_destroy(t);
        return NULL;
    }
    memcpy(t->years, years, nyears * sizeof *years);
    t->nyears = nyears;
    t->nrows = nrows;
    t->nnorms = nnorms;
    t->nunits = nunits;
    t->ndistricts = ndistricts;
    t->ncommittees = ncommittees;
    t->target_year = target_year;
    for (size_t r = 0; r < nrows; r++)
        t->parent[r] = -1;
    for (size_t i = 0; i < ncell * nyears; i++) {
        t->values[i] = NAN;
        t->pass[i] = -1;
    }
    for (size_t i = 0; i < ncell; i++)
        t->targets[i] = NAN;
    return t;
}

void lc_trend_destroy(lc_trend *t)
{
    if (!t)
        return;
    free(t->years);
    free(t->values);
    free(t->pass);
    free(t->targets);
    free(t->recorded);
    free(t->parent);
    free(t);
}

/* Sets cell (row, norm) of year y. */
static void set_cell(lc_trend *t, size_t y, size_t row, size_t k, double value, int pass, double target)
{
    size_t c = row * t->nnorms + k;
    t->values[c * t->nyears + y] = value;
    t->pass[c * t->nyears + y] = pass;
    if (y + 1 == t->nyears)
        t->targets[c] = target;
}

lc_status lc_trend_record(lc_context *ctx, lc_trend *t, size_t y, const lc_indicators *ind)
{
    if (!t || !ind || y >= t->nyears || lc_indicators_row_count(ind) != t->nunits + 1 ||
        (t->ndistricts && lc_indicators_district_count(ind) != t->ndistricts) ||
        (t->ncommittees && lc_indicators_level_count(ind, LC_LEVEL_COMMITTEE) != t->ncommittees))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_trend_record: a year of the series and indicators of its %zu 街镇, "
                        "%zu 区 and %zu 居村", t ? t->nunits : 0, t ? t->ndistricts : 0, t ? t->ncommittees : 0);
    int last = y + 1 == t->nyears;
    size_t drow0 = t->nunits + 1, crow0 = drow0 + t->ndistricts;
    for (size_t r = 0; r < drow0 + t->ndistricts; r++) {
        size_t from = r < drow0 ? r : lc_indicators_district_row(ind, r - drow0);
        for (size_t k = 0; k < t->nnorms; k++) {
            const lc_indicator *x = lc_indicators_get(ind, from, k);
            if (!x)
                return lc_error(ctx, LC_ERR_MISUSE, "lc_trend_record: the indicators have no norm %zu", k + 1);
            set_cell(t, y, r, k, x->value, x->pass, x->target);
        }
        if (last && r < t->nunits && t->ndistricts) {
            long d = lc_indicators_unit_district(ind, r);
            t->parent[r] = d >= 0 ? (long)drow0 + d : -1;
        }
    }
    for (size_t i = 0; i < t->ncommittees; i++) {
        for (size_t k = 0; k < t->nnorms; k++) {
            int meets = lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, i, k);
            set_cell(t, y, crow0 + i, k, meets < 0 ? NAN : meets, meets < 0 ? -1 : meets, meets < 0 ? NAN : 1.0);
        }
        if (last)
            t->parent[crow0 + i] = lc_indicators_level_unit(ind, LC_LEVEL_COMMITTEE, i);
    }
    t->recorded[y] = 1;
    return LC_OK;
}

size_t lc_trend_total_row(const lc_trend *t)
{
    return t ? t->nunits : 0;
}

lc_trend_row_kind lc_trend_row_kind_of(const lc_trend *t, size_t row, size_t *index)
{
    size_t i = row;
    lc_trend_row_kind k = LC_TREND_ROW_UNIT;
    if (t && row == t->nunits) {
        k = LC_TREND_ROW_TOTAL, i = 0;
    } else if (t && row > t->nunits && row <= t->nunits + t->ndistricts) {
        k = LC_TREND_ROW_DISTRICT, i = row - t->nunits - 1;
    } else if (t && row > t->nunits + t->ndistricts) {
        k = LC_TREND_ROW_COMMITTEE, i = row - t->nunits - 1 - t->ndistricts;
    }
    if (index)
        *index = i;
    return k;
}

long lc_trend_row_parent(const lc_trend *t, size_t row)
{
    return t && row < t->nrows ? t->parent[row] : -1;
}

const char *lc_trend_row_kind_name(lc_trend_row_kind k)
{
    static const char *const en[] = {"unit", "total", "district", "committee"};
    return (unsigned)k < 4 ? en[k] : "";
}

const char *lc_trend_row_kind_zh(lc_trend_row_kind k)
{
    static const char *const zh[] = {"街镇", "全区", "区", "居村"};
    return (unsigned)k < 4 ? zh[k] : "";
}

size_t lc_trend_year_count(const lc_trend *t)
{
    return t ? t->nyears : 0;
}

int lc_trend_year(const lc_trend *t, size_t y)
{
    return t && y < t->nyears ? t->years[y] : 0;
}

int lc_trend_target_year(const lc_trend *t)
{
    return t ? t->target_year : 0;
}

size_t lc_trend_row_count(const lc_trend *t)
{
    return t ? t->nrows : 0;
}

size_t lc_trend_norm_count(const lc_trend *t)
{
    return t ? t->nnorms : 0;
}

/* The least-squares slope of v on the years over the entries with a value; NAN with fewer than two. */
static double slope(const int *years, const double *v, size_t n)
{
    double sy = 0, sv = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            sy += years[i];
            sv += v[i];
            m++;
        }
    if (m < 2)
        return NAN;
    double my = sy / (double)m, mv = sv / (double)m, num = 0, den = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            num += (years[i] - my) * (v[i] - mv);
            den += (years[i] - my) * (years[i] - my);
        }
    return num / den;
}

lc_status lc_trend_cell_get(const lc_trend *t, size_t row, size_t norm, lc_trend_cell *out)
{
    if (!t || !out || row >= t->nrows || norm >= t->nnorms)
        return LC_ERR_MISUSE;
    size_t c = row * t->nnorms + norm, n = t->nyears;
    const double *v = t->values + c * n;
    const int *pass = t->pass + c * n;
    int last_year = t->years[n - 1];
    double last = v[n - 1], target = t->targets[c];
    *out = (lc_trend_cell){.values = v, .pass = pass, .target = target, .pace_needed = NAN,
                           .pace_achieved = slope(t->years, v, n), .reached_year = NAN,
                           .status = LC_TREND_NO_TARGET};
    if (!isfinite(target) || !isfinite(last) || pass[n - 1] < 0)
        return LC_OK;
    if (pass[n - 1] == 1) {
        size_t first = n - 1;
        while (first > 0 && pass[first - 1] == 1)
            first--;
        out->pace_needed = 0;
        out->reached_year = t->years[first];
        out->status = LC_TREND_REACHED;
        return LC_OK;
    }
    if (t->target_year > last_year)
        out->pace_needed = (target - last) / (double)(t->target_year - last_year);
    double pace = out->pace_achieved;
    if (!(pace > 0)) {
        out->status = LC_TREND_NOT_AT_PACE;
        return LC_OK;
    }
    /* a hair below a whole year is that year (1.0000000001 years of rounding is not two) */
    out->reached_year = last_year + ceil((target - last) / pace - 1e-9);
    out->status = out->reached_year <= t->target_year ? LC_TREND_ON_TRACK : LC_TREND_LATE;
    return LC_OK;
}

const char *lc_trend_status_en(lc_trend_status s)
{
    static const char *const en[] = {"no target", "reached", "on track", "late", "not at today's pace"};
    return (unsigned)s < 5 ? en[s] : "";
}

const char *lc_trend_status_zh(lc_trend_status s)
{
    static const char *const zh[] = {"无目标", "已达标", "按当前进度可如期达标", "按当前进度将逾期达标",
                                     "按当前进度无法达标"};
    return (unsigned)s < 5 ? zh[s] : "";
}
