/*
 * tests/test_output.c — writing output directories: every format written and read back with GDAL
 * (geometry types, CRS, field names, Chinese text, nulls, .cpg/.prj, field dictionary, CSV tables),
 * the atomic directory rules (refusal, overwrite, abort, rollback), byte-for-byte determinism and
 * the checks on field and layer names. Expected values come from the sample written here.
 */
#include <cpl_conv.h>
#include <dirent.h>
#include <errno.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* ---- the sample ----------------------------------------------------------------------------- */

static const lc_field_def FAC_FIELDS[] = {
    {"name", "NAME", LC_FIELD_STRING, 0, 0, "名称", "Name", ""},
    {"unit_name", "UNIT", LC_FIELD_STRING, 0, 0, "所属街镇", "Sub-district", ""},
    {"beds", "BEDS", LC_FIELD_INTEGER, 0, 0, "床位数", "Beds", "beds"},
    {"floor_area_m2", "AREA_M2", LC_FIELD_REAL, 0, 2, "建筑面积", "Floor area", "m²"},
};

static const lc_field_def RES_FIELDS[] = {
    {"name", "NAME", LC_FIELD_STRING, 0, 0, "名称", "Name", ""},
    {"population", "POP", LC_FIELD_INTEGER, 0, 0, "常住人口", "Resident population", "people"},
    {"centre_covered_share", "CTR_SHARE", LC_FIELD_REAL, 0, 0, "综合为老服务中心可达面积比例",
     "Share, of the area, within reach of a \"centre\"", "share 0–1"},
};

static const lc_field_def TABLE_FIELDS[] = {
    {"norm", "NORM", LC_FIELD_STRING, 0, 0, "指标", "Norm", ""},
    {"value", "VALUE", LC_FIELD_REAL, 0, 0, "数值", "Value", ""},
    {"pass", "PASS", LC_FIELD_INTEGER, 0, 0, "是否达标", "Passes", ""},
};

static const char *RES_DICTIONARY =
    "\xEF\xBB\xBF"
    "short_name,name,type,unit,zh,en\r\n"
    "NAME,name,string,,名称,Name\r\n"
    "POP,population,integer,people,常住人口,Resident population\r\n"
    "CTR_SHARE,centre_covered_share,real,share 0–1,综合为老服务中心可达面积比例,"
    "\"Share, of the area, within reach of a \"\"centre\"\"\"\r\n";

static const char *TABLE_CSV =
    "\xEF\xBB\xBF"
    "norm,value,pass\r\n"
    "床位/百名老人,3.2,1\r\n"
    "\"a, \"\"b\"\"\",,\r\n";

static GEOSGeometry *geom(const char *wkt)
{
    GEOSContextHandle_t h = lc_context_geos(lct_ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, wkt);
    GEOSWKTReader_destroy_r(h, r);
    ck_assert_ptr_nonnull(g);
    return g;
}

static void geom_free(GEOSGeometry *g)
{
    GEOSGeom_destroy_r(lc_context_geos(lct_ctx), g);
}

static lc_value S(const char *s) { return (lc_value){.s = s}; }
static lc_value I(long long i) { return (lc_value){.i = i}; }
static lc_value D(double d) { return (lc_value){.d = d}; }
static const lc_value NUL = {.is_null = 1};

static lc_crs *utm51(void)
{
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    ck_assert_ptr_nonnull(crs);
    return crs;
}

static lc_output *begin(const char *dir, const lc_crs *crs, lc_format format, const char *encoding,
                        int overwrite)
{
    lc_output_options o = {.format = format, .overwrite = overwrite, .encoding = encoding};
    lc_output *out = lc_output_begin(lct_ctx, dir, crs, &o);
    ck_assert_msg(out != NULL, "begin failed: %s", lc_context_errmsg(lct_ctx));
    return out;
}

static void add_ok(lc_layer_writer *w, const char *wkt, const lc_value *v)
{
    GEOSGeometry *g = wkt ? geom(wkt) : NULL;
    lc_status st = lc_layer_writer_add(lct_ctx, w, g, v);
    ck_assert_msg(st == LC_OK, "add failed: %s", lc_context_errmsg(lct_ctx));
    if (g)
        geom_free(g);
}

/* Writes facilities (points), residential (multipolygons), norms (a table) and summary.json. */
static void write_layers(lc_output *out)
{
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "facilities", GEOS_POINT, FAC_FIELDS, 4);
    ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
    add_ok(w, "POINT (350050 3456100)",
           (lc_value[]){S("长白综合为老服务中心"), S("长白新村街道"), I(120), D(1500.5)});
    add_ok(w, "POINT (350300 3456300)", (lc_value[]){NUL, S(NULL), NUL, D(NAN)});
    add_ok(w, "POINT (350010 3456410)", (lc_value[]){S("照护之家, \"东区\""), S("控江路街道"), I(0), D(0.25)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);

    w = lc_output_layer_create(lct_ctx, out, "residential", GEOS_MULTIPOLYGON, RES_FIELDS, 3);
    ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
    add_ok(w, "POLYGON ((350000 3456000, 350100 3456000, 350100 3456200, 350000 3456200, 350000 3456000))",
           (lc_value[]){S("长白新村"), I(1200), D(0.75)});
    add_ok(w, "MULTIPOLYGON (((350200 3456000, 350250 3456000, 350250 3456050, 350200 3456050, "
              "350200 3456000)), ((350300 3456000, 350310 3456000, 350310 3456010, 350300 3456010, "
              "350300 3456000)))",
           (lc_value[]){S("控江路小区"), I(300), D(1.0)});
    add_ok(w, NULL, (lc_value[]){NUL, NUL, D(NAN)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);

    w = lc_output_layer_create(lct_ctx, out, "norms", -1, TABLE_FIELDS, 3);
    ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
    add_ok(w, NULL, (lc_value[]){S("床位/百名老人"), D(3.2), I(1)});
    add_ok(w, NULL, (lc_value[]){S("a, \"b\""), D(NAN), NUL});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);

    ck_assert_int_eq(lc_output_write_text(lct_ctx, out, "summary.json", "{\"街镇\": 2}\n"), LC_OK);
}

/* Writes the whole sample into dir and commits. */
static void write_sample(const char *dir, lc_format format, const char *encoding, int overwrite)
{
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, format, encoding, overwrite);
    write_layers(out);
    lc_status st = lc_output_commit(lct_ctx, out);
    ck_assert_msg(st == LC_OK, "commit failed: %s", lc_context_errmsg(lct_ctx));
    lc_crs_destroy(crs);
}

/* ---- reading back --------------------------------------------------------------------------- */

static void assert_file_text(const char *dir, const char *name, const char *expected)
{
    char *path = lct_path(dir, name);
    size_t len = 0;
    char *text = lct_slurp(path, &len);
    ck_assert_msg(text != NULL, "%s is missing", path);
    ck_assert_uint_eq(len, strlen(expected));
    ck_assert_msg(memcmp(text, expected, len) == 0, "%s differs:\n%s\nexpected:\n%s", name, text, expected);
    free(text);
    free(path);
}

static int exists(const char *dir, const char *name)
{
    char *path = name ? lct_path(dir, name) : strdup(dir);
    struct stat st;
    int rc = lstat(path, &st) == 0;
    free(path);
    return rc;
}

/* Asserts that dir holds exactly the given (sorted, NULL-terminated) names. */
static void assert_listing(const char *dir, const char *const *expected)
{
    size_t n = 0, k = 0;
    char **names = lct_list_dir(dir, &n);
    for (; expected[k]; k++) {
        ck_assert_msg(k < n, "%s: %s missing", dir, expected[k]);
        ck_assert_str_eq(names[k], expected[k]);
    }
    ck_assert_msg(n == k, "%s holds %zu entries, expected %zu (first extra: %s)", dir, n, k,
                  n > k ? names[k] : "");
    lct_free_names(names, n);
}

static GDALDatasetH open_vector(const char *dir, const char *name)
{
    char *path = lct_path(dir, name);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "GDAL cannot open %s", path);
    free(path);
    return ds;
}

static void assert_utm51(OGRLayerH layer)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    ck_assert_ptr_nonnull(srs);
    OGRSpatialReferenceH epsg = OSRNewSpatialReference(NULL);
    ck_assert_int_eq(OSRImportFromEPSG(epsg, 32651), OGRERR_NONE);
    ck_assert_msg(OSRIsSame(srs, epsg), "layer %s is not in EPSG:32651", OGR_L_GetName(layer));
    OSRDestroySpatialReference(epsg);
}

/* The field of f named name (which must exist). */
static int field(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    ck_assert_msg(i >= 0, "no field %s", name);
    return i;
}

/* Asserts the facilities and residential layers as written by write_layers; short: Shapefile names. */
static void assert_layers(OGRLayerH fac, OGRLayerH res, int short_names)
{
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(fac)), wkbPoint);
    assert_utm51(fac);
    assert_utm51(res);
    const char *n_name = short_names ? "NAME" : "name";
    const char *n_unit = short_names ? "UNIT" : "unit_name";
    const char *n_beds = short_names ? "BEDS" : "beds";
    const char *n_area = short_names ? "AREA_M2" : "floor_area_m2";
    const char *n_pop = short_names ? "POP" : "population";
    const char *n_share = short_names ? "CTR_SHARE" : "centre_covered_share";
    ck_assert_int_eq(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(fac)), 4);
    ck_assert_int_eq(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(res)), 3);
    ck_assert_int_eq(OGR_L_GetFeatureCount(fac, TRUE), 3);
    ck_assert_int_eq(OGR_L_GetFeatureCount(res, TRUE), 3);

    OGR_L_ResetReading(fac);
    OGRFeatureH f = OGR_L_GetNextFeature(fac);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, field(f, n_name)), "长白综合为老服务中心");
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, field(f, n_unit)), "长白新村街道");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger64(f, field(f, n_beds)), 120);
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, field(f, n_area)), 1500.5, 1e-9);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    ck_assert_ptr_nonnull(g);
    ck_assert_double_eq_tol(OGR_G_GetX(g, 0), 350050, 1e-6);
    ck_assert_double_eq_tol(OGR_G_GetY(g, 0), 3456100, 1e-6);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(fac);
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4; i++)
        ck_assert_msg(!OGR_F_IsFieldSetAndNotNull(f, i), "field %d of the second facility is not null", i);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(fac);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, field(f, n_name)), "照护之家, \"东区\"");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger64(f, field(f, n_beds)), 0);
    ck_assert(OGR_F_IsFieldSetAndNotNull(f, field(f, n_beds)));
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, field(f, n_area)), 0.25, 1e-9);
    OGR_F_Destroy(f);

    OGR_L_ResetReading(res);
    f = OGR_L_GetNextFeature(res);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, field(f, n_name)), "长白新村");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger64(f, field(f, n_pop)), 1200);
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, field(f, n_share)), 0.75, 1e-12);
    g = OGR_F_GetGeometryRef(f);
    ck_assert_ptr_nonnull(g);
    ck_assert_double_eq_tol(OGR_G_Area(g), 20000.0, 1e-6);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(res);
    ck_assert_ptr_nonnull(f);
    g = OGR_F_GetGeometryRef(f);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiPolygon);
    ck_assert_int_eq(OGR_G_GetGeometryCount(g), 2);
    ck_assert_double_eq_tol(OGR_G_Area(g), 2600.0, 1e-6);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(res);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_null(OGR_F_GetGeometryRef(f));
    for (int i = 0; i < 3; i++)
        ck_assert(!OGR_F_IsFieldSetAndNotNull(f, i));
    OGR_F_Destroy(f);
}

/* ---- formats -------------------------------------------------------------------------------- */

START_TEST(format_names_parse)
{
    lc_format f = LC_FORMAT_GEOJSON;
    ck_assert_int_eq(lc_format_parse("SHP", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_SHAPEFILE);
    ck_assert_int_eq(lc_format_parse("shapefile", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_SHAPEFILE);
    ck_assert_int_eq(lc_format_parse("GeoPackage", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_GPKG);
    ck_assert_int_eq(lc_format_parse("gpkg", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_GPKG);
    ck_assert_int_eq(lc_format_parse("json", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_GEOJSON);
    ck_assert_int_eq(lc_format_parse("GEOJSON", &f), 0);
    ck_assert_int_eq(f, LC_FORMAT_GEOJSON);
    f = LC_FORMAT_GPKG;
    ck_assert_int_eq(lc_format_parse("kml", &f), -1);
    ck_assert_int_eq(lc_format_parse("", &f), -1);
    ck_assert_int_eq(lc_format_parse(NULL, &f), -1);
    ck_assert_int_eq(f, LC_FORMAT_GPKG);
}
END_TEST

START_TEST(shapefile_utf8_reads_back)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    write_sample(dir, LC_FORMAT_SHAPEFILE, NULL, 0);
    assert_listing(dir, (const char *const[]){
        "facilities.cpg", "facilities.dbf", "facilities.prj", "facilities.shp", "facilities.shx",
        "facilities_fields.csv", "norms.csv", "residential.cpg", "residential.dbf", "residential.prj",
        "residential.shp", "residential.shx", "residential_fields.csv", "summary.json", NULL});
    assert_listing(tmp, (const char *const[]){"out", NULL}); /* no temporary left beside it */
    assert_file_text(dir, "facilities.cpg", "UTF-8");
    assert_file_text(dir, "residential_fields.csv", RES_DICTIONARY);
    assert_file_text(dir, "norms.csv", TABLE_CSV);
    assert_file_text(dir, "summary.json", "{\"街镇\": 2}\n");
    char *prj_path = lct_path(dir, "residential.prj");
    char *prj = lct_slurp(prj_path, NULL);
    ck_assert_ptr_nonnull(prj);
    ck_assert_msg(!strncmp(prj, "PROJCS[\"WGS_1984_UTM_Zone_51N\"", 30), ".prj is not ESRI WKT: %s", prj);

    GDALDatasetH fds = open_vector(dir, "facilities.shp");
    GDALDatasetH rds = open_vector(dir, "residential.shp");
    OGRLayerH res = GDALDatasetGetLayer(rds, 0);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(res)), wkbPolygon); /* Shapefile has one polygon type */
    assert_layers(GDALDatasetGetLayer(fds, 0), res, 1);
    GDALClose(fds);
    GDALClose(rds);
    free(prj);
    free(prj_path);
    lct_rmtree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* The bytes of 长白新村街道 in GBK and in UTF-8. */
static const char GBK_STREET[] = "\xB3\xA4\xB0\xD7\xD0\xC2\xB4\xE5\xBD\xD6\xB5\xC0";
static const char UTF8_STREET[] = "长白新村街道";

static int contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k))
            return 1;
    return 0;
}

START_TEST(shapefile_gbk_reads_back)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    write_sample(dir, LC_FORMAT_SHAPEFILE, "GBK", 0);
    assert_file_text(dir, "facilities.cpg", "936");
    char *dbf_path = lct_path(dir, "facilities.dbf");
    size_t n = 0;
    char *dbf = lct_slurp(dbf_path, &n);
    ck_assert_ptr_nonnull(dbf);
    ck_assert_uint_gt(n, 32);
    ck_assert_int_eq((unsigned char)dbf[29], 0x4D); /* language driver id 77: code page 936 */
    ck_assert(contains(dbf, n, GBK_STREET));
    ck_assert(!contains(dbf, n, UTF8_STREET));
    /* dictionaries and tables stay UTF-8 with a BOM whatever the Shapefile encoding */
    assert_file_text(dir, "residential_fields.csv", RES_DICTIONARY);
    assert_file_text(dir, "norms.csv", TABLE_CSV);

    GDALDatasetH fds = open_vector(dir, "facilities.shp");
    GDALDatasetH rds = open_vector(dir, "residential.shp");
    assert_layers(GDALDatasetGetLayer(fds, 0), GDALDatasetGetLayer(rds, 0), 1);
    GDALClose(fds);
    GDALClose(rds);
    free(dbf);
    free(dbf_path);
    lct_rmtree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* Counts warnings through the context's message handler. */
static void count_warnings(lc_log_level level, const char *message, void *user)
{
    (void)message;
    if (level == LC_LOG_WARNING)
        ++*(int *)user;
}

/* Keeps the last warning through the context's message handler. */
static void keep_warning(lc_log_level level, const char *message, void *user)
{
    if (level == LC_LOG_WARNING)
        snprintf((char *)user, 1024, "%s", message);
}

/* A character GBK has no code for does not stop the run (issue 17): it is written as '?', the rest of
 * the text as it is, and one warning names the layer, the first feature and field, the character and
 * the count. By hand: 'ç' (U+00E7) is not in GBK, while 'í' (U+00ED) is (GB 2312 row 8, the pinyin
 * letters, A8AA), so "Praça do Município" becomes "Pra?a do Município"; the emoji U+1F600 has no GBK
 * code either: "长者食堂?". 2 characters in 2 texts, the first in feature 1, field name (NAME). */
START_TEST(shapefile_gbk_substitutes_text_gbk_lacks)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    char kept[1024] = "";
    const char *warning = kept;
    lc_context_set_message_handler(lct_ctx, keep_warning, kept);
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, "gbk", 0);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "facilities", GEOS_POINT, FAC_FIELDS, 4);
    ck_assert_ptr_nonnull(w);
    add_ok(w, "POINT (350050 3456100)", (lc_value[]){S("Praça do Município"), S("长白新村街道"), I(1), D(1)});
    add_ok(w, "POINT (350060 3456100)", (lc_value[]){S("长者食堂😀"), S("长白新村街道"), I(1), D(1)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
    lc_context_set_message_handler(lct_ctx, NULL, NULL);
    lct_assert_contains(warning, "layer facilities, feature 1, field name (NAME)");
    lct_assert_contains(warning, "'ç' has no GBK code and was written as '?'");
    lct_assert_contains(warning, "2 characters in 2 texts");
    lct_assert_contains(warning, "UTF-8");
    GDALDatasetH ds = open_vector(dir, "facilities.shp");
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 2);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, 0), "Pra?a do Município");
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, 1), "长白新村街道");
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(l);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, 0), "长者食堂?");
    OGR_F_Destroy(f);
    GDALClose(ds);
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir);
    free(tmp);
}
END_TEST


/* A text longer than a dBASE field is cut at a character, not through one (GDAL alone would). */
START_TEST(shapefile_cuts_long_text_at_a_character)
{
    static const struct {
        const char *encoding;
        size_t chars; /* 长白 repeated 150 times: 900 bytes in UTF-8 (3 a character), 600 in GBK (2) */
    } cases[] = {{NULL, 84}, {"GBK", 127}};
    char text[1024] = "";
    for (int i = 0; i < 150; i++)
        strcat(text, "长白");
    for (size_t c = 0; c < 2; c++) {
        char *tmp = lct_tmpdir();
        char *dir = lct_path(tmp, "out");
        int warnings = 0;
        lc_context_set_message_handler(lct_ctx, count_warnings, &warnings);
        lc_crs *crs = utm51();
        lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, cases[c].encoding, 0);
        lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "notes", GEOS_POINT, FAC_FIELDS, 4);
        ck_assert_ptr_nonnull(w);
        add_ok(w, "POINT (1 2)", (lc_value[]){S(text), S("短"), I(1), D(1)});
        add_ok(w, "POINT (1 2)", (lc_value[]){S(text), S("短"), I(1), D(1)});
        ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
        ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
        ck_assert_int_eq(warnings, 1); /* the first cut in a layer is reported */
        lc_context_set_message_handler(lct_ctx, NULL, NULL);
        GDALDatasetH ds = open_vector(dir, "notes.shp");
        OGRFeatureH f = OGR_L_GetNextFeature(GDALDatasetGetLayer(ds, 0));
        const char *got = OGR_F_GetFieldAsString(f, 0);
        ck_assert_uint_eq(strlen(got), cases[c].chars * 3);
        ck_assert(!strncmp(got, text, cases[c].chars * 3));
        OGR_F_Destroy(f);
        GDALClose(ds);
        lc_crs_destroy(crs);
        lct_rmtree(tmp);
        free(dir), free(tmp);
    }
}
END_TEST

START_TEST(geopackage_reads_back)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    write_sample(dir, LC_FORMAT_GPKG, NULL, 0);
    assert_listing(dir, (const char *const[]){"lifecircle.gpkg", "summary.json", NULL});
    GDALDatasetH ds = open_vector(dir, "lifecircle.gpkg");
    ck_assert_int_eq(GDALDatasetGetLayerCount(ds), 3);
    OGRLayerH fac = GDALDatasetGetLayerByName(ds, "facilities");
    OGRLayerH res = GDALDatasetGetLayerByName(ds, "residential");
    OGRLayerH norms = GDALDatasetGetLayerByName(ds, "norms");
    ck_assert_ptr_nonnull(fac);
    ck_assert_ptr_nonnull(res);
    ck_assert_ptr_nonnull(norms);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(res)), wkbMultiPolygon);
    ck_assert_str_eq(OSRGetAuthorityCode(OGR_L_GetSpatialRef(fac), NULL), "32651");
    assert_layers(fac, res, 0);
    /* the first residential polygon was promoted to a multipolygon */
    OGR_L_ResetReading(res);
    OGRFeatureH f = OGR_L_GetNextFeature(res);
    ck_assert_int_eq(wkbFlatten(OGR_G_GetGeometryType(OGR_F_GetGeometryRef(f))), wkbMultiPolygon);
    OGR_F_Destroy(f);
    /* the table is a GeoPackage attribute table */
    ck_assert_int_eq(OGR_L_GetGeomType(norms), wkbNone);
    ck_assert_int_eq(OGR_L_GetFeatureCount(norms, TRUE), 2);
    f = OGR_L_GetNextFeature(norms);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, field(f, "norm")), "床位/百名老人");
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, field(f, "value")), 3.2, 1e-12);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(norms);
    ck_assert(!OGR_F_IsFieldSetAndNotNull(f, field(f, "value")));
    ck_assert(!OGR_F_IsFieldSetAndNotNull(f, field(f, "pass")));
    OGR_F_Destroy(f);
    /* a fixed timestamp, so equal runs give equal files */
    OGRLayerH sql = GDALDatasetExecuteSQL(ds, "SELECT DISTINCT last_change FROM gpkg_contents", NULL, NULL);
    ck_assert_ptr_nonnull(sql);
    ck_assert_int_eq(OGR_L_GetFeatureCount(sql, TRUE), 1);
    f = OGR_L_GetNextFeature(sql);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, 0), "2000/01/01 00:00:00+00"); /* OGR's rendering */
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, sql);
    GDALClose(ds);
    lct_rmtree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

START_TEST(geojson_reads_back)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    write_sample(dir, LC_FORMAT_GEOJSON, NULL, 0);
    assert_listing(dir, (const char *const[]){"facilities.geojson", "norms.csv", "residential.geojson",
                                              "summary.json", NULL});
    assert_file_text(dir, "norms.csv", TABLE_CSV);
    char *path = lct_path(dir, "residential.geojson");
    char *text = lct_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    lct_assert_contains(text, "urn:ogc:def:crs:EPSG::32651");
    lct_assert_contains(text, "\"centre_covered_share\"");
    lct_assert_contains(text, "350100"); /* working-CRS coordinates, not degrees */
    GDALDatasetH fds = open_vector(dir, "facilities.geojson");
    GDALDatasetH rds = open_vector(dir, "residential.geojson");
    OGRLayerH res = GDALDatasetGetLayer(rds, 0);
    ck_assert_int_eq(wkbFlatten(OGR_L_GetGeomType(res)), wkbMultiPolygon);
    assert_layers(GDALDatasetGetLayer(fds, 0), res, 0);
    GDALClose(fds);
    GDALClose(rds);
    free(text);
    free(path);
    lct_rmtree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* Two runs, every file byte-identical, for each format; OGR_CURRENT_DATE is restored after. */
START_TEST(csv_cells_never_run_as_formulas)
{
    /* Text a spreadsheet would run (OWASP's leading = + - @ tab CR) is prefixed with ', in tables
     * and in field dictionaries; numbers, negative ones included, are written as they are. The
     * expected bytes are written out by hand. */
    static const lc_field_def fields[] = {
        {"name", "NAME", LC_FIELD_STRING, 0, 0, "=cmd|' /C calc'!A0", "@SUM(1+1)", "-"},
        {"value", "VALUE", LC_FIELD_REAL, 0, 0, "数值", "Value", ""},
        {"count", "COUNT", LC_FIELD_INTEGER, 0, 0, "个数", "Count", ""},
    };
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "csv");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, NULL, 0);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "cells", -1, fields, 3);
    ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
    add_ok(w, NULL, (lc_value[]){S("=HYPERLINK(\"http://example.com\",\"x\")"), D(-5.5), I(-3)});
    add_ok(w, NULL, (lc_value[]){S("@SUM(A1:A9)"), D(-0.25), I(0)});
    add_ok(w, NULL, (lc_value[]){S("+1"), D(1e21), I(7)});
    add_ok(w, NULL, (lc_value[]){S("-2"), D(NAN), NUL});
    add_ok(w, NULL, (lc_value[]){S("\tx"), D(0), I(1)});
    add_ok(w, NULL, (lc_value[]){S("\rx"), D(0), I(1)});
    add_ok(w, NULL, (lc_value[]){S("长白=新村 -1"), D(2), I(2)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    /* A Shapefile layer, for its field dictionary. */
    w = lc_output_layer_create(lct_ctx, out, "points", GEOS_POINT, fields, 3);
    ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
    add_ok(w, "POINT (350050 3456100)", (lc_value[]){S("=1+1"), D(-1), I(-1)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
    assert_file_text(dir, "cells.csv",
                     "\xEF\xBB\xBF"
                     "name,value,count\r\n"
                     "\"'=HYPERLINK(\"\"http://example.com\"\",\"\"x\"\")\",-5.5,-3\r\n"
                     "'@SUM(A1:A9),-0.25,0\r\n"
                     "'+1,1e+21,7\r\n"
                     "'-2,,\r\n"
                     "'\tx,0,1\r\n"
                     "\"'\rx\",0,1\r\n"
                     "长白=新村 -1,2,2\r\n");
    assert_file_text(dir, "points_fields.csv",
                     "\xEF\xBB\xBF"
                     "short_name,name,type,unit,zh,en\r\n"
                     "NAME,name,string,'-,'=cmd|' /C calc'!A0,'@SUM(1+1)\r\n"
                     "VALUE,value,real,,数值,Value\r\n"
                     "COUNT,count,integer,,个数,Count\r\n");
    lc_crs_destroy(crs);
    free(dir);
    lct_rmtree(tmp);
    free(tmp);
}
END_TEST

START_TEST(output_is_deterministic)
{
    static const struct {
        lc_format format;
        const char *encoding;
    } cases[] = {{LC_FORMAT_SHAPEFILE, NULL}, {LC_FORMAT_SHAPEFILE, "GBK"}, {LC_FORMAT_GPKG, NULL},
                 {LC_FORMAT_GEOJSON, NULL}};
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "caller's value");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tmp = lct_tmpdir();
        char *a = lct_path(tmp, "a"), *b = lct_path(tmp, "b");
        write_sample(a, cases[i].format, cases[i].encoding, 0);
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL); /* a clock would have moved */
        write_sample(b, cases[i].format, cases[i].encoding, 0);
        lct_assert_same_dirs(a, b);
        lct_rmtree(tmp);
        free(a), free(b), free(tmp);
    }
    ck_assert_str_eq(CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", ""), "caller's value");
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
}
END_TEST

/* ---- the directory -------------------------------------------------------------------------- */

START_TEST(refuses_non_empty_dir)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    char *keep = lct_path(dir, "notes.txt");
    ck_assert_int_eq(lct_write_text(keep, "planner's notes"), 0);
    lc_crs *crs = utm51();
    lc_output_options o = {.format = LC_FORMAT_GPKG, .overwrite = 0, .encoding = NULL};
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, crs, &o));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), dir);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "use --overwrite");
    assert_listing(dir, (const char *const[]){"notes.txt", NULL});
    assert_file_text(dir, "notes.txt", "planner's notes");
    assert_listing(tmp, (const char *const[]){"out", NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(keep), free(dir), free(tmp);
}
END_TEST

START_TEST(refuses_a_file_and_makes_missing_parents)
{
    char *tmp = lct_tmpdir();
    char *file = lct_path(tmp, "out");
    ck_assert_int_eq(lct_write_text(file, "x"), 0);
    lc_crs *crs = utm51();
    lc_output_options o = {.format = LC_FORMAT_SHAPEFILE, .overwrite = 1, .encoding = NULL};
    ck_assert_ptr_null(lc_output_begin(lct_ctx, file, crs, &o));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "not a directory");
    /* Missing parents are made (mkdir -p); an aborted output leaves them empty and nothing else. */
    char *deep = lct_path(tmp, "missing/out");
    lc_output *out = lc_output_begin(lct_ctx, deep, crs, &o);
    ck_assert_msg(out != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_output_abort(lct_ctx, out);
    assert_listing(tmp, (const char *const[]){"missing", "out", NULL});
    char *missing = lct_path(tmp, "missing");
    assert_listing(missing, (const char *const[]){NULL});
    free(missing);
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(deep), free(file), free(tmp);
}
END_TEST

START_TEST(refuses_the_current_directory)
{
    char *tmp = lct_tmpdir();
    char *here = getcwd(NULL, 0);
    ck_assert_ptr_nonnull(here);
    ck_assert_int_eq(chdir(tmp), 0);
    lc_crs *crs = utm51();
    lc_output_options o = {.format = LC_FORMAT_GPKG, .overwrite = 1, .encoding = NULL};
    lc_output *out = lc_output_begin(lct_ctx, ".", crs, &o);
    lc_output *out2 = lc_output_begin(lct_ctx, "..", crs, &o);
    ck_assert_int_eq(chdir(here), 0);
    ck_assert_ptr_null(out);
    ck_assert_ptr_null(out2);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "current directory");
    assert_listing(tmp, (const char *const[]){NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(here), free(tmp);
}
END_TEST

START_TEST(uses_an_empty_dir)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(mkdir(dir, 0750), 0);
    write_sample(dir, LC_FORMAT_GPKG, NULL, 0);
    assert_listing(dir, (const char *const[]){"lifecircle.gpkg", "summary.json", NULL});
    assert_listing(tmp, (const char *const[]){"out", NULL});
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0750); /* the directory keeps its permissions */
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

START_TEST(overwrite_replaces)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    write_sample(dir, LC_FORMAT_SHAPEFILE, NULL, 0);
    char *sub = lct_path(dir, "old-run");
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    char *old = lct_path(sub, "stale.txt");
    ck_assert_int_eq(lct_write_text(old, "stale"), 0);
    lc_output_options o = {.format = LC_FORMAT_GPKG, .overwrite = 0, .encoding = NULL};
    lc_crs *crs = utm51();
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, crs, &o));
    write_sample(dir, LC_FORMAT_GPKG, NULL, 1);
    assert_listing(dir, (const char *const[]){"lifecircle.gpkg", "summary.json", NULL});
    assert_listing(tmp, (const char *const[]){"out", NULL}); /* neither .tmp- nor .old- left */
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(old), free(sub), free(dir), free(tmp);
}
END_TEST

START_TEST(abort_leaves_nothing)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, NULL, 0);
    ck_assert(!exists(dir, NULL)); /* nothing at the target before commit */
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "facilities", GEOS_POINT, FAC_FIELDS, 4);
    ck_assert_ptr_nonnull(w);
    add_ok(w, "POINT (350050 3456100)", (lc_value[]){S("长者食堂"), S("长白新村街道"), I(1), D(1)});
    lc_output_abort(lct_ctx, out); /* with the writer still open */
    ck_assert(!exists(dir, NULL));
    assert_listing(tmp, (const char *const[]){NULL});
    lc_output_abort(lct_ctx, NULL);
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

START_TEST(failed_write_keeps_previous_output)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    char *ref = lct_path(tmp, "reference");
    write_sample(dir, LC_FORMAT_SHAPEFILE, "GBK", 0);
    write_sample(ref, LC_FORMAT_SHAPEFILE, "GBK", 0);
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, NULL, 1);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "facilities", GEOS_POINT, FAC_FIELDS, 4);
    ck_assert_ptr_nonnull(w);
    add_ok(w, "POINT (1 2)", (lc_value[]){S("新的"), S("新的"), I(9), D(9)});
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    const lc_field_def bad[] = {{"population", "POPULATION_60", LC_FIELD_REAL, 0, 0, "", "", ""}};
    ck_assert_ptr_null(lc_output_layer_create(lct_ctx, out, "residential", GEOS_POLYGON, bad, 1));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_output_abort(lct_ctx, out);
    lct_assert_same_dirs(dir, ref);
    assert_listing(tmp, (const char *const[]){"out", "reference", NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(ref), free(dir), free(tmp);
}
END_TEST

START_TEST(commit_with_open_writer_is_refused)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_GPKG, NULL, 0);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "facilities", GEOS_POINT, FAC_FIELDS, 4);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_ERR_MISUSE); /* frees out and w */
    lct_assert_contains(lc_context_errmsg(lct_ctx), "facilities");
    assert_listing(tmp, (const char *const[]){NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

/* ---- names, values and geometries ----------------------------------------------------------- */

/* Expects layer creation with fields to fail with LC_ERR_MISUSE naming what. */
static void expect_bad_fields(lc_output *out, const lc_field_def *fields, size_t n, const char *what)
{
    lc_context_clear_error(lct_ctx);
    ck_assert_ptr_null(lc_output_layer_create(lct_ctx, out, "layer", GEOS_POINT, fields, n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lct_assert_contains(lc_context_errmsg(lct_ctx), what);
}

START_TEST(bad_field_names_are_refused)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, NULL, 0);
    expect_bad_fields(out, (lc_field_def[]){{"covered_population", "COVERED_POP", LC_FIELD_REAL, 0, 0, "", "", ""}},
                      1, "covered_population");
    expect_bad_fields(out, (lc_field_def[]){{"name", "名称", LC_FIELD_STRING, 0, 0, "", "", ""}}, 1, "名称");
    expect_bad_fields(out, (lc_field_def[]){{"name", "NAME X", LC_FIELD_STRING, 0, 0, "", "", ""}}, 1, "NAME X");
    expect_bad_fields(out, (lc_field_def[]){{"name", "1NAME", LC_FIELD_STRING, 0, 0, "", "", ""}}, 1, "1NAME");
    expect_bad_fields(out, (lc_field_def[]){{"name", "", LC_FIELD_STRING, 0, 0, "", "", ""}}, 1, "short name");
    expect_bad_fields(out, (lc_field_def[]){{"name", NULL, LC_FIELD_STRING, 0, 0, "", "", ""}}, 1, "short name");
    expect_bad_fields(out,
                      (lc_field_def[]){{"name", "Name", LC_FIELD_STRING, 0, 0, "", "", ""},
                                       {"name_en", "NAME", LC_FIELD_STRING, 0, 0, "", "", ""}},
                      2, "name_en");
    expect_bad_fields(out,
                      (lc_field_def[]){{"name", "N1", LC_FIELD_STRING, 0, 0, "", "", ""},
                                       {"Name", "N2", LC_FIELD_STRING, 0, 0, "", "", ""}},
                      2, "Name");
    expect_bad_fields(out, (lc_field_def[]){{"fid", "FID", LC_FIELD_INTEGER, 0, 0, "", "", ""}}, 1, "reserved");
    expect_bad_fields(out, (lc_field_def[]){{"", "X", LC_FIELD_INTEGER, 0, 0, "", "", ""}}, 1, "field 1");
    expect_bad_fields(out, (lc_field_def[]){{"x", "X", LC_FIELD_STRING, 255, 0, "", "", ""}}, 1, "width");
    /* nothing was created by the refusals, and the output still works */
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "layer", GEOS_POINT,
                                                (lc_field_def[]){{"x", "COVERED_PO", LC_FIELD_REAL, 0, 0, "", "", ""}}, 1);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
    assert_listing(dir, (const char *const[]){"layer.cpg", "layer.dbf", "layer.prj", "layer.shp", "layer.shx",
                                              "layer_fields.csv", NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

START_TEST(layer_and_file_names_are_checked)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_SHAPEFILE, NULL, 0);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "gaps", GEOS_POLYGON, RES_FIELDS, 3);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    ck_assert_ptr_null(lc_output_layer_create(lct_ctx, out, "GAPS", GEOS_POLYGON, RES_FIELDS, 3));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_output_layer_create(lct_ctx, out, "../gaps", GEOS_POLYGON, RES_FIELDS, 3));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_output_layer_create(lct_ctx, out, "lines", GEOS_GEOMETRYCOLLECTION, RES_FIELDS, 3));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_output_write_text(lct_ctx, out, "gaps_fields.csv", "x"), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_output_write_text(lct_ctx, out, "a/b.txt", "x"), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_output_write_text(lct_ctx, out, "readme.txt", "x"), LC_OK);
    ck_assert_int_eq(lc_output_write_text(lct_ctx, out, "README.TXT", "y"), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
    assert_file_text(dir, "readme.txt", "x");
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

START_TEST(bad_values_and_geometries_are_refused)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_GPKG, NULL, 0);
    lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, "residential", GEOS_MULTIPOLYGON, RES_FIELDS, 3);
    ck_assert_ptr_nonnull(w);
    GEOSGeometry *pt = geom("POINT (1 2)");
    GEOSGeometry *poly = geom("POLYGON ((0 0, 1 0, 1 1, 0 0))");
    GEOSGeometry *empty = geom("POLYGON EMPTY");
    lc_value ok[] = {S("小区"), I(1), D(0.5)};
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, w, pt, ok), LC_ERR_GEOMETRY);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "Point");
    lc_value bad_utf8[] = {S("\xE9\x95"), I(1), D(0.5)};
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, w, poly, bad_utf8), LC_ERR_DATA);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "UTF-8");
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, w, empty, ok), LC_OK); /* written as null geometry */
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, w, poly, (lc_value[]){S("x"), I(2), D(INFINITY)}), LC_OK);
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    w = lc_output_layer_create(lct_ctx, out, "norms", -1, TABLE_FIELDS, 3);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, w, poly, (lc_value[]){S("x"), D(1), I(1)}), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    ck_assert_int_eq(lc_output_commit(lct_ctx, out), LC_OK);
    GDALDatasetH ds = open_vector(dir, "lifecircle.gpkg");
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "residential");
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 2);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    ck_assert_ptr_null(OGR_F_GetGeometryRef(f));
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(l);
    ck_assert(!OGR_F_IsFieldSetAndNotNull(f, field(f, "centre_covered_share"))); /* infinity: null */
    OGR_F_Destroy(f);
    ck_assert_int_eq(OGR_L_GetFeatureCount(GDALDatasetGetLayerByName(ds, "norms"), TRUE), 0);
    GDALClose(ds);
    geom_free(pt), geom_free(poly), geom_free(empty);
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

START_TEST(targets_shown_without_passwords)
{
    /* Every form a password takes in a connection string, and what is shown instead (written out by
     * hand from libpq's rules: an unquoted value ends at a blank unless it is escaped with '\'). */
    static const struct {
        const char *target, *shown;
    } cases[] = {
        {"PG:host=db port=5432 dbname=gis user=planner password=Secret\\ TailB",
         "PG:host=db port=5432 dbname=gis user=planner password=***"},
        {"PG:dbname=gis password='Secret \\' TailB' host=db", "PG:host=db dbname=gis password=***"},
        {"pg:password = Secret\\ TailB dbname=gis", "PG:dbname=gis password=***"},
        {"PG:postgresql://planner:Secret%20TailB@db:5432/gis", "PG:host=db port=5432 dbname=gis user=planner password=***"},
        {"postgresql://planner:Secret%20TailB@db/gis", "PG:host=db dbname=gis user=planner password=***"},
        {"postgresql://planner@db/gis?password=Secret%20TailB&sslmode=disable",
         "PG:host=db dbname=gis user=planner password=*** sslmode=disable"},
        {"PG:host=db sslpassword=Secret\\ TailB", "PG:host=db sslpassword=***"},
        {"PG:host=db application_name='my app'", "PG:host=db application_name='my app'"},
        /* Strings libpq cannot parse (a quote left open, a blank not escaped): nothing of them. */
        {"PG:host=db password='Secret TailB", "PG:***"},
        {"PG:host=db password=Secret TailB", "PG:***"},
        {"MYSQL:gis,user=planner,password=Secret TailB", "MYSQL:***"},
        {"/vsicurl/https://planner:Secret%20TailB@example.com/a.gpkg", "/vsicurl/https://planner:***@example.com/a.gpkg"},
        {"https://planner:x@example.com/a.gpkg", "https://planner:***@example.com/a.gpkg"},
        {"data/小区.shp", "data/小区.shp"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *shown = lc_output_target_shown(lct_ctx, cases[i].target);
        ck_assert_ptr_nonnull(shown);
        ck_assert_msg(!strcmp(shown, cases[i].shown), "%s shown as %s, not %s", cases[i].target, shown,
                      cases[i].shown);
        ck_assert_ptr_null(strstr(shown, "TailB"));
        free(shown);
    }
}
END_TEST

START_TEST(misuse_is_reported)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    lc_crs *crs = utm51();
    lc_output_options gbk_gpkg = {.format = LC_FORMAT_GPKG, .overwrite = 0, .encoding = "GBK"};
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, crs, &gbk_gpkg));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_output_options latin = {.format = LC_FORMAT_SHAPEFILE, .overwrite = 0, .encoding = "latin1"};
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, crs, &latin));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "latin1");
    lc_output_options o = {.format = LC_FORMAT_SHAPEFILE, .overwrite = 0, .encoding = NULL};
    ck_assert_ptr_null(lc_output_begin(lct_ctx, NULL, crs, &o));
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, NULL, &o));
    ck_assert_ptr_null(lc_output_begin(lct_ctx, dir, crs, NULL));
    ck_assert_ptr_null(lc_output_begin(lct_ctx, "", crs, &o));
    ck_assert_ptr_null(lc_output_begin(NULL, dir, crs, &o));
    ck_assert_int_eq(lc_layer_writer_close(lct_ctx, NULL), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_output_commit(lct_ctx, NULL), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_layer_writer_add(lct_ctx, NULL, NULL, NULL), LC_ERR_MISUSE);
    assert_listing(tmp, (const char *const[]){NULL});
    lc_crs_destroy(crs);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

/* ---- the GeoPackage's spatial index (outputs/gpkg_rtree.c) ----------------------------------- */

/* Layer sizes around the R*Tree's node capacity (51 cells): empty, one entry, a full root, a root
 * with two leaves, and three levels (3,000 less every 17th: 2,824 boxes > 51²). */
static const int INDEX_SIZES[] = {0, 1, 51, 52, 3000};

/* Feature k of a layer: a rectangle of 1–200 m at a pseudo-random place, at coordinates floats do
 * not hold (a float's step is 1/32 m at 350 km), or no geometry every 17th. */
static char *index_wkt(int k, char *buf, size_t size)
{
    if (k % 17 == 16)
        return NULL;
    unsigned long long r = (unsigned long long)k * 6364136223846793005ull + 1442695040888963407ull;
    double x = 340000 + (double)(r % 20000000) / 1000.0 + 0.0123456789;
    double y = 3440000 + (double)((r >> 24) % 20000000) / 1000.0 + 0.0987654321;
    double w = 1 + (double)((r >> 40) % 199), h = 1 + (double)((r >> 48) % 199);
    snprintf(buf, size, "POLYGON ((%.10f %.10f, %.10f %.10f, %.10f %.10f, %.10f %.10f, %.10f %.10f))", x, y, x + w, y,
             x + w, y + h, x, y + h, x, y);
    return buf;
}

/* The rows of a query as one text (cells | , rows \n); "" for none. Caller frees. */
static char *sql_text(GDALDatasetH ds, const char *sql)
{
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    ck_assert_msg(res != NULL, "%s: %s", sql, CPLGetLastErrorMsg());
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    text[0] = '\0';
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(res)) != NULL) {
        for (int i = 0; i < OGR_F_GetFieldCount(f); i++) {
            const char *v = OGR_F_GetFieldAsString(f, i);
            size_t len = strlen(v) + 2;
            while (n + len + 1 > cap)
                text = realloc(text, cap *= 2);
            ck_assert_ptr_nonnull(text);
            n += (size_t)snprintf(text + n, cap - n, "%s%s", v, i + 1 < OGR_F_GetFieldCount(f) ? "|" : "\n");
        }
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    return text;
}

/* Writes the INDEX_SIZES layers t0..t4 with the library into dir/lifecircle.gpkg. */
static void write_index_layers(const char *dir)
{
    lc_crs *crs = utm51();
    lc_output *out = begin(dir, crs, LC_FORMAT_GPKG, NULL, 0);
    char buf[512], name[8];
    for (size_t l = 0; l < sizeof INDEX_SIZES / sizeof *INDEX_SIZES; l++) {
        snprintf(name, sizeof name, "t%zu", l);
        lc_layer_writer *w = lc_output_layer_create(lct_ctx, out, name, GEOS_MULTIPOLYGON, FAC_FIELDS + 2, 1);
        ck_assert_msg(w != NULL, "%s", lc_context_errmsg(lct_ctx));
        for (int k = 0; k < INDEX_SIZES[l]; k++)
            add_ok(w, index_wkt(k, buf, sizeof buf), (lc_value[]){I(k)});
        ck_assert_int_eq(lc_layer_writer_close(lct_ctx, w), LC_OK);
    }
    ck_assert_msg(lc_output_commit(lct_ctx, out) == LC_OK, "%s", lc_context_errmsg(lct_ctx));
    lc_crs_destroy(crs);
}

/* The same layers written by GDAL alone (its own index, filled by SQLite's INSERT), into path. */
static void write_index_reference(const char *path)
{
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32651);
    char buf[512], name[8];
    for (size_t l = 0; l < sizeof INDEX_SIZES / sizeof *INDEX_SIZES; l++) {
        snprintf(name, sizeof name, "t%zu", l);
        OGRLayerH layer = GDALDatasetCreateLayer(ds, name, srs, wkbMultiPolygon, NULL);
        ck_assert_ptr_nonnull(layer);
        for (int k = 0; k < INDEX_SIZES[l]; k++) {
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
            char *wkt = index_wkt(k, buf, sizeof buf);
            if (wkt) {
                OGRGeometryH g = NULL;
                ck_assert_int_eq(OGR_G_CreateFromWkt(&wkt, NULL, &g), OGRERR_NONE);
                OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(g));
            }
            ck_assert_int_eq(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
            OGR_F_Destroy(f);
        }
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

/* The library's index holds what GDAL's own holds — every entry's id and float box equal to those
 * SQLite's INSERT stored, so rounding is SQLite's — in a tree SQLite's rtreecheck() accepts, with
 * the same triggers and extension rows, and GDAL's spatial filters find what they find in GDAL's. */
START_TEST(geopackage_index_is_sqlites_own)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    char *ref_path = lct_path(tmp, "ref.gpkg");
    write_index_layers(dir);
    write_index_reference(ref_path);
    GDALDatasetH ds = open_vector(dir, "lifecircle.gpkg");
    GDALDatasetH ref = GDALOpenEx(ref_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ref);
    char sql[512];
    for (size_t l = 0; l < sizeof INDEX_SIZES / sizeof *INDEX_SIZES; l++) {
        snprintf(sql, sizeof sql, "SELECT rtreecheck('rtree_t%zu_geom')", l);
        char *check = sql_text(ds, sql);
        ck_assert_msg(!strcmp(check, "ok\n"), "layer t%zu: rtreecheck says %s", l, check);
        free(check);
        /* the entries: ids and boxes equal to SQLite's own */
        snprintf(sql, sizeof sql, "SELECT id, printf('%%.17g %%.17g %%.17g %%.17g', minx, maxx, miny, maxy) FROM "
                 "rtree_t%zu_geom ORDER BY id", l);
        char *ours = sql_text(ds, sql), *theirs = sql_text(ref, sql);
        ck_assert_msg(!strcmp(ours, theirs), "layer t%zu: the index's entries differ from GDAL's", l);
        size_t lines = 0;
        for (const char *p = ours; *p; p++)
            lines += *p == '\n';
        ck_assert_uint_eq(lines, (size_t)(INDEX_SIZES[l] - INDEX_SIZES[l] / 17)); /* every 17th has no geometry */
        free(ours);
        free(theirs);
        /* the triggers and the extension's row, as GDAL writes them */
        snprintf(sql, sizeof sql, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                 "'rtree_t%zu_geom_%%' ORDER BY name", l);
        ours = sql_text(ds, sql), theirs = sql_text(ref, sql);
        ck_assert_msg(!strcmp(ours, theirs), "layer t%zu: triggers\n%s\ndiffer from GDAL's\n%s", l, ours, theirs);
        ck_assert_int_gt((int)strlen(ours), 0);
        free(ours);
        free(theirs);
        snprintf(sql, sizeof sql, "SELECT column_name, extension_name, definition, scope FROM gpkg_extensions WHERE "
                 "table_name = 't%zu'", l);
        ours = sql_text(ds, sql), theirs = sql_text(ref, sql);
        ck_assert_str_eq(ours, theirs);
        ck_assert_str_eq(ours, "geom|gpkg_rtree_index|http://www.geopackage.org/spec120/#extension_rtree|write-only\n");
        free(ours);
        free(theirs);
    }
    /* two levels under the root for 2,824 boxes; a leaf root for 51 features */
    char *depth = sql_text(ds, "SELECT hex(substr(data, 1, 4)) FROM rtree_t4_geom_node WHERE nodeno = 1");
    ck_assert_str_eq(depth, "00020002\n"); /* depth 2, two children: 2,824 → 56 full leaves → 2 nodes */
    free(depth);
    depth = sql_text(ds, "SELECT hex(substr(data, 1, 4)) FROM rtree_t2_geom_node WHERE nodeno = 1");
    ck_assert_str_eq(depth, "00000030\n"); /* a leaf: 51 features less the three without geometry = 48 */
    free(depth);
    /* spatial filters through GDAL: the same features as in GDAL's own file */
    OGRLayerH a = GDALDatasetGetLayerByName(ds, "t4"), b = GDALDatasetGetLayerByName(ref, "t4");
    for (int q = 0; q < 6; q++) {
        double x0 = 340000 + 3300.0 * q, y0 = 3440000 + 2900.0 * q, side = 150.0 * (q + 1) * (q + 1);
        OGR_L_SetSpatialFilterRect(a, x0, y0, x0 + side, y0 + side);
        OGR_L_SetSpatialFilterRect(b, x0, y0, x0 + side, y0 + side);
        ck_assert_int_eq(OGR_L_GetFeatureCount(a, TRUE), OGR_L_GetFeatureCount(b, TRUE));
    }
    OGR_L_SetSpatialFilterRect(a, 340000, 3440000, 360300, 3460300);
    ck_assert_int_eq(OGR_L_GetFeatureCount(a, TRUE), 3000 - 3000 / 17);
    GDALClose(ds);
    GDALClose(ref);
    /* edits through GDAL keep it right: the triggers move, drop and add entries */
    char *path = lct_path(dir, "lifecircle.gpkg");
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    a = GDALDatasetGetLayerByName(ds, "t4");
    ck_assert_int_eq(OGR_L_DeleteFeature(a, 3), OGRERR_NONE);
    OGRFeatureH f = OGR_L_GetFeature(a, 10);
    char *wkt = "MULTIPOLYGON (((100 100, 110 100, 110 110, 100 100)))";
    OGRGeometryH g = NULL;
    ck_assert_int_eq(OGR_G_CreateFromWkt(&wkt, NULL, &g), OGRERR_NONE);
    OGR_F_SetGeometryDirectly(f, g);
    ck_assert_int_eq(OGR_L_SetFeature(a, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    ds = open_vector(dir, "lifecircle.gpkg");
    char *check = sql_text(ds, "SELECT rtreecheck('rtree_t4_geom')");
    ck_assert_str_eq(check, "ok\n");
    free(check);
    check = sql_text(ds, "SELECT id FROM rtree_t4_geom WHERE maxx >= 90 AND minx <= 120 AND maxy >= 90 AND miny <= 120");
    ck_assert_str_eq(check, "10\n");
    free(check);
    check = sql_text(ds, "SELECT count(*) FROM rtree_t4_geom WHERE id = 3");
    ck_assert_str_eq(check, "0\n");
    free(check);
    GDALClose(ds);
    free(path);
    lct_rmtree(tmp);
    free(ref_path);
    free(dir);
    free(tmp);
}
END_TEST

Suite *suite_output(void)
{
    Suite *s = suite_create("output");
    TCase *formats = tcase_create("formats");
    tcase_add_checked_fixture(formats, lct_setup, lct_teardown);
    tcase_set_timeout(formats, 120);
    tcase_add_test(formats, format_names_parse);
    tcase_add_test(formats, shapefile_utf8_reads_back);
    tcase_add_test(formats, shapefile_gbk_reads_back);
    tcase_add_test(formats, shapefile_gbk_substitutes_text_gbk_lacks);
    tcase_add_test(formats, shapefile_cuts_long_text_at_a_character);
    tcase_add_test(formats, geopackage_reads_back);
    tcase_add_test(formats, geopackage_index_is_sqlites_own);
    tcase_add_test(formats, geojson_reads_back);
    tcase_add_test(formats, output_is_deterministic);
    tcase_add_test(formats, csv_cells_never_run_as_formulas);
    suite_add_tcase(s, formats);

    TCase *dirs = tcase_create("directory");
    tcase_add_checked_fixture(dirs, lct_setup, lct_teardown);
    tcase_set_timeout(dirs, 120);
    tcase_add_test(dirs, refuses_non_empty_dir);
    tcase_add_test(dirs, refuses_a_file_and_makes_missing_parents);
    tcase_add_test(dirs, refuses_the_current_directory);
    tcase_add_test(dirs, uses_an_empty_dir);
    tcase_add_test(dirs, overwrite_replaces);
    tcase_add_test(dirs, abort_leaves_nothing);
    tcase_add_test(dirs, failed_write_keeps_previous_output);
    tcase_add_test(dirs, commit_with_open_writer_is_refused);
    suite_add_tcase(s, dirs);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, lct_setup, lct_teardown);
    tcase_add_test(errors, bad_field_names_are_refused);
    tcase_add_test(errors, layer_and_file_names_are_checked);
    tcase_add_test(errors, bad_values_and_geometries_are_refused);
    tcase_add_test(errors, misuse_is_reported);
    tcase_add_test(errors, targets_shown_without_passwords);
    suite_add_tcase(s, errors);
    return s;
}
