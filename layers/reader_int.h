/*
 * layers/reader_int.h — what the files reading one layer share (layers/layer.c, layer_open.c,
 * layer_geometry.c, layer_rows.c): the reader, its study lookups and issue reports, and the steps
 * each file gives the others. Never included outside layers/.
 */
#ifndef LIFECIRCLE_LAYERS_READER_INT_H
#define LIFECIRCLE_LAYERS_READER_INT_H

#include <gdal.h>
#include <ogr_api.h>
#include <stdarg.h>
#include <stdio.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"

struct fetch_warnings;

/* Kinds read as points (polygons reduced to a point on their surface). */
static inline int point_kind(lc_layer_kind kind)
{
    return kind == LC_LAYER_FACILITIES || kind == LC_LAYER_CANDIDATES || kind == LC_LAYER_ENTRANCES;
}

/* Everything one layer read needs, so helpers take a single pointer. */
typedef struct reader {
    lc_context *ctx;
    lc_quality *quality;
    const lc_study *study;
    const lc_profile *profile;
    lc_layer *layer;
    const char *kind_name;  /* the study's layer heading: "residential", ..., "roads" */
    const char *osm_layer;  /* the OSM driver layer to read when the study names none */
    const char *path;       /* as given */
    const char *recode_from;/* attribute encoding to convert from, NULL when UTF-8 */
    OGRLayerH ogr;
    OGRFeatureDefnH defn;
    int field[LC_FIELD_ROLE_COUNT]; /* OGR field index per role, -1 when absent */
    int x_field, y_field;   /* lon/lat columns, -1 when the layer has geometries */
    const char *cur_id;     /* id of the feature being read, for messages */
    double persons_per_household; /* residential: the study's persons_per_household, 0 when unset */
    int sql_result;         /* ogr is the result set of <kind>.sql: release it before closing */
    unsigned char *row_hashes; /* database sources: SHA-256 of every row read, 32 bytes each */
    size_t nrows, rows_cap;
    const struct fetch_warnings *warnings; /* GDAL's warnings while the current feature was fetched */
} reader;

/* Looks up <kind>.<suffix> in the study. */
static inline const char *study_key(const reader *rd, const char *suffix)
{
    char key[128];
    snprintf(key, sizeof key, "%s.%s", rd->kind_name, suffix);
    return lc_study_get(rd->study, key);
}

/* Adds an issue about the current feature and field, prefixing file and layer. */
static inline void report(reader *rd, lc_severity severity, lc_status status, const char *check,
                          const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static inline void report(reader *rd, lc_severity severity, lc_status status, const char *check,
                          const char *field, const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    char where[1024];
    int n = snprintf(where, sizeof where, "%s (layer %s", rd->path, rd->layer->name);
    if (rd->cur_id && n > 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, ", feature %s", rd->cur_id);
    if (field && n > 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, ", field %s", field);
    lc_quality_add(rd->ctx, rd->quality, severity, status, check, rd->path, rd->layer->name,
                   rd->cur_id, field, "%s): %s", where, detail);
}

/* ---- opening (layers/layer_open.c) ---- */

/* Opens the study's <kind> source as rd says (rd->kind_name, rd->path shown in messages): the
 * dataset with its attribute encoding, the layer or the study's <kind>.sql, and the <kind>.where
 * filter. On success *ds and *open_opts belong to the caller (GDALClose, CSLDestroy) and rd->ogr,
 * rd->defn, rd->layer->name are set; on failure the context's error is set and whatever was opened
 * is still in *ds / *open_opts for the caller's cleanup. */
lc_status lc_reader_open_source(reader *rd, const char *path, GDALDatasetH *ds, char ***open_opts);

/* Decides the layer's source CRS: the study's <kind>.crs (or the top-level `source_crs`), else the
 * layer's own. No CRS at all is refused (LC_ERR_CRS). */
lc_status lc_reader_source_crs(reader *rd);

/* Releases the tables a query input reads (lc_layer.sql_tables). */
void lc_reader_free_sql_tables(lc_layer *L);

/* ---- geometry (layers/layer_geometry.c) ---- */

/* An OGR geometry as a 2-D GEOS geometry with linear rings (curves stroked) through WKB. NULL on
 * failure. Caller frees with GEOSGeom_destroy_r(). */
GEOSGeometry *lc_reader_ogr_to_geos(lc_context *ctx, OGRGeometryH g);

/* Checks the lon/lat range of a geographic geometry; reports swapped or out-of-range coordinates.
 * 0 when the coordinates are usable. */
int lc_reader_check_lonlat(reader *rd, const GEOSGeometry *g);

/* Makes g fit its kind (polygons repaired, a point for point kinds). Takes ownership of g; returns
 * the result (possibly g itself) or NULL after reporting why. */
GEOSGeometry *lc_reader_fit_geometry(reader *rd, GEOSGeometry *g);

/* ---- rows (layers/layer_rows.c) ---- */

/* Adds the SHA-256 of row f to rd->row_hashes. LC_OK, or LC_ERR_NOMEM / LC_ERR_INTERNAL. */
lc_status lc_reader_hash_row(reader *rd, OGRFeatureH f);

/* The checksum of every row read, as hex into rd->layer->rows_sha256. LC_OK or LC_ERR_INTERNAL. */
lc_status lc_reader_finish_rows_hash(reader *rd);

#endif /* LIFECIRCLE_LAYERS_READER_INT_H */

