/*
 * lifecircle/trend.h — progress toward the plan year (`lifecircle progress`, issue 16): every norm's
 * value per 街镇, 区, 居村 (presence norms) and for the whole area in each year of a series (from the
 * indicators of that year's check, lifecircle/indicators.h), the pace the target still needs, the
 * pace achieved so far and the year the target is reached at that pace. Computed here; written by outputs/progress_out.c.
 *
 * The paces (per year, in the norm's own units: a share 0–1, m² per 1,000 residents):
 *   needed   = (target − value in the last year) / (target_year − last year), 0 once the target is met;
 *   achieved = the least-squares slope of value on year over the years with a value
 *              (Σ (y − ȳ)(v − v̄) / Σ (y − ȳ)²; with two years, their difference over their distance);
 *   reached  = the first year from which every later year of the series meets the target, when the
 *              last year does; otherwise last year + (target − last value) / achieved, rounded up to a
 *              whole year, when achieved > 0; otherwise not at today's pace.
 */
#ifndef LIFECIRCLE_TREND_H
#define LIFECIRCLE_TREND_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a (row, norm) stands. */
typedef enum lc_trend_status {
    LC_TREND_NO_TARGET = 0, /* the norm has no target, or the last year has no value */
    LC_TREND_REACHED,       /* the last year meets the target */
    LC_TREND_ON_TRACK,      /* reached by the target year at the pace achieved */
    LC_TREND_LATE,          /* reached at the pace achieved, but after the target year */
    LC_TREND_NOT_AT_PACE    /* not reached at the pace achieved (it is 0 or falling, or unknown) */
} lc_trend_status;

/* One row's norm over the series. values borrowed from the trend, valid while it lives. */
typedef struct lc_trend_cell {
    const double *values;  /* one per year of the series; NAN where it cannot be computed */
    const int *pass;       /* one per year: 1 meets, 0 fails, -1 no target or no value */
    double target;         /* the target the last year is held to; NAN when none */
    double pace_needed;    /* per year; 0 once met; NAN without a target, a last value or years left */
    double pace_achieved;  /* per year, least squares; NAN with fewer than two years with a value */
    double reached_year;   /* see the header comment; NAN when not at today's pace or no target */
    lc_trend_status status;
} lc_trend_cell;

typedef struct lc_trend lc_trend;

/* What a row of the series is: a 街镇, the whole area, a 区 or a 居村. */
typedef enum lc_trend_row_kind {
    LC_TREND_ROW_UNIT = 0,
    LC_TREND_ROW_TOTAL,
    LC_TREND_ROW_DISTRICT,
    LC_TREND_ROW_COMMITTEE
} lc_trend_row_kind;

/* An empty series of nyears years (ascending and distinct; years borrowed for the call) of nrows
 * rows × nnorms norms toward target_year: nrows − 1 街镇 and the whole area (the last row). NULL with
 * LC_ERR_MISUSE (no years, years not ascending, no rows or norms) or LC_ERR_NOMEM. Caller frees with
 * lc_trend_destroy(). */
LC_API lc_trend *lc_trend_create(lc_context *ctx, const int *years, size_t nyears, int target_year, size_t nrows,
                                 size_t nnorms);

/* As lc_trend_create, with the rows of the ladder: nunits 街镇, the whole area, ndistricts 区 and
 * ncommittees 居村, in that order (the whole area is row nunits). A district's row is its indicators'
 * district row (every norm, summed over its 街镇, held to its profile's targets); a committee's row
 * has a value only for the presence norms asked of it (level committee, lc_indicators_level_meets
 * not -1): 1 when it has the facilities the norm asks for, 0 when it lacks them, against the target
 * 1 — the share of itself meeting the norm, as a 街镇's row is the share of its 居村; its other norms
 * are NAN in every year (not asked; the tables leave them out). */
LC_API lc_trend *lc_trend_create_ladder(lc_context *ctx, const int *years, size_t nyears, int target_year,
                                        size_t nunits, size_t ndistricts, size_t ncommittees, size_t nnorms);

/* Releases a trend. Accepts NULL. */
LC_API void lc_trend_destroy(lc_trend *t);

/* Records the indicators of year number y (0-based in the series; borrowed for the call): the 街镇
 * and the whole area (lc_indicators_row_count), then the districts and committees the trend was
 * created with, every norm; and, from the last year, each row's parent (lc_trend_row_parent). LC_OK,
 * or LC_ERR_MISUSE when y is past the series or ind's rows, districts, committees or norms are not
 * the trend's. */
LC_API lc_status lc_trend_record(lc_context *ctx, lc_trend *t, size_t y, const lc_indicators *ind);

/* The series: its years, the target year, its rows and norms. */
LC_API size_t lc_trend_year_count(const lc_trend *t);
LC_API int lc_trend_year(const lc_trend *t, size_t y);
LC_API int lc_trend_target_year(const lc_trend *t);
LC_API size_t lc_trend_row_count(const lc_trend *t);
LC_API size_t lc_trend_norm_count(const lc_trend *t);

/* The whole area's row; what row is (its index among the rows of its kind in *index, may be NULL:
 * the 街镇's, district's or committee's feature in its layer, 0 for the whole area); the row of the
 * unit it lies in (a 街镇's 区, a 居村's 街镇), -1 when none or unknown. */
LC_API size_t lc_trend_total_row(const lc_trend *t);
LC_API lc_trend_row_kind lc_trend_row_kind_of(const lc_trend *t, size_t row, size_t *index);
LC_API long lc_trend_row_parent(const lc_trend *t, size_t row);
/* The level's words of a kind: "unit" / "街镇", "total" / "全区", "district" / "区", "committee" /
 * "居村" (as summary.csv's level column). Never freed. */
LC_API const char *lc_trend_row_kind_name(lc_trend_row_kind k);
LC_API const char *lc_trend_row_kind_zh(lc_trend_row_kind k);

/* The cell of (row, norm) with its paces, computed from the recorded years (every year must have
 * been recorded). LC_OK, or LC_ERR_MISUSE past the rows or norms. */
LC_API lc_status lc_trend_cell_get(const lc_trend *t, size_t row, size_t norm, lc_trend_cell *out);

/* The status's words: "reached" / "已达标", "on track" / "按当前进度可如期达标", "late" / "按当前进度将
 * 逾期达标", "not at today's pace" / "按当前进度无法达标", "no target" / "无目标". Never freed. */
LC_API const char *lc_trend_status_en(lc_trend_status s);
LC_API const char *lc_trend_status_zh(lc_trend_status s);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_TREND_H */
