/*
 * queries/corridor_area.c — the area of a polygon inside a corridor region (queries/corridor_int.h),
 * without building the region: a quadtree over the polygon's box. A square whose centre has a piece
 * within width − half-diagonal lies wholly inside (its part of the polygon counts whole); one with no
 * piece within width + half-diagonal wholly outside; any other is cut in four, each quarter keeping
 * the polygon cut to it (Sutherland–Hodgman against the square's sides: exact for the area, however
 * concave the polygon) and the pieces that can still matter to it. Work is only done along the
 * region's edge. In the smallest squares each nearby piece's region is taken as the half-plane
 * bounded by its tangent there — a region within width of a piece is convex, so the half-plane holds
 * it and the estimate can only be too large, by at most √2·side³ / width per piece (the gap between a
 * circle of radius width and its tangent, across the square) — and the area inside the union of those
 * half-planes is exact: the polygon less its parts in the convex complement.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queries/corridor_scratch.h"

#define MAX_SETS LC_CORRIDOR_MAX_SETS
/* Most sets left undecided in one smallest square that are resolved exactly (2^n terms); past that
 * the square counts whole, its area added to the bound. */
#define MAX_EXACT_SETS 4
/* The side below which no square is cut further (metres): where its pieces are seen across their
 * ends or several discs meet in it, its area is then estimated with a bound. */
#define MIN_LEAF_M 0.5
/* A set inside the whole square (its list is not needed further down). */
#define SET_IN SIZE_MAX

typedef struct area_state {
    lc_corridor_scratch *scr;
    const lc_piece_set *sets;
    const lc_pseg *prep[MAX_SETS]; /* each set's pieces prepared */
    size_t nsets;
    double w, leaf_a, min_a; /* width; squares of half side ≤ leaf_a are not cut further when their
                                area can be had exactly, none below min_a */
    size_t idx_top, poly_top, plen_top;
    double area, bound;
    int out_seen, estimated, exact_leaves; /* a square was found outside; a smallest square was
                                              estimated; one was measured exactly */
    int nomem;
} area_state;

/* A polygon on the scratch's stack: its points from poly[poff], its nr rings' lengths from plen[loff]. */
typedef struct spoly {
    size_t poff, loff, nr;
} spoly;

static double spoly_area(const area_state *st, spoly p)
{
    const lc_xy *pt = st->scr->poly + p.poff;
    double sum = 0;
    for (size_t r = 0, at = 0; r < p.nr; r++) {
        size_t n = st->scr->plen[p.loff + r];
        for (size_t k = 0; k < n; k++) {
            const lc_xy *a = &pt[at + k], *b = &pt[at + (k + 1 == n ? 0 : k + 1)];
            sum += a->x * b->y - b->x * a->y;
        }
        at += n;
    }
    return sum / 2;
}

/* Cuts polygon p to the half-plane nx·x + ny·y ≥ k (each ring on its own: rings cut this way keep the
 * polygon's area exactly, degenerate edges along the line adding none), pushing the result. */
static spoly clip(area_state *st, spoly p, double nx, double ny, double k)
{
    lc_corridor_scratch *scr = st->scr;
    spoly out = {st->poly_top, st->plen_top, 0};
    size_t total = 0;
    for (size_t r = 0; r < p.nr; r++)
        total += scr->plen[p.loff + r];
    /* Every point on the kept side: the clip would copy p point for point, so p is the answer (half
     * the sides a quarter is cut at are its parent's, which p already keeps to). */
    size_t inside = 0;
    while (inside < total && nx * scr->poly[p.poff + inside].x + ny * scr->poly[p.poff + inside].y - k >= 0)
        inside++;
    if (inside == total)
        return p;
    /* A ring of n points gives at most 2n (every edge crossing twice is impossible: n + n/2 + 1). */
    if (lc_scratch_grow((void **)&scr->poly, &scr->poly_cap, st->poly_top + 2 * total + 2, sizeof *scr->poly) ||
        lc_scratch_grow((void **)&scr->plen, &scr->plen_cap, st->plen_top + p.nr + 1, sizeof *scr->plen)) {
        st->nomem = 1;
        return out;
    }
    size_t at = p.poff;
    for (size_t r = 0; r < p.nr; r++) {
        size_t n = scr->plen[p.loff + r], start = st->poly_top;
        for (size_t i = 0; i < n; i++) {
            lc_xy a = scr->poly[at + i], b = scr->poly[at + (i + 1 == n ? 0 : i + 1)];
            double sa = nx * a.x + ny * a.y - k, sb = nx * b.x + ny * b.y - k;
            if (sa >= 0)
                scr->poly[st->poly_top++] = a;
            if ((sa >= 0) != (sb >= 0)) {
                double t = sa / (sa - sb);
                scr->poly[st->poly_top++] = (lc_xy){a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
            }
        }
        at += n;
        if (st->poly_top - start >= 3)
            scr->plen[st->plen_top++] = st->poly_top - start, out.nr++;
        else
            st->poly_top = start;
    }
    return out;
}

/* Pushes the square (cx, cy, half side a) as a one-ring polygon. */
static spoly square(area_state *st, double cx, double cy, double a)
{
    lc_corridor_scratch *scr = st->scr;
    spoly out = {st->poly_top, st->plen_top, 1};
    if (lc_scratch_grow((void **)&scr->poly, &scr->poly_cap, st->poly_top + 4, sizeof *scr->poly) ||
        lc_scratch_grow((void **)&scr->plen, &scr->plen_cap, st->plen_top + 1, sizeof *scr->plen)) {
        st->nomem = 1;
        out.nr = 0;
        return out;
    }
    lc_xy *p = scr->poly + st->poly_top;
    p[0] = (lc_xy){cx - a, cy - a}, p[1] = (lc_xy){cx + a, cy - a};
    p[2] = (lc_xy){cx + a, cy + a}, p[3] = (lc_xy){cx - a, cy + a};
    st->poly_top += 4;
    scr->plen[st->plen_top++] = 4;
    return out;
}

/* How a piece's region meets a smallest square: every point of the square has its nearest point of
 * the piece inside the piece (SLAB: the region's edge there is the straight line width away, so its
 * half-plane is exact), at its first or second end (END_A, END_B: the edge is the circle around it),
 * or either (MIXED). */
enum { SLAB, END_A, END_B, MIXED };

static int piece_mode(const lc_seg *s, double cx, double cy, double a)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
    if (!(l2 > 0))
        return END_A;
    double t = ((cx - s->ax) * dx + (cy - s->ay) * dy) / l2, spread = a * (fabs(dx) + fabs(dy)) / l2;
    return t - spread >= 0 && t + spread <= 1 ? SLAB : t + spread < 0 ? END_A : t - spread > 1 ? END_B : MIXED;
}

/* Signed area of the part of the triangle (centre, p, q) inside the circle of radius r about the
 * centre (p, q relative to it): the chord's part inside as a triangle, the rest as sectors. */
static double tri_disc(lc_xy p, lc_xy q, double r)
{
    double dx = q.x - p.x, dy = q.y - p.y, A = dx * dx + dy * dy, B = p.x * dx + p.y * dy;
    double C = p.x * p.x + p.y * p.y - r * r, disc = B * B - A * C;
    if (!(A > 0))
        return 0;
    double t1 = 1, t2 = 1; /* the part [t1, t2] of the edge inside the circle, empty when t1 == t2 */
    if (disc > 0) {
        double sq = sqrt(disc);
        t1 = (-B - sq) / A, t2 = (-B + sq) / A;
        t1 = t1 < 0 ? 0 : t1 > 1 ? 1 : t1;
        t2 = t2 < 0 ? 0 : t2 > 1 ? 1 : t2;
    }
    lc_xy u = {p.x + t1 * dx, p.y + t1 * dy}, v = {p.x + t2 * dx, p.y + t2 * dy};
    double sector1 = 0.5 * r * r * atan2(p.x * u.y - p.y * u.x, p.x * u.x + p.y * u.y);
    double sector2 = 0.5 * r * r * atan2(v.x * q.y - v.y * q.x, v.x * q.x + v.y * q.y);
    return sector1 + 0.5 * (u.x * v.y - u.y * v.x) + sector2;
}

/* The area of polygon p inside the disc of radius r about (cx, cy). */
static double spoly_disc_area(const area_state *st, spoly p, double cx, double cy, double r)
{
    const lc_xy *pt = st->scr->poly + p.poff;
    double sum = 0;
    for (size_t k = 0, at = 0; k < p.nr; k++) {
        size_t n = st->scr->plen[p.loff + k];
        for (size_t i = 0; i < n; i++) {
            lc_xy a = pt[at + i], b = pt[at + (i + 1 == n ? 0 : i + 1)];
            sum += tri_disc((lc_xy){a.x - cx, a.y - cy}, (lc_xy){b.x - cx, b.y - cy}, r);
        }
        at += n;
    }
    return sum;
}

/* Pushes the cuts of p by every piece in list except skip: its part outside each piece's half-plane
 * bounded by the tangent of its region at the point nearest (cx, cy) (exact for a SLAB piece, an
 * estimate holding the true region otherwise). */
static spoly outside_tangents(area_state *st, spoly p, const lc_piece_set *set, size_t loff, size_t n, double cx,
                              double cy, uint32_t skip)
{
    for (size_t k = 0; k < n && p.nr && !st->nomem; k++) {
        if (st->scr->idx[loff + k] == skip)
            continue;
        const lc_seg *s = &set->s[st->scr->idx[loff + k]];
        double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
        double t = l2 > 0 ? ((cx - s->ax) * dx + (cy - s->ay) * dy) / l2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double ux = cx - (s->ax + t * dx), uy = cy - (s->ay + t * dy), f = sqrt(ux * ux + uy * uy);
        if (!(f > 0))
            continue; /* cannot happen in a smallest square (it would have been inside) */
        ux /= f, uy /= f;
        /* F(x) ≈ f + u·(x − c): outside where u·x ≥ u·c + w − f. */
        p = clip(st, p, ux, uy, ux * cx + uy * cy + st->w - f);
    }
    return p;
}

/* Whether the one undecided set's pieces near a square are seen from it simply enough for an exact
 * area: each SLAB or END, and the ends all at one point (consecutive pieces of a street meet there:
 * one disc). *centre receives that point (has_disc set) when there is one. */
static int resolvable(const area_state *st, const size_t *loff, const size_t *cnt, double cx, double cy, double a,
                      lc_xy *centre, int *has_disc)
{
    size_t k = SIZE_MAX, nm = 0;
    for (size_t j = 0; j < st->nsets; j++)
        if (cnt[j] != SET_IN)
            k = j, nm++;
    *has_disc = 0;
    if (nm != 1)
        return 0;
    const lc_piece_set *set = &st->sets[k];
    for (size_t j = 0; j < cnt[k]; j++) {
        const lc_seg *s = &set->s[st->scr->idx[loff[k] + j]];
        int mode = piece_mode(s, cx, cy, a);
        if (mode == SLAB)
            continue;
        if (mode == MIXED)
            return 0;
        lc_xy e = mode == END_A ? (lc_xy){s->ax, s->ay} : (lc_xy){s->bx, s->by};
        if (*has_disc && (e.x != centre->x || e.y != centre->y))
            return 0;
        *centre = e, *has_disc = 1;
    }
    return 1;
}

/* A smallest square. When resolvable: exact, area(p) − area((p ∩ C) \ D), C the complement of the
 * SLAB pieces' half-planes (convex: one chain of cuts), D the one disc. Otherwise (pieces seen across
 * their ends, several discs, or several sets at once for the life circle) each piece's region is
 * taken as its tangent half-plane, by inclusion–exclusion over the sets; the bound counts every such
 * piece that is not a SLAB. */
static void leaf(area_state *st, spoly p, double area_p, double cx, double cy, double a, const size_t *loff,
                 const size_t *cnt)
{
    size_t mixed[MAX_SETS], nm = 0, approx = 0;
    for (size_t k = 0; k < st->nsets; k++)
        if (cnt[k] != SET_IN)
            mixed[nm++] = k;
    double est = area_p;
    size_t mark_p = st->poly_top, mark_l = st->plen_top;
    lc_xy centre;
    int has_disc;
    if (resolvable(st, loff, cnt, cx, cy, a, &centre, &has_disc)) {
        size_t k = mixed[0];
        spoly q = p;
        for (size_t j = 0; j < cnt[k] && q.nr && !st->nomem; j++) {
            const lc_seg *s = &st->sets[k].s[st->scr->idx[loff[k] + j]];
            if (piece_mode(s, cx, cy, a) != SLAB)
                continue;
            /* The straight edge width away from the piece, on the square's side of it. */
            double dx = s->bx - s->ax, dy = s->by - s->ay, l = sqrt(dx * dx + dy * dy);
            double nx = -dy / l, ny = dx / l;
            if (nx * (cx - s->ax) + ny * (cy - s->ay) < 0)
                nx = -nx, ny = -ny;
            q = clip(st, q, nx, ny, nx * s->ax + ny * s->ay + st->w);
        }
        double aq = q.nr ? spoly_area(st, q) : 0;
        if (has_disc && q.nr)
            aq -= spoly_disc_area(st, q, centre.x, centre.y, st->w);
        est -= aq;
        st->poly_top = mark_p, st->plen_top = mark_l;
        st->area += est < 0 ? 0 : est > area_p ? area_p : est;
        st->exact_leaves = 1;
        return;
    }
    st->estimated = 1;
    double side = 2 * a, per_piece = M_SQRT2 * side * side * side / st->w;
    if (nm > MAX_EXACT_SETS) { /* counted whole: too large by at most its area */
        st->area += area_p;
        st->bound += area_p;
        return;
    }
    for (size_t j = 0; j < nm; j++)
        for (size_t i = 0; i < cnt[mixed[j]]; i++)
            approx += piece_mode(&st->sets[mixed[j]].s[st->scr->idx[loff[mixed[j]] + i]], cx, cy, a) != SLAB;
    for (unsigned sub = 1; sub < (1u << nm) && !st->nomem; sub++) {
        spoly q = p;
        int bits = 0;
        for (size_t j = 0; j < nm; j++)
            if (sub >> j & 1) {
                size_t k = mixed[j];
                q = outside_tangents(st, q, &st->sets[k], loff[k], cnt[k], cx, cy, UINT32_MAX);
                bits++;
            }
        double aq = q.nr ? spoly_area(st, q) : 0;
        est += bits & 1 ? -aq : aq;
        st->poly_top = mark_p, st->plen_top = mark_l;
    }
    est = est < 0 ? 0 : est > area_p ? area_p : est;
    st->area += est;
    st->bound += lc_min(est, (double)approx * per_piece);
}

/* One square of the quadtree: (cx, cy) half side a, p its part of the polygon (full: the whole
 * square), and per set its pieces still in question (loff[k], cnt[k]) or SET_IN. */
static void node(area_state *st, double cx, double cy, double a, int full, spoly p, const size_t *loff,
                 const size_t *cnt)
{
    if (st->nomem)
        return;
    double area_p = full ? 4 * a * a : spoly_area(st, p);
    if (!(area_p > 0))
        return;
    double h = a * M_SQRT2, in = st->w - h, out = st->w + h;
    size_t kl[MAX_SETS], kc[MAX_SETS], mark_i = st->idx_top;
    int mixed = 0;
    lc_corridor_scratch *scr = st->scr;
    for (size_t k = 0; k < st->nsets; k++) {
        kc[k] = SET_IN;
        kl[k] = st->idx_top;
        if (cnt[k] == SET_IN)
            continue;
        if (lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, st->idx_top + cnt[k], sizeof *scr->idx)) {
            st->nomem = 1;
            return;
        }
        size_t m = 0;
        int inside = 0;
        for (size_t j = 0; j < cnt[k]; j++) {
            uint32_t i = scr->idx[loff[k] + j];
            double d2 = lc_pseg_dist2(&st->prep[k][i], cx, cy);
            if (in > 0 && d2 <= in * in) {
                inside = 1;
                break;
            }
            if (d2 <= out * out)
                scr->idx[kl[k] + m++] = i;
        }
        if (inside)
            continue;
        if (!m) { /* this set reaches no point of the square: neither does their intersection */
            st->out_seen = 1;
            st->idx_top = mark_i;
            return;
        }
        kc[k] = m;
        st->idx_top += m;
        mixed = 1;
    }
    if (!mixed) {
        st->area += area_p;
    } else if (a <= st->min_a || (a <= st->leaf_a && resolvable(st, kl, kc, cx, cy, a, &(lc_xy){0, 0}, &(int){0}))) {
        leaf(st, full ? square(st, cx, cy, a) : p, area_p, cx, cy, a, kl, kc);
    } else {
        size_t mark_p = st->poly_top, mark_l = st->plen_top;
        double b = a / 2;
        for (int q = 0; q < 4 && !st->nomem; q++) {
            double x = cx + (q & 1 ? b : -b), y = cy + (q & 2 ? b : -b);
            spoly c = p;
            int cfull = full;
            if (!full) {
                c = clip(st, p, 1, 0, x - b);
                c = clip(st, c, -1, 0, -(x + b));
                c = clip(st, c, 0, 1, y - b);
                c = clip(st, c, 0, -1, -(y + b));
                if (!c.nr) {
                    st->poly_top = mark_p, st->plen_top = mark_l;
                    continue;
                }
                cfull = spoly_area(st, c) >= 4 * b * b * (1 - 1e-12);
            }
            node(st, x, y, b, cfull, c, kl, kc);
            st->poly_top = mark_p, st->plen_top = mark_l;
        }
    }
    st->idx_top = mark_i;
}

int lc_corridor_area(lc_corridor_scratch *scr, const lc_rings *poly, lc_bbox box, const lc_piece_set *sets,
                     size_t nsets, double width, double leaf_m, double *area, double *bound)
{
    *area = 0;
    if (bound)
        *bound = 0;
    if (nsets > MAX_SETS || !(width > 0) || !(leaf_m > 0))
        return -1;
    for (size_t k = 0; k < nsets; k++)
        if (!sets[k].n)
            return 0; /* a set with no piece reaches nothing */
    area_state st = {.scr = scr, .sets = sets, .nsets = nsets, .w = width};
    st.leaf_a = lc_min(leaf_m, width / 4) / 2;
    st.min_a = lc_min(st.leaf_a, lc_min(MIN_LEAF_M, width / 16) / 2);
    /* The polygon onto the stack, and every set's pieces as its first lists. */
    size_t total = poly->start[poly->nrings], nidx = 0;
    for (size_t k = 0; k < nsets; k++)
        nidx += sets[k].n;
    if (lc_scratch_grow((void **)&scr->poly, &scr->poly_cap, total, sizeof *scr->poly) ||
        lc_scratch_grow((void **)&scr->plen, &scr->plen_cap, poly->nrings, sizeof *scr->plen) ||
        lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, nidx, sizeof *scr->idx))
        return -1;
    spoly p = {0, 0, 0};
    for (size_t r = 0; r < poly->nrings; r++) {
        size_t a = poly->start[r], b = poly->start[r + 1];
        if (b - a >= 2 && poly->pts[b - 1].x == poly->pts[a].x && poly->pts[b - 1].y == poly->pts[a].y)
            b--; /* closed ring: the closing point is implicit here */
        if (b - a < 3)
            continue;
        memcpy(scr->poly + st.poly_top, poly->pts + a, (b - a) * sizeof *poly->pts);
        st.poly_top += b - a;
        scr->plen[st.plen_top++] = b - a;
        p.nr++;
    }
    size_t loff[MAX_SETS], cnt[MAX_SETS];
    for (size_t k = 0, at = 0; k < nsets; k++) {
        if (lc_scratch_prepare(scr, at, sets[k].s, sets[k].n))
            return -1;
        at += sets[k].n;
    }
    for (size_t k = 0, at = 0; k < nsets; k++) {
        st.prep[k] = scr->prep + at;
        at += sets[k].n;
    }
    for (size_t k = 0; k < nsets; k++) {
        loff[k] = st.idx_top;
        cnt[k] = sets[k].n;
        for (size_t j = 0; j < sets[k].n; j++)
            scr->idx[st.idx_top++] = (uint32_t)j;
    }
    double a = lc_max(box.maxx - box.minx, box.maxy - box.miny) / 2;
    if (p.nr && a > 0)
        node(&st, (box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2, a, 0, p, loff, cnt);
    if (st.nomem)
        return -1;
    /* Every part of the polygon was shown inside: its whole area exactly, not the sum of its parts. */
    *area = !st.out_seen && !st.estimated && !st.exact_leaves && p.nr ? spoly_area(&st, p) : st.area;
    if (bound)
        *bound = st.bound;
    return 0;
}
