/*
 * queries/corridor.c — corridors around reachable edge parts (queries/corridor_int.h): joining
 * collinear pieces, clipping them to boxes, a cheap proof that a box lies inside a corridor, the
 * buffers and their union with GEOS, and a box's part of a corridor that fills its inside from a raster
 * instead of unioning every buffer there (one polygon traced from the raster, the buffers near its
 * edge trimmed of what it holds and unioned in few overlays). Shared by coverage (network mode) and
 * isochrones.
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

/* Where a buffer may be trimmed (lc_corridor_in_box): the raster's cells, prefix sums of the cells that
 * are not inner, and the box it covers. */
typedef struct trim_grid {
    const unsigned *psum;
    size_t nx, ny;
    lc_bbox box;
    double cx, cy;
} trim_grid;

static GEOSGeometry *trimmed(GEOSContextHandle_t h, GEOSGeometry *b, const trim_grid *t, int *failed);

/* Overlays cost GEOS much the same whatever their size, and GEOSUnaryUnion makes one per input polygon:
 * polygons whose boxes do not meet are first put together into one multipolygon (a valid one: they
 * neither overlap nor touch): each goes to the first group holding no box that meets its own (at most
 * MAX_GROUPS; past that, or when not a polygon, it stays on its own), and the few groups are unioned
 * pairwise, halving their number each round.
 * Takes the n polygons; returns their union, or NULL on failure (*failed set). */
#define MAX_GROUPS 64
static GEOSGeometry *union_grouped(GEOSContextHandle_t h, GEOSGeometry **g, size_t n, int *failed)
{
    double *bb = malloc(4 * n * sizeof *bb);
    size_t *grp = malloc(n * sizeof *grp);
    GEOSGeometry **items = malloc((MAX_GROUPS + n) * sizeof *items), **members = malloc(n * sizeof *members);
    size_t ng = 0, ni = 0;
    GEOSGeometry *u = NULL;
    if (!bb || !grp || !items || !members) {
        for (size_t k = 0; k < n; k++)
            GEOSGeom_destroy_r(h, g[k]);
        *failed = 1;
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        double *e = &bb[4 * k];
        GEOSGeom_getExtent_r(h, g[k], &e[0], &e[1], &e[2], &e[3]);
        uint64_t taken = 0; /* groups holding a box that meets this one */
        for (size_t j = 0; j < k; j++)
            if (grp[j] < MAX_GROUPS &&
                !(bb[4 * j] > e[2] || bb[4 * j + 2] < e[0] || bb[4 * j + 1] > e[3] || bb[4 * j + 3] < e[1]))
                taken |= (uint64_t)1 << grp[j];
        size_t c = 0;
        while (c < MAX_GROUPS && (taken >> c & 1))
            c++;
        grp[k] = GEOSGeomTypeId_r(h, g[k]) != GEOS_POLYGON ? MAX_GROUPS : c; /* MAX_GROUPS: alone */
        if (grp[k] < MAX_GROUPS && c + 1 > ng)
            ng = c + 1;
    }
    for (size_t c = 0; c < ng; c++) { /* each group as one multipolygon (or its one polygon) */
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (grp[k] == c)
                members[m++] = g[k];
        GEOSGeometry *mp = m == 1 ? members[0] : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, members, (unsigned)m);
        if (mp) /* else the members are lost with the collection GEOS could not make */
            items[ni++] = mp;
        else
            *failed = 1;
    }
    for (size_t k = 0; k < n; k++)
        if (grp[k] == MAX_GROUPS)
            items[ni++] = g[k];
    while (!*failed && ni > 1) { /* pairwise rounds */
        size_t m = 0;
        for (size_t k = 0; k < ni; k += 2) {
            if (k + 1 == ni) {
                items[m++] = items[k];
                continue;
            }
            GEOSGeometry *x = *failed ? NULL : GEOSUnion_r(h, items[k], items[k + 1]);
            GEOSGeom_destroy_r(h, items[k]);
            GEOSGeom_destroy_r(h, items[k + 1]);
            if (!x)
                *failed = 1;
            else
                items[m++] = x;
        }
        ni = m;
    }
    if (!*failed && ni == 1)
        u = items[0];
    else
        for (size_t k = 0; k < ni; k++)
            GEOSGeom_destroy_r(h, items[k]);
done:
    free(bb);
    free(grp);
    free(items);
    free(members);
    return u;
}

static int cmp_xy(const void *a, const void *b)
{
    const double *p = a, *q = b;
    return p[0] != q[0] ? (p[0] > q[0]) - (p[0] < q[0]) : (p[1] > q[1]) - (p[1] < q[1]);
}

/* Whether GEOSLineMerge could join any of the n pieces: some point is the end of exactly two of them
 * (or a piece has no length). Where none is, the merge returns the pieces as they are and is skipped.
 * 1 also when out of memory (the merge then decides). */
static int mergeable(const lc_seg *s, size_t n)
{
    double *e = malloc(4 * n * sizeof *e);
    if (!e)
        return 1;
    int any = 0;
    for (size_t k = 0; k < n; k++) {
        e[4 * k] = s[k].ax, e[4 * k + 1] = s[k].ay, e[4 * k + 2] = s[k].bx, e[4 * k + 3] = s[k].by;
        any |= s[k].ax == s[k].bx && s[k].ay == s[k].by;
    }
    qsort(e, 2 * n, 2 * sizeof *e, cmp_xy);
    for (size_t k = 0; !any && k < 2 * n;) {
        size_t j = k + 1;
        while (j < 2 * n && e[2 * j] == e[2 * k] && e[2 * j + 1] == e[2 * k + 1])
            j++;
        any = j - k == 2;
        k = j;
    }
    free(e);
    return any;
}

/* The pieces joined into long lines where they meet end to end with no third piece (GEOSLineMerge),
 * each line buffered on its own (buffering a whole multi-line at once nodes every offset curve
 * against every other and is many times slower), and the buffers dissolved. With a grid t, the buffer
 * of each straight line (a convex polygon) is first trimmed of what lies among its inner cells or
 * outside its box (trimmed()): the union then differs only there, where the caller adds the inner
 * cells and cuts to the box, and it has a quarter of the vertices to node. */
static GEOSGeometry *corridor_union(GEOSContextHandle_t h, const lc_seg *s, size_t n, double width, int quadsegs,
                                    const trim_grid *t, int *failed)
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
    GEOSGeometry *merged = !mls ? NULL : !t || mergeable(s, n) ? GEOSLineMerge_r(h, mls) : mls;
    int nm = merged ? GEOSGetNumGeometries_r(h, merged) : 0;
    GEOSGeometry **bufs = nm > 0 ? malloc((size_t)nm * sizeof *bufs) : NULL;
    GEOSGeometry *coll = NULL, *u = NULL;
    int nb = 0; /* buffers kept: a trimmed one that lies wholly among inner cells is left out */
    for (int b = 0; bufs && b < nm; b++) {
        const GEOSGeometry *ln = GEOSGetGeometryN_r(h, merged, b);
        GEOSGeometry *g = GEOSBuffer_r(h, ln, width, quadsegs);
        if (!g) {
            *failed = 1;
            break;
        }
        if (t && GEOSGeomGetNumPoints_r(h, ln) == 2 && !(g = trimmed(h, g, t, failed)) && *failed)
            break;
        if (g)
            bufs[nb++] = g;
    }
    if (t && bufs && !*failed && nb > 1) { /* grouped: the buffers near a box are small and many */
        u = union_grouped(h, bufs, (size_t)nb, failed);
        nb = 0;
    }
    if (bufs && !*failed && nb > 0)
        coll = nb == 1 ? bufs[0] : GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bufs, (unsigned)nb);
    if (!coll)
        for (int j = 0; bufs && j < nb; j++)
            GEOSGeom_destroy_r(h, bufs[j]);
    int none = bufs && !*failed && nb == 0 && !u; /* nothing left after trimming */
    free(bufs);
    if (coll && nb == 1)
        u = coll;
    else if (coll) {
        u = GEOSUnaryUnion_r(h, coll);
        GEOSGeom_destroy_r(h, coll);
    }
    if (merged && merged != mls)
        GEOSGeom_destroy_r(h, merged);
    if (mls)
        GEOSGeom_destroy_r(h, mls);
    if (!u && !none)
        *failed = 1;
    return u;
}

GEOSGeometry *lc_corridor_union(GEOSContextHandle_t h, const lc_seg *s, size_t n, double width, int quadsegs,
                                int *failed)
{
    return corridor_union(h, s, n, width, quadsegs, NULL, failed);
}

/* Cells of the raster the box is divided into: width/4 a side (12.5 m for the 50 m corridor), at most
 * 400 a side. Finer cells trim the buffers more, so fewer vertices are noded in the union (width/3:
 * the city's squares took 5% longer); width/5 and finer cost more in the raster than they save. The
 * cell size only moves where pieces are cut along curved streets, whose merged lines GEOS buffers
 * with their shallow bends straightened: areas move by ~1e-10 of themselves. */
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


/* Whether every cell of the raster meeting [x0,x1] × [y0,y1] (grown by a micrometre against rounding)
 * is inner; what lies outside the raster (the box) counts as inner: it is cut away. */
static int among_inner(const trim_grid *t, double x0, double y0, double x1, double y1)
{
    const double eps = 1e-6;
    return !any_far(t->psum, t->nx, t->ny, (long)floor((x0 - eps - t->box.minx) / t->cx),
                    (long)floor((x1 + eps - t->box.minx) / t->cx), (long)floor((y0 - eps - t->box.miny) / t->cy),
                    (long)floor((y1 + eps - t->box.miny) / t->cy));
}

/* The convex buffer b of a straight line with every run of outline vertices whose bounding box lies
 * among inner cells (among_inner) replaced by the chord between its ends: what the chords cut off is
 * the convex hull of such a run, inside that box, so the inner cells (or the cut to the box) restore
 * it, while the vertices that can shape the outline stay exactly GEOS's. Takes b; returns the trimmed
 * polygon, b itself when nothing can go, or NULL when all of it lies among inner cells or on failure
 * (*failed set). */
static GEOSGeometry *trimmed(GEOSContextHandle_t h, GEOSGeometry *b, const trim_grid *t, int *failed)
{
    const GEOSGeometry *ring = GEOSGeomTypeId_r(h, b) == GEOS_POLYGON && GEOSGetNumInteriorRings_r(h, b) == 0
                                   ? GEOSGetExteriorRing_r(h, b)
                                   : NULL;
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned m = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m) || m < 5)
        return b;
    double *xy = malloc(4 * (size_t)m * sizeof *xy), *out = xy + 2 * (size_t)m;
    if (!xy) {
        GEOSGeom_destroy_r(h, b);
        *failed = 1;
        return NULL;
    }
    size_t n = m - 1, start = n, kept = 0; /* ring points 0 .. n-1 (point n repeats point 0) */
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, (unsigned)k, &x, &y);
        xy[2 * k] = x;
        xy[2 * k + 1] = y;
        bx0 = fmin(bx0, x), by0 = fmin(by0, y), bx1 = fmax(bx1, x), by1 = fmax(by1, y);
        if (start == n && !among_inner(t, x, y, x, y))
            start = k; /* a point that must stay: the walk starts there */
    }
    if (among_inner(t, bx0, by0, bx1, by1)) { /* the whole buffer */
        free(xy);
        GEOSGeom_destroy_r(h, b);
        return NULL;
    }
    start = start == n ? 0 : start;
    out[0] = xy[2 * start], out[1] = xy[2 * start + 1], kept = 1;
    for (size_t a = start; a < start + n;) {
        /* From kept point a, the farthest point e such that points a..e lie in a box among inner cells. */
        size_t e = a + 1, p = a % n, q = e % n;
        double x0 = fmin(xy[2 * p], xy[2 * q]), x1 = fmax(xy[2 * p], xy[2 * q]);
        double y0 = fmin(xy[2 * p + 1], xy[2 * q + 1]), y1 = fmax(xy[2 * p + 1], xy[2 * q + 1]);
        while (e + 1 <= start + n) {
            size_t r = (e + 1) % n;
            double nx0 = fmin(x0, xy[2 * r]), nx1 = fmax(x1, xy[2 * r]);
            double ny0 = fmin(y0, xy[2 * r + 1]), ny1 = fmax(y1, xy[2 * r + 1]);
            if (!among_inner(t, nx0, ny0, nx1, ny1))
                break;
            x0 = nx0, x1 = nx1, y0 = ny0, y1 = ny1;
            e++;
        }
        out[2 * kept] = xy[2 * (e % n)], out[2 * kept + 1] = xy[2 * (e % n) + 1], kept++;
        a = e;
    }
    if (kept == m) { /* nothing trimmed */
        free(xy);
        return b;
    }
    GEOSGeom_destroy_r(h, b);
    double area2 = 0; /* twice the area left: none (a chord or less) means all of it was among inner cells */
    for (size_t k = 0; k + 1 < kept; k++)
        area2 += (out[2 * k] - out[0]) * (out[2 * k + 3] - out[1]) - (out[2 * k + 2] - out[0]) * (out[2 * k + 1] - out[1]);
    GEOSGeometry *poly = NULL;
    if (kept >= 4 && fabs(area2) > 1e-9 * (bx1 - bx0) * (by1 - by0)) {
        GEOSCoordSequence *ncs = GEOSCoordSeq_create_r(h, (unsigned)kept, 2);
        for (size_t k = 0; ncs && k < kept; k++)
            GEOSCoordSeq_setXY_r(h, ncs, (unsigned)k, out[2 * k], out[2 * k + 1]);
        GEOSGeometry *shell = ncs ? GEOSGeom_createLinearRing_r(h, ncs) : NULL;
        if (!(poly = shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL))
            *failed = 1;
    }
    free(xy);
    return poly;
}

/* The inner cells as one (multi)polygon, NULL when there are none or on failure (*failed set): their
 * boundary edges (between an inner cell and one that is not, or the box's edge), joined into straight
 * runs that break where four edges meet (cells touching only at a corner), polygonized, and the faces
 * whose side of their outline is an inner cell kept. One polygon for the whole inside instead of a
 * rectangle per row run, so the square's part costs one overlay with the buffered outline. Coordinates
 * are the raster's: box.minx + i·cx, and box.maxx for the last column (rows likewise). */
static GEOSGeometry *inner_region(GEOSContextHandle_t h, const unsigned char *inner, size_t nx, size_t ny, lc_bbox box,
                                  double cx, double cy, int *failed)
{
#define IN(i, j) ((i) >= 0 && (j) >= 0 && (size_t)(i) < nx && (size_t)(j) < ny && inner[(size_t)(j) * nx + (size_t)(i)])
#define GX(i) ((size_t)(i) == nx ? box.maxx : box.minx + (double)(i) * cx)
#define GY(j) ((size_t)(j) == ny ? box.maxy : box.miny + (double)(j) * cy)
    size_t cap = 64, n = 0;
    GEOSGeometry **lines = malloc(cap * sizeof *lines), *out = NULL;
    if (!lines) {
        *failed = 1;
        return NULL;
    }
    for (int dir = 0; dir < 2 && !*failed; dir++) {
        /* dir 0: horizontal edges on row lines j = 0..ny (cells below (i,j-1), above (i,j));
         * dir 1: vertical edges on column lines i = 0..nx (cells left (i-1,j), right (i,j)). */
        long nl = dir ? (long)nx : (long)ny, na = dir ? (long)ny : (long)nx;
        for (long l = 0; l <= nl && !*failed; l++) {
            long start = -1;
            for (long a = 0; a <= na; a++) {
                int edge = 0, cut = 0;
                if (a < na)
                    edge = dir ? IN(l - 1, a) != IN(l, a) : IN(a, l - 1) != IN(a, l);
                /* Four edges meet at grid point a on this line when its cells alternate diagonally. */
                if (a > 0 && a < na)
                    cut = dir ? IN(l - 1, a - 1) != IN(l - 1, a) : IN(a - 1, l - 1) != IN(a, l - 1);
                if (start >= 0 && (!edge || cut)) {
                    if (n == cap) {
                        GEOSGeometry **q = realloc(lines, 2 * cap * sizeof *q);
                        if (!q) {
                            *failed = 1;
                            break;
                        }
                        lines = q;
                        cap *= 2;
                    }
                    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
                    if (cs) {
                        GEOSCoordSeq_setXY_r(h, cs, 0, dir ? GX(l) : GX(start), dir ? GY(start) : GY(l));
                        GEOSCoordSeq_setXY_r(h, cs, 1, dir ? GX(l) : GX(a), dir ? GY(a) : GY(l));
                    }
                    if (!cs || !(lines[n] = GEOSGeom_createLineString_r(h, cs))) {
                        *failed = 1;
                        break;
                    }
                    n++;
                    start = -1;
                }
                if (edge && start < 0)
                    start = a;
            }
        }
    }
    GEOSGeometry *mls = NULL, *faces = NULL, **keep = NULL;
    size_t nk = 0;
    if (!*failed && n) {
        mls = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines, (unsigned)n);
        n = 0; /* the collection owns them now, or they are lost with it */
        const GEOSGeometry *arr[1] = {mls};
        faces = mls ? GEOSPolygonize_r(h, arr, 1) : NULL;
        int nf = faces ? GEOSGetNumGeometries_r(h, faces) : -1;
        keep = nf >= 0 ? malloc(((size_t)nf + 1) * sizeof *keep) : NULL;
        if (!keep)
            *failed = 1;
        for (int f = 0; keep && f < nf; f++) {
            /* The cell beside the middle of the outline's first edge, on the face's side. */
            const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, GEOSGetGeometryN_r(h, faces, f));
            const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
            double x0, y0, x1, y1;
            char ccw = 0;
            if (!cs || !GEOSCoordSeq_getXY_r(h, cs, 0, &x0, &y0) || !GEOSCoordSeq_getXY_r(h, cs, 1, &x1, &y1) ||
                !GEOSCoordSeq_isCCW_r(h, cs, &ccw)) {
                *failed = 1;
                break;
            }
            double len = hypot(x1 - x0, y1 - y0), s = (ccw ? 0.25 : -0.25) * fmin(cx, cy) / len;
            double px = 0.5 * (x0 + x1) - (y1 - y0) * s, py = 0.5 * (y0 + y1) + (x1 - x0) * s;
            long i = (long)floor((px - box.minx) / cx), j = (long)floor((py - box.miny) / cy);
            if (!IN(i, j))
                continue;
            if (!(keep[nk] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, faces, f)))) {
                *failed = 1;
                break;
            }
            nk++;
        }
    }
    if (!*failed && nk) {
        out = nk == 1 ? keep[0] : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, keep, (unsigned)nk);
        if (out)
            nk = 0;
        else
            *failed = 1;
    }
    for (size_t k = 0; k < nk; k++)
        GEOSGeom_destroy_r(h, keep[k]);
    for (size_t k = 0; k < n; k++)
        GEOSGeom_destroy_r(h, lines[k]);
    free(keep);
    free(lines);
    if (faces)
        GEOSGeom_destroy_r(h, faces);
    if (mls)
        GEOSGeom_destroy_r(h, mls);
    return out;
#undef IN
#undef GX
#undef GY
}

/* box ∩ corridor without unioning what lies deep inside it. The box is cut into cells; a cell whose
 * centre lies within the inner radius (see lc_corridor_covers_box) less half its diagonal of a piece
 * is inside the corridor ("inner"). The inner cells, as one polygon (inner_region), stand for every
 * buffer that lies in them: only the parts of pieces within width (plus a cell) of a cell that is not
 * inner can shape the boundary, so only those are buffered, each cut where all cells within width are
 * inner (so the round end made by the cut lies among inner cells), each buffer trimmed of what lies
 * among inner cells or outside the box (trimmed) and the buffers unioned in groups (union_grouped).
 * The result equals box ∩ corridor of all pieces: the inner polygon ∪ (box ∩ the buffers' union). */
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
    double cell = fmax(width / 4, fmax(W, H) / MAX_CELLS_SIDE);
    size_t nx = (size_t)ceil(W / cell), ny = (size_t)ceil(H / cell);
    nx = nx ? nx : 1;
    ny = ny ? ny : 1;
    double cx = W / (double)nx, cy = H / (double)ny;
    double d = width * (cos(M_PI / (4.0 * quadsegs)) - 0.011) - 0.5 * hypot(cx, cy);
    unsigned char *inner = calloc(nx * ny, 1);
    unsigned *psum = calloc((nx + 1) * (ny + 1), sizeof *psum);
    lc_seg *kept = NULL;
    GEOSGeometry *rect = NULL, *out = NULL;
    size_t nkept = 0, cap = 0, far = 0;
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
    /* The inner cells as one polygon, the buffers near the rest trimmed of what lies among them. */
    GEOSGeometry *region = inner_region(h, inner, nx, ny, box, cx, cy, failed);
    trim_grid tg = {psum, nx, ny, box, cx, cy};
    GEOSGeometry *u = !*failed && nkept ? corridor_union(h, kept, nkept, width, quadsegs, &tg, failed) : NULL;
    GEOSGeometry *cut = u ? GEOSIntersection_r(h, u, rect) : NULL;
    if (u && !cut)
        *failed = 1;
    if (u)
        GEOSGeom_destroy_r(h, u);
    if (!*failed)
        out = cut && region ? GEOSUnion_r(h, cut, region) : cut ? cut : region;
    if (!*failed && cut && region && !out)
        *failed = 1;
    if (region && region != out)
        GEOSGeom_destroy_r(h, region);
    if (cut && cut != out)
        GEOSGeom_destroy_r(h, cut);
done:
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
