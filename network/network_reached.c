/*
 * network/network_reached.c — the reached parts of edges near any box, cut when they are needed
 * (network/network_int.h). A city's category reaches a million edge parts; coverage and its outlines
 * only ever look at the few near one compound or one square of the map at a time, so a reach is kept
 * as the budget left at each node and the parts of the edges near a box are cut again from it: the
 * same parts lc_network_reach_segments lists for the whole network (one function cuts both).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "network/network_int.h"

/* Edges under tree node (level, i) whose box comes within d of box. 0, or -1 out of memory. */
static int edges_under(const lc_network *net, int level, size_t i, lc_bbox box, double d, uint32_t **edges, size_t *n,
                       size_t *cap)
{
    const tnode *nd = &net->tree[level][i];
    if (nd->minx > box.maxx + d || nd->maxx < box.minx - d || nd->miny > box.maxy + d || nd->maxy < box.miny - d)
        return 0;
    if (level == 0) {
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 256;
            uint32_t *p = realloc(*edges, c * sizeof *p);
            if (!p)
                return -1;
            *edges = p, *cap = c;
        }
        (*edges)[(*n)++] = nd->first;
        return 0;
    }
    for (uint32_t k = nd->first; k < nd->first + nd->count; k++)
        if (edges_under(net, level - 1, k, box, d, edges, n, cap))
            return -1;
    return 0;
}

int lc_network_edges_near(const lc_network *net, lc_bbox box, double d, uint32_t **edges, size_t *n, size_t *cap)
{
    if (!net->nedges)
        return 0;
    return edges_under(net, net->tree_levels - 1, 0, box, d, edges, n, cap);
}

void lc_network_edge_geometry(const lc_network *net, uint32_t e, lc_xy *a, lc_xy *b, double *len)
{
    *a = (lc_xy){net->x[net->ea[e]], net->y[net->ea[e]]};
    *b = (lc_xy){net->x[net->eb[e]], net->y[net->eb[e]]};
    *len = net->elen[e];
}

size_t lc_edge_reached_parts(double len, double left_a, double left_b, const double *src_along,
                             const double *src_left, size_t nsrc, double *lo, double *hi)
{
    size_t m = 0;
    if (!nsrc) { /* the common case, reached from its ends only: what the sort and merge below give */
        if (left_a > 0 && left_b > 0 && lc_max(0, len - left_b) <= lc_min(len, left_a)) {
            lo[0] = 0, hi[0] = len;
            return 1;
        }
        if (left_a > 0)
            lo[m] = 0, hi[m++] = lc_min(len, left_a);
        if (left_b > 0)
            lo[m] = lc_max(0, len - left_b), hi[m++] = len;
        return m;
    }
    if (left_a > 0) {
        lo[m] = 0;
        hi[m++] = lc_min(len, left_a);
    }
    if (left_b > 0) {
        lo[m] = lc_max(0, len - left_b);
        hi[m++] = len;
    }
    for (size_t s = 0; s < nsrc && m < LC_EDGE_PARTS_MAX; s++)
        if (src_left[s] > 0) {
            lo[m] = lc_max(0, src_along[s] - src_left[s]);
            hi[m++] = lc_min(len, src_along[s] + src_left[s]);
        }
    /* Sort the (few) intervals by start, then merge those that overlap. */
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0 && lo[j - 1] > lo[j]; j--) {
            double t = lo[j];
            lo[j] = lo[j - 1];
            lo[j - 1] = t;
            t = hi[j];
            hi[j] = hi[j - 1];
            hi[j - 1] = t;
        }
    size_t out = 0;
    for (size_t i = 0; i < m;) {
        double a = lo[i], b = hi[i++];
        while (i < m && lo[i] <= b)
            b = lc_max(b, hi[i++]);
        if (b <= a && len > 0)
            continue;
        lo[out] = a;
        hi[out++] = b;
    }
    return out;
}

void lc_reached_free(lc_reached *r)
{
    if (!r)
        return;
    free(r->left);
    free(r->src);
    free(r->src_edge);
    r->left = NULL;
    r->src = NULL;
    r->src_edge = NULL;
    r->nsrc = 0;
}

lc_status lc_reached_make(lc_context *ctx, const lc_network *net, const lc_network_reach *reach, double budget_m,
                          lc_reached *out)
{
    *out = (lc_reached){.budget = budget_m};
    out->left = lc_malloc(ctx, (net->nnodes ? net->nnodes : 1) * sizeof *out->left);
    out->src = lc_malloc(ctx, (reach->nsrc ? reach->nsrc : 1) * sizeof *out->src);
    out->src_edge = lc_calloc(ctx, net->nedges / 64 + 1, sizeof *out->src_edge);
    if (!out->left || !out->src || !out->src_edge) {
        lc_reached_free(out);
        return LC_ERR_NOMEM;
    }
    for (size_t v = 0; v < net->nnodes; v++)
        out->left[v] = budget_m - reach->node[v].dist;
    for (size_t k = 0; k < reach->nsrc; k++) { /* reach->src is sorted by edge */
        uint32_t e = (uint32_t)reach->src[k].edge;
        out->src[k] = (lc_reached_src){e, reach->src[k].along, budget_m - reach->src[k].access};
        if (e < net->nedges)
            out->src_edge[e / 64] |= (uint64_t)1 << (e % 64);
    }
    out->nsrc = reach->nsrc;
    return LC_OK;
}

/* The first source of r on edge e (index into r->src), r->nsrc when none. */
static size_t first_src(const lc_reached *r, uint32_t e)
{
    size_t lo = 0, hi = r->nsrc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->src[mid].edge < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int lc_reached_pieces(const lc_network *net, const lc_reached *r, const uint32_t *edges, size_t nedges, lc_seg **out,
                      size_t *n, size_t *cap)
{
    double along[LC_EDGE_PARTS_MAX], left[LC_EDGE_PARTS_MAX], lo[LC_EDGE_PARTS_MAX], hi[LC_EDGE_PARTS_MAX];
    for (size_t k = 0; k < nedges; k++) {
        uint32_t e = edges[k], a = net->ea[e], b = net->eb[e];
        double len = net->elen[e], la = r->left[a], lb = r->left[b];
        size_t ns = 0;
        if (r->nsrc && (!r->src_edge || r->src_edge[e / 64] >> (e % 64) & 1))
            for (size_t s = first_src(r, e); s < r->nsrc && r->src[s].edge == e && ns < LC_EDGE_PARTS_MAX - 2; s++) {
                along[ns] = r->src[s].along;
                left[ns++] = r->src[s].left;
            }
        if (!(la > 0) && !(lb > 0) && !ns)
            continue; /* most edges far from every source */
        size_t m = lc_edge_reached_parts(len, la, lb, along, left, ns, lo, hi);
        if (!m)
            continue;
        if (*n + m > *cap) {
            size_t c = *cap ? *cap : 256;
            while (c < *n + m)
                c *= 2;
            lc_seg *p = realloc(*out, c * sizeof *p);
            if (!p)
                return -1;
            *out = p, *cap = c;
        }
        double ax = net->x[a], ay = net->y[a], bx = net->x[b], by = net->y[b];
        for (size_t i = 0; i < m; i++) {
            double t0 = len > 0 ? lo[i] / len : 0, t1 = len > 0 ? hi[i] / len : 1;
            (*out)[(*n)++] = (lc_seg){ax + t0 * (bx - ax), ay + t0 * (by - ay), ax + t1 * (bx - ax), ay + t1 * (by - ay)};
        }
    }
    return 0;
}

lc_bbox lc_reached_extent(const lc_network *net, const lc_reached *r)
{
    lc_bbox box = lc_bbox_empty();
    for (size_t e = 0; e < net->nedges; e++) {
        uint32_t a = net->ea[e], b = net->eb[e];
        if (r->left[a] > 0 || r->left[b] > 0) {
            box = lc_bbox_extend(box, (lc_xy){net->x[a], net->y[a]});
            box = lc_bbox_extend(box, (lc_xy){net->x[b], net->y[b]});
        }
    }
    for (size_t k = 0; k < r->nsrc; k++)
        if (r->src[k].left > 0) {
            uint32_t e = r->src[k].edge;
            box = lc_bbox_extend(box, (lc_xy){net->x[net->ea[e]], net->y[net->ea[e]]});
            box = lc_bbox_extend(box, (lc_xy){net->x[net->eb[e]], net->y[net->eb[e]]});
        }
    return box;
}
