/*
 * lifecircle/siting.h — proposals for new facilities of one category that close the coverage gaps:
 * `mclp` (k new sites covering the most uncovered residents), `lscp` (the fewest sites reaching a
 * coverage target) and `units` (one site in every 街镇 lacking the category), solved greedily with
 * lazy evaluation. Existing facilities stay.
 *
 * Demand is the uncovered population of each residential polygon (from the coverage), placed on
 * points inside its gap on a grid (the population split evenly among them); a candidate covers the
 * points within the category's reach. Candidates are given by the caller or generated on a grid over
 * the gaps. Newly covered population is therefore an estimate at the demand-grid resolution; a
 * `check` with the proposals added gives the exact figure.
 */
#ifndef LIFECIRCLE_SITING_H
#define LIFECIRCLE_SITING_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/coverage.h"
#include "lifecircle/geometry.h"
#include "lifecircle/indicators.h"
#include "lifecircle/layer.h"
#include "lifecircle/output.h"
#include "lifecircle/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_siting_objective {
    LC_SITING_MCLP = 0, /* k sites maximising newly covered residents */
    LC_SITING_LSCP,     /* fewest sites reaching `target` coverage of the category */
    LC_SITING_UNITS     /* one site in every unit (街镇) without the category */
} lc_siting_objective;

typedef struct lc_siting_options {
    lc_siting_objective objective;
    size_t category;          /* index of the profile category to site */
    size_t k;                 /* MCLP: number of new sites */
    double target;            /* LSCP: coverage share to reach, 0..1 */
    double demand_spacing_m;  /* demand grid inside gaps (0: 25 m) */
    double candidate_spacing_m; /* generated candidate grid (0: 100 m) */
    const lc_xy *candidates;  /* given candidate sites (working CRS), or NULL to generate; borrowed */
    size_t ncandidates;
} lc_siting_options;

/* One proposed site. */
typedef struct lc_proposal {
    size_t rank;            /* 1 = chosen first */
    lc_xy site;             /* working CRS */
    long candidate;         /* index among the given candidates, -1 for a generated site */
    long unit;              /* index of the unit it falls in, -1 outside every unit */
    double new_pop;         /* residents it newly brings within reach (estimate) */
    double cumulative_share;/* category coverage of the whole area after this site (estimate) */
    double floor_area_m2;   /* suggested floor area: its unit's shortfall against the floor-area
                               norm split over the unit's new sites; 0 when the unit meets it */
} lc_proposal;

typedef struct lc_siting lc_siting;

/* Proposes sites. in, profile, coverage and indicators are borrowed for the call.
 * Returns NULL with LC_ERR_MISUSE (bad options) or LC_ERR_NOMEM. An LSCP target that the
 * candidates cannot reach is not an error: the result says so (lc_siting_target_met, _reason).
 * Caller frees with lc_siting_destroy(). */
LC_API lc_siting *lc_siting_solve(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                  const lc_coverage *coverage, const lc_indicators *indicators,
                                  const lc_siting_options *options);

/* Releases a result. Accepts NULL. */
LC_API void lc_siting_destroy(lc_siting *s);

/* Number of proposals and the i-th, in the order chosen (borrowed). */
LC_API size_t lc_siting_count(const lc_siting *s);
LC_API const lc_proposal *lc_siting_get(const lc_siting *s, size_t i);

/* The category's coverage of the whole area (share of residents) before and after the proposals
 * (after: estimate on the demand grid). */
LC_API double lc_siting_share_before(const lc_siting *s);
LC_API double lc_siting_share_after(const lc_siting *s);

/* The solver that produced the answer ("greedy (lazy evaluation)"). Never freed. */
LC_API const char *lc_siting_solver(const lc_siting *s);

/* LSCP: non-zero when the target was reached; otherwise lc_siting_reason() says why. */
LC_API int lc_siting_target_met(const lc_siting *s);
LC_API const char *lc_siting_reason(const lc_siting *s);

/* Writes the proposals as a `proposals` point layer (rank, 街镇, newly covered residents,
 * cumulative coverage, suggested floor area, candidate, solver, category in Chinese and English)
 * into an output directory, with the guarantees of lc_output_begin (atomic, no overwrite unless
 * asked). in, profile and s are borrowed. LC_OK or the failing step's error. */
LC_API lc_status lc_siting_write(lc_context *ctx, const char *dir, const lc_output_options *options,
                                 const lc_inputs *in, const lc_profile *profile, const lc_siting *s,
                                 size_t category);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_SITING_H */
