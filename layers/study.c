/*
 * layers/study.c — the study file (include/lifecircle/study.h): reads it through the YAML key/value
 * reader (layers/keyvalue.c), checks every key and value, resolves relative paths against the
 * file's directory, and answers lookups with the defaults filled in. Opening the layers it names is
 * layers/layer.c's job; what the category codes mean is the profile's (layers/profile.c).
 */
#include <cpl_conv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/strbuf_int.h"
#include "geo/strmap_int.h"
#include "layers/keyvalue_int.h"
#include "layers/number_int.h"
#include "lifecircle/study.h"

struct lc_study {
    char *path; /* the study file as given, NULL for lc_study_create */
    char *dir;  /* its directory, NULL when relative paths need no prefix */
    lc_kv *kv;  /* checked values, paths resolved, formats normalised */
    const lc_kv_entry **cats; /* the facilities.categories entries of kv, in kv's order; owned array */
    size_t ncats, capcats;
    lc_strmap by_label;       /* label (the key after the prefix, borrowed from the entry) → index in cats */
};

#define CATEGORY_PREFIX "facilities.categories"

/* What a key holds, which decides how its value is checked and stored. */
typedef enum study_kind {
    KIND_TEXT,      /* free text, may be empty: name, description, <layer>.where, <layer>.sql */
    KIND_WORD,      /* free text, not empty: encoding, <layer>.layer, x, y, fields, category codes */
    KIND_CRS,       /* a CRS definition or "auto", not empty */
    KIND_PATH,      /* a file, directory or GDAL connection string, resolved against the study file */
    KIND_FORMAT,    /* shapefile | gpkg | geojson */
    KIND_MODE,      /* straight | network */
    KIND_BOOL,      /* true | false (also yes/no, on/off, 1/0), stored as "true" or "false" */
    KIND_LIST,      /* roads.exclude: a YAML list or one comma-separated text, stored comma-joined */
    KIND_RANGE,     /* a number within the key's range (ranges[]), stored as written */
    KIND_SECTION    /* a layer, fields or categories heading left empty: ignored */
} study_kind;

typedef struct study_key {
    const char *name;
    study_kind kind;
} study_key;

/* Top-level keys that hold a value. output, format, mode, reach_m, walk_speed and walk_minutes are
 * read by later features; they are checked now so study files need not change then. */
static const study_key top_keys[] = {
    {"name", KIND_TEXT},       {"description", KIND_TEXT},   {"crs", KIND_CRS},
    {"profile", KIND_WORD},    {"encoding", KIND_WORD},      {"output", KIND_PATH},
    {"format", KIND_FORMAT},   {"mode", KIND_MODE},          {"reach_m", KIND_RANGE},
    {"walk_speed", KIND_RANGE}, {"walk_minutes", KIND_RANGE}, {"demand_grid_m", KIND_RANGE},
    {"output_schema", KIND_WORD},  {"output_prefix", KIND_TEXT}, /* PostGIS output; checked there */
    {"catchment_streets", KIND_BOOL}, {"catchments", KIND_BOOL},
    {"circle_quadsegs", KIND_RANGE}, {"share_leaf_m", KIND_RANGE}, {"gap_cell_m", KIND_RANGE},
    {"service_cell_m", KIND_RANGE},
    {"persons_per_household", KIND_RANGE}, {"persons_per_household_source", KIND_TEXT},
    {"years", KIND_LIST}, {"target_year", KIND_RANGE}, /* `progress` (run/run_progress.c) */
    {"population_years", KIND_PATH}, /* `progress`: the 街镇 × year population table */
};
static const char *const top_names[] = {"name", "description", "crs", "profile", "encoding", "output",
                                        "format", "mode", "reach_m", "walk_speed", "walk_minutes",
                                        "demand_grid_m", "output_schema", "output_prefix", "catchment_streets", "catchments",
                                        "circle_quadsegs", "share_leaf_m", "gap_cell_m", "service_cell_m",
                                        "persons_per_household", "persons_per_household_source", "years",
                                        "target_year", "population_years", NULL};

/* The ranges of the KIND_RANGE keys: every number a study holds, checked when it is read, so no
 * value reaches the computations that a plan could not mean (a speed of 1e308 m/s would make every
 * reach infinite). what names the quantity, why says what it is and why the bounds. The bounds of
 * the four resolutions (lc_coverage_options): below them the grids grow past memory at city scale
 * with nothing a plan could use; above them a reach circle or an outline is too coarse to be a
 * 15-minute circle. */
typedef struct key_range {
    const char *name;
    double lo, hi;
    bool integer;
    const char *what, *why;
} key_range;
static const key_range ranges[] = {
    {"reach_m", 1, 10000, false, "a distance in metres",
     "how far every category reaches, in place of the profile's (15 minutes' walk is about 1000 m)"},
    {"walk_speed", 0.1, 3, false, "a speed in metres per second",
     "the walking pace that turns each category's minutes into metres (older pedestrians walk 0.8-1.0)"},
    {"walk_minutes", 1, 120, false, "a number of minutes", "a walk to a facility (the life circle is 15)"},
    {"demand_grid_m", 5, 500, false, "a distance in metres",
     "the spacing of the points residents walk from inside a compound (50 is typical)"},
    {"roads.snap_dangles_m", 0, 50, false, "a distance in metres",
     "0 turns joining off; undershoots in CAD road lines are usually 1-5 m, and farther an end would be "
     "joined across a block or onto a parallel street"},
    {"circle_quadsegs", 2, 256, true, "a whole number", "segments per quarter of a straight-line reach circle (32 by default)"},
    {"share_leaf_m", 0.5, 50, false, "a number", "metres, the smallest squares covered shares are measured in (12 by default)"},
    {"gap_cell_m", 0.5, 50, false, "a number", "metres, the grid gap outlines are traced on (2.5 by default)"},
    {"service_cell_m", 1, 100, false, "a number", "metres, the grid service areas are traced on (12.5 by default)"},
    {"persons_per_household", 1, 10, false, "a number of persons",
     "the residents of one household, which turns a compound's households into its population (Shanghai's "
     "2020 census: about 2.3 persons per family household)"},
    {"target_year", 1900, 2100, true, "a year", "the plan year whose targets `progress` measures the pace toward (2025)"},
};

/* Keys under each layer that hold a value. */
static const study_key layer_keys[] = {
    {"path", KIND_PATH}, {"layer", KIND_WORD}, {"where", KIND_TEXT}, {"encoding", KIND_WORD},
    {"crs", KIND_CRS},   {"x", KIND_WORD},     {"y", KIND_WORD},     {"sql", KIND_TEXT},
};
static const char *const layer_sub_names[] = {"path", "layer", "where", "encoding", "crs", "x", "y", "sql",
                                              "fields", "categories", NULL};

/* Keys only the roads layer has: the walkable-class exclusions of a bureau's class field, noding of
 * lines that cross without a shared vertex and joining ends that stop short of another line
 * (layers/roads.c reads them). */
static const study_key roads_keys[] = {
    {"exclude", KIND_LIST}, {"node_crossings", KIND_BOOL}, {"snap_dangles_m", KIND_RANGE},
};
static const char *const roads_sub_names[] = {"path", "layer", "where", "encoding", "crs", "x", "y", "sql",
                                              "fields", "exclude", "node_crossings", "snap_dangles_m", NULL};

static const char *const layer_names[] = {"residential", "facilities", "units", "roads",
                                          "buildings", "candidates", "entrances", "districts",
                                          "committees", "groups", "areas", NULL};

/* The field roles, in lc_field_role order (include/lifecircle/layer.h). */
static const char *const role_names[] = {"id", "name", "population", "pop60", "pop65", "unit", "category",
                                         "floor_area", "meals", "beds", "nursing_beds", "status", "compound",
                                         "district", "committee", "type", "households", "places", "opened",
                                         "closed", NULL};

/* Field roles only the roads layer has: the road class (what roads.exclude matches) and the
 * vertical attributes that keep noding off bridges and tunnels. */
static const char *const road_role_names[] = {"class", "bridge", "tunnel", "level", NULL};
static const char *const road_all_role_names[] = {"id", "name", "population", "pop60", "pop65", "unit",
                                                  "category", "floor_area", "meals", "beds", "nursing_beds",
                                                  "status", "compound", "district", "committee", "type",
                                                  "households", "places", "opened", "closed", "class", "bridge", "tunnel",
                                                  "level", NULL};

static const char *const format_names[] = {"shapefile", "gpkg", "geojson", NULL};
static const char *const mode_names[] = {"straight", "network", NULL};

#define KNOWN_KEYS                                                                                       \
    "name, description, crs, profile, encoding, output, format, mode, reach_m, walk_speed, "            \
    "walk_minutes, demand_grid_m, output_schema, output_prefix, catchment_streets, catchments, circle_quadsegs, "   \
    "share_leaf_m, gap_cell_m, service_cell_m, persons_per_household, persons_per_household_source, years, "  \
    "target_year, population_years, <layer>.path, <layer>.layer, <layer>.sql, <layer>.where, " \
    "<layer>.encoding, <layer>.crs, "                                                                    \
    "<layer>.x, <layer>.y, <layer>.fields.<role>, facilities.categories.<label>, roads.exclude, "          \
    "roads.node_crossings, roads.snap_dangles_m, roads.fields.class|bridge|tunnel|level, districts.profile_field, " \
    "districts.profiles.<区名>; layers: residential, facilities, units, roads, buildings, candidates, entrances, " \
    "districts, committees, groups, areas"
#define LAYER_KEYS "path, layer, sql, where, encoding, crs, x, y, fields.<role>"
#define ROLE_LIST "id, name, population, pop60, pop65, unit, category, floor_area, meals, beds, nursing_beds, status, " \
                  "compound, district, committee, type, households, places, opened, closed"
#define ROAD_ROLE_LIST ROLE_LIST ", class, bridge, tunnel, level"

/* The index of s in a NULL-terminated list, or -1. */
static int list_index(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

/* The first dotted component of key, copied into buf (cut to its size). Returns the rest after the
 * dot, or NULL when key has no dot. */
static const char *split(const char *key, char *buf, size_t size)
{
    const char *dot = strchr(key, '.');
    size_t n = dot ? (size_t)(dot - key) : strlen(key);
    if (n >= size)
        n = size - 1;
    memcpy(buf, key, n);
    buf[n] = '\0';
    return dot ? dot + 1 : NULL;
}

/* Records an error about a key: at "FILE:LINE: " for a study file (kv non-NULL), or naming the key
 * for lc_study_set. Returns LC_ERR_CONFIG. */
#define key_error(ctx, kv, line, ...) \
    ((kv) ? lc_kv_error((ctx), (kv), (line), LC_ERR_CONFIG, __VA_ARGS__) : lc_error((ctx), LC_ERR_CONFIG, __VA_ARGS__))

/* The line to report a problem with the first `end` bytes of key at: the line of the mapping key
 * that opened that section when the file nests it, else the entry's own line. */
static int line_for(const lc_kv *kv, const char *key, size_t end, int line)
{
    char prefix[256];
    if (!kv || end >= sizeof prefix)
        return line;
    memcpy(prefix, key, end);
    prefix[end] = '\0';
    int at = lc_kv_section_line(kv, prefix);
    return at ? at : line;
}

/* Reports an unknown key. `bad` is the component that is wrong, its position in key given by
 * bad_at; candidates are what could stand there. The hint repeats the whole key with the closest
 * candidate in place of the wrong component. what describes the component ("key", "layer", ...),
 * known lists what is allowed. */
static lc_status unknown(lc_context *ctx, const lc_kv *kv, int line, const char *key, const char *what,
                         const char *bad, size_t bad_at, const char *const *candidates, const char *known)
{
    const char *hint = lc_kv_suggest(bad, candidates);
    char *fixed = NULL;
    line = line_for(kv, key, bad_at + strlen(bad), line);
    if (hint) {
        const char *after = key + bad_at + strlen(bad);
        fixed = lc_sprintf(ctx, "%.*s%s%s", (int)bad_at, key, hint, after);
        if (!fixed)
            return LC_ERR_NOMEM;
    }
    lc_status st;
    if (strcmp(what, "key") == 0 && bad_at == 0)
        st = key_error(ctx, kv, line, "unknown key '%s'%s%s%s (known keys: %s)", key, fixed ? "; did you mean '" : "",
                       fixed ? fixed : "", fixed ? "'?" : "", known);
    else if (strcmp(what, "key") == 0)
        st = key_error(ctx, kv, line, "unknown key '%s'%s%s%s (known keys under '%.*s': %s)", key,
                       fixed ? "; did you mean '" : "", fixed ? fixed : "", fixed ? "'?" : "", (int)bad_at - 1, key,
                       known);
    else
        st = key_error(ctx, kv, line, "unknown %s '%s' in key '%s'%s%s%s (known: %s)", what, bad, key,
                       fixed ? "; did you mean '" : "", fixed ? fixed : "", fixed ? "'?" : "", known);
    free(fixed);
    return st;
}

/* Works out what a key holds. LC_OK with *kind set, or LC_ERR_CONFIG naming the key (and the line,
 * for a study file: kv non-NULL): an unknown key, layer or field role, or a key that needs a single
 * value given a mapping or list (in_seq: the key ends in a list index). */
static lc_status classify(lc_context *ctx, const lc_kv *kv, int line, const char *key, bool in_seq,
                          study_kind *kind)
{
    char c0[256], c1[256], c2[256];
    size_t len = strlen(key);
    if (!len || key[0] == '.' || key[len - 1] == '.' || strstr(key, ".."))
        return key_error(ctx, kv, line, "'%s' is not a key: keys are words joined by single dots", key);
    if (in_seq) {
        /* a list where the file's format has none: say what the list's key takes instead */
        const char *dot = strrchr(key, '.');
        char parent[256];
        snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - key) : (int)strlen(key), key);
        study_kind pk;
        lc_status st = classify(ctx, kv, line, parent, false, &pk);
        if (st != LC_OK)
            return st;
        if (pk == KIND_LIST) {
            *kind = KIND_LIST;
            return LC_OK;
        }
        return key_error(ctx, kv, line_for(kv, parent, strlen(parent), line), "'%s' takes %s, not a list", parent,
                         pk == KIND_SECTION ? "a mapping of keys" : "a single value");
    }
    const char *rest = split(key, c0, sizeof c0);
    int t = list_index(top_names, c0);
    if (t >= 0) {
        if (rest)
            return key_error(ctx, kv, line_for(kv, key, strlen(c0), line),
                             "'%s' takes a single value, not a mapping (in key '%s')", c0, key);
        *kind = top_keys[t].kind;
        return LC_OK;
    }
    if (list_index(layer_names, c0) < 0) {
        if (!rest) {
            static const char *const all[] = {"name", "description", "crs", "profile", "encoding", "output",
                                              "format", "mode", "reach_m", "walk_speed", "walk_minutes",
                                              "demand_grid_m", "output_schema", "output_prefix", "catchment_streets", "catchments",
                                              "circle_quadsegs", "share_leaf_m", "gap_cell_m", "service_cell_m",
                                              "persons_per_household", "persons_per_household_source",
                                              "years", "target_year", "population_years", "residential", "facilities", "units", "roads", "buildings",
                                              "candidates", "entrances", "districts", "committees", "groups",
                                              "areas", NULL};
            return unknown(ctx, kv, line, key, "key", c0, 0, all, KNOWN_KEYS);
        }
        return unknown(ctx, kv, line, key, "layer", c0, 0, layer_names,
                       "residential, facilities, units, roads, buildings, candidates, entrances, districts, "
                       "committees, groups, areas");
    }
    if (!rest) {
        *kind = KIND_SECTION;
        return LC_OK;
    }
    size_t at1 = (size_t)(rest - key);
    const char *rest1 = split(rest, c1, sizeof c1);
    bool roads = strcmp(c0, "roads") == 0;
    for (size_t i = 0; roads && i < sizeof roads_keys / sizeof roads_keys[0]; i++)
        if (strcmp(roads_keys[i].name, c1) == 0) {
            if (rest1)
                return key_error(ctx, kv, line_for(kv, key, (size_t)(rest1 - 1 - key), line),
                                 "'%s.%s' takes %s, not a mapping (in key '%s')", c0, c1,
                                 roads_keys[i].kind == KIND_LIST ? "a list of values" : "a single value", key);
            *kind = roads_keys[i].kind;
            return LC_OK;
        }
    for (size_t i = 0; i < sizeof layer_keys / sizeof layer_keys[0]; i++)
        if (strcmp(layer_keys[i].name, c1) == 0) {
            if (rest1)
                return key_error(ctx, kv, line_for(kv, key, (size_t)(rest1 - 1 - key), line),
                                 "'%s.%s' takes a single value, not a mapping (in key '%s')", c0, c1, key);
            *kind = layer_keys[i].kind;
            return LC_OK;
        }
    if (strcmp(c1, "categories") == 0 && strcmp(c0, "facilities") == 0) {
        *kind = rest1 ? KIND_WORD : KIND_SECTION; /* the label is everything after, dots included */
        return LC_OK;
    }
    bool districts = strcmp(c0, "districts") == 0;
    if (districts && strcmp(c1, "profiles") == 0) {
        *kind = rest1 ? KIND_WORD : KIND_SECTION; /* 区名 → profile: the name is everything after */
        return LC_OK;
    }
    if (districts && strcmp(c1, "profile_field") == 0) {
        if (rest1)
            return key_error(ctx, kv, line_for(kv, key, (size_t)(rest1 - 1 - key), line),
                             "'districts.profile_field' takes a field name, not a mapping (in key '%s')", key);
        *kind = KIND_WORD;
        return LC_OK;
    }
    if (strcmp(c1, "fields") != 0)
        return unknown(ctx, kv, line, key, "key", c1, at1, roads ? roads_sub_names : layer_sub_names,
                       strcmp(c0, "facilities") == 0 ? LAYER_KEYS ", categories.<label>"
                       : roads ? LAYER_KEYS ", exclude, node_crossings, snap_dangles_m"
                       : districts ? LAYER_KEYS ", profile_field, profiles.<区名>" : LAYER_KEYS);
    if (!rest1) {
        *kind = KIND_SECTION;
        return LC_OK;
    }
    size_t at2 = (size_t)(rest1 - key);
    const char *rest2 = split(rest1, c2, sizeof c2);
    if (list_index(role_names, c2) < 0 && !(roads && list_index(road_role_names, c2) >= 0))
        return unknown(ctx, kv, line, key, "field role", c2, at2, roads ? road_all_role_names : role_names,
                       roads ? ROAD_ROLE_LIST : ROLE_LIST);
    if (rest2)
        return key_error(ctx, kv, line_for(kv, key, (size_t)(rest2 - 1 - key), line),
                         "'%s.fields.%s' takes a field name, not a mapping (in key '%s')", c0, c2, key);
    *kind = KIND_WORD;
    return LC_OK;
}

/* Whether a path value is a GDAL connection string or URI, kept as written: "PG:...", other
 * database prefixes GDAL knows, anything with "://", and GDAL's virtual file systems "/vsi...". */
static bool is_connection(const char *v)
{
    static const char *const prefixes[] = {"PG:", "MYSQL:", "OCI:", "ODBC:", "MSSQL:", "WFS:", "OAPIF:", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (strncasecmp(v, *p, strlen(*p)) == 0)
            return true;
    return strstr(v, "://") != NULL || strncmp(v, "/vsi", 4) == 0;
}

/* Parses a number with nothing else but surrounding blanks into *d (lc_number_parse: decimal only). */
static bool plain_number(const char *v, double *d)
{
    return lc_number_parse(v, d);
}

/* Checks value against its key's kind and makes the value to store: a relative path joined to dir
 * (when dir is non-NULL), format and mode in lower case. LC_OK with *out (caller frees; NULL for a
 * section heading, which is not stored), or LC_ERR_CONFIG naming the key, or LC_ERR_NOMEM. */
static lc_status check_value(lc_context *ctx, const lc_kv *kv, int line, const char *key, study_kind kind,
                             const char *value, const char *dir, char **out)
{
    *out = NULL;
    if (kind == KIND_SECTION) {
        if (*value)
            return key_error(ctx, kv, line, "'%s' takes a mapping of keys, not the value '%s'", key, value);
        return LC_OK;
    }
    /* An empty field mapping unmaps the role (`--set residential.fields.pop60=`): no field, no
     * default name looked for (layers/layer.c). */
    if (kind == KIND_WORD && !*value && strstr(key, ".fields.")) {
        *out = lc_strdup(ctx, "");
        return *out ? LC_OK : LC_ERR_NOMEM;
    }
    if (kind != KIND_TEXT && !*value) {
        if (kind == KIND_CRS)
            return key_error(ctx, kv, line, "'%s' must not be empty (write 'auto' to use the UTM zone of the data, "
                             "or an EPSG code such as 'EPSG:32651')", key);
        return key_error(ctx, kv, line, "'%s' must not be empty", key);
    }
    if (kind == KIND_FORMAT || kind == KIND_MODE) {
        const char *const *allowed = kind == KIND_FORMAT ? format_names : mode_names;
        for (const char *const *a = allowed; *a; a++)
            if (strcasecmp(*a, value) == 0) {
                *out = lc_strdup(ctx, *a);
                return *out ? LC_OK : LC_ERR_NOMEM;
            }
        return key_error(ctx, kv, line, "'%s' must be one of %s (got '%s')", key,
                         kind == KIND_FORMAT ? "shapefile, gpkg, geojson" : "straight, network", value);
    }
    if (kind == KIND_RANGE) {
        const key_range *r = NULL;
        for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
            if (strcmp(ranges[i].name, key) == 0)
                r = &ranges[i];
        if (!r) /* every KIND_RANGE key has its range: a key added to the table without one */
            return lc_error(ctx, LC_ERR_INTERNAL, "study key '%s' has no range to check it against", key);
        double d;
        if (!(plain_number(value, &d) && d >= r->lo && d <= r->hi && (!r->integer || d == floor(d))))
            return key_error(ctx, kv, line, "'%s' must be %s from %g to %g (got '%s'): %s", key, r->what, r->lo,
                             r->hi, value, r->why);
    }
    if (kind == KIND_BOOL) {
        static const char *const yes[] = {"true", "yes", "on", "1", NULL}, *const no[] = {"false", "no", "off", "0", NULL};
        for (int i = 0; yes[i]; i++)
            if (strcasecmp(yes[i], value) == 0 || strcasecmp(no[i], value) == 0) {
                *out = lc_strdup(ctx, strcasecmp(yes[i], value) == 0 ? "true" : "false");
                return *out ? LC_OK : LC_ERR_NOMEM;
            }
        return key_error(ctx, kv, line, "'%s' must be true or false (got '%s')", key, value);
    }
    /* A profile given as a file (a '/' or a .yml/.yaml name, not a built-in name) resolves from the
     * study file like the layers' paths. */
    size_t vn = strlen(value);
    bool profile_file = !strcmp(key, "profile") &&
                        (strchr(value, '/') || (vn > 4 && !strcasecmp(value + vn - 4, ".yml")) ||
                         (vn > 5 && !strcasecmp(value + vn - 5, ".yaml")));
    if ((kind == KIND_PATH || profile_file) && dir && value[0] != '/' && !is_connection(value))
        *out = strcmp(dir, "/") == 0 ? lc_sprintf(ctx, "/%s", value) : lc_sprintf(ctx, "%s/%s", dir, value);
    else
        *out = lc_strdup(ctx, value);
    return *out ? LC_OK : LC_ERR_NOMEM;
}

/* Sets key to value in the study (lc_kv_set) and, for a facilities.categories.<label> key not met
 * before, indexes its entry by label. LC_OK or LC_ERR_NOMEM; the index is grown before the value is
 * stored, so only a failure to grow the hash table itself can leave a new label stored unindexed
 * (the caller fails then: a load is dropped, lc_study_set reports it). */
static lc_status store(lc_context *ctx, lc_study *study, const char *key, const char *value, int line)
{
    size_t plen = strlen(CATEGORY_PREFIX);
    bool category = strncmp(key, CATEGORY_PREFIX ".", plen + 1) == 0;
    if (category && lc_grow(ctx, (void **)&study->cats, &study->capcats, study->ncats + 1, sizeof *study->cats) != LC_OK)
        return LC_ERR_NOMEM;
    lc_status st = lc_kv_set(ctx, study->kv, key, value, line);
    if (st != LC_OK || !category)
        return st;
    const lc_kv_entry *e = lc_kv_find(study->kv, key);
    const char *label = lc_kv_tail(e, CATEGORY_PREFIX);
    bool added;
    if (!lc_strmap_add(ctx, &study->by_label, label, strlen(label), study->ncats, &added))
        return LC_ERR_NOMEM;
    if (added)
        study->cats[study->ncats++] = e;
    return LC_OK;
}

/* Creates an empty study; see study.h. */
lc_study *lc_study_create(lc_context *ctx)
{
    if (!ctx)
        return NULL;
    lc_study *study = lc_calloc(ctx, 1, sizeof *study);
    if (!study)
        return NULL;
    if (!(study->kv = lc_kv_create(ctx, NULL)))
        goto fail;
    return study;
fail:
    lc_study_destroy(study);
    return NULL;
}

/* Releases a study; see study.h. */
void lc_study_destroy(lc_study *study)
{
    if (!study)
        return;
    free(study->cats);
    lc_strmap_free(&study->by_label);
    lc_kv_destroy(study->kv);
    free(study->dir);
    free(study->path);
    free(study);
}

/* The directory part of a path, for resolving relative paths, or NULL (with *ok set) when the file
 * is in the current directory. *ok false on LC_ERR_NOMEM. */
static char *dir_of(lc_context *ctx, const char *path, bool *ok)
{
    const char *slash = strrchr(path, '/');
    *ok = true;
    if (!slash)
        return NULL;
    char *dir = slash == path ? lc_strdup(ctx, "/") : lc_sprintf(ctx, "%.*s", (int)(slash - path), path);
    *ok = dir != NULL;
    return dir;
}

/* Reads a study file (lc_study_load, lenient: lc_study_load_lenient). Every entry is classified and
 * checked in document order; an entry with an error is left out and its message kept, so every
 * mistake of the file is reported at once (one line each, in file order). Not lenient: NULL with
 * LC_ERR_CONFIG and all the messages when there was any. Lenient: the study without those entries,
 * *errors the messages (caller frees; NULL when none). */
static lc_study *load(lc_context *ctx, const char *path, int lenient, char **errors)
{
    lc_kv *file = NULL;
    lc_study *study = NULL;
    lc_strbuf errs = {0};
    size_t nerr = 0;
    bool ok;
    if (errors)
        *errors = NULL;
    if (!ctx)
        return NULL;
    if (!path) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_study_load: path is NULL");
        return NULL;
    }
    if (!(file = lc_kv_parse_file(ctx, path)))
        goto fail;
    if (!(study = lc_study_create(ctx)))
        goto fail;
    if (!(study->path = lc_strdup(ctx, path)))
        goto fail;
    study->dir = dir_of(ctx, path, &ok);
    if (!ok)
        goto fail;
    for (size_t i = 0; i < lc_kv_count(file); i++) {
        lc_kv_entry *e = lc_kv_at(file, i);
        study_kind kind;
        char *value = NULL;
        lc_status cs = classify(ctx, file, e->line, e->key, e->in_seq, &kind);
        if (cs == LC_OK)
            cs = check_value(ctx, file, e->line, e->key, kind, e->value, study->dir, &value);
        if (cs == LC_ERR_CONFIG) { /* kept, and on to the next entry */
            lc_strbuf_str(&errs, nerr++ ? "\n" : "");
            lc_strbuf_str(&errs, lc_context_errmsg(ctx));
            e->used = true;
            continue;
        }
        if (cs != LC_OK)
            goto fail;
        e->used = true;
        if (!value)
            continue;
        const char *key = e->key;
        char parent[256];
        if (kind == KIND_LIST && e->in_seq) {
            /* a list item ("roads.exclude.0"): joined to the list's key with commas */
            const char *dot = strrchr(e->key, '.');
            snprintf(parent, sizeof parent, "%.*s", (int)(dot - e->key), e->key);
            key = parent;
            if (strchr(value, ',')) {
                free(value);
                key_error(ctx, file, e->line, "an item of '%s' must not contain ',' (commas separate values)", key);
                lc_strbuf_str(&errs, nerr++ ? "\n" : "");
                lc_strbuf_str(&errs, lc_context_errmsg(ctx));
                continue;
            }
            const char *before = lc_kv_get(study->kv, key);
            if (before) {
                char *joined = lc_sprintf(ctx, "%s,%s", before, value);
                free(value);
                if (!(value = joined))
                    goto fail;
            }
        }
        lc_status st = store(ctx, study, key, value, e->line);
        free(value);
        if (st != LC_OK)
            goto fail;
    }
    lc_kv_destroy(file);
    if (errs.failed) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory reading %s", path);
        goto fail_read;
    }
    if (nerr && !lenient) {
        lc_error(ctx, LC_ERR_CONFIG, "%s", errs.s);
        goto fail_read;
    }
    if (errors)
        *errors = errs.s;
    else
        free(errs.s);
    return study;
fail:
    lc_kv_destroy(file);
fail_read:
    lc_study_destroy(study);
    free(errs.s);
    return NULL;
}

lc_study *lc_study_load(lc_context *ctx, const char *path)
{
    return load(ctx, path, 0, NULL);
}

lc_study *lc_study_load_lenient(lc_context *ctx, const char *path, char **errors)
{
    return load(ctx, path, 1, errors);
}

/* Sets or overrides a key; see study.h. Checked like a key in the file; a section heading
 * ("residential") cannot be set. */
lc_status lc_study_set(lc_context *ctx, lc_study *study, const char *key, const char *value)
{
    study_kind kind;
    char *v = NULL;
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!study || !key || !value)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_study_set: study, key and value must not be NULL");
    lc_status st = classify(ctx, NULL, 0, key, false, &kind);
    if (st != LC_OK)
        return st;
    if (kind == KIND_SECTION)
        return lc_error(ctx, LC_ERR_CONFIG, "'%s' is a section, not a key; set one of its keys, e.g. '%s.path'",
                        key, key);
    if ((st = check_value(ctx, NULL, 0, key, kind, value, NULL, &v)) != LC_OK)
        return st;
    st = store(ctx, study, key, v, 0);
    free(v);
    return st;
}

/* The value of a key with defaults; see study.h. */
const char *lc_study_get(const lc_study *study, const char *key)
{
    if (!study || !key)
        return NULL;
    const char *v = lc_kv_get(study->kv, key);
    if (v)
        return v;
    if (strcmp(key, "crs") == 0)
        return "auto";
    if (strcmp(key, "profile") == 0)
        return "shanghai-2025";
    return NULL;
}

/* The study file's path; see study.h. */
const char *lc_study_path(const lc_study *study)
{
    return study ? study->path : NULL;
}

/* The i-th entry under prefix; NULL if out of range. */
static const lc_kv_entry *mapping_entry(const lc_study *study, const char *prefix, size_t i)
{
    size_t pos = 0;
    const lc_kv_entry *e;
    if (!study || !prefix)
        return NULL;
    while ((e = lc_kv_next(study->kv, prefix, &pos)))
        if (i-- == 0)
            return e;
    return NULL;
}

/* Number of entries of a mapping; see study.h. */
size_t lc_study_mapping_count(const lc_study *study, const char *prefix)
{
    size_t pos = 0, n = 0;
    if (!study || !prefix)
        return 0;
    while (lc_kv_next(study->kv, prefix, &pos))
        n++;
    return n;
}

/* The i-th entry's key after prefix; see study.h. */
const char *lc_study_mapping_key(const lc_study *study, const char *prefix, size_t i)
{
    const lc_kv_entry *e = mapping_entry(study, prefix, i);
    return e ? lc_kv_tail(e, prefix) : NULL;
}

/* The i-th entry's value; see study.h. */
const char *lc_study_mapping_value(const lc_study *study, const char *prefix, size_t i)
{
    const lc_kv_entry *e = mapping_entry(study, prefix, i);
    return e ? e->value : NULL;
}

/* Number of category mappings; see study.h. */
size_t lc_study_category_map_count(const lc_study *study)
{
    return study ? study->ncats : 0;
}

/* The i-th mapping's label; see study.h. */
const char *lc_study_category_map_label(const lc_study *study, size_t i)
{
    return study && i < study->ncats ? lc_kv_tail(study->cats[i], CATEGORY_PREFIX) : NULL;
}

/* The i-th mapping's category code; see study.h. */
const char *lc_study_category_map_code(const lc_study *study, size_t i)
{
    return study && i < study->ncats ? study->cats[i]->value : NULL;
}

/* The code a label maps to; see study.h. */
const char *lc_study_category_map_find(const lc_study *study, const char *label)
{
    const size_t *at = study && label ? lc_strmap_find(&study->by_label, label, strlen(label)) : NULL;
    return at ? study->cats[*at]->value : NULL;
}
