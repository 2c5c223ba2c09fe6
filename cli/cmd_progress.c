/*
 * cli/cmd_progress.c — `lifecircle progress`: every norm per 街镇 and for the whole area in each
 * year of a series (the facilities open that year), with the pace toward the plan year, through
 * lc_run_progress (run/run_progress.c); prints the whole area's table. Exit 0 when every norm is
 * reached or on track in the whole area, 1 when some is late or not at today's pace, 2 on error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle progress [STUDY] --years 2020,2021,2022,2023 [--target-year 2025] -o DIR\n"
            "\n"
            "Are we on track? (规划进度评估, as a district's mid-term evaluation reports it): measures every\n"
            "norm of the profile per 街镇 and for the whole area in each year, counting the facilities open\n"
            "that year — opened in or before it (field role `opened`: 开业年份, 建成年份, ...) and not\n"
            "closed in or before it (`closed`: 关闭年份); a facility without an opening year counts in\n"
            "every year (a warning says how many). Each year's population: the study's population_years:\n"
            "table (a CSV of 街镇, 年份 year and 常住人口 population / pop60 / pop65), linear between the years\n"
            "it gives and held at the nearest outside them, each 街镇's compounds scaled to its total;\n"
            "without one, today's residents in every year.\n"
            "The walking network (--mode network) is built once.\n"
            "\n"
            "For each 街镇 and norm: the value per year, the target, the pace needed per year to reach it\n"
            "by the target year, (target − last value) / (target year − last year); the pace achieved,\n"
            "the least-squares slope of the values over the years; and the year the target is reached at\n"
            "that pace, last year + (target − last value) / pace achieved rounded up (or \"not at today's\n"
            "pace\" when the pace is 0 or falling).\n"
            "\n"
            "Writes to DIR (atomically; a non-empty DIR only with --overwrite): progress.csv,\n"
            "progress.xlsx and progress.json, Chinese and English headers. With --report DIR2 also the\n"
            "last year's report with a progress section.\n"
            "\n"
            "Exit code: 0 every whole-area norm with a target is reached or on track; 1 some is late or\n"
            "not at today's pace; 2 bad input or error (nothing written).\n"
            "\n"
            "Progress options:\n"
            "  --years LIST         the years, oldest first (study key `years: [2020, 2021, 2022]`)\n"
            "  --target-year YEAR   the plan year of the targets (study key `target_year`; default 2025)\n"
            "  -o, --output DIR     output directory (study key `output`; required)\n"
            "  --overwrite          replace a non-empty output (and report) directory\n"
            "  --report DIR         also the HTML report of the last year with the progress table\n"
            "  --mode MODE          straight (default) or network, as in `lifecircle check`\n"
            "\n"
            "Example:\n"
            "  lifecircle progress changning.yml --years 2020,2021,2022,2023 --target-year 2025 \\\n"
            "      -o out/progress --report out/progress-report\n"
            "\n");
    cli_study_usage(out);
}

/* Prints a value in its norm's units into buf: m²/千人 for floor area, else a percentage. */
static void cell(char *buf, size_t size, const lc_norm *n, double v, int sign)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else if (n->kind == LC_NORM_FLOOR_AREA)
        snprintf(buf, size, sign ? "%+.1f" : "%.1f", v);
    else
        snprintf(buf, size, sign ? "%+.1f%%" : "%.1f%%", 100 * v);
}

/* Prints the table of one row (a 街镇 or the whole area): a line per norm. */
static void print_row_table(const lc_trend *t, const lc_profile *p, size_t row)
{
    size_t ny = lc_trend_year_count(t);
    printf("  %-6s", "");
    for (size_t y = 0; y < ny; y++)
        printf(" %8d", lc_trend_year(t, y));
    printf(" %8s %9s %9s %8s  %s\n", "目标", "needed/yr", "achieved", "reached", "status 状态");
    for (size_t k = 0; k < lc_trend_norm_count(t); k++) {
        const lc_norm *n = lc_profile_norm(p, k);
        lc_trend_cell c;
        char buf[32], reached[16];
        lc_trend_cell_get(t, row, k, &c);
        size_t measured = 0;
        for (size_t y = 0; y < ny; y++)
            measured += isfinite(c.values[y]) != 0;
        if (!measured)
            continue; /* not asked here (a level without a layer, no beds): progress.csv lists it empty */
        printf("  N%-5zu", k + 1);
        for (size_t y = 0; y < ny; y++) {
            cell(buf, sizeof buf, n, c.values[y], 0);
            printf(" %8s", buf);
        }
        cell(buf, sizeof buf, n, c.target, 0);
        printf(" %8s", buf);
        cell(buf, sizeof buf, n, c.pace_needed, 1);
        printf(" %9s", buf);
        cell(buf, sizeof buf, n, c.pace_achieved, 1);
        printf(" %9s", buf);
        snprintf(reached, sizeof reached, isfinite(c.reached_year) ? "%.0f" : "-", c.reached_year);
        printf(" %8s  %s %s\n", reached, lc_trend_status_en(c.status), lc_trend_status_zh(c.status));
    }
}

int cmd_progress(int argc, char **argv)
{
    cli_options opts = {0};
    lc_context *ctx;
    lc_quality *quality;
    lc_run *run = NULL;
    int rc;
    if (!cli_begin(argc, argv, usage, &opts, &ctx, &quality, &rc))
        goto done;
    lc_run_options ro = cli_run_options(&opts, quality);
    run = lc_run_progress(ctx, opts.study, &ro, NULL);
    cli_print_issues(quality, &opts);
    if (!run) {
        rc = cli_fail(ctx);
        goto done;
    }
    const lc_trend *t = lc_run_trend(run);
    const lc_profile *p = lc_run_profile(run);
    const lc_layer *units = lc_inputs_layer(lc_run_inputs(run), LC_LAYER_UNITS);
    size_t total = lc_trend_total_row(t), late = 0;
    for (size_t k = 0; k < lc_trend_norm_count(t); k++) {
        lc_trend_cell c;
        lc_trend_cell_get(t, total, k, &c);
        late += c.status == LC_TREND_LATE || c.status == LC_TREND_NOT_AT_PACE;
    }
    if (!opts.quiet) {
        printf("lifecircle progress — %s, profile %s, target year %d\n",
               lc_study_path(opts.study) ? lc_study_path(opts.study) : "(command line)", lc_profile_name(p),
               lc_trend_target_year(t));
        printf("\n全区 whole study area\n");
        print_row_table(t, p, total);
        if (total <= 12) {
            for (size_t row = 0; row < total; row++) {
                const lc_feature *f = lc_layer_feature(units, row);
                printf("\n%s\n", f->name ? f->name : f->id);
                print_row_table(t, p, row);
            }
        } else {
            printf("\n(%zu 街镇: their tables are in progress.csv and progress.xlsx)\n", total);
        }
        const lc_layer *districts = lc_inputs_layer(lc_run_inputs(run), LC_LAYER_DISTRICTS);
        size_t ncommittees = 0;
        for (size_t row = total + 1; row < lc_trend_row_count(t); row++) {
            size_t i;
            lc_trend_row_kind kind = lc_trend_row_kind_of(t, row, &i);
            ncommittees += kind == LC_TREND_ROW_COMMITTEE;
            if (kind != LC_TREND_ROW_DISTRICT)
                continue;
            const lc_feature *f = lc_layer_feature(districts, i);
            printf("\n区 district %s\n", f->name ? f->name : f->id);
            print_row_table(t, p, row);
        }
        if (ncommittees)
            printf("\n(%zu 居村 committees: each presence norm asked of them per year is in progress.csv, "
                   "progress.xlsx and the report)\n", ncommittees);
        printf("\nNorms 指标:\n");
        for (size_t k = 0; k < lc_trend_norm_count(t); k++)
            printf("  N%zu %s — %s\n", k + 1, lc_profile_norm(p, k)->zh, lc_profile_norm(p, k)->en);
        printf("\nResults 结果: %s\n", lc_run_output_shown(run));
        if (opts.report_dir)
            printf("Report 报告: %s/report.html\n", opts.report_dir);
        printf("Result 结论: %s\n", late ? "some whole-area norms are late or not at today's pace 部分指标按当前进度"
                                           "无法如期达标 (exit code 1)"
                                         : "every whole-area norm is reached or on track 全部指标已达标或可如期达标");
    }
    rc = late ? LC_EXIT_FAILS : LC_EXIT_OK;
done:
    lc_run_destroy(run);
    lc_quality_destroy(quality);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
