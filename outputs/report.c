/*
 * outputs/report.c — the HTML report (include/lifecircle/report.h): the page, its head and headline,
 * the maps, the assumptions and data quality, and the entry points. The numbers are read back from
 * the summary JSON that summary.json holds (lc_summary_json), so the report can never disagree with
 * it; the tables per 街镇, district and lower level, the coverage, gap and proposal sections are in
 * outputs/report_tables.c, the HTML buffer and number formats in outputs/report_int.h. Maps
 * come from outputs/map.c and are inlined as base64 PNG; their A3 PDFs are written beside the HTML.
 */
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "lifecircle/report.h"
#include "outputs/output_int.h"
#include "outputs/report_int.h"

/* ---- sections ------------------------------------------------------------------------------- */

static const char STYLE[] =
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;"
    "margin:2em auto;max-width:1200px;color:#222;line-height:1.45;padding:0 1em}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #3182bd;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.3em .55em;text-align:left;vertical-align:top}"
    "th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}.na{color:#888}.why{font-size:.85em;font-weight:400}"
    "tr.total td{font-weight:600;background:#f7f7f7}.meta{color:#555}.en{color:#666;font-size:.9em}"
    "figure{margin:1em 0 2em}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{color:#555}code{font-size:.88em;word-break:break-all}"
    ".warn{color:#8a5a00}.err{color:#c62828}"
    /* Print (issue 17): A4 portrait with margins; table headers repeated on every page a table
     * spans (thead as a header group), rows never split, headings kept with what follows, the short
     * tables (a category's gaps, the assumptions) whole, and each map on a page of its own, whole and
     * as wide as the text. */
    "@page{size:A4 portrait;margin:14mm 12mm 16mm}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.35;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h1,h2,h3{break-after:avoid;page-break-after:avoid}h2{margin-top:1.2em}"
    "table{font-size:7.5pt;width:100%}th,td{padding:.2em .3em}"
    "thead{display:table-header-group}tr,th,td{break-inside:avoid;page-break-inside:avoid}"
    "#maps,#maps figure+figure,#accessibility figure{break-before:page;page-break-before:always}"
    "#gaps table,#assumptions table{break-inside:avoid;page-break-inside:avoid}"
    "figure{break-inside:avoid;page-break-inside:avoid;margin:0 0 1.2em}"
    "figure img{display:block;width:100%;max-width:100%;height:auto}"
    "a{color:inherit;text-decoration:none}}";

/* Title, study, profile, mode, date. */
static void section_head(html *h, const json_t *sum, const char *date, const lc_report_options *o)
{
    const json_t *prof = json_object_get(sum, "profile"), *as = json_object_get(sum, "assumptions");
    h_printf(h, "<header>\n<h1>15分钟养老服务圈评估报告<br><span class=\"en\">15-minute elder-service circle "
                "report</span></h1>\n<p class=\"meta\">");
    if (o->siting)
        h_printf(h, "选址建议 Siting proposals · ");
    h_printf(h, "研究 Study: <code>");
    h_text(h, json_is_string(json_object_get(sum, "study")) ? jstr(sum, "study") : "(command line)");
    h_printf(h, "</code> · 标准 Profile: ");
    h_text(h, jstr(prof, "name"));
    h_printf(h, " — ");
    h_text(h, jstr(prof, "title"));
    h_printf(h, "<br>距离 Distance: %s · 日期 Date: ",
             !strcmp(jstr(as, "distance_mode"), "network") ? "沿步行路网 along the walking network"
                                                           : "直线距离 straight-line");
    h_text(h, date);
    h_printf(h, " · lifecircle ");
    h_text(h, jstr(json_object_get(sum, "toolkit"), "version"));
    h_printf(h, "</p>\n</header>\n");
}

/* The whole area's row: every norm with value, target, pass and shortfall. */
static void section_headline(html *h, const json_t *sum)
{
    const json_t *rows = json_object_get(sum, "rows"), *norms = json_object_get(sum, "norms");
    const json_t *total = json_array_get(rows, json_array_size(rows) - 1);
    const json_t *ind = json_object_get(total, "indicators");
    h_printf(h, "<section id=\"indicators\">\n<h2>核心指标 <span class=\"en\">Headline indicators (whole area)"
                "</span></h2>\n<p>全区常住人口 Residents: ");
    h_count(h, jnum(total, "population"));
    /* Whole-area fails apart from norms that pass for the whole area but fail in some 街镇 (issue 17):
     * failing_norms counts a norm failing anywhere. */
    long long anywhere = (long long)json_integer_value(json_object_get(sum, "failing_norms")), whole = 0;
    size_t i;
    const json_t *m;
    json_array_foreach(norms, i, m) {
        whole += !strcmp(jstr(json_object_get(ind, jstr(m, "code")), "pass"), "fail");
    }
    h_printf(h, " · 全区未达标指标 Norms failing for the whole area: %lld · 全区达标但部分街镇未达标 passing for the "
                "whole area but failing in some 街镇: %lld</p>\n", whole, anywhere > whole ? anywhere - whole : 0);
    h_printf(h, "<table>\n<thead><tr><th>指标 Indicator</th><th>现状 Value</th><th>目标 Target</th><th>结论 Result</th>"
                "<th>差额 Shortfall</th><th>依据 Source</th></tr></thead>\n<tbody>\n");
    size_t k;
    const json_t *n;
    json_array_foreach(norms, k, n) {
        const char *code = jstr(n, "code"), *kind = jstr(n, "kind");
        const json_t *x = json_object_get(ind, code);
        h_printf(h, "<tr data-norm=\"");
        h_text(h, code);
        h_printf(h, "\"><td>");
        h_text(h, jstr(n, "zh"));
        h_printf(h, "<br><span class=\"en\">");
        h_text(h, jstr(n, "en"));
        h_printf(h, "</span></td><td class=\"num\">");
        h_norm_value(h, kind, jnum(x, "value"));
        /* the target of a norm that does not apply here, greyed (it holds where there are rural units) */
        h_printf(h, "</td><td class=\"num%s\">", !strcmp(jstr(x, "note_code"), "no rural") ? " na" : "");
        if (isfinite(jnum(n, "target")))
            h_printf(h, "≥ ");
        h_norm_value(h, kind, jnum(n, "target"));
        h_printf(h, "</td>");
        h_result(h, x);
        h_printf(h, "<td class=\"num\">");
        if (!strcmp(jstr(x, "pass"), "fail")) {
            h_count(h, ceil(jnum(x, "shortfall")));
            h_printf(h, " ");
            h_text(h, jstr(x, "shortfall_unit"));
        }
        h_printf(h, "</td><td class=\"en\">");
        h_text(h, jstr(n, "source"));
        h_printf(h, "</td></tr>\n");
    }
    h_printf(h, "</tbody>\n</table>\n</section>\n");
}

/* Standard base64 of n bytes into a new string. NULL when out of memory. */
static char *base64(const unsigned char *bytes, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 48 * 1024) { /* EVP_EncodeBlock takes an int length */
        size_t part = n - i < 48 * 1024 ? n - i : 48 * 1024;
        o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, bytes + i, (int)part);
    }
    out[o] = '\0';
    return out;
}

/* The figure of category c's map, inline PNG, with a link to its PDF beside the report: of r, or with
 * after set the after-state map of a site run (o->after). LC_OK or the renderer's error. */
static lc_status map_figure(lc_context *ctx, html *h, const lc_results *r, const lc_report_options *o, size_t c,
                            int after)
{
    const lc_category *cat = lc_profile_category(r->profile, c);
    lc_map_options mo = {.format = LC_MAP_PNG, .width_px = o->map_width_px,
                         .height_px = o->map_width_px > 0 ? o->map_width_px * 1131 / 1600 : 0,
                         .siting = o->siting && c == o->siting_category ? o->siting : NULL, .after = after};
    size_t size = 0;
    unsigned char *png = lc_map_render(ctx, after ? o->after : r, c, &mo, &size);
    if (!png)
        return lc_context_errno(ctx);
    char *b64 = base64(png, size);
    free(png);
    if (!b64)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory: a map of the report");
    const char *state_zh = !mo.siting ? "" : after ? " · 建议实施后" : " · 现状",
               *state_en = !mo.siting ? "" : after ? " after the proposals" : " before the proposals";
    h_printf(h, "<figure data-category=\"%s\"%s><img alt=\"", cat->code,
             !mo.siting ? "" : after ? " data-state=\"after\"" : " data-state=\"before\"");
    h_text(h, cat->name_en);
    h_text(h, state_en);
    h_printf(h, "\" src=\"data:image/png;base64,");
    h_raw(h, b64, strlen(b64));
    free(b64);
    h_printf(h, "\"><figcaption>");
    h_text(h, cat->name_zh);
    h_text(h, state_zh);
    h_printf(h, " <span class=\"en\">");
    h_text(h, cat->name_en);
    h_text(h, state_en);
    h_printf(h, "</span> · %.0f m · <a href=\"map-%s%s.pdf\">A3 PDF</a></figcaption></figure>\n",
             lc_coverage_reach(r->coverage, c), cat->code, after ? "-after" : "");
    return LC_OK;
}

/* A map per category; a site run's sited category has its after-state map (o->after) right after. */
static lc_status section_maps(lc_context *ctx, html *h, const lc_results *r, const lc_report_options *o)
{
    h_printf(h, "<section id=\"maps\">\n<h2>地图 <span class=\"en\">Maps</span></h2>\n");
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        lc_status st = map_figure(ctx, h, r, o, c, 0);
        if (st == LC_OK && o->siting && o->after && c == o->siting_category)
            st = map_figure(ctx, h, r, o, c, 1);
        if (st != LC_OK)
            return st;
    }
    h_printf(h, "</section>\n");
    return LC_OK;
}

/* Reach and its sources, walking speed, population method, CRS, profile norms' sources, inputs. */
static void section_assumptions(html *h, const json_t *sum)
{
    const json_t *as = json_object_get(sum, "assumptions"), *crs = json_object_get(sum, "crs");
    h_printf(h, "<section id=\"assumptions\">\n<h2>假设与数据 <span class=\"en\">Assumptions and data</span></h2>\n"
                "<table>\n<tr><th>距离 Distance</th><td>");
    h_text(h, jstr(as, "distance_mode"));
    h_printf(h, "</td></tr>\n<tr><th>人口分布 Population</th><td>");
    h_text(h, jstr(as, "population_method"));
    if (*jstr(as, "demand_points")) {
        h_printf(h, "</td></tr>\n<tr><th>步行起点 Demand points</th><td>");
        h_text(h, jstr(as, "demand_points"));
    }
    const json_t *acc = json_object_get(as, "accuracy");
    if (json_is_object(acc)) {
        h_printf(h, "</td></tr>\n<tr><th>精度 Accuracy</th><td>");
        if (json_integer_value(json_object_get(acc, "circle_sides")) > 0)
            h_printf(h, "可达圆以内接 %lld 边形计算，面积比真圆小 %.3f%%。<br><span class=\"en\">Reach circles are "
                     "inscribed %lld-gons, %.3f%% smaller in area than true circles.</span>",
                     (long long)json_integer_value(json_object_get(acc, "circle_sides")),
                     100 * jnum(acc, "circle_area_deficit"),
                     (long long)json_integer_value(json_object_get(acc, "circle_sides")),
                     100 * jnum(acc, "circle_area_deficit"));
        else
            h_printf(h, "覆盖比例在边长 %g 米的方格中精确计算，误差不超过 %.3f 个百分点；缺口轮廓按 %g 米、服务范围按 %g "
                     "米网格描绘（缺口面积偏差最大 %.2f 个百分点）。<br><span class=\"en\">Covered shares are measured "
                     "in squares down to %g m, at most %.3f percentage points too high; gap outlines are traced on a "
                     "%g m grid and service areas on a %g m grid (gap areas deviate by at most %.2f points).</span>",
                     jnum(acc, "share_leaf_m"), 100 * jnum(acc, "share_bound"), jnum(acc, "gap_cell_m"),
                     jnum(acc, "service_cell_m"), 100 * jnum(acc, "gap_deviation"), jnum(acc, "share_leaf_m"),
                     100 * jnum(acc, "share_bound"), jnum(acc, "gap_cell_m"), jnum(acc, "service_cell_m"),
                     100 * jnum(acc, "gap_deviation"));
    }
    h_printf(h, "</td></tr>\n<tr><th>坐标系 CRS</th><td>");
    h_text(h, jstr(crs, "name"));
    if (*jstr(crs, "id")) {
        h_printf(h, " (");
        h_text(h, jstr(crs, "id"));
        h_printf(h, ")");
    }
    h_printf(h, "</td></tr>\n</table>\n<h3>可达范围 <span class=\"en\">Reach per category</span></h3>\n"
                "<p>没有规划文件给出“15分钟”的米数；本工具按 GB 50180-2018 取 15 分钟步行 ≈ 800–1000 米，可修改。"
                "<br><span class=\"en\">No plan gives metres for \"15 minutes\": the toolkit assumes GB 50180-2018's "
                "800–1000 m for a 15-minute walk; users can change it.</span><br>标准为每类设施直接规定米数，不规定步速；"
                "下表“折合步速”仅为米数 ÷ 分钟，各类不同（如 15 分钟 1000 米、5 分钟 300 米出自 GB 50180-2018 的两级生活圈），"
                "并非两种步速。<br><span class=\"en\">The profile sets each category's metres, not a walking speed: the "
                "speed column is only metres ÷ minutes, and it differs between categories (15 minutes 1000 m and 5 "
                "minutes 300 m come from GB 50180-2018's two circle sizes), not two speeds. With "
                "--set walk_speed=V every category walks its minutes at V m/s instead.</span></p>\n<table>\n<thead><tr><th>类别 Category"
                "</th><th>分钟 Minutes</th><th>米 Metres</th><th>折合步速 Metres ÷ minutes</th><th>依据 Source</th></tr>"
                "</thead>\n<tbody>\n");
    size_t k;
    const json_t *rc;
    json_array_foreach(json_object_get(as, "reach"), k, rc) {
        double m = jnum(rc, "reach_m"), min = jnum(rc, "minutes");
        h_printf(h, "<tr><td>");
        h_text(h, jstr(rc, "zh"));
        h_printf(h, " <span class=\"en\">");
        h_text(h, jstr(rc, "en"));
        h_printf(h, "</span></td><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td><td class=\"num\">", min, m);
        if (min > 0)
            h_printf(h, "%.2f m/s", m / (60 * min));
        h_printf(h, "</td><td class=\"en\">");
        h_cite(h, jstr(rc, "source"));
        h_printf(h, "</td></tr>\n");
    }
    h_printf(h, "</tbody>\n</table>\n<h3>输入数据 <span class=\"en\">Input files</span></h3>\n<table>\n<thead><tr><th>图层 Layer</th>"
                "<th>来源 Source</th><th>要素 Features</th><th>SHA-256</th></tr></thead>\n<tbody>\n");
    const json_t *in;
    json_array_foreach(json_object_get(sum, "inputs"), k, in) {
        h_printf(h, "<tr><td>");
        h_text(h, jstr(in, "kind"));
        h_printf(h, "</td><td><code>");
        h_text(h, jstr(in, "source"));
        h_printf(h, "</code>");
        if (*jstr(in, "layer")) {
            h_printf(h, " (");
            h_text(h, jstr(in, "layer"));
            h_printf(h, ")");
        }
        h_printf(h, "</td><td class=\"num\">%lld</td><td><code>",
                 (long long)json_integer_value(json_object_get(in, "features")));
        h_text(h, *jstr(in, "sha256") ? jstr(in, "sha256") : jstr(in, "rows_sha256"));
        h_printf(h, "</code></td></tr>\n");
    }
    h_printf(h, "</tbody>\n</table>\n</section>\n");
}

/* Every norm's source spelt out as a 规划说明书 cites it (outputs/citations.c): document title, number,
 * section, with the line reference the tables above use (issue 17). At the end, so the tables keep
 * their short codes and their pages. */
static void section_citations(html *h, const json_t *sum)
{
    h_printf(h, "<section id=\"citations\">\n<h2>依据文件 <span class=\"en\">Documents cited</span></h2>\n"
                "<table>\n<thead><tr><th>指标 Norm</th><th>依据 Source, as a 规划说明书 cites it</th></tr></thead>\n<tbody>\n");
    size_t k;
    const json_t *n;
    json_array_foreach(json_object_get(sum, "norms"), k, n) {
        h_printf(h, "<tr><td>");
        h_text(h, jstr(n, "zh"));
        h_printf(h, "</td><td>");
        h_cite(h, jstr(n, "source"));
        h_printf(h, "</td></tr>\n");
    }
    h_printf(h, "</tbody>\n</table>\n</section>\n");
}

static void section_quality(html *h, const json_t *sum)
{
    const json_t *dq = json_object_get(sum, "data_quality");
    h_printf(h, "<section id=\"quality\">\n<h2>数据质量 <span class=\"en\">Data quality</span></h2>\n");
    if (!json_array_size(dq))
        h_printf(h, "<p>无警告。<span class=\"en\">No warnings.</span></p>\n");
    else
        h_printf(h, "<p>%zu 条 issues</p>\n<ul>\n", json_array_size(dq));
    size_t k;
    const json_t *it;
    json_array_foreach(dq, k, it) {
        h_printf(h, "<li class=\"%s\">", !strcmp(jstr(it, "severity"), "error") ? "err" : "warn");
        h_text(h, jstr(it, "severity"));
        h_printf(h, " [");
        h_text(h, jstr(it, "check"));
        h_printf(h, "]: ");
        h_text(h, jstr(it, "message"));
        h_printf(h, "</li>\n");
    }
    if (json_array_size(dq))
        h_printf(h, "</ul>\n");
    h_printf(h, "</section>\n");
}

/* The date shown: the caller's, SOURCE_DATE_EPOCH's (UTC), or today's (UTC). */
static void report_date(const lc_report_options *o, char buf[32])
{
    if (o->date) {
        snprintf(buf, 32, "%s", o->date);
        return;
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long t = sde ? strtoll(sde, &end, 10) : 0;
    time_t when = sde && end && !*end && end != sde ? (time_t)t : time(NULL);
    struct tm tm;
    /* gmtime_r fails past the years struct tm can hold: today then, as for an unreadable value. */
    if (!gmtime_r(&when, &tm)) {
        when = time(NULL);
        gmtime_r(&when, &tm);
    }
    strftime(buf, 32, "%Y-%m-%d", &tm);
}

char *lc_report_html(lc_context *ctx, const lc_results *r, const lc_report_options *options)
{
    if (!ctx)
        return NULL;
    if (!r || !r->inputs || !r->profile || !r->coverage || !r->indicators || !r->quality || !r->study) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_report_html: the results of a check are required");
        return NULL;
    }
    lc_report_options o = options ? *options : (lc_report_options){0};
    /* The maps are width × 1131/1600 high, and a PNG map is 150..16384 pixels high: widths below 213
     * would fail there with a height the caller never gave (and INT_MAX would overflow the product). */
    if (!o.no_maps && o.map_width_px != 0 && (o.map_width_px < 213 || o.map_width_px > 16384)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_report_html: map_width_px is 213..16384 (or 0 for 1600), not %d",
                 o.map_width_px);
        return NULL;
    }
    if (o.siting && o.siting_category >= lc_profile_category_count(r->profile)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_report_html: siting category %zu is not in the profile", o.siting_category);
        return NULL;
    }
    char *text = lc_summary_json(ctx, r, o.siting, o.siting_category);
    if (!text)
        return NULL;
    json_error_t jerr;
    json_t *sum = json_loads(text, 0, &jerr);
    free(text);
    if (!sum) {
        lc_error(ctx, LC_ERR_INTERNAL, "report: the summary does not parse (%s)", jerr.text);
        return NULL;
    }
    char date[32];
    report_date(&o, date);
    html h = {0};
    lc_status st = LC_OK;
    h_printf(&h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"generator\" content=\"lifecircle %s\">\n<title>15分钟养老服务圈评估报告 — "
                 "15-minute elder-service circle report</title>\n<style>%s</style>\n</head>\n<body>\n",
             lc_version(), STYLE);
    section_head(&h, sum, date, &o);
    section_headline(&h, sum);
    lc_report_section_units(&h, sum, 1);
    lc_report_section_units(&h, sum, 0);
    lc_report_section_levels(&h, sum);
    lc_report_section_coverage(&h, sum);
    lc_report_section_proposals(&h, sum, r, &o);
    json_t *pj = o.progress_json ? json_loads(o.progress_json, 0, &jerr) : NULL;
    lc_report_section_progress(&h, pj);
    json_decref(pj);
    if (!o.no_maps)
        st = section_maps(ctx, &h, r, &o);
    lc_progress(ctx, "report", 0.8);
    if (st == LC_OK)
        st = lc_report_section_access(ctx, &h, sum, r, &o); /* outputs/report_access.c */
    if (st == LC_OK)
        st = lc_report_section_gaps(ctx, &h, r);
    section_assumptions(&h, sum);
    section_quality(&h, sum);
    section_citations(&h, sum);
    h_printf(&h, "<footer class=\"meta\"><p>lifecircle %s · 示例数据请注意来源与许可 Data sources and licences: see "
                 "the input files above.</p></footer>\n</body>\n</html>\n", lc_version());
    json_decref(sum);
    if (st == LC_OK && h.nomem)
        st = lc_error(ctx, LC_ERR_NOMEM, "out of memory writing the report");
    if (st != LC_OK) {
        free(h.s);
        return NULL;
    }
    return h.s;
}

lc_output *lc_report_stage(lc_context *ctx, const char *dir, const lc_results *r, const lc_report_options *options)
{
    if (!ctx)
        return NULL;
    if (!dir || !r || !r->inputs || !r->profile || !r->coverage) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_report_write: a directory and the results of a check are required");
        return NULL;
    }
    lc_report_options o = options ? *options : (lc_report_options){0};
    lc_output_options oo = {.format = LC_FORMAT_GEOJSON, .overwrite = o.overwrite};
    if (lc_output_format_for(dir, LC_FORMAT_GEOJSON) == LC_FORMAT_POSTGIS) {
        lc_error(ctx, LC_ERR_MISUSE, "the report goes into a directory, not a database");
        return NULL;
    }
    if (lc_check_inputs_outside(ctx, dir, &oo, r) != LC_OK)
        return NULL;
    char *text = lc_report_html(ctx, r, &o);
    if (!text)
        return NULL;
    lc_output *out = lc_output_begin(ctx, dir, lc_inputs_crs(r->inputs), &oo);
    lc_status st = out ? lc_output_write_text(ctx, out, "report.html", text) : lc_context_errno(ctx);
    free(text);
    for (size_t c = 0; st == LC_OK && !o.no_maps && c < lc_profile_category_count(r->profile); c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        int sited = o.siting && c == o.siting_category;
        for (int after = 0; st == LC_OK && after <= (sited && o.after); after++) {
            lc_map_options mo = {.format = LC_MAP_PDF, .siting = sited ? o.siting : NULL, .after = after};
            size_t size = 0;
            unsigned char *pdf = lc_map_render(ctx, after ? o.after : r, c, &mo, &size);
            char name[96];
            snprintf(name, sizeof name, "map-%s%s.pdf", cat->code, after ? "-after" : "");
            st = pdf ? lc_output_write_file(ctx, out, name, pdf, size) : lc_context_errno(ctx);
            free(pdf);
        }
        lc_progress(ctx, "report", 0.8 + 0.2 * (double)(c + 1) / (double)lc_profile_category_count(r->profile));
    }
    if (out && st != LC_OK) {
        lc_output_abort(ctx, out); /* the step's error stays the context's */
        out = NULL;
    }
    return out;
}

lc_status lc_report_write(lc_context *ctx, const char *dir, const lc_results *r, const lc_report_options *options)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    lc_output *out = lc_report_stage(ctx, dir, r, options);
    return out ? lc_output_commit(ctx, out) : lc_context_errno(ctx);
}
