/*
 * network/roads_cuts.c — what the two repairs of road lines share besides their rule: the STR-tree
 * query over segments, and rebuilding the lines with the vertices a repair inserts — the crossings
 * that roads.node_crossings splits at (network/roads_noding.c) and the T-junctions and connectors of
 * roads.snap_dangles_m (network/roads_dangles.c). One place, so both repairs find and insert alike.
 */
#include <math.h>
#include <stdlib.h>

#include "geo/context_int.h"
#include "network/roads_int.h"

void lc_road_seg_collect(void *item, void *userdata)
{
    lc_road_seg_query *q = userdata;
    size_t j = (size_t)((const lc_road_seg *)item - q->segs);
    if (j < q->from || q->failed)
        return;
    if (lc_grow(q->ctx, (void **)&q->found, &q->cap, q->n + 1, sizeof *q->found) != LC_OK) {
        q->failed = 1;
        return;
    }
    q->found[q->n++] = j;
}

/* Cuts by line, segment and parameter along it. */
static int cmp_cut(const void *x, const void *y)
{
    const lc_road_cut *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return (a->t > b->t) - (a->t < b->t);
}

static double dist(lc_xy a, lc_xy b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

lc_roads *lc_roads_rebuild(lc_context *ctx, const lc_road *lines, size_t nlines, lc_road_cut *cuts, size_t ncut,
                           const lc_xy *join_at, double tol)
{
    if (ncut)
        qsort(cuts, ncut, sizeof *cuts, cmp_cut);
    lc_roads *out = lc_roads_create(ctx);
    lc_xy *buf = NULL;
    size_t c = 0, cap = 0;
    for (size_t i = 0; out && i < nlines; i++) {
        const lc_road *L = &lines[i];
        size_t first = c;
        while (c < ncut && cuts[c].line == i)
            c++;
        if (lc_grow(ctx, (void **)&buf, &cap, L->n + (c - first) + 2, sizeof *buf) != LC_OK)
            goto fail;
        size_t m = 0, at = first;
        if (join_at && !isnan(join_at[2 * i].x) && dist(join_at[2 * i], L->pts[0]) > tol)
            buf[m++] = join_at[2 * i];
        for (size_t k = 0; k < L->n; k++) {
            buf[m++] = L->pts[k];
            for (; at < c && cuts[at].k == k; at++)
                if (dist(cuts[at].p, buf[m - 1]) > 1e-9)
                    buf[m++] = cuts[at].p;
        }
        if (join_at && !isnan(join_at[2 * i + 1].x) && dist(join_at[2 * i + 1], L->pts[L->n - 1]) > tol)
            buf[m++] = join_at[2 * i + 1];
        if (lc_roads_add(ctx, out, buf, m, L->highway, L->level, L->bridge, L->tunnel, L->fid) != LC_OK)
            goto fail;
    }
    free(buf);
    return out;
fail:
    free(buf);
    lc_roads_destroy(out);
    return NULL;
}
