/*
 * queries/coverage_service.c — network-mode service areas, traced behind the caller's back.
 *
 * A category's service area is its walking corridor's outline over the whole network
 * (queries/corridor_trace.c). Only the service_areas layer and the maps need it, so
 * lc_coverage_compute hands the work to a job that traces it on a thread of its own while the caller
 * writes the cells and the gaps; whoever waits for the result (lc_cov_service_finish) takes work too,
 * so waiting at once costs no more than tracing in place. The work: blocks of SERVICE_BLOCK cells on
 * a grid common to every category (each block for every category whose grid meets it: the edges near
 * it found once, each category's reached parts of them cut, its outline traced — or copied from an
 * earlier category with the very same parts and cells), then each category's blocks assembled in
 * block order. Every block and category is done by one thread whichever it is, so the result does
 * not depend on the timing.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
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

/* What one thread works with: its own GEOS handle and memory. */
typedef struct service_worker {
    GEOSContextHandle_t h;
    lc_corridor_scratch *scr;
    uint32_t *edges;
    size_t nedges, edges_cap;
    lc_seg *pieces;
    size_t npieces, pieces_cap;
    size_t *poff, *pcnt;   /* per category: its pieces in the current block */
    char msg[256];
} service_worker;

struct service_job {
    const lc_network *net; /* borrowed: it must outlive the job */
    size_t ncat;
    trace_cat *cats;
    double width, cell;
    int64_t block_i0, block_j0;
    size_t blocks_x, blocks;
    GEOSGeometry **out;    /* borrowed: the coverage's service[] */
    pthread_mutex_t lock;  /* guards what follows */
    pthread_cond_t changed;
    size_t next_block, blocks_done, next_cat;
    int stop, failed;
    size_t failed_cat;
    lc_status failed_status;
    char failed_msg[256];
    pthread_t thread;
    int started;
    service_worker bg;     /* the job's own thread's */
};

/* GEOS's message on a worker's handle. */
static void worker_geos_error(const char *message, void *userdata)
{
    service_worker *w = userdata;
    snprintf(w->msg, sizeof w->msg, "%s", message ? message : "");
}

static int worker_init(service_worker *w, size_t ncat)
{
    memset(w, 0, sizeof *w);
    if (!(w->h = GEOS_init_r()))
        return -1;
    GEOSContext_setErrorMessageHandler_r(w->h, worker_geos_error, w);
    w->scr = lc_corridor_scratch_create();
    w->poff = calloc(ncat + 1, sizeof *w->poff);
    w->pcnt = calloc(ncat + 1, sizeof *w->pcnt);
    return w->scr && w->poff && w->pcnt ? 0 : -1;
}

static void worker_free(service_worker *w)
{
    if (w->h)
        GEOS_finish_r(w->h);
    lc_corridor_scratch_destroy(w->scr);
    free(w->edges);
    free(w->pieces);
    free(w->poff);
    free(w->pcnt);
    memset(w, 0, sizeof *w);
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
    for (size_t c = 0; c < job->ncat; c++) {
        trace_cat *tc = &job->cats[c];
        *cat = c;
        w->poff[c] = w->npieces;
        w->pcnt[c] = 0;
        if (!tc->segs)
            continue;
        const lc_grid *g = &tc->g;
        int64_t ci0 = bi * SERVICE_BLOCK, cj0 = bj * SERVICE_BLOCK, ci1 = ci0 + SERVICE_BLOCK, cj1 = cj0 + SERVICE_BLOCK;
        ci0 = ci0 > g->i0 ? ci0 : g->i0, cj0 = cj0 > g->j0 ? cj0 : g->j0;
        ci1 = ci1 < g->i1 ? ci1 : g->i1, cj1 = cj1 < g->j1 ? cj1 : g->j1;
        if (ci1 <= ci0 || cj1 <= cj0)
            continue;
        if (lc_reached_pieces(job->net, &tc->reached, w->edges, w->nedges, &w->pieces, &w->npieces, &w->pieces_cap))
            return -1;
        w->pcnt[c] = w->npieces - w->poff[c];
        lc_trace_segs *out = &tc->segs[t];
        int inner = ci0 > g->i0 && cj0 > g->j0 && ci1 < g->i1 && cj1 < g->j1;
        int copied = 0;
        for (size_t q = 0; inner && q < c && !copied; q++) {
            const trace_cat *tq = &job->cats[q];
            if (!tq->segs || !tq->inner[t] || w->pcnt[q] != w->pcnt[c] ||
                memcmp(w->pieces + w->poff[q], w->pieces + w->poff[c], w->pcnt[c] * sizeof *w->pieces))
                continue;
            const lc_trace_segs *from = &tq->segs[t];
            if (from->n && lc_scratch_grow_segs(out, from->n))
                return -1;
            if (from->n)
                memcpy(out->v, from->v, from->n * sizeof *out->v);
            out->n = from->n;
            copied = 1;
        }
        if (!copied) {
            lc_corridor_pieces_reset(w->scr);
            if (lc_corridor_pieces_add(w->scr, w->pieces + w->poff[c], w->pcnt[c]) ||
                lc_corridor_trace_block(w->scr, NULL, g, ci0, cj0, ci1, cj1, out))
                return -1;
        }
        tc->inner[t] = (unsigned char)inner;
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

/* Takes blocks, then (once every block is done) categories, until none is left, the job failed or
 * was stopped. */
static void work(service_job *job, service_worker *w)
{
    pthread_mutex_lock(&job->lock);
    for (;;) {
        if (job->stop || job->failed)
            break;
        size_t t = 0, c = 0;
        int kind;
        if (job->next_block < job->blocks) {
            t = job->next_block++, kind = 0;
        } else if (job->blocks_done < job->blocks) {
            pthread_cond_wait(&job->changed, &job->lock); /* the last blocks are being traced */
            continue;
        } else if (job->next_cat < job->ncat) {
            c = job->next_cat++, kind = 1;
        } else {
            break;
        }
        pthread_mutex_unlock(&job->lock);
        w->msg[0] = '\0';
        size_t cat = c;
        int rc = kind == 0 ? block_task(job, w, t, &cat) : assemble_task(job, w, c);
        pthread_mutex_lock(&job->lock);
        if (rc && !job->failed) {
            job->failed = 1;
            job->failed_cat = cat;
            job->failed_status = w->msg[0] ? LC_ERR_GEOMETRY : LC_ERR_NOMEM;
            snprintf(job->failed_msg, sizeof job->failed_msg, "%s", w->msg[0] ? w->msg : "out of memory");
        }
        if (kind == 0 && ++job->blocks_done == job->blocks)
            pthread_cond_broadcast(&job->changed);
    }
    pthread_cond_broadcast(&job->changed);
    pthread_mutex_unlock(&job->lock);
}

static void *job_thread(void *arg)
{
    service_job *job = arg;
    work(job, &job->bg);
    return NULL;
}

void lc_cov_service_destroy(service_job *job)
{
    if (!job)
        return;
    if (job->started) {
        pthread_mutex_lock(&job->lock);
        job->stop = 1;
        pthread_cond_broadcast(&job->changed);
        pthread_mutex_unlock(&job->lock);
        pthread_join(job->thread, NULL);
    }
    worker_free(&job->bg);
    for (size_t c = 0; job->cats && c < job->ncat; c++) {
        trace_cat *tc = &job->cats[c];
        lc_reached_free(&tc->reached);
        for (size_t b = 0; tc->segs && b < job->blocks; b++)
            free(tc->segs[b].v);
        free(tc->segs);
        free(tc->inner);
    }
    free(job->cats);
    pthread_mutex_destroy(&job->lock);
    pthread_cond_destroy(&job->changed);
    free(job);
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
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->changed, NULL);
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
    if (worker_init(&job->bg, ncat)) {
        lc_cov_service_destroy(job);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot prepare the service areas' thread");
        return NULL;
    }
    /* Without a thread (one worker asked for, or none can start) the waiter does all the work. */
    if (background)
        job->started = pthread_create(&job->thread, NULL, job_thread, job) == 0;
    return job;
}

lc_status lc_cov_service_finish(lc_context *ctx, service_job *job, size_t *failed_cat, char *reason, size_t size)
{
    service_worker helper;
    if (worker_init(&helper, job->ncat) == 0)
        work(job, &helper);
    worker_free(&helper);
    if (job->started) {
        pthread_join(job->thread, NULL);
        job->started = 0;
    }
    if (!job->failed && (job->next_cat < job->ncat || job->blocks_done < job->blocks)) { /* no helper could start */
        work(job, &job->bg);
    }
    *failed_cat = job->failed_cat;
    snprintf(reason, size, "%s", job->failed ? job->failed_msg : "");
    (void)ctx;
    return job->failed ? job->failed_status : LC_OK;
}
