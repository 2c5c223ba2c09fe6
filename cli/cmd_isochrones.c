/*
 * cli/cmd_isochrones.c — `lifecircle isochrones`: reads a study and its walking network, takes origin
 * points (a points file, --at coordinates, or the study's facilities of one category), computes nested
 * isochrones at several walking times or distances through the library (include/lifecircle/
 * isochrones.h) and writes them as layers. Exit code 0, or 2 on error (nothing written).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_THRESHOLDS 16

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle isochrones STUDY (--points FILE | --at X,Y[,CRS] | --category CAT) -o DIR [options]\n"
            "\n"
            "Draws isochrones (等时圈): for each origin, the area reachable along the study's walking network\n"
            "(its `roads` layer, filtered by the profile's `network:` rules) within each threshold. They are\n"
            "nested: the 10-minute area holds the 5-minute one. Streets are followed, so an isochrone does not\n"
            "cross a river, rail line or wall without a bridge or gate within reach. Each area is the\n"
            "reachable parts of streets widened by the profile's network.buffer_m (default 50 m) each side.\n"
            "\n"
            "Writes to DIR (nothing when anything fails; a non-empty DIR needs --overwrite):\n"
            "  isochrones  polygons: origin id and name, minutes, metres, area (m²), access leg; largest\n"
            "              thresholds first, so the smaller ones draw on top\n"
            "  origins     points: every origin, whether it is on the network and how far from it\n"
            "  circles     (--circles) straight-line circles of the same radii, for comparison\n"
            "An origin farther than network.max_snap_m (default 200 m) from every street is off-network: a\n"
            "warning names it and it gets no isochrone.\n"
            "\n"
            "Origins (one of):\n"
            "  --points FILE        points (or polygons, reduced to a point inside) read like a study layer:\n"
            "                       id and name fields found by common names; for CSV/XLSX give the columns\n"
            "                       and CRS with --set candidates.x=lon --set candidates.y=lat\n"
            "                       --set candidates.crs=EPSG:4326 (the file is read as the `candidates` layer)\n"
            "  --at X,Y[,CRS]       one point (repeatable, up to 16); CRS defaults to EPSG:4326 (X = longitude,\n"
            "                       Y = latitude); GCJ-02, BD-09 or any EPSG code, e.g. --at 368100,4555700,EPSG:32629\n"
            "  --category CAT       the study's facilities of this category (code, Chinese or English name),\n"
            "                       when neither --points nor --at is given\n"
            "\n"
            "Thresholds (default --minutes 5,10,15):\n"
            "  --minutes LIST       walking times, e.g. 5,10,15. Minutes become metres at the pace of --category\n"
            "                       (its profile reach: 15 min = 1000 m for 社区综合为老服务中心, so the\n"
            "                       15-minute isochrone is the reach `check` uses), else at the profile's\n"
            "                       network.walk_speed_m_s; --set walk_speed=0.9 (m/s) overrides both\n"
            "  --metres LIST        walking distances in metres instead, e.g. 300,500,1000\n"
            "  --circles            also write straight-line circles of the same radii\n"
            "\n"
            "Output options:\n"
            "  -o, --output DIR     output directory (study key `output`; required), or a PostGIS\n"
            "                       connection 'PG:host=... dbname=... user=...' (tables <prefix>isochrones,\n"
            "                       <prefix>origins, ... replaced in one transaction; --pg-schema, --pg-prefix)\n"
            "  --format FMT         shapefile (default), gpkg or geojson\n"
            "  --overwrite          replace a non-empty output directory\n"
            "  --shapefile-encoding ENC  UTF-8 (default) or GBK\n"
            "\n"
            "Examples:\n"
            "  lifecircle isochrones data/demo/porto.yml --category centre -o out/iso --overwrite\n"
            "  lifecircle isochrones data/demo/porto.yml --at -8.6110,41.1496 --minutes 5,10,15 --circles \\\n"
            "      --format gpkg -o out/iso-one\n"
            "\n");
    cli_study_usage(out);
}

/* Parses a comma-separated list of positive numbers into v (at most MAX_THRESHOLDS; the library
 * sorts them and refuses repeats). Returns the count, or 0 after printing the problem. */
static size_t parse_list(const char *opt, const char *text, double *v)
{
    size_t n = 0;
    const char *p = text;
    while (*p) {
        char *end = NULL;
        double x = strtod(p, &end);
        if (end == p || !(x > 0) || !isfinite(x) || (*end && *end != ',') || n == MAX_THRESHOLDS) {
            fprintf(stderr, "lifecircle isochrones: %s needs up to %d positive numbers separated by commas, got '%s'\n",
                    opt, MAX_THRESHOLDS, text);
            return 0;
        }
        v[n++] = x;
        p = *end ? end + 1 : end;
    }
    if (!n)
        fprintf(stderr, "lifecircle isochrones: %s needs at least one number\n", opt);
    return n;
}

/* Parses --at X,Y[,CRS] into a point (CRS default lon/lat; the library transforms it). 0, or
 * LC_EXIT_ERROR after printing the problem. */
static int parse_at(const char *text, lc_run_point *out)
{
    char *end1 = NULL, *end2 = NULL;
    double x = strtod(text, &end1);
    double y = end1 && *end1 == ',' ? strtod(end1 + 1, &end2) : NAN;
    if (end1 == text || !end2 || end2 == end1 + 1 || (*end2 && *end2 != ',') || !isfinite(x) || !isfinite(y)) {
        fprintf(stderr, "lifecircle isochrones: --at needs X,Y or X,Y,CRS (e.g. --at 121.47,31.23 or --at "
                        "500100,3450200,EPSG:4549), got '%s'\n", text);
        return LC_EXIT_ERROR;
    }
    *out = (lc_run_point){.x = x, .y = y, .crs = *end2 == ',' && end2[1] ? end2 + 1 : NULL, .id = text};
    return 0;
}

/* Prints one line per origin (the first 20 unless verbose): id, name, and each threshold's area. */
static void print_summary(const lc_isochrones *iso, int verbose)
{
    size_t n = lc_isochrones_origin_count(iso), nt = lc_isochrones_threshold_count(iso), off = 0;
    printf("\n");
    cli_print_padded(stdout, "origin 起点", 34);
    for (size_t t = 0; t < nt; t++) {
        char head[48];
        double m = lc_isochrones_minutes(iso, t);
        if (isnan(m))
            snprintf(head, sizeof head, "%.0f m", lc_isochrones_threshold(iso, t));
        else
            snprintf(head, sizeof head, "%g min/%.0f m", m, lc_isochrones_threshold(iso, t));
        printf(" %16s", head);
    }
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        const lc_isochrone_origin *o = lc_isochrones_origin(iso, i);
        int on = lc_isochrones_snap(iso, i)->edge >= 0;
        off += !on;
        if (i >= 20 && !verbose)
            continue;
        char name[96];
        snprintf(name, sizeof name, "%s%s%s", o->id, o->name ? " " : "", o->name ? o->name : "");
        /* Cut long names to 30 bytes at a UTF-8 character boundary, so the columns line up. */
        size_t cut = strlen(name);
        if (cut > 30) {
            for (cut = 30; cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80; cut--)
                ;
            snprintf(name + cut, sizeof name - cut, "…");
        }
        cli_print_padded(stdout, name, 34);
        for (size_t t = 0; t < nt; t++) {
            if (on)
                printf(" %13.1f ha", lc_isochrones_area(iso, i, t) / 10000);
            else
                printf(" %16s", "off-network");
        }
        printf("\n");
    }
    if (n > 20 && !verbose)
        printf("... %zu more (--verbose lists every origin)\n", n - 20);
    printf("\n%zu origin%s, %zu off the walking network 不在路网上; areas in hectares 公顷\n", n, n == 1 ? "" : "s", off);
}

int cmd_isochrones(int argc, char **argv)
{
    cli_options opts = {0};
    lc_context *ctx;
    lc_quality *quality;
    lc_run *run = NULL;
    int rc;
    if (!cli_begin(argc, argv, usage, &opts, &ctx, &quality, &rc))
        goto done;
    rc = LC_EXIT_ERROR;
    if (opts.iso_minutes && opts.iso_metres) {
        fprintf(stderr, "lifecircle isochrones: give --minutes or --metres, not both\n");
        goto done;
    }
    double given[MAX_THRESHOLDS];
    size_t nt = parse_list(opts.iso_metres ? "--metres" : "--minutes",
                           opts.iso_metres ? opts.iso_metres : opts.iso_minutes ? opts.iso_minutes : "5,10,15", given);
    if (!nt)
        goto done;
    lc_run_point at[16];
    for (int i = 0; i < opts.iso_nat; i++)
        if (parse_at(opts.iso_at[i], &at[i]))
            goto done;
    lc_isochrones_run_options io = LC_ISOCHRONES_RUN_OPTIONS_INIT;
    io.points = opts.iso_nat ? at : NULL;
    io.npoints = (size_t)opts.iso_nat;
    io.from_points = opts.iso_points;
    io.category = opts.site_category;
    io.thresholds = given;
    io.nthresholds = nt;
    io.in_metres = opts.iso_metres != NULL;
    io.circles = opts.iso_circles;
    lc_run_options ro = cli_run_options(&opts, quality);
    run = lc_run_isochrones(ctx, opts.study, &ro, &io);
    cli_print_issues(quality, &opts);
    if (!run) {
        rc = cli_fail(ctx);
        goto done;
    }
    const lc_network *net = lc_run_network(run);
    const lc_network_rules *rules = lc_profile_network(lc_run_profile(run));
    if (!opts.quiet) {
        printf("lifecircle isochrones — %s, profile %s, walking network %zu edges, %.1f km, buffer %g m\n",
               lc_study_path(opts.study) ? lc_study_path(opts.study) : "(command line)",
               lc_profile_name(lc_run_profile(run)), lc_network_edge_count(net), lc_network_length(net) / 1000,
               rules->buffer_m);
        const char *src = lc_run_isochrone_speed_source(run);
        if (strcmp(src, "metres"))
            printf("Minutes to metres 分钟换算: %s\n",
                   !strcmp(src, "walk_speed") ? "the study's walk_speed, as `check` uses it"
                   : !strcmp(src, "category") ? "the category's reach in the profile, as `check` uses it"
                                              : "the profile's network.walk_speed_m_s");
        print_summary(lc_run_isochrones_result(run), opts.verbose);
        printf("Results 结果: %s\n", lc_run_output_shown(run));
    }
    rc = LC_EXIT_OK;
done:
    lc_run_destroy(run);
    lc_quality_destroy(quality);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
