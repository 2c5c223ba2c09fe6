/*
 * outputs/results_int.h — what the files writing a check's results share: outputs/results.c (the
 * compound and unit layers, staging and commit), outputs/results_catchments.c (facilities,
 * catchments, catchment streets) and outputs/results_summary.c (summary.csv / summary.json and the
 * summary tables). Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_RESULTS_INT_H
#define LIFECIRCLE_OUTPUTS_RESULTS_INT_H

#include <stddef.h>

#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* The id of unit u, or NULL for -1. Borrowed from the units layer. */
static inline const char *unit_id(const lc_results *r, long u)
{
    return u >= 0 ? lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_UNITS), (size_t)u)->id : NULL;
}

/* Short English text of a pass mark. Never freed. */
static inline const char *pass_text(int pass)
{
    return pass == 1 ? "pass" : pass == 0 ? "fail" : "n/a";
}

/* The pass mark in Chinese, for the tables planners hand in (issue 17). Never freed. */
static inline const char *pass_text_zh(int pass)
{
    return pass == 1 ? "达标" : pass == 0 ? "未达标" : "不适用";
}

/* ---- facilities and catchments (outputs/results_catchments.c) ---- */

/* Catchments (areas of responsibility): for every facility, the compounds whose nearest facility of
 * its category it is — their residents (pop), those of them within reach (reach) and how many
 * compounds (n). Arrays of the facilities layer's size, owned (lc_catchments_free). */
typedef struct lc_catchments {
    double *pop, *reach;
    size_t *n;
} lc_catchments;

/* Fills *cm (zeroed by the caller) from r's coverage. LC_OK or LC_ERR_NOMEM; release *cm with
 * lc_catchments_free() either way. */
lc_status lc_catchments_sum(lc_context *ctx, const lc_results *r, lc_catchments *cm);

/* Releases cm's arrays (not cm). */
void lc_catchments_free(lc_catchments *cm);

/* The facilities layer (every facility with its category, unit, capacities and catchment sums cm,
 * borrowed) into out, and its style into styles. LC_OK or the writer's error. */
lc_status lc_results_write_facilities(lc_context *ctx, lc_output *out, const lc_results *r, const lc_catchments *cm,
                                      lc_qml_set *styles);

/* The catchments layer: for every facility with at least one compound, the union of those compounds
 * (dissolved on every core), coloured apart from its neighbours, and its style. LC_OK or the error. */
lc_status lc_results_write_catchments(lc_context *ctx, lc_output *out, const lc_results *r, const lc_catchments *cm,
                                      lc_qml_set *styles);

/* The catchment_streets layer (network mode, when the coverage built them) and its style. LC_OK or
 * the writer's error. */
lc_status lc_results_write_catchment_streets(lc_context *ctx, lc_output *out, const lc_results *r,
                                             lc_qml_set *styles);

/* ---- summaries (outputs/results_summary.c) ---- */

/* The summary table layer of a check: the rows of summary.csv (lc_results_summary_csv). LC_OK or the
 * writer's error. */
lc_status lc_results_write_summary(lc_context *ctx, lc_output *out, const lc_results *r);

/* The summary table layer of a `site` run for category: before/after per unit and for the whole
 * area. LC_OK or the writer's error. */
lc_status lc_results_write_site_summary(lc_context *ctx, lc_output *out, const lc_results *r, const lc_siting *s,
                                        size_t category);

/* The rows of that table as the text of summary.csv, for a GeoPackage output to keep beside
 * lifecircle.gpkg as a check does (lc_results_summary_csv): the bytes a Shapefile or GeoJSON site
 * output's summary.csv holds. NULL with LC_ERR_NOMEM. Caller frees with free(). */
char *lc_results_site_summary_csv(lc_context *ctx, const lc_results *r, const lc_siting *s, size_t category);

#endif /* LIFECIRCLE_OUTPUTS_RESULTS_INT_H */
