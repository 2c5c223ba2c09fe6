/*
 * outputs/results_guard.c — refuses, before anything is written, an output that would replace one of
 * the run's own inputs: a directory that holds an input file, or a PostGIS schema and prefix that
 * would drop an input table (the same database told by its connection string or by asking the
 * servers). Called by outputs/results.c's staging; connection strings parsed in geo/conninfo.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"

/* Which database a parsed connection string names as written, as "host|port|dbname|service"
 * (libpq's defaults left empty, so two strings that spell the same server differently may compare
 * unequal: pg_same_database then asks the servers). */
static void pg_database_id(const lc_conninfo *ci, char *buf, size_t size)
{
    const char *host = lc_conninfo_get(ci, "host"), *addr = lc_conninfo_get(ci, "hostaddr");
    const char *port = lc_conninfo_get(ci, "port"), *db = lc_conninfo_get(ci, "dbname");
    const char *service = lc_conninfo_get(ci, "service");
    snprintf(buf, size, "%s|%s|%s|%s", addr ? addr : host ? host : "", port ? port : "", db ? db : "",
             service ? service : "");
}

/* What a PostgreSQL server says it is: its database and the time its postmaster started, which
 * two servers (or two databases) do not share, however a connection string spells the host
 * (localhost or 127.0.0.1, a socket or TCP, an alias). Asked on a read-only connection; into buf,
 * "" when it cannot be asked (the guard below then goes by the strings alone). */
static void pg_server_identity(lc_context *ctx, const lc_conninfo *ci, const char *shown, char *buf, size_t size)
{
    buf[0] = '\0';
    PGconn *conn = lc_conninfo_connect(ctx, ci, 1, shown);
    if (!conn)
        return; /* not reaching a server is no error of the guard: the output says so itself */
    PGresult *res = PQexec(conn, "SELECT current_database() || ' ' || pg_postmaster_start_time()::text");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(conn);
}

/* Whether two connection strings reach the same database: the same host, port, database and
 * service as written, or else the same server identity when both servers can be asked. */
static int pg_same_database(lc_context *ctx, const lc_conninfo *a, const char *a_shown, const lc_conninfo *b,
                            const char *b_shown)
{
    char ida[1200], idb[1200];
    pg_database_id(a, ida, sizeof ida);
    pg_database_id(b, idb, sizeof idb);
    if (!strcmp(ida, idb))
        return 1;
    char sa[512], sb[512];
    pg_server_identity(ctx, a, a_shown, sa, sizeof sa);
    if (!sa[0])
        return 0;
    pg_server_identity(ctx, b, b_shown, sb, sizeof sb);
    return sb[0] && !strcmp(sa, sb);
}

/* Non-zero if table ("schema.table", or "table" in public) is one the PostGIS output writes: in
 * schema, named <prefix>... or, with an empty prefix, one of the layer names. */
static int pg_output_writes(const char *table, const char *schema, const char *prefix)
{
    static const char *const written[] = {"residential", "gaps", "service_areas", "units", "facilities",
                                          "summary", "proposals", LC_PG_METADATA, "catchments",
                                          "catchment_streets", "districts", "committees", "areas", "groups",
                                          NULL};
    const char *dot = strchr(table, '.');
    size_t slen = dot ? (size_t)(dot - table) : 6;
    const char *in_schema = dot ? table : "public", *name = dot ? dot + 1 : table;
    if (strlen(schema) != slen || strncmp(schema, in_schema, slen) != 0)
        return 0;
    if (*prefix)
        return !strncmp(name, prefix, strlen(prefix));
    for (size_t i = 0; written[i]; i++)
        if (!strcmp(name, written[i]))
            return 1;
    return 0;
}

/* Refuses a PostGIS output that would replace one of its own input tables: an input read from the
 * same database whose table — the layer it names, or any table its `sql` query reads as the
 * server's plan lists them (lc_layer_sql_table) — lies in the output schema under a name the
 * output writes (pg_output_writes). A re-run would drop the input half-way through. */
static lc_status check_pg_inputs_apart(lc_context *ctx, const char *target, const lc_output_options *o,
                                       const lc_results *r)
{
    const char *schema = o->schema ? o->schema : "public";
    const char *prefix = o->table_prefix ? o->table_prefix : LC_PG_DEFAULT_PREFIX;
    lc_conninfo *out_ci = NULL;
    char *out_shown = NULL;
    lc_status st = LC_OK;
    for (int k = 0; k < LC_LAYER_KIND_COUNT && st == LC_OK; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        /* The study's own string (the layer's source has its password masked). */
        char key[64];
        snprintf(key, sizeof key, "%s.path", lc_layer_kind_name((lc_layer_kind)k));
        const char *given = lc_study_get(r->study, key);
        if (!L || !lc_conninfo_is_pg(given))
            continue;
        const int is_sql = lc_layer_sql_table(L, 0) || !strcmp(lc_layer_name(L), "sql");
        const char *clash = NULL;
        for (size_t i = 0; !clash && (is_sql ? lc_layer_sql_table(L, i) != NULL : i == 0); i++) {
            const char *table = is_sql ? lc_layer_sql_table(L, i) : lc_layer_name(L);
            if (pg_output_writes(table, schema, prefix))
                clash = table;
        }
        if (!clash)
            continue; /* only a name that clashes is worth asking the servers about */
        if (!out_ci && (!(out_ci = lc_conninfo_parse(ctx, target, "the PostGIS output")) ||
                        !(out_shown = lc_conninfo_redact(ctx, target)))) {
            st = lc_context_errno(ctx);
            break;
        }
        char what[64];
        snprintf(what, sizeof what, "the %s input", lc_layer_kind_name((lc_layer_kind)k));
        lc_conninfo *in_ci = lc_conninfo_parse(ctx, given, what);
        if (!in_ci) {
            st = lc_context_errno(ctx);
            break;
        }
        if (pg_same_database(ctx, in_ci, lc_layer_source(L), out_ci, out_shown)) {
            if (is_sql)
                st = lc_error(ctx, LC_ERR_IO, "the PostGIS output (schema %s, table prefix '%s') would replace the "
                              "table %s that the %s input's query (%s.sql) reads: choose another --pg-schema or "
                              "--pg-prefix", schema, prefix, clash, lc_layer_kind_name((lc_layer_kind)k),
                              lc_layer_kind_name((lc_layer_kind)k));
            else
                st = lc_error(ctx, LC_ERR_IO, "the PostGIS output (schema %s, table prefix '%s') would replace the "
                              "%s input table %s: choose another --pg-schema or --pg-prefix", schema, prefix,
                              lc_layer_kind_name((lc_layer_kind)k), clash);
        }
        lc_conninfo_destroy(in_ci);
    }
    lc_conninfo_destroy(out_ci);
    free(out_shown);
    return st;
}

/* Refuses an output directory that holds an input file (or is one): --overwrite would delete it;
 * and a PostGIS output that would replace an input table (check_pg_inputs_apart). */
lc_status lc_check_inputs_outside(lc_context *ctx, const char *dir, const lc_output_options *o,
                                      const lc_results *r)
{
    if (o->format == LC_FORMAT_POSTGIS || lc_output_format_for(dir, o->format) == LC_FORMAT_POSTGIS)
        return check_pg_inputs_apart(ctx, dir, o, r);
    char *out = realpath(dir, NULL);
    if (!out)
        return LC_OK; /* the directory does not exist yet, so it holds nothing */
    size_t n = strlen(out);
    lc_status st = LC_OK;
    for (int k = 0; k < LC_LAYER_KIND_COUNT && st == LC_OK; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        char *in = L ? realpath(lc_layer_source(L), NULL) : NULL;
        if (in && !strncmp(in, out, n) && (in[n] == '/' || in[n] == '\0'))
            st = lc_error(ctx, LC_ERR_IO,
                          "output directory %s holds the %s input %s; writing there would replace it: choose "
                          "another output directory", dir, lc_layer_kind_name((lc_layer_kind)k), lc_layer_source(L));
        free(in);
    }
    free(out);
    return st;
}
