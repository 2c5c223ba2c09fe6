#define _GNU_SOURCE /* strcasestr */
/*
 * geo/conninfo.c — PostgreSQL connection strings through libpq's own parser (PQconninfoParse), the
 * one reading of "PG:..." strings and postgresql:// URIs in the toolkit: their options, the string
 * GDAL opens (read-only when asked), a libpq connection, and the redaction of every dataset name a
 * message or an output shows. What is run on the connections lives in layers/pg_input.c (inputs)
 * and outputs/ (PostGIS outputs and the replace-an-input guard).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/conninfo_int.h"
#include "geo/context_int.h"
#include "geo/strbuf_int.h"

/* Added to libpq's `options` of a read-only session (server settings at connection start). */
#define LC_READ_ONLY_OPTION "-c default_transaction_read_only=on"

struct lc_conninfo {
    PQconninfoOption *opts; /* from PQconninfoParse, freed with PQconninfoFree */
};

/* GDAL's own keys in a "PG:" string, which libpq does not know. */
static const char *const gdal_keys[] = {"active_schema", "schemas", "tables", NULL};

int lc_conninfo_is_pg(const char *name)
{
    return name && (!strncasecmp(name, "PG:", 3) || !strncmp(name, "postgresql://", 13));
}

/* What libpq parses: the string after "PG:". */
static const char *libpq_part(const char *name)
{
    return !strncasecmp(name, "PG:", 3) ? name + 3 : name;
}

/* ---- building strings (geo/strbuf_int.h) ----------------------------------------------------- */

/* Appends value as libpq reads it back: in '...' with \ and ' escaped when always or when it is
 * empty or holds a blank, quote or backslash; else as it is. */
static void text_value(lc_strbuf *t, const char *value, int always)
{
    if (!always && *value && !strpbrk(value, " \t\n\r\f\v'\\")) {
        lc_strbuf_str(t, value);
        return;
    }
    lc_strbuf_add(t, "'", 1);
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            lc_strbuf_add(t, "\\", 1);
        lc_strbuf_add(t, p, 1);
    }
    lc_strbuf_add(t, "'", 1);
}

/* The string built, or NULL with LC_ERR_NOMEM (the buffer released). */
static char *text_done(lc_context *ctx, lc_strbuf *t)
{
    if (t->failed || !t->s) {
        free(t->s);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory building a connection string");
        return NULL;
    }
    return t->s;
}

/* ---- parsing --------------------------------------------------------------------------------- */

/* libpq's parse error without what it quotes of the string ("..." spans become "…"), trimmed, into
 * buf: a malformed string can put part of a password where libpq expects a keyword. */
static void scrub_libpq_message(const char *msg, char *buf, size_t size)
{
    size_t n = 0;
    int quoted = 0;
    for (const char *p = msg; *p && n + 4 < size; p++) {
        if (*p == '"') {
            quoted = !quoted;
            if (quoted) {
                memcpy(buf + n, "\"\xE2\x80\xA6", 4); /* "… */
                n += 4;
            } else {
                buf[n++] = '"';
            }
        } else if (!quoted) {
            buf[n++] = *p;
        }
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.'))
        n--;
    buf[n] = '\0';
}

/* The GDAL key libpq's message names as unknown ("invalid connection option \"tables\"", "invalid
 * URI query parameter: \"tables\""), or NULL. */
static const char *gdal_key_refused(const char *msg)
{
    const char *q = strchr(msg, '"');
    if (!q)
        return NULL;
    for (int i = 0; gdal_keys[i]; i++) {
        size_t n = strlen(gdal_keys[i]);
        if (!strncasecmp(q + 1, gdal_keys[i], n) && q[1 + n] == '"')
            return gdal_keys[i];
    }
    return NULL;
}

lc_conninfo *lc_conninfo_parse(lc_context *ctx, const char *name, const char *what)
{
    if (!name || !lc_conninfo_is_pg(name)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_conninfo_parse: %s is not a PostgreSQL connection string", what);
        return NULL;
    }
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(libpq_part(name), &err);
    if (!opts) {
        if (!err) {
            lc_error(ctx, LC_ERR_NOMEM, "out of memory reading the connection string of %s", what);
            return NULL;
        }
        const char *key = gdal_key_refused(err);
        char why[512];
        scrub_libpq_message(err, why, sizeof why);
        PQfreemem(err);
        if (key)
            lc_error(ctx, LC_ERR_CONFIG, "the connection string of %s gives GDAL's %s=, which lifecircle does not "
                     "use (its own connections would not see it): name the table as schema.table instead",
                     what, key);
        else
            lc_error(ctx, LC_ERR_CONFIG, "the connection string of %s cannot be read (libpq: %s); a value with "
                     "blanks or quotes is written in '...' with \\' and \\\\ inside", what, why);
        return NULL;
    }
    lc_conninfo *ci = lc_calloc(ctx, 1, sizeof *ci);
    if (!ci) {
        PQconninfoFree(opts);
        return NULL;
    }
    ci->opts = opts;
    return ci;
}

void lc_conninfo_destroy(lc_conninfo *ci)
{
    if (!ci)
        return;
    PQconninfoFree(ci->opts);
    free(ci);
}

const char *lc_conninfo_get(const lc_conninfo *ci, const char *keyword)
{
    for (const PQconninfoOption *o = ci ? ci->opts : NULL; o && o->keyword; o++)
        if (!strcmp(o->keyword, keyword))
            return o->val;
    return NULL;
}

/* libpq's `options` for the session: the string's own, then the read-only setting when asked.
 * Caller frees; NULL when there is none, or (with *failed set) when out of memory. */
static char *session_options(const lc_conninfo *ci, int read_only, int *failed)
{
    const char *given = lc_conninfo_get(ci, "options");
    *failed = 0;
    if (!read_only) {
        char *copy = given ? strdup(given) : NULL;
        *failed = given && !copy;
        return copy;
    }
    lc_strbuf t = {0};
    if (given && *given) {
        lc_strbuf_str(&t, given);
        lc_strbuf_str(&t, " ");
    }
    lc_strbuf_str(&t, LC_READ_ONLY_OPTION);
    if (t.failed) {
        free(t.s);
        *failed = 1;
        return NULL;
    }
    return t.s;
}

char *lc_conninfo_gdal(lc_context *ctx, const lc_conninfo *ci, int read_only)
{
    int failed = 0;
    char *options = session_options(ci, read_only, &failed);
    if (failed) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory building a connection string");
        return NULL;
    }
    lc_strbuf t = {0};
    lc_strbuf_str(&t, "PG:");
    int first = 1;
    for (const PQconninfoOption *o = ci->opts; o->keyword; o++) {
        const char *v = !strcmp(o->keyword, "options") ? options : o->val;
        if (!v)
            continue;
        if (!first)
            lc_strbuf_str(&t, " ");
        first = 0;
        lc_strbuf_str(&t, o->keyword);
        lc_strbuf_str(&t, "=");
        text_value(&t, v, 1);
    }
    free(options);
    return text_done(ctx, &t);
}

/* libpq notices (a WARNING from the server) would go to stderr: the library never prints. */
static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

PGconn *lc_conninfo_connect(lc_context *ctx, const lc_conninfo *ci, int read_only, const char *shown)
{
    size_t n = 0;
    for (const PQconninfoOption *o = ci->opts; o->keyword; o++)
        n++;
    const char **keys = lc_calloc(ctx, n + 2, sizeof *keys);
    const char **vals = lc_calloc(ctx, n + 2, sizeof *vals);
    int failed = 0;
    char *options = keys && vals ? session_options(ci, read_only, &failed) : NULL;
    if (!keys || !vals || failed) {
        free(keys);
        free(vals);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory connecting to %s", shown);
        return NULL;
    }
    size_t k = 0;
    for (const PQconninfoOption *o = ci->opts; o->keyword; o++)
        if (o->val && strcmp(o->keyword, "options") != 0) {
            keys[k] = o->keyword;
            vals[k++] = o->val;
        }
    if (options) {
        keys[k] = "options";
        vals[k++] = options;
    }
    keys[k] = "client_encoding"; /* what the toolkit's strings are */
    vals[k++] = "UTF8";
    PGconn *conn = PQconnectdbParams(keys, vals, 0);
    free(keys);
    free(vals);
    free(options);
    if (!conn) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory connecting to %s", shown);
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        char why[1024];
        snprintf(why, sizeof why, "%s", PQerrorMessage(conn));
        for (size_t m = strlen(why); m > 0 && (why[m - 1] == '\n' || why[m - 1] == ' '); m--)
            why[m - 1] = '\0';
        PQfinish(conn);
        lc_error(ctx, LC_ERR_IO, "cannot connect to %s: %s", shown, why);
        return NULL;
    }
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    return conn;
}

/* ---- redaction ------------------------------------------------------------------------------- */

/* The options shown first, in the order people write them; the rest follow in libpq's order. */
static const char *const shown_first[] = {"host", "hostaddr", "port", "dbname", "user", "password", NULL};

/* Appends option o as keyword=value, its value "***" when libpq marks it secret. */
static void redacted_option(lc_strbuf *t, const PQconninfoOption *o, int *first)
{
    if (!o->val)
        return;
    if (!*first)
        lc_strbuf_str(t, " ");
    *first = 0;
    lc_strbuf_str(t, o->keyword);
    lc_strbuf_str(t, "=");
    if (o->dispchar && o->dispchar[0] == '*')
        lc_strbuf_str(t, "***");
    else
        text_value(t, o->val, 0);
}

/* A PostgreSQL string rebuilt with its secrets masked (see lc_conninfo_redact). */
static char *redact_pg(lc_context *ctx, const char *name)
{
    PQconninfoOption *opts = PQconninfoParse(libpq_part(name), NULL);
    if (!opts)
        return lc_strdup(ctx, "PG:***");
    lc_strbuf t = {0};
    lc_strbuf_str(&t, "PG:");
    int first = 1;
    for (int i = 0; shown_first[i]; i++)
        for (const PQconninfoOption *o = opts; o->keyword; o++)
            if (!strcmp(o->keyword, shown_first[i]))
                redacted_option(&t, o, &first);
    for (const PQconninfoOption *o = opts; o->keyword; o++) {
        int early = 0;
        for (int i = 0; shown_first[i]; i++)
            early |= !strcmp(o->keyword, shown_first[i]);
        if (!early)
            redacted_option(&t, o, &first);
    }
    PQconninfoFree(opts);
    return text_done(ctx, &t);
}

char *lc_conninfo_redact(lc_context *ctx, const char *name)
{
    if (!name)
        return NULL;
    if (lc_conninfo_is_pg(name))
        return redact_pg(ctx, name);
    /* Other databases GDAL opens: their own syntaxes, so a mention of a password hides it all. */
    static const char *const db_prefixes[] = {"MYSQL:", "OCI:", "ODBC:", "MSSQL:", NULL};
    for (int i = 0; db_prefixes[i]; i++) {
        size_t n = strlen(db_prefixes[i]);
        if (!strncasecmp(name, db_prefixes[i], n) && (strcasestr(name, "password") || strcasestr(name, "pwd"))) {
            return lc_sprintf(ctx, "%.*s***", (int)n, name);
        }
    }
    /* scheme://user:password@host (a URL's user information, RFC 3986). */
    const char *scheme = strstr(name, "://");
    if (scheme) {
        const char *auth = scheme + 3, *end = auth + strcspn(auth, "/?#"), *at = NULL;
        for (const char *p = auth; p < end; p++)
            if (*p == '@')
                at = p;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon)
            return lc_sprintf(ctx, "%.*s***%s", (int)(colon + 1 - name), name, at);
    }
    return lc_strdup(ctx, name);
}
