/*
 * queries/siting_greedy.c — the greedy solver of the siting model (queries/siting_int.h): lazy
 * evaluation (CELF, Leskovec et al. 2007) on a max-heap of stale gains, with forced sites, the
 * units objective's one-site-per-group rule and, for mclp, the submodularity bound that says how
 * far from the optimum the answer can be. Fast enough for any city; the exact solver
 * (siting_exact.c) starts from its answer.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

/* A max-heap of (gain, candidate) for lazy greedy. */
typedef struct entry {
    double gain;
    size_t cand;
} entry;

static int entry_less(entry a, entry b)
{
    return a.gain < b.gain || (a.gain == b.gain && a.cand > b.cand); /* ties: lower index first */
}

static void heap_push(entry *h, size_t *n, entry e)
{
    size_t i = (*n)++;
    h[i] = e;
    while (i && entry_less(h[(i - 1) / 2], h[i])) {
        entry t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static entry heap_pop(entry *h, size_t *n)
{
    entry top = h[0];
    h[0] = h[--(*n)];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && entry_less(h[m], h[l]))
            m = l;
        if (r < *n && entry_less(h[m], h[r]))
            m = r;
        if (m == i)
            break;
        entry t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

/* qsort order of doubles, largest first (siting_int.h). */
int lc_sit_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Σ of the k largest gains of every candidate given coverage c (scratch: ncandidates doubles). */
static double top_k_gains(const lc_siting_matrix *m, const double *c, size_t k, double *scratch)
{
    for (size_t j = 0; j < m->ncandidates; j++)
        scratch[j] = lc_sit_gain(m, c, j);
    qsort(scratch, m->ncandidates, sizeof *scratch, lc_sit_desc);
    double s = 0;
    for (size_t j = 0; j < k && j < m->ncandidates; j++)
        s += scratch[j];
    return s;
}

/* Greedy with lazy evaluation (siting_int.h). Forced-in sites open first; for the units objective
 * filled[g] marks group g once it has its site. */
lc_status lc_sit_greedy(lc_context *ctx, const lc_siting_matrix *m, const lc_siting_options *o, double total,
                        selection *sel, double *value, double *bound)
{
    double *c = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *c);
    entry *heap = lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof *heap);
    long maxg = -1;
    for (size_t j = 0; m->group && j < m->ncandidates; j++)
        maxg = m->group[j] > maxg ? m->group[j] : maxg;
    unsigned char *filled = lc_calloc(ctx, (size_t)(maxg + 1) + 1, 1);
    lc_status st = LC_ERR_NOMEM;
    if (!c || !heap || !filled)
        goto fail;
    size_t hn = 0;
    double got = 0, need = lc_sit_lscp_need(m, total, o);
    sel->count = 0;
    /* Forced-in candidates open first, in index order; forced-out ones never enter the queue. */
    for (size_t j = 0; j < m->ncandidates; j++)
        if (FORCE(m, j) == LC_FORCE_IN) {
            got += lc_sit_open(m, c, j);
            sel->chosen[sel->count++] = j;
            if (o->objective == LC_SITING_UNITS && m->group && m->group[j] >= 0)
                filled[m->group[j]] = 1;
        }
    for (size_t j = 0; j < m->ncandidates; j++) {
        if (o->objective == LC_SITING_UNITS && (!m->group || m->group[j] < 0))
            continue;
        if (FORCE(m, j))
            continue;
        heap_push(heap, &hn, (entry){lc_sit_gain(m, c, j), j});
    }
    while (hn) {
        if (o->objective == LC_SITING_MCLP && sel->count >= o->k)
            break;
        if (o->objective == LC_SITING_LSCP && got >= need)
            break;
        if (o->objective != LC_SITING_UNITS && heap[0].gain <= 0)
            break; /* stored gains are upper bounds: nothing more can be covered */
        entry e = heap_pop(heap, &hn);
        if (o->objective == LC_SITING_UNITS && filled[m->group[e.cand]])
            continue;
        double now = lc_sit_gain(m, c, e.cand);
        if (now <= 0 && o->objective != LC_SITING_UNITS)
            continue; /* adds nothing any more; drop it */
        if (hn && now < heap[0].gain) {
            heap_push(heap, &hn, (entry){now, e.cand});
            continue;
        }
        got += lc_sit_open(m, c, e.cand);
        sel->chosen[sel->count++] = e.cand;
        if (o->objective == LC_SITING_UNITS)
            filled[m->group[e.cand]] = 1;
    }
    *value = o->objective == LC_SITING_LSCP ? (double)sel->count : got;
    *bound = NAN;
    if (o->objective == LC_SITING_MCLP) {
        double *scratch = lc_calloc(ctx, m->ncandidates ? m->ncandidates : 1, sizeof *scratch);
        double *zero = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, sizeof *zero);
        if (!scratch || !zero) {
            free(scratch), free(zero);
            goto fail;
        }
        *bound = fmin(top_k_gains(m, zero, o->k, scratch), got + top_k_gains(m, c, o->k, scratch));
        free(scratch), free(zero);
    }
    st = LC_OK;
fail:
    free(filled);
    free(heap);
    free(c);
    return st;
}
