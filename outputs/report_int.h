/*
 * outputs/report_int.h — what the report's files (outputs/report.c, outputs/report_tables.c) share:
 * a growing HTML buffer, numbers in the planner's units, and the table sections. Never included
 * outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_REPORT_INT_H
#define LIFECIRCLE_OUTPUTS_REPORT_INT_H

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecircle/report.h"
#include "lifecircle/results.h"
#include "outputs/citations_int.h"


/* ---- a growing HTML buffer ------------------------------------------------------------------ */

typedef struct html {
    char *s;
    size_t len, cap;
    int nomem;
} html;

static inline void h_reserve(html *h, size_t more)
{
    if (h->nomem || h->len + more + 1 <= h->cap)
        return;
    size_t cap = h->cap ? h->cap : 65536;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *s = realloc(h->s, cap);
    if (!s) {
        h->nomem = 1;
        return;
    }
    h->s = s;
    h->cap = cap;
}

static inline void h_raw(html *h, const char *text, size_t n)
{
    h_reserve(h, n);
    if (h->nomem)
        return;
    memcpy(h->s + h->len, text, n);
    h->len += n;
    h->s[h->len] = '\0';
}

/* Appends markup (trusted text: our own tags and numbers). */
static inline void h_printf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void h_printf(html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->nomem = 1;
        return;
    }
    h_reserve(h, (size_t)n);
    if (h->nomem)
        return;
    va_start(ap, fmt);
    vsnprintf(h->s + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

/* Appends text from data or users (names, messages, paths), escaped for HTML. */
static inline void h_text(html *h, const char *t)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': h_raw(h, "&amp;", 5); break;
        case '<': h_raw(h, "&lt;", 4); break;
        case '>': h_raw(h, "&gt;", 4); break;
        case '"': h_raw(h, "&quot;", 6); break;
        case '\'': h_raw(h, "&#39;", 5); break;
        default: h_raw(h, t, 1);
        }
    }
}

/* ---- numbers in the planner's units ----------------------------------------------------------- */

/* A whole count with thousands separators: 1,234,567 ("–" when not a number). */
static inline void h_count(html *h, double v)
{
    if (!isfinite(v)) {
        h_printf(h, "–");
        return;
    }
    char digits[32], out[48];
    snprintf(digits, sizeof digits, "%.0f", fabs(round(v)));
    size_t n = strlen(digits), k = 0;
    if (round(v) < 0)
        out[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    h_printf(h, "%s", out);
}

/* A share as a percentage with one decimal, "–" when not a number (summary.json's null for 0 / 0,
 * as with no residents at all: the C library would print "nan%"). */
static inline void h_share(html *h, double v)
{
    if (isfinite(v))
        h_printf(h, "%.1f%%", 100 * v);
    else
        h_printf(h, "–");
}

static inline double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static inline const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A norm's value (or target) in its units: m² per 1,000 residents for floor area, else a share. */
static inline void h_norm_value(html *h, const char *kind, double v)
{
    if (!isfinite(v))
        h_printf(h, "–");
    else if (!strcmp(kind, "floor_area"))
        h_printf(h, "%.1f m²/千人", v);
    else
        h_printf(h, "%.1f%%", 100 * v);
}

/* A norm's result cell from its summary.json indicator x: pass or fail; without a value, why — x's
 * note, the text of lc_indicators_why_na that the console and summary.csv's 说明 column show too
 * (不适用 n/a for a rural tier without rural units, else 无法计算 not computed);
 * with a value but no target, 无目标 no target. */
static inline void h_result(html *h, const json_t *x)
{
    const char *pass = jstr(x, "pass"), *note = jstr(x, "note");
    if (!strcmp(pass, "pass"))
        h_printf(h, "<td class=\"pass\">✓ 达标 pass</td>");
    else if (!strcmp(pass, "fail"))
        h_printf(h, "<td class=\"fail\">✗ 未达标 fail</td>");
    else if (*note && !isfinite(jnum(x, "value"))) {
        /* a rural tier with no rural unit does not apply (its note says so: 不适用 — 无农村单元 ...) */
        h_printf(h, "<td class=\"na\">– %s<br><span class=\"why\">",
                 !strcmp(jstr(x, "note_code"), "no rural") ? "不适用 n/a" : "无法计算 not computed");
        h_text(h, note);
        h_printf(h, "</span></td>");
    } else
        h_printf(h, "<td class=\"na\">– 无目标 no target</td>");
}

/* A profile's source spelt out as a 规划说明书 cites it (outputs/citations.c): title, number, section. */
static inline void h_cite(html *h, const char *source)
{
    char *c = lc_cite_expand(NULL, source);
    h_text(h, c ? c : source);
    free(c);
}

/* ---- the tables (outputs/report_tables.c); h, sum and r borrowed ---- */

/* One row per 街镇 (and the whole area) — or, with districts non-zero, per 区 with the profile it is
 * held to — residents and every norm with its pass mark. */
void lc_report_section_units(html *h, const json_t *sum, int districts);

/* Per level below the 街镇 (片区, 居村, 村民小组) that a presence norm asks of: every unit with its
 * presence norms and the units lacking each (summary.json's `levels`). */
void lc_report_section_levels(html *h, const json_t *sum);

/* Residents within reach per category; in network mode side by side with straight lines. */
void lc_report_section_coverage(html *h, const json_t *sum);

/* Per category, the compounds with the most residents out of reach (from the coverage). LC_OK or
 * LC_ERR_NOMEM (in ctx). */
lc_status lc_report_section_gaps(lc_context *ctx, html *h, const lc_results *r);

/* The proposals of a `site` run (o->siting), then coverage before/after per 街镇; nothing for a check. */
void lc_report_section_proposals(html *h, const json_t *sum, const lc_results *r, const lc_report_options *o);

/* A progress run's table from its progress.json pj (NULL: nothing): per 街镇 and norm the value each
 * year, the target, the paces and the year reached (outputs/report_progress.c). */
void lc_report_section_progress(html *h, const json_t *pj);

/* Supply and demand within reach (outputs/report_access.c): per accessibility entry its map and the
 * 街镇 where capacity is short though the ratio passes; nothing without results->access. LC_OK or
 * the map's error (in ctx). */
lc_status lc_report_section_access(lc_context *ctx, html *h, const json_t *sum, const lc_results *r,
                                   const lc_report_options *o);

#endif /* LIFECIRCLE_OUTPUTS_REPORT_INT_H */

