/*
 * lifecircle/indicators.h — the profile's norms evaluated per unit (街镇), per district (区) and for
 * the whole study area: value, target, pass/fail and the shortfall in planners' units (people
 * uncovered, m² of floor area missing, 街镇 or 居村 lacking a facility, meals per day or beds missing).
 *
 * The administrative ladder: besides the units (街镇), the study may give districts (区), committees
 * (居村), 片区 (areas) and village groups (村民小组). Each 街镇 lies in a district (its district field,
 * else the district it overlaps most), each committee and 片区 in a 街镇 (unit field, else overlap),
 * each group in a committee (committee field, else overlap); a unit in no parent although the
 * parent's layer exists, or one split across two, is a data-quality warning. A district's row sums
 * its 街镇; with per-district profiles (lc_indicators_options) each district and its 街镇 are held to
 * the targets of the district's profile, the whole area to the study's. A presence norm (kind
 * presence, level L) counts the facilities of its categories in (or within reach of) every unit of
 * level L; a row's value is the share of its units of level L meeting it (a 街镇: of its 居村), and
 * each unit of level L reads lc_indicators_level_meets. Levels without a layer are not checked.
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

/* What lc_indicators_compute_with takes beyond the inputs. Zero-initialise; size lets it grow (set it
 * to sizeof(lc_indicators_options); fields past a smaller size read as 0). Everything borrowed. */
typedef struct lc_indicators_options {
    size_t size;
    const lc_profile *const *district_profiles; /* per feature of the districts layer: the profile whose
                                                  targets the district and its 街镇 are held to (a norm of
                                                  the same code and kind), NULL: the study's profile;
                                                  NULL array: the study's for all. Must outlive the result */
    const lc_network *network;  /* network mode, presence norms with serve: reach: the walking network the
                                   coverage was computed on (facilities reach along it) */
} lc_indicators_options;

/* As lc_indicators_compute, with options (may be NULL). Returns NULL with LC_ERR_NOMEM,
 * LC_ERR_GEOMETRY or LC_ERR_MISUSE (serve: reach in network mode without a network). */
LC_API lc_indicators *lc_indicators_compute_with(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                                 const lc_coverage *coverage, const lc_indicators_options *options,
                                                 lc_quality *quality);

/* Releases indicators. Accepts NULL. */
LC_API void lc_indicators_destroy(lc_indicators *ind);

/* Rows: one per unit in the units layer's order, then the whole study area (the last row; district
 * rows, lc_indicators_district_row, follow it). */
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

/* The 街镇 each compound of in lies in, as the indicators assign it (its declared unit field, else
 * the unit holding most of it), without computing anything else: unit_of[i] for each compound of the
 * residential layer (-1 outside every unit, or without a units layer). LC_OK, LC_ERR_MISUSE (no
 * residential layer), LC_ERR_NOMEM or LC_ERR_GEOMETRY. */
LC_API lc_status lc_indicators_assign_residential(lc_context *ctx, const lc_inputs *in, long *unit_of);

/* Districts (区): their number (the districts layer's features), and the row of district d, which
 * every per-row getter above accepts (lc_indicators_get, _population, ...). Rows of districts come
 * after the whole area's, so row_count and total_row are those of the 街镇 alone. (size_t)-1 past
 * the end. */
LC_API size_t lc_indicators_district_count(const lc_indicators *ind);
LC_API size_t lc_indicators_district_row(const lc_indicators *ind, size_t district);
/* The district a 街镇 lies in, -1 when none (or no districts layer). */
LC_API long lc_indicators_unit_district(const lc_indicators *ind, size_t unit);
/* The profile district d is held to (its own, or the study's). Borrowed. */
LC_API const lc_profile *lc_indicators_district_profile(const lc_indicators *ind, size_t district);

/* The units of a level (the features of its layer, 0 without one) and, for unit i of it: its parent
 * (a 街镇's district, a committee's or 片区's 街镇, a group's committee; -1 none), the 街镇 and the
 * district it lies in (-1 none), whether it is a villagers' committee (1; 0 residents'; -1 unknown;
 * groups 1), whether it is (or lies in) a rural 镇 or 乡 (1; 0 a 街道; -1 unknown), its resident
 * population (its own field, else its compounds' by area of overlap) and whether that came from
 * its field, and its households (NAN when unknown). */
LC_API size_t lc_indicators_level_count(const lc_indicators *ind, lc_level level);
LC_API long lc_indicators_level_parent(const lc_indicators *ind, lc_level level, size_t i);
LC_API long lc_indicators_level_unit(const lc_indicators *ind, lc_level level, size_t i);
LC_API long lc_indicators_level_district(const lc_indicators *ind, lc_level level, size_t i);
LC_API int lc_indicators_level_villagers(const lc_indicators *ind, lc_level level, size_t i);
LC_API int lc_indicators_level_rural(const lc_indicators *ind, lc_level level, size_t i);
LC_API double lc_indicators_level_population(const lc_indicators *ind, lc_level level, size_t i);
LC_API int lc_indicators_level_population_from_field(const lc_indicators *ind, lc_level level, size_t i);
LC_API double lc_indicators_level_households(const lc_indicators *ind, lc_level level, size_t i);

/* For presence norm `norm` (index into the profile's norms) at this level: the facilities counting
 * for unit i, and whether it has enough (1), lacks them (0) or is not asked (-1: the norm is at
 * another level, or `only` leaves the unit out). */
LC_API size_t lc_indicators_level_facilities(const lc_indicators *ind, lc_level level, size_t i, size_t norm);
LC_API int lc_indicators_level_meets(const lc_indicators *ind, lc_level level, size_t i, size_t norm);

/* The committee (居村) a residential polygon's committee field names, else the one holding most of
 * it; -1 when none (or no committees layer). */
LC_API long lc_indicators_residential_committee(const lc_indicators *ind, size_t polygon);
/* The unit of a level a facility lies in, -1 when none. */
LC_API long lc_indicators_facility_level(const lc_indicators *ind, lc_level level, size_t facility);

/* Number of norms that fail on any row (0: the study meets its profile). */
LC_API size_t lc_indicators_failures(const lc_indicators *ind);

/* Why norm has no value (NAN) on row, for the console table, summary.csv and the summary table: a
 * whole sentence in English and Chinese ("no registered 65+ population field (pop65) 无65岁以上户籍人口字段"),
 * and (short_code, may be NULL) the same in a few ASCII characters ("no pop65") for a table cell.
 * A rural tier (a presence norm asking only 镇/乡, 村委会 or 村民小组) on a row holding no unit known
 * to be rural does not apply there: short code "no rural", the sentence beginning "不适用 — ".
 * NULL (and *short_code NULL) when the value is there, or row or norm is out of range. Static text. */
LC_API const char *lc_indicators_why_na(const lc_indicators *ind, size_t row, size_t norm, const char **short_code);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_INDICATORS_H */
