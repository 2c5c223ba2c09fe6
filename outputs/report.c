/*
 * outputs/report.c — the HTML report (include/lifecircle/report.h). The numbers are read back from
 * the summary JSON that summary.json holds (lc_summary_json), so the report can never disagree with
 * it (the district table and the tables per 片区, 居村 and 村民小组 too); only the gap lists, which
 * summary.json does not carry, come from the coverage itself. Maps
 * come from outputs/map.c and are inlined as base64 PNG; their A3 PDFs are written beside the HTML.
 */
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/context_int.h"
#include "lifecircle/map.h"
#include "lifecircle/report.h"
#include "outputs/output_int.h"

#define GAP_ROWS 10 /* compounds listed per category in the gaps section */

/* ---- a growing HTML buffer ------------------------------------------------------------------ */

typedef struct html {
    char *s;
    size_t len, cap;
    int nomem;
} html;

static void h_reserve(html *h, size_t more)
{
    if (h->nomem || h->len + more + 1 <= h->cap)
        return;
    size_t cap = h->cap ? h->cap : 65536;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *s = realloc(h->s, cap);
    if (!s) {
        h->nomem = 1;
        return;
    }
    h->s = s;
    h->cap = cap;
}

static void h_raw(html *h, const char *text, size_t n)
{
    h_reserve(h, n);
    if (h->nomem)
        return;
    memcpy(h->s + h->len, text, n);
    h->len += n;
    h->s[h->len] = '\0';
}

/* Appends markup (trusted text: our own tags and numbers). */
static void h_printf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void h_printf(html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->nomem = 1;
        return;
    }
    h_reserve(h, (size_t)n);
    if (h->nomem)
        return;
    va_start(ap, fmt);
    vsnprintf(h->s + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

/* Appends text from data or users (names, messages, paths), escaped for HTML. */
static void h_text(html *h, const char *t)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': h_raw(h, "&amp;", 5); break;
        case '<': h_raw(h, "&lt;", 4); break;
        case '>': h_raw(h, "&gt;", 4); break;
        case '"': h_raw(h, "&quot;", 6); break;
        case '\'': h_raw(h, "&#39;", 5); break;
        default: h_raw(h, t, 1);
        }
    }
}

/* ---- numbers in the planner's units ----------------------------------------------------------- */

/* A whole count with thousands separators: 1,234,567 ("–" when not a number). */
static void h_count(html *h, double v)
{
    if (!isfinite(v)) {
        h_printf(h, "–");
        return;
    }
    char digits[32], out[48];
    snprintf(digits, sizeof digits, "%.0f", fabs(round(v)));
    size_t n = strlen(digits), k = 0;
    if (round(v) < 0)
        out[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    h_printf(h, "%s", out);
}

/* A share as a percentage with one decimal, "–" when not a number (summary.json's null for 0 / 0,
 * as with no residents at all: the C library would print "nan%"). */
static void h_share(html *h, double v)
{
    if (isfinite(v))
        h_printf(h, "%.1f%%", 100 * v);
    else
        h_printf(h, "–");
}

static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A norm's value (or target) in its units: m² per 1,000 residents for floor area, else a share. */
static void h_norm_value(html *h, const char *kind, double v)
{
    if (!isfinite(v))
        h_printf(h, "–");
    else if (!strcmp(kind, "floor_area"))
        h_printf(h, "%.1f m²/千人", v);
    else
        h_printf(h, "%.1f%%", 100 * v);
}

static void h_pass(html *h, const char *pass)
{
    if (!strcmp(pass, "pass"))
        h_printf(h, "<td class=\"pass\">✓ 达标 pass</td>");
    else if (!strcmp(pass, "fail"))
        h_printf(h, "<td class=\"fail\">✗ 未达标 fail</td>");
    else
        h_printf(h, "<td class=\"na\">– 无目标 n/a</td>");
}

/* ---- sections ------------------------------------------------------------------------------- */

static const char STYLE[] =
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;"
    "margin:2em auto;max-width:1200px;color:#222;line-height:1.45;padding:0 1em}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #3182bd;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.3em .55em;text-align:left;vertical-align:top}"
    "th{background:#eef3f8}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}.na{color:#888}"
    "tr.total td{font-weight:600;background:#f7f7f7}.meta{color:#555}.en{color:#666;font-size:.9em}"
    "figure{margin:1em 0 2em}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{color:#555}code{font-size:.88em;word-break:break-all}"
    ".warn{color:#8a5a00}.err{color:#c62828}"
    "@media print{body{max-width:none}h2{page-break-after:avoid}figure{page-break-inside:avoid}}";

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
    h_printf(h, " · 未达标指标 Norms failing somewhere: %lld</p>\n", (long long)json_integer_value(json_object_get(sum, "failing_norms")));
    h_printf(h, "<table>\n<tr><th>指标 Indicator</th><th>现状 Value</th><th>目标 Target</th><th>结论 Result</th>"
                "<th>差额 Shortfall</th><th>依据 Source</th></tr>\n");
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
        h_printf(h, "</td><td class=\"num\">");
        if (isfinite(jnum(n, "target")))
            h_printf(h, "≥ ");
        h_norm_value(h, kind, jnum(n, "target"));
        h_printf(h, "</td>");
        h_pass(h, jstr(x, "pass"));
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
    h_printf(h, "</table>\n</section>\n");
}

/* The name of the row of rows whose id is id ("" when none). */
static const char *row_name_of(const json_t *rows, const char *id)
{
    size_t r;
    const json_t *row;
    json_array_foreach(rows, r, row)
        if (id && !strcmp(jstr(row, "id"), id))
            return jstr(row, "name");
    return "";
}

/* One row per 街镇 (and the whole area) — or, for districts, per 区 with the profile it is held to —
 * residents and every norm with its pass mark (a district's own target in the cell's title). With
 * districts, the 街镇 rows say their 区. */
static void section_units(html *h, const json_t *sum, int districts)
{
    const json_t *rows = json_object_get(sum, districts ? "districts" : "rows"), *norms = json_object_get(sum, "norms");
    const json_t *dists = json_object_get(sum, "districts");
    if (!json_array_size(rows))
        return;
    if (districts)
        h_printf(h, "<section id=\"districts\">\n<h2>分区指标 <span class=\"en\">Indicators per district (区)"
                    "</span></h2>\n<table>\n<tr><th>区 District</th><th>标准 Profile</th><th>常住人口 Residents</th>");
    else
        h_printf(h, "<section id=\"units\">\n<h2>分街镇指标 <span class=\"en\">Indicators per 街镇 (sub-district)"
                    "</span></h2>\n<table>\n<tr><th>街镇 Unit</th>%s<th>常住人口 Residents</th>",
                 dists ? "<th>区 District</th>" : "");
    size_t k, r;
    const json_t *n, *row;
    json_array_foreach(norms, k, n) {
        h_printf(h, "<th title=\"");
        h_text(h, jstr(n, "en"));
        h_printf(h, "\">");
        h_text(h, jstr(n, "zh"));
        h_printf(h, "</th>");
    }
    h_printf(h, "</tr>\n");
    json_array_foreach(rows, r, row) {
        int is_total = !districts && r + 1 == json_array_size(rows);
        if (is_total)
            h_printf(h, "<tr class=\"total\" data-total=\"1\"><td>全区 Whole area</td>%s", dists ? "<td></td>" : "");
        else {
            h_printf(h, "<tr data-%s=\"", districts ? "district" : "unit");
            h_text(h, jstr(row, "id"));
            h_printf(h, "\"><td>");
            h_text(h, jstr(row, "name"));
            h_printf(h, " <span class=\"en\">");
            h_text(h, jstr(row, "id"));
            h_printf(h, "</span></td>");
            if (districts) {
                h_printf(h, "<td>");
                h_text(h, jstr(row, "profile"));
                h_printf(h, "</td>");
            } else if (dists) {
                h_printf(h, "<td>");
                h_text(h, row_name_of(dists, jstr(row, "district")));
                h_printf(h, "</td>");
            }
        }
        h_printf(h, "<td class=\"num\">");
        h_count(h, jnum(row, "population"));
        h_printf(h, "</td>");
        json_array_foreach(norms, k, n) {
            const json_t *x = json_object_get(json_object_get(row, "indicators"), jstr(n, "code"));
            const char *pass = jstr(x, "pass");
            h_printf(h, "<td class=\"num %s\"", !strcmp(pass, "pass") ? "pass" : !strcmp(pass, "fail") ? "fail" : "na");
            if (districts && isfinite(jnum(x, "target"))) {
                h_printf(h, " title=\"目标 target ≥ ");
                h_norm_value(h, jstr(n, "kind"), jnum(x, "target"));
                h_printf(h, "\"");
            }
            h_printf(h, ">");
            h_norm_value(h, jstr(n, "kind"), jnum(x, "value"));
            h_printf(h, " %s</td>", !strcmp(pass, "pass") ? "✓" : !strcmp(pass, "fail") ? "✗" : "");
        }
        h_printf(h, "</tr>\n");
    }
    h_printf(h, "</table>\n");
    if (districts)
        h_printf(h, "<p class=\"meta\">每区按其标准的目标评估 (悬停查看目标) · Each district is held to the targets of "
                    "its profile (hover a cell for its target).</p>\n");
    h_printf(h, "</section>\n");
}

/* Whether presence norm code is asked of some unit of units (its pass is pass or fail somewhere). */
static int asked_any(const json_t *units, const char *code)
{
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u) {
        const char *pass = jstr(json_object_get(json_object_get(u, "presence"), code), "pass");
        if (!strcmp(pass, "pass") || !strcmp(pass, "fail"))
            return 1;
    }
    return 0;
}

/* Per level below the 街镇 (片区, 居村, 村民小组) that a presence norm asks of: every unit with its
 * type, 街镇 (a group: its 居村), residents and, per such norm, the facilities counting and ✓/✗ (– not
 * asked of it), then the units lacking each norm. From summary.json's `levels`. */
static void section_levels(html *h, const json_t *sum)
{
    static const char *const order[] = {"areas", "committees", "groups"};
    const json_t *levels = json_object_get(sum, "levels"), *norms = json_object_get(sum, "norms");
    const json_t *rows = json_object_get(sum, "rows"), *dists = json_object_get(sum, "districts");
    for (size_t l = 0; l < sizeof order / sizeof order[0]; l++) {
        const json_t *lv = json_object_get(levels, order[l]);
        const json_t *units = json_object_get(lv, "units"), *lacking = json_object_get(lv, "lacking");
        size_t k, i, asked = 0;
        const json_t *n, *u;
        unsigned char *col = calloc(json_array_size(norms) + 1, 1); /* the norms shown, asked of some unit */
        if (!col) {
            h->nomem = 1;
            return;
        }
        json_array_foreach(norms, k, n)
            asked += col[k] = json_object_get(lacking, jstr(n, "code")) && asked_any(units, jstr(n, "code"));
        if (!asked) {
            free(col);
            continue;
        }
        const char *zh = jstr(lv, "zh"), *code = jstr(lv, "level");
        h_printf(h, "<section id=\"level-%s\">\n<h2>分%s指标 <span class=\"en\">Presence norms per ", code, zh);
        h_text(h, jstr(lv, "en"));
        h_printf(h, "</span></h2>\n<table>\n<tr><th>%s</th><th>类型 Type</th><th>%s</th>%s<th>常住人口 Residents</th>",
                 zh, l == 2 ? "居村 Committee" : "街镇 Unit", dists ? "<th>区 District</th>" : "");
        json_array_foreach(norms, k, n) {
            if (!col[k])
                continue;
            h_printf(h, "<th title=\"");
            h_text(h, jstr(n, "source"));
            h_printf(h, "\">");
            h_text(h, jstr(n, "zh"));
            h_printf(h, "<br><span class=\"en\">");
            h_text(h, jstr(n, "en"));
            h_printf(h, "</span></th>");
        }
        h_printf(h, "</tr>\n");
        const json_t *committees = json_object_get(json_object_get(levels, "committees"), "units");
        json_array_foreach(units, i, u) {
            h_printf(h, "<tr data-%s=\"", code);
            h_text(h, jstr(u, "id"));
            h_printf(h, "\"><td>");
            h_text(h, jstr(u, "name"));
            h_printf(h, " <span class=\"en\">");
            h_text(h, jstr(u, "id"));
            h_printf(h, "</span></td><td>");
            h_text(h, jstr(u, "type"));
            h_printf(h, "</td><td>");
            h_text(h, row_name_of(l == 2 ? committees : rows, jstr(u, "parent")));
            h_printf(h, "</td>");
            if (dists) {
                h_printf(h, "<td>");
                h_text(h, row_name_of(dists, jstr(u, "district")));
                h_printf(h, "</td>");
            }
            h_printf(h, "<td class=\"num\">");
            h_count(h, jnum(u, "population"));
            h_printf(h, "</td>");
            json_array_foreach(norms, k, n) {
                if (!col[k])
                    continue;
                const json_t *x = json_object_get(json_object_get(u, "presence"), jstr(n, "code"));
                const char *pass = jstr(x, "pass");
                if (strcmp(pass, "pass") && strcmp(pass, "fail")) {
                    h_printf(h, "<td class=\"na\">–</td>");
                    continue;
                }
                h_printf(h, "<td class=\"num %s\">%lld %s</td>", !strcmp(pass, "pass") ? "pass" : "fail",
                         (long long)json_integer_value(json_object_get(x, "facilities")),
                         !strcmp(pass, "pass") ? "✓" : "✗");
            }
            h_printf(h, "</tr>\n");
        }
        h_printf(h, "</table>\n<ul>\n");
        json_array_foreach(norms, k, n) {
            const json_t *ids = json_object_get(lacking, jstr(n, "code"));
            if (!json_array_size(ids))
                continue;
            h_printf(h, "<li>");
            h_text(h, jstr(n, "zh"));
            h_printf(h, " — 缺 lacking (%zu): ", json_array_size(ids));
            size_t j;
            const json_t *id;
            json_array_foreach(ids, j, id) {
                h_printf(h, "%s", j ? ", " : "");
                h_text(h, row_name_of(units, json_string_value(id)));
            }
            h_printf(h, "</li>\n");
        }
        h_printf(h, "</ul>\n</section>\n");
        free(col);
    }
}

/* Residents within reach per category; in network mode side by side with straight lines. */
static void section_coverage(html *h, const json_t *sum)
{
    const json_t *rows = json_object_get(sum, "rows"), *reach = json_object_get(json_object_get(sum, "assumptions"), "reach");
    const json_t *total = json_array_get(rows, json_array_size(rows) - 1), *cmp = json_object_get(sum, "network_comparison");
    const json_t *cats = json_object_get(total, "categories");
    h_printf(h, "<section id=\"coverage\">\n<h2>分类覆盖 <span class=\"en\">Coverage by category</span></h2>\n<table>\n"
                "<tr><th>设施类别 Category</th><th>可达范围 Reach</th><th>设施数 Facilities</th>"
                "<th>覆盖人口 Residents in reach</th><th>覆盖率 Share</th>%s</tr>\n",
             cmp ? "<th>直线覆盖 Straight-line</th><th>直线高估 Overstated by</th>" : "");
    size_t c;
    const json_t *rc;
    json_array_foreach(reach, c, rc) {
        const char *code = jstr(rc, "category");
        const json_t *x = json_object_get(cats, code);
        h_printf(h, "<tr data-category=\"");
        h_text(h, code);
        h_printf(h, "\"><td>");
        h_text(h, jstr(rc, "zh"));
        h_printf(h, "<br><span class=\"en\">");
        h_text(h, jstr(rc, "en"));
        h_printf(h, "</span></td><td class=\"num\">%.0f 分钟 min · %.0f m</td><td class=\"num\">%lld</td>"
                    "<td class=\"num\">", jnum(rc, "minutes"), jnum(rc, "reach_m"),
                 (long long)json_integer_value(json_object_get(x, "facilities")));
        h_count(h, jnum(x, "covered_pop"));
        h_printf(h, "</td><td class=\"num\">");
        h_share(h, jnum(x, "covered_share"));
        h_printf(h, "</td>");
        if (cmp) {
            const json_t *y = json_array_get(cmp, c);
            h_printf(h, "<td class=\"num\">");
            h_count(h, jnum(y, "straight_pop"));
            h_printf(h, " (");
            h_share(h, jnum(y, "straight_share"));
            h_printf(h, ")</td><td class=\"num\">");
            if (isfinite(jnum(y, "overstatement_pp")))
                h_printf(h, "%+.1f pp", jnum(y, "overstatement_pp"));
            else
                h_printf(h, "–");
            h_printf(h, "</td>");
        }
        h_printf(h, "</tr>\n");
    }
    h_printf(h, "</table>\n");
    if (cmp)
        h_printf(h, "<p>直线距离高估可达性：沿步行路网计算时，河流、铁路、快速路和封闭小区会拉长步行距离。<br>"
                    "<span class=\"en\">Straight lines overstate reach: along the walking network, rivers, rail "
                    "lines, expressways and walled compounds lengthen the walk (pp = percentage points of all "
                    "residents).</span></p>\n");
    h_printf(h, "</section>\n");
}

/* Per category, the compounds with the most residents out of reach. */
typedef struct gap_row {
    size_t polygon;
    double uncovered;
} gap_row;

static int cmp_gap(const void *a, const void *b)
{
    const gap_row *x = a, *y = b;
    if (x->uncovered != y->uncovered)
        return x->uncovered < y->uncovered ? 1 : -1;
    return (x->polygon > y->polygon) - (x->polygon < y->polygon);
}

static lc_status section_gaps(lc_context *ctx, html *h, const lc_results *r)
{
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(r->inputs, LC_LAYER_UNITS);
    size_t np = lc_coverage_polygon_count(r->coverage);
    gap_row *g = lc_calloc(ctx, np ? np : 1, sizeof *g);
    if (!g)
        return LC_ERR_NOMEM;
    h_printf(h, "<section id=\"gaps\">\n<h2>覆盖缺口 <span class=\"en\">Gaps: residents out of reach</span></h2>\n"
                "<p>每类设施列出未覆盖常住人口最多的%d个居住区。<span class=\"en\">For each category, the %d "
                "residential compounds with the most residents outside its reach.</span></p>\n",
             GAP_ROWS, GAP_ROWS);
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        size_t n = 0;
        double sum = 0;
        for (size_t i = 0; i < np; i++) {
            const lc_feature *f = lc_layer_feature(res, i);
            const lc_coverage_cell *cell = lc_coverage_get(r->coverage, i, c);
            double pop = isfinite(f->population) ? f->population : 0;
            double un = pop - cell->covered_pop;
            if (un > 0.5) {
                g[n++] = (gap_row){i, un};
                sum += un;
            }
        }
        qsort(g, n, sizeof *g, cmp_gap);
        h_printf(h, "<h3 data-category=\"%s\">", cat->code);
        h_text(h, cat->name_zh);
        h_printf(h, " <span class=\"en\">");
        h_text(h, cat->name_en);
        h_printf(h, "</span> — %zu 个居住区 compounds, ", n);
        h_count(h, sum);
        h_printf(h, " 人未覆盖 residents out of reach</h3>\n");
        if (!n)
            continue;
        h_printf(h, "<table>\n<tr><th>居住区 Compound</th><th>街镇 Unit</th><th>常住人口 Residents</th>"
                    "<th>未覆盖 Out of reach</th><th>最近设施 Nearest facility</th></tr>\n");
        for (size_t k = 0; k < n && k < GAP_ROWS; k++) {
            const lc_feature *f = lc_layer_feature(res, g[k].polygon);
            const lc_coverage_cell *cell = lc_coverage_get(r->coverage, g[k].polygon, c);
            long u = lc_indicators_residential_unit(r->indicators, g[k].polygon);
            const lc_feature *uf = u >= 0 && units ? lc_layer_feature(units, (size_t)u) : NULL;
            h_printf(h, "<tr><td>");
            h_text(h, f->name ? f->name : f->id);
            if (f->name) {
                h_printf(h, " <span class=\"en\">");
                h_text(h, f->id);
                h_printf(h, "</span>");
            }
            h_printf(h, "</td><td>");
            h_text(h, uf ? (uf->name ? uf->name : uf->id) : "–");
            h_printf(h, "</td><td class=\"num\">");
            h_count(h, f->population);
            h_printf(h, "</td><td class=\"num\">");
            h_count(h, g[k].uncovered);
            h_printf(h, "</td><td class=\"num\">");
            if (isfinite(cell->distance_m))
                h_printf(h, "%.0f m", cell->distance_m);
            else
                h_printf(h, "无可达 none");
            h_printf(h, "</td></tr>\n");
        }
        h_printf(h, "</table>\n");
    }
    h_printf(h, "</section>\n");
    free(g);
    return LC_OK;
}

/* The proposals of a `site` run, then coverage before/after per 街镇. */
static void section_proposals(html *h, const json_t *sum, const lc_results *r, const lc_report_options *o)
{
    const json_t *s = json_object_get(sum, "siting");
    if (!s)
        return;
    const lc_category *cat = lc_profile_category(r->profile, o->siting_category);
    h_printf(h, "<section id=\"proposals\">\n<h2>选址建议 <span class=\"en\">Siting proposals</span></h2>\n<p>");
    h_text(h, cat->name_zh);
    h_printf(h, " <span class=\"en\">");
    h_text(h, cat->name_en);
    h_printf(h, "</span> · 求解 Solver: ");
    h_text(h, jstr(s, "solver"));
    if (isfinite(jnum(s, "gap")))
        h_printf(h, " · 与最优界差距 gap to the best bound: %.2f%%", 100 * jnum(s, "gap"));
    h_printf(h, "<br>覆盖率 Coverage: ");
    h_share(h, jnum(s, "share_before"));
    h_printf(h, " → ");
    h_share(h, jnum(s, "share_after"));
    h_printf(h, "</p>\n");
    if (*jstr(s, "reason")) {
        h_printf(h, "<p class=\"warn\">");
        h_text(h, jstr(s, "reason"));
        h_printf(h, "</p>\n");
    }
    h_printf(h, "<table>\n<tr><th>序号 Rank</th><th>X</th><th>Y</th><th>街镇 Unit</th><th>候选 Candidate</th>"
                "<th>新增覆盖 Newly covered</th><th>累计覆盖率 Cumulative</th><th>建议面积 Floor area</th></tr>\n");
    size_t k;
    const json_t *p;
    json_array_foreach(json_object_get(s, "proposals"), k, p) {
        const json_t *cand = json_object_get(p, "candidate");
        h_printf(h, "<tr data-proposal=\"%lld\"><td class=\"num\">%lld</td><td class=\"num\">%.1f</td>"
                    "<td class=\"num\">%.1f</td><td>",
                 (long long)json_integer_value(json_object_get(p, "rank")),
                 (long long)json_integer_value(json_object_get(p, "rank")), jnum(p, "x"), jnum(p, "y"));
        h_text(h, jstr(p, "unit"));
        h_printf(h, "</td><td>");
        if (json_is_string(cand))
            h_text(h, json_string_value(cand));
        else
            h_printf(h, "#%lld", (long long)json_integer_value(cand));
        h_printf(h, "</td><td class=\"num\">");
        h_count(h, jnum(p, "new_pop"));
        h_printf(h, "</td><td class=\"num\">");
        h_share(h, jnum(p, "cumulative_share"));
        h_printf(h, "</td><td class=\"num\">");
        if (isfinite(jnum(p, "floor_area_m2")))
            h_printf(h, "%.0f m²", jnum(p, "floor_area_m2"));
        h_printf(h, "</td></tr>\n");
    }
    h_printf(h, "</table>\n<table>\n<tr><th>街镇 Unit</th><th>新增设施 New sites</th><th>覆盖率 Coverage before → after"
                "</th><th>面积 m²/千人 before → after</th></tr>\n");
    const json_t *row;
    json_array_foreach(json_object_get(s, "rows"), k, row) {
        h_printf(h, "<tr%s><td>", k + 1 == json_array_size(json_object_get(s, "rows")) ? " class=\"total\"" : "");
        h_text(h, jstr(row, "unit_id"));
        h_printf(h, "</td><td class=\"num\">%lld</td><td class=\"num\">",
                 (long long)json_integer_value(json_object_get(row, "new_sites")));
        h_share(h, jnum(row, "share_before"));
        h_printf(h, " → ");
        h_share(h, jnum(row, "share_after"));
        double fb = jnum(row, "floor_m2_per_1000_before"), fa = jnum(row, "floor_m2_per_1000_after");
        if (isfinite(fb) && isfinite(fa))
            h_printf(h, "</td><td class=\"num\">%.1f → %.1f</td></tr>\n", fb, fa);
        else
            h_printf(h, "</td><td class=\"num\">–</td></tr>\n"); /* no residents: no m² per 1,000 */
    }
    h_printf(h, "</table>\n</section>\n");
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

/* A map per category, inline PNG, with a link to its PDF beside the report. */
static lc_status section_maps(lc_context *ctx, html *h, const lc_results *r, const lc_report_options *o)
{
    h_printf(h, "<section id=\"maps\">\n<h2>地图 <span class=\"en\">Maps</span></h2>\n");
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        lc_map_options mo = {.format = LC_MAP_PNG, .width_px = o->map_width_px,
                             .height_px = o->map_width_px > 0 ? o->map_width_px * 1131 / 1600 : 0,
                             .siting = o->siting && c == o->siting_category ? o->siting : NULL};
        size_t size = 0;
        unsigned char *png = lc_map_render(ctx, r, c, &mo, &size);
        if (!png)
            return lc_context_errno(ctx);
        char *b64 = base64(png, size);
        free(png);
        if (!b64)
            return lc_error(ctx, LC_ERR_NOMEM, "out of memory: a map of the report");
        h_printf(h, "<figure data-category=\"%s\"><img alt=\"", cat->code);
        h_text(h, cat->name_en);
        h_printf(h, "\" src=\"data:image/png;base64,");
        h_raw(h, b64, strlen(b64));
        free(b64);
        h_printf(h, "\"><figcaption>");
        h_text(h, cat->name_zh);
        h_printf(h, " <span class=\"en\">");
        h_text(h, cat->name_en);
        h_printf(h, "</span> · %.0f m · <a href=\"map-%s.pdf\">A3 PDF</a></figcaption></figure>\n",
                 lc_coverage_reach(r->coverage, c), cat->code);
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
                "800–1000 m for a 15-minute walk; users can change it.</span></p>\n<table>\n<tr><th>类别 Category"
                "</th><th>分钟 Minutes</th><th>米 Metres</th><th>步速 Walking speed</th><th>依据 Source</th></tr>\n");
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
        h_text(h, jstr(rc, "source"));
        h_printf(h, "</td></tr>\n");
    }
    h_printf(h, "</table>\n<h3>输入数据 <span class=\"en\">Input files</span></h3>\n<table>\n<tr><th>图层 Layer</th>"
                "<th>来源 Source</th><th>要素 Features</th><th>SHA-256</th></tr>\n");
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
    h_printf(h, "</table>\n</section>\n");
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
    section_units(&h, sum, 1);
    section_units(&h, sum, 0);
    section_levels(&h, sum);
    section_coverage(&h, sum);
    section_proposals(&h, sum, r, &o);
    if (!o.no_maps)
        st = section_maps(ctx, &h, r, &o);
    lc_progress(ctx, "report", 0.8);
    if (st == LC_OK)
        st = section_gaps(ctx, &h, r);
    section_assumptions(&h, sum);
    section_quality(&h, sum);
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
        lc_map_options mo = {.format = LC_MAP_PDF, .siting = o.siting && c == o.siting_category ? o.siting : NULL};
        size_t size = 0;
        unsigned char *pdf = lc_map_render(ctx, r, c, &mo, &size);
        char name[96];
        snprintf(name, sizeof name, "map-%s.pdf", cat->code);
        st = pdf ? lc_output_write_file(ctx, out, name, pdf, size) : lc_context_errno(ctx);
        free(pdf);
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
