/*
 * queries/coverage.c — who is within reach of what (include/lifecircle/coverage.h): the result's
 * accessors, the worker state every step shares out its tasks to (on geo/parallel.c's pool), and
 * lc_coverage_compute, which sets up the work of either mode. The modes themselves live in coverage_straight.c (circles around
 * facilities) and coverage_network.c (the walking corridor), with coverage_demand.c and
 * coverage_streets.c beside the latter (queries/coverage_int.h says which does what). Indicators
 * built on these numbers live in queries/indicators.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "lifecircle/coverage.h"
#include "queries/coverage_int.h"

void lc_coverage_destroy(lc_coverage *cov)
{
    if (!cov)
        return;
    lc_cov_service_destroy(cov->service_job); /* first: it writes into cov->service */
    GEOSContextHandle_t h = lc_ctx_geos(cov->ctx);
    for (size_t i = 0; cov->gaps && i < cov->npoly * cov->ncat; i++)
        if (cov->gaps[i])
            GEOSGeom_destroy_r(h, cov->gaps[i]);
    for (size_t c = 0; cov->service && c < cov->ncat; c++)
        if (cov->service[c])
            GEOSGeom_destroy_r(h, cov->service[c]);
    free(cov->reach);
    free(cov->cells);
    free(cov->gaps);
    free(cov->service);
    free(cov->circle);
    for (size_t c = 0; cov->streets && c < cov->ncat; c++) {
        free(cov->streets[c].pts);
        free(cov->streets[c].start);
    }
    free(cov->streets);
    free(cov->shares);
    free(cov);
}

/* ---- the workers --------------------------------------------------------------------------------- */

/* What lc_cov_run hands the shared pool (geo/parallel.c): the job, its workers and the task. */
typedef struct cov_pool {
    cov_job *jb;
    worker_state *ws;
    task_fn fn;
} cov_pool;

/* lc_parallel_fn: task i on the thread's worker, with the pool's GEOS handle for the thread. A
 * failing task's own message (w->msg) goes before GEOS's. Each task writes only its own slots (a
 * polygon's cells, a category, a block); what every thread reads (the inputs, the network, the
 * categories' reach) is only read: shared geometries had their lazy caches filled before the
 * threads started, and no prepared geometry or STRtree is shared. */
static int pool_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    cov_pool *p = arg;
    worker_state *w = &p->ws[thread];
    w->h = h;
    w->msg[0] = '\0';
    w->detail = NO_CATEGORY;
    w->status = LC_ERR_GEOMETRY;
    int rc = p->fn(w, i);
    if (rc && w->msg[0])
        snprintf(msg, msg_size, "%s", w->msg);
    return rc;
}

int lc_cov_run(cov_job *jb, worker_state *ws, size_t nthreads, task_fn fn, size_t total, lc_context *report)
{
    cov_pool p = {jb, ws, fn};
    lc_parallel_failure why = {0};
    lc_context *ctx = ws[0].ctx; /* the coverage's own: the pool's errors land there */
    lc_status st = lc_parallel_run(ctx, nthreads, total, pool_task, &p,
                                   report ? (jb->stage ? jb->stage : "coverage") : NULL, &why);
    if (st == LC_OK)
        return 0;
    jb->pool_failed = st != LC_ERR_GEOMETRY;
    jb->failed_task = why.task;
    jb->failed_detail = st == LC_ERR_GEOMETRY ? ws[why.thread].detail : NO_CATEGORY;
    jb->failed_status = st == LC_ERR_GEOMETRY ? ws[why.thread].status : st;
    snprintf(jb->failed_msg, sizeof jb->failed_msg, "%s", lc_context_errmsg(ctx));
    return -1;
}

static void workers_destroy(worker_state *ws, size_t nthreads);

/* Makes the state of nthreads workers for jb (in network mode contexts and scratch; the GEOS handles
 * come with each run from the pool). NULL with the context's error set. */
static worker_state *workers_create(lc_context *ctx, cov_job *jb, size_t nthreads, int network)
{
    worker_state *ws = lc_calloc(ctx, nthreads, sizeof *ws);
    if (!ws)
        return NULL;
    for (size_t t = 0; t < nthreads; t++) {
        worker_state *w = &ws[t];
        w->jb = jb;
        w->ctx = ctx;
        if (!network)
            continue;
        if (t) {
            if (!(w->ctx = lc_context_create())) {
                w->ctx = ctx;
                goto nomem;
            }
            w->own_ctx = 1;
            lc_context_set_log_level(w->ctx, LC_LOG_ERROR);
        }
        if (!(w->scr = lc_corridor_scratch_create()) || !(w->poff = lc_calloc(ctx, jb->ncat + 1, sizeof *w->poff)) ||
            !(w->pcnt = lc_calloc(ctx, jb->ncat + 1, sizeof *w->pcnt)) ||
            !(w->sets = lc_calloc(ctx, jb->ncat + 1, sizeof *w->sets)) ||
            !(w->setcat = lc_calloc(ctx, jb->ncat + 1, sizeof *w->setcat)) ||
            !(w->kinds = lc_calloc(ctx, jb->ncat + 1, 1)))
            goto nomem;
    }
    return ws;
nomem:
    lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot prepare the coverage workers");
    workers_destroy(ws, nthreads);
    return NULL;
}

/* Releases what workers_create made (also a part-made set: every member starts NULL or 0). */
static void workers_destroy(worker_state *ws, size_t nthreads)
{
    for (size_t t = 0; ws && t < nthreads; t++) {
        if (ws[t].own_ctx)
            lc_context_destroy(ws[t].ctx);
        lc_corridor_scratch_destroy(ws[t].scr);
        free(ws[t].edges);
        free(ws[t].pieces);
        free(ws[t].poff);
        free(ws[t].pcnt);
        free(ws[t].sets);
        free(ws[t].setcat);
        free(ws[t].kinds);
    }
    free(ws);
}

static void reach_free(lc_context *ctx, category_reach *c)
{
    for (size_t k = 0; c->buffer && k < c->n; k++)
        GEOSGeom_destroy_r(lc_ctx_geos(ctx), c->buffer[k]);
    free(c->buffer);
    free(c->byx);
    free(c->xs);
    free(c->x);
    free(c->y);
    free(c->index);
    free(c->ndist);
    free(c->nnear);
    free(c->pin);
    lc_reached_free(&c->reached);
}

/* The context's error for the compounds' step that failed (jb->failed_*); see coverage_int.h. */
lc_status lc_cov_compound_failure(lc_context *ctx, const cov_job *jb)
{
    const lc_layer *res = jb->res;
    const lc_feature *f = lc_layer_feature(res, jb->failed_task);
    if (jb->pool_failed) /* cancelled, or no threads: the pool's error is the context's */
        return lc_context_errno(ctx) != LC_OK ? lc_context_errno(ctx) : LC_ERR_INTERNAL;
    if (jb->failed_detail == NO_CATEGORY)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon%s%s",
                        lc_layer_source(res), lc_layer_name(res), f->id, jb->failed_msg[0] ? ": " : "",
                        jb->failed_msg);
    return lc_error(ctx, jb->failed_status == LC_ERR_NOMEM ? LC_ERR_NOMEM : LC_ERR_GEOMETRY,
                    "%s (layer %s, feature %s): coverage of category %s could not be computed%s%s",
                    lc_layer_source(res), lc_layer_name(res), f->id,
                    lc_profile_category(jb->profile, jb->failed_detail)->code, jb->failed_msg[0] ? ": " : "",
                    jb->failed_msg[0] ? jb->failed_msg : jb->failed_status == LC_ERR_NOMEM ? "out of memory" : "");
}

/* ---- the computation ----------------------------------------------------------------------------- */

/* Whether the options can be computed with; sets the context's error when not. */
static int options_valid(lc_context *ctx, const lc_coverage_options *o)
{
    if (o->mode == LC_MODE_NETWORK && !o->network) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "network mode needs a walking network: name a roads layer in the study "
                                          "('roads: {path: <file>}'), or use the straight-line mode");
        return 0;
    }
    if (o->reach_m < 0 || !isfinite(o->reach_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "reach must be a positive number of metres");
        return 0;
    }
    if (!(o->share_leaf_m >= 0 && o->gap_cell_m >= 0 && o->service_cell_m >= 0) || !isfinite(o->share_leaf_m) ||
        !isfinite(o->gap_cell_m) || !isfinite(o->service_cell_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "the corridor's resolutions (share_leaf_m, gap_cell_m, service_cell_m) must be "
                                     "finite numbers of metres ≥ 0 (0: the default)");
        return 0;
    }
    return 1;
}

lc_coverage *lc_coverage_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                 const lc_coverage_options *options)
{
    if (!ctx)
        return NULL;
    if (!in || !profile) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_coverage_compute: inputs and profile are required");
        return NULL;
    }
    lc_coverage_options o = options ? *options : (lc_coverage_options){0};
    if (!options_valid(ctx, &o))
        return NULL;
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    lc_coverage *cov = lc_calloc(ctx, 1, sizeof *cov);
    if (!cov)
        return NULL;
    int network = o.mode == LC_MODE_NETWORK;
    cov->ctx = ctx;
    cov->mode = o.mode;
    cov->npoly = lc_layer_count(res);
    cov->ncat = lc_profile_category_count(profile);
    cov->profile = profile;
    for (size_t i = 0; i < cov->npoly; i++)
        if (!isnan(lc_layer_feature(res, i)->population))
            cov->population += lc_layer_feature(res, i)->population;
    size_t cells = cov->npoly * cov->ncat, ncat = cov->ncat;
    cov->reach = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *cov->reach);
    cov->cells = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->cells);
    cov->gaps = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->gaps);
    cov->service = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *cov->service);
    cov->circle = lc_calloc(ctx, cov->npoly ? cov->npoly : 1, sizeof *cov->circle);
    category_reach *cats = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *cats);
    lc_snap *demand = NULL;
    size_t *dstart = NULL;
    lc_xy *dxy = NULL;
    double *dw = NULL;
    long *dsrc = NULL;
    unsigned char *dkind = NULL;
    worker_state *ws = NULL;
    size_t nthreads = 0;
    cov_job jb = {0};
    if (!cov->reach || !cov->cells || !cov->gaps || !cov->service || !cov->circle || !cats)
        goto fail;
    cov->nfac = lc_layer_count(fac);
    if (network && o.catchment_streets) {
        cov->streets = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *cov->streets);
        cov->shares = lc_calloc(ctx, cov->nfac ? cov->nfac : 1, sizeof *cov->shares);
        if (!cov->streets || !cov->shares)
            goto fail;
    }
    int quadsegs = o.quadsegs > 0 ? o.quadsegs : 32;
    const lc_network_rules *rules = lc_profile_network(profile);
    const lc_layer *bld = lc_inputs_layer(in, LC_LAYER_BUILDINGS);
    cov->accuracy = (lc_coverage_accuracy){.mode = o.mode};
    if (network) {
        cov->accuracy.share_leaf_m = o.share_leaf_m > 0 ? o.share_leaf_m : 12.0;
        cov->accuracy.gap_cell_m = o.gap_cell_m > 0 ? o.gap_cell_m : 2.5;
        cov->accuracy.service_cell_m = o.service_cell_m > 0 ? o.service_cell_m : 12.5;
    } else {
        double sides = 4.0 * quadsegs;
        cov->accuracy.quadsegs = quadsegs;
        cov->accuracy.circle_deficit = 1 - sides / (2 * M_PI) * sin(2 * M_PI / sides);
    }
    if (network && !(demand = lc_cov_demand_snaps(ctx, res, lc_inputs_layer(in, LC_LAYER_ENTRANCES), bld, o.network,
                                                  rules, o.demand_grid_m, &dstart, &dxy, &dw, &dsrc, &dkind)))
        goto fail;
    for (size_t i = 0; network && i < cov->npoly; i++) {
        cov->entrances += dkind[i] == DEMAND_ENTRANCES;
        cov->grid += dkind[i] == DEMAND_GRID;
        cov->buildings += dkind[i] == DEMAND_BUILDINGS;
    }
    for (size_t i = 0; i < cov->npoly; i++)
        cov->points += GEOSGeomTypeId_r(lc_ctx_geos(ctx), lc_layer_feature(res, i)->geom) == GEOS_POINT;
    cov->grid_m = network ? o.demand_grid_m : 0;
    double t0 = lc_seconds();
    for (size_t c = 0; c < cov->ncat; c++) {
        cov->reach[c] = o.reach_m > 0 ? o.reach_m : lc_profile_category(profile, c)->reach_m;
        if (!(cov->reach[c] > 0) || !isfinite(cov->reach[c])) { /* before GEOS is asked to buffer by it */
            lc_error(ctx, LC_ERR_MISUSE, "the reach of category %s (%g m) is not a positive finite distance",
                     lc_profile_category(profile, c)->code, cov->reach[c]);
            goto fail;
        }
        if (network)
            continue; /* the workers build the network steps */
        if (lc_cov_straight_reach(ctx, fac, c, cov->reach[c], quadsegs, &cats[c]) != LC_OK)
            goto fail;
    }
    /* The work is shared out to nthreads threads, this one included (it alone reports progress: the
     * context belongs to it). Each polygon's, category's and block's results go to its own slots, so
     * they do not depend on the thread count. */
    nthreads = lc_parallel_threads(o.threads > 0 ? (size_t)o.threads : 0, SIZE_MAX);
    jb = (cov_job){.res = res, .fac = fac, .profile = profile, .net = o.network, .rules = rules, .demand = demand,
               .dstart = dstart, .dxy = dxy, .dw = dw, .dsrc = dsrc, .bld = bld, .dkind = dkind,
               .grid_m = o.demand_grid_m, .cats = cats, .ncat = cov->ncat, .cov = cov, .cells_only = o.cells_only,
               .streets = network && o.catchment_streets, .leaf_m = cov->accuracy.share_leaf_m,
               .gap_cell_m = cov->accuracy.gap_cell_m, .service_cell_m = cov->accuracy.service_cell_m};
    if (!(ws = workers_create(ctx, &jb, nthreads, network)))
        goto fail;
    if (network) {
        if (lc_cov_network(ctx, &jb, ws, nthreads) != LC_OK)
            goto fail;
    } else {
        lc_log(ctx, LC_LOG_DEBUG, "straight-line coverage: reach circles %.2f s", lc_seconds() - t0);
        if (lc_cov_straight(ctx, &jb, ws, nthreads) != LC_OK)
            goto fail;
    }
    lc_progress(ctx, "coverage", 1.0);
    goto done;
fail:
    lc_coverage_destroy(cov);
    cov = NULL;
done:
    workers_destroy(ws, nthreads);
    for (size_t c = 0; cats && c < ncat; c++)
        reach_free(ctx, &cats[c]);
    free(cats);
    free(demand);
    free(dstart);
    free(dxy);
    free(dw);
    free(dsrc);
    free(dkind);
    return cov;
}

/* ---- accessors ----------------------------------------------------------------------------------- */

size_t lc_coverage_entrance_polygons(const lc_coverage *cov)
{
    return cov ? cov->entrances : 0;
}

size_t lc_coverage_point_compounds(const lc_coverage *cov)
{
    return cov ? cov->points : 0;
}

size_t lc_coverage_building_polygons(const lc_coverage *cov)
{
    return cov ? cov->buildings : 0;
}

size_t lc_coverage_grid_polygons(const lc_coverage *cov, double *spacing_m)
{
    if (spacing_m)
        *spacing_m = cov ? cov->grid_m : 0;
    return cov ? cov->grid : 0;
}

lc_distance_mode lc_coverage_mode(const lc_coverage *cov)
{
    return cov ? cov->mode : LC_MODE_STRAIGHT;
}

const lc_coverage_accuracy *lc_coverage_get_accuracy(const lc_coverage *cov)
{
    return cov ? &cov->accuracy : NULL;
}

size_t lc_coverage_polygon_count(const lc_coverage *cov)
{
    return cov ? cov->npoly : 0;
}

size_t lc_coverage_category_count(const lc_coverage *cov)
{
    return cov ? cov->ncat : 0;
}

double lc_coverage_reach(const lc_coverage *cov, size_t category)
{
    return cov && category < cov->ncat ? cov->reach[category] : NAN;
}

const lc_coverage_cell *lc_coverage_get(const lc_coverage *cov, size_t polygon, size_t category)
{
    return cov && polygon < cov->npoly && category < cov->ncat ? &cov->cells[polygon * cov->ncat + category] : NULL;
}

void lc_coverage_bind(lc_coverage *cov, lc_context *ctx)
{
    cov->ctx = ctx;
    lc_cov_service_bind(cov->service_job, ctx); /* its leftovers are freed through the new context */
}

lc_status lc_coverage_service_areas_wait(lc_context *ctx, const lc_coverage *cov_in)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    lc_coverage *cov = (lc_coverage *)cov_in; /* logically const: only the tracing's own state changes */
    if (cov && !cov->service_job) /* none (cells only), or already waited for */
        return cov->service_status == LC_OK ? LC_OK : lc_error(ctx, cov->service_status, "%s", cov->service_error);
    if (!cov || cov->ctx != ctx)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_coverage_service_areas_wait: the coverage of this context is required");
    double t0 = lc_seconds();
    size_t bad = 0;
    char reason[256] = "";
    cov->service_status = lc_cov_service_finish(ctx, cov->service_job, &bad, reason, sizeof reason);
    lc_cov_service_destroy(cov->service_job);
    cov->service_job = NULL;
    int network = cov->mode == LC_MODE_NETWORK;
    if (cov->service_status != LC_OK)
        snprintf(cov->service_error, sizeof cov->service_error, "cannot %s of category %s: %s",
                 network ? "trace the network service area" : "dissolve the reach circles",
                 lc_profile_category(cov->profile, bad)->code, reason[0] ? reason : "out of memory");
    else
        lc_log(ctx, LC_LOG_DEBUG, "%s coverage: service areas %s (waited %.2f s)", network ? "network" : "straight-line",
               network ? "traced" : "dissolved", lc_seconds() - t0);
    return cov->service_status == LC_OK ? LC_OK : lc_error(ctx, cov->service_status, "%s", cov->service_error);
}

const GEOSGeometry *lc_coverage_service_area(const lc_coverage *cov, size_t category)
{
    if (!cov || category >= cov->ncat)
        return NULL;
    if (cov->service_job) /* waits; a failure leaves the category NULL (lc_coverage_service_areas_wait says why) */
        lc_coverage_service_areas_wait(cov->ctx, cov);
    return cov->service[category];
}

const GEOSGeometry *lc_coverage_gap(const lc_coverage *cov, size_t polygon, size_t category)
{
    return cov && polygon < cov->npoly && category < cov->ncat ? cov->gaps[polygon * cov->ncat + category] : NULL;
}

double lc_coverage_covered_population(const lc_coverage *cov, size_t category)
{
    double sum = 0;
    for (size_t i = 0; cov && category < cov->ncat && i < cov->npoly; i++)
        sum += cov->cells[i * cov->ncat + category].covered_pop;
    return sum;
}

double lc_coverage_population(const lc_coverage *cov)
{
    return cov ? cov->population : 0;
}

double lc_coverage_circle_share(const lc_coverage *cov, size_t polygon)
{
    return cov && polygon < cov->npoly ? cov->circle[polygon] : NAN;
}

int lc_coverage_has_catchment_streets(const lc_coverage *cov)
{
    return cov && cov->shares;
}

int lc_coverage_catchment_streets(const lc_coverage *cov, size_t facility, lc_catchment_streets *out)
{
    if (!out)
        return -1;
    *out = (lc_catchment_streets){0};
    if (!cov || facility >= cov->nfac)
        return -1;
    if (!cov->shares)
        return 0;
    const street_share *sh = &cov->shares[facility];
    if (!sh->nlines)
        return 0;
    const street_lines *sl = &cov->streets[sh->category];
    *out = (lc_catchment_streets){sl->pts, sl->start + sh->first, sh->nlines, sh->length, sh->in_reach};
    return 0;
}
