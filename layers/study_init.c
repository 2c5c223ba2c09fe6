/*
 * layers/study_init.c — `lifecircle study init` (lc_study_init, include/lifecircle/study.h): opens a
 * planner's files through GDAL, inspects every layer (geometry, fields, CRS, the encoding the readers
 * would use, counts, samples, category labels), guesses which study layer each is and which field
 * holds each role — with the readers' own default field names first (layers/layer.c) — and writes the
 * study atomically. The text of the study is layers/study_init_write.c's; reading a study is
 * layers/study.c's and layers/layer.c's.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal.h>
#include <limits.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"
#include "layers/study_init_int.h"
#include "lifecircle/study.h"

const si_kind lc_si_kinds[SI_KIND_COUNT] = {
    {"residential", LC_LAYER_RESIDENTIAL, "居住小区/街坊", "compounds with their residents"},
    {"facilities", LC_LAYER_FACILITIES, "养老服务设施", "elder-service facilities, one point each"},
    {"units", LC_LAYER_UNITS, "街镇", "街镇 (streets and towns) the norms are counted in"},
    {"roads", -1, "道路", "lines of the walking network"},
    {"districts", LC_LAYER_DISTRICTS, "区", "区 (districts) above the 街镇"},
    {"committees", LC_LAYER_COMMITTEES, "居村（居委会/村委会）", "居村 (residents' and villagers' committees)"},
    {"buildings", LC_LAYER_BUILDINGS, "建筑", "buildings inside the compounds"},
    {"candidates", LC_LAYER_CANDIDATES, "候选用地", "candidate sites for new facilities"},
    {"entrances", LC_LAYER_ENTRANCES, "小区出入口", "compound entrances"},
    {"groups", LC_LAYER_GROUPS, "村民小组", "village groups"},
    {"areas", LC_LAYER_AREAS, "片区", "片区 inside towns"},
};

/* Words in a layer's or file's name that say what it holds (lower-case ASCII, or Chinese). */
static const char *const name_hints[SI_KIND_COUNT][8] = {
    {"resid", "compound", "小区", "居住", "街坊", "住宅", "housing", NULL},
    {"facilit", "设施", "机构", "养老", "service", "poi", NULL},
    {"unit", "街镇", "街道", "乡镇", "town", "subdistrict", NULL},
    {"road", "道路", "路网", "street", "highway", "network", NULL},
    {"district", "区县", "行政区", "county", NULL},
    {"committee", "居委", "村委", "居村", "village", NULL},
    {"building", "建筑", "楼", NULL},
    {"candidate", "候选", "备选", "选址", NULL},
    {"entrance", "出入口", "入口", "gate", NULL},
    {"group", "村民小组", "小组", NULL},
    {"area", "片区", NULL},
};

/* Words in field names that suggest a role when no default name matches (case-insensitive). */
static const char *const role_words[LC_FIELD_ROLE_COUNT][8] = {
    [LC_FIELD_ID] = {"编号", "代码", "编码", "_id", "fid", NULL},
    [LC_FIELD_NAME] = {"名称", "name", "名", NULL},
    [LC_FIELD_POPULATION] = {"人口", "pop", "常住", "居民", NULL},
    [LC_FIELD_POP60] = {"60", NULL},
    [LC_FIELD_POP65] = {"65", NULL},
    [LC_FIELD_UNIT] = {"街镇", "街道", "乡镇", "town", "street", NULL},
    [LC_FIELD_CATEGORY] = {"类型", "类别", "分类", "type", "categ", "class", "kind", NULL},
    [LC_FIELD_FLOOR_AREA] = {"面积", "area", NULL},
    [LC_FIELD_MEALS] = {"餐", "meal", NULL},
    [LC_FIELD_BEDS] = {"床", "bed", NULL},
    [LC_FIELD_NURSING_BEDS] = {"护理", "nursing", NULL},
    [LC_FIELD_STATUS] = {"状态", "status", NULL},
    [LC_FIELD_COMPOUND] = {"小区", "compound", NULL},
    [LC_FIELD_DISTRICT] = {"区县", "所属区", "district", NULL},
    [LC_FIELD_COMMITTEE] = {"居委", "村委", "居村", "committee", NULL},
    [LC_FIELD_TYPE] = {"类型", "性质", "type", NULL},
    [LC_FIELD_HOUSEHOLDS] = {"户数", "household", NULL},
    [LC_FIELD_PLACES] = {"托位", "place", NULL},
    [LC_FIELD_OPENED] = {"开业", "建成", "投用", "open", NULL},
    [LC_FIELD_CLOSED] = {"关闭", "停业", "撤销", "close", NULL},
};

/* Roles whose values are numbers. */
static int numeric_role(int r)
{
    return r == LC_FIELD_POPULATION || r == LC_FIELD_POP60 || r == LC_FIELD_POP65 || r == LC_FIELD_FLOOR_AREA ||
           r == LC_FIELD_MEALS || r == LC_FIELD_BEDS || r == LC_FIELD_NURSING_BEDS || r == LC_FIELD_HOUSEHOLDS ||
           r == LC_FIELD_PLACES || r == LC_FIELD_OPENED || r == LC_FIELD_CLOSED;
}

/* Whether s contains word, ASCII case ignored. */
static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (!strncasecmp(s, word, n))
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* ---- reading one layer --------------------------------------------------------------------- */

/* A value as UTF-8 (recoded from GBK when the layer is), caller frees with free(). */
static char *utf8_of(const char *raw, int recode)
{
    if (!recode)
        return strdup(raw);
    char *rec = CPLRecode(raw, "CP936", CPL_ENC_UTF8);
    char *copy = rec ? strdup(rec) : NULL;
    CPLFree(rec);
    return copy;
}

/* Records one non-empty value of field f. */
static void note_value(si_field *f, OGRFieldType type, char *v)
{
    f->nvalues++;
    if (type != OFTInteger && type != OFTInteger64 && type != OFTReal) {
        double d;
        if (!lc_number_parse(v, &d))
            f->numeric = 0;
    }
    int seen = 0;
    for (size_t k = 0; k < f->nsamples && !seen; k++)
        seen = !strcmp(f->samples[k], v);
    if (!seen && f->nsamples < SI_SAMPLES)
        f->samples[f->nsamples++] = strdup(v);
    if (f->distinct && !f->many) {
        seen = 0;
        for (size_t k = 0; k < f->ndistinct && !seen; k++)
            seen = !strcmp(f->distinct[k], v);
        if (!seen && f->ndistinct < SI_DISTINCT)
            f->distinct[f->ndistinct++] = strdup(v);
        else if (!seen)
            f->many = 1;
    }
    free(v);
}

/* The geometry kind of an OGR type, or -1 when it says nothing (unknown, collections). */
static int geom_of(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbPoint: case wkbMultiPoint: return SI_POINT;
    case wkbLineString: case wkbMultiLineString: case wkbCircularString: case wkbCompoundCurve:
    case wkbMultiCurve: return SI_LINE;
    case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon: case wkbMultiSurface: return SI_POLYGON;
    case wkbNone: return SI_NONE;
    default: return -1;
    }
}

/* The layer's CRS as "AUTH:CODE (name)" or its name, NULL when it has none. */
static char *crs_text(OGRLayerH l)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    if (!srs)
        return NULL;
    OGRSpatialReferenceH c = OSRClone(srs);
    const char *auth = OSRGetAuthorityName(c, NULL), *code = OSRGetAuthorityCode(c, NULL);
    if (!auth && OSRAutoIdentifyEPSG(c) == OGRERR_NONE) {
        auth = OSRGetAuthorityName(c, NULL);
        code = OSRGetAuthorityCode(c, NULL);
    }
    const char *name = OSRGetName(c);
    char buf[512];
    if (auth && code)
        snprintf(buf, sizeof buf, "%s:%s (%s)", auth, code, name ? name : "");
    else
        snprintf(buf, sizeof buf, "%s", name ? name : "a CRS without a name");
    OSRDestroySpatialReference(c);
    return strdup(buf);
}

/* Reads the fields, their first values and the geometry kind of one OGR layer into L. */
static lc_status inspect_layer(lc_context *ctx, OGRLayerH l, int recode, si_layer *L)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int nf = OGR_FD_GetFieldCount(defn);
    L->fields = calloc((size_t)nf + 1, sizeof *L->fields);
    if (!L->fields)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory");
    L->nfields = (size_t)nf;
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        si_field *f = &L->fields[i];
        f->name = utf8_of(OGR_Fld_GetNameRef(fd), recode);
        OGRFieldType t = OGR_Fld_GetType(fd);
        f->numeric = t == OFTInteger || t == OFTInteger64 || t == OFTReal || t == OFTString;
        if (t == OFTString)
            f->distinct = calloc(SI_DISTINCT, sizeof *f->distinct);
        if (!f->name)
            return lc_error(ctx, LC_ERR_NOMEM, "out of memory");
    }
    L->geom = geom_of(OGR_L_GetGeomType(l));
    L->count = OGR_L_GetFeatureCount(l, 1);
    L->crs = crs_text(l);
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    int first_geom = (int)L->geom < 0;
    while (L->nread < 2000 && (f = OGR_L_GetNextFeature(l))) {
        L->nread++;
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (first_geom && g) {
            L->geom = geom_of(OGR_G_GetGeometryType(g));
            first_geom = (int)L->geom < 0;
        }
        for (int i = 0; i < nf; i++) {
            if (!OGR_F_IsFieldSetAndNotNull(f, i))
                continue;
            const char *raw = OGR_F_GetFieldAsString(f, i);
            char *v = utf8_of(raw, recode);
            if (!v)
                continue;
            char *s = v + strspn(v, " \t");
            if (!*s) {
                free(v);
                continue;
            }
            memmove(v, s, strlen(s) + 1);
            note_value(&L->fields[i], OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)), v);
        }
        OGR_F_Destroy(f);
    }
    if ((int)L->geom < 0)
        L->geom = SI_NONE;
    for (size_t i = 0; i < L->nfields; i++)
        if (!L->fields[i].nvalues && OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, (int)i)) == OFTString)
            L->fields[i].numeric = 0;
    L->xy[0] = L->xy[1] = -1;
    for (int k = 0; k < 2 && L->geom == SI_NONE; k++)
        for (const char *const *n = lc_layer_xy_fields(k); *n && L->xy[k] < 0; n++)
            for (size_t i = 0; i < L->nfields && L->xy[k] < 0; i++)
                if (!strcasecmp(L->fields[i].name, *n))
                    L->xy[k] = (int)i;
    return LC_OK;
}

/* Opens a dataset read-only; a Shapefile read as GBK is reopened with the driver's ENCODING option
 * (it recodes itself; other drivers give the file's bytes, recoded by utf8_of). */
static GDALDatasetH open_recoded(const char *path, const char *enc)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (ds && enc && !strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile")) {
        GDALClose(ds);
        char **opts = CSLSetNameValue(NULL, "ENCODING", "CP936");
        ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)opts, NULL);
        CSLDestroy(opts);
    }
    return ds;
}

/* Opens one data file and appends an si_layer per vector layer in it. */
static lc_status inspect_file(lc_context *ctx, si_study *s, const char *path)
{
    lc_status st = lc_source_check(ctx, "input", path, path);
    if (st != LC_OK)
        return st;
    const char *why;
    const char *enc = lc_source_encoding_guess(path, &why);
    GDALDatasetH ds = open_recoded(path, enc);
    if (!ds)
        return lc_error(ctx, LC_ERR_IO, "study init: cannot open '%s': %s", path,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "not a vector dataset GDAL can read");
    /* the shapefile driver recodes from the ENCODING open option itself; other drivers give bytes */
    int recode = enc && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") != 0;
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n && st == LC_OK; i++) {
        si_layer *grown = realloc(s->layers, (s->nlayers + 1) * sizeof *grown);
        if (!grown) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory");
            break;
        }
        s->layers = grown;
        si_layer *L = &s->layers[s->nlayers++];
        memset(L, 0, sizeof *L);
        L->kind = -1;
        L->source = strdup(path);
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        L->layer = strdup(OGR_L_GetName(l));
        L->nlayers = n;
        L->encoding = enc;
        L->enc_why = why;
        if (!L->source || !L->layer)
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory");
        else
            st = inspect_layer(ctx, l, recode, L);
    }
    if (n == 0 && st == LC_OK)
        st = lc_error(ctx, LC_ERR_IO, "study init: '%s' holds no vector layer", path);
    GDALClose(ds);
    return st;
}

/* Data files worth inspecting in a directory (side files of a shapefile are not). */
static int data_ext(const char *name)
{
    static const char *const exts[] = {".shp", ".gpkg", ".geojson", ".json", ".csv", ".xlsx", ".kml", ".gml",
                                       ".tab", ".mif", ".fgb", ".sqlite", NULL};
    for (const char *const *e = exts; *e; e++)
        if (ends_with(name, *e) || (strlen(name) > strlen(*e) && !strcasecmp(name + strlen(name) - strlen(*e), *e)))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Inspects a directory's data files, in name order (one level). */
static lc_status inspect_dir(lc_context *ctx, si_study *s, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return lc_error(ctx, LC_ERR_IO, "study init: cannot read the directory '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    lc_status st = LC_OK;
    struct dirent *e;
    while ((e = readdir(d)) && st == LC_OK) {
        if (e->d_name[0] == '.' || !data_ext(e->d_name))
            continue;
        if (n == cap && (st = lc_grow(ctx, (void **)&names, &cap, n + 1, sizeof *names)) != LC_OK)
            break;
        if (!(names[n] = lc_sprintf(ctx, "%s/%s", dir, e->d_name)))
            st = LC_ERR_NOMEM;
        else
            n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, cmp_str);
    if (st == LC_OK && n == 0)
        st = lc_error(ctx, LC_ERR_IO, "study init: the directory '%s' holds no data file (.shp, .gpkg, .geojson, "
                      ".csv, .xlsx, ...)", dir);
    for (size_t i = 0; i < n && st == LC_OK; i++)
        st = inspect_file(ctx, s, names[i]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* ---- guessing ------------------------------------------------------------------------------ */

/* Fills L's candidate fields of every role a kind could read, best first: the readers' default
 * names in their order, then fields whose names hold a word of the role. */
static void find_candidates(si_layer *L)
{
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++) {
        L->ncand[r] = 0;
        const char *const *defaults = lc_layer_default_fields((lc_field_role)r);
        for (int pass = 0; pass < 2; pass++) {
            const char *const *words = pass ? role_words[r] : defaults;
            for (const char *const *w = words; *w && L->ncand[r] < SI_CANDS; w++)
                for (size_t i = 0; i < L->nfields && L->ncand[r] < SI_CANDS; i++) {
                    const si_field *f = &L->fields[i];
                    if (pass ? !has_word(f->name, *w) : strcasecmp(f->name, *w) != 0)
                        continue;
                    if (numeric_role(r) && !f->numeric)
                        continue;
                    if (r == LC_FIELD_POPULATION && pass &&
                        (has_word(f->name, "60") || has_word(f->name, "65") || has_word(f->name, "老") ||
                         has_word(f->name, "户") || has_word(f->name, "密度")))
                        continue;
                    if (r == LC_FIELD_BEDS && pass && has_word(f->name, "护理"))
                        continue;
                    if (r == LC_FIELD_NURSING_BEDS && pass && !has_word(f->name, "床") && !has_word(f->name, "bed"))
                        continue;
                    if ((r == LC_FIELD_CATEGORY || r == LC_FIELD_TYPE) && f->numeric && f->nvalues)
                        continue;
                    int dup = 0;
                    for (int k = 0; k < L->ncand[r]; k++)
                        dup |= L->cand[r][k] == (int)i;
                    if (!dup)
                        L->cand[r][L->ncand[r]++] = (int)i;
                }
        }
    }
    static const char *const class_names[] = {"class", "fclass", "道路等级", "等级", "道路类型", "类型", "type", "kind", NULL};
    L->nroad_class = 0;
    for (const char *const *w = class_names; *w && L->nroad_class < SI_CANDS; w++)
        for (size_t i = 0; i < L->nfields && L->nroad_class < SI_CANDS; i++)
            if (!strcasecmp(L->fields[i].name, *w))
                L->road_class[L->nroad_class++] = (int)i;
}

/* Whether a name field's samples end like names of a level ("街道", "镇"). */
static int names_end(const si_layer *L, const char *const *tails)
{
    if (!L->ncand[LC_FIELD_NAME])
        return 0;
    const si_field *f = &L->fields[L->cand[LC_FIELD_NAME][0]];
    size_t hits = 0;
    for (size_t k = 0; k < f->nsamples; k++)
        for (const char *const *t = tails; *t; t++)
            if (ends_with(f->samples[k], *t) &&
                !(ends_with(f->samples[k], "社区") && !strcmp(*t, "区")) && !(ends_with(f->samples[k], "小区")))
                {
                    hits++;
                    break;
                }
    return f->nsamples && hits == f->nsamples;
}

/* Whether a text field looks like categories: labels that repeat, fewer than SI_DISTINCT of them. */
static int category_like(const si_field *f)
{
    return f->distinct && !f->many && f->ndistinct >= 1 && f->ndistinct < f->nvalues;
}

/* Adds points to *sc and, when why is given, the reason to it. */
static void reason(int *sc, lc_strbuf *why, int points, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void reason(int *sc, lc_strbuf *why, int points, const char *fmt, ...)
{
    *sc += points;
    if (!why)
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (why->n)
        lc_strbuf_str(why, ", ");
    lc_strbuf_str(why, text);
}

/* The score of a polygon layer L as one of the administrative levels (units, committees,
 * districts), added to sc (the name hint's points), with the reasons into why (may be NULL). */
static int score_level(const si_layer *L, const char *kind, int sc, lc_strbuf *why)
{
    static const char *const unit_tails[] = {"街道", "镇", "乡", NULL};
    static const char *const committee_tails[] = {"居委会", "村委会", "居委", "村委", "村", "居民区", NULL};
    static const char *const district_tails[] = {"区", "县", NULL};
    if (!strcmp(kind, "units")) {
        if (names_end(L, unit_tails))
            reason(&sc, why, 4, "names ending in 街道/镇/乡");
        if ((sc > 0 || L->ncand[LC_FIELD_NAME]) && L->ncand[LC_FIELD_NAME] && L->count <= 300)
            reason(&sc, why, 2, "named polygons, few of them (%lld)", L->count);
        if (sc > 0 && L->ncand[LC_FIELD_POPULATION])
            sc += 1;
    } else if (!strcmp(kind, "committees")) {
        if (names_end(L, committee_tails))
            reason(&sc, why, 4, "names ending in 居委会/村委会/村");
        if (sc > 0 && L->ncand[LC_FIELD_UNIT])
            reason(&sc, why, 2, "a 街镇 field (%s)", L->fields[L->cand[LC_FIELD_UNIT][0]].name);
    } else if (!strcmp(kind, "districts")) {
        if (names_end(L, district_tails))
            reason(&sc, why, 5, "names ending in 区/县");
    }
    return sc;
}

/* The score of layer L as kind k, and (why, may be NULL) the reasons, appended: its name (8), then
 * what its geometry and fields say. */
static int score(const si_study *s, const si_layer *L, int k, lc_strbuf *why)
{
    char lname[1024];
    const char *base = strrchr(L->source, '/');
    snprintf(lname, sizeof lname, "%s %s", L->layer, base ? base + 1 : L->source);
    int sc = 0, hint = 0;
    for (const char *const *h = name_hints[k]; *h && !hint; h++)
        hint = has_word(lname, *h);
    if (hint)
        reason(&sc, why, 8, "its name (%s)", L->layer);
    int poly = L->geom == SI_POLYGON, point = L->geom == SI_POINT || (L->geom == SI_NONE && L->xy[0] >= 0 && L->xy[1] >= 0);
    const char *kind = lc_si_kinds[k].name;
    if (!strcmp(kind, "roads")) {
        if (L->geom == SI_LINE)
            reason(&sc, why, 6, "lines");
        return L->geom == SI_LINE ? sc : 0;
    }
    if (L->geom == SI_LINE)
        return 0;
    int cat = L->ncand[LC_FIELD_CATEGORY] && category_like(&L->fields[L->cand[LC_FIELD_CATEGORY][0]]);
    if (!strcmp(kind, "residential")) {
        if (!poly && !point)
            return 0;
        if (L->ncand[LC_FIELD_POPULATION])
            reason(&sc, why, 5, "%s with a population field (%s)", poly ? "polygons" : "points",
                   L->fields[L->cand[LC_FIELD_POPULATION][0]].name);
        else if (L->ncand[LC_FIELD_HOUSEHOLDS])
            reason(&sc, why, 3, "households (%s)", L->fields[L->cand[LC_FIELD_HOUSEHOLDS][0]].name);
        if (point && cat)
            sc -= 4;
        long long most = 0;
        for (size_t i = 0; i < s->nlayers; i++)
            if (s->layers[i].geom == L->geom && s->layers[i].count > most)
                most = s->layers[i].count;
        if (sc > 0 && L->count == most && L->count > 30)
            reason(&sc, why, 1, "the most features (%lld)", L->count);
        return sc;
    }
    if (!strcmp(kind, "facilities")) {
        if (!point)
            return 0;
        if (cat)
            reason(&sc, why, 5, "points with a category field (%s, %zu labels)",
                   L->fields[L->cand[LC_FIELD_CATEGORY][0]].name, L->fields[L->cand[LC_FIELD_CATEGORY][0]].ndistinct);
        if (L->ncand[LC_FIELD_MEALS] || L->ncand[LC_FIELD_BEDS] || L->ncand[LC_FIELD_FLOOR_AREA])
            reason(&sc, why, 1, "capacities (meals, beds or floor area)");
        return sc;
    }
    if (!strcmp(kind, "units") || !strcmp(kind, "committees") || !strcmp(kind, "districts"))
        return poly ? score_level(L, kind, sc, why) : 0;
    if (!strcmp(kind, "candidates") || !strcmp(kind, "entrances"))
        return point ? sc : 0;
    return poly && hint ? sc : 0; /* buildings, groups, areas: polygons, by name only */
}

/* Assigns kinds to layers, best score first, each kind to one layer at most (a score of 5 needed). */
static lc_status assign(lc_context *ctx, si_study *s)
{
    unsigned char taken[SI_KIND_COUNT] = {0};
    for (;;) {
        int best = 4, bl = -1, bk = -1;
        for (size_t i = 0; i < s->nlayers; i++)
            for (int k = 0; k < SI_KIND_COUNT && s->layers[i].kind < 0; k++) {
                int sc = taken[k] ? 0 : score(s, &s->layers[i], k, NULL);
                if (sc > best)
                    best = sc, bl = (int)i, bk = k;
            }
        if (bl < 0)
            return LC_OK;
        si_layer *L = &s->layers[bl];
        lc_strbuf why = {0};
        score(s, L, bk, &why);
        lc_strbuf_add(&why, "", 0);
        if (why.failed)
            return lc_error(ctx, LC_ERR_NOMEM, "out of memory");
        L->kind = bk;
        L->why = why.s;
        taken[bk] = 1;
    }
}

/* Counts the distinct labels of the facilities layer's category field over every feature. */
static lc_status collect_labels(lc_context *ctx, si_layer *L)
{
    if (!L->ncand[LC_FIELD_CATEGORY])
        return LC_OK;
    GDALDatasetH ds = open_recoded(L->source, L->encoding);
    if (!ds)
        return lc_error(ctx, LC_ERR_IO, "study init: cannot reopen '%s'", L->source);
    int recode = L->encoding && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") != 0;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, L->layer);
    int idx = L->cand[LC_FIELD_CATEGORY][0];
    lc_status st = LC_OK;
    OGRFeatureH f;
    size_t cap = 0;
    OGR_L_ResetReading(l);
    while (st == LC_OK && (f = OGR_L_GetNextFeature(l))) {
        char *v = OGR_F_IsFieldSetAndNotNull(f, idx) ? utf8_of(OGR_F_GetFieldAsString(f, idx), 0 + recode) : NULL;
        OGR_F_Destroy(f);
        if (!v)
            continue;
        size_t a = strspn(v, " \t"), e = strlen(v);
        while (e > a && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        v[e] = 0;
        memmove(v, v + a, e - a + 1);
        size_t k = 0;
        while (k < L->nlabels && strcmp(L->labels[k], v))
            k++;
        if (k < L->nlabels || !*v) {
            if (*v)
                L->label_count[k]++;
            free(v);
            continue;
        }
        if (L->nlabels == SI_LABELS) {
            L->labels_cut = 1;
            free(v);
            continue;
        }
        size_t c2 = cap;
        if ((st = lc_grow(ctx, (void **)&L->labels, &cap, L->nlabels + 1, sizeof *L->labels)) != LC_OK ||
            (st = lc_grow(ctx, (void **)&L->label_count, &c2, L->nlabels + 1, sizeof *L->label_count)) != LC_OK) {
            free(v);
            break;
        }
        L->labels[L->nlabels] = v;
        L->label_count[L->nlabels++] = 1;
    }
    GDALClose(ds);
    return st;
}

/* ---- the call ------------------------------------------------------------------------------ */

static void si_free(si_study *s)
{
    for (size_t i = 0; i < s->nlayers; i++) {
        si_layer *L = &s->layers[i];
        for (size_t f = 0; f < L->nfields; f++) {
            si_field *F = &L->fields[f];
            free(F->name);
            for (size_t k = 0; k < F->nsamples; k++)
                free(F->samples[k]);
            for (size_t k = 0; k < F->ndistinct; k++)
                free(F->distinct[k]);
            free(F->distinct);
        }
        for (size_t k = 0; k < L->nlabels; k++)
            free(L->labels[k]);
        free(L->labels), free(L->label_count), free(L->fields), free(L->source), free(L->layer), free(L->crs);
        free(L->why);
    }
    free(s->layers);
    free(s->study_dir);
}

/* Writes text to path through a temporary file beside it: linked into place when the file must not
 * exist (so a file made meanwhile is not replaced either), renamed over it with force. */
static lc_status write_study(lc_context *ctx, const char *path, const char *text, int force)
{
    char *tmp = lc_sprintf(ctx, "%s.tmp-%ld", path, (long)getpid());
    if (!tmp)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    size_t n = strlen(text);
    if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
        st = lc_error(ctx, LC_ERR_IO, "study init: cannot write %s: %s", tmp, strerror(errno));
    }
    if (fd >= 0 && close(fd) != 0 && st == LC_OK)
        st = lc_error(ctx, LC_ERR_IO, "study init: cannot write %s: %s", tmp, strerror(errno));
    if (st == LC_OK && force && rename(tmp, path) != 0)
        st = lc_error(ctx, LC_ERR_IO, "study init: cannot write %s: %s", path, strerror(errno));
    if (st == LC_OK && !force && link(tmp, path) != 0)
        st = lc_error(ctx, LC_ERR_IO, errno == EEXIST ? "study init: %s exists; not overwriting it (give --force to "
                                                       "replace it)" : "study init: cannot write %s: %s",
                      path, strerror(errno));
    if (fd >= 0 && (st != LC_OK || !force))
        unlink(tmp);
    free(tmp);
    return st;
}

/* One summary line per layer: its role and why, or that none was guessed. */
static void write_summary(const si_study *s, lc_strbuf *b)
{
    for (size_t i = 0; i < s->nlayers; i++) {
        const si_layer *L = &s->layers[i];
        const char *base = strrchr(L->source, '/');
        if (L->kind >= 0)
            lc_strbuf_printf(b, "  %-12s ← %s (layer %s): %s\n", lc_si_kinds[L->kind].name, base ? base + 1 : L->source,
                         L->layer, L->why);
        else
            lc_strbuf_printf(b, "  %-12s   %s (layer %s): no role guessed (listed at the end of the study)\n", "-",
                         base ? base + 1 : L->source, L->layer);
    }
}

lc_status lc_study_init(lc_context *ctx, const lc_study_init_options *opt, char **text, char **summary)
{
    if (text)
        *text = NULL;
    if (summary)
        *summary = NULL;
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!opt || opt->size < sizeof *opt || !opt->inputs || !opt->ninputs)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_study_init: no options or no inputs (set size and inputs)");
    si_study s = {0};
    s.profile_name = opt->profile ? opt->profile : "shanghai-2025";
    lc_profile *profile = lc_profile_load(ctx, s.profile_name);
    if (!profile)
        return lc_context_errno(ctx);
    s.profile = profile;
    lc_status st = LC_OK;
    lc_strbuf out = {0}, sum = {0};
    if (opt->output) {
        char *copy = strdup(opt->output), *slash = copy ? strrchr(copy, '/') : NULL;
        char resolved[PATH_MAX];
        if (slash)
            *slash = 0;
        if (!copy || !realpath(slash ? (*copy ? copy : "/") : ".", resolved)) {
            st = lc_error(ctx, LC_ERR_IO, "study init: the directory of %s does not exist", opt->output);
            free(copy);
            goto done;
        }
        free(copy);
        if (!(s.study_dir = lc_strdup(ctx, resolved))) {
            st = LC_ERR_NOMEM;
            goto done;
        }
    }
    lc_gdal_begin(ctx);
    for (size_t i = 0; i < opt->ninputs && st == LC_OK; i++) {
        char resolved[PATH_MAX];
        struct stat sb;
        if (!opt->inputs[i] || stat(opt->inputs[i], &sb) != 0 || !realpath(opt->inputs[i], resolved)) {
            st = lc_error(ctx, LC_ERR_IO, "study init: cannot read '%s': %s", opt->inputs[i] ? opt->inputs[i] : "(null)",
                          strerror(errno));
            break;
        }
        st = S_ISDIR(sb.st_mode) && !ends_with(resolved, ".gdb") ? inspect_dir(ctx, &s, resolved)
                                                                 : inspect_file(ctx, &s, resolved);
    }
    for (size_t i = 0; i < s.nlayers; i++)
        find_candidates(&s.layers[i]);
    if (st == LC_OK)
        st = assign(ctx, &s);
    for (size_t i = 0; i < s.nlayers && st == LC_OK; i++)
        if (s.layers[i].kind >= 0 && !strcmp(lc_si_kinds[s.layers[i].kind].name, "facilities"))
            st = collect_labels(ctx, &s.layers[i]);
    lc_gdal_end(ctx);
    if (st != LC_OK)
        goto done;
    lc_si_write(&s, &out);
    write_summary(&s, &sum);
    lc_strbuf_add(&out, "", 0);
    lc_strbuf_add(&sum, "", 0);
    if (out.failed || sum.failed) {
        st = lc_error(ctx, LC_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (opt->output && (st = write_study(ctx, opt->output, out.s, opt->force)) != LC_OK)
        goto done;
    if (text) {
        *text = out.s;
        out.s = NULL;
    }
    if (summary) {
        *summary = sum.s;
        sum.s = NULL;
    }
done:
    free(out.s);
    free(sum.s);
    si_free(&s);
    lc_profile_destroy(profile);
    return st;
}
