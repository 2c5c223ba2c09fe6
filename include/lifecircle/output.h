/*
 * lifecircle/output.h — writing results: vector layers (Shapefile, GeoPackage, GeoJSON) and text
 * files into one output directory, atomically.
 *
 * Everything goes into a temporary directory beside the target; lc_output_commit() renames it into
 * place, so a failed or interrupted run leaves the target as it was. Fields have a full name
 * (GeoPackage, GeoJSON, CSV) and a short ASCII name of at most 10 bytes for Shapefile; for every
 * Shapefile layer a field dictionary `<layer>_fields.csv` is written beside it, mapping each short
 * name to its full name, Chinese and English description and unit.
 */
#ifndef LIFECIRCLE_OUTPUT_H
#define LIFECIRCLE_OUTPUT_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/crs.h"
#include "lifecircle/geometry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_format {
    LC_FORMAT_SHAPEFILE = 0, /* one .shp/.shx/.dbf/.prj/.cpg set per layer, plus <layer>_fields.csv */
    LC_FORMAT_GPKG,          /* every layer in lifecircle.gpkg, full field names */
    LC_FORMAT_GEOJSON        /* one <layer>.geojson per layer, full field names, working CRS */
} lc_format;

/* Parses "shapefile"/"shp", "gpkg"/"geopackage", "geojson"/"json" (ASCII case-insensitive).
 * Returns 0 and sets *format, or -1 for an unknown name. */
LC_API int lc_format_parse(const char *name, lc_format *format);

typedef enum lc_field_type {
    LC_FIELD_STRING = 0,
    LC_FIELD_INTEGER,
    LC_FIELD_REAL
} lc_field_type;

/* One attribute of an output layer. All strings borrowed; they must live until the layer closes. */
typedef struct lc_field_def {
    const char *name;       /* full name, ASCII snake_case: "centre_covered_share" */
    const char *short_name; /* Shapefile name, ASCII, at most 10 bytes, unique in the layer: "CTR_SHARE" */
    lc_field_type type;
    int width;              /* Shapefile width (0: driver default) */
    int precision;          /* decimals for LC_FIELD_REAL in Shapefile (0: driver default) */
    const char *zh;         /* 中文说明 */
    const char *en;         /* English description */
    const char *unit;       /* "m", "m²", "people", "share 0–1", "" */
} lc_field_def;

/* One attribute value: is_null, or the member matching the field's type. */
typedef struct lc_value {
    int is_null;
    const char *s; /* LC_FIELD_STRING, UTF-8, borrowed for the call */
    long long i;   /* LC_FIELD_INTEGER */
    double d;      /* LC_FIELD_REAL; NAN is written as null */
} lc_value;

/* Options of an output directory. */
typedef struct lc_output_options {
    lc_format format;
    int overwrite;          /* non-zero: replace a non-empty target directory */
    const char *encoding;   /* Shapefile attribute encoding: NULL or "UTF-8" (default), "GBK" */
} lc_output_options;

typedef struct lc_output lc_output;
typedef struct lc_layer_writer lc_layer_writer;

/* Starts writing into directory dir (created if missing). Refuses with LC_ERR_IO a dir that exists
 * and is not empty unless options->overwrite, or that is not a directory. crs (borrowed, must
 * outlive the output) is written with every layer (.prj in ESRI WKT for Shapefile).
 * Caller finishes with lc_output_commit() or lc_output_abort(). */
LC_API lc_output *lc_output_begin(lc_context *ctx, const char *dir, const lc_crs *crs,
                                  const lc_output_options *options);

/* Creates a layer. geometry_type is a GEOS type id (GEOS_POINT, GEOS_MULTIPOLYGON, ...; polygons
 * are written as multipolygons), or -1 for a table without geometry (written as CSV for Shapefile
 * and GeoJSON outputs, as an attribute table in GeoPackage). fields (borrowed, must outlive the
 * writer) describe nfields attributes; the short names are checked (≤ 10 bytes, unique).
 * Returns NULL with LC_ERR_MISUSE, LC_ERR_IO on failure. The writer belongs to out; close it with
 * lc_layer_writer_close() before committing. */
LC_API lc_layer_writer *lc_output_layer_create(lc_context *ctx, lc_output *out, const char *name,
                                               int geometry_type, const lc_field_def *fields,
                                               size_t nfields);

/* Appends a feature: geometry g in the working CRS (borrowed; NULL for tables or a null geometry)
 * and values[nfields] in the order of the field definitions. LC_OK or LC_ERR_IO/LC_ERR_GEOMETRY. */
LC_API lc_status lc_layer_writer_add(lc_context *ctx, lc_layer_writer *w, const GEOSGeometry *g,
                                     const lc_value *values);

/* Finishes a layer (and its field dictionary). LC_OK or LC_ERR_IO. The writer is freed either way. */
LC_API lc_status lc_layer_writer_close(lc_context *ctx, lc_layer_writer *w);

/* Writes a whole text file (e.g. summary.csv, summary.json) into the output. LC_OK or LC_ERR_IO. */
LC_API lc_status lc_output_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text);

/* Moves the finished output into place (replacing the old directory's contents when overwrite was
 * given) and frees out. On failure (LC_ERR_IO) the target is left as it was and out is freed. */
LC_API lc_status lc_output_commit(lc_context *ctx, lc_output *out);

/* Discards everything written and frees out. Accepts NULL. */
LC_API void lc_output_abort(lc_context *ctx, lc_output *out);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_OUTPUT_H */
