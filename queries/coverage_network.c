/*
 * queries/coverage_network.c — network-mode coverage (include/lifecircle/coverage.h): distances
 * along the walking network and shares of the walking corridor, the region within the profile's
 * buffer_m of the parts of edges within a category's reach of its facilities.
 *
 * Three jobs, each shared out to the workers:
 *   categories — per category one multi-source shortest-path pass: every demand point's distance
 *                and nearest facility, the catchment streets when asked for, and the pass kept
 *                compactly as the budget left at each node (network/network_int.h);
 *   compounds  — per compound the edges near it (the network's own index) and each category's
 *                reached parts of them: no part near → share 0; shown to hold the compound → 1;
 *                otherwise its area inside the corridor measured by quadtree
 *                (queries/corridor_area.c, with a bound on the error) and its gap's outline traced
 *                on a fine grid (queries/corridor_trace.c) and cut from the compound by GEOS;
 *   service areas — per category its corridor's outline traced block by block over its extent,
 *                then assembled into one multipolygon per category.
 * No buffers are built and no polygons are unioned: the cost follows the corridor's edge, not the
 * number of street segments under it (a curved real street is hundreds of segments).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "queries/coverage_int.h"

/* ---- categories ---------------------------------------------------------------------------------- */

/* One category on a worker (ctx and h are the worker's): its facilities attached to the network, one
 * unbounded multi-source pass, every demand point's distance and nearest facility (and whether it is
 * within reach), the catchment streets when the job asks for them, and the pass kept within the
 * category's reach with the extent it covers. */
static lc_status network_step(worker_state *w, size_t category)
{
    cov_job *jb = w->jb;
    lc_context *ctx = w->ctx;
    const lc_layer *fac = jb->fac;
    const lc_network *net = jb->net;
    category_reach *out = &jb->cats[category];
    size_t npoly = jb->cov->npoly, n = 0;
    double r = jb->cov->reach[category];
    for (size_t i = 0; i < lc_layer_count(fac); i++)
        n += lc_layer_feature(fac, i)->category == (int)category;
    out->r = r;
    out->extent = lc_bbox_empty();
    lc_status st = LC_ERR_NOMEM;
    lc_snap *snaps = lc_calloc(ctx, n ? n : 1, sizeof *snaps);
    long *ids = lc_calloc(ctx, n ? n : 1, sizeof *ids);
    lc_network_reach *reach = NULL;
    out->ndist = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->ndist);
    out->nnear = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->nnear);
    out->pin = lc_calloc(ctx, jb->dstart[npoly] ? jb->dstart[npoly] : 1, 1);
    if (!snaps || !ids || !out->ndist || !out->nnear || !out->pin)
        goto fail;
    for (size_t i = 0; i < lc_layer_count(fac); i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (f->category != (int)category)
            continue;
        lc_xy p;
        GEOSGeomGetX_r(w->h, f->geom, &p.x);
        GEOSGeomGetY_r(w->h, f->geom, &p.y);
        if ((st = lc_network_snap(ctx, net, p, jb->rules->max_snap_m, &snaps[out->n])) != LC_OK)
            goto fail;
        out->off += snaps[out->n].edge < 0;
        ids[out->n++] = (long)i;
    }
    st = LC_ERR_NOMEM;
    if (!(reach = lc_network_reach_compute(ctx, net, snaps, ids, out->n, INFINITY)))
        goto fail;
    for (size_t i = 0; i < npoly; i++) { /* the nearest facility from the best of the polygon's points */
        out->ndist[i] = INFINITY;
        out->nnear[i] = -1;
        for (size_t k = jb->dstart[i]; k < jb->dstart[i + 1]; k++) {
            long near = -1;
            double d = lc_network_reach_distance(reach, &jb->demand[k], &near);
            out->pin[k] = d <= r;
            if (d < out->ndist[i])
                out->ndist[i] = d, out->nnear[i] = near;
        }
    }
    if (jb->streets) {
        double t0 = lc_seconds();
        if ((st = lc_cov_catchment_streets(ctx, reach, r, category, ids, out->n, lc_layer_count(fac),
                                           &jb->cov->streets[category], jb->cov->shares)) != LC_OK)
            goto fail;
        out->streets_s = lc_seconds() - t0;
    }
    if ((st = lc_reached_make(ctx, net, reach, r, &out->reached)) != LC_OK)
        goto fail;
    lc_bbox e = lc_reached_extent(net, &out->reached);
    double wd = jb->rules->buffer_m;
    if (!lc_bbox_is_empty(e))
        out->extent = (lc_bbox){e.minx - wd, e.miny - wd, e.maxx + wd, e.maxy + wd};
    st = LC_OK;
fail:
    lc_network_reach_destroy(reach);
    free(snaps);
    free(ids);
    return st;
}

/* Task: network_step for category i. */
static int category_task(worker_state *w, size_t i)
{
    lc_status st = network_step(w, i);
    if (st == LC_OK)
        return 0;
    w->status = st;
    w->detail = i;
    snprintf(w->msg, sizeof w->msg, "%s", lc_context_errmsg(w->ctx));
    return -1;
}

/* ---- compounds ----------------------------------------------------------------------------------- */

/* Puts into w->pieces, category after category (w->poff, w->pcnt), each category's reached parts of
 * the edges within d of box. 0, or -1 out of memory. */
static int pieces_near(worker_state *w, lc_bbox box, double d)
{
    cov_job *jb = w->jb;
    w->nedges = 0;
    if (lc_network_edges_near(jb->net, box, d, &w->edges, &w->nedges, &w->edges_cap))
        return -1;
    w->npieces = 0;
    for (size_t c = 0; c < jb->ncat; c++) {
        w->poff[c] = w->npieces;
        if (jb->cats[c].reached.left &&
            lc_reached_pieces(jb->net, &jb->cats[c].reached, w->edges, w->nedges, &w->pieces, &w->npieces,
                              &w->pieces_cap))
            return -1;
        w->pcnt[c] = w->npieces - w->poff[c];
    }
    return 0;
}

/* The gap of compound f against one category's pieces (set): the compound less the corridor's
 * outline traced over its box. Records how far the outline's area strays from (1 − share) × area.
 * NULL on failure. */
static GEOSGeometry *traced_gap(worker_state *w, const lc_feature *f, lc_bbox box, const lc_piece_set *set,
                                double share)
{
    GEOSContextHandle_t h = w->h;
    lc_corridor_pieces_reset(w->scr);
    if (lc_corridor_pieces_add(w->scr, set->s, set->n))
        return NULL;
    int failed = 0;
    GEOSGeometry *inside = lc_corridor_trace(w->scr, h, box, w->jb->rules->buffer_m, w->jb->gap_cell_m, &failed);
    if (failed)
        return NULL;
    GEOSGeometry *gap = inside ? GEOSDifference_r(h, f->geom, inside) : GEOSGeom_clone_r(h, f->geom);
    if (inside)
        GEOSGeom_destroy_r(h, inside);
    double a = 0;
    if (gap && f->area > 0 && GEOSArea_r(h, gap, &a))
        w->worst_gap = fmax(w->worst_gap, fabs(a / f->area - (1 - share)));
    return gap;
}

/* What a category's corridor does in a compound. */
enum { REACH_NONE = 0, REACH_WHOLE = 1, REACH_SOME = 2 };

/* Network mode task for a compound walked from a point on its surface: per category its distance
 * from that point, its share of the corridor (none near, shown whole, or measured) and its gap; then
 * its share of every life-circle category's corridor at once. Writes only polygon i's slots. Returns
 * 0, or -1 with the failing category in w->detail. */
static int surface_polygon(worker_state *w, size_t i)
{
    cov_job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    GEOSContextHandle_t h = w->h;
    double width = jb->rules->buffer_m, pop = isnan(f->population) ? 0 : f->population;
    lc_bbox box;
    GEOSGeom_getExtent_r(h, f->geom, &box.minx, &box.miny, &box.maxx, &box.maxy);
    w->status = LC_ERR_NOMEM;
    w->detail = 0;
    if (pieces_near(w, box, width))
        return -1;
    lc_rings rings;
    int have_rings = 0, any_circle = 0, circle_none = 0, circle_all = 1;
    size_t nsome = 0; /* w->sets[0 .. nsome): the life-circle categories' pieces, where they cut it */
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        GEOSGeometry **gap = &cov->gaps[i * jb->ncat + c];
        lc_piece_set set = {w->pieces + w->poff[c], w->pcnt[c]};
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        w->detail = c;
        double share = 0;
        int k = REACH_NONE;
        /* The same pieces near it as an earlier category (the same streets reached, each as far): the
         * same corridor here, so that category's share and gap (common: a compound whose middle lies
         * beyond every street's corridor however far the streets are reached). */
        size_t same = c;
        for (size_t q = 0; set.n && q < c && same == c; q++)
            if (w->pcnt[q] == set.n && !memcmp(w->pieces + w->poff[q], set.s, set.n * sizeof *set.s))
                same = q;
        if (same < c) {
            k = w->kinds[same];
            cell->covered_share = share = cov->cells[i * jb->ncat + same].covered_share;
            cell->covered_pop = pop * share;
            const GEOSGeometry *g = cov->gaps[i * jb->ncat + same];
            w->status = LC_ERR_GEOMETRY;
            if (g && !(*gap = GEOSGeom_clone_r(h, g)))
                return -1;
            w->counts[4]++;
        } else if (set.n && lc_corridor_covers(w->scr, &set, box, width)) {
            share = 1, k = REACH_WHOLE;
            w->counts[1]++;
        } else if (set.n) {
            if (!have_rings) {
                lc_bbox rb;
                if (lc_corridor_rings(w->scr, h, f->geom, &rings, &rb))
                    return -1;
                have_rings = 1;
            }
            double area = 0, bound = 0;
            if (lc_corridor_area(w->scr, &rings, box, &set, 1, width, jb->leaf_m, &area, &bound))
                return -1;
            share = f->area > 0 ? fmin(1.0, area / f->area) : 0;
            if (f->area > 0)
                w->worst_share = fmax(w->worst_share, bound / f->area);
            k = share >= 1 ? REACH_WHOLE : share > 0 ? REACH_SOME : REACH_NONE;
            w->counts[2]++;
        } else {
            w->counts[0]++;
        }
        w->kinds[c] = (unsigned char)k;
        if (same == c) {
            cell->covered_share = share;
            cell->covered_pop = pop * share;
        }
        if (!jb->cells_only && k != REACH_WHOLE && same == c) {
            w->status = LC_ERR_GEOMETRY;
            *gap = k == REACH_NONE ? GEOSGeom_clone_r(h, f->geom) : traced_gap(w, f, box, &set, share);
            if (!*gap)
                return -1;
            if (GEOSisEmpty_r(h, *gap) == 1) { /* the outline holds it all: a sliver too thin for the grid */
                GEOSGeom_destroy_r(h, *gap);
                *gap = NULL;
            }
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle_none |= k == REACH_NONE;
            circle_all &= k == REACH_WHOLE;
            int dup = 0; /* the intersection of a set with itself is the set */
            for (size_t q = 0; k == REACH_SOME && q < nsome && !dup; q++)
                dup = w->sets[q].n == set.n && !memcmp(w->sets[q].s, set.s, set.n * sizeof *set.s);
            if (k == REACH_SOME && !dup)
                w->sets[nsome++] = set, w->setcat[nsome - 1] = c;
        }
    }
    if (jb->cells_only || !any_circle) {
        cov->circle[i] = NAN;
        return 0;
    }
    if (circle_none || circle_all || f->area <= 0) {
        cov->circle[i] = circle_none || f->area <= 0 ? 0 : 1;
        return 0;
    }
    if (nsome == 1) { /* one distinct corridor cuts it: the life circle is that category's share */
        cov->circle[i] = cov->cells[i * jb->ncat + w->setcat[0]].covered_share;
        return 0;
    }
    w->status = LC_ERR_NOMEM;
    double area = 0;
    w->detail = NO_CATEGORY;
    if (lc_corridor_area(w->scr, &rings, box, w->sets, nsome, width, jb->leaf_m, &area, NULL)) {
        snprintf(w->msg, sizeof w->msg, "the whole life circle (%zu categories at once, at most %d)", nsome,
                 LC_CORRIDOR_MAX_SETS);
        return -1;
    }
    cov->circle[i] = fmin(1.0, area / f->area);
    return 0;
}

/* Task: compound i, by how its residents walk. */
static int compound_task(worker_state *w, size_t i)
{
    switch (w->jb->dkind[i]) {
    case DEMAND_ENTRANCES:
    case DEMAND_POINT:
        w->counts[3]++;
        return lc_cov_entrance_polygon(w, i);
    case DEMAND_GRID:
        w->counts[3]++;
        return lc_cov_grid_polygon(w, i);
    case DEMAND_BUILDINGS:
        w->counts[3]++;
        return lc_cov_building_polygon(w, i);
    default:
        return surface_polygon(w, i);
    }
}

/* ---- the steps ----------------------------------------------------------------------------------- */

lc_status lc_cov_network(lc_context *ctx, cov_job *jb, worker_state *ws, size_t nthreads)
{
    lc_coverage *cov = jb->cov;
    double t0 = lc_seconds();
    jb->stage = "walking distances 步行距离";
    if (lc_cov_run(jb, ws, nthreads, category_task, cov->ncat, ctx) != 0)
        return jb->pool_failed ? lc_context_errno(ctx) : lc_error(ctx, jb->failed_status, "network coverage of category %s: %s",
                        lc_profile_category(jb->profile, jb->failed_detail)->code, jb->failed_msg);
    double streets_s = 0;
    for (size_t c = 0; c < cov->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        streets_s += cr->streets_s;
        if (cr->off)
            lc_log(ctx, LC_LOG_WARNING, "%zu of %zu facilities of category %s are more than %.0f m from the "
                   "walking network and serve no one in network mode", cr->off, cr->n,
                   lc_profile_category(jb->profile, c)->code, jb->rules->max_snap_m);
    }
    lc_progress(ctx, jb->stage, 1.0);
    double t1 = lc_seconds();
    jb->stage = NULL;
    if (lc_cov_run(jb, ws, nthreads, compound_task, cov->npoly, ctx) != 0)
        return lc_cov_compound_failure(ctx, jb);
    size_t k[5] = {0};
    for (size_t t = 0; t < nthreads; t++) {
        for (int j = 0; j < 5; j++)
            k[j] += ws[t].counts[j];
        cov->accuracy.share_bound = fmax(cov->accuracy.share_bound, ws[t].worst_share);
        cov->accuracy.gap_deviation = fmax(cov->accuracy.gap_deviation, ws[t].worst_gap);
    }
    double t2 = lc_seconds();
    /* The service areas are traced on a thread of their own from here on (queries/coverage_service.c),
     * while the caller writes the cells and gaps; it takes over the categories' reach. */
    if (!jb->cells_only) {
        double width = jb->rules->buffer_m;
        service_area_input *sin = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *sin);
        if (!sin)
            return LC_ERR_NOMEM;
        for (size_t c = 0; c < cov->ncat; c++) {
            sin[c] = (service_area_input){jb->cats[c].reached, jb->cats[c].extent};
            jb->cats[c].reached = (lc_reached){0};
        }
        cov->service_job = lc_cov_service_start(ctx, jb->net, sin, cov->ncat, width, jb->service_cell_m, nthreads > 1,
                                                cov->service);
        if (!cov->service_job)
            return lc_context_errno(ctx);
        cov->profile = jb->profile;
    }
    lc_log(ctx, LC_LOG_DEBUG, "network coverage: shortest paths %.2f s (catchment streets %.2f s summed over the "
           "categories); %zu compounds %.2f s (cells: %zu out of reach, %zu whole, %zu measured, %zu as an earlier "
           "category; %zu compounds walked from points; shares at most %.2g too large, gap outlines within %.2g of "
           "the area)", t1 - t0, streets_s, cov->npoly, t2 - t1, k[0], k[1], k[2], k[4], k[3],
           cov->accuracy.share_bound, cov->accuracy.gap_deviation);
    return LC_OK;
}
