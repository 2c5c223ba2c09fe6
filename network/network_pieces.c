/*
 * network/network_pieces.c — catchments along the network: each edge cut into pieces by the nearest
 * source (lc_network_reach_each_piece, lc_network_reach_pieces), exact between breakpoints, with the
 * part of each within the budget. The distances come from network/network.c's Dijkstra.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "network/network_int.h"

/* ---- catchments along the network ---------------------------------------------------------------- */

/* One way of reaching the points of an edge: from its first node (slope +1: base + x), from its
 * second (slope −1: base − x, base = d + L) or from a source on the edge (a V: base + |x − at|). */
typedef struct reach_way {
    int slope; /* +1, −1, 0 for a V */
    double base, at;
    long id;
} reach_way;

static double way_at(const reach_way *w, double x)
{
    return w->slope > 0 ? w->base + x : w->slope < 0 ? w->base - x : w->base + fabs(x - w->at);
}

/* Sorts a few doubles ascending (insertion sort: an edge has a handful of breakpoints). */
static void sort_small(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Hands one piece to fn with its end points: a node itself at either end of the edge (so pieces that
 * meet at a node meet exactly), else interpolated. LC_OK, or LC_ERR_NOMEM when fn refuses it. */
static lc_status piece_out(const lc_network *net, const lc_network_piece *p, lc_network_piece_fn fn, void *user)
{
    uint32_t a = net->ea[p->edge], b = net->eb[p->edge];
    double len = net->elen[p->edge], ax = net->x[a], ay = net->y[a], bx = net->x[b], by = net->y[b];
    if (p->lo <= 0 && p->hi >= len) /* the whole edge: most pieces */
        return fn(p, (lc_xy){ax, ay}, (lc_xy){bx, by}, user) == 0 ? LC_OK : LC_ERR_NOMEM;
    lc_xy pa = p->lo <= 0 ? (lc_xy){ax, ay} : (lc_xy){ax + p->lo / len * (bx - ax), ay + p->lo / len * (by - ay)};
    lc_xy pb = p->hi >= len ? (lc_xy){bx, by} : (lc_xy){ax + p->hi / len * (bx - ax), ay + p->hi / len * (by - ay)};
    return fn(p, pa, pb, user) == 0 ? LC_OK : LC_ERR_NOMEM;
}

/* Edge pieces by nearest source, handed to fn one by one; see network.h. Every way's distance is
 * linear with slope ±1 between breakpoints — the edge's ends, the sources on it and every crossing of
 * a rising line (p + x) with a falling one (q − x), at (q − p) / 2 — so between two breakpoints one
 * way is nearest throughout (found at the midpoint), and the part of it within the budget is exact:
 * budget − the smaller end value, clamped to the interval. Adjacent intervals of one source are one
 * piece, handed over when the next source's starts or the edge ends. */
lc_status lc_network_reach_each_piece(lc_context *ctx, const lc_network_reach *r, double budget_m,
                                      lc_network_piece_fn fn, void *user)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!r || !fn || isnan(budget_m) || r->bound != INFINITY)
        return lc_error(ctx, LC_ERR_MISUSE, "cutting edges by nearest source (lc_network_reach_pieces): an unbounded "
                                            "reach, a budget and a consumer are required");
    const lc_network *net = r->net;
    reach_way ways_small[8], *ways = ways_small;
    double bp_small[2 + 8 + 64], *bp = bp_small;
    size_t wcap = 8, bcap = sizeof bp_small / sizeof *bp_small, k = 0;
    lc_status st = LC_OK;
    for (size_t e = 0; e < net->nedges && st == LC_OK; e++) {
        uint32_t a = net->ea[e], b = net->eb[e];
        double len = net->elen[e];
        while (k < r->nsrc && r->src[k].edge < (long)e)
            k++;
        size_t ks = k, m = 0;
        while (ks < r->nsrc && r->src[ks].edge == (long)e)
            ks++;
        size_t mw = 2 + (ks - k), mb = 2 + mw + mw * mw; /* most ways, most breakpoints */
        if (mw > wcap || mb > bcap) { /* many sources on one edge */
            void *nw = ways == ways_small ? malloc(mw * sizeof *ways) : realloc(ways, mw * sizeof *ways);
            void *nbp = nw ? (bp == bp_small ? malloc(mb * sizeof *bp) : realloc(bp, mb * sizeof *bp)) : NULL;
            if (nw)
                ways = nw, wcap = mw;
            if (nbp)
                bp = nbp, bcap = mb;
            if (!nw || !nbp) {
                st = lc_error(ctx, LC_ERR_NOMEM, "out of memory cutting edges by nearest source");
                break;
            }
        }
        if (r->node[a].near >= 0 && isfinite(r->node[a].dist))
            ways[m++] = (reach_way){+1, r->node[a].dist, 0, r->node[a].near};
        if (r->node[b].near >= 0 && isfinite(r->node[b].dist))
            ways[m++] = (reach_way){-1, r->node[b].dist + len, 0, r->node[b].near};
        for (size_t s = k; s < ks; s++)
            ways[m++] = (reach_way){0, r->src[s].access, r->src[s].along, r->src[s].id};
        if (!m)
            continue; /* no source reaches this edge */
        if ((m == 1 && ways[0].slope != 0) || (m == 2 && ways[0].id == ways[1].id && ways[1].slope < 0)) {
            /* One source over the whole edge (most edges): one piece; the part within the budget is
             * the measure of min(way) ≤ budget, from each end up to where the ways cross (as the
             * intervals below would sum it). */
            double in;
            if (m == 1) {
                in = fmin(fmax(budget_m - fmin(way_at(&ways[0], 0), way_at(&ways[0], len)), 0), len);
            } else {
                double x = (ways[1].base - ways[0].base) / 2;
                x = x < 0 ? 0 : x > len ? len : x;
                in = fmin(fmax(budget_m - ways[0].base, 0), x) + fmin(fmax(budget_m - (ways[1].base - len), 0), len - x);
            }
            lc_network_piece one = {e, 0, len, ways[0].id, in};
            st = piece_out(net, &one, fn, user);
            continue;
        }
        /* Breakpoints: 0, L, each V's tip, every rising × falling crossing inside the edge. */
        size_t nb = 0;
        bp[nb++] = 0;
        bp[nb++] = len;
        for (size_t i = 0; i < m; i++) {
            if (ways[i].slope == 0 && ways[i].at > 0 && ways[i].at < len)
                bp[nb++] = ways[i].at;
            if (ways[i].slope < 0)
                continue;
            double p = ways[i].slope > 0 ? ways[i].base : ways[i].base - ways[i].at; /* rising: p + x */
            for (size_t j = 0; j < m; j++) {
                if (j == i || ways[j].slope > 0)
                    continue;
                double q = ways[j].slope < 0 ? ways[j].base : ways[j].base + ways[j].at; /* falling: q − x */
                double x = (q - p) / 2;
                if (x > 0 && x < len)
                    bp[nb++] = x;
            }
        }
        sort_small(bp, nb);
        lc_network_piece cur = {.edge = e, .id = -1};
        for (size_t i = 0; i + 1 < nb; i++) {
            double t0 = bp[i], t1 = bp[i + 1];
            if (!(t1 > t0))
                continue;
            double mid = t0 + (t1 - t0) / 2, best = INFINITY;
            size_t w = 0;
            for (size_t j = 0; j < m; j++) {
                double d = way_at(&ways[j], mid);
                if (d < best || (d == best && ways[j].id < ways[w].id))
                    best = d, w = j;
            }
            double lo_val = fmin(way_at(&ways[w], t0), way_at(&ways[w], t1));
            double in = fmin(fmax(budget_m - lo_val, 0), t1 - t0);
            if (cur.id == ways[w].id && cur.hi == t0) {
                cur.hi = t1;
                cur.in_reach_m += in;
                continue;
            }
            if (cur.id >= 0 && (st = piece_out(net, &cur, fn, user)) != LC_OK)
                break;
            cur = (lc_network_piece){e, t0, t1, ways[w].id, in};
        }
        if (st == LC_OK && cur.id >= 0)
            st = piece_out(net, &cur, fn, user);
    }
    if (ways != ways_small)
        free(ways);
    if (bp != bp_small)
        free(bp);
    return st;
}

/* lc_network_reach_pieces's consumer: appends to a growing array. */
typedef struct piece_list {
    lc_context *ctx;
    lc_network_piece *v;
    size_t n, cap;
} piece_list;

static int collect_piece(const lc_network_piece *p, lc_xy a, lc_xy b, void *user)
{
    (void)a, (void)b;
    piece_list *l = user;
    if (l->n == l->cap && lc_grow(l->ctx, (void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != LC_OK)
        return -1;
    l->v[l->n++] = *p;
    return 0;
}

/* Every piece in one array; see network.h. */
lc_status lc_network_reach_pieces(lc_context *ctx, const lc_network_reach *r, double budget_m,
                                  lc_network_piece **pieces, size_t *npieces)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!pieces || !npieces)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_network_reach_pieces: outputs are required");
    *pieces = NULL;
    *npieces = 0;
    piece_list l = {.ctx = ctx};
    lc_status st = lc_network_reach_each_piece(ctx, r, budget_m, collect_piece, &l);
    if (st != LC_OK) {
        free(l.v);
        return st;
    }
    *pieces = l.v;
    *npieces = l.n;
    return LC_OK;
}
