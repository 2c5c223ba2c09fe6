/*
 * layers/meet.c — whether the layers of a study meet once they are in the working CRS: compounds
 * outside every unit (街镇), facilities farther than 5 km from every compound, compounds with no road
 * within 5 km. More than 20 % of a layer apart means it lies elsewhere — a wrong .prj, a
 * Gauss-Krüger or UTM zone off, lon/lat swapped — and is an error naming the share and both layers'
 * extents in lon/lat (a swap is named as one); fewer is a warning. GEOS STR-trees (and a grid of
 * road vertices) keep it cheap for 20,000 compounds. Facilities outside every unit, one by one, are
 * layers/inputs.c's; the CRS's own distortion is layers/crs_checks.c's.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"
#include "lifecircle/roads.h"

/* A facility or road farther than this from every compound serves none of them (m). */
#define LC_MEET_NEAR_M 5000.0
/* Above this share of a layer's features apart, the layers do not meet: an error. */
#define LC_MEET_SHARE 0.20
/* Slack (degrees) when asking whether a layer with lon/lat swapped back would lie on the other. */
#define LC_SWAP_MARGIN_DEG 0.05
/* The road grid's cells: a quarter of LC_MEET_NEAR_M, so "a road within 5 km" is measured to 1.25 km;
 * at most LC_ROAD_GRID_MAX_CELLS of them (larger cells for huge areas). */
#define LC_ROAD_GRID_CELL_M (LC_MEET_NEAR_M / 4)
#define LC_ROAD_GRID_MAX_CELLS 1000000.0

/* How many of a layer's features lie apart from another layer. */
typedef struct apart {
    size_t n;     /* apart */
    size_t total; /* considered */
} apart;

/* One side of a comparison, as messages name it. */
typedef struct side {
    const char *source; /* the file or connection, as shown */
    const char *name;   /* the OGR layer name, or NULL */
    const char *kind;   /* "residential", "units", "facilities", "roads" */
    lc_bbox ll;         /* its extent in WGS 84 lon/lat; empty when unknown */
    int lonlat;         /* its source coordinates are lon/lat (a swap is possible) */
} side;

/* A side for a read layer: its lon/lat box through the working CRS. */
static side layer_side(lc_context *ctx, const lc_crs *crs, const lc_layer *L)
{
    side s = {L->source, L->name, lc_layer_kind_name(L->kind), lc_bbox_empty(), L->geographic};
    if (lc_layer_count(L) && lc_crs_lonlat_box(ctx, crs, L->extent, &s.ll) != LC_OK)
        lc_context_clear_error(ctx);
    return s;
}

/* Writes "lon a..b, lat c..d" (or "an unknown place") into buf; returns buf. */
static const char *box_text(char *buf, size_t size, lc_bbox b)
{
    if (lc_bbox_is_empty(b))
        snprintf(buf, size, "an unknown place");
    else
        snprintf(buf, size, "lon %.4f..%.4f, lat %.4f..%.4f", b.minx, b.maxx, b.miny, b.maxy);
    return buf;
}

/* "<source> (layer <name>)" or "<source>" into buf; returns buf. */
static const char *side_text(char *buf, size_t size, const side *s)
{
    if (s->name)
        snprintf(buf, size, "%s (layer %s)", s->source, s->name);
    else
        snprintf(buf, size, "%s", s->source);
    return buf;
}

/* Non-zero if lon/lat boxes a and b meet (within LC_SWAP_MARGIN_DEG); a is swapped first when swap. */
static int boxes_meet(lc_bbox a, lc_bbox b, int swap)
{
    if (lc_bbox_is_empty(a) || lc_bbox_is_empty(b))
        return 0;
    const lc_bbox w = swap ? (lc_bbox){a.miny, a.minx, a.maxy, a.maxx} : a;
    const double m = LC_SWAP_MARGIN_DEG;
    return w.minx <= b.maxx + m && w.maxx >= b.minx - m && w.miny <= b.maxy + m && w.maxy >= b.miny - m;
}

/* Of two sides that do not meet, the one other layers (the witnesses) disagree with: the witnesses
 * that meet exactly one of them vote for it being right. NULL when they do not decide. */
static const side *odd_side(const side *a, const side *b, const side *const *witnesses, size_t nw)
{
    int for_a = 0, for_b = 0;
    for (size_t i = 0; i < nw; i++) {
        int on_a = boxes_meet(witnesses[i]->ll, a->ll, 0), on_b = boxes_meet(witnesses[i]->ll, b->ll, 0);
        for_a += on_a && !on_b;
        for_b += on_b && !on_a;
    }
    return for_a > for_b ? b : for_b > for_a ? a : NULL;
}

/* Which of a and b, whose layers do not meet, has latitude and longitude swapped: NULL when neither,
 * swapped back, would lie on the other. A swap looks the same from either side: a side whose source
 * is not lon/lat cannot be the one, else the witnesses decide (odd_side); when nothing decides, a is
 * returned and *undecided set. */
static const side *swapped_side(const side *a, const side *b, const side *const *witnesses, size_t nw,
                                int *undecided)
{
    *undecided = 0;
    if (!boxes_meet(a->ll, b->ll, 1) || (!a->lonlat && !b->lonlat))
        return NULL;
    if (!a->lonlat || !b->lonlat)
        return a->lonlat ? a : b;
    const side *odd = odd_side(a, b, witnesses, nw);
    *undecided = !odd;
    return odd ? odd : a;
}

/* Reports that s has latitude and longitude swapped: swapped back it lies on other. undecided: no
 * third layer tells which of the two it is, and the message says so. */
static lc_status report_swap(lc_context *ctx, lc_quality *q, const side *s, const side *other, int undecided)
{
    char a[256], b[256], sa[96], sb[96];
    return lc_quality_add(ctx, q, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_SWAPPED_LONLAT, s->source, s->name, NULL,
                          NULL,
                          "%s: the coordinates look like latitude/longitude swapped%s: the %s layer lies at %s, and "
                          "with x and y exchanged it would lie on the %s layer %s (%s); longitude must come first "
                          "(x) and latitude second (y)",
                          side_text(a, sizeof a, s), undecided ? " (here or in the other layer: no third layer tells)" : "",
                          s->kind, box_text(sa, sizeof sa, s->ll), other->kind, side_text(b, sizeof b, other),
                          box_text(sb, sizeof sb, other->ll));
}

/* Reports a of the features apart ("<s>: n of total <what> (x %) <relation> <other><after>", and for a
 * warning what it means, consequence): an error above LC_MEET_SHARE, a warning below, nothing when
 * none is apart. Sets *bad when it is an error. */
static lc_status report_apart(lc_context *ctx, lc_quality *q, const side *s, const side *other, apart a,
                              const char *what, const char *relation, const char *after, const char *consequence,
                              int *bad)
{
    if (!a.n || !a.total)
        return LC_OK;
    double share = (double)a.n / (double)a.total;
    int error = share > LC_MEET_SHARE;
    *bad |= error;
    char ta[256], tb[256], ba[96], bb[96];
    side_text(ta, sizeof ta, s);
    side_text(tb, sizeof tb, other);
    box_text(ba, sizeof ba, s->ll);
    box_text(bb, sizeof bb, other->ll);
    if (error)
        return lc_quality_add(ctx, q, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_LAYERS_APART, s->source, s->name, NULL,
                              NULL,
                              "%s: %zu of %zu %s (%.1f%%) %s %s%s: the layers do not meet. The %s layer lies at %s, "
                              "the %s layer at %s; is the CRS of one of them wrong (a .prj, a Gauss-Krüger or UTM "
                              "zone, lon/lat swapped)?",
                              ta, a.n, a.total, what, 100 * share, relation, tb, after, s->kind, ba, other->kind, bb);
    return lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_LAYERS_APART, s->source, s->name, NULL, NULL,
                          "%s: %zu of %zu %s (%.1f%%) %s %s%s (the %s layer lies at %s, the %s layer at %s): %s", ta,
                          a.n, a.total, what, 100 * share, relation, tb, after, s->kind, ba, other->kind, bb,
                          consequence);
}

/* ---- compounds and units -------------------------------------------------------------------- */

typedef struct unit_probe {
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry **prep; /* per unit */
    const GEOSGeometry *g;             /* the compound */
    int hit;
} unit_probe;

/* STR-tree callback: item is unit index + 1. */
static void unit_candidate(void *item, void *user)
{
    unit_probe *p = user;
    size_t u = (size_t)(uintptr_t)item - 1;
    if (!p->hit && GEOSPreparedIntersects_r(p->h, p->prep[u], p->g) == 1)
        p->hit = 1;
}

/* Counts the compounds that meet no unit. LC_OK, LC_ERR_NOMEM or LC_ERR_GEOMETRY. */
static lc_status compounds_outside_units(lc_context *ctx, const lc_layer *res, const lc_layer *units, apart *out)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const GEOSPreparedGeometry **prep = lc_calloc(ctx, units->count, sizeof *prep);
    GEOSSTRtree *tree = prep ? GEOSSTRtree_create_r(h, 10) : NULL;
    lc_status st = prep ? LC_OK : LC_ERR_NOMEM;
    if (prep && !tree)
        st = lc_error(ctx, LC_ERR_GEOMETRY, "cannot create a GEOS STR-tree of the units");
    for (size_t u = 0; u < units->count && st == LC_OK; u++) {
        if (!(prep[u] = GEOSPrepare_r(h, units->features[u].geom)))
            st = lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): cannot prepare the unit", units->source,
                          units->name, units->features[u].id);
        else
            GEOSSTRtree_insert_r(h, tree, units->features[u].geom, (void *)(uintptr_t)(u + 1));
    }
    *out = (apart){0, res->count};
    for (size_t i = 0; i < res->count && st == LC_OK; i++) {
        unit_probe p = {h, prep, res->features[i].geom, 0};
        GEOSSTRtree_query_r(h, tree, p.g, unit_candidate, &p);
        out->n += !p.hit;
    }
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    for (size_t u = 0; prep && u < units->count; u++)
        if (prep[u])
            GEOSPreparedGeom_destroy_r(h, prep[u]);
    free(prep);
    return st;
}

/* ---- facilities and compounds --------------------------------------------------------------- */

/* The compounds' boxes and the facility a nearest-neighbour search is for. */
typedef struct near_probe {
    GEOSContextHandle_t h;
    const lc_layer *res;
    const lc_bbox *boxes; /* per compound */
    const GEOSGeometry *g; /* the facility */
    lc_xy p;
    int near;             /* fallback search: a compound within LC_MEET_NEAR_M was found */
} near_probe;

/* GEOSSTRtree_nearest_generic callback: the distance from the facility to a compound's box (tree
 * items are compound index + 1, the query item is the probe itself). Returns 1 (GEOS's success). */
static int box_distance(const void *item1, const void *item2, double *distance, void *user)
{
    const near_probe *np = user;
    const void *item = item1 == (const void *)np ? item2 : item1;
    const lc_bbox *b = &np->boxes[(size_t)(uintptr_t)item - 1];
    double dx = fmax(fmax(b->minx - np->p.x, np->p.x - b->maxx), 0), dy = fmax(fmax(b->miny - np->p.y, np->p.y - b->maxy), 0);
    *distance = hypot(dx, dy);
    return 1;
}

/* STR-tree query callback of the fallback search: item is compound index + 1. */
static void near_candidate(void *item, void *user)
{
    near_probe *np = user;
    if (!np->near && GEOSDistanceWithin_r(np->h, np->res->features[(size_t)(uintptr_t)item - 1].geom, np->g,
                                          LC_MEET_NEAR_M) == 1)
        np->near = 1;
}

/* Searches the compounds whose boxes meet the square of half-side r around the facility; sets
 * np->near when one lies within LC_MEET_NEAR_M. */
static void search_square(GEOSSTRtree *tree, near_probe *np, double r)
{
    GEOSGeometry *box = GEOSGeom_createRectangle_r(np->h, np->p.x - r, np->p.y - r, np->p.x + r, np->p.y + r);
    if (box) {
        GEOSSTRtree_query_r(np->h, tree, box, near_candidate, np);
        GEOSGeom_destroy_r(np->h, box);
    }
}

/* Non-zero if the facility np describes lies within LC_MEET_NEAR_M of a compound. Facilities lie among
 * compounds, so the compounds within 100 m answer almost always; else the compound with the nearest
 * box decides (a box farther than LC_MEET_NEAR_M: no compound is nearer; its polygon within it: near);
 * else every compound whose box is within reach is measured. */
static int facility_near(GEOSSTRtree *tree, near_probe *np)
{
    np->near = 0;
    search_square(tree, np, 100);
    if (np->near)
        return 1;
    const void *hit = GEOSSTRtree_nearest_generic_r(np->h, tree, np, np->g, box_distance, np);
    if (!hit)
        return 0;
    double d;
    box_distance(hit, np, &d, np);
    if (d > LC_MEET_NEAR_M)
        return 0;
    if (GEOSDistanceWithin_r(np->h, np->res->features[(size_t)(uintptr_t)hit - 1].geom, np->g, LC_MEET_NEAR_M) == 1)
        return 1;
    search_square(tree, np, LC_MEET_NEAR_M);
    return np->near;
}

/* Counts the facilities farther than LC_MEET_NEAR_M from every compound (exact distance to the
 * compound polygons, searched with an STR-tree of their boxes). LC_OK, LC_ERR_NOMEM or
 * LC_ERR_GEOMETRY. */
static lc_status facilities_far(lc_context *ctx, const lc_layer *fac, const lc_layer *res, apart *out)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_bbox *boxes = lc_malloc(ctx, res->count * sizeof *boxes);
    if (!boxes)
        return LC_ERR_NOMEM;
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    if (!tree) {
        free(boxes);
        return lc_error(ctx, LC_ERR_GEOMETRY, "cannot create a GEOS STR-tree of the compounds");
    }
    for (size_t i = 0; i < res->count; i++) {
        lc_bbox *b = &boxes[i];
        GEOSGeom_getExtent_r(h, res->features[i].geom, &b->minx, &b->miny, &b->maxx, &b->maxy);
        GEOSSTRtree_insert_r(h, tree, res->features[i].geom, (void *)(uintptr_t)(i + 1));
    }
    *out = (apart){0, fac->count};
    for (size_t i = 0; i < fac->count; i++) {
        near_probe np = {h, res, boxes, fac->features[i].geom, {0, 0}, 0};
        GEOSGeomGetX_r(h, np.g, &np.p.x);
        GEOSGeomGetY_r(h, np.g, &np.p.y);
        out->n += !facility_near(tree, &np);
    }
    GEOSSTRtree_destroy_r(h, tree);
    free(boxes);
    return LC_OK;
}

/* Fills w with the sides of every layer with features but a and b; returns how many. */
static size_t witnesses(const side sides[LC_LAYER_KIND_COUNT], lc_layer_kind a, lc_layer_kind b,
                        const side *w[LC_LAYER_KIND_COUNT])
{
    size_t n = 0;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++)
        if (k != (int)a && k != (int)b && !lc_bbox_is_empty(sides[k].ll))
            w[n++] = &sides[k];
    return n;
}

/* The verdict on layer x against layer y once a (x's features apart from y) is known: when more than
 * LC_MEET_SHARE of x lies apart and one of the two stands apart from every other layer (the
 * witnesses), that one is named as the layer in the wrong place (report_swap) and *bad is set;
 * otherwise the features apart are reported (report_apart, which sets *bad when that is an error).
 * LC_OK or LC_ERR_NOMEM. */
static lc_status judge_apart(lc_context *ctx, lc_quality *q, const side sides[LC_LAYER_KIND_COUNT], lc_layer_kind x,
                             lc_layer_kind y, apart a, const char *what, const char *relation,
                             const char *consequence, int *bad)
{
    const side *w[LC_LAYER_KIND_COUNT];
    size_t nw = witnesses(sides, x, y, w);
    const side *sx = &sides[x], *sy = &sides[y];
    int undecided = 0;
    const side *swapped = (double)a.n > LC_MEET_SHARE * (double)a.total ? swapped_side(sx, sy, w, nw, &undecided)
                                                                         : NULL;
    if (swapped) {
        *bad = 1;
        return report_swap(ctx, q, swapped, swapped == sx ? sy : sx, undecided);
    }
    return report_apart(ctx, q, sx, sy, a, what, relation, "", consequence, bad);
}

lc_status lc_inputs_check_meet(lc_context *ctx, lc_layer *const layers[LC_LAYER_KIND_COUNT], const lc_crs *crs,
                               lc_quality *q, int *apart_out)
{
    const lc_layer *res = layers[LC_LAYER_RESIDENTIAL], *fac = layers[LC_LAYER_FACILITIES],
                   *units = layers[LC_LAYER_UNITS];
    *apart_out = 0;
    if (!res || !res->count)
        return LC_OK;
    double t0 = lc_seconds();
    side sides[LC_LAYER_KIND_COUNT];
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++)
        sides[k] = layers[k] ? layer_side(ctx, crs, layers[k]) : (side){.ll = lc_bbox_empty()};
    lc_status st = LC_OK;
    int ru_bad = 0, fr_bad = 0;
    if (units && units->count) {
        apart a;
        st = compounds_outside_units(ctx, res, units, &a);
        if (st == LC_OK)
            st = judge_apart(ctx, q, sides, LC_LAYER_RESIDENTIAL, LC_LAYER_UNITS, a, "compounds",
                             "lie outside every unit (街镇) of", "they count for no unit's indicators", &ru_bad);
    }
    /* Compounds apart from the units and facilities apart from the compounds: the compounds are the
     * odd layer, already named; the facilities are compared with them only when they stand. */
    if (st == LC_OK && fac && fac->count && !ru_bad) {
        apart a;
        st = facilities_far(ctx, fac, res, &a);
        if (st == LC_OK)
            st = judge_apart(ctx, q, sides, LC_LAYER_FACILITIES, LC_LAYER_RESIDENTIAL, a, "facilities",
                             "lie farther than 5 km from every compound of", "they serve no compound", &fr_bad);
    }
    *apart_out = ru_bad || fr_bad;
    lc_log(ctx, LC_LOG_DEBUG, "layers meet: %.3f s", lc_seconds() - t0);
    return st;
}

/* ---- roads and compounds -------------------------------------------------------------------- */

/* Road vertices counted in square cells over the compounds' extent grown by LC_MEET_NEAR_M (vertices
 * outside it cannot be near any compound), and the box of every vertex. */
typedef struct road_grid {
    lc_bbox box;
    double cell;
    size_t nx, ny;
    size_t *count; /* nx*ny vertex counts */
    lc_bbox all;   /* every vertex, inside the grid or not */
} road_grid;

/* Counts every road vertex in its cell, in one pass. LC_OK or LC_ERR_NOMEM. */
static lc_status grid_build(lc_context *ctx, road_grid *g, const lc_roads *roads, lc_bbox compounds)
{
    g->box = (lc_bbox){compounds.minx - LC_MEET_NEAR_M, compounds.miny - LC_MEET_NEAR_M,
                       compounds.maxx + LC_MEET_NEAR_M, compounds.maxy + LC_MEET_NEAR_M};
    double w = g->box.maxx - g->box.minx, hgt = g->box.maxy - g->box.miny;
    g->cell = fmax(LC_ROAD_GRID_CELL_M, sqrt(w * hgt / LC_ROAD_GRID_MAX_CELLS));
    g->nx = (size_t)ceil(w / g->cell) + 1;
    g->ny = (size_t)ceil(hgt / g->cell) + 1;
    g->all = lc_bbox_empty();
    if (!(g->count = lc_calloc(ctx, g->nx * g->ny, sizeof *g->count)))
        return LC_ERR_NOMEM;
    for (size_t i = 0, n = lc_roads_count(roads); i < n; i++) {
        lc_road r = lc_roads_get(roads, i);
        for (size_t k = 0; k < r.n; k++) {
            lc_xy p = r.pts[k];
            g->all = lc_bbox_extend(g->all, p);
            if (p.x >= g->box.minx && p.x <= g->box.maxx && p.y >= g->box.miny && p.y <= g->box.maxy) {
                size_t cx = (size_t)((p.x - g->box.minx) / g->cell), cy = (size_t)((p.y - g->box.miny) / g->cell);
                g->count[(cy < g->ny ? cy : g->ny - 1) * g->nx + (cx < g->nx ? cx : g->nx - 1)]++;
            }
        }
    }
    return LC_OK;
}

/* Non-zero if a cell that box b (a compound's box grown by LC_MEET_NEAR_M) meets holds a road vertex:
 * a road within LC_MEET_NEAR_M of the compound's box, or one cell further. */
static int grid_any_in(const road_grid *g, lc_bbox b)
{
    long x0 = (long)floor((b.minx - g->box.minx) / g->cell), x1 = (long)floor((b.maxx - g->box.minx) / g->cell);
    long y0 = (long)floor((b.miny - g->box.miny) / g->cell), y1 = (long)floor((b.maxy - g->box.miny) / g->cell);
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= (long)g->nx ? (long)g->nx - 1 : x1, y1 = y1 >= (long)g->ny ? (long)g->ny - 1 : y1;
    for (long cy = y0; cy <= y1; cy++)
        for (long cx = x0; cx <= x1; cx++)
            if (g->count[(size_t)cy * g->nx + (size_t)cx])
                return 1;
    return 0;
}

lc_status lc_roads_check_meet(lc_context *ctx, const lc_roads *roads, const lc_inputs *inputs, const lc_study *study,
                              lc_quality *quality)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!roads || !inputs || !study || !quality)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_roads_check_meet: roads, inputs, study and quality are required");
    const lc_layer *res = lc_inputs_layer(inputs, LC_LAYER_RESIDENTIAL);
    const lc_crs *crs = lc_inputs_crs(inputs);
    if (!res || !res->count)
        return LC_OK;
    double t0 = lc_seconds();
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    road_grid g = {0};
    lc_status st = grid_build(ctx, &g, roads, res->extent);
    apart a = {0, res->count};
    lc_bbox roads_box = lc_bbox_empty();
    for (size_t i = 0; st == LC_OK && i < res->count; i++) {
        double minx, miny, maxx, maxy;
        if (!GEOSGeom_getExtent_r(h, res->features[i].geom, &minx, &miny, &maxx, &maxy))
            continue;
        const lc_bbox b = {minx - LC_MEET_NEAR_M, miny - LC_MEET_NEAR_M, maxx + LC_MEET_NEAR_M, maxy + LC_MEET_NEAR_M};
        a.n += !grid_any_in(&g, b);
    }
    free(g.count);
    if (st != LC_OK)
        return st;
    roads_box = g.all;
    char *shown = lc_conninfo_redact(ctx, lc_study_get(study, "roads.path") ? lc_study_get(study, "roads.path") : "roads");
    if (!shown)
        return LC_ERR_NOMEM;
    side sroad = {shown, lc_study_get(study, "roads.layer"), "roads", lc_bbox_empty(), 1};
    if (!lc_bbox_is_empty(roads_box) && lc_crs_lonlat_box(ctx, crs, roads_box, &sroad.ll) != LC_OK)
        lc_context_clear_error(ctx);
    side sr = layer_side(ctx, crs, res), others[LC_LAYER_KIND_COUNT];
    const side *w[LC_LAYER_KIND_COUNT];
    size_t nw = 0;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = lc_inputs_layer(inputs, (lc_layer_kind)k);
        if (k != LC_LAYER_RESIDENTIAL && L && L->count && !lc_bbox_is_empty((others[nw] = layer_side(ctx, crs, L)).ll)) {
            w[nw] = &others[nw];
            nw++;
        }
    }
    int bad = 0, undecided = 0, far = (double)a.n > LC_MEET_SHARE * (double)a.total;
    const side *swapped = far ? swapped_side(&sroad, &sr, w, nw, &undecided) : NULL;
    /* Compounds the other layers disagree with are the odd layer, and lc_inputs_read said so. */
    if (swapped == &sr || (far && !swapped && odd_side(&sroad, &sr, w, nw) == &sr))
        st = LC_OK;
    else if (swapped)
        st = report_swap(ctx, quality, &sroad, &sr, undecided);
    else
        st = report_apart(ctx, quality, &sroad, &sr, a, "compounds", "of", " have no road of this layer within 5 km",
                          "their residents cannot reach the walking network", &bad);
    free(shown);
    lc_log(ctx, LC_LOG_DEBUG, "roads meet the compounds: %.3f s", lc_seconds() - t0);
    return st;
}
