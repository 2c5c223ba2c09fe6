/*
 * layers/roads.c — the walkable lines of a study (include/lifecircle/roads.h): reads the `roads` layer
 * through the same OGR opening as every input (layers/layer.c, lc_ogr_open), applies the profile's
 * network tag rules (or, for a layer with a mapped class field, the study's roads.exclude list) and
 * moves the vertices into the working CRS; with roads.node_crossings the lines are then split where
 * they cross (network/roads_noding.c), and with roads.snap_dangles_m ends that stop just short of another
 * line are joined to it (network/roads_dangles.c). Building the graph from these lines lives in
 * network/network.c.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"
#include "lifecircle/roads.h"

/* One line: its vertices are pts[off .. off+n) of the shared array. */
typedef struct road_rec {
    size_t off, n;
    int highway;        /* index into classes */
    int level, bridge, tunnel;
    long long fid;
} road_rec;

struct lc_roads {
    lc_xy *pts;         /* every vertex of every line */
    size_t npts, cap_pts;
    road_rec *recs;
    size_t count, cap;
    char **classes;     /* distinct highway values, owned */
    size_t nclasses, cap_classes;
};

/* Creates an empty set; see roads.h. */
lc_roads *lc_roads_create(lc_context *ctx)
{
    return ctx ? lc_calloc(ctx, 1, sizeof(lc_roads)) : NULL;
}

/* Releases roads; see roads.h. */
void lc_roads_destroy(lc_roads *roads)
{
    if (!roads)
        return;
    for (size_t i = 0; i < roads->nclasses; i++)
        free(roads->classes[i]);
    free(roads->classes);
    free(roads->recs);
    free(roads->pts);
    free(roads);
}

/* The index of highway class s in roads->classes, added when new; -1 with LC_ERR_NOMEM. */
static int class_index(lc_context *ctx, lc_roads *roads, const char *s)
{
    for (size_t i = 0; i < roads->nclasses; i++)
        if (!strcmp(roads->classes[i], s))
            return (int)i;
    char *copy = lc_strdup(ctx, s);
    if (!copy || lc_grow(ctx, (void **)&roads->classes, &roads->cap_classes, roads->nclasses + 1,
                         sizeof *roads->classes) != LC_OK) {
        free(copy);
        return -1;
    }
    roads->classes[roads->nclasses] = copy;
    return (int)roads->nclasses++;
}

/* Adds a line; see roads.h. */
lc_status lc_roads_add(lc_context *ctx, lc_roads *roads, const lc_xy *pts, size_t n, const char *highway, int level,
                       int bridge, int tunnel, long long fid)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!roads || !pts || n < 2)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_roads_add: roads, and a line of at least two vertices, are required");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
            return lc_error(ctx, LC_ERR_MISUSE, "lc_roads_add: vertex %zu of line %lld is not finite", i, fid);
    int cls = class_index(ctx, roads, highway ? highway : "");
    if (cls < 0)
        return LC_ERR_NOMEM;
    if (lc_grow(ctx, (void **)&roads->pts, &roads->cap_pts, roads->npts + n, sizeof *roads->pts) != LC_OK ||
        lc_grow(ctx, (void **)&roads->recs, &roads->cap, roads->count + 1, sizeof *roads->recs) != LC_OK)
        return LC_ERR_NOMEM;
    memcpy(roads->pts + roads->npts, pts, n * sizeof *pts);
    roads->recs[roads->count++] = (road_rec){.off = roads->npts, .n = n, .highway = cls, .level = level,
                                             .bridge = bridge != 0, .tunnel = tunnel != 0, .fid = fid};
    roads->npts += n;
    return LC_OK;
}

/* Number of lines; see roads.h. */
size_t lc_roads_count(const lc_roads *roads)
{
    return roads ? roads->count : 0;
}

/* Line i; see roads.h. */
lc_road lc_roads_get(const lc_roads *roads, size_t i)
{
    if (!roads || i >= roads->count)
        return (lc_road){.highway = ""};
    const road_rec *r = &roads->recs[i];
    return (lc_road){.pts = roads->pts + r->off, .n = r->n, .highway = roads->classes[r->highway],
                     .level = r->level, .bridge = r->bridge, .tunnel = r->tunnel, .fid = r->fid};
}

/* Whether s is in the NULL-terminated list (ASCII case-insensitive). */
static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcasecmp(*list, s))
            return 1;
    return 0;
}

static int walkable_one(const lc_network_rules *rules, const char *highway, const char *foot, const char *access);

/* The walkability rule; see roads.h. An osmnx-style list ("['footway', 'steps']", a way merged from
 * several) is walkable when one of its elements is. */
int lc_roads_walkable(const lc_network_rules *rules, const char *highway, const char *foot, const char *access)
{
    if (!highway || highway[0] != '[')
        return walkable_one(rules, highway, foot, access);
    const char *p = highway + 1;
    while (*p && *p != ']') {
        while (*p == ' ' || *p == ',' || *p == '\'' || *p == '"')
            p++;
        const char *q = p;
        while (*q && *q != ',' && *q != ']' && *q != '\'' && *q != '"')
            q++;
        char item[64];
        size_t n = (size_t)(q - p);
        if (n && n < sizeof item) {
            memcpy(item, p, n);
            item[n] = '\0';
            while (n && item[n - 1] == ' ')
                item[--n] = '\0';
            if (n && walkable_one(rules, item, foot, access))
                return 1;
        }
        p = q;
        while (*p == '\'' || *p == '"')
            p++;
    }
    return 0;
}

/* The rule for one highway value. */
static int walkable_one(const lc_network_rules *rules, const char *highway, const char *foot, const char *access)
{
    static const char *const never[] = {"motorway", "motorway_link", "trunk", "trunk_link", NULL};
    static const char *const foot_ok[] = {"yes", "designated", "permissive", NULL};
    if (!rules || !highway || !*highway || in_list(never, highway))
        return 0;
    if (foot && !strcasecmp(foot, "no"))
        return 0;
    int foot_yes = foot && in_list(foot_ok, foot);
    if (!in_list(rules->walkable, highway) && !foot_yes)
        return 0;
    if (access && in_list(rules->exclude_access, access) && !foot_yes)
        return 0;
    return 1;
}

/* ---- reading ------------------------------------------------------------------------------------ */

/* The value of key in an OSM hstore text ("k"=>"v","k2"=>"v2"), copied into buf; NULL if absent. */
static const char *hstore_get(const char *s, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    while (s && *s) {
        const char *q = strchr(s, '"');
        if (!q)
            return NULL;
        q++;
        const char *qe = q;
        while (*qe && *qe != '"')
            qe += qe[0] == '\\' && qe[1] ? 2 : 1;
        if (!*qe)
            return NULL;
        const char *v = strstr(qe, "=>\"");
        if (!v)
            return NULL;
        v += 3;
        const char *ve = v;
        while (*ve && *ve != '"')
            ve += ve[0] == '\\' && ve[1] ? 2 : 1;
        if ((size_t)(qe - q) == klen && !strncmp(q, key, klen)) {
            size_t n = (size_t)(ve - v) < size - 1 ? (size_t)(ve - v) : size - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
        s = *ve ? ve + 1 : ve;
    }
    return NULL;
}

/* Tag columns of the roads layer: -1 when absent (then other_tags is searched). */
enum { TAG_HIGHWAY, TAG_FOOT, TAG_ACCESS, TAG_BRIDGE, TAG_TUNNEL, TAG_LAYER, TAG_COUNT };
static const char *const tag_names[TAG_COUNT] = {"highway", "foot", "access", "bridge", "tunnel", "layer"};

/* The value of tag t of feature f into buf (column first, then other_tags); NULL when absent/empty. */
static const char *tag_value(OGRFeatureH f, const int *cols, int other, int t, char *buf, size_t size)
{
    const char *v = NULL;
    if (cols[t] >= 0) {
        if (OGR_F_IsFieldSetAndNotNull(f, cols[t]))
            v = OGR_F_GetFieldAsString(f, cols[t]);
    } else if (other >= 0 && OGR_F_IsFieldSetAndNotNull(f, other)) {
        v = hstore_get(OGR_F_GetFieldAsString(f, other), tag_names[t], buf, size);
    }
    if (!v || !*v)
        return NULL;
    if (v != buf) { /* a bounded copy: snprintf's formatting was a quarter of sorting a feature */
        size_t n = strnlen(v, size - 1);
        memcpy(buf, v, n);
        buf[n] = '\0';
        v = buf;
    }
    return v;
}

/* Adds every line part of OGR geometry g, transformed by tr. LC_OK, the transform's error, or
 * LC_ERR_NOMEM; *bad counts parts that are not lines of two or more vertices. */
static lc_status add_geometry(lc_context *ctx, lc_roads *roads, const lc_transform *tr, OGRGeometryH g,
                              const char *highway, int level, int bridge, int tunnel, long long fid, size_t *bad,
                              size_t *kept)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiLineString || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
            lc_status st = add_geometry(ctx, roads, tr, OGR_G_GetGeometryRef(g, i), highway, level, bridge, tunnel,
                                        fid, bad, kept);
            if (st != LC_OK)
                return st;
        }
        return LC_OK;
    }
    if (t != wkbLineString) {
        (*bad)++;
        return LC_OK;
    }
    int n = OGR_G_GetPointCount(g);
    if (n < 2) {
        (*bad)++;
        return LC_OK;
    }
    double *x = lc_malloc(ctx, (size_t)n * sizeof *x), *y = lc_malloc(ctx, (size_t)n * sizeof *y);
    lc_xy *p = lc_malloc(ctx, (size_t)n * sizeof *p);
    lc_status st = LC_ERR_NOMEM;
    if (!x || !y || !p)
        goto fail;
    OGR_G_GetPoints(g, x, sizeof *x, y, sizeof *y, NULL, 0); /* one call, not two per vertex */
    if ((st = lc_transform_points(ctx, tr, x, y, (size_t)n)) != LC_OK)
        goto fail;
    for (int i = 0; i < n; i++)
        p[i] = (lc_xy){x[i], y[i]};
    st = lc_roads_add(ctx, roads, p, (size_t)n, highway, level, bridge, tunnel, fid);
    if (st == LC_OK)
        (*kept)++;
fail:
    free(x);
    free(y);
    free(p);
    return st;
}

/* Whether an attribute value says "yes" for bridge/tunnel: present and not a no ("no", "0", "false",
 * 否, 无) — OSM writes bridge=yes/viaduct/..., a bureau's table 1/是. */
static int truthy(const char *v)
{
    static const char *const no[] = {"no", "0", "false", "n", "f", "否", "无", NULL};
    return v && *v && !in_list(no, v);
}

/* The roads.exclude values: the study's comma-joined text split at ',' (or the full-width '，'),
 * blanks trimmed, empty items dropped. *items is one allocation (caller frees with free()); *n the
 * count. LC_OK or LC_ERR_NOMEM. */
static lc_status exclude_list(lc_context *ctx, const char *text, char ***items, size_t *n)
{
    *items = NULL;
    *n = 0;
    if (!text)
        return LC_OK;
    size_t len = strlen(text), max = 1;
    for (const char *c = text; *c; c++)
        max += *c == ',';
    for (const char *c = strstr(text, "，"); c; c = strstr(c + 1, "，"))
        max++;
    char **out = lc_malloc(ctx, max * sizeof *out + len + 1);
    if (!out)
        return LC_ERR_NOMEM;
    char *buf = (char *)(out + max);
    memcpy(buf, text, len + 1);
    for (char *c = buf; *c;) {
        char *end = c;
        while (*end && *end != ',' && strncmp(end, "，", strlen("，")))
            end++;
        char *next = !*end ? end : *end == ',' ? end + 1 : end + strlen("，");
        *end = '\0';
        while (*c == ' ' || *c == '\t')
            c++;
        for (char *t = c + strlen(c); t > c && (t[-1] == ' ' || t[-1] == '\t');)
            *--t = '\0';
        if (*c)
            out[(*n)++] = c;
        c = next;
    }
    *items = out;
    return LC_OK;
}

/* The index of value in the exclude items (ASCII case-insensitive), or -1. */
static long exclude_index(char *const *items, size_t n, const char *value)
{
    for (size_t i = 0; value && i < n; i++)
        if (!strcasecmp(items[i], value))
            return (long)i;
    return -1;
}

/* Lists the layer's field names, comma-separated, into buf (for "fields available: ..."). */
static void field_names(OGRFeatureDefnH defn, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < OGR_FD_GetFieldCount(defn) && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* The column of the field mapped to roads.fields.<role>, or -1 when unmapped; -2 with LC_ERR_FIELD
 * when the mapped field does not exist. */
static int mapped_column(lc_context *ctx, const lc_study *study, const lc_ogr_source *src, const char *role)
{
    char key[64];
    snprintf(key, sizeof key, "roads.fields.%s", role);
    const char *name = lc_study_get(study, key);
    if (!name)
        return -1;
    int col = OGR_FD_GetFieldIndex(src->defn, name);
    if (col < 0) {
        char names[1024];
        field_names(src->defn, names, sizeof names);
        lc_error(ctx, LC_ERR_FIELD, "%s (layer %s): field '%s' mapped to %s does not exist (fields available: %s)",
                 src->shown, src->name, name, key, names);
        return -2;
    }
    return col;
}

/* Adds the reading's findings to quality; see lc_roads_read_report in roads.h. */
static lc_status report(lc_context *ctx, lc_quality *q, const lc_ogr_source *src, const lc_roads *roads,
                        const lc_roads_stats *st, const char *class_field, char *const *excl, const size_t *excl_n,
                        size_t nexcl, int noded, double dangles_m)
{
    lc_status s = LC_OK;
    for (size_t i = 0; i < nexcl && s == LC_OK; i++) {
        if (excl_n[i]) {
            s = lc_quality_add(ctx, q, LC_SEVERITY_INFO, LC_OK, LC_CHECK_ROAD_CLASS_EXCLUDED, src->shown, src->name,
                               NULL, class_field,
                               "%s (layer %s): %zu feature%s of class '%s' (field %s) left out of the walking network "
                               "(roads.exclude) 不计入步行路网",
                               src->shown, src->name, excl_n[i], excl_n[i] == 1 ? "" : "s", excl[i], class_field);
            continue;
        }
        char present[512] = "";
        size_t used = 0;
        for (size_t k = 0, shown = 0; k < roads->nclasses && shown < 12 && used + 1 < sizeof present; k++) {
            if (!*roads->classes[k])
                continue;
            int w = snprintf(present + used, sizeof present - used, "%s'%s'", shown++ ? ", " : "", roads->classes[k]);
            used += w > 0 ? (size_t)w : 0;
        }
        s = lc_quality_add(ctx, q, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_ROAD_EXCLUDE_UNUSED, src->shown, src->name,
                           NULL, class_field,
                           "%s (layer %s): roads.exclude lists '%s' but no feature has that class in field %s — "
                           "a typo? (classes kept: %s%s)",
                           src->shown, src->name, excl[i], class_field, present,
                           roads->nclasses > 12 ? ", ..." : "");
    }
    if (s == LC_OK && st->no_class)
        s = lc_quality_add(ctx, q, LC_SEVERITY_INFO, LC_OK, LC_CHECK_ROAD_NO_CLASS, src->shown, src->name, NULL,
                           class_field, "%s (layer %s): %zu feature%s without a value in field %s (roads.fields.class) "
                           "kept as walkable",
                           src->shown, src->name, st->no_class, st->no_class == 1 ? "" : "s", class_field);
    if (s == LC_OK && noded)
        s = lc_quality_add(ctx, q, LC_SEVERITY_INFO, LC_OK, LC_CHECK_CROSSINGS_NODED, src->shown, src->name, NULL,
                           NULL, "%s (layer %s): roads.node_crossings joined %zu crossing%s without a shared vertex "
                           "交叉口补节点; %zu left apart (a bridge or tunnel, or different levels)",
                           src->shown, src->name, st->crossings_noded, st->crossings_noded == 1 ? "" : "s",
                           st->crossings_skipped);
    if (s == LC_OK && dangles_m > 0)
        s = lc_quality_add(ctx, q, LC_SEVERITY_INFO, LC_OK, LC_CHECK_DANGLES_SNAPPED, src->shown, src->name, NULL,
                           NULL, "%s (layer %s): roads.snap_dangles_m joined %zu line end%s that stopped within %g m "
                           "of another line 悬挂线补连接; %zu left dangling (only a bridge or tunnel, or another "
                           "level, within %g m)",
                           src->shown, src->name, st->dangles_snapped, st->dangles_snapped == 1 ? "" : "s",
                           dangles_m, st->dangles_skipped, dangles_m);
    return s;
}

/* Reads the study's roads; see roads.h. */
lc_roads *lc_roads_read(lc_context *ctx, const lc_study *study, const lc_profile *profile, const lc_crs *crs,
                        lc_roads_stats *stats)
{
    return lc_roads_read_report(ctx, study, profile, crs, stats, NULL);
}

/* One reading of the roads layer: what lc_roads_read_report's steps share (the opened layer, the
 * columns of each tag, roads.exclude and its counts, the lines kept so far and the counts). */
typedef struct roads_reading {
    const lc_network_rules *rules;
    lc_ogr_source src;
    lc_transform *tr;
    lc_roads *roads;
    char **excl;                /* roads.exclude's classes */
    size_t nexcl, *excl_n;      /* and the features each one left out */
    int cols[TAG_COUNT];        /* a tag's column, or -1 */
    int mapped[TAG_COUNT];      /* the column is a study's roads.fields.<role>, never other_tags */
    int other;                  /* the OSM other_tags column, or -1 */
    const char *class_field;    /* roads.fields.class, or NULL */
    int no_class_field;         /* no class at all: every line is walked on */
    lc_roads_stats st;
} roads_reading;

/* The status of a step that failed: the context's error (never LC_OK, so a failure is never taken for
 * success). */
static lc_status roads_failed(const lc_context *ctx)
{
    lc_status s = lc_context_errno(ctx);
    return s != LC_OK ? s : LC_ERR_INTERNAL;
}

/* The roads.snap_dangles_m distance (0 or unset: off) into *m; LC_ERR_CONFIG outside 0..50 m (the
 * study checked it when read or set; this guards a study changed since). */
static lc_status dangles_distance(lc_context *ctx, const lc_study *study, double *m)
{
    const char *sd = lc_study_get(study, "roads.snap_dangles_m");
    *m = sd ? CPLAtof(sd) : 0;
    if (*m >= 0 && *m <= 50)
        return LC_OK;
    return lc_error(ctx, LC_ERR_CONFIG, "%s: 'roads.snap_dangles_m' must be a distance in metres from 0 (off) to 50 "
                    "(got '%s')", lc_study_path(study) ? lc_study_path(study) : "study", sd);
}

/* Finds each tag's column in rd->src: the OSM names, replaced by a study's mapped fields; with no class at
 * all, says once that every line is walked on (into quality, or the log without one). A separate step
 * because it is the layer's schema, read once before any feature. LC_OK or LC_ERR_FIELD / LC_ERR_NOMEM. */
static lc_status roads_columns(lc_context *ctx, const lc_study *study, roads_reading *rd, lc_quality *quality)
{
    const lc_ogr_source *src = &rd->src;
    for (int t = 0; t < TAG_COUNT; t++)
        rd->cols[t] = OGR_FD_GetFieldIndex(src->defn, tag_names[t]);
    rd->other = OGR_FD_GetFieldIndex(src->defn, "other_tags");
    /* A mapped class field replaces the OSM highway tag; mapped bridge/tunnel/level fields replace
     * those tags (a mapped field is never looked up in other_tags). */
    static const struct {
        const char *role;
        int tag;
    } roles[] = {{"class", TAG_HIGHWAY}, {"bridge", TAG_BRIDGE}, {"tunnel", TAG_TUNNEL}, {"level", TAG_LAYER}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        int col = mapped_column(ctx, study, src, roles[i].role);
        if (col == -2)
            return LC_ERR_FIELD;
        if (col >= 0) {
            rd->cols[roles[i].tag] = col;
            rd->mapped[roles[i].tag] = 1;
        }
    }
    /* No class at all (a bureau's roads Shapefile with only names): every line is walked on, said once. */
    rd->no_class_field = rd->cols[TAG_HIGHWAY] < 0 && rd->other < 0;
    if (!rd->no_class_field)
        return LC_OK;
    if (!quality) {
        lc_log(ctx, LC_LOG_WARNING, "%s (layer %s): no road class (no 'highway' field, no OSM 'other_tags', no "
               "roads.fields.class): every line is walked on", src->shown, src->name);
        return LC_OK;
    }
    char names[1024];
    field_names(src->defn, names, sizeof names);
    return lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_ROAD_NO_CLASS, src->shown, src->name,
                          NULL, NULL, "%s (layer %s): no road class (no 'highway' field, no OSM 'other_tags', no "
                          "roads.fields.class): every line is walked on; name the class field with "
                          "roads.fields.class to leave classes out with roads.exclude (fields available: %s)",
                          src->shown, src->name, names);
}

/* Whether feature f is walked on, its class into hw (NULL when it has none); counts in rd->st why a
 * feature is left out (roads.exclude, foot=no, access, not walkable). */
static int roads_keep(roads_reading *rd, OGRFeatureH f, char *hw, size_t size, const char **h)
{
    char foot[64], access[64];
    *h = tag_value(f, rd->cols, rd->mapped[TAG_HIGHWAY] ? -1 : rd->other, TAG_HIGHWAY, hw, size);
    long ex = exclude_index(rd->excl, rd->nexcl, *h);
    if (ex >= 0) {
        rd->excl_n[ex]++;
        rd->st.excluded_class++;
        return 0;
    }
    if (rd->class_field || rd->no_class_field) {
        /* a bureau's class vocabulary (or none): everything but roads.exclude is walked on */
        rd->st.no_class += !*h && rd->class_field;
        return 1;
    }
    const char *fo = tag_value(f, rd->cols, rd->other, TAG_FOOT, foot, sizeof foot);
    const char *ac = tag_value(f, rd->cols, rd->other, TAG_ACCESS, access, sizeof access);
    if (lc_roads_walkable(rd->rules, *h, fo, ac))
        return 1;
    if (fo && !strcasecmp(fo, "no"))
        rd->st.foot_no++;
    else if (*h && lc_roads_walkable(rd->rules, *h, fo, NULL))
        rd->st.access++;
    else
        rd->st.not_walkable++;
    return 0;
}

/* Adds feature f's lines to rd->roads when it is walked on, with its level (the layer tag, else 1 on a
 * bridge, -1 in a tunnel). LC_OK, or the error, in the context naming the layer. */
static lc_status roads_feature(lc_context *ctx, roads_reading *rd, OGRFeatureH f)
{
    char hw[256], bridge[64], tunnel[64], layer[64];
    int om[TAG_COUNT]; /* other_tags only for tags no field is mapped to */
    const char *h;
    rd->st.features++;
    if (!roads_keep(rd, f, hw, sizeof hw, &h))
        return LC_OK;
    for (int t = 0; t < TAG_COUNT; t++)
        om[t] = rd->mapped[t] ? -1 : rd->other;
    const char *br = tag_value(f, rd->cols, om[TAG_BRIDGE], TAG_BRIDGE, bridge, sizeof bridge);
    const char *tu = tag_value(f, rd->cols, om[TAG_TUNNEL], TAG_TUNNEL, tunnel, sizeof tunnel);
    const char *ly = tag_value(f, rd->cols, om[TAG_LAYER], TAG_LAYER, layer, sizeof layer);
    int is_bridge = truthy(br), is_tunnel = truthy(tu);
    int level = ly ? atoi(ly) : is_bridge ? 1 : is_tunnel ? -1 : 0;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGRGeometryH lin = g ? OGR_G_GetLinearGeometry(g, 0, NULL) : NULL;
    lc_status s = LC_OK;
    if (!lin || OGR_G_IsEmpty(lin))
        rd->st.bad_geometry++;
    else
        s = add_geometry(ctx, rd->roads, rd->tr, lin, h, level, is_bridge, is_tunnel, OGR_F_GetFID(f),
                         &rd->st.bad_geometry, &rd->st.kept);
    if (lin)
        OGR_G_DestroyGeometry(lin);
    if (s == LC_ERR_CRS) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
        lc_error(ctx, LC_ERR_CRS, "%s (layer %s, feature %lld): %s", rd->src.shown, rd->src.name,
                 (long long)OGR_F_GetFID(f), msg);
    }
    return s;
}

/* The repairs a study asks for, on the lines read: crossings noded (roads.node_crossings), then dangling
 * ends joined (roads.snap_dangles_m > 0); each replaces rd->roads. LC_OK or the repair's error. */
static lc_status roads_repair(lc_context *ctx, roads_reading *rd, int node, double dangles_m)
{
    if (node) {
        lc_roads *split = lc_roads_node_crossings(ctx, rd->roads, rd->rules->snap_tolerance_m,
                                                  &rd->st.crossings_noded, &rd->st.crossings_skipped);
        if (!split)
            return roads_failed(ctx);
        /* the report lists the classes kept: the split set has the same ones */
        lc_roads_destroy(rd->roads);
        rd->roads = split;
    }
    if (dangles_m > 0) {
        lc_roads *joined = lc_roads_snap_dangles(ctx, rd->roads, rd->rules->snap_tolerance_m, dangles_m,
                                                 &rd->st.dangles_snapped, &rd->st.dangles_skipped);
        if (!joined)
            return roads_failed(ctx);
        lc_roads_destroy(rd->roads);
        rd->roads = joined;
    }
    return LC_OK;
}

/* LC_OK when the layer gave lines; LC_ERR_GEOMETRY when none of its features is one (a planner who
 * picked the compounds' or the blocks' polygons as roads: said as such, not as layers that do not
 * meet, which is what the empty network would show next). */
static lc_status has_lines(lc_context *ctx, const roads_reading *rd)
{
    if (rd->st.kept || !rd->st.bad_geometry)
        return LC_OK;
    OGRwkbGeometryType t = OGR_L_GetGeomType(rd->src.ogr);
    return lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s): none of its %zu features is a line (the layer holds %s): the "
                    "roads must be street centrelines as lines (LineString or MultiLineString) 道路图层须为线要素; is "
                    "roads.layer the right layer?",
                    rd->src.shown, rd->src.name, rd->st.features, OGRGeometryTypeToName(t));
}

/* The reading's counts into the log (info). */
static void roads_log(lc_context *ctx, const lc_roads_stats *st, int node, double dangles_m)
{
    lc_log(ctx, LC_LOG_INFO, "roads: %zu features, %zu walkable lines kept (%zu not walkable, %zu foot=no, "
           "%zu closed by access, %zu excluded by class, %zu without line geometry)", st->features, st->kept,
           st->not_walkable, st->foot_no, st->access, st->excluded_class, st->bad_geometry);
    if (node)
        lc_log(ctx, LC_LOG_INFO, "roads: %zu crossings noded, %zu left apart (bridge, tunnel or level)",
               st->crossings_noded, st->crossings_skipped);
    if (dangles_m > 0)
        lc_log(ctx, LC_LOG_INFO, "roads: %zu dangling ends joined within %g m, %zu left dangling (bridge, tunnel or "
               "level)", st->dangles_snapped, dangles_m, st->dangles_skipped);
}

/* ---- fetching and sorting on two cores ---------------------------------------------------------- */

/* Features travel from GDAL's fetching to the sorting in batches of this many, at most
 * ROAD_BATCHES_WAITING batches between them. */
#define ROAD_BATCH 256
#define ROAD_BATCHES_WAITING 8
/* GDAL messages kept from the fetching thread, to be said on the caller's (the rest counted). */
#define ROAD_SAID_MAX 1000

typedef struct road_batch {
    size_t n;
    OGRFeatureH f[ROAD_BATCH];
} road_batch;

/* One GDAL message from the fetching thread. */
typedef struct road_said {
    int level;
    char *msg;
} road_said;

/* What the two stages share. The fetching (geo/parallel.c's pipeline: a thread of its own) only
 * calls GDAL on the layer and keeps what GDAL says; the sorting (roads_feature, on the caller's
 * thread, as before) owns rd, ctx and the transform. By callgrind on the K = 3 real-street city
 * GDAL's fetching is about 45 % of the reading and the sorting 55 %, so the second core, idle while
 * the roads were read, takes GDAL's part: K = 10 (1.3 million vertices), 0.94–1.08 → 0.70–0.78 s. */
typedef struct road_pipe {
    lc_context *ctx;
    roads_reading *rd;
    lc_status st;          /* the sorting's first failure */
    road_said *said;       /* GDAL's messages on the fetching thread, in order */
    size_t nsaid, said_cap, said_lost;
    int fetch_failed;      /* GDAL reported a failure (CE_Failure or worse) while fetching */
    int nomem;             /* the fetching ran out of memory */
} road_pipe;

/* The fetching thread's GDAL error handler: keeps each message for the caller's thread. */
static void CPL_STDCALL keep_said(CPLErr level, CPLErrorNum num, const char *message)
{
    (void)num;
    road_pipe *rp = CPLGetErrorHandlerUserData();
    rp->fetch_failed |= level >= CE_Failure;
    if (rp->nsaid == ROAD_SAID_MAX) {
        rp->said_lost++;
        return;
    }
    if (rp->nsaid == rp->said_cap) {
        size_t cap = rp->said_cap ? 2 * rp->said_cap : 16;
        road_said *s = realloc(rp->said, cap * sizeof *s);
        if (!s) {
            rp->said_lost++;
            return;
        }
        rp->said = s, rp->said_cap = cap;
    }
    char *m = strdup(message ? message : "");
    if (!m) {
        rp->said_lost++;
        return;
    }
    rp->said[rp->nsaid++] = (road_said){(int)level, m};
}

/* The producer: every feature of the layer, in the layer's order, in batches. */
static void fetch_roads(void *arg, lc_pipe *pipe, int threaded)
{
    road_pipe *rp = arg;
    if (threaded)
        CPLPushErrorHandlerEx(keep_said, rp);
    road_batch *b = NULL;
    for (;;) {
        OGRFeatureH f = OGR_L_GetNextFeature(rp->rd->src.ogr);
        if (f && !b && !(b = calloc(1, sizeof *b))) {
            OGR_F_Destroy(f);
            rp->nomem = 1;
            break;
        }
        if (f)
            b->f[b->n++] = f;
        if (b && (b->n == ROAD_BATCH || !f)) {
            int stop = lc_pipe_put(pipe, b);
            b = NULL;
            if (stop)
                break;
        }
        if (!f)
            break;
    }
    if (threaded)
        CPLPopErrorHandler();
}

/* Frees a batch's features. */
static void drop_roads(void *arg, void *item)
{
    (void)arg;
    road_batch *b = item;
    for (size_t k = 0; k < b->n; k++)
        OGR_F_Destroy(b->f[k]);
    free(b);
}

/* The consumer: each feature of a batch into rd->roads, until one fails. */
static int sort_roads(void *arg, void *item)
{
    road_pipe *rp = arg;
    road_batch *b = item;
    for (size_t k = 0; k < b->n && rp->st == LC_OK; k++)
        rp->st = roads_feature(rp->ctx, rp->rd, b->f[k]);
    drop_roads(arg, b);
    return rp->st != LC_OK;
}

/* Reads every feature of the opened layer into rd->roads (GDAL's messages caught until the end of the
 * reading, then the repairs). LC_OK or the error, in the context. */
static lc_status roads_read_all(lc_context *ctx, const lc_study *study, const lc_crs *crs, roads_reading *rd,
                                lc_quality *quality)
{
    lc_ogr_source *src = &rd->src;
    if (!(rd->tr = lc_transform_create(ctx, src->source_crs, crs))) {
        lc_error(ctx, LC_ERR_CRS, "%s (layer %s): cannot transform into %s: %s", src->shown, src->name,
                 lc_crs_name(crs), lc_context_errmsg(ctx));
        goto fail;
    }
    if (!(rd->roads = lc_roads_create(ctx)) || roads_columns(ctx, study, rd, quality) != LC_OK)
        goto fail;
    OGR_L_ResetReading(src->ogr);
    road_pipe rp = {.ctx = ctx, .rd = rd, .st = LC_OK};
    lc_parallel_pipeline(ROAD_BATCHES_WAITING, fetch_roads, sort_roads, drop_roads, &rp);
    /* What GDAL said while fetching on the other thread, said here in its order. */
    for (size_t k = 0; k < rp.nsaid; k++) {
        lc_gdal_message(ctx, rp.said[k].level, rp.said[k].msg);
        free(rp.said[k].msg);
    }
    free(rp.said);
    if (rp.said_lost)
        lc_log(ctx, LC_LOG_DEBUG, "%s (layer %s): %zu more GDAL messages while reading", src->shown, src->name,
               rp.said_lost);
    if (rp.st != LC_OK)
        goto fail;
    if (rp.nomem) {
        lc_error(ctx, LC_ERR_NOMEM, "%s (layer %s): out of memory while reading", src->shown, src->name);
        goto fail;
    }
    if ((rp.fetch_failed || CPLGetLastErrorType() >= CE_Failure) && *lc_gdal_last_message(ctx)) {
        lc_error(ctx, LC_ERR_IO, "%s (layer %s): reading failed: %s", src->shown, src->name,
                 lc_gdal_last_message(ctx));
        goto fail;
    }
    lc_gdal_end(ctx);
    return LC_OK;
fail:
    lc_gdal_end(ctx);
    return roads_failed(ctx);
}

/* Reads the study's roads and reports on them; see roads.h. Opening, reading the features and the
 * repairs are steps of their own (roads_read_all, roads_repair); this function owns the cleanup. */
lc_roads *lc_roads_read_report(lc_context *ctx, const lc_study *study, const lc_profile *profile, const lc_crs *crs,
                               lc_roads_stats *stats, lc_quality *quality)
{
    if (!ctx)
        return NULL;
    if (!study || !profile || !crs) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_roads_read: study, profile and crs are required");
        return NULL;
    }
    roads_reading rd = {.rules = lc_profile_network(profile), .class_field = lc_study_get(study, "roads.fields.class")};
    const char *nc = lc_study_get(study, "roads.node_crossings");
    int node = nc && !strcmp(nc, "true");
    double dangles_m;
    if (dangles_distance(ctx, study, &dangles_m) != LC_OK)
        return NULL;
    if (exclude_list(ctx, lc_study_get(study, "roads.exclude"), &rd.excl, &rd.nexcl) != LC_OK)
        return NULL;
    if (!(rd.excl_n = lc_calloc(ctx, rd.nexcl ? rd.nexcl : 1, sizeof *rd.excl_n))) {
        free(rd.excl);
        return NULL;
    }
    if (lc_ogr_open(ctx, study, "roads", "lines", &rd.src) != LC_OK) {
        free(rd.excl);
        free(rd.excl_n);
        return NULL;
    }
    int ok = roads_read_all(ctx, study, crs, &rd, quality) == LC_OK && has_lines(ctx, &rd) == LC_OK &&
             roads_repair(ctx, &rd, node, dangles_m) == LC_OK
             && (!quality || report(ctx, quality, &rd.src, rd.roads, &rd.st, rd.class_field ? rd.class_field : "highway",
                                    rd.excl, rd.excl_n, rd.nexcl, node, dangles_m) == LC_OK);
    lc_transform_destroy(rd.tr);
    lc_ogr_close(&rd.src);
    free(rd.excl);
    free(rd.excl_n);
    if (!ok) {
        lc_roads_destroy(rd.roads);
        return NULL;
    }
    roads_log(ctx, &rd.st, node, dangles_m);
    if (stats)
        *stats = rd.st;
    return rd.roads;
}
