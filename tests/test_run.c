/*
 * tests/test_run.c — the commands as library calls (lifecircle/run.h): lc_run_check writes exactly
 * what the `lifecircle check` command writes (every file compared byte for byte on the demo), data
 * errors compute and write nothing, a report that cannot be written leaves the output as it was
 * (both or neither), lc_run_site writes the GeoPackage check writes, option structs from an
 * older caller (a smaller size) read the missing fields as 0, and a cancel (lc_context_cancel from
 * the progress handler, or SIGTERM to the command) stops a run and leaves the previous output whole.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <gdal.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lc_test.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The demo study with output dir and format fmt set; caller destroys. */
static lc_study *demo_study(const char *dir, const char *fmt)
{
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.yml");
    lc_study *st = lc_study_load(lct_ctx, demo);
    free(demo);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", dir), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "format", fmt), LC_OK);
    return st;
}

START_TEST(check_run_writes_what_the_command_writes)
{
    char *tmp = lct_tmpdir(), *a = lct_path(tmp, "lib"), *b = lct_path(tmp, "cli");
    lc_study *st = demo_study(a, "geojson");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.quality = q;
    lc_run *run = lc_run_check(lct_ctx, st, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_ptr_nonnull(lc_run_results(run));
    ck_assert_ptr_eq(lc_run_quality(run), q);
    ck_assert_ptr_null(lc_run_network(run)); /* straight-line: no network built */
    /* The failures the run counts are the indicators' own. */
    ck_assert_uint_eq(lc_run_failures(run), lc_indicators_failures(lc_run_results(run)->indicators));
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.yml"), args[4096], *out;
    snprintf(args, sizeof args, "check '%s' -o '%s' --format geojson -q", demo, b);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == (lc_run_failures(run) ? 1 : 0), "exit %d: %s", rc, out);
    free(out);
    lct_assert_same_dirs(a, b);
    lc_run_destroy(run);
    lc_quality_destroy(q);
    lc_study_destroy(st);
    lct_rmtree(tmp);
    free(demo), free(tmp), free(a), free(b);
}
END_TEST

START_TEST(data_errors_compute_and_write_nothing)
{
    /* A compound with a negative population is a data error: nothing computed, nothing written,
     * the error in the caller's quality list. */
    char *tmp = lct_tmpdir(), *res = lct_path(tmp, "res.geojson"), *fac = lct_path(tmp, "fac.geojson"),
         *dir = lct_path(tmp, "out");
    ck_assert_int_eq(lct_write_text(res, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\","
                                         "\"properties\":{\"id\":\"R1\",\"常住人口\":-5},\"geometry\":{\"type\":"
                                         "\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}}]}"), 0);
    ck_assert_int_eq(lct_write_text(fac, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\","
                                         "\"properties\":{\"id\":\"C\",\"类型\":\"社区综合为老服务中心\"},\"geometry\":"
                                         "{\"type\":\"Point\",\"coordinates\":[50,50]}}]}"), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", res);
    lc_study_set(lct_ctx, st, "facilities.path", fac);
    lc_study_set(lct_ctx, st, "output", dir);
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.quality = q;
    ck_assert_ptr_null(lc_run_check(lct_ctx, st, &ro));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_DATA);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "nothing was computed or written");
    ck_assert_uint_ge(lc_quality_count_severity(q, LC_SEVERITY_ERROR), 1);
    ck_assert(!exists(dir));
    lc_quality_destroy(q);
    lc_study_destroy(st);
    lct_rmtree(tmp);
    free(tmp), free(res), free(fac), free(dir);
}
END_TEST

START_TEST(report_that_fails_leaves_the_output_as_it_was)
{
    /* A first run writes the output; a second with --overwrite and a report that cannot be made
     * (under a regular file) fails, and the first output is still there, byte for byte (compared
     * with a copy made by a third, clean run), with no report anywhere. */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "out"), *ref = lct_path(tmp, "ref"),
         *file = lct_path(tmp, "a-file"), *report = lct_path(tmp, "a-file/report");
    ck_assert_int_eq(lct_write_text(file, "not a directory\n"), 0);
    lc_study *st = demo_study(dir, "geojson");
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    lc_run *run = lc_run_check(lct_ctx, st, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(run);
    ro.overwrite = 1;
    ro.report_dir = report;
    ck_assert_ptr_null(lc_run_check(lct_ctx, st, &ro));
    ck_assert(!exists(report));
    lc_study *st2 = demo_study(ref, "geojson");
    ro.report_dir = NULL;
    run = lc_run_check(lct_ctx, st2, &ro);
    ck_assert_ptr_nonnull(run);
    lc_run_destroy(run);
    lct_assert_same_dirs(dir, ref);
    lc_study_destroy(st);
    lc_study_destroy(st2);
    lct_rmtree(tmp);
    free(tmp), free(dir), free(ref), free(report), free(file);
}
END_TEST

START_TEST(output_named_like_a_file_is_refused)
{
    /* -o results.gpkg (any case, with or without a trailing slash) would make a directory named like
     * a GeoPackage: refused before anything is read or written, naming the target and a directory to
     * use instead; a directory name with a dot elsewhere (out.v2) stays accepted. */
    char *tmp = lct_tmpdir();
    const char *names[] = {"results.gpkg", "Results.GPKG/", "layers.shp", "out.geojson"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char *dir = lct_path(tmp, names[k]);
        lc_study *st = demo_study(dir, "gpkg");
        lc_run_options ro = LC_RUN_OPTIONS_INIT;
        ck_assert_ptr_null(lc_run_check(lct_ctx, st, &ro));
        ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
        const char *msg = lc_context_errmsg(lct_ctx);
        ck_assert_msg(strstr(msg, names[k]) && strstr(msg, "output is a directory") && strstr(msg, "输出为目录"), "%s", msg);
        ck_assert(!exists(dir));
        lc_study_destroy(st);
        free(dir);
    }
    char *dir = lct_path(tmp, "out.v2");
    lc_study *st = demo_study(dir, "gpkg");
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    lc_run *run = lc_run_check(lct_ctx, st, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(run);
    lc_study_destroy(st);
    lct_rmtree(tmp);
    free(tmp), free(dir);
}
END_TEST

START_TEST(site_run_writes_geopackage)
{
    /* Up to two proposals for the centre category into a GeoPackage (the format check writes): the
     * proposals layer holds as many points as lc_run_siting proposes (greedy stops early when a
     * site would add nobody), at least one on the demo. */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "sites");
    lc_study *st = demo_study(dir, "gpkg");
    lc_site_run_options so = LC_SITE_RUN_OPTIONS_INIT;
    so.category = "centre";
    so.siting = (lc_siting_options){.objective = LC_SITING_MCLP, .k = 2};
    lc_run *run = lc_run_site(lct_ctx, st, NULL, &so);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    size_t k = lc_siting_count(lc_run_siting(run));
    ck_assert(k >= 1 && k <= 2);
    ck_assert_uint_eq(lc_run_siting_category(run), (size_t)lc_profile_find_category(lc_run_profile(run), "centre"));
    char *gpkg = lct_path(dir, "lifecircle.gpkg");
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "proposals");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, 1), (GIntBig)k);
    GDALClose(ds);
    /* An unknown category is the caller's mistake, named. */
    so.category = "nosuch";
    char *x = lct_path(tmp, "x");
    lc_study *st2 = demo_study(x, "gpkg");
    ck_assert_ptr_null(lc_run_site(lct_ctx, st2, NULL, &so));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "'nosuch'");
    lc_run_destroy(run);
    lc_study_destroy(st);
    lc_study_destroy(st2);
    lct_rmtree(tmp);
    free(tmp), free(dir), free(gpkg), free(x);
}
END_TEST

/* Every row of layer `name` of the dataset at path (NULL: its only layer) as cells of text, fields
 * in order; a real as its double. Fills *nrows and *nfields; caller frees the array and cells. */
typedef struct table_cell {
    char *s;   /* the text ("" when null) */
    double d;  /* the number, when is_real */
    int is_real;
} table_cell;

static table_cell *read_table(const char *path, const char *name, size_t *nrows, size_t *nfields, char ***fields)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "cannot open %s", path);
    OGRLayerH l = name ? GDALDatasetGetLayerByName(ds, name) : GDALDatasetGetLayer(ds, 0);
    ck_assert_msg(l != NULL, "%s has no layer %s", path, name ? name : "");
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    size_t nf = (size_t)OGR_FD_GetFieldCount(fd), n = 0, cap = 16;
    *fields = calloc(nf, sizeof **fields);
    for (size_t i = 0; i < nf; i++)
        (*fields)[i] = strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, (int)i)));
    table_cell *cells = calloc(cap * nf, sizeof *cells);
    OGRFeatureH ft;
    OGR_L_ResetReading(l);
    while ((ft = OGR_L_GetNextFeature(l))) {
        if (n == cap)
            cells = realloc(cells, (cap *= 2) * nf * sizeof *cells);
        for (size_t i = 0; i < nf; i++) {
            table_cell *c = &cells[n * nf + i];
            int set = OGR_F_IsFieldSetAndNotNull(ft, (int)i);
            c->s = strdup(set ? OGR_F_GetFieldAsString(ft, (int)i) : "");
            c->is_real = OGR_Fld_GetType(OGR_FD_GetFieldDefn(fd, (int)i)) == OFTReal;
            c->d = set ? OGR_F_GetFieldAsDouble(ft, (int)i) : 0;
        }
        OGR_F_Destroy(ft);
        n++;
    }
    GDALClose(ds);
    *nrows = n, *nfields = nf;
    return cells;
}

static void free_table(table_cell *cells, size_t n, size_t nf, char **fields)
{
    for (size_t k = 0; k < n * nf; k++)
        free(cells[k].s);
    for (size_t i = 0; i < nf; i++)
        free(fields[i]);
    free(cells), free(fields);
}

START_TEST(site_geopackage_keeps_summary_csv_beside)
{
    /* As check does, a site run into a GeoPackage keeps summary.csv beside lifecircle.gpkg: the file
     * exists, and read back with OGR (its CSV driver, every cell as text) it has the fields and the
     * rows of the GeoPackage's summary table, read back with OGR too: the same texts, and numbers equal
     * to 1e-12 (summary.csv writes 15 significant digits). The rows, by hand: the demo's four 街镇
     * (1.5 km grid cells Grid r1c2, r2c1, r3c1, r3c2) and the whole area, so 5; the whole area's
     * new_sites is the number of proposals. And the bytes are those of a Shapefile site output's
     * summary.csv (the table writer). */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "sites"), *shp = lct_path(tmp, "sites-shp");
    lc_study *st = demo_study(dir, "gpkg");
    lc_site_run_options so = LC_SITE_RUN_OPTIONS_INIT;
    so.category = "centre";
    so.siting = (lc_siting_options){.objective = LC_SITING_MCLP, .k = 2};
    lc_run *run = lc_run_site(lct_ctx, st, NULL, &so);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    size_t k = lc_siting_count(lc_run_siting(run));
    char *csv = lct_path(dir, "summary.csv"), *gpkg = lct_path(dir, "lifecircle.gpkg");
    ck_assert_msg(exists(csv), "no summary.csv beside %s", gpkg);
    size_t na, nfa, nb, nfb;
    char **fa, **fb;
    table_cell *a = read_table(csv, NULL, &na, &nfa, &fa), *b = read_table(gpkg, "summary", &nb, &nfb, &fb);
    ck_assert_uint_eq(nb, 5);
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_eq(nfa, nfb);
    ck_assert_uint_eq(nfb, 11);
    for (size_t i = 0; i < nfb; i++)
        ck_assert_str_eq(fa[i], fb[i]);
    for (size_t r = 0; r < nb; r++)
        for (size_t i = 0; i < nfb; i++) {
            const table_cell *x = &a[r * nfa + i], *y = &b[r * nfb + i];
            if (y->is_real && *y->s) {
                double d = strtod(x->s, NULL), tol = 1e-12 * (fabs(y->d) > 1 ? fabs(y->d) : 1);
                ck_assert_msg(fabs(d - y->d) <= tol, "row %zu %s: csv %s, gpkg %.17g", r, fb[i], x->s, y->d);
            } else {
                ck_assert_msg(!strcmp(x->s, y->s), "row %zu %s: csv '%s', gpkg '%s'", r, fb[i], x->s, y->s);
            }
        }
    ck_assert_str_eq(b[4 * nfb].s, "total");
    ck_assert_str_eq(fb[8], "new_sites");
    ck_assert_int_eq(atoi(b[4 * nfb + 8].s), (int)k);
    /* The same bytes as the Shapefile output's table. */
    lc_study *st2 = demo_study(shp, "shapefile");
    lc_run *run2 = lc_run_site(lct_ctx, st2, NULL, &so);
    ck_assert_msg(run2, "%s", lc_context_errmsg(lct_ctx));
    char *csv2 = lct_path(shp, "summary.csv");
    size_t len1, len2;
    char *t1 = lct_read_file(csv, &len1), *t2 = lct_read_file(csv2, &len2);
    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    ck_assert_uint_eq(len1, len2);
    ck_assert(memcmp(t1, t2, len1) == 0);
    free(t1), free(t2), free(csv2);
    free_table(a, na, nfa, fa);
    free_table(b, nb, nfb, fb);
    lc_run_destroy(run);
    lc_run_destroy(run2);
    lc_study_destroy(st);
    lc_study_destroy(st2);
    lct_rmtree(tmp);
    free(tmp), free(dir), free(shp), free(csv), free(gpkg);
}
END_TEST

START_TEST(older_callers_options_read_as_zero_past_their_size)
{
    /* A caller built when lc_run_options ended before report_dir: whatever lies past its size is
     * not read, so no report is attempted into the garbage path (the run succeeds). */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "out");
    lc_study *st = demo_study(dir, "geojson");
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.size = offsetof(lc_run_options, report_dir);
    ro.report_dir = "/proc/not/a/place/for/reports";
    lc_run *run = lc_run_check(lct_ctx, st, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    ck_assert(exists(dir));
    lc_run_destroy(run);
    lc_study_destroy(st);
    lct_rmtree(tmp);
    free(tmp), free(dir);
}
END_TEST

/* Progress handler that cancels the run on the first report of a stage starting with `at`. */
typedef struct canceller {
    const char *at;
    int seen;
} canceller;

static void cancel_at(const char *stage, double fraction, void *user)
{
    (void)fraction;
    canceller *c = user;
    if (!strncmp(stage, c->at, strlen(c->at))) {
        c->seen++;
        lc_context_cancel(lct_ctx);
    }
}

/* Names in dir starting with prefix (the atomic writer's ".tmp-" / ".old-" leftovers). */
static int count_prefixed(const char *dir, const char *prefix)
{
    size_t n = 0;
    char **names = lct_list_dir(dir, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += strstr(names[i], prefix) != NULL;
    lct_free_names(names, n);
    return k;
}

START_TEST(cancel_stops_the_run_and_writes_nothing)
{
    /* A first run writes out/; then three runs with --overwrite are cancelled from the progress
     * handler: while the inputs are read (a step boundary), in the middle of the walking distances
     * (a threaded step: the pool stops taking tasks) and while the catchments are dissolved (a
     * threaded step inside the writing, whose half-written files must go). Each returns LC_ERR_CANCELLED naming where, out/ stays
     * byte-identical to a copy made by a clean run, and no temporary directory is left. */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "out"), *ref = lct_path(tmp, "ref");
    lc_study *st = demo_study(dir, "geojson"), *st2 = demo_study(ref, "geojson");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "mode", "network"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st2, "mode", "network"), LC_OK);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    lc_run *run = lc_run_check(lct_ctx, st, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(run);
    ro.overwrite = 1;
    static const char *const at[] = {"reading", "walking distances", "catchments"};
    static const char *const where[] = {"reading", "walking distances", "catchments"};
    for (int k = 0; k < 3; k++) {
        canceller c = {at[k], 0};
        lc_context_set_progress_handler(lct_ctx, cancel_at, &c);
        ck_assert_ptr_null(lc_run_check(lct_ctx, st, &ro));
        lc_context_set_progress_handler(lct_ctx, NULL, NULL);
        ck_assert_msg(c.seen > 0, "stage %s never reported", at[k]);
        ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CANCELLED);
        lct_assert_contains(lc_context_errmsg(lct_ctx), "cancelled");
        lct_assert_contains(lc_context_errmsg(lct_ctx), where[k]);
        ck_assert(lc_context_cancelled(lct_ctx));
        lc_context_uncancel(lct_ctx);
        ck_assert_int_eq(count_prefixed(tmp, ".tmp-") + count_prefixed(tmp, ".old-"), 0);
    }
    run = lc_run_check(lct_ctx, st2, &ro);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(run);
    lct_assert_same_dirs(dir, ref);
    /* Cancelled before the call: nothing is read. */
    lc_context_cancel(lct_ctx);
    ck_assert_ptr_null(lc_run_check(lct_ctx, st, &ro));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "before it began");
    lc_context_uncancel(lct_ctx);
    lc_study_destroy(st);
    lc_study_destroy(st2);
    lct_rmtree(tmp);
    free(tmp), free(dir), free(ref);
}
END_TEST

START_TEST(sigterm_cancels_the_command)
{
    /* The command on the demo along the network; once it reports the walking distances (progress
     * lines on stderr) it gets SIGTERM, as QGIS's Cancel sends: exit 130, "cancelled" on stderr,
     * the previous output as it was and nothing left beside it. */
    char *tmp = lct_tmpdir(), *dir = lct_path(tmp, "out"), *marker = lct_path(dir, "previous.txt");
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.yml");
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_eq(lct_write_text(marker, "the previous output\n"), 0);
    int err[2];
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(err[1], STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        close(err[0]);
        execl(getenv("LC_CLI"), "lifecircle", "check", demo, "--mode", "network", "-o", dir, "--overwrite",
              "--progress-lines", (char *)NULL);
        _exit(127);
    }
    close(err[1]);
    FILE *f = fdopen(err[0], "r");
    char line[1024], all[65536] = "";
    int sent = 0;
    while (fgets(line, sizeof line, f)) {
        if (strlen(all) + strlen(line) < sizeof all)
            strcat(all, line);
        if (!sent && strstr(line, "walking distances")) {
            kill(pid, SIGTERM);
            sent = 1;
        }
    }
    fclose(f);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(sent, "no walking-distance progress seen: %s", all);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d: %s", status, all);
    const char *said = all;
    lct_assert_contains(said, "cancelled");
    size_t size = 0;
    char *text = lct_slurp(marker, &size);
    ck_assert_str_eq(text, "the previous output\n");
    ck_assert_int_eq(count_prefixed(tmp, ".tmp-") + count_prefixed(tmp, ".old-"), 0);
    free(text);
    lct_rmtree(tmp);
    free(tmp), free(dir), free(marker), free(demo);
}
END_TEST

Suite *suite_run(void)
{
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("runs");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, check_run_writes_what_the_command_writes);
    tcase_add_test(tc, data_errors_compute_and_write_nothing);
    tcase_add_test(tc, output_named_like_a_file_is_refused);
    tcase_add_test(tc, report_that_fails_leaves_the_output_as_it_was);
    tcase_add_test(tc, site_run_writes_geopackage);
    tcase_add_test(tc, site_geopackage_keeps_summary_csv_beside);
    tcase_add_test(tc, older_callers_options_read_as_zero_past_their_size);
    tcase_add_test(tc, cancel_stops_the_run_and_writes_nothing);
    tcase_add_test(tc, sigterm_cancels_the_command);
    suite_add_tcase(s, tc);
    return s;
}
