/*
 * queries/siting_demand.c — network mode's demand: each gap's uncovered residents spread over
 * points of a square grid inside it (the walk is measured from points, not areas), and the recount
 * of the chosen sites on those points.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

/* Appends a demand point of weight w in residential polygon `polygon`. LC_OK or LC_ERR_NOMEM. */
static lc_status point_add(lc_context *ctx, points *p, lc_xy xy, double w, size_t polygon)
{
    size_t cap = p->cap;
    if (lc_grow(ctx, (void **)&p->xy, &cap, p->n + 1, sizeof *p->xy) != LC_OK)
        return LC_ERR_NOMEM;
    cap = p->cap;
    if (lc_grow(ctx, (void **)&p->w, &cap, p->n + 1, sizeof *p->w) != LC_OK)
        return LC_ERR_NOMEM;
    cap = p->cap;
    if (lc_grow(ctx, (void **)&p->polygon, &cap, p->n + 1, sizeof *p->polygon) != LC_OK)
        return LC_ERR_NOMEM;
    p->cap = cap;
    p->xy[p->n] = xy;
    p->w[p->n] = w;
    p->polygon[p->n++] = polygon;
    return LC_OK;
}

/* Lays the demand points of every gap of d into p (first[k] .. first[k+1] − 1 are gap k's; first
 * has d->n + 1 slots). LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
lc_status lc_sit_demand_points(lc_context *ctx, const demand *d, double spacing, points *p, size_t *first)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_status st = LC_OK;
    for (size_t k = 0; k < d->n && st == LC_OK; k++) {
        double minx, miny, maxx, maxy;
        first[k] = p->n;
        const GEOSPreparedGeometry *pg = NULL;
        if (!GEOSGeom_getExtent_r(h, d->gap[k], &minx, &miny, &maxx, &maxy) || !(pg = GEOSPrepare_r(h, d->gap[k])))
            return lc_error(ctx, LC_ERR_GEOMETRY, "cannot lay demand points in a coverage gap");
        for (double y = ceil(miny / spacing) * spacing; y <= maxy && st == LC_OK; y += spacing)
            for (double x = ceil(minx / spacing) * spacing; x <= maxx && st == LC_OK; x += spacing) {
                GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
                int inside = pt ? GEOSPreparedContains_r(h, pg, pt) == 1 : 0;
                if (pt)
                    GEOSGeom_destroy_r(h, pt);
                if (inside)
                    st = point_add(ctx, p, (lc_xy){x, y}, 0, d->polygon[k]);
            }
        GEOSPreparedGeom_destroy_r(h, pg);
        if (st == LC_OK && p->n == first[k]) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(h, d->gap[k]);
            lc_xy xy;
            if (!pt || !GEOSGeomGetX_r(h, pt, &xy.x) || !GEOSGeomGetY_r(h, pt, &xy.y))
                st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place a demand point in a coverage gap");
            else
                st = point_add(ctx, p, xy, 0, d->polygon[k]);
            if (pt)
                GEOSGeom_destroy_r(h, pt);
        }
        for (size_t q = first[k]; q < p->n; q++)
            p->w[q] = d->w[k] / (double)(p->n - first[k]);
    }
    first[d->n] = p->n;
    return st;
}

/* Replays the proposals (matrix columns, rank order) on point demand: adds each demand point's
 * newly covered demand to gained[point] (zeroed by the caller). LC_OK or LC_ERR_NOMEM. */
lc_status lc_sit_point_recount(lc_context *ctx, const lc_siting *s, const lc_siting_matrix *m, double *gained)
{
    unsigned char *done = lc_calloc(ctx, m->ndemand ? m->ndemand : 1, 1);
    if (!done)
        return LC_ERR_NOMEM;
    for (size_t k = 0; k < s->count; k++) {
        size_t j = (size_t)s->items[k].candidate;
        for (size_t e = m->start[j]; e < m->start[j + 1]; e++)
            if (!done[m->demand[e]]) {
                done[m->demand[e]] = 1;
                gained[m->demand[e]] += m->weight[m->demand[e]];
            }
    }
    free(done);
    return LC_OK;
}
