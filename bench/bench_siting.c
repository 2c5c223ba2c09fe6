/*
 * bench/bench_siting.c — times the siting solvers (queries/siting.c through lc_siting_select) on a
 * synthetic instance: N demand points and N candidate sites spread uniformly over a 20 km square
 * (seed fixed), each candidate reaching the demand points within R metres (share 1), k sites.
 * Straight line by default (a uniform grid hash); with a STUDY holding a roads layer (bench/gen_city.py
 * --road-edges), along its walking network instead (lc_siting_network_matrix: one bounded search per
 * candidate on both cores), the points spread over the network's extent. Building the instance is
 * timed apart from solving. Not run by CI; the geometry half of siting (gaps, STRtree shares) is
 * exercised by `lifecircle site` in bench/run.sh.
 *
 * Usage: bench-siting greedy|exact [N=20000] [k=50] [R=1000] [time limit s=120] [STUDY]
 * Prints wall times, the objective, the gap and peak memory (getrusage; run one solver per process
 * to tell their memory apart).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lifecircle/lifecircle.h"

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A 64-bit LCG, returning [0, 1). */
static double rnd(unsigned long long *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "greedy") && strcmp(argv[1], "exact"))) {
        fprintf(stderr, "usage: bench-siting greedy|exact [N] [k] [R] [time limit s] [STUDY with roads]\n");
        return 2;
    }
    size_t n = argc > 2 ? (size_t)atol(argv[2]) : 20000, k = argc > 3 ? (size_t)atol(argv[3]) : 50;
    double r = argc > 4 ? atof(argv[4]) : 1000, tl = argc > 5 ? atof(argv[5]) : 120, side = 20000;
    unsigned long long seed = 20261122;
    double *dx = malloc(n * sizeof *dx), *dy = malloc(n * sizeof *dy), *w = malloc(n * sizeof *w);
    size_t *start = malloc((n + 1) * sizeof *start), *dem = NULL, cap = 0, nnz = 0;
    size_t g = (size_t)ceil(side / r), *cell = calloc(g * g + 1, sizeof *cell), *idx = malloc(n * sizeof *idx);
    size_t *fill = calloc(g * g, sizeof *fill);
    lc_context *ctx = lc_context_create();
    lc_study *st = NULL;
    lc_profile *prof = NULL;
    lc_quality *q = NULL;
    lc_inputs *in = NULL;
    lc_roads *roads = NULL;
    lc_network *net = NULL;
    lc_xy *cxy = NULL, *dxy = NULL;
    int rc = 1;
    if (!dx || !dy || !w || !start || !cell || !idx || !fill || !ctx)
        goto done;
    double t0 = now();
    if (argc > 6) {
        /* Along the walking network of the study's roads. */
        st = lc_study_load(ctx, argv[6]);
        prof = st ? lc_profile_load(ctx, lc_study_get(st, "profile")) : NULL;
        q = prof ? lc_quality_create(ctx) : NULL;
        in = q ? lc_inputs_read(ctx, st, prof, q) : NULL;
        roads = in ? lc_roads_read(ctx, st, prof, lc_inputs_crs(in), NULL) : NULL;
        net = roads ? lc_network_build(ctx, roads, 0.5) : NULL;
        if (!net) {
            fprintf(stderr, "bench-siting: %s\n", lc_context_errmsg(ctx));
            goto done;
        }
        double tn = now();
        lc_bbox b = lc_bbox_empty();
        for (size_t v = 0; v < lc_network_node_count(net); v++)
            b = lc_bbox_extend(b, lc_network_node(net, v));
        cxy = malloc(n * sizeof *cxy), dxy = malloc(n * sizeof *dxy);
        if (!cxy || !dxy)
            goto done;
        for (size_t i = 0; i < n; i++) {
            dxy[i] = (lc_xy){b.minx + rnd(&seed) * (b.maxx - b.minx), b.miny + rnd(&seed) * (b.maxy - b.miny)};
            w[i] = 300 + floor(rnd(&seed) * 2700);
        }
        for (size_t j = 0; j < n; j++)
            cxy[j] = (lc_xy){b.minx + rnd(&seed) * (b.maxx - b.minx), b.miny + rnd(&seed) * (b.maxy - b.miny)};
        free(start);
        start = NULL;
        if (lc_siting_network_matrix(ctx, net, cxy, n, dxy, n, r, lc_profile_network(prof)->max_snap_m, 0, &start,
                                     &dem) != LC_OK) {
            fprintf(stderr, "bench-siting: %s\n", lc_context_errmsg(ctx));
            goto done;
        }
        nnz = start[n];
        printf("network: %zu nodes, %zu edges (read and built in %.2f s); matrix along the network %.2f s\n",
               lc_network_node_count(net), lc_network_edge_count(net), tn - t0, now() - tn);
        t0 = tn;
        goto solve;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = rnd(&seed) * side;
        dy[i] = rnd(&seed) * side;
        w[i] = 300 + floor(rnd(&seed) * 2700);
    }
#define CELL(x, y) ((size_t)fmin((double)(g - 1), floor((y) / r)) * g + (size_t)fmin((double)(g - 1), floor((x) / r)))
    for (size_t i = 0; i < n; i++)
        cell[CELL(dx[i], dy[i]) + 1]++;
    for (size_t c = 0; c < g * g; c++)
        cell[c + 1] += cell[c];
    for (size_t i = 0; i < n; i++) {
        size_t c = CELL(dx[i], dy[i]);
        idx[cell[c] + fill[c]++] = i;
    }
    for (size_t j = 0; j < n; j++) {
        double x = rnd(&seed) * side, y = rnd(&seed) * side;
        long cx = (long)fmin((double)(g - 1), floor(x / r)), cy = (long)fmin((double)(g - 1), floor(y / r));
        start[j] = nnz;
        for (long b = cy - 1; b <= cy + 1; b++)
            for (long a = cx - 1; a <= cx + 1; a++) {
                if (a < 0 || b < 0 || (size_t)a >= g || (size_t)b >= g)
                    continue;
                size_t c = (size_t)b * g + (size_t)a;
                for (size_t p = cell[c]; p < cell[c + 1]; p++) {
                    size_t i = idx[p];
                    if ((dx[i] - x) * (dx[i] - x) + (dy[i] - y) * (dy[i] - y) > r * r)
                        continue;
                    if (nnz == cap) {
                        cap = cap ? cap * 2 : 1 << 20;
                        size_t *grown = realloc(dem, cap * sizeof *dem);
                        if (!grown)
                            goto done;
                        dem = grown;
                    }
                    dem[nnz++] = i;
                }
            }
    }
    start[n] = nnz;
solve:;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    double t1 = now();
    lc_siting_matrix m = {.ndemand = n, .weight = w, .ncandidates = n, .start = start, .demand = dem, .total = total};
    lc_siting_options o = {.objective = LC_SITING_MCLP, .k = k, .time_limit_s = tl,
                           .solver = strcmp(argv[1], "exact") ? LC_SOLVER_GREEDY : LC_SOLVER_EXACT};
    lc_siting *s = lc_siting_select(ctx, &m, &o);
    double t2 = now();
    if (!s) {
        fprintf(stderr, "bench-siting: %s\n", lc_context_errmsg(ctx));
        goto done;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("siting %s (%s): %zu demand points x %zu candidates, reach %.0f m (%zu pairs, %.1f per candidate), k = %zu\n",
           argv[1], net ? "network" : "straight line", n, n, r, nnz, (double)nnz / (double)n, k);
    printf("  instance %.2f s, solve %.2f s, peak memory %.0f MB\n", t1 - t0, t2 - t1, (double)ru.ru_maxrss / 1024);
    printf("  solver: %s; covered %.0f of %.0f (%.2f%%), %zu sites, gap %s%.3f%%\n", lc_siting_solver(s),
           lc_siting_objective_value(s), total, 100 * lc_siting_share_after(s), lc_siting_count(s),
           isnan(lc_siting_gap(s)) ? "n/a " : "", isnan(lc_siting_gap(s)) ? 0.0 : 100 * lc_siting_gap(s));
    lc_siting_destroy(s);
    rc = 0;
done:
    lc_network_destroy(net);
    lc_roads_destroy(roads);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(prof);
    lc_study_destroy(st);
    free(cxy), free(dxy);
    lc_context_destroy(ctx);
    free(dx), free(dy), free(w), free(start), free(dem), free(cell), free(idx), free(fill);
    return rc;
}
