/*
 * tests/test_access.c — supply-demand accessibility (2SFCA, E2SFCA; include/lifecircle/access.h)
 * against answers worked out by hand in the comments (two canteens and four compounds, in straight
 * line and along a hand-built street network whose distances are known), the profile section's
 * errors, and Monaco's real OSM streets, where every compound's ratio must equal the two steps
 * recomputed here from a plain Dijkstra per facility within 1e-9 relative.
 */
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* The test profile: shanghai-2025 with three entries over canteens' meals and the registered 65+,
 * a 5 % target (0.05 meals per elder): plain 2SFCA, E2SFCA with bands ≤ 500 m → 1, ≤ 1,000 m → 0.5,
 * E2SFCA with a Gaussian of σ = 400 m, and plain 2SFCA held to 0.1 meals per elder (th). Canteens
 * reach 1,000 m (the profile's). */
static const char *const test_profile =
    "profile: access-test\n"
    "extends: shanghai-2025\n"
    "accessibility:\n"
    "  t2:\n"
    "    zh: 测试 2SFCA\n"
    "    en: test 2SFCA\n"
    "    source: test\n"
    "    categories: [canteen]\n"
    "    capacity: meals\n"
    "    demand: pop65\n"
    "    target: 0.05\n"
    "    method: 2sfca\n"
    "  te:\n"
    "    zh: 测试 E2SFCA\n"
    "    en: test E2SFCA\n"
    "    source: test\n"
    "    categories: [canteen]\n"
    "    norm: meal_capacity\n"
    "    method: e2sfca\n"
    "    weights: stepped\n"
    "    steps_m: [500, 1000]\n"
    "    step_weights: [1.0, 0.5]\n"
    "  tg:\n"
    "    zh: 测试高斯\n"
    "    en: test Gaussian\n"
    "    source: test\n"
    "    categories: [canteen]\n"
    "    capacity: meals\n"
    "    demand: pop65\n"
    "    method: e2sfca\n"
    "    weights: gaussian\n"
    "    sigma_m: 400\n"
    "  th:\n"
    "    zh: 测试高目标\n"
    "    en: test high target\n"
    "    source: test\n"
    "    categories: [canteen]\n"
    "    capacity: meals\n"
    "    demand: pop65\n"
    "    target: 0.1\n"
    "    method: 2sfca\n";

typedef struct fixture {
    char *dir;
    lc_study *study;
    lc_profile *profile;
    lc_quality *quality;
    lc_inputs *inputs;
    lc_roads *roads;
    lc_network *net;
    lc_coverage *cov;
    lc_indicators *ind;
    lc_access *acc;
    lc_profile *dprofile; /* district D2's (load_with), NULL otherwise */
    const lc_profile *dps[2];
} fixture;

/* Appends a GeoJSON point feature with properties props to buf. */
static void point(char *buf, size_t size, const char *props, double x, double y)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.10g,%.10g]}}",
             n ? "," : "", props, x, y);
}

/* Writes features as a GeoJSON file name in dir (UTM 51N) and sets <layer>.path in st. */
static void layer(lc_study *st, const char *dir, const char *key, const char *name, const char *features)
{
    char *path = lct_path(dir, name);
    char *text = malloc(strlen(features) + 256);
    sprintf(text, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[%s]}", features);
    ck_assert_int_eq(lct_write_text(path, text), 0);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, key, path), LC_OK);
    free(text);
    free(path);
}

/* The hand-worked world, in metres (UTM 51N):
 *   canteen C1 at (0, 0), 100 meals/day; canteen C2 at (1500, 0), 300 meals/day; reach 1,000 m.
 *   R1 (600, 50) 1,000 elders 65+, R2 (−400, 50) 4,000, R3 (2000, 50) 200, R4 (0, 320) 500 —
 *   compounds given as points (each its own demand point). 街镇 U1 is x < 1,000 (R1, R2, R4), U2 the
 *   rest (R3).
 *   Streets (network mode): a main street y = 0 from x = −1,000 to 2,500; a side street y = 300 from
 *   x = −200 to 1,500 that meets the main street only through a link x = 1,500 from y = 300 to 0.
 * In network mode the compounds walk to their street (access 50 m; R4 20 m to the side street). */
static void load_with(fixture *fx, lc_distance_mode mode, const char *d2_profile);

static void load(fixture *fx, lc_distance_mode mode)
{
    load_with(fx, mode, NULL);
}

/* load, and with d2_profile (a profile's text) two districts: D1 holding U1 (the study's profile)
 * and D2 holding U2, held to d2_profile. */
static void load_with(fixture *fx, lc_distance_mode mode, const char *d2_profile)
{
    memset(fx, 0, sizeof *fx);
    fx->dir = lct_tmpdir();
    char *pp = lct_path(fx->dir, "profile.yml");
    ck_assert_int_eq(lct_write_text(pp, test_profile), 0);
    fx->study = lc_study_create(lct_ctx);
    char r[4096] = "", f[2048] = "", u[2048] = "", roads[2048] = "";
    point(r, sizeof r, "\"id\":\"R1\",\"population\":3000,\"pop65\":1000", 600, 50);
    point(r, sizeof r, "\"id\":\"R2\",\"population\":9000,\"pop65\":4000", -400, 50);
    point(r, sizeof r, "\"id\":\"R3\",\"population\":800,\"pop65\":200", 2000, 50);
    point(r, sizeof r, "\"id\":\"R4\",\"population\":1500,\"pop65\":500", 0, 320);
    point(f, sizeof f, "\"id\":\"C1\",\"category\":\"canteen\",\"meals\":100,\"floor_area\":200", 0, 0);
    point(f, sizeof f, "\"id\":\"C2\",\"category\":\"canteen\",\"meals\":300,\"floor_area\":400", 1500, 0);
    point(f, sizeof f, "\"id\":\"D1\",\"category\":\"day_care\",\"floor_area\":300", 100, 0); /* supplies no meals */
    snprintf(u, sizeof u,
             "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"name\":\"甲街道\"},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[-2000,-1000],[1000,-1000],[1000,1000],[-2000,1000],[-2000,-1000]]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"name\":\"乙镇\"},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[1000,-1000],[3000,-1000],[3000,1000],[1000,1000],[1000,-1000]]]}}");
    snprintf(roads, sizeof roads,
             "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
             "\"coordinates\":[[-1000,0],[0,0],[1500,0],[2500,0]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
             "\"coordinates\":[[-200,300],[1500,300]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\"},\"geometry\":{\"type\":\"LineString\","
             "\"coordinates\":[[1500,300],[1500,0]]}}");
    layer(fx->study, fx->dir, "residential.path", "res.geojson", r);
    layer(fx->study, fx->dir, "facilities.path", "fac.geojson", f);
    layer(fx->study, fx->dir, "units.path", "units.geojson", u);
    if (mode == LC_MODE_NETWORK)
        layer(fx->study, fx->dir, "roads.path", "roads.geojson", roads);
    if (d2_profile) {
        char d[1024];
        snprintf(d, sizeof d,
                 "{\"type\":\"Feature\",\"properties\":{\"id\":\"D1\",\"name\":\"甲区\"},\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[[-2000,-1000],[1000,-1000],[1000,1000],[-2000,1000],[-2000,-1000]]]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"id\":\"D2\",\"name\":\"乙区\"},\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[[1000,-1000],[3000,-1000],[3000,1000],[1000,1000],[1000,-1000]]]}}");
        layer(fx->study, fx->dir, "districts.path", "districts.geojson", d);
        char *dp = lct_path(fx->dir, "d2.yml");
        ck_assert_int_eq(lct_write_text(dp, d2_profile), 0);
        fx->dprofile = lc_profile_load(lct_ctx, dp);
        ck_assert_msg(fx->dprofile != NULL, "%s", lc_context_errmsg(lct_ctx));
        free(dp);
        fx->dps[0] = NULL;
        fx->dps[1] = fx->dprofile;
    }
    fx->profile = lc_profile_load(lct_ctx, pp);
    ck_assert_msg(fx->profile != NULL, "%s", lc_context_errmsg(lct_ctx));
    free(pp);
    fx->quality = lc_quality_create(lct_ctx);
    fx->inputs = lc_inputs_read(lct_ctx, fx->study, fx->profile, fx->quality);
    ck_assert_msg(fx->inputs != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_coverage_options o = {.mode = mode, .threads = 2};
    if (mode == LC_MODE_NETWORK) {
        fx->roads = lc_roads_read(lct_ctx, fx->study, fx->profile, lc_inputs_crs(fx->inputs), NULL);
        ck_assert_msg(fx->roads != NULL, "%s", lc_context_errmsg(lct_ctx));
        fx->net = lc_network_build(lct_ctx, fx->roads, 0);
        ck_assert_ptr_nonnull(fx->net);
        o.network = fx->net;
    }
    fx->cov = lc_coverage_compute(lct_ctx, fx->inputs, fx->profile, &o);
    ck_assert_msg(fx->cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_indicators_options io = {.size = sizeof io, .district_profiles = d2_profile ? fx->dps : NULL};
    fx->ind = lc_indicators_compute_with(lct_ctx, fx->inputs, fx->profile, fx->cov, &io, fx->quality);
    ck_assert_msg(fx->ind != NULL, "%s", lc_context_errmsg(lct_ctx));
    fx->acc = lc_access_compute(lct_ctx, fx->inputs, fx->profile, &o, fx->ind);
    ck_assert_msg(fx->acc != NULL || d2_profile, "%s", lc_context_errmsg(lct_ctx));
}

static void unload(fixture *fx)
{
    lc_access_destroy(fx->acc);
    lc_indicators_destroy(fx->ind);
    lc_coverage_destroy(fx->cov);
    lc_network_destroy(fx->net);
    lc_roads_destroy(fx->roads);
    lc_inputs_destroy(fx->inputs);
    lc_quality_destroy(fx->quality);
    lc_profile_destroy(fx->profile);
    lc_profile_destroy(fx->dprofile);
    lc_study_destroy(fx->study);
    lct_rmtree(fx->dir);
    free(fx->dir);
}

/* The index of the entry with code in acc. */
static size_t entry(const lc_access *acc, const char *code)
{
    for (size_t s = 0; s < lc_access_count(acc); s++)
        if (!strcmp(lc_access_spec_of(acc, s)->code, code))
            return s;
    ck_abort_msg("no accessibility entry %s", code);
    return 0;
}

/* The index of the feature with id in layer kind. */
static size_t feature(const fixture *fx, lc_layer_kind kind, const char *id)
{
    const lc_layer *l = lc_inputs_layer(fx->inputs, kind);
    for (size_t i = 0; i < lc_layer_count(l); i++)
        if (!strcmp(lc_layer_feature(l, i)->id, id))
            return i;
    ck_abort_msg("no feature %s", id);
    return 0;
}

#define A(fx, s, id) lc_access_compound((fx)->acc, (s), feature((fx), LC_LAYER_RESIDENTIAL, (id)))
#define F(fx, s, id) lc_access_facility_get((fx)->acc, (s), feature((fx), LC_LAYER_FACILITIES, (id)))

START_TEST(straight_2sfca_by_hand)
{
    /* Straight-line distances: R1–C1 602.1 (hypot(600, 50)), R1–C2 902.1 (hypot(900, 50)),
     * R2–C1 403.1, R3–C2 502.5, R4–C1 320; R2–C2, R3–C1, R4–C2 (hypot(1500, 320) = 1533.8) beyond
     * 1,000 m. D1 (day care) supplies no meals.
     * Step 1: C1 reaches R1, R2, R4: demand 1,000 + 4,000 + 500 = 5,500, R_C1 = 100 / 5,500;
     *         C2 reaches R1, R3:     demand 1,000 + 200 = 1,200,         R_C2 = 300 / 1,200 = 0.25.
     * Step 2: A_R1 = 100/5,500 + 0.25 = 0.268182; A_R2 = A_R4 = 100/5,500 = 0.018182; A_R3 = 0.25.
     * Target 0.05: C1 (0.0182) over-subscribed, C2 not. Σ P·A = 5,500·(100/5,500) + 1,200·0.25 = 400
     * = the meals. The district ratio 400 / 5,700 = 7.0 % passes 5 %, yet R2 and R4 (4,500 elders)
     * have 1.8 meals per 100. U1 (R1, R2, R4): (1,000·0.268182 + 4,500·0.018182) / 5,500 = 0.063636;
     * U2 (R3): 0.25; whole area 400 / 5,700. */
    fixture fx;
    load(&fx, LC_MODE_STRAIGHT);
    size_t s = entry(fx.acc, "t2");
    double r1 = 100.0 / 5500, r2 = 300.0 / 1200;
    ck_assert_double_eq_tol(F(&fx, s, "C1")->demand, 5500, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C1")->ratio, r1, 1e-12);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->demand, 1200, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->ratio, r2, 1e-12);
    ck_assert_uint_eq(F(&fx, s, "C1")->compounds, 3);
    ck_assert_int_eq(F(&fx, s, "C1")->over, 1);
    ck_assert_int_eq(F(&fx, s, "C2")->over, 0);
    ck_assert_int_eq(F(&fx, s, "D1")->supplies, 0);
    ck_assert(isnan(F(&fx, s, "D1")->ratio));
    ck_assert_uint_eq(lc_access_over_count(fx.acc, s), 1);
    ck_assert_double_eq_tol(A(&fx, s, "R1"), r1 + r2, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R2"), r1, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R3"), r2, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R4"), r1, 1e-12);
    /* Per 街镇 (rows: U1, U2, the whole area). */
    ck_assert_uint_eq(lc_indicators_row_count(fx.ind), 3);
    ck_assert_double_eq_tol(lc_access_row_value(fx.acc, s, 0), (1000 * (r1 + r2) + 4500 * r1) / 5500, 1e-12);
    ck_assert_double_eq_tol(lc_access_row_value(fx.acc, s, 1), r2, 1e-12);
    ck_assert_double_eq_tol(lc_access_row_value(fx.acc, s, 2), 400.0 / 5700, 1e-12);
    ck_assert_double_eq_tol(lc_access_row_demand(fx.acc, s, 0), 5500, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 0), 4500, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 1), 0, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 2), 4500, 1e-9);
    /* The district ratio of the capacity_ratio norm passes all the same. */
    for (size_t n = 0; n < lc_profile_norm_count(fx.profile); n++)
        if (!strcmp(lc_profile_norm(fx.profile, n)->code, "meal_capacity")) {
            const lc_indicator *v = lc_indicators_get(fx.ind, 2, n);
            ck_assert_double_eq_tol(v->value, 400.0 / 5700, 1e-12);
            ck_assert_int_eq(v->pass, 1);
        }
    unload(&fx);
}
END_TEST

START_TEST(straight_e2sfca_stepped_by_hand)
{
    /* Bands: ≤ 500 m weight 1, ≤ 1,000 m weight 0.5. Distances as in straight_2sfca_by_hand:
     * W(R1–C1, 602.1) = 0.5, W(R2–C1, 403.1) = 1, W(R4–C1, 320) = 1, W(R1–C2, 902.1) = 0.5,
     * W(R3–C2, 502.5) = 0.5.
     * Step 1: D_C1 = 0.5·1,000 + 4,000 + 500 = 5,000, R_C1 = 100 / 5,000 = 0.02;
     *         D_C2 = 0.5·1,000 + 0.5·200 = 600,        R_C2 = 300 / 600 = 0.5.
     * Step 2: A_R1 = 0.5·0.02 + 0.5·0.5 = 0.26; A_R2 = A_R4 = 0.02; A_R3 = 0.5·0.5 = 0.25.
     * The target (from the norm meal_capacity, 0.05): C1 over-subscribed.
     * Σ P·A = 260 + 80 + 10 + 50 = 400 = the meals. */
    fixture fx;
    load(&fx, LC_MODE_STRAIGHT);
    size_t s = entry(fx.acc, "te");
    ck_assert_double_eq_tol(lc_access_spec_of(fx.acc, s)->target, 0.05, 1e-15);
    ck_assert_double_eq_tol(F(&fx, s, "C1")->demand, 5000, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C1")->ratio, 0.02, 1e-12);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->demand, 600, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->ratio, 0.5, 1e-12);
    ck_assert_int_eq(F(&fx, s, "C1")->over, 1);
    ck_assert_int_eq(F(&fx, s, "C2")->over, 0);
    ck_assert_double_eq_tol(A(&fx, s, "R1"), 0.26, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R2"), 0.02, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R3"), 0.25, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R4"), 0.02, 1e-12);
    double total = 0;
    const lc_layer *res = lc_inputs_layer(fx.inputs, LC_LAYER_RESIDENTIAL);
    for (size_t i = 0; i < lc_layer_count(res); i++)
        total += lc_layer_feature(res, i)->pop65 * lc_access_compound(fx.acc, s, i);
    ck_assert_double_eq_tol(total, 400, 1e-9);
    /* Gaussian σ = 400: W(d) = exp(−d²/320,000) — only the weight function, by hand. */
    size_t g = entry(fx.acc, "tg");
    ck_assert_double_eq_tol(lc_access_weight(lc_access_spec_of(fx.acc, g), 400), exp(-0.5), 1e-15);
    ck_assert(lc_access_weight(lc_access_spec_of(fx.acc, s), 500) == 1.0);
    ck_assert(lc_access_weight(lc_access_spec_of(fx.acc, s), 500.001) == 0.5);
    ck_assert(lc_access_weight(lc_access_spec_of(fx.acc, s), 1500) == 0.5);
    unload(&fx);
}
END_TEST

START_TEST(network_2sfca_and_e2sfca_by_hand)
{
    /* Along the streets (compounds 50 m from the main street, their access legs counted):
     * R1–C1 600 + 50 = 650, R1–C2 900 + 50 = 950, R2–C1 400 + 50 = 450, R3–C2 500 + 50 = 550.
     * R4 walks 20 m to the side street, which meets the main street only at x = 1,500: to C2
     * 20 + 1,500 + 300 = 1,820, to C1 3,320 — out of reach, though 320 m from C1 in straight line.
     * 2SFCA: D_C1 = 1,000 + 4,000 = 5,000, R_C1 = 0.02; D_C2 = 1,200, R_C2 = 0.25;
     *        A_R1 = 0.27, A_R2 = 0.02, A_R3 = 0.25, A_R4 = 0.
     * E2SFCA (≤ 500 → 1, ≤ 1,000 → 0.5): W(650) = 0.5, W(450) = 1, W(950) = 0.5, W(550) = 0.5;
     *        D_C1 = 500 + 4,000 = 4,500, R_C1 = 1/45; D_C2 = 500 + 100 = 600, R_C2 = 0.5;
     *        A_R1 = 0.5/45 + 0.25 = 0.261111, A_R2 = 1/45, A_R3 = 0.25, A_R4 = 0.
     * Σ P·A = 1,000·0.261111 + 4,000/45 + 200·0.25 = 400. */
    fixture fx;
    load(&fx, LC_MODE_NETWORK);
    size_t s = entry(fx.acc, "t2");
    ck_assert_double_eq_tol(F(&fx, s, "C1")->demand, 5000, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->demand, 1200, 1e-9);
    ck_assert_double_eq_tol(A(&fx, s, "R1"), 0.27, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R2"), 0.02, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R3"), 0.25, 1e-12);
    ck_assert(A(&fx, s, "R4") == 0);
    ck_assert_int_eq(F(&fx, s, "C1")->over, 1);
    s = entry(fx.acc, "te");
    ck_assert_double_eq_tol(F(&fx, s, "C1")->demand, 4500, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->demand, 600, 1e-9);
    ck_assert_double_eq_tol(A(&fx, s, "R1"), 0.5 / 45 + 0.25, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R2"), 1.0 / 45, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R3"), 0.25, 1e-12);
    ck_assert(A(&fx, s, "R4") == 0);
    /* The same distances as coverage's: R4's nearest canteen is 1,820 m away along the streets. */
    int cant = lc_profile_find_category(fx.profile, "canteen");
    ck_assert_double_eq_tol(lc_coverage_get(fx.cov, feature(&fx, LC_LAYER_RESIDENTIAL, "R4"), (size_t)cant)->distance_m,
                            1820, 1e-6);
    unload(&fx);
}
END_TEST

/* The value of field name of the feature whose id field is id in the GeoJSON file path (NAN when
 * the field is null). Asserts the feature is there. */
static double field_of(const char *path, const char *id, const char *name)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "cannot open %s", path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    double v = NAN;
    int found = 0;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l))) {
        int ki = OGR_F_GetFieldIndex(f, "id"), kv = OGR_F_GetFieldIndex(f, name);
        ck_assert_msg(kv >= 0, "%s: no field %s", path, name);
        if (!strcmp(OGR_F_GetFieldAsString(f, ki), id)) {
            found = 1;
            v = OGR_F_IsFieldSetAndNotNull(f, kv) ? OGR_F_GetFieldAsDouble(f, kv) : NAN;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    ck_assert_msg(found, "%s: no feature %s", path, id);
    return v;
}

START_TEST(outputs_carry_the_hand_values)
{
    /* The straight-line world of straight_2sfca_by_hand written out (GeoJSON): R2's meals per 100
     * elders 100 · 100/5,500 = 1.818, below the target (5 per 100); C1's supply ratio per 100 the same
     * and over-subscribed; C2's 25 and not; summary.json's rows: U1 4,500 elders below the target of
     * 5,500, U2 none, the whole area 4,500 of 5,700. */
    fixture fx;
    load(&fx, LC_MODE_STRAIGHT);
    lc_results r = {fx.study, fx.inputs, fx.profile, fx.cov, fx.ind, fx.quality, NULL, fx.acc, NULL};
    char *out = lct_path(fx.dir, "out");
    lc_output_options oo = {.format = LC_FORMAT_GEOJSON};
    ck_assert_msg(lc_results_write(lct_ctx, out, &oo, &r) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    char *acc = lct_path(out, "accessibility.geojson"), *sup = lct_path(out, "supply.geojson");
    ck_assert_double_eq_tol(field_of(acc, "R2", "t2_per100"), 100 * 100.0 / 5500, 1e-9);
    ck_assert(field_of(acc, "R2", "t2_short") == 1);
    ck_assert_double_eq_tol(field_of(acc, "R1", "t2_per100"), 100 * (100.0 / 5500 + 0.25), 1e-9);
    ck_assert_double_eq_tol(field_of(acc, "R1", "t2_target_met"), 1, 1e-12);
    ck_assert_double_eq_tol(field_of(acc, "R2", "t2_target_met"), (100.0 / 5500) / 0.05, 1e-9);
    ck_assert_double_eq_tol(field_of(acc, "R2", "t2_demand"), 4000, 1e-9);
    ck_assert(isnan(field_of(acc, "R2", "tg_short"))); /* no target: neither short nor not */
    ck_assert_double_eq_tol(field_of(sup, "C1", "t2_ratio_per100"), 100 * 100.0 / 5500, 1e-9);
    ck_assert(field_of(sup, "C1", "t2_over") == 1);
    ck_assert(field_of(sup, "C2", "t2_over") == 0);
    ck_assert_double_eq_tol(field_of(sup, "C2", "t2_demand"), 1200, 1e-9);
    char *js = lct_path(out, "summary.json");
    json_error_t err;
    json_t *sum = json_load_file(js, 0, &err);
    ck_assert_msg(sum != NULL, "%s", err.text);
    const json_t *all = json_object_get(sum, "accessibility"), *t2 = NULL;
    for (size_t k = 0; k < json_array_size(all); k++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(all, k), "code")), "t2"))
            t2 = json_array_get(all, k);
    ck_assert_ptr_nonnull(t2);
    const json_t *rows = json_object_get(t2, "rows");
    ck_assert_uint_eq(json_array_size(rows), 3);
    ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(rows, 0), "demand_below_target")), 4500,
                            1e-9);
    ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(rows, 1), "demand_below_target")), 0, 1e-9);
    ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(rows, 2), "ratio")), 100 * 400.0 / 5700,
                            1e-9);
    ck_assert_int_eq(json_integer_value(json_object_get(t2, "over_subscribed_facilities")), 1);
    json_decref(sum);
    /* The report: entry te (linked to the norm meal_capacity) has R2 and R4 (4,500 elders) below 0.05
     * (A = 0.02, straight_e2sfca_stepped_by_hand) while the whole area's ratio 400 / 5,700 = 7.0 %
     * passes: its whole-area row reads "short though the ratio passes" (U1's own ratio, 100 / 5,500 =
     * 1.8 %, fails: plain "short"). */
    char *rep = lct_path(fx.dir, "report");
    lc_report_options ro = {.map_width_px = 400};
    ck_assert_msg(lc_report_write(lct_ctx, rep, &r, &ro) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    char *html_path = lct_path(rep, "report.html");
    FILE *fp = fopen(html_path, "rb");
    ck_assert_ptr_nonnull(fp);
    char *html = calloc(1, 1 << 24);
    size_t n = fread(html, 1, (1 << 24) - 1, fp);
    fclose(fp);
    ck_assert_uint_gt(n, 0);
    lct_assert_contains(html, "id=\"accessibility\"");
    lct_assert_contains(html, "data-access=\"t2\"");
    /* the entry's map is in the page as a PNG (base64 of the PNG signature 89 50 4E 47 0D 0A 1A 0A) */
    const char *fig = strstr(html, "<figure data-access=\"t2\"><img alt=");
    ck_assert_ptr_nonnull(fig);
    lct_assert_contains(fig, "src=\"data:image/png;base64,iVBORw0KGgo");
    lct_assert_contains(html, "short though the ratio passes");
    free(html), free(html_path), free(rep);
    free(js), free(acc), free(sup), free(out);
    unload(&fx);
}
END_TEST

START_TEST(district_entries_by_hand)
{
    /* Two districts: D1 holds U1 (R1, R2, R4; C1) under the study's entry te (bands ≤ 500 m → 1,
     * ≤ 1,000 m → 0.5, target 0.05); D2 holds U2 (R3; C2) under its own profile, whose te has
     * weights ≤ 500 m → 1, ≤ 1,000 m → 0.25 and a target of 1.5 meals per elder. Each facility is
     * computed with its district's weights, each compound and 街镇 held to its district's target.
     * Distances as in straight_2sfca_by_hand.
     * Step 1: C1 (D1's weights): D = 0.5·1,000 (R1, 602 m) + 4,000 (R2) + 500 (R4) = 5,000,
     *         R_C1 = 100 / 5,000 = 0.02 < 0.05: over-subscribed;
     *         C2 (D2's weights): D = 0.25·1,000 (R1, 902 m) + 0.25·200 (R3, 502.5 m) = 300,
     *         R_C2 = 300 / 300 = 1.0 < 1.5: over-subscribed (under the study's 0.05 it would not be).
     * Step 2: A_R1 = 0.5·0.02 + 0.25·1.0 = 0.26; A_R2 = A_R4 = 0.02; A_R3 = 0.25·1.0 = 0.25.
     * Σ P·A = 260 + 80 + 10 + 50 = 400 = the meals.
     * Targets: R1, R2, R4 0.05 (D1), R3 1.5 (D2). Short: U1 R2 + R4 = 4,500; U2 R3 = 200 (0.25 < 1.5;
     * under the study's target it passes); the whole area 4,700; D2 200.
     * Rows (summary): U2 0.25 against 1.5 → 25 against 150 per 100, fails, short (1.5 − 0.25)·200 =
     * 250 meals/day; U1 (1,000·0.26 + 4,500·0.02) / 5,500 = 350 / 5,500 against 0.05: passes. */
    static const char *d2 =
        "profile: d2-test\n"
        "extends: shanghai-2025\n"
        "accessibility:\n"
        "  te:\n"
        "    zh: 乙区 E2SFCA\n"
        "    en: district 2 E2SFCA\n"
        "    source: test\n"
        "    categories: [canteen]\n"
        "    capacity: meals\n"
        "    demand: pop65\n"
        "    target: 1.5\n"
        "    method: e2sfca\n"
        "    weights: stepped\n"
        "    steps_m: [500, 1000]\n"
        "    step_weights: [1.0, 0.25]\n";
    fixture fx;
    load_with(&fx, LC_MODE_STRAIGHT, d2);
    ck_assert_msg(fx.acc != NULL, "%s", lc_context_errmsg(lct_ctx));
    size_t s = entry(fx.acc, "te");
    ck_assert_double_eq_tol(F(&fx, s, "C1")->demand, 5000, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C1")->ratio, 0.02, 1e-12);
    ck_assert_int_eq(F(&fx, s, "C1")->over, 1);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->demand, 300, 1e-9);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->ratio, 1.0, 1e-12);
    ck_assert_double_eq_tol(F(&fx, s, "C2")->target, 1.5, 1e-15);
    ck_assert_int_eq(F(&fx, s, "C2")->over, 1);
    ck_assert_double_eq_tol(A(&fx, s, "R1"), 0.26, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R2"), 0.02, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R3"), 0.25, 1e-12);
    ck_assert_double_eq_tol(A(&fx, s, "R4"), 0.02, 1e-12);
    ck_assert_double_eq_tol(lc_access_compound_target(fx.acc, s, feature(&fx, LC_LAYER_RESIDENTIAL, "R3")), 1.5,
                            1e-15);
    ck_assert_double_eq_tol(lc_access_compound_target(fx.acc, s, feature(&fx, LC_LAYER_RESIDENTIAL, "R1")), 0.05,
                            1e-15);
    /* rows: U1, U2, the whole area, then D1, D2 */
    ck_assert_uint_eq(lc_access_row_count(fx.acc), 5);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 0), 4500, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 1), 200, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 2), 4700, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_short(fx.acc, s, 4), 200, 1e-9);
    ck_assert_double_eq_tol(lc_access_row_target(fx.acc, s, 1), 1.5, 1e-15);
    ck_assert_double_eq_tol(lc_access_row_target(fx.acc, s, 2), 0.05, 1e-15);
    ck_assert_double_eq_tol(lc_access_row_target(fx.acc, s, 3), 0.05, 1e-15);
    ck_assert_double_eq_tol(lc_access_row_target(fx.acc, s, 4), 1.5, 1e-15);
    lc_indicator u2 = lc_access_row_get(fx.acc, s, 1), u1 = lc_access_row_get(fx.acc, s, 0);
    ck_assert_double_eq_tol(u2.value, 25, 1e-9);
    ck_assert_double_eq_tol(u2.target, 150, 1e-9);
    ck_assert_int_eq(u2.pass, 0);
    ck_assert_double_eq_tol(u2.shortfall, 250, 1e-9);
    ck_assert_double_eq_tol(u1.value, 100 * 350.0 / 5500, 1e-9);
    ck_assert_int_eq(u1.pass, 1);
    unload(&fx);

    /* a district entry counting something else is refused, naming both profiles */
    static const char *d2_beds =
        "profile: d2-beds\n"
        "extends: shanghai-2025\n"
        "accessibility:\n"
        "  te:\n"
        "    zh: 乙区\n"
        "    en: district 2\n"
        "    source: test\n"
        "    categories: [care_home]\n"
        "    capacity: beds\n"
        "    demand: pop60\n"
        "    method: 2sfca\n";
    load_with(&fx, LC_MODE_STRAIGHT, d2_beds);
    ck_assert_ptr_null(fx.acc);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "profile d2-beds: accessibility.te counts beds against pop60");
    lct_assert_contains(lc_context_errmsg(lct_ctx), "access-test");
    unload(&fx);
}
END_TEST

/* The cells of the summary.csv row of unit and norm code (13 columns, no field holds a comma), into
 * cells[13] (pointers into a copy the caller frees, returned). Fails the test when there is none. */
static char *csv_row(const char *csv, const char *unit, const char *code, char *cells[13])
{
    char key[160];
    const char *at = csv;
    size_t klen = (size_t)snprintf(key, sizeof key, "%s,", unit);
    for (; at && *at; at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL) {
        if (strncmp(at, key, klen))
            continue;
        const char *end = strchr(at, '\n');
        char *line = strndup(at, end ? (size_t)(end - at) : strlen(at));
        line[strcspn(line, "\r")] = 0; /* rows end in CRLF */
        size_t n = 0;
        for (char *p = line; n < 13; n++) {
            cells[n] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = 0;
            p = c + 1;
        }
        if (n >= 12 && !strcmp(cells[2], code))
            return line;
        free(line);
    }
    ck_abort_msg("summary.csv: no row %s %s", unit, code);
    return NULL;
}

START_TEST(summary_tables_carry_accessibility)
{
    /* summary.csv and summary.xlsx carry each entry per 街镇 and for the whole area, in meals per 100
     * registered 65+. Entry th (plain 2SFCA, target 0.1 meals per elder, so 10 per 100): the A of
     * straight_2sfca_by_hand, A_R1 = 100/5,500 + 0.25, A_R2 = A_R4 = 100/5,500, A_R3 = 0.25.
     *   U1 (R1 1,000, R2 4,000, R4 500 elders): Σ P·A = 1,000·(100/5,500 + 0.25) + 4,500·100/5,500
     *      = 100 + 250 = 350 meals, demand 5,500, mean 350 / 5,500 = 0.063636 → 6.3636 per 100 < 10:
     *      fails, short (0.1 − 0.063636)·5,500 = 550 − 350 = 200 meals/day;
     *   U2 (R3 200): Σ P·A = 50, mean 0.25 → 25 per 100: passes, short 0;
     *   whole area: 400 meals over 5,700 → 7.0175 per 100: fails, short 570 − 400 = 170 meals/day.
     * Entry te (E2SFCA, target 0.05 from meal_capacity), U1: 1,000·0.26 + 4,500·0.02 = 350 over
     * 5,500 → 6.3636 per 100 ≥ 5: passes. */
    fixture fx;
    load(&fx, LC_MODE_STRAIGHT);
    lc_results r = {fx.study, fx.inputs, fx.profile, fx.cov, fx.ind, fx.quality, NULL, fx.acc, NULL};
    char *out = lct_path(fx.dir, "out");
    lc_output_options oo = {.format = LC_FORMAT_GEOJSON};
    ck_assert_msg(lc_results_write(lct_ctx, out, &oo, &r) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    char *path = lct_path(out, "summary.csv");
    char *csv = lct_read_file(path, NULL), *c[13], *line;
    ck_assert_ptr_nonnull(csv);
    line = csv_row(csv, "U1", "access_th", c);
    ck_assert_str_eq(c[3], "测试高目标");
    ck_assert_str_eq(c[4], "test high target");
    ck_assert_double_eq_tol(strtod(c[5], NULL), 100 * 350.0 / 5500, 1e-6);
    ck_assert_double_eq_tol(strtod(c[6], NULL), 10, 1e-9);
    ck_assert_str_eq(c[7], "fail");
    ck_assert_double_eq_tol(strtod(c[8], NULL), 200, 1e-6);
    ck_assert_str_eq(c[9], "meals/day");
    ck_assert_double_eq_tol(strtod(c[10], NULL), 350, 1e-6);
    ck_assert_double_eq_tol(strtod(c[11], NULL), 5500, 1e-6);
    ck_assert_str_eq(c[12], "test");
    free(line);
    line = csv_row(csv, "U2", "access_th", c);
    ck_assert_double_eq_tol(strtod(c[5], NULL), 25, 1e-6);
    ck_assert_str_eq(c[7], "pass");
    ck_assert_double_eq_tol(strtod(c[8], NULL), 0, 1e-9);
    free(line);
    line = csv_row(csv, "total", "access_th", c);
    ck_assert_double_eq_tol(strtod(c[5], NULL), 100 * 400.0 / 5700, 1e-6);
    ck_assert_str_eq(c[7], "fail");
    ck_assert_double_eq_tol(strtod(c[8], NULL), 170, 1e-6);
    free(line);
    line = csv_row(csv, "U1", "access_te", c);
    ck_assert_double_eq_tol(strtod(c[5], NULL), 100 * 350.0 / 5500, 1e-6);
    ck_assert_double_eq_tol(strtod(c[6], NULL), 5, 1e-9);
    ck_assert_str_eq(c[7], "pass");
    free(line);
    /* No target (tg): n/a, no shortfall. */
    line = csv_row(csv, "U1", "access_tg", c);
    ck_assert_str_eq(c[7], "n/a");
    ck_assert_str_eq(c[8], "");
    free(line);
    /* summary.xlsx, sheet 街镇 units, read back with GDAL's XLSX driver: U1's th value and pass. */
    char *xp = lct_path(out, "summary.xlsx");
    GDALDatasetH ds = GDALOpenEx(xp, GDAL_OF_VECTOR, NULL, (const char *const[]){"HEADERS=FORCE", NULL}, NULL);
    ck_assert_msg(ds != NULL, "cannot open %s", xp);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "街镇 units");
    ck_assert_ptr_nonnull(l);
    OGRFeatureH f;
    int seen = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        int ki = OGR_F_GetFieldIndex(f, "街镇编号 unit_id");
        int kv = OGR_F_GetFieldIndex(f, "access_th 测试高目标 value");
        int kp = OGR_F_GetFieldIndex(f, "access_th 是否达标 pass");
        ck_assert_msg(ki >= 0 && kv >= 0 && kp >= 0, "summary.xlsx: no accessibility columns");
        if (!strcmp(OGR_F_GetFieldAsString(f, ki), "U1")) {
            seen = 1;
            ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, kv), 100 * 350.0 / 5500, 1e-9);
            ck_assert_str_eq(OGR_F_GetFieldAsString(f, kp), "未达标 fail");
        }
        OGR_F_Destroy(f);
    }
    ck_assert(seen);
    GDALClose(ds);
    free(xp), free(csv), free(path), free(out);
    unload(&fx);
}
END_TEST

/* Loads a profile text extending shanghai-2025 and expects LC_ERR_CONFIG with msg in the message. */
static void refused(const char *body, const char *msg)
{
    char *dir = lct_tmpdir(), *pp = lct_path(dir, "bad.yml");
    char text[2048];
    snprintf(text, sizeof text, "profile: bad\nextends: shanghai-2025\naccessibility:\n  x:\n    zh: 甲\n    en: x\n"
             "    source: test\n%s", body);
    ck_assert_int_eq(lct_write_text(pp, text), 0);
    lc_profile *p = lc_profile_load(lct_ctx, pp);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), msg);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "bad.yml:");
    lct_rmtree(dir);
    free(pp), free(dir);
}

START_TEST(profile_section_errors)
{
    refused("    categories: [canteen]\n    capacity: meals\n    demand: pop65\n    method: 3sfca\n",
            "needs 'method:' 2sfca or e2sfca (got '3sfca')");
    refused("    categories: [canteen]\n    capacity: soup\n    demand: pop65\n    method: 2sfca\n",
            "must be meals, beds, nursing_beds or places");
    refused("    categories: [cantine]\n    capacity: meals\n    demand: pop65\n    method: 2sfca\n",
            "'cantine' is not a category code");
    refused("    categories: [canteen]\n    capacity: meals\n    demand: pop65\n    method: e2sfca\n"
            "    weights: stepped\n    steps_m: [500, 400]\n    step_weights: [1, 0.5]\n",
            "must increase");
    refused("    categories: [canteen]\n    capacity: meals\n    demand: pop65\n    method: e2sfca\n"
            "    weights: stepped\n    steps_m: [500, 1000]\n    step_weights: [1, 1.5]\n",
            "must lie in (0, 1]");
    refused("    categories: [canteen]\n    capacity: meals\n    demand: pop65\n    method: 2sfca\n"
            "    sigma_m: 300\n", "takes no weights");
    refused("    categories: [canteen]\n    norm: floor_area\n    method: 2sfca\n", "is not a capacity_ratio norm");
    refused("    categories: [canteen]\n    capacity: meals\n    demand: pop65\n    method: 2sfca\n    wieghts: x\n",
            "did you mean 'weights'");
    /* The built-in profile's entries, with their sources. */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(lc_profile_access_count(p), 4);
    const lc_access_spec *m = lc_profile_access(p, 0);
    ck_assert_str_eq(m->code, "meals");
    ck_assert_int_eq(m->capacity, LC_CAPACITY_MEALS);
    ck_assert_int_eq(m->demand, LC_DEMAND_POP65);
    ck_assert_double_eq_tol(m->target, 0.05, 1e-15);
    ck_assert_uint_eq(m->nsteps, 3);
    lct_assert_contains(m->source, "Luo & Qi 2009");
    ck_assert_int_eq(lc_profile_access(p, 3)->capacity, LC_CAPACITY_PLACES);
    lc_profile_destroy(p);
}
END_TEST

/* ---- real streets: Monaco ---------------------------------------------------------------------- */

/* Dijkstra with an O(n) scan for the minimum (slow and obviously right) over edges a–b of length
 * len, from node distances d (INFINITY where not a source), in place. */
static void simple_dijkstra(size_t n, size_t m, const size_t *a, const size_t *b, const double *len, double *d)
{
    char *done = calloc(n, 1);
    size_t *first = calloc(n + 1, sizeof *first), *inc = malloc((2 * m + 1) * sizeof *inc);
    size_t *fill = calloc(n + 1, sizeof *fill);
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

START_TEST(real_osm_matches_plain_dijkstra)
{
    /* Monaco's OSM streets (../shared/data/osm/monaco.osm.pbf, the profile's walking rules); 48
     * compounds as points on a 6 × 8 grid over the extract (lon 7.412-7.445, lat 43.726-43.749),
     * 65+ = 20 + 7·k (k = 0..47, all different), and four canteens with 60, 150, 90, 240 meals.
     * The built-in entry `meals` (E2SFCA, bands 333 / 667 / 1,000 m weighted 1 / 0.68 / 0.22) along
     * the network must equal, within 1e-9 relative, the two steps computed here from a plain
     * Dijkstra per canteen over the exported edges (attachment points and access legs as network.h
     * states them, or the walk along a shared edge). The test's own 2SFCA (W ≡ 1) is checked too
     * through the conservation Σ P·A = Σ S over canteens with demand in reach. */
    char *dir = lct_tmpdir();
    lc_study *st = lc_study_create(lct_ctx);
    char r[16384] = "", f[2048] = "";
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++) {
            char props[96];
            snprintf(props, sizeof props, "\"id\":\"P%d%d\",\"population\":400,\"pop65\":%d", i, j, 20 + 7 * (i * 8 + j));
            point(r, sizeof r, props, 7.412 + 0.0066 * i, 43.726 + 0.0033 * j);
        }
    point(f, sizeof f, "\"id\":\"K1\",\"category\":\"canteen\",\"meals\":60", 7.4205, 43.7313);
    point(f, sizeof f, "\"id\":\"K2\",\"category\":\"canteen\",\"meals\":150", 7.4266, 43.7389);
    point(f, sizeof f, "\"id\":\"K3\",\"category\":\"canteen\",\"meals\":90", 7.4300, 43.7425);
    point(f, sizeof f, "\"id\":\"K4\",\"category\":\"meal_point\",\"meals\":240", 7.4180, 43.7350);
    char *rp = lct_path(dir, "points.geojson"), *fp = lct_path(dir, "canteens.geojson");
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
    free(rp), free(fp), free(pbf);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    const lc_network_rules *rules = lc_profile_network(p);
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, rules->snap_tolerance_m);
    ck_assert_ptr_nonnull(net);
    lc_coverage_options o = {.mode = LC_MODE_NETWORK, .network = net, .threads = 2};
    lc_access *acc = lc_access_compute(lct_ctx, in, p, &o, NULL);
    ck_assert_msg(acc != NULL, "%s", lc_context_errmsg(lct_ctx));
    o.threads = 1;
    lc_access *acc1 = lc_access_compute(lct_ctx, in, p, &o, NULL);
    ck_assert_ptr_nonnull(acc1);

    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t npts = lc_layer_count(res), nfac = lc_layer_count(fac);
    ck_assert_uint_eq(npts, 48);
    ck_assert_uint_eq(nfac, 4);
    size_t n = lc_network_node_count(net), m = lc_network_edge_count(net);
    size_t *a = malloc(m * sizeof *a), *b = malloc(m * sizeof *b);
    double *len = malloc(m * sizeof *len), *d = malloc(n * sizeof *d);
    for (size_t e = 0; e < m; e++)
        ck_assert_int_eq(lc_network_edge(net, e, &a[e], &b[e], &len[e]), 0);
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    lc_snap ps[48];
    for (size_t i = 0; i < npts; i++) {
        lc_xy xy;
        GEOSGeomGetX_r(h, lc_layer_feature(res, i)->geom, &xy.x);
        GEOSGeomGetY_r(h, lc_layer_feature(res, i)->geom, &xy.y);
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, xy, rules->max_snap_m, &ps[i]), LC_OK);
    }
    /* dist[j][i]: canteen j to point i along the streets. */
    double dist[4][48];
    for (size_t j = 0; j < nfac; j++) {
        lc_xy xy;
        lc_snap fs;
        GEOSGeomGetX_r(h, lc_layer_feature(fac, j)->geom, &xy.x);
        GEOSGeomGetY_r(h, lc_layer_feature(fac, j)->geom, &xy.y);
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, xy, rules->max_snap_m, &fs), LC_OK);
        ck_assert_msg(fs.edge >= 0, "canteen %zu off the network", j);
        for (size_t v = 0; v < n; v++)
            d[v] = INFINITY;
        size_t e = (size_t)fs.edge;
        d[a[e]] = fs.access_m + fs.along;
        d[b[e]] = fmin(d[b[e]], fs.access_m + len[e] - fs.along);
        simple_dijkstra(n, m, a, b, len, d);
        for (size_t i = 0; i < npts; i++) {
            double want = INFINITY;
            if (ps[i].edge >= 0) {
                size_t pe = (size_t)ps[i].edge;
                want = fmin(d[a[pe]] + ps[i].along, d[b[pe]] + len[pe] - ps[i].along);
                if (fs.edge == ps[i].edge)
                    want = fmin(want, fs.access_m + fabs(fs.along - ps[i].along));
                want += ps[i].access_m;
            }
            dist[j][i] = want;
        }
    }
    /* The two steps, here, with the built-in bands. */
    double reach = lc_profile_category(p, (size_t)lc_profile_find_category(p, "canteen"))->reach_m;
    ck_assert_double_eq(reach, 1000);
    const double bands[3] = {333, 667, 1000}, wts[3] = {1.0, 0.68, 0.22};
    double R[4], want[48] = {0};
    size_t pairs = 0;
    for (size_t j = 0; j < nfac; j++) {
        double D = 0;
        for (size_t i = 0; i < npts; i++)
            if (dist[j][i] <= reach) {
                double w = dist[j][i] <= bands[0] ? wts[0] : dist[j][i] <= bands[1] ? wts[1] : wts[2];
                D += w * lc_layer_feature(res, i)->pop65;
                pairs++;
            }
        R[j] = D > 0 ? lc_layer_feature(fac, j)->meals / D : 0;
    }
    for (size_t i = 0; i < npts; i++)
        for (size_t j = 0; j < nfac; j++)
            if (dist[j][i] <= reach) {
                double w = dist[j][i] <= bands[0] ? wts[0] : dist[j][i] <= bands[1] ? wts[1] : wts[2];
                want[i] += w * R[j];
            }
    ck_assert_uint_ge(pairs, 12); /* not vacuous: a dozen compound–canteen pairs at least within reach */
    size_t s = 0, positive = 0;
    ck_assert_str_eq(lc_access_spec_of(acc, s)->code, "meals");
    for (size_t i = 0; i < npts; i++) {
        double got = lc_access_compound(acc, s, i);
        if (want[i] == 0)
            ck_assert_msg(got == 0, "point %zu: %.17g, want 0", i, got);
        else
            ck_assert_msg(fabs(got - want[i]) <= 1e-9 * want[i], "point %zu: %.17g, want %.17g", i, got, want[i]);
        positive += want[i] > 0;
        ck_assert(got == lc_access_compound(acc1, s, i)); /* threads do not change a bit */
    }
    ck_assert_uint_ge(positive, 8);
    for (size_t j = 0; j < nfac; j++)
        if (lc_access_facility_get(acc, s, j)->demand > 0)
            ck_assert_double_eq_tol(lc_access_facility_get(acc, s, j)->ratio, R[j], 1e-9 * R[j]);
    free(a), free(b), free(len), free(d);
    lc_access_destroy(acc1);
    lc_access_destroy(acc);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_access(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("by_hand");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, straight_2sfca_by_hand);
    tcase_add_test(tc, straight_e2sfca_stepped_by_hand);
    tcase_add_test(tc, network_2sfca_and_e2sfca_by_hand);
    tcase_add_test(tc, profile_section_errors);
    tcase_add_test(tc, outputs_carry_the_hand_values);
    tcase_add_test(tc, summary_tables_carry_accessibility);
    tcase_add_test(tc, district_entries_by_hand);
    suite_add_tcase(s, tc);
    if (lct_have_shared()) { /* real OSM data from ../shared (see lct_have_shared) */
        TCase *real = tcase_create("real");
        tcase_add_checked_fixture(real, lct_setup, lct_teardown);
        tcase_set_timeout(real, 300);
        tcase_add_test(real, real_osm_matches_plain_dijkstra);
        suite_add_tcase(s, real);
    }
    return s;
}
