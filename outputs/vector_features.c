/*
 * outputs/vector_features.c — adding features to an output layer (lc_layer_writer_add and _add_lines):
 * text checked and cut to what the format holds (Shapefile's 254 bytes, GBK's characters), GEOS
 * geometries to OGR part by part, CSV rows for tables. Layers are created in outputs/vector_layers.c.
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

/* s (valid UTF-8 that GBK cannot hold whole) with every character GBK has no code for replaced by
 * LC_GBK_SUBSTITUTE, into *sub (caller frees); counts them in w, remembering the first one's feature,
 * field and character for the warning lc_vec_gbk_warn() gives when the layer closes. */
static lc_status gbk_substitute(lc_context *ctx, lc_layer_writer *w, const lc_field_def *f, const char *s,
                                char **sub)
{
    size_t n = strlen(s), o = 0;
    if (!(*sub = lc_malloc(ctx, n + 1)))
        return LC_ERR_NOMEM;
    long long before = w->gbk_chars;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(s + i);
        const char *bad = NULL;
        if (encoded_len(w, s + i, k, &bad) == (size_t)-1) {
            if (!w->gbk_chars) {
                w->gbk_feature = w->count;
                snprintf(w->gbk_field, sizeof w->gbk_field, "%s (%s)", f->name, f->short_name ? f->short_name : f->name);
                snprintf(w->gbk_char, sizeof w->gbk_char, "%.*s", (int)k, s + i);
            }
            w->gbk_chars++;
            (*sub)[o++] = LC_GBK_SUBSTITUTE;
        } else {
            memcpy(*sub + o, s + i, k);
            o += k;
        }
        i += k;
    }
    (*sub)[o] = '\0';
    w->gbk_texts += w->gbk_chars > before;
    return LC_OK;
}

/* The warning for a GBK layer some of whose characters had no GBK code (nothing when none had). */
void lc_vec_gbk_warn(lc_context *ctx, const lc_layer_writer *w)
{
    if (!w->gbk_chars)
        return;
    lc_log(ctx, LC_LOG_WARNING, "%s (layer %s, feature %lld, field %s): '%s' has no GBK code and was written "
           "as '%c'; %lld character%s in %lld text%s of the layer replaced so; write the Shapefile in UTF-8 "
           "to keep them 无GBK编码的字符已替换为'%c'", w->shown, w->name, w->gbk_feature,
           w->gbk_field, w->gbk_char, LC_GBK_SUBSTITUTE, w->gbk_chars, w->gbk_chars == 1 ? "" : "s",
           w->gbk_texts, w->gbk_texts == 1 ? "" : "s", LC_GBK_SUBSTITUTE);
}

/* Checks that s can be written in w's encoding: valid UTF-8 (LC_ERR_DATA naming the feature and field
 * otherwise); for GBK, a character with no GBK code is written as LC_GBK_SUBSTITUTE and counted for
 * the layer's warning (gbk_substitute). A Shapefile text longer than a dBASE field can hold (254 bytes
 * once encoded) is cut at a character boundary (GDAL would cut through a character); the first cut in
 * a layer is logged as a warning. *cut receives the text to write instead of s, which the caller
 * frees; it stays NULL when s is written as it is. */
static lc_status prepare_text(lc_context *ctx, lc_layer_writer *w, const lc_field_def *f, const char *s,
                              char **cut)
{
    *cut = NULL;
    if (!CPLIsUTF8(s, -1))
        return lc_error(ctx, LC_ERR_DATA, "%s (layer %s, feature %lld, field %s): the text is not valid "
                        "UTF-8", w->shown, w->name, w->count, f->name);
    const char *bad = NULL;
    size_t len = encoded_len(w, s, strlen(s), &bad);
    if (len == (size_t)-1) {
        lc_status st = gbk_substitute(ctx, w, f, s, cut);
        if (st != LC_OK)
            return st;
        s = *cut;
        len = encoded_len(w, s, strlen(s), &bad);
    }
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
    char *kept = lc_malloc(ctx, keep + 1);
    if (!kept)
        return LC_ERR_NOMEM; /* *cut (a substituted text, if any) is freed by the caller */
    memcpy(kept, s, keep);
    kept[keep] = '\0';
    free(*cut);
    *cut = kept;
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

/* A fresh OGR line or ring (type t) through the n points p: the one way coordinates enter OGR here,
 * for GEOS lines and rings (ogr_curve) and for lc_layer_writer_add_lines' own. NULL out of memory. */
static OGRGeometryH ogr_points(OGRwkbGeometryType t, const lc_xy *p, size_t n)
{
    OGRGeometryH og = OGR_G_CreateGeometry(t);
    if (og && n)
        OGR_G_SetPoints(og, (int)n, &p->x, sizeof *p, &p->y, sizeof *p, NULL, 0);
    return og;
}

/* A fresh OGR line or ring (type t) with the coordinates of GEOS line or ring s, copied straight from
 * its coordinate sequence into w->xy and on into OGR: encoding WKB with GEOS and parsing it with GDAL
 * cost three times what OGR's own insert does (3 % of a network check's instructions, all on the
 * thread that writes). NULL when GEOS or GDAL fails or memory runs out. */
static OGRGeometryH ogr_curve(lc_layer_writer *w, GEOSContextHandle_t h, const GEOSGeometry *s,
                              OGRwkbGeometryType t)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, s);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n > INT_MAX)
        return NULL;
    if (n > w->xy_cap) {
        lc_xy *xy = realloc(w->xy, (size_t)n * sizeof *xy);
        if (!xy)
            return NULL;
        w->xy = xy, w->xy_cap = n;
    }
    if (n && !GEOSCoordSeq_copyToBuffer_r(h, cs, &w->xy->x, 0, 0)) /* x y x y …: lc_xy's layout */
        return NULL;
    return ogr_points(t, w->xy, n);
}

/* One OGR part (point, line or polygon with its holes) for GEOS part p; NULL on failure. */
static OGRGeometryH ogr_part(lc_layer_writer *w, GEOSContextHandle_t h, const GEOSGeometry *p)
{
    int t = GEOSGeomTypeId_r(h, p);
    if (t == GEOS_POINT) {
        OGRGeometryH og = OGR_G_CreateGeometry(wkbPoint);
        double x, y;
        if (og && GEOSisEmpty_r(h, p) == 0) {
            if (!GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y)) {
                OGR_G_DestroyGeometry(og);
                return NULL;
            }
            OGR_G_SetPoint_2D(og, 0, x, y);
        }
        return og;
    }
    if (t == GEOS_LINESTRING)
        return ogr_curve(w, h, p, wkbLineString);
    if (t != GEOS_POLYGON)
        return NULL;
    int holes = GEOSGetNumInteriorRings_r(h, p);
    OGRGeometryH og = holes >= 0 ? OGR_G_CreateGeometry(wkbPolygon) : NULL;
    if (!og || GEOSisEmpty_r(h, p) == 1) /* as WKB has it: an empty polygon has no rings */
        return og;
    for (int r = -1; r < holes; r++) {
        const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, p) : GEOSGetInteriorRingN_r(h, p, r);
        OGRGeometryH oring = ring ? ogr_curve(w, h, ring, wkbLinearRing) : NULL;
        if (!oring || OGR_G_AddGeometryDirectly(og, oring) != OGRERR_NONE) {
            if (oring)
                OGR_G_DestroyGeometry(oring);
            OGR_G_DestroyGeometry(og);
            return NULL;
        }
    }
    return og;
}

/* Converts g into an OGR geometry of w's layer type, part by part: NULL and empty geometries become
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
    OGRGeometryH og = NULL;
    if (w->ogr_type == wkbPoint) {
        og = ogr_part(w, h, g);
    } else {
        int single = gt == GEOS_POINT || gt == GEOS_LINESTRING || gt == GEOS_POLYGON;
        int n = single ? 1 : GEOSGetNumGeometries_r(h, g);
        og = n >= 0 ? OGR_G_CreateGeometry(w->ogr_type) : NULL;
        for (int k = 0; og && k < n; k++) {
            const GEOSGeometry *p = single ? g : GEOSGetGeometryN_r(h, g, k);
            OGRGeometryH op = p ? ogr_part(w, h, p) : NULL;
            if (!op || OGR_G_AddGeometryDirectly(og, op) != OGRERR_NONE) {
                if (op)
                    OGR_G_DestroyGeometry(op);
                OGR_G_DestroyGeometry(og);
                og = NULL;
            }
        }
    }
    if (!og)
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %lld): cannot turn the %s into a %s (%s)",
                        w->shown, w->name, w->count, geos_type_name(ctx, g, tn, sizeof tn),
                        OGRGeometryTypeToName(w->ogr_type),
                        *lc_ctx_geos_message(ctx) ? lc_ctx_geos_message(ctx) : lc_vec_gdal_reason(ctx));
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
                      w->name, w->count, lc_vec_gdal_reason(ctx));
    }
    if (st == LC_OK && w->own_index)
        st = lc_gpkg_rtree_add(ctx, w, OGR_F_GetFID(feat), OGR_F_GetGeometryRef(feat));
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
    lc_status st = lc_vec_gdal_enter(ctx, &scope);
    if (st != LC_OK)
        return st;
    OGRGeometryH og = NULL;
    st = to_ogr(ctx, w, g, &og);
    if (st == LC_OK)
        st = add_ogr_feature(ctx, w, og, values);
    lc_vec_gdal_leave(ctx, &scope);
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
    lc_status st = lc_vec_gdal_enter(ctx, &scope);
    if (st != LC_OK)
        return st;
    OGRGeometryH og = nlines ? OGR_G_CreateGeometry(wkbMultiLineString) : NULL;
    for (size_t k = 0; og && k < nlines; k++) {
        OGRGeometryH line = ogr_points(wkbLineString, points + start[k], start[k + 1] - start[k]);
        if (!line) {
            OGR_G_DestroyGeometry(og);
            og = NULL;
            break;
        }
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
    lc_vec_gdal_leave(ctx, &scope);
    return st;
}

