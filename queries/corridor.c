/*
 * queries/corridor.c — corridors around reachable edge parts (queries/corridor_int.h): joining
 * collinear pieces, clipping them to boxes, a cheap proof that a box lies inside a corridor, the
 * buffers and their union with GEOS, and a box's part of a corridor that fills its inside from a raster
 * instead of unioning every buffer there. Shared by coverage (network mode) and isochrones.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "queries/corridor_int.h"

/* Whether c continues the piece a→b on its line and in its direction (a little slack for the
 * rounding of points computed along edges). */
static int continues(const lc_seg *run, const lc_seg *c)
{
    if (fabs(c->ax - run->bx) > 1e-9 || fabs(c->ay - run->by) > 1e-9)
        return 0;
    double ux = run->bx - run->ax, uy = run->by - run->ay, vx = c->bx - run->ax, vy = c->by - run->ay;
    double lu = hypot(ux, uy), lv = hypot(vx, vy);
    if (lu == 0 || lv <= lu)
        return 0;
    return fabs(ux * vy - uy * vx) <= 1e-12 * lu * lv && ux * vx + uy * vy > 0;
}

size_t lc_corridor_join(lc_seg *s, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && continues(&s[m - 1], &s[i])) {
            s[m - 1].bx = s[i].bx;
            s[m - 1].by = s[i].by;
        } else {
            s[m++] = s[i];
        }
    }
    return m;
}

/* Liang–Barsky clipping of a piece to a box. */
int lc_corridor_clip(lc_seg *s, lc_bbox box)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, t0 = 0, t1 = 1;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {s->ax - box.minx, box.maxx - s->ax, s->ay - box.miny, box.maxy - s->ay};
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
        } else {
            double t = q[k] / p[k];
            if (p[k] < 0) {
                if (t > t1)
                    return 0;
                if (t > t0)
                    t0 = t;
            } else {
                if (t < t0)
                    return 0;
                if (t < t1)
                    t1 = t;
            }
        }
    }
    lc_seg c = *s;
    if (t0 > 0) {
        c.ax = s->ax + t0 * dx;
        c.ay = s->ay + t0 * dy;
    }
    if (t1 < 1) {
        c.bx = s->ax + t1 * dx;
        c.by = s->ay + t1 * dy;
    }
    *s = c;
    return 1;
}

static int cmp_seg(const void *a, const void *b)
{
    const double *p = a, *q = b;
    for (int k = 0; k < 4; k++)
        if (p[k] != q[k])
            return (p[k] > q[k]) - (p[k] < q[k]);
    return 0;
}

void lc_corridor_sort(lc_seg *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].bx < s[i].ax || (s[i].bx == s[i].ax && s[i].by < s[i].ay))
            s[i] = (lc_seg){s[i].bx, s[i].by, s[i].ax, s[i].ay};
    qsort(s, n, sizeof *s, cmp_seg);
}

/* Squared distance from (px,py) to a piece. */
static double seg_dist2(const lc_seg *s, double px, double py)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - s->ax) * dx + (py - s->ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = s->ax + t * dx - px, ey = s->ay + t * dy - py;
    return ex * ex + ey * ey;
}

/* A buffered line holds the disc of radius width·cos(π/(4·quadsegs)) around each of its points (its
 * round ends and joins are chords of at most that angle), less the 1% of width by which GEOS may
 * straighten shallow bends before buffering; so a cell whose centre lies within that radius less half
 * the cell's diagonal of some piece is inside the corridor. */
int lc_corridor_covers_box(const lc_seg *s, size_t n, lc_bbox box, double width, int quadsegs)
{
    if (!n || !(width > 0))
        return 0;
    double cell = width / 3, inner = width * (cos(M_PI / (4.0 * quadsegs)) - 0.011);
    double w = box.maxx - box.minx, h = box.maxy - box.miny;
    size_t nx = (size_t)ceil(w / cell), ny = (size_t)ceil(h / cell);
    nx = nx ? nx : 1;
    ny = ny ? ny : 1;
    double cx = w / (double)nx, cy = h / (double)ny, d = inner - 0.5 * hypot(cx, cy);
    if (!(d > 0))
        return 0;
    double d2 = d * d;
    size_t hint = 0;
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double px = box.minx + ((double)i + 0.5) * cx, py = box.miny + ((double)j + 0.5) * cy;
            if (seg_dist2(&s[hint], px, py) <= d2)
                continue;
            size_t k = 0;
            while (k < n && seg_dist2(&s[k], px, py) > d2)
                k++;
            if (k == n)
                return 0;
            hint = k;
        }
    return 1;
}

/* A two-point line string, or NULL when GEOS fails. */
static GEOSGeometry *line(GEOSContextHandle_t h, const lc_seg *s)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
    if (!cs)
        return NULL;
    GEOSCoordSeq_setXY_r(h, cs, 0, s->ax, s->ay);
    GEOSCoordSeq_setXY_r(h, cs, 1, s->bx, s->by);
    return GEOSGeom_createLineString_r(h, cs);
}

/* The pieces joined into long lines where they meet end to end with no third piece (GEOSLineMerge),
 * each line buffered on its own (buffering a whole multi-line at once nodes every offset curve
 * against every other and is many times slower), and the buffers dissolved. */
GEOSGeometry *lc_corridor_union(GEOSContextHandle_t h, const lc_seg *s, size_t n, double width, int quadsegs,
                                int *failed)
{
    if (!n)
        return NULL;
    GEOSGeometry **lines = malloc(n * sizeof *lines);
    if (!lines) {
        *failed = 1;
        return NULL;
    }
    size_t k = 0;
    for (; k < n; k++)
        if (!(lines[k] = line(h, &s[k])))
            break;
    GEOSGeometry *mls = k == n ? GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines, (unsigned)n) : NULL;
    if (!mls)
        for (size_t j = 0; j < k; j++)
            GEOSGeom_destroy_r(h, lines[j]);
    free(lines);
    GEOSGeometry *merged = mls ? GEOSLineMerge_r(h, mls) : NULL;
    int nm = merged ? GEOSGetNumGeometries_r(h, merged) : 0;
    GEOSGeometry **bufs = nm > 0 ? malloc((size_t)nm * sizeof *bufs) : NULL;
    GEOSGeometry *coll = NULL, *u = NULL;
    int b = 0;
    for (; bufs && b < nm; b++)
        if (!(bufs[b] = GEOSBuffer_r(h, GEOSGetGeometryN_r(h, merged, b), width, quadsegs)))
            break;
    if (bufs && b == nm)
        coll = nm == 1 ? bufs[0] : GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bufs, (unsigned)nm);
    if (!coll)
        for (int j = 0; bufs && j < b; j++)
            GEOSGeom_destroy_r(h, bufs[j]);
    free(bufs);
    if (coll && nm == 1)
        u = coll;
    else if (coll) {
        u = GEOSUnaryUnion_r(h, coll);
        GEOSGeom_destroy_r(h, coll);
    }
    if (merged)
        GEOSGeom_destroy_r(h, merged);
    if (mls)
        GEOSGeom_destroy_r(h, mls);
    if (!u)
        *failed = 1;
    return u;
}

/* Cells of the raster the box is divided into: width/3 a side (coarse cells mean few rectangles to
 * dissolve, which costs more than the few more pieces they leave to buffer), at most 400 a side. */
#define MAX_CELLS_SIDE 400

/* Whether the n × m raster `far` (prefix sums psum, (nx+1) × (ny+1)) counts a cell in columns
 * i0..i1, rows j0..j1 (clamped to the raster; none outside it). */
static int any_far(const unsigned *psum, size_t nx, size_t ny, long i0, long i1, long j0, long j1)
{
    if (i1 < 0 || j1 < 0 || i0 >= (long)nx || j0 >= (long)ny)
        return 0;
    size_t a0 = i0 < 0 ? 0 : (size_t)i0, a1 = i1 >= (long)nx ? nx : (size_t)i1 + 1;
    size_t b0 = j0 < 0 ? 0 : (size_t)j0, b1 = j1 >= (long)ny ? ny : (size_t)j1 + 1;
    size_t W = nx + 1;
    return psum[b1 * W + a1] - psum[b0 * W + a1] - psum[b1 * W + a0] + psum[b0 * W + a0] > 0;
}

/* box ∩ corridor without unioning what lies deep inside it. The box is cut into cells; a cell whose
 * centre lies within the inner radius (see lc_corridor_covers_box) less half its diagonal of a piece
 * is inside the corridor ("inner"). The inner cells, as rectangles, stand for every buffer that lies
 * in them: only the parts of pieces within width (plus a cell) of a cell that is not inner can shape
 * the boundary, so only those are buffered, each cut where all cells within width are inner (so the
 * round end made by the cut lies among inner cells). The result equals box ∩ corridor of all pieces. */
GEOSGeometry *lc_corridor_in_box(GEOSContextHandle_t h, const lc_seg *s, size_t n, lc_bbox box, double width,
                                 int quadsegs, int *failed)
{
    if (!n)
        return NULL;
    if (lc_corridor_covers_box(s, n, box, width, quadsegs)) { /* the cheap test first */
        GEOSGeometry *whole = GEOSGeom_createRectangle_r(h, box.minx, box.miny, box.maxx, box.maxy);
        if (!whole)
            *failed = 1;
        return whole;
    }
    double W = box.maxx - box.minx, H = box.maxy - box.miny;
    double cell = fmax(width / 3, fmax(W, H) / MAX_CELLS_SIDE);
    size_t nx = (size_t)ceil(W / cell), ny = (size_t)ceil(H / cell);
    nx = nx ? nx : 1;
    ny = ny ? ny : 1;
    double cx = W / (double)nx, cy = H / (double)ny;
    double d = width * (cos(M_PI / (4.0 * quadsegs)) - 0.011) - 0.5 * hypot(cx, cy);
    unsigned char *inner = calloc(nx * ny, 1);
    unsigned *psum = calloc((nx + 1) * (ny + 1), sizeof *psum);
    lc_seg *kept = NULL;
    GEOSGeometry **parts = NULL, *rect = NULL, *out = NULL;
    size_t nkept = 0, cap = 0, nparts = 0, far = 0;
    if (!inner || !psum || !(d > 0) || !(W > 0) || !(H > 0)) {
        /* No room for cells: the corridor of all pieces, cut to the box. */
        GEOSGeometry *u = lc_corridor_union(h, s, n, width, quadsegs, failed);
        rect = u ? GEOSGeom_createRectangle_r(h, box.minx, box.miny, box.maxx, box.maxy) : NULL;
        out = rect ? GEOSIntersection_r(h, u, rect) : NULL;
        if (u && !out)
            *failed = 1;
        if (u)
            GEOSGeom_destroy_r(h, u);
        goto done;
    }
    double d2 = d * d;
    for (size_t k = 0; k < n; k++) {
        const lc_seg *p = &s[k];
        long i0 = (long)floor((fmin(p->ax, p->bx) - d - box.minx) / cx - 0.5),
             i1 = (long)ceil((fmax(p->ax, p->bx) + d - box.minx) / cx - 0.5),
             j0 = (long)floor((fmin(p->ay, p->by) - d - box.miny) / cy - 0.5),
             j1 = (long)ceil((fmax(p->ay, p->by) + d - box.miny) / cy - 0.5);
        i0 = i0 < 0 ? 0 : i0;
        j0 = j0 < 0 ? 0 : j0;
        i1 = i1 >= (long)nx ? (long)nx - 1 : i1;
        j1 = j1 >= (long)ny ? (long)ny - 1 : j1;
        for (long j = j0; j <= j1; j++)
            for (long i = i0; i <= i1; i++) {
                unsigned char *c = &inner[(size_t)j * nx + (size_t)i];
                if (!*c && seg_dist2(p, box.minx + ((double)i + 0.5) * cx, box.miny + ((double)j + 0.5) * cy) <= d2)
                    *c = 1;
            }
    }
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            unsigned f = !inner[j * nx + i];
            far += f;
            psum[(j + 1) * (nx + 1) + i + 1] = f + psum[j * (nx + 1) + i + 1] + psum[(j + 1) * (nx + 1) + i] -
                                               psum[j * (nx + 1) + i];
        }
    /* The parts of pieces near a cell that is not inner, sampled every half cell. */
    double r = width + cell, step = 0.5 * fmin(cx, cy);
    for (size_t k = 0; far && k < n; k++) {
        const lc_seg *p = &s[k];
        double len = hypot(p->bx - p->ax, p->by - p->ay);
        size_t m = (size_t)ceil(len / step), start = SIZE_MAX;
        m = m ? m : 1;
        for (size_t j = 0; j <= m + 1; j++) {
            int mark = 0;
            if (j <= m) {
                /* The ends exactly, so pieces meeting there mark it alike. */
                double t = (double)j / (double)m;
                double x = j == m ? p->bx : p->ax + t * (p->bx - p->ax), y = j == m ? p->by : p->ay + t * (p->by - p->ay);
                mark = any_far(psum, nx, ny, (long)floor((x - r - box.minx) / cx), (long)floor((x + r - box.minx) / cx),
                               (long)floor((y - r - box.miny) / cy), (long)floor((y + r - box.miny) / cy));
            }
            if (mark && start == SIZE_MAX)
                start = j;
            if (!mark && start != SIZE_MAX) {
                /* Marked samples start .. j-1: cut at the unmarked neighbours (or the piece's ends). */
                double t0 = start ? (double)(start - 1) / (double)m : 0, t1 = j <= m ? (double)j / (double)m : 1;
                if (nkept == cap) {
                    size_t c2 = cap ? 2 * cap : 64;
                    lc_seg *q = realloc(kept, c2 * sizeof *q);
                    if (!q) {
                        *failed = 1;
                        goto done;
                    }
                    kept = q;
                    cap = c2;
                }
                lc_seg *q = &kept[nkept++];
                *q = *p;
                if (t0 > 0) {
                    q->ax = p->ax + t0 * (p->bx - p->ax);
                    q->ay = p->ay + t0 * (p->by - p->ay);
                }
                if (t1 < 1) {
                    q->bx = p->ax + t1 * (p->bx - p->ax);
                    q->by = p->ay + t1 * (p->by - p->ay);
                }
                start = SIZE_MAX;
            }
        }
    }
    rect = GEOSGeom_createRectangle_r(h, box.minx, box.miny, box.maxx, box.maxy);
    if (!rect) {
        *failed = 1;
        goto done;
    }
    if (!far) { /* every cell inner: the whole box */
        out = rect;
        rect = NULL;
        goto done;
    }
    /* Inner cells as rectangles: runs of each row, stacked while the next row has the same runs. */
    size_t pcap = 64;
    if (!(parts = malloc(pcap * sizeof *parts))) {
        *failed = 1;
        goto done;
    }
    for (size_t j = 0; j < ny;) {
        size_t j2 = j + 1;
        while (j2 < ny && !memcmp(&inner[j2 * nx], &inner[j * nx], nx))
            j2++;
        for (size_t i = 0; i < nx;) {
            if (!inner[j * nx + i]) {
                i++;
                continue;
            }
            size_t i2 = i;
            while (i2 < nx && inner[j * nx + i2])
                i2++;
            if (nparts + 1 >= pcap) {
                GEOSGeometry **q = realloc(parts, 2 * pcap * sizeof *q);
                if (!q) {
                    *failed = 1;
                    goto done;
                }
                parts = q;
                pcap *= 2;
            }
            double x0 = i ? box.minx + (double)i * cx : box.minx, x1 = i2 == nx ? box.maxx : box.minx + (double)i2 * cx;
            double y0 = j ? box.miny + (double)j * cy : box.miny, y1 = j2 == ny ? box.maxy : box.miny + (double)j2 * cy;
            if (!(parts[nparts] = GEOSGeom_createRectangle_r(h, x0, y0, x1, y1))) {
                *failed = 1;
                goto done;
            }
            nparts++;
            i = i2;
        }
        j = j2;
    }
    GEOSGeometry *u = nkept ? lc_corridor_union(h, kept, nkept, width, quadsegs, failed) : NULL;
    if (*failed)
        goto done;
    if (u) {
        GEOSGeometry *cut = GEOSIntersection_r(h, u, rect);
        GEOSGeom_destroy_r(h, u);
        if (!cut) {
            *failed = 1;
            goto done;
        }
        parts[nparts++] = cut;
    }
    if (!nparts)
        goto done;
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)nparts);
    nparts = 0; /* the collection owns them now, or they are lost with it on failure */
    out = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    if (!out)
        *failed = 1;
done:
    for (size_t k = 0; parts && k < nparts; k++)
        GEOSGeom_destroy_r(h, parts[k]);
    free(parts);
    if (rect)
        GEOSGeom_destroy_r(h, rect);
    free(kept);
    if (out && GEOSisEmpty_r(h, out) == 1) {
        GEOSGeom_destroy_r(h, out);
        out = NULL;
    }
    free(inner);
    free(psum);
    return out;
}
