/*
 * outputs/report_access.c — the report's accessibility section: per profile entry (2SFCA / E2SFCA,
 * include/lifecircle/access.h) its map (outputs/map_access.c, inline PNG) and a table of every 街镇
 * with its elders, their demand-weighted ratio and how many live where the ratio is below the target,
 * beside the 街镇's and the whole area's capacity ratio (the linked capacity_ratio norm) — "where
 * capacity is short though the ratio passes" is the rows marked so. Numbers from summary.json's
 * `accessibility` section and the indicators, as the rest of the report.
 */
#include <openssl/evp.h>

#include "geo/context_int.h"

#include "lifecircle/map.h"
#include "outputs/report_int.h"

/* Standard base64 of n bytes into a new string. NULL when out of memory. */
static char *b64(const unsigned char *bytes, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 48 * 1024) {
        size_t part = n - i < 48 * 1024 ? n - i : 48 * 1024;
        o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, bytes + i, (int)part);
    }
    out[o] = '\0';
    return out;
}

/* The linked norm's value and pass on indicator row `row`: *pass 1, 0 or -1 (none). */
static double norm_value(const lc_results *r, const lc_access_spec *a, size_t row, int *pass)
{
    *pass = -1;
    if (a->norm < 0 || !r->indicators || row >= lc_indicators_row_count(r->indicators))
        return NAN;
    const lc_indicator *v = lc_indicators_get(r->indicators, row, (size_t)a->norm);
    *pass = v ? v->pass : -1;
    return v ? v->value : NAN;
}

lc_status lc_report_section_access(lc_context *ctx, html *h, const json_t *sum, const lc_results *r,
                                   const lc_report_options *o)
{
    const json_t *all = json_object_get(sum, "accessibility");
    if (!json_is_array(all) || !json_array_size(all) || !r->access)
        return LC_OK;
    h_printf(h, "<section id=\"accessibility\">\n<h2>供需可达性 <span class=\"en\">Supply and demand within "
                "reach (2SFCA)</span></h2>\n<p>每个设施的供需比 R = 容量 ÷ 可达范围内 (按距离衰减加权) 的需求人口; "
                "每个小区的可达性 A = 可达设施的 W·R 之和, 以每百名老人计。区级比例达标, 并不说明每处都够: 下表列出"
                "各街镇中可达性低于目标的老人。<span class=\"en\">A facility's supply ratio R is its capacity over the "
                "(distance-weighted) demand within its reach; a compound's accessibility A sums W·R over the "
                "facilities that reach it, shown per 100 elders (Luo &amp; Wang 2003; Luo &amp; Qi 2009). A district "
                "ratio that passes does not mean there is enough everywhere: the tables list, per 街镇, the elders "
                "living where A is below the target.</span></p>\n");
    size_t total = lc_indicators_total_row(r->indicators);
    for (size_t s = 0; s < json_array_size(all) && s < lc_access_count(r->access); s++) {
        const json_t *e = json_array_get(all, s);
        const lc_access_spec *a = lc_access_spec_of(r->access, s);
        if (!json_is_true(json_object_get(e, "has_demand")))
            continue;
        h_printf(h, "<h3>");
        h_text(h, a->zh);
        h_printf(h, " <span class=\"en\">");
        h_text(h, a->en);
        h_printf(h, "</span></h3>\n<p class=\"meta\">");
        h_text(h, jstr(e, "method"));
        h_printf(h, " · ");
        h_text(h, a->source);
        h_printf(h, " · 超负荷设施 over-subscribed facilities: %zu</p>\n", lc_access_over_count(r->access, s));
        if (!o->no_maps) {
            lc_map_options mo = {.format = LC_MAP_PNG, .width_px = o->map_width_px,
                                 .height_px = o->map_width_px > 0 ? o->map_width_px * 1131 / 1600 : 0,
                                 .access = s + 1};
            size_t size = 0;
            unsigned char *png = lc_map_render(ctx, r, 0, &mo, &size);
            if (!png)
                return lc_context_errno(ctx);
            char *text = b64(png, size);
            free(png);
            if (!text)
                return lc_error(ctx, LC_ERR_NOMEM, "out of memory: an accessibility map of the report");
            h_printf(h, "<figure data-access=\"%s\"><img alt=\"", a->code);
            h_text(h, a->en);
            h_printf(h, "\" src=\"data:image/png;base64,");
            h_raw(h, text, strlen(text));
            free(text);
            h_printf(h, "\"><figcaption>");
            h_text(h, a->zh);
            h_printf(h, "</figcaption></figure>\n");
        }
        int tpass = -1;
        norm_value(r, a, total, &tpass); /* the whole area's pass: the reading of rows without their own */
        h_printf(h, "<table>\n<thead><tr><th>街镇 Unit</th><th>需求人口 Demand</th><th>每%g人 per %g</th>"
                    "<th>低于目标 Below target</th><th>占比 Share</th><th>容量比例 Capacity ratio</th>"
                    "<th>判断 Reading</th></tr></thead>\n<tbody>\n", a->per, a->per);
        const json_t *rows = json_object_get(e, "rows");
        for (size_t k = 0; k < json_array_size(rows); k++) {
            const json_t *row = json_array_get(rows, k);
            size_t irow = k < total ? k : total;
            int pass = -1;
            double val = norm_value(r, a, irow, &pass);
            double dem = jnum(row, "demand"), low = jnum(row, "demand_below_target");
            h_printf(h, "<tr><td>");
            h_text(h, irow == total ? "全区 Whole area" : *jstr(row, "name") ? jstr(row, "name") : jstr(row, "unit"));
            h_printf(h, "</td><td>");
            h_count(h, dem);
            h_printf(h, "</td><td>%.2f</td><td>", jnum(row, "ratio"));
            h_count(h, low);
            h_printf(h, "</td><td>");
            h_share(h, dem > 0 ? low / dem : NAN);
            h_printf(h, "</td><td>");
            h_share(h, val);
            h_printf(h, "%s</td>", pass == 1 ? " ✓" : pass == 0 ? " ✗" : "");
            /* Short though the ratio passes: the 街镇's own ratio, else the whole area's. */
            int ratio_passes = pass == 1 || (pass == -1 && tpass == 1);
            if (low > 0 && ratio_passes)
                h_printf(h, "<td class=\"fail\">比例达标但局部不足 short though the ratio passes</td></tr>\n");
            else if (low > 0)
                h_printf(h, "<td class=\"fail\">不足 short</td></tr>\n");
            else if (lc_access_has_target(r->access, s) && dem > 0)
                h_printf(h, "<td class=\"pass\">足够 enough</td></tr>\n");
            else
                h_printf(h, "<td class=\"na\">–</td></tr>\n");
        }
        h_printf(h, "</tbody>\n</table>\n");
    }
    h_printf(h, "</section>\n");
    return LC_OK;
}
