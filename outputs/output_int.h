/*
 * outputs/output_int.h — what the outputs/ files share: the atomic output directory (a temporary
 * directory beside the target, renamed into place on commit), CSV cells (outputs/csv.c) and the
 * QGIS styles written beside the layers (outputs/qml.c). Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_OUTPUT_INT_H
#define LIFECIRCLE_OUTPUTS_OUTPUT_INT_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "geo/context_int.h"

#include "lifecircle/context.h"
#include "lifecircle/indicators.h"
#include "lifecircle/output.h"
#include "lifecircle/profile.h"

/* An output directory being written: everything goes into tmp until commit. */
typedef struct lc_atomic_dir {
    char *target; /* the directory the caller named (resolved when it exists), owned */
    char *tmp;    /* "<target>.tmp-<pid>-XXXXXX" beside it, owned */
    int overwrite;
} lc_atomic_dir;

/* First repairs what killed runs left beside the target (their pid is dead): a parked
 * "<target>.old-<pid>-*" is moved back when the target is missing, other stale .old-* and .tmp-*
 * are removed (older names without a pid only when last changed before this process started).
 * Then checks the target and creates the temporary directory beside it, with the mode the target has
 * (or, for a new target, the mode mkdir would give under the current umask). Refuses with
 * LC_ERR_IO: a target that is not a directory, a non-empty directory unless overwrite, the current
 * directory or one of its parents, and a target whose parent is missing; LC_ERR_MISUSE for an
 * empty dir. On success *ad owns two strings; finish with lc_atomic_dir_commit() or
 * lc_atomic_dir_abort(). On failure nothing was created and *ad is zeroed. */
lc_status lc_atomic_dir_begin(lc_context *ctx, const char *dir, int overwrite, lc_atomic_dir *ad);

/* Moves tmp into place: straight onto a missing or empty target; with overwrite, tmp and the old
 * target swap names in one step (renameat2 RENAME_EXCHANGE) and the old one is then removed; where
 * the filesystem cannot exchange (EINVAL, ENOSYS), the old target is first renamed to
 * "<target>.old-<pid>-XXXXXX", then removed once the new one is in place (failing to remove it is
 * only a warning). On failure (LC_ERR_IO) the target is as it was and tmp has been
 * removed. Releases ad's strings either way. */
lc_status lc_atomic_dir_commit(lc_context *ctx, lc_atomic_dir *ad);

/* Removes tmp and releases ad's strings. Accepts a zeroed ad. */
void lc_atomic_dir_abort(lc_context *ctx, lc_atomic_dir *ad);

/* ---- CSV (outputs/csv.c): every CSV cell the toolkit writes ---- */

/* A CSV text being built; a zeroed one is empty. text is owned (lc_csv_free). */
typedef struct lc_csv {
    char *text; /* NUL-terminated, or NULL while empty */
    size_t len, cap;
} lc_csv;

/* Starts a CSV file in c: UTF-8 byte-order mark (so Excel shows the Chinese). LC_OK or LC_ERR_NOMEM. */
lc_status lc_csv_begin(lc_context *ctx, lc_csv *c);

/* Appends a text cell (NULL: empty), after a comma unless first: quoted when it holds a comma,
 * quote, CR or LF (RFC 4180, quotes doubled), and prefixed with ' when it starts with = + - @ tab or
 * CR, so a spreadsheet shows it instead of running it as a formula (OWASP's rule for CSV
 * injection). LC_OK or LC_ERR_NOMEM. */
lc_status lc_csv_text(lc_context *ctx, lc_csv *c, const char *s, int first);

/* Appends a number cell as a number (never prefixed: -5 stays -5): %.15g with '.' in any locale,
 * empty when not finite; or a whole number. LC_OK or LC_ERR_NOMEM. */
lc_status lc_csv_real(lc_context *ctx, lc_csv *c, double d, int first);
lc_status lc_csv_integer(lc_context *ctx, lc_csv *c, long long i, int first);

/* Ends a row (CRLF, as RFC 4180 and spreadsheet programs expect). LC_OK or LC_ERR_NOMEM. */
lc_status lc_csv_end_row(lc_context *ctx, lc_csv *c);

/* Releases c's text and zeroes it. */
void lc_csv_free(lc_csv *c);

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

/* The style of an output layer; colours from outputs/style_int.h. Styles on a category field are
 * rule-based with one rule per profile category, labelled in both languages, and only the prominent
 * category's rule on (the others are listed in the layer's legend, off, for the planner to tick). */
typedef enum lc_qml_kind {
    LC_QML_SHARE = 0,      /* polygons graduated on a covered share 0-1 (key), 5 classes: residential */
    LC_QML_GAP,            /* polygons hatched in their category's colour, a rule per category (key): gaps */
    LC_QML_CATEGORY_AREA,  /* polygons translucent in their category's colour, a rule per category (key):
                            * service_areas */
    LC_QML_OUTLINE,        /* polygons without fill, outlined lc_style_unit_line, labelled with key: units */
    LC_QML_CATEGORY_POINT, /* points categorized on the category code (key), the set's category large and
                            * the others small and faint: facilities */
    LC_QML_PROPOSAL,       /* points as lc_style_proposal stars labelled with key (the rank): proposals */
    LC_QML_ISOCHRONE,      /* polygons graduated on the walking distance (key), one class per threshold,
                            * dark (near) to light (far): isochrones */
    LC_QML_CATEGORY_LINE,  /* lines, a rule per category (key), each facility's streets in the neighbour
                            * colour its colour field gives: catchment_streets */
    LC_QML_CATCHMENT,      /* polygons, a rule per category (key), each facility's area in the neighbour
                            * colour its colour field gives: catchments */
    LC_QML_SHARE_POINT,    /* LC_QML_SHARE as circles: residential compounds given as points */
    LC_QML_GAP_POINT       /* LC_QML_GAP as circles, a rule per category (key): the gaps of compounds
                            * given as points */
} lc_qml_kind;

/* What a style needs to know of its layer (all borrowed). */
typedef struct lc_qml_layer {
    const lc_field_def *fields; /* every field of the layer, in order: each gets its Chinese name (zh)
                                 * as its alias, so QGIS's attribute table reads 覆盖比例, not CTR_SHARE */
    size_t nfields;
    size_t key;                 /* the field the renderer classifies on or the labels show */
    size_t colour;              /* LC_QML_CATCHMENT, LC_QML_CATEGORY_LINE: the neighbour-colour field
                                 * (0 .. LC_STYLE_NEIGHBOUR_COLOURS-1, lc_colour_neighbours) */
    const double *breaks;       /* LC_QML_ISOCHRONE: the thresholds in metres, ascending, nbreaks of them */
    const double *minutes;      /* and their minutes (NAN or NULL: given in metres) */
    size_t nbreaks;
} lc_qml_layer;

/* The QGIS 3 style (.qml text, UTF-8) of a layer. Fields are named as the format stores them (short
 * name for Shapefile, full name otherwise); profile gives the categories (index i →
 * lc_style_category[i % 10], in profile order) and category the prominent one. Caller frees with
 * free(); NULL with LC_ERR_MISUSE (a key, colour field, profile or thresholds the kind needs
 * missing) or LC_ERR_NOMEM. */
char *lc_qml_text(lc_context *ctx, lc_qml_kind kind, const lc_qml_layer *layer, lc_format format,
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
 * lc_qml_finish(). desc (borrowed) describes the layer. Call after the layer is written. LC_OK or
 * the writer's error. */
lc_status lc_qml_add(lc_context *ctx, lc_qml_set *set, const char *layer, lc_qml_kind kind,
                     const lc_qml_layer *desc);

/* GeoPackage: writes every kept style as the default style of its layer into the layer_styles
 * table (QGIS's columns; update_time fixed at 2000-01-01 so outputs stay byte-identical). Other
 * formats: nothing. Frees the set either way. LC_OK or the writer's error. */
lc_status lc_qml_finish(lc_context *ctx, lc_qml_set *set);

/* Releases the set (after an error). */
void lc_qml_set_free(lc_qml_set *set);

/* ---- neighbour colours (outputs/neighbours.c) ---- */

/* Catchments of one category this close (metres) count as neighbours: across a street. */
#define LC_CATCHMENT_NEIGHBOUR_M 50.0

/* Colours n areas (colours[n], 0 .. ncolours-1) so that two of one group (group[i] >= 0: a
 * category; -1: not coloured) whose geometries (borrowed; NULL: none) come within within_m metres of
 * each other differ, by DSatur (Brélaz 1979); when ncolours do not suffice (rare on maps) some
 * neighbours share one. Areas without neighbours get 0. The result depends on the input only.
 * LC_OK, LC_ERR_MISUSE (ncolours outside 1..64), LC_ERR_NOMEM or LC_ERR_GEOMETRY. */
lc_status lc_colour_areas(lc_context *ctx, const GEOSGeometry *const *geoms, const long *group, size_t n,
                          double within_m, int ncolours, int *colours);

/* As lc_colour_areas for n items of lines, neighbours when they have line ends at the same place (to
 * the millimetre; catchment streets meet where the nearest facility changes): ends[k] (nends of
 * them) is an end of a line of item[k]. */
lc_status lc_colour_lines(lc_context *ctx, const lc_xy *ends, const size_t *item, const long *group, size_t nends,
                          size_t n, int ncolours, int *colours);

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

/* ---- field lists with owned names (the layers of outputs/results.c and outputs/levels_out.c) ---- */

typedef struct field_list {
    lc_field_def *defs;
    size_t n, cap;
    char **owned;
    size_t nowned, capowned;
} field_list;

static inline void fields_free(field_list *fl)
{
    for (size_t i = 0; i < fl->nowned; i++)
        free(fl->owned[i]);
    free(fl->owned);
    free(fl->defs);
    memset(fl, 0, sizeof *fl);
}

/* Formats a string the list owns; NULL on failure. */
static inline const char *own(lc_context *ctx, field_list *fl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline const char *own(lc_context *ctx, field_list *fl, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (lc_grow(ctx, (void **)&fl->owned, &fl->capowned, fl->nowned + 1, sizeof *fl->owned) != LC_OK)
        return NULL;
    char *s = lc_strdup(ctx, buf);
    if (s)
        fl->owned[fl->nowned++] = s;
    return s;
}

/* Appends a field (strings must already live as long as the list). */
static inline lc_status add_field(lc_context *ctx, field_list *fl, const char *name, const char *short_name,
                           lc_field_type type, const char *zh, const char *en, const char *unit)
{
    if (!name || !short_name || !zh || !en)
        return LC_ERR_NOMEM;
    if (lc_grow(ctx, (void **)&fl->defs, &fl->cap, fl->n + 1, sizeof *fl->defs) != LC_OK)
        return LC_ERR_NOMEM;
    fl->defs[fl->n++] = (lc_field_def){.name = name, .short_name = short_name, .type = type,
                                       .width = type == LC_FIELD_STRING ? 80 : 0,
                                       .precision = type == LC_FIELD_REAL ? 4 : 0,
                                       .zh = zh, .en = en, .unit = unit ? unit : ""};
    return LC_OK;
}

static inline lc_value str_value(const char *s)
{
    return (lc_value){.is_null = s == NULL, .s = s};
}

static inline lc_value real_value(double d)
{
    return (lc_value){.is_null = !isfinite(d), .d = d};
}

static inline lc_value int_value(long long i)
{
    return (lc_value){.i = i};
}

/* ---- the administrative ladder (outputs/levels_out.c) ---- */

struct lc_results;
struct lc_indicators;

/* The `committees`, `areas` and `groups` layers of the levels the study has (each unit with its type,
 * parent, residents, households and every presence norm asked of it), styled as outlines labelled
 * with the name. LC_OK or the writer's error. */
lc_status lc_levels_write_layers(lc_context *ctx, struct lc_output *out, const struct lc_results *r,
                                 lc_qml_set *styles);

/* summary.json's `levels` object: per level below the 街镇 the study has, its units and, per presence
 * norm at it, the ids of the units lacking it. A new reference (jansson's json_t). */
struct json_t;
struct json_t *lc_levels_json(const struct lc_results *r);

/* One row of summary.csv (and the summary table) beyond the 街镇 and whole-area rows: a district row,
 * or one unit of a lower level and one presence norm asked of it (value 1 met / 0 not, target 1,
 * shortfall the facilities missing, numerator the facilities counting, denominator the minimum).
 * Strings borrowed from the results. */
typedef struct lc_summary_row {
    const char *level;     /* "district", "area", "committee", "group" */
    const char *id, *name;
    const char *parent;    /* the 街镇 (a group: the committee) it lies in, NULL */
    const char *district;  /* the district it lies in, NULL */
    size_t norm;           /* index into the profile's norms; an accessibility row: the entry's index */
    const lc_access_spec *access; /* an accessibility row (level "unit", "total" or "district"): its entry
                                     (lc_access_row_get), NULL for a norm's row */
    const char *code, *zh, *en, *source; /* the norm's, or "access_<code>" (in code_buf) and the entry's */
    char code_buf[80];
    lc_indicator x;
    const char *note;      /* why a 街镇, whole-area or district row has no value (lc_indicators_why_na), NULL */
} lc_summary_row;

/* The number of lower-level rows (each unit × presence norm asked of it), and the row-th of them
 * into *out: 0, or -1 past the end. */
size_t lc_summary_level_rows(const struct lc_results *r);
int lc_summary_level_row(const struct lc_results *r, size_t row, lc_summary_row *out);

/* A unit's type for tables: "村委会 villagers'" / "居委会 residents'" (committees, groups), "镇/乡 rural" /
 * "街道 urban" (units, areas), "" when unknown. Never freed. */
const char *lc_level_type_text(const struct lc_indicators *ind, lc_level level, size_t i);

/* The id of unit i of a level (NULL for -1). Borrowed. */
const char *lc_level_id(const struct lc_results *r, lc_level level, long i);

/* ---- spreadsheets (outputs/xlsx.c) ---- */

/* An .xlsx workbook being built in memory: sheets of typed columns, rows of lc_value. */
typedef struct lc_xlsx lc_xlsx;
#define LC_XLSX_MAX_COLUMNS 256

/* One column: its header is "<zh> <en>" (街镇名称 unit_name), its cells of type type. */
typedef struct lc_xlsx_column {
    const char *zh, *en;
    lc_field_type type;
} lc_xlsx_column;

/* A new, empty workbook. Caller finishes it with lc_xlsx_write() or lc_xlsx_destroy(); NULL with
 * LC_ERR_IO (no XLSX driver) or LC_ERR_NOMEM. */
lc_xlsx *lc_xlsx_create(lc_context *ctx);
/* Starts sheet name (at most 31 characters, Excel's limit) with n columns (borrowed for the call);
 * the rows that follow go to it. LC_OK, LC_ERR_MISUSE or LC_ERR_IO. */
lc_status lc_xlsx_sheet(lc_context *ctx, lc_xlsx *x, const char *name, const lc_xlsx_column *cols, size_t n);
/* Appends a row of the current sheet: one value per column (null, NaN, or NULL strings: empty cells). */
lc_status lc_xlsx_row(lc_context *ctx, lc_xlsx *x, const lc_value *values);
/* Zips the workbook and writes it as file into out (lc_output_write_file: atomically, with the rest).
 * Releases x whatever the outcome. LC_OK or the error. */
lc_status lc_xlsx_write(lc_context *ctx, lc_xlsx *x, struct lc_output *out, const char *file);
/* Releases an unfinished workbook; accepts NULL. */
void lc_xlsx_destroy(lc_xlsx *x);

/* summary.xlsx (outputs/summary_xlsx.c): the rows of summary.csv on sheet 汇总 summary, and one row
 * per 街镇 (and the whole area) with every norm's value, target and pass on sheet 街镇 units, headers
 * in Chinese and English, pass marks as 达标 pass / 未达标 fail / 不适用 n/a. LC_OK or the error. */
lc_status lc_summary_xlsx_write(lc_context *ctx, struct lc_output *out, const struct lc_results *r);

/* Row i of summary.csv (outputs/results_summary.c): every norm of each 街镇, the whole area and each
 * district, the lower levels' presence rows, then every accessibility entry of each 街镇, the whole
 * area and each district. 0, or -1 past the end. */
int lc_summary_row_at(const struct lc_results *r, size_t i, lc_summary_row *out);

/* PostGIS outputs: the table prefix when none is given, and the table text files go to (after the
 * prefix). */
#define LC_PG_DEFAULT_PREFIX "lc_"
#define LC_PG_METADATA "metadata"

#endif /* LIFECIRCLE_OUTPUTS_OUTPUT_INT_H */
