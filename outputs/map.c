/*
 * outputs/map.c — draws the coverage map of one category with cairo (lifecircle/map.h): residential
 * polygons shaded by covered share over the translucent service area, gaps hatched, 街镇 boundaries
 * and names, facilities, proposals as stars, and around the map a title, a legend, a scale bar and a
 * north arrow. Text goes through FreeType with the Noto CJK font fontconfig finds, so Chinese and
 * English share one typeface on screen and in print. Colours come from outputs/style_int.h, the
 * palette the QGIS styles use too.
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
#define MARGIN 24.0
#define TITLE_BAND 62.0
#define GUTTER 16.0
#define LEGEND_W 290.0
#define MAX_PX 16384

/* Colours of the page itself (not shared with QGIS: they frame the map, they are not data). */
static const lc_rgb map_bg = {LC_MAP_BG_R, LC_MAP_BG_G, LC_MAP_BG_B};
static const lc_rgb ink = {33, 33, 33};
static const lc_rgb ink_soft = {100, 100, 100};
static const lc_rgb frame_line = {120, 120, 120};
static const lc_rgb white = {255, 255, 255};

/* Labels of the share classes (index as lc_style_share_colour). */
static const char *const share_range[LC_STYLE_SHARE_CLASSES] = {"0–<25%", "25–<50%", "50–<75%", "75–<100%", "100%"};
static const char *const share_label[LC_STYLE_SHARE_CLASSES] = {
    "基本未覆盖 mostly outside", "少部分覆盖 partly covered", "过半覆盖 half or more",
    "大部分覆盖 mostly covered", "全部覆盖 fully covered"};

/* Where the study area lands on the page: page = (ox + (x − minx)·s, oy + (maxy − y)·s). */
typedef struct view {
    double minx, maxy, s, ox, oy;
} view;

/* The page: size, unit, map frame and legend panel (page units). */
typedef struct layout {
    double w, h, u;
    double fx, fy, fw, fh; /* map frame */
    double lx, ly, lw, lh; /* legend panel */
} layout;

/* Everything the drawing steps share. */
typedef struct map {
    lc_context *ctx;
    GEOSContextHandle_t h;
    cairo_t *cr;
    const lc_results *res;
    size_t category;
    const lc_siting *siting;
    cairo_font_face_t *regular, *bold;
    layout lay;
    view v;
} map;

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

/* ---- drawing helpers ------------------------------------------------------------------------ */

static void set_rgb(cairo_t *cr, lc_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

static void set_rgba(cairo_t *cr, lc_rgb c, double a)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, a);
}

static double px(const view *v, double x)
{
    return v->ox + (x - v->minx) * v->s;
}

static double py(const view *v, double y)
{
    return v->oy + (v->maxy - y) * v->s;
}

/* Appends a coordinate sequence to the path, closed for rings. */
static void seq_path(map *m, const GEOSCoordSequence *seq, int close)
{
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(m->h, seq, &n) || n == 0)
        return;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(m->h, seq, i, &x, &y);
        if (i == 0)
            cairo_move_to(m->cr, px(&m->v, x), py(&m->v, y));
        else
            cairo_line_to(m->cr, px(&m->v, x), py(&m->v, y));
    }
    if (close)
        cairo_close_path(m->cr);
}

/* Appends the rings and lines of a geometry (any type; points are skipped) to the path. Fill it
 * with CAIRO_FILL_RULE_EVEN_ODD: GEOS does not promise the orientation of holes. */
static void geom_path(map *m, const GEOSGeometry *g)
{
    if (!g)
        return;
    switch (GEOSGeomTypeId_r(m->h, g)) {
    case GEOS_POLYGON: {
        seq_path(m, GEOSGeom_getCoordSeq_r(m->h, GEOSGetExteriorRing_r(m->h, g)), 1);
        int n = GEOSGetNumInteriorRings_r(m->h, g);
        for (int i = 0; i < n; i++)
            seq_path(m, GEOSGeom_getCoordSeq_r(m->h, GEOSGetInteriorRingN_r(m->h, g, i)), 1);
        break;
    }
    case GEOS_LINESTRING:
        seq_path(m, GEOSGeom_getCoordSeq_r(m->h, g), 0);
        break;
    case GEOS_LINEARRING:
        seq_path(m, GEOSGeom_getCoordSeq_r(m->h, g), 1);
        break;
    case GEOS_MULTIPOLYGON:
    case GEOS_MULTILINESTRING:
    case GEOS_GEOMETRYCOLLECTION: {
        int n = GEOSGetNumGeometries_r(m->h, g);
        for (int i = 0; i < n; i++)
            geom_path(m, GEOSGetGeometryN_r(m->h, g, i));
        break;
    }
    default:
        break;
    }
}

/* A point geometry's coordinates; 0 for anything else or an empty point. */
static int point_xy(map *m, const GEOSGeometry *g, double *x, double *y)
{
    if (!g || GEOSGeomTypeId_r(m->h, g) != GEOS_POINT || GEOSisEmpty_r(m->h, g))
        return 0;
    return GEOSGeomGetX_r(m->h, g, x) == 1 && GEOSGeomGetY_r(m->h, g, y) == 1 && isfinite(*x) && isfinite(*y);
}

/* Diagonal hatching (lines x + y = k·spacing in page units, so neighbouring areas line up) over the
 * current clip. */
static void hatch(map *m, double spacing, double width, lc_rgb c)
{
    double x0, y0, x1, y1;
    cairo_clip_extents(m->cr, &x0, &y0, &x1, &y1);
    if (x1 <= x0 || y1 <= y0)
        return;
    cairo_new_path(m->cr);
    for (double k = floor((x0 + y0) / spacing); k * spacing <= x1 + y1; k++) {
        double c0 = k * spacing;
        cairo_move_to(m->cr, c0 - y0 + 1, y0 - 1);
        cairo_line_to(m->cr, c0 - y1 - 1, y1 + 1);
    }
    set_rgb(m->cr, c);
    cairo_set_line_width(m->cr, width);
    cairo_stroke(m->cr);
}

/* The length of the UTF-8 sequence at p (1-4) when it is one cairo accepts (shortest form, no
 * surrogate, at most U+10FFFF), else 0. */
static size_t utf8_char(const unsigned char *p)
{
    size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n <= 1)
        return n;
    unsigned long cp = p[0] & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3F);
    }
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    return cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : n;
}

/* s as cairo can draw it. cairo refuses text that is not UTF-8 and then draws nothing more on the
 * page: a name read from a GBK file without its encoding, or a title cut by snprintf inside a
 * character, would lose the whole map. Valid text is returned as it is; otherwise a copy in buf with
 * each bad byte as '?' and a character cut at the end dropped. */
static const char *drawable(const char *s, char *buf, size_t size)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    while (*p && (n = utf8_char(p)) > 0)
        p += n;
    if (!*p)
        return s;
    size_t o = 0;
    for (p = (const unsigned char *)s; *p && o + 1 < size;) {
        n = utf8_char(p);
        if (!n) {
            buf[o++] = '?';
            p++;
            continue;
        }
        if (o + n >= size)
            break;
        memcpy(buf + o, p, n);
        o += n, p += n;
    }
    buf[o] = '\0';
    return buf;
}

/* Text at (x, y) on its baseline, aligned left (0), centred (1) or right (2); returns its advance. */
static double text(map *m, int bold, double size, double x, double y, int align, lc_rgb c, const char *s)
{
    char clean[1024];
    s = drawable(s, clean, sizeof clean);
    cairo_t *cr = m->cr;
    cairo_set_font_face(cr, bold ? m->bold : m->regular);
    cairo_set_font_size(cr, size * m->lay.u);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double w = e.x_advance;
    cairo_move_to(cr, x - (align == 1 ? w / 2 : align == 2 ? w : 0), y);
    set_rgb(cr, c);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
    return w;
}

/* Text with a white halo, for labels drawn over the map. */
static void halo_text(map *m, int bold, double size, double x, double y, lc_rgb c, const char *s)
{
    char clean[1024];
    s = drawable(s, clean, sizeof clean);
    cairo_t *cr = m->cr;
    cairo_set_font_face(cr, bold ? m->bold : m->regular);
    cairo_set_font_size(cr, size * m->lay.u);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_new_path(cr);
    cairo_move_to(cr, x - e.x_advance / 2, y);
    cairo_text_path(cr, s);
    set_rgba(cr, white, 0.85);
    cairo_set_line_width(cr, 2.6 * m->lay.u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgb(cr, c);
    cairo_fill(cr);
}

/* A five-pointed star of outer radius r centred at (x, y), as a path. */
static void star_path(cairo_t *cr, double x, double y, double r)
{
    for (int i = 0; i < 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5, rr = i % 2 ? r * 0.42 : r;
        if (i == 0)
            cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
        else
            cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
    }
    cairo_close_path(cr);
}

/* Marker of a facility of the mapped category (major) or of another one. */
static void facility_marker(map *m, double x, double y, lc_rgb c, int major)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u;
    cairo_new_path(cr);
    if (major) {
        cairo_arc(cr, x, y, 5.5 * u, 0, 2 * M_PI);
        set_rgb(cr, c);
        cairo_fill_preserve(cr);
        set_rgb(cr, white);
        cairo_set_line_width(cr, 1.4 * u);
        cairo_stroke(cr);
    } else {
        cairo_arc(cr, x, y, 2.2 * u, 0, 2 * M_PI);
        set_rgba(cr, c, 0.45);
        cairo_fill(cr);
    }
}

static void proposal_marker(map *m, double x, double y)
{
    cairo_t *cr = m->cr;
    cairo_new_path(cr);
    star_path(cr, x, y, 10 * m->lay.u);
    set_rgb(cr, lc_style_proposal);
    cairo_fill_preserve(cr);
    set_rgb(cr, white);
    cairo_set_line_width(cr, 1.4 * m->lay.u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
}

/* "12,345" */
static void thousands(char *buf, size_t size, double v)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* "500 m", "1 km", "2.5 km" */
static void distance_text(char *buf, size_t size, double metres)
{
    if (metres >= 1000)
        snprintf(buf, size, "%g km", metres / 1000);
    else
        snprintf(buf, size, "%g m", metres);
}

/* The share class of a covered share (class 4 only when the whole polygon is in reach). */
static int share_class(double share)
{
    if (!(share > 0))
        return 0;
    if (share >= 1 - 1e-9)
        return LC_STYLE_SHARE_CLASSES - 1;
    int k = 0;
    for (int i = 1; i < LC_STYLE_SHARE_CLASSES - 1; i++)
        if (share >= lc_style_share_breaks[i])
            k = i;
    return k;
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

/* ---- the map body --------------------------------------------------------------------------- */

static void draw_body(map *m)
{
    cairo_t *cr = m->cr;
    const lc_inputs *in = m->res->inputs;
    const lc_coverage *cov = m->res->coverage;
    const layout *l = &m->lay;
    double u = l->u;
    size_t c = m->category;

    cairo_save(cr);
    cairo_rectangle(cr, l->fx, l->fy, l->fw, l->fh);
    set_rgb(cr, map_bg);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

    /* Service area under the compounds: their class colours stay those of the legend. */
    const GEOSGeometry *sa = lc_coverage_service_area(cov, c);
    if (sa) {
        cairo_new_path(cr);
        geom_path(m, sa);
        set_rgba(cr, lc_style_service_area, LC_STYLE_SERVICE_AREA_ALPHA);
        cairo_fill(cr);
    }

    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    size_t nres = res ? lc_layer_count(res) : 0, ncov = lc_coverage_polygon_count(cov);
    for (size_t i = 0; i < nres && i < ncov; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        if (!f->geom)
            continue;
        cairo_new_path(cr);
        geom_path(m, f->geom);
        set_rgb(cr, lc_style_share_colour[share_class(lc_coverage_get(cov, i, c)->covered_share)]);
        cairo_fill_preserve(cr);
        set_rgba(cr, white, 0.9);
        cairo_set_line_width(cr, 0.5 * u);
        cairo_stroke(cr);
    }

    /* Gaps: hatched inside, outlined so that slivers narrower than the hatching still show. */
    for (size_t i = 0; i < ncov; i++) {
        const GEOSGeometry *g = lc_coverage_gap(cov, i, c);
        if (!g)
            continue;
        cairo_save(cr);
        cairo_new_path(cr);
        geom_path(m, g);
        cairo_clip_preserve(cr);
        cairo_new_path(cr);
        hatch(m, 5.5 * u, 1.6 * u, lc_style_gap);
        cairo_restore(cr);
        cairo_new_path(cr);
        geom_path(m, g);
        set_rgb(cr, lc_style_gap);
        cairo_set_line_width(cr, 0.7 * u);
        cairo_stroke(cr);
    }

    if (sa) {
        cairo_new_path(cr);
        geom_path(m, sa);
        set_rgba(cr, lc_style_service_area, 0.9);
        cairo_set_line_width(cr, 1.1 * u);
        cairo_stroke(cr);
    }

    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t nunits = units ? lc_layer_count(units) : 0;
    if (nunits) {
        double dash[] = {7 * u, 2.5 * u, 1.5 * u, 2.5 * u};
        cairo_new_path(cr);
        for (size_t i = 0; i < nunits; i++)
            geom_path(m, lc_layer_feature(units, i)->geom);
        set_rgb(cr, lc_style_unit_line);
        cairo_set_line_width(cr, 1.2 * u);
        cairo_set_dash(cr, dash, 4, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }

    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t nfac = fac ? lc_layer_count(fac) : 0;
    for (int major = 0; major <= 1; major++)
        for (size_t i = 0; i < nfac; i++) {
            const lc_feature *f = lc_layer_feature(fac, i);
            double x, y;
            if (f->category < 0 || ((size_t)f->category == c) != major || !point_xy(m, f->geom, &x, &y))
                continue;
            facility_marker(m, px(&m->v, x), py(&m->v, y),
                            lc_style_category[(size_t)f->category % LC_STYLE_CATEGORY_COLOURS], major);
        }

    /* Unit names over the facilities, under the proposals. */
    for (size_t i = 0; i < nunits; i++) {
        const lc_feature *f = lc_layer_feature(units, i);
        const char *name = f->name && *f->name ? f->name : f->id;
        if (!f->geom || !name)
            continue;
        GEOSGeometry *p = GEOSPointOnSurface_r(m->h, f->geom);
        double x, y;
        if (p && point_xy(m, p, &x, &y))
            halo_text(m, 0, 9.5, px(&m->v, x), py(&m->v, y), lc_style_unit_line, name);
        if (p)
            GEOSGeom_destroy_r(m->h, p);
    }

    size_t np = m->siting ? lc_siting_count(m->siting) : 0;
    for (size_t i = 0; i < np; i++) {
        const lc_proposal *p = lc_siting_get(m->siting, i);
        proposal_marker(m, px(&m->v, p->site.x), py(&m->v, p->site.y));
    }
    for (size_t i = 0; i < np; i++) {
        const lc_proposal *p = lc_siting_get(m->siting, i);
        char rank[32];
        snprintf(rank, sizeof rank, "%zu", p->rank);
        cairo_save(cr);
        cairo_set_font_face(cr, m->bold);
        cairo_set_font_size(cr, 10 * u);
        cairo_move_to(cr, px(&m->v, p->site.x) + 10 * u, py(&m->v, p->site.y) - 6 * u);
        cairo_text_path(cr, rank);
        set_rgba(cr, white, 0.9);
        cairo_set_line_width(cr, 2.6 * u);
        cairo_stroke_preserve(cr);
        set_rgb(cr, lc_style_proposal);
        cairo_fill(cr);
        cairo_restore(cr);
    }
    cairo_restore(cr);

    cairo_new_path(cr);
    cairo_rectangle(cr, l->fx, l->fy, l->fw, l->fh);
    set_rgb(cr, frame_line);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
}

/* A scale bar in the lower left of the frame: a round length (1, 2 or 5 × 10^k m) near a fifth of
 * the frame's width, in four alternating segments. */
static void draw_scale_bar(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, target = 0.2 * l->fw / m->v.s, len = 1;
    double p10 = pow(10, floor(log10(target)));
    static const double steps[] = {1, 2, 5, 10};
    for (size_t i = 0; i < 4; i++)
        if (steps[i] * p10 <= target)
            len = steps[i] * p10;
    double bw = len * m->v.s, x0 = l->fx + 14 * u, y0 = l->fy + l->fh - 16 * u, bh = 5 * u;
    char end[32], mid[32];
    distance_text(end, sizeof end, len);
    if (len >= 1000)
        snprintf(mid, sizeof mid, "%g", len / 2000);
    else
        snprintf(mid, sizeof mid, "%g", len / 2);
    /* A white backdrop keeps it legible over the data. */
    cairo_new_path(cr);
    cairo_rectangle(cr, x0 - 8 * u, y0 - 22 * u, bw + 44 * u, 32 * u);
    set_rgba(cr, white, 0.85);
    cairo_fill(cr);
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * bw / 4, y0 - bh, bw / 4, bh);
        set_rgb(cr, i % 2 ? white : ink);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y0 - bh, bw, bh);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, 0.7 * u);
    cairo_stroke(cr);
    text(m, 0, 8.5, x0, y0 - bh - 4 * u, 1, ink, "0");
    text(m, 0, 8.5, x0 + bw / 2, y0 - bh - 4 * u, 1, ink, mid);
    text(m, 0, 8.5, x0 + bw, y0 - bh - 4 * u, 1, ink, end);
}

/* A north arrow in the upper right of the frame (the working CRS is projected, grid north up). */
static void draw_north_arrow(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, cx = l->fx + l->fw - 26 * u, top = l->fy + 28 * u, hgt = 30 * u, hw = 8 * u;
    cairo_new_path(cr);
    cairo_rectangle(cr, cx - 18 * u, l->fy + 8 * u, 36 * u, 60 * u);
    set_rgba(cr, white, 0.85);
    cairo_fill(cr);
    /* Left half dark, right half light: the classic two-tone arrow. */
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - hw, top + hgt);
    cairo_line_to(cr, cx, top + hgt * 0.72);
    cairo_close_path(cr);
    set_rgb(cr, ink);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx + hw, top + hgt);
    cairo_line_to(cr, cx, top + hgt * 0.72);
    cairo_close_path(cr);
    set_rgb(cr, white);
    cairo_fill_preserve(cr);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    text(m, 1, 11, cx, top - 5 * u, 1, ink, "N 北");
}

/* ---- title and legend ----------------------------------------------------------------------- */

static void draw_title(map *m)
{
    const lc_category *cat = lc_profile_category(m->res->profile, m->category);
    const lc_coverage *cov = m->res->coverage;
    const layout *l = &m->lay;
    double u = l->u, reach = lc_coverage_reach(cov, m->category);
    char title[512], sub[512], reach_txt[64], a[64], b[64];
    /* The category's walking time when the coverage used its reach; metres when overridden. */
    if (isfinite(cat->reach_minutes) && cat->reach_minutes > 0 && fabs(reach - cat->reach_m) < 1e-6)
        snprintf(title, sizeof title, "%s %s — %g分钟覆盖 coverage", cat->name_zh, cat->name_en, cat->reach_minutes);
    else
        snprintf(title, sizeof title, "%s %s — %g米覆盖 coverage", cat->name_zh, cat->name_en, reach);
    text(m, 1, 20, l->fx, (MARGIN + 24) * u, 0, ink, title);

    distance_text(reach_txt, sizeof reach_txt, reach);
    double pop = lc_coverage_population(cov), covered = lc_coverage_covered_population(cov, m->category);
    int n = snprintf(sub, sizeof sub, "可达范围 reach %s (%s)", reach_txt,
                     lc_coverage_mode(cov) == LC_MODE_NETWORK ? "步行路网 along the walking network"
                                                              : "直线距离 straight line");
    if (pop > 0 && n > 0 && (size_t)n < sizeof sub) {
        thousands(a, sizeof a, covered);
        thousands(b, sizeof b, pop);
        snprintf(sub + n, sizeof sub - (size_t)n, " · 覆盖常住人口 residents covered %s / %s (%.1f%%)", a, b,
                 100 * covered / pop);
    }
    text(m, 0, 11, l->fx, (MARGIN + 46) * u, 0, ink_soft, sub);

    cairo_new_path(m->cr);
    cairo_move_to(m->cr, l->fx, (MARGIN + TITLE_BAND - 8) * u);
    cairo_line_to(m->cr, l->w - MARGIN * u, (MARGIN + TITLE_BAND - 8) * u);
    set_rgb(m->cr, frame_line);
    cairo_set_line_width(m->cr, 0.6 * u);
    cairo_stroke(m->cr);
}

/* Legend rows share this geometry: a swatch 26u × 13u at the left, the text after it. */
#define SW_W 26.0
#define SW_H 13.0

static void swatch_rect(map *m, double x, double y)
{
    cairo_new_path(m->cr);
    cairo_rectangle(m->cr, x, y, SW_W * m->lay.u, SW_H * m->lay.u);
}

static void swatch_outline(map *m, double x, double y, lc_rgb c)
{
    swatch_rect(m, x, y);
    set_rgb(m->cr, c);
    cairo_set_line_width(m->cr, 0.6 * m->lay.u);
    cairo_stroke(m->cr);
}

/* A count right-aligned in the legend panel. */
static void legend_count(map *m, double y, size_t count)
{
    char buf[64];
    thousands(buf, sizeof buf, (double)count);
    text(m, 0, 9, m->lay.lx + m->lay.lw - 12 * m->lay.u, y, 2, ink_soft, buf);
}

static void draw_legend(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    const lc_inputs *in = m->res->inputs;
    const lc_coverage *cov = m->res->coverage;
    const lc_category *cat = lc_profile_category(m->res->profile, m->category);
    double u = l->u, x = l->lx + 14 * u, tx = x + (SW_W + 10) * u, y = l->ly + 26 * u;
    size_t c = m->category;

    cairo_new_path(cr);
    cairo_rectangle(cr, l->lx, l->ly, l->lw, l->lh);
    set_rgb(cr, white);
    cairo_fill_preserve(cr);
    set_rgb(cr, frame_line);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_rectangle(cr, l->lx, l->ly, l->lw, l->lh);
    cairo_clip(cr);

    text(m, 1, 15, x, y, 0, ink, "图例 Legend");
    y += 28 * u;

    /* Share classes, fully covered first, with the number of compounds in each. */
    size_t counts[LC_STYLE_SHARE_CLASSES] = {0}, ngap = 0;
    for (size_t i = 0; i < lc_coverage_polygon_count(cov); i++) {
        counts[share_class(lc_coverage_get(cov, i, c)->covered_share)]++;
        ngap += lc_coverage_gap(cov, i, c) != NULL;
    }
    text(m, 1, 10.5, x, y, 0, ink, "居住街坊覆盖比例");
    text(m, 0, 9, l->lx + l->lw - 12 * u, y, 2, ink_soft, "个数 count");
    y += 13 * u;
    text(m, 0, 9, x, y, 0, ink_soft, "Residential areas by share within reach");
    y += 10 * u;
    for (int k = LC_STYLE_SHARE_CLASSES - 1; k >= 0; k--) {
        swatch_rect(m, x, y);
        set_rgb(cr, lc_style_share_colour[k]);
        cairo_fill(cr);
        swatch_outline(m, x, y, frame_line);
        double base = y + SW_H * u - 2.5 * u;
        text(m, 1, 9.5, tx, base, 0, ink, share_range[k]);
        text(m, 0, 9.5, tx + 60 * u, base, 0, ink, share_label[k]);
        legend_count(m, base, counts[k]);
        y += 20 * u;
    }

    /* Gap and service area. */
    y += 4 * u;
    swatch_rect(m, x, y);
    set_rgb(cr, white);
    cairo_fill_preserve(cr);
    cairo_save(cr);
    cairo_clip(cr);
    hatch(m, 5.5 * u, 1.6 * u, lc_style_gap);
    cairo_restore(cr);
    swatch_outline(m, x, y, lc_style_gap);
    double base = y + SW_H * u - 2.5 * u;
    text(m, 0, 9.5, tx, base, 0, ink, "覆盖缺口 gap (outside reach)");
    legend_count(m, base, ngap);
    y += 20 * u;

    char buf[256], reach_txt[64];
    distance_text(reach_txt, sizeof reach_txt, lc_coverage_reach(cov, c));
    swatch_rect(m, x, y);
    set_rgb(cr, map_bg);
    cairo_fill_preserve(cr);
    set_rgba(cr, lc_style_service_area, LC_STYLE_SERVICE_AREA_ALPHA);
    cairo_fill(cr);
    swatch_outline(m, x, y, lc_style_service_area);
    snprintf(buf, sizeof buf, "服务范围 service area (%s)", reach_txt);
    text(m, 0, 9.5, tx, y + SW_H * u - 2.5 * u, 0, ink, buf);
    y += 30 * u;

    /* Facilities. */
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t nmajor = 0, nminor = 0;
    for (size_t i = 0; fac && i < lc_layer_count(fac); i++) {
        int fc = lc_layer_feature(fac, i)->category;
        if (fc >= 0 && (size_t)fc == c)
            nmajor++;
        else if (fc >= 0)
            nminor++;
    }
    text(m, 1, 10.5, x, y, 0, ink, "设施 Facilities");
    y += 10 * u;
    double cy = y + SW_H * u / 2;
    facility_marker(m, x + SW_W * u / 2, cy, lc_style_category[c % LC_STYLE_CATEGORY_COLOURS], 1);
    text(m, 0, 9.5, tx, cy - 1 * u, 0, ink, cat->name_zh);
    text(m, 0, 8.5, tx, cy + 10 * u, 0, ink_soft, cat->name_en);
    legend_count(m, cy - 1 * u, nmajor);
    y += 30 * u;
    cy = y + SW_H * u / 2;
    for (int k = 0; k < 3; k++) /* the other categories' colours, small */
        facility_marker(m, x + (5 + 8 * k) * u, cy, lc_style_category[(c + 1 + (size_t)k) % LC_STYLE_CATEGORY_COLOURS],
                        0);
    text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "其他类别设施 other facilities");
    legend_count(m, cy + 3.5 * u, nminor);
    y += 22 * u;

    size_t np = m->siting ? lc_siting_count(m->siting) : 0;
    if (np) {
        cy = y + SW_H * u / 2;
        proposal_marker(m, x + SW_W * u / 2, cy);
        text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "建议新增站点 proposed site (rank)");
        legend_count(m, cy + 3.5 * u, np);
        y += 22 * u;
    }

    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    if (units && lc_layer_count(units)) {
        double dash[] = {7 * u, 2.5 * u, 1.5 * u, 2.5 * u};
        cy = y + SW_H * u / 2;
        cairo_new_path(cr);
        cairo_move_to(cr, x, cy);
        cairo_line_to(cr, x + SW_W * u, cy);
        set_rgb(cr, lc_style_unit_line);
        cairo_set_line_width(cr, 1.2 * u);
        cairo_set_dash(cr, dash, 4, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "街镇边界 subdistrict boundary");
        legend_count(m, cy + 3.5 * u, lc_layer_count(units));
        y += 22 * u;
    }

    /* Notes at the foot of the panel: how it was computed and where it came from. */
    const lc_crs *crs = lc_inputs_crs(in);
    const char *crs_name = crs ? lc_crs_name(crs) : NULL, *crs_id = crs ? lc_crs_id(crs) : NULL;
    double fy = l->ly + l->lh - 12 * u;
    snprintf(buf, sizeof buf, "lifecircle %s · %s", lc_version(), lc_profile_name(m->res->profile));
    text(m, 0, 8, x, fy, 0, ink_soft, buf);
    fy -= 12 * u;
    if (crs_name) {
        if (crs_id)
            snprintf(buf, sizeof buf, "坐标系 CRS: %s (%s)", crs_name, crs_id);
        else
            snprintf(buf, sizeof buf, "坐标系 CRS: %s", crs_name);
        text(m, 0, 8, x, fy, 0, ink_soft, buf);
        fy -= 12 * u;
    }
    text(m, 0, 8, x, fy, 0, ink_soft, "比例尺与指北针按坐标系网格 scale and north: CRS grid");

    /* Notes above the footer: what the share and the service area mean. */
    const char *mode_zh = lc_coverage_mode(cov) == LC_MODE_NETWORK ? "沿步行路网" : "直线距离";
    const char *mode_en = lc_coverage_mode(cov) == LC_MODE_NETWORK ? "along the walking network" : "straight line";
    char n1[256], n2[256];
    snprintf(n1, sizeof n1, "· 服务范围: 距本类设施 %s 以内 (%s)", reach_txt, mode_zh);
    snprintf(n2, sizeof n2, "  service area: within %s of a facility (%s)", reach_txt, mode_en);
    const char *notes[] = {"· 覆盖比例: 居住街坊面积位于服务范围内的比例",
                           "  share: part of each residential area within reach",
                           n1,
                           n2,
                           "· 覆盖人口按面积比例计 (人口在街坊内均匀分布)",
                           "  residents covered: population × share (spread evenly)"};
    size_t nnotes = sizeof notes / sizeof notes[0];
    double ny = fy - 22 * u - (double)nnotes * 12 * u;
    if (ny > y + 10 * u) {
        text(m, 1, 9.5, x, ny, 0, ink, "说明 Notes");
        for (size_t i = 0; i < nnotes; i++)
            text(m, 0, 8, x, ny + (double)(i + 1) * 12 * u + 2 * u, 0, ink_soft, notes[i]);
    }
    cairo_restore(cr);
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
    draw_title(m);
    draw_body(m);
    draw_scale_bar(m);
    draw_north_arrow(m);
    draw_legend(m);
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

    map m = {.ctx = ctx, .h = lc_ctx_geos(ctx), .res = results, .category = category, .siting = o.siting};
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
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, drawable(title, clean, sizeof clean));
    } else {
        w = o.width_px, h = o.height_px;
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o.width_px, o.height_px);
    }
    m.cr = cairo_create(surface);
    m.lay = make_layout(w, h);
    m.v = make_view(results->inputs, &m.lay);
    draw_page(&m);
    lc_status st = cairo_error(ctx, cairo_status(m.cr), "drawing");
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
