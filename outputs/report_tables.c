/*
 * outputs/report_tables.c — the report's tables: one row per 街镇 (and per district), the tables per
 * 片区 / 居村 / 村民小组 with the units lacking each presence norm, coverage per category, the
 * compounds with the most residents out of reach, and a `site` run's proposals with coverage
 * before/after. Read from the summary JSON like the rest (only the gap lists come from the coverage);
 * the page around them is outputs/report.c.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/report.h"
#include "outputs/output_int.h"
#include "outputs/report_int.h"

#define GAP_ROWS 10 /* compounds listed per category in the gaps section */

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

/* Opens the row of unit u (a 街镇, district or unit of a lower level):
 * <tr data-<attr>="id"><td>name <span class="en">id</span></td>. */
static void unit_row_head(html *h, const char *attr, const json_t *u)
{
    h_printf(h, "<tr data-%s=\"", attr);
    h_text(h, jstr(u, "id"));
    h_printf(h, "\"><td>");
    h_text(h, jstr(u, "name"));
    h_printf(h, " <span class=\"en\">");
    h_text(h, jstr(u, "id"));
    h_printf(h, "</span></td>");
}

/* A cell of text (escaped). */
static void text_cell(html *h, const char *s)
{
    h_printf(h, "<td>");
    h_text(h, s);
    h_printf(h, "</td>");
}

/* A cell with a whole count, right-aligned. */
static void count_cell(html *h, double v)
{
    h_printf(h, "<td class=\"num\">");
    h_count(h, v);
    h_printf(h, "</td>");
}

/* The reasons cells of a table have no value (summary.json's notes), each once, numbered in the
 * order met: a cell carries its number, the list under the table the text. */
#define CELL_NOTES 16
typedef struct cell_notes {
    const char *text[CELL_NOTES]; /* borrowed from the summary */
    size_t n;
} cell_notes;

/* The number (1, 2, ...) of note in notes, added when new; 0 when notes is full. */
static size_t note_number(cell_notes *notes, const char *note)
{
    for (size_t i = 0; i < notes->n; i++)
        if (!strcmp(notes->text[i], note))
            return i + 1;
    if (notes->n == CELL_NOTES)
        return 0;
    notes->text[notes->n++] = note;
    return notes->n;
}

/* One norm's cell of the 街镇 (or district) table from its indicator x: the value and its pass mark,
 * or "–" with the number of the note saying why there is no value (the note itself as the tooltip);
 * a district's target in the title. */
static void norm_cell(html *h, cell_notes *notes, const json_t *n, const json_t *x, int districts)
{
    const char *pass = jstr(x, "pass"), *note = jstr(x, "note");
    int why = *note && !isfinite(jnum(x, "value"));
    h_printf(h, "<td class=\"num %s\"", !strcmp(pass, "pass") ? "pass" : !strcmp(pass, "fail") ? "fail" : "na");
    if (why) {
        h_printf(h, " title=\"");
        h_text(h, note);
        h_printf(h, "\"");
    } else if (districts && isfinite(jnum(x, "target"))) {
        h_printf(h, " title=\"目标 target ≥ ");
        h_norm_value(h, jstr(n, "kind"), jnum(x, "target"));
        h_printf(h, "\"");
    }
    h_printf(h, ">");
    h_norm_value(h, jstr(n, "kind"), jnum(x, "value"));
    size_t num = why ? note_number(notes, note) : 0;
    if (num)
        h_printf(h, "<sup class=\"why\">%zu</sup></td>", num);
    else
        h_printf(h, " %s</td>", !strcmp(pass, "pass") ? "✓" : !strcmp(pass, "fail") ? "✗" : "");
}

/* The notes' list under a table: why the numbered cells have no value. */
static void notes_list(html *h, const cell_notes *notes)
{
    if (!notes->n)
        return;
    h_printf(h, "<p class=\"meta why-notes\">无数值的原因 Why a cell has no value (–):");
    for (size_t i = 0; i < notes->n; i++) {
        h_printf(h, "%s<sup>%zu</sup> ", i ? "; " : " ", i + 1);
        h_text(h, notes->text[i]);
    }
    h_printf(h, "</p>\n");
}

/* One row per 街镇 (and the whole area) — or, for districts, per 区 with the profile it is held to —
 * residents and every norm with its pass mark (a district's own target in the cell's title). With
 * districts, the 街镇 rows say their 区. */
void lc_report_section_units(html *h, const json_t *sum, int districts)
{
    const json_t *rows = json_object_get(sum, districts ? "districts" : "rows"), *norms = json_object_get(sum, "norms");
    const json_t *dists = json_object_get(sum, "districts");
    if (!json_array_size(rows))
        return;
    if (districts)
        h_printf(h, "<section id=\"districts\">\n<h2>分区指标 <span class=\"en\">Indicators per district (区)"
                    "</span></h2>\n<table>\n<thead><tr><th>区 District</th><th>标准 Profile</th><th>常住人口 Residents</th>");
    else
        h_printf(h, "<section id=\"units\">\n<h2>分街镇指标 <span class=\"en\">Indicators per 街镇 (sub-district)"
                    "</span></h2>\n<table>\n<thead><tr><th>街镇 Unit</th>%s<th>常住人口 Residents</th>",
                 dists ? "<th>区 District</th>" : "");
    size_t k, r, nna = 0;
    const json_t *n, *row;
    cell_notes notes = {0};
    unsigned char *col = calloc(json_array_size(norms) + 1, 1); /* the norms with a value in some row */
    if (!col) {
        h->nomem = 1;
        return;
    }
    json_array_foreach(norms, k, n) {
        json_array_foreach(rows, r, row) {
            const json_t *x = json_object_get(json_object_get(row, "indicators"), jstr(n, "code"));
            const char *pass = jstr(x, "pass");
            col[k] |= !strcmp(pass, "pass") || !strcmp(pass, "fail") || isfinite(jnum(x, "value"));
        }
        nna += !col[k];
        if (!col[k])
            continue;
        h_printf(h, "<th title=\"");
        h_cite(h, jstr(n, "source"));
        h_printf(h, "\">");
        h_text(h, jstr(n, "zh"));
        h_printf(h, "<br><span class=\"en\">");
        h_text(h, jstr(n, "en"));
        h_printf(h, "</span></th>");
    }
    h_printf(h, "</tr></thead>\n<tbody>\n");
    json_array_foreach(rows, r, row) {
        int is_total = !districts && r + 1 == json_array_size(rows);
        if (is_total)
            h_printf(h, "<tr class=\"total\" data-total=\"1\"><td>全区 Whole area</td>%s", dists ? "<td></td>" : "");
        else {
            unit_row_head(h, districts ? "district" : "unit", row);
            if (districts)
                text_cell(h, jstr(row, "profile"));
            else if (dists)
                text_cell(h, row_name_of(dists, jstr(row, "district")));
        }
        count_cell(h, jnum(row, "population"));
        json_array_foreach(norms, k, n) {
            if (!col[k])
                continue;
            norm_cell(h, &notes, n, json_object_get(json_object_get(row, "indicators"), jstr(n, "code")), districts);
        }
        h_printf(h, "</tr>\n");
    }
    h_printf(h, "</tbody>\n</table>\n");
    notes_list(h, &notes);
    if (nna) {
        h_printf(h, "<p class=\"meta\">未列出 (没有适用的单位, 见核心指标) · Not listed (no unit they apply to, no value; "
                    "see the headline table): ");
        size_t shown = 0;
        json_array_foreach(norms, k, n)
            if (!col[k]) {
                h_printf(h, "%s", shown++ ? "; " : "");
                h_text(h, jstr(n, "zh"));
            }
        h_printf(h, "</p>\n");
    }
    free(col);
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

/* The column head of presence norm n in a table per unit, where a cell counts facilities: the
 * categories counted (names from the reach list), how many a unit needs and where they count,
 * in both languages; the norm itself and its source in the title. */
static void presence_head(html *h, const json_t *n, const json_t *reach)
{
    const json_t *cats = json_object_get(n, "categories"), *c, *rc;
    size_t i, j;
    h_printf(h, "<th title=\"");
    h_text(h, jstr(n, "zh"));
    h_printf(h, " · ");
    h_text(h, jstr(n, "en"));
    h_printf(h, " · ");
    h_cite(h, jstr(n, "source"));
    h_printf(h, "\">");
    for (int lang = 0; lang < 2; lang++) {
        if (lang)
            h_printf(h, "<br><span class=\"en\">");
        json_array_foreach(cats, i, c) {
            const char *name = json_string_value(c);
            json_array_foreach(reach, j, rc)
                if (!strcmp(jstr(rc, "category"), json_string_value(c)))
                    name = jstr(rc, lang ? "en" : "zh");
            h_printf(h, "%s", i ? (lang ? " or " : "或") : "");
            h_text(h, name);
        }
        long long need = (long long)jnum(n, "min");
        int reach_m = !strcmp(jstr(n, "serve"), "reach");
        if (!lang)
            h_printf(h, " 设施数 (需 ≥ %lld%s)", need, reach_m ? ", 含可达范围内" : "");
        else
            h_printf(h, ": facilities (need ≥ %lld%s)</span>", need, reach_m ? ", within reach counts" : "");
    }
    h_printf(h, "</th>");
}

/* Per level below the 街镇 (片区, 居村, 村民小组) that a presence norm asks of: every unit with its
 * type, 街镇 (a group: its 居村), residents and, per such norm, the facilities counting and ✓/✗ (– not
 * asked of it), then the units lacking each norm. From summary.json's `levels`. */
void lc_report_section_levels(html *h, const json_t *sum)
{
    static const char *const order[] = {"areas", "committees", "groups"};
    const json_t *levels = json_object_get(sum, "levels"), *norms = json_object_get(sum, "norms");
    const json_t *rows = json_object_get(sum, "rows"), *dists = json_object_get(sum, "districts");
    const json_t *reach = json_object_get(json_object_get(sum, "assumptions"), "reach");
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
        static const char *const first[] = {"片区 Area", "居村 Committee", "村民小组 Village group"};
        h_printf(h, "</span></h2>\n<table>\n<thead><tr><th>%s</th><th>类型 Type</th><th>%s</th>%s<th>常住人口 Residents</th>",
                 first[l], l == 2 ? "居村 Committee" : "街镇 Unit", dists ? "<th>区 District</th>" : "");
        json_array_foreach(norms, k, n) {
            if (!col[k])
                continue;
            presence_head(h, n, reach);
        }
        h_printf(h, "</tr></thead>\n<tbody>\n");
        const json_t *committees = json_object_get(json_object_get(levels, "committees"), "units");
        json_array_foreach(units, i, u) {
            unit_row_head(h, code, u);
            text_cell(h, jstr(u, "type"));
            text_cell(h, row_name_of(l == 2 ? committees : rows, jstr(u, "parent")));
            if (dists)
                text_cell(h, row_name_of(dists, jstr(u, "district")));
            count_cell(h, jnum(u, "population"));
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
        h_printf(h, "</tbody>\n</table>\n<ul>\n");
        json_array_foreach(norms, k, n) {
            const json_t *ids = json_object_get(lacking, jstr(n, "code"));
            if (!json_array_size(ids))
                continue;
            h_printf(h, "<li>");
            h_text(h, jstr(n, "zh"));
            h_printf(h, " <span class=\"en\">");
            h_text(h, jstr(n, "en"));
            h_printf(h, "</span> — 缺 lacking (%zu): ", json_array_size(ids));
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
void lc_report_section_coverage(html *h, const json_t *sum)
{
    const json_t *rows = json_object_get(sum, "rows"), *reach = json_object_get(json_object_get(sum, "assumptions"), "reach");
    const json_t *total = json_array_get(rows, json_array_size(rows) - 1), *cmp = json_object_get(sum, "network_comparison");
    const json_t *cats = json_object_get(total, "categories");
    h_printf(h, "<section id=\"coverage\">\n<h2>分类覆盖 <span class=\"en\">Coverage by category</span></h2>\n<table>\n"
                "<thead><tr><th>设施类别 Category</th><th>可达范围 Reach</th><th>设施数 Facilities</th>"
                "<th>覆盖人口 Residents in reach</th><th>覆盖率 Share</th>%s</tr></thead>\n<tbody>\n",
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
    h_printf(h, "</tbody>\n</table>\n");
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

/* Per category, the GAP_ROWS compounds with the most residents out of reach. LC_OK or LC_ERR_NOMEM. */
lc_status lc_report_section_gaps(lc_context *ctx, html *h, const lc_results *r)
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
        h_printf(h, "<table>\n<thead><tr><th>居住区 Compound</th><th>街镇 Unit</th><th>常住人口 Residents</th>"
                    "<th>未覆盖 Out of reach</th><th>最近设施 Nearest facility</th></tr></thead>\n<tbody>\n");
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
        h_printf(h, "</tbody>\n</table>\n");
    }
    h_printf(h, "</section>\n");
    free(g);
    return LC_OK;
}

/* The proposals of a `site` run, then coverage before/after per 街镇. */
void lc_report_section_proposals(html *h, const json_t *sum, const lc_results *r, const lc_report_options *o)
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
    h_printf(h, "<table>\n<thead><tr><th>序号 Rank</th><th>经度, 纬度 WGS 84 lon, lat</th>"
                "<th>高德 GCJ-02 (Amap) lon, lat</th><th>街镇 Unit</th><th>候选 Candidate</th>"
                "<th>新增覆盖 Newly covered</th><th>累计覆盖率 Cumulative</th><th>建议面积 Floor area</th></tr></thead>\n<tbody>\n");
    size_t k;
    const json_t *p;
    json_array_foreach(json_object_get(s, "proposals"), k, p) {
        const json_t *cand = json_object_get(p, "candidate");
        h_printf(h, "<tr data-proposal=\"%lld\"><td class=\"num\">%lld</td><td class=\"num\">%.6f, %.6f</td>"
                    "<td class=\"num\">%.6f, %.6f</td><td>",
                 (long long)json_integer_value(json_object_get(p, "rank")),
                 (long long)json_integer_value(json_object_get(p, "rank")), jnum(p, "lon"), jnum(p, "lat"),
                 jnum(p, "lon_gcj02"), jnum(p, "lat_gcj02"));
        h_text(h, jstr(p, "unit_name"));
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
    h_printf(h, "</tbody>\n</table>\n<table>\n<thead><tr><th>街镇 Unit</th><th>新增设施 New sites</th><th>覆盖率 Coverage before → after"
                "</th><th>面积 m²/千人 before → after</th></tr></thead>\n<tbody>\n");
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
    h_printf(h, "</tbody>\n</table>\n</section>\n");
}
