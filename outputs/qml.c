/*
 * outputs/qml.c — QGIS 3 layer styles (.qml) for the output layers, so a layer opened in QGIS looks
 * like the toolkit's own maps (outputs/map.c) and reads in Chinese: the same palette
 * (outputs/style_int.h), the same classes of covered share, the same category colours by profile
 * index; one rule per category with only the prominent one on, so ten categories never pile up;
 * catchments in neighbour colours (outputs/neighbours.c); every field's Chinese name as its alias.
 * Styles go beside each layer
 * as <layer>.qml (QGIS loads a same-named .qml with a Shapefile or GeoJSON by itself) and, in a
 * GeoPackage, also as rows of QGIS's own `layer_styles` table, the only place QGIS looks for the
 * default style of a layer inside a .gpkg. PostGIS outputs get no styles.
 *
 * The XML is written by hand, in the shape QGIS 3 saves it: every symbol layer carries its
 * properties both as <Option type="Map"> (read by QGIS 3.26 and later) and as <prop k v> (read by
 * every QGIS 3). Text is fixed for given inputs (no uuids, no dates), so outputs stay byte-identical.
 */
#include <cpl_string.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/strbuf_int.h"
#include "lifecircle/profile.h"
#include "outputs/output_int.h"
#include "outputs/style_int.h"

/* GeoPackage layers keep their geometry in this column (outputs/vector.c, GEOMETRY_NAME). */
#define GPKG_GEOMETRY_COLUMN "geom"
/* The font of the labels: the CJK font the cairo maps use (Debian's fonts-noto-cjk). */
#define LABEL_FONT "Noto Sans CJK SC"
/* Facilities of categories other than the prominent one are drawn this opaque (and smaller). */
#define FAINT_OPACITY "0.5"

/* ---- the text (geo/strbuf_int.h) ---------------------------------------------------------------- */

/* Appends formatted text (only ASCII numbers and fixed text go through here; the locale never
 * changes a number: CPLvsnprintf writes '.' whatever LC_NUMERIC says). */
static void qb_fmt(lc_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void qb_fmt(lc_strbuf *b, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = CPLvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        b->failed = 1;
    else
        lc_strbuf_add(b, buf, (size_t)n);
}

/* Appends s escaped for an XML attribute value in double quotes. */
static void qb_attr(lc_strbuf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': lc_strbuf_str(b, "&amp;"); break;
        case '<': lc_strbuf_str(b, "&lt;"); break;
        case '>': lc_strbuf_str(b, "&gt;"); break;
        case '"': lc_strbuf_str(b, "&quot;"); break;
        case '\'': lc_strbuf_str(b, "&apos;"); break;
        case '\n': lc_strbuf_str(b, "&#10;"); break;
        case '\t': lc_strbuf_str(b, "&#9;"); break;
        default: lc_strbuf_add(b, p, 1);
        }
    }
}

/* "r,g,b,a" as QGIS writes colours. */
static void colour_text(char *buf, size_t size, lc_rgb c, int alpha)
{
    snprintf(buf, size, "%d,%d,%d,%d", c.r, c.g, c.b, alpha);
}

/* ---- symbols ----------------------------------------------------------------------------------- */

#define UNIT_SCALE "3x:0,0,0,0,0,0"

static void data_defined(lc_strbuf *b, const char *prop, const char *expr);

/* One symbol layer of class cls with properties kv (key, value, ..., NULL), written both ways, and
 * property dd_prop from expression dd_expr when not NULL. */
static void symbol_layer(lc_strbuf *b, const char *cls, const char *const *kv, const char *dd_prop, const char *dd_expr)
{
    qb_fmt(b, "        <layer class=\"%s\" enabled=\"1\" locked=\"0\" pass=\"0\">\n", cls);
    lc_strbuf_str(b, "          <Option type=\"Map\">\n");
    for (size_t i = 0; kv[i]; i += 2) {
        lc_strbuf_str(b, "            <Option name=\"");
        qb_attr(b, kv[i]);
        lc_strbuf_str(b, "\" type=\"QString\" value=\"");
        qb_attr(b, kv[i + 1]);
        lc_strbuf_str(b, "\"/>\n");
    }
    lc_strbuf_str(b, "          </Option>\n");
    for (size_t i = 0; kv[i]; i += 2) {
        lc_strbuf_str(b, "          <prop k=\"");
        qb_attr(b, kv[i]);
        lc_strbuf_str(b, "\" v=\"");
        qb_attr(b, kv[i + 1]);
        lc_strbuf_str(b, "\"/>\n");
    }
    if (dd_expr)
        data_defined(b, dd_prop, dd_expr);
    lc_strbuf_str(b, "        </layer>\n");
}

/* The data-defined colour of a symbol layer: property prop ("fillColor", "outlineColor") from
 * expression expr (NULL: none). */
static void data_defined(lc_strbuf *b, const char *prop, const char *expr)
{
    lc_strbuf_str(b, "          <data_defined_properties>\n            <Option type=\"Map\">\n"
              "              <Option name=\"name\" type=\"QString\" value=\"\"/>\n");
    if (expr) {
        lc_strbuf_str(b, "              <Option name=\"properties\" type=\"Map\">\n                <Option name=\"");
        lc_strbuf_str(b, prop);
        lc_strbuf_str(b, "\" type=\"Map\">\n"
                  "                  <Option name=\"active\" type=\"bool\" value=\"true\"/>\n"
                  "                  <Option name=\"expression\" type=\"QString\" value=\"");
        qb_attr(b, expr);
        lc_strbuf_str(b, "\"/>\n                  <Option name=\"type\" type=\"int\" value=\"3\"/>\n"
                  "                </Option>\n              </Option>\n");
    }
    lc_strbuf_str(b, "              <Option name=\"type\" type=\"QString\" value=\"collection\"/>\n"
              "            </Option>\n          </data_defined_properties>\n");
}

/* A fill symbol named name (text: "0", "3"): fill colour in brush style ("solid", "b_diagonal" for
 * hatching; fill_alpha 0 draws no fill), outline (line_alpha 0 draws none), and the fill colour from
 * expression fill_expr when not NULL. */
static void fill_symbol_ex(lc_strbuf *b, const char *name, lc_rgb fill, int fill_alpha, const char *style, lc_rgb line,
                           int line_alpha, const char *line_width, const char *fill_expr)
{
    char fc[32], lc[32];
    colour_text(fc, sizeof fc, fill, fill_alpha);
    colour_text(lc, sizeof lc, line, line_alpha);
    const char *const kv[] = {"border_width_map_unit_scale", UNIT_SCALE,
                              "color", fc,
                              "joinstyle", "bevel",
                              "offset", "0,0",
                              "offset_map_unit_scale", UNIT_SCALE,
                              "offset_unit", "MM",
                              "outline_color", lc,
                              "outline_style", line_alpha ? "solid" : "no",
                              "outline_width", line_width,
                              "outline_width_unit", "MM",
                              "style", fill_alpha ? style : "no",
                              NULL};
    lc_strbuf_str(b, "      <symbol type=\"fill\" name=\"");
    qb_attr(b, name);
    lc_strbuf_str(b, "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n");
    symbol_layer(b, "SimpleFill", kv, fill_expr ? "fillColor" : NULL, fill_expr);
    lc_strbuf_str(b, "      </symbol>\n");
}

/* A solid fill symbol named by number. */
static void fill_symbol(lc_strbuf *b, int name, lc_rgb fill, int fill_alpha, lc_rgb line, int line_alpha,
                        const char *line_width)
{
    char n[16];
    snprintf(n, sizeof n, "%d", name);
    fill_symbol_ex(b, n, fill, fill_alpha, "solid", line, line_alpha, line_width, NULL);
}

/* A marker symbol named name: shape ("circle", "star"), colour, size in mm, symbol opacity. */
static void marker_symbol(lc_strbuf *b, int name, const char *shape, lc_rgb colour, const char *size,
                          const char *opacity)
{
    char c[32];
    colour_text(c, sizeof c, colour, 255);
    const char *const kv[] = {"angle", "0",
                              "color", c,
                              "horizontal_anchor_point", "1",
                              "joinstyle", "bevel",
                              "name", shape,
                              "offset", "0,0",
                              "offset_map_unit_scale", UNIT_SCALE,
                              "offset_unit", "MM",
                              "outline_color", c,
                              "outline_style", "no",
                              "outline_width", "0",
                              "outline_width_map_unit_scale", UNIT_SCALE,
                              "outline_width_unit", "MM",
                              "scale_method", "diameter",
                              "size", size,
                              "size_map_unit_scale", UNIT_SCALE,
                              "size_unit", "MM",
                              "vertical_anchor_point", "1",
                              NULL};
    qb_fmt(b, "      <symbol type=\"marker\" name=\"%d\" alpha=\"%s\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name,
           opacity);
    symbol_layer(b, "SimpleMarker", kv, NULL, NULL);
    lc_strbuf_str(b, "      </symbol>\n");
}

/* A line symbol named name (text): a solid line of colour c, width in mm, round caps and joins
 * (QGIS's SimpleLine properties), its colour from expression colour_expr when not NULL. */
static void line_symbol_ex(lc_strbuf *b, const char *name, lc_rgb colour, const char *width, const char *colour_expr)
{
    char c[32];
    colour_text(c, sizeof c, colour, 255);
    const char *const kv[] = {"capstyle", "round",
                              "customdash", "5;2",
                              "customdash_unit", "MM",
                              "draw_inside_polygon", "0",
                              "joinstyle", "round",
                              "line_color", c,
                              "line_style", "solid",
                              "line_width", width,
                              "line_width_unit", "MM",
                              "offset", "0",
                              "offset_map_unit_scale", UNIT_SCALE,
                              "offset_unit", "MM",
                              "use_custom_dash", "0",
                              "width_map_unit_scale", UNIT_SCALE,
                              NULL};
    lc_strbuf_str(b, "      <symbol type=\"line\" name=\"");
    qb_attr(b, name);
    lc_strbuf_str(b, "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n");
    symbol_layer(b, "SimpleLine", kv, colour_expr ? "outlineColor" : NULL, colour_expr);
    lc_strbuf_str(b, "      </symbol>\n");
}

/* ---- renderers ------------------------------------------------------------------------------- */

static void renderer_open(lc_strbuf *b, const char *type, const char *attr, const char *extra)
{
    qb_fmt(b, "  <renderer-v2 type=\"%s\"", type);
    if (attr) {
        lc_strbuf_str(b, " attr=\"");
        qb_attr(b, attr);
        lc_strbuf_str(b, "\"");
    }
    qb_fmt(b, "%s symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n", extra);
}

static void renderer_close(lc_strbuf *b)
{
    lc_strbuf_str(b, "    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
}

/* The fill alpha (0-255) of LC_STYLE_SERVICE_AREA_ALPHA. */
static int area_alpha(void)
{
    return (int)lround(LC_STYLE_SERVICE_AREA_ALPHA * 255);
}

/* Graduated fill on a covered share with the LC_STYLE_SHARE_CLASSES classes of style_int.h. QGIS
 * takes the first range (in file order) whose [lower, upper] holds the value, both ends included;
 * the ranges are therefore listed from the highest class down (1; 0.75–1; 0.5–0.75; ...), which
 * gives exactly the classes of the maps: a value on a break belongs to the class above it. */
static void share_renderer(lc_strbuf *b, const char *attr, int points)
{
    renderer_open(b, "graduatedSymbol", attr, " graduatedMethod=\"GraduatedColor\"");
    lc_strbuf_str(b, "    <ranges>\n");
    for (int k = LC_STYLE_SHARE_CLASSES; k-- > 0;) {
        double lo = lc_style_share_breaks[k];
        double hi = k + 1 < LC_STYLE_SHARE_CLASSES ? lc_style_share_breaks[k + 1] : lo;
        long plo = lround(lo * 100), phi = lround(hi * 100);
        char label[256];
        if (k + 1 == LC_STYLE_SHARE_CLASSES)
            snprintf(label, sizeof label, "全部可达 %ld%% · fully within reach", plo);
        else if (k == 0)
            snprintf(label, sizeof label, "可达不足 %ld%% · under %ld%% within reach", phi, phi);
        else
            snprintf(label, sizeof label, "可达 %ld%% 至不足 %ld%% · %ld%% to under %ld%% within reach", plo,
                     phi, plo, phi);
        qb_fmt(b, "      <range lower=\"%.15f\" upper=\"%.15f\" symbol=\"%d\" label=\"", lo, hi, k);
        qb_attr(b, label);
        lc_strbuf_str(b, "\" render=\"true\"/>\n");
    }
    lc_strbuf_str(b, "    </ranges>\n    <symbols>\n");
    for (int k = 0; k < LC_STYLE_SHARE_CLASSES; k++)
        if (points)
            marker_symbol(b, k, "circle", lc_style_share_colour[k], "2.4", "1");
        else
            fill_symbol(b, k, lc_style_share_colour[k], 255, lc_style_share_colour[k], 0, "0.26");
    lc_strbuf_str(b, "    </symbols>\n"
              "    <classificationMethod id=\"Custom\">\n"
              "      <symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n"
              "      <labelFormat format=\"%1 - %2\" labelprecision=\"2\" trimtrailingzeroes=\"1\"/>\n"
              "      <extraInformation/>\n"
              "    </classificationMethod>\n");
    renderer_close(b);
}

/* Categorized by category code in profile order, markers in lc_style_category[i % 10], the
 * prominent category larger and the others smaller and faint: facilities. */
static void point_categories(lc_strbuf *b, const char *attr, const lc_profile *profile, size_t prominent)
{
    size_t n = lc_profile_category_count(profile);
    renderer_open(b, "categorizedSymbol", attr, "");
    lc_strbuf_str(b, "    <categories>\n");
    for (size_t i = 0; i < n; i++) {
        const lc_category *cat = lc_profile_category(profile, i);
        lc_strbuf_str(b, "      <category value=\"");
        qb_attr(b, cat->code);
        qb_fmt(b, "\" symbol=\"%d\" label=\"", (int)i);
        qb_attr(b, cat->name_zh);
        lc_strbuf_str(b, " ");
        qb_attr(b, cat->name_en);
        lc_strbuf_str(b, "\" render=\"true\"/>\n");
    }
    lc_strbuf_str(b, "    </categories>\n    <symbols>\n");
    for (size_t i = 0; i < n; i++) {
        lc_rgb c = lc_style_category[i % LC_STYLE_CATEGORY_COLOURS];
        marker_symbol(b, (int)i, "circle", c, i == prominent ? "3.2" : "2", i == prominent ? "1" : FAINT_OPACITY);
    }
    lc_strbuf_str(b, "    </symbols>\n");
    renderer_close(b);
}

/* The expression giving a neighbour colour (lc_style_neighbour_fill or _line, alpha) from field
 * attr: CASE WHEN "attr" = 0 THEN '102,194,165,140' ... END, into buf (QGIS's expressions know only
 * the searched CASE, not CASE "attr" WHEN 0). */
static void neighbour_expression(char *buf, size_t size, const char *attr, const lc_rgb *palette, int alpha)
{
    size_t used = (size_t)snprintf(buf, size, "CASE");
    for (int k = 0; k < LC_STYLE_NEIGHBOUR_COLOURS && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, " WHEN \"%s\" = %d THEN '%d,%d,%d,%d'", attr, k,
                                 palette[k].r, palette[k].g, palette[k].b, alpha);
    if (used < size)
        snprintf(buf + used, size - used, " ELSE '%d,%d,%d,%d' END", palette[0].r, palette[0].g, palette[0].b, alpha);
}

/* Fill alphas: gaps' hatching is opaque lines, catchments a light wash. */
#define CATCHMENT_ALPHA 140

/* Rule-based on the category code (attr): one rule per profile category, in profile order, keyed
 * "cat-<code>" (the key QGIS's legend ticks by), labelled in both languages, only the prominent
 * category's rule on. Symbols: gaps hatched in the category's colour (kind LC_QML_GAP; circles for
 * point compounds, LC_QML_GAP_POINT), service areas translucent (LC_QML_CATEGORY_AREA), catchments
 * in their neighbour colour (LC_QML_CATCHMENT, colour_attr) with a thin outline of the category's
 * colour, streets likewise as lines (LC_QML_CATEGORY_LINE), the prominent category's wider. */
static void category_rules(lc_strbuf *b, lc_qml_kind kind, const char *attr, const char *colour_attr,
                           const lc_profile *profile, size_t prominent)
{
    size_t n = lc_profile_category_count(profile);
    renderer_open(b, "RuleRenderer", NULL, "");
    lc_strbuf_str(b, "    <rules key=\"rules-root\">\n");
    for (size_t i = 0; i < n; i++) {
        const lc_category *cat = lc_profile_category(profile, i);
        char filter[512];
        /* codes are [a-z0-9_] (profiles are checked on loading); quotes doubled all the same */
        size_t used = (size_t)snprintf(filter, sizeof filter, "\"%s\" = '", attr);
        for (const char *p = cat->code; *p && used + 3 < sizeof filter; p++) {
            if (*p == '\'')
                filter[used++] = '\'';
            filter[used++] = *p;
        }
        snprintf(filter + used, sizeof filter - used, "'");
        lc_strbuf_str(b, "      <rule key=\"cat-");
        qb_attr(b, cat->code);
        lc_strbuf_str(b, "\" filter=\"");
        qb_attr(b, filter);
        qb_fmt(b, "\" symbol=\"%d\" label=\"", (int)i);
        qb_attr(b, cat->name_zh);
        lc_strbuf_str(b, " ");
        qb_attr(b, cat->name_en);
        lc_strbuf_str(b, i == prominent ? "\"/>\n" : "\" checkstate=\"0\"/>\n");
    }
    lc_strbuf_str(b, "    </rules>\n    <symbols>\n");
    char expr[1024];
    for (size_t i = 0; i < n; i++) {
        lc_rgb c = lc_style_category[i % LC_STYLE_CATEGORY_COLOURS];
        char name[16];
        snprintf(name, sizeof name, "%d", (int)i);
        switch (kind) {
        case LC_QML_GAP:
            fill_symbol_ex(b, name, c, 255, "b_diagonal", c, 255, "0.3", NULL);
            break;
        case LC_QML_GAP_POINT:
            marker_symbol(b, (int)i, "circle", c, "2.4", "1");
            break;
        case LC_QML_CATCHMENT:
            neighbour_expression(expr, sizeof expr, colour_attr, lc_style_neighbour_fill, CATCHMENT_ALPHA);
            fill_symbol_ex(b, name, c, CATCHMENT_ALPHA, "solid", c, 255, "0.3", expr);
            break;
        case LC_QML_CATEGORY_LINE:
            neighbour_expression(expr, sizeof expr, colour_attr, lc_style_neighbour_line, 255);
            line_symbol_ex(b, name, c, i == prominent ? "0.8" : "0.5", expr);
            break;
        default: /* LC_QML_CATEGORY_AREA */
            fill_symbol(b, (int)i, c, area_alpha(), c, 255, "0.4");
            break;
        }
    }
    lc_strbuf_str(b, "    </symbols>\n");
    renderer_close(b);
}

/* Isochrone fill opacity: nested areas, each ring's own colour still shows through the next. */
#define ISOCHRONE_ALPHA 153

/* Graduated on the walking distance attr, one class per threshold (breaks ascending, metres), the
 * nearest darkest (lc_style_isochrone_near) to the farthest lightest. A class runs from halfway to
 * the threshold below to halfway to the one above (the last to 1.5 × itself), so a threshold
 * written rounded (Shapefile keeps 0.1 m) still falls in its own class. */
static void isochrone_renderer(lc_strbuf *b, const char *attr, const double *breaks, const double *minutes, size_t n)
{
    renderer_open(b, "graduatedSymbol", attr, " graduatedMethod=\"GraduatedColor\"");
    lc_strbuf_str(b, "    <ranges>\n");
    for (size_t k = 0; k < n; k++) {
        double lo = k ? (breaks[k - 1] + breaks[k]) / 2 : 0;
        double hi = k + 1 < n ? (breaks[k] + breaks[k + 1]) / 2 : 1.5 * breaks[k];
        char label[256];
        if (minutes && isfinite(minutes[k]))
            snprintf(label, sizeof label, "步行 %g 分钟 · %g-minute walk (%.0f m)", minutes[k], minutes[k], breaks[k]);
        else
            snprintf(label, sizeof label, "步行 %.0f 米 · %.0f m walk", breaks[k], breaks[k]);
        qb_fmt(b, "      <range lower=\"%.6f\" upper=\"%.6f\" symbol=\"%zu\" label=\"", lo, hi, k);
        qb_attr(b, label);
        lc_strbuf_str(b, "\" render=\"true\"/>\n");
    }
    lc_strbuf_str(b, "    </ranges>\n    <symbols>\n");
    for (size_t k = 0; k < n; k++) {
        double t = n > 1 ? (double)k / (double)(n - 1) : 0;
        lc_rgb near = lc_style_isochrone_near, far = lc_style_isochrone_far;
        lc_rgb c = {(unsigned char)lround(near.r + t * (far.r - near.r)),
                    (unsigned char)lround(near.g + t * (far.g - near.g)),
                    (unsigned char)lround(near.b + t * (far.b - near.b))};
        fill_symbol(b, (int)k, c, ISOCHRONE_ALPHA, near, 255, "0.3");
    }
    lc_strbuf_str(b, "    </symbols>\n"
              "    <classificationMethod id=\"Custom\">\n"
              "      <symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n"
              "      <labelFormat format=\"%1 - %2\" labelprecision=\"0\" trimtrailingzeroes=\"1\"/>\n"
              "      <extraInformation/>\n"
              "    </classificationMethod>\n");
    renderer_close(b);
}

/* One symbol for every feature. */
static void single_renderer_open(lc_strbuf *b)
{
    renderer_open(b, "singleSymbol", NULL, "");
    lc_strbuf_str(b, "    <symbols>\n");
}

static void single_renderer_close(lc_strbuf *b)
{
    lc_strbuf_str(b, "    </symbols>\n");
    renderer_close(b);
}

/* Simple labels from field attr in colour c, with a white halo: over the centroid of polygons,
 * beside points (QGIS placement 1 OverPoint, 0 AroundPoint). */
static void labeling(lc_strbuf *b, const char *attr, lc_rgb c, const char *size, int points)
{
    char tc[32];
    colour_text(tc, sizeof tc, c, 255);
    lc_strbuf_str(b, "  <labeling type=\"simple\">\n    <settings calloutEnabled=\"0\">\n      <text-style fieldName=\"");
    qb_attr(b, attr);
    qb_fmt(b, "\" isExpression=\"0\" fontFamily=\"" LABEL_FONT "\" namedStyle=\"Regular\" fontSize=\"%s\" "
              "fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" textColor=\"%s\" textOpacity=\"1\" "
              "multilineHeight=\"1\" blendMode=\"0\" allowHtml=\"0\">\n",
           size, tc);
    lc_strbuf_str(b, "        <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" "
              "bufferColor=\"255,255,255,255\" bufferOpacity=\"1\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" "
              "bufferBlendMode=\"0\"/>\n"
              "      </text-style>\n"
              "      <text-format wrapChar=\"\" multilineAlign=\"3\" formatNumbers=\"0\" decimals=\"3\" plussign=\"0\" "
              "addDirectionSymbol=\"0\"/>\n"
              "      <placement placement=\"");
    lc_strbuf_str(b, points ? "0" : "1");
    lc_strbuf_str(b, "\" dist=\"1\" distUnits=\"MM\" offsetType=\"0\" quadOffset=\"4\" "
              "priority=\"5\" centroidWhole=\"0\" centroidInside=\"1\" fitInPolygonOnly=\"0\"/>\n"
              "      <rendering drawLabels=\"1\" obstacle=\"1\" displayAll=\"0\" labelPerPart=\"0\" "
              "upsidedownLabels=\"0\" scaleVisibility=\"0\" fontLimitPixelSize=\"0\" limitNumLabels=\"0\"/>\n"
              "    </settings>\n  </labeling>\n");
}

/* The name QGIS will find the field under in this format. */
static const char *field_name(const lc_field_def *f, lc_format format)
{
    return format == LC_FORMAT_SHAPEFILE ? f->short_name : f->name;
}

/* Whether a field holds a pass mark (pass / fail / n/a): the units' and the lower levels' <norm>_pass
 * (outputs/results.c, outputs/levels_out.c), a text field. */
static int pass_field(const lc_field_def *f)
{
    size_t n = strlen(f->name);
    return f->type == LC_FIELD_STRING && n > 5 && !strcmp(f->name + n - 5, "_pass");
}

/* A value map (QGIS's ValueMap widget) on every pass-mark field: the attribute table and forms read
 * 达标 pass / 未达标 fail / 不适用 n/a while the stored values stay pass, fail and n/a (filters,
 * expressions and every other reader of the layer see them unchanged). Nothing without such a field. */
static void pass_widgets(lc_strbuf *b, const lc_qml_layer *layer, lc_format format)
{
    static const char *const map[][2] = {{"达标 pass", "pass"}, {"未达标 fail", "fail"}, {"不适用 n/a", "n/a"}};
    size_t any = 0;
    for (size_t i = 0; i < layer->nfields; i++) {
        const lc_field_def *f = &layer->fields[i];
        if (!pass_field(f))
            continue;
        if (!any++)
            lc_strbuf_str(b, "  <fieldConfiguration>\n");
        lc_strbuf_str(b, "    <field name=\"");
        qb_attr(b, field_name(f, format));
        lc_strbuf_str(b, "\" configurationFlags=\"None\">\n      <editWidget type=\"ValueMap\">\n        <config>\n"
                         "          <Option type=\"Map\">\n            <Option name=\"map\" type=\"List\">\n");
        for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
            qb_fmt(b, "              <Option type=\"Map\"><Option name=\"%s\" type=\"QString\" value=\"%s\"/></Option>\n",
                   map[k][0], map[k][1]);
        lc_strbuf_str(b, "            </Option>\n          </Option>\n        </config>\n      </editWidget>\n"
                         "    </field>\n");
    }
    if (any)
        lc_strbuf_str(b, "  </fieldConfiguration>\n");
}

/* Every field's Chinese name (zh) as its alias: QGIS's attribute table and forms show them. QGIS
 * matches aliases by field name; the index is its field order, where a GeoPackage's first field is
 * its feature id (outputs/vector.c names it fid), aliased too. */
static void aliases(lc_strbuf *b, const lc_qml_layer *layer, lc_format format)
{
    size_t first = format == LC_FORMAT_GPKG ? 1 : 0;
    lc_strbuf_str(b, "  <aliases>\n");
    if (first)
        lc_strbuf_str(b, "    <alias field=\"fid\" index=\"0\" name=\"要素编号\"/>\n");
    for (size_t i = 0; i < layer->nfields; i++) {
        const lc_field_def *f = &layer->fields[i];
        lc_strbuf_str(b, "    <alias field=\"");
        qb_attr(b, field_name(f, format));
        qb_fmt(b, "\" index=\"%zu\" name=\"", i + first);
        qb_attr(b, f->zh && *f->zh ? f->zh : "");
        lc_strbuf_str(b, "\"/>\n");
    }
    lc_strbuf_str(b, "  </aliases>\n");
}

char *lc_qml_text(lc_context *ctx, lc_qml_kind kind, const lc_qml_layer *layer, lc_format format,
                  const lc_profile *profile, size_t category)
{
    int needs_profile = kind == LC_QML_GAP || kind == LC_QML_GAP_POINT || kind == LC_QML_CATEGORY_AREA || kind == LC_QML_CATEGORY_POINT ||
                        kind == LC_QML_CATEGORY_LINE || kind == LC_QML_CATCHMENT;
    int needs_colour = kind == LC_QML_CATEGORY_LINE || kind == LC_QML_CATCHMENT;
    if ((unsigned)kind > LC_QML_GAP_POINT || !layer || !layer->fields || layer->key >= layer->nfields ||
        (needs_profile && !profile) || (needs_colour && layer->colour >= layer->nfields) ||
        (kind == LC_QML_ISOCHRONE && (!layer->breaks || !layer->nbreaks))) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_qml_text: unknown style %d, or its fields, profile or thresholds missing",
                 (int)kind);
        return NULL;
    }
    const char *attr = field_name(&layer->fields[layer->key], format);
    const char *colour_attr = needs_colour ? field_name(&layer->fields[layer->colour], format) : NULL;
    int labels = kind == LC_QML_OUTLINE || kind == LC_QML_PROPOSAL;
    /* QGIS: point 0, line 1, polygon 2 */
    int geometry = kind == LC_QML_CATEGORY_POINT || kind == LC_QML_PROPOSAL || kind == LC_QML_SHARE_POINT ||
                           kind == LC_QML_GAP_POINT
                       ? 0
                   : kind == LC_QML_CATEGORY_LINE ? 1
                                                  : 2;
    lc_strbuf b = {0};
    lc_strbuf_str(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    qb_fmt(&b, "<qgis version=\"3.28.0-Firenze\" styleCategories=\"Symbology|Labeling|Fields\" labelsEnabled=\"%d\">\n",
           labels);
    switch (kind) {
    case LC_QML_SHARE:
    case LC_QML_SHARE_POINT:
        share_renderer(&b, attr, kind == LC_QML_SHARE_POINT);
        break;
    case LC_QML_GAP:
    case LC_QML_GAP_POINT:
    case LC_QML_CATEGORY_AREA:
    case LC_QML_CATEGORY_LINE:
    case LC_QML_CATCHMENT:
        category_rules(&b, kind, attr, colour_attr, profile, category);
        break;
    case LC_QML_CATEGORY_POINT:
        point_categories(&b, attr, profile, category);
        break;
    case LC_QML_OUTLINE:
        single_renderer_open(&b);
        fill_symbol(&b, 0, lc_style_unit_line, 0, lc_style_unit_line, 255, "0.6");
        single_renderer_close(&b);
        labeling(&b, attr, lc_style_unit_line, "10", 0);
        break;
    case LC_QML_PROPOSAL:
        single_renderer_open(&b);
        marker_symbol(&b, 0, "star", lc_style_proposal, "5", "1");
        single_renderer_close(&b);
        labeling(&b, attr, lc_style_proposal, "9", 1);
        break;
    case LC_QML_ISOCHRONE:
        isochrone_renderer(&b, attr, layer->breaks, layer->minutes, layer->nbreaks);
        break;
    }
    pass_widgets(&b, layer, format);
    aliases(&b, layer, format);
    qb_fmt(&b, "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
               "  <layerGeometryType>%d</layerGeometryType>\n</qgis>\n", geometry);
    if (b.failed) {
        free(b.s);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing a QGIS style");
        return NULL;
    }
    return b.s;
}

/* ---- writing them ---------------------------------------------------------------------------- */

size_t lc_qml_prominent(const lc_profile *profile)
{
    size_t n = lc_profile_category_count(profile);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(lc_profile_category(profile, i)->code, "centre"))
            return i;
    for (size_t k = 0; k < lc_profile_norm_count(profile); k++) {
        const lc_norm *norm = lc_profile_norm(profile, k);
        if (norm->kind == LC_NORM_REACH && norm->category >= 0 && (size_t)norm->category < n)
            return (size_t)norm->category;
    }
    return 0;
}

void lc_qml_set_init(lc_qml_set *set, lc_output *out, lc_format format, const lc_profile *profile, size_t category)
{
    *set = (lc_qml_set){.out = out, .format = format, .profile = profile, .category = category};
}

void lc_qml_set_free(lc_qml_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].layer);
        free(set->items[i].qml);
    }
    free(set->items);
    set->items = NULL;
    set->n = set->cap = 0;
}

lc_status lc_qml_add(lc_context *ctx, lc_qml_set *set, const char *layer, lc_qml_kind kind, const lc_qml_layer *desc)
{
    char *qml = lc_qml_text(ctx, kind, desc, set->format, set->profile, set->category);
    if (!qml)
        return lc_context_errno(ctx);
    lc_status st = LC_OK;
    if (set->format != LC_FORMAT_POSTGIS) { /* a database keeps them in layer_styles only */
        char *name = lc_sprintf(ctx, "%s.qml", layer);
        st = name ? lc_output_write_text(ctx, set->out, name, qml) : LC_ERR_NOMEM;
        free(name);
    }
    if (st == LC_OK && (set->format == LC_FORMAT_GPKG || set->format == LC_FORMAT_POSTGIS)) {
        char *copy = lc_strdup(ctx, layer);
        st = copy ? lc_grow(ctx, (void **)&set->items, &set->cap, set->n + 1, sizeof *set->items) : LC_ERR_NOMEM;
        if (st == LC_OK) {
            set->items[set->n++] = (lc_qml_item){.layer = copy, .qml = qml};
            return LC_OK;
        }
        free(copy);
    }
    free(qml);
    return st;
}

lc_status lc_qml_finish(lc_context *ctx, lc_qml_set *set)
{
    /* The columns QGIS creates for the table (QgsOgrUtils::saveStyle); QGIS picks a layer's style by
     * f_table_schema = '' AND f_table_name AND f_geometry_column, preferring useAsDefault. */
    static const lc_field_def defs[] = {
        {"f_table_catalog", "CATALOG", LC_FIELD_STRING, 0, 0, "目录", "Catalog (empty)", ""},
        {"f_table_schema", "SCHEMA", LC_FIELD_STRING, 0, 0, "模式", "Schema (empty)", ""},
        {"f_table_name", "TABLE", LC_FIELD_STRING, 0, 0, "图层", "Layer styled", ""},
        {"f_geometry_column", "GEOM_COL", LC_FIELD_STRING, 0, 0, "几何列", "Geometry column", ""},
        {"styleName", "STYLE", LC_FIELD_STRING, 0, 0, "样式名", "Style name", ""},
        {"styleQML", "QML", LC_FIELD_STRING, 0, 0, "QGIS 样式", "QGIS style (QML)", ""},
        {"styleSLD", "SLD", LC_FIELD_STRING, 0, 0, "SLD 样式", "SLD style (empty)", ""},
        {"useAsDefault", "DEFAULT", LC_FIELD_INTEGER, 0, 0, "默认样式", "1: QGIS applies it on opening", ""},
        {"description", "DESCR", LC_FIELD_STRING, 0, 0, "说明", "Description", ""},
        {"owner", "OWNER", LC_FIELD_STRING, 0, 0, "所有者", "Owner (empty)", ""},
        {"ui", "UI", LC_FIELD_STRING, 0, 0, "表单", "Form (none)", ""},
        {"update_time", "UPDATED", LC_FIELD_STRING, 0, 0, "更新时间", "Update time (fixed, for equal outputs)", ""},
    };
    lc_status st = LC_OK;
    if (set->format == LC_FORMAT_POSTGIS && set->n > 0)
        st = lc_output_pg_styles(ctx, set->out, set->items, set->n);
    if (set->format == LC_FORMAT_GPKG && set->n > 0) {
        lc_layer_writer *w = lc_output_layer_create(ctx, set->out, LC_QML_TABLE, -1, defs, 12);
        st = w ? LC_OK : lc_context_errno(ctx);
        for (size_t i = 0; i < set->n && st == LC_OK; i++) {
            const lc_qml_item *it = &set->items[i];
            lc_value v[12] = {{.s = ""},
                              {.s = ""},
                              {.s = it->layer},
                              {.s = GPKG_GEOMETRY_COLUMN},
                              {.s = it->layer},
                              {.s = it->qml},
                              {.s = ""},
                              {.i = 1},
                              {.s = "lifecircle 默认样式 default style"},
                              {.s = ""},
                              {.is_null = 1},
                              {.s = "2000-01-01T00:00:00.000Z"}};
            st = lc_layer_writer_add(ctx, w, NULL, v);
        }
        if (w) {
            lc_status cst = lc_layer_writer_close(ctx, w);
            st = st == LC_OK ? cst : st;
        }
    }
    lc_qml_set_free(set);
    return st;
}
