/*
 * lifecircle/run.h — the commands as library functions, the way GDAL's gdal_utils.h makes each of
 * its utilities one call with an options struct. lc_run_check, lc_run_site and lc_run_isochrones
 * take a study (lifecircle/study.h) and do every step the `lifecircle` command does: load the
 * profile, read and validate the inputs, read the roads and build the walking network, compute,
 * write the output (files or PostGIS) and the report. They return a run (lc_run) holding what was
 * computed, for the caller to print or inspect. The command only turns argv into these options and
 * prints; a QGIS plugin or a Python binding calls the same functions and gets the same outputs.
 *
 * The study decides what is computed and where it goes: output, format, mode, reach_m, walk_speed,
 * the coverage resolutions, output_schema, output_prefix (see lifecircle/study.h). The options
 * below are what a study file does not hold.
 *
 * Data-quality issues found on the way are added to options->quality when the caller gives one
 * (to print them, also after a failure), and kept in the run otherwise. A study whose inputs hold
 * data errors computes and writes nothing: NULL with LC_ERR_DATA ("N data errors; nothing was
 * computed or written"), the errors in options->quality.
 *
 * Progress goes through the context's progress handler (stages "reading", "coverage", "writing",
 * ...), and each step's time through its message handler at LC_LOG_DEBUG as "step <name>: <s> s".
 */
#ifndef LIFECIRCLE_RUN_H
#define LIFECIRCLE_RUN_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/isochrones.h"
#include "lifecircle/network.h"
#include "lifecircle/quality.h"
#include "lifecircle/results.h"
#include "lifecircle/roads.h"
#include "lifecircle/siting.h"
#include "lifecircle/study.h"
#include "lifecircle/trend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a run computed; see lc_run_check. */
typedef struct lc_run lc_run;

/* Options every run takes. Zero-initialise, then set what you need; size lets this struct grow:
 * set it to sizeof(lc_run_options) (LC_RUN_OPTIONS_INIT does), fields past a smaller size read as
 * 0. Everything borrowed for the call. */
typedef struct lc_run_options {
    size_t size;                    /* sizeof(lc_run_options) as the caller was built with; 0: this one */
    int overwrite;                  /* non-zero: replace a non-empty output (and report) directory */
    const char *shapefile_encoding; /* Shapefile output: NULL or "UTF-8" (default), or "GBK" */
    const char *report_dir;         /* check and site: also write report.html and the A3 PDF maps into
                                       this directory (NULL: no report). It must not hold the output.
                                       Output and report are both written before either replaces
                                       what was there, so a failure in either leaves both as they were */
    lc_quality *quality;            /* receives every data-quality issue found (NULL: kept in the run) */
    const char *with_proposals;     /* check: the output directory of a `site` run whose proposals layer
                                       (proposals.shp, .geojson or lifecircle.gpkg) is added to the
                                       facilities — each a facility of its category with its suggested
                                       floor area, id proposal-<rank> — before anything is computed, so
                                       every norm reflects them (summary.json `proposals_added`); NULL:
                                       none */
} lc_run_options;

#define LC_RUN_OPTIONS_INIT {sizeof(lc_run_options), 0, NULL, NULL, NULL, NULL}

/* Runs a check: for every compound and category the distance and covered share (straight-line, or
 * along the walking network with the straight-line comparison beside it), the norms per 街镇 and for
 * the whole area, written to the study's `output` with summary.csv/summary.json, and the report
 * when options->report_dir is set. options may be NULL (defaults). Returns the run, or NULL with
 * the context's error: LC_ERR_MISUSE (no output named, an unknown format), LC_ERR_DATA (data errors
 * in the inputs), or the error of the step that failed (nothing written then). A check whose norms
 * fail is a success: lc_run_failures() counts them. Caller frees with lc_run_destroy(); the study
 * must outlive the run. */
LC_API lc_run *lc_run_check(lc_context *ctx, const lc_study *study, const lc_run_options *options);

/* Options of lc_run_site beyond lc_run_options. size as there (LC_SITE_RUN_OPTIONS_INIT). */
typedef struct lc_site_run_options {
    size_t size;              /* sizeof(lc_site_run_options); 0: this one */
    const char *category;     /* the profile category to site, by code (NULL: "centre") */
    lc_siting_options siting; /* objective, k, target, solver, time limit, spacing, demand weight;
                                 category, network and candidates are filled in by the run */
} lc_site_run_options;

#define LC_SITE_RUN_OPTIONS_INIT {sizeof(lc_site_run_options), NULL, {0}}

/* Runs `site`: the check's coverage, then proposals for one category (lifecircle/siting.h), written
 * with the before/after tables to the study's output (every format check writes) and the report
 * when asked. Returns the run, or NULL with the context's error as lc_run_check, or LC_ERR_MISUSE
 * for an unknown category. Caller frees with lc_run_destroy(). */
LC_API lc_run *lc_run_site(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                           const lc_site_run_options *site);

/* One origin given by coordinates: x, y in crs (a CRS definition: "EPSG:4326" — lon, lat — when
 * NULL, or "GCJ-02", "EPSG:4549", ...), named id. Borrowed. */
typedef struct lc_run_point {
    double x, y;
    const char *crs;
    const char *id;
} lc_run_point;

/* Options of lc_run_isochrones beyond lc_run_options. Origins: the points given, or (from_points)
 * the study's candidates layer, or the study's facilities of category. Thresholds: nthresholds
 * values in minutes (walked at the category's reach speed, else the profile's network speed, or
 * the study's walk_speed), or in metres when in_metres; sorted and distinct. */
typedef struct lc_isochrones_run_options {
    size_t size;                /* sizeof(lc_isochrones_run_options); 0: this one */
    const lc_run_point *points; /* origins by coordinates, or NULL */
    size_t npoints;
    int from_points;            /* non-zero: the study's candidates layer holds the origins */
    const char *category;       /* the facilities of this category are the origins (and, for
                                   minutes, its reach speed applies); NULL: none */
    const double *thresholds;   /* minutes or metres, positive; NULL: 5, 10, 15 minutes */
    size_t nthresholds;
    int in_metres;              /* non-zero: thresholds are metres */
    int circles;                /* non-zero: also the straight-line circles, for comparison */
} lc_isochrones_run_options;

#define LC_ISOCHRONES_RUN_OPTIONS_INIT {sizeof(lc_isochrones_run_options), NULL, 0, 0, NULL, NULL, 0, 0, 0}

/* Runs `isochrones`: reads the study's inputs and roads, builds the walking network, draws each
 * origin's isochrones (lifecircle/isochrones.h) and writes them to the study's output. Returns the
 * run, or NULL with the context's error: LC_ERR_MISUSE (no origins, no roads layer, bad thresholds,
 * an unknown category), LC_ERR_CRS (a point's CRS), LC_ERR_DATA, or a step's error. Caller frees
 * with lc_run_destroy(). */
LC_API lc_run *lc_run_isochrones(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                                 const lc_isochrones_run_options *iso);

/* Runs `validate`: every step `check` takes before it computes — the profile loaded with the
 * study's walk_speed, every input read and checked (lc_inputs_read), each district's profile
 * resolved (districts.profiles, when the inputs hold no data error), the roads read and checked
 * against the compounds when the study names them (in network mode also the network built and its
 * islands found) — by the same code, so what `check` refuses is found here. Writes nothing and
 * needs no output. Data errors are not a failure: they are in the quality list (options->quality,
 * else lc_run_quality), a roads layer that cannot be read or built among them
 * (LC_CHECK_ROADS_UNREADABLE). Returns the run (lc_run_inputs, lc_run_profile, lc_run_roads_stats
 * to summarise), or NULL with the context's error when the profile, an input or a district's
 * profile cannot be read at all (the issues found before it in the quality list). Caller frees with lc_run_destroy(). */
LC_API lc_run *lc_run_validate(lc_context *ctx, const lc_study *study, const lc_run_options *options);

/* Options of lc_run_progress beyond lc_run_options. size as there (LC_PROGRESS_RUN_OPTIONS_INIT). */
typedef struct lc_progress_run_options {
    size_t size;        /* sizeof(lc_progress_run_options); 0: this one */
    const int *years;   /* the years to measure, ascending (borrowed for the call); NULL: the study's
                           `years` */
    size_t nyears;      /* 1 to 64 */
    int target_year;    /* the plan year (0: the study's `target_year`, else 2025) */
} lc_progress_run_options;

#define LC_PROGRESS_RUN_OPTIONS_INIT {sizeof(lc_progress_run_options), NULL, 0, 0}

/* Runs `progress` (issue 16): for each year of the series the check's coverage and every norm with
 * the facilities open that year — opened (field role `opened`) in or before it, or with no opening
 * year (a warning says how many), and not closed (`closed`) in or before it — against today's
 * residents, the walking network built once; then per 街镇 and for the whole area the value per
 * year, the target, the pace needed and achieved and the year the target is reached
 * (lifecircle/trend.h), written to the study's output as progress.csv, progress.xlsx and
 * progress.json, and with options->report_dir the report of the last year with a progress
 * section. Returns the run (lc_run_trend; lc_run_results holds the last year's check), or NULL with
 * the context's error: LC_ERR_CONFIG (no years, years not ascending or not years, naming the study
 * file), LC_ERR_MISUSE (no output, a PostGIS output), LC_ERR_DATA, or a step's error (nothing
 * written then). Caller frees with lc_run_destroy(). */
LC_API lc_run *lc_run_progress(lc_context *ctx, const lc_study *study, const lc_run_options *options,
                               const lc_progress_run_options *progress);

/* The series of a progress run (borrowed, valid until lc_run_destroy()); NULL for other runs. */
LC_API const lc_trend *lc_run_trend(const lc_run *run);

/* Options of lc_run_compare. size as lc_run_options (LC_COMPARE_RUN_OPTIONS_INIT). */
typedef struct lc_compare_run_options {
    size_t size;            /* sizeof(lc_compare_run_options); 0: this one */
    const char *output;     /* also write the changes to this .csv or .json file (NULL: none) */
    int overwrite;          /* non-zero: replace an existing output file */
} lc_compare_run_options;

#define LC_COMPARE_RUN_OPTIONS_INIT {sizeof(lc_compare_run_options), NULL, 0}

/* Runs `compare` (issue 16): the summaries of two finished check or site runs — run_a and run_b are
 * their output directories (summary.json inside) or the summary.json files — compared cell by cell
 * (lc_compare_summaries, lifecircle/results.h), the changes written to options->output when given
 * (atomically). options may be NULL. Returns the comparison, or NULL with the context's error:
 * LC_ERR_IO (a run or its summary.json cannot be read, the output cannot be written), LC_ERR_DATA
 * (not lifecircle summaries, another profile, no 街镇 in common), LC_ERR_MISUSE. Caller frees with
 * lc_comparison_destroy(). */
LC_API lc_comparison *lc_run_compare(lc_context *ctx, const char *run_a, const char *run_b,
                                     const lc_compare_run_options *options);

/* Releases a run and everything it computed. Accepts NULL. */
LC_API void lc_run_destroy(lc_run *run);

/* What the run computed, borrowed, valid until lc_run_destroy(). lc_run_results: check and site
 * (NULL for isochrones); lc_run_network: network mode and isochrones (NULL otherwise);
 * lc_run_siting: site only; lc_run_isochrones_result: isochrones only; lc_run_quality: the issues
 * found (options->quality when given); lc_run_profile: the profile as applied (walk_speed included);
 * lc_run_inputs: the inputs read, in the working CRS. */
LC_API const lc_results *lc_run_results(const lc_run *run);
LC_API const lc_network *lc_run_network(const lc_run *run);
LC_API const lc_siting *lc_run_siting(const lc_run *run);
LC_API const lc_isochrones *lc_run_isochrones_result(const lc_run *run);
LC_API const lc_quality *lc_run_quality(const lc_run *run);
LC_API const lc_inputs *lc_run_inputs(const lc_run *run);
/* What reading the roads kept and left out (validate and network mode), NULL when no roads were
 * read; borrowed, valid until lc_run_destroy(). */
LC_API const lc_roads_stats *lc_run_roads_stats(const lc_run *run);
LC_API const lc_profile *lc_run_profile(const lc_run *run);

/* The siting category's index in the profile (site), or (size_t)-1. */
LC_API size_t lc_run_siting_category(const lc_run *run);

/* Where the output went, fit for printing (a PostgreSQL password replaced by ***). Borrowed. */
LC_API const char *lc_run_output_shown(const lc_run *run);

/* Norms failing somewhere (check and site: lc_indicators_failures), 0 for isochrones. */
LC_API size_t lc_run_failures(const lc_run *run);

/* How the minutes of an isochrone run were turned into metres, for the record: "walk_speed" (the
 * study's), "category" (the category's reach speed), "network" (the profile's network speed) or
 * "metres" (thresholds given in metres). Borrowed. */
LC_API const char *lc_run_isochrone_speed_source(const lc_run *run);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_RUN_H */
