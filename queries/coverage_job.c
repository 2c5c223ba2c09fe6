/*
 * queries/coverage_job.c — lc_coverage_compute on a thread of its own, so a caller can do other
 * work meanwhile: `check --mode network` computes the straight-line side of its comparison while it
 * reads the roads and builds the walking network, which run on one core and would leave the other
 * idle. The job owns a context of its own, so the caller's context is never touched from two
 * threads; the result is handed over to the caller's context when the job is finished.
 */
#include <pthread.h>
#include <stdlib.h>

#include "geo/context_int.h"
#include "lifecircle/coverage.h"
#include "queries/coverage_int.h"

struct lc_coverage_job {
    lc_context *ctx;            /* the job's own */
    const lc_inputs *in;
    const lc_profile *profile;
    lc_coverage_options options;
    lc_coverage *result;
    pthread_t thread;
    int started;
};

/* pthread start routine: the computation itself. */
static void *job_thread(void *arg)
{
    lc_coverage_job *job = arg;
    job->result = lc_coverage_compute(job->ctx, job->in, job->profile, &job->options);
    return NULL;
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
    /* Without a thread the work is done here, at once. */
    if (!(job->started = pthread_create(&job->thread, NULL, job_thread, job) == 0))
        job_thread(job);
    return job;
}

lc_coverage *lc_coverage_finish(lc_context *ctx, lc_coverage_job *job)
{
    if (!job)
        return NULL;
    if (job->started)
        pthread_join(job->thread, NULL);
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
