/*
 * tests/test_layers.c — reading inputs through OGR: every supported format (fixtures written with
 * GDAL in the test), field mapping, encodings, CRS handling and the choice of the working CRS.
 * Expected values come from the fixtures' own text (populations, ids) or from construction
 * (rectangles whose areas are known), never from lifecircle's output. Bounds: paths GDAL would block
 * on or read without end (pipes, devices, a 4.4 MB .prj) are refused at once, and 20,000 label
 * mappings resolve 2,000 facilities within a processor-time bound.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* Two residential rectangles in UTM 51N (EPSG:32651) near Shanghai: 100 m x 200 m and 50 m x 50 m,
 * so their areas are 20,000 m² and 2,500 m² by construction. Field names are Chinese on purpose. */
static const char *RES_UTM =
    "{\"type\":\"FeatureCollection\","
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32651\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"编号\":\"R1\",\"名称\":\"长白新村\",\"常住人口\":1200,"
    "\"户籍60岁以上\":400,\"街镇\":\"长白新村街道\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[350000,3456000],[350100,3456000],"
    "[350100,3456200],[350000,3456200],[350000,3456000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"编号\":\"R2\",\"名称\":\"控江路小区\",\"常住人口\":300,"
    "\"户籍60岁以上\":null,\"街镇\":\"控江路街道\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[350200,3456000],[350250,3456000],"
    "[350250,3456050],[350200,3456050],[350200,3456000]]]}}]}";

/* Three facilities in UTM 51N with Chinese category labels, one of them only known by a user label
 * that the study maps ("睦邻小厨", Yangpu's meal-point brand). */
static const char *FAC_UTM =
    "{\"type\":\"FeatureCollection\","
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32651\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"名称\":\"长白综合为老服务中心\","
    "\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1500.5},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[350050,3456100]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"名称\":\"睦邻小厨一号\",\"类型\":\"睦邻小厨\","
    "\"建筑面积\":200},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[350300,3456300]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F3\",\"名称\":\"照护之家\",\"类型\":\"长者照护之家\","
    "\"建筑面积\":800},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[350000,3456400],[350020,3456400],"
    "[350020,3456420],[350000,3456420],[350000,3456400]]]}}]}";

/* FAC_UTM for formats that hold one geometry type per layer (Shapefile): F3 is a point inside the
 * same 20 m square instead of the square itself. */
static const char *FAC_UTM_POINTS =
    "{\"type\":\"FeatureCollection\","
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32651\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"名称\":\"长白综合为老服务中心\","
    "\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1500.5},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[350050,3456100]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"名称\":\"睦邻小厨一号\",\"类型\":\"睦邻小厨\","
    "\"建筑面积\":200},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[350300,3456300]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F3\",\"名称\":\"照护之家\",\"类型\":\"长者照护之家\","
    "\"建筑面积\":800},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[350010,3456410]}}]}";

typedef struct fixture_dir {
    char *dir;
    char *res;
    char *fac;
} fixture_dir;

/* Writes RES_UTM and FAC_UTM in one format (file extension ext, GDAL driver) into a fresh dir. */
static fixture_dir write_pair(const char *driver, const char *ext, const char *const *opts)
{
    fixture_dir fx = {lct_tmpdir(), NULL, NULL};
    char name[64];
    snprintf(name, sizeof name, "residential.%s", ext);
    fx.res = lct_path(fx.dir, name);
    snprintf(name, sizeof name, "facilities.%s", ext);
    fx.fac = lct_path(fx.dir, name);
    ck_assert_int_eq(lct_fixture(fx.res, driver, RES_UTM, opts), 0);
    const char *fac = strcmp(driver, "ESRI Shapefile") == 0 ? FAC_UTM_POINTS : FAC_UTM;
    ck_assert_int_eq(lct_fixture(fx.fac, driver, fac, opts), 0);
    return fx;
}

static void free_pair(fixture_dir *fx)
{
    lct_rmtree(fx->dir);
    free(fx->dir);
    free(fx->res);
    free(fx->fac);
}

/* A study over the pair, with the user label mapped and the working CRS fixed. */
static lc_study *pair_study(const fixture_dir *fx, const char *crs)
{
    lc_study *st = lc_study_create(lct_ctx);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", fx->res), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", fx->fac), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.categories.睦邻小厨", "meal_point"), LC_OK);
    if (crs)
        ck_assert_int_eq(lc_study_set(lct_ctx, st, "crs", crs), LC_OK);
    return st;
}

/* Reads a study with the built-in profile and asserts it read without errors. Caller destroys. */
typedef struct loaded {
    lc_study *study;
    lc_profile *profile;
    lc_quality *quality;
    lc_inputs *inputs;
} loaded;

static loaded load(lc_study *st)
{
    loaded l = {st, lc_profile_load(lct_ctx, "shanghai-2025"), lc_quality_create(lct_ctx), NULL};
    ck_assert_ptr_nonnull(l.profile);
    l.inputs = lc_inputs_read(lct_ctx, st, l.profile, l.quality);
    ck_assert_msg(l.inputs != NULL, "read failed: %s", lc_context_errmsg(lct_ctx));
    return l;
}

static void unload(loaded *l)
{
    lc_inputs_destroy(l->inputs);
    lc_quality_destroy(l->quality);
    lc_profile_destroy(l->profile);
    lc_study_destroy(l->study);
}

static const lc_feature *find_feature(const lc_layer *L, const char *id)
{
    for (size_t i = 0; i < lc_layer_count(L); i++)
        if (strcmp(lc_layer_feature(L, i)->id, id) == 0)
            return lc_layer_feature(L, i);
    return NULL;
}

/* Asserts what the fixture text says, whatever format it went through. */
static void assert_pair_content(const loaded *l)
{
    const lc_layer *res = lc_inputs_layer(l->inputs, LC_LAYER_RESIDENTIAL);
    const lc_layer *fac = lc_inputs_layer(l->inputs, LC_LAYER_FACILITIES);
    ck_assert_uint_eq(lc_layer_count(res), 2);
    ck_assert_uint_eq(lc_layer_count(fac), 3);
    const lc_feature *r1 = find_feature(res, "R1"), *r2 = find_feature(res, "R2");
    ck_assert_ptr_nonnull(r1);
    ck_assert_ptr_nonnull(r2);
    ck_assert_str_eq(r1->name, "长白新村");
    ck_assert_str_eq(r1->unit, "长白新村街道");
    ck_assert_double_eq_tol(r1->population, 1200, 1e-9);
    ck_assert_double_eq_tol(r1->pop60, 400, 1e-9);
    ck_assert_double_eq_tol(r2->population, 300, 1e-9);
    ck_assert(isnan(r2->pop60)); /* null stays unknown, not 0 */
    ck_assert_double_eq_tol(r1->area, 20000.0, 1e-6);
    ck_assert_double_eq_tol(r2->area, 2500.0, 1e-6);

    const lc_feature *f1 = find_feature(fac, "F1"), *f2 = find_feature(fac, "F2"), *f3 = find_feature(fac, "F3");
    ck_assert_ptr_nonnull(f1);
    ck_assert_ptr_nonnull(f2);
    ck_assert_ptr_nonnull(f3);
    ck_assert_str_eq(lc_profile_category(l->profile, (size_t)f1->category)->code, "centre");
    ck_assert_str_eq(lc_profile_category(l->profile, (size_t)f2->category)->code, "meal_point");
    ck_assert_str_eq(lc_profile_category(l->profile, (size_t)f3->category)->code, "care_home_small");
    ck_assert_double_eq_tol(f1->floor_area, 1500.5, 1e-9);
    /* The polygon facility became a point inside its 20 m square. */
    double x, y;
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    ck_assert_int_eq(GEOSGeomTypeId_r(h, f3->geom), GEOS_POINT);
    GEOSGeomGetX_r(h, f3->geom, &x);
    GEOSGeomGetY_r(h, f3->geom, &y);
    ck_assert(x > 350000 && x < 350020 && y > 3456400 && y < 3456420);
    ck_assert_uint_eq(lc_quality_count_severity(l->quality, LC_SEVERITY_ERROR), 0);
}

/* Reads the pair written in one format and checks its content. */
static void roundtrip_format(const char *driver, const char *ext, const char *const *opts)
{
    fixture_dir fx = write_pair(driver, ext, opts);
    loaded l = load(pair_study(&fx, "EPSG:32651"));
    assert_pair_content(&l);
    ck_assert_str_eq(lc_crs_id(lc_inputs_crs(l.inputs)), "EPSG:32651");
    unload(&l);
    free_pair(&fx);
}

START_TEST(reads_geopackage)
{
    roundtrip_format("GPKG", "gpkg", NULL);
}
END_TEST

START_TEST(reads_geojson)
{
    roundtrip_format("GeoJSON", "geojson", NULL);
}
END_TEST

/* Shapefile field names hold at most 10 bytes, so GDAL cuts long Chinese names (常住人口 is 12 bytes
 * in UTF-8, 户籍60岁以上 12 in GBK). Planners then map the cut names; this maps each role whose
 * default name was cut to the name GDAL actually wrote, found by its first Chinese characters. */
static void map_cut_names(lc_study *st, const char *kind, const char *path, const char *encoding)
{
    static const char *const roles[][2] = {{"population", "常住"}, {"pop60", "户籍"}, {"floor_area", "建筑"}};
    GDALAllRegister();
    const char *oo[] = {encoding, NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, encoding ? oo : NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(GDALDatasetGetLayer(ds, 0));
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        const char *n = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
            if (strncmp(n, roles[r][1], strlen(roles[r][1])) != 0)
                continue;
            char key[64];
            snprintf(key, sizeof key, "%s.fields.%s", kind, roles[r][0]);
            ck_assert_int_eq(lc_study_set(lct_ctx, st, key, n), LC_OK);
        }
    }
    GDALClose(ds);
}

START_TEST(reads_shapefile_utf8_with_cpg)
{
    fixture_dir fx = write_pair("ESRI Shapefile", "shp", (const char *const[]){"-lco", "ENCODING=UTF-8", NULL});
    char *cpg = lct_path(fx.dir, "residential.cpg");
    FILE *f = fopen(cpg, "r");
    ck_assert_ptr_nonnull(f); /* GDAL wrote a .cpg saying UTF-8: the reader must honour it */
    fclose(f);
    free(cpg);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    map_cut_names(st, "residential", fx.res, NULL);
    map_cut_names(st, "facilities", fx.fac, NULL);
    loaded l = load(st);
    assert_pair_content(&l);
    unload(&l);
    free_pair(&fx);
}
END_TEST

START_TEST(reads_shapefile_gbk_without_cpg)
{
    /* A GBK shapefile (common in Chinese GIS data) whose .cpg is missing: with encoding GBK the
     * names and values read back intact. */
    fixture_dir fx = write_pair("ESRI Shapefile", "shp", (const char *const[]){"-lco", "ENCODING=CP936", NULL});
    char *cpg = lct_path(fx.dir, "residential.cpg");
    char *cpg2 = lct_path(fx.dir, "facilities.cpg");
    remove(cpg);
    remove(cpg2);
    free(cpg);
    free(cpg2);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "encoding", "GBK"), LC_OK);
    map_cut_names(st, "residential", fx.res, "ENCODING=CP936");
    map_cut_names(st, "facilities", fx.fac, "ENCODING=CP936");
    loaded l = load(st);
    assert_pair_content(&l);
    unload(&l);
    free_pair(&fx);
}
END_TEST

/* Facilities as a CSV or XLSX table with lon/lat columns (WGS 84), as planners export them. */
static const char *FAC_LONLAT =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"类型\":\"助餐点\",\"经度\":121.4737,\"纬度\":31.2304},"
    "\"geometry\":null},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"类型\":\"养老机构\",\"经度\":121.5,\"纬度\":31.25},"
    "\"geometry\":null}]}";

static void table_facilities(const char *driver, const char *ext)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    char name[64];
    snprintf(name, sizeof name, "table.%s", ext);
    char *table = lct_path(fx.dir, name);
    ck_assert_int_eq(lct_fixture(table, driver, FAC_LONLAT, NULL), 0);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", table), LC_OK);

    /* Without a stated CRS, lon/lat columns are refused: they could be GCJ-02 or BD-09. */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    ck_assert_ptr_null(lc_inputs_read(lct_ctx, st, p, q));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CRS);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "GCJ-02");
    lc_quality_destroy(q);
    lc_profile_destroy(p);

    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.crs", "EPSG:4326"), LC_OK);
    loaded l = load(st);
    const lc_layer *fac = lc_inputs_layer(l.inputs, LC_LAYER_FACILITIES);
    ck_assert_uint_eq(lc_layer_count(fac), 2);
    /* 121.4737E 31.2304N in UTM 51N, by PROJ's command line tool:
     * echo 121.4737 31.2304 | cs2cs +proj=longlat +datum=WGS84 +to +init=epsg:32651 -f %.3f
     * → 354633.649 3456140.530 */
    const lc_feature *f1 = find_feature(fac, "F1");
    double x, y;
    GEOSGeomGetX_r(lc_context_geos(lct_ctx), f1->geom, &x);
    GEOSGeomGetY_r(lc_context_geos(lct_ctx), f1->geom, &y);
    ck_assert_double_eq_tol(x, 354633.649, 0.01);
    ck_assert_double_eq_tol(y, 3456140.530, 0.01);
    ck_assert_str_eq(lc_profile_category(l.profile, (size_t)find_feature(fac, "F2")->category)->code, "care_home");
    unload(&l);
    free(table);
    free_pair(&fx);
}

START_TEST(reads_csv_lonlat)
{
    table_facilities("CSV", "csv");
}
END_TEST

START_TEST(reads_xlsx_lonlat)
{
    table_facilities("XLSX", "xlsx");
}
END_TEST

START_TEST(reads_excel_gbk_csv)
{
    /* Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK: header and cells. The bytes below are
     * the GBK encoding of 编号,名称,类型,经度,纬度 / F1,长者食堂,社区长者食堂,121.4737,31.2304, taken from
     * the GB 2312 code chart (编 B1E0 号 BAC5, 名 C3FB 称 B3C6, 类 C0E0 型 D0CD, 经 BEAD 度 B6C8,
     * 纬 CEB3; 长 B3A4 者 D5DF 食 CAB3 堂 CCC3, 社 C9E7 区 C7F8) — not written through any recoder of ours. */
    static const char gbk[] = "\xB1\xE0\xBA\xC5,\xC3\xFB\xB3\xC6,\xC0\xE0\xD0\xCD,\xBE\xAD\xB6\xC8,"
                              "\xCE\xB3\xB6\xC8\r\n"
                              "F1,\xB3\xA4\xD5\xDF\xCA\xB3\xCC\xC3,\xC9\xE7\xC7\xF8\xB3\xA4\xD5\xDF\xCA\xB3"
                              "\xCC\xC3,121.4737,31.2304\r\n";
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    char *table = lct_path(fx.dir, "excel.csv");
    ck_assert_int_eq(lct_write_text(table, gbk), 0);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", table), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.crs", "EPSG:4326"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.encoding", "GBK"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.id", "编号"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.name", "名称"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.category", "类型"), LC_OK);
    loaded l = load(st);
    const lc_layer *fac = lc_inputs_layer(l.inputs, LC_LAYER_FACILITIES);
    ck_assert_uint_eq(lc_layer_count(fac), 1);
    const lc_feature *f = find_feature(fac, "F1");
    ck_assert_str_eq(f->name, "长者食堂");
    ck_assert_str_eq(lc_profile_category(l.profile, (size_t)f->category)->code, "canteen");
    unload(&l);
    free(table);
    free_pair(&fx);
}
END_TEST

START_TEST(mixed_study_with_a_global_gbk)
{
    /* `--encoding GBK` on a study of mixed files (issue 17): the residential Shapefile is GBK without
     * a .cpg (read as GBK), the facilities a UTF-8 CSV (its text is valid UTF-8: kept as UTF-8, not
     * re-decoded into 搴峰嶈… garble). Every layer says
     * which encoding it was read in, as a note. The names below are what the files hold, written
     * here: 长白新村 in the Shapefile (write_pair), 长者食堂 / 社区长者食堂 in the CSV, both in UTF-8
     * source text. */
    fixture_dir fx = write_pair("ESRI Shapefile", "shp", (const char *const[]){"-lco", "ENCODING=CP936", NULL});
    char *cpg = lct_path(fx.dir, "residential.cpg");
    remove(cpg);
    free(cpg);
    char *table = lct_path(fx.dir, "facilities-utf8.csv");
    ck_assert_int_eq(lct_write_text(table, "编号,名称,类型,经度,纬度\r\nF1,长者食堂,社区长者食堂,121.4737,31.2304\r\n"), 0);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "encoding", "GBK"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", table), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.crs", "EPSG:4326"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.id", "编号"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.name", "名称"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.category", "类型"), LC_OK);
    map_cut_names(st, "residential", fx.res, "ENCODING=CP936");
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    const lc_feature *r1 = find_feature(lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), "R1");
    ck_assert_ptr_nonnull(r1);
    ck_assert_str_eq(r1->name, "长白新村");
    ck_assert_str_eq(r1->unit, "长白新村街道");
    const lc_feature *f1 = find_feature(lc_inputs_layer(in, LC_LAYER_FACILITIES), "F1");
    ck_assert_ptr_nonnull(f1);
    ck_assert_str_eq(f1->name, "长者食堂");
    ck_assert_str_eq(lc_profile_category(p, (size_t)f1->category)->code, "canteen");
    /* One note per layer read, saying the encoding used. */
    int said_gbk = 0, said_utf8 = 0;
    for (size_t i = 0; i < lc_quality_count(q); i++) {
        const lc_issue *it = lc_quality_get(q, i);
        if (strcmp(it->check, LC_CHECK_ENCODING))
            continue;
        ck_assert_int_eq(it->severity, LC_SEVERITY_INFO);
        said_gbk += strstr(it->message, "residential layer") && strstr(it->message, "read as GBK");
        said_utf8 += strstr(it->message, "facilities layer") && strstr(it->message, "read as UTF-8") &&
                     strstr(it->message, "valid UTF-8");
    }
    ck_assert_int_eq(said_gbk, 1);
    ck_assert_int_eq(said_utf8, 1);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    free(table);
    free_pair(&fx);
}
END_TEST

START_TEST(unknown_encoding_is_refused)
{
    /* An encoding iconv does not know would leave the text unrecoded without a word. */
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.encoding", "KLINGON-8"), LC_OK);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    ck_assert_ptr_null(lc_inputs_read(lct_ctx, st, p, q));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "residential.encoding 'KLINGON-8'");
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    free_pair(&fx);
}
END_TEST

START_TEST(reads_osm_pbf)
{
    /* Real OSM data: pharmacies mapped as buildings in central Porto (the multipolygons layer, the
     * default for OSM facilities is points; amenity is a column there), category from the tag. */
    char *pbf = lct_path(lct_shared_dir(), "data/osm/porto.osm.pbf");
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, NULL);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", pbf), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.layer", "multipolygons"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.where", "amenity = 'pharmacy'"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.fields.category", "amenity"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.categories.pharmacy", "rental_point"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "crs", "EPSG:32629"), LC_OK);
    loaded l = load(st);
    const lc_layer *fac = lc_inputs_layer(l.inputs, LC_LAYER_FACILITIES);
    /* Counted independently: ogrinfo -ro porto.osm.pbf multipolygons -where "amenity='pharmacy'" |
     * grep -c MULTIPOLYGON → 17 */
    ck_assert_uint_eq(lc_layer_count(fac), 17);
    lc_bbox box = lc_layer_extent(fac);
    /* Central Porto lies around 530,000 E / 4,555,000 N in UTM 29N. */
    ck_assert(box.minx > 520000 && box.maxx < 540000 && box.miny > 4550000 && box.maxy < 4565000);
    unload(&l);
    free_pair(&fx);
    free(pbf);
}
END_TEST

START_TEST(auto_crs_keeps_projected_data)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    loaded l = load(pair_study(&fx, NULL));
    ck_assert_str_eq(lc_crs_id(lc_inputs_crs(l.inputs)), "EPSG:32651");
    unload(&l);
    free_pair(&fx);
}
END_TEST

START_TEST(auto_crs_utm_for_lonlat)
{
    /* The same rectangles reprojected to WGS 84 by ogr2ogr: auto picks UTM zone 51N (120–126E),
     * and the areas come back within 0.1 m² of the constructed ones. */
    fixture_dir fx = write_pair("GPKG", "gpkg", (const char *const[]){"-t_srs", "EPSG:4326", NULL});
    loaded l = load(pair_study(&fx, NULL));
    ck_assert_str_eq(lc_crs_id(lc_inputs_crs(l.inputs)), "EPSG:32651");
    const lc_feature *r1 = find_feature(lc_inputs_layer(l.inputs, LC_LAYER_RESIDENTIAL), "R1");
    ck_assert_double_eq_tol(r1->area, 20000.0, 0.1);
    unload(&l);
    free_pair(&fx);
}
END_TEST

START_TEST(gcj02_input_is_corrected)
{
    /* A facility given in GCJ-02 (Amap) coordinates must land where its WGS 84 twin lands.
     * Pair from wandergis/coordtransform's README: WGS84 (116.404, 39.915) ↔ GCJ-02
     * (116.41024449916938, 39.91640428150164). */
    const char *gcj =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"G1\","
        "\"类型\":\"助餐点\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.41024449916938,39.91640428150164]}}]}";
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    char *fac = lct_path(fx.dir, "gcj.geojson");
    ck_assert_int_eq(lct_write_text(fac, gcj), 0);
    lc_study *st = pair_study(&fx, "EPSG:32650");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", fac), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.crs", "GCJ-02"), LC_OK);
    loaded l = load(st);
    const lc_feature *g = lc_layer_feature(lc_inputs_layer(l.inputs, LC_LAYER_FACILITIES), 0);
    double x, y;
    GEOSGeomGetX_r(lc_context_geos(lct_ctx), g->geom, &x);
    GEOSGeomGetY_r(lc_context_geos(lct_ctx), g->geom, &y);
    /* echo 116.404 39.915 | cs2cs +proj=longlat +datum=WGS84 +to +init=epsg:32650 -f %.3f
     * → 449062.431 4418493.116 ; GCJ-02's offset (~500 m) must be gone to within 1 m. */
    ck_assert_double_eq_tol(x, 449062.431, 1.0);
    ck_assert_double_eq_tol(y, 4418493.116, 1.0);
    unload(&l);
    free(fac);
    free_pair(&fx);
}
END_TEST

START_TEST(where_filter_applies)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.where", "\"常住人口\" > 500"), LC_OK);
    loaded l = load(st);
    const lc_layer *res = lc_inputs_layer(l.inputs, LC_LAYER_RESIDENTIAL);
    ck_assert_uint_eq(lc_layer_count(res), 1);
    ck_assert_str_eq(lc_layer_feature(res, 0)->id, "R1");
    unload(&l);
    free_pair(&fx);
}
END_TEST

static void expect_read_error(lc_study *st, lc_status status, const char *needle);

START_TEST(sql_query_reads_its_rows)
{
    /* The residential input as a query on the GeoPackage (SQLite dialect): the one compound the
     * condition selects by construction of the fixture, as with the same `where` filter above. */
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(fx.res, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" WHERE \"常住人口\" > 500",
             OGR_L_GetName(GDALDatasetGetLayer(ds, 0)));
    GDALClose(ds);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.sql", sql), LC_OK);
    loaded l = load(st);
    const lc_layer *res = lc_inputs_layer(l.inputs, LC_LAYER_RESIDENTIAL);
    ck_assert_uint_eq(lc_layer_count(res), 1);
    ck_assert_str_eq(lc_layer_feature(res, 0)->id, "R1");
    unload(&l);
    free_pair(&fx);
}
END_TEST

START_TEST(filters_and_queries_refused)
{
    /* One statement, no comments, closed literals, SELECT only; checked before GDAL sees them. */
    static const struct {
        const char *key, *value, *needle;
    } cases[] = {
        {"residential.where", "\"常住人口\" > 0; DROP TABLE residential", "only one statement"},
        {"residential.where", "\"常住人口\" > 0 /* x */", "comment"},
        {"residential.where", "\"编号\" = 'R1", "is not closed"},
        {"residential.where", "\"编号\" = $$R1$$", "dollar"},
        {"residential.sql", "DELETE FROM residential", "must be a SELECT"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
        lc_study *st = pair_study(&fx, "EPSG:32651");
        ck_assert_int_eq(lc_study_set(lct_ctx, st, cases[i].key, cases[i].value), LC_OK);
        expect_read_error(st, LC_ERR_CONFIG, cases[i].needle);
        free_pair(&fx);
    }
}
END_TEST

START_TEST(field_mapping_overrides_defaults)
{
    /* Map population onto the 60+ field: the mapping, not the default name, decides. */
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.where", "\"编号\" = 'R1'"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.fields.population", "户籍60岁以上"), LC_OK);
    loaded l = load(st);
    ck_assert_double_eq_tol(lc_layer_feature(lc_inputs_layer(l.inputs, LC_LAYER_RESIDENTIAL), 0)->population, 400, 1e-9);
    unload(&l);
    free_pair(&fx);
}
END_TEST

/* Expects lc_inputs_read to fail with status and a message containing needle. */
static void expect_read_error(lc_study *st, lc_status status, const char *needle)
{
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_ptr_null(in);
    ck_assert_int_eq(lc_context_errno(lct_ctx), status);
    lct_assert_contains(lc_context_errmsg(lct_ctx), needle);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
}

START_TEST(mapped_field_missing_is_an_error)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.fields.population", "人口总数"), LC_OK);
    expect_read_error(st, LC_ERR_FIELD, "人口总数");
    free_pair(&fx);
}
END_TEST

START_TEST(required_field_absent_is_an_error)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    /* The facilities layer as residential: it has no population field under any default name. */
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", fx.fac), LC_OK);
    expect_read_error(st, LC_ERR_FIELD, "no population field");
    free_pair(&fx);
}
END_TEST

START_TEST(misspelt_layer_lists_the_layers)
{
    /* A typo in <kind>.layer: the message names the key and the layers the file does hold. */
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.layer", "residentail"), LC_OK);
    expect_read_error(st, LC_ERR_IO, "no layer named 'residentail' (residential.layer); the file holds lct_fixture");
    free_pair(&fx);
}
END_TEST

START_TEST(no_crs_is_refused)
{
    fixture_dir fx = write_pair("ESRI Shapefile", "shp", (const char *const[]){"-lco", "ENCODING=UTF-8", NULL});
    char *prj = lct_path(fx.dir, "residential.prj");
    ck_assert_int_eq(remove(prj), 0);
    free(prj);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "encoding", "UTF-8"), LC_OK);
    expect_read_error(st, LC_ERR_CRS, "no CRS");

    /* Stating it makes the layer usable. */
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.crs", "EPSG:32651"), LC_OK);
    map_cut_names(st, "residential", fx.res, NULL);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_inputs *in = lc_inputs_read(lct_ctx, st, p, q);
    ck_assert_msg(in != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_layer_count(lc_inputs_layer(in, LC_LAYER_RESIDENTIAL)), 2);
    lc_inputs_destroy(in);
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    free_pair(&fx);
}
END_TEST

START_TEST(missing_file_is_an_io_error)
{
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", "/nonexistent/小区.shp");
    lc_study_set(lct_ctx, st, "facilities.path", "/nonexistent/设施.shp");
    expect_read_error(st, LC_ERR_IO, "/nonexistent/小区.shp");
}
END_TEST

START_TEST(passwords_never_shown)
{
    /* A PostGIS source that cannot be reached: the error names the source without its password. */
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path",
                 "PG:host=127.0.0.1 port=1 dbname=planning user=gis password='s3cret Pw' connect_timeout=2");
    lc_study_set(lct_ctx, st, "facilities.path", "/nonexistent/设施.shp");
    expect_read_error(st, LC_ERR_IO, "password=***");
    ck_assert_ptr_null(strstr(lc_context_errmsg(lct_ctx), "s3cret"));
    /* libpq's escaped blank: the whole value is the password. */
    st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path",
                 "PG:host=127.0.0.1 port=1 dbname=planning user=gis password=Secret\\ TailB connect_timeout=2");
    lc_study_set(lct_ctx, st, "facilities.path", "/nonexistent/设施.shp");
    expect_read_error(st, LC_ERR_IO, "password=*** connect_timeout=2");
    ck_assert_ptr_null(strstr(lc_context_errmsg(lct_ctx), "TailB"));
    /* A blank not escaped: libpq cannot parse the string, and the message quotes none of it (libpq's
     * own message would name "TailB" as a keyword without '='). */
    st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", "PG:host=127.0.0.1 dbname=planning password=Secret TailB");
    lc_study_set(lct_ctx, st, "facilities.path", "/nonexistent/设施.shp");
    expect_read_error(st, LC_ERR_CONFIG, "the connection string of the residential input (residential.path) cannot "
                      "be read");
    ck_assert_ptr_null(strstr(lc_context_errmsg(lct_ctx), "TailB"));
    ck_assert_ptr_null(strstr(lc_context_errmsg(lct_ctx), "Secret"));
    /* GDAL's own keys are refused by name: the toolkit's own connections would not share them. */
    st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", "PG:host=127.0.0.1 dbname=planning ACTIVE_SCHEMA=p2");
    lc_study_set(lct_ctx, st, "facilities.path", "/nonexistent/设施.shp");
    expect_read_error(st, LC_ERR_CONFIG, "GDAL's active_schema=");
}
END_TEST

START_TEST(multi_layer_source_needs_a_layer_name)
{
    /* A GeoPackage with two layers: reading it without naming one lists both. */
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    ck_assert_int_eq(lct_fixture(fx.res, "GPKG", FAC_UTM, (const char *const[]){"-update", "-nln", "second", NULL}), 0);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    expect_read_error(st, LC_ERR_IO, "second");
    free_pair(&fx);
}
END_TEST


/* Seconds of processor time this test has used: the measure of work done for the time bounds, which
 * a machine busy with other jobs does not stretch. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds on the monotonic clock: for bounds on waiting (a pipe that would block uses no processor
 * time) and on other processes. */
static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* As expect_read_error, and within 5 s: the input is refused before GDAL waits on it (a pipe
 * would block for ever). */
static void expect_refused_fast(lc_study *st, const char *needle, const char *needle2)
{
    double t0 = wall_now();
    expect_read_error(st, LC_ERR_IO, needle);
    lct_assert_contains(lc_context_errmsg(lct_ctx), needle2);
    double took = wall_now() - t0;
    ck_assert_msg(took < 5.0, "refused after %.3f s", took);
}

START_TEST(special_input_paths_refused)
{
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    fixture_dir sx = write_pair("ESRI Shapefile", "shp", (const char *const[]){"-lco", "ENCODING=UTF-8", NULL});
    char *fifo = lct_path(fx.dir, "pipe.gpkg");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);

    /* the input itself: a named pipe (GDAL would wait for a writer) and /dev/zero (endless) */
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", fifo), LC_OK);
    expect_refused_fast(st, "cannot open facilities layer '", "pipe.gpkg': it is a named pipe (FIFO), not a file or a folder");
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", "/dev/zero"), LC_OK);
    expect_refused_fast(st, "cannot open residential layer '/dev/zero'", "it is a character device");

    /* a side file that is a pipe: the .dbf GDAL opens with the .shp */
    char *dbf = lct_path(sx.dir, "residential.dbf"), *moved = lct_path(sx.dir, "residential.dbf.real");
    ck_assert_int_eq(rename(dbf, moved), 0);
    ck_assert_int_eq(mkfifo(dbf, 0600), 0);
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", sx.res), LC_OK);
    expect_refused_fast(st, "its side file ", "residential.dbf is a named pipe (FIFO), not a regular file");
    ck_assert_int_eq(remove(dbf), 0);
    ck_assert_int_eq(rename(moved, dbf), 0);

    /* a 4.4 MB .prj: refused by its size before GDAL reads it whole */
    char *prj = lct_path(sx.dir, "residential.prj");
    FILE *f = fopen(prj, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 44000; i++)
        fputs("PROJCS[\"WGS 84 / UTM zone 51N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257]]]]\n", f);
    ck_assert_int_eq(fclose(f), 0);
    struct stat sb;
    ck_assert_int_eq(stat(prj, &sb), 0);
    ck_assert_int_gt(sb.st_size, 4400000);
    char size[64];
    snprintf(size, sizeof size, "residential.prj is %lld bytes, more than the 65536", (long long)sb.st_size);
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", sx.res), LC_OK);
    expect_refused_fast(st, "cannot open residential layer '", size);

    /* the same .prj in a folder given as the input (a folder of shapefiles) */
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.path", sx.dir), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "residential.layer", "residential"), LC_OK);
    expect_refused_fast(st, "its side file ", size);

    /* and through the command: exit 2, the message naming the layer and the file */
    char *study = lct_path(fx.dir, "study.yml"), text[2048];
    snprintf(text, sizeof text, "crs: EPSG:32651\nresidential: {path: '%s'}\nfacilities: {path: '%s'}\n", sx.res, fifo);
    ck_assert_int_eq(lct_write_text(study, text), 0);
    char args[4096], *out;
    snprintf(args, sizeof args, "validate '%s'", study);
    double t0 = wall_now();
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    ck_assert(wall_now() - t0 < 10.0);
    lct_assert_contains(out, "residential.prj is ");
    free(out);
    snprintf(text, sizeof text, "crs: EPSG:32651\nresidential: {path: '%s'}\nfacilities: {path: '%s'}\n", fx.res, fifo);
    ck_assert_int_eq(lct_write_text(study, text), 0);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "pipe.gpkg': it is a named pipe (FIFO)");
    free(out);

    /* connection strings and /vsi paths name no file: still GDAL's to open (and report) */
    st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", "/vsizip//nonexistent/设施.zip"), LC_OK);
    expect_read_error(st, LC_ERR_IO, "cannot open facilities layer '/vsizip//nonexistent/设施.zip'");

    free(study), free(prj), free(moved), free(dbf), free(fifo);
    free_pair(&sx);
    free_pair(&fx);
}
END_TEST

START_TEST(many_category_labels_resolved_fast)
{
    /* 20,000 label mappings and 2,000 facilities labelled with them: each label found by hashing,
     * and each facility's category the one its label maps to (odd labels centre, even meal points) */
    char *dir = lct_tmpdir(), *fac = lct_path(dir, "facilities.geojson");
    size_t cap = 1 << 20, n = 0;
    char *fc = malloc(cap);
    ck_assert_ptr_nonnull(fc);
    n += (size_t)snprintf(fc + n, cap - n, "{\"type\":\"FeatureCollection\"," UTM "\"features\":[");
    for (int i = 0; i < 2000; i++)
        n += (size_t)snprintf(fc + n, cap - n,
                              "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"F%d\",\"类型\":\"label%d\",\"建筑面积\":100},"
                              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%d,3456100]}}",
                              i ? "," : "", i, (i * 7919) % 20000, 350000 + i);
    snprintf(fc + n, cap - n, "]}");
    ck_assert_int_eq(lct_write_text(fac, fc), 0);
    fixture_dir fx = write_pair("GPKG", "gpkg", NULL);
    lc_study *st = pair_study(&fx, "EPSG:32651");
    ck_assert_int_eq(lc_study_set(lct_ctx, st, "facilities.path", fac), LC_OK);
    char key[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "facilities.categories.label%d", i);
        ck_assert_int_eq(lc_study_set(lct_ctx, st, key, i % 2 ? "centre" : "meal_point"), LC_OK);
    }
    double t0 = cpu_now();
    loaded l = load(st);
    double took = cpu_now() - t0;
    const lc_layer *L = lc_inputs_layer(l.inputs, LC_LAYER_FACILITIES);
    ck_assert_uint_eq(lc_layer_count(L), 2000);
    for (size_t i = 0; i < 2000; i++) {
        const lc_feature *ft = lc_layer_feature(L, i);
        int label = atoi(ft->id + 1) * 7919 % 20000;
        ck_assert_int_ge(ft->category, 0);
        ck_assert_str_eq(lc_profile_category(l.profile, (size_t)ft->category)->code, label % 2 ? "centre" : "meal_point");
    }
    ck_assert_msg(took < 3.0, "reading 2,000 facilities with 20,000 labels took %.3f s", took);
    unload(&l);
    free_pair(&fx);
    lct_rmtree(dir);
    free(fc), free(fac), free(dir);
}
END_TEST

START_TEST(null_arguments_are_misuse)
{
    lc_quality *q = lc_quality_create(lct_ctx);
    ck_assert_ptr_null(lc_inputs_read(lct_ctx, NULL, NULL, q));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_quality_destroy(q);
    lc_inputs_destroy(NULL);
    ck_assert_ptr_null(lc_inputs_layer(NULL, LC_LAYER_UNITS));
    ck_assert_uint_eq(lc_layer_count(NULL), 0);
}
END_TEST

Suite *suite_layers(void)
{
    Suite *s = suite_create("layers");
    TCase *formats = tcase_create("formats");
    tcase_add_checked_fixture(formats, lct_setup, lct_teardown);
    tcase_set_timeout(formats, 120);
    tcase_add_test(formats, reads_geopackage);
    tcase_add_test(formats, misspelt_layer_lists_the_layers);
    tcase_add_test(formats, reads_geojson);
    tcase_add_test(formats, reads_shapefile_utf8_with_cpg);
    tcase_add_test(formats, reads_shapefile_gbk_without_cpg);
    tcase_add_test(formats, reads_csv_lonlat);
    tcase_add_test(formats, reads_xlsx_lonlat);
    tcase_add_test(formats, reads_excel_gbk_csv);
    tcase_add_test(formats, mixed_study_with_a_global_gbk);
    if (lct_have_shared()) /* real OSM data from ../shared (see lct_have_shared) */
        tcase_add_test(formats, reads_osm_pbf);
    suite_add_tcase(s, formats);

    TCase *crs = tcase_create("crs");
    tcase_add_checked_fixture(crs, lct_setup, lct_teardown);
    tcase_add_test(crs, auto_crs_keeps_projected_data);
    tcase_add_test(crs, auto_crs_utm_for_lonlat);
    tcase_add_test(crs, gcj02_input_is_corrected);
    tcase_add_test(crs, no_crs_is_refused);
    suite_add_tcase(s, crs);

    TCase *mapping = tcase_create("mapping");
    tcase_add_checked_fixture(mapping, lct_setup, lct_teardown);
    tcase_add_test(mapping, where_filter_applies);
    tcase_add_test(mapping, sql_query_reads_its_rows);
    tcase_add_test(mapping, filters_and_queries_refused);
    tcase_add_test(mapping, field_mapping_overrides_defaults);
    suite_add_tcase(s, mapping);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, lct_setup, lct_teardown);
    tcase_add_test(errors, mapped_field_missing_is_an_error);
    tcase_add_test(errors, required_field_absent_is_an_error);
    tcase_add_test(errors, missing_file_is_an_io_error);
    tcase_add_test(errors, unknown_encoding_is_refused);
    tcase_add_test(errors, multi_layer_source_needs_a_layer_name);
    tcase_add_test(errors, passwords_never_shown);
    tcase_add_test(errors, null_arguments_are_misuse);
    suite_add_tcase(s, errors);

    TCase *bounds = tcase_create("bounds");
    tcase_add_checked_fixture(bounds, lct_setup, lct_teardown);
    tcase_set_timeout(bounds, 120);
    tcase_add_test(bounds, special_input_paths_refused);
    tcase_add_test(bounds, many_category_labels_resolved_fast);
    suite_add_tcase(s, bounds);
    return s;
}
