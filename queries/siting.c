/*
 * queries/siting.c — proposals for new facilities (include/lifecircle/siting.h). Two halves: the
 * geometry (demand = the coverage gaps, candidates given, from the candidates layer or on a grid in
 * the gaps, and the sparse candidate × gap coverage matrix found through an STRtree), and the
 * solvers on that matrix (greedy with lazy evaluation, CELF; the exact integer program through
 * GLPK). Writing proposals is outputs/proposals.c's job; the demand model and its limits are
 * described in siting.h.
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
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
};

void lc_siting_destroy(lc_siting *s)
{
    if (!s)
        return;
    free(s->items);
    free(s->rows);
    free(s);
}

/* ---- solvers on a coverage matrix ----------------------------------------------------------- */

#define SHARE(m, e) ((m)->share ? (m)->share[e] : 1.0)
#define FORCE(m, j) ((m)->force ? (m)->force[j] : 0)

/* The model's coverage of demand item i is min(1, Σ shares of the open sites reaching it); the
 * demand newly covered by opening candidate j given the current coverage c. */
static double gain(const lc_siting_matrix *m, const double *c, size_t j)
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
static double open_site(const lc_siting_matrix *m, double *c, size_t j)
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

/* A max-heap of (gain, candidate) for lazy greedy. */
typedef struct entry {
    double gain;
    size_t cand;
} entry;

static int entry_less(entry a, entry b)
{
    return a.gain < b.gain || (a.gain == b.gain && a.cand > b.cand); /* ties: lower index first */
}

static void heap_push(entry *h, size_t *n, entry e)
{
    size_t i = (*n)++;
    h[i] = e;
    while (i && entry_less(h[(i - 1) / 2], h[i])) {
        entry t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static entry heap_pop(entry *h, size_t *n)
{
    entry top = h[0];
    h[0] = h[--(*n)];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && entry_less(h[m], h[l]))
            m = l;
        if (r < *n && entry_less(h[m], h[r]))
            m = r;
        if (m == i)
            break;
        entry t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

/* A selection: the chosen candidates in rank order. */
typedef struct selection {
    size_t *chosen;
    size_t count;
} selection;

/* How much demand the objective asks for: LSCP stops once covered + new ≥ need. */
static double lscp_need(const lc_siting_matrix *m, double total, const lc_siting_options *o)
{
    return o->target * total - m->covered - 1e-9 * fmax(1.0, total);
}

/* Greedy with lazy evaluation (CELF): a candidate's gain only shrinks as others open (the model is
 * submodular), so a recomputed gain that still tops the queue is the true best. Fills sel (sized
 * ncandidates by the caller). groups: UNITS filter (filled[g] once group g has its site). For mclp
 * *bound is an upper bound on the optimum: the model is monotone submodular, so for any set S,
 * OPT ≤ f(S) + Σ of the k largest gains given S (Leskovec et al. 2007); taken at S = ∅ and at the
 * answer. NAN for the other objectives. Returns LC_OK or LC_ERR_NOMEM. */
static int desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Σ of the k largest gains of every candidate given coverage c (scratch: ncandidates doubles). */
static double top_k_gains(const lc_siting_matrix *m, const double *c, size_t k, double *scratch)
{
    for (size_t j = 0; j < m->ncandidates; j++)
        scratch[j] = gain(m, c, j);
    qsort(scratch, m->ncandidates, sizeof *scratch, desc);
    double s = 0;
    for (size_t j = 0; j < k && j < m->ncandidates; j++)
        s += scratch[j];
    return s;
}

static lc_status greedy(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                        selection *sel, double *value, double *bound)
{
    double *c = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *c);
    entry *heap = lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof *heap);
    long maxg = -1;
    for (size_t j = 0; m->group && j < m->ncandidates; j++)
        maxg = m->group[j] > maxg ? m->group[j] : maxg;
    unsigned char *filled = lc_calloc(ctx, (size_t)(maxg + 1) + 1, 1);
    lc_status st = LC_ERR_NOMEM;
    if (!c || !heap || !filled)
        goto fail;
    size_t hn = 0;
    double got = 0, need = lscp_need(m, total, o);
    sel->count = 0;
    /* Forced-in candidates open first, in index order; forced-out ones never enter the queue. */
    for (size_t j = 0; j < m->ncandidates; j++)
        if (FORCE(m, j) == LC_FORCE_IN) {
            got += open_site(m, c, j);
            sel->chosen[sel->count++] = j;
            if (o->objective == LC_SITING_UNITS && m->group && m->group[j] >= 0)
                filled[m->group[j]] = 1;
        }
    for (size_t j = 0; j < m->ncandidates; j++) {
        if (o->objective == LC_SITING_UNITS && (!m->group || m->group[j] < 0))
            continue;
        if (FORCE(m, j))
            continue;
        heap_push(heap, &hn, (entry){gain(m, c, j), j});
    }
    while (hn) {
        if (o->objective == LC_SITING_MCLP && sel->count >= o->k)
            break;
        if (o->objective == LC_SITING_LSCP && got >= need)
            break;
        if (o->objective != LC_SITING_UNITS && heap[0].gain <= 0)
            break; /* stored gains are upper bounds: nothing more can be covered */
        entry e = heap_pop(heap, &hn);
        if (o->objective == LC_SITING_UNITS && filled[m->group[e.cand]])
            continue;
        double now = gain(m, c, e.cand);
        if (now <= 0 && o->objective != LC_SITING_UNITS)
            continue; /* adds nothing any more; drop it */
        if (hn && now < heap[0].gain) {
            heap_push(heap, &hn, (entry){now, e.cand});
            continue;
        }
        got += open_site(m, c, e.cand);
        sel->chosen[sel->count++] = e.cand;
        if (o->objective == LC_SITING_UNITS)
            filled[m->group[e.cand]] = 1;
    }
    *value = o->objective == LC_SITING_LSCP ? (double)sel->count : got;
    *bound = NAN;
    if (o->objective == LC_SITING_MCLP) {
        double *scratch = lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof *scratch);
        double *zero = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *zero);
        if (!scratch || !zero) {
            free(scratch), free(zero);
            goto fail;
        }
        *bound = fmin(top_k_gains(m, zero, o->k, scratch), got + top_k_gains(m, c, o->k, scratch));
        free(scratch), free(zero);
    }
    st = LC_OK;
fail:
    free(filled);
    free(heap);
    free(c);
    return st;
}

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
static double lagrangian_bound(const lc_siting_matrix *m, size_t k, double lower, int iterations)
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
            qsort(sorted, nf, sizeof *sorted, desc);
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
static lc_status exact(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
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
        glp_set_row_bnds(P, row, GLP_LO, lscp_need(m, total, o), 0);
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
        open_site(m, cov, known->chosen[q]);
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

/* Appends proposals for sel in rank order: greedy order is kept; an exact answer is ranked by
 * replaying greedy over the chosen sites (largest marginal gain first). Fills new_pop and
 * cumulative_share from the model; drop_idle leaves out sites that add nothing. */
static lc_status rank_proposals(lc_context *ctx, lc_siting *s, const lc_siting_matrix *m, selection *sel,
                                double total, int reorder, int drop_idle)
{
    double *c = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *c);
    if (!c)
        return LC_ERR_NOMEM;
    if (lc_grow(ctx, (void **)&s->items, &s->cap, sel->count ? sel->count : 1, sizeof *s->items) != LC_OK) {
        free(c);
        return LC_ERR_NOMEM;
    }
    double cum = m->covered;
    for (size_t r = 0; r < sel->count; r++) {
        if (reorder) {
            size_t best = r;
            double bg = -1;
            for (size_t q = r; q < sel->count; q++) {
                double g = gain(m, c, sel->chosen[q]);
                if (g > bg || (g == bg && sel->chosen[q] < sel->chosen[best]))
                    bg = g, best = q;
            }
            size_t t = sel->chosen[r];
            sel->chosen[r] = sel->chosen[best];
            sel->chosen[best] = t;
        }
        double g = open_site(m, c, sel->chosen[r]);
        if (drop_idle && g <= 0 && FORCE(m, sel->chosen[r]) != LC_FORCE_IN)
            continue; /* adds nothing (an exact mclp may open idle sites); forced ones stay */
        cum += g;
        s->items[s->count] = (lc_proposal){.rank = s->count + 1, .candidate = (long)sel->chosen[r], .unit = -1,
                                             .new_pop = g, .cumulative_share = total > 0 ? cum / total : NAN};
        s->count++;
    }
    free(c);
    return LC_OK;
}

/* The solver-independent core of lc_siting_select and lc_siting_solve: runs the chosen solver and
 * fills s (proposals, before/after from the model, solver, gap, target). reach_m > 0 names the
 * reach in an infeasibility reason. */
static lc_status select_into(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double reach_m,
                             lc_siting *s)
{
    size_t nin = 0;
    for (size_t j = 0; j < m->ncandidates; j++)
        nin += FORCE(m, j) == LC_FORCE_IN;
    if (o->objective == LC_SITING_MCLP && nin > o->k)
        return lc_error(ctx, LC_ERR_MISUSE, "%zu candidates are forced in, more than the %zu sites asked for (k)", nin,
                        o->k);
    double total = m->total > 0 ? m->total : 0;
    if (!(total > 0))
        for (size_t i = 0; i < m->ndemand; i++)
            total += m->weight[i];
    total = total > 0 ? total : 0;
    selection gsel = {lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof(size_t)), 0};
    selection xsel = {NULL, 0};
    lc_status st = LC_ERR_NOMEM;
    if (!gsel.chosen)
        goto fail;
    s->before = total > 0 ? m->covered / total : NAN;
    s->gap = NAN;
    s->target_met = 1;
    if (o->objective == LC_SITING_LSCP) {
        /* Feasible at all? Everything open covers Σ w_i min(1, Σ_j a_ij). */
        double *c = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *c);
        if (!c)
            goto fail;
        double best = 0;
        for (size_t j = 0; j < m->ncandidates; j++)
            if (FORCE(m, j) != LC_FORCE_OUT)
                best += open_site(m, c, j);
        double unreachable = 0;
        for (size_t i = 0; i < m->ndemand; i++)
            unreachable += m->weight[i] * (1 - c[i]);
        free(c);
        if (best < lscp_need(m, total, o)) {
            s->target_met = 0;
            char within[64] = "";
            if (reach_m > 0)
                snprintf(within, sizeof within, " within %.0f m", reach_m);
            snprintf(s->reason, sizeof s->reason,
                     "target %.1f%% is out of reach: %.0f residents are not%s of any candidate site (best possible "
                     "%.1f%% with every candidate open)",
                     o->target * 100, unreachable, within, total > 0 ? 100 * (m->covered + best) / total : 0.0);
        }
    }
    double gval = 0, xval = 0, gbound = NAN, xbound = NAN;
    /* An unreachable lscp target: greedy still proposes the sites that get closest. */
    lc_siting_options go = *o;
    if (!s->target_met)
        go.target = 2; /* never met: greedy opens every site that adds anything */
    if ((st = greedy(ctx, m, &go, total, &gsel, &gval, &gbound)) != LC_OK)
        goto fail;
    if (o->objective == LC_SITING_MCLP) {
        double lb = lagrangian_bound(m, o->k, gval, 300);
        if (isnan(lb)) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory: siting bound");
            goto fail;
        }
        gbound = isnan(gbound) ? lb : fmin(gbound, lb);
    }
    selection *use = &gsel;
    int reorder = 0;
    double value = gval, bound = gbound;
    snprintf(s->solver, sizeof s->solver, "greedy (lazy evaluation)");
    if (o->solver == LC_SOLVER_EXACT && s->target_met) {
        int status;
        xsel.chosen = lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof(size_t));
        if (!xsel.chosen) {
            st = LC_ERR_NOMEM;
            goto fail;
        }
        if ((st = exact(ctx, m, o, total, &gsel, &xsel, &xval, &xbound, &status)) != LC_OK)
            goto fail;
        if (!isnan(xbound))
            bound = isnan(bound) ? xbound : o->objective == LC_SITING_LSCP ? fmax(bound, xbound) : fmin(bound, xbound);
        double tl = o->time_limit_s > 0 ? o->time_limit_s : 60;
        int better = o->objective == LC_SITING_LSCP ? xval <= gval : xval >= gval - 1e-9 * fmax(1.0, gval);
        if ((status == GLP_OPT || status == GLP_FEAS) && better) {
            use = &xsel;
            reorder = 1;
            value = xval;
            if (status == GLP_OPT)
                bound = xval;
            snprintf(s->solver, sizeof s->solver, status == GLP_OPT ? "exact (GLPK, optimal)" : "exact (GLPK, time limit %g s)",
                     tl);
        } else {
            /* Nothing better within the time limit: the greedy answer stands, with the best bound. */
            snprintf(s->solver, sizeof s->solver, "greedy (GLPK found nothing better in %g s)", tl);
        }
    } else if (o->solver == LC_SOLVER_EXACT) {
        snprintf(s->solver, sizeof s->solver, "greedy (target out of reach: exact solver not run)");
    }
    s->value = value;
    if (!isnan(bound))
        s->gap = o->objective == LC_SITING_LSCP ? fmax(0, (value - bound) / fmax(value, 1))
                                                : fmax(0, (bound - value) / fmax(fabs(value), 1e-9));
    if ((st = rank_proposals(ctx, s, m, use, total, reorder, reorder && o->objective == LC_SITING_MCLP)) != LC_OK)
        goto fail;
    double after = m->covered;
    for (size_t i = 0; i < s->count; i++)
        after += s->items[i].new_pop;
    s->after = total > 0 ? after / total : NAN;
    if (o->objective == LC_SITING_LSCP && s->target_met && total > 0 && after < lscp_need(m, total, o) + m->covered) {
        s->target_met = 0; /* cannot happen when feasible; kept as a guard */
        snprintf(s->reason, sizeof s->reason, "target %.1f%% not reached", o->target * 100);
    }
    st = LC_OK;
fail:
    free(xsel.chosen);
    free(gsel.chosen);
    return st;
}

/* Checks a matrix for consistency; LC_OK or LC_ERR_MISUSE naming the problem. */
static lc_status check_matrix(lc_context *ctx, const lc_siting_matrix *m)
{
    if (!m->weight && m->ndemand)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: weight is required");
    if (!m->start || (m->start[m->ncandidates] && !m->demand))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: start and demand are required");
    for (size_t i = 0; i < m->ndemand; i++)
        if (!(m->weight[i] >= 0))
            return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: weight[%zu] is negative or not a number", i);
    for (size_t j = 0; m->force && j < m->ncandidates; j++)
        if (m->force[j] != 0 && m->force[j] != LC_FORCE_IN && m->force[j] != LC_FORCE_OUT)
            return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: force[%zu] is %d (LC_FORCE_IN, LC_FORCE_OUT or 0)",
                            j, m->force[j]);
    for (size_t j = 0; j < m->ncandidates; j++) {
        if (m->start[j + 1] < m->start[j])
            return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: start[] decreases at candidate %zu", j);
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (m->demand[e] >= m->ndemand || !(SHARE(m, e) >= 0 && SHARE(m, e) <= 1))
                return lc_error(ctx, LC_ERR_MISUSE,
                                "lc_siting_select: entry %zu of candidate %zu has a demand index or share out of range",
                                e, j);
    }
    return LC_OK;
}

/* Checks options common to both entry points. */
static lc_status check_options(lc_context *ctx, const lc_siting_options *o, const char *fn)
{
    if ((o->objective == LC_SITING_LSCP && !(o->target > 0 && o->target <= 1)) ||
        (o->objective == LC_SITING_MCLP && o->k == 0) || (unsigned)o->objective > LC_SITING_UNITS ||
        (unsigned)o->solver > LC_SOLVER_EXACT || !(o->time_limit_s >= 0))
        return lc_error(ctx, LC_ERR_MISUSE,
                        "%s: bad options (k ≥ 1 for mclp, 0 < target ≤ 1 for lscp, a known objective and solver, "
                        "time limit ≥ 0)", fn);
    return LC_OK;
}

lc_siting *lc_siting_select(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o)
{
    if (!ctx)
        return NULL;
    if (!m || !o) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: matrix and options are required");
        return NULL;
    }
    if (check_options(ctx, o, "lc_siting_select") != LC_OK || check_matrix(ctx, m) != LC_OK)
        return NULL;
    if (o->objective == LC_SITING_UNITS && !m->group) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: the units objective needs candidate groups");
        return NULL;
    }
    lc_siting *s = lc_calloc(ctx, 1, sizeof *s);
    if (!s)
        return NULL;
    if (select_into(ctx, m, o, 0, s) != LC_OK) {
        lc_siting_destroy(s);
        return NULL;
    }
    return s;
}

/* ---- the geometry: demand, candidates, coverage matrix -------------------------------------- */

/* Demand items: the gaps of the residential polygons. */
typedef struct demand {
    size_t n;
    size_t *polygon;           /* residential polygon of each item */
    const GEOSGeometry **gap;  /* borrowed from the coverage */
    double *area;              /* area of the gap */
    double *w;                 /* uncovered demand */
} demand;

/* Candidates: sites with where they came from. */
typedef struct cands {
    size_t n, cap;
    lc_xy *xy;
    long *given; /* index among the given candidates (array or layer), -1 generated */
} cands;

static lc_status cand_add(lc_context *ctx, cands *c, double x, double y, long given)
{
    size_t cap = c->cap;
    if (lc_grow(ctx, (void **)&c->xy, &cap, c->n + 1, sizeof *c->xy) != LC_OK)
        return LC_ERR_NOMEM;
    cap = c->cap;
    if (lc_grow(ctx, (void **)&c->given, &cap, c->n + 1, sizeof *c->given) != LC_OK)
        return LC_ERR_NOMEM;
    c->cap = cap;
    c->xy[c->n] = (lc_xy){x, y};
    c->given[c->n++] = given;
    return LC_OK;
}

/* A set of grid cells (open addressing) holding, per cell, the first point in it (chained by next). */
typedef struct cellset {
    size_t cap;        /* power of two */
    int64_t *kx, *ky;
    long *head;        /* -1 empty */
} cellset;

static size_t cell_slot(const cellset *cs, int64_t x, int64_t y)
{
    uint64_t h = (uint64_t)x * 0x9E3779B97F4A7C15ull ^ ((uint64_t)y + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    size_t i = (size_t)(h ^ (h >> 29)) & (cs->cap - 1);
    while (cs->head[i] >= 0 && (cs->kx[i] != x || cs->ky[i] != y))
        i = (i + 1) & (cs->cap - 1);
    return i;
}

/* Minimum spacing: accepts (x, y) as candidate number idx when no accepted point lies closer than
 * spacing; next[] chains points of a cell. *accepted 1 when taken. LC_OK or LC_ERR_NOMEM. */
static lc_status spaced_add(lc_context *ctx, cellset *cs, long **next, size_t *ncap, cands *c, double x, double y,
                            double spacing, int *accepted)
{
    int64_t cx = (int64_t)floor(x / spacing), cy = (int64_t)floor(y / spacing);
    *accepted = 0;
    for (int64_t j = cy - 1; j <= cy + 1; j++)
        for (int64_t i = cx - 1; i <= cx + 1; i++) {
            size_t slot = cell_slot(cs, i, j);
            for (long p = cs->head[slot]; p >= 0; p = (*next)[p]) {
                double dx = c->xy[p].x - x, dy = c->xy[p].y - y;
                if (dx * dx + dy * dy < spacing * spacing * (1 - 1e-9))
                    return LC_OK;
            }
        }
    if ((c->n + 1) * 2 > cs->cap) { /* grow the set: rehash */
        cellset big = {cs->cap * 2, NULL, NULL, NULL};
        big.kx = lc_calloc(ctx, big.cap, sizeof *big.kx);
        big.ky = lc_calloc(ctx, big.cap, sizeof *big.ky);
        big.head = lc_calloc(ctx, big.cap, sizeof *big.head);
        if (!big.kx || !big.ky || !big.head) {
            free(big.kx), free(big.ky), free(big.head);
            return LC_ERR_NOMEM;
        }
        for (size_t q = 0; q < big.cap; q++)
            big.head[q] = -1;
        for (size_t q = 0; q < cs->cap; q++)
            if (cs->head[q] >= 0) {
                size_t slot = cell_slot(&big, cs->kx[q], cs->ky[q]);
                big.kx[slot] = cs->kx[q], big.ky[slot] = cs->ky[q], big.head[slot] = cs->head[q];
            }
        free(cs->kx), free(cs->ky), free(cs->head);
        *cs = big;
    }
    if (lc_grow(ctx, (void **)next, ncap, c->n + 1, sizeof **next) != LC_OK ||
        cand_add(ctx, c, x, y, -1) != LC_OK)
        return LC_ERR_NOMEM;
    size_t slot = cell_slot(cs, cx, cy);
    cs->kx[slot] = cx, cs->ky[slot] = cy;
    (*next)[c->n - 1] = cs->head[slot];
    cs->head[slot] = (long)(c->n - 1);
    *accepted = 1;
    return LC_OK;
}

/* Generated candidates: grid points spacing apart inside the gaps (the grid anchored on multiples
 * of the spacing, so results do not depend on the data's extent), then a point on the surface of
 * every gap the grid missed when no candidate is closer than the spacing. */
static lc_status generate(lc_context *ctx, const demand *d, double spacing, cands *c)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    cellset cs = {1024, NULL, NULL, NULL};
    long *next = NULL;
    size_t ncap = 0;
    unsigned char *hit = lc_calloc(ctx, d->n ? d->n : 1, 1);
    lc_status st = LC_ERR_NOMEM;
    cs.kx = lc_calloc(ctx, cs.cap, sizeof *cs.kx);
    cs.ky = lc_calloc(ctx, cs.cap, sizeof *cs.ky);
    cs.head = lc_calloc(ctx, cs.cap, sizeof *cs.head);
    if (!hit || !cs.kx || !cs.ky || !cs.head)
        goto fail;
    for (size_t q = 0; q < cs.cap; q++)
        cs.head[q] = -1;
    st = LC_OK;
    for (size_t i = 0; i < d->n && st == LC_OK; i++) {
        double minx, miny, maxx, maxy;
        if (!GEOSGeom_getExtent_r(h, d->gap[i], &minx, &miny, &maxx, &maxy)) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure a coverage gap");
            break;
        }
        const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, d->gap[i]);
        if (!pg) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare a coverage gap");
            break;
        }
        for (double y = ceil(miny / spacing) * spacing; y <= maxy && st == LC_OK; y += spacing)
            for (double x = ceil(minx / spacing) * spacing; x <= maxx && st == LC_OK; x += spacing) {
                GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
                int inside = p ? GEOSPreparedContains_r(h, pg, p) == 1 : 0;
                if (p)
                    GEOSGeom_destroy_r(h, p);
                int taken = 0;
                if (inside) {
                    hit[i] = 1;
                    st = spaced_add(ctx, &cs, &next, &ncap, c, x, y, spacing, &taken);
                }
            }
        GEOSPreparedGeom_destroy_r(h, pg);
    }
    for (size_t i = 0; i < d->n && st == LC_OK; i++) {
        if (hit[i])
            continue;
        GEOSGeometry *p = GEOSPointOnSurface_r(h, d->gap[i]);
        double x = 0, y = 0;
        int taken;
        if (!p || !GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y))
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a candidate in a coverage gap");
        else
            st = spaced_add(ctx, &cs, &next, &ncap, c, x, y, spacing, &taken);
        if (p)
            GEOSGeom_destroy_r(h, p);
    }
fail:
    free(next);
    free(cs.kx), free(cs.ky), free(cs.head);
    free(hit);
    return st;
}

/* STRtree query callback: collects item indices. */
typedef struct hits {
    lc_context *ctx;
    size_t *idx;
    size_t n, cap;
    int nomem;
} hits;

static void collect(void *item, void *data)
{
    hits *hl = data;
    if (hl->nomem)
        return;
    if (lc_grow(hl->ctx, (void **)&hl->idx, &hl->cap, hl->n + 1, sizeof *hl->idx) != LC_OK) {
        hl->nomem = 1;
        return;
    }
    hl->idx[hl->n++] = (size_t)(uintptr_t)item - 1;
}

/* The reach of a site: a circle of radius r (32 segments per quarter, as coverage). Caller frees. */
static GEOSGeometry *reach_circle(GEOSContextHandle_t h, lc_xy p, double r)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
    GEOSGeometry *b = pt ? GEOSBuffer_r(h, pt, r, 32) : NULL;
    if (pt)
        GEOSGeom_destroy_r(h, pt);
    return b;
}

/* The coverage matrix (CSR by candidate) of candidates c over demand d within r: for each
 * candidate the gaps whose bounding box meets the circle's (STRtree), then share 1 when the gap's
 * box lies inside the circle, else area(gap ∩ circle) / area(gap). Arrays are the caller's
 * (free()); LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
static lc_status build_matrix(lc_context *ctx, const demand *d, const cands *c, double r, size_t **start,
                              size_t **dem, double **share)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    double (*box)[4] = lc_calloc(ctx, d->n ? d->n : 1, sizeof *box);
    size_t cap = 0, capd = 0, n = 0;
    hits hl = {ctx, NULL, 0, 0, 0};
    lc_status st = LC_ERR_NOMEM;
    *start = lc_calloc(ctx, c->n + 1, sizeof **start);
    *dem = NULL;
    *share = NULL;
    if (!tree || !box || !*start)
        goto fail;
    for (size_t i = 0; i < d->n; i++) {
        GEOSGeom_getExtent_r(h, d->gap[i], &box[i][0], &box[i][1], &box[i][2], &box[i][3]);
        GEOSSTRtree_insert_r(h, tree, d->gap[i], (void *)(uintptr_t)(i + 1));
    }
    for (size_t j = 0; j < c->n; j++) {
        lc_xy p = c->xy[j];
        GEOSGeometry *env = GEOSGeom_createRectangle_r(h, p.x - r, p.y - r, p.x + r, p.y + r);
        GEOSGeometry *circle = NULL;
        const GEOSPreparedGeometry *pc = NULL;
        if (!env) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
            goto fail;
        }
        hl.n = 0;
        if (d->n)
            GEOSSTRtree_query_r(h, tree, env, collect, &hl);
        GEOSGeom_destroy_r(h, env);
        if (hl.nomem)
            goto fail;
        st = LC_OK;
        for (size_t q = 0; q < hl.n && st == LC_OK; q++) {
            size_t i = hl.idx[q];
            double fx = fmax(fabs(box[i][0] - p.x), fabs(box[i][2] - p.x));
            double fy = fmax(fabs(box[i][1] - p.y), fabs(box[i][3] - p.y));
            double nx = fmax(0, fmax(box[i][0] - p.x, p.x - box[i][2]));
            double ny = fmax(0, fmax(box[i][1] - p.y, p.y - box[i][3]));
            double a;
            if (nx * nx + ny * ny > r * r)
                continue; /* the gap's box is beyond reach */
            if (fx * fx + fy * fy <= r * r) {
                a = 1; /* the whole box is within reach */
            } else {
                if (!circle && (!(circle = reach_circle(h, p, r)) || !(pc = GEOSPrepare_r(h, circle)))) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
                    break;
                }
                if (GEOSPreparedContains_r(h, pc, d->gap[i]) == 1) {
                    a = 1;
                } else if (GEOSPreparedIntersects_r(h, pc, d->gap[i]) != 1) {
                    continue;
                } else {
                    GEOSGeometry *x = GEOSIntersection_r(h, d->gap[i], circle);
                    double ax = 0;
                    if (!x || !GEOSArea_r(h, x, &ax)) {
                        if (x)
                            GEOSGeom_destroy_r(h, x);
                        st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot intersect a coverage gap with a candidate's reach");
                        break;
                    }
                    GEOSGeom_destroy_r(h, x);
                    a = d->area[i] > 0 ? fmin(1.0, ax / d->area[i]) : 1;
                }
            }
            if (a <= 1e-9)
                continue;
            size_t c1 = cap;
            if (lc_grow(ctx, (void **)dem, &c1, n + 1, sizeof **dem) != LC_OK ||
                lc_grow(ctx, (void **)share, &capd, n + 1, sizeof **share) != LC_OK) {
                st = LC_ERR_NOMEM;
                break;
            }
            cap = c1;
            (*dem)[n] = i;
            (*share)[n] = a;
            n++;
        }
        if (pc)
            GEOSPreparedGeom_destroy_r(h, pc);
        if (circle)
            GEOSGeom_destroy_r(h, circle);
        if (st != LC_OK)
            goto fail;
        (*start)[j + 1] = n;
        if ((j & 255) == 0)
            lc_progress(ctx, "siting: coverage matrix", (double)j / (double)c->n);
    }
    lc_progress(ctx, "siting: coverage matrix", 1.0);
    st = LC_OK;
fail:
    if (st != LC_OK) {
        free(*start), free(*dem), free(*share);
        *start = NULL, *dem = NULL, *share = NULL;
    }
    free(hl.idx);
    free(box);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    return st;
}

/* Unit lookup: the unit holding a point, -1 if none (first match in layer order). */
typedef struct unit_index {
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep;
    size_t n;
    hits hl;
} unit_index;

static void unit_index_free(GEOSContextHandle_t h, unit_index *ui)
{
    for (size_t u = 0; ui->prep && u < ui->n; u++)
        if (ui->prep[u])
            GEOSPreparedGeom_destroy_r(h, ui->prep[u]);
    free(ui->prep);
    free(ui->hl.idx);
    if (ui->tree)
        GEOSSTRtree_destroy_r(h, ui->tree);
}

static lc_status unit_index_build(lc_context *ctx, const lc_layer *units, unit_index *ui)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    ui->hl.ctx = ctx;
    ui->n = units ? lc_layer_count(units) : 0;
    if (!ui->n)
        return LC_OK;
    ui->tree = GEOSSTRtree_create_r(h, 10);
    ui->prep = lc_calloc(ctx, ui->n, sizeof *ui->prep);
    if (!ui->tree || !ui->prep)
        return LC_ERR_NOMEM;
    for (size_t u = 0; u < ui->n; u++) {
        const GEOSGeometry *g = lc_layer_feature(units, u)->geom;
        if (!(ui->prep[u] = GEOSPrepare_r(h, g)))
            return lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare unit %zu", u);
        GEOSSTRtree_insert_r(h, ui->tree, g, (void *)(uintptr_t)(u + 1));
    }
    return LC_OK;
}

static long unit_at(lc_context *ctx, unit_index *ui, lc_xy p)
{
    if (!ui->n)
        return -1;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
    long found = -1;
    if (!pt)
        return -1;
    ui->hl.n = 0;
    GEOSSTRtree_query_r(h, ui->tree, pt, collect, &ui->hl);
    for (size_t q = 0; q < ui->hl.n; q++) {
        size_t u = ui->hl.idx[q];
        if (GEOSPreparedIntersects_r(h, ui->prep[u], pt) == 1 && (found < 0 || (long)u < found))
            found = (long)u;
    }
    GEOSGeom_destroy_r(h, pt);
    return found;
}

/* Recomputes the proposals' newly covered demand exactly: the union of the chosen sites' reach
 * inside each gap, site by site in rank order (the solvers' min(1, Σ shares) overstates where two
 * reaches overlap in one gap). Updates new_pop, cumulative_share and s->after, and adds each demand
 * item's newly covered demand to gained[item] (zeroed by the caller). */
static lc_status exact_recount(lc_context *ctx, lc_siting *s, const demand *d, const cands *c, const size_t *start,
                               const size_t *dem, const double *share, double r, double covered, double total,
                               double *gained)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry **got = lc_calloc(ctx, d->n ? d->n : 1, sizeof *got); /* covered part of each gap so far */
    double *frac = lc_calloc(ctx, d->n ? d->n : 1, sizeof *frac);
    lc_status st = LC_ERR_NOMEM;
    if (!got || !frac)
        goto fail;
    st = LC_OK;
    double cum = covered;
    for (size_t k = 0; k < s->count && st == LC_OK; k++) {
        size_t j = (size_t)s->items[k].candidate; /* a matrix column here; mapped back by the caller */
        GEOSGeometry *circle = NULL;
        double g = 0;
        for (size_t e = start[j]; e < start[j + 1] && st == LC_OK; e++) {
            size_t i = dem[e];
            if (frac[i] >= 1)
                continue;
            double next;
            if (share[e] >= 1) {
                next = 1;
            } else {
                if (!circle && !(circle = reach_circle(h, c->xy[j], r))) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
                    break;
                }
                GEOSGeometry *piece = GEOSIntersection_r(h, d->gap[i], circle);
                GEOSGeometry *u = piece && got[i] ? GEOSUnion_r(h, got[i], piece) : piece;
                double a = 0;
                if (!u || !GEOSArea_r(h, u, &a)) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure newly covered parts of a gap");
                    if (piece)
                        GEOSGeom_destroy_r(h, piece);
                    if (u && u != piece)
                        GEOSGeom_destroy_r(h, u);
                    break;
                }
                if (u != piece)
                    GEOSGeom_destroy_r(h, piece);
                if (got[i])
                    GEOSGeom_destroy_r(h, got[i]);
                got[i] = u;
                next = d->area[i] > 0 ? fmin(1.0, a / d->area[i]) : 1;
            }
            if (next > frac[i]) {
                g += d->w[i] * (next - frac[i]);
                gained[i] += d->w[i] * (next - frac[i]);
                frac[i] = next;
            }
        }
        if (circle)
            GEOSGeom_destroy_r(h, circle);
        cum += g;
        s->items[k].new_pop = g;
        s->items[k].cumulative_share = total > 0 ? cum / total : NAN;
    }
    s->after = total > 0 ? cum / total : NAN;
fail:
    for (size_t i = 0; got && i < d->n; i++)
        if (got[i])
            GEOSGeom_destroy_r(h, got[i]);
    free(got);
    free(frac);
    return st;
}

/* ---- network mode: demand points, candidates on the network, forced candidates -------------- */

/* Demand points of network mode: each gap's uncovered demand split evenly over points of a square
 * grid (spacing apart, anchored on multiples of the spacing) inside it, or its point on surface
 * when the grid misses it. */
typedef struct points {
    size_t n, cap;
    lc_xy *xy;
    double *w;
    size_t *polygon; /* residential polygon of each point */
} points;

static lc_status point_add(lc_context *ctx, points *p, lc_xy xy, double w, size_t polygon)
{
    size_t cap = p->cap;
    if (lc_grow(ctx, (void **)&p->xy, &cap, p->n + 1, sizeof *p->xy) != LC_OK)
        return LC_ERR_NOMEM;
    cap = p->cap;
    if (lc_grow(ctx, (void **)&p->w, &cap, p->n + 1, sizeof *p->w) != LC_OK)
        return LC_ERR_NOMEM;
    cap = p->cap;
    if (lc_grow(ctx, (void **)&p->polygon, &cap, p->n + 1, sizeof *p->polygon) != LC_OK)
        return LC_ERR_NOMEM;
    p->cap = cap;
    p->xy[p->n] = xy;
    p->w[p->n] = w;
    p->polygon[p->n++] = polygon;
    return LC_OK;
}

/* Lays the demand points of every gap of d into p (first[k] .. first[k+1] − 1 are gap k's; first
 * has d->n + 1 slots). LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
static lc_status demand_points(lc_context *ctx, const demand *d, double spacing, points *p, size_t *first)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_status st = LC_OK;
    for (size_t k = 0; k < d->n && st == LC_OK; k++) {
        double minx, miny, maxx, maxy;
        first[k] = p->n;
        const GEOSPreparedGeometry *pg = NULL;
        if (!GEOSGeom_getExtent_r(h, d->gap[k], &minx, &miny, &maxx, &maxy) || !(pg = GEOSPrepare_r(h, d->gap[k])))
            return lc_error(ctx, LC_ERR_GEOMETRY, "cannot lay demand points in a coverage gap");
        for (double y = ceil(miny / spacing) * spacing; y <= maxy && st == LC_OK; y += spacing)
            for (double x = ceil(minx / spacing) * spacing; x <= maxx && st == LC_OK; x += spacing) {
                GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
                int inside = pt ? GEOSPreparedContains_r(h, pg, pt) == 1 : 0;
                if (pt)
                    GEOSGeom_destroy_r(h, pt);
                if (inside)
                    st = point_add(ctx, p, (lc_xy){x, y}, 0, d->polygon[k]);
            }
        GEOSPreparedGeom_destroy_r(h, pg);
        if (st == LC_OK && p->n == first[k]) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(h, d->gap[k]);
            lc_xy xy;
            if (!pt || !GEOSGeomGetX_r(h, pt, &xy.x) || !GEOSGeomGetY_r(h, pt, &xy.y))
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a demand point in a coverage gap");
            else
                st = point_add(ctx, p, xy, 0, d->polygon[k]);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
        }
        for (size_t q = first[k]; q < p->n; q++)
            p->w[q] = d->w[k] / (double)(p->n - first[k]);
    }
    first[d->n] = p->n;
    return st;
}

/* Generated candidates of network mode: the network's nodes inside the gaps, no two closer than
 * spacing (node order), then, for a gap holding no node, the attachment point of its first demand
 * point when no candidate is closer than the spacing. LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
static lc_status generate_nodes(lc_context *ctx, const demand *d, const points *p, const size_t *first,
                                const lc_network *net, double max_snap_m, double spacing, cands *c)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    const GEOSPreparedGeometry **prep = lc_calloc(ctx, d->n ? d->n : 1, sizeof *prep);
    unsigned char *hit = lc_calloc(ctx, d->n ? d->n : 1, 1);
    cellset cs = {1024, NULL, NULL, NULL};
    long *next = NULL;
    size_t ncap = 0;
    hits hl = {ctx, NULL, 0, 0, 0};
    lc_status st = LC_ERR_NOMEM;
    cs.kx = lc_calloc(ctx, cs.cap, sizeof *cs.kx);
    cs.ky = lc_calloc(ctx, cs.cap, sizeof *cs.ky);
    cs.head = lc_calloc(ctx, cs.cap, sizeof *cs.head);
    if (!tree || !prep || !hit || !cs.kx || !cs.ky || !cs.head)
        goto fail;
    for (size_t q = 0; q < cs.cap; q++)
        cs.head[q] = -1;
    for (size_t k = 0; k < d->n; k++)
        GEOSSTRtree_insert_r(h, tree, d->gap[k], (void *)(uintptr_t)(k + 1));
    st = LC_OK;
    for (size_t v = 0; v < lc_network_node_count(net) && st == LC_OK; v++) {
        lc_xy xy = lc_network_node(net, v);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, xy.x, xy.y);
        if (!pt) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot test a network node against the gaps");
            break;
        }
        hl.n = 0;
        if (d->n)
            GEOSSTRtree_query_r(h, tree, pt, collect, &hl);
        long in = -1;
        for (size_t q = 0; q < hl.n && in < 0; q++) {
            size_t k = hl.idx[q];
            if (!prep[k] && !(prep[k] = GEOSPrepare_r(h, d->gap[k]))) {
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare a coverage gap");
                break;
            }
            if (GEOSPreparedIntersects_r(h, prep[k], pt) == 1)
                in = (long)k;
        }
        GEOSGeom_destroy_r(h, pt);
        if (hl.nomem)
            st = LC_ERR_NOMEM;
        if (st != LC_OK || in < 0)
            continue;
        int taken;
        hit[in] = 1;
        st = spaced_add(ctx, &cs, &next, &ncap, c, xy.x, xy.y, spacing, &taken);
    }
    for (size_t k = 0; k < d->n && st == LC_OK; k++) {
        if (hit[k] || first[k] == first[k + 1])
            continue;
        lc_snap sn;
        int taken;
        if ((st = lc_network_snap(ctx, net, p->xy[first[k]], max_snap_m, &sn)) == LC_OK)
            st = spaced_add(ctx, &cs, &next, &ncap, c, sn.at.x, sn.at.y, spacing, &taken);
    }
fail:
    free(hl.idx);
    free(next);
    free(cs.kx), free(cs.ky), free(cs.head);
    for (size_t k = 0; prep && k < d->n; k++)
        if (prep[k])
            GEOSPreparedGeom_destroy_r(h, prep[k]);
    free(prep);
    free(hit);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    return st;
}

/* A candidate's status text as LC_FORCE_IN, LC_FORCE_OUT or 0 (NULL or empty: 0); -2 when unknown. */
static int parse_status(const char *t)
{
    static const char *const in[] = {"force_in", "必选", "in", "必建", NULL};
    static const char *const out[] = {"force_out", "排除", "out", "不选", NULL};
    if (!t || !*t || !strcasecmp(t, "free") || !strcmp(t, "可选"))
        return 0;
    for (size_t i = 0; in[i]; i++)
        if (!strcasecmp(t, in[i]))
            return LC_FORCE_IN;
    for (size_t i = 0; out[i]; i++)
        if (!strcasecmp(t, out[i]))
            return LC_FORCE_OUT;
    return -2;
}

/* Replays the proposals (matrix columns, rank order) on point demand: adds each demand point's
 * newly covered demand to gained[point] (zeroed by the caller). LC_OK or LC_ERR_NOMEM. */
static lc_status point_recount(lc_context *ctx, const lc_siting *s, const lc_siting_matrix *m, double *gained)
{
    unsigned char *done = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, 1);
    if (!done)
        return LC_ERR_NOMEM;
    for (size_t k = 0; k < s->count; k++) {
        size_t j = (size_t)s->items[k].candidate;
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (!done[m->demand[e]]) {
                done[m->demand[e]] = 1;
                gained[m->demand[e]] += m->weight[m->demand[e]];
            }
    }
    free(done);
    return LC_OK;
}

/* Suggested floor areas: each unit's shortfall against the floor-area norm split over its new
 * sites, held within the category's size range. */
static void size_sites(lc_siting *s, const lc_profile *profile, const lc_indicators *ind, size_t category)
{
    const lc_category *cat = lc_profile_category(profile, category);
    double lo = cat->size_min_m2 > 0 ? cat->size_min_m2 : 0;
    double hi = cat->size_max_m2 > 0 ? cat->size_max_m2 : INFINITY;
    long norm = -1;
    for (size_t k = 0; k < lc_profile_norm_count(profile); k++)
        if (lc_profile_norm(profile, k)->kind == LC_NORM_FLOOR_AREA)
            norm = (long)k;
    for (size_t i = 0; i < s->count; i++) {
        lc_proposal *p = &s->items[i];
        double raw = 0;
        if (norm >= 0 && p->unit >= 0 && cat->counts_floor_area) {
            const lc_indicator *x = lc_indicators_get(ind, (size_t)p->unit, (size_t)norm);
            size_t n = 0;
            for (size_t j = 0; j < s->count; j++)
                n += s->items[j].unit == p->unit;
            raw = x && x->pass == 0 && isfinite(x->shortfall) ? x->shortfall / (double)n : 0;
        }
        p->floor_area_m2 = fmin(hi, fmax(lo, raw));
        p->size_bound = raw < lo ? -1 : raw > hi ? 1 : 0;
    }
}

/* Before/after per indicator row: demand, covered before (the coverage) and after (plus what the
 * proposals newly cover, gained[] per demand item), floor area before and after. A residential
 * polygon counts in the unit holding most of it. LC_OK or LC_ERR_NOMEM. */
static lc_status fill_rows(lc_context *ctx, lc_siting *s, const lc_inputs *in, const lc_indicators *ind,
                           const lc_coverage *cov, const lc_siting_options *o, const demand *d, const double *gained,
                           int counts_floor_area)
{
    size_t nrows = lc_indicators_row_count(ind), total = lc_indicators_total_row(ind);
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    s->rows = lc_calloc(ctx, nrows ? nrows : 1, sizeof *s->rows);
    if (!s->rows)
        return LC_ERR_NOMEM;
    s->nrows = nrows;
    for (size_t i = 0; i < lc_layer_count(res); i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        double pop = o->weight_pop60 ? f->pop60 : f->population;
        pop = isnan(pop) || pop < 0 ? 0 : pop;
        double c = pop * lc_coverage_get(cov, i, o->category)->covered_share;
        long u = lc_indicators_residential_unit(ind, i);
        size_t rows[2] = {total, u >= 0 ? (size_t)u : total};
        for (int k = 0; k < (rows[1] == total ? 1 : 2); k++) {
            s->rows[rows[k]].demand += pop;
            s->rows[rows[k]].covered_before += c;
            s->rows[rows[k]].covered_after += c;
        }
    }
    for (size_t k = 0; k < d->n; k++) {
        long u = lc_indicators_residential_unit(ind, d->polygon[k]);
        s->rows[total].covered_after += gained[k];
        if (u >= 0 && (size_t)u != total)
            s->rows[u].covered_after += gained[k];
    }
    for (size_t r = 0; r < nrows; r++)
        s->rows[r].floor_area_before_m2 = s->rows[r].floor_area_after_m2 = lc_indicators_floor_area(ind, r);
    for (size_t p = 0; p < s->count; p++) {
        const lc_proposal *q = &s->items[p];
        double add = counts_floor_area ? q->floor_area_m2 : 0;
        s->rows[total].new_sites++;
        s->rows[total].floor_area_after_m2 += add;
        if (q->unit >= 0 && (size_t)q->unit < total) {
            s->rows[q->unit].new_sites++;
            s->rows[q->unit].floor_area_after_m2 += add;
        }
    }
    return LC_OK;
}

lc_siting *lc_siting_solve(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                           const lc_coverage *coverage, const lc_indicators *indicators,
                           const lc_siting_options *o)
{
    if (!ctx)
        return NULL;
    if (!in || !profile || !coverage || !indicators || !o || o->category >= lc_profile_category_count(profile) ||
        (o->ncandidates && !o->candidates) || !(o->candidate_spacing_m >= 0)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: bad arguments (inputs, profile, coverage, indicators, "
                                     "options, category, candidates, spacing ≥ 0)");
        return NULL;
    }
    if (check_options(ctx, o, "lc_siting_solve") != LC_OK)
        return NULL;
    int netmode = lc_coverage_mode(coverage) == LC_MODE_NETWORK;
    if (netmode && !o->network) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "siting on network coverage needs the walking network it was computed on "
                                          "(lc_siting_options.network)");
        return NULL;
    }
    if (!(o->demand_spacing_m >= 0)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: demand spacing must be ≥ 0");
        return NULL;
    }
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    const lc_layer *given = lc_inputs_layer(in, LC_LAYER_CANDIDATES);
    double r = lc_coverage_reach(coverage, o->category);
    double spacing = o->candidate_spacing_m > 0 ? o->candidate_spacing_m : fmax(50, r / 5);
    size_t nres = lc_layer_count(res);
    lc_siting *s = lc_calloc(ctx, 1, sizeof *s);
    demand d = {0};
    cands c = {0};
    unit_index ui = {0};
    size_t *start = NULL, *dem = NULL;
    double *share = NULL;
    long *group = NULL;
    double *gained = NULL;
    points pd = {0};
    size_t *pfirst = NULL;
    signed char *force = NULL;
    const lc_network_rules *rules = lc_profile_network(profile);
    double dspacing = o->demand_spacing_m > 0 ? o->demand_spacing_m : fmax(25, r / 20);
    if (!s)
        return NULL;
    d.polygon = lc_calloc(ctx, nres ? nres : 1, sizeof *d.polygon);
    d.gap = lc_calloc(ctx, nres ? nres : 1, sizeof *d.gap);
    d.area = lc_calloc(ctx, nres ? nres : 1, sizeof *d.area);
    d.w = lc_calloc(ctx, nres ? nres : 1, sizeof *d.w);
    if (!d.polygon || !d.gap || !d.area || !d.w)
        goto fail;

    /* Demand: every gap, weighing its uncovered residents (or registered 60+). */
    double total = 0, covered = 0;
    int any60 = 0;
    for (size_t i = 0; i < nres; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        const lc_coverage_cell *cell = lc_coverage_get(coverage, i, o->category);
        double pop = o->weight_pop60 ? f->pop60 : f->population;
        any60 |= o->weight_pop60 && !isnan(f->pop60);
        pop = isnan(pop) || pop < 0 ? 0 : pop;
        double cov = pop * cell->covered_share;
        total += pop;
        covered += cov;
        const GEOSGeometry *gap = lc_coverage_gap(coverage, i, o->category);
        double area = 0;
        if (!gap || pop - cov <= 1e-9 || !GEOSArea_r(h, gap, &area) || !(area > 0))
            continue;
        d.polygon[d.n] = i;
        d.gap[d.n] = gap;
        d.area[d.n] = area;
        d.w[d.n] = pop - cov;
        d.n++;
    }
    if (o->weight_pop60 && !any60) {
        lc_error(ctx, LC_ERR_DATA, "demand by registered 60+ asked for, but no residential polygon has a pop60 "
                                   "value (map residential.fields.pop60)");
        goto fail;
    }

    /* Network mode: the gaps' demand on points (the coverage matrix is along the network). */
    if (netmode) {
        if (!(pfirst = lc_calloc(ctx, d.n + 1, sizeof *pfirst)) || demand_points(ctx, &d, dspacing, &pd, pfirst) != LC_OK)
            goto fail;
    }

    /* Candidates: given, the candidates layer, or generated in the gaps. */
    if (o->candidates) {
        for (size_t k = 0; k < o->ncandidates; k++)
            if (cand_add(ctx, &c, o->candidates[k].x, o->candidates[k].y, (long)k) != LC_OK)
                goto fail;
    } else if (given) {
        for (size_t k = 0; k < lc_layer_count(given); k++) {
            const GEOSGeometry *g = lc_layer_feature(given, k)->geom;
            double x = 0, y = 0;
            if (!GEOSGeomGetX_r(h, g, &x) || !GEOSGeomGetY_r(h, g, &y)) {
                lc_error(ctx, LC_ERR_GEOMETRY, "%s: candidate %s is not a point", lc_layer_source(given),
                         lc_layer_feature(given, k)->id);
                goto fail;
            }
            if (cand_add(ctx, &c, x, y, (long)k) != LC_OK)
                goto fail;
        }
    } else if (netmode ? generate_nodes(ctx, &d, &pd, pfirst, o->network, rules->max_snap_m, spacing, &c) != LC_OK
                       : generate(ctx, &d, spacing, &c) != LC_OK) {
        goto fail;
    }

    /* Units objective: every unit without the category is a group; a unit no candidate stands in
     * gets its point on surface. */
    if (unit_index_build(ctx, units, &ui) != LC_OK)
        goto fail;
    if (o->objective == LC_SITING_UNITS) {
        if (!units) {
            lc_error(ctx, LC_ERR_MISUSE, "the units objective needs a units layer (units.path)");
            goto fail;
        }
        size_t nu = lc_layer_count(units);
        unsigned char *has = lc_calloc(ctx, nu ? nu : 1, 1);
        if (!has)
            goto fail;
        size_t n0 = c.n;
        long *g0 = lc_calloc(ctx, n0 ? n0 : 1, sizeof *g0);
        if (!g0) {
            free(has);
            goto fail;
        }
        for (size_t j = 0; j < n0; j++) {
            long u = unit_at(ctx, &ui, c.xy[j]);
            g0[j] = u >= 0 && lc_indicators_facility_count(indicators, (size_t)u, o->category) == 0 ? u : -1;
            if (g0[j] >= 0)
                has[g0[j]] = 1;
        }
        lc_status st = LC_OK;
        for (size_t u = 0; u < nu && st == LC_OK; u++) {
            if (has[u] || lc_indicators_facility_count(indicators, u, o->category) > 0)
                continue;
            GEOSGeometry *p = GEOSPointOnSurface_r(h, lc_layer_feature(units, u)->geom);
            double x = 0, y = 0;
            if (!p || !GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y))
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a site in unit %s", lc_layer_feature(units, u)->id);
            else
                st = cand_add(ctx, &c, x, y, -1);
            if (p)
                GEOSGeom_destroy_r(h, p);
            if (st == LC_OK) {
                long *g1 = realloc(g0, c.n * sizeof *g0);
                if (!g1)
                    st = lc_error(ctx, LC_ERR_NOMEM, "out of memory");
                else
                    g0 = g1, g0[c.n - 1] = (long)u;
            }
        }
        free(has);
        group = g0;
        if (st != LC_OK)
            goto fail;
    }

    /* Forced candidates: given with the array, or the candidates layer's status field. */
    if (!(force = lc_calloc(ctx, c.n ? c.n : 1, sizeof *force)))
        goto fail;
    for (size_t j = 0; j < c.n; j++) {
        if (c.given[j] < 0)
            continue;
        if (o->candidates) {
            force[j] = o->force ? o->force[c.given[j]] : 0;
            if (force[j] != 0 && force[j] != LC_FORCE_IN && force[j] != LC_FORCE_OUT) {
                lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: force[%ld] is %d (LC_FORCE_IN, LC_FORCE_OUT or 0)",
                         c.given[j], force[j]);
                goto fail;
            }
        } else if (given) {
            const lc_feature *f = lc_layer_feature(given, (size_t)c.given[j]);
            int v = parse_status(f->status);
            if (v == -2) {
                lc_error(ctx, LC_ERR_DATA, "%s (layer %s, feature %s, field status): '%s' is not a status (force_in / "
                         "必选, force_out / 排除, or empty)", lc_layer_source(given), lc_layer_name(given), f->id,
                         f->status);
                goto fail;
            }
            force[j] = (signed char)v;
        }
    }

    if (netmode) {
        if (lc_siting_network_matrix(ctx, o->network, c.xy, c.n, pd.xy, pd.n, r, rules->max_snap_m, o->threads, &start,
                                     &dem) != LC_OK)
            goto fail;
    } else if (build_matrix(ctx, &d, &c, r, &start, &dem, &share) != LC_OK) {
        goto fail;
    }
    lc_siting_matrix m = {.ndemand = netmode ? pd.n : d.n, .weight = netmode ? pd.w : d.w, .ncandidates = c.n,
                          .start = start, .demand = dem, .share = share, .group = group, .total = total,
                          .covered = covered, .force = force};
    if (select_into(ctx, &m, o, r, s) != LC_OK)
        goto fail;
    gained = lc_calloc(ctx, m.ndemand ? m.ndemand : 1, sizeof *gained);
    if (!gained || (netmode ? point_recount(ctx, s, &m, gained)
                            : exact_recount(ctx, s, &d, &c, start, dem, share, r, covered, total, gained)) != LC_OK)
        goto fail;
    if (!(total > 0))
        s->before = s->after = NAN;
    for (size_t k = 0; k < s->count; k++) {
        lc_proposal *p = &s->items[k];
        size_t j = (size_t)p->candidate;
        p->site = c.xy[j];
        p->candidate = c.given[j];
        p->candidate_id = !o->candidates && given && c.given[j] >= 0 ? lc_layer_feature(given, (size_t)c.given[j])->id
                                                                      : NULL;
        p->unit = unit_at(ctx, &ui, p->site);
    }
    size_sites(s, profile, indicators, o->category);
    demand dp = {.n = pd.n, .polygon = pd.polygon}; /* network mode: fill_rows reads n and polygon */
    if (fill_rows(ctx, s, in, indicators, coverage, o, netmode ? &dp : &d, gained,
                  lc_profile_category(profile, o->category)->counts_floor_area) != LC_OK)
        goto fail;
    goto done;
fail:
    lc_siting_destroy(s);
    s = NULL;
done:
    unit_index_free(h, &ui);
    free(force);
    free(pd.xy), free(pd.w), free(pd.polygon), free(pfirst);
    free(gained);
    free(group);
    free(start), free(dem), free(share);
    free(c.xy), free(c.given);
    free(d.polygon), free(d.gap), free(d.area), free(d.w);
    return s;
}

size_t lc_siting_count(const lc_siting *s)
{
    return s ? s->count : 0;
}

const lc_proposal *lc_siting_get(const lc_siting *s, size_t i)
{
    return s && i < s->count ? &s->items[i] : NULL;
}

double lc_siting_share_before(const lc_siting *s)
{
    return s ? s->before : NAN;
}

double lc_siting_share_after(const lc_siting *s)
{
    return s ? s->after : NAN;
}

double lc_siting_objective_value(const lc_siting *s)
{
    return s ? s->value : NAN;
}

const char *lc_siting_solver(const lc_siting *s)
{
    return s ? s->solver : "";
}

double lc_siting_gap(const lc_siting *s)
{
    return s ? s->gap : NAN;
}

int lc_siting_target_met(const lc_siting *s)
{
    return s ? s->target_met : 0;
}

const char *lc_siting_reason(const lc_siting *s)
{
    return s ? s->reason : "";
}

size_t lc_siting_row_count(const lc_siting *s)
{
    return s ? s->nrows : 0;
}

const lc_siting_row *lc_siting_row_get(const lc_siting *s, size_t row)
{
    return s && row < s->nrows ? &s->rows[row] : NULL;
}
