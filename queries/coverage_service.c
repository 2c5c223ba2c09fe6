/*
 * queries/coverage_service.c — the service areas, made behind the caller's back.
 *
 * A category's service area is its walking corridor's outline over the whole network
 * (queries/corridor_trace.c). Only the service_areas layer and the maps need it, so
 * lc_coverage_compute hands the work to a job that traces it on a thread of its own while the caller
 * writes the cells and the gaps; whoever waits for the result (lc_cov_service_finish) takes work too,
 * so waiting at once costs no more than tracing in place. The work: blocks of SERVICE_BLOCK cells on
 * a grid common to every category (each block for every category whose grid meets it: the edges near
 * it found once, each category's reached parts of them cut, its outline traced — or copied from an
 * earlier category with the very same parts and cells; the categories whose grid covers the whole
 * block are traced at once, each piece's distances computed once for all that hold it,
 * lc_corridor_trace_sets), then each category's blocks assembled in block order. Every block and
 * category is done by one thread whichever it is, so the result does
 * not depend on the timing.
 *
 * In straight-line mode the same job dissolves each category's reach circles (GEOSUnaryUnion, one
 * task per category) while the caller writes: measured at K = 10 on the real-street city, 0.36 s of
 * both cores that the single-threaded GeoPackage writing now hides.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "geo/parallel_int.h"
#include "queries/coverage_int.h"

/* Side of the blocks, in cells. */
#define SERVICE_BLOCK 128

/* One category's outline being traced. */
typedef struct trace_cat {
    lc_reached reached;    /* owned */
    int has;               /* it reaches something */
    lc_grid g;
    lc_trace_segs *segs;   /* per block; NULL when the category reaches nothing */
    unsigned char *inner;  /* per block: it lies inside the grid's border (no forced node in it) */
} trace_cat;

/* What one thread works with: the pool's GEOS handle for it, and its own memory. */
typedef struct service_worker {
    GEOSContextHandle_t h;
    lc_corridor_scratch *scr;
    uint32_t *edges;
    size_t nedges, edges_cap;
    lc_seg *pieces;
    size_t npieces, pieces_cap;
    size_t *poff, *pcnt;   /* per category: its pieces in the current block */
    lc_corridor_sets *un;  /* the block's categories traced at once (lc_corridor_trace_sets) */
    lc_corridor_scratch **cscr; /* per category: its scratch there */
    lc_piece_set *psets;   /* per category traced at once: its pieces, */
    const lc_grid **grids; /* its grid, */
    lc_trace_segs **outs;  /* its block's outline */
    size_t *copy;          /* per category: the earlier one whose outline it copies (SIZE_MAX: none) */
    size_t failed_cat;     /* the category of its failing task, */
    lc_status failed_status; /* and why: LC_ERR_GEOMETRY (GEOS said why) or LC_ERR_NOMEM */
} service_worker;

struct service_job {
    const lc_network *net; /* borrowed: it must outlive the job */
    size_t ncat;
    trace_cat *cats;
    double width, cell;
    int64_t block_i0, block_j0;
    size_t blocks_x, blocks;
    GEOSGeometry **out;    /* borrowed: the coverage's service[] */
    GEOSGeometry **circles;/* straight-line mode: per category its circles as one collection (owned,
                              NULL without facilities); NULL in network mode */
    lc_context *ctx;       /* borrowed: its GEOS handle frees what is left of circles; the coverage's
                              context, moved with it (lc_cov_service_bind) */
    lc_parallel_job *run;  /* the blocks, then the categories (geo/parallel.c); NULL once finished */
    service_worker w[2];   /* [0] whoever waits (lc_cov_service_finish), [1] the background thread */
};

static int worker_init(service_worker *w, size_t ncat)
{
    memset(w, 0, sizeof *w);
    w->scr = lc_corridor_scratch_create();
    w->poff = calloc(ncat + 1, sizeof *w->poff);
    w->pcnt = calloc(ncat + 1, sizeof *w->pcnt);
    w->un = lc_corridor_sets_create();
    w->cscr = calloc(ncat + 1, sizeof *w->cscr);
    w->psets = calloc(ncat + 1, sizeof *w->psets);
    w->grids = calloc(ncat + 1, sizeof *w->grids);
    w->outs = calloc(ncat + 1, sizeof *w->outs);
    w->copy = calloc(ncat + 1, sizeof *w->copy);
    if (!w->scr || !w->poff || !w->pcnt || !w->un || !w->cscr || !w->psets || !w->grids || !w->outs || !w->copy)
        return -1;
    for (size_t c = 0; c < ncat; c++)
        if (!(w->cscr[c] = lc_corridor_scratch_create()))
            return -1;
    return 0;
}

static void worker_free(service_worker *w)
{
    lc_corridor_scratch_destroy(w->scr);
    free(w->edges);
    free(w->pieces);
    free(w->poff);
    free(w->pcnt);
    lc_corridor_sets_destroy(w->un);
    for (size_t c = 0; w->cscr && w->cscr[c]; c++)
        lc_corridor_scratch_destroy(w->cscr[c]);
    free(w->cscr);
    free(w->psets);
    free(w->grids);
    free(w->outs);
    free(w->copy);
    memset(w, 0, sizeof *w);
}

/* The cells of block (bi, bj) in category tc's grid: 1 when there are any. */
static int block_cells(const trace_cat *tc, int64_t bi, int64_t bj, int64_t *ci0, int64_t *cj0, int64_t *ci1,
                       int64_t *cj1)
{
    const lc_grid *g = &tc->g;
    int64_t a0 = bi * SERVICE_BLOCK, b0 = bj * SERVICE_BLOCK, a1 = a0 + SERVICE_BLOCK, b1 = b0 + SERVICE_BLOCK;
    *ci0 = a0 > g->i0 ? a0 : g->i0, *cj0 = b0 > g->j0 ? b0 : g->j0;
    *ci1 = a1 < g->i1 ? a1 : g->i1, *cj1 = b1 < g->j1 ? b1 : g->j1;
    return *ci1 > *ci0 && *cj1 > *cj0;
}

/* Block t for every category. 0, or -1 with *cat the failing category. */
static int block_task(service_job *job, service_worker *w, size_t t, size_t *cat)
{
    int64_t bi = job->block_i0 + (int64_t)(t % job->blocks_x), bj = job->block_j0 + (int64_t)(t / job->blocks_x);
    double cell = job->cell, reach = job->width + 1.5 * cell;
    lc_bbox box = {(double)(bi * SERVICE_BLOCK) * cell, (double)(bj * SERVICE_BLOCK) * cell,
                   (double)((bi + 1) * SERVICE_BLOCK) * cell, (double)((bj + 1) * SERVICE_BLOCK) * cell};
    *cat = 0;
    w->nedges = w->npieces = 0;
    if (lc_network_edges_near(job->net, box, reach, &w->edges, &w->nedges, &w->edges_cap))
        return -1;
    /* Every category's reached parts of those edges first; then which categories copy an earlier
     * one's outline (the very same pieces, both inside their grids' borders); the others whose grid
     * covers the whole block are traced at once (lc_corridor_trace_sets: each piece's distances
     * computed once for all of them), the rest one by one. */
    int64_t b0 = bi * SERVICE_BLOCK, c0 = bj * SERVICE_BLOCK, b1 = b0 + SERVICE_BLOCK, c1 = c0 + SERVICE_BLOCK;
    for (size_t c = 0; c < job->ncat; c++) {
        trace_cat *tc = &job->cats[c];
        *cat = c;
        w->poff[c] = w->npieces;
        w->pcnt[c] = 0;
        w->copy[c] = SIZE_MAX;
        int64_t ci0, cj0, ci1, cj1;
        if (!tc->segs || !block_cells(tc, bi, bj, &ci0, &cj0, &ci1, &cj1))
            continue;
        if (lc_reached_pieces(job->net, &tc->reached, w->edges, w->nedges, &w->pieces, &w->npieces, &w->pieces_cap))
            return -1;
        w->pcnt[c] = w->npieces - w->poff[c];
        const lc_grid *g = &tc->g;
        int inner = ci0 > g->i0 && cj0 > g->j0 && ci1 < g->i1 && cj1 < g->j1;
        for (size_t q = 0; inner && q < c && w->copy[c] == SIZE_MAX; q++) {
            const trace_cat *tq = &job->cats[q];
            /* no pieces: w->pieces may still be NULL, and memcmp(NULL, NULL, 0) is undefined */
            if (tq->segs && tq->inner[t] && w->pcnt[q] == w->pcnt[c] &&
                (!w->pcnt[c] || !memcmp(w->pieces + w->poff[q], w->pieces + w->poff[c], w->pcnt[c] * sizeof *w->pieces)))
                w->copy[c] = q;
        }
        tc->inner[t] = (unsigned char)inner;
    }
    size_t nsets = 0;
    for (size_t c = 0; c < job->ncat; c++) {
        trace_cat *tc = &job->cats[c];
        *cat = c;
        int64_t ci0, cj0, ci1, cj1;
        if (!tc->segs || !block_cells(tc, bi, bj, &ci0, &cj0, &ci1, &cj1) || w->copy[c] != SIZE_MAX)
            continue;
        lc_piece_set ps = {w->pieces + w->poff[c], w->pcnt[c]};
        if (ci0 == b0 && cj0 == c0 && ci1 == b1 && cj1 == c1 && ps.n && nsets < 32) {
            w->psets[nsets] = ps, w->grids[nsets] = &tc->g, w->outs[nsets] = &tc->segs[t];
            nsets++;
            continue;
        }
        lc_corridor_pieces_reset(w->scr);
        if (lc_corridor_pieces_add(w->scr, ps.s, ps.n) ||
            lc_corridor_trace_block(w->scr, NULL, &tc->g, ci0, cj0, ci1, cj1, &tc->segs[t]))
            return -1;
    }
    if (nsets && lc_corridor_trace_sets(w->un, w->cscr, w->psets, w->grids, nsets, b0, c0, b1, c1, w->outs)) {
        *cat = 0;
        return -1;
    }
    for (size_t c = 0; c < job->ncat; c++) { /* in order: the one copied from is done by now */
        if (w->copy[c] == SIZE_MAX)
            continue;
        *cat = c;
        const lc_trace_segs *from = &job->cats[w->copy[c]].segs[t];
        lc_trace_segs *out = &job->cats[c].segs[t];
        if (from->n && lc_scratch_grow_segs(out, from->n))
            return -1;
        if (from->n)
            memcpy(out->v, from->v, from->n * sizeof *out->v);
        out->n = from->n;
    }
    return 0;
}

/* Category c's outline from its blocks' pieces, in block order, into job->out[c]. 0, or -1. */
static int assemble_task(service_job *job, service_worker *w, size_t c)
{
    trace_cat *tc = &job->cats[c];
    if (!tc->segs)
        return 0;
    size_t n = 0;
    for (size_t b = 0; b < job->blocks; b++)
        n += tc->segs[b].n;
    lc_trace_seg *all = malloc((n ? n : 1) * sizeof *all);
    if (!all)
        return -1;
    for (size_t b = 0, at = 0; b < job->blocks; b++) {
        if (tc->segs[b].n)
            memcpy(all + at, tc->segs[b].v, tc->segs[b].n * sizeof *all);
        at += tc->segs[b].n;
        free(tc->segs[b].v);
        tc->segs[b] = (lc_trace_segs){0};
    }
    int failed = 0;
    GEOSGeometry *g = lc_corridor_assemble(w->h, &tc->g, all, n, &failed);
    free(all);
    if (failed)
        return -1;
    lc_geom_cache_for_threads(w->h, g); /* read by the caller's thread from then on */
    job->out[c] = g;
    return 0;
}

/* Straight-line mode: category c's circles dissolved into job->out[c] (the collection freed once
 * used). 0, or -1. */
static int dissolve_task(service_job *job, service_worker *w, size_t c)
{
    if (!job->circles[c])
        return 0;
    GEOSGeometry *u = GEOSUnaryUnion_r(w->h, job->circles[c]);
    if (!u)
        return -1;
    GEOSGeom_destroy_r(w->h, job->circles[c]);
    job->circles[c] = NULL;
    job->out[c] = u;
    return 0;
}

/* lc_parallel_fn: in network mode tasks [0, blocks) trace a block for every category, tasks from
 * blocks on (which the pool starts only once every block is done) assemble a category's outline; in
 * straight-line mode task c dissolves category c. A failure without GEOS's message is out of memory. */
static int service_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    service_job *job = arg;
    service_worker *w = &job->w[thread];
    w->h = h;
    size_t cat = job->circles ? i : i - job->blocks;
    int rc = job->circles ? dissolve_task(job, w, cat)
             : i < job->blocks ? block_task(job, w, i, &cat)
                               : assemble_task(job, w, cat);
    if (rc) {
        w->failed_cat = cat;
        w->failed_status = msg[0] ? LC_ERR_GEOMETRY : LC_ERR_NOMEM;
        if (!msg[0])
            snprintf(msg, msg_size, "out of memory");
    }
    return rc;
}

void lc_cov_service_destroy(service_job *job)
{
    if (!job)
        return;
    lc_parallel_cancel(job->run);
    worker_free(&job->w[0]);
    worker_free(&job->w[1]);
    for (size_t c = 0; job->cats && c < job->ncat; c++) {
        trace_cat *tc = &job->cats[c];
        lc_reached_free(&tc->reached);
        for (size_t b = 0; tc->segs && b < job->blocks; b++)
            free(tc->segs[b].v);
        free(tc->segs);
        free(tc->inner);
    }
    free(job->cats);
    for (size_t c = 0; job->circles && c < job->ncat; c++)
        if (job->circles[c])
            GEOSGeom_destroy_r(lc_ctx_geos(job->ctx), job->circles[c]);
    free(job->circles);
    free(job);
}

void lc_cov_service_bind(service_job *job, lc_context *ctx)
{
    if (job)
        job->ctx = ctx;
}

service_job *lc_cov_dissolve_start(lc_context *ctx, GEOSGeometry **circles, size_t ncat, int background,
                                   GEOSGeometry **out)
{
    service_job *job = lc_calloc(ctx, 1, sizeof *job);
    if (!job) {
        for (size_t c = 0; c < ncat; c++)
            if (circles[c])
                GEOSGeom_destroy_r(lc_ctx_geos(ctx), circles[c]);
        free(circles);
        return NULL;
    }
    job->ncat = ncat, job->out = out, job->circles = circles, job->ctx = ctx;
    if (!(job->run = lc_parallel_start(ctx, background ? 1 : 0, ncat, ncat, service_task, job))) {
        lc_cov_service_destroy(job);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot prepare the service areas' thread");
        return NULL;
    }
    return job;
}

service_job *lc_cov_service_start(lc_context *ctx, const lc_network *net, service_area_input *in, size_t ncat,
                                  double width, double cell, int background, GEOSGeometry **out)
{
    service_job *job = lc_calloc(ctx, 1, sizeof *job);
    if (!job) {
        for (size_t c = 0; c < ncat; c++)
            lc_reached_free(&in[c].reached);
        free(in);
        return NULL;
    }
    job->net = net, job->ncat = ncat, job->width = width, job->cell = cell, job->out = out;
    job->cats = lc_calloc(ctx, ncat ? ncat : 1, sizeof *job->cats);
    if (!job->cats) {
        for (size_t c = 0; c < ncat; c++)
            lc_reached_free(&in[c].reached);
        free(in);
        free(job);
        return NULL;
    }
    int any = 0;
    int64_t i0 = 0, j0 = 0, i1 = 0, j1 = 0;
    for (size_t c = 0; c < ncat; c++) {
        trace_cat *tc = &job->cats[c];
        tc->reached = in[c].reached;
        if (lc_bbox_is_empty(in[c].extent) || !tc->reached.left)
            continue;
        tc->has = 1;
        tc->g = lc_corridor_grid_for(in[c].extent, cell, width);
        i0 = any && i0 < tc->g.i0 ? i0 : tc->g.i0, j0 = any && j0 < tc->g.j0 ? j0 : tc->g.j0;
        i1 = any && i1 > tc->g.i1 ? i1 : tc->g.i1, j1 = any && j1 > tc->g.j1 ? j1 : tc->g.j1;
        any = 1;
    }
    free(in);
    if (any) {
        job->block_i0 = (int64_t)floor((double)i0 / SERVICE_BLOCK), job->block_j0 = (int64_t)floor((double)j0 / SERVICE_BLOCK);
        job->blocks_x = (size_t)((int64_t)floor((double)(i1 - 1) / SERVICE_BLOCK) - job->block_i0 + 1);
        job->blocks = job->blocks_x * (size_t)((int64_t)floor((double)(j1 - 1) / SERVICE_BLOCK) - job->block_j0 + 1);
    }
    for (size_t c = 0; any && c < ncat; c++) {
        trace_cat *tc = &job->cats[c];
        if (!tc->has)
            continue;
        if (!(tc->segs = lc_calloc(ctx, job->blocks, sizeof *tc->segs)) || !(tc->inner = lc_calloc(ctx, job->blocks, 1))) {
            lc_cov_service_destroy(job);
            return NULL;
        }
    }
    if (worker_init(&job->w[0], ncat) || worker_init(&job->w[1], ncat) ||
        !(job->run = lc_parallel_start(ctx, background ? 1 : 0, job->blocks + ncat, job->blocks, service_task, job))) {
        lc_cov_service_destroy(job);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot prepare the service areas' thread");
        return NULL;
    }
    return job;
}

lc_status lc_cov_service_finish(lc_context *ctx, service_job *job, size_t *failed_cat, char *reason, size_t size)
{
    lc_parallel_failure why = {0};
    lc_status st = lc_parallel_finish(ctx, job->run, NULL, &why);
    job->run = NULL;
    *failed_cat = st == LC_OK ? 0 : job->w[why.thread].failed_cat;
    snprintf(reason, size, "%s", st == LC_OK ? "" : lc_context_errmsg(ctx));
    return st == LC_OK ? LC_OK : job->w[why.thread].failed_status;
}
