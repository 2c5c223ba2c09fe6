/*
 * run/run_check.c — lc_run_check (lifecircle/run.h): the `check` command as one library call. In
 * network mode the straight-line side of the comparison is computed on a thread of its own while
 * the roads are read and the network built (which run on one core), and the service areas are
 * traced in the background while the layers are written (queries/coverage_service.c).
 */
#include <stdio.h>

#include "geo/context_int.h"
#include "run/run_int.h"

lc_run *lc_run_check(lc_context *ctx, const lc_study *study, const lc_run_options *options)
{
    lc_run *run = lc_run_begin(ctx, study, options, "check");
    if (!run)
        return NULL;
    lc_coverage_options co = lc_run_coverage_options(run);
    lc_coverage_job *straight_job = NULL;
    if (co.mode == LC_MODE_NETWORK) {
        /* The comparison reads covered populations only: cells, no outlines. */
        lc_coverage_options so = co;
        so.mode = LC_MODE_STRAIGHT;
        so.cells_only = 1;
        if (!(straight_job = lc_coverage_start(ctx, run->inputs, run->profile, &so)))
            goto fail;
        if (lc_run_network_build(run) != LC_OK)
            goto fail;
        co.network = run->network;
    }
    if (lc_run_coverage(run, &co) != LC_OK)
        goto fail;
    if (straight_job) {
        run->straight = lc_coverage_finish(ctx, straight_job);
        straight_job = NULL;
        if (!run->straight)
            goto fail;
    }
    if (lc_run_step(run, "indicators") != LC_OK)
        goto fail;
    run->results = (lc_results){study, run->inputs, run->profile, run->coverage, run->indicators, run->quality,
                                run->straight};
    run->has_results = 1;
    lc_output *out = lc_results_stage(ctx, run->output, &run->output_options, &run->results);
    if (!out || lc_run_commit_with_report(run, out, NULL, 0) != LC_OK)
        goto fail;
    lc_run_step(run, "writing the results");
    return run;
fail:
    /* A failure elsewhere: the comparison is waited for and dropped, the step's error kept. */
    if (straight_job) {
        lc_status st = lc_context_errno(ctx);
        char why[512];
        snprintf(why, sizeof why, "%s", lc_context_errmsg(ctx));
        lc_coverage_destroy(lc_coverage_finish(ctx, straight_job));
        lc_error(ctx, st, "%s", why);
    }
    lc_run_destroy(run);
    return NULL;
}
