/*
 * queries/isochrones.c — isochrones (include/lifecircle/isochrones.h): per origin one bounded
 * shortest-path pass (network/network.c), then per threshold the corridor of the reachable edge parts and
 * the access leg traced (queries/corridor_trace.c, as coverage's service areas) and unioned with the
 * previous threshold's polygon, so they nest by construction.
 * Category service areas for `check` are built in queries/coverage.c; writing the layers lives in
 * outputs/isochrones_out.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/isochrones.h"
#include "queries/corridor_int.h"

#define MAX_THRESHOLDS 64

struct lc_isochrones {
    lc_context *ctx;              /* borrowed: the geometries belong to its GEOS handle */
    size_t n, nt;
    double *thresholds;           /* nt, metres */
    double *minutes;              /* nt, NAN when given in metres */
    lc_isochrone_origin *origins; /* n, strings owned */
    lc_snap *snaps;               /* n */
    GEOSGeometry **polygons;      /* n × nt, NULL when off-network */
    GEOSGeometry **circles;       /* n × nt, or NULL without circles */
    double *areas;                /* n × nt */
};

/* Minutes to metres at the category's pace or the profile's walking speed; see isochrones.h. */
double lc_isochrone_metres(const lc_profile *profile, int category, double minutes)
{
    if (!profile || !(minutes > 0) || !isfinite(minutes) ||
        (category >= 0 && (size_t)category >= lc_profile_category_count(profile)))
        return NAN;
    if (category >= 0) {
        const lc_category *c = lc_profile_category(profile, (size_t)category);
        if (c->reach_minutes > 0 && c->reach_m > 0)
            return minutes * c->reach_m / c->reach_minutes;
    }
    return minutes * 60.0 * lc_profile_network(profile)->walk_speed_m_s;
}

/* Releases the polygons, circles, copied strings and arrays. Accepts NULL and a half-built result. */
void lc_isochrones_destroy(lc_isochrones *iso)
{
    if (!iso)
        return;
    GEOSContextHandle_t h = lc_ctx_geos(iso->ctx);
    for (size_t k = 0; k < iso->n * iso->nt; k++) {
        if (iso->polygons && iso->polygons[k])
            GEOSGeom_destroy_r(h, iso->polygons[k]);
        if (iso->circles && iso->circles[k])
            GEOSGeom_destroy_r(h, iso->circles[k]);
    }
    for (size_t i = 0; iso->origins && i < iso->n; i++) {
        free((char *)iso->origins[i].id);
        free((char *)iso->origins[i].name);
    }
    free(iso->origins);
    free(iso->snaps);
    free(iso->polygons);
    free(iso->circles);
    free(iso->areas);
    free(iso->thresholds);
    free(iso->minutes);
    free(iso);
}

/* The corridor of half-width `width` around nseg segments (segs[2k] to segs[2k+1]) and, when
 * leg_len > 0, the access leg from `from` towards `to` for leg_len metres, traced on a grid of cell
 * (queries/corridor_int.h): the same region `check --mode network` gives its service areas. NULL
 * with nothing to trace (*failed 0) or on failure (*failed 1). Caller frees the result. */
static GEOSGeometry *corridor(lc_corridor_scratch *scr, GEOSContextHandle_t h, const lc_xy *segs, size_t nseg,
                              lc_xy from, lc_xy to, double leg_len, double width, double cell, int *failed)
{
    *failed = 0;
    lc_corridor_pieces_reset(scr);
    lc_bbox box = lc_bbox_empty();
    for (size_t k = 0; k < nseg; k++) {
        lc_seg s = {segs[2 * k].x, segs[2 * k].y, segs[2 * k + 1].x, segs[2 * k + 1].y};
        box = lc_bbox_extend(lc_bbox_extend(box, segs[2 * k]), segs[2 * k + 1]);
        if (lc_corridor_pieces_add(scr, &s, 1)) {
            *failed = 1;
            return NULL;
        }
    }
    if (leg_len > 0) {
        double d = hypot(to.x - from.x, to.y - from.y), t = d > 0 ? fmin(1.0, leg_len / d) : 0;
        lc_seg s = {from.x, from.y, from.x + t * (to.x - from.x), from.y + t * (to.y - from.y)};
        box = lc_bbox_extend(lc_bbox_extend(box, (lc_xy){s.ax, s.ay}), (lc_xy){s.bx, s.by});
        if (lc_corridor_pieces_add(scr, &s, 1)) {
            *failed = 1;
            return NULL;
        }
    }
    if (lc_bbox_is_empty(box))
        return NULL;
    box = (lc_bbox){box.minx - width, box.miny - width, box.maxx + width, box.maxy + width};
    return lc_corridor_trace(scr, h, box, width, cell, failed);
}

/* Builds origin i's polygons for every threshold into iso (one bounded pass, then per threshold the
 * corridor unioned with the previous polygon). LC_OK, LC_ERR_NOMEM or LC_ERR_GEOMETRY. */
static lc_status origin_polygons(lc_context *ctx, lc_corridor_scratch *scr, lc_isochrones *iso, const lc_network *net,
                                 size_t i, double width, double cell)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_snap *s = &iso->snaps[i];
    long id = (long)i;
    lc_network_reach *reach = lc_network_reach_compute(ctx, net, s, &id, 1, iso->thresholds[iso->nt - 1]);
    if (!reach)
        return lc_context_errno(ctx);
    lc_status st = LC_OK;
    GEOSGeometry *prev = NULL;
    for (size_t t = 0; t < iso->nt && st == LC_OK; t++) {
        lc_xy *segs = NULL;
        size_t nseg = 0;
        double budget = iso->thresholds[t];
        if ((st = lc_network_reach_segments(ctx, reach, budget, &segs, &nseg)) != LC_OK)
            break;
        int failed = 0;
        GEOSGeometry *c = corridor(scr, h, segs, nseg, iso->origins[i].at, s->at, fmin(s->access_m, budget), width,
                                   cell, &failed);
        free(segs);
        if (failed) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory tracing the %.0f m isochrone of origin %s", budget,
                          iso->origins[i].id);
            break;
        }
        GEOSGeometry *poly = NULL;
        if (c && prev) {
            poly = GEOSUnion_r(h, prev, c);
            GEOSGeom_destroy_r(h, c);
        } else {
            poly = c;
        }
        if (!poly) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build the %.0f m isochrone of origin %s: %s", budget,
                          iso->origins[i].id, lc_ctx_geos_message(ctx));
            break;
        }
        iso->polygons[i * iso->nt + t] = poly;
        GEOSArea_r(h, poly, &iso->areas[i * iso->nt + t]);
        prev = poly;
    }
    lc_network_reach_destroy(reach);
    return st;
}

/* Validates the options, copies the origins, attaches each to the network (warning for off-network
 * ones), builds every on-network origin's nested polygons and, when asked, the circles. The result
 * or NULL with the context's error (everything made so far released); see isochrones.h. */
lc_isochrones *lc_isochrones_compute(lc_context *ctx, const lc_network *net, const lc_isochrone_origin *origins,
                                     size_t n, const lc_isochrone_options *options)
{
    if (!ctx)
        return NULL;
    if (!net || (n && !origins) || !options || !options->thresholds_m || !options->nthresholds ||
        options->nthresholds > MAX_THRESHOLDS) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_isochrones_compute: a network, origins and 1 to %d thresholds are required",
                 MAX_THRESHOLDS);
        return NULL;
    }
    const lc_isochrone_options *o = options;
    for (size_t t = 0; t < o->nthresholds; t++)
        if (!(o->thresholds_m[t] > 0) || !isfinite(o->thresholds_m[t]) ||
            (t && !(o->thresholds_m[t] > o->thresholds_m[t - 1]))) {
            lc_error(ctx, LC_ERR_MISUSE, "isochrone thresholds must be positive and increasing (threshold %zu is %g m)",
                     t + 1, o->thresholds_m[t]);
            return NULL;
        }
    if (o->buffer_m < 0 || o->max_snap_m < 0 || o->quadsegs < 0 || !(o->cell_m >= 0) || !isfinite(o->cell_m) ||
        !isfinite(o->buffer_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_isochrones_compute: buffer_m, max_snap_m, quadsegs and cell_m must not be "
                                     "negative");
        return NULL;
    }
    double width = o->buffer_m > 0 ? o->buffer_m : 50, max_snap = o->max_snap_m > 0 ? o->max_snap_m : 200;
    int quadsegs = o->quadsegs > 0 ? o->quadsegs : 8;
    double cell = o->cell_m > 0 ? o->cell_m : 1.0;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_isochrones *iso = lc_calloc(ctx, 1, sizeof *iso);
    lc_corridor_scratch *scr = lc_corridor_scratch_create();
    if (!iso || !scr) {
        free(iso);
        lc_corridor_scratch_destroy(scr);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory computing isochrones");
        return NULL;
    }
    iso->ctx = ctx;
    iso->nt = o->nthresholds;
    size_t cells = (n ? n : 1) * iso->nt;
    if (!(iso->thresholds = lc_malloc(ctx, iso->nt * sizeof *iso->thresholds)) ||
        !(iso->minutes = lc_malloc(ctx, iso->nt * sizeof *iso->minutes)) ||
        !(iso->origins = lc_calloc(ctx, n ? n : 1, sizeof *iso->origins)) ||
        !(iso->snaps = lc_calloc(ctx, n ? n : 1, sizeof *iso->snaps)) ||
        !(iso->polygons = lc_calloc(ctx, cells, sizeof *iso->polygons)) ||
        !(iso->areas = lc_calloc(ctx, cells, sizeof *iso->areas)) ||
        (o->circles && !(iso->circles = lc_calloc(ctx, cells, sizeof *iso->circles))))
        goto fail;
    for (size_t t = 0; t < iso->nt; t++) {
        iso->thresholds[t] = o->thresholds_m[t];
        iso->minutes[t] = o->minutes && o->minutes[t] > 0 ? o->minutes[t] : NAN;
    }
    for (; iso->n < n; iso->n++) {
        size_t i = iso->n;
        char fallback[32];
        snprintf(fallback, sizeof fallback, "#%zu", i + 1);
        iso->origins[i].at = origins[i].at;
        if (!(iso->origins[i].id = lc_strdup(ctx, origins[i].id ? origins[i].id : fallback)) ||
            (origins[i].name && !(iso->origins[i].name = lc_strdup(ctx, origins[i].name)))) {
            iso->n++; /* so destroy frees what was copied */
            goto fail;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const lc_isochrone_origin *org = &iso->origins[i];
        if (!isfinite(org->at.x) || !isfinite(org->at.y)) {
            lc_error(ctx, LC_ERR_MISUSE, "origin %s has no finite coordinates", org->id);
            goto fail;
        }
        if (lc_network_snap(ctx, net, org->at, max_snap, &iso->snaps[i]) != LC_OK)
            goto fail;
        if (iso->snaps[i].edge < 0) {
            char dist[64];
            if (isfinite(iso->snaps[i].access_m))
                snprintf(dist, sizeof dist, "%.0f m from", iso->snaps[i].access_m);
            else
                snprintf(dist, sizeof dist, "more than %.0f m from", max_snap);
            lc_log(ctx, LC_LOG_WARNING, "origin %s%s%s%s is %s the walking network (max_snap_m %.0f m): no isochrone",
                   org->id, org->name ? " (" : "", org->name ? org->name : "", org->name ? ")" : "", dist, max_snap);
        } else if (origin_polygons(ctx, scr, iso, net, i, width, cell) != LC_OK) {
            goto fail;
        }
        for (size_t t = 0; iso->circles && t < iso->nt; t++) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, org->at.x, org->at.y);
            GEOSGeometry *c = pt ? GEOSBuffer_r(h, pt, iso->thresholds[t], quadsegs) : NULL;
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (!c) {
                lc_error(ctx, LC_ERR_GEOMETRY, "cannot draw the circle of origin %s: %s", org->id,
                         lc_ctx_geos_message(ctx));
                goto fail;
            }
            iso->circles[i * iso->nt + t] = c;
        }
        lc_progress(ctx, "isochrones", (double)(i + 1) / (double)n);
    }
    lc_corridor_scratch_destroy(scr);
    return iso;
fail:
    lc_corridor_scratch_destroy(scr);
    lc_isochrones_destroy(iso);
    return NULL;
}

size_t lc_isochrones_origin_count(const lc_isochrones *iso)
{
    return iso ? iso->n : 0;
}

size_t lc_isochrones_threshold_count(const lc_isochrones *iso)
{
    return iso ? iso->nt : 0;
}

double lc_isochrones_threshold(const lc_isochrones *iso, size_t t)
{
    return iso && t < iso->nt ? iso->thresholds[t] : NAN;
}

double lc_isochrones_minutes(const lc_isochrones *iso, size_t t)
{
    return iso && t < iso->nt ? iso->minutes[t] : NAN;
}

const lc_isochrone_origin *lc_isochrones_origin(const lc_isochrones *iso, size_t i)
{
    return iso && i < iso->n ? &iso->origins[i] : NULL;
}

const lc_snap *lc_isochrones_snap(const lc_isochrones *iso, size_t i)
{
    return iso && i < iso->n ? &iso->snaps[i] : NULL;
}

const GEOSGeometry *lc_isochrones_polygon(const lc_isochrones *iso, size_t i, size_t t)
{
    return iso && i < iso->n && t < iso->nt ? iso->polygons[i * iso->nt + t] : NULL;
}

double lc_isochrones_area(const lc_isochrones *iso, size_t i, size_t t)
{
    return iso && i < iso->n && t < iso->nt ? iso->areas[i * iso->nt + t] : 0;
}

const GEOSGeometry *lc_isochrones_circle(const lc_isochrones *iso, size_t i, size_t t)
{
    return iso && iso->circles && i < iso->n && t < iso->nt ? iso->circles[i * iso->nt + t] : NULL;
}
