/*
 * geo/parallel_int.h — the library's one way to share independent tasks out among threads, each
 * with a GEOS handle of its own (GEOS handles are not to be shared between threads). Tasks are taken
 * one at a time in index order; each writes only its own slots of the caller's arrays. Used where a
 * step is many independent geometry operations (dissolving catchments). Never included by cli/.
 */
#ifndef LIFECIRCLE_GEO_PARALLEL_INT_H
#define LIFECIRCLE_GEO_PARALLEL_INT_H

#include <geos_c.h>
#include <stddef.h>

#include "lifecircle/context.h"

/* One task: the i-th of the run, on handle h (the thread's own). Returns 0 on success; non-zero
 * stops the run. msg (msg_size bytes, empty at the start of each task) takes the reason, naming what
 * failed; GEOS's own message on h lands there first when GEOS reports one, so a task that adds its
 * subject copies it out before writing msg. */
typedef int (*lc_parallel_fn)(void *arg, size_t i, GEOSContextHandle_t h, char *msg, size_t msg_size);

/* Runs fn for i = 0 .. n-1 on up to nthreads threads (0: one per core; 1 or a thread that cannot
 * start: the calling thread does that share), reporting progress of stage through ctx from the
 * calling thread only. LC_OK, or with the first failure: LC_ERR_GEOMETRY and that task's msg as the
 * context's error, *failed (may be NULL) set to i; LC_ERR_NOMEM when the handles cannot be made. */
lc_status lc_parallel_run(lc_context *ctx, size_t nthreads, size_t n, lc_parallel_fn fn, void *arg,
                          const char *stage, size_t *failed);

#endif /* LIFECIRCLE_GEO_PARALLEL_INT_H */
