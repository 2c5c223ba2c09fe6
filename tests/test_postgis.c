/*
 * tests/test_postgis.c — PostGIS in and out against a real server ($LC_PG, a GDAL connection string;
 * .ci/run starts one with scripts/pg-test-server.sh; without it the runner skips this suite): the
 * demo loaded with GDALVectorTranslate gives the same numbers as the files; output tables with their
 * geometry type, SRID and GIST index; a re-run replaces them; a failure half-way keeps the previous
 * run; a wrong password; a password in every form libpq reads, found in no console line, output file,
 * report or output table; a table without SRID; schema names that could escape into SQL and system
 * schemas; an SQL query as an input (a WITH query with a filter too); queries and filters that try to
 * write, issue 14's injection payload among them (the server's parser judges them, the input's session
 * is one read-only transaction; pg_catalog counts the relations before and after); an output that
 * would replace its own input table, named as a layer or read by a query.
 */
#include <cpl_error.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <jansson.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lc_test.h"

/* The server's connection string; the runner only adds this suite when it is set. */
static const char *dsn(void)
{
    const char *d = getenv("LC_PG");
    ck_assert_msg(d && *d, "LC_PG is not set");
    return d;
}

/* Runs SQL; with rows non-NULL, returns the rows' first columns joined by '\n' (caller frees). */
static char *pg(const char *sql, int want_rows)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(dsn(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "cannot connect: %s", CPLGetLastErrorMsg());
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    ck_assert_msg(CPLGetLastErrorType() < CE_Failure, "%s: %s", sql, CPLGetLastErrorMsg());
    char *text = NULL;
    if (want_rows) {
        size_t len = 0;
        text = calloc(1, 1);
        OGRFeatureH f;
        while (res && (f = OGR_L_GetNextFeature(res))) {
            const char *v = OGR_F_IsFieldSetAndNotNull(f, 0) ? OGR_F_GetFieldAsString(f, 0) : "NULL";
            text = realloc(text, len + strlen(v) + 2);
            len += (size_t)sprintf(text + len, "%s%s", len ? "\n" : "", v);
            OGR_F_Destroy(f);
        }
    }
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
    return text;
}

static void pg_exec(const char *sql)
{
    free(pg(sql, 0));
}

/* A schema name for this test: lct_<tag>_<pid>. */
static void schema_name(char *buf, size_t size, const char *tag)
{
    snprintf(buf, size, "lct_%s_%d", tag, (int)getpid());
}

/* Creates schema and loads the demo's residential, facilities and units into it, keeping their
 * field names, FIDs and geometry column name. */
static void load_demo(const char *schema)
{
    char sql[256], lco[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE; CREATE SCHEMA \"%s\"", schema, schema);
    pg_exec(sql);
    char *src_path = lct_path(lct_source_dir(), "data/demo/porto.gpkg");
    GDALDatasetH src = GDALOpenEx(src_path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(src);
    snprintf(lco, sizeof lco, "SCHEMA=%s", schema);
    char **argv = NULL;
    const char *args[] = {"-update", "-preserve_fid", "-lco", lco, "-lco", "LAUNDER=NO", "-lco",
                          "GEOMETRY_NAME=geom", "residential", "facilities", "units", "committees", NULL};
    for (const char *const *a = args; *a; a++)
        argv = CSLAddString(argv, *a);
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    CSLDestroy(argv);
    int err = 0;
    GDALDatasetH out = GDALVectorTranslate(dsn(), NULL, 1, &src, o, &err);
    GDALVectorTranslateOptionsFree(o);
    ck_assert_msg(out && !err, "loading the demo failed: %s", CPLGetLastErrorMsg());
    GDALClose(out);
    GDALClose(src);
    free(src_path);
}

static void drop_schema(const char *schema)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE", schema);
    pg_exec(sql);
}

/* Writes a study like data/demo/porto.yml whose inputs are the tables of schema (residential_table
 * names the residential one). Returns its path; caller frees. */
static char *pg_study(const char *dir, const char *schema, const char *residential_table)
{
    char *path = lct_path(dir, "pg.yml");
    char text[4096];
    snprintf(text, sizeof text,
             "crs: EPSG:32629\n"
             "profile: shanghai-2025\n"
             "residential:\n  path: \"%s\"\n  layer: %s.%s\n"
             "  fields: {id: id, name: 名称, population: 常住人口, pop60: 户籍60岁以上, pop65: 户籍65岁以上, unit: 街镇}\n"
             "facilities:\n  path: \"%s\"\n  layer: %s.facilities\n"
             "  fields: {id: id, name: 名称, category: 类型, floor_area: 建筑面积, meals: 日供餐, beds: 床位, "
             "nursing_beds: 护理床位}\n"
             "units:\n  path: \"%s\"\n  layer: %s.units\n"
             "  fields: {id: id, name: 名称, population: 常住人口}\n"
             "committees:\n  path: \"%s\"\n  layer: %s.committees\n" /* the demo's synthetic 居委会 */
             "  fields: {id: id, name: 名称, unit: 街镇, type: 类型}\n",
             dsn(), schema, residential_table, dsn(), schema, dsn(), schema, dsn(), schema);
    ck_assert_int_eq(lct_write_text(path, text), 0);
    return path;
}

/* Writes a study into dir/file whose residential input is res_block (YAML lines under
 * `residential:` naming its source) and whose facilities and units are the tables of schema.
 * Returns its path; caller frees. */
static char *study_with_residential(const char *dir, const char *file, const char *schema, const char *res_block)
{
    char *path = lct_path(dir, file);
    char text[8192];
    snprintf(text, sizeof text,
             "crs: EPSG:32629\n"
             "profile: shanghai-2025\n"
             "residential:\n%s"
             "  fields: {id: id, name: 名称, population: 常住人口, pop60: 户籍60岁以上, pop65: 户籍65岁以上, unit: 街镇}\n"
             "facilities:\n  path: \"%s\"\n  layer: %s.facilities\n"
             "  fields: {id: id, name: 名称, category: 类型, floor_area: 建筑面积, meals: 日供餐, beds: 床位, "
             "nursing_beds: 护理床位}\n"
             "units:\n  path: \"%s\"\n  layer: %s.units\n"
             "  fields: {id: id, name: 名称, population: 常住人口}\n",
             res_block, dsn(), schema, dsn(), schema);
    ck_assert_int_eq(lct_write_text(path, text), 0);
    return path;
}

/* Runs `check` with the demo files (study NULL) or a study, writing to out with extra options;
 * returns the exit code, *log the output (caller frees). */
static int run_check(const char *study, const char *out, const char *extra, char **log)
{
    char *demo = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char args[8192];
    snprintf(args, sizeof args, "check -q '%s' -o '%s' %s", study ? study : demo, out, extra ? extra : "");
    free(demo);
    return lct_run_cli(args, log);
}

/* Every row of schema.table as text, in FID order (geometry as EWKB hex): equal text, equal table. */
static char *table_text(const char *schema, const char *table)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT string_agg(t::text, E'\\n' ORDER BY t.fid) FROM \"%s\".\"%s\" t", schema,
             table);
    return pg(sql, 1);
}

/* ---- normal use ----------------------------------------------------------------------------- */

START_TEST(test_pg_inputs_same_numbers)
{
    char in[64], out[64];
    schema_name(in, sizeof in, "in");
    schema_name(out, sizeof out, "out");
    load_demo(in);
    char *dir = lct_tmpdir();
    char *study = pg_study(dir, in, "residential");
    char *log = NULL;
    char extra[128];
    /* Files and tables into directories: summary.csv byte for byte. */
    char *d1 = lct_path(dir, "files"), *d2 = lct_path(dir, "tables");
    ck_assert_int_eq(run_check(NULL, d1, NULL, &log), 1);
    free(log);
    ck_assert_int_eq(run_check(study, d2, NULL, &log), 1);
    free(log);
    char *p1 = lct_path(d1, "summary.csv"), *p2 = lct_path(d2, "summary.csv");
    char *c1 = lct_read_file(p1, NULL), *c2 = lct_read_file(p2, NULL);
    static const char head[] = "\xEF\xBB\xBF" "unit_id,unit_name,norm,指标,indicator,value,target,pass,shortfall,"
                               "shortfall_unit,numerator,denominator,source,source_document,是否达标,level,parent_id,"
                               "district_id,note\r\n";
    /* (the demo has a committees layer, so the rows say their level, issue 15) */
    ck_assert_int_eq(strncmp(c1, head, strlen(head)), 0);
    ck_assert_str_eq(c1, c2);
    /* Both into PostGIS: every output table identical, geometries included. */
    snprintf(extra, sizeof extra, "--pg-schema %s --pg-prefix f_", out);
    ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 1);
    free(log);
    snprintf(extra, sizeof extra, "--pg-schema %s --pg-prefix p_", out);
    ck_assert_int_eq(run_check(study, dsn(), extra, &log), 1);
    free(log);
    static const char *const tables[] = {"summary", "units", "residential", "facilities", "gaps", "service_areas"};
    for (size_t i = 0; i < 6; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "f_%s", tables[i]);
        snprintf(b, sizeof b, "p_%s", tables[i]);
        char *ta = table_text(out, a), *tb = table_text(out, b);
        ck_assert_msg(ta && *ta && !strcmp(ta, tb), "%s differs between file and PostGIS inputs", tables[i]);
        free(ta);
        free(tb);
    }
    free(c1);
    free(c2);
    free(p1);
    free(p2);
    free(d1);
    free(d2);
    drop_schema(in);
    drop_schema(out);
    free(study);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_pg_sql_input_same_numbers)
{
    /* The residential input as an SQL query with a condition, against the same condition as a
     * `where` filter on the GeoPackage (OGR's own SQL engine): the same compounds, the same numbers;
     * and not the numbers of the whole demo, so the condition did select. */
    char in[64], block[1024];
    schema_name(in, sizeof in, "sql");
    load_demo(in);
    char *dir = lct_tmpdir();
    char *gpkg = lct_path(lct_source_dir(), "data/demo/porto.gpkg");
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: residential\n  where: \"fid <= 120\"\n", gpkg);
    char *s_file = study_with_residential(dir, "file.yml", in, block);
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'SELECT * FROM \"%s\".residential WHERE fid <= 120'\n", dsn(),
             in);
    char *s_sql = study_with_residential(dir, "sql.yml", in, block);
    char *d1 = lct_path(dir, "file"), *d2 = lct_path(dir, "sql"), *d3 = lct_path(dir, "all");
    char *log = NULL;
    ck_assert_int_eq(run_check(s_file, d1, NULL, &log), 1);
    free(log);
    ck_assert_int_eq(run_check(s_sql, d2, NULL, &log), 1);
    free(log);
    ck_assert_int_eq(run_check(NULL, d3, NULL, &log), 1);
    free(log);
    char *p1 = lct_path(d1, "summary.csv"), *p2 = lct_path(d2, "summary.csv"), *p3 = lct_path(d3, "summary.csv");
    char *c1 = lct_read_file(p1, NULL), *c2 = lct_read_file(p2, NULL), *c3 = lct_read_file(p3, NULL);
    ck_assert_str_eq(c1, c2);
    ck_assert_str_ne(c1, c3);
    /* 120 compounds read from the query (summary.json lists each input with its feature count). */
    char *pj = lct_path(d2, "summary.json");
    char *j = lct_read_file(pj, NULL);
    lct_assert_contains(j, "\"features\": 120");
    free(j);
    free(pj);
    /* A WITH query, which GDAL read apart before (into memory, without its CRS and ignoring a
     * `where` filter), now runs as a subquery: with the condition as a filter, the same 120
     * compounds, the same numbers. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'WITH r AS (SELECT * FROM \"%s\".residential) SELECT * FROM r'\n"
             "  where: \"fid <= 120\"\n", dsn(), in);
    char *s_with = study_with_residential(dir, "with.yml", in, block);
    char *d4 = lct_path(dir, "with"), *p4 = lct_path(d4, "summary.csv");
    ck_assert_int_eq(run_check(s_with, d4, NULL, &log), 1);
    free(log);
    char *c4 = lct_read_file(p4, NULL);
    ck_assert_str_eq(c1, c4);
    free(c4), free(p4), free(d4), free(s_with);
    free(c1), free(c2), free(c3), free(p1), free(p2), free(p3), free(d1), free(d2), free(d3);
    free(s_file), free(s_sql), free(gpkg);
    drop_schema(in);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

/* The rows_sha256 summary.json records for the units input of a check written to dir. */
static char *units_rows_sha256(const char *dir)
{
    char *path = lct_path(dir, "summary.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    ck_assert_msg(root != NULL, "%s: %s", path, err.text);
    char *hash = NULL;
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(root, "inputs"), i, in)
        if (!strcmp(json_string_value(json_object_get(in, "kind")), "units")) {
            ck_assert(json_is_null(json_object_get(in, "sha256")));
            const char *h = json_string_value(json_object_get(in, "rows_sha256"));
            ck_assert_ptr_nonnull(h);
            ck_assert_uint_eq(strlen(h), 64);
            hash = strdup(h);
        }
    json_decref(root);
    free(path);
    ck_assert_ptr_nonnull(hash);
    return hash;
}

START_TEST(test_pg_rows_checksum)
{
    /* The checksum of a table's rows does not depend on the order the server returns them in (an
     * UPDATE to the same value moves a row to the end of the heap) and changes with any value. */
    char in[64], sql[512];
    schema_name(in, sizeof in, "sum");
    load_demo(in);
    char *dir = lct_tmpdir();
    char *study = pg_study(dir, in, "residential");
    char *d[3] = {lct_path(dir, "a"), lct_path(dir, "b"), lct_path(dir, "c")};
    char *log = NULL;
    ck_assert_int_eq(run_check(study, d[0], NULL, &log), 1);
    free(log);
    snprintf(sql, sizeof sql, "UPDATE \"%s\".units SET \"名称\" = \"名称\" WHERE fid = 1", in);
    pg_exec(sql);
    snprintf(sql, sizeof sql, "SELECT string_agg(fid::text, ',') FROM \"%s\".units", in);
    char *order = pg(sql, 1);
    ck_assert_msg(strncmp(order, "1,", 2) != 0, "the row did not move: %s", order);
    free(order);
    ck_assert_int_eq(run_check(study, d[1], NULL, &log), 1);
    free(log);
    snprintf(sql, sizeof sql, "UPDATE \"%s\".units SET \"常住人口\" = \"常住人口\" + 1 WHERE fid = 2", in);
    pg_exec(sql);
    ck_assert_int_eq(run_check(study, d[2], NULL, &log), 1);
    free(log);
    char *h[3];
    for (int i = 0; i < 3; i++)
        h[i] = units_rows_sha256(d[i]);
    ck_assert_str_eq(h[0], h[1]);
    ck_assert_str_ne(h[1], h[2]);
    for (int i = 0; i < 3; i++)
        free(h[i]), free(d[i]);
    free(study);
    lct_rmtree(dir);
    free(dir);
    drop_schema(in);
}
END_TEST

START_TEST(test_pg_output_tables)
{
    char out[64], extra[128], sql[512];
    schema_name(out, sizeof out, "tab");
    snprintf(extra, sizeof extra, "--pg-schema %s", out);
    char *log = NULL;
    ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 1);
    ck_assert_ptr_null(strstr(log, "lifecircle-test")); /* no password, whatever it is */
    free(log);
    snprintf(sql, sizeof sql, "SELECT f_table_name || ' ' || type || ' ' || srid FROM geometry_columns "
             "WHERE f_table_schema = '%s' ORDER BY f_table_name", out);
    char *g = pg(sql, 1);
    /* accessibility (compounds) and supply (facilities): the 2SFCA layers the demo's profile asks for */
    ck_assert_str_eq(g, "lc_accessibility MULTIPOLYGON 32629\n"
                        "lc_catchments MULTIPOLYGON 32629\nlc_committees MULTIPOLYGON 32629\n" /* the demo's 居委会 */
                        "lc_facilities POINT 32629\nlc_gaps MULTIPOLYGON 32629\n"
                        "lc_residential MULTIPOLYGON 32629\nlc_service_areas MULTIPOLYGON 32629\n"
                        "lc_supply POINT 32629\nlc_units MULTIPOLYGON 32629");
    free(g);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_indexes WHERE schemaname = '%s' AND indexdef LIKE "
             "'%%USING gist (geom)%%'", out);
    char *n = pg(sql, 1);
    ck_assert_str_eq(n, "9"); /* one per geometry table above */
    free(n);
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM \"%s\".lc_residential) || ' ' || (SELECT count(*) "
             "FROM \"%s\".lc_summary) || ' ' || (SELECT string_agg(name, ',') FROM \"%s\".lc_metadata)", out, out, out);
    char *before = pg(sql, 1);
    ck_assert_ptr_nonnull(strstr(before, " summary.json"));
    /* A re-run replaces the tables: same counts, no duplicates. */
    ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 1);
    free(log);
    char *after = pg(sql, 1);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* QGIS styles: one default row per layer in public.layer_styles (still one after the re-run), its
     * QML parsed by PostgreSQL's xml type, naming a column the table has. */
    snprintf(sql, sizeof sql, "SELECT string_agg(f_table_name || ' ' || f_geometry_column || ' ' || useasdefault::text "
             "|| ' ' || (xpath('/qgis/renderer-v2/@type', styleqml))[1]::text, ',' ORDER BY f_table_name) FROM "
             "public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = '%s'", out);
    char *styles = pg(sql, 1);
    /* catchments, gaps, service areas: a rule per category (outputs/qml.c); committees: outlines */
    /* accessibility: classes of the target met (graduated); supply: over-subscribed or not (categorised) */
    ck_assert_str_eq(styles, "lc_accessibility geom true graduatedSymbol,"
                             "lc_catchments geom true RuleRenderer,lc_committees geom true singleSymbol,"
                             "lc_facilities geom true categorizedSymbol,"
                             "lc_gaps geom true RuleRenderer,lc_residential geom true graduatedSymbol,"
                             "lc_service_areas geom true RuleRenderer,lc_supply geom true categorizedSymbol,"
                             "lc_units geom true singleSymbol");
    free(styles);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM information_schema.columns c, public.layer_styles s WHERE "
             "s.f_table_schema = '%s' AND s.f_table_name = 'lc_residential' AND c.table_schema = s.f_table_schema "
             "AND c.table_name = s.f_table_name AND c.column_name = (xpath('/qgis/renderer-v2/@attr', "
             "s.styleqml))[1]::text", out);
    char *col = pg(sql, 1);
    ck_assert_str_eq(col, "1");
    free(col);
    snprintf(sql, sizeof sql, "DELETE FROM public.layer_styles WHERE f_table_schema = '%s'", out);
    free(pg(sql, 0));
    drop_schema(out);
}
END_TEST

/* ---- errors --------------------------------------------------------------------------------- */

START_TEST(test_pg_styles_refused_keep_results)
{
    /* A public.layer_styles nobody can insert into (a view over no table): the results are stored,
     * the styles are not, and the run says so. */
    char out[64], extra[128], sql[512];
    schema_name(out, sizeof out, "nostyle");
    snprintf(extra, sizeof extra, "--pg-schema %s", out);
    free(pg("ALTER TABLE IF EXISTS public.layer_styles RENAME TO layer_styles_kept", 0));
    free(pg("CREATE VIEW public.layer_styles AS SELECT 1 AS x", 0));
    char *log = NULL, *demo = lct_path(lct_source_dir(), "data/demo/porto.yml"), args[4096];
    snprintf(args, sizeof args, "check '%s' -o '%s' %s", demo, dsn(), extra); /* not quiet: the warning */
    free(demo);
    int rc = lct_run_cli(args, &log);
    free(pg("DROP VIEW public.layer_styles", 0));
    free(pg("ALTER TABLE IF EXISTS public.layer_styles_kept RENAME TO layer_styles", 0));
    ck_assert_msg(rc == 1, "exit %d: %s", rc, log);
    lct_assert_contains(log, "QGIS styles not stored");
    free(log);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\".lc_residential", out);
    char *n = pg(sql, 1);
    ck_assert_str_eq(n, "193"); /* the demo's residential polygons */
    free(n);
    drop_schema(out);
}
END_TEST

START_TEST(test_pg_failure_keeps_previous)
{
    char out[64], extra[128], sql[1024];
    schema_name(out, sizeof out, "fail");
    snprintf(extra, sizeof extra, "--pg-schema %s", out);
    char *log = NULL;
    ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 1);
    free(log);
    /* Mark a row, and put a view where the facilities table was: the next run fails when it reaches
     * facilities, after replacing residential, gaps, service_areas and units. */
    snprintf(sql, sizeof sql, "UPDATE \"%s\".lc_residential SET name = 'MARKED' WHERE fid = 1; "
             "ALTER TABLE \"%s\".lc_facilities RENAME TO facilities_kept; "
             "CREATE VIEW \"%s\".lc_facilities AS SELECT * FROM \"%s\".facilities_kept",
             out, out, out, out);
    pg_exec(sql);
    snprintf(sql, sizeof sql, "SELECT string_agg(table_name || ':' || table_type, ',' ORDER BY table_name) "
             "FROM information_schema.tables WHERE table_schema = '%s'", out);
    char *tables_before = pg(sql, 1);
    char *gaps_before = table_text(out, "lc_gaps");
    ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 2);
    lct_assert_contains(log, "lc_facilities");
    free(log);
    char *tables_after = pg(sql, 1);
    ck_assert_str_eq(tables_before, tables_after);
    char *gaps_after = table_text(out, "lc_gaps");
    ck_assert_str_eq(gaps_before, gaps_after);
    snprintf(sql, sizeof sql, "SELECT name FROM \"%s\".lc_residential WHERE fid = 1", out);
    char *mark = pg(sql, 1);
    ck_assert_str_eq(mark, "MARKED");
    free(mark);
    free(tables_before);
    free(tables_after);
    free(gaps_before);
    free(gaps_after);
    drop_schema(out);
}
END_TEST

START_TEST(test_pg_wrong_password)
{
    char bad[2048];
    const char *d = dsn();
    const char *pw = strstr(d, "password=");
    ck_assert_ptr_nonnull(pw);
    snprintf(bad, sizeof bad, "%.*spassword=Wr0ngSecret-%d", (int)(pw - d), d, (int)getpid());
    char *log = NULL;
    ck_assert_int_eq(run_check(NULL, bad, "--pg-schema lct_never", &log), 2);
    lct_assert_contains(log, "password authentication failed");
    lct_assert_contains(log, "password=***");
    ck_assert_msg(!strstr(log, "Wr0ngSecret"), "the password was printed: %s", log);
    free(log);
    /* The same for an input. */
    char *dir = lct_tmpdir();
    char *study = pg_study(dir, "public", "residential");
    char *text = lct_read_file(study, NULL);
    char *wrong = lct_path(dir, "wrong.yml");
    FILE *f = fopen(wrong, "wb");
    for (const char *p = text; *p;) {
        const char *at = strstr(p, d);
        if (!at) {
            fputs(p, f);
            break;
        }
        fwrite(p, 1, (size_t)(at - p), f);
        fputs(bad, f);
        p = at + strlen(d);
    }
    fclose(f);
    char *out = lct_path(dir, "out");
    ck_assert_int_eq(run_check(wrong, out, NULL, &log), 2);
    lct_assert_contains(log, "password authentication failed");
    ck_assert_msg(!strstr(log, "Wr0ngSecret"), "the password was printed: %s", log);
    free(log);
    free(out);
    free(wrong);
    free(text);
    free(study);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

/* Fails the test if any file under dir (recursively, binary files too) holds needle. */
static void assert_no_file_holds(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = lct_path(dir, e->d_name);
        struct stat sb;
        ck_assert_int_eq(stat(path, &sb), 0);
        if (S_ISDIR(sb.st_mode)) {
            assert_no_file_holds(path, needle);
        } else {
            FILE *f = fopen(path, "rb");
            ck_assert_ptr_nonnull(f);
            char *buf = malloc((size_t)sb.st_size + 1);
            size_t n = fread(buf, 1, (size_t)sb.st_size, f);
            fclose(f);
            ck_assert_uint_eq(n, (size_t)sb.st_size);
            size_t len = strlen(needle), at = 0;
            while (at + len <= n && memcmp(buf + at, needle, len) != 0)
                at++;
            ck_assert_msg(at + len > n, "%s holds \"%s\" at byte %zu", path, needle, at);
            free(buf);
        }
        free(path);
    }
    closedir(d);
}

START_TEST(test_pg_passwords_never_written)
{
    /* A role whose password has a blank, given in every form libpq reads: escaped (Secret\ TailB),
     * quoted ('Secret TailB') and percent-encoded in a URI. Neither half of it may reach the console,
     * any file of the output directory and the report, or the PostGIS output's tables. */
    char in[64], out[64], role[64], pw[64], sql[1024];
    schema_name(in, sizeof in, "pwin");
    schema_name(out, sizeof out, "pwout");
    snprintf(role, sizeof role, "lct_pw_%d", (int)getpid());
    snprintf(pw, sizeof pw, "Secret TailB%d", (int)getpid());
    load_demo(in);
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE; DROP ROLE IF EXISTS %s; "
             "CREATE ROLE %s LOGIN PASSWORD '%s'; GRANT USAGE ON SCHEMA \"%s\" TO %s; "
             "GRANT SELECT ON ALL TABLES IN SCHEMA \"%s\" TO %s; CREATE SCHEMA \"%s\" AUTHORIZATION %s; "
             "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %%I TO %s', current_database()); END $$",
             out, role, role, pw, in, role, in, role, out, role, role);
    pg_exec(sql);
    /* The server's address, from the test server's own string (read by libpq). */
    PQconninfoOption *opts = PQconninfoParse(dsn() + 3, NULL);
    ck_assert_ptr_nonnull(opts);
    const char *host = NULL, *port = NULL, *db = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!strcmp(o->keyword, "host"))
            host = o->val;
        else if (!strcmp(o->keyword, "port"))
            port = o->val;
        else if (!strcmp(o->keyword, "dbname"))
            db = o->val;
    }
    ck_assert(host && port && db);
    char escaped[512], quoted[512], uri[512];
    snprintf(escaped, sizeof escaped, "PG:host=%s port=%s dbname=%s user=%s password=Secret\\ TailB%d", host, port,
             db, role, (int)getpid());
    snprintf(quoted, sizeof quoted, "PG:host=%s port=%s dbname=%s user=%s password='%s'", host, port, db, role, pw);
    snprintf(uri, sizeof uri, "postgresql://%s:Secret%%20TailB%d@%s:%s/%s", role, (int)getpid(), host, port, db);
    char *dir = lct_tmpdir();
    char *study = lct_path(dir, "pw.yml");
    char text[4096];
    /* YAML single quotes: backslashes as written, '' for a quote. */
    char quoted_yaml[600];
    size_t k = 0;
    for (const char *p = quoted; *p && k + 2 < sizeof quoted_yaml; p++) {
        quoted_yaml[k++] = *p;
        if (*p == '\'')
            quoted_yaml[k++] = '\'';
    }
    quoted_yaml[k] = '\0';
    snprintf(text, sizeof text,
             "crs: EPSG:32629\n"
             "profile: shanghai-2025\n"
             "residential:\n  path: '%s'\n  layer: %s.residential\n"
             "  fields: {id: id, name: 名称, population: 常住人口, pop60: 户籍60岁以上, pop65: 户籍65岁以上, unit: 街镇}\n"
             "facilities:\n  path: '%s'\n  sql: 'SELECT * FROM \"%s\".facilities'\n"
             "  fields: {id: id, name: 名称, category: 类型, floor_area: 建筑面积, meals: 日供餐, beds: 床位, "
             "nursing_beds: 护理床位}\n"
             "units:\n  path: '%s'\n  layer: %s.units\n"
             "  fields: {id: id, name: 名称, population: 常住人口}\n",
             escaped, in, uri, in, quoted_yaml, in);
    ck_assert_int_eq(lct_write_text(study, text), 0);
    char *files = lct_path(dir, "out"), *report = lct_path(dir, "report"), args[4096], *log = NULL;
    /* validate, and check into files with the report: every line of the console, every byte written. */
    snprintf(args, sizeof args, "validate '%s'", study);
    int rc = lct_run_cli(args, &log);
    ck_assert_msg(rc == 0, "validate: exit %d: %s", rc, log);
    ck_assert_ptr_null(strstr(log, "TailB"));
    ck_assert_ptr_null(strstr(log, "Secret"));
    free(log);
    snprintf(args, sizeof args, "check '%s' -o '%s' --report '%s'", study, files, report);
    rc = lct_run_cli(args, &log);
    ck_assert_msg(rc == 1, "check: exit %d: %s", rc, log);
    ck_assert_ptr_null(strstr(log, "TailB"));
    ck_assert_ptr_null(strstr(log, "Secret"));
    free(log);
    char *sj = lct_path(files, "summary.json");
    char *summary = lct_read_file(sj, NULL);
    lct_assert_contains(summary, "password=***"); /* the sources are recorded, without their password */
    free(summary);
    free(sj);
    assert_no_file_holds(files, "TailB");
    assert_no_file_holds(files, "Secret");
    assert_no_file_holds(report, "TailB");
    assert_no_file_holds(report, "Secret");
    /* check into PostGIS as the role, the password escaped in the target. */
    snprintf(args, sizeof args, "check '%s' -o '%s' --pg-schema %s", study, escaped, out);
    rc = lct_run_cli(args, &log);
    ck_assert_msg(rc == 1, "check into PostGIS: exit %d: %s", rc, log);
    ck_assert_ptr_null(strstr(log, "TailB"));
    ck_assert_ptr_null(strstr(log, "Secret"));
    free(log);
    snprintf(sql, sizeof sql, "SELECT count(*) || ' ' || sum((strpos(body, 'TailB') > 0 OR strpos(body, 'Secret') > 0)"
             "::int) || ' ' || sum((strpos(body, 'password=***') > 0)::int) FROM \"%s\".lc_metadata", out);
    char *n = pg(sql, 1);
    long rows = 0, leaks = -1, masked = 0;
    ck_assert_int_eq(sscanf(n, "%ld %ld %ld", &rows, &leaks, &masked), 3);
    ck_assert_msg(rows > 0 && leaks == 0 && masked > 0, "metadata rows, with the password, with it masked: %s", n);
    free(n);
    PQconninfoFree(opts);
    drop_schema(out);
    drop_schema(in);
    snprintf(sql, sizeof sql, "DELETE FROM public.layer_styles WHERE f_table_schema = '%s'; DROP OWNED BY %s; "
             "DROP ROLE %s", out, role, role);
    free(pg(sql, 0));
    free(files), free(report), free(study);
    lct_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_pg_table_without_srid)
{
    char in[64], sql[512];
    schema_name(in, sizeof in, "nosrid");
    load_demo(in);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\".res_nosrid AS SELECT * FROM \"%s\".residential; "
             "ALTER TABLE \"%s\".res_nosrid ALTER COLUMN geom TYPE geometry(MultiPolygon, 0) "
             "USING ST_SetSRID(geom, 0)", in, in, in);
    pg_exec(sql);
    char *dir = lct_tmpdir();
    char *study = pg_study(dir, in, "res_nosrid");
    char *out = lct_path(dir, "out");
    char *log = NULL;
    ck_assert_int_eq(run_check(study, out, NULL, &log), 2);
    lct_assert_contains(log, "res_nosrid");
    lct_assert_contains(log, "has no CRS");
    free(log);
    free(out);
    free(study);
    lct_rmtree(dir);
    free(dir);
    drop_schema(in);
}
END_TEST

/* Runs check on a study whose residential block is block; expects exit 2 with want in the log. */
static void expect_refused(const char *dir, const char *schema, const char *block, const char *want)
{
    char *study = study_with_residential(dir, "bad.yml", schema, block);
    char *out = lct_path(dir, "out");
    char *log = NULL;
    ck_assert_int_eq(run_check(study, out, NULL, &log), 2);
    lct_assert_contains(log, want);
    ck_assert_msg(access(out, F_OK) != 0, "an output was written");
    free(log);
    free(out);
    free(study);
}

START_TEST(test_pg_inputs_cannot_write)
{
    /* Queries and filters reach the server; none of them may change the database. The server's
     * own parser is asked first, and the input's whole session is one read-only transaction. */
    char in[64], sql[1024], block[2048];
    schema_name(in, sizeof in, "ro");
    load_demo(in);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\".touched (n int); "
             "CREATE FUNCTION \"%s\".touch() RETURNS boolean LANGUAGE sql VOLATILE AS "
             "'INSERT INTO \"%s\".touched VALUES (1); SELECT true'", in, in, in);
    pg_exec(sql);
    /* What "nothing changed" is compared with at the end: the demo's units as loaded, no touch. */
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM \"%s\".units) || ' ' || (SELECT count(*) FROM "
             "\"%s\".touched)", in, in);
    char *before = pg(sql, 1);
    ck_assert_msg(strcmp(before, "0 0") && !strcmp(before + strlen(before) - 2, " 0"), "loaded: %s", before);
    char *dir = lct_tmpdir();
    /* A data-modifying WITH inside a SELECT: its plan changes a table. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'WITH d AS (DELETE FROM \"%s\".units RETURNING *) "
             "SELECT r.* FROM \"%s\".residential r, d WHERE false'\n", dsn(), in, in);
    expect_refused(dir, in, block, "it would change the table");
    /* INSERT ... RETURNING returns rows, and changes a table. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'INSERT INTO \"%s\".touched VALUES (2) RETURNING *'\n",
             dsn(), in);
    expect_refused(dir, in, block, "it would change the table");
    /* A filter calling a function that writes: refused by the read-only transaction. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.residential\n  where: '\"%s\".touch()'\n", dsn(), in,
             in);
    expect_refused(dir, in, block, "read-only transaction");
    /* A query that turns the session's default read-write and writes in GDAL's next transaction
     * (the rows are read more than once): there is no next transaction, so it reads its rows and
     * writes nothing. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: |-\n    SELECT r.* FROM \"%s\".residential r WHERE CASE "
             "WHEN current_setting('transaction_read_only') = 'off' THEN \"%s\".touch() ELSE "
             "set_config('default_transaction_read_only', 'off', false) IS NOT NULL END\n", dsn(), in, in);
    char *study = study_with_residential(dir, "flip.yml", in, block);
    char *out = lct_path(dir, "flip"), *log = NULL;
    int rc = run_check(study, out, NULL, &log);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, log);
    free(log), free(out), free(study);
    /* A second statement, a comment that swallows the rest, an unclosed literal: the server says so. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.residential\n  where: 'fid > 0; DROP TABLE \"%s\".units'\n",
             dsn(), in, in);
    expect_refused(dir, in, block, "syntax error at or near \";\"");
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.residential\n  where: \"fid > 0 --\"\n", dsn(), in);
    expect_refused(dir, in, block, "syntax error at end of input");
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.residential\n  where: \"名称 = 'x\"\n", dsn(), in);
    expect_refused(dir, in, block, "unterminated quoted string");
    /* Not a query (no rows), a setting, and a query with a layer too. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'DELETE FROM \"%s\".units'\n", dsn(), in);
    expect_refused(dir, in, block, "it returns no rows");
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: 'SET default_transaction_read_only = off'\n", dsn());
    expect_refused(dir, in, block, "it returns no rows");
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.residential\n  sql: 'SELECT 1'\n", dsn(), in);
    expect_refused(dir, in, block, "give one of them");
    /* Nothing changed. */
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM \"%s\".units) || ' ' || (SELECT count(*) FROM "
             "\"%s\".touched)", in, in);
    char *counts = pg(sql, 1);
    ck_assert_str_eq(counts, before);
    free(counts);
    free(before);
    lct_rmtree(dir);
    free(dir);
    drop_schema(in);
}
END_TEST

/* The tables, views and sequences of schema, from pg_catalog, as "name kind,..." in name order ("" when
 * none). Scoped to one schema so that other tests using the server at the same time do not count. */
static char *schema_relations(const char *schema)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT coalesce(string_agg(c.relname || ' ' || c.relkind::text, ',' ORDER BY c.relname), '') "
             "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = '%s' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')", schema);
    return pg(sql, 1);
}

/* The relations named like an output's (lc_...) in PostgreSQL's own schemas, and schemas named pg_anything. */
static long system_schema_writes(void)
{
    char *n = pg("SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "c.relnamespace WHERE (n.nspname = 'information_schema' OR n.nspname LIKE 'pg\\_%') AND c.relname "
                 "LIKE 'lc\\_%') + (SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'pg_anything')", 1);
    long v = atol(n);
    free(n);
    return v;
}

START_TEST(test_pg_sql_injection_payload)
{
    /* The payload of issue 14: a query starting with WITH (or with '(') that holds E'\'' (a quote
     * inside a literal, which a hand-written scanner took for the literal's end, so the ';' after
     * it seemed quoted), then COMMIT; BEGIN READ WRITE; and statements that create a table and drop
     * one. Before the server's parser was asked, it created and dropped tables in the test
     * database. Now it is refused, and pg_catalog lists the same relations of the schema before and after. */
    char in[64], sql[512], block[4096];
    schema_name(in, sizeof in, "inj");
    load_demo(in);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\".victim (n int)", in);
    pg_exec(sql);
    char *dir = lct_tmpdir();
    for (size_t i = 0; i < 2; i++) {
        char head[256], payload[2048];
        if (i == 0)
            snprintf(head, sizeof head, "WITH x AS (SELECT E'\\'' AS q) SELECT r.* FROM \"%s\".residential r", in);
        else
            snprintf(head, sizeof head, "(SELECT E'\\'' AS q, r.* FROM \"%s\".residential r)", in);
        snprintf(payload, sizeof payload, "%s; COMMIT; BEGIN READ WRITE; CREATE TABLE \"%s\".injected (n int); "
                 "DROP TABLE \"%s\".victim; COMMIT; SELECT r.* FROM \"%s\".residential r -- '", head, in, in, in);
        char *before = schema_relations(in);
        /* A YAML block scalar: the payload reaches the study exactly as written. */
        snprintf(block, sizeof block, "  path: \"%s\"\n  sql: |-\n    %s\n", dsn(), payload);
        expect_refused(dir, in, block, "cannot insert multiple commands into a prepared statement");
        char *after = schema_relations(in);
        ck_assert_str_eq(after, before); /* the payload's schema: nothing created, nothing dropped */
        free(after);
        free(before);
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = '%s' AND "
                 "tablename = 'victim') || ' ' || (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                 "'%s' AND tablename = 'injected')", in, in);
        char *there = pg(sql, 1);
        ck_assert_str_eq(there, "1 0"); /* the victim stands, nothing was injected */
        free(there);
    }
    /* The same literal in a query that is one statement is no trouble to the server's parser. */
    snprintf(block, sizeof block, "  path: \"%s\"\n  sql: |-\n    SELECT r.* FROM \"%s\".residential r WHERE "
             "E'\\'' = ''''\n", dsn(), in);
    char *study = study_with_residential(dir, "quote.yml", in, block);
    char *out = lct_path(dir, "quote"), *log = NULL;
    int rc = run_check(study, out, NULL, &log);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, log);
    free(log), free(out), free(study);
    lct_rmtree(dir);
    free(dir);
    drop_schema(in);
}
END_TEST

START_TEST(test_pg_output_would_replace_input)
{
    /* The residential input is <schema>.lc_residential: an output into that schema with the default
     * prefix lc_ would drop it. Refused before anything is written; another prefix is fine. */
    char in[64], sql[512], block[1024], extra[128];
    schema_name(in, sizeof in, "clash");
    load_demo(in);
    snprintf(sql, sizeof sql, "ALTER TABLE \"%s\".residential RENAME TO lc_residential", in);
    pg_exec(sql);
    char *dir = lct_tmpdir();
    snprintf(block, sizeof block, "  path: \"%s\"\n  layer: %s.lc_residential\n", dsn(), in);
    char *study = study_with_residential(dir, "clash.yml", in, block);
    char *log = NULL;
    snprintf(extra, sizeof extra, "--pg-schema %s", in);
    ck_assert_int_eq(run_check(study, dsn(), extra, &log), 2);
    lct_assert_contains(log, "would replace the residential input table");
    ck_assert_msg(!strstr(log, "lifecircle-test-pw"), "the password was printed");
    free(log);
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM \"%s\".lc_residential) || ' ' || (SELECT count(*) "
             "FROM information_schema.tables WHERE table_schema = '%s' AND table_name LIKE 'lc%%')", in, in);
    char *n = pg(sql, 1);
    ck_assert_str_eq(n, "193 1");
    free(n);
    /* The same server spelled another way (localhost for 127.0.0.1): the servers are asked, and
     * say they are one (same database, same postmaster start). */
    const char *at = strstr(dsn(), "host=127.0.0.1");
    if (at) {
        char alias[1024];
        snprintf(alias, sizeof alias, "%.*shost=localhost%s", (int)(at - dsn()), dsn(), at + strlen("host=127.0.0.1"));
        ck_assert_int_eq(run_check(study, alias, extra, &log), 2);
        lct_assert_contains(log, "would replace the residential input table");
        free(log);
        n = pg(sql, 1);
        ck_assert_str_eq(n, "193 1");
        free(n);
    }
    /* The residential input as an SQL query reading that table, directly or through a view: the
     * server's plan names the table, so the output is refused the same way. */
    snprintf(sql, sizeof sql, "CREATE VIEW \"%s\".res_view AS SELECT * FROM \"%s\".lc_residential", in, in);
    pg_exec(sql);
    for (size_t i = 0; i < 2; i++) {
        char query[256];
        if (i == 0)
            snprintf(query, sizeof query, "SELECT r.* FROM \\\"%s\\\".lc_residential r WHERE r.fid > 0", in);
        else
            snprintf(query, sizeof query, "SELECT * FROM \\\"%s\\\".res_view", in);
        snprintf(block, sizeof block, "  path: \"%s\"\n  sql: \"%s\"\n", dsn(), query);
        char *sql_study = study_with_residential(dir, "clash_sql.yml", in, block);
        snprintf(extra, sizeof extra, "--pg-schema %s", in);
        ck_assert_int_eq(run_check(sql_study, dsn(), extra, &log), 2);
        char want[256];
        snprintf(want, sizeof want, "would replace the table %s.lc_residential that the residential input's query", in);
        lct_assert_contains(log, want);
        free(log);
        free(sql_study);
    }
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM \"%s\".lc_residential) || ' ' || (SELECT count(*) "
             "FROM information_schema.tables WHERE table_schema = '%s' AND table_name LIKE 'lc%%')", in, in);
    n = pg(sql, 1);
    ck_assert_str_eq(n, "193 1");
    free(n);
    snprintf(extra, sizeof extra, "--pg-schema %s --pg-prefix out_", in);
    ck_assert_int_eq(run_check(study, dsn(), extra, &log), 1);
    free(log);
    free(study);
    lct_rmtree(dir);
    free(dir);
    drop_schema(in);
}
END_TEST

START_TEST(test_pg_identifiers_refused)
{
    static const char *const bad[] = {"--pg-schema 'x\";drop table t;--'", "--pg-schema Public",
                                      "--pg-prefix 'a b'", "--pg-prefix 1x"};
    for (size_t i = 0; i < 4; i++) {
        char *log = NULL;
        ck_assert_int_eq(run_check(NULL, dsn(), bad[i], &log), 2);
        lct_assert_contains(log, "is not allowed");
        free(log);
    }
    /* PostgreSQL's own schemas are well-formed names, and refused: nothing may be written there. */
    static const char *const system[] = {"information_schema", "pg_catalog", "pg_toast", "pg_temp", "pg_anything"};
    ck_assert_int_eq(system_schema_writes(), 0);
    for (size_t i = 0; i < 5; i++) {
        char extra[64], *log = NULL;
        snprintf(extra, sizeof extra, "--pg-schema %s", system[i]);
        ck_assert_int_eq(run_check(NULL, dsn(), extra, &log), 2);
        lct_assert_contains(log, "is a system schema of PostgreSQL");
        free(log);
    }
    ck_assert_int_eq(system_schema_writes(), 0);
}
END_TEST

Suite *suite_postgis(void)
{
    Suite *s = suite_create("postgis");
    TCase *normal = tcase_create("normal");
    tcase_set_timeout(normal, 240);
    tcase_add_checked_fixture(normal, lct_setup, lct_teardown);
    tcase_add_test(normal, test_pg_inputs_same_numbers);
    tcase_add_test(normal, test_pg_output_tables);
    tcase_add_test(normal, test_pg_sql_input_same_numbers);
    tcase_add_test(normal, test_pg_rows_checksum);
    suite_add_tcase(s, normal);
    TCase *errors = tcase_create("errors");
    tcase_set_timeout(errors, 240);
    tcase_add_checked_fixture(errors, lct_setup, lct_teardown);
    tcase_add_test(errors, test_pg_failure_keeps_previous);
    tcase_add_test(errors, test_pg_styles_refused_keep_results);
    tcase_add_test(errors, test_pg_wrong_password);
    tcase_add_test(errors, test_pg_passwords_never_written);
    tcase_add_test(errors, test_pg_table_without_srid);
    tcase_add_test(errors, test_pg_identifiers_refused);
    tcase_add_test(errors, test_pg_inputs_cannot_write);
    tcase_add_test(errors, test_pg_sql_injection_payload);
    tcase_add_test(errors, test_pg_output_would_replace_input);
    suite_add_tcase(s, errors);
    return s;
}
