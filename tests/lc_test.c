/*
 * tests/lc_test.c — the test runner (one suite per module, selectable with CK_RUN_SUITE) and the
 * helpers declared in lc_test.h.
 */
#include <errno.h>
#include <math.h>
#include <ftw.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lc_test.h"

lc_context *lct_ctx;

void lct_setup(void)
{
    lct_ctx = lc_context_create();
    ck_assert_ptr_nonnull(lct_ctx);
}

void lct_teardown(void)
{
    lc_context_destroy(lct_ctx);
    lct_ctx = NULL;
}

char *lct_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = lct_path(base && *base ? base : "/tmp", "lifecircle-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(path));
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void lct_rmtree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *lct_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *lct_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            buf = realloc(buf, cap *= 2);
            ck_assert_ptr_nonnull(buf);
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (size)
        *size = n;
    return buf;
}

char *lct_read_file(const char *path, size_t *size)
{
    char *text = lct_slurp(path, size);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    return text;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lct_list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    size_t cap = 16;
    char **names = malloc(cap * sizeof *names);
    ck_assert_ptr_nonnull(names);
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (*n == cap) {
            names = realloc(names, (cap *= 2) * sizeof *names);
            ck_assert_ptr_nonnull(names);
        }
        names[(*n)++] = strdup(de->d_name);
        ck_assert_ptr_nonnull(names[*n - 1]);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

void lct_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The first difference between directories a and b into why, "" when they are the same; 0 when
 * they are the same, 1 otherwise (a missing directory included). */
static int dirs_differ(const char *a, const char *b, char *why, size_t size)
{
    struct stat sa, sb;
    why[0] = '\0';
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || !S_ISDIR(sa.st_mode) || !S_ISDIR(sb.st_mode)) {
        snprintf(why, size, "%s or %s is not a directory", a, b);
        return 1;
    }
    size_t na = 0, nb = 0;
    char **la = lct_list_dir(a, &na), **lb = lct_list_dir(b, &nb);
    if (na != nb)
        snprintf(why, size, "%s holds %zu entries, %s %zu", a, na, b, nb);
    for (size_t i = 0; !why[0] && i < na; i++) {
        if (strcmp(la[i], lb[i])) {
            snprintf(why, size, "%s holds %s where %s holds %s", a, la[i], b, lb[i]);
            break;
        }
        char *pa = lct_path(a, la[i]), *pb = lct_path(b, lb[i]);
        size_t za = 0, zb = 0;
        char *da = lct_slurp(pa, &za), *db = lct_slurp(pb, &zb);
        if (!da || !db || za != zb || memcmp(da, db, za))
            snprintf(why, size, "%s differs between %s and %s", la[i], a, b);
        free(da), free(db), free(pa), free(pb);
    }
    lct_free_names(la, na);
    lct_free_names(lb, nb);
    return why[0] != '\0';
}

int lct_same_dirs(const char *a, const char *b)
{
    char why[1024];
    return !dirs_differ(a, b, why, sizeof why);
}

void lct_assert_same_dirs(const char *a, const char *b)
{
    char why[1024];
    ck_assert_msg(!dirs_differ(a, b, why, sizeof why), "%s", why);
    size_t n = 0;
    char **names = lct_list_dir(a, &n); /* apart: the call must set n before n is read */
    lct_free_names(names, n);
    ck_assert_msg(n > 0, "%s is empty: nothing was compared", a);
}

int lct_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

void lct_write_fc(const char *path, const char *features)
{
    size_t n = strlen(features) + 512;
    char *t = malloc(n);
    ck_assert_ptr_nonnull(t);
    snprintf(t, n, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[%s]}", features);
    ck_assert_int_eq(lct_write_text(path, t), 0);
    free(t);
}

const char *lct_source_dir(void)
{
    const char *d = getenv("LC_SOURCE_DIR");
    return d ? d : ".";
}

const char *lct_shared_dir(void)
{
    const char *d = getenv("LC_SHARED_DIR");
    return d ? d : "../shared";
}

int lct_have_shared(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/osm/porto.osm.pbf", lct_shared_dir());
    if (access(path, R_OK) == 0)
        return 1;
    if (getenv("LC_REQUIRE_SHARED")) {
        fprintf(stderr, "error: %s is missing and LC_REQUIRE_SHARED is set: the real-data tests cannot run\n", path);
        exit(1);
    }
    fprintf(stderr, "note: %s not found: real-data tests left out (keep ../shared beside the checkout)\n", path);
    return 0;
}

int lct_fixture(const char *out_path, const char *driver, const char *geojson, const char *const *options)
{
    char src[4096];
    snprintf(src, sizeof src, "/vsimem/lct_fixture_%d.geojson", (int)getpid());
    VSILFILE *f = VSIFileFromMemBuffer(src, (GByte *)CPLStrdup(geojson), strlen(geojson), TRUE);
    if (!f)
        return -1;
    VSIFCloseL(f);
    GDALAllRegister();
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!in)
        return -1;
    char **argv = NULL;
    argv = CSLAddString(argv, "-f");
    argv = CSLAddString(argv, driver);
    for (const char *const *o = options; o && *o; o++)
        argv = CSLAddString(argv, *o);
    GDALVectorTranslateOptions *opts = GDALVectorTranslateOptionsNew(argv, NULL);
    CSLDestroy(argv);
    int err = 0;
    GDALDatasetH out = GDALVectorTranslate(out_path, NULL, 1, &in, opts, &err);
    GDALVectorTranslateOptionsFree(opts);
    GDALClose(in);
    VSIUnlink(src);
    if (!out)
        return -1;
    GDALClose(out);
    return err ? -1 : 0;
}

void lct_world_load(lct_world *w, lc_study *study, const lc_coverage_options *o)
{
    w->study = study;
    ck_assert_ptr_nonnull(w->study);
    w->profile = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_msg(w->profile != NULL, "%s", lc_context_errmsg(lct_ctx));
    w->quality = lc_quality_create(lct_ctx);
    w->inputs = lc_inputs_read(lct_ctx, w->study, w->profile, w->quality);
    ck_assert_msg(w->inputs != NULL, "%s", lc_context_errmsg(lct_ctx));
    w->cov = lc_coverage_compute(lct_ctx, w->inputs, w->profile, o);
    ck_assert_msg(w->cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    w->ind = lc_indicators_compute(lct_ctx, w->inputs, w->profile, w->cov, w->quality);
    ck_assert_msg(w->ind != NULL, "%s", lc_context_errmsg(lct_ctx));
}

void lct_world_free(lct_world *w)
{
    lc_indicators_destroy(w->ind);
    lc_coverage_destroy(w->cov);
    lc_inputs_destroy(w->inputs);
    lc_quality_destroy(w->quality);
    lc_profile_destroy(w->profile);
    lc_study_destroy(w->study);
    lct_rmtree(w->dir);
    free(w->dir);
    memset(w, 0, sizeof *w);
}

int lct_run_cli(const char *args, char **out)
{
    const char *cli = getenv("LC_CLI");
    ck_assert_ptr_nonnull(cli);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", cli, args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            buf = realloc(buf, cap *= 2);
            ck_assert_ptr_nonnull(buf);
        }
    }
    buf[n] = '\0';
    int status = pclose(p);
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef Suite *(*suite_fn)(void);

/* Exit code that tells meson (and automake) a test was skipped. */
#define LCT_EXIT_SKIP 77

int main(void)
{
    suite_fn suites[] = {suite_context, suite_crs, suite_study, suite_layers, suite_validate, suite_output,
                         suite_indicators, suite_check, suite_coverage, suite_siting, suite_network,
                         suite_isochrones, suite_report, suite_qml, suite_map, suite_roads, suite_run,
                         suite_levels, suite_plausible, suite_atomic, suite_xlsx, suite_access, suite_progress,
                         suite_init};
    /* The postgis suite needs a server ($LC_PG, see scripts/pg-test-server.sh): asked for alone
     * without one it reports SKIPPED, never a pass; in a run of every suite it is left out. */
    const char *only = getenv("CK_RUN_SUITE"), *pg = getenv("LC_PG");
    int have_pg = pg && *pg;
    if (only && !strcmp(only, "postgis") && !have_pg) {
        fprintf(stderr, "postgis suite skipped: LC_PG is not set (scripts/pg-test-server.sh start prints it)\n");
        return LCT_EXIT_SKIP;
    }
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(sr, suites[i]());
    if (have_pg)
        srunner_add_suite(sr, suite_postgis());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

GEOSGeometry *lct_buffered_reach(const lc_network *net, const lc_xy *points, size_t n, double reach, double width,
                                 int quadsegs, size_t *nseg_out)
{
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    lc_snap *s = malloc((n ? n : 1) * sizeof *s);
    long *ids = malloc((n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, points[i], 200, &s[i]), LC_OK);
        ids[i] = (long)i;
    }
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, s, ids, n, INFINITY);
    ck_assert_ptr_nonnull(r);
    lc_xy *segs = NULL;
    size_t nseg = 0;
    ck_assert_int_eq(lc_network_reach_segments(lct_ctx, r, reach, &segs, &nseg), LC_OK);
    GEOSGeometry **bufs = malloc((nseg ? nseg : 1) * sizeof *bufs);
    for (size_t k = 0; k < nseg; k++) {
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
        GEOSCoordSeq_setXY_r(h, cs, 0, segs[2 * k].x, segs[2 * k].y);
        GEOSCoordSeq_setXY_r(h, cs, 1, segs[2 * k + 1].x, segs[2 * k + 1].y);
        GEOSGeometry *line = GEOSGeom_createLineString_r(h, cs);
        bufs[k] = GEOSBuffer_r(h, line, width, quadsegs);
        GEOSGeom_destroy_r(h, line);
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bufs, (unsigned)nseg);
    GEOSGeometry *sa = GEOSUnaryUnion_r(h, coll);
    ck_assert_ptr_nonnull(sa);
    GEOSGeom_destroy_r(h, coll);
    free(bufs);
    free(segs);
    free(s);
    free(ids);
    lc_network_reach_destroy(r);
    if (nseg_out)
        *nseg_out = nseg;
    return sa;
}
