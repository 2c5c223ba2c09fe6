/*
 * run/run_site.c — lc_run_site (lifecircle/run.h): the `site` command as one library call: the
 * check's coverage and indicators (without catchment streets, which siting does not write), then
 * proposals for one category (queries/siting.c), written with every format check writes.
 */
#include <string.h>

#include "geo/context_int.h"
#include "run/run_int.h"

lc_run *lc_run_site(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                    const lc_site_run_options *site)
{
    if (!ctx)
        return NULL;
    lc_site_run_options so;
    lc_run_copy_options(&so, sizeof so, site);
    lc_run *run = lc_run_begin(ctx, study, options, "site");
    if (!run)
        return NULL;
    const char *code = so.category ? so.category : "centre";
    int cat = lc_profile_find_category(run->profile, code);
    if (cat < 0) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle site: profile %s has no category '%s' (`lifecircle profile show %s`)",
                 lc_profile_name(run->profile), code, lc_profile_name(run->profile));
        goto fail;
    }
    run->siting_category = (size_t)cat;
    lc_coverage_options co = lc_run_coverage_options(run);
    co.catchment_streets = 0;
    lc_siting_options sio = so.siting;
    sio.category = (size_t)cat;
    if (co.mode == LC_MODE_NETWORK) {
        if (lc_run_network_build(run) != LC_OK)
            goto fail;
        co.network = sio.network = run->network;
    }
    if (lc_run_coverage(run, &co) != LC_OK)
        goto fail;
    run->siting = lc_siting_solve(ctx, run->inputs, run->profile, run->coverage, run->indicators, &sio);
    if (!run->siting || lc_run_step(run, "siting") != LC_OK)
        goto fail;
    run->results = (lc_results){study, run->inputs, run->profile, run->coverage, run->indicators, run->quality, NULL,
                                NULL, lc_run_map_roads(run)};
    run->has_results = 1;
    /* The report's after-state map: the coverage with the proposals among the facilities, computed as
     * `check --with-proposals` computes it (the same view of the inputs, the same coverage). */
    if (run->options.report_dir) {
        if (!(run->after_inputs = lc_proposals_view(ctx, run->inputs, run->profile, run->siting,
                                                    run->siting_category)) ||
            !(run->after_coverage = lc_coverage_compute(ctx, run->after_inputs, run->profile, &co)) ||
            lc_run_step(run, "coverage after the proposals") != LC_OK)
            goto fail;
        run->after_results = run->results;
        run->after_results.inputs = run->after_inputs;
        run->after_results.coverage = run->after_coverage;
        run->has_after = 1;
    }
    lc_output *out = lc_results_stage_site(ctx, run->output, &run->output_options, &run->results, run->siting,
                                           run->siting_category);
    if (!out || lc_run_commit_with_report(run, out, run->siting, run->siting_category) != LC_OK)
        goto fail;
    lc_run_step(run, "writing the results");
    return run;
fail:
    lc_run_destroy(run);
    return NULL;
}
