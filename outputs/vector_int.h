/*
 * outputs/vector_int.h — what the files of the output writer share (outputs/vector.c: the output;
 * vector_layers.c: creating layers; vector_features.c: adding features; vector_pg.c: PostGIS): the
 * output's and the writers' state, the GDAL scope, and the helpers each gives the others. Never
 * included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_VECTOR_INT_H
#define LIFECIRCLE_OUTPUTS_VECTOR_INT_H

#include <gdal.h>
#include <iconv.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <stdio.h>

#include "geo/context_int.h"
#include "lifecircle/output.h"
#include "outputs/output_int.h"

/* The date GDAL writes wherever a format stores one (GeoPackage's gpkg_contents.last_change via
 * OGR_CURRENT_DATE, the DBF header's last-update date), so runs are byte-for-byte repeatable. */
#define LC_FIXED_TIMESTAMP "2000-01-01T00:00:00.000Z"
#define LC_FIXED_DBF_DATE "2000-01-01"

#define LC_GPKG_FILE "lifecircle.gpkg"
#define LC_SHORT_NAME_MAX 10 /* dBASE field names */
#define LC_DBF_WIDTH_MAX 254 /* dBASE character fields */
#define LC_NAME_MAX 120      /* layer and file names, bytes */
#define LC_PG_IDENT_MAX 63   /* PostgreSQL identifiers, bytes (NAMEDATALEN - 1) */

/* A Shapefile in GBK carries the dBASE language driver id 0x4D (77, code page 936: what ArcGIS
 * reads first) and a .cpg saying "936" (numeric code pages are what ArcGIS writes; GDAL and QGIS
 * read "936" as CP936 as well). GDAL recodes the attributes from UTF-8 to CP936 for LDID/77. */
#define LC_GBK_LDID "LDID/77"
#define LC_GBK_CPG "936"
#define LC_GBK_ICONV "CP936"

/* How a layer is stored. */
typedef enum writer_kind {
    KIND_OGR_FILE = 0, /* its own GDAL dataset: Shapefile or GeoJSON */
    KIND_DB,           /* a layer of the output's database: lifecircle.gpkg, or a PostGIS table */
    KIND_CSV           /* a table without geometry, as CSV (Shapefile and GeoJSON outputs) */
} writer_kind;

/* Names compared ignoring ASCII case (Windows and macOS file systems, SQLite table names). */
typedef struct name_set {
    char **items;
    size_t n, cap;
} name_set;

struct lc_output {
    lc_context *ctx;      /* borrowed: the context that began the output */
    lc_atomic_dir dir;    /* target and temporary directory */
    char *shown;          /* the directory as the caller named it, for messages */
    lc_format format;
    int gbk;              /* Shapefile attributes in GBK (CP936) rather than UTF-8 */
    OGRSpatialReferenceH srs; /* the working CRS, traditional GIS axis order */
    GDALDatasetH db;      /* lifecircle.gpkg, created with the first GeoPackage layer; or the
                           * PostGIS database, opened by lc_output_begin; in a transaction */
    char *schema;         /* PostGIS: schema of the tables, owned */
    char *prefix;         /* PostGIS: table name prefix, owned */
    lc_layer_writer *meta;/* PostGIS: the <prefix>metadata table text files go to, once created */
    lc_layer_writer *open;/* writers not closed yet, newest first */
    name_set files;       /* file names used in the directory */
    name_set layers;      /* layer names used */
    int broken;           /* a write failed half-way: the output must not be committed */
};

/* A feature's box as SQLite's R*Tree stores it (float32, rounded outward), with its FID. */
typedef struct lc_rtree_entry {
    int64_t id;
    float minx, maxx, miny, maxy;
} lc_rtree_entry;

struct lc_layer_writer {
    lc_output *out;       /* borrowed: the output the writer belongs to */
    lc_layer_writer *next;/* next open writer of out */
    writer_kind kind;
    char *name;           /* layer name */
    char *file;           /* main file name in the directory ("x.shp", "lifecircle.gpkg"); PostGIS:
                           * the table name "<prefix><layer>" */
    char *shown;          /* "<dir>/<file>", for messages */
    const lc_field_def *fields; /* borrowed */
    size_t nfields;
    OGRwkbGeometryType ogr_type; /* wkbNone for tables */
    GDALDatasetH ds;      /* KIND_OGR_FILE: owned */
    OGRLayerH layer;      /* KIND_OGR_FILE/KIND_DB: borrowed from the dataset */
    int *index;           /* OGR field index per field definition */
    FILE *csv;            /* KIND_CSV */
    lc_rtree_entry *rt;   /* GeoPackage layers with geometry: every feature's box, for the spatial index
                           * written when the layer is closed (outputs/gpkg_rtree.c) */
    size_t nrt, rt_cap;
    int own_index;        /* the layer was created without GDAL's index: rt is collected and written */
    lc_xy *xy;            /* a GEOS line's or ring's coordinates on their way to OGR */
    size_t xy_cap;        /* points xy holds */
    iconv_t gbk;          /* UTF-8 → CP936, to refuse text GBK cannot hold; (iconv_t)-1 if unused */
    long long count;      /* lc_layer_writer_add calls so far */
    int warned_cut;       /* a text was cut to fit a Shapefile field, and that was logged */
    long long gbk_chars;  /* characters with no GBK code written as LC_GBK_SUBSTITUTE */
    long long gbk_texts;  /* texts that held one or more of them */
    long long gbk_feature;/* the first such text: its feature, field and character */
    char gbk_field[160];
    char gbk_char[8];
};

/* What a character with no GBK code is written as in a GBK Shapefile (and the warning says so). */
#define LC_GBK_SUBSTITUTE '?'

/* ---- GDAL scope ----------------------------------------------------------------------------- */

/* While GDAL works for an output: its messages go to ctx, and OGR_CURRENT_DATE is pinned for this
 * thread (GeoPackage stores it in gpkg_contents.last_change), the previous value restored after. */
typedef struct gdal_scope {
    char *prev_date; /* the thread's previous OGR_CURRENT_DATE, NULL if unset */
    int ok;
} gdal_scope;

/* ---- helpers (outputs/vector.c) ---- */

/* Warns once for a GBK layer whose characters without a GBK code were replaced (outputs/vector_features.c). */
void lc_vec_gbk_warn(lc_context *ctx, const lc_layer_writer *w);

/* Non-zero if set holds name, ignoring ASCII case. */
int lc_vec_names_has(const name_set *set, const char *name);

/* Adds a copy of name. LC_OK or LC_ERR_NOMEM. */
lc_status lc_vec_names_add(lc_context *ctx, name_set *set, const char *name);

/* Non-zero if name can be a file name on Linux, Windows and macOS (see outputs/vector.c). */
int lc_vec_is_file_name(const char *name);

/* The field type's name in the field dictionary. Never freed. */
const char *lc_vec_type_name(lc_field_type type);

/* Enters a GDAL scope for ctx (GDAL's messages to ctx, OGR_CURRENT_DATE pinned); LC_OK or
 * LC_ERR_NOMEM. Leave it with lc_vec_gdal_leave() whatever the outcome. */
lc_status lc_vec_gdal_enter(lc_context *ctx, gdal_scope *scope);
void lc_vec_gdal_leave(lc_context *ctx, gdal_scope *scope);

/* GDAL's reason for the last failure in this scope. Borrowed from ctx. */
const char *lc_vec_gdal_reason(const lc_context *ctx);

/* ---- GeoPackage spatial index (outputs/gpkg_rtree.c) ---- */

/* GDAL's SQLite connection to GeoPackage ds (borrowed), or NULL when this GDAL does not hand it out:
 * GDAL then builds the index itself. */
sqlite3 *lc_gpkg_sqlite(GDALDatasetH ds);

/* Records the box of feature fid's geometry g (NULL or empty: nothing) for w's spatial index.
 * LC_OK or LC_ERR_NOMEM. */
lc_status lc_gpkg_rtree_add(lc_context *ctx, lc_layer_writer *w, long long fid, OGRGeometryH g);

/* Writes w's spatial index from the boxes recorded, with its triggers and its gpkg_extensions row,
 * as GDAL would have on closing the layer. Inside a GDAL scope, in the output's transaction. LC_OK,
 * LC_ERR_IO (the output is then broken) or LC_ERR_NOMEM. */
lc_status lc_gpkg_rtree_write(lc_context *ctx, lc_layer_writer *w);

/* Closes a dataset; 0 unless GDAL flagged a failure while flushing it. */
int lc_vec_close_dataset(GDALDatasetH ds);

/* ---- layers (outputs/vector_layers.c) ---- */

/* Writes a whole file (len bytes of data) into the output's temporary directory. LC_OK or LC_ERR_IO
 * naming the file. */
lc_status lc_vec_write_file(lc_context *ctx, const lc_output *out, const char *file, const char *data, size_t len);

/* Frees a writer's memory and handles without flushing anything. */
void lc_vec_writer_free(lc_layer_writer *w);

/* Unlinks w from its output's open list. */
void lc_vec_writer_unlink(lc_layer_writer *w);

/* Removes whatever a writer created (its files, or its table) and frees it. Inside a GDAL scope. */
void lc_vec_writer_discard(lc_context *ctx, lc_layer_writer *w);

/* ---- PostGIS (outputs/vector_pg.c) ---- */

/* Non-zero if s is a PostgreSQL identifier written without quoting: [a-z_][a-z0-9_]*, at most
 * LC_PG_IDENT_MAX bytes; with may_be_empty, "" too. */
int lc_vec_is_pg_ident(const char *s, int may_be_empty);

/* Checks schema and prefix, opens the database dsn for update, creates the schema if missing and
 * starts the output's one transaction. Inside a GDAL scope. LC_OK, LC_ERR_MISUSE or LC_ERR_IO; on
 * failure out->db is NULL. */
lc_status lc_vec_begin_postgis(lc_context *ctx, lc_output *out, const char *dsn, const lc_output_options *options);

/* Drops <schema>.<table> of writer w if a previous run left it, inside the output's transaction.
 * Inside a GDAL scope. LC_OK or LC_ERR_IO. */
lc_status lc_vec_pg_drop_previous(lc_context *ctx, lc_layer_writer *w);

/* Stores a text file as a row (name, body) of <prefix>metadata, creating that table with the first
 * text. LC_OK, or the error of the table or the row. */
lc_status lc_vec_pg_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text);

#endif /* LIFECIRCLE_OUTPUTS_VECTOR_INT_H */

