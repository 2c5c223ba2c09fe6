/*
 * outputs/results_catchments.c — the facilities layer of a check and each facility's area of
 * responsibility: the catchments (the compounds whose nearest facility of its category it is,
 * dissolved on every core) and, in network mode, the catchment_streets, each coloured apart from its
 * neighbours (outputs/neighbours.c). Staged by outputs/results.c; the nearest facilities come from
 * queries/coverage*.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"
#include "outputs/results_int.h"
#include "outputs/style_int.h"

/* Sums every compound's residents into its nearest facility of each category (lc_catchments). */
lc_status lc_catchments_sum(lc_context *ctx, const lc_results *r, lc_catchments *cm)
{
    size_t nf = lc_layer_count(lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES));
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    cm->pop = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->pop);
    cm->reach = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->reach);
    cm->n = lc_calloc(ctx, nf ? nf : 1, sizeof *cm->n);
    if (!cm->pop || !cm->reach || !cm->n)
        return LC_ERR_NOMEM;
    for (size_t p = 0; p < lc_coverage_polygon_count(r->coverage); p++) {
        double pop = lc_layer_feature(res, p)->population;
        for (size_t c = 0; c < lc_coverage_category_count(r->coverage); c++) {
            const lc_coverage_cell *cell = lc_coverage_get(r->coverage, p, c);
            if (cell->nearest < 0 || (size_t)cell->nearest >= nf)
                continue;
            cm->pop[cell->nearest] += isfinite(pop) ? pop : 0;
            cm->reach[cell->nearest] += cell->covered_pop;
            cm->n[cell->nearest]++;
        }
    }
    return LC_OK;
}

/* Releases cm's arrays. */
void lc_catchments_free(lc_catchments *cm)
{
    free(cm->pop), free(cm->reach), free(cm->n);
}

/* facilities: every facility with its category, unit, capacities and catchment. */
lc_status lc_results_write_facilities(lc_context *ctx, lc_output *out, const lc_results *r,
                                      const lc_catchments *cm, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"id", "ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"name", "NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Name", ""},
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"category_en", "CAT_EN", LC_FIELD_STRING, 80, 0, "设施类别(英文)", "Category (English)", ""},
        {"unit", "UNIT", LC_FIELD_STRING, 80, 0, "所在街镇", "Unit (街镇) it falls in", ""},
        {"floor_area_m2", "FLOOR_M2", LC_FIELD_REAL, 0, 2, "建筑面积", "Floor area", "m²"},
        {"meals", "MEALS", LC_FIELD_REAL, 0, 0, "日供餐能力", "Meals per day", "meals/day"},
        {"beds", "BEDS", LC_FIELD_REAL, 0, 0, "床位数", "Care beds", "beds"},
        {"nursing_beds", "NURS_BEDS", LC_FIELD_REAL, 0, 0, "护理型床位数", "Nursing-type beds", "beds"},
        {"catch_compounds", "CATCH_N", LC_FIELD_INTEGER, 0, 0, "服务范围内居住区数",
         "Compounds whose nearest facility of the category this is", ""},
        {"catch_pop", "CATCH_POP", LC_FIELD_REAL, 0, 1, "服务人口(最近设施)",
         "Residents whose nearest facility of the category this is (catchment)", "people"},
        {"catch_in_reach", "CATCH_RCH", LC_FIELD_REAL, 0, 1, "服务人口(可达范围内)",
         "Catchment residents within the category's reach", "people"},
    };
    /* With the ladder: the 居村 and the 区 it lies in. */
    static const lc_field_def committee_def = {"committee", "COMMITTEE", LC_FIELD_STRING, 80, 0, "所在居村",
                                               "Committee (居村) it lies in", ""};
    static const lc_field_def district_def = {"district", "DISTRICT", LC_FIELD_STRING, 80, 0, "所在区",
                                              "District (区) it lies in", ""};
    lc_field_def all[15];
    size_t nf = 13;
    memcpy(all, defs, sizeof defs);
    int with_committee = lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) != NULL;
    int with_district = lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) != NULL;
    if (with_committee)
        all[nf++] = committee_def;
    if (with_district)
        all[nf++] = district_def;
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "facilities", GEOS_POINT, all, nf);
    if (!w)
        return lc_context_errno(ctx);
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    lc_status st = LC_OK;
    for (size_t i = 0; i < lc_layer_count(fac) && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        const lc_category *cat = f->category >= 0 ? lc_profile_category(r->profile, (size_t)f->category) : NULL;
        lc_value v[15] = {str_value(f->id), str_value(f->name), str_value(cat ? cat->code : NULL),
                          str_value(cat ? cat->name_zh : NULL), str_value(cat ? cat->name_en : NULL),
                          str_value(unit_id(r, lc_indicators_facility_unit(r->indicators, i))),
                          real_value(f->floor_area), real_value(f->meals), real_value(f->beds),
                          real_value(f->nursing_beds), int_value((long long)cm->n[i]), real_value(cm->pop[i]),
                          real_value(cm->reach[i])};
        size_t k = 13;
        if (with_committee)
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_COMMITTEE,
                                           lc_indicators_facility_level(r->indicators, LC_LEVEL_COMMITTEE, i)));
        if (with_district) {
            long u = lc_indicators_facility_unit(r->indicators, i);
            v[k++] = str_value(lc_level_id(r, LC_LEVEL_DISTRICT, u >= 0 ? lc_indicators_unit_district(r->indicators,
                                                                                                     (size_t)u) : -1));
        }
        st = lc_layer_writer_add(ctx, w, f->geom, v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    return st == LC_OK ? lc_qml_add(ctx, styles, "facilities", LC_QML_CATEGORY_POINT,
                                    &(lc_qml_layer){.fields = all, .nfields = nf, .key = 2})
                       : st;
}

/* A catchment's geometry: its compounds' polygons as one multipolygon, which is valid as it is when
 * they do not overlap (compounds seldom do) — a dissolve (unary union) of thousands of catchments
 * costs seconds at city scale and adds nothing a map shows. Members whose boxes meet (a sweep over
 * their boxes, linked into clusters) are dissolved cluster by cluster; clusters' boxes then meet no
 * other's, so the parts neither overlap nor touch and the whole is valid without testing it.
 * Members marked apart (see compounds_apart) meet no other compound at all. NULL on failure (GEOS's
 * reason in the context). Caller destroys the result. */
typedef struct member_box {
    double minx, miny, maxx, maxy;
    size_t k;
} member_box;

static int cmp_member_minx(const void *a, const void *b)
{
    const member_box *p = a, *q = b;
    return p->minx != q->minx ? (p->minx > q->minx) - (p->minx < q->minx) : (p->k > q->k) - (p->k < q->k);
}

static size_t find_root(size_t *up, size_t k)
{
    while (up[k] != k)
        k = up[k] = up[up[k]];
    return k;
}

static GEOSGeometry *catchment_geometry(GEOSContextHandle_t h, const lc_layer *res, const unsigned char *apart,
                                       const size_t *members, size_t n)
{
    member_box *b = malloc((n ? n : 1) * sizeof *b);
    size_t *up = malloc((n ? n : 1) * sizeof *up), *order = malloc((n ? n : 1) * sizeof *order);
    GEOSGeometry **parts = NULL, **group = NULL, *result = NULL;
    size_t np = 0, nparts = 0;
    if (!b || !up || !order)
        goto done;
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        const GEOSGeometry *g = lc_layer_feature(res, members[k])->geom;
        up[k] = k;
        np += GEOSGeomTypeId_r(h, g) == GEOS_POLYGON ? 1 : (size_t)GEOSGetNumGeometries_r(h, g);
        if (apart[members[k]])
            continue;
        member_box *x = &b[nb];
        if (GEOSGeom_getExtent_r(h, g, &x->minx, &x->miny, &x->maxx, &x->maxy))
            x->k = k, nb++;
    }
    qsort(b, nb, sizeof *b, cmp_member_minx);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = i + 1; j < nb && b[j].minx <= b[i].maxx; j++)
            if (b[j].miny <= b[i].maxy && b[j].maxy >= b[i].miny)
                up[find_root(up, b[j].k)] = find_root(up, b[i].k);
    /* Members by cluster (each cluster in member order), then each cluster: one member's polygons as
     * they are, several dissolved. */
    size_t *count = calloc(n + 1, sizeof *count);
    if (!count)
        goto done;
    for (size_t k = 0; k < n; k++)
        count[find_root(up, k) + 1]++;
    for (size_t k = 0; k < n; k++)
        count[k + 1] += count[k];
    for (size_t k = 0; k < n; k++)
        order[count[find_root(up, k)]++] = k;
    free(count);
    parts = malloc((np ? np : 1) * sizeof *parts);
    group = malloc((np ? np : 1) * sizeof *group);
    if (!parts || !group)
        goto done;
    for (size_t a = 0; a < n;) {
        size_t root = find_root(up, order[a]), z = a, ng = 0;
        int ok = 1;
        for (; z < n && find_root(up, order[z]) == root && ok; z++) {
            const GEOSGeometry *g = lc_layer_feature(res, members[order[z]])->geom;
            int single = GEOSGeomTypeId_r(h, g) == GEOS_POLYGON, m = single ? 1 : GEOSGetNumGeometries_r(h, g);
            for (int q = 0; q < m && ok; q++) {
                const GEOSGeometry *part = single ? g : GEOSGetGeometryN_r(h, g, q);
                ok = part && GEOSGeomTypeId_r(h, part) == GEOS_POLYGON && (group[ng] = GEOSGeom_clone_r(h, part));
                ng += ok;
            }
        }
        if (!ok) {
            for (size_t q = 0; q < ng; q++)
                GEOSGeom_destroy_r(h, group[q]);
            goto done;
        }
        size_t members_in = z - a;
        a = z;
        if (members_in == 1) { /* one compound: its own valid parts, apart from every other cluster */
            for (size_t q = 0; q < ng; q++)
                parts[nparts++] = group[q];
            continue;
        }
        GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, group, (unsigned)ng);
        GEOSGeometry *u = mp ? GEOSUnaryUnion_r(h, mp) : NULL;
        if (mp)
            GEOSGeom_destroy_r(h, mp);
        if (!u)
            goto done;
        /* The dissolved cluster: one polygon or several, each a part of the whole. */
        int type = GEOSGeomTypeId_r(h, u), m = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, u);
        if (type == GEOS_POLYGON) {
            parts[nparts++] = u;
            continue;
        }
        for (int q = 0; q < m; q++) {
            GEOSGeometry *c = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, u, q));
            if (!c) {
                GEOSGeom_destroy_r(h, u);
                goto done;
            }
            if (GEOSGeomTypeId_r(h, c) == GEOS_POLYGON)
                parts[nparts++] = c;
            else
                GEOSGeom_destroy_r(h, c);
        }
        GEOSGeom_destroy_r(h, u);
    }
    /* GEOS takes the parts, and frees them itself if it fails. */
    result = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)nparts);
    nparts = 0;
done:
    for (size_t q = 0; q < nparts; q++)
        GEOSGeom_destroy_r(h, parts[q]);
    free(parts), free(group), free(b), free(up), free(order);
    return result;
}

/* Bounding box of a residential polygon, for compounds_apart. */
typedef struct compound_box {
    double minx, miny, maxx, maxy;
    size_t i;
} compound_box;

static int cmp_box_minx(const void *a, const void *b)
{
    const compound_box *p = a, *q = b;
    return p->minx != q->minx ? (p->minx > q->minx) - (p->minx < q->minx) : (p->i > q->i) - (p->i < q->i);
}

/* apart[i] = 1 when residential polygon i is valid and its bounding box meets no other polygon's
 * (a sweep over the boxes sorted by minx), so a catchment made only of such compounds is a valid
 * multipolygon without testing the whole (one validity test per compound instead of one per
 * catchment of thousands of parts). Caller frees
 * with free(); NULL with LC_ERR_NOMEM. */
static unsigned char *compounds_apart(lc_context *ctx, const lc_layer *res)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    size_t n = lc_layer_count(res);
    unsigned char *apart = lc_calloc(ctx, n ? n : 1, 1);
    compound_box *b = lc_calloc(ctx, n ? n : 1, sizeof *b);
    if (!apart || !b) {
        free(apart);
        free(b);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = lc_layer_feature(res, i)->geom;
        compound_box *x = &b[m];
        if (g && GEOSGeom_getExtent_r(h, g, &x->minx, &x->miny, &x->maxx, &x->maxy)) {
            x->i = i;
            /* Validity was tested before reprojection: tested again here, once per compound. */
            apart[i] = GEOSisValid_r(h, g) == 1;
            m++;
        }
    }
    qsort(b, m, sizeof *b, cmp_box_minx);
    for (size_t k = 0; k < m; k++)
        for (size_t j = k + 1; j < m && b[j].minx <= b[k].maxx; j++)
            if (b[j].miny <= b[k].maxy && b[j].maxy >= b[k].miny)
                apart[b[k].i] = apart[b[j].i] = 0;
    free(b);
    return apart;
}

/* What the catchment tasks share (catchment_one): the compounds of facility i are list[first[i] ..
 * first[i + 1]); each task writes geoms[i] only. */
typedef struct catchment_task {
    const lc_layer *res, *fac;
    const unsigned char *apart;
    const size_t *first, *list;
    GEOSGeometry **geoms;
} catchment_task;

/* lc_parallel_fn: facility i's catchment geometry (none for a facility without compounds or
 * category). */
static int catchment_one(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)thread;
    catchment_task *t = arg;
    const lc_feature *f = lc_layer_feature(t->fac, i);
    size_t n = t->first[i + 1] - t->first[i];
    if (!n || f->category < 0)
        return 0;
    if (lc_layer_is_points(t->res)) { /* compounds as points: the catchment is their multipoint */
        GEOSGeometry **pts = malloc(n * sizeof *pts);
        size_t made = 0;
        for (; pts && made < n; made++)
            if (!(pts[made] = GEOSGeom_clone_r(h, lc_layer_feature(t->res, t->list[t->first[i] + made])->geom)))
                break;
        if (pts && made == n && (t->geoms[i] = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts, (unsigned)n))) {
            free(pts);
            return 0;
        }
        for (size_t k = 0; pts && k < made && made < n; k++)
            GEOSGeom_destroy_r(h, pts[k]);
        free(pts);
    } else if ((t->geoms[i] = catchment_geometry(h, t->res, t->apart, t->list + t->first[i], n)))
        return 0;
    char reason[400];
    snprintf(reason, sizeof reason, "%s", msg);
    snprintf(msg, msg_size, "cannot build the catchment of facility %s (%s)", f->id ? f->id : "?", reason);
    return -1;
}

/* catchments: for every facility with at least one compound, the union of the compounds whose
 * nearest facility of its category it is, with their residents. */
lc_status lc_results_write_catchments(lc_context *ctx, lc_output *out, const lc_results *r,
                                      const lc_catchments *cm, lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"facility_id", "FAC_ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"facility_name", "FAC_NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Facility name", ""},
        {"compounds", "COMPOUNDS", LC_FIELD_INTEGER, 0, 0, "居住区数", "Compounds in the catchment", ""},
        {"population", "POP", LC_FIELD_REAL, 0, 1, "服务人口", "Residents in the catchment", "people"},
        {"in_reach", "IN_REACH", LC_FIELD_REAL, 0, 1, "可达范围内人口", "Of them within reach", "people"},
        {"colour", "COLOUR", LC_FIELD_INTEGER, 0, 0, "配色序号",
         "Map colour 0-7: catchments of one category within 50 m of each other differ", ""},
    };
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    const lc_layer *res = lc_inputs_layer(r->inputs, LC_LAYER_RESIDENTIAL);
    size_t nf = lc_layer_count(fac), np = lc_coverage_polygon_count(r->coverage);
    /* Compounds grouped by facility (counting sort over every polygon × category). */
    size_t *first = lc_calloc(ctx, nf + 1, sizeof *first), *fill = lc_calloc(ctx, nf ? nf : 1, sizeof *fill), *list = NULL;
    unsigned char *apart = compounds_apart(ctx, res);
    GEOSGeometry **geoms = NULL;
    long *group = lc_calloc(ctx, nf ? nf : 1, sizeof *group);
    int *colour = lc_calloc(ctx, nf ? nf : 1, sizeof *colour);
    lc_status st = LC_ERR_NOMEM;
    if (!first || !fill || !apart || !group || !colour)
        goto done;
    for (size_t i = 0; i < nf; i++)
        first[i + 1] = first[i] + cm->n[i];
    list = lc_calloc(ctx, first[nf] ? first[nf] : 1, sizeof *list);
    if (!list)
        goto done;
    for (size_t p = 0; p < np; p++)
        for (size_t c = 0; c < lc_coverage_category_count(r->coverage); c++) {
            long f = lc_coverage_get(r->coverage, p, c)->nearest;
            if (f >= 0 && (size_t)f < nf)
                list[first[f] + fill[f]++] = p;
        }
    /* The geometries first, on every core (dissolving overlapping compounds is the costly part), then
     * written in facility order. */
    geoms = lc_calloc(ctx, nf ? nf : 1, sizeof *geoms);
    if (!geoms)
        goto done;
    catchment_task task = {.res = res, .fac = fac, .apart = apart, .first = first, .list = list, .geoms = geoms};
    if ((st = lc_parallel_run(ctx, 0, nf, catchment_one, &task, "catchments", NULL)) != LC_OK)
        goto done;
    for (size_t i = 0; i < nf; i++) /* neighbours differ in colour, category by category */
        group[i] = geoms[i] ? lc_layer_feature(fac, i)->category : -1;
    if ((st = lc_colour_areas(ctx, (const GEOSGeometry *const *)geoms, group, nf, LC_CATCHMENT_NEIGHBOUR_M,
                              LC_STYLE_NEIGHBOUR_COLOURS, colour)) != LC_OK)
        goto done;
    lc_layer_writer *w = lc_output_layer_create(ctx, out, "catchments",
                                                lc_layer_is_points(res) ? GEOS_MULTIPOINT : GEOS_MULTIPOLYGON, defs, 8);
    if (!w) {
        st = lc_context_errno(ctx);
        goto done;
    }
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        if (!geoms[i])
            continue;
        const lc_category *cat = lc_profile_category(r->profile, (size_t)f->category);
        lc_value v[8] = {str_value(cat->code), str_value(cat->name_zh), str_value(f->id), str_value(f->name),
                         int_value((long long)(first[i + 1] - first[i])), real_value(cm->pop[i]),
                         real_value(cm->reach[i]), int_value(colour[i])};
        st = lc_layer_writer_add(ctx, w, geoms[i], v);
    }
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    if (st == LC_OK)
        st = lc_qml_add(ctx, styles, "catchments", lc_layer_is_points(res) ? LC_QML_CATEGORY_POINT : LC_QML_CATCHMENT,
                        &(lc_qml_layer){.fields = defs, .nfields = 8, .key = 0, .colour = 7});
done:
    for (size_t i = 0; geoms && i < nf; i++)
        if (geoms[i])
            GEOSGeom_destroy_r(h, geoms[i]);
    free(first), free(fill), free(list), free(apart), free(geoms), free(group), free(colour);
    return st;
}

/* The neighbour colour of every facility's catchment streets (*colour, one per facility; caller
 * frees): facilities of one category whose streets meet (at the points where the nearest facility
 * changes) differ. */
static lc_status street_colours(lc_context *ctx, const lc_results *r, int **colour)
{
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    size_t nf = lc_layer_count(fac), nends = 0;
    for (size_t i = 0; i < nf; i++) {
        lc_catchment_streets cs;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) == 0)
            nends += 2 * cs.nlines;
    }
    lc_xy *ends = lc_calloc(ctx, nends ? nends : 1, sizeof *ends);
    size_t *item = lc_calloc(ctx, nends ? nends : 1, sizeof *item);
    long *group = lc_calloc(ctx, nf ? nf : 1, sizeof *group);
    *colour = lc_calloc(ctx, nf ? nf : 1, sizeof **colour);
    lc_status st = ends && item && group && *colour ? LC_OK : LC_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        lc_catchment_streets cs;
        group[i] = lc_layer_feature(fac, i)->category;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) != 0)
            continue;
        for (size_t l = 0; l < cs.nlines; l++) {
            ends[k] = cs.points[cs.start[l]], item[k++] = i;
            ends[k] = cs.points[cs.start[l + 1] - 1], item[k++] = i;
        }
    }
    if (st == LC_OK)
        st = lc_colour_lines(ctx, ends, item, group, k, nf, LC_STYLE_NEIGHBOUR_COLOURS, *colour);
    free(ends), free(item), free(group);
    if (st != LC_OK) {
        free(*colour);
        *colour = NULL;
    }
    return st;
}

/* catchment_streets (network mode, when the coverage built them): for every facility that is the nearest of its category
 * anywhere on the network, the streets it is nearest for and their length, all of it and within the
 * category's reach (lc_coverage_catchment_streets). */
lc_status lc_results_write_catchment_streets(lc_context *ctx, lc_output *out, const lc_results *r,
                                             lc_qml_set *styles)
{
    static const lc_field_def defs[] = {
        {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category code", ""},
        {"category_zh", "CAT_ZH", LC_FIELD_STRING, 80, 0, "设施类别", "Category (Chinese)", ""},
        {"facility_id", "FAC_ID", LC_FIELD_STRING, 80, 0, "设施编号", "Facility id", ""},
        {"facility_name", "FAC_NAME", LC_FIELD_STRING, 120, 0, "设施名称", "Facility name", ""},
        {"length_m", "LENGTH_M", LC_FIELD_REAL, 0, 0, "服务街道长度(最近设施)",
         "Street length whose nearest facility of the category this is (along the network)", "m"},
        {"in_reach_m", "IN_REACH_M", LC_FIELD_REAL, 0, 0, "可达范围内街道长度",
         "Of that length, within the category's reach", "m"},
        {"colour", "COLOUR", LC_FIELD_INTEGER, 0, 0, "配色序号",
         "Map colour 0-7: streets of neighbouring facilities of one category differ", ""},
    };
    const lc_layer *fac = lc_inputs_layer(r->inputs, LC_LAYER_FACILITIES);
    size_t nf = lc_layer_count(fac);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int *colour = NULL;
    lc_status st = street_colours(ctx, r, &colour);
    lc_layer_writer *w = st == LC_OK ? lc_output_layer_create(ctx, out, "catchment_streets", GEOS_MULTILINESTRING,
                                                              defs, 7)
                                     : NULL;
    if (!w) {
        free(colour);
        return st == LC_OK ? lc_context_errno(ctx) : st;
    }
    size_t nlines = 0;
    for (size_t i = 0; i < nf && st == LC_OK; i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        lc_catchment_streets cs;
        if (lc_coverage_catchment_streets(r->coverage, i, &cs) != 0 || !cs.nlines || f->category < 0)
            continue;
        nlines += cs.nlines;
        const lc_category *cat = lc_profile_category(r->profile, (size_t)f->category);
        lc_value v[7] = {str_value(cat->code), str_value(cat->name_zh), str_value(f->id), str_value(f->name),
                         real_value(cs.length_m), real_value(cs.in_reach_m), int_value(colour[i])};
        st = lc_layer_writer_add_lines(ctx, w, cs.points, cs.start, cs.nlines, v);
    }
    free(colour);
    lc_status cst = lc_layer_writer_close(ctx, w);
    st = st == LC_OK ? cst : st;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    lc_log(ctx, LC_LOG_DEBUG, "catchment_streets: %zu lines written in %.2f s", nlines,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return st == LC_OK ? lc_qml_add(ctx, styles, "catchment_streets", LC_QML_CATEGORY_LINE,
                                    &(lc_qml_layer){.fields = defs, .nfields = 7, .key = 0, .colour = 6})
                       : st;
}
