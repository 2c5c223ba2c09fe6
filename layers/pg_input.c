/*
 * layers/pg_input.c — a PostgreSQL input's study SQL checked by the server's own parser before GDAL
 * runs it: on a read-only libpq connection of its own, a `sql` query is prepared (one statement),
 * described (it returns rows) and explained (it changes no table; the tables it reads); a `where`
 * filter is prepared as the condition of a query on its table. Opening the input through GDAL,
 * read-only in one transaction, lives in layers/layer.c; the parsing of the connection string in
 * geo/conninfo.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "layers/layer_int.h"

struct lc_pg_probe {
    PGconn *conn;
    const char *shown; /* borrowed: the source as messages name it */
};

/* The server's message of a failed command, trimmed, into buf. */
static void server_message(PGconn *conn, const PGresult *res, char *buf, size_t size)
{
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(buf, size, "%s", m && *m ? m : PQerrorMessage(conn));
    for (size_t n = strlen(buf); n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '); n--)
        buf[n - 1] = '\0';
}

/* Runs a command that returns nothing; LC_OK or LC_ERR_IO naming what. */
static lc_status command(lc_context *ctx, lc_pg_probe *p, const char *sql, const char *what)
{
    PGresult *res = PQexec(p->conn, sql);
    lc_status st = LC_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        char why[512];
        server_message(p->conn, res, why, sizeof why);
        st = lc_error(ctx, LC_ERR_IO, "%s: cannot %s: %s", p->shown, what, why);
    }
    PQclear(res);
    return st;
}

lc_pg_probe *lc_pg_probe_open(lc_context *ctx, const lc_conninfo *ci, const char *shown)
{
    lc_pg_probe *p = lc_calloc(ctx, 1, sizeof *p);
    if (!p)
        return NULL;
    p->shown = shown;
    if (!(p->conn = lc_conninfo_connect(ctx, ci, 1, shown)) ||
        command(ctx, p, "BEGIN TRANSACTION READ ONLY", "start a read-only transaction") != LC_OK) {
        lc_pg_probe_close(p);
        return NULL;
    }
    return p;
}

void lc_pg_probe_close(lc_pg_probe *p)
{
    if (!p)
        return;
    if (p->conn)
        PQfinish(p->conn); /* the transaction is rolled back: nothing was to be kept */
    free(p);
}

/* Prepares text as the unnamed statement: the server parses and analyses it (names, types) without
 * running it, and refuses more than one command. On success returns the number of columns its rows
 * have (0: it returns none); on refusal -1 with the server's reason in why. */
static int prepare(lc_pg_probe *p, const char *text, char *why, size_t size)
{
    PGresult *res = PQprepare(p->conn, "", text, 0, NULL);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        server_message(p->conn, res, why, size);
    PQclear(res);
    if (!ok)
        return -1;
    res = PQdescribePrepared(p->conn, "");
    int n = PQresultStatus(res) == PGRES_COMMAND_OK ? PQnfields(res) : -1;
    if (n < 0)
        server_message(p->conn, res, why, size);
    PQclear(res);
    return n;
}

/* What a plan says: the tables it reads, and the first table it would change. */
typedef struct plan_walk {
    lc_context *ctx;
    char **tables;
    size_t n, cap;
    char changes[300]; /* "schema.table" of a ModifyTable node, "" when none */
    int failed;
} plan_walk;

/* Adds "schema.table" once. */
static void add_table(plan_walk *w, const char *schema, const char *table)
{
    char name[300];
    snprintf(name, sizeof name, "%s.%s", schema ? schema : "?", table);
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->tables[i], name))
            return;
    char *copy = NULL;
    if (w->failed || lc_grow(w->ctx, (void **)&w->tables, &w->cap, w->n + 1, sizeof *w->tables) != LC_OK ||
        !(copy = lc_strdup(w->ctx, name))) {
        w->failed = 1;
        return;
    }
    w->tables[w->n++] = copy;
}

/* Visits every node of an EXPLAIN (VERBOSE, FORMAT JSON) document. */
static void walk_plan(plan_walk *w, json_t *j)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            walk_plan(w, v);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *type = json_string_value(json_object_get(j, "Node Type"));
    const char *rel = json_string_value(json_object_get(j, "Relation Name"));
    const char *schema = json_string_value(json_object_get(j, "Schema"));
    if (type && !strcmp(type, "ModifyTable") && !w->changes[0])
        snprintf(w->changes, sizeof w->changes, "%s.%s", schema ? schema : "?", rel ? rel : "?");
    else if (rel)
        add_table(w, schema, rel);
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
        walk_plan(w, v);
}

/* Explains query without running it and walks its plan into w. LC_OK, LC_ERR_CONFIG when the
 * server cannot explain it (not a query) or it would change a table, LC_ERR_NOMEM. */
static lc_status explain(lc_context *ctx, lc_pg_probe *p, const char *what, const char *query, plan_walk *w)
{
    char *sql = lc_sprintf(ctx, "EXPLAIN (VERBOSE, FORMAT JSON) %s", query);
    if (!sql)
        return LC_ERR_NOMEM;
    PGresult *res = PQexecParams(p->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
    free(sql);
    lc_status st = LC_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        char why[512];
        server_message(p->conn, res, why, sizeof why);
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s is refused: it is not a query the server can explain "
                      "(a SELECT or WITH ... SELECT): %s", p->shown, what, why);
    } else {
        json_error_t err;
        json_t *plan = json_loads(PQgetvalue(res, 0, 0), 0, &err);
        if (!plan)
            st = lc_error(ctx, LC_ERR_INTERNAL, "%s: the server's plan of %s cannot be read: %s", p->shown, what,
                          err.text);
        walk_plan(w, plan);
        json_decref(plan);
        if (st == LC_OK && w->failed)
            st = LC_ERR_NOMEM;
        if (st == LC_OK && w->changes[0])
            st = lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s is refused: it would change the table %s (an input "
                          "is only read)", p->shown, what, w->changes);
    }
    PQclear(res);
    return st;
}

lc_status lc_pg_probe_query(lc_context *ctx, lc_pg_probe *p, const char *what, const char *query,
                            char **wrapped, char ***tables, size_t *ntables)
{
    char why[512];
    *wrapped = NULL;
    *tables = NULL;
    *ntables = 0;
    int ncols = prepare(p, query, why, sizeof why);
    if (ncols < 0)
        return lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s is refused by the server: %s", p->shown, what, why);
    if (ncols == 0)
        return lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s is refused: it returns no rows (it must be one "
                        "SELECT or WITH ... SELECT query)", p->shown, what);
    plan_walk w = {.ctx = ctx};
    lc_status st = explain(ctx, p, what, query, &w);
    /* What GDAL will run: always a SELECT (GDAL then reads it through a cursor, one statement,
     * attribute filters applied), the query's own text inside on lines of its own. A trailing ';'
     * (one statement, as the server just said) would end the subquery early. */
    char *text = NULL;
    if (st == LC_OK) {
        size_t n = strlen(query);
        while (n > 0 && strchr(" \t\r\n;", query[n - 1]))
            n--;
        if (!(text = lc_sprintf(ctx, "SELECT * FROM (\n%.*s\n) AS lc_sql", (int)n, query)))
            st = LC_ERR_NOMEM;
    }
    if (st == LC_OK && prepare(p, text, why, sizeof why) < 0)
        st = lc_error(ctx, LC_ERR_CONFIG, "%s: the query %s is refused by the server when read as a subquery: %s",
                      p->shown, what, why);
    if (st != LC_OK) {
        free(text);
        for (size_t i = 0; i < w.n; i++)
            free(w.tables[i]);
        free(w.tables);
        return st;
    }
    *wrapped = text;
    *tables = w.tables;
    *ntables = w.n;
    return LC_OK;
}

lc_status lc_pg_probe_filter(lc_context *ctx, lc_pg_probe *p, const char *what, const char *layer,
                             const char *where)
{
    /* The layer as GDAL names it: "schema.table", or "table" in the search path. */
    const char *dot = strchr(layer, '.');
    const char *name = dot ? dot + 1 : layer;
    char *schema = dot ? PQescapeIdentifier(p->conn, layer, (size_t)(dot - layer)) : NULL;
    char *table = PQescapeIdentifier(p->conn, name, strlen(name));
    char *text = NULL;
    if (table && (!dot || schema))
        text = lc_sprintf(ctx, "SELECT * FROM %s%s%s WHERE (%s)", schema ? schema : "", schema ? "." : "", table,
                          where);
    else
        lc_error(ctx, LC_ERR_IO, "%s: the layer name %s cannot be quoted: %s", p->shown, layer,
                 PQerrorMessage(p->conn));
    PQfreemem(schema);
    PQfreemem(table);
    if (!text)
        return lc_context_errno(ctx);
    char why[512];
    int ncols = prepare(p, text, why, sizeof why);
    free(text);
    if (ncols < 0)
        return lc_error(ctx, LC_ERR_CONFIG, "%s (layer %s): the filter %s '%s' is refused by the server: %s (a "
                        "filter is one condition, such as 区县 = '杨浦区')", p->shown, layer, what, where, why);
    return LC_OK;
}
