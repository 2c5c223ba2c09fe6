/*
 * run/run.c — the steps every command takes, in the same order for check, site, isochrones and
 * validate (run/run_int.h), and the run's accessors (lifecircle/run.h). The commands themselves are
 * run_check.c, run_site.c, run_isochrones.c and run_validate.c; what they compute lives in queries/ and what they
 * write in outputs/. Before these existed the command-line program held three drifting copies.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "layers/quality_int.h"
#include "run/run_int.h"

void lc_run_destroy(lc_run *run)
{
    if (!run)
        return;
    lc_isochrones_destroy(run->isochrones);
    lc_siting_destroy(run->siting);
    lc_access_destroy(run->access);
    lc_indicators_destroy(run->indicators);
    lc_coverage_destroy(run->after_coverage);
    lc_inputs_destroy(run->after_inputs); /* a view of inputs: before them */
    lc_coverage_destroy(run->coverage);
    lc_coverage_destroy(run->straight);
    lc_network_destroy(run->network);
    lc_roads_destroy(run->roads);
    lc_trend_destroy(run->trend);
    free(run->progress_json);
    lc_inputs_destroy(run->view); /* a view of inputs: before them */
    lc_inputs_destroy(run->inputs);
    lc_inputs_destroy(run->base_inputs); /* inputs was a view of these */
    lc_quality_destroy(run->own_quality);
    lc_profile_destroy(run->profile);
    for (size_t i = 0; i < run->nloaded; i++)
        lc_profile_destroy(run->loaded[i]);
    free(run->loaded);
    free(run->district_profiles);
    free(run->output_shown);
    free(run);
}

lc_status lc_run_step(lc_run *run, const char *name)
{
    double now = lc_seconds();
    lc_log(run->ctx, LC_LOG_DEBUG, "step %s: %.2f s", name, now - run->step_started);
    run->step_started = now;
    if (!lc_context_cancelled(run->ctx))
        return LC_OK;
    char step[128];
    snprintf(step, sizeof step, "after %s", name);
    return lc_check_cancel(run->ctx, step);
}

void lc_run_copy_options(void *dst, size_t size, const void *src)
{
    memset(dst, 0, size);
    if (!src || size < sizeof(size_t)) /* every options struct starts with its size: a smaller one is left zeroed */
        return;
    size_t given;
    memcpy(&given, src, sizeof given); /* every options struct starts with its size */
    memcpy(dst, src, given && given < size ? given : size);
    memcpy(dst, &size, sizeof size);
}

lc_status lc_run_coverage(lc_run *run, const lc_coverage_options *co)
{
    lc_context *ctx = run->ctx;
    run->coverage = lc_coverage_compute(ctx, run->inputs, run->profile, co);
    if (!run->coverage || lc_run_step(run, "coverage") != LC_OK)
        return lc_context_errno(ctx);
    lc_status st = lc_run_district_profiles(run);
    if (st != LC_OK)
        return st;
    lc_indicators_options io = {.size = sizeof io, .district_profiles = run->district_profiles,
                                .network = run->network};
    run->indicators = lc_indicators_compute_with(ctx, run->inputs, run->profile, run->coverage, &io, run->quality);
    return run->indicators ? LC_OK : lc_context_errno(ctx);
}

/* The extension of a data file's name that target ends in (".gpkg", ".shp", ...), or NULL. `-o
 * results.gpkg` would otherwise make a directory named results.gpkg holding Shapefiles, which QGIS
 * and the planner both take for a broken GeoPackage. */
static const char *file_like(const char *target)
{
    static const char *const exts[] = {".gpkg", ".shp", ".geojson", ".json", ".sqlite", ".csv", ".xlsx", ".zip"};
    size_t n = strlen(target);
    while (n > 1 && target[n - 1] == '/')
        n--;
    for (size_t k = 0; k < sizeof exts / sizeof *exts; k++) {
        size_t m = strlen(exts[k]);
        if (n > m && !strncasecmp(target + n - m, exts[k], m) && target[n - m - 1] != '/')
            return target + n - m;
    }
    return NULL;
}

/* Resolves the output target and its options from the study. LC_OK or LC_ERR_MISUSE/NOMEM. */
static lc_status output_target(lc_run *run, const char *command)
{
    lc_context *ctx = run->ctx;
    run->output = lc_study_get(run->study, "output");
    if (!run->output)
        return lc_error(ctx, LC_ERR_MISUSE, "lifecircle %s: no output directory: pass -o DIR or set `output:` in the "
                        "study", command);
    lc_output_options *oo = &run->output_options;
    *oo = (lc_output_options){.format = LC_FORMAT_SHAPEFILE, .overwrite = run->options.overwrite,
                              .encoding = run->options.shapefile_encoding};
    const char *fmt = lc_study_get(run->study, "format");
    if (fmt && lc_format_parse(fmt, &oo->format) != 0)
        return lc_error(ctx, LC_ERR_MISUSE, "lifecircle %s: unknown format '%s' (shapefile, gpkg or geojson)",
                        command, fmt);
    oo->format = lc_output_format_for(run->output, oo->format);
    const char *ext = oo->format == LC_FORMAT_POSTGIS ? NULL : file_like(run->output);
    if (ext)
        return lc_error(ctx, LC_ERR_MISUSE, "lifecircle %s: -o %s names a %s file, but the output is a directory "
                        "输出为目录 (it holds lifecircle.gpkg with --format gpkg, or one Shapefile or GeoJSON per "
                        "layer, with summary.csv/json/xlsx and the styles): give a directory, e.g. -o %.*s, and "
                        "--format gpkg for a GeoPackage", command, run->output, ext,
                        (int)(strlen(run->output) - strlen(ext)), run->output);
    oo->schema = lc_study_get(run->study, "output_schema");
    oo->table_prefix = lc_study_get(run->study, "output_prefix");
    run->output_shown = lc_output_target_shown(ctx, run->output);
    if (!run->output_shown)
        return lc_context_errno(ctx);
    /* The report goes into a directory of its own: replacing it must not take the output with it. */
    const char *report = run->options.report_dir;
    if (report) {
        char *a = realpath(run->output, NULL), *b = realpath(report, NULL);
        const char *o = a ? a : run->output, *r = b ? b : report;
        size_t n = strlen(r);
        int clash = !strcmp(run->output, report) || !strcmp(o, r) || (!strncmp(o, r, n) && o[n] == '/');
        free(a), free(b);
        if (clash)
            return lc_error(ctx, LC_ERR_MISUSE, "lifecircle %s: --report %s holds the output directory %s; give the "
                            "report its own directory (e.g. %s/report)", command, report, run->output, run->output);
    }
    return LC_OK;
}

/* Loads the study's profile and applies its walk_speed. LC_OK or the error. */
static lc_status load_profile(lc_run *run)
{
    run->profile = lc_profile_load(run->ctx, lc_study_get(run->study, "profile"));
    if (!run->profile) { /* say where the profile was named */
        char why[900];
        snprintf(why, sizeof why, "%s", lc_context_errmsg(run->ctx));
        return lc_error(run->ctx, lc_context_errno(run->ctx), "%s: profile: %s", lc_study_path(run->study) ? lc_study_path(run->study) : "the study", why);
    }
    const char *speed = lc_study_get(run->study, "walk_speed");
    return speed ? lc_profile_set_walk_speed(run->ctx, run->profile, strtod(speed, NULL)) : LC_OK;
}

lc_run *lc_run_new(lc_context *ctx, const lc_study *study, const lc_run_options *options, const char *command)
{
    if (!ctx)
        return NULL;
    if (!study) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_run_%s: a study is required", command);
        return NULL;
    }
    lc_run *run = lc_calloc(ctx, 1, sizeof *run);
    if (!run)
        return NULL;
    run->ctx = ctx;
    run->study = study;
    lc_run_copy_options(&run->options, sizeof run->options, options);
    run->siting_category = (size_t)-1;
    run->step_started = lc_seconds();
    return run;
}

lc_status lc_run_read_inputs(lc_run *run)
{
    lc_context *ctx = run->ctx;
    if (load_profile(run) != LC_OK)
        return lc_context_errno(ctx);
    run->quality = run->options.quality;
    if (!run->quality && !(run->quality = run->own_quality = lc_quality_create(ctx)))
        return LC_ERR_NOMEM;
    run->inputs = lc_inputs_read(ctx, run->study, run->profile, run->quality);
    if (!run->inputs || lc_run_step(run, "reading the inputs") != LC_OK)
        return lc_context_errno(ctx);
    return LC_OK;
}

lc_run *lc_run_begin(lc_context *ctx, const lc_study *study, const lc_run_options *options, const char *command)
{
    lc_run *run = lc_run_new(ctx, study, options, command);
    if (!run)
        return NULL;
    if (run->options.with_proposals && strcmp(command, "check")) {
        lc_error(ctx, LC_ERR_MISUSE, "lifecircle %s: --with-proposals is an option of check (a plan's after state)",
                 command);
        goto fail;
    }
    if (lc_check_cancel(ctx, "before it began") != LC_OK || output_target(run, command) != LC_OK ||
        lc_run_read_inputs(run) != LC_OK)
        goto fail;
    size_t nerr = lc_quality_count_severity(run->quality, LC_SEVERITY_ERROR);
    if (nerr) {
        lc_error(ctx, LC_ERR_DATA, "%zu data error%s; nothing was computed or written (`lifecircle validate` lists "
                 "every problem)", nerr, nerr == 1 ? "" : "s");
        goto fail;
    }
    return run;
fail:
    lc_run_destroy(run);
    return NULL;
}

/* A study value as a number, or 0 (the library's default) when unset. */
static double study_number(const lc_study *study, const char *key)
{
    const char *v = lc_study_get(study, key);
    return v ? strtod(v, NULL) : 0;
}

lc_coverage_options lc_run_coverage_options(lc_run *run)
{
    const lc_study *study = run->study;
    lc_coverage_options co = {.mode = LC_MODE_STRAIGHT};
    const char *mode = lc_study_get(study, "mode"), *streets = lc_study_get(study, "catchment_streets");
    if (mode && !strcmp(mode, "network"))
        co.mode = LC_MODE_NETWORK;
    co.reach_m = study_number(study, "reach_m");
    co.demand_grid_m = study_number(study, "demand_grid_m");
    co.catchment_streets = streets && !strcmp(streets, "true");
    co.quadsegs = (int)study_number(study, "circle_quadsegs");
    co.share_leaf_m = study_number(study, "share_leaf_m");
    co.gap_cell_m = study_number(study, "gap_cell_m");
    co.service_cell_m = study_number(study, "service_cell_m");
    if (co.mode != LC_MODE_NETWORK &&
        (co.demand_grid_m > 0 || lc_study_get(study, "entrances.path") || lc_study_get(study, "buildings.path")))
        lc_log(run->ctx, LC_LOG_WARNING, "entrances, buildings and demand_grid_m apply along the walking network "
               "(--mode network); straight-line coverage uses each compound's area");
    return co;
}

lc_status lc_run_read_roads(lc_run *run)
{
    lc_context *ctx = run->ctx;
    run->roads = lc_roads_read_report(ctx, run->study, run->profile, lc_inputs_crs(run->inputs), &run->roads_stats,
                                      run->quality);
    if (!run->roads || lc_run_step(run, "reading the roads") != LC_OK)
        return lc_context_errno(ctx);
    run->has_roads_stats = 1;
    return lc_roads_check_meet(ctx, run->roads, run->inputs, run->study, run->quality);
}

/* Warns of the joins the snap tolerance made (through the logging path: their count, the farthest
 * and the first one's place in lon/lat and in the working CRS) and lists the first five in the
 * data-quality list (summary.json's network_merges). LC_OK or the quality list's error. */
lc_status lc_run_network_merges(lc_run *run)
{
    double max_m = 0, tol = lc_profile_network(run->profile)->snap_tolerance_m;
    size_t n = lc_network_merge_count(run->network, &max_m);
    if (!n)
        return LC_OK;
    const char *src = lc_study_get(run->study, "roads.path");
    lc_xy first, ll;
    double first_m;
    if (lc_network_merge(run->network, 0, &first, &first_m) == 0) {
        char at[160];
        if (lc_crs_to_lonlat(run->ctx, lc_inputs_crs(run->inputs), first, &ll) == LC_OK) {
            snprintf(at, sizeof at, "lon %.6f, lat %.6f (%.1f, %.1f in the working CRS)", ll.x, ll.y, first.x,
                     first.y);
        } else {
            lc_context_clear_error(run->ctx);
            snprintf(at, sizeof at, "(%.1f, %.1f) in the working CRS", first.x, first.y);
        }
        lc_log(run->ctx, LC_LOG_WARNING,
               "%s: network.snap_tolerance_m %g m joined %zu road %s (up to %.2f m apart), e.g. one %.2f m from "
               "its junction at %s; walks across such gaps come out shorter: use 0 for OSM or noded data",
               src ? src : "roads", tol, n, n == 1 ? "vertex to a junction it does not meet"
                                                   : "vertices to junctions they do not meet", max_m, first_m, at);
    }
    if (!run->quality)
        return LC_OK;
    char where[512] = "";
    for (size_t i = 0, used = 0; i < 5; i++) {
        lc_xy at;
        double d;
        if (lc_network_merge(run->network, i, &at, &d) != 0)
            break;
        used += (size_t)snprintf(where + used, sizeof where - used, "%s(%.1f, %.1f) %.2f m", i ? "; " : "", at.x,
                                 at.y, d);
        if (used >= sizeof where)
            break;
    }
    return lc_quality_add(run->ctx, run->quality, LC_SEVERITY_INFO, LC_OK, LC_CHECK_NETWORK_MERGES, src, "roads",
                          NULL, NULL,
                          "%s: the profile's network.snap_tolerance_m %g m joined %zu road vertices to junctions they "
                          "do not meet (up to %.2f m apart; the first, in the working CRS: %s%s); such joins shorten "
                          "walks across gaps that may be real (a footway beside a road): use 0 for OSM or noded "
                          "data, where lines share their junction vertices", src ? src : "roads", tol, n, max_m, where,
                          n > 5 ? "; ..." : "");
}

lc_status lc_run_network_build(lc_run *run)
{
    lc_context *ctx = run->ctx;
    if (lc_run_read_roads(run) != LC_OK)
        return lc_context_errno(ctx);
    /* roads that do not meet the compounds (a wrong CRS): as `validate` says, nothing is computed */
    size_t nerr = lc_quality_count_severity(run->quality, LC_SEVERITY_ERROR);
    if (nerr)
        return lc_error(ctx, LC_ERR_DATA, "%zu data error%s; nothing was computed or written (`lifecircle validate` "
                        "lists every problem)", nerr, nerr == 1 ? "" : "s");
    run->network = lc_network_build(ctx, run->roads, lc_profile_network(run->profile)->snap_tolerance_m);
    if (!run->network || lc_run_step(run, "building the network") != LC_OK)
        return lc_context_errno(ctx);
    if (lc_run_network_merges(run) != LC_OK)
        return lc_context_errno(ctx);
    /* islands: residents on components that miss a category (data-quality warnings) */
    lc_status st = lc_network_islands(ctx, run->network, run->inputs, run->profile, run->quality, NULL);
    return st != LC_OK ? st : lc_run_step(run, "network islands");
}

const lc_roads *lc_run_map_roads(lc_run *run)
{
    if (run->roads || !run->options.report_dir)
        return run->roads;
    const char *path = lc_study_get(run->study, "roads.path");
    if (!path)
        return NULL;
    lc_context *ctx = run->ctx;
    run->roads = lc_roads_read(ctx, run->study, run->profile, lc_inputs_crs(run->inputs), NULL);
    if (!run->roads) {
        lc_log(ctx, LC_LOG_WARNING, "the maps draw no streets: the roads layer %s could not be read (%s)", path,
               lc_context_errmsg(ctx));
        lc_context_clear_error(ctx);
        return NULL;
    }
    return run->roads;
}

lc_status lc_run_commit_with_report(lc_run *run, lc_output *out, const lc_siting *siting, size_t category)
{
    lc_context *ctx = run->ctx;
    lc_output *report = NULL;
    if (run->options.report_dir) {
        lc_report_options ro = {.overwrite = run->options.overwrite, .siting = siting, .siting_category = category,
                                .progress_json = run->progress_json,
                                .after = run->has_after ? &run->after_results : NULL};
        if (!(report = lc_report_stage(ctx, run->options.report_dir, &run->results, &ro))) {
            lc_output_abort(ctx, out); /* neither: the report's error stays the context's */
            return lc_context_errno(ctx);
        }
    }
    /* The last checkpoint: after it the output is put in place, whatever comes. */
    lc_status st = lc_run_step(run, "writing");
    if (st != LC_OK) {
        lc_output_abort(ctx, report);
        lc_output_abort(ctx, out);
        return st;
    }
    double t = lc_seconds();
    st = lc_output_commit(ctx, out);
    lc_log(ctx, LC_LOG_DEBUG, "writing commit: %.2f s", lc_seconds() - t);
    if (st != LC_OK) {
        lc_output_abort(ctx, report);
        return st;
    }
    if (report && (st = lc_output_commit(ctx, report)) != LC_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lc_context_errmsg(ctx));
        return lc_error(ctx, st, "the output %s was written, but the report could not be put in place: %s",
                        run->output_shown, why);
    }
    return LC_OK;
}

const lc_results *lc_run_results(const lc_run *run)
{
    return run && run->has_results ? &run->results : NULL;
}

const lc_network *lc_run_network(const lc_run *run)
{
    return run ? run->network : NULL;
}

const lc_siting *lc_run_siting(const lc_run *run)
{
    return run ? run->siting : NULL;
}

const lc_isochrones *lc_run_isochrones_result(const lc_run *run)
{
    return run ? run->isochrones : NULL;
}

const lc_inputs *lc_run_inputs(const lc_run *run)
{
    return run ? run->inputs : NULL;
}

const lc_roads_stats *lc_run_roads_stats(const lc_run *run)
{
    return run && run->has_roads_stats ? &run->roads_stats : NULL;
}

const lc_quality *lc_run_quality(const lc_run *run)
{
    return run ? run->quality : NULL;
}

const lc_profile *lc_run_profile(const lc_run *run)
{
    return run ? run->profile : NULL;
}

size_t lc_run_siting_category(const lc_run *run)
{
    return run ? run->siting_category : (size_t)-1;
}

const char *lc_run_output_shown(const lc_run *run)
{
    return run ? run->output_shown : NULL;
}

size_t lc_run_failures(const lc_run *run)
{
    return run && run->indicators ? lc_indicators_failures(run->indicators) : 0;
}

const char *lc_run_isochrone_speed_source(const lc_run *run)
{
    return run && run->speed_source ? run->speed_source : "";
}
