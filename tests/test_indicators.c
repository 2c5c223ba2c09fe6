/*
 * tests/test_indicators.c — the norms per 街镇 and for the whole area on a two-街镇 example whose
 * every number is worked out by hand below: populations (one compound straddling the boundary),
 * floor area per 1,000, 街镇 coverage of rental points and canteens, meal and bed ratios, nursing
 * share, the 1+N reach norm, and the population-mismatch warning.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* Two 街镇: U1 = [0,1000]×[0,1000], U2 = [1000,2000]×[0,1000]. */
static const char *UNITS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"name\":\"甲街道\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[0,0],[1000,0],[1000,1000],[0,1000],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"name\":\"乙镇\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[1000,0],[2000,0],[2000,1000],[1000,1000],[1000,0]]]}}]}";

/* R1 inside U1 (1000 people, 300 aged 60+, 200 aged 65+); R2 inside U2 (2000, 500, 400);
 * R3 = [900,1100]×[500,600] straddles the boundary half and half (400, 100, 80), no unit field. */
static const char *RES = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"population\":1000,\"pop60\":300,\"pop65\":200},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[100,100],[200,100],[200,200],[100,200],[100,100]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"population\":2000,\"pop60\":500,\"pop65\":400},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1800,100],[1900,100],[1900,200],[1800,200],[1800,100]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R3\",\"population\":400,\"pop60\":100,\"pop65\":80},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[900,500],[1100,500],[1100,600],[900,600],[900,500]]]}}]}";

/* U1: a centre (60 m², 50 meals) at (500,500) and a rental point (10 m²); U2: a meal point (40 m²,
 * 100 meals) and a care home (5,000 m² that does not count, 100 beds, 50 nursing beds). */
static const char *FAC = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"category\":\"centre\",\"floor_area\":60,\"meals\":50},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500,500]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"K1\",\"category\":\"rental_point\",\"floor_area\":10},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[600,600]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M2\",\"category\":\"meal_point\",\"floor_area\":40,\"meals\":100},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1900,900]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"H2\",\"category\":\"care_home\",\"floor_area\":5000,"
    "\"beds\":100,\"nursing_beds\":50},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1950,950]}}]}";

typedef lct_world world;

static world build(const char *units)
{
    world w = {.dir = lct_tmpdir()};
    char *r = lct_path(w.dir, "r.gpkg"), *f = lct_path(w.dir, "f.gpkg"), *u = lct_path(w.dir, "u.gpkg");
    ck_assert_int_eq(lct_fixture(r, "GPKG", RES, NULL), 0);
    ck_assert_int_eq(lct_fixture(f, "GPKG", FAC, NULL), 0);
    ck_assert_int_eq(lct_fixture(u, "GPKG", units, NULL), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lc_study_set(lct_ctx, st, "units.path", u);
    lct_world_load(&w, st, NULL);
    free(r);
    free(f);
    free(u);
    return w;
}

static void destroy(world *w)
{
    lct_world_free(w);
}

static size_t norm_index(const lc_profile *p, const char *code)
{
    for (size_t i = 0; i < lc_profile_norm_count(p); i++)
        if (!strcmp(lc_profile_norm(p, i)->code, code))
            return i;
    ck_abort_msg("no norm %s", code);
    return 0;
}

static const lc_indicator *get(const world *w, size_t row, const char *norm)
{
    return lc_indicators_get(w->ind, row, norm_index(w->profile, norm));
}

START_TEST(populations_split_by_overlap)
{
    world w = build(UNITS);
    ck_assert_uint_eq(lc_indicators_row_count(w.ind), 3);
    ck_assert_uint_eq(lc_indicators_total_row(w.ind), 2);
    /* U1 = R1 + half of R3 = 1000 + 200; U2 = 2000 + 200; total 3400. */
    ck_assert_double_eq_tol(lc_indicators_population(w.ind, 0), 1200, 1e-6);
    ck_assert_double_eq_tol(lc_indicators_population(w.ind, 1), 2200, 1e-6);
    ck_assert_double_eq_tol(lc_indicators_population(w.ind, 2), 3400, 1e-6);
    ck_assert_double_eq_tol(lc_indicators_pop65(w.ind, 0), 240, 1e-6);
    ck_assert_double_eq_tol(lc_indicators_pop65(w.ind, 1), 440, 1e-6);
    ck_assert_double_eq_tol(lc_indicators_pop60(w.ind, 1), 550, 1e-6);
    ck_assert_int_eq(lc_indicators_population_from_unit(w.ind, 0), 0);
    /* R3 is split evenly; the unit holding most of it is either, R1 and R2 are clear. */
    ck_assert_int_eq(lc_indicators_residential_unit(w.ind, 0), 0);
    ck_assert_int_eq(lc_indicators_residential_unit(w.ind, 1), 1);
    ck_assert_int_eq(lc_indicators_facility_unit(w.ind, 0), 0);
    ck_assert_int_eq(lc_indicators_facility_unit(w.ind, 3), 1);
    destroy(&w);
}
END_TEST

START_TEST(floor_area_per_thousand)
{
    world w = build(UNITS);
    /* U1: (60 + 10) / 1200 × 1000 = 58.33 ≥ 40, passes. U2: 40 / 2200 × 1000 = 18.18 (the care home's
     * 5,000 m² does not count), fails by 40 × 2.2 − 40 = 48 m². Total: 110 / 3400 × 1000 = 32.35,
     * short by 136 − 110 = 26 m². */
    const lc_indicator *x = get(&w, 0, "floor_area");
    ck_assert_double_eq_tol(x->value, 70.0 / 1200 * 1000, 1e-9);
    ck_assert_int_eq(x->pass, 1);
    ck_assert_double_eq(x->shortfall, 0);
    x = get(&w, 1, "floor_area");
    ck_assert_double_eq_tol(x->value, 40.0 / 2200 * 1000, 1e-9);
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq_tol(x->shortfall, 48, 1e-9);
    ck_assert_str_eq(x->shortfall_unit, "m²");
    x = get(&w, 2, "floor_area");
    ck_assert_double_eq_tol(x->value, 110.0 / 3400 * 1000, 1e-9);
    ck_assert_double_eq_tol(x->shortfall, 26, 1e-9);
    ck_assert_double_eq_tol(lc_indicators_floor_area(w.ind, 2), 110, 1e-9);
    destroy(&w);
}
END_TEST

START_TEST(unit_presence_rates)
{
    world w = build(UNITS);
    /* Rental point in U1 only: 1 of 2 街镇 = 50%, one 街镇 short; no canteen anywhere: 0 of 2. */
    ck_assert_int_eq(get(&w, 0, "rental_point_units")->pass, 1);
    ck_assert_int_eq(get(&w, 1, "rental_point_units")->pass, 0);
    ck_assert_double_eq(get(&w, 1, "rental_point_units")->shortfall, 1);
    const lc_indicator *x = get(&w, 2, "rental_point_units");
    ck_assert_double_eq_tol(x->value, 0.5, 1e-12);
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq(x->shortfall, 1);
    ck_assert_str_eq(x->shortfall_unit, "街镇");
    x = get(&w, 2, "canteen_units");
    ck_assert_double_eq(x->value, 0);
    ck_assert_double_eq(x->shortfall, 2);
    destroy(&w);
}
END_TEST

START_TEST(meal_and_bed_ratios)
{
    world w = build(UNITS);
    /* Meals ≥ 5% of 65+: U1 50 / 240 = 20.8%, U2 100 / 440 = 22.7%, total 150 / 680. */
    ck_assert_double_eq_tol(get(&w, 0, "meal_capacity")->value, 50.0 / 240, 1e-12);
    ck_assert_double_eq_tol(get(&w, 1, "meal_capacity")->value, 100.0 / 440, 1e-12);
    ck_assert_double_eq_tol(get(&w, 2, "meal_capacity")->value, 150.0 / 680, 1e-12);
    ck_assert_int_eq(get(&w, 2, "meal_capacity")->pass, 1);
    /* Beds per registered 60+: the city profile has no target, so no pass/fail. U2: 100 / 550. */
    ck_assert_double_eq_tol(get(&w, 1, "beds")->value, 100.0 / 550, 1e-12);
    ck_assert_int_eq(get(&w, 1, "beds")->pass, -1);
    /* Nursing beds ≥ 60%: U2 50 / 100 = 50%, short by 60 − 50 = 10 nursing beds; U1 has no beds. */
    const lc_indicator *x = get(&w, 1, "nursing_share");
    ck_assert_double_eq_tol(x->value, 0.5, 1e-12);
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq_tol(x->shortfall, 10, 1e-9);
    ck_assert(isnan(get(&w, 0, "nursing_share")->value));
    ck_assert_int_eq(get(&w, 0, "nursing_share")->pass, -1);
    destroy(&w);
}
END_TEST

START_TEST(district_bed_ratio_applies)
{
    /* Yangpu's 2.5% of registered elderly: U2 has 100 beds for 550 aged 60+ (18.2%), passing. */
    world w = build(UNITS);
    lc_profile *yp = lc_profile_load(lct_ctx, "yangpu-2025");
    lc_indicators *ind = lc_indicators_compute(lct_ctx, w.inputs, yp, w.cov, w.quality);
    ck_assert_ptr_nonnull(ind);
    const lc_indicator *x = lc_indicators_get(ind, 1, norm_index(yp, "beds"));
    ck_assert_double_eq_tol(x->target, 0.025, 1e-12);
    ck_assert_int_eq(x->pass, 1);
    /* U1: 0 beds for 350 aged 60+ → short by 0.025 × 350 = 8.75 beds. */
    x = lc_indicators_get(ind, 0, norm_index(yp, "beds"));
    ck_assert_int_eq(x->pass, 0);
    ck_assert_double_eq_tol(x->shortfall, 8.75, 1e-9);
    lc_indicators_destroy(ind);
    lc_profile_destroy(yp);
    destroy(&w);
}
END_TEST

START_TEST(one_plus_n_reach)
{
    world w = build(UNITS);
    /* The centre at (500,500) reaches 1,000 m: R1's farthest corner (100,100) is 566 m away and R3's
     * (1100,600) 608 m, so both are wholly covered; R2 (nearest corner (1800,200)) is 1,334 m away.
     * U1: 1200 of 1200 covered; U2: R3's 200 of 2200, short 2000 people; total 1400 of 3400. */
    ck_assert_double_eq_tol(get(&w, 0, "circle_centre")->value, 1.0, 1e-9);
    ck_assert_int_eq(get(&w, 0, "circle_centre")->pass, 1);
    const lc_indicator *x = get(&w, 1, "circle_centre");
    ck_assert_double_eq_tol(x->value, 200.0 / 2200, 1e-9);
    ck_assert_double_eq_tol(x->shortfall, 2000, 1e-6);
    ck_assert_str_eq(x->shortfall_unit, "people");
    x = get(&w, 2, "circle_centre");
    ck_assert_double_eq_tol(x->value, 1400.0 / 3400, 1e-9);
    ck_assert_double_eq_tol(x->shortfall, 2000, 1e-6);
    ck_assert_uint_gt(lc_indicators_failures(w.ind), 0);
    destroy(&w);
}
END_TEST

START_TEST(unit_population_field_wins_and_mismatch_warns)
{
    /* U2 states 3,000 residents while its compounds sum to 2,200 (27% apart): warning, and its
     * floor-area norm uses 3,000: 40 / 3000 × 1000 = 13.33. */
    char units[4096];
    snprintf(units, sizeof units, "%s", UNITS);
    char *p = strstr(units, "\"name\":\"乙镇\"");
    ck_assert_ptr_nonnull(p);
    const char *with = "\"name\":\"乙镇\",\"population\":3000";
    char tail[4096];
    snprintf(tail, sizeof tail, "%s", p + strlen("\"name\":\"乙镇\""));
    snprintf(p, sizeof units - (size_t)(p - units), "%s%s", with, tail);
    world w = build(units);
    ck_assert_uint_eq(lc_quality_count_check(w.quality, LC_CHECK_POPULATION_MISMATCH), 1);
    ck_assert_int_eq(lc_indicators_population_from_unit(w.ind, 1), 1);
    ck_assert_double_eq_tol(get(&w, 1, "floor_area")->value, 40.0 / 3000 * 1000, 1e-9);
    /* Not every unit states its population, so the total stays the compounds' sum. */
    ck_assert_double_eq_tol(lc_indicators_population(w.ind, 2), 3400, 1e-6);
    destroy(&w);
}
END_TEST

Suite *suite_indicators(void)
{
    Suite *s = suite_create("indicators");
    TCase *tc = tcase_create("two_jiezhen");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, populations_split_by_overlap);
    tcase_add_test(tc, floor_area_per_thousand);
    tcase_add_test(tc, unit_presence_rates);
    tcase_add_test(tc, meal_and_bed_ratios);
    tcase_add_test(tc, district_bed_ratio_applies);
    tcase_add_test(tc, one_plus_n_reach);
    tcase_add_test(tc, unit_population_field_wins_and_mismatch_warns);
    suite_add_tcase(s, tc);
    return s;
}
