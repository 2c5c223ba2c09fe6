/*
 * outputs/vector_pg.c — what only PostGIS outputs need: checked identifiers, statements on the
 * output's database, the output's transaction and schema (begin), the previous run's table dropped
 * inside that transaction, text files as rows of <prefix>metadata, and the QGIS default styles in
 * public.layer_styles. The rest of the output is format-neutral (outputs/vector*.c).
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <errno.h>
#include <gdal.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "lifecircle/output.h"
#include "outputs/output_int.h"
#include "outputs/vector_int.h"

/* Non-zero if s is a PostgreSQL identifier we write without fear: [a-z_][a-z0-9_]*, at most
 * LC_PG_IDENT_MAX bytes; with may_be_empty, "" too. */
int lc_vec_is_pg_ident(const char *s, int may_be_empty)
{
    size_t n = strlen(s);
    if (n > LC_PG_IDENT_MAX || (n == 0 && !may_be_empty))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || (i > 0 && s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

/* Runs one SQL statement that returns no rows on the output's database. LC_OK, or LC_ERR_IO with
 * what (a description of the statement) and PostgreSQL's reason. Inside a GDAL scope. */
static lc_status pg_exec(lc_context *ctx, lc_output *out, const char *sql, const char *what)
{
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(out->db, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(out->db, res);
    if (CPLGetLastErrorType() >= CE_Failure)
        return lc_error(ctx, LC_ERR_IO, "%s: cannot %s (%s)", out->shown, what, lc_vec_gdal_reason(ctx));
    return LC_OK;
}

/* Appends text to a growing SQL string as a standard string literal ('...' with quotes doubled). */
static char *sql_append_literal(char *sql, size_t *len, const char *text)
{
    size_t n = 2;
    for (const char *p = text; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *s = realloc(sql, *len + n + 1);
    if (!s) {
        free(sql);
        return NULL;
    }
    size_t k = *len;
    s[k++] = '\'';
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            s[k++] = '\'';
        s[k++] = *p;
    }
    s[k++] = '\'';
    s[k] = '\0';
    *len = k;
    return s;
}

/* Appends plain text (our own SQL) to a growing SQL string. */
static char *sql_append(char *sql, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *s = realloc(sql, *len + n + 1);
    if (!s) {
        free(sql);
        return NULL;
    }
    memcpy(s + *len, text, n + 1);
    *len += n;
    return s;
}

lc_status lc_output_pg_styles(lc_context *ctx, lc_output *out, const lc_qml_item *items, size_t n)
{
    /* QGIS's own table (QgsPostgresProviderMetadata::saveStyle); QGIS picks a layer's style by
     * catalog, schema, table and geometry column, default first. A savepoint keeps a refusal here
     * (no right on public) from undoing the results. Schema and prefix are checked identifiers. */
    static const char create[] =
        "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, "
        "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
        "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
        "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)";
    lc_status st = LC_OK;
    lc_gdal_begin(ctx);
    if (pg_exec(ctx, out, "SAVEPOINT lc_styles", "start the styles") != LC_OK) {
        lc_gdal_end(ctx);
        lc_log(ctx, LC_LOG_WARNING, "%s: QGIS styles not stored: %s", out->shown, lc_context_errmsg(ctx));
        lc_context_clear_error(ctx);
        return LC_OK;
    }
    st = pg_exec(ctx, out, create, "create public.layer_styles");
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        char table[2 * LC_PG_IDENT_MAX + 2];
        snprintf(table, sizeof table, "%s%s", out->prefix, items[i].layer);
        size_t len = 0;
        char *sql = NULL;
        char head[512];
        snprintf(head, sizeof head,
                 "DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = "
                 "'%s' AND f_table_name = '%s' AND stylename = '%s'", out->schema, table, table);
        st = pg_exec(ctx, out, head, "replace the previous styles");
        if (st != LC_OK)
            break;
        snprintf(head, sizeof head,
                 "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                 "stylename, styleqml, useasdefault, description, update_time) VALUES (current_database(), '%s', "
                 "'%s', 'geom', '%s', XMLPARSE(DOCUMENT ", out->schema, table, table);
        sql = sql_append(sql, &len, head);
        sql = sql ? sql_append_literal(sql, &len, items[i].qml) : NULL;
        sql = sql ? sql_append(sql, &len, "), true, 'lifecircle 默认样式 default style', '2000-01-01')") : NULL;
        if (!sql) {
            st = lc_error(ctx, LC_ERR_NOMEM, "out of memory: QGIS styles");
            break;
        }
        st = pg_exec(ctx, out, sql, "store a QGIS style");
        free(sql);
    }
    if (st == LC_ERR_NOMEM) {
        pg_exec(ctx, out, "ROLLBACK TO SAVEPOINT lc_styles", "drop the styles");
        lc_gdal_end(ctx);
        return LC_ERR_NOMEM;
    }
    if (st != LC_OK) {
        char *why = lc_strdup(ctx, lc_context_errmsg(ctx));
        lc_context_clear_error(ctx);
        pg_exec(ctx, out, "ROLLBACK TO SAVEPOINT lc_styles", "drop the styles");
        lc_log(ctx, LC_LOG_WARNING, "%s: QGIS styles not stored in public.layer_styles (the results are): %s",
               out->shown, why ? why : "");
        free(why);
        lc_context_clear_error(ctx);
        st = LC_OK;
    } else {
        st = pg_exec(ctx, out, "RELEASE SAVEPOINT lc_styles", "finish the styles");
    }
    lc_gdal_end(ctx);
    return st;
}

/* PostGIS: checks schema and prefix, opens the database for update, creates the schema if missing
 * and starts the one transaction of the output. Inside a GDAL scope. LC_OK, LC_ERR_MISUSE or
 * LC_ERR_IO; on failure out->db is NULL (nothing was changed). */
lc_status lc_vec_begin_postgis(lc_context *ctx, lc_output *out, const char *dsn, const lc_output_options *options)
{
    const char *schema = options->schema ? options->schema : "public";
    const char *prefix = options->table_prefix ? options->table_prefix : LC_PG_DEFAULT_PREFIX;
    if (!lc_vec_is_pg_ident(schema, 0))
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS schema '%s' is not allowed: use lower-case ASCII letters, "
                        "digits and '_' (not starting with a digit, at most %d bytes)", schema, LC_PG_IDENT_MAX);
    /* PostgreSQL's own schemas: its catalog, the SQL-standard views over it, TOAST and temporary
     * schemas (the server reserves every name starting with pg_). */
    if (!strcmp(schema, "information_schema") || !strncmp(schema, "pg_", 3))
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS schema '%s' is not allowed: it is a system schema of "
                        "PostgreSQL (information_schema, pg_catalog, pg_toast and every pg_... name); write "
                        "into a schema of your own, e.g. --pg-schema lifecircle", schema);
    if (!lc_vec_is_pg_ident(prefix, 1) || strlen(prefix) > LC_PG_IDENT_MAX - 16)
        return lc_error(ctx, LC_ERR_MISUSE, "PostGIS table prefix '%s' is not allowed: use lower-case ASCII "
                        "letters, digits and '_' (not starting with a digit, at most %d bytes)", prefix,
                        LC_PG_IDENT_MAX - 16);
    if (!(out->schema = lc_strdup(ctx, schema)) || !(out->prefix = lc_strdup(ctx, prefix)))
        return LC_ERR_NOMEM;
    const char *const open_opts[] = {"PRELUDE_STATEMENTS=SET client_min_messages TO warning", NULL};
    GDALDatasetH ds = GDALOpenEx(dsn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, (const char *const[]){"PostgreSQL", NULL},
                                 open_opts, NULL);
    if (!ds)
        return lc_error(ctx, LC_ERR_IO, "cannot open the PostGIS output %s (%s)", out->shown, lc_vec_gdal_reason(ctx));
    out->db = ds;
    char *sql = lc_sprintf(ctx, "CREATE SCHEMA IF NOT EXISTS \"%s\"", schema);
    lc_status st = sql ? LC_OK : LC_ERR_NOMEM;
    if (st == LC_OK && GDALDatasetStartTransaction(ds, TRUE) != OGRERR_NONE)
        st = lc_error(ctx, LC_ERR_IO, "%s: cannot start a transaction (%s)", out->shown, lc_vec_gdal_reason(ctx));
    if (st == LC_OK)
        st = pg_exec(ctx, out, sql, "create the output schema");
    free(sql);
    if (st != LC_OK) {
        GDALDatasetRollbackTransaction(ds);
        GDALClose(ds);
        out->db = NULL;
    }
    return st;
}

/* PostGIS: drops <schema>.<table> if a previous run left it, inside the output's transaction (so a
 * failed run brings it back). Through GDAL first, so its list of layers stays right; then by SQL
 * for a table GDAL does not list. A view or anything else that is not a table fails (LC_ERR_IO).
 * Inside a GDAL scope. */
lc_status lc_vec_pg_drop_previous(lc_context *ctx, lc_layer_writer *w)
{
    lc_output *out = w->out;
    char *full = lc_sprintf(ctx, "%s.%s", out->schema, w->file);
    if (!full)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    CPLErrorReset();
    OGRLayerH old = GDALDatasetGetLayerByName(out->db, full);
    for (int i = 0; old && i < GDALDatasetGetLayerCount(out->db); i++) {
        if (GDALDatasetGetLayer(out->db, i) == old) {
            if (GDALDatasetDeleteLayer(out->db, i) != OGRERR_NONE)
                st = lc_error(ctx, LC_ERR_IO, "%s: cannot replace the previous %s (%s)", w->shown, full,
                              lc_vec_gdal_reason(ctx));
            break;
        }
    }
    free(full);
    if (st == LC_OK && CPLGetLastErrorType() >= CE_Failure)
        st = lc_error(ctx, LC_ERR_IO, "%s: cannot replace the previous table (%s)", w->shown, lc_vec_gdal_reason(ctx));
    if (st != LC_OK)
        return st;
    char *sql = lc_sprintf(ctx, "DROP TABLE IF EXISTS \"%s\".\"%s\" CASCADE", out->schema, w->file);
    if (!sql)
        return LC_ERR_NOMEM;
    st = pg_exec(ctx, out, sql, "replace the previous table");
    free(sql);
    return st;
}

/* PostGIS: stores a text file as a row (name, body) of <prefix>metadata, creating that table with
 * the first text. The caller has claimed name. LC_OK, or the error of the table or the row. */
lc_status lc_vec_pg_write_text(lc_context *ctx, lc_output *out, const char *name, const char *text)
{
    static const lc_field_def defs[] = {
        {"name", "NAME", LC_FIELD_STRING, 0, 0, "名称", "File name the text would have in a directory", ""},
        {"body", "BODY", LC_FIELD_STRING, 0, 0, "内容", "The text (UTF-8)", ""},
    };
    if (!out->meta) {
        lc_layer_writer *w = lc_output_layer_create(ctx, out, LC_PG_METADATA, -1, defs, 2);
        if (!w)
            return lc_context_errno(ctx);
        lc_vec_writer_unlink(w); /* held apart from the caller's writers; closed by lc_output_commit */
        out->meta = w;
    }
    lc_value v[2] = {{.s = name}, {.s = text}};
    return lc_layer_writer_add(ctx, out->meta, NULL, v);
}

