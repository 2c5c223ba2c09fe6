/*
 * lifecircle/siting.h — proposals for new facilities of one category that close the coverage gaps:
 * `mclp` (k new sites covering the most uncovered demand), `lscp` (the fewest sites reaching a
 * coverage target) and `units` (one site in every 街镇 lacking the category). Existing facilities
 * stay. Two solvers: greedy with lazy evaluation (CELF) and an exact integer program through GLPK
 * with a time limit, which reports the gap between its answer and the best bound.
 *
 * Demand is the uncovered part (gap, from lc_coverage_gap) of every residential polygon, weighing
 * population × (1 − covered_share) (or the registered 60+ likewise). A candidate reaches a gap by the
 * share of the gap's area within its reach (straight line: area(gap ∩ circle) / area(gap)); the
 * candidate × gap shares form a sparse coverage matrix (found through an STRtree of the gaps).
 * The solvers count a gap reached by several new sites as min(1, Σ shares), which overstates
 * coverage where two new reaches overlap inside one gap; the figures reported for the proposals
 * (new_pop, cumulative_share, share after) are then recomputed exactly from the union of the chosen
 * sites' reach inside each gap.
 *
 * Candidates: given by the caller (lc_siting_options.candidates), else the study's `candidates`
 * point layer (LC_LAYER_CANDIDATES), else generated: points of a square grid (spacing_m apart)
 * inside the gaps, plus a point on the surface of every gap the grid misses when it is at least
 * spacing_m from every other candidate.
 *
 * Sizing: every proposal gets a suggested floor area when the profile has a floor-area norm: its
 * 街镇's shortfall against the norm split evenly over the 街镇's new sites, held within the
 * category's size range (lc_category.size_min_m2 .. size_max_m2). Without a size_min_m2 in the
 * profile the smallest size is the median floor area of the study's facilities of the category that
 * have one (lc_siting_typical_floor_area), so a site in a 街镇 already meeting the norm gets a
 * typical centre's size rather than 0 m²; with none either, 0. Without a size_max_m2 there is no limit.
 *
 * lc_siting_select() runs the same solvers on a coverage matrix given directly (tests, benchmarks,
 * or a distance mode that computes its own reach).
 */
#ifndef LIFECIRCLE_SITING_H
#define LIFECIRCLE_SITING_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/coverage.h"
#include "lifecircle/geometry.h"
#include "lifecircle/indicators.h"
#include "lifecircle/layer.h"
#include "lifecircle/network.h"
#include "lifecircle/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_siting_objective {
    LC_SITING_MCLP = 0, /* k sites maximising newly covered demand */
    LC_SITING_LSCP,     /* fewest sites reaching `target` coverage of the category */
    LC_SITING_UNITS     /* one site in every unit (街镇) without the category */
} lc_siting_objective;

typedef enum lc_solver_kind {
    LC_SOLVER_GREEDY = 0, /* greedy with lazy evaluation (CELF): fast, within 1 − 1/e of the optimum */
    LC_SOLVER_EXACT       /* integer program through GLPK (branch and cut) with a time limit */
} lc_solver_kind;

typedef struct lc_siting_options {
    lc_siting_objective objective;
    size_t category;          /* index of the profile category to site */
    size_t k;                 /* MCLP: number of new sites (≥ 1) */
    double target;            /* LSCP: coverage share of the whole population to reach, 0 < target ≤ 1 */
    double demand_spacing_m;  /* network mode: spacing of the demand points laid in the gaps (0: max(25, reach/20)) */
    double candidate_spacing_m; /* generated candidates: grid spacing and minimum spacing (0: max(50, reach/5)) */
    const lc_xy *candidates;  /* given candidate sites (working CRS), or NULL (layer or generated); borrowed */
    size_t ncandidates;
    lc_solver_kind solver;    /* LC_SOLVER_GREEDY (default) or LC_SOLVER_EXACT */
    double time_limit_s;      /* exact solver: time limit in seconds (0: 60 s) */
    int weight_pop60;         /* non-zero: demand is the registered 60+ (polygons without it weigh 0) */
    const lc_network *network;/* network mode (coverage computed along the network): the same walking
                                 network; borrowed for the call. Ignored in straight-line mode */
    int threads;              /* network mode: threads for the per-candidate searches (0: one per core) */
    const signed char *force; /* with `candidates`: [ncandidates] LC_FORCE_IN, LC_FORCE_OUT or 0; NULL:
                                 none forced. Layer candidates take theirs from the `status` field */
} lc_siting_options;

/* Forced candidates: a forced-in candidate is always among the proposals (it counts toward k for
 * mclp, and fills its unit for units); a forced-out one never is. The candidates layer's `status`
 * field (mapped like any other: candidates.fields.status) says force_in / 必选 or force_out / 排除;
 * empty means free. */
#define LC_FORCE_IN 1
#define LC_FORCE_OUT (-1)

/* One proposed site. */
typedef struct lc_proposal {
    size_t rank;            /* 1 = first; greedy: in the order chosen; exact: by newly covered demand */
    lc_xy site;             /* working CRS (0, 0 from lc_siting_select) */
    long candidate;         /* index among the candidates (given array or layer, or the matrix),
                               -1 for a generated site */
    long unit;              /* index of the unit it falls in, -1 outside every unit or without units */
    double new_pop;         /* demand it newly brings within reach, counting the sites ranked before */
    double cumulative_share;/* category coverage of the whole area after this site and those before */
    double floor_area_m2;   /* suggested floor area (see the header comment); 0 without a floor-area
                               norm or outside every unit */
    const char *candidate_id; /* the candidates layer's id of the site; NULL otherwise. Borrowed from
                                 the inputs, valid while they live */
    int size_bound;         /* -1: raised to the category's size_min_m2, -2: raised to the median floor
                               area of the study's facilities of the category (no size_min_m2 in the
                               profile), 1: cut to size_max_m2, 0: neither */
} lc_proposal;

/* A coverage matrix for lc_siting_select(): every array borrowed for the call. */
typedef struct lc_siting_matrix {
    size_t ndemand;
    const double *weight;   /* [ndemand] uncovered demand of each item (≥ 0) */
    size_t ncandidates;
    const size_t *start;    /* [ncandidates + 1] candidate j reaches entries start[j] .. start[j+1] − 1 */
    const size_t *demand;   /* [start[ncandidates]] the demand item of each entry (< ndemand) */
    const double *share;    /* [start[ncandidates]] share of that item the candidate reaches, 0..1;
                               NULL: every share 1 (point demand) */
    const long *group;      /* LC_SITING_UNITS: each candidate's group (unit); every group ≥ 0 gets one
                               site, candidates of group −1 none. May be NULL for other objectives */
    double total;           /* the population shares are measured against (0: Σ weight) */
    double covered;         /* demand covered before any new site (counted in the shares) */
    const signed char *force; /* [ncandidates] LC_FORCE_IN, LC_FORCE_OUT or 0; NULL: none forced */
} lc_siting_matrix;

typedef struct lc_siting lc_siting;

/* Proposes sites for the whole study. in, profile, coverage and indicators are borrowed for the
 * call (the result borrows candidate ids from in: keep in alive while reading them).
 * Returns NULL with LC_ERR_MISUSE (bad options), LC_ERR_UNSUPPORTED (network coverage without
 * options->network, the walking network it was computed on; or an exact problem too large for GLPK),
 * LC_ERR_DATA (weight_pop60 without any registered 60+), LC_ERR_GEOMETRY or LC_ERR_NOMEM. An LSCP
 * target the candidates cannot reach is not an error: the result says so (lc_siting_target_met,
 * lc_siting_reason). Caller frees with lc_siting_destroy(). */
LC_API lc_siting *lc_siting_solve(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                  const lc_coverage *coverage, const lc_indicators *indicators,
                                  const lc_siting_options *options);

/* Chooses sites on a coverage matrix m (borrowed for the call) with options o (objective, k,
 * target, solver, time_limit_s; the rest ignored). Proposals have candidate = the column index,
 * site (0, 0), unit −1, floor area 0, and new_pop / cumulative_share from the matrix. NULL with
 * LC_ERR_MISUSE (inconsistent matrix or options) or LC_ERR_NOMEM. Caller frees with
 * lc_siting_destroy(). */
LC_API lc_siting *lc_siting_select(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o);

/* The coverage matrix along the walking network: candidate j reaches demand point i when the walk
 * from j to i — the access leg from j to the network, along the edges, the access leg from the
 * network to i — is at most reach_m (share 1). Both sets attach with lc_network_snap(max_snap_m);
 * an off-network point reaches, or is reached by, nothing. One bounded pass of the network's
 * shortest-path search per candidate, or per demand point when there are fewer of those (the network
 * is undirected), on `threads` threads (0: one per core), each with a reach of its own
 * (lc_network_reach_rerun), distances measured as lc_network_reach_distance measures them. Parameters:
 *   net          — the network (borrowed for the call);
 *   cand, ncand  — candidate sites, working CRS (borrowed);
 *   dem, ndem    — demand points, working CRS (borrowed);
 *   start, demand — receive the CSR rows by candidate as in lc_siting_matrix, each row in increasing
 *                  demand order; caller frees both with lc_free().
 * LC_OK; LC_ERR_MISUSE (NULL arguments, reach not positive, more than 2^32 − 1 points or nodes) or
 * LC_ERR_NOMEM, with *start and *demand NULL. */
LC_API lc_status lc_siting_network_matrix(lc_context *ctx, const lc_network *net, const lc_xy *cand, size_t ncand,
                                          const lc_xy *dem, size_t ndem, double reach_m, double max_snap_m,
                                          int threads, size_t **start, size_t **demand);

/* Releases a result. Accepts NULL. */
LC_API void lc_siting_destroy(lc_siting *s);

/* Number of proposals and the i-th, by rank (borrowed, valid while s lives). */
LC_API size_t lc_siting_count(const lc_siting *s);
LC_API const lc_proposal *lc_siting_get(const lc_siting *s, size_t i);

/* The category's coverage of the whole area (share of the population, or of the registered 60+)
 * before and after the proposals. */
LC_API double lc_siting_share_before(const lc_siting *s);
LC_API double lc_siting_share_after(const lc_siting *s);

/* The median floor area (m²) of the study's existing facilities of the sited category that have one:
 * the smallest suggested floor area when the profile gives no size_min_m2. 0 when none has a floor
 * area, when the profile gives a size_min_m2, and for lc_siting_select. */
LC_API double lc_siting_typical_floor_area(const lc_siting *s);

/* The objective value the solver reached on its model: newly covered demand (mclp, units) or the
 * number of sites (lscp). */
LC_API double lc_siting_objective_value(const lc_siting *s);

/* The solver that gave the answer, e.g. "greedy (lazy evaluation)", "exact (GLPK, optimal)",
 * "exact (GLPK, time limit 60 s)", "greedy (GLPK found nothing better in 60 s)". Borrowed, valid
 * while s lives. */
LC_API const char *lc_siting_solver(const lc_siting *s);

/* The relative gap between the answer and the best bound known on the model's optimum (0: proven
 * optimal): the exact solver's LP relaxation and branch-and-cut bounds; for mclp also the bound a
 * greedy answer S carries, f(S) + the k largest single-site gains given S (the model is monotone
 * submodular). mclp and units: (bound − value) / value; lscp: (sites − lower bound) / sites. NAN
 * when no bound is known (greedy lscp and units). */
LC_API double lc_siting_gap(const lc_siting *s);

/* Before and after on one row of the indicators (a unit, or the whole area as the last row): demand
 * (population or registered 60+; a residential polygon counts in the unit holding most of it),
 * the part within reach, and the counted floor area (lc_indicators_floor_area) with the proposals'
 * suggested floor area added when the category counts toward the floor-area norm. */
typedef struct lc_siting_row {
    double demand;
    double covered_before;
    double covered_after;
    double floor_area_before_m2;
    double floor_area_after_m2;
    size_t new_sites;
} lc_siting_row;

/* Rows as lc_indicators_row_count() of the indicators given to lc_siting_solve (0 from
 * lc_siting_select), and row i (borrowed, valid while s lives; NULL past the end). */
LC_API size_t lc_siting_row_count(const lc_siting *s);
LC_API const lc_siting_row *lc_siting_row_get(const lc_siting *s, size_t row);

/* LSCP: non-zero when the target was reached; otherwise lc_siting_reason() says why
 * ("" when met). Other objectives: always non-zero. */
LC_API int lc_siting_target_met(const lc_siting *s);
LC_API const char *lc_siting_reason(const lc_siting *s);


#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_SITING_H */
