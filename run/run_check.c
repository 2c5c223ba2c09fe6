/*
 * run/run_check.c — lc_run_check (lifecircle/run.h): the `check` command as one library call. In
 * network mode the straight-line side of the comparison is computed on a thread of its own while
 * the roads are read and the network built (which run on one core), and the service areas are
 * traced in the background while the layers are written (queries/coverage_service.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "geo/context_int.h"
#include "run/run_int.h"

/* check --with-proposals DIR: makes run->inputs a view of the inputs read with the proposals layer
 * of the site run in dir added to the facilities (lc_inputs_view), the inputs read kept in
 * run->base_inputs. LC_OK, or LC_ERR_IO (no proposals layer in dir, dir is the output), LC_ERR_DATA
 * (data errors in the proposals: they are in the quality list), or reading's error. */
static lc_status add_proposals(lc_run *run, const char *dir)
{
    lc_context *ctx = run->ctx;
    /* the formats a site run writes: the layer and its category, floor area and rank fields */
    static const struct {
        const char *file, *layer, *category, *floor, *rank;
        const char *capacity[4]; /* meals, beds, nursing_beds, places (outputs/proposals.c) */
    } forms[] = {{"proposals.shp", NULL, "CATEGORY", "FLOOR_M2", "RANK", {"MEALS", "BEDS", "NURS_BEDS", "PLACES"}},
                 {"proposals.geojson", NULL, "category", "floor_area_m2", "rank",
                  {"meals", "beds", "nursing_beds", "places"}},
                 {"lifecircle.gpkg", "proposals", "category", "floor_area_m2", "rank",
                  {"meals", "beds", "nursing_beds", "places"}}};
    static const char *const roles[] = {"facilities.fields.meals", "facilities.fields.beds",
                                        "facilities.fields.nursing_beds", "facilities.fields.places"};
    char *a = realpath(dir, NULL), *b = realpath(run->output, NULL);
    int same = a && b && !strcmp(a, b);
    free(a), free(b);
    if (same)
        return lc_error(ctx, LC_ERR_IO, "--with-proposals %s is the output directory: write the check elsewhere "
                        "(the site run's proposals are read from it)", dir);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *path = lc_sprintf(ctx, "%s/%s", dir, forms[i].file);
        struct stat st;
        if (!path)
            return LC_ERR_NOMEM;
        if (stat(path, &st) != 0) {
            free(path);
            continue;
        }
        /* The proposals' capacities (the profile's `typical:`) as the facilities' meals, beds, nursing
         * beds and places; a site run of an earlier version wrote none: read without them, and say so. */
        lc_inputs *view = NULL;
        for (int with_capacity = 1; with_capacity >= 0 && !view; with_capacity--) {
            lc_study *extra = lc_study_create(ctx);
            lc_status s = extra ? lc_study_set(ctx, extra, "facilities.path", path) : LC_ERR_NOMEM;
            if (s == LC_OK && forms[i].layer)
                s = lc_study_set(ctx, extra, "facilities.layer", forms[i].layer);
            s = s ? s : lc_study_set(ctx, extra, "facilities.fields.category", forms[i].category);
            s = s ? s : lc_study_set(ctx, extra, "facilities.fields.floor_area", forms[i].floor);
            s = s ? s : lc_study_set(ctx, extra, "facilities.fields.id", forms[i].rank);
            for (int k = 0; k < 4 && with_capacity; k++)
                s = s ? s : lc_study_set(ctx, extra, roles[k], forms[i].capacity[k]);
            view = s == LC_OK ? lc_inputs_view(ctx, run->inputs, NULL, extra, "proposal-", run->profile,
                                               run->quality)
                              : NULL;
            lc_study_destroy(extra);
            if (!view && with_capacity && lc_context_errno(ctx) == LC_ERR_FIELD) {
                lc_log(ctx, LC_LOG_WARNING, "--with-proposals: %s has no capacity fields (meals, beds, "
                       "nursing_beds, places: written by `site` since issue 16); the proposals add floor area "
                       "and reach only", path);
                lc_context_clear_error(ctx);
                continue;
            }
            if (!view)
                break;
        }
        free(path);
        if (!view)
            return lc_context_errno(ctx);
        run->base_inputs = run->inputs;
        run->inputs = view;
        size_t nerr = lc_quality_count_severity(run->quality, LC_SEVERITY_ERROR);
        if (nerr)
            return lc_error(ctx, LC_ERR_DATA, "%zu data error%s in the proposals of %s; nothing was computed or "
                            "written", nerr, nerr == 1 ? "" : "s", dir);
        const char *from = NULL;
        lc_log(ctx, LC_LOG_INFO, "--with-proposals: %zu proposals from %s added to the facilities",
               lc_inputs_added(view, &from), from ? from : dir);
        return LC_OK;
    }
    return lc_error(ctx, LC_ERR_IO, "--with-proposals %s: no proposals layer (proposals.shp, proposals.geojson or "
                    "lifecircle.gpkg): give the output directory of a `lifecircle site` run", dir);
}

lc_run *lc_run_check(lc_context *ctx, const lc_study *study, const lc_run_options *options)
{
    lc_run *run = lc_run_begin(ctx, study, options, "check");
    if (!run)
        return NULL;
    if (run->options.with_proposals && add_proposals(run, run->options.with_proposals) != LC_OK) {
        lc_run_destroy(run);
        return NULL;
    }
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
    /* Supply against demand (2SFCA), from the distances coverage used (queries/access.c). */
    if (lc_profile_access_count(run->profile) &&
        (!(run->access = lc_access_compute(ctx, run->inputs, run->profile, &co, run->indicators)) ||
         lc_run_step(run, "accessibility") != LC_OK))
        goto fail;
    run->results = (lc_results){study, run->inputs, run->profile, run->coverage, run->indicators, run->quality,
                                run->straight, run->access, lc_run_map_roads(run)};
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
