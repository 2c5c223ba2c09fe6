/*
 * geo/parallel_int.h — the library's one way to run tasks on threads: all at once (lc_parallel_run)
 * or in the background while the caller does something else (lc_parallel_start/finish), each
 * thread with a GEOS handle of its own (GEOS handles are not to be shared between threads). Tasks
 * are taken one at a time in index order; each writes only its own slots of the caller's arrays.
 * Used by every step that is many independent tasks (coverage per compound and category, the
 * service areas' blocks, catchments, the siting matrix) and by the jobs that run beside the
 * caller (the straight-line comparison). Never included by cli/.
 */
#ifndef LIFECIRCLE_GEO_PARALLEL_INT_H
#define LIFECIRCLE_GEO_PARALLEL_INT_H

#include <geos_c.h>
#include <stddef.h>

#include "lifecircle/context.h"

/* One task: the i-th of the run, on thread `thread` (0 .. nthreads-1; 0 is the calling thread),
 * with handle h (that thread's own). A caller keeps per-thread state in an array indexed by thread.
 * Returns 0 on success; non-zero stops the run. msg (msg_size bytes, empty at the start of each
 * task) takes the reason, naming what failed; GEOS's own message on h lands there first when GEOS
 * reports one, so a task that adds its subject copies it out before writing msg. */
typedef int (*lc_parallel_fn)(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg,
                              size_t msg_size);

/* Where a run failed: the first failing task and the thread that ran it. */
typedef struct lc_parallel_failure {
    size_t task, thread;
} lc_parallel_failure;

/* The threads a run uses for n tasks when asked for nthreads (0: one per core), at most
 * LC_PARALLEL_MAX_THREADS and never more than n (at least 1): for sizing per-thread state. */
#define LC_PARALLEL_MAX_THREADS 64
size_t lc_parallel_threads(size_t nthreads, size_t n);

/* Runs fn for i = 0 .. n-1 on lc_parallel_threads(nthreads, n) threads (one that cannot start: the
 * others do its share), reporting progress of stage through ctx from the calling thread only (NULL
 * stage: none). LC_OK, or with the first failure: LC_ERR_GEOMETRY and that task's msg as the
 * context's error, *failed (may be NULL) set; LC_ERR_NOMEM when the handles cannot be made. */
lc_status lc_parallel_run(lc_context *ctx, size_t nthreads, size_t n, lc_parallel_fn fn, void *arg,
                          const char *stage, lc_parallel_failure *failed);

/* A job left to background threads (lc_parallel_start). */
typedef struct lc_parallel_job lc_parallel_job;

/* Starts n tasks of fn on `background` threads of their own (0: none — all the work waits for
 * lc_parallel_finish) and returns at once. Tasks from barrier on (n: none) start only once every
 * task before it is done. Thread indices: 1 .. background for the background threads, 0 for the
 * caller when it helps in lc_parallel_finish. NULL with LC_ERR_NOMEM. The caller ends the job with
 * lc_parallel_finish or lc_parallel_cancel; what arg points to must live until then. */
lc_parallel_job *lc_parallel_start(lc_context *ctx, size_t background, size_t n, size_t barrier,
                                   lc_parallel_fn fn, void *arg);

/* Takes the tasks still left on the calling thread (thread 0; progress of stage through ctx),
 * waits for the background threads and releases the job. LC_OK, or the first failure as
 * lc_parallel_run reports it. A NULL job returns the context's error. */
lc_status lc_parallel_finish(lc_context *ctx, lc_parallel_job *job, const char *stage, lc_parallel_failure *failed);

/* Stops a job after the tasks running now, waits for its threads and releases it. Accepts NULL. */
void lc_parallel_cancel(lc_parallel_job *job);

/* ---- a pipeline of two stages ---- */

/* A producer and a consumer joined by a bounded queue (lc_parallel_pipeline). */
typedef struct lc_pipe lc_pipe;

/* The producer's loop: makes items and hands each to lc_pipe_put, stopping when it returns
 * non-zero. threaded: it runs on a background thread (it then routes GDAL's messages itself). */
typedef void (*lc_pipe_produce_fn)(void *arg, lc_pipe *pipe, int threaded);
/* Takes one item (owned from then on); 0, or non-zero to stop the pipeline. */
typedef int (*lc_pipe_consume_fn)(void *arg, void *item);
/* Frees an item no one will consume (after a stop). */
typedef void (*lc_pipe_drop_fn)(void *arg, void *item);

/* Runs produce on a background thread of its own while consume takes its items in order on the
 * calling thread, at most depth items waiting between them (the roads' reader: GDAL fetches features
 * while the caller sorts them, layers/roads.c). When the thread cannot start, produce runs on the
 * calling thread and each lc_pipe_put consumes at once: the same items in the same order, on one
 * core. Returns 0, or -1 when consume stopped it (every item left is dropped). */
int lc_parallel_pipeline(size_t depth, lc_pipe_produce_fn produce, lc_pipe_consume_fn consume,
                         lc_pipe_drop_fn drop, void *arg);

/* Hands item to the consumer (the pipe owns it from now on; waits while depth items wait). 0, or
 * -1 once the consumer has stopped: item was dropped and the producer should return. */
int lc_pipe_put(lc_pipe *pipe, void *item);

#endif /* LIFECIRCLE_GEO_PARALLEL_INT_H */
