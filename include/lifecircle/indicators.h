/*
 * lifecircle/indicators.h — the profile's norms evaluated per unit (街镇) and for the whole study
 * area: value, target, pass/fail and the shortfall in planners' units (people uncovered, m² of floor
 * area missing, 街镇 lacking a facility, meals per day or beds missing).
 *
 * Residential polygons are assigned to units by their unit field (matching a unit's id or name) or,
 * without one, by area of overlap (a polygon straddling a boundary is split in proportion). A unit's
 * population is its own population field when the units layer has one, else the sum of its
 * residential polygons; when both exist and differ by more than 5% a warning names the unit.
 * Facilities belong to the unit their point falls in.
 */
#ifndef LIFECIRCLE_INDICATORS_H
#define LIFECIRCLE_INDICATORS_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/coverage.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One norm evaluated on one row (a unit or the whole area). */
typedef struct lc_indicator {
    double value;       /* the measured value (a share 0..1, m² per 1,000, ...); NAN when it cannot be
                           computed (no population, no beds) */
    double target;      /* the norm's target; NAN when the norm has none */
    int pass;           /* 1 meets the target, 0 fails it, -1 no target or no value */
    double shortfall;   /* what is missing to meet the target, in shortfall_unit; 0 when passing */
    const char *shortfall_unit; /* "people", "m²", "街镇", "meals/day", "beds", "nursing beds" */
    double numerator;   /* what value is made of: value = numerator / denominator (× 1,000 for */
    double denominator; /* floor area); shown so a planner can check the arithmetic */
} lc_indicator;

typedef struct lc_indicators lc_indicators;

/* Evaluates every norm of profile per unit and for the whole area.
 * Parameters:
 *   in       — the inputs (borrowed); without a units layer there is only the whole-area row;
 *   profile  — the norms (borrowed);
 *   coverage — coverage of in's residential polygons (borrowed);
 *   quality  — receives population-mismatch warnings (borrowed).
 * All three must outlive the result, and ctx too. Returns NULL with LC_ERR_NOMEM or
 * LC_ERR_GEOMETRY. Caller frees with lc_indicators_destroy(). */
LC_API lc_indicators *lc_indicators_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                            const lc_coverage *coverage, lc_quality *quality);

/* Releases indicators. Accepts NULL. */
LC_API void lc_indicators_destroy(lc_indicators *ind);

/* Rows: one per unit in the units layer's order, then the whole study area (the last row). */
LC_API size_t lc_indicators_row_count(const lc_indicators *ind);
/* Index of the whole-area row (row_count - 1). */
LC_API size_t lc_indicators_total_row(const lc_indicators *ind);

/* The value of norm (index into the profile's norms) on row. Borrowed, valid while ind lives. */
LC_API const lc_indicator *lc_indicators_get(const lc_indicators *ind, size_t row, size_t norm);

/* A row's population figures: resident (常住), registered 60+ and 65+ (NAN when unknown), and
 * whether the resident population came from the unit's own field (1) or its residential
 * polygons (0). */
LC_API double lc_indicators_population(const lc_indicators *ind, size_t row);
LC_API double lc_indicators_pop60(const lc_indicators *ind, size_t row);
LC_API double lc_indicators_pop65(const lc_indicators *ind, size_t row);
LC_API int lc_indicators_population_from_unit(const lc_indicators *ind, size_t row);

/* Facilities of a category on a row, and their counted floor area (m²). */
LC_API size_t lc_indicators_facility_count(const lc_indicators *ind, size_t row, size_t category);
LC_API double lc_indicators_floor_area(const lc_indicators *ind, size_t row);

/* Residents within reach of a category on a row (from the coverage), and the share of the row's
 * residential population that is. */
LC_API double lc_indicators_covered(const lc_indicators *ind, size_t row, size_t category);
LC_API double lc_indicators_covered_share(const lc_indicators *ind, size_t row, size_t category);

/* The unit a facility falls in (index into the units layer), -1 when outside every unit. */
LC_API long lc_indicators_facility_unit(const lc_indicators *ind, size_t facility);

/* The unit holding most of a residential polygon, -1 when it lies outside every unit. */
LC_API long lc_indicators_residential_unit(const lc_indicators *ind, size_t polygon);

/* Number of norms that fail on any row (0: the study meets its profile). */
LC_API size_t lc_indicators_failures(const lc_indicators *ind);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_INDICATORS_H */
