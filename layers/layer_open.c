/*
 * layers/layer_open.c — opens the study's source of one layer for layers/layer.c's reader and for
 * the roads (lc_ogr_open): any GDAL vector source with its attribute encoding, PostgreSQL read-only
 * with the study's sql judged by the server first (layers/pg_input.c), the layer to read, the study's
 * where filter, and the source CRS (the study's, else the layer's; none is refused).
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <ctype.h>
#include <gdal.h>
#include <iconv.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"
#include "layers/quality_int.h"
#include "layers/reader_int.h"

/* ---- opening -------------------------------------------------------------------------------- */

/* True for encodings that need no recoding. */
static int is_utf8(const char *enc)
{
    return !enc || !*enc || strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

/* Maps user spellings of Chinese encodings onto the name GDAL/iconv know. */
static const char *gdal_encoding(const char *enc)
{
    if (strcasecmp(enc, "GBK") == 0 || strcasecmp(enc, "CP936") == 0 || strcasecmp(enc, "GB2312") == 0)
        return "CP936";
    if (strcasecmp(enc, "GB18030") == 0)
        return "GB18030";
    return enc;
}

/* LC_OK when iconv can recode from enc (a study's encoding, after gdal_encoding), else
 * LC_ERR_CONFIG naming where it was given: an unknown name would otherwise leave the text
 * unrecoded without a word. */
static lc_status check_encoding(reader *rd, const char *key, const char *enc)
{
    iconv_t cd = iconv_open("UTF-8", gdal_encoding(enc));
    if (cd != (iconv_t)-1) {
        iconv_close(cd);
        return LC_OK;
    }
    return lc_error(rd->ctx, LC_ERR_CONFIG, "%s: %s '%s' (for %s) is not an encoding this system can read; Chinese "
                    "data is GBK (also written CP936 or GB2312), GB18030 or UTF-8",
                    lc_study_path(rd->study) ? lc_study_path(rd->study) : "the study", key, enc, rd->path);
}

/* 1 when the character fields of the .dbf at path (its first 5,000 records) hold non-ASCII text and
 * all of it is valid UTF-8; 0 when not (or all ASCII); -1 when it cannot be read. Read here from the
 * bytes (dBase III: record count at 4, header and record lengths at 8 and 10, 32-byte field
 * descriptors), because GDAL recodes what it gives from the .cpg. */
static int dbf_text_is_utf8(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char h[32];
    if (!f || fread(h, 1, 32, f) != 32) {
        if (f)
            fclose(f);
        return -1;
    }
    unsigned nrec = h[4] | h[5] << 8 | h[6] << 16 | (unsigned)h[7] << 24, hlen = h[8] | h[9] << 8,
             rlen = h[10] | h[11] << 8;
    int result = -1;
    unsigned char *fd = hlen > 33 && rlen > 1 ? malloc(hlen - 32) : NULL, *rec = fd ? malloc(rlen + 1) : NULL;
    if (!rec || fread(fd, 1, hlen - 32, f) != hlen - 32)
        goto done;
    result = 0;
    int nonascii = 0, bad = 0;
    for (unsigned r = 0; r < nrec && r < 5000 && !bad && fread(rec, 1, rlen, f) == rlen; r++) {
        unsigned off = 1;
        for (unsigned k = 0; k + 32 <= hlen - 32 && fd[k] != 0x0D && off < rlen; k += 32) {
            unsigned len = fd[k + 16];
            if (fd[k + 11] == 'C' && off + len <= rlen) {
                char cell[256];
                memcpy(cell, rec + off, len);
                cell[len] = 0;
                for (unsigned i = 0; i < len; i++)
                    nonascii |= (unsigned char)cell[i] >= 0x80;
                bad |= !CPLIsUTF8(cell, -1);
            }
            off += len;
        }
    }
    result = nonascii && !bad;
done:
    free(fd), free(rec);
    fclose(f);
    return result;
}

/* Whether the file at path (its first 4 MB) holds non-ASCII text that is all valid UTF-8: 1 yes, 0
 * no (or all ASCII), -1 unreadable. A character cut at the 4 MB mark is not held against it. */
static int file_text_is_utf8(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    enum { CAP = 4 << 20 };
    char *buf = malloc(CAP + 1);
    size_t n = buf ? fread(buf, 1, CAP, f) : 0;
    int full = feof(f);
    fclose(f);
    if (!buf)
        return -1;
    int nonascii = 0;
    for (size_t i = 0; i < n && !nonascii; i++)
        nonascii = (unsigned char)buf[i] >= 0x80;
    /* drop a character cut at the end: up to 3 continuation bytes and their lead byte */
    size_t end = n;
    if (!full)
        for (int k = 0; k < 4 && end > 0 && ((unsigned char)buf[end - 1] & 0xC0) == 0x80; k++)
            end--;
    if (!full && end > 0 && (unsigned char)buf[end - 1] >= 0xC0)
        end--;
    buf[end] = 0;
    int ok = nonascii && memchr(buf, 0, end) == NULL && CPLIsUTF8(buf, (int)end);
    free(buf);
    return ok;
}

/* The study-wide encoding (study key `encoding`, --encoding) is a default for layers that need
 * one: it does not apply to a GeoPackage or PostgreSQL (UTF-8 by definition), a Shapefile with a
 * .cpg (the .cpg says), or a file whose text is valid UTF-8 (a GBK default would garble it). Returns
 * why it does not apply to path, or NULL when it does. */
static const char *global_encoding_skip(const char *path, int pg)
{
    size_t n = strlen(path);
    if (pg)
        return "PostgreSQL gives its text in UTF-8";
    if (n >= 5 && !strcasecmp(path + n - 5, ".gpkg"))
        return "GeoPackage text is UTF-8 by definition";
    if (n >= 4 && !strcasecmp(path + n - 4, ".shp")) {
        char side[4096];
        struct stat st;
        snprintf(side, sizeof side, "%.*s.cpg", (int)(n - 4), path);
        int cpg = stat(side, &st) == 0;
        snprintf(side, sizeof side, "%.*s.CPG", (int)(n - 4), path);
        cpg |= stat(side, &st) == 0;
        if (cpg)
            return "its .cpg names the encoding";
        snprintf(side, sizeof side, "%.*s.dbf", (int)(n - 4), path);
        int utf8 = dbf_text_is_utf8(side);
        if (utf8 != 1) {
            snprintf(side, sizeof side, "%.*s.DBF", (int)(n - 4), path);
            utf8 = utf8 == 1 ? 1 : dbf_text_is_utf8(side);
        }
        return utf8 == 1 ? "its text is valid UTF-8" : NULL;
    }
    return file_text_is_utf8(path) == 1 ? "its text is valid UTF-8" : NULL;
}

/* Whether the file at path (its first 4 MB; a Shapefile's .dbf) holds only ASCII bytes. */
static int file_is_ascii(const char *path)
{
    size_t n = strlen(path);
    char dbf[4096];
    if (n >= 4 && !strcasecmp(path + n - 4, ".shp")) {
        snprintf(dbf, sizeof dbf, "%.*s.dbf", (int)(n - 4), path);
        if (access(dbf, F_OK) != 0)
            snprintf(dbf, sizeof dbf, "%.*s.DBF", (int)(n - 4), path);
        path = dbf;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char buf[65536];
    size_t got, total = 0;
    int ascii = 1;
    while (ascii && total < (4u << 20) && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < got && ascii; i++)
            ascii = buf[i] < 0x80;
        total += got;
    }
    fclose(f);
    return ascii;
}

const char *lc_source_encoding_guess(const char *path, const char **why)
{
    const char *skip = global_encoding_skip(path, lc_conninfo_is_pg(path));
    if (!skip && file_is_ascii(path))
        skip = "its text is ASCII only";
    *why = skip ? skip : "no .cpg, and the text is not valid UTF-8: most likely GBK (Chinese Windows software, "
                         "Excel's CSV)";
    return skip ? NULL : "GBK";
}

/* The encoding a Shapefile's .cpg names: a warning when it is one this system cannot read (GDAL then
 * leaves the text as it is, read as UTF-8), or a Chinese one while the .dbf's text is valid UTF-8
 * (a .cpg copied from other data: GDAL would garble every name). */
static lc_status check_cpg(reader *rd, const char *path)
{
    size_t n = strlen(path);
    if (!rd->quality || n < 4 || strcasecmp(path + n - 4, ".shp") != 0)
        return LC_OK;
    char cpg[4096], text[256] = "";
    snprintf(cpg, sizeof cpg, "%.*s.cpg", (int)(n - 4), path);
    FILE *f = fopen(cpg, "rb");
    if (!f) {
        snprintf(cpg, sizeof cpg, "%.*s.CPG", (int)(n - 4), path);
        f = fopen(cpg, "rb");
    }
    if (!f)
        return LC_OK;
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = 0;
    text[strcspn(text, "\r\n")] = 0;
    char *name = text + strspn(text, " \t");
    for (char *e = name + strlen(name); e > name && (e[-1] == ' ' || e[-1] == '\t');)
        *--e = 0;
    if (!*name || is_utf8(name) || strspn(name, "0123456789") == strlen(name)) /* code page numbers: GDAL's */
        return LC_OK;
    iconv_t cd = iconv_open("UTF-8", gdal_encoding(name));
    if (cd != (iconv_t)-1) {
        iconv_close(cd);
        snprintf(cpg, sizeof cpg, "%.*s.dbf", (int)(n - 4), path);
        if (dbf_text_is_utf8(cpg) != 1)
            return LC_OK;
        return lc_quality_add(rd->ctx, rd->quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_ENCODING, rd->path,
                              rd->layer->name, NULL, NULL,
                              "%s: its .cpg says the text is %s, but the .dbf's Chinese (non-ASCII) text is valid "
                              "UTF-8, which text in %s almost never is: read as %s, names and labels would come out "
                              "garbled. If they do, give %s.encoding: UTF-8 (or fix the .cpg)",
                              rd->path, name, name, name, rd->kind_name);
    }
    return lc_quality_add(rd->ctx, rd->quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_ENCODING, rd->path,
                          rd->layer->name, NULL, NULL,
                          "%s: its .cpg names the encoding '%s', which this system cannot read, so the text is read "
                          "as it is (UTF-8); if the names look garbled, give %s.encoding (GBK for most Chinese data)",
                          rd->path, name, rd->kind_name);
}

/* The names of ds's layers, comma-separated, into names (cut at size). */
static void layer_names(GDALDatasetH ds, char *names, size_t size)
{
    size_t used = 0;
    names[0] = '\0';
    for (int i = 0; i < GDALDatasetGetLayerCount(ds) && used + 1 < size; i++) {
        int k = snprintf(names + used, size - used, "%s%s", i ? ", " : "", OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        used += k > 0 ? (size_t)k : 0;
    }
}

/* Picks the OGR layer: the study's <kind>.layer; for OSM data the layer that holds the kind's
 * geometries; the only layer; otherwise an error listing the layers to choose from. */
static OGRLayerH pick_layer(reader *rd, GDALDatasetH ds, const char *driver)
{
    const char *want = study_key(rd, "layer");
    if (!want && strcmp(driver, "OSM") == 0)
        want = rd->osm_layer;
    char names[1024];
    if (want) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, want);
        if (!l) { /* a typo in the study: the names to choose from */
            layer_names(ds, names, sizeof names);
            lc_error(rd->ctx, LC_ERR_IO, "%s: no layer named '%s' (%s.layer); the file holds %s", rd->path, want,
                     rd->kind_name, names[0] ? names : "no vector layer");
        }
        return l;
    }
    int n = GDALDatasetGetLayerCount(ds);
    if (n == 1)
        return GDALDatasetGetLayer(ds, 0);
    layer_names(ds, names, sizeof names);
    if (n == 0)
        lc_error(rd->ctx, LC_ERR_IO, "%s holds no vector layer", rd->path);
    else
        lc_error(rd->ctx, LC_ERR_IO, "%s holds %d layers (%s); say which with '%s: {layer: <name>}'",
                 rd->path, n, names, rd->kind_name);
    return NULL;
}

/* Non-zero if srs is WGS 84 lon/lat itself (EPSG:4326, OGC CRS84): a geographic CRS on the WGS 84
 * datum. CGCS2000 (EPSG:4490) and the web-map systems are not. */
static int is_wgs84_lonlat(OGRSpatialReferenceH srs)
{
    if (!OSRIsGeographic(srs))
        return 0;
    OGRSpatialReferenceH w = OSRNewSpatialReference(NULL);
    int same = w && OSRSetWellKnownGeogCS(w, "WGS84") == OGRERR_NONE && OSRIsSameGeogCS(srs, w);
    OSRDestroySpatialReference(w);
    return same;
}

/* Decides the layer's source CRS: the study's <kind>.crs (or the top-level `source_crs`), else the
 * layer's own. No CRS at all is refused: distances would be meaningless. */
lc_status lc_reader_source_crs(reader *rd)
{
    const char *given = study_key(rd, "crs");
    lc_layer *L = rd->layer;
    if (given && *given) {
        L->source_crs = lc_strdup(rd->ctx, given);
        if (!L->source_crs)
            return LC_ERR_NOMEM;
        if (lc_crs_is_chinese_webmap(given)) {
            L->geographic = 1;
            return LC_OK;
        }
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(srs, given) != OGRERR_NONE) {
            OSRDestroySpatialReference(srs);
            return lc_error(rd->ctx, LC_ERR_CRS, "%s: %s.crs '%s' is not a CRS GDAL/PROJ knows",
                            rd->path, rd->kind_name, given);
        }
        L->geographic = OSRIsGeographic(srs);
        L->wgs84_lonlat = is_wgs84_lonlat(srs);
        OSRDestroySpatialReference(srs);
        return LC_OK;
    }
    OGRSpatialReferenceH srs = rd->x_field >= 0 ? NULL : OGR_L_GetSpatialRef(rd->ogr);
    if (!srs) {
        if (rd->x_field >= 0)
            return lc_error(rd->ctx, LC_ERR_CRS,
                            "%s (layer %s): coordinate columns carry no CRS; state it with "
                            "'%s: {crs: ...}': EPSG:4326 for GPS/WGS 84, GCJ-02 for Amap/Tencent, "
                            "BD-09 for Baidu, or the EPSG code of projected coordinates",
                            rd->path, L->name, rd->kind_name);
        return lc_error(rd->ctx, LC_ERR_CRS,
                        "%s (layer %s) has no CRS (for a shapefile: no .prj); state it with "
                        "'%s: {crs: EPSG:xxxx}' (or GCJ-02 / BD-09 for web-map coordinates)",
                        rd->path, L->name, rd->kind_name);
    }
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    char *wkt = NULL;
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return lc_error(rd->ctx, LC_ERR_CRS, "%s (layer %s): its CRS cannot be exported", rd->path, L->name);
    }
    L->source_crs = lc_strdup(rd->ctx, wkt);
    CPLFree(wkt);
    L->geographic = OSRIsGeographic(srs);
    L->wgs84_lonlat = is_wgs84_lonlat(srs);
    return L->source_crs ? LC_OK : LC_ERR_NOMEM;
}

/* Non-zero if text (a `where` filter or an `sql` query on a file source, which GDAL hands to its
 * own SQL engines: SQLite for a GeoPackage, OGR SQL elsewhere) is one statement without comments:
 * no ';', '--', slash-star or '$' outside '...' literals and "..." identifiers, and every literal
 * closed; SQLite would silently ignore whatever follows a ';'. PostgreSQL sources are checked by
 * the server itself instead (pg_check_sql). On refusal writes the reason into why. */
static int sql_text_is_plain(const char *text, char *why, size_t size)
{
    char quote = 0;
    for (const char *p = text; *p; p++) {
        if (quote) {
            if (*p == quote) {
                if (p[1] == quote)
                    p++; /* '' or "" inside: an escaped quote */
                else
                    quote = 0;
            }
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == ';') {
            snprintf(why, size, "it holds ';' (only one statement is allowed)");
            return 0;
        } else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
            snprintf(why, size, "it holds a comment (%.2s)", p);
            return 0;
        } else if (*p == '$') {
            snprintf(why, size, "it holds '$' (dollar-quoted text is not allowed)");
            return 0;
        }
    }
    if (quote) {
        snprintf(why, size, "a %s opened with %c is not closed", quote == '"' ? "quoted name" : "text literal",
                 quote);
        return 0;
    }
    return 1;
}

/* Non-zero if query starts (after blanks and opening parentheses) with SELECT or WITH. */
static int sql_is_select(const char *query, char *why, size_t size)
{
    const char *p = query;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(')
        p++;
    if ((!strncasecmp(p, "select", 6) && !isalnum((unsigned char)p[6])) ||
        (!strncasecmp(p, "with", 4) && !isalnum((unsigned char)p[4])))
        return 1;
    snprintf(why, size, "it must be a SELECT (or WITH ... SELECT) query");
    return 0;
}

/* Opens a PostgreSQL source read-only, so neither a study's `sql` query nor a `where` filter (both
 * reach the server) can change the database: GDAL's whole session is one READ ONLY transaction
 * (its PRELUDE_STATEMENTS), never committed (CLOSING_STATEMENTS: ROLLBACK), on a connection whose
 * every transaction starts read-only (default_transaction_read_only in libpq's options) — a query
 * can neither end the transaction (the server's parser is asked first, pg_check_sql) nor make a
 * later one read-write. The state is read back. Also opens *probe, the libpq connection the
 * server is asked on. On failure the context's error is set and whatever was opened is left in
 * *ds / *probe for the caller. Inside a GDAL scope. */
static lc_status open_pg(reader *rd, const char *path, GDALDatasetH *ds, char ***open_opts, lc_pg_probe **probe)
{
    lc_context *ctx = rd->ctx;
    char what[96];
    snprintf(what, sizeof what, "the %s input (%s.path)", rd->kind_name, rd->kind_name);
    lc_conninfo *ci = lc_conninfo_parse(ctx, path, what);
    if (!ci)
        return lc_context_errno(ctx);
    char *gdal = NULL;
    lc_status st = LC_OK;
    if (!(*probe = lc_pg_probe_open(ctx, ci, rd->path)) || !(gdal = lc_conninfo_gdal(ctx, ci, 1)))
        st = lc_context_errno(ctx);
    lc_conninfo_destroy(ci);
    if (st != LC_OK)
        return st;
    *open_opts = CSLSetNameValue(*open_opts, "PRELUDE_STATEMENTS", "BEGIN TRANSACTION READ ONLY");
    *open_opts = CSLSetNameValue(*open_opts, "CLOSING_STATEMENTS", "ROLLBACK");
    *ds = GDALOpenEx(gdal, GDAL_OF_VECTOR | GDAL_OF_READONLY, (const char *const[]){"PostgreSQL", NULL},
                     (const char *const *)*open_opts, NULL);
    free(gdal);
    if (!*ds)
        return lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': %s", rd->kind_name, rd->path,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "GDAL cannot open it");
    int ok = 0;
    OGRLayerH res = GDALDatasetExecuteSQL(*ds, "SHOW transaction_read_only", NULL, NULL);
    if (res) {
        OGRFeatureH f = OGR_L_GetNextFeature(res);
        ok = f && !strcmp(OGR_F_GetFieldAsString(f, 0), "on");
        if (f)
            OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(*ds, res);
    }
    if (!ok)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot make the %s connection read-only: %s", rd->path, rd->kind_name,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "the server did not confirm it");
    return LC_OK;
}

/* PostgreSQL sources: the study's <kind>.sql asked of the server and run as the text it approved
 * (lc_pg_probe_query), the tables it reads kept in the layer; else the layer picked. LC_OK with
 * rd->ogr set, or the context's error. Inside a GDAL scope. */
static lc_status pg_check_sql(reader *rd, GDALDatasetH ds, lc_pg_probe *probe, const char *sql)
{
    lc_context *ctx = rd->ctx;
    char what[64], *wrapped = NULL;
    snprintf(what, sizeof what, "%s.sql", rd->kind_name);
    lc_layer *L = rd->layer;
    if (lc_pg_probe_query(ctx, probe, what, sql, &wrapped, &L->sql_tables, &L->n_sql_tables) != LC_OK)
        return lc_context_errno(ctx);
    CPLErrorReset();
    rd->ogr = GDALDatasetExecuteSQL(ds, wrapped, NULL, NULL);
    free(wrapped);
    if (!rd->ogr)
        return lc_error(ctx, LC_ERR_IO, "%s: the query %s failed: %s", rd->path, what,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "it returned no rows layer");
    rd->sql_result = 1;
    return LC_OK;
}

/* The encoding the source is read in, into *enc (NULL: the file's own, or UTF-8): the layer's
 * <kind>.encoding, else the study's encoding (which applies layer by layer, each saying in quality which
 * it got); a file's source checked first (lc_source_check) and its .cpg read when no encoding is
 * stated. LC_OK or the context's error. */
static lc_status source_encoding(reader *rd, const char *path, int pg, const char **enc)
{
    lc_context *ctx = rd->ctx;
    char key[64];
    lc_status st;
    snprintf(key, sizeof key, "%s.encoding", rd->kind_name);
    *enc = lc_study_get(rd->study, key);
    int global = !*enc;
    if (!*enc)
        *enc = lc_study_get(rd->study, "encoding");
    if (!pg && (st = lc_source_check(ctx, rd->kind_name, path, rd->path)) != LC_OK)
        return st;
    if (*enc && !is_utf8(*enc) &&
        (st = check_encoding(rd, lc_study_get(rd->study, key) ? key : "encoding", *enc)) != LC_OK)
        return st;
    /* The study-wide encoding applies layer by layer, and each layer says which it got. */
    if (global && *enc && !is_utf8(*enc)) {
        const char *skip = global_encoding_skip(path, pg);
        if (rd->quality &&
            (st = lc_quality_add(ctx, rd->quality, LC_SEVERITY_INFO, LC_OK, LC_CHECK_ENCODING, rd->path, NULL, NULL,
                                 NULL, skip ? "%s layer %s: read as %s, not the study's encoding %s: %s"
                                            : "%s layer %s: read as %s (the study's encoding: no .cpg, and the text is "
                                              "not valid UTF-8)",
                                 rd->kind_name, rd->path, skip ? (strstr(skip, ".cpg") ? "its .cpg says" : "UTF-8")
                                                               : *enc, *enc, skip ? skip : "")) != LC_OK)
            return st;
        if (skip)
            *enc = NULL;
    }
    if (!pg && !*enc && (st = check_cpg(rd, path)) != LC_OK)
        return st;
    return LC_OK;
}

/* Opens a file source read-only in encoding enc (NULL: its own): the Shapefile driver recodes from the
 * ENCODING open option itself, other drivers' text is recoded as it is read (rd->recode_from). LC_OK,
 * or LC_ERR_IO with *ds NULL. */
static lc_status open_file(reader *rd, const char *path, const char *enc, GDALDatasetH *ds, char ***open_opts)
{
    /* A stated UTF-8 is kept even against a .cpg (ENCODING="" asks the Shapefile driver not to recode). */
    *open_opts = CSLSetNameValue(*open_opts, "ENCODING", is_utf8(enc) ? "" : gdal_encoding(enc));
    if (!enc) {
        CSLDestroy(*open_opts);
        *open_opts = NULL;
    }
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (*ds && *open_opts && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(*ds)), "ESRI Shapefile") == 0) {
        /* The shapefile driver recodes from the ENCODING open option itself. */
        GDALClose(*ds);
        *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)*open_opts, NULL);
    } else if (*ds && !is_utf8(enc)) {
        rd->recode_from = gdal_encoding(enc);
    }
    if (!*ds)
        return lc_error(rd->ctx, LC_ERR_IO, "cannot open %s layer '%s': %s", rd->kind_name, rd->path,
                        *lc_gdal_last_message(rd->ctx) ? lc_gdal_last_message(rd->ctx)
                                                       : "not a vector dataset GDAL can read");
    return LC_OK;
}

/* The rows read: the study's <kind>.sql (PostgreSQL: asked of the server, pg_check_sql; a file: checked
 * as text, a SELECT only) or else the layer picked (pick_layer). LC_OK with rd->ogr set, or the
 * context's error. */
static lc_status open_rows(reader *rd, GDALDatasetH ds, int pg, const char *driver, lc_pg_probe *probe,
                           const char *sql)
{
    lc_context *ctx = rd->ctx;
    char why[160];
    if (!sql)
        return (rd->ogr = pick_layer(rd, ds, driver)) ? LC_OK : lc_context_errno(ctx);
    if (study_key(rd, "layer"))
        return lc_error(ctx, LC_ERR_CONFIG, "%s: the study gives both %s.layer and %s.sql; give one of them",
                        rd->path, rd->kind_name, rd->kind_name);
    if (pg)
        return pg_check_sql(rd, ds, probe, sql);
    if (!sql_text_is_plain(sql, why, sizeof why) || !sql_is_select(sql, why, sizeof why))
        return lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s.sql is refused: %s", rd->path, rd->kind_name, why);
    CPLErrorReset();
    rd->ogr = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (!rd->ogr)
        return lc_error(ctx, LC_ERR_IO, "%s: the query %s.sql failed: %s", rd->path, rd->kind_name,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "it returned no rows layer");
    rd->sql_result = 1;
    return LC_OK;
}

/* Drivers that do not recode themselves (CSV, GeoJSON) give field names in the file's bytes: a CSV that
 * Excel saved in GBK has GBK names, which the study's names (UTF-8) would never match. The names are
 * recoded once here, in the layer's own definition, so every lookup and message sees UTF-8 (the values
 * are recoded as they are read, field_text). */
static void recode_field_names(reader *rd)
{
    for (int i = 0; rd->recode_from && i < OGR_FD_GetFieldCount(rd->defn); i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(rd->defn, i);
        const char *raw = OGR_Fld_GetNameRef(fd);
        int ascii = 1;
        for (const unsigned char *c = (const unsigned char *)raw; *c; c++)
            ascii &= *c < 0x80;
        if (ascii)
            continue;
        char *rec = CPLRecode(raw, rd->recode_from, CPL_ENC_UTF8);
        if (rec && *rec)
            OGR_Fld_SetName(fd, rec);
        CPLFree(rec);
    }
}

/* Opens the study's <kind> source as rd says (rd->kind_name, rd->path shown in messages): the
 * dataset with its attribute encoding (PostgreSQL: read-only, open_pg), the layer (pick_layer) or
 * the study's <kind>.sql, its name and definition, and the study's <kind>.where filter — SQL the
 * server is asked about first for PostgreSQL, checked as text for files. On success *ds and
 * *open_opts belong to the caller (GDALClose, CSLDestroy) and rd->ogr, rd->defn, rd->layer->name
 * are set; on failure the context's error is set and whatever was opened is still in *ds /
 * *open_opts for the caller's cleanup. The steps are the helpers above: the encoding (source_encoding),
 * the dataset (open_pg, open_file), the rows (open_rows), the field names (recode_field_names). */
lc_status lc_reader_open_source(reader *rd, const char *path, GDALDatasetH *ds, char ***open_opts)
{
    lc_context *ctx = rd->ctx;
    lc_layer *L = rd->layer;
    char key[64];
    lc_pg_probe *probe = NULL;
    const char *enc;
    int pg = lc_conninfo_is_pg(path);
    lc_status st = source_encoding(rd, path, pg, &enc);
    if (st != LC_OK)
        goto done;
    if (pg) {
        if ((st = open_pg(rd, path, ds, open_opts, &probe)) != LC_OK)
            goto done;
        if (!is_utf8(enc))
            rd->recode_from = gdal_encoding(enc);
    } else if ((st = open_file(rd, path, enc, ds, open_opts)) != LC_OK) {
        goto done;
    }
    const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(*ds));
    if (!pg && strcmp(driver, "PostgreSQL") == 0) {
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: a PostgreSQL source is named \"PG:...\" (or postgresql://...), so "
                      "that it is read read-only", rd->path);
        goto done;
    }
    snprintf(key, sizeof key, "%s.where", rd->kind_name);
    const char *where = lc_study_get(rd->study, key);
    char why[160];
    if (where && !pg && !sql_text_is_plain(where, why, sizeof why)) {
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: the filter %s '%s' is refused: %s (a filter is one condition, "
                      "such as 区县 = '杨浦区')", rd->path, key, where, why);
        goto done;
    }
    const char *sql = study_key(rd, "sql");
    if ((st = open_rows(rd, *ds, pg, driver, probe, sql)) != LC_OK)
        goto done;
    if (!(L->name = lc_strdup(ctx, sql ? "sql" : OGR_L_GetName(rd->ogr)))) {
        st = LC_ERR_NOMEM;
        goto done;
    }
    rd->defn = OGR_L_GetLayerDefn(rd->ogr);
    if (!pg)
        recode_field_names(rd);
    /* A filter on a query's rows is evaluated by GDAL (OGR SQL), one on a table by the server. */
    if (where && pg && !sql && (st = lc_pg_probe_filter(ctx, probe, key, L->name, where)) != LC_OK)
        goto done;
    if (where && OGR_L_SetAttributeFilter(rd->ogr, where) != OGRERR_NONE)
        st = lc_error(ctx, LC_ERR_CONFIG, "%s (layer %s): the filter %s '%s' is not valid: %s", rd->path, L->name,
                      key, where, lc_gdal_last_message(ctx));
done:
    lc_pg_probe_close(probe);
    return st;
}

/* Releases the tables a query input reads (lc_layer.sql_tables). */
void lc_reader_free_sql_tables(lc_layer *L)
{
    for (size_t i = 0; i < L->n_sql_tables; i++)
        free(L->sql_tables[i]);
    free(L->sql_tables);
    L->sql_tables = NULL;
    L->n_sql_tables = 0;
}

/* ---- other layers (roads) ------------------------------------------------------------------- */

/* Opens the study's <kind> line layer through the same path as lc_layer_read; see layer_int.h. */
lc_status lc_ogr_open(lc_context *ctx, const lc_study *study, const char *kind, const char *osm_layer,
                      lc_ogr_source *out)
{
    char key[64];
    memset(out, 0, sizeof *out);
    snprintf(key, sizeof key, "%s.path", kind);
    const char *path = lc_study_get(study, key);
    if (!path)
        return lc_error(ctx, LC_ERR_CONFIG, "the study names no %s layer (%s)", kind, key);
    lc_layer tmp = {.kind = LC_LAYER_KIND_COUNT, .extent = lc_bbox_empty()};
    if (!(out->shown = lc_conninfo_redact(ctx, path)))
        return LC_ERR_NOMEM;
    reader rd = {.ctx = ctx, .study = study, .layer = &tmp, .kind_name = kind, .osm_layer = osm_layer,
                 .path = out->shown, .x_field = -1, .y_field = -1};
    lc_gdal_begin(ctx);
    lc_status st = lc_reader_open_source(&rd, path, &out->ds, &out->open_opts);
    lc_reader_free_sql_tables(&tmp); /* the replace-an-input guard covers the study's layers, not its roads */
    out->name = tmp.name;
    if (st == LC_OK && OGR_FD_GetGeomFieldCount(rd.defn) == 0)
        st = lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s) has no geometry column; the %s layer needs lines",
                      out->shown, tmp.name, kind);
    if (st == LC_OK)
        st = lc_reader_source_crs(&rd);
    out->source_crs = tmp.source_crs;
    out->geographic = tmp.geographic;
    out->ogr = rd.ogr;
    out->sql_result = rd.sql_result;
    out->defn = rd.defn;
    if (st != LC_OK) {
        lc_gdal_end(ctx);
        lc_ogr_close(out);
    }
    return st;
}

/* Closes what lc_ogr_open opened; see layer_int.h. */
void lc_ogr_close(lc_ogr_source *src)
{
    if (!src)
        return;
    if (src->ds && src->sql_result && src->ogr)
        GDALDatasetReleaseResultSet(src->ds, src->ogr);
    if (src->ds)
        GDALClose(src->ds);
    CSLDestroy(src->open_opts);
    free(src->shown);
    free(src->name);
    free(src->source_crs);
    memset(src, 0, sizeof *src);
}

