/*
 * layers/layer.c — reads one input layer through OGR: opens any GDAL vector source, maps fields onto
 * roles, parses and checks values, repairs polygons, and keeps geometries in the source CRS.
 * Choosing the working CRS and checks across layers live in layers/inputs.c; CRS maths in geo/crs.c.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <ctype.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/geometry_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const kind_names[LC_LAYER_KIND_COUNT] = {"residential", "facilities", "units", "candidates",
                                                             "entrances", "buildings", "districts", "committees",
                                                             "groups", "areas"};

/* Kinds read as points (polygons reduced to a point on their surface). */
static int point_kind(lc_layer_kind kind)
{
    return kind == LC_LAYER_FACILITIES || kind == LC_LAYER_CANDIDATES || kind == LC_LAYER_ENTRANCES;
}

const char *lc_layer_kind_name(lc_layer_kind kind)
{
    return (unsigned)kind < LC_LAYER_KIND_COUNT ? kind_names[kind] : "unknown";
}

static const char *const role_names[LC_FIELD_ROLE_COUNT] = {
    "id", "name", "population", "pop60", "pop65", "unit",
    "category", "floor_area", "meals", "beds", "nursing_beds", "status", "compound",
    "district", "committee", "type", "households", "profile"};

const char *lc_field_role_name(lc_field_role role)
{
    return (unsigned)role < LC_FIELD_ROLE_COUNT ? role_names[role] : "unknown";
}

/* Field names tried, in order, when the study maps no field to a role (compared ignoring ASCII
 * case). Chinese names are the ones planners' tables commonly use. */
static const char *const default_fields[LC_FIELD_ROLE_COUNT][8] = {
    [LC_FIELD_ID] = {"id", "编号", "代码", "code", "osm_id", NULL},
    [LC_FIELD_NAME] = {"name", "名称", "小区名称", "机构名称", "街镇名称", NULL},
    [LC_FIELD_POPULATION] = {"population", "常住人口", "pop", "人口", NULL},
    [LC_FIELD_POP60] = {"pop60", "户籍60岁以上", "60岁以上", NULL},
    [LC_FIELD_POP65] = {"pop65", "户籍65岁以上", "65岁以上", NULL},
    [LC_FIELD_UNIT] = {"unit", "街镇", "街道", "town", NULL},
    [LC_FIELD_CATEGORY] = {"category", "类型", "类别", "设施类型", "type", NULL},
    [LC_FIELD_FLOOR_AREA] = {"floor_area", "建筑面积", "面积", "area_m2", NULL},
    [LC_FIELD_MEALS] = {"meals", "日供餐", "供餐能力", "meals_per_day", NULL},
    [LC_FIELD_BEDS] = {"beds", "床位", "床位数", NULL},
    [LC_FIELD_NURSING_BEDS] = {"nursing_beds", "护理床位", "护理型床位", NULL},
    [LC_FIELD_STATUS] = {"status", "状态", "选址状态", NULL},
    [LC_FIELD_COMPOUND] = {"compound", "residential", "小区编号", "小区", "xq_id", NULL},
    [LC_FIELD_DISTRICT] = {"district", "区", "区县", "所属区", "county", NULL},
    [LC_FIELD_COMMITTEE] = {"committee", "居村", "居委", "村委", "居委会", "村居", NULL},
    [LC_FIELD_TYPE] = {"type", "类型", "居村类型", "性质", "kind", NULL},
    [LC_FIELD_HOUSEHOLDS] = {"households", "户数", "总户数", "hh", NULL},
    [LC_FIELD_PROFILE] = {"profile", "标准", NULL},
};

/* Which roles a kind reads (1 optional, 2 required). */
static const unsigned char kind_roles[LC_LAYER_KIND_COUNT][LC_FIELD_ROLE_COUNT] = {
    [LC_LAYER_RESIDENTIAL] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 2,
                              [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_UNIT] = 1,
                              [LC_FIELD_COMMITTEE] = 1, [LC_FIELD_HOUSEHOLDS] = 1},
    [LC_LAYER_FACILITIES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_CATEGORY] = 2,
                             [LC_FIELD_FLOOR_AREA] = 1, [LC_FIELD_MEALS] = 1, [LC_FIELD_BEDS] = 1,
                             [LC_FIELD_NURSING_BEDS] = 1},
    [LC_LAYER_UNITS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                        [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_DISTRICT] = 1, [LC_FIELD_TYPE] = 1},
    [LC_LAYER_CANDIDATES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_STATUS] = 1},
    [LC_LAYER_ENTRANCES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_COMPOUND] = 1},
    [LC_LAYER_BUILDINGS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                            [LC_FIELD_FLOOR_AREA] = 1},
    [LC_LAYER_DISTRICTS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                            [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_PROFILE] = 1},
    [LC_LAYER_COMMITTEES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                             [LC_FIELD_HOUSEHOLDS] = 1, [LC_FIELD_UNIT] = 1, [LC_FIELD_TYPE] = 1},
    [LC_LAYER_GROUPS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                         [LC_FIELD_COMMITTEE] = 1},
    [LC_LAYER_AREAS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1, [LC_FIELD_UNIT] = 1},
};

static const char *const x_fields[] = {"lon", "lng", "longitude", "经度", "x", NULL};
static const char *const y_fields[] = {"lat", "latitude", "纬度", "y", NULL};

/* ---- the reader ----------------------------------------------------------------------------- */

/* Everything one layer read needs, so helpers take a single pointer. */
typedef struct reader {
    lc_context *ctx;
    lc_quality *quality;
    const lc_study *study;
    const lc_profile *profile;
    lc_layer *layer;
    const char *kind_name;  /* the study's layer heading: "residential", ..., "roads" */
    const char *osm_layer;  /* the OSM driver layer to read when the study names none */
    const char *path;       /* as given */
    const char *recode_from;/* attribute encoding to convert from, NULL when UTF-8 */
    OGRLayerH ogr;
    OGRFeatureDefnH defn;
    int field[LC_FIELD_ROLE_COUNT]; /* OGR field index per role, -1 when absent */
    int x_field, y_field;   /* lon/lat columns, -1 when the layer has geometries */
    const char *cur_id;     /* id of the feature being read, for messages */
    double persons_per_household; /* residential: the study's persons_per_household, 0 when unset */
    int sql_result;         /* ogr is the result set of <kind>.sql: release it before closing */
    unsigned char *row_hashes; /* database sources: SHA-256 of every row read, 32 bytes each */
    size_t nrows, rows_cap;
    const struct fetch_warnings *warnings; /* GDAL's warnings while the current feature was fetched */
} reader;

/* Looks up <kind>.<suffix> in the study. */
static const char *study_key(const reader *rd, const char *suffix)
{
    char key[128];
    snprintf(key, sizeof key, "%s.%s", rd->kind_name, suffix);
    return lc_study_get(rd->study, key);
}

/* Adds an issue about the current feature and field, prefixing file and layer. */
static void report(reader *rd, lc_severity severity, lc_status status, const char *check,
                   const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(reader *rd, lc_severity severity, lc_status status, const char *check,
                   const char *field, const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    char where[1024];
    int n = snprintf(where, sizeof where, "%s (layer %s", rd->path, rd->layer->name);
    if (rd->cur_id && n > 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, ", feature %s", rd->cur_id);
    if (field && n > 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, ", field %s", field);
    lc_quality_add(rd->ctx, rd->quality, severity, status, check, rd->path, rd->layer->name,
                   rd->cur_id, field, "%s): %s", where, detail);
}

/* Lists the layer's field names, comma-separated, into buf (for "fields available: ..."). */
static void list_fields(OGRFeatureDefnH defn, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < OGR_FD_GetFieldCount(defn) && used + 1 < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!buf[0])
        snprintf(buf, size, "none");
}

/* Finds a field by name, exactly first, then ignoring ASCII case. -1 if absent. */
static int find_field(OGRFeatureDefnH defn, const char *name)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++)
        if (strcmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
            return i;
    for (int i = 0; i < n; i++)
        if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
            return i;
    return -1;
}

/* Finds the first of a NULL-terminated list of candidate names. -1 if none. */
static int find_any_field(OGRFeatureDefnH defn, const char *const *names)
{
    for (; *names; names++) {
        int i = find_field(defn, *names);
        if (i >= 0)
            return i;
    }
    return -1;
}

/* Resolves the field of every role this kind reads: the study's mapping must exist; otherwise
 * the first default name present; a required role with no field is an error. A district's profile
 * field is named by districts.profile_field. Residential compounds need a population field unless
 * they have households and the study gives persons_per_household (population = households × it). */
static lc_status map_fields(reader *rd)
{
    char avail[1024];
    lc_layer_kind kind = rd->layer->kind;
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++) {
        rd->field[r] = -1;
        if (!kind_roles[kind][r])
            continue;
        char suffix[64];
        snprintf(suffix, sizeof suffix, r == LC_FIELD_PROFILE ? "profile_field" : "fields.%s", role_names[r]);
        const char *mapped = study_key(rd, suffix);
        if (mapped && *mapped) {
            rd->field[r] = find_field(rd->defn, mapped);
            if (rd->field[r] < 0) {
                list_fields(rd->defn, avail, sizeof avail);
                return lc_error(rd->ctx, LC_ERR_FIELD,
                                "%s (layer %s): field '%s' mapped to %s.%s does not exist "
                                "(fields available: %s)",
                                rd->path, rd->layer->name, mapped, kind_names[kind], suffix, avail);
            }
            continue;
        }
        rd->field[r] = find_any_field(rd->defn, default_fields[r]);
        int required = kind_roles[kind][r] == 2 && !(r == LC_FIELD_POPULATION && rd->persons_per_household > 0);
        if (rd->field[r] < 0 && required) {
            list_fields(rd->defn, avail, sizeof avail);
            return lc_error(rd->ctx, LC_ERR_FIELD,
                            "%s (layer %s): no %s field found; name it in the study file with "
                            "'%s: {fields: {%s: <field>}}'%s (fields available: %s)",
                            rd->path, rd->layer->name, role_names[r], kind_names[kind], role_names[r],
                            r == LC_FIELD_POPULATION ? ", or give households (fields.households) and the "
                                                       "study's persons_per_household" : "",
                            avail);
        }
    }
    if (kind == LC_LAYER_RESIDENTIAL && rd->field[LC_FIELD_POPULATION] < 0 && rd->field[LC_FIELD_HOUSEHOLDS] < 0) {
        list_fields(rd->defn, avail, sizeof avail);
        return lc_error(rd->ctx, LC_ERR_FIELD,
                        "%s (layer %s): no population field and no households field found; persons_per_household "
                        "needs households: name the field with 'residential: {fields: {households: <field>}}' "
                        "(fields available: %s)", rd->path, rd->layer->name, avail);
    }
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++)
        if (rd->field[r] >= 0 &&
            !(rd->layer->fields[r] = lc_strdup(rd->ctx, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, rd->field[r])))))
            return LC_ERR_NOMEM;
    return LC_OK;
}

/* Finds lon/lat columns for a layer without geometry: the study's <kind>.x/<kind>.y, or common
 * names. Error if there are none. */
static lc_status map_xy_fields(reader *rd)
{
    char avail[1024];
    const char *x = study_key(rd, "x"), *y = study_key(rd, "y");
    rd->x_field = x ? find_field(rd->defn, x) : find_any_field(rd->defn, x_fields);
    rd->y_field = y ? find_field(rd->defn, y) : find_any_field(rd->defn, y_fields);
    if (rd->x_field >= 0 && rd->y_field >= 0)
        return LC_OK;
    list_fields(rd->defn, avail, sizeof avail);
    return lc_error(rd->ctx, LC_ERR_FIELD,
                    "%s (layer %s): the layer has no geometry and no %s column; name the "
                    "coordinate columns with '%s: {x: <lon field>, y: <lat field>}' (fields "
                    "available: %s)",
                    rd->path, rd->layer->name, rd->x_field < 0 ? "longitude" : "latitude",
                    kind_names[rd->layer->kind], avail);
}

/* A field's text in UTF-8, recoded when the layer's encoding is not UTF-8; NULL when unset/null.
 * Text read as UTF-8 that is not valid UTF-8 (GBK bytes behind a .cpg or a GeoJSON that says
 * UTF-8) is an error of the feature and field: every output would refuse it later. Caller frees
 * with free(). */
static char *field_text(reader *rd, OGRFeatureH f, int idx)
{
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return NULL;
    const char *raw = OGR_F_GetFieldAsString(f, idx);
    if (!rd->recode_from && rd->quality && !CPLIsUTF8(raw, -1)) {
        char bytes[40] = "";
        for (size_t i = 0, n = 0; raw[i] && i < 8; i++)
            n += (size_t)snprintf(bytes + n, sizeof bytes - n, "%s%02x", i ? " " : "", (unsigned char)raw[i]);
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_ENCODING,
               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, idx)),
               "the text is not valid UTF-8 (it starts with bytes %s%s), yet the layer is read as UTF-8; if "
               "it is GBK, say so with '%s: {encoding: GBK}' (or fix the .cpg file)",
               bytes, strlen(raw) > 8 ? " ..." : "", rd->kind_name);
    }
    if (rd->recode_from) {
        char *rec = CPLRecode(raw, rd->recode_from, CPL_ENC_UTF8);
        char *copy = lc_strdup(rd->ctx, rec);
        CPLFree(rec);
        return copy;
    }
    return lc_strdup(rd->ctx, raw);
}

/* Trims ASCII blanks in place; returns s. */
static char *trim(char *s)
{
    if (!s)
        return s;
    char *start = s;
    while (isspace((unsigned char)*start))
        start++;
    size_t n = strlen(start);
    while (n && isspace((unsigned char)start[n - 1]))
        n--;
    memmove(s, start, n);
    s[n] = '\0';
    return s;
}

/* How a numeric field read went. */
typedef enum { NUM_OK, NUM_MISSING, NUM_BAD } num_result;

/* Reads a number from a field of any type: numeric fields directly, text fields parsed whole as a
 * decimal number (lc_number_parse: blanks around are allowed, hexadecimal and trailing text are not).
 * NAN when missing. */
static num_result field_number(reader *rd, OGRFeatureH f, int idx, double *out, char **text_out)
{
    *out = NAN;
    *text_out = NULL;
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return NUM_MISSING;
    OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(rd->defn, idx));
    if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
        *out = OGR_F_GetFieldAsDouble(f, idx);
        return isfinite(*out) ? NUM_OK : NUM_BAD;
    }
    char *s = trim(field_text(rd, f, idx));
    if (!s || !*s) {
        free(s);
        return NUM_MISSING;
    }
    double v;
    if (!lc_number_parse(s, &v)) {
        *text_out = s;
        return NUM_BAD;
    }
    free(s);
    *out = v;
    return NUM_OK;
}

/* Reads the number of a role into *out and reports missing (when required), non-numeric and
 * negative values. A value in error is left NAN. */
static void read_number(reader *rd, OGRFeatureH f, lc_field_role role, int required, double *out)
{
    int idx = rd->field[role];
    if (idx < 0) {
        *out = NAN;
        return;
    }
    const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, idx));
    char *text = NULL;
    num_result r = field_number(rd, f, idx, out, &text);
    if (r == NUM_MISSING && required)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_MISSING_VALUE, fname,
               "%s is missing (empty or NULL)", role_names[role]);
    else if (r == NUM_BAD)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NOT_NUMERIC, fname,
               "%s '%s' is not a number", role_names[role], text ? text : "(not finite)");
    else if (r == NUM_OK && *out < 0) {
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NEGATIVE, fname, "%s %g is negative",
               role_names[role], *out);
        *out = NAN;
    }
    free(text);
}

/* Resolves a category label: the study's facilities.categories mapping first, then the profile's
 * codes, names and aliases. -1 if neither knows it. */
static int resolve_category(const reader *rd, const char *label)
{
    const char *code = lc_study_category_map_find(rd->study, label);
    return lc_profile_find_category(rd->profile, code ? code : label);
}

/* Checks that every study category mapping names a category of the profile. */
static lc_status check_category_map(reader *rd)
{
    size_t n = lc_study_category_map_count(rd->study);
    for (size_t i = 0; i < n; i++) {
        const char *code = lc_study_category_map_code(rd->study, i);
        if (lc_profile_find_category(rd->profile, code) < 0)
            return lc_error(rd->ctx, LC_ERR_CONFIG,
                            "%s: facilities.categories maps '%s' to '%s', which profile %s does not "
                            "define (see `lifecircle profile show %s`)",
                            lc_study_path(rd->study) ? lc_study_path(rd->study) : "study",
                            lc_study_category_map_label(rd->study, i), code,
                            lc_profile_name(rd->profile), lc_profile_name(rd->profile));
    }
    return LC_OK;
}

/* Reads the category of a facility; reports missing and unknown labels. */
static int read_category(reader *rd, OGRFeatureH f)
{
    int idx = rd->field[LC_FIELD_CATEGORY];
    const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, idx));
    char *label = trim(field_text(rd, f, idx));
    int cat = -1;
    if (!label || !*label)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_MISSING_VALUE, fname, "category is missing");
    else if ((cat = resolve_category(rd, label)) < 0)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_UNKNOWN_CATEGORY, fname,
               "unknown category '%s'; map it in the study file with "
               "'facilities: {categories: {\"%s\": <code>}}' (codes: `lifecircle profile show %s`)",
               label, label, lc_profile_name(rd->profile));
    free(label);
    return cat;
}

/* ---- geometry ------------------------------------------------------------------------------- */

/* Converts an OGR geometry into a 2-D GEOS geometry with linear rings (curves stroked) through WKB.
 * NULL on failure. Caller frees with GEOSGeom_destroy_r(). */
static GEOSGeometry *ogr_to_geos(lc_context *ctx, OGRGeometryH g)
{
    OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
    if (!lin)
        return NULL;
    OGR_G_FlattenTo2D(lin);
    int size = OGR_G_WkbSize(lin);
    unsigned char *wkb = size > 0 ? lc_malloc(ctx, (size_t)size) : NULL;
    GEOSGeometry *out = NULL;
    if (wkb && OGR_G_ExportToWkb(lin, wkbNDR, wkb) == OGRERR_NONE) {
        GEOSWKBReader *r = GEOSWKBReader_create_r(lc_ctx_geos(ctx));
        if (r) {
            out = GEOSWKBReader_read_r(lc_ctx_geos(ctx), r, wkb, (size_t)size);
            GEOSWKBReader_destroy_r(lc_ctx_geos(ctx), r);
        }
    }
    free(wkb);
    OGR_G_DestroyGeometry(lin);
    return out;
}

/* Checks the lon/lat range of a geographic geometry; reports swapped or out-of-range coordinates.
 * Returns 0 when the coordinates are usable. */
static int check_lonlat(reader *rd, const GEOSGeometry *g)
{
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getExtent_r(lc_ctx_geos(rd->ctx), g, &minx, &miny, &maxx, &maxy))
        return 0;
    if (minx >= -180 && maxx <= 180 && miny >= -90 && maxy <= 90)
        return 0;
    if (minx >= -90 && maxx <= 90 && miny >= -180 && maxy <= 180)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_SWAPPED_LONLAT, NULL,
               "coordinates (%.6f, %.6f) look like latitude/longitude swapped: longitude must come "
               "first (x) and latitude second (y)",
               minx, miny);
    else
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_OUT_OF_RANGE, NULL,
               "coordinates (%.6f, %.6f) are outside longitude -180..180 / latitude -90..90; is the "
               "layer's CRS right?",
               minx, miny);
    return -1;
}

/* Builds a point from the lon/lat columns, reporting missing and non-numeric values. */
static GEOSGeometry *xy_point(reader *rd, OGRFeatureH f)
{
    double xy[2];
    int cols[2] = {rd->x_field, rd->y_field};
    for (int k = 0; k < 2; k++) {
        char *text = NULL;
        const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, cols[k]));
        num_result r = field_number(rd, f, cols[k], &xy[k], &text);
        if (r != NUM_OK) {
            if (r == NUM_MISSING)
                report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_MISSING_VALUE, fname,
                       "coordinate is missing");
            else
                report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NOT_NUMERIC, fname,
                       "coordinate '%s' is not a number", text ? text : "");
            free(text);
            return NULL;
        }
    }
    return GEOSGeom_createPointFromXY_r(lc_ctx_geos(rd->ctx), xy[0], xy[1]);
}

/* Makes g fit its kind: polygons for residential and units (invalid ones repaired with
 * GEOSMakeValid, keeping polygonal parts), a point for facilities and candidates. Takes ownership of g; returns
 * the result (possibly g itself) or NULL after reporting why. */
static GEOSGeometry *fit_geometry(reader *rd, GEOSGeometry *g)
{
    GEOSContextHandle_t h = lc_ctx_geos(rd->ctx);
    int type = GEOSGeomTypeId_r(h, g);
    int polygonal = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
    if (GEOSisEmpty_r(h, g)) {
        report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_EMPTY_GEOMETRY, NULL, "geometry is empty");
        GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    if (rd->layer->kind == LC_LAYER_RESIDENTIAL && (type == GEOS_POINT || polygonal)) {
        /* Compounds are polygons, or points (小区 POIs) — one or the other for the whole layer. */
        int as_points = type == GEOS_POINT;
        if (!rd->layer->kind_set) {
            rd->layer->points = as_points;
            rd->layer->kind_set = 1;
        }
        if (as_points != rd->layer->points) {
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
                   "a %s where the layer's first compound is a %s: give compounds as polygons or as points, "
                   "not both", as_points ? "point" : "polygon", as_points ? "polygon" : "point");
            GEOSGeom_destroy_r(h, g);
            return NULL;
        }
        if (as_points)
            return g;
    }
    if (point_kind(rd->layer->kind)) {
        if (type == GEOS_POINT)
            return g;
        if (polygonal || type == GEOS_MULTIPOINT) {
            GEOSGeometry *p = GEOSPointOnSurface_r(h, g);
            GEOSGeom_destroy_r(h, g);
            return p;
        }
    } else if (polygonal) {
        if (GEOSisValid_r(h, g) == 1)
            return g;
        char *reason = GEOSisValidReason_r(h, g);
        GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(h);
        GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE);
        GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
        GEOSGeometry *fixed = GEOSMakeValidWithParams_r(h, g, params);
        GEOSMakeValidParams_destroy_r(h, params);
        GEOSGeom_destroy_r(h, g);
        if (!fixed || GEOSisEmpty_r(h, fixed)) {
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_INVALID_GEOMETRY, NULL,
                   "invalid polygon (%s) could not be repaired", reason ? reason : "?");
            if (fixed)
                GEOSGeom_destroy_r(h, fixed);
            GEOSFree_r(h, reason);
            return NULL;
        }
        report(rd, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_INVALID_GEOMETRY, NULL,
               "invalid polygon (%s) repaired with GEOSMakeValid", reason ? reason : "?");
        GEOSFree_r(h, reason);
        return fixed;
    }
    report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
           "a %s geometry where %s are needed",
           type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING ? "line"
           : type == GEOS_POINT || type == GEOS_MULTIPOINT       ? "point"
                                                                 : "mixed",
           point_kind(rd->layer->kind) ? "points or polygons"
                                                                                           : "polygons");
    GEOSGeom_destroy_r(h, g);
    return NULL;
}

/* ---- opening -------------------------------------------------------------------------------- */

/* True for encodings that need no recoding. */
static int is_utf8(const char *enc)
{
    return !enc || !*enc || strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

/* Maps user spellings of Chinese encodings onto the name GDAL/iconv know. */
static const char *gdal_encoding(const char *enc)
{
    if (strcasecmp(enc, "GBK") == 0 || strcasecmp(enc, "CP936") == 0 || strcasecmp(enc, "GB2312") == 0)
        return "CP936";
    if (strcasecmp(enc, "GB18030") == 0)
        return "GB18030";
    return enc;
}

/* Picks the OGR layer: the study's <kind>.layer; for OSM data the layer that holds the kind's
 * geometries; the only layer; otherwise an error listing the layers to choose from. */
static OGRLayerH pick_layer(reader *rd, GDALDatasetH ds, const char *driver)
{
    const char *want = study_key(rd, "layer");
    if (!want && strcmp(driver, "OSM") == 0)
        want = rd->osm_layer;
    if (want) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, want);
        if (!l)
            lc_error(rd->ctx, LC_ERR_IO, "%s: no layer named '%s'", rd->path, want);
        return l;
    }
    int n = GDALDatasetGetLayerCount(ds);
    if (n == 1)
        return GDALDatasetGetLayer(ds, 0);
    char names[1024] = "";
    size_t used = 0;
    for (int i = 0; i < n && used + 1 < sizeof names; i++) {
        int k = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                         OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        used += k > 0 ? (size_t)k : 0;
    }
    if (n == 0)
        lc_error(rd->ctx, LC_ERR_IO, "%s holds no vector layer", rd->path);
    else
        lc_error(rd->ctx, LC_ERR_IO, "%s holds %d layers (%s); say which with '%s: {layer: <name>}'",
                 rd->path, n, names, rd->kind_name);
    return NULL;
}

/* Non-zero if srs is WGS 84 lon/lat itself (EPSG:4326, OGC CRS84): a geographic CRS on the WGS 84
 * datum. CGCS2000 (EPSG:4490) and the web-map systems are not. */
static int is_wgs84_lonlat(OGRSpatialReferenceH srs)
{
    if (!OSRIsGeographic(srs))
        return 0;
    OGRSpatialReferenceH w = OSRNewSpatialReference(NULL);
    int same = w && OSRSetWellKnownGeogCS(w, "WGS84") == OGRERR_NONE && OSRIsSameGeogCS(srs, w);
    OSRDestroySpatialReference(w);
    return same;
}

/* Decides the layer's source CRS: the study's <kind>.crs (or the top-level `source_crs`), else the
 * layer's own. No CRS at all is refused: distances would be meaningless. */
static lc_status source_crs(reader *rd)
{
    const char *given = study_key(rd, "crs");
    lc_layer *L = rd->layer;
    if (given && *given) {
        L->source_crs = lc_strdup(rd->ctx, given);
        if (!L->source_crs)
            return LC_ERR_NOMEM;
        if (lc_crs_is_chinese_webmap(given)) {
            L->geographic = 1;
            return LC_OK;
        }
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(srs, given) != OGRERR_NONE) {
            OSRDestroySpatialReference(srs);
            return lc_error(rd->ctx, LC_ERR_CRS, "%s: %s.crs '%s' is not a CRS GDAL/PROJ knows",
                            rd->path, rd->kind_name, given);
        }
        L->geographic = OSRIsGeographic(srs);
        L->wgs84_lonlat = is_wgs84_lonlat(srs);
        OSRDestroySpatialReference(srs);
        return LC_OK;
    }
    OGRSpatialReferenceH srs = rd->x_field >= 0 ? NULL : OGR_L_GetSpatialRef(rd->ogr);
    if (!srs) {
        if (rd->x_field >= 0)
            return lc_error(rd->ctx, LC_ERR_CRS,
                            "%s (layer %s): coordinate columns carry no CRS; state it with "
                            "'%s: {crs: ...}': EPSG:4326 for GPS/WGS 84, GCJ-02 for Amap/Tencent, "
                            "BD-09 for Baidu, or the EPSG code of projected coordinates",
                            rd->path, L->name, rd->kind_name);
        return lc_error(rd->ctx, LC_ERR_CRS,
                        "%s (layer %s) has no CRS (for a shapefile: no .prj); state it with "
                        "'%s: {crs: EPSG:xxxx}' (or GCJ-02 / BD-09 for web-map coordinates)",
                        rd->path, L->name, rd->kind_name);
    }
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    char *wkt = NULL;
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return lc_error(rd->ctx, LC_ERR_CRS, "%s (layer %s): its CRS cannot be exported", rd->path, L->name);
    }
    L->source_crs = lc_strdup(rd->ctx, wkt);
    CPLFree(wkt);
    L->geographic = OSRIsGeographic(srs);
    L->wgs84_lonlat = is_wgs84_lonlat(srs);
    return L->source_crs ? LC_OK : LC_ERR_NOMEM;
}

/* Non-zero if text (a `where` filter or an `sql` query on a file source, which GDAL hands to its
 * own SQL engines: SQLite for a GeoPackage, OGR SQL elsewhere) is one statement without comments:
 * no ';', '--', slash-star or '$' outside '...' literals and "..." identifiers, and every literal
 * closed; SQLite would silently ignore whatever follows a ';'. PostgreSQL sources are checked by
 * the server itself instead (pg_check_sql). On refusal writes the reason into why. */
static int sql_text_is_plain(const char *text, char *why, size_t size)
{
    char quote = 0;
    for (const char *p = text; *p; p++) {
        if (quote) {
            if (*p == quote) {
                if (p[1] == quote)
                    p++; /* '' or "" inside: an escaped quote */
                else
                    quote = 0;
            }
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == ';') {
            snprintf(why, size, "it holds ';' (only one statement is allowed)");
            return 0;
        } else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
            snprintf(why, size, "it holds a comment (%.2s)", p);
            return 0;
        } else if (*p == '$') {
            snprintf(why, size, "it holds '$' (dollar-quoted text is not allowed)");
            return 0;
        }
    }
    if (quote) {
        snprintf(why, size, "a %s opened with %c is not closed", quote == '"' ? "quoted name" : "text literal",
                 quote);
        return 0;
    }
    return 1;
}

/* Non-zero if query starts (after blanks and opening parentheses) with SELECT or WITH. */
static int sql_is_select(const char *query, char *why, size_t size)
{
    const char *p = query;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(')
        p++;
    if ((!strncasecmp(p, "select", 6) && !isalnum((unsigned char)p[6])) ||
        (!strncasecmp(p, "with", 4) && !isalnum((unsigned char)p[4])))
        return 1;
    snprintf(why, size, "it must be a SELECT (or WITH ... SELECT) query");
    return 0;
}

/* Opens a PostgreSQL source read-only, so neither a study's `sql` query nor a `where` filter (both
 * reach the server) can change the database: GDAL's whole session is one READ ONLY transaction
 * (its PRELUDE_STATEMENTS), never committed (CLOSING_STATEMENTS: ROLLBACK), on a connection whose
 * every transaction starts read-only (default_transaction_read_only in libpq's options) — a query
 * can neither end the transaction (the server's parser is asked first, pg_check_sql) nor make a
 * later one read-write. The state is read back. Also opens *probe, the libpq connection the
 * server is asked on. On failure the context's error is set and whatever was opened is left in
 * *ds / *probe for the caller. Inside a GDAL scope. */
static lc_status open_pg(reader *rd, const char *path, GDALDatasetH *ds, char ***open_opts, lc_pg_probe **probe)
{
    lc_context *ctx = rd->ctx;
    char what[96];
    snprintf(what, sizeof what, "the %s input (%s.path)", rd->kind_name, rd->kind_name);
    lc_conninfo *ci = lc_conninfo_parse(ctx, path, what);
    if (!ci)
        return lc_context_errno(ctx);
    char *gdal = NULL;
    lc_status st = LC_OK;
    if (!(*probe = lc_pg_probe_open(ctx, ci, rd->path)) || !(gdal = lc_conninfo_gdal(ctx, ci, 1)))
        st = lc_context_errno(ctx);
    lc_conninfo_destroy(ci);
    if (st != LC_OK)
        return st;
    *open_opts = CSLSetNameValue(*open_opts, "PRELUDE_STATEMENTS", "BEGIN TRANSACTION READ ONLY");
    *open_opts = CSLSetNameValue(*open_opts, "CLOSING_STATEMENTS", "ROLLBACK");
    *ds = GDALOpenEx(gdal, GDAL_OF_VECTOR | GDAL_OF_READONLY, (const char *const[]){"PostgreSQL", NULL},
                     (const char *const *)*open_opts, NULL);
    free(gdal);
    if (!*ds)
        return lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': %s", rd->kind_name, rd->path,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "GDAL cannot open it");
    int ok = 0;
    OGRLayerH res = GDALDatasetExecuteSQL(*ds, "SHOW transaction_read_only", NULL, NULL);
    if (res) {
        OGRFeatureH f = OGR_L_GetNextFeature(res);
        ok = f && !strcmp(OGR_F_GetFieldAsString(f, 0), "on");
        if (f)
            OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(*ds, res);
    }
    if (!ok)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot make the %s connection read-only: %s", rd->path, rd->kind_name,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "the server did not confirm it");
    return LC_OK;
}

/* PostgreSQL sources: the study's <kind>.sql asked of the server and run as the text it approved
 * (lc_pg_probe_query), the tables it reads kept in the layer; else the layer picked. LC_OK with
 * rd->ogr set, or the context's error. Inside a GDAL scope. */
static lc_status pg_check_sql(reader *rd, GDALDatasetH ds, lc_pg_probe *probe, const char *sql)
{
    lc_context *ctx = rd->ctx;
    char what[64], *wrapped = NULL;
    snprintf(what, sizeof what, "%s.sql", rd->kind_name);
    lc_layer *L = rd->layer;
    if (lc_pg_probe_query(ctx, probe, what, sql, &wrapped, &L->sql_tables, &L->n_sql_tables) != LC_OK)
        return lc_context_errno(ctx);
    CPLErrorReset();
    rd->ogr = GDALDatasetExecuteSQL(ds, wrapped, NULL, NULL);
    free(wrapped);
    if (!rd->ogr)
        return lc_error(ctx, LC_ERR_IO, "%s: the query %s failed: %s", rd->path, what,
                        *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "it returned no rows layer");
    rd->sql_result = 1;
    return LC_OK;
}

/* Opens the study's <kind> source as rd says (rd->kind_name, rd->path shown in messages): the
 * dataset with its attribute encoding (PostgreSQL: read-only, open_pg), the layer (pick_layer) or
 * the study's <kind>.sql, its name and definition, and the study's <kind>.where filter — SQL the
 * server is asked about first for PostgreSQL, checked as text for files. On success *ds and
 * *open_opts belong to the caller (GDALClose, CSLDestroy) and rd->ogr, rd->defn, rd->layer->name
 * are set; on failure the context's error is set and whatever was opened is still in *ds /
 * *open_opts for the caller's cleanup. */
static lc_status open_source(reader *rd, const char *path, GDALDatasetH *ds, char ***open_opts)
{
    lc_context *ctx = rd->ctx;
    lc_layer *L = rd->layer;
    char key[64];
    lc_pg_probe *probe = NULL;
    lc_status st = LC_OK;
    int pg = lc_conninfo_is_pg(path);

    snprintf(key, sizeof key, "%s.encoding", rd->kind_name);
    const char *enc = lc_study_get(rd->study, key);
    if (!enc)
        enc = lc_study_get(rd->study, "encoding");
    if (!pg && (st = lc_source_check(ctx, rd->kind_name, path, rd->path)) != LC_OK)
        goto done;
    if (pg) {
        if ((st = open_pg(rd, path, ds, open_opts, &probe)) != LC_OK)
            goto done;
        if (!is_utf8(enc))
            rd->recode_from = gdal_encoding(enc);
    } else {
        if (!is_utf8(enc))
            *open_opts = CSLSetNameValue(*open_opts, "ENCODING", gdal_encoding(enc));
        *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        if (*ds && *open_opts && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(*ds)), "ESRI Shapefile") == 0) {
            /* The shapefile driver recodes from the ENCODING open option itself. */
            GDALClose(*ds);
            *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)*open_opts, NULL);
        } else if (*ds && !is_utf8(enc)) {
            rd->recode_from = gdal_encoding(enc);
        }
        if (!*ds) {
            st = lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': %s", rd->kind_name, rd->path,
                          *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx)
                                                     : "not a vector dataset GDAL can read");
            goto done;
        }
    }
    const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(*ds));
    if (!pg && strcmp(driver, "PostgreSQL") == 0) {
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: a PostgreSQL source is named \"PG:...\" (or postgresql://...), so "
                      "that it is read read-only", rd->path);
        goto done;
    }
    snprintf(key, sizeof key, "%s.where", rd->kind_name);
    const char *where = lc_study_get(rd->study, key);
    char why[160];
    if (where && !pg && !sql_text_is_plain(where, why, sizeof why)) {
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: the filter %s '%s' is refused: %s (a filter is one condition, "
                      "such as 区县 = '杨浦区')", rd->path, key, where, why);
        goto done;
    }
    const char *sql = study_key(rd, "sql");
    if (sql) {
        if (study_key(rd, "layer")) {
            st = lc_error(ctx, LC_ERR_CONFIG, "%s: the study gives both %s.layer and %s.sql; give one of them",
                          rd->path, rd->kind_name, rd->kind_name);
            goto done;
        }
        if (pg) {
            if ((st = pg_check_sql(rd, *ds, probe, sql)) != LC_OK)
                goto done;
        } else {
            if (!sql_text_is_plain(sql, why, sizeof why) || !sql_is_select(sql, why, sizeof why)) {
                st = lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s.sql is refused: %s", rd->path, rd->kind_name,
                              why);
                goto done;
            }
            CPLErrorReset();
            rd->ogr = GDALDatasetExecuteSQL(*ds, sql, NULL, NULL);
            if (!rd->ogr) {
                st = lc_error(ctx, LC_ERR_IO, "%s: the query %s.sql failed: %s", rd->path, rd->kind_name,
                              *lc_gdal_last_message(ctx) ? lc_gdal_last_message(ctx) : "it returned no rows layer");
                goto done;
            }
            rd->sql_result = 1;
        }
    } else if (!(rd->ogr = pick_layer(rd, *ds, driver))) {
        st = lc_context_errno(ctx);
        goto done;
    }
    L->name = lc_strdup(ctx, sql ? "sql" : OGR_L_GetName(rd->ogr));
    if (!L->name) {
        st = LC_ERR_NOMEM;
        goto done;
    }
    rd->defn = OGR_L_GetLayerDefn(rd->ogr);
    /* A filter on a query's rows is evaluated by GDAL (OGR SQL), one on a table by the server. */
    if (where && pg && !sql && (st = lc_pg_probe_filter(ctx, probe, key, L->name, where)) != LC_OK)
        goto done;
    if (where && OGR_L_SetAttributeFilter(rd->ogr, where) != OGRERR_NONE) {
        st = lc_error(ctx, LC_ERR_CONFIG, "%s (layer %s): the filter %s '%s' is not valid: %s", rd->path, L->name,
                      key, where, lc_gdal_last_message(ctx));
        goto done;
    }
done:
    lc_pg_probe_close(probe);
    return st;
}

/* ---- reading features ----------------------------------------------------------------------- */

/* Frees the texts a feature owns besides its id (name, unit, status, compound, district, committee,
 * type, profile). */
static void feature_strings_free(lc_feature *ft)
{
    free((char *)ft->name);
    free((char *)ft->unit);
    free((char *)ft->status);
    free((char *)ft->compound);
    free((char *)ft->district);
    free((char *)ft->committee);
    free((char *)ft->type);
    free((char *)ft->profile);
}

/* A compound without a population value but with households, when the study gives
 * persons_per_household: its population is households × that (ft marked so). Returns 1 when it set
 * ft->population this way, 0 when the population field is to be read as usual. */
static int population_from_households(reader *rd, OGRFeatureH f, lc_feature *ft)
{
    if (rd->layer->kind != LC_LAYER_RESIDENTIAL || !(rd->persons_per_household > 0) || isnan(ft->households))
        return 0;
    double v;
    char *text = NULL;
    num_result r = rd->field[LC_FIELD_POPULATION] >= 0
                       ? field_number(rd, f, rd->field[LC_FIELD_POPULATION], &v, &text) : NUM_MISSING;
    free(text);
    if (r != NUM_MISSING)
        return 0;
    ft->population = ft->households * rd->persons_per_household;
    ft->population_from_households = 1;
    return 1;
}

/* The GDAL warnings raised while one feature is fetched: a number in a .dbf or .csv that GDAL could
 * read only in part ("12a4" becomes 12, a bit-flipped "1#34" 1), and whatever else a driver says
 * about a feature. Kept here and reported against that feature (report_fetch_warnings); failures,
 * and whatever GDAL says between fetches, go on to the context's handler. */
#define LC_FETCH_WARNINGS_KEPT 4
typedef struct fetch_warnings {
    lc_context *ctx; /* receives every other message (lc_gdal_message) */
    int fetching;    /* a feature is being fetched */
    char text[LC_FETCH_WARNINGS_KEPT][512];
    int kept;  /* at most LC_FETCH_WARNINGS_KEPT */
    int total; /* raised */
} fetch_warnings;

/* GDAL error handler installed while a layer's features are read; its user data is a fetch_warnings. */
static void CPL_STDCALL collect_warning(CPLErr level, CPLErrorNum num, const char *message)
{
    fetch_warnings *w = CPLGetErrorHandlerUserData();
    (void)num;
    if (!w)
        return;
    if (level != CE_Warning || !w->fetching) {
        lc_gdal_message(w->ctx, (int)level, message);
        return;
    }
    if (w->kept < LC_FETCH_WARNINGS_KEPT)
        snprintf(w->text[w->kept++], sizeof w->text[0], "%s", message);
    w->total++;
}

/* The role whose source field a GDAL message names ("Value 'x' of field <layer>.<field> parsed
 * incompletely ..."), or -1 when it names none the reader maps. */
static int warned_role(const reader *rd, const char *message)
{
    const char *p = strstr(message, " of field ");
    if (!p)
        return -1;
    p += strlen(" of field ");
    size_t nl = strlen(rd->layer->name);
    if (!strncmp(p, rd->layer->name, nl) && p[nl] == '.')
        p += nl + 1;
    const char *end = strstr(p, " parsed");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++) {
        const char *name = rd->layer->fields[r];
        if (name && strlen(name) == n && !strncmp(name, p, n))
            return r;
    }
    return -1;
}

/* Reports the GDAL warnings of the current feature: a number GDAL read only in part, in a field the
 * toolkit uses, is an error (its value would silently be the digits before the fault); any other
 * warning is a warning. */
static void report_fetch_warnings(reader *rd)
{
    const fetch_warnings *w = rd->warnings;
    for (int i = 0; w && i < w->kept; i++) {
        int role = strstr(w->text[i], "parsed incompletely") ? warned_role(rd, w->text[i]) : -1;
        if (role >= 0)
            report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NOT_NUMERIC, rd->layer->fields[role],
                   "%s is not a number GDAL could read (GDAL: %s); the file is damaged or the value mistyped",
                   role_names[role], w->text[i]);
        else
            report(rd, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_GDAL_WARNING, NULL, "GDAL warned while reading it: %s",
                   w->text[i]);
    }
    if (w && w->total > w->kept)
        report(rd, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_GDAL_WARNING, NULL, "and %d more GDAL warnings",
               w->total - w->kept);
}

/* Reads one OGR feature into the layer (problems reported, the feature kept when its geometry
 * could be read). Returns LC_OK or LC_ERR_NOMEM. */
static lc_status read_feature(reader *rd, OGRFeatureH f)
{
    lc_layer *L = rd->layer;
    GEOSContextHandle_t h = lc_ctx_geos(rd->ctx);
    lc_feature ft = {.category = -1, .population = NAN, .pop60 = NAN, .pop65 = NAN,
                     .floor_area = NAN, .meals = NAN, .beds = NAN, .nursing_beds = NAN, .households = NAN};
    ft.fid = OGR_F_GetFID(f);

    char fid_name[32];
    snprintf(fid_name, sizeof fid_name, "FID %lld", ft.fid);
    rd->cur_id = fid_name; /* until the id is read: problems with the id itself name the FID */
    char *id = trim(field_text(rd, f, rd->field[LC_FIELD_ID]));
    if (id && !*id) {
        free(id);
        id = NULL;
    }
    if (!id)
        id = lc_sprintf(rd->ctx, "FID %lld", ft.fid);
    if (!id)
        return LC_ERR_NOMEM;
    rd->cur_id = id;
    report_fetch_warnings(rd);

    read_number(rd, f, LC_FIELD_HOUSEHOLDS, 0, &ft.households);
    if (!population_from_households(rd, f, &ft))
        read_number(rd, f, LC_FIELD_POPULATION, kind_roles[L->kind][LC_FIELD_POPULATION] == 2, &ft.population);
    read_number(rd, f, LC_FIELD_POP60, 0, &ft.pop60);
    read_number(rd, f, LC_FIELD_POP65, 0, &ft.pop65);
    read_number(rd, f, LC_FIELD_FLOOR_AREA, 0, &ft.floor_area);
    read_number(rd, f, LC_FIELD_MEALS, 0, &ft.meals);
    read_number(rd, f, LC_FIELD_BEDS, 0, &ft.beds);
    read_number(rd, f, LC_FIELD_NURSING_BEDS, 0, &ft.nursing_beds);
    if (L->kind == LC_LAYER_FACILITIES) {
        ft.category = read_category(rd, f);
        if (ft.category >= 0 && rd->field[LC_FIELD_FLOOR_AREA] >= 0 && isnan(ft.floor_area) &&
            lc_profile_category(rd->profile, (size_t)ft.category)->counts_floor_area) {
            int idx = rd->field[LC_FIELD_FLOOR_AREA];
            if (!OGR_F_IsFieldSetAndNotNull(f, idx))
                report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_MISSING_VALUE,
                       OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, idx)),
                       "floor area is missing, and this category counts toward the 40 m² per 1,000 "
                       "residents norm");
        }
    }

    GEOSGeometry *g = NULL;
    if (rd->x_field >= 0) {
        g = xy_point(rd, f);
    } else {
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        if (!og || OGR_G_IsEmpty(og))
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_EMPTY_GEOMETRY, NULL,
                   "geometry is %s", og ? "empty" : "missing (NULL)");
        else if (!(g = ogr_to_geos(rd->ctx, og)))
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
                   "geometry cannot be read (%s)", lc_ctx_geos_message(rd->ctx));
    }
    if (g && L->geographic && check_lonlat(rd, g) != 0) {
        GEOSGeom_destroy_r(h, g);
        g = NULL;
    }
    if (g)
        g = fit_geometry(rd, g);

    lc_status st = LC_OK;
    ft.id = id;
    ft.name = trim(field_text(rd, f, rd->field[LC_FIELD_NAME]));
    ft.unit = trim(field_text(rd, f, rd->field[LC_FIELD_UNIT]));
    ft.status = trim(field_text(rd, f, rd->field[LC_FIELD_STATUS]));
    ft.compound = trim(field_text(rd, f, rd->field[LC_FIELD_COMPOUND]));
    ft.district = trim(field_text(rd, f, rd->field[LC_FIELD_DISTRICT]));
    ft.committee = trim(field_text(rd, f, rd->field[LC_FIELD_COMMITTEE]));
    ft.type = trim(field_text(rd, f, rd->field[LC_FIELD_TYPE]));
    ft.profile = trim(field_text(rd, f, rd->field[LC_FIELD_PROFILE]));
    ft.geom = g;
    rd->cur_id = NULL;
    if (!g) {
        /* Reported above; a feature without geometry cannot take part in any result. */
        feature_strings_free(&ft);
        free(id);
        return LC_OK;
    }
    st = lc_grow(rd->ctx, (void **)&L->features, &L->cap, L->count + 1, sizeof *L->features);
    if (st != LC_OK) {
        GEOSGeom_destroy_r(h, g);
        feature_strings_free(&ft);
        free(id);
        return st;
    }
    L->features[L->count++] = ft;
    return LC_OK;
}

/* ---- checksum of database rows --------------------------------------------------------------- */

/* Appends n bytes to a row digest, preceded by their length so fields cannot run into each other. */
static void digest_bytes(EVP_MD_CTX *md, const void *bytes, uint64_t n)
{
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    EVP_DigestUpdate(md, len, sizeof len);
    EVP_DigestUpdate(md, bytes, n);
}

/* Adds the SHA-256 of row f (FID, every attribute as text or a NULL mark, geometry as ISO WKB) to
 * rd->row_hashes. LC_OK, or LC_ERR_NOMEM / LC_ERR_INTERNAL. */
static lc_status hash_row(reader *rd, OGRFeatureH f)
{
    if (lc_grow(rd->ctx, (void **)&rd->row_hashes, &rd->rows_cap, (rd->nrows + 1) * 32, 1) != LC_OK)
        return LC_ERR_NOMEM;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 is not available from OpenSSL");
    }
    GIntBig fid = OGR_F_GetFID(f);
    digest_bytes(md, &fid, sizeof fid);
    for (int i = 0; i < OGR_F_GetFieldCount(f); i++) {
        if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
            EVP_DigestUpdate(md, "N", 1);
            continue;
        }
        const char *v = OGR_F_GetFieldAsString(f, i);
        EVP_DigestUpdate(md, "V", 1);
        digest_bytes(md, v, strlen(v));
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    lc_status st = LC_OK;
    if (g) {
        size_t n = (size_t)OGR_G_WkbSizeEx(g);
        unsigned char *wkb = malloc(n ? n : 1);
        if (!wkb)
            st = LC_ERR_NOMEM;
        else if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE)
            digest_bytes(md, wkb, n);
        free(wkb);
    }
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(md, rd->row_hashes + rd->nrows * 32, &len) != 1 || len != 32)
        st = lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 of a row failed");
    EVP_MD_CTX_free(md);
    if (st == LC_OK)
        rd->nrows++;
    return st;
}

static int compare_hash(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* The checksum of every row read: the row hashes sorted (so the order the server returned them in
 * does not matter) and hashed together, as hex into L->rows_sha256. LC_OK or LC_ERR_INTERNAL. */
static lc_status finish_rows_hash(reader *rd)
{
    if (rd->nrows)
        qsort(rd->row_hashes, rd->nrows, 32, compare_hash);
    unsigned char out[32];
    unsigned int len = 0;
    if (EVP_Digest(rd->nrows ? rd->row_hashes : (const unsigned char *)"", rd->nrows * 32, out, &len, EVP_sha256(),
                   NULL) != 1 || len != 32)
        return lc_error(rd->ctx, LC_ERR_INTERNAL, "SHA-256 of the rows failed");
    for (int i = 0; i < 32; i++)
        snprintf(rd->layer->rows_sha256 + 2 * i, 3, "%02x", out[i]);
    return LC_OK;
}

lc_layer *lc_layer_read(lc_context *ctx, lc_layer_kind kind, const lc_study *study,
                        const lc_profile *profile, lc_quality *quality)
{
    char key[64];
    snprintf(key, sizeof key, "%s.path", lc_layer_kind_name(kind));
    const char *path = lc_study_get(study, key);
    if (!path) {
        lc_error(ctx, LC_ERR_CONFIG, "the study names no %s layer (%s)", lc_layer_kind_name(kind), key);
        return NULL;
    }
    lc_layer *L = lc_calloc(ctx, 1, sizeof *L);
    if (!L)
        return NULL;
    L->kind = kind;
    L->extent = lc_bbox_empty();
    /* Messages and outputs name the source without its password (PG:... password=***). */
    char *shown = lc_conninfo_redact(ctx, path);
    if (!shown) {
        free(L);
        return NULL;
    }
    reader rd = {.ctx = ctx, .quality = quality, .study = study, .profile = profile, .layer = L,
                 .kind_name = lc_layer_kind_name(kind),
                 .osm_layer = point_kind(kind) ? "points" : "multipolygons",
                 .path = shown, .x_field = -1, .y_field = -1};
    const char *pph = kind == LC_LAYER_RESIDENTIAL ? lc_study_get(study, "persons_per_household") : NULL;
    rd.persons_per_household = pph ? CPLStrtod(pph, NULL) : 0;
    const char *pph_source = lc_study_get(study, "persons_per_household_source");
    if (pph && (!pph_source || !*pph_source)) {
        lc_error(ctx, LC_ERR_CONFIG, "%s: persons_per_household %s needs persons_per_household_source: where the "
                 "number comes from (e.g. the 2020 census's average family-household size of the district)",
                 lc_study_path(study) ? lc_study_path(study) : "study", pph);
        free(shown);
        free(L);
        return NULL;
    }
    GDALDatasetH ds = NULL;
    char **open_opts = NULL;
    lc_gdal_begin(ctx);
    L->source = shown; /* the layer owns it from here */
    if (open_source(&rd, path, &ds, &open_opts) != LC_OK)
        goto fail;
    /* Where the coordinates are and what they mean come first: without them nothing else matters. */
    if (OGR_FD_GetGeomFieldCount(rd.defn) == 0 && map_xy_fields(&rd) != LC_OK)
        goto fail;
    if (source_crs(&rd) != LC_OK)
        goto fail;
    if (map_fields(&rd) != LC_OK)
        goto fail;
    if (kind == LC_LAYER_FACILITIES && check_category_map(&rd) != LC_OK)
        goto fail;
    if (!rd.sql_result && lc_shapefile_check(ctx, ds, L->name, rd.path, quality) != LC_OK)
        goto fail;

    GIntBig total = OGR_L_GetFeatureCount(rd.ogr, FALSE);
    char stage[96];
    snprintf(stage, sizeof stage, "reading %s", lc_layer_kind_name(kind));
    OGR_L_ResetReading(rd.ogr);
    OGRFeatureH f;
    GIntBig done = 0;
    int hash_rows = lc_conninfo_is_pg(path);
    /* GDAL says when a text number is read only in part; make sure it does, on this thread only. */
    char *numeric_warning = CPLStrdup(CPLGetThreadLocalConfigOption("OGR_SETFIELD_NUMERIC_WARNING", NULL));
    CPLSetThreadLocalConfigOption("OGR_SETFIELD_NUMERIC_WARNING", "YES");
    fetch_warnings fw = {.ctx = ctx};
    CPLPushErrorHandlerEx(collect_warning, &fw);
    lc_status st = LC_OK;
    while (st == LC_OK) {
        fw.kept = fw.total = 0;
        fw.fetching = 1;
        f = OGR_L_GetNextFeature(rd.ogr);
        fw.fetching = 0;
        if (!f)
            break;
        rd.warnings = &fw;
        st = hash_rows ? hash_row(&rd, f) : LC_OK;
        if (st == LC_OK)
            st = read_feature(&rd, f);
        rd.warnings = NULL;
        OGR_F_Destroy(f);
        L->read++;
        if (total > 0 && (++done & 1023) == 0)
            lc_progress(ctx, stage, (double)done / (double)total);
    }
    CPLPopErrorHandler();
    CPLSetThreadLocalConfigOption("OGR_SETFIELD_NUMERIC_WARNING", *numeric_warning ? numeric_warning : NULL);
    CPLFree(numeric_warning);
    if (st != LC_OK)
        goto fail;
    if (*lc_gdal_last_message(ctx) && CPLGetLastErrorType() >= CE_Failure) {
        lc_error(ctx, LC_ERR_IO, "%s (layer %s): reading failed: %s", rd.path, L->name, lc_gdal_last_message(ctx));
        goto fail;
    }
    if (hash_rows && finish_rows_hash(&rd) != LC_OK)
        goto fail;
    free(rd.row_hashes);
    lc_progress(ctx, stage, 1.0);
    if (rd.sql_result)
        GDALDatasetReleaseResultSet(ds, rd.ogr);
    lc_gdal_end(ctx);
    GDALClose(ds);
    CSLDestroy(open_opts);
    return L;
fail:
    free(rd.row_hashes);
    if (ds && rd.sql_result && rd.ogr)
        GDALDatasetReleaseResultSet(ds, rd.ogr);
    lc_gdal_end(ctx);
    if (ds)
        GDALClose(ds);
    CSLDestroy(open_opts);
    lc_layer_destroy(ctx, L);
    return NULL;
}

/* Releases the tables a query input reads (lc_layer.sql_tables). */
static void free_sql_tables(lc_layer *L)
{
    for (size_t i = 0; i < L->n_sql_tables; i++)
        free(L->sql_tables[i]);
    free(L->sql_tables);
    L->sql_tables = NULL;
    L->n_sql_tables = 0;
}

/* ---- other layers (roads) ------------------------------------------------------------------- */

/* Opens the study's <kind> line layer through the same path as lc_layer_read; see layer_int.h. */
lc_status lc_ogr_open(lc_context *ctx, const lc_study *study, const char *kind, const char *osm_layer,
                      lc_ogr_source *out)
{
    char key[64];
    memset(out, 0, sizeof *out);
    snprintf(key, sizeof key, "%s.path", kind);
    const char *path = lc_study_get(study, key);
    if (!path)
        return lc_error(ctx, LC_ERR_CONFIG, "the study names no %s layer (%s)", kind, key);
    lc_layer tmp = {.kind = LC_LAYER_KIND_COUNT, .extent = lc_bbox_empty()};
    if (!(out->shown = lc_conninfo_redact(ctx, path)))
        return LC_ERR_NOMEM;
    reader rd = {.ctx = ctx, .study = study, .layer = &tmp, .kind_name = kind, .osm_layer = osm_layer,
                 .path = out->shown, .x_field = -1, .y_field = -1};
    lc_gdal_begin(ctx);
    lc_status st = open_source(&rd, path, &out->ds, &out->open_opts);
    free_sql_tables(&tmp); /* the replace-an-input guard covers the study's layers, not its roads */
    out->name = tmp.name;
    if (st == LC_OK && OGR_FD_GetGeomFieldCount(rd.defn) == 0)
        st = lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s) has no geometry column; the %s layer needs lines",
                      out->shown, tmp.name, kind);
    if (st == LC_OK)
        st = source_crs(&rd);
    out->source_crs = tmp.source_crs;
    out->geographic = tmp.geographic;
    out->ogr = rd.ogr;
    out->sql_result = rd.sql_result;
    out->defn = rd.defn;
    if (st != LC_OK) {
        lc_gdal_end(ctx);
        lc_ogr_close(out);
    }
    return st;
}

/* Closes what lc_ogr_open opened; see layer_int.h. */
void lc_ogr_close(lc_ogr_source *src)
{
    if (!src)
        return;
    if (src->ds && src->sql_result && src->ogr)
        GDALDatasetReleaseResultSet(src->ds, src->ogr);
    if (src->ds)
        GDALClose(src->ds);
    CSLDestroy(src->open_opts);
    free(src->shown);
    free(src->name);
    free(src->source_crs);
    memset(src, 0, sizeof *src);
}

/* ---- after reading -------------------------------------------------------------------------- */

lc_status lc_layer_transform(lc_context *ctx, lc_layer *L, const lc_transform *tr)
{
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    GEOSGeometry **out = lc_calloc(ctx, L->count, sizeof *out);
    if (!out)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < L->count; i++) {
        out[i] = lc_transform_geometry(ctx, tr, L->features[i].geom);
        if (!out[i]) {
            lc_status st = lc_context_errno(ctx);
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
            for (size_t k = 0; k < i; k++)
                GEOSGeom_destroy_r(h, out[k]);
            free(out);
            return lc_error(ctx, st ? st : LC_ERR_CRS, "%s (layer %s, feature %s): %s", L->source,
                            L->name, L->features[i].id, msg);
        }
    }
    L->extent = lc_bbox_empty();
    for (size_t i = 0; i < L->count; i++) {
        lc_feature *ft = &L->features[i];
        GEOSGeom_destroy_r(h, (GEOSGeometry *)ft->geom);
        ft->geom = out[i];
        ft->area = 0;
        if (!point_kind(L->kind))
            GEOSArea_r(h, out[i], &ft->area);
        /* The inputs are read by several threads from here on (coverage workers, a coverage job
         * beside the caller): whatever GEOS caches lazily is cached now, on this thread. */
        lc_geom_cache_for_threads(h, out[i]);
        double minx, miny, maxx, maxy;
        if (GEOSGeom_getExtent_r(h, out[i], &minx, &miny, &maxx, &maxy)) {
            L->extent = lc_bbox_extend(L->extent, (lc_xy){minx, miny});
            L->extent = lc_bbox_extend(L->extent, (lc_xy){maxx, maxy});
        }
    }
    free(out);
    return LC_OK;
}

/* A feature's id and index, sorted by id to find duplicates without a global comparator state. */
typedef struct id_ref {
    const char *id;
    size_t index;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

lc_status lc_layer_check_duplicates(lc_context *ctx, const lc_layer *L, lc_quality *quality)
{
    id_ref *refs = lc_calloc(ctx, L->count, sizeof *refs);
    if (!refs)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < L->count; i++)
        refs[i] = (id_ref){L->features[i].id, i};
    qsort(refs, L->count, sizeof *refs, cmp_id_ref);
    lc_status st = LC_OK;
    for (size_t i = 1; i < L->count && st == LC_OK; i++) {
        const lc_feature *a = &L->features[refs[i - 1].index], *b = &L->features[refs[i].index];
        if (strcmp(a->id, b->id) == 0)
            st = lc_quality_add(ctx, quality, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_DUPLICATE_ID,
                                L->source, L->name, b->id, NULL,
                                "%s (layer %s, feature %s): duplicate id: FID %lld and FID %lld share it",
                                L->source, L->name, b->id, a->fid, b->fid);
    }
    free(refs);
    return st;
}

void lc_layer_destroy(lc_context *ctx, lc_layer *L)
{
    if (!L)
        return;
    for (size_t i = 0; i < L->count; i++) {
        lc_feature *ft = &L->features[i];
        free((char *)ft->id);
        feature_strings_free(ft);
        GEOSGeom_destroy_r(lc_ctx_geos(ctx), (GEOSGeometry *)ft->geom);
    }
    free(L->features);
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++)
        free(L->fields[r]);
    free(L->source);
    free(L->name);
    free(L->source_crs);
    free_sql_tables(L);
    free(L);
}

/* ---- public getters ------------------------------------------------------------------------- */

size_t lc_layer_count(const lc_layer *L)
{
    return L ? L->count : 0;
}

const lc_feature *lc_layer_feature(const lc_layer *L, size_t i)
{
    return L && i < L->count ? &L->features[i] : NULL;
}

lc_layer_kind lc_layer_get_kind(const lc_layer *L)
{
    return L->kind;
}

const char *lc_layer_source(const lc_layer *L)
{
    return L ? L->source : NULL;
}

const char *lc_layer_rows_sha256(const lc_layer *L)
{
    return L && L->rows_sha256[0] ? L->rows_sha256 : NULL;
}

int lc_layer_is_points(const lc_layer *L)
{
    return L && L->points;
}

const char *lc_layer_name(const lc_layer *L)
{
    return L ? L->name : NULL;
}

const char *lc_layer_sql_table(const lc_layer *L, size_t i)
{
    return L && i < L->n_sql_tables ? L->sql_tables[i] : NULL;
}

lc_bbox lc_layer_extent(const lc_layer *L)
{
    return L ? L->extent : lc_bbox_empty();
}
