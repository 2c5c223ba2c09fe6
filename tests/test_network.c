/*
 * tests/test_network.c — the walking network against answers known without lifecircle: a grid with
 * distances 100·(|i|+|j|), partial-edge attachment computed by hand, off-network points, lines that
 * cross at different levels (bridges) staying apart, the OSM tag rules, a river with one far bridge
 * (straight-line covered, network not), and on the Porto demo every demand point's distance equal to
 * a plain Dijkstra written here over the exported edges, within 0.01 m; and several categories'
 * outlines traced at once equal to each traced alone, bit for bit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queries/corridor_int.h"
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

/* The distance from one attached source to an attached point, through the library. */
static double one_source(const lc_network *net, lc_xy src, lc_xy dst, long *nearest)
{
    lc_snap s, d;
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, src, 200, &s), LC_OK);
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, dst, 200, &d), LC_OK);
    long id = 7;
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, &s, &id, 1, INFINITY);
    ck_assert_ptr_nonnull(r);
    double dist = lc_network_reach_distance(r, &d, nearest);
    lc_network_reach_destroy(r);
    return dist;
}

START_TEST(grid_distances_are_manhattan)
{
    lc_roads *roads = grid(10);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_ptr_nonnull(net);
    ck_assert_uint_eq(lc_network_node_count(net), 121);
    ck_assert_uint_eq(lc_network_edge_count(net), 2 * 11 * 10);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_double_eq_tol(lc_network_length(net), 2 * 11 * 1000.0, 1e-9);
    lc_snap s;
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, (lc_xy){0, 0}, 200, &s), LC_OK);
    long id = 3;
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, &s, &id, 1, INFINITY);
    ck_assert_ptr_nonnull(r);
    for (size_t v = 0; v < lc_network_node_count(net); v++) {
        lc_xy p = lc_network_node(net, v);
        long near = -1;
        ck_assert_double_eq_tol(lc_network_reach_node(r, v, &near), p.x + p.y, 1e-9);
        ck_assert_int_eq(near, 3);
    }
    lc_network_reach_destroy(r);
    /* A bound leaves farther nodes unreached. */
    r = lc_network_reach_compute(lct_ctx, net, &s, &id, 1, 450);
    for (size_t v = 0; v < lc_network_node_count(net); v++) {
        lc_xy p = lc_network_node(net, v);
        ck_assert(p.x + p.y <= 450 ? isfinite(lc_network_reach_node(r, v, NULL)) : isinf(lc_network_reach_node(r, v, NULL)));
    }
    lc_network_reach_destroy(r);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(partial_edges_and_access_legs)
{
    lc_roads *roads = grid(4);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    long near = -1;
    /* Source 10 m off the street y=0 at x=50; target 20 m off it at x=330: 10 + (100-50) + 200 + 30 + 20,
     * but the street runs straight, so along it: 10 + 280 + 20 = 310. */
    ck_assert_double_eq_tol(one_source(net, (lc_xy){50, -10}, (lc_xy){330, -20}, &near), 310, 1e-9);
    ck_assert_int_eq(near, 7);
    /* Both on the same edge: along the edge between them, no detour through its ends. */
    ck_assert_double_eq_tol(one_source(net, (lc_xy){20, -5}, (lc_xy){80, -5}, NULL), 5 + 60 + 5, 1e-9);
    /* Around a corner: from (50,-10) to (-15, 260) attaches to x=0 at y=260: 10+50+260+15. */
    ck_assert_double_eq_tol(one_source(net, (lc_xy){50, -10}, (lc_xy){-15, 260}, NULL), 10 + 50 + 260 + 15, 1e-9);
    /* Through a block: (150,150) is 50 m from four streets; to (250,150): 50+50+100+... = via y=100:
     * 50 + (250-150) + 50 = 200 (straight line 100). */
    ck_assert_double_eq_tol(one_source(net, (lc_xy){150, 140}, (lc_xy){250, 140}, NULL), 40 + 100 + 40, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(off_network_points)
{
    lc_roads *roads = grid(2);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    lc_snap s;
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, (lc_xy){100, 500}, 200, &s), LC_OK);
    ck_assert_int_eq(s.edge, -1);
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, (lc_xy){100, 399}, 200, &s), LC_OK);
    ck_assert_int_ge(s.edge, 0);
    ck_assert_double_eq_tol(s.access_m, 199, 1e-9);
    long near = 5;
    ck_assert(isinf(one_source(net, (lc_xy){0, 0}, (lc_xy){100, 500}, &near)));
    ck_assert_int_eq(near, -1);
    ck_assert(isinf(one_source(net, (lc_xy){900, 900}, (lc_xy){100, 100}, NULL))); /* the source is off */
    ck_assert_int_eq(lc_network_snap(lct_ctx, net, (lc_xy){NAN, 0}, 200, &s), LC_ERR_MISUSE);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(bridges_are_not_noded)
{
    /* A street y=0 and a bridge x=0 over it, both with a vertex at (0,0): the bridge's vertex there is
     * inside the line and on level 1, so the two stay apart. The bridge's ends land on the street's
     * level-0 vertices at y=±100 and join there. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy street[] = {{-100, 0}, {0, 0}, {100, 0}};
    lc_xy bridge[] = {{0, -50}, {0, 0}, {0, 50}};
    lc_xy ramp[] = {{0, 50}, {0, 100}, {-100, 100}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, street, 3, "primary", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, bridge, 3, "footway", 1, 1, 0, 2), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, ramp, 3, "footway", 0, 0, 0, 3), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_node_count(net), 3 + 3 + 2);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    ck_assert_uint_eq(lc_network_component_size(net, 0), 5); /* bridge + ramp */
    /* From the street's middle to the bridge's middle is not 0 but unreachable. */
    ck_assert(isinf(one_source(net, (lc_xy){10, -1}, (lc_xy){1, 30}, NULL)));
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    /* The same lines at one level meet at (0,0). */
    roads = lc_roads_create(lct_ctx);
    lc_roads_add(lct_ctx, roads, street, 3, "primary", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, bridge, 3, "footway", 0, 0, 0, 2);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    ck_assert_uint_eq(lc_network_node_count(net), 5);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    /* Lines that cross without a shared vertex are never joined. */
    roads = lc_roads_create(lct_ctx);
    lc_xy a[] = {{-100, 0}, {100, 0}}, b[] = {{0, -100}, {0, 100}};
    lc_roads_add(lct_ctx, roads, a, 2, "residential", 0, 0, 0, 1);
    lc_roads_add(lct_ctx, roads, b, 2, "residential", 0, 0, 0, 2);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(osm_tag_rules)
{
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    const lc_network_rules *r = lc_profile_network(p);
    ck_assert_double_eq(r->max_snap_m, 200);
    ck_assert_double_eq(r->buffer_m, 50);
    static const struct {
        const char *highway, *foot, *access;
        int walkable;
    } cases[] = {
        {"footway", NULL, NULL, 1},        {"residential", NULL, NULL, 1}, {"primary_link", NULL, NULL, 1},
        {"steps", NULL, NULL, 1},          {"track", NULL, NULL, 1},       {"cycleway", NULL, NULL, 1},
        {"cycleway", "no", NULL, 0},       {"footway", "no", NULL, 0},     {"motorway", NULL, NULL, 0},
        {"trunk", "yes", NULL, 0},         {"motorway_link", NULL, NULL, 0}, {"service", NULL, "private", 0},
        {"service", "yes", "private", 1},  {"residential", NULL, "no", 0}, {"residential", NULL, "destination", 1},
        {"bridleway", NULL, NULL, 0},      {"bridleway", "designated", NULL, 1}, {NULL, NULL, NULL, 0},
        {"construction", NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(lc_roads_walkable(r, cases[i].highway, cases[i].foot, cases[i].access) == cases[i].walkable,
                      "case %zu: %s foot=%s access=%s", i, cases[i].highway, cases[i].foot, cases[i].access);

    /* A profile that lets private compound roads count. */
    char *dir = lct_tmpdir(), *file = lct_path(dir, "p.yml");
    ck_assert_int_eq(lct_write_text(file, "extends: shanghai-2025\nprofile: open\nnetwork:\n  exclude_access: [no]\n"
                                          "  buffer_m: 30\n"), 0);
    lc_profile *open = lc_profile_load(lct_ctx, file);
    ck_assert_msg(open != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert(lc_roads_walkable(lc_profile_network(open), "service", NULL, "private"));
    ck_assert_double_eq(lc_profile_network(open)->buffer_m, 30);
    ck_assert_int_eq(lct_write_text(file, "extends: shanghai-2025\nprofile: bad\nnetwork:\n  walkable: footway\n"), 0);
    ck_assert_ptr_null(lc_profile_load(lct_ctx, file));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "takes a list");
    ck_assert_int_eq(lct_write_text(file, "extends: shanghai-2025\nprofile: bad\nnetwork:\n  max_snap: 5\n"), 0);
    ck_assert_ptr_null(lc_profile_load(lct_ctx, file));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "max_snap_m");

    /* An OSM-style fixture: tags in columns and in other_tags. */
    char *roads_path = lct_path(dir, "roads.geojson");
    const char *fx =
        "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[100,0]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"motorway\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,10],[100,10]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"cycleway\",\"other_tags\":\"\\\"foot\\\"=>\\\"no\\\"\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,20],[100,20]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"service\",\"other_tags\":\"\\\"access\\\"=>\\\"private\\\",\\\"lit\\\"=>\\\"yes\\\"\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,30],[100,30]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\",\"other_tags\":\"\\\"bridge\\\"=>\\\"yes\\\",\\\"layer\\\"=>\\\"2\\\"\"},\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[[[0,40],[100,40]],[[0,50],[100,50]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":null},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,60],[100,60]]}}"
        "]}";
    ck_assert_int_eq(lct_write_text(roads_path, fx), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "roads.path", roads_path);
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_roads_stats stats;
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, crs, &stats);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(stats.features, 6);
    ck_assert_uint_eq(stats.kept, 3);
    ck_assert_uint_eq(stats.foot_no, 1);
    ck_assert_uint_eq(stats.access, 1);
    ck_assert_uint_eq(stats.not_walkable, 2);
    ck_assert_uint_eq(lc_roads_count(roads), 3);
    lc_road b = lc_roads_get(roads, 1);
    ck_assert_int_eq(b.bridge, 1);
    ck_assert_int_eq(b.level, 2);
    ck_assert_str_eq(b.highway, "footway");
    ck_assert_double_eq_tol(b.pts[1].x, 100, 1e-6);
    lc_roads_destroy(roads);
    lc_crs_destroy(crs);
    lc_study_destroy(st);
    lc_profile_destroy(open);
    lc_profile_destroy(p);
    lct_rmtree(dir);
    free(roads_path);
    free(file);
    free(dir);
}
END_TEST

START_TEST(river_with_a_far_bridge)
{
    /* North bank street y=+200, south bank street y=-200, a 300 m wide river between; the only bridge
     * is at x=3000. A compound on the north bank at x 0..100, y 220..320; a centre on the south bank at
     * (50,-220). Straight line ≈ 440 m: covered. Along the network ≈ 2·3000 + 400: not. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *rd = lct_path(dir, "roads.geojson");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"N\",\"population\":100},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[0,220],[100,220],[100,320],[0,320],[0,220]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,-220]}}");
    lct_write_fc(rd, "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
                 "\"coordinates\":[[-1000,200],[3000,200]]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
                 "\"coordinates\":[[-1000,-200],[3000,-200]]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"highway\":\"footway\",\"bridge\":\"yes\",\"layer\":\"1\"},"
                 "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[3000,-200],[3000,200]]}}");
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", res);
    lc_study_set(lct_ctx, st, "facilities.path", fac);
    lc_study_set(lct_ctx, st, "roads.path", rd);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    size_t centre = (size_t)lc_profile_find_category(p, "centre");
    lc_coverage_options so = {.mode = LC_MODE_STRAIGHT}, no = {.mode = LC_MODE_NETWORK, .network = net};
    lc_coverage *s = lc_coverage_compute(lct_ctx, in, p, &so);
    lc_coverage *n = lc_coverage_compute(lct_ctx, in, p, &no);
    ck_assert_msg(s && n, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_double_eq(lc_coverage_get(s, 0, centre)->covered_share, 1.0);
    const lc_coverage_cell *c = lc_coverage_get(n, 0, centre);
    /* Demand point: the polygon's point on surface (50, 270), 70 m from the north street. */
    ck_assert_double_eq_tol(c->distance_m, 20 + 2950 + 400 + 2950 + 70, 1e-6);
    ck_assert_int_eq(c->nearest, 0);
    ck_assert_double_eq(c->covered_share, 0.0);
    ck_assert_double_eq(lc_coverage_covered_population(n, centre), 0.0);
    ck_assert_double_eq(lc_coverage_covered_population(s, centre), 100.0);
    /* The service area stays on the south bank: nothing north of y = -200 + 50. */
    double minx, miny, maxx, maxy;
    GEOSGeom_getExtent_r(lc_context_geos(lct_ctx), lc_coverage_service_area(n, centre), &minx, &miny, &maxx, &maxy);
    ck_assert_double_le(maxy, -150 + 1e-6);
    ck_assert_double_eq_tol(maxx, 50 + 980 + 50, 1e-6);
    /* Straight-line mode without a network is unchanged; network mode without one is refused. */
    lc_coverage_options bad = {.mode = LC_MODE_NETWORK};
    ck_assert_ptr_null(lc_coverage_compute(lct_ctx, in, p, &bad));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_UNSUPPORTED);
    lc_coverage_destroy(s);
    lc_coverage_destroy(n);
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

/* ---- an independent Dijkstra over exported edges ------------------------------------------------ */

typedef struct plain_graph {
    size_t n, m;
    size_t *a, *b;
    double *len;
} plain_graph;

/* Dijkstra with an O(n) scan for the minimum (slow and obviously right) from node distances d0
 * (INFINITY where not a source); fills d. */
static void plain_dijkstra(const plain_graph *g, const size_t *first, const size_t *inc, double *d)
{
    char *done = calloc(g->n, 1);
    for (;;) {
        size_t best = g->n;
        for (size_t v = 0; v < g->n; v++)
            if (!done[v] && isfinite(d[v]) && (best == g->n || d[v] < d[best]))
                best = v;
        if (best == g->n)
            break;
        done[best] = 1;
        for (size_t k = first[best]; k < first[best + 1]; k++) {
            size_t e = inc[k], w = g->a[e] == best ? g->b[e] : g->a[e];
            if (d[best] + g->len[e] < d[w])
                d[w] = d[best] + g->len[e];
        }
    }
    free(done);
}

/* An (n+1) × (n+1) grid of "residential" streets `spacing` metres apart from (0,0), one line each. */
static lc_roads *street_grid(int n, double spacing)
{
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy *pts = malloc((size_t)(n + 1) * sizeof *pts);
    for (int k = 0; k <= n; k++) {
        for (int i = 0; i <= n; i++)
            pts[i] = (lc_xy){spacing * i, spacing * k};
        ck_assert_int_eq(lc_roads_add(lct_ctx, roads, pts, (size_t)n + 1, "residential", 0, 0, 0, k), LC_OK);
        for (int i = 0; i <= n; i++)
            pts[i] = (lc_xy){spacing * k, spacing * i};
        ck_assert_int_eq(lc_roads_add(lct_ctx, roads, pts, (size_t)n + 1, "residential", 0, 0, 0, 100 + k), LC_OK);
    }
    free(pts);
    return roads;
}

/* The corridor computed apart from the coverage (lct_buffered_reach: every part of an edge within
 * reach of the point at, buffered alone by 50 m with 64 segments a quarter circle and dissolved by
 * GEOS), from at least min_segs parts. Caller destroys the result. */
static GEOSGeometry *plain_corridor(const lc_network *net, lc_xy at, double reach, size_t min_segs)
{
    size_t nseg = 0;
    GEOSGeometry *sa = lct_buffered_reach(net, &at, 1, reach, 50, 64, &nseg);
    ck_assert_uint_gt(nseg, min_segs);
    return sa;
}

/* Asserts that every compound's share agrees with its share of sa (more than 5 compounds each
 * wholly, partly and not covered) and that the service area outlines sa. sa's polygons are inscribed
 * in the true circles, by at most 50·(1 − cos(π/256)) = 0.0038 m across its edge, while the
 * coverage's share is never below the exact one and at most its stated bound above it: so
 * ref ≤ share ≤ ref + bound + 0.0038 m × the length of sa's edge in the compound / its area. The
 * service area, traced on a grid, has every crossing on the corridor's edge and chords of its round
 * parts: its area within tol × sa's, the symmetric difference under tol × sa's area. */
static void assert_matches_corridor(const lc_coverage *cov, const lc_layer *rl, size_t centre, const GEOSGeometry *sa,
                                    double tol)
{
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    size_t whole = 0, partial = 0, none = 0;
    double bound = lc_coverage_get_accuracy(cov)->share_bound, slack = 50 * (1 - cos(M_PI / 256));
    GEOSGeometry *edge = GEOSBoundary_r(h, sa);
    for (size_t i = 0; i < lc_layer_count(rl); i++) {
        const lc_feature *f = lc_layer_feature(rl, i);
        GEOSGeometry *x = GEOSIntersection_r(h, f->geom, sa), *e = GEOSIntersection_r(h, edge, f->geom);
        double inside = 0, len = 0;
        GEOSArea_r(h, x, &inside);
        GEOSLength_r(h, e, &len);
        GEOSGeom_destroy_r(h, x);
        GEOSGeom_destroy_r(h, e);
        double share = lc_coverage_get(cov, i, centre)->covered_share, ref = inside / f->area;
        ck_assert_msg(share >= ref - 1e-9 && share <= ref + bound + (slack * len + 1e-6) / f->area,
                      "%s: share %.12f, buffered segments %.12f (bound %.3g)", f->id, share, ref, bound);
        whole += share == 1;
        none += share == 0;
        partial += share > 0 && share < 1;
    }
    GEOSGeom_destroy_r(h, edge);
    ck_assert_uint_gt(whole, 5);
    ck_assert_uint_gt(partial, 5);
    ck_assert_uint_gt(none, 5);
    const GEOSGeometry *mine = lc_coverage_service_area(cov, centre);
    double a1 = 0, a2 = 0, ad = 0;
    GEOSArea_r(h, sa, &a1);
    GEOSArea_r(h, mine, &a2);
    GEOSGeometry *d = GEOSSymDifference_r(h, sa, mine);
    GEOSArea_r(h, d, &ad);
    GEOSGeom_destroy_r(h, d);
    ck_assert_double_eq_tol(a1, a2, tol * a1);
    ck_assert_double_lt(ad, tol * a1);
}

/* The network tests' setting: the inputs of a study of the GeoJSON files res and fac (plus, when key
 * is set, path as that layer, e.g. "entrances.path") with the built-in profile, the network of roads
 * (taken), and their coverage along it with the options o (mode and network are set here). */
typedef struct net_case {
    lc_roads *roads;
    lc_network *net;
    lc_profile *p;
    lc_quality *q;
    lc_study *st;
    lc_inputs *in;
    lc_coverage_options o;
    lc_coverage *cov;
    size_t centre;
} net_case;

static net_case net_case_run(lc_roads *roads, const char *res, const char *fac, const char *key, const char *path,
                             lc_coverage_options o)
{
    net_case c = {.roads = roads};
    c.net = lc_network_build(lct_ctx, c.roads, 0.5);
    ck_assert_ptr_nonnull(c.net);
    c.st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, c.st, "residential.path", res);
    lc_study_set(lct_ctx, c.st, "facilities.path", fac);
    if (key)
        lc_study_set(lct_ctx, c.st, key, path);
    c.p = lc_profile_load(lct_ctx, "shanghai-2025");
    c.q = lc_quality_create(lct_ctx);
    c.in = lc_inputs_read(lct_ctx, c.st, c.p, c.q);
    ck_assert_msg(c.in != NULL, "%s", lc_context_errmsg(lct_ctx));
    c.centre = (size_t)lc_profile_find_category(c.p, "centre");
    c.o = o;
    c.o.mode = LC_MODE_NETWORK;
    c.o.network = c.net;
    c.cov = lc_coverage_compute(lct_ctx, c.in, c.p, &c.o);
    ck_assert_msg(c.cov != NULL, "%s", lc_context_errmsg(lct_ctx));
    return c;
}

static void net_case_free(net_case *c)
{
    lc_coverage_destroy(c->cov);
    lc_inputs_destroy(c->in);
    lc_quality_destroy(c->q);
    lc_study_destroy(c->st);
    lc_profile_destroy(c->p);
    lc_network_destroy(c->net);
    lc_roads_destroy(c->roads);
}

/* The demand-point tests' setting: one street along y = 0 from x = 0 to 2,000, reach_m, grid_m. */
static net_case street_case_run(const char *res, const char *fac, const char *key, const char *path, double reach_m,
                                double grid_m)
{
    lc_roads *roads = lc_roads_create(lct_ctx);
    static const lc_xy street[] = {{0, 0}, {2000, 0}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, street, 2, "residential", 0, 0, 0, 1), LC_OK);
    return net_case_run(roads, res, fac, key, path, (lc_coverage_options){.reach_m = reach_m, .demand_grid_m = grid_m});
}

/* Appends to feats (npoly features so far in len of its cap bytes) compound R<i>_<j> of 10
 * residents, the w × h rectangle from (x, y). */
static void add_rect(char *feats, size_t cap, size_t *len, size_t *npoly, int i, int j, double x, double y, double w,
                     double h)
{
    *len += (size_t)snprintf(feats + *len, cap - *len,
                             "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"R%d_%d\",\"population\":10},"
                             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],"
                             "[%g,%g]]]}}", *npoly ? "," : "", i, j, x, y, x + w, y, x + w, y + h, x, y + h, x, y);
    ck_assert_uint_lt(*len, cap);
    (*npoly)++;
}

START_TEST(dense_grid_matches_buffered_segments)
{
    /* Streets 25 m apart (closer than twice the 50 m corridor), a centre at (510,500) with a 300 m
     * reach: the service area is a solid diamond whose inside the coverage fills without buffering
     * (lc_corridor_in_box) and whose edge it builds from the few pieces near it. Every compound's
     * share must equal its share of the union of GEOS buffers of every reachable segment (the
     * network's own lc_network_reach_segments, buffered and dissolved here one by one). */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson");
    char feats[16384];
    size_t len = 0, npoly = 0;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            double x = 130 + 110.0 * i + 3 * j, y = 140 + 105.0 * j;
            add_rect(feats, sizeof feats, &len, &npoly, i, j, x, y, 70, 55);
        }
    lct_write_fc(res, feats);
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[510,500]}}");
    net_case nc = net_case_run(street_grid(40, 25), res, fac, NULL, NULL, (lc_coverage_options){.reach_m = 300, .threads = 2});
    lc_coverage *cov = nc.cov;
    const lc_inputs *in = nc.in;
    const lc_profile *p = nc.p;
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSGeometry *sa = plain_corridor(nc.net, (lc_xy){510, 500}, 300, 200);
    size_t centre = (size_t)lc_profile_find_category(p, "centre");
    const lc_layer *rl = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    ck_assert_uint_eq(lc_layer_count(rl), npoly);
    /* Compounds wholly inside, across the edge and outside the diamond; the same service area. */
    assert_matches_corridor(cov, rl, centre, sa, 0.005);
    GEOSGeom_destroy_r(h, sa);
    /* The service area is complete when lc_coverage_compute returns (the wait kept for older callers
     * answers at once), and computing again gives it vertex for vertex. */
    ck_assert_int_eq(lc_coverage_service_areas_wait(lct_ctx, cov), LC_OK);
    ck_assert_int_eq(lc_coverage_service_areas_wait(NULL, cov), LC_ERR_MISUSE);
    lc_coverage *again = lc_coverage_compute(lct_ctx, in, p, &nc.o);
    ck_assert_ptr_nonnull(again);
    ck_assert_int_eq(GEOSEqualsExact_r(h, lc_coverage_service_area(again, centre), lc_coverage_service_area(cov, centre), 0), 1);
    lc_coverage_destroy(again);
    net_case_free(&nc);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(dir);
}
END_TEST

START_TEST(comb_of_dead_ends_matches_buffered_segments)
{
    /* A street along y = 0 from x = 0 to 800 with 20 m dead-end spurs north every 30 m: north of the
     * spine the corridor's edge is the union of the spurs' end discs (50 m, centres 30 m apart), so
     * the smallest squares there see several discs at once and are measured exactly by the discs'
     * union (corridor_area.c). Every centre share must equal its share of the union of GEOS buffers
     * of every reachable segment (assert_matches_corridor). Three life-circle categories reached
     * 300 m from x = 250, 400 and 550 overlap only in the middle: each compound's life-circle share
     * must be its share of the intersection of the three buffered corridors, never below it and at
     * most 0.001 above (the few squares whose pieces are seen across their ends are estimated too
     * large; no bound is reported for the life circle). */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson");
    char feats[32768];
    size_t len = 0, npoly = 0;
    const double rows[] = {5, 52, 60, 130};
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 17; i++) {
            double x = 15 + 47.0 * i + 3 * j, y = rows[j];
            add_rect(feats, sizeof feats, &len, &npoly, i, j, x, y, 40, 25);
        }
    lct_write_fc(res, feats);
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"category\":\"centre\",\"floor_area\":1},"
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[250,0]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"category\":\"meal_point\",\"floor_area\":1},"
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[550,0]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\",\"category\":\"day_care\",\"floor_area\":1},"
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[400,0]}},"
                 "{\"type\":\"Feature\",\"properties\":{\"id\":\"W\",\"category\":\"doorstep\",\"floor_area\":1},"
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[400,0]}}");
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy spine[29] = {{0, 0}}; /* a vertex where each spur meets it, so that they join */
    for (int k = 0; k < 27; k++)
        spine[k + 1] = (lc_xy){10 + 30.0 * k, 0};
    spine[28] = (lc_xy){800, 0};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, spine, 29, "residential", 0, 0, 0, 1), LC_OK);
    for (int k = 0; k < 27; k++) {
        lc_xy spur[2] = {{10 + 30.0 * k, 0}, {10 + 30.0 * k, 20}};
        ck_assert_int_eq(lc_roads_add(lct_ctx, roads, spur, 2, "residential", 0, 0, 0, 10 + k), LC_OK);
    }
    /* The doorstep point reaches the whole comb (1,000 m): the corridor the centre test compares. */
    net_case nc = net_case_run(roads, res, fac, NULL, NULL, (lc_coverage_options){.reach_m = 300, .threads = 2});
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    const lc_layer *rl = lc_inputs_layer(nc.in, LC_LAYER_RESIDENTIAL);
    ck_assert_uint_eq(lc_layer_count(rl), npoly);
    lc_coverage_options all = nc.o;
    all.reach_m = 1000;
    lc_coverage *whole = lc_coverage_compute(lct_ctx, nc.in, nc.p, &all);
    ck_assert_ptr_nonnull(whole);
    GEOSGeometry *sa = plain_corridor(nc.net, (lc_xy){400, 0}, 1000, 27);
    assert_matches_corridor(whole, rl, nc.centre, sa, 0.005);
    GEOSGeom_destroy_r(h, sa);
    lc_coverage_destroy(whole);
    const char *circle[3] = {"centre", "meal_point", "day_care"};
    const lc_xy at[3] = {{250, 0}, {550, 0}, {400, 0}};
    GEOSGeometry *both = NULL;
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(lc_profile_category(nc.p, (size_t)lc_profile_find_category(nc.p, circle[k]))->in_life_circle, 1);
        GEOSGeometry *c = lct_buffered_reach(nc.net, &at[k], 1, 300, 50, 64, NULL), *x = both ? GEOSIntersection_r(h, both, c) : c;
        if (both) {
            GEOSGeom_destroy_r(h, both);
            GEOSGeom_destroy_r(h, c);
        }
        both = x;
    }
    size_t partial = 0;
    for (size_t i = 0; i < lc_layer_count(rl); i++) {
        const lc_feature *f = lc_layer_feature(rl, i);
        GEOSGeometry *x = GEOSIntersection_r(h, f->geom, both);
        double inside = 0;
        GEOSArea_r(h, x, &inside);
        GEOSGeom_destroy_r(h, x);
        double share = lc_coverage_circle_share(nc.cov, i), ref = inside / f->area;
        ck_assert_msg(share >= ref - 1e-9 && share <= ref + 1e-3, "%s: life circle %.9f, buffered corridors %.9f",
                      f->id, share, ref);
        partial += share > 0.01 && share < 0.99;
    }
    ck_assert_uint_gt(partial, 5);
    GEOSGeom_destroy_r(h, both);
    net_case_free(&nc);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(dir);
}
END_TEST

START_TEST(block_grid_holes_match_buffered_segments)
{
    /* Streets 150 m apart (blocks wider than the 100 m corridor), a centre at (760,740) with a 600 m
     * reach: inside the diamond every block leaves a 50 m hole in the corridor, many of them inside one
     * 500 m service square, whose certainly-inside cells then form a polygon with holes; along the
     * diamond's edge the cells step, touching only at corners. Every compound's share must equal its
     * share of the union of GEOS buffers of every reachable segment, buffered and dissolved here one by
     * one; the service area must be that union, holes and all. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson");
    char feats[32768];
    size_t len = 0, npoly = 0;
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++) { /* 40 × 30 m compounds 115 m apart: in holes, on streets, across edges */
            double x = 20 + 115.0 * i + 4 * j, y = 35 + 113.0 * j;
            add_rect(feats, sizeof feats, &len, &npoly, i, j, x, y, 40, 30);
        }
    ck_assert_uint_lt(len, sizeof feats);
    lct_write_fc(res, feats);
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[760,740]}}");
    net_case nc = net_case_run(street_grid(10, 150), res, fac, NULL, NULL,
                               (lc_coverage_options){.reach_m = 600, .threads = 1});
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSGeometry *sa = plain_corridor(nc.net, (lc_xy){760, 740}, 600, 40);
    size_t centre = nc.centre;
    const lc_layer *rl = lc_inputs_layer(nc.in, LC_LAYER_RESIDENTIAL);
    ck_assert_uint_eq(lc_layer_count(rl), npoly);
    for (int threads = 1; threads <= 2; threads++) { /* 1: the case's own coverage */
        lc_coverage_options o = nc.o;
        o.threads = threads;
        lc_coverage *cov = threads == 1 ? nc.cov : lc_coverage_compute(lct_ctx, nc.in, nc.p, &o);
        ck_assert_msg(cov != NULL, "%s", lc_context_errmsg(lct_ctx));
        /* The same shares, and the service area is the same region, with the blocks' holes. */
        assert_matches_corridor(cov, rl, centre, sa, 0.005);
        const GEOSGeometry *mine = lc_coverage_service_area(cov, centre);
        int holes = 0;
        for (int g = 0; g < GEOSGetNumGeometries_r(h, mine); g++)
            holes += GEOSGetNumInteriorRings_r(h, GEOSGetGeometryN_r(h, mine, g));
        ck_assert_int_ge(holes, 10); /* the blocks well inside the diamond, by construction */
        if (cov != nc.cov)
            lc_coverage_destroy(cov);
    }
    GEOSGeom_destroy_r(h, sa);
    net_case_free(&nc);
    lct_rmtree(dir);
    free(res);
    free(fac);
    free(dir);
}
END_TEST

START_TEST(porto_matches_plain_dijkstra)
{
    char *study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    lc_study *st = lc_study_load(lct_ctx, study);
    ck_assert_msg(st != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_roads *roads = lc_roads_read(lct_ctx, st, p, lc_inputs_crs(in), NULL);
    ck_assert_msg(roads != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_ptr_nonnull(net);
    lc_coverage_options o = {.mode = LC_MODE_NETWORK, .network = net, .threads = 2};
    lc_coverage *cov = lc_coverage_compute(lct_ctx, in, p, &o);
    ck_assert_msg(cov != NULL, "%s", lc_context_errmsg(lct_ctx));

    /* The exported graph, and its incidence lists built here. */
    plain_graph g = {.n = lc_network_node_count(net), .m = lc_network_edge_count(net)};
    g.a = malloc(g.m * sizeof *g.a);
    g.b = malloc(g.m * sizeof *g.b);
    g.len = malloc(g.m * sizeof *g.len);
    size_t *first = calloc(g.n + 1, sizeof *first), *inc = malloc(2 * g.m * sizeof *inc), *fill = calloc(g.n, sizeof *fill);
    for (size_t e = 0; e < g.m; e++) {
        ck_assert_int_eq(lc_network_edge(net, e, &g.a[e], &g.b[e], &g.len[e]), 0);
        first[g.a[e] + 1]++;
        first[g.b[e] + 1]++;
    }
    for (size_t v = 0; v < g.n; v++)
        first[v + 1] += first[v];
    for (size_t e = 0; e < g.m; e++) {
        inc[first[g.a[e]] + fill[g.a[e]]++] = e;
        inc[first[g.b[e]] + fill[g.b[e]]++] = e;
    }
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    size_t npoly = lc_layer_count(res), compared = 0, finite = 0;
    lc_snap *dem = malloc(npoly * sizeof *dem);
    for (size_t i = 0; i < npoly; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, lc_layer_feature(res, i)->geom);
        lc_xy xy;
        GEOSGeomGetX_r(h, pt, &xy.x);
        GEOSGeomGetY_r(h, pt, &xy.y);
        GEOSGeom_destroy_r(h, pt);
        lc_network_snap(lct_ctx, net, xy, 200, &dem[i]);
    }
    double *d = malloc(g.n * sizeof *d);
    for (size_t c = 0; c < lc_profile_category_count(p); c++) {
        /* Facilities of c, attached. */
        size_t nf = 0;
        lc_snap *fs = malloc((lc_layer_count(fac) + 1) * sizeof *fs);
        for (size_t k = 0; k < lc_layer_count(fac); k++) {
            const lc_feature *f = lc_layer_feature(fac, k);
            if (f->category != (int)c)
                continue;
            lc_xy xy;
            GEOSGeomGetX_r(h, f->geom, &xy.x);
            GEOSGeomGetY_r(h, f->geom, &xy.y);
            lc_network_snap(lct_ctx, net, xy, 200, &fs[nf]);
            if (fs[nf].edge >= 0)
                nf++;
        }
        for (size_t v = 0; v < g.n; v++)
            d[v] = INFINITY;
        for (size_t k = 0; k < nf; k++) {
            size_t e = (size_t)fs[k].edge;
            d[g.a[e]] = fmin(d[g.a[e]], fs[k].access_m + fs[k].along);
            d[g.b[e]] = fmin(d[g.b[e]], fs[k].access_m + g.len[e] - fs[k].along);
        }
        plain_dijkstra(&g, first, inc, d);
        for (size_t i = 0; i < npoly; i++) {
            double want = INFINITY;
            if (dem[i].edge >= 0) {
                size_t e = (size_t)dem[i].edge;
                want = fmin(d[g.a[e]] + dem[i].along, d[g.b[e]] + g.len[e] - dem[i].along);
                for (size_t k = 0; k < nf; k++)
                    if (fs[k].edge == dem[i].edge)
                        want = fmin(want, fs[k].access_m + fabs(fs[k].along - dem[i].along));
                want += dem[i].access_m;
            }
            double got = lc_coverage_get(cov, i, c)->distance_m;
            if (isinf(want))
                ck_assert_msg(isinf(got), "polygon %zu category %zu: %g, want unreachable", i, c, got);
            else
                ck_assert_msg(fabs(got - want) <= 0.01, "polygon %zu category %zu: %.4f, want %.4f", i, c, got, want);
            compared++;
            finite += isfinite(want);
        }
        free(fs);
    }
    ck_assert_uint_eq(compared, npoly * lc_profile_category_count(p));
    ck_assert_uint_gt(finite, compared / 2);
    /* Network reach never exceeds straight-line reach by much (the 50 m corridor may add a little). */
    lc_coverage_options so = {.mode = LC_MODE_STRAIGHT};
    lc_coverage *s = lc_coverage_compute(lct_ctx, in, p, &so);
    for (size_t c = 0; c < lc_profile_category_count(p); c++)
        ck_assert_double_le(lc_coverage_covered_population(cov, c), lc_coverage_covered_population(s, c) * 1.02 + 1);
    lc_coverage_destroy(s);
    free(d);
    free(dem);
    free(first);
    free(inc);
    free(fill);
    free(g.a);
    free(g.b);
    free(g.len);
    lc_coverage_destroy(cov);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    free(study);
}
END_TEST

START_TEST(entrances_decide_walled_compounds)
{
    /* One street along y = 0 from x = 0 to 2,000; a centre at (0, −10) (access 10 m). Reach 1,000 m.
     * R1 [400,600]×[20,220], 100 residents, entrance E1 at (500, 20) on its edge (no compound id: the
     * compound within 30 m): walk 10 + 500 + 20 = 530 m → covered whole. R2 [700,900]×[20,220], 50
     * residents, whose only gate E2 (compound id R2) is at (1,300, 20): 10 + 1,300 + 20 = 1,330 m → not
     * covered at all, the whole 40,000 m² a gap — though its point on surface (800, 120) is 930 m away.
     * R3 [200,300]×[−120,−20], 20 residents, no entrance: the area method, as without entrances.
     * E3 at (1,000, 500) belongs to no compound (none within 30 m, no id). */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *ent = lct_path(dir, "e.geojson");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"population\":100},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[400,20],[600,20],[600,220],[400,220],[400,20]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"population\":50},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[700,20],[900,20],[900,220],[700,220],[700,20]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"R3\",\"population\":20},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[200,-120],[300,-120],[300,-20],[200,-20],[200,-120]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,-10]}}");
    lct_write_fc(ent, "{\"type\":\"Feature\",\"properties\":{\"id\":\"E1\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500,20]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"E2\",\"小区编号\":\"R2\"},\"geometry\":"
                  "{\"type\":\"Point\",\"coordinates\":[1300,20]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"E3\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[1000,500]}}");
    net_case without = street_case_run(res, fac, NULL, NULL, 1000, 0);
    net_case with = street_case_run(res, fac, "entrances.path", ent, 1000, 0);
    lc_coverage *cov[2] = {without.cov, with.cov};
    size_t centre = with.centre;
    ck_assert_uint_eq(lc_coverage_entrance_polygons(cov[0]), 0);
    ck_assert_uint_eq(lc_coverage_entrance_polygons(cov[1]), 2);
    const lc_coverage_cell *r1 = lc_coverage_get(cov[1], 0, centre), *r2 = lc_coverage_get(cov[1], 1, centre);
    ck_assert_double_eq_tol(r1->distance_m, 530, 1e-6);
    ck_assert_double_eq(r1->covered_share, 1.0);
    ck_assert_double_eq(r1->covered_pop, 100.0);
    ck_assert_ptr_null(lc_coverage_gap(cov[1], 0, centre));
    ck_assert_double_eq_tol(r2->distance_m, 1330, 1e-6);
    ck_assert_double_eq(r2->covered_share, 0.0);
    double a = 0;
    ck_assert(GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(cov[1], 1, centre), &a));
    ck_assert_double_eq_tol(a, 40000, 1e-6);
    /* Without entrances R2 walks from (800, 120): 10 + 800 + 120 = 930 m, partly covered. */
    ck_assert_double_eq_tol(lc_coverage_get(cov[0], 1, centre)->distance_m, 930, 1e-6);
    ck_assert(lc_coverage_get(cov[0], 1, centre)->covered_share > 0);
    /* R3 has no entrance: the same cell either way. */
    const lc_coverage_cell *a3 = lc_coverage_get(cov[0], 2, centre), *b3 = lc_coverage_get(cov[1], 2, centre);
    ck_assert_double_eq(a3->distance_m, b3->distance_m);
    ck_assert_double_eq(a3->covered_share, b3->covered_share);
    net_case_free(&without);
    net_case_free(&with);
    lct_rmtree(dir);
    free(dir), free(res), free(fac), free(ent);
}
END_TEST

START_TEST(grid_demand_points_split_a_compound)
{
    /* The street y = 0 from x = 0 to 2,000, a centre at (0, −10); reach 200 m; demand grid 50 m.
     * R [0,200]×[10,110], 60 residents: grid points strictly inside at x 50, 100, 150 and y 50, 100;
     * a point (x, y) walks 10 + x + y. Within 200 m: (50,50) 110, (100,50) 160, (50,100) 160; not
     * (150,50) 210, (100,100) 210, (150,100) 260. Share 3/6, 30 residents, distance 110 m; the gap is
     * the 50 m cells of the three far points cut to R: 2,500 + 1,750 + 1,750 = 6,000 m². S
     * [300,320]×[10,30] is smaller than the grid: a point on its surface, the area method. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"R\",\"population\":60},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[0,10],[200,10],[200,110],[0,110],[0,10]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"S\",\"population\":5},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[300,10],[320,10],[320,30],[300,30],[300,10]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,-10]}}");
    net_case sc = street_case_run(res, fac, NULL, NULL, 200, 50);
    lc_coverage *cov = sc.cov;
    size_t centre = sc.centre;
    double g = 0;
    ck_assert_uint_eq(lc_coverage_grid_polygons(cov, &g), 1);
    ck_assert_double_eq(g, 50);
    const lc_coverage_cell *c = lc_coverage_get(cov, 0, centre);
    ck_assert_double_eq_tol(c->covered_share, 0.5, 1e-12);
    ck_assert_double_eq_tol(c->covered_pop, 30, 1e-9);
    ck_assert_double_eq_tol(c->distance_m, 110, 1e-6);
    double a = 0;
    ck_assert(GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(cov, 0, centre), &a));
    ck_assert_double_eq_tol(a, 6000, 1e-6);
    /* S by the area method: its point on surface (310, 20) walks 10 + 310 + 20 = 340 m > 200: and the
     * corridor (50 m either side of the street up to x = 190 + 50) does not reach it: share 0. */
    ck_assert_double_eq_tol(lc_coverage_get(cov, 1, centre)->distance_m, 340, 1e-6);
    ck_assert_double_eq(lc_coverage_get(cov, 1, centre)->covered_share, 0);
    net_case_free(&sc);
    lct_rmtree(dir);
    free(dir), free(res), free(fac);
}
END_TEST

START_TEST(buildings_weight_a_compound)
{
    /* The street y = 0 from x = 0 to 2,000, a centre at (0, −10); reach 200 m. Compound R
     * [0,200]×[10,110], 100 residents, holds three buildings (20 m squares; a point on each one's
     * surface is its centre): B1 at (50,50) 10 people walks 10 + 50 + 50 = 110 m; B2 at (150,50) 30
     * people, 210 m; B3 at (50,90) 20 people, 150 m. Within reach: B1 and B3, 30 of 60 building
     * residents → share 0.5, 50 of R's residents, distance 110 m, gap B2's footprint, 400 m². B4 lies
     * outside every compound. Buildings come before the grid (demand_grid_m is also set). */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson"), *bld = lct_path(dir, "b.geojson");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"R\",\"population\":100},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[0,10],[200,10],[200,110],[0,110],[0,10]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,-10]}}");
    lct_write_fc(bld, "{\"type\":\"Feature\",\"properties\":{\"id\":\"B1\",\"population\":10},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[40,40],[60,40],[60,60],[40,60],[40,40]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"B2\",\"population\":30},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[140,40],[160,40],[160,60],[140,60],[140,40]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"B3\",\"population\":20},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[40,80],[60,80],[60,100],[40,100],[40,80]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"B4\",\"population\":5},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[900,400],[920,400],[920,420],[900,420],[900,400]]]}}");
    net_case sc = street_case_run(res, fac, "buildings.path", bld, 200, 50);
    lc_coverage *cov = sc.cov;
    size_t centre = sc.centre;
    ck_assert_uint_eq(lc_coverage_building_polygons(cov), 1);
    ck_assert_uint_eq(lc_coverage_grid_polygons(cov, NULL), 0);
    const lc_coverage_cell *c = lc_coverage_get(cov, 0, centre);
    ck_assert_double_eq_tol(c->covered_share, 0.5, 1e-12);
    ck_assert_double_eq_tol(c->covered_pop, 50, 1e-9);
    ck_assert_double_eq_tol(c->distance_m, 110, 1e-6);
    double a = 0;
    ck_assert(GEOSArea_r(lc_context_geos(lct_ctx), lc_coverage_gap(cov, 0, centre), &a));
    ck_assert_double_eq_tol(a, 400, 1e-6);
    net_case_free(&sc);
    lct_rmtree(dir);
    free(dir), free(res), free(fac), free(bld);
}
END_TEST

/* ---- catchment streets --------------------------------------------------------------------------- */

/* Runs one unbounded pass from the points src[0..n) (ids 0..n-1, snapped within 200 m) and sums the
 * pieces per id into len[] and in[] (budget_m); asserts the pieces are in edge order, non-empty, each
 * within its edge and within reach no longer than itself. Returns the number of pieces. */
static size_t piece_sums(const lc_network *net, const lc_xy *src, size_t n, double budget_m, double *len, double *in)
{
    lc_snap *s = calloc(n, sizeof *s);
    long *ids = calloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, src[i], 200, &s[i]), LC_OK);
        ids[i] = (long)i;
        len[i] = in[i] = 0;
    }
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, s, ids, n, INFINITY);
    ck_assert_ptr_nonnull(r);
    lc_network_piece *pc = NULL;
    size_t np = 0;
    ck_assert_int_eq(lc_network_reach_pieces(lct_ctx, r, budget_m, &pc, &np), LC_OK);
    for (size_t k = 0; k < np; k++) {
        double el = 0;
        ck_assert_int_eq(lc_network_edge(net, pc[k].edge, NULL, NULL, &el), 0);
        ck_assert(pc[k].lo >= 0 && pc[k].lo < pc[k].hi && pc[k].hi <= el);
        ck_assert(k == 0 || pc[k - 1].edge < pc[k].edge || (pc[k - 1].edge == pc[k].edge && pc[k - 1].hi <= pc[k].lo));
        ck_assert(pc[k].id >= 0 && (size_t)pc[k].id < n);
        ck_assert(pc[k].in_reach_m >= 0 && pc[k].in_reach_m <= pc[k].hi - pc[k].lo + 1e-9);
        len[pc[k].id] += pc[k].hi - pc[k].lo;
        in[pc[k].id] += pc[k].in_reach_m;
    }
    free(pc);
    lc_network_reach_destroy(r);
    /* A bounded pass is refused: its far edges would be missing. */
    r = lc_network_reach_compute(lct_ctx, net, s, ids, n, 1000);
    size_t none = 1;
    ck_assert_int_eq(lc_network_reach_pieces(lct_ctx, r, budget_m, &pc, &none), LC_ERR_MISUSE);
    ck_assert_ptr_null(pc);
    ck_assert_uint_eq(none, 0);
    lc_network_reach_destroy(r);
    free(s);
    free(ids);
    return np;
}

START_TEST(straight_street_split_between_two_facilities)
{
    /* One street (a single edge) along y = 0 from x = 0 to 1,000; facilities A at x = 100 and B at
     * x = 700, both on it. A point at x is |x − 100| from A, |x − 700| from B: the street splits where
     * they are equal, x = 400: A 400 m, B 600 m. Within 250 m: A's [0, 350] = 350 m, B's
     * [450, 950] = 500 m. With access legs, A at (100, 10) (10 m) and B at (700, −20) (20 m): the split
     * is where 10 + x − 100 = 20 + 700 − x, x = 405: A 405 m, B 595 m; within 250 m A's
     * |x − 100| ≤ 240, [0, 340] = 340 m, and B's |x − 700| ≤ 230, [470, 930] = 460 m. */
    lc_roads *roads = lc_roads_create(lct_ctx);
    static const lc_xy street[] = {{0, 0}, {1000, 0}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, street, 2, "residential", 0, 0, 0, 1), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_edge_count(net), 1);
    double len[2], in[2];
    const lc_xy on[] = {{100, 0}, {700, 0}}, off[] = {{100, 10}, {700, -20}};
    ck_assert_uint_eq(piece_sums(net, on, 2, 250, len, in), 2);
    ck_assert_double_eq_tol(len[0], 400, 1e-9);
    ck_assert_double_eq_tol(len[1], 600, 1e-9);
    ck_assert_double_eq_tol(in[0], 350, 1e-9);
    ck_assert_double_eq_tol(in[1], 500, 1e-9);
    ck_assert_uint_eq(piece_sums(net, off, 2, 250, len, in), 2);
    ck_assert_double_eq_tol(len[0], 405, 1e-9);
    ck_assert_double_eq_tol(len[1], 595, 1e-9);
    ck_assert_double_eq_tol(in[0], 340, 1e-9);
    ck_assert_double_eq_tol(in[1], 460, 1e-9);
    /* An unlimited budget: everything within reach. */
    piece_sums(net, off, 2, INFINITY, len, in);
    ck_assert_double_eq_tol(in[0], 405, 1e-9);
    ck_assert_double_eq_tol(in[1], 595, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

/* The T of the catchment tests: a main street (0,0)–(400,0)–(800,0) (two edges), a side street
 * (400,0)–(400,300) meeting it at J = (400,0), and an island street (2000,2000)–(2100,2000) no
 * facility reaches. 1,200 m of street, 1,100 reachable. */
static lc_roads *t_streets(void)
{
    lc_roads *roads = lc_roads_create(lct_ctx);
    static const lc_xy main_st[] = {{0, 0}, {400, 0}, {800, 0}}, side[] = {{400, 0}, {400, 300}},
                       island[] = {{2000, 2000}, {2100, 2000}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, main_st, 3, "residential", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, side, 2, "residential", 0, 0, 0, 2), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, island, 2, "residential", 0, 0, 0, 3), LC_OK);
    return roads;
}

START_TEST(t_junction_and_island)
{
    /* Facilities F0 at (100,0) (mid-edge on the first main edge), F1 at (800,0) (the main street's
     * end), F2 at (400,260) (260 m up the side street). J is 300 m from F0, 400 from F1, 260 from F2:
     * F2's. First main edge (J at 400): F0's |x − 100| meets F2's 260 + 400 − x at x = 380: F0 380 m,
     * F2 20 m. Second main edge from J: F2's 260 + x meets F1's 400 − x at x = 70: F2 70 m, F1 330 m.
     * The side street is F2's, 300 m. F0 380, F1 330, F2 390: 1,100 m, the island's 100 m left out.
     * Within 250 m: F0 [0, 350] = 350; F1 the last 250 m = 250; F2 on the side street from 260 − 250
     * = 10 to 300 = 290 m (J itself is 260 m away, so nothing on the main street). */
    lc_roads *roads = t_streets();
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_edge_count(net), 4);
    ck_assert_double_eq_tol(lc_network_length(net), 1200, 1e-9);
    const lc_xy fac[] = {{100, 0}, {800, 0}, {400, 260}};
    double len[3], in[3];
    /* 5 pieces: F0 and F2 on the first edge, F2 and F1 on the second, F2 the side street. */
    ck_assert_uint_eq(piece_sums(net, fac, 3, 250, len, in), 5);
    ck_assert_double_eq_tol(len[0], 380, 1e-9);
    ck_assert_double_eq_tol(len[1], 330, 1e-9);
    ck_assert_double_eq_tol(len[2], 390, 1e-9);
    ck_assert_double_eq_tol(len[0] + len[1] + len[2], 1100, 1e-9);
    ck_assert_double_eq_tol(in[0], 350, 1e-9);
    ck_assert_double_eq_tol(in[1], 250, 1e-9);
    ck_assert_double_eq_tol(in[2], 290, 1e-9);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(grid_catchments_cover_the_reached_network)
{
    /* A 10 × 10 block grid of streets 150 m apart (22 streets of 1,500 m: 33,000 m) and a 300 m island
     * street; five facilities off the streets. By construction the pieces share out exactly the
     * 33,000 m reached, the island never; each piece's midpoint has its facility as the nearest one
     * (lc_network_reach_distance, which walks from the point); and the parts within 300 m add up to
     * the reachable parts of edges (lc_network_reach_segments, cut from either end). */
    lc_roads *roads = street_grid(10, 150);
    static const lc_xy island[] = {{5000, 5000}, {5300, 5000}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, island, 2, "residential", 0, 0, 0, 999), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_double_eq_tol(lc_network_length(net), 33300, 1e-6);
    const lc_xy fac[] = {{70, 20}, {1310, 455}, {760, 760}, {300, 1440}, {1480, 1480}};
    lc_snap s[5];
    long ids[5];
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(lc_network_snap(lct_ctx, net, fac[i], 200, &s[i]), LC_OK);
        ids[i] = (long)i;
    }
    lc_network_reach *r = lc_network_reach_compute(lct_ctx, net, s, ids, 5, INFINITY);
    lc_network_piece *pc = NULL;
    size_t np = 0;
    ck_assert_int_eq(lc_network_reach_pieces(lct_ctx, r, 300, &pc, &np), LC_OK);
    double total = 0, in = 0;
    size_t per[5] = {0};
    for (size_t k = 0; k < np; k++) {
        total += pc[k].hi - pc[k].lo;
        in += pc[k].in_reach_m;
        per[pc[k].id]++;
        size_t a, b;
        double el;
        lc_network_edge(net, pc[k].edge, &a, &b, &el);
        ck_assert_uint_eq(lc_network_node_component(net, a), 0); /* never the island */
        double mid = (pc[k].lo + pc[k].hi) / 2;
        lc_xy pa = lc_network_node(net, a), pb = lc_network_node(net, b);
        lc_snap at = {(long)pc[k].edge, mid, 0, {pa.x + mid / el * (pb.x - pa.x), pa.y + mid / el * (pb.y - pa.y)}};
        long near = -1;
        lc_network_reach_distance(r, &at, &near);
        ck_assert_msg(near == pc[k].id, "piece %zu (edge %zu, %g–%g): facility %ld, nearest %ld", k, pc[k].edge,
                      pc[k].lo, pc[k].hi, pc[k].id, near);
    }
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_gt(per[i], 0);
    ck_assert_double_eq_tol(total, 33000, 1e-6);
    lc_xy *segs = NULL;
    size_t nseg = 0;
    ck_assert_int_eq(lc_network_reach_segments(lct_ctx, r, 300, &segs, &nseg), LC_OK);
    double reach_len = 0;
    for (size_t k = 0; k < nseg; k++)
        reach_len += hypot(segs[2 * k + 1].x - segs[2 * k].x, segs[2 * k + 1].y - segs[2 * k].y);
    ck_assert_double_eq_tol(in, reach_len, 1e-6);
    ck_assert_double_lt(in, total);
    free(segs);
    free(pc);
    lc_network_reach_destroy(r);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
}
END_TEST

START_TEST(coverage_catchment_street_lines)
{
    /* The T through the coverage (category centre, reach 250 m; residents far away do not matter):
     * the facilities' lengths and parts within reach as in t_junction_and_island, and their lines:
     * F0 (0,0)–(380,0); F1 (470,0)–(800,0); F2 (380,0)–(470,0) — its pieces on either side of J
     * continue one another and run straight on, one segment — and (400,0)–(400,300). Facility X, of
     * another category at (600,−30) (30 m access), alone on the network, has all 1,100 m, within
     * 250 m its |x − 600| ≤ 220 on the main street, [380, 800] = 420 m, and from J (230 m) 20 m of the
     * side street: 440 m. In straight-line mode no facility has any. */
    char *dir = lct_tmpdir();
    char *res = lct_path(dir, "r.geojson"), *fac = lct_path(dir, "f.geojson");
    lct_write_fc(res, "{\"type\":\"Feature\",\"properties\":{\"id\":\"R\",\"population\":10},\"geometry\":{\"type\":"
                  "\"Polygon\",\"coordinates\":[[[0,20],[50,20],[50,70],[0,70],[0,20]]]}}");
    lct_write_fc(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"F0\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[100,0]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[800,0]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"X\",\"category\":\"canteen\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[600,-30]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"category\":\"centre\",\"floor_area\":1},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[400,260]}}");
    net_case nc = net_case_run(t_streets(), res, fac, NULL, NULL,
                               (lc_coverage_options){.reach_m = 250, .catchment_streets = 1});
    lc_coverage *cov = nc.cov;
    ck_assert_int_eq(lc_coverage_has_catchment_streets(cov), 1);
    static const struct {
        size_t index;
        double len, in;
        size_t nlines;
        lc_xy pts[4];
    } want[] = {{0, 380, 350, 1, {{0, 0}, {380, 0}}},
                {1, 330, 250, 1, {{470, 0}, {800, 0}}},
                {3, 390, 290, 2, {{380, 0}, {470, 0}, {400, 0}, {400, 300}}},
                {2, 1100, 440, 2, {{0, 0}, {800, 0}, {400, 0}, {400, 300}}}};
    for (size_t k = 0; k < 4; k++) {
        lc_catchment_streets cs;
        ck_assert_int_eq(lc_coverage_catchment_streets(cov, want[k].index, &cs), 0);
        ck_assert_double_eq_tol(cs.length_m, want[k].len, 1e-9);
        ck_assert_double_eq_tol(cs.in_reach_m, want[k].in, 1e-9);
        ck_assert_uint_eq(cs.nlines, want[k].nlines);
        for (size_t l = 0; l < cs.nlines; l++) {
            ck_assert_uint_eq(cs.start[l + 1] - cs.start[l], 2);
            for (size_t e = 0; e < 2; e++) {
                lc_xy got = cs.points[cs.start[l] + e], w = want[k].pts[2 * l + e];
                ck_assert_msg(fabs(got.x - w.x) < 1e-9 && fabs(got.y - w.y) < 1e-9, "facility %zu line %zu point %zu: "
                              "(%g, %g), want (%g, %g)", want[k].index, l, e, got.x, got.y, w.x, w.y);
            }
        }
    }
    lc_catchment_streets cs;
    ck_assert_int_eq(lc_coverage_catchment_streets(cov, 4, &cs), -1);
    /* They are built only when asked for: without the option no facility has any. */
    lc_coverage_options plain = nc.o;
    plain.catchment_streets = 0;
    lc_coverage *pc = lc_coverage_compute(lct_ctx, nc.in, nc.p, &plain);
    ck_assert_ptr_nonnull(pc);
    ck_assert_int_eq(lc_coverage_has_catchment_streets(pc), 0);
    ck_assert_int_eq(lc_coverage_catchment_streets(pc, 0, &cs), 0);
    ck_assert_uint_eq(cs.nlines, 0);
    lc_coverage_destroy(pc);
    lc_coverage_options so = {.mode = LC_MODE_STRAIGHT, .reach_m = 250};
    lc_coverage *sc = lc_coverage_compute(lct_ctx, nc.in, nc.p, &so);
    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(lc_coverage_catchment_streets(sc, 0, &cs), 0);
    ck_assert_uint_eq(cs.nlines, 0);
    ck_assert_double_eq(cs.length_m, 0);
    lc_coverage_destroy(sc);
    net_case_free(&nc);
    lct_rmtree(dir);
    free(dir), free(res), free(fac);
}
END_TEST

START_TEST(exact_joins_by_default)
{
    /* A footway whose end stops 0.41 m short of a cycleway's vertex (0,0) — they do not meet. Exact
     * joining (tolerance 0, the profile's default): two components, no merge, the footway's far end
     * unreachable from the cycleway. With 0.5 m (a CAD choice) they join, and the join is counted
     * with its place (the footway's end, 0.41 m from the vertex): the footway's end moves onto the
     * vertex, so the walk from (50,0) to (0,100) is 50 + 100 = 150 m (a walk that does not exist). */
    lc_roads *roads = lc_roads_create(lct_ctx);
    lc_xy cycle[] = {{-100, 0}, {0, 0}, {100, 0}}, foot[] = {{0, 0.41}, {0, 100}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, cycle, 3, "cycleway", 0, 0, 0, 1), LC_OK);
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, foot, 2, "footway", 0, 0, 0, 2), LC_OK);
    lc_network *net = lc_network_build(lct_ctx, roads, 0);
    ck_assert_ptr_nonnull(net);
    ck_assert_uint_eq(lc_network_component_count(net), 2);
    ck_assert_uint_eq(lc_network_merge_count(net, NULL), 0);
    ck_assert_int_eq(lc_network_merge(net, 0, NULL, NULL), -1);
    ck_assert(isinf(one_source(net, (lc_xy){50, 0}, (lc_xy){0, 100}, NULL)));
    lc_network_destroy(net);
    net = lc_network_build(lct_ctx, roads, 0.5);
    ck_assert_uint_eq(lc_network_component_count(net), 1);
    double max_m = 0, dist = 0;
    lc_xy at;
    ck_assert_uint_eq(lc_network_merge_count(net, &max_m), 1);
    ck_assert_double_eq_tol(max_m, 0.41, 1e-9);
    ck_assert_int_eq(lc_network_merge(net, 0, &at, &dist), 0);
    ck_assert_double_eq_tol(at.x, 0, 1e-12);
    ck_assert_double_eq_tol(at.y, 0.41, 1e-12);
    ck_assert_double_eq_tol(dist, 0.41, 1e-9);
    ck_assert_double_eq_tol(one_source(net, (lc_xy){50, 0}, (lc_xy){0, 100}, NULL), 150, 1e-6);
    lc_network_destroy(net);
    lc_roads_destroy(roads);

    /* The profile: 0 is the default and may be written; up to 5 m; more, or negative, is refused. */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_double_eq(lc_profile_network(p)->snap_tolerance_m, 0);
    lc_profile_destroy(p);
    char *dir = lct_tmpdir(), *path = lct_path(dir, "p.yml");
    static const char *const good[] = {"0", "0.0", "0.5", "5"}, *const bad[] = {"6", "-1", "x"};
    for (size_t i = 0; i < 4; i++) {
        char text[256];
        snprintf(text, sizeof text, "profile: t\nextends: shanghai-2025\nnetwork:\n  snap_tolerance_m: %s\n", good[i]);
        ck_assert_int_eq(lct_write_text(path, text), 0);
        p = lc_profile_load(lct_ctx, path);
        ck_assert_msg(p != NULL, "%s: %s", good[i], lc_context_errmsg(lct_ctx));
        ck_assert_double_eq(lc_profile_network(p)->snap_tolerance_m, atof(good[i]));
        lc_profile_destroy(p);
    }
    for (size_t i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text, "profile: t\nextends: shanghai-2025\nnetwork:\n  snap_tolerance_m: %s\n", bad[i]);
        ck_assert_int_eq(lct_write_text(path, text), 0);
        ck_assert_ptr_null(lc_profile_load(lct_ctx, path));
        lct_assert_contains(lc_context_errmsg(lct_ctx), "snap_tolerance_m");
    }
    lct_rmtree(dir);
    free(path);
    free(dir);

    /* osmnx writes the highway of a way merged from several as a list: walked when one element is. */
    p = lc_profile_load(lct_ctx, "shanghai-2025");
    const lc_network_rules *r = lc_profile_network(p);
    ck_assert_int_eq(lc_roads_walkable(r, "['footway', 'steps']", NULL, NULL), 1);
    ck_assert_int_eq(lc_roads_walkable(r, "[\"primary\", \"motorway\"]", NULL, NULL), 1);
    ck_assert_int_eq(lc_roads_walkable(r, "['motorway', 'motorway_link']", NULL, NULL), 0);
    ck_assert_int_eq(lc_roads_walkable(r, "['construction']", NULL, NULL), 0);
    ck_assert_int_eq(lc_roads_walkable(r, "[]", NULL, NULL), 0);
    ck_assert_int_eq(lc_roads_walkable(r, "['footway', 'steps']", "no", NULL), 0); /* foot=no still closes it */
    lc_profile_destroy(p);
}
END_TEST

/* ---- several categories' outlines traced at once ------------------------------------------------ */

/* Street k of a wavy grid as pieces from x0 to x1 (horizontal: y = 200 k + 30 sin(x / 50); vertical:
 * the same with x and y exchanged), 10 m a piece: consecutive pieces share their ends, so many nodes
 * have two pieces at the same distance and the lowest index must win. */
static size_t wavy_street(lc_seg *out, int k, int vertical, double x0, double x1)
{
    size_t n = 0;
    for (double x = x0; x < x1 - 1e-9; x += 10) {
        double xe = x + 10 < x1 ? x + 10 : x1;
        double a = 200.0 * k + 30 * sin(x / 50), b = 200.0 * k + 30 * sin(xe / 50);
        out[n++] = vertical ? (lc_seg){a, x, b, xe} : (lc_seg){x, a, xe, b};
    }
    return n;
}

/* The same outline piece, to the bit. */
static int same_seg(const lc_trace_seg *a, const lc_trace_seg *b)
{
    return a->from == b->from && a->to == b->to && !memcmp(&a->x, &b->x, sizeof a->x) &&
           !memcmp(&a->y, &b->y, sizeof a->y) && a->crease == b->crease && !memcmp(&a->cx, &b->cx, sizeof a->cx) &&
           !memcmp(&a->cy, &b->cy, sizeof a->cy);
}

/* lc_corridor_trace_sets gives each set exactly the outline pieces lc_corridor_trace_block gives it
 * alone (the service areas trace a block's categories at once; this is the reference it must equal
 * bit for bit): three sets sharing most of their pieces — all streets; one street cut short at a point
 * that is no vertex, one left out and one drawn twice; the vertical streets only — on a 12.5 m grid, one set's grid
 * border crossing the block (forced nodes). */
START_TEST(sets_traced_at_once_equal_each_alone)
{
    enum { MAXP = 4000 };
    lc_seg *p[3];
    size_t n[3] = {0, 0, 0};
    for (int c = 0; c < 3; c++)
        ck_assert_ptr_nonnull(p[c] = malloc(MAXP * sizeof *p[c]));
    for (int k = 0; k < 8; k++)
        for (int v = 0; v < 2; v++) {
            n[0] += wavy_street(p[0] + n[0], k, v, 0, 1600);
            if (!(v == 0 && k == 5))
                n[1] += wavy_street(p[1] + n[1], k, v, 0, v == 0 && k == 3 ? 903.7 : 1600);
            if (v)
                n[2] += wavy_street(p[2] + n[2], k, v, 0, 1600);
        }
    for (size_t k = 0; k < 40; k++) /* a street drawn twice in one set: the same pieces again */
        p[1][n[1] + k] = p[1][k];
    n[1] += 40;
    ck_assert(n[0] > 2000 && n[1] < n[0] && n[2] < n[1] && n[0] <= MAXP);
    double cell = 12.5, width = 50;
    lc_grid g[3];
    for (int c = 0; c < 3; c++)
        g[c] = (lc_grid){.cell = cell, .width = width, .i0 = -20, .j0 = -20, .i1 = 150, .j1 = 150};
    g[2].i0 = 40; /* its western border runs through the block */
    lc_corridor_scratch *scr[3], *one = lc_corridor_scratch_create();
    lc_trace_segs alone[3] = {{0}}, at_once[3] = {{0}};
    lc_trace_segs *outs[3] = {&at_once[0], &at_once[1], &at_once[2]};
    lc_piece_set sets[3];
    const lc_grid *grids[3] = {&g[0], &g[1], &g[2]};
    ck_assert_ptr_nonnull(one);
    for (int c = 0; c < 3; c++) {
        ck_assert_ptr_nonnull(scr[c] = lc_corridor_scratch_create());
        sets[c] = (lc_piece_set){p[c], n[c]};
        lc_corridor_pieces_reset(one);
        ck_assert_int_eq(lc_corridor_pieces_add(one, p[c], n[c]), 0);
        ck_assert_int_eq(lc_corridor_trace_block(one, NULL, &g[c], 0, 0, 128, 128, &alone[c]), 0);
    }
    lc_corridor_sets *un = lc_corridor_sets_create();
    ck_assert_ptr_nonnull(un);
    ck_assert_int_eq(lc_corridor_trace_sets(un, scr, sets, grids, 3, 0, 0, 128, 128, outs), 0);
    for (int c = 0; c < 3; c++) {
        ck_assert_msg(alone[c].n > 200, "set %d: %zu outline pieces", c, alone[c].n); /* a real outline */
        ck_assert_uint_eq(at_once[c].n, alone[c].n);
        for (size_t q = 0; q < alone[c].n; q++) /* field by field: the struct's padding is not compared */
            ck_assert_msg(same_seg(&at_once[c].v[q], &alone[c].v[q]), "set %d, outline piece %zu differs", c, q);
    }
    ck_assert_uint_ne(alone[0].n, alone[1].n); /* the sets do differ */
    ck_assert_uint_ne(alone[1].n, alone[2].n);
    lc_corridor_sets_destroy(un);
    for (int c = 0; c < 3; c++) {
        lc_corridor_scratch_destroy(scr[c]);
        free(alone[c].v);
        free(at_once[c].v);
        free(p[c]);
    }
    lc_corridor_scratch_destroy(one);
}
END_TEST

Suite *suite_network(void)
{
    Suite *s = suite_create("network");
    TCase *graph = tcase_create("graph");
    tcase_add_checked_fixture(graph, lct_setup, lct_teardown);
    tcase_add_test(graph, grid_distances_are_manhattan);
    tcase_add_test(graph, partial_edges_and_access_legs);
    tcase_add_test(graph, off_network_points);
    tcase_add_test(graph, bridges_are_not_noded);
    tcase_add_test(graph, exact_joins_by_default);
    suite_add_tcase(s, graph);
    TCase *rules = tcase_create("rules");
    tcase_add_checked_fixture(rules, lct_setup, lct_teardown);
    tcase_add_test(rules, osm_tag_rules);
    suite_add_tcase(s, rules);
    TCase *cov = tcase_create("coverage");
    tcase_add_checked_fixture(cov, lct_setup, lct_teardown);
    tcase_set_timeout(cov, 300);
    tcase_add_test(cov, river_with_a_far_bridge);
    tcase_add_test(cov, entrances_decide_walled_compounds);
    tcase_add_test(cov, grid_demand_points_split_a_compound);
    tcase_add_test(cov, buildings_weight_a_compound);
    tcase_add_test(cov, dense_grid_matches_buffered_segments);
    tcase_add_test(cov, block_grid_holes_match_buffered_segments);
    tcase_add_test(cov, comb_of_dead_ends_matches_buffered_segments);
    tcase_add_test(cov, sets_traced_at_once_equal_each_alone);
    tcase_add_test(cov, porto_matches_plain_dijkstra);
    suite_add_tcase(s, cov);
    TCase *catch = tcase_create("catchments");
    tcase_add_checked_fixture(catch, lct_setup, lct_teardown);
    tcase_add_test(catch, straight_street_split_between_two_facilities);
    tcase_add_test(catch, t_junction_and_island);
    tcase_add_test(catch, grid_catchments_cover_the_reached_network);
    tcase_add_test(catch, coverage_catchment_street_lines);
    suite_add_tcase(s, catch);
    return s;
}
