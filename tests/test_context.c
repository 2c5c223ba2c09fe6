/*
 * tests/test_context.c — suite "context": creating and destroying contexts, the last error, the
 * message handler (with forwarded PROJ and GEOS messages) and its level threshold, the progress
 * handler, the status table and families, and the version string.
 */
#include <cpl_conv.h>
#include <ogr_api.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* Collects the messages a handler receives. */
typedef struct messages {
    int count;
    int count_at[LC_LOG_ERROR + 1];
    char all[8192]; /* every message, one per line, truncated when full */
} messages;

static void collect(lc_log_level level, const char *message, void *user)
{
    messages *m = user;
    ck_assert_ptr_nonnull(message);
    ck_assert(level >= LC_LOG_DEBUG && level <= LC_LOG_ERROR);
    m->count++;
    m->count_at[level]++;
    size_t used = strlen(m->all);
    if (used + 1 < sizeof m->all)
        snprintf(m->all + used, sizeof m->all - used, "%s\n", message);
}

/* A self-intersecting "bow tie": GEOSisValid_r reports why through the notice handler. */
static void validate_bow_tie(lc_context *ctx)
{
    GEOSContextHandle_t h = lc_context_geos(ctx);
    GEOSWKTReader *reader = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, reader, "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(GEOSisValid_r(h, g), 0);
    GEOSGeom_destroy_r(h, g);
    GEOSWKTReader_destroy_r(h, reader);
}

/* ---- Normal use ---- */

START_TEST(test_create_destroy)
{
    lc_context *ctx = lc_context_create();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(lc_context_errno(ctx), LC_OK);
    ck_assert_str_eq(lc_context_errmsg(ctx), "");
    ck_assert_ptr_nonnull(lc_context_geos(ctx));
    lc_context_destroy(ctx);
}
END_TEST

START_TEST(test_contexts_are_independent)
{
    lc_context *other = lc_context_create();
    ck_assert_ptr_nonnull(other);
    ck_assert_ptr_ne(lc_context_geos(other), lc_context_geos(lct_ctx));
    ck_assert_ptr_null(lc_crs_create(other, "junk-crs"));
    ck_assert_int_eq(lc_context_errno(other), LC_ERR_CRS);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_OK);
    ck_assert_str_eq(lc_context_errmsg(lct_ctx), "");
    lc_context_destroy(other);
}
END_TEST

START_TEST(test_error_then_clear)
{
    ck_assert_ptr_null(lc_crs_create(lct_ctx, "junk-crs"));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CRS);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "junk-crs");
    ck_assert_int_eq(lc_status_family_of(lc_context_errno(lct_ctx)), LC_FAMILY_CRS);

    lc_context_clear_error(lct_ctx);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_OK);
    ck_assert_str_eq(lc_context_errmsg(lct_ctx), "");
}
END_TEST

START_TEST(test_later_error_replaces_earlier)
{
    ck_assert_ptr_null(lc_crs_create(lct_ctx, "junk-crs"));
    ck_assert_ptr_null(lc_crs_create(lct_ctx, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(strstr(lc_context_errmsg(lct_ctx), "junk-crs"));
}
END_TEST

START_TEST(test_message_handler_gets_our_messages)
{
    messages m = {0};
    lc_context_set_message_handler(lct_ctx, collect, &m);
    lc_context_set_log_level(lct_ctx, LC_LOG_DEBUG);
    ck_assert_ptr_null(lc_crs_create(lct_ctx, "junk-crs"));
    ck_assert_int_gt(m.count, 0);
    /* The handler saw the same text the context keeps as its error. */
    lct_assert_contains(m.all, lc_context_errmsg(lct_ctx));
}
END_TEST

START_TEST(test_message_handler_gets_proj_messages)
{
    messages m = {0};
    lc_context_set_message_handler(lct_ctx, collect, &m);
    lc_context_set_log_level(lct_ctx, LC_LOG_DEBUG);
    ck_assert_ptr_null(lc_crs_create(lct_ctx, "EPSG:999999"));
    /* PROJ logs its own complaint ("proj_create: crs not found" in PROJ 9.1) before ours. */
    ck_assert_int_ge(m.count, 2);
    lct_assert_contains(m.all, "crs not found");
    lct_assert_contains(m.all, "EPSG:999999");
}
END_TEST

START_TEST(test_message_handler_gets_geos_notices)
{
    messages m = {0};
    lc_context_set_message_handler(lct_ctx, collect, &m);
    lc_context_set_log_level(lct_ctx, LC_LOG_DEBUG);
    validate_bow_tie(lct_ctx);
    ck_assert_int_gt(m.count, 0);
    lct_assert_contains(m.all, "Self-intersection");
}
END_TEST

/* The last fraction reported for the "coverage" stage (-1: none). */
static double last_coverage_fraction = -1;

/* Counts progress calls and checks each one's arguments. */
static void count_progress(const char *stage, double fraction, void *user)
{
    int *calls = user;
    ck_assert_ptr_nonnull(stage);
    ck_assert(fraction >= 0.0 && fraction <= 1.0);
    if (!strcmp(stage, "coverage"))
        last_coverage_fraction = fraction;
    (*calls)++;
}

START_TEST(test_progress_handler_installs)
{
    /* Installing, replacing and removing a handler never calls it by itself; a handler installed
     * when work runs is called, with the stage and fractions in 0..1, ending the coverage stage at 1
     * (the demo's straight-line coverage). */
    int calls = 0;
    lc_context_set_progress_handler(lct_ctx, count_progress, &calls);
    lc_context_set_progress_handler(lct_ctx, count_progress, &calls);
    lc_context_set_progress_handler(lct_ctx, NULL, NULL);
    lc_context_set_progress_handler(NULL, count_progress, &calls);
    ck_assert_int_eq(calls, 0);
    lc_context_set_progress_handler(lct_ctx, count_progress, &calls);
    last_coverage_fraction = -1;
    lct_world w = {0};
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.yml");
    lc_study *st = lc_study_load(lct_ctx, demo);
    free(demo);
    ck_assert_ptr_nonnull(st);
    lct_world_load(&w, st, NULL);
    lc_context_set_progress_handler(lct_ctx, NULL, NULL);
    ck_assert_int_gt(calls, 0);
    ck_assert_double_eq(last_coverage_fraction, 1.0);
    lct_world_free(&w);
}
END_TEST

/* ---- The status table, families and version ---- */

static const lc_status all_statuses[] = {
    LC_OK,        LC_ERR_MISUSE, LC_ERR_UNSUPPORTED, LC_ERR_DATA,
    LC_ERR_FIELD, LC_ERR_CONFIG, LC_ERR_GEOMETRY,    LC_ERR_CRS,
    LC_ERR_IO,    LC_ERR_NOMEM,  LC_ERR_INTERNAL,
};

START_TEST(test_status_strings)
{
    size_t n = sizeof all_statuses / sizeof all_statuses[0];
    const char *unknown = lc_status_string((lc_status)12345);
    ck_assert_ptr_nonnull(unknown);
    ck_assert_int_gt(strlen(unknown), 0);
    for (size_t i = 0; i < n; i++) {
        const char *s = lc_status_string(all_statuses[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_msg(strlen(s) > 0, "status %d has an empty string", (int)all_statuses[i]);
        ck_assert_msg(strcmp(s, unknown) != 0, "status %d is not in the table",
                      (int)all_statuses[i]);
        /* Distinct texts: one table, one meaning per code. */
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, lc_status_string(all_statuses[j]));
    }
}
END_TEST

START_TEST(test_geometry_wkb_reads_back_in_ogr)
{
    /* A 10 m square with a 2 m square hole: area 100 − 4 = 96 m². Its WKB, read by OGR (another
     * library's reader, as shapely's would be), gives that area and the same rings. */
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))");
    GEOSWKTReader_destroy_r(h, r);
    ck_assert_ptr_nonnull(g);
    size_t n = 0;
    unsigned char *wkb = lc_geometry_wkb(lct_ctx, g, &n);
    ck_assert_ptr_nonnull(wkb);
    ck_assert_uint_eq(n, 1 + 4 + 4 + 2 * (4 + 5 * 16)); /* order, type, rings, 2 × (count + 5 points) */
    ck_assert_int_eq(wkb[0], 1);                          /* little endian (NDR) */
    OGRGeometryH og = NULL;
    ck_assert_int_eq(OGR_G_CreateFromWkb(wkb, NULL, &og, (int)n), OGRERR_NONE);
    ck_assert_double_eq_tol(OGR_G_Area(og), 96.0, 1e-12);
    char *wkt = NULL;
    OGR_G_ExportToWkt(og, &wkt);
    ck_assert_str_eq(wkt, "POLYGON ((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    CPLFree(wkt);
    OGR_G_DestroyGeometry(og);
    lc_free(wkb);
    ck_assert_ptr_null(lc_geometry_wkb(lct_ctx, NULL, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    GEOSGeom_destroy_r(h, g);
}
END_TEST

START_TEST(test_status_families)
{
    ck_assert_int_eq(lc_status_family_of(LC_OK), LC_FAMILY_OK);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_MISUSE), LC_FAMILY_MISUSE);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_UNSUPPORTED), LC_FAMILY_MISUSE);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_DATA), LC_FAMILY_DATA);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_FIELD), LC_FAMILY_DATA);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_CONFIG), LC_FAMILY_DATA);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_GEOMETRY), LC_FAMILY_GEOMETRY);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_CRS), LC_FAMILY_CRS);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_IO), LC_FAMILY_IO);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_NOMEM), LC_FAMILY_NOMEM);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_INTERNAL), LC_FAMILY_INTERNAL);
    ck_assert_int_eq(lc_status_family_of(LC_ERR_CANCELLED), LC_FAMILY_CANCELLED);
    ck_assert_str_eq(lc_status_string(LC_ERR_CANCELLED), "cancelled");
}
END_TEST

START_TEST(test_cancel_flag)
{
    /* Sticky until undone; NULL is harmless; another context is not touched. */
    lc_context *ctx = lc_context_create(), *other = lc_context_create();
    ck_assert_int_eq(lc_context_cancelled(ctx), 0);
    lc_context_cancel(ctx);
    lc_context_cancel(NULL);
    ck_assert_int_eq(lc_context_cancelled(ctx), 1);
    ck_assert_int_eq(lc_context_cancelled(other), 0);
    ck_assert_int_eq(lc_context_cancelled(NULL), 0);
    lc_context_uncancel(ctx);
    ck_assert_int_eq(lc_context_cancelled(ctx), 0);
    lc_context_destroy(other);
    lc_context_destroy(ctx);
}
END_TEST

START_TEST(test_version)
{
    const char *v = lc_version();
    ck_assert_ptr_nonnull(v);
    regex_t re;
    ck_assert_int_eq(regcomp(&re, "^[0-9]+\\.[0-9]+\\.[0-9]+$", REG_EXTENDED | REG_NOSUB), 0);
    int match = regexec(&re, v, 0, NULL, 0);
    regfree(&re);
    ck_assert_msg(match == 0, "lc_version() = \"%s\" is not MAJOR.MINOR.PATCH", v);
#ifdef LC_VERSION
    ck_assert_str_eq(v, LC_VERSION); /* meson's project(version : ...) */
#endif
    ck_assert_ptr_eq(lc_version(), v); /* a fixed string */
}
END_TEST

/* ---- Edge cases ---- */

START_TEST(test_destroy_null)
{
    lc_context_destroy(NULL);
}
END_TEST

START_TEST(test_null_context_accessors)
{
    ck_assert_int_eq(lc_context_errno(NULL), LC_ERR_MISUSE);
    ck_assert_ptr_nonnull(lc_context_errmsg(NULL));
    ck_assert_ptr_null(lc_context_geos(NULL));
    lc_context_clear_error(NULL);
    lc_context_set_message_handler(NULL, collect, NULL);
    lc_context_set_log_level(NULL, LC_LOG_DEBUG);
}
END_TEST

START_TEST(test_log_level_filters)
{
    /* GEOS notices are forwarded at debug level: dropped at the default threshold (info),
     * delivered once the threshold is lowered. */
    messages m = {0};
    lc_context_set_message_handler(lct_ctx, collect, &m);
    validate_bow_tie(lct_ctx);
    ck_assert_int_eq(m.count_at[LC_LOG_DEBUG], 0);
    lc_context_set_log_level(lct_ctx, LC_LOG_DEBUG);
    validate_bow_tie(lct_ctx);
    ck_assert_int_gt(m.count_at[LC_LOG_DEBUG], 0);
}
END_TEST

START_TEST(test_handler_removed)
{
    messages m = {0};
    lc_context_set_message_handler(lct_ctx, collect, &m);
    lc_context_set_log_level(lct_ctx, LC_LOG_DEBUG);
    lc_context_set_message_handler(lct_ctx, NULL, NULL);
    ck_assert_ptr_null(lc_crs_create(lct_ctx, "junk-crs"));
    validate_bow_tie(lct_ctx);
    ck_assert_int_eq(m.count, 0);
    /* The error is still recorded without a handler. */
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CRS);
}
END_TEST

START_TEST(test_long_message_truncated_safely)
{
    /* A definition far longer than the message buffer: the error is kept, shortened, terminated. */
    size_t n = 10000;
    char *def = malloc(n + 1);
    ck_assert_ptr_nonnull(def);
    memset(def, 'x', n);
    def[n] = '\0';
    ck_assert_ptr_null(lc_crs_create(lct_ctx, def));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CRS);
    ck_assert_int_lt(strlen(lc_context_errmsg(lct_ctx)), 2048);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "xxx...");
    free(def);
}
END_TEST

Suite *suite_context(void)
{
    Suite *s = suite_create("context");

    TCase *normal = tcase_create("normal");
    tcase_add_checked_fixture(normal, lct_setup, lct_teardown);
    tcase_add_test(normal, test_create_destroy);
    tcase_add_test(normal, test_contexts_are_independent);
    tcase_add_test(normal, test_error_then_clear);
    tcase_add_test(normal, test_later_error_replaces_earlier);
    tcase_add_test(normal, test_message_handler_gets_our_messages);
    tcase_add_test(normal, test_message_handler_gets_proj_messages);
    tcase_add_test(normal, test_message_handler_gets_geos_notices);
    tcase_add_test(normal, test_progress_handler_installs);
    tcase_add_test(normal, test_geometry_wkb_reads_back_in_ogr);
    suite_add_tcase(s, normal);

    TCase *table = tcase_create("status");
    tcase_add_test(table, test_status_strings);
    tcase_add_test(table, test_status_families);
    tcase_add_test(table, test_cancel_flag);
    tcase_add_test(table, test_version);
    suite_add_tcase(s, table);

    TCase *edges = tcase_create("edges");
    tcase_add_checked_fixture(edges, lct_setup, lct_teardown);
    tcase_add_test(edges, test_destroy_null);
    tcase_add_test(edges, test_null_context_accessors);
    tcase_add_test(edges, test_log_level_filters);
    tcase_add_test(edges, test_handler_removed);
    tcase_add_test(edges, test_long_message_truncated_safely);
    suite_add_tcase(s, edges);

    return s;
}
