/*
 * geo/context_int.h — what library modules (not callers) need from the context: setting errors,
 * logging, progress, GDAL error capture and small allocation helpers. Never included by cli/.
 */
#ifndef LIFECIRCLE_GEO_CONTEXT_INT_H
#define LIFECIRCLE_GEO_CONTEXT_INT_H

#include <geos_c.h>
#include <proj.h>
#include <stdbool.h>
#include <stddef.h>

#include "lifecircle/context.h"

/* Records status and a printf-style message as the context's last error and returns status, so
 * callers can write `return lc_error(...)`. The message reaches the handler only at LC_LOG_DEBUG:
 * the caller decides whether the failure is fatal and reports lc_context_errmsg() itself, so an
 * error handled further up is not printed as one. */
lc_status lc_error(lc_context *ctx, lc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Emits a message through the context's handler if level passes the threshold. */
void lc_log(lc_context *ctx, lc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds since an arbitrary start (monotonic clock), for the debug timings of long steps. */
double lc_seconds(void);

/* Reports progress of a stage (fraction 0..1; 1 ends the stage). Cheap when no handler is set. */
void lc_progress(lc_context *ctx, const char *stage, double fraction);

/* A checkpoint: LC_OK, or LC_ERR_CANCELLED with the message naming the step about to start (or
 * running) when lc_context_cancel was called on ctx. The one way long calls honour a cancel. */
lc_status lc_check_cancel(lc_context *ctx, const char *step);

/* The context's GEOS handle and PROJ context; borrowed, valid until lc_context_destroy(). */
GEOSContextHandle_t lc_ctx_geos(const lc_context *ctx);
PJ_CONTEXT *lc_ctx_proj(const lc_context *ctx);

/* The last message GEOS reported on this context ("" if none); borrowed. Cleared by
 * lc_ctx_geos_clear_message(). Used to add GEOS's reason to a geometry error. */
const char *lc_ctx_geos_message(const lc_context *ctx);
void lc_ctx_geos_clear_message(lc_context *ctx);

/* Routes GDAL's CPLError messages into ctx until lc_gdal_end() (GDAL handlers are per thread, so
 * every entry point that calls GDAL brackets its work with this pair). lc_gdal_end returns the
 * last GDAL error message captured in between ("" if none); borrowed, valid until the next begin. */
void lc_gdal_begin(lc_context *ctx);
const char *lc_gdal_end(lc_context *ctx);
/* The last GDAL error message captured since lc_gdal_begin ("" if none); borrowed. */
const char *lc_gdal_last_message(const lc_context *ctx);
/* Handles one GDAL message (level: a CPLErr) as lc_gdal_begin's handler does, for a handler pushed
 * on top of it that keeps some messages for itself (layers/layer.c: a feature's warnings). */
void lc_gdal_message(lc_context *ctx, int level, const char *message);

/* Allocation helpers that record LC_ERR_NOMEM on failure and return NULL. */
void *lc_malloc(lc_context *ctx, size_t size);
void *lc_calloc(lc_context *ctx, size_t count, size_t size);
void *lc_realloc_array(lc_context *ctx, void *ptr, size_t count, size_t size);
char *lc_strdup(lc_context *ctx, const char *s);
/* Formats into a fresh string (caller frees with free()); NULL with LC_ERR_NOMEM on failure. */
char *lc_sprintf(lc_context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What kind of file a stat mode describes, for messages: "a directory", "a named pipe (FIFO)",
 * "a character device" ... Borrowed (static text). */
const char *lc_file_type(unsigned mode);

/* Grows *items (of *cap elements of size each) so that it holds at least need elements. */
lc_status lc_grow(lc_context *ctx, void **items, size_t *cap, size_t need, size_t size);

#endif /* LIFECIRCLE_GEO_CONTEXT_INT_H */
