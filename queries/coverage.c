/*
 * queries/coverage.c — who is within reach of what (include/lifecircle/coverage.h), in straight-line
 * mode: reach regions are circles of the category's reach around its facilities. Per residential
 * polygon and category: nearest facility from the polygon's demand point (a point on its surface),
 * and the exact share of the polygon inside the union of the nearby circles. In network mode the same
 * per-category step (network_step) supplies distances from geo/network.c and, as reach regions, the
 * reachable parts of edges buffered tile by tile.
 * Indicators built on these numbers live in queries/indicators.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "lifecircle/coverage.h"

struct lc_coverage {
    lc_context *ctx;          /* borrowed: the geometries below belong to its GEOS handle */
    lc_distance_mode mode;
    size_t npoly, ncat;
    double *reach;            /* per category, metres */
    lc_coverage_cell *cells;  /* npoly × ncat */
    GEOSGeometry **gaps;      /* npoly × ncat, NULL when fully covered */
    GEOSGeometry **service;   /* per category, NULL without facilities */
    double *circle;           /* per polygon */
    double population;        /* Σ population of the residential polygons */
};

void lc_coverage_destroy(lc_coverage *cov)
{
    if (!cov)
        return;
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
    free(cov);
}

/* One category's facilities and their reach circles, shared read-only by the workers. */
typedef struct category_reach {
    size_t n;
    double *x, *y;        /* facility points */
    long *index;          /* index in the facilities layer */
    GEOSGeometry **buffer;/* reach circle of each facility */
    double r;
    double inner_r;       /* inner radius of the buffer polygons, a little under r */
    /* Network mode (network != 0): distances per residential polygon and the service area in tiles. */
    int network;
    double *ndist;        /* per polygon: network distance to the nearest facility */
    long *nnear;          /* per polygon: its index in the facilities layer, -1 */
    GEOSGeometry **parts; /* buffered reachable edges, one polygon per tile */
    lc_bbox *pbox;        /* envelope of each part */
    size_t nparts;
} category_reach;

/* Most worker threads a call starts (options->threads is capped to this). */
#define MAX_THREADS 64

/* failed_category when the polygon's demand point, not a category, could not be computed. */
#define NO_CATEGORY ((size_t)-1)

/* Work shared by the worker threads; each writes only its own polygons' slots. */
typedef struct job {
    const lc_layer *res;
    const lc_profile *profile;
    category_reach *cats;
    size_t ncat;
    lc_coverage *cov;
    pthread_mutex_t lock;     /* guards the fields below */
    size_t next;              /* next polygon to take */
    size_t done;              /* polygons finished */
    int failed;               /* set once; stops every worker */
    long failed_polygon;
    size_t failed_category;   /* or NO_CATEGORY */
    char failed_msg[256];     /* GEOS's message for that failure, "" when it gave none */
} job;

/* One thread's share of a job: its own GEOS handle (made before any worker starts) and the last
 * error message GEOS reported on it. */
typedef struct worker_state {
    job *jb;
    GEOSContextHandle_t h;
    char msg[256];
} worker_state;

/* Nearest facility of a category to (px,py) by scanning (categories hold hundreds to a few thousand
 * points; an index pays only beyond that, and the scan is exact). */
static void nearest(const category_reach *c, double px, double py, double *dist, long *idx)
{
    double best = INFINITY;
    long bi = -1;
    for (size_t k = 0; k < c->n; k++) {
        double dx = c->x[k] - px, dy = c->y[k] - py, d = dx * dx + dy * dy;
        if (d < best) {
            best = d;
            bi = (long)k;
        }
    }
    *dist = bi >= 0 ? sqrt(best) : INFINITY;
    *idx = bi >= 0 ? c->index[bi] : -1;
}

/* The union of the reach circles that can touch box (facilities within r of it), or NULL when none
 * can. When one circle holds the whole box, sets *covered_whole and returns that circle alone (no
 * union is built). Caller frees the result with GEOSGeom_destroy_r. */
static GEOSGeometry *local_reach(GEOSContextHandle_t h, const category_reach *c, lc_bbox box, int *covered_whole,
                                 int *failed)
{
    *covered_whole = 0;
    size_t cap = 8, n = 0;
    GEOSGeometry **parts = malloc(cap * sizeof *parts);
    if (!parts) {
        *failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < c->n; k++) {
        double dx = c->x[k] < box.minx ? box.minx - c->x[k] : c->x[k] > box.maxx ? c->x[k] - box.maxx : 0;
        double dy = c->y[k] < box.miny ? box.miny - c->y[k] : c->y[k] > box.maxy ? c->y[k] - box.maxy : 0;
        if (dx * dx + dy * dy > c->r * c->r)
            continue;
        /* The buffer is a regular polygon inscribed in the circle, whose inner radius is
         * r·cos(π/segments): a box whose farthest corner lies within that holds the whole polygon.
         * (Decided by arithmetic: shared geometries are never handed to GEOS predicates here.) */
        double fx = fmax(fabs(c->x[k] - box.minx), fabs(c->x[k] - box.maxx));
        double fy = fmax(fabs(c->y[k] - box.miny), fabs(c->y[k] - box.maxy));
        if (sqrt(fx * fx + fy * fy) <= c->inner_r) {
            *covered_whole = 1;
            for (size_t j = 0; j < n; j++)
                GEOSGeom_destroy_r(h, parts[j]);
            free(parts);
            GEOSGeometry *whole = GEOSGeom_clone_r(h, c->buffer[k]);
            if (!whole)
                *failed = 1;
            return whole;
        }
        if (n == cap) {
            GEOSGeometry **p = realloc(parts, 2 * cap * sizeof *parts);
            if (!p) {
                *failed = 1;
                break;
            }
            parts = p;
            cap *= 2;
        }
        if (!(parts[n] = GEOSGeom_clone_r(h, c->buffer[k]))) {
            *failed = 1;
            break;
        }
        n++;
    }
    if (*failed || n == 0) {
        for (size_t j = 0; j < n; j++)
            GEOSGeom_destroy_r(h, parts[j]);
        free(parts);
        return NULL;
    }
    /* The collection takes ownership of the clones. */
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
    free(parts);
    if (!coll) {
        *failed = 1;
        return NULL;
    }
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    if (!u)
        *failed = 1;
    return u;
}

/* Network mode: the union of the service-area tiles whose envelopes meet box, or NULL when none do.
 * Caller frees the result with GEOSGeom_destroy_r. */
static GEOSGeometry *local_parts(GEOSContextHandle_t h, const category_reach *c, lc_bbox box, int *failed)
{
    size_t n = 0;
    GEOSGeometry **parts = malloc((c->nparts ? c->nparts : 1) * sizeof *parts);
    if (!parts) {
        *failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < c->nparts; k++) {
        const lc_bbox *b = &c->pbox[k];
        if (b->minx > box.maxx || b->maxx < box.minx || b->miny > box.maxy || b->maxy < box.miny)
            continue;
        parts[n++] = GEOSGeom_clone_r(h, c->parts[k]);
    }
    if (n == 0) {
        free(parts);
        return NULL;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    if (!u)
        *failed = 1;
    return u;
}

/* Area of a ∩ b, or -1 on failure. */
static double intersection_area(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b)
{
    GEOSGeometry *x = GEOSIntersection_r(h, a, b);
    double area = -1;
    if (x) {
        if (!GEOSArea_r(h, x, &area))
            area = -1;
        GEOSGeom_destroy_r(h, x);
    }
    return area;
}

/* Computes every category for residential polygon i with GEOS handle h, writing only polygon i's
 * slots of jb->cov. Returns 0, or -1 with the failing category in *failed_cat (NO_CATEGORY when the
 * demand point failed); the slots already written are then released with the coverage. */
static int polygon_coverage(GEOSContextHandle_t h, job *jb, size_t i, size_t *failed_cat)
{
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
        return -1;
    }
    GEOSGeom_destroy_r(h, pt);
    double pop = isnan(f->population) ? 0 : f->population;
    GEOSGeometry *circle = NULL; /* polygon ∩ every life-circle category's reach so far */
    GEOSGeometry *reach = NULL;  /* the current category's reach near the polygon */
    int circle_empty = 0, any_circle = 0;
    size_t c = 0, circle_cat = 0; /* circle_cat: the last life-circle category */
    for (; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        int whole = 0, failed = 0;
        if (cr->network) {
            cell->distance_m = cr->ndist[i];
            cell->nearest = cr->nnear[i];
            reach = local_parts(h, cr, box, &failed);
        } else {
            nearest(cr, px, py, &cell->distance_m, &cell->nearest);
            reach = local_reach(h, cr, box, &whole, &failed);
        }
        if (failed)
            goto fail;
        double share = 0;
        if (whole) {
            share = 1;
        } else if (reach) {
            double a = intersection_area(h, f->geom, reach);
            if (a < 0)
                goto fail;
            share = f->area > 0 ? fmin(1.0, a / f->area) : 0;
        }
        cell->covered_share = share;
        cell->covered_pop = pop * share;
        if (share < 1 - 1e-12) {
            cov->gaps[i * jb->ncat + c] = reach ? GEOSDifference_r(h, f->geom, reach) : GEOSGeom_clone_r(h, f->geom);
            if (!cov->gaps[i * jb->ncat + c])
                goto fail;
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle_cat = c;
            if (!reach || circle_empty) {
                circle_empty = 1;
            } else {
                GEOSGeometry *next = GEOSIntersection_r(h, circle ? circle : f->geom, reach);
                if (!next)
                    goto fail;
                if (circle)
                    GEOSGeom_destroy_r(h, circle);
                circle = next;
            }
        }
        if (reach)
            GEOSGeom_destroy_r(h, reach);
        reach = NULL;
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
    if (reach)
        GEOSGeom_destroy_r(h, reach);
    if (circle)
        GEOSGeom_destroy_r(h, circle);
    *failed_cat = c;
    return -1;
}

/* Keeps GEOS's error message on a worker's handle (GEOSMessageHandler_r; userdata: its
 * worker_state), so a failure can be reported with GEOS's reason. */
static void worker_geos_error(const char *message, void *userdata)
{
    worker_state *w = userdata;
    snprintf(w->msg, sizeof w->msg, "%s", message ? message : "");
}

/* Takes polygons one at a time until none are left or one has failed, computing each with the
 * thread's own handle w->h. Each residential polygon is read by the one thread that took it; the
 * reach circles and network tiles, read by every thread, are only cloned (their envelopes were
 * cached before the threads started, so cloning writes nothing into them); no prepared geometry or
 * STRtree is shared (the candidate search and nearest facility are plain scans over coordinates).
 * report: the context to report progress through, at each whole percent, for the thread that owns
 * it; NULL for the others. */
static void work(worker_state *w, lc_context *report)
{
    job *jb = w->jb;
    size_t total = jb->cov->npoly, reported = 0;
    for (;;) {
        pthread_mutex_lock(&jb->lock);
        size_t i = jb->next++;
        int stop = jb->failed || i >= total;
        size_t done = jb->done;
        pthread_mutex_unlock(&jb->lock);
        if (report && total && done * 100 / total > reported) {
            reported = done * 100 / total;
            lc_progress(report, "coverage", (double)done / (double)total);
        }
        if (stop)
            break;
        size_t failed_cat = 0;
        w->msg[0] = '\0';
        int rc = polygon_coverage(w->h, jb, i, &failed_cat);
        pthread_mutex_lock(&jb->lock);
        if (rc == 0) {
            jb->done++;
        } else if (!jb->failed) {
            jb->failed = 1;
            jb->failed_polygon = (long)i;
            jb->failed_category = failed_cat;
            snprintf(jb->failed_msg, sizeof jb->failed_msg, "%s", w->msg);
        }
        pthread_mutex_unlock(&jb->lock);
        if (rc != 0)
            break;
    }
}

/* pthread start routine of the extra workers; arg is the thread's worker_state. */
static void *worker(void *arg)
{
    work(arg, NULL);
    return NULL;
}

/* Builds one category's reach step: its facilities and their circles (straight-line mode). */
static lc_status reach_step(lc_context *ctx, const lc_layer *fac, size_t category, double r, int quadsegs,
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
        /* Computing the envelope now caches it, so worker threads cloning the buffer only read. */
        double e[4];
        GEOSGeom_getExtent_r(h, out->buffer[out->n], &e[0], &e[1], &e[2], &e[3]);
        out->n++;
    }
    return LC_OK;
}

static void reach_free(lc_context *ctx, category_reach *c)
{
    for (size_t k = 0; c->buffer && k < c->n; k++)
        GEOSGeom_destroy_r(lc_ctx_geos(ctx), c->buffer[k]);
    for (size_t k = 0; c->parts && k < c->nparts; k++)
        GEOSGeom_destroy_r(lc_ctx_geos(ctx), c->parts[k]);
    free(c->parts);
    free(c->pbox);
    free(c->ndist);
    free(c->nnear);
    free(c->buffer);
    free(c->x);
    free(c->y);
    free(c->index);
}

/* Side of the square tiles the network service area is buffered in, metres: small enough that a
 * polygon meets few tiles, large enough that each buffer holds many edges. */
#define SERVICE_TILE_M 500.0

/* A reachable segment and the tile its midpoint falls in, for grouping by tile. */
typedef struct tiled_seg {
    int64_t tx, ty;
    size_t k;
} tiled_seg;

static int cmp_tile(const void *a, const void *b)
{
    const tiled_seg *p = a, *q = b;
    if (p->tx != q->tx)
        return (p->tx > q->tx) - (p->tx < q->tx);
    if (p->ty != q->ty)
        return (p->ty > q->ty) - (p->ty < q->ty);
    return (p->k > q->k) - (p->k < q->k);
}

/* The union of the buffers of every line of a (multi)line geometry, each buffered on its own (GEOS
 * buffers one line quickly; a whole multi-line at once nodes every piece against every other), then
 * dissolved by cascaded union. NULL on failure. Caller frees the result. */
static GEOSGeometry *buffer_lines(GEOSContextHandle_t h, const GEOSGeometry *lines, double width)
{
    int n = GEOSGetNumGeometries_r(h, lines);
    if (n <= 0)
        return NULL;
    GEOSGeometry **bufs = malloc((size_t)n * sizeof *bufs);
    if (!bufs)
        return NULL;
    int k = 0;
    for (; k < n; k++)
        if (!(bufs[k] = GEOSBuffer_r(h, GEOSGetGeometryN_r(h, lines, k), width, 8)))
            break;
    GEOSGeometry *coll = k == n ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bufs, (unsigned)n) : NULL;
    if (!coll)
        for (int j = 0; j < k; j++)
            GEOSGeom_destroy_r(h, bufs[j]);
    free(bufs);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    return u;
}

/* Buffers reachable segments tile by tile into out->parts (width: half-width, metres). */
static lc_status service_tiles(lc_context *ctx, const lc_xy *segs, size_t nseg, double width, category_reach *out)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_status st = LC_ERR_NOMEM;
    tiled_seg *ts = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *ts);
    GEOSGeometry **lines = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *lines);
    out->parts = lc_calloc(ctx, nseg ? nseg : 1, sizeof *out->parts);
    out->pbox = lc_calloc(ctx, nseg ? nseg : 1, sizeof *out->pbox);
    if (!ts || !lines || !out->parts || !out->pbox)
        goto fail;
    for (size_t k = 0; k < nseg; k++) {
        double mx = (segs[2 * k].x + segs[2 * k + 1].x) / 2, my = (segs[2 * k].y + segs[2 * k + 1].y) / 2;
        ts[k] = (tiled_seg){(int64_t)floor(mx / SERVICE_TILE_M), (int64_t)floor(my / SERVICE_TILE_M), k};
    }
    qsort(ts, nseg, sizeof *ts, cmp_tile);
    st = LC_ERR_GEOMETRY;
    for (size_t i = 0; i < nseg;) {
        size_t j = i, n = 0;
        for (; j < nseg && ts[j].tx == ts[i].tx && ts[j].ty == ts[i].ty; j++) {
            const lc_xy *p = &segs[2 * ts[j].k];
            GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
            if (!cs)
                goto fail_lines;
            GEOSCoordSeq_setXY_r(h, cs, 0, p[0].x, p[0].y);
            GEOSCoordSeq_setXY_r(h, cs, 1, p[1].x, p[1].y);
            if (!(lines[n] = GEOSGeom_createLineString_r(h, cs)))
                goto fail_lines;
            n++;
        }
        GEOSGeometry *mls = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines, (unsigned)n);
        n = 0; /* the collection owns the lines now, or they are lost with it on failure */
        /* Segments joined into long lines first: GEOS buffers a few long lines far faster than many
         * short ones that overlap at their ends. */
        GEOSGeometry *merged = mls ? GEOSLineMerge_r(h, mls) : NULL;
        GEOSGeometry *buf = merged ? buffer_lines(h, merged, width) : NULL;
        if (merged)
            GEOSGeom_destroy_r(h, merged);
        if (mls)
            GEOSGeom_destroy_r(h, mls);
        if (!buf)
            goto fail;
        lc_bbox *b = &out->pbox[out->nparts];
        GEOSGeom_getExtent_r(h, buf, &b->minx, &b->miny, &b->maxx, &b->maxy);
        out->parts[out->nparts++] = buf;
        i = j;
        continue;
    fail_lines:
        for (size_t k = 0; k < n; k++)
            GEOSGeom_destroy_r(h, lines[k]);
        goto fail;
    }
    st = LC_OK;
fail:
    free(ts);
    free(lines);
    if (st == LC_ERR_GEOMETRY)
        lc_error(ctx, st, "cannot buffer the network service area: %s", lc_ctx_geos_message(ctx));
    return st;
}

/* Builds one category's reach step in network mode: its facilities attached to the network, one
 * multi-source shortest-path pass, every demand point's distance and nearest facility, and the
 * reachable parts of edges buffered by rules->buffer_m. demand holds the residential polygons'
 * attachments (npoly of them). */
static lc_status network_step(lc_context *ctx, const lc_layer *fac, size_t category, double r, const lc_network *net,
                              const lc_network_rules *rules, const lc_snap *demand, size_t npoly,
                              category_reach *out)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_status st = LC_ERR_NOMEM;
    size_t n = 0, off = 0, nseg = 0;
    for (size_t i = 0; i < lc_layer_count(fac); i++)
        n += lc_layer_feature(fac, i)->category == (int)category;
    out->network = 1;
    out->r = r;
    lc_snap *snaps = lc_calloc(ctx, n ? n : 1, sizeof *snaps);
    long *ids = lc_calloc(ctx, n ? n : 1, sizeof *ids);
    lc_network_reach *reach = NULL;
    lc_xy *segs = NULL;
    out->ndist = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->ndist);
    out->nnear = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->nnear);
    if (!snaps || !ids || !out->ndist || !out->nnear)
        goto fail;
    for (size_t i = 0; i < lc_layer_count(fac); i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (f->category != (int)category)
            continue;
        lc_xy p;
        GEOSGeomGetX_r(h, f->geom, &p.x);
        GEOSGeomGetY_r(h, f->geom, &p.y);
        if ((st = lc_network_snap(ctx, net, p, rules->max_snap_m, &snaps[out->n])) != LC_OK)
            goto fail;
        off += snaps[out->n].edge < 0;
        ids[out->n++] = (long)i;
    }
    if (off)
        lc_log(ctx, LC_LOG_WARNING, "%zu of %zu facilities of category %zu are more than %.0f m from the walking "
               "network and serve no one in network mode", off, n, category, rules->max_snap_m);
    st = LC_ERR_NOMEM;
    if (!(reach = lc_network_reach_compute(ctx, net, snaps, ids, out->n, INFINITY)))
        goto fail;
    for (size_t i = 0; i < npoly; i++)
        out->ndist[i] = lc_network_reach_distance(reach, &demand[i], &out->nnear[i]);
    if ((st = lc_network_reach_segments(ctx, reach, r, &segs, &nseg)) != LC_OK ||
        (st = service_tiles(ctx, segs, nseg, rules->buffer_m, out)) != LC_OK)
        goto fail;
fail:
    free(segs);
    lc_network_reach_destroy(reach);
    free(snaps);
    free(ids);
    return st;
}

/* Attaches every residential polygon's demand point (a point on its surface) to the network.
 * Returns the attachments (caller frees with free()) or NULL with the context's error set. */
static lc_snap *demand_snaps(lc_context *ctx, const lc_layer *res, const lc_network *net,
                             const lc_network_rules *rules)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(res), off = 0;
    lc_snap *d = lc_calloc(ctx, n ? n : 1, sizeof *d);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, f->geom);
        lc_xy p;
        if (!pt || !GEOSGeomGetX_r(h, pt, &p.x) || !GEOSGeomGetY_r(h, pt, &p.y)) {
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon",
                     lc_layer_source(res), lc_layer_name(res), f->id);
            free(d);
            return NULL;
        }
        GEOSGeom_destroy_r(h, pt);
        if (lc_network_snap(ctx, net, p, rules->max_snap_m, &d[i]) != LC_OK) {
            free(d);
            return NULL;
        }
        off += d[i].edge < 0;
    }
    if (off)
        lc_log(ctx, LC_LOG_WARNING, "%zu of %zu residential polygons are more than %.0f m from the walking network "
               "(off-network: no facility reaches them in network mode)", off, n, rules->max_snap_m);
    return d;
}

/* The dissolved reach of a category: the union of its circles, or of its network service-area tiles;
 * NULL when it has none. */
static GEOSGeometry *service_area(lc_context *ctx, const category_reach *c, int *failed)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = c->network ? c->nparts : c->n;
    if (!n)
        return NULL;
    GEOSGeometry **parts = lc_calloc(ctx, n, sizeof *parts);
    if (!parts) {
        *failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        parts[k] = GEOSGeom_clone_r(h, c->network ? c->parts[k] : c->buffer[k]);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    if (!u)
        *failed = 1;
    return u;
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
    if (o.mode == LC_MODE_NETWORK && !o.network) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "network mode needs a walking network: name a roads layer in the study "
                                          "('roads: {path: <file>}'), or use the straight-line mode");
        return NULL;
    }
    if (o.reach_m < 0 || !isfinite(o.reach_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "reach must be a positive number of metres");
        return NULL;
    }
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    lc_coverage *cov = lc_calloc(ctx, 1, sizeof *cov);
    if (!cov)
        return NULL;
    cov->ctx = ctx;
    cov->mode = o.mode;
    cov->npoly = lc_layer_count(res);
    cov->ncat = lc_profile_category_count(profile);
    for (size_t i = 0; i < cov->npoly; i++)
        if (!isnan(lc_layer_feature(res, i)->population))
            cov->population += lc_layer_feature(res, i)->population;
    size_t cells = cov->npoly * cov->ncat;
    cov->reach = lc_calloc(ctx, cov->ncat, sizeof *cov->reach);
    cov->cells = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->cells);
    cov->gaps = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->gaps);
    cov->service = lc_calloc(ctx, cov->ncat, sizeof *cov->service);
    cov->circle = lc_calloc(ctx, cov->npoly ? cov->npoly : 1, sizeof *cov->circle);
    category_reach *cats = lc_calloc(ctx, cov->ncat, sizeof *cats);
    lc_snap *demand = NULL;
    worker_state *ws = NULL;
    size_t nthreads = 0;
    if (!cov->reach || !cov->cells || !cov->gaps || !cov->service || !cov->circle || !cats)
        goto fail;
    int quadsegs = o.quadsegs > 0 ? o.quadsegs : 32;
    const lc_network_rules *rules = lc_profile_network(profile);
    if (o.mode == LC_MODE_NETWORK && !(demand = demand_snaps(ctx, res, o.network, rules)))
        goto fail;
    for (size_t c = 0; c < cov->ncat; c++) {
        cov->reach[c] = o.reach_m > 0 ? o.reach_m : lc_profile_category(profile, c)->reach_m;
        if (o.mode == LC_MODE_NETWORK) {
            if (network_step(ctx, fac, c, cov->reach[c], o.network, rules, demand, cov->npoly, &cats[c]) != LC_OK)
                goto fail;
        } else if (reach_step(ctx, fac, c, cov->reach[c], quadsegs, &cats[c]) != LC_OK)
            goto fail;
        int failed = 0;
        cov->service[c] = service_area(ctx, &cats[c], &failed);
        if (failed) {
            lc_error(ctx, LC_ERR_GEOMETRY, "cannot dissolve the reach of category %s: %s",
                     lc_profile_category(profile, c)->code, lc_ctx_geos_message(ctx));
            goto fail;
        }
    }

    /* The polygons are shared out to nthreads threads, this one included (it alone reports progress:
     * the context belongs to it). Each has its own GEOS handle, all made here before any worker
     * starts (GEOS_init_r also resets GEOS's process-wide interrupt flag, which running workers
     * read). Each polygon's results go to its own slots, so they do not depend on the thread count. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = o.threads > 0 ? (size_t)o.threads : ncpu > 0 ? (size_t)ncpu : 1;
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    if (nthreads > cov->npoly)
        nthreads = cov->npoly ? cov->npoly : 1;
    job jb = {.res = res, .profile = profile, .cats = cats, .ncat = cov->ncat, .cov = cov};
    if (!(ws = lc_calloc(ctx, nthreads, sizeof *ws)))
        goto fail;
    for (size_t t = 0; t < nthreads; t++) {
        ws[t].jb = &jb;
        if (!(ws[t].h = GEOS_init_r())) {
            lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot create a GEOS context for coverage worker %zu", t);
            goto fail;
        }
        GEOSContext_setErrorMessageHandler_r(ws[t].h, worker_geos_error, &ws[t]);
    }
    pthread_mutex_init(&jb.lock, NULL);
    pthread_t threads[MAX_THREADS];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++) /* one that cannot start leaves its share to the others */
        if (pthread_create(&threads[started], NULL, worker, &ws[t]) == 0)
            started++;
    work(&ws[0], ctx);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&jb.lock);
    if (jb.failed) {
        const lc_feature *f = lc_layer_feature(res, (size_t)jb.failed_polygon);
        if (jb.failed_category == NO_CATEGORY)
            lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon%s%s",
                     lc_layer_source(res), lc_layer_name(res), f->id, jb.failed_msg[0] ? ": " : "", jb.failed_msg);
        else
            lc_error(ctx, LC_ERR_GEOMETRY,
                     "%s (layer %s, feature %s): coverage of category %s could not be computed%s%s",
                     lc_layer_source(res), lc_layer_name(res), f->id,
                     lc_profile_category(profile, jb.failed_category)->code, jb.failed_msg[0] ? ": " : "",
                     jb.failed_msg);
        goto fail;
    }
    lc_progress(ctx, "coverage", 1.0);
    for (size_t t = 0; t < nthreads; t++)
        GEOS_finish_r(ws[t].h);
    free(ws);
    for (size_t c = 0; c < cov->ncat; c++)
        reach_free(ctx, &cats[c]);
    free(cats);
    free(demand);
    return cov;
fail:
    for (size_t t = 0; ws && t < nthreads; t++)
        if (ws[t].h)
            GEOS_finish_r(ws[t].h);
    free(ws);
    for (size_t c = 0; cats && c < cov->ncat; c++)
        reach_free(ctx, &cats[c]);
    free(cats);
    free(demand);
    lc_coverage_destroy(cov);
    return NULL;
}

lc_distance_mode lc_coverage_mode(const lc_coverage *cov)
{
    return cov ? cov->mode : LC_MODE_STRAIGHT;
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

const GEOSGeometry *lc_coverage_service_area(const lc_coverage *cov, size_t category)
{
    return cov && category < cov->ncat ? cov->service[category] : NULL;
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
