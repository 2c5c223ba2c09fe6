/*
 * cli/cmd_validate.c — `lifecircle validate`: parses argv, calls lc_run_validate (run/run_validate.c:
 * the steps `check` takes before it computes, by the same code) and prints a summary a planner can
 * act on. Computes nothing beyond counts and sums; coverage and indicators belong to `check`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle validate [STUDY] [options]\n"
            "\n"
            "Reads every input the study names, brings it into the working CRS and checks it:\n"
            "invalid polygons (repaired with GEOSMakeValid and counted), empty geometries, missing,\n"
            "non-numeric or negative population/area values, duplicate ids, facilities outside every\n"
            "街镇, unknown categories, swapped or out-of-range lon/lat; layers that do not meet once\n"
            "reprojected (a wrong .prj or zone), a working CRS made for another place, empty layers,\n"
            "a .dbf shorter than its .shp, implausible values, text that is not UTF-8, and (a note)\n"
            "WGS 84 lon/lat in China that may be GCJ-02. Every check `check` makes on the inputs is\n"
            "made here, by the same library code (with mode: network the walking network is built\n"
            "and its islands reported too). Prints a data-quality summary\n"
            "(数据质量摘要). Exit code 0: no errors (warnings allowed); 2: errors, each named with\n"
            "file, feature and field.\n"
            "\n"
            "Example:\n"
            "  lifecircle validate data/demo/porto.yml\n"
            "  lifecircle validate --residential 小区.shp --encoding GBK --facilities 设施.csv \\\n"
            "      --set facilities.crs=GCJ-02 --crs EPSG:4549\n"
            "\n");
    cli_study_usage(out);
}

/* Sums a numeric member over a layer, ignoring NAN; *n_known counts the values present. */
static double layer_sum(const lc_layer *L, size_t offset, size_t *n_known)
{
    double sum = 0;
    *n_known = 0;
    for (size_t i = 0; i < lc_layer_count(L); i++) {
        double v = *(const double *)((const char *)lc_layer_feature(L, i) + offset);
        if (!isnan(v)) {
            sum += v;
            (*n_known)++;
        }
    }
    return sum;
}

static void print_layers(const lc_inputs *in)
{
    printf("\nLayers 图层\n");
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = lc_inputs_layer(in, (lc_layer_kind)k);
        if (!L) {
            printf("  %-12s (none)\n", lc_layer_kind_name((lc_layer_kind)k));
            continue;
        }
        printf("  %-12s %6zu features  %s (layer %s)\n", lc_layer_kind_name((lc_layer_kind)k),
               lc_layer_count(L), lc_layer_source(L), lc_layer_name(L));
    }
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    size_t n;
    double pop = layer_sum(res, offsetof(lc_feature, population), &n);
    printf("\nResidential population 常住人口: ");
    cli_print_count(stdout, pop);
    printf(" in %zu polygons", n);
    double area = 0;
    for (size_t i = 0; i < lc_layer_count(res); i++)
        area += lc_layer_feature(res, i)->area;
    printf(" covering %.2f km²\n", area / 1e6);
    double p60 = layer_sum(res, offsetof(lc_feature, pop60), &n);
    if (n) {
        printf("Registered 60+ 户籍60岁以上: ");
        cli_print_count(stdout, p60);
        printf(" (%zu polygons)\n", n);
    }
    double p65 = layer_sum(res, offsetof(lc_feature, pop65), &n);
    if (n) {
        printf("Registered 65+ 户籍65岁以上: ");
        cli_print_count(stdout, p65);
        printf(" (%zu polygons)\n", n);
    }
}

static void print_categories(const lc_inputs *in, const lc_profile *profile)
{
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t ncat = lc_profile_category_count(profile);
    printf("\nFacilities by category 设施类别                  count  floor area m²\n");
    for (size_t c = 0; c < ncat; c++) {
        const lc_category *cat = lc_profile_category(profile, c);
        size_t count = 0;
        double area = 0;
        for (size_t i = 0; i < lc_layer_count(fac); i++) {
            const lc_feature *f = lc_layer_feature(fac, i);
            if (f->category == (int)c) {
                count++;
                if (!isnan(f->floor_area))
                    area += f->floor_area;
            }
        }
        printf("  %-16s ", cat->code);
        cli_print_padded(stdout, cat->name_zh, 22);
        char buf[64];
        printf(" %5zu  %13s   %s\n", count, cli_format_count(buf, sizeof buf, area), cat->name_en);
    }
}

/* Prints what reading the roads kept and left out (roads.exclude, OSM rules, roads.node_crossings,
 * roads.snap_dangles_m), when the run read them; a layer that could not be read is among the issues. */
static void print_roads(const lc_study *study, const lc_run *run)
{
    if (!lc_study_get(study, "roads.path"))
        return;
    const lc_roads_stats *st = lc_run_roads_stats(run);
    if (!st) {
        printf("\nRoads 路网: cannot be read (see the errors below)\n");
        return;
    }
    printf("\nRoads 路网: %zu features, %zu walkable lines kept; left out: %zu by class (roads.exclude), "
           "%zu not walkable, %zu foot=no, %zu closed by access, %zu without line geometry\n",
           st->features, st->kept, st->excluded_class, st->not_walkable, st->foot_no, st->access, st->bad_geometry);
    const char *nc = lc_study_get(study, "roads.node_crossings");
    if (nc && !strcmp(nc, "true"))
        printf("Crossings noded 交叉口补节点: %zu joined, %zu left apart (bridge, tunnel or level)\n",
               st->crossings_noded, st->crossings_skipped);
    const char *sd = lc_study_get(study, "roads.snap_dangles_m");
    if (sd && atof(sd) > 0)
        printf("Dangling ends joined 悬挂线补连接: %zu joined within %s m, %zu left dangling (bridge, tunnel or "
               "level)\n", st->dangles_snapped, sd, st->dangles_skipped);
}

/* Prints issues grouped by check, all of them with --verbose, else the first few of each. */
static void print_issues(const lc_quality *q, int verbose)
{
    size_t nerr = lc_quality_count_severity(q, LC_SEVERITY_ERROR);
    size_t nwarn = lc_quality_count_severity(q, LC_SEVERITY_WARNING);
    printf("\nData quality 数据质量: %zu error%s, %zu warning%s\n", nerr, nerr == 1 ? "" : "s", nwarn,
           nwarn == 1 ? "" : "s");
    const size_t limit = verbose ? (size_t)-1 : 10;
    for (size_t i = 0; i < lc_quality_count(q); i++) {
        const lc_issue *it = lc_quality_get(q, i);
        /* Print each check's group once, at its first issue. */
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(lc_quality_get(q, k)->check, it->check) != 0;
        if (!first)
            continue;
        size_t total = lc_quality_count_check(q, it->check), shown = 0;
        printf("  %s (%zu)\n", it->check, total);
        for (size_t k = i; k < lc_quality_count(q) && shown < limit; k++) {
            const lc_issue *jt = lc_quality_get(q, k);
            if (strcmp(jt->check, it->check) != 0)
                continue;
            printf("    %-7s %s\n", jt->severity == LC_SEVERITY_ERROR ? "ERROR" : jt->severity == LC_SEVERITY_WARNING ? "warning" : "info", jt->message);
            shown++;
        }
        if (shown < total)
            printf("    ... and %zu more (--verbose lists all)\n", total - shown);
    }
}

int cmd_validate(int argc, char **argv)
{
    cli_options opts = {0};
    lc_context *ctx;
    lc_quality *quality;
    lc_run *run = NULL;
    int rc;
    if (!cli_begin(argc, argv, usage, &opts, &ctx, &quality, &rc))
        goto done;
    /* the steps `check` takes before it computes, by the same library code */
    lc_run_options ro = cli_run_options(&opts, quality);
    run = lc_run_validate(ctx, opts.study, &ro);
    if (!run) {
        if (lc_quality_count(quality))
            print_issues(quality, opts.verbose);
        rc = cli_fail(ctx);
        goto done;
    }
    const lc_inputs *in = lc_run_inputs(run);
    const lc_profile *profile = lc_run_profile(run);
    const lc_crs *crs = lc_inputs_crs(in);
    printf("lifecircle validate — data-quality summary 数据质量摘要\n");
    printf("Study 研究:        %s\n", lc_study_path(opts.study) ? lc_study_path(opts.study) : "(command line)");
    printf("Profile 标准:      %s\n", lc_profile_name(profile));
    printf("Working CRS 坐标系: %s%s%s%s\n", lc_crs_name(crs), lc_crs_id(crs) ? " (" : "",
           lc_crs_id(crs) ? lc_crs_id(crs) : "", lc_crs_id(crs) ? ")" : "");
    print_layers(in);
    print_categories(in, profile);
    print_roads(opts.study, run);
    print_issues(quality, opts.verbose);
    size_t nerr = lc_quality_count_severity(quality, LC_SEVERITY_ERROR);
    if (nerr) {
        printf("\nResult 结论: FAILED — %zu error%s must be fixed before `check` can run (exit code 2)\n", nerr,
               nerr == 1 ? "" : "s");
        rc = LC_EXIT_ERROR;
    } else {
        printf("\nResult 结论: OK — the inputs can be checked%s\n",
               lc_quality_count_severity(quality, LC_SEVERITY_WARNING) ? " (read the warnings)" : "");
        rc = LC_EXIT_OK;
    }
done:
    lc_run_destroy(run);
    lc_quality_destroy(quality);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
