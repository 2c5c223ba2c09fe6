/*
 * outputs/map_int.h — what the map's files share (outputs/map.c: page, fonts, layout, entry point;
 * outputs/map_draw.c: helpers, body, scale bar, north arrow; outputs/map_legend.c: title and
 * legend): the layout constants, the page's own colours, the view, layout and drawing state, and the
 * helpers' prototypes (m borrowed throughout). Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_MAP_INT_H
#define LIFECIRCLE_OUTPUTS_MAP_INT_H

#include <cairo.h>
#include <stddef.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "outputs/style_int.h"

/* The layout of map.h in units of u. */
#define MARGIN 24.0
#define TITLE_BAND 62.0
#define GUTTER 16.0
#define LEGEND_W 290.0

/* Colours of the page itself (not shared with QGIS: they frame the map, they are not data). */
static const lc_rgb map_bg = {LC_MAP_BG_R, LC_MAP_BG_G, LC_MAP_BG_B};
static const lc_rgb ink = {33, 33, 33};
static const lc_rgb ink_soft = {100, 100, 100};
static const lc_rgb frame_line = {120, 120, 120};
static const lc_rgb white = {255, 255, 255};

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
    size_t access;           /* 0, or entry + 1: the accessibility map (outputs/map_access.c) */
    int after;               /* with siting: the after-state map (lc_map_options.after) */
    size_t nfacilities;      /* facilities drawn: the layer's, without those a view added (proposals) */
    int nomem;               /* set when a drawing step ran out of memory (lc_map_render fails) */
    cairo_font_face_t *regular, *bold;
    layout lay;
    view v;
} map;

/* ---- helpers (outputs/map_draw.c) ---- */

/* Sets cairo's source to c (opaque), or to c with alpha a. */
void lc_map_set_rgb(cairo_t *cr, lc_rgb c);
void lc_map_set_rgba(cairo_t *cr, lc_rgb c, double a);

/* s as cairo can draw it: s itself when valid UTF-8, otherwise a copy in buf (size bytes) with each
 * bad byte as '?' and a character cut at the end dropped. Borrowed (s or buf). */
const char *lc_map_drawable(const char *s, char *buf, size_t size);

/* Text s (any bytes; drawn as lc_map_drawable gives it) at (x, y) on its baseline, size points × u,
 * bold or regular, aligned left (0), centred (1) or right (2), in colour c; returns its advance. */
double lc_map_text(map *m, int bold, double size, double x, double y, int align, lc_rgb c, const char *s);

/* Diagonal hatching (lines x + y = k·spacing in page units, so neighbouring areas line up) over the
 * current clip, lines width wide in colour c. */
void lc_map_hatch(map *m, double spacing, double width, lc_rgb c);

/* Marker at (x, y) of a facility of the mapped category (major non-zero) or of another one, in c. */
void lc_map_facility_marker(map *m, double x, double y, lc_rgb c, int major);

/* The star of a proposed site at (x, y). */
void lc_map_proposal_marker(map *m, double x, double y);

/* v as "12,345" into buf (size bytes). */
void lc_map_thousands(char *buf, size_t size, double v);

/* Draws the legend panel's frame and its title 图例 Legend, and clips to the panel (the caller ends
 * with cairo_restore); returns where the first entry goes (outputs/map_legend.c). */
double lc_map_legend_open(map *m);

/* A count right-aligned in the legend panel, at y (outputs/map_legend.c; the coverage and the
 * accessibility legends). */
void lc_map_legend_count(map *m, double y, size_t count);

/* metres as "500 m", "1 km", "2.5 km" into buf (size bytes). */
void lc_map_distance_text(char *buf, size_t size, double metres);

/* The share class (0 .. LC_STYLE_SHARE_CLASSES-1) of a covered share (the last only when the whole
 * polygon is in reach). */
int lc_map_share_class(double share);

/* The map frame's content (clipped to the frame), then a scale bar in its lower left and a north
 * arrow in its upper right. */
void lc_map_draw_body(map *m);
void lc_map_draw_scale_bar(map *m);
void lc_map_draw_north_arrow(map *m);

/* ---- title and legend (outputs/map_legend.c) ---- */

/* The title band above the frame, and the legend panel beside it. */
void lc_map_draw_title(map *m);
/* The accessibility map's class of compound i (m->access set): the share class of the target met,
 * -1 without a target or demand (drawn grey); and its title and legend (outputs/map_access.c). */
int lc_map_access_class(const map *m, size_t i);
void lc_map_access_title(map *m);
void lc_map_access_legend(map *m);
void lc_map_draw_legend(map *m);
/* The legend's streets row from y down (x the swatch's left, tx the text's): the walking network's
 * line with its count, or a note that no streets are drawn; then the note that water is not drawn.
 * Returns the y below (outputs/map_legend.c; the coverage and the accessibility legends). */
double lc_map_legend_streets(map *m, double x, double tx, double y);

#endif /* LIFECIRCLE_OUTPUTS_MAP_INT_H */

