/*
 * outputs/vector_layers.c — creating an output layer (lc_output_layer_create): field definitions
 * checked, the storage chosen per format (its own Shapefile or GeoJSON dataset, a table of
 * lifecircle.gpkg or of the PostGIS database, or a CSV for tables without geometry), the field
 * dictionary beside a Shapefile, GBK attributes with their .cpg and language driver id, and the
 * removal of what a failed creation left. The output itself is outputs/vector.c.
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
lc_status lc_vec_write_file(lc_context *ctx, const lc_output *out, const char *file, const char *data,
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
        const char *row[] = {f->short_name, f->name, lc_vec_type_name(f->type), f->unit, f->zh, f->en};
        for (size_t k = 0; k < 6 && st == LC_OK; k++)
            st = lc_csv_text(ctx, &b, row[k], k == 0);
        if (st == LC_OK)
            st = lc_csv_end_row(ctx, &b);
    }
    if (st == LC_OK)
        st = lc_vec_write_file(ctx, out, file, b.text, b.len);
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
                      drv ? lc_vec_gdal_reason(ctx) : "GDAL has no GPKG driver");
    } else if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        st = lc_error(ctx, LC_ERR_IO, "cannot start writing %s/%s (%s)", out->shown, LC_GPKG_FILE,
                      lc_vec_gdal_reason(ctx));
        GDALClose(ds);
        unlink(path);
    } else {
        out->db = ds;
        if (lc_vec_names_add(ctx, &out->files, LC_GPKG_FILE) != LC_OK)
            st = LC_ERR_NOMEM; /* the file stays; the next layer will reuse it */
    }
    free(path);
    return st;
}

/* Frees a writer's memory and handles without flushing anything (the files are dealt with by the
 * caller). */
void lc_vec_writer_free(lc_layer_writer *w)
{
    if (!w)
        return;
    free(w->xy);
    free(w->rt);
    if (w->gbk != (iconv_t)-1)
        iconv_close(w->gbk);
    free(w->index);
    free(w->name);
    free(w->file);
    free(w->shown);
    free(w);
}

/* Unlinks w from its output's open list. */
void lc_vec_writer_unlink(lc_layer_writer *w)
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
void lc_vec_writer_discard(lc_context *ctx, lc_layer_writer *w)
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
    lc_vec_writer_free(w);
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
                            name, lc_vec_gdal_reason(ctx));
    }
    return LC_OK;
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
        lc_status st = lc_vec_pg_drop_previous(ctx, w);
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
        /* The spatial index is written in one pass when the layer closes (outputs/gpkg_rtree.c), not
         * row by row by GDAL 3.6. */
        if (w->ogr_type != wkbNone && lc_gpkg_sqlite(out->db)) {
            opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "NO");
            w->own_index = 1;
        }
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
                            drv ? lc_vec_gdal_reason(ctx) : "GDAL lacks the driver");
        }
    }
    GDALDatasetH ds = w->kind == KIND_DB ? out->db : w->ds;
    w->layer = GDALDatasetCreateLayer(ds, layer_name, w->ogr_type == wkbNone ? NULL : out->srs, w->ogr_type,
                                      opts);
    CSLDestroy(opts);
    if (!w->layer)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot create layer %s (%s)", w->shown, w->name,
                        lc_vec_gdal_reason(ctx));
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
    if (!lc_vec_is_file_name(name)) {
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
    if (out->format == LC_FORMAT_POSTGIS && !lc_vec_is_pg_ident(files[0], 0)) {
        lc_error(ctx, LC_ERR_MISUSE, "layer %s: PostGIS table name '%s' must be lower-case ASCII letters, digits "
                 "and '_' (not starting with a digit, at most %d bytes)", name, files[0], LC_PG_IDENT_MAX);
        return NULL;
    }
    if (lc_vec_names_has(&out->layers, name)) {
        lc_error(ctx, LC_ERR_MISUSE, "%s: layer name %s is used twice (names are compared ignoring case)",
                 out->shown, name);
        return NULL;
    }
    for (size_t i = 0; i < nfiles && kind != KIND_DB; i++) {
        if (lc_vec_names_has(&out->files, files[i])) {
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
        lc_vec_writer_free(w);
        return NULL;
    }
    if (kind == KIND_OGR_FILE && out->gbk) {
        w->gbk = iconv_open(LC_GBK_ICONV, "UTF-8");
        if (w->gbk == (iconv_t)-1) {
            lc_error(ctx, LC_ERR_UNSUPPORTED, "this system cannot convert UTF-8 to %s (iconv)", LC_GBK_ICONV);
            lc_vec_writer_free(w);
            return NULL;
        }
    }
    if (lc_vec_gdal_enter(ctx, &scope) != LC_OK) {
        lc_vec_writer_free(w);
        return NULL;
    }
    size_t nclaimed = out->files.n;
    lc_status st = writer_open(ctx, w);
    for (size_t i = 0; i < nfiles && st == LC_OK && kind != KIND_DB; i++)
        st = lc_vec_names_add(ctx, &out->files, files[i]);
    if (st == LC_OK)
        st = lc_vec_names_add(ctx, &out->layers, name);
    if (st != LC_OK) {
        while (out->files.n > nclaimed && kind != KIND_DB) /* the GeoPackage itself stays claimed */
            free(out->files.items[--out->files.n]);
        lc_vec_writer_discard(ctx, w);
        lc_vec_gdal_leave(ctx, &scope);
        return NULL;
    }
    lc_vec_gdal_leave(ctx, &scope);
    w->next = out->open;
    out->open = w;
    return w;
}

