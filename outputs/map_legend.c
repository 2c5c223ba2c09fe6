/*
 * outputs/map_legend.c — the title band and the legend panel of a coverage map: the category, its
 * reach and distance mode, the share classes with their counts, gaps, service area, facilities,
 * proposals, boundaries, the data's sources and notes. The helpers it draws with are in
 * outputs/map_draw.c; the layout in outputs/map.c.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "outputs/map_int.h"
#include "outputs/style_int.h"

/* Labels of the share classes (index as lc_style_share_colour). */
static const char *const share_range[LC_STYLE_SHARE_CLASSES] = {"0–<25%", "25–<50%", "50–<75%", "75–<100%", "100%"};
static const char *const share_label[LC_STYLE_SHARE_CLASSES] = {
    "基本未覆盖 mostly outside", "少部分覆盖 partly covered", "过半覆盖 half or more",
    "大部分覆盖 mostly covered", "全部覆盖 fully covered"};

/* ---- title and legend ----------------------------------------------------------------------- */

void lc_map_draw_title(map *m)
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
    size_t tn = strlen(title);
    if (m->siting) /* a site run: which state this map shows */
        snprintf(title + tn, sizeof title - tn, "%s", m->after ? " · 建议实施后 after the proposals"
                                                              : " · 现状 before the proposals");
    lc_map_text(m, 1, 20, l->fx, (MARGIN + 24) * u, 0, ink, title);

    lc_map_distance_text(reach_txt, sizeof reach_txt, reach);
    double pop = lc_coverage_population(cov), covered = lc_coverage_covered_population(cov, m->category);
    int n = snprintf(sub, sizeof sub, "可达范围 reach %s (%s)", reach_txt,
                     lc_coverage_mode(cov) == LC_MODE_NETWORK ? "步行路网 along the walking network"
                                                              : "直线距离 straight line");
    if (pop > 0 && n > 0 && (size_t)n < sizeof sub) {
        lc_map_thousands(a, sizeof a, covered);
        lc_map_thousands(b, sizeof b, pop);
        snprintf(sub + n, sizeof sub - (size_t)n, " · 覆盖常住人口 residents covered %s / %s (%.1f%%)", a, b,
                 100 * covered / pop);
    }
    lc_map_text(m, 0, 11, l->fx, (MARGIN + 46) * u, 0, ink_soft, sub);

    cairo_new_path(m->cr);
    cairo_move_to(m->cr, l->fx, (MARGIN + TITLE_BAND - 8) * u);
    cairo_line_to(m->cr, l->w - MARGIN * u, (MARGIN + TITLE_BAND - 8) * u);
    lc_map_set_rgb(m->cr, frame_line);
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
    lc_map_set_rgb(m->cr, c);
    cairo_set_line_width(m->cr, 0.6 * m->lay.u);
    cairo_stroke(m->cr);
}

void lc_map_legend_count(map *m, double y, size_t count)
{
    char buf[64];
    lc_map_thousands(buf, sizeof buf, (double)count);
    lc_map_text(m, 0, 9, m->lay.lx + m->lay.lw - 12 * m->lay.u, y, 2, ink_soft, buf);
}

/* The legend's areas from y down: the share classes (fully covered first) with the number of
 * compounds in each, the gap hatching with its count, the service area. Returns the y below them. */
static double legend_areas(map *m, double x, double tx, double y)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    const lc_coverage *cov = m->res->coverage;
    double u = l->u;
    size_t c = m->category;
    /* Share classes, fully covered first, with the number of compounds in each. */
    size_t counts[LC_STYLE_SHARE_CLASSES] = {0}, ngap = 0;
    for (size_t i = 0; i < lc_coverage_polygon_count(cov); i++) {
        counts[lc_map_share_class(lc_coverage_get(cov, i, c)->covered_share)]++;
        ngap += lc_coverage_gap(cov, i, c) != NULL;
    }
    lc_map_text(m, 1, 10.5, x, y, 0, ink, "居住街坊覆盖比例");
    lc_map_text(m, 0, 9, l->lx + l->lw - 12 * u, y, 2, ink_soft, "个数 count");
    y += 13 * u;
    lc_map_text(m, 0, 9, x, y, 0, ink_soft, "Residential areas by share within reach");
    y += 10 * u;
    for (int k = LC_STYLE_SHARE_CLASSES - 1; k >= 0; k--) {
        swatch_rect(m, x, y);
        lc_map_set_rgb(cr, lc_style_share_colour[k]);
        cairo_fill(cr);
        swatch_outline(m, x, y, frame_line);
        double base = y + SW_H * u - 2.5 * u;
        lc_map_text(m, 1, 9.5, tx, base, 0, ink, share_range[k]);
        lc_map_text(m, 0, 9.5, tx + 60 * u, base, 0, ink, share_label[k]);
        lc_map_legend_count(m, base, counts[k]);
        y += 20 * u;
    }

    /* Gap and service area. */
    y += 4 * u;
    swatch_rect(m, x, y);
    lc_map_set_rgb(cr, white);
    cairo_fill_preserve(cr);
    cairo_save(cr);
    cairo_clip(cr);
    lc_map_hatch(m, 5.5 * u, 1.6 * u, lc_style_gap);
    cairo_restore(cr);
    swatch_outline(m, x, y, lc_style_gap);
    double base = y + SW_H * u - 2.5 * u;
    lc_map_text(m, 0, 9.5, tx, base, 0, ink, "覆盖缺口 gap (outside reach)");
    lc_map_legend_count(m, base, ngap);
    y += 20 * u;

    char buf[256], reach_txt[64];
    lc_map_distance_text(reach_txt, sizeof reach_txt, lc_coverage_reach(cov, c));
    swatch_rect(m, x, y);
    lc_map_set_rgb(cr, map_bg);
    cairo_fill_preserve(cr);
    lc_map_set_rgba(cr, lc_style_service_area, LC_STYLE_SERVICE_AREA_ALPHA);
    cairo_fill(cr);
    swatch_outline(m, x, y, lc_style_service_area);
    snprintf(buf, sizeof buf, "服务范围 service area (%s)", reach_txt);
    lc_map_text(m, 0, 9.5, tx, y + SW_H * u - 2.5 * u, 0, ink, buf);
    y += 30 * u;

    return y;
}

/* The legend's points and lines from y down: the mapped category's facilities and the others, the
 * proposals of a site run, the 街镇 boundaries, each with its count. Returns the y below them. */
static double legend_points(map *m, double x, double tx, double y)
{
    cairo_t *cr = m->cr;
    const lc_inputs *in = m->res->inputs;
    const lc_category *cat = lc_profile_category(m->res->profile, m->category);
    double u = m->lay.u;
    size_t c = m->category;
    /* Facilities. */
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t nmajor = 0, nminor = 0;
    for (size_t i = 0; fac && i < m->nfacilities; i++) {
        int fc = lc_layer_feature(fac, i)->category;
        if (fc >= 0 && (size_t)fc == c)
            nmajor++;
        else if (fc >= 0)
            nminor++;
    }
    lc_map_text(m, 1, 10.5, x, y, 0, ink, "设施 Facilities");
    y += 10 * u;
    double cy = y + SW_H * u / 2;
    lc_map_facility_marker(m, x + SW_W * u / 2, cy, lc_style_category[c % LC_STYLE_CATEGORY_COLOURS], 1);
    lc_map_text(m, 0, 9.5, tx, cy - 1 * u, 0, ink, cat->name_zh);
    lc_map_text(m, 0, 8.5, tx, cy + 10 * u, 0, ink_soft, cat->name_en);
    lc_map_legend_count(m, cy - 1 * u, nmajor);
    y += 30 * u;
    cy = y + SW_H * u / 2;
    for (int k = 0; k < 3; k++) /* the other categories' colours, small */
        lc_map_facility_marker(m, x + (5 + 8 * k) * u, cy, lc_style_category[(c + 1 + (size_t)k) % LC_STYLE_CATEGORY_COLOURS],
                        0);
    lc_map_text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "其他类别设施 other facilities");
    lc_map_legend_count(m, cy + 3.5 * u, nminor);
    y += 22 * u;

    size_t np = m->siting ? lc_siting_count(m->siting) : 0;
    if (np) {
        cy = y + SW_H * u / 2;
        lc_map_proposal_marker(m, x + SW_W * u / 2, cy);
        lc_map_text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "建议新增站点 proposed site (rank)");
        lc_map_legend_count(m, cy + 3.5 * u, np);
        y += 22 * u;
    }

    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    if (units && lc_layer_count(units)) {
        double dash[] = {7 * u, 2.5 * u, 1.5 * u, 2.5 * u};
        cy = y + SW_H * u / 2;
        cairo_new_path(cr);
        cairo_move_to(cr, x, cy);
        cairo_line_to(cr, x + SW_W * u, cy);
        lc_map_set_rgb(cr, lc_style_unit_line);
        cairo_set_line_width(cr, 1.2 * u);
        cairo_set_dash(cr, dash, 4, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        lc_map_text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "街镇边界 subdistrict boundary");
        lc_map_legend_count(m, cy + 3.5 * u, lc_layer_count(units));
        y += 22 * u;
    }
    return lc_map_legend_streets(m, x, tx, y);
}

double lc_map_legend_streets(map *m, double x, double tx, double y)
{
    cairo_t *cr = m->cr;
    double u = m->lay.u, cy = y + SW_H * u / 2;
    size_t nroads = m->res->roads ? lc_roads_count(m->res->roads) : 0;
    if (nroads) {
        cairo_new_path(cr);
        cairo_move_to(cr, x, cy - 2.5 * u);
        cairo_line_to(cr, x + SW_W * u, cy - 2.5 * u);
        lc_map_set_rgb(cr, lc_style_street);
        cairo_set_line_width(cr, LC_STYLE_STREET_MAIN_WIDTH * u);
        cairo_stroke(cr);
        cairo_move_to(cr, x, cy + 2.5 * u);
        cairo_line_to(cr, x + SW_W * u, cy + 2.5 * u);
        cairo_set_line_width(cr, LC_STYLE_STREET_WIDTH * u);
        cairo_stroke(cr);
        lc_map_text(m, 0, 9.5, tx, cy - 1 * u, 0, ink, "步行路网 (道路图层)");
        lc_map_text(m, 0, 8.5, tx, cy + 10 * u, 0, ink_soft, "walking network (roads layer)");
        lc_map_legend_count(m, cy - 1 * u, nroads);
        y += 30 * u;
    } else {
        lc_map_text(m, 0, 8.5, x, cy, 0, ink_soft, "未绘街道: 研究未给出道路图层");
        lc_map_text(m, 0, 8.5, x, cy + 11 * u, 0, ink_soft, "no streets drawn: the study has no roads layer");
        y += 28 * u;
    }
    /* Water: no study input is read for it, and none is invented. */
    lc_map_text(m, 0, 8.5, x, y, 0, ink_soft, "未绘水系: 未读取水体数据");
    lc_map_text(m, 0, 8.5, x, y + 11 * u, 0, ink_soft, "no water drawn: no water layer is read");
    return y + 26 * u;
}

/* The notes at the foot of the legend panel (version, profile, CRS; what the share and the service
 * area mean, when there is room below y). */
static void legend_notes(map *m, double x, double y)
{
    const layout *l = &m->lay;
    const lc_inputs *in = m->res->inputs;
    const lc_coverage *cov = m->res->coverage;
    double u = l->u;
    char buf[256], reach_txt[64];
    lc_map_distance_text(reach_txt, sizeof reach_txt, lc_coverage_reach(cov, m->category));
    /* Notes at the foot of the panel: how it was computed and where it came from. */
    const lc_crs *crs = lc_inputs_crs(in);
    const char *crs_name = crs ? lc_crs_name(crs) : NULL, *crs_id = crs ? lc_crs_id(crs) : NULL;
    double fy = l->ly + l->lh - 12 * u;
    snprintf(buf, sizeof buf, "lifecircle %s · %s", lc_version(), lc_profile_name(m->res->profile));
    lc_map_text(m, 0, 8, x, fy, 0, ink_soft, buf);
    fy -= 12 * u;
    if (crs_name) {
        if (crs_id)
            snprintf(buf, sizeof buf, "坐标系 CRS: %s (%s)", crs_name, crs_id);
        else
            snprintf(buf, sizeof buf, "坐标系 CRS: %s", crs_name);
        lc_map_text(m, 0, 8, x, fy, 0, ink_soft, buf);
        fy -= 12 * u;
    }
    lc_map_text(m, 0, 8, x, fy, 0, ink_soft, "比例尺与指北针按坐标系网格 scale and north: CRS grid");

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
        lc_map_text(m, 1, 9.5, x, ny, 0, ink, "说明 Notes");
        for (size_t i = 0; i < nnotes; i++)
            lc_map_text(m, 0, 8, x, ny + (double)(i + 1) * 12 * u + 2 * u, 0, ink_soft, notes[i]);
    }
}

/* The legend panel's frame and title; see map_int.h. */
double lc_map_legend_open(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, x = l->lx + 14 * u, y = l->ly + 26 * u;
    cairo_new_path(cr);
    cairo_rectangle(cr, l->lx, l->ly, l->lw, l->lh);
    lc_map_set_rgb(cr, white);
    cairo_fill_preserve(cr);
    lc_map_set_rgb(cr, frame_line);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_rectangle(cr, l->lx, l->ly, l->lw, l->lh);
    cairo_clip(cr);
    lc_map_text(m, 1, 15, x, y, 0, ink, "图例 Legend");
    return y + 28 * u;
}

void lc_map_draw_legend(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    double u = l->u, x = l->lx + 14 * u, tx = x + (SW_W + 10) * u;
    double y = lc_map_legend_open(m);
    y = legend_areas(m, x, tx, y);
    y = legend_points(m, x, tx, y);
    legend_notes(m, x, y);
    cairo_restore(cr);
}

