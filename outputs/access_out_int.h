/*
 * outputs/access_out_int.h — writing the supply-demand accessibility of a check (outputs/access_out.c)
 * from outputs/results.c: its two layers and its summary.json section. Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_ACCESS_OUT_INT_H
#define LIFECIRCLE_OUTPUTS_ACCESS_OUT_INT_H

#include <jansson.h>

#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* Writes the `accessibility` (compounds) and `supply` (facilities) layers with their styles, when
 * r->access holds entries (nothing otherwise). LC_OK or the writer's error. */
lc_status lc_access_write_layers(lc_context *ctx, lc_output *out, const lc_results *r, lc_qml_set *styles);

/* The "accessibility" array of summary.json (a new reference, the caller's), or NULL when r has no
 * accessibility. */
json_t *lc_access_summary_json(const lc_results *r);

#endif /* LIFECIRCLE_OUTPUTS_ACCESS_OUT_INT_H */
