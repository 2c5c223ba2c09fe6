/*
 * geo/conninfo_int.h — PostgreSQL connection strings, read by libpq's own parser (PQconninfoParse)
 * and nothing else: what a "PG:..." string or postgresql:// URI says (lc_conninfo_get), the string
 * GDAL opens, a libpq connection, and the one redaction of dataset names for messages and outputs.
 * Used by layers/ (PostGIS inputs) and outputs/ (PostGIS outputs, the replace-an-input guard).
 */
#ifndef LIFECIRCLE_GEO_CONNINFO_INT_H
#define LIFECIRCLE_GEO_CONNINFO_INT_H

#include <libpq-fe.h>

#include "lifecircle/context.h"

/* A parsed PostgreSQL connection string: libpq's options as PQconninfoParse returned them. */
typedef struct lc_conninfo lc_conninfo;

/* Non-zero if name is a connection string GDAL's PostgreSQL driver opens: "PG:" (any case)
 * followed by libpq keyword=value pairs or a URI, or a bare "postgresql://" URI. */
int lc_conninfo_is_pg(const char *name);

/* Parses name (lc_conninfo_is_pg) with PQconninfoParse. Refused with LC_ERR_CONFIG, naming what
 * (e.g. "the residential input") but never quoting the string or libpq's excerpt of it (a
 * malformed string may cut a password in two): anything libpq cannot parse, and GDAL's own keys
 * active_schema=, schemas= and tables= (they change GDAL's search_path and table list, which the
 * toolkit's own connections would not share: name tables as schema.table instead).
 * Caller frees with lc_conninfo_destroy(); NULL with the context's error set. */
lc_conninfo *lc_conninfo_parse(lc_context *ctx, const char *name, const char *what);

/* Releases a parsed string. Accepts NULL. */
void lc_conninfo_destroy(lc_conninfo *ci);

/* The value the string gives keyword (a libpq keyword: "host", "port", "dbname", ...), decoded;
 * NULL when the string does not set it (libpq's defaults are not filled in). Borrowed, valid
 * while ci lives. */
const char *lc_conninfo_get(const lc_conninfo *ci, const char *keyword);

/* The string for GDAL's PostgreSQL driver: "PG:" and every option of ci as keyword='value'
 * (quotes and backslashes escaped). With read_only, libpq's `options` also carries
 * "-c default_transaction_read_only=on" after whatever the string gave, so every transaction of
 * the session starts read-only. Caller frees with free(); NULL with LC_ERR_NOMEM. */
char *lc_conninfo_gdal(lc_context *ctx, const lc_conninfo *ci, int read_only);

/* Opens a libpq connection with ci's options (read_only as in lc_conninfo_gdal). On failure
 * LC_ERR_IO naming shown (the redacted string) with libpq's reason, and NULL. Caller closes with
 * PQfinish(). */
PGconn *lc_conninfo_connect(lc_context *ctx, const lc_conninfo *ci, int read_only, const char *shown);

/* A copy of a dataset name fit for messages and outputs. A PostgreSQL string is rebuilt from its
 * parsed options with the value of every secret option (those libpq marks "*": password,
 * sslpassword) replaced by "***", URI passwords included; one libpq cannot parse is shown as
 * "PG:***". Elsewhere the password of a URL's user:password@ and the whole rest of a MYSQL:,
 * OCI:, ODBC: or MSSQL: string that mentions a password are masked. Anything else is copied as
 * it is. Caller frees with free(); NULL with LC_ERR_NOMEM. */
char *lc_conninfo_redact(lc_context *ctx, const char *name);

#endif /* LIFECIRCLE_GEO_CONNINFO_INT_H */
