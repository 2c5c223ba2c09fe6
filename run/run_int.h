/*
 * run/run_int.h — what the runs (run_check.c, run_site.c, run_isochrones.c, run_validate.c) share from
 * run/run.c: the run they fill, and the steps every command takes in the same order (profile,
 * inputs and their data errors, output target, walking network). Never included outside run/.
 */
#ifndef LIFECIRCLE_RUN_RUN_INT_H
#define LIFECIRCLE_RUN_RUN_INT_H

#include "lifecircle/lifecircle.h"
#include "lifecircle/run.h"

struct lc_run {
    lc_context *ctx;
    const lc_study *study;
    lc_run_options options;   /* the caller's, completed to this version's size */
    lc_profile *profile;
    lc_quality *quality;      /* options.quality, or own_quality */
    lc_quality *own_quality;
    lc_inputs *inputs;
    lc_roads *roads;
    lc_roads_stats roads_stats; /* what reading the roads kept and left out (has_roads_stats) */
    int has_roads_stats;
    lc_network *network;
    lc_coverage *coverage;
    lc_coverage *straight;    /* check --mode network: the straight-line comparison */
    lc_indicators *indicators;
    lc_access *access;        /* check: supply-demand accessibility, NULL when the profile asks none */
    lc_siting *siting;
    size_t siting_category;
    lc_isochrones *isochrones;
    const char *speed_source; /* isochrones: how minutes became metres */
    lc_results results;       /* borrowed views of the above (check, site) */
    int has_results;
    const char *output;       /* the study's output target (borrowed from the study) */
    lc_output_options output_options;
    char *output_shown;       /* output without its password */
    double step_started;      /* lc_seconds() at the end of the last step */
    const lc_profile **district_profiles; /* per district (lc_indicators_options), NULL: the study's */
    lc_profile **loaded;      /* the district profiles loaded, each once (owned) */
    size_t nloaded;
    lc_inputs *view;          /* progress: the last year's facilities (a view of inputs), owned */
    lc_inputs *base_inputs;   /* check --with-proposals: the inputs read, of which inputs is a view (owned) */
    lc_trend *trend;          /* progress: the series, owned */
    char *progress_json;      /* progress with a report: progress.json for the report's section, owned */
    lc_inputs *after_inputs;  /* site with a report: the inputs with the proposals among the facilities
                                 (a view of inputs, lc_proposals_view), owned */
    lc_coverage *after_coverage; /* ... and their coverage, for the after-state map, owned */
    lc_results after_results; /* borrowed views of those two (has_after) */
    int has_after;
};

/* A run of study with the caller's options copied (NULL: defaults), nothing read yet. NULL with the
 * context's error (LC_ERR_MISUSE without a study, LC_ERR_NOMEM). Caller frees with lc_run_destroy(). */
lc_run *lc_run_new(lc_context *ctx, const lc_study *study, const lc_run_options *options, const char *command);

/* Loads the profile (the study's walk_speed applied) and reads every input with its data-quality
 * checks into the run (issues into options.quality, else a list of the run's own). LC_OK, or the
 * error of the step that failed; data errors are issues, not a failure. */
lc_status lc_run_read_inputs(lc_run *run);

/* Makes a run for study: the options copied (NULL: defaults), the output target and format
 * resolved from the study, the profile loaded with the study's walk_speed applied, the inputs read
 * and their data-quality issues recorded. NULL with the context's error: LC_ERR_MISUSE (no output,
 * an unknown format), LC_ERR_DATA (data errors found; they are in the quality list), or the error
 * of the step that failed. Caller frees with lc_run_destroy(). */
lc_run *lc_run_begin(lc_context *ctx, const lc_study *study, const lc_run_options *options, const char *command);

/* Copies a caller's options struct of this version's size `size` into dst: the caller's struct
 * starts with its own size (0: this version's), and fields past it read as 0. src may be NULL
 * (all 0). */
void lc_run_copy_options(void *dst, size_t size, const void *src);

/* Computes the coverage with co and the indicators on it into the run, timing the steps. LC_OK or
 * the error. */
lc_status lc_run_coverage(lc_run *run, const lc_coverage_options *co);

/* Resolves each district's profile (run/run_levels.c): the districts layer's profile field
 * (districts.profile_field), else the study's districts.profiles.<区名> mapping (a district's id or
 * name), else the study's profile; each named profile loaded once into run->loaded. LC_OK, or
 * LC_ERR_CONFIG naming the district (a profile that cannot be loaded) or the mapping (a 区名 no
 * district has). */
lc_status lc_run_district_profiles(lc_run *run);

/* Reports the joins run->network's snap tolerance made of vertices that do not coincide (how many,
 * how far, where the first were) as an information issue in run->quality. LC_OK or LC_ERR_NOMEM. */
lc_status lc_run_network_merges(lc_run *run);

/* Logs the time since the last step as "step <name>: <s> s" (LC_LOG_DEBUG), and is the run's
 * checkpoint between steps: LC_ERR_CANCELLED (the message naming the step done) when the caller
 * cancelled (lc_context_cancel), else LC_OK. */
lc_status lc_run_step(lc_run *run, const char *name);

/* The coverage options the study sets (mode, reach_m, demand_grid_m, catchment_streets and the
 * resolutions). Warns once when straight-line mode is given inputs only the network uses. */
lc_coverage_options lc_run_coverage_options(lc_run *run);

/* Reads the study's roads into run->roads (what was kept and left out in run->roads_stats) and
 * checks that they meet the compounds (lc_roads_check_meet: a finding is an issue in the quality
 * list, not a failure). LC_OK or the step's error. */
lc_status lc_run_read_roads(lc_run *run);

/* The streets the report's maps draw: run->roads when the network was built; otherwise, when a report
 * is written and the study has a roads layer (straight-line mode), that layer read into run->roads
 * without its data-quality checks (the coverage does not use it). A layer that cannot be read is a
 * warning naming it (the maps then say they draw no streets), never a failure. Returns the roads
 * (borrowed from run) or NULL. */
const lc_roads *lc_run_map_roads(lc_run *run);

/* Reads the roads (lc_run_read_roads) and builds the walking network into run->network, then adds
 * network islands (residents on components without a category) to the quality list. Data errors in
 * the quality list (roads that do not meet the compounds) stop it before the network is built, with
 * LC_ERR_DATA. LC_OK or the step's error. */
lc_status lc_run_network_build(lc_run *run);

/* Writes the staged output and, when options.report_dir is set, the report beside it, then commits
 * both: the report is staged (written whole) first, so a failure in either leaves both targets as
 * they were. out is the staged output (ownership passes here). LC_OK or the error. */
lc_status lc_run_commit_with_report(lc_run *run, lc_output *out, const lc_siting *siting, size_t category);

#endif /* LIFECIRCLE_RUN_RUN_INT_H */
