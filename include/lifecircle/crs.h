/*
 * lifecircle/crs.h — the working CRS (one metric projected CRS for a whole study), transforms from
 * input CRSs into it, and the Chinese web-map coordinate systems GCJ-02 (Amap, Tencent) and BD-09
 * (Baidu), which PROJ does not know.
 *
 * Every input layer is brought into the working CRS before any distance or area is computed.
 * Geographic coordinates are always in longitude/latitude order (traditional GIS order) and
 * projected ones in easting/northing order, whatever the axis order of the CRS's official
 * definition (EPSG:4326 is officially lat/lon, EPSG:4549 northing/easting).
 *
 * A crs or transform wraps PROJ objects that belong to the context that created it: use it only
 * with that context (another context gets LC_ERR_MISUSE) and destroy it before that context.
 */
#ifndef LIFECIRCLE_CRS_H
#define LIFECIRCLE_CRS_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/geometry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lc_crs lc_crs;
typedef struct lc_transform lc_transform;

/* Names accepted wherever a CRS definition is, besides what PROJ knows ("EPSG:4549", WKT, PROJ strings). */
#define LC_CRS_GCJ02 "GCJ-02" /* Amap/Tencent lon/lat; also accepted: "GCJ02", "gcj-02" */
#define LC_CRS_BD09 "BD-09"   /* Baidu lon/lat; also accepted: "BD09", "bd-09" */

/* Creates the working CRS from a definition PROJ understands ("EPSG:4549", "EPSG:32651", WKT1/ESRI
 * WKT/WKT2, PROJJSON, a PROJ string with or without "+type=crs", or a CRS's exact name such as
 * "CGCS2000 / 3-degree Gauss-Kruger CM 120E"; a near-miss name is refused, not guessed). A compound
 * CRS contributes its horizontal part. Refuses, with LC_ERR_CRS and a message naming the
 * definition and suggesting a CRS to use instead, a definition PROJ does not know, GCJ-02/BD-09, a
 * geographic or geocentric CRS, and a projected CRS whose unit is not the metre; LC_ERR_MISUSE for
 * a NULL definition. Caller frees with lc_crs_destroy(). */
LC_API lc_crs *lc_crs_create(lc_context *ctx, const char *definition);

/* Creates the WGS 84 UTM CRS (EPSG:326zz north of the equator and on it, 327zz south) whose zone
 * holds lon/lat (degrees): zone = floor((lon + 180) / 6) + 1, lon = 180 falling in zone 60. The
 * Norway (32V) and Svalbard (31X-37X) exceptions are not applied. NULL with LC_ERR_CRS if lon/lat
 * are not finite, outside ±180/±90, or outside UTM's 80°S-84°N. Caller frees with
 * lc_crs_destroy(). */
LC_API lc_crs *lc_crs_create_utm(lc_context *ctx, double lon, double lat);

/* Releases a CRS. Accepts NULL. Call before destroying its context. */
LC_API void lc_crs_destroy(lc_crs *crs);

/* The CRS's name as PROJ gives it ("WGS 84 / UTM zone 29N"), or the definition (shortened) when
 * PROJ has none, as for a PROJ string. Borrowed, valid while crs lives. */
LC_API const char *lc_crs_name(const lc_crs *crs);

/* "AUTHORITY:CODE" ("EPSG:32629") when the CRS has one or PROJ identifies it with full confidence
 * (an ESRI .prj text does; a PROJ string does not), else NULL. Borrowed, valid while crs lives. */
LC_API const char *lc_crs_id(const lc_crs *crs);

/* The CRS as WKT: esri != 0 gives one-line WKT1 in ESRI's dialect (for Shapefile .prj; a towgs84
 * shift is dropped, as ESRI WKT cannot hold it), else WKT2:2019. Computed once, then cached.
 * Borrowed, valid while crs lives. NULL with LC_ERR_CRS if PROJ cannot export it. */
LC_API const char *lc_crs_wkt(lc_context *ctx, const lc_crs *crs, int esri);

/* Non-zero if a definition names GCJ-02 or BD-09 (any accepted spelling). */
LC_API int lc_crs_is_chinese_webmap(const char *definition);

/* Creates a transform from a source CRS definition into target. source may be anything
 * lc_crs_create() takes, a geographic CRS, or GCJ-02/BD-09 (converted to WGS 84 first with the
 * iterative inversion below, then projected). Geographic sources take lon/lat order.
 * NULL with LC_ERR_CRS if the source is unknown or geocentric or PROJ has no transformation (the
 * message names the source), LC_ERR_MISUSE for NULL arguments or a target of another context.
 * target is borrowed and must outlive the transform. Caller frees with lc_transform_destroy(). */
LC_API lc_transform *lc_transform_create(lc_context *ctx, const char *source, const lc_crs *target);

/* Releases a transform. Accepts NULL. */
LC_API void lc_transform_destroy(lc_transform *tr);

/* Non-zero if the transform's source is geographic (lon/lat), including GCJ-02 and BD-09. */
LC_API int lc_transform_source_is_geographic(const lc_transform *tr);

/* Transforms n points in place (x[i], y[i]: source coordinates in, working CRS out; x and y may be
 * NULL when n is 0). Returns LC_OK; LC_ERR_CRS naming the first point (index and coordinates) that
 * is not finite or that PROJ could not transform; LC_ERR_MISUSE; or LC_ERR_NOMEM (scratch space
 * of 16 bytes per point). On failure x and y are unchanged. */
LC_API lc_status lc_transform_points(lc_context *ctx, const lc_transform *tr, double *x, double *y,
                                     size_t n);

/* Returns a new geometry: g with every x/y transformed (Z kept, SRID copied from g). NULL with
 * LC_ERR_CRS naming the first coordinate that failed, LC_ERR_GEOMETRY if GEOS fails otherwise, or
 * LC_ERR_MISUSE. g is borrowed; caller frees the result with
 * GEOSGeom_destroy_r(lc_context_geos(ctx), ...). */
LC_API GEOSGeometry *lc_transform_geometry(lc_context *ctx, const lc_transform *tr,
                                           const GEOSGeometry *g);

/* Transforms a working-CRS point (easting, northing) back to WGS 84 lon/lat (for reports); the
 * transformation is created on first use and cached in crs. LC_OK (then *lonlat is set),
 * LC_ERR_CRS or LC_ERR_MISUSE. */
LC_API lc_status lc_crs_to_lonlat(lc_context *ctx, const lc_crs *crs, lc_xy xy, lc_xy *lonlat);

/* The lon/lat box (WGS 84 degrees) of a box of the working CRS, from 25 points spread over it
 * (corners, edges, inside), so a strongly curved projection still gives a fair box. LC_OK when at
 * least one point transforms (then *lonlat is set), else the transform's error; LC_ERR_MISUSE for
 * NULL arguments or an empty box. */
LC_API lc_status lc_crs_lonlat_box(lc_context *ctx, const lc_crs *crs, lc_bbox box, lc_bbox *lonlat);

/* How much the working CRS misstates distances at a point xy (working coordinates): steps of 1 km
 * east-west and north-south measured in the CRS against their geodesic length on WGS 84; *error is
 * the one further from 0 of (CRS length / true length − 1): −0.0004 at a UTM zone's meridian, 0.0024
 * one zone off (Porto in UTM 30N), 0.21 for Porto in UTM 51N, 0.33 for Web Mercator at Porto's
 * latitude. LC_OK, LC_ERR_CRS (the points do not
 * transform) or LC_ERR_MISUSE. */
LC_API lc_status lc_crs_scale_error(lc_context *ctx, const lc_crs *crs, lc_xy xy, double *error);

/* The geodesic distance in metres between two lon/lat points (degrees) on the WGS 84 ellipsoid
 * (PROJ's geodesic routines, exact to nanometres). NAN for non-finite input. */
LC_API double lc_lonlat_distance(lc_xy a, lc_xy b);

/* Non-zero if a lon/lat point (degrees) lies in mainland China, by a coarse hand-traced outline of
 * its borders and coasts (tens of km off along the borders; Hainan, Hong Kong and Macau inside,
 * Taiwan outside) — unlike the rectangle the GCJ-02 algorithm itself uses, which also holds Korea,
 * Vietnam, Mongolia and half of Japan. Pure arithmetic. */
LC_API int lc_in_mainland_china(lc_xy lonlat);

/* GCJ-02 and BD-09 conversions on lon/lat in degrees. GCJ-02 leaves points outside mainland China's
 * box (lon 72.004-137.8347, lat 0.8293-55.8271) unchanged, as the published algorithm does; BD-09's
 * offset applies everywhere. The inversions (*_to_wgs84 and lc_bd09_to_gcj02) iterate until the
 * forward transform reproduces the input within 1e-9 degrees (about 0.1 mm), at most 30 steps.
 * They take no context and cannot fail (non-finite input gives non-finite output). */
LC_API lc_xy lc_wgs84_to_gcj02(lc_xy lonlat);
LC_API lc_xy lc_gcj02_to_wgs84(lc_xy lonlat);
LC_API lc_xy lc_gcj02_to_bd09(lc_xy lonlat);
LC_API lc_xy lc_bd09_to_gcj02(lc_xy lonlat);
LC_API lc_xy lc_wgs84_to_bd09(lc_xy lonlat);
LC_API lc_xy lc_bd09_to_wgs84(lc_xy lonlat);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_CRS_H */
