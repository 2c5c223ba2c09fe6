/*
 * cli/cli_common.c — the one logging path and the one progress path of the command (both on
 * stderr), and the study options every study-based subcommand shares. Subcommands' own work lives
 * in cli/cmd_*.c; the library does the computing.
 */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* Prints library messages to stderr with their level. */
static void print_message(lc_log_level level, const char *message, void *user)
{
    (void)user;
    static const char *const names[] = {"debug", "info", "warning", "error"};
    fprintf(stderr, "lifecircle: %s: %s\n", names[level], message);
}

/* Progress for a terminal: one line per stage, redrawn in place, a percentage and a bar. */
typedef struct progress_state {
    char stage[96];
    int last_percent;
} progress_state;

static progress_state progress;

/* When the command started, and whether a study command asked for the closing "done in" line. */
static struct timespec started;
static int timed;

static void print_progress(const char *stage, double fraction, void *user)
{
    progress_state *p = user;
    int percent = (int)(fraction * 100.0 + 0.5);
    if (strcmp(p->stage, stage) != 0) {
        snprintf(p->stage, sizeof p->stage, "%s", stage);
        p->last_percent = -1;
    }
    if (percent == p->last_percent)
        return;
    p->last_percent = percent;
    char bar[31];
    int filled = percent * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fputc('\r', stderr);
    cli_print_padded(stderr, stage, 40); /* CJK characters are two columns wide */
    fprintf(stderr, " [%s] %3d%%%s", bar, percent, percent >= 100 ? "\n" : "");
    fflush(stderr);
}

/* Progress for programs that run the command (the QGIS provider, qgis/lifecircle_processing/): one
 * line "lifecircle: progress: <percent> <stage>" whenever a stage's whole percentage changes, flushed
 * at once so the reader can follow the run while it goes. */
static void print_progress_line(const char *stage, double fraction, void *user)
{
    progress_state *p = user;
    int percent = (int)(fraction * 100.0 + 0.5);
    if (strcmp(p->stage, stage) != 0) {
        snprintf(p->stage, sizeof p->stage, "%s", stage);
        p->last_percent = -1;
    }
    if (percent == p->last_percent)
        return;
    p->last_percent = percent;
    fprintf(stderr, "lifecircle: progress: %d %s\n", percent, stage);
    fflush(stderr);
}

/* The context a Ctrl-C or SIGTERM cancels (one per command). */
static lc_context *signal_ctx;

/* SIGINT / SIGTERM: asks the running call to stop at its next checkpoint, so the previous output
 * stays whole and no temporary directory is left (lc_context_cancel is one atomic store). The
 * handler is then reset, so a second Ctrl-C stops the command at once. */
static void on_signal(int sig)
{
    (void)sig;
    lc_context_cancel(signal_ctx);
}

lc_context *cli_context(int quiet, int verbose)
{
    if (!started.tv_sec && !started.tv_nsec)
        clock_gettime(CLOCK_MONOTONIC, &started);
    lc_context *ctx = lc_context_create();
    if (!ctx) {
        fprintf(stderr, "lifecircle: error: cannot initialise GEOS/PROJ (out of memory?)\n");
        exit(LC_EXIT_ERROR);
    }
    lc_context_set_message_handler(ctx, print_message, NULL);
    signal_ctx = ctx;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    lc_context_set_log_level(ctx, quiet ? LC_LOG_ERROR : verbose ? LC_LOG_DEBUG : LC_LOG_WARNING);
    if (!quiet && isatty(STDERR_FILENO)) {
        memset(&progress, 0, sizeof progress);
        lc_context_set_progress_handler(ctx, print_progress, &progress);
    }
    return ctx;
}

void cli_print_elapsed(int rc)
{
    if (!timed || rc == LC_EXIT_ERROR)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double s = (double)(now.tv_sec - started.tv_sec) + 1e-9 * (double)(now.tv_nsec - started.tv_nsec);
    fprintf(stderr, "lifecircle: done in %.1f s 用时\n", s);
}

/* Starts a study command; see cli.h. */
int cli_begin(int argc, char **argv, void (*usage)(FILE *out), cli_options *opts, lc_context **ctx,
              lc_quality **quality, int *rc)
{
    *ctx = cli_context(0, 0);
    *quality = lc_quality_create(*ctx);
    int r = *quality ? cli_parse_study_options(*ctx, argc, argv, opts, usage) : cli_fail(*ctx);
    *rc = r < 0 ? LC_EXIT_OK : r;
    return r == 0;
}

lc_run_options cli_run_options(const cli_options *opts, lc_quality *quality)
{
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.overwrite = opts->overwrite;
    ro.shapefile_encoding = opts->out_encoding;
    ro.report_dir = opts->report_dir;
    ro.quality = quality;
    ro.with_proposals = opts->with_proposals;
    return ro;
}

void cli_print_issues(const lc_quality *quality, const cli_options *opts)
{
    static const char *const label[] = {"note", "warning", "error"};
    size_t n = quality ? lc_quality_count(quality) : 0;
    /* Every error; the warnings and notes grouped by check, each group counted and its first three
     * shown (all with -v), so a warning that changes a number is never hidden behind others. */
    const char **checks = calloc(n + 1, sizeof *checks);
    size_t nchecks = 0;
    for (size_t i = 0; i < n; i++) {
        const lc_issue *it = lc_quality_get(quality, i);
        if (it->severity == LC_SEVERITY_ERROR) {
            fprintf(stderr, "lifecircle: %s: %s\n", label[it->severity], it->message);
            continue;
        }
        size_t k = 0;
        while (checks && k < nchecks && strcmp(checks[k], it->check ? it->check : ""))
            k++;
        if (checks && k == nchecks)
            checks[nchecks++] = it->check ? it->check : "";
    }
    for (size_t k = 0; !opts->quiet && k < nchecks; k++) {
        size_t count = 0, shown = 0, warnings = 0;
        for (size_t i = 0; i < n; i++) {
            const lc_issue *it = lc_quality_get(quality, i);
            if (it->severity != LC_SEVERITY_ERROR && !strcmp(it->check ? it->check : "", checks[k]))
                count++, warnings += it->severity == LC_SEVERITY_WARNING;
        }
        if (count > 1)
            fprintf(stderr, "lifecircle: %s: %zu × %s:\n", warnings ? "warning" : "note", count, checks[k]);
        for (size_t i = 0; i < n; i++) {
            const lc_issue *it = lc_quality_get(quality, i);
            if (it->severity == LC_SEVERITY_ERROR || strcmp(it->check ? it->check : "", checks[k]))
                continue;
            if (shown++ < 3 || opts->verbose)
                fprintf(stderr, "lifecircle: %s: %s\n", label[it->severity], it->message);
        }
        if (shown > 3 && !opts->verbose)
            fprintf(stderr, "lifecircle:   ... and %zu more %s (-v lists them all; `lifecircle validate` explains "
                            "each)\n", shown - 3, checks[k]);
    }
    free(checks);
}

/* Prints each line of msg as its own "lifecircle: error:" line (several mistakes at once). */
static void print_errors(const char *msg)
{
    while (msg && *msg) {
        size_t n = strcspn(msg, "\n");
        fprintf(stderr, "lifecircle: error: %.*s\n", (int)n, msg);
        msg += n + (msg[n] == '\n');
    }
}

int cli_fail(lc_context *ctx)
{
    const char *msg = lc_context_errmsg(ctx);
    if (lc_context_errno(ctx) == LC_ERR_CANCELLED) {
        fprintf(stderr, "lifecircle: %s\n", msg && *msg ? msg : "cancelled 已取消");
        return LC_EXIT_CANCELLED;
    }
    if (msg && *msg)
        print_errors(msg);
    else
        fprintf(stderr, "lifecircle: error: %s\n", lc_status_string(lc_context_errno(ctx)));
    return LC_EXIT_ERROR;
}

/* A study whose keys have errors (already in ctx): those errors, then what reading its layers with
 * the keys that are right finds (a wrong field, a missing file), so that every mistake of the study
 * is reported in one run. Nothing is computed. Returns LC_EXIT_ERROR. */
static int fail_with_layers(lc_context *ctx, const char *path)
{
    char *keys = strdup(lc_context_errmsg(ctx)), *errors = NULL, *layers = NULL;
    lc_study *st = lc_study_load_lenient(ctx, path, &errors);
    lc_free(errors);
    if (st) {
        lc_profile *p = lc_profile_load(ctx, lc_study_get(st, "profile"));
        lc_quality *q = p ? lc_quality_create(ctx) : NULL;
        lc_inputs *in = q ? lc_inputs_read(ctx, st, p, q) : NULL;
        if (!in)
            layers = strdup(lc_context_errmsg(ctx));
        lc_inputs_destroy(in);
        lc_quality_destroy(q);
        lc_profile_destroy(p);
        lc_study_destroy(st);
    }
    print_errors(keys ? keys : "out of memory");
    print_errors(layers);
    free(keys);
    free(layers);
    return LC_EXIT_ERROR;
}

void cli_study_usage(FILE *out)
{
    fprintf(out,
            "Study options (each overrides the study file):\n"
            "  --residential PATH   residential polygons (小区/居住街坊) with population (常住人口)\n"
            "  --facilities PATH    facilities (points or polygons) with a category field (类型)\n"
            "  --units PATH         街镇 polygons\n"
            "  --crs DEF            working CRS, projected in metres: EPSG:4549 (CGCS2000 GK CM 120E),\n"
            "                       EPSG:32651 (UTM 51N) ... or 'auto' (the data's own projected CRS,\n"
            "                       else the UTM zone of its centre)\n"
            "  --profile NAME|FILE  standards profile (default shanghai-2025; `lifecircle profile list`)\n"
            "  --encoding ENC       attribute encoding of the inputs, e.g. GBK for Chinese shapefiles\n"
            "                       without a .cpg file (default: the file's own, else UTF-8)\n"
            "  --set KEY=VALUE      set any study-file key, e.g. --set residential.fields.population=常住人口\n"
            "                       or --set facilities.crs=GCJ-02 (repeatable)\n"
            "  -q, --quiet          print errors only (no progress, no warnings)\n"
            "  -v, --verbose        print debug messages and list every data-quality issue\n"
            "  --progress-lines     print progress as lines 'lifecircle: progress: PERCENT STAGE' on\n"
            "                       stderr, also when it is not a terminal (for programs that run\n"
            "                       lifecircle, such as the QGIS Processing provider)\n"
            "  -h, --help           this help\n"
            "\n"
            "Inputs may be any vector source GDAL reads: Shapefile (.cpg honoured), GeoPackage, GeoJSON,\n"
            "CSV/XLSX with lon/lat columns (state their CRS: EPSG:4326, GCJ-02 or BD-09), OSM PBF, or a\n"
            "PostGIS connection 'PG:dbname=...'. Fields are found by common names (population/常住人口,\n"
            "category/类型, floor_area/建筑面积, ...) unless the study maps them.\n");
}

/* Applies --set KEY=VALUE. */
static int apply_set(lc_context *ctx, lc_study *study, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        fprintf(stderr, "lifecircle: error: --set needs KEY=VALUE, got '%s'\n", arg);
        return LC_EXIT_ERROR;
    }
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    if (lc_study_set(ctx, study, key, eq + 1) != LC_OK)
        return cli_fail(ctx);
    return 0;
}

int cli_parse_study_options(lc_context *ctx, int argc, char **argv, cli_options *opts,
                            void (*usage)(FILE *out))
{
    enum { OPT_RES = 256, OPT_FAC, OPT_UNITS, OPT_CRS, OPT_PROFILE, OPT_ENC, OPT_SET, OPT_FORMAT, OPT_OVERWRITE,
           OPT_OUTENC, OPT_REACH, OPT_MODE, OPT_CATEGORY, OPT_OBJECTIVE, OPT_TARGET,
           OPT_PG_SCHEMA, OPT_PG_PREFIX, OPT_SOLVER, OPT_TIME_LIMIT, OPT_CANDIDATES, OPT_SPACING, OPT_DEMAND,
           OPT_POINTS, OPT_AT, OPT_MINUTES, OPT_METRES, OPT_CIRCLES, OPT_REPORT, OPT_STREETS, OPT_CATCHMENTS,
           OPT_PROGRESS_LINES, OPT_YEARS, OPT_TARGET_YEAR, OPT_WITH_PROPOSALS };
    static const struct option longopts[] = {
        {"residential", required_argument, NULL, OPT_RES},
        {"facilities", required_argument, NULL, OPT_FAC},
        {"units", required_argument, NULL, OPT_UNITS},
        {"crs", required_argument, NULL, OPT_CRS},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"encoding", required_argument, NULL, OPT_ENC},
        {"set", required_argument, NULL, OPT_SET},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"overwrite", no_argument, NULL, OPT_OVERWRITE},
        {"shapefile-encoding", required_argument, NULL, OPT_OUTENC},
        {"reach", required_argument, NULL, OPT_REACH},
        {"mode", required_argument, NULL, OPT_MODE},
        {"pg-schema", required_argument, NULL, OPT_PG_SCHEMA},
        {"pg-prefix", required_argument, NULL, OPT_PG_PREFIX},
        {"category", required_argument, NULL, OPT_CATEGORY},
        {"objective", required_argument, NULL, OPT_OBJECTIVE},
        {"target", required_argument, NULL, OPT_TARGET},
        {"solver", required_argument, NULL, OPT_SOLVER},
        {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"spacing", required_argument, NULL, OPT_SPACING},
        {"demand", required_argument, NULL, OPT_DEMAND},
        {"points", required_argument, NULL, OPT_POINTS},
        {"at", required_argument, NULL, OPT_AT},
        {"minutes", required_argument, NULL, OPT_MINUTES},
        {"metres", required_argument, NULL, OPT_METRES},
        {"meters", required_argument, NULL, OPT_METRES},
        {"circles", no_argument, NULL, OPT_CIRCLES},
        {"report", required_argument, NULL, OPT_REPORT},
        {"catchment-streets", no_argument, NULL, OPT_STREETS},
        {"catchments", no_argument, NULL, OPT_CATCHMENTS},
        {"progress-lines", no_argument, NULL, OPT_PROGRESS_LINES},
        {"years", required_argument, NULL, OPT_YEARS},
        {"target-year", required_argument, NULL, OPT_TARGET_YEAR},
        {"with-proposals", required_argument, NULL, OPT_WITH_PROPOSALS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* Two passes: the first finds the study file and flags, the second applies overrides on top. */
    const char *sets[64][2];
    int nsets = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qvho:k:", longopts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'q': opts->quiet = 1; break;
        case 'v': opts->verbose = 1; break;
        case 'h': usage(stdout); return -1;
        case OPT_RES: key = "residential.path"; break;
        case OPT_FAC: key = "facilities.path"; break;
        case OPT_UNITS: key = "units.path"; break;
        case OPT_CRS: key = "crs"; break;
        case OPT_PROFILE: key = "profile"; break;
        case OPT_ENC: key = "encoding"; break;
        case OPT_SET: key = ""; break;
        case 'o': key = "output"; break;
        case OPT_FORMAT: key = "format"; break;
        case OPT_REACH: key = "reach_m"; break;
        case OPT_MODE: key = "mode"; break;
        case OPT_PG_SCHEMA: key = "output_schema"; break;
        case OPT_PG_PREFIX: key = "output_prefix"; break;
        case OPT_OVERWRITE: opts->overwrite = 1; break;
        case OPT_OUTENC: opts->out_encoding = optarg; break;
        case OPT_CATEGORY: opts->site_category = optarg; break;
        case OPT_OBJECTIVE: opts->site_objective = optarg; break;
        case OPT_SOLVER: opts->site_solver = optarg; break;
        case OPT_DEMAND: opts->site_demand = optarg; break;
        case OPT_CANDIDATES: key = "candidates.path"; break;
        case OPT_POINTS: key = "candidates.path"; opts->iso_points = 1; break;
        case OPT_MINUTES: opts->iso_minutes = optarg; break;
        case OPT_METRES: opts->iso_metres = optarg; break;
        case OPT_CIRCLES: opts->iso_circles = 1; break;
        case OPT_REPORT: opts->report_dir = optarg; break;
        case OPT_STREETS: key = "catchment_streets"; optarg = (char *)"true"; break;
        case OPT_CATCHMENTS: key = "catchments"; optarg = (char *)"true"; break;
        case OPT_PROGRESS_LINES: opts->progress_lines = 1; break;
        case OPT_YEARS: key = "years"; break;
        case OPT_TARGET_YEAR: key = "target_year"; break;
        case OPT_WITH_PROPOSALS: opts->with_proposals = optarg; break;
        case OPT_AT:
            if (opts->iso_nat == 16) {
                fprintf(stderr, "lifecircle %s: at most 16 --at points (use --points FILE for more)\n", argv[0]);
                return LC_EXIT_ERROR;
            }
            opts->iso_at[opts->iso_nat++] = optarg;
            break;
        case 'k':
        case OPT_TIME_LIMIT:
        case OPT_SPACING:
        case OPT_TARGET: {
            char *end = NULL;
            double v = strtod(optarg, &end);
            if (!end || end == optarg || *end || !(v > 0)) {
                fprintf(stderr, "lifecircle %s: -%s needs a positive number, got '%s'\n", argv[0],
                        c == 'k' ? "k" : c == OPT_TIME_LIMIT ? "-time-limit" : c == OPT_SPACING ? "-spacing" : "-target",
                        optarg);
                return LC_EXIT_ERROR;
            }
            if (c == 'k')
                opts->site_k = (size_t)v;
            else if (c == OPT_TIME_LIMIT)
                opts->site_time_limit = v;
            else if (c == OPT_SPACING)
                opts->site_spacing = v;
            else
                opts->site_target = v;
            break;
        }
        default:
            fprintf(stderr, "lifecircle %s: unknown or incomplete option '%s'\n\n", argv[0],
                    argv[optind - 1]);
            usage(stderr);
            return LC_EXIT_ERROR;
        }
        if (key) {
            if (nsets == 64) {
                fprintf(stderr, "lifecircle: error: too many overrides (at most 64)\n");
                return LC_EXIT_ERROR;
            }
            sets[nsets][0] = key;
            sets[nsets][1] = optarg;
            nsets++;
        }
    }
    if (optind < argc)
        opts->study_path = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "lifecircle %s: unexpected argument '%s'\n", argv[0], argv[optind]);
        return LC_EXIT_ERROR;
    }
    lc_context_set_log_level(ctx, opts->quiet ? LC_LOG_ERROR : opts->verbose ? LC_LOG_DEBUG : LC_LOG_WARNING);
    if (opts->progress_lines) { /* even with --quiet: a program asked for it */
        memset(&progress, 0, sizeof progress);
        lc_context_set_progress_handler(ctx, print_progress_line, &progress);
    } else if (opts->quiet) {
        lc_context_set_progress_handler(ctx, NULL, NULL);
    }
    timed = !opts->quiet;

    opts->study = opts->study_path ? lc_study_load(ctx, opts->study_path) : lc_study_create(ctx);
    if (!opts->study)
        return opts->study_path && lc_context_errno(ctx) == LC_ERR_CONFIG ? fail_with_layers(ctx, opts->study_path)
                                                                          : cli_fail(ctx);
    for (int i = 0; i < nsets; i++) {
        int rc = *sets[i][0] ? (lc_study_set(ctx, opts->study, sets[i][0], sets[i][1]) == LC_OK ? 0 : cli_fail(ctx))
                             : apply_set(ctx, opts->study, sets[i][1]);
        if (rc)
            return rc;
    }
    return 0;
}

void cli_options_free(cli_options *opts)
{
    lc_study_destroy(opts->study);
    opts->study = NULL;
}

/* Terminal columns of one UTF-8 string: East Asian wide characters (CJK, full-width forms) take two. */
static int display_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int len;
        if (*p < 0x80) { cp = *p; len = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; len = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; len = 3; }
        else { cp = *p & 0x07; len = 4; }
        for (int i = 1; i < len && p[i]; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        w += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                               (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
                               (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)))
                 ? 2 : 1;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return w;
}

void cli_print_padded(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int w = display_width(s); w < width; w++)
        fputc(' ', out);
}

char *cli_format_count(char *buf, size_t size, double v)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(v) < 0.5 ? 0.0 : fabs(v));
    size_t len = strlen(digits), used = 0;
    if (v <= -0.5 && used + 1 < size)
        buf[used++] = '-';
    for (size_t i = 0; i < len && used + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[used++] = ',';
        buf[used++] = digits[i];
    }
    buf[used] = '\0';
    return buf;
}

void cli_print_count(FILE *out, double v)
{
    char buf[64];
    fputs(cli_format_count(buf, sizeof buf, v), out);
}
