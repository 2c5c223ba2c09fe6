/*
 * lifecircle/report.h — the report a planner reads and prints: one self-contained HTML file (inline
 * CSS and images, nothing fetched from the network) in Chinese with English alongside, with the
 * headline indicators against their targets, a per-街镇 table, coverage per category (and the
 * straight-line vs network comparison), the gaps with their residents, the siting proposals of a
 * `site` run, a map per category (lifecircle/map.h), the assumptions (reach, walking speed,
 * population method, CRS, profile and its sources, input files with checksums, toolkit version,
 * date) and the data-quality warnings. Beside it, each map as a print-ready A3 PDF.
 *
 * The numbers come from the same summary as summary.json, so the report and the summary agree.
 */
#ifndef LIFECIRCLE_REPORT_H
#define LIFECIRCLE_REPORT_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/results.h"
#include "lifecircle/siting.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lc_report_options {
    int overwrite;             /* lc_report_write: replace a non-empty report directory */
    const lc_siting *siting;   /* a `site` run's proposals (borrowed), or NULL for a check */
    size_t siting_category;    /* with siting: the profile category sited */
    const char *date;          /* the date shown (e.g. "2026-11-29"); NULL: the UTC date of
                                  SOURCE_DATE_EPOCH when that is set (reproducible reports), else today */
    int no_maps;               /* non-zero: leave the maps out (no font or cairo work) */
    int map_width_px;          /* width of the maps in the HTML; 0: 1600 */
    const char *progress_json; /* a progress run's progress.json (borrowed), shown as a section
                                  "Progress toward the plan year"; NULL: none */
    const lc_results *after;   /* with siting: the after state (borrowed) — the results' inputs with the
                                  proposals among the facilities and their coverage — drawn as a second
                                  map of siting_category beside the before map (map-<code>-after.pdf);
                                  NULL: the before map alone */
} lc_report_options;

/* The report as HTML text (UTF-8). Deterministic: equal results, options and date give equal text.
 * NULL with the error in ctx (LC_ERR_MISUSE for missing results, LC_ERR_NOMEM, or the map
 * renderer's error). Caller frees with lc_free(). */
LC_API char *lc_report_html(lc_context *ctx, const lc_results *results, const lc_report_options *options);

/* Writes report.html and, unless options->no_maps, map-<category>.pdf for every category into
 * directory dir, atomically with the rules of lc_output_begin (the directory appears whole or not
 * at all; a non-empty one is refused without options->overwrite; a directory holding an input is
 * refused). LC_OK, or the error of the step that failed (then dir is as it was). */
LC_API lc_status lc_report_write(lc_context *ctx, const char *dir, const lc_results *results,
                                 const lc_report_options *options);

/* As lc_report_write, but left uncommitted (see lc_results_stage): the caller finishes with
 * lc_output_commit() or lc_output_abort(). NULL with the error of the step that failed. */
LC_API lc_output *lc_report_stage(lc_context *ctx, const char *dir, const lc_results *results,
                                  const lc_report_options *options);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_REPORT_H */
