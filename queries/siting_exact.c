/*
 * queries/siting_exact.c — the optimum of the siting model and bounds on it: the Lagrangian bound
 * (cheap, O(nonzeros) per step, for greedy and exact alike) and the integer program through GLPK,
 * started from the greedy answer so it never ends worse, within the time limit.
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

/* An upper bound on the mclp optimum by Lagrangian relaxation of the coverage constraints
 * y_i ≤ Σ_j s_ij x_j (y_i ≤ 1 the covered share of demand item i): for multipliers μ ≥ 0,
 *   L(μ) = Σ_i max(0, w_i − μ_i) + Σ over the open sites of c_j,  c_j = Σ_i μ_i s_ij,
 * where the sites are the forced-in ones and the k − |forced in| free ones of largest positive c_j,
 * bounds the optimum for every μ; its least value equals the LP relaxation's optimum (the
 * cardinality subproblem has integral solutions). Subgradient descent with Polyak steps toward
 * `lower` (a known feasible value) from μ = w, where L is the "k best single gains" bound; θ
 * halves after 10 steps without improvement. Stops after `iterations` steps, when θ is spent, or
 * within 1e-5 of lower. Returns the least L seen; NAN when out of memory. A bound for the greedy and
 * the exact solver alike, cheap next to an LP on large instances (O(nonzeros) per step). */
double lc_sit_lagrangian_bound(const lc_siting_matrix *m, size_t k, double lower, int iterations)
{
    size_t n = m->ncandidates, nd = m->ndemand;
    double *mu = malloc((nd ? nd : 1) * sizeof *mu), *g = malloc((nd ? nd : 1) * sizeof *g);
    double *c = malloc((n ? n : 1) * sizeof *c), *sorted = malloc((n ? n : 1) * sizeof *sorted);
    unsigned char *open = malloc(n ? n : 1);
    double best = NAN;
    if (!mu || !g || !c || !sorted || !open)
        goto done;
    size_t nin = 0;
    for (size_t j = 0; j < n; j++)
        nin += FORCE(m, j) == LC_FORCE_IN;
    size_t kfree = k > nin ? k - nin : 0;
    for (size_t i = 0; i < nd; i++)
        mu[i] = m->weight[i];
    double theta = 2;
    int stale = 0;
    best = INFINITY;
    for (int it = 0; it < iterations && theta > 1e-4; it++) {
        /* The subproblem: every site's value, then the forced ones and the kfree best free ones. */
        size_t nf = 0;
        for (size_t j = 0; j < n; j++) {
            double v = 0;
            for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
                v += mu[m->demand[e]] * SHARE(m, e);
            c[j] = v;
            if (!FORCE(m, j) && v > 0)
                sorted[nf++] = v;
        }
        double threshold = INFINITY; /* free sites with c_j above it open; ties at it fill up */
        if (kfree && nf) {
            qsort(sorted, nf, sizeof *sorted, lc_sit_desc);
            threshold = sorted[(kfree < nf ? kfree : nf) - 1];
        }
        double L = 0;
        size_t above = 0; /* free sites strictly above the threshold: all open; ties fill the rest */
        for (size_t j = 0; j < n; j++)
            above += !FORCE(m, j) && c[j] > threshold;
        for (size_t j = 0; j < n; j++) {
            int f = FORCE(m, j);
            if (f)
                open[j] = f == LC_FORCE_IN;
            else if (!(c[j] > 0) || c[j] < threshold)
                open[j] = 0;
            else if (c[j] > threshold)
                open[j] = 1;
            else
                open[j] = above < kfree ? (above++, 1) : 0;
            if (open[j])
                L += c[j];
        }
        for (size_t i = 0; i < nd; i++) {
            g[i] = m->weight[i] > mu[i] ? -1 : 0;
            L += fmax(0, m->weight[i] - mu[i]);
        }
        for (size_t j = 0; j < n; j++)
            if (open[j])
                for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
                    g[m->demand[e]] += SHARE(m, e);
        if (L < best) {
            best = L;
            stale = 0;
        } else if (++stale >= 10) {
            theta /= 2;
            stale = 0;
        }
        if (best - lower <= 1e-5 * fmax(1, fabs(lower)))
            break;
        double norm = 0;
        for (size_t i = 0; i < nd; i++)
            if (!(mu[i] <= 0 && g[i] > 0)) /* a multiplier held at 0 by the projection does not move */
                norm += g[i] * g[i];
        if (!(norm > 0))
            break; /* the subproblem's solution is feasible for the relaxed constraints: L is optimal */
        double step = theta * (L - lower) / norm;
        for (size_t i = 0; i < nd; i++)
            mu[i] = fmax(0, mu[i] - step * g[i]);
    }
done:
    free(mu), free(g), free(c), free(sorted), free(open);
    return best;
}

/* What the GLPK callback records: the best bound seen (in the model's objective). */
typedef struct mip_info {
    double bound;
    int have_bound;
    const double *start; /* [1..ncols] a known answer (the greedy one) to offer as first incumbent */
    int offered;
} mip_info;

/* GLPK's branch-and-cut callback: offers the greedy answer as the first incumbent (so the search
 * prunes from the start and never ends worse) and records the best bound. */
static void mip_callback(glp_tree *tree, void *info)
{
    mip_info *mi = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && mi->start && !mi->offered) {
        mi->offered = 1;
        glp_ios_heur_sol(tree, mi->start);
    }
    int b = glp_ios_best_node(tree);
    if (b) {
        mi->bound = glp_ios_node_bound(tree, b);
        mi->have_bound = 1;
    }
}

/* The integer program being built (see lc_sit_exact): y columns follow the n x columns; the
 * constraint matrix goes into ia/ja/ar[1..k] (GLPK's 1-based triplets). */
typedef struct exact_model {
    size_t n, nd;       /* candidates, demand items */
    long *ycol;         /* [nd] column of y_i (1-based), 0 when no candidate reaches item i */
    size_t ny, nnz;     /* y columns, coverage coefficients */
    double W;           /* Σ w of the items with a y column */
    long maxg;          /* the largest group number (units), -1 without groups */
    size_t *forced_in;  /* [maxg + 2] forced-in candidates per group */
    int *ia, *ja;
    double *ar;
    size_t k;
    glp_prob *P;
} exact_model;

/* Numbers the y columns (an item some candidate reaches with a positive share and weight) and counts
 * the coverage coefficients, W and the groups: the problem's size, known before anything is built. */
static void exact_count(const lc_siting_matrix *m, exact_model *x)
{
    for (size_t j = 0; j < x->n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (m->weight[m->demand[e]] > 0 && SHARE(m, e) > 0 && !x->ycol[m->demand[e]]) {
                x->ycol[m->demand[e]] = (long)(x->n + ++x->ny);
                x->W += m->weight[m->demand[e]];
            }
    for (size_t j = 0; j < x->n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            x->nnz += x->ycol[m->demand[e]] != 0 && SHARE(m, e) > 0;
    x->maxg = -1;
    for (size_t j = 0; m->group && j < x->n; j++)
        x->maxg = m->group[j] > x->maxg ? m->group[j] : x->maxg;
}

/* The columns' kinds, bounds and objective: x_j binary (fixed when forced, or closed outside the groups
 * in units), y_i in [0, 1] weighted by w_i (in lscp −½ w_i / W, the tie-break). */
static void exact_columns(const lc_siting_matrix *m, const lc_siting_options *o, exact_model *x)
{
    glp_prob *P = x->P;
    for (size_t j = 0; j < x->n; j++) {
        glp_set_col_kind(P, (int)j + 1, GLP_BV);
        if (o->objective == LC_SITING_UNITS && (!m->group || m->group[j] < 0 || x->forced_in[m->group[j]]))
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, 0, 0);
        if (FORCE(m, j))
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, FORCE(m, j) > 0, FORCE(m, j) > 0);
        if (o->objective == LC_SITING_LSCP)
            glp_set_obj_coef(P, (int)j + 1, 1.0);
    }
    for (size_t i = 0; i < x->nd; i++) {
        if (!x->ycol[i])
            continue;
        glp_set_col_bnds(P, (int)x->ycol[i], GLP_DB, 0, 1);
        glp_set_obj_coef(P, (int)x->ycol[i],
                         o->objective == LC_SITING_LSCP ? -0.5 * m->weight[i] / x->W : m->weight[i]);
    }
}

/* Rows 1..ny: y_i − Σ a_ij x_j ≤ 0 (row of item i = its y column − n). */
static void exact_coverage_rows(const lc_siting_matrix *m, exact_model *x)
{
    size_t n = x->n;
    if (x->ny)
        glp_add_rows(x->P, (int)x->ny);
    for (size_t i = 0; i < x->nd; i++)
        if (x->ycol[i]) {
            int row = (int)((size_t)x->ycol[i] - n);
            glp_set_row_bnds(x->P, row, GLP_UP, 0, 0);
            x->k++;
            x->ia[x->k] = row, x->ja[x->k] = (int)x->ycol[i], x->ar[x->k] = 1;
        }
    for (size_t j = 0; j < n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (x->ycol[m->demand[e]] && SHARE(m, e) > 0) {
                x->k++;
                x->ia[x->k] = (int)((size_t)x->ycol[m->demand[e]] - n), x->ja[x->k] = (int)j + 1;
                x->ar[x->k] = -SHARE(m, e);
            }
}

/* Units: one row per group, Σ_{j ∈ g} x_j = 1 (or the group's forced-in count); groups are numbered
 * 0..maxg; a group without candidates gets no row. LC_OK or LC_ERR_NOMEM. */
static lc_status exact_group_rows(lc_context *ctx, const lc_siting_matrix *m, exact_model *x)
{
    int *row_of = lc_calloc(ctx, (size_t)(x->maxg + 1) + 1, sizeof *row_of);
    if (!row_of)
        return LC_ERR_NOMEM;
    for (size_t j = 0; m->group && j < x->n; j++) {
        long g = m->group[j];
        if (g < 0)
            continue;
        if (!row_of[g]) {
            double need_g = x->forced_in[g] ? (double)x->forced_in[g] : 1;
            row_of[g] = glp_add_rows(x->P, 1);
            glp_set_row_bnds(x->P, row_of[g], GLP_FX, need_g, need_g);
        }
        x->k++, x->ia[x->k] = row_of[g], x->ja[x->k] = (int)j + 1, x->ar[x->k] = 1;
    }
    free(row_of);
    return LC_OK;
}

/* The objective's own row: mclp Σ x_j ≤ k, lscp Σ w_i y_i ≥ need, units the group rows; then the
 * matrix is loaded. LC_OK or LC_ERR_NOMEM. */
static lc_status exact_objective_rows(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o,
                                      double total, exact_model *x)
{
    if (o->objective == LC_SITING_MCLP) {
        int row = glp_add_rows(x->P, 1);
        glp_set_row_bnds(x->P, row, GLP_UP, 0, (double)o->k);
        for (size_t j = 0; j < x->n; j++)
            x->k++, x->ia[x->k] = row, x->ja[x->k] = (int)j + 1, x->ar[x->k] = 1;
    } else if (o->objective == LC_SITING_LSCP) {
        int row = glp_add_rows(x->P, 1);
        glp_set_row_bnds(x->P, row, GLP_LO, lc_sit_lscp_need(m, total, o), 0);
        for (size_t i = 0; i < x->nd; i++)
            if (x->ycol[i])
                x->k++, x->ia[x->k] = row, x->ja[x->k] = (int)x->ycol[i], x->ar[x->k] = m->weight[i];
    } else if (exact_group_rows(ctx, m, x) != LC_OK) {
        return LC_ERR_NOMEM;
    }
    if (x->k)
        glp_load_matrix(x->P, (int)x->k, x->ia, x->ja, x->ar);
    return LC_OK;
}

/* Builds the whole program into x (sized by exact_count first). LC_OK, LC_ERR_UNSUPPORTED (too large
 * for GLPK's int indices) or LC_ERR_NOMEM; x's arrays are freed by the caller either way. */
static lc_status exact_build(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                             exact_model *x)
{
    size_t n = x->n;
    exact_count(m, x);
    size_t extra = o->objective == LC_SITING_UNITS ? n : o->objective == LC_SITING_MCLP ? n : x->ny;
    size_t cap = x->nnz + x->ny + extra + 1;
    if (n + x->ny > INT32_MAX || cap > INT32_MAX)
        return lc_error(ctx, LC_ERR_UNSUPPORTED, "siting problem too large for the exact solver");
    x->ia = lc_calloc(ctx, cap, sizeof *x->ia);
    x->ja = lc_calloc(ctx, cap, sizeof *x->ja);
    x->ar = lc_calloc(ctx, cap, sizeof *x->ar);
    if (!x->ia || !x->ja || !x->ar)
        return LC_ERR_NOMEM;
    x->P = glp_create_prob();
    glp_set_obj_dir(x->P, o->objective == LC_SITING_LSCP ? GLP_MIN : GLP_MAX);
    if (n + x->ny)
        glp_add_cols(x->P, (int)(n + x->ny));
    /* Units: a group holding forced-in candidates gets exactly those (the others closed). */
    x->forced_in = lc_calloc(ctx, (size_t)(x->maxg + 1) + 1, sizeof *x->forced_in);
    if (!x->forced_in)
        return LC_ERR_NOMEM;
    for (size_t j = 0; m->group && j < n; j++)
        if (FORCE(m, j) == LC_FORCE_IN && m->group[j] >= 0)
            x->forced_in[m->group[j]]++;
    exact_columns(m, o, x);
    exact_coverage_rows(m, x);
    return exact_objective_rows(ctx, m, o, total, x);
}

/* The known answer as a full column vector [1..n+ny]: x from known, y_i = min(1, Σ shares); NULL with
 * LC_ERR_NOMEM. */
static double *exact_start(lc_context *ctx, const lc_siting_matrix *m, const selection *known, const exact_model *x)
{
    double *startx = lc_calloc(ctx, x->n + x->ny + 1, sizeof *startx);
    double *cov = lc_calloc(ctx, x->nd ? x->nd : 1, sizeof *cov);
    if (!startx || !cov) {
        free(startx);
        free(cov);
        return NULL;
    }
    for (size_t q = 0; known && q < known->count; q++) {
        startx[known->chosen[q] + 1] = 1;
        lc_sit_open(m, cov, known->chosen[q]);
    }
    for (size_t i = 0; i < x->nd; i++)
        if (x->ycol[i])
            startx[x->ycol[i]] = cov[i];
    free(cov);
    return startx;
}

/* Solves the built program: the LP relaxation (its optimum a bound), then branch and cut from startx
 * (NULL: no incumbent offered) in the time left of the limit. Returns glp_intopt's code (GLP_ENOPFS when
 * it did not run); *bound the best bound, NAN when none. */
static int exact_solve(const lc_siting_options *o, const exact_model *x, const double *startx, double *bound)
{
    double tl = o->time_limit_s > 0 ? o->time_limit_s : 60, t0 = glp_time() / 1000.0;
    int lp_ok = 0, ret = GLP_ENOPFS;
    if (x->n) {
        glp_smcp sm;
        glp_init_smcp(&sm);
        sm.msg_lev = GLP_MSG_OFF; /* the library never prints */
        sm.presolve = GLP_ON;
        sm.tm_lim = tl * 1000 > INT32_MAX ? INT32_MAX : (int)(tl * 1000);
        lp_ok = glp_simplex(x->P, &sm) == 0 && glp_get_status(x->P) == GLP_OPT;
        if (lp_ok) {
            double lp = glp_get_obj_val(x->P);
            *bound = o->objective == LC_SITING_LSCP ? ceil(lp - 1e-6) : lp;
        }
    }
    double left = tl - (glp_time() / 1000.0 - t0);
    if (lp_ok && left > 0) {
        glp_iocp parm;
        glp_init_iocp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        parm.presolve = GLP_OFF; /* the LP basis is there: branch and cut on the problem as built */
        parm.tm_lim = left * 1000 > INT32_MAX ? INT32_MAX : (int)(left * 1000);
        mip_info mi = {.start = startx};
        parm.cb_func = mip_callback;
        parm.cb_info = &mi;
        ret = glp_intopt(x->P, &parm);
        if (mi.have_bound) {
            double b = o->objective == LC_SITING_LSCP ? ceil(mi.bound - 1e-6) : mi.bound;
            *bound = isnan(*bound) ? b : o->objective == LC_SITING_LSCP ? fmax(*bound, b) : fmin(*bound, b);
        }
    }
    return ret;
}

/* Reads the integer answer after glp_intopt returned ret: the open sites into sel, their value (lscp:
 * how many; else the demand covered), *status GLP_OPT only when proven (then *bound = *value). */
static void exact_answer(const lc_siting_matrix *m, const lc_siting_options *o, const exact_model *x, int ret,
                         selection *sel, double *value, double *bound, int *status)
{
    *status = ret == 0 || ret == GLP_ETMLIM ? glp_mip_status(x->P) : GLP_UNDEF;
    if (*status != GLP_OPT && *status != GLP_FEAS)
        return;
    double covered = 0;
    for (size_t j = 0; j < x->n; j++)
        if (glp_mip_col_val(x->P, (int)j + 1) > 0.5)
            sel->chosen[sel->count++] = j;
    for (size_t i = 0; i < x->nd; i++)
        if (x->ycol[i])
            covered += m->weight[i] * glp_mip_col_val(x->P, (int)x->ycol[i]);
    *value = o->objective == LC_SITING_LSCP ? (double)sel->count : covered;
    if (ret == GLP_ETMLIM && *status == GLP_OPT)
        *status = GLP_FEAS; /* an answer, not proven */
    if (*status == GLP_OPT)
        *bound = *value;
}

/* The exact integer program through GLPK:
 *   x_j ∈ {0,1} opens candidate j; 0 ≤ y_i ≤ 1 is the covered share of demand item i (only items
 *   some candidate reaches); y_i − Σ_j a_ij x_j ≤ 0.
 *   mclp:  max Σ w_i y_i            s.t. Σ x_j ≤ k
 *   units: max Σ w_i y_i            s.t. Σ_{j ∈ g} x_j = 1 for every group g (x_j = 0 outside groups)
 *   lscp:  min Σ x_j − ½ Σ w_i y_i / W  s.t. Σ w_i y_i ≥ need   (the second term, < 1, only breaks
 *          ties between equally small answers in favour of more coverage; W = Σ w of the items)
 * The LP relaxation is solved first (its optimum bounds the answer), then branch and cut starts from
 * known (the greedy answer) as incumbent; time_limit_s bounds both together. On return *status is
 * GLP_OPT (proven), GLP_FEAS (time limit with an answer) or something else (no answer); sel holds
 * the open sites; *bound the best bound on the model's objective (NAN when none).
 * LC_OK, LC_ERR_UNSUPPORTED (too large for GLPK's int indices) or LC_ERR_NOMEM. The steps are helpers above:
 * sizing and building the program (exact_build), the incumbent (exact_start), solving (exact_solve) and
 * reading the answer (exact_answer). */
lc_status lc_sit_exact(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                       const selection *known, selection *sel, double *value, double *bound, int *status)
{
    exact_model x = {.n = m->ncandidates, .nd = m->ndemand};
    double *startx = NULL;
    lc_status st = LC_ERR_NOMEM;
    *status = GLP_UNDEF;
    *bound = NAN;
    sel->count = 0;
    x.ycol = lc_calloc(ctx, x.nd ? x.nd : 1, sizeof *x.ycol);
    if (!x.ycol)
        goto done;
    if ((st = exact_build(ctx, m, o, total, &x)) != LC_OK)
        goto done;
    st = LC_ERR_NOMEM;
    if (!(startx = exact_start(ctx, m, known, &x)))
        goto done;
    int ret = exact_solve(o, &x, known && known->count ? startx : NULL, bound);
    exact_answer(m, o, &x, ret, sel, value, bound, status);
    st = LC_OK;
done:
    if (x.P)
        glp_delete_prob(x.P);
    free(x.forced_in);
    free(startx);
    free(x.ar);
    free(x.ja);
    free(x.ia);
    free(x.ycol);
    return st;
}
