/*
 * layers/crs_checks.c — checks of the CRSs a study uses, once every layer is in the working CRS: a
 * working CRS that misstates distances where the data lie (a UTM or Gauss-Krüger zone for another
 * longitude, Web Mercator), and a hint when WGS 84 lon/lat lie in mainland China, where lon/lat
 * copied from a Chinese web map are GCJ-02 or BD-09. Layers that do not meet are layers/meet.c's;
 * the measurements themselves geo/crs_measure.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"

/* The working CRS's scale error (|CRS length / true length − 1|) above which distances and areas are
 * wrong: a 1,000 m reach off by 50 m (error) or 10 m (warning). The UTM zone of the data stays under
 * 0.1 %, a neighbouring UTM or 3° Gauss-Krüger zone under 0.3 %. */
#define LC_SCALE_ERROR 0.05
#define LC_SCALE_WARNING 0.01

/* The layer the checks measure at: residential, else the first layer with features. */
static const lc_layer *reference_layer(lc_layer *const layers[LC_LAYER_KIND_COUNT])
{
    if (layers[LC_LAYER_RESIDENTIAL] && layers[LC_LAYER_RESIDENTIAL]->count)
        return layers[LC_LAYER_RESIDENTIAL];
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++)
        if (layers[k] && layers[k]->count)
            return layers[k];
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Where most of the layer lies: the box from the 5th to the 95th percentile of its features' box
 * centres, in x and in y (the whole extent when the layer has fewer than 20 features or memory is
 * short). A few features typed far off (one compound in another city) stretch the extent across the
 * globe, and a CRS measured at that extent's corners would be blamed for them; they are reported as
 * lying outside every unit instead (layers/meet.c). A layer that is wholly elsewhere moves this box
 * too, so a wrong zone is still caught. */
static lc_bbox core_box(lc_context *ctx, const lc_layer *L)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = 0;
    double *x = L->count >= 20 ? malloc(L->count * sizeof *x) : NULL, *y = x ? malloc(L->count * sizeof *y) : NULL;
    if (!x || !y) {
        free(x);
        return L->extent;
    }
    for (size_t i = 0; i < L->count; i++) {
        double x0, y0, x1, y1;
        const GEOSGeometry *g = L->features[i].geom;
        if (g && GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1) && isfinite(x0 + y0 + x1 + y1))
            x[n] = (x0 + x1) / 2, y[n++] = (y0 + y1) / 2;
    }
    lc_bbox b = L->extent;
    if (n >= 20) {
        qsort(x, n, sizeof *x, cmp_double);
        qsort(y, n, sizeof *y, cmp_double);
        size_t lo = n / 20, hi = n - 1 - n / 20;
        b = (lc_bbox){x[lo], y[lo], x[hi], y[hi]};
    }
    free(x), free(y);
    return b;
}

/* Reports a working CRS whose scale error at the centre or corners of where most of the reference
 * layer lies passes the bounds above, suggesting the UTM zone of the data. */
static lc_status check_distortion(lc_context *ctx, const lc_layer *L, const lc_crs *crs, lc_bbox ll, lc_quality *q)
{
    const lc_bbox b = core_box(ctx, L);
    const lc_xy at[] = {{(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}, {b.minx, b.miny}, {b.maxx, b.miny},
                        {b.minx, b.maxy}, {b.maxx, b.maxy}};
    double worst = 0;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        double e;
        if (lc_crs_scale_error(ctx, crs, at[i], &e) == LC_OK && fabs(e) > fabs(worst))
            worst = e;
    }
    lc_context_clear_error(ctx);
    if (fabs(worst) <= LC_SCALE_WARNING)
        return LC_OK;
    int error = fabs(worst) > LC_SCALE_ERROR;
    lc_crs *utm = lc_crs_create_utm(ctx, (ll.minx + ll.maxx) / 2, (ll.miny + ll.maxy) / 2);
    lc_context_clear_error(ctx);
    lc_status st = lc_quality_add(
        ctx, q, error ? LC_SEVERITY_ERROR : LC_SEVERITY_WARNING, error ? LC_ERR_CRS : LC_OK, LC_CHECK_CRS_DISTORTION,
        L->source, L->name, NULL, NULL,
        "%s (layer %s): the working CRS %s%s%s%s measures distances where this layer lies (lon %.4f..%.4f, lat "
        "%.4f..%.4f) %.1f%% %s than they are on the ground, so every reach and area would be %s: it is made for "
        "another place (a UTM or Gauss-Krüger zone for another longitude, or Web Mercator); use 'crs: auto'%s%s%s",
        L->source, L->name, lc_crs_name(crs), lc_crs_id(crs) ? " (" : "", lc_crs_id(crs) ? lc_crs_id(crs) : "",
        lc_crs_id(crs) ? ")" : "", ll.minx, ll.maxx, ll.miny, ll.maxy, 100 * fabs(worst),
        worst > 0 ? "longer" : "shorter", error ? "wrong" : "off", utm ? " or " : "",
        utm && lc_crs_id(utm) ? lc_crs_id(utm) : "", utm ? ", the UTM zone of the data" : "");
    lc_crs_destroy(utm);
    return st;
}

/* Says once, as information, that layers labelled WGS 84 lon/lat lie in mainland China, where lon/lat
 * copied from Amap, Tencent or Baidu maps are GCJ-02 or BD-09, and how far off that would be here. */
static lc_status hint_webmap(lc_context *ctx, lc_layer *const layers[LC_LAYER_KIND_COUNT], lc_bbox ll, lc_quality *q)
{
    lc_xy c = {(ll.minx + ll.maxx) / 2, (ll.miny + ll.maxy) / 2};
    if (!lc_in_mainland_china(c))
        return LC_OK;
    char names[1024] = "", keys[256] = "";
    const lc_layer *first = NULL;
    size_t nn = 0, nk = 0;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = layers[k];
        if (!L || !L->count || !L->wgs84_lonlat)
            continue;
        if (!first)
            first = L;
        int a = snprintf(names + nn, sizeof names - nn, "%s%s (layer %s)", nn ? ", " : "", L->source, L->name);
        int b = snprintf(keys + nk, sizeof keys - nk, "%s%s.crs", nk ? " / " : "", lc_layer_kind_name(L->kind));
        nn += a > 0 && (size_t)a < sizeof names - nn ? (size_t)a : 0;
        nk += b > 0 && (size_t)b < sizeof keys - nk ? (size_t)b : 0;
    }
    if (!first)
        return LC_OK;
    double offset = lc_lonlat_distance(c, lc_wgs84_to_gcj02(c));
    return lc_quality_add(ctx, q, LC_SEVERITY_INFO, LC_OK, LC_CHECK_WEBMAP_HINT, first->source, first->name, NULL,
                          NULL,
                          "%s: lon/lat labelled WGS 84 in mainland China (around %.4f, %.4f). Lon/lat copied from "
                          "Amap, Tencent or Baidu maps are GCJ-02 or BD-09, here %.0f m off WGS 84: if these came "
                          "from such a map, set %s: GCJ-02 (or BD-09). GPS and OpenStreetMap lon/lat are WGS 84 and "
                          "right as they are",
                          names, c.x, c.y, offset, keys);
}

lc_status lc_inputs_check_crs(lc_context *ctx, lc_layer *const layers[LC_LAYER_KIND_COUNT], const lc_crs *crs,
                              lc_quality *q)
{
    const lc_layer *L = reference_layer(layers);
    lc_bbox ll;
    if (!L || lc_crs_lonlat_box(ctx, crs, core_box(ctx, L), &ll) != LC_OK) {
        lc_context_clear_error(ctx);
        return LC_OK;
    }
    lc_status st = check_distortion(ctx, L, crs, ll, q);
    return st == LC_OK ? hint_webmap(ctx, layers, ll, q) : st;
}
