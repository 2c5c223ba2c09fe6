/*
 * queries/siting.c — lc_siting_solve (include/lifecircle/siting.h): from a finished check to
 * proposals for new facilities of one category, step by step — demand from the coverage gaps,
 * candidates, the units objective's groups, forced sites, the coverage matrix, the solvers, the
 * recount of what the chosen sites really cover, then each site's 街镇, suggested floor area and
 * the before/after rows per indicator row. The steps' parts live in the other siting_*.c files
 * (queries/siting_int.h lists them); writing proposals is outputs/proposals.c's job.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

/* Unit lookup: the unit holding a point, -1 if none (first match in layer order). */
typedef struct unit_index {
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep;
    size_t n;
    hits hl;
} unit_index;

/* Releases a unit index (the struct is the caller's). */
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

/* Indexes the units (none when units is NULL). LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
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

/* The unit holding p: the first in layer order, -1 when none. */
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
    GEOSSTRtree_query_r(h, ui->tree, pt, lc_sit_collect, &ui->hl);
    for (size_t q = 0; q < ui->hl.n; q++) {
        size_t u = ui->hl.idx[q];
        if (GEOSPreparedIntersects_r(h, ui->prep[u], pt) == 1 && (found < 0 || (long)u < found))
            found = (long)u;
    }
    GEOSGeom_destroy_r(h, pt);
    return found;
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median floor area of in's facilities of category c that have one (> 0) into *median (0 when
 * none has). LC_OK or LC_ERR_NOMEM. */
static lc_status typical_size(lc_context *ctx, const lc_inputs *in, size_t c, double *median)
{
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t n = fac ? lc_layer_count(fac) : 0, k = 0;
    *median = 0;
    double *v = n ? lc_calloc(ctx, n, sizeof *v) : NULL;
    if (n && !v)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (f->category >= 0 && (size_t)f->category == c && isfinite(f->floor_area) && f->floor_area > 0)
            v[k++] = f->floor_area;
    }
    if (k) {
        qsort(v, k, sizeof *v, cmp_double);
        *median = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
    free(v);
    return LC_OK;
}

/* Suggested floor areas: each unit's shortfall against the floor-area norm split over its new
 * sites, held within the category's size range; without a size_min_m2 in the profile, no smaller
 * than the median floor area of the study's facilities of the category (a new centre as large as a
 * typical existing one, not 0 m² where the 街镇 already meets the norm). LC_OK or LC_ERR_NOMEM. */
static lc_status size_sites(lc_context *ctx, lc_siting *s, const lc_inputs *in, const lc_profile *profile,
                            const lc_indicators *ind, size_t category)
{
    const lc_category *cat = lc_profile_category(profile, category);
    double typical = 0;
    if (!(cat->size_min_m2 > 0) && typical_size(ctx, in, category, &typical) != LC_OK)
        return LC_ERR_NOMEM;
    double lo = cat->size_min_m2 > 0 ? cat->size_min_m2 : typical;
    double hi = cat->size_max_m2 > 0 ? cat->size_max_m2 : INFINITY;
    lo = fmin(lo, hi);
    s->typical_m2 = typical;
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
        p->size_bound = raw < lo ? (cat->size_min_m2 > 0 ? -1 : -2) : raw > hi ? 1 : 0;
    }
    return LC_OK;
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

/* Demand of the category: every gap of a residential polygon, weighing its uncovered residents
 * (or registered 60+) into d (arrays sized by the caller for every polygon); the whole and its
 * covered part into *total and *covered. LC_OK, or LC_ERR_DATA when pop60 is asked for but absent. */
static lc_status gather_demand(lc_context *ctx, const lc_layer *res, const lc_coverage *coverage,
                               const lc_siting_options *o, demand *d, double *total, double *covered)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    int any60 = 0;
    *total = *covered = 0;
    for (size_t i = 0; i < lc_layer_count(res); i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        const lc_coverage_cell *cell = lc_coverage_get(coverage, i, o->category);
        double pop = o->weight_pop60 ? f->pop60 : f->population;
        any60 |= o->weight_pop60 && !isnan(f->pop60);
        pop = isnan(pop) || pop < 0 ? 0 : pop;
        double cov = pop * cell->covered_share;
        *total += pop;
        *covered += cov;
        const GEOSGeometry *gap = lc_coverage_gap(coverage, i, o->category);
        double area = 0;
        if (!gap || pop - cov <= 1e-9 || !GEOSArea_r(h, gap, &area) || !(area > 0))
            continue;
        d->polygon[d->n] = i;
        d->gap[d->n] = gap;
        d->area[d->n] = area;
        d->w[d->n] = pop - cov;
        d->n++;
    }
    if (o->weight_pop60 && !any60)
        return lc_error(ctx, LC_ERR_DATA, "demand by registered 60+ asked for, but no residential polygon has a pop60 "
                                          "value (map residential.fields.pop60)");
    return LC_OK;
}

/* Candidates: given with the options, else the candidates layer, else generated in the gaps (grid
 * points, or network nodes in network mode from the demand points pd / pfirst). */
static lc_status gather_candidates(lc_context *ctx, const lc_siting_options *o, const lc_layer *given, int netmode,
                                   const demand *d, const points *pd, const size_t *pfirst, double max_snap_m,
                                   double spacing, cands *c)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    if (o->candidates) {
        for (size_t k = 0; k < o->ncandidates; k++)
            if (lc_sit_cand_add(ctx, c, o->candidates[k].x, o->candidates[k].y, (long)k) != LC_OK)
                return LC_ERR_NOMEM;
        return LC_OK;
    }
    if (given) {
        for (size_t k = 0; k < lc_layer_count(given); k++) {
            const GEOSGeometry *g = lc_layer_feature(given, k)->geom;
            double x = 0, y = 0;
            if (!GEOSGeomGetX_r(h, g, &x) || !GEOSGeomGetY_r(h, g, &y))
                return lc_error(ctx, LC_ERR_GEOMETRY, "%s: candidate %s is not a point", lc_layer_source(given),
                                lc_layer_feature(given, k)->id);
            if (lc_sit_cand_add(ctx, c, x, y, (long)k) != LC_OK)
                return LC_ERR_NOMEM;
        }
        return LC_OK;
    }
    return netmode ? lc_sit_generate_nodes(ctx, d, pd, pfirst, o->network, max_snap_m, spacing, c)
                   : lc_sit_generate(ctx, d, spacing, c);
}

/* Units objective: every unit without the category is a group; candidates standing in one belong
 * to it, and a unit no candidate stands in gets its point on surface as a candidate (appended to
 * c). *group (per candidate, -1 none) is the caller's. LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
static lc_status unit_groups(lc_context *ctx, const lc_layer *units, unit_index *ui, const lc_indicators *indicators,
                             size_t category, cands *c, long **group)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t nu = lc_layer_count(units), n0 = c->n;
    unsigned char *has = lc_calloc(ctx, nu ? nu : 1, 1);
    long *g0 = lc_calloc(ctx, n0 ? n0 : 1, sizeof *g0);
    lc_status st = has && g0 ? LC_OK : LC_ERR_NOMEM;
    for (size_t j = 0; j < n0 && st == LC_OK; j++) {
        long u = unit_at(ctx, ui, c->xy[j]);
        g0[j] = u >= 0 && lc_indicators_facility_count(indicators, (size_t)u, category) == 0 ? u : -1;
        if (g0[j] >= 0)
            has[g0[j]] = 1;
    }
    for (size_t u = 0; u < nu && st == LC_OK; u++) {
        if (has[u] || lc_indicators_facility_count(indicators, u, category) > 0)
            continue;
        GEOSGeometry *p = GEOSPointOnSurface_r(h, lc_layer_feature(units, u)->geom);
        double x = 0, y = 0;
        if (!p || !GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y))
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a site in unit %s", lc_layer_feature(units, u)->id);
        else
            st = lc_sit_cand_add(ctx, c, x, y, -1);
        if (p)
            GEOSGeom_destroy_r(h, p);
        if (st == LC_OK) {
            long *g1 = realloc(g0, c->n * sizeof *g0);
            if (!g1)
                st = lc_error(ctx, LC_ERR_NOMEM, "out of memory");
            else
                g0 = g1, g0[c->n - 1] = (long)u;
        }
    }
    free(has);
    *group = g0;
    return st;
}

/* Forced candidates into force[] (per candidate, zeroed by the caller): from the options' array, or
 * the candidates layer's status field. LC_OK, LC_ERR_MISUSE or LC_ERR_DATA naming the feature. */
static lc_status forced_candidates(lc_context *ctx, const lc_siting_options *o, const lc_layer *given, const cands *c,
                                   signed char *force)
{
    for (size_t j = 0; j < c->n; j++) {
        if (c->given[j] < 0)
            continue;
        if (o->candidates) {
            force[j] = o->force ? o->force[c->given[j]] : 0;
            if (force[j] != 0 && force[j] != LC_FORCE_IN && force[j] != LC_FORCE_OUT)
                return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: force[%ld] is %d (LC_FORCE_IN, LC_FORCE_OUT or 0)",
                                c->given[j], force[j]);
        } else if (given) {
            const lc_feature *f = lc_layer_feature(given, (size_t)c->given[j]);
            int v = parse_status(f->status);
            if (v == -2)
                return lc_error(ctx, LC_ERR_DATA, "%s (layer %s, feature %s, field status): '%s' is not a status "
                                "(force_in / 必选, force_out / 排除, or empty)", lc_layer_source(given),
                                lc_layer_name(given), f->id, f->status);
            force[j] = (signed char)v;
        }
    }
    return LC_OK;
}

/* Checks lc_siting_solve's arguments. LC_OK, or LC_ERR_MISUSE / LC_ERR_UNSUPPORTED saying which. */
static lc_status check_solve_args(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                  const lc_coverage *coverage, const lc_indicators *indicators,
                                  const lc_siting_options *o)
{
    if (!in || !profile || !coverage || !indicators || !o || o->category >= lc_profile_category_count(profile) ||
        (o->ncandidates && !o->candidates) || !(o->candidate_spacing_m >= 0))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: bad arguments (inputs, profile, coverage, indicators, "
                                            "options, category, candidates, spacing ≥ 0)");
    if (lc_sit_check_options(ctx, o, "lc_siting_solve") != LC_OK)
        return LC_ERR_MISUSE;
    if (lc_coverage_mode(coverage) == LC_MODE_NETWORK && !o->network)
        return lc_error(ctx, LC_ERR_UNSUPPORTED, "siting on network coverage needs the walking network it was computed "
                                                 "on (lc_siting_options.network)");
    if (!(o->demand_spacing_m >= 0))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: demand spacing must be ≥ 0");
    if (o->objective == LC_SITING_UNITS && !lc_inputs_layer(in, LC_LAYER_UNITS))
        return lc_error(ctx, LC_ERR_MISUSE, "the units objective needs a units layer (units.path)");
    return LC_OK;
}

/* From a finished check to proposals; see siting.h. The steps: demand (the gaps; network mode
 * spreads it on points), candidates, the units objective's groups, forced sites, the coverage
 * matrix (circle shares, or walks along the network), the solvers, the exact recount of what the
 * chosen sites cover, then each site's 街镇 and floor area and the before/after rows. */
lc_siting *lc_siting_solve(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                           const lc_coverage *coverage, const lc_indicators *indicators,
                           const lc_siting_options *o)
{
    if (!ctx || check_solve_args(ctx, in, profile, coverage, indicators, o) != LC_OK)
        return NULL;
    int netmode = lc_coverage_mode(coverage) == LC_MODE_NETWORK;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    const lc_layer *given = lc_inputs_layer(in, LC_LAYER_CANDIDATES);
    const lc_network_rules *rules = lc_profile_network(profile);
    double r = lc_coverage_reach(coverage, o->category);
    double spacing = o->candidate_spacing_m > 0 ? o->candidate_spacing_m : fmax(50, r / 5);
    double dspacing = o->demand_spacing_m > 0 ? o->demand_spacing_m : fmax(25, r / 20);
    size_t nres = lc_layer_count(res);
    lc_siting *s = lc_calloc(ctx, 1, sizeof *s);
    demand d = {0};
    cands c = {0};
    unit_index ui = {0};
    points pd = {0};
    size_t *start = NULL, *dem = NULL, *pfirst = NULL;
    double *share = NULL, *gained = NULL, total = 0, covered = 0;
    long *group = NULL;
    signed char *force = NULL;
    if (!s)
        return NULL;
    d.polygon = lc_calloc(ctx, nres ? nres : 1, sizeof *d.polygon);
    d.gap = lc_calloc(ctx, nres ? nres : 1, sizeof *d.gap);
    d.area = lc_calloc(ctx, nres ? nres : 1, sizeof *d.area);
    d.w = lc_calloc(ctx, nres ? nres : 1, sizeof *d.w);
    if (!d.polygon || !d.gap || !d.area || !d.w || gather_demand(ctx, res, coverage, o, &d, &total, &covered) != LC_OK)
        goto fail;
    if (netmode && (!(pfirst = lc_calloc(ctx, d.n + 1, sizeof *pfirst)) ||
                    lc_sit_demand_points(ctx, &d, dspacing, &pd, pfirst) != LC_OK))
        goto fail;
    if (gather_candidates(ctx, o, given, netmode, &d, &pd, pfirst, rules->max_snap_m, spacing, &c) != LC_OK ||
        unit_index_build(ctx, units, &ui) != LC_OK)
        goto fail;
    if (o->objective == LC_SITING_UNITS && unit_groups(ctx, units, &ui, indicators, o->category, &c, &group) != LC_OK)
        goto fail;
    if (!(force = lc_calloc(ctx, c.n ? c.n : 1, sizeof *force)) || forced_candidates(ctx, o, given, &c, force) != LC_OK)
        goto fail;
    if (netmode ? lc_siting_network_matrix(ctx, o->network, c.xy, c.n, pd.xy, pd.n, r, rules->max_snap_m, o->threads,
                                           &start, &dem) != LC_OK
                : lc_sit_build_matrix(ctx, &d, &c, r, &start, &dem, &share) != LC_OK)
        goto fail;
    lc_siting_matrix m = {.ndemand = netmode ? pd.n : d.n, .weight = netmode ? pd.w : d.w, .ncandidates = c.n,
                          .start = start, .demand = dem, .share = share, .group = group, .total = total,
                          .covered = covered, .force = force};
    if (lc_sit_select_into(ctx, &m, o, r, s) != LC_OK)
        goto fail;
    gained = lc_calloc(ctx, m.ndemand ? m.ndemand : 1, sizeof *gained);
    if (!gained || (netmode ? lc_sit_point_recount(ctx, s, &m, gained)
                            : lc_sit_exact_recount(ctx, s, &d, &c, start, dem, share, r, covered, total, gained)) != LC_OK)
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
    if (size_sites(ctx, s, in, profile, indicators, o->category) != LC_OK)
        goto fail;
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
