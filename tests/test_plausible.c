/*
 * tests/test_plausible.c — the inputs that once gave a wrong result with "OK" (issue 14): layers that
 * do not meet (a Gauss-Krüger zone off, a wrong .prj, lon/lat swapped), a working CRS made for another
 * place, WGS 84 lon/lat in China that may be GCJ-02, empty and truncated inputs, numbers GDAL could
 * not read, implausible values, text that is not UTF-8. Each fixture is built by hand (its values
 * known by construction; lon/lat computed apart with `gdaltransform`) or derived from the demo, and
 * runs through both `lifecircle validate` and `lifecircle check`, asserting exit codes and that the
 * message names file, feature and field. The geometric helpers behind them are tested in test_crs.c.
 */
#include <gdal.h>
#include <gdal_utils.h>
#include <cpl_string.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/lc_test.h"

/* ---- fixtures ------------------------------------------------------------------------------- */

/* A GeoJSON feature collection in a CRS given by its EPSG code. */
#define FC_EPSG(code, features)                                                                     \
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"          \
    "\"urn:ogc:def:crs:EPSG::" code "\"}},\"features\":[" features "]}"

/* Rectangles and points as GeoJSON features, coordinates written out. */
#define RECT(props, x0, y0, x1, y1)                                                                \
    "{\"type\":\"Feature\",\"properties\":{" props "},\"geometry\":{\"type\":\"Polygon\","          \
    "\"coordinates\":[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," #y1 "],["  \
    #x0 "," #y0 "]]]}}"
#define POINT(props, x, y)                                                                         \
    "{\"type\":\"Feature\",\"properties\":{" props "},\"geometry\":{\"type\":\"Point\","            \
    "\"coordinates\":[" #x "," #y "]}}"

/* The reference study in UTM 51N (EPSG:32651), in Shanghai's Yangpu: two compounds of 100 m x 200 m
 * and 50 m x 50 m, a meal point inside the first, one unit around both. In lon/lat (gdaltransform
 * -s_srs EPSG:32651 -t_srs EPSG:4326): the compounds span lon 121.4251..121.4277, lat 31.2285..31.2304,
 * the meal point lies at (121.425594, 31.229454). */
#define RES_FEATURES                                                                               \
    RECT("\"id\":\"R1\",\"population\":1200", 350000, 3456000, 350100, 3456200) ","                \
    RECT("\"id\":\"R2\",\"population\":300", 350200, 3456000, 350250, 3456050)
#define FAC_FEATURES POINT("\"id\":\"F1\",\"category\":\"助餐点\",\"floor_area\":200", 350050, 3456100)
#define UNIT_FEATURES RECT("\"id\":\"U1\",\"name\":\"殷行街道\"", 349000, 3455000, 352000, 3458000)

/* A case: its own directory, the files in it and the study naming them. */
typedef struct kase {
    char *dir;
    char *study;
} kase;

static kase case_new(void)
{
    kase k = {lct_tmpdir(), NULL};
    k.study = lct_path(k.dir, "study.yml");
    return k;
}

static void case_free(kase *k)
{
    lct_rmtree(k->dir);
    free(k->dir);
    free(k->study);
}

/* Writes text into the case's directory as name. */
static void case_text(const kase *k, const char *name, const char *text)
{
    char *p = lct_path(k->dir, name);
    ck_assert_int_eq(lct_write_text(p, text), 0);
    free(p);
}

/* Writes a UTM 51N GeoJSON feature collection of features into the case's directory as name. */
static void case_fc(const kase *k, const char *name, const char *features)
{
    char *p = lct_path(k->dir, name);
    lct_write_fc(p, features);
    free(p);
}

/* Converts GeoJSON text into a file of the case through GDAL (driver, ogr2ogr-style options). */
static void case_fixture(const kase *k, const char *name, const char *driver, const char *geojson,
                         const char *const *options)
{
    char *p = lct_path(k->dir, name);
    ck_assert_int_eq(lct_fixture(p, driver, geojson, options), 0);
    free(p);
}

/* Patches n bytes at offset of a file of the case (a damaged .dbf). */
static void case_patch(const kase *k, const char *name, long offset, const void *bytes, size_t n)
{
    char *p = lct_path(k->dir, name);
    FILE *f = fopen(p, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, offset, SEEK_SET), 0);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    free(p);
}

/* The offset of the first occurrence of text in a file of the case. */
static long case_find(const kase *k, const char *name, const char *text)
{
    char *p = lct_path(k->dir, name);
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    free(p);
    size_t tl = strlen(text);
    for (size_t i = 0; i + tl <= n; i++)
        if (!memcmp(buf + i, text, tl))
            return (long)i;
    ck_abort_msg("'%s' not in %s", text, name);
    return -1;
}

/* Runs `validate STUDY extra` and `check STUDY -o DIR/out extra` and asserts their exit codes and,
 * in both outputs, each of the NULL-terminated needles; with check failing (2) nothing may be
 * written. Returns check's output (caller frees) for further assertions, validate's in *vout. */
static char *run_both(const kase *k, const char *extra, int validate_rc, int check_rc, const char *const *needles,
                      char **vout)
{
    char args[8192], *v = NULL, *c = NULL;
    char *out = lct_path(k->dir, "out");
    lct_rmtree(out); /* a previous run's */
    snprintf(args, sizeof args, "validate '%s' %s", k->study, extra ? extra : "");
    int rc = lct_run_cli(args, &v);
    ck_assert_msg(rc == validate_rc, "validate exit %d, expected %d: %s", rc, validate_rc, v);
    snprintf(args, sizeof args, "check '%s' -o '%s' %s", k->study, out, extra ? extra : "");
    rc = lct_run_cli(args, &c);
    ck_assert_msg(rc == check_rc, "check exit %d, expected %d: %s", rc, check_rc, c);
    struct stat sb;
    if (check_rc == 2)
        ck_assert_msg(stat(out, &sb) != 0, "check failed but wrote %s", out);
    else
        ck_assert_msg(stat(out, &sb) == 0, "check passed but wrote no %s", out);
    for (const char *const *n = needles; n && *n; n++) {
        lct_assert_contains(v, *n);
        lct_assert_contains(c, *n);
    }
    free(out);
    if (vout)
        *vout = v;
    else
        free(v);
    return c;
}

/* Asserts needle does not occur in text. */
static void assert_lacks(const char *text, const char *needle)
{
    ck_assert_msg(!strstr(text, needle), "did not expect \"%s\" in \"%s\"", needle, text);
}

/* Counts the occurrences of needle in text. */
static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* A copy of one demo layer (data/demo/porto.gpkg) with x and y exchanged in every coordinate, in
 * path, through GDAL's SQLite dialect (SpatiaLite's SwapCoords). columns lists the layer's fields. */
static void swapped_demo_layer(const char *path, const char *layer, const char *columns)
{
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.gpkg"), sql[1024];
    snprintf(sql, sizeof sql, "SELECT %s, SwapCoords(geom) AS geom FROM %s", columns, layer);
    GDALAllRegister();
    GDALDatasetH in = GDALOpenEx(demo, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(in);
    const char *argv[] = {"-f", "GPKG", "-dialect", "SQLite", "-sql", sql, "-nln", layer, NULL};
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew((char **)argv, NULL);
    int err = 0;
    GDALDatasetH out = GDALVectorTranslate(path, NULL, 1, &in, o, &err);
    GDALVectorTranslateOptionsFree(o);
    ck_assert_ptr_nonnull(out);
    GDALClose(out);
    GDALClose(in);
    free(demo);
}

/* The demo study (data/demo/porto.yml) with one layer replaced by a swapped copy. */
static char *swapped_demo(kase *k, const char *layer, const char *columns)
{
    char *gpkg = lct_path(k->dir, "swapped.gpkg"), *demo = lct_path(lct_source_dir(), "data/demo/porto.yml");
    swapped_demo_layer(gpkg, layer, columns);
    char *args = malloc(8192);
    snprintf(args, 8192, "--set '%s.path=%s'", layer, gpkg);
    free(k->study);
    k->study = demo;
    free(gpkg);
    return args;
}

/* ---- layers that do not meet ---------------------------------------------------------------- */

START_TEST(compounds_one_gauss_kruger_zone_off)
{
    /* The issue's case: planners' data in CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), the
     * compounds labelled CM 117E (EPSG:4548): the same numbers land 3 degrees (285 km) west. Read as
     * 4548 the compounds span lon 118.4692..118.4718, lat 31.2173..31.2191; the unit (as 4549)
     * lon 121.4585..121.4904, lat 31.2081..31.2355 (gdaltransform). Before: OK, 0 % coverage. */
    kase k = case_new();
    case_text(&k, "res.geojson", FC_EPSG("4548", RECT("\"id\":\"R1\",\"population\":1200", 640000, 3456000, 640100, 3456200) ","
                                                 RECT("\"id\":\"R2\",\"population\":300", 640200, 3456000, 640250, 3456050)));
    case_text(&k, "fac.geojson", FC_EPSG("4549", POINT("\"id\":\"F1\",\"category\":\"助餐点\",\"floor_area\":200", 640050, 3456100)));
    case_text(&k, "units.geojson", FC_EPSG("4549", RECT("\"id\":\"U1\",\"name\":\"殷行街道\"", 639000, 3455000, 642000, 3458000)));
    case_text(&k, "study.yml", "crs: EPSG:4549\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n"
                               "units: {path: units.geojson}\n");
    const char *needles[] = {"res.geojson (layer res): 2 of 2 compounds (100.0%) lie outside every unit (街镇) of",
                             "units.geojson (layer units): the layers do not meet",
                             "The residential layer lies at lon 118.46", "the units layer at lon 121.45",
                             "Gauss-Krüger or UTM zone", NULL};
    char *v = NULL, *c = run_both(&k, NULL, 2, 2, needles, &v);
    lct_assert_contains(v, "layers_apart (1)");
    /* the facility is not reported outside the unit one by one, nor far from the misplaced compounds */
    assert_lacks(v, "outside_study_area");
    assert_lacks(v, "farther than 5 km");
    free(v);
    free(c);
    case_free(&k);
}
END_TEST

START_TEST(facilities_with_a_wrong_prj)
{
    /* A shapefile of facilities with UTM 51N coordinates and a .prj that says UTM 50N: read as 50N
     * they lie 6 degrees west (lon 115.42..115.43), more than 5 km from every compound. */
    kase k = case_new();
    case_fc(&k, "res.geojson", RES_FEATURES);
    case_fixture(&k, "fac.shp", "ESRI Shapefile",
                 FC_EPSG("32650", POINT("\"id\":\"F1\",\"category\":\"助餐点\",\"floor_area\":200", 350050, 3456100) ","
                                  POINT("\"id\":\"F2\",\"category\":\"助餐点\",\"floor_area\":100", 350150, 3456100) ","
                                  POINT("\"id\":\"F3\",\"category\":\"助餐点\",\"floor_area\":100", 350120, 3456020)),
                 NULL);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.shp}\n");
    const char *needles[] = {"fac.shp (layer fac): 3 of 3 facilities (100.0%) lie farther than 5 km from every compound of",
                             "res.geojson (layer res): the layers do not meet",
                             "The facilities layer lies at lon 115.42", "the residential layer at lon 121.42", NULL};
    free(run_both(&k, NULL, 2, 2, needles, NULL));
    case_free(&k);
}
END_TEST

START_TEST(few_compounds_outside_the_units_warn)
{
    /* 1 of 5 compounds (20 %, not above the 20 % bound) lies 2 km beyond the unit: a warning, and the
     * run goes on; a second one outside (2 of 5, 40 %) makes it an error. */
    kase k = case_new();
    case_fc(&k, "units.geojson", UNIT_FEATURES);
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_fc(&k, "res1.geojson",
                 RECT("\"id\":\"R1\",\"population\":100", 350000, 3456000, 350100, 3456100) ","
                 RECT("\"id\":\"R2\",\"population\":100", 350200, 3456000, 350300, 3456100) ","
                 RECT("\"id\":\"R3\",\"population\":100", 350400, 3456000, 350500, 3456100) ","
                 RECT("\"id\":\"R4\",\"population\":100", 350600, 3456000, 350700, 3456100) ","
                 RECT("\"id\":\"R5\",\"population\":100", 354000, 3456000, 354100, 3456100));
    case_fc(&k, "res2.geojson",
                 RECT("\"id\":\"R1\",\"population\":100", 350000, 3456000, 350100, 3456100) ","
                 RECT("\"id\":\"R2\",\"population\":100", 350200, 3456000, 350300, 3456100) ","
                 RECT("\"id\":\"R3\",\"population\":100", 350400, 3456000, 350500, 3456100) ","
                 RECT("\"id\":\"R4\",\"population\":100", 354200, 3456000, 354300, 3456100) ","
                 RECT("\"id\":\"R5\",\"population\":100", 354000, 3456000, 354100, 3456100));
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res1.geojson}\nfacilities: {path: fac.geojson}\n"
                               "units: {path: units.geojson}\n");
    const char *warn[] = {"res1.geojson (layer res1): 1 of 5 compounds (20.0%) lie outside every unit (街镇) of",
                          "they count for no unit's indicators", NULL};
    char *v = NULL, *c = run_both(&k, NULL, 0, 1, warn, &v);
    lct_assert_contains(v, "0 errors, 1 warning");
    free(v);
    free(c);
    const char *err[] = {"res2.geojson (layer res2): 2 of 5 compounds (40.0%) lie outside every unit (街镇) of",
                         "the layers do not meet", NULL};
    char extra[4096];
    snprintf(extra, sizeof extra, "--residential '%s/res2.geojson'", k.dir);
    free(run_both(&k, extra, 2, 2, err, NULL));
    case_free(&k);
}
END_TEST

START_TEST(roads_in_another_zone)
{
    /* A street along the compounds, its UTM 51N coordinates labelled UTM 50N: 6 degrees west, no road
     * within 5 km of either compound. `check --mode network` refuses it as `validate` does. */
    kase k = case_new();
    case_fc(&k, "res.geojson", RES_FEATURES);
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "roads.geojson",
              FC_EPSG("32650", "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":"
                               "{\"type\":\"LineString\",\"coordinates\":[[349900,3456250],[350300,3456250]]}}"));
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n"
                               "roads: {path: roads.geojson}\n");
    const char *needles[] = {"roads.geojson: 2 of 2 compounds (100.0%) of ",
                             "res.geojson (layer res) have no road of this layer within 5 km: the layers do not meet",
                             "The roads layer lies at lon 115.42", NULL};
    free(run_both(&k, "--mode network", 2, 2, needles, NULL));
    /* the same street in its own zone: nothing to say */
    case_text(&k, "roads.geojson",
              FC_EPSG("32651", "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},\"geometry\":"
                               "{\"type\":\"LineString\",\"coordinates\":[[349900,3456250],[350300,3456250]]}}"));
    char *v = NULL, *c = run_both(&k, "--mode network", 0, 1, NULL, &v);
    assert_lacks(v, "layers_apart");
    assert_lacks(c, "do not meet");
    free(v);
    free(c);
    case_free(&k);
}
END_TEST

/* The demo layers' fields, for their swapped copies. */
#define DEMO_RES_COLUMNS "id, 名称, 常住人口, 户籍60岁以上, 户籍65岁以上, 街镇"
#define DEMO_FAC_COLUMNS "id, 名称, 类型, osm_tag, 建筑面积, 日供餐, 床位, 护理床位"
#define DEMO_UNIT_COLUMNS "id, 名称, 常住人口"

/* Translates src into dst as GeoPackage with ogr2ogr-style arguments (NULL-terminated). */
static void translate(const char *dst, const char *src, const char *const *args)
{
    GDALAllRegister();
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(in);
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew((char **)args, NULL);
    int err = 0;
    GDALDatasetH out = GDALVectorTranslate(dst, NULL, 1, &in, o, &err);
    GDALVectorTranslateOptionsFree(o);
    ck_assert_ptr_nonnull(out);
    GDALClose(out);
    GDALClose(in);
}

START_TEST(demo_compounds_one_utm_zone_off)
{
    /* The demo's compounds in their UTM zone 29N, then labelled 30N (ogr2ogr -t_srs EPSG:32629, then
     * -a_srs EPSG:32630): the same numbers 6 degrees east, in Spain. Read as 30N they span lon
     * -2.6183..-2.5934 (ogrinfo: ST_Transform to 4326 of the labelled copy), the units lie at
     * lon -8.62..-8.59. Before: OK and 0 % coverage. */
    kase k = case_new();
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.gpkg"), *utm = lct_path(k.dir, "utm29.gpkg"),
         *off = lct_path(k.dir, "zone30.gpkg");
    const char *const to29[] = {"-f", "GPKG", "-t_srs", "EPSG:32629", "residential", NULL};
    const char *const as30[] = {"-f", "GPKG", "-a_srs", "EPSG:32630", "-nln", "residential", NULL};
    translate(utm, demo, to29);
    translate(off, utm, as30);
    free(k.study);
    k.study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char extra[4096];
    snprintf(extra, sizeof extra, "--set 'residential.path=%s'", off);
    const char *needles[] = {"zone30.gpkg (layer residential): 193 of 193 compounds (100.0%) lie outside every unit "
                             "(街镇) of", "porto.gpkg (layer units): the layers do not meet",
                             "The residential layer lies at lon -2.62", "the units layer at lon -8.62", NULL};
    char *v = NULL, *c = run_both(&k, extra, 2, 2, needles, &v);
    lct_assert_contains(v, "Data quality 数据质量: 1 error, 0 warnings");
    free(v);
    free(c);
    free(demo);
    free(utm);
    free(off);
    case_free(&k);
}
END_TEST

START_TEST(demo_residential_lonlat_swapped)
{
    /* Porto's compounds with lon/lat exchanged: (41.1, -8.6) is a valid lon/lat (in the Indian Ocean
     * off Somalia), so no coordinate is out of range; before, OK and 0 % coverage. */
    kase k = case_new();
    char *extra = swapped_demo(&k, "residential", DEMO_RES_COLUMNS);
    const char *needles[] = {"swapped.gpkg (layer residential): the coordinates look like latitude/longitude swapped",
                             "the residential layer lies at lon 41.1", "it would lie on the units layer", NULL};
    char *v = NULL, *c = run_both(&k, extra, 2, 2, needles, &v);
    lct_assert_contains(v, "swapped_lonlat (1)");
    assert_lacks(v, "crs_distortion");
    free(v);
    free(c);
    free(extra);
    case_free(&k);
}
END_TEST

START_TEST(demo_facilities_lonlat_swapped)
{
    /* The documented swap error, once — not 93 "outside every unit" warnings. */
    kase k = case_new();
    char *extra = swapped_demo(&k, "facilities", DEMO_FAC_COLUMNS);
    const char *needles[] = {"swapped.gpkg (layer facilities): the coordinates look like latitude/longitude swapped",
                             "it would lie on the residential layer", NULL};
    char *v = NULL, *c = run_both(&k, extra, 2, 2, needles, &v);
    lct_assert_contains(v, "Data quality 数据质量: 1 error, 0 warnings");
    assert_lacks(v, "outside every unit");
    assert_lacks(c, "outside every unit");
    free(v);
    free(c);
    free(extra);
    case_free(&k);
}
END_TEST

START_TEST(demo_units_lonlat_swapped)
{
    kase k = case_new();
    char *extra = swapped_demo(&k, "units", DEMO_UNIT_COLUMNS);
    const char *needles[] = {"swapped.gpkg (layer units): the coordinates look like latitude/longitude swapped",
                             "it would lie on the residential layer", NULL};
    char *v = NULL, *c = run_both(&k, extra, 2, 2, needles, &v);
    lct_assert_contains(v, "Data quality 数据质量: 1 error, 0 warnings");
    assert_lacks(v, "outside every unit");
    free(v);
    free(c);
    free(extra);
    case_free(&k);
}
END_TEST

START_TEST(demo_in_the_wrong_utm_zone)
{
    /* Porto (8.6 W) computed in UTM 51N (central meridian 123 E, 131.6 degrees away): before, OK with
     * N1 at 12 % instead of 24 %. On a sphere the transverse Mercator scale there is
     * 0.9996 / sqrt(1 - (cos 41.14° sin 131.62°)²) = 1.2096: distances 21 % too long. */
    kase k = case_new();
    free(k.study);
    k.study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    const char *needles[] = {"porto.gpkg (layer residential): the working CRS WGS 84 / UTM zone 51N (EPSG:32651) "
                             "measures distances where this layer lies",
                             "21.0% longer than they are on the ground",
                             "use 'crs: auto' or EPSG:32629, the UTM zone of the data", NULL};
    char *v = NULL, *c = run_both(&k, "--crs EPSG:32651", 2, 2, needles, &v);
    lct_assert_contains(v, "crs_distortion (1)");
    free(v);
    free(c);
    /* two zones off (UTM 31N, central meridian 3 E): 1.1 % — a warning; the run goes on */
    const char *warn[] = {"(EPSG:32631) measures distances", "1.1% longer", NULL};
    free(run_both(&k, "--crs EPSG:32631", 0, 1, warn, NULL));
    case_free(&k);
}
END_TEST

/* ---- lon/lat that may be GCJ-02 ------------------------------------------------------------- */

START_TEST(wgs84_lonlat_in_shanghai_hints_gcj02)
{
    /* The meal point as a table of lon/lat labelled EPSG:4326, as planners copy them from Amap. The
     * hint comes once, as a note: the GCJ-02 offset at the compounds' centre (121.42638, 31.22946)
     * is 487 m (the published formula, computed apart in Python). Labelled GCJ-02, no hint. */
    kase k = case_new();
    case_fc(&k, "res.geojson", RES_FEATURES);
    case_text(&k, "fac.csv", "id,category,floor_area,lon,lat\nF1,助餐点,200,121.425594,31.229454\n"
                             "F2,助餐点,100,121.426644,31.229467\n");
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\n"
                               "facilities: {path: fac.csv, crs: EPSG:4326}\n");
    const char *needles[] = {"fac.csv (layer fac): lon/lat labelled WGS 84 in mainland China",
                             "here 487 m off WGS 84", "set facilities.crs: GCJ-02 (or BD-09)", NULL};
    char *v = NULL, *c = run_both(&k, NULL, 0, 1, needles, &v);
    lct_assert_contains(v, "lonlat_maybe_webmap (1)");
    lct_assert_contains(v, "0 errors, 0 warnings");
    ck_assert_int_eq(count_of(v, "labelled WGS 84"), 1);
    lct_assert_contains(c, "lifecircle: note: ");
    free(v);
    free(c);
    char *out = NULL, args[4096];
    snprintf(args, sizeof args, "validate '%s' --set facilities.crs=GCJ-02", k.study);
    ck_assert_int_eq(lct_run_cli(args, &out), 0);
    assert_lacks(out, "labelled WGS 84");
    free(out);
    case_free(&k);
}
END_TEST

START_TEST(demo_has_no_new_finding)
{
    /* Porto in WGS 84: no GCJ hint outside China, no layer apart, no distortion, no implausible value:
     * and no facility outside its units since the merged grid cells (data/demo/README.md) cover them all. */
    char *study = lct_path(lct_source_dir(), "data/demo/porto.yml"), args[4096], *out = NULL;
    snprintf(args, sizeof args, "validate '%s'", study);
    ck_assert_int_eq(lct_run_cli(args, &out), 0);
    lct_assert_contains(out, "Data quality 数据质量: 0 errors, 0 warnings");
    assert_lacks(out, "outside_study_area");
    assert_lacks(out, "info ");
    free(out);
    free(study);
}
END_TEST

/* ---- empty and truncated inputs ------------------------------------------------------------- */

START_TEST(empty_layers_are_errors)
{
    kase k = case_new();
    case_fc(&k, "res.geojson", RES_FEATURES);
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_fc(&k, "units.geojson", UNIT_FEATURES);
    /* the same layers with their fields but no feature (ogr2ogr -where that matches none) */
    const char *const none[] = {"-where", "id = 'none'", "-nln", "none", NULL};
    case_fixture(&k, "none-res.gpkg", "GPKG", FC_EPSG("32651", RES_FEATURES), none);
    case_fixture(&k, "none-fac.gpkg", "GPKG", FC_EPSG("32651", FAC_FEATURES), none);
    case_fixture(&k, "none-units.gpkg", "GPKG", FC_EPSG("32651", UNIT_FEATURES), none);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n"
                               "units: {path: units.geojson}\n");
    const char *res[] = {"none-res.gpkg (layer none): the residential layer holds no feature: there are no residents "
                         "to cover", NULL};
    char extra[4096];
    snprintf(extra, sizeof extra, "--residential '%s/none-res.gpkg'", k.dir);
    free(run_both(&k, extra, 2, 2, res, NULL));
    const char *fac[] = {"none-fac.gpkg (layer none): the facilities layer holds no feature: every coverage would be "
                         "0", NULL};
    snprintf(extra, sizeof extra, "--facilities '%s/none-fac.gpkg'", k.dir);
    free(run_both(&k, extra, 2, 2, fac, NULL));
    const char *units[] = {"none-units.gpkg (layer none): the units layer holds no feature: there is no 街镇", NULL};
    snprintf(extra, sizeof extra, "--units '%s/none-units.gpkg'", k.dir);
    free(run_both(&k, extra, 2, 2, units, NULL));
    /* a filter that keeps nothing (a typo in a district's name) */
    const char *where[] = {"fac.geojson (layer fac): the facilities layer holds no feature that passes the filter "
                           "'category = '助餐点 ''", NULL};
    free(run_both(&k, "--set \"facilities.where=category = '助餐点 '\"", 2, 2, where, NULL));
    case_free(&k);
}
END_TEST

START_TEST(no_residents_is_an_error)
{
    kase k = case_new();
    case_fc(&k, "res.geojson",
                 RECT("\"id\":\"R1\",\"population\":0", 350000, 3456000, 350100, 3456200) ","
                 RECT("\"id\":\"R2\",\"population\":0", 350200, 3456000, 350250, 3456050));
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {"res.geojson (layer res, field population): the population of all 2 compounds sums to 0",
                             NULL};
    free(run_both(&k, NULL, 2, 2, needles, NULL));
    case_free(&k);
}
END_TEST

/* Three compounds as a UTF-8 shapefile res.shp (+ .shx, .dbf) of the case. */
static void three_compound_shapefile(const kase *k)
{
    const char *const utf8[] = {"-lco", "ENCODING=UTF-8", NULL};
    case_fixture(k, "res.shp", "ESRI Shapefile",
                 FC_EPSG("32651", RECT("\"id\":\"R1\",\"population\":1234", 350000, 3456000, 350100, 3456200) ","
                                  RECT("\"id\":\"R2\",\"population\":300", 350200, 3456000, 350250, 3456050) ","
                                  RECT("\"id\":\"R3\",\"population\":77", 350300, 3456000, 350350, 3456050)),
                 utf8);
    case_fc(k, "fac.geojson", FAC_FEATURES);
    case_text(k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.shp}\nfacilities: {path: fac.geojson}\n");
}

START_TEST(dbf_shorter_than_the_shapes)
{
    /* The .dbf's record count (bytes 4-7, little-endian) says 2 of the 3 shapes: GDAL reads 2
     * compounds and drops the third without a word; with 0, it reads none. */
    kase k = case_new();
    three_compound_shapefile(&k);
    const unsigned char two[4] = {2, 0, 0, 0}, zero[4] = {0, 0, 0, 0};
    case_patch(&k, "res.dbf", 4, two, 4);
    const char *needles[] = {"res.shp (layer res): the attribute table res.dbf holds 2 records but its shape index "
                             "res.shx indexes 3 shapes", NULL};
    free(run_both(&k, NULL, 2, 2, needles, NULL));
    case_patch(&k, "res.dbf", 4, zero, 4);
    const char *none[] = {"res.dbf holds 0 records but its shape index res.shx indexes 3 shapes",
                          "the residential layer holds no feature", NULL};
    free(run_both(&k, NULL, 2, 2, none, NULL));
    case_free(&k);
}
END_TEST

START_TEST(bit_flipped_number_in_a_dbf)
{
    /* "1234" with its second byte flipped from '2' (0x32) to '#' (0x23): GDAL reads 1 and warns. */
    kase k = case_new();
    three_compound_shapefile(&k);
    case_patch(&k, "res.dbf", case_find(&k, "res.dbf", "1234") + 1, "#", 1);
    const char *needles[] = {"res.shp (layer res, feature R1, field population): population is not a number GDAL could "
                             "read (GDAL: Value '1#34' of field res.population parsed incompletely to integer 1.)",
                             NULL};
    char *v = NULL, *c = run_both(&k, NULL, 2, 2, needles, &v);
    lct_assert_contains(v, "not_numeric (1)");
    free(v);
    free(c);
    case_free(&k);
}
END_TEST

/* ---- implausible values --------------------------------------------------------------------- */

START_TEST(hexadecimal_population_is_not_a_number)
{
    /* strtod reads "0x10" as 16; a planner's table never means that. */
    kase k = case_new();
    case_fc(&k, "res.geojson",
                 RECT("\"id\":\"R1\",\"population\":\"0x10\"", 350000, 3456000, 350100, 3456200) ","
                 RECT("\"id\":\"R2\",\"population\":\"300\"", 350200, 3456000, 350250, 3456050));
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {"res.geojson (layer res, feature R1, field population): population '0x10' is not a number",
                             NULL};
    free(run_both(&k, NULL, 2, 2, needles, NULL));
    case_free(&k);
}
END_TEST

START_TEST(implausible_values)
{
    /* One fault per feature, each beyond the bounds of docs/reference.md's data-quality table. */
    kase k = case_new();
    case_fc(&k, "res.geojson",
                 RECT("\"id\":\"HUGE\",\"population\":1e23", 350000, 3456000, 350100, 3456200) ","
                 RECT("\"id\":\"OLDER\",\"population\":300,\"pop60\":50,\"pop65\":80", 350200, 3456000, 350250, 3456050));
    case_fc(&k, "fac.geojson",
                 POINT("\"id\":\"BIG\",\"category\":\"助餐点\",\"floor_area\":1e23", 350050, 3456100) ","
                 POINT("\"id\":\"NURSE\",\"category\":\"养老机构\",\"floor_area\":900,\"beds\":10,\"nursing_beds\":12",
                       350060, 3456100));
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {
        "res.geojson (layer res, feature HUGE, field population): population 1e+23 is more than any compound or 街镇 "
        "holds (at most 10000000)",
        "res.geojson (layer res, feature OLDER, field pop65): pop65 80 is more than pop60 50 (field pop60)",
        "fac.geojson (layer fac, feature BIG, field floor_area): floor_area 1e+23 m² is more than the largest building "
        "on Earth (at most 2000000 m²)",
        "fac.geojson (layer fac, feature NURSE, field nursing_beds): nursing_beds 12 is more than beds 10 (field beds)",
        NULL};
    char *v = NULL, *c = run_both(&k, NULL, 2, 2, needles, &v);
    lct_assert_contains(v, "implausible_value (4)");
    free(v);
    free(c);
    case_free(&k);
}
END_TEST

START_TEST(implausible_but_possible_values_warn)
{
    /* 3,000 residents on 50 m x 50 m = 1.2 million per km²; on either side of the 200,000 per km²
     * bound, 1,999 and 2,001 residents on 100 m x 100 m (0.01 km²) = 199,900 (quiet) and 200,100
     * (a warning); a centre of 150,000 m² (above 100,000): warnings, the run goes on. */
    kase k = case_new();
    case_fc(&k, "res.geojson",
                 RECT("\"id\":\"R1\",\"population\":1200", 350000, 3456000, 350100, 3456200) ","
                 RECT("\"id\":\"DENSE\",\"population\":3000", 350200, 3456000, 350250, 3456050) ","
                 RECT("\"id\":\"BELOW\",\"population\":1999", 350300, 3456000, 350400, 3456100) ","
                 RECT("\"id\":\"ABOVE\",\"population\":2001", 350500, 3456000, 350600, 3456100));
    case_fc(&k, "fac.geojson",
                 POINT("\"id\":\"CAMPUS\",\"category\":\"社区综合为老服务中心\",\"floor_area\":150000", 350050, 3456100));
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {
        "res.geojson (layer res, feature DENSE, field population): population 3000 on 2500 m² is 1200000 residents "
        "per km², denser than real compounds (warned above 200000",
        "res.geojson (layer res, feature ABOVE, field population): population 2001 on 10000 m² is 200100 residents "
        "per km²",
        "fac.geojson (layer fac, feature CAMPUS, field floor_area): floor_area 150000 m² is more than the largest "
        "elder-care campuses have", NULL};
    char *v = NULL, *c = run_both(&k, NULL, 0, 1, needles, &v);
    lct_assert_contains(v, "0 errors, 3 warnings");
    assert_lacks(v, "feature BELOW");
    free(v);
    free(c);
    case_free(&k);
}
END_TEST

/* ---- validate and check agree: text that is not UTF-8 --------------------------------------- */

START_TEST(gbk_bytes_behind_a_utf8_cpg)
{
    /* Written as GBK (CP936), its .cpg then claiming UTF-8: 长白 is b3 a4 b0 d7 in GBK. Before,
     * validate said OK and check failed naming its own output file. */
    kase k = case_new();
    const char *const gbk[] = {"-lco", "ENCODING=CP936", NULL};
    case_fixture(&k, "res.shp", "ESRI Shapefile",
                 FC_EPSG("32651", RECT("\"id\":\"R1\",\"name\":\"长白\",\"population\":1200", 350000, 3456000, 350100, 3456200)),
                 gbk);
    case_text(&k, "res.cpg", "UTF-8");
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.shp}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {"res.shp (layer res, feature R1, field name): the text is not valid UTF-8 (it starts with "
                             "bytes b3 a4 b0 d7), yet the layer is read as UTF-8", "'residential: {encoding: GBK}'",
                             NULL};
    char *c = run_both(&k, NULL, 2, 2, needles, NULL);
    assert_lacks(c, "/out/");
    free(c);
    /* said so, it reads */
    char *v = NULL;
    free(run_both(&k, "--set residential.encoding=GBK", 0, 1, NULL, &v));
    assert_lacks(v, "invalid_encoding");
    free(v);
    case_free(&k);
}
END_TEST

START_TEST(gbk_bytes_in_a_geojson)
{
    kase k = case_new();
    case_text(&k, "res.geojson",
              FC_EPSG("32651", RECT("\"id\":\"R1\",\"name\":\"\xb3\xa4\xb0\xd7\",\"population\":1200", 350000, 3456000,
                                    350100, 3456200)));
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n");
    const char *needles[] = {"res.geojson (layer res, feature R1, field name): the text is not valid UTF-8", NULL};
    char *c = run_both(&k, NULL, 2, 2, needles, NULL);
    assert_lacks(c, "/out/");
    free(c);
    case_free(&k);
}
END_TEST

/* A study of the reference compounds and meal point in network mode with one street, its UTM 51N
 * coordinates labelled with zone (EPSG code), and an output directory named. */
static void street_study(const kase *k, const char *zone)
{
    char roads[1024];
    snprintf(roads, sizeof roads,
             "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
             "\"urn:ogc:def:crs:EPSG::%s\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{\"highway\":"
             "\"residential\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[349900,3456250],"
             "[350300,3456250]]}}]}",
             zone);
    case_fc(k, "res.geojson", RES_FEATURES);
    case_fc(k, "fac.geojson", FAC_FEATURES);
    case_text(k, "roads.geojson", roads);
    case_text(k, "study.yml", "crs: EPSG:32651\nmode: network\noutput: out\nresidential: {path: res.geojson}\n"
                              "facilities: {path: fac.geojson}\nroads: {path: roads.geojson}\n");
}

START_TEST(validate_is_check_up_to_computing)
{
    /* lc_run_validate takes check's steps by check's code: the street labelled UTM 50N lies 6 degrees
     * west, so validate finds the one error check refuses (LC_ERR_DATA, nothing written) and, like
     * check, builds no network on it; in its own zone validate reads the one street (by
     * construction: 1 feature, 1 line kept) and, in network mode, builds the network check builds. */
    kase k = case_new();
    street_study(&k, "32650");
    lc_study *study = lc_study_load(lct_ctx, k.study);
    ck_assert_ptr_nonnull(study);
    lc_quality *q = lc_quality_create(lct_ctx);
    lc_run_options ro = LC_RUN_OPTIONS_INIT;
    ro.quality = q;
    lc_run *run = lc_run_validate(lct_ctx, study, &ro);
    ck_assert_ptr_nonnull(run);
    ck_assert_uint_eq(lc_quality_count_severity(q, LC_SEVERITY_ERROR), 1);
    ck_assert_uint_eq(lc_quality_count_check(q, LC_CHECK_LAYERS_APART), 1);
    ck_assert_ptr_nonnull(lc_run_inputs(run));
    ck_assert_ptr_nonnull(lc_run_roads_stats(run));
    ck_assert_uint_eq(lc_run_roads_stats(run)->features, 1);
    ck_assert_ptr_null(lc_run_network(run));
    ck_assert_ptr_null(lc_run_results(run));
    lc_run_destroy(run);
    lc_quality_destroy(q);
    ck_assert_ptr_null(lc_run_check(lct_ctx, study, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_DATA);
    char *out = lct_path(k.dir, "out");
    struct stat sb;
    ck_assert_int_ne(stat(out, &sb), 0);
    lc_study_destroy(study);

    street_study(&k, "32651");
    study = lc_study_load(lct_ctx, k.study);
    ck_assert_ptr_nonnull(study);
    run = lc_run_validate(lct_ctx, study, NULL);
    ck_assert_ptr_nonnull(run);
    ck_assert_uint_eq(lc_quality_count_severity(lc_run_quality(run), LC_SEVERITY_ERROR), 0);
    ck_assert_uint_eq(lc_run_roads_stats(run)->kept, 1);
    ck_assert_ptr_nonnull(lc_run_network(run));
    ck_assert_int_ne(stat(out, &sb), 0); /* validate writes nothing */
    lc_run_destroy(run);
    lc_study_destroy(study);
    free(out);

    ck_assert_ptr_null(lc_run_validate(lct_ctx, NULL, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    case_free(&k);
}
END_TEST

START_TEST(district_profiles_refused_by_both)
{
    /* districts.profiles naming a district the study does not have: check refused it while it
     * computed the indicators, after validate had said OK. */
    kase k = case_new();
    case_fc(&k, "res.geojson", RES_FEATURES);
    case_fc(&k, "fac.geojson", FAC_FEATURES);
    case_text(&k, "study.yml", "crs: EPSG:32651\nresidential: {path: res.geojson}\nfacilities: {path: fac.geojson}\n"
                               "districts: {profiles: {杨浦区: shanghai-2025}}\n");
    const char *needles[] = {"study.yml: districts.profiles.杨浦区 names a district no feature of the districts layer",
                             NULL};
    free(run_both(&k, NULL, 2, 2, needles, NULL));
    case_free(&k);
}
END_TEST

Suite *suite_plausible(void)
{
    Suite *s = suite_create("plausible");
    TCase *meet = tcase_create("layers that do not meet");
    tcase_set_timeout(meet, 120);
    tcase_add_test(meet, compounds_one_gauss_kruger_zone_off);
    tcase_add_test(meet, facilities_with_a_wrong_prj);
    tcase_add_test(meet, few_compounds_outside_the_units_warn);
    tcase_add_test(meet, roads_in_another_zone);
    tcase_add_test(meet, demo_compounds_one_utm_zone_off);
    tcase_add_test(meet, demo_residential_lonlat_swapped);
    tcase_add_test(meet, demo_facilities_lonlat_swapped);
    tcase_add_test(meet, demo_units_lonlat_swapped);
    tcase_add_test(meet, demo_in_the_wrong_utm_zone);
    suite_add_tcase(s, meet);

    TCase *gcj = tcase_create("lon/lat that may be GCJ-02");
    tcase_set_timeout(gcj, 120);
    tcase_add_test(gcj, wgs84_lonlat_in_shanghai_hints_gcj02);
    tcase_add_test(gcj, demo_has_no_new_finding);
    suite_add_tcase(s, gcj);

    TCase *empty = tcase_create("empty and truncated inputs");
    tcase_set_timeout(empty, 120);
    tcase_add_test(empty, empty_layers_are_errors);
    tcase_add_test(empty, no_residents_is_an_error);
    tcase_add_test(empty, dbf_shorter_than_the_shapes);
    tcase_add_test(empty, bit_flipped_number_in_a_dbf);
    suite_add_tcase(s, empty);

    TCase *values = tcase_create("implausible values");
    tcase_set_timeout(values, 120);
    tcase_add_test(values, hexadecimal_population_is_not_a_number);
    tcase_add_test(values, implausible_values);
    tcase_add_test(values, implausible_but_possible_values_warn);
    suite_add_tcase(s, values);

    TCase *utf8 = tcase_create("validate and check agree");
    tcase_set_timeout(utf8, 120);
    tcase_add_test(utf8, gbk_bytes_behind_a_utf8_cpg);
    tcase_add_test(utf8, gbk_bytes_in_a_geojson);
    tcase_add_test(utf8, district_profiles_refused_by_both);
    suite_add_tcase(s, utf8);

    TCase *lib = tcase_create("validate is the library run");
    tcase_add_checked_fixture(lib, lct_setup, lct_teardown);
    tcase_set_timeout(lib, 120);
    tcase_add_test(lib, validate_is_check_up_to_computing);
    suite_add_tcase(s, lib);
    return s;
}
