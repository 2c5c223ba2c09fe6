/*
 * network/network_index.c — the packed STR-tree of the network's edge envelopes (sort-tile-recursive,
 * keys radix-sorted), built with the network (network/network.c) and searched for the nearest edge
 * when a point is snapped.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "network/network_int.h"

/* ---- the edge index (a packed STR-tree) ---------------------------------------------------------- */

/* A sort key and what it orders. */
typedef struct keyed {
    uint64_t key;
    uint32_t val;
} keyed;

/* A double's bits as an unsigned key in the double's order. */
static uint64_t order_key(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u >> 63 ? ~u : u | 1ULL << 63;
}

/* Sorts a[0 .. n) by key, stably (least-significant-digit radix sort, 11 bits a pass; tmp holds n):
 * a million boxes in a few hundredths of a second, where qsort took a third of a second. */
static void radix_sort(keyed *a, keyed *tmp, size_t n)
{
    static const int bits = 11;
    size_t count[1 << 11];
    for (int shift = 0; shift < 64; shift += bits) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(a[i].key >> shift) & ((1u << bits) - 1)]++;
        if (count[(a[0].key >> shift) & ((1u << bits) - 1)] == n)
            continue; /* every key has this digit: nothing moves */
        for (size_t b = 0, sum = 0; b < (1u << bits); b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].key >> shift) & ((1u << bits) - 1)]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}

/* Puts the n boxes in sort-tile-recursive order: by centre x, then each run of per_slice of them by
 * centre y. LC_OK or LC_ERR_NOMEM. */
static lc_status tile_order(tnode *b, size_t n, size_t per_slice)
{
    keyed *k = malloc(n * sizeof *k), *tmp = malloc(n * sizeof *tmp);
    tnode *copy = malloc(n * sizeof *copy);
    if (!k || !tmp || !copy) {
        free(k), free(tmp), free(copy);
        return LC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){order_key(b[i].minx + b[i].maxx), (uint32_t)i};
    radix_sort(k, tmp, n);
    /* Then by slice (its place in x order) and centre y within it: the slice above y's top 44 bits. */
    for (size_t i = 0; i < n; i++) {
        const tnode *t = &b[k[i].val];
        k[i].key = (uint64_t)(i / per_slice) << 44 | order_key(t->miny + t->maxy) >> 20;
    }
    radix_sort(k, tmp, n);
    memcpy(copy, b, n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        b[i] = copy[k[i].val];
    free(k), free(tmp), free(copy);
    return LC_OK;
}

/* Builds the tree bottom-up by sort-tile-recursive packing. LC_OK or LC_ERR_NOMEM (no message: it
 * runs beside the thread that owns the context, network/network.c). */
lc_status lc_network_index_build(lc_network *net)
{
    size_t n = net->nedges;
    if (!n)
        return LC_OK;
    tnode *leaf = malloc(n * sizeof *leaf);
    if (!leaf)
        return LC_ERR_NOMEM;
    for (size_t e = 0; e < n; e++) {
        double ax = net->x[net->ea[e]], ay = net->y[net->ea[e]], bx = net->x[net->eb[e]], by = net->y[net->eb[e]];
        leaf[e] = (tnode){lc_min(ax, bx), lc_min(ay, by), lc_max(ax, bx), lc_max(ay, by), (uint32_t)e, 0};
    }
    net->tree[0] = leaf;
    net->tree_n[0] = n;
    net->tree_levels = 1;
    while (net->tree_n[net->tree_levels - 1] > 1 && net->tree_levels < TREE_MAX_LEVELS) {
        tnode *below = net->tree[net->tree_levels - 1];
        size_t nb = net->tree_n[net->tree_levels - 1];
        size_t parents = (nb + TREE_FANOUT - 1) / TREE_FANOUT;
        size_t slices = (size_t)ceil(sqrt((double)parents));
        size_t per_slice = slices * TREE_FANOUT;
        if (tile_order(below, nb, per_slice) != LC_OK)
            return LC_ERR_NOMEM;
        tnode *up = malloc(parents * sizeof *up);
        if (!up)
            return LC_ERR_NOMEM;
        for (size_t p = 0; p < parents; p++) {
            size_t first = p * TREE_FANOUT, count = nb - first < TREE_FANOUT ? nb - first : TREE_FANOUT;
            tnode box = {INFINITY, INFINITY, -INFINITY, -INFINITY, (uint32_t)first, (uint32_t)count};
            for (size_t k = first; k < first + count; k++) {
                box.minx = lc_min(box.minx, below[k].minx);
                box.miny = lc_min(box.miny, below[k].miny);
                box.maxx = lc_max(box.maxx, below[k].maxx);
                box.maxy = lc_max(box.maxy, below[k].maxy);
            }
            up[p] = box;
        }
        net->tree[net->tree_levels] = up;
        net->tree_n[net->tree_levels] = parents;
        net->tree_levels++;
    }
    return LC_OK;
}

/* Squared distance from p to a box. */
static double box_dist2(const tnode *b, lc_xy p)
{
    double dx = p.x < b->minx ? b->minx - p.x : p.x > b->maxx ? p.x - b->maxx : 0;
    double dy = p.y < b->miny ? b->miny - p.y : p.y > b->maxy ? p.y - b->maxy : 0;
    return dx * dx + dy * dy;
}

/* Squared distance from p to edge e, and the parameter t (0 at ea, 1 at eb) of the nearest point. */
static double edge_dist2(const lc_network *net, size_t e, lc_xy p, double *t)
{
    double ax = net->x[net->ea[e]], ay = net->y[net->ea[e]], bx = net->x[net->eb[e]], by = net->y[net->eb[e]];
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double u = l2 > 0 ? ((p.x - ax) * dx + (p.y - ay) * dy) / l2 : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    double qx = ax + u * dx - p.x, qy = ay + u * dy - p.y;
    *t = u;
    return qx * qx + qy * qy;
}

/* The nearest edge under tree node (level, i), improving *best / *best_e / *best_t. */
void lc_network_index_nearest(const lc_network *net, int level, size_t i, lc_xy p, double *best, long *best_e, double *best_t)
{
    const tnode *nd = &net->tree[level][i];
    if (level == 0) {
        double t, d = edge_dist2(net, nd->first, p, &t);
        if (d < *best || (d == *best && *best_e >= 0 && (long)nd->first < *best_e)) {
            *best = d;
            *best_e = nd->first;
            *best_t = t;
        }
        return;
    }
    /* Children nearest first, so the bound tightens early. */
    uint32_t order[TREE_FANOUT];
    double dist[TREE_FANOUT];
    uint32_t n = 0;
    for (uint32_t k = nd->first; k < nd->first + nd->count; k++) {
        double d = box_dist2(&net->tree[level - 1][k], p);
        if (d > *best)
            continue;
        uint32_t j = n++;
        while (j > 0 && dist[j - 1] > d) {
            dist[j] = dist[j - 1];
            order[j] = order[j - 1];
            j--;
        }
        dist[j] = d;
        order[j] = k;
    }
    for (uint32_t j = 0; j < n; j++)
        if (dist[j] <= *best)
            lc_network_index_nearest(net, level - 1, order[j], p, best, best_e, best_t);
}
