/*
 * outputs/vector.c — the output (include/lifecircle/output.h) through GDAL/OGR: Shapefile (one .shp
 * set per layer plus <layer>_fields.csv), GeoPackage (every layer in lifecircle.gpkg), GeoJSON (one
 * file per layer) and PostGIS (tables <schema>.<prefix><layer> in one transaction, text files as rows
 * of a metadata table); this file begins an output, keeps the names it uses, closes writers, writes
 * text files, commits and aborts. Creating layers is in outputs/vector_layers.c, adding features in
 * outputs/vector_features.c, what only PostGIS needs in outputs/vector_pg.c; the state they share in
 * outputs/vector_int.h. Output is deterministic: equal input gives byte-identical files (fixed
 * dates, see output.h). Where the files land and how the directory appears atomically lives in
 * outputs/atomic_dir.c; which layers and fields a check writes is decided in outputs/results.c.
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
#include "outputs/vector_int.h"

/* ---- small helpers -------------------------------------------------------------------------- */

/* Non-zero if set holds name, ignoring ASCII case. */
int lc_vec_names_has(const name_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcasecmp(set->items[i], name))
            return 1;
    return 0;
}

/* Adds a copy of name. LC_OK or LC_ERR_NOMEM. */
lc_status lc_vec_names_add(lc_context *ctx, name_set *set, const char *name)
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
int lc_vec_is_file_name(const char *name)
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
const char *lc_vec_type_name(lc_field_type type)
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

lc_status lc_vec_gdal_enter(lc_context *ctx, gdal_scope *scope)
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

void lc_vec_gdal_leave(lc_context *ctx, gdal_scope *scope)
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
const char *lc_vec_gdal_reason(const lc_context *ctx)
{
    const char *m = lc_gdal_last_message(ctx);
    return m && *m ? m : "GDAL gave no reason";
}

/* Closes a dataset and reports whether GDAL flagged a failure while flushing it (GDAL 3.6's
 * GDALClose returns nothing). 0 on success. */
int lc_vec_close_dataset(GDALDatasetH ds)
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
                 lc_vec_gdal_reason(ctx));
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
    if (lc_vec_gdal_enter(ctx, &scope) != LC_OK)
        goto fail;
    out->srs = make_srs(ctx, crs);
    lc_vec_gdal_leave(ctx, &scope);
    if (!out->srs)
        goto fail;
    if (options->format == LC_FORMAT_GEOJSON && !OSRGetAuthorityName(out->srs, NULL))
        lc_log(ctx, LC_LOG_WARNING, "the working CRS %s has no EPSG code, so the GeoJSON files cannot "
               "name it and most programs will read them as WGS 84; prefer GeoPackage",
               lc_crs_name(crs));
    if (options->format == LC_FORMAT_POSTGIS) {
        if (lc_vec_gdal_enter(ctx, &scope) != LC_OK)
            goto fail;
        lc_status st = lc_vec_begin_postgis(ctx, out, dir, options);
        lc_vec_gdal_leave(ctx, &scope);
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
        if (lc_vec_close_dataset(ds) != 0)
            st = lc_error(ctx, LC_ERR_IO, "cannot finish %s (layer %s): %s", w->shown, w->name,
                          lc_vec_gdal_reason(ctx));
        if (st == LC_OK && out->format == LC_FORMAT_SHAPEFILE && out->gbk) {
            char cpg[LC_NAME_MAX + 16];
            snprintf(cpg, sizeof cpg, "%s.cpg", w->name);
            st = lc_vec_write_file(ctx, out, cpg, LC_GBK_CPG, strlen(LC_GBK_CPG));
        }
    } else if (OGR_L_SyncToDisk(w->layer) != OGRERR_NONE) {
        st = lc_error(ctx, LC_ERR_IO, "cannot finish %s (layer %s): %s", w->shown, w->name, lc_vec_gdal_reason(ctx));
    } else if (w->own_index) {
        st = lc_gpkg_rtree_write(ctx, w);
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
    lc_vec_writer_unlink(w);
    lc_vec_gbk_warn(own, w);
    gdal_scope scope;
    lc_status st = lc_vec_gdal_enter(own, &scope);
    if (st == LC_OK) {
        st = writer_finish(own, w);
        lc_vec_gdal_leave(own, &scope);
    }
    if (st != LC_OK)
        w->out->broken = 1;
    lc_vec_writer_free(w);
    if (ctx != own)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_layer_writer_close: the writer belongs to another "
                              "context (it was closed anyway)") : LC_ERR_MISUSE;
    return st;
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
    if (!lc_vec_is_file_name(name))
        return lc_error(ctx, LC_ERR_MISUSE, "'%s' cannot be a file name (1-%d bytes of UTF-8, no / \\ : * ? "
                        "\" < > | or control characters, not starting with '.' or ending with '.' or a "
                        "space)", name, LC_NAME_MAX);
    if (!is_text && out->format == LC_FORMAT_POSTGIS)
        return lc_error(ctx, LC_ERR_MISUSE, "%s: %s is a binary file; PostGIS outputs hold only tables and text "
                        "(write reports and maps into a directory)", out->shown, name);
    if (lc_vec_names_has(&out->files, name))
        return lc_error(ctx, LC_ERR_MISUSE, "%s: %s is already in the output (file names are compared "
                        "ignoring case)", out->shown, name);
    lc_status st = lc_vec_names_add(ctx, &out->files, name);
    if (st != LC_OK)
        return st;
    st = out->format == LC_FORMAT_POSTGIS ? lc_vec_pg_write_text(ctx, out, name, data)
                                          : lc_vec_write_file(ctx, out, name, data ? data : "", size);
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
        lc_vec_writer_discard(ctx, out->meta);
        out->meta = NULL;
    }
    while (out->open) {
        lc_layer_writer *w = out->open;
        out->open = w->next;
        lc_vec_writer_discard(ctx, w);
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
    int entered = lc_vec_gdal_enter(own, &scope) == LC_OK;
    discard_all(own, out);
    if (entered)
        lc_vec_gdal_leave(own, &scope);
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
        st = lc_vec_gdal_enter(ctx, &scope);
        if (st == LC_OK) {
            GDALDatasetH ds = out->db;
            out->db = NULL;
            const char *file = out->format == LC_FORMAT_POSTGIS ? "" : "/" LC_GPKG_FILE;
            if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
                st = lc_error(ctx, LC_ERR_IO, "cannot finish %s%s (%s)", out->shown, file, lc_vec_gdal_reason(ctx));
                GDALDatasetRollbackTransaction(ds);
                GDALClose(ds);
            } else if (lc_vec_close_dataset(ds) != 0) {
                st = lc_error(ctx, LC_ERR_IO, "cannot finish %s%s (%s)", out->shown, file, lc_vec_gdal_reason(ctx));
            }
            lc_vec_gdal_leave(ctx, &scope);
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
