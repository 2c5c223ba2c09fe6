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

/* The per-year population (`population_years:`): the table, each compound's 街镇, the compounds'
 * sums per 街镇 in the layer read, and the values of the year being measured. */
typedef struct year_population {
    lc_population_years *table; /* NULL: today's residents in every year */
    long *unit_of;              /* per compound */
    double *sum;                /* per 街镇 × 3 (population, pop60, pop65): Σ of its compounds' values */
    double *res, *unit;         /* the year's values: per compound × 3, per 街镇 × 3 (NAN: as read) */
    char *note;                 /* how the years' populations were taken (progress.json, the report) */
} year_population;

static void year_population_free(year_population *yp)
{
    lc_population_years_destroy(yp->table);
    free(yp->unit_of), free(yp->sum), free(yp->res), free(yp->unit), free(yp->note);
}

/* Reads the study's population table, when it names one, and each compound's 街镇. LC_OK (yp->table
 * NULL when the study names none) or the error (the table's, naming file, row and field). */
static lc_status year_population_read(lc_context *ctx, const lc_study *study, const lc_inputs *in,
                                      year_population *yp)
{
    const char *path = lc_study_get(study, "population_years");
    if (!path)
        return LC_OK;
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t nr = lc_layer_count(res), nu = lc_layer_count(units);
    if (!(yp->table = lc_population_years_read(ctx, path, units)))
        return lc_context_errno(ctx);
    if (!(yp->unit_of = lc_calloc(ctx, nr ? nr : 1, sizeof *yp->unit_of)) ||
        !(yp->sum = lc_calloc(ctx, 3 * nu, sizeof *yp->sum)) ||
        !(yp->res = lc_calloc(ctx, 3 * (nr ? nr : 1), sizeof *yp->res)) ||
        !(yp->unit = lc_calloc(ctx, 3 * nu, sizeof *yp->unit)))
        return LC_ERR_NOMEM;
    lc_status st = lc_indicators_assign_residential(ctx, in, yp->unit_of);
    if (st != LC_OK)
        return st;
    for (size_t i = 0; i < nr; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        double v[3] = {f->population, f->pop60, f->pop65};
        for (int k = 0; k < 3 && yp->unit_of[i] >= 0; k++)
            yp->sum[3 * (size_t)yp->unit_of[i] + (size_t)k] += isnan(v[k]) ? 0 : v[k];
    }
    char given[64] = "";
    for (int k = 0; k < 3; k++)
        if (lc_population_years_has(yp->table, k))
            snprintf(given + strlen(given), sizeof given - strlen(given), "%s%s", *given ? ", " : "",
                     lc_population_kind_name(k));
    yp->note = lc_sprintf(ctx, "per year from %s (%s per 街镇 and year; linear between the years it gives, held at "
                          "the nearest given year outside them, never extrapolated); each 街镇's compounds scaled "
                          "in today's proportions to its year's total; what the table does not give is today's",
                          path, given);
    return yp->note ? LC_OK : LC_ERR_NOMEM;
}

/* Fills yp->res and yp->unit for year: per 街镇 and kind the table's value T (given, interpolated or
 * held), each of its compounds' value × T / (their sum today), the 街镇's own field (where it has one)
 * T. Warns of the 街镇 held at a given year's value, or whose compounds have none to scale. LC_OK or
 * LC_ERR_NOMEM. */
static lc_status population_of_year(lc_context *ctx, const lc_inputs *in, const year_population *yp, int year)
{
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    size_t nr = lc_layer_count(res), nu = lc_layer_count(units);
    double *factor = lc_calloc(ctx, 3 * (nu ? nu : 1), sizeof *factor);
    if (!factor)
        return LC_ERR_NOMEM;
    size_t held = 0, interpolated = 0, missing = 0, empty = 0;
    char held_ids[256] = "", empty_ids[256] = "";
    for (size_t u = 0; u < nu; u++) {
        const lc_feature *uf = lc_layer_feature(units, u);
        double own[3] = {uf->population, uf->pop60, uf->pop65};
        int any = 0;
        for (int k = 0; k < 3; k++) {
            lc_population_how how;
            double T = lc_population_years_value(yp->table, u, k, year, &how);
            double S = yp->sum[3 * u + (size_t)k];
            factor[3 * u + (size_t)k] = NAN;
            yp->unit[3 * u + (size_t)k] = how != LC_POPULATION_NONE && !isnan(own[k]) ? T : NAN;
            if (how == LC_POPULATION_NONE)
                continue;
            any = 1;
            held += how == LC_POPULATION_HELD && k == 0;
            interpolated += how == LC_POPULATION_INTERPOLATED && k == 0;
            if (how == LC_POPULATION_HELD && strlen(held_ids) + strlen(uf->id) + 3 < sizeof held_ids &&
                !strstr(held_ids, uf->id))
                snprintf(held_ids + strlen(held_ids), sizeof held_ids - strlen(held_ids), "%s%s",
                         *held_ids ? ", " : "", uf->id);
            if (S > 0) {
                factor[3 * u + (size_t)k] = T / S;
            } else if (T > 0) {
                empty++;
                if (strlen(empty_ids) + strlen(uf->id) + 3 < sizeof empty_ids)
                    snprintf(empty_ids + strlen(empty_ids), sizeof empty_ids - strlen(empty_ids), "%s%s %s",
                             *empty_ids ? ", " : "", uf->id, lc_population_kind_name(k));
            }
        }
        missing += !any;
    }
    for (size_t i = 0; i < nr; i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        double v[3] = {f->population, f->pop60, f->pop65};
        long u = yp->unit_of[i];
        for (int k = 0; k < 3; k++) {
            double fk = u >= 0 ? factor[3 * (size_t)u + (size_t)k] : NAN;
            yp->res[3 * i + (size_t)k] = isnan(v[k]) || isnan(fk) ? NAN : v[k] * fk;
        }
    }
    free(factor);
    if (held)
        lc_log(ctx, LC_LOG_WARNING, "progress: %d: the population of %zu 街镇 (%s) is held at the nearest year %s "
               "gives (not extrapolated)", year, held, held_ids, lc_population_years_path(yp->table));
    if (interpolated)
        lc_log(ctx, LC_LOG_INFO, "progress: %d: the population of %zu 街镇 interpolated linearly between the years "
               "%s gives", year, interpolated, lc_population_years_path(yp->table));
    if (missing)
        lc_log(ctx, LC_LOG_WARNING, "progress: %d: %zu 街镇 are not in %s; their compounds keep today's population",
               year, missing, lc_population_years_path(yp->table));
    if (empty)
        lc_log(ctx, LC_LOG_WARNING, "progress: %d: %s: the table gives a population but the compounds have none to "
               "scale; today's (none) kept", year, empty_ids);
    return LC_OK;
}

/* Measures year number i of the series: the facilities open in it (a view), its coverage and
 * indicators, recorded into the trend. The last year's view, coverage and indicators stay in the run
 * (for the report); earlier years' are released. LC_OK or the step's error. */
static lc_status measure_year(lc_run *run, const lc_coverage_options *co, size_t i, unsigned char *keep,
                              size_t *open, const year_population *yp)
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
    lc_inputs *view = NULL;
    if (yp->table) {
        if (population_of_year(ctx, run->inputs, yp, year) == LC_OK)
            view = lc_inputs_view_populations(ctx, run->inputs, keep, yp->res, yp->unit);
    } else {
        view = lc_inputs_view(ctx, run->inputs, keep, NULL, NULL, NULL, NULL);
    }
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
    year_population yp = {0};
    if (year_population_read(ctx, study, run->inputs, &yp) != LC_OK) {
        year_population_free(&yp);
        lc_run_destroy(run);
        return NULL;
    }
    if (!yp.table)
        lc_log(ctx, LC_LOG_WARNING, "progress: every year is measured against today's residents (the residential "
               "layer's population); give population_years: (a CSV of 街镇, year and population) for each year's");
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
    /* the rows: the 街镇, the whole area, the 区 and the 居村, as the indicators count them */
    size_t nunits = lc_layer_count(lc_inputs_layer(run->inputs, LC_LAYER_UNITS));
    size_t ndistricts = lc_layer_count(lc_inputs_layer(run->inputs, LC_LAYER_DISTRICTS));
    size_t ncommittees = lc_layer_count(lc_inputs_layer(run->inputs, LC_LAYER_COMMITTEES));
    if (!(run->trend = lc_trend_create_ladder(ctx, years, ny, target_year, nunits, ndistricts, ncommittees,
                                              lc_profile_norm_count(run->profile))))
        goto fail;
    for (size_t i = 0; i < ny; i++) {
        lc_progress(ctx, "progress", (double)i / (double)ny);
        if (measure_year(run, &co, i, keep, &open[i], &yp) != LC_OK)
            goto fail;
    }
    lc_progress(ctx, "progress", 1.0);
    lc_progress_info info = {.study = lc_study_path(study), .network = co.mode == LC_MODE_NETWORK,
                             .open_counts = open, .without_opened = without,
                             .population_note = yp.note ? yp.note
                                                        : "today's residents (the residential layer's population) in "
                                                          "every year; only the facilities change"};
    /* The report is the last year's: with its accessibility (2SFCA) maps and tables, from that year's
     * facilities and distances, as a check of that year would draw them. */
    if (run->options.report_dir && lc_profile_access_count(run->profile) &&
        (!(run->access = lc_access_compute(ctx, run->view, run->profile, &co, run->indicators)) ||
         lc_run_step(run, "accessibility") != LC_OK))
        goto fail;
    run->results = (lc_results){study, run->view, run->profile, run->coverage, run->indicators, run->quality, NULL,
                                run->access, lc_run_map_roads(run)};
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
    year_population_free(&yp);
    return run;
fail:
    free(keep);
    free(open);
    year_population_free(&yp);
    lc_run_destroy(run);
    return NULL;
}

const lc_trend *lc_run_trend(const lc_run *run)
{
    return run ? run->trend : NULL;
}
