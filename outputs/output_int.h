/*
 * outputs/output_int.h — what the outputs/ files share: the atomic output directory (a temporary
 * directory beside the target, renamed into place on commit) and the QGIS styles written beside the
 * layers (outputs/qml.c). Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_OUTPUT_INT_H
#define LIFECIRCLE_OUTPUTS_OUTPUT_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "lifecircle/context.h"
#include "lifecircle/output.h"

/* An output directory being written: everything goes into tmp until commit. */
typedef struct lc_atomic_dir {
    char *target; /* the directory the caller named (resolved when it exists), owned */
    char *tmp;    /* "<target>.tmp-XXXXXX" beside it, owned */
    int overwrite;
} lc_atomic_dir;

/* Checks the target and creates the temporary directory beside it, with the mode the target has
 * (or, for a new target, the mode mkdir would give under the current umask). Refuses with
 * LC_ERR_IO: a target that is not a directory, a non-empty directory unless overwrite, the current
 * directory or one of its parents, and a target whose parent is missing; LC_ERR_MISUSE for an
 * empty dir. On success *ad owns two strings; finish with lc_atomic_dir_commit() or
 * lc_atomic_dir_abort(). On failure nothing was created and *ad is zeroed. */
lc_status lc_atomic_dir_begin(lc_context *ctx, const char *dir, int overwrite, lc_atomic_dir *ad);

/* Moves tmp into place: straight onto a missing or empty target; with overwrite, the old target is
 * first renamed to "<target>.old-XXXXXX", then removed once the new one is in place (failing to
 * remove it is only a warning). On failure (LC_ERR_IO) the target is as it was and tmp has been
 * removed. Releases ad's strings either way. */
lc_status lc_atomic_dir_commit(lc_context *ctx, lc_atomic_dir *ad);

/* Removes tmp and releases ad's strings. Accepts a zeroed ad. */
void lc_atomic_dir_abort(lc_context *ctx, lc_atomic_dir *ad);

struct lc_output;
struct lc_inputs;
struct lc_profile;
struct lc_siting;

/* Appends a feature whose geometry is nlines lines given as points (line k is points[start[k] ..
 * start[k + 1]), at least 2 points each) to a line layer (GEOS_MULTILINESTRING), handed to GDAL as
 * they are: for layers of hundreds of thousands of lines, building GEOS geometries only to encode
 * them again costs more than the writing. nlines 0 writes the feature without geometry. Otherwise as
 * lc_layer_writer_add. */
lc_status lc_layer_writer_add_lines(lc_context *ctx, lc_layer_writer *w, const lc_xy *points, const size_t *start,
                                    size_t nlines, const lc_value *values);

/* ---- QGIS styles (outputs/qml.c) ---- */

/* The style of an output layer; colours from outputs/style_int.h. */
typedef enum lc_qml_kind {
    LC_QML_SHARE = 0,      /* polygons graduated on a covered share 0-1 (field), 5 classes: residential */
    LC_QML_GAP,            /* polygons filled lc_style_gap: gaps */
    LC_QML_CATEGORY_AREA,  /* polygons categorized on the category code (field), translucent: service_areas */
    LC_QML_OUTLINE,        /* polygons without fill, outlined lc_style_unit_line, labelled with field: units */
    LC_QML_CATEGORY_POINT, /* points categorized on the category code (field), the set's category large and
                            * the others small and faint: facilities */
    LC_QML_PROPOSAL,       /* points as lc_style_proposal stars labelled with field (the rank): proposals */
    LC_QML_REACH,          /* polygons filled translucent lc_style_service_area: isochrones */
    LC_QML_CATEGORY_LINE   /* lines categorized on the category code (field), the set's category wider:
                            * catchment_streets */
} lc_qml_kind;

/* The QGIS 3 style (.qml text, UTF-8) of a layer. field (borrowed) is the attribute the renderer
 * classifies on or the labels show, named as the format stores it (short name for Shapefile, full
 * name otherwise); profile gives the categories (index i → lc_style_category[i % 10], in profile
 * order) and category the prominent one. Caller frees with free(); NULL with LC_ERR_MISUSE (a
 * missing field or profile the kind needs) or LC_ERR_NOMEM. */
char *lc_qml_text(lc_context *ctx, lc_qml_kind kind, const lc_field_def *field, lc_format format,
                  const struct lc_profile *profile, size_t category);

/* The category whose share the residential style shows and whose facilities are drawn large: the
 * one coded "centre" (社区综合为老服务中心), else the first reach norm's, else the first. */
size_t lc_qml_prominent(const struct lc_profile *profile);

/* PostGIS outputs: stores the styles of n layers (items: layer name and .qml text) as their default
 * styles in QGIS's public.layer_styles table (created if missing), replacing the rows a previous run
 * wrote for the same tables, inside the output's transaction. A database where that cannot be done
 * (no right to create or write public.layer_styles) keeps the results without styles, with a
 * warning. LC_OK, or LC_ERR_NOMEM. (outputs/vector.c) */
struct lc_output;
struct lc_qml_item;
lc_status lc_output_pg_styles(lc_context *ctx, struct lc_output *out, const struct lc_qml_item *items, size_t n);

/* The GeoPackage table QGIS keeps layer styles in. */
#define LC_QML_TABLE "layer_styles"

typedef struct lc_qml_item {
    char *layer, *qml; /* owned */
} lc_qml_item;

/* The styles of one output being written. */
typedef struct lc_qml_set {
    struct lc_output *out;            /* borrowed */
    lc_format format;                 /* the output's format */
    const struct lc_profile *profile; /* borrowed; NULL when no style needs categories */
    size_t category;                  /* the prominent category */
    lc_qml_item *items;               /* GeoPackage: the styles written so far, for layer_styles */
    size_t n, cap;
} lc_qml_set;

/* Starts an empty set for out (all borrowed). */
void lc_qml_set_init(lc_qml_set *set, struct lc_output *out, lc_format format, const struct lc_profile *profile,
                     size_t category);

/* Writes <layer>.qml into the output (nothing for PostGIS) and, for GeoPackage, keeps the text for
 * lc_qml_finish(). Call after the layer is written. LC_OK or the writer's error. */
lc_status lc_qml_add(lc_context *ctx, lc_qml_set *set, const char *layer, lc_qml_kind kind,
                     const lc_field_def *field);

/* GeoPackage: writes every kept style as the default style of its layer into the layer_styles
 * table (QGIS's columns; update_time fixed at 2000-01-01 so outputs stay byte-identical). Other
 * formats: nothing. Frees the set either way. LC_OK or the writer's error. */
lc_status lc_qml_finish(lc_context *ctx, lc_qml_set *set);

/* Releases the set (after an error). */
void lc_qml_set_free(lc_qml_set *set);

/* Writes the `proposals` point layer of a siting result into out (outputs/proposals.c; borrowed
 * arguments, out left open) and, when styles is not NULL, its QGIS style. LC_OK or the writer's
 * error. */
lc_status lc_proposals_layer(lc_context *ctx, struct lc_output *out, const struct lc_inputs *in,
                             const struct lc_profile *profile, const struct lc_siting *s, size_t category,
                             lc_qml_set *styles);

/* The summary of a check (siting NULL) or of a `site` run for profile category `category` as JSON
 * text — what summary.json holds, and what the report (outputs/report.c) is drawn from, so the two
 * always agree. NULL with the error in ctx. Caller frees with free(). */
struct lc_results;
char *lc_summary_json(lc_context *ctx, const struct lc_results *r, const struct lc_siting *siting, size_t category);

/* Refuses (LC_ERR_IO) an output directory dir that holds one of r's input files or is one (writing
 * with overwrite would delete it), and a PostGIS output that would replace an input table. LC_OK
 * otherwise. */
struct lc_output_options;
lc_status lc_check_inputs_outside(lc_context *ctx, const char *dir, const struct lc_output_options *o,
                                  const struct lc_results *r);

/* PostGIS outputs: the table prefix when none is given, and the table text files go to (after the
 * prefix). */
#define LC_PG_DEFAULT_PREFIX "lc_"
#define LC_PG_METADATA "metadata"

#endif /* LIFECIRCLE_OUTPUTS_OUTPUT_INT_H */
