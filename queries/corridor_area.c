/*
 * queries/corridor_area.c — the area of a polygon inside a corridor region (queries/corridor_int.h),
 * without building the region: a quadtree over the polygon's box. A square whose centre has a piece
 * within width − half-diagonal lies wholly inside (its part of the polygon counts whole); one with no
 * piece within width + half-diagonal wholly outside; any other is cut in four, each quarter keeping
 * the polygon cut to it (Sutherland–Hodgman against the square's sides: exact for the area, however
 * concave the polygon) and the pieces that can still matter to it. Work is only done along the
 * region's edge. In a smallest square (share_leaf_m) whose pieces are each seen along their length
 * (SLAB: the region's edge there is the straight line width away) or from beyond one end (END: the
 * circle about it), the area is exact: the polygon cut by the straight edges, less its part in the
 * union of the end discs (one disc by triangles and sectors; several — a curved street's vertices,
 * a reach cut off beside another street's end — by Green's theorem over the outline of polygon ∩
 * discs), and for several sets at once (the life circle) by inclusion–exclusion over them. Only a
 * square where some piece is seen across its end (MIXED) is cut further, to MIN_LEAF_M, and there
 * each nearby piece's region is taken as the half-plane bounded by its tangent — a region within
 * width of a piece is convex, so the half-plane holds it and the estimate can only be too large, by
 * at most √2·side³ / width per piece (the gap between a circle of radius width and its tangent,
 * across the square) — and the area inside the union of those half-planes is exact: the polygon
 * less its parts in the convex complement.
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
 * ends, its area is then estimated with a bound. 1 m: at 0.5 m the squares cut below share_leaf_m
 * were 40 % of the quadtree's (callgrind, K = 3 real-street city), for bounds 4× smaller. */
#define MIN_LEAF_M 1.0
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

/* Most distinct discs a smallest square is measured exactly with (every one is a circle to cut the
 * others and the polygon with); past that it is cut further or estimated. */
#define MAX_DISCS 8

/* Where the line a + t·d meets the circle of radius r about c: *t0 < *t1, the line inside the disc
 * between them (*t0 == *t1 when it does not cross the circle). */
static void seg_circle(lc_xy a, lc_xy d, lc_xy c, double r, double *t0, double *t1)
{
    double fx = a.x - c.x, fy = a.y - c.y, A = d.x * d.x + d.y * d.y, B = fx * d.x + fy * d.y;
    double disc = B * B - A * (fx * fx + fy * fy - r * r);
    *t0 = *t1 = 0;
    if (!(A > 0) || !(disc > 0))
        return;
    double sq = sqrt(disc);
    *t0 = (-B - sq) / A, *t1 = (-B + sq) / A;
}

/* Whether point (x, y) lies inside polygon p (crossings of a ray east, every ring). */
static int spoly_contains(const area_state *st, spoly p, double x, double y)
{
    const lc_xy *pt = st->scr->poly + p.poff;
    int in = 0;
    for (size_t k = 0, at = 0; k < p.nr; k++) {
        size_t n = st->scr->plen[p.loff + k];
        for (size_t i = 0; i < n; i++) {
            lc_xy a = pt[at + i], b = pt[at + (i + 1 == n ? 0 : i + 1)];
            if ((a.y > y) != (b.y > y) && x < a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y))
                in = !in;
        }
        at += n;
    }
    return in;
}

/* The area of polygon p inside the union of the m (≤ MAX_DISCS, distinct) discs of radius r about
 * c[], exactly, by Green's theorem over the outline of their intersection: the parts of p's edges
 * inside some disc (straight) and the arcs of each circle inside p and outside every other disc
 * (counter-clockwise; p's rings are oriented, holes clockwise). Coordinates are taken relative to
 * (ox, oy), the square's centre, so that the products stay small. spoly_disc_area is this for one
 * disc. */
static double spoly_discs_area(const area_state *st, spoly p, const lc_xy *cabs, size_t m, double r, double ox,
                               double oy)
{
    const lc_xy *pt = st->scr->poly + p.poff;
    lc_xy c[MAX_DISCS];
    for (size_t i = 0; i < m; i++)
        c[i] = (lc_xy){cabs[i].x - ox, cabs[i].y - oy};
    double twice = 0; /* ∮ x dy − y dx */
    /* Where each circle meets p's edges or another circle: its breakpoints, each kept as its angle
     * and its offset from the centre (which give an arc's integral and its midpoint without sines
     * and cosines). */
    struct brk {
        double t;
        lc_xy u;
    } b[MAX_DISCS][64];
    size_t na[MAX_DISCS] = {0};
    /* One pass over the edges, each met with every circle once: the edge's parts inside the union
     * (its intervals inside the discs, merged) and the circles' breakpoints on it. */
    for (size_t k = 0, at = 0; k < p.nr; k++) {
        size_t n = st->scr->plen[p.loff + k];
        for (size_t e = 0; e < n; e++) {
            lc_xy a = pt[at + e], q = pt[at + (e + 1 == n ? 0 : e + 1)];
            a.x -= ox, a.y -= oy, q.x -= ox, q.y -= oy;
            lc_xy d = {q.x - a.x, q.y - a.y};
            double lo[MAX_DISCS], hi[MAX_DISCS];
            size_t ni = 0;
            for (size_t i = 0; i < m; i++) {
                double t[2];
                seg_circle(a, d, c[i], r, &t[0], &t[1]);
                for (int z = 0; z < 2 && t[0] < t[1]; z++)
                    if (t[z] >= 0 && t[z] <= 1) {
                        if (na[i] == sizeof b[i] / sizeof *b[i])
                            return NAN; /* too many to keep: the caller estimates the square */
                        lc_xy u = {a.x + t[z] * d.x - c[i].x, a.y + t[z] * d.y - c[i].y};
                        b[i][na[i]++] = (struct brk){atan2(u.y, u.x), u};
                    }
                double t0 = t[0] < 0 ? 0 : t[0], t1 = t[1] > 1 ? 1 : t[1];
                if (t0 < t1) { /* insertion by start */
                    size_t j = ni++;
                    for (; j > 0 && lo[j - 1] > t0; j--)
                        lo[j] = lo[j - 1], hi[j] = hi[j - 1];
                    lo[j] = t0, hi[j] = t1;
                }
            }
            for (size_t j = 0; j < ni;) {
                double s0 = lo[j], s1 = hi[j];
                for (j++; j < ni && lo[j] <= s1; j++)
                    s1 = hi[j] > s1 ? hi[j] : s1;
                lc_xy u = {a.x + s0 * d.x, a.y + s0 * d.y}, v = {a.x + s1 * d.x, a.y + s1 * d.y};
                twice += u.x * v.y - u.y * v.x;
            }
        }
        at += n;
    }
    /* Each circle's arcs inside p and outside the other discs, between its breakpoints. */
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < m; j++) {
            double dx = c[j].x - c[i].x, dy = c[j].y - c[i].y, dd = sqrt(dx * dx + dy * dy);
            if (j == i || !(dd > 0) || dd >= 2 * r)
                continue;
            if (na[i] + 2 > sizeof b[i] / sizeof *b[i])
                return NAN;
            /* The two points r from both centres: along the line of centres dd / 2, across it ±hh. */
            double hh = sqrt(r * r - dd * dd / 4), ux = dx / dd, uy = dy / dd;
            for (int z = -1; z <= 1; z += 2) {
                lc_xy u = {ux * dd / 2 - z * uy * hh, uy * dd / 2 + z * ux * hh};
                b[i][na[i]++] = (struct brk){atan2(u.y, u.x), u};
            }
        }
        struct brk *bi = b[i];
        for (size_t k = 1; k < na[i]; k++) { /* sorted by angle */
            struct brk v = bi[k];
            size_t j = k;
            for (; j > 0 && bi[j - 1].t > v.t; j--)
                bi[j] = bi[j - 1];
            bi[j] = v;
        }
        if (!na[i]) /* no crossing: the whole circle is in or out */
            bi[na[i]++] = (struct brk){-M_PI, {-r, 0}};
        for (size_t k = 0; k < na[i]; k++) {
            struct brk s0 = bi[k], s1 = k + 1 < na[i] ? bi[k + 1] : bi[0];
            double span = k + 1 < na[i] ? s1.t - s0.t : s1.t + 2 * M_PI - s0.t;
            if (!(span > 0))
                continue;
            /* The arc's midpoint: along the sum of its ends' offsets (against it past a half turn). */
            double mx = s0.u.x + s1.u.x, my = s0.u.y + s1.u.y, ml = sqrt(mx * mx + my * my);
            if (!(ml > 1e-9 * r))
                mx = -s0.u.y, my = s0.u.x, ml = r;
            double sg = span > M_PI ? -1 : 1;
            mx = c[i].x + sg * r * mx / ml, my = c[i].y + sg * r * my / ml;
            int keep = spoly_contains(st, p, mx + ox, my + oy);
            for (size_t j = 0; keep && j < m; j++) {
                double ex = mx - c[j].x, ey = my - c[j].y;
                keep = j == i || ex * ex + ey * ey > r * r;
            }
            if (keep) /* ∫ (x dy − y dx) along the arc of c + u, u = r(cos θ, sin θ) */
                twice += r * r * span + c[i].x * (s1.u.y - s0.u.y) - c[i].y * (s1.u.x - s0.u.x);
        }
    }
    return twice / 2;
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

/* Whether the sets left undecided in a smallest square are seen from it simply enough for an exact
 * area: at most MAX_EXACT_SETS of them, each of their pieces a SLAB or an END, and at most MAX_DISCS
 * distinct ends among them (consecutive pieces of a street share theirs). The ends go to disc[], and
 * in owner[] a bit per undecided set (in the order of the sets) that has a piece ending there. */
static int resolvable(const area_state *st, const size_t *loff, const size_t *cnt, double cx, double cy, double a,
                      lc_xy *disc, unsigned *owner, size_t *ndisc)
{
    size_t nm = 0;
    *ndisc = 0;
    for (size_t k = 0; k < st->nsets; k++) {
        if (cnt[k] == SET_IN)
            continue;
        if (++nm > MAX_EXACT_SETS)
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
            size_t q = 0;
            while (q < *ndisc && (disc[q].x != e.x || disc[q].y != e.y))
                q++;
            if (q == *ndisc) {
                if (q == MAX_DISCS)
                    return 0;
                disc[q] = e, owner[q] = 0, (*ndisc)++;
            }
            owner[q] |= 1u << (nm - 1);
        }
    }
    return nm > 0;
}

/* The area of polygon q outside every region of the undecided sets in sub (bits in the order of
 * mixed[]), exactly, for a resolvable square: q cut by those sets' SLAB pieces (the complement of
 * their strips, convex) less its part in the union of their ends' discs. NAN when the discs cross q
 * too often to be measured. Leaves the scratch's stack as it found it. */
static double outside_exact(area_state *st, spoly q, const size_t *mixed, size_t nm, unsigned sub, double cx,
                            double cy, double a, const size_t *loff, const size_t *cnt, const lc_xy *disc,
                            const unsigned *owner, size_t nd)
{
    size_t mark_p = st->poly_top, mark_l = st->plen_top;
    for (size_t m = 0; m < nm; m++) {
        if (!(sub >> m & 1))
            continue;
        size_t k = mixed[m];
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
    }
    double aq = q.nr ? spoly_area(st, q) : 0;
    lc_xy mine[MAX_DISCS];
    size_t n = 0;
    for (size_t d = 0; d < nd; d++)
        if (owner[d] & sub)
            mine[n++] = disc[d];
    if (q.nr && n == 1)
        aq -= spoly_disc_area(st, q, mine[0].x, mine[0].y, st->w);
    else if (q.nr && n > 1)
        aq -= spoly_discs_area(st, q, mine, n, st->w, cx, cy);
    st->poly_top = mark_p, st->plen_top = mark_l;
    return aq;
}

/* A smallest square. When resolvable: exact, by inclusion–exclusion over the undecided sets S of
 * area(p ∩ the complement of every set in S) (outside_exact). Otherwise (pieces seen across their
 * ends, too many discs or sets) each piece's region is taken as its tangent half-plane, by
 * inclusion–exclusion over the sets; the bound counts every such piece that is not a SLAB. */
static void leaf(area_state *st, spoly p, double area_p, double cx, double cy, double a, const size_t *loff,
                 const size_t *cnt)
{
    size_t mixed[MAX_SETS], nm = 0, approx = 0;
    for (size_t k = 0; k < st->nsets; k++)
        if (cnt[k] != SET_IN)
            mixed[nm++] = k;
    double est = area_p;
    size_t mark_p = st->poly_top, mark_l = st->plen_top;
    lc_xy disc[MAX_DISCS];
    unsigned owner[MAX_DISCS];
    size_t nd;
    if (resolvable(st, loff, cnt, cx, cy, a, disc, owner, &nd)) {
        for (unsigned sub = 1; sub < (1u << nm) && !st->nomem && !isnan(est); sub++) {
            double aq = outside_exact(st, p, mixed, nm, sub, cx, cy, a, loff, cnt, disc, owner, nd);
            est += __builtin_parity(sub) ? -aq : aq;
        }
        if (!isnan(est)) {
            st->area += est < 0 ? 0 : est > area_p ? area_p : est;
            st->exact_leaves = 1;
            return;
        }
        est = area_p; /* the discs crossed too often: estimated below */
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
    } else if (a <= st->min_a ||
               (a <= st->leaf_a && resolvable(st, kl, kc, cx, cy, a, (lc_xy[MAX_DISCS]){{0, 0}},
                                              (unsigned[MAX_DISCS]){0}, &(size_t){0}))) {
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
