/*
 * outputs/csv.c — the one way the toolkit writes CSV cells (summary.csv, <layer>.csv tables,
 * <layer>_fields.csv dictionaries): UTF-8 with a byte-order mark, RFC 4180 quoting, CRLF rows, and
 * text that a spreadsheet would run as a formula (= + - @ tab CR first, OWASP's rule) prefixed with
 * '. Numbers are written as numbers. Which rows and columns a file has is decided by its writer
 * (outputs/vector.c, outputs/results.c).
 */
#include <cpl_string.h> /* CPLsnprintf */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "outputs/output_int.h"

/* Appends len bytes. LC_OK or LC_ERR_NOMEM. */
static lc_status add(lc_context *ctx, lc_csv *c, const char *s, size_t len)
{
    if (lc_grow(ctx, (void **)&c->text, &c->cap, c->len + len + 1, 1) != LC_OK)
        return LC_ERR_NOMEM;
    memcpy(c->text + c->len, s, len);
    c->len += len;
    c->text[c->len] = '\0';
    return LC_OK;
}

lc_status lc_csv_begin(lc_context *ctx, lc_csv *c)
{
    memset(c, 0, sizeof *c);
    return add(ctx, c, "\xEF\xBB\xBF", 3);
}

/* Appends the separator unless first, then s quoted when it holds a comma, quote, CR or LF (quotes
 * doubled), after prefix (NULL: none). */
static lc_status cell(lc_context *ctx, lc_csv *c, const char *prefix, const char *s, int first)
{
    if (!first && add(ctx, c, ",", 1) != LC_OK)
        return LC_ERR_NOMEM;
    size_t plen = prefix ? strlen(prefix) : 0;
    if (!strpbrk(s, ",\"\r\n"))
        return plen && add(ctx, c, prefix, plen) != LC_OK ? LC_ERR_NOMEM : add(ctx, c, s, strlen(s));
    if (add(ctx, c, "\"", 1) != LC_OK || (plen && add(ctx, c, prefix, plen) != LC_OK))
        return LC_ERR_NOMEM;
    for (const char *p = s; *p; p++)
        if (add(ctx, c, p, 1) != LC_OK || (*p == '"' && add(ctx, c, "\"", 1) != LC_OK))
            return LC_ERR_NOMEM;
    return add(ctx, c, "\"", 1);
}

lc_status lc_csv_text(lc_context *ctx, lc_csv *c, const char *s, int first)
{
    s = s ? s : "";
    return cell(ctx, c, s[0] && strchr("=+-@\t\r", s[0]) ? "'" : NULL, s, first);
}

lc_status lc_csv_real(lc_context *ctx, lc_csv *c, double d, int first)
{
    char num[64] = "";
    if (isfinite(d))
        CPLsnprintf(num, sizeof num, "%.15g", d); /* '.' whatever the locale */
    return cell(ctx, c, NULL, num, first);
}

lc_status lc_csv_integer(lc_context *ctx, lc_csv *c, long long i, int first)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", i);
    return cell(ctx, c, NULL, num, first);
}

lc_status lc_csv_end_row(lc_context *ctx, lc_csv *c)
{
    return add(ctx, c, "\r\n", 2);
}

void lc_csv_free(lc_csv *c)
{
    free(c->text);
    memset(c, 0, sizeof *c);
}
