/*
 * layers/profile_extends.c — `extends:`: a profile parsed from its built-in name or file and, while
 * it extends another (a built-in name or a path relative to the extending file, at most four levels
 * deep), merged over its base key by key (a list or a category the child sets replaces the base's).
 * The merged key/value list is read in layers/profile.c.
 */
#include <cpl_conv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "geo/strmap_int.h"
#include "layers/keyvalue_int.h"
#include "layers/profile_int.h"
#include "lifecircle/profile.h"

/* Parses the text of a built-in profile or a profile file into a key/value list. */
static lc_kv *parse_profile_source(lc_context *ctx, const char *name_or_path)
{
    const char *text = lc_profile_builtin_text(name_or_path);
    if (text) {
        char *display = lc_sprintf(ctx, "%s (built-in)", name_or_path);
        if (!display)
            return NULL;
        lc_kv *kv = lc_kv_parse_string(ctx, text, display);
        free(display);
        return kv;
    }
    lc_kv *kv = lc_kv_parse_file(ctx, name_or_path);
    if (!kv && lc_context_errno(ctx) == LC_ERR_IO && !strchr(name_or_path, '/')) {
        char msg[1024], names[512] = "";
        snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
        for (size_t i = 0; lc_builtin_profile_names[i]; i++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", lc_builtin_profile_names[i]);
        }
        lc_error(ctx, LC_ERR_IO, "%s (and '%s' is not a built-in profile; built-in: %s)", msg, name_or_path,
                 *names ? names : "none");
    }
    return kv;
}

/* The key of the list an item belongs to ("categories.centre.aliases" for ".aliases.3"), into buf. */
static void list_key(const lc_kv_entry *e, char *buf, size_t size)
{
    const char *dot = strrchr(e->key, '.');
    snprintf(buf, size, "%.*s", dot ? (int)(dot - e->key) : 0, e->key);
}

/* Whether child holds any item of the list `list`. */
static bool child_has_list(const lc_kv *child, const char *list)
{
    char buf[512];
    for (size_t i = 0; i < lc_kv_count(child); i++) {
        const lc_kv_entry *e = lc_kv_at(child, i);
        if (!e->in_seq)
            continue;
        list_key(e, buf, sizeof buf);
        if (!strcmp(buf, list))
            return true;
    }
    return false;
}

/* Copies one entry into out, keeping its line and list flag. */
static lc_status copy_entry(lc_context *ctx, lc_kv *out, const lc_kv_entry *e)
{
    lc_status st = lc_kv_set(ctx, out, e->key, e->value, e->line);
    if (st == LC_OK)
        lc_kv_find(out, e->key)->in_seq = e->in_seq;
    return st;
}

/* Whether base entry b is the category (or categories list) of a norm for which the child gives the
 * other one: a norm's `category:` and `categories: [...]` are one setting, so a child giving either
 * replaces both. */
static bool replaced_categories(const lc_kv_entry *b, const lc_kv *child)
{
    if (strncmp(b->key, "norms.", 6))
        return false;
    const char *dot = strchr(b->key + 6, '.');
    if (!dot)
        return false;
    char other[512];
    if (!strcmp(dot, ".category")) {
        snprintf(other, sizeof other, "%.*s.categories", (int)(dot - b->key), b->key);
        return child_has_list(child, other);
    }
    if (b->in_seq && !strncmp(dot, ".categories.", 12)) {
        snprintf(other, sizeof other, "%.*s.category", (int)(dot - b->key), b->key);
        return lc_kv_find(child, other) != NULL;
    }
    return false;
}

/* Merges a child profile over its base into a new list named like the child: the base's keys in the
 * base's order with the child's values where the child sets them, a list the child sets replacing the
 * base's list whole, then the child's own new keys. `extends` itself is dropped. NULL on failure. */
static lc_kv *merge_profiles(lc_context *ctx, const lc_kv *base, const lc_kv *child)
{
    lc_kv *out = lc_kv_create(ctx, lc_kv_name(child));
    if (!out)
        return NULL;
    char list[512];
    for (size_t i = 0; i < lc_kv_count(base); i++) {
        const lc_kv_entry *b = lc_kv_at(base, i);
        if (!strcmp(b->key, "extends") || lc_kv_find(out, b->key) || replaced_categories(b, child))
            continue;
        if (b->in_seq) {
            list_key(b, list, sizeof list);
            if (child_has_list(child, list)) {
                for (size_t k = 0; k < lc_kv_count(child); k++) {
                    const lc_kv_entry *c = lc_kv_at(child, k);
                    char cl[512];
                    if (c->in_seq && (list_key(c, cl, sizeof cl), !strcmp(cl, list)) && !lc_kv_find(out, c->key) &&
                        copy_entry(ctx, out, c) != LC_OK)
                        goto fail;
                }
                continue;
            }
        }
        const lc_kv_entry *c = lc_kv_find(child, b->key);
        if (copy_entry(ctx, out, c ? c : b) != LC_OK)
            goto fail;
    }
    for (size_t k = 0; k < lc_kv_count(child); k++) {
        const lc_kv_entry *c = lc_kv_at(child, k);
        if (strcmp(c->key, "extends") && !lc_kv_find(out, c->key) && copy_entry(ctx, out, c) != LC_OK)
            goto fail;
    }
    return out;
fail:
    lc_kv_destroy(out);
    return NULL;
}

/* Parses a profile and, while it says `extends: <base>`, merges it over its base (built-in name or a
 * path relative to the extending file), at most four levels deep. */
lc_kv *lc_profile_load_kv(lc_context *ctx, const char *name_or_path, int depth)
{
    lc_kv *kv = parse_profile_source(ctx, name_or_path);
    const lc_kv_entry *ext = kv ? lc_kv_find(kv, "extends") : NULL;
    if (!ext)
        return kv;
    if (depth >= 4) {
        lc_kv_error(ctx, kv, ext->line, LC_ERR_CONFIG, "'extends' goes more than four profiles deep (a loop?)");
        lc_kv_destroy(kv);
        return NULL;
    }
    char *base_name = NULL;
    if (!lc_profile_builtin_text(ext->value) && ext->value[0] != '/' && strchr(name_or_path, '/')) {
        const char *slash = strrchr(name_or_path, '/');
        base_name = lc_sprintf(ctx, "%.*s/%s", (int)(slash - name_or_path), name_or_path, ext->value);
    } else {
        base_name = lc_strdup(ctx, ext->value);
    }
    lc_kv *base = base_name ? lc_profile_load_kv(ctx, base_name, depth + 1) : NULL;
    free(base_name);
    lc_kv *merged = base ? merge_profiles(ctx, base, kv) : NULL;
    if (!base && lc_context_errno(ctx) != LC_ERR_NOMEM) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
        lc_kv_error(ctx, kv, ext->line, LC_ERR_CONFIG, "extends '%s': %s", ext->value, msg);
    }
    lc_kv_destroy(base);
    lc_kv_destroy(kv);
    return merged;
}
