/*
 * run/run_isochrones.c — lc_run_isochrones (lifecircle/run.h): the `isochrones` command as one
 * library call. Origins come from coordinates (any CRS, lon/lat by default), from the study's
 * candidates layer, or from its facilities of one category; thresholds in minutes are turned into
 * metres exactly as `check` turns a category's minutes into its reach (lc_isochrone_metres).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "run/run_int.h"

#define MAX_THRESHOLDS 16

/* The thresholds sorted increasing into v (at most MAX_THRESHOLDS): positive, finite, distinct.
 * Returns the count, or 0 with LC_ERR_MISUSE naming the problem. */
static size_t sorted_thresholds(lc_context *ctx, const lc_isochrones_run_options *o, double *v)
{
    static const double minutes[] = {5, 10, 15};
    const double *given = o->thresholds ? o->thresholds : minutes;
    size_t n = o->thresholds ? o->nthresholds : 3;
    const char *what = o->in_metres ? "metres" : "minutes";
    if (!n || n > MAX_THRESHOLDS) {
        lc_error(ctx, LC_ERR_MISUSE, "isochrones need 1 to %d thresholds (%s), got %zu", MAX_THRESHOLDS, what, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(given[i] > 0) || !isfinite(given[i])) {
            lc_error(ctx, LC_ERR_MISUSE, "isochrone thresholds (%s) must be positive numbers, got %g", what, given[i]);
            return 0;
        }
        v[i] = given[i];
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of values */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    for (size_t i = 1; i < n; i++)
        if (v[i] == v[i - 1]) {
            lc_error(ctx, LC_ERR_MISUSE, "the threshold list (%s) lists %g twice; give each once", what, v[i]);
            return 0;
        }
    return n;
}

/* The origins of the run into a new array (*n of them; caller frees with free()), NULL with the
 * context's error (LC_ERR_MISUSE without origins, LC_ERR_CRS for a point that cannot be
 * transformed). category: the facilities' category index, or -1. */
static lc_isochrone_origin *collect_origins(lc_run *run, const lc_isochrones_run_options *o, int category,
                                            size_t *n)
{
    lc_context *ctx = run->ctx;
    const lc_layer *src = o->points ? NULL
                          : o->from_points ? lc_inputs_layer(run->inputs, LC_LAYER_CANDIDATES)
                                           : lc_inputs_layer(run->inputs, LC_LAYER_FACILITIES);
    size_t cap = o->npoints + (src ? lc_layer_count(src) : 0);
    lc_isochrone_origin *origins = lc_calloc(ctx, cap ? cap : 1, sizeof *origins);
    if (!origins)
        return NULL;
    *n = 0;
    for (size_t i = 0; o->points && i < o->npoints; i++) {
        const lc_run_point *p = &o->points[i];
        double x = p->x, y = p->y;
        lc_transform *tr = lc_transform_create(ctx, p->crs ? p->crs : "EPSG:4326", lc_inputs_crs(run->inputs));
        lc_status st = tr ? lc_transform_points(ctx, tr, &x, &y, 1) : lc_context_errno(ctx);
        lc_transform_destroy(tr);
        if (st != LC_OK || !isfinite(x) || !isfinite(y)) {
            char why[400];
            snprintf(why, sizeof why, "%s", st != LC_OK ? lc_context_errmsg(ctx) : "not finite after the transform");
            lc_error(ctx, LC_ERR_CRS, "origin %s (%g, %g in %s): %s", p->id ? p->id : "?", p->x, p->y,
                     p->crs ? p->crs : "EPSG:4326", why);
            free(origins);
            return NULL;
        }
        origins[(*n)++] = (lc_isochrone_origin){.id = p->id, .at = {x, y}};
    }
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    for (size_t i = 0; src && i < lc_layer_count(src); i++) {
        const lc_feature *f = lc_layer_feature(src, i);
        if (!o->from_points && f->category != category)
            continue;
        lc_isochrone_origin *org = &origins[(*n)++];
        GEOSGeomGetX_r(h, f->geom, &org->at.x);
        GEOSGeomGetY_r(h, f->geom, &org->at.y);
        org->id = f->id;
        org->name = f->name;
    }
    if (!*n) {
        if (o->from_points)
            lc_error(ctx, LC_ERR_MISUSE, "%s holds no points", lc_study_get(run->study, "candidates.path"));
        else
            lc_error(ctx, LC_ERR_MISUSE, "the study has no facility of category %s", o->category);
        free(origins);
        return NULL;
    }
    return origins;
}

lc_run *lc_run_isochrones(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                          const lc_isochrones_run_options *iso)
{
    if (!ctx)
        return NULL;
    lc_isochrones_run_options o;
    lc_run_copy_options(&o, sizeof o, iso);
    if (!o.points && !o.from_points && !o.category) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle isochrones: no origins: pass --points FILE, --at X,Y or --category "
                 "CAT (`lifecircle isochrones --help`)");
        return NULL;
    }
    if (o.points && o.from_points) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle isochrones: give --points or --at, not both");
        return NULL;
    }
    if (study && !lc_study_get(study, "roads.path")) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle isochrones: the study names no roads layer for the walking network: "
                 "add 'roads: {path: <file>}' to the study or pass --set roads.path=FILE");
        return NULL;
    }
    double given[MAX_THRESHOLDS], metres[MAX_THRESHOLDS], minutes[MAX_THRESHOLDS];
    size_t nt = sorted_thresholds(ctx, &o, given);
    if (!nt)
        return NULL;
    lc_run *run = lc_run_begin(ctx, study, options, "isochrones");
    if (!run)
        return NULL;
    lc_isochrone_origin *origins = NULL;
    int category = -1;
    if (o.category && (category = lc_profile_find_category(run->profile, o.category)) < 0) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle isochrones: unknown category '%s' (`lifecircle profile show %s` "
                 "lists them)", o.category, lc_profile_name(run->profile));
        goto fail;
    }
    for (size_t t = 0; t < nt; t++) {
        minutes[t] = o.in_metres ? NAN : given[t];
        metres[t] = o.in_metres ? given[t] : lc_isochrone_metres(run->profile, category, given[t]);
    }
    run->speed_source = o.in_metres ? "metres"
                        : lc_study_get(study, "walk_speed") ? "walk_speed"
                        : category >= 0 ? "category" : "network";
    size_t norigins = 0;
    if (!(origins = collect_origins(run, &o, category, &norigins)))
        goto fail;
    const lc_network_rules *rules = lc_profile_network(run->profile);
    if (!(run->roads = lc_roads_read(ctx, study, run->profile, lc_inputs_crs(run->inputs), NULL)))
        goto fail;
    if (lc_run_step(run, "reading the roads") != LC_OK)
        goto fail;
    if (!(run->network = lc_network_build(ctx, run->roads, rules->snap_tolerance_m)) ||
        lc_run_network_merges(run) != LC_OK || lc_run_step(run, "building the network") != LC_OK)
        goto fail;
    lc_isochrone_options io = {.thresholds_m = metres, .minutes = minutes, .nthresholds = nt,
                               .buffer_m = rules->buffer_m, .max_snap_m = rules->max_snap_m, .circles = o.circles};
    run->isochrones = lc_isochrones_compute(ctx, run->network, origins, norigins, &io);
    if (!run->isochrones || lc_run_step(run, "isochrones") != LC_OK ||
        lc_isochrones_write(ctx, run->output, &run->output_options, lc_inputs_crs(run->inputs), run->isochrones) != LC_OK)
        goto fail;
    lc_run_step(run, "writing the results");
    free(origins);
    return run;
fail:
    free(origins);
    lc_run_destroy(run);
    return NULL;
}
