/*
 * layers/population_years.c — the study's per-year population table (`population_years:`, issue 16):
 * a CSV of 街镇 × year as a 统计年鉴 gives it (columns 街镇 / unit, 年份 / year, and any of 常住人口 /
 * population, 60岁以上户籍人口 / pop60, 65岁以上户籍人口 / pop65), read through OGR, checked row by row,
 * and looked up per 街镇 and year: linear between given years, held at the nearest given year
 * outside them (never extrapolated), with how each value was had. Applying it to the compounds is
 * run/run_progress.c's (lc_inputs_view_populations, layers/inputs.c).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/number_int.h"

/* One given row: a 街镇's values in a year (NAN where the cell is empty). */
typedef struct pop_row {
    size_t unit;
    int year;
    double v[3]; /* population, pop60, pop65 */
} pop_row;

struct lc_population_years {
    char *path;
    pop_row *rows; /* sorted by unit, then year */
    size_t n;
    int given[3];  /* non-zero: the table has that column */
};

/* The column names each role is found by (ASCII case-insensitive). */
static const char *const unit_names[] = {"unit", "unit_id", "unit_name", "街镇", "街镇编号", "街镇名称", "街道",
                                         "街道名称", "乡镇", "街道乡镇", NULL};
static const char *const year_names[] = {"year", "年份", "年度", "年", NULL};
static const char *const value_names[3][8] = {
    {"population", "常住人口", "常住人口数", "人口", "pop", NULL},
    {"pop60", "60岁以上户籍人口", "60岁及以上户籍人口", "户籍老年人口", "60岁以上户籍老年人口", "60岁及以上户籍老年人口",
     NULL},
    {"pop65", "65岁以上户籍人口", "65岁及以上户籍人口", "65岁以上户籍老年人口", "65岁及以上户籍老年人口", NULL},
};
static const char *const value_roles[3] = {"population", "pop60", "pop65"};

/* The index of the first field of defn named by one of names, or -1. */
static int find_column(OGRFeatureDefnH defn, const char *const *names)
{
    for (size_t k = 0; names[k]; k++)
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++)
            if (!strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), names[k]))
                return i;
    return -1;
}

/* Trims ASCII blanks and full-width spaces around s into buf. */
static const char *trimmed(const char *s, char *buf, size_t size)
{
    while (*s == ' ' || *s == '\t' || !strncmp(s, "\xe3\x80\x80", 3))
        s += *s == ' ' || *s == '\t' ? 1 : 3;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
        n -= 3;
    if (n >= size)
        n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static int cmp_rows(const void *a, const void *b)
{
    const pop_row *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return (x->year > y->year) - (x->year < y->year);
}

void lc_population_years_destroy(lc_population_years *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->rows);
    free(t);
}

/* The 街镇 of units whose id, else whose name, is text; -1 when none. */
static long unit_named(const lc_layer *units, const char *text)
{
    for (int by_name = 0; by_name < 2 && *text; by_name++)
        for (size_t u = 0; u < lc_layer_count(units); u++) {
            const lc_feature *f = lc_layer_feature(units, u);
            const char *key = by_name ? f->name : f->id;
            if (key && !strcmp(key, text))
                return (long)u;
        }
    return -1;
}

/* Reads one row (feature number fid of path) into *r. LC_OK, or LC_ERR_DATA naming the row and field. */
static lc_status read_row(lc_context *ctx, const char *path, OGRFeatureH f, long row, const int *col,
                          const lc_layer *units, pop_row *r)
{
    char ubuf[256], buf[256];
    const char *u = trimmed(OGR_F_GetFieldAsString(f, col[0]), ubuf, sizeof ubuf);
    long at = unit_named(units, u);
    if (at < 0)
        return lc_error(ctx, LC_ERR_DATA, "%s (row %ld, field %s): '%s' is the id or name of no 街镇 of the units "
                        "layer %s", path, row, OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, col[0])), u,
                        lc_layer_source(units));
    r->unit = (size_t)at;
    double y;
    const char *ys = trimmed(OGR_F_GetFieldAsString(f, col[1]), buf, sizeof buf);
    if (!lc_number_parse(ys, &y) || y != floor(y) || y < 1900 || y > 2100)
        return lc_error(ctx, LC_ERR_DATA, "%s (row %ld, field %s): '%s' is not a year (a whole number from 1900 to "
                        "2100)", path, row, OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, col[1])), ys);
    r->year = (int)y;
    int any = 0;
    for (int k = 0; k < 3; k++) {
        r->v[k] = NAN;
        if (col[2 + k] < 0)
            continue;
        const char *vs = trimmed(OGR_F_GetFieldAsString(f, col[2 + k]), buf, sizeof buf);
        if (!*vs)
            continue;
        double v;
        if (!lc_number_parse(vs, &v) || v < 0)
            return lc_error(ctx, LC_ERR_DATA, "%s (row %ld, field %s): '%s' is not a number of persons (0 or more, "
                            "digits only: no thousands separators)", path, row,
                            OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, col[2 + k])), vs);
        r->v[k] = v;
        any = 1;
    }
    if (!any)
        return lc_error(ctx, LC_ERR_DATA, "%s (row %ld): no population for 街镇 %s in %d (every population cell is "
                        "empty)", path, row, u, r->year);
    return LC_OK;
}

lc_population_years *lc_population_years_read(lc_context *ctx, const char *path, const lc_layer *units)
{
    if (!ctx)
        return NULL;
    if (!path || !units || !lc_layer_count(units)) {
        lc_error(ctx, LC_ERR_CONFIG, "population_years %s: a per-year population table needs the study's units "
                 "layer (街镇), which it names", path ? path : "(none)");
        return NULL;
    }
    lc_population_years *t = lc_calloc(ctx, 1, sizeof *t);
    if (!t || !(t->path = lc_strdup(ctx, path))) {
        free(t);
        return NULL;
    }
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH L = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!L) {
        lc_error(ctx, LC_ERR_IO, "population_years %s: cannot be read as a table (a CSV of 街镇, year and "
                 "population columns)", path);
        goto fail;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L);
    int col[5] = {find_column(defn, unit_names), find_column(defn, year_names), -1, -1, -1};
    for (int k = 0; k < 3; k++)
        col[2 + k] = find_column(defn, value_names[k]);
    if (col[0] < 0 || col[1] < 0 || (col[2] < 0 && col[3] < 0 && col[4] < 0)) {
        lc_error(ctx, LC_ERR_FIELD, "population_years %s: no %s column (the table needs 街镇 or unit, 年份 or year, "
                 "and one or more of 常住人口 / population, 60岁以上户籍人口 / pop60, 65岁以上户籍人口 / pop65)", path,
                 col[0] < 0 ? "街镇 (unit)" : col[1] < 0 ? "年份 (year)" : "population");
        goto fail;
    }
    for (int k = 0; k < 3; k++)
        t->given[k] = col[2 + k] >= 0;
    size_t cap = 0;
    OGRFeatureH f;
    long row = 1; /* the header is row 1 */
    OGR_L_ResetReading(L);
    while ((f = OGR_L_GetNextFeature(L))) {
        row++;
        pop_row r;
        lc_status st = read_row(ctx, path, f, row, col, units, &r);
        OGR_F_Destroy(f);
        if (st != LC_OK || (t->n == cap && lc_grow(ctx, (void **)&t->rows, &cap, t->n + 1, sizeof *t->rows) != LC_OK))
            goto fail;
        t->rows[t->n++] = r;
    }
    GDALClose(ds);
    ds = NULL;
    qsort(t->rows, t->n, sizeof *t->rows, cmp_rows);
    for (size_t i = 1; i < t->n; i++)
        if (t->rows[i].unit == t->rows[i - 1].unit && t->rows[i].year == t->rows[i - 1].year) {
            const lc_feature *u = lc_layer_feature(units, t->rows[i].unit);
            lc_error(ctx, LC_ERR_DATA, "population_years %s: 街镇 %s (%s) is given twice for %d; give each 街镇 "
                     "and year once", path, u->id, u->name ? u->name : u->id, t->rows[i].year);
            goto fail;
        }
    if (!t->n) {
        lc_error(ctx, LC_ERR_DATA, "population_years %s: no rows", path);
        goto fail;
    }
    return t;
fail:
    if (ds)
        GDALClose(ds);
    lc_population_years_destroy(t);
    return NULL;
}

double lc_population_years_value(const lc_population_years *t, size_t unit, int kind, int year,
                                 lc_population_how *how)
{
    lc_population_how h = LC_POPULATION_NONE;
    double v = NAN;
    if (t && kind >= 0 && kind < 3) {
        /* the given years of this 街镇 and kind bracketing year */
        const pop_row *lo = NULL, *hi = NULL;
        for (size_t i = 0; i < t->n; i++) {
            const pop_row *r = &t->rows[i];
            if (r->unit != unit || isnan(r->v[kind]))
                continue;
            if (r->year <= year)
                lo = r;
            if (r->year >= year && !hi)
                hi = r;
        }
        if (lo && lo->year == year) {
            v = lo->v[kind], h = LC_POPULATION_GIVEN;
        } else if (lo && hi) {
            v = lo->v[kind] + (hi->v[kind] - lo->v[kind]) * (double)(year - lo->year) / (double)(hi->year - lo->year);
            h = LC_POPULATION_INTERPOLATED;
        } else if (lo || hi) {
            v = (lo ? lo : hi)->v[kind], h = LC_POPULATION_HELD;
        }
    }
    if (how)
        *how = h;
    return v;
}

int lc_population_years_has(const lc_population_years *t, int kind)
{
    return t && kind >= 0 && kind < 3 ? t->given[kind] : 0;
}

const char *lc_population_years_path(const lc_population_years *t)
{
    return t ? t->path : NULL;
}

const char *lc_population_kind_name(int kind)
{
    return kind >= 0 && kind < 3 ? value_roles[kind] : "unknown";
}
