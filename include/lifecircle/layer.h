/*
 * lifecircle/layer.h — input layers read through GDAL/OGR (Shapefile, GeoPackage, GeoJSON, CSV and
 * XLSX with lon/lat columns, OSM PBF, PostGIS "PG:" connections), mapped field by field onto the
 * toolkit's roles, validated, and brought into the working CRS.
 *
 * lc_inputs reads a whole study at once: it opens every layer, chooses the working CRS (the study's,
 * or the UTM zone of the data's centre), reads and checks every feature, and reports every problem
 * in a data-quality report.
 */
#ifndef LIFECIRCLE_LAYER_H
#define LIFECIRCLE_LAYER_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/crs.h"
#include "lifecircle/geometry.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"
#include "lifecircle/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a layer holds. */
typedef enum lc_layer_kind {
    LC_LAYER_RESIDENTIAL = 0, /* residential polygons (小区/居住街坊), or points (小区 POIs), with population:
                                 a field, or households × the study's persons_per_household */
    LC_LAYER_FACILITIES,      /* facility points (polygons reduced to a point on surface) */
    LC_LAYER_UNITS,           /* 街镇 polygons */
    LC_LAYER_CANDIDATES,      /* candidate sites for new facilities (`site`): points (polygons reduced to
                                 a point on surface) with id and name; optional */
    LC_LAYER_ENTRANCES,       /* compound entrances (小区出入口): points, each with the id of its residential
                                 polygon (field role `compound`) or lying within 30 m of it; optional.
                                 In network mode a compound's walk starts at its entrances */
    LC_LAYER_BUILDINGS,       /* buildings: polygons, optionally with population or floor area; optional.
                                 In network mode a compound without entrances walks from its buildings,
                                 its residents split by their population (else floor area, else evenly) */
    /* The administrative ladder around the 街镇 (units), each optional (queries/levels.c): */
    LC_LAYER_DISTRICTS,       /* 区: polygons; each 街镇 belongs to one by its district field or overlap */
    LC_LAYER_COMMITTEES,      /* 居村 (居委会 / 村委会): polygons with a type (residents' or villagers'),
                                 population and households; each in a 街镇 by its unit field or overlap */
    LC_LAYER_GROUPS,          /* 村民小组: polygons, each in a 居村 by its committee field or overlap */
    LC_LAYER_AREAS,           /* 片区 where a town defines them: polygons, each in a 街镇 likewise */
    LC_LAYER_KIND_COUNT
} lc_layer_kind;

/* The study-file name of a kind ("residential", "facilities", "units", "candidates"). Never freed. */
LC_API const char *lc_layer_kind_name(lc_layer_kind kind);

/* What a field holds: the roles a user maps fields onto. */
typedef enum lc_field_role {
    LC_FIELD_ID = 0,      /* unique feature id (text or number) */
    LC_FIELD_NAME,        /* display name */
    LC_FIELD_POPULATION,  /* 常住人口, resident population */
    LC_FIELD_POP60,       /* registered (户籍) population aged 60+ */
    LC_FIELD_POP65,       /* registered (户籍) population aged 65+ */
    LC_FIELD_UNIT,        /* the 街镇 a residential polygon belongs to (name or id) */
    LC_FIELD_CATEGORY,    /* a facility's category label */
    LC_FIELD_FLOOR_AREA,  /* 建筑面积, m² */
    LC_FIELD_MEALS,       /* meals per day */
    LC_FIELD_BEDS,        /* care beds */
    LC_FIELD_NURSING_BEDS,/* nursing-type care beds */
    LC_FIELD_STATUS,      /* candidates: force_in / 必选 or force_out / 排除 (siting.h), empty: free */
    LC_FIELD_COMPOUND,    /* entrances: the id of the residential polygon the entrance belongs to */
    LC_FIELD_DISTRICT,    /* units: the 区 a 街镇 belongs to (a district's id or name) */
    LC_FIELD_COMMITTEE,   /* residential, groups: the 居村 it belongs to (a committee's id or name) */
    LC_FIELD_TYPE,        /* committees: 居委 / 村委 (residents' or villagers'); units: 街道 / 镇 / 乡 */
    LC_FIELD_HOUSEHOLDS,  /* residential, committees: households (户数) */
    LC_FIELD_PROFILE,     /* districts: the standards profile of the district (study key
                             districts.profile_field names the field) */
    LC_FIELD_PLACES,      /* facilities: day-care places (日托位), for accessibility (profile.h) */
    LC_FIELD_OPENED,      /* facilities: the year it opened (开业年份 / 建成年份), a whole year; `progress` */
    LC_FIELD_CLOSED,      /* facilities: the year it closed (关闭年份), after the opening year; `progress` */
    LC_FIELD_ROLE_COUNT
} lc_field_role;

/* The study-file name of a role ("population", "floor_area", ...). Never freed. */
LC_API const char *lc_field_role_name(lc_field_role role);

/* One feature as the toolkit sees it. Numbers absent from the input are NAN; strings absent are
 * NULL. Borrowed from its layer, valid while the layer lives. */
typedef struct lc_feature {
    const char *id;        /* the id field's value, or "FID n" */
    const char *name;
    const char *unit;      /* residential: declared 街镇 */
    const char *status;    /* candidates: the status field's text (siting.h), NULL when absent */
    const char *compound;  /* entrances: the compound field's text, NULL when absent */
    int category;          /* facilities: index into the profile's categories; -1 otherwise */
    double population;     /* 常住人口 (residential, units) */
    double pop60;
    double pop65;
    double floor_area;     /* m² */
    double meals;          /* meals/day */
    double beds;
    double nursing_beds;
    double area;           /* m² of geom in the working CRS (0 for points) */
    const GEOSGeometry *geom; /* working CRS: (multi)polygon, or point for facilities (and for
                                 residential compounds given as points) */
    long long fid;         /* the source feature id */
    const char *district;  /* units: declared 区 */
    const char *committee; /* residential, groups: declared 居村 */
    const char *type;      /* committees, units: the type field's text */
    const char *profile;   /* districts: the profile field's text */
    double households;     /* residential, committees: 户数 */
    int population_from_households; /* residential: population is households × persons_per_household */
    double places;         /* facilities: day-care places */
    double opened;         /* facilities: the year it opened, NAN when not given (open in every year) */
    double closed;         /* facilities: the year it closed, NAN when it has not */
} lc_feature;

typedef struct lc_layer lc_layer;

/* Number of features, and the i-th (borrowed, valid while the layer lives). */
LC_API size_t lc_layer_count(const lc_layer *layer);
LC_API const lc_feature *lc_layer_feature(const lc_layer *layer, size_t i);
/* The layer's kind, the dataset it came from (as given) and the OGR layer name. Borrowed. */
LC_API lc_layer_kind lc_layer_get_kind(const lc_layer *layer);
LC_API const char *lc_layer_source(const lc_layer *layer);
LC_API const char *lc_layer_name(const lc_layer *layer);
/* For a database source (a "PG:" connection string), the SHA-256 (64 hex digits) of the rows read,
 * independent of their order: each row's FID, attribute values and geometry (ISO WKB) hashed, the
 * row hashes sorted and hashed together — so summary.json records what a table held when it was
 * read, as a file's SHA-256 does. NULL for file sources. Borrowed, valid while the layer lives. */
LC_API const char *lc_layer_rows_sha256(const lc_layer *layer);
/* Non-zero when a residential layer's compounds are points (小区 POIs with population or households)
 * rather than polygons: each point is then covered whole or not at all, by its own distance. */
LC_API int lc_layer_is_points(const lc_layer *layer);
/* For an input read through the study's <kind>.sql from PostgreSQL, the i-th table the query reads
 * ("schema.table", as the server's plan names it: views resolved to their tables; tables read only
 * inside functions are not seen); NULL past the last, and for every other input. Borrowed, valid
 * while the layer lives. */
LC_API const char *lc_layer_sql_table(const lc_layer *layer, size_t i);
/* The bounding box of all features in the working CRS. */
LC_API lc_bbox lc_layer_extent(const lc_layer *layer);

/* A study's inputs, read and checked. */
typedef struct lc_inputs lc_inputs;

/* Reads every input layer the study names (residential and facilities are required, units
 * optional) through OGR, chooses the working CRS, maps fields, transforms and validates.
 * Parameters:
 *   study   — the study (borrowed);
 *   profile — categories for facility labels (borrowed; must outlive the result);
 *   quality — receives every warning and error found (borrowed);
 * Returns the inputs whenever every layer could be read, also when data errors were found: features
 * with errors are kept as read (NAN values, category -1) so `validate` can summarise them, and
 * callers that compute results must refuse inputs whose quality report holds errors
 * (lc_quality_count_severity(quality, LC_SEVERITY_ERROR) > 0). Returns NULL, with the context's
 * error set (LC_ERR_IO, LC_ERR_FIELD, LC_ERR_CRS, LC_ERR_CONFIG, ...), when a layer cannot be opened
 * or read, a mapped field does not exist, or no working CRS can be established.
 * ctx must outlive the result. Caller frees with lc_inputs_destroy(). */
LC_API lc_inputs *lc_inputs_read(lc_context *ctx, const lc_study *study, const lc_profile *profile,
                                 lc_quality *quality);

/* Releases the inputs. Accepts NULL. */
LC_API void lc_inputs_destroy(lc_inputs *inputs);

/* A layer of the inputs, or NULL when the study names none of that kind. Borrowed. */
LC_API const lc_layer *lc_inputs_layer(const lc_inputs *inputs, lc_layer_kind kind);

/* A view of base with another set of facilities: base's facilities for which keep[i] is non-zero
 * (keep NULL: all of them; keep has one entry per feature of base's facilities layer), in their
 * order, then — when extra is given — the facilities of the study extra's facilities layer, read
 * and checked as lc_inputs_read reads a layer (its problems into quality) and brought into base's
 * working CRS, their ids prefixed with id_prefix (NULL: as read). Every other layer and the CRS are
 * base's. For `progress` (the facilities open in a year) and `check --with-proposals` (a site run's
 * proposals added). Parameters:
 *   base      — inputs read by lc_inputs_read (borrowed; must outlive the view; not itself a view);
 *   keep      — NULL, or one flag per base facility (borrowed for the call);
 *   extra     — NULL, or a study naming facilities.path and its fields (borrowed for the call);
 *   id_prefix — NULL or text put before each extra facility's id (borrowed for the call);
 *   profile   — the categories extra's labels are read with (borrowed; needed with extra);
 *   quality   — receives extra's problems (borrowed; needed with extra).
 * Returns the view, or NULL with the context's error (LC_ERR_MISUSE, LC_ERR_NOMEM, or reading extra:
 * LC_ERR_IO, LC_ERR_FIELD, LC_ERR_CRS, ...). Caller frees with lc_inputs_destroy(). */
LC_API lc_inputs *lc_inputs_view(lc_context *ctx, const lc_inputs *base, const unsigned char *keep,
                                 const lc_study *extra, const char *id_prefix, const lc_profile *profile,
                                 lc_quality *quality);

/* A view of base (lc_inputs_view with keep, no extra facilities) whose compounds and 街镇 carry other
 * populations: res holds three values per compound of base's residential layer (population, pop60,
 * pop65), units three per 街镇 of its units layer; NAN (or a NULL array) keeps base's value. For
 * `progress` with a per-year population (lc_population_years). The view's residential and units
 * layers are its own copies (strings and geometries base's). Returns the view, or NULL with
 * LC_ERR_MISUSE or LC_ERR_NOMEM. Caller frees with lc_inputs_destroy(). */
LC_API lc_inputs *lc_inputs_view_populations(lc_context *ctx, const lc_inputs *base, const unsigned char *keep,
                                             const double *res, const double *units);

/* A study's per-year population table (`population_years:`, layers/population_years.c): rows of
 * 街镇 × year from a CSV, columns found by name — 街镇 / unit (a 街镇's id or name), 年份 / year, and
 * any of 常住人口 / population, 60岁以上户籍人口 / pop60, 65岁以上户籍人口 / pop65 (an empty cell: not
 * given that year). */
typedef struct lc_population_years lc_population_years;

/* How a value of the table was had for a year. */
typedef enum lc_population_how {
    LC_POPULATION_NONE = 0,     /* the 街镇 has no value of that kind in any year */
    LC_POPULATION_GIVEN,        /* the table gives that year */
    LC_POPULATION_INTERPOLATED, /* linear between the given years on either side */
    LC_POPULATION_HELD          /* before the first or after the last given year: that year's value held
                                   (never extrapolated) */
} lc_population_how;

/* Reads the table at path, each row's 街镇 matched in units (borrowed for the call). NULL with
 * LC_ERR_IO (not a table), LC_ERR_FIELD (no 街镇, year or population column), LC_ERR_DATA (a row
 * naming no 街镇, a bad year or number, a 街镇 and year given twice, no rows; naming the file, row
 * and field) or LC_ERR_CONFIG (no units). Caller frees with lc_population_years_destroy(). */
LC_API lc_population_years *lc_population_years_read(lc_context *ctx, const char *path, const lc_layer *units);

/* Releases a table. Accepts NULL. */
LC_API void lc_population_years_destroy(lc_population_years *t);

/* 街镇 unit's value of kind (0 population, 1 pop60, 2 pop65) in year, and (how, may be NULL) how it
 * was had; NAN with LC_POPULATION_NONE when the table has none for that 街镇 and kind. */
LC_API double lc_population_years_value(const lc_population_years *t, size_t unit, int kind, int year,
                                        lc_population_how *how);

/* Non-zero when the table has a column of kind. */
LC_API int lc_population_years_has(const lc_population_years *t, int kind);

/* The table's path (borrowed), and the study-role name of kind ("population", "pop60", "pop65";
 * never freed). */
LC_API const char *lc_population_years_path(const lc_population_years *t);
LC_API const char *lc_population_kind_name(int kind);

/* For a view made with extra facilities (lc_inputs_view): how many were added, and (source, may be
 * NULL) the dataset they came from (borrowed, valid while in lives); 0 and NULL otherwise. */
LC_API size_t lc_inputs_added(const lc_inputs *in, const char **source);

/* The working CRS. Borrowed, valid while inputs live. */
LC_API const lc_crs *lc_inputs_crs(const lc_inputs *inputs);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_LAYER_H */
