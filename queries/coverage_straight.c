/*
 * queries/coverage_straight.c — straight-line coverage (include/lifecircle/coverage.h): reach regions
 * are circles of the category's reach around its facilities (regular polygons of 4 × quadsegs sides,
 * lc_coverage_accuracy). Per residential polygon and category: the nearest facility from the
 * polygon's demand point (a point on its surface), and the exact share of the polygon inside the
 * union of the circles that can touch it; the gap is the polygon less that union, and the life
 * circle the polygon's part inside every life-circle category's circles.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "geo/context_int.h"
#include "queries/coverage_int.h"

static int cmp_size(const void *a, const void *b)
{
    size_t p = *(const size_t *)a, q = *(const size_t *)b;
    return (p > q) - (p < q);
}

/* First position in c->xs (sorted) whose x is ≥ x. */
static size_t lower_x(const category_reach *c, double x)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->xs[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Nearest facility of a category to (px,py): outward from px through the facilities sorted by x,
 * stopping where the x distance alone exceeds the best so far. Ties go to the lowest index, as a
 * scan in index order would give. */
static void nearest(const category_reach *c, double px, double py, double *dist, long *idx)
{
    double best = INFINITY;
    size_t bk = SIZE_MAX, right = lower_x(c, px), left = right;
    while (left > 0 || right < c->n) {
        int take_right = right < c->n && (left == 0 || c->xs[right] - px <= px - c->xs[left - 1]);
        size_t pos = take_right ? right++ : --left;
        double dx = c->xs[pos] - px;
        if (dx * dx > best)
            break; /* every facility further along in x is farther still */
        size_t k = c->byx[pos];
        double dy = c->y[k] - py, d = dx * dx + dy * dy;
        if (d < best || (d == best && k < bk)) {
            best = d;
            bk = k;
        }
    }
    *dist = bk != SIZE_MAX ? sqrt(best) : INFINITY;
    *idx = bk != SIZE_MAX ? c->index[bk] : -1;
}

/* The part of polygon g (box its extent) outside every reach circle of category c: g less each
 * circle that can touch the box, in facility index order, each circle first clipped to the box grown
 * by a margin (GEOSClipByRect: no noding, a few vertices left) so the differences stay small; no union
 * of circles is built. NULL with *covered_whole set when one circle holds the whole box (decided by
 * arithmetic: the buffer is a regular polygon inscribed in the circle, whose inner radius is
 * r·cos(π/segments), and a box whose farthest corner lies within that is inside it); a clone of g
 * when no circle touches it. NULL with *failed set on failure. Caller frees the result. */
static GEOSGeometry *local_gap(GEOSContextHandle_t h, const category_reach *c, const GEOSGeometry *g, lc_bbox box,
                               int *covered_whole, int *failed)
{
    *covered_whole = 0;
    /* The facilities within r of the box in x, in index order (the order the circles are taken in). */
    /* Widened by far more than the rounding of minx − r can miss: the exact test below decides. */
    double slack = 1e-9 * (1 + c->r + fabs(box.minx) + fabs(box.maxx));
    size_t b0 = lower_x(c, box.minx - c->r - slack), b1 = b0, nb = 0;
    while (b1 < c->n && c->xs[b1] <= box.maxx + c->r + slack)
        b1++;
    size_t *band = malloc((b1 > b0 ? b1 - b0 : 1) * sizeof *band);
    if (!band) {
        *failed = 1;
        return NULL;
    }
    for (size_t pos = b0; pos < b1; pos++) {
        size_t k = c->byx[pos];
        double dx = c->x[k] < box.minx ? box.minx - c->x[k] : c->x[k] > box.maxx ? c->x[k] - box.maxx : 0;
        double dy = c->y[k] < box.miny ? box.miny - c->y[k] : c->y[k] > box.maxy ? c->y[k] - box.maxy : 0;
        if (dx * dx + dy * dy > c->r * c->r)
            continue;
        double fx = fmax(fabs(c->x[k] - box.minx), fabs(c->x[k] - box.maxx));
        double fy = fmax(fabs(c->y[k] - box.miny), fabs(c->y[k] - box.maxy));
        if (sqrt(fx * fx + fy * fy) <= c->inner_r) {
            *covered_whole = 1;
            free(band);
            return NULL;
        }
        band[nb++] = k;
    }
    qsort(band, nb, sizeof *band, cmp_size);
    /* The clip rectangle lies a margin outside the box, so no clipped edge runs along g's own. */
    double margin = 1 + 1e-6 * fmax(box.maxx - box.minx, box.maxy - box.miny);
    GEOSGeometry *gap = GEOSGeom_clone_r(h, g);
    for (size_t j = 0; gap && j < nb; j++) {
        GEOSGeometry *clip = GEOSClipByRect_r(h, c->buffer[band[j]], box.minx - margin, box.miny - margin,
                                              box.maxx + margin, box.maxy + margin);
        GEOSGeometry *next = NULL;
        if (clip && GEOSisEmpty_r(h, clip) == 1) {
            GEOSGeom_destroy_r(h, clip);
            continue;
        }
        next = clip ? GEOSDifference_r(h, gap, clip) : NULL;
        if (clip)
            GEOSGeom_destroy_r(h, clip);
        GEOSGeom_destroy_r(h, gap);
        gap = next;
        if (gap && GEOSisEmpty_r(h, gap) == 1)
            break;
    }
    free(band);
    if (!gap)
        *failed = 1;
    return gap;
}

/* Straight-line mode for a compound given as a point (a 小区 POI): for each category it is covered
 * whole when its nearest facility is within reach (distance ≤ reach) and not at all otherwise, its
 * gap then the point itself; in the whole life circle when every life-circle category is within
 * reach. Writes only compound i's slots. 0, or -1 with the failing category in w->detail. */
static int point_compound(worker_state *w, size_t i, double px, double py, double pop)
{
    cov_job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    int any_circle = 0, circle = 1;
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        nearest(cr, px, py, &cell->distance_m, &cell->nearest);
        int in = cell->distance_m <= cr->r;
        cell->covered_share = in;
        cell->covered_pop = in ? pop : 0;
        if (!in && !jb->cells_only && !(cov->gaps[i * jb->ncat + c] = GEOSGeom_clone_r(w->h, f->geom))) {
            w->detail = c;
            w->status = LC_ERR_GEOMETRY;
            return -1;
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle &= in;
        }
    }
    cov->circle[i] = any_circle && !jb->cells_only ? circle : NAN;
    return 0;
}

/* Straight-line mode task: computes every category for residential polygon i with the worker's GEOS
 * handle, writing only polygon i's slots of jb->cov. Returns 0, or -1 with the failing category in
 * w->detail (NO_CATEGORY when the demand point failed); the slots already written are then released
 * with the coverage. */
int lc_cov_straight_polygon(worker_state *w, size_t i)
{
    GEOSContextHandle_t h = w->h;
    cov_job *jb = w->jb;
    size_t *failed_cat = &w->detail;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    lc_coverage *cov = jb->cov;
    lc_bbox box;
    GEOSGeom_getExtent_r(h, f->geom, &box.minx, &box.miny, &box.maxx, &box.maxy);
    GEOSGeometry *pt = GEOSPointOnSurface_r(h, f->geom);
    double px = 0, py = 0;
    if (!pt || !GEOSGeomGetX_r(h, pt, &px) || !GEOSGeomGetY_r(h, pt, &py)) {
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        *failed_cat = NO_CATEGORY;
        w->status = LC_ERR_GEOMETRY;
        return -1;
    }
    GEOSGeom_destroy_r(h, pt);
    double pop = isnan(f->population) ? 0 : f->population;
    if (GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT)
        return point_compound(w, i, px, py, pop);
    GEOSGeometry *circle = NULL; /* polygon ∩ every life-circle category's reach so far */
    GEOSGeometry *gap = NULL;    /* the polygon outside the current category's reach */
    int circle_empty = 0, any_circle = 0;
    size_t c = 0, circle_cat = 0; /* circle_cat: the last life-circle category */
    for (; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        int whole = 0, failed = 0;
        nearest(cr, px, py, &cell->distance_m, &cell->nearest);
        gap = local_gap(h, cr, f->geom, box, &whole, &failed);
        if (failed)
            goto fail;
        double share = 1, gap_area = 0;
        if (gap) {
            if (!GEOSArea_r(h, gap, &gap_area))
                goto fail;
            share = f->area > 0 ? fmin(1.0, fmax(0.0, 1 - gap_area / f->area)) : 0;
        }
        cell->covered_share = share;
        cell->covered_pop = pop * share;
        int in_circle = lc_profile_category(jb->profile, c)->in_life_circle && !jb->cells_only;
        if (in_circle) {
            /* polygon ∩ reach = polygon − gap, so the circle so far less this category's gap. */
            any_circle = 1;
            circle_cat = c;
            if (share <= 0 || circle_empty) {
                circle_empty = 1;
            } else if (gap || !circle) {
                const GEOSGeometry *base = circle ? circle : f->geom;
                GEOSGeometry *next = gap ? GEOSDifference_r(h, base, gap) : GEOSGeom_clone_r(h, base);
                if (!next)
                    goto fail;
                if (circle)
                    GEOSGeom_destroy_r(h, circle);
                circle = next;
            }
        }
        if (share < 1 - 1e-12 && !jb->cells_only) {
            cov->gaps[i * jb->ncat + c] = gap; /* the coverage owns it now */
            gap = NULL;
        }
        if (gap)
            GEOSGeom_destroy_r(h, gap);
        gap = NULL;
    }
    double ca = 0;
    if (circle && !circle_empty && !GEOSArea_r(h, circle, &ca)) {
        c = circle_cat;
        goto fail;
    }
    if (circle)
        GEOSGeom_destroy_r(h, circle);
    cov->circle[i] = !any_circle ? NAN : circle_empty || f->area <= 0 ? 0 : fmin(1.0, ca / f->area);
    return 0;
fail:
    if (gap)
        GEOSGeom_destroy_r(h, gap);
    if (circle)
        GEOSGeom_destroy_r(h, circle);
    *failed_cat = c;
    w->status = LC_ERR_GEOMETRY;
    return -1;
}

/* A facility's x and index, sorted by x then index (category_reach.byx). */
typedef struct x_index {
    double x;
    size_t k;
} x_index;

static int cmp_x_index(const void *a, const void *b)
{
    const x_index *p = a, *q = b;
    return p->x != q->x ? (p->x > q->x) - (p->x < q->x) : (p->k > q->k) - (p->k < q->k);
}

/* Builds one category's reach step: its facilities and their circles (straight-line mode). */
lc_status lc_cov_straight_reach(lc_context *ctx, const lc_layer *fac, size_t category, double r, int quadsegs,
                            category_reach *out)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = 0;
    for (size_t i = 0; i < lc_layer_count(fac); i++)
        n += lc_layer_feature(fac, i)->category == (int)category;
    out->r = r;
    out->inner_r = r * cos(M_PI / (4.0 * quadsegs)) * (1 - 1e-12);
    out->x = lc_calloc(ctx, n ? n : 1, sizeof *out->x);
    out->y = lc_calloc(ctx, n ? n : 1, sizeof *out->y);
    out->index = lc_calloc(ctx, n ? n : 1, sizeof *out->index);
    out->buffer = lc_calloc(ctx, n ? n : 1, sizeof *out->buffer);
    if (!out->x || !out->y || !out->index || !out->buffer)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < lc_layer_count(fac); i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (f->category != (int)category)
            continue;
        GEOSGeomGetX_r(h, f->geom, &out->x[out->n]);
        GEOSGeomGetY_r(h, f->geom, &out->y[out->n]);
        out->index[out->n] = (long)i;
        out->buffer[out->n] = GEOSBuffer_r(h, f->geom, r, quadsegs);
        if (!out->buffer[out->n])
            return lc_error(ctx, LC_ERR_GEOMETRY, "cannot buffer facility %s by %.0f m", f->id, r);
        /* Cached now, so worker threads cloning the buffer only read it. */
        lc_geom_cache_for_threads(h, out->buffer[out->n]);
        out->n++;
    }
    out->byx = lc_calloc(ctx, n ? n : 1, sizeof *out->byx);
    out->xs = lc_calloc(ctx, n ? n : 1, sizeof *out->xs);
    x_index *order = lc_calloc(ctx, n ? n : 1, sizeof *order);
    if (!out->byx || !out->xs || !order) {
        free(order);
        return LC_ERR_NOMEM;
    }
    for (size_t k = 0; k < out->n; k++)
        order[k] = (x_index){out->x[k], k};
    qsort(order, out->n, sizeof *order, cmp_x_index);
    for (size_t k = 0; k < out->n; k++) {
        out->byx[k] = order[k].k;
        out->xs[k] = order[k].x;
    }
    free(order);
    return LC_OK;
}

/* Circles into one collection for the dissolve; see coverage_int.h. The collection takes the
 * geometries themselves (no copies): the polygons no longer need them once their step is done. */
lc_status lc_cov_straight_circles(lc_context *ctx, category_reach *c, GEOSGeometry **out)
{
    *out = NULL;
    if (!c->n)
        return LC_OK;
    GEOSGeometry *coll = GEOSGeom_createCollection_r(lc_ctx_geos(ctx), GEOS_GEOMETRYCOLLECTION, c->buffer,
                                                     (unsigned)c->n);
    if (!coll)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot collect the reach circles");
    free(c->buffer); /* the collection holds the circles now */
    c->buffer = NULL;
    *out = coll;
    return LC_OK;
}

/* Every straight-line step after the circles; see coverage_int.h. */
lc_status lc_cov_straight(lc_context *ctx, cov_job *jb, worker_state *ws, size_t nthreads)
{
    lc_coverage *cov = jb->cov;
    jb->stage = NULL;
    double t0 = lc_seconds();
    if (lc_cov_run(jb, ws, nthreads, lc_cov_straight_polygon, cov->npoly, ctx) != 0)
        return lc_cov_compound_failure(ctx, jb);
    lc_log(ctx, LC_LOG_DEBUG, "straight-line coverage: %zu polygons %.2f s%s", cov->npoly, lc_seconds() - t0,
           jb->cells_only ? " (cells only)" : "");
    if (jb->cells_only)
        return LC_OK;
    /* The service areas: each category's circles dissolved on a thread of its own while the caller
     * writes the layers (lc_coverage_service_areas_wait), as network mode traces its own. */
    GEOSGeometry **circles = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *circles);
    if (!circles)
        return LC_ERR_NOMEM;
    for (size_t c = 0; c < cov->ncat; c++)
        if (lc_cov_straight_circles(ctx, &jb->cats[c], &circles[c]) != LC_OK) {
            for (size_t q = 0; q < c; q++)
                if (circles[q])
                    GEOSGeom_destroy_r(lc_ctx_geos(ctx), circles[q]);
            free(circles);
            return LC_ERR_NOMEM;
        }
    if (!(cov->service_job = lc_cov_dissolve_start(ctx, circles, cov->ncat, nthreads > 1, cov->service)))
        return LC_ERR_NOMEM;
    return LC_OK;
}
