/*
 * tests/test_levels.c — the administrative ladder (queries/levels.c, run/run_levels.c): a town with
 * three villages (村) and two residents' committees (居委), its 片区 and village groups, where one
 * 村 lacks an activity room, one 居委 lacks a doorstep point and a 片区 lacks its 所; a committee
 * straddling two 街镇 and one in none; compounds given their 居村 by field and by overlap; a
 * two-district study in which each district is held to its own bed target; compounds as points
 * with households × 2.5. Every expected number is worked out by hand in the comments.
 */
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecircle/report.h"
#include "tests/lc_test.h"

/* A GeoJSON rectangle feature with the given properties (JSON text without braces). */
static void rect(char *buf, size_t size, const char *props, double x0, double y0, double x1, double y1)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
             "[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}",
             n ? "," : "", props, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

/* A GeoJSON point feature. */
static void point(char *buf, size_t size, const char *props, double x, double y)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%g,%g]}}",
             n ? "," : "", props, x, y);
}

/* Writes features as a GeoJSON file name in dir and sets <layer>.path in st. */
static void layer(lc_study *st, const char *dir, const char *name, const char *features)
{
    char *path = lct_path(dir, name);
    lct_write_fc(path, features);
    char key[64];
    snprintf(key, sizeof key, "%.*s.path", (int)(strchr(name, '.') - name), name);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, key, path), LC_OK);
    free(path);
}

/*
 * The town 甲镇 T1 = [0,3000]×[0,2000] (a 镇: rural by its name) and 乙街道 T2 = [3000,5000]×[0,2000]
 * (a 街道: urban). Committees: villages 一村 V1 [0,1000]×[0,1000], 二村 V2 [1000,2000]×[0,1000],
 * 三村 V3 [2000,3000]×[0,1000]; residents' committees 东居委会 R1 [0,1500]×[1000,2000] and
 * 西居委会 R2 [1500,2800]×[1000,2000] (population field 1,500); 跨界居委会 S1 [2800,4000]×[1000,2000]
 * lies 200/1200 = 16.7% in T1 and 83.3% in T2: it goes to T2 with a warning; 无主村 X
 * [6000,7000]×[0,1000] lies in no 街镇: a warning. 片区: 东片 A1 [0,1500]×[0,1000], 西片 A2
 * [1500,3000]×[0,1000]. Village groups of 一村: G1 [0,500]×[0,1000], G2 [500,1000]×[0,1000].
 */
static void town(lc_study *st, const char *dir)
{
    char u[2048] = "", c[4096] = "", a[2048] = "", g[2048] = "", f[4096] = "", r[4096] = "";
    rect(u, sizeof u, "\"id\":\"T1\",\"name\":\"甲镇\"", 0, 0, 3000, 2000);
    rect(u, sizeof u, "\"id\":\"T2\",\"name\":\"乙街道\"", 3000, 0, 5000, 2000);
    rect(c, sizeof c, "\"id\":\"V1\",\"name\":\"一村\"", 0, 0, 1000, 1000);
    rect(c, sizeof c, "\"id\":\"V2\",\"name\":\"二村\"", 1000, 0, 2000, 1000);
    rect(c, sizeof c, "\"id\":\"V3\",\"name\":\"三村\"", 2000, 0, 3000, 1000);
    rect(c, sizeof c, "\"id\":\"R1\",\"name\":\"东居委会\"", 0, 1000, 1500, 2000);
    rect(c, sizeof c, "\"id\":\"R2\",\"name\":\"西居委会\",\"population\":1500", 1500, 1000, 2800, 2000);
    rect(c, sizeof c, "\"id\":\"S1\",\"name\":\"跨界居委会\"", 2800, 1000, 4000, 2000);
    rect(c, sizeof c, "\"id\":\"X\",\"name\":\"无主村\"", 6000, 0, 7000, 1000);
    rect(a, sizeof a, "\"id\":\"A1\",\"name\":\"东片\"", 0, 0, 1500, 1000);
    rect(a, sizeof a, "\"id\":\"A2\",\"name\":\"西片\"", 1500, 0, 3000, 1000);
    rect(g, sizeof g, "\"id\":\"G1\",\"name\":\"一组\",\"committee\":\"一村\"", 0, 0, 500, 1000);
    rect(g, sizeof g, "\"id\":\"G2\",\"name\":\"二组\"", 500, 0, 1000, 1000);
    /* Activity rooms in V1 and V2 (none in V3); a 睦邻点 in V1 and G1; doorstep points in V1, V2,
     * V3, R1 and S1 (none in R2 or X); a 长者照护之家 in A1 (none in A2); a care home in T1. */
    point(f, sizeof f, "\"id\":\"F1\",\"category\":\"activity_room\",\"floor_area\":100", 250, 500);
    point(f, sizeof f, "\"id\":\"F2\",\"category\":\"activity_room\",\"floor_area\":100", 1200, 500);
    point(f, sizeof f, "\"id\":\"F3\",\"category\":\"neighbour_point\"", 300, 200);
    point(f, sizeof f, "\"id\":\"D1\",\"category\":\"doorstep\",\"floor_area\":50", 600, 800);
    point(f, sizeof f, "\"id\":\"D2\",\"category\":\"doorstep\",\"floor_area\":50", 1800, 300);
    point(f, sizeof f, "\"id\":\"D3\",\"category\":\"doorstep\",\"floor_area\":50", 2500, 500);
    point(f, sizeof f, "\"id\":\"D4\",\"category\":\"doorstep\",\"floor_area\":50", 700, 1500);
    point(f, sizeof f, "\"id\":\"D5\",\"category\":\"doorstep\",\"floor_area\":50", 3500, 1500);
    point(f, sizeof f, "\"id\":\"H1\",\"category\":\"care_home_small\",\"floor_area\":300", 800, 300);
    point(f, sizeof f, "\"id\":\"H2\",\"category\":\"care_home\",\"floor_area\":3000,\"beds\":50", 1000, 1500);
    /* Compounds: C1 in V1 (1,000 people, 400 households); C2 straddles V1 and V2 half and half but
     * its committee field names 二村 (600, 200); C3 in R1 (2,000); C4 in S1's part in T2 (800). */
    rect(r, sizeof r, "\"id\":\"C1\",\"population\":1000,\"households\":400", 100, 100, 400, 400);
    rect(r, sizeof r, "\"id\":\"C2\",\"population\":600,\"households\":200,\"committee\":\"二村\"", 900, 100, 1100, 300);
    rect(r, sizeof r, "\"id\":\"C3\",\"population\":2000", 200, 1200, 600, 1600);
    rect(r, sizeof r, "\"id\":\"C4\",\"population\":800", 3200, 1200, 3600, 1600);
    layer(st, dir, "units.geojson", u);
    layer(st, dir, "committees.geojson", c);
    layer(st, dir, "areas.geojson", a);
    layer(st, dir, "groups.geojson", g);
    layer(st, dir, "facilities.geojson", f);
    layer(st, dir, "residential.geojson", r);
}

static size_t norm_index(const lc_profile *p, const char *code)
{
    for (size_t i = 0; i < lc_profile_norm_count(p); i++)
        if (!strcmp(lc_profile_norm(p, i)->code, code))
            return i;
    ck_abort_msg("no norm %s", code);
    return 0;
}

/* The index of the feature with id in a layer. */
static size_t feature(const lct_world *w, lc_layer_kind kind, const char *id)
{
    const lc_layer *L = lc_inputs_layer(w->inputs, kind);
    for (size_t i = 0; i < lc_layer_count(L); i++)
        if (!strcmp(lc_layer_feature(L, i)->id, id))
            return i;
    ck_abort_msg("no feature %s", id);
    return 0;
}

static void load_town(lct_world *w)
{
    w->dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    town(st, w->dir);
    lct_world_load(w, st, NULL);
}

START_TEST(parents_types_and_warnings)
{
    lct_world w = {0};
    load_town(&w);
    const lc_indicators *ind = w.ind;
    size_t s1 = feature(&w, LC_LAYER_COMMITTEES, "S1"), x = feature(&w, LC_LAYER_COMMITTEES, "X");
    size_t t1 = feature(&w, LC_LAYER_UNITS, "T1"), t2 = feature(&w, LC_LAYER_UNITS, "T2");
    ck_assert_uint_eq(lc_indicators_level_count(ind, LC_LEVEL_COMMITTEE), 7);
    /* V1..R2 in T1; S1 83.3% in T2; X in none. */
    for (const char *const *id = (const char *const[]){"V1", "V2", "V3", "R1", "R2", NULL}; *id; id++)
        ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, *id)),
                         (long)t1);
    ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_COMMITTEE, s1), (long)t2);
    ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_COMMITTEE, x), -1);
    ck_assert_uint_eq(lc_quality_count_check(w.quality, LC_CHECK_LEVEL_STRADDLES), 1);
    ck_assert_uint_eq(lc_quality_count_check(w.quality, LC_CHECK_LEVEL_NO_PARENT), 1);
    for (size_t i = 0; i < lc_quality_count(w.quality); i++) {
        const lc_issue *it = lc_quality_get(w.quality, i);
        if (!strcmp(it->check, LC_CHECK_LEVEL_STRADDLES)) {
            ck_assert_str_eq(it->feature, "S1");
            lct_assert_contains(it->message, "83.3% in 街镇 乙街道 (T2)");
            lct_assert_contains(it->message, "16.7% in 甲镇 (T1)");
        } else if (!strcmp(it->check, LC_CHECK_LEVEL_NO_PARENT)) {
            ck_assert_str_eq(it->feature, "X");
        }
    }
    /* Types from the names: …村 villagers', …居委会 residents'; 甲镇 rural, 乙街道 not. */
    ck_assert_int_eq(lc_indicators_level_villagers(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "V3")), 1);
    ck_assert_int_eq(lc_indicators_level_villagers(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "R1")), 0);
    ck_assert_int_eq(lc_indicators_level_rural(ind, LC_LEVEL_UNIT, t1), 1);
    ck_assert_int_eq(lc_indicators_level_rural(ind, LC_LEVEL_UNIT, t2), 0);
    /* 片区 in T1; G1 in 一村 by its field, G2 by overlap. */
    ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_AREA, feature(&w, LC_LAYER_AREAS, "A2")), (long)t1);
    size_t v1 = feature(&w, LC_LAYER_COMMITTEES, "V1"), v2 = feature(&w, LC_LAYER_COMMITTEES, "V2");
    ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_GROUP, feature(&w, LC_LAYER_GROUPS, "G1")), (long)v1);
    ck_assert_int_eq(lc_indicators_level_parent(ind, LC_LEVEL_GROUP, feature(&w, LC_LAYER_GROUPS, "G2")), (long)v1);
    ck_assert_int_eq(lc_indicators_level_unit(ind, LC_LEVEL_GROUP, feature(&w, LC_LAYER_GROUPS, "G2")), (long)t1);
    /* Compounds: C1 in V1 by overlap, C2 in V2 by its field although it is half in V1. */
    ck_assert_int_eq(lc_indicators_residential_committee(ind, feature(&w, LC_LAYER_RESIDENTIAL, "C1")), (long)v1);
    ck_assert_int_eq(lc_indicators_residential_committee(ind, feature(&w, LC_LAYER_RESIDENTIAL, "C2")), (long)v2);
    /* Residents: V1 = C1 = 1,000, V2 = C2 = 600 (its field), R1 = 2,000, R2 its field 1,500, S1 = 800,
     * V3 none; households V1 = 400, V2 = 200, V3 unknown. */
    ck_assert_double_eq_tol(lc_indicators_level_population(ind, LC_LEVEL_COMMITTEE, v1), 1000, 1e-9);
    ck_assert_double_eq_tol(lc_indicators_level_population(ind, LC_LEVEL_COMMITTEE, v2), 600, 1e-9);
    ck_assert_double_eq_tol(
        lc_indicators_level_population(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "R2")), 1500, 1e-9);
    ck_assert_int_eq(
        lc_indicators_level_population_from_field(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "R2")), 1);
    ck_assert_double_eq_tol(lc_indicators_level_population(ind, LC_LEVEL_COMMITTEE, s1), 800, 1e-9);
    ck_assert_double_eq_tol(lc_indicators_level_households(ind, LC_LEVEL_COMMITTEE, v1), 400, 1e-9);
    ck_assert(isnan(lc_indicators_level_households(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "V3"))));
    /* Facilities: D5 at (3500,1500) in S1 and T2. */
    ck_assert_int_eq(lc_indicators_facility_level(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_FACILITIES, "D5")),
                     (long)s1);
    lct_world_free(&w);
}
END_TEST

START_TEST(presence_per_level)
{
    lct_world w = {0};
    load_town(&w);
    const lc_indicators *ind = w.ind;
    const lc_profile *p = w.profile;
    size_t t1 = feature(&w, LC_LAYER_UNITS, "T1"), t2 = feature(&w, LC_LAYER_UNITS, "T2");
    size_t total = lc_indicators_total_row(ind);

    /* A doorstep point in every 居村 (SH L553): V1, V2, V3, R1 and S1 have one, R2 and X none.
     * T1: 4 of its 5 committees, short 1; T2: S1, 1 of 1; the whole area: 5 of 7, short 2. */
    size_t k = norm_index(p, "doorstep_committees");
    const lc_indicator *x = lc_indicators_get(ind, t1, k);
    ck_assert_double_eq_tol(x->value, 0.8, 1e-12);
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq_tol(x->shortfall, 1, 1e-9);
    ck_assert_str_eq(x->shortfall_unit, "居村");
    ck_assert_double_eq_tol(lc_indicators_get(ind, t2, k)->value, 1, 1e-12);
    x = lc_indicators_get(ind, total, k);
    ck_assert_double_eq_tol(x->value, 5.0 / 7, 1e-12);
    ck_assert_double_eq_tol(x->numerator, 5, 1e-12);
    ck_assert_double_eq_tol(x->denominator, 7, 1e-12);
    ck_assert_double_eq_tol(x->shortfall, 2, 1e-9);
    size_t r2 = feature(&w, LC_LAYER_COMMITTEES, "R2"), r1 = feature(&w, LC_LAYER_COMMITTEES, "R1");
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, r2, k), 0);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, r1, k), 1);
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, r1, k), 1);

    /* 村有“室” (activity room or 睦邻点, villages only): V1 has F1 and F3 (2), V2 F2, V3 none, X none.
     * T1: 2 of its 3 villages; the whole area 2 of 4 (X counts there); the 居委 are not asked. */
    k = norm_index(p, "rural_village");
    size_t v1 = feature(&w, LC_LAYER_COMMITTEES, "V1"), v3 = feature(&w, LC_LAYER_COMMITTEES, "V3");
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, v1, k), 2);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, v3, k), 0);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, r1, k), -1);
    ck_assert_double_eq_tol(lc_indicators_get(ind, t1, k)->value, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(lc_indicators_get(ind, total, k)->value, 0.5, 1e-12);
    ck_assert_int_eq(lc_indicators_get(ind, t2, k)->pass, -1); /* no village in 乙街道 */

    /* 片有“所”: A1 has the 长者照护之家 H1, A2 has neither it nor a day-care centre: T1 1 of 2. */
    k = norm_index(p, "rural_area");
    ck_assert_double_eq_tol(lc_indicators_get(ind, t1, k)->value, 0.5, 1e-12);
    ck_assert_double_eq_tol(lc_indicators_get(ind, t1, k)->shortfall, 1, 1e-9);
    ck_assert_str_eq(lc_indicators_get(ind, t1, k)->shortfall_unit, "片区");
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_AREA, feature(&w, LC_LAYER_AREAS, "A2"), k), 0);

    /* 组有“点”: G1 holds F3, G2 nothing: 1 of 2. */
    k = norm_index(p, "rural_group");
    ck_assert_double_eq_tol(lc_indicators_get(ind, total, k)->value, 0.5, 1e-12);

    /* 镇(乡)有“院”: 甲镇 has H2; 乙街道 is not asked. */
    k = norm_index(p, "rural_town");
    ck_assert_int_eq(lc_indicators_get(ind, t1, k)->pass, 1);
    ck_assert_int_eq(lc_indicators_get(ind, t2, k)->pass, -1);
    ck_assert_double_eq_tol(lc_indicators_get(ind, total, k)->denominator, 1, 1e-12);

    /* 乙街道 holds no rural unit (a 街道; its one committee, 跨界居委会 S1, a 居委会; no 片区 or 组):
     * the four rural tiers do not apply there, and say so; 甲镇 and the whole area have values. */
    static const char *const tiers[] = {"rural_town", "rural_area", "rural_village", "rural_group"};
    for (size_t j = 0; j < 4; j++) {
        const char *code = NULL, *why;
        k = norm_index(p, tiers[j]);
        why = lc_indicators_why_na(ind, t2, k, &code);
        ck_assert_msg(why != NULL, "%s in 乙街道 gives no reason", tiers[j]);
        lct_assert_contains(why, "不适用 — 此处无农村单元 / does not apply: no rural units here");
        ck_assert_str_eq(code, "no rural");
        ck_assert_ptr_null(lc_indicators_why_na(ind, total, k, NULL));
    }
    ck_assert_ptr_null(lc_indicators_why_na(ind, t1, norm_index(p, "rural_town"), NULL));
    lct_world_free(&w);
}
END_TEST

START_TEST(serve_within_reach)
{
    /* serve: reach, with the doorstep point's reach set to 750 m in a profile of the test's own:
     * R2 [1500,2800]×[1000,2000] has no doorstep point inside, but D2 (1800,300) is 700 m below it,
     * D3 (2500,500) 500 m and D5 (3500,1500) 700 m to its right; D4 (700,1500) is 800 m and D1
     * (600,800) √(900² + 200²) = 922 m away: 3 serve it. V1 [0,1000]²: D1 inside, D4 500 m above,
     * D2 800 m to the right (too far): 2. X [6000,7000]×[0,1000] is 2,500 m from D5: none. */
    lct_world w = {0};
    w.dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    town(st, w.dir);
    char *prof = lct_path(w.dir, "reach.yml");
    ck_assert_int_eq(lct_write_text(prof, "profile: reach-test\nextends: shanghai-2025\n"
                                          "categories:\n  doorstep:\n    reach: {minutes: 10, metres: 750, "
                                          "source: test}\nnorms:\n  doorstep_committees:\n    serve: reach\n"), 0);
    lct_world_load(&w, st, NULL);
    lc_profile *p = lc_profile_load(lct_ctx, prof);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_coverage *cov = lc_coverage_compute(lct_ctx, w.inputs, p, NULL);
    ck_assert_ptr_nonnull(cov);
    lc_indicators *ind = lc_indicators_compute(lct_ctx, w.inputs, p, cov, w.quality);
    ck_assert_ptr_nonnull(ind);
    size_t k = norm_index(p, "doorstep_committees"), r2 = feature(&w, LC_LAYER_COMMITTEES, "R2");
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, r2, k), 3);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, r2, k), 1);
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "V1"), k),
                      2);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "X"), k), 0);
    lc_indicators_destroy(ind);
    lc_coverage_destroy(cov);
    lc_profile_destroy(p);
    free(prof);
    lct_world_free(&w);
}
END_TEST

START_TEST(serve_within_reach_along_the_streets)
{
    /* serve: reach in network mode, the doorstep point's reach 750 m as above, on three streets built
     * here: W (2500,0)-(2500,300)-(2500,2000) through R2 [1500,2800]×[1000,2000], S (1000,300)-(2500,300)
     * meeting W at its vertex (2500,300), and E (3500,0)-(3500,2000) meeting neither.
     * D3 (2500,500) lies on W, outside R2 (in V3): it walks 500 m north to R2's edge y = 1000, within
     * 750 m, so it serves R2. D2 (1800,300) lies on S, 700 m straight below R2 (it served R2 in
     * straight-line mode), but along the streets it walks 700 m east to (2500,300) and then only
     * 50 m up W, to y = 350, never reaching R2 (1,400 m along the streets). D5 (3500,1500) lies on E,
     * 700 m straight to R2's edge x = 2800, but E meets no other street: not along the streets
     * either. D4 (700,1500) and D1 (600,800) are more than 200 m (max_snap_m) from every street
     * (the nearest, S's end (1000,300), is √(300² + 1200²) = 1,237 m and √(400² + 500²) = 640 m
     * away): off the network they serve only the committee they stand in, D1 V1.
     * So R2: 1 (D3; 3 in straight-line mode), V1: 1 (D1; D4 no longer), X: 0. */
    lct_world w = {0};
    w.dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    town(st, w.dir);
    char *prof = lct_path(w.dir, "reach.yml");
    ck_assert_int_eq(lct_write_text(prof, "profile: reach-test\nextends: shanghai-2025\n"
                                          "categories:\n  doorstep:\n    reach: {minutes: 10, metres: 750, "
                                          "source: test}\nnorms:\n  doorstep_committees:\n    serve: reach\n"), 0);
    lct_world_load(&w, st, NULL);
    lc_profile *p = lc_profile_load(lct_ctx, prof);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy west[] = {{2500, 0}, {2500, 300}, {2500, 2000}}, south[] = {{1000, 300}, {2500, 300}},
          east[] = {{3500, 0}, {3500, 2000}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, west, 3, "residential", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, south, 2, "residential", 0, 0, 0, 2), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, east, 2, "residential", 0, 0, 0, 3), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0);
    ck_assert_ptr_nonnull(net);
    ck_assert_uint_eq(lc_network_component_count(net), 2); /* W+S, and E on its own */
    lc_coverage_options co = {.mode = LC_MODE_NETWORK, .network = net};
    lc_coverage *cov = lc_coverage_compute(lct_ctx, w.inputs, p, &co);
    ck_assert_msg(cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_indicators_options io = {.size = sizeof io, .network = net};
    lc_indicators *ind = lc_indicators_compute_with(lct_ctx, w.inputs, p, cov, &io, w.quality);
    ck_assert_msg(ind != NULL, "%s", lc_context_errmsg(lct_ctx));
    size_t k = norm_index(p, "doorstep_committees"), r2 = feature(&w, LC_LAYER_COMMITTEES, "R2");
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, r2, k), 1);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, r2, k), 1);
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "V1"), k),
                      1);
    ck_assert_uint_eq(lc_indicators_level_facilities(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "X"), k),
                      0);
    ck_assert_int_eq(lc_indicators_level_meets(ind, LC_LEVEL_COMMITTEE, feature(&w, LC_LAYER_COMMITTEES, "X"), k), 0);
    /* without the network the norm cannot be counted in network mode: refused, naming the norm */
    ck_assert_ptr_null(lc_indicators_compute(lct_ctx, w.inputs, p, cov, w.quality));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "doorstep_committees");
    lc_indicators_destroy(ind);
    lc_coverage_destroy(cov);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_profile_destroy(p);
    free(prof);
    lct_world_free(&w);
}
END_TEST

START_TEST(committee_lookups_on_a_grid_of_2000)
{
    /* 2,000 committees, the 100 m squares c(i,j) = [100i, 100i+100] × [100j, 100j+100] (i < 50, j < 40,
     * layer order i·40 + j) in one 街道, and one more, 大村 [−10000,15000] × [−10000,−100], so large
     * that the grid of queries/assign.c keeps it apart. By construction: a doorstep point at
     * (100i + 10 + i, 100j + 50) in every square with (i + 2j) mod 7 ≠ 0, one at the corner (500,500)
     * shared by c(4,4), c(4,5), c(5,4) and c(5,5) — it goes to the first in layer order, c(4,4) — and
     * one in 大村: c(4,4) 2, 大村 1, the others 1 or 0 by the rule. Compounds: one in every square with
     * j even, of 10(i+1) + j residents; one of 100 halved between c(10,10) and c(11,10); one of 7 in
     * c(20,21) whose committee field names 第3-3居委会. So c(10,10) 120 + 50, c(11,10) 130 + 50,
     * c(3,3) 7, c(20,21) 0. */
    enum { NI = 50, NJ = 40 };
    size_t cap = 600000;
    char *u = calloc(1, 4096), *c = calloc(1, cap), *f = calloc(1, cap), *r = calloc(1, cap), props[160];
    ck_assert_ptr_nonnull(c);
    rect(u, 4096, "\"id\":\"T\",\"name\":\"甲街道\"", 0, 0, 5000, 4000);
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) {
            snprintf(props, sizeof props, "\"id\":\"c-%d-%d\",\"name\":\"第%d-%d居委会\"", i, j, i, j);
            rect(c, cap, props, 100 * i, 100 * j, 100 * i + 100, 100 * j + 100);
            if ((i + 2 * j) % 7) {
                snprintf(props, sizeof props, "\"id\":\"D-%d-%d\",\"category\":\"doorstep\"", i, j);
                point(f, cap, props, 100 * i + 10 + i, 100 * j + 50);
            }
            if (j % 2 == 0) {
                snprintf(props, sizeof props, "\"id\":\"C-%d-%d\",\"population\":%d", i, j, 10 * (i + 1) + j);
                rect(r, cap, props, 100 * i + 20, 100 * j + 20, 100 * i + 80, 100 * j + 80);
            }
        }
    rect(c, cap, "\"id\":\"big\",\"name\":\"大村\"", -10000, -10000, 15000, -100);
    point(f, cap, "\"id\":\"corner\",\"category\":\"doorstep\"", 500, 500);
    point(f, cap, "\"id\":\"in-big\",\"category\":\"doorstep\"", 0, -5000);
    rect(r, cap, "\"id\":\"half\",\"population\":100", 1090, 1020, 1110, 1040);
    rect(r, cap, "\"id\":\"said\",\"population\":7,\"committee\":\"第3-3居委会\"", 2020, 2120, 2080, 2180);
    lct_world w = {0};
    w.dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    layer(st, w.dir, "units.geojson", u);
    layer(st, w.dir, "committees.geojson", c);
    layer(st, w.dir, "facilities.geojson", f);
    layer(st, w.dir, "residential.geojson", r);
    free(u), free(c), free(f), free(r);
    lct_world_load(&w, st, NULL);
    size_t k = norm_index(w.profile, "doorstep_committees"), lacking = 0;
    ck_assert_uint_eq(lc_indicators_level_count(w.ind, LC_LEVEL_COMMITTEE), NI * NJ + 1);
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) {
            size_t q = (size_t)(i * NJ + j), want = (i + 2 * j) % 7 ? 1 : 0;
            want += i == 4 && j == 4;
            lacking += !want;
            ck_assert_msg(lc_indicators_level_facilities(w.ind, LC_LEVEL_COMMITTEE, q, k) == want,
                          "c(%d,%d): %zu facilities, %zu by construction", i, j,
                          lc_indicators_level_facilities(w.ind, LC_LEVEL_COMMITTEE, q, k), want);
            ck_assert_int_eq(lc_indicators_level_parent(w.ind, LC_LEVEL_COMMITTEE, q), 0);
            double pop = j % 2 == 0 ? 10 * (i + 1) + j : 0;
            pop += (j == 10 && (i == 10 || i == 11)) ? 50 : 0;
            pop += (i == 3 && j == 3) ? 7 : 0;
            ck_assert_msg(fabs(lc_indicators_level_population(w.ind, LC_LEVEL_COMMITTEE, q) - pop) < 1e-9,
                          "c(%d,%d): %g residents, %g by construction", i, j,
                          lc_indicators_level_population(w.ind, LC_LEVEL_COMMITTEE, q), pop);
        }
    ck_assert_uint_eq(lc_indicators_level_facilities(w.ind, LC_LEVEL_COMMITTEE, NI * NJ, k), 1);
    ck_assert_int_eq(lc_indicators_level_parent(w.ind, LC_LEVEL_COMMITTEE, NI * NJ), -1);
    /* the whole area: every committee with at least one, of all 2,001 */
    const lc_indicator *x = lc_indicators_get(w.ind, lc_indicators_total_row(w.ind), k);
    ck_assert_double_eq_tol(x->denominator, NI * NJ + 1, 1e-9);
    ck_assert_double_eq_tol(x->numerator, NI * NJ + 1 - lacking, 1e-9);
    lct_world_free(&w);
}
END_TEST

START_TEST(demo_committees_in_every_output)
{
    /* The demo's synthetic 居委会 (data/demo/build_demo.py): which of them hold a doorstep station
     * (the profile's 家门口服务站点, the facilities' 类型 field) is found here with OGR alone, each
     * station in the first committee polygon that holds it; then the console, summary.json,
     * summary.csv, the committees layer and the report must each say the same. */
    char *gpkg = lct_path(lct_source_dir(), "data/demo/porto.gpkg");
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH C = GDALDatasetGetLayerByName(ds, "committees"), F = GDALDatasetGetLayerByName(ds, "facilities");
    size_t nc = (size_t)OGR_L_GetFeatureCount(C, TRUE);
    ck_assert_uint_gt(nc, 1);
    char (*ids)[64] = calloc(nc, sizeof *ids);
    OGRGeometryH *polys = calloc(nc, sizeof *polys);
    int *count = calloc(nc, sizeof *count);
    OGRFeatureH f;
    for (size_t i = 0; (f = OGR_L_GetNextFeature(C)); i++) {
        snprintf(ids[i], sizeof ids[i], "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")));
        polys[i] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_F_Destroy(f);
    }
    while ((f = OGR_L_GetNextFeature(F))) {
        if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "类型")), "家门口服务站点"))
            for (size_t i = 0; i < nc; i++)
                if (OGR_G_Intersects(polys[i], OGR_F_GetGeometryRef(f))) {
                    count[i]++;
                    break;
                }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    size_t lacking = 0;
    for (size_t i = 0; i < nc; i++) {
        lacking += !count[i];
        OGR_G_DestroyGeometry(polys[i]);
    }
    ck_assert_uint_gt(lacking, 0);
    ck_assert_uint_lt(lacking, nc); /* some have one, some not: the check can tell them apart */

    char *dir = lct_tmpdir(), *out = lct_path(dir, "out"), *rep = lct_path(dir, "rep"), *study =
        lct_path(lct_source_dir(), "data/demo/porto.yml");
    char args[4096], *got = NULL, want[256];
    snprintf(args, sizeof args, "check '%s' -o '%s' --format geojson --report '%s'", study, out, rep);
    int rc = lct_run_cli(args, &got);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, got);
    snprintf(want, sizeof want, "居村 committee: %zu, %zu lacking", nc, lacking);
    lct_assert_contains(got, want);
    free(got);

    char *path = lct_path(out, "summary.json");
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    ck_assert_msg(j != NULL, "%s", err.text);
    free(path);
    const json_t *lv = json_object_get(json_object_get(j, "levels"), "committees");
    ck_assert_uint_eq(json_array_size(json_object_get(lv, "units")), nc);
    const json_t *lk = json_object_get(json_object_get(lv, "lacking"), "doorstep_committees");
    ck_assert_uint_eq(json_array_size(lk), lacking);
    for (size_t i = 0; i < nc; i++) {
        int listed = 0;
        size_t k;
        const json_t *id;
        json_array_foreach(lk, k, id) listed |= !strcmp(json_string_value(id), ids[i]);
        ck_assert_msg(listed == !count[i], "%s: %d stations, listed as lacking: %d", ids[i], count[i], listed);
    }
    json_decref(j);

    path = lct_path(out, "summary.csv");
    char *csv = lct_read_file(path, NULL);
    ck_assert_ptr_nonnull(csv);
    free(path);
    for (size_t i = 0; i < nc; i++) {
        snprintf(want, sizeof want, "\n%s,", ids[i]);
        const char *line = strstr(csv, want);
        ck_assert_msg(line != NULL, "summary.csv has no row of %s", ids[i]);
        char *row = strndup(line + 1, (size_t)(strchr(line + 1, '\n') - line - 1));
        lct_assert_contains(row, ",doorstep_committees,");
        lct_assert_contains(row, count[i] ? ",pass," : ",fail,");
        lct_assert_contains(row, ",committee,");
        free(row);
    }
    free(csv);

    path = lct_path(out, "committees.geojson");
    ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    free(path);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(L, TRUE), (GIntBig)nc);
    while ((f = OGR_L_GetNextFeature(L))) {
        const char *id = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id"));
        for (size_t i = 0; i < nc; i++)
            if (!strcmp(id, ids[i]))
                ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "doorstep_committees_count")),
                                 count[i]);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);

    path = lct_path(rep, "report.html");
    char *html = lct_read_file(path, NULL);
    ck_assert_ptr_nonnull(html);
    free(path);
    size_t rows = 0;
    for (const char *q = strstr(html, "<tr data-committee=\""); q; q = strstr(q + 1, "<tr data-committee=\""))
        rows++;
    ck_assert_uint_eq(rows, nc);
    snprintf(want, sizeof want, "缺 lacking (%zu): ", lacking);
    lct_assert_contains(html, want);
    free(html);
    lct_rmtree(dir);
    free(dir), free(out), free(rep), free(study), free(gpkg), free(ids), free(polys), free(count);
}
END_TEST

START_TEST(two_districts_two_bed_targets)
{
    /* 杨浦区 D1 [0,2000]×[0,1000] and 松江区 D2 [2000,4000]×[0,1000]; 街镇 U1 = D1 (its district field
     * names 杨浦区), U2 and U3 halves of D2 (by overlap). 3,000 registered 60+ per district (U1 3,000;
     * U2, U3 1,500 each), 100 beds in U1 and 100 in U2. The study maps 杨浦区 → yangpu-2025 (2.5%)
     * and 松江区 → songjiang-2025 (4%); the whole area stays shanghai-2025 (no ratio target).
     * D1: 100 / 3000 = 3.33% ≥ 2.5%, passes. D2: 100 / 3000 = 3.33% < 4%, short 0.04 × 3000 − 100
     * = 20 beds. U2: 100 / 1500 = 6.67% ≥ 4% passes; U3: 0 of 1,500, short 60 beds against 4%. */
    char *dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    char d[2048] = "", u[2048] = "", f[2048] = "", r[2048] = "";
    rect(d, sizeof d, "\"id\":\"D1\",\"name\":\"杨浦区\"", 0, 0, 2000, 1000);
    rect(d, sizeof d, "\"id\":\"D2\",\"name\":\"松江区\"", 2000, 0, 4000, 1000);
    rect(u, sizeof u, "\"id\":\"U1\",\"name\":\"甲街道\",\"district\":\"杨浦区\"", 0, 0, 2000, 1000);
    rect(u, sizeof u, "\"id\":\"U2\",\"name\":\"乙镇\"", 2000, 0, 3000, 1000);
    rect(u, sizeof u, "\"id\":\"U3\",\"name\":\"丙镇\"", 3000, 0, 4000, 1000);
    point(f, sizeof f, "\"id\":\"H1\",\"category\":\"care_home\",\"beds\":100,\"nursing_beds\":60", 500, 500);
    point(f, sizeof f, "\"id\":\"H2\",\"category\":\"care_home\",\"beds\":100,\"nursing_beds\":60", 2500, 500);
    rect(r, sizeof r, "\"id\":\"C1\",\"population\":10000,\"pop60\":3000", 100, 100, 900, 900);
    rect(r, sizeof r, "\"id\":\"C2\",\"population\":5000,\"pop60\":1500", 2100, 100, 2900, 900);
    rect(r, sizeof r, "\"id\":\"C3\",\"population\":5000,\"pop60\":1500", 3100, 100, 3900, 900);
    layer(st, dir, "districts.geojson", d);
    layer(st, dir, "units.geojson", u);
    layer(st, dir, "facilities.geojson", f);
    layer(st, dir, "residential.geojson", r);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "districts.profiles.杨浦区", "yangpu-2025"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "districts.profiles.D2", "songjiang-2025"), LC_OK);
    char *out = lct_path(dir, "out");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "format", "geojson"), LC_OK);
    lc_run *run = lc_run_check(lct_ctx, st, NULL);
    ck_assert_msg(run != NULL, "%s", lc_context_errmsg(lct_ctx));
    const lc_results *res = lc_run_results(run);
    const lc_indicators *ind = res->indicators;
    size_t k = norm_index(res->profile, "beds");
    ck_assert_uint_eq(lc_indicators_district_count(ind), 2);
    ck_assert_int_eq(lc_indicators_unit_district(ind, 0), 0);
    ck_assert_int_eq(lc_indicators_unit_district(ind, 2), 1);
    const lc_indicator *x = lc_indicators_get(ind, lc_indicators_district_row(ind, 0), k);
    ck_assert_double_eq_tol(x->target, 0.025, 1e-12);
    ck_assert_double_eq_tol(x->value, 100.0 / 3000, 1e-12);
    ck_assert_int_eq(x->pass, 1);
    x = lc_indicators_get(ind, lc_indicators_district_row(ind, 1), k);
    ck_assert_double_eq_tol(x->target, 0.04, 1e-12);
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq_tol(x->shortfall, 20, 1e-9);
    ck_assert_double_eq_tol(lc_indicators_get(ind, 1, k)->target, 0.04, 1e-12);
    ck_assert_int_eq(lc_indicators_get(ind, 1, k)->pass, 1);
    ck_assert_double_eq_tol(lc_indicators_get(ind, 2, k)->shortfall, 60, 1e-9);
    ck_assert_double_eq_tol(lc_indicators_get(ind, 0, k)->target, 0.025, 1e-12);
    ck_assert_int_eq(lc_indicators_get(ind, lc_indicators_total_row(ind), k)->pass, -1);
    ck_assert_str_eq(lc_profile_name(lc_indicators_district_profile(ind, 1)), "songjiang-2025");
    /* Written: the districts layer and summary.json's districts with their profiles and rows. */
    char *js = lct_path(out, "summary.json"), *dl = lct_path(out, "districts.geojson");
    char *text = lct_slurp(js, NULL);
    ck_assert_ptr_nonnull(text);
    json_error_t err;
    json_t *sum = json_loads(text, 0, &err);
    ck_assert_ptr_nonnull(sum);
    json_t *dists = json_object_get(sum, "districts");
    ck_assert_uint_eq(json_array_size(dists), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(dists, 1), "profile")), "songjiang-2025");
    json_t *beds = json_object_get(json_object_get(json_array_get(dists, 1), "indicators"), "beds");
    ck_assert_str_eq(json_string_value(json_object_get(beds, "pass")), "fail");
    ck_assert_double_eq_tol(json_real_value(json_object_get(beds, "shortfall")), 20, 1e-9);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(sum, "rows"), 2), "district")),
                     "D2");
    json_decref(sum);
    free(text);
    char *csv = lct_path(out, "summary.csv");
    text = lct_slurp(csv, NULL);
    lct_assert_contains(text, "D2,松江区,beds,");
    lct_assert_contains(text, ",level,parent_id,district_id,note\r\n");
    free(text);
    GDALDatasetH ds = GDALOpenEx(dl, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(OGR_L_GetFeatureCount(GDALDatasetGetLayer(ds, 0), TRUE), 2);
    GDALClose(ds);
    free(js), free(dl), free(csv);
    /* The report: the district table above the 街镇 table, each 区 with its profile, 松江区's bed cell
     * failing against its own 4% (3.33%), 杨浦区's passing against 2.5%. */
    lc_report_options ro = {.no_maps = 1, .date = "2026-12-02"};
    char *html = lc_report_html(lct_ctx, res, &ro);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    const char *ds_at = strstr(html, "<section id=\"districts\">"), *us_at = strstr(html, "<section id=\"units\">");
    ck_assert_ptr_nonnull(ds_at);
    ck_assert_ptr_nonnull(us_at);
    ck_assert(ds_at < us_at);
    const char *d2 = strstr(ds_at, "<tr data-district=\"D2\">");
    ck_assert_ptr_nonnull(d2);
    lct_assert_contains(d2, "<td>songjiang-2025</td>");
    lct_assert_contains(d2, "title=\"目标 target ≥ 4.0%\">3.3% ✗</td>");
    lct_assert_contains(strstr(ds_at, "<tr data-district=\"D1\">"), "title=\"目标 target ≥ 2.5%\">3.3% ✓</td>");
    lc_free(html);
    lc_run_destroy(run);

    /* A 区名 the districts layer lacks is an error naming it. */
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "districts.profiles.浦东新区", "yangpu-2025"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    ck_assert_ptr_null(lc_run_check(lct_ctx, st, &(lc_run_options){.size = sizeof(lc_run_options), .overwrite = 1}));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "浦东新区");
    lc_study_destroy(st);
    free(out);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(point_demand_households)
{
    /* Compounds as points with households and no population: persons_per_household 2.5 makes
     * P1 (400 households) 1,000 people and P2 (120) 300; P3 states 500 itself. A centre at (0,0)
     * reaches 1,000 m: P1 at (600,800) is exactly 1,000 m away (covered whole), P2 at (0,1200) is
     * 1,200 m (not at all), P3 at (300,0) 300 m. Covered: 1,000 + 500 of 1,800. */
    lct_world w = {.dir = lct_tmpdir()};
    lc_study *st = lc_study_create(lct_ctx);
    char r[2048] = "", f[1024] = "";
    point(r, sizeof r, "\"id\":\"P1\",\"households\":400", 600, 800);
    point(r, sizeof r, "\"id\":\"P2\",\"households\":120", 0, 1200);
    point(r, sizeof r, "\"id\":\"P3\",\"households\":200,\"population\":500", 300, 0);
    point(f, sizeof f, "\"id\":\"C\",\"category\":\"centre\",\"floor_area\":100", 0, 0);
    layer(st, w.dir, "residential.geojson", r);
    layer(st, w.dir, "facilities.geojson", f);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "persons_per_household", "2.5"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "persons_per_household_source", "test: 2.5 by construction"), LC_OK);
    lct_world_load(&w, st, NULL);
    const lc_layer *res = lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL);
    ck_assert(lc_layer_is_points(res));
    ck_assert_double_eq_tol(lc_layer_feature(res, 0)->population, 1000, 1e-9);
    ck_assert_int_eq(lc_layer_feature(res, 0)->population_from_households, 1);
    ck_assert_double_eq_tol(lc_layer_feature(res, 1)->population, 300, 1e-9);
    ck_assert_double_eq_tol(lc_layer_feature(res, 2)->population, 500, 1e-9);
    ck_assert_int_eq(lc_layer_feature(res, 2)->population_from_households, 0);
    size_t centre = (size_t)lc_profile_find_category(w.profile, "centre");
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, centre);
    ck_assert_double_eq_tol(c->distance_m, 1000, 1e-9);
    ck_assert_double_eq(c->covered_share, 1);
    c = lc_coverage_get(w.cov, 1, centre);
    ck_assert_double_eq_tol(c->distance_m, 1200, 1e-9);
    ck_assert_double_eq(c->covered_share, 0);
    ck_assert_double_eq_tol(lc_coverage_covered_population(w.cov, centre), 1500, 1e-9);
    const lc_indicator *x = lc_indicators_get(w.ind, lc_indicators_total_row(w.ind), 0); /* circle_centre */
    ck_assert_double_eq_tol(x->value, 1500.0 / 1800, 1e-12);
    ck_assert_double_eq_tol(x->shortfall, 300, 1e-9);
    lct_world_free(&w);
}
END_TEST

START_TEST(point_demand_needs_a_source)
{
    /* persons_per_household without its source is refused: a planner must say where 2.5 comes from. */
    char *dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    char r[512] = "", f[512] = "";
    point(r, sizeof r, "\"id\":\"P1\",\"households\":400", 600, 800);
    point(f, sizeof f, "\"id\":\"C\",\"category\":\"centre\",\"floor_area\":100", 0, 0);
    layer(st, dir, "residential.geojson", r);
    layer(st, dir, "facilities.geojson", f);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "persons_per_household", "2.5"), LC_OK);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    ck_assert_ptr_null(lc_inputs_read(lct_ctx, st, p, q));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "persons_per_household_source");
    /* Without persons_per_household, households alone are no population. */
    lc_study_destroy(st);
    st = lc_study_create(lct_ctx);
    layer(st, dir, "residential.geojson", r);
    layer(st, dir, "facilities.geojson", f);
    ck_assert_ptr_null(lc_inputs_read(lct_ctx, st, p, q));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_FIELD);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "persons_per_household");
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(cli_tables_and_layers)
{
    /* The town through the command: the per-居村 table and, under the doorstep norm, the 居村 lacking
     * it — 西居委会 (R2) and 无主村 (X), by construction (no doorstep point inside either); the
     * 片区 table with 西片 (A2) lacking its 所; the committees layer with R2 failing, V1 counting 1
     * doorstep point (D1) and 2 rooms (F1 and the 睦邻点 F3). Exit 1: norms fail. */
    char *dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    town(st, dir);
    lc_study_destroy(st);
    char *study = lct_path(dir, "town.yml"), *out = lct_path(dir, "out");
    char text[2048];
    snprintf(text, sizeof text,
             "residential: {path: residential.geojson}\nfacilities: {path: facilities.geojson}\n"
             "units: {path: units.geojson}\ncommittees: {path: committees.geojson}\n"
             "areas: {path: areas.geojson}\ngroups: {path: groups.geojson}\n");
    ck_assert_int_eq(lct_write_text(study, text), 0);
    char args[4096], *got = NULL;
    snprintf(args, sizeof args, "check '%s' -o '%s' --format geojson", study, out);
    int rc = lct_run_cli(args, &got);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, got);
    lct_assert_contains(got, "居村 committee: 7, ");
    lct_assert_contains(got, "lacking 缺: 西居委会, 无主村\n");
    lct_assert_contains(got, "片区 area: 2, 1 lacking");
    lct_assert_contains(got, "lacking 缺: 西片\n");
    lct_assert_contains(got, "lies 83.3% in 街镇 乙街道 (T2) and 16.7% in 甲镇 (T1)");
    lct_assert_contains(got, "无主村                 -                村委会");
    free(got);
    char *layer = lct_path(out, "committees.geojson");
    GDALDatasetH ds = GDALOpenEx(layer, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(L, TRUE), 7);
    OGRFeatureH f;
    int seen = 0;
    while ((f = OGR_L_GetNextFeature(L))) {
        const char *id = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id"));
        const char *pass = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "doorstep_committees_pass"));
        if (!strcmp(id, "R2")) {
            ck_assert_str_eq(pass, "fail");
            ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "doorstep_committees_shortfall")), 1);
            seen++;
        } else if (!strcmp(id, "V1")) {
            ck_assert_str_eq(pass, "pass");
            ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "rural_village_count")), 2);
            ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "rural_village_pass")), "pass");
            seen++;
        } else if (!strcmp(id, "R1")) {
            ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "rural_village_pass")), "n/a");
            seen++;
        }
        OGR_F_Destroy(f);
    }
    ck_assert_int_eq(seen, 3);
    GDALClose(ds);
    free(layer);
    free(study);
    free(out);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(report_tables_per_level)
{
    /* The report of the town: a table per 居村 where R2 (西居委会) has 0 doorstep points ✗ and R1 1 ✓,
     * the 居委 show – for the village-only norm, and the list lacking the doorstep point names
     * 西居委会 and 无主村 — by construction (town()); the 片区 table lists 西片 lacking its 所. */
    char *dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    town(st, dir);
    char *out = lct_path(dir, "out");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "format", "geojson"), LC_OK);
    free(out);
    lc_run *run = lc_run_check(lct_ctx, st, NULL);
    ck_assert_msg(run != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_report_options o = {.no_maps = 1, .date = "2026-12-02"};
    char *html = lc_report_html(lct_ctx, lc_run_results(run), &o);
    ck_assert_msg(html != NULL, "%s", lc_context_errmsg(lct_ctx));
    const char *c = strstr(html, "<section id=\"level-committee\">");
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(strstr(html, "<section id=\"level-area\">"));
    ck_assert_ptr_nonnull(strstr(html, "<section id=\"level-group\">"));
    ck_assert_ptr_null(strstr(html, "<section id=\"districts\">")); /* no districts layer */
    const char *r2 = strstr(c, "<tr data-committee=\"R2\">");
    ck_assert_ptr_nonnull(r2);
    const char *end = strstr(r2, "</tr>");
    char *row = strndup(r2, (size_t)(end - r2));
    lct_assert_contains(row, "西居委会");
    lct_assert_contains(row, "居委会 residents&#39; committee"); /* escaped for HTML */
    lct_assert_contains(row, "<td>甲镇</td><td class=\"num\">1,500</td>");
    lct_assert_contains(row, "<td class=\"num fail\">0 ✗</td><td class=\"na\">–</td>");
    free(row);
    lct_assert_contains(c, "<th>居村 Committee</th><th>类型 Type</th><th>街镇 Unit</th>");
    /* a cell counts facilities: the column says of which categories and how many are needed */
    lct_assert_contains(c, ">家门口服务站点 设施数 (需 ≥ 1)<br><span class=\"en\">Doorstep service station: facilities "
                           "(need ≥ 1)</span></th>");
    lct_assert_contains(c, ">老年活动室或睦邻点 设施数 (需 ≥ 1)<br><span class=\"en\">Elderly activity room or "
                           "Neighbourhood point: facilities (need ≥ 1)</span></th>");
    /* the 街镇 table's heads in both languages */
    const char *units = strstr(html, "<section id=\"units\">");
    ck_assert_ptr_nonnull(units);
    lct_assert_contains(units, "有家门口服务站点的居村比例<br><span class=\"en\">Share of 居村");
    lct_assert_contains(c, "<tr data-committee=\"R1\">");
    lct_assert_contains(c, "缺 lacking (2): 西居委会, 无主村</li>");
    lct_assert_contains(html, "缺 lacking (1): 西片</li>");
    lc_free(html);
    lc_run_destroy(run);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

/* Dijkstra with an O(n) scan for the minimum — slow and obviously right, written here apart from
 * network/ — over n nodes and m edges (a[e], b[e], len[e]) from node distances d (INFINITY where
 * not a source). */
static void simple_dijkstra(size_t n, size_t m, const size_t *a, const size_t *b, const double *len, double *d)
{
    char *done = calloc(n ? n : 1, 1);
    size_t *first = calloc(n + 1, sizeof *first), *inc = malloc((2 * m + 1) * sizeof *inc);
    size_t *fill = calloc(n ? n : 1, sizeof *fill);
    for (size_t e = 0; e < m; e++)
        first[a[e] + 1]++, first[b[e] + 1]++;
    for (size_t v = 0; v < n; v++)
        first[v + 1] += first[v];
    for (size_t e = 0; e < m; e++) {
        inc[first[a[e]] + fill[a[e]]++] = e;
        inc[first[b[e]] + fill[b[e]]++] = e;
    }
    for (;;) {
        size_t best = n;
        for (size_t v = 0; v < n; v++)
            if (!done[v] && isfinite(d[v]) && (best == n || d[v] < d[best]))
                best = v;
        if (best == n)
            break;
        done[best] = 1;
        for (size_t k = first[best]; k < first[best + 1]; k++) {
            size_t e = inc[k], w = a[e] == best ? b[e] : a[e];
            if (d[best] + len[e] < d[w])
                d[w] = d[best] + len[e];
        }
    }
    free(done), free(first), free(inc), free(fill);
}

START_TEST(point_demand_real_osm_matches_dijkstra)
{
    /* Real streets: Monaco's OSM extract (../shared/data/osm/monaco.osm.pbf, every highway line; the
     * profile's rules decide what is walked). Compounds as 48 points on a 6 × 8 grid over the
     * extract (lon 7.412-7.445, lat 43.726-43.749), 40 households each × 2.5 = 100 residents; three
     * centres. With the default exact vertex joining (no merges), every point's network distance to
     * the nearest centre must equal a plain Dijkstra over the exported edges from the centres'
     * attachment points, plus both access legs (or the direct walk along a shared edge), within 0.01 m. */
    lct_world w = {.dir = lct_tmpdir()};
    lc_study *st = lc_study_create(lct_ctx);
    char r[16384] = "", f[1024] = "";
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++) {
            char props[64];
            snprintf(props, sizeof props, "\"id\":\"P%d%d\",\"households\":40", i, j);
            point(r, sizeof r, props, 7.412 + 0.0066 * i, 43.726 + 0.0033 * j);
        }
    point(f, sizeof f, "\"id\":\"C1\",\"category\":\"centre\",\"floor_area\":500", 7.4205, 43.7313);
    point(f, sizeof f, "\"id\":\"C2\",\"category\":\"centre\",\"floor_area\":500", 7.4266, 43.7389);
    point(f, sizeof f, "\"id\":\"C3\",\"category\":\"centre\",\"floor_area\":500", 7.4300, 43.7425);
    char *rp = lct_path(w.dir, "points.geojson"), *fp = lct_path(w.dir, "centres.geojson");
    char *text = malloc(strlen(r) + 256);
    sprintf(text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}", r);
    ck_assert_int_eq(lct_write_text(rp, text), 0);
    sprintf(text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}", f);
    ck_assert_int_eq(lct_write_text(fp, text), 0);
    free(text);
    char *pbf = lct_path(lct_shared_dir(), "data/osm/monaco.osm.pbf");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "crs", "EPSG:32632"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", rp), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", fp), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.path", pbf), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.layer", "lines"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "persons_per_household", "2.5"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "persons_per_household_source", "test: 2.5 by construction"), LC_OK);
    free(rp), free(fp), free(pbf);
    w.study = st;
    w.profile = lc_profile_load(lct_ctx, "shanghai-2025");
    w.quality = lc_quality_create(lct_ctx);
    w.inputs = lc_inputs_read(lct_ctx, st, w.profile, w.quality);
    ck_assert_msg(w.inputs != NULL, "%s", lc_context_errmsg(lct_ctx));
    const lc_layer *res = lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL);
    ck_assert(lc_layer_is_points(res));
    ck_assert_uint_eq(lc_layer_count(res), 48);
    ck_assert_double_eq_tol(lc_layer_feature(res, 0)->population, 100, 1e-9);
    const lc_network_rules *rules = lc_profile_network(w.profile);
    ck_assert_double_eq(rules->snap_tolerance_m, 0); /* the default: exact shared vertices */
    lc_roads *roads = lc_roads_read(lct_ctx, st, w.profile, lc_inputs_crs(w.inputs), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, rules->snap_tolerance_m);
    ck_assert_ptr_nonnull(net);
    ck_assert_uint_eq(lc_network_merge_count(net, NULL), 0);
    lc_coverage_options o = {.mode = LC_MODE_NETWORK, .network = net, .threads = 2};
    w.cov = lc_coverage_compute(lct_ctx, w.inputs, w.profile, &o);
    ck_assert_msg(w.cov != NULL, "%s", lc_context_errmsg(lct_ctx));

    size_t n = lc_network_node_count(net), m = lc_network_edge_count(net);
    size_t *a = malloc(m * sizeof *a), *b = malloc(m * sizeof *b);
    double *len = malloc(m * sizeof *len), *d = malloc(n * sizeof *d);
    for (size_t e = 0; e < m; e++)
        ck_assert_int_eq(lc_network_edge(net, e, &a[e], &b[e], &len[e]), 0);
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    const lc_layer *fac = lc_inputs_layer(w.inputs, LC_LAYER_FACILITIES);
    lc_snap fs[3];
    for (size_t v = 0; v < n; v++)
        d[v] = INFINITY;
    for (size_t k = 0; k < 3; k++) {
        lc_xy xy;
        GEOSGeomGetX_r(h, lc_layer_feature(fac, k)->geom, &xy.x);
        GEOSGeomGetY_r(h, lc_layer_feature(fac, k)->geom, &xy.y);
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, xy, rules->max_snap_m, &fs[k]), LC_OK);
        ck_assert_msg(fs[k].edge >= 0, "centre %zu off the network (%zu edges, %zu nodes)", k, m, n);
        size_t e = (size_t)fs[k].edge;
        d[a[e]] = fmin(d[a[e]], fs[k].access_m + fs[k].along);
        d[b[e]] = fmin(d[b[e]], fs[k].access_m + len[e] - fs[k].along);
    }
    simple_dijkstra(n, m, a, b, len, d);
    size_t centre = (size_t)lc_profile_find_category(w.profile, "centre"), finite = 0;
    double wanted[48];
    for (size_t i = 0; i < 48; i++) {
        const lc_feature *ft = lc_layer_feature(res, i);
        lc_xy xy;
        GEOSGeomGetX_r(h, ft->geom, &xy.x);
        GEOSGeomGetY_r(h, ft->geom, &xy.y);
        lc_snap s;
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, xy, rules->max_snap_m, &s), LC_OK);
        double want = INFINITY;
        if (s.edge >= 0) {
            size_t e = (size_t)s.edge;
            want = fmin(d[a[e]] + s.along, d[b[e]] + len[e] - s.along);
            for (size_t k = 0; k < 3; k++)
                if (fs[k].edge == s.edge)
                    want = fmin(want, fs[k].access_m + fabs(fs[k].along - s.along));
            want += s.access_m;
        }
        wanted[i] = want;
        double got = lc_coverage_get(w.cov, i, centre)->distance_m;
        if (isinf(want))
            ck_assert_msg(isinf(got), "point %s: %g m, want unreachable", ft->id, got);
        else
            ck_assert_msg(fabs(got - want) <= 0.01, "point %s: %.4f m, want %.4f m", ft->id, got, want);
        /* covered whole or not at all, by its own distance */
        double share = lc_coverage_get(w.cov, i, centre)->covered_share;
        ck_assert(share == (got <= lc_coverage_reach(w.cov, centre) ? 1.0 : 0.0));
        finite += isfinite(want);
    }
    ck_assert_uint_ge(finite, 16); /* a third at least reach a centre (the grid spans sea and hills beyond
                                     * 200 m of any street): the comparison is not vacuous */

    /* The written output, as a planner opens it: a network check of the same study to a GeoPackage,
     * its residential layer read back with OGR — every point's centre_distance_m equals the plain
     * Dijkstra above within 0.01 m (NULL where no centre is reachable), matched by id. */
    char *out = lct_path(w.dir, "out"), *gpkg = lct_path(w.dir, "out/lifecircle.gpkg");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "mode", "network"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "format", "gpkg"), LC_OK);
    lc_run *run = lc_run_check(lct_ctx, st, NULL);
    ck_assert_msg(run != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(run);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "cannot open %s", gpkg);
    OGRLayerH L = GDALDatasetGetLayerByName(ds, "residential");
    ck_assert_ptr_nonnull(L);
    ck_assert_int_eq(OGR_L_GetFeatureCount(L, TRUE), 48);
    OGRFeatureH of;
    size_t read = 0, read_finite = 0;
    while ((of = OGR_L_GetNextFeature(L))) {
        const char *id = OGR_F_GetFieldAsString(of, OGR_F_GetFieldIndex(of, "id"));
        int fd = OGR_F_GetFieldIndex(of, "centre_distance_m");
        ck_assert_int_ge(fd, 0);
        size_t i = 0;
        while (i < 48 && strcmp(lc_layer_feature(res, i)->id, id))
            i++;
        ck_assert_msg(i < 48, "the GeoPackage has a point %s the study has not", id);
        if (isinf(wanted[i])) {
            ck_assert_msg(!OGR_F_IsFieldSetAndNotNull(of, fd), "point %s: %s m written, want none (unreachable)", id,
                          OGR_F_GetFieldAsString(of, fd));
        } else {
            ck_assert_msg(OGR_F_IsFieldSetAndNotNull(of, fd), "point %s: no distance written, want %.4f m", id,
                          wanted[i]);
            double gotw = OGR_F_GetFieldAsDouble(of, fd);
            ck_assert_msg(fabs(gotw - wanted[i]) <= 0.01, "point %s in the GeoPackage: %.4f m, want %.4f m", id, gotw,
                          wanted[i]);
            read_finite++;
        }
        read++;
        OGR_F_Destroy(of);
    }
    GDALClose(ds);
    ck_assert_uint_eq(read, 48);
    ck_assert_uint_eq(read_finite, finite);
    free(out), free(gpkg);
    free(a), free(b), free(len), free(d);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lct_world_free(&w);
}
END_TEST

/* The block `profile show` prints for norm code in out: from its line to the next norm's. NULL when
 * the norm is not listed. Caller frees. */
static char *norm_block(const char *out, const char *code)
{
    char head[64];
    snprintf(head, sizeof head, "\n  %s ", code);
    const char *at = strstr(out, head);
    if (!at)
        return NULL;
    const char *end = at + 1;
    while ((end = strstr(end, "\n  ")) && end[3] == ' ')
        end++;
    return strndup(at + 1, end ? (size_t)(end - at - 1) : strlen(at + 1));
}

START_TEST(profile_show_lists_the_ladder_norms)
{
    /* `lifecircle profile show` lists every norm of the ladder with its target, its level and its seed
     * source line. The expected sources were read here from ../shared/domain/seed-norms.md, not from
     * the profiles: §0 "1+N" — N doorstep points 结合居村布局 SH L553 (table row 2, SH L550-553);
     * "Rural tiers" — SH L554 (组有点、村有室、片有所、镇(乡)有院), BS L284, SJ L194; 养老顾问点 in every
     * 居村 — BS L291-293, SJ L198; standardised activity rooms covering every 居(村) — BS L87 (§1.1 j);
     * beds vs registered elderly — YP 2.5% L245, CN 3% L228, BS 3.5% L21/L87, SJ 4% L194/L347, and
     * the city only a total, SH L265. */
    static const struct {
        const char *profile, *code, *target, *level, *source;
    } want[] = {
        {"shanghai-2025", "doorstep_committees", "≥ 100%", "every 居村 committee: at least 1 of 家门口服务站点", "SH L553"},
        {"shanghai-2025", "rural_town", "≥ 100%", "every 街镇 unit (rural 镇/乡 only): at least 1 of 养老机构", "SH L554"},
        {"shanghai-2025", "rural_area", "≥ 100%", "every 片区 area (rural 镇/乡 only): at least 1 of 长者照护之家",
         "SH L554"},
        {"shanghai-2025", "rural_village", "≥ 100%",
         "every 居村 committee (村委会 villagers' committees only): at least 1 of 老年活动室", "SH L554"},
        {"shanghai-2025", "rural_group", "≥ 100%", "every 村民小组 group: at least 1 of 睦邻点", "SH L554"},
        {"shanghai-2025", "beds", "(no target)", NULL, "SH L265"},
        {"baoshan-2025", "adviser_committees", "≥ 100%", "every 居村 committee: at least 1 of 养老顾问点",
         "BS L291-293"},
        {"baoshan-2025", "activity_room_committees", "≥ 100%", "every 居村 committee: at least 1 of 老年活动室",
         "BS L87"},
        {"baoshan-2025", "rural_town", "≥ 100%", "every 街镇 unit: at least 1 of 养老机构", "BS L284"},
        {"baoshan-2025", "rural_area", "≥ 100%", "every 片区 area: at least 1 of 长者照护之家", "BS L284"},
        {"baoshan-2025", "rural_village", "≥ 100%", "(村委会 villagers' committees only): at least 1 of 睦邻点",
         "BS L284"},
        {"baoshan-2025", "rural_group", "≥ 100%", "every 村民小组 group: at least 1 of 睦邻点", "BS L284"},
        {"baoshan-2025", "beds", "≥ 3.5%", NULL, "BS L21, L87"},
        {"songjiang-2025", "adviser_committees", "≥ 100%", "every 居村 committee: at least 1 of 养老顾问点", "SJ L198"},
        {"songjiang-2025", "rural_village", "≥ 100%", "(村委会 villagers' committees only): at least 1 of 睦邻点",
         "SJ L194"},
        {"songjiang-2025", "beds", "≥ 4%", NULL, "SJ L194, L347"},
        {"yangpu-2025", "beds", "≥ 2.5%", NULL, "YP L245"},
        {"changning-2025", "beds", "≥ 3%", NULL, "CN L228"},
    };
    char *out = NULL;
    const char *shown = "";
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (strcmp(shown, want[i].profile)) {
            free(out);
            char args[128];
            snprintf(args, sizeof args, "profile show %s", want[i].profile);
            ck_assert_int_eq(lct_run_cli(args, &out), 0);
            shown = want[i].profile;
        }
        char *b = norm_block(out, want[i].code);
        ck_assert_msg(b != NULL, "%s: no norm %s in:\n%s", want[i].profile, want[i].code, out);
        char line[128];
        ck_assert_msg(strstr(b, want[i].target) != NULL, "%s %s: target %s not in:\n%s", want[i].profile,
                      want[i].code, want[i].target, b);
        if (want[i].level)
            ck_assert_msg(strstr(b, want[i].level) != NULL, "%s %s: '%s' not in:\n%s", want[i].profile, want[i].code,
                          want[i].level, b);
        snprintf(line, sizeof line, "source 来源: %s", want[i].source);
        ck_assert_msg(strstr(b, line) != NULL, "%s %s: '%s' not in:\n%s", want[i].profile, want[i].code, line, b);
        free(b);
    }
    /* the city profile names every district's bed target in its beds source */
    free(out);
    ck_assert_int_eq(lct_run_cli("profile show shanghai-2025", &out), 0);
    char *b = norm_block(out, "beds");
    ck_assert_ptr_nonnull(b);
    lct_assert_contains(b, "YP 2.5% (L245), CN 3% (L228), BS 3.5% (L21, L87), SJ 4% (L194, L347)");
    free(b);
    free(out);
}
END_TEST

Suite *suite_levels(void)
{
    Suite *s = suite_create("levels");
    TCase *tc = tcase_create("ladder");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parents_types_and_warnings);
    tcase_add_test(tc, presence_per_level);
    tcase_add_test(tc, serve_within_reach);
    tcase_add_test(tc, serve_within_reach_along_the_streets);
    tcase_add_test(tc, committee_lookups_on_a_grid_of_2000);
    tcase_add_test(tc, demo_committees_in_every_output);
    tcase_add_test(tc, two_districts_two_bed_targets);
    tcase_add_test(tc, point_demand_households);
    tcase_add_test(tc, point_demand_needs_a_source);
    tcase_add_test(tc, cli_tables_and_layers);
    tcase_add_test(tc, report_tables_per_level);
    tcase_add_test(tc, profile_show_lists_the_ladder_norms);
    suite_add_tcase(s, tc);
    if (lct_have_shared()) { /* real OSM data from ../shared (see lct_have_shared) */
        TCase *real = tcase_create("real");
        tcase_add_checked_fixture(real, lct_setup, lct_teardown);
        tcase_set_timeout(real, 300);
        tcase_add_test(real, point_demand_real_osm_matches_dijkstra);
        suite_add_tcase(s, real);
    }
    return s;
}
