/*
 * layers/quality_int.h — the library's own way to add a data-quality issue, with a printf-style
 * message (the public lc_quality_append takes the message whole: no variadic calls in the public
 * API). Library-internal.
 */
#ifndef LIFECIRCLE_LAYERS_QUALITY_INT_H
#define LIFECIRCLE_LAYERS_QUALITY_INT_H

#include "lifecircle/quality.h"

/* lc_quality_append with the message formatted from fmt and the arguments after it. */
lc_status lc_quality_add(lc_context *ctx, lc_quality *q, lc_severity severity, lc_status status, const char *check,
                         const char *file, const char *layer, const char *feature, const char *field,
                         const char *fmt, ...) __attribute__((format(printf, 10, 11)));

#endif /* LIFECIRCLE_LAYERS_QUALITY_INT_H */
