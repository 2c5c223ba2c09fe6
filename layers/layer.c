/*
 * layers/layer.c — reads one input layer through OGR: maps fields onto roles, parses and checks
 * values, reads every feature (lc_layer_read), and the layer's getters. The names of kinds, roles
 * and their default fields are in layers/layer_names.c. Opening the source (files,
 * PostgreSQL, OSM, the study's sql and where) is in layers/layer_open.c, each feature's geometry in
 * layers/layer_geometry.c, the rows' checksum, the move into the working CRS and the duplicate-id
 * check in layers/layer_rows.c; the reader they share in layers/reader_int.h. Choosing the working
 * CRS and checks across layers live in layers/inputs.c; CRS maths in geo/crs.c.
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
#include "layers/keyvalue_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"
#include "layers/reader_int.h"

/* ---- the reader (its state and reports: layers/reader_int.h) -------------------------------- */

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
        if (!lc_layer_kind_reads(kind, r))
            continue;
        char suffix[64];
        snprintf(suffix, sizeof suffix, r == LC_FIELD_PROFILE ? "profile_field" : "fields.%s", lc_field_role_name(r));
        const char *mapped = study_key(rd, suffix);
        int required = lc_layer_kind_reads(kind, r) == 2 && !(r == LC_FIELD_POPULATION && rd->persons_per_household > 0);
        if (mapped && !*mapped) { /* unmapped on purpose (an empty mapping): no field, no default looked for */
            if (required)
                return lc_error(rd->ctx, LC_ERR_FIELD, "%s (layer %s): %s.%s is unmapped (empty), but a %s layer "
                                "needs its %s field", rd->path, rd->layer->name, lc_layer_kind_name(kind), suffix,
                                lc_layer_kind_name(kind), lc_field_role_name(r));
            lc_log(rd->ctx, LC_LOG_INFO, "%s (layer %s): %s.%s unmapped: the layer is read without a %s field",
                   rd->path, rd->layer->name, lc_layer_kind_name(kind), suffix, lc_field_role_name(r));
            continue;
        }
        if (mapped) {
            rd->field[r] = find_field(rd->defn, mapped);
            if (rd->field[r] < 0) {
                list_fields(rd->defn, avail, sizeof avail);
                /* the layer's field closest to the one written (a character or two off: 常驻 for 常住) */
                int nf = OGR_FD_GetFieldCount(rd->defn);
                const char **names = calloc((size_t)nf + 1, sizeof *names);
                for (int i = 0; names && i < nf; i++)
                    names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, i));
                const char *hint = names ? lc_kv_suggest(mapped, names) : NULL;
                lc_status st = lc_error(rd->ctx, LC_ERR_FIELD,
                                        "%s (layer %s): field '%s' mapped to %s.%s does not exist%s%s%s "
                                        "(fields available: %s)",
                                        rd->path, rd->layer->name, mapped, lc_layer_kind_name(kind), suffix,
                                        hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "", avail);
                free(names);
                return st;
            }
            continue;
        }
        rd->field[r] = find_any_field(rd->defn, lc_layer_default_fields(r));
        if (rd->field[r] < 0 && required) {
            list_fields(rd->defn, avail, sizeof avail);
            return lc_error(rd->ctx, LC_ERR_FIELD,
                            "%s (layer %s): no %s field found; name it in the study file with "
                            "'%s: {fields: {%s: <field>}}'%s (fields available: %s)",
                            rd->path, rd->layer->name, lc_field_role_name(r), lc_layer_kind_name(kind), lc_field_role_name(r),
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
    rd->x_field = x ? find_field(rd->defn, x) : find_any_field(rd->defn, lc_layer_xy_fields(0));
    rd->y_field = y ? find_field(rd->defn, y) : find_any_field(rd->defn, lc_layer_xy_fields(1));
    if (rd->x_field >= 0 && rd->y_field >= 0)
        return LC_OK;
    list_fields(rd->defn, avail, sizeof avail);
    return lc_error(rd->ctx, LC_ERR_FIELD,
                    "%s (layer %s): the layer has no geometry and no %s column; name the "
                    "coordinate columns with '%s: {x: <lon field>, y: <lat field>}' (fields "
                    "available: %s)",
                    rd->path, rd->layer->name, rd->x_field < 0 ? "longitude" : "latitude",
                    lc_layer_kind_name(rd->layer->kind), avail);
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
               "%s is missing (empty or NULL)", lc_field_role_name(role));
    else if (r == NUM_BAD)
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NOT_NUMERIC, fname,
               "%s '%s' is not a number", lc_field_role_name(role), text ? text : "(not finite)");
    else if (r == NUM_OK && *out < 0) {
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NEGATIVE, fname, "%s %g is negative",
               lc_field_role_name(role), *out);
        *out = NAN;
    }
    free(text);
}

/* Reads a year (opened, closed) into *out: a whole number from 1900 to 2100, else an error naming
 * the field; NAN when the layer has no such field or the value is empty. */
static void read_year(reader *rd, OGRFeatureH f, lc_field_role role, double *out)
{
    read_number(rd, f, role, 0, out);
    if (isnan(*out))
        return;
    if (*out != floor(*out) || *out < 1900 || *out > 2100) {
        int idx = rd->field[role];
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_IMPLAUSIBLE,
               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(rd->defn, idx)),
               "%s %g is not a year (a whole number from 1900 to 2100)", lc_field_role_name(role), *out);
        *out = NAN;
    }
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
static inline void report_fetch_warnings(reader *rd)
{
    const fetch_warnings *w = rd->warnings;
    for (int i = 0; w && i < w->kept; i++) {
        int role = strstr(w->text[i], "parsed incompletely") ? warned_role(rd, w->text[i]) : -1;
        if (role >= 0)
            report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_NOT_NUMERIC, rd->layer->fields[role],
                   "%s is not a number GDAL could read (GDAL: %s); the file is damaged or the value mistyped",
                   lc_field_role_name(role), w->text[i]);
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
                     .floor_area = NAN, .meals = NAN, .beds = NAN, .nursing_beds = NAN, .households = NAN,
                     .places = NAN, .opened = NAN, .closed = NAN};
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
        read_number(rd, f, LC_FIELD_POPULATION, lc_layer_kind_reads(L->kind, LC_FIELD_POPULATION) == 2, &ft.population);
    read_number(rd, f, LC_FIELD_POP60, 0, &ft.pop60);
    read_number(rd, f, LC_FIELD_POP65, 0, &ft.pop65);
    read_number(rd, f, LC_FIELD_FLOOR_AREA, 0, &ft.floor_area);
    read_number(rd, f, LC_FIELD_MEALS, 0, &ft.meals);
    read_number(rd, f, LC_FIELD_BEDS, 0, &ft.beds);
    read_number(rd, f, LC_FIELD_NURSING_BEDS, 0, &ft.nursing_beds);
    read_number(rd, f, LC_FIELD_PLACES, 0, &ft.places);
    read_year(rd, f, LC_FIELD_OPENED, &ft.opened);
    read_year(rd, f, LC_FIELD_CLOSED, &ft.closed);
    if (!isnan(ft.opened) && !isnan(ft.closed) && ft.closed <= ft.opened) {
        report(rd, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_IMPLAUSIBLE, rd->layer->fields[LC_FIELD_CLOSED],
               "closed %.0f is not after opened %.0f (a facility open in no year)", ft.closed, ft.opened);
        ft.closed = NAN;
    }
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
        else if (!(g = lc_reader_ogr_to_geos(rd->ctx, og)))
            report(rd, LC_SEVERITY_ERROR, LC_ERR_GEOMETRY, LC_CHECK_GEOMETRY_TYPE, NULL,
                   "geometry cannot be read (%s)", lc_ctx_geos_message(rd->ctx));
    }
    if (g && L->geographic && lc_reader_check_lonlat(rd, g) != 0) {
        GEOSGeom_destroy_r(h, g);
        g = NULL;
    }
    if (g)
        g = lc_reader_fit_geometry(rd, g);

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
    if (lc_reader_open_source(&rd, path, &ds, &open_opts) != LC_OK)
        goto fail;
    /* Where the coordinates are and what they mean come first: without them nothing else matters. */
    if (OGR_FD_GetGeomFieldCount(rd.defn) == 0 && map_xy_fields(&rd) != LC_OK)
        goto fail;
    if (lc_reader_source_crs(&rd) != LC_OK)
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
        st = hash_rows ? lc_reader_hash_row(&rd, f) : LC_OK;
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
    if (hash_rows && lc_reader_finish_rows_hash(&rd) != LC_OK)
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

void lc_layer_destroy(lc_context *ctx, lc_layer *L)
{
    if (!L)
        return;
    for (size_t i = L->borrowed; i < L->count; i++) {
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
    lc_reader_free_sql_tables(L);
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
