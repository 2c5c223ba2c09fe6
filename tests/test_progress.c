/*
 * tests/test_progress.c — `lifecircle progress` (issue 16): the series of every norm over the years
 * with the facilities open in each (opening and closing years), the paces and the year the target is
 * reached, against values worked by hand below; the three files (progress.csv, .json, .xlsx) and the
 * report's section; the command's exit codes; bad years refused naming the file, feature and field.
 */
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/lc_test.h"

/* Two 街镇, U1 = [0,3000]×[0,3000] and U2 = [3000,6000]×[0,3000], and three compounds inside them:
 *   R1 [900,1000]×[900,1000]    in U1, 1,000 residents, 200 aged 65+
 *   R3 [100,200]×[2800,2900]    in U1, 1,000 residents, 200 aged 65+
 *   R2 [4800,5000]×[800,1000]   in U2, 3,000 residents, 600 aged 65+
 * Facilities (straight-line reach 1000 m for all four categories):
 *   C1 centre (1000,1000)   100 m², opened 2020: reaches R1 (farthest corner 141 m), not R3 (nearest
 *                           corner (200,2800): √(800² + 1800²) = 1970 m) nor R2
 *   C2 centre (5000,1000)   200 m², opened 2022: reaches R2 (farthest corner (4800,800): 283 m)
 *   C3 centre (150,2500)     50 m², opened 2024: after the last year measured, so in no year
 *   K1 canteen (5100,1100)   40 m², 60 meals, opened 2021, in U2
 *   M1 meal point (950,1050) 30 m², 40 meals, opened 2020, closed 2023, in U1
 *   RP rental point (1000,1100) 10 m², no opening year: open in every year
 * Years 2020-2023, target year 2025. By hand (x̄ of the years 2021.5, Σ(y − ȳ)² = 5):
 *   circle_centre, whole area: 1000/5000 = 0.2, 0.2, then C2 adds R2: 4000/5000 = 0.8, 0.8.
 *     slope = [(-1.5)(-0.3) + (-0.5)(-0.3) + (0.5)(0.3) + (1.5)(0.3)] / 5 = 1.2 / 5 = 0.24 a year;
 *     needed (1 − 0.8) / (2025 − 2023) = 0.1 a year; reached 2023 + ⌈0.2 / 0.24⌉ = 2024: on track.
 *   circle_centre, U1: 1000/2000 = 0.5 every year: slope 0, needed 0.25: not at today's pace.
 *   circle_centre, U2: 0, 0, 1, 1: slope 2 / 5 = 0.4; met from 2022: reached 2022, needed 0.
 *   floor_area, whole area (m² per 1,000 of 5,000): 2020 C1+M1+RP = 140 → 28; 2021 +K1 = 180 → 36;
 *     2022 +C2 = 380 → 76; 2023 −M1 = 350 → 70. Mean 52.5, slope [(-1.5)(-24.5) + (-0.5)(-16.5) +
 *     (0.5)(23.5) + (1.5)(17.5)] / 5 = 83 / 5 = 16.6; met (≥ 40) in 2022 and 2023: reached 2022.
 *   floor_area, U1 (of 2,000): 140 → 70, 70, 70, then 110 → 55. U2 (of 3,000): 0, 40 → 13.333…,
 *     240 → 80, 80.
 *   meal_capacity, whole area (meals / 1,000 aged 65+): 40 → 0.04, +60 → 0.10, 0.10, −40 → 0.06;
 *     met (≥ 0.05) from 2021: reached 2021.
 *   canteen_units, whole area (share of 街镇 with a canteen): 0, 0.5, 0.5, 0.5. Mean 0.375, slope
 *     [(-1.5)(-0.375) + (-0.5)(0.125) + (0.5)(0.125) + (1.5)(0.125)] / 5 = 0.75 / 5 = 0.15; needed
 *     (1 − 0.5) / 2 = 0.25; reached 2023 + ⌈0.5 / 0.15⌉ = 2023 + ⌈3.33⌉ = 2027: late. */
#define SQ(x0, y0, x1, y1) "[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," #y1 "],[" #x0 "," #y0 "]]]"
static const char *RES = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":1000,\"pop65\":200},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(900, 900, 1000, 1000) "}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R3\",\"常住人口\":1000,\"pop65\":200},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(100, 2800, 200, 2900) "}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"常住人口\":3000,\"pop65\":600},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(4800, 800, 5000, 1000) "}}]}";
static const char *UNITS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"name\":\"西街道\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(0, 0, 3000, 3000) "}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"name\":\"东街道\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(3000, 0, 6000, 3000) "}}]}";
#define FAC_HEAD "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
#define F_C1 "{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"类型\":\"centre\",\"建筑面积\":100,\"开业年份\":2020}," \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1000,1000]}}"
#define F_C2 "{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"类型\":\"centre\",\"建筑面积\":200,\"开业年份\":2022}," \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[5000,1000]}}"
#define F_C3 "{\"type\":\"Feature\",\"properties\":{\"id\":\"C3\",\"类型\":\"centre\",\"建筑面积\":50,\"开业年份\":2024}," \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[150,2500]}}"
#define F_K1 "{\"type\":\"Feature\",\"properties\":{\"id\":\"K1\",\"类型\":\"canteen\",\"建筑面积\":40,\"meals\":60," \
    "\"开业年份\":2021},\"geometry\":{\"type\":\"Point\",\"coordinates\":[5100,1100]}}"
#define F_M1 "{\"type\":\"Feature\",\"properties\":{\"id\":\"M1\",\"类型\":\"meal_point\",\"建筑面积\":30,\"meals\":40," \
    "\"开业年份\":2020,\"关闭年份\":2023},\"geometry\":{\"type\":\"Point\",\"coordinates\":[950,1050]}}"
#define F_RP "{\"type\":\"Feature\",\"properties\":{\"id\":\"RP\",\"类型\":\"rental_point\",\"建筑面积\":10}," \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1000,1100]}}"
#define FAC_BODY F_C1 "," F_C2 "," F_C3 "," F_K1 "," F_M1 "," F_RP
static const char *FAC = FAC_HEAD FAC_BODY "]}";
/* The same without C2 (for compare). */
static const char *FAC_NO_C2 = FAC_HEAD F_C1 "," F_C3 "," F_K1 "," F_M1 "," F_RP "]}";

/* Streets for network mode: y = 950 across both 街镇, and x = 150, 1000 and 5000 from south to north. */
static const char *ROADS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[0,950],[150,950],[1000,950],[5000,950],[6000,950]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[150,0],[150,950],[150,3000]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[1000,0],[1000,950],[1000,3000]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[5000,0],[5000,950],[5000,3000]]}}]}";

typedef struct world {
    char *dir, *res, *fac, *units, *out;
    lc_study *study;
} world;

/* Writes the fixture (facilities fac) into a fresh directory and a study naming it, output <dir>/out. */
static world make(const char *fac)
{
    world w = {.dir = lct_tmpdir()};
    w.res = lct_path(w.dir, "res.geojson");
    w.fac = lct_path(w.dir, "fac.geojson");
    w.units = lct_path(w.dir, "units.geojson");
    w.out = lct_path(w.dir, "out");
    ck_assert_int_eq(lct_fixture(w.res, "GeoJSON", RES, NULL), 0);
    ck_assert_int_eq(lct_fixture(w.fac, "GeoJSON", fac, NULL), 0);
    ck_assert_int_eq(lct_fixture(w.units, "GeoJSON", UNITS, NULL), 0);
    w.study = lc_study_create(lct_ctx);
    ck_assert_ptr_nonnull(w.study);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "residential.path", w.res), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "facilities.path", w.fac), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "units.path", w.units), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "output", w.out), LC_OK);
    return w;
}

static void unmake(world *w)
{
    lc_study_destroy(w->study);
    lct_rmtree(w->dir);
    free(w->dir), free(w->res), free(w->fac), free(w->units), free(w->out);
}

/* The index of the norm with this code in profile p. */
static size_t norm_index(const lc_profile *p, const char *code)
{
    for (size_t k = 0; k < lc_profile_norm_count(p); k++)
        if (!strcmp(lc_profile_norm(p, k)->code, code))
            return k;
    ck_abort_msg("no norm %s", code);
    return 0;
}

/* Asserts a cell's four values against the hand-worked ones (NAN: none). */
static void assert_series(const lc_trend *t, size_t row, size_t k, const double v[4])
{
    lc_trend_cell c;
    ck_assert_int_eq(lc_trend_cell_get(t, row, k, &c), LC_OK);
    for (int y = 0; y < 4; y++)
        ck_assert_msg(fabs(c.values[y] - v[y]) < 1e-9, "row %zu norm %zu year %d: %.12g, by hand %.12g", row, k,
                      2020 + y, c.values[y], v[y]);
}

static void assert_pace(const lc_trend *t, size_t row, size_t k, double needed, double achieved, double reached,
                        lc_trend_status status)
{
    lc_trend_cell c;
    ck_assert_int_eq(lc_trend_cell_get(t, row, k, &c), LC_OK);
    ck_assert_msg(fabs(c.pace_needed - needed) < 1e-9, "row %zu norm %zu: needed %.12g, by hand %.12g", row, k,
                  c.pace_needed, needed);
    ck_assert_msg(fabs(c.pace_achieved - achieved) < 1e-9, "row %zu norm %zu: achieved %.12g, by hand %.12g", row,
                  k, c.pace_achieved, achieved);
    if (isnan(reached))
        ck_assert_msg(isnan(c.reached_year), "row %zu norm %zu: reached %g, by hand none", row, k, c.reached_year);
    else
        ck_assert_msg(c.reached_year == reached, "row %zu norm %zu: reached %g, by hand %g", row, k, c.reached_year,
                      reached);
    ck_assert_int_eq(c.status, status);
}

static const int YEARS[] = {2020, 2021, 2022, 2023};

START_TEST(series_and_pace_by_hand)
{
    world w = make(FAC);
    lc_progress_run_options po = LC_PROGRESS_RUN_OPTIONS_INIT;
    po.years = YEARS;
    po.nyears = 4;
    po.target_year = 2025;
    lc_run *run = lc_run_progress(lct_ctx, w.study, NULL, &po);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    const lc_trend *t = lc_run_trend(run);
    const lc_profile *p = lc_run_profile(run);
    ck_assert_uint_eq(lc_trend_year_count(t), 4);
    ck_assert_uint_eq(lc_trend_row_count(t), 3); /* U1, U2, the whole area */
    size_t cc = norm_index(p, "circle_centre"), fa = norm_index(p, "floor_area"), mc = norm_index(p, "meal_capacity"),
           cu = norm_index(p, "canteen_units");
    assert_series(t, 2, cc, (double[]){0.2, 0.2, 0.8, 0.8});
    assert_pace(t, 2, cc, 0.1, 0.24, 2024, LC_TREND_ON_TRACK);
    assert_series(t, 0, cc, (double[]){0.5, 0.5, 0.5, 0.5});
    assert_pace(t, 0, cc, 0.25, 0, NAN, LC_TREND_NOT_AT_PACE);
    assert_series(t, 1, cc, (double[]){0, 0, 1, 1});
    assert_pace(t, 1, cc, 0, 0.4, 2022, LC_TREND_REACHED);
    assert_series(t, 2, fa, (double[]){28, 36, 76, 70});
    assert_pace(t, 2, fa, 0, 16.6, 2022, LC_TREND_REACHED);
    assert_series(t, 0, fa, (double[]){70, 70, 70, 55});
    assert_series(t, 1, fa, (double[]){0, 40.0 / 3, 80, 80});
    assert_series(t, 2, mc, (double[]){0.04, 0.10, 0.10, 0.06});
    assert_pace(t, 2, mc, 0, (-1.5 * -0.035 + -0.5 * 0.025 + 0.5 * 0.025 + 1.5 * -0.015) / 5, 2021, LC_TREND_REACHED);
    assert_series(t, 2, cu, (double[]){0, 0.5, 0.5, 0.5});
    assert_pace(t, 2, cu, 0.25, 0.15, 2027, LC_TREND_LATE);
    size_t nn = lc_profile_norm_count(p);
    lc_run_destroy(run);

    /* the files: progress.json holds the same numbers (read back with jansson), progress.csv the
     * bilingual headers and a column per year, progress.xlsx one row per (row, norm) */
    char *path = lct_path(w.out, "progress.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_msg(root, "progress.json: %s", err.text);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "target_year")), 2025);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "facilities_without_opening_year")), 1);
    /* open: 2020 C1 M1 RP; 2021 +K1; 2022 +C2; 2023 −M1 */
    const int open[] = {3, 4, 5, 4};
    for (int y = 0; y < 4; y++)
        ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(root, "facilities_open"), y)), open[y]);
    json_t *total = json_array_get(json_object_get(root, "rows"), 2);
    ck_assert_str_eq(json_string_value(json_object_get(total, "id")), "total");
    json_t *c = json_object_get(json_object_get(total, "indicators"), "canteen_units");
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_object_get(c, "values"), "2021")), 0.5, 1e-12);
    ck_assert_int_eq(json_integer_value(json_object_get(c, "reached_in_year")), 2027);
    ck_assert_str_eq(json_string_value(json_object_get(c, "status")), "late");
    json_decref(root);
    free(path);
    path = lct_path(w.out, "progress.csv");
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[4096];
    const char *head = fgets(buf, sizeof buf, f);
    ck_assert_ptr_nonnull(head);
    lct_assert_contains(head, "2020年 2020");
    lct_assert_contains(head, "2023年 2023");
    lct_assert_contains(head, "所需年均进度 pace_needed_per_year");
    size_t lines = 0;
    char line[4096];
    while (fgets(line, sizeof line, f))
        lines++;
    fclose(f);
    ck_assert_uint_eq(lines, 3 * nn); /* 3 rows × 13 norms */
    free(path);
    path = lct_path(w.out, "progress.xlsx");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH sheet = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(sheet, 1), 39);
    GDALClose(ds);
    free(path);
    unmake(&w);
}
END_TEST

/* Population per year (`population_years:`), the fixture above with this table (U2 by its name):
 *   U1: 常住人口 1,600 in 2020 and 2,400 in 2022, pop65 not given;
 *   东街道 (U2): 常住人口 3,000 in 2021 and 3,600 in 2023, pop65 500 and 700.
 * By hand, each 街镇's compounds scaled in today's proportions (R1 = R3 = half of U1, R2 all of U2):
 *   U1 population: 2020 1,600 (given), 2021 2,000 (linear), 2022 2,400, 2023 2,400 (held at 2022:
 *      not extrapolated) → R1 800, 1,000, 1,200, 1,200; U1 pop65 today's 400 in every year.
 *   U2 population: 2020 3,000 (held at 2021), 2021 3,000, 2022 3,300 (linear), 2023 3,600;
 *      pop65 500 (held), 500, 600, 700.
 *   circle_centre, whole area (C1 reaches R1; C2, from 2022, R2): 800 / 4,600, 1,000 / 5,000,
 *      (1,200 + 3,300) / 5,700, (1,200 + 3,600) / 6,000; U1 0.5 every year.
 *   floor_area, whole area (140, 180, 380, 350 m², fixture comment): 140 / 4.6, 180 / 5, 380 / 5.7,
 *      350 / 6 per 1,000; U2 (0, 40, 240, 240 m²): 0, 40 / 3, 240 / 3.3, 240 / 3.6.
 *   meal_capacity, whole area (40, 100, 100, 60 meals): 40 / 900, 100 / 900, 100 / 1,000, 60 / 1,100. */
START_TEST(population_per_year_by_hand)
{
    world w = make(FAC);
    char *csv = lct_path(w.dir, "pop.csv");
    ck_assert_int_eq(lct_write_text(csv, "街镇,年份,常住人口,65岁以上户籍人口\n"
                                         "U1,2020,1600,\n"
                                         "U1,2022,2400,\n"
                                         "东街道,2021,3000,500\n"
                                         "东街道,2023,3600,700\n"), 0);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "population_years", csv), LC_OK);
    lc_progress_run_options po = LC_PROGRESS_RUN_OPTIONS_INIT;
    po.years = YEARS;
    po.nyears = 4;
    po.target_year = 2025;
    lc_run *run = lc_run_progress(lct_ctx, w.study, NULL, &po);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    const lc_trend *t = lc_run_trend(run);
    const lc_profile *p = lc_run_profile(run);
    size_t cc = norm_index(p, "circle_centre"), fa = norm_index(p, "floor_area"), mc = norm_index(p, "meal_capacity");
    assert_series(t, 2, cc, (double[]){800.0 / 4600, 1000.0 / 5000, 4500.0 / 5700, 4800.0 / 6000});
    assert_series(t, 0, cc, (double[]){0.5, 0.5, 0.5, 0.5});
    assert_series(t, 2, fa, (double[]){140 / 4.6, 180 / 5.0, 380 / 5.7, 350 / 6.0});
    assert_series(t, 1, fa, (double[]){0, 40 / 3.0, 240 / 3.3, 240 / 3.6});
    assert_series(t, 2, mc, (double[]){40.0 / 900, 100.0 / 900, 100.0 / 1000, 60.0 / 1100});
    lc_run_destroy(run);
    /* progress.json says how the populations were taken */
    char *path = lct_path(w.out, "progress.json");
    char *text = lct_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    lct_assert_contains(text, "pop.csv");
    lct_assert_contains(text, "never extrapolated");
    free(text), free(path);

    /* bad tables: named file, row and field */
    static const struct {
        const char *body, *msg;
    } bad[] = {
        {"街镇,年份,常住人口\nU1,2020,1600\nU9,2021,100\n", "(row 3, field 街镇): 'U9' is the id or name of no 街镇"},
        {"街镇,年份,常住人口\nU1,二〇二〇,1600\n", "(row 2, field 年份): '二〇二〇' is not a year"},
        {"街镇,年份,常住人口\nU1,2020,\"1,600\"\n", "(row 2, field 常住人口): '1,600' is not a number of persons"},
        {"街镇,年份,常住人口\nU1,2020,-5\n", "(row 2, field 常住人口): '-5' is not a number of persons"},
        {"街镇,年份,常住人口\nU1,2020,1600\n西街道,2020,1700\n", "街镇 U1 (西街道) is given twice for 2020"},
        {"unit,population\nU1,1600\n", "no 年份 (year) column"},
        {"街镇,年份,常住人口\nU1,2020,\n", "no population for 街镇 U1 in 2020"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ck_assert_int_eq(lct_write_text(csv, bad[k].body), 0);
        lct_rmtree(w.out);
        lc_run *r = lc_run_progress(lct_ctx, w.study, NULL, &po);
        ck_assert_msg(r == NULL, "bad table %zu accepted", k);
        lct_assert_contains(lc_context_errmsg(lct_ctx), "pop.csv");
        lct_assert_contains(lc_context_errmsg(lct_ctx), bad[k].msg);
    }
    free(csv);
    unmake(&w);
}
END_TEST

/* The command: the years from --years, exit 1 (canteen_units is late in the whole area), the
 * report holds the progress section; a year that is no year is refused naming file, feature, field. */
START_TEST(command_and_report)
{
    world w = make(FAC);
    char *report = lct_path(w.dir, "report"), args[4096], *out = NULL;
    snprintf(args, sizeof args, "progress --residential '%s' --facilities '%s' --units '%s' -o '%s' --years "
             "2020,2021,2022,2023 --target-year 2025 --report '%s'", w.res, w.fac, w.units, w.out, report);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    lct_assert_contains(out, "1 of 6 facilities have no opening year");
    lct_assert_contains(out, "late 按当前进度将逾期达标");
    free(out);
    char *html = lct_path(report, "report.html"), *text = lct_read_file(html, NULL);
    lct_assert_contains(text, "<section id=\"progress\">");
    lct_assert_contains(text, "Progress toward 2025");
    /* the report is 2023's, with its accessibility map: meals within reach per 65+ (K1's 60 meals;
     * M1 closed in 2023), drawn as a PNG (base64 of the PNG signature) */
    const char *fig = strstr(text, "<figure data-access=\"meals\"><img alt=");
    ck_assert_msg(fig != NULL, "the progress report has no accessibility map");
    lct_assert_contains(fig, "src=\"data:image/png;base64,iVBORw0KGgo");
    free(text);
    free(html);
    free(report);

    /* no years at all */
    snprintf(args, sizeof args, "progress --residential '%s' --facilities '%s' -o '%s/x'", w.res, w.fac, w.dir);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "no years to measure");
    free(out);
    snprintf(args, sizeof args, "progress --residential '%s' --facilities '%s' -o '%s/x' --years 2021,2020", w.res,
             w.fac, w.dir);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "2020 after 2021");
    free(out);
    unmake(&w);

    /* an opening year of 2020.5 and a closing year before the opening one */
    world b = make(FAC_HEAD FAC_BODY ",{\"type\":\"Feature\",\"properties\":{\"id\":\"X1\",\"类型\":\"centre\","
                   "\"建筑面积\":10,\"开业年份\":2020.5},\"geometry\":{\"type\":\"Point\",\"coordinates\":[900,900]}},"
                   "{\"type\":\"Feature\",\"properties\":{\"id\":\"X2\",\"类型\":\"centre\",\"建筑面积\":10,"
                   "\"开业年份\":2022,\"关闭年份\":2021},\"geometry\":{\"type\":\"Point\",\"coordinates\":[900,900]}}]}");
    snprintf(args, sizeof args, "progress --residential '%s' --facilities '%s' -o '%s' --years 2020", b.res, b.fac,
             b.out);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "X1");
    lct_assert_contains(out, "开业年份");
    lct_assert_contains(out, "opened 2020.5 is not a year");
    lct_assert_contains(out, "X2");
    lct_assert_contains(out, "closed 2021 is not after opened 2022");
    free(out);
    struct stat st;
    ck_assert_int_ne(stat(b.out, &st), 0); /* nothing written */
    unmake(&b);
}
END_TEST

/* The series in a study file: years as a YAML list (stored comma-joined), target_year checked. */
START_TEST(study_keys)
{
    char *dir = lct_tmpdir(), *path = lct_path(dir, "s.yml");
    ck_assert_int_eq(lct_write_text(path, "years: [2020, 2022, 2023]\ntarget_year: 2025\n"), 0);
    lc_study *s = lc_study_load(lct_ctx, path);
    ck_assert_msg(s, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "years"), "2020,2022,2023");
    ck_assert_str_eq(lc_study_get(s, "target_year"), "2025");
    lc_study_destroy(s);
    ck_assert_int_eq(lct_write_text(path, "target_year: 2025.5\n"), 0);
    ck_assert_ptr_null(lc_study_load(lct_ctx, path));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "'target_year' must be a year");
    lct_rmtree(dir);
    free(dir), free(path);
}
END_TEST

/* compare of two checks built to differ by one facility: run A has every facility of the fixture
 * (a check counts them all, whatever their years), run B the same without C2 (the centre of U2, 200
 * m²). By construction only the cells C2 enters change:
 *   U2 circle_centre   1 → 0     (R2 loses its only centre)                      pass → fail
 *   U2 floor_area      (200 + 40) / 3000 × 1000 = 80 → 40 / 3 = 13.33…             pass → fail
 *   total circle_centre (1000 + 1000 + 3000) / 5000 = 1 → 2000 / 5000 = 0.4        pass → fail
 *   total floor_area   (100+200+50+40+30+10) / 5 = 86 → 230 / 5 = 46              still pass
 * U1's cells and every other norm (life circle, rental point and canteen per 街镇, meals) are
 * untouched, and must not be listed; A against itself lists nothing. */
START_TEST(compare_lists_exactly_the_changed_cells)
{
    world a = make(FAC), b = make(FAC_NO_C2);
    lc_run *ra = lc_run_check(lct_ctx, a.study, NULL);
    ck_assert_msg(ra, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(ra);
    lc_run *rb = lc_run_check(lct_ctx, b.study, NULL);
    ck_assert_msg(rb, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(rb);
    char *csv = lct_path(a.dir, "changes.csv");
    lc_compare_run_options o = LC_COMPARE_RUN_OPTIONS_INIT;
    o.output = csv;
    lc_comparison *c = lc_run_compare(lct_ctx, a.out, b.out, &o);
    ck_assert_msg(c, "%s", lc_context_errmsg(lct_ctx));
    static const struct {
        const char *row, *norm;
        double before, after;
        int flip;
    } want[] = {{"U2", "circle_centre", 1, 0, 1},
                {"U2", "floor_area", 80, 40.0 / 3, 1},
                {"total", "circle_centre", 1, 0.4, 1},
                {"total", "floor_area", 86, 46, 0}};
    ck_assert_uint_eq(lc_comparison_count(c), 4);
    for (size_t i = 0; i < 4; i++) {
        const lc_change *ch = lc_comparison_get(c, i);
        ck_assert_str_eq(ch->row_id, want[i].row);
        ck_assert_str_eq(ch->norm, want[i].norm);
        ck_assert_double_eq_tol(ch->before, want[i].before, 1e-9);
        ck_assert_double_eq_tol(ch->after, want[i].after, 1e-9);
        ck_assert_double_eq_tol(ch->change, want[i].after - want[i].before, 1e-9);
        ck_assert_int_eq(ch->flip, want[i].flip);
        ck_assert_int_eq(ch->row, LC_CHANGE_ROW_BOTH);
    }
    lc_comparison_destroy(c);
    char *text = lct_read_file(csv, NULL);
    ck_assert_ptr_nonnull(text);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, 5); /* the header and the four cells */
    lct_assert_contains(text, "原值 before");
    lct_assert_contains(text, "pass→fail 达标→未达标");
    free(text);
    /* an existing file is not replaced without overwrite */
    ck_assert_ptr_null(lc_run_compare(lct_ctx, a.out, b.out, &o));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "exists");

    c = lc_run_compare(lct_ctx, a.out, a.out, NULL);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(lc_comparison_count(c), 0);
    lc_comparison_destroy(c);

    /* the command: exit 1 with changes, 0 without; a progress.json and another profile refused */
    char args[4096], *out = NULL;
    snprintf(args, sizeof args, "compare '%s' '%s'", a.out, b.out);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    lct_assert_contains(out, "4 changed cells");
    lct_assert_contains(out, "13.3");
    free(out);
    snprintf(args, sizeof args, "compare '%s' '%s/summary.json'", b.out, b.out);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    free(out);
    char *sum = lct_path(a.out, "summary.json"), *s = lct_read_file(sum, NULL), *edited = lct_path(a.dir, "other.json");
    char *at = strstr(s, "\"shanghai-2025\"");
    ck_assert_ptr_nonnull(at);
    memcpy(at + 1, "yangpu-20", 9); /* the same length: "yangpu-2025" */
    ck_assert_int_eq(lct_write_text(edited, s), 0);
    snprintf(args, sizeof args, "compare '%s' '%s'", a.out, edited);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "profile");
    free(out);
    lc_progress_run_options po = LC_PROGRESS_RUN_OPTIONS_INIT;
    po.years = YEARS;
    po.nyears = 4;
    char *pout = lct_path(b.dir, "progress");
    ck_assert_int_eq(lc_study_set(lct_ctx, b.study, "output", pout), LC_OK);
    lc_run *rp = lc_run_progress(lct_ctx, b.study, NULL, &po);
    ck_assert_msg(rp, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(rp);
    snprintf(args, sizeof args, "compare '%s' '%s/progress.json'", a.out, pout);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "it is a progress.json");
    free(out);
    free(pout), free(sum), free(s), free(edited), free(csv);
    unmake(&a);
    unmake(&b);
}
END_TEST

/* The number at key (a JSON number) of object o. */
static double jreal(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* The value of norm on row i of a summary's rows. */
static double row_value(const json_t *rows, size_t i, const char *norm)
{
    return jreal(json_object_get(json_object_get(json_array_get(rows, i), "indicators"), norm), "value");
}

/* The siting row of unit id in a site run's summary (its "after" table). */
static const json_t *site_row(const json_t *siting, const char *id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(siting, "rows"), i, r) if (!strcmp(json_string_value(json_object_get(r, "unit_id")), id)) return r;
    ck_abort_msg("no siting row %s", id);
    return NULL;
}

/* check --with-proposals after a site run: R2 is made 2600 m square, so no one centre reaches all of
 * it; the site run (straight line, one centre, mclp) states in its after table how much of U2 and of
 * the whole area its proposal brings within reach (queries/siting.c's exact recount). The check with
 * the proposal added computes the same coverage again by the check's own path (queries/coverage*.c):
 * its circle_centre per 街镇 and for the whole area must equal the site run's after shares, its floor
 * area per 1,000 in U2 must be (40 m² of K1 + the proposal's suggested floor area, read from the
 * proposals layer with OGR) / 3,000 × 1,000, and the summary says one proposal was added. */
/* The meals a proposal of the site run in dir carries, and where it stands. */
static double proposal_meals(const char *dir, double *x, double *y)
{
    char *p = lct_path(dir, "proposals.geojson");
    GDALDatasetH ds = GDALOpenEx(p, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(L, 1), 1);
    OGRFeatureH f = OGR_L_GetNextFeature(L);
    ck_assert_ptr_nonnull(f);
    int k = OGR_F_GetFieldIndex(f, "meals");
    ck_assert_msg(k >= 0 && OGR_F_IsFieldSetAndNotNull(f, k), "the proposal carries no meals");
    double meals = OGR_F_GetFieldAsDouble(f, k);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "category")), "centre");
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    *x = OGR_G_GetX(g, 0), *y = OGR_G_GetY(g, 0);
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(p);
    return meals;
}

/* E2SFCA as shanghai-2025's `meals` entry defines it (bands ≤ 333 m → 1, ≤ 667 → 0.68, ≤ 1,000 →
 * 0.22, straight line from each compound's centre), written out here for n facilities at fx, fy
 * with meals S over the three compounds of with_proposals_reflects_the_site_run; A per compound. */
static void plain_e2sfca(size_t n, const double *fx, const double *fy, const double *S, double A[3])
{
    static const double cx[3] = {950, 150, 4500}, cy[3] = {950, 2850, 1500}, P[3] = {200, 200, 600};
    for (int i = 0; i < 3; i++)
        A[i] = 0;
    for (size_t j = 0; j < n; j++) {
        double w[3], D = 0;
        for (int i = 0; i < 3; i++) {
            double d = hypot(cx[i] - fx[j], cy[i] - fy[j]);
            w[i] = d <= 333 ? 1 : d <= 667 ? 0.68 : d <= 1000 ? 0.22 : 0;
            D += w[i] * P[i];
        }
        for (int i = 0; D > 0 && i < 3; i++)
            A[i] += w[i] * S[j] / D;
    }
}

/* check --with-proposals (run rc, the site run's output in site_dir): the proposal carries the
 * profile's typical meals for a centre (97 a day: SH L59, 120,000 meals over 1,232 venues), so the
 * meal capacity and its accessibility move. By hand, before: M1 (40 meals at (950, 1050)) reaches
 * R1 (centre (950, 950), 100 m, weight 1) only: R_M1 = 40 / 200 = 0.2; K1 (60 at (5100, 1100))
 * reaches R2 (centre (4500, 1500), √(600² + 400²) = 721 m, weight 0.22) only: R_K1 = 60 / 132;
 * A_R1 = 0.2, A_R2 = 0.22 · 60 / 132 = 0.1, A_R3 = 0. After: the same with the proposal's 97 meals
 * where the site run put it (plain_e2sfca). The whole area's meal_capacity: 100 → 197 meals over
 * 1,000 aged 65+. */
static void proposals_move_accessibility(lc_run *rc, const char *site_dir, const char *dir)
{
    double px, py, meals = proposal_meals(site_dir, &px, &py);
    ck_assert_double_eq_tol(meals, 97, 1e-12);
    const lc_results *res = lc_run_results(rc);
    const lc_access *acc = res->access;
    ck_assert_ptr_nonnull(acc);
    size_t s = 0;
    while (s < lc_access_count(acc) && strcmp(lc_access_spec_of(acc, s)->code, "meals"))
        s++;
    ck_assert_uint_lt(s, lc_access_count(acc));
    double fx[3] = {950, 5100, px}, fy[3] = {1050, 1100, py}, S[3] = {40, 60, meals}, before[3], after[3];
    plain_e2sfca(2, fx, fy, S, before);
    plain_e2sfca(3, fx, fy, S, after);
    ck_assert_double_eq_tol(before[0], 0.2, 1e-12);
    ck_assert_double_eq_tol(before[2], 0.1, 1e-12);
    ck_assert_msg(fabs(after[0] - before[0]) + fabs(after[1] - before[1]) + fabs(after[2] - before[2]) > 1e-3,
                  "the proposal at (%g, %g) reaches no compound", px, py);
    static const char *const ids[3] = {"R1", "R3", "R2"};
    const lc_layer *rl = lc_inputs_layer(res->inputs, LC_LAYER_RESIDENTIAL);
    for (size_t i = 0; i < lc_layer_count(rl); i++)
        for (int k = 0; k < 3; k++)
            if (!strcmp(lc_layer_feature(rl, i)->id, ids[k]))
                ck_assert_msg(fabs(lc_access_compound(acc, s, i) - after[k]) < 1e-9 * fmax(1, after[k]),
                              "%s: A after %.12g, by hand %.12g (before %.12g)", ids[k],
                              lc_access_compound(acc, s, i), after[k], before[k]);
    size_t mc = norm_index(res->profile, "meal_capacity");
    ck_assert_double_eq_tol(lc_indicators_get(res->indicators, 2, mc)->value, 197.0 / 1000, 1e-12);
    /* The same check without the proposals: A as before. */
    lc_study *st = lc_study_create(lct_ctx);
    char *out = lct_path(dir, "before");
    static const char *const keys[] = {"residential.path", "facilities.path", "units.path"};
    static const char *const files[] = {"res.geojson", "fac.geojson", "units.geojson"};
    for (int k = 0; k < 3; k++) {
        char *p = lct_path(dir, files[k]);
        ck_assert_int_eq(lc_study_set(lct_ctx, st, keys[k], p), LC_OK);
        free(p);
    }
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    lc_run *rb = lc_run_check(lct_ctx, st, NULL);
    ck_assert_msg(rb, "%s", lc_context_errmsg(lct_ctx));
    const lc_results *rr = lc_run_results(rb);
    for (size_t i = 0; i < lc_layer_count(rl); i++)
        for (int k = 0; k < 3; k++)
            if (!strcmp(lc_layer_feature(rl, i)->id, ids[k]))
                ck_assert_double_eq_tol(lc_access_compound(rr->access, s, i), before[k], 1e-12);
    ck_assert_double_eq_tol(lc_indicators_get(rr->indicators, 2, mc)->value, 100.0 / 1000, 1e-12);
    lc_run_destroy(rb);
    lc_study_destroy(st);
    free(out);
}

START_TEST(with_proposals_reflects_the_site_run)
{
    static const char *RES_BIG = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":1000,\"pop65\":200},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(900, 900, 1000, 1000) "}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R3\",\"常住人口\":1000,\"pop65\":200},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(100, 2800, 200, 2900) "}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"常住人口\":3000,\"pop65\":600},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(3200, 200, 5800, 2800) "}}]}";
    world w = make(FAC_NO_C2);
    ck_assert_int_eq(lct_fixture(w.res, "GeoJSON", RES_BIG, NULL), 0);
    char *site_out = lct_path(w.dir, "site"), *after = lct_path(w.dir, "after");
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "output", site_out), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "format", "geojson"), LC_OK);
    lc_site_run_options so = LC_SITE_RUN_OPTIONS_INIT;
    so.category = "centre";
    so.siting.objective = LC_SITING_MCLP;
    so.siting.k = 1;
    lc_run *rs = lc_run_site(lct_ctx, w.study, NULL, &so);
    ck_assert_msg(rs, "%s", lc_context_errmsg(lct_ctx));
    lc_run_destroy(rs);

    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "output", after), LC_OK);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.with_proposals = site_out;
    lc_run *rc = lc_run_check(lct_ctx, w.study, &ro);
    ck_assert_msg(rc, "%s", lc_context_errmsg(lct_ctx));
    const lc_results *res = lc_run_results(rc);
    ck_assert_uint_eq(lc_layer_count(lc_inputs_layer(res->inputs, LC_LAYER_FACILITIES)), 6);
    proposals_move_accessibility(rc, site_out, w.dir);
    lc_run_destroy(rc);

    char *p = lct_path(site_out, "summary.json");
    json_error_t err;
    json_t *site = json_load_file(p, 0, &err);
    ck_assert_msg(site, "%s", err.text);
    free(p);
    p = lct_path(after, "summary.json");
    json_t *chk = json_load_file(p, 0, &err);
    ck_assert_msg(chk, "%s", err.text);
    free(p);
    const json_t *siting = json_object_get(site, "siting");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(chk, "proposals_added"), "count")), 1);
    const json_t *rows = json_object_get(chk, "rows");
    double cc_u2 = row_value(rows, 1, "circle_centre"), cc_total = row_value(rows, 2, "circle_centre"),
           fa_u2 = row_value(rows, 1, "floor_area");
    double site_u2 = jreal(site_row(siting, "U2"), "share_after"), site_total = jreal(siting, "share_after");
    ck_assert_msg(site_u2 > 0.2 && site_u2 < 0.6, "one centre reaches part of R2: %g", site_u2);
    ck_assert_msg(fabs(cc_u2 - site_u2) < 1e-9, "U2: check %.12g, site's after %.12g", cc_u2, site_u2);
    ck_assert_msg(fabs(cc_total - site_total) < 1e-9, "total: check %.12g, site's after %.12g", cc_total, site_total);
    json_decref(site);
    json_decref(chk);

    p = lct_path(site_out, "proposals.geojson");
    GDALDatasetH ds = GDALOpenEx(p, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f = OGR_L_GetNextFeature(L);
    ck_assert_ptr_nonnull(f);
    double floor = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "floor_area_m2"));
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(p);
    ck_assert_msg(fabs(fa_u2 - (40 + floor) / 3) < 1e-9, "U2 floor area %.12g, by hand (40 + %g) / 3", fa_u2, floor);

    /* no proposals there; the output itself; another command */
    ro.with_proposals = w.dir;
    ck_assert_ptr_null(lc_run_check(lct_ctx, w.study, &ro));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "no proposals layer");
    ro.with_proposals = after;
    ck_assert_ptr_null(lc_run_check(lct_ctx, w.study, &ro));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "is the output directory");
    ro.with_proposals = site_out;
    ck_assert_ptr_null(lc_run_site(lct_ctx, w.study, &ro, &so));
    lct_assert_contains(lc_context_errmsg(lct_ctx), "--with-proposals is an option of check");
    free(site_out), free(after);
    unmake(&w);
}
END_TEST

/* Network mode, the network built once for all years: each year of the series equals, cell for cell,
 * a plain check (lc_run_check, its own network) of a facilities file holding that year's facilities
 * as listed here by hand from the opening and closing years: 2020 C1 M1 RP; 2021 + K1; 2022 + C2;
 * 2023 − M1 (C3 opens in 2024). */
START_TEST(network_years_equal_checks_of_each_year)
{
    static const char *const year_fac[4] = {
        FAC_HEAD F_C1 "," F_M1 "," F_RP "]}", FAC_HEAD F_C1 "," F_M1 "," F_RP "," F_K1 "]}",
        FAC_HEAD F_C1 "," F_M1 "," F_RP "," F_K1 "," F_C2 "]}", FAC_HEAD F_C1 "," F_RP "," F_K1 "," F_C2 "]}"};
    world w = make(FAC);
    char *roads = lct_path(w.dir, "roads.geojson");
    ck_assert_int_eq(lct_fixture(roads, "GeoJSON", ROADS, NULL), 0);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "roads.path", roads), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "mode", "network"), LC_OK);
    lc_progress_run_options po = LC_PROGRESS_RUN_OPTIONS_INIT;
    po.years = YEARS;
    po.nyears = 4;
    lc_run *run = lc_run_progress(lct_ctx, w.study, NULL, &po);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_ptr_nonnull(lc_run_network(run));
    const lc_trend *t = lc_run_trend(run);
    size_t nn = lc_trend_norm_count(t), checked = 0;
    for (int y = 0; y < 4; y++) {
        char name[32], dir[32];
        snprintf(name, sizeof name, "fac%d.geojson", YEARS[y]);
        snprintf(dir, sizeof dir, "check%d", YEARS[y]);
        char *fac = lct_path(w.dir, name), *out = lct_path(w.dir, dir);
        ck_assert_int_eq(lct_fixture(fac, "GeoJSON", year_fac[y], NULL), 0);
        ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "facilities.path", fac), LC_OK);
        ck_assert_int_eq(lc_study_set(lct_ctx, w.study, "output", out), LC_OK);
        lc_run *chk = lc_run_check(lct_ctx, w.study, NULL);
        ck_assert_msg(chk, "%s", lc_context_errmsg(lct_ctx));
        const lc_indicators *ind = lc_run_results(chk)->indicators;
        ck_assert_uint_eq(lc_indicators_row_count(ind), lc_trend_row_count(t));
        for (size_t r = 0; r < lc_trend_row_count(t); r++)
            for (size_t k = 0; k < nn; k++) {
                lc_trend_cell c;
                lc_trend_cell_get(t, r, k, &c);
                double v = lc_indicators_get(ind, r, k)->value;
                ck_assert_msg((isnan(v) && isnan(c.values[y])) || fabs(v - c.values[y]) < 1e-12,
                              "%d row %zu norm %zu: progress %.15g, check %.15g", YEARS[y], r, k, c.values[y], v);
                checked += !isnan(v);
            }
        lc_run_destroy(chk);
        free(fac), free(out);
    }
    ck_assert_uint_ge(checked, 4 * 3 * 6); /* six norms have values on every row */
    lc_run_destroy(run);
    free(roads);
    unmake(&w);
}
END_TEST

/* Progress per 区 and per 居村: districts 甲区 DA = [0,4000]×[0,2000] and 乙区 DB = [4000,6000]×[0,2000];
 * 街镇 U1 [0,2000], U2 [2000,4000] (both in DA by overlap) and U3 [4000,6000] (in DB), all ×[0,2000];
 * residents' committees 一居委会 K1 [0,1000]×[0,2000] and 二居委会 K2 [1000,2000]×[0,2000] in U1,
 * 三居委会 K3 [4000,6000]×[0,2000] in U3 (U2 has none). Compounds R1 [900,1000]×[900,1000] 1,000
 * residents (U1, K1), R2 [2900,3000]×[900,1000] 3,000 (U2), R3 [4900,5000]×[900,1000] 2,000 (U3).
 * Facilities, the years asked of the issue:
 *   C1 centre (1000,1000) 100 m², opened 2020: reaches R1 only (R2's nearest corner is 1,900 m away)
 *   C2 centre (3000,1000) 200 m², opened 2022: reaches R2 only (R1 2,000 m, R3 1,900 m)
 *   C3 centre (5000,1000) 400 m², opened 2024: reaches R3 only
 *   D1 doorstep (500,500) 50 m² in K1, opened 2022; D2 doorstep (5500,500) 50 m² in K3, opened 2024.
 * Years 2020, 2022, 2024 (ȳ = 2022, Σ(y − ȳ)² = 8), target year 2025. By hand:
 *   circle_centre DA (R1 + R2 = 4,000): 1000/4000 = 0.25, 1, 1; slope [(−2)(0.25 − 0.75) + 2(1 − 0.75)] / 8
 *     = 1.5 / 8 = 0.1875; met from 2022: reached 2022, needed 0.
 *   circle_centre DB (R3, 2,000): 0, 0, 1; slope [(−2)(−1/3) + 2(2/3)] / 8 = 0.25; reached 2024.
 *   floor_area DA (per 1,000 of 4,000): 100 → 25; C1 + C2 + D1 = 350 → 87.5; 87.5 (C3, D2 are in DB);
 *     slope [(−2)(25 − 66.67) + 2(87.5 − 66.67)] / 8 = 125 / 8 = 15.625; ≥ 40 from 2022.
 *   floor_area DB (of 2,000): 0, 0, C3 + D2 = 450 → 225; slope [(−2)(−75) + 2(150)] / 8 = 56.25.
 *   doorstep_committees, each 居村 (1 = has one, target 1): K1 0, 1, 1 (reached 2022); K2 0, 0, 0
 *     (slope 0, needed (1 − 0) / 1 = 1: not at today's pace); K3 0, 0, 1 (reached 2024).
 *   doorstep_committees DA (K1, K2): 0, 0.5, 0.5; slope [(−2)(−1/3) + 2(1/6)] / 8 = 0.125; needed
 *     (1 − 0.5) / (2025 − 2024) = 0.5; reached 2024 + ⌈0.5 / 0.125⌉ = 2028: late. DB (K3): 0, 0, 1.
 *   doorstep_committees, whole area (3 居村): 0, 1/3, 2/3; slope (4/3) / 8 = 1/6; needed 1/3; reached
 *     2024 + ⌈(1/3) / (1/6)⌉ = 2026: late.
 * The rows: U1, U2, U3, the whole area (row 3), DA, DB, K1, K2, K3; a 居村 lists only the presence
 * norm asked of it (doorstep_committees: the rural tiers ask nothing of residents' committees), so
 * progress.csv has 6 × 13 + 3 lines under its head. */
#define RECT(id, props, x0, y0, x1, y1) "{\"type\":\"Feature\",\"properties\":{\"id\":\"" id "\"" props "}," \
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ(x0, y0, x1, y1) "}}"
#define PT(id, props, x, y) "{\"type\":\"Feature\",\"properties\":{\"id\":\"" id "\"" props "}," \
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"
START_TEST(districts_and_committees_by_hand)
{
    char *dir = lct_tmpdir();
    static const struct {
        const char *file, *key, *body;
    } layers[] = {
        {"d.geojson", "districts.path", RECT("DA", ",\"name\":\"甲区\"", 0, 0, 4000, 2000) ","
                                        RECT("DB", ",\"name\":\"乙区\"", 4000, 0, 6000, 2000)},
        {"u.geojson", "units.path", RECT("U1", ",\"name\":\"一街道\"", 0, 0, 2000, 2000) ","
                                    RECT("U2", ",\"name\":\"二街道\"", 2000, 0, 4000, 2000) ","
                                    RECT("U3", ",\"name\":\"三街道\"", 4000, 0, 6000, 2000)},
        {"k.geojson", "committees.path", RECT("K1", ",\"name\":\"一居委会\"", 0, 0, 1000, 2000) ","
                                         RECT("K2", ",\"name\":\"二居委会\"", 1000, 0, 2000, 2000) ","
                                         RECT("K3", ",\"name\":\"三居委会\"", 4000, 0, 6000, 2000)},
        {"r.geojson", "residential.path", RECT("R1", ",\"population\":1000", 900, 900, 1000, 1000) ","
                                          RECT("R2", ",\"population\":3000", 2900, 900, 3000, 1000) ","
                                          RECT("R3", ",\"population\":2000", 4900, 900, 5000, 1000)},
        {"f.geojson", "facilities.path",
         PT("C1", ",\"category\":\"centre\",\"floor_area\":100,\"开业年份\":2020", 1000, 1000) ","
         PT("C2", ",\"category\":\"centre\",\"floor_area\":200,\"开业年份\":2022", 3000, 1000) ","
         PT("C3", ",\"category\":\"centre\",\"floor_area\":400,\"开业年份\":2024", 5000, 1000) ","
         PT("D1", ",\"category\":\"doorstep\",\"floor_area\":50,\"开业年份\":2022", 500, 500) ","
         PT("D2", ",\"category\":\"doorstep\",\"floor_area\":50,\"开业年份\":2024", 5500, 500)},
    };
    lc_study *st = lc_study_create(lct_ctx);
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        char *path = lct_path(dir, layers[i].file);
        char *text = malloc(strlen(layers[i].body) + 256);
        sprintf(text, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[%s]}", layers[i].body);
        ck_assert_int_eq(lct_write_text(path, text), 0);
        ck_assert_int_eq(lc_study_set(lct_ctx, st, layers[i].key, path), LC_OK);
        free(text), free(path);
    }
    char *out = lct_path(dir, "out"), *report = lct_path(dir, "report");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "output", out), LC_OK);
    static const int years[] = {2020, 2022, 2024};
    lc_progress_run_options po = LC_PROGRESS_RUN_OPTIONS_INIT;
    po.years = years;
    po.nyears = 3;
    po.target_year = 2025;
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.report_dir = report;
    lc_run *run = lc_run_progress(lct_ctx, st, &ro, &po);
    ck_assert_msg(run, "%s", lc_context_errmsg(lct_ctx));
    const lc_trend *t = lc_run_trend(run);
    const lc_profile *p = lc_run_profile(run);
    size_t cc = norm_index(p, "circle_centre"), fa = norm_index(p, "floor_area"),
           dc = norm_index(p, "doorstep_committees");
    ck_assert_uint_eq(lc_trend_row_count(t), 9);
    ck_assert_uint_eq(lc_trend_total_row(t), 3);
    size_t idx;
    ck_assert_int_eq(lc_trend_row_kind_of(t, 4, &idx), LC_TREND_ROW_DISTRICT);
    ck_assert_uint_eq(idx, 0);
    ck_assert_int_eq(lc_trend_row_kind_of(t, 7, &idx), LC_TREND_ROW_COMMITTEE);
    ck_assert_uint_eq(idx, 1);
    ck_assert_int_eq(lc_trend_row_parent(t, 1), 4); /* U2 in DA */
    ck_assert_int_eq(lc_trend_row_parent(t, 2), 5); /* U3 in DB */
    ck_assert_int_eq(lc_trend_row_parent(t, 8), 2); /* K3 in U3 */
    ck_assert_int_eq(lc_trend_row_parent(t, 4), -1);
    const size_t DA = 4, DB = 5, K1 = 6, K2 = 7, K3 = 8, TOTAL = 3;
    lc_trend_cell c;
#define SERIES3(row, k, a, b, d)                                                                              \
    do {                                                                                                      \
        const double v_[3] = {a, b, d};                                                                       \
        ck_assert_int_eq(lc_trend_cell_get(t, row, k, &c), LC_OK);                                            \
        for (int y_ = 0; y_ < 3; y_++)                                                                        \
            ck_assert_msg(fabs(c.values[y_] - v_[y_]) < 1e-9, "row %zu norm %zu year %d: %.12g, by hand %.12g", \
                          (size_t)(row), (size_t)(k), years[y_], c.values[y_], v_[y_]);                       \
    } while (0)
    SERIES3(DA, cc, 0.25, 1, 1);
    ck_assert_double_eq_tol(c.pace_achieved, 0.1875, 1e-12);
    ck_assert_double_eq(c.reached_year, 2022);
    ck_assert_int_eq(c.status, LC_TREND_REACHED);
    SERIES3(DB, cc, 0, 0, 1);
    ck_assert_double_eq_tol(c.pace_achieved, 0.25, 1e-12);
    ck_assert_double_eq(c.reached_year, 2024);
    SERIES3(DA, fa, 25, 87.5, 87.5);
    ck_assert_double_eq_tol(c.pace_achieved, 15.625, 1e-9);
    ck_assert_double_eq(c.reached_year, 2022);
    SERIES3(DB, fa, 0, 0, 225);
    ck_assert_double_eq_tol(c.pace_achieved, 56.25, 1e-9);
    SERIES3(K1, dc, 0, 1, 1);
    ck_assert_double_eq(c.reached_year, 2022);
    ck_assert_int_eq(c.status, LC_TREND_REACHED);
    SERIES3(K2, dc, 0, 0, 0);
    ck_assert_double_eq_tol(c.pace_needed, 1, 1e-12);
    ck_assert_int_eq(c.status, LC_TREND_NOT_AT_PACE);
    SERIES3(K3, dc, 0, 0, 1);
    ck_assert_double_eq(c.reached_year, 2024);
    SERIES3(DA, dc, 0, 0.5, 0.5);
    ck_assert_double_eq_tol(c.pace_achieved, 0.125, 1e-12);
    ck_assert_double_eq_tol(c.pace_needed, 0.5, 1e-12);
    ck_assert_double_eq(c.reached_year, 2028);
    ck_assert_int_eq(c.status, LC_TREND_LATE);
    SERIES3(DB, dc, 0, 0, 1);
    SERIES3(TOTAL, dc, 0, 1.0 / 3, 2.0 / 3);
    ck_assert_double_eq_tol(c.pace_achieved, 1.0 / 6, 1e-12);
    ck_assert_double_eq_tol(c.pace_needed, 1.0 / 3, 1e-12);
    ck_assert_double_eq(c.reached_year, 2026);
    ck_assert_int_eq(c.status, LC_TREND_LATE);
    ck_assert_int_eq(lc_trend_cell_get(t, K1, fa, &c), LC_OK); /* not asked of a 居村 */
    ck_assert(isnan(c.values[0]) && isnan(c.values[2]));
#undef SERIES3
    size_t nn = lc_profile_norm_count(p);
    lc_run_destroy(run);

    /* progress.json: the rows with their level and parent; a 居村 only with its presence norm */
    char *path = lct_path(out, "progress.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_msg(root, "progress.json: %s", err.text);
    free(path);
    json_t *rows = json_object_get(root, "rows");
    ck_assert_uint_eq(json_array_size(rows), 9);
    json_t *da = json_array_get(rows, DA), *k3 = json_array_get(rows, K3);
    ck_assert_str_eq(json_string_value(json_object_get(da, "id")), "DA");
    ck_assert_str_eq(json_string_value(json_object_get(da, "name")), "甲区");
    ck_assert_str_eq(json_string_value(json_object_get(da, "level")), "district");
    ck_assert(json_is_null(json_object_get(da, "parent")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "parent")), "DA");
    ck_assert_str_eq(json_string_value(json_object_get(k3, "level")), "committee");
    ck_assert_str_eq(json_string_value(json_object_get(k3, "parent")), "U3");
    ck_assert_uint_eq(json_object_size(json_object_get(k3, "indicators")), 1);
    json_t *kc = json_object_get(json_object_get(k3, "indicators"), "doorstep_committees");
    ck_assert_double_eq(json_real_value(json_object_get(json_object_get(kc, "values"), "2024")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(kc, "reached_in_year")), 2024);
    json_t *dfa = json_object_get(json_object_get(da, "indicators"), "floor_area");
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_object_get(dfa, "values"), "2022")), 87.5, 1e-9);
    json_decref(root);

    /* progress.csv: 6 rows × every norm and 3 居村 lines, the level and parent columns */
    path = lct_path(out, "progress.csv");
    char *csv = lct_read_file(path, NULL);
    free(path);
    size_t lines = 0;
    for (const char *q = csv; (q = strchr(q, '\n')); q++)
        lines++;
    ck_assert_uint_eq(lines, 1 + 6 * nn + 3);
    lct_assert_contains(csv, "状态(中文) status (Chinese),层级 level,上级编号 parent_id\r\n");
    lct_assert_contains(csv, "\nDA,甲区,floor_area,");
    lct_assert_contains(csv, ",district,\r\n");
    lct_assert_contains(csv, "\nK2,二居委会,doorstep_committees,");
    lct_assert_contains(csv, ",committee,U1\r\n");
    ck_assert_ptr_null(strstr(csv, "\nK2,二居委会,floor_area,"));
    free(csv);

    /* the report's progress table: DA's rows and K2's, named with their level */
    path = lct_path(report, "report.html");
    char *html = lct_read_file(path, NULL);
    free(path);
    const char *sec = strstr(html, "<section id=\"progress\">");
    ck_assert_ptr_nonnull(sec);
    lct_assert_contains(sec, "<tr data-level=\"district\"><td>区 甲区</td>");
    lct_assert_contains(sec, "<tr data-level=\"committee\"><td>居村 二居委会</td>");
    free(html);
    lc_study_destroy(st);
    lct_rmtree(dir);
    free(dir), free(out), free(report);
}
END_TEST

Suite *suite_progress(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, series_and_pace_by_hand);
    tcase_add_test(tc, districts_and_committees_by_hand);
    tcase_add_test(tc, command_and_report);
    tcase_add_test(tc, study_keys);
    tcase_add_test(tc, compare_lists_exactly_the_changed_cells);
    tcase_add_test(tc, with_proposals_reflects_the_site_run);
    tcase_add_test(tc, population_per_year_by_hand);
    tcase_add_test(tc, network_years_equal_checks_of_each_year);
    suite_add_tcase(s, tc);
    return s;
}
