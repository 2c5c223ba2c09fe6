/*
 * queries/coverage_int.h — what the coverage module's own files share (not callers): the result
 * itself, one category's state while it is computed, and the work shared out to the threads.
 *
 *   coverage.c           the API, the workers and lc_coverage_compute (which mode does what)
 *   coverage_straight.c  straight-line mode: circles around facilities
 *   coverage_network.c   network mode: distances along the network, shares of the walking corridor,
 *                        service areas and the outlines of gaps (queries/corridor_int.h)
 *   coverage_demand.c    network mode: compounds walked from entrances, buildings or grid points
 *   coverage_streets.c   network mode: each facility's catchment streets
 *   coverage_job.c       a coverage on a thread of its own
 */
#ifndef LIFECIRCLE_QUERIES_COVERAGE_INT_H
#define LIFECIRCLE_QUERIES_COVERAGE_INT_H

#include <stdint.h>

#include "geo/context_int.h"
#include "network/network_int.h"
#include "lifecircle/coverage.h"
#include "queries/corridor_int.h"

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

/* The service areas being traced (network mode) or dissolved (straight-line mode) on a thread of
 * their own (coverage_service.c). */
typedef struct service_job service_job;

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
    size_t points;            /* compounds given as points (both modes) */
    double grid_m;            /* their spacing */
    size_t nfac;              /* facilities in the layer */
    street_lines *streets;    /* network mode with catchment streets: per category */
    street_share *shares;     /* network mode with catchment streets: per facility */
    lc_coverage_accuracy accuracy;
    /* Network mode: the service areas being traced after lc_coverage_compute returns, until
     * lc_coverage_service_areas_wait; NULL once waited for. */
    service_job *service_job;
    lc_status service_status;  /* of the wait: LC_OK, or the failure it reports again */
    char service_error[400];
    const lc_profile *profile; /* borrowed (it outlives the coverage): category codes for messages */
};

/* Hands cov to ctx: its geometries are freed and its messages recorded there from now on (a
 * coverage computed with a job's own context, queries/coverage_job.c). GEOS geometries do not
 * belong to the handle that made them, so only the context pointer changes. */
void lc_coverage_bind(lc_coverage *cov, lc_context *ctx);

/* One category's facilities and their reach, shared read-only by the workers once built. */
typedef struct category_reach {
    size_t n;
    double *x, *y;        /* facility points */
    long *index;          /* index in the facilities layer */
    double r;
    /* Straight-line mode. */
    GEOSGeometry **buffer;/* reach circle of each facility */
    size_t *byx;          /* the facilities' indices sorted by x (then index), */
    double *xs;           /* and their x in that order: a polygon scans only the band it can reach */
    double inner_r;       /* inner radius of the buffer polygons, a little under r */
    /* Network mode. */
    size_t off;           /* facilities farther than max_snap_m from the network */
    double *ndist;        /* per polygon: network distance to the nearest facility */
    long *nnear;          /* per polygon: its index in the facilities layer, -1 */
    unsigned char *pin;   /* per demand point (job.dstart rows): 1 when within reach */
    lc_reached reached;   /* the budget left at every node (the corridor is cut from it) */
    lc_bbox extent;       /* of the reached nodes grown by the corridor's width; empty when none */
    double streets_s;     /* seconds spent on the catchment streets (debug timing) */
} category_reach;

/* How a compound's residents walk in network mode: from a point on its surface (covered by the share
 * of its area within the walking corridor), from its entrances (covered whole or not at all), or from
 * points of a grid inside it (covered by the share of the points within reach), or from its
 * buildings (covered by the share of its residents in buildings within reach). */
enum { DEMAND_SURFACE = 0, DEMAND_ENTRANCES = 1, DEMAND_GRID = 2, DEMAND_BUILDINGS = 3, DEMAND_POINT = 4 };
/* DEMAND_POINT: a compound given as a point (a 小区 POI) walks from that point, covered whole or not
 * at all (as a compound with one entrance). */

/* failed_detail when the polygon's demand point, not a category, could not be computed. */
#define NO_CATEGORY ((size_t)-1)

/* Most worker threads a call starts (options->threads is capped to this). */

struct worker_state;

/* One task of a job (task i, on the worker's own GEOS handle): 0, or -1 after setting the worker's
 * status, detail and (for other than GEOS failures) message. */
typedef int (*task_fn)(struct worker_state *w, size_t i);

/* Work shared by the worker threads: `total` tasks taken in turn; each task writes only its own
 * slots, so results do not depend on which thread ran it. */
typedef struct cov_job {
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
    int cells_only;           /* no gaps, service areas or life-circle shares */
    int streets;              /* network mode: build the catchment streets */
    double leaf_m, gap_cell_m, service_cell_m; /* network mode: the corridor's resolutions */
    category_reach *cats;
    size_t ncat;
    lc_coverage *cov;
    /* The first failure of the last lc_cov_run. */
    size_t failed_task;
    size_t failed_detail;     /* the failing category, or NO_CATEGORY */
    lc_status failed_status;
    int pool_failed;             /* the pool itself stopped (a cancel, no thread handles): its error is the context's */
    char failed_msg[256];     /* the reason (GEOS's message for geometry failures), "" when none */
} cov_job;

/* One thread's share of a job: its own GEOS handle (made before any worker starts) and the last
 * error message GEOS reported on it; its own context for the network calls (the caller's for
 * worker 0); scratch space. */
typedef struct worker_state {
    cov_job *jb;
    GEOSContextHandle_t h;
    lc_context *ctx;
    int own_ctx;              /* ctx was made for this worker */
    char msg[256];
    size_t detail;
    lc_status status;
    lc_corridor_scratch *scr; /* network mode: the corridor routines' memory */
    uint32_t *edges;          /* network mode: the edges near the current compound or block */
    size_t nedges, edges_cap;
    lc_seg *pieces;           /* network mode: their reached parts, category after category */
    size_t npieces, pieces_cap;
    size_t *poff, *pcnt;      /* per category: where its pieces start, how many */
    lc_piece_set *sets;       /* per category: room for the sets measured at once, */
    size_t *setcat;           /* and their categories */
    unsigned char *kinds;     /* per category: what its corridor does in the current compound */
    double worst_share;       /* network mode: the largest bound on a share's error met (0..1) */
    double worst_gap;         /* and the largest |gap outline's area − (1 − share) × area| / area */
    size_t counts[5];         /* network cells: out of reach, shown whole, measured, compounds walked from
                                 points, as an earlier category */
} worker_state;

/* Runs total tasks of fn on nthreads threads, this one included (it alone reports progress when
 * report is set: the context belongs to it). Returns 0, or -1 when a task failed (jb->failed_*). */
int lc_cov_run(cov_job *jb, worker_state *ws, size_t nthreads, task_fn fn, size_t total, lc_context *report);

/* After lc_cov_run over the compounds failed: the failure (jb->failed_*) as the context's error,
 * naming the layer, the compound and the category; returns its status. */
lc_status lc_cov_compound_failure(lc_context *ctx, const cov_job *jb);

/* Straight-line mode (coverage_straight.c): one category's facilities and circles; the dissolved
 * circles (a task on the pool); the task for residential polygon i. */
lc_status lc_cov_straight_reach(lc_context *ctx, const lc_layer *fac, size_t category, double r, int quadsegs,
                                category_reach *out);

/* Moves category c's circles (c->buffer, then empty) into one collection for the dissolve
 * (lc_cov_dissolve_start): *out, NULL when it has none. LC_OK or LC_ERR_NOMEM. */
lc_status lc_cov_straight_circles(lc_context *ctx, category_reach *c, GEOSGeometry **out);
int lc_cov_straight_polygon(worker_state *w, size_t i);

/* Straight-line mode: every step after the circles (jb->cats built) — the compounds on the workers,
 * then, unless cells only, the service areas' dissolve started (cov->service_job). LC_OK, or the
 * failure recorded in ctx naming the compound and category. */
lc_status lc_cov_straight(lc_context *ctx, cov_job *jb, worker_state *ws, size_t nthreads);

/* Network mode (coverage_network.c): every step after the demand points — distances per category,
 * the compounds, the service areas. LC_OK, or the failure recorded in ctx. */
lc_status lc_cov_network(lc_context *ctx, cov_job *jb, worker_state *ws, size_t nthreads);

/* Network mode, compounds walked from points (coverage_demand.c): their demand points attached to
 * the network (see the function), and the tasks of those walked from entrances, grid points and
 * buildings. */
lc_snap *lc_cov_demand_snaps(lc_context *ctx, const lc_layer *res, const lc_layer *ent, const lc_layer *bld,
                             const lc_network *net, const lc_network_rules *rules, double grid_m, size_t **start,
                             lc_xy **xy, double **weights, long **sources, unsigned char **dkind);
int lc_cov_entrance_polygon(worker_state *w, size_t i);
int lc_cov_grid_polygon(worker_state *w, size_t i);
int lc_cov_building_polygon(worker_state *w, size_t i);

/* Network mode (coverage_service.c): one category's reach and extent for its service area. */
typedef struct service_area_input {
    lc_reached reached;
    lc_bbox extent;
} service_area_input;

/* Starts tracing the ncat categories' service areas (corridor width, grid cell) on a thread of its own
 * (background 0: by the waiter alone) into out[c] (borrowed, read only after the finish). Takes in and
 * every reach in it, also on failure; net is borrowed and must outlive the job. NULL with LC_ERR_NOMEM. */
service_job *lc_cov_service_start(lc_context *ctx, const lc_network *net, service_area_input *in, size_t ncat,
                                  double width, double cell, int background, GEOSGeometry **out);

/* Straight-line mode: starts dissolving each category's circles (circles[c], one collection per
 * category, NULL without facilities) into out[c], on a thread of its own (background 0: by the waiter
 * alone). Takes circles and every collection in it, also on failure. NULL with LC_ERR_NOMEM. */
service_job *lc_cov_dissolve_start(lc_context *ctx, GEOSGeometry **circles, size_t ncat, int background,
                                   GEOSGeometry **out);

/* Does what is left on the calling thread and waits for the job's. LC_OK once every out[c] is set, or
 * the failure with the failing category and the reason (reason_size bytes). */
lc_status lc_cov_service_finish(lc_context *ctx, service_job *job, size_t *failed_cat, char *reason, size_t size);

/* The job now belongs to ctx, as the coverage it makes the service areas of (lc_coverage_bind). Accepts
 * NULL. */
void lc_cov_service_bind(service_job *job, lc_context *ctx);

/* Stops the job, waits for its thread and releases it (the out[c] already set stay the caller's).
 * Accepts NULL. */
void lc_cov_service_destroy(service_job *job);

/* Network mode (coverage_streets.c): one category's catchment streets from its unbounded reach. */
lc_status lc_cov_catchment_streets(lc_context *ctx, const lc_network_reach *reach, double r, size_t category,
                                   const long *ids, size_t n, size_t nfac, street_lines *lines, street_share *shares);

#endif /* LIFECIRCLE_QUERIES_COVERAGE_INT_H */
