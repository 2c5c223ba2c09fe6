/*
 * queries/coverage.c — who is within reach of what (include/lifecircle/coverage.h), in straight-line
 * mode: reach regions are circles of the category's reach around its facilities. Per residential
 * polygon and category: nearest facility from the polygon's demand point (a point on its surface),
 * and the exact share of the polygon inside the union of the nearby circles. In network mode a
 * per-category step (network_step, the categories shared out to the worker threads) supplies
 * distances from geo/network.c and the reachable parts of edges, joined into straight runs and indexed
 * by a bucket grid; reach regions are corridors around them (queries/corridor_int.h), built square by
 * square of a fixed grid (each square's part on its own, on every core; a category with the same runs
 * near a square as an earlier one copies its part), then dissolved into the service area. A polygon
 * is shown whole inside or wholly out from the runs near it without GEOS where it can be, and is
 * otherwise cut from the squares it meets. The same per-category pass shares out the network's edges
 * among the category's facilities (catchment streets, lc_network_reach_pieces), chained into lines.
 * Indicators built on these numbers live in queries/indicators.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "lifecircle/coverage.h"
#include "geo/geometry_int.h"
#include "queries/corridor_int.h"
#include "queries/coverage_int.h"
#include "queries/dissolve_int.h"

/* Network mode: one category's catchment streets, the polylines of every facility of it one after
 * another (lc_coverage_catchment_streets). */
typedef struct street_lines {
    lc_xy *pts;
    size_t *start;    /* line k is pts[start[k] .. start[k + 1]) */
    size_t nlines;
} street_lines;

/* Network mode: one facility's share of its category's street_lines and its street lengths. */
typedef struct street_share {
    size_t category, first, nlines;
    double length, in_reach;
} street_share;

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
    size_t entrances;         /* network mode: polygons walked from their entrances */
    size_t grid;              /* network mode: polygons walked from grid points */
    size_t buildings;         /* network mode: polygons walked from their buildings */
    double grid_m;            /* their spacing */
    size_t nfac;              /* facilities in the layer */
    street_lines *streets;    /* network mode: per category, its catchment streets */
    street_share *shares;     /* network mode: per facility, its part of them */
    /* Network mode: the service areas, dissolved on a thread of their own after lc_coverage_compute
     * returns (queries/dissolve.c) until lc_coverage_service_areas_wait; NULL once waited for. */
    lc_dissolver *dissolver;
    lc_status dissolve_status; /* of the wait: LC_OK, or the failure it reports again */
    char dissolve_error[400];
    const lc_profile *profile; /* borrowed (it outlives the coverage): category codes for messages */
    double dissolve_t0;        /* lc_seconds() when the dissolving started */
};

void lc_coverage_destroy(lc_coverage *cov)
{
    if (!cov)
        return;
    lc_dissolver_destroy(cov->ctx, cov->dissolver); /* first: it writes into cov->service */
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

/* One category's facilities and their reach, shared read-only by the workers. */
typedef struct category_reach {
    size_t n;
    double *x, *y;        /* facility points */
    long *index;          /* index in the facilities layer */
    GEOSGeometry **buffer;/* reach circle of each facility */
    size_t *byx;          /* straight-line mode: the facilities' indices sorted by x (then index), */
    double *xs;           /* and their x in that order: a polygon scans only the band it can reach */
    double r;
    double inner_r;       /* inner radius of the buffer polygons, a little under r */
    /* Network mode (network != 0): distances per residential polygon, the reachable parts of edges
     * as straight runs with a bucket grid over them, and the service area tile by tile. */
    int network;
    size_t off;           /* facilities farther than max_snap_m from the network */
    double *ndist;        /* per polygon: network distance to the nearest facility */
    long *nnear;          /* per polygon: its index in the facilities layer, -1 */
    unsigned char *pin;   /* per demand point (job.dstart rows): 1 when within reach */
    lc_seg *runs;         /* reachable parts of edges, collinear neighbours joined */
    size_t nruns;
    double width;         /* corridor half-width: the profile's network buffer_m */
    lc_bbox extent;       /* of the runs grown by width: where the service area can be */
    double gsize;         /* bucket grid over extent: side of a bucket (metres), columns, rows */
    size_t gnx, gny;
    size_t *gstart;       /* bucket b lists runs gitem[gstart[b] .. gstart[b + 1]) */
    uint32_t *gitem;
    long tcol0, trow0;    /* service tiles: SERVICE_TILE_M squares on a grid fixed to the CRS's origin */
    size_t tx, ty;        /* (the same squares for every category); the first column and row over */
    GEOSGeometry **tiles; /* extent, how many; tx × ty: the service area inside each, NULL if none */
    double streets_s;     /* seconds spent on the catchment streets (debug timing) */
} category_reach;

/* Segments per quarter circle of the network corridors (their round ends). */
#define NET_QUADSEGS 8

/* Side of the square tiles the service area is dissolved in (metres): each tile's corridor is
 * unioned on its own, on any core, then the tiles, which only touch, are dissolved. */
#define SERVICE_TILE_M 500.0

/* Most worker threads a call starts (options->threads is capped to this). */
#define MAX_THREADS 64

/* How a compound's residents walk in network mode: from a point on its surface (covered by the share
 * of its area within the walking corridor), from its entrances (covered whole or not at all), or from
 * points of a grid inside it (covered by the share of the points within reach), or from its
 * buildings (covered by the share of its residents in buildings within reach). */
enum { DEMAND_SURFACE = 0, DEMAND_ENTRANCES = 1, DEMAND_GRID = 2, DEMAND_BUILDINGS = 3 };

/* failed_detail when the polygon's demand point, not a category, could not be computed. */
#define NO_CATEGORY ((size_t)-1)

struct worker_state;

/* One task of a job (task i, on the worker's own GEOS handle): 0, or -1 after setting the worker's
 * status, detail and (for other than GEOS failures) message. */
typedef int (*task_fn)(struct worker_state *w, size_t i);

/* Work shared by the worker threads: `total` tasks taken in turn; each task writes only its own
 * slots, so results do not depend on which thread ran it. */
typedef struct job {
    task_fn fn;
    size_t total;
    const char *stage;        /* the progress stage of the running job ("coverage" when NULL) */
    const lc_layer *res, *fac;
    const lc_profile *profile;
    const lc_network *net;
    const lc_network_rules *rules;
    const lc_snap *demand;    /* network mode: the attachments of the residential polygons' demand
                                 points: polygon i's are demand[dstart[i] .. dstart[i + 1]) */
    const size_t *dstart;
    const lc_xy *dxy;         /* the demand points themselves (the same rows) */
    const double *dw;         /* DEMAND_BUILDINGS: each point's share of its compound's residents */
    const long *dsrc;         /* DEMAND_BUILDINGS: each point's building (index in the buildings layer) */
    const lc_layer *bld;      /* the buildings layer, or NULL */
    const unsigned char *dkind; /* network mode: how polygon i's residents walk (DEMAND_*) */
    double grid_m;            /* network mode: spacing of DEMAND_GRID points */
    int cells_only;           /* straight-line mode: no gaps, no life-circle shares */
    category_reach *cats;
    size_t ncat;
    long gcol0, grow0;        /* network mode: the tiles of every category: first column and row, */
    size_t gcols, grows;      /* how many */
    lc_coverage *cov;
    pthread_mutex_t lock;     /* guards the fields below */
    size_t next;              /* next task to take */
    size_t done;              /* tasks finished */
    int failed;               /* set once; stops every worker */
    size_t failed_task;
    size_t failed_detail;     /* the failing category, or NO_CATEGORY */
    lc_status failed_status;
    char failed_msg[256];     /* the reason (GEOS's message for geometry failures), "" when none */
} job;

/* One thread's share of a job: its own GEOS handle (made before any worker starts) and the last
 * error message GEOS reported on it; its own context for the network calls (the caller's for
 * worker 0); scratch space for the runs near a polygon or tile. */
typedef struct worker_state {
    job *jb;
    GEOSContextHandle_t h;
    lc_context *ctx;
    int own_ctx;              /* ctx was made for this worker */
    char msg[256];
    size_t detail;
    lc_status status;
    uint32_t *ids;            /* candidate runs */
    size_t ids_cap;
    lc_seg *segs;             /* the runs near the current polygon or square, category after category */
    size_t segs_cap;
    size_t *poff, *pcnt;      /* per category: where its runs start in segs, how many */
    GEOSGeometry **u;         /* per category: polygon ∩ its service area (SOME), or its part of the
                                 current square; NULL */
    unsigned char *kind, *own;/* per category: REACH_NONE/WHOLE/SOME (for a square: whether it is one
                                 of the category's); whether u is this category's to free */
    size_t counts[4];         /* cells with no runs near, whole, as an earlier category, cut from squares */
} worker_state;

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
    /* The facilities within r of the box in x, in index order (the order the parts are unioned in). */
    /* Widened by far more than the rounding of minx − r can miss: the exact test below decides. */
    double slack = 1e-9 * (1 + c->r + fabs(box.minx) + fabs(box.maxx));
    size_t b0 = lower_x(c, box.minx - c->r - slack), b1 = b0, nb = 0;
    while (b1 < c->n && c->xs[b1] <= box.maxx + c->r + slack)
        b1++;
    size_t *band = malloc((b1 > b0 ? b1 - b0 : 1) * sizeof *band);
    if (!band) {
        free(parts);
        *failed = 1;
        return NULL;
    }
    for (size_t pos = b0; pos < b1; pos++)
        band[nb++] = c->byx[pos];
    qsort(band, nb, sizeof *band, cmp_size);
    for (size_t j = 0; j < nb; j++) {
        size_t k = band[j];
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
            for (size_t q = 0; q < n; q++)
                GEOSGeom_destroy_r(h, parts[q]);
            free(parts);
            free(band);
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
    free(band);
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

/* Straight-line mode task: computes every category for residential polygon i with the worker's GEOS
 * handle, writing only polygon i's slots of jb->cov. Returns 0, or -1 with the failing category in
 * w->detail (NO_CATEGORY when the demand point failed); the slots already written are then released
 * with the coverage. */
static int polygon_coverage(worker_state *w, size_t i)
{
    GEOSContextHandle_t h = w->h;
    job *jb = w->jb;
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
    GEOSGeometry *circle = NULL; /* polygon ∩ every life-circle category's reach so far */
    GEOSGeometry *reach = NULL;  /* the current category's reach near the polygon */
    int circle_empty = 0, any_circle = 0;
    size_t c = 0, circle_cat = 0; /* circle_cat: the last life-circle category */
    for (; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        int whole = 0, failed = 0;
        nearest(cr, px, py, &cell->distance_m, &cell->nearest);
        reach = local_reach(h, cr, box, &whole, &failed);
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
        if (share < 1 - 1e-12 && !jb->cells_only) {
            cov->gaps[i * jb->ncat + c] = reach ? GEOSDifference_r(h, f->geom, reach) : GEOSGeom_clone_r(h, f->geom);
            if (!cov->gaps[i * jb->ncat + c])
                goto fail;
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle && !jb->cells_only) {
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
    w->status = LC_ERR_GEOMETRY;
    return -1;
}

/* Makes room for need elements in a worker's scratch array *p of *cap; 0, or -1 out of memory. */
static int scratch(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;
    return (p > q) - (p < q);
}

/* Bucket column or row of coordinate v (offset from the extent's corner), clamped to 0 .. n-1. */
static size_t bucket_of(double v, double size, size_t n)
{
    double b = floor(v / size);
    return b < 0 ? 0 : b >= (double)n ? n - 1 : (size_t)b;
}

/* The polygon ∩ category c's service area, from the service tiles its box meets (each tile's part
 * cut out separately: they only touch); NULL when empty, *failed on failure. Caller frees. */
static GEOSGeometry *tiles_near(GEOSContextHandle_t h, const category_reach *c, const GEOSGeometry *poly,
                                lc_bbox box, int *failed)
{
    if (!c->tiles || box.maxx < c->extent.minx || box.minx > c->extent.maxx || box.maxy < c->extent.miny ||
        box.miny > c->extent.maxy)
        return NULL;
    double ox = (double)c->tcol0 * SERVICE_TILE_M, oy = (double)c->trow0 * SERVICE_TILE_M;
    size_t x0 = bucket_of(box.minx - ox, SERVICE_TILE_M, c->tx), x1 = bucket_of(box.maxx - ox, SERVICE_TILE_M, c->tx),
           y0 = bucket_of(box.miny - oy, SERVICE_TILE_M, c->ty), y1 = bucket_of(box.maxy - oy, SERVICE_TILE_M, c->ty);
    GEOSGeometry *acc = NULL;
    for (size_t ty = y0; ty <= y1; ty++)
        for (size_t tx = x0; tx <= x1; tx++) {
            const GEOSGeometry *tile = c->tiles[ty * c->tx + tx];
            if (!tile)
                continue;
            GEOSGeometry *copy = GEOSGeom_clone_r(h, tile);
            GEOSGeometry *x = copy ? GEOSIntersection_r(h, poly, copy) : NULL;
            if (copy)
                GEOSGeom_destroy_r(h, copy);
            if (!x) {
                *failed = 1;
                break;
            }
            if (GEOSisEmpty_r(h, x) == 1) {
                GEOSGeom_destroy_r(h, x);
                continue;
            }
            if (!acc) {
                acc = x;
                continue;
            }
            GEOSGeometry *u = GEOSUnion_r(h, acc, x);
            GEOSGeom_destroy_r(h, x);
            GEOSGeom_destroy_r(h, acc);
            if (!(acc = u)) {
                *failed = 1;
                break;
            }
        }
    if (*failed && acc) {
        GEOSGeom_destroy_r(h, acc);
        acc = NULL;
    }
    return acc;
}

/* Puts into w->segs from index `at` the runs of c that come within c->width of box, cut to box grown
 * by width (which leaves their corridor inside box unchanged) and sorted, so equal sets compare equal.
 * Returns how many, or -1 out of memory. */
static long local_runs(worker_state *w, const category_reach *c, lc_bbox box, size_t at)
{
    lc_bbox g = {box.minx - c->width, box.miny - c->width, box.maxx + c->width, box.maxy + c->width};
    if (!c->nruns || g.minx > c->extent.maxx || g.maxx < c->extent.minx || g.miny > c->extent.maxy ||
        g.maxy < c->extent.miny)
        return 0;
    size_t x0 = bucket_of(g.minx - c->extent.minx, c->gsize, c->gnx),
           x1 = bucket_of(g.maxx - c->extent.minx, c->gsize, c->gnx),
           y0 = bucket_of(g.miny - c->extent.miny, c->gsize, c->gny),
           y1 = bucket_of(g.maxy - c->extent.miny, c->gsize, c->gny);
    size_t nid = 0;
    for (size_t by = y0; by <= y1; by++)
        for (size_t bx = x0; bx <= x1; bx++) {
            size_t b = by * c->gnx + bx, k0 = c->gstart[b], k1 = c->gstart[b + 1];
            if (scratch((void **)&w->ids, &w->ids_cap, nid + (k1 - k0), sizeof *w->ids))
                return -1;
            for (size_t k = k0; k < k1; k++)
                w->ids[nid++] = c->gitem[k];
        }
    if (nid == 0)
        return 0;
    qsort(w->ids, nid, sizeof *w->ids, cmp_u32);
    if (scratch((void **)&w->segs, &w->segs_cap, at + nid, sizeof *w->segs))
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < nid; k++) {
        if (k && w->ids[k] == w->ids[k - 1])
            continue;
        lc_seg s = c->runs[w->ids[k]];
        if (lc_corridor_clip(&s, g))
            w->segs[at + n++] = s;
    }
    lc_corridor_sort(w->segs + at, n);
    return (long)n;
}

/* Network mode task for a compound with entrances: its residents walk out through them, so for
 * each category it is covered whole (share 1) when its best entrance is within reach, else not at
 * all (share 0, the whole polygon a gap); in the whole life circle likewise when every life-circle
 * category is within reach of some entrance. Writes only polygon i's slots. */
static int entrance_polygon(worker_state *w, size_t i)
{
    job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population;
    int any_circle = 0, circle = 1;
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        int in = cr->ndist[i] <= cr->r;
        cell->covered_share = in;
        cell->covered_pop = in ? pop : 0;
        if (!in && !(cov->gaps[i * jb->ncat + c] = GEOSGeom_clone_r(w->h, f->geom))) {
            w->detail = c;
            return -1;
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle &= in;
        }
    }
    cov->circle[i] = any_circle ? circle : NAN;
    return 0;
}

/* The part of polygon f out of reach on a demand grid: the union of the grid cells (side g) of the
 * points not within reach (in[k] == 0 for k in [from, to)), cut to the polygon. NULL on failure. */
static GEOSGeometry *grid_gap(GEOSContextHandle_t h, const lc_feature *f, const lc_xy *pts, const unsigned char *in,
                              size_t from, size_t to, double g)
{
    size_t n = 0;
    for (size_t k = from; k < to; k++)
        n += !in[k];
    GEOSGeometry **cells = malloc((n ? n : 1) * sizeof *cells);
    if (!cells)
        return NULL;
    size_t made = 0;
    int ok = 1;
    for (size_t k = from; k < to && ok; k++)
        if (!in[k]) {
            lc_xy p = pts[k];
            ok = (cells[made] = GEOSGeom_createRectangle_r(h, p.x - g / 2, p.y - g / 2, p.x + g / 2, p.y + g / 2)) != NULL;
            made += ok;
        }
    GEOSGeometry *coll = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, cells, (unsigned)made) : NULL;
    for (size_t k = 0; !ok && k < made; k++)
        GEOSGeom_destroy_r(h, cells[k]);
    free(cells);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    GEOSGeometry *gap = u ? GEOSIntersection_r(h, f->geom, u) : NULL;
    if (u)
        GEOSGeom_destroy_r(h, u);
    return gap;
}

/* Network mode task for a compound walked from grid points: for each category its covered share is
 * the share of its points within reach (its residents split evenly over them), its distance that of
 * its nearest point, its gap the grid cells of the points out of reach; in the whole life circle the
 * share of points within reach of every life-circle category. Writes only polygon i's slots. */
static int grid_polygon(worker_state *w, size_t i)
{
    job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population;
    size_t from = jb->dstart[i], to = jb->dstart[i + 1], np = to - from, all = 0;
    int any_circle = 0;
    for (size_t k = from; k < to; k++) {
        int every = 1;
        for (size_t c = 0; c < jb->ncat; c++)
            if (lc_profile_category(jb->profile, c)->in_life_circle)
                any_circle = 1, every &= jb->cats[c].pin[k];
        all += (size_t)every;
    }
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        size_t in = 0;
        for (size_t k = from; k < to; k++)
            in += cr->pin[k];
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        cell->covered_share = np ? (double)in / (double)np : 0;
        cell->covered_pop = pop * cell->covered_share;
        if (in < np) {
            GEOSGeometry **gap = &cov->gaps[i * jb->ncat + c];
            *gap = in ? grid_gap(w->h, f, jb->dxy, cr->pin, from, to, jb->grid_m) : GEOSGeom_clone_r(w->h, f->geom);
            if (!*gap) {
                w->detail = c;
                return -1;
            }
        }
    }
    cov->circle[i] = any_circle ? (np ? (double)all / (double)np : 0) : NAN;
    return 0;
}

/* Network mode task for a compound walked from its buildings: for each category its covered share is
 * the share of its residents in buildings within reach (dw), its distance that of its nearest
 * building, its gap the footprints of the buildings out of reach (cut to the compound); in the whole
 * life circle likewise for buildings within reach of every life-circle category. Writes only
 * polygon i's slots. */
static int building_polygon(worker_state *w, size_t i)
{
    GEOSContextHandle_t h = w->h;
    job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population, all = 0;
    size_t from = jb->dstart[i], to = jb->dstart[i + 1];
    int any_circle = 0;
    for (size_t k = from; k < to; k++) {
        int every = 1;
        for (size_t c = 0; c < jb->ncat; c++)
            if (lc_profile_category(jb->profile, c)->in_life_circle)
                any_circle = 1, every &= jb->cats[c].pin[k];
        all += every ? jb->dw[k] : 0;
    }
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        double in = 0;
        size_t out = 0;
        for (size_t k = from; k < to; k++) {
            in += cr->pin[k] ? jb->dw[k] : 0;
            out += !cr->pin[k];
        }
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        cell->covered_share = fmin(1.0, in);
        cell->covered_pop = pop * cell->covered_share;
        if (!out)
            continue;
        GEOSGeometry **parts = malloc(out * sizeof *parts), *gap = NULL;
        size_t made = 0;
        int ok = parts != NULL;
        for (size_t k = from; k < to && ok; k++)
            if (!cr->pin[k]) {
                ok = (parts[made] = GEOSGeom_clone_r(h, lc_layer_feature(jb->bld, (size_t)jb->dsrc[k])->geom)) != NULL;
                made += ok;
            }
        GEOSGeometry *coll = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)made) : NULL;
        for (size_t k = 0; !ok && k < made; k++)
            GEOSGeom_destroy_r(h, parts[k]);
        free(parts);
        GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
        if (coll)
            GEOSGeom_destroy_r(h, coll);
        if (u) {
            gap = GEOSIntersection_r(h, f->geom, u);
            GEOSGeom_destroy_r(h, u);
        }
        if (!gap) {
            w->detail = c;
            return -1;
        }
        cov->gaps[i * jb->ncat + c] = gap;
    }
    cov->circle[i] = any_circle ? fmin(1.0, all) : NAN;
    return 0;
}

/* What a category's corridor does near a polygon. */
enum { REACH_NONE = 0, REACH_WHOLE = 1, REACH_SOME = 2 };

/* Network mode task: every category for residential polygon i, from the runs near it: none → share
 * 0; shown to hold the polygon's box → 1; the same runs as an earlier category → that category's
 * results; otherwise the polygon cut from the service-area squares it meets (tiles_near). Writes only
 * polygon i's slots. Returns 0, or -1 with the failing category in w->detail. */
static int network_polygon(worker_state *w, size_t i)
{
    GEOSContextHandle_t h = w->h;
    job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    if (jb->dkind[i] == DEMAND_ENTRANCES)
        return entrance_polygon(w, i);
    if (jb->dkind[i] == DEMAND_GRID)
        return grid_polygon(w, i);
    if (jb->dkind[i] == DEMAND_BUILDINGS)
        return building_polygon(w, i);
    lc_bbox box;
    GEOSGeom_getExtent_r(h, f->geom, &box.minx, &box.miny, &box.maxx, &box.maxy);
    double pop = isnan(f->population) ? 0 : f->population;
    GEOSGeometry *circle = NULL; /* polygon ∩ every life-circle category's corridor so far */
    int circle_empty = 0, any_circle = 0, ok = 0;
    size_t used = 0, c = 0, circle_cat = 0;
    w->status = LC_ERR_GEOMETRY;
    for (c = 0; c < jb->ncat; c++) {
        w->u[c] = NULL;
        w->own[c] = 0;
        w->kind[c] = REACH_NONE;
    }
    for (c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        GEOSGeometry **gap = &cov->gaps[i * jb->ncat + c];
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        long n = local_runs(w, cr, box, used);
        if (n < 0) {
            w->status = LC_ERR_NOMEM;
            goto fail;
        }
        w->poff[c] = used;
        w->pcnt[c] = (size_t)n;
        used += (size_t)n;
        const lc_seg *s = w->segs + w->poff[c];
        double share = 0;
        size_t same = c;
        for (size_t k = 0; n && k < c && same == c; k++)
            if (w->pcnt[k] == (size_t)n && !memcmp(w->segs + w->poff[k], s, (size_t)n * sizeof *s))
                same = k;
        w->counts[same < c ? 2 : n == 0 ? 0 : 3]++;
        if (same < c) {
            w->kind[c] = w->kind[same];
            w->u[c] = w->u[same];
            share = cov->cells[i * jb->ncat + same].covered_share;
            const GEOSGeometry *g = cov->gaps[i * jb->ncat + same];
            if (g && !(*gap = GEOSGeom_clone_r(h, g)))
                goto fail;
        } else if (n == 0) {
            if (!(*gap = GEOSGeom_clone_r(h, f->geom)))
                goto fail;
        } else if (lc_corridor_covers_box(s, (size_t)n, box, cr->width, NET_QUADSEGS)) {
            w->kind[c] = REACH_WHOLE;
            w->counts[3]--;
            w->counts[1]++;
            share = 1;
        } else {
            int failed = 0;
            w->kind[c] = REACH_SOME;
            w->own[c] = 1;
            w->u[c] = tiles_near(h, cr, f->geom, box, &failed);
            if (failed)
                goto fail;
            double a = 0;
            if (w->u[c] && !GEOSArea_r(h, w->u[c], &a))
                goto fail;
            if (!w->u[c])
                w->kind[c] = REACH_NONE;
            share = f->area > 0 ? fmin(1.0, a / f->area) : 0;
            if (share < 1 - 1e-12 &&
                !(*gap = w->u[c] ? GEOSDifference_r(h, f->geom, w->u[c]) : GEOSGeom_clone_r(h, f->geom)))
                goto fail;
        }
        cell->covered_share = share;
        cell->covered_pop = pop * share;
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle_cat = c;
            if (w->kind[c] == REACH_NONE || circle_empty) {
                circle_empty = 1;
            } else if (w->kind[c] == REACH_SOME) {
                GEOSGeometry *next = GEOSIntersection_r(h, circle ? circle : f->geom, w->u[c]);
                if (!next)
                    goto fail;
                if (circle)
                    GEOSGeom_destroy_r(h, circle);
                circle = next;
            }
        }
    }
    double ca = f->area; /* every life-circle category holds the whole box: the whole polygon */
    c = circle_cat;
    if (circle && !circle_empty && !GEOSArea_r(h, circle, &ca))
        goto fail;
    cov->circle[i] = !any_circle ? NAN : circle_empty || f->area <= 0 ? 0 : fmin(1.0, ca / f->area);
    ok = 1;
fail:
    for (size_t k = 0; k < jb->ncat; k++)
        if (w->own[k] && w->u[k])
            GEOSGeom_destroy_r(h, w->u[k]);
    if (circle)
        GEOSGeom_destroy_r(h, circle);
    if (ok)
        return 0;
    w->detail = c;
    return -1;
}

/* Keeps GEOS's error message on a worker's handle (GEOSMessageHandler_r; userdata: its
 * worker_state), so a failure can be reported with GEOS's reason. */
static void worker_geos_error(const char *message, void *userdata)
{
    worker_state *w = userdata;
    snprintf(w->msg, sizeof w->msg, "%s", message ? message : "");
}

/* Takes tasks one at a time until none are left or one has failed, running each with the thread's own
 * GEOS handle w->h. Each residential polygon, category or tile is written by the one thread that took
 * it; what every thread reads (the residential polygons, the reach circles, the runs and their grid)
 * is only read: the circles are only cloned (their envelopes were cached before the threads started,
 * so cloning writes nothing into them); no prepared geometry or STRtree is shared. report: the
 * context to report progress through ("coverage", at each whole percent), for the thread that owns it;
 * NULL for the others and for the steps before the polygons. */
static void work(worker_state *w, lc_context *report)
{
    job *jb = w->jb;
    size_t total = jb->total, reported = 0;
    for (;;) {
        pthread_mutex_lock(&jb->lock);
        size_t i = jb->next++;
        int stop = jb->failed || i >= total;
        size_t done = jb->done;
        pthread_mutex_unlock(&jb->lock);
        if (report && total && done * 100 / total > reported) {
            reported = done * 100 / total;
            lc_progress(report, jb->stage ? jb->stage : "coverage", (double)done / (double)total);
        }
        if (stop)
            break;
        w->msg[0] = '\0';
        w->detail = NO_CATEGORY;
        w->status = LC_ERR_GEOMETRY;
        int rc = jb->fn(w, i);
        pthread_mutex_lock(&jb->lock);
        if (rc == 0) {
            jb->done++;
        } else if (!jb->failed) {
            jb->failed = 1;
            jb->failed_task = i;
            jb->failed_detail = w->detail;
            jb->failed_status = w->status;
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

/* Runs total tasks of fn on nthreads threads, this one included (it alone reports progress when
 * report is set: the context belongs to it). Returns 0, or -1 when a task failed (jb->failed_*). */
static int run_job(job *jb, worker_state *ws, size_t nthreads, task_fn fn, size_t total, lc_context *report)
{
    jb->fn = fn;
    jb->total = total;
    jb->next = jb->done = 0;
    jb->failed = 0;
    pthread_t threads[MAX_THREADS];
    size_t started = 0;
    for (size_t t = 1; t < nthreads && t < total; t++) /* one that cannot start leaves its share */
        if (pthread_create(&threads[started], NULL, worker, &ws[t]) == 0)
            started++;
    work(&ws[0], report);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    return jb->failed ? -1 : 0;
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

static void reach_free(lc_context *ctx, category_reach *c)
{
    for (size_t k = 0; c->buffer && k < c->n; k++)
        GEOSGeom_destroy_r(lc_ctx_geos(ctx), c->buffer[k]);
    for (size_t k = 0; c->tiles && k < c->tx * c->ty; k++)
        if (c->tiles[k])
            GEOSGeom_destroy_r(lc_ctx_geos(ctx), c->tiles[k]);
    free(c->tiles);
    free(c->runs);
    free(c->gstart);
    free(c->gitem);
    free(c->ndist);
    free(c->nnear);
    free(c->pin);
    free(c->buffer);
    free(c->byx);
    free(c->xs);
    free(c->x);
    free(c->y);
    free(c->index);
}

/* Lists every run of c in the buckets of the grid its chunks (pieces no longer than a bucket) touch,
 * so a query over a box reads only a few buckets however long the runs. LC_OK or LC_ERR_NOMEM. */
static lc_status run_grid(lc_context *ctx, category_reach *c)
{
    c->extent = (lc_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t k = 0; k < c->nruns; k++) {
        const lc_seg *s = &c->runs[k];
        c->extent.minx = fmin(c->extent.minx, fmin(s->ax, s->bx) - c->width);
        c->extent.miny = fmin(c->extent.miny, fmin(s->ay, s->by) - c->width);
        c->extent.maxx = fmax(c->extent.maxx, fmax(s->ax, s->bx) + c->width);
        c->extent.maxy = fmax(c->extent.maxy, fmax(s->ay, s->by) + c->width);
    }
    c->gsize = fmax(100.0, 2 * c->width);
    c->gnx = (size_t)ceil((c->extent.maxx - c->extent.minx) / c->gsize);
    c->gny = (size_t)ceil((c->extent.maxy - c->extent.miny) / c->gsize);
    c->gnx = c->gnx ? c->gnx : 1;
    c->gny = c->gny ? c->gny : 1;
    c->gstart = lc_calloc(ctx, c->gnx * c->gny + 1, sizeof *c->gstart);
    if (!c->gstart)
        return LC_ERR_NOMEM;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            size_t sum = 0;
            for (size_t b = 0; b <= c->gnx * c->gny; b++) {
                size_t k = c->gstart[b];
                c->gstart[b] = sum;
                sum += k;
            }
            if (!(c->gitem = lc_malloc(ctx, (sum ? sum : 1) * sizeof *c->gitem)))
                return LC_ERR_NOMEM;
        }
        for (size_t k = 0; k < c->nruns; k++) {
            const lc_seg *s = &c->runs[k];
            double len = hypot(s->bx - s->ax, s->by - s->ay);
            size_t chunks = (size_t)ceil(len / c->gsize), last = SIZE_MAX;
            chunks = chunks ? chunks : 1;
            for (size_t j = 0; j < chunks; j++) {
                double t0 = (double)j / (double)chunks, t1 = (double)(j + 1) / (double)chunks;
                double xa = s->ax + t0 * (s->bx - s->ax), xb = s->ax + t1 * (s->bx - s->ax);
                double ya = s->ay + t0 * (s->by - s->ay), yb = s->ay + t1 * (s->by - s->ay);
                size_t x0 = bucket_of(fmin(xa, xb) - c->extent.minx, c->gsize, c->gnx),
                       x1 = bucket_of(fmax(xa, xb) - c->extent.minx, c->gsize, c->gnx),
                       y0 = bucket_of(fmin(ya, yb) - c->extent.miny, c->gsize, c->gny),
                       y1 = bucket_of(fmax(ya, yb) - c->extent.miny, c->gsize, c->gny);
                for (size_t by = y0; by <= y1; by++)
                    for (size_t bx = x0; bx <= x1; bx++) {
                        size_t b = by * c->gnx + bx;
                        if (b == last) /* consecutive chunks in one bucket: listed once */
                            continue;
                        if (pass == 0)
                            c->gstart[b]++;
                        else
                            c->gitem[c->gstart[b]++] = (uint32_t)k;
                        last = b;
                    }
            }
        }
    }
    /* The fill advanced each start to the next bucket's: shift back. */
    for (size_t b = c->gnx * c->gny; b > 0; b--)
        c->gstart[b] = c->gstart[b - 1];
    c->gstart[0] = 0;
    return LC_OK;
}

/* Appends p to the line being built (pts[*n - 1] is its last point): where the line runs straight on
 * through its last point (exactly collinear, same direction) that point is moved instead, so a straight
 * street reached over many edges is one segment. LC_OK or LC_ERR_NOMEM. */
static lc_status line_push(lc_context *ctx, lc_xy **pts, size_t *n, size_t *cap, size_t line_start, lc_xy p)
{
    if (*n - line_start >= 2) {
        lc_xy a = (*pts)[*n - 2], b = (*pts)[*n - 1];
        double ux = b.x - a.x, uy = b.y - a.y, vx = p.x - b.x, vy = p.y - b.y;
        if (ux * vy - uy * vx == 0 && ux * vx + uy * vy > 0) {
            (*pts)[*n - 1] = p;
            return LC_OK;
        }
    }
    if (lc_grow(ctx, (void **)pts, cap, *n + 1, sizeof **pts) != LC_OK)
        return LC_ERR_NOMEM;
    (*pts)[(*n)++] = p;
    return LC_OK;
}

/* A line of catchment streets while they are built: its facility and its points in the scratch. */
typedef struct street_run {
    size_t facility, start, n;
} street_run;

/* The chaining state of catchment_streets. */
typedef struct street_chain {
    lc_context *ctx;
    size_t nfac;
    street_share *shares;
    street_run *runs;
    size_t nr, rcap;
    lc_xy *pts;
    size_t npts, pcap;
} street_chain;

/* Takes one piece (lc_network_piece_fn): a piece of the same facility as the one before it, starting
 * exactly where that one ended, continues its line; any other starts a new one. */
static int chain_piece(const lc_network_piece *p, lc_xy a, lc_xy b, void *user)
{
    street_chain *c = user;
    if (p->id < 0 || (size_t)p->id >= c->nfac)
        return 0;
    size_t f = (size_t)p->id;
    c->shares[f].length += p->hi - p->lo;
    c->shares[f].in_reach += p->in_reach_m;
    street_run *last = c->nr ? &c->runs[c->nr - 1] : NULL;
    if (!last || last->facility != f || c->pts[c->npts - 1].x != a.x || c->pts[c->npts - 1].y != a.y) {
        if (c->nr == c->rcap && lc_grow(c->ctx, (void **)&c->runs, &c->rcap, c->nr + 1, sizeof *c->runs) != LC_OK)
            return -1;
        c->runs[c->nr++] = (street_run){f, c->npts, 0};
        last = &c->runs[c->nr - 1];
        if (line_push(c->ctx, &c->pts, &c->npts, &c->pcap, last->start, a) != LC_OK)
            return -1;
    }
    if (line_push(c->ctx, &c->pts, &c->npts, &c->pcap, last->start, b) != LC_OK)
        return -1;
    last->n = c->npts - last->start;
    return 0;
}

/* One category's catchment streets from its reach (unbounded), on a worker: the edge pieces nearest
 * each facility (lc_network_reach_each_piece, never all kept) chained in one pass in edge order — a
 * road line's edges are numbered in a row, so a street within one catchment becomes one line — then
 * the lines grouped by facility (a stable counting sort: few lines, every pass reading memory in
 * order). Writes lines and the shares of the category's facilities (ids: their indexes in the layer,
 * n of them, ascending; lengths summed in edge order). LC_OK or LC_ERR_NOMEM. */
static lc_status catchment_streets(lc_context *ctx, const lc_network_reach *reach, double r, size_t category,
                                   const long *ids, size_t n, size_t nfac, street_lines *lines, street_share *shares)
{
    street_chain c = {.ctx = ctx, .nfac = nfac, .shares = shares};
    size_t *first = NULL, *order = NULL;
    for (size_t j = 0; j < n; j++)
        shares[ids[j]] = (street_share){.category = category};
    lc_status st = lc_network_reach_each_piece(ctx, reach, r, chain_piece, &c);
    if (st != LC_OK)
        goto done;
    /* Group the lines by facility, keeping their order. */
    st = LC_ERR_NOMEM;
    first = lc_calloc(ctx, nfac + 1, sizeof *first);
    order = lc_malloc(ctx, (c.nr ? c.nr : 1) * sizeof *order);
    lines->pts = lc_malloc(ctx, (c.npts ? c.npts : 1) * sizeof *lines->pts);
    lines->start = lc_malloc(ctx, (c.nr + 1) * sizeof *lines->start);
    if (!first || !order || !lines->pts || !lines->start)
        goto done;
    for (size_t k = 0; k < c.nr; k++)
        first[c.runs[k].facility + 1]++;
    for (size_t f = 0; f < nfac; f++)
        first[f + 1] += first[f];
    for (size_t k = 0; k < c.nr; k++)
        order[first[c.runs[k].facility]++] = k;
    size_t line = 0, at = 0;
    for (size_t j = 0, q = 0; j < n; j++) {
        street_share *sh = &shares[ids[j]];
        sh->first = line;
        for (; q < c.nr && c.runs[order[q]].facility == (size_t)ids[j]; q++, line++) {
            const street_run *ru = &c.runs[order[q]];
            lines->start[line] = at;
            memcpy(lines->pts + at, c.pts + ru->start, ru->n * sizeof *c.pts);
            at += ru->n;
        }
        sh->nlines = line - sh->first;
    }
    lines->start[line] = at;
    lines->nlines = line;
    st = line == c.nr ? LC_OK : lc_error(ctx, LC_ERR_MISUSE, "catchment streets: facility ids out of order");
done:
    if (st == LC_ERR_NOMEM)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory building the catchment streets of category %zu", category);
    free(c.runs);
    free(c.pts);
    free(first);
    free(order);
    return st;
}

/* Builds one category's reach step in network mode, on a worker (ctx and h are the worker's): its
 * facilities attached to the network, one multi-source shortest-path pass, every demand point's
 * distance and nearest facility, and the reachable parts of edges joined into runs on a bucket grid.
 * demand holds the residential polygons' attachments (npoly of them). */
static lc_status network_step(lc_context *ctx, GEOSContextHandle_t h, const lc_layer *fac, size_t category,
                              double r, const lc_network *net, const lc_network_rules *rules,
                              const lc_snap *demand, const size_t *dstart, size_t npoly, category_reach *out,
                              street_lines *lines, street_share *shares)
{
    lc_status st = LC_ERR_NOMEM;
    size_t n = 0, nseg = 0;
    for (size_t i = 0; i < lc_layer_count(fac); i++)
        n += lc_layer_feature(fac, i)->category == (int)category;
    out->network = 1;
    out->r = r;
    out->width = rules->buffer_m;
    lc_snap *snaps = lc_calloc(ctx, n ? n : 1, sizeof *snaps);
    long *ids = lc_calloc(ctx, n ? n : 1, sizeof *ids);
    lc_network_reach *reach = NULL;
    lc_xy *segs = NULL;
    out->ndist = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->ndist);
    out->nnear = lc_calloc(ctx, npoly ? npoly : 1, sizeof *out->nnear);
    out->pin = lc_calloc(ctx, dstart[npoly] ? dstart[npoly] : 1, 1);
    if (!snaps || !ids || !out->ndist || !out->nnear || !out->pin)
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
        out->off += snaps[out->n].edge < 0;
        ids[out->n++] = (long)i;
    }
    st = LC_ERR_NOMEM;
    if (!(reach = lc_network_reach_compute(ctx, net, snaps, ids, out->n, INFINITY)))
        goto fail;
    for (size_t i = 0; i < npoly; i++) { /* the nearest facility from the best of the polygon's points */
        out->ndist[i] = INFINITY;
        out->nnear[i] = -1;
        for (size_t k = dstart[i]; k < dstart[i + 1]; k++) {
            long near = -1;
            double d = lc_network_reach_distance(reach, &demand[k], &near);
            out->pin[k] = d <= r;
            if (d < out->ndist[i])
                out->ndist[i] = d, out->nnear[i] = near;
        }
    }
    double t0 = lc_seconds();
    if ((st = catchment_streets(ctx, reach, r, category, ids, out->n, lc_layer_count(fac), lines, shares)) != LC_OK)
        goto fail;
    out->streets_s = lc_seconds() - t0;
    if ((st = lc_network_reach_segments(ctx, reach, r, &segs, &nseg)) != LC_OK)
        goto fail;
    st = LC_ERR_NOMEM;
    if (nseg > UINT32_MAX || !(out->runs = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *out->runs)))
        goto fail;
    for (size_t k = 0; k < nseg; k++)
        out->runs[k] = (lc_seg){segs[2 * k].x, segs[2 * k].y, segs[2 * k + 1].x, segs[2 * k + 1].y};
    out->nruns = lc_corridor_join(out->runs, nseg);
    if (out->nruns && (st = run_grid(ctx, out)) != LC_OK)
        goto fail;
    if (out->nruns) {
        out->tcol0 = (long)floor(out->extent.minx / SERVICE_TILE_M);
        out->trow0 = (long)floor(out->extent.miny / SERVICE_TILE_M);
        out->tx = (size_t)((long)floor(out->extent.maxx / SERVICE_TILE_M) - out->tcol0 + 1);
        out->ty = (size_t)((long)floor(out->extent.maxy / SERVICE_TILE_M) - out->trow0 + 1);
        if (!(out->tiles = lc_calloc(ctx, out->tx * out->ty, sizeof *out->tiles)))
            goto fail;
    }
    st = LC_OK;
fail:
    free(segs);
    lc_network_reach_destroy(reach);
    free(snaps);
    free(ids);
    return st;
}

/* Task: network_step for category i on the worker's context. */
static int network_task(worker_state *w, size_t i)
{
    job *jb = w->jb;
    lc_status st = network_step(w->ctx, w->h, jb->fac, i, jb->cov->reach[i], jb->net, jb->rules, jb->demand, jb->dstart,
                                jb->cov->npoly, &jb->cats[i], &jb->cov->streets[i], jb->cov->shares);
    if (st == LC_OK)
        return 0;
    w->status = st;
    w->detail = i;
    snprintf(w->msg, sizeof w->msg, "%s", lc_context_errmsg(w->ctx));
    return -1;
}

/* Task: square i of the tile grid, for every category that has it: the part of the category's corridor
 * inside it, NULL when there is none; a category with the same runs near the square as an earlier one
 * gets a copy of that one's part (categories with the same reach share most squares whole or empty,
 * and many partial ones along the edges of the network). Envelopes are cached here, so the polygon
 * workers that clone the parts later only read them. */
static int tile_task(worker_state *w, size_t i)
{
    job *jb = w->jb;
    long col = jb->gcol0 + (long)(i % jb->gcols), row = jb->grow0 + (long)(i / jb->gcols);
    double x = (double)col * SERVICE_TILE_M, y = (double)row * SERVICE_TILE_M;
    lc_bbox box = {x, y, x + SERVICE_TILE_M, y + SERVICE_TILE_M};
    GEOSGeometry **made = w->u; /* per category: its part of this square, for the later ones */
    size_t used = 0;
    for (size_t c = 0; c < jb->ncat; c++) {
        category_reach *cr = &jb->cats[c];
        made[c] = NULL;
        w->pcnt[c] = 0;
        w->kind[c] = 0; /* 1: this square is one of the category's */
        if (!cr->tiles || col < cr->tcol0 || row < cr->trow0 || col >= cr->tcol0 + (long)cr->tx ||
            row >= cr->trow0 + (long)cr->ty)
            continue;
        w->kind[c] = 1;
        w->detail = c;
        long n = local_runs(w, cr, box, used);
        if (n < 0) {
            w->status = LC_ERR_NOMEM;
            return -1;
        }
        w->poff[c] = used;
        w->pcnt[c] = (size_t)n;
        used += (size_t)n;
        const lc_seg *s = w->segs + w->poff[c];
        size_t same = c;
        for (size_t k = 0; n && k < c && same == c; k++)
            if (w->kind[k] && w->pcnt[k] == (size_t)n && cr->width == jb->cats[k].width &&
                !memcmp(w->segs + w->poff[k], s, (size_t)n * sizeof *s))
                same = k;
        GEOSGeometry *piece = NULL;
        if (same < c) {
            if (made[same] && !(piece = GEOSGeom_clone_r(w->h, made[same])))
                return -1;
        } else {
            int failed = 0;
            piece = lc_corridor_in_box(w->h, s, (size_t)n, box, cr->width, NET_QUADSEGS, &failed);
            if (failed)
                return -1;
        }
        /* The compounds' workers read (clone) the piece next: its lazy caches are filled here. */
        lc_geom_cache_for_threads(w->h, piece);
        made[c] = piece;
        cr->tiles[(size_t)(row - cr->trow0) * cr->tx + (size_t)(col - cr->tcol0)] = piece;
    }
    return 0;
}

/* How far from its compound an entrance without a compound id may lie and still be taken as its. */
#define ENTRANCE_SNAP_M 30.0

/* A residential polygon's id and index, sorted by id to find an entrance's compound by its id. */
typedef struct polygon_id {
    const char *id;
    size_t index;
} polygon_id;

static int cmp_polygon_id(const void *a, const void *b)
{
    return strcmp(((const polygon_id *)a)->id, ((const polygon_id *)b)->id);
}

/* STRtree query callback: appends the polygon index (item − 1) to a growing list. */
typedef struct index_list {
    size_t n, cap;
    size_t *idx;
    int nomem;
} index_list;

static void collect_index(void *item, void *userdata)
{
    index_list *l = userdata;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        size_t *p = realloc(l->idx, cap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return;
        }
        l->idx = p, l->cap = cap;
    }
    l->idx[l->n++] = (size_t)(uintptr_t)item - 1;
}

/* The residential polygon an entrance belongs to: the one its compound field names, else the
 * nearest within ENTRANCE_SNAP_M (STRtree of the polygons). -1 when none, -2 out of memory. */
static long entrance_compound(GEOSContextHandle_t h, const lc_layer *res, const polygon_id *by_id,
                              GEOSSTRtree *tree, const lc_feature *e)
{
    size_t n = lc_layer_count(res);
    if (e->compound && *e->compound) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(by_id[mid].id, e->compound);
            if (c == 0)
                return (long)by_id[mid].index;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    double x, y;
    GEOSGeomGetX_r(h, e->geom, &x);
    GEOSGeomGetY_r(h, e->geom, &y);
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x - ENTRANCE_SNAP_M, y - ENTRANCE_SNAP_M, x + ENTRANCE_SNAP_M,
                                                   y + ENTRANCE_SNAP_M);
    if (!box)
        return -1;
    index_list hits = {0, 0, NULL, 0};
    GEOSSTRtree_query_r(h, tree, box, collect_index, &hits);
    GEOSGeom_destroy_r(h, box);
    if (hits.nomem) {
        free(hits.idx);
        return -2;
    }
    long best = -1; /* the nearest within ENTRANCE_SNAP_M; the lowest index among equals */
    double bestd = ENTRANCE_SNAP_M;
    for (size_t k = 0; k < hits.n; k++) {
        double d;
        long i = (long)hits.idx[k];
        if (GEOSDistance_r(h, lc_layer_feature(res, (size_t)i)->geom, e->geom, &d) && d <= bestd &&
            (d < bestd || best < 0 || i < best))
            best = i, bestd = d;
    }
    free(hits.idx);
    return best;
}

/* Appends point p to a growing list. 0, or -1 out of memory. */
static int push_xy(lc_xy **v, size_t *n, size_t *cap, lc_xy p)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        lc_xy *q = realloc(*v, c * sizeof *q);
        if (!q)
            return -1;
        *v = q, *cap = c;
    }
    (*v)[(*n)++] = p;
    return 0;
}

/* Points of a square grid g apart (anchored on multiples of g) strictly inside polygon f, appended
 * to the list; how many, or -1 on failure. */
static long grid_points(GEOSContextHandle_t h, const lc_feature *f, double g, lc_xy **v, size_t *n, size_t *cap)
{
    double minx, miny, maxx, maxy;
    const GEOSPreparedGeometry *pg = NULL;
    if (!GEOSGeom_getExtent_r(h, f->geom, &minx, &miny, &maxx, &maxy) || !(pg = GEOSPrepare_r(h, f->geom)))
        return -1;
    long added = 0;
    for (double y = ceil(miny / g) * g; y <= maxy && added >= 0; y += g)
        for (double x = ceil(minx / g) * g; x <= maxx && added >= 0; x += g) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
            int inside = pt ? GEOSPreparedContains_r(h, pg, pt) : 2;
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (inside == 2 || (inside == 1 && push_xy(v, n, cap, (lc_xy){x, y})))
                added = -1;
            else
                added += inside == 1;
        }
    GEOSPreparedGeom_destroy_r(h, pg);
    return added;
}

/* The demand points of network mode, attached to the network. A compound with entrances (the
 * inputs' entrances layer) walks from them: covered whole when one entrance is within reach
 * (DEMAND_ENTRANCES). With grid_m > 0 any other compound walks from the points of a grid inside it
 * (DEMAND_GRID; its residents split evenly over them); a compound the grid misses, or every compound
 * without grid_m, from a point on its surface, covered by the share of its area within the walking
 * corridor (DEMAND_SURFACE). On success *start receives the CSR rows (polygon i's points are
 * [start[i], start[i + 1])), *xy the points and *dkind each polygon's DEMAND_* kind; caller frees all
 * four with free(). NULL with the context's error set. */
static lc_snap *demand_snaps(lc_context *ctx, const lc_layer *res, const lc_layer *ent, const lc_layer *bld,
                             const lc_network *net, const lc_network_rules *rules, double grid_m, size_t **start,
                             lc_xy **xy, double **weights, long **sources, unsigned char **dkind)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(res), ne = ent ? lc_layer_count(ent) : 0, off = 0, unassigned = 0;
    size_t used[4] = {0, 0, 0, 0}, npts = 0, cap = 0, nb = bld ? lc_layer_count(bld) : 0, unplaced = 0;
    long *bowner = NULL;   /* per building: the compound holding its point on surface, or -1 */
    size_t *bfirst = NULL, *blist = NULL; /* buildings by compound: blist[bfirst[i] .. bfirst[i + 1]) */
    lc_xy *bpt = NULL;     /* per building: its point on surface */
    double *wts = NULL;    /* per building demand point: its share of the compound's residents */
    long *src = NULL;      /* per building demand point: its building */
    size_t wcap = 0, scap = 0;
    long *owner = lc_calloc(ctx, ne ? ne : 1, sizeof *owner);
    polygon_id *by_id = lc_calloc(ctx, n ? n : 1, sizeof *by_id);
    size_t *rows = lc_calloc(ctx, n + 1, sizeof *rows);
    unsigned char *kind = lc_calloc(ctx, n ? n : 1, 1);
    lc_xy *pts = NULL;
    lc_snap *d = NULL;
    GEOSSTRtree *tree = NULL;
    if (!owner || !by_id || !rows || !kind)
        goto nomem;
    if (ne || nb) {
        if (!(tree = GEOSSTRtree_create_r(h, 10)))
            goto nomem;
        for (size_t i = 0; i < n; i++)
            GEOSSTRtree_insert_r(h, tree, lc_layer_feature(res, i)->geom, (void *)(uintptr_t)(i + 1));
    }
    if (nb) { /* each building to the compound holding its point on surface (the lowest index of several) */
        bowner = lc_calloc(ctx, nb, sizeof *bowner);
        bpt = lc_calloc(ctx, nb, sizeof *bpt);
        bfirst = lc_calloc(ctx, n + 1, sizeof *bfirst);
        blist = lc_calloc(ctx, nb, sizeof *blist);
        if (!bowner || !bpt || !bfirst || !blist)
            goto nomem;
        for (size_t b = 0; b < nb; b++) {
            const lc_feature *bf = lc_layer_feature(bld, b);
            GEOSGeometry *pt = GEOSPointOnSurface_r(h, bf->geom);
            int ok = pt && GEOSGeomGetX_r(h, pt, &bpt[b].x) && GEOSGeomGetY_r(h, pt, &bpt[b].y);
            index_list hits = {0, 0, NULL, 0};
            if (ok)
                GEOSSTRtree_query_r(h, tree, pt, collect_index, &hits);
            bowner[b] = -1;
            for (size_t q = 0; ok && q < hits.n; q++)
                if ((bowner[b] < 0 || (long)hits.idx[q] < bowner[b]) &&
                    GEOSIntersects_r(h, lc_layer_feature(res, hits.idx[q])->geom, pt) == 1)
                    bowner[b] = (long)hits.idx[q];
            free(hits.idx);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (!ok || hits.nomem) {
                lc_error(ctx, hits.nomem ? LC_ERR_NOMEM : LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no point on "
                         "the building", lc_layer_source(bld), lc_layer_name(bld), bf->id);
                goto fail;
            }
            if (bowner[b] < 0)
                unplaced++;
            else
                bfirst[bowner[b] + 1]++;
        }
        for (size_t i = 0; i < n; i++)
            bfirst[i + 1] += bfirst[i];
        size_t *fill = lc_calloc(ctx, n ? n : 1, sizeof *fill);
        if (!fill)
            goto nomem;
        for (size_t b = 0; b < nb; b++)
            if (bowner[b] >= 0)
                blist[bfirst[bowner[b]] + fill[bowner[b]]++] = b;
        free(fill);
    }
    if (ne) {
        for (size_t i = 0; i < n; i++)
            by_id[i] = (polygon_id){lc_layer_feature(res, i)->id, i};
        qsort(by_id, n, sizeof *by_id, cmp_polygon_id);
        for (size_t k = 0; k < ne; k++) {
            owner[k] = entrance_compound(h, res, by_id, tree, lc_layer_feature(ent, k));
            if (owner[k] == -2)
                goto nomem;
            if (owner[k] < 0)
                unassigned++;
            else
                kind[owner[k]] = DEMAND_ENTRANCES;
        }
    }
    /* Polygon by polygon: its entrances, its grid points, or its point on surface. */
    for (size_t i = 0; i < n; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        rows[i] = npts;
        if (kind[i] == DEMAND_ENTRANCES) {
            for (size_t k = 0; k < ne; k++)
                if (owner[k] == (long)i) {
                    lc_xy p;
                    GEOSGeomGetX_r(h, lc_layer_feature(ent, k)->geom, &p.x);
                    GEOSGeomGetY_r(h, lc_layer_feature(ent, k)->geom, &p.y);
                    if (push_xy(&pts, &npts, &cap, p))
                        goto nomem;
                }
        } else if (bld && bfirst[i + 1] > bfirst[i]) {
            /* Its buildings, weighted by population, else floor area, else evenly. */
            size_t b0 = bfirst[i], b1 = bfirst[i + 1];
            double spop = 0, sarea = 0;
            int pop_ok = 1, area_ok = 1;
            for (size_t q = b0; q < b1; q++) {
                const lc_feature *bf = lc_layer_feature(bld, blist[q]);
                pop_ok &= isfinite(bf->population) && bf->population >= 0;
                area_ok &= isfinite(bf->floor_area) && bf->floor_area >= 0;
                spop += pop_ok ? bf->population : 0;
                sarea += area_ok ? bf->floor_area : 0;
            }
            for (size_t q = b0; q < b1; q++) {
                const lc_feature *bf = lc_layer_feature(bld, blist[q]);
                double wq = pop_ok && spop > 0 ? bf->population / spop
                          : area_ok && sarea > 0 ? bf->floor_area / sarea : 1.0 / (double)(b1 - b0);
                size_t at = npts;
                if (push_xy(&pts, &npts, &cap, bpt[blist[q]]) ||
                    lc_grow(ctx, (void **)&wts, &wcap, at + 1, sizeof *wts) != LC_OK ||
                    lc_grow(ctx, (void **)&src, &scap, at + 1, sizeof *src) != LC_OK)
                    goto nomem;
                wts[at] = wq;
                src[at] = (long)blist[q];
            }
            kind[i] = DEMAND_BUILDINGS;
        } else if (grid_m > 0) {
            long got = grid_points(h, f, grid_m, &pts, &npts, &cap);
            if (got < 0) {
                lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): cannot lay demand points in the polygon "
                         "(%s)", lc_layer_source(res), lc_layer_name(res), f->id, lc_ctx_geos_message(ctx));
                goto fail;
            }
            if (got)
                kind[i] = DEMAND_GRID;
        }
        if (npts == rows[i]) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(h, f->geom);
            lc_xy p;
            int ok = pt && GEOSGeomGetX_r(h, pt, &p.x) && GEOSGeomGetY_r(h, pt, &p.y);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (!ok) {
                lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon",
                         lc_layer_source(res), lc_layer_name(res), f->id);
                goto fail;
            }
            if (push_xy(&pts, &npts, &cap, p))
                goto nomem;
        }
        used[kind[i]]++;
    }
    rows[n] = npts;
    if (!(d = lc_calloc(ctx, npts ? npts : 1, sizeof *d)))
        goto nomem;
    for (size_t k = 0; k < npts; k++)
        if (lc_network_snap(ctx, net, pts[k], rules->max_snap_m, &d[k]) != LC_OK)
            goto fail;
    for (size_t i = 0; i < n; i++) { /* off-network: none of its points attaches */
        int on = 0;
        for (size_t k = rows[i]; k < rows[i + 1]; k++)
            on |= d[k].edge >= 0;
        off += !on;
    }
    if (off)
        lc_log(ctx, LC_LOG_WARNING, "%zu of %zu residential polygons are more than %.0f m from the walking network "
               "(off-network: no facility reaches them in network mode)", off, n, rules->max_snap_m);
    if (ne)
        lc_log(ctx, unassigned ? LC_LOG_WARNING : LC_LOG_INFO,
               "entrances 小区出入口: %zu of %zu compounds walk from their entrances; %zu of %zu entrances belong to no "
               "compound (no compound id matches and none lies within %.0f m)", used[DEMAND_ENTRANCES], n,
               unassigned, ne, ENTRANCE_SNAP_M);
    if (nb)
        lc_log(ctx, unplaced ? LC_LOG_WARNING : LC_LOG_INFO, "buildings: %zu compounds walk from their buildings; "
               "%zu of %zu buildings lie in no compound", used[DEMAND_BUILDINGS], unplaced, nb);
    if (grid_m > 0)
        lc_log(ctx, LC_LOG_INFO, "demand points: %zu compounds walk from grid points %.0f m apart, %zu from a point "
               "on their surface (smaller than the grid)", used[DEMAND_GRID], grid_m, used[DEMAND_SURFACE]);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    free(owner), free(by_id), free(bowner), free(bpt), free(bfirst), free(blist);
    if (!wts && !(wts = lc_calloc(ctx, 1, sizeof *wts)))
        goto nomem;
    if (!src && !(src = lc_calloc(ctx, 1, sizeof *src)))
        goto nomem;
    *start = rows;
    *xy = pts;
    *weights = wts;
    *sources = src;
    *dkind = kind;
    return d;
nomem:
    lc_error(ctx, LC_ERR_NOMEM, "out of memory: demand points of the walking network");
fail:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    free(owner), free(by_id), free(rows), free(kind), free(pts), free(d);
    free(bowner), free(bpt), free(bfirst), free(blist), free(wts), free(src);
    return NULL;
}

/* The dissolved reach of a category in straight-line mode: the union of its circles; NULL when it
 * has none. */
static GEOSGeometry *service_area(lc_context *ctx, const category_reach *c, int *failed)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = c->n;
    if (!n)
        return NULL;
    GEOSGeometry **parts = lc_calloc(ctx, n, sizeof *parts);
    if (!parts) {
        *failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        parts[k] = GEOSGeom_clone_r(h, c->buffer[k]);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    if (!u)
        *failed = 1;
    return u;
}

/* Network mode before the polygons: the categories' steps, then their service tiles, then the
 * dissolves, each shared out to the workers. LC_OK, or the failure recorded in ctx. */
static lc_status network_steps(lc_context *ctx, job *jb, worker_state *ws, size_t nthreads)
{
    lc_coverage *cov = jb->cov;
    double t0 = lc_seconds();
    jb->stage = "walking distances 步行距离";
    if (run_job(jb, ws, nthreads, network_task, cov->ncat, ctx) != 0)
        return lc_error(ctx, jb->failed_status, "network coverage of category %s: %s",
                        lc_profile_category(jb->profile, jb->failed_detail)->code, jb->failed_msg);
    size_t nruns = 0;
    double streets_s = 0;
    for (size_t c = 0; c < cov->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        nruns += cr->nruns;
        streets_s += cr->streets_s;
        if (cr->off)
            lc_log(ctx, LC_LOG_WARNING, "%zu of %zu facilities of category %zu are more than %.0f m from the "
                   "walking network and serve no one in network mode", cr->off, cr->n, c, jb->rules->max_snap_m);
    }
    long c1 = 0, r1 = 0;
    int any = 0;
    for (size_t c = 0; c < cov->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        if (!cr->tiles)
            continue;
        if (!any || cr->tcol0 < jb->gcol0)
            jb->gcol0 = cr->tcol0;
        if (!any || cr->trow0 < jb->grow0)
            jb->grow0 = cr->trow0;
        if (!any || cr->tcol0 + (long)cr->tx > c1)
            c1 = cr->tcol0 + (long)cr->tx;
        if (!any || cr->trow0 + (long)cr->ty > r1)
            r1 = cr->trow0 + (long)cr->ty;
        any = 1;
    }
    jb->gcols = any ? (size_t)(c1 - jb->gcol0) : 0;
    jb->grows = any ? (size_t)(r1 - jb->grow0) : 0;
    double t1 = lc_seconds();
    lc_progress(ctx, jb->stage, 1.0);
    jb->stage = "service areas 服务范围";
    if (run_job(jb, ws, nthreads, tile_task, jb->gcols * jb->grows, ctx) != 0)
        return lc_error(ctx, jb->failed_status == LC_ERR_NOMEM ? LC_ERR_NOMEM : LC_ERR_GEOMETRY,
                        "cannot build the network service area of category %s: %s",
                        lc_profile_category(jb->profile, jb->failed_detail)->code,
                        jb->failed_msg[0] ? jb->failed_msg : "out of memory");
    lc_log(ctx, LC_LOG_DEBUG, "network coverage: shortest paths and runs %.2f s (%zu runs; of which catchment streets "
           "%.2f s summed over the categories), service tiles %.2f s (%zu squares)", t1 - t0, nruns, streets_s,
           lc_seconds() - t1, jb->gcols * jb->grows);
    return LC_OK;
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
    size_t cells = cov->npoly * cov->ncat, ncat = cov->ncat;
    int network = o.mode == LC_MODE_NETWORK;
    cov->reach = lc_calloc(ctx, cov->ncat, sizeof *cov->reach);
    cov->cells = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->cells);
    cov->gaps = lc_calloc(ctx, cells ? cells : 1, sizeof *cov->gaps);
    cov->service = lc_calloc(ctx, cov->ncat, sizeof *cov->service);
    cov->circle = lc_calloc(ctx, cov->npoly ? cov->npoly : 1, sizeof *cov->circle);
    category_reach *cats = lc_calloc(ctx, cov->ncat, sizeof *cats);
    lc_snap *demand = NULL;
    size_t *dstart = NULL;
    lc_xy *dxy = NULL;
    double *dw = NULL;
    long *dsrc = NULL;
    unsigned char *dkind = NULL;
    worker_state *ws = NULL;
    size_t nthreads = 0;
    int lock_made = 0;
    if (!cov->reach || !cov->cells || !cov->gaps || !cov->service || !cov->circle || !cats)
        goto fail;
    cov->nfac = lc_layer_count(fac);
    if (network) {
        cov->streets = lc_calloc(ctx, cov->ncat ? cov->ncat : 1, sizeof *cov->streets);
        cov->shares = lc_calloc(ctx, cov->nfac ? cov->nfac : 1, sizeof *cov->shares);
        if (!cov->streets || !cov->shares)
            goto fail;
    }
    int quadsegs = o.quadsegs > 0 ? o.quadsegs : 32;
    const lc_network_rules *rules = lc_profile_network(profile);
    const lc_layer *bld = lc_inputs_layer(in, LC_LAYER_BUILDINGS);
    if (network && !(demand = demand_snaps(ctx, res, lc_inputs_layer(in, LC_LAYER_ENTRANCES), bld, o.network, rules,
                                           o.demand_grid_m, &dstart, &dxy, &dw, &dsrc, &dkind)))
        goto fail;
    for (size_t i = 0; network && i < cov->npoly; i++) {
        cov->entrances += dkind[i] == DEMAND_ENTRANCES;
        cov->grid += dkind[i] == DEMAND_GRID;
        cov->buildings += dkind[i] == DEMAND_BUILDINGS;
    }
    cov->grid_m = network ? o.demand_grid_m : 0;
    double t0 = lc_seconds();
    for (size_t c = 0; c < cov->ncat; c++) {
        cov->reach[c] = o.reach_m > 0 ? o.reach_m : lc_profile_category(profile, c)->reach_m;
        if (network)
            continue; /* the workers build the network steps below */
        if (reach_step(ctx, fac, c, cov->reach[c], quadsegs, &cats[c]) != LC_OK)
            goto fail;
        if (o.cells_only)
            continue;
        int failed = 0;
        cov->service[c] = service_area(ctx, &cats[c], &failed);
        if (failed) {
            lc_error(ctx, LC_ERR_GEOMETRY, "cannot dissolve the reach of category %s: %s",
                     lc_profile_category(profile, c)->code, lc_ctx_geos_message(ctx));
            goto fail;
        }
    }

    /* The work is shared out to nthreads threads, this one included (it alone reports progress: the
     * context belongs to it). Each has its own GEOS handle and, in network mode, its own context for
     * the network calls, all made here before any worker starts (GEOS_init_r also resets GEOS's
     * process-wide interrupt flag, which running workers read). Each polygon's, category's and tile's
     * results go to its own slots, so they do not depend on the thread count. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = o.threads > 0 ? (size_t)o.threads : ncpu > 0 ? (size_t)ncpu : 1;
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    size_t most = network && cov->ncat > cov->npoly ? cov->ncat : cov->npoly;
    if (nthreads > most)
        nthreads = most ? most : 1;
    job jb = {.res = res, .fac = fac, .profile = profile, .net = o.network, .rules = rules, .demand = demand,
              .dstart = dstart, .dxy = dxy, .dw = dw, .dsrc = dsrc, .bld = bld,
              .dkind = dkind, .grid_m = o.demand_grid_m, .cats = cats, .ncat = cov->ncat, .cov = cov,
              .cells_only = !network && o.cells_only};
    if (!(ws = lc_calloc(ctx, nthreads, sizeof *ws)))
        goto fail;
    for (size_t t = 0; t < nthreads; t++) {
        ws[t].jb = &jb;
        ws[t].ctx = ctx;
        if (!(ws[t].h = GEOS_init_r())) {
            lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot create a GEOS context for coverage worker %zu", t);
            goto fail;
        }
        GEOSContext_setErrorMessageHandler_r(ws[t].h, worker_geos_error, &ws[t]);
        if (network && t) {
            if (!(ws[t].ctx = lc_context_create())) {
                ws[t].ctx = ctx;
                lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot create a context for coverage worker %zu", t);
                goto fail;
            }
            ws[t].own_ctx = 1;
            lc_context_set_log_level(ws[t].ctx, LC_LOG_ERROR);
        }
        if (network && (!(ws[t].poff = lc_calloc(ctx, cov->ncat, sizeof *ws[t].poff)) ||
                        !(ws[t].pcnt = lc_calloc(ctx, cov->ncat, sizeof *ws[t].pcnt)) ||
                        !(ws[t].u = lc_calloc(ctx, cov->ncat, sizeof *ws[t].u)) ||
                        !(ws[t].kind = lc_calloc(ctx, cov->ncat, 1)) || !(ws[t].own = lc_calloc(ctx, cov->ncat, 1)))) {
            lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot prepare coverage worker %zu", t);
            goto fail;
        }
    }
    pthread_mutex_init(&jb.lock, NULL);
    lock_made = 1;
    if (network && network_steps(ctx, &jb, ws, nthreads) != LC_OK)
        goto fail;
    if (network)
        lc_progress(ctx, jb.stage, 1.0);
    else
        lc_log(ctx, LC_LOG_DEBUG, "straight-line coverage: reach circles%s %.2f s", o.cells_only ? "" : " dissolved",
               lc_seconds() - t0);
    jb.stage = NULL;
    t0 = lc_seconds();
    if (run_job(&jb, ws, nthreads, network ? network_polygon : polygon_coverage, cov->npoly, ctx) != 0) {
        const lc_feature *f = lc_layer_feature(res, jb.failed_task);
        if (jb.failed_detail == NO_CATEGORY)
            lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon%s%s",
                     lc_layer_source(res), lc_layer_name(res), f->id, jb.failed_msg[0] ? ": " : "", jb.failed_msg);
        else
            lc_error(ctx, jb.failed_status == LC_ERR_NOMEM ? LC_ERR_NOMEM : LC_ERR_GEOMETRY,
                     "%s (layer %s, feature %s): coverage of category %s could not be computed%s%s",
                     lc_layer_source(res), lc_layer_name(res), f->id,
                     lc_profile_category(profile, jb.failed_detail)->code, jb.failed_msg[0] ? ": " : "",
                     jb.failed_msg);
        goto fail;
    }
    if (network) {
        size_t k[4] = {0};
        for (size_t t = 0; t < nthreads; t++)
            for (int j = 0; j < 4; j++)
                k[j] += ws[t].counts[j];
        lc_log(ctx, LC_LOG_DEBUG, "network coverage: %zu polygons %.2f s (cells: %zu out of reach, %zu whole, %zu "
               "as an earlier category, %zu built)", cov->npoly, lc_seconds() - t0, k[0], k[1], k[2], k[3]);
    }
    if (network) {
        /* The service tiles, read by the polygons until now, are dissolved into the service areas on
         * a thread of their own (queries/dissolve.c) while the caller goes on; they are taken out of
         * the categories, which are freed below. */
        lc_progress(ctx, "coverage", 1.0);
        GEOSGeometry ***parts = lc_calloc(ctx, cov->ncat, sizeof *parts);
        size_t *nparts = lc_calloc(ctx, cov->ncat, sizeof *nparts);
        if (!parts || !nparts) {
            free(parts);
            free(nparts);
            goto fail;
        }
        for (size_t c = 0; c < cov->ncat; c++) {
            category_reach *cr = &cats[c];
            size_t n = 0;
            for (size_t t = 0; cr->tiles && t < cr->tx * cr->ty; t++)
                if (cr->tiles[t])
                    cr->tiles[n++] = cr->tiles[t];
            parts[c] = cr->tiles;
            nparts[c] = n;
            cr->tiles = NULL;
        }
        cov->profile = profile;
        cov->dissolve_t0 = lc_seconds();
        cov->dissolver = lc_dissolver_start(ctx, cov->ncat, parts, nparts, cov->service);
        free(parts);
        free(nparts);
        if (!cov->dissolver)
            goto fail;
    } else {
        lc_log(ctx, LC_LOG_DEBUG, "straight-line coverage: %zu polygons %.2f s%s", cov->npoly, lc_seconds() - t0,
               o.cells_only ? " (cells only)" : "");
        lc_progress(ctx, "coverage", 1.0);
    }
    goto done;
fail:
    lc_coverage_destroy(cov);
    cov = NULL;
done:
    if (lock_made)
        pthread_mutex_destroy(&jb.lock);
    for (size_t t = 0; ws && t < nthreads; t++) {
        if (ws[t].h)
            GEOS_finish_r(ws[t].h);
        if (ws[t].own_ctx)
            lc_context_destroy(ws[t].ctx);
        free(ws[t].ids);
        free(ws[t].segs);
        free(ws[t].poff);
        free(ws[t].pcnt);
        free(ws[t].u);
        free(ws[t].kind);
        free(ws[t].own);
    }
    free(ws);
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

size_t lc_coverage_entrance_polygons(const lc_coverage *cov)
{
    return cov ? cov->entrances : 0;
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
}

lc_status lc_coverage_service_areas_wait(lc_context *ctx, const lc_coverage *cov_in)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    lc_coverage *cov = (lc_coverage *)cov_in; /* logically const: only the dissolve's own state changes */
    if (cov && !cov->dissolver) /* straight-line mode, or already waited for: nothing to wait on */
        return cov->dissolve_status == LC_OK ? LC_OK : lc_error(ctx, cov->dissolve_status, "%s", cov->dissolve_error);
    if (!cov || cov->ctx != ctx)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_coverage_service_areas_wait: the coverage of this context is required");
    if (cov->dissolver) {
        double t0 = lc_seconds();
        size_t bad = 0;
        char reason[256] = "";
        cov->dissolve_status = lc_dissolver_finish(ctx, cov->dissolver, &bad, reason, sizeof reason);
        lc_dissolver_destroy(ctx, cov->dissolver);
        cov->dissolver = NULL;
        if (cov->dissolve_status != LC_OK)
            snprintf(cov->dissolve_error, sizeof cov->dissolve_error,
                     "cannot dissolve the network service area of category %s: %s",
                     lc_profile_category(cov->profile, bad)->code, reason[0] ? reason : "out of memory");
        else
            lc_log(ctx, LC_LOG_DEBUG, "network coverage: service areas dissolved %.2f s after the cells (waited "
                   "%.2f s)", lc_seconds() - cov->dissolve_t0, lc_seconds() - t0);
    }
    return cov->dissolve_status == LC_OK ? LC_OK : lc_error(ctx, cov->dissolve_status, "%s", cov->dissolve_error);
}

const GEOSGeometry *lc_coverage_service_area(const lc_coverage *cov, size_t category)
{
    if (!cov || category >= cov->ncat)
        return NULL;
    if (cov->dissolver) /* waits; a failure leaves the category NULL (lc_coverage_service_areas_wait says why) */
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
