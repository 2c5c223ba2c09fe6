/*
 * geo/parallel.c — the library's one way to run tasks on threads (geo/parallel_int.h). A job is n
 * tasks taken in index order from a shared counter under a mutex; tasks from `barrier` on wait
 * until every task before it is done (a second phase that reads the first's results). Every thread
 * keeps its own GEOS handle, whose error messages land in the thread's message buffer; the first
 * failure stops the others after their current task. lc_parallel_run is a job whose calling thread
 * works with the others until the end; lc_parallel_start leaves the job to background threads
 * while the caller does something else, and lc_parallel_finish makes the caller help with what is
 * left before it waits. lc_parallel_pipeline is the other shape: one producer on a thread of its
 * own feeding the caller through a bounded queue.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"

typedef struct thread_state {
    lc_parallel_job *job;
    size_t index;
    GEOSContextHandle_t h;
    char msg[512];
} thread_state;

struct lc_parallel_job {
    pthread_mutex_t lock;     /* guards what follows it */
    pthread_cond_t changed;   /* a task finished, or the job stopped */
    lc_parallel_fn fn;
    void *arg;
    size_t n, barrier, next, done, done_before_barrier;
    int failed, stop, cancelled; /* cancelled: the caller's context was cancelled (lc_context_cancel) */
    size_t failed_task, failed_thread;
    char failed_msg[512];
    size_t nthreads;          /* thread states: [0] the caller's, [1 ..] the background threads' */
    thread_state *ts;
    pthread_t tid[LC_PARALLEL_MAX_THREADS];
    size_t started;
};

/* GEOS's message handler: keeps the message in the thread's buffer (userdata). */
static void keep_geos_message(const char *message, void *userdata)
{
    thread_state *t = userdata;
    snprintf(t->msg, sizeof t->msg, "%s", message ? message : "");
}

/* Takes tasks until none are left, one has failed or the job was stopped; progress through report
 * (NULL off the calling thread), which is also where a cancel of the caller's context is seen: the
 * job then stops, the tasks running finish and no more start. */
static void take_tasks(thread_state *t, lc_context *report, const char *stage)
{
    lc_parallel_job *j = t->job;
    size_t reported = 0;
    pthread_mutex_lock(&j->lock);
    for (;;) {
        /* A cancel is seen before asking whether tasks are left: one made during the last tasks (the
         * other threads took the rest meanwhile) still stops the step, not the next one. */
        if (report && !j->failed && lc_context_cancelled(report)) {
            j->stop = j->cancelled = 1;
            break;
        }
        if (j->failed || j->stop || j->next >= j->n)
            break;
        if (j->next >= j->barrier && j->done_before_barrier < j->barrier) {
            pthread_cond_wait(&j->changed, &j->lock); /* the first phase's last tasks are running */
            continue;
        }
        /* i < n and, past the barrier, every first-phase task done: the two tests above */
        size_t i = j->next++, done = j->done;
        pthread_mutex_unlock(&j->lock);
        if (report && stage && j->n && done * 100 / j->n > reported) {
            reported = done * 100 / j->n;
            lc_progress(report, stage, (double)done / (double)j->n);
        }
        t->msg[0] = '\0';
        int rc = j->fn(j->arg, i, t->index, t->h, t->msg, sizeof t->msg);
        pthread_mutex_lock(&j->lock);
        j->done++;
        j->done_before_barrier += i < j->barrier;
        if (rc && !j->failed) {
            j->failed = 1;
            j->failed_task = i;
            j->failed_thread = t->index;
            snprintf(j->failed_msg, sizeof j->failed_msg, "%s", t->msg);
        }
        pthread_cond_broadcast(&j->changed);
    }
    pthread_cond_broadcast(&j->changed);
    pthread_mutex_unlock(&j->lock);
}

/* pthread start routine of the background threads. */
static void *thread_main(void *arg)
{
    take_tasks(arg, NULL, NULL);
    return NULL;
}

size_t lc_parallel_threads(size_t nthreads, size_t n)
{
    if (!nthreads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = cores > 0 ? (size_t)cores : 1;
    }
    if (nthreads > LC_PARALLEL_MAX_THREADS)
        nthreads = LC_PARALLEL_MAX_THREADS;
    return nthreads > n ? (n ? n : 1) : nthreads;
}

/* Joins the background threads and releases the job. */
static void job_free(lc_parallel_job *j)
{
    for (size_t t = 0; t < j->started; t++)
        pthread_join(j->tid[t], NULL);
    for (size_t t = 0; t < j->nthreads; t++)
        if (j->ts[t].h)
            GEOS_finish_r(j->ts[t].h);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->changed);
    free(j->ts);
    free(j);
}

lc_parallel_job *lc_parallel_start(lc_context *ctx, size_t background, size_t n, size_t barrier,
                                   lc_parallel_fn fn, void *arg)
{
    if (background >= LC_PARALLEL_MAX_THREADS)
        background = LC_PARALLEL_MAX_THREADS - 1;
    lc_parallel_job *j = lc_calloc(ctx, 1, sizeof *j);
    thread_state *ts = j ? lc_calloc(ctx, background + 1, sizeof *ts) : NULL;
    if (!ts) {
        free(j);
        return NULL;
    }
    j->fn = fn, j->arg = arg, j->n = n, j->barrier = barrier < n ? barrier : n;
    j->nthreads = background + 1, j->ts = ts;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->changed, NULL);
    for (size_t t = 0; t < j->nthreads; t++) {
        ts[t].job = j;
        ts[t].index = t;
        /* Every handle before any thread starts: GEOS_init_r resets GEOS's interrupt flag. */
        if (!(ts[t].h = GEOS_init_r())) {
            job_free(j);
            lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot make GEOS handles for %zu threads", background + 1);
            return NULL;
        }
        GEOSContext_setErrorMessageHandler_r(ts[t].h, keep_geos_message, &ts[t]);
    }
    for (size_t t = 1; t < j->nthreads; t++) /* one that cannot start leaves its share to the others */
        if (pthread_create(&j->tid[j->started], NULL, thread_main, &ts[t]) == 0)
            j->started++;
    return j;
}

lc_status lc_parallel_finish(lc_context *ctx, lc_parallel_job *job, const char *stage, lc_parallel_failure *failed)
{
    if (!job)
        return lc_context_errno(ctx);
    take_tasks(&job->ts[0], ctx, stage);
    for (size_t t = 0; t < job->started; t++)
        pthread_join(job->tid[t], NULL);
    job->started = 0;
    int bad = job->failed, cancelled = job->cancelled;
    lc_parallel_failure where = {job->failed_task, job->failed_thread};
    char msg[512];
    snprintf(msg, sizeof msg, "%s", job->failed_msg);
    job_free(job);
    if (cancelled && !bad)
        return lc_check_cancel(ctx, stage ? stage : "a threaded step");
    if (!bad)
        return LC_OK;
    if (failed)
        *failed = where;
    if (!msg[0])
        return lc_error(ctx, LC_ERR_GEOMETRY, "task %zu of %s failed", where.task, stage ? stage : "a run");
    return lc_error(ctx, LC_ERR_GEOMETRY, "%s", msg);
}

void lc_parallel_cancel(lc_parallel_job *job)
{
    if (!job)
        return;
    pthread_mutex_lock(&job->lock);
    job->stop = 1;
    pthread_cond_broadcast(&job->changed);
    pthread_mutex_unlock(&job->lock);
    job_free(job);
}

lc_status lc_parallel_run(lc_context *ctx, size_t nthreads, size_t n, lc_parallel_fn fn, void *arg,
                          const char *stage, lc_parallel_failure *failed)
{
    lc_parallel_job *job = lc_parallel_start(ctx, lc_parallel_threads(nthreads, n) - 1, n, n, fn, arg);
    return job ? lc_parallel_finish(ctx, job, stage, failed) : lc_context_errno(ctx);
}

/* ---- a pipeline of two stages ------------------------------------------------------------------- */

struct lc_pipe {
    pthread_mutex_t lock;  /* guards what follows it */
    pthread_cond_t changed;/* an item was put or taken, the producer finished or the consumer stopped */
    void **ring;
    size_t cap, head, count;
    int done, stopped;     /* the producer returned; the consumer stopped */
    int inline_run;        /* no thread: lc_pipe_put consumes at once */
    lc_pipe_produce_fn produce;
    lc_pipe_consume_fn consume;
    lc_pipe_drop_fn drop;
    void *arg;
};

static void *pipe_main(void *v)
{
    lc_pipe *p = v;
    p->produce(p->arg, p, 1);
    pthread_mutex_lock(&p->lock);
    p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int lc_pipe_put(lc_pipe *p, void *item)
{
    if (p->inline_run) {
        if (p->stopped) {
            p->drop(p->arg, item);
            return -1;
        }
        p->stopped = p->consume(p->arg, item) != 0;
        return p->stopped ? -1 : 0;
    }
    pthread_mutex_lock(&p->lock);
    while (p->count == p->cap && !p->stopped)
        pthread_cond_wait(&p->changed, &p->lock);
    int stopped = p->stopped;
    if (!stopped) {
        p->ring[(p->head + p->count) % p->cap] = item;
        p->count++;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    if (stopped)
        p->drop(p->arg, item);
    return stopped ? -1 : 0;
}

int lc_parallel_pipeline(size_t depth, lc_pipe_produce_fn produce, lc_pipe_consume_fn consume,
                         lc_pipe_drop_fn drop, void *arg)
{
    lc_pipe p = {.cap = depth ? depth : 1, .produce = produce, .consume = consume, .drop = drop, .arg = arg};
    pthread_t tid;
    p.ring = malloc(p.cap * sizeof *p.ring);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    if (!p.ring || pthread_create(&tid, NULL, pipe_main, &p) != 0) {
        p.inline_run = 1;
        produce(arg, &p, 0);
    } else {
        for (;;) {
            pthread_mutex_lock(&p.lock);
            while (!p.count && !p.done)
                pthread_cond_wait(&p.changed, &p.lock);
            if (!p.count) { /* done, and nothing left */
                pthread_mutex_unlock(&p.lock);
                break;
            }
            void *item = p.ring[p.head];
            p.head = (p.head + 1) % p.cap;
            p.count--;
            pthread_cond_broadcast(&p.changed);
            pthread_mutex_unlock(&p.lock);
            if (consume(arg, item)) {
                pthread_mutex_lock(&p.lock);
                p.stopped = 1; /* the producer's next put drops its item and returns */
                pthread_cond_broadcast(&p.changed);
                pthread_mutex_unlock(&p.lock);
                break;
            }
        }
        pthread_join(tid, NULL);
        for (; p.count; p.count--, p.head = (p.head + 1) % p.cap) /* put before the stop was seen */
            drop(arg, p.ring[p.head]);
    }
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.changed);
    free(p.ring);
    return p.stopped ? -1 : 0;
}
