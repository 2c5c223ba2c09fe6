/*
 * geo/parallel.c — lc_parallel_run (geo/parallel_int.h): a shared counter hands out task indices
 * under a mutex; every thread keeps its own GEOS handle, whose error messages land in the thread's
 * message buffer. The first failure stops the others after their current task.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"


typedef struct run_state {
    pthread_mutex_t lock;
    lc_parallel_fn fn;
    void *arg;
    size_t n, next, done;
    int failed;
    size_t failed_task, failed_thread;
    char failed_msg[512];
} run_state;

typedef struct thread_state {
    run_state *run;
    size_t index;
    GEOSContextHandle_t h;
    char msg[512];
} thread_state;

/* GEOS's message handler: keeps the message in the thread's buffer (userdata). */
static void keep_geos_message(const char *message, void *userdata)
{
    thread_state *t = userdata;
    snprintf(t->msg, sizeof t->msg, "%s", message ? message : "");
}

/* Takes tasks until none are left or one has failed; progress through report (NULL off the
 * calling thread). */
static void take_tasks(thread_state *t, lc_context *report, const char *stage)
{
    run_state *r = t->run;
    size_t reported = 0;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t i = r->next++, done = r->done;
        int stop = r->failed || i >= r->n;
        pthread_mutex_unlock(&r->lock);
        if (report && stage && r->n && done * 100 / r->n > reported) {
            reported = done * 100 / r->n;
            lc_progress(report, stage, (double)done / (double)r->n);
        }
        if (stop)
            return;
        t->msg[0] = '\0';
        int rc = r->fn(r->arg, i, t->index, t->h, t->msg, sizeof t->msg);
        pthread_mutex_lock(&r->lock);
        r->done++;
        if (rc && !r->failed) {
            r->failed = 1;
            r->failed_task = i;
            r->failed_thread = t->index;
            snprintf(r->failed_msg, sizeof r->failed_msg, "%s", t->msg);
        }
        pthread_mutex_unlock(&r->lock);
        if (rc)
            return;
    }
}

/* pthread start routine of the extra threads. */
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

lc_status lc_parallel_run(lc_context *ctx, size_t nthreads, size_t n, lc_parallel_fn fn, void *arg,
                          const char *stage, lc_parallel_failure *failed)
{
    nthreads = lc_parallel_threads(nthreads, n);
    run_state r = {.fn = fn, .arg = arg, .n = n};
    thread_state *ts = lc_calloc(ctx, nthreads, sizeof *ts);
    if (!ts)
        return LC_ERR_NOMEM;
    size_t made = 0;
    for (; made < nthreads; made++) {
        ts[made].run = &r;
        ts[made].index = made;
        /* Every handle before any thread starts: GEOS_init_r resets GEOS's interrupt flag. */
        if (!(ts[made].h = GEOS_init_r()))
            break;
        GEOSContext_setErrorMessageHandler_r(ts[made].h, keep_geos_message, &ts[made]);
    }
    if (made < nthreads) {
        for (size_t t = 0; t < made; t++)
            GEOS_finish_r(ts[t].h);
        free(ts);
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot make GEOS handles for %zu threads", nthreads);
    }
    pthread_mutex_init(&r.lock, NULL);
    pthread_t tid[LC_PARALLEL_MAX_THREADS];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++) /* one that cannot start leaves its share to the others */
        if (pthread_create(&tid[started], NULL, thread_main, &ts[t]) == 0)
            started++;
    take_tasks(&ts[0], ctx, stage);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&r.lock);
    for (size_t t = 0; t < nthreads; t++)
        GEOS_finish_r(ts[t].h);
    free(ts);
    if (r.failed) {
        if (failed)
            *failed = (lc_parallel_failure){r.failed_task, r.failed_thread};
        if (!r.failed_msg[0])
            return lc_error(ctx, LC_ERR_GEOMETRY, "task %zu of %s failed", r.failed_task, stage ? stage : "a run");
        return lc_error(ctx, LC_ERR_GEOMETRY, "%s", r.failed_msg);
    }
    return LC_OK;
}
