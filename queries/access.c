/*
 * queries/access.c — supply-demand accessibility (include/lifecircle/access.h): 2SFCA and E2SFCA for
 * every `accessibility:` entry of the profile. First the distances, once for every facility of a
 * supplying category, on every core (geo/parallel.c): straight line from each compound's point on its
 * surface, or one bounded shortest-path pass per facility along the walking network
 * (lc_network_reach_rerun) to the compounds' demand points as coverage attaches them
 * (lc_cov_demand_snaps, queries/coverage_demand.c). Then per entry the two steps, and the per-街镇
 * means. Writing the results is outputs/access_out.c; the formulas and sources are in
 * docs/reference.md ("Accessibility (2SFCA)").
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "network/network_int.h"
#include "lifecircle/access.h"
#include "queries/coverage_int.h"

/* A facility's compounds within its reach: demand group g at distance d. */
typedef struct pair {
    uint32_t g;
    double d;
} pair;

struct lc_access {
    size_t nspec, npoly, nfac, nrows;
    const lc_access_spec **spec;   /* borrowed from the profile */
    int *has_demand;               /* per entry */
    double *a;                     /* nspec × npoly: A_i */
    lc_access_facility *fac;       /* nspec × nfac */
    size_t *over;                  /* per entry */
    double *row_value, *row_demand, *row_short; /* nspec × nrows */
    double *row_target;            /* nspec × nrows: the target each row is held to, NAN: none */
    const lc_access_spec **fspec;  /* nspec × nfac: the entry each facility is computed with (its
                                      district's profile's entry of the same code, else the study's) */
    double *ctarget;               /* nspec × npoly: the target each compound is held to */
    int *has_target;               /* per entry: some compound, facility or row has a target */
};

double lc_access_weight(const lc_access_spec *spec, double d)
{
    if (!spec || !(d >= 0))
        return NAN;
    if (spec->method == LC_ACCESS_2SFCA || spec->weights == LC_WEIGHTS_NONE)
        return 1.0;
    if (spec->weights == LC_WEIGHTS_GAUSSIAN)
        return exp(-d * d / (2 * spec->sigma_m * spec->sigma_m));
    for (size_t k = 0; k < spec->nsteps; k++)
        if (d <= spec->step_m[k])
            return spec->step_w[k];
    return spec->nsteps ? spec->step_w[spec->nsteps - 1] : 1.0;
}

double lc_access_capacity_of(const lc_access_spec *spec, const lc_feature *f)
{
    if (!spec || !f)
        return NAN;
    switch (spec->capacity) {
    case LC_CAPACITY_MEALS: return f->meals;
    case LC_CAPACITY_BEDS: return f->beds;
    case LC_CAPACITY_NURSING_BEDS: return f->nursing_beds;
    case LC_CAPACITY_PLACES: return f->places;
    }
    return NAN;
}

double lc_access_demand_of(const lc_access_spec *spec, const lc_feature *f)
{
    if (!spec || !f)
        return NAN;
    switch (spec->demand) {
    case LC_DEMAND_POPULATION: return f->population;
    case LC_DEMAND_POP60: return f->pop60;
    case LC_DEMAND_POP65: return f->pop65;
    }
    return NAN;
}

/* ---- distances -------------------------------------------------------------------------------- */

/* Everything the facility tasks read (shared, read only) and write (each its own facility's slot). */
typedef struct dist_job {
    const lc_layer *fac;
    const lc_network *net;        /* network mode, else NULL */
    double max_snap_m;
    /* Demand points: point p belongs to group pgroup[p]; sorted by x in byx / xs. */
    size_t npts, ngroups;
    const lc_xy *pxy;
    const lc_snap *psnap;         /* network mode: each point's attachment */
    const uint32_t *pgroup;
    const uint32_t *byx;
    const double *xs;
    const double *freach;         /* per facility: its reach, 0 when it supplies no entry */
    pair **pairs;                 /* per facility: its pairs (malloc'd by the task) */
    size_t *npairs;
    /* Per thread: its shortest-path pass, and the best distance met per group in this task. */
    lc_network_reach *reach[LC_PARALLEL_MAX_THREADS];
    lc_context *ctx[LC_PARALLEL_MAX_THREADS];
    double *best[LC_PARALLEL_MAX_THREADS];
    uint32_t *stamp[LC_PARALLEL_MAX_THREADS];
    uint32_t *seen[LC_PARALLEL_MAX_THREADS];
} dist_job;

/* Task j: the demand groups within facility j's reach and their distances (the nearest of a
 * group's points: a compound's entrances are one group). 0, or -1 with msg set. */
static int facility_task(void *arg, size_t j, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    dist_job *jb = arg;
    double r = jb->freach[j];
    if (!(r > 0))
        return 0;
    const lc_feature *f = lc_layer_feature(jb->fac, j);
    lc_xy p;
    if (!GEOSGeomGetX_r(h, f->geom, &p.x) || !GEOSGeomGetY_r(h, f->geom, &p.y)) {
        snprintf(msg, msg_size, "%s (layer %s, feature %s): no coordinates for the facility", lc_layer_source(jb->fac),
                 lc_layer_name(jb->fac), f->id);
        return -1;
    }
    lc_network_reach *reach = jb->reach[thread];
    lc_context *ctx = jb->ctx[thread];
    if (jb->net) {
        lc_snap s;
        long id = (long)j;
        if (lc_network_snap(ctx, jb->net, p, jb->max_snap_m, &s) != LC_OK ||
            lc_network_reach_rerun(ctx, reach, &s, &id, 1, r) != LC_OK) {
            snprintf(msg, msg_size, "facility %s: %s", f->id, lc_context_errmsg(ctx));
            return -1;
        }
        if (s.edge < 0)
            return 0; /* off the network: it reaches nobody, as in coverage */
    }
    double *best = jb->best[thread];
    uint32_t *stamp = jb->stamp[thread], *seen = jb->seen[thread], tag = (uint32_t)(j + 1);
    size_t nseen = 0;
    /* The points in the band x ∈ [p.x − r, p.x + r]: a network distance is never shorter than the
     * straight one (access legs and streets are straight lines or longer). */
    size_t lo = 0, hi = jb->npts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (jb->xs[mid] < p.x - r)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t q = lo; q < jb->npts && jb->xs[q] <= p.x + r; q++) {
        uint32_t k = jb->byx[q];
        double d = hypot(jb->pxy[k].x - p.x, jb->pxy[k].y - p.y);
        if (d > r)
            continue;
        if (jb->net)
            d = lc_network_reach_distance(reach, &jb->psnap[k], NULL);
        if (!(d <= r))
            continue;
        uint32_t g = jb->pgroup[k];
        if (stamp[g] != tag) {
            stamp[g] = tag;
            best[g] = d;
            seen[nseen++] = g;
        } else if (d < best[g]) {
            best[g] = d;
        }
    }
    if (!nseen)
        return 0;
    pair *out = malloc(nseen * sizeof *out);
    if (!out) {
        snprintf(msg, msg_size, "out of memory: the compounds within reach of facility %s", f->id);
        return -1;
    }
    /* In group order, so sums do not depend on the order points were met in. */
    for (size_t k = 0; k < nseen; k++)
        out[k] = (pair){seen[k], best[seen[k]]};
    for (size_t a = 1; a < nseen; a++) { /* insertion sort: a facility reaches a few hundred groups */
        pair t = out[a];
        size_t b = a;
        while (b && out[b - 1].g > t.g) {
            out[b] = out[b - 1];
            b--;
        }
        out[b] = t;
    }
    jb->pairs[j] = out;
    jb->npairs[j] = nseen;
    return 0;
}

typedef struct xkey {
    double x;
    uint32_t k;
} xkey;

static int cmp_xkey(const void *a, const void *b)
{
    const xkey *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->k > q->k) - (p->k < q->k);
}

/* ---- the result ------------------------------------------------------------------------------- */

void lc_access_destroy(lc_access *acc)
{
    if (!acc)
        return;
    free(acc->spec);
    free(acc->has_demand);
    free(acc->a);
    free(acc->fac);
    free(acc->over);
    free(acc->row_value);
    free(acc->row_demand);
    free(acc->row_short);
    free(acc->row_target);
    free(acc->fspec);
    free(acc->ctarget);
    free(acc->has_target);
    free(acc);
}

/* Whether facility f supplies entry a (its category listed). */
static int supplies(const lc_access_spec *a, const lc_feature *f)
{
    for (size_t k = 0; k < a->ncategories; k++)
        if (a->categories[k] == f->category)
            return 1;
    return 0;
}

/* The two steps of entry s over the pairs, then the rows. */
static void two_steps(lc_access *acc, size_t s, const lc_layer *res, const lc_layer *fac, pair *const *pairs,
                      const size_t *npairs, const uint32_t *gpoly, const double *gw, const lc_indicators *ind)
{
    const lc_access_spec *a = acc->spec[s];
    double *A = acc->a + s * acc->npoly;
    lc_access_facility *F = acc->fac + s * acc->nfac;
    int any = 0;
    for (size_t i = 0; i < acc->npoly; i++)
        any |= isfinite(lc_access_demand_of(a, lc_layer_feature(res, i)));
    acc->has_demand[s] = any;
    for (size_t i = 0; i < acc->npoly; i++)
        A[i] = any ? 0 : NAN;
    for (size_t j = 0; j < acc->nfac; j++) {
        const lc_feature *f = lc_layer_feature(fac, j);
        double S = lc_access_capacity_of(a, f);
        F[j] = (lc_access_facility){.supply = NAN, .ratio = NAN};
        if (!supplies(a, f) || !(S >= 0))
            continue;
        const lc_access_spec *fs = acc->fspec[s * acc->nfac + j];
        F[j].supplies = 1;
        F[j].supply = S;
        F[j].target = fs->target;
        /* Step 1: the weighted demand within reach. */
        double D = 0;
        long last = -1;
        for (size_t q = 0; q < npairs[j]; q++) {
            uint32_t g = pairs[j][q].g;
            double P = lc_access_demand_of(a, lc_layer_feature(res, gpoly[g]));
            D += lc_access_weight(fs, pairs[j][q].d) * (isfinite(P) ? P : 0) * gw[g];
            if ((long)gpoly[g] != last)
                F[j].compounds++;
            last = (long)gpoly[g];
        }
        F[j].demand = D;
        F[j].ratio = D > 0 ? S / D : NAN;
        F[j].over = D > 0 && isfinite(fs->target) && F[j].ratio < fs->target;
        acc->over[s] += (size_t)F[j].over;
        /* Step 2: what it gives each compound it reaches. */
        if (!(D > 0) || !any)
            continue;
        for (size_t q = 0; q < npairs[j]; q++) {
            uint32_t g = pairs[j][q].g;
            A[gpoly[g]] += gw[g] * lc_access_weight(fs, pairs[j][q].d) * F[j].ratio;
        }
    }
    if (!ind || !any)
        return;
    double *V = acc->row_value + s * acc->nrows, *P = acc->row_demand + s * acc->nrows;
    double *Sh = acc->row_short + s * acc->nrows;
    size_t total = lc_indicators_total_row(ind);
    for (size_t r = 0; r < acc->nrows; r++)
        V[r] = 0;
    for (size_t i = 0; i < acc->npoly; i++) {
        double p = lc_access_demand_of(a, lc_layer_feature(res, i));
        if (!(p > 0))
            continue;
        long u = lc_indicators_residential_unit(ind, i);
        size_t rows[3] = {total, (size_t)-1, (size_t)-1};
        if (u >= 0 && (size_t)u < acc->nrows && (size_t)u != total) {
            rows[1] = (size_t)u;
            long d = lc_indicators_unit_district(ind, (size_t)u);
            if (d >= 0)
                rows[2] = lc_indicators_district_row(ind, (size_t)d);
        }
        for (int k = 0; k < 3; k++) {
            if (rows[k] >= acc->nrows)
                continue;
            V[rows[k]] += p * A[i];
            P[rows[k]] += p;
            double t = acc->ctarget[s * acc->npoly + i];
            if (isfinite(t) && A[i] < t)
                Sh[rows[k]] += p;
        }
    }
    for (size_t r = 0; r < acc->nrows; r++)
        V[r] = P[r] > 0 ? V[r] / P[r] : NAN;
}

/* The district a 街镇 row lies in under ind, -1 when none. */
static long district_of_unit(const lc_indicators *ind, long u)
{
    return ind && u >= 0 ? lc_indicators_unit_district(ind, (size_t)u) : -1;
}

/* The entry of code in district d's profile (its own, held by ind), else the study's a. A district
 * entry must count what the study's counts (the same capacity and demand): LC_ERR_CONFIG otherwise,
 * naming both profiles, and NULL. */
static const lc_access_spec *district_spec(lc_context *ctx, const lc_indicators *ind, const lc_profile *profile,
                                           const lc_access_spec *a, long d)
{
    const lc_profile *dp = ind && d >= 0 ? lc_indicators_district_profile(ind, (size_t)d) : NULL;
    if (!dp || dp == profile)
        return a;
    for (size_t k = 0; k < lc_profile_access_count(dp); k++) {
        const lc_access_spec *b = lc_profile_access(dp, k);
        if (strcmp(b->code, a->code))
            continue;
        if (b->capacity != a->capacity || b->demand != a->demand) {
            lc_error(ctx, LC_ERR_CONFIG, "profile %s: accessibility.%s counts %s against %s, but the study's profile "
                     "%s counts %s against %s; a district's entry may change the weights and the target, not what "
                     "is counted", lc_profile_name(dp), a->code, lc_access_capacity_name(b->capacity),
                     lc_access_demand_name(b->demand), lc_profile_name(profile), lc_access_capacity_name(a->capacity),
                     lc_access_demand_name(a->demand));
            return NULL;
        }
        return b;
    }
    return a;
}

/* Every facility's and compound's entry (their district's, access.h) and every row's target. LC_OK
 * or LC_ERR_CONFIG (district_spec). */
static lc_status district_targets(lc_context *ctx, lc_access *acc, const lc_indicators *ind,
                                  const lc_profile *profile)
{
    size_t nd = ind ? lc_indicators_district_count(ind) : 0, nrow = ind ? lc_indicators_row_count(ind) : 0;
    for (size_t s = 0; s < acc->nspec; s++) {
        const lc_access_spec *a = acc->spec[s];
        int any = isfinite(a->target);
        for (size_t j = 0; j < acc->nfac; j++) {
            long d = ind ? district_of_unit(ind, lc_indicators_facility_unit(ind, j)) : -1;
            const lc_access_spec *fs = district_spec(ctx, ind, profile, a, d);
            if (!fs)
                return LC_ERR_CONFIG;
            acc->fspec[s * acc->nfac + j] = fs;
            any |= isfinite(fs->target);
        }
        for (size_t i = 0; i < acc->npoly; i++) {
            long d = ind ? district_of_unit(ind, lc_indicators_residential_unit(ind, i)) : -1;
            const lc_access_spec *cs = district_spec(ctx, ind, profile, a, d);
            if (!cs)
                return LC_ERR_CONFIG;
            acc->ctarget[s * acc->npoly + i] = cs->target;
            any |= isfinite(cs->target);
        }
        /* rows: each 街镇 its district's, the whole area the study's, each district its own */
        for (size_t r = 0; r < acc->nrows; r++) {
            long d = r + 1 < nrow ? district_of_unit(ind, (long)r) : r >= nrow && r - nrow < nd ? (long)(r - nrow) : -1;
            const lc_access_spec *rs = district_spec(ctx, ind, profile, a, d);
            if (!rs)
                return LC_ERR_CONFIG;
            acc->row_target[s * acc->nrows + r] = rs->target;
            any |= isfinite(rs->target);
        }
        acc->has_target[s] = any;
    }
    return LC_OK;
}

/* The accessibility of every entry; see access.h. */
lc_access *lc_access_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                             const lc_coverage_options *copt, const lc_indicators *ind)
{
    if (!ctx)
        return NULL;
    lc_coverage_options o = copt ? *copt : (lc_coverage_options){0};
    const lc_layer *res = in ? lc_inputs_layer(in, LC_LAYER_RESIDENTIAL) : NULL;
    const lc_layer *fac = in ? lc_inputs_layer(in, LC_LAYER_FACILITIES) : NULL;
    if (!res || !fac || !profile || (o.mode == LC_MODE_NETWORK && !o.network)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_access_compute: inputs with compounds and facilities, a profile and (in "
                                     "network mode) a network are required");
        return NULL;
    }
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    int network = o.mode == LC_MODE_NETWORK;
    const lc_network_rules *rules = lc_profile_network(profile);
    lc_access *acc = lc_calloc(ctx, 1, sizeof *acc);
    if (!acc)
        return NULL;
    acc->nspec = lc_profile_access_count(profile);
    acc->npoly = lc_layer_count(res);
    acc->nfac = lc_layer_count(fac);
    acc->nrows = ind ? lc_indicators_row_count(ind) + lc_indicators_district_count(ind) : 0;
    size_t ns = acc->nspec ? acc->nspec : 1;
    dist_job jb = {.fac = fac, .net = network ? o.network : NULL, .max_snap_m = rules->max_snap_m};
    size_t nthreads = 0;
    lc_snap *dsnap = NULL;
    size_t *dstart = NULL;
    lc_xy *dxy = NULL, *pxy = NULL;
    double *dw = NULL, *gw = NULL, *freach = NULL;
    long *dsrc = NULL;
    unsigned char *dkind = NULL;
    uint32_t *pgroup = NULL, *gpoly = NULL, *byx = NULL;
    double *xs = NULL;
    xkey *keys = NULL;
    pair **pairs = NULL;
    size_t *npairs = NULL;
    if (!(acc->spec = lc_calloc(ctx, ns, sizeof *acc->spec)) || !(acc->has_demand = lc_calloc(ctx, ns, sizeof(int))) ||
        !(acc->a = lc_calloc(ctx, ns * (acc->npoly ? acc->npoly : 1), sizeof(double))) ||
        !(acc->fac = lc_calloc(ctx, ns * (acc->nfac ? acc->nfac : 1), sizeof *acc->fac)) ||
        !(acc->over = lc_calloc(ctx, ns, sizeof *acc->over)) ||
        !(acc->row_value = lc_calloc(ctx, ns * (acc->nrows + 1), sizeof(double))) ||
        !(acc->row_demand = lc_calloc(ctx, ns * (acc->nrows + 1), sizeof(double))) ||
        !(acc->row_short = lc_calloc(ctx, ns * (acc->nrows + 1), sizeof(double))) ||
        !(acc->row_target = lc_calloc(ctx, ns * (acc->nrows + 1), sizeof(double))) ||
        !(acc->fspec = lc_calloc(ctx, ns * (acc->nfac ? acc->nfac : 1), sizeof *acc->fspec)) ||
        !(acc->ctarget = lc_calloc(ctx, ns * (acc->npoly ? acc->npoly : 1), sizeof(double))) ||
        !(acc->has_target = lc_calloc(ctx, ns, sizeof(int))))
        goto fail;
    for (size_t s = 0; s < acc->nspec; s++)
        acc->spec[s] = lc_profile_access(profile, s);
    for (size_t s = 0; s < acc->nspec * acc->nrows; s++)
        acc->row_value[s] = NAN, acc->row_target[s] = acc->spec[s / acc->nrows]->target;
    if (!acc->nspec)
        return acc;
    if (district_targets(ctx, acc, ind, profile) != LC_OK || lc_check_cancel(ctx, "accessibility") != LC_OK)
        goto fail;
    /* Demand points and their groups: straight line, each compound's point on its surface; network,
     * coverage's own demand points (entrances one group, grid points and buildings each their own). */
    size_t npts = 0, ngroups = 0;
    if (network) {
        if (!(dsnap = lc_cov_demand_snaps(ctx, res, lc_inputs_layer(in, LC_LAYER_ENTRANCES),
                                          lc_inputs_layer(in, LC_LAYER_BUILDINGS), o.network, rules, o.demand_grid_m,
                                          &dstart, &dxy, &dw, &dsrc, &dkind)))
            goto fail;
        npts = dstart[acc->npoly];
        pxy = dxy;
    } else {
        npts = acc->npoly;
        if (!(pxy = lc_calloc(ctx, npts ? npts : 1, sizeof *pxy)))
            goto fail;
        for (size_t i = 0; i < acc->npoly; i++) {
            const lc_feature *f = lc_layer_feature(res, i);
            GEOSGeometry *pt = GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT ? NULL : GEOSPointOnSurface_r(h, f->geom);
            const GEOSGeometry *g = pt ? pt : f->geom;
            int ok = (pt || GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT) && GEOSGeomGetX_r(h, g, &pxy[i].x) &&
                     GEOSGeomGetY_r(h, g, &pxy[i].y);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (!ok) {
                lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no point on the compound for its "
                         "accessibility", lc_layer_source(res), lc_layer_name(res), f->id);
                goto fail;
            }
        }
    }
    if (npts >= UINT32_MAX || !(pgroup = lc_calloc(ctx, npts ? npts : 1, sizeof *pgroup)) ||
        !(gpoly = lc_calloc(ctx, npts ? npts : 1, sizeof *gpoly)) || !(gw = lc_calloc(ctx, npts ? npts : 1, sizeof *gw)))
        goto fail;
    for (size_t i = 0; i < acc->npoly; i++) {
        size_t p0 = network ? dstart[i] : i, p1 = network ? dstart[i + 1] : i + 1;
        int one = !network || dkind[i] == DEMAND_ENTRANCES || dkind[i] == DEMAND_SURFACE || dkind[i] == DEMAND_POINT;
        for (size_t p = p0; p < p1; p++) {
            if (!one || p == p0) {
                gpoly[ngroups] = (uint32_t)i;
                gw[ngroups] = one ? 1.0 : dkind[i] == DEMAND_BUILDINGS ? dw[p] : 1.0 / (double)(p1 - p0);
                ngroups++;
            }
            pgroup[p] = (uint32_t)(ngroups - 1);
        }
    }
    /* The points by x, for each facility's band. */
    if (!(keys = lc_calloc(ctx, npts ? npts : 1, sizeof *keys)) || !(byx = lc_calloc(ctx, npts ? npts : 1, sizeof *byx)) ||
        !(xs = lc_calloc(ctx, npts ? npts : 1, sizeof *xs)))
        goto fail;
    for (size_t p = 0; p < npts; p++)
        keys[p] = (xkey){pxy[p].x, (uint32_t)p};
    qsort(keys, npts, sizeof *keys, cmp_xkey);
    for (size_t p = 0; p < npts; p++)
        byx[p] = keys[p].k, xs[p] = keys[p].x;
    /* Each facility's reach: that of its category when some entry lists it (the study's reach_m
     * over every category, as coverage). */
    if (!(freach = lc_calloc(ctx, acc->nfac ? acc->nfac : 1, sizeof *freach)) ||
        !(pairs = lc_calloc(ctx, acc->nfac ? acc->nfac : 1, sizeof *pairs)) ||
        !(npairs = lc_calloc(ctx, acc->nfac ? acc->nfac : 1, sizeof *npairs)))
        goto fail;
    for (size_t j = 0; j < acc->nfac; j++) {
        const lc_feature *f = lc_layer_feature(fac, j);
        for (size_t s = 0; s < acc->nspec && f->category >= 0; s++)
            if (supplies(acc->spec[s], f))
                freach[j] = o.reach_m > 0 ? o.reach_m : lc_profile_category(profile, (size_t)f->category)->reach_m;
    }
    jb.npts = npts, jb.ngroups = ngroups, jb.pxy = pxy, jb.psnap = dsnap, jb.pgroup = pgroup;
    jb.byx = byx, jb.xs = xs, jb.freach = freach, jb.pairs = pairs, jb.npairs = npairs;
    nthreads = lc_parallel_threads(o.threads > 0 ? (size_t)o.threads : 0, acc->nfac ? acc->nfac : 1);
    for (size_t t = 0; t < nthreads; t++) {
        jb.ctx[t] = t ? lc_context_create() : ctx;
        if (!jb.ctx[t] || !(jb.best[t] = lc_calloc(ctx, ngroups ? ngroups : 1, sizeof(double))) ||
            !(jb.stamp[t] = lc_calloc(ctx, ngroups ? ngroups : 1, sizeof(uint32_t))) ||
            !(jb.seen[t] = lc_calloc(ctx, ngroups ? ngroups : 1, sizeof(uint32_t))))
            goto nomem;
        if (t)
            lc_context_set_log_level(jb.ctx[t], LC_LOG_ERROR);
        if (network && !(jb.reach[t] = lc_network_reach_compute(ctx, o.network, NULL, NULL, 0, 0)))
            goto fail;
    }
    lc_status st = lc_parallel_run(ctx, nthreads, acc->nfac, facility_task, &jb, "accessibility: distances", NULL);
    if (st != LC_OK)
        goto fail;
    for (size_t s = 0; s < acc->nspec; s++)
        two_steps(acc, s, res, fac, pairs, npairs, gpoly, gw, ind);
    lc_progress(ctx, "accessibility", 1.0);
    goto done;
nomem:
    lc_error(ctx, LC_ERR_NOMEM, "out of memory: the accessibility workers");
fail:
    lc_access_destroy(acc);
    acc = NULL;
done:
    for (size_t t = 0; t < nthreads; t++) {
        if (t)
            lc_context_destroy(jb.ctx[t]);
        lc_network_reach_destroy(jb.reach[t]);
        free(jb.best[t]), free(jb.stamp[t]), free(jb.seen[t]);
    }
    for (size_t j = 0; pairs && j < lc_layer_count(fac); j++)
        free(pairs[j]);
    free(pairs), free(npairs), free(freach);
    free(keys), free(byx), free(xs), free(pgroup), free(gpoly), free(gw);
    if (pxy != dxy)
        free(pxy);
    free(dsnap), free(dstart), free(dxy), free(dw), free(dsrc), free(dkind);
    return acc;
}

size_t lc_access_count(const lc_access *acc)
{
    return acc ? acc->nspec : 0;
}

const lc_access_spec *lc_access_spec_of(const lc_access *acc, size_t s)
{
    return acc && s < acc->nspec ? acc->spec[s] : NULL;
}

int lc_access_has_demand(const lc_access *acc, size_t s)
{
    return acc && s < acc->nspec ? acc->has_demand[s] : 0;
}

double lc_access_compound(const lc_access *acc, size_t s, size_t i)
{
    return acc && s < acc->nspec && i < acc->npoly ? acc->a[s * acc->npoly + i] : NAN;
}

const lc_access_facility *lc_access_facility_get(const lc_access *acc, size_t s, size_t j)
{
    return acc && s < acc->nspec && j < acc->nfac ? &acc->fac[s * acc->nfac + j] : NULL;
}

size_t lc_access_over_count(const lc_access *acc, size_t s)
{
    return acc && s < acc->nspec ? acc->over[s] : 0;
}

size_t lc_access_row_count(const lc_access *acc)
{
    return acc ? acc->nrows : 0;
}

double lc_access_row_value(const lc_access *acc, size_t s, size_t row)
{
    return acc && s < acc->nspec && row < acc->nrows ? acc->row_value[s * acc->nrows + row] : NAN;
}

double lc_access_row_demand(const lc_access *acc, size_t s, size_t row)
{
    return acc && s < acc->nspec && row < acc->nrows ? acc->row_demand[s * acc->nrows + row] : NAN;
}

double lc_access_row_short(const lc_access *acc, size_t s, size_t row)
{
    return acc && s < acc->nspec && row < acc->nrows ? acc->row_short[s * acc->nrows + row] : NAN;
}

double lc_access_compound_target(const lc_access *acc, size_t s, size_t i)
{
    return acc && s < acc->nspec && i < acc->npoly ? acc->ctarget[s * acc->npoly + i] : NAN;
}

int lc_access_has_target(const lc_access *acc, size_t s)
{
    return acc && s < acc->nspec ? acc->has_target[s] : 0;
}

double lc_access_row_target(const lc_access *acc, size_t s, size_t row)
{
    return acc && s < acc->nspec && row < acc->nrows ? acc->row_target[s * acc->nrows + row] : NAN;
}

/* The unit a shortfall of capacity c is counted in. */
static const char *capacity_unit(lc_access_capacity c)
{
    static const char *const u[] = {"meals/day", "beds", "nursing beds", "places"};
    return (unsigned)c < 4 ? u[c] : "capacity";
}

lc_indicator lc_access_row_get(const lc_access *acc, size_t s, size_t row)
{
    lc_indicator x = {.value = NAN, .target = NAN, .pass = -1, .shortfall = NAN, .numerator = NAN,
                      .denominator = NAN};
    if (!acc || s >= acc->nspec || row >= acc->nrows)
        return x;
    const lc_access_spec *a = acc->spec[s];
    double v = acc->row_value[s * acc->nrows + row], P = acc->row_demand[s * acc->nrows + row];
    double t = acc->row_target[s * acc->nrows + row];
    x.value = v * a->per;
    x.target = t * a->per;
    x.shortfall_unit = capacity_unit(a->capacity);
    x.denominator = P;
    x.numerator = isfinite(v) ? v * P : NAN;
    if (isfinite(v) && isfinite(t)) {
        x.pass = v >= t;
        x.shortfall = x.pass ? 0 : (t - v) * P;
    }
    return x;
}
