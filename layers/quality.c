/*
 * layers/quality.c — the data-quality report: an append-only list of issues found while reading
 * inputs. Deciding what is a warning and what is an error is the readers' job (layers/layer.c);
 * printing the report is the CLI's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/quality_int.h"
#include "lifecircle/quality.h"

struct lc_quality {
    lc_issue *items;
    size_t count;
    size_t cap;
};

lc_quality *lc_quality_create(lc_context *ctx)
{
    if (!ctx)
        return NULL;
    return lc_calloc(ctx, 1, sizeof(lc_quality));
}

/* Frees the strings an issue owns (they were copied by lc_quality_append). */
static void issue_free(lc_issue *it)
{
    free((char *)it->check);
    free((char *)it->file);
    free((char *)it->layer);
    free((char *)it->feature);
    free((char *)it->field);
    free((char *)it->message);
}

void lc_quality_destroy(lc_quality *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->count; i++)
        issue_free(&q->items[i]);
    free(q->items);
    free(q);
}

size_t lc_quality_count(const lc_quality *q)
{
    return q ? q->count : 0;
}

const lc_issue *lc_quality_get(const lc_quality *q, size_t i)
{
    return q && i < q->count ? &q->items[i] : NULL;
}

size_t lc_quality_count_severity(const lc_quality *q, lc_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; q && i < q->count; i++)
        n += q->items[i].severity == severity;
    return n;
}

size_t lc_quality_count_check(const lc_quality *q, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; q && check && i < q->count; i++)
        n += strcmp(q->items[i].check, check) == 0;
    return n;
}

/* Copies s unless it is NULL; sets *failed when a copy of a non-NULL string fails. */
static char *copy_or_null(lc_context *ctx, const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *c = lc_strdup(ctx, s);
    if (!c)
        *failed = 1;
    return c;
}

/* Appends an issue; see quality.h. */
lc_status lc_quality_append(lc_context *ctx, lc_quality *q, lc_severity severity, lc_status status,
                            const char *check, const char *file, const char *layer, const char *feature,
                            const char *field, const char *message)
{
    if (!ctx || !q || !check || !message)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_quality_append: NULL argument") : LC_ERR_MISUSE;
    if (lc_grow(ctx, (void **)&q->items, &q->cap, q->count + 1, sizeof *q->items) != LC_OK)
        return LC_ERR_NOMEM;
    int failed = 0;
    lc_issue it = {.severity = severity, .status = status};
    it.check = copy_or_null(ctx, check, &failed);
    it.file = copy_or_null(ctx, file, &failed);
    it.layer = copy_or_null(ctx, layer, &failed);
    it.feature = copy_or_null(ctx, feature, &failed);
    it.field = copy_or_null(ctx, field, &failed);
    it.message = copy_or_null(ctx, message, &failed);
    if (failed) {
        issue_free(&it);
        return LC_ERR_NOMEM;
    }
    q->items[q->count++] = it;
    lc_log(ctx, LC_LOG_DEBUG, "%s", message);
    return LC_OK;
}

/* The library's printf-style variant; see quality_int.h. */
lc_status lc_quality_add(lc_context *ctx, lc_quality *q, lc_severity severity, lc_status status,
                         const char *check, const char *file, const char *layer, const char *feature,
                         const char *field, const char *fmt, ...)
{
    if (!fmt)
        return ctx ? lc_error(ctx, LC_ERR_MISUSE, "lc_quality_add: NULL argument") : LC_ERR_MISUSE;
    char message[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return lc_quality_append(ctx, q, severity, status, check, file, layer, feature, field, message);
}
