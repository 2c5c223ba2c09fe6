/*
 * tests/test_xlsx.c — summary.xlsx (outputs/summary_xlsx.c, outputs/xlsx.c), read back with GDAL's
 * XLSX driver: every directory format gets it beside summary.csv; sheet 汇总 summary has the rows of
 * summary.csv (counted from the CSV, another writer) under Chinese and English headers; sheet 街镇
 * units one row per 街镇 and the whole area with each norm's value, target and pass; a compound
 * with no centre within reach reads 0 and 未达标 fail for "1+N" (by hand); two runs a second apart
 * write the same bytes and docProps/core.xml carries no date; every table carries each norm's source
 * spelt out (依据文件 source_document) beside its short code, checked by hand against the seed.
 */
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <jansson.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* One compound of 1,000 residents at [0,100]², a meal point and a day-care centre within reach and
 * no centre at all; one 街镇 around it. */
static const char *RES = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"名称\":\"长白新村\",\"常住人口\":1000},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}}]}";
static const char *FAC = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"类型\":\"助餐点\",\"建筑面积\":50,\"meals\":20},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,150]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\",\"类型\":\"日间照料中心\",\"建筑面积\":50},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-50,50]}}]}";
static const char *UNITS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\",\"properties\":"
    "{\"id\":\"U1\",\"name\":\"长白新村街道\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[-1000,-1000],[1000,-1000],[1000,1000],[-1000,1000],[-1000,-1000]]]}}]}";

/* Runs check into <dir>/<name> in format; the centre norm fails, so exit 1. Caller frees. */
static char *run_check(const char *dir, const char *name, const char *format)
{
    char *res = lct_path(dir, "res.geojson"), *fac = lct_path(dir, "fac.geojson"), *units = lct_path(dir, "u.geojson");
    ck_assert_int_eq(lct_fixture(res, "GeoJSON", RES, NULL), 0);
    ck_assert_int_eq(lct_fixture(fac, "GeoJSON", FAC, NULL), 0);
    ck_assert_int_eq(lct_fixture(units, "GeoJSON", UNITS, NULL), 0);
    char *o = lct_path(dir, name), args[4096], *out = NULL;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' --format %s -q -o '%s'", res,
             fac, units, format, o);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    free(out), free(res), free(fac), free(units);
    return o;
}

/* The rows of summary.csv after its header (CRLF lines). */
static int csv_rows(const char *dir)
{
    char *p = lct_path(dir, "summary.csv");
    size_t n;
    char *s = lct_read_file(p, &n);
    int lines = 0;
    for (size_t i = 0; i + 1 < n; i++)
        lines += s[i] == '\r' && s[i + 1] == '\n';
    free(s), free(p);
    return lines - 1;
}

static GDALDatasetH open_xlsx(const char *dir)
{
    char *p = lct_path(dir, "summary.xlsx");
    CPLSetConfigOption("OGR_XLSX_HEADERS", "FORCE");
    const char *drivers[] = {"XLSX", NULL};
    GDALDatasetH ds = GDALOpenEx(p, GDAL_OF_VECTOR, drivers, NULL, NULL);
    ck_assert_msg(ds != NULL, "%s does not open as XLSX", p);
    free(p);
    return ds;
}

START_TEST(every_format_gets_summary_xlsx)
{
    char *dir = lct_tmpdir();
    const char *formats[] = {"shapefile", "gpkg", "geojson"};
    for (int k = 0; k < 3; k++) {
        char *o = run_check(dir, formats[k], formats[k]);
        GDALDatasetH ds = open_xlsx(o);
        ck_assert_int_eq(GDALDatasetGetLayerCount(ds), 2);
        OGRLayerH sum = GDALDatasetGetLayerByName(ds, "汇总 summary");
        OGRLayerH units = GDALDatasetGetLayerByName(ds, "街镇 units");
        ck_assert_ptr_nonnull(sum);
        ck_assert_ptr_nonnull(units);
        /* summary: summary.csv's rows, under Chinese and English headers */
        ck_assert_int_eq((int)OGR_L_GetFeatureCount(sum, TRUE), csv_rows(o));
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(sum);
        ck_assert_str_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 0)), "编号 unit_id");
        ck_assert_str_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, 7)), "是否达标 pass");
        /* units: U1 and the whole area, by hand */
        ck_assert_int_eq((int)OGR_L_GetFeatureCount(units, TRUE), 2);
        OGR_L_ResetReading(units);
        OGRFeatureH f = OGR_L_GetNextFeature(units);
        ck_assert_str_eq(OGR_F_GetFieldAsString(f, 0), "U1");
        ck_assert_str_eq(OGR_F_GetFieldAsString(f, 1), "长白新村街道");
        /* "1+N" (the first norm): no centre anywhere, so no resident within reach of one: 0, fail */
        OGRFeatureDefnH ud = OGR_L_GetLayerDefn(units);
        const char *h = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(ud, 2));
        ck_assert_msg(!strncmp(h, "circle_centre ", 14) && strstr(h, "value"), "column 3 is '%s'", h);
        ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, 2), 0, 1e-12);
        ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, 3), 1, 1e-12);
        ck_assert_str_eq(OGR_F_GetFieldAsString(f, 4), "未达标 fail");
        OGR_F_Destroy(f);
        f = OGR_L_GetNextFeature(units);
        ck_assert_str_eq(OGR_F_GetFieldAsString(f, 1), "全区 whole study area");
        ck_assert_str_eq(OGR_F_GetFieldAsString(f, 4), "未达标 fail");
        OGR_F_Destroy(f);
        GDALClose(ds);
        free(o);
    }
    lct_rmtree(dir);
    free(dir);
}
END_TEST

/* The canteen norm's source "BS L284 (…)" spelt out, as read by hand in shared/seeds/002_7195df48b736ee37.txt
 * (BS, seed-norms.md's 宝山区民政事业发展“十四五”规划, c. early 2021): line 284 ("每个街镇…助餐场所（含长者
 * 社区食堂）") lies under 四、“十四五”期间民政事业发展的主要任务 (L270) and its first part （一）保障兜底，夯实爱民、
 * 为民的温暖型民政 (L271; the next, （二）, starts at L305); the short code follows in brackets. */
static const char CANTEEN_SOURCE[] = "BS L284 (每个街镇至少一家长者社区食堂)";
static const char CANTEEN_DOC[] = "《宝山区民政事业发展“十四五”规划》（2021年） 四、“十四五”期间民政事业发展的主要任务 "
                                  "（一）保障兜底，夯实爱民、为民的温暖型民政（BS L284） (每个街镇至少一家长者社区食堂)";

/* The feature of layer l whose field norm_field is canteen_units for unit U1; the caller destroys it. */
static OGRFeatureH canteen_row(OGRLayerH l, const char *norm_field, const char *unit_field)
{
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    int fn = OGR_FD_GetFieldIndex(d, norm_field), fu = OGR_FD_GetFieldIndex(d, unit_field);
    ck_assert_msg(fn >= 0 && fu >= 0, "no field %s or %s", norm_field, unit_field);
    OGR_L_ResetReading(l);
    for (OGRFeatureH f; (f = OGR_L_GetNextFeature(l));) {
        if (!strcmp(OGR_F_GetFieldAsString(f, fn), "canteen_units") && !strcmp(OGR_F_GetFieldAsString(f, fu), "U1"))
            return f;
        OGR_F_Destroy(f);
    }
    ck_abort_msg("no canteen_units row of U1");
    return NULL;
}

START_TEST(sources_spelt_out_beside_the_short_code)
{
    char *dir = lct_tmpdir();
    char *o = run_check(dir, "g", "gpkg");
    /* summary.csv: source, then source_document (neither holds an ASCII comma, so no quotes) */
    char *p = lct_path(o, "summary.csv"), *csv = lct_read_file(p, NULL);
    lct_assert_contains(csv, ",source,source_document,是否达标,");
    char want[1024];
    snprintf(want, sizeof want, ",%s,%s,", CANTEEN_SOURCE, CANTEEN_DOC);
    const char *row = strstr(csv, "\nU1,长白新村街道,canteen_units,");
    ck_assert_ptr_nonnull(row);
    char *line = strndup(row + 1, strcspn(row + 1, "\r\n"));
    lct_assert_contains(line, want);
    free(line);
    free(csv), free(p);
    /* summary.xlsx, sheet 汇总 summary: the column 依据文件 source_document */
    GDALDatasetH ds = open_xlsx(o);
    OGRFeatureH f = canteen_row(GDALDatasetGetLayerByName(ds, "汇总 summary"), "指标代码 norm", "编号 unit_id");
    int fi = OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(f), "依据文件 source_document");
    ck_assert_int_ge(fi, 0);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, fi), CANTEEN_DOC);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, fi - 1), CANTEEN_SOURCE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* the GeoPackage's summary table: field source_document, aliased 依据文件 */
    p = lct_path(o, "lifecircle.gpkg");
    ds = GDALOpenEx(p, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    f = canteen_row(GDALDatasetGetLayerByName(ds, "summary"), "norm", "unit_id");
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(f), "source_document")), CANTEEN_DOC);
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(p);
    /* summary.json: the norm's source_document beside its source */
    p = lct_path(o, "summary.json");
    json_t *j = json_load_file(p, 0, NULL);
    ck_assert_ptr_nonnull(j);
    size_t k;
    json_t *n;
    int found = 0;
    json_array_foreach(json_object_get(j, "norms"), k, n) {
        if (strcmp(json_string_value(json_object_get(n, "code")), "canteen_units"))
            continue;
        ck_assert_str_eq(json_string_value(json_object_get(n, "source")), CANTEEN_SOURCE);
        ck_assert_str_eq(json_string_value(json_object_get(n, "source_document")), CANTEEN_DOC);
        found = 1;
    }
    ck_assert(found);
    json_decref(j);
    free(p), free(o);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(summary_xlsx_is_deterministic)
{
    char *dir = lct_tmpdir();
    char *a = run_check(dir, "a", "shapefile");
    sleep(1); /* a clock in the file would differ now */
    char *b = run_check(dir, "b", "shapefile");
    char *pa = lct_path(a, "summary.xlsx"), *pb = lct_path(b, "summary.xlsx");
    size_t na, nb;
    char *sa = lct_read_file(pa, &na), *sb = lct_read_file(pb, &nb);
    ck_assert_msg(na == nb && !memcmp(sa, sb, na), "summary.xlsx differs between two runs");
    /* docProps/core.xml: no creation or modification date */
    char core[4096];
    snprintf(core, sizeof core, "/vsizip/%s/docProps/core.xml", pa);
    VSILFILE *fp = VSIFOpenL(core, "rb");
    ck_assert_ptr_nonnull(fp);
    char buf[4096] = "";
    size_t got = VSIFReadL(buf, 1, sizeof buf - 1, fp);
    buf[got] = '\0';
    VSIFCloseL(fp);
    ck_assert_ptr_null(strstr(buf, "dcterms:created"));
    ck_assert_ptr_null(strstr(buf, "dcterms:modified"));
    free(sa), free(sb), free(pa), free(pb), free(a), free(b);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_xlsx(void)
{
    Suite *s = suite_create("xlsx");
    TCase *tc = tcase_create("summary");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, every_format_gets_summary_xlsx);
    tcase_add_test(tc, summary_xlsx_is_deterministic);
    tcase_add_test(tc, sources_spelt_out_beside_the_short_code);
    suite_add_tcase(s, tc);
    return s;
}
