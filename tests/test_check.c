/*
 * tests/test_check.c — `lifecircle check` end to end: exit codes (0 all pass, 1 a norm fails, 2 bad
 * input), the output directory read back with GDAL (geometry types, CRS, Chinese attributes, short
 * field names and their dictionary), refusal of a non-empty directory, and nothing written on error.
 */
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/lc_test.h"

/* One compound of 1,000 residents (300 aged 60+, 200 aged 65+) at [0,100]², and within 200 m of it
 * a centre (100 m²), a meal point (20 meals), a day-care centre, a rental point, a canteen and a care
 * home (10 beds, 6 nursing). By hand: floor area 100+50+50+10+50 = 260 m² → 260 per 1,000 ≥ 40;
 * meals 20+30 = 50 / 200 = 25% ≥ 5%; nursing 6/10 = 60% ≥ 60%; everyone within reach of every
 * life-circle category; no units, so the unit presence rows read 1 of 1. Every norm passes. */
static const char *RES_OK = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"名称\":\"长白新村\",\"常住人口\":1000,\"pop60\":300,"
    "\"pop65\":200},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}}]}";
static const char *FAC_OK = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"名称\":\"长白社区综合为老服务中心\",\"类型\":\"社区综合为老服务中心\","
    "\"建筑面积\":100},\"geometry\":{\"type\":\"Point\",\"coordinates\":[150,50]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"类型\":\"助餐点\",\"建筑面积\":50,\"meals\":20},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,150]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\",\"类型\":\"日间照料中心\",\"建筑面积\":50},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-50,50]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"K\",\"类型\":\"康复辅具社区租赁点\",\"建筑面积\":10},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,-50]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"T\",\"类型\":\"社区长者食堂\",\"建筑面积\":50,\"meals\":30},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[120,120]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"H\",\"类型\":\"养老机构\",\"建筑面积\":3000,\"beds\":10,"
    "\"nursing_beds\":6},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-20,-20]}}]}";

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

typedef struct fixture {
    char *dir, *res, *fac, *out;
} fixture;

static fixture make(const char *res, const char *fac)
{
    fixture f = {.dir = lct_tmpdir()};
    f.res = lct_path(f.dir, "res.gpkg");
    f.fac = lct_path(f.dir, "fac.gpkg");
    f.out = lct_path(f.dir, "out");
    ck_assert_int_eq(lct_fixture(f.res, "GPKG", res, NULL), 0);
    ck_assert_int_eq(lct_fixture(f.fac, "GPKG", fac, NULL), 0);
    return f;
}

static void unmake(fixture *f)
{
    lct_rmtree(f->dir);
    free(f->dir);
    free(f->res);
    free(f->fac);
    free(f->out);
}

START_TEST(all_norms_pass_exit_0)
{
    fixture f = make(RES_OK, FAC_OK);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s'", f.res, f.fac, f.out);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    lct_assert_contains(out, "every norm passes");
    free(out);
    unmake(&f);
}
END_TEST

START_TEST(failing_norm_exit_1_and_outputs_read_back)
{
    /* Without the centre, 1+N and the life circle fail. */
    char fac[8192];
    snprintf(fac, sizeof fac, "%s", FAC_OK);
    char *c = strstr(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\"");
    char *m = strstr(fac, "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\"");
    memmove(c, m, strlen(m) + 1);
    fixture f = make(RES_OK, fac);
    const char *units = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"id\":\"U1\",\"name\":\"长白新村街道\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[-1000,-1000],[1000,-1000],[1000,1000],[-1000,1000],[-1000,-1000]]]}}]}";
    char *upath = lct_path(f.dir, "units.gpkg");
    ck_assert_int_eq(lct_fixture(upath, "GPKG", units, NULL), 0);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' -o '%s'", f.res, f.fac,
             upath, f.out);
    free(upath);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    lct_assert_contains(out, "长白新村街道");
    lct_assert_contains(out, "✗");
    free(out);

    /* Read the residential shapefile back as ogrinfo would. */
    char *shp = lct_path(f.out, "residential.shp");
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(l)), wkbPolygon); /* shapefiles report polygons */
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    ck_assert_ptr_nonnull(srs);
    OSRAutoIdentifyEPSG(srs);
    ck_assert_str_eq(OSRGetAuthorityCode(srs, NULL), "32651");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    ck_assert_int_ge(OGR_FD_GetFieldIndex(defn, "CTR_DIST"), 0);
    ck_assert_int_ge(OGR_FD_GetFieldIndex(defn, "CTR_SHARE"), 0);
    OGRFeatureH ft = OGR_L_GetNextFeature(l);
    ck_assert_ptr_nonnull(ft);
    ck_assert_str_eq(OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(defn, "NAME")), "长白新村");
    ck_assert(!OGR_F_IsFieldSetAndNotNull(ft, OGR_FD_GetFieldIndex(defn, "CTR_DIST"))); /* no centre */
    /* The meal point at (50,150) is 100 m from the compound's centre point (50,50). */
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_FD_GetFieldIndex(defn, "MEAL_DIST")), 100.0, 1e-6);
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_FD_GetFieldIndex(defn, "MEAL_SHARE")), 1.0, 1e-9);
    OGR_F_Destroy(ft);
    GDALClose(ds);
    free(shp);

    /* Facilities keep Chinese names and categories; gaps hold the uncovered compound. */
    char *fshp = lct_path(f.out, "facilities.shp");
    ds = GDALOpenEx(fshp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    l = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(l)), wkbPoint);
    int found = 0;
    while ((ft = OGR_L_GetNextFeature(l))) {
        if (!strcmp(OGR_F_GetFieldAsString(ft, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "CAT_ZH")), "社区长者食堂"))
            found = 1;
        OGR_F_Destroy(ft);
    }
    ck_assert(found);
    GDALClose(ds);
    free(fshp);

    /* Every layer, as ogrinfo shows it: geometry type, CRS and a Chinese attribute. */
    static const struct { const char *file; OGRwkbGeometryType type; const char *field; const char *value; } layers[] = {
        {"gaps.shp", wkbPolygon, "CAT_ZH", "社区综合为老服务中心"},
        {"service_areas.shp", wkbPolygon, "CAT_ZH", "助餐点"},
        {"facilities.shp", wkbPoint, "CAT_ZH", "养老机构"},
        {"residential.shp", wkbPolygon, "NAME", "长白新村"},
        {"units.shp", wkbPolygon, "NAME", "长白新村街道"},
    };
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        char *path = lct_path(f.out, layers[i].file);
        ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
        ck_assert_msg(ds != NULL, "%s", layers[i].file);
        l = GDALDatasetGetLayer(ds, 0);
        ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(l)), layers[i].type);
        srs = OGR_L_GetSpatialRef(l);
        ck_assert_ptr_nonnull(srs);
        OSRAutoIdentifyEPSG(srs);
        ck_assert_str_eq(OSRGetAuthorityCode(srs, NULL), "32651");
        int idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), layers[i].field), seen = 0;
        ck_assert_int_ge(idx, 0);
        while ((ft = OGR_L_GetNextFeature(l))) {
            seen |= !strcmp(OGR_F_GetFieldAsString(ft, idx), layers[i].value);
            OGR_F_Destroy(ft);
        }
        ck_assert_msg(seen, "%s has no %s = %s", layers[i].file, layers[i].field, layers[i].value);
        GDALClose(ds);
        free(path);
    }

    char *dict = lct_path(f.out, "residential_fields.csv");
    ck_assert(exists(dict));
    free(dict);
    char *json = lct_path(f.out, "summary.json");
    ck_assert(exists(json));
    free(json);
    unmake(&f);
}
END_TEST

START_TEST(formula_names_are_not_run_by_spreadsheets)
{
    /* Two 街镇 named as formulas: every cell of summary.csv naming them starts with ', and the
     * Shapefile (table writer) and GeoPackage (lc_results_summary_csv) outputs write the same bytes. */
    fixture f = make(RES_OK, FAC_OK);
    const char *units = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"@U1\",\"name\":\"=HYPERLINK(\\\"http://example.com\\\",\\\"x\\\")\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1000,-1000],[1000,-1000],[1000,1000],[-1000,1000],"
        "[-1000,-1000]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"U2\",\"name\":\"@SUM(1+1)\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1000,-1000],[3000,-1000],[3000,1000],[1000,1000],"
        "[1000,-1000]]]}}]}";
    char *upath = lct_path(f.dir, "units.gpkg");
    ck_assert_int_eq(lct_fixture(upath, "GPKG", units, NULL), 0);
    char *outs[2] = {lct_path(f.dir, "shp"), lct_path(f.dir, "gpkg")};
    char *csv[2];
    for (int i = 0; i < 2; i++) {
        char args[4096], *log;
        snprintf(args, sizeof args, "check -q --residential '%s' --facilities '%s' --units '%s' -o '%s' --format %s",
                 f.res, f.fac, upath, outs[i], i ? "gpkg" : "shapefile");
        int rc = lct_run_cli(args, &log);
        ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, log);
        free(log);
        char *path = lct_path(outs[i], "summary.csv");
        FILE *fp = fopen(path, "rb");
        ck_assert_ptr_nonnull(fp);
        csv[i] = calloc(1, 1 << 20);
        fread(csv[i], 1, (1 << 20) - 1, fp);
        fclose(fp);
        free(path);
        lct_assert_contains(csv[i], "\r\n'@U1,\"'=HYPERLINK(\"\"http://example.com\"\",\"\"x\"\")\",");
        lct_assert_contains(csv[i], "\r\nU2,'@SUM(1+1),");
        ck_assert_ptr_null(strstr(csv[i], ",=HYPERLINK"));
        ck_assert_ptr_null(strstr(csv[i], "\r\n@U1"));
    }
    ck_assert_str_eq(csv[0], csv[1]);
    for (int i = 0; i < 2; i++)
        free(csv[i]), free(outs[i]);
    free(upath);
    unmake(&f);
}
END_TEST

START_TEST(geopackage_keeps_full_names)
{
    fixture f = make(RES_OK, FAC_OK);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --format gpkg", f.res, f.fac, f.out);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    free(out);
    char *gpkg = lct_path(f.out, "lifecircle.gpkg");
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "residential");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(l)), wkbMultiPolygon);
    ck_assert_int_ge(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "centre_covered_share"), 0);
    ck_assert_ptr_nonnull(GDALDatasetGetLayerByName(ds, "service_areas"));
    ck_assert_ptr_nonnull(GDALDatasetGetLayerByName(ds, "facilities"));
    GDALClose(ds);
    free(gpkg);
    unmake(&f);
}
END_TEST

START_TEST(refuses_non_empty_output)
{
    fixture f = make(RES_OK, FAC_OK);
    ck_assert_int_eq(mkdir(f.out, 0755), 0);
    char *keep = lct_path(f.out, "mine.txt");
    ck_assert_int_eq(lct_write_text(keep, "planner's notes"), 0);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s'", f.res, f.fac, f.out);
    ck_assert_int_eq(lct_run_cli(args, &out), 2);
    lct_assert_contains(out, "--overwrite");
    free(out);
    ck_assert(exists(keep));
    char *shp = lct_path(f.out, "residential.shp");
    ck_assert(!exists(shp));
    /* With --overwrite the directory is replaced. */
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --overwrite", f.res, f.fac, f.out);
    ck_assert_int_eq(lct_run_cli(args, &out), 0);
    free(out);
    ck_assert(exists(shp));
    free(shp);
    free(keep);
    unmake(&f);
}
END_TEST

START_TEST(never_overwrites_inputs)
{
    /* The inputs live in the directory given as output: even with --overwrite it is refused. */
    fixture f = make(RES_OK, FAC_OK);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --overwrite", f.res, f.fac, f.dir);
    ck_assert_int_eq(lct_run_cli(args, &out), 2);
    lct_assert_contains(out, "holds the residential input");
    free(out);
    ck_assert(exists(f.res));
    ck_assert(exists(f.fac));
    unmake(&f);
}
END_TEST

START_TEST(bad_input_writes_nothing)
{
    const char *bad = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":\"many\"},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}}]}";
    fixture f = make(bad, FAC_OK);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s'", f.res, f.fac, f.out);
    ck_assert_int_eq(lct_run_cli(args, &out), 2);
    lct_assert_contains(out, "feature R1, field 常住人口");
    free(out);
    ck_assert(!exists(f.out));
    unmake(&f);
}
END_TEST

START_TEST(missing_output_is_usage_error)
{
    fixture f = make(RES_OK, FAC_OK);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s'", f.res, f.fac);
    ck_assert_int_eq(lct_run_cli(args, &out), 2);
    lct_assert_contains(out, "output");
    free(out);
    unmake(&f);
}
END_TEST

START_TEST(catchments_by_nearest_facility)
{
    /* Two centres, C1 at (0, 50) and C2 at (1,000, 50), reach 1,000 m; compounds (100 m squares,
     * demand point at their centre): R1 [0,100]² 100 residents (nearest C1: 50 m), R2 at x 900-1000
     * 200 (C2), R3 at x 400-500 50 (C1 450 m vs C2 550 m), R4 at x 3000-3100 40 (C2, 2,050 m: beyond
     * reach), R5 at x 100-200 10 (C1, 150 m; it shares an edge with R1). By hand: C1's catchment R1 +
     * R5 + R3, 160 residents all in reach, 3 compounds, 30,000 m² in 2 polygons (R1 and R5 dissolved,
     * since a multipolygon of squares sharing an edge is invalid); C2's R2 + R4, 240 residents of
     * whom 200 in reach, 2 polygons. */
    const char *res = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":100},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"常住人口\":200},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[900,0],[1000,0],[1000,100],[900,100],[900,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R3\",\"常住人口\":50},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[400,0],[500,0],[500,100],[400,100],[400,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R4\",\"常住人口\":40},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[3000,0],[3100,0],[3100,100],[3000,100],[3000,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R5\",\"常住人口\":10},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[100,0],[200,0],[200,100],[100,100],[100,0]]]}}]}";
    const char *fac = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,50]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1000,50]}}]}";
    fixture f = make(res, fac);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --format geojson -q --catchments",
             f.res, f.fac, f.out);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    free(out);
    static const struct { const char *id; long long n; double pop, reach, area; } want[] = {
        {"C1", 3, 160, 160, 30000}, {"C2", 2, 240, 200, 20000}};
    GDALAllRegister();
    char *path = lct_path(f.out, "facilities.geojson");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH ft;
    size_t seen = 0;
    while ((ft = OGR_L_GetNextFeature(L))) {
        const char *id = OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, "id"));
        for (size_t k = 0; k < 2; k++)
            if (!strcmp(id, want[k].id)) {
                seen++;
                ck_assert_int_eq(OGR_F_GetFieldAsInteger64(ft, OGR_F_GetFieldIndex(ft, "catch_compounds")), want[k].n);
                ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "catch_pop")), want[k].pop, 1e-6);
                ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "catch_in_reach")),
                                        want[k].reach, 1e-6);
            }
        OGR_F_Destroy(ft);
    }
    ck_assert_uint_eq(seen, 2);
    GDALClose(ds);
    free(path);
    path = lct_path(f.out, "catchments.geojson");
    ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    L = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(L, 1), 2);
    seen = 0;
    while ((ft = OGR_L_GetNextFeature(L))) {
        const char *id = OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, "facility_id"));
        for (size_t k = 0; k < 2; k++)
            if (!strcmp(id, want[k].id)) {
                seen++;
                ck_assert_str_eq(OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, "category")), "centre");
                ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "population")), want[k].pop,
                                        1e-6);
                OGRGeometryH g = OGR_F_GetGeometryRef(ft);
                ck_assert_double_eq_tol(OGR_G_Area(g), want[k].area, 1e-6);
                ck_assert_int_eq(OGR_G_GetGeometryCount(g), 2);
                ck_assert(OGR_G_IsValid(g));
            }
        OGR_F_Destroy(ft);
    }
    ck_assert_uint_eq(seen, 2);
    GDALClose(ds);
    free(path);
    path = lct_path(f.out, "catchment_streets.geojson"); /* network mode only */
    ck_assert(!exists(path));
    free(path);
    /* Without --catchments (opt-in): no catchments layer, the facilities still have their counts. */
    char *plain = lct_path(f.dir, "plain");
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --format geojson -q", f.res, f.fac,
             plain);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    free(out);
    path = lct_path(plain, "catchments.geojson");
    ck_assert(!exists(path));
    free(path);
    path = lct_path(plain, "facilities.geojson");
    ck_assert(exists(path));
    free(path);
    free(plain);
    unmake(&f);
}
END_TEST

START_TEST(catchment_streets_read_back)
{
    /* A main street (0,0)–(400,0)–(800,0), a side street (400,0)–(400,300) meeting it at J = (400,0),
     * an island street (2000,2000)–(2100,2000); centres F0 at (100,0), F1 at (800,0), F2 at (400,260);
     * reach 250 m. By hand (J is 300 m from F0, 400 from F1, 260 from F2): the first main edge splits
     * where x − 100 = 260 + 400 − x, x = 380; the second where 260 + x = 400 − x, 70 m past J; the side
     * street is F2's. F0 380 m (350 within 250 m: [0, 350]), F1 330 m (250), F2 20 + 70 + 300 = 390 m
     * (290: the side street from 10 m up). 1,100 m in all, the island's 100 m nobody's. Read back from
     * Shapefile (short names) and GeoPackage to 1e-6 m, each geometry as long as its length_m. */
    const char *res = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"常住人口\":100},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,20],[100,20],[100,120],[0,120],[0,20]]]}}]}";
    const char *fac = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"F0\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[100,0]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[800,0]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[400,260]}}]}";
    const char *roads = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[[0,0],[400,0],[800,0]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[[400,0],[400,300]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[[2000,2000],[2100,2000]]}}]}";
    fixture f = make(res, fac);
    char *rd = lct_path(f.dir, "roads.geojson");
    ck_assert_int_eq(lct_write_text(rd, roads), 0);
    static const struct { const char *id; double len, in; } want[] = {{"F0", 380, 350}, {"F1", 330, 250}, {"F2", 390, 290}};
    GDALAllRegister();
    for (int shp = 0; shp < 2; shp++) {
        char args[4096], *out;
        snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --set 'roads.path=%s' --mode network "
                 "--reach 250 --catchment-streets --format %s -q --overwrite -o '%s'", f.res, f.fac, rd,
                 shp ? "shapefile" : "gpkg", f.out);
        int rc = lct_run_cli(args, &out);
        ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
        free(out);
        char *path = lct_path(f.out, shp ? "catchment_streets.shp" : "lifecircle.gpkg");
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
        ck_assert_ptr_nonnull(ds);
        OGRLayerH L = shp ? GDALDatasetGetLayer(ds, 0) : GDALDatasetGetLayerByName(ds, "catchment_streets");
        ck_assert_ptr_nonnull(L);
        ck_assert_int_eq(OGR_L_GetFeatureCount(L, 1), 3);
        OGRFeatureH ft;
        size_t seen = 0;
        double total = 0;
        while ((ft = OGR_L_GetNextFeature(L))) {
            const char *id = OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, shp ? "FAC_ID" : "facility_id"));
            double len = OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, shp ? "LENGTH_M" : "length_m"));
            double in = OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, shp ? "IN_REACH_M" : "in_reach_m"));
            ck_assert_str_eq(OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, shp ? "CATEGORY" : "category")), "centre");
            ck_assert_str_eq(OGR_F_GetFieldAsString(ft, OGR_F_GetFieldIndex(ft, shp ? "CAT_ZH" : "category_zh")),
                             "社区综合为老服务中心");
            for (size_t k = 0; k < 3; k++)
                if (!strcmp(id, want[k].id)) {
                    seen++;
                    ck_assert_double_eq_tol(len, want[k].len, 1e-6);
                    ck_assert_double_eq_tol(in, want[k].in, 1e-6);
                }
            OGRGeometryH g = OGR_F_GetGeometryRef(ft);
            /* GeoPackage keeps the layer's multilinestrings; Shapefile reads one-part lines back as lines. */
            OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(g));
            ck_assert(gt == wkbMultiLineString || (shp && gt == wkbLineString));
            ck_assert_double_eq_tol(OGR_G_Length(g), len, 1e-6);
            total += len;
            OGR_F_Destroy(ft);
        }
        ck_assert_uint_eq(seen, 3);
        ck_assert_double_eq_tol(total, 1100, 1e-6);
        GDALClose(ds);
        free(path);
        if (shp) { /* and its QGIS style beside it */
            path = lct_path(f.out, "catchment_streets.qml");
            ck_assert(exists(path));
            free(path);
        }
    }
    free(rd);
    unmake(&f);
}
END_TEST

START_TEST(circle_quadsegs_set_in_the_study)
{
    /* A 2,000 m square compound [-1000,1000]² around a centre at its middle, reach 1,000 m, circles of
     * 2 segments per quarter (study key circle_quadsegs): the reach polygon is the regular octagon
     * inscribed in the circle, area 2√2 r², so the covered share is 2√2 r² / 4r² = √2/2, and the
     * octagon falls short of the circle by 1 − 2√2/π, which summary.json states. A quadsegs of 2.5
     * is refused, naming the key. */
    const char *res = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"R\",\"常住人口\":1000},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[-1000,-1000],[1000,-1000],[1000,1000],[-1000,1000],[-1000,-1000]]]}}]}";
    const char *fac = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":100},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}";
    fixture f = make(res, fac);
    char args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --format geojson -q "
             "--set reach_m=1000 --set circle_quadsegs=2.5", f.res, f.fac, f.out);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "circle_quadsegs");
    lct_assert_contains(out, "whole number");
    free(out);
    ck_assert(!exists(f.out));
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' -o '%s' --format geojson -q "
             "--set reach_m=1000 --set circle_quadsegs=2", f.res, f.fac, f.out);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    free(out);
    GDALAllRegister();
    char *path = lct_path(f.out, "residential.geojson");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH ft = OGR_L_GetNextFeature(L);
    ck_assert_ptr_nonnull(ft);
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "centre_covered_share")),
                            sqrt(2) / 2, 1e-9);
    OGR_F_Destroy(ft);
    GDALClose(ds);
    free(path);
    path = lct_path(f.out, "summary.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_msg(root, "summary.json: %s", err.text);
    json_t *acc = json_object_get(json_object_get(root, "assumptions"), "accuracy");
    ck_assert_int_eq(json_integer_value(json_object_get(acc, "circle_quadsegs")), 2);
    ck_assert_double_eq_tol(json_real_value(json_object_get(acc, "circle_area_deficit")), 1 - 2 * sqrt(2) / M_PI,
                            1e-12);
    json_decref(root);
    free(path);
    unmake(&f);
}
END_TEST

Suite *suite_check(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("command");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, all_norms_pass_exit_0);
    tcase_add_test(tc, failing_norm_exit_1_and_outputs_read_back);
    tcase_add_test(tc, geopackage_keeps_full_names);
    tcase_add_test(tc, formula_names_are_not_run_by_spreadsheets);
    tcase_add_test(tc, refuses_non_empty_output);
    tcase_add_test(tc, bad_input_writes_nothing);
    tcase_add_test(tc, never_overwrites_inputs);
    tcase_add_test(tc, missing_output_is_usage_error);
    tcase_add_test(tc, catchments_by_nearest_facility);
    tcase_add_test(tc, catchment_streets_read_back);
    tcase_add_test(tc, circle_quadsegs_set_in_the_study);
    suite_add_tcase(s, tc);
    return s;
}
