/*
 * queries/indicators.c — the profile's norms per unit (街镇), per district (区) and for the whole
 * area: assigns residential polygons and facilities to units (queries/assign.c), sums populations,
 * floor areas and capacities, and turns them into value / target / pass / shortfall, each district
 * and its 街镇 with the targets of the district's own profile. The levels below the 街镇 and the
 * presence norms per unit of a level live in queries/levels.c; coverage itself comes from
 * queries/coverage.c; writing the table is outputs/' job.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/quality_int.h"
#include "lifecircle/indicators.h"
#include "queries/indicators_int.h"

void lc_indicators_destroy(lc_indicators *ind)
{
    if (!ind)
        return;
    free(ind->cells);
    free(ind->pop);
    free(ind->pop60);
    free(ind->pop65);
    free(ind->pop_from_unit);
    free(ind->res_pop);
    free(ind->covered);
    free(ind->circle_covered);
    free(ind->fac_count);
    free(ind->floor_area);
    free(ind->meals);
    free(ind->beds);
    free(ind->nursing);
    free(ind->fac_unit);
    free(ind->res_unit);
    free(ind->res_committee);
    free(ind->fac_level);
    free(ind->district_profile);
    /* the level arrays were released with their indexes by lc_levels_free when computing ended */
    for (int l = 0; l < LC_LEVEL_COUNT; l++) {
        level_units *lv = &ind->lv[l];
        free(lv->parent), free(lv->unit), free(lv->district), free(lv->type), free(lv->rural), free(lv->pop);
        free(lv->pop_from_field), free(lv->households), free(lv->res_pop), free(lv->count), free(lv->meets);
    }
    free(ind);
}

/* Allocates every array; LC_OK or LC_ERR_NOMEM. */
static lc_status allocate(lc_context *ctx, lc_indicators *ind)
{
    size_t r = ind->nall;
    ind->cells = lc_calloc(ctx, r * (ind->nnorms ? ind->nnorms : 1), sizeof *ind->cells);
    ind->pop = lc_calloc(ctx, r, sizeof(double));
    ind->pop60 = lc_calloc(ctx, r, sizeof(double));
    ind->pop65 = lc_calloc(ctx, r, sizeof(double));
    ind->pop_from_unit = lc_calloc(ctx, r, sizeof(int));
    ind->res_pop = lc_calloc(ctx, r, sizeof(double));
    ind->covered = lc_calloc(ctx, r * ind->ncat, sizeof(double));
    ind->circle_covered = lc_calloc(ctx, r, sizeof(double));
    ind->fac_count = lc_calloc(ctx, r * ind->ncat, sizeof(size_t));
    ind->floor_area = lc_calloc(ctx, r, sizeof(double));
    ind->meals = lc_calloc(ctx, r, sizeof(double));
    ind->beds = lc_calloc(ctx, r, sizeof(double));
    ind->nursing = lc_calloc(ctx, r, sizeof(double));
    ind->fac_unit = lc_calloc(ctx, ind->nfac ? ind->nfac : 1, sizeof(long));
    ind->res_unit = lc_calloc(ctx, ind->nres ? ind->nres : 1, sizeof(long));
    ind->res_committee = lc_calloc(ctx, ind->nres ? ind->nres : 1, sizeof(long));
    ind->fac_level = lc_calloc(ctx, LC_LEVEL_COUNT * (ind->nfac ? ind->nfac : 1), sizeof(long));
    ind->district_profile = lc_calloc(ctx, ind->ndist ? ind->ndist : 1, sizeof *ind->district_profile);
    int ok = ind->cells && ind->pop && ind->pop60 && ind->pop65 && ind->pop_from_unit && ind->res_pop &&
             ind->covered && ind->circle_covered && ind->fac_count && ind->floor_area && ind->meals && ind->beds &&
             ind->nursing && ind->fac_unit && ind->res_unit && ind->res_committee && ind->fac_level &&
             ind->district_profile;
    return ok ? LC_OK : LC_ERR_NOMEM;
}

/* Adds a share of residential polygon i to row r: population and coverage. */
static void add_residential(lc_indicators *ind, const lc_coverage *cov, const lc_feature *f, size_t i, size_t r,
                            double share)
{
    double pop = isnan(f->population) ? 0 : f->population;
    ind->res_pop[r] += pop * share;
    for (size_t c = 0; c < ind->ncat; c++)
        ind->covered[r * ind->ncat + c] += lc_coverage_get(cov, i, c)->covered_pop * share;
    double circle = lc_coverage_circle_share(cov, i);
    if (!isnan(circle))
        ind->circle_covered[r] += pop * circle * share;
}

/* The largest count of units in any level below the 街镇 (for the shares buffer). */
static size_t widest_level(const lc_indicators *ind)
{
    size_t n = ind->nunits;
    for (int l = 0; l < LC_LEVEL_COUNT; l++)
        n = ind->lv[l].n > n ? ind->lv[l].n : n;
    return n;
}

/* Sums residential polygons into rows (by declared unit or overlap) and the total row, and into the
 * levels below the 街镇. */
/* Says on the console (a warning in quality) when compounds were put in their 街镇 by area because
 * the residential layer has no 街镇 field, or its value names no unit: split compounds divide their
 * residents between 街镇, which moves every per-街镇 number. */
static lc_status warn_split(lc_context *ctx, const lc_layer *res, size_t split, double split_pop, size_t unnamed,
                            const char *example, lc_quality *quality)
{
    if (split && lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_SPLIT_BY_AREA, lc_layer_source(res),
                                lc_layer_name(res), NULL, "unit",
                                "%s (layer %s): %zu compounds (%.0f residents) straddle 街镇 boundaries and were split "
                                "between them by area 按面积拆分, as %s; map the compounds' 街镇 field with "
                                "residential.fields.unit to place each whole", lc_layer_source(res), lc_layer_name(res),
                                split, split_pop, example ? "their 街镇 field names no unit for them"
                                                          : "the layer has no 街镇 field (names tried: unit, 街镇, 街道, "
                                                            "town, 所属街镇, 所属街道)") != LC_OK)
        return LC_ERR_NOMEM;
    if (unnamed && example &&
        lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_SPLIT_BY_AREA, lc_layer_source(res),
                       lc_layer_name(res), NULL, "unit",
                       "%s (layer %s, field unit): %zu compounds name a 街镇 the units layer does not have (e.g. '%s'): "
                       "each was put in the 街镇 it overlaps instead", lc_layer_source(res), lc_layer_name(res), unnamed,
                       example) != LC_OK)
        return LC_ERR_NOMEM;
    return LC_OK;
}

static lc_status sum_residential(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_coverage *cov,
                                 const lc_parent_index *ix, double *res60, double *res65, lc_quality *quality)
{
    size_t split = 0, unnamed = 0;
    double split_pop = 0;
    const char *example = NULL;
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    size_t total = ind->nunits, wide = widest_level(ind);
    lc_parent_share *shares = lc_calloc(ctx, wide ? wide : 1, sizeof *shares);
    if (!shares)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    for (size_t i = 0; i < ind->nres && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        add_residential(ind, cov, f, i, total, 1.0);
        res60[total] += isnan(f->pop60) ? 0 : f->pop60;
        res65[total] += isnan(f->pop65) ? 0 : f->pop65;
        ind->res_unit[i] = -1;
        if (ind->nunits) {
            size_t ns = 0;
            long u = lc_parent_declared(ix, f->unit);
            if (u >= 0)
                shares[ns++] = (lc_parent_share){(size_t)u, 1};
            else if ((u = lc_parent_overlap(ctx, ix, f->geom, f->area, shares, &ns)) == -2)
                st = LC_ERR_NOMEM;
            else {
                if (f->unit && *f->unit) {
                    unnamed++;
                    example = example ? example : f->unit;
                }
                if (ns > 1)
                    split++, split_pop += isnan(f->population) ? 0 : f->population;
            }
            ind->res_unit[i] = u;
            for (size_t j = 0; j < ns; j++) {
                size_t k = shares[j].parent;
                add_residential(ind, cov, f, i, k, shares[j].share);
                res60[k] += (isnan(f->pop60) ? 0 : f->pop60) * shares[j].share;
                res65[k] += (isnan(f->pop65) ? 0 : f->pop65) * shares[j].share;
            }
        }
        if (st == LC_OK)
            st = lc_levels_add_residential(ctx, ind, f, i, shares);
    }
    free(shares);
    if (st == LC_OK)
        st = warn_split(ctx, lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), split, split_pop, unnamed, example, quality);
    return st;
}

lc_status lc_indicators_assign_residential(lc_context *ctx, const lc_inputs *in, long *unit_of)
{
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!res || !unit_of)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_indicators_assign_residential: inputs with compounds and an array "
                        "for them are required");
    size_t nu = lc_layer_count(units);
    for (size_t i = 0; i < lc_layer_count(res); i++)
        unit_of[i] = -1;
    if (!nu)
        return LC_OK;
    lc_parent_index ix = {0};
    lc_parent_share *shares = lc_calloc(ctx, nu, sizeof *shares);
    lc_status st = shares ? lc_parent_index_build(ctx, units, &ix) : LC_ERR_NOMEM;
    for (size_t i = 0; st == LC_OK && i < lc_layer_count(res); i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        size_t ns = 0;
        long u = lc_parent_declared(&ix, f->unit);
        if (u < 0 && (u = lc_parent_overlap(ctx, &ix, f->geom, f->area, shares, &ns)) == -2)
            st = LC_ERR_NOMEM;
        unit_of[i] = u;
    }
    lc_parent_index_free(ctx, &ix);
    free(shares);
    return st;
}

/* Sums facilities into their unit's row and the total row. */
static void sum_facilities(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_profile *profile,
                           const lc_parent_index *ix)
{
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t total = ind->nunits;
    for (size_t i = 0; i < ind->nfac; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        long u = ind->nunits ? lc_parent_of_point(ctx, ix, f->geom) : -1;
        ind->fac_unit[i] = u;
        if (f->category < 0)
            continue;
        size_t rows[2] = {total, u >= 0 ? (size_t)u : total};
        for (int k = 0; k < (u >= 0 ? 2 : 1); k++) {
            size_t r = rows[k];
            ind->fac_count[r * ind->ncat + (size_t)f->category]++;
            if (lc_profile_category(profile, (size_t)f->category)->counts_floor_area && !isnan(f->floor_area))
                ind->floor_area[r] += f->floor_area;
            ind->meals[r] += isnan(f->meals) ? 0 : f->meals;
            ind->beds[r] += isnan(f->beds) ? 0 : f->beds;
            ind->nursing[r] += isnan(f->nursing_beds) ? 0 : f->nursing_beds;
        }
    }
}

/* Chooses each row's denominators: a unit's own population fields when present (warning when the
 * resident figure differs from its residential polygons by more than 5%), else the sums; the total
 * row takes the units' fields only when every unit has them. */
static lc_status choose_populations(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const double *res60,
                                    const double *res65, lc_quality *quality)
{
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t total = ind->nunits;
    int all_pop = ind->nunits > 0, all60 = ind->nunits > 0, all65 = ind->nunits > 0;
    double sum_pop = 0, sum60 = 0, sum65 = 0;
    for (size_t r = 0; r <= total; r++) {
        ind->pop[r] = ind->res_pop[r];
        ind->pop60[r] = res60[r];
        ind->pop65[r] = res65[r];
    }
    for (size_t u = 0; u < ind->nunits; u++) {
        const lc_feature *uf = lc_layer_feature(units, u);
        if (!isnan(uf->population)) {
            ind->pop[u] = uf->population;
            ind->pop_from_unit[u] = 1;
            sum_pop += uf->population;
            double diff = fabs(uf->population - ind->res_pop[u]);
            if (uf->population > 0 && diff > 0.05 * uf->population &&
                lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_POPULATION_MISMATCH,
                               lc_layer_source(units), lc_layer_name(units), uf->id, "population",
                               "%s (layer %s, feature %s, field population): the unit's population %.0f differs "
                               "from the sum of its residential polygons %.0f by %.1f%% (more than 5%%); the "
                               "unit's figure is used for its per-1,000 and capacity norms",
                               lc_layer_source(units), lc_layer_name(units), uf->id, uf->population,
                               ind->res_pop[u], 100.0 * diff / uf->population) != LC_OK)
                return LC_ERR_NOMEM;
        } else {
            all_pop = 0;
        }
        if (!isnan(uf->pop60)) {
            ind->pop60[u] = uf->pop60;
            sum60 += uf->pop60;
        } else {
            all60 = 0;
        }
        if (!isnan(uf->pop65)) {
            ind->pop65[u] = uf->pop65;
            sum65 += uf->pop65;
        } else {
            all65 = 0;
        }
    }
    if (all_pop) {
        ind->pop[total] = sum_pop;
        ind->pop_from_unit[total] = 1;
    }
    if (all60)
        ind->pop60[total] = sum60;
    if (all65)
        ind->pop65[total] = sum65;
    return LC_OK;
}

/* Each district's row: the sums of its 街镇's rows (residents, coverage, facilities, capacities and
 * the populations each 街镇 chose), or the district's own population fields where it has them. */
static void sum_districts(lc_indicators *ind)
{
    const level_units *lu = &ind->lv[LC_LEVEL_UNIT];
    for (size_t u = 0; u < ind->nunits; u++) {
        long d = lu->district[u];
        if (d < 0)
            continue;
        size_t r = IND_DISTRICT_ROW(ind, (size_t)d);
        ind->res_pop[r] += ind->res_pop[u];
        ind->circle_covered[r] += ind->circle_covered[u];
        for (size_t c = 0; c < ind->ncat; c++) {
            ind->covered[r * ind->ncat + c] += ind->covered[u * ind->ncat + c];
            ind->fac_count[r * ind->ncat + c] += ind->fac_count[u * ind->ncat + c];
        }
        ind->floor_area[r] += ind->floor_area[u];
        ind->meals[r] += ind->meals[u];
        ind->beds[r] += ind->beds[u];
        ind->nursing[r] += ind->nursing[u];
        ind->pop[r] += ind->pop[u];
        ind->pop60[r] += ind->pop60[u];
        ind->pop65[r] += ind->pop65[u];
    }
    const lc_layer *dl = ind->lv[LC_LEVEL_DISTRICT].layer;
    for (size_t d = 0; d < ind->ndist; d++) {
        const lc_feature *f = lc_layer_feature(dl, d);
        size_t r = IND_DISTRICT_ROW(ind, d);
        if (!isnan(f->population)) {
            ind->pop[r] = f->population;
            ind->pop_from_unit[r] = 1;
        }
        if (!isnan(f->pop60))
            ind->pop60[r] = f->pop60;
        if (!isnan(f->pop65))
            ind->pop65[r] = f->pop65;
    }
}

/* value = num / den with the target's pass and shortfall = max(0, target × den − num) × scale. */
static lc_indicator ratio(double num, double den, double target, double scale, const char *unit)
{
    lc_indicator x = {.numerator = num, .denominator = den, .target = target, .shortfall_unit = unit};
    x.value = den > 0 ? num / den * scale : NAN;
    if (isnan(x.value) || isnan(target)) {
        x.pass = -1;
        return x;
    }
    /* Compare with a relative tolerance so that exactly meeting a target passes despite rounding. */
    x.pass = x.value >= target * (1 - 1e-12);
    double missing = target * den / scale - num;
    x.shortfall = x.pass || missing < 0 ? 0 : missing;
    return x;
}

/* Whether unit i of level l lies in row r: the row of its 街镇, of its 区, or the whole area. */
static int in_row(const lc_indicators *ind, const level_units *lv, size_t i, size_t r)
{
    if (r == ind->nunits)
        return 1;
    if (r < ind->nunits)
        return lv->unit[i] == (long)r;
    return lv->district[i] == (long)(r - ind->nunits - 1);
}

/* A presence norm (k) on row r: the share of the units of its level in the row that have enough
 * facilities, among those the norm asks; the shortfall is the units lacking them. Without a units
 * layer the whole area counts as one 街镇. */
static lc_indicator presence(const lc_indicators *ind, const lc_norm *n, size_t k, size_t r, double target)
{
    const level_units *lv = &ind->lv[n->level];
    if (n->level == LC_LEVEL_UNIT && !ind->nunits) {
        size_t have = 0;
        for (size_t c = 0; c < n->ncategories; c++)
            have += ind->fac_count[r * ind->ncat + (size_t)n->categories[c]];
        return ratio(have >= n->min_count, 1, target, 1, "街镇");
    }
    double asked = 0, met = 0;
    for (size_t i = 0; lv->layer && i < lv->n; i++) {
        signed char m = lv->meets[i * ind->nnorms + k];
        if (m < 0 || !in_row(ind, lv, i, r))
            continue;
        asked++;
        met += m;
    }
    return ratio(met, asked, target, 1, lc_level_name_zh(n->level));
}

/* The target of norm n on row r: the district's profile's where the row is a district or one of
 * its 街镇 and that profile has a norm of the same code and kind, else the study's. */
static double row_target(const lc_indicators *ind, const lc_norm *n, size_t r)
{
    long d = r < ind->nunits ? ind->lv[LC_LEVEL_UNIT].district[r] : r > ind->nunits ? (long)(r - ind->nunits - 1) : -1;
    const lc_profile *dp = d >= 0 ? ind->district_profile[d] : NULL;
    for (size_t k = 0; dp && k < lc_profile_norm_count(dp); k++) {
        const lc_norm *m = lc_profile_norm(dp, k);
        if (!strcmp(m->code, n->code) && m->kind == n->kind)
            return m->target;
    }
    return n->target;
}

/* Evaluates norm n (index k) on row r. */
static lc_indicator evaluate(const lc_indicators *ind, const lc_norm *n, size_t k, size_t r)
{
    double t = row_target(ind, n, r);
    switch (n->kind) {
    case LC_NORM_REACH:
        return ratio(ind->covered[r * ind->ncat + (size_t)n->category], ind->res_pop[r], t, 1, "people");
    case LC_NORM_CIRCLE:
        return ratio(ind->circle_covered[r], ind->res_pop[r], t, 1, "people");
    case LC_NORM_FLOOR_AREA:
        return ratio(ind->floor_area[r], ind->pop[r], t, 1000, "m²");
    case LC_NORM_UNIT_PRESENCE:
        return presence(ind, n, k, r, t);
    case LC_NORM_CAPACITY_RATIO: {
        const double *m = !strcmp(n->measure, "meals") ? ind->meals : !strcmp(n->measure, "beds") ? ind->beds : ind->nursing;
        const double *p = !strcmp(n->per, "pop65") ? ind->pop65 : !strcmp(n->per, "pop60") ? ind->pop60 : ind->pop;
        const char *unit = !strcmp(n->measure, "meals") ? "meals/day" : !strcmp(n->measure, "beds") ? "beds" : "nursing beds";
        return ratio(m[r], p[r], t, 1, unit);
    }
    case LC_NORM_NURSING_SHARE:
        return ratio(ind->nursing[r], ind->beds[r], t, 1, "nursing beds");
    }
    return (lc_indicator){.value = NAN, .target = NAN, .pass = -1};
}

lc_indicators *lc_indicators_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                     const lc_coverage *coverage, lc_quality *quality)
{
    return lc_indicators_compute_with(ctx, in, profile, coverage, NULL, quality);
}

/* A norm per registered 60+ or 65+ that no layer gives the population of cannot be computed: says
 * so, naming the norm and the names tried (its cells then read "-no pop65" on the console). */
static lc_status warn_denominators(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_profile *profile,
                                   lc_quality *quality)
{
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    const lc_layer *dist = lc_inputs_layer(in, LC_LAYER_DISTRICTS);
    const lc_layer *layers[] = {res, units, dist};
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < lc_layer_count(layers[l]); i++) {
            ind->has_pop60 |= !isnan(lc_layer_feature(layers[l], i)->pop60);
            ind->has_pop65 |= !isnan(lc_layer_feature(layers[l], i)->pop65);
        }
    for (size_t k = 0; k < lc_profile_norm_count(profile); k++) {
        const lc_norm *n = lc_profile_norm(profile, k);
        if (n->kind != LC_NORM_CAPACITY_RATIO || !n->per || (strcmp(n->per, "pop60") && strcmp(n->per, "pop65")))
            continue;
        int age = strcmp(n->per, "pop60") ? 65 : 60, any = age == 60 ? ind->has_pop60 : ind->has_pop65;
        if (!any && lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_NORM_NOT_COMPUTED,
                                   lc_layer_source(res), lc_layer_name(res), NULL, n->per,
                                   "norm N%zu %s (%s) cannot be computed 无法计算: no registered %d+ population — "
                                   "neither the residential layer %s nor the units or districts layer has a %s field (names "
                                   "tried: %s, 户籍%d岁以上, %d岁以上, %d岁以上户籍人口, HJ%d); map it with "
                                   "residential.fields.%s or units.fields.%s",
                                   k + 1, n->code, n->zh, age, lc_layer_name(res), n->per, n->per, age, age, age, age,
                                   n->per, n->per) != LC_OK)
            return LC_ERR_NOMEM;
    }
    return LC_OK;
}

lc_indicators *lc_indicators_compute_with(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                          const lc_coverage *coverage, const lc_indicators_options *options,
                                          lc_quality *quality)
{
    if (!ctx)
        return NULL;
    if (!in || !profile || !coverage || !quality) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_indicators_compute: inputs, profile, coverage and quality are required");
        return NULL;
    }
    lc_indicators_options o = {0};
    if (options)
        memcpy(&o, options, options->size && options->size < sizeof o ? options->size : sizeof o);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    const lc_layer *districts = lc_inputs_layer(in, LC_LAYER_DISTRICTS);
    lc_indicators *ind = lc_calloc(ctx, 1, sizeof *ind);
    lc_parent_index ix = {0};
    double *res60 = NULL, *res65 = NULL;
    if (!ind)
        return NULL;
    ind->profile = profile;
    ind->nunits = lc_layer_count(units);
    ind->nrows = ind->nunits + 1;
    ind->ndist = lc_layer_count(districts);
    ind->nall = ind->nrows + ind->ndist;
    ind->nnorms = lc_profile_norm_count(profile);
    ind->ncat = lc_profile_category_count(profile);
    ind->nfac = lc_layer_count(lc_inputs_layer(in, LC_LAYER_FACILITIES));
    ind->nres = lc_layer_count(lc_inputs_layer(in, LC_LAYER_RESIDENTIAL));
    res60 = lc_calloc(ctx, ind->nall, sizeof *res60);
    res65 = lc_calloc(ctx, ind->nall, sizeof *res65);
    if (!res60 || !res65 || allocate(ctx, ind) != LC_OK)
        goto fail;
    for (size_t d = 0; d < ind->ndist && o.district_profiles; d++)
        ind->district_profile[d] = o.district_profiles[d];
    if (lc_levels_assign(ctx, ind, in, quality) != LC_OK)
        goto fail;
    if (ind->nunits && lc_parent_index_build(ctx, units, &ix) != LC_OK)
        goto fail;
    if (sum_residential(ctx, ind, in, coverage, &ix, res60, res65, quality) != LC_OK)
        goto fail;
    lc_levels_populations(ind);
    sum_facilities(ctx, ind, in, profile, &ix);
    if (choose_populations(ctx, ind, in, res60, res65, quality) != LC_OK ||
        warn_denominators(ctx, ind, in, profile, quality) != LC_OK)
        goto fail;
    sum_districts(ind);
    if (lc_levels_presence(ctx, ind, in, profile, coverage, o.network, quality) != LC_OK)
        goto fail;
    for (size_t k = 0; k < ind->nnorms; k++) {
        const lc_norm *n = lc_profile_norm(profile, k);
        for (size_t r = 0; r < ind->nall; r++)
            ind->cells[r * ind->nnorms + k] = evaluate(ind, n, k, r);
    }
    lc_parent_index_free(ctx, &ix);
    lc_levels_free(ctx, ind);
    free(res60);
    free(res65);
    return ind;
fail:
    lc_parent_index_free(ctx, &ix);
    lc_levels_free(ctx, ind);
    free(res60);
    free(res65);
    lc_indicators_destroy(ind);
    return NULL;
}

size_t lc_indicators_row_count(const lc_indicators *ind)
{
    return ind ? ind->nrows : 0;
}

size_t lc_indicators_total_row(const lc_indicators *ind)
{
    return ind ? ind->nrows - 1 : 0;
}

const lc_indicator *lc_indicators_get(const lc_indicators *ind, size_t row, size_t norm)
{
    return ind && row < ind->nall && norm < ind->nnorms ? &ind->cells[row * ind->nnorms + norm] : NULL;
}

double lc_indicators_population(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nall ? ind->pop[row] : NAN;
}

double lc_indicators_pop60(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nall ? ind->pop60[row] : NAN;
}

double lc_indicators_pop65(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nall ? ind->pop65[row] : NAN;
}

int lc_indicators_population_from_unit(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nall ? ind->pop_from_unit[row] : 0;
}

size_t lc_indicators_facility_count(const lc_indicators *ind, size_t row, size_t category)
{
    return ind && row < ind->nall && category < ind->ncat ? ind->fac_count[row * ind->ncat + category] : 0;
}

double lc_indicators_floor_area(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nall ? ind->floor_area[row] : NAN;
}

double lc_indicators_covered(const lc_indicators *ind, size_t row, size_t category)
{
    return ind && row < ind->nall && category < ind->ncat ? ind->covered[row * ind->ncat + category] : NAN;
}

double lc_indicators_covered_share(const lc_indicators *ind, size_t row, size_t category)
{
    if (!ind || row >= ind->nrows || category >= ind->ncat || !(ind->res_pop[row] > 0))
        return NAN;
    return ind->covered[row * ind->ncat + category] / ind->res_pop[row];
}

long lc_indicators_facility_unit(const lc_indicators *ind, size_t facility)
{
    return ind && facility < ind->nfac ? ind->fac_unit[facility] : -1;
}

long lc_indicators_residential_unit(const lc_indicators *ind, size_t polygon)
{
    return ind && polygon < ind->nres ? ind->res_unit[polygon] : -1;
}

size_t lc_indicators_failures(const lc_indicators *ind)
{
    size_t n = 0;
    for (size_t k = 0; ind && k < ind->nnorms; k++) {
        int failed = 0;
        for (size_t r = 0; r < ind->nall && !failed; r++)
            failed = ind->cells[r * ind->nnorms + k].pass == 0;
        n += failed;
    }
    return n;
}

size_t lc_indicators_district_count(const lc_indicators *ind)
{
    return ind ? ind->ndist : 0;
}

size_t lc_indicators_district_row(const lc_indicators *ind, size_t district)
{
    return ind && district < ind->ndist ? IND_DISTRICT_ROW(ind, district) : (size_t)-1;
}

long lc_indicators_unit_district(const lc_indicators *ind, size_t unit)
{
    return ind && unit < ind->nunits ? ind->lv[LC_LEVEL_UNIT].district[unit] : -1;
}

const lc_profile *lc_indicators_district_profile(const lc_indicators *ind, size_t district)
{
    return ind && district < ind->ndist && ind->district_profile[district] ? ind->district_profile[district]
                                                                             : ind ? ind->profile : NULL;
}

size_t lc_indicators_level_count(const lc_indicators *ind, lc_level level)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT ? ind->lv[level].n : 0;
}

long lc_indicators_level_parent(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].parent[i] : -1;
}

long lc_indicators_level_unit(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].unit[i] : -1;
}

long lc_indicators_level_district(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].district[i] : -1;
}

int lc_indicators_level_villagers(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].type[i] : -1;
}

int lc_indicators_level_rural(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].rural[i] : -1;
}

double lc_indicators_level_population(const lc_indicators *ind, lc_level level, size_t i)
{
    if (!ind || (unsigned)level >= LC_LEVEL_COUNT || i >= ind->lv[level].n)
        return NAN;
    if (level == LC_LEVEL_UNIT)
        return ind->pop[i];
    if (level == LC_LEVEL_DISTRICT)
        return ind->pop[IND_DISTRICT_ROW(ind, i)];
    return ind->lv[level].pop[i];
}

int lc_indicators_level_population_from_field(const lc_indicators *ind, lc_level level, size_t i)
{
    if (!ind || (unsigned)level >= LC_LEVEL_COUNT || i >= ind->lv[level].n)
        return 0;
    if (level == LC_LEVEL_UNIT)
        return ind->pop_from_unit[i];
    if (level == LC_LEVEL_DISTRICT)
        return ind->pop_from_unit[IND_DISTRICT_ROW(ind, i)];
    return ind->lv[level].pop_from_field[i];
}

double lc_indicators_level_households(const lc_indicators *ind, lc_level level, size_t i)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && i < ind->lv[level].n ? ind->lv[level].households[i] : NAN;
}

size_t lc_indicators_level_facilities(const lc_indicators *ind, lc_level level, size_t i, size_t norm)
{
    if (!ind || (unsigned)level >= LC_LEVEL_COUNT || i >= ind->lv[level].n || norm >= ind->nnorms)
        return 0;
    return ind->lv[level].count[i * ind->nnorms + norm];
}

int lc_indicators_level_meets(const lc_indicators *ind, lc_level level, size_t i, size_t norm)
{
    if (!ind || (unsigned)level >= LC_LEVEL_COUNT || i >= ind->lv[level].n || norm >= ind->nnorms)
        return -1;
    return ind->lv[level].meets[i * ind->nnorms + norm];
}

long lc_indicators_residential_committee(const lc_indicators *ind, size_t polygon)
{
    return ind && polygon < ind->nres ? ind->res_committee[polygon] : -1;
}

long lc_indicators_facility_level(const lc_indicators *ind, lc_level level, size_t facility)
{
    return ind && (unsigned)level < LC_LEVEL_COUNT && facility < ind->nfac
               ? ind->fac_level[(size_t)level * ind->nfac + facility] : -1;
}

/* Whether norm n asks only rural units: 镇/乡 (or what lies in them), villagers' committees
 * (村委会), or village groups (村民小组, each a part of a village). */
static int rural_norm(const lc_norm *n)
{
    return n->kind == LC_NORM_UNIT_PRESENCE &&
           (n->only == LC_ONLY_RURAL || n->only == LC_ONLY_VILLAGERS || n->level == LC_LEVEL_GROUP);
}

/* Whether row (a 街镇, the whole area or a district) holds a unit known to be rural: a 街镇 that is a
 * 镇 or 乡, a villagers' committee (村委会), or a village group. Units of unknown type do not count. */
static int row_has_rural(const lc_indicators *ind, size_t row)
{
    static const lc_level levels[] = {LC_LEVEL_UNIT, LC_LEVEL_COMMITTEE, LC_LEVEL_GROUP};
    for (size_t j = 0; j < sizeof levels / sizeof levels[0]; j++) {
        const level_units *lv = &ind->lv[levels[j]];
        for (size_t i = 0; lv->layer && i < lv->n; i++) {
            int in = row == ind->nunits   ? 1
                     : row < ind->nunits ? lv->unit[i] == (long)row
                                         : lv->district[i] == (long)(row - ind->nunits - 1);
            int rural = levels[j] == LC_LEVEL_UNIT ? lv->rural[i] == 1
                        : levels[j] == LC_LEVEL_COMMITTEE ? lv->type[i] == 1 : 1;
            if (in && rural)
                return 1;
        }
    }
    return 0;
}

const char *lc_indicators_why_na(const lc_indicators *ind, size_t row, size_t norm, const char **short_code)
{
    static const char *const no_layer[LC_LEVEL_COUNT] = {
        "the study gives no 区 (districts) layer 未提供区图层", "the study gives no 街镇 (units) layer 未提供街镇图层",
        "the study gives no 片区 (areas) layer 未提供片区图层", "the study gives no 居村 (committees) layer 未提供居村图层",
        "the study gives no 村民小组 (groups) layer 未提供村民小组图层"};
    const char *code = NULL, *why = NULL;
    if (short_code)
        *short_code = NULL;
    if (!ind || row >= ind->nall || norm >= ind->nnorms || !isnan(ind->cells[row * ind->nnorms + norm].value))
        return NULL;
    const lc_norm *n = lc_profile_norm(ind->profile, norm);
    const lc_indicator *x = &ind->cells[row * ind->nnorms + norm];
    if (n->kind == LC_NORM_CAPACITY_RATIO && n->per && !strcmp(n->per, "pop60")) {
        code = "no pop60";
        why = ind->has_pop60 ? "no registered 60+ residents here 此处无60岁以上户籍人口"
                             : "no registered 60+ population field (pop60 / 户籍60岁以上 / HJ60) 无60岁以上户籍人口字段";
    } else if (n->kind == LC_NORM_CAPACITY_RATIO && n->per && !strcmp(n->per, "pop65")) {
        code = "no pop65";
        why = ind->has_pop65 ? "no registered 65+ residents here 此处无65岁以上户籍人口"
                             : "no registered 65+ population field (pop65 / 户籍65岁以上 / HJ65) 无65岁以上户籍人口字段";
    } else if (n->kind == LC_NORM_NURSING_SHARE) {
        code = "no beds", why = "no care beds here 此处无养老床位";
    } else if (rural_norm(n) && !row_has_rural(ind, row)) {
        /* Before "no layer": with no rural unit, a rural tier does not apply whatever layers are given. */
        code = "no rural";
        why = row == ind->nunits ? "不适用 — 无农村单元 / does not apply: no rural units (no 街镇 known as 镇/乡, no 村委会, "
                                   "no 村民小组 in the study)"
                                 : "不适用 — 此处无农村单元 / does not apply: no rural units here (no 镇/乡, 村委会 or "
                                   "村民小组)";
    } else if (n->kind == LC_NORM_UNIT_PRESENCE && !ind->lv[n->level].layer && n->level != LC_LEVEL_UNIT) {
        code = "no layer", why = no_layer[n->level];
    } else if (n->kind == LC_NORM_UNIT_PRESENCE) {
        code = "no units";
        why = n->only != LC_ONLY_ALL ? "no unit of the type this norm asks of (街道, 镇/乡, 居委, 村委) here, or the "
                                       "types are not known 此处无适用类型的单元（或类型未知）"
                                     : "no unit of the level here 此处无适用单元";
    } else if (!(x->denominator > 0)) {
        code = "no pop", why = "no residents here 此处无常住人口";
    } else {
        code = "n/a", why = "not computed 未计算";
    }
    if (short_code)
        *short_code = code;
    return why;
}
