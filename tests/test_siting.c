/*
 * tests/test_siting.c — siting on instances whose optimum is worked out by hand: three compounds
 * and three candidate sites, reach 100 m, no existing centre. A (100 residents) at x = 0, B (100) at
 * x = 150, C (50) at x = 1,000; candidate P1 at x = 75 reaches A and B (75 m each), P2 at x = 1,000
 * reaches C, P3 at x = 0 reaches A only. Optimum: k = 1 → {P1}, 200 residents; k = 2 → {P1, P2},
 * all 250. The compounds are 2 m squares, so each is one demand point.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

#define UTM "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32651\"}},"
typedef lct_world world;

/* GeoJSON cannot do arithmetic in coordinates: write the squares out. */
static void square(char *buf, size_t size, const char *id, double x, double pop, int last)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n,
             "{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"population\":%g},\"geometry\":{\"type\":"
             "\"Polygon\",\"coordinates\":[[[%g,-1],[%g,-1],[%g,1],[%g,1],[%g,-1]]]}}%s",
             id, pop, x - 1, x + 1, x + 1, x - 1, x - 1, last ? "]}" : ",");
}

static world build(const char *facilities, const char *units)
{
    world w = {.dir = lct_tmpdir()};
    char res[4096] = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[";
    square(res, sizeof res, "A", 0, 100, 0);
    square(res, sizeof res, "B", 150, 100, 0);
    square(res, sizeof res, "C", 1000, 50, 1);
    char *r = lct_path(w.dir, "r.geojson"), *f = lct_path(w.dir, "f.geojson"), *u = lct_path(w.dir, "u.geojson");
    ck_assert_int_eq(lct_write_text(r, res), 0);
    ck_assert_int_eq(lct_write_text(f, facilities), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    if (units) {
        ck_assert_int_eq(lct_write_text(u, units), 0);
        lc_study_set(lct_ctx, st, "units.path", u);
    }
    lc_coverage_options o = {.reach_m = 100};
    lct_world_load(&w, st, &o);
    free(r), free(f), free(u);
    return w;
}

static void destroy(world *w)
{
    lct_world_free(w);
}

/* Only a meal point far away: no centre anywhere, so every resident is uncovered for "centre". */
static const char *NO_CENTRE = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\","
    "\"properties\":{\"id\":\"M\",\"category\":\"meal_point\",\"floor_area\":1},\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[5000,5000]}}]}";

static const lc_xy CANDIDATES[] = {{75, 0}, {1000, 0}, {0, 0}};

static lc_siting_options opts(const world *w, lc_siting_objective obj, size_t k, double target, size_t ncand)
{
    return (lc_siting_options){.objective = obj, .category = (size_t)lc_profile_find_category(w->profile, "centre"),
                               .k = k, .target = target, .candidates = CANDIDATES, .ncandidates = ncand};
}

START_TEST(mclp_picks_the_hand_optimum)
{
    world w = build(NO_CENTRE, NULL);
    lc_siting_options o = opts(&w, LC_SITING_MCLP, 1, 0, 3);
    lc_siting *s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(lc_siting_count(s), 1);
    ck_assert_int_eq(lc_siting_get(s, 0)->candidate, 0); /* P1 */
    ck_assert_double_eq_tol(lc_siting_get(s, 0)->new_pop, 200, 1e-9);
    ck_assert_double_eq_tol(lc_siting_share_before(s), 0, 1e-12);
    ck_assert_double_eq_tol(lc_siting_share_after(s), 200.0 / 250, 1e-12);
    lc_siting_destroy(s);

    o.k = 2;
    s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_uint_eq(lc_siting_count(s), 2);
    ck_assert_int_eq(lc_siting_get(s, 1)->candidate, 1); /* then P2 */
    ck_assert_double_eq_tol(lc_siting_get(s, 1)->new_pop, 50, 1e-9);
    ck_assert_double_eq_tol(lc_siting_get(s, 1)->cumulative_share, 1.0, 1e-12);
    ck_assert_str_eq(lc_siting_solver(s), "greedy (lazy evaluation)");
    lc_siting_destroy(s);

    /* k larger than useful: stops when nothing more can be covered. */
    o.k = 3;
    s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_uint_eq(lc_siting_count(s), 2);
    lc_siting_destroy(s);
    destroy(&w);
}
END_TEST

START_TEST(lscp_fewest_sites_and_infeasible)
{
    world w = build(NO_CENTRE, NULL);
    /* 80% needs one site (P1 gives exactly 200/250); 100% needs two. */
    lc_siting_options o = opts(&w, LC_SITING_LSCP, 0, 0.8, 3);
    lc_siting *s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_uint_eq(lc_siting_count(s), 1);
    ck_assert(lc_siting_target_met(s));
    lc_siting_destroy(s);
    o.target = 1.0;
    s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_uint_eq(lc_siting_count(s), 2);
    ck_assert(lc_siting_target_met(s));
    lc_siting_destroy(s);
    /* Without P2 (only P1 and P3 given... P3 is third: give P1 alone), C's 50 residents are out of
     * reach: the target cannot be met and the reason says how many. */
    o.ncandidates = 1;
    s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_ptr_nonnull(s);
    ck_assert(!lc_siting_target_met(s));
    lct_assert_contains(lc_siting_reason(s), "50 residents");
    lc_siting_destroy(s);
    destroy(&w);
}
END_TEST

START_TEST(units_objective_fills_units_without_the_category)
{
    /* U1 = x < 500 holds A and B and an existing centre at x = 75; U2 = x ≥ 500 holds C and no
     * centre: exactly one site, in U2, at P2, covering C's 50. Floor area: U2 has 50 residents and
     * 0 m² (the meal point is outside both units) → the norm's 40 m²/1,000 → 2 m² for the new site. */
    const char *fac = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\","
        "\"properties\":{\"id\":\"C1\",\"category\":\"centre\",\"floor_area\":500},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[75,0]}}]}";
    const char *units = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[-500,-500],[500,-500],[500,500],[-500,500],[-500,-500]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[500,-500],[1500,-500],[1500,500],[500,500],[500,-500]]]}}]}";
    world w = build(fac, units);
    lc_siting_options o = opts(&w, LC_SITING_UNITS, 0, 0, 3);
    lc_siting *s = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(lc_siting_count(s), 1);
    const lc_proposal *p = lc_siting_get(s, 0);
    ck_assert_int_eq(p->candidate, 1);
    ck_assert_int_eq(p->unit, 1);
    ck_assert_double_eq_tol(p->new_pop, 50, 1e-9);
    ck_assert_double_eq_tol(p->floor_area_m2, 40.0 * 50 / 1000, 1e-9);
    ck_assert_double_eq_tol(lc_siting_share_before(s), 200.0 / 250, 1e-12);
    ck_assert_double_eq_tol(lc_siting_share_after(s), 1.0, 1e-12);
    lc_siting_destroy(s);
    destroy(&w);
}
END_TEST

START_TEST(generated_candidates_on_demo)
{
    /* Five doorstep stations (300 m reach) on the demo: each adds residents, in decreasing amounts
     * (greedy), and the estimate never exceeds the uncovered population. */
    char *path = lct_path(lct_source_dir(), "data/demo/porto.yml");
    lc_study *st = lc_study_load(lct_ctx, path);
    free(path);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    lc_coverage *cov = lc_coverage_compute(lct_ctx, in, p, NULL);
    lc_indicators *ind = lc_indicators_compute(lct_ctx, in, p, cov, q);
    lc_siting_options o = {.objective = LC_SITING_MCLP, .category = (size_t)lc_profile_find_category(p, "doorstep"),
                           .k = 5};
    lc_siting *s = lc_siting_solve(lct_ctx, in, p, cov, ind, &o);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(lc_siting_count(s), 5);
    for (size_t i = 1; i < 5; i++)
        ck_assert(lc_siting_get(s, i)->new_pop <= lc_siting_get(s, i - 1)->new_pop + 1e-9);
    ck_assert(lc_siting_share_after(s) > lc_siting_share_before(s));
    ck_assert(lc_siting_share_after(s) <= 1.0 + 1e-12);
    lc_siting_destroy(s);
    lc_indicators_destroy(ind);
    lc_coverage_destroy(cov);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
}
END_TEST

START_TEST(bad_options_are_misuse)
{
    world w = build(NO_CENTRE, NULL);
    lc_siting_options o = opts(&w, LC_SITING_MCLP, 0, 0, 3);
    ck_assert_ptr_null(lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    o = opts(&w, LC_SITING_LSCP, 0, 1.5, 3);
    ck_assert_ptr_null(lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &o));
    lc_siting_destroy(NULL);
    destroy(&w);
}
END_TEST

START_TEST(cli_site_writes_proposals)
{
    char *dir = lct_tmpdir(), *out_dir = lct_path(dir, "sites"), *study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char args[4096], *out = NULL;
    snprintf(args, sizeof args, "site '%s' -o '%s' --category doorstep -k 3", study, out_dir);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "家门口服务站点");
    free(out);
    char *shp = lct_path(out_dir, "proposals.shp");
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 3);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(l)), wkbPoint);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "CAT_ZH")), "家门口服务站点");
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* An lscp target no generated site can reach exits 1 with the reason; unknown category exits 2. */
    snprintf(args, sizeof args, "site '%s' -o '%s' --overwrite --category doorstep --objective lscp --target 1 --reach 1",
             study, out_dir);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    lct_assert_contains(out, "not reached");
    free(out);
    snprintf(args, sizeof args, "site '%s' -o '%s' --overwrite --category 菜市场", study, out_dir);
    ck_assert_int_eq(lct_run_cli(args, &out), 2);
    lct_assert_contains(out, "菜市场");
    free(out);
    lct_rmtree(dir);
    free(dir), free(out_dir), free(study), free(shp);
}
END_TEST

Suite *suite_siting(void)
{
    Suite *s = suite_create("siting");
    TCase *tc = tcase_create("greedy");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mclp_picks_the_hand_optimum);
    tcase_add_test(tc, lscp_fewest_sites_and_infeasible);
    tcase_add_test(tc, units_objective_fills_units_without_the_category);
    tcase_add_test(tc, generated_candidates_on_demo);
    tcase_add_test(tc, bad_options_are_misuse);
    tcase_add_test(tc, cli_site_writes_proposals);
    suite_add_tcase(s, tc);
    return s;
}
