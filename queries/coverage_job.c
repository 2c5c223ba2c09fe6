/*
 * queries/coverage_job.c — lc_coverage_compute on a thread of its own, so a caller can do other
 * work meanwhile: `check --mode network` computes the straight-line side of its comparison while it
 * reads the roads and builds the walking network, which run on one core and would leave the other
 * idle. The job owns a context of its own, so the caller's context is never touched from two
 * threads; the result is handed over to the caller's context when the job is finished.
 */
#include <stdlib.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "lifecircle/coverage.h"
#include "queries/coverage_int.h"

struct lc_coverage_job {
    lc_context *ctx;            /* the job's own */
    const lc_inputs *in;
    const lc_profile *profile;
    lc_coverage_options options;
    lc_coverage *result;
    lc_parallel_job *run;       /* the one task, on a background thread (geo/parallel.c) */
};

/* lc_parallel_fn: the computation itself, with the job's own context. */
static int job_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)i, (void)thread, (void)h, (void)msg, (void)msg_size;
    lc_coverage_job *job = arg;
    job->result = lc_coverage_compute(job->ctx, job->in, job->profile, &job->options);
    return 0; /* a failure is the NULL result, its error in job->ctx */
}

lc_coverage_job *lc_coverage_start(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                   const lc_coverage_options *options)
{
    if (!ctx)
        return NULL;
    lc_coverage_job *job = lc_calloc(ctx, 1, sizeof *job);
    if (!job)
        return NULL;
    if (!(job->ctx = lc_context_create())) {
        free(job);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot create a context for a coverage job");
        return NULL;
    }
    lc_context_set_log_level(job->ctx, LC_LOG_ERROR);
    job->in = in;
    job->profile = profile;
    job->options = options ? *options : (lc_coverage_options){0};
    /* Without a thread to start, lc_coverage_finish does the work. */
    if (!(job->run = lc_parallel_start(job->ctx, 1, 1, 1, job_task, job))) {
        lc_context_destroy(job->ctx);
        free(job);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory: cannot start a coverage job");
        return NULL;
    }
    return job;
}

lc_coverage *lc_coverage_finish(lc_context *ctx, lc_coverage_job *job)
{
    if (!job)
        return NULL;
    if (ctx && lc_context_cancelled(ctx))
        lc_context_cancel(job->ctx); /* the caller gave up: the job stops at its next checkpoint */
    lc_parallel_finish(job->ctx, job->run, NULL, NULL); /* does the task itself if no thread took it */
    lc_coverage *cov = job->result;
    if (cov && !ctx) { /* misuse: nobody to hand it to */
        lc_coverage_destroy(cov);
        cov = NULL;
    } else if (cov) {
        lc_coverage_bind(cov, ctx);
    } else if (ctx) {
        lc_error(ctx, lc_context_errno(job->ctx), "%s", lc_context_errmsg(job->ctx));
    }
    lc_context_destroy(job->ctx);
    free(job);
    return cov;
}
