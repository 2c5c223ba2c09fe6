/*
 * queries/siting_network.c — the candidate × demand coverage matrix along the walking network
 * (lc_siting_network_matrix in include/lifecircle/siting.h): one bounded Dijkstra per source on a
 * private copy of the graph (CSR built from the public edge list, so network/network.c stays as it is),
 * with per-thread search state reset only where a search touched it. Demand points, candidates and
 * the solvers live in queries/siting.c; the graph and snapping in network/network.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "lifecircle/siting.h"

#define CHUNK 64 /* sources taken at a time by a worker */

/* The graph and the points, shared read-only by the workers. */
typedef struct graph {
    size_t nn, ne;
    uint32_t *ea, *eb;   /* edge ends */
    double *len;         /* edge lengths */
    uint32_t *off, *adj; /* CSR: incident edges of node v are adj[off[v] .. off[v+1]) */
    const lc_snap *src;  /* sources (nsrc) */
    size_t nsrc;
    const lc_snap *tgt;  /* targets (ntgt), indexed by edge below */
    size_t ntgt;
    uint32_t *toff, *tlist; /* targets on edge e: tlist[toff[e] .. toff[e+1]) */
    double reach;
} graph;

/* A (source, target) pair found. */
typedef struct pair {
    uint32_t s, t;
} pair;

/* One thread's search state and results (geo/parallel.c's pool runs the chunks). */
typedef struct worker {
    const graph *g;
    double *dist;      /* per node, INFINITY outside the current search */
    uint32_t *touched; /* nodes given a distance by the current search */
    size_t ntouched;
    uint32_t *stamp;   /* per target: 1 + the last source that looked at it */
    struct { double d; uint32_t v; } *heap;
    size_t nheap, capheap;
    pair *out;
    size_t nout, capout;
} worker;

static int heap_push(worker *w, double d, uint32_t v)
{
    if (w->nheap == w->capheap) {
        size_t cap = w->capheap ? 2 * w->capheap : 256;
        void *p = realloc(w->heap, cap * sizeof *w->heap);
        if (!p)
            return -1;
        w->heap = p;
        w->capheap = cap;
    }
    size_t i = w->nheap++;
    while (i && w->heap[(i - 1) / 2].d > d) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i].d = d;
    w->heap[i].v = v;
    return 0;
}

static void heap_pop(worker *w, double *d, uint32_t *v)
{
    *d = w->heap[0].d;
    *v = w->heap[0].v;
    double ld = w->heap[--w->nheap].d;
    uint32_t lv = w->heap[w->nheap].v;
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= w->nheap)
            break;
        if (c + 1 < w->nheap && w->heap[c + 1].d < w->heap[c].d)
            c++;
        if (w->heap[c].d >= ld)
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (w->nheap) {
        w->heap[i].d = ld;
        w->heap[i].v = lv;
    }
}

/* Gives node v distance d when better and within reach. 0, or -1 out of memory. */
static int relax(worker *w, const graph *g, uint32_t v, double d)
{
    if (d > g->reach || d >= w->dist[v])
        return 0;
    if (isinf(w->dist[v]))
        w->touched[w->ntouched++] = v;
    w->dist[v] = d;
    return heap_push(w, d, v);
}

/* Records target t for source s when its walk is within reach (each target once per source). */
static int consider(worker *w, const graph *g, uint32_t s, uint32_t t, const lc_snap *from)
{
    if (w->stamp[t] == s + 1)
        return 0;
    w->stamp[t] = s + 1;
    const lc_snap *to = &g->tgt[t];
    size_t e = (size_t)to->edge;
    double d = fmin(w->dist[g->ea[e]] + to->along, w->dist[g->eb[e]] + (g->len[e] - to->along));
    if (from->edge == to->edge)
        d = fmin(d, from->access_m + fabs(from->along - to->along));
    if (!(d + to->access_m <= g->reach))
        return 0;
    if (w->nout == w->capout) {
        size_t cap = w->capout ? 2 * w->capout : 4096;
        void *p = realloc(w->out, cap * sizeof *w->out);
        if (!p)
            return -1;
        w->out = p;
        w->capout = cap;
    }
    w->out[w->nout++] = (pair){s, t};
    return 0;
}

/* One bounded search from source s, then every target on an edge it reached. 0, or -1 out of memory. */
static int search(worker *w, const graph *g, uint32_t s)
{
    const lc_snap *from = &g->src[s];
    int rc = 0;
    if (from->edge < 0 || !(from->access_m <= g->reach))
        return 0;
    size_t e0 = (size_t)from->edge;
    w->nheap = 0;
    if (relax(w, g, g->ea[e0], from->access_m + from->along) ||
        relax(w, g, g->eb[e0], from->access_m + (g->len[e0] - from->along)))
        rc = -1;
    while (!rc && w->nheap) {
        double d;
        uint32_t v;
        heap_pop(w, &d, &v);
        if (d > w->dist[v])
            continue; /* stale */
        for (uint32_t k = g->off[v]; k < g->off[v + 1] && !rc; k++) {
            uint32_t e = g->adj[k], u = g->ea[e] == v ? g->eb[e] : g->ea[e];
            rc = relax(w, g, u, d + g->len[e]);
        }
    }
    for (uint32_t k = g->toff[e0]; k < g->toff[e0 + 1] && !rc; k++)
        rc = consider(w, g, s, g->tlist[k], from);
    for (size_t q = 0; q < w->ntouched && !rc; q++) {
        uint32_t v = w->touched[q];
        for (uint32_t k = g->off[v]; k < g->off[v + 1] && !rc; k++) {
            uint32_t e = g->adj[k];
            for (uint32_t i = g->toff[e]; i < g->toff[e + 1] && !rc; i++)
                rc = consider(w, g, s, g->tlist[i], from);
        }
    }
    for (size_t q = 0; q < w->ntouched; q++)
        w->dist[w->touched[q]] = INFINITY;
    w->ntouched = 0;
    return rc;
}

/* lc_parallel_fn: chunk i of CHUNK sources on the thread's worker (arg: the workers). 0, or -1 out
 * of memory. */
static int chunk_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)h;
    worker *w = (worker *)arg + thread;
    const graph *g = w->g;
    for (size_t s = i * CHUNK; s < (i + 1) * CHUNK && s < g->nsrc; s++)
        if (search(w, g, (uint32_t)s)) {
            snprintf(msg, msg_size, "out of memory: the coverage matrix along the network");
            return -1;
        }
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

lc_status lc_siting_network_matrix(lc_context *ctx, const lc_network *net, const lc_xy *cand, size_t ncand,
                                   const lc_xy *dem, size_t ndem, double reach_m, double max_snap_m, int threads,
                                   size_t **start, size_t **demand)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (start)
        *start = NULL;
    if (demand)
        *demand = NULL;
    if (!net || !start || !demand || (ncand && !cand) || (ndem && !dem) || !(reach_m > 0) || isnan(max_snap_m) ||
        ncand >= UINT32_MAX || ndem >= UINT32_MAX || lc_network_node_count(net) >= UINT32_MAX ||
        2 * lc_network_edge_count(net) >= UINT32_MAX)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_siting_network_matrix: a network, points, outputs and a reach > 0 "
                                            "are required (fewer than 2^32 points and nodes)");
    graph g = {.nn = lc_network_node_count(net), .ne = lc_network_edge_count(net), .reach = reach_m};
    lc_snap *cs = lc_calloc(ctx, ncand ? ncand : 1, sizeof *cs), *ds = lc_calloc(ctx, ndem ? ndem : 1, sizeof *ds);
    worker ws[LC_PARALLEL_MAX_THREADS];
    size_t nthreads = 0, *rows = NULL, *cols = NULL;
    lc_status st = LC_ERR_NOMEM;
    memset(ws, 0, sizeof ws);
    g.ea = lc_malloc(ctx, (g.ne ? g.ne : 1) * sizeof *g.ea);
    g.eb = lc_malloc(ctx, (g.ne ? g.ne : 1) * sizeof *g.eb);
    g.len = lc_malloc(ctx, (g.ne ? g.ne : 1) * sizeof *g.len);
    g.off = lc_calloc(ctx, g.nn + 1, sizeof *g.off);
    g.adj = lc_malloc(ctx, (g.ne ? 2 * g.ne : 1) * sizeof *g.adj);
    g.toff = lc_calloc(ctx, g.ne + 1, sizeof *g.toff);
    if (!cs || !ds || !g.ea || !g.eb || !g.len || !g.off || !g.adj || !g.toff)
        goto fail;
    for (size_t e = 0; e < g.ne; e++) {
        size_t a, b;
        lc_network_edge(net, e, &a, &b, &g.len[e]);
        g.ea[e] = (uint32_t)a, g.eb[e] = (uint32_t)b;
        g.off[a + 1]++, g.off[b + 1]++;
    }
    for (size_t v = 0; v < g.nn; v++)
        g.off[v + 1] += g.off[v];
    {
        uint32_t *fill = lc_calloc(ctx, g.nn ? g.nn : 1, sizeof *fill);
        if (!fill)
            goto fail;
        for (size_t e = 0; e < g.ne; e++) {
            g.adj[g.off[g.ea[e]] + fill[g.ea[e]]++] = (uint32_t)e;
            g.adj[g.off[g.eb[e]] + fill[g.eb[e]]++] = (uint32_t)e;
        }
        free(fill);
    }
    for (size_t j = 0; j < ncand; j++)
        if ((st = lc_network_snap(ctx, net, cand[j], max_snap_m, &cs[j])) != LC_OK)
            goto fail;
    for (size_t i = 0; i < ndem; i++)
        if ((st = lc_network_snap(ctx, net, dem[i], max_snap_m, &ds[i])) != LC_OK)
            goto fail;
    st = LC_ERR_NOMEM;
    /* Search from the smaller set: walks are symmetric on an undirected network. */
    int reverse = ndem < ncand;
    g.src = reverse ? ds : cs, g.nsrc = reverse ? ndem : ncand;
    g.tgt = reverse ? cs : ds, g.ntgt = reverse ? ncand : ndem;
    for (size_t t = 0; t < g.ntgt; t++)
        if (g.tgt[t].edge >= 0)
            g.toff[g.tgt[t].edge + 1]++;
    for (size_t e = 0; e < g.ne; e++)
        g.toff[e + 1] += g.toff[e];
    g.tlist = lc_malloc(ctx, (g.toff[g.ne] ? g.toff[g.ne] : 1) * sizeof *g.tlist);
    uint32_t *tfill = lc_calloc(ctx, g.ne ? g.ne : 1, sizeof *tfill);
    if (!g.tlist || !tfill) {
        free(tfill);
        goto fail;
    }
    for (size_t t = 0; t < g.ntgt; t++)
        if (g.tgt[t].edge >= 0) {
            size_t e = (size_t)g.tgt[t].edge;
            g.tlist[g.toff[e] + tfill[e]++] = (uint32_t)t;
        }
    free(tfill);

    size_t nchunks = (g.nsrc + CHUNK - 1) / CHUNK;
    nthreads = lc_parallel_threads(threads > 0 ? (size_t)threads : 0, nchunks);
    for (size_t t = 0; t < nthreads; t++) {
        ws[t].g = &g;
        ws[t].dist = lc_malloc(ctx, (g.nn ? g.nn : 1) * sizeof *ws[t].dist);
        ws[t].touched = lc_malloc(ctx, (g.nn ? g.nn : 1) * sizeof *ws[t].touched);
        ws[t].stamp = lc_calloc(ctx, g.ntgt ? g.ntgt : 1, sizeof *ws[t].stamp);
        if (!ws[t].dist || !ws[t].touched || !ws[t].stamp)
            goto fail;
        for (size_t v = 0; v < g.nn; v++)
            ws[t].dist[v] = INFINITY;
    }
    if ((st = lc_parallel_run(ctx, nthreads, nchunks, chunk_task, ws, NULL, NULL)) != LC_OK) {
        if (st != LC_ERR_CANCELLED)
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory: the coverage matrix along the network");
        goto fail;
    }
    st = LC_ERR_NOMEM;
    /* Pairs into CSR rows by candidate, each row sorted by demand point. */
    size_t npairs = 0;
    for (size_t t = 0; t < nthreads; t++)
        npairs += ws[t].nout;
    rows = lc_calloc(ctx, ncand + 1, sizeof *rows);
    cols = lc_malloc(ctx, (npairs ? npairs : 1) * sizeof *cols);
    size_t *fill = lc_calloc(ctx, ncand ? ncand : 1, sizeof *fill);
    if (!rows || !cols || !fill) {
        free(fill);
        goto fail;
    }
    for (size_t t = 0; t < nthreads; t++)
        for (size_t q = 0; q < ws[t].nout; q++)
            rows[(reverse ? ws[t].out[q].t : ws[t].out[q].s) + 1]++;
    for (size_t j = 0; j < ncand; j++)
        rows[j + 1] += rows[j];
    for (size_t t = 0; t < nthreads; t++)
        for (size_t q = 0; q < ws[t].nout; q++) {
            size_t j = reverse ? ws[t].out[q].t : ws[t].out[q].s, i = reverse ? ws[t].out[q].s : ws[t].out[q].t;
            cols[rows[j] + fill[j]++] = i;
        }
    free(fill);
    for (size_t j = 0; j < ncand; j++)
        qsort(cols + rows[j], rows[j + 1] - rows[j], sizeof *cols, cmp_size);
    lc_progress(ctx, "siting: coverage matrix along the network", 1.0);
    *start = rows, *demand = cols;
    rows = cols = NULL;
    st = LC_OK;
fail:
    for (size_t t = 0; t < LC_PARALLEL_MAX_THREADS; t++) {
        free(ws[t].dist), free(ws[t].touched), free(ws[t].stamp), free(ws[t].heap), free(ws[t].out);
    }
    free(rows), free(cols);
    free(g.ea), free(g.eb), free(g.len), free(g.off), free(g.adj), free(g.toff), free(g.tlist);
    free(cs), free(ds);
    return st;
}
