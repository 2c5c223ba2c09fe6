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

/* Parses a comma-separated list of positive numbers into v (at most MAX_THRESHOLDS), sorted
 * increasing. Returns the count, or 0 after printing the problem. */
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
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    for (size_t i = 1; i < n; i++)
        if (v[i] == v[i - 1]) {
            fprintf(stderr, "lifecircle isochrones: %s lists %g twice\n", opt, v[i]);
            return 0;
        }
    if (!n)
        fprintf(stderr, "lifecircle isochrones: %s needs at least one number\n", opt);
    return n;
}

/* Parses --at X,Y[,CRS] and transforms the point into the working CRS. 0, or LC_EXIT_ERROR after
 * printing the problem. */
static int parse_at(lc_context *ctx, const char *text, const lc_crs *crs, lc_xy *out)
{
    char *end1 = NULL, *end2 = NULL;
    double x = strtod(text, &end1);
    double y = end1 && *end1 == ',' ? strtod(end1 + 1, &end2) : NAN;
    if (end1 == text || !end2 || end2 == end1 + 1 || (*end2 && *end2 != ',') || !isfinite(x) || !isfinite(y)) {
        fprintf(stderr, "lifecircle isochrones: --at needs X,Y or X,Y,CRS (e.g. --at 121.47,31.23 or --at "
                        "500100,3450200,EPSG:4549), got '%s'\n", text);
        return LC_EXIT_ERROR;
    }
    const char *def = *end2 == ',' && end2[1] ? end2 + 1 : "EPSG:4326";
    lc_transform *tr = lc_transform_create(ctx, def, crs);
    if (!tr || lc_transform_points(ctx, tr, &x, &y, 1) != LC_OK) {
        lc_transform_destroy(tr);
        fprintf(stderr, "lifecircle isochrones: --at %s: %s\n", text, lc_context_errmsg(ctx));
        return LC_EXIT_ERROR;
    }
    lc_transform_destroy(tr);
    *out = (lc_xy){x, y};
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
    lc_context *ctx = cli_context(0, 0);
    lc_profile *profile = NULL;
    lc_quality *quality = NULL;
    lc_inputs *in = NULL;
    lc_roads *roads = NULL;
    lc_network *net = NULL;
    lc_isochrones *iso = NULL;
    lc_isochrone_origin *origins = NULL;
    size_t norigins = 0;
    char *shown_out = NULL; /* the output without its password, for printing */
    int rc = cli_parse_study_options(ctx, argc, argv, &opts, usage);
    if (rc) {
        rc = rc < 0 ? LC_EXIT_OK : rc;
        goto done;
    }
    rc = LC_EXIT_ERROR;
    const char *outdir = lc_study_get(opts.study, "output");
    lc_output_options oo = {.format = LC_FORMAT_SHAPEFILE, .overwrite = opts.overwrite, .encoding = opts.out_encoding};
    const char *fmt = lc_study_get(opts.study, "format");
    if (fmt && lc_format_parse(fmt, &oo.format) != 0) {
        fprintf(stderr, "lifecircle isochrones: unknown format '%s' (shapefile, gpkg or geojson)\n", fmt);
        goto done;
    }
    if (!outdir) {
        fprintf(stderr, "lifecircle isochrones: no output directory: pass -o DIR or set `output:` in the study\n");
        goto done;
    }
    oo.format = lc_output_format_for(outdir, oo.format);
    oo.schema = lc_study_get(opts.study, "output_schema");
    oo.table_prefix = lc_study_get(opts.study, "output_prefix");
    if (!(shown_out = lc_output_target_shown(ctx, outdir))) {
        rc = cli_fail(ctx);
        goto done;
    }
    if (opts.iso_minutes && opts.iso_metres) {
        fprintf(stderr, "lifecircle isochrones: give --minutes or --metres, not both\n");
        goto done;
    }
    if (!opts.iso_points && !opts.iso_nat && !opts.site_category) {
        fprintf(stderr, "lifecircle isochrones: no origins: pass --points FILE, --at X,Y or --category CAT "
                        "(`lifecircle isochrones --help`)\n");
        goto done;
    }
    if (opts.iso_points && opts.iso_nat) {
        fprintf(stderr, "lifecircle isochrones: give --points or --at, not both\n");
        goto done;
    }
    if (!lc_study_get(opts.study, "roads.path")) {
        fprintf(stderr, "lifecircle isochrones: the study names no roads layer for the walking network: add "
                        "'roads: {path: <file>}' to the study or pass --set roads.path=FILE\n");
        goto done;
    }
    double given[MAX_THRESHOLDS], metres[MAX_THRESHOLDS], minutes[MAX_THRESHOLDS];
    size_t nt = parse_list(opts.iso_metres ? "--metres" : "--minutes",
                           opts.iso_metres ? opts.iso_metres : opts.iso_minutes ? opts.iso_minutes : "5,10,15", given);
    if (!nt)
        goto done;

    profile = lc_profile_load(ctx, lc_study_get(opts.study, "profile"));
    if (!profile || cli_apply_walk_speed(ctx, opts.study, profile) != LC_OK) {
        rc = cli_fail(ctx);
        goto done;
    }
    int category = -1;
    if (profile && opts.site_category && (category = lc_profile_find_category(profile, opts.site_category)) < 0) {
        fprintf(stderr, "lifecircle isochrones: unknown category '%s' (`lifecircle profile show %s` lists them)\n",
                opts.site_category, lc_profile_name(profile));
        goto done;
    }
    quality = lc_quality_create(ctx);
    in = quality ? lc_inputs_read(ctx, opts.study, profile, quality) : NULL;
    if (!in) {
        rc = cli_fail(ctx);
        goto done;
    }
    size_t nerr = lc_quality_count_severity(quality, LC_SEVERITY_ERROR);
    for (size_t i = 0; i < lc_quality_count(quality); i++) {
        const lc_issue *it = lc_quality_get(quality, i);
        if (it->severity == LC_SEVERITY_ERROR || (!opts.quiet && (opts.verbose || i < 20)))
            fprintf(stderr, "lifecircle: %s: %s\n", it->severity == LC_SEVERITY_ERROR ? "error" : "warning", it->message);
    }
    if (nerr) {
        fprintf(stderr, "lifecircle: error: %zu data error%s; nothing was computed or written "
                        "(`lifecircle validate` lists every problem)\n", nerr, nerr == 1 ? "" : "s");
        goto done;
    }
    for (size_t t = 0; t < nt; t++) {
        minutes[t] = opts.iso_metres ? NAN : given[t];
        metres[t] = opts.iso_metres ? given[t] : lc_isochrone_metres(profile, category, given[t]);
    }

    /* Origins: --at points, the points file (the candidates layer), or the category's facilities. */
    const lc_layer *src = NULL;
    if (opts.iso_points)
        src = lc_inputs_layer(in, LC_LAYER_CANDIDATES);
    else if (!opts.iso_nat)
        src = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t cap = opts.iso_nat ? (size_t)opts.iso_nat : src ? lc_layer_count(src) : 0;
    if (!(origins = calloc(cap ? cap : 1, sizeof *origins))) {
        fprintf(stderr, "lifecircle: error: out of memory\n");
        goto done;
    }
    GEOSContextHandle_t h = lc_context_geos(ctx);
    for (int i = 0; i < opts.iso_nat; i++) {
        if (parse_at(ctx, opts.iso_at[i], lc_inputs_crs(in), &origins[norigins].at))
            goto done;
        origins[norigins++].id = opts.iso_at[i];
    }
    for (size_t i = 0; src && i < lc_layer_count(src); i++) {
        const lc_feature *f = lc_layer_feature(src, i);
        if (!opts.iso_points && f->category != category)
            continue;
        GEOSGeomGetX_r(h, f->geom, &origins[norigins].at.x);
        GEOSGeomGetY_r(h, f->geom, &origins[norigins].at.y);
        origins[norigins].id = f->id;
        origins[norigins++].name = f->name;
    }
    if (!norigins) {
        if (opts.iso_points)
            fprintf(stderr, "lifecircle isochrones: %s holds no points\n", lc_study_get(opts.study, "candidates.path"));
        else
            fprintf(stderr, "lifecircle isochrones: the study has no facility of category %s\n", opts.site_category);
        goto done;
    }

    const lc_network_rules *rules = lc_profile_network(profile);
    roads = lc_roads_read(ctx, opts.study, profile, lc_inputs_crs(in), NULL);
    net = roads ? lc_network_build(ctx, roads, rules->snap_tolerance_m) : NULL;
    lc_isochrone_options io = {.thresholds_m = metres, .minutes = minutes, .nthresholds = nt,
                               .buffer_m = rules->buffer_m, .max_snap_m = rules->max_snap_m,
                               .circles = opts.iso_circles};
    iso = net ? lc_isochrones_compute(ctx, net, origins, norigins, &io) : NULL;
    if (!iso || lc_isochrones_write(ctx, outdir, &oo, lc_inputs_crs(in), iso) != LC_OK) {
        rc = cli_fail(ctx);
        goto done;
    }
    if (!opts.quiet) {
        printf("lifecircle isochrones — %s, profile %s, walking network %zu edges, %.1f km, buffer %g m\n",
               lc_study_path(opts.study) ? lc_study_path(opts.study) : "(command line)", lc_profile_name(profile),
               lc_network_edge_count(net), lc_network_length(net) / 1000, rules->buffer_m);
        if (!opts.iso_metres)
            printf("Minutes to metres 分钟换算: %s\n",
                   lc_study_get(opts.study, "walk_speed") ? "the study's walk_speed, as `check` uses it"
                   : category >= 0 ? "the category's reach in the profile, as `check` uses it"
                                   : "the profile's network.walk_speed_m_s");
        print_summary(iso, opts.verbose);
        printf("Results 结果: %s\n", shown_out);
    }
    rc = LC_EXIT_OK;
done:
    free(shown_out);
    lc_isochrones_destroy(iso);
    free(origins);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(quality);
    lc_profile_destroy(profile);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
