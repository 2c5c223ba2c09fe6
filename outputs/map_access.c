/*
 * outputs/map_access.c — the accessibility map's own parts (lc_map_options.access): each compound's
 * class (the share of the entry's target its 2SFCA ratio meets, in the coverage classes' colours),
 * the title band (the entry, its method and distance mode, the elders below target) and the legend
 * (classes with counts, supplying and over-subscribed facilities, how the ratio is computed). The
 * body is drawn by outputs/map_draw.c, the page by outputs/map.c; the numbers are queries/access.c's.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "outputs/map_int.h"
#include "outputs/style_int.h"

static const char *const met_range[LC_STYLE_SHARE_CLASSES] = {"0–<25%", "25–<50%", "50–<75%", "75–<100%", "≥100%"};
static const char *const met_label[LC_STYLE_SHARE_CLASSES] = {
    "严重不足 far short", "不足 short", "过半 half or more", "接近 nearly met", "达到目标 target met"};

int lc_map_access_class(const map *m, size_t i)
{
    const lc_access *acc = m->res->access;
    const lc_access_spec *a = lc_access_spec_of(acc, m->access - 1);
    double A = lc_access_compound(acc, m->access - 1, i), t = lc_access_compound_target(acc, m->access - 1, i);
    if (!a || !isfinite(t) || !(t > 0) || !isfinite(A))
        return -1;
    double met = A / t;
    if (met >= 1)
        return LC_STYLE_SHARE_CLASSES - 1;
    int k = 0;
    for (int c = 0; c < LC_STYLE_SHARE_CLASSES - 1; c++)
        if (met >= lc_style_share_breaks[c])
            k = c;
    return k;
}

void lc_map_access_title(map *m)
{
    const lc_access *acc = m->res->access;
    size_t s = m->access - 1;
    const lc_access_spec *a = lc_access_spec_of(acc, s);
    const layout *l = &m->lay;
    double u = l->u;
    char title[768], sub[512], x[64], y[64];
    snprintf(title, sizeof title, "%s", a->zh);
    lc_map_text(m, 1, 17, l->fx, (MARGIN + 22) * u, 0, ink, title);
    size_t total = m->res->indicators ? lc_indicators_total_row(m->res->indicators) : 0;
    double dem = lc_access_row_demand(acc, s, total), low = lc_access_row_short(acc, s, total);
    int n = snprintf(sub, sizeof sub, "%s · %s (%s)", a->en, a->method == LC_ACCESS_2SFCA ? "2SFCA" : "E2SFCA",
                     lc_coverage_mode(m->res->coverage) == LC_MODE_NETWORK ? "步行路网 along the walking network"
                                                                          : "直线距离 straight line");
    if (lc_access_has_target(acc, s) && dem > 0 && n > 0 && (size_t)n < sizeof sub) {
        lc_map_thousands(x, sizeof x, low);
        lc_map_thousands(y, sizeof y, dem);
        snprintf(sub + n, sizeof sub - (size_t)n, " · 低于目标 below target %s / %s (%.1f%%)", x, y, 100 * low / dem);
    }
    lc_map_text(m, 0, 10.5, l->fx, (MARGIN + 44) * u, 0, ink_soft, sub);
    cairo_new_path(m->cr);
    cairo_move_to(m->cr, l->fx, (MARGIN + TITLE_BAND - 8) * u);
    cairo_line_to(m->cr, l->w - MARGIN * u, (MARGIN + TITLE_BAND - 8) * u);
    lc_map_set_rgb(m->cr, frame_line);
    cairo_set_line_width(m->cr, 0.6 * u);
    cairo_stroke(m->cr);
}

void lc_map_access_legend(map *m)
{
    cairo_t *cr = m->cr;
    const layout *l = &m->lay;
    const lc_access *acc = m->res->access;
    size_t s = m->access - 1;
    const lc_access_spec *a = lc_access_spec_of(acc, s);
    double u = l->u, x = l->lx + 14 * u, tx = x + 36 * u;
    double y = lc_map_legend_open(m);
    const lc_layer *res = lc_inputs_layer(m->res->inputs, LC_LAYER_RESIDENTIAL);
    size_t counts[LC_STYLE_SHARE_CLASSES] = {0}, none = 0;
    for (size_t i = 0; i < lc_layer_count(res); i++) {
        int k = lc_map_access_class(m, i);
        if (k < 0)
            none++;
        else
            counts[k]++;
    }
    char buf[256];
    lc_map_text(m, 1, 10.5, x, y, 0, ink, "居住街坊: 可达性 / 目标");
    lc_map_text(m, 0, 9, l->lx + l->lw - 12 * u, y, 2, ink_soft, "个数 count");
    y += 13 * u;
    if (isfinite(a->target))
        snprintf(buf, sizeof buf, "Compounds: ratio / target (%g per %g)", a->target * a->per, a->per);
    else if (lc_access_has_target(m->res->access, m->access - 1))
        snprintf(buf, sizeof buf, "Compounds: ratio / their district's target");
    else
        snprintf(buf, sizeof buf, "Compounds: no target set (grey)");
    lc_map_text(m, 0, 9, x, y, 0, ink_soft, buf);
    y += 10 * u;
    for (int k = LC_STYLE_SHARE_CLASSES - 1; k >= 0; k--) {
        cairo_new_path(cr);
        cairo_rectangle(cr, x, y, 26 * u, 13 * u);
        lc_map_set_rgb(cr, lc_style_share_colour[k]);
        cairo_fill(cr);
        double base = y + 13 * u - 2.5 * u;
        lc_map_text(m, 1, 9.5, tx, base, 0, ink, met_range[k]);
        lc_map_text(m, 0, 9.5, tx + 60 * u, base, 0, ink, met_label[k]);
        lc_map_legend_count(m, base, counts[k]);
        y += 20 * u;
    }
    if (none) {
        cairo_new_path(cr);
        cairo_rectangle(cr, x, y, 26 * u, 13 * u);
        lc_map_set_rgb(cr, (lc_rgb){200, 200, 200});
        cairo_fill(cr);
        lc_map_text(m, 0, 9.5, tx, y + 10.5 * u, 0, ink, "无目标或无需求 no target or demand");
        lc_map_legend_count(m, y + 10.5 * u, none);
        y += 20 * u;
    }
    y += 10 * u;
    const lc_layer *fac = lc_inputs_layer(m->res->inputs, LC_LAYER_FACILITIES);
    size_t nsup = 0;
    for (size_t j = 0; j < lc_layer_count(fac); j++)
        nsup += (size_t)lc_access_facility_get(acc, s, j)->supplies;
    lc_map_text(m, 1, 10.5, x, y, 0, ink, "设施 Facilities");
    y += 10 * u;
    double cy = y + 6.5 * u;
    int c0 = a->ncategories ? a->categories[0] : 0;
    lc_map_facility_marker(m, x + 13 * u, cy, lc_style_category[(size_t)c0 % LC_STYLE_CATEGORY_COLOURS], 1);
    lc_map_text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "供给设施 supplying (category colour)");
    lc_map_legend_count(m, cy + 3.5 * u, nsup);
    y += 24 * u;
    cy = y + 6.5 * u;
    lc_map_facility_marker(m, x + 13 * u, cy, lc_style_category[(size_t)c0 % LC_STYLE_CATEGORY_COLOURS], 1);
    cairo_new_path(cr);
    cairo_arc(cr, x + 13 * u, cy, 9.5 * u, 0, 2 * M_PI);
    lc_map_set_rgb(cr, lc_style_gap);
    cairo_set_line_width(cr, 2.2 * u);
    cairo_stroke(cr);
    lc_map_text(m, 0, 9.5, tx, cy + 3.5 * u, 0, ink, "超负荷 over-subscribed");
    lc_map_legend_count(m, cy + 3.5 * u, lc_access_over_count(acc, s));
    y += 30 * u;
    y = lc_map_legend_streets(m, x, tx, y);
    const char *notes[] = {"· 设施供需比 R = 容量 / 可达范围内加权需求",
                           "  supply ratio R = capacity / weighted demand in reach",
                           "· 小区可达性 A = Σ 可达设施的 W·R",
                           "  accessibility A = Σ W·R of facilities in reach",
                           "· 超负荷: R 低于目标 over-subscribed: R below target",
                           "  Luo & Wang 2003; Luo & Qi 2009 (E2SFCA)"};
    size_t nn = sizeof notes / sizeof notes[0];
    double ny = l->ly + l->lh - 24 * u - (double)nn * 12 * u;
    if (ny > y) {
        lc_map_text(m, 1, 9.5, x, ny, 0, ink, "说明 Notes");
        for (size_t i = 0; i < nn; i++)
            lc_map_text(m, 0, 8, x, ny + (double)(i + 1) * 12 * u + 2 * u, 0, ink_soft, notes[i]);
    }
    snprintf(buf, sizeof buf, "lifecircle %s · %s", lc_version(), lc_profile_name(m->res->profile));
    lc_map_text(m, 0, 8, x, l->ly + l->lh - 12 * u, 0, ink_soft, buf);
    cairo_restore(cr);
}
