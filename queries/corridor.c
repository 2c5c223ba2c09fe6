/*
 * queries/corridor.c — what the corridor routines share (queries/corridor_int.h): a thread's
 * scratch memory, a polygon's rings read out of GEOS once, the piece list a source fills, and the
 * cheap proof that a box lies wholly inside a region. The area lives in corridor_area.c, the
 * outlines in corridor_trace.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queries/corridor_scratch.h"

lc_corridor_scratch *lc_corridor_scratch_create(void)
{
    return calloc(1, sizeof(lc_corridor_scratch));
}

void lc_corridor_scratch_destroy(lc_corridor_scratch *scr)
{
    if (!scr)
        return;
    free(scr->ring_pts);
    free(scr->ring_start);
    free(scr->pieces);
    free(scr->prep);
    free(scr->idx);
    free(scr->poly);
    free(scr->plen);
    free(scr->val);
    free(scr->state);
    free(scr->near);
    free(scr->bstart);
    free(scr->bitem);
    free(scr->stamp);
    free(scr->sqflag);
    free(scr->sqc);
    free(scr->xrow);
    free(scr->sqlist);
    free(scr->d2);
    free(scr);
}

int lc_scratch_grow_slow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int lc_scratch_grow_segs(lc_trace_segs *segs, size_t n)
{
    return lc_scratch_grow((void **)&segs->v, &segs->cap, n, sizeof *segs->v);
}

int lc_scratch_prepare(lc_corridor_scratch *scr, size_t at, const lc_seg *s, size_t n)
{
    if (lc_scratch_grow((void **)&scr->prep, &scr->prep_cap, at + n ? at + n : 1, sizeof *scr->prep))
        return -1;
    for (size_t k = 0; k < n; k++)
        scr->prep[at + k] = lc_pseg_of(&s[k]);
    return 0;
}

/* Appends the points of ring r to the scratch's ring buffer, oriented counter-clockwise when ccw is
 * set, clockwise otherwise (a polygon's shell and its holes, so that signed areas add up). */
static int add_ring(lc_corridor_scratch *scr, GEOSContextHandle_t h, const GEOSGeometry *r, int ccw, lc_bbox *box)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, r);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
        return -1;
    size_t at = scr->nring_pts;
    if (lc_scratch_grow((void **)&scr->ring_pts, &scr->ring_pts_cap, at + n, sizeof *scr->ring_pts) ||
        lc_scratch_grow((void **)&scr->ring_start, &scr->ring_start_cap, scr->nrings + 2, sizeof *scr->ring_start))
        return -1;
    double sum = 0;
    for (unsigned k = 0; k < n; k++) {
        lc_xy *p = &scr->ring_pts[at + k];
        GEOSCoordSeq_getXY_r(h, cs, k, &p->x, &p->y);
        *box = lc_bbox_extend(*box, *p);
        if (k)
            sum += scr->ring_pts[at + k - 1].x * p->y - p->x * scr->ring_pts[at + k - 1].y;
    }
    if ((sum > 0) != (ccw != 0)) /* reverse in place */
        for (size_t a = at, b = at + n - 1; a < b; a++, b--) {
            lc_xy t = scr->ring_pts[a];
            scr->ring_pts[a] = scr->ring_pts[b];
            scr->ring_pts[b] = t;
        }
    scr->nring_pts = at + n;
    scr->ring_start[scr->nrings++] = at;
    scr->ring_start[scr->nrings] = scr->nring_pts;
    return 0;
}

int lc_corridor_rings(lc_corridor_scratch *scr, GEOSContextHandle_t h, const GEOSGeometry *g, lc_rings *out,
                      lc_bbox *box)
{
    scr->nring_pts = scr->nrings = 0;
    *box = lc_bbox_empty();
    int type = GEOSGeomTypeId_r(h, g);
    int parts = type == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, g) : type == GEOS_POLYGON ? 1 : -1;
    if (parts < 0)
        return -1;
    if (lc_scratch_grow((void **)&scr->ring_start, &scr->ring_start_cap, 1, sizeof *scr->ring_start))
        return -1;
    scr->ring_start[0] = 0;
    for (int k = 0; k < parts; k++) {
        const GEOSGeometry *p = type == GEOS_MULTIPOLYGON ? GEOSGetGeometryN_r(h, g, k) : g;
        if (GEOSisEmpty_r(h, p) == 1)
            continue;
        if (add_ring(scr, h, GEOSGetExteriorRing_r(h, p), 1, box))
            return -1;
        int holes = GEOSGetNumInteriorRings_r(h, p);
        for (int j = 0; j < holes; j++)
            if (add_ring(scr, h, GEOSGetInteriorRingN_r(h, p, j), 0, box))
                return -1;
    }
    *out = (lc_rings){scr->ring_pts, scr->ring_start, scr->nrings};
    return 0;
}

void lc_corridor_pieces_reset(lc_corridor_scratch *scr)
{
    scr->npieces = 0;
}

int lc_corridor_pieces_add(lc_corridor_scratch *scr, const lc_seg *s, size_t n)
{
    if (!n)
        return 0;
    if (lc_scratch_grow((void **)&scr->pieces, &scr->pieces_cap, scr->npieces + n, sizeof *scr->pieces))
        return -1;
    memcpy(scr->pieces + scr->npieces, s, n * sizeof *s);
    scr->npieces += n;
    return 0;
}

/* Whether square (cx, cy, half side a) lies within width of some piece of idx[0 .. n): settled
 * whole when one piece is within width − half-diagonal of its centre, out when none comes within
 * width + half-diagonal, else by its four quarters down to squares of width / 16. */
static int covers_square(const lc_pseg *set, const uint32_t *idx, size_t n, double cx, double cy, double a,
                         double width, uint32_t *keep)
{
    double h = a * M_SQRT2, in = width - h, out = width + h;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        double d2 = lc_pseg_dist2(&set[idx[k]], cx, cy);
        if (in > 0 && d2 <= in * in)
            return 1;
        if (d2 <= out * out)
            keep[m++] = idx[k];
    }
    if (!m || a < width / 16)
        return 0;
    for (int q = 0; q < 4; q++)
        if (!covers_square(set, keep, m, cx + (q & 1 ? a : -a) / 2, cy + (q & 2 ? a : -a) / 2, a / 2, width, keep + m))
            return 0;
    return 1;
}

int lc_corridor_covers(lc_corridor_scratch *scr, const lc_piece_set *set, lc_bbox box, double width)
{
    if (!set->n || !(width > 0))
        return 0;
    double a = lc_max(box.maxx - box.minx, box.maxy - box.miny) / 2;
    /* Every level keeps at most n indices: depth × n is enough for the whole descent. */
    int depth = 2;
    for (double s = a; s >= width / 16; s /= 2)
        depth++;
    if (lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, (size_t)depth * set->n + set->n, sizeof *scr->idx) ||
        lc_scratch_prepare(scr, 0, set->s, set->n))
        return 0;
    for (size_t k = 0; k < set->n; k++)
        scr->idx[k] = (uint32_t)k;
    return covers_square(scr->prep, scr->idx, set->n, (box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2, a, width,
                         scr->idx + set->n);
}
