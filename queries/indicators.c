/*
 * queries/indicators.c — the profile's norms per unit (街镇) and for the whole area: assigns
 * residential polygons and facilities to units, sums populations, floor areas and capacities, and
 * turns them into value / target / pass / shortfall. Coverage itself comes from queries/coverage.c;
 * writing the table is outputs/' job.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/indicators.h"

struct lc_indicators {
    size_t nunits, nrows, nnorms, ncat, nfac, nres;
    lc_indicator *cells;     /* nrows × nnorms */
    double *pop, *pop60, *pop65; /* the denominators per row */
    int *pop_from_unit;
    double *res_pop;         /* residential population per row (the coverage denominator) */
    double *covered;         /* nrows × ncat residents within reach */
    double *circle_covered;  /* residents with the whole life circle */
    size_t *fac_count;       /* nrows × ncat */
    double *floor_area, *meals, *beds, *nursing;
    long *fac_unit;          /* per facility */
    long *res_unit;          /* per residential polygon: the unit holding most of it */
};

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
    free(ind);
}

/* Allocates every array; LC_OK or LC_ERR_NOMEM. */
static lc_status allocate(lc_context *ctx, lc_indicators *ind)
{
    size_t r = ind->nrows;
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
    ind->fac_unit = lc_calloc(ctx, ind->nfac, sizeof(long));
    ind->res_unit = lc_calloc(ctx, ind->nres, sizeof(long));
    int ok = ind->cells && ind->pop && ind->pop60 && ind->pop65 && ind->pop_from_unit && ind->res_pop &&
             ind->covered && ind->circle_covered && ind->fac_count && ind->floor_area && ind->meals && ind->beds &&
             ind->nursing && ind->fac_unit && ind->res_unit;
    return ok ? LC_OK : LC_ERR_NOMEM;
}

/* Prepared unit polygons with their envelopes, for point-in-unit and overlap tests. */
typedef struct unit_index {
    const lc_layer *units;
    const GEOSPreparedGeometry **prep;
    lc_bbox *box;
} unit_index;

static lc_status unit_index_build(lc_context *ctx, const lc_layer *units, unit_index *ix)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(units);
    ix->units = units;
    ix->prep = lc_calloc(ctx, n, sizeof *ix->prep);
    ix->box = lc_calloc(ctx, n, sizeof *ix->box);
    if (!ix->prep || !ix->box)
        return LC_ERR_NOMEM;
    for (size_t u = 0; u < n; u++) {
        const GEOSGeometry *g = lc_layer_feature(units, u)->geom;
        ix->prep[u] = GEOSPrepare_r(h, g);
        if (!ix->prep[u])
            return lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare unit %s", lc_layer_feature(units, u)->id);
        GEOSGeom_getExtent_r(h, g, &ix->box[u].minx, &ix->box[u].miny, &ix->box[u].maxx, &ix->box[u].maxy);
    }
    return LC_OK;
}

static void unit_index_free(lc_context *ctx, unit_index *ix)
{
    for (size_t u = 0; ix->prep && u < lc_layer_count(ix->units); u++)
        if (ix->prep[u])
            GEOSPreparedGeom_destroy_r(lc_ctx_geos(ctx), ix->prep[u]);
    free(ix->prep);
    free(ix->box);
}

static int boxes_overlap(lc_bbox a, lc_bbox b)
{
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

/* The unit a point falls in, -1 if none (the first in layer order when units overlap). */
static long unit_of_point(lc_context *ctx, const unit_index *ix, const GEOSGeometry *pt)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    double x, y;
    GEOSGeomGetX_r(h, pt, &x);
    GEOSGeomGetY_r(h, pt, &y);
    lc_bbox p = {x, y, x, y};
    for (size_t u = 0; u < lc_layer_count(ix->units); u++)
        if (boxes_overlap(p, ix->box[u]) && GEOSPreparedIntersects_r(h, ix->prep[u], pt) == 1)
            return (long)u;
    return -1;
}

/* The unit a residential polygon declares (its unit field matching a unit's id or name), -1 if
 * it declares none or none matches. */
static long declared_unit(const lc_feature *f, const lc_layer *units)
{
    if (!f->unit || !*f->unit)
        return -1;
    for (size_t u = 0; u < lc_layer_count(units); u++) {
        const lc_feature *uf = lc_layer_feature(units, u);
        if (!strcmp(uf->id, f->unit) || (uf->name && !strcmp(uf->name, f->unit)))
            return (long)u;
    }
    return -1;
}

/* Splits residential polygon f over the units by area of overlap: shares[u] = area(f ∩ unit) /
 * area(f). Returns the unit with the largest share, -1 if f overlaps none. */
static long overlap_shares(lc_context *ctx, const unit_index *ix, const lc_feature *f, double *shares)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_bbox b;
    GEOSGeom_getExtent_r(h, f->geom, &b.minx, &b.miny, &b.maxx, &b.maxy);
    long best = -1;
    for (size_t u = 0; u < lc_layer_count(ix->units); u++) {
        shares[u] = 0;
        if (!boxes_overlap(b, ix->box[u]) || GEOSPreparedIntersects_r(h, ix->prep[u], f->geom) != 1)
            continue;
        if (GEOSPreparedContains_r(h, ix->prep[u], f->geom) == 1) {
            shares[u] = 1;
        } else {
            GEOSGeometry *part = GEOSIntersection_r(h, f->geom, lc_layer_feature(ix->units, u)->geom);
            double a = 0;
            if (part) {
                GEOSArea_r(h, part, &a);
                GEOSGeom_destroy_r(h, part);
            }
            shares[u] = f->area > 0 ? a / f->area : 0;
        }
        if (shares[u] > 0 && (best < 0 || shares[u] > shares[best]))
            best = (long)u;
    }
    return best;
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

/* Sums residential polygons into rows (by declared unit or overlap) and the total row. */
static lc_status sum_residential(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_coverage *cov,
                                 const unit_index *ix, double *res60, double *res65)
{
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t total = ind->nrows - 1;
    double *shares = ind->nunits ? lc_calloc(ctx, ind->nunits, sizeof *shares) : NULL;
    if (ind->nunits && !shares)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < ind->nres; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        add_residential(ind, cov, f, i, total, 1.0);
        res60[total] += isnan(f->pop60) ? 0 : f->pop60;
        res65[total] += isnan(f->pop65) ? 0 : f->pop65;
        ind->res_unit[i] = -1;
        if (!ind->nunits)
            continue;
        long u = declared_unit(f, units);
        if (u >= 0) {
            memset(shares, 0, ind->nunits * sizeof *shares);
            shares[u] = 1;
        } else {
            u = overlap_shares(ctx, ix, f, shares);
        }
        ind->res_unit[i] = u;
        for (size_t k = 0; k < ind->nunits; k++) {
            if (shares[k] <= 0)
                continue;
            add_residential(ind, cov, f, i, k, shares[k]);
            res60[k] += (isnan(f->pop60) ? 0 : f->pop60) * shares[k];
            res65[k] += (isnan(f->pop65) ? 0 : f->pop65) * shares[k];
        }
    }
    free(shares);
    return LC_OK;
}

/* Sums facilities into their unit's row and the total row. */
static void sum_facilities(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_profile *profile,
                           const unit_index *ix)
{
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t total = ind->nrows - 1;
    for (size_t i = 0; i < ind->nfac; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        long u = ind->nunits ? unit_of_point(ctx, ix, f->geom) : -1;
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
    size_t total = ind->nrows - 1;
    int all_pop = ind->nunits > 0, all60 = ind->nunits > 0, all65 = ind->nunits > 0;
    double sum_pop = 0, sum60 = 0, sum65 = 0;
    for (size_t r = 0; r < ind->nrows; r++) {
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

/* Evaluates norm n on row r. */
static lc_indicator evaluate(const lc_indicators *ind, const lc_norm *n, size_t r, const double *presence_units)
{
    switch (n->kind) {
    case LC_NORM_REACH:
        return ratio(ind->covered[r * ind->ncat + (size_t)n->category], ind->res_pop[r], n->target, 1, "people");
    case LC_NORM_CIRCLE:
        return ratio(ind->circle_covered[r], ind->res_pop[r], n->target, 1, "people");
    case LC_NORM_FLOOR_AREA:
        return ratio(ind->floor_area[r], ind->pop[r], n->target, 1000, "m²");
    case LC_NORM_UNIT_PRESENCE:
        if (r == ind->nrows - 1 && ind->nunits)
            return ratio(presence_units[0], (double)ind->nunits, n->target, 1, "街镇");
        return ratio(ind->fac_count[r * ind->ncat + (size_t)n->category] > 0, 1, n->target, 1, "街镇");
    case LC_NORM_CAPACITY_RATIO: {
        const double *m = !strcmp(n->measure, "meals") ? ind->meals : !strcmp(n->measure, "beds") ? ind->beds : ind->nursing;
        const double *p = !strcmp(n->per, "pop65") ? ind->pop65 : !strcmp(n->per, "pop60") ? ind->pop60 : ind->pop;
        const char *unit = !strcmp(n->measure, "meals") ? "meals/day" : !strcmp(n->measure, "beds") ? "beds" : "nursing beds";
        return ratio(m[r], p[r], n->target, 1, unit);
    }
    case LC_NORM_NURSING_SHARE:
        return ratio(ind->nursing[r], ind->beds[r], n->target, 1, "nursing beds");
    }
    return (lc_indicator){.value = NAN, .target = NAN, .pass = -1};
}

lc_indicators *lc_indicators_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                     const lc_coverage *coverage, lc_quality *quality)
{
    if (!ctx)
        return NULL;
    if (!in || !profile || !coverage || !quality) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_indicators_compute: inputs, profile, coverage and quality are required");
        return NULL;
    }
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    lc_indicators *ind = lc_calloc(ctx, 1, sizeof *ind);
    unit_index ix = {0};
    double *res60 = NULL, *res65 = NULL, *presence = NULL;
    if (!ind)
        return NULL;
    ind->nunits = lc_layer_count(units);
    ind->nrows = ind->nunits + 1;
    ind->nnorms = lc_profile_norm_count(profile);
    ind->ncat = lc_profile_category_count(profile);
    ind->nfac = lc_layer_count(lc_inputs_layer(in, LC_LAYER_FACILITIES));
    ind->nres = lc_layer_count(lc_inputs_layer(in, LC_LAYER_RESIDENTIAL));
    res60 = lc_calloc(ctx, ind->nrows, sizeof *res60);
    res65 = lc_calloc(ctx, ind->nrows, sizeof *res65);
    presence = lc_calloc(ctx, ind->nnorms ? ind->nnorms : 1, sizeof *presence);
    if (!res60 || !res65 || !presence || allocate(ctx, ind) != LC_OK)
        goto fail;
    if (ind->nunits && unit_index_build(ctx, units, &ix) != LC_OK)
        goto fail;
    if (sum_residential(ctx, ind, in, coverage, &ix, res60, res65) != LC_OK)
        goto fail;
    sum_facilities(ctx, ind, in, profile, &ix);
    if (choose_populations(ctx, ind, in, res60, res65, quality) != LC_OK)
        goto fail;
    for (size_t k = 0; k < ind->nnorms; k++) {
        const lc_norm *n = lc_profile_norm(profile, k);
        double units_with = 0;
        if (n->kind == LC_NORM_UNIT_PRESENCE)
            for (size_t u = 0; u < ind->nunits; u++)
                units_with += ind->fac_count[u * ind->ncat + (size_t)n->category] > 0;
        presence[0] = units_with;
        for (size_t r = 0; r < ind->nrows; r++)
            ind->cells[r * ind->nnorms + k] = evaluate(ind, n, r, presence);
    }
    unit_index_free(ctx, &ix);
    free(res60);
    free(res65);
    free(presence);
    return ind;
fail:
    unit_index_free(ctx, &ix);
    free(res60);
    free(res65);
    free(presence);
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
    return ind && row < ind->nrows && norm < ind->nnorms ? &ind->cells[row * ind->nnorms + norm] : NULL;
}

double lc_indicators_population(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nrows ? ind->pop[row] : NAN;
}

double lc_indicators_pop60(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nrows ? ind->pop60[row] : NAN;
}

double lc_indicators_pop65(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nrows ? ind->pop65[row] : NAN;
}

int lc_indicators_population_from_unit(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nrows ? ind->pop_from_unit[row] : 0;
}

size_t lc_indicators_facility_count(const lc_indicators *ind, size_t row, size_t category)
{
    return ind && row < ind->nrows && category < ind->ncat ? ind->fac_count[row * ind->ncat + category] : 0;
}

double lc_indicators_floor_area(const lc_indicators *ind, size_t row)
{
    return ind && row < ind->nrows ? ind->floor_area[row] : NAN;
}

double lc_indicators_covered(const lc_indicators *ind, size_t row, size_t category)
{
    return ind && row < ind->nrows && category < ind->ncat ? ind->covered[row * ind->ncat + category] : NAN;
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
        for (size_t r = 0; r < ind->nrows && !failed; r++)
            failed = ind->cells[r * ind->nnorms + k].pass == 0;
        n += failed;
    }
    return n;
}
