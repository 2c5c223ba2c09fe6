/*
 * layers/inputs.c — reads a whole study: every input layer (layers/layer.c), the choice of the
 * working CRS, the move of every layer into it, and the checks on the read layers: duplicate ids,
 * plausible values (layers/values.c), the CRSs (layers/crs_checks.c), layers that meet
 * (layers/meet.c), facilities outside every unit; and views of read inputs with another set of
 * facilities (lc_inputs_view: a year's, for `progress`; with a site run's proposals added, for
 * `check --with-proposals`; lc_inputs_view_populations: a year's populations too). Indicators on
 * the inputs live in queries/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/strbuf_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"

struct lc_inputs {
    lc_context *ctx; /* borrowed: the layers' GEOS geometries belong to its handle */
    lc_layer *layers[LC_LAYER_KIND_COUNT]; /* a view (base set): only the facilities layer is its own */
    lc_crs *crs;     /* a view: base's */
    const lc_inputs *base; /* a view (lc_inputs_view): the inputs it shows, borrowed; NULL otherwise */
    lc_layer *extra; /* a view: the facilities it added (owned), NULL when none */
    int own[LC_LAYER_KIND_COUNT]; /* a view: non-zero for the layers it copied (lc_inputs_view_populations) */
};

void lc_inputs_destroy(lc_inputs *in)
{
    if (!in)
        return;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++)
        if (!in->base || k == LC_LAYER_FACILITIES || in->own[k])
            lc_layer_destroy(in->ctx, in->layers[k]);
    lc_layer_destroy(in->ctx, in->extra);
    if (!in->base)
        lc_crs_destroy(in->crs);
    free(in);
}

/* Reads the facilities layer of study extra into base's working CRS, checked as lc_inputs_read
 * checks a layer (ids prefixed with id_prefix when given). NULL with the context's error. */
static lc_layer *read_extra(lc_context *ctx, const lc_inputs *base, const lc_study *extra, const char *id_prefix,
                            const lc_profile *profile, lc_quality *quality)
{
    lc_layer *L = lc_layer_read(ctx, LC_LAYER_FACILITIES, extra, profile, quality);
    if (!L)
        return NULL;
    lc_transform *tr = lc_transform_create(ctx, L->source_crs, base->crs);
    if (!tr) {
        lc_error(ctx, LC_ERR_CRS, "%s (layer %s): cannot transform into %s: %s", L->source, L->name,
                 lc_crs_name(base->crs), lc_context_errmsg(ctx));
        goto fail;
    }
    lc_status st = lc_layer_transform(ctx, L, tr);
    lc_transform_destroy(tr);
    if (st != LC_OK || lc_layer_check_duplicates(ctx, L, quality) != LC_OK ||
        lc_layer_check_values(ctx, L, extra, quality) != LC_OK)
        goto fail;
    for (size_t i = 0; id_prefix && i < L->count; i++) {
        char *id = lc_sprintf(ctx, "%s%s", id_prefix, L->features[i].id);
        if (!id)
            goto fail;
        free((char *)L->features[i].id);
        L->features[i].id = id;
    }
    return L;
fail:
    lc_layer_destroy(ctx, L);
    return NULL;
}

/* The facilities layer of a study that names none: empty, with a warning in quality that every
 * category starts from no facility (siting from scratch). NULL with LC_ERR_NOMEM. */
static lc_layer *no_facilities(lc_context *ctx, const lc_study *study, lc_quality *quality)
{
    lc_layer *L = lc_calloc(ctx, 1, sizeof *L);
    if (!L)
        return NULL;
    L->kind = LC_LAYER_FACILITIES;
    L->extent = lc_bbox_empty();
    const char *sp = lc_study_path(study) ? lc_study_path(study) : "the study";
    if (!(L->source = lc_strdup(ctx, sp)) || !(L->name = lc_strdup(ctx, "facilities")) ||
        lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_EMPTY_LAYER, sp, "facilities", NULL, NULL,
                       "%s: no facilities layer: every category starts from no facility (every coverage is 0; "
                       "`site` proposes from scratch); add 'facilities: {path: <file>}' for today's facilities",
                       sp) != LC_OK) {
        lc_layer_destroy(ctx, L);
        return NULL;
    }
    return L;
}

lc_inputs *lc_inputs_view(lc_context *ctx, const lc_inputs *base, const unsigned char *keep, const lc_study *extra,
                          const char *id_prefix, const lc_profile *profile, lc_quality *quality)
{
    if (!ctx)
        return NULL;
    if (!base || !base->layers[LC_LAYER_FACILITIES] || (extra && (!profile || !quality))) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_inputs_view: inputs with facilities are required (and a profile and a "
                 "quality list with extra facilities)");
        return NULL;
    }
    if (base->base) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_inputs_view: a view of a view is not supported; view the inputs read");
        return NULL;
    }
    lc_inputs *in = lc_calloc(ctx, 1, sizeof *in);
    if (!in)
        return NULL;
    in->ctx = ctx;
    in->base = base;
    in->crs = base->crs;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++)
        in->layers[k] = base->layers[k];
    in->layers[LC_LAYER_FACILITIES] = NULL;
    if (extra && !(in->extra = read_extra(ctx, base, extra, id_prefix, profile, quality)))
        goto fail;
    const lc_layer *B = base->layers[LC_LAYER_FACILITIES];
    lc_layer *V = lc_calloc(ctx, 1, sizeof *V);
    if (!V)
        goto fail;
    in->layers[LC_LAYER_FACILITIES] = V;
    *V = (lc_layer){.kind = B->kind, .geographic = B->geographic, .wgs84_lonlat = B->wgs84_lonlat, .read = B->read,
                    .extent = lc_bbox_empty()};
    memcpy(V->rows_sha256, B->rows_sha256, sizeof V->rows_sha256);
    if (!(V->source = lc_strdup(ctx, B->source)) || !(V->name = lc_strdup(ctx, B->name)) ||
        (B->source_crs && !(V->source_crs = lc_strdup(ctx, B->source_crs))))
        goto fail;
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++)
        if (B->fields[r] && !(V->fields[r] = lc_strdup(ctx, B->fields[r])))
            goto fail;
    size_t nextra = in->extra ? in->extra->count : 0;
    if (B->count + nextra &&
        !(V->features = lc_calloc(ctx, B->count + nextra, sizeof *V->features)))
        goto fail;
    V->cap = B->count + nextra;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    for (size_t i = 0; i < B->count + nextra; i++) {
        const lc_feature *f = i < B->count ? &B->features[i] : &in->extra->features[i - B->count];
        if (i < B->count && keep && !keep[i])
            continue;
        V->features[V->count++] = *f;
        double minx, miny, maxx, maxy;
        if (GEOSGeom_getExtent_r(h, f->geom, &minx, &miny, &maxx, &maxy)) {
            V->extent = lc_bbox_extend(V->extent, (lc_xy){minx, miny});
            V->extent = lc_bbox_extend(V->extent, (lc_xy){maxx, maxy});
        }
    }
    V->borrowed = V->count;
    return in;
fail:
    lc_inputs_destroy(in);
    return NULL;
}

/* A copy of layer B whose features are B's (strings and geometries borrowed: B->count of them), with
 * three population values per feature from v (NAN: B's). NULL with LC_ERR_NOMEM. */
static lc_layer *copy_with_populations(lc_context *ctx, const lc_layer *B, const double *v)
{
    lc_layer *V = lc_calloc(ctx, 1, sizeof *V);
    if (!V)
        return NULL;
    *V = *B;
    V->source = V->name = V->source_crs = NULL;
    V->sql_tables = NULL, V->n_sql_tables = 0;
    V->features = NULL;
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++)
        V->fields[r] = NULL;
    V->count = V->cap = V->borrowed = 0;
    int ok = (V->source = lc_strdup(ctx, B->source)) && (V->name = lc_strdup(ctx, B->name)) &&
             (!B->source_crs || (V->source_crs = lc_strdup(ctx, B->source_crs))) &&
             (!B->count || (V->features = lc_calloc(ctx, B->count, sizeof *V->features)));
    for (int r = 0; ok && r < LC_FIELD_ROLE_COUNT; r++)
        ok = !B->fields[r] || (V->fields[r] = lc_strdup(ctx, B->fields[r]));
    if (!ok) {
        lc_layer_destroy(ctx, V);
        return NULL;
    }
    for (size_t i = 0; i < B->count; i++) {
        lc_feature f = B->features[i];
        if (v && !isnan(v[3 * i]))
            f.population = v[3 * i];
        if (v && !isnan(v[3 * i + 1]))
            f.pop60 = v[3 * i + 1];
        if (v && !isnan(v[3 * i + 2]))
            f.pop65 = v[3 * i + 2];
        V->features[i] = f;
    }
    V->count = V->cap = V->borrowed = B->count;
    return V;
}

lc_inputs *lc_inputs_view_populations(lc_context *ctx, const lc_inputs *base, const unsigned char *keep,
                                      const double *res, const double *units)
{
    lc_inputs *in = lc_inputs_view(ctx, base, keep, NULL, NULL, NULL, NULL);
    if (!in)
        return NULL;
    static const lc_layer_kind kinds[2] = {LC_LAYER_RESIDENTIAL, LC_LAYER_UNITS};
    const double *values[2] = {res, units};
    for (int k = 0; k < 2; k++) {
        const lc_layer *B = base->layers[kinds[k]];
        if (!B || !values[k])
            continue;
        lc_layer *V = copy_with_populations(ctx, B, values[k]);
        if (!V) {
            lc_inputs_destroy(in);
            return NULL;
        }
        in->layers[kinds[k]] = V;
        in->own[kinds[k]] = 1;
    }
    return in;
}

size_t lc_inputs_added(const lc_inputs *in, const char **source)
{
    if (source)
        *source = in && in->extra ? in->extra->source : NULL;
    return in && in->extra ? in->extra->count : 0;
}

const lc_layer *lc_inputs_layer(const lc_inputs *in, lc_layer_kind kind)
{
    return in && (unsigned)kind < LC_LAYER_KIND_COUNT ? in->layers[kind] : NULL;
}

const lc_crs *lc_inputs_crs(const lc_inputs *in)
{
    return in ? in->crs : NULL;
}

/* The centre of a layer's features in its source CRS; returns 0 when the layer has none. */
static int source_centre(lc_context *ctx, const lc_layer *L, lc_xy *centre)
{
    lc_bbox box = lc_bbox_empty();
    for (size_t i = 0; i < L->count; i++) {
        double minx, miny, maxx, maxy;
        if (GEOSGeom_getExtent_r(lc_ctx_geos(ctx), L->features[i].geom, &minx, &miny, &maxx, &maxy)) {
            box = lc_bbox_extend(box, (lc_xy){minx, miny});
            box = lc_bbox_extend(box, (lc_xy){maxx, maxy});
        }
    }
    if (lc_bbox_is_empty(box))
        return 0;
    *centre = (lc_xy){(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2};
    return 1;
}

/* Chooses the working CRS when the study says "auto": the CRS of the first layer that has
 * features, if it is already projected in metres (planners' data in CGCS2000 Gauss-Kruger stays
 * in it); otherwise the WGS 84 UTM zone of that layer's centre. Caller frees the result. */
static lc_crs *choose_crs(lc_context *ctx, lc_inputs *in)
{
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = in->layers[k];
        lc_xy c;
        if (!L || !source_centre(ctx, L, &c))
            continue;
        if (L->geographic) {
            if (lc_crs_is_chinese_webmap(L->source_crs))
                c = strstr(L->source_crs, "BD") || strstr(L->source_crs, "bd") ? lc_bd09_to_wgs84(c)
                                                                                : lc_gcj02_to_wgs84(c);
            lc_log(ctx, LC_LOG_INFO, "working CRS: UTM zone of the data's centre (%.4f, %.4f)", c.x, c.y);
            return lc_crs_create_utm(ctx, c.x, c.y);
        }
        lc_crs *same = lc_crs_create(ctx, L->source_crs);
        if (same) {
            lc_log(ctx, LC_LOG_INFO, "working CRS: %s, the CRS of the %s layer", lc_crs_name(same),
                   lc_layer_kind_name(L->kind));
            return same;
        }
        /* A projected CRS not in metres: find the centre's lon/lat through any metric CRS. */
        lc_context_clear_error(ctx);
        lc_crs *probe = lc_crs_create_utm(ctx, 0, 0);
        lc_transform *tr = probe ? lc_transform_create(ctx, L->source_crs, probe) : NULL;
        lc_xy ll;
        lc_crs *out = NULL;
        if (tr && lc_transform_points(ctx, tr, &c.x, &c.y, 1) == LC_OK &&
            lc_crs_to_lonlat(ctx, probe, c, &ll) == LC_OK)
            out = lc_crs_create_utm(ctx, ll.x, ll.y);
        lc_transform_destroy(tr);
        lc_crs_destroy(probe);
        return out;
    }
    lc_error(ctx, LC_ERR_DATA, "no input feature could be read, so no working CRS can be chosen");
    return NULL;
}

/* Warns about facilities that lie outside every unit (街镇): they still serve nearby residents,
 * but a planner should know the facility list and the unit map disagree. */
static lc_status check_outside_units(lc_context *ctx, const lc_layer *fac, const lc_layer *units,
                                     lc_quality *q)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const GEOSPreparedGeometry **prep = lc_calloc(ctx, units->count, sizeof *prep);
    if (!prep)
        return LC_ERR_NOMEM;
    for (size_t u = 0; u < units->count; u++)
        prep[u] = GEOSPrepare_r(h, units->features[u].geom);
    lc_status st = LC_OK;
    for (size_t i = 0; i < fac->count && st == LC_OK; i++) {
        const lc_feature *f = &fac->features[i];
        int inside = 0;
        /* Envelopes reject most units cheaply (a district has tens to hundreds of 街镇); the
         * prepared polygons decide the rest. */
        for (size_t u = 0; u < units->count && !inside; u++) {
            double minx, miny, maxx, maxy, px, py;
            GEOSGeom_getExtent_r(h, units->features[u].geom, &minx, &miny, &maxx, &maxy);
            GEOSGeomGetX_r(h, f->geom, &px);
            GEOSGeomGetY_r(h, f->geom, &py);
            if (px < minx || px > maxx || py < miny || py > maxy)
                continue;
            inside = GEOSPreparedIntersects_r(h, prep[u], f->geom) == 1;
        }
        if (!inside)
            st = lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_OUTSIDE_AREA, fac->source,
                                fac->name, f->id, NULL,
                                "%s (layer %s, feature %s): facility lies outside every unit (街镇) of "
                                "%s; it still counts for coverage but for no unit's indicators",
                                fac->source, fac->name, f->id, units->source);
    }
    for (size_t u = 0; u < units->count; u++)
        GEOSPreparedGeom_destroy_r(h, prep[u]);
    free(prep);
    return st;
}

lc_inputs *lc_inputs_read(lc_context *ctx, const lc_study *study, const lc_profile *profile,
                          lc_quality *quality)
{
    if (!ctx)
        return NULL;
    if (!study || !profile || !quality) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_inputs_read: study, profile and quality are required");
        return NULL;
    }
    lc_inputs *in = lc_calloc(ctx, 1, sizeof *in);
    if (!in)
        return NULL;
    in->ctx = ctx;
    lc_strbuf errs = {0};
    size_t nerr = 0;
    lc_status first = LC_OK;
    static const int required[LC_LAYER_KIND_COUNT] = {[LC_LAYER_RESIDENTIAL] = 1, [LC_LAYER_FACILITIES] = 1};
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        char key[64];
        snprintf(key, sizeof key, "%s.path", lc_layer_kind_name((lc_layer_kind)k));
        if (!lc_study_get(study, key)) {
            if (k == LC_LAYER_FACILITIES) { /* none yet: `site` from scratch, said once */
                if (!(in->layers[k] = no_facilities(ctx, study, quality)))
                    goto fail;
                continue;
            }
            if (required[k]) {
                lc_error(ctx, LC_ERR_CONFIG,
                         "%s: no %s layer; add '%s: {path: <file>}' to the study file or pass --%s",
                         lc_study_path(study) ? lc_study_path(study) : "study",
                         lc_layer_kind_name((lc_layer_kind)k), lc_layer_kind_name((lc_layer_kind)k),
                         lc_layer_kind_name((lc_layer_kind)k));
                goto fail;
            }
            continue;
        }
        in->layers[k] = lc_layer_read(ctx, (lc_layer_kind)k, study, profile, quality);
        if (!in->layers[k]) { /* kept, and on to the next layer: every layer's mistake in one run */
            lc_status ls = lc_context_errno(ctx);
            if (ls == LC_ERR_NOMEM || ls == LC_ERR_CANCELLED || ls == LC_ERR_MISUSE)
                goto fail;
            first = nerr++ ? first : ls;
            lc_strbuf_str(&errs, nerr > 1 ? "\n" : "");
            lc_strbuf_str(&errs, lc_context_errmsg(ctx));
        }
    }
    if (nerr || errs.failed) {
        if (errs.failed)
            lc_error(ctx, LC_ERR_NOMEM, "out of memory reading the inputs");
        else
            lc_error(ctx, first, "%s", errs.s);
        goto fail;
    }
    free(errs.s);
    errs.s = NULL;

    const char *def = lc_study_get(study, "crs");
    in->crs = def && strcmp(def, "auto") != 0 ? lc_crs_create(ctx, def) : choose_crs(ctx, in);
    if (!in->crs) {
        if (def && strcmp(def, "auto") != 0) { /* say where the CRS was given */
            char why[700];
            snprintf(why, sizeof why, "%s", lc_context_errmsg(ctx));
            lc_error(ctx, lc_context_errno(ctx), "%s: crs: %s", lc_study_path(study) ? lc_study_path(study) : "the study", why);
        }
        goto fail;
    }

    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        lc_layer *L = in->layers[k];
        if (!L || !L->source_crs) /* absent, or the facilities the study has none of */
            continue;
        lc_transform *tr = lc_transform_create(ctx, L->source_crs, in->crs);
        if (!tr) {
            lc_error(ctx, LC_ERR_CRS, "%s (layer %s): cannot transform into %s: %s", L->source, L->name,
                     lc_crs_name(in->crs), lc_context_errmsg(ctx));
            goto fail;
        }
        lc_status st = lc_layer_transform(ctx, L, tr);
        lc_transform_destroy(tr);
        if (st != LC_OK || lc_layer_check_duplicates(ctx, L, quality) != LC_OK ||
            lc_layer_check_values(ctx, L, study, quality) != LC_OK)
            goto fail;
    }
    /* The checks across layers, in the working CRS: whether the layers meet; unless a whole layer is
     * elsewhere (then that is the finding), the CRS's distortion where they lie and each facility
     * outside every unit. */
    int apart = 0;
    if (lc_inputs_check_meet(ctx, in->layers, in->crs, quality, &apart) != LC_OK ||
        (!apart && lc_inputs_check_crs(ctx, in->layers, in->crs, quality) != LC_OK))
        goto fail;
    if (!apart && in->layers[LC_LAYER_UNITS] && in->layers[LC_LAYER_UNITS]->count &&
        check_outside_units(ctx, in->layers[LC_LAYER_FACILITIES], in->layers[LC_LAYER_UNITS], quality) != LC_OK)
        goto fail;
    return in;
fail:
    free(errs.s);
    lc_inputs_destroy(in);
    return NULL;
}
