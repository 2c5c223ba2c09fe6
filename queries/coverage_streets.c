/*
 * queries/coverage_streets.c — each facility's catchment streets in network mode
 * (lc_coverage_catchment_streets): every edge its category's pass reached, shared out among the
 * facilities exactly where the nearest one changes (lc_network_reach_each_piece), chained into lines
 * in one pass in edge order and grouped by facility. Built only when asked for
 * (lc_coverage_options.catchment_streets): a city's network is millions of lines.
 */
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/coverage_int.h"

/* Appends p to the line being built (pts[*n - 1] is its last point): where the line runs straight on
 * through its last point (exactly collinear, same direction) that point is moved instead, so a straight
 * street reached over many edges is one segment. LC_OK or LC_ERR_NOMEM. */
static lc_status line_push(lc_context *ctx, lc_xy **pts, size_t *n, size_t *cap, size_t line_start, lc_xy p)
{
    if (*n - line_start >= 2) {
        lc_xy a = (*pts)[*n - 2], b = (*pts)[*n - 1];
        double ux = b.x - a.x, uy = b.y - a.y, vx = p.x - b.x, vy = p.y - b.y;
        if (ux * vy - uy * vx == 0 && ux * vx + uy * vy > 0) {
            (*pts)[*n - 1] = p;
            return LC_OK;
        }
    }
    if (lc_grow(ctx, (void **)pts, cap, *n + 1, sizeof **pts) != LC_OK)
        return LC_ERR_NOMEM;
    (*pts)[(*n)++] = p;
    return LC_OK;
}

/* A line of catchment streets while they are built: its facility and its points in the scratch. */
typedef struct street_run {
    size_t facility, start, n;
} street_run;

/* The chaining state of catchment_streets. */
typedef struct street_chain {
    lc_context *ctx;
    size_t nfac;
    street_share *shares;
    street_run *runs;
    size_t nr, rcap;
    lc_xy *pts;
    size_t npts, pcap;
} street_chain;

/* Takes one piece (lc_network_piece_fn): a piece of the same facility as the one before it, starting
 * exactly where that one ended, continues its line; any other starts a new one. */
static int chain_piece(const lc_network_piece *p, lc_xy a, lc_xy b, void *user)
{
    street_chain *c = user;
    if (p->id < 0 || (size_t)p->id >= c->nfac)
        return 0;
    size_t f = (size_t)p->id;
    c->shares[f].length += p->hi - p->lo;
    c->shares[f].in_reach += p->in_reach_m;
    street_run *last = c->nr ? &c->runs[c->nr - 1] : NULL;
    if (!last || last->facility != f || c->pts[c->npts - 1].x != a.x || c->pts[c->npts - 1].y != a.y) {
        if (c->nr == c->rcap && lc_grow(c->ctx, (void **)&c->runs, &c->rcap, c->nr + 1, sizeof *c->runs) != LC_OK)
            return -1;
        c->runs[c->nr++] = (street_run){f, c->npts, 0};
        last = &c->runs[c->nr - 1];
        if (line_push(c->ctx, &c->pts, &c->npts, &c->pcap, last->start, a) != LC_OK)
            return -1;
    }
    if (line_push(c->ctx, &c->pts, &c->npts, &c->pcap, last->start, b) != LC_OK)
        return -1;
    last->n = c->npts - last->start;
    return 0;
}

/* One category's catchment streets from its reach (unbounded), on a worker: the edge pieces nearest
 * each facility (lc_network_reach_each_piece, never all kept) chained in one pass in edge order — a
 * road line's edges are numbered in a row, so a street within one catchment becomes one line — then
 * the lines grouped by facility (a stable counting sort: few lines, every pass reading memory in
 * order). Writes lines and the shares of the category's facilities (ids: their indexes in the layer,
 * n of them, ascending; lengths summed in edge order). LC_OK or LC_ERR_NOMEM. */
lc_status lc_cov_catchment_streets(lc_context *ctx, const lc_network_reach *reach, double r, size_t category,
                                   const long *ids, size_t n, size_t nfac, street_lines *lines, street_share *shares)
{
    street_chain c = {.ctx = ctx, .nfac = nfac, .shares = shares};
    size_t *first = NULL, *order = NULL;
    for (size_t j = 0; j < n; j++)
        shares[ids[j]] = (street_share){.category = category};
    lc_status st = lc_network_reach_each_piece(ctx, reach, r, chain_piece, &c);
    if (st != LC_OK)
        goto done;
    /* Group the lines by facility, keeping their order. */
    st = LC_ERR_NOMEM;
    first = lc_calloc(ctx, nfac + 1, sizeof *first);
    order = lc_malloc(ctx, (c.nr ? c.nr : 1) * sizeof *order);
    lines->pts = lc_malloc(ctx, (c.npts ? c.npts : 1) * sizeof *lines->pts);
    lines->start = lc_malloc(ctx, (c.nr + 1) * sizeof *lines->start);
    if (!first || !order || !lines->pts || !lines->start)
        goto done;
    for (size_t k = 0; k < c.nr; k++)
        first[c.runs[k].facility + 1]++;
    for (size_t f = 0; f < nfac; f++)
        first[f + 1] += first[f];
    for (size_t k = 0; k < c.nr; k++)
        order[first[c.runs[k].facility]++] = k;
    size_t line = 0, at = 0;
    for (size_t j = 0, q = 0; j < n; j++) {
        street_share *sh = &shares[ids[j]];
        sh->first = line;
        for (; q < c.nr && c.runs[order[q]].facility == (size_t)ids[j]; q++, line++) {
            const street_run *ru = &c.runs[order[q]];
            lines->start[line] = at;
            memcpy(lines->pts + at, c.pts + ru->start, ru->n * sizeof *c.pts);
            at += ru->n;
        }
        sh->nlines = line - sh->first;
    }
    lines->start[line] = at;
    lines->nlines = line;
    st = line == c.nr ? LC_OK : lc_error(ctx, LC_ERR_MISUSE, "catchment streets: facility ids out of order");
done:
    if (st == LC_ERR_NOMEM)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory building the catchment streets of category %zu", category);
    free(c.runs);
    free(c.pts);
    free(first);
    free(order);
    return st;
}

