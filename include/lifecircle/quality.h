/*
 * lifecircle/quality.h — the data-quality report: every problem found while reading inputs, each
 * naming file, layer, feature and field, as a warning (the result is still sound: a repaired
 * polygon, a facility outside the study area) or an error (the result would be wrong: a missing
 * population, an unknown category, a duplicate id).
 *
 * Readers add to a report the caller owns and keep going, so one run names every problem at once.
 */
#ifndef LIFECIRCLE_QUALITY_H
#define LIFECIRCLE_QUALITY_H

#include <stddef.h>

#include "lifecircle/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_severity {
    LC_SEVERITY_INFO = 0,    /* a fact worth knowing (e.g. how many polygons were repaired) */
    LC_SEVERITY_WARNING = 1, /* handled; the results stay sound */
    LC_SEVERITY_ERROR = 2    /* would corrupt a result: the run stops with exit code 2 */
} lc_severity;

/* Stable identifiers of the checks, used in issue records, the summary and the tests. */
#define LC_CHECK_INVALID_GEOMETRY "invalid_geometry"     /* repaired with GEOSMakeValid */
#define LC_CHECK_EMPTY_GEOMETRY "empty_geometry"         /* NULL or empty geometry */
#define LC_CHECK_GEOMETRY_TYPE "geometry_type"           /* e.g. a line where polygons are needed */
#define LC_CHECK_MISSING_VALUE "missing_value"           /* NULL or blank in a required field */
#define LC_CHECK_NOT_NUMERIC "not_numeric"               /* text where a number is needed */
#define LC_CHECK_NEGATIVE "negative_value"               /* a count or area below zero */
#define LC_CHECK_DUPLICATE_ID "duplicate_id"             /* two features share an id */
#define LC_CHECK_OUTSIDE_AREA "outside_study_area"       /* a facility outside every unit */
#define LC_CHECK_UNKNOWN_CATEGORY "unknown_category"     /* a label no category or mapping knows */
#define LC_CHECK_SWAPPED_LONLAT "swapped_lonlat"         /* latitude and longitude exchanged */
#define LC_CHECK_OUT_OF_RANGE "coordinate_out_of_range"  /* lon/lat beyond ±180/±90 */
#define LC_CHECK_MISSING_FIELD "missing_field"           /* an optional field is absent */
#define LC_CHECK_POPULATION_MISMATCH "population_mismatch" /* unit total vs sum of its compounds */
#define LC_CHECK_SPLIT_BY_AREA "split_by_area"           /* compounds in no declared 街镇, split by area */
#define LC_CHECK_NORM_NOT_COMPUTED "norm_not_computed"   /* a norm without its denominator field */
#define LC_CHECK_ROAD_CLASS_EXCLUDED "road_class_excluded" /* roads left out by roads.exclude (info) */
#define LC_CHECK_ROAD_EXCLUDE_UNUSED "road_exclude_unused" /* a roads.exclude value no road has */
#define LC_CHECK_ROAD_NO_CLASS "road_no_class"           /* roads without a value in roads.fields.class */
#define LC_CHECK_CROSSINGS_NODED "crossings_noded"       /* roads.node_crossings: joined / left apart */
#define LC_CHECK_DANGLES_SNAPPED "dangles_snapped"       /* roads.snap_dangles_m: ends joined / left dangling */
#define LC_CHECK_ROADS_UNREADABLE "roads_unreadable"     /* validate: the roads layer cannot be read */
#define LC_CHECK_NETWORK_ISLAND "network_island"         /* a network component with residents but no
                                                            facility of some category */
#define LC_CHECK_NETWORK_MERGES "network_merges"         /* the profile's snap_tolerance_m joined vertices
                                                            that do not coincide (info: how many, where) */
#define LC_CHECK_LEVEL_NO_PARENT "level_no_parent"       /* a 居村, 片区, 组 or 街镇 in no unit of the level
                                                            above it (its parent field names none) */
#define LC_CHECK_LEVEL_STRADDLES "level_straddles"       /* a 居村 (...) split across two units above it */
#define LC_CHECK_LEVEL_TYPE "level_type"                 /* a type a presence norm needs is unknown */
#define LC_CHECK_LEVEL_OUTSIDE "level_outside"           /* compounds in no 居村 (info) */
#define LC_CHECK_LAYERS_APART "layers_apart"             /* after reprojection two layers do not meet:
                                                            compounds outside every unit, facilities or
                                                            roads far from every compound (a CRS is wrong) */
#define LC_CHECK_CRS_DISTORTION "crs_distortion"         /* the working CRS misstates distances where the
                                                            data lie (a UTM or Gauss-Krüger zone for
                                                            another place, Web Mercator) */
#define LC_CHECK_WEBMAP_HINT "lonlat_maybe_webmap"       /* WGS 84 lon/lat in mainland China, where web-map
                                                            coordinates are GCJ-02/BD-09 (info, once) */
#define LC_CHECK_EMPTY_LAYER "empty_layer"               /* a required layer holds no feature */
#define LC_CHECK_NO_RESIDENTS "no_residents"             /* the residential layer's population sums to 0 */
#define LC_CHECK_TRUNCATED "truncated_table"             /* a Shapefile's .dbf and .shp disagree on how many
                                                            features there are */
#define LC_CHECK_IMPLAUSIBLE "implausible_value"         /* a value beyond any real one (the bounds
                                                            in docs/reference.md) or contradicting
                                                            another field */
#define LC_CHECK_ENCODING "invalid_encoding"             /* text that is not valid in the layer's encoding */
#define LC_CHECK_GDAL_WARNING "gdal_warning"             /* GDAL warned while reading a feature */

/* One problem. Strings are borrowed from the report and valid while it lives; file, layer,
 * feature and field are NULL when they do not apply. */
typedef struct lc_issue {
    lc_severity severity;
    lc_status status;    /* the error family for errors (LC_ERR_DATA, LC_ERR_GEOMETRY, ...), LC_OK otherwise */
    const char *check;   /* one of the LC_CHECK_* identifiers */
    const char *file;
    const char *layer;
    const char *feature; /* the feature's id, or "FID n" when it has none */
    const char *field;
    const char *message; /* a whole sentence that names file, feature and field */
} lc_issue;

typedef struct lc_quality lc_quality;

/* Creates an empty report. Caller frees with lc_quality_destroy(). */
LC_API lc_quality *lc_quality_create(lc_context *ctx);

/* Releases a report. Accepts NULL. */
LC_API void lc_quality_destroy(lc_quality *q);

/* Number of issues, and the i-th (0-based, in the order found; borrowed, valid while q lives). */
LC_API size_t lc_quality_count(const lc_quality *q);
LC_API const lc_issue *lc_quality_get(const lc_quality *q, size_t i);

/* Number of issues of a severity, and of a check (check is one of LC_CHECK_*). */
LC_API size_t lc_quality_count_severity(const lc_quality *q, lc_severity severity);
LC_API size_t lc_quality_count_check(const lc_quality *q, const char *check);

/* Appends an issue; every string, the message included, is copied. (No variadic call in the public
 * API, so that Python's ctypes and other bindings can call every function; the library's own
 * printf-style variant is internal, layers/quality_int.h.)
 * Parameters:
 *   severity, status — how bad, and the error family for errors (LC_OK for warnings);
 *   check            — an LC_CHECK_* identifier;
 *   file, layer, feature, field — what the issue is about, each may be NULL;
 *   message          — what is wrong and what to do, not NULL.
 * Returns LC_OK, or LC_ERR_NOMEM (then the report is unchanged). */
LC_API lc_status lc_quality_append(lc_context *ctx, lc_quality *q, lc_severity severity, lc_status status,
                                   const char *check, const char *file, const char *layer,
                                   const char *feature, const char *field, const char *message);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_QUALITY_H */
