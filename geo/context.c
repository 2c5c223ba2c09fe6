/*
 * geo/context.c — the lc_context: owner of the GEOS handle, the PROJ context, the last error and the
 * message/progress handlers. GDAL, GEOS and PROJ messages are forwarded into the handler here, so the
 * library never prints. Reading and writing data lives in layers/ and outputs/, not here.
 */
#include <cpl_error.h>
#include <errno.h>
#include <gdal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "geo/context_int.h"

#define LC_MESSAGE_MAX 8192 /* several mistakes reported at once (lc_study_load) */

struct lc_context {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    lc_status last_status;
    char last_message[LC_MESSAGE_MAX];
    char geos_message[LC_MESSAGE_MAX];
    char gdal_message[LC_MESSAGE_MAX];
    int gdal_depth; /* nesting of lc_gdal_begin/end on this context */
    lc_message_fn message_fn;
    void *message_user;
    lc_progress_fn progress_fn;
    void *progress_user;
    lc_log_level log_level;
    atomic_int cancelled;  /* lc_context_cancel: read at the checkpoints (lc_check_cancel) */
};

/* Formats into a fixed buffer, truncating safely. */
static void format_into(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0)
        buf[0] = '\0';
}

static void emit(lc_context *ctx, lc_log_level level, const char *message)
{
    if (ctx->message_fn && level >= ctx->log_level)
        ctx->message_fn(level, message, ctx->message_user);
}

/* GEOS notices become warnings at debug level (GEOS reports "Self-intersection at ..." while we are
 * already repairing); GEOS errors are kept so the caller can add GEOS's reason to its own error. */
static void geos_notice(const char *message, void *user)
{
    lc_context *ctx = user;
    emit(ctx, LC_LOG_DEBUG, message);
}

static void geos_error(const char *message, void *user)
{
    lc_context *ctx = user;
    snprintf(ctx->geos_message, sizeof ctx->geos_message, "%s", message);
    emit(ctx, LC_LOG_DEBUG, message);
}

static void proj_message(void *user, int level, const char *message)
{
    lc_context *ctx = user;
    /* PROJ reports as errors what we handle (e.g. probing a CRS name); the caller's error says
     * what went wrong, so PROJ's own words are debug detail. */
    (void)level;
    emit(ctx, LC_LOG_DEBUG, message);
}

lc_context *lc_context_create(void)
{
    lc_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->log_level = LC_LOG_INFO;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos)
        goto fail;
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error, ctx);
    ctx->proj = proj_context_create();
    if (!ctx->proj)
        goto fail;
    proj_log_func(ctx->proj, ctx, proj_message);
    proj_log_level(ctx->proj, PJ_LOG_ERROR);
    GDALAllRegister();
    return ctx;
fail:
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    free(ctx);
    return NULL;
}

void lc_free(void *p)
{
    free(p);
}

void lc_context_destroy(lc_context *ctx)
{
    if (!ctx)
        return;
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    free(ctx);
}

void lc_context_set_message_handler(lc_context *ctx, lc_message_fn fn, void *user_data)
{
    if (!ctx)
        return;
    ctx->message_fn = fn;
    ctx->message_user = user_data;
}

void lc_context_set_progress_handler(lc_context *ctx, lc_progress_fn fn, void *user_data)
{
    if (!ctx)
        return;
    ctx->progress_fn = fn;
    ctx->progress_user = user_data;
}

void lc_context_set_log_level(lc_context *ctx, lc_log_level level)
{
    if (ctx)
        ctx->log_level = level;
}

lc_status lc_context_errno(const lc_context *ctx)
{
    return ctx ? ctx->last_status : LC_ERR_MISUSE;
}

const char *lc_context_errmsg(const lc_context *ctx)
{
    return ctx ? ctx->last_message : "no context";
}

void lc_context_clear_error(lc_context *ctx)
{
    if (!ctx)
        return;
    ctx->last_status = LC_OK;
    ctx->last_message[0] = '\0';
}

/* The one table that maps codes to text. */
const char *lc_status_string(lc_status status)
{
    switch (status) {
    case LC_OK: return "success";
    case LC_ERR_MISUSE: return "invalid use of the API";
    case LC_ERR_UNSUPPORTED: return "not supported";
    case LC_ERR_DATA: return "invalid input data";
    case LC_ERR_FIELD: return "missing or unknown field";
    case LC_ERR_CONFIG: return "invalid study or profile file";
    case LC_ERR_GEOMETRY: return "geometry error";
    case LC_ERR_CRS: return "coordinate reference system error";
    case LC_ERR_IO: return "input/output error";
    case LC_ERR_NOMEM: return "out of memory";
    case LC_ERR_INTERNAL: return "internal error";
    case LC_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

lc_status_family lc_status_family_of(lc_status status)
{
    int family = (int)status / 100;
    if (family < 0 || family > LC_FAMILY_CANCELLED)
        return LC_FAMILY_INTERNAL;
    return (lc_status_family)family;
}

const char *lc_version(void)
{
    return LC_VERSION;
}

lc_status lc_error(lc_context *ctx, lc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_into(ctx->last_message, sizeof ctx->last_message, fmt, ap);
    va_end(ap);
    ctx->last_status = status;
    emit(ctx, LC_LOG_DEBUG, ctx->last_message);
    return status;
}

double lc_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void lc_log(lc_context *ctx, lc_log_level level, const char *fmt, ...)
{
    if (!ctx->message_fn || level < ctx->log_level)
        return;
    char buf[LC_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    format_into(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit(ctx, level, buf);
}

void lc_progress(lc_context *ctx, const char *stage, double fraction)
{
    if (ctx->progress_fn)
        ctx->progress_fn(stage, fraction < 0 ? 0 : fraction > 1 ? 1 : fraction, ctx->progress_user);
}

void lc_context_cancel(lc_context *ctx)
{
    if (ctx)
        atomic_store(&ctx->cancelled, 1);
}

int lc_context_cancelled(const lc_context *ctx)
{
    return ctx ? atomic_load(&((lc_context *)ctx)->cancelled) : 0;
}

void lc_context_uncancel(lc_context *ctx)
{
    if (ctx)
        atomic_store(&ctx->cancelled, 0);
}

lc_status lc_check_cancel(lc_context *ctx, const char *step)
{
    if (!lc_context_cancelled(ctx))
        return LC_OK;
    return lc_error(ctx, LC_ERR_CANCELLED, "cancelled 已取消 (%s); nothing was written", step ? step : "before it began");
}

GEOSContextHandle_t lc_ctx_geos(const lc_context *ctx)
{
    return ctx->geos;
}

PJ_CONTEXT *lc_ctx_proj(const lc_context *ctx)
{
    return ctx->proj;
}

const char *lc_ctx_geos_message(const lc_context *ctx)
{
    return ctx->geos_message;
}

void lc_ctx_geos_clear_message(lc_context *ctx)
{
    ctx->geos_message[0] = '\0';
}

/* GDAL's handler: failures are kept for the caller's error message, warnings are forwarded. */
static void CPL_STDCALL gdal_handler(CPLErr level, CPLErrorNum num, const char *message)
{
    (void)num;
    lc_gdal_message(CPLGetErrorHandlerUserData(), (int)level, message);
}

void lc_gdal_message(lc_context *ctx, int level, const char *message)
{
    if (!ctx)
        return;
    /* In a PostgreSQL transaction every statement after a failed one fails with "current
     * transaction is aborted" (PostGIS inputs are read in one transaction): the first is the reason. */
    if (level >= CE_Failure && !(ctx->gdal_message[0] && strstr(message, "current transaction is aborted")))
        snprintf(ctx->gdal_message, sizeof ctx->gdal_message, "%s", message);
    emit(ctx, level >= CE_Failure ? LC_LOG_DEBUG : level == CE_Warning ? LC_LOG_WARNING : LC_LOG_DEBUG,
         message);
}

void lc_gdal_begin(lc_context *ctx)
{
    if (ctx->gdal_depth++ == 0)
        ctx->gdal_message[0] = '\0';
    CPLPushErrorHandlerEx(gdal_handler, ctx);
}

const char *lc_gdal_end(lc_context *ctx)
{
    CPLPopErrorHandler();
    if (ctx->gdal_depth > 0)
        ctx->gdal_depth--;
    return ctx->gdal_message;
}

const char *lc_gdal_last_message(const lc_context *ctx)
{
    return ctx->gdal_message;
}

void *lc_malloc(lc_context *ctx, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory allocating %zu bytes", size);
    return p;
}

void *lc_calloc(lc_context *ctx, size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *lc_realloc_array(lc_context *ctx, void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        lc_error(ctx, LC_ERR_NOMEM, "allocation of %zu x %zu bytes overflows", count, size);
        return NULL;
    }
    size_t bytes = count * size;
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (!p)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

char *lc_strdup(lc_context *ctx, const char *s)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory copying a string");
    return p;
}

char *lc_sprintf(lc_context *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        lc_error(ctx, LC_ERR_INTERNAL, "bad format string");
        return NULL;
    }
    char *buf = lc_malloc(ctx, (size_t)n + 1);
    if (!buf)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return buf;
}

lc_status lc_grow(lc_context *ctx, void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return LC_OK;
    size_t next = *cap ? *cap : 16;
    while (next < need)
        next *= 2;
    void *p = lc_realloc_array(ctx, *items, next, size);
    if (!p)
        return LC_ERR_NOMEM;
    *items = p;
    *cap = next;
    return LC_OK;
}

/* The kind of file a mode describes; see context_int.h. */
const char *lc_file_type(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a named pipe (FIFO)";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symbolic link";
    default: return "a special file";
    }
}
