/*
 * queries/siting_select.c — lc_siting_select (include/lifecircle/siting.h): the checks of a
 * coverage matrix and options, the solvers in turn (greedy, then exact when asked, keeping the better
 * answer and the best bound), the proposals ranked by marginal gain, and the result's accessors.
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

void lc_siting_destroy(lc_siting *s)
{
    if (!s)
        return;
    free(s->items);
    free(s->rows);
    free(s);
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
                double g = lc_sit_gain(m, c, sel->chosen[q]);
                if (g > bg || (g == bg && sel->chosen[q] < sel->chosen[best]))
                    bg = g, best = q;
            }
            size_t t = sel->chosen[r];
            sel->chosen[r] = sel->chosen[best];
            sel->chosen[best] = t;
        }
        double g = lc_sit_open(m, c, sel->chosen[r]);
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
lc_status lc_sit_select_into(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double reach_m,
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
                best += lc_sit_open(m, c, j);
        double unreachable = 0;
        for (size_t i = 0; i < m->ndemand; i++)
            unreachable += m->weight[i] * (1 - c[i]);
        free(c);
        if (best < lc_sit_lscp_need(m, total, o)) {
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
    if ((st = lc_sit_greedy(ctx, m, &go, total, &gsel, &gval, &gbound)) != LC_OK)
        goto fail;
    if (o->objective == LC_SITING_MCLP) {
        double lb = lc_sit_lagrangian_bound(m, o->k, gval, 300);
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
        if ((st = lc_sit_exact(ctx, m, o, total, &gsel, &xsel, &xval, &xbound, &status)) != LC_OK)
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
    if (o->objective == LC_SITING_LSCP && s->target_met && total > 0 && after < lc_sit_lscp_need(m, total, o) + m->covered) {
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
lc_status lc_sit_check_options(lc_context *ctx, const lc_siting_options *o, const char *fn)
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
    if (lc_sit_check_options(ctx, o, "lc_siting_select") != LC_OK || check_matrix(ctx, m) != LC_OK)
        return NULL;
    if (o->objective == LC_SITING_UNITS && !m->group) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_select: the units objective needs candidate groups");
        return NULL;
    }
    lc_siting *s = lc_calloc(ctx, 1, sizeof *s);
    if (!s)
        return NULL;
    if (lc_sit_select_into(ctx, m, o, 0, s) != LC_OK) {
        lc_siting_destroy(s);
        return NULL;
    }
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

double lc_siting_typical_floor_area(const lc_siting *s)
{
    return s ? s->typical_m2 : 0;
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
