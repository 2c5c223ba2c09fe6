/*
 * outputs/vector.c — writes output layers through GDAL/OGR: Shapefile (one .shp set per layer plus
 * <layer>_fields.csv), GeoPackage (every layer in lifecircle.gpkg), GeoJSON (one file per layer) and
 * PostGIS (tables <schema>.<prefix><layer> in one transaction, text files as rows of a metadata
 * table); attribute tables as CSV where the format has no table type; and plain text files. Output is
 * deterministic: equal input gives byte-identical files (fixed dates, see output.h). Where the files
 * land and how the directory appears atomically lives in outputs/atomic_dir.c; which layers and
 * fields a check writes is decided in outputs/results.c.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <errno.h>
#include <gdal.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "geo/conninfo_int.h"
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
    GEOSWKBWriter *wkb;   /* layers with geometry */
    iconv_t gbk;          /* UTF-8 → CP936, to refuse text GBK cannot hold; (iconv_t)-1 if unused */
    long long count;      /* lc_layer_writer_add calls so far */
    int warned_cut;       /* a text was cut to fit a Shapefile field, and that was logged */
};

/* ---- small helpers -------------------------------------------------------------------------- */

/* Non-zero if set holds name, ignoring ASCII case. */
static int names_has(const name_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcasecmp(set->items[i], name))
            return 1;
    return 0;
}

/* Adds a copy of name. LC_OK or LC_ERR_NOMEM. */
static lc_status names_add(lc_context *ctx, name_set *set, const char *name)
{
    if (lc_grow(ctx, (void **)&set->items, &set->cap, set->n + 1, sizeof *set->items) != LC_OK)
        return LC_ERR_NOMEM;
    char *copy = lc_strdup(ctx, name);
    if (!copy)
        return LC_ERR_NOMEM;
    set->items[set->n++] = copy;
    return LC_OK;
}

static void names_free(name_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i]);
    free(set->items);
    memset(set, 0, sizeof *set);
}

/* Non-zero if name can be a file name on Linux, Windows and macOS: 1 to LC_NAME_MAX bytes of valid
 * UTF-8, no control characters, none of / \ : * ? " < > |, not starting with '.', not ending with
 * '.' or ' '. */
static int is_file_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > LC_NAME_MAX || name[0] == '.' || name[n - 1] == '.' || name[n - 1] == ' ')
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr("/\\:*?\"<>|", *p))
            return 0;
    return CPLIsUTF8(name, -1);
}

/* The field type's name in the field dictionary. */
static const char *type_name(lc_field_type type)
{
    switch (type) {
    case LC_FIELD_STRING: return "string";
    case LC_FIELD_INTEGER: return "integer";
    case LC_FIELD_REAL: return "real";
    }
    return "unknown";
}

/* Parses the Shapefile encoding option: NULL/"UTF-8"/"UTF8" → 0, "GBK"/"CP936"/"936" → 1, else -1. */
static int parse_encoding(const char *encoding)
{
    if (!encoding || !strcasecmp(encoding, "UTF-8") || !strcasecmp(encoding, "UTF8"))
        return 0;
    if (!strcasecmp(encoding, "GBK") || !strcasecmp(encoding, "CP936") || !strcmp(encoding, "936"))
        return 1;
    return -1;
}

int lc_format_parse(const char *name, lc_format *format)
{
    static const struct {
        const char *name;
        lc_format format;
    } names[] = {
        {"shapefile", LC_FORMAT_SHAPEFILE}, {"shp", LC_FORMAT_SHAPEFILE},
        {"gpkg", LC_FORMAT_GPKG},           {"geopackage", LC_FORMAT_GPKG},
        {"geojson", LC_FORMAT_GEOJSON},     {"json", LC_FORMAT_GEOJSON},
        {"postgis", LC_FORMAT_POSTGIS},     {"pg", LC_FORMAT_POSTGIS},
    };
    if (!name || !format)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcasecmp(name, names[i].name)) {
            *format = names[i].format;
            return 0;
        }
    }
    return -1;
}

/* ---- GDAL scope ----------------------------------------------------------------------------- */

/* While GDAL works for an output: its messages go to ctx, and OGR_CURRENT_DATE is pinned for this
 * thread (GeoPackage stores it in gpkg_contents.last_change), the previous value restored after. */
typedef struct gdal_scope {
    char *prev_date; /* the thread's previous OGR_CURRENT_DATE, NULL if unset */
    int ok;
} gdal_scope;

static lc_status gdal_enter(lc_context *ctx, gdal_scope *scope)
{
    scope->prev_date = NULL;
    scope->ok = 0;
    const char *prev = CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (prev && !(scope->prev_date = lc_strdup(ctx, prev)))
        return LC_ERR_NOMEM;
    lc_gdal_begin(ctx);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", LC_FIXED_TIMESTAMP);
    scope->ok = 1;
    return LC_OK;
}

static void gdal_leave(lc_context *ctx, gdal_scope *scope)
{
    if (!scope->ok)
        return;
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", scope->prev_date);
    free(scope->prev_date);
    scope->prev_date = NULL;
    scope->ok = 0;
    lc_gdal_end(ctx);
}

/* GDAL's reason for the last failure in this scope. */
static const char *gdal_reason(const lc_context *ctx)
{
    const char *m = lc_gdal_last_message(ctx);
    return m && *m ? m : "GDAL gave no reason";
}

/* Closes a dataset and reports whether GDAL flagged a failure while flushing it (GDAL 3.6's
 * GDALClose returns nothing). 0 on success. */
static int close_dataset(GDALDatasetH ds)
{
    CPLErrorReset();
    GDALClose(ds);
    return CPLGetLastErrorType() >= CE_Failure ? -1 : 0;
}

/* ---- the output ----------------------------------------------------------------------------- */

/* The working CRS as an OGR SRS in traditional GIS order. When the WKT carries no identifier but
 * PROJ identifies the CRS as an EPSG one (e.g. it came from an ESRI .prj), the EPSG definition is
 * used if GDAL finds it the same, so GeoPackage and GeoJSON record the code. NULL with LC_ERR_CRS. */
static OGRSpatialReferenceH make_srs(lc_context *ctx, const lc_crs *crs)
{
    const char *wkt = lc_crs_wkt(ctx, crs, 0);
    if (!wkt)
        return NULL;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char *cursor = (char *)wkt; /* GDAL only advances the pointer */
    if (!srs || OSRImportFromWkt(srs, &cursor) != OGRERR_NONE) {
        lc_error(ctx, LC_ERR_CRS, "GDAL cannot read the working CRS %s (%s)", lc_crs_name(crs),
                 gdal_reason(ctx));
        if (srs)
            OSRDestroySpatialReference(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    const char *id = lc_crs_id(crs);
    if (!OSRGetAuthorityName(srs, NULL) && id && !strncmp(id, "EPSG:", 5)) {
        OGRSpatialReferenceH epsg = OSRNewSpatialReference(NULL);
        if (epsg && OSRImportFromEPSG(epsg, atoi(id + 5)) == OGRERR_NONE && OSRIsSame(epsg, srs)) {
            OSRSetAxisMappingStrategy(epsg, OAMS_TRADITIONAL_GIS_ORDER);
            OSRDestroySpatialReference(srs);
            return epsg;
        }
        if (epsg)
            OSRDestroySpatialReference(epsg);
    }
    return srs;
}

static void output_free(lc_output *out)
{
    if (out->srs)
        OSRDestroySpatialReference(out->srs);
    free(out->schema);
    free(out->prefix);
    names_free(&out->files);
    names_free(&out->layers);
    free(out->shown);
    free(out);
}

/* Non-zero if s is a PostgreSQL identifier we write without fear: [a-z_][a-z0-9_]*, at most
 * LC_PG_IDENT_MAX bytes; with may_be_empty, "" too. */
static int is_pg_ident(const char *s, int may_be_empty)
{
    size_t n = strlen(s);
    if (n > LC_PG_IDENT_MAX || (n == 0 && !may_be_empty))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || (i > 0 && s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

lc_format lc_output_format_for(const char *target, lc_format fallback)
{
    return lc_conninfo_is_pg(target) ? LC_FORMAT_POSTGIS : fallback;
}

char *lc_output_target_shown(lc_context *ctx, const char *target)
{
    if (!ctx)
        return NULL;
    if (!target) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_output_target_shown: target is NULL");
        return NULL;
    }
    return lc_conninfo_redact(ctx, target);
}

/* Runs one SQL statement that returns no rows on the output's database. LC_OK, or LC_ERR_IO with
 * what (a description of the statement) and PostgreSQL's reason. Inside a GDAL scope. */
static lc_status pg_exec(lc_context *ctx, lc_output *out, const char *sql, const char *what)
{
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(out->db, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(out->db, res);
    if (CPLGetLastErrorType() >= CE_Failure)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot %s (%s)", out->shown, what, gdal_reason(ctx));
    return LC_OK;
}

/* Appends text to a growing SQL string as a standard string literal ('...' with quotes doubled). */
static char *sql_append_literal(char *sql, size_t *len, const char *text)
{
    size_t n = 2;
    for (const char *p = text; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *s = realloc(sql, *len + n + 1);
    if (!s) {
        free(sql);
        return NULL;
    }
    size_t k = *len;
    s[k++] = '\'';
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            s[k++] = '\'';
        s[k++] = *p;
    }
    s[k++] = '\'';
    s[k] = '\0';
    *len = k;
    return s;
}

/* Appends plain text (our own SQL) to a growing SQL string. */
static char *sql_append(char *sql, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *s = realloc(sql, *len + n + 1);
    if (!s) {
        free(sql);
        return NULL;
    }
    memcpy(s + *len, text, n + 1);
    *len += n;
    return s;
}

lc_status lc_output_pg_styles(lc_context *ctx, lc_output *out, const lc_qml_item *items, size_t n)
{
    /* QGIS's own table (QgsPostgresProviderMetadata::saveStyle); QGIS picks a layer's style by
     * catalog, schema, table and geometry column, default first. A savepoint keeps a refusal here
     * (no right on public) from undoing the results. Schema and prefix are checked identifiers. */
    static const char create[] =
        "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, "
        "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
        "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
        "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)";
    lc_status st = LC_OK;
    lc_gdal_begin(ctx);
    if (pg_exec(ctx, out, "SAVEPOINT lc_styles", "start the styles") != LC_OK) {
        lc_gdal_end(ctx);
        lc_log(ctx, LC_LOG_WARNING, "%s: QGIS styles not stored: %s", out->shown, lc_context_errmsg(ctx));
        lc_context_clear_error(ctx);
        return LC_OK;
    }
    st = pg_exec(ctx, out, create, "create public.layer_styles");
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        char table[2 * LC_PG_IDENT_MAX + 2];
        snprintf(table, sizeof table, "%s%s", out->prefix, items[i].layer);
        size_t len = 0;
        char *sql = NULL;
        char head[512];
        snprintf(head, sizeof head,
                 "DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = "
                 "'%s' AND f_table_name = '%s' AND stylename = '%s'", out->schema, table, table);
        st = pg_exec(ctx, out, head, "replace the previous styles");
        if (st != LC_OK)
            break;
        snprintf(head, sizeof head,
                 "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                 "stylename, styleqml, useasdefault, description, update_time) VALUES (current_database(), '%s', "
                 "'%s', 'geom', '%s', XMLPARSE(DOCUMENT ", out->schema, table, table);
        sql = sql_append(sql, &len, head);
        sql = sql ? sql_append_literal(sql, &len, items[i].qml) : NULL;
        sql = sql ? sql_append(sql, &len, "), true, 'lifecircle 默认样式 default style', '2000-01-01')") : NULL;
        if (!sql) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory: QGIS styles");
            break;
        }
        st = pg_exec(ctx, out, sql, "store a QGIS style");
        free(sql);
    }
    if (st == LC_ERR_NOMEM) {
        pg_exec(ctx, out, "ROLLBACK TO SAVEPOINT lc_styles", "drop the styles");
        lc_gdal_end(ctx);
        return LC_ERR_NOMEM;
    }
    if (st != LC_OK) {
        char *why = lc_strdup(ctx, lc_context_errmsg(ctx));
        lc_context_clear_error(ctx);
        pg_exec(ctx, out, "ROLLBACK TO SAVEPOINT lc_styles", "drop the styles");
        lc_log(ctx, LC_LOG_WARNING, "%s: QGIS styles not stored in public.layer_styles (the results are): %s",
               out->shown, why ? why : "");
        free(why);
        lc_context_clear_error(ctx);
        st = LC_OK;
    } else {
        st = pg_exec(ctx, out, "RELEASE SAVEPOINT lc_styles", "finish the styles");
    }
    lc_gdal_end(ctx);
    return st;
}

/* PostGIS: checks schema and prefix, opens the database for update, creates the schema if missing
 * and starts the one transaction of the output. Inside a GDAL scope. LC_OK, LC_ERR_MISUSE or
 * LC_ERR_IO; on failure out->db is NULL (nothing was changed). */
static lc_status begin_postgis(lc_context *ctx, lc_output *out, const char *dsn, const lc_output_options *options)
{
    const char *schema = options->schema ? options->schema : "public";
    const char *prefix = options->table_prefix ? options->table_prefix : LC_PG_DEFAULT_PREFIX;
    if (!is_pg_ident(schema, 0))
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS schema '%s' is not allowed: use lower-case ASCII letters, "
                        "digits and '_' (not starting with a digit, at most %d bytes)", schema, LC_PG_IDENT_MAX);
    /* PostgreSQL's own schemas: its catalog, the SQL-standard views over it, TOAST and temporary
     * schemas (the server reserves every name starting with pg_). */
    if (!strcmp(schema, "information_schema") || !strncmp(schema, "pg_", 3))
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS schema '%s' is not allowed: it is a system schema of "
                        "PostgreSQL (information_schema, pg_catalog, pg_toast and every pg_... name); write "
                        "into a schema of your own, e.g. --pg-schema lifecircle", schema);
    if (!is_pg_ident(prefix, 1) || strlen(prefix) > LC_PG_IDENT_MAX - 16)
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS table prefix '%s' is not allowed: use lower-case ASCII "
                        "letters, digits and '_' (not starting with a digit, at most %d bytes)", prefix,
                        LC_PG_IDENT_MAX - 16);
    if (!(out->schema = lc_strdup(ctx, schema)) || !(out->prefix = lc_strdup(ctx, prefix)))
        return LC_ERR_NOMEM;
    const char *const open_opts[] = {"PRELUDE_STATEMENTS=SET client_min_messages TO warning", NULL};
    GDALDatasetH ds = GDALOpenEx(dsn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, (const char *const[]){"PostgreSQL", NULL},
                                 open_opts, NULL);
    if (!ds)
        return lc_error(ctx, LC_ERR_IO, "cannot open the PostGIS output %s (%s)", out->shown, gdal_reason(ctx));
    out->db = ds;
    char *sql = lc_sprintf(ctx, "CREATE SCHEMA IF NOT EXISTS \"%s\"", schema);
    lc_status st = sql ? LC_OK : LC_ERR_NOMEM;
    if (st == LC_OK && GDALDatasetStartTransaction(ds, TRUE) != OGRERR_NONE)
        st = lc_error(ctx, LC_ERR_IO, "%s: cannot start a transaction (%s)", out->shown, gdal_reason(ctx));
    if (st == LC_OK)
        st = pg_exec(ctx, out, sql, "create the output schema");
    free(sql);
    if (st != LC_OK) {
        GDALDatasetRollbackTransaction(ds);
        GDALClose(ds);
        out->db = NULL;
    }
    return st;
}

lc_output *lc_output_begin(lc_context *ctx, const char *dir, const lc_crs *crs,
                           const lc_output_options *options)
{
    if (!ctx)
        return NULL;
    if (!dir || !crs || !options) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_output_begin: dir, crs and options must not be NULL");
        return NULL;
    }
    if ((unsigned)options->format > LC_FORMAT_POSTGIS) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_output_begin: unknown output format %d", (int)options->format);
        return NULL;
    }
    int gbk = parse_encoding(options->encoding);
    if (gbk < 0) {
        lc_error(ctx, LC_ERR_MISUSE, "unknown output encoding '%s' (use UTF-8 or GBK)", options->encoding);
        return NULL;
    }
    if (gbk && options->format != LC_FORMAT_SHAPEFILE) {
        lc_error(ctx, LC_ERR_MISUSE, "the %s encoding applies to Shapefile output only; GeoPackage and "
                 "GeoJSON are always UTF-8", options->encoding);
        return NULL;
    }
    gdal_scope scope;
    lc_output *out = lc_calloc(ctx, 1, sizeof *out);
    if (!out)
        return NULL;
    out->ctx = ctx;
    out->format = options->format;
    out->gbk = gbk;
    if (!(out->shown = lc_conninfo_redact(ctx, dir)))
        goto fail;
    for (size_t n = strlen(out->shown); n > 1 && out->shown[n - 1] == '/'; n--)
        out->shown[n - 1] = '\0';
    if (gdal_enter(ctx, &scope) != LC_OK)
        goto fail;
    out->srs = make_srs(ctx, crs);
    gdal_leave(ctx, &scope);
    if (!out->srs)
        goto fail;
    if (options->format == LC_FORMAT_GEOJSON && !OSRGetAuthorityName(out->srs, NULL))
        lc_log(ctx, LC_LOG_WARNING, "the working CRS %s has no EPSG code, so the GeoJSON files cannot "
               "name it and most programs will read them as WGS 84; prefer GeoPackage",
               lc_crs_name(crs));
    if (options->format == LC_FORMAT_POSTGIS) {
        if (gdal_enter(ctx, &scope) != LC_OK)
            goto fail;
        lc_status st = begin_postgis(ctx, out, dir, options);
        gdal_leave(ctx, &scope);
        if (st != LC_OK)
            goto fail;
        return out;
    }
    if (lc_atomic_dir_begin(ctx, dir, options->overwrite, &out->dir) != LC_OK)
        goto fail;
    return out;
fail:
    output_free(out);
    return NULL;
}

/* ---- creating layers ------------------------------------------------------------------------ */

/* Checks the field definitions: full names present, UTF-8, unique ignoring case and not "fid" or
 * "geom" (GeoPackage's own columns); short names 1-10 ASCII letters, digits or '_' starting with a
 * letter (what dBASE, ArcGIS and QGIS all accept) and unique ignoring case; known types; width
 * 0-254 and precision 0-15. LC_OK or LC_ERR_MISUSE naming the layer and field. */
static lc_status check_fields(lc_context *ctx, const char *layer, const lc_field_def *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const lc_field_def *f = &fields[i];
        if (!f->name || !*f->name || !CPLIsUTF8(f->name, -1))
            return lc_error(ctx, LC_ERR_MISUSE, "layer %s: field %zu has no name or one that is not UTF-8",
                            layer, i + 1);
        if (!strcasecmp(f->name, "fid") || !strcasecmp(f->name, "geom"))
            return lc_error(ctx, LC_ERR_MISUSE, "layer %s: field name '%s' is reserved for GeoPackage's "
                            "feature id and geometry columns", layer, f->name);
        if ((unsigned)f->type > LC_FIELD_REAL)
            return lc_error(ctx, LC_ERR_MISUSE, "layer %s, field %s: unknown field type %d", layer, f->name,
                            (int)f->type);
        const char *s = f->short_name;
        if (!s || !*s)
            return lc_error(ctx, LC_ERR_MISUSE, "layer %s, field %s: no short name (needed for Shapefile)",
                            layer, f->name);
        size_t len = strlen(s);
        int ok = len <= LC_SHORT_NAME_MAX &&
                 ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'));
        for (size_t k = 0; ok && k < len; k++)
            ok = (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z') ||
                 (s[k] >= '0' && s[k] <= '9') || s[k] == '_';
        if (!ok)
            return lc_error(ctx, LC_ERR_MISUSE,
                            "layer %s, field %s: short name '%s' must be 1 to %d ASCII letters, digits or "
                            "'_', starting with a letter (%zu bytes given)",
                            layer, f->name, s, LC_SHORT_NAME_MAX, len);
        if (f->width < 0 || f->width > LC_DBF_WIDTH_MAX || f->precision < 0 || f->precision > 15)
            return lc_error(ctx, LC_ERR_MISUSE, "layer %s, field %s: width %d or precision %d out of range "
                            "(0-%d, 0-15)", layer, f->name, f->width, f->precision, LC_DBF_WIDTH_MAX);
        for (size_t j = 0; j < i; j++) {
            if (!strcasecmp(fields[j].name, f->name))
                return lc_error(ctx, LC_ERR_MISUSE, "layer %s: field name '%s' is used twice (names are "
                                "compared ignoring case)", layer, f->name);
            if (!strcasecmp(fields[j].short_name, s))
                return lc_error(ctx, LC_ERR_MISUSE, "layer %s: fields %s and %s have the same short name "
                                "'%s' (short names are compared ignoring case)", layer, fields[j].name,
                                f->name, s);
        }
    }
    return LC_OK;
}

/* The OGR layer type for a GEOS type id: lines and polygons become their multi types (Shapefile
 * does not tell them apart, GeoPackage and GeoJSON readers expect one type per layer). -1 if the
 * type cannot be a layer type. */
static int layer_type(int geos_type, OGRwkbGeometryType *type)
{
    switch (geos_type) {
    case GEOS_POINT: *type = wkbPoint; return 0;
    case GEOS_MULTIPOINT: *type = wkbMultiPoint; return 0;
    case GEOS_LINESTRING:
    case GEOS_MULTILINESTRING: *type = wkbMultiLineString; return 0;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON: *type = wkbMultiPolygon; return 0;
    default: return -1;
    }
}

/* The files a layer puts into the directory; names[0] is the main one. Returns the count, or 0
 * when a name would not fit (cannot happen for valid layer names). */
static size_t layer_files(const lc_output *out, const char *name, writer_kind kind,
                          char names[][LC_NAME_MAX + 16])
{
    static const char *const shp_ext[] = {".shp", ".shx", ".dbf", ".prj", ".cpg", "_fields.csv"};
    size_t n = 0;
    if (kind == KIND_CSV) {
        snprintf(names[n++], LC_NAME_MAX + 16, "%s.csv", name);
    } else if (kind == KIND_DB && out->format == LC_FORMAT_POSTGIS) {
        snprintf(names[n++], LC_NAME_MAX + 16, "%s%s", out->prefix, name);
    } else if (kind == KIND_DB) {
        snprintf(names[n++], LC_NAME_MAX + 16, "%s", LC_GPKG_FILE);
    } else if (out->format == LC_FORMAT_SHAPEFILE) {
        for (size_t i = 0; i < sizeof shp_ext / sizeof shp_ext[0]; i++)
            snprintf(names[n++], LC_NAME_MAX + 16, "%s%s", name, shp_ext[i]);
    } else {
        snprintf(names[n++], LC_NAME_MAX + 16, "%s.geojson", name);
    }
    return n;
}

/* Writes a whole file into the temporary directory. LC_OK or LC_ERR_IO naming shown. */
static lc_status write_file(lc_context *ctx, const lc_output *out, const char *file, const char *data,
                            size_t len)
{
    char *path = lc_sprintf(ctx, "%s/%s", out->dir.tmp, file);
    if (!path)
        return LC_ERR_NOMEM;
    lc_status status = LC_OK;
    FILE *f = fopen(path, "wb");
    int err = errno;
    if (f) {
        int ok = fwrite(data, 1, len, f) == len;
        err = errno;
        if (fclose(f) != 0 && ok) {
            ok = 0;
            err = errno;
        }
        if (!ok)
            unlink(path);
        f = ok ? f : NULL;
    }
    if (!f)
        status = lc_error(ctx, LC_ERR_IO, "cannot write %s/%s (%s)", out->shown, file, strerror(err));
    free(path);
    return status;
}

/* Writes <layer>_fields.csv: UTF-8 with a byte-order mark (so Excel shows the Chinese), one row
 * per field: short_name,name,type,unit,zh,en. */
static lc_status write_dictionary(lc_context *ctx, const lc_output *out, const char *file,
                                  const lc_field_def *fields, size_t n)
{
    lc_csv b;
    lc_status st = lc_csv_begin(ctx, &b);
    const char *header[] = {"short_name", "name", "type", "unit", "zh", "en"};
    for (size_t k = 0; k < 6 && st == LC_OK; k++)
        st = lc_csv_text(ctx, &b, header[k], k == 0);
    if (st == LC_OK)
        st = lc_csv_end_row(ctx, &b);
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        const lc_field_def *f = &fields[i];
        const char *row[] = {f->short_name, f->name, type_name(f->type), f->unit, f->zh, f->en};
        for (size_t k = 0; k < 6 && st == LC_OK; k++)
            st = lc_csv_text(ctx, &b, row[k], k == 0);
        if (st == LC_OK)
            st = lc_csv_end_row(ctx, &b);
    }
    if (st == LC_OK)
        st = write_file(ctx, out, file, b.text, b.len);
    lc_csv_free(&b);
    return st;
}

/* Creates lifecircle.gpkg (once) and starts the transaction every GeoPackage write goes into. */
static lc_status open_gpkg(lc_context *ctx, lc_output *out)
{
    if (out->db)
        return LC_OK;
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    char *path = lc_sprintf(ctx, "%s/%s", out->dir.tmp, LC_GPKG_FILE);
    if (!path)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    GDALDatasetH ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds) {
        st = lc_error(ctx, LC_ERR_IO, "cannot create %s/%s (%s)", out->shown, LC_GPKG_FILE,
                      drv ? gdal_reason(ctx) : "GDAL has no GPKG driver");
    } else if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        st = lc_error(ctx, LC_ERR_IO, "cannot start writing %s/%s (%s)", out->shown, LC_GPKG_FILE,
                      gdal_reason(ctx));
        GDALClose(ds);
        unlink(path);
    } else {
        out->db = ds;
        if (names_add(ctx, &out->files, LC_GPKG_FILE) != LC_OK)
            st = LC_ERR_NOMEM; /* the file stays; the next layer will reuse it */
    }
    free(path);
    return st;
}

/* Frees a writer's memory and handles without flushing anything (the files are dealt with by the
 * caller). */
static void writer_free(lc_layer_writer *w)
{
    if (!w)
        return;
    if (w->wkb)
        GEOSWKBWriter_destroy_r(lc_ctx_geos(w->out->ctx), w->wkb);
    if (w->gbk != (iconv_t)-1)
        iconv_close(w->gbk);
    free(w->index);
    free(w->name);
    free(w->file);
    free(w->shown);
    free(w);
}

/* Unlinks w from its output's open list. */
static void writer_unlink(lc_layer_writer *w)
{
    for (lc_layer_writer **p = &w->out->open; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    w->next = NULL;
}

/* Removes whatever a writer created (its files, or its GeoPackage table) and frees it; used when
 * layer creation fails half-way and on abort. Inside a GDAL scope. */
static void writer_discard(lc_context *ctx, lc_layer_writer *w)
{
    lc_output *out = w->out;
    if (w->csv)
        fclose(w->csv);
    if (w->ds)
        GDALClose(w->ds);
    if (w->kind == KIND_DB && out->format == LC_FORMAT_POSTGIS) {
        out->broken = 1; /* the table may be half made: only a rollback undoes it */
    } else if (w->kind == KIND_DB && w->layer && out->db) {
        for (int i = 0; i < GDALDatasetGetLayerCount(out->db); i++) {
            if (GDALDatasetGetLayer(out->db, i) == w->layer) {
                if (GDALDatasetDeleteLayer(out->db, i) != OGRERR_NONE)
                    out->broken = 1;
                break;
            }
        }
    }
    if (w->kind != KIND_DB) {
        char files[6][LC_NAME_MAX + 16];
        size_t n = layer_files(out, w->name, w->kind, files);
        for (size_t i = 0; i < n; i++) {
            char *path = lc_sprintf(ctx, "%s/%s", out->dir.tmp, files[i]);
            if (path)
                unlink(path);
            free(path);
        }
    }
    writer_free(w);
}

/* Creates the OGR fields of w (full or short names) and records their indexes. */
static lc_status create_fields(lc_context *ctx, lc_layer_writer *w)
{
    int shp = w->out->format == LC_FORMAT_SHAPEFILE;
    for (size_t i = 0; i < w->nfields; i++) {
        const lc_field_def *f = &w->fields[i];
        const char *name = shp ? f->short_name : f->name;
        OGRFieldType t = f->type == LC_FIELD_STRING ? OFTString
                         : f->type == LC_FIELD_INTEGER ? OFTInteger64 : OFTReal;
        OGRFieldDefnH fd = OGR_Fld_Create(name, t);
        if (shp && f->width > 0 && f->type != LC_FIELD_REAL)
            OGR_Fld_SetWidth(fd, f->width);
        if (shp && f->type == LC_FIELD_REAL && f->precision > 0) { /* else GDAL's 24.15 */
            OGR_Fld_SetWidth(fd, f->width > 0 ? f->width : 24);
            OGR_Fld_SetPrecision(fd, f->precision);
        }
        OGRErr err = OGR_L_CreateField(w->layer, fd, FALSE);
        OGR_Fld_Destroy(fd);
        w->index[i] = err == OGRERR_NONE ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(w->layer), name) : -1;
        if (w->index[i] < 0)
            return lc_error(ctx, LC_ERR_IO, "%s (layer %s): cannot create field %s (%s)", w->shown, w->name,
                            name, gdal_reason(ctx));
    }
    return LC_OK;
}

/* PostGIS: drops <schema>.<table> if a previous run left it, inside the output's transaction (so a
 * failed run brings it back). Through GDAL first, so its list of layers stays right; then by SQL
 * for a table GDAL does not list. A view or anything else that is not a table fails (LC_ERR_IO).
 * Inside a GDAL scope. */
static lc_status pg_drop_previous(lc_context *ctx, lc_layer_writer *w)
{
    lc_output *out = w->out;
    char *full = lc_sprintf(ctx, "%s.%s", out->schema, w->file);
    if (!full)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    CPLErrorReset();
    OGRLayerH old = GDALDatasetGetLayerByName(out->db, full);
    for (int i = 0; old && i < GDALDatasetGetLayerCount(out->db); i++) {
        if (GDALDatasetGetLayer(out->db, i) == old) {
            if (GDALDatasetDeleteLayer(out->db, i) != OGRERR_NONE)
                st = lc_error(ctx, LC_ERR_IO, "%s: cannot replace the previous %s (%s)", w->shown, full,
                              gdal_reason(ctx));
            break;
        }
    }
    free(full);
    if (st == LC_OK && CPLGetLastErrorType() >= CE_Failure)
        st = lc_error(ctx, LC_ERR_IO, "%s: cannot replace the previous table (%s)", w->shown, gdal_reason(ctx));
    if (st != LC_OK)
        return st;
    char *sql = lc_sprintf(ctx, "DROP TABLE IF EXISTS \"%s\".\"%s\" CASCADE", out->schema, w->file);
    if (!sql)
        return LC_ERR_NOMEM;
    st = pg_exec(ctx, out, sql, "replace the previous table");
    free(sql);
    return st;
}

/* Creates the storage of a writer whose kind, name and fields are set. Inside a GDAL scope. */
static lc_status writer_open(lc_context *ctx, lc_layer_writer *w)
{
    lc_output *out = w->out;
    if (w->kind == KIND_CSV) {
        char *path = lc_sprintf(ctx, "%s/%s", out->dir.tmp, w->file);
        if (!path)
            return LC_ERR_NOMEM;
        w->csv = fopen(path, "wb");
        int err = errno;
        free(path);
        if (!w->csv)
            return lc_error(ctx, LC_ERR_IO, "cannot create %s (%s)", w->shown, strerror(err));
        lc_csv b;
        lc_status st = lc_csv_begin(ctx, &b);
        for (size_t i = 0; i < w->nfields && st == LC_OK; i++)
            st = lc_csv_text(ctx, &b, w->fields[i].name, i == 0);
        if (st == LC_OK)
            st = lc_csv_end_row(ctx, &b);
        if (st == LC_OK && fwrite(b.text, 1, b.len, w->csv) != b.len)
            st = lc_error(ctx, LC_ERR_IO, "cannot write %s (%s)", w->shown, strerror(errno));
        lc_csv_free(&b);
        return st;
    }

    char **opts = NULL;
    const char *layer_name = w->name;
    if (w->kind == KIND_DB && out->format == LC_FORMAT_POSTGIS) {
        lc_status st = pg_drop_previous(ctx, w);
        if (st != LC_OK)
            return st;
        layer_name = w->file;
        opts = CSLSetNameValue(opts, "SCHEMA", out->schema);
        opts = CSLSetNameValue(opts, "LAUNDER", "NO");
        opts = CSLSetNameValue(opts, "FID", "fid");
        if (w->ogr_type != wkbNone) {
            opts = CSLSetNameValue(opts, "GEOMETRY_NAME", "geom");
            opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "GIST");
        }
    } else if (w->kind == KIND_DB) {
        lc_status st = open_gpkg(ctx, out);
        if (st != LC_OK)
            return st;
    } else {
        int shp = out->format == LC_FORMAT_SHAPEFILE;
        if (shp) {
            char dict[LC_NAME_MAX + 16];
            snprintf(dict, sizeof dict, "%s_fields.csv", w->name);
            lc_status st = write_dictionary(ctx, out, dict, w->fields, w->nfields);
            if (st != LC_OK)
                return st;
            opts = CSLSetNameValue(opts, "ENCODING", out->gbk ? LC_GBK_LDID : "UTF-8");
            opts = CSLSetNameValue(opts, "RESIZE", "YES");
            opts = CSLSetNameValue(opts, "DBF_DATE_LAST_UPDATE", LC_FIXED_DBF_DATE);
        } else {
            opts = CSLSetNameValue(opts, "RFC7946", "NO");
        }
        GDALDriverH drv = GDALGetDriverByName(shp ? "ESRI Shapefile" : "GeoJSON");
        char *path = lc_sprintf(ctx, "%s/%s", out->dir.tmp, w->file);
        if (!path) {
            CSLDestroy(opts);
            return LC_ERR_NOMEM;
        }
        w->ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        free(path);
        if (!w->ds) {
            CSLDestroy(opts);
            return lc_error(ctx, LC_ERR_IO, "cannot create %s (%s)", w->shown,
                            drv ? gdal_reason(ctx) : "GDAL lacks the driver");
        }
    }
    GDALDatasetH ds = w->kind == KIND_DB ? out->db : w->ds;
    w->layer = GDALDatasetCreateLayer(ds, layer_name, w->ogr_type == wkbNone ? NULL : out->srs, w->ogr_type,
                                      opts);
    CSLDestroy(opts);
    if (!w->layer)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot create layer %s (%s)", w->shown, w->name,
                        gdal_reason(ctx));
    return create_fields(ctx, w);
}

lc_layer_writer *lc_output_layer_create(lc_context *ctx, lc_output *out, const char *name,
                                        int geometry_type, const lc_field_def *fields, size_t nfields)
{
    if (!ctx)
        return NULL;
    if (!out || !name || (nfields && !fields)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_output_layer_create: out, name and fields must not be NULL");
        return NULL;
    }
    if (out->ctx != ctx) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_output_layer_create: the output belongs to another context");
        return NULL;
    }
    if (out->broken) {
        lc_error(ctx, LC_ERR_IO, "%s: an earlier write failed; abort the output", out->shown);
        return NULL;
    }
    if (!is_file_name(name)) {
        lc_error(ctx, LC_ERR_MISUSE, "layer name '%s' cannot be a file name (1-%d bytes of UTF-8, no "
                 "/ \\ : * ? \" < > | or control characters, not starting with '.' or ending with '.' "
                 "or a space)", name, LC_NAME_MAX);
        return NULL;
    }
    OGRwkbGeometryType type = wkbNone;
    if (geometry_type != -1 && layer_type(geometry_type, &type) != 0) {
        lc_error(ctx, LC_ERR_MISUSE, "layer %s: geometry type %d is not a point, line or polygon type",
                 name, geometry_type);
        return NULL;
    }
    if (check_fields(ctx, name, fields, nfields) != LC_OK)
        return NULL;
    writer_kind kind = out->format == LC_FORMAT_GPKG || out->format == LC_FORMAT_POSTGIS ? KIND_DB
                       : type == wkbNone             ? KIND_CSV
                                                     : KIND_OGR_FILE;
    char files[6][LC_NAME_MAX + 16];
    size_t nfiles = layer_files(out, name, kind, files);
    if (out->format == LC_FORMAT_POSTGIS && !is_pg_ident(files[0], 0)) {
        lc_error(ctx, LC_ERR_MISUSE, "layer %s: PostGIS table name '%s' must be lower-case ASCII letters, digits "
                 "and '_' (not starting with a digit, at most %d bytes)", name, files[0], LC_PG_IDENT_MAX);
        return NULL;
    }
    if (names_has(&out->layers, name)) {
        lc_error(ctx, LC_ERR_MISUSE, "%s: layer name %s is used twice (names are compared ignoring case)",
                 out->shown, name);
        return NULL;
    }
    for (size_t i = 0; i < nfiles && kind != KIND_DB; i++) {
        if (names_has(&out->files, files[i])) {
            lc_error(ctx, LC_ERR_MISUSE, "%s: layer %s would write %s, which is already in the output "
                     "(file names are compared ignoring case)", out->shown, name, files[i]);
            return NULL;
        }
    }

    gdal_scope scope = {0};
    lc_layer_writer *w = lc_calloc(ctx, 1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    w->gbk = (iconv_t)-1;
    w->kind = kind;
    w->fields = fields;
    w->nfields = nfields;
    w->ogr_type = type;
    if (!(w->name = lc_strdup(ctx, name)) || !(w->file = lc_strdup(ctx, files[0])) ||
        !(w->shown = out->format == LC_FORMAT_POSTGIS
                         ? lc_sprintf(ctx, "PostGIS table %s.%s", out->schema, files[0])
                         : lc_sprintf(ctx, "%s/%s", out->shown, files[0])) ||
        !(w->index = lc_calloc(ctx, nfields ? nfields : 1, sizeof *w->index))) {
        writer_free(w);
        return NULL;
    }
    if (type != wkbNone) {
        w->wkb = GEOSWKBWriter_create_r(lc_ctx_geos(ctx));
        if (!w->wkb) {
            lc_error(ctx, LC_ERR_NOMEM, "cannot create a GEOS WKB writer");
            writer_free(w);
            return NULL;
        }
        GEOSWKBWriter_setOutputDimension_r(lc_ctx_geos(ctx), w->wkb, 2);
    }
    if (kind == KIND_OGR_FILE && out->gbk) {
        w->gbk = iconv_open(LC_GBK_ICONV, "UTF-8");
        if (w->gbk == (iconv_t)-1) {
            lc_error(ctx, LC_ERR_UNSUPPORTED, "this system cannot convert UTF-8 to %s (iconv)", LC_GBK_ICONV);
            writer_free(w);
            return NULL;
        }
    }
    if (gdal_enter(ctx, &scope) != LC_OK) {
        writer_free(w);
        return NULL;
    }
    size_t nclaimed = out->files.n;
    lc_status st = writer_open(ctx, w);
    for (size_t i = 0; i < nfiles && st == LC_OK && kind != KIND_DB; i++)
        st = names_add(ctx, &out->files, files[i]);
    if (st == LC_OK)
        st = names_add(ctx, &out->layers, name);
    if (st != LC_OK) {
        while (out->files.n > nclaimed && kind != KIND_DB) /* the GeoPackage itself stays claimed */
            free(out->files.items[--out->files.n]);
        writer_discard(ctx, w);
        gdal_leave(ctx, &scope);
        return NULL;
    }
    gdal_leave(ctx, &scope);
    w->next = out->open;
    out->open = w;
    return w;
}

/* ---- adding features ------------------------------------------------------------------------ */

/* The length of the UTF-8 character starting at s (s is valid UTF-8). */
static size_t utf8_char_len(const char *s)
{
    size_t n = 1;
    while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* The bytes the n bytes of UTF-8 at s take in w's attribute encoding, or (size_t)-1 when GBK has
 * no code for a character (*bad then points at it). */
static size_t encoded_len(lc_layer_writer *w, const char *s, size_t n, const char **bad)
{
    if (w->gbk == (iconv_t)-1)
        return n;
    iconv(w->gbk, NULL, NULL, NULL, NULL);
    char buf[256];
    char *in = (char *)s; /* iconv does not write through it */
    size_t inleft = n, total = 0;
    while (inleft > 0) {
        char *o = buf;
        size_t oleft = sizeof buf;
        size_t rc = iconv(w->gbk, &in, &inleft, &o, &oleft);
        total += sizeof buf - oleft;
        if (rc == (size_t)-1 && errno != E2BIG) {
            *bad = in;
            return (size_t)-1;
        }
    }
    return total;
}

/* Checks that s can be written in w's encoding: valid UTF-8 and, for GBK, every character has a
 * GBK code; LC_ERR_DATA naming the feature and field otherwise. A Shapefile text longer than a
 * dBASE field can hold (254 bytes once encoded) is cut at a character boundary (GDAL would cut
 * through a character) into *cut, which the caller frees; the first cut in a layer is logged as a
 * warning. *cut stays NULL when s is written as it is. */
static lc_status prepare_text(lc_context *ctx, lc_layer_writer *w, const lc_field_def *f, const char *s,
                              char **cut)
{
    *cut = NULL;
    if (!CPLIsUTF8(s, -1))
        return lc_error(ctx, LC_ERR_DATA, "%s (layer %s, feature %lld, field %s): the text is not valid "
                        "UTF-8", w->shown, w->name, w->count, f->name);
    const char *bad = NULL;
    size_t len = encoded_len(w, s, strlen(s), &bad);
    if (len == (size_t)-1)
        return lc_error(ctx, LC_ERR_DATA, "%s (layer %s, feature %lld, field %s): '%.*s' in \"%s\" "
                        "has no GBK code; write the Shapefile in UTF-8 instead", w->shown, w->name,
                        w->count, f->name, (int)utf8_char_len(bad), bad, s);
    if (w->kind != KIND_OGR_FILE || w->out->format != LC_FORMAT_SHAPEFILE || len <= LC_DBF_WIDTH_MAX)
        return LC_OK;
    size_t keep = 0, used = 0;
    while (s[keep]) {
        size_t n = utf8_char_len(s + keep);
        size_t e = encoded_len(w, s + keep, n, &bad);
        if (used + e > LC_DBF_WIDTH_MAX)
            break;
        used += e;
        keep += n;
    }
    if (!(*cut = lc_malloc(ctx, keep + 1)))
        return LC_ERR_NOMEM;
    memcpy(*cut, s, keep);
    (*cut)[keep] = '\0';
    if (!w->warned_cut) {
        w->warned_cut = 1;
        lc_log(ctx, LC_LOG_WARNING, "%s (layer %s, feature %lld, field %s): text of %zu bytes cut to %zu "
               "to fit a Shapefile field (at most %d bytes); later cuts in this layer are not reported",
               w->shown, w->name, w->count, f->short_name, len, used, LC_DBF_WIDTH_MAX);
    }
    return LC_OK;
}

/* Names a GEOS type for messages ("Polygon"); buf receives a copy. */
static const char *geos_type_name(lc_context *ctx, const GEOSGeometry *g, char *buf, size_t size)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    char *t = GEOSGeomType_r(h, g);
    snprintf(buf, size, "%s", t ? t : "unknown geometry");
    if (t)
        GEOSFree_r(h, t);
    return buf;
}

/* Converts g into an OGR geometry of w's layer type through WKB: NULL and empty geometries become
 * *out = NULL (a null geometry); a single polygon, line or point is promoted to the layer's multi
 * type. LC_OK, LC_ERR_GEOMETRY (a type the layer cannot hold, or a conversion failure) or
 * LC_ERR_MISUSE (a geometry for a table). Caller frees *out with OGR_G_DestroyGeometry(). */
static lc_status to_ogr(lc_context *ctx, lc_layer_writer *w, const GEOSGeometry *g, OGRGeometryH *out)
{
    *out = NULL;
    if (!g)
        return LC_OK;
    if (w->ogr_type == wkbNone)
        return lc_error(ctx, LC_ERR_MISUSE, "%s (layer %s, feature %lld): the layer is a table and takes "
                        "no geometry", w->shown, w->name, w->count);
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    char tn[64];
    char empty = GEOSisEmpty_r(h, g);
    if (empty == 1)
        return LC_OK;
    int gt = GEOSGeomTypeId_r(h, g);
    int fits = 0;
    switch (w->ogr_type) {
    case wkbPoint: fits = gt == GEOS_POINT; break;
    case wkbMultiPoint: fits = gt == GEOS_POINT || gt == GEOS_MULTIPOINT; break;
    case wkbMultiLineString: fits = gt == GEOS_LINESTRING || gt == GEOS_MULTILINESTRING; break;
    case wkbMultiPolygon: fits = gt == GEOS_POLYGON || gt == GEOS_MULTIPOLYGON; break;
    default: break;
    }
    if (empty == 2 || gt < 0)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): GEOS cannot inspect the "
                        "geometry (%s)", w->shown, w->name, w->count, lc_ctx_geos_message(ctx));
    if (!fits)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): a %s cannot be written to a "
                        "%s layer", w->shown, w->name, w->count, geos_type_name(ctx, g, tn, sizeof tn),
                        OGRGeometryTypeToName(w->ogr_type));
    size_t size = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(h, w->wkb, g, &size);
    if (!wkb)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): GEOS cannot encode the %s as "
                        "WKB (%s)", w->shown, w->name, w->count, geos_type_name(ctx, g, tn, sizeof tn),
                        lc_ctx_geos_message(ctx));
    OGRGeometryH og = NULL;
    OGRErr err = OGR_G_CreateFromWkbEx(wkb, NULL, &og, size);
    GEOSFree_r(h, wkb);
    if (err != OGRERR_NONE || !og)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): GDAL cannot read the WKB of "
                        "the %s (%s)", w->shown, w->name, w->count, geos_type_name(ctx, g, tn, sizeof tn),
                        gdal_reason(ctx));
    if (w->ogr_type == wkbMultiPolygon)
        og = OGR_G_ForceToMultiPolygon(og);
    else if (w->ogr_type == wkbMultiLineString)
        og = OGR_G_ForceToMultiLineString(og);
    else if (w->ogr_type == wkbMultiPoint)
        og = OGR_G_ForceToMultiPoint(og);
    if (!og || wkbFlatten(OGR_G_GetGeometryType(og)) != w->ogr_type) {
        if (og)
            OGR_G_DestroyGeometry(og);
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): GDAL cannot turn the %s into "
                        "a %s", w->shown, w->name, w->count, geos_type_name(ctx, g, tn, sizeof tn),
                        OGRGeometryTypeToName(w->ogr_type));
    }
    *out = og;
    return LC_OK;
}

/* Appends one row to a CSV table. A row is written with one fwrite, so a failed call writes
 * nothing unless the disk fails half-way (then the output is marked broken). */
static lc_status add_csv_row(lc_context *ctx, lc_layer_writer *w, const lc_value *values)
{
    lc_csv b = {0};
    lc_status st = LC_OK;
    for (size_t i = 0; i < w->nfields && st == LC_OK; i++) {
        const lc_field_def *f = &w->fields[i];
        const lc_value *v = &values[i];
        if (v->is_null) {
            st = lc_csv_text(ctx, &b, NULL, i == 0);
        } else if (f->type == LC_FIELD_STRING) {
            char *cut = NULL; /* stays NULL: only Shapefile text is cut */
            if (!v->s || (st = prepare_text(ctx, w, f, v->s, &cut)) == LC_OK)
                st = lc_csv_text(ctx, &b, cut ? cut : v->s, i == 0);
            free(cut);
        } else if (f->type == LC_FIELD_INTEGER) {
            st = lc_csv_integer(ctx, &b, v->i, i == 0);
        } else {
            st = lc_csv_real(ctx, &b, v->d, i == 0);
        }
    }
    if (st == LC_OK)
        st = lc_csv_end_row(ctx, &b);
    if (st == LC_OK && fwrite(b.text, 1, b.len, w->csv) != b.len) {
        w->out->broken = 1;
        st = lc_error(ctx, LC_ERR_IO, "cannot write %s (%s)", w->shown, strerror(errno));
    }
    lc_csv_free(&b);
    return st;
}

/* Builds and writes one OGR feature with geometry og (taken; NULL: none). Inside a GDAL scope. */
static lc_status add_ogr_feature(lc_context *ctx, lc_layer_writer *w, OGRGeometryH og, const lc_value *values)
{
    lc_status st = LC_OK;
    OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(w->layer));
    if (!feat) {
        if (og)
            OGR_G_DestroyGeometry(og);
        return lc_error(ctx, LC_ERR_NOMEM, "%s (layer %s): cannot create a feature", w->shown, w->name);
    }
    if (og)
        OGR_F_SetGeometryDirectly(feat, og);
    for (size_t i = 0; i < w->nfields && st == LC_OK; i++) {
        const lc_field_def *f = &w->fields[i];
        const lc_value *v = &values[i];
        int k = w->index[i];
        if (v->is_null || (f->type == LC_FIELD_STRING && !v->s) ||
            (f->type == LC_FIELD_REAL && !isfinite(v->d)))
            OGR_F_SetFieldNull(feat, k);
        else if (f->type == LC_FIELD_STRING) {
            char *cut = NULL;
            if ((st = prepare_text(ctx, w, f, v->s, &cut)) == LC_OK)
                OGR_F_SetFieldString(feat, k, cut ? cut : v->s);
            free(cut);
        } else if (f->type == LC_FIELD_INTEGER)
            OGR_F_SetFieldInteger64(feat, k, v->i);
        else if (f->type == LC_FIELD_REAL)
            OGR_F_SetFieldDouble(feat, k, v->d);
    }
    if (st == LC_OK && OGR_L_CreateFeature(w->layer, feat) != OGRERR_NONE) {
        w->out->broken = 1;
        st = lc_error(ctx, LC_ERR_IO, "%s (layer %s, feature %lld): cannot write the feature (%s)", w->shown,
                      w->name, w->count, gdal_reason(ctx));
    }
    OGR_F_Destroy(feat);
    return st;
}

lc_status lc_layer_writer_add(lc_context *ctx, lc_layer_writer *w, const GEOSGeometry *g,
                              const lc_value *values)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!w || (w->nfields && !values))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_add: w and values must not be NULL");
    if (w->out->ctx != ctx)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_add: the writer belongs to another context");
    if (w->out->broken)
        return lc_error(ctx, LC_ERR_IO, "%s: an earlier write failed; abort the output", w->shown);
    w->count++;
    if (w->kind == KIND_CSV) {
        if (g)
            return lc_error(ctx, LC_ERR_MISUSE, "%s (layer %s, feature %lld): the layer is a table and "
                            "takes no geometry", w->shown, w->name, w->count);
        return add_csv_row(ctx, w, values);
    }
    gdal_scope scope;
    lc_status st = gdal_enter(ctx, &scope);
    if (st != LC_OK)
        return st;
    OGRGeometryH og = NULL;
    st = to_ogr(ctx, w, g, &og);
    if (st == LC_OK)
        st = add_ogr_feature(ctx, w, og, values);
    gdal_leave(ctx, &scope);
    return st;
}

/* Lines straight into OGR; see output_int.h. */
lc_status lc_layer_writer_add_lines(lc_context *ctx, lc_layer_writer *w, const lc_xy *points, const size_t *start,
                                    size_t nlines, const lc_value *values)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!w || (w->nfields && !values) || (nlines && (!points || !start)))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_add_lines: w, values and the lines must not be NULL");
    if (w->out->ctx != ctx)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_add_lines: the writer belongs to another context");
    if (w->out->broken)
        return lc_error(ctx, LC_ERR_IO, "%s: an earlier write failed; abort the output", w->shown);
    w->count++;
    if (w->kind == KIND_CSV || w->ogr_type != wkbMultiLineString)
        return lc_error(ctx, LC_ERR_MISUSE, "%s (layer %s, feature %lld): lines go only to a line layer", w->shown,
                        w->name, w->count);
    for (size_t k = 0; k < nlines; k++)
        if (start[k + 1] < start[k] + 2 || start[k + 1] - start[k] > INT_MAX)
            return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): line %zu has %zu points", w->shown,
                            w->name, w->count, k, start[k + 1] - start[k]);
    gdal_scope scope;
    lc_status st = gdal_enter(ctx, &scope);
    if (st != LC_OK)
        return st;
    OGRGeometryH og = nlines ? OGR_G_CreateGeometry(wkbMultiLineString) : NULL;
    for (size_t k = 0; og && k < nlines; k++) {
        OGRGeometryH line = OGR_G_CreateGeometry(wkbLineString);
        if (!line) {
            OGR_G_DestroyGeometry(og);
            og = NULL;
            break;
        }
        const lc_xy *p = points + start[k];
        OGR_G_SetPoints(line, (int)(start[k + 1] - start[k]), &p->x, sizeof *p, &p->y, sizeof *p, NULL, 0);
        if (OGR_G_AddGeometryDirectly(og, line) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(line);
            OGR_G_DestroyGeometry(og);
            og = NULL;
        }
    }
    if (nlines && !og)
        st = lc_error(ctx, LC_ERR_NOMEM, "%s (layer %s, feature %lld): cannot build its lines", w->shown, w->name,
                      w->count);
    else
        st = add_ogr_feature(ctx, w, og, values);
    gdal_leave(ctx, &scope);
    return st;
}

/* ---- closing, text files, commit, abort ----------------------------------------------------- */

/* Flushes and closes a writer's storage. Inside a GDAL scope. LC_OK or LC_ERR_IO. */
static lc_status writer_finish(lc_context *ctx, lc_layer_writer *w)
{
    lc_output *out = w->out;
    lc_status st = LC_OK;
    if (w->kind == KIND_CSV) {
        FILE *f = w->csv;
        w->csv = NULL;
        if (fclose(f) != 0)
            st = lc_error(ctx, LC_ERR_IO, "cannot finish %s (%s)", w->shown, strerror(errno));
    } else if (w->kind == KIND_OGR_FILE) {
        GDALDatasetH ds = w->ds;
        w->ds = NULL;
        if (close_dataset(ds) != 0)
            st = lc_error(ctx, LC_ERR_IO, "cannot finish %s (layer %s): %s", w->shown, w->name,
                          gdal_reason(ctx));
        if (st == LC_OK && out->format == LC_FORMAT_SHAPEFILE && out->gbk) {
            char cpg[LC_NAME_MAX + 16];
            snprintf(cpg, sizeof cpg, "%s.cpg", w->name);
            st = write_file(ctx, out, cpg, LC_GBK_CPG, strlen(LC_GBK_CPG));
        }
    } else if (OGR_L_SyncToDisk(w->layer) != OGRERR_NONE) {
        st = lc_error(ctx, LC_ERR_IO, "cannot finish %s (layer %s): %s", w->shown, w->name, gdal_reason(ctx));
    }
    if (st != LC_OK)
        out->broken = 1;
    return st;
}

lc_status lc_layer_writer_close(lc_context *ctx, lc_layer_writer *w)
{
    if (!w)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_close: w is NULL") : LC_ERR_MISUSE;
    lc_context *own = w->out->ctx; /* the writer is freed with its own context whatever ctx is */
    writer_unlink(w);
    gdal_scope scope;
    lc_status st = gdal_enter(own, &scope);
    if (st == LC_OK) {
        st = writer_finish(own, w);
        gdal_leave(own, &scope);
    }
    if (st != LC_OK)
        w->out->broken = 1;
    writer_free(w);
    if (ctx != own)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_close: the writer belongs to another "
                              "context (it was closed anyway)") : LC_ERR_MISUSE;
    return st;
}

/* PostGIS: stores a text file as a row (name, body) of <prefix>metadata, creating that table with
 * the first text. The caller has claimed name. LC_OK, or the error of the table or the row. */
static lc_status pg_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text)
{
    static const lc_field_def defs[] = {
        {"name", "NAME", LC_FIELD_STRING, 0, 0, "名称", "File name the text would have in a directory", ""},
        {"body", "BODY", LC_FIELD_STRING, 0, 0, "内容", "The text (UTF-8)", ""},
    };
    if (!out->meta) {
        lc_layer_writer *w = lc_output_layer_create(ctx, out, LC_PG_METADATA, -1, defs, 2);
        if (!w)
            return lc_context_errno(ctx);
        writer_unlink(w); /* held apart from the caller's writers; closed by lc_output_commit */
        out->meta = w;
    }
    lc_value v[2] = {{.s = name}, {.s = text}};
    return lc_layer_writer_add(ctx, out->meta, NULL, v);
}

/* The one path of lc_output_write_text and lc_output_write_file: checks, records the name, writes
 * (text only for PostGIS outputs, into their metadata table). */
static lc_status write_named(lc_context *ctx, lc_output *out, const char *fn, const char *name, const void *data,
                             size_t size, int is_text)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!out || !name || (!data && size))
        return lc_error(ctx, LC_ERR_MISUSE, "%s: out, name and the contents must not be NULL", fn);
    if (out->ctx != ctx)
        return lc_error(ctx, LC_ERR_MISUSE, "%s: the output belongs to another context", fn);
    if (!is_file_name(name))
        return lc_error(ctx, LC_ERR_MISUSE, "'%s' cannot be a file name (1-%d bytes of UTF-8, no / \\ : * ? "
                        "\" < > | or control characters, not starting with '.' or ending with '.' or a "
                        "space)", name, LC_NAME_MAX);
    if (!is_text && out->format == LC_FORMAT_POSTGIS)
        return lc_error(ctx, LC_ERR_MISUSE, "%s: %s is a binary file; PostGIS outputs hold only tables and text "
                        "(write reports and maps into a directory)", out->shown, name);
    if (names_has(&out->files, name))
        return lc_error(ctx, LC_ERR_MISUSE, "%s: %s is already in the output (file names are compared "
                        "ignoring case)", out->shown, name);
    lc_status st = names_add(ctx, &out->files, name);
    if (st != LC_OK)
        return st;
    st = out->format == LC_FORMAT_POSTGIS ? pg_write_text(ctx, out, name, data)
                                          : write_file(ctx, out, name, data ? data : "", size);
    if (st != LC_OK)
        free(out->files.items[--out->files.n]);
    return st;
}

lc_status lc_output_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text)
{
    if (ctx && !text)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_output_write_text: out, name and text must not be NULL");
    return write_named(ctx, out, "lc_output_write_text", name, text, text ? strlen(text) : 0, 1);
}

lc_status lc_output_write_file(lc_context *ctx, lc_output *out, const char *name, const void *data, size_t size)
{
    return write_named(ctx, out, "lc_output_write_file", name, data, size, 0);
}

/* Closes every open writer discarding its files, and the GeoPackage or PostGIS database (its open
 * transaction rolled back). Inside a GDAL scope. */
static void discard_all(lc_context *ctx, lc_output *out)
{
    if (out->meta) {
        writer_discard(ctx, out->meta);
        out->meta = NULL;
    }
    while (out->open) {
        lc_layer_writer *w = out->open;
        out->open = w->next;
        writer_discard(ctx, w);
    }
    if (out->db) {
        GDALDatasetRollbackTransaction(out->db);
        GDALClose(out->db);
        out->db = NULL;
    }
}

void lc_output_abort(lc_context *ctx, lc_output *out)
{
    if (!out)
        return;
    lc_context *own = out->ctx;
    (void)ctx; /* the output is released with its own context whatever ctx is */
    gdal_scope scope;
    int entered = gdal_enter(own, &scope) == LC_OK;
    discard_all(own, out);
    if (entered)
        gdal_leave(own, &scope);
    lc_atomic_dir_abort(own, &out->dir);
    output_free(out);
}

lc_status lc_output_commit(lc_context *ctx, lc_output *out)
{
    if (!out)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_output_commit: out is NULL") : LC_ERR_MISUSE;
    lc_context *own = out->ctx;
    lc_status st = LC_OK;
    if (ctx != own) {
        st = ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_output_commit: the output belongs to another context "
                            "(it was discarded)") : LC_ERR_MISUSE;
        lc_output_abort(own, out);
        return st;
    }
    if (out->open) {
        st = lc_error(ctx, LC_ERR_MISUSE, "%s: layer %s is still open; close every layer writer before "
                      "committing (the output was discarded)", out->shown, out->open->name);
    } else if (out->meta) {
        lc_layer_writer *meta = out->meta;
        out->meta = NULL;
        st = lc_layer_writer_close(ctx, meta);
    }
    if (st != LC_OK) {
        /* reported above */
    } else if (out->broken) {
        st = lc_error(ctx, LC_ERR_IO, "%s: an earlier write failed, so the output was discarded", out->shown);
    } else if (out->db) {
        gdal_scope scope;
        st = gdal_enter(ctx, &scope);
        if (st == LC_OK) {
            GDALDatasetH ds = out->db;
            out->db = NULL;
            const char *file = out->format == LC_FORMAT_POSTGIS ? "" : "/" LC_GPKG_FILE;
            if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
                st = lc_error(ctx, LC_ERR_IO, "cannot finish %s%s (%s)", out->shown, file, gdal_reason(ctx));
                GDALDatasetRollbackTransaction(ds);
                GDALClose(ds);
            } else if (close_dataset(ds) != 0) {
                st = lc_error(ctx, LC_ERR_IO, "cannot finish %s%s (%s)", out->shown, file, gdal_reason(ctx));
            }
            gdal_leave(ctx, &scope);
        }
    }
    if (st != LC_OK) {
        lc_output_abort(ctx, out);
        return st;
    }
    if (out->format != LC_FORMAT_POSTGIS)
        st = lc_atomic_dir_commit(ctx, &out->dir);
    output_free(out);
    return st;
}
