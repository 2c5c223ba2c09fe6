/*
 * tests/test_init.c — `study init` (lc_study_init, layers/study_init.c) and the warnings that change
 * a number reaching the console (issue 17). The expected roles and fields of the demo come from the
 * hand-written data/demo/porto.yml (the independent answer: written by a person for the same file);
 * those of the small fixtures from the fixture text written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* The layers and the per-layer keys the demo study maps by hand. */
static const char *const demo_layers[] = {"residential", "facilities", "units", "committees", "roads", NULL};

/* Asserts that the written study gives the demo's own answer for key, both ways: the same value
 * where the demo's study sets it, and nothing where it sets nothing. Paths compared resolved. */
static void assert_same_key(const lc_study *mine, const lc_study *demo, const char *key)
{
    const char *a = lc_study_get(mine, key), *b = lc_study_get(demo, key);
    if (!b) {
        ck_assert_msg(!a, "study init set %s: %s, which data/demo/porto.yml leaves unset", key, a);
        return;
    }
    ck_assert_msg(a, "study init left %s unset; data/demo/porto.yml sets %s", key, b);
    if (strstr(key, ".path")) {
        char ra[4096], rb[4096];
        ck_assert_ptr_nonnull(realpath(a, ra));
        ck_assert_ptr_nonnull(realpath(b, rb));
        ck_assert_str_eq(ra, rb);
    } else {
        ck_assert_msg(!strcmp(a, b), "%s: study init wrote '%s', data/demo/porto.yml has '%s'", key, a, b);
    }
}

/* study init on the demo's GeoPackage writes a study whose layers and fields are the hand-written
 * study's, and which runs: lc_run_check on it gives the summary the demo study gives. */
START_TEST(init_demo_matches_the_hand_written_study)
{
    char *tmp = lct_tmpdir(), *yml = lct_path(tmp, "study.yml"), *gpkg = lct_path(lct_source_dir(), "data/demo/porto.gpkg");
    char *demo_path = lct_path(lct_source_dir(), "data/demo/porto.yml");
    const char *inputs[] = {gpkg};
    lc_study_init_options o = {.size = sizeof o, .inputs = inputs, .ninputs = 1, .output = yml};
    char *text = NULL, *summary = NULL;
    ck_assert_msg(lc_study_init(lct_ctx, &o, &text, &summary) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    lct_assert_contains(summary, "residential");
    lct_assert_contains(text, "# guessed");
    /* the labels are the profile's own Chinese names (data/demo/README.md): matched, none left over */
    lct_assert_contains(text, "    社区综合为老服务中心: centre");
    ck_assert_ptr_null(strstr(text, "<code>   "));
    lc_study *mine = lc_study_load(lct_ctx, yml);
    ck_assert_msg(mine, "%s", lc_context_errmsg(lct_ctx));
    lc_study *demo = lc_study_load(lct_ctx, demo_path);
    ck_assert_ptr_nonnull(demo);
    /* every layer of the demo, and no other */
    static const char *const others[] = {"buildings", "candidates", "entrances", "districts", "groups", "areas", NULL};
    for (const char *const *k = others; *k; k++) {
        char key[128];
        snprintf(key, sizeof key, "%s.path", *k);
        ck_assert_msg(!lc_study_get(mine, key), "study init guessed a %s layer", *k);
    }
    for (const char *const *l = demo_layers; *l; l++) {
        char key[128];
        snprintf(key, sizeof key, "%s.path", *l);
        assert_same_key(mine, demo, key);
        snprintf(key, sizeof key, "%s.layer", *l);
        assert_same_key(mine, demo, key);
        for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++) {
            snprintf(key, sizeof key, "%s.fields.%s", *l, lc_field_role_name((lc_field_role)r));
            assert_same_key(mine, demo, key);
        }
    }
    /* it runs, and gives the same norms as the hand-written study: the same summary.csv */
    char *out_a = lct_path(tmp, "a"), *out_b = lct_path(tmp, "b");
    ck_assert_int_eq(lc_study_set(lct_ctx, mine, "output", out_a), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, demo, "output", out_b), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, mine, "format", "geojson"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, demo, "format", "geojson"), LC_OK);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    lc_run *ra = lc_run_check(lct_ctx, mine, &ro);
    ck_assert_msg(ra, "the written study does not run: %s", lc_context_errmsg(lct_ctx));
    lc_run *rb = lc_run_check(lct_ctx, demo, &ro);
    ck_assert_ptr_nonnull(rb);
    char *sa = lct_path(out_a, "summary.csv"), *sb = lct_path(out_b, "summary.csv");
    char *ta = lct_read_file(sa, NULL), *tb = lct_read_file(sb, NULL);
    ck_assert_str_eq(ta, tb);
    ck_assert_uint_eq(lc_run_failures(ra), lc_run_failures(rb));
    free(ta), free(tb), free(sa), free(sb);
    lc_run_destroy(ra);
    lc_run_destroy(rb);
    lc_study_destroy(mine);
    lc_study_destroy(demo);
    lc_free(text);
    lc_free(summary);
    lct_rmtree(tmp);
    free(out_a), free(out_b), free(demo_path), free(gpkg), free(yml), free(tmp);
}
END_TEST

/* Two population-like fields (pop_2010, pop_2020: neither is a name the readers know): both are
 * listed, the first taken and marked as a guess; a GBK CSV of facilities with lon/lat columns gets
 * encoding GBK, its columns, and its labels decoded: 助餐点 is the profile's meal_point, 老年大学 is no
 * label of it and is left as a comment to map. */
START_TEST(init_ambiguous_fields_and_gbk_csv)
{
    char *tmp = lct_tmpdir(), *res = lct_path(tmp, "compounds.geojson"), *csv = lct_path(tmp, "facilities.csv");
    char *yml = lct_path(tmp, "s.yml");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"pop_2010\":100,\"pop_2020\":120},"
                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},"
                      "{\"type\":\"Feature\",\"properties\":{\"id\":\"b\",\"pop_2010\":200,\"pop_2020\":210},"
                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[200,0],[300,0],[300,100],[200,100],[200,0]]]}}");
    /* 名称,类型,经度,纬度 in GBK; 助餐点 twice, 老年大学 once */
    const char *gbk = "\xc3\xfb\xb3\xc6,\xc0\xe0\xd0\xcd,\xbe\xad\xb6\xc8,\xce\xb3\xb6\xc8\n"
                      "A,\xd6\xfa\xb2\xcd\xb5\xe3,121.5,31.2\n"
                      "B,\xd6\xfa\xb2\xcd\xb5\xe3,121.51,31.21\n"
                      "C,\xc0\xcf\xc4\xea\xb4\xf3\xd1\xa7,121.52,31.22\n";
    ck_assert_int_eq(lct_write_text(csv, gbk), 0);
    const char *inputs[] = {tmp};
    lc_study_init_options o = {.size = sizeof o, .inputs = inputs, .ninputs = 1, .output = yml};
    char *text = NULL;
    ck_assert_msg(lc_study_init(lct_ctx, &o, &text, NULL) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    /* the guess, marked, with the other candidate on its line */
    const char *at = strstr(text, "    population: pop_2010");
    if (!at)
        fprintf(stderr, "%s\n", text);
    ck_assert_ptr_nonnull(at);
    char *lineb = strndup(at, strcspn(at, "\n"));
    lct_assert_contains(lineb, "# guessed");
    lct_assert_contains(lineb, "check");
    lct_assert_contains(lineb, "other candidates 其他候选: pop_2020");
    free(lineb);
    /* the GBK table: encoding, coordinates, labels */
    lct_assert_contains(text, "facilities:");
    lct_assert_contains(text, "  path: facilities.csv");
    lct_assert_contains(text, "  encoding: GBK");
    lct_assert_contains(text, "  x: 经度");
    lct_assert_contains(text, "  y: 纬度");
    lct_assert_contains(text, "    category: 类型");
    lct_assert_contains(text, "    助餐点: meal_point");
    lct_assert_contains(text, "    # 老年大学: <code>");
    lct_assert_contains(text, "residential:");
    lct_assert_contains(text, "  path: compounds.geojson");
    lc_study *s = lc_study_load(lct_ctx, yml);
    ck_assert_msg(s, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "residential.fields.population"), "pop_2010");
    ck_assert_str_eq(lc_study_get(s, "facilities.categories.助餐点"), "meal_point");
    lc_study_destroy(s);
    lc_free(text);
    /* an existing study is kept; --force replaces it */
    ck_assert_int_eq(lct_write_text(yml, "name: mine\n"), 0);
    ck_assert_int_eq(lc_study_init(lct_ctx, &o, NULL, NULL), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "exists; not overwriting it");
    char *kept = lct_read_file(yml, NULL);
    ck_assert_str_eq(kept, "name: mine\n");
    free(kept);
    o.force = 1;
    ck_assert_int_eq(lc_study_init(lct_ctx, &o, NULL, NULL), LC_OK);
    kept = lct_read_file(yml, NULL);
    lct_assert_contains(kept, "population: pop_2010");
    free(kept);
    lct_rmtree(tmp);
    free(res), free(csv), free(yml), free(tmp);
}
END_TEST

/* Misuse and files GDAL cannot read are refused, naming them; nothing is written. */
START_TEST(init_refuses_bad_inputs)
{
    char *tmp = lct_tmpdir(), *bad = lct_path(tmp, "notes.csv.txt"), *yml = lct_path(tmp, "s.yml");
    ck_assert_int_eq(lct_write_text(bad, "hello"), 0);
    const char *inputs[] = {bad};
    lc_study_init_options o = {.size = sizeof o, .inputs = inputs, .ninputs = 1, .output = yml};
    ck_assert_int_eq(lc_study_init(lct_ctx, &o, NULL, NULL), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "notes.csv.txt");
    ck_assert_int_ne(access(yml, F_OK), 0);
    inputs[0] = tmp; /* a directory without data files */
    unlink(bad);
    ck_assert_int_eq(lc_study_init(lct_ctx, &o, NULL, NULL), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "holds no data file");
    o.ninputs = 0;
    ck_assert_int_eq(lc_study_init(lct_ctx, &o, NULL, NULL), LC_ERR_MISUSE);
    lct_rmtree(tmp);
    free(bad), free(yml), free(tmp);
}
END_TEST

/* Warnings that change a number reach the console, grouped and counted (issue 17). Built so:
 * 街镇 U1 (x 0-1000) says 1,000 residents, U2 (x 1000-2000) 100; compound R1 (inside U1) has 1,000
 * residents and HJ65 100, R2 (x 800-1200, half in each) 200 and HJ65 20; no 街镇 field and no 60+
 * field. So R2 is split by area (1 compound, 200 residents); U1's compounds sum to 1,000 + 100 =
 * 1,100, 10.0% off its own 1,000 (a mismatch naming U1); HJ65 is read as pop65, so meals per 65+
 * has a value: 10 meals over 100 + 20 = 120 elders = 8.3%; care beds per 60+ (N7) cannot be
 * computed and says so, and its cells read "-no pop60"; U1 has no beds (the one care home, 10 beds
 * of which 5 nursing, is in U2: 50%), so U1's nursing share reads "-no beds". */
START_TEST(console_says_what_changes_a_number)
{
    char *tmp = lct_tmpdir(), *res = lct_path(tmp, "res.geojson"), *fac = lct_path(tmp, "fac.geojson");
    char *units = lct_path(tmp, "units.geojson"), *yml = lct_path(tmp, "s.yml"), *out = lct_path(tmp, "out");
    char *rep = lct_path(tmp, "report");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":1000,\"HJ65\":100},"
                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[400,0],[400,400],[0,400],[0,0]]]}},"
                      "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"常住人口\":200,\"HJ65\":20},"
                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[800,0],[1200,0],[1200,400],[800,400],[800,0]]]}}");
    lct_write_fc(units, "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"常住人口\":1000},"
                        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1000,0],[1000,1000],[0,1000],[0,0]]]}},"
                        "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"常住人口\":100},"
                        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1000,0],[2000,0],[2000,1000],[1000,1000],[1000,0]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"类型\":\"canteen\",\"日供餐\":10},"
                      "\"geometry\":{\"type\":\"Point\",\"coordinates\":[200,200]}},"
                      "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"类型\":\"care_home\",\"床位\":10,"
                      "\"护理床位\":5},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1500,500]}}");
    char study[2048];
    snprintf(study, sizeof study, "crs: EPSG:32651\nresidential: {path: '%s'}\nfacilities: {path: '%s'}\n"
             "units: {path: '%s'}\n", res, fac, units);
    ck_assert_int_eq(lct_write_text(yml, study), 0);
    char args[4096], *text = NULL;
    snprintf(args, sizeof args, "check '%s' -o '%s' --report '%s'", yml, out, rep);
    int rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d", rc);
    lct_assert_contains(text, "1 compounds (200 residents) straddle 街镇 boundaries and were split between them by area");
    lct_assert_contains(text, "feature U1, field population): the unit's population 1000 differs from the sum of its "
                              "residential polygons 1100 by 10.0%");
    lct_assert_contains(text, "warning: norm N7 beds");
    lct_assert_contains(text, "cannot be computed 无法计算: no registered 60+ population");
    ck_assert_ptr_null(strstr(text, "no registered 65+ population")); /* HJ65 was read */
    lct_assert_contains(text, "-no pop60");
    lct_assert_contains(text, "-no beds");
    lct_assert_contains(text, "8.3%");
    lct_assert_contains(text, "not computed 无法计算: no registered 60+ population field");
    free(text);
    /* summary.csv says why in its note column: the whole area's beds row, and a 街镇's nursing share */
    char *csvp = lct_path(out, "summary.csv"), *csv = lct_read_file(csvp, NULL);
    lct_assert_contains(csv, ",note\r\n");
    lct_assert_contains(csv, "total,全区 whole study area,beds,");
    const char *beds = strstr(csv, "total,全区 whole study area,beds,");
    char *row = strndup(beds, strcspn(beds, "\r"));
    lct_assert_contains(row, ",n/a,");
    lct_assert_contains(row, "no registered 60+ population field (pop60 / 户籍60岁以上 / HJ60) 无60岁以上户籍人口字段");
    free(row);
    const char *ns = strstr(csv, "U1,U1,nursing_share,");
    ck_assert_ptr_nonnull(ns);
    row = strndup(ns, strcspn(ns, "\r"));
    lct_assert_contains(row, "no care beds here 此处无养老床位");
    free(row);
    /* a norm with a value has an empty note: meals per 65+ of the whole area (8.3 %) ends in ",," + "" */
    const char *meal = strstr(csv, "total,全区 whole study area,meal_capacity,");
    ck_assert_ptr_nonnull(meal);
    row = strndup(meal, strcspn(meal, "\r"));
    ck_assert_msg(row[strlen(row) - 1] == ',', "meal_capacity row has a note: %s", row);
    free(row);
    free(csv), free(csvp);
    /* the report says the same why, not a bare "–" (issue 17): the headline's beds row (no 60+ field)
     * and, in the 街镇 table, U1's nursing-share cell numbered to the note listed under the table */
    char *htmlp = lct_path(rep, "report.html"), *html = lct_read_file(htmlp, NULL);
    const char *hb = strstr(html, "<tr data-norm=\"beds\">");
    ck_assert_ptr_nonnull(hb);
    row = strndup(hb, strstr(hb, "</tr>") - hb);
    lct_assert_contains(row, "无法计算 not computed<br><span class=\"why\">no registered 60+ population field (pop60 / "
                             "户籍60岁以上 / HJ60) 无60岁以上户籍人口字段</span>");
    ck_assert_ptr_null(strstr(row, "无目标")); /* it has no value; 无目标 is for a value without a target */
    free(row);
    const char *u1 = strstr(html, "<tr data-unit=\"U1\">");
    ck_assert_ptr_nonnull(u1);
    row = strndup(u1, strstr(u1, "</tr>") - u1);
    lct_assert_contains(row, "title=\"no care beds here 此处无养老床位\">–<sup class=\"why\">");
    free(row);
    const char *list = strstr(html, "Why a cell has no value");
    ck_assert_ptr_nonnull(list);
    row = strndup(list, strstr(list, "</p>") - list);
    lct_assert_contains(row, "no care beds here 此处无养老床位");
    free(row);
    free(html), free(htmlp);
    lct_rmtree(tmp);
    free(res), free(fac), free(units), free(yml), free(out), free(rep), free(tmp);
}
END_TEST

Suite *suite_init(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("study_init");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, init_demo_matches_the_hand_written_study);
    tcase_add_test(tc, init_ambiguous_fields_and_gbk_csv);
    tcase_add_test(tc, init_refuses_bad_inputs);
    tcase_add_test(tc, console_says_what_changes_a_number);
    suite_add_tcase(s, tc);
    return s;
}
