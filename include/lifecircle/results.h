/*
 * lifecircle/results.h — the results of a check, written as one output directory: the layers a
 * planner opens in QGIS or ArcGIS (residential coverage, gaps, service areas, units with every
 * indicator, facilities with their unit) and summary.csv / summary.json (indicators, targets,
 * sources, assumptions, input checksums, toolkit version).
 *
 * Also the writers of what the other queries compute: a site run's proposals (lc_siting_write) and
 * isochrones (lc_isochrones_write). Query headers (siting.h, isochrones.h) know nothing of outputs.
 *
 * Everything is written through lifecircle/output.h, so the directory appears whole or not at all.
 */
#ifndef LIFECIRCLE_RESULTS_H
#define LIFECIRCLE_RESULTS_H

#include "lifecircle/access.h"
#include "lifecircle/context.h"
#include "lifecircle/coverage.h"
#include "lifecircle/indicators.h"
#include "lifecircle/isochrones.h"
#include "lifecircle/layer.h"
#include "lifecircle/output.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"
#include "lifecircle/roads.h"
#include "lifecircle/siting.h"
#include "lifecircle/study.h"
#include "lifecircle/trend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a check computed, borrowed from the caller for the duration of a call. */
typedef struct lc_results {
    const lc_study *study;
    const lc_inputs *inputs;
    const lc_profile *profile;
    const lc_coverage *coverage;
    const lc_indicators *indicators;
    const lc_quality *quality;
    const lc_coverage *straight; /* network mode: the straight-line coverage of the same inputs, for the
                                    network_comparison table of summary.json; NULL otherwise */
    const lc_access *access;     /* supply-demand accessibility (the profile's `accessibility:`), written as
                                    the accessibility and supply layers and summary.json's section; NULL:
                                    none */
    const lc_roads *roads;       /* the walkable lines of the study's roads layer, drawn thin and grey
                                    under the compounds on the maps (network mode; straight-line mode
                                    when the study has a roads layer and a report is written); NULL:
                                    no streets on the maps (the legend says so) */
} lc_results;

/* The inputs after a site run's proposals: a view of in (lc_inputs_view) with every proposal of s
 * added to the facilities as a facility of category `category` with its suggested floor area and id
 * proposal-<rank>, read back through the facilities reader from a GeoJSON (WGS 84) in GDAL's memory
 * files, the way `check --with-proposals` reads a site run's layer; for the after-state map (their
 * coverage is lc_coverage_compute's). in, profile and s borrowed (in must outlive the view). NULL
 * with the context's error. Caller frees with lc_inputs_destroy(). */
LC_API lc_inputs *lc_proposals_view(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                                    const lc_siting *s, size_t category);

/* Writes every result layer and summary.csv/summary.json into dir (see lc_output_begin for the
 * directory rules). LC_OK, or the error of the step that failed (then dir is as it was). */
LC_API lc_status lc_results_write(lc_context *ctx, const char *dir, const lc_output_options *options,
                                  const lc_results *results);

/* Writes the results of a `site` run into dir with the guarantees of lc_results_write: the
 * `proposals` point layer of siting (proposals for profile category `category`, computed from
 * results' inputs, coverage and indicators), the before/after table per unit and for the whole area
 * (`summary`: summary.csv for Shapefile and GeoJSON outputs, a table in GeoPackage) and summary.json
 * (the check's summary plus a "siting" section). Everything borrowed. LC_OK, or the error of the
 * step that failed (then dir is as it was). */
LC_API lc_status lc_results_write_site(lc_context *ctx, const char *dir, const lc_output_options *options,
                                       const lc_results *results, const lc_siting *siting, size_t category);

/* As lc_results_write and lc_results_write_site, but the output is left uncommitted: everything is
 * written into the temporary directory (or the open PostGIS transaction), and the caller finishes
 * with lc_output_commit() or lc_output_abort(). For writing several outputs all or nothing (a
 * report beside, lifecircle/run.h). NULL with the error of the step that failed (nothing is left
 * behind then). The output belongs to ctx. */
LC_API lc_output *lc_results_stage(lc_context *ctx, const char *dir, const lc_output_options *options,
                                   const lc_results *results);
LC_API lc_output *lc_results_stage_site(lc_context *ctx, const char *dir, const lc_output_options *options,
                                        const lc_results *results, const lc_siting *siting, size_t category);

/* The summary as JSON text (UTF-8, keys in a fixed order, so equal results give equal text).
 * NULL with LC_ERR_NOMEM or LC_ERR_IO (an input could not be read for its checksum).
 * Caller frees with lc_free(). */
LC_API char *lc_results_summary_json(lc_context *ctx, const lc_results *results);

/* The summary as CSV text (UTF-8 with a byte-order mark so spreadsheet programs read Chinese): one
 * row per unit (and the whole area) and norm, with value, target, pass, shortfall and source —
 * the bytes of the summary.csv a Shapefile output writes. A text cell starting with = + - @ tab or
 * CR (a 街镇 named "=HYPERLINK(...)") is prefixed with ' so a spreadsheet does not run it; numbers
 * are written as numbers. NULL with LC_ERR_NOMEM. Caller frees with lc_free(). */
LC_API char *lc_results_summary_csv(lc_context *ctx, const lc_results *results);

/* Writes the proposals as a `proposals` point layer (rank, 街镇, newly covered residents,
 * cumulative coverage, suggested floor area, candidate id or "generated", solver, category in
 * Chinese and English) into an output directory, with the guarantees of lc_output_begin (atomic, no
 * overwrite unless asked). in, profile and s are borrowed. LC_OK or the failing step's error. */
LC_API lc_status lc_siting_write(lc_context *ctx, const char *dir, const lc_output_options *options,
                                 const lc_inputs *in, const lc_profile *profile, const lc_siting *s,
                                 size_t category);

/* Writes iso into the output directory dir (see lc_output_begin for the rules; crs borrowed): layer
 * `isochrones` (polygons, one per on-network origin and threshold, largest thresholds first so the
 * smaller draw on top), `origins` (points, with whether each is on the network and its access leg)
 * and, when circles were computed, `circles`. Fields have Chinese and English descriptions. LC_OK,
 * or the error of the step that failed (then dir is as it was). */
LC_API lc_status lc_isochrones_write(lc_context *ctx, const char *dir, const lc_output_options *options,
                                     const lc_crs *crs, const lc_isochrones *iso);

/* ---- `lifecircle progress` (outputs/progress_out.c) ---- */

/* What a progress run states beside its table (progress.json "method" and counts). Borrowed. */
typedef struct lc_progress_info {
    const char *study;            /* the study file, or NULL */
    int network;                  /* non-zero: distances along the walking network */
    const size_t *open_counts;    /* facilities open in each year of the series, or NULL */
    size_t without_opened;        /* facilities with no opening year (counted in every year) */
    const char *population_note;  /* how each year's population was taken */
} lc_progress_info;

/* The progress table as CSV text (UTF-8 with a byte-order mark, as summary.csv): one row per 街镇
 * (then the whole area) and norm — ids, names and the norm in Chinese and English, the unit of its
 * values, a column per year, the target, the target year, the pace needed and achieved per year, the
 * year the target is reached at today's pace (empty: not at today's pace) and the status in English
 * and Chinese (lifecircle/trend.h gives the formulas). Headers "<中文> <English>". NULL with
 * LC_ERR_NOMEM or LC_ERR_MISUSE. Caller frees with lc_free(). */
LC_API char *lc_progress_csv(lc_context *ctx, const lc_trend *trend, const lc_inputs *inputs,
                             const lc_profile *profile);

/* The same as JSON (progress.json: the years, the target year, the methods, the facilities open
 * each year, then per row and norm the values by year, target, paces, reached_in_year and status);
 * info may be NULL. Keys in a fixed order. NULL with LC_ERR_NOMEM or LC_ERR_MISUSE. Caller frees
 * with lc_free(). */
LC_API char *lc_progress_json(lc_context *ctx, const lc_trend *trend, const lc_inputs *inputs,
                              const lc_profile *profile, const lc_progress_info *info);

/* Writes progress.csv, progress.json and progress.xlsx (sheet 进度 progress, the CSV's table) into
 * dir with the rules of lc_output_begin, left uncommitted for the caller to lc_output_commit() or
 * lc_output_abort() (with a report beside it). Everything borrowed. NULL with the error (LC_ERR_MISUSE
 * for a PostGIS target: progress writes files). */
LC_API lc_output *lc_progress_stage(lc_context *ctx, const char *dir, const lc_output_options *options,
                                    const lc_trend *trend, const lc_inputs *inputs, const lc_profile *profile,
                                    const lc_progress_info *info);

/* ---- `lifecircle compare`: two finished runs (outputs/compare.c) ---- */

/* Whether a row is in both summaries. */
typedef enum lc_change_row {
    LC_CHANGE_ROW_BOTH = 0,   /* a changed cell (norm) of a row both runs have */
    LC_CHANGE_ROW_REMOVED,    /* the row is only in the first run */
    LC_CHANGE_ROW_ADDED       /* the row is only in the second run */
} lc_change_row;

/* One changed cell (or a row only one run has). Strings borrowed from the comparison. */
typedef struct lc_change {
    const char *level;        /* "unit" (a 街镇), "total" (the whole area) or "district" (a 区) */
    const char *row_id, *row_name;
    const char *norm, *norm_zh, *norm_en; /* the norm's code and names (NULL for a row change) */
    const char *kind;         /* the norm's kind as summary.json names it ("reach", "floor_area", ...) */
    double before, after, change; /* the values (NAN when missing) and after − before */
    const char *pass_before, *pass_after; /* "pass", "fail" or "n/a" */
    int flip;                 /* 1 pass → fail, -1 fail → pass, 0 neither */
    lc_change_row row;
} lc_change;

typedef struct lc_comparison lc_comparison;

/* Compares two summary.json texts (a_name and b_name name them in messages and the output, e.g. the
 * files; may be NULL): rows of 街镇, the whole area and 区 matched by id, norms by code; a cell counts
 * as changed when its pass changed or its values differ by more than 1e-9 of the larger (and of 1),
 * so equal runs give no change at all. Returns the changes in the first summary's order, then the
 * rows only the second has. NULL with LC_ERR_DATA naming the file: not JSON, not the summary of a
 * check or site run (a progress.json is named as one), another profile, or norms of another kind
 * or target (the profile was edited), or no 街镇 in common; LC_ERR_NOMEM. Caller frees with
 * lc_comparison_destroy(). */
LC_API lc_comparison *lc_compare_summaries(lc_context *ctx, const char *a_text, const char *a_name,
                                           const char *b_text, const char *b_name);

/* Releases a comparison. Accepts NULL. */
LC_API void lc_comparison_destroy(lc_comparison *c);

/* The changes: their number and the i-th (borrowed, valid while c lives; NULL past the end). */
LC_API size_t lc_comparison_count(const lc_comparison *c);
LC_API const lc_change *lc_comparison_get(const lc_comparison *c, size_t i);

/* The changes as CSV text (as summary.csv: UTF-8 with a byte-order mark, headers "<中文> <English>")
 * or JSON (the two runs named, then the changes). NULL with LC_ERR_NOMEM. Caller frees with lc_free(). */
LC_API char *lc_comparison_csv(lc_context *ctx, const lc_comparison *c);
LC_API char *lc_comparison_json(lc_context *ctx, const lc_comparison *c);

/* Writes the changes to path, CSV or JSON by its extension (.csv, .json), atomically (written
 * beside it and renamed over it). An existing path is refused unless overwrite. LC_OK, LC_ERR_MISUSE
 * (another extension) or LC_ERR_IO. */
LC_API lc_status lc_comparison_write(lc_context *ctx, const lc_comparison *c, const char *path, int overwrite);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_RESULTS_H */
