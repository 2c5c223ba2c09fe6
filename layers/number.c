/*
 * layers/number.c — the one parser of numbers written as text (layers/number_int.h): a strict
 * decimal grammar checked by hand, then converted by CPLStrtod (locale-independent). What a value
 * may mean (its range) is each caller's business.
 */
#include <cpl_conv.h>
#include <ctype.h>
#include <math.h>

#include "layers/number_int.h"

/* Skips ASCII digits from p; returns the first non-digit and adds how many were skipped to *n. */
static const char *digits(const char *p, int *n)
{
    while (isdigit((unsigned char)*p)) {
        p++;
        (*n)++;
    }
    return p;
}

bool lc_number_parse(const char *text, double *out)
{
    if (!text)
        return false;
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *start = p;
    if (*p == '+' || *p == '-')
        p++;
    int n = 0;
    p = digits(p, &n);
    if (*p == '.')
        p = digits(p + 1, &n);
    if (n == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        int ne = 0;
        q = digits(q, &ne);
        if (ne == 0)
            return false;
        p = q;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return false;
    char *stop = NULL;
    double v = CPLStrtod(start, &stop);
    if (stop != end || !isfinite(v))
        return false;
    *out = v;
    return true;
}
