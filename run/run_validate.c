/*
 * run/run_validate.c — lc_run_validate (lifecircle/run.h): the `validate` command as one library
 * call, made of the very steps `check` takes before it computes (run/run.c), so the two cannot
 * disagree on what is refused. The summary it prints is cli/cmd_validate.c's; nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "layers/quality_int.h"
#include "run/run_int.h"

lc_run *lc_run_validate(lc_context *ctx, const lc_study *study, const lc_run_options *options)
{
    lc_run *run = lc_run_new(ctx, study, options, "validate");
    if (!run)
        return NULL;
    /* the districts' own profiles, which check resolves before it computes the indicators */
    if (lc_check_cancel(ctx, "before it began") != LC_OK || lc_run_read_inputs(run) != LC_OK ||
        (!lc_quality_count_severity(run->quality, LC_SEVERITY_ERROR) && lc_run_district_profiles(run) != LC_OK)) {
        lc_run_destroy(run);
        return NULL;
    }
    if (!lc_study_get(study, "roads.path"))
        return run;
    /* The roads as `check` takes them: in network mode the network built and its islands found too. */
    const char *mode = lc_study_get(study, "mode");
    lc_status st = mode && !strcmp(mode, "network") ? lc_run_network_build(run) : lc_run_read_roads(run);
    if (st != LC_OK && st != LC_ERR_DATA) {
        /* a layer that cannot be read or built is a finding of its own, named without a password */
        char why[1024];
        snprintf(why, sizeof why, "%s", lc_context_errmsg(ctx));
        char *shown = lc_conninfo_redact(ctx, lc_study_get(study, "roads.path"));
        if (!shown || lc_quality_add(ctx, run->quality, LC_SEVERITY_ERROR, st, LC_CHECK_ROADS_UNREADABLE, shown,
                                     lc_study_get(study, "roads.layer"), NULL, NULL, "%s", why) != LC_OK) {
            free(shown);
            lc_run_destroy(run);
            return NULL;
        }
        free(shown);
    }
    lc_context_clear_error(ctx);
    return run;
}
