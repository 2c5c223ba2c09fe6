/*
 * tests/test_isochrones.c — isochrones against answers known without lifecircle: the area of a
 * plus-shaped star of four half-edges on a 100 m grid worked out by hand, nesting checked with GEOS
 * difference areas, a river with one far bridge (the isochrone stays on its bank while the circle
 * crosses), off-network origins, minutes turned into metres; the CLI on the Porto demo read back with
 * OGR (feature counts from an OGR SQL count of the demo's facilities; the union of the 15-minute
 * isochrones against `check --mode network`'s service area); and the profile's `network:` keys
 * changing `check --mode network` in the expected direction on small fixtures.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* An (n+1) × (n+1) grid of streets 100 m apart from (0,0), each street one line. */
static lc_roads *grid(int n)
{
    lc_roads *r = lc_roads_create(lct_ctx);
    ck_assert_ptr_nonnull(r);
    lc_xy *p = malloc((size_t)(n + 1) * sizeof *p);
    for (int k = 0; k <= n; k++) {
        for (int i = 0; i <= n; i++)
            p[i] = (lc_xy){100.0 * i, 100.0 * k};
        ck_assert_int_eq(lc_roads_add(lct_ctx, r, p, (size_t)n + 1, "residential", 0, 0, 0, k), LC_OK);
        for (int i = 0; i <= n; i++)
            p[i] = (lc_xy){100.0 * k, 100.0 * i};
        ck_assert_int_eq(lc_roads_add(lct_ctx, r, p, (size_t)n + 1, "footway", 0, 0, 0, 100 + k), LC_OK);
    }
    free(p);
    return r;
}

/* Whether g contains the point (x, y). */
static int holds(const GEOSGeometry *g, double x, double y)
{
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
    int in = GEOSContains_r(h, g, p);
    GEOSGeom_destroy_r(h, p);
    return in == 1;
}

START_TEST(plus_star_area_by_hand)
{
    /* Origin on the node (100,100) of a 2 × 2 grid, budget 50 m: the four half-edges around it, a plus
     * of two 100 m bars. Each bar widened by b is a 100 × 2b rectangle plus a whole circle (two round
     * ends); the bars overlap in a 2b × 2b square: 2·(200b + πb²) − 4b². The outline is traced on a
     * 1 m grid: every vertex on the true edge (the plus's inner corners too), the round ends as chords
     * of at most √2 m, each cutting off at most c³ / (12b) of its circle: in all at most
     * cell² · (the ends' length, 2 · 2πb) / (6b) below the true area, never above. */
    lc_roads *roads = grid(2);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    double b = 10, budget = 50;
    lc_isochrone_origin o = {.id = "centre", .at = {100, 100}};
    lc_isochrone_options opt = {.thresholds_m = &budget, .nthresholds = 1, .buffer_m = b, .cell_m = 1};
    lc_isochrones *iso = lc_isochrones_compute(lct_ctx, net, &o, 1, &opt);
    ck_assert_msg(iso != NULL, "%s", lc_context_errmsg(lct_ctx));
    double expect = 2 * (200 * b + M_PI * b * b) - 4 * b * b, chords = 1.0 * (2 * 2 * M_PI * b) / (6 * b);
    ck_assert_double_le(lc_isochrones_area(iso, 0, 0), expect + 1e-6);
    ck_assert_double_ge(lc_isochrones_area(iso, 0, 0), expect - chords);
    const GEOSGeometry *g = lc_isochrones_polygon(iso, 0, 0);
    ck_assert(holds(g, 155, 100) && holds(g, 100, 45) && holds(g, 100, 100));
    ck_assert(!holds(g, 165, 100) && !holds(g, 150, 150) && !holds(g, 100, 35));
    ck_assert_str_eq(lc_isochrones_origin(iso, 0)->id, "centre");
    ck_assert_double_eq(lc_isochrones_snap(iso, 0)->access_m, 0);
    ck_assert_ptr_null(lc_isochrones_circle(iso, 0, 0)); /* not asked for */
    lc_isochrones_destroy(iso);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(nested_by_construction)
{
    /* An origin off the streets (30 m from y = 300) on a 10 × 10 grid; 300, 600, 900 m. */
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    lc_roads *roads = grid(10);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    double th[] = {300, 600, 900}, mins[] = {5, 10, 15};
    lc_isochrone_origin o = {.id = "A", .name = "甲", .at = {250, 330}};
    lc_isochrone_options opt = {.thresholds_m = th, .minutes = mins, .nthresholds = 3, .circles = 1};
    lc_isochrones *iso = lc_isochrones_compute(lct_ctx, net, &o, 1, &opt);
    ck_assert_msg(iso != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_isochrones_threshold_count(iso), 3);
    ck_assert_double_eq(lc_isochrones_minutes(iso, 1), 10);
    ck_assert_double_eq_tol(lc_isochrones_snap(iso, 0)->access_m, 30, 1e-9);
    for (size_t t = 0; t < 3; t++) {
        const GEOSGeometry *g = lc_isochrones_polygon(iso, 0, t);
        ck_assert_ptr_nonnull(g);
        double a;
        GEOSArea_r(h, g, &a);
        ck_assert_double_eq_tol(a, lc_isochrones_area(iso, 0, t), 1e-6);
        ck_assert(holds(g, 250, 330)); /* the access leg is part of it */
        if (t == 0)
            continue;
        ck_assert_double_gt(lc_isochrones_area(iso, 0, t), lc_isochrones_area(iso, 0, t - 1));
        GEOSGeometry *d = GEOSDifference_r(h, lc_isochrones_polygon(iso, 0, t - 1), g);
        GEOSArea_r(h, d, &a);
        GEOSGeom_destroy_r(h, d);
        ck_assert_double_lt(a, 1e-6);
        }
    /* 300 m: the point 270 m east along y = 300 is in (30 + 270 = 300 − 0; buffer 50 m), 400 m east is
     * not; 900 m reaches it. */
    ck_assert(holds(lc_isochrones_polygon(iso, 0, 0), 510, 300));
    ck_assert(!holds(lc_isochrones_polygon(iso, 0, 0), 650, 300));
    ck_assert(holds(lc_isochrones_polygon(iso, 0, 2), 650, 300));
    /* The circles: radius t around the origin, drawn as 32-gons: area 16·r²·sin(π/16). */
    double ca, cx0, cy0, cx1, cy1;
    GEOSArea_r(h, lc_isochrones_circle(iso, 0, 2), &ca);
    ck_assert_double_eq_tol(ca, 16 * 900.0 * 900 * sin(M_PI / 16), 1e-6 * ca);
    GEOSGeom_getExtent_r(h, lc_isochrones_circle(iso, 0, 2), &cx0, &cy0, &cx1, &cy1);
    ck_assert_double_eq_tol(cx0, 250 - 900, 1e-6);
    ck_assert_double_eq_tol(cy1, 330 + 900, 1e-6);
    lc_isochrones_destroy(iso);
    /* Misuse: thresholds out of order are refused. */
    double bad[] = {600, 300};
    lc_isochrone_options ob = {.thresholds_m = bad, .nthresholds = 2};
    ck_assert_ptr_null(lc_isochrones_compute(lct_ctx, net, &o, 1, &ob));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(river_with_a_far_bridge)
{
    /* Streets y = +200 and y = −200 from x = −1000 to 3000, a river between, the only bridge at
     * x = 3000 (level 1, landing on both streets' ends). An origin at (50,−220) on the south bank:
     * its 1000 m isochrone stays south (max y = −200 + 50 buffer), while the 1000 m circle reaches
     * y = 780. Across: 20 + 2950 + 400 + 2950 = 6320 m to (50,200). */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy north[] = {{-1000, 200}, {3000, 200}}, south[] = {{-1000, -200}, {3000, -200}};
    lc_xy bridge[] = {{3000, -200}, {3000, 200}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, north, 2, "residential", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, south, 2, "residential", 0, 0, 0, 2), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, bridge, 2, "footway", 1, 1, 0, 3), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    double th[] = {1000, 6200, 6400}; /* 6200: the north street up to x = 3000 − 2830 = 170, + 50 m */
    lc_isochrone_origin o = {.id = "S", .at = {50, -220}};
    lc_isochrone_options opt = {.thresholds_m = th, .nthresholds = 3, .circles = 1};
    lc_isochrones *iso = lc_isochrones_compute(lct_ctx, net, &o, 1, &opt);
    ck_assert_msg(iso != NULL, "%s", lc_context_errmsg(lct_ctx));
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    double minx, miny, maxx, maxy;
    GEOSGeom_getExtent_r(h, lc_isochrones_polygon(iso, 0, 0), &minx, &miny, &maxx, &maxy);
    ck_assert_double_le(maxy, -150 + 1e-6);
    ck_assert_double_eq_tol(maxx, 50 + 980 + 50, 1e-6);
    ck_assert(holds(lc_isochrones_circle(iso, 0, 0), 50, 200)); /* straight line: across */
    ck_assert(!holds(lc_isochrones_polygon(iso, 0, 1), 50, 200));
    ck_assert(holds(lc_isochrones_polygon(iso, 0, 2), 50, 200)); /* over the bridge: 6320 m */
    lc_isochrones_destroy(iso);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

/* Collects warnings into a buffer. */
static void collect(lc_log_level level, const char *message, void *user)
{
    if (level >= LC_LOG_WARNING) {
        char *buf = user;
        strncat(buf, message, 4000 - strlen(buf));
        strncat(buf, "\n", 4000 - strlen(buf));
    }
}

START_TEST(off_network_origin)
{
    lc_roads *roads = grid(2);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    char warnings[4096] = "";
    lc_context_set_message_handler(lct_ctx, collect, warnings);
    double th[] = {300, 600};
    lc_isochrone_origin o[] = {{.id = "far", .name = "远处", .at = {600, 100}}, {.at = {100, 150}}};
    lc_isochrone_options opt = {.thresholds_m = th, .nthresholds = 2, .max_snap_m = 200, .circles = 1};
    lc_isochrones *iso = lc_isochrones_compute(lct_ctx, net, o, 2, &opt);
    ck_assert_msg(iso != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_int_eq(lc_isochrones_snap(iso, 0)->edge, -1);
    ck_assert_ptr_null(lc_isochrones_polygon(iso, 0, 1));
    ck_assert_double_eq(lc_isochrones_area(iso, 0, 1), 0);
    ck_assert_ptr_nonnull(lc_isochrones_circle(iso, 0, 1)); /* circles need no network */
    const char *w = warnings;
    lct_assert_contains(w, "origin far (远处) is more than 200 m from the walking network");
    lct_assert_contains(w, "no isochrone");
    /* The second, unnamed, is on an edge and gets its polygons and a made-up id. */
    ck_assert_str_eq(lc_isochrones_origin(iso, 1)->id, "#2");
    ck_assert_ptr_nonnull(lc_isochrones_polygon(iso, 1, 1));
    lc_isochrones_destroy(iso);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(minutes_to_metres)
{
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    int centre = lc_profile_find_category(p, "centre"), doorstep = lc_profile_find_category(p, "doorstep");
    ck_assert_int_ge(centre, 0);
    ck_assert_int_ge(doorstep, 0);
    /* The built-in profile: centres 15 min = 1000 m (GB 50180 upper bound), doorstep points 5 min = 300 m,
     * walking speed 1.0 m/s. */
    ck_assert_double_eq_tol(lc_isochrone_metres(p, centre, 15), 1000, 1e-9);
    ck_assert_double_eq_tol(lc_isochrone_metres(p, centre, 5), 1000.0 / 3, 1e-9);
    ck_assert_double_eq_tol(lc_isochrone_metres(p, doorstep, 5), 300, 1e-9);
    ck_assert_double_eq_tol(lc_isochrone_metres(p, -1, 15), 900, 1e-9);
    ck_assert(isnan(lc_isochrone_metres(p, 999, 15)));
    ck_assert(isnan(lc_isochrone_metres(p, -1, 0)));
    /* The study's walk_speed: every reach becomes minutes × speed, as check then uses it. */
    ck_assert_int_eq(lc_profile_set_walk_speed(lct_ctx, p, 0), LC_ERR_MISUSE);
    ck_assert_double_eq_tol(lc_profile_category(p, (size_t)centre)->reach_m, 1000, 1e-9);
    ck_assert_int_eq(lc_profile_set_walk_speed(lct_ctx, p, 0.9), LC_OK);
    ck_assert_double_eq_tol(lc_profile_category(p, (size_t)centre)->reach_m, 810, 1e-9);
    ck_assert_double_eq_tol(lc_profile_category(p, (size_t)doorstep)->reach_m, 270, 1e-9);
    ck_assert_double_eq_tol(lc_isochrone_metres(p, centre, 15), 810, 1e-9);
    ck_assert_double_eq_tol(lc_isochrone_metres(p, -1, 10), 540, 1e-9);
    lct_assert_contains(lc_profile_category(p, (size_t)centre)->reach_source, "0.9 m/s");
    lc_profile_destroy(p);
}
END_TEST

/* ---- the command --------------------------------------------------------------------------------- */

/* Number of features of a layer of a dataset (-1 when it cannot be opened). */
static long count_features(const char *path, const char *layer, const char *where)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return -1;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    long n = -1;
    if (l) {
        if (where)
            OGR_L_SetAttributeFilter(l, where);
        n = (long)OGR_L_GetFeatureCount(l, 1);
    }
    GDALClose(ds);
    return n;
}

/* The union of every geometry of a layer (filtered by where), as an OGR geometry (caller destroys). */
static OGRGeometryH layer_union(const char *path, const char *layer, const char *where)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    ck_assert_ptr_nonnull(l);
    if (where)
        OGR_L_SetAttributeFilter(l, where);
    OGRGeometryH u = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH next = OGR_G_Union(u, OGR_F_GetGeometryRef(f));
        OGR_G_DestroyGeometry(u);
        u = next;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return u;
}

START_TEST(cli_on_the_demo)
{
    char *dir = lct_tmpdir(), *iso = lct_path(dir, "iso"), *chk = lct_path(dir, "check");
    char demo[1024], gpkg[1024], args[4096], *out;
    snprintf(demo, sizeof demo, "%s/data/demo/porto.yml", lct_source_dir());
    snprintf(gpkg, sizeof gpkg, "%s/data/demo/porto.gpkg", lct_source_dir());
    /* The demo's centres, counted by OGR (labels are the profile's Chinese names). */
    long centres = count_features(gpkg, "facilities", "\"类型\" = '社区综合为老服务中心'");
    ck_assert_int_gt(centres, 0);
    snprintf(args, sizeof args, "isochrones '%s' --category centre --format gpkg -o '%s'", demo, iso);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "15 min/1000 m");
    free(out);
    char *g = lct_path(iso, "lifecircle.gpkg");
    ck_assert_int_eq(count_features(g, "origins", NULL), centres);
    long on = count_features(g, "origins", "on_network = 1");
    ck_assert_int_eq(on, centres); /* every demo centre is near a street */
    ck_assert_int_eq(count_features(g, "isochrones", NULL), 3 * on);
    ck_assert_int_eq(count_features(g, "isochrones", "minutes = 15 AND abs(metres - 1000) < 1e-9"), on);
    ck_assert_int_eq(count_features(g, "isochrones", "minutes = 5 AND abs(metres - 1000.0/3) < 1e-6"), on);
    ck_assert_int_eq(count_features(g, "circles", NULL), -1); /* not asked for */
    /* area_m2 equals GDAL's own area of every polygon. */
    GDALDatasetH ds = GDALOpenEx(g, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "isochrones");
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        double a = OGR_G_Area(OGR_F_GetGeometryRef(f));
        ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area_m2")), a, 1e-6 * a);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    /* check --mode network's centre service area and the union of the 15-minute isochrones agree: the
     * same reach (1000 m), the same corridor; the isochrones add only the origins' access legs. */
    snprintf(args, sizeof args, "check '%s' --mode network --format gpkg -q -o '%s'", demo, chk);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    free(out);
    char *cg = lct_path(chk, "lifecircle.gpkg");
    OGRGeometryH sa = layer_union(cg, "service_areas", "category = 'centre'");
    OGRGeometryH iu = layer_union(g, "isochrones", "minutes = 15");
    double asa = OGR_G_Area(sa);
    ck_assert_double_gt(asa, 1e6);
    /* The service area is traced on 12.5 m, the isochrones on 1 m: crossings on the corridor's edge in
     * both, chords of the round parts 12.5 m long in the one (their gap to the arc under 12.5² / (8 ·
     * 50) = 0.39 m), and wedges of the outside thinner than a cell filled (no node falls in them). On
     * the demo that is 3,800 m² more and 2,500 m² less than the isochrones: 0.12 % and 0.08 % of the
     * 3.2 km² (on 10 m: 0.08 % and 0.05 %). */
    OGRGeometryH d1 = OGR_G_Difference(sa, iu), d2 = OGR_G_Difference(iu, sa);
    ck_assert_double_lt(OGR_G_Area(d1), 2e-3 * asa);
    ck_assert_double_lt(OGR_G_Area(d2), 3e-3 * asa);
    OGR_G_DestroyGeometry(d1);
    OGR_G_DestroyGeometry(d2);
    OGR_G_DestroyGeometry(sa);
    OGR_G_DestroyGeometry(iu);
    free(cg);
    free(g);
    lct_rmtree(dir);
    free(iso);
    free(chk);
    free(dir);
}
END_TEST

START_TEST(cli_points_off_network_and_errors)
{
    char *dir = lct_tmpdir(), *iso = lct_path(dir, "iso"), *pts = lct_path(dir, "pts.geojson");
    char demo[1024], args[4096], *out;
    snprintf(demo, sizeof demo, "%s/data/demo/porto.yml", lct_source_dir());
    /* Two points in the demo's UTM 29N: one at a demo street vertex, one 50 km away. */
    ck_assert_int_eq(lct_write_text(pts, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
        "{\"name\":\"urn:ogc:def:crs:EPSG::32629\"}},\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"far\",\"name\":\"远点\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[300000,4500000]}}]}"), 0);
    snprintf(args, sizeof args, "isochrones '%s' --points '%s' --at -8.6110,41.1496 --metres 500 -o '%s'", demo, pts,
             iso);
    int rc = lct_run_cli(args, &out);
    ck_assert_int_eq(rc, 2); /* --points and --at together */
    lct_assert_contains(out, "not both");
    free(out);
    snprintf(args, sizeof args, "isochrones '%s' --points '%s' --metres 1000,500 --circles -o '%s'", demo, pts, iso);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "origin far (远点) is more than 200 m from the walking network");
    free(out);
    char *shp = lct_path(iso, "isochrones.shp"), *oshp = lct_path(iso, "origins.shp"), *cshp = lct_path(iso, "circles.shp");
    ck_assert_int_eq(count_features(shp, "isochrones", NULL), 0);
    ck_assert_int_eq(count_features(oshp, "origins", "ON_NET = 0"), 1);
    ck_assert_int_eq(count_features(cshp, "circles", NULL), 2);
    free(shp);
    free(oshp);
    free(cshp);
    /* --at in lon/lat (the demo centre of Porto); the output exists, so --overwrite is needed. */
    snprintf(args, sizeof args, "isochrones '%s' --at -8.6110,41.1496 --minutes 10,5 -o '%s'", demo, iso);
    rc = lct_run_cli(args, &out);
    ck_assert_int_eq(rc, 2);
    free(out);
    snprintf(args, sizeof args, "isochrones '%s' --at -8.6110,41.1496 --minutes 10,5 --overwrite -o '%s'", demo, iso);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "10 min/600 m"); /* no category: the profile's 1.0 m/s */
    free(out);
    shp = lct_path(iso, "isochrones.shp");
    ck_assert_int_eq(count_features(shp, "isochrones", NULL), 2);
    free(shp);
    /* Bad input: nothing written, exit 2, a message naming the problem. */
    char *none = lct_path(dir, "none");
    const char *bad[][2] = {
        {"--category centre --minutes 5,5", "lists 5 twice"},
        {"--category centre --minutes 5,x", "--minutes needs"},
        {"--category nosuch", "unknown category 'nosuch'"},
        {"--metres 300", "no origins"},
        {"--category centre --minutes 5 --metres 300", "not both"},
        {"--at 1,2,EPSG:99999999", "origin 1,2,EPSG:99999999"}, /* named by the library (lc_run_isochrones) */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(args, sizeof args, "isochrones '%s' %s -o '%s'", demo, bad[i][0], none);
        rc = lct_run_cli(args, &out);
        ck_assert_msg(rc == 2, "%s: exit %d: %s", bad[i][0], rc, out);
        lct_assert_contains(out, bad[i][1]);
        free(out);
        ck_assert_int_eq(count_features(none, "isochrones", NULL), -1);
    }
    /* No study, so no roads layer. */
    snprintf(args, sizeof args, "isochrones --category centre -o '%s'", none);
    rc = lct_run_cli(args, &out);
    ck_assert_int_eq(rc, 2);
    lct_assert_contains(out, "no roads layer");
    free(out);
    rc = lct_run_cli("isochrones --help", &out);
    ck_assert_int_eq(rc, 0);
    lct_assert_contains(out, "Example");
    free(out);
    free(none);
    lct_rmtree(dir);
    free(iso);
    free(pts);
    free(dir);
}
END_TEST

/* ---- the profile's network: keys through the command ------------------------------------------ */

/* A GeoJSON FeatureCollection in UTM 51N of the given features, written to dir/name; returns the path. */
static char *write_fc(const char *dir, const char *name, const char *features)
{
    char *path = lct_path(dir, name);
    size_t n = strlen(features) + 512;
    char *t = malloc(n);
    snprintf(t, n, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[%s]}", features);
    ck_assert_int_eq(lct_write_text(path, t), 0);
    free(t);
    return path;
}

/* Runs check --mode network on the fixture with an optional profile file and extra arguments and
 * returns the centre distance of the one compound (INFINITY when null: unreachable); its covered share
 * goes to *share when share is not NULL. */
static double centre_result(const char *dir, const char *roads, const char *profile, const char *extra, double *share)
{
    char args[4096], *out;
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *o = lct_path(dir, "out");
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --set 'roads.path=%s' %s%s%s --mode network "
             "--format geojson --overwrite %s -o '%s'", res, fac, roads, profile ? "--profile '" : "",
             profile ? profile : "", profile ? "'" : "", extra, o);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    free(out);
    char *layer = lct_path(o, "residential.geojson");
    GDALDatasetH ds = GDALOpenEx(layer, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRFeatureH f = OGR_L_GetNextFeature(GDALDatasetGetLayer(ds, 0));
    ck_assert_ptr_nonnull(f);
    int k = OGR_F_GetFieldIndex(f, "centre_distance_m");
    ck_assert_int_ge(k, 0);
    double d = OGR_F_IsFieldSetAndNotNull(f, k) ? OGR_F_GetFieldAsDouble(f, k) : INFINITY;
    if (share)
        *share = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "centre_covered_share"));
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(layer);
    free(res);
    free(fac);
    free(o);
    return d;
}

START_TEST(cli_network_keys_change_the_result)
{
    /* A compound at x 0..100, y 20..120 (demand point (50,70), 70 m from the street y = 0) and a centre
     * at (900,−20) (20 m from it). The street is cut between x = 400 and 700 by one link: a footway, or
     * a service road with access=private. Through the link: 70 + 850 + 20 = 940 m. */
    char *dir = lct_tmpdir();
    char *r = write_fc(dir, "r.geojson", "{\"type\":\"Feature\",\"properties\":{\"id\":\"R\",\"population\":100},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,20],[100,20],[100,120],[0,120],[0,20]]]}}");
    char *f = write_fc(dir, "f.geojson", "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\","
        "\"floor_area\":500},\"geometry\":{\"type\":\"Point\",\"coordinates\":[900,-20]}}");
#define STREETS "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":" \
    "\"LineString\",\"coordinates\":[[-100,0],[400,0]]}},{\"type\":\"Feature\",\"properties\":{\"highway\":"   \
    "\"residential\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[700,0],[1200,0]]}},"
    char *foot = write_fc(dir, "foot.geojson", STREETS "{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\"},"
        "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[400,0],[700,0]]}}");
    char *priv = write_fc(dir, "priv.geojson", STREETS "{\"type\":\"Feature\",\"properties\":{\"highway\":\"service\","
        "\"access\":\"private\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[400,0],[700,0]]}}");
#undef STREETS
    char *no_foot = lct_path(dir, "no-footway.yml"), *open_access = lct_path(dir, "open.yml"),
         *short_snap = lct_path(dir, "snap.yml");
    ck_assert_int_eq(lct_write_text(no_foot, "profile: no-footway\nextends: shanghai-2025\n"
                                             "network:\n  walkable: [residential, service]\n"), 0);
    ck_assert_int_eq(lct_write_text(open_access, "profile: open\nextends: shanghai-2025\n"
                                                 "network:\n  exclude_access: [no]\n"), 0);
    ck_assert_int_eq(lct_write_text(short_snap, "profile: snap\nextends: shanghai-2025\n"
                                                "network:\n  max_snap_m: 60\n"), 0);
    /* walkable: the built-in list walks footways; without footway the link is gone. */
    ck_assert_double_eq_tol(centre_result(dir, foot, NULL, "", NULL), 940, 1e-6);
    ck_assert(isinf(centre_result(dir, foot, no_foot, "", NULL)));
    /* exclude_access: access=private closes the service link by default; excluding only "no" opens it. */
    ck_assert(isinf(centre_result(dir, priv, NULL, "", NULL)));
    ck_assert_double_eq_tol(centre_result(dir, priv, open_access, "", NULL), 940, 1e-6);
    /* max_snap_m: the compound's demand point is 70 m from the street: off-network at 60 m. */
    ck_assert(isinf(centre_result(dir, foot, short_snap, "", NULL)));
    /* walk_speed through --set: 15 min at 0.9 m/s = 810 m: the compound (940 m) is then out of reach
     * for check, and isochrones use the same 810 m. */
    double share = -1;
    /* 1000 m: the street is reached up to x = 900 − 980 = −80, so the 50 m corridor covers the
     * compound's strip y 20..50 over its whole width: share 30/100. */
    ck_assert_double_eq_tol(centre_result(dir, foot, NULL, "", &share), 940, 1e-6);
    ck_assert_double_eq_tol(share, 0.3, 1e-6);
    /* 810 m: reached only up to x = 110; what is left is the corridor's round end around (110,0):
     * ∫ (√(50² − (x−110)²) − 20) dx over x 64.2..100 = 694 m², share 0.0694 (numerical integral; the
     * 32-gon end differs by under 2%). */
    ck_assert_double_eq_tol(centre_result(dir, foot, NULL, "--set walk_speed=0.9", &share), 940, 1e-6);
    ck_assert_double_eq_tol(share, 0.0694, 0.0694 * 0.02);
    char args[4096], *out, *iso = lct_path(dir, "iso");
    snprintf(args, sizeof args, "isochrones --residential '%s' --facilities '%s' --set 'roads.path=%s' "
             "--set walk_speed=0.9 --category centre --minutes 15 -o '%s'", r, f, foot, iso);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "15 min/810 m");
    free(out);
    lct_rmtree(dir);
    free(iso);
    free(no_foot);
    free(open_access);
    free(short_snap);
    free(r);
    free(f);
    free(foot);
    free(priv);
    free(dir);
}
END_TEST

Suite *suite_isochrones(void)
{
    Suite *s = suite_create("isochrones");
    TCase *lib = tcase_create("library");
    tcase_add_checked_fixture(lib, lct_setup, lct_teardown);
    tcase_add_test(lib, plus_star_area_by_hand);
    tcase_add_test(lib, nested_by_construction);
    tcase_add_test(lib, river_with_a_far_bridge);
    tcase_add_test(lib, off_network_origin);
    tcase_add_test(lib, minutes_to_metres);
    suite_add_tcase(s, lib);
    TCase *cli = tcase_create("command");
    tcase_add_checked_fixture(cli, lct_setup, lct_teardown);
    tcase_set_timeout(cli, 240);
    tcase_add_test(cli, cli_on_the_demo);
    tcase_add_test(cli, cli_points_off_network_and_errors);
    tcase_add_test(cli, cli_network_keys_change_the_result);
    suite_add_tcase(s, cli);
    return s;
}
