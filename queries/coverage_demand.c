/*
 * queries/coverage_demand.c — network coverage of compounds whose residents walk from points
 * (include/lifecircle/coverage.h): their entrances (小区出入口: covered whole when one is within
 * reach), their buildings (the share of residents in buildings within reach) or the points of a
 * grid inside them (the share of points within reach); every other compound walks from a point on
 * its surface and is covered by its share of the walking corridor (coverage_network.c). Here: laying
 * out and attaching every compound's demand points, and the tasks of the point-walked compounds.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/coverage_int.h"

/* Network mode task for a compound with entrances (or given as a point, its one demand point): its
 * residents walk out through them, so for each category it is covered whole (share 1) when its best
 * entrance is within reach, else not at all (share 0, the whole polygon a gap); in the whole life circle likewise when every life-circle
 * category is within reach of some entrance. Writes only polygon i's slots. */
int lc_cov_entrance_polygon(worker_state *w, size_t i)
{
    cov_job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population;
    int any_circle = 0, circle = 1;
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        int in = cr->ndist[i] <= cr->r;
        cell->covered_share = in;
        cell->covered_pop = in ? pop : 0;
        if (!in && !jb->cells_only && !(cov->gaps[i * jb->ncat + c] = GEOSGeom_clone_r(w->h, f->geom))) {
            w->detail = c;
            return -1;
        }
        if (lc_profile_category(jb->profile, c)->in_life_circle) {
            any_circle = 1;
            circle &= in;
        }
    }
    cov->circle[i] = any_circle && !jb->cells_only ? circle : NAN;
    return 0;
}

/* g ∩ the union of parts[0..made): the gap of a compound from its demand points' cells or
 * buildings. Takes the parts and the array (freed here, also when ok is 0, which means making
 * them failed part-way). NULL on failure. */
static GEOSGeometry *cut_to_union(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry **parts, size_t made,
                                  int ok)
{
    /* GEOS takes the parts into the collection, and frees them itself if that fails. */
    GEOSGeometry *coll = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)made) : NULL;
    for (size_t k = 0; !ok && k < made; k++)
        GEOSGeom_destroy_r(h, parts[k]);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    GEOSGeometry *cut = u ? GEOSIntersection_r(h, g, u) : NULL;
    if (u)
        GEOSGeom_destroy_r(h, u);
    return cut;
}

/* The part of polygon f out of reach on a demand grid: the union of the grid cells (side g) of the
 * points not within reach (in[k] == 0 for k in [from, to)), cut to the polygon. NULL on failure. */
static GEOSGeometry *grid_gap(GEOSContextHandle_t h, const lc_feature *f, const lc_xy *pts, const unsigned char *in,
                              size_t from, size_t to, double g)
{
    size_t n = 0;
    for (size_t k = from; k < to; k++)
        n += !in[k];
    GEOSGeometry **cells = malloc((n ? n : 1) * sizeof *cells);
    if (!cells)
        return NULL;
    size_t made = 0;
    int ok = 1;
    for (size_t k = from; k < to && ok; k++)
        if (!in[k]) {
            lc_xy p = pts[k];
            ok = (cells[made] = GEOSGeom_createRectangle_r(h, p.x - g / 2, p.y - g / 2, p.x + g / 2, p.y + g / 2)) != NULL;
            made += ok;
        }
    return cut_to_union(h, f->geom, cells, made, ok);
}

/* Network mode task for a compound walked from grid points: for each category its covered share is
 * the share of its points within reach (its residents split evenly over them), its distance that of
 * its nearest point, its gap the grid cells of the points out of reach; in the whole life circle the
 * share of points within reach of every life-circle category. Writes only polygon i's slots. */
int lc_cov_grid_polygon(worker_state *w, size_t i)
{
    cov_job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population;
    size_t from = jb->dstart[i], to = jb->dstart[i + 1], np = to - from, all = 0;
    int any_circle = 0;
    for (size_t k = from; k < to; k++) {
        int every = 1;
        for (size_t c = 0; c < jb->ncat; c++)
            if (lc_profile_category(jb->profile, c)->in_life_circle)
                any_circle = 1, every &= jb->cats[c].pin[k];
        all += (size_t)every;
    }
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        size_t in = 0;
        for (size_t k = from; k < to; k++)
            in += cr->pin[k];
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        cell->covered_share = np ? (double)in / (double)np : 0;
        cell->covered_pop = pop * cell->covered_share;
        if (in < np && !jb->cells_only) {
            GEOSGeometry **gap = &cov->gaps[i * jb->ncat + c];
            *gap = in ? grid_gap(w->h, f, jb->dxy, cr->pin, from, to, jb->grid_m) : GEOSGeom_clone_r(w->h, f->geom);
            if (!*gap) {
                w->detail = c;
                return -1;
            }
        }
    }
    cov->circle[i] = any_circle && !jb->cells_only ? (np ? (double)all / (double)np : 0) : NAN;
    return 0;
}

/* Network mode task for a compound walked from its buildings: for each category its covered share is
 * the share of its residents in buildings within reach (dw), its distance that of its nearest
 * building, its gap the footprints of the buildings out of reach (cut to the compound); in the whole
 * life circle likewise for buildings within reach of every life-circle category. Writes only
 * polygon i's slots. */
int lc_cov_building_polygon(worker_state *w, size_t i)
{
    GEOSContextHandle_t h = w->h;
    cov_job *jb = w->jb;
    lc_coverage *cov = jb->cov;
    const lc_feature *f = lc_layer_feature(jb->res, i);
    double pop = isnan(f->population) ? 0 : f->population, all = 0;
    size_t from = jb->dstart[i], to = jb->dstart[i + 1];
    int any_circle = 0;
    for (size_t k = from; k < to; k++) {
        int every = 1;
        for (size_t c = 0; c < jb->ncat; c++)
            if (lc_profile_category(jb->profile, c)->in_life_circle)
                any_circle = 1, every &= jb->cats[c].pin[k];
        all += every ? jb->dw[k] : 0;
    }
    for (size_t c = 0; c < jb->ncat; c++) {
        const category_reach *cr = &jb->cats[c];
        lc_coverage_cell *cell = &cov->cells[i * jb->ncat + c];
        double in = 0;
        size_t out = 0;
        for (size_t k = from; k < to; k++) {
            in += cr->pin[k] ? jb->dw[k] : 0;
            out += !cr->pin[k];
        }
        cell->distance_m = cr->ndist[i];
        cell->nearest = cr->nnear[i];
        cell->covered_share = fmin(1.0, in);
        cell->covered_pop = pop * cell->covered_share;
        if (!out || jb->cells_only)
            continue;
        GEOSGeometry **parts = malloc(out * sizeof *parts);
        size_t made = 0;
        int ok = parts != NULL;
        for (size_t k = from; k < to && ok; k++)
            if (!cr->pin[k]) {
                ok = (parts[made] = GEOSGeom_clone_r(h, lc_layer_feature(jb->bld, (size_t)jb->dsrc[k])->geom)) != NULL;
                made += ok;
            }
        GEOSGeometry *gap = parts ? cut_to_union(h, f->geom, parts, made, ok) : NULL;
        if (!gap) {
            w->detail = c;
            return -1;
        }
        cov->gaps[i * jb->ncat + c] = gap;
    }
    cov->circle[i] = any_circle && !jb->cells_only ? fmin(1.0, all) : NAN;
    return 0;
}

/* How far from its compound an entrance without a compound id may lie and still be taken as its. */
#define ENTRANCE_SNAP_M 30.0

/* A residential polygon's id and index, sorted by id to find an entrance's compound by its id. */
typedef struct polygon_id {
    const char *id;
    size_t index;
} polygon_id;

static int cmp_polygon_id(const void *a, const void *b)
{
    return strcmp(((const polygon_id *)a)->id, ((const polygon_id *)b)->id);
}

/* STRtree query callback: appends the polygon index (item − 1) to a growing list. */
typedef struct index_list {
    size_t n, cap;
    size_t *idx;
    int nomem;
} index_list;

static void collect_index(void *item, void *userdata)
{
    index_list *l = userdata;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        size_t *p = realloc(l->idx, cap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return;
        }
        l->idx = p, l->cap = cap;
    }
    l->idx[l->n++] = (size_t)(uintptr_t)item - 1;
}

/* The residential polygon an entrance belongs to: the one its compound field names, else the
 * nearest within ENTRANCE_SNAP_M (STRtree of the polygons). -1 when none, -2 out of memory. */
static long entrance_compound(GEOSContextHandle_t h, const lc_layer *res, const polygon_id *by_id,
                              GEOSSTRtree *tree, const lc_feature *e)
{
    size_t n = lc_layer_count(res);
    if (e->compound && *e->compound) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(by_id[mid].id, e->compound);
            if (c == 0)
                return (long)by_id[mid].index;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    double x, y;
    GEOSGeomGetX_r(h, e->geom, &x);
    GEOSGeomGetY_r(h, e->geom, &y);
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x - ENTRANCE_SNAP_M, y - ENTRANCE_SNAP_M, x + ENTRANCE_SNAP_M,
                                                   y + ENTRANCE_SNAP_M);
    if (!box)
        return -1;
    index_list hits = {0, 0, NULL, 0};
    GEOSSTRtree_query_r(h, tree, box, collect_index, &hits);
    GEOSGeom_destroy_r(h, box);
    if (hits.nomem) {
        free(hits.idx);
        return -2;
    }
    long best = -1; /* the nearest within ENTRANCE_SNAP_M; the lowest index among equals */
    double bestd = ENTRANCE_SNAP_M;
    for (size_t k = 0; k < hits.n; k++) {
        double d;
        long i = (long)hits.idx[k];
        if (GEOSDistance_r(h, lc_layer_feature(res, (size_t)i)->geom, e->geom, &d) && d <= bestd &&
            (d < bestd || best < 0 || i < best))
            best = i, bestd = d;
    }
    free(hits.idx);
    return best;
}

/* Appends point p to a growing list. 0, or -1 out of memory. */
static int push_xy(lc_xy **v, size_t *n, size_t *cap, lc_xy p)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        lc_xy *q = realloc(*v, c * sizeof *q);
        if (!q)
            return -1;
        *v = q, *cap = c;
    }
    (*v)[(*n)++] = p;
    return 0;
}

/* Points of a square grid g apart (anchored on multiples of g) strictly inside polygon f, appended
 * to the list; how many, or -1 on failure. */
static long grid_points(GEOSContextHandle_t h, const lc_feature *f, double g, lc_xy **v, size_t *n, size_t *cap)
{
    double minx, miny, maxx, maxy;
    const GEOSPreparedGeometry *pg = NULL;
    if (!GEOSGeom_getExtent_r(h, f->geom, &minx, &miny, &maxx, &maxy) || !(pg = GEOSPrepare_r(h, f->geom)))
        return -1;
    long added = 0;
    for (double y = ceil(miny / g) * g; y <= maxy && added >= 0; y += g)
        for (double x = ceil(minx / g) * g; x <= maxx && added >= 0; x += g) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
            int inside = pt ? GEOSPreparedContains_r(h, pg, pt) : 2;
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            if (inside == 2 || (inside == 1 && push_xy(v, n, cap, (lc_xy){x, y})))
                added = -1;
            else
                added += inside == 1;
        }
    GEOSPreparedGeom_destroy_r(h, pg);
    return added;
}

/* What laying out the demand points shares, from the first pass over buildings and entrances to
 * the points handed out: one struct, because every step reads the layers and appends to the same
 * point list. */
typedef struct demand_build {
    lc_context *ctx;
    GEOSContextHandle_t h;
    const lc_layer *res, *ent, *bld;
    size_t n, ne, nb;
    GEOSSTRtree *tree;      /* the compounds (item i + 1), when there are entrances or buildings */
    long *owner;            /* per entrance: its compound, or -1 */
    lc_xy *bpt;             /* per building: its point on surface */
    size_t *bfirst, *blist; /* buildings by compound: blist[bfirst[i] .. bfirst[i + 1]) */
    size_t *rows;           /* per compound: its first point (CSR rows, n + 1) */
    unsigned char *kind;    /* per compound: DEMAND_* */
    lc_xy *pts;             /* the demand points */
    size_t npts, cap;
    double *wts;            /* per building demand point: its share of the compound's residents */
    long *src;              /* per building demand point: its building */
    size_t wcap, scap;
    size_t used[5];         /* compounds per DEMAND_* kind */
    size_t unassigned, unplaced; /* entrances in no compound, buildings in no compound */
} demand_build;

/* The one message of every allocation failure here. Returns LC_ERR_NOMEM. */
static lc_status demand_nomem(lc_context *ctx)
{
    return lc_error(ctx, LC_ERR_NOMEM, "out of memory: demand points of the walking network");
}

/* Each building to the compound holding its point on surface (the lowest index of several), then
 * grouped by compound (b->bfirst, b->blist). A step of its own because its per-building owners are
 * needed only to build those groups. LC_OK or the error set (naming the building). */
static lc_status place_buildings(demand_build *b)
{
    GEOSContextHandle_t h = b->h;
    size_t n = b->n, nb = b->nb;
    long *bowner = lc_calloc(b->ctx, nb, sizeof *bowner); /* per building: its compound, or -1 */
    size_t *fill = NULL;
    lc_status st = LC_OK;
    b->bpt = lc_calloc(b->ctx, nb, sizeof *b->bpt);
    b->bfirst = lc_calloc(b->ctx, n + 1, sizeof *b->bfirst);
    b->blist = lc_calloc(b->ctx, nb, sizeof *b->blist);
    if (!bowner || !b->bpt || !b->bfirst || !b->blist)
        st = demand_nomem(b->ctx);
    for (size_t k = 0; st == LC_OK && k < nb; k++) {
        const lc_feature *bf = lc_layer_feature(b->bld, k);
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, bf->geom);
        int ok = pt && GEOSGeomGetX_r(h, pt, &b->bpt[k].x) && GEOSGeomGetY_r(h, pt, &b->bpt[k].y);
        index_list hits = {0, 0, NULL, 0};
        if (ok)
            GEOSSTRtree_query_r(h, b->tree, pt, collect_index, &hits);
        bowner[k] = -1;
        for (size_t q = 0; ok && q < hits.n; q++)
            if ((bowner[k] < 0 || (long)hits.idx[q] < bowner[k]) &&
                GEOSIntersects_r(h, lc_layer_feature(b->res, hits.idx[q])->geom, pt) == 1)
                bowner[k] = (long)hits.idx[q];
        free(hits.idx);
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (!ok || hits.nomem)
            st = lc_error(b->ctx, hits.nomem ? LC_ERR_NOMEM : LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no point "
                          "on the building", lc_layer_source(b->bld), lc_layer_name(b->bld), bf->id);
        else if (bowner[k] < 0)
            b->unplaced++;
        else
            b->bfirst[bowner[k] + 1]++;
    }
    for (size_t i = 0; st == LC_OK && i < n; i++)
        b->bfirst[i + 1] += b->bfirst[i];
    if (st == LC_OK && !(fill = lc_calloc(b->ctx, n ? n : 1, sizeof *fill)))
        st = demand_nomem(b->ctx);
    for (size_t k = 0; st == LC_OK && k < nb; k++)
        if (bowner[k] >= 0)
            b->blist[b->bfirst[bowner[k]] + fill[bowner[k]]++] = k;
    free(fill);
    free(bowner);
    return st;
}

/* Each entrance to its compound (b->owner: the one its compound field names, else the nearest
 * within ENTRANCE_SNAP_M), marking that compound DEMAND_ENTRANCES. The compounds sorted by id are
 * needed only here. LC_OK or LC_ERR_NOMEM. */
static lc_status assign_entrances(demand_build *b)
{
    polygon_id *by_id = lc_calloc(b->ctx, b->n ? b->n : 1, sizeof *by_id);
    if (!by_id)
        return demand_nomem(b->ctx);
    for (size_t i = 0; i < b->n; i++)
        by_id[i] = (polygon_id){lc_layer_feature(b->res, i)->id, i};
    qsort(by_id, b->n, sizeof *by_id, cmp_polygon_id);
    lc_status st = LC_OK;
    for (size_t k = 0; k < b->ne && st == LC_OK; k++) {
        b->owner[k] = entrance_compound(b->h, b->res, by_id, b->tree, lc_layer_feature(b->ent, k));
        if (b->owner[k] == -2)
            st = demand_nomem(b->ctx);
        else if (b->owner[k] < 0)
            b->unassigned++;
        else
            b->kind[b->owner[k]] = DEMAND_ENTRANCES;
    }
    free(by_id);
    return st;
}

/* Compound i's buildings as its demand points, each weighted by its share of the buildings'
 * population, else floor area (when every building has a valid one), else evenly. LC_OK or
 * LC_ERR_NOMEM. */
static lc_status building_points(demand_build *b, size_t i)
{
    size_t b0 = b->bfirst[i], b1 = b->bfirst[i + 1];
    double spop = 0, sarea = 0;
    int pop_ok = 1, area_ok = 1;
    for (size_t q = b0; q < b1; q++) {
        const lc_feature *bf = lc_layer_feature(b->bld, b->blist[q]);
        pop_ok &= isfinite(bf->population) && bf->population >= 0;
        area_ok &= isfinite(bf->floor_area) && bf->floor_area >= 0;
        spop += pop_ok ? bf->population : 0;
        sarea += area_ok ? bf->floor_area : 0;
    }
    for (size_t q = b0; q < b1; q++) {
        const lc_feature *bf = lc_layer_feature(b->bld, b->blist[q]);
        double wq = pop_ok && spop > 0 ? bf->population / spop
                  : area_ok && sarea > 0 ? bf->floor_area / sarea : 1.0 / (double)(b1 - b0);
        size_t at = b->npts;
        if (push_xy(&b->pts, &b->npts, &b->cap, b->bpt[b->blist[q]]) ||
            lc_grow(b->ctx, (void **)&b->wts, &b->wcap, at + 1, sizeof *b->wts) != LC_OK ||
            lc_grow(b->ctx, (void **)&b->src, &b->scap, at + 1, sizeof *b->src) != LC_OK)
            return demand_nomem(b->ctx);
        b->wts[at] = wq;
        b->src[at] = (long)b->blist[q];
    }
    b->kind[i] = DEMAND_BUILDINGS;
    return LC_OK;
}

/* Compound i's demand points, in the order of precedence: a compound given as a point walks from
 * it; else its entrances, its buildings, its grid points (grid_m > 0), and failing all of those a
 * point on its surface. Records the compound's kind and counts it. LC_OK or the error set. */
static lc_status polygon_points(demand_build *b, size_t i, double grid_m)
{
    GEOSContextHandle_t h = b->h;
    const lc_feature *f = lc_layer_feature(b->res, i);
    lc_xy p;
    b->rows[i] = b->npts;
    if (GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT) { /* a 小区 POI: its own point, nothing else */
        b->kind[i] = DEMAND_POINT;
        if (!GEOSGeomGetX_r(h, f->geom, &p.x) || !GEOSGeomGetY_r(h, f->geom, &p.y) ||
            push_xy(&b->pts, &b->npts, &b->cap, p))
            return demand_nomem(b->ctx);
        b->used[DEMAND_POINT]++;
        return LC_OK;
    }
    if (b->kind[i] == DEMAND_ENTRANCES) {
        for (size_t k = 0; k < b->ne; k++)
            if (b->owner[k] == (long)i) {
                GEOSGeomGetX_r(h, lc_layer_feature(b->ent, k)->geom, &p.x);
                GEOSGeomGetY_r(h, lc_layer_feature(b->ent, k)->geom, &p.y);
                if (push_xy(&b->pts, &b->npts, &b->cap, p))
                    return demand_nomem(b->ctx);
            }
    } else if (b->nb && b->bfirst[i + 1] > b->bfirst[i]) {
        if (building_points(b, i) != LC_OK)
            return LC_ERR_NOMEM;
    } else if (grid_m > 0) {
        long got = grid_points(h, f, grid_m, &b->pts, &b->npts, &b->cap);
        if (got < 0)
            return lc_error(b->ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): cannot lay demand points in the "
                            "polygon (%s)", lc_layer_source(b->res), lc_layer_name(b->res), f->id,
                            lc_ctx_geos_message(b->ctx));
        if (got)
            b->kind[i] = DEMAND_GRID;
    }
    if (b->npts == b->rows[i]) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, f->geom);
        int ok = pt && GEOSGeomGetX_r(h, pt, &p.x) && GEOSGeomGetY_r(h, pt, &p.y);
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (!ok)
            return lc_error(b->ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon",
                            lc_layer_source(b->res), lc_layer_name(b->res), f->id);
        if (push_xy(&b->pts, &b->npts, &b->cap, p))
            return demand_nomem(b->ctx);
    }
    b->used[b->kind[i]]++;
    return LC_OK;
}

/* What the planner is told once the points are attached (d, b->npts of them): the compounds none
 * of whose points reaches the network, and how many walk from entrances, buildings and grid
 * points. Only logs. */
static void log_demand(const demand_build *b, const lc_snap *d, double grid_m, double max_snap_m)
{
    size_t off = 0;
    for (size_t i = 0; i < b->n; i++) { /* off-network: none of its points attaches */
        int on = 0;
        for (size_t k = b->rows[i]; k < b->rows[i + 1]; k++)
            on |= d[k].edge >= 0;
        off += !on;
    }
    if (off)
        lc_log(b->ctx, LC_LOG_WARNING, "%zu of %zu residential polygons are more than %.0f m from the walking "
               "network (off-network: no facility reaches them in network mode)", off, b->n, max_snap_m);
    if (b->ne)
        lc_log(b->ctx, b->unassigned ? LC_LOG_WARNING : LC_LOG_INFO,
               "entrances 小区出入口: %zu of %zu compounds walk from their entrances; %zu of %zu entrances belong to no "
               "compound (no compound id matches and none lies within %.0f m)", b->used[DEMAND_ENTRANCES], b->n,
               b->unassigned, b->ne, ENTRANCE_SNAP_M);
    if (b->nb)
        lc_log(b->ctx, b->unplaced ? LC_LOG_WARNING : LC_LOG_INFO, "buildings: %zu compounds walk from their "
               "buildings; %zu of %zu buildings lie in no compound", b->used[DEMAND_BUILDINGS], b->unplaced, b->nb);
    if (grid_m > 0)
        lc_log(b->ctx, LC_LOG_INFO, "demand points: %zu compounds walk from grid points %.0f m apart, %zu from a "
               "point on their surface (smaller than the grid)", b->used[DEMAND_GRID], grid_m, b->used[DEMAND_SURFACE]);
}

/* The demand points of network mode, attached to the network. A compound with entrances (the
 * inputs' entrances layer) walks from them: covered whole when one entrance is within reach
 * (DEMAND_ENTRANCES). With grid_m > 0 any other compound walks from the points of a grid inside it
 * (DEMAND_GRID; its residents split evenly over them); a compound the grid misses, or every compound
 * without grid_m, from a point on its surface, covered by the share of its area within the walking
 * corridor (DEMAND_SURFACE). On success *start receives the CSR rows (polygon i's points are
 * [start[i], start[i + 1])), *xy the points and *dkind each polygon's DEMAND_* kind; caller frees all
 * four with free(). NULL with the context's error set. */
lc_snap *lc_cov_demand_snaps(lc_context *ctx, const lc_layer *res, const lc_layer *ent, const lc_layer *bld,
                             const lc_network *net, const lc_network_rules *rules, double grid_m, size_t **start,
                             lc_xy **xy, double **weights, long **sources, unsigned char **dkind)
{
    demand_build b = {.ctx = ctx, .h = lc_ctx_geos(ctx), .res = res, .ent = ent, .bld = bld, .n = lc_layer_count(res),
                      .ne = ent ? lc_layer_count(ent) : 0, .nb = bld ? lc_layer_count(bld) : 0};
    size_t n = b.n;
    lc_snap *d = NULL;
    b.owner = lc_calloc(ctx, b.ne ? b.ne : 1, sizeof *b.owner);
    b.rows = lc_calloc(ctx, n + 1, sizeof *b.rows);
    b.kind = lc_calloc(ctx, n ? n : 1, 1);
    if (!b.owner || !b.rows || !b.kind)
        goto nomem;
    if (b.ne || b.nb) {
        if (!(b.tree = GEOSSTRtree_create_r(b.h, 10)))
            goto nomem;
        for (size_t i = 0; i < n; i++)
            GEOSSTRtree_insert_r(b.h, b.tree, lc_layer_feature(res, i)->geom, (void *)(uintptr_t)(i + 1));
    }
    if ((b.nb && place_buildings(&b) != LC_OK) || (b.ne && assign_entrances(&b) != LC_OK))
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (polygon_points(&b, i, grid_m) != LC_OK)
            goto fail;
    b.rows[n] = b.npts;
    if (!(d = lc_calloc(ctx, b.npts ? b.npts : 1, sizeof *d)))
        goto nomem;
    for (size_t k = 0; k < b.npts; k++)
        if (lc_network_snap(ctx, net, b.pts[k], rules->max_snap_m, &d[k]) != LC_OK)
            goto fail;
    log_demand(&b, d, grid_m, rules->max_snap_m);
    if ((!b.wts && !(b.wts = lc_calloc(ctx, 1, sizeof *b.wts))) ||
        (!b.src && !(b.src = lc_calloc(ctx, 1, sizeof *b.src))))
        goto nomem; /* none of them NULL for the caller, even without buildings */
    *start = b.rows;
    *xy = b.pts;
    *weights = b.wts;
    *sources = b.src;
    *dkind = b.kind;
    b.rows = NULL, b.pts = NULL, b.wts = NULL, b.src = NULL, b.kind = NULL;
    goto done;
nomem:
    demand_nomem(ctx);
fail:
    free(d);
    d = NULL;
done:
    if (b.tree)
        GEOSSTRtree_destroy_r(b.h, b.tree);
    free(b.owner), free(b.bpt), free(b.bfirst), free(b.blist);
    free(b.rows), free(b.kind), free(b.pts), free(b.wts), free(b.src);
    return d;
}
