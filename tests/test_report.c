/*
 * tests/test_report.c — the HTML report: every norm and every 街镇 row present with values worked
 * out by hand, the gaps with their residents and distances, names escaped, maps decodable PNGs of
 * the asked size, deterministic text, the report directory written atomically with a PDF per
 * category, and the CLI's --report (and its refusal of the output directory).
 */
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/lc_test.h"

/* Two 街镇: U1 (x < 2,500) holds R1, 1,000 residents on [0,100]², 150 m from the only facility,
 * a centre C at (150, 50) of 100 m²; U2 holds R2, 500 residents on [5000,5100]×[0,100], whose
 * point on surface (5050, 50) is 4,900 m from C. Centre reach 1,000 m: R1 is wholly covered (its
 * farthest corner is √(150² + 50²) = 158 m away), R2 not at all. By hand: 1+N share 1,000 / 1,500
 * = 66.7%, short by 500 residents; floor area 100 m² per 1,500 residents = 66.7 m²/千人 (pass);
 * U1 100.0% ✓, U2 0.0% ✗; every other category has no facility: 1,500 out of reach. U1's name
 * carries HTML metacharacters, which must arrive escaped. */
static const char *RES = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"name\":\"长白新村\",\"常住人口\":1000},\"geometry\":"
    "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"name\":\"远郊小区\",\"常住人口\":500},\"geometry\":"
    "{\"type\":\"Polygon\",\"coordinates\":[[[5000,0],[5100,0],[5100,100],[5000,100],[5000,0]]]}}]}";
static const char *FAC = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[150,50]}}]}";
static const char *UNITS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"name\":\"西<街>&镇\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[-2500,-2500],[2500,-2500],[2500,2500],[-2500,2500],[-2500,-2500]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"name\":\"东镇\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[2500,-2500],[7500,-2500],[7500,2500],[2500,2500],[2500,-2500]]]}}]}";

/* Asserts that the report (or a part of it) holds needle, without printing the whole report. */
#define has(hay, needle) ck_assert_msg((hay) && strstr((hay), (needle)), "expected \"%s\" in the report", (needle))

static lct_world load(void)
{
    lct_world w = {.dir = lct_tmpdir()};
    char *r = lct_path(w.dir, "res.geojson"), *f = lct_path(w.dir, "fac.geojson"), *u = lct_path(w.dir, "units.geojson");
    ck_assert_int_eq(lct_write_text(r, RES), 0);
    ck_assert_int_eq(lct_write_text(f, FAC), 0);
    ck_assert_int_eq(lct_write_text(u, UNITS), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lc_study_set(lct_ctx, st, "units.path", u);
    lct_world_load(&w, st, NULL);
    free(r), free(f), free(u);
    return w;
}

static lc_results results_of(const lct_world *w)
{
    return (lc_results){w->study, w->inputs, w->profile, w->cov, w->ind, w->quality, NULL, NULL, NULL};
}

/* The text of the element that starts at the first occurrence of marker, up to the next "</tr>". */
static char *row_after(const char *html, const char *marker)
{
    const char *a = strstr(html, marker);
    ck_assert_msg(a != NULL, "no %s in the report", marker);
    const char *b = strstr(a, "</tr>");
    ck_assert_ptr_nonnull(b);
    return strndup(a, (size_t)(b - a));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Decodes the base64 of a data: URL up to its closing quote. */
static unsigned char *unbase64(const char *s, size_t *n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strcspn(s, "\"");
    unsigned char *out = malloc(len / 4 * 3 + 3);
    unsigned v = 0;
    int bits = 0;
    *n = 0;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        const char *p = strchr(alphabet, s[i]);
        ck_assert_msg(p != NULL, "not base64: %c", s[i]);
        v = (v << 6) | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[(*n)++] = (unsigned char)(v >> bits);
        }
    }
    return out;
}

START_TEST(report_holds_every_norm_and_unit_with_hand_values)
{
    lct_world w = load();
    lc_results r = results_of(&w);
    lc_report_options o = {.date = "2026-01-02", .no_maps = 1};
    char *html = lc_report_html(lct_ctx, &r, &o);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert(!strncmp(html, "<!DOCTYPE html>", 15));
    has(html, "</html>\n");
    has(html, "2026-01-02");
    /* Every norm of the profile, once in the headline table. */
    for (size_t k = 0; k < lc_profile_norm_count(w.profile); k++) {
        char marker[96];
        snprintf(marker, sizeof marker, "<tr data-norm=\"%s\">", lc_profile_norm(w.profile, k)->code);
        ck_assert_uint_eq(count(html, marker), 1);
    }
    char *row = row_after(html, "<tr data-norm=\"circle_centre\">");
    lct_assert_contains(row, "66.7%");
    lct_assert_contains(row, "✗ 未达标 fail");
    lct_assert_contains(row, "500 people");
    free(row);
    row = row_after(html, "<tr data-norm=\"floor_area\">");
    lct_assert_contains(row, "66.7 m²/千人");
    lct_assert_contains(row, "≥ 40.0 m²/千人");
    lct_assert_contains(row, "✓ 达标 pass");
    free(row);
    /* Every 街镇 row and the whole area; U1's name escaped. */
    row = row_after(html, "<tr data-unit=\"U1\">");
    lct_assert_contains(row, "西&lt;街&gt;&amp;镇");
    lct_assert_contains(row, "100.0% ✓");
    lct_assert_contains(row, "1,000");
    free(row);
    row = row_after(html, "<tr data-unit=\"U2\">");
    lct_assert_contains(row, "0.0% ✗");
    lct_assert_contains(row, "500");
    free(row);
    ck_assert_uint_eq(count(html, "data-unit=\""), 2);
    ck_assert_uint_eq(count(html, "data-total=\"1\""), 1);
    ck_assert_ptr_null(strstr(html, "西<街>"));
    /* Gaps: the centre misses R2 only (500 residents, nearest 4,900 m); meal points miss both. */
    has(html, "<h3 data-category=\"centre\">社区综合为老服务中心 <span class=\"en\">Community "
              "elder-service centre</span> — 1 个居住区 compounds, 500 人未覆盖");
    const char *centre = strstr(html, "<h3 data-category=\"centre\">");
    row = row_after(centre, "<tr><td>远郊小区");
    lct_assert_contains(row, "4900 m");
    lct_assert_contains(row, "东镇");
    free(row);
    const char *meal = strstr(html, "<h3 data-category=\"meal_point\">");
    ck_assert_ptr_nonnull(meal);
    has(meal, "2 个居住区 compounds, 1,500 人未覆盖");
    row = row_after(meal, "<tr><td>长白新村");
    lct_assert_contains(row, "无可达 none");
    free(row);
    /* Assumptions: reach, walking speed (1,000 m in 15 min = 1.11 m/s), CRS, inputs and checksums. */
    const char *as = strstr(html, "<section id=\"assumptions\">");
    ck_assert_ptr_nonnull(as);
    has(as, "1.11 m/s");
    has(as, "EPSG:32651");
    ck_assert_uint_eq(count(as, "<tr><td>residential</td>"), 1);
    ck_assert_uint_eq(count(as, "<tr><td>facilities</td>"), 1);
    ck_assert_uint_eq(count(as, "<tr><td>units</td>"), 1);
    char cmd[1024], sha[65] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s/res.geojson'", w.dir);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fscanf(p, "%64s", sha), 1);
    pclose(p);
    has(as, sha); /* the residential file's checksum, computed apart by coreutils */
    /* Deterministic: the same results give the same text. */
    char *again = lc_report_html(lct_ctx, &r, &o);
    ck_assert_str_eq(html, again);
    free(again);
    free(html);
    lct_world_free(&w);
}
END_TEST

START_TEST(report_maps_are_pngs_of_the_asked_size)
{
    lct_world w = load();
    lc_results r = results_of(&w);
    lc_report_options o = {.date = "2026-01-02", .map_width_px = 800};
    char *html = lc_report_html(lct_ctx, &r, &o);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    size_t ncat = lc_profile_category_count(w.profile);
    ck_assert_uint_eq(count(html, "src=\"data:image/png;base64,"), ncat);
    GDALAllRegister();
    const char *p = html;
    for (size_t c = 0; c < ncat; c++) {
        p = strstr(p, "src=\"data:image/png;base64,") + strlen("src=\"data:image/png;base64,");
        size_t n;
        unsigned char *png = unbase64(p, &n);
        ck_assert(n > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
        char path[64];
        snprintf(path, sizeof path, "/vsimem/report-map-%zu.png", c);
        VSIFCloseL(VSIFileFromMemBuffer(path, png, (vsi_l_offset)n, FALSE));
        GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
        ck_assert_msg(ds != NULL, "map %zu does not decode", c);
        ck_assert_int_eq(GDALGetRasterXSize(ds), 800);
        ck_assert_int_eq(GDALGetRasterYSize(ds), 800 * 1131 / 1600);
        GDALClose(ds);
        VSIUnlink(path);
        free(png);
    }
    /* Each map figure names its category and links its PDF. */
    has(html, "<figure data-category=\"centre\">");
    has(html, "href=\"map-centre.pdf\"");
    free(html);
    lct_world_free(&w);
}
END_TEST

static int exists(const char *dir, const char *name)
{
    char *p = lct_path(dir, name);
    struct stat st;
    int ok = stat(p, &st) == 0 && st.st_size > 0;
    free(p);
    return ok;
}

START_TEST(report_directory_is_written_whole)
{
    lct_world w = load();
    lc_results r = results_of(&w);
    char *dir = lct_path(w.dir, "report");
    lc_report_options o = {.date = "2026-01-02"};
    ck_assert_msg(lc_report_write(lct_ctx, dir, &r, &o) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    ck_assert(exists(dir, "report.html"));
    for (size_t c = 0; c < lc_profile_category_count(w.profile); c++) {
        char name[96];
        snprintf(name, sizeof name, "map-%s.pdf", lc_profile_category(w.profile, c)->code);
        ck_assert_msg(exists(dir, name), "%s missing", name);
    }
    /* A second write needs overwrite; a directory holding an input is refused. */
    ck_assert_int_eq(lc_report_write(lct_ctx, dir, &r, &o), LC_ERR_IO);
    o.overwrite = 1;
    ck_assert_int_eq(lc_report_write(lct_ctx, dir, &r, &o), LC_OK);
    ck_assert_int_eq(lc_report_write(lct_ctx, w.dir, &r, &o), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "holds the residential input");
    free(dir);
    lct_world_free(&w);
}
END_TEST

START_TEST(cli_report_and_its_refusals)
{
    char *dir = lct_tmpdir();
    char *r = lct_path(dir, "res.geojson"), *f = lct_path(dir, "fac.geojson"), *u = lct_path(dir, "units.geojson");
    char *out = lct_path(dir, "out"), *rep = lct_path(dir, "rep");
    ck_assert_int_eq(lct_write_text(r, RES), 0);
    ck_assert_int_eq(lct_write_text(f, FAC), 0);
    ck_assert_int_eq(lct_write_text(u, UNITS), 0);
    char args[4096], *text;
    /* The report in the output directory, or around it, is refused before anything is written. */
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' -o '%s' --report '%s'", r, f,
             u, out, out);
    ck_assert_int_eq(lct_run_cli(args, &text), 2);
    lct_assert_contains(text, "give the report its own directory");
    free(text);
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' -o '%s/x' --report '%s'", r,
             f, u, out, out);
    ck_assert_int_eq(lct_run_cli(args, &text), 2);
    free(text);
    struct stat st;
    ck_assert_int_ne(stat(out, &st), 0);
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' -o '%s' --report '%s'", r, f,
             u, out, rep);
    ck_assert_int_eq(lct_run_cli(args, &text), 1); /* 1+N fails */
    lct_assert_contains(text, "report.html");
    lct_assert_contains(text, "done in");
    free(text);
    ck_assert(exists(rep, "report.html"));
    ck_assert(exists(rep, "map-centre.pdf"));
    ck_assert(exists(out, "summary.json"));
    lct_rmtree(dir);
    free(dir), free(r), free(f), free(u), free(out), free(rep);
}
END_TEST

/* Non-zero when text holds "nan" as a word of its own (a NAN printed with %f: "nan%", "-nan pp"). */
static int has_nan_word(const char *text)
{
    for (const char *p = strstr(text, "nan"); p; p = strstr(p + 1, "nan")) {
        int before = p > text && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
        int after = (p[3] >= 'a' && p[3] <= 'z') || (p[3] >= 'A' && p[3] <= 'Z');
        if (!before && !after)
            return 1;
    }
    return 0;
}

START_TEST(report_zero_population_prints_no_nan)
{
    /* Both compounds with 0 residents: every covered share is 0 / 0, which summary.json gives as
     * null; the report must show "–" there, never the C library's "nan". */
    lct_world w = {.dir = lct_tmpdir()};
    char *r = lct_path(w.dir, "res.geojson"), *f = lct_path(w.dir, "fac.geojson"), *u = lct_path(w.dir, "units.geojson");
    char *zero = strdup(RES), *q;
    while ((q = strstr(zero, "\":1000}")) != NULL)
        memcpy(q, "\":0   }", 7);
    while ((q = strstr(zero, "\":500}")) != NULL)
        memcpy(q, "\":0  }", 6);
    ck_assert_int_eq(lct_write_text(r, zero), 0);
    ck_assert_int_eq(lct_write_text(f, FAC), 0);
    ck_assert_int_eq(lct_write_text(u, UNITS), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lc_study_set(lct_ctx, st, "units.path", u);
    lct_world_load(&w, st, NULL);
    lc_results res = results_of(&w);
    lc_report_options o = {.date = "2026-01-02", .no_maps = 1};
    char *html = lc_report_html(lct_ctx, &res, &o);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    char *row = row_after(html, "<tr data-category=\"centre\">");
    ck_assert_msg(!has_nan_word(row), "a NAN printed in the coverage row: %s", row);
    free(row);
    ck_assert_msg(!has_nan_word(html), "a NAN printed in the report");
    free(html);
    free(zero), free(r), free(f), free(u);
    lct_world_free(&w);
}
END_TEST

START_TEST(report_date_from_a_source_date_epoch_out_of_range)
{
    /* SOURCE_DATE_EPOCH far past any year gmtime_r can hold: the date falls back to today (UTC), as
     * for an unreadable value, instead of formatting an unset struct tm. */
    if (sizeof(time_t) < 8)
        return;
    lct_world w = load();
    lc_results r = results_of(&w);
    lc_report_options o = {.no_maps = 1};
    setenv("SOURCE_DATE_EPOCH", "9223372036854775807", 1);
    char *html = lc_report_html(lct_ctx, &r, &o);
    unsetenv("SOURCE_DATE_EPOCH");
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    char today[32], tomorrow[32];
    time_t now = time(NULL), next = now + 86400; /* a run across midnight shows either day */
    struct tm tm;
    strftime(today, sizeof today, "日期 Date: %Y-%m-%d", gmtime_r(&now, &tm));
    strftime(tomorrow, sizeof tomorrow, "日期 Date: %Y-%m-%d", gmtime_r(&next, &tm));
    ck_assert_msg(strstr(html, today) || strstr(html, tomorrow), "no %s in the report head", today);
    free(html);
    lct_world_free(&w);
}
END_TEST

START_TEST(report_map_width_out_of_range_is_misuse)
{
    /* The maps' height is width × 1131 / 1600: a width under 213 gives a height under the 150 pixels
     * a PNG map needs, and INT_MAX overflows the product. Both are the caller's mistake about
     * map_width_px, and the message must say so (not speak of a height nobody asked for). */
    lct_world w = load();
    lc_results r = results_of(&w);
    static const int bad[] = {200, 212, -5, 16385, 2147483647};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lc_report_options o = {.date = "2026-01-02", .map_width_px = bad[i]};
        ck_assert_ptr_null(lc_report_html(lct_ctx, &r, &o));
        ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
        lct_assert_contains(lc_context_errmsg(lct_ctx), "map_width_px");
    }
    lc_report_options o = {.date = "2026-01-02", .map_width_px = 213}; /* 213 × 1131 / 1600 = 150.6 */
    char *html = lc_report_html(lct_ctx, &r, &o);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    free(html);
    lct_world_free(&w);
}
END_TEST

Suite *suite_report(void)
{
    Suite *s = suite_create("report");
    TCase *t = tcase_create("report");
    tcase_add_checked_fixture(t, lct_setup, lct_teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, report_holds_every_norm_and_unit_with_hand_values);
    tcase_add_test(t, report_maps_are_pngs_of_the_asked_size);
    tcase_add_test(t, report_directory_is_written_whole);
    tcase_add_test(t, cli_report_and_its_refusals);
    tcase_add_test(t, report_zero_population_prints_no_nan);
    tcase_add_test(t, report_date_from_a_source_date_epoch_out_of_range);
    tcase_add_test(t, report_map_width_out_of_range_is_misuse);
    suite_add_tcase(s, t);
    return s;
}
