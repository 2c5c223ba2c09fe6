/*
 * queries/siting.c — proposals for new facilities (include/lifecircle/siting.h): demand points in
 * the coverage gaps, candidate sites (given or on a grid), the sets of demand each candidate reaches
 * (a uniform grid hash with the reach as cell size), and greedy selection with lazy evaluation
 * (CELF: a candidate's gain only shrinks as others are chosen, so a stale gain that still tops the
 * queue after recomputation is the true best). Writing proposals is outputs/' job.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "lifecircle/siting.h"

struct lc_siting {
    lc_proposal *items;
    size_t count, cap;
    double before, after;
    int target_met;
    char reason[512];
};

void lc_siting_destroy(lc_siting *s)
{
    if (!s)
        return;
    free(s->items);
    free(s);
}

/* Demand: points with the uncovered residents they stand for. */
typedef struct demand {
    double *x, *y, *w;
    size_t n, cap;
} demand;

static lc_status demand_add(lc_context *ctx, demand *d, double x, double y, double w)
{
    size_t cap = d->cap;
    if (lc_grow(ctx, (void **)&d->x, &cap, d->n + 1, sizeof *d->x) != LC_OK)
        return LC_ERR_NOMEM;
    cap = d->cap;
    if (lc_grow(ctx, (void **)&d->y, &cap, d->n + 1, sizeof *d->y) != LC_OK)
        return LC_ERR_NOMEM;
    cap = d->cap;
    if (lc_grow(ctx, (void **)&d->w, &cap, d->n + 1, sizeof *d->w) != LC_OK)
        return LC_ERR_NOMEM;
    d->cap = cap;
    d->x[d->n] = x;
    d->y[d->n] = y;
    d->w[d->n] = w;
    d->n++;
    return LC_OK;
}

/* Places polygon i's uncovered residents on grid points inside its gap (at least one point: the
 * gap's point on surface). */
static lc_status gap_demand(lc_context *ctx, const GEOSGeometry *gap, double uncovered, double spacing, demand *d)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getExtent_r(h, gap, &minx, &miny, &maxx, &maxy))
        return lc_error(ctx, LC_ERR_GEOMETRY, "cannot measure a coverage gap");
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, gap);
    size_t first = d->n;
    lc_status st = LC_OK;
    /* Points at cell centres, so a gap narrower than the spacing still gets its share right. */
    for (double y = miny + spacing / 2; y < maxy && st == LC_OK && pg; y += spacing)
        for (double x = minx + spacing / 2; x < maxx && st == LC_OK; x += spacing) {
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
            if (p && GEOSPreparedContains_r(h, pg, p) == 1)
                st = demand_add(ctx, d, x, y, 0);
            if (p)
                GEOSGeom_destroy_r(h, p);
        }
    if (pg)
        GEOSPreparedGeom_destroy_r(h, pg);
    if (st == LC_OK && d->n == first) {
        GEOSGeometry *p = GEOSPointOnSurface_r(h, gap);
        double x = 0, y = 0;
        if (!p || !GEOSGeomGetX_r(h, p, &x) || !GEOSGeomGetY_r(h, p, &y))
            st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot place demand in a coverage gap");
        else
            st = demand_add(ctx, d, x, y, 0);
        if (p)
            GEOSGeom_destroy_r(h, p);
    }
    for (size_t k = first; k < d->n; k++)
        d->w[k] = uncovered / (double)(d->n - first);
    return st;
}

/* A uniform grid over the demand points with cell size r, for "points within r" queries. */
typedef struct grid {
    double x0, y0, cell;
    size_t nx, ny;
    size_t *start; /* nx*ny + 1 offsets into idx */
    size_t *idx;
} grid;

static lc_status grid_build(lc_context *ctx, const demand *d, double r, grid *g)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t k = 0; k < d->n; k++) {
        minx = fmin(minx, d->x[k]);
        miny = fmin(miny, d->y[k]);
        maxx = fmax(maxx, d->x[k]);
        maxy = fmax(maxy, d->y[k]);
    }
    g->x0 = minx;
    g->y0 = miny;
    g->cell = r;
    g->nx = d->n ? (size_t)((maxx - minx) / r) + 1 : 1;
    g->ny = d->n ? (size_t)((maxy - miny) / r) + 1 : 1;
    g->start = lc_calloc(ctx, g->nx * g->ny + 1, sizeof *g->start);
    g->idx = lc_calloc(ctx, d->n ? d->n : 1, sizeof *g->idx);
    if (!g->start || !g->idx)
        return LC_ERR_NOMEM;
    size_t *fill = lc_calloc(ctx, g->nx * g->ny, sizeof *fill);
    if (!fill)
        return LC_ERR_NOMEM;
    for (size_t k = 0; k < d->n; k++)
        g->start[(size_t)((d->y[k] - g->y0) / r) * g->nx + (size_t)((d->x[k] - g->x0) / r) + 1]++;
    for (size_t c = 0; c < g->nx * g->ny; c++)
        g->start[c + 1] += g->start[c];
    for (size_t k = 0; k < d->n; k++) {
        size_t c = (size_t)((d->y[k] - g->y0) / r) * g->nx + (size_t)((d->x[k] - g->x0) / r);
        g->idx[g->start[c] + fill[c]++] = k;
    }
    free(fill);
    return LC_OK;
}

/* Appends to *out the demand points within r of (x, y). */
static lc_status grid_within(lc_context *ctx, const grid *g, const demand *d, double x, double y, double r,
                             size_t **out, size_t *n, size_t *cap)
{
    long cx = (long)floor((x - g->x0) / g->cell), cy = (long)floor((y - g->y0) / g->cell);
    for (long j = cy - 1; j <= cy + 1; j++)
        for (long i = cx - 1; i <= cx + 1; i++) {
            if (i < 0 || j < 0 || (size_t)i >= g->nx || (size_t)j >= g->ny)
                continue;
            size_t c = (size_t)j * g->nx + (size_t)i;
            for (size_t p = g->start[c]; p < g->start[c + 1]; p++) {
                size_t k = g->idx[p];
                double dx = d->x[k] - x, dy = d->y[k] - y;
                if (dx * dx + dy * dy > r * r)
                    continue;
                if (lc_grow(ctx, (void **)out, cap, *n + 1, sizeof **out) != LC_OK)
                    return LC_ERR_NOMEM;
                (*out)[(*n)++] = k;
            }
        }
    return LC_OK;
}

/* Candidates with the demand they reach (CSR arrays). */
typedef struct cands {
    double *x, *y;
    long *given;     /* index among the given candidates, -1 generated */
    size_t n, cap;   /* cap: of x, y and given */
    size_t *start;   /* n + 1 */
    size_t capstart;
    size_t *reach;   /* demand indices */
    size_t nreach, capreach;
} cands;

static lc_status cand_add(lc_context *ctx, cands *c, const grid *g, const demand *d, double r, double x, double y,
                          long given, int keep_empty)
{
    size_t before = c->nreach;
    if (grid_within(ctx, g, d, x, y, r, &c->reach, &c->nreach, &c->capreach) != LC_OK)
        return LC_ERR_NOMEM;
    if (c->nreach == before && !keep_empty)
        return LC_OK;
    size_t cap = c->cap;
    if (lc_grow(ctx, (void **)&c->x, &cap, c->n + 1, sizeof *c->x) != LC_OK)
        return LC_ERR_NOMEM;
    cap = c->cap;
    if (lc_grow(ctx, (void **)&c->y, &cap, c->n + 1, sizeof *c->y) != LC_OK)
        return LC_ERR_NOMEM;
    cap = c->cap;
    if (lc_grow(ctx, (void **)&c->given, &cap, c->n + 1, sizeof *c->given) != LC_OK)
        return LC_ERR_NOMEM;
    c->cap = cap;
    if (lc_grow(ctx, (void **)&c->start, &c->capstart, c->n + 2, sizeof *c->start) != LC_OK)
        return LC_ERR_NOMEM;
    c->x[c->n] = x;
    c->y[c->n] = y;
    c->given[c->n] = given;
    c->start[c->n] = before;
    c->start[c->n + 1] = c->nreach;
    c->n++;
    return LC_OK;
}

/* Newly covered weight if candidate j were opened now. */
static double gain(const cands *c, const demand *d, const unsigned char *covered, size_t j)
{
    double s = 0;
    for (size_t p = c->start[j]; p < c->start[j + 1]; p++)
        if (!covered[c->reach[p]])
            s += d->w[c->reach[p]];
    return s;
}

/* A max-heap of (gain, candidate) for lazy greedy. */
typedef struct entry {
    double gain;
    size_t cand;
} entry;

static int entry_less(entry a, entry b)
{
    return a.gain < b.gain || (a.gain == b.gain && a.cand > b.cand); /* ties: lower index first */
}

static void heap_push(entry *h, size_t *n, entry e)
{
    size_t i = (*n)++;
    h[i] = e;
    while (i && entry_less(h[(i - 1) / 2], h[i])) {
        entry t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static entry heap_pop(entry *h, size_t *n)
{
    entry top = h[0];
    h[0] = h[--(*n)];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && entry_less(h[m], h[l]))
            m = l;
        if (r < *n && entry_less(h[m], h[r]))
            m = r;
        if (m == i)
            break;
        entry t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

/* Records a chosen candidate: marks its demand covered and appends a proposal. */
static lc_status choose(lc_context *ctx, lc_siting *s, const cands *c, const demand *d, unsigned char *covered,
                        size_t j, double *covered_total, double total_pop)
{
    double g = 0;
    for (size_t p = c->start[j]; p < c->start[j + 1]; p++)
        if (!covered[c->reach[p]]) {
            covered[c->reach[p]] = 1;
            g += d->w[c->reach[p]];
        }
    *covered_total += g;
    if (lc_grow(ctx, (void **)&s->items, &s->cap, s->count + 1, sizeof *s->items) != LC_OK)
        return LC_ERR_NOMEM;
    s->items[s->count] = (lc_proposal){.rank = s->count + 1, .site = {c->x[j], c->y[j]}, .candidate = c->given[j],
                                       .unit = -1, .new_pop = g,
                                       .cumulative_share = total_pop > 0 ? *covered_total / total_pop : NAN};
    s->count++;
    return LC_OK;
}

/* The unit holding a point, -1 if none. */
static long unit_at(lc_context *ctx, const lc_layer *units, double x, double y)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
    long found = -1;
    for (size_t u = 0; p && u < lc_layer_count(units) && found < 0; u++)
        if (GEOSIntersects_r(h, lc_layer_feature(units, u)->geom, p) == 1)
            found = (long)u;
    if (p)
        GEOSGeom_destroy_r(h, p);
    return found;
}

/* Splits each unit's floor-area shortfall over its new sites. */
static void size_sites(lc_siting *s, const lc_profile *profile, const lc_indicators *ind)
{
    long norm = -1;
    for (size_t k = 0; k < lc_profile_norm_count(profile); k++)
        if (lc_profile_norm(profile, k)->kind == LC_NORM_FLOOR_AREA)
            norm = (long)k;
    for (size_t i = 0; i < s->count; i++) {
        lc_proposal *p = &s->items[i];
        if (norm < 0 || p->unit < 0)
            continue;
        const lc_indicator *x = lc_indicators_get(ind, (size_t)p->unit, (size_t)norm);
        size_t n = 0;
        for (size_t j = 0; j < s->count; j++)
            n += s->items[j].unit == p->unit;
        p->floor_area_m2 = x && x->pass == 0 ? x->shortfall / (double)n : 0;
    }
}

lc_siting *lc_siting_solve(lc_context *ctx, const lc_inputs *in, const lc_profile *profile,
                           const lc_coverage *coverage, const lc_indicators *indicators,
                           const lc_siting_options *o)
{
    if (!ctx)
        return NULL;
    if (!in || !profile || !coverage || !indicators || !o || o->category >= lc_profile_category_count(profile) ||
        (o->objective == LC_SITING_LSCP && !(o->target > 0 && o->target <= 1)) ||
        (o->objective == LC_SITING_MCLP && o->k == 0) || (o->ncandidates && !o->candidates)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_siting_solve: bad arguments (category, k ≥ 1 for mclp, 0 < target ≤ 1 "
                                     "for lscp, candidates)");
        return NULL;
    }
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL);
    const lc_layer *units = lc_inputs_layer(in, LC_LAYER_UNITS);
    double r = lc_coverage_reach(coverage, o->category);
    double ds = o->demand_spacing_m > 0 ? o->demand_spacing_m : fmax(25, r / 10);
    double cs = o->candidate_spacing_m > 0 ? o->candidate_spacing_m : fmax(100, r / 5);
    lc_siting *s = lc_calloc(ctx, 1, sizeof *s);
    demand d = {0};
    grid g = {0};
    cands c = {0};
    unsigned char *covered = NULL;
    entry *heap = NULL;
    if (!s)
        return NULL;
    double total = 0, covered_total = 0;
    for (size_t i = 0; i < lc_layer_count(res); i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        double pop = isnan(f->population) ? 0 : f->population;
        double cp = lc_coverage_get(coverage, i, o->category)->covered_pop;
        total += pop;
        covered_total += cp;
        const GEOSGeometry *gap = lc_coverage_gap(coverage, i, o->category);
        if (gap && pop - cp > 1e-9 && gap_demand(ctx, gap, pop - cp, ds, &d) != LC_OK)
            goto fail;
    }
    s->before = total > 0 ? covered_total / total : NAN;
    if (grid_build(ctx, &d, r, &g) != LC_OK)
        goto fail;
    if (o->candidates) {
        for (size_t k = 0; k < o->ncandidates; k++)
            if (cand_add(ctx, &c, &g, &d, r, o->candidates[k].x, o->candidates[k].y, (long)k, 1) != LC_OK)
                goto fail;
    } else if (d.n) {
        double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
        for (size_t k = 0; k < d.n; k++) {
            minx = fmin(minx, d.x[k]);
            miny = fmin(miny, d.y[k]);
            maxx = fmax(maxx, d.x[k]);
            maxy = fmax(maxy, d.y[k]);
        }
        /* Anchored on a multiple of the spacing so results do not depend on the data's extent. */
        for (double y = floor((miny - r) / cs) * cs; y <= maxy + r; y += cs)
            for (double x = floor((minx - r) / cs) * cs; x <= maxx + r; x += cs)
                if (cand_add(ctx, &c, &g, &d, r, x, y, -1, 0) != LC_OK)
                    goto fail;
    }
    covered = lc_calloc(ctx, d.n ? d.n : 1, 1);
    heap = lc_calloc(ctx, c.n ? c.n : 1, sizeof *heap);
    if (!covered || !heap)
        goto fail;

    if (o->objective == LC_SITING_UNITS) {
        for (size_t u = 0; u < lc_layer_count(units); u++) {
            if (lc_indicators_facility_count(indicators, u, o->category) > 0)
                continue;
            long best = -1;
            double bg = -1;
            for (size_t j = 0; j < c.n; j++) {
                if (unit_at(ctx, units, c.x[j], c.y[j]) != (long)u)
                    continue;
                double gj = gain(&c, &d, covered, j);
                if (gj > bg) {
                    bg = gj;
                    best = (long)j;
                }
            }
            if (best < 0) {
                /* No candidate inside the unit: its point on surface, covering what it can. */
                GEOSContextHandle_t h = lc_ctx_geos(ctx);
                GEOSGeometry *p = GEOSPointOnSurface_r(h, lc_layer_feature(units, u)->geom);
                double x = 0, y = 0;
                int ok = p && GEOSGeomGetX_r(h, p, &x) && GEOSGeomGetY_r(h, p, &y);
                if (p)
                    GEOSGeom_destroy_r(h, p);
                if (!ok || cand_add(ctx, &c, &g, &d, r, x, y, -1, 1) != LC_OK)
                    goto fail;
                best = (long)c.n - 1;
            }
            if (choose(ctx, s, &c, &d, covered, (size_t)best, &covered_total, total) != LC_OK)
                goto fail;
        }
        s->target_met = 1;
    } else {
        size_t hn = 0;
        for (size_t j = 0; j < c.n; j++)
            heap_push(heap, &hn, (entry){gain(&c, &d, covered, j), j});
        size_t limit = o->objective == LC_SITING_MCLP ? o->k : c.n;
        while (s->count < limit && hn) {
            if (o->objective == LC_SITING_LSCP && total > 0 && covered_total / total >= o->target - 1e-12)
                break;
            if (heap[0].gain <= 0)
                break; /* stored gains are upper bounds: nobody can add anything */
            entry e = heap_pop(heap, &hn);
            double now = gain(&c, &d, covered, e.cand);
            if (now <= 0)
                continue; /* this candidate adds nothing any more; drop it */
            if (hn && now < heap[0].gain) {
                heap_push(heap, &hn, (entry){now, e.cand});
                continue;
            }
            if (choose(ctx, s, &c, &d, covered, e.cand, &covered_total, total) != LC_OK)
                goto fail;
        }
        s->target_met = o->objective != LC_SITING_LSCP || (total > 0 && covered_total / total >= o->target - 1e-12);
        if (!s->target_met) {
            double unreachable = 0;
            for (size_t k = 0; k < d.n; k++)
                if (!covered[k])
                    unreachable += d.w[k];
            snprintf(s->reason, sizeof s->reason,
                     "target %.1f%% is out of reach: %.0f residents are beyond %.0f m of every candidate site "
                     "(best possible %.1f%%)",
                     o->target * 100, unreachable, r, total > 0 ? 100 * covered_total / total : 0.0);
        }
    }
    s->after = total > 0 ? covered_total / total : NAN;
    for (size_t i = 0; i < s->count; i++)
        s->items[i].unit = units ? unit_at(ctx, units, s->items[i].site.x, s->items[i].site.y) : -1;
    size_sites(s, profile, indicators);
    goto done;
fail:
    lc_siting_destroy(s);
    s = NULL;
done:
    free(d.x), free(d.y), free(d.w);
    free(g.start), free(g.idx);
    free(c.x), free(c.y), free(c.given), free(c.start), free(c.reach);
    free(covered);
    free(heap);
    return s;
}

size_t lc_siting_count(const lc_siting *s)
{
    return s ? s->count : 0;
}

const lc_proposal *lc_siting_get(const lc_siting *s, size_t i)
{
    return s && i < s->count ? &s->items[i] : NULL;
}

double lc_siting_share_before(const lc_siting *s)
{
    return s ? s->before : NAN;
}

double lc_siting_share_after(const lc_siting *s)
{
    return s ? s->after : NAN;
}

const char *lc_siting_solver(const lc_siting *s)
{
    (void)s;
    return "greedy (lazy evaluation)";
}

int lc_siting_target_met(const lc_siting *s)
{
    return s ? s->target_met : 0;
}

const char *lc_siting_reason(const lc_siting *s)
{
    return s ? s->reason : "";
}
