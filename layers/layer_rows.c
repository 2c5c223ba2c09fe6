/*
 * layers/layer_rows.c — a read layer's rows beside the reading (layers/layer.c): the SHA-256 of a
 * database source's rows (summary.json's checksum of what was read), the move into the working CRS
 * (lc_layer_transform) and the check for duplicate ids.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <ctype.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"
#include "layers/quality_int.h"
#include "layers/reader_int.h"

/* ---- checksum of database rows --------------------------------------------------------------- */

/* Appends n bytes to a row digest, preceded by their length so fields cannot run into each other. */
static void digest_bytes(EVP_MD_CTX *md, const void *bytes, uint64_t n)
{
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    EVP_DigestUpdate(md, len, sizeof len);
    EVP_DigestUpdate(md, bytes, n);
}

/* Adds the SHA-256 of row f (FID, every attribute as text or a NULL mark, geometry as ISO WKB) to
 * rd->row_hashes. LC_OK, or LC_ERR_NOMEM / LC_ERR_INTERNAL. */
lc_status lc_reader_hash_row(reader *rd, OGRFeatureH f)
{
    if (lc_grow(rd->ctx, (void **)&rd->row_hashes, &rd->rows_cap, (rd->nrows + 1) * 32, 1) != LC_OK)
        return LC_ERR_NOMEM;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 is not available from OpenSSL");
    }
    GIntBig fid = OGR_F_GetFID(f);
    digest_bytes(md, &fid, sizeof fid);
    for (int i = 0; i < OGR_F_GetFieldCount(f); i++) {
        if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
            EVP_DigestUpdate(md, "N", 1);
            continue;
        }
        const char *v = OGR_F_GetFieldAsString(f, i);
        EVP_DigestUpdate(md, "V", 1);
        digest_bytes(md, v, strlen(v));
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    lc_status st = LC_OK;
    if (g) {
        size_t n = (size_t)OGR_G_WkbSizeEx(g);
        unsigned char *wkb = malloc(n ? n : 1);
        if (!wkb)
            st = LC_ERR_NOMEM;
        else if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE)
            digest_bytes(md, wkb, n);
        free(wkb);
    }
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(md, rd->row_hashes + rd->nrows * 32, &len) != 1 || len != 32)
        st = lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 of a row failed");
    EVP_MD_CTX_free(md);
    if (st == LC_OK)
        rd->nrows++;
    return st;
}

static int compare_hash(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* The checksum of every row read: the row hashes sorted (so the order the server returned them in
 * does not matter) and hashed together, as hex into L->rows_sha256. LC_OK or LC_ERR_INTERNAL. */
lc_status lc_reader_finish_rows_hash(reader *rd)
{
    if (rd->nrows)
        qsort(rd->row_hashes, rd->nrows, 32, compare_hash);
    unsigned char out[32];
    unsigned int len = 0;
    if (EVP_Digest(rd->nrows ? rd->row_hashes : (const unsigned char *)"", rd->nrows * 32, out, &len, EVP_sha256(),
                   NULL) != 1 || len != 32)
        return lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 of the rows failed");
    for (int i = 0; i < 32; i++)
        snprintf(rd->layer->rows_sha256 + 2 * i, 3, "%02x", out[i]);
    return LC_OK;
}

/* ---- after reading -------------------------------------------------------------------------- */

lc_status lc_layer_transform(lc_context *ctx, lc_layer *L, const lc_transform *tr)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry **out = lc_calloc(ctx, L->count, sizeof *out);
    if (!out)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < L->count; i++) {
        out[i] = lc_transform_geometry(ctx, tr, L->features[i].geom);
        if (!out[i]) {
            lc_status st = lc_context_errno(ctx);
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
            for (size_t k = 0; k < i; k++)
                GEOSGeom_destroy_r(h, out[k]);
            free(out);
            return lc_error(ctx, st ? st : LC_ERR_CRS, "%s (layer %s, feature %s): %s", L->source,
                            L->name, L->features[i].id, msg);
        }
    }
    L->extent = lc_bbox_empty();
    for (size_t i = 0; i < L->count; i++) {
        lc_feature *ft = &L->features[i];
        GEOSGeom_destroy_r(h, (GEOSGeometry *)ft->geom);
        ft->geom = out[i];
        ft->area = 0;
        if (!point_kind(L->kind))
            GEOSArea_r(h, out[i], &ft->area);
        /* The inputs are read by several threads from here on (coverage workers, a coverage job
         * beside the caller): whatever GEOS caches lazily is cached now, on this thread. */
        lc_geom_cache_for_threads(h, out[i]);
        double minx, miny, maxx, maxy;
        if (GEOSGeom_getExtent_r(h, out[i], &minx, &miny, &maxx, &maxy)) {
            L->extent = lc_bbox_extend(L->extent, (lc_xy){minx, miny});
            L->extent = lc_bbox_extend(L->extent, (lc_xy){maxx, maxy});
        }
    }
    free(out);
    return LC_OK;
}

/* A feature's id and index, sorted by id to find duplicates without a global comparator state. */
typedef struct id_ref {
    const char *id;
    size_t index;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

lc_status lc_layer_check_duplicates(lc_context *ctx, const lc_layer *L, lc_quality *quality)
{
    id_ref *refs = lc_calloc(ctx, L->count, sizeof *refs);
    if (!refs)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < L->count; i++)
        refs[i] = (id_ref){L->features[i].id, i};
    qsort(refs, L->count, sizeof *refs, cmp_id_ref);
    lc_status st = LC_OK;
    for (size_t i = 1; i < L->count && st == LC_OK; i++) {
        const lc_feature *a = &L->features[refs[i - 1].index], *b = &L->features[refs[i].index];
        if (strcmp(a->id, b->id) == 0)
            st = lc_quality_add(ctx, quality, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_DUPLICATE_ID,
                                L->source, L->name, b->id, NULL,
                                "%s (layer %s, feature %s): duplicate id: FID %lld and FID %lld share it",
                                L->source, L->name, b->id, a->fid, b->fid);
    }
    free(refs);
    return st;
}
