/*
 * queries/levels.c — the administrative ladder 区 → 街镇 → 片区 / 居村 → 村民小组 (queries/indicators_int.h):
 * every level the study gives a layer for, each unit put into its parent (a declared field, else
 * area of overlap, through queries/assign.c), its type (居委会 or 村委会; 街道 or 镇/乡), its residents
 * and households, and for the presence norms the facilities counting for each unit. The rows per
 * 街镇, 区 and the whole area are evaluated in queries/indicators.c; writing is outputs/'.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layers/quality_int.h"
#include "lifecircle/coverage.h"
#include "lifecircle/network.h"
#include "queries/indicators_int.h"

/* The study layer of each level. */
static const lc_layer_kind level_kind[LC_LEVEL_COUNT] = {LC_LAYER_DISTRICTS, LC_LAYER_UNITS, LC_LAYER_AREAS,
                                                         LC_LAYER_COMMITTEES, LC_LAYER_GROUPS};

/* A committee is split across 街镇 (and so on) when its largest share is below this. */
#define STRADDLE_SHARE 0.95

/* Whether text ends with suffix (bytes). */
static int ends_with(const char *text, const char *suffix)
{
    size_t n = strlen(text), k = strlen(suffix);
    return n >= k && !memcmp(text + n - k, suffix, k);
}

/* 1 when t is one of the words of one (ignoring ASCII case), 0 when one of zero's, -1 otherwise
 * (both lists NULL-terminated). */
static int word_type(const char *t, const char *const *one, const char *const *zero)
{
    for (int i = 0; one[i]; i++)
        if (!strcasecmp(t, one[i]))
            return 1;
    for (int i = 0; zero[i]; i++)
        if (!strcasecmp(t, zero[i]))
            return 0;
    return -1;
}

/* A committee's type from its type field's text: 1 villagers' (村委会, 村), 0 residents' (居委会, 社区),
 * -1 when the text says neither. */
static int committee_type_text(const char *t)
{
    static const char *const villagers[] = {"villagers", "villager", "village", "v", "rural", NULL};
    static const char *const residents[] = {"residents", "resident", "neighbourhood", "neighborhood", "r", "urban",
                                            "community", NULL};
    int cun = strstr(t, "村") != NULL, ju = strstr(t, "居") != NULL || strstr(t, "社区") != NULL;
    if (cun != ju)
        return cun ? 1 : 0;
    return word_type(t, villagers, residents);
}

/* A committee's type from its name: …村 / 村委会 / 村民委员会 villagers', …居委会 / 居民委员会 / 社区 /
 * 居委 residents'; -1 otherwise. */
static int committee_type_name(const char *name)
{
    if (!name)
        return -1;
    if (ends_with(name, "村") || ends_with(name, "村委会") || ends_with(name, "村民委员会") || ends_with(name, "村委"))
        return 1;
    if (ends_with(name, "居委会") || ends_with(name, "居民委员会") || ends_with(name, "社区") || ends_with(name, "居委"))
        return 0;
    return -1;
}

/* A 街镇's type from its type field's text: 1 rural (镇, 乡, town), 0 urban (街道, subdistrict), -1
 * neither. */
static int unit_type_text(const char *t)
{
    static const char *const rural[] = {"town", "township", "rural", NULL};
    static const char *const urban[] = {"subdistrict", "sub-district", "street", "urban", "jiedao", NULL};
    int zhen = strstr(t, "镇") != NULL || strstr(t, "乡") != NULL, jie = strstr(t, "街道") != NULL;
    if (zhen != jie)
        return zhen ? 1 : 0;
    return word_type(t, rural, urban);
}

/* A 街镇's type from its name: …镇 / …乡 rural, …街道 urban, -1 otherwise. */
static int unit_type_name(const char *name)
{
    if (!name)
        return -1;
    if (ends_with(name, "镇") || ends_with(name, "乡"))
        return 1;
    return ends_with(name, "街道") ? 0 : -1;
}

/* The parent level of each level (-1: none). */
static int parent_level(lc_level l)
{
    switch (l) {
    case LC_LEVEL_UNIT: return LC_LEVEL_DISTRICT;
    case LC_LEVEL_AREA: return LC_LEVEL_UNIT;
    case LC_LEVEL_COMMITTEE: return LC_LEVEL_UNIT;
    case LC_LEVEL_GROUP: return LC_LEVEL_COMMITTEE;
    default: return -1;
    }
}

/* The parent a unit of level l declares in its field: a 街镇's district, a committee's or 片区's
 * unit, a group's committee. */
static const char *declared_parent(lc_level l, const lc_feature *f)
{
    return l == LC_LEVEL_UNIT ? f->district : l == LC_LEVEL_GROUP ? f->committee : f->unit;
}

/* The study field that declares the parent of level l, for messages. */
static const char *parent_field(lc_level l)
{
    return l == LC_LEVEL_UNIT ? "district" : l == LC_LEVEL_GROUP ? "committee" : "unit";
}

/* Puts every unit of level l into its parent level's units, warning about units in none and units
 * split across several. LC_OK or LC_ERR_NOMEM. */
static lc_status assign_parents(lc_context *ctx, lc_indicators *ind, lc_level l, lc_quality *q)
{
    level_units *lv = &ind->lv[l];
    int pl = parent_level(l);
    for (size_t i = 0; i < lv->n; i++)
        lv->parent[i] = -1;
    if (pl < 0 || !ind->lv[pl].layer)
        return LC_OK;
    const level_units *up = &ind->lv[pl];
    const lc_layer *L = lv->layer;
    lc_parent_share *shares = lc_calloc(ctx, up->n ? up->n : 1, sizeof *shares);
    if (!shares)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    for (size_t i = 0; i < lv->n && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(L, i);
        const char *said = declared_parent(l, f);
        long p = lc_parent_declared(&up->ix, said);
        if (p >= 0) {
            lv->parent[i] = p;
            continue;
        }
        size_t ns = 0;
        if ((p = lc_parent_overlap(ctx, &up->ix, f->geom, f->area, shares, &ns)) == -2) {
            st = LC_ERR_NOMEM;
            break;
        }
        lv->parent[i] = p;
        const char *lname = lc_level_name_zh(l), *pname = lc_level_name_zh((lc_level)pl);
        if (p < 0) {
            char why[300] = "";
            if (said && *said)
                snprintf(why, sizeof why, " (its %s field says '%s', which is no id or name there)", parent_field(l),
                         said);
            st = lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_LEVEL_NO_PARENT, lc_layer_source(L),
                                lc_layer_name(L), f->id, said && *said ? parent_field(l) : NULL,
                                "%s (layer %s, feature %s): this %s lies in no %s of %s%s; it is checked on its own "
                                "but counts for no %s", lc_layer_source(L), lc_layer_name(L), f->id, lname, pname,
                                lc_layer_source(up->layer), why, pname);
            continue;
        }
        double share_p = 0, share_second = 0;
        long second = -1;
        for (size_t j = 0; j < ns; j++)
            if ((long)shares[j].parent == p)
                share_p = shares[j].share;
            else if (second < 0 || shares[j].share > share_second)
                second = (long)shares[j].parent, share_second = shares[j].share;
        if (share_p < STRADDLE_SHARE) {
            const lc_feature *a = lc_layer_feature(up->layer, (size_t)p);
            char other[300];
            if (second >= 0) {
                const lc_feature *b = lc_layer_feature(up->layer, (size_t)second);
                snprintf(other, sizeof other, "%.1f%% in %s (%s)", 100 * share_second, b->name ? b->name : b->id,
                         b->id);
            } else {
                snprintf(other, sizeof other, "%.1f%% in no %s", 100 * (1 - share_p), pname);
            }
            st = lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_LEVEL_STRADDLES, lc_layer_source(L),
                                lc_layer_name(L), f->id, NULL,
                                "%s (layer %s, feature %s): this %s lies %.1f%% in %s %s (%s) and %s; it is put in "
                                "%s (name its %s in the '%s' field to decide)", lc_layer_source(L), lc_layer_name(L),
                                f->id, lname, 100 * share_p, pname, a->name ? a->name : a->id, a->id, other,
                                a->name ? a->name : a->id, pname, parent_field(l));
        }
    }
    free(shares);
    return st;
}

/* Allocates level l's arrays for n units. LC_OK or LC_ERR_NOMEM. */
static lc_status level_alloc(lc_context *ctx, level_units *lv, size_t nnorms)
{
    size_t n = lv->n ? lv->n : 1;
    lv->parent = lc_calloc(ctx, n, sizeof *lv->parent);
    lv->unit = lc_calloc(ctx, n, sizeof *lv->unit);
    lv->district = lc_calloc(ctx, n, sizeof *lv->district);
    lv->type = lc_calloc(ctx, n, sizeof *lv->type);
    lv->rural = lc_calloc(ctx, n, sizeof *lv->rural);
    lv->pop = lc_calloc(ctx, n, sizeof *lv->pop);
    lv->pop_from_field = lc_calloc(ctx, n, sizeof *lv->pop_from_field);
    lv->households = lc_calloc(ctx, n, sizeof *lv->households);
    lv->res_pop = lc_calloc(ctx, n, sizeof *lv->res_pop);
    lv->count = lc_calloc(ctx, n * (nnorms ? nnorms : 1), sizeof *lv->count);
    lv->meets = lc_calloc(ctx, n * (nnorms ? nnorms : 1), sizeof *lv->meets);
    int ok = lv->parent && lv->unit && lv->district && lv->type && lv->rural && lv->pop && lv->pop_from_field &&
             lv->households && lv->res_pop && lv->count && lv->meets;
    if (ok)
        memset(lv->meets, 0xff, n * (nnorms ? nnorms : 1) * sizeof *lv->meets); /* -1: not asked */
    return ok ? LC_OK : LC_ERR_NOMEM;
}

/* Warns once about a type field whose text says neither kind (committees: 居委会 / 村委会; units:
 * 街道 / 镇 / 乡). LC_OK or LC_ERR_NOMEM. */
static lc_status warn_type(lc_context *ctx, const lc_layer *L, const lc_feature *f, lc_level l, lc_quality *q)
{
    return lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_LEVEL_TYPE, lc_layer_source(L),
                          lc_layer_name(L), f->id, "type",
                          "%s (layer %s, feature %s, field type): '%s' is %s; norms asked only of %s count it for "
                          "neither", lc_layer_source(L), lc_layer_name(L), f->id, f->type,
                          l == LC_LEVEL_COMMITTEE ? "neither a residents' (居委会) nor a villagers' (村委会) committee"
                                                  : "neither a 街道 nor a 镇 or 乡",
                          l == LC_LEVEL_COMMITTEE ? "居委会 or 村委会" : "街道 or rural 镇 and 乡");
}

lc_status lc_levels_assign(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, lc_quality *q)
{
    lc_status st;
    for (int l = 0; l < LC_LEVEL_COUNT; l++) {
        level_units *lv = &ind->lv[l];
        lv->layer = lc_inputs_layer(in, level_kind[l]);
        lv->n = lc_layer_count(lv->layer);
        if ((st = level_alloc(ctx, lv, ind->nnorms)) != LC_OK)
            return st;
        if (lv->layer && (st = lc_parent_index_build(ctx, lv->layer, &lv->ix)) != LC_OK)
            return st;
    }
    /* Top down, so a level's parents know their own 街镇 and 区 when it asks. */
    static const lc_level order[] = {LC_LEVEL_DISTRICT, LC_LEVEL_UNIT, LC_LEVEL_AREA, LC_LEVEL_COMMITTEE,
                                     LC_LEVEL_GROUP};
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
        lc_level l = order[o];
        level_units *lv = &ind->lv[l];
        if (!lv->layer)
            continue;
        if ((st = assign_parents(ctx, ind, l, q)) != LC_OK)
            return st;
        for (size_t i = 0; i < lv->n; i++) {
            const lc_feature *f = lc_layer_feature(lv->layer, i);
            long p = lv->parent[i];
            lv->type[i] = -1;
            lv->rural[i] = -1;
            lv->pop[i] = f->population;
            lv->households[i] = f->households;
            switch (l) {
            case LC_LEVEL_DISTRICT:
                lv->unit[i] = -1;
                lv->district[i] = (long)i;
                break;
            case LC_LEVEL_UNIT: {
                lv->unit[i] = (long)i;
                lv->district[i] = p;
                int t = f->type && *f->type ? unit_type_text(f->type) : unit_type_name(f->name);
                if (t < 0 && f->type && *f->type && (st = warn_type(ctx, lv->layer, f, l, q)) != LC_OK)
                    return st;
                lv->rural[i] = (signed char)t;
                break;
            }
            case LC_LEVEL_AREA:
            case LC_LEVEL_COMMITTEE: {
                lv->unit[i] = p;
                lv->district[i] = p >= 0 ? ind->lv[LC_LEVEL_UNIT].district[p] : -1;
                lv->rural[i] = p >= 0 ? ind->lv[LC_LEVEL_UNIT].rural[p] : -1;
                if (l == LC_LEVEL_COMMITTEE) {
                    int t = f->type && *f->type ? committee_type_text(f->type) : committee_type_name(f->name);
                    if (t < 0 && f->type && *f->type && (st = warn_type(ctx, lv->layer, f, l, q)) != LC_OK)
                        return st;
                    lv->type[i] = (signed char)t;
                }
                break;
            }
            case LC_LEVEL_GROUP: {
                const level_units *c = &ind->lv[LC_LEVEL_COMMITTEE];
                lv->unit[i] = p >= 0 ? c->unit[p] : -1;
                lv->district[i] = p >= 0 ? c->district[p] : -1;
                lv->rural[i] = p >= 0 ? c->rural[p] : -1;
                lv->type[i] = 1; /* a 村民小组 is a part of a village */
                break;
            }
            default:
                break;
            }
        }
    }
    /* Each facility in the unit of every level holding its point. */
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    for (int l = 0; l < LC_LEVEL_COUNT; l++)
        for (size_t f = 0; f < ind->nfac; f++)
            ind->fac_level[(size_t)l * ind->nfac + f] =
                ind->lv[l].layer ? lc_parent_of_point(ctx, &ind->lv[l].ix, lc_layer_feature(fac, f)->geom) : -1;
    return LC_OK;
}

lc_status lc_levels_add_residential(lc_context *ctx, lc_indicators *ind, const lc_feature *f, size_t i,
                                    lc_parent_share *shares)
{
    static const lc_level below[] = {LC_LEVEL_AREA, LC_LEVEL_COMMITTEE, LC_LEVEL_GROUP};
    double pop = isnan(f->population) ? 0 : f->population;
    ind->res_committee[i] = -1;
    for (size_t b = 0; b < sizeof below / sizeof below[0]; b++) {
        level_units *lv = &ind->lv[below[b]];
        if (!lv->layer)
            continue;
        size_t ns = 0;
        long best = below[b] == LC_LEVEL_COMMITTEE ? lc_parent_declared(&lv->ix, f->committee) : -1;
        if (best >= 0)
            shares[ns++] = (lc_parent_share){(size_t)best, 1};
        else if ((best = lc_parent_overlap(ctx, &lv->ix, f->geom, f->area, shares, &ns)) == -2)
            return LC_ERR_NOMEM;
        if (below[b] == LC_LEVEL_COMMITTEE)
            ind->res_committee[i] = best;
        for (size_t j = 0; j < ns; j++) {
            size_t k = shares[j].parent;
            lv->res_pop[k] += pop * shares[j].share;
            if (!isnan(f->households)) {
                /* households: NAN until a compound brings some (then the field, if any, still wins) */
                double *hh = &lv->households[k];
                if (isnan(lc_layer_feature(lv->layer, k)->households))
                    *hh = (isnan(*hh) ? 0 : *hh) + f->households * shares[j].share;
            }
        }
    }
    return LC_OK;
}

void lc_levels_populations(lc_indicators *ind)
{
    for (int l = LC_LEVEL_AREA; l < LC_LEVEL_COUNT; l++) {
        level_units *lv = &ind->lv[l];
        for (size_t i = 0; lv->layer && i < lv->n; i++) {
            double own = lc_layer_feature(lv->layer, i)->population;
            lv->pop_from_field[i] = !isnan(own);
            lv->pop[i] = isnan(own) ? lv->res_pop[i] : own;
        }
    }
}

/* Whether unit i of level l is asked by a norm with this `only`: 1 yes, 0 no, -1 its type is not
 * known. */
static int asked(const level_units *lv, size_t i, lc_only only)
{
    switch (only) {
    case LC_ONLY_VILLAGERS: return lv->type[i] < 0 ? -1 : lv->type[i] == 1;
    case LC_ONLY_RESIDENTS: return lv->type[i] < 0 ? -1 : lv->type[i] == 0;
    case LC_ONLY_RURAL: return lv->rural[i] < 0 ? -1 : lv->rural[i] == 1;
    case LC_ONLY_URBAN: return lv->rural[i] < 0 ? -1 : lv->rural[i] == 0;
    default: return 1;
    }
}

/* Whether facility category c is one of norm n's. */
static int counts_category(const lc_norm *n, int c)
{
    for (size_t k = 0; k < n->ncategories; k++)
        if (n->categories[k] == c)
            return 1;
    return 0;
}

/* The area a facility at p reaches along net within r metres: the parts of streets within reach and
 * its access leg, as lines (with the point itself). NULL when it fails (context error set), or an
 * empty collection off the network. Caller destroys it. */
static GEOSGeometry *network_reach_lines(lc_context *ctx, const lc_network *net, const GEOSGeometry *pt, double r,
                                         double max_snap_m)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    lc_xy p;
    GEOSGeomGetX_r(h, pt, &p.x);
    GEOSGeomGetY_r(h, pt, &p.y);
    lc_snap s;
    if (lc_network_snap(ctx, net, p, max_snap_m, &s) != LC_OK)
        return NULL;
    GEOSGeometry **parts = NULL;
    size_t np = 0;
    lc_xy *segs = NULL;
    size_t nseg = 0;
    if (s.edge >= 0 && s.access_m <= r) {
        long id = 0;
        lc_network_reach *reach = lc_network_reach_compute(ctx, net, &s, &id, 1, r);
        if (!reach)
            return NULL;
        lc_status st = lc_network_reach_segments(ctx, reach, r, &segs, &nseg);
        lc_network_reach_destroy(reach);
        if (st != LC_OK)
            return NULL;
    }
    parts = lc_calloc(ctx, nseg + 2, sizeof *parts);
    if (!parts) {
        free(segs);
        return NULL;
    }
    int ok = (parts[np] = GEOSGeom_clone_r(h, pt)) != NULL;
    np += ok;
    if (ok && s.edge >= 0 && s.access_m <= r) {
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
        ok = cs && GEOSCoordSeq_setXY_r(h, cs, 0, p.x, p.y) && GEOSCoordSeq_setXY_r(h, cs, 1, s.at.x, s.at.y) &&
             (parts[np] = GEOSGeom_createLineString_r(h, cs)) != NULL;
        np += ok;
    }
    for (size_t k = 0; ok && k < nseg; k++) {
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
        ok = cs && GEOSCoordSeq_setXY_r(h, cs, 0, segs[2 * k].x, segs[2 * k].y) &&
             GEOSCoordSeq_setXY_r(h, cs, 1, segs[2 * k + 1].x, segs[2 * k + 1].y) &&
             (parts[np] = GEOSGeom_createLineString_r(h, cs)) != NULL;
        np += ok;
    }
    free(segs);
    GEOSGeometry *out = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)np) : NULL;
    if (!out) {
        for (size_t k = 0; k < np; k++)
            GEOSGeom_destroy_r(h, parts[k]);
        lc_error(ctx, LC_ERR_GEOMETRY, "cannot build the walking reach of a facility: %s", lc_ctx_geos_message(ctx));
    }
    free(parts);
    return out;
}

/* Counts for norm k (at level l) the facilities serving each unit of the level: those inside it,
 * or with serve_reach those within their category's reach of it (straight line, or along net). */
static lc_status count_facilities(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, size_t k,
                                  const lc_norm *n, const lc_coverage *cov, const lc_network *net,
                                  const lc_network_rules *rules)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    level_units *lv = &ind->lv[n->level];
    const lc_layer *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t *cand = NULL, capcand = 0; /* the units near a facility's reach (queries/assign.c's grid) */
    for (size_t f = 0; f < ind->nfac; f++) {
        const lc_feature *ff = lc_layer_feature(fac, f);
        if (ff->category < 0 || !counts_category(n, ff->category))
            continue;
        if (!n->serve_reach) {
            long u = ind->fac_level[(size_t)n->level * ind->nfac + f];
            if (u >= 0)
                lv->count[(size_t)u * ind->nnorms + k]++;
            continue;
        }
        double r = lc_coverage_reach(cov, (size_t)ff->category);
        GEOSGeometry *walk = net ? network_reach_lines(ctx, net, ff->geom, r, rules ? rules->max_snap_m : 200) : NULL;
        if (net && !walk) {
            free(cand);
            return lc_context_errno(ctx) ? lc_context_errno(ctx) : LC_ERR_GEOMETRY;
        }
        lc_bbox wb;
        if (walk)
            GEOSGeom_getExtent_r(h, walk, &wb.minx, &wb.miny, &wb.maxx, &wb.maxy);
        else {
            GEOSGeomGetX_r(h, ff->geom, &wb.minx);
            GEOSGeomGetY_r(h, ff->geom, &wb.miny);
            wb.maxx = wb.minx + r, wb.maxy = wb.miny + r, wb.minx -= r, wb.miny -= r;
        }
        size_t ncand = 0;
        if (lc_parent_candidates(&lv->ix, wb, &cand, &ncand, &capcand)) {
            if (walk)
                GEOSGeom_destroy_r(h, walk);
            free(cand);
            return lc_error(ctx, LC_ERR_NOMEM, "out of memory: the units near facility %s", ff->id);
        }
        for (size_t c = 0; c < ncand; c++) {
            size_t u = cand[c];
            char hit = walk ? GEOSPreparedIntersects_r(h, lv->ix.prep[u], walk)
                            : GEOSPreparedDistanceWithin_r(h, lv->ix.prep[u], ff->geom, r);
            if (hit == 2) {
                if (walk)
                    GEOSGeom_destroy_r(h, walk);
                free(cand);
                return lc_error(ctx, LC_ERR_GEOMETRY, "cannot tell whether facility %s reaches %s %s: %s", ff->id,
                                lc_level_name_zh(n->level), lc_layer_feature(lv->layer, u)->id,
                                lc_ctx_geos_message(ctx));
            }
            lv->count[u * ind->nnorms + k] += hit == 1;
        }
        if (walk)
            GEOSGeom_destroy_r(h, walk);
    }
    free(cand);
    return LC_OK;
}

lc_status lc_levels_presence(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_profile *profile,
                             const lc_coverage *coverage, const lc_network *net, lc_quality *q)
{
    const lc_network_rules *rules = lc_profile_network(profile);
    for (size_t k = 0; k < ind->nnorms; k++) {
        const lc_norm *n = lc_profile_norm(profile, k);
        if (n->kind != LC_NORM_UNIT_PRESENCE)
            continue;
        level_units *lv = &ind->lv[n->level];
        if (!lv->layer)
            continue; /* a missing level is not checked */
        if (n->serve_reach && lc_coverage_mode(coverage) == LC_MODE_NETWORK && !net)
            return lc_error(ctx, LC_ERR_MISUSE, "norm %s counts facilities within walking reach (serve: reach), "
                            "but no walking network was given", n->code);
        lc_status st = count_facilities(ctx, ind, in, k, n, coverage,
                                        lc_coverage_mode(coverage) == LC_MODE_NETWORK ? net : NULL, rules);
        if (st != LC_OK)
            return st;
        size_t unknown = 0;
        char names[300] = "";
        for (size_t i = 0; i < lv->n; i++) {
            int a = asked(lv, i, n->only);
            if (a < 0 && unknown++ < 5) {
                const lc_feature *f = lc_layer_feature(lv->layer, i);
                size_t used = strlen(names);
                snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", f->name ? f->name : f->id);
            }
            lv->meets[i * ind->nnorms + k] =
                a == 1 ? (signed char)(lv->count[i * ind->nnorms + k] >= n->min_count) : (signed char)-1;
        }
        if (unknown) {
            static const char *const whom[] = {"", "villagers' committees (村委会)", "residents' committees (居委会)",
                                               "units in a rural 镇 or 乡", "units in a 街道"};
            /* A layer that says no unit's type (no type field, no telling names) is told once as
             * information: the norm is simply not checked there. Some known, some not: a warning. */
            int none_known = unknown == lv->n;
            st = lc_quality_add(ctx, q, none_known ? LC_SEVERITY_INFO : LC_SEVERITY_WARNING, LC_OK,
                                LC_CHECK_LEVEL_TYPE, lc_layer_source(lv->layer), lc_layer_name(lv->layer), NULL,
                                "type",
                                "%s (layer %s): norm %s asks only %s, but for %zu %s%s the type is not known (%s%s): "
                                "%s; give the layer a type field (居委会/村委会, 街道/镇/乡) or names that end in it",
                                lc_layer_source(lv->layer), lc_layer_name(lv->layer), n->code, whom[n->only], unknown,
                                lc_level_name_zh(n->level),
                                (n->only == LC_ONLY_RURAL || n->only == LC_ONLY_URBAN) && n->level != LC_LEVEL_UNIT
                                    ? " (or their 街镇)" : "",
                                names, unknown > 5 ? ", ..." : "",
                                none_known ? "the norm is not checked" : "they are not counted");
            if (st != LC_OK)
                return st;
        }
    }
    return LC_OK;
}

void lc_levels_free(lc_context *ctx, lc_indicators *ind)
{
    for (int l = 0; l < LC_LEVEL_COUNT; l++)
        lc_parent_index_free(ctx, &ind->lv[l].ix);
}
