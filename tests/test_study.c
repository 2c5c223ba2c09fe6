/*
 * tests/test_study.c — the study file (layers/study.c), the YAML key/value reader under it
 * (layers/keyvalue.c) and standards profiles (layers/profile.c). Cases are grouped by behaviour:
 * normal use, errors, profiles, bounds (hostile files refused within processor-time bounds, lookups
 * among tens of thousands of keys and labels), ownership. Every expected value comes from the
 * fixture text written here or from the category table of the brief that profiles/shanghai-2025.yml
 * implements.
 */
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* A study fixture: a temporary directory with a sub-folder, and the file written into it. */
typedef struct fixture {
    char *dir;  /* the temporary directory */
    char *sub;  /* dir/sub, where the study file lives */
    char *path; /* dir/sub/NAME */
} fixture;

/* Writes text to dir/sub/name and returns the fixture (free with fixture_free). */
static fixture fixture_write(const char *name, const char *text)
{
    fixture f;
    f.dir = lct_tmpdir();
    f.sub = lct_path(f.dir, "sub");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", f.sub);
    ck_assert_int_eq(system(cmd), 0);
    f.path = lct_path(f.sub, name);
    ck_assert_int_eq(lct_write_text(f.path, text), 0);
    return f;
}

static void fixture_free(fixture *f)
{
    lct_rmtree(f->dir);
    free(f->path);
    free(f->sub);
    free(f->dir);
}

/* Loads a study from text expected to be rejected with status; returns the message (borrowed from
 * the context). */
static const char *study_error(const char *text, lc_status status)
{
    fixture f = fixture_write("study.yml", text);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(lc_context_errno(lct_ctx), status);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "study.yml:");
    fixture_free(&f);
    return lc_context_errmsg(lct_ctx);
}

/* Loads a profile file from text expected to be rejected with LC_ERR_CONFIG; returns the message. */
static const char *profile_error(const char *text)
{
    fixture f = fixture_write("custom.yml", text);
    lc_profile *p = lc_profile_load(lct_ctx, f.path);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "custom.yml:");
    fixture_free(&f);
    return lc_context_errmsg(lct_ctx);
}

/* The whole value of a joined path, for comparing resolved paths. */
static char *joined(const char *dir, const char *name)
{
    return lct_path(dir, name);
}

/* ---- normal use ------------------------------------------------------------------------------- */

static const char full_study[] =
    "# 杨浦区 15 分钟养老服务圈 — a full study file\n"
    "name: 杨浦区养老服务圈\n"
    "description: 测试 study\n"
    "crs: EPSG:32651\n"
    "profile: shanghai-2025\n"
    "encoding: CP936\n"
    "residential:\n"
    "  path: data/小区.shp\n"
    "  encoding: CP936\n"
    "  fields:\n"
    "    id: 小区编号\n"
    "    name: 小区名称\n"
    "    population: 常住人口\n"
    "    pop60: 六十岁以上户籍人口\n"
    "    unit: 所属街道\n"
    "facilities:\n"
    "  path: \"PG:dbname=lifecircle user=planner\"\n"
    "  layer: public.facilities\n"
    "  where: \"类型 IS NOT NULL\"\n"
    "  fields:\n"
    "    category: 设施类型\n"
    "    floor_area: 建筑面积\n"
    "  categories:\n"
    "    助餐点: meal_point\n"
    "    综合为老服务中心: centre\n"
    "    St. Mary's Home: care_home\n"
    "units:\n"
    "  path: /srv/gis/街镇.gpkg\n"
    "  layer: 街镇\n"
    "roads:\n"
    "  path: /vsizip/roads.zip/roads.shp\n"
    "buildings:\n"
    "  path: https://example.org/buildings.geojson\n"
    "candidates:\n"
    "  path: ../candidates.csv\n"
    "  x: 经度\n"
    "  y: 纬度\n"
    "entrances:\n"
    "output: results\n"
    "format: GPKG\n"
    "mode: network\n"
    "reach_m: 800\n"
    "walk_speed: 0.9\n"
    "walk_minutes: 15\n";

START_TEST(test_full_study)
{
    fixture f = fixture_write("study.yml", full_study);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_path(s), f.path);
    ck_assert_str_eq(lc_study_get(s, "name"), "杨浦区养老服务圈");
    ck_assert_str_eq(lc_study_get(s, "description"), "测试 study");
    ck_assert_str_eq(lc_study_get(s, "crs"), "EPSG:32651");
    ck_assert_str_eq(lc_study_get(s, "profile"), "shanghai-2025");
    ck_assert_str_eq(lc_study_get(s, "encoding"), "CP936");
    ck_assert_str_eq(lc_study_get(s, "residential.encoding"), "CP936");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.id"), "小区编号");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.name"), "小区名称");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.population"), "常住人口");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.pop60"), "六十岁以上户籍人口");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.unit"), "所属街道");
    ck_assert_ptr_null(lc_study_get(s, "residential.fields.pop65"));
    ck_assert_str_eq(lc_study_get(s, "facilities.layer"), "public.facilities");
    ck_assert_str_eq(lc_study_get(s, "facilities.where"), "类型 IS NOT NULL");
    ck_assert_str_eq(lc_study_get(s, "facilities.fields.category"), "设施类型");
    ck_assert_str_eq(lc_study_get(s, "facilities.fields.floor_area"), "建筑面积");
    ck_assert_str_eq(lc_study_get(s, "units.layer"), "街镇");
    ck_assert_str_eq(lc_study_get(s, "candidates.x"), "经度");
    ck_assert_str_eq(lc_study_get(s, "candidates.y"), "纬度");
    ck_assert_str_eq(lc_study_get(s, "format"), "gpkg"); /* normalised to lower case */
    ck_assert_str_eq(lc_study_get(s, "mode"), "network");
    ck_assert_str_eq(lc_study_get(s, "reach_m"), "800");
    ck_assert_str_eq(lc_study_get(s, "walk_speed"), "0.9");
    ck_assert_str_eq(lc_study_get(s, "walk_minutes"), "15");
    ck_assert_ptr_null(lc_study_get(s, "entrances.path")); /* an empty section is no layer */
    ck_assert_ptr_null(lc_study_get(s, "roads.layer"));

    ck_assert_uint_eq(lc_study_category_map_count(s), 3);
    ck_assert_str_eq(lc_study_category_map_label(s, 0), "助餐点");
    ck_assert_str_eq(lc_study_category_map_code(s, 0), "meal_point");
    ck_assert_str_eq(lc_study_category_map_label(s, 1), "综合为老服务中心");
    ck_assert_str_eq(lc_study_category_map_code(s, 1), "centre");
    ck_assert_str_eq(lc_study_category_map_label(s, 2), "St. Mary's Home"); /* dots in a label survive */
    ck_assert_str_eq(lc_study_category_map_code(s, 2), "care_home");
    ck_assert_ptr_null(lc_study_category_map_label(s, 3));
    ck_assert_ptr_null(lc_study_category_map_code(s, 3));
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_paths_resolved)
{
    fixture f = fixture_write("study.yml", full_study);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    char *res = joined(f.sub, "data/小区.shp");
    char *cand = joined(f.sub, "../candidates.csv");
    char *out = joined(f.sub, "results");
    ck_assert_str_eq(lc_study_get(s, "residential.path"), res);
    ck_assert_str_eq(lc_study_get(s, "candidates.path"), cand);
    ck_assert_str_eq(lc_study_get(s, "output"), out);
    /* absolute paths and GDAL connection strings are kept as written */
    ck_assert_str_eq(lc_study_get(s, "units.path"), "/srv/gis/街镇.gpkg");
    ck_assert_str_eq(lc_study_get(s, "facilities.path"), "PG:dbname=lifecircle user=planner");
    ck_assert_str_eq(lc_study_get(s, "roads.path"), "/vsizip/roads.zip/roads.shp");
    ck_assert_str_eq(lc_study_get(s, "buildings.path"), "https://example.org/buildings.geojson");
    free(out);
    free(cand);
    free(res);
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_set_overrides)
{
    fixture f = fixture_write("study.yml", full_study);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "crs", "EPSG:4547"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "crs"), "EPSG:4547");
    /* a relative path set from the command line stays relative to the current directory */
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential.path", "other/小区.gpkg"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "residential.path"), "other/小区.gpkg");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "output", "out"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "output"), "out");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential.fields.pop65", "六十五岁以上"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "residential.fields.pop65"), "六十五岁以上");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential.fields.population", "人口"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "residential.fields.population"), "人口");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "format", "GeoJSON"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "format"), "geojson");
    /* a new category mapping is added after the file's; an existing one is replaced in place */
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "facilities.categories.长者食堂", "canteen"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "facilities.categories.助餐点", "canteen"), LC_OK);
    ck_assert_uint_eq(lc_study_category_map_count(s), 4);
    ck_assert_str_eq(lc_study_category_map_code(s, 0), "canteen");
    ck_assert_str_eq(lc_study_category_map_label(s, 3), "长者食堂");
    ck_assert_str_eq(lc_study_category_map_code(s, 3), "canteen");
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_defaults)
{
    lc_study *s = lc_study_create(lct_ctx);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(lc_study_path(s));
    ck_assert_str_eq(lc_study_get(s, "crs"), "auto");
    ck_assert_str_eq(lc_study_get(s, "profile"), "shanghai-2025");
    ck_assert_ptr_null(lc_study_get(s, "name"));
    ck_assert_ptr_null(lc_study_get(s, "residential.path"));
    ck_assert_uint_eq(lc_study_category_map_count(s), 0);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential.path", "a/b.shp"), LC_OK);
    ck_assert_str_eq(lc_study_get(s, "residential.path"), "a/b.shp");
    lc_study_destroy(s);

    /* a file without crs or profile gets the defaults too */
    fixture f = fixture_write("study.yml", "residential:\n  path: x.shp\n");
    s = lc_study_load(lct_ctx, f.path);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(lc_study_get(s, "crs"), "auto");
    ck_assert_str_eq(lc_study_get(s, "profile"), "shanghai-2025");
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_empty_and_flat)
{
    /* an empty file (or one with comments only) is an empty study */
    fixture f = fixture_write("study.yml", "# nothing yet\n");
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "crs"), "auto");
    lc_study_destroy(s);
    fixture_free(&f);

    /* dotted keys written flat mean the same as nested ones; BOM and CRLF are fine */
    f = fixture_write("study.yml", "\xEF\xBB\xBFresidential.path: /d/x.shp\r\nresidential.fields.population: 人口\r\n");
    s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "residential.path"), "/d/x.shp");
    ck_assert_str_eq(lc_study_get(s, "residential.fields.population"), "人口");
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

/* ---- errors ----------------------------------------------------------------------------------- */

START_TEST(test_malformed_yaml)
{
    const char *m = study_error("name: test\ncrs: auto\nprofile: a: b\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:3:");
    lct_assert_contains(m, "malformed YAML");

    m = study_error("name: test\nresidential:\n  path: [a.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "malformed YAML");

    m = study_error("name: \"bad \xFF byte\"\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "UTF-8");
}
END_TEST

START_TEST(test_unknown_top_key)
{
    const char *m = study_error("name: test\n# comment\nprofile: shanghai-2025\ncrss: auto\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:4:");
    lct_assert_contains(m, "unknown key 'crss'");
    lct_assert_contains(m, "did you mean 'crs'?");
    lct_assert_contains(m, "walk_speed"); /* the known keys are listed */

    m = study_error("name: test\nwalkspeed: 1.0\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "did you mean 'walk_speed'?");

    m = study_error("colour: red\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1: unknown key 'colour'");
    ck_assert_ptr_null(strstr(m, "did you mean"));

    /* Every mistake of the file at once, in file order, one line each (issue 17). */
    m = study_error("name: test\ncrss: auto\nprofile: shanghai-2025\nwalkspeed: 1.0\n", LC_ERR_CONFIG);
    const char *a = strstr(m, "study.yml:2: unknown key 'crss'"), *b = strstr(m, "study.yml:4: unknown key 'walkspeed'");
    ck_assert_msg(a && b && a < b && memchr(a, '\n', (size_t)(b - a)), "both, in order, on lines of their own: %s", m);
}
END_TEST

START_TEST(test_unknown_layer)
{
    const char *m = study_error("name: x\nresidental:\n  path: a.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "unknown layer 'residental'");
    lct_assert_contains(m, "did you mean 'residential.path'?");

    m = study_error("schools:\n  path: a.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "unknown layer 'schools'");
    lct_assert_contains(m, "entrances");

    m = study_error("residential:\n  paht: a.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "did you mean 'residential.path'?");
}
END_TEST

START_TEST(test_unknown_field_role)
{
    const char *m = study_error("residential:\n  path: a.shp\n  fields:\n    populaton: 常住人口\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:4:");
    lct_assert_contains(m, "unknown field role 'populaton'");
    lct_assert_contains(m, "did you mean 'residential.fields.population'?");

    m = study_error("facilities:\n  fields:\n    类型: category\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:3:");
    lct_assert_contains(m, "unknown field role '类型'");
    lct_assert_contains(m, "nursing_beds");
}
END_TEST

START_TEST(test_missing_file)
{
    char *dir = lct_tmpdir();
    char *path = lct_path(dir, "no-such-study.yml");
    lc_study *s = lc_study_load(lct_ctx, path);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), path);
    lct_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_bad_values)
{
    const char *m = study_error("name: x\nformat: shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "'format' must be one of shapefile, gpkg, geojson (got 'shp')");

    m = study_error("mode: walking\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "straight, network");

    m = study_error("reach_m: -5\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "'reach_m' must be a distance in metres from 1 to 10000 (got '-5')");
    m = study_error("walk_speed: fast\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "'walk_speed' must be a speed in metres per second from 0.1 to 3 (got 'fast')");
    m = study_error("walk_minutes: 0\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "'walk_minutes'");

    m = study_error("name: x\ncrs: \"\"\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "'crs' must not be empty");
    m = study_error("residential:\n  crs:\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "'residential.crs' must not be empty");

    /* a single value where a mapping belongs, and the other way round */
    m = study_error("residential: data/a.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "'residential' takes a mapping");
    m = study_error("crs:\n  epsg: 4326\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "'crs' takes a single value");
    m = study_error("residential:\n  path:\n    - a.shp\n    - b.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2: 'residential.path' takes a single value, not a list");
    m = study_error("facilities:\n  categories: [助餐点, 长者食堂]\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2: 'facilities.categories' takes a mapping of keys, not a list");
}
END_TEST

START_TEST(test_yaml_rejections)
{
    const char *m = study_error("name: a\ncrs: auto\nname: b\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:3: duplicate key 'name' (first given at line 1)");

    m = study_error("residential:\n  path: a.shp\nresidential:\n  layer: b\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:3: duplicate key 'residential'");

    m = study_error("residential.path: a.shp\nresidential:\n  path: b.shp\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:3: duplicate key 'residential.path' (first given at line 1)");

    m = study_error("residential:\n  path: &p a.shp\nfacilities:\n  path: *p\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "anchors");
    lct_assert_contains(m, "not supported");

    m = study_error("- a\n- b\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:1:");
    lct_assert_contains(m, "must be a mapping");

    m = study_error("just a sentence\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "must be a mapping");

    m = study_error("name: a\n---\nname: b\n", LC_ERR_CONFIG);
    lct_assert_contains(m, "study.yml:2:");
    lct_assert_contains(m, "one YAML document");
}
END_TEST

START_TEST(test_set_errors)
{
    lc_study *s = lc_study_create(lct_ctx);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "crs", "EPSG:32651"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "crss", "EPSG:4326"), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "unknown key 'crss'; did you mean 'crs'?");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential.fields.popu", "x"), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "unknown field role 'popu'");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "crs", ""), LC_ERR_CONFIG);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "format", "shp"), LC_ERR_CONFIG);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "residential", ""), LC_ERR_CONFIG);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "facilities.categories.", "centre"), LC_ERR_CONFIG);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "", "x"), LC_ERR_CONFIG);
    ck_assert_str_eq(lc_study_get(s, "crs"), "EPSG:32651"); /* unchanged by the failures */
    ck_assert_ptr_null(lc_study_get(s, "format"));
    ck_assert_int_eq(lc_study_set(lct_ctx, s, NULL, "x"), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "crs", NULL), LC_ERR_MISUSE);
    ck_assert_int_eq(lc_study_set(lct_ctx, NULL, "crs", "auto"), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_study_load(lct_ctx, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_study_destroy(s);
}
END_TEST

/* ---- profiles --------------------------------------------------------------------------------- */

START_TEST(test_builtin_profile)
{
    static const char *const codes[] = {"centre", "doorstep", "meal_point", "canteen", "day_care",
                                        "care_home_small", "care_home", "rental_point", "adviser",
                                        "activity_room", "neighbour_point"};
    static const char *const zh[] = {"社区综合为老服务中心", "家门口服务站点", "助餐点", "社区长者食堂",
                                     "日间照料中心", "长者照护之家", "养老机构", "康复辅具社区租赁点",
                                     "养老顾问点", "老年活动室", "睦邻点"};
    static const char *const en[] = {"Community elder-service centre", "Doorstep service station", "Meal point",
                                     "Community elders' canteen", "Day-care centre", "Small community care home",
                                     "Care home", "Assistive-device rental point", "Elder-care adviser point",
                                     "Elderly activity room", "Neighbourhood point"};
    static const double metres[] = {1000, 300, 1000, 1000, 1000, 1000, 1000, 1000, 300, 300, 300};
    static const double minutes[] = {15, 5, 15, 15, 15, 15, 15, 15, 5, 5, 5};

    const char *const *names = lc_profile_builtin_names();
    ck_assert_ptr_nonnull(names);
    ck_assert_str_eq(names[0], "shanghai-2025");
    ck_assert_ptr_nonnull(lc_profile_builtin_text("shanghai-2025"));
    ck_assert_ptr_null(lc_profile_builtin_text("beijing-2025"));

    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_profile_name(p), "shanghai-2025");
    ck_assert_uint_eq(lc_profile_category_count(p), 11);
    for (size_t i = 0; i < 11; i++) {
        const lc_category *c = lc_profile_category(p, i);
        ck_assert_ptr_nonnull(c);
        ck_assert_str_eq(c->code, codes[i]);
        ck_assert_str_eq(c->name_zh, zh[i]);
        ck_assert_str_eq(c->name_en, en[i]);
        /* care homes count through beds, neighbourhood points are villagers' homes: neither counts */
        ck_assert_msg(c->counts_floor_area == (strcmp(codes[i], "care_home") && strcmp(codes[i], "neighbour_point")),
                      "%s floor_area", codes[i]);
        ck_assert_double_eq(c->reach_m, metres[i]);
        ck_assert_double_eq(c->reach_minutes, minutes[i]);
        ck_assert_ptr_nonnull(c->reach_source);
        ck_assert_ptr_nonnull(c->aliases);
        ck_assert_ptr_nonnull(c->aliases[0]);
    }
    ck_assert_ptr_null(lc_profile_category(p, 11));
    lc_profile_destroy(p);
}
END_TEST

START_TEST(test_find_category)
{
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(lc_profile_find_category(p, "centre"), 0);
    ck_assert_int_eq(lc_profile_find_category(p, "meal_point"), 2);
    ck_assert_int_eq(lc_profile_find_category(p, "助餐点"), 2);
    ck_assert_int_eq(lc_profile_find_category(p, "Meal point"), 2);
    ck_assert_int_eq(lc_profile_find_category(p, "MEAL POINT"), 2);
    ck_assert_int_eq(lc_profile_find_category(p, "  meal point \t"), 2);
    ck_assert_int_eq(lc_profile_find_category(p, "\xE3\x80\x80助餐点\xE3\x80\x80"), 2); /* U+3000 */
    ck_assert_int_eq(lc_profile_find_category(p, "长者食堂"), 3);
    ck_assert_int_eq(lc_profile_find_category(p, "长者社区食堂"), 3);
    ck_assert_int_eq(lc_profile_find_category(p, "家门口养老服务站点"), 1);
    ck_assert_int_eq(lc_profile_find_category(p, "老年人日间照料中心"), 4);
    ck_assert_int_eq(lc_profile_find_category(p, "日间照护中心"), 4);
    ck_assert_int_eq(lc_profile_find_category(p, "Day Care"), 4);
    ck_assert_int_eq(lc_profile_find_category(p, "养老院"), 6);
    ck_assert_int_eq(lc_profile_find_category(p, "Nursing Home"), 6);
    ck_assert_int_eq(lc_profile_find_category(p, "护理院"), 6);
    ck_assert_int_eq(lc_profile_find_category(p, "社会福利院"), 6);
    ck_assert_int_eq(lc_profile_find_category(p, "康复辅具租赁点"), 7);
    ck_assert_int_eq(lc_profile_find_category(p, "标准化老年活动室"), 9);
    ck_assert_int_eq(lc_profile_find_category(p, "医院"), -1);
    ck_assert_int_eq(lc_profile_find_category(p, ""), -1);
    ck_assert_int_eq(lc_profile_find_category(p, NULL), -1);
    lc_profile_destroy(p);
}
END_TEST

static const char custom_profile[] =
    "profile: pudong-test\n"
    "title: 浦东测试\n"
    "reach:\n"
    "  minutes: 10\n"
    "  metres: 500\n"
    "  source: GB 50180-2018 十分钟生活圈 500 m\n"
    "categories:\n"
    "  meal_point:\n"
    "    zh: 助餐点\n"
    "    en: Meal point\n"
    "    floor_area: yes\n"
    "    reach: {minutes: 15, metres: 1000, source: toolkit default}\n"
    "    aliases: [长者食堂, meal]\n"
    "  respite:\n"
    "    zh: 喘息服务点\n"
    "    en: Respite care point\n"
    "    aliases: 喘息\n"
    "norms:\n"
    "  area:\n"
    "    kind: floor_area\n"
    "    target: 30\n"
    "    zh: 每千人面积\n"
    "    en: Floor area per 1,000\n"
    "    source: test\n";

START_TEST(test_custom_profile)
{
    fixture f = fixture_write("custom.yml", custom_profile);
    lc_profile *p = lc_profile_load(lct_ctx, f.path);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_profile_name(p), "pudong-test");
    ck_assert_uint_eq(lc_profile_category_count(p), 2);
    const lc_category *c = lc_profile_category(p, 0);
    ck_assert_str_eq(c->code, "meal_point");
    ck_assert_int_eq(c->counts_floor_area, 1);
    ck_assert_double_eq(c->reach_m, 1000);
    ck_assert_double_eq(c->reach_minutes, 15);
    ck_assert_str_eq(c->reach_source, "toolkit default");
    ck_assert_str_eq(c->aliases[0], "长者食堂");
    ck_assert_str_eq(c->aliases[1], "meal");
    ck_assert_ptr_null(c->aliases[2]);
    c = lc_profile_category(p, 1);
    ck_assert_str_eq(c->code, "respite");
    ck_assert_str_eq(c->name_zh, "喘息服务点");
    ck_assert_str_eq(c->name_en, "Respite care point");
    ck_assert_int_eq(c->counts_floor_area, 0); /* not given: does not count */
    ck_assert_double_eq(c->reach_m, 500);      /* the profile's default reach */
    ck_assert_double_eq(c->reach_minutes, 10);
    ck_assert_str_eq(c->reach_source, "GB 50180-2018 十分钟生活圈 500 m");
    ck_assert_str_eq(c->aliases[0], "喘息");
    ck_assert_ptr_null(c->aliases[1]);
    ck_assert_int_eq(lc_profile_find_category(p, "respite care point"), 1);
    ck_assert_int_eq(lc_profile_find_category(p, "喘息"), 1);
    ck_assert_int_eq(lc_profile_find_category(p, "长者食堂"), 0);
    ck_assert_int_eq(lc_profile_find_category(p, "centre"), -1);
    lc_profile_destroy(p);
    fixture_free(&f);
}
END_TEST

START_TEST(test_builtin_round_trip)
{
    /* what `lifecircle profile init` writes out loads back as the same profile */
    fixture f = fixture_write("shanghai-copy.yml", lc_profile_builtin_text("shanghai-2025"));
    lc_profile *p = lc_profile_load(lct_ctx, f.path);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_profile_name(p), "shanghai-2025");
    ck_assert_uint_eq(lc_profile_category_count(p), 11);
    ck_assert_str_eq(lc_profile_category(p, 9)->name_zh, "老年活动室");
    lc_profile_destroy(p);
    fixture_free(&f);
}
END_TEST

START_TEST(test_profile_errors)
{
    const char *m = profile_error("profile: t\n"
                                  "reach: {minutes: 15, metres: 1000, source: s}\n"
                                  "categories:\n"
                                  "  meal_point:\n"
                                  "    zh: 助餐点\n"
                                  "    en: Meal point\n"
                                  "    aliases: [食堂]\n"
                                  "  canteen:\n"
                                  "    zh: 社区长者食堂\n"
                                  "    en: Canteen\n"
                                  "    aliases: [长者食堂, 食堂]\n");
    lct_assert_contains(m, "custom.yml:11:");
    lct_assert_contains(m, "'食堂' names both category 'meal_point' (line 7) and category 'canteen'");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  centre:\n"
                      "    zh: 社区综合为老服务中心\n"
                      "    en: Centre\n"
                      "  respite:\n"
                      "    en: Respite care point\n");
    lct_assert_contains(m, "custom.yml:7:");
    lct_assert_contains(m, "category 'respite'");
    lct_assert_contains(m, "'zh' is missing");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  centre:\n"
                      "    zh: 中心\n"
                      "    en: Centre\n"
                      "    aliasses: [a]\n");
    lct_assert_contains(m, "custom.yml:7: unknown key 'categories.centre.aliasses'; "
                           "did you mean 'categories.centre.aliases'?");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  centre:\n"
                      "    zh: 中心\n"
                      "    en: Centre\n"
                      "    flor_area: true\n");
    lct_assert_contains(m, "custom.yml:7: unknown key 'categories.centre.flor_area'; "
                           "did you mean 'categories.centre.floor_area'?");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: -1, source: s}\n"
                      "categories:\n"
                      "  centre: {zh: 中心, en: Centre}\n");
    lct_assert_contains(m, "custom.yml:2:");
    lct_assert_contains(m, "'reach.metres' must be a positive number (got '-1')");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  centre: {zh: 中心, en: Centre, reach: {metres: 0, minutes: 5, source: x}}\n");
    lct_assert_contains(m, "custom.yml:4:");
    lct_assert_contains(m, "must be a positive number");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  助餐点: {zh: 助餐点, en: Meal point}\n");
    lct_assert_contains(m, "custom.yml:4:");
    lct_assert_contains(m, "category code '助餐点'");

    m = profile_error("profile: t\n"
                      "reach: {minutes: 15, metres: 1000, source: s}\n"
                      "categories:\n"
                      "  centre: {zh: 中心, en: Centre, floor_area: maybe}\n");
    lct_assert_contains(m, "'categories.centre.floor_area' must be true or false (got 'maybe')");

    m = profile_error("profile: t\n"
                      "categories:\n"
                      "  centre: {zh: 中心, en: Centre}\n");
    lct_assert_contains(m, "missing 'reach:'");

    m = profile_error("profile: t\nreach: {minutes: 15, metres: 1000, source: s}\ncategories:\n  centre: [a]\n");
    lct_assert_contains(m, "custom.yml:4: 'categories.centre' takes a mapping of keys, not a list");
}
END_TEST

START_TEST(test_profile_missing)
{
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2099");
    ck_assert_ptr_null(p);
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "shanghai-2099");
    lct_assert_contains(lc_context_errmsg(lct_ctx), "shanghai-2025"); /* the built-in names are offered */
    ck_assert_ptr_null(lc_profile_load(lct_ctx, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
}
END_TEST


/* ---- bounds: what a hostile file cannot make the reader do ---------------------------------------- */

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

/* A growing text buffer for the generated files; asserts on allocation. */
typedef struct gen_text {
    char *s;
    size_t n, cap;
} gen_text;

static void add(gen_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(gen_text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(k, 0);
        if (t->s && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        t->cap = t->cap ? t->cap * 2 : 1 << 16;
        while (t->cap <= t->n + (size_t)k)
            t->cap *= 2;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
}

/* Loads a study from a generated text expected to be refused within `limit` seconds of processor
 * time (writing the file included); returns the
 * message (borrowed from the context) after checking status and that it names the file. */
static const char *study_refused_fast(const char *body, lc_status status, double limit)
{
    double t0 = cpu_now();
    const char *m = study_error(body, status);
    double took = cpu_now() - t0;
    ck_assert_msg(took < limit, "refused after %.3f s (limit %.1f s)", took, limit);
    return m;
}

START_TEST(test_deep_nesting_refused)
{
    /* 100,000 nested flow mappings on one line: refused at the 65th, before any of the rest is read. */
    gen_text t = {0};
    add(&t, "name: x\na: ");
    for (int i = 0; i < 100000; i++)
        add(&t, "{a: ");
    add(&t, "1");
    for (int i = 0; i < 100000; i++)
        add(&t, "}");
    add(&t, "\n");
    const char *m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:2: mappings and lists nested more than 64 deep at column ");
    /* the top-level mapping is the first level, so the 65th container is the 64th "{", after "a: "
     * and 63 "{a: ": byte 3 + 63 * 4 = 255, column 256 */
    lct_assert_contains(m, "column 256 ");

    /* the same through block lists: 65 levels of "- " */
    t.n = 0;
    add(&t, "a:\n");
    for (int i = 0; i < 70; i++)
        add(&t, "%*s-\n", 2 * i + 2, "");
    add(&t, "%*s- 1\n", 142, "");
    m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "nested more than 64 deep");

    /* 64 levels are still read (the limit is not off by one): a[.a]*63 = 1 */
    t.n = 0;
    add(&t, "name: ");
    for (int i = 0; i < 63; i++)
        add(&t, "{a: ");
    add(&t, "1");
    for (int i = 0; i < 63; i++)
        add(&t, "}");
    add(&t, "\n");
    m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "'name' takes a single value, not a mapping"); /* read, then refused by meaning */
    free(t.s);
}
END_TEST

START_TEST(test_key_count_refused)
{
    /* 100,000 keys: refused at the 50,001st, naming its line. */
    gen_text t = {0};
    for (int i = 0; i < 100000; i++)
        add(&t, "k%d: 1\n", i);
    const char *m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:50001: more than 50000 keys");

    /* 49,999 distinct keys and a duplicate of the first: found at once, not by a scan of the others */
    t.n = 0;
    for (int i = 0; i < 49999; i++)
        add(&t, "k%d: 1\n", i);
    add(&t, "k0: 2\n");
    m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:50000: duplicate key 'k0' (first given at line 1)");

    /* a duplicate among 40,000 keys of one nested mapping, and a key repeated as a section */
    t.n = 0;
    add(&t, "facilities:\n  categories:\n");
    for (int i = 0; i < 40000; i++)
        add(&t, "    label%d: centre\n", i);
    add(&t, "    label123: meal_point\n");
    m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:40003: duplicate key 'facilities.categories.label123' (first given at line 126)");
    m = study_refused_fast("residential:\n  path: a.shp\nresidential:\n  layer: x\n", LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:3: duplicate key 'residential' (first given at line 1)");

    /* a dotted key longer than 1,024 bytes: 22 bytes of "facilities.categories." and a label of
     * 1,010 (libyaml itself takes keys of up to 1,024 characters) */
    t.n = 0;
    add(&t, "facilities:\n  categories:\n    ");
    for (int i = 0; i < 1010; i++)
        add(&t, "x");
    add(&t, ": centre\n");
    m = study_refused_fast(t.s, LC_ERR_CONFIG, 1.0);
    lct_assert_contains(m, "study.yml:3: the key 'facilities.categories.xxx");
    lct_assert_contains(m, "is 1032 bytes long, more than the 1024 a key may have");
    free(t.s);
}
END_TEST

START_TEST(test_file_size_refused)
{
    /* 1 MB is the most; a comment makes the file 1,048,577 bytes */
    size_t n = (1u << 20) + 1;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memcpy(big, "name: x\n#", 9);
    memset(big + 9, 'c', n - 10);
    big[n - 1] = '\n';
    big[n] = '\0';
    double t0 = cpu_now();
    const char *m = study_error(big, LC_ERR_CONFIG);
    ck_assert(cpu_now() - t0 < 1.0);
    lct_assert_contains(m, "study.yml: larger than 1 MB (1048576 bytes)");
    /* one byte less is read (and the file is a study with a name) */
    big[n - 2] = '\n';
    big[n - 1] = '\0';
    fixture f = fixture_write("study.yml", big);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "name"), "x");
    lc_study_destroy(s);
    fixture_free(&f);
    free(big);
}
END_TEST

/* Loads path as a study and as a profile, both expected to fail at once with LC_ERR_IO naming the
 * path and `what`. */
static void refused_special(const char *path, const char *what)
{
    double t0 = wall_now();
    ck_assert_ptr_null(lc_study_load(lct_ctx, path));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), path);
    lct_assert_contains(lc_context_errmsg(lct_ctx), what);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "not a regular file");
    ck_assert_ptr_null(lc_profile_load(lct_ctx, path));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), what);
    double took = wall_now() - t0;
    ck_assert_msg(took < 5.0, "%s refused after %.3f s", path, took); /* a pipe would block for ever */
}

START_TEST(test_special_files_refused)
{
    char *dir = lct_tmpdir();
    char *fifo = lct_path(dir, "study.yml");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    refused_special(fifo, "a named pipe (FIFO)"); /* no writer: opening it for reading would block */
    refused_special("/dev/zero", "a character device"); /* endless: would eat memory */
    refused_special(dir, "a directory");
    char *link = lct_path(dir, "zero.yml");
    ck_assert_int_eq(symlink("/dev/zero", link), 0);
    refused_special(link, "a character device"); /* a link is followed to what it names */

    /* and through the command: exit 2 with the message, without waiting on the pipe */
    char args[4096], *out;
    snprintf(args, sizeof args, "validate '%s'", fifo);
    double t0 = wall_now();
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    ck_assert(wall_now() - t0 < 5.0);
    lct_assert_contains(out, "named pipe");
    lct_assert_contains(out, fifo);
    free(out);
    lct_rmtree(dir);
    free(link), free(fifo), free(dir);
}
END_TEST

START_TEST(test_many_category_labels)
{
    /* 20,000 labels: read, counted and found by label at once (each lookup hashed) */
    gen_text t = {0};
    add(&t, "facilities:\n  categories:\n");
    for (int i = 0; i < 20000; i++)
        add(&t, "    label%d: %s\n", i, i % 2 ? "centre" : "meal_point");
    fixture f = fixture_write("study.yml", t.s);
    double t0 = cpu_now();
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_study_category_map_count(s), 20000);
    ck_assert_str_eq(lc_study_category_map_label(s, 19999), "label19999");
    ck_assert_str_eq(lc_study_category_map_code(s, 19999), "centre");
    for (int k = 0; k < 100000; k++) {
        char label[32];
        snprintf(label, sizeof label, "label%d", (k * 7919) % 20000);
        ck_assert_str_eq(lc_study_category_map_find(s, label), (k * 7919) % 20000 % 2 ? "centre" : "meal_point");
    }
    ck_assert_ptr_null(lc_study_category_map_find(s, "label20000"));
    ck_assert_ptr_null(lc_study_category_map_find(s, "Label1")); /* exact, as written */
    /* a label added by lc_study_set is found too, and a changed one gives its new code */
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "facilities.categories.新标签", "canteen"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "facilities.categories.label0", "canteen"), LC_OK);
    ck_assert_str_eq(lc_study_category_map_find(s, "新标签"), "canteen");
    ck_assert_str_eq(lc_study_category_map_find(s, "label0"), "canteen");
    ck_assert_uint_eq(lc_study_category_map_count(s), 20001);
    ck_assert_str_eq(lc_study_category_map_label(s, 20000), "新标签");
    double took = cpu_now() - t0;
    ck_assert_msg(took < 2.0, "20,000 labels and 100,000 lookups took %.3f s", took);
    lc_study_destroy(s);
    fixture_free(&f);
    free(t.s);
}
END_TEST

START_TEST(test_profile_bounds)
{
    /* 40,000 aliases of one category: the profile loads and every lookup is hashed */
    gen_text t = {0};
    add(&t, "profile: t\nreach: {minutes: 15, metres: 1000, source: s}\ncategories:\n"
            "  centre:\n    zh: 中心\n    en: Centre\n    aliases:\n");
    for (int i = 0; i < 40000; i++)
        add(&t, "      - 别名%d\n", i);
    add(&t, "  canteen: {zh: 食堂, en: Canteen}\n");
    fixture f = fixture_write("custom.yml", t.s);
    double t0 = cpu_now();
    lc_profile *p = lc_profile_load(lct_ctx, f.path);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    for (int k = 0; k < 100000; k++) {
        char label[32];
        snprintf(label, sizeof label, " 别名%d\t", (k * 7919) % 40000); /* blanks around are ignored */
        ck_assert_int_eq(lc_profile_find_category(p, label), 0);
    }
    ck_assert_int_eq(lc_profile_find_category(p, "CANTEEN"), 1); /* ASCII case ignored */
    ck_assert_int_eq(lc_profile_find_category(p, "\xE3\x80\x80食堂"), 1); /* a full-width space too */
    ck_assert_int_eq(lc_profile_find_category(p, "别名40000"), -1);
    double took = cpu_now() - t0;
    ck_assert_msg(took < 2.0, "40,000 aliases and 100,000 lookups took %.3f s", took);
    lc_profile_destroy(p);
    fixture_free(&f);

    /* a label clash among thousands is still found, at the later label's line */
    t.n = 0;
    add(&t, "profile: t\nreach: {minutes: 15, metres: 1000, source: s}\ncategories:\n");
    for (int i = 0; i < 900; i++)
        add(&t, "  c%d: {zh: 类%d, en: C%d, short: S%d}\n", i, i, i, i);
    add(&t, "  last: {zh: 最后, en: Last, short: LAST, aliases: [类17]}\n");
    t0 = cpu_now();
    const char *m = profile_error(t.s);
    ck_assert(cpu_now() - t0 < 1.0);
    lct_assert_contains(m, "custom.yml:904: '类17' names both category 'c17' (line 21) and category 'last'");

    /* more than 1,000 categories */
    t.n = 0;
    add(&t, "profile: t\nreach: {minutes: 15, metres: 1000, source: s}\ncategories:\n");
    for (int i = 0; i < 1500; i++)
        add(&t, "  c%d: {zh: 类%d, en: C%d, short: X}\n", i, i, i);
    t0 = cpu_now();
    m = profile_error(t.s);
    ck_assert(cpu_now() - t0 < 1.0);
    lct_assert_contains(m, "custom.yml:1004: more than 1000 categories");

    /* more than 1,000 norms */
    t.n = 0;
    add(&t, "profile: t\nreach: {minutes: 15, metres: 1000, source: s}\ncategories:\n"
            "  centre: {zh: 中心, en: Centre}\nnorms:\n");
    for (int i = 0; i < 1500; i++)
        add(&t, "  n%d: {kind: reach, category: centre, target: 1, zh: 指标, en: N, source: s}\n", i);
    t0 = cpu_now();
    m = profile_error(t.s);
    ck_assert(cpu_now() - t0 < 1.0);
    lct_assert_contains(m, "custom.yml:1006: more than 1000 norms");
    free(t.s);
}
END_TEST

START_TEST(test_number_ranges)
{
    /* every number of the study, at and past its bounds: the message names the file, the line and
     * the key, the range and what the key means */
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"name: x\nwalk_speed: 1e308\n", "study.yml:2: 'walk_speed' must be a speed in metres per second from 0.1 to 3 (got '1e308')"},
        {"walk_speed: 0.05\n", "'walk_speed' must be a speed in metres per second from 0.1 to 3 (got '0.05')"},
        {"walk_speed: inf\n", "(got 'inf')"},
        {"walk_speed: nan\n", "(got 'nan')"},
        {"walk_speed: 0x10\n", "(got '0x10')"},
        {"reach_m: 1e6\n", "study.yml:1: 'reach_m' must be a distance in metres from 1 to 10000 (got '1e6')"},
        {"reach_m: 0.5\n", "'reach_m' must be a distance in metres from 1 to 10000 (got '0.5')"},
        {"walk_minutes: 1e9\n", "'walk_minutes' must be a number of minutes from 1 to 120 (got '1e9')"},
        {"walk_minutes: -15\n", "'walk_minutes' must be a number of minutes from 1 to 120 (got '-15')"},
        {"demand_grid_m: 0.001\n", "'demand_grid_m' must be a distance in metres from 5 to 500 (got '0.001')"},
        {"demand_grid_m: 1e300\n", "'demand_grid_m' must be a distance in metres from 5 to 500 (got '1e300')"},
        {"roads:\n  snap_dangles_m: 1e308\n", "study.yml:2: 'roads.snap_dangles_m' must be a distance in metres from 0 to 50"},
        {"circle_quadsegs: 1e308\n", "'circle_quadsegs' must be a whole number from 2 to 256 (got '1e308')"},
        {"share_leaf_m: -inf\n", "'share_leaf_m' must be a number from 0.5 to 50 (got '-inf')"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *m = study_error(bad[i].text, LC_ERR_CONFIG);
        lct_assert_contains(m, bad[i].message);
    }
    /* the bounds themselves are accepted, from the file and from lc_study_set alike */
    fixture f = fixture_write("study.yml", "reach_m: 1\nwalk_speed: 3\nwalk_minutes: 120\ndemand_grid_m: 5\n"
                                           "roads:\n  snap_dangles_m: 0\n");
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_msg(s != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_study_get(s, "walk_speed"), "3");
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "reach_m", "10000"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "walk_speed", "0.1"), LC_OK);
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "walk_speed", "1e308"), LC_ERR_CONFIG);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "'walk_speed' must be a speed in metres per second from 0.1 to 3");
    ck_assert_str_eq(lc_study_get(s, "walk_speed"), "0.1"); /* a refused value changes nothing */
    ck_assert_int_eq(lc_study_set(lct_ctx, s, "demand_grid_m", "500.5"), LC_ERR_CONFIG);
    lc_study_destroy(s);
    fixture_free(&f);

    /* the library refuses a speed that makes a reach infinite, with the profile unchanged */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    double before = lc_profile_category(p, 0)->reach_m;
    ck_assert_int_eq(lc_profile_set_walk_speed(lct_ctx, p, 1e308), LC_ERR_MISUSE);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "infinite");
    ck_assert(lc_profile_category(p, 0)->reach_m == before);
    lc_profile_destroy(p);

    /* and the command exits 2 naming the key, before any input is read */
    char args[256], *out;
    snprintf(args, sizeof args, "check '%s/data/demo/porto.yml' --set walk_speed=1e308 -o /nonexistent/x -q",
             lct_source_dir());
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
    lct_assert_contains(out, "'walk_speed' must be a speed in metres per second from 0.1 to 3 (got '1e308')");
    free(out);
}
END_TEST

/* ---- ownership -------------------------------------------------------------------------------- */

START_TEST(test_destroy_null)
{
    lc_study_destroy(NULL);
    lc_profile_destroy(NULL);
    ck_assert_ptr_null(lc_study_get(NULL, "crs"));
    ck_assert_ptr_null(lc_study_path(NULL));
    ck_assert_uint_eq(lc_study_category_map_count(NULL), 0);
    ck_assert_ptr_null(lc_profile_name(NULL));
    ck_assert_uint_eq(lc_profile_category_count(NULL), 0);
    ck_assert_int_eq(lc_profile_find_category(NULL, "centre"), -1);
}
END_TEST

START_TEST(test_strings_survive_other_sets)
{
    fixture f = fixture_write("study.yml", full_study);
    lc_study *s = lc_study_load(lct_ctx, f.path);
    ck_assert_ptr_nonnull(s);
    const char *pop = lc_study_get(s, "residential.fields.population");
    const char *label = lc_study_category_map_label(s, 0);
    const char *code = lc_study_category_map_code(s, 0);
    const char *path = lc_study_path(s);
    /* enough new keys to move the study's internal tables */
    static const char *const layers[] = {"residential", "facilities", "units", "roads", "buildings",
                                         "candidates", "entrances"};
    static const char *const roles[] = {"id", "name", "pop65", "meals", "beds", "nursing_beds"};
    for (size_t i = 0; i < 7; i++)
        for (size_t j = 0; j < 6; j++) {
            char key[64];
            snprintf(key, sizeof key, "%s.fields.%s", layers[i], roles[j]);
            ck_assert_int_eq(lc_study_set(lct_ctx, s, key, "字段"), LC_OK);
        }
    for (int i = 0; i < 40; i++) {
        char key[64];
        snprintf(key, sizeof key, "facilities.categories.类别%d", i);
        ck_assert_int_eq(lc_study_set(lct_ctx, s, key, "centre"), LC_OK);
    }
    ck_assert_str_eq(pop, "常住人口");
    ck_assert_str_eq(label, "助餐点");
    ck_assert_str_eq(code, "meal_point");
    ck_assert_str_eq(path, f.path);
    ck_assert_ptr_eq(lc_study_get(s, "residential.fields.population"), pop);
    ck_assert_uint_eq(lc_study_category_map_count(s), 43);
    lc_study_destroy(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_profile_outlives_context_calls)
{
    /* categories are borrowed from the profile and stay put while it lives, across other loads */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    const lc_category *c = lc_profile_category(p, 2);
    fixture f = fixture_write("custom.yml", custom_profile);
    lc_profile *q = lc_profile_load(lct_ctx, f.path);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_null(lc_profile_load(lct_ctx, "no-such-profile"));
    lc_profile_destroy(q);
    ck_assert_ptr_eq(lc_profile_category(p, 2), c);
    ck_assert_str_eq(c->name_zh, "助餐点");
    lc_profile_destroy(p);
    fixture_free(&f);
}
END_TEST

/* Finds a norm by code, failing the test when absent. */
static const lc_norm *norm_by_code(const lc_profile *p, const char *code)
{
    for (size_t i = 0; i < lc_profile_norm_count(p); i++)
        if (!strcmp(lc_profile_norm(p, i)->code, code))
            return lc_profile_norm(p, i);
    ck_abort_msg("no norm %s", code);
    return NULL;
}

START_TEST(test_builtin_norms)
{
    /* The seed targets (seed-norms.md §0): 40 m²/1,000 (SH L555), rental points and canteens in 100%
     * of 街镇, meals 5% of 65+ (BS L198), nursing beds 60% (SH L272), 1+N: every resident. */
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_profile_norm_count(p), 13);
    const lc_norm *n = norm_by_code(p, "floor_area");
    ck_assert_int_eq(n->kind, LC_NORM_FLOOR_AREA);
    ck_assert_double_eq(n->target, 40);
    lct_assert_contains(n->source, "SH L555-556");
    n = norm_by_code(p, "circle_centre");
    ck_assert_int_eq(n->kind, LC_NORM_REACH);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->category)->code, "centre");
    ck_assert_double_eq(n->target, 1.0);
    n = norm_by_code(p, "rental_point_units");
    ck_assert_int_eq(n->kind, LC_NORM_UNIT_PRESENCE);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->category)->code, "rental_point");
    n = norm_by_code(p, "canteen_units");
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->category)->code, "canteen");
    n = norm_by_code(p, "meal_capacity");
    ck_assert_int_eq(n->kind, LC_NORM_CAPACITY_RATIO);
    ck_assert_str_eq(n->measure, "meals");
    ck_assert_str_eq(n->per, "pop65");
    ck_assert_double_eq(n->target, 0.05);
    n = norm_by_code(p, "beds");
    ck_assert(isnan(n->target)); /* the city plan sets a total, not a ratio */
    n = norm_by_code(p, "nursing_share");
    ck_assert_int_eq(n->kind, LC_NORM_NURSING_SHARE);
    ck_assert_double_eq(n->target, 0.6);
    n = norm_by_code(p, "life_circle");
    ck_assert_int_eq(n->kind, LC_NORM_CIRCLE);
    ck_assert_double_eq(n->target, 0.85);
    /* Life-circle categories and short codes. */
    ck_assert_int_eq(lc_profile_category(p, 0)->in_life_circle, 1);
    ck_assert_str_eq(lc_profile_category(p, 0)->short_code, "CTR");
    ck_assert_int_eq(lc_profile_category(p, (size_t)lc_profile_find_category(p, "care_home"))->in_life_circle, 0);
    /* The ladder (SH L553-554): a doorstep point in every 居村; 镇(乡)有“院”, 片有“所”, 村有“室”, 组有“点”. */
    n = norm_by_code(p, "doorstep_committees");
    ck_assert_int_eq(n->kind, LC_NORM_UNIT_PRESENCE);
    ck_assert_int_eq(n->level, LC_LEVEL_COMMITTEE);
    ck_assert_int_eq(n->only, LC_ONLY_ALL);
    ck_assert_uint_eq(n->ncategories, 1);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->category)->code, "doorstep");
    ck_assert_double_eq(n->min_count, 1);
    lct_assert_contains(n->source, "SH L553");
    n = norm_by_code(p, "rural_town");
    ck_assert_int_eq(n->level, LC_LEVEL_UNIT);
    ck_assert_int_eq(n->only, LC_ONLY_RURAL);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->category)->code, "care_home");
    n = norm_by_code(p, "rural_area");
    ck_assert_int_eq(n->level, LC_LEVEL_AREA);
    ck_assert_uint_eq(n->ncategories, 2);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->categories[0])->code, "care_home_small");
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->categories[1])->code, "day_care");
    n = norm_by_code(p, "rural_village");
    ck_assert_int_eq(n->level, LC_LEVEL_COMMITTEE);
    ck_assert_int_eq(n->only, LC_ONLY_VILLAGERS);
    ck_assert_uint_eq(n->ncategories, 2);
    ck_assert_str_eq(lc_profile_category(p, (size_t)n->categories[1])->code, "neighbour_point");
    n = norm_by_code(p, "rural_group");
    ck_assert_int_eq(n->level, LC_LEVEL_GROUP);
    lct_assert_contains(n->source, "SH L554");
    /* Older norms keep the 街镇 level. */
    ck_assert_int_eq(norm_by_code(p, "canteen_units")->level, LC_LEVEL_UNIT);
    lc_profile_destroy(p);
}
END_TEST

START_TEST(test_district_profiles_extend_city)
{
    /* Bed ratios per district (seed-norms.md §0): YP 2.5%, CN 3%, BS 3.5%, SJ 4%; everything else as
     * the city's. */
    static const struct { const char *name; double beds; } d[] = {
        {"yangpu-2025", 0.025}, {"changning-2025", 0.03}, {"baoshan-2025", 0.035}, {"songjiang-2025", 0.04}};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        lc_profile *p = lc_profile_load(lct_ctx, d[i].name);
        ck_assert_msg(p != NULL, "%s: %s", d[i].name, lc_context_errmsg(lct_ctx));
        ck_assert_str_eq(lc_profile_name(p), d[i].name);
        ck_assert_uint_eq(lc_profile_category_count(p), 11);
        /* Baoshan adds adviser points and activity rooms in every 居村 (BS L291-293, L87), Songjiang
         * adviser points (SJ L198); the others keep the city's 13 norms. */
        ck_assert_uint_eq(lc_profile_norm_count(p), i == 2 ? 15 : i == 3 ? 14 : 13);
        ck_assert_double_eq_tol(norm_by_code(p, "beds")->target, d[i].beds, 1e-12);
        ck_assert_double_eq(norm_by_code(p, "floor_area")->target, 40);
        ck_assert_str_eq(lc_profile_category(p, 0)->name_zh, "社区综合为老服务中心");
        if (i >= 2) { /* Baoshan, Songjiang: 村有“点” (BS L284, SJ L194), replacing the city's list */
            const lc_norm *v = norm_by_code(p, "rural_village");
            ck_assert_uint_eq(v->ncategories, 1);
            ck_assert_str_eq(lc_profile_category(p, (size_t)v->category)->code, "neighbour_point");
            lct_assert_contains(v->source, i == 2 ? "BS L284" : "SJ L194");
            const lc_norm *a = norm_by_code(p, "adviser_committees");
            ck_assert_int_eq(a->level, LC_LEVEL_COMMITTEE);
            lct_assert_contains(a->source, i == 2 ? "BS L291-293" : "SJ L198");
        }
        if (i == 2) { /* 镇（街）有院: every 街镇, not only rural ones; activity rooms (BS L87) */
            ck_assert_int_eq(norm_by_code(p, "rural_town")->only, LC_ONLY_ALL);
            lct_assert_contains(norm_by_code(p, "activity_room_committees")->source, "BS L87");
        }
        lc_profile_destroy(p);
    }
}
END_TEST

START_TEST(test_extends_file_overrides_keys_and_lists)
{
    /* A planner's file extends the city profile: lowers the centre's reach, replaces its aliases
     * and changes one norm's target. */
    fixture f = fixture_write("mine.yml",
                              "profile: mine\n"
                              "extends: shanghai-2025\n"
                              "categories:\n"
                              "  centre:\n"
                              "    reach: {minutes: 15, metres: 810, source: 0.9 m/s x 15 min}\n"
                              "    aliases: [中心]\n"
                              "norms:\n"
                              "  life_circle:\n"
                              "    target: 0.99\n");
    lc_profile *p = lc_profile_load(lct_ctx, f.path);
    ck_assert_msg(p != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_str_eq(lc_profile_name(p), "mine");
    const lc_category *c = lc_profile_category(p, 0);
    ck_assert_double_eq(c->reach_m, 810);
    ck_assert_str_eq(c->aliases[0], "中心");
    ck_assert_ptr_null(c->aliases[1]);
    ck_assert_int_eq(lc_profile_find_category(p, "为老服务中心"), -1); /* the base's list is replaced */
    ck_assert_double_eq(norm_by_code(p, "life_circle")->target, 0.99);
    lct_assert_contains(norm_by_code(p, "life_circle")->source, "85%"); /* the rest of the norm stays */
    ck_assert_uint_eq(lc_profile_category_count(p), 11);
    lc_profile_destroy(p);
    fixture_free(&f);
}
END_TEST

START_TEST(test_norm_errors)
{
    static const char head[] = "profile: x\nreach: {minutes: 15, metres: 1000, source: s}\n"
                               "categories:\n  centre: {zh: 中心, en: Centre}\nnorms:\n";
    char text[2048];
    snprintf(text, sizeof text, "%s  a: {kind: floor_area, target: 40, zh: 面积, en: Area, sorce: x}\n", head);
    lct_assert_contains(profile_error(text), "unknown key 'norms.a.sorce'");
    snprintf(text, sizeof text, "%s  a: {kind: floor_area, target: 40, zh: 面积, en: Area}\n", head);
    lct_assert_contains(profile_error(text), "source");
    snprintf(text, sizeof text, "%s  a: {kind: reach, category: nowhere, target: 1, zh: a, en: b, source: c}\n", head);
    lct_assert_contains(profile_error(text), "nowhere");
    snprintf(text, sizeof text, "%s  a: {kind: reach, category: centre, target: 85, zh: a, en: b, source: c}\n", head);
    lct_assert_contains(profile_error(text), "at most 1");
    snprintf(text, sizeof text, "%s  a: {kind: quota, zh: a, en: b, source: c}\n", head);
    lct_assert_contains(profile_error(text), "quota");
    snprintf(text, sizeof text, "%s  a: {kind: capacity_ratio, measure: seats, per: pop65, zh: a, en: b, source: c}\n", head);
    lct_assert_contains(profile_error(text), "measure");
    snprintf(text, sizeof text, "profile: x\nextends: no-such-profile\n");
    lct_assert_contains(profile_error(text), "no-such-profile");
}
END_TEST

Suite *suite_study(void)
{
    Suite *s = suite_create("study");

    TCase *tc = tcase_create("normal");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_add_test(tc, test_full_study);
    tcase_add_test(tc, test_paths_resolved);
    tcase_add_test(tc, test_set_overrides);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_empty_and_flat);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_add_test(tc, test_malformed_yaml);
    tcase_add_test(tc, test_unknown_top_key);
    tcase_add_test(tc, test_unknown_layer);
    tcase_add_test(tc, test_unknown_field_role);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_yaml_rejections);
    tcase_add_test(tc, test_set_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("profile");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_add_test(tc, test_builtin_profile);
    tcase_add_test(tc, test_find_category);
    tcase_add_test(tc, test_custom_profile);
    tcase_add_test(tc, test_builtin_round_trip);
    tcase_add_test(tc, test_profile_errors);
    tcase_add_test(tc, test_profile_missing);
    tcase_add_test(tc, test_builtin_norms);
    tcase_add_test(tc, test_district_profiles_extend_city);
    tcase_add_test(tc, test_extends_file_overrides_keys_and_lists);
    tcase_add_test(tc, test_norm_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("bounds");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_deep_nesting_refused);
    tcase_add_test(tc, test_key_count_refused);
    tcase_add_test(tc, test_file_size_refused);
    tcase_add_test(tc, test_special_files_refused);
    tcase_add_test(tc, test_many_category_labels);
    tcase_add_test(tc, test_profile_bounds);
    tcase_add_test(tc, test_number_ranges);
    suite_add_tcase(s, tc);

    tc = tcase_create("ownership");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_add_test(tc, test_destroy_null);
    tcase_add_test(tc, test_strings_survive_other_sets);
    tcase_add_test(tc, test_profile_outlives_context_calls);
    suite_add_tcase(s, tc);

    return s;
}
