/*
 * lifecircle/study.h — the study file: one human-editable YAML file that names the inputs, their
 * field mappings, the CRS and the profile, so a run can be repeated exactly (`lifecircle check
 * study.yml`). Command-line options override it through lc_study_set() with the same keys.
 *
 * Keys (dotted paths into the YAML mapping):
 *   name, crs ("auto" or a definition), profile, encoding (default attribute encoding),
 *   <layer>.path, <layer>.layer, <layer>.where, <layer>.encoding, <layer>.crs, <layer>.x, <layer>.y,
 *   <layer>.sql (a SELECT run on the source instead of reading a layer; not with <layer>.layer),
 *   <layer>.fields.<role>   (role: id name population pop60 pop65 unit category floor_area meals
 *                            beds nursing_beds opened closed ...)
 *   years (a YAML list or comma-separated years, stored comma-joined: "2020,2021,2022") and
 *   target_year (1900 to 2100): the series of `progress` (lifecircle/run.h lc_run_progress)
 *   facilities.categories.<label>: <category code>  (the user's labels → the profile's categories)
 *   roads.fields.class|bridge|tunnel|level  (roads only: the road-class field and the vertical
 *                            attributes of a non-OSM line layer; layers/roads.c)
 *   roads.exclude           (roads only: class values not walked on; a YAML list or one text of
 *                            comma-separated values, stored comma-joined: "高速公路,快速路")
 *   roads.node_crossings    (roads only: true | false, stored so; split lines where they cross)
 *   roads.snap_dangles_m    (roads only: metres, 0 (off) to 50; join line ends that stop this close
 *                            to another line)
 *   districts.profile_field (the districts layer's field naming each district's profile), and
 *   districts.profiles.<区名>: <profile>  (a district's id or name → a built-in name or profile file)
 *   persons_per_household (1 to 10 persons: a compound's population is its households × this when
 *                          it has no population value), persons_per_household_source (where the
 *                          number comes from; required with it)
 * where <layer> is residential, facilities, units, roads, buildings, candidates, entrances,
 * districts, committees, groups or areas.
 * Reserved for upcoming features, checked now: output (a directory, resolved like paths), format
 * (shapefile | gpkg | geojson, stored in lower case), mode (straight | network), description.
 * Every number is checked against its range when it is read (file or lc_study_set): reach_m 1 to
 * 10000 (metres), walk_speed 0.1 to 3 (m/s), walk_minutes 1 to 120, demand_grid_m 5 to 500 (metres),
 * roads.snap_dangles_m 0 to 50 (metres); and how finely coverage is measured (lc_coverage_options):
 * circle_quadsegs (a whole number, 2 to 256), share_leaf_m (0.5 to 50), gap_cell_m (0.5 to 50) and
 * service_cell_m (1 to 100).
 * Relative <layer>.path and output values are resolved against the study file's directory; absolute
 * paths and GDAL connection strings ("PG:...", "://" URIs, "/vsi..." paths) are kept as written.
 * Nested mappings and dotted keys ("residential.path: x") are the same thing; a layer heading left
 * empty ("roads:") is no layer. Anchors, aliases and lists are not accepted.
 */
#ifndef LIFECIRCLE_STUDY_H
#define LIFECIRCLE_STUDY_H

#include <stddef.h>

#include "lifecircle/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lc_study lc_study;

/* Creates an empty study (no inputs; crs "auto"; profile "shanghai-2025").
 * Caller frees with lc_study_destroy(). */
LC_API lc_study *lc_study_create(lc_context *ctx);

/* Reads a study file. NULL with LC_ERR_IO (cannot read; not a regular file: a named pipe or a
 * device is refused without waiting on it) or LC_ERR_CONFIG (larger than 1 MB, malformed YAML,
 * nested more than 64 deep, more than 50,000 keys, an unknown key, a value of the wrong kind or out
 * of its range), the message naming file, line and key — every such key of the file, one line
 * each in file order, so a study with several mistakes needs one run.
 * Caller frees with lc_study_destroy(). */
LC_API lc_study *lc_study_load(lc_context *ctx, const char *path);

/* As lc_study_load, but the keys with errors are left out instead of failing: the study of the
 * keys that are right, and *errors (caller frees with lc_free(); NULL when none) the messages
 * lc_study_load would have failed with. For reporting the layers' mistakes in the same run as the
 * keys' (`lifecircle validate`); never for computing (a misspelt key would silently not apply).
 * NULL, with the context's error, only where lc_study_load fails otherwise (unreadable, malformed). */
LC_API lc_study *lc_study_load_lenient(lc_context *ctx, const char *path, char **errors);

/* Releases a study. Accepts NULL. */
LC_API void lc_study_destroy(lc_study *study);

/* Sets or overrides a key (as in the file: "crs", "residential.fields.population") with a value
 * (copied). A relative path value set here is taken relative to the current directory, not the
 * study file. Returns LC_OK, or LC_ERR_CONFIG for an unknown key (study unchanged). */
LC_API lc_status lc_study_set(lc_context *ctx, lc_study *study, const char *key, const char *value);

/* The value of a key, or NULL if unset, except the defaults "auto" for "crs" and "shanghai-2025"
 * for "profile". For path keys, the resolved path. Borrowed, valid until the key is set again or the
 * study is destroyed (setting other keys does not move it). */
LC_API const char *lc_study_get(const lc_study *study, const char *key);

/* The study file's path, or NULL for a study built with lc_study_create(). Borrowed. */
LC_API const char *lc_study_path(const lc_study *study);

/* Number of facilities.categories.<label> mappings, and the i-th label and code (in file order,
 * then in the order lc_study_set added them; NULL past the end). The label is the key text after
 * "facilities.categories." as written; the code is not checked against a profile here. Borrowed. */
LC_API size_t lc_study_category_map_count(const lc_study *study);
LC_API const char *lc_study_category_map_label(const lc_study *study, size_t i);
LC_API const char *lc_study_category_map_code(const lc_study *study, size_t i);

/* The code the study maps label to (facilities.categories.<label>, the label matched exactly as
 * written), or NULL when it maps none. Hashed: as fast with thousands of mappings as with one.
 * Borrowed, as lc_study_category_map_code. */
LC_API const char *lc_study_category_map_find(const lc_study *study, const char *label);

/* The entries of a mapping by prefix ("districts.profiles"): their number, and the i-th key after
 * the prefix and value (file order, then set order; NULL past the end). Borrowed. */
LC_API size_t lc_study_mapping_count(const lc_study *study, const char *prefix);
LC_API const char *lc_study_mapping_key(const lc_study *study, const char *prefix, size_t i);
LC_API const char *lc_study_mapping_value(const lc_study *study, const char *prefix, size_t i);

/* `lifecircle study init` (layers/study_init.c, layers/study_init_write.c): inspects a planner's own
 * files through GDAL — every layer's geometry, fields, CRS, attribute encoding (as the readers decide
 * it: a .cpg, valid UTF-8, else GBK), feature count, sample values and a facilities layer's category
 * labels — guesses which layer is which (residential, facilities, units, roads, districts,
 * committees, ...) and which field holds each role, and writes a commented study with every key the
 * loader knows, each guess marked "# guessed: ..., check" and the other candidates listed.
 * Zero-initialise; size lets the struct grow (set it to sizeof(lc_study_init_options)). */
typedef struct lc_study_init_options {
    size_t size;
    const char *const *inputs; /* files (a .shp, .gpkg, .geojson, .csv, .xlsx, ...) or directories (their
                                  data files, one level deep); borrowed for the call */
    size_t ninputs;
    const char *output;        /* the study file to write; relative paths in it are written relative to
                                  its directory. NULL: write nothing (text only) */
    const char *profile;       /* built-in name or profile file the labels are matched against; NULL:
                                  "shanghai-2025" */
    int force;                 /* non-zero: replace an existing output file (else it is refused) */
} lc_study_init_options;

/* Inspects options->inputs and writes the study (atomically: a temporary file renamed into place, so
 * a failure leaves nothing; an existing file is refused with LC_ERR_IO unless options->force).
 * Parameters:
 *   options — what to inspect and where to write (borrowed for the call);
 *   text    — NULL, or receives the study's text (caller frees with lc_free());
 *   summary — NULL, or receives one line per layer: the role guessed for it and why, for the console
 *             (caller frees with lc_free()).
 * LC_OK; LC_ERR_MISUSE (no inputs, a NULL argument, size too small); LC_ERR_IO (an input GDAL cannot
 * open, naming it; a directory holding no data file; the output exists or cannot be written);
 * LC_ERR_CONFIG (the profile cannot be loaded); LC_ERR_NOMEM. Nothing is written on failure. */
LC_API lc_status lc_study_init(lc_context *ctx, const lc_study_init_options *options, char **text,
                               char **summary);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_STUDY_H */
