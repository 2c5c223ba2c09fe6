/*
 * queries/siting_network.c — the candidate × demand coverage matrix along the walking network
 * (lc_siting_network_matrix in include/lifecircle/siting.h): one bounded pass of the network's one
 * Dijkstra per source (lc_network_reach_rerun, network/network.c), each thread with a reach of its
 * own that a pass resets only where the last one went, then every target on an edge the pass reached
 * measured with lc_network_reach_distance, as coverage and accessibility measure theirs. Demand
 * points, candidates and the solvers live in queries/siting.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "network/network_int.h"
#include "lifecircle/siting.h"

#define CHUNK 64 /* sources taken at a time by a worker */

/* The sources and targets, shared read-only by the workers. */
typedef struct job {
    const lc_network *net;
    const lc_snap *src;     /* sources (nsrc) */
    size_t nsrc;
    const lc_snap *tgt;     /* targets (ntgt) */
    size_t ntgt;
    uint32_t *toff, *tlist; /* targets on edge e: tlist[toff[e] .. toff[e+1]) */
    uint32_t *noff, *nlist; /* targets on an edge with node v at an end: nlist[noff[v] .. noff[v+1]) */
    double reach;
} job;

/* A (source, target) pair found. */
typedef struct pair {
    uint32_t s, t;
} pair;

/* One thread's pass and results (geo/parallel.c's pool runs the chunks). */
typedef struct worker {
    const job *jb;
    lc_context *ctx;         /* the thread's own (the caller's for thread 0) */
    lc_network_reach *reach; /* rerun for every source */
    uint32_t *stamp;         /* per target: 1 + the last source that looked at it */
    pair *out;
    size_t nout, capout;
} worker;

/* Records target t for source s when its walk is within reach (each target once per source). */
static int consider(worker *w, uint32_t s, uint32_t t)
{
    if (w->stamp[t] == s + 1)
        return 0;
    w->stamp[t] = s + 1;
    if (!(lc_network_reach_distance(w->reach, &w->jb->tgt[t], NULL) <= w->jb->reach))
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

/* One bounded pass from source s, then every target on its own edge or on an edge at a node the pass
 * reached. 0, or -1 with msg set. */
static int search(worker *w, uint32_t s, char *msg, size_t msg_size)
{
    const job *jb = w->jb;
    const lc_snap *from = &jb->src[s];
    if (from->edge < 0 || !(from->access_m <= jb->reach))
        return 0;
    long id = (long)s;
    if (lc_network_reach_rerun(w->ctx, w->reach, from, &id, 1, jb->reach) != LC_OK) {
        snprintf(msg, msg_size, "the coverage matrix along the network: %s", lc_context_errmsg(w->ctx));
        return -1;
    }
    size_t e0 = (size_t)from->edge, nreached;
    int rc = 0;
    for (uint32_t k = jb->toff[e0]; k < jb->toff[e0 + 1] && !rc; k++)
        rc = consider(w, s, jb->tlist[k]);
    const uint32_t *reached = lc_network_reach_reached(w->reach, &nreached);
    for (size_t q = 0; q < nreached && !rc; q++)
        for (uint32_t k = jb->noff[reached[q]]; k < jb->noff[reached[q] + 1] && !rc; k++)
            rc = consider(w, s, jb->nlist[k]);
    if (rc)
        snprintf(msg, msg_size, "out of memory: the coverage matrix along the network");
    return rc;
}

/* lc_parallel_fn: chunk i of CHUNK sources on the thread's worker (arg: the workers). 0, or -1 with
 * msg set. */
static int chunk_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)h;
    worker *w = (worker *)arg + thread;
    for (size_t s = i * CHUNK; s < (i + 1) * CHUNK && s < w->jb->nsrc; s++)
        if (search(w, (uint32_t)s, msg, msg_size))
            return -1;
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Fills jb's two target indexes (by edge, and by the nodes at an edge's ends) as CSR lists.
 * LC_OK or LC_ERR_NOMEM. */
static lc_status index_targets(lc_context *ctx, job *jb, size_t nn, size_t ne)
{
    uint32_t *efill = lc_calloc(ctx, ne ? ne : 1, sizeof *efill), *nfill = lc_calloc(ctx, nn ? nn : 1, sizeof *nfill);
    jb->toff = lc_calloc(ctx, ne + 1, sizeof *jb->toff);
    jb->noff = lc_calloc(ctx, nn + 1, sizeof *jb->noff);
    lc_status st = LC_ERR_NOMEM;
    if (!efill || !nfill || !jb->toff || !jb->noff)
        goto done;
    for (size_t t = 0; t < jb->ntgt; t++)
        if (jb->tgt[t].edge >= 0) {
            size_t a, b;
            lc_network_edge(jb->net, (size_t)jb->tgt[t].edge, &a, &b, NULL);
            jb->toff[jb->tgt[t].edge + 1]++;
            jb->noff[a + 1]++;
            if (b != a)
                jb->noff[b + 1]++;
        }
    for (size_t e = 0; e < ne; e++)
        jb->toff[e + 1] += jb->toff[e];
    for (size_t v = 0; v < nn; v++)
        jb->noff[v + 1] += jb->noff[v];
    jb->tlist = lc_malloc(ctx, (jb->toff[ne] ? jb->toff[ne] : 1) * sizeof *jb->tlist);
    jb->nlist = lc_malloc(ctx, (jb->noff[nn] ? jb->noff[nn] : 1) * sizeof *jb->nlist);
    if (!jb->tlist || !jb->nlist)
        goto done;
    for (size_t t = 0; t < jb->ntgt; t++)
        if (jb->tgt[t].edge >= 0) {
            size_t e = (size_t)jb->tgt[t].edge, a, b;
            lc_network_edge(jb->net, e, &a, &b, NULL);
            jb->tlist[jb->toff[e] + efill[e]++] = (uint32_t)t;
            jb->nlist[jb->noff[a] + nfill[a]++] = (uint32_t)t;
            if (b != a)
                jb->nlist[jb->noff[b] + nfill[b]++] = (uint32_t)t;
        }
    st = LC_OK;
done:
    free(efill), free(nfill);
    return st;
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
    size_t nn = lc_network_node_count(net), ne = lc_network_edge_count(net);
    job jb = {.net = net, .reach = reach_m};
    lc_snap *cs = lc_calloc(ctx, ncand ? ncand : 1, sizeof *cs), *ds = lc_calloc(ctx, ndem ? ndem : 1, sizeof *ds);
    worker ws[LC_PARALLEL_MAX_THREADS];
    size_t nthreads = 0, *rows = NULL, *cols = NULL;
    lc_status st = LC_ERR_NOMEM;
    memset(ws, 0, sizeof ws);
    if (!cs || !ds)
        goto fail;
    for (size_t j = 0; j < ncand; j++)
        if ((st = lc_network_snap(ctx, net, cand[j], max_snap_m, &cs[j])) != LC_OK)
            goto fail;
    for (size_t i = 0; i < ndem; i++)
        if ((st = lc_network_snap(ctx, net, dem[i], max_snap_m, &ds[i])) != LC_OK)
            goto fail;
    /* Search from the smaller set: walks are symmetric on an undirected network. */
    int reverse = ndem < ncand;
    jb.src = reverse ? ds : cs, jb.nsrc = reverse ? ndem : ncand;
    jb.tgt = reverse ? cs : ds, jb.ntgt = reverse ? ncand : ndem;
    if ((st = index_targets(ctx, &jb, nn, ne)) != LC_OK)
        goto fail;
    st = LC_ERR_NOMEM;
    size_t nchunks = (jb.nsrc + CHUNK - 1) / CHUNK;
    nthreads = lc_parallel_threads(threads > 0 ? (size_t)threads : 0, nchunks);
    for (size_t t = 0; t < nthreads; t++) {
        ws[t].jb = &jb;
        ws[t].ctx = t ? lc_context_create() : ctx;
        if (!ws[t].ctx || !(ws[t].stamp = lc_calloc(ctx, jb.ntgt ? jb.ntgt : 1, sizeof *ws[t].stamp)))
            goto fail;
        if (t)
            lc_context_set_log_level(ws[t].ctx, LC_LOG_ERROR);
        if (!(ws[t].reach = lc_network_reach_compute(ctx, net, NULL, NULL, 0, 0))) {
            st = lc_context_errno(ctx);
            goto fail;
        }
    }
    if ((st = lc_parallel_run(ctx, nthreads, nchunks, chunk_task, ws, NULL, NULL)) != LC_OK) {
        if (st != LC_ERR_CANCELLED) { /* a pass ran out of memory: the task said where */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
            st = lc_error(ctx, LC_ERR_NOMEM, "%s", msg);
        }
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
        if (t && ws[t].ctx)
            lc_context_destroy(ws[t].ctx);
        lc_network_reach_destroy(ws[t].reach);
        free(ws[t].stamp), free(ws[t].out);
    }
    free(rows), free(cols);
    free(jb.toff), free(jb.tlist), free(jb.noff), free(jb.nlist);
    free(cs), free(ds);
    return st;
}
