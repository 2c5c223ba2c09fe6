/*
 * layers/keyvalue.c — reads a YAML document with libyaml's event API and flattens it into dotted
 * keys and scalar values (see keyvalue_int.h for the shape), and helps its consumers report unknown
 * keys with a line number and a "did you mean" hint. What the keys mean is checked by the consumers:
 * layers/study.c (study files) and layers/profile.c (standards profiles).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "geo/context_int.h"
#include "geo/strmap_int.h"
#include "layers/keyvalue_int.h"

/* A nested mapping or sequence and the line of the key that opened it. */
typedef struct kv_section {
    char *path;
    int line;
} kv_section;

struct lc_kv {
    char *name;            /* file path or display name for messages, NULL for none */
    kv_section *sections;  /* every nested container met while parsing, in document order */
    size_t nsections;
    size_t capsections;
    lc_strmap by_section;  /* section path → index in sections (the first, if a path recurs) */
    lc_kv_entry **entries; /* each entry allocated on its own so pointers to it stay valid */
    size_t count;
    size_t cap;
    lc_strmap by_key;      /* entry key → index in entries */
};

/* One open mapping or sequence while parsing. A mapping key is a duplicate when its dotted path is
 * already an entry or a section: every key read so far became one or the other. */
typedef struct kv_frame {
    char *path;    /* dotted path of the container ("" for the top level) */
    bool is_seq;
    size_t index;  /* sequence: the index of the next item */
    char *key;     /* mapping: the key whose value comes next, NULL when a key comes next */
    int key_line;  /* mapping: the line of key */
} kv_frame;

/* The parser's state between events. */
typedef struct kv_parse {
    lc_context *ctx;
    lc_kv *kv;
    kv_frame *frames;
    size_t depth;
    size_t cap;
    int documents;
    bool done;
} kv_parse;

/* Creates an empty list; see keyvalue_int.h. */
lc_kv *lc_kv_create(lc_context *ctx, const char *name)
{
    lc_kv *kv = lc_calloc(ctx, 1, sizeof *kv);
    if (!kv)
        return NULL;
    if (name && !(kv->name = lc_strdup(ctx, name)))
        goto fail;
    return kv;
fail:
    free(kv);
    return NULL;
}

/* Releases one entry and its strings. Accepts NULL. */
static void entry_free(lc_kv_entry *e)
{
    if (!e)
        return;
    free(e->key);
    free(e->value);
    free(e);
}

/* Releases the list; see keyvalue_int.h. */
void lc_kv_destroy(lc_kv *kv)
{
    if (!kv)
        return;
    for (size_t i = 0; i < kv->count; i++)
        entry_free(kv->entries[i]);
    free(kv->entries);
    lc_strmap_free(&kv->by_key);
    for (size_t i = 0; i < kv->nsections; i++)
        free(kv->sections[i].path);
    free(kv->sections);
    lc_strmap_free(&kv->by_section);
    free(kv->name);
    free(kv);
}

/* The display name; see keyvalue_int.h. */
const char *lc_kv_name(const lc_kv *kv)
{
    return kv && kv->name ? kv->name : "";
}

/* Number of entries; see keyvalue_int.h. */
size_t lc_kv_count(const lc_kv *kv)
{
    return kv ? kv->count : 0;
}

/* The i-th entry; see keyvalue_int.h. */
lc_kv_entry *lc_kv_at(const lc_kv *kv, size_t i)
{
    return kv && i < kv->count ? kv->entries[i] : NULL;
}

/* The entry with exactly this key; see keyvalue_int.h. Hashed (geo/strmap.c). */
lc_kv_entry *lc_kv_find(const lc_kv *kv, const char *key)
{
    if (!kv || !key)
        return NULL;
    const size_t *at = lc_strmap_find(&kv->by_key, key, strlen(key));
    return at ? kv->entries[*at] : NULL;
}

/* The line of a section; see keyvalue_int.h. */
int lc_kv_section_line(const lc_kv *kv, const char *path)
{
    if (!kv || !path)
        return 0;
    const size_t *at = lc_strmap_find(&kv->by_section, path, strlen(path));
    return at ? kv->sections[*at].line : 0;
}

/* The value of a key; see keyvalue_int.h. */
const char *lc_kv_get(const lc_kv *kv, const char *key)
{
    const lc_kv_entry *e = lc_kv_find(kv, key);
    return e ? e->value : NULL;
}

/* The value of a key, marking it used; see keyvalue_int.h. */
const char *lc_kv_use(lc_kv *kv, const char *key)
{
    lc_kv_entry *e = lc_kv_find(kv, key);
    if (!e)
        return NULL;
    e->used = true;
    return e->value;
}

/* Appends a new entry for a key not in the list, taking ownership of key and value (freed on
 * failure too). LC_OK, or LC_ERR_NOMEM (LC_ERR_INTERNAL for a key already listed) with the list unchanged. */
static lc_status append_owned(lc_context *ctx, lc_kv *kv, char *key, char *value, int line, bool in_seq)
{
    lc_kv_entry *e = NULL;
    bool added;
    if (lc_grow(ctx, (void **)&kv->entries, &kv->cap, kv->count + 1, sizeof *kv->entries) != LC_OK)
        goto fail;
    if (!(e = lc_calloc(ctx, 1, sizeof *e)))
        goto fail;
    if (!lc_strmap_add(ctx, &kv->by_key, key, strlen(key), kv->count, &added))
        goto fail;
    if (!added) { /* the caller looked the key up first: a second entry would hide one of them */
        lc_error(ctx, LC_ERR_INTERNAL, "key '%s' added twice to the key-value list", key);
        goto fail;
    }
    e->key = key;
    e->value = value;
    e->line = line;
    e->in_seq = in_seq;
    kv->entries[kv->count++] = e;
    return LC_OK;
fail:
    free(e);
    free(key);
    free(value);
    return lc_context_errno(ctx) == LC_ERR_INTERNAL ? LC_ERR_INTERNAL : LC_ERR_NOMEM;
}

/* Sets or replaces a key; see keyvalue_int.h. */
lc_status lc_kv_set(lc_context *ctx, lc_kv *kv, const char *key, const char *value, int line)
{
    char *v = lc_strdup(ctx, value ? value : "");
    if (!v)
        return LC_ERR_NOMEM;
    lc_kv_entry *e = lc_kv_find(kv, key);
    if (e) {
        free(e->value);
        e->value = v;
        e->line = line;
        return LC_OK;
    }
    char *k = lc_strdup(ctx, key);
    if (!k) {
        free(v);
        return LC_ERR_NOMEM;
    }
    return append_owned(ctx, kv, k, v, line, false);
}

/* Whether key lies under prefix (prefix + "." + something; everything when prefix is ""). */
static bool under(const char *key, const char *prefix, size_t plen)
{
    if (plen == 0)
        return true;
    return strncmp(key, prefix, plen) == 0 && key[plen] == '.' && key[plen + 1] != '\0';
}

/* The next entry under a prefix; see keyvalue_int.h. */
lc_kv_entry *lc_kv_next(const lc_kv *kv, const char *prefix, size_t *pos)
{
    if (!kv || !pos)
        return NULL;
    size_t plen = prefix ? strlen(prefix) : 0;
    while (*pos < kv->count) {
        lc_kv_entry *e = kv->entries[(*pos)++];
        if (under(e->key, prefix, plen))
            return e;
    }
    return NULL;
}

/* The key after the prefix; see keyvalue_int.h. */
const char *lc_kv_tail(const lc_kv_entry *entry, const char *prefix)
{
    size_t plen = prefix ? strlen(prefix) : 0;
    return plen ? entry->key + plen + 1 : entry->key;
}

/* Formats an error at a line of the document; see keyvalue_int.h. */
lc_status lc_kv_error(lc_context *ctx, const lc_kv *kv, int line, lc_status status, const char *fmt, ...)
{
    char msg[1800];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    const char *name = lc_kv_name(kv);
    if (!*name)
        return lc_error(ctx, status, "%s", msg);
    if (line > 0)
        return lc_error(ctx, status, "%s:%d: %s", name, line, msg);
    return lc_error(ctx, status, "%s: %s", name, msg);
}

/* Decodes UTF-8 into code points (an invalid byte stands for itself). Returns the number of code
 * points, or max + 1 when s holds more than max of them. */
static size_t utf8_decode(const char *s, uint32_t *out, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        if (n == max)
            return max + 1;
        uint32_t c = *p;
        int extra = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (c >= 0xF8 || (c >= 0x80 && c < 0xC0))
            extra = 0;
        if (extra) {
            uint32_t v = c & (0x3Fu >> extra);
            int k = 1;
            for (; k <= extra && (p[k] & 0xC0) == 0x80; k++)
                v = (v << 6) | (p[k] & 0x3F);
            if (k > extra) {
                c = v;
                p += extra;
            }
        }
        out[n++] = c;
        p++;
    }
    return n;
}

#define KV_WORD_MAX 128

/* Edit distance between two code-point strings, counting insertions, deletions, substitutions and
 * swaps of neighbours (optimal string alignment). */
static size_t edit_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    size_t rows[3][KV_WORD_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* The closest candidate within distance 2; see keyvalue_int.h. */
const char *lc_kv_suggest(const char *word, const char *const *candidates)
{
    uint32_t a[KV_WORD_MAX], b[KV_WORD_MAX];
    if (!word || !candidates)
        return NULL;
    size_t n = utf8_decode(word, a, KV_WORD_MAX);
    if (n > KV_WORD_MAX)
        return NULL;
    size_t limit = n <= 1 ? 0 : n <= 3 ? 1 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (const char *const *c = candidates; *c; c++) {
        size_t m = utf8_decode(*c, b, KV_WORD_MAX);
        if (m > KV_WORD_MAX || (m > n ? m - n : n - m) > limit)
            continue;
        size_t d = edit_distance(a, n, b, m);
        if (d > 0 && d < best_d) {
            best = *c;
            best_d = d;
        }
    }
    return best;
}

/* The length of the key a user wrote for an entry: a list item's key without its index. */
static int written_len(const lc_kv_entry *e)
{
    const char *dot = e->in_seq ? strrchr(e->key, '.') : NULL;
    return dot ? (int)(dot - e->key) : (int)strlen(e->key);
}

/* Reports an unknown key; see keyvalue_int.h. */
lc_status lc_kv_unknown(lc_context *ctx, const lc_kv *kv, const lc_kv_entry *entry, const char *suggestion,
                        const char *known)
{
    return lc_kv_error(ctx, kv, entry->line, LC_ERR_CONFIG, "unknown key '%.*s'%s%s%s%s%s%s", written_len(entry),
                       entry->key, suggestion ? "; did you mean '" : "", suggestion ? suggestion : "",
                       suggestion ? "'?" : "", known ? " (known keys: " : "", known ? known : "", known ? ")" : "");
}

/* Reports the first unused entry; see keyvalue_int.h. */
lc_status lc_kv_check_used(lc_context *ctx, const lc_kv *kv, const char *known, const char *const *candidates)
{
    for (size_t i = 0; i < lc_kv_count(kv); i++) {
        const lc_kv_entry *e = kv->entries[i];
        if (e->used)
            continue;
        char word[512];
        snprintf(word, sizeof word, "%.*s", written_len(e), e->key);
        int line = e->in_seq ? lc_kv_section_line(kv, word) : 0;
        lc_kv_entry shown = *e;
        if (line)
            shown.line = line;
        return lc_kv_unknown(ctx, kv, &shown, lc_kv_suggest(word, candidates), known);
    }
    return LC_OK;
}

/* ---- parsing ---------------------------------------------------------------------------------- */

/* Releases a frame's strings. */
static void frame_clear(kv_frame *f)
{
    free(f->path);
    free(f->key);
    memset(f, 0, sizeof *f);
}

/* The dotted path of the value about to be read in the innermost container: the container's path
 * joined with the pending key or the next index. Caller frees; NULL with LC_ERR_NOMEM. */
static char *child_path(lc_context *ctx, const kv_frame *f)
{
    if (f->is_seq)
        return *f->path ? lc_sprintf(ctx, "%s.%zu", f->path, f->index) : lc_sprintf(ctx, "%zu", f->index);
    return *f->path ? lc_sprintf(ctx, "%s.%s", f->path, f->key) : lc_strdup(ctx, f->key);
}

/* The line of a libyaml mark, 1-based. */
static int mark_line(yaml_mark_t mark)
{
    return (int)mark.line + 1;
}

/* Refuses (LC_ERR_CONFIG, at line) a dotted path that would make the document hold more than
 * LC_KV_MAX_KEYS keys (entries and sections together) or that is longer than LC_KV_MAX_KEY_BYTES,
 * and one that is already an entry or a section: a duplicate key. LC_OK otherwise. */
static lc_status check_new_path(kv_parse *p, const char *path, int line)
{
    const lc_kv *kv = p->kv;
    size_t len = strlen(path);
    if (kv->count + kv->nsections >= LC_KV_MAX_KEYS)
        return lc_kv_error(p->ctx, kv, line, LC_ERR_CONFIG, "more than %d keys; a study or profile file holds a "
                           "few hundred", LC_KV_MAX_KEYS);
    if (len > LC_KV_MAX_KEY_BYTES) {
        int shown = 60;
        while (shown > 0 && ((unsigned char)path[shown] & 0xC0) == 0x80)
            shown--; /* cut before a character, not inside one */
        return lc_kv_error(p->ctx, kv, line, LC_ERR_CONFIG, "the key '%.*s...' is %zu bytes long, more than the %d "
                           "a key may have", shown, path, len, LC_KV_MAX_KEY_BYTES);
    }
    const size_t *entry = lc_strmap_find(&kv->by_key, path, len);
    const size_t *section = entry ? NULL : lc_strmap_find(&kv->by_section, path, len);
    if (entry || section)
        return lc_kv_error(p->ctx, kv, line, LC_ERR_CONFIG, "duplicate key '%s' (first given at line %d)", path,
                           entry ? kv->entries[*entry]->line : kv->sections[*section].line);
    return LC_OK;
}

/* Opens a container: the top-level mapping or the value of the innermost container's key/item
 * (which starts at `at`), and notes where a nested one was opened. Refuses (LC_ERR_CONFIG) a
 * container nested more than LC_KV_MAX_DEPTH deep, before anything of it is kept. */
static lc_status push_frame(kv_parse *p, bool is_seq, yaml_mark_t at)
{
    int line = mark_line(at);
    if (p->depth >= LC_KV_MAX_DEPTH)
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG, "mappings and lists nested more than %d deep at "
                           "column %zu (a study or profile needs 4 at most)", LC_KV_MAX_DEPTH, at.column + 1);
    char *path = p->depth ? child_path(p->ctx, &p->frames[p->depth - 1]) : lc_strdup(p->ctx, "");
    if (!path)
        return LC_ERR_NOMEM;
    lc_status st = LC_ERR_NOMEM;
    if (p->depth && p->frames[p->depth - 1].is_seq && (st = check_new_path(p, path, line)) != LC_OK)
        goto fail; /* a mapping's key was checked when it was read */
    st = LC_ERR_NOMEM;
    if (lc_grow(p->ctx, (void **)&p->frames, &p->cap, p->depth + 1, sizeof *p->frames) != LC_OK)
        goto fail;
    if (p->depth) {
        const kv_frame *parent = &p->frames[p->depth - 1];
        lc_kv *kv = p->kv;
        bool added;
        char *copy = lc_strdup(p->ctx, path);
        if (!copy || lc_grow(p->ctx, (void **)&kv->sections, &kv->capsections, kv->nsections + 1,
                             sizeof *kv->sections) != LC_OK ||
            !lc_strmap_add(p->ctx, &kv->by_section, copy, strlen(copy), kv->nsections, &added)) {
            free(copy);
            goto fail;
        }
        kv->sections[kv->nsections].path = copy;
        kv->sections[kv->nsections++].line = parent->is_seq ? line : parent->key_line;
    }
    kv_frame *f = &p->frames[p->depth++];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->is_seq = is_seq;
    return LC_OK;
fail:
    free(path);
    return st;
}

/* Notes that the innermost container's pending value has been read: a mapping waits for its next
 * key, a sequence moves to its next index. */
static void value_done(kv_parse *p)
{
    if (!p->depth)
        return;
    kv_frame *f = &p->frames[p->depth - 1];
    if (f->is_seq) {
        f->index++;
    } else {
        free(f->key);
        f->key = NULL;
    }
}

/* Whether a plain scalar is YAML's null ("", "~", "null"). */
static bool is_null_scalar(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* Handles a scalar: the key of a mapping entry, its value, or a sequence item. */
static lc_status on_scalar(kv_parse *p, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    int line = mark_line(ev->start_mark);
    if (memchr(text, '\0', ev->data.scalar.length))
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG, "a key or value contains a NUL character");
    if (!p->depth) {
        if (is_null_scalar(ev))
            return LC_OK; /* an empty document: an empty mapping */
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                           "the top level must be a mapping of 'key: value' lines, not a single value");
    }
    kv_frame *f = &p->frames[p->depth - 1];
    if (!f->is_seq && !f->key) {
        if (!*text)
            return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG, "empty key");
        if (!(f->key = lc_strdup(p->ctx, text)))
            return LC_ERR_NOMEM;
        char *full = child_path(p->ctx, f);
        lc_status st = full ? check_new_path(p, full, line) : LC_ERR_NOMEM;
        free(full);
        if (st != LC_OK)
            return st;
        f->key_line = line;
        return LC_OK;
    }
    char *key = child_path(p->ctx, f);
    if (!key)
        return LC_ERR_NOMEM;
    int entry_line = f->is_seq ? line : f->key_line;
    lc_status checked = f->is_seq ? check_new_path(p, key, entry_line) : LC_OK;
    if (checked != LC_OK) {
        free(key);
        return checked;
    }
    char *value = lc_strdup(p->ctx, is_null_scalar(ev) ? "" : text);
    if (!value) {
        free(key);
        return LC_ERR_NOMEM;
    }
    lc_status st = append_owned(p->ctx, p->kv, key, value, entry_line, f->is_seq);
    if (st != LC_OK)
        return st;
    value_done(p);
    return LC_OK;
}

/* Handles the start of a mapping or sequence. */
static lc_status on_container(kv_parse *p, const yaml_event_t *ev, bool is_seq)
{
    int line = mark_line(ev->start_mark);
    if (!p->depth && is_seq)
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                           "the top level must be a mapping of 'key: value' lines, not a list");
    if (p->depth) {
        const kv_frame *f = &p->frames[p->depth - 1];
        if (!f->is_seq && !f->key)
            return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                               "a key must be a single value, not a mapping or a list");
    }
    return push_frame(p, is_seq, ev->start_mark);
}

/* Handles one parser event. */
static lc_status on_event(kv_parse *p, const yaml_event_t *ev)
{
    int line = mark_line(ev->start_mark);
    const yaml_char_t *anchor = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: anchor = ev->data.scalar.anchor; break;
    case YAML_MAPPING_START_EVENT: anchor = ev->data.mapping_start.anchor; break;
    case YAML_SEQUENCE_START_EVENT: anchor = ev->data.sequence_start.anchor; break;
    default: break;
    }
    if (anchor)
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                           "YAML anchors ('&%s') are not supported; write the value out in full", (const char *)anchor);
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        p->done = true;
        return LC_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++p->documents > 1)
            return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                               "only one YAML document is allowed (found a second '---')");
        return LC_OK;
    case YAML_ALIAS_EVENT:
        return lc_kv_error(p->ctx, p->kv, line, LC_ERR_CONFIG,
                           "YAML aliases ('*%s') are not supported; write the value out in full",
                           (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        return on_scalar(p, ev);
    case YAML_MAPPING_START_EVENT:
        return on_container(p, ev, false);
    case YAML_SEQUENCE_START_EVENT:
        return on_container(p, ev, true);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        if (p->depth) {
            frame_clear(&p->frames[--p->depth]);
            value_done(p);
        }
        return LC_OK;
    default:
        return LC_OK;
    }
}

/* The byte offset of a libyaml mark in text (marks count characters, not bytes); len if past the
 * end. Line breaks are \n, \r\n or \r as in libyaml. */
static size_t mark_offset(const char *text, size_t len, yaml_mark_t mark)
{
    size_t i = 0;
    for (size_t line = 0; line < mark.line && i < len; i++)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n')))
            line++;
    for (size_t col = 0; col < mark.column && i < len; col++)
        do
            i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80);
    return i < len ? i : len;
}

/* Reports libyaml's failure with its problem and position. */
static lc_status yaml_problem(lc_context *ctx, const lc_kv *kv, const yaml_parser_t *parser, const char *text,
                              size_t len)
{
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->error == YAML_MEMORY_ERROR)
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory parsing %s", lc_kv_name(kv));
    if (parser->error == YAML_READER_ERROR) {
        int line = 1;
        for (size_t i = 0; i < parser->problem_offset && i < len; i++)
            line += text[i] == '\n';
        return lc_kv_error(ctx, kv, line, LC_ERR_CONFIG, "not readable as UTF-8 text: %s (byte %zu)", problem,
                           parser->problem_offset);
    }
    size_t at = mark_offset(text, len, parser->problem_mark);
    const char *hint = at < len && text[at] == '\t' ? "; indent with spaces, YAML does not allow tabs" : "";
    if (parser->context)
        return lc_kv_error(ctx, kv, mark_line(parser->problem_mark), LC_ERR_CONFIG,
                           "malformed YAML: %s (column %zu, %s at line %d)%s", problem,
                           parser->problem_mark.column + 1, parser->context, mark_line(parser->context_mark), hint);
    return lc_kv_error(ctx, kv, mark_line(parser->problem_mark), LC_ERR_CONFIG, "malformed YAML: %s (column %zu)%s",
                       problem, parser->problem_mark.column + 1, hint);
}

/* Parses text (len bytes) into kv, which must be empty. LC_OK or an error recorded in ctx. */
static lc_status parse_into(lc_context *ctx, lc_kv *kv, const char *text, size_t len)
{
    yaml_parser_t parser;
    kv_parse p = {.ctx = ctx, .kv = kv};
    lc_status st = LC_OK;
    if (len > LC_KV_MAX_BYTES)
        return lc_kv_error(ctx, kv, 0, LC_ERR_CONFIG, "the text is larger than 1 MB (%d bytes), the most a study or "
                           "profile may be", LC_KV_MAX_BYTES);
    if (!yaml_parser_initialize(&parser))
        return lc_error(ctx, LC_ERR_NOMEM, "out of memory starting the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!p.done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = yaml_problem(ctx, kv, &parser, text, len);
            goto fail;
        }
        st = on_event(&p, &ev);
        yaml_event_delete(&ev);
        if (st != LC_OK)
            goto fail;
    }
fail:
    while (p.depth)
        frame_clear(&p.frames[--p.depth]);
    free(p.frames);
    yaml_parser_delete(&parser);
    return st;
}

/* Parses a string; see keyvalue_int.h. */
lc_kv *lc_kv_parse_string(lc_context *ctx, const char *text, const char *name)
{
    if (!text) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_kv_parse_string: text is NULL");
        return NULL;
    }
    lc_kv *kv = lc_kv_create(ctx, name);
    if (!kv)
        return NULL;
    if (parse_into(ctx, kv, text, strlen(text)) != LC_OK)
        goto fail;
    return kv;
fail:
    lc_kv_destroy(kv);
    return NULL;
}

/* Reads a whole file into a NUL-terminated buffer (*len bytes before the NUL). Only a regular file
 * of at most LC_KV_MAX_BYTES is read: it is opened without blocking (a named pipe would wait for a
 * writer) and refused unless fstat calls it a regular file, and a file that grows past the limit
 * while read is refused too. Caller frees. NULL with LC_ERR_IO naming the path (cannot read, not a
 * regular file), LC_ERR_CONFIG (too large) or LC_ERR_NOMEM. */
static char *read_file(lc_context *ctx, const char *path, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0)
        goto io_fail;
    if (!S_ISREG(st.st_mode)) {
        lc_error(ctx, LC_ERR_IO, "cannot read '%s': it is %s, not a regular file", path, lc_file_type(st.st_mode));
        goto fail;
    }
    if (st.st_size > LC_KV_MAX_BYTES)
        goto too_large;
    /* One byte more than the limit, to see a file that grew; one for the NUL. */
    if (!(buf = lc_malloc(ctx, (size_t)st.st_size + 2)))
        goto fail;
    for (;;) {
        ssize_t got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            goto io_fail;
        n += (size_t)got;
        if (got == 0 || n == (size_t)st.st_size + 1)
            break;
    }
    if (n > (size_t)st.st_size) /* it grew while read */
        goto too_large;
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
too_large:
    lc_error(ctx, LC_ERR_CONFIG, "%s: larger than 1 MB (%d bytes), the most a study or profile file may be "
             "(they are a few kilobytes)", path, LC_KV_MAX_BYTES);
    goto fail;
io_fail:;
    char reason[256] = "";
    if (strerror_r(errno, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", errno);
    lc_error(ctx, LC_ERR_IO, "cannot read '%s': %s", path, reason);
fail:
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

/* Reads and parses a file; see keyvalue_int.h. */
lc_kv *lc_kv_parse_file(lc_context *ctx, const char *path)
{
    size_t len = 0;
    char *text = NULL;
    lc_kv *kv = NULL;
    if (!path) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_kv_parse_file: path is NULL");
        return NULL;
    }
    if (!(text = read_file(ctx, path, &len)))
        goto fail;
    if (!(kv = lc_kv_create(ctx, path)))
        goto fail;
    if (parse_into(ctx, kv, text, len) != LC_OK)
        goto fail;
    free(text);
    return kv;
fail:
    lc_kv_destroy(kv);
    free(text);
    return NULL;
}
