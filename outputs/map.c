/*
 * outputs/map.c — draws the coverage map of one category with cairo (lifecircle/map.h): the page
 * (A3 PDF or PNG), its fonts (FreeType with the Noto CJK font fontconfig finds, so Chinese and
 * English share one typeface on screen and in print), its layout and the transform from the working
 * CRS, and the entry point. The map body — residential polygons shaded by covered share over the
 * translucent service area, gaps hatched, 街镇 boundaries and names, facilities, proposals as stars —
 * with the scale bar and north arrow is drawn in outputs/map_draw.c, the title and legend in
 * outputs/map_legend.c; what they share is in outputs/map_int.h. Colours come from
 * outputs/style_int.h, the palette the QGIS styles use too.
 *
 * Everything is drawn in page units (PDF points, or PNG pixels) through one transform from the
 * working CRS; the layout is the one documented in map.h, so callers (and tests) can tell where a
 * point of the study area lands on the page.
 */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "outputs/map_int.h"
#include "outputs/style_int.h"

/* Two leaks inside Debian 12's libraries, reproduced with a minimal program and not lifecircle's:
 * fontconfig 2.14 loses a few hundred bytes parsing its configuration (once per process), and
 * cairo 1.16 loses an array per embedded CID font when a PDF surface is finished. In sanitizer
 * builds exactly those two calls are hidden from LeakSanitizer, so the rest stays checked. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LIBRARY_LEAKS_BEGIN() __lsan_disable()
#define LIBRARY_LEAKS_END() __lsan_enable()
#else
#define LIBRARY_LEAKS_BEGIN() ((void)0)
#define LIBRARY_LEAKS_END() ((void)0)
#endif

/* A3 landscape in points, and the layout of map.h in units of u. */
#define A3_W_PT (420.0 / 25.4 * 72.0)
#define A3_H_PT (297.0 / 25.4 * 72.0)
#define MAX_PX 16384

/* Bytes collected from cairo's stream writers. */
typedef struct sink {
    unsigned char *data;
    size_t len, cap;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *k = closure;
    if (k->len + length > k->cap) {
        size_t cap = k->cap ? k->cap : 1 << 16;
        while (cap < k->len + length)
            cap *= 2;
        unsigned char *p = realloc(k->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        k->data = p;
        k->cap = cap;
    }
    memcpy(k->data + k->len, data, length);
    k->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* ---- fonts ---------------------------------------------------------------------------------- */

/* Non-zero when one of the family names of a matched font is a Noto CJK family. */
static int is_noto_cjk(FcPattern *match)
{
    FcChar8 *family;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &family) == FcResultMatch; i++)
        if (!strncmp((const char *)family, "Noto Sans CJK", 13) || !strncmp((const char *)family, "Noto Serif CJK", 14))
            return 1;
    return 0;
}

/* The Noto Sans CJK SC face at a weight, as fontconfig resolves it. fontconfig always answers with
 * some font, so the match is checked: a fallback (DejaVu, ...) would draw Chinese as boxes. NULL
 * with LC_ERR_IO (font missing) or LC_ERR_NOMEM. Caller frees with cairo_font_face_destroy(). */
static cairo_font_face_t *cjk_face(lc_context *ctx, int bold)
{
    LIBRARY_LEAKS_BEGIN();
    FcBool loaded = FcInit(); /* loads the configuration once per process */
    LIBRARY_LEAKS_END();
    if (!loaded)
        return lc_error(ctx, LC_ERR_IO, "map: fontconfig could not load its configuration; the map needs the font "
                                        "\"Noto Sans CJK SC\" (Debian's fonts-noto-cjk)"),
               NULL;
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory"), NULL;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Sans CJK SC");
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
    /* Outlines, no hinting: the same glyph shapes on every machine and at every size. */
    FcPatternAddBool(pat, FC_HINTING, FcFalse);
    FcPatternAddBool(pat, FC_ANTIALIAS, FcTrue);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult r = FcResultNoMatch;
    FcPattern *match = FcFontMatch(NULL, pat, &r);
    FcPatternDestroy(pat);
    if (!match || !is_noto_cjk(match)) {
        FcChar8 *family = NULL;
        if (match)
            FcPatternGetString(match, FC_FAMILY, 0, &family);
        lc_error(ctx, LC_ERR_IO,
                 "map: the font \"Noto Sans CJK SC\" was not found (fontconfig offered %s%s%s); install Debian's "
                 "fonts-noto-cjk (scripts/install-deps.sh)",
                 family ? "\"" : "", family ? (const char *)family : "nothing", family ? "\"" : "");
        if (match)
            FcPatternDestroy(match);
        return NULL;
    }
    cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(match);
    FcPatternDestroy(match);
    if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(face);
        return lc_error(ctx, LC_ERR_NOMEM, "map: cannot load the Noto CJK font"), NULL;
    }
    return face;
}

/* ---- layout --------------------------------------------------------------------------------- */

static layout make_layout(double w, double h)
{
    layout l = {.w = w, .h = h};
    l.u = fmin(w / A3_W_PT, h / A3_H_PT);
    l.fx = MARGIN * l.u;
    l.fy = (MARGIN + TITLE_BAND) * l.u;
    l.fw = w - (2 * MARGIN + GUTTER + LEGEND_W) * l.u;
    l.fh = h - l.fy - MARGIN * l.u;
    l.lx = l.fx + l.fw + GUTTER * l.u;
    l.ly = l.fy;
    l.lw = LEGEND_W * l.u;
    l.lh = l.fh;
    return l;
}

/* The extent of map.h: residential, units and facilities, at least 100 m across, grown by 5% of
 * its larger side on every side, centred in the frame at the largest scale that fits. */
static view make_view(const lc_inputs *in, const layout *l)
{
    lc_bbox b = lc_bbox_empty();
    static const lc_layer_kind kinds[] = {LC_LAYER_RESIDENTIAL, LC_LAYER_UNITS, LC_LAYER_FACILITIES};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const lc_layer *layer = lc_inputs_layer(in, kinds[i]);
        if (layer && lc_layer_count(layer) > 0) {
            lc_bbox e = lc_layer_extent(layer);
            if (!lc_bbox_is_empty(e) && isfinite(e.minx) && isfinite(e.maxx) && isfinite(e.miny) && isfinite(e.maxy))
                b = lc_bbox_union(b, e);
        }
    }
    if (lc_bbox_is_empty(b))
        b = (lc_bbox){0, 0, 0, 0};
    double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
    if (b.maxx - b.minx < 100 && b.maxy - b.miny < 100)
        b = (lc_bbox){cx - 50, cy - 50, cx + 50, cy + 50};
    double pad = 0.05 * fmax(b.maxx - b.minx, b.maxy - b.miny);
    b.minx -= pad, b.maxx += pad, b.miny -= pad, b.maxy += pad;
    double ew = b.maxx - b.minx, eh = b.maxy - b.miny;
    view v = {.minx = b.minx, .maxy = b.maxy};
    v.s = fmin(l->fw / ew, l->fh / eh);
    v.ox = l->fx + (l->fw - ew * v.s) / 2;
    v.oy = l->fy + (l->fh - eh * v.s) / 2;
    return v;
}

/* ---- entry point ---------------------------------------------------------------------------- */

/* The cairo status as a lifecircle error (LC_OK when fine). */
static lc_status cairo_error(lc_context *ctx, cairo_status_t cs, const char *what)
{
    if (cs == CAIRO_STATUS_SUCCESS)
        return LC_OK;
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory drawing the map");
    return lc_error(ctx, LC_ERR_INTERNAL, "map: cairo failed %s: %s", what, cairo_status_to_string(cs));
}

static void draw_page(map *m)
{
    cairo_t *cr = m->cr;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    if (m->access)
        lc_map_access_title(m);
    else
        lc_map_draw_title(m);
    lc_map_draw_body(m);
    lc_map_draw_scale_bar(m);
    lc_map_draw_north_arrow(m);
    if (m->access)
        lc_map_access_legend(m);
    else
        lc_map_draw_legend(m);
}

unsigned char *lc_map_render(lc_context *ctx, const lc_results *results, size_t category,
                             const lc_map_options *options, size_t *size)
{
    if (!ctx)
        return NULL;
    if (size)
        *size = 0;
    lc_map_options o = options ? *options : (lc_map_options){0};
    if (!results || !size || !results->inputs || !results->profile || !results->coverage)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_map_render: results (inputs, profile, coverage) and size are required"),
               NULL;
    if (category >= lc_profile_category_count(results->profile) ||
        category >= lc_coverage_category_count(results->coverage))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_map_render: category %zu does not exist (the profile has %zu)", category,
                        lc_profile_category_count(results->profile)),
               NULL;
    if (o.access && (!results->access || o.access > lc_access_count(results->access)))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_map_render: accessibility entry %zu does not exist (the results hold "
                        "%zu)", o.access - 1, lc_access_count(results->access)),
               NULL;
    if (o.format != LC_MAP_PNG && o.format != LC_MAP_PDF)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_map_render: unknown format %d", (int)o.format), NULL;
    if (o.width_px == 0)
        o.width_px = 1600;
    if (o.height_px == 0)
        o.height_px = 1131;
    if (o.format == LC_MAP_PNG && (o.width_px < 200 || o.width_px > MAX_PX || o.height_px < 150 || o.height_px > MAX_PX))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_map_render: a PNG map is 200..%d × 150..%d pixels, not %d × %d", MAX_PX,
                        MAX_PX, o.width_px, o.height_px),
               NULL;

    map m = {.ctx = ctx, .h = lc_ctx_geos(ctx), .res = results, .category = category, .siting = o.siting,
             .access = o.access, .after = o.siting && o.after};
    const lc_layer *fac = lc_inputs_layer(results->inputs, LC_LAYER_FACILITIES);
    size_t nfac = fac ? lc_layer_count(fac) : 0, added = lc_inputs_added(results->inputs, NULL);
    m.nfacilities = m.after && added <= nfac ? nfac - added : nfac;
    m.regular = cjk_face(ctx, 0);
    if (!m.regular)
        return NULL;
    m.bold = cjk_face(ctx, 1);
    if (!m.bold) {
        cairo_font_face_destroy(m.regular);
        return NULL;
    }

    sink out = {0};
    cairo_surface_t *surface;
    double w, h;
    if (o.format == LC_MAP_PDF) {
        w = A3_W_PT, h = A3_H_PT;
        surface = cairo_pdf_surface_create_for_stream(sink_write, &out, w, h);
        /* No wall-clock date in the file: equal maps are equal bytes. */
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, LC_MAP_PDF_DATE);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, LC_MAP_PDF_DATE);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "lifecircle " LC_VERSION);
        const lc_category *cat = lc_profile_category(results->profile, category);
        char title[512], clean[512];
        snprintf(title, sizeof title, "%s %s", cat->name_zh, cat->name_en);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, lc_map_drawable(title, clean, sizeof clean));
    } else {
        w = o.width_px, h = o.height_px;
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o.width_px, o.height_px);
    }
    m.cr = cairo_create(surface);
    m.lay = make_layout(w, h);
    m.v = make_view(results->inputs, &m.lay);
    draw_page(&m);
    lc_status st = m.nomem ? lc_error(ctx, LC_ERR_NOMEM, "out of memory placing the map's labels")
                           : cairo_error(ctx, cairo_status(m.cr), "drawing");
    cairo_destroy(m.cr);
    if (st == LC_OK) {
        if (o.format == LC_MAP_PNG)
            st = cairo_error(ctx, cairo_surface_write_to_png_stream(surface, sink_write, &out), "writing the PNG");
        if (o.format == LC_MAP_PDF)
            LIBRARY_LEAKS_BEGIN();
        cairo_surface_finish(surface);
        if (o.format == LC_MAP_PDF)
            LIBRARY_LEAKS_END();
        if (st == LC_OK)
            st = cairo_error(ctx, cairo_surface_status(surface), "writing the map");
    }
    cairo_surface_destroy(surface);
    cairo_font_face_destroy(m.regular);
    cairo_font_face_destroy(m.bold);
    if (st != LC_OK || !out.data) {
        free(out.data);
        if (st == LC_OK)
            lc_error(ctx, LC_ERR_INTERNAL, "map: cairo wrote nothing");
        return NULL;
    }
    *size = out.len;
    return out.data;
}
