/*
 * cli/cmd_check.c — `lifecircle check`: reads and validates a study, computes coverage and every
 * norm per 街镇 through the library, writes the output directory and prints the 街镇 × indicator
 * table. Exit code 0 when every norm passes, 1 when any fails, 2 on error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle check [STUDY] [options]\n"
            "\n"
            "Checks a study against its standards profile (default shanghai-2025): for every residential\n"
            "polygon and facility category the distance to the nearest facility and the share of the\n"
            "polygon within reach; per 街镇 and for the whole area the profile's norms — \"1+N\" (every\n"
            "resident within reach of a 社区综合为老服务中心), the whole life circle, ≥ 40 m² of community\n"
            "elder-service floor area per 1,000 residents, a rental point and an elders' canteen in every\n"
            "街镇, meals ≥ 5%% of registered 65+, beds per registered elderly, nursing beds ≥ 60%%.\n"
            "\n"
            "Writes to the output directory (refusing a non-empty one without --overwrite; nothing is\n"
            "written when anything fails): residential, gaps, service_areas, units and facilities layers\n"
            "(with --catchments: catchments; network mode with --catchment-streets: catchment_streets),\n"
            "a QGIS style beside each, summary.csv and summary.json. Prints the 街镇 × indicator table.\n"
            "\n"
            "Exit code: 0 every norm passes; 1 some norm fails somewhere; 2 bad input or error.\n"
            "\n"
            "Check options:\n"
            "  -o, --output DIR     output directory (study key `output`; required), or a PostGIS\n"
            "                       connection 'PG:host=... dbname=... user=...': tables replaced in one\n"
            "                       transaction\n"
            "  --format FMT         shapefile (default), gpkg or geojson (study key `format`)\n"
            "  --pg-schema NAME     schema of PostGIS output tables (study key `output_schema`; default\n"
            "                       public; created if missing)\n"
            "  --pg-prefix PREFIX   prefix of PostGIS output table names (study key `output_prefix`;\n"
            "                       default lc_): lc_residential, lc_units, lc_summary, ...\n"
            "  --overwrite          replace a non-empty output (and report) directory\n"
            "  --report DIR         also write DIR/report.html (self-contained, Chinese and English:\n"
            "                       indicators, 街镇 table, gaps, maps, assumptions, data quality) and an\n"
            "                       A3 PDF map per category, DIR/map-<category>.pdf\n"
            "  --shapefile-encoding ENC  attribute encoding of Shapefile outputs: UTF-8 (default) or GBK\n"
            "  --with-proposals DIR add the proposals of a `lifecircle site` run (its output directory)\n"
            "                       to the facilities — each of its category, with its suggested floor\n"
            "                       area — so every norm shows the plan's after state; compare with the\n"
            "                       check before it: `lifecircle compare BEFORE AFTER`\n"
            "  --reach METRES       one reach for every category instead of the profile's (study key\n"
            "                       `reach_m`); the profile default is 15 min ≈ 1000 m (GB 50180-2018)\n"
            "  --set walk_speed=V   walk every category's reach minutes at V m/s (e.g. 0.9 for elders:\n"
            "                       15 min = 810 m) instead of the profile's metres\n"
            "  --mode MODE          straight (default) or network (study key `mode`): network walks the\n"
            "                       study's roads layer (profile `network:` rules) and prints covered\n"
            "                       residents both ways, side by side, with straight-line overstatement\n"
            "  --set demand_grid_m=50  network mode: residents walk from points 50 m apart inside each\n"
            "                       compound (share of points within reach) instead of its area share;\n"
            "                       an `entrances:` (小区出入口) or `buildings:` layer makes compounds walk\n"
            "                       from their gates or their buildings\n"
            "  --catchments         also the catchments layer (study key `catchments: true`): per\n"
            "                       facility the compounds it is the nearest of its category for,\n"
            "                       dissolved (the facilities layer always has their counts and\n"
            "                       residents). Cheap when compounds do not overlap (0.3-0.4 s for\n"
            "                       20,000 compounds and 10 categories); when they overlap, as\n"
            "                       rectangles drawn around buildings do, dissolving them takes about\n"
            "                       half a straight-line check (2-3 s there)\n"
            "  --catchment-streets  network mode: also the catchment_streets layer (study key\n"
            "                       `catchment_streets: true`): every street shared out among the\n"
            "                       facilities of each category, cut where the nearest one changes.\n"
            "                       Costs about 0.3 s of CPU per category and million edges, and a\n"
            "                       line per street stretch: 2.7 million lines (+4 s, +200 MB GeoPackage)\n"
            "                       on a 1.2-million-edge city with 10 categories\n"
            "\n"
            "How exact (summary.json `assumptions.accuracy` states what each run used and met):\n"
            "  straight-line reach circles are inscribed polygons of 4 × `circle_quadsegs` sides\n"
            "  (default 32: areas 0.04%% short of true circles; --set circle_quadsegs=64 halves it to\n"
            "  0.01%%, PostGIS's ST_Buffer default is 8). Network mode measures each compound's share of\n"
            "  the walking corridor (50 m either side of the streets within reach; round ends are true\n"
            "  circles) in squares down to `share_leaf_m` (default 12 m; exact discs and edges inside\n"
            "  them), to within a bound summary.json states; gap and service-area outlines are traced on\n"
            "  grids of `gap_cell_m` and `service_cell_m` (default 2.5 m and 12.5 m). Finer costs time:\n"
            "  halving a cell about doubles the tracing.\n"
            "\n"
            "Example:\n"
            "  lifecircle check data/demo/porto.yml -o out/porto --report out/porto-report --overwrite\n"
            "\n");
    cli_study_usage(out);
}

/* One table cell: the value in the norm's units, and a pass mark. */
/* Set when a cell of the table had no value, so the legend of the reasons is printed under it. */
static int cells_without_value;

static void format_cell(char *buf, size_t size, const lc_norm *n, const lc_indicator *x, const lc_indicators *ind,
                        size_t row, size_t k)
{
    const char *mark = x->pass == 1 ? "✓" : x->pass == 0 ? "✗" : " ";
    const char *code = NULL;
    if (isnan(x->value) && lc_indicators_why_na(ind, row, k, &code)) {
        snprintf(buf, size, "-%s", code);
        cells_without_value = 1;
    } else if (isnan(x->value))
        snprintf(buf, size, "-");
    else if (n->kind == LC_NORM_FLOOR_AREA)
        snprintf(buf, size, "%.1f%s", x->value, mark);
    else
        snprintf(buf, size, "%.1f%%%s", x->value * 100, mark);
}

/* Prints covered residents per category for both distance modes and how far straight lines overstate
 * reach (percentage points of all residents). */
static void print_comparison(const lc_profile *p, const lc_coverage *straight, const lc_coverage *network,
                             const lc_network *net)
{
    char a[32], b[32];
    double total = lc_coverage_population(network);
    printf("\nWalking network 步行路网: %zu nodes, %zu edges, %zu components, %.1f km\n", lc_network_node_count(net),
           lc_network_edge_count(net), lc_network_component_count(net), lc_network_length(net) / 1000);
    printf("Covered residents 覆盖常住人口 (of %s): straight-line 直线 vs network 路网\n",
           cli_format_count(a, sizeof a, total));
    for (size_t c = 0; c < lc_profile_category_count(p); c++) {
        const lc_category *cat = lc_profile_category(p, c);
        double s = lc_coverage_covered_population(straight, c), n = lc_coverage_covered_population(network, c);
        printf("  %-5s", cat->short_code);
        cli_print_padded(stdout, cat->name_zh, 22);
        printf(" %10s %5.1f%%  %10s %5.1f%%  overstated by %+.1f pp\n", cli_format_count(a, sizeof a, round(s)),
               total > 0 ? 100 * s / total : 0, cli_format_count(b, sizeof b, round(n)), total > 0 ? 100 * n / total : 0,
               total > 0 ? 100 * (s - n) / total : 0);
    }
}

/* Prints one row of the indicator table: name, population and every norm's cell. */
static void print_row(const lc_results *r, const char *name, const char *district, int with_district, size_t row)
{
    const lc_profile *p = r->profile;
    char pop[32];
    cli_print_padded(stdout, name, 22);
    if (with_district) {
        printf(" ");
        cli_print_padded(stdout, district ? district : "-", 12);
    }
    printf(" %10s", cli_format_count(pop, sizeof pop, lc_indicators_population(r->indicators, row)));
    for (size_t k = 0; k < lc_profile_norm_count(p); k++) {
        char cell[32];
        format_cell(cell, sizeof cell, lc_profile_norm(p, k), lc_indicators_get(r->indicators, row, k), r->indicators,
                    row, k);
        /* The check marks are one column wide but three bytes long: pad by display width. */
        printf(" ");
        for (int w = (int)strlen(cell) - (strstr(cell, "✓") || strstr(cell, "✗") ? 2 : 0); w < 10; w++)
            putchar(' ');
        fputs(cell, stdout);
    }
    printf("\n");
}

/* The header of the indicator table: the row label, (区,) population and N1, N2, ... */
static void print_header(const lc_results *r, const char *label, int with_district)
{
    printf("\n");
    cli_print_padded(stdout, label, 22);
    if (with_district) {
        printf(" ");
        cli_print_padded(stdout, "区 district", 12);
    }
    printf(" %10s", "常住人口");
    for (size_t k = 0; k < lc_profile_norm_count(r->profile); k++) {
        char head[24];
        snprintf(head, sizeof head, "N%zu", k + 1);
        printf(" %10s", head);
    }
    printf("\n");
}

/* A feature's name (else its id). */
static const char *feature_name(const lc_feature *f)
{
    return f ? (f->name ? f->name : f->id) : NULL;
}

/* The layer of each level of the ladder. */
static const lc_layer_kind level_kind[LC_LEVEL_COUNT] = {LC_LAYER_DISTRICTS, LC_LAYER_UNITS, LC_LAYER_AREAS,
                                                         LC_LAYER_COMMITTEES, LC_LAYER_GROUPS};

/* The name of unit i of a level, NULL for -1. */
static const char *level_unit_name(const lc_results *r, lc_level level, long i)
{
    return i < 0 ? NULL : feature_name(lc_layer_feature(lc_inputs_layer(r->inputs, level_kind[level]), (size_t)i));
}

/* Whether presence norm k is asked of some unit of level l (a column of its table). */
static int asked_at(const lc_results *r, int l, size_t k, size_t n)
{
    const lc_norm *nm = lc_profile_norm(r->profile, k);
    if (nm->kind != LC_NORM_UNIT_PRESENCE || nm->level != (lc_level)l)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lc_indicators_level_meets(r->indicators, (lc_level)l, i, k) >= 0)
            return 1;
    return 0;
}

/* Prints, per level below the 街镇 that a presence norm asks of, a table of its units (name, 街镇,
 * type, residents, then per such norm the facilities counting and ✓/✗): every unit when there are at
 * most 40, else only those lacking something (the whole table is in the level's layer and
 * summary.csv). */
static void print_levels(const lc_results *r)
{
    const lc_profile *p = r->profile;
    const lc_indicators *ind = r->indicators;
    size_t nn = lc_profile_norm_count(p);
    for (int l = LC_LEVEL_AREA; l < LC_LEVEL_COUNT; l++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, level_kind[l]);
        size_t n = lc_layer_count(L), asked = 0;
        for (size_t k = 0; k < nn; k++)
            asked += asked_at(r, l, k, n);
        if (!L || !n || !asked)
            continue;
        size_t lacking = 0;
        for (size_t i = 0; i < n; i++) {
            int lacks = 0;
            for (size_t k = 0; k < nn; k++)
                lacks |= lc_indicators_level_meets(ind, (lc_level)l, i, k) == 0;
            lacking += lacks;
        }
        int all = n <= 40;
        char label[64];
        snprintf(label, sizeof label, "%s %s", lc_level_name_zh((lc_level)l), lc_level_name((lc_level)l));
        printf("\n%s: %zu, %zu lacking a facility 缺设施%s\n", label, n, lacking,
               all ? "" : " (only those are listed; every one is in the layer and summary.csv)");
        cli_print_padded(stdout, label, 22);
        printf(" ");
        cli_print_padded(stdout, l == LC_LEVEL_GROUP ? "居村 committee" : "街镇 unit", 16);
        printf(" ");
        cli_print_padded(stdout, "类型 type", 10);
        printf(" %10s", "常住人口");
        for (size_t k = 0; k < nn; k++)
            if (asked_at(r, l, k, n)) {
                char head[24];
                snprintf(head, sizeof head, "N%zu", k + 1);
                printf(" %8s", head);
            }
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            int lacks = 0;
            for (size_t k = 0; k < nn; k++)
                lacks |= lc_indicators_level_meets(ind, (lc_level)l, i, k) == 0;
            if (!all && !lacks)
                continue;
            char pop[32];
            long up = l == LC_LEVEL_GROUP ? lc_indicators_level_parent(ind, (lc_level)l, i)
                                          : lc_indicators_level_unit(ind, (lc_level)l, i);
            const char *upname = level_unit_name(r, l == LC_LEVEL_GROUP ? LC_LEVEL_COMMITTEE : LC_LEVEL_UNIT, up);
            int t = l == LC_LEVEL_AREA ? lc_indicators_level_rural(ind, (lc_level)l, i)
                                       : lc_indicators_level_villagers(ind, (lc_level)l, i);
            const char *type = l == LC_LEVEL_AREA ? (t == 1 ? "镇/乡" : t == 0 ? "街道" : "-")
                                                  : (t == 1 ? "村委会" : t == 0 ? "居委会" : "-");
            cli_print_padded(stdout, feature_name(lc_layer_feature(L, i)), 22);
            printf(" ");
            cli_print_padded(stdout, upname ? upname : "-", 16);
            printf(" ");
            cli_print_padded(stdout, type, 10);
            printf(" %10s", cli_format_count(pop, sizeof pop, lc_indicators_level_population(ind, (lc_level)l, i)));
            for (size_t k = 0; k < nn; k++) {
                if (!asked_at(r, l, k, n))
                    continue;
                int m = lc_indicators_level_meets(ind, (lc_level)l, i, k);
                if (m < 0)
                    printf(" %8s", "");
                else
                    printf(" %6zu %s", lc_indicators_level_facilities(ind, (lc_level)l, i, k), m ? "✓" : "✗");
            }
            printf("\n");
        }
    }
}

/* For a presence norm below the 街镇 that fails: the names of up to 8 units lacking it. */
static void print_lacking(const lc_results *r, size_t k)
{
    const lc_norm *n = lc_profile_norm(r->profile, k);
    if (n->kind != LC_NORM_UNIT_PRESENCE || n->level == LC_LEVEL_UNIT || n->level == LC_LEVEL_DISTRICT)
        return;
    const lc_layer *L = lc_inputs_layer(r->inputs, level_kind[n->level]);
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < lc_layer_count(L); i++) {
        if (lc_indicators_level_meets(r->indicators, n->level, i, k) != 0)
            continue;
        if (shown < 8)
            printf("%s%s", shown ? ", " : "     lacking 缺: ", feature_name(lc_layer_feature(L, i)));
        shown += shown < 8;
        total++;
    }
    if (total > shown)
        printf(", ... (%zu in all)", total);
    if (total)
        printf("\n");
}

/* Prints the 区 table (when the study has districts), the 街镇 × indicator table with pass/fail
 * marks, the tables of the levels below, then each failing norm's shortfall. */
static void print_table(const lc_results *r)
{
    const lc_profile *p = r->profile;
    const lc_indicators *ind = r->indicators;
    size_t nn = lc_profile_norm_count(p), nd = lc_indicators_district_count(ind);
    const lc_layer *units = lc_inputs_layer(r->inputs, LC_LAYER_UNITS);
    const lc_layer *districts = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS);
    if (nd) {
        print_header(r, "区 district", 0);
        for (size_t d = 0; d < nd; d++) {
            char name[96];
            snprintf(name, sizeof name, "%s", feature_name(lc_layer_feature(districts, d)));
            print_row(r, name, NULL, 0, lc_indicators_district_row(ind, d));
        }
        for (size_t d = 0; d < nd; d++) {
            const lc_profile *dp = lc_indicators_district_profile(ind, d);
            if (dp != p)
                printf("  %s: profile %s\n", feature_name(lc_layer_feature(districts, d)), lc_profile_name(dp));
        }
    }
    print_header(r, "街镇 unit", nd > 0);
    for (size_t row = 0; row < lc_indicators_row_count(ind); row++) {
        if (row == lc_indicators_total_row(ind)) {
            print_row(r, "全区 whole area", NULL, nd > 0, row);
        } else {
            const char *dn = level_unit_name(r, LC_LEVEL_DISTRICT, lc_indicators_unit_district(ind, row));
            print_row(r, feature_name(lc_layer_feature(units, row)), dn, nd > 0, row);
        }
    }
    if (cells_without_value)
        printf("(-no pop60, -no pop65, -no beds, -no layer, -no units, -no pop: the norm cannot be computed there "
               "无法计算; -no rural: a rural tier that does not apply 不适用, no rural units there 无农村单元; why is "
               "said under Norms below and in summary.csv's note column)\n");
    print_levels(r);
    printf("\nNorms 指标 (✓ pass 达标, ✗ fail 未达标):\n");
    size_t total = lc_indicators_total_row(ind);
    for (size_t k = 0; k < nn; k++) {
        const lc_norm *n = lc_profile_norm(p, k);
        const lc_indicator *x = lc_indicators_get(ind, total, k);
        char target[48] = "no target 无目标";
        if (!isnan(n->target))
            snprintf(target, sizeof target, n->kind == LC_NORM_FLOOR_AREA ? "≥ %g m²/千人" : "≥ %g%%",
                     n->kind == LC_NORM_FLOOR_AREA ? n->target : n->target * 100);
        printf("  N%zu %s — %s (%s)\n", k + 1, n->zh, n->en, target);
        const char *code = NULL, *why = lc_indicators_why_na(ind, total, k, &code);
        if (why && !strcmp(code, "no rural"))
            printf("     %s\n", why); /* 不适用 — ...: it says itself that it does not apply */
        else if (why)
            printf("     not computed 无法计算: %s\n", why);
        if (x->pass == 0) {
            char amount[32];
            printf("     whole area short by %s %s", cli_format_count(amount, sizeof amount, ceil(x->shortfall)),
                   x->shortfall_unit);
            size_t failing = 0;
            for (size_t row = 0; row < total; row++)
                failing += lc_indicators_get(ind, row, k)->pass == 0;
            if (total)
                printf("; %zu of %zu 街镇 fail", failing, total);
            printf("\n");
        }
        print_lacking(r, k);
        size_t dfail = 0;
        for (size_t d = 0; d < nd; d++)
            dfail += lc_indicators_get(ind, lc_indicators_district_row(ind, d), k)->pass == 0;
        if (dfail)
            printf("     %zu of %zu 区 fail\n", dfail, nd);
    }
}

int cmd_check(int argc, char **argv)
{
    cli_options opts = {0};
    lc_context *ctx;
    lc_quality *quality;
    lc_run *run = NULL;
    int rc;
    if (!cli_begin(argc, argv, usage, &opts, &ctx, &quality, &rc))
        goto done;
    lc_run_options ro = cli_run_options(&opts, quality);
    run = lc_run_check(ctx, opts.study, &ro);
    cli_print_issues(quality, &opts);
    if (!run) {
        rc = cli_fail(ctx);
        goto done;
    }
    const lc_results *res = lc_run_results(run);
    if (!opts.quiet) {
        const lc_crs *crs = lc_inputs_crs(res->inputs);
        int network = lc_coverage_mode(res->coverage) == LC_MODE_NETWORK;
        printf("lifecircle check — %s, profile %s, %s distance, CRS %s\n",
               lc_study_path(opts.study) ? lc_study_path(opts.study) : "(command line)", lc_profile_name(res->profile),
               network ? "network" : "straight-line", lc_crs_id(crs) ? lc_crs_id(crs) : lc_crs_name(crs));
        const char *from = NULL;
        size_t added = lc_inputs_added(res->inputs, &from);
        if (added)
            printf("With proposals 含选址建议: %zu proposed facilit%s from %s added\n", added, added == 1 ? "y" : "ies",
                   from);
        print_table(res);
        if (res->straight)
            print_comparison(res->profile, res->straight, res->coverage, lc_run_network(run));
        printf("\nResults 结果: %s\n", lc_run_output_shown(run));
        if (opts.report_dir)
            printf("Report 报告: %s/report.html\n", opts.report_dir);
    }
    size_t failing = lc_run_failures(run);
    if (!opts.quiet && failing) {
        /* Say what is counted (issue 17): whole-area fails apart from norms failing only in some 街镇. */
        size_t whole = 0, total = lc_indicators_total_row(res->indicators);
        for (size_t n = 0; n < lc_profile_norm_count(res->profile); n++)
            whole += lc_indicators_get(res->indicators, total, n)->pass == 0;
        printf("Result 结论: some norms fail 部分指标未达标 — %zu for the whole area 全区未达标, %zu more pass for the "
               "whole area but fail in some 街镇 全区达标但部分街镇未达标 (exit code 1)\n", whole,
               failing > whole ? failing - whole : 0);
    } else if (!opts.quiet)
        printf("Result 结论: every norm passes 全部达标\n");
    rc = failing ? LC_EXIT_FAILS : LC_EXIT_OK;
done:
    lc_run_destroy(run);
    lc_quality_destroy(quality);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
