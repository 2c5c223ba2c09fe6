/*
 * queries/corridor_trace.c — the outline of a corridor region on a square grid (queries/
 * corridor_int.h), as GEOS polygons: service areas, gaps, isochrones.
 *
 * Marching squares on the grid's nodes, each inside or outside (within width of a piece or not). A
 * square of nodes whose centre has a piece within width − half-diagonal is inside whole, one with none
 * within width + half-diagonal outside whole, and only squares near the region's edge are cut down to
 * single nodes — so a city's service area costs what its outline costs, not what its area does. Each
 * cell whose corners differ gives one or two pieces of the outline between crossings on its sides;
 * each crossing is found where the nearer of the side's two ends' nearest pieces is exactly width
 * away (Newton's method from the linear guess), so it lies on the region's true edge, and where a
 * cell's two crossings come from different pieces the corner where their edges meet is added. A
 * saddle is decided by the mean of its corners' distances. The pieces are oriented with the region on
 * their left and named by the grid edges they join, so pieces from separately traced blocks join
 * exactly. Between vertices the outline is a chord of the region's round parts (at most cell² / (8 ·
 * width) inside them), and a wedge of the outside thinner than a cell, which no node falls in, is
 * lost. lc_corridor_assemble walks the pieces into rings, drops vertices where a ring runs straight
 * on, and nests the rings by sweeping the grid's lines (a ring's parent is the innermost ring open
 * where it first appears): shells, their holes, and islands in holes, without any overlay.
 *
 * GDAL's contour generator (GDALContourGenerateEx) was measured for this and not used: it reads every
 * node of a full raster (0.6 s per category for a 5 m grid over a 23 × 35 km city, where the outline
 * touches 1 % of the nodes), and assembling its POLYGONIZE=YES output took 13 s for 5,900 rings.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queries/corridor_scratch.h"

/* A node's state: inside or outside, and whether its exact distance and nearest piece are known (in
 * scratch->val and ->near); the grid's outermost nodes are forced outside. */
enum { NODE_IN = 1, NODE_OUT = 2, NODE_EXACT = 4, NODE_FORCED = 8 };
/* Crossings are kept this far (as a fraction of a side) from the nodes, so outlines never meet. */
#define T_MIN 1e-8

lc_grid lc_corridor_grid_for(lc_bbox box, double cell, double width)
{
    lc_grid g = {.cell = cell, .width = width};
    g.i0 = (int64_t)floor(box.minx / cell) - 2;
    g.j0 = (int64_t)floor(box.miny / cell) - 2;
    g.i1 = (int64_t)ceil(box.maxx / cell) + 2;
    g.j1 = (int64_t)ceil(box.maxy / cell) + 2;
    return g;
}

/* One block's state: its nodes, and its pieces listed in square buckets so that a question about the
 * pieces near a point reads only the buckets near it. */
typedef struct fill_state {
    lc_corridor_scratch *scr;
    const lc_pseg *prep;   /* the block's pieces, prepared */
    const lc_grid *g;
    int64_t ni0, nj0, ni;  /* the block's first node and its row length */
    double bx0, by0, bs;   /* the buckets: origin, side */
    int64_t nbx, nby;
    size_t idx_top;        /* the pieces' lists: a stack in scr->idx */
    int64_t ci0, cj0, ci1, cj1; /* the block's nodes (inclusive) */
    int64_t sq, nsx;       /* its squares: side in nodes, squares per row */
    uint32_t tick;         /* the last square to list its pieces (scr->stamp) */
    int keep_d2;           /* the lists keep each piece's squared distance from the square's centre in
                              scr->d2, beside scr->idx (the union of lc_corridor_trace_sets) */
    const struct lc_corridor_sets *un; /* NULL, or where the squares' lists come from (lc_corridor_trace_sets), */
    size_t set;            /* as the pieces of this set of it */
    int nomem;
} fill_state;

/* Lists the scratch's pieces in buckets of side bs over box (CSR in scr->bstart / scr->bitem): each
 * piece in every bucket its bounding box meets. 0, or -1 out of memory. */
static int bucket_pieces(fill_state *fs, lc_bbox box, double bs)
{
    lc_corridor_scratch *scr = fs->scr;
    fs->bx0 = box.minx, fs->by0 = box.miny, fs->bs = bs;
    fs->nbx = (int64_t)ceil((box.maxx - box.minx) / bs), fs->nby = (int64_t)ceil((box.maxy - box.miny) / bs);
    fs->nbx = fs->nbx < 1 ? 1 : fs->nbx, fs->nby = fs->nby < 1 ? 1 : fs->nby;
    size_t nb = (size_t)(fs->nbx * fs->nby);
    if (lc_scratch_grow((void **)&scr->bstart, &scr->bstart_cap, nb + 1, sizeof *scr->bstart))
        return -1;
    memset(scr->bstart, 0, (nb + 1) * sizeof *scr->bstart);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            size_t sum = 0;
            for (size_t b = 0; b <= nb; b++) {
                size_t k = scr->bstart[b];
                scr->bstart[b] = sum;
                sum += k;
            }
            if (lc_scratch_grow((void **)&scr->bitem, &scr->bitem_cap, sum ? sum : 1, sizeof *scr->bitem))
                return -1;
        }
        for (size_t k = 0; k < scr->npieces; k++) {
            const lc_seg *p = &scr->pieces[k];
            int64_t x0 = (int64_t)floor((lc_min(p->ax, p->bx) - fs->bx0) / bs), x1 = (int64_t)floor((lc_max(p->ax, p->bx) - fs->bx0) / bs);
            int64_t y0 = (int64_t)floor((lc_min(p->ay, p->by) - fs->by0) / bs), y1 = (int64_t)floor((lc_max(p->ay, p->by) - fs->by0) / bs);
            x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
            x1 = x1 >= fs->nbx ? fs->nbx - 1 : x1, y1 = y1 >= fs->nby ? fs->nby - 1 : y1;
            for (int64_t y = y0; y <= y1; y++)
                for (int64_t x = x0; x <= x1; x++) {
                    size_t b = (size_t)(y * fs->nbx + x);
                    if (pass == 0)
                        scr->bstart[b]++;
                    else
                        scr->bitem[scr->bstart[b]++] = (uint32_t)k;
                }
        }
    }
    for (size_t b = nb; b > 0; b--) /* the fill advanced each start to the next bucket's */
        scr->bstart[b] = scr->bstart[b - 1];
    scr->bstart[0] = 0;
    return 0;
}

/* The bucket range within r of (cx, cy). */
static void bucket_range(const fill_state *fs, double cx, double cy, double r, int64_t *bx0, int64_t *by0,
                         int64_t *bx1, int64_t *by1)
{
    *bx0 = (int64_t)floor((cx - r - fs->bx0) / fs->bs), *bx1 = (int64_t)floor((cx + r - fs->bx0) / fs->bs);
    *by0 = (int64_t)floor((cy - r - fs->by0) / fs->bs), *by1 = (int64_t)floor((cy + r - fs->by0) / fs->bs);
    *bx0 = *bx0 < 0 ? 0 : *bx0, *by0 = *by0 < 0 ? 0 : *by0;
    *bx1 = *bx1 >= fs->nbx ? fs->nbx - 1 : *bx1, *by1 = *by1 >= fs->nby ? fs->nby - 1 : *by1;
}

static void set_block(fill_state *fs, int64_t ia, int64_t ib, int64_t ja, int64_t jb, unsigned char v)
{
    for (int64_t j = ja; j <= jb; j++)
        memset(fs->scr->state + (j - fs->nj0) * fs->ni + (ia - fs->ni0), v, (size_t)(ib - ia + 1));
}

/* Nodes [ia, ib] × [ja, jb] (inclusive) with the pieces idx[loff .. loff + cnt) still in question (every
 * piece within width + 1.5 cells + the half-diagonal of their centre): inside when their centre has a
 * piece within width − half-diagonal, outside when none is within width + half-diagonal, else halved,
 * each half keeping the pieces that can still matter to it. A single node is always settled, and its
 * exact distance and nearest piece come with it (its list holds every piece within width + 1.5 cells:
 * all a node beside the outline can be nearest to). */
static void halve(fill_state *fs, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff, size_t cnt);

static void classify(fill_state *fs, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff, size_t cnt)
{
    lc_corridor_scratch *scr = fs->scr;
    double cell = fs->g->cell, w = fs->g->width;
    double cx = 0.5 * (double)(ia + ib) * cell, cy = 0.5 * (double)(ja + jb) * cell;
    if (ia == ib && ja == jb) {
        double best = INFINITY;
        uint32_t arg = UINT32_MAX;
        for (size_t k = 0; k < cnt; k++) {
            uint32_t i = scr->idx[loff + k];
            double d2 = lc_pseg_dist2(&fs->prep[i], cx, cy);
            if (d2 < best || (d2 == best && i < arg))
                best = d2, arg = i;
        }
        size_t at = (size_t)((ja - fs->nj0) * fs->ni + (ia - fs->ni0));
        scr->state[at] = (best <= w * w ? NODE_IN : NODE_OUT) | (arg != UINT32_MAX ? NODE_EXACT : 0);
        scr->val[at] = sqrt(best);
        scr->near[at] = arg;
        return;
    }
    double di = (double)(ib - ia), dj = (double)(jb - ja), h = 0.5 * cell * sqrt(di * di + dj * dj);
    double in = w - h, out = w + h, keep = w + 1.5 * cell + h;
    if (lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, fs->idx_top + cnt, sizeof *scr->idx)) {
        fs->nomem = 1;
        return;
    }
    size_t kl = fs->idx_top, m = 0;
    int near = 0;
    for (size_t k = 0; k < cnt; k++) {
        uint32_t i = scr->idx[loff + k];
        double d2 = lc_pseg_dist2(&fs->prep[i], cx, cy);
        if (in >= 0 && d2 <= in * in) {
            set_block(fs, ia, ib, ja, jb, NODE_IN);
            return;
        }
        if (d2 <= keep * keep) {
            scr->idx[kl + m++] = i;
            near |= d2 <= out * out;
        }
    }
    if (!near) {
        set_block(fs, ia, ib, ja, jb, NODE_OUT);
        return;
    }
    fs->idx_top += m;
    halve(fs, ia, ib, ja, jb, kl, m);
    fs->idx_top = kl;
}

/* classify's second step: the nodes halved along their longer side, each half classified with the
 * pieces idx[loff .. loff + cnt). */
static void halve(fill_state *fs, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff, size_t cnt)
{
    if (ib - ia >= jb - ja) {
        int64_t mid = ia + (ib - ia) / 2;
        classify(fs, ia, mid, ja, jb, loff, cnt);
        classify(fs, mid + 1, ib, ja, jb, loff, cnt);
    } else {
        int64_t mid = ja + (jb - ja) / 2;
        classify(fs, ia, ib, ja, mid, loff, cnt);
        classify(fs, ia, ib, mid + 1, jb, loff, cnt);
    }
}

/* ---- several sets over one block at once ------------------------------------------------------- */

static const lc_square_list *square_list(fill_state *fs, int64_t sx, int64_t sy);
static void set_block(fill_state *fs, int64_t ia, int64_t ib, int64_t ja, int64_t jb, unsigned char v);

#define SETS_MAX 32

/* The union of several piece sets traced over one block (lc_corridor_trace_sets): each piece once,
 * with the sets that hold it, and the block's squares' lists of union pieces with their squared
 * distances, so that a piece's distance from a square's centre or a node is computed once for every
 * set that holds it. */
struct lc_corridor_sets {
    lc_corridor_scratch *u;  /* the union's pieces, prep, buckets, stamps and square lists (idx, d2) */
    uint32_t *mask;          /* per union piece: the sets holding it (bit c: set c) */
    size_t mask_cap;
    uint32_t *loc;           /* loc[k · nsets + c]: union piece k's index in set c */
    size_t loc_cap;
    size_t *slot;            /* the dedup table: union piece + 1, 0 empty */
    size_t slot_cap;
    uint32_t *held;          /* per square: the sets with a piece holding it whole */
    size_t held_cap;
    size_t nsets;
    lc_grid g;               /* cell and width */
    fill_state fs;           /* the union's squares */
    fill_state sfs[SETS_MAX];/* each set's block */
};

/* Square (sx, sy)'s list for set fs->set, from the union's, into *l: the same pieces square_list
 * finds among the set's own (at the same squared distances; no reader depends on their order). NULL
 * out of memory. */
static const lc_square_list *union_square_list(fill_state *fs, lc_square_list *l, int64_t sx, int64_t sy)
{
    struct lc_corridor_sets *un = (struct lc_corridor_sets *)fs->un;
    const lc_square_list *ul = square_list(&un->fs, sx, sy);
    lc_corridor_scratch *scr = fs->scr;
    if (!ul || lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, fs->idx_top + (ul->cnt ? ul->cnt : 1),
                               sizeof *scr->idx)) {
        fs->nomem = 1;
        return NULL;
    }
    double cell = fs->g->cell, w = fs->g->width;
    int64_t ia = fs->ci0 + sx * fs->sq, ib = ia + fs->sq - 1 < fs->ci1 ? ia + fs->sq - 1 : fs->ci1;
    int64_t ja = fs->cj0 + sy * fs->sq, jb = ja + fs->sq - 1 < fs->cj1 ? ja + fs->sq - 1 : fs->cj1;
    double di = (double)(ib - ia), dj = (double)(jb - ja), h = 0.5 * cell * sqrt(di * di + dj * dj);
    double in = w - h, out = w + h;
    const uint32_t *uidx = un->u->idx + ul->off, bit = (uint32_t)1 << fs->set;
    const double *ud2 = un->u->d2 + ul->off;
    size_t at = fs->idx_top, m = 0, ns = un->nsets;
    int any_in = 0, near = 0;
    for (uint32_t k = 0; k < ul->cnt; k++) {
        uint32_t p = uidx[k];
        if (!(un->mask[p] & bit))
            continue;
        scr->idx[at + m++] = un->loc[(size_t)p * ns + fs->set];
        any_in |= in >= 0 && ud2[k] <= in * in;
        near |= ud2[k] <= out * out;
    }
    l->off = at, l->cnt = (uint32_t)m;
    l->in = (unsigned char)any_in, l->near = (unsigned char)near;
    fs->idx_top = at + m;
    return l;
}

/* set_block for every set in bits. */
static void sets_block(struct lc_corridor_sets *un, uint32_t bits, int64_t ia, int64_t ib, int64_t ja, int64_t jb,
                       unsigned char v)
{
    for (; bits; bits &= bits - 1)
        set_block(&un->sfs[__builtin_ctz(bits)], ia, ib, ja, jb, v);
}

static void sets_halve(struct lc_corridor_sets *un, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff,
                       size_t cnt, uint32_t sets);

/* classify for the sets in `sets` at once, from the union pieces u->idx[loff .. loff + cnt): each
 * piece's squared distance computed once, each set deciding from its own pieces among them exactly
 * as classify does (inside when one is within width − half-diagonal, outside when none is within
 * width + half-diagonal, else halved with those within width + 1.5 cells + half-diagonal; a single
 * node gets its exact distance and nearest piece, the lowest index of equals in the set's own
 * numbering). */
static void sets_classify(struct lc_corridor_sets *un, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff,
                          size_t cnt, uint32_t sets)
{
    lc_corridor_scratch *u = un->u;
    double cell = un->g.cell, w = un->g.width;
    double cx = 0.5 * (double)(ia + ib) * cell, cy = 0.5 * (double)(ja + jb) * cell;
    size_t ns = un->nsets;
    if (ia == ib && ja == jb) {
        double best[SETS_MAX];
        uint32_t arg[SETS_MAX];
        for (uint32_t b = sets; b; b &= b - 1)
            best[__builtin_ctz(b)] = INFINITY, arg[__builtin_ctz(b)] = UINT32_MAX;
        for (size_t k = 0; k < cnt; k++) {
            uint32_t p = u->idx[loff + k], m = un->mask[p] & sets;
            if (!m)
                continue;
            double d2 = lc_pseg_dist2(&u->prep[p], cx, cy);
            for (; m; m &= m - 1) {
                int c = __builtin_ctz(m);
                uint32_t i = un->loc[(size_t)p * ns + (size_t)c];
                if (d2 < best[c] || (d2 == best[c] && i < arg[c]))
                    best[c] = d2, arg[c] = i;
            }
        }
        for (uint32_t b = sets; b; b &= b - 1) {
            int c = __builtin_ctz(b);
            fill_state *fs = &un->sfs[c];
            size_t at = (size_t)((ja - fs->nj0) * fs->ni + (ia - fs->ni0));
            fs->scr->state[at] = (best[c] <= w * w ? NODE_IN : NODE_OUT) | (arg[c] != UINT32_MAX ? NODE_EXACT : 0);
            fs->scr->val[at] = sqrt(best[c]);
            fs->scr->near[at] = arg[c];
        }
        return;
    }
    double di = (double)(ib - ia), dj = (double)(jb - ja), h = 0.5 * cell * sqrt(di * di + dj * dj);
    double in = w - h, out = w + h, keep = w + 1.5 * cell + h;
    if (lc_scratch_grow((void **)&u->idx, &u->idx_cap, un->fs.idx_top + cnt, sizeof *u->idx)) {
        un->fs.nomem = 1;
        return;
    }
    size_t kl = un->fs.idx_top, m = 0;
    uint32_t in_sets = 0, near_sets = 0;
    for (size_t k = 0; k < cnt; k++) {
        uint32_t p = u->idx[loff + k], pm = un->mask[p] & sets;
        if (!pm)
            continue; /* no set still in question holds it */
        double d2 = lc_pseg_dist2(&u->prep[p], cx, cy);
        if (in >= 0 && d2 <= in * in)
            in_sets |= pm;
        if (d2 <= keep * keep) {
            u->idx[kl + m++] = p;
            if (d2 <= out * out)
                near_sets |= pm;
        }
    }
    sets_block(un, sets & in_sets, ia, ib, ja, jb, NODE_IN);
    sets_block(un, sets & ~in_sets & ~near_sets, ia, ib, ja, jb, NODE_OUT);
    uint32_t rest = sets & ~in_sets & near_sets;
    if (!rest)
        return;
    un->fs.idx_top += m;
    sets_halve(un, ia, ib, ja, jb, kl, m, rest);
    un->fs.idx_top = kl;
}

static void sets_halve(struct lc_corridor_sets *un, int64_t ia, int64_t ib, int64_t ja, int64_t jb, size_t loff,
                       size_t cnt, uint32_t sets)
{
    if (ib - ia >= jb - ja) {
        int64_t mid = ia + (ib - ia) / 2;
        sets_classify(un, ia, mid, ja, jb, loff, cnt, sets);
        sets_classify(un, mid + 1, ib, ja, jb, loff, cnt, sets);
    } else {
        int64_t mid = ja + (jb - ja) / 2;
        sets_classify(un, ia, ib, ja, mid, loff, cnt, sets);
        sets_classify(un, ia, ib, mid + 1, jb, loff, cnt, sets);
    }
}

/* fill_block for every set at once: the squares a set's piece holds whole are inside for it; the
 * rest decide from the union's square lists (square_list's first step, per set), then sets_halve. */
static void sets_fill(struct lc_corridor_sets *un)
{
    fill_state *fs = &un->fs;
    double cell = un->g.cell, w = un->g.width;
    int64_t sq = fs->sq, nsx = fs->nsx, nsy = (fs->cj1 - fs->cj0 + sq) / sq;
    uint32_t all = un->nsets == 32 ? UINT32_MAX : ((uint32_t)1 << un->nsets) - 1;
    for (int64_t sy = 0; sy < nsy && !fs->nomem; sy++)
        for (int64_t sx = 0; sx < nsx && !fs->nomem; sx++) {
            int64_t ia = fs->ci0 + sx * sq, ib = ia + sq - 1 < fs->ci1 ? ia + sq - 1 : fs->ci1;
            int64_t ja = fs->cj0 + sy * sq, jb = ja + sq - 1 < fs->cj1 ? ja + sq - 1 : fs->cj1;
            uint32_t held = un->held[sy * nsx + sx] & all, rest = all & ~held;
            sets_block(un, held, ia, ib, ja, jb, NODE_IN);
            if (!rest)
                continue;
            const lc_square_list *l = square_list(fs, sx, sy);
            if (!l)
                return;
            if (ia == ib && ja == jb) {
                sets_classify(un, ia, ib, ja, jb, l->off, l->cnt, rest);
                continue;
            }
            double di = (double)(ib - ia), dj = (double)(jb - ja), h = 0.5 * cell * sqrt(di * di + dj * dj);
            double in = w - h, out = w + h;
            uint32_t in_sets = 0, near_sets = 0;
            const uint32_t *idx = fs->scr->idx + l->off;
            const double *d2 = fs->scr->d2 + l->off;
            for (uint32_t k = 0; k < l->cnt; k++) {
                uint32_t pm = un->mask[idx[k]] & rest;
                if (in >= 0 && d2[k] <= in * in)
                    in_sets |= pm;
                if (d2[k] <= out * out)
                    near_sets |= pm;
            }
            sets_block(un, rest & in_sets, ia, ib, ja, jb, NODE_IN);
            sets_block(un, rest & ~in_sets & ~near_sets, ia, ib, ja, jb, NODE_OUT);
            uint32_t undecided = rest & ~in_sets & near_sets;
            if (undecided)
                sets_halve(un, ia, ib, ja, jb, l->off, l->cnt, undecided);
        }
}

/* Square (sx, sy)'s list of pieces, made on first use and kept for the block (in scr->idx, below the
 * stack): each piece within width + 1.5 cells + the square's half-diagonal h of its centre, once —
 * the pieces classify would keep at its first step — and whether one is within width − h (it holds
 * the square whole) or width + h (the square is not wholly outside), which classify's first step
 * decides by. The list holds every piece within width + 1.5 cells of any of the square's nodes: all
 * that classify needs, and all that make_exact does for a node beside the outline. NULL out of
 * memory. */
static const lc_square_list *square_list(fill_state *fs, int64_t sx, int64_t sy)
{
    lc_corridor_scratch *scr = fs->scr;
    lc_square_list *l = &scr->sqlist[sy * fs->nsx + sx];
    if (l->cnt != UINT32_MAX)
        return l;
    if (fs->un)
        return union_square_list(fs, l, sx, sy);
    double cell = fs->g->cell, w = fs->g->width;
    int64_t ia = fs->ci0 + sx * fs->sq, ib = ia + fs->sq - 1 < fs->ci1 ? ia + fs->sq - 1 : fs->ci1;
    int64_t ja = fs->cj0 + sy * fs->sq, jb = ja + fs->sq - 1 < fs->cj1 ? ja + fs->sq - 1 : fs->cj1;
    double di = (double)(ib - ia), dj = (double)(jb - ja), h = 0.5 * cell * sqrt(di * di + dj * dj);
    double cx = 0.5 * (double)(ia + ib) * cell, cy = 0.5 * (double)(ja + jb) * cell;
    double r = w + 1.5 * cell + h, in = w - h, out = w + h;
    int any_in = 0, near = 0;
    /* Each piece at most once: room for all of them above the lists made so far. */
    size_t room = fs->idx_top + (scr->npieces ? scr->npieces : 1);
    if (lc_scratch_grow((void **)&scr->idx, &scr->idx_cap, room, sizeof *scr->idx) ||
        (fs->keep_d2 && lc_scratch_grow((void **)&scr->d2, &scr->d2_cap, room, sizeof *scr->d2))) {
        fs->nomem = 1;
        return NULL;
    }
    int64_t bx0, by0, bx1, by1;
    bucket_range(fs, cx, cy, r, &bx0, &by0, &bx1, &by1);
    uint32_t tick = ++fs->tick;
    size_t at = fs->idx_top, m = 0;
    for (int64_t by = by0; by <= by1; by++) {
        const size_t *row = scr->bstart + by * fs->nbx;
        for (int64_t bx = bx0; bx <= bx1; bx++)
            for (size_t k = row[bx]; k < row[bx + 1]; k++) {
                uint32_t p = scr->bitem[k];
                if (scr->stamp[p] != tick) {
                    scr->stamp[p] = tick;
                    double d2 = lc_pseg_dist2(&fs->prep[p], cx, cy);
                    if (d2 <= r * r) {
                        if (fs->keep_d2)
                            scr->d2[at + m] = d2;
                        scr->idx[at + m++] = p;
                        any_in |= in >= 0 && d2 <= in * in;
                        near |= d2 <= out * out;
                    }
                }
            }
    }
    l->off = at, l->cnt = (uint32_t)m;
    l->in = (unsigned char)any_in, l->near = (unsigned char)near;
    fs->idx_top = at + m;
    return l;
}

/* The block's squares (about 0.4 × width a side, at least 3 × 3 nodes) into fs, none with its list
 * made yet. Sets fs->nomem on failure. */
static void fill_block_squares(fill_state *fs, int64_t ci0, int64_t cj0, int64_t ci1, int64_t cj1)
{
    lc_corridor_scratch *scr = fs->scr;
    int64_t sq = (int64_t)(0.4 * fs->g->width / fs->g->cell) + 1;
    /* At least 3 × 3 nodes: squares of 2 × 2 gathered their pieces for four nodes (on 12.5 m service
     * cells 3 cost 2.1 % fewer instructions of a network check, 4 1.9 %, 6 and 8 more than 2). */
    sq = sq < 3 ? 3 : sq > 64 ? 64 : sq;
    int64_t nsx = (ci1 - ci0 + sq) / sq, nsy = (cj1 - cj0 + sq) / sq; /* ceil((nodes) / sq) */
    size_t nsq = (size_t)(nsx * nsy);
    if (lc_scratch_grow((void **)&scr->stamp, &scr->stamp_cap, scr->npieces ? scr->npieces : 1, sizeof *scr->stamp) ||
        lc_scratch_grow((void **)&scr->sqlist, &scr->sqlist_cap, nsq, sizeof *scr->sqlist)) {
        fs->nomem = 1;
        return;
    }
    fs->ci0 = ci0, fs->cj0 = cj0, fs->ci1 = ci1, fs->cj1 = cj1, fs->sq = sq, fs->nsx = nsx;
    fs->tick = 0;
    fs->idx_top = 0;
    memset(scr->stamp, 0, scr->npieces * sizeof *scr->stamp);
    for (size_t q = 0; q < nsq; q++)
        scr->sqlist[q].cnt = UINT32_MAX;
}

/* The squares' centres (x per column, then y per row, in scr->sqc) and which squares a piece holds
 * whole — its squared distance from their centre within (width − the half-diagonal)² — as bits in
 * flag (one byte per square): bit 0 for a block's own pieces, the pieces' sets for a union's. */
static int mark_held(fill_state *fs, const lc_seg *pieces, const lc_pseg *prep, size_t npieces, const uint32_t *mask,
                     uint32_t *flag)
{
    lc_corridor_scratch *scr = fs->scr;
    double cell = fs->g->cell, w = fs->g->width;
    int64_t sq = fs->sq, nsx = fs->nsx, nsy = (fs->cj1 - fs->cj0 + sq) / sq, ci0 = fs->ci0, cj0 = fs->cj0;
    if (lc_scratch_grow((void **)&scr->sqc, &scr->sqc_cap, (size_t)(nsx + nsy), sizeof *scr->sqc))
        return -1;
    memset(flag, 0, (size_t)(nsx * nsy) * sizeof *flag);
    /* Each square's centre once, not once per piece near it (that was 1 % of a network check). */
    double *sqcx = scr->sqc, *sqcy = scr->sqc + nsx;
    for (int64_t sx = 0; sx < nsx; sx++) {
        int64_t ia = ci0 + sx * sq, ib = ia + sq - 1 < fs->ci1 ? ia + sq - 1 : fs->ci1;
        sqcx[sx] = 0.5 * (double)(ia + ib) * cell;
    }
    for (int64_t sy = 0; sy < nsy; sy++) {
        int64_t ja = cj0 + sy * sq, jb = ja + sq - 1 < fs->cj1 ? ja + sq - 1 : fs->cj1;
        sqcy[sy] = 0.5 * (double)(ja + jb) * cell;
    }
    double H = 0.5 * cell * (double)(sq - 1) * M_SQRT2, rin = w - H;
    for (size_t k = 0; rin > 0 && k < npieces; k++) {
        const lc_seg *p = &pieces[k];
        uint32_t bits = mask ? mask[k] : 1;
        double minx = lc_min(p->ax, p->bx) - rin, maxx = lc_max(p->ax, p->bx) + rin;
        double miny = lc_min(p->ay, p->by) - rin, maxy = lc_max(p->ay, p->by) + rin;
        /* Square s spans nodes ci0 + s·sq .. + sq − 1: its centre's node index ≈ ci0 + s·sq + (sq − 1) / 2. */
        int64_t sx0 = (int64_t)floor((minx / cell - (double)ci0 - 0.5 * (double)(sq - 1)) / (double)sq);
        int64_t sx1 = (int64_t)ceil((maxx / cell - (double)ci0 - 0.5 * (double)(sq - 1)) / (double)sq);
        int64_t sy0 = (int64_t)floor((miny / cell - (double)cj0 - 0.5 * (double)(sq - 1)) / (double)sq);
        int64_t sy1 = (int64_t)ceil((maxy / cell - (double)cj0 - 0.5 * (double)(sq - 1)) / (double)sq);
        sx0 = sx0 < 0 ? 0 : sx0, sy0 = sy0 < 0 ? 0 : sy0;
        sx1 = sx1 >= nsx ? nsx - 1 : sx1, sy1 = sy1 >= nsy ? nsy - 1 : sy1;
        for (int64_t sy = sy0; sy <= sy1; sy++) {
            double cy = sqcy[sy];
            uint32_t *row = &flag[sy * nsx];
            for (int64_t sx = sx0; sx <= sx1; sx++)
                if ((row[sx] & bits) != bits && lc_pseg_dist2(&prep[k], sqcx[sx], cy) <= rin * rin)
                    row[sx] |= bits;
        }
    }
    return 0;
}

/* Settles every node of the block inside or outside, in squares of about 0.4 × width a side (at
 * least 3 × 3 nodes). Every piece first marks the squares it holds whole (their centre within
 * width − half-diagonal of it); every other square starts from its list (square_list): none is
 * outside, else classify sifts them. */
static void fill_block(fill_state *fs, int64_t ci0, int64_t cj0, int64_t ci1, int64_t cj1)
{
    lc_corridor_scratch *scr = fs->scr;
    fill_block_squares(fs, ci0, cj0, ci1, cj1);
    if (fs->nomem)
        return;
    int64_t sq = fs->sq, nsx = fs->nsx, nsy = (cj1 - cj0 + sq) / sq;
    size_t nsq = (size_t)(nsx * nsy);
    if (lc_scratch_grow((void **)&scr->sqflag, &scr->sqflag_cap, nsq, sizeof *scr->sqflag) ||
        mark_held(fs, scr->pieces, scr->prep, scr->npieces, NULL, scr->sqflag)) {
        fs->nomem = 1;
        return;
    }
    for (int64_t sy = 0; sy < nsy && !fs->nomem; sy++)
        for (int64_t sx = 0; sx < nsx && !fs->nomem; sx++) {
            int64_t ia = ci0 + sx * sq, ib = ia + sq - 1 < ci1 ? ia + sq - 1 : ci1;
            int64_t ja = cj0 + sy * sq, jb = ja + sq - 1 < cj1 ? ja + sq - 1 : cj1;
            if (scr->sqflag[sy * nsx + sx]) {
                set_block(fs, ia, ib, ja, jb, NODE_IN);
                continue;
            }
            const lc_square_list *l = square_list(fs, sx, sy);
            if (!l)
                return;
            /* classify's first step, from what the list found: a piece holds the square whole, none
             * comes near it, or its halves are sifted (a single node gets its exact distance) */
            if (ia == ib && ja == jb)
                classify(fs, ia, ib, ja, jb, l->off, l->cnt);
            else if (l->in)
                set_block(fs, ia, ib, ja, jb, NODE_IN);
            else if (!l->near)
                set_block(fs, ia, ib, ja, jb, NODE_OUT);
            else
                halve(fs, ia, ib, ja, jb, l->off, l->cnt);
        }
}

/* The state byte of node (i, j) of the block. */
static unsigned char *node_state(const fill_state *fs, int64_t i, int64_t j)
{
    return &fs->scr->state[(j - fs->nj0) * fs->ni + (i - fs->ni0)];
}

/* Makes node (i, j)'s exact distance and nearest piece known (the lowest index of equals), from its
 * square's list (square_list): a node beside the outline is within a cell of it, so within width + a
 * cell of its nearest piece. The list is under half the pieces of the 3 × 3 buckets around the node
 * that were read before, and the same nearest piece is in both. Sets fs->nomem on failure. */
static void make_exact(fill_state *fs, int64_t i, int64_t j)
{
    unsigned char *st = node_state(fs, i, j);
    if (*st & (NODE_EXACT | NODE_FORCED))
        return;
    const lc_square_list *l = square_list(fs, (i - fs->ci0) / fs->sq, (j - fs->cj0) / fs->sq);
    if (!l)
        return;
    const lc_corridor_scratch *scr = fs->scr;
    double cell = fs->g->cell, cx = (double)i * cell, cy = (double)j * cell;
    double best = INFINITY;
    uint32_t arg = UINT32_MAX;
    const uint32_t *list = scr->idx + l->off;
    for (uint32_t k = 0; k < l->cnt; k++) {
        uint32_t p = list[k];
        double d2 = lc_pseg_dist2(&fs->prep[p], cx, cy);
        if (d2 < best || (d2 == best && p < arg))
            best = d2, arg = p;
    }
    size_t at = (size_t)(st - scr->state);
    fs->scr->val[at] = sqrt(best);
    fs->scr->near[at] = arg;
    *st |= NODE_EXACT;
}

/* The value marching squares reads at node (i, j): its exact distance when known, else one cell
 * inside or outside the edge (the grid's outermost nodes outside). */
static double node_value(const fill_state *fs, int64_t i, int64_t j)
{
    unsigned char st = *node_state(fs, i, j);
    double w = fs->g->width, cell = fs->g->cell;
    if (st & NODE_EXACT)
        return fs->scr->val[(j - fs->nj0) * fs->ni + (i - fs->ni0)];
    return st & NODE_IN ? w - cell : w + cell;
}

/* Key of the grid edge from node (i, j) going east (dir 0) or north (dir 1), the same in every grid
 * of the cell (node indices count from the CRS's origin; |i|, |j| < 2^30: 10,000 km at a centimetre),
 * so outlines traced for different grids can be compared and copied. */
static uint64_t edge_key(const lc_grid *g, int64_t i, int64_t j, int dir)
{
    (void)g;
    return (uint64_t)(i + ((int64_t)1 << 31)) << 32 | (uint64_t)(j + ((int64_t)1 << 30)) << 1 | (uint64_t)dir;
}

/* The distance from p to piece s and its gradient there (unit vector from the nearest point). */
static double dist_grad(const lc_seg *s, lc_xy p, lc_xy *grad)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((p.x - s->ax) * dx + (p.y - s->ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = p.x - (s->ax + t * dx), ey = p.y - (s->ay + t * dy), d = sqrt(ex * ex + ey * ey);
    *grad = d > 0 ? (lc_xy){ex / d, ey / d} : (lc_xy){0, 0};
    return d;
}

/* The piece of node (i, j) nearest it, when its distance is known; NULL otherwise. */
static const lc_seg *node_piece(const fill_state *fs, int64_t i, int64_t j)
{
    size_t at = (size_t)((j - fs->nj0) * fs->ni + (i - fs->ni0));
    unsigned char st = fs->scr->state[at];
    return st & NODE_EXACT && !(st & NODE_FORCED) ? &fs->scr->pieces[fs->scr->near[at]] : NULL;
}

/* Where the outline crosses the grid edge from node (i, j) east or north, whose ends hold va (at
 * (i, j)) and vb. With the nearest pieces of both ends known, the crossing is where the nearer of the
 * two is exactly width away (Newton's method from the linear guess, kept inside the bracket): on the
 * region's edge, not on a chord of it; else interpolated linearly. *active receives the piece that
 * makes the edge there (NULL when interpolated). Computed the same way from either cell. */
static lc_xy crossing(const fill_state *fs, int64_t i, int64_t j, int dir, double va, double vb,
                      const lc_seg **active)
{
    const lc_grid *g = fs->g;
    double w = g->width, t = (w - va) / (vb - va);
    lc_xy p0 = {(double)i * g->cell, (double)j * g->cell};
    lc_xy d = dir == 0 ? (lc_xy){g->cell, 0} : (lc_xy){0, g->cell};
    const lc_seg *sa = node_piece(fs, i, j), *sb = node_piece(fs, i + (dir == 0), j + (dir == 1));
    if (!sa || !sb) /* beside a forced node: halfway, well outside what was asked for */
        t = 0.5;
    *active = NULL;
    if (sa && sb) {
        double lo = 0, hi = 1;
        int rising = va <= w; /* inside at t = 0: f goes from ≤ 0 to > 0 */
        for (int it = 0; it < 30; it++) {
            lc_xy p = {p0.x + t * d.x, p0.y + t * d.y}, ga, gb;
            /* Both ends nearest the same piece (most crossings): one distance, the same answer. */
            double fa = dist_grad(sa, p, &ga), fb = sb == sa ? (gb = ga, fa) : dist_grad(sb, p, &gb);
            double f = (fa <= fb ? fa : fb) - w, df = fa <= fb ? ga.x * d.x + ga.y * d.y : gb.x * d.x + gb.y * d.y;
            *active = fa <= fb ? sa : sb;
            if ((f <= 0) == rising)
                lo = t;
            else
                hi = t;
            if (fabs(f) <= 1e-9 * w || hi - lo <= 1e-12)
                break;
            double nt = df != 0 ? t - f / df : -1;
            t = nt > lo && nt < hi ? nt : (lo + hi) / 2;
        }
    }
    t = t < T_MIN ? T_MIN : t > 1 - T_MIN ? 1 - T_MIN : t;
    return (lc_xy){p0.x + t * d.x, p0.y + t * d.y};
}

/* Where the edges of two pieces' regions meet inside the cell (x0, y0) – (x0 + cell, y0 + cell), the
 * corner of the outline between two crossings made by different pieces (Newton's method in the
 * plane from guess). 0 when they do not meet there (or run parallel). */
static int crease(const lc_seg *s1, const lc_seg *s2, double w, double x0, double y0, double cell, lc_xy guess,
                  lc_xy *at)
{
    lc_xy p = guess;
    for (int it = 0; it < 12; it++) {
        lc_xy g1, g2;
        double f1 = dist_grad(s1, p, &g1) - w, f2 = dist_grad(s2, p, &g2) - w;
        if (fabs(f1) <= 1e-9 * w && fabs(f2) <= 1e-9 * w)
            break;
        double det = g1.x * g2.y - g1.y * g2.x;
        if (fabs(det) < 1e-3)
            return 0;
        /* Solve [g1; g2] δ = −(f1, f2). */
        double dx = (-f1 * g2.y + f2 * g1.y) / det, dy = (-g1.x * f2 + g2.x * f1) / det;
        p.x += dx, p.y += dy;
        if (!(fabs(p.x - guess.x) < 2 * cell && fabs(p.y - guess.y) < 2 * cell))
            return 0;
    }
    lc_xy g;
    if (fabs(dist_grad(s1, p, &g) - w) > 1e-6 * w || fabs(dist_grad(s2, p, &g) - w) > 1e-6 * w)
        return 0;
    double e = 1e-9 * cell; /* the closed cell: a corner on a node (grids aligned with the streets) counts */
    if (!(p.x >= x0 - e && p.x <= x0 + cell + e && p.y >= y0 - e && p.y <= y0 + cell + e))
        return 0;
    *at = p;
    return 1;
}

/* Whether the 2 × 9 nodes from lo[0] and up[0] east are all inside or all outside: the eight cells
 * between them then hold no outline. Read eight states at a time, as most cells of a block lie wholly
 * inside or outside (the cell-by-cell test was 5 % of a network check's instructions). */
static int uniform8(const unsigned char *lo, const unsigned char *up)
{
    const uint64_t in = 0x0101010101010101ull * NODE_IN;
    uint64_t a, b;
    memcpy(&a, lo, sizeof a);
    memcpy(&b, up, sizeof b);
    a &= in, b &= in;
    return a == b && (a == 0 || a == in) && (lo[8] & NODE_IN) == (lo[0] & NODE_IN) &&
           (up[8] & NODE_IN) == (lo[0] & NODE_IN);
}

/* A block's node arrays for scr's pieces (prepared), and fs set up over them. 0, or -1. */
static int trace_setup(fill_state *fs, lc_corridor_scratch *scr, const lc_grid *g, int64_t ci0, int64_t cj0, int64_t ci1,
                       int64_t cj1)
{
    int64_t ni = ci1 - ci0 + 1, nj = cj1 - cj0 + 1;
    size_t nodes = (size_t)(ni * nj);
    if (lc_scratch_grow((void **)&scr->val, &scr->val_cap, nodes, sizeof *scr->val) ||
        lc_scratch_grow((void **)&scr->state, &scr->state_cap, nodes, 1) ||
        lc_scratch_grow((void **)&scr->near, &scr->near_cap, nodes, sizeof *scr->near) ||
        lc_scratch_prepare(scr, 0, scr->pieces, scr->npieces))
        return -1;
    *fs = (fill_state){.scr = scr, .prep = scr->prep, .g = g, .ni0 = ci0, .nj0 = cj0, .ni = ni};
    return 0;
}

static int trace_outline(fill_state *fs, const lc_grid *g, int64_t ci0, int64_t cj0, int64_t ci1, int64_t cj1,
                         lc_trace_segs *out);

int lc_corridor_trace_block(lc_corridor_scratch *scr, const lc_piece_source *src, const lc_grid *g, int64_t ci0,
                            int64_t cj0, int64_t ci1, int64_t cj1, lc_trace_segs *out)
{
    if (ci1 <= ci0 || cj1 <= cj0)
        return 0;
    double cell = g->cell, w = g->width, reach = w + 1.5 * cell; /* pieces that can matter to a node */
    if (src) {
        lc_bbox box = {(double)ci0 * cell, (double)cj0 * cell, (double)ci1 * cell, (double)cj1 * cell};
        lc_corridor_pieces_reset(scr);
        if (src->near(src->user, scr, box, reach))
            return -1;
    }
    fill_state fs;
    if (trace_setup(&fs, scr, g, ci0, cj0, ci1, cj1))
        return -1;
    lc_bbox nb = {(double)ci0 * cell - reach, (double)cj0 * cell - reach, (double)ci1 * cell + reach,
                  (double)cj1 * cell + reach};
    /* Buckets of the reach's side, read once per square for its list (square_list): half the side or
     * 1.5 × cost 0.6 % more of a network check's instructions (and squares of 4 × 4 nodes 0.3 %). */
    if (bucket_pieces(&fs, nb, lc_max(cell, reach)))
        return -1;
    fill_block(&fs, ci0, cj0, ci1, cj1);
    if (fs.nomem)
        return -1;
    return trace_outline(&fs, g, ci0, cj0, ci1, cj1, out);
}

/* ---- several sets' outlines over one block ----------------------------------------------------- */

lc_corridor_sets *lc_corridor_sets_create(void)
{
    lc_corridor_sets *un = calloc(1, sizeof *un);
    if (un && !(un->u = lc_corridor_scratch_create())) {
        free(un);
        return NULL;
    }
    return un;
}

void lc_corridor_sets_destroy(lc_corridor_sets *un)
{
    if (!un)
        return;
    lc_corridor_scratch_destroy(un->u);
    free(un->mask);
    free(un->loc);
    free(un->slot);
    free(un->held);
    free(un);
}

static size_t hash_key(uint64_t k, size_t mask);

/* The slot of a piece in a table of mask + 1 slots: its four coordinates' bits folded into one key
 * for hash_key (equal pieces are the same piece). */
static size_t piece_slot(const lc_seg *p, size_t mask)
{
    uint64_t k[4];
    memcpy(k, p, sizeof k);
    return hash_key(k[0] ^ (k[1] * 0x9E3779B97F4A7C15ULL) ^ (k[2] * 0xBF58476D1CE4E5B9ULL) ^ (k[3] * 0x94D049BB133111EBULL),
                    mask);
}

int lc_corridor_trace_sets(lc_corridor_sets *un, lc_corridor_scratch *const *scr, const lc_piece_set *sets,
                           const lc_grid *const *grids, size_t nsets, int64_t ci0, int64_t cj0, int64_t ci1,
                           int64_t cj1, lc_trace_segs *const *out)
{
    if (!nsets || nsets > SETS_MAX)
        return -1;
    if (ci1 <= ci0 || cj1 <= cj0)
        return 0;
    const lc_grid *g0 = grids[0];
    double cell = g0->cell, w = g0->width, reach = w + 1.5 * cell;
    lc_corridor_scratch *u = un->u;
    size_t total = 0;
    for (size_t c = 0; c < nsets; c++)
        total += sets[c].n;
    size_t slots = 16;
    while (slots < 2 * total)
        slots *= 2;
    lc_corridor_pieces_reset(u);
    if (lc_scratch_grow((void **)&un->slot, &un->slot_cap, slots, sizeof *un->slot) ||
        lc_scratch_grow((void **)&un->mask, &un->mask_cap, total ? total : 1, sizeof *un->mask) ||
        lc_scratch_grow((void **)&un->loc, &un->loc_cap, (total ? total : 1) * nsets, sizeof *un->loc) ||
        lc_scratch_grow((void **)&u->pieces, &u->pieces_cap, total ? total : 1, sizeof *u->pieces))
        return -1;
    memset(un->slot, 0, slots * sizeof *un->slot);
    un->nsets = nsets;
    for (size_t c = 0; c < nsets; c++)
        for (size_t k = 0; k < sets[c].n; k++) {
            const lc_seg *p = &sets[c].s[k];
            size_t i = piece_slot(p, slots - 1);
            while (un->slot[i] && memcmp(&u->pieces[un->slot[i] - 1], p, sizeof *p))
                i = (i + 1) & (slots - 1);
            size_t q = un->slot[i];
            if (!q) {
                q = un->slot[i] = ++u->npieces;
                u->pieces[q - 1] = *p;
                un->mask[q - 1] = 0;
            }
            /* a set holding the same piece twice (two roads drawn over each other) keeps the lower
             * index, which is the one classify and make_exact pick among equals */
            if (!(un->mask[q - 1] >> c & 1)) {
                un->mask[q - 1] |= (uint32_t)1 << c;
                un->loc[(q - 1) * nsets + c] = (uint32_t)k;
            }
        }
    un->g = (lc_grid){.cell = cell, .width = w};
    if (trace_setup(&un->fs, u, &un->g, ci0, cj0, ci1, cj1))
        return -1;
    un->fs.keep_d2 = 1;
    lc_bbox nb = {(double)ci0 * cell - reach, (double)cj0 * cell - reach, (double)ci1 * cell + reach,
                  (double)cj1 * cell + reach};
    if (bucket_pieces(&un->fs, nb, lc_max(cell, reach)))
        return -1;
    fill_block_squares(&un->fs, ci0, cj0, ci1, cj1);
    if (un->fs.nomem)
        return -1;
    size_t nsq = (size_t)(un->fs.nsx * ((cj1 - cj0 + un->fs.sq) / un->fs.sq));
    if (lc_scratch_grow((void **)&un->held, &un->held_cap, nsq, sizeof *un->held) ||
        mark_held(&un->fs, u->pieces, u->prep, u->npieces, un->mask, un->held))
        return -1;
    for (size_t c = 0; c < nsets; c++) {
        fill_state *fs = &un->sfs[c];
        lc_corridor_pieces_reset(scr[c]);
        if (lc_corridor_pieces_add(scr[c], sets[c].s, sets[c].n) || trace_setup(fs, scr[c], grids[c], ci0, cj0, ci1, cj1))
            return -1;
        fill_block_squares(fs, ci0, cj0, ci1, cj1);
        if (fs->nomem)
            return -1;
        fs->un = un, fs->set = c;
    }
    sets_fill(un);
    if (un->fs.nomem)
        return -1;
    for (size_t c = 0; c < nsets; c++)
        if (trace_outline(&un->sfs[c], grids[c], ci0, cj0, ci1, cj1, out[c]))
            return -1;
    return 0;
}

/* The outline of the block whose nodes fs has settled, into out (the forced border, then marching
 * squares). 0, or -1 out of memory. */
static int trace_outline(fill_state *fsp, const lc_grid *g, int64_t ci0, int64_t cj0, int64_t ci1, int64_t cj1,
                         lc_trace_segs *out)
{
    fill_state fs = *fsp; /* the cell loop's own copy; what make_exact adds lands in the scratch */
    lc_corridor_scratch *scr = fs.scr;
    double cell = g->cell, w = g->width;
    int64_t ni = ci1 - ci0 + 1;
    /* The grid's outermost nodes count as outside whatever their distance, so every outline closes. */
    for (int side = 0; side < 4; side++) {
        int64_t fixed = side == 0 ? g->j0 : side == 1 ? g->j1 : side == 2 ? g->i0 : g->i1;
        int rows = side < 2; /* a row of the border (j fixed), else a column (i fixed) */
        if (rows ? fixed < cj0 || fixed > cj1 : fixed < ci0 || fixed > ci1)
            continue;
        for (int64_t k = rows ? ci0 : cj0; k <= (rows ? ci1 : cj1); k++)
            *node_state(&fs, rows ? k : fixed, rows ? fixed : k) = NODE_OUT | NODE_FORCED;
    }
    /* Every cell whose corners differ, row by row; the corners beside a corner on the other side get
     * their exact distance (crossings are found from their nearest pieces). A side's crossing is found
     * once, for the first of its two cells, and kept for the second: a north side's for the cell above
     * (two rows of memos, by the parity of the grid row they lie on), an east side's for the next cell
     * east (the same value, as crossing() gives it from either cell). */
    if (lc_scratch_grow((void **)&scr->xrow, &scr->xrow_cap, (size_t)(2 * ni), sizeof *scr->xrow))
        return -1;
    for (int64_t k = 0; k < 2 * ni; k++)
        scr->xrow[k].row = INT64_MIN;
    for (int64_t j = cj0; j < cj1; j++) {
        lc_crossing_memo *south = scr->xrow + (j & 1) * ni, *north = scr->xrow + ((j + 1) & 1) * ni;
        lc_crossing_memo east = {.row = INT64_MIN}; /* .row: the node column i of the east side kept */
        const unsigned char *lo = node_state(&fs, ci0, j), *up = node_state(&fs, ci0, j + 1);
        for (int64_t i = ci0; i < ci1; i++, lo++, up++) {
            if (i + 8 <= ci1 && uniform8(lo, up)) { /* eight cells with no outline in them */
                i += 7, lo += 7, up += 7;
                continue;
            }
            int c0 = lo[0] & NODE_IN, c1 = lo[1] & NODE_IN, c2 = up[1] & NODE_IN, c3 = up[0] & NODE_IN;
            if (c0 == c1 && c1 == c2 && c2 == c3)
                continue;
            /* Corners counter-clockwise from the south-west; sides in the same order, each walked from
             * its first corner to its second: south (east), east (north), north (west), west (south). */
            int64_t ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
            int inside[4] = {c0 != 0, c1 != 0, c2 != 0, c3 != 0};
            int forced[4] = {lo[0] & NODE_FORCED, lo[1] & NODE_FORCED, up[1] & NODE_FORCED, up[0] & NODE_FORCED};
            /* A crossing between two real nodes is found from their nearest pieces; one beside a forced
             * node lies outside what was asked for, where any point does. */
            for (int k = 0; k < 4; k++) {
                int b = (k + 1) & 3;
                if (inside[k] != inside[b] && !forced[k] && !forced[b]) {
                    make_exact(&fs, ci[k], cj[k]);
                    make_exact(&fs, ci[b], cj[b]);
                }
            }
            double v[4];
            for (int k = 0; k < 4; k++)
                v[k] = node_value(&fs, ci[k], cj[k]);
            int exitf[4], nc = 0;
            uint64_t key[4];
            lc_xy at[4];
            const lc_seg *act[4];
            for (int k = 0; k < 4; k++) {
                int a = k, b = (k + 1) & 3;
                if (inside[a] == inside[b])
                    continue;
                /* The side as the grid names it: from its south or west node, east or north. */
                lc_crossing_memo *m;
                switch (k) {
                case 0:
                    key[nc] = edge_key(g, i, j, 0);
                    m = &south[i - ci0];
                    if (m->row == j)
                        at[nc] = m->at, act[nc] = m->act;
                    else
                        at[nc] = crossing(&fs, i, j, 0, v[0], v[1], &act[nc]);
                    break;
                case 1:
                    key[nc] = edge_key(g, i + 1, j, 1);
                    at[nc] = crossing(&fs, i + 1, j, 1, v[1], v[2], &act[nc]);
                    east = (lc_crossing_memo){at[nc], act[nc], i + 1};
                    break;
                case 2:
                    key[nc] = edge_key(g, i, j + 1, 0);
                    at[nc] = crossing(&fs, i, j + 1, 0, v[3], v[2], &act[nc]);
                    north[i - ci0] = (lc_crossing_memo){at[nc], act[nc], j + 1};
                    break;
                default:
                    key[nc] = edge_key(g, i, j, 1);
                    if (east.row == i)
                        at[nc] = east.at, act[nc] = east.act;
                    else
                        at[nc] = crossing(&fs, i, j, 1, v[0], v[3], &act[nc]);
                    break;
                }
                exitf[nc++] = inside[a];
            }
            int centre_in = nc == 4 && (v[0] + v[1] + v[2] + v[3]) / 4 <= w;
            for (int c = 0; c < nc; c++) {
                if (!exitf[c])
                    continue;
                int to = nc == 2 ? 1 - c : centre_in ? (c + 1) & 3 : (c + 3) & 3;
                if (out->n == out->cap && lc_scratch_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v))
                    return -1;
                lc_trace_seg sg = {key[c], key[to], at[c].x, at[c].y, 0, 0, 0};
                lc_xy cp;
                if (nc == 2 && act[c] && act[to] && act[c] != act[to] &&
                    crease(act[c], act[to], w, (double)i * cell, (double)j * cell, cell,
                           (lc_xy){(at[c].x + at[to].x) / 2, (at[c].y + at[to].y) / 2}, &cp))
                    sg.cx = cp.x, sg.cy = cp.y, sg.crease = 1;
                out->v[out->n++] = sg;
            }
        }
    }
    return fs.nomem ? -1 : 0;
}

/* ---- assembling ----------------------------------------------------------------------------------- */

/* A ring's crossing of a horizontal grid line, for nesting. */
typedef struct line_hit {
    int64_t row;
    double x;
    size_t ring;
} line_hit;

static int cmp_hit(const void *a, const void *b)
{
    const line_hit *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->ring > q->ring) - (p->ring < q->ring);
}

/* Sorts the crossings as cmp_hit orders them: counted into their rows first (a row holds a few
 * crossings of each ring that spans it), then each row by x — insertion for the short rows, qsort
 * for long ones; stable like glibc's qsort, so the order is the one a single qsort gave (which was
 * 2 % of a network check's instructions). 0, or -1 out of memory. */
static int sort_hits(line_hit *hits, size_t nh)
{
    if (nh < 2)
        return 0;
    int64_t lo = hits[0].row, hi = hits[0].row;
    for (size_t k = 1; k < nh; k++)
        lo = hits[k].row < lo ? hits[k].row : lo, hi = hits[k].row > hi ? hits[k].row : hi;
    size_t rows = (size_t)(hi - lo) + 1;
    size_t *start = calloc(rows + 1, sizeof *start);
    line_hit *out = malloc(nh * sizeof *out);
    if (!start || !out) {
        free(start);
        free(out);
        return -1;
    }
    for (size_t k = 0; k < nh; k++)
        start[hits[k].row - lo + 1]++;
    for (size_t r = 0; r < rows; r++)
        start[r + 1] += start[r];
    for (size_t k = 0; k < nh; k++)
        out[start[hits[k].row - lo]++] = hits[k];
    for (size_t r = 0, a = 0; r < rows; r++) { /* start[r] is now the end of row r */
        size_t b = start[r];
        if (b - a > 32) {
            qsort(out + a, b - a, sizeof *out, cmp_hit);
        } else {
            for (size_t i = a + 1; i < b; i++) {
                line_hit h = out[i];
                size_t j = i;
                for (; j > a && cmp_hit(&out[j - 1], &h) > 0; j--)
                    out[j] = out[j - 1];
                out[j] = h;
            }
        }
        a = b;
    }
    memcpy(hits, out, nh * sizeof *hits);
    free(start);
    free(out);
    return 0;
}

static size_t hash_key(uint64_t k, size_t mask)
{
    k ^= k >> 31;
    k *= 0x9E3779B97F4A7C15ULL;
    k ^= k >> 29;
    return (size_t)k & mask;
}

/* A GEOS ring of pts[a .. b) (closed here). */
static GEOSGeometry *make_ring(GEOSContextHandle_t h, const lc_xy *pts, size_t a, size_t b)
{
    size_t n = b - a;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)(n + 1), 2);
    if (!cs)
        return NULL;
    for (size_t k = 0; k <= n; k++)
        GEOSCoordSeq_setXY_r(h, cs, (unsigned)k, pts[a + k % n].x, pts[a + k % n].y);
    return GEOSGeom_createLinearRing_r(h, cs);
}

GEOSGeometry *lc_corridor_assemble(GEOSContextHandle_t h, const lc_grid *g, const lc_trace_seg *segs, size_t n,
                                   int *failed)
{
    *failed = 0;
    if (!n)
        return NULL;
    size_t slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    size_t *table = malloc(slots * sizeof *table);
    unsigned char *seen = calloc(n, 1);
    lc_xy *pts = malloc(2 * n * sizeof *pts);
    size_t *rstart = malloc((n + 1) * sizeof *rstart), nr = 0, np = 0, nh = 0, hcap = 0;
    line_hit *hits = NULL;
    size_t *parent = NULL, *depth = NULL, *stack = NULL, *hfirst = NULL, *hlist = NULL;
    unsigned char *open = NULL;
    GEOSGeometry **polys = NULL, *result = NULL;
    size_t npoly = 0;
    if (!table || !seen || !pts || !rstart)
        goto fail;
    for (size_t k = 0; k < slots; k++)
        table[k] = SIZE_MAX;
    for (size_t s = 0; s < n; s++) {
        size_t i = hash_key(segs[s].from, slots - 1);
        while (table[i] != SIZE_MAX)
            i = (i + 1) & (slots - 1);
        table[i] = s;
    }
    /* Rings: from each piece not yet used, follow `to` → the piece starting there. */
    for (size_t s0 = 0; s0 < n; s0++) {
        if (seen[s0])
            continue;
        size_t start = np, s = s0;
        do {
            seen[s] = 1;
            pts[np++] = (lc_xy){segs[s].x, segs[s].y};
            if (segs[s].crease)
                pts[np++] = (lc_xy){segs[s].cx, segs[s].cy};
            size_t i = hash_key(segs[s].to, slots - 1);
            while (table[i] != SIZE_MAX && segs[table[i]].from != segs[s].to)
                i = (i + 1) & (slots - 1);
            if (table[i] == SIZE_MAX || (seen[table[i]] && table[i] != s0))
                goto fail; /* an outline that does not close: cannot happen on a whole grid */
            s = table[i];
        } while (s != s0);
        /* Drop the vertices where the ring runs straight on (sides of a corridor along a straight
         * street: every crossing on the offset line), keeping at least a triangle. */
        size_t m = np - start, kept = 0;
        for (size_t k = 0; k < m; k++) {
            lc_xy a = kept ? pts[start + kept - 1] : pts[start + m - 1], b = pts[start + k],
                  c = pts[start + (k + 1) % m];
            double ux = b.x - a.x, uy = b.y - a.y, vx = c.x - b.x, vy = c.y - b.y;
            /* |u × v| ≤ 1e-9 |u| |v|, squared: no square roots (hypot was 1.6 % of a network check) */
            double cr = ux * vy - uy * vx, lu2 = ux * ux + uy * uy, lv2 = vx * vx + vy * vy;
            if (kept + (m - k - 1) >= 3 && cr * cr <= 1e-18 * lu2 * lv2 && ux * vx + uy * vy > 0)
                continue;
            pts[start + kept++] = b;
        }
        np = start + kept;
        if (kept < 3) {
            np = start;
            continue;
        }
        rstart[nr++] = start;
    }
    rstart[nr] = np;
    if (!nr)
        goto done;
    /* Nesting: every ring encloses a grid node, so it crosses that node's horizontal grid line; along
     * each line the crossings, sorted, open and close rings like brackets. */
    for (size_t r = 0; r < nr; r++) {
        size_t a = rstart[r], m = rstart[r + 1] - a;
        for (size_t k = 0; k < m; k++) {
            lc_xy p = pts[a + k], q = pts[a + (k + 1) % m];
            double lo = lc_min(p.y, q.y), hi = lc_max(p.y, q.y);
            if (!(hi > lo))
                continue;
            for (int64_t row = (int64_t)floor(lo / g->cell); (double)row * g->cell <= hi; row++) {
                double y = (double)row * g->cell;
                if (!(lo < y && y <= hi))
                    continue;
                if (nh == hcap && lc_scratch_grow((void **)&hits, &hcap, nh + 1, sizeof *hits))
                    goto fail;
                hits[nh++] = (line_hit){row, p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y), r};
            }
        }
    }
    if (sort_hits(hits, nh))
        goto fail;
    parent = malloc(nr * sizeof *parent);
    depth = malloc(nr * sizeof *depth);
    stack = malloc((nr + 1) * sizeof *stack);
    open = calloc(nr, 1);
    unsigned char *placed = calloc(nr, 1);
    if (!parent || !depth || !stack || !open || !placed) {
        free(placed);
        goto fail;
    }
    for (size_t r = 0; r < nr; r++)
        parent[r] = SIZE_MAX;
    for (size_t k = 0, top = 0; k < nh; k++) {
        if (k && hits[k].row != hits[k - 1].row) {
            for (size_t t = 0; t < top; t++)
                open[stack[t]] = 0;
            top = 0;
        }
        size_t r = hits[k].ring;
        if (open[r]) { /* closes: it is the innermost open ring (brackets nest) */
            while (top && stack[top - 1] != r)
                open[stack[--top]] = 0;
            if (top)
                open[stack[--top]] = 0;
        } else {
            if (!placed[r]) {
                parent[r] = top ? stack[top - 1] : SIZE_MAX;
                placed[r] = 1;
            }
            stack[top++] = r;
            open[r] = 1;
        }
    }
    free(placed);
    /* Depth by the parent chain (parents are found before their children in no fixed order). */
    for (size_t r = 0; r < nr; r++) {
        size_t d = 0;
        for (size_t p = parent[r]; p != SIZE_MAX && d <= nr; p = parent[p])
            d++;
        depth[r] = d;
    }
    /* Holes grouped by their shell (a counting sort), so each shell finds its own at once. */
    hfirst = calloc(nr + 1, sizeof *hfirst);
    hlist = malloc(nr * sizeof *hlist);
    if (!hfirst || !hlist || !(polys = malloc(nr * sizeof *polys)))
        goto fail;
    for (size_t q = 0; q < nr; q++)
        if ((depth[q] & 1) && parent[q] != SIZE_MAX)
            hfirst[parent[q] + 1]++;
    for (size_t r = 0; r < nr; r++)
        hfirst[r + 1] += hfirst[r];
    for (size_t q = 0; q < nr; q++) /* stack: the fill position of each shell */
        stack[q] = hfirst[q];
    for (size_t q = 0; q < nr; q++)
        if ((depth[q] & 1) && parent[q] != SIZE_MAX)
            hlist[stack[parent[q]]++] = q;
    for (size_t r = 0; r < nr; r++) {
        if (depth[r] & 1)
            continue; /* a hole: added with its shell */
        size_t nholes = hfirst[r + 1] - hfirst[r];
        GEOSGeometry *shell = make_ring(h, pts, rstart[r], rstart[r + 1]);
        GEOSGeometry **holes = nholes ? malloc(nholes * sizeof *holes) : NULL;
        size_t made = 0;
        int ok = shell && (!nholes || holes);
        for (size_t k = 0; ok && k < nholes; k++) {
            size_t q = hlist[hfirst[r] + k];
            ok = (holes[made] = make_ring(h, pts, rstart[q], rstart[q + 1])) != NULL;
            made += ok;
        }
        GEOSGeometry *poly = ok ? GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)made) : NULL;
        if (!poly) {
            if (shell)
                GEOSGeom_destroy_r(h, shell);
            for (size_t q = 0; q < made; q++)
                GEOSGeom_destroy_r(h, holes[q]);
            free(holes);
            goto fail;
        }
        free(holes);
        polys[npoly++] = poly;
    }
    result = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)npoly);
    if (!result)
        goto fail;
    npoly = 0;
    goto done;
fail:
    *failed = 1;
    result = NULL;
done:
    for (size_t k = 0; k < npoly; k++)
        GEOSGeom_destroy_r(h, polys[k]);
    free(polys);
    free(table);
    free(seen);
    free(pts);
    free(rstart);
    free(hits);
    free(parent);
    free(depth);
    free(stack);
    free(open);
    free(hfirst);
    free(hlist);
    return result;
}

GEOSGeometry *lc_corridor_trace(lc_corridor_scratch *scr, GEOSContextHandle_t h, lc_bbox box, double width,
                                double cell, int *failed)
{
    *failed = 0;
    lc_grid g = lc_corridor_grid_for(box, cell, width);
    lc_trace_segs segs = {0};
    const int64_t block = 256;
    for (int64_t cj = g.j0; cj < g.j1; cj += block)
        for (int64_t ci = g.i0; ci < g.i1; ci += block)
            if (lc_corridor_trace_block(scr, NULL, &g, ci, cj, ci + block < g.i1 ? ci + block : g.i1,
                                        cj + block < g.j1 ? cj + block : g.j1, &segs)) {
                free(segs.v);
                *failed = 1;
                return NULL;
            }
    GEOSGeometry *r = lc_corridor_assemble(h, &g, segs.v, segs.n, failed);
    free(segs.v);
    return r;
}
