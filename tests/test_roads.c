/*
 * tests/test_roads.c — roads from non-OSM line layers and the network's data-quality findings, against
 * answers worked out by hand: a bureau's class field whose excluded classes vanish from the graph
 * (edges and metres counted by hand), lines crossing without a shared vertex (apart by default,
 * one junction with roads.node_crossings, walking distances across it), bridges and other levels
 * never noded, line ends stopping a few metres short of another line joined with roads.snap_dangles_m
 * (never to a bridge; distances across the connector summed by hand), an island of two compounds
 * without a facility (residents summed by hand), polygons given as the roads, and the study keys with
 * their typos.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lc_test.h"

/* A line feature with the given properties text. */
#define LINE(props, coords) \
    "{\"type\":\"Feature\",\"properties\":{" props "},\"geometry\":{\"type\":\"LineString\",\"coordinates\":" coords "}}"

/* Loads a study file of the given text; NULL when it is refused (the context says why). */
static lc_study *study_text(const char *dir, const char *text)
{
    char *file = lct_path(dir, "study.yml");
    ck_assert_int_eq(lct_write_text(file, text), 0);
    lc_study *st = lc_study_load(lct_ctx, file);
    free(file);
    return st;
}

/* Ends a test that made a CRS, loaded a profile and a study, and wrote into dir (rd: a file in it). */
static void release(lc_crs *crs, lc_profile *p, lc_study *st, char *dir, char *rd)
{
    lc_crs_destroy(crs);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(rd);
    free(dir);
}

/* The distance from one attached source to an attached point, through the library. */
static double walk(const lc_network *net, lc_xy src, lc_xy dst)
{
    lc_snap s, d;
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, src, 200, &s), LC_OK);
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, dst, 200, &d), LC_OK);
    long id = 1;
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, &s, &id, 1, INFINITY);
    ck_assert_ptr_nonnull(r);
    double dist = lc_network_reach_distance(r, &d, NULL);
    lc_network_reach_destroy(r);
    return dist;
}

/* ---- a bureau's class field ---------------------------------------------------------------------- */

/* 支路 (0,0)-(100,0) and 次干路 (100,0)-(100,80) meet at (100,0); 高速公路 and 快速路 are left out; one
 * line without a class (0,200)-(50,200) is kept. Kept by hand: 3 edges, 100 + 80 + 50 = 230 m, nodes
 * (0,0) (100,0) (100,80) (0,200) (50,200) = 5 in 2 components. */
static const char *const BUREAU =
    LINE("\"DLDJ\":\"支路\"", "[[0,0],[100,0]]") ","
    LINE("\"DLDJ\":\"高速公路\"", "[[0,50],[200,50]]") ","
    LINE("\"DLDJ\":\"快速路\"", "[[0,100],[300,100]]") ","
    LINE("\"DLDJ\":\"次干路\"", "[[100,0],[100,80]]") ","
    LINE("\"DLDJ\":null", "[[0,200],[50,200]]") ","
    LINE("\"DLDJ\":\"高速公路\"", "[[0,-50],[500,-50]]");

START_TEST(class_field_excludes_classes)
{
    char *dir = lct_tmpdir(), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(rd, BUREAU);
    lc_study *st = study_text(dir, "roads:\n  path: roads.geojson\n  fields:\n    class: DLDJ\n"
                                   "  exclude: [高速公路, 快速路]\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(st, "roads.exclude"), "高速公路,快速路");
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_roads_stats stats;
    lc_roads *roads = lc_roads_read_report(lct_ctx, st, p, crs, &stats, q);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.features, 6);
    ck_assert_uint_eq(stats.kept, 3);
    ck_assert_uint_eq(stats.excluded_class, 3);
    ck_assert_uint_eq(stats.no_class, 1);
    ck_assert_uint_eq(stats.not_walkable, 0); /* 支路 is no OSM highway: the OSM rules do not apply */
    ck_assert_uint_eq(lc_roads_count(roads), 3);
    ck_assert_str_eq(lc_roads_get(roads, 0).highway, "支路");
    ck_assert_str_eq(lc_roads_get(roads, 1).highway, "次干路");
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_edge_count(net), 3);
    ck_assert_double_eq_tol(lc_network_length(net), 230, 1e-9);
    ck_assert_uint_eq(lc_network_node_count(net), 5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    /* The report: per excluded class its count (高速公路 2, 快速路 1), and the line without a class. */
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_ROAD_CLASS_EXCLUDED), 2);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_ROAD_NO_CLASS), 1);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_ROAD_EXCLUDE_UNUSED), 0);
    ck_assert_uint_eq(lc_quality_count_severity(q, LC_SEVERITY_ERROR), 0);
    lct_assert_contains(lc_quality_get(q, 0)->message, "2 features of class '高速公路'");
    lct_assert_contains(lc_quality_get(q, 1)->message, "1 feature of class '快速路'");
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_quality_destroy(q);

    /* A typo in the list is a warning naming it; a full-width comma separates values too. */
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.exclude", "高速公路，快速道"), LC_OK);
    q = lc_quality_create(lct_ctx);
    roads = lc_roads_read_report(lct_ctx, st, p, crs, &stats, q);
    ck_assert_ptr_nonnull(roads);
    ck_assert_uint_eq(stats.kept, 4);
    ck_assert_uint_eq(stats.excluded_class, 2);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_ROAD_EXCLUDE_UNUSED), 1);
    const lc_issue *warn = lc_quality_get(q, 1);
    ck_assert_str_eq(warn->check, LC_CHECK_ROAD_EXCLUDE_UNUSED);
    ck_assert_int_eq(warn->severity, LC_SEVERITY_WARNING);
    lct_assert_contains(warn->message, "'快速道'");
    lct_assert_contains(warn->message, "'快速路'"); /* among the classes kept */
    lc_roads_destroy(roads);
    lc_quality_destroy(q);

    /* Without the class field mapped the layer has no highway: every line is walked on — all six,
     * 100 + 200 + 300 + 80 + 50 + 500 = 1,230 m by hand — said once, as a warning pointing at
     * roads.fields.class and listing the fields. */
    lc_study *bare = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, bare, "roads.path", rd);
    q = lc_quality_create(lct_ctx);
    roads = lc_roads_read_report(lct_ctx, bare, p, crs, &stats, q);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.features, 6);
    ck_assert_uint_eq(stats.kept, 6);
    ck_assert_uint_eq(stats.no_class, 0);
    ck_assert_uint_eq(lc_roads_count(roads), 6);
    double total = 0;
    for (size_t i = 0; i < lc_roads_count(roads); i++) {
        lc_road r = lc_roads_get(roads, i);
        for (size_t j = 1; j < r.n; j++)
            total += hypot(r.pts[j].x - r.pts[j - 1].x, r.pts[j].y - r.pts[j - 1].y);
    }
    ck_assert_double_eq_tol(total, 1230, 1e-6);
    ck_assert_uint_eq(lc_quality_count(q), 1);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_ROAD_NO_CLASS), 1);
    ck_assert_int_eq(lc_quality_get(q, 0)->severity, LC_SEVERITY_WARNING);
    lct_assert_contains(lc_quality_get(q, 0)->message, "every line is walked on");
    lct_assert_contains(lc_quality_get(q, 0)->message, "roads.fields.class");
    lct_assert_contains(lc_quality_get(q, 0)->message, "DLDJ"); /* the fields available */
    lc_roads_destroy(roads);
    lc_quality_destroy(q);
    /* A mapped field that does not exist. */
    lc_study_set(lct_ctx, bare, "roads.fields.class", "DLMC");
    ck_assert_ptr_null(lc_roads_read(lct_ctx, bare, p, crs, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_FIELD);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "'DLMC' mapped to roads.fields.class does not exist");
    lc_study_destroy(bare);

    /* OSM data: roads.exclude applies to highway values on top of the profile's rules. */
    char *osm = lct_path(dir, "osm.geojson");
    lct_write_fc(osm, LINE("\"highway\":\"primary\"", "[[0,0],[100,0]]") "," LINE("\"highway\":\"footway\"", "[[0,10],[100,10]]")
                  "," LINE("\"highway\":\"motorway\"", "[[0,20],[100,20]]"));
    lc_study *os = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, os, "roads.path", osm);
    lc_study_set(lct_ctx, os, "roads.exclude", "primary");
    roads = lc_roads_read(lct_ctx, os, p, crs, &stats);
    ck_assert_ptr_nonnull(roads);
    ck_assert_uint_eq(stats.kept, 1);
    ck_assert_uint_eq(stats.excluded_class, 1);
    ck_assert_uint_eq(stats.not_walkable, 1);
    ck_assert_str_eq(lc_roads_get(roads, 0).highway, "footway");
    lc_roads_destroy(roads);
    lc_study_destroy(os);
    free(osm);

    release(crs, p, st, dir, rd);
}
END_TEST

/* ---- noding ------------------------------------------------------------------------------------- */

START_TEST(crossing_lines_node_only_when_asked)
{
    /* (0,0)-(100,0) and (50,-50)-(50,50) cross at (50,0), a vertex of neither. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{0, 0}, {100, 0}}, b[] = {{50, -50}, {50, 50}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, a, 2, "road", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, b, 2, "road", 0, 0, 0, 2), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 4);
    ck_assert_uint_eq(lc_network_edge_count(net), 2);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    ck_assert(isinf(walk(net, (lc_xy){0, 0}, (lc_xy){50, 50})));
    lc_network_destroy(net);

    size_t noded = 9, skipped = 9;
    lc_roads *split = lc_roads_node_crossings(lct_ctx, roads, 0.5, &noded, &skipped);
    ck_assert_ptr_nonnull(split);
    ck_assert_uint_eq(noded, 1);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_uint_eq(lc_roads_count(split), 2);
    ck_assert_uint_eq(lc_roads_get(split, 0).n, 3);
    ck_assert_double_eq(lc_roads_get(split, 0).pts[1].x, 50);
    ck_assert_double_eq(lc_roads_get(split, 0).pts[1].y, 0);
    ck_assert_int_eq(lc_roads_get(split, 1).fid, 2);
    net = lc_network_build(lct_ctx, split, 0.5);
    /* One junction: 4 ends + (50,0) = 5 nodes, 4 edges of 50 m, one component. */
    ck_assert_uint_eq(lc_network_node_count(net), 5);
    ck_assert_uint_eq(lc_network_edge_count(net), 4);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(lc_network_length(net), 200, 1e-9);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, 0}, (lc_xy){50, 50}), 50 + 50, 1e-9);
    /* From 10 m off the west arm to 5 m off the south arm: 10 + 30 + 40 + 5. */
    ck_assert_double_eq_tol(walk(net, (lc_xy){20, 10}, (lc_xy){45, -40}), 10 + 30 + 40 + 5, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(split);
    lc_roads_destroy(roads);

    /* Polylines crossing twice, and a T whose end touches the other line's middle:
     *   A (0,0)-(100,0)-(100,100), B (50,-50)-(50,50)-(150,50): crossings (50,0) and (100,50);
     *   C (30,-40)-(30,0): its end on A's first segment.
     * Nodes by hand: A 3 + B 3 + C's (30,-40) + the junctions (50,0) (100,50) (30,0) = 10;
     * edges: A 5 (cut at 30, 50 and at y=50), B 4, C 1 = 10. */
    roads = lc_roads_create(lct_ctx);
    lc_xy pa[] = {{0, 0}, {100, 0}, {100, 100}}, pb[] = {{50, -50}, {50, 50}, {150, 50}}, pc[] = {{30, -40}, {30, 0}};
    lc_roads_add(lct_ctx, roads, pa, 3, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, pb, 3, "road", 0, 0, 0, 2);
    lc_roads_add(lct_ctx, roads, pc, 2, "road", 0, 0, 0, 3);
    split = lc_roads_node_crossings(lct_ctx, roads, 0.5, &noded, &skipped);
    ck_assert_ptr_nonnull(split);
    ck_assert_uint_eq(noded, 3);
    net = lc_network_build(lct_ctx, split, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 10);
    ck_assert_uint_eq(lc_network_edge_count(net), 10);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(lc_network_length(net), 200 + 200 + 40, 1e-9);
    /* (30,-40) → (150,50): up C 40, east to (50,0) 20, north to (50,50) 50, east 100 = 210
     * (via (100,0): 40 + 70 + 50 + 50 = 210 as well). */
    ck_assert_double_eq_tol(walk(net, (lc_xy){30, -40}, (lc_xy){150, 50}), 210, 1e-9);
    /* (100,100) → (50,-50): down A to (100,50) 50, west on B to (50,50) 50, south 100 = 200. */
    ck_assert_double_eq_tol(walk(net, (lc_xy){100, 100}, (lc_xy){50, -50}), 200, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(split);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(crossing_near_a_vertex_of_each_line_is_joined)
{
    /* A (-100,0)-(0.4,0)-(100,0) and B (0,-100)-(0,0.4)-(0,100) cross at (0,0), 0.4 m from a vertex
     * of each (within the 0.5 m tolerance), but those two vertices are √(0.4² + 0.4²) = 0.57 m apart,
     * farther than the network joins: without a junction at the crossing the two stay apart. By hand
     * once joined: one component, and (-100,0) → (0,100) walks 100 + 100 = 200 m within the
     * tolerance's slack (≤ 2 × 0.4 m of kinks). */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{-100, 0}, {0.4, 0}, {100, 0}}, b[] = {{0, -100}, {0, 0.4}, {0, 100}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, a, 3, "road", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, b, 3, "road", 0, 0, 0, 2), LC_OK);
    size_t noded = 9, skipped = 9;
    lc_roads *split = lc_roads_node_crossings(lct_ctx, roads, 0.5, &noded, &skipped);
    ck_assert_ptr_nonnull(split);
    ck_assert_uint_eq(noded, 1);
    ck_assert_uint_eq(skipped, 0);
    lc_network *net = lc_network_build(lct_ctx, split, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    double d = walk(net, (lc_xy){-100, 0}, (lc_xy){0, 100});
    ck_assert_msg(d >= 200 - 1e-9 && d <= 200 + 0.8, "walk %.6f m", d);
    lc_network_destroy(net);
    lc_roads_destroy(split);
    lc_roads_destroy(roads);

    /* A vertex of A and one of B both at the crossing, 0.3 m apart along a diagonal (within the
     * tolerance of each other): the network joins them as it is, nothing to cut. */
    roads = lc_roads_create(lct_ctx);
    lc_xy c[] = {{-100, 0}, {0.2, 0}, {100, 0}}, e[] = {{0, -100}, {0, 0.2}, {0, 100}};
    lc_roads_add(lct_ctx, roads, c, 3, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, e, 3, "road", 0, 0, 0, 2);
    split = lc_roads_node_crossings(lct_ctx, roads, 0.5, &noded, &skipped);
    ck_assert_ptr_nonnull(split);
    ck_assert_uint_eq(lc_roads_get(split, 0).n, 3);
    ck_assert_uint_eq(lc_roads_get(split, 1).n, 3);
    net = lc_network_build(lct_ctx, split, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    lc_network_destroy(net);
    lc_roads_destroy(split);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(bridges_and_levels_never_noded)
{
    lc_xy a[] = {{0, 0}, {100, 0}}, b[] = {{50, -50}, {50, 50}};
    static const struct {
        int level, bridge, tunnel;
    } other[] = {{1, 1, 0}, {-1, 0, 1}, {0, 1, 0}, {0, 0, 1}, {2, 0, 0}};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        lc_roads *roads = lc_roads_create(lct_ctx);
        lc_roads_add(lct_ctx, roads, a, 2, "road", 0, 0, 0, 1);
        lc_roads_add(lct_ctx, roads, b, 2, "road", other[i].level, other[i].bridge, other[i].tunnel, 2);
        size_t noded = 9, skipped = 9;
        lc_roads *split = lc_roads_node_crossings(lct_ctx, roads, 0.5, &noded, &skipped);
        ck_assert_ptr_nonnull(split);
        ck_assert_msg(noded == 0 && skipped == 1, "case %zu: noded %zu skipped %zu", i, noded, skipped);
        lc_network *net = lc_network_build(lct_ctx, split, 0.5);
        ck_assert_uint_eq(lc_network_node_count(net), 4);
        ck_assert_uint_eq(lc_network_edge_count(net), 2);
        ck_assert_uint_eq(lc_network_component_count(net), 2);
        lc_network_destroy(net);
        lc_roads_destroy(split);
        lc_roads_destroy(roads);
    }

    /* Read from a bureau's layer: the bridge field (是/否) and noding from the study. Streets
     * (0,0)-(100,0) and (50,-50)-(50,50) cross and join; the viaduct (20,-50)-(20,50) (是) crosses the
     * first street and stays apart. Nodes by hand: 4 + 1 junction + 2 viaduct ends = 7; 5 edges. */
    char *dir = lct_tmpdir(), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(rd, LINE("\"DLDJ\":\"支路\",\"SFQL\":\"否\"", "[[0,0],[100,0]]") ","
                 LINE("\"DLDJ\":\"支路\",\"SFQL\":\"否\"", "[[50,-50],[50,50]]") ","
                 LINE("\"DLDJ\":\"高架\",\"SFQL\":\"是\"", "[[20,-50],[20,50]]"));
    lc_study *st = study_text(dir, "roads:\n  path: roads.geojson\n  fields: {class: DLDJ, bridge: SFQL}\n"
                                   "  node_crossings: yes\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(st, "roads.node_crossings"), "true");
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_roads_stats stats;
    lc_roads *roads = lc_roads_read_report(lct_ctx, st, p, crs, &stats, q);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.crossings_noded, 1);
    ck_assert_uint_eq(stats.crossings_skipped, 1);
    lc_road v = lc_roads_get(roads, 2);
    ck_assert_int_eq(v.bridge, 1);
    ck_assert_int_eq(v.level, 1);
    ck_assert_int_eq(lc_roads_get(roads, 0).bridge, 0);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_CROSSINGS_NODED), 1);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 7);
    ck_assert_uint_eq(lc_network_edge_count(net), 5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_quality_destroy(q);
    /* Off by default: the same layer without the key keeps all three apart. */
    lc_study_set(lct_ctx, st, "roads.node_crossings", "false");
    roads = lc_roads_read(lct_ctx, st, p, crs, &stats);
    ck_assert_uint_eq(stats.crossings_noded, 0);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 3);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    release(crs, p, st, dir, rd);
}
END_TEST

/* ---- dangling ends (undershoots) ---------------------------------------------------------------- */

/* The main street and side street of the brief: (0,0)-(200,0) and (100,3)-(100,200), whose end stops
 * 3 m short of the main street. */
static lc_roads *main_and_side(int level, int bridge, int tunnel)
{
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{0, 0}, {200, 0}}, b[] = {{100, 3}, {100, 200}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, a, 2, "road", level, bridge, tunnel, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, b, 2, "road", 0, 0, 0, 2), LC_OK);
    return roads;
}

START_TEST(dangling_end_joins_the_nearest_line)
{
    lc_roads *roads = main_and_side(0, 0, 0);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    ck_assert(isinf(walk(net, (lc_xy){0, 0}, (lc_xy){100, 200})));
    lc_network_destroy(net);

    /* 5 m: the side street joins at (100,0) with a 3 m connector; the main street is split there.
     * Nodes (0,0) (100,0) (200,0) (100,3) (100,200) = 5; edges 2 + 2 = 4; 200 + 3 + 197 = 400 m. */
    size_t snapped = 9, skipped = 9;
    lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 1);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_uint_eq(lc_roads_count(joined), 2);
    lc_road a = lc_roads_get(joined, 0), b = lc_roads_get(joined, 1);
    ck_assert_uint_eq(a.n, 3);
    ck_assert_double_eq(a.pts[1].x, 100);
    ck_assert_double_eq(a.pts[1].y, 0);
    ck_assert_uint_eq(b.n, 3); /* connector first, then the side street as drawn */
    ck_assert_double_eq(b.pts[0].x, 100);
    ck_assert_double_eq(b.pts[0].y, 0);
    ck_assert_double_eq(b.pts[1].y, 3);
    ck_assert_int_eq(b.fid, 2);
    net = lc_network_build(lct_ctx, joined, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 5);
    ck_assert_uint_eq(lc_network_edge_count(net), 4);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(lc_network_length(net), 400, 1e-9);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, 0}, (lc_xy){100, 200}), 100 + 3 + 197, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(joined);

    /* Exactly 3 m is within reach; 2 m is not: the two streets stay apart, unchanged. */
    joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 3, &snapped, &skipped);
    ck_assert_uint_eq(snapped, 1);
    lc_roads_destroy(joined);
    joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 2, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 0);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_uint_eq(lc_roads_get(joined, 0).n, 2);
    ck_assert_uint_eq(lc_roads_get(joined, 1).n, 2);
    net = lc_network_build(lct_ctx, joined, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    lc_network_destroy(net);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);

    /* Bad distances are refused. */
    ck_assert_ptr_null(lc_roads_snap_dangles(lct_ctx, roads, 0.5, -1, NULL, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
}
END_TEST

START_TEST(dangling_end_never_joins_a_bridge)
{
    /* The main street a bridge, a tunnel, or on level 2: the side street's end 3 m away stays
     * dangling, and is counted as left so. */
    static const struct {
        int level, bridge, tunnel;
    } other[] = {{1, 1, 0}, {-1, 0, 1}, {0, 1, 0}, {2, 0, 0}};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        lc_roads *roads = main_and_side(other[i].level, other[i].bridge, other[i].tunnel);
        size_t snapped = 9, skipped = 9;
        lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
        ck_assert_ptr_nonnull(joined);
        ck_assert_msg(snapped == 0 && skipped == 1, "case %zu: snapped %zu skipped %zu", i, snapped, skipped);
        ck_assert_uint_eq(lc_roads_get(joined, 0).n, 2);
        ck_assert_uint_eq(lc_roads_get(joined, 1).n, 2);
        lc_network *net = lc_network_build(lct_ctx, joined, 0.5);
        ck_assert_uint_eq(lc_network_component_count(net), 2);
        lc_network_destroy(net);
        lc_roads_destroy(joined);
        lc_roads_destroy(roads);
    }

    /* A ground street 4 m away on the far side of the bridge: the end passes under the bridge and
     * joins it at (100,-1). (0,-1) → (100,200): 100 + 4 + 197 = 301 m. */
    lc_roads *roads = main_and_side(1, 1, 0);
    lc_xy c[] = {{0, -1}, {200, -1}};
    lc_roads_add(lct_ctx, roads, c, 2, "road", 0, 0, 0, 3);
    size_t snapped = 9, skipped = 9;
    lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 1);
    /* left dangling: both ends of the bridge, 1 m above the new street, and both ends of that
     * street, 1 m below the bridge */
    ck_assert_uint_eq(skipped, 4);
    ck_assert_uint_eq(lc_roads_get(joined, 0).n, 2); /* the bridge: untouched */
    lc_network *net = lc_network_build(lct_ctx, joined, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, -1}, (lc_xy){100, 200}), 100 + 4 + 197, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(end_at_a_junction_is_not_moved)
{
    /* The side street's end 0.3 m from the main street's vertex (100,0): a junction already (the
     * network joins vertices within 0.5 m), so nothing is added although the main street is within
     * 5 m. Neither line changes; the far ends have no line within 5 m. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{0, 0}, {100, 0}, {200, 0}}, b[] = {{100, 0.3}, {100, 200}};
    lc_roads_add(lct_ctx, roads, a, 3, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, b, 2, "road", 0, 0, 0, 2);
    size_t snapped = 9, skipped = 9;
    lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 0);
    ck_assert_uint_eq(skipped, 0);
    for (size_t i = 0; i < 2; i++) {
        lc_road in = lc_roads_get(roads, i), out = lc_roads_get(joined, i);
        ck_assert_uint_eq(out.n, in.n);
        for (size_t k = 0; k < in.n; k++) {
            ck_assert_double_eq(out.pts[k].x, in.pts[k].x);
            ck_assert_double_eq(out.pts[k].y, in.pts[k].y);
        }
    }
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);

    /* A junction with a bridge's end counts too (the network joins line ends at any level): the
     * ramp (100,3)-(400,3) starts at the side street's end, so the main street 3 m below does not
     * pull that end off. The main street's east end (200,0) lies 3 m under the ramp: left dangling. */
    roads = main_and_side(0, 0, 0);
    lc_xy ramp[] = {{100, 3}, {400, 3}};
    lc_roads_add(lct_ctx, roads, ramp, 2, "ramp", 1, 1, 0, 3);
    joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 0);
    ck_assert_uint_eq(skipped, 1);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(lc_roads_get(joined, i).n, 2);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(exact_tolerance_joins_what_the_exact_network_would_leave_apart)
{
    /* With tolerance 0 (the profile's default snap_tolerance_m, as lc_network_build joins) a repair
     * treats only coinciding points as meeting. (1) The side street's end (100,0.4) is 0.4 m from the
     * main street's vertex (100,0): no junction for an exact network, so roads.snap_dangles_m 5 joins
     * it with a 0.4 m connector to that vertex (the nearest point of the main street). By hand:
     * (0,0) → (100,200) walks 100 + 0.4 + 199.6 = 300 m; before, the 0.5 m default of the repair
     * called the end a junction and the exact network left the side street cut off. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{0, 0}, {100, 0}, {200, 0}}, b[] = {{100, 0.4}, {100, 200}};
    lc_roads_add(lct_ctx, roads, a, 3, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, b, 2, "road", 0, 0, 0, 2);
    size_t snapped = 9, skipped = 9;
    lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 1);
    ck_assert_uint_eq(skipped, 0);
    lc_network *net = lc_network_build(lct_ctx, joined, 0);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_uint_eq(lc_network_merge_count(net, NULL), 0);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, 0}, (lc_xy){100, 200}), 300, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);

    /* (2) A (0,-100)-(0,0.3) ends 0.3 m past B (-100,0)-(100,0), crossing it at (0,0): noded with
     * tolerance 0 both lines get the vertex (0,0) (before, A was left uncut as "within 0.5 m of its
     * end" and the exact network did not join it). By hand: (0,-100) → (100,0) is 100 + 100 = 200 m. */
    roads = lc_roads_create(lct_ctx);
    lc_xy c[] = {{0, -100}, {0, 0.3}}, d[] = {{-100, 0}, {100, 0}};
    lc_roads_add(lct_ctx, roads, c, 2, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, d, 2, "road", 0, 0, 0, 2);
    size_t noded = 9;
    lc_roads *split = lc_roads_node_crossings(lct_ctx, roads, 0, &noded, &skipped);
    ck_assert_ptr_nonnull(split);
    ck_assert_uint_eq(noded, 1);
    ck_assert_uint_eq(lc_roads_get(split, 0).n, 3);
    ck_assert_uint_eq(lc_roads_get(split, 1).n, 3);
    net = lc_network_build(lct_ctx, split, 0);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, -100}, (lc_xy){100, 0}), 200, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(split);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(facing_dangling_ends_join_once)
{
    /* (0,0)-(100,0) and (103,0)-(200,0): each end 3 m from the other's. One connector, one end
     * counted: nodes 0, 100, 103, 200 = 4, edges 3, 200 m, (0,0) → (200,0) 200 m. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{0, 0}, {100, 0}}, b[] = {{103, 0}, {200, 0}};
    lc_roads_add(lct_ctx, roads, a, 2, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, b, 2, "road", 0, 0, 0, 2);
    size_t snapped = 9, skipped = 9;
    lc_roads *joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 1);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_uint_eq(lc_roads_get(joined, 0).n + lc_roads_get(joined, 1).n, 2 + 2 + 1);
    lc_network *net = lc_network_build(lct_ctx, joined, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 4);
    ck_assert_uint_eq(lc_network_edge_count(net), 3);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(lc_network_length(net), 200, 1e-9);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, 0}, (lc_xy){200, 0}), 200, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);

    /* Offset by 1 m: (0,0)-(100,0) and (102,1)-(200,1). The ends are √(2² + 1²) = √5 apart, the
     * nearest point of each line to the other's end is that end: joined once by a √5 m connector.
     * (0,0) → (200,1): 100 + √5 + 98. */
    roads = lc_roads_create(lct_ctx);
    lc_xy c[] = {{0, 0}, {100, 0}}, d[] = {{102, 1}, {200, 1}};
    lc_roads_add(lct_ctx, roads, c, 2, "road", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, d, 2, "road", 0, 0, 0, 2);
    joined = lc_roads_snap_dangles(lct_ctx, roads, 0.5, 5, &snapped, &skipped);
    ck_assert_ptr_nonnull(joined);
    ck_assert_uint_eq(snapped, 1);
    net = lc_network_build(lct_ctx, joined, 0.5);
    ck_assert_uint_eq(lc_network_edge_count(net), 3);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(walk(net, (lc_xy){0, 0}, (lc_xy){200, 1}), 100 + sqrt(5) + 98, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(joined);
    lc_roads_destroy(roads);
}
END_TEST

/* A bureau's layer: the main and side street, a viaduct (300,0)-(500,0) (是) with a street
 * (400,3)-(400,100) stopping 3 m short of it. */
#define DANGLE_ROADS                                                                                         \
    LINE("\"DLDJ\":\"支路\",\"SFQL\":\"否\"", "[[0,0],[200,0]]") ","                                           \
    LINE("\"DLDJ\":\"支路\",\"SFQL\":\"否\"", "[[100,3],[100,200]]") ","                                       \
    LINE("\"DLDJ\":\"高架\",\"SFQL\":\"是\"", "[[300,0],[500,0]]") ","                                         \
    LINE("\"DLDJ\":\"支路\",\"SFQL\":\"否\"", "[[400,3],[400,100]]")

START_TEST(dangles_counted_in_the_quality_summary)
{
    char *dir = lct_tmpdir(), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(rd, DANGLE_ROADS);
    lc_study *st = study_text(dir, "roads:\n  path: roads.geojson\n  fields: {class: DLDJ, bridge: SFQL}\n"
                                   "  snap_dangles_m: 5\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_roads_stats stats;
    lc_roads *roads = lc_roads_read_report(lct_ctx, st, p, crs, &stats, q);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    /* By hand: the side street joins (1); the street under the viaduct is left (1); the other six
     * ends have no line within 5 m. */
    ck_assert_uint_eq(stats.dangles_snapped, 1);
    ck_assert_uint_eq(stats.dangles_skipped, 1);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_DANGLES_SNAPPED), 1);
    const lc_issue *it = lc_quality_get(q, lc_quality_count(q) - 1);
    ck_assert_str_eq(it->check, LC_CHECK_DANGLES_SNAPPED);
    ck_assert_int_eq(it->severity, LC_SEVERITY_INFO);
    lct_assert_contains(it->message, "roads.geojson (layer roads)");
    lct_assert_contains(it->message, "joined 1 line end that stopped within 5 m");
    lct_assert_contains(it->message, "1 left dangling");
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 3); /* main+side, viaduct, the street below */
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_quality_destroy(q);

    /* Off (0, or no key): nothing joined, nothing reported. */
    lc_study_set(lct_ctx, st, "roads.snap_dangles_m", "0");
    q = lc_quality_create(lct_ctx);
    roads = lc_roads_read_report(lct_ctx, st, p, crs, &stats, q);
    ck_assert_ptr_nonnull(roads);
    ck_assert_uint_eq(stats.dangles_snapped, 0);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_DANGLES_SNAPPED), 0);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 4);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_quality_destroy(q);

    /* validate prints the count and the summary line. */
    char *res = lct_path(dir, "r.geojson"), *study = lct_path(dir, "study.yml"), args[4096], *text;
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"population\":500},\"geometry\":"
                  "{\"type\":\"Polygon\",\"coordinates\":[[[10,10],[60,10],[60,60],[10,60],[10,10]]]}}");
    char *fac = lct_path(dir, "f.geojson");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":300},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,5]}}");
    ck_assert_int_eq(lct_write_text(study, "residential: {path: r.geojson}\nfacilities: {path: f.geojson}\n"
                                           "roads:\n  path: roads.geojson\n"
                                           "  fields: {class: DLDJ, bridge: SFQL}\n"), 0);
    snprintf(args, sizeof args, "validate '%s' --set roads.snap_dangles_m=5", study);
    int rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, text);
    lct_assert_contains(text, "Dangling ends joined 悬挂线补连接: 1 joined within 5 m, 1 left dangling");
    lct_assert_contains(text, "dangles_snapped (1)");
    free(text);
    free(study);
    free(res);
    free(fac);
    release(crs, p, st, dir, rd);
}
END_TEST

/* ---- islands ------------------------------------------------------------------------------------ */

/* A main street y=0 from 0 to 1000 (3 nodes) with the only centre and compound M (500 residents);
 * an island street y=500 from 0 to 300 (2 nodes, 300 m) with compounds A (120) and B (230); compound
 * C (999) far from every street. */
#define ISLAND_RES                                                                                          \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"population\":500},\"geometry\":{\"type\":\"Polygon\"," \
    "\"coordinates\":[[[100,10],[200,10],[200,60],[100,60],[100,10]]]}},"                                      \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"population\":120},\"geometry\":{\"type\":\"Polygon\"," \
    "\"coordinates\":[[[0,510],[100,510],[100,560],[0,560],[0,510]]]}},"                                       \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"B\",\"population\":230},\"geometry\":{\"type\":\"Polygon\"," \
    "\"coordinates\":[[[150,510],[250,510],[250,560],[150,560],[150,510]]]}},"                                 \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"population\":999},\"geometry\":{\"type\":\"Polygon\"," \
    "\"coordinates\":[[[5000,5000],[5100,5000],[5100,5100],[5000,5100],[5000,5000]]]}}"
#define ISLAND_FAC                                                                                          \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":300},"         \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500,10]}}"
#define ISLAND_ROADS                                                                                        \
    LINE("\"DLDJ\":\"支路\"", "[[0,0],[500,0],[1000,0]]") "," LINE("\"DLDJ\":\"支路\"", "[[0,500],[300,500]]") "," \
    LINE("\"DLDJ\":\"高速公路\"", "[[150,-100],[150,700]]")

START_TEST(island_without_facility_is_reported)
{
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(res, ISLAND_RES);
    lct_write_fc(fac, ISLAND_FAC);
    lct_write_fc(rd, ISLAND_ROADS);
    lc_study *st = study_text(dir, "residential: {path: r.geojson}\nfacilities: {path: f.geojson}\n"
                                   "roads:\n  path: roads.geojson\n  fields: {class: DLDJ}\n  exclude: [高速公路]\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    size_t before = lc_quality_count(q), islands = 9;
    ck_assert_int_eq(lc_network_islands(lct_ctx, net, in, p, q, &islands), LC_OK);
    ck_assert_uint_eq(islands, 1);
    ck_assert_uint_eq(lc_quality_count(q), before + 1);
    const lc_issue *it = lc_quality_get(q, before);
    ck_assert_str_eq(it->check, LC_CHECK_NETWORK_ISLAND);
    ck_assert_int_eq(it->severity, LC_SEVERITY_WARNING);
    lct_assert_contains(it->message, "component 2 of 2 (2 nodes, 300 m of road)");
    lct_assert_contains(it->message, "2 residential polygons (A, B) with 350 residents"); /* 120 + 230; C is off */
    lct_assert_contains(it->message, "no facility of 1 category");
    lct_assert_contains(it->message, "centre 社区综合为老服务中心");
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);

    /* A centre on the island too: no island left. */
    lct_write_fc(fac, ISLAND_FAC ",{\"type\":\"Feature\",\"properties\":{\"id\":\"G\",\"category\":\"centre\","
                             "\"floor_area\":300},\"geometry\":{\"type\":\"Point\",\"coordinates\":[290,490]}}");
    q = lc_quality_create(lct_ctx);
    in = lc_inputs_read(lct_ctx, st, p, q);
    roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_int_eq(lc_network_islands(lct_ctx, net, in, p, q, &islands), LC_OK);
    ck_assert_uint_eq(islands, 0);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_NETWORK_ISLAND), 0);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);

    /* Compounds with no residents on a third street: not an island worth a warning. */
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"Z\",\"population\":0},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[0,-2010],[100,-2010],[100,-2060],[0,-2060],[0,-2010]]]}},"
                  ISLAND_RES);
    lct_write_fc(rd, ISLAND_ROADS "," LINE("\"DLDJ\":\"支路\"", "[[0,-2000],[200,-2000]]"));
    q = lc_quality_create(lct_ctx);
    in = lc_inputs_read(lct_ctx, st, p, q);
    roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 3);
    ck_assert_int_eq(lc_network_islands(lct_ctx, net, in, p, q, &islands), LC_OK);
    ck_assert_uint_eq(islands, 0); /* the y=500 island has its centre G; Z's street has no one */
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(rd);
    free(dir);
}
END_TEST

/* Non-zero when s is well-formed UTF-8 (no truncated or stray sequences). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (!n)
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((p[k] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

START_TEST(island_message_is_valid_utf8)
{
    /* Six compounds on the island street with long Chinese ids (3 bytes a character): the message's
     * short list of ids is cut, and must be cut between characters, or summary.json (jansson) drops
     * the whole warning as invalid text. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *rd = lct_path(dir, "roads.geojson");
    char feats[8192];
    size_t used = 0;
    for (int i = 0; i < 6; i++)
        used += (size_t)snprintf(feats + used, sizeof feats - used,
                                 "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s徐汇区田林街道田林十二村第%d小区\","
                                 "\"population\":10},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%d,510],"
                                 "[%d,510],[%d,530],[%d,530],[%d,510]]]}}",
                                 i ? "," : "", i % 2 ? "x" : "", i, i * 40, i * 40 + 30, i * 40 + 30, i * 40, i * 40);
    lct_write_fc(res, feats);
    lct_write_fc(fac, ISLAND_FAC);
    lct_write_fc(rd, ISLAND_ROADS);
    lc_study *st = study_text(dir, "residential: {path: r.geojson}\nfacilities: {path: f.geojson}\n"
                                   "roads:\n  path: roads.geojson\n  fields: {class: DLDJ}\n  exclude: [高速公路]\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    size_t before = lc_quality_count(q), islands = 9;
    ck_assert_int_eq(lc_network_islands(lct_ctx, net, in, p, q, &islands), LC_OK);
    ck_assert_uint_eq(islands, 1);
    const lc_issue *it = lc_quality_get(q, before);
    lct_assert_contains(it->message, "6 residential polygons (徐汇区田林街道田林十二村第0小区, ");
    lct_assert_contains(it->message, "with 60 residents");
    ck_assert_msg(valid_utf8(it->message), "not UTF-8: %s", it->message);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(rd);
    free(dir);
}
END_TEST

START_TEST(cli_reports_exclusions_and_islands)
{
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *rd = lct_path(dir, "roads.geojson");
    char *study = lct_path(dir, "study.yml"), *out = lct_path(dir, "out");
    lct_write_fc(res, ISLAND_RES);
    lct_write_fc(fac, ISLAND_FAC);
    lct_write_fc(rd, ISLAND_ROADS);
    ck_assert_int_eq(lct_write_text(study, "residential: {path: r.geojson}\nfacilities: {path: f.geojson}\n"
                                           "roads:\n  path: roads.geojson\n  fields: {class: DLDJ}\n"
                                           "  exclude: [高速公路]\n"), 0);
    char args[4096], *text;
    snprintf(args, sizeof args, "validate '%s'", study);
    int rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, text);
    lct_assert_contains(text, "Roads 路网: 3 features, 2 walkable lines kept; left out: 1 by class");
    lct_assert_contains(text, "road_class_excluded (1)");
    lct_assert_contains(text, "1 feature of class '高速公路'");
    free(text);
    snprintf(args, sizeof args, "check '%s' --mode network -o '%s'", study, out);
    rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, text);
    lct_assert_contains(text, "路网孤岛");
    lct_assert_contains(text, "with 350 residents");
    free(text);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(rd);
    free(study);
    free(out);
    free(dir);
}
END_TEST

/* ---- many features: fetched on one thread, sorted on another ------------------------------------ */

/* Writes n lines into path as GeoJSON in EPSG:4326: line i from (121 + i·1e-5, 31) 100 m east-ish,
 * with highway footway; line bad (or none: -1) at latitude 95, which no projection takes. */
static void write_many(const char *path, int n, int bad)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\",\"n\":%d},\"geometry\":{\"type\":"
                "\"LineString\",\"coordinates\":[[%.6f,%s],[%.6f,%s]]}}", i ? "," : "", i, 121 + i * 1e-5,
                i == bad ? "95" : "31", 121.001 + i * 1e-5, i == bad ? "95" : "31");
    fprintf(f, "]}\n");
    ck_assert_int_eq(fclose(f), 0);
}

/* 3,000 features (a dozen batches between the fetching and the sorting threads): every one read, in
 * the layer's order; a feature that fails half-way stops the reading with its error, naming the
 * file, and nothing is returned. */
START_TEST(many_features_read_in_order_or_stop_at_a_failure)
{
    char *dir = lct_tmpdir(), *rd = lct_path(dir, "many.geojson");
    write_many(rd, 3000, -1);
    lc_study *st = study_text(dir, "roads:\n  path: many.geojson\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_roads_stats stats;
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, crs, &stats);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.features, 3000);
    ck_assert_uint_eq(lc_roads_count(roads), 3000);
    for (size_t i = 0; i < 3000; i++) { /* GeoJSON FIDs count from 0 in the file's order */
        lc_road r = lc_roads_get(roads, i);
        ck_assert_int_eq(r.fid, (long long)i);
        if (i)
            ck_assert(r.pts[0].x > lc_roads_get(roads, i - 1).pts[0].x); /* each starts 1e-5° further east */
    }
    lc_roads_destroy(roads);
    write_many(rd, 3000, 2100);
    ck_assert_ptr_null(lc_roads_read(lct_ctx, st, p, crs, &stats));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CRS);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "many.geojson (layer many, feature 2100)");
    release(crs, p, st, dir, rd);
}
END_TEST

/* ---- polygons picked as roads ------------------------------------------------------------------- */

#define POLYGON(coords) \
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" coords "}}"

/* A planner who gives the compounds' (or the blocks') polygons as the roads is told the layer holds no
 * line, not that the layers do not meet (which is what the empty network would show next); a layer
 * with one line among its polygons is read, the polygons counted as features without line geometry. */
START_TEST(polygons_as_roads_are_refused)
{
    char *dir = lct_tmpdir(), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(rd, POLYGON("[[[0,0],[100,0],[100,100],[0,100],[0,0]]]") ","
                         POLYGON("[[[200,0],[300,0],[300,100],[200,0]]]"));
    lc_study *st = study_text(dir, "roads:\n  path: roads.geojson\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_roads_stats stats;
    ck_assert_ptr_null(lc_roads_read(lct_ctx, st, p, crs, &stats));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_GEOMETRY);
    lct_assert_contains(lc_context_errmsg(lct_ctx),
                        "roads.geojson (layer roads): none of its 2 features is a line (the layer holds Polygon)");
    lct_assert_contains(lc_context_errmsg(lct_ctx), "is roads.layer the right layer?");
    lc_context_clear_error(lct_ctx);
    lct_write_fc(rd, POLYGON("[[[0,0],[100,0],[100,100],[0,100],[0,0]]]") ","
                         POLYGON("[[[200,0],[300,0],[300,100],[200,0]]]") "," LINE("", "[[0,200],[50,200]]"));
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, crs, &stats);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.kept, 1);
    ck_assert_uint_eq(stats.bad_geometry, 2);
    ck_assert_uint_eq(lc_roads_count(roads), 1);
    lc_roads_destroy(roads);
    release(crs, p, st, dir, rd);
}
END_TEST

/* ---- study keys --------------------------------------------------------------------------------- */

START_TEST(cli_reports_the_joins_a_tolerance_makes)
{
    /* The island's roads and a side street from (500,0.3), 0.3 m beside the main street's vertex
     * (500,0). By default (exact joining) nothing is joined and nothing said; with a profile's
     * snap_tolerance_m 0.5 that one vertex joins the junction it does not meet, 0.30 m apart: the
     * console says so (a warning with the count and the place, and a note naming the key) and
     * summary.json lists it as network_merges. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *rd = lct_path(dir, "roads.geojson");
    char *study = lct_path(dir, "study.yml"), *prof = lct_path(dir, "cad.yml"), *out = lct_path(dir, "out");
    char *out2 = lct_path(dir, "out2"), *sum = lct_path(dir, "out2/summary.json");
    lct_write_fc(res, ISLAND_RES);
    lct_write_fc(fac, ISLAND_FAC);
    lct_write_fc(rd, ISLAND_ROADS "," LINE("\"DLDJ\":\"支路\"", "[[500,0.3],[500,300]]"));
    ck_assert_int_eq(lct_write_text(study, "residential: {path: r.geojson}\nfacilities: {path: f.geojson}\n"
                                           "roads:\n  path: roads.geojson\n  fields: {class: DLDJ}\n"
                                           "  exclude: [高速公路]\n"), 0);
    ck_assert_int_eq(lct_write_text(prof, "profile: cad\nextends: shanghai-2025\nnetwork:\n  snap_tolerance_m: 0.5\n"), 0);
    char args[4096], *text;
    snprintf(args, sizeof args, "check '%s' --mode network -o '%s'", study, out);
    int rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, text);
    ck_assert_ptr_null(strstr(text, "snap_tolerance_m"));
    free(text);
    snprintf(args, sizeof args, "check '%s' --mode network --profile '%s' -o '%s'", study, prof, out2);
    rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, text);
    lct_assert_contains(text, "network.snap_tolerance_m 0.5 m joined 1 road vertices to junctions they do not meet "
                              "(up to 0.30 m apart");
    /* and, as the run goes, a warning through the logging path naming the count and the place: the
     * vertex (500, 0.3) of UTM 51N, which PROJ's own `echo 500 0.3 | cs2cs -f %.6f EPSG:32651
     * EPSG:4326` gives as lat 0.000003, lon 118.515736 */
    const char *warn = strstr(text, "roads.geojson: network.snap_tolerance_m 0.5 m joined 1 road vertex to a junction "
                                    "it does not meet (up to 0.30 m apart), e.g. one 0.30 m from its junction at lon "
                                    "118.515736, lat 0.000003 (500.0, 0.3 in the working CRS)");
    ck_assert_msg(warn != NULL, "no warning of the join in the console");
    const char *bol = warn;
    while (bol > text && bol[-1] != '\n')
        bol--;
    ck_assert_msg(!strncmp(bol, "lifecircle: warning: ", 21), "the join is reported as '%.40s', not a warning", bol);
    free(text);
    /* --quiet silences it with the rest of the warnings */
    snprintf(args, sizeof args, "check '%s' --mode network --profile '%s' -o '%s' --overwrite --quiet", study, prof,
             out2);
    rc = lct_run_cli(args, &text);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, text);
    ck_assert_ptr_null(strstr(text, "warning: roads.geojson: network.snap_tolerance_m"));
    free(text);
    json_error_t err;
    json_t *j = json_load_file(sum, 0, &err);
    ck_assert_msg(j != NULL, "%s", err.text);
    size_t i, found = 0;
    json_t *it;
    json_array_foreach(json_object_get(j, "data_quality"), i, it)
        if (!strcmp(json_string_value(json_object_get(it, "check")), "network_merges")) {
            found++;
            lct_assert_contains(json_string_value(json_object_get(it, "message")), "joined 1 road vertices");
        }
    ck_assert_uint_eq(found, 1);
    json_decref(j);
    lct_rmtree(dir);
    free(res), free(fac), free(rd), free(study), free(prof), free(out), free(out2), free(sum);
    free(dir);
}
END_TEST

START_TEST(study_keys_and_typos)
{
    char *dir = lct_tmpdir();
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"roads:\n  exlude: [高速公路]\n", "did you mean 'roads.exclude'?"},
        {"roads:\n  node_crossing: true\n", "did you mean 'roads.node_crossings'?"},
        {"roads:\n  fields:\n    clas: DLDJ\n", "did you mean 'roads.fields.class'?"},
        {"roads:\n  fields:\n    bridg: SFQL\n", "did you mean 'roads.fields.bridge'?"},
        {"residential:\n  fields:\n    class: DLDJ\n", "unknown field role 'class'"},
        {"residential:\n  exclude: [a]\n", "unknown key 'residential.exclude"},
        {"roads:\n  node_crossings: maybe\n", "'roads.node_crossings' must be true or false"},
        {"roads:\n  node_crossings: [true]\n", "'roads.node_crossings' takes a single value, not a list"},
        {"roads:\n  exclude: [a, \"b,c\"]\n", "must not contain ','"},
        {"roads:\n  exclude:\n    - {x: 1}\n", "'roads.exclude' takes a list of values, not a mapping"},
        {"roads:\n  path: [a]\n", "'roads.path' takes a single value, not a list"},
        {"roads:\n  exclude: [a, \"\"]\n", "must not be empty"},
        {"roads:\n  snap_dangle_m: 5\n", "did you mean 'roads.snap_dangles_m'?"},
        {"roads:\n  snap_dangles_m: -1\n", "'roads.snap_dangles_m' must be a distance in metres from 0 to 50 (got '-1')"},
        {"roads:\n  snap_dangles_m: 60\n", "'roads.snap_dangles_m' must be a distance in metres from 0 to 50 (got '60')"},
        {"roads:\n  snap_dangles_m: 5m\n", "'roads.snap_dangles_m' must be a distance in metres"},
        {"roads:\n  snap_dangles_m: abc\n", "'roads.snap_dangles_m' must be a distance in metres"},
        {"roads:\n  snap_dangles_m: nan\n", "'roads.snap_dangles_m' must be a distance in metres"},
        {"roads:\n  snap_dangles_m: \"\"\n", "'roads.snap_dangles_m' must not be empty"},
        {"roads:\n  snap_dangles_m: [5]\n", "'roads.snap_dangles_m' takes a single value, not a list"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lc_study *st = study_text(dir, bad[i].text);
        ck_assert_msg(st == NULL, "case %zu accepted", i);
        ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
        lct_assert_contains(lc_context_errmsg(lct_ctx), bad[i].message);
        lct_assert_contains(lc_context_errmsg(lct_ctx), "study.yml:"); /* the file, and its line */
    }
    lc_study *st = study_text(dir, "roads:\n  path: r.shp\n  exclude: 高速公路\n  node_crossings: TRUE\n"
                                   "  fields: {class: DLDJ, bridge: SFQL, tunnel: SFSD, level: CJ}\n");
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(st, "roads.exclude"), "高速公路");
    ck_assert_str_eq(lc_study_get(st, "roads.node_crossings"), "true");
    ck_assert_str_eq(lc_study_get(st, "roads.fields.level"), "CJ");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.node_crossings", "off"), LC_OK);
    ck_assert_str_eq(lc_study_get(st, "roads.node_crossings"), "false");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.snap_dangles_m", "2.5"), LC_OK);
    ck_assert_str_eq(lc_study_get(st, "roads.snap_dangles_m"), "2.5");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.snap_dangles_m", "50.5"), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "'roads.snap_dangles_m' must be a distance in metres");
    ck_assert_str_eq(lc_study_get(st, "roads.snap_dangles_m"), "2.5"); /* unchanged */
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "roads.exlude", "x"), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "did you mean 'roads.exclude'?");
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_roads(void)
{
    Suite *s = suite_create("roads");
    TCase *t = tcase_create("roads");
    tcase_add_checked_fixture(t, lct_setup, lct_teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, class_field_excludes_classes);
    tcase_add_test(t, crossing_lines_node_only_when_asked);
    tcase_add_test(t, bridges_and_levels_never_noded);
    tcase_add_test(t, crossing_near_a_vertex_of_each_line_is_joined);
    tcase_add_test(t, island_message_is_valid_utf8);
    tcase_add_test(t, island_without_facility_is_reported);
    tcase_add_test(t, cli_reports_exclusions_and_islands);
    tcase_add_test(t, cli_reports_the_joins_a_tolerance_makes);
    tcase_add_test(t, many_features_read_in_order_or_stop_at_a_failure);
    tcase_add_test(t, polygons_as_roads_are_refused);
    tcase_add_test(t, study_keys_and_typos);
    tcase_add_test(t, dangling_end_joins_the_nearest_line);
    tcase_add_test(t, dangling_end_never_joins_a_bridge);
    tcase_add_test(t, end_at_a_junction_is_not_moved);
    tcase_add_test(t, facing_dangling_ends_join_once);
    tcase_add_test(t, exact_tolerance_joins_what_the_exact_network_would_leave_apart);
    tcase_add_test(t, dangles_counted_in_the_quality_summary);
    suite_add_tcase(s, t);
    return s;
}
