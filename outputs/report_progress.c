/*
 * outputs/report_progress.c — the report's progress section (issue 16): a `progress` run's table,
 * read from its progress.json as the other sections read summary.json (outputs/report.c lays the
 * report out; the table itself is computed in queries/trend.c and written in outputs/progress_out.c).
 */
#include "outputs/report_int.h"

/* A progress run's table (its progress.json, pj): per row and norm the value each year, the target,
 * the paces and the year the target is reached at today's pace. Shares in %, floor area in m²/千人. */
void lc_report_section_progress(html *h, const json_t *pj)
{
    if (!pj)
        return;
    const json_t *years = json_object_get(pj, "years"), *norms = json_object_get(pj, "norms"), *y, *row, *n;
    size_t i, k;
    h_printf(h, "<section id=\"progress\">\n<h2>规划进度 <span class=\"en\">Progress toward %lld</span></h2>\n"
                "<p>每年计入当年已开业的设施 <span class=\"en\">each year counts the facilities open in it</span>; ",
             (long long)json_integer_value(json_object_get(pj, "target_year")));
    h_text(h, jstr(json_object_get(pj, "method"), "population"));
    h_printf(h, ". 实际年均进度为最小二乘斜率 <span class=\"en\">the pace achieved is the least-squares slope over "
                "the years</span>; 所需年均进度 = (目标 − 末年值) / 剩余年数 <span class=\"en\">pace needed = (target − "
                "last value) / years left</span>.</p>\n");
    size_t ncommittees = 0;
    json_array_foreach(json_object_get(pj, "rows"), k, row)
        ncommittees += !strcmp(jstr(row, "level"), "committee");
    if (ncommittees > 40)
        h_printf(h, "<p>%zu 个居村的逐年数据见 progress.csv <span class=\"en\">the rows of the %zu 居村 are in "
                    "progress.csv and progress.xlsx</span>.</p>\n", ncommittees, ncommittees);
    h_printf(h, "<table>\n<tr><th>街镇 / 区 / 居村 Unit</th><th>指标 Indicator</th>");
    json_array_foreach(years, i, y)
        h_printf(h, "<th>%lld</th>", (long long)json_integer_value(y));
    h_printf(h, "<th>目标 Target</th><th>所需年均 Pace needed</th><th>实际年均 Pace achieved</th>"
                "<th>达标年份 Reached in</th><th>状态 Status</th></tr>\n");
    json_array_foreach(json_object_get(pj, "rows"), k, row) {
        const char *level = jstr(row, "level");
        int district = !strcmp(level, "district"), committee = !strcmp(level, "committee");
        if (committee && ncommittees > 40)
            continue;
        json_array_foreach(norms, i, n) {
            const char *code = jstr(n, "code");
            int floor = strstr(jstr(n, "unit"), "m²") != NULL;
            const json_t *c = json_object_get(json_object_get(row, "indicators"), code);
            if (!c)
                continue; /* a 居村 lists only the presence norms asked of it */
            h_printf(h, "<tr data-level=\"%s\"%s><td>", level,
                     !strcmp(jstr(row, "id"), "total") ? " class=\"total\"" : "");
            if (district || committee)
                h_printf(h, "%s ", district ? "区" : "居村");
            h_text(h, jstr(row, "name"));
            h_printf(h, "</td><td>");
            h_text(h, code);
            h_printf(h, " ");
            h_text(h, jstr(n, "zh"));
            h_printf(h, "</td>");
            size_t j;
            json_array_foreach(years, j, y) {
                char key[16];
                snprintf(key, sizeof key, "%lld", (long long)json_integer_value(y));
                double v = jnum(json_object_get(c, "values"), key);
                h_printf(h, "<td class=\"num\">");
                if (isfinite(v))
                    h_printf(h, floor ? "%.1f" : "%.1f%%", floor ? v : 100 * v);
                h_printf(h, "</td>");
            }
            static const char *const keys[] = {"target", "pace_needed", "pace_achieved"};
            for (int q = 0; q < 3; q++) {
                double v = jnum(c, keys[q]);
                h_printf(h, "<td class=\"num\">");
                if (isfinite(v))
                    h_printf(h, q == 0 ? (floor ? "%.1f" : "%.1f%%") : (floor ? "%+.1f" : "%+.1f%%"),
                             floor ? v : 100 * v);
                h_printf(h, "</td>");
            }
            const json_t *ry = json_object_get(c, "reached_in_year");
            h_printf(h, "<td class=\"num\">");
            if (json_is_integer(ry))
                h_printf(h, "%lld", (long long)json_integer_value(ry));
            h_printf(h, "</td><td>");
            h_text(h, jstr(c, "status_zh"));
            h_printf(h, " <span class=\"en\">");
            h_text(h, jstr(c, "status"));
            h_printf(h, "</span></td></tr>\n");
        }
    }
    h_printf(h, "</table>\n</section>\n");
}

