/*
 * layers/keyvalue_int.h — a YAML document flattened into an ordered list of dotted keys and scalar
 * values, the common reader of study files and profiles (layers/study.c, layers/profile.c).
 *
 *   residential:                 residential.path           = data/xq.shp
 *     path: data/xq.shp    →     residential.fields.population = 常住人口
 *     fields:                    categories.centre.aliases.0 = 为老服务中心
 *       population: 常住人口
 *
 * Nested mappings join their keys with '.', sequence items get their index as the last component,
 * scalars are the values (UTF-8 as written; an empty or `~` scalar is ""). Empty mappings and
 * sequences produce no entry. Anchors, aliases, more than one document, a top level that is not a
 * mapping and duplicate keys are rejected with LC_ERR_CONFIG and a "NAME:LINE: ..." message.
 * So is a document past the limits below, which no study or profile comes near, before it costs
 * more than a file of the limit's size: keys are found by hashing (geo/strmap.c), never by a scan.
 * Library-internal: never exported, never included by cli/.
 */
#ifndef LIFECIRCLE_LAYERS_KEYVALUE_INT_H
#define LIFECIRCLE_LAYERS_KEYVALUE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lifecircle/context.h"

/* The limits of a document: its size in bytes (1 MB), how deep mappings and lists nest, how many
 * keys it holds (entries and sections together) and how long one dotted key may be. */
#define LC_KV_MAX_BYTES (1 << 20)
#define LC_KV_MAX_DEPTH 64
#define LC_KV_MAX_KEYS 50000
#define LC_KV_MAX_KEY_BYTES 1024

/* One key and its value. Owned by its lc_kv; the entry itself stays at the same address until the
 * lc_kv is destroyed, but value is replaced (and the old string freed) by lc_kv_set on the same key. */
typedef struct lc_kv_entry {
    char *key;   /* dotted path: "residential.fields.population", "categories.centre.aliases.0" */
    char *value; /* the scalar, UTF-8; "" for an empty or null scalar */
    int line;    /* 1-based line of the mapping key (or of the sequence item); 0 if set by a program */
    bool in_seq; /* the innermost container was a sequence: the last key component is an index */
    bool used;   /* set by the consumer (lc_kv_use, or directly) to catch unknown keys */
} lc_kv_entry;

typedef struct lc_kv lc_kv;

/* Creates an empty list whose messages name `name` (copied; NULL for none).
 * NULL with LC_ERR_NOMEM. Caller frees with lc_kv_destroy(). */
lc_kv *lc_kv_create(lc_context *ctx, const char *name);

/* Reads and parses a YAML file; messages name the path as given. An empty file is an empty mapping.
 * NULL with LC_ERR_IO (cannot read, or not a regular file: a named pipe or a device is refused
 * without waiting on it; the message names the path) or LC_ERR_CONFIG (larger than LC_KV_MAX_BYTES,
 * malformed YAML, top level not a mapping, duplicate key, anchor or alias, past a limit;
 * "PATH:LINE: ..."). Caller frees with lc_kv_destroy(). */
lc_kv *lc_kv_parse_file(lc_context *ctx, const char *path);

/* Parses a NUL-terminated YAML text; messages name `name` ("shanghai-2025 (built-in)").
 * NULL with LC_ERR_CONFIG as lc_kv_parse_file. Caller frees with lc_kv_destroy(). */
lc_kv *lc_kv_parse_string(lc_context *ctx, const char *text, const char *name);

/* Releases the list and every entry. Accepts NULL. */
void lc_kv_destroy(lc_kv *kv);

/* The name messages use (file path or display name); "" if none. Borrowed. */
const char *lc_kv_name(const lc_kv *kv);

/* Number of entries, and the i-th in document order (NULL if out of range). Borrowed. */
size_t lc_kv_count(const lc_kv *kv);
lc_kv_entry *lc_kv_at(const lc_kv *kv, size_t i);

/* The entry whose key is exactly `key`, or NULL. Borrowed. */
lc_kv_entry *lc_kv_find(const lc_kv *kv, const char *key);

/* The line of the key that opened the nested mapping or sequence at `path` ("residential",
 * "categories.centre"), or 0 if the document has none there (or the list was not parsed). */
int lc_kv_section_line(const lc_kv *kv, const char *path);

/* The value of `key`, or NULL if absent. Borrowed (see lc_kv_entry). */
const char *lc_kv_get(const lc_kv *kv, const char *key);

/* As lc_kv_get, and marks the entry used. */
const char *lc_kv_use(lc_kv *kv, const char *key);

/* Sets key to value (both copied): replaces the value and line of an existing entry (the latest
 * wins, the old value string is freed) or appends a new one. LC_OK, or LC_ERR_NOMEM with the list
 * unchanged. */
lc_status lc_kv_set(lc_context *ctx, lc_kv *kv, const char *key, const char *value, int line);

/* Iterates over the entries under `prefix` (keys that start with prefix + "."; every entry when
 * prefix is ""), in document order. Start with *pos = 0; each call returns the next entry and
 * advances *pos, NULL at the end. Borrowed. */
lc_kv_entry *lc_kv_next(const lc_kv *kv, const char *prefix, size_t *pos);

/* The part of entry's key after prefix + "." ("population" for "residential.fields" and
 * "residential.fields.population"); the whole key when prefix is "". Borrowed from the entry.
 * The entry must lie under prefix (as lc_kv_next returns). */
const char *lc_kv_tail(const lc_kv_entry *entry, const char *prefix);

/* Records a printf-style error as "NAME:LINE: message" (or "NAME: message" when line is 0, or just
 * the message when the list has no name) and returns status. */
lc_status lc_kv_error(lc_context *ctx, const lc_kv *kv, int line, lc_status status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The candidate closest to word within an edit distance of 2 (counted in characters; a swap of two
 * neighbours counts 1), NULL if none or if word is too short for a guess to mean anything.
 * candidates is NULL-terminated. Borrowed from candidates. */
const char *lc_kv_suggest(const char *word, const char *const *candidates);

/* Reports entry as an unknown key: LC_ERR_CONFIG with
 * "NAME:LINE: unknown key 'x'; did you mean 'y'? (known keys: KNOWN)"; the hint is left out when
 * suggestion is NULL, the list when known is NULL. A list item is reported by the key of its list
 * (as written), not with its index. Returns LC_ERR_CONFIG. */
lc_status lc_kv_unknown(lc_context *ctx, const lc_kv *kv, const lc_kv_entry *entry, const char *suggestion,
                        const char *known);

/* Reports the first entry (in document order) never marked used, as lc_kv_unknown with the
 * suggestion lc_kv_suggest picks from candidates (NULL-terminated, may be NULL) for the key as
 * written (a list item: its list's key, at the list's line).
 * LC_OK if every entry was used. */
lc_status lc_kv_check_used(lc_context *ctx, const lc_kv *kv, const char *known, const char *const *candidates);

#endif /* LIFECIRCLE_LAYERS_KEYVALUE_INT_H */
