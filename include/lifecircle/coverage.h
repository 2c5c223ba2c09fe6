/*
 * lifecircle/coverage.h — who is within reach of what: for every residential polygon and facility
 * category, the distance to the nearest facility, the share of the polygon's area within reach and
 * the population covered; the dissolved reach region (service area) of every category; the
 * uncovered parts (gaps); and the share of each polygon that has the whole life circle.
 *
 * Two distance modes share this one interface: straight line (reach = a circle of the category's
 * reach around each facility) and the walking network (network.h): distance along the network from
 * the polygon's demand point, access legs included; reach = the walking corridor, every point within
 * the profile's network buffer_m (default 50 m) of a part of an edge within the category's reach of a
 * facility (true circles at the ends and bends: no polygon buffers are built); in network mode also
 * each facility's catchment streets, the parts of edges it is the nearest facility of its category for.
 * Population is spread evenly over each polygon's area.
 */
#ifndef LIFECIRCLE_COVERAGE_H
#define LIFECIRCLE_COVERAGE_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/layer.h"
#include "lifecircle/network.h"
#include "lifecircle/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_distance_mode {
    LC_MODE_STRAIGHT = 0, /* straight-line (Euclidean) distance in the working CRS */
    LC_MODE_NETWORK = 1   /* along the walking network (lc_coverage_options.network) */
} lc_distance_mode;

typedef struct lc_coverage_options {
    lc_distance_mode mode;
    double reach_m;   /* > 0: use this reach for every category instead of the profile's */
    int quadsegs;     /* straight-line mode: segments per quarter circle of the reach circles (0: 32;
                         the polygon's area falls 0.04 % short of the circle's, see
                         lc_coverage_accuracy) */
    int threads;      /* worker threads (0: one per core) */
    const lc_network *network; /* LC_MODE_NETWORK: the walking network in the inputs' working CRS
                                  (borrowed until the service areas are traced: keep it until
                                  lc_coverage_service_areas_wait or lc_coverage_destroy); ignored in
                                  straight-line mode */
    double demand_grid_m;     /* LC_MODE_NETWORK, > 0: residents of a compound without entrances walk
                                 from points of a square grid this far apart inside it (population
                                 split evenly; a point on its surface when the grid misses it), so its
                                 covered share is the share of those points within reach; 0: from a
                                 point on its surface, covered by the share of its area within the
                                 walking corridor. Study key `demand_grid_m` */
    int cells_only;   /* non-zero: the cells alone (distances, shares, covered population): no service
                         areas, gaps or life-circle shares, which then read NULL, NULL and NaN. For a
                         second opinion on populations, such as the straight-line side of a network
                         check */
    int catchment_streets; /* LC_MODE_NETWORK, non-zero: also share the streets out among the
                              facilities (lc_coverage_catchment_streets; about 0.3 s of CPU per
                              category and a million edges) */
    double share_leaf_m;   /* LC_MODE_NETWORK: side of the smallest squares the covered shares are
                              measured in (0: 12 m; at most a quarter of the buffer is used); the
                              bound on the error this allows is reported
                              (lc_coverage_accuracy.share_bound) */
    double gap_cell_m;     /* LC_MODE_NETWORK: grid the outlines of gaps are traced on (0: 2.5 m) */
    double service_cell_m; /* LC_MODE_NETWORK: grid the service areas are traced on (0: 12.5 m) */
} lc_coverage_options;

/* How exact a coverage's numbers and outlines are (lc_coverage_get_accuracy), for the record
 * (summary.json, the report). */
typedef struct lc_coverage_accuracy {
    lc_distance_mode mode;
    /* Straight line: the reach circles are regular polygons of 4 × quadsegs sides inscribed in the
     * circle; their area falls short of the circle's by circle_deficit (relative). */
    int quadsegs;
    double circle_deficit;
    /* Network: the walking corridor itself is exact (true circles at street ends and bends). Covered
     * shares are measured in squares down to share_leaf_m a side; no share is more than share_bound
     * (absolute, 0..1) too large, the largest such bound met in this coverage. The outlines (gaps,
     * service areas) are traced on grids of gap_cell_m and service_cell_m; gap_deviation is the
     * largest difference met between a gap outline's area and (1 − share) × the compound's area,
     * relative to the compound's area. */
    double share_leaf_m, share_bound;
    double gap_cell_m, service_cell_m, gap_deviation;
} lc_coverage_accuracy;

/* One residential polygon against one category. */
typedef struct lc_coverage_cell {
    double distance_m;    /* from the polygon's demand point (a point on its surface) to the nearest
                             facility of the category; INFINITY when the category has none, and in
                             network mode when the point or every facility is off-network or
                             unreachable */
    long nearest;         /* index of that facility in the facilities layer, -1 when none */
    double covered_share; /* share of the polygon's area within reach, 0..1 */
    double covered_pop;   /* population × covered_share (0 when the population is unknown) */
} lc_coverage_cell;

typedef struct lc_coverage lc_coverage;

/* Computes coverage of every residential polygon of in for every category of profile.
 * in and profile are borrowed and must outlive the result; ctx too. options may be NULL (defaults).
 * Returns NULL with LC_ERR_UNSUPPORTED (network mode without options->network), LC_ERR_GEOMETRY or
 * LC_ERR_NOMEM. Caller frees with lc_coverage_destroy(). */
LC_API lc_coverage *lc_coverage_compute(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                        const lc_coverage_options *options);

/* A coverage being computed on a thread of its own (lc_coverage_start). */
typedef struct lc_coverage_job lc_coverage_job;

/* Starts lc_coverage_compute on a thread of its own and returns at once, so the caller can do other
 * work meanwhile: check --mode network computes the straight-line side of its comparison while it
 * reads the roads and builds the walking network. The job works with a context of its own; ctx only
 * receives the result (or the error) in lc_coverage_finish. in, profile and options->network are
 * borrowed and must stay unchanged until then (reading them meanwhile is fine: lc_inputs_read leaves
 * their geometries with every lazy GEOS cache filled); options is copied
 * (NULL: defaults). Without a thread the coverage is computed before this returns. NULL with
 * LC_ERR_NOMEM; otherwise the caller must finish the job with lc_coverage_finish(). */
LC_API lc_coverage_job *lc_coverage_start(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                          const lc_coverage_options *options);

/* Waits for the job and releases it. Returns the coverage as lc_coverage_compute would have, now
 * belonging to ctx (caller frees with lc_coverage_destroy()), or NULL with the job's error recorded
 * in ctx. Accepts a NULL job (returns NULL). */
LC_API lc_coverage *lc_coverage_finish(lc_context *ctx, lc_coverage_job *job);

/* Releases coverage results (stopping and waiting for a background dissolve first). Accepts NULL. */
LC_API void lc_coverage_destroy(lc_coverage *cov);

LC_API lc_distance_mode lc_coverage_mode(const lc_coverage *cov);

/* How exact the numbers and outlines are (borrowed, valid while cov lives); NULL for NULL. */
LC_API const lc_coverage_accuracy *lc_coverage_get_accuracy(const lc_coverage *cov);

/* Network mode: how many residential polygons were walked from their entrances (the inputs'
 * entrances layer, 小区出入口): each is covered whole when one of its entrances is within reach and
 * not at all otherwise, its distance that of its best entrance. Every other polygon walks from a point
 * on its surface and is covered by the share of its area within the walking corridor. 0 in
 * straight-line mode. */
LC_API size_t lc_coverage_entrance_polygons(const lc_coverage *cov);

/* Network mode with lc_coverage_options.demand_grid_m: how many residential polygons were walked
 * from grid points (the others without entrances were smaller than the grid); *spacing_m (may be
 * NULL) receives the spacing, 0 when not used. */
LC_API size_t lc_coverage_grid_polygons(const lc_coverage *cov, double *spacing_m);

/* Network mode with a buildings layer (lc_inputs' buildings): how many residential polygons without
 * entrances were walked from the buildings inside them (each building at a point on its surface,
 * the compound's residents split by building population, else floor area, else evenly): covered by
 * the share of residents in buildings within reach, the gap the footprints of the buildings out of
 * reach. Buildings come before demand_grid_m. */
LC_API size_t lc_coverage_building_polygons(const lc_coverage *cov);
/* Compounds given as points (小区 POIs, lc_layer_is_points): each is covered whole when its own point
 * is within reach (straight line, or along the network from where it attaches) and not at all
 * otherwise; its distance is that point's. */
LC_API size_t lc_coverage_point_compounds(const lc_coverage *cov);
LC_API size_t lc_coverage_polygon_count(const lc_coverage *cov);
LC_API size_t lc_coverage_category_count(const lc_coverage *cov);

/* The reach used for a category, metres. */
LC_API double lc_coverage_reach(const lc_coverage *cov, size_t category);

/* The cell of residential polygon i and category c (borrowed, valid while cov lives). */
LC_API const lc_coverage_cell *lc_coverage_get(const lc_coverage *cov, size_t polygon, size_t category);

/* The dissolved reach region of category c, in the working CRS; NULL when the category has no
 * facility (or with cells_only). In network mode it is the walking corridor's outline traced on a grid
 * of lc_coverage_options.service_cell_m, in straight-line mode the union of the reach circles; either
 * is made on a thread of its own after lc_coverage_compute returns, so a caller can write the cells
 * and gaps meanwhile; this call then waits for it (and helps). A failure
 * leaves the category NULL; lc_coverage_service_areas_wait reports it. Call it, like the wait, from
 * the thread that owns the coverage's context, not from two threads at once. Borrowed, valid while
 * cov lives. */
LC_API const GEOSGeometry *lc_coverage_service_area(const lc_coverage *cov, size_t category);

/* Waits for the service areas being made in the background (doing the rest on the calling thread
 * meanwhile). LC_OK at once with cells_only or when already waited for (any ctx then);
 * LC_ERR_GEOMETRY or LC_ERR_NOMEM naming the category when that failed (every later call
 * reports it again). While it traces, ctx must be the coverage's (LC_ERR_MISUSE otherwise). The
 * network the coverage was computed on (lc_coverage_options.network) must live until this returns
 * or the coverage is destroyed. */
LC_API lc_status lc_coverage_service_areas_wait(lc_context *ctx, const lc_coverage *cov);

/* The part of residential polygon i outside category c's reach; NULL when fully covered (or with
 * cells_only). In network mode its outline along the corridor is traced on a grid of
 * lc_coverage_options.gap_cell_m (the share itself is measured, not read off this outline). Borrowed,
 * valid while cov lives. */
LC_API const GEOSGeometry *lc_coverage_gap(const lc_coverage *cov, size_t polygon, size_t category);

/* Residents within reach of category c: the sum of covered_pop over every polygon (0 past the end). */
LC_API double lc_coverage_covered_population(const lc_coverage *cov, size_t category);

/* Residents of every residential polygon (unknown populations count 0). */
LC_API double lc_coverage_population(const lc_coverage *cov);

/* Share of polygon i's area within reach of every life-circle category of the profile
 * (lc_category.in_life_circle) at once, 0..1; NaN with cells_only, or when no category is in the
 * life circle. */
LC_API double lc_coverage_circle_share(const lc_coverage *cov, size_t polygon);

/* Network mode: the streets a facility is responsible for (its catchment along the network) — the
 * parts of edges of the walking network for which it is the nearest facility of its category along
 * the network (lc_network_reach_pieces: edges split exactly where the nearest facility changes,
 * streets no facility of the category reaches left out), as polylines: pieces that continue one
 * another along a road line are joined, and a vertex where such a line runs straight on is dropped. */
typedef struct lc_catchment_streets {
    const lc_xy *points;  /* the lines' points (borrowed) */
    const size_t *start;  /* line k is points[start[k] .. start[k + 1]) (borrowed, nlines + 1 entries) */
    size_t nlines;        /* 0: no street (straight-line mode, no category, or off the network) */
    double length_m;      /* street length it is the nearest facility for, metres */
    double in_reach_m;    /* the part of it within the category's reach, metres */
} lc_catchment_streets;

/* Non-zero when cov built catchment streets (network mode with lc_coverage_options.catchment_streets). */
LC_API int lc_coverage_has_catchment_streets(const lc_coverage *cov);

/* Fills *out with the catchment streets of facility f (index in the facilities layer); the pointers
 * are borrowed, valid while cov lives. Returns 0, or -1 past the end (out then zeroed). In
 * straight-line mode every facility has none. */
LC_API int lc_coverage_catchment_streets(const lc_coverage *cov, size_t facility, lc_catchment_streets *out);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_COVERAGE_H */
