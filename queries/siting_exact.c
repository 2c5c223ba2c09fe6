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
 * LC_OK, LC_ERR_UNSUPPORTED (too large for GLPK's int indices) or LC_ERR_NOMEM. */
lc_status lc_sit_exact(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                       const selection *known, selection *sel, double *value, double *bound, int *status)
{
    size_t n = m->ncandidates, nd = m->ndemand;
    long *ycol = lc_calloc(ctx, nd ? nd : 1, sizeof *ycol); /* column of y_i (1-based), 0 when none */
    int *ia = NULL, *ja = NULL;
    size_t *forced_in = NULL;
    double *ar = NULL, *startx = NULL, *cov = NULL;
    glp_prob *P = NULL;
    lc_status st = LC_ERR_NOMEM;
    *status = GLP_UNDEF;
    *bound = NAN;
    sel->count = 0;
    if (!ycol)
        goto fail;
    size_t ny = 0, nnz = 0;
    double W = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (m->weight[m->demand[e]] > 0 && SHARE(m, e) > 0 && !ycol[m->demand[e]]) {
                ycol[m->demand[e]] = (long)(n + ++ny);
                W += m->weight[m->demand[e]];
            }
    for (size_t j = 0; j < n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            nnz += ycol[m->demand[e]] != 0 && SHARE(m, e) > 0;
    long maxg = -1;
    for (size_t j = 0; m->group && j < n; j++)
        maxg = m->group[j] > maxg ? m->group[j] : maxg;
    size_t extra = o->objective == LC_SITING_UNITS ? n : o->objective == LC_SITING_MCLP ? n : ny;
    size_t cap = nnz + ny + extra + 1;
    if (n + ny > INT32_MAX || cap > INT32_MAX) {
        st = lc_error(ctx, LC_ERR_UNSUPPORTED, "siting problem too large for the exact solver");
        goto fail;
    }
    ia = lc_calloc(ctx, cap, sizeof *ia);
    ja = lc_calloc(ctx, cap, sizeof *ja);
    ar = lc_calloc(ctx, cap, sizeof *ar);
    if (!ia || !ja || !ar)
        goto fail;
    P = glp_create_prob();
    glp_set_obj_dir(P, o->objective == LC_SITING_LSCP ? GLP_MIN : GLP_MAX);
    if (n + ny)
        glp_add_cols(P, (int)(n + ny));
    /* Units: a group holding forced-in candidates gets exactly those (the others closed). */
    forced_in = lc_calloc(ctx, (size_t)(maxg + 1) + 1, sizeof *forced_in);
    if (!forced_in)
        goto fail;
    for (size_t j = 0; m->group && j < n; j++)
        if (FORCE(m, j) == LC_FORCE_IN && m->group[j] >= 0)
            forced_in[m->group[j]]++;
    for (size_t j = 0; j < n; j++) {
        glp_set_col_kind(P, (int)j + 1, GLP_BV);
        if (o->objective == LC_SITING_UNITS && (!m->group || m->group[j] < 0 || forced_in[m->group[j]]))
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, 0, 0);
        if (FORCE(m, j))
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, FORCE(m, j) > 0, FORCE(m, j) > 0);
        if (o->objective == LC_SITING_LSCP)
            glp_set_obj_coef(P, (int)j + 1, 1.0);
    }
    for (size_t i = 0; i < nd; i++) {
        if (!ycol[i])
            continue;
        glp_set_col_bnds(P, (int)ycol[i], GLP_DB, 0, 1);
        glp_set_obj_coef(P, (int)ycol[i], o->objective == LC_SITING_LSCP ? -0.5 * m->weight[i] / W : m->weight[i]);
    }
    /* Rows 1..ny: y_i − Σ a_ij x_j ≤ 0 (row of item i = its y column − n). */
    size_t k = 0;
    if (ny)
        glp_add_rows(P, (int)ny);
    for (size_t i = 0; i < nd; i++)
        if (ycol[i]) {
            int row = (int)((size_t)ycol[i] - n);
            glp_set_row_bnds(P, row, GLP_UP, 0, 0);
            k++;
            ia[k] = row, ja[k] = (int)ycol[i], ar[k] = 1;
        }
    for (size_t j = 0; j < n; j++)
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (ycol[m->demand[e]] && SHARE(m, e) > 0) {
                k++;
                ia[k] = (int)((size_t)ycol[m->demand[e]] - n), ja[k] = (int)j + 1, ar[k] = -SHARE(m, e);
            }
    if (o->objective == LC_SITING_MCLP) {
        int row = glp_add_rows(P, 1);
        glp_set_row_bnds(P, row, GLP_UP, 0, (double)o->k);
        for (size_t j = 0; j < n; j++)
            k++, ia[k] = row, ja[k] = (int)j + 1, ar[k] = 1;
    } else if (o->objective == LC_SITING_LSCP) {
        int row = glp_add_rows(P, 1);
        glp_set_row_bnds(P, row, GLP_LO, lc_sit_lscp_need(m, total, o), 0);
        for (size_t i = 0; i < nd; i++)
            if (ycol[i])
                k++, ia[k] = row, ja[k] = (int)ycol[i], ar[k] = m->weight[i];
    } else {
        /* One row per group: groups are numbered 0..maxg; a group without candidates gets no row. */
        int *row_of = lc_calloc(ctx, (size_t)(maxg + 1) + 1, sizeof *row_of);
        if (!row_of)
            goto fail;
        for (size_t j = 0; m->group && j < n; j++) {
            long g = m->group[j];
            if (g < 0)
                continue;
            if (!row_of[g]) {
                double need_g = forced_in[g] ? (double)forced_in[g] : 1;
                row_of[g] = glp_add_rows(P, 1);
                glp_set_row_bnds(P, row_of[g], GLP_FX, need_g, need_g);
            }
            k++, ia[k] = row_of[g], ja[k] = (int)j + 1, ar[k] = 1;
        }
        free(row_of);
    }
    if (k)
        glp_load_matrix(P, (int)k, ia, ja, ar);
    /* The known answer as a full column vector: x from known, y_i = min(1, Σ shares). */
    startx = lc_calloc(ctx, n + ny + 1, sizeof *startx);
    cov = lc_calloc(ctx, nd ? nd : 1, sizeof *cov);
    if (!startx || !cov)
        goto fail;
    for (size_t q = 0; known && q < known->count; q++) {
        startx[known->chosen[q] + 1] = 1;
        lc_sit_open(m, cov, known->chosen[q]);
    }
    for (size_t i = 0; i < nd; i++)
        if (ycol[i])
            startx[ycol[i]] = cov[i];

    double tl = o->time_limit_s > 0 ? o->time_limit_s : 60, t0 = glp_time() / 1000.0;
    int lp_ok = 0, ret = GLP_ENOPFS;
    if (n) {
        glp_smcp sm;
        glp_init_smcp(&sm);
        sm.msg_lev = GLP_MSG_OFF; /* the library never prints */
        sm.presolve = GLP_ON;
        sm.tm_lim = tl * 1000 > INT32_MAX ? INT32_MAX : (int)(tl * 1000);
        lp_ok = glp_simplex(P, &sm) == 0 && glp_get_status(P) == GLP_OPT;
        if (lp_ok) {
            double lp = glp_get_obj_val(P);
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
        mip_info mi = {.start = known && known->count ? startx : NULL};
        parm.cb_func = mip_callback;
        parm.cb_info = &mi;
        ret = glp_intopt(P, &parm);
        if (mi.have_bound) {
            double b = o->objective == LC_SITING_LSCP ? ceil(mi.bound - 1e-6) : mi.bound;
            *bound = isnan(*bound) ? b : o->objective == LC_SITING_LSCP ? fmax(*bound, b) : fmin(*bound, b);
        }
    }
    *status = ret == 0 || ret == GLP_ETMLIM ? glp_mip_status(P) : GLP_UNDEF;
    if (*status == GLP_OPT || *status == GLP_FEAS) {
        double covered = 0;
        for (size_t j = 0; j < n; j++)
            if (glp_mip_col_val(P, (int)j + 1) > 0.5)
                sel->chosen[sel->count++] = j;
        for (size_t i = 0; i < nd; i++)
            if (ycol[i])
                covered += m->weight[i] * glp_mip_col_val(P, (int)ycol[i]);
        *value = o->objective == LC_SITING_LSCP ? (double)sel->count : covered;
        if (ret == GLP_ETMLIM && *status == GLP_OPT)
            *status = GLP_FEAS; /* an answer, not proven */
        if (*status == GLP_OPT)
            *bound = *value;
    }
    st = LC_OK;
fail:
    if (P)
        glp_delete_prob(P);
    free(forced_in);
    free(cov);
    free(startx);
    free(ar);
    free(ja);
    free(ia);
    free(ycol);
    return st;
}
