/*
 * bench/bench_network.c — times the walking-network steps on a study with a roads layer: reading the
 * inputs, reading the roads, building the graph, one multi-source shortest-path pass per category,
 * and the whole network-mode coverage, with the coverage's own steps (its debug messages: shortest
 * paths and runs per category, service tiles, polygons, dissolving the service areas). Prints one line
 * per step. Not run by CI (bench/run.sh).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lifecircle/lifecircle.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Prints the coverage's step timings (debug messages starting "network coverage"). */
static void print_steps(lc_log_level level, const char *message, void *user)
{
    (void)level;
    (void)user;
    if (!strncmp(message, "network coverage", 16))
        printf("  %s\n", message);
}

/* Runs the steps on the study argv[1]; exit 0, or 2 with the library's message. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-network STUDY\n");
        return 2;
    }
    lc_context *ctx = lc_context_create();
    lc_study *st = lc_study_load(ctx, argv[1]);
    lc_profile *p = st ? lc_profile_load(ctx, lc_study_get(st, "profile")) : NULL;
    lc_quality *q = p ? lc_quality_create(ctx) : NULL;
    lc_inputs *in = NULL;
    lc_roads *roads = NULL;
    lc_network *net = NULL;
    lc_coverage *cov = NULL;
    int rc = 2;
    double t0 = now();
    if (!q || !(in = lc_inputs_read(ctx, st, p, q)))
        goto done;
    double t1 = now();
    printf("read inputs: %.2f s\n", t1 - t0);
    if (!(roads = lc_roads_read(ctx, st, p, lc_inputs_crs(in), NULL)))
        goto done;
    double t2 = now();
    printf("read roads: %zu lines, %.2f s\n", lc_roads_count(roads), t2 - t1);
    if (!(net = lc_network_build(ctx, roads, 0.5)))
        goto done;
    double t3 = now();
    printf("build network: %zu nodes, %zu edges, %zu components, %.2f s\n", lc_network_node_count(net),
           lc_network_edge_count(net), lc_network_component_count(net), t3 - t2);
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    GEOSContextHandle_t h = lc_context_geos(ctx);
    size_t nf = lc_layer_count(fac);
    lc_snap *snaps = malloc((nf ? nf : 1) * sizeof *snaps);
    long *ids = malloc((nf ? nf : 1) * sizeof *ids);
    if (!snaps || !ids)
        goto done;
    double t4 = now();
    for (size_t i = 0; i < nf; i++) {
        lc_xy xy;
        GEOSGeomGetX_r(h, lc_layer_feature(fac, i)->geom, &xy.x);
        GEOSGeomGetY_r(h, lc_layer_feature(fac, i)->geom, &xy.y);
        lc_network_snap(ctx, net, xy, 200, &snaps[i]);
        ids[i] = (long)i;
    }
    double t5 = now();
    printf("snap %zu facilities: %.3f s\n", nf, t5 - t4);
    lc_network_reach *r = lc_network_reach_compute(ctx, net, snaps, ids, nf, INFINITY);
    double t6 = now();
    printf("one shortest-path pass from %zu facilities (unbounded): %.2f s\n", nf, t6 - t5);
    lc_network_reach_destroy(r);
    r = lc_network_reach_compute(ctx, net, snaps, ids, nf / 10, 1000);
    double t7 = now();
    printf("one shortest-path pass from %zu facilities (bounded 1000 m): %.3f s\n", nf / 10, t7 - t6);
    lc_network_reach_destroy(r);
    free(snaps);
    free(ids);
    lc_coverage_options o = {.mode = LC_MODE_NETWORK, .network = net};
    lc_context_set_message_handler(ctx, print_steps, NULL);
    lc_context_set_log_level(ctx, LC_LOG_DEBUG);
    t7 = now();
    if (!(cov = lc_coverage_compute(ctx, in, p, &o)))
        goto done;
    double t8 = now();
    printf("network coverage (%zu categories: distances, service areas, shares): %.2f s\n",
           lc_coverage_category_count(cov), t8 - t7);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "bench-network: %s\n", lc_context_errmsg(ctx));
    lc_coverage_destroy(cov);
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lc_context_destroy(ctx);
    return rc;
}
