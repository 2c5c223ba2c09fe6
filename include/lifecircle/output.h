/*
 * lifecircle/output.h — writing results: vector layers (Shapefile, GeoPackage, GeoJSON) and text
 * files into one output directory, atomically.
 *
 * Everything goes into a temporary directory beside the target; lc_output_commit() renames it into
 * place, so a failed or interrupted run leaves the target as it was. Fields have a full name
 * (GeoPackage, GeoJSON, CSV) and a short ASCII name of at most 10 bytes for Shapefile; for every
 * Shapefile layer a field dictionary `<layer>_fields.csv` is written beside it, mapping each short
 * name to its full name, Chinese and English description and unit. Tables without geometry are
 * GeoPackage attribute tables, or `<layer>.csv` for Shapefile and GeoJSON outputs. CSV files
 * (tables, field dictionaries) are UTF-8 with a byte-order mark, so Excel shows the Chinese, and
 * RFC 4180 quoting with CRLF line ends; a text cell starting with = + - @ tab or CR is prefixed
 * with ' (so a spreadsheet shows it rather than running it as a formula), numbers stay numbers.
 *
 * PostGIS (LC_FORMAT_POSTGIS, chosen by lc_output_format_for() for a "PG:" or postgresql:// target):
 * the target is a GDAL PostgreSQL connection string; every layer becomes a table
 * <schema>.<prefix><layer> (identifiers quoted, never laundered) with its geometry type, the
 * working CRS's SRID and a GIST spatial index, tables without geometry plain tables, and text files
 * rows (name, body) of <prefix>metadata. Everything happens in one transaction: a table of the same
 * name from a previous run is dropped and re-created inside it, so a failed or aborted output leaves
 * the previous tables exactly as they were and a committed one replaces them all at once.
 * Messages name the connection without its password.
 *
 * Output is deterministic: equal input gives byte-identical files. GeoPackage records a
 * modification time in gpkg_contents.last_change and the DBF header a last-update date; both are
 * written as 2000-01-01 (00:00:00.000Z). For GeoPackage this is done by setting GDAL's
 * OGR_CURRENT_DATE config option thread-locally (CPLSetThreadLocalConfigOption) for the duration
 * of each call into this module and restoring the thread's previous value before returning.
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
    LC_FORMAT_GEOJSON,       /* one <layer>.geojson per layer, full field names, working CRS */
    LC_FORMAT_POSTGIS        /* tables <schema>.<prefix><layer> in a PostGIS database (see below) */
} lc_format;

/* Parses "shapefile"/"shp", "gpkg"/"geopackage", "geojson"/"json", "postgis"/"pg" (ASCII
 * case-insensitive). Returns 0 and sets *format, or -1 for an unknown name. */
LC_API int lc_format_parse(const char *name, lc_format *format);

/* The format a target implies: LC_FORMAT_POSTGIS for "PG:..." (ASCII case-insensitive) or a
 * postgresql:// URI, else fallback. */
LC_API lc_format lc_output_format_for(const char *target, lc_format fallback);

/* A copy of target (or of any dataset name) fit for messages: a PostgreSQL connection string is
 * read by libpq's parser and shown as "PG:keyword=value ..." with its password (and any other
 * secret option) as "***", URIs included; one libpq cannot parse is shown as "PG:***"; the
 * password of other URLs' user:password@ is masked too. Other targets unchanged. Caller frees with
 * lc_free(); NULL with LC_ERR_NOMEM or LC_ERR_MISUSE (NULL target). */
LC_API char *lc_output_target_shown(lc_context *ctx, const char *target);

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
    int width;              /* Shapefile width (0: driver default); strings grow past it up to
                             * 254 bytes, and every width shrinks to the longest value */
    int precision;          /* decimals for LC_FIELD_REAL in Shapefile (0: driver default, 24
                             * wide with 15 decimals; width then applies only with precision) */
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
    const char *encoding;   /* Shapefile attribute encoding: NULL or "UTF-8" (default), or "GBK"
                             * (also "CP936", "936"; ASCII case-insensitive). A GBK Shapefile has
                             * dBASE language driver id 0x4D and a .cpg saying "936", which ArcGIS,
                             * QGIS and GDAL read as code page 936; a UTF-8 one a .cpg "UTF-8". */
    const char *schema;     /* LC_FORMAT_POSTGIS: the schema of the tables, NULL for "public";
                             * created when missing */
    const char *table_prefix; /* LC_FORMAT_POSTGIS: put before every table name, NULL for "lc_";
                             * "" for none. Schema and prefix must match [a-z_][a-z0-9_]* (the
                             * prefix may be empty) and table names fit in 63 bytes */
} lc_output_options;

typedef struct lc_output lc_output;
typedef struct lc_layer_writer lc_layer_writer;

/* Starts writing into directory dir, which appears only at lc_output_commit(): until then
 * everything goes into "<dir>.tmp-XXXXXX" beside it (its parent must exist; it is not created).
 * Refuses with LC_ERR_IO a dir that exists and is not empty unless options->overwrite, that is not
 * a directory, that is the current directory or one of its parents, or whose parent is missing;
 * nothing is created then. A symbolic link to a directory stands for that directory. With
 * LC_ERR_MISUSE: NULL or empty arguments, an unknown encoding, or GBK for GeoPackage or GeoJSON
 * (always UTF-8). crs (borrowed, must outlive the output) is written with every layer (.prj in ESRI
 * WKT for Shapefile); GeoJSON can name it only by EPSG code, so a CRS without one draws a warning.
 * The output belongs to ctx. Caller finishes with lc_output_commit() or lc_output_abort().
 * For LC_FORMAT_POSTGIS dir is the connection string: the database is opened for update, the
 * schema created if missing and the transaction started here (LC_ERR_IO naming the connection
 * without its password when that fails; LC_ERR_MISUSE for a schema or prefix outside
 * [a-z_][a-z0-9_]*); overwrite and encoding do not apply. */
LC_API lc_output *lc_output_begin(lc_context *ctx, const char *dir, const lc_crs *crs,
                                  const lc_output_options *options);

/* Creates a layer named name (also its file name: 1-120 bytes of UTF-8 without / \ : * ? " < > |
 * or control characters, not starting with '.', unique in the output ignoring ASCII case, as are
 * the files it writes). geometry_type is a GEOS type id: GEOS_POINT, GEOS_MULTIPOINT, or a line or
 * polygon type (lines are written as multilinestrings, polygons as multipolygons); or -1 for a table
 * without geometry (written as CSV for Shapefile and GeoJSON outputs, as an attribute table in
 * GeoPackage). fields (borrowed, must outlive the writer) describe nfields attributes, checked
 * here: full names non-empty, unique ignoring case, not "fid" or "geom"; short names 1-10 ASCII
 * letters, digits or '_' starting with a letter, unique ignoring case; width 0-254, precision 0-15.
 * Returns NULL with LC_ERR_MISUSE naming the layer and field, or LC_ERR_IO naming the file; a
 * refused layer leaves nothing behind. The writer belongs to out; close it with
 * lc_layer_writer_close() before committing. */
LC_API lc_layer_writer *lc_output_layer_create(lc_context *ctx, lc_output *out, const char *name,
                                               int geometry_type, const lc_field_def *fields,
                                               size_t nfields);

/* Appends a feature: geometry g in the working CRS (borrowed; NULL for tables or a null geometry;
 * an empty geometry is written as null) and values[nfields] in the order of the field definitions.
 * Non-finite reals and NULL strings are written as null. A Shapefile text longer than 254 bytes
 * (once encoded) is cut at a character boundary, with a warning for the first cut in the layer.
 * Returns LC_OK; LC_ERR_GEOMETRY for a geometry the layer type cannot hold; LC_ERR_DATA for text
 * that is not UTF-8 or has a character GBK lacks (GBK Shapefiles); LC_ERR_MISUSE for a geometry
 * given to a table; these write nothing and the writer goes on. LC_ERR_IO if GDAL fails to write:
 * the output can then only be aborted. Messages name the file, layer, feature (counted from 1)
 * and field. */
LC_API lc_status lc_layer_writer_add(lc_context *ctx, lc_layer_writer *w, const GEOSGeometry *g,
                                     const lc_value *values);

/* Finishes a layer (its field dictionary is written when the layer is created). LC_OK or
 * LC_ERR_IO. The writer is freed either way. */
LC_API lc_status lc_layer_writer_close(lc_context *ctx, lc_layer_writer *w);

/* Writes a whole text file (e.g. summary.csv, summary.json) into the output, byte for byte; name
 * follows the rules of layer names and must not be in the output yet. LC_OK, LC_ERR_MISUSE or
 * LC_ERR_IO. */
LC_API lc_status lc_output_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text);

/* Writes a whole binary file (a PNG or PDF map, say) of size bytes into the output, under the rules
 * of lc_output_write_text; data is borrowed (NULL only with size 0). PostGIS outputs refuse it with
 * LC_ERR_MISUSE (they hold tables and text only). LC_OK, LC_ERR_MISUSE or LC_ERR_IO. */
LC_API lc_status lc_output_write_file(lc_context *ctx, lc_output *out, const char *name, const void *data,
                                      size_t size);

/* Moves the finished output into place and frees out: renamed onto a missing or empty target; with
 * overwrite, an existing target is renamed to "<dir>.old-XXXXXX", the new one renamed into place,
 * then the old one removed (and put back if the second rename fails). On failure the target is
 * left as it was, the temporary directory removed and out freed: LC_ERR_MISUSE if a writer is still
 * open, LC_ERR_IO if an earlier write failed, a file cannot be finished, a rename fails, or the
 * target has been filled by someone else meanwhile and overwrite was not given. */
LC_API lc_status lc_output_commit(lc_context *ctx, lc_output *out);

/* Discards everything written (the temporary directory is removed, the target never touched) and
 * frees out, including writers not closed yet (their pointers become invalid). Accepts NULL. */
LC_API void lc_output_abort(lc_context *ctx, lc_output *out);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_OUTPUT_H */
