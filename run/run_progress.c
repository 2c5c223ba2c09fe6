/*
 * run/run_progress.c — lc_run_progress (lifecircle/run.h), `lifecircle progress` (issue 16): the
 * check's own steps (run/run.c: profile, inputs, network; lc_coverage_compute and
 * lc_indicators_compute_with) repeated for each year of the series on a view of the inputs holding
 * the facilities open that year (lc_inputs_view), the network built once. The values and paces are
 * queries/trend.c's, the tables outputs/progress_out.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "run/run_int.h"

#define MAX_YEARS 64

/* Parses the study's `years` ("2020,2021,2022": a YAML list joined with commas) into years. The
 * count, or 0 with LC_ERR_CONFIG naming the study file and the key. */
static size_t study_years(lc_context *ctx, const lc_study *study, int *years)
{
    const char *where = lc_study_path(study) ? lc_study_path(study) : "study";
    const char *text = lc_study_get(study, "years");
    if (!text) {
        lc_error(ctx, LC_ERR_CONFIG, "%s: no years to measure: add 'years: [2020, 2021, 2022, 2023]' to the study or "
                 "pass --years 2020,2021,2022,2023", where);
        return 0;
    }
    size_t n = 0;
    for (const char *p = text; *p;) {
        char *end = NULL;
        long y = strtol(p, &end, 10);
        while (end && (*end == ' ' || *end == '\t'))
            end++;
        if (end == p || (*end && *end != ',') || y < 1900 || y > 2100) {
            lc_error(ctx, LC_ERR_CONFIG, "%s: years: '%s' is not a list of years (whole numbers from 1900 to 2100, "
                     "e.g. [2020, 2021, 2022])", where, text);
            return 0;
        }
        if (n == MAX_YEARS) {
            lc_error(ctx, LC_ERR_CONFIG, "%s: years: at most %d years", where, MAX_YEARS);
            return 0;
        }
        years[n++] = (int)y;
        p = *end ? end + 1 : end;
        while (*p == ' ')
            p++;
    }
    return n;
}

/* Checks the years of the series: ascending, each once. LC_OK or LC_ERR_CONFIG. */
static lc_status check_years(lc_context *ctx, const lc_study *study, const int *years, size_t n, int target_year)
{
    const char *where = lc_study_path(study) ? lc_study_path(study) : "study";
    if (!n)
        return lc_error(ctx, LC_ERR_CONFIG, "%s: years: at least one year", where);
    for (size_t i = 0; i < n; i++) {
        if (years[i] < 1900 || years[i] > 2100)
            return lc_error(ctx, LC_ERR_CONFIG, "%s: years: %d is not a year from 1900 to 2100", where, years[i]);
        if (i && years[i] <= years[i - 1])
            return lc_error(ctx, LC_ERR_CONFIG, "%s: years: %d after %d; list each year once, oldest first", where,
                            years[i], years[i - 1]);
    }
    if (target_year < 1900 || target_year > 2100)
        return lc_error(ctx, LC_ERR_CONFIG, "%s: target_year %d is not a year from 1900 to 2100", where, target_year);
    return LC_OK;
}

/* Whether facility f is open in year y: opened in or before y (or no opening year), not closed by y. */
static int open_in(const lc_feature *f, int y)
{
    return (isnan(f->opened) || f->opened <= y) && (isnan(f->closed) || f->closed > y);
}

/* Measures year number i of the series: the facilities open in it (a view), its coverage and
 * indicators, recorded into the trend. The last year's view, coverage and indicators stay in the run
 * (for the report); earlier years' are released. LC_OK or the step's error. */
static lc_status measure_year(lc_run *run, const lc_coverage_options *co, size_t i, unsigned char *keep,
                              size_t *open)
{
    lc_context *ctx = run->ctx;
    const lc_layer *fac = lc_inputs_layer(run->inputs, LC_LAYER_FACILITIES);
    int year = lc_trend_year(run->trend, i);
    int last = i + 1 == lc_trend_year_count(run->trend);
    *open = 0;
    for (size_t f = 0; f < lc_layer_count(fac); f++)
        *open += keep[f] = (unsigned char)open_in(lc_layer_feature(fac, f), year);
    lc_log(ctx, LC_LOG_INFO, "progress: %d, %zu of %zu facilities open", year, *open, lc_layer_count(fac));
    lc_quality *scratch = NULL; /* earlier years' notes (a population mismatch) would repeat the last's */
    lc_inputs *view = lc_inputs_view(ctx, run->inputs, keep, NULL, NULL, NULL, NULL);
    lc_coverage *cov = view ? lc_coverage_compute(ctx, view, run->profile, co) : NULL;
    lc_indicators *ind = NULL;
    if (cov && (last || (scratch = lc_quality_create(ctx)))) {
        lc_indicators_options io = {.size = sizeof io, .district_profiles = run->district_profiles,
                                    .network = run->network};
        ind = lc_indicators_compute_with(ctx, view, run->profile, cov, &io, last ? run->quality : scratch);
    }
    lc_quality_destroy(scratch);
    char step[64];
    snprintf(step, sizeof step, "year %d", year);
    lc_status st = ind ? lc_trend_record(ctx, run->trend, i, ind) : lc_context_errno(ctx);
    if (st == LC_OK)
        st = lc_run_step(run, step);
    if (st != LC_OK || !last) {
        lc_indicators_destroy(ind);
        lc_coverage_destroy(cov);
        lc_inputs_destroy(view);
        return st;
    }
    run->view = view;
    run->coverage = cov;
    run->indicators = ind;
    return LC_OK;
}

lc_run *lc_run_progress(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                        const lc_progress_run_options *progress)
{
    lc_progress_run_options po;
    lc_run_copy_options(&po, sizeof po, progress);
    int years[MAX_YEARS];
    size_t ny = 0;
    if (ctx && study && po.nyears) {
        if (po.nyears > MAX_YEARS || !po.years) {
            lc_error(ctx, LC_ERR_MISUSE, "lc_run_progress: 1 to %d years", MAX_YEARS);
            return NULL;
        }
        memcpy(years, po.years, po.nyears * sizeof *years);
        ny = po.nyears;
    } else if (ctx && study && !(ny = study_years(ctx, study, years))) {
        return NULL;
    }
    const char *ty = study ? lc_study_get(study, "target_year") : NULL;
    int target_year = po.target_year ? po.target_year : ty ? atoi(ty) : 2025;
    if (ctx && study && check_years(ctx, study, years, ny, target_year) != LC_OK)
        return NULL;
    lc_run *run = lc_run_begin(ctx, study, options, "progress");
    if (!run)
        return NULL;
    const lc_layer *fac = lc_inputs_layer(run->inputs, LC_LAYER_FACILITIES);
    size_t nfac = lc_layer_count(fac), without = 0;
    for (size_t f = 0; f < nfac; f++)
        without += isnan(lc_layer_feature(fac, f)->opened);
    if (without)
        lc_log(ctx, LC_LOG_WARNING, "progress: %zu of %zu facilities have no opening year (field role `opened`, e.g. "
               "开业年份); they count as open in every year", without, nfac);
    lc_log(ctx, LC_LOG_WARNING, "progress: every year is measured against today's residents (the residential "
           "layer's population); only the facilities change from year to year");
    lc_coverage_options co = lc_run_coverage_options(run);
    unsigned char *keep = lc_calloc(ctx, nfac ? nfac : 1, 1);
    size_t *open = lc_calloc(ctx, ny, sizeof *open);
    if (!keep || !open)
        goto fail;
    if (co.mode == LC_MODE_NETWORK) {
        if (lc_run_network_build(run) != LC_OK)
            goto fail;
        co.network = run->network;
    }
    if (lc_run_district_profiles(run) != LC_OK)
        goto fail;
    size_t nrows = 0;
    {
        /* the rows: the 街镇 and the whole area, as the indicators count them */
        const lc_layer *units = lc_inputs_layer(run->inputs, LC_LAYER_UNITS);
        nrows = lc_layer_count(units) + 1;
    }
    if (!(run->trend = lc_trend_create(ctx, years, ny, target_year, nrows, lc_profile_norm_count(run->profile))))
        goto fail;
    for (size_t i = 0; i < ny; i++) {
        lc_progress(ctx, "progress", (double)i / (double)ny);
        if (measure_year(run, &co, i, keep, &open[i]) != LC_OK)
            goto fail;
    }
    lc_progress(ctx, "progress", 1.0);
    lc_progress_info info = {.study = lc_study_path(study), .network = co.mode == LC_MODE_NETWORK,
                             .open_counts = open, .without_opened = without,
                             .population_note = "today's residents (the residential layer's population) in every "
                                                "year; only the facilities change"};
    run->results = (lc_results){study, run->view, run->profile, run->coverage, run->indicators, run->quality, NULL,
                                NULL, lc_run_map_roads(run)};
    run->has_results = 1;
    lc_output *out = lc_progress_stage(ctx, run->output, &run->output_options, run->trend, run->inputs,
                                       run->profile, &info);
    if (!out)
        goto fail;
    if (run->options.report_dir &&
        !(run->progress_json = lc_progress_json(ctx, run->trend, run->inputs, run->profile, &info))) {
        lc_output_abort(ctx, out);
        goto fail;
    }
    if (lc_run_commit_with_report(run, out, NULL, 0) != LC_OK)
        goto fail;
    lc_run_step(run, "writing the progress tables");
    free(keep);
    free(open);
    return run;
fail:
    free(keep);
    free(open);
    lc_run_destroy(run);
    return NULL;
}

const lc_trend *lc_run_trend(const lc_run *run)
{
    return run ? run->trend : NULL;
}
