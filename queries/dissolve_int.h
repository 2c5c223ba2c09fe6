/*
 * queries/dissolve_int.h — the network service areas dissolved behind the caller's back.
 *
 * Network coverage builds each category's service area as the parts of 500 m squares; dissolving
 * them into one polygon per category takes about a second at city scale, and nothing but the
 * service_areas layer and the maps needs the result. lc_coverage_compute therefore hands the parts
 * to a dissolver, which unions them on a thread of its own while the caller writes the cells and
 * the gaps; whoever waits for the result (lc_dissolver_finish) takes categories too, so waiting at
 * once costs no more than dissolving in place. Each category is unioned by one thread with
 * GEOSUnaryUnion_r, whichever thread it is, so the result does not depend on the timing.
 */
#ifndef LIFECIRCLE_QUERIES_DISSOLVE_INT_H
#define LIFECIRCLE_QUERIES_DISSOLVE_INT_H

#include <geos_c.h>
#include <stddef.h>

#include "lifecircle/context.h"

typedef struct lc_dissolver lc_dissolver;

/* Starts dissolving ncat categories: parts[c] holds nparts[c] polygons (non-NULL) for category c;
 * out[c] receives the union (NULL when nparts[c] is 0). Takes ownership of the parts arrays, each
 * parts[c] array and every polygon in them, also on failure; parts and nparts themselves stay the
 * caller's. out is borrowed: it must stay valid, and be read only, until lc_dissolver_finish.
 * Starts one thread; when it cannot, lc_dissolver_finish does all the work. NULL with
 * LC_ERR_NOMEM. */
lc_dissolver *lc_dissolver_start(lc_context *ctx, size_t ncat, GEOSGeometry **const *parts, const size_t *nparts,
                                 GEOSGeometry **out);

/* Dissolves what is left on the calling thread (with ctx's GEOS handle) and waits for the thread.
 * LC_OK once every out[c] is set, or LC_ERR_GEOMETRY / LC_ERR_NOMEM with the first failing category
 * in *failed_category and GEOS's reason in reason (reason_size bytes; "" when none). Further calls
 * return the same. */
lc_status lc_dissolver_finish(lc_context *ctx, lc_dissolver *d, size_t *failed_category, char *reason,
                              size_t reason_size);

/* Stops taking categories, waits for the thread and releases the dissolver with the parts not yet
 * dissolved; the out[c] already set stay the caller's. Accepts NULL. */
void lc_dissolver_destroy(lc_context *ctx, lc_dissolver *d);

#endif /* LIFECIRCLE_QUERIES_DISSOLVE_INT_H */
