/*
 * queries/siting_matrix.c — the straight-line coverage matrix (which share of each gap a candidate's
 * circle covers, found through an STRtree of the gaps) and the exact recount of the chosen sites,
 * where two new circles overlapping in one gap count once.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/siting_int.h"

/* STRtree query callback (siting_int.h). */
void lc_sit_collect(void *item, void *data)
{
    hits *hl = data;
    if (hl->nomem)
        return;
    if (lc_grow(hl->ctx, (void **)&hl->idx, &hl->cap, hl->n + 1, sizeof *hl->idx) != LC_OK) {
        hl->nomem = 1;
        return;
    }
    hl->idx[hl->n++] = (size_t)(uintptr_t)item - 1;
}

/* The reach of a site: a circle of radius r (32 segments per quarter, as coverage). Caller frees. */
GEOSGeometry *lc_sit_reach_circle(GEOSContextHandle_t h, lc_xy p, double r)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
    GEOSGeometry *b = pt ? GEOSBuffer_r(h, pt, r, 32) : NULL;
    if (pt)
        GEOSGeom_destroy_r(h, pt);
    return b;
}

/* The coverage matrix (CSR by candidate) of candidates c over demand d within r: for each
 * candidate the gaps whose bounding box meets the circle's (STRtree), then share 1 when the gap's
 * box lies inside the circle, else area(gap ∩ circle) / area(gap). Arrays are the caller's
 * (free()); LC_OK, LC_ERR_GEOMETRY or LC_ERR_NOMEM. */
lc_status lc_sit_build_matrix(lc_context *ctx, const demand *d, const cands *c, double r, size_t **start,
                              size_t **dem, double **share)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    double (*box)[4] = lc_calloc(ctx, d->n ? d->n : 1, sizeof *box);
    size_t cap = 0, capd = 0, n = 0;
    hits hl = {ctx, NULL, 0, 0, 0};
    lc_status st = LC_ERR_NOMEM;
    *start = lc_calloc(ctx, c->n + 1, sizeof **start);
    *dem = NULL;
    *share = NULL;
    if (!tree || !box || !*start)
        goto fail;
    for (size_t i = 0; i < d->n; i++) {
        GEOSGeom_getExtent_r(h, d->gap[i], &box[i][0], &box[i][1], &box[i][2], &box[i][3]);
        GEOSSTRtree_insert_r(h, tree, d->gap[i], (void *)(uintptr_t)(i + 1));
    }
    for (size_t j = 0; j < c->n; j++) {
        lc_xy p = c->xy[j];
        GEOSGeometry *env = GEOSGeom_createRectangle_r(h, p.x - r, p.y - r, p.x + r, p.y + r);
        GEOSGeometry *circle = NULL;
        const GEOSPreparedGeometry *pc = NULL;
        if (!env) {
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
            goto fail;
        }
        hl.n = 0;
        if (d->n)
            GEOSSTRtree_query_r(h, tree, env, lc_sit_collect, &hl);
        GEOSGeom_destroy_r(h, env);
        if (hl.nomem)
            goto fail;
        st = LC_OK;
        for (size_t q = 0; q < hl.n && st == LC_OK; q++) {
            size_t i = hl.idx[q];
            double fx = fmax(fabs(box[i][0] - p.x), fabs(box[i][2] - p.x));
            double fy = fmax(fabs(box[i][1] - p.y), fabs(box[i][3] - p.y));
            double nx = fmax(0, fmax(box[i][0] - p.x, p.x - box[i][2]));
            double ny = fmax(0, fmax(box[i][1] - p.y, p.y - box[i][3]));
            double a;
            if (nx * nx + ny * ny > r * r)
                continue; /* the gap's box is beyond reach */
            if (fx * fx + fy * fy <= r * r) {
                a = 1; /* the whole box is within reach */
            } else {
                if (!circle && (!(circle = lc_sit_reach_circle(h, p, r)) || !(pc = GEOSPrepare_r(h, circle)))) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
                    break;
                }
                if (GEOSPreparedContains_r(h, pc, d->gap[i]) == 1) {
                    a = 1;
                } else if (GEOSPreparedIntersects_r(h, pc, d->gap[i]) != 1) {
                    continue;
                } else {
                    GEOSGeometry *x = GEOSIntersection_r(h, d->gap[i], circle);
                    double ax = 0;
                    if (!x || !GEOSArea_r(h, x, &ax)) {
                        if (x)
                            GEOSGeom_destroy_r(h, x);
                        st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot intersect a coverage gap with a candidate's reach");
                        break;
                    }
                    GEOSGeom_destroy_r(h, x);
                    a = d->area[i] > 0 ? fmin(1.0, ax / d->area[i]) : 1;
                }
            }
            if (a <= 1e-9)
                continue;
            size_t c1 = cap;
            if (lc_grow(ctx, (void **)dem, &c1, n + 1, sizeof **dem) != LC_OK ||
                lc_grow(ctx, (void **)share, &capd, n + 1, sizeof **share) != LC_OK) {
                st = LC_ERR_NOMEM;
                break;
            }
            cap = c1;
            (*dem)[n] = i;
            (*share)[n] = a;
            n++;
        }
        if (pc)
            GEOSPreparedGeom_destroy_r(h, pc);
        if (circle)
            GEOSGeom_destroy_r(h, circle);
        if (st != LC_OK)
            goto fail;
        (*start)[j + 1] = n;
        if ((j & 255) == 0)
            lc_progress(ctx, "siting: coverage matrix", (double)j / (double)c->n);
    }
    lc_progress(ctx, "siting: coverage matrix", 1.0);
    st = LC_OK;
fail:
    if (st != LC_OK) {
        free(*start), free(*dem), free(*share);
        *start = NULL, *dem = NULL, *share = NULL;
    }
    free(hl.idx);
    free(box);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    return st;
}

/* Recomputes the proposals' newly covered demand exactly: the union of the chosen sites' reach
 * inside each gap, site by site in rank order (the solvers' min(1, Σ shares) overstates where two
 * reaches overlap in one gap). Updates new_pop, cumulative_share and s->after, and adds each demand
 * item's newly covered demand to gained[item] (zeroed by the caller). */
lc_status lc_sit_exact_recount(lc_context *ctx, lc_siting *s, const demand *d, const cands *c, const size_t *start,
                               const size_t *dem, const double *share, double r, double covered, double total,
                               double *gained)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry **got = lc_calloc(ctx, d->n ? d->n : 1, sizeof *got); /* covered part of each gap so far */
    double *frac = lc_calloc(ctx, d->n ? d->n : 1, sizeof *frac);
    lc_status st = LC_ERR_NOMEM;
    if (!got || !frac)
        goto fail;
    st = LC_OK;
    double cum = covered;
    for (size_t k = 0; k < s->count && st == LC_OK; k++) {
        size_t j = (size_t)s->items[k].candidate; /* a matrix column here; mapped back by the caller */
        GEOSGeometry *circle = NULL;
        double g = 0;
        for (size_t e = start[j]; e < start[j + 1] && st == LC_OK; e++) {
            size_t i = dem[e];
            if (frac[i] >= 1)
                continue;
            double next;
            if (share[e] >= 1) {
                next = 1;
            } else {
                if (!circle && !(circle = lc_sit_reach_circle(h, c->xy[j], r))) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot build a candidate's reach");
                    break;
                }
                GEOSGeometry *piece = GEOSIntersection_r(h, d->gap[i], circle);
                GEOSGeometry *u = piece && got[i] ? GEOSUnion_r(h, got[i], piece) : piece;
                double a = 0;
                if (!u || !GEOSArea_r(h, u, &a)) {
                    st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure newly covered parts of a gap");
                    if (piece)
                        GEOSGeom_destroy_r(h, piece);
                    if (u && u != piece)
                        GEOSGeom_destroy_r(h, u);
                    break;
                }
                if (u != piece)
                    GEOSGeom_destroy_r(h, piece);
                if (got[i])
                    GEOSGeom_destroy_r(h, got[i]);
                got[i] = u;
                next = d->area[i] > 0 ? fmin(1.0, a / d->area[i]) : 1;
            }
            if (next > frac[i]) {
                g += d->w[i] * (next - frac[i]);
                gained[i] += d->w[i] * (next - frac[i]);
                frac[i] = next;
            }
        }
        if (circle)
            GEOSGeom_destroy_r(h, circle);
        cum += g;
        s->items[k].new_pop = g;
        s->items[k].cumulative_share = total > 0 ? cum / total : NAN;
    }
    s->after = total > 0 ? cum / total : NAN;
fail:
    for (size_t i = 0; got && i < d->n; i++)
        if (got[i])
            GEOSGeom_destroy_r(h, got[i]);
    free(got);
    free(frac);
    return st;
}
