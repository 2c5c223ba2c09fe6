/*
 * layers/layer_int.h — what layers/inputs.c needs from layers/layer.c: reading one OGR layer into
 * source-CRS geometries, and moving a read layer into the working CRS.
 */
#ifndef LIFECIRCLE_LAYERS_LAYER_INT_H
#define LIFECIRCLE_LAYERS_LAYER_INT_H

#include <gdal.h>
#include <ogr_api.h>

#include "geo/conninfo_int.h"
#include "lifecircle/layer.h"

struct lc_layer {
    lc_layer_kind kind;
    char *source;      /* the dataset as the user named it (a path or a connection string) */
    char *name;        /* the OGR layer name */
    char *source_crs;  /* the source CRS definition: the user's, or the layer's as WKT2 */
    int geographic;    /* the source CRS is geographic (lon/lat), GCJ-02 and BD-09 included */
    int wgs84_lonlat;  /* the source CRS is WGS 84 lon/lat itself (EPSG:4326, CRS84), not GCJ-02/BD-09 */
    size_t read;       /* features the source gave (kept or not), after its `where` filter */
    char *fields[LC_FIELD_ROLE_COUNT]; /* the source field read for each role, NULL when none */
    lc_feature *features; /* strings and geometries owned here */
    size_t count;
    size_t cap;
    lc_bbox extent;    /* in the source CRS until lc_layer_transform, then working CRS */
    char rows_sha256[65]; /* database sources: checksum of the rows read (lc_layer_rows_sha256), else "" */
    int points;        /* residential: the compounds are points (lc_layer_is_points) */
    int kind_set;      /* residential: points decided by the first geometry read */
    char **sql_tables; /* PostgreSQL <kind>.sql inputs: the tables its plan reads ("schema.table"), owned */
    size_t n_sql_tables;
    size_t borrowed;   /* the first `borrowed` features are another layer's (a view, lc_inputs_view):
                          their strings and geometries are not freed here */
};

/* Reads the study's layer of this kind (the study must name <kind>.path) with geometries left in the
 * source CRS; facility polygons become points on surface, invalid polygons are repaired, values are
 * checked, and every problem goes to quality. Returns NULL (context error set) only if the layer
 * cannot be opened or read, a field is missing, or the source CRS is unknown.
 * Caller frees with lc_layer_destroy(). */
lc_layer *lc_layer_read(lc_context *ctx, lc_layer_kind kind, const lc_study *study,
                        const lc_profile *profile, lc_quality *quality);

/* Replaces every geometry of layer by its transform, and computes areas and the extent.
 * LC_OK, or the transform's error (then the layer is unchanged: transforms are built aside first). */
lc_status lc_layer_transform(lc_context *ctx, lc_layer *layer, const lc_transform *tr);

/* Reports duplicate ids in layer as errors in quality. LC_OK or LC_ERR_NOMEM. */
lc_status lc_layer_check_duplicates(lc_context *ctx, const lc_layer *layer, lc_quality *quality);

/* The most bytes a side file GDAL reads whole (.prj, .cpg, .csvt) may have. */
#define LC_SIDE_FILE_MAX 65536

/* Refuses (LC_ERR_IO, naming the <kind> layer as shown and the file) an input path GDAL would block
 * on or read without end, before GDAL opens it: anything but a regular file or a directory (a named
 * pipe, a device, a socket; symbolic links followed), a side file of a data file (.shx, .dbf, .prj,
 * .cpg, ... of the same stem, or in a directory given as the input) that is not a regular file, and
 * a .prj, .cpg or .csvt larger than LC_SIDE_FILE_MAX. A path naming no file (a connection string,
 * a /vsi path, a missing file) is left to GDAL. LC_OK otherwise, or LC_ERR_NOMEM.
 * (layers/source_files.c) */
lc_status lc_source_check(lc_context *ctx, const char *kind, const char *path, const char *shown);

/* What the reader does when the study maps no field (layers/layer.c), for `study init`
 * (layers/study_init.c) to guess as the reader would: the names tried for role, in order
 * (NULL-terminated; static), whether kind reads role (0 no, 1 optional, 2 required), and the names
 * of the longitude (y 0) or latitude (y 1) columns of a table without geometry. */
const char *const *lc_layer_default_fields(lc_field_role role);
int lc_layer_kind_reads(lc_layer_kind kind, lc_field_role role);
const char *const *lc_layer_xy_fields(int y);

/* The attribute encoding the study-wide `encoding: GBK` would give path (layers/layer_open.c, the
 * readers' own decision): NULL when the file is read as it says (a GeoPackage, PostgreSQL, a .cpg, or
 * text that is valid UTF-8), with *why saying so; else "GBK", *why saying why. *why is static text. */
const char *lc_source_encoding_guess(const char *path, const char **why);

/* Releases a layer. Accepts NULL. */
void lc_layer_destroy(lc_context *ctx, lc_layer *layer);

/* Reports implausible values of a read layer (layers/values.c): an empty residential, facilities
 * or units layer, residents summing to 0, values beyond the bounds in docs/reference.md
 * ("Data-quality checks"), nursing beds above beds and 65+ above 60+. Errors and warnings go to
 * quality; call after lc_layer_transform (densities need areas). study gives the layer's `where` filter for messages. LC_OK or LC_ERR_NOMEM. */
lc_status lc_layer_check_values(lc_context *ctx, const lc_layer *layer, const lc_study *study, lc_quality *quality);

/* Checks the CRSs of a study whose layers are in the working CRS crs (layers/crs_checks.c): a
 * working CRS that misstates distances where the residential layer lies by more than 1 % (warning)
 * or 5 % (error), and, once, the hint that WGS 84 lon/lat in mainland China may be GCJ-02 (info).
 * layers are indexed by kind, NULL where the study names none. LC_OK or LC_ERR_NOMEM. */
lc_status lc_inputs_check_crs(lc_context *ctx, lc_layer *const layers[LC_LAYER_KIND_COUNT], const lc_crs *crs,
                              lc_quality *quality);

/* Checks that the layers meet once in the working CRS crs (layers/meet.c): compounds outside every
 * unit, facilities farther than 5 km from every compound; above 20 % an error (a swapped lon/lat named
 * as one), below a warning. *apart is set when that is an error: a layer lies elsewhere, and checks
 * of where the data lie (the CRS's distortion, each facility outside every unit) are moot.
 * LC_OK, LC_ERR_NOMEM or LC_ERR_GEOMETRY. */
lc_status lc_inputs_check_meet(lc_context *ctx, lc_layer *const layers[LC_LAYER_KIND_COUNT], const lc_crs *crs,
                               lc_quality *quality, int *apart);

/* For a Shapefile dataset (any other driver: nothing), reports as an error in quality a .dbf whose
 * record count differs from the number of shapes its .shx indexes (layers/shapefile.c). layer is
 * the OGR layer name (the files' base name), shown the source as messages name it. LC_OK or
 * LC_ERR_NOMEM. */
lc_status lc_shapefile_check(lc_context *ctx, GDALDatasetH ds, const char *layer, const char *shown,
                             lc_quality *quality);

/* An OGR layer of the study opened for a reader other than lc_layer_read (layers/roads.c). */
typedef struct lc_ogr_source {
    GDALDatasetH ds;     /* owned */
    OGRLayerH ogr;       /* borrowed from ds (or its result set of <kind>.sql), the <kind>.where filter applied */
    int sql_result;      /* ogr is a result set: lc_ogr_close releases it */
    OGRFeatureDefnH defn;/* borrowed from ogr */
    char **open_opts;    /* owned */
    char *shown;         /* the source as messages show it (passwords redacted), owned */
    char *name;          /* the OGR layer name, owned */
    char *source_crs;    /* the study's <kind>.crs or the layer's CRS as WKT2, owned */
    int geographic;      /* the source CRS is lon/lat */
} lc_ogr_source;

/* Opens the study's <kind> layer (kind: a study heading such as "roads") exactly as lc_layer_read
 * opens its layers: attribute encoding, <kind>.layer (osm_layer for OSM data when unset), <kind>.where,
 * <kind>.crs or the layer's own CRS (none is an error). A layer without geometry is LC_ERR_GEOMETRY.
 * On LC_OK GDAL messages stay routed into ctx until the caller calls lc_gdal_end(ctx), then
 * lc_ogr_close(out). On failure everything is released and *out is zeroed. */
lc_status lc_ogr_open(lc_context *ctx, const lc_study *study, const char *kind, const char *osm_layer,
                      lc_ogr_source *out);

/* Releases what lc_ogr_open acquired and zeroes *src. Accepts NULL and a zeroed source. */
void lc_ogr_close(lc_ogr_source *src);

/* ---- PostgreSQL inputs: the study's SQL checked by the server (layers/pg_input.c) ---- */

/* A read-only libpq connection of its own beside GDAL's, inside one READ ONLY transaction that is
 * never committed. */
typedef struct lc_pg_probe lc_pg_probe;

/* Connects (shown: the redacted source, borrowed for messages until close). NULL with LC_ERR_IO
 * (libpq's reason) or LC_ERR_NOMEM. Caller closes with lc_pg_probe_close(). */
lc_pg_probe *lc_pg_probe_open(lc_context *ctx, const lc_conninfo *ci, const char *shown);

/* Closes the connection (its transaction rolled back). Accepts NULL. */
void lc_pg_probe_close(lc_pg_probe *probe);

/* Asks the server about query, the study's <kind>.sql (what: "residential.sql"), without running
 * it: it must prepare as one statement (PQprepare refuses more), return rows, and explain without a
 * ModifyTable node (no INSERT/UPDATE/DELETE, in a WITH either). On LC_OK *wrapped is the text GDAL
 * is to run instead, "SELECT * FROM (<query>) AS lc_sql" (prepared too), and *tables the ntables
 * tables its plan reads as "schema.table" (views resolved to their tables); the caller frees all
 * with free(). On refusal LC_ERR_CONFIG with the server's reason, and nothing to free. */
lc_status lc_pg_probe_query(lc_context *ctx, lc_pg_probe *probe, const char *what, const char *query,
                            char **wrapped, char ***tables, size_t *ntables);

/* Asks the server whether where (the study's <kind>.where, what: "residential.where") is one
 * condition on layer (GDAL's name, "schema.table" or "table"): "SELECT * FROM layer WHERE
 * (<where>)" must prepare. LC_OK, or LC_ERR_CONFIG with the server's reason. */
lc_status lc_pg_probe_filter(lc_context *ctx, lc_pg_probe *probe, const char *what, const char *layer,
                             const char *where);

#endif /* LIFECIRCLE_LAYERS_LAYER_INT_H */
