/*
 * outputs/map_draw.c — the drawing of a coverage map (outputs/map.c sets up the page): cairo helpers
 * (colours, paths of GEOS geometries in page units, hatching, text that cairo can always draw, with a
 * halo, markers of facilities and proposals, numbers as text), then the map body — residential
 * polygons shaded by covered share over the translucent service area and the streets, gaps hatched, 街镇 boundaries and
 * names (placed clear of each other by outputs/map_labels.c), facilities, proposals — and the scale bar and north arrow. Title and legend:
 * outputs/map_legend.c.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "outputs/map_int.h"
#include "outputs/map_labels_int.h"
#include "outputs/style_int.h"

/* ---- drawing helpers ------------------------------------------------------------------------ */

void lc_map_set_rgb(cairo_t *cr, lc_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

void lc_map_set_rgba(cairo_t *cr, lc_rgb c, double a)
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
void lc_map_hatch(map *m, double spacing, double width, lc_rgb c)
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
    lc_map_set_rgb(m->cr, c);
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
const char *lc_map_drawable(const char *s, char *buf, size_t size)
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
double lc_map_text(map *m, int bold, double size, double x, double y, int align, lc_rgb c, const char *s)
{
    char clean[1024];
    s = lc_map_drawable(s, clean, sizeof clean);
    cairo_t *cr = m->cr;
    cairo_set_font_face(cr, bold ? m->bold : m->regular);
    cairo_set_font_size(cr, size * m->lay.u);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double w = e.x_advance;
    cairo_move_to(cr, x - (align == 1 ? w / 2 : align == 2 ? w : 0), y);
    lc_map_set_rgb(cr, c);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
    return w;
}

/* Text with a white halo, for labels drawn over the map. */
static void halo_text(map *m, int bold, double size, double x, double y, lc_rgb c, const char *s)
{
    char clean[1024];
    s = lc_map_drawable(s, clean, sizeof clean);
    cairo_t *cr = m->cr;
    cairo_set_font_face(cr, bold ? m->bold : m->regular);
    cairo_set_font_size(cr, size * m->lay.u);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_new_path(cr);
    cairo_move_to(cr, x - e.x_advance / 2, y);
    cairo_text_path(cr, s);
    lc_map_set_rgba(cr, white, 0.85);
    cairo_set_line_width(cr, 2.6 * m->lay.u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    lc_map_set_rgb(cr, c);
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
void lc_map_facility_marker(map *m, double x, double y, lc_rgb c, int major)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u;
    cairo_new_path(cr);
    if (major) {
        cairo_arc(cr, x, y, 5.5 * u, 0, 2 * M_PI);
        lc_map_set_rgb(cr, c);
        cairo_fill_preserve(cr);
        lc_map_set_rgb(cr, white);
        cairo_set_line_width(cr, 1.4 * u);
        cairo_stroke(cr);
    } else {
        cairo_arc(cr, x, y, 2.2 * u, 0, 2 * M_PI);
        lc_map_set_rgba(cr, c, 0.45);
        cairo_fill(cr);
    }
}

void lc_map_proposal_marker(map *m, double x, double y)
{
    cairo_t *cr = m->cr;
    cairo_new_path(cr);
    star_path(cr, x, y, 10 * m->lay.u);
    lc_map_set_rgb(cr, lc_style_proposal);
    cairo_fill_preserve(cr);
    lc_map_set_rgb(cr, white);
    cairo_set_line_width(cr, 1.4 * m->lay.u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
}

/* "12,345" */
void lc_map_thousands(char *buf, size_t size, double v)
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
void lc_map_distance_text(char *buf, size_t size, double metres)
{
    if (metres >= 1000)
        snprintf(buf, size, "%g km", metres / 1000);
    else
        snprintf(buf, size, "%g m", metres);
}

/* The share class of a covered share (class 4 only when the whole polygon is in reach). */
int lc_map_share_class(double share)
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

/* ---- the map body --------------------------------------------------------------------------- */

/* Whether a road's class is a main road, drawn wider (OSM primary, secondary, tertiary and links). */
static int main_road(const char *highway)
{
    static const char *const main[] = {"primary", "primary_link", "secondary", "secondary_link", "tertiary",
                                       "tertiary_link"};
    for (size_t i = 0; highway && i < sizeof main / sizeof main[0]; i++)
        if (!strcmp(highway, main[i]))
            return 1;
    return 0;
}

/* The walking network (m->res->roads, when given): every walkable line as read, thin and grey, main
 * roads wider, minor ones first; lines wholly outside the map's extent are skipped. */
static void draw_streets(map *m)
{
    const lc_roads *roads = m->res->roads;
    size_t n = roads ? lc_roads_count(roads) : 0;
    if (!n)
        return;
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double minx = m->v.minx, maxy = m->v.maxy, maxx = minx + l->fw / m->v.s, miny = maxy - l->fh / m->v.s;
    cairo_save(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    lc_map_set_rgb(cr, lc_style_street);
    for (int major = 0; major <= 1; major++) {
        cairo_new_path(cr);
        for (size_t i = 0; i < n; i++) {
            lc_road r = lc_roads_get(roads, i);
            if (main_road(r.highway) != major)
                continue;
            double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
            for (size_t j = 0; j < r.n; j++) {
                bx0 = fmin(bx0, r.pts[j].x), bx1 = fmax(bx1, r.pts[j].x);
                by0 = fmin(by0, r.pts[j].y), by1 = fmax(by1, r.pts[j].y);
            }
            if (bx1 < minx || bx0 > maxx || by1 < miny || by0 > maxy)
                continue;
            cairo_move_to(cr, px(&m->v, r.pts[0].x), py(&m->v, r.pts[0].y));
            for (size_t j = 1; j < r.n; j++)
                cairo_line_to(cr, px(&m->v, r.pts[j].x), py(&m->v, r.pts[j].y));
        }
        cairo_set_line_width(cr, (major ? LC_STYLE_STREET_MAIN_WIDTH : LC_STYLE_STREET_WIDTH) * l->u);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

/* The drawing's layers, bottom to top, one helper each (lc_map_draw_body calls them in this order, which
 * is what the legend's colours assume: the service area's fill under the streets under the compounds). */

/* The residential compounds, filled by their covered share's class (or accessibility class), a white
 * outline. */
static void draw_compounds(map *m)
{
    cairo_t *cr = m->cr;
    const lc_coverage *cov = m->res->coverage;
    const lc_layer *res = lc_inputs_layer(m->res->inputs, LC_LAYER_RESIDENTIAL);
    size_t nres = res ? lc_layer_count(res) : 0, ncov = lc_coverage_polygon_count(cov);
    for (size_t i = 0; i < nres && i < ncov; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        if (!f->geom)
            continue;
        cairo_new_path(cr);
        geom_path(m, f->geom);
        int k = m->access ? lc_map_access_class(m, i)
                          : lc_map_share_class(lc_coverage_get(cov, i, m->category)->covered_share);
        if (k < 0)
            lc_map_set_rgb(cr, (lc_rgb){200, 200, 200});
        else
            lc_map_set_rgb(cr, lc_style_share_colour[k]);
        cairo_fill_preserve(cr);
        lc_map_set_rgba(cr, white, 0.9);
        cairo_set_line_width(cr, 0.5 * m->lay.u);
        cairo_stroke(cr);
    }
}

/* Gaps: hatched inside, outlined so that slivers narrower than the hatching still show. */
static void draw_gaps(map *m)
{
    cairo_t *cr = m->cr;
    const lc_coverage *cov = m->res->coverage;
    double u = m->lay.u;
    size_t ncov = lc_coverage_polygon_count(cov);
    for (size_t i = 0; i < ncov && !m->access; i++) {
        const GEOSGeometry *g = lc_coverage_gap(cov, i, m->category);
        if (!g)
            continue;
        cairo_save(cr);
        cairo_new_path(cr);
        geom_path(m, g);
        cairo_clip_preserve(cr);
        cairo_new_path(cr);
        lc_map_hatch(m, 5.5 * u, 1.6 * u, lc_style_gap);
        cairo_restore(cr);
        cairo_new_path(cr);
        geom_path(m, g);
        lc_map_set_rgb(cr, lc_style_gap);
        cairo_set_line_width(cr, 0.7 * u);
        cairo_stroke(cr);
    }
}

/* The 街镇' boundaries, dash-dotted. */
static void draw_unit_lines(map *m, const lc_layer *units, size_t nunits)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u;
    if (!nunits)
        return;
    double dash[] = {7 * u, 2.5 * u, 1.5 * u, 2.5 * u};
    cairo_new_path(cr);
    for (size_t i = 0; i < nunits; i++)
        geom_path(m, lc_layer_feature(units, i)->geom);
    lc_map_set_rgb(cr, lc_style_unit_line);
    cairo_set_line_width(cr, 1.2 * u);
    cairo_set_dash(cr, dash, 4, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* The facilities: other categories' (or non-supplying) markers first, the map's own over them; an
 * over-subscribed facility on an accessibility map gets a ring in the gaps' colour. */
static void draw_facilities(map *m)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u;
    const lc_layer *fac = lc_inputs_layer(m->res->inputs, LC_LAYER_FACILITIES);
    size_t nfac = fac ? m->nfacilities : 0;
    for (int major = 0; major <= 1; major++)
        for (size_t i = 0; i < nfac; i++) {
            const lc_feature *f = lc_layer_feature(fac, i);
            double x, y;
            const lc_access_facility *af =
                m->access ? lc_access_facility_get(m->res->access, m->access - 1, i) : NULL;
            int is_major = af ? af->supplies : f->category >= 0 && (size_t)f->category == m->category;
            if (f->category < 0 || is_major != major || !point_xy(m, f->geom, &x, &y))
                continue;
            lc_map_facility_marker(m, px(&m->v, x), py(&m->v, y),
                            lc_style_category[(size_t)f->category % LC_STYLE_CATEGORY_COLOURS], major);
            if (af && af->over) { /* over-subscribed: a ring in the gaps' colour */
                cairo_new_path(cr);
                cairo_arc(cr, px(&m->v, x), py(&m->v, y), 9.5 * u, 0, 2 * M_PI);
                lc_map_set_rgb(cr, lc_style_gap);
                cairo_set_line_width(cr, 2.2 * u);
                cairo_stroke(cr);
            }
        }
}

/* The scale bar's backdrop (page units) and, in len (may be NULL), the round length it shows. */
static lc_label_box scale_bar_box(const map *m, double *len_out)
{
    const layout *l = &m->lay;
    double u = l->u, target = 0.2 * l->fw / m->v.s, len = 1;
    double p10 = pow(10, floor(log10(target)));
    static const double steps[] = {1, 2, 5, 10};
    for (size_t i = 0; i < 4; i++)
        if (steps[i] * p10 <= target)
            len = steps[i] * p10;
    if (len_out)
        *len_out = len;
    double x0 = l->fx + 14 * u, y0 = l->fy + l->fh - 16 * u;
    return (lc_label_box){x0 - 8 * u, y0 - 22 * u, x0 - 8 * u + len * m->v.s + 44 * u, y0 + 10 * u};
}

/* The north arrow's backdrop (page units). */
static lc_label_box north_arrow_box(const map *m)
{
    const layout *l = &m->lay;
    double u = l->u, cx = l->fx + l->fw - 26 * u;
    return (lc_label_box){cx - 18 * u, l->fy + 8 * u, cx + 18 * u, l->fy + 68 * u};
}

/* The names of the 街镇 (units[0..nunits-1]) at their label points (GEOSPointOnSurface), placed by
 * lc_labels_place (outputs/map_labels.c) in layer order: clear of each other, of the scale bar and
 * north arrow, inside the frame, off the mapped category's facility markers where possible; smaller
 * where nothing fits at full size; with a thin leader to the label point when moved to the outer
 * ring; skipped when nothing fits at all. Out of memory: m->nomem set, no names drawn. */
static void unit_labels(map *m, const lc_layer *units, size_t nunits)
{
    const lc_layer *fac = lc_inputs_layer(m->res->inputs, LC_LAYER_FACILITIES);
    size_t nfac = fac ? m->nfacilities : 0;
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, size = 9.5, pad = 1.3 * u; /* the halo's half width */
    lc_label *labels = nunits ? calloc(nunits, sizeof *labels) : NULL;
    const char **names = nunits ? calloc(nunits, sizeof *names) : NULL;
    lc_label_box *soft = nfac ? calloc(nfac, sizeof *soft) : NULL, fixed[2] = {scale_bar_box(m, NULL), north_arrow_box(m)};
    size_t n = 0, nsoft = 0;
    if ((nunits && (!labels || !names)) || (nfac && !soft)) {
        m->nomem = 1;
        goto done;
    }
    for (size_t i = 0; i < nfac; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        double x, y;
        if (f->category >= 0 && (size_t)f->category == m->category && !m->access && point_xy(m, f->geom, &x, &y))
            soft[nsoft++] = (lc_label_box){px(&m->v, x) - 6 * u, py(&m->v, y) - 6 * u, px(&m->v, x) + 6 * u,
                                           py(&m->v, y) + 6 * u};
    }
    cairo_set_font_face(cr, m->regular);
    cairo_set_font_size(cr, size * u);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    for (size_t i = 0; i < nunits; i++) {
        const lc_feature *f = lc_layer_feature(units, i);
        const char *name = f->name && *f->name ? f->name : f->id;
        GEOSGeometry *p = f->geom && name ? GEOSPointOnSurface_r(m->h, f->geom) : NULL;
        double x, y;
        if (p && point_xy(m, p, &x, &y)) {
            char clean[1024];
            cairo_text_extents_t e;
            cairo_text_extents(cr, lc_map_drawable(name, clean, sizeof clean), &e);
            names[n] = name;
            labels[n++] = (lc_label){.ax = px(&m->v, x), .ay = py(&m->v, y), .w = e.x_advance + 2 * pad,
                                     .h = fe.ascent + fe.descent + 2 * pad};
        }
        if (p)
            GEOSGeom_destroy_r(m->h, p);
    }
    lc_labels_place(labels, n, (lc_label_box){l->fx, l->fy, l->fx + l->fw, l->fy + l->fh}, fixed, 2, soft, nsoft,
                    2 * u);
    for (size_t i = 0; i < n; i++) {
        const lc_label *b = &labels[i];
        if (!b->placed)
            continue;
        if (b->leader) { /* from the label point to the nearest point of the box */
            double tx = fmin(fmax(b->ax, b->box.x0), b->box.x1), ty = fmin(fmax(b->ay, b->box.y0), b->box.y1);
            cairo_new_path(cr);
            cairo_move_to(cr, b->ax, b->ay);
            cairo_line_to(cr, tx, ty);
            lc_map_set_rgb(cr, lc_style_unit_line);
            cairo_set_line_width(cr, 0.7 * u);
            cairo_stroke(cr);
            cairo_arc(cr, b->ax, b->ay, 1.6 * u, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        /* the text's baseline: its ascent above the box's middle, less half the line */
        double cx = (b->box.x0 + b->box.x1) / 2, cy = (b->box.y0 + b->box.y1) / 2;
        halo_text(m, 0, size * b->scale, cx, cy + b->scale * (fe.ascent - fe.descent) / 2, lc_style_unit_line, names[i]);
    }
done:
    free(labels), free(names), free(soft);
}

/* A site run's proposals on top: every marker first, then their ranks beside them (so no marker hides a
 * rank). */
static void draw_proposals(map *m)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u;
    size_t np = m->siting ? lc_siting_count(m->siting) : 0;
    for (size_t i = 0; i < np; i++) {
        const lc_proposal *p = lc_siting_get(m->siting, i);
        lc_map_proposal_marker(m, px(&m->v, p->site.x), py(&m->v, p->site.y));
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
        lc_map_set_rgba(cr, white, 0.9);
        cairo_set_line_width(cr, 2.6 * u);
        cairo_stroke_preserve(cr);
        lc_map_set_rgb(cr, lc_style_proposal);
        cairo_fill(cr);
        cairo_restore(cr);
    }
}

/* The map's body inside its frame, clipped to it: the layers in the order above, then the frame. */
void lc_map_draw_body(map *m)
{
    cairo_t *cr = m->cr;
    const lc_inputs *in = m->res->inputs;
    const layout *l = &m->lay;
    double u = l->u;

    cairo_save(cr);
    cairo_rectangle(cr, l->fx, l->fy, l->fw, l->fh);
    lc_map_set_rgb(cr, map_bg);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

    /* Service area under the compounds: their class colours stay those of the legend. */
    const GEOSGeometry *sa = m->access ? NULL : lc_coverage_service_area(m->res->coverage, m->category);
    if (sa) {
        cairo_new_path(cr);
        geom_path(m, sa);
        lc_map_set_rgba(cr, lc_style_service_area, LC_STYLE_SERVICE_AREA_ALPHA);
        cairo_fill(cr);
    }
    /* Streets over the service area's fill, under the compounds (so the fill's colour is the legend's). */
    draw_streets(m);
    draw_compounds(m);
    draw_gaps(m);
    if (sa) {
        cairo_new_path(cr);
        geom_path(m, sa);
        lc_map_set_rgba(cr, lc_style_service_area, 0.9);
        cairo_set_line_width(cr, 1.1 * u);
        cairo_stroke(cr);
    }
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t nunits = units ? lc_layer_count(units) : 0;
    draw_unit_lines(m, units, nunits);
    draw_facilities(m);
    unit_labels(m, units, nunits); /* over the facilities, under the proposals, clear of each other */
    draw_proposals(m);
    cairo_restore(cr);

    cairo_new_path(cr);
    cairo_rectangle(cr, l->fx, l->fy, l->fw, l->fh);
    lc_map_set_rgb(cr, frame_line);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
}

/* A scale bar in the lower left of the frame: a round length (1, 2 or 5 × 10^k m) near a fifth of
 * the frame's width, in four alternating segments. */
void lc_map_draw_scale_bar(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, len;
    lc_label_box back = scale_bar_box(m, &len);
    double bw = len * m->v.s, x0 = l->fx + 14 * u, y0 = l->fy + l->fh - 16 * u, bh = 5 * u;
    char end[32], mid[32];
    lc_map_distance_text(end, sizeof end, len);
    if (len >= 1000)
        snprintf(mid, sizeof mid, "%g", len / 2000);
    else
        snprintf(mid, sizeof mid, "%g", len / 2);
    /* A white backdrop keeps it legible over the data. */
    cairo_new_path(cr);
    cairo_rectangle(cr, back.x0, back.y0, back.x1 - back.x0, back.y1 - back.y0);
    lc_map_set_rgba(cr, white, 0.85);
    cairo_fill(cr);
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * bw / 4, y0 - bh, bw / 4, bh);
        lc_map_set_rgb(cr, i % 2 ? white : ink);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y0 - bh, bw, bh);
    lc_map_set_rgb(cr, ink);
    cairo_set_line_width(cr, 0.7 * u);
    cairo_stroke(cr);
    lc_map_text(m, 0, 8.5, x0, y0 - bh - 4 * u, 1, ink, "0");
    lc_map_text(m, 0, 8.5, x0 + bw / 2, y0 - bh - 4 * u, 1, ink, mid);
    lc_map_text(m, 0, 8.5, x0 + bw, y0 - bh - 4 * u, 1, ink, end);
}

/* A north arrow in the upper right of the frame (the working CRS is projected, grid north up). */
void lc_map_draw_north_arrow(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, cx = l->fx + l->fw - 26 * u, top = l->fy + 28 * u, hgt = 30 * u, hw = 8 * u;
    lc_label_box back = north_arrow_box(m);
    cairo_new_path(cr);
    cairo_rectangle(cr, back.x0, back.y0, back.x1 - back.x0, back.y1 - back.y0);
    lc_map_set_rgba(cr, white, 0.85);
    cairo_fill(cr);
    /* Left half dark, right half light: the classic two-tone arrow. */
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - hw, top + hgt);
    cairo_line_to(cr, cx, top + hgt * 0.72);
    cairo_close_path(cr);
    lc_map_set_rgb(cr, ink);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx + hw, top + hgt);
    cairo_line_to(cr, cx, top + hgt * 0.72);
    cairo_close_path(cr);
    lc_map_set_rgb(cr, white);
    cairo_fill_preserve(cr);
    lc_map_set_rgb(cr, ink);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    lc_map_text(m, 1, 11, cx, top - 5 * u, 1, ink, "N 北");
}

