/*
 * tests/test_coverage.c — straight-line coverage against answers known without lifecircle: shapes
 * whose covered share follows from geometry (a square inside a circle, a circle inscribed in a
 * square — the buffer being a regular 128-gon whose area is (n/2)·r²·sin(2π/n) —, thin strips whose
 * covered length is the reach), exact distances, the life-circle intersection, thread-count
 * independence, and the demo's covered population recomputed by SpatiaLite (ST_Buffer, ST_Union,
 * ST_Intersection through GDAL's SQLite dialect) within 0.1%.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* How far a reach polygon reaches along a 1 m wide strip through its centre. The buffer is a
 * regular n-gon (n = 4 × 32) with a vertex on the strip's axis at r; its edges leave the axis at an
 * angle, so at height y the boundary sits |y|·tan(π/n) short of r, and over the strip's width
 * (|y| ≤ 0.5) the covered length is on average r − 0.25·tan(π/n). */
static double strip_reach(double r)
{
    return r - 0.25 * tan(M_PI / 128);
}

typedef lct_world world;

/* One residential polygon (WKT-free: GeoJSON coordinates text) with the population given as JSON text
 * ("500", "null") and facilities "x,y,category;...". */
static world build_json(const char *ring, const char *pop, const char *facilities, const lc_coverage_options *o)
{
    world w = {.dir = lct_tmpdir()};
    char res[4096], fac[8192];
    snprintf(res, sizeof res,
             "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"id\":\"R\",\"population\":%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[%s]]}}]}",
             pop, ring);
    size_t n = (size_t)snprintf(fac, sizeof fac, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[");
    char list[4096];
    snprintf(list, sizeof list, "%s", facilities);
    int k = 0;
    for (char *tok = strtok(list, ";"); tok; tok = strtok(NULL, ";"), k++) {
        double x, y;
        char cat[64];
        ck_assert_int_eq(sscanf(tok, "%lf,%lf,%63s", &x, &y, cat), 3);
        n += (size_t)snprintf(fac + n, sizeof fac - n,
                              "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"F%d\",\"category\":\"%s\","
                              "\"floor_area\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}}",
                              k ? "," : "", k, cat, x, y);
    }
    snprintf(fac + n, sizeof fac - n, "]}");
    char *r = lct_path(w.dir, "r.geojson"), *f = lct_path(w.dir, "f.geojson");
    ck_assert_int_eq(lct_write_text(r, res), 0);
    ck_assert_int_eq(lct_write_text(f, fac), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lct_world_load(&w, st, o);
    free(r);
    free(f);
    return w;
}

/* build_json with a known population. */
static world build(const char *ring, double pop, const char *facilities, const lc_coverage_options *o)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", pop);
    return build_json(ring, text, facilities, o);
}

static void destroy(world *w)
{
    lct_world_free(w);
}

static size_t cat(const world *w, const char *code)
{
    int c = lc_profile_find_category(w->profile, code);
    ck_assert_int_ge(c, 0);
    return (size_t)c;
}

START_TEST(square_inside_reach_is_covered)
{
    /* A 100 m square with the centre at its middle, reach 1,000 m: wholly covered, distance 0. */
    world w = build("[0,0],[100,0],[100,100],[0,100],[0,0]", 500, "50,50,centre", NULL);
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, cat(&w, "centre"));
    ck_assert_double_eq(c->covered_share, 1.0);
    ck_assert_double_eq(c->covered_pop, 500.0);
    ck_assert_double_eq_tol(c->distance_m, 0.0, 1e-9);
    ck_assert_int_eq(c->nearest, 0);
    ck_assert_ptr_null(lc_coverage_gap(w.cov, 0, cat(&w, "centre")));
    ck_assert_double_eq(lc_coverage_reach(w.cov, cat(&w, "centre")), 1000.0);
    ck_assert_double_eq(lc_coverage_reach(w.cov, cat(&w, "doorstep")), 300.0);
    destroy(&w);
}
END_TEST

START_TEST(inscribed_circle_share_is_polygon_area)
{
    /* A 1,000 m square centred on the facility, reach 500 m: the reach polygon (32 segments per
     * quarter, a regular 128-gon inscribed in the circle) lies inside the square, so the share is
     * its area (n/2)·r²·sin(2π/n) over 1,000,000 m² — just under π/4. */
    lc_coverage_options o = {.reach_m = 500, .quadsegs = 32};
    world w = build("[-500,-500],[500,-500],[500,500],[-500,500],[-500,-500]", 1000, "0,0,centre", &o);
    double n = 128, r = 500, expected = n / 2 * r * r * sin(2 * M_PI / n) / 1e6;
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, cat(&w, "centre"));
    ck_assert_double_eq_tol(c->covered_share, expected, 1e-9);
    ck_assert_double_eq_tol(c->covered_pop, 1000 * expected, 1e-6);
    ck_assert_double_eq_tol(expected, M_PI / 4, 4e-4); /* and close to the circle's π/4 */
    /* The gap is the square minus the 128-gon. */
    double gap_area = 0;
    GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(w.cov, 0, cat(&w, "centre")), &gap_area);
    ck_assert_double_eq_tol(gap_area, 1e6 * (1 - expected), 1e-3);
    destroy(&w);
}
END_TEST

START_TEST(strip_half_covered)
{
    /* A strip 2,000 m × 1 m with the facility at one end's middle, reach 1,000 m: the reach ends
     * 1,000 m along (6 mm short on average across the strip, see strip_reach), so half is covered. */
    world w = build("[0,-0.5],[2000,-0.5],[2000,0.5],[0,0.5],[0,-0.5]", 2000, "0,0,meal_point", NULL);
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, cat(&w, "meal_point"));
    ck_assert_double_eq_tol(c->covered_share, strip_reach(1000) / 2000, 1e-9);
    ck_assert_double_eq_tol(c->covered_pop, strip_reach(1000), 1e-6);
    /* The demand point is the strip's point on surface; the facility's distance to it is exact. */
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSGeometry *pos = GEOSPointOnSurface_r(h, lc_layer_feature(lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL), 0)->geom);
    double px, py;
    GEOSGeomGetX_r(h, pos, &px);
    GEOSGeomGetY_r(h, pos, &py);
    GEOSGeom_destroy_r(h, pos);
    ck_assert_double_eq_tol(c->distance_m, hypot(px, py), 1e-9);
    destroy(&w);
}
END_TEST

START_TEST(two_facilities_cover_both_ends)
{
    /* A strip 1,000 m long, facilities at both ends with reach 300 m: [0,300] and [700,1000], 60%. */
    lc_coverage_options o = {.reach_m = 300};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100, "0,0,centre;1000,0,centre", &o);
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, cat(&w, "centre"));
    ck_assert_double_eq_tol(c->covered_share, 2 * strip_reach(300) / 1000, 1e-9);
    ck_assert_double_eq_tol(c->covered_pop, 100 * 2 * strip_reach(300) / 1000, 1e-7);
    destroy(&w);
}
END_TEST

START_TEST(beyond_reach_and_missing_category)
{
    /* A square 2,000 m from the only centre: nothing covered, the gap is the whole square, and the
     * distance from its point on surface (2050, 50) to (0, 50) is 2,050 m. No meal point at all. */
    world w = build("[2000,0],[2100,0],[2100,100],[2000,100],[2000,0]", 50, "0,50,centre", NULL);
    const lc_coverage_cell *c = lc_coverage_get(w.cov, 0, cat(&w, "centre"));
    ck_assert_double_eq(c->covered_share, 0);
    ck_assert_double_eq(c->covered_pop, 0);
    ck_assert_double_eq_tol(c->distance_m, 2050, 1e-9);
    double gap_area = 0;
    GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(w.cov, 0, cat(&w, "centre")), &gap_area);
    ck_assert_double_eq_tol(gap_area, 10000, 1e-6);
    c = lc_coverage_get(w.cov, 0, cat(&w, "meal_point"));
    ck_assert(isinf(c->distance_m));
    ck_assert_int_eq(c->nearest, -1);
    ck_assert_double_eq(c->covered_share, 0);
    ck_assert_ptr_null(lc_coverage_service_area(w.cov, cat(&w, "meal_point")));
    ck_assert_ptr_nonnull(lc_coverage_service_area(w.cov, cat(&w, "centre")));
    ck_assert_double_eq(lc_coverage_circle_share(w.cov, 0), 0);
    destroy(&w);
}
END_TEST

START_TEST(life_circle_is_the_intersection)
{
    /* Strip [0,1000] × 1 m, reach 600 m: the centre at 0 covers [0,600], the meal point at 1000 covers
     * [400,1000], day care at 500 covers all. The whole life circle (centre, meals, day care in the
     * built-in profile) holds [400,600]: 20%. */
    lc_coverage_options o = {.reach_m = 600};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100,
                    "0,0,centre;1000,0,meal_point;500,0,day_care", &o);
    /* [400 + δ, 600 − δ] with δ = 600 − strip_reach(600). */
    ck_assert_double_eq_tol(lc_coverage_circle_share(w.cov, 0), (2 * strip_reach(600) - 1000) / 1000, 1e-9);
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, cat(&w, "centre"))->covered_share, strip_reach(600) / 1000, 1e-9);
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, cat(&w, "day_care"))->covered_share, 1.0, 1e-12);
    destroy(&w);
}
END_TEST

START_TEST(cells_only_keeps_the_cells)
{
    /* The life-circle strip above with cells_only: the same hand-computed shares and populations
     * (centre [0, 600], meal point [400, 1000], day care all), distances from GEOS's point on
     * surface (500, 0); but no service areas, gaps or life-circle shares. */
    lc_coverage_options o = {.reach_m = 600, .cells_only = 1};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100,
                    "0,0,centre;1000,0,meal_point;500,0,day_care", &o);
    size_t centre = cat(&w, "centre"), meal = cat(&w, "meal_point"), day = cat(&w, "day_care");
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, centre)->covered_share, strip_reach(600) / 1000, 1e-9);
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, meal)->covered_pop, 100 * strip_reach(600) / 1000, 1e-7);
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, day)->covered_share, 1.0, 1e-12);
    ck_assert_double_eq_tol(lc_coverage_covered_population(w.cov, centre), 100 * strip_reach(600) / 1000, 1e-7);
    ck_assert_double_eq_tol(lc_coverage_get(w.cov, 0, centre)->distance_m, 500, 1e-9);
    ck_assert_int_eq(lc_coverage_get(w.cov, 0, meal)->nearest, 1);
    for (size_t c = 0; c < lc_coverage_category_count(w.cov); c++) {
        ck_assert_ptr_null(lc_coverage_gap(w.cov, 0, c));
        ck_assert_ptr_null(lc_coverage_service_area(w.cov, c));
    }
    ck_assert(isnan(lc_coverage_circle_share(w.cov, 0)));
    destroy(&w);
}
END_TEST

START_TEST(job_on_its_own_thread)
{
    /* lc_coverage_start/finish on the life-circle strip: the same hand-computed shares as
     * lc_coverage_compute (centre [0, 600] of [0, 1000] less the buffer's edge, day care all), the
     * coverage bound to the caller's context; a job that cannot run (network mode without a
     * network) reports its error into the caller's context. */
    lc_coverage_options o = {.reach_m = 600};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100,
                    "0,0,centre;1000,0,meal_point;500,0,day_care", &o);
    lc_coverage_job *job = lc_coverage_start(lct_ctx, w.inputs, w.profile, &o);
    ck_assert_ptr_nonnull(job);
    lc_coverage *cov = lc_coverage_finish(lct_ctx, job);
    ck_assert_ptr_nonnull(cov);
    size_t centre = cat(&w, "centre"), day = cat(&w, "day_care");
    ck_assert_double_eq_tol(lc_coverage_get(cov, 0, centre)->covered_share, strip_reach(600) / 1000, 1e-9);
    ck_assert_double_eq_tol(lc_coverage_get(cov, 0, day)->covered_share, 1.0, 1e-12);
    ck_assert_double_eq_tol(lc_coverage_circle_share(cov, 0), (2 * strip_reach(600) - 1000) / 1000, 1e-9);
    double gap = 0; /* the centre's gap [600, 1000] less the buffer's edge, freed with the caller's context */
    ck_assert(GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(cov, 0, centre), &gap));
    ck_assert_double_eq_tol(gap, 1000 - strip_reach(600), 1e-6);
    lc_coverage_destroy(cov);
    lc_coverage_options bad = {.mode = LC_MODE_NETWORK};
    ck_assert_ptr_null(lc_coverage_finish(lct_ctx, lc_coverage_start(lct_ctx, w.inputs, w.profile, &bad)));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_UNSUPPORTED);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "network mode needs a walking network");
    ck_assert_ptr_null(lc_coverage_finish(lct_ctx, NULL));
    destroy(&w);
}
END_TEST

START_TEST(overlapping_circles_union)
{
    /* A strip 1,000 m long, centres at 300 and 700 with reach 300 m: the two reach polygons overlap on
     * [400, 600] and together reach from the vertex at x = 0 to the one at x = 1,000, each end short by
     * |y|·tan(π/128) (see strip_reach): the uncovered area is 2 × 0.25·tan(π/128) m² of the 1,000. */
    lc_coverage_options o = {.reach_m = 300};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100, "300,0,centre;700,0,centre", &o);
    size_t c = cat(&w, "centre");
    const lc_coverage_cell *cell = lc_coverage_get(w.cov, 0, c);
    double uncovered = 2 * 0.25 * tan(M_PI / 128);
    ck_assert_double_eq_tol(cell->covered_share, (1000 - uncovered) / 1000, 1e-9);
    ck_assert_double_eq_tol(cell->covered_pop, 100 * (1000 - uncovered) / 1000, 1e-7);
    double gap_area = 0;
    ck_assert_ptr_nonnull(lc_coverage_gap(w.cov, 0, c));
    GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(w.cov, 0, c), &gap_area);
    ck_assert_double_eq_tol(gap_area, uncovered, 1e-6);
    /* The demand point is 200 m from both centres (GEOS's point on surface of the strip, computed here
     * on its own). */
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSGeometry *pos = GEOSPointOnSurface_r(h, lc_layer_feature(lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL), 0)->geom);
    double px, py;
    GEOSGeomGetX_r(h, pos, &px);
    GEOSGeomGetY_r(h, pos, &py);
    GEOSGeom_destroy_r(h, pos);
    ck_assert_double_eq_tol(cell->distance_m, fmin(hypot(px - 300, py), hypot(px - 700, py)), 1e-9);
    ck_assert(cell->nearest == 0 || cell->nearest == 1);
    destroy(&w);
}
END_TEST

START_TEST(union_covers_what_no_circle_does)
{
    /* A strip 1,000 m long, centres at −100 and 1,100 with reach 700 m: neither reach polygon holds the
     * strip (each ends near x = 600 or x = 400), their union does: share 1, no gap, all residents. */
    lc_coverage_options o = {.reach_m = 700};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 80, "-100,0,centre;1100,0,centre", &o);
    size_t c = cat(&w, "centre");
    const lc_coverage_cell *cell = lc_coverage_get(w.cov, 0, c);
    ck_assert_double_eq_tol(cell->covered_share, 1.0, 1e-12);
    ck_assert_double_eq_tol(cell->covered_pop, 80.0, 1e-10);
    ck_assert_ptr_null(lc_coverage_gap(w.cov, 0, c));
    ck_assert_double_eq_tol(cell->distance_m, 600, 1e-9); /* from (500, 0), GEOS's point on surface */
    destroy(&w);
}
END_TEST

START_TEST(reach_override_and_unknown_population)
{
    /* options->reach_m replaces every category's reach; a polygon without a population counts no one
     * covered, whatever its share. */
    lc_coverage_options o = {.reach_m = 250};
    world w = build_json("[0,0],[100,0],[100,100],[0,100],[0,0]", "null", "50,50,doorstep", &o);
    for (size_t c = 0; c < lc_coverage_category_count(w.cov); c++)
        ck_assert_double_eq(lc_coverage_reach(w.cov, c), 250.0);
    ck_assert(isnan(lc_layer_feature(lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL), 0)->population));
    const lc_coverage_cell *cell = lc_coverage_get(w.cov, 0, cat(&w, "doorstep"));
    ck_assert_double_eq(cell->covered_share, 1.0);
    ck_assert_double_eq(cell->covered_pop, 0.0);
    ck_assert_double_eq(lc_coverage_covered_population(w.cov, cat(&w, "doorstep")), 0.0);
    ck_assert_double_eq(lc_coverage_population(w.cov), 0.0);
    destroy(&w);
}
END_TEST

/* A profile file in dir extending the built-in one: body sets categories' life_circle flags. Returns
 * the profile, asserting that it keeps the built-in categories in the same order (the inputs were
 * read against those). */
static lc_profile *circle_profile(const world *w, const char *name, const char *body)
{
    char text[1024], file[64];
    snprintf(text, sizeof text, "profile: %s\nextends: shanghai-2025\ncategories:\n%s", name, body);
    snprintf(file, sizeof file, "%s.yml", name);
    char *path = lct_path(w->dir, file);
    ck_assert_int_eq(lct_write_text(path, text), 0);
    lc_profile *p = lc_profile_load(lct_ctx, path);
    free(path);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_profile_category_count(p), lc_profile_category_count(w->profile));
    for (size_t c = 0; c < lc_profile_category_count(p); c++)
        ck_assert_str_eq(lc_profile_category(p, c)->code, lc_profile_category(w->profile, c)->code);
    return p;
}

START_TEST(life_circle_follows_the_profile)
{
    /* Strip [0,1000] × 1 m, reach 600 m: a canteen at 0 covers [0, 600 − δ], a care home at 1,000
     * covers [400 + δ, 1,000], a centre at 500 covers all. The built-in life circle (centre, meals,
     * day care) has no meal point or day care here: 0. A profile whose life circle is canteen + care
     * home: [400 + δ, 600 − δ], 20% less 2δ. A profile without a life-circle category: NAN. */
    lc_coverage_options o = {.reach_m = 600};
    world w = build("[0,-0.5],[1000,-0.5],[1000,0.5],[0,0.5],[0,-0.5]", 100,
                    "0,0,canteen;1000,0,care_home;500,0,centre", &o);
    ck_assert_double_eq(lc_coverage_circle_share(w.cov, 0), 0.0);
    lc_profile *two = circle_profile(&w, "two",
                                     "  centre: {life_circle: false}\n  meal_point: {life_circle: false}\n"
                                     "  day_care: {life_circle: false}\n  canteen: {life_circle: true}\n"
                                     "  care_home: {life_circle: true}\n");
    lc_coverage *cov = lc_coverage_compute(lct_ctx, w.inputs, two, &o);
    ck_assert_msg(cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_double_eq_tol(lc_coverage_circle_share(cov, 0), (2 * strip_reach(600) - 1000) / 1000, 1e-9);
    lc_coverage_destroy(cov);
    lc_profile *none = circle_profile(&w, "none",
                                      "  centre: {life_circle: false}\n  meal_point: {life_circle: false}\n"
                                      "  day_care: {life_circle: false}\n");
    cov = lc_coverage_compute(lct_ctx, w.inputs, none, &o);
    ck_assert_msg(cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert(isnan(lc_coverage_circle_share(cov, 0)));
    ck_assert_double_eq_tol(lc_coverage_get(cov, 0, cat(&w, "centre"))->covered_share, 1.0, 1e-12);
    lc_coverage_destroy(cov);
    lc_profile_destroy(none);
    lc_profile_destroy(two);
    destroy(&w);
}
END_TEST

/* Reads the demo study. */
static world demo(const lc_coverage_options *o)
{
    world w = {.dir = NULL};
    char *path = lct_path(lct_source_dir(), "data/demo/porto.yml");
    lc_study *st = lc_study_load(lct_ctx, path);
    free(path);
    lct_world_load(&w, st, o);
    return w;
}

/* Both NULL, or the same geometry vertex for vertex (coordinates compared exactly). */
static void assert_same_geometry(const GEOSGeometry *a, const GEOSGeometry *b)
{
    ck_assert((a == NULL) == (b == NULL));
    if (a)
        ck_assert_int_eq(GEOSEqualsExact_r(lc_context_geos(lct_ctx), a, b, 0.0), 1);
}

START_TEST(threads_do_not_change_results)
{
    /* Cells and circle shares bit for bit, gaps and service areas vertex for vertex, with 1, 2 and 7
     * workers (more than the polygons' share of cores: the order polygons are taken in varies). */
    lc_coverage_options one = {.threads = 1}, two = {.threads = 2}, seven = {.threads = 7};
    world a = demo(&one), b = demo(&two), s = demo(&seven);
    size_t n = lc_coverage_polygon_count(a.cov), nc = lc_coverage_category_count(a.cov);
    ck_assert_uint_eq(n, 193);
    const world *others[] = {&b, &s};
    for (size_t k = 0; k < 2; k++) {
        const lc_coverage *o = others[k]->cov;
        for (size_t i = 0; i < n; i++) {
            for (size_t c = 0; c < nc; c++) {
                ck_assert_mem_eq(lc_coverage_get(a.cov, i, c), lc_coverage_get(o, i, c), sizeof(lc_coverage_cell));
                assert_same_geometry(lc_coverage_gap(a.cov, i, c), lc_coverage_gap(o, i, c));
            }
            double x = lc_coverage_circle_share(a.cov, i), y = lc_coverage_circle_share(o, i);
            ck_assert_mem_eq(&x, &y, sizeof x);
        }
        for (size_t c = 0; c < nc; c++)
            assert_same_geometry(lc_coverage_service_area(a.cov, c), lc_coverage_service_area(o, c));
    }
    destroy(&a);
    destroy(&b);
    destroy(&s);
}
END_TEST

START_TEST(network_threads_do_not_change_results)
{
    /* Network mode on the demo: cells and circle shares bit for bit, gaps and service areas vertex for
     * vertex, with 1, 2 and 7 workers (the categories, compounds and service-area blocks are shared out
     * to them in an order that varies). Each centre share is also checked against the corridor built
     * apart by GEOS (every reached part of an edge buffered with 64 segments a quarter circle and
     * dissolved, lct_buffered_reach): that polygon lies inside the exact corridor by at most
     * 50·(1 − cos(π/256)) = 0.0038 m, and the coverage's share is never below the exact one and at
     * most its stated bound above it, so ref ≤ share ≤ ref + bound + 0.0038 m × the corridor's edge in
     * the compound / its area. The gap outlines (traced on 2.5 m) hold the rest of each compound to
     * within the stated deviation, and the traced service area matches the reference outline. */
    world w = demo(NULL);
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    lc_roads *roads = lc_roads_read(lct_ctx, w.study, w.profile, lc_inputs_crs(w.inputs), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_ptr_nonnull(net);
    lc_coverage_options o1 = {.mode = LC_MODE_NETWORK, .network = net, .threads = 1};
    lc_coverage_options o2 = o1, o7 = o1;
    o2.threads = 2;
    o7.threads = 7;
    lc_coverage *a = lc_coverage_compute(lct_ctx, w.inputs, w.profile, &o1);
    ck_assert_msg(a != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_coverage *others[2] = {lc_coverage_compute(lct_ctx, w.inputs, w.profile, &o2),
                              lc_coverage_compute(lct_ctx, w.inputs, w.profile, &o7)};
    ck_assert_ptr_nonnull(others[0]);
    ck_assert_ptr_nonnull(others[1]);
    size_t n = lc_coverage_polygon_count(a), nc = lc_coverage_category_count(a);
    ck_assert_uint_eq(n, 193);
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t c = 0; c < nc; c++) {
                ck_assert_mem_eq(lc_coverage_get(a, i, c), lc_coverage_get(others[k], i, c), sizeof(lc_coverage_cell));
                assert_same_geometry(lc_coverage_gap(a, i, c), lc_coverage_gap(others[k], i, c));
            }
            double x = lc_coverage_circle_share(a, i), y = lc_coverage_circle_share(others[k], i);
            ck_assert_mem_eq(&x, &y, sizeof x);
        }
        for (size_t c = 0; c < nc; c++)
            assert_same_geometry(lc_coverage_service_area(a, c), lc_coverage_service_area(others[k], c));
    }
    const lc_layer *res = lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL);
    const lc_layer *fac = lc_inputs_layer(w.inputs, LC_LAYER_FACILITIES);
    const lc_coverage_accuracy *acc = lc_coverage_get_accuracy(a);
    ck_assert_double_eq(acc->share_leaf_m, 12.0);
    ck_assert_double_lt(acc->share_bound, 0.01);
    ck_assert_double_lt(acc->gap_deviation, 0.02);
    size_t partial = 0, centre = cat(&w, "centre"), ncentre = 0;
    lc_xy pts[256];
    for (size_t i = 0; i < lc_layer_count(fac) && ncentre < 256; i++)
        if (lc_layer_feature(fac, i)->category == (int)centre) {
            GEOSGeomGetX_r(h, lc_layer_feature(fac, i)->geom, &pts[ncentre].x);
            GEOSGeomGetY_r(h, lc_layer_feature(fac, i)->geom, &pts[ncentre++].y);
        }
    GEOSGeometry *ref = lct_buffered_reach(net, pts, ncentre, lc_coverage_reach(a, centre), 50, 64, NULL);
    double slack = 50 * (1 - cos(M_PI / 256));
    for (size_t c = 0; c < nc; c++) {
        const GEOSGeometry *sa = lc_coverage_service_area(a, c);
        if (!sa) { /* a category the demo has no facility of (the profile's 睦邻点) has no service area */
            for (size_t i = 0; i < lc_layer_count(fac); i++)
                ck_assert_int_ne(lc_layer_feature(fac, i)->category, (int)c);
            continue;
        }
        ck_assert_int_eq(GEOSisValid_r(h, sa), 1);
        for (size_t i = 0; i < n; i++) {
            const lc_feature *f = lc_layer_feature(res, i);
            double share = lc_coverage_get(a, i, c)->covered_share, gap = 0;
            if (lc_coverage_gap(a, i, c))
                ck_assert_int_eq(GEOSArea_r(h, lc_coverage_gap(a, i, c), &gap), 1);
            ck_assert_double_le(fabs(gap / f->area - (1 - share)), acc->gap_deviation + 1e-12);
            partial += share > 0 && share < 1;
            if (c != centre)
                continue;
            GEOSGeometry *x = GEOSIntersection_r(h, f->geom, ref), *edge = GEOSBoundary_r(h, ref);
            GEOSGeometry *ein = GEOSIntersection_r(h, edge, f->geom);
            double inside = 0, len = 0;
            ck_assert_int_eq(GEOSArea_r(h, x, &inside), 1);
            ck_assert_int_eq(GEOSLength_r(h, ein, &len), 1);
            GEOSGeom_destroy_r(h, x);
            GEOSGeom_destroy_r(h, edge);
            GEOSGeom_destroy_r(h, ein);
            ck_assert_msg(share >= inside / f->area - 1e-9 &&
                          share <= inside / f->area + acc->share_bound + (slack * len + 1e-6) / f->area,
                          "%s: share %.9f, GEOS corridor %.9f", f->id, share, inside / f->area);
        }
    }
    /* The service area traced on 12.5 m: crossings on the edge, chords of at most 12.5² / (8 · 50) m
     * across its round parts; slivers narrower than a cell can be lost. */
    double a_ref = 0, a_sa = 0, a_diff = 0;
    GEOSGeometry *d = GEOSSymDifference_r(h, ref, lc_coverage_service_area(a, centre));
    GEOSArea_r(h, ref, &a_ref);
    GEOSArea_r(h, lc_coverage_service_area(a, centre), &a_sa);
    GEOSArea_r(h, d, &a_diff);
    GEOSGeom_destroy_r(h, d);
    GEOSGeom_destroy_r(h, ref);
    ck_assert_double_lt(a_diff, 0.01 * a_ref);
    ck_assert_uint_gt(partial, 50); /* the demo's polygons are cut by service-area edges, not just in or out */
    lc_coverage_destroy(a);
    lc_coverage_destroy(others[0]);
    lc_coverage_destroy(others[1]);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    destroy(&w);
}
END_TEST

/* Records the "coverage" progress fractions. */
typedef struct progress_log {
    double f[4096];
    size_t n;
} progress_log;

static void log_progress(const char *stage, double fraction, void *user)
{
    progress_log *log = user;
    if (!strcmp(stage, "coverage") && log->n < sizeof log->f / sizeof log->f[0])
        log->f[log->n++] = fraction;
}

START_TEST(progress_is_reported)
{
    /* Fractions of the "coverage" stage never go back and end at 1. */
    static progress_log log;
    log.n = 0;
    lc_context_set_progress_handler(lct_ctx, log_progress, &log);
    world w = demo(NULL);
    lc_context_set_progress_handler(lct_ctx, NULL, NULL);
    ck_assert_uint_ge(log.n, 2);
    for (size_t k = 0; k < log.n; k++) {
        ck_assert(log.f[k] >= 0 && log.f[k] <= 1);
        if (k)
            ck_assert(log.f[k] >= log.f[k - 1]);
    }
    ck_assert_double_eq(log.f[log.n - 1], 1.0);
    destroy(&w);
}
END_TEST

START_TEST(demo_agrees_with_spatialite)
{
    /* The independent route: SpatiaLite (GDAL's SQLite dialect) reprojects with its own
     * ST_Transform, buffers each category's facilities by the category's reach (read from the
     * profile), dissolves them with ST_Union, intersects every compound and sums population ×
     * covered area / area — no candidate search, no local unions, no shortcut for whole circles.
     * The issue asks for agreement within 0.1%. Both sides buffer with 32 segments per quarter
     * circle (SpatiaLite's default is 30, which alone moves the totals by up to 1.2e-4), so what is
     * left is rounding: the totals must agree within 1e-6 (measured: about 1e-12). SpatiaLite and
     * lifecircle both sit on GEOS and PROJ; the analytic tests above are the GEOS-free check. */
    lc_coverage_options q32 = {.quadsegs = 32};
    world w = demo(&q32);
    char *gpkg = lct_path(lct_source_dir(), "data/demo/porto.gpkg");
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    const lc_layer *res = lc_inputs_layer(w.inputs, LC_LAYER_RESIDENTIAL);
    int compared = 0;
    for (size_t c = 0; c < lc_profile_category_count(w.profile); c++) {
        const lc_category *k = lc_profile_category(w.profile, c);
        double ours = 0;
        for (size_t i = 0; i < lc_layer_count(res); i++)
            ours += lc_coverage_get(w.cov, i, c)->covered_pop;
        char sql[2048];
        snprintf(sql, sizeof sql,
                 "WITH r AS (SELECT \"常住人口\" AS pop, ST_Transform(geom, 32629) AS g FROM residential), "
                 "u AS (SELECT ST_Union(ST_Buffer(ST_Transform(geom, 32629), %.17g, 32)) AS sa FROM facilities "
                 "WHERE \"类型\" = '%s') "
                 "SELECT SUM(r.pop * ST_Area(ST_Intersection(r.g, u.sa)) / ST_Area(r.g)) AS covered FROM r, u",
                 k->reach_m, k->name_zh);
        OGRLayerH l = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
        ck_assert_msg(l != NULL, "SpatiaLite query failed for %s", k->code);
        OGRFeatureH f = OGR_L_GetNextFeature(l);
        double theirs = f && OGR_F_IsFieldSetAndNotNull(f, 0) ? OGR_F_GetFieldAsDouble(f, 0) : 0;
        if (f)
            OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(ds, l);
        if (theirs > 0)
            compared++;
        ck_assert_msg(fabs(ours - theirs) <= 1e-3 * fmax(theirs, 1.0),
                      "%s: lifecircle %.3f vs SpatiaLite %.3f (more than 0.1%% apart)", k->code, ours, theirs);
        ck_assert_msg(fabs(ours - theirs) <= 1e-6 * fmax(theirs, 1.0),
                      "%s: lifecircle %.9f vs SpatiaLite %.9f (same segments, more than 1e-6 apart)", k->code,
                      ours, theirs);
        /* lc_coverage_covered_population is the same sum. */
        ck_assert_double_eq_tol(lc_coverage_covered_population(w.cov, c), ours, 1e-9 * fmax(ours, 1.0));
    }
    ck_assert_int_eq(compared, 10); /* every category of the demo covers someone */
    GDALClose(ds);
    free(gpkg);
    destroy(&w);
}
END_TEST

START_TEST(errors)
{
    lc_coverage_options net = {.mode = LC_MODE_NETWORK};
    world w = demo(NULL);
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, w.inputs, w.profile, &net));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_UNSUPPORTED);
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, NULL, w.profile, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, w.inputs, NULL, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_coverage_compute(NULL, w.inputs, w.profile, NULL));
    lc_coverage_options bad = {.reach_m = -5};
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, w.inputs, w.profile, &bad));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    bad.reach_m = INFINITY;
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, w.inputs, w.profile, &bad));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_coverage_destroy(NULL);
    /* Accessors answer NULL / 0 / NAN past the end or without results. */
    size_t nc = lc_coverage_category_count(w.cov);
    ck_assert_ptr_null(lc_coverage_get(w.cov, 100000, 0));
    ck_assert_ptr_null(lc_coverage_get(w.cov, 0, nc));
    ck_assert_ptr_null(lc_coverage_gap(w.cov, 100000, 0));
    ck_assert_ptr_null(lc_coverage_service_area(w.cov, nc));
    ck_assert(isnan(lc_coverage_reach(w.cov, nc)));
    ck_assert(isnan(lc_coverage_circle_share(w.cov, 100000)));
    ck_assert_double_eq(lc_coverage_covered_population(w.cov, nc), 0);
    ck_assert_uint_eq(lc_coverage_polygon_count(NULL), 0);
    ck_assert_uint_eq(lc_coverage_category_count(NULL), 0);
    ck_assert_ptr_null(lc_coverage_get(NULL, 0, 0));
    ck_assert_double_eq(lc_coverage_population(NULL), 0);
    destroy(&w);
}
END_TEST

Suite *suite_coverage(void)
{
    Suite *s = suite_create("coverage");
    TCase *shapes = tcase_create("shapes");
    tcase_add_checked_fixture(shapes, lct_setup, lct_teardown);
    tcase_add_test(shapes, square_inside_reach_is_covered);
    tcase_add_test(shapes, inscribed_circle_share_is_polygon_area);
    tcase_add_test(shapes, strip_half_covered);
    tcase_add_test(shapes, cells_only_keeps_the_cells);
    tcase_add_test(shapes, job_on_its_own_thread);
    tcase_add_test(shapes, two_facilities_cover_both_ends);
    tcase_add_test(shapes, beyond_reach_and_missing_category);
    tcase_add_test(shapes, life_circle_is_the_intersection);
    tcase_add_test(shapes, overlapping_circles_union);
    tcase_add_test(shapes, union_covers_what_no_circle_does);
    tcase_add_test(shapes, reach_override_and_unknown_population);
    tcase_add_test(shapes, life_circle_follows_the_profile);
    suite_add_tcase(s, shapes);
    TCase *real = tcase_create("demo");
    tcase_add_checked_fixture(real, lct_setup, lct_teardown);
    tcase_set_timeout(real, 120);
    tcase_add_test(real, threads_do_not_change_results);
    tcase_add_test(real, network_threads_do_not_change_results);
    tcase_add_test(real, progress_is_reported);
    tcase_add_test(real, demo_agrees_with_spatialite);
    tcase_add_test(real, errors);
    suite_add_tcase(s, real);
    return s;
}
