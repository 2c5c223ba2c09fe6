/*
 * queries/siting_int.h — what the files of the siting module share (include/lifecircle/siting.h is
 * the public side). The module is cut by purpose:
 *   siting.c             lc_siting_solve: from a finished check to proposals (the steps in order)
 *   siting_demand.c      demand: the gaps, and network mode's demand points
 *   siting_candidates.c  candidates: given, or generated in the gaps (grid points / network nodes)
 *   siting_matrix.c      the straight-line coverage matrix and the exact recount of the answer
 *   siting_network.c     the coverage matrix along the walking network
 *   siting_select.c      lc_siting_select: checks, the solvers in turn, ranking, the accessors
 *   siting_greedy.c      greedy with lazy evaluation (CELF)
 *   siting_exact.c       the Lagrangian bound and the exact integer program (GLPK)
 * Internal names start lc_sit_. Never included outside queries/siting*.c.
 */
#ifndef LIFECIRCLE_QUERIES_SITING_INT_H
#define LIFECIRCLE_QUERIES_SITING_INT_H

#include <geos_c.h>
#include <math.h>
#include <stddef.h>

#include "lifecircle/siting.h"

struct lc_siting {
    lc_proposal *items;
    size_t count, cap;
    double before, after;  /* shares of the whole population */
    double value;          /* the solver's objective value on its model */
    double gap;            /* exact: relative gap to the best bound; NAN otherwise */
    int target_met;
    lc_siting_row *rows;   /* lc_siting_solve: per indicator row */
    size_t nrows;
    char solver[96];
    char reason[512];
    double typical_m2;     /* median floor area of the study's facilities of the category (size_sites) */
};

/* ---- the model on a coverage matrix ------------------------------------------------------------ */

#define SHARE(m, e) ((m)->share ? (m)->share[e] : 1.0)
#define FORCE(m, j) ((m)->force ? (m)->force[j] : 0)

/* The model's coverage of demand item i is min(1, Σ shares of the open sites reaching it); the
 * demand newly covered by opening candidate j given the current coverage c. */
static inline double lc_sit_gain(const lc_siting_matrix *m, const double *c, size_t j)
{
    double s = 0;
    for (size_t e = m->start[j]; e < m->start[j + 1]; e++) {
        size_t i = m->demand[e];
        double now = c[i];
        if (now < 1)
            s += m->weight[i] * (fmin(1.0, now + SHARE(m, e)) - now);
    }
    return s;
}

/* Opens candidate j: adds its shares to c; returns the newly covered demand. */
static inline double lc_sit_open(const lc_siting_matrix *m, double *c, size_t j)
{
    double s = 0;
    for (size_t e = m->start[j]; e < m->start[j + 1]; e++) {
        size_t i = m->demand[e];
        double now = c[i], next = fmin(1.0, now + SHARE(m, e));
        s += m->weight[i] * (next - now);
        c[i] = next;
    }
    return s;
}

/* How much demand the objective asks for: LSCP stops once covered + new ≥ need. */
static inline double lc_sit_lscp_need(const lc_siting_matrix *m, double total, const lc_siting_options *o)
{
    return o->target * total - m->covered - 1e-9 * fmax(1.0, total);
}

/* A selection: the chosen candidates in rank order (chosen sized ncandidates by the caller). */
typedef struct selection {
    size_t *chosen;
    size_t count;
} selection;

/* qsort order of doubles, largest first. */
int lc_sit_desc(const void *a, const void *b);

/* Greedy with lazy evaluation (CELF), siting_greedy.c: a candidate's gain only shrinks as others
 * open (the model is submodular), so a recomputed gain that still tops the queue is the true best.
 * Fills sel. For mclp *bound is an upper bound on the optimum: the model is monotone submodular, so
 * for any set S, OPT ≤ f(S) + Σ of the k largest gains given S (Leskovec et al. 2007); taken at
 * S = ∅ and at the answer. NAN for the other objectives. LC_OK or LC_ERR_NOMEM. */
lc_status lc_sit_greedy(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                        selection *sel, double *value, double *bound);

/* The Lagrangian upper bound on the mclp optimum (siting_exact.c); NAN when out of memory. */
double lc_sit_lagrangian_bound(const lc_siting_matrix *m, size_t k, double lower, int iterations);

/* The exact integer program through GLPK (siting_exact.c), starting from `known`. *status is
 * GLP_OPT, GLP_FEAS or another GLPK status (no answer). LC_OK, LC_ERR_UNSUPPORTED or LC_ERR_NOMEM. */
lc_status lc_sit_exact(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                       const selection *known, selection *sel, double *value, double *bound, int *status);

/* The solver-independent core of lc_siting_select and lc_siting_solve (siting_select.c): runs the
 * chosen solver and fills s (proposals, before/after from the model, solver, gap, target). reach_m
 * > 0 names the reach in an infeasibility reason. */
lc_status lc_sit_select_into(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double reach_m,
                             lc_siting *s);

/* Checks options common to both entry points; fn names the caller in the message. */
lc_status lc_sit_check_options(lc_context *ctx, const lc_siting_options *o, const char *fn);

/* ---- demand and candidates ------------------------------------------------------------------- */

/* Demand items: the gaps of the residential polygons. */
typedef struct demand {
    size_t n;
    size_t *polygon;           /* residential polygon of each item */
    const GEOSGeometry **gap;  /* borrowed from the coverage */
    double *area;              /* area of the gap */
    double *w;                 /* uncovered demand */
} demand;

/* Demand points of network mode: each gap's uncovered demand split evenly over points of a square
 * grid (spacing apart, anchored on multiples of the spacing) inside it, or its point on surface
 * when the grid misses it. */
typedef struct points {
    size_t n, cap;
    lc_xy *xy;
    double *w;
    size_t *polygon; /* residential polygon of each point */
} points;

/* Candidates: sites with where they came from. */
typedef struct cands {
    size_t n, cap;
    lc_xy *xy;
    long *given; /* index among the given candidates (array or layer), -1 generated */
} cands;

/* Appends a candidate. LC_OK or LC_ERR_NOMEM. */
lc_status lc_sit_cand_add(lc_context *ctx, cands *c, double x, double y, long given);

/* Generated candidates of straight-line mode (grid points in the gaps), appended to c. */
lc_status lc_sit_generate(lc_context *ctx, const demand *d, double spacing, cands *c);

/* Generated candidates of network mode (network nodes in the gaps), appended to c. */
lc_status lc_sit_generate_nodes(lc_context *ctx, const demand *d, const points *p, const size_t *first,
                                const lc_network *net, double max_snap_m, double spacing, cands *c);

/* Lays the demand points of every gap of d into p (first[k] .. first[k+1] − 1 are gap k's; first
 * has d->n + 1 slots). LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
lc_status lc_sit_demand_points(lc_context *ctx, const demand *d, double spacing, points *p, size_t *first);

/* Replays the proposals on point demand, adding each point's newly covered demand to gained[]. */
lc_status lc_sit_point_recount(lc_context *ctx, const lc_siting *s, const lc_siting_matrix *m, double *gained);

/* ---- geometry --------------------------------------------------------------------------------- */

/* STRtree query callback (lc_sit_collect): collects item indices (items are index + 1). */
typedef struct hits {
    lc_context *ctx;
    size_t *idx;
    size_t n, cap;
    int nomem;
} hits;

void lc_sit_collect(void *item, void *data);

/* The reach of a site: a circle of radius r (32 segments per quarter, as coverage). Caller frees. */
GEOSGeometry *lc_sit_reach_circle(GEOSContextHandle_t h, lc_xy p, double r);

/* The straight-line coverage matrix (CSR by candidate) of candidates c over demand d within r
 * (siting_matrix.c). Arrays are the caller's (free()). LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
lc_status lc_sit_build_matrix(lc_context *ctx, const demand *d, const cands *c, double r, size_t **start,
                              size_t **dem, double **share);

/* Recomputes the proposals' newly covered demand exactly from the union of the chosen sites' reach
 * inside each gap (siting_matrix.c); adds each item's gain to gained[]. */
lc_status lc_sit_exact_recount(lc_context *ctx, lc_siting *s, const demand *d, const cands *c, const size_t *start,
                               const size_t *dem, const double *share, double r, double covered, double total,
                               double *gained);

#endif /* LIFECIRCLE_QUERIES_SITING_INT_H */
