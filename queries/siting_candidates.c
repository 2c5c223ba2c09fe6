/*
 * queries/siting_candidates.c — candidate sites: appended as given, or generated in the coverage
 * gaps — grid points spacing apart (straight line) or the network's nodes (network mode), no two
 * closer than the spacing (the library's grid hash, geo/cellgrid_int.h), plus one point for every
 * gap the grid missed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/cellgrid_int.h"
#include "geo/context_int.h"
#include "queries/siting_int.h"

lc_status lc_sit_cand_add(lc_context *ctx, cands *c, double x, double y, long given)
{
    size_t cap = c->cap;
    if (lc_grow(ctx, (void **)&c->xy, &cap, c->n + 1, sizeof *c->xy) != LC_OK)
        return LC_ERR_NOMEM;
    cap = c->cap;
    if (lc_grow(ctx, (void **)&c->given, &cap, c->n + 1, sizeof *c->given) != LC_OK)
        return LC_ERR_NOMEM;
    c->cap = cap;
    c->xy[c->n] = (lc_xy){x, y};
    c->given[c->n++] = given;
    return LC_OK;
}

/* Minimum spacing: accepts (x, y) as a generated candidate when no candidate taken into the grid
 * lies closer than spacing (cells of side spacing: only the 3 × 3 cells around can hold one).
 * Point k of the grid is candidate first + k (candidates generated after the first `first`).
 * *accepted 1 when taken. LC_OK or LC_ERR_NOMEM. */
static lc_status spaced_add(lc_context *ctx, lc_cellgrid *cs, size_t first, cands *c, double x, double y,
                            double spacing, int *accepted)
{
    int64_t cx, cy;
    lc_cellgrid_key(cs, (lc_xy){x, y}, &cx, &cy);
    *accepted = 0;
    for (int64_t j = cy - 1; j <= cy + 1; j++)
        for (int64_t i = cx - 1; i <= cx + 1; i++)
            for (uint32_t p = lc_cellgrid_first(cs, i, j); p != LC_CELL_NONE; p = cs->next[p]) {
                double dx = c->xy[first + p].x - x, dy = c->xy[first + p].y - y;
                if (dx * dx + dy * dy < spacing * spacing * (1 - 1e-9))
                    return LC_OK;
            }
    if (lc_sit_cand_add(ctx, c, x, y, -1) != LC_OK || lc_cellgrid_add(ctx, cs, (lc_xy){x, y}) != LC_OK)
        return LC_ERR_NOMEM;
    *accepted = 1;
    return LC_OK;
}

/* Generated candidates: grid points spacing apart inside the gaps (the grid anchored on multiples
 * of the spacing, so results do not depend on the data's extent), then a point on the surface of
 * every gap the grid missed when no candidate is closer than the spacing. */
lc_status lc_sit_generate(lc_context *ctx, const demand *d, double spacing, cands *c)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_cellgrid cs = {0};
    size_t first = c->n;
    unsigned char *hit = lc_calloc(ctx, d->n ? d->n : 1, 1);
    lc_status st = LC_ERR_NOMEM;
    if (!hit || lc_cellgrid_init(ctx, &cs, spacing, 1024) != LC_OK)
        goto fail;
    st = LC_OK;
    for (size_t i = 0; i < d->n && st == LC_OK; i++) {
        double minx, miny, maxx, maxy;
        if (!GEOSGeom_getExtent_r(h, d->gap[i], &minx, &miny, &maxx, &maxy)) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure a coverage gap");
            break;
        }
        const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, d->gap[i]);
        if (!pg) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare a coverage gap");
            break;
        }
        for (double y = ceil(miny / spacing) * spacing; y <= maxy && st == LC_OK; y += spacing)
            for (double x = ceil(minx / spacing) * spacing; x <= maxx && st == LC_OK; x += spacing) {
                GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
                int inside = p ? GEOSPreparedContains_r(h, pg, p) == 1 : 0;
                if (p)
                    GEOSGeom_destroy_r(h, p);
                int taken = 0;
                if (inside) {
                    hit[i] = 1;
                    st = spaced_add(ctx, &cs, first, c, x, y, spacing, &taken);
                }
            }
        GEOSPreparedGeom_destroy_r(h, pg);
    }
    for (size_t i = 0; i < d->n && st == LC_OK; i++) {
        if (hit[i])
            continue;
        GEOSGeometry *p = GEOSPointOnSurface_r(h, d->gap[i]);
        double x = 0, y = 0;
        int taken;
        if (!p || !GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y))
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a candidate in a coverage gap");
        else
            st = spaced_add(ctx, &cs, first, c, x, y, spacing, &taken);
        if (p)
            GEOSGeom_destroy_r(h, p);
    }
fail:
    lc_cellgrid_free(&cs);
    free(hit);
    return st;
}

/* Generated candidates of network mode: the network's nodes inside the gaps, no two closer than
 * spacing (node order), then, for a gap holding no node, the attachment point of its first demand
 * point when no candidate is closer than the spacing. LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
lc_status lc_sit_generate_nodes(lc_context *ctx, const demand *d, const points *p, const size_t *first,
                                const lc_network *net, double max_snap_m, double spacing, cands *c)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    const GEOSPreparedGeometry **prep = lc_calloc(ctx, d->n ? d->n : 1, sizeof *prep);
    unsigned char *hit = lc_calloc(ctx, d->n ? d->n : 1, 1);
    lc_cellgrid cs = {0};
    size_t first_cand = c->n;
    hits hl = {ctx, NULL, 0, 0, 0};
    lc_status st = LC_ERR_NOMEM;
    if (!tree || !prep || !hit || lc_cellgrid_init(ctx, &cs, spacing, 1024) != LC_OK)
        goto fail;
    for (size_t k = 0; k < d->n; k++)
        GEOSSTRtree_insert_r(h, tree, d->gap[k], (void *)(uintptr_t)(k + 1));
    st = LC_OK;
    for (size_t v = 0; v < lc_network_node_count(net) && st == LC_OK; v++) {
        lc_xy xy = lc_network_node(net, v);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, xy.x, xy.y);
        if (!pt) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot test a network node against the gaps");
            break;
        }
        hl.n = 0;
        if (d->n)
            GEOSSTRtree_query_r(h, tree, pt, lc_sit_collect, &hl);
        long in = -1;
        for (size_t q = 0; q < hl.n && in < 0; q++) {
            size_t k = hl.idx[q];
            if (!prep[k] && !(prep[k] = GEOSPrepare_r(h, d->gap[k]))) {
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot prepare a coverage gap");
                break;
            }
            if (GEOSPreparedIntersects_r(h, prep[k], pt) == 1)
                in = (long)k;
        }
        GEOSGeom_destroy_r(h, pt);
        if (hl.nomem)
            st = LC_ERR_NOMEM;
        if (st != LC_OK || in < 0)
            continue;
        int taken;
        hit[in] = 1;
        st = spaced_add(ctx, &cs, first_cand, c, xy.x, xy.y, spacing, &taken);
    }
    for (size_t k = 0; k < d->n && st == LC_OK; k++) {
        if (hit[k] || first[k] == first[k + 1])
            continue;
        lc_snap sn;
        int taken;
        if ((st = lc_network_snap(ctx, net, p->xy[first[k]], max_snap_m, &sn)) == LC_OK)
            st = spaced_add(ctx, &cs, first_cand, c, sn.at.x, sn.at.y, spacing, &taken);
    }
fail:
    free(hl.idx);
    lc_cellgrid_free(&cs);
    for (size_t k = 0; prep && k < d->n; k++)
        if (prep[k])
            GEOSPreparedGeom_destroy_r(h, prep[k]);
    free(prep);
    free(hit);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    return st;
}
