/*
 * lifecircle/access.h — supply-demand accessibility: is there enough capacity where the elders live?
 * The two-step floating catchment area method (2SFCA, Luo & Wang 2003, doi:10.1068/b29120) and its
 * enhanced form with distance-decay weights (E2SFCA, Luo & Qi 2009,
 * doi:10.1016/j.healthplace.2009.06.002), as in PySAL `access`, for every `accessibility:` entry of
 * the profile (lc_access_spec, profile.h):
 *
 *   step 1, per facility j:  R_j = S_j / Σ_{k: d_kj ≤ d0_j} W(d_kj) P_k
 *   step 2, per compound i:  A_i = Σ_{j: d_ij ≤ d0_j} W(d_ij) R_j
 *
 * S_j the facility's capacity (meals/day, beds, nursing beds or day-care places), P_k the demand of
 * compound k (registered 60+ or 65+, or residents), d0_j the reach of j's category, W ≡ 1 for 2SFCA.
 * Distances are those of the coverage step (coverage.h): straight line from the compound's point on
 * its surface (a compound given as a point: the point), or along the walking network from the same
 * demand points attached the same way (entrances: the nearest entrance; buildings or grid points:
 * each its share of the compound's demand), one bounded shortest-path pass per facility.
 * A compound's ratio is reported per lc_access_spec.per persons (meals per 100 elders); every
 * 街镇's is the demand-weighted mean of its compounds'. Σ_i P_i A_i = Σ_j S_j over the facilities
 * with demand in reach (no capacity is lost or made).
 */
#ifndef LIFECIRCLE_ACCESS_H
#define LIFECIRCLE_ACCESS_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/coverage.h"
#include "lifecircle/indicators.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One facility under one accessibility entry. */
typedef struct lc_access_facility {
    int supplies;      /* non-zero: of a supplying category with its capacity given (≥ 0) */
    double supply;     /* S_j; NAN when it does not supply */
    double demand;     /* Σ W(d) P within its reach (weighted persons); 0 when none in reach */
    double ratio;      /* R_j = supply / demand, capacity per person of demand; NAN when nobody
                          demanding is within reach (or it does not supply) */
    size_t compounds;  /* compounds with a demand point within its reach */
    int over;          /* over-subscribed: ratio below its target (never without a target) */
    double target;     /* the target it is held to: its district's entry's (below), else the study's */
} lc_access_facility;

typedef struct lc_access lc_access;

/* Computes every accessibility entry of profile over the inputs' compounds and facilities, with the
 * distances coverage uses under copt (mode, reach_m override, network, demand_grid_m, threads; NULL:
 * straight line with the profile's reach). ind (may be NULL) gives each compound its 街镇 for the
 * per-街镇 values (lc_access_row_*); in, profile, copt->network and ind are borrowed during the call.
 * NULL with LC_ERR_MISUSE (network mode without a network), LC_ERR_GEOMETRY (no point on a
 * compound, naming it), LC_ERR_CANCELLED or LC_ERR_NOMEM. Caller frees with lc_access_destroy(). */
LC_API lc_access *lc_access_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                    const lc_coverage_options *copt, const lc_indicators *ind);

/* Releases the result. Accepts NULL. */
LC_API void lc_access_destroy(lc_access *acc);

/* The number of entries (the profile's accessibility count), and entry s (borrowed from the profile,
 * NULL past the end). */
LC_API size_t lc_access_count(const lc_access *acc);
LC_API const lc_access_spec *lc_access_spec_of(const lc_access *acc, size_t s);

/* Non-zero when some compound carries entry s's demand field (else every value is NAN: the study
 * maps no pop60/pop65 field, say). */
LC_API int lc_access_has_demand(const lc_access *acc, size_t s);

/* A_i of compound i under entry s: capacity per person of demand (multiply by spec->per for the
 * reported ratio); 0 when no supplying facility reaches it; NAN past the end or without demand. */
LC_API double lc_access_compound(const lc_access *acc, size_t s, size_t compound);

/* Facility j (index in the facilities layer) under entry s; borrowed, valid while acc lives; NULL
 * past the end. */
LC_API const lc_access_facility *lc_access_facility_get(const lc_access *acc, size_t s, size_t facility);

/* Facilities over-subscribed under entry s. */
LC_API size_t lc_access_over_count(const lc_access *acc, size_t s);

/* Per indicator row (the rows of ind: each 街镇, then the whole area; lc_indicators_row_count):
 * the demand-weighted mean A of its compounds (NAN when it has no demand or ind was NULL), its
 * demand (Σ P), and the demand living where A is below the entry's target (0 without a target). */
LC_API double lc_access_row_value(const lc_access *acc, size_t s, size_t row);
LC_API double lc_access_row_demand(const lc_access *acc, size_t s, size_t row);
LC_API double lc_access_row_short(const lc_access *acc, size_t s, size_t row);
LC_API size_t lc_access_row_count(const lc_access *acc);

/* Districts with profiles of their own (lc_indicators_options.district_profiles, through ind): where
 * a district's profile has an entry of the same code (with the same capacity and demand; else
 * lc_access_compute fails with LC_ERR_CONFIG naming both profiles), its facilities are computed with
 * that entry's method and weights and held to its target, and its compounds and 街镇 to its target;
 * everything else to the study's entry. The reach is the study's. */

/* The target compound i is held to under entry s (capacity per person of demand), NAN: none. */
LC_API double lc_access_compound_target(const lc_access *acc, size_t s, size_t compound);

/* Non-zero when some compound, facility or row under entry s has a target. */
LC_API int lc_access_has_target(const lc_access *acc, size_t s);

/* The target row is held to under entry s, in capacity per person of demand: a 街镇's its district's,
 * a district's its own, the whole area the study's entry's (NAN: none); NAN past the end. */
LC_API double lc_access_row_target(const lc_access *acc, size_t s, size_t row);

/* Row's accessibility under entry s as an indicator, for the summary tables: value and target in
 * the reported units (× spec->per: meals per 100 elders), pass when the demand-weighted mean A
 * meets the row's target (-1 without a target or a value), shortfall the capacity that would lift
 * the mean to the target ((target − A) × demand, in meals/day, beds, nursing beds or places; 0 when
 * passing), numerator Σ P·A (the capacity the row's demand is credited with), denominator Σ P.
 * Every field NAN (pass -1) past the end. */
LC_API lc_indicator lc_access_row_get(const lc_access *acc, size_t s, size_t row);

/* The weight W(d) entry s gives a facility at d metres (within its reach): 1 for 2SFCA; stepped:
 * the weight of the first band whose upper bound is ≥ d, past the last band the last weight;
 * gaussian: exp(−d² / (2 σ²)). NAN for a NULL spec or d not ≥ 0. */
LC_API double lc_access_weight(const lc_access_spec *spec, double d);

/* The capacity field of facility f entry s counts (meals, beds, nursing_beds or places); NAN when
 * absent. */
LC_API double lc_access_capacity_of(const lc_access_spec *spec, const lc_feature *f);

/* The demand field of compound f entry s counts (population, pop60 or pop65); NAN when absent. */
LC_API double lc_access_demand_of(const lc_access_spec *spec, const lc_feature *f);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_ACCESS_H */
