/*
 * tests/lc_test.h — what every test file shares: the suite list, a checked fixture that gives each
 * test a fresh context, temporary directories, and fixture files written through GDAL.
 */
#ifndef LIFECIRCLE_TESTS_LC_TEST_H
#define LIFECIRCLE_TESTS_LC_TEST_H

#include <check.h>
#include <stddef.h>

#include "lifecircle/lifecircle.h"

/* One suite per module; each test file defines one. */
Suite *suite_context(void);
Suite *suite_crs(void);
Suite *suite_study(void);
Suite *suite_layers(void);
Suite *suite_validate(void);
Suite *suite_output(void);
Suite *suite_indicators(void);
Suite *suite_check(void);
Suite *suite_coverage(void);
Suite *suite_siting(void);
Suite *suite_network(void);
Suite *suite_isochrones(void);
Suite *suite_roads(void);
Suite *suite_plausible(void);
Suite *suite_map(void);
Suite *suite_run(void);
Suite *suite_atomic(void);
Suite *suite_qml(void);
Suite *suite_report(void);
Suite *suite_levels(void);
Suite *suite_xlsx(void);
Suite *suite_access(void);
Suite *suite_progress(void);
Suite *suite_init(void);
Suite *suite_postgis(void); /* needs $LC_PG; skipped (exit 77) without it */

/* The context of the running test, created by lct_setup() and destroyed by lct_teardown(). */
extern lc_context *lct_ctx;
void lct_setup(void);
void lct_teardown(void);

/* A fresh empty directory under $TMPDIR (or /tmp) for the running test. Caller frees the string
 * and removes the directory with lct_rmtree(). */
char *lct_tmpdir(void);
/* Removes a directory tree (rm -rf). */
void lct_rmtree(const char *path);
/* path joined to name, caller frees. */
char *lct_path(const char *dir, const char *name);
/* The whole of a file, NUL-terminated (its length in *size when size is not NULL), or NULL when it
 * cannot be read. Caller frees. */
char *lct_slurp(const char *path, size_t *size);
/* As lct_slurp, failing the test (naming the file) when it cannot be read. */
char *lct_read_file(const char *path, size_t *size);
/* The entry names of dir but "." and "..", sorted by strcmp, their count in *n; fails the test
 * when dir cannot be opened. Caller frees with lct_free_names(). */
char **lct_list_dir(const char *dir, size_t *n);
void lct_free_names(char **names, size_t n);
/* 1 if directories a and b hold the same names with the same bytes (one level: outputs are flat),
 * 0 otherwise (also when either is missing). */
int lct_same_dirs(const char *a, const char *b);
/* Fails the test, naming the first difference, unless a and b hold the same names with the same
 * bytes and at least one file. */
void lct_assert_same_dirs(const char *a, const char *b);
/* Writes text to a file; returns 0 on success. */
int lct_write_text(const char *path, const char *text);

/* The GeoJSON "crs" member naming UTM 51N (EPSG:32651), the CRS of the hand-built fixtures. */
#define UTM "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32651\"}},"

/* Writes a GeoJSON FeatureCollection in UTM 51N of the given features text to path, asserting. */
void lct_write_fc(const char *path, const char *features);

/* The project source directory and the shared data directory (../shared beside the checkout),
 * from the environment meson sets (LC_SOURCE_DIR, LC_SHARED_DIR). Borrowed. */
const char *lct_source_dir(void);
const char *lct_shared_dir(void);

/* Whether the shared real data (../shared/data/osm, or $LC_SHARED_DIR) is there, for suites to add
 * their real-data tests only then. Without it a line says which tests were left out; with
 * LC_REQUIRE_SHARED set (CI sets it) its absence fails the run instead, so CI never passes a real-
 * data test by skipping it. */
int lct_have_shared(void);

/* Writes a fixture: the GeoJSON text is converted by GDALVectorTranslate into out_path with the
 * given driver ("ESRI Shapefile", "GPKG", "GeoJSON", "CSV", "XLSX") and extra ogr2ogr-style options
 * (NULL-terminated list, may be NULL), e.g. {"-lco", "ENCODING=CP936", NULL}. Returns 0 on success. */
int lct_fixture(const char *out_path, const char *driver, const char *geojson, const char *const *options);

/* A study read and checked in memory: what most library tests start from. */
typedef struct lct_world {
    char *dir;            /* the test's temporary directory (removed by lct_world_free), or NULL */
    lc_study *study;
    lc_profile *profile;  /* shanghai-2025 */
    lc_quality *quality;
    lc_inputs *inputs;
    lc_coverage *cov;
    lc_indicators *ind;
} lct_world;

/* Takes ownership of study, loads the built-in profile, reads the inputs, computes coverage (with
 * options o, may be NULL) and indicators into w, asserting every step. w->dir is left as set. */
void lct_world_load(lct_world *w, lc_study *study, const lc_coverage_options *o);

/* Releases everything lct_world_load made and removes w->dir. */
void lct_world_free(lct_world *w);

/* The walking corridor computed apart from the coverage, by GEOS: one unbounded pass from the n
 * points (attached within 200 m), every part of an edge within reach of it (the network's own
 * lc_network_reach_segments) buffered alone by width with quadsegs segments a quarter circle, and
 * the buffers dissolved. The polygons are inscribed in the true circles, so this reference falls
 * short of the exact corridor by at most width·(1 − cos(π / (4·quadsegs))) across its edge; *nseg
 * (may be NULL) receives how many parts were buffered. Caller destroys the result. */
GEOSGeometry *lct_buffered_reach(const lc_network *net, const lc_xy *points, size_t n, double reach, double width,
                                 int quadsegs, size_t *nseg);

/* Runs the lifecircle command ($LC_CLI) with args (a shell-quoted string), captures stdout and
 * stderr into *out (caller frees with free()) and returns its exit code (-1 if it did not exit). */
int lct_run_cli(const char *args, char **out);

/* Asserts that a message contains a substring, printing both when it does not. */
#define lct_assert_contains(haystack, needle)                                                    \
    ck_assert_msg((haystack) && strstr((haystack), (needle)), "expected \"%s\" in \"%s\"", (needle), \
                  (haystack) ? (haystack) : "(null)")

#endif /* LIFECIRCLE_TESTS_LC_TEST_H */
