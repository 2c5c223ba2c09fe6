/*
 * geo/strbuf.c — the growing string of geo/strbuf_int.h (doubling capacity, a failed allocation
 * remembered). Formatting and escaping stay with the builders that need them (geo/conninfo.c,
 * outputs/qml.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/strbuf_int.h"

/* Appends len bytes of s; on a failed allocation sets b->failed and leaves the text as it was. */
void lc_strbuf_add(lc_strbuf *b, const char *s, size_t len)
{
    if (b->failed)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

/* Appends the NUL-terminated s. */
void lc_strbuf_str(lc_strbuf *b, const char *s)
{
    lc_strbuf_add(b, s, strlen(s));
}

/* Appends printf-style text; see strbuf_int.h. */
void lc_strbuf_printf(lc_strbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        lc_strbuf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    lc_strbuf_add(b, big, (size_t)n);
    free(big);
}
