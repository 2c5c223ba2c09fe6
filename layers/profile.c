/*
 * layers/profile.c — standards profiles (include/lifecircle/profile.h): the facility categories with
 * their names, reach and aliases, read from a built-in YAML text (the profiles folder, embedded by
 * layers/embed_profiles.py) or a user's file through layers/keyvalue.c. The file format is described
 * in profiles/shanghai-2025.yml. Norms (`norms:`) are accepted but not read yet; the checks that use
 * the categories live in queries/.
 */
#include <cpl_conv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "layers/keyvalue_int.h"
#include "layers/profile_int.h"
#include "lifecircle/profile.h"

#define CODE_MAX 64

struct lc_profile {
    lc_kv *kv;             /* the parsed file: owns every string the categories borrow */
    const char *name;      /* `profile:` */
    lc_category *cats;
    const char ***aliases; /* aliases[i] is cats[i].aliases (NULL-terminated), owned */
    char **codes;          /* codes[i] is cats[i].code, owned */
    int *lines;            /* the line of category i's key (or of its first entry) */
    size_t count;
    size_t cap;
};

/* Keys a category may have, after "categories.<code>.". */
static const char *const category_fields[] = {"zh", "en", "floor_area", "aliases", "reach.minutes",
                                              "reach.metres", "reach.source", NULL};

#define KNOWN_KEYS                                                                                       \
    "profile, title, description, reach.minutes, reach.metres, reach.source, categories.<code>.zh, "    \
    "categories.<code>.en, categories.<code>.floor_area, categories.<code>.aliases, "                    \
    "categories.<code>.reach.minutes, categories.<code>.reach.metres, categories.<code>.reach.source, " \
    "norms"

/* The built-in names; see profile.h. */
const char *const *lc_profile_builtin_names(void)
{
    return lc_builtin_profile_names;
}

/* The built-in text of a name; see profile.h. */
const char *lc_profile_builtin_text(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; lc_builtin_profile_names[i]; i++)
        if (strcmp(lc_builtin_profile_names[i], name) == 0)
            return lc_builtin_profile_texts[i];
    return NULL;
}

/* Releases a profile; see profile.h. */
void lc_profile_destroy(lc_profile *profile)
{
    if (!profile)
        return;
    for (size_t i = 0; i < profile->count; i++) {
        if (profile->aliases)
            free(profile->aliases[i]);
        free(profile->codes[i]);
    }
    free(profile->aliases);
    free(profile->codes);
    free(profile->lines);
    free(profile->cats);
    lc_kv_destroy(profile->kv);
    free(profile);
}

/* ---- comparing labels ------------------------------------------------------------------------- */

/* Narrows [*b, *e) past surrounding ASCII blanks and ideographic spaces (U+3000, E3 80 80). */
static void trim(const char **b, const char **e)
{
    for (;;) {
        if (*b < *e && strchr(" \t\r\n\v\f", **b) && **b)
            (*b)++;
        else if (*e - *b >= 3 && !memcmp(*b, "\xE3\x80\x80", 3))
            *b += 3;
        else
            break;
    }
    for (;;) {
        if (*e > *b && strchr(" \t\r\n\v\f", (*e)[-1]) && (*e)[-1])
            (*e)--;
        else if (*e - *b >= 3 && !memcmp(*e - 3, "\xE3\x80\x80", 3))
            *e -= 3;
        else
            break;
    }
}

/* Whether two labels are the same once trimmed, ignoring ASCII case (other bytes compare exactly,
 * so Chinese text must match as written). */
static bool same_label(const char *x, const char *y)
{
    const char *xb = x, *xe = x + strlen(x), *yb = y, *ye = y + strlen(y);
    trim(&xb, &xe);
    trim(&yb, &ye);
    if (xe - xb != ye - yb)
        return false;
    for (; xb < xe; xb++, yb++) {
        unsigned char a = (unsigned char)*xb, c = (unsigned char)*yb;
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (a != c)
            return false;
    }
    return true;
}

/* ---- reading ---------------------------------------------------------------------------------- */

/* Whether s is a list index: digits only. */
static bool is_index(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Marks the entries whose keys the format knows, in document order; reports at once a value where
 * a mapping belongs and a list where a single value belongs. LC_OK or LC_ERR_CONFIG. Unknown keys
 * stay unmarked for lc_kv_check_used. */
static lc_status mark_known(lc_context *ctx, lc_profile *pr)
{
    for (size_t i = 0; i < lc_kv_count(pr->kv); i++) {
        lc_kv_entry *e = lc_kv_at(pr->kv, i);
        const char *k = e->key;
        if (!strcmp(k, "norms") || !strncmp(k, "norms.", 6)) {
            e->used = true; /* norms are read by a later version; accepted as they are for now */
            continue;
        }
        const char *tail = !strncmp(k, "categories.", 11) ? k + 11 : NULL;
        const char *field = tail ? strchr(tail, '.') : NULL;
        if (field)
            field++;
        if (e->in_seq) {
            if (field && !strncmp(field, "aliases.", 8) && is_index(field + 8)) {
                e->used = true;
                continue;
            }
            const char *dot = strrchr(k, '.');
            char parent[256];
            snprintf(parent, sizeof parent, "%.*s", (int)(dot - k), k);
            const char *pf = !strncmp(parent, "categories.", 11) ? strchr(parent + 11, '.') : NULL;
            bool mapping = !strcmp(parent, "reach") || !strcmp(parent, "categories") ||
                           (!strncmp(parent, "categories.", 11) && !pf) || (pf && !strcmp(pf, ".reach"));
            bool scalar = !strcmp(parent, "profile") || !strcmp(parent, "title") ||
                          !strcmp(parent, "description") || !strncmp(parent, "reach.", 6);
            for (const char *const *f = category_fields; pf && *f; f++)
                scalar = scalar || !strcmp(pf + 1, *f);
            if (!mapping && !scalar)
                continue; /* an unknown key holding a list: lc_kv_check_used reports it */
            int line = lc_kv_section_line(pr->kv, parent);
            return lc_kv_error(ctx, pr->kv, line ? line : e->line, LC_ERR_CONFIG, "'%s' takes %s, not a list",
                               parent, mapping ? "a mapping of keys" : "a single value");
        }
        if (!strcmp(k, "profile") || !strcmp(k, "title") || !strcmp(k, "description") ||
            !strcmp(k, "reach.minutes") || !strcmp(k, "reach.metres") || !strcmp(k, "reach.source")) {
            e->used = true;
        } else if (!strcmp(k, "reach") || !strcmp(k, "categories") || (field && !strcmp(field, "reach"))) {
            if (*e->value)
                return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                                   "'%s' takes a mapping of keys, not the value '%s'", k, e->value);
            e->used = true;
        } else if (tail && !field) {
            if (*e->value)
                return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                                   "category '%s' takes a mapping (zh, en, floor_area, reach, aliases), "
                                   "not the value '%s'", tail, e->value);
            e->used = true;
        } else if (field) {
            for (const char *const *f = category_fields; *f; f++)
                if (!strcmp(field, *f))
                    e->used = true;
        }
    }
    return LC_OK;
}

/* Collects the category codes in the order they first appear, and checks their spelling. */
static lc_status collect_codes(lc_context *ctx, lc_profile *pr)
{
    size_t pos = 0;
    const lc_kv_entry *e;
    while ((e = lc_kv_next(pr->kv, "categories", &pos))) {
        const char *tail = lc_kv_tail(e, "categories");
        size_t n = strcspn(tail, ".");
        bool seen = false;
        for (size_t i = 0; i < pr->count && !seen; i++)
            seen = strlen(pr->codes[i]) == n && !strncmp(pr->codes[i], tail, n);
        if (seen)
            continue;
        bool ok = n > 0 && n <= CODE_MAX && ((tail[0] >= 'a' && tail[0] <= 'z') || (tail[0] >= 'A' && tail[0] <= 'Z'));
        for (size_t j = 0; j < n && ok; j++)
            ok = (tail[j] >= 'a' && tail[j] <= 'z') || (tail[j] >= 'A' && tail[j] <= 'Z') ||
                 (tail[j] >= '0' && tail[j] <= '9') || tail[j] == '_';
        char section[CODE_MAX + 16];
        snprintf(section, sizeof section, "categories.%.*s", (int)(n < CODE_MAX ? n : CODE_MAX), tail);
        int line = lc_kv_section_line(pr->kv, section);
        if (!ok)
            return lc_kv_error(ctx, pr->kv, line ? line : e->line, LC_ERR_CONFIG,
                               "category code '%.*s' must be up to %d ASCII letters, digits and '_', starting "
                               "with a letter (the Chinese name goes under 'zh:')",
                               (int)n, tail, CODE_MAX);
        size_t cap = pr->cap;
        if (lc_grow(ctx, (void **)&pr->codes, &cap, pr->count + 1, sizeof *pr->codes) != LC_OK)
            return LC_ERR_NOMEM;
        cap = pr->cap;
        if (lc_grow(ctx, (void **)&pr->lines, &cap, pr->count + 1, sizeof *pr->lines) != LC_OK)
            return LC_ERR_NOMEM;
        pr->cap = cap;
        if (!(pr->codes[pr->count] = lc_sprintf(ctx, "%.*s", (int)n, tail)))
            return LC_ERR_NOMEM;
        pr->lines[pr->count++] = line ? line : e->line;
    }
    return LC_OK;
}

/* Reports the first key the format does not know, with a hint built from the codes present. */
static lc_status check_unknown(lc_context *ctx, lc_profile *pr)
{
    static const char *const fixed[] = {"profile", "title", "description", "reach.minutes", "reach.metres",
                                        "reach.source", "norms"};
    size_t nfixed = sizeof fixed / sizeof fixed[0], nfields = sizeof category_fields / sizeof *category_fields - 1;
    size_t n = nfixed + pr->count * nfields;
    lc_status st = LC_ERR_NOMEM;
    char **cands = lc_calloc(ctx, n + 1, sizeof *cands);
    if (!cands)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < nfixed; i++)
        if (!(cands[i] = lc_strdup(ctx, fixed[i])))
            goto fail;
    for (size_t c = 0; c < pr->count; c++)
        for (size_t f = 0; f < nfields; f++)
            if (!(cands[nfixed + c * nfields + f] = lc_sprintf(ctx, "categories.%s.%s", pr->codes[c],
                                                               category_fields[f])))
                goto fail;
    st = lc_kv_check_used(ctx, pr->kv, KNOWN_KEYS, (const char *const *)cands);
fail:
    for (size_t i = 0; i < n; i++)
        free(cands[i]);
    free(cands);
    return st;
}

/* Reads a positive number at key (which must be present). */
static lc_status read_positive(lc_context *ctx, const lc_profile *pr, const char *key, double *out)
{
    const lc_kv_entry *e = lc_kv_find(pr->kv, key);
    char *end = NULL;
    const char *v = e->value;
    while (*v == ' ' || *v == '\t')
        v++;
    double d = *v ? CPLStrtod(v, &end) : NAN;
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (!end || end == v || *end || !isfinite(d) || d <= 0)
        return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "'%s' must be a positive number (got '%s')", key,
                           e->value);
    *out = d;
    return LC_OK;
}

/* Reads a yes/no value at key (which must be present). */
static lc_status read_bool(lc_context *ctx, const lc_profile *pr, const char *key, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", NULL}, *const no[] = {"false", "no", "off", NULL};
    const lc_kv_entry *e = lc_kv_find(pr->kv, key);
    for (int i = 0; yes[i]; i++) {
        if (!strcasecmp(e->value, yes[i])) {
            *out = 1;
            return LC_OK;
        }
        if (!strcasecmp(e->value, no[i])) {
            *out = 0;
            return LC_OK;
        }
    }
    return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "'%s' must be true or false (got '%s')", key, e->value);
}

/* Reads the reach mapping at prefix ("reach" or "categories.<code>.reach"): minutes, metres and
 * source, all three required once any is given. *present false (and nothing read) when none is. */
static lc_status read_reach(lc_context *ctx, const lc_profile *pr, const char *prefix, int line, bool *present,
                            lc_category *out)
{
    char kmin[CODE_MAX + 64], kmet[CODE_MAX + 64], ksrc[CODE_MAX + 64];
    snprintf(kmin, sizeof kmin, "%s.minutes", prefix);
    snprintf(kmet, sizeof kmet, "%s.metres", prefix);
    snprintf(ksrc, sizeof ksrc, "%s.source", prefix);
    *present = lc_kv_find(pr->kv, kmin) || lc_kv_find(pr->kv, kmet) || lc_kv_find(pr->kv, ksrc);
    if (!*present)
        return LC_OK;
    const char *keys[] = {kmin, kmet, ksrc};
    for (int i = 0; i < 3; i++)
        if (!lc_kv_find(pr->kv, keys[i]))
            return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG,
                               "'%s' needs minutes, metres and source together; '%s' is missing", prefix, keys[i]);
    lc_status st = read_positive(ctx, pr, kmin, &out->reach_minutes);
    if (st == LC_OK)
        st = read_positive(ctx, pr, kmet, &out->reach_m);
    if (st != LC_OK)
        return st;
    out->reach_source = lc_kv_get(pr->kv, ksrc);
    if (!*out->reach_source)
        return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, ksrc)->line, LC_ERR_CONFIG,
                           "'%s' must say where the numbers come from", ksrc);
    return LC_OK;
}

/* Reads category i's aliases: a list, or a single value. */
static lc_status read_aliases(lc_context *ctx, lc_profile *pr, size_t i)
{
    char prefix[CODE_MAX + 32];
    snprintf(prefix, sizeof prefix, "categories.%s.aliases", pr->codes[i]);
    const lc_kv_entry *single = lc_kv_find(pr->kv, prefix), *e;
    size_t n = 0, pos = 0;
    while (lc_kv_next(pr->kv, prefix, &pos))
        n++;
    const char **list = lc_calloc(ctx, n + 2, sizeof *list);
    if (!list)
        return LC_ERR_NOMEM;
    pr->aliases[i] = list;
    pr->cats[i].aliases = list;
    n = 0;
    if (single && *single->value)
        list[n++] = single->value;
    pos = 0;
    while ((e = lc_kv_next(pr->kv, prefix, &pos))) {
        const char *b = e->value, *end = b + strlen(b);
        trim(&b, &end);
        if (b == end)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "empty alias in '%s'", prefix);
        list[n++] = e->value;
    }
    return LC_OK;
}

/* Reads category i: names, floor-area flag, reach (or the default), aliases. */
static lc_status read_category(lc_context *ctx, lc_profile *pr, size_t i, const lc_category *fallback)
{
    char key[CODE_MAX + 32];
    lc_category *c = &pr->cats[i];
    const char *code = pr->codes[i];
    lc_status st;
    c->code = code;
    snprintf(key, sizeof key, "categories.%s.zh", code);
    c->name_zh = lc_kv_get(pr->kv, key);
    snprintf(key, sizeof key, "categories.%s.en", code);
    c->name_en = lc_kv_get(pr->kv, key);
    if (!c->name_zh || !*c->name_zh || !c->name_en || !*c->name_en)
        return lc_kv_error(ctx, pr->kv, pr->lines[i], LC_ERR_CONFIG,
                           "category '%s' needs a Chinese name (zh:) and an English name (en:); '%s' is %s", code,
                           !c->name_zh || !*c->name_zh ? "zh" : "en",
                           (!c->name_zh || !c->name_en) ? "missing" : "empty");
    snprintf(key, sizeof key, "categories.%s.floor_area", code);
    if (lc_kv_find(pr->kv, key) && (st = read_bool(ctx, pr, key, &c->counts_floor_area)) != LC_OK)
        return st;
    bool present;
    snprintf(key, sizeof key, "categories.%s.reach", code);
    if ((st = read_reach(ctx, pr, key, pr->lines[i], &present, c)) != LC_OK)
        return st;
    if (!present) {
        c->reach_m = fallback->reach_m;
        c->reach_minutes = fallback->reach_minutes;
        c->reach_source = fallback->reach_source;
    }
    return read_aliases(ctx, pr, i);
}

/* The k-th label of a category: code, zh, en, then the aliases; NULL past the last. */
static const char *label_at(const lc_category *c, size_t k)
{
    if (k == 0)
        return c->code;
    if (k == 1)
        return c->name_zh;
    if (k == 2)
        return c->name_en;
    return c->aliases[k - 3];
}

/* The line a label of category i was written on (labels are borrowed from the entries, so the
 * pointer finds its entry); the category's first line for its code. */
static int label_line(const lc_profile *pr, size_t i, const char *label)
{
    for (size_t k = 0; k < lc_kv_count(pr->kv); k++)
        if (lc_kv_at(pr->kv, k)->value == label)
            return lc_kv_at(pr->kv, k)->line;
    return pr->lines[i];
}

/* Checks that no label (code, zh, en or alias) names two categories. Reports the later one, at its
 * line, naming both categories. */
static lc_status check_clashes(lc_context *ctx, const lc_profile *pr)
{
    for (size_t j = 1; j < pr->count; j++) {
        const lc_category *b = &pr->cats[j];
        for (size_t i = 0; i < j; i++) {
            const lc_category *a = &pr->cats[i];
            const char *la, *lb;
            for (size_t y = 0; (lb = label_at(b, y)); y++)
                for (size_t x = 0; (la = label_at(a, x)); x++)
                    if (same_label(la, lb))
                        return lc_kv_error(ctx, pr->kv, label_line(pr, j, lb), LC_ERR_CONFIG,
                                           "'%s' names both category '%s' (line %d) and category '%s'; "
                                           "a label must name one category",
                                           lb, a->code, label_line(pr, i, la), b->code);
        }
    }
    return LC_OK;
}

/* Reads a parsed profile into pr. LC_OK or an error recorded in ctx. */
static lc_status read_profile(lc_context *ctx, lc_profile *pr)
{
    lc_status st;
    lc_category fallback = {0};
    bool present;
    if ((st = mark_known(ctx, pr)) != LC_OK || (st = collect_codes(ctx, pr)) != LC_OK ||
        (st = check_unknown(ctx, pr)) != LC_OK)
        return st;
    pr->name = lc_kv_get(pr->kv, "profile");
    if (!pr->name || !*pr->name)
        return lc_kv_error(ctx, pr->kv, 0, LC_ERR_CONFIG, "missing 'profile:' (the profile's name)");
    if ((st = read_reach(ctx, pr, "reach", 0, &present, &fallback)) != LC_OK)
        return st;
    if (!present)
        return lc_kv_error(ctx, pr->kv, 0, LC_ERR_CONFIG,
                           "missing 'reach:' (the default reach: minutes, metres and source)");
    if (!pr->count)
        return lc_kv_error(ctx, pr->kv, 0, LC_ERR_CONFIG, "missing 'categories:' (at least one category)");
    if (!(pr->cats = lc_calloc(ctx, pr->count, sizeof *pr->cats)))
        return LC_ERR_NOMEM;
    if (!(pr->aliases = lc_calloc(ctx, pr->count, sizeof *pr->aliases)))
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < pr->count; i++)
        if ((st = read_category(ctx, pr, i, &fallback)) != LC_OK)
            return st;
    return check_clashes(ctx, pr);
}

/* Loads a profile by built-in name or path; see profile.h. */
lc_profile *lc_profile_load(lc_context *ctx, const char *name_or_path)
{
    lc_profile *pr = NULL;
    if (!ctx)
        return NULL;
    if (!name_or_path) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_profile_load: name_or_path is NULL");
        return NULL;
    }
    if (!(pr = lc_calloc(ctx, 1, sizeof *pr)))
        return NULL;
    const char *text = lc_profile_builtin_text(name_or_path);
    if (text) {
        char *display = lc_sprintf(ctx, "%s (built-in)", name_or_path);
        if (!display)
            goto fail;
        pr->kv = lc_kv_parse_string(ctx, text, display);
        free(display);
    } else {
        pr->kv = lc_kv_parse_file(ctx, name_or_path);
        if (!pr->kv && lc_context_errno(ctx) == LC_ERR_IO && !strchr(name_or_path, '/')) {
            char msg[1024], names[512] = "";
            snprintf(msg, sizeof msg, "%s", lc_context_errmsg(ctx));
            for (size_t i = 0; lc_builtin_profile_names[i]; i++) {
                size_t used = strlen(names);
                snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", lc_builtin_profile_names[i]);
            }
            lc_error(ctx, LC_ERR_IO, "%s (and '%s' is not a built-in profile; built-in: %s)", msg, name_or_path,
                     *names ? names : "none");
        }
    }
    if (!pr->kv)
        goto fail;
    if (read_profile(ctx, pr) != LC_OK)
        goto fail;
    return pr;
fail:
    lc_profile_destroy(pr);
    return NULL;
}

/* The profile's name; see profile.h. */
const char *lc_profile_name(const lc_profile *profile)
{
    return profile ? profile->name : NULL;
}

/* Number of categories; see profile.h. */
size_t lc_profile_category_count(const lc_profile *profile)
{
    return profile ? profile->count : 0;
}

/* The i-th category; see profile.h. */
const lc_category *lc_profile_category(const lc_profile *profile, size_t i)
{
    return profile && profile->cats && i < profile->count ? &profile->cats[i] : NULL;
}

/* The category a label names; see profile.h. */
int lc_profile_find_category(const lc_profile *profile, const char *label)
{
    if (!profile || !label || !profile->cats)
        return -1;
    for (size_t i = 0; i < profile->count; i++) {
        const lc_category *c = &profile->cats[i];
        if (same_label(label, c->code) || same_label(label, c->name_zh) || same_label(label, c->name_en))
            return (int)i;
        for (const char *const *a = c->aliases; a && *a; a++)
            if (same_label(label, *a))
                return (int)i;
    }
    return -1;
}
