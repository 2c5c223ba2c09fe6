/*
 * queries/coverage_int.h — what the coverage module's own files share (not callers).
 */
#ifndef LIFECIRCLE_QUERIES_COVERAGE_INT_H
#define LIFECIRCLE_QUERIES_COVERAGE_INT_H

#include "lifecircle/coverage.h"

/* Hands cov to ctx: its geometries are freed and its messages recorded there from now on (a
 * coverage computed with a job's own context, queries/coverage_job.c). GEOS geometries do not
 * belong to the handle that made them, so only the context pointer changes. */
void lc_coverage_bind(lc_coverage *cov, lc_context *ctx);

#endif /* LIFECIRCLE_QUERIES_COVERAGE_INT_H */
