/*
 * lifecircle/roads.h — the walkable lines a walking network is built from: read from the study's
 * `roads` layer through OGR (OSM PBF through GDAL's OSM driver, a bureau's roads Shapefile, a
 * GeoPackage, ...), filtered by the profile's network rules (lc_network_rules in profile.h) and
 * brought into the working CRS; or added one by one (tests, generated networks).
 *
 * Tags are read from columns of the same name (highway, foot, access, bridge, tunnel, layer) or, for
 * OSM data, from the `other_tags` hstore column. A layer without OSM tags (a planning bureau's roads
 * Shapefile) names its class field with the study key roads.fields.class: then every line is walked
 * on except the classes listed in roads.exclude (高速公路, 快速路), and the profile's OSM highway
 * rules do not apply; roads.fields.bridge/tunnel/level map its vertical attributes. roads.exclude
 * also applies to OSM highway values. With roads.node_crossings lines that cross without a shared
 * vertex (CAD-derived data) are split at the crossing (lc_roads_node_crossings); with
 * roads.snap_dangles_m a line end that stops just short of another line (an undershoot, 悬挂线) is
 * joined to it (lc_roads_snap_dangles). The graph itself is built in network.h.
 */
#ifndef LIFECIRCLE_ROADS_H
#define LIFECIRCLE_ROADS_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/crs.h"
#include "lifecircle/geometry.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"
#include "lifecircle/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One walkable line in the working CRS. Borrowed from its lc_roads: valid until the next
 * lc_roads_add or lc_roads_destroy. */
typedef struct lc_road {
    const lc_xy *pts;     /* n ≥ 2 vertices */
    size_t n;
    const char *highway;  /* the highway class ("footway"), "" when the source has none */
    int level;            /* vertical level: the layer tag, else +1 for a bridge, -1 for a tunnel, else 0 */
    int bridge;           /* non-zero for a bridge (bridge tag present and not "no") */
    int tunnel;           /* non-zero for a tunnel (tunnel tag present and not "no") */
    long long fid;        /* the source feature id (or the caller's id) */
} lc_road;

/* What reading kept and dropped, for the data-quality summary. */
typedef struct lc_roads_stats {
    size_t features;      /* features read from the layer (after its `where` filter) */
    size_t kept;          /* walkable lines kept (a multi-line counts once per part) */
    size_t not_walkable;  /* highway class not walkable (not in network.walkable, or motorway/trunk) */
    size_t foot_no;       /* foot=no */
    size_t access;        /* access in network.exclude_access without foot=yes/designated/permissive */
    size_t bad_geometry;  /* empty, non-line, fewer than two vertices */
    size_t excluded_class;/* class value listed in roads.exclude */
    size_t no_class;      /* roads.fields.class mapped but empty for the feature (kept, walkable) */
    size_t crossings_noded;   /* roads.node_crossings: crossings where the lines were joined */
    size_t crossings_skipped; /* crossings left apart: a bridge or tunnel, or different levels */
    size_t dangles_snapped;   /* roads.snap_dangles_m: line ends joined to a nearby line */
    size_t dangles_skipped;   /* ends left dangling: only a bridge, tunnel or other level within reach */
} lc_roads_stats;

typedef struct lc_roads lc_roads;

/* Whether a way with these tags is walked on under rules (NULL tags count as absent): never
 * motorway/trunk(_link), never foot=no; a highway in rules->walkable, or any other highway with
 * foot=yes/designated/permissive; an access value in rules->exclude_access closes it unless foot is
 * yes/designated/permissive. Returns 1 or 0 (0 also when rules or highway is NULL). */
LC_API int lc_roads_walkable(const lc_network_rules *rules, const char *highway, const char *foot,
                             const char *access);

/* Creates an empty set of roads. Caller frees with lc_roads_destroy(). NULL with LC_ERR_NOMEM. */
LC_API lc_roads *lc_roads_create(lc_context *ctx);

/* Adds a line of n ≥ 2 vertices (working CRS, copied) with its highway class (copied; NULL is "")
 * and vertical attributes. LC_OK, LC_ERR_MISUSE (n < 2, NULL arguments, non-finite coordinates)
 * or LC_ERR_NOMEM; on failure roads is unchanged. */
LC_API lc_status lc_roads_add(lc_context *ctx, lc_roads *roads, const lc_xy *pts, size_t n, const char *highway,
                              int level, int bridge, int tunnel, long long fid);

/* Reads the study's roads layer (roads.path, .layer — for OSM data "lines" by default —, .where,
 * .crs, .encoding) through OGR, keeps the ways the profile's network rules call walkable, splits
 * multi-lines into their parts and transforms every vertex into crs. Parameters:
 *   study   — names the layer (borrowed);
 *   profile — network rules (borrowed);
 *   crs     — the working CRS (borrowed, e.g. lc_inputs_crs());
 *   stats   — receives what was kept and dropped (may be NULL).
 * NULL with LC_ERR_CONFIG (no roads layer), LC_ERR_IO (cannot open or read), LC_ERR_CRS (no or an
 * unusable source CRS, a vertex that cannot be transformed) or LC_ERR_NOMEM.
 * Caller frees with lc_roads_destroy(). */
LC_API lc_roads *lc_roads_read(lc_context *ctx, const lc_study *study, const lc_profile *profile,
                               const lc_crs *crs, lc_roads_stats *stats);

/* As lc_roads_read, and adds to quality (may be NULL) what a planner should know about the roads:
 * per roads.exclude value the features it left out (info, LC_CHECK_ROAD_CLASS_EXCLUDED), a
 * roads.exclude value no feature has (warning, LC_CHECK_ROAD_EXCLUDE_UNUSED: likely a typo), features
 * without a class (info), the crossings noded or left apart (info, LC_CHECK_CROSSINGS_NODED) and the
 * dangling ends joined or left (info, LC_CHECK_DANGLES_SNAPPED). roads.node_crossings runs first,
 * then roads.snap_dangles_m. A snap_dangles_m that is not a number from 0 to 50 is LC_ERR_CONFIG. */
LC_API lc_roads *lc_roads_read_report(lc_context *ctx, const lc_study *study, const lc_profile *profile,
                                      const lc_crs *crs, lc_roads_stats *stats, lc_quality *quality);

/* Splits lines where they cross without a shared vertex (CAD-derived data), never where either
 * line is a bridge or a tunnel or the two lie at different levels. Crossings are found with a GEOS
 * STR-tree of segment envelopes (reentrant API) and computed exactly per segment pair; the crossing
 * point becomes a vertex of both lines (unless one already has a vertex within tolerance_m of it),
 * so lc_network_build joins them there. A line's end touching another line's interior counts as a
 * crossing; collinear overlaps do not. Parameters:
 *   roads       — the lines (borrowed, unchanged);
 *   tolerance_m — vertices this close count as the same point (≥ 0; 0: only exactly the same point,
 *                 as lc_network_build with 0 joins — pass the network's snap tolerance);
 *   noded, skipped — receive the crossings joined and those left apart (each may be NULL).
 * Returns a new set with the same lines, attributes and order. NULL with LC_ERR_MISUSE,
 * LC_ERR_GEOMETRY (GEOS failed) or LC_ERR_NOMEM. Caller frees with lc_roads_destroy(). */
LC_API lc_roads *lc_roads_node_crossings(lc_context *ctx, const lc_roads *roads, double tolerance_m, size_t *noded,
                                         size_t *skipped);

/* Joins dangling line ends to a nearby line (undershoots in CAD-derived data, 悬挂线). An end (first
 * or last vertex) is dangling when no vertex of another line lies within tolerance_m of it (and the
 * line is no ring). Such an end within max_m of another line — not itself, and never where either
 * is a bridge or a tunnel or the two lie at different levels (as lc_roads_node_crossings) — is joined
 * to the nearest point of the nearest such line: that point becomes a vertex of the other line (a
 * T-junction; an existing vertex within tolerance_m is used instead) and the dangling line gets a
 * connecting segment from its end to it (its own vertices are kept; the connector's length counts
 * in the network). Two dangling ends facing each other are joined once. Found with a vertex grid
 * hash (is the end a junction?) and, only when something dangles, a GEOS STR-tree of segment
 * envelopes (reentrant API). Parameters:
 *   roads       — the lines (borrowed, unchanged);
 *   tolerance_m — vertices this close count as the same point (≥ 0; 0: only exactly the same point,
 *                 as lc_network_build with 0 joins — pass the network's snap tolerance);
 *   max_m       — how far an end may be from the other line (≥ 0; 0 joins nothing);
 *   snapped, skipped — receive the ends joined, and the ends left dangling because every line
 *                 within max_m is a bridge, a tunnel or at another level (each may be NULL).
 * Returns a new set with the same lines, attributes and order. NULL with LC_ERR_MISUSE,
 * LC_ERR_GEOMETRY (GEOS failed) or LC_ERR_NOMEM. Caller frees with lc_roads_destroy(). */
LC_API lc_roads *lc_roads_snap_dangles(lc_context *ctx, const lc_roads *roads, double tolerance_m, double max_m,
                                       size_t *snapped, size_t *skipped);

/* Checks that roads and the inputs' compounds meet (after reprojection, both in the working CRS):
 * the compounds with no road vertex within 5 km of their bounding box (a box 5 km wider on every
 * side), found with a grid of the vertices. More than 20 % of them is an error (LC_CHECK_LAYERS_APART,
 * naming the share and both extents in lon/lat; LC_CHECK_SWAPPED_LONLAT when the roads' lon/lat
 * swapped back would lie on the compounds), fewer a warning. `validate` and `check --mode network`
 * both run it. Parameters:
 *   roads   — in the working CRS of inputs (borrowed);
 *   inputs  — the study's inputs (borrowed);
 *   study   — names the roads layer in messages (roads.path, roads.layer; borrowed);
 *   quality — receives the finding (borrowed).
 * LC_OK, LC_ERR_MISUSE or LC_ERR_NOMEM. */
LC_API lc_status lc_roads_check_meet(lc_context *ctx, const lc_roads *roads, const lc_inputs *inputs,
                                     const lc_study *study, lc_quality *quality);

/* Releases roads. Accepts NULL. */
LC_API void lc_roads_destroy(lc_roads *roads);

/* Number of lines, and line i (n = 0 and pts NULL past the end). See lc_road for validity. */
LC_API size_t lc_roads_count(const lc_roads *roads);
LC_API lc_road lc_roads_get(const lc_roads *roads, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_ROADS_H */
