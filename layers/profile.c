/*
 * layers/profile.c — standards profiles (include/lifecircle/profile.h): the facility categories with
 * their names, reach and aliases, read from a built-in YAML text (the profiles folder, embedded by
 * layers/embed_profiles.py) or a user's file through layers/keyvalue.c, loading and the getters.
 * The norms a study is checked against are read in layers/profile_norms.c, the `network:` section
 * in layers/profile_network.c, `extends:` (a profile over another, overriding single keys) merged in
 * layers/profile_extends.c; the profile's state is in layers/profile_int.h.
 * The file format is described in profiles/shanghai-2025.yml; computing indicators lives in queries/.
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

/* The most categories and norms a profile may define: a plan has about ten of each, and past 64
 * categories every one needs its own `short:` code anyway. */
#define MAX_CATEGORIES 1000

#define NETWORK_FIELDS "walkable, exclude_access, max_snap_m, walk_speed_m_s, buffer_m, snap_tolerance_m"

/* Keys a category may have, after "categories.<code>.". */
static const char *const category_fields[] = {"zh", "en", "floor_area", "life_circle", "short", "aliases",
                                              "reach.minutes", "reach.metres", "reach.source", "size_min_m2",
                                              "size_max_m2", "typical.meals", "typical.beds",
                                              "typical.nursing_beds", "typical.places", "typical.source", NULL};

#define KNOWN_KEYS                                                                                       \
    "profile, extends, title, description, reach.minutes, reach.metres, reach.source, "                \
    "categories.<code>.zh, categories.<code>.en, categories.<code>.floor_area, "                         \
    "categories.<code>.life_circle, categories.<code>.short, categories.<code>.aliases, "                \
    "categories.<code>.reach.minutes, categories.<code>.reach.metres, categories.<code>.reach.source, " \
    "categories.<code>.typical.{meals, beds, nursing_beds, places, source}, "                          \
    "norms.<code>.kind, norms.<code>.category, norms.<code>.measure, norms.<code>.per, "                \
    "norms.<code>.target, norms.<code>.zh, norms.<code>.en, norms.<code>.source, network.walkable, "      \
    "network.exclude_access, network.max_snap_m, network.walk_speed_m_s, network.buffer_m, "              \
    "network.snap_tolerance_m, accessibility.<code>.*"

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
    for (size_t i = 0; i < profile->norm_count; i++) {
        free(profile->norm_codes[i]);
        if (profile->norm_cats)
            free(profile->norm_cats[i]);
    }
    free(profile->norm_cats);
    free(profile->norm_codes);
    free(profile->norms);
    free(profile->lines);
    free(profile->cats);
    free(profile->net_walkable);
    free(profile->net_exclude);
    for (size_t i = 0; profile->speed_sources && i < profile->count; i++)
        free(profile->speed_sources[i]);
    free(profile->speed_sources);
    lc_strmap_free(&profile->labels);
    for (size_t i = 0; i < profile->nfolded; i++)
        free(profile->folded[i]);
    free(profile->folded);
    lc_profile_access_free(&profile->access);
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

/* The form labels are looked up by (same_label's notion of equal): trimmed, ASCII letters in lower
 * case, into buf of size bytes when it fits, else into a fresh string. Returns the folded text and
 * its length in *len; *heap says whether the caller must free it. NULL when memory runs out. */
static char *fold_label(const char *label, char *buf, size_t size, size_t *len, bool *heap)
{
    const char *b = label, *e = label + strlen(label);
    trim(&b, &e);
    size_t n = (size_t)(e - b);
    char *out = n < size ? buf : malloc(n + 1);
    *heap = out != buf;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] - 'A' + 'a') : b[i];
    out[n] = '\0';
    *len = n;
    return out;
}

/* ---- reading ---------------------------------------------------------------------------------- */

/* Marks a `network:` entry used when the format knows it: the lists walkable and exclude_access
 * (items only) and the numbers max_snap_m, walk_speed_m_s, buffer_m, snap_tolerance_m. A list where
 * a number belongs or a value where a list belongs is LC_ERR_CONFIG; unknown keys stay unmarked. */
static lc_status mark_network(lc_context *ctx, lc_profile *pr, lc_kv_entry *e)
{
    static const char *const numbers[] = {"max_snap_m", "walk_speed_m_s", "buffer_m", "snap_tolerance_m", NULL};
    const char *k = e->key;
    if (!strcmp(k, "network")) {
        if (*e->value)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "'network' takes a mapping of keys (%s), not the value '%s'", NETWORK_FIELDS, e->value);
        e->used = true;
        return LC_OK;
    }
    const char *f = k + 8;
    for (const char *list = "walkable"; list; list = strcmp(list, "walkable") ? NULL : "exclude_access") {
        size_t n = strlen(list);
        if (!strncmp(f, list, n) && (!f[n] || f[n] == '.')) {
            if (e->in_seq && f[n] == '.' && is_index(f + n + 1)) {
                e->used = true;
                return LC_OK;
            }
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "'network.%s' takes a list ([footway, path, ...]), not a single value", list);
        }
    }
    for (const char *const *num = numbers; *num; num++)
        if (!strcmp(f, *num)) {
            if (e->in_seq)
                return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "'network.%s' takes a single number, not a list",
                                   *num);
            e->used = true;
        }
    return LC_OK;
}

/* Marks the entries whose keys the format knows, in document order; reports at once a value where
 * a mapping belongs and a list where a single value belongs. LC_OK or LC_ERR_CONFIG. Unknown keys
 * stay unmarked for lc_kv_check_used. */
static lc_status mark_known(lc_context *ctx, lc_profile *pr)
{
    for (size_t i = 0; i < lc_kv_count(pr->kv); i++) {
        lc_kv_entry *e = lc_kv_at(pr->kv, i);
        const char *k = e->key;
        if (!strcmp(k, "norms") || !strncmp(k, "norms.", 6) || !strcmp(k, "accessibility") ||
            !strncmp(k, "accessibility.", 14)) { /* accessibility: checked in lc_profile_access_read() */
            e->used = true; /* checked key by key in lc_profile_read_norms() */
            continue;
        }
        if (!strcmp(k, "network") || !strncmp(k, "network.", 8)) {
            lc_status st = mark_network(ctx, pr, e);
            if (st != LC_OK)
                return st;
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
            bool scalar = !strcmp(parent, "profile") || !strcmp(parent, "title") || !strcmp(parent, "extends") ||
                          !strcmp(parent, "description") || !strncmp(parent, "reach.", 6);
            for (const char *const *f = category_fields; pf && *f; f++)
                scalar = scalar || !strcmp(pf + 1, *f);
            if (!mapping && !scalar)
                continue; /* an unknown key holding a list: lc_kv_check_used reports it */
            int line = lc_kv_section_line(pr->kv, parent);
            return lc_kv_error(ctx, pr->kv, line ? line : e->line, LC_ERR_CONFIG, "'%s' takes %s, not a list",
                               parent, mapping ? "a mapping of keys" : "a single value");
        }
        if (!strcmp(k, "profile") || !strcmp(k, "title") || !strcmp(k, "description") || !strcmp(k, "extends") ||
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

/* Adds the category code of tail's first n bytes (entry e is its first key) to pr->codes, checking
 * its spelling and that the profile stays within MAX_CATEGORIES. LC_OK, LC_ERR_CONFIG or
 * LC_ERR_NOMEM. */
static lc_status add_code(lc_context *ctx, lc_profile *pr, const lc_kv_entry *e, const char *tail, size_t n)
{
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
    if (pr->count == MAX_CATEGORIES)
        return lc_kv_error(ctx, pr->kv, line ? line : e->line, LC_ERR_CONFIG,
                           "more than %d categories; a profile defines about ten", MAX_CATEGORIES);
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
    return LC_OK;
}

/* Collects the category codes in the order they first appear, and checks their spelling. */
static lc_status collect_codes(lc_context *ctx, lc_profile *pr)
{
    size_t pos = 0;
    const lc_kv_entry *e;
    lc_strmap seen = {0}; /* the codes collected so far (keys borrowed from the entries) */
    lc_status st = LC_OK;
    while ((e = lc_kv_next(pr->kv, "categories", &pos))) {
        const char *tail = lc_kv_tail(e, "categories");
        size_t n = strcspn(tail, ".");
        bool added;
        if (!lc_strmap_add(ctx, &seen, tail, n, 0, &added)) {
            st = LC_ERR_NOMEM;
            break;
        }
        if (!added)
            continue;
        if ((st = add_code(ctx, pr, e, tail, n)) != LC_OK)
            break;
    }
    lc_strmap_free(&seen);
    return st;
}

/* Reports the first key the format does not know, with a hint built from the codes present. */
static lc_status check_unknown(lc_context *ctx, lc_profile *pr)
{
    static const char *const fixed[] = {"profile", "extends", "title", "description", "reach.minutes",
                                        "reach.metres", "reach.source", "norms", "accessibility", "network.walkable",
                                        "network.exclude_access", "network.max_snap_m", "network.walk_speed_m_s",
                                        "network.buffer_m", "network.snap_tolerance_m"};
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
lc_status lc_profile_read_positive(lc_context *ctx, const lc_profile *pr, const char *key, double *out)
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
    lc_status st = lc_profile_read_positive(ctx, pr, kmin, &out->reach_minutes);
    if (st == LC_OK)
        st = lc_profile_read_positive(ctx, pr, kmet, &out->reach_m);
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

/* Reads category i's short code (for Shapefile field names): `short:`, 1 to 4 ASCII letters or
 * digits, or by default the code's first four characters in capitals. Uniqueness is checked in
 * check_short_codes() once every category is read. */
static lc_status read_short_code(lc_context *ctx, lc_profile *pr, size_t i)
{
    char key[CODE_MAX + 32];
    snprintf(key, sizeof key, "categories.%s.short", pr->codes[i]);
    const lc_kv_entry *e = lc_kv_find(pr->kv, key);
    if (e) {
        size_t n = strlen(e->value);
        bool ok = n >= 1 && n <= 4;
        for (size_t k = 0; k < n && ok; k++)
            ok = (e->value[k] >= 'A' && e->value[k] <= 'Z') || (e->value[k] >= 'a' && e->value[k] <= 'z') ||
                 (e->value[k] >= '0' && e->value[k] <= '9');
        if (!ok)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "'%s' must be 1 to 4 ASCII letters or digits (it prefixes Shapefile field names "
                               "of at most 10 bytes), got '%s'", key, e->value);
        pr->cats[i].short_code = e->value;
        return LC_OK;
    }
    if (i >= sizeof pr->short_codes / sizeof pr->short_codes[0])
        return lc_kv_error(ctx, pr->kv, pr->lines[i], LC_ERR_CONFIG,
                           "category '%s' needs a 'short:' code (only the first 64 get one derived)", pr->codes[i]);
    char *d = pr->short_codes[i];
    size_t n = 0;
    for (const char *c = pr->codes[i]; *c && n < 4; c++)
        if (*c != '_')
            d[n++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    d[n] = '\0';
    pr->cats[i].short_code = d;
    return LC_OK;
}

/* Checks that no two categories share a short code (ASCII case-insensitive). */
static lc_status check_short_codes(lc_context *ctx, const lc_profile *pr)
{
    for (size_t j = 1; j < pr->count; j++)
        for (size_t i = 0; i < j; i++)
            if (!strcasecmp(pr->cats[i].short_code, pr->cats[j].short_code))
                return lc_kv_error(ctx, pr->kv, pr->lines[j], LC_ERR_CONFIG,
                                   "categories '%s' and '%s' have the same short code '%s'; give one of them "
                                   "'short:' (1 to 4 letters) so Shapefile field names stay distinct",
                                   pr->cats[i].code, pr->cats[j].code, pr->cats[j].short_code);
    return LC_OK;
}

/* Reads a category's `typical:` capacities (what a new facility of it offers: `check --with-proposals`
 * gives a site run's proposals these), each NAN when not given; a number needs `typical.source`.
 * LC_OK or LC_ERR_CONFIG naming the key and line. */
static lc_status read_typical(lc_context *ctx, lc_profile *pr, lc_category *c)
{
    static const char *const names[] = {"meals", "beds", "nursing_beds", "places"};
    double *slots[] = {&c->typical_meals, &c->typical_beds, &c->typical_nursing_beds, &c->typical_places};
    char key[CODE_MAX + 48];
    const lc_kv_entry *first = NULL;
    for (size_t k = 0; k < 4; k++) {
        *slots[k] = NAN;
        snprintf(key, sizeof key, "categories.%s.typical.%s", c->code, names[k]);
        const lc_kv_entry *e = lc_kv_find(pr->kv, key);
        lc_status st;
        if (e && (st = lc_profile_read_positive(ctx, pr, key, slots[k])) != LC_OK)
            return st;
        first = first ? first : e;
    }
    snprintf(key, sizeof key, "categories.%s.typical.source", c->code);
    c->typical_source = lc_kv_get(pr->kv, key);
    if (first && (!c->typical_source || !*c->typical_source))
        return lc_kv_error(ctx, pr->kv, first->line, LC_ERR_CONFIG, "category '%s': typical capacities need "
                           "'typical.source:' (the document and line, or the assumption, they come from)", c->code);
    return LC_OK;
}

/* Reads category i: names, floor-area flag, size range for siting, reach (or the default), aliases. */
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
    snprintf(key, sizeof key, "categories.%s.life_circle", code);
    if (lc_kv_find(pr->kv, key) && (st = read_bool(ctx, pr, key, &c->in_life_circle)) != LC_OK)
        return st;
    if ((st = read_short_code(ctx, pr, i)) != LC_OK)
        return st;
    snprintf(key, sizeof key, "categories.%s.size_min_m2", code);
    if (lc_kv_find(pr->kv, key) && (st = lc_profile_read_positive(ctx, pr, key, &c->size_min_m2)) != LC_OK)
        return st;
    snprintf(key, sizeof key, "categories.%s.size_max_m2", code);
    if (lc_kv_find(pr->kv, key) && (st = lc_profile_read_positive(ctx, pr, key, &c->size_max_m2)) != LC_OK)
        return st;
    if (c->size_max_m2 > 0 && c->size_min_m2 > c->size_max_m2)
        return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                           "category '%s': size_min_m2 (%g) is larger than size_max_m2 (%g)", code, c->size_min_m2,
                           c->size_max_m2);
    if ((st = read_typical(ctx, pr, c)) != LC_OK)
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

/* Indexes every label (code, zh, en, alias) of every category, folded, in pr->labels, and checks
 * that no label names two categories: reports the later one, at its line, naming both. LC_OK,
 * LC_ERR_CONFIG or LC_ERR_NOMEM. */
static lc_status index_labels(lc_context *ctx, lc_profile *pr)
{
    size_t total = 0, cap = 0;
    for (size_t j = 0; j < pr->count; j++)
        for (size_t y = 0; label_at(&pr->cats[j], y); y++)
            total++;
    if (lc_grow(ctx, (void **)&pr->folded, &cap, total ? total : 1, sizeof *pr->folded) != LC_OK)
        return LC_ERR_NOMEM;
    for (size_t j = 0; j < pr->count; j++) {
        const char *lb;
        for (size_t y = 0; (lb = label_at(&pr->cats[j], y)); y++) {
            size_t len;
            bool heap, added;
            char *key = fold_label(lb, NULL, 0, &len, &heap);
            if (!key)
                return lc_error(ctx, LC_ERR_NOMEM, "out of memory indexing the labels of profile %s",
                                lc_kv_name(pr->kv));
            pr->folded[pr->nfolded++] = key;
            size_t *at = lc_strmap_add(ctx, &pr->labels, key, len, j, &added);
            if (!at)
                return LC_ERR_NOMEM;
            if (added || *at == j)
                continue;
            const lc_category *a = &pr->cats[*at];
            const char *la = NULL;
            for (size_t x = 0; (la = label_at(a, x)) && !same_label(la, lb); x++)
                ;
            return lc_kv_error(ctx, pr->kv, label_line(pr, j, lb), LC_ERR_CONFIG,
                               "'%s' names both category '%s' (line %d) and category '%s'; "
                               "a label must name one category",
                               lb, a->code, label_line(pr, *at, la ? la : a->code), pr->cats[j].code);
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
    pr->title = lc_kv_get(pr->kv, "title");
    if (!pr->title)
        pr->title = "";
    if ((st = index_labels(ctx, pr)) != LC_OK || (st = check_short_codes(ctx, pr)) != LC_OK)
        return st;
    if ((st = lc_profile_read_network(ctx, pr)) != LC_OK)
        return st;
    if ((st = lc_profile_read_norms(ctx, pr)) != LC_OK)
        return st;
    return lc_profile_access_read(ctx, pr->kv, pr, &pr->access);
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
    pr->kv = lc_profile_load_kv(ctx, name_or_path, 0);
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
    char buf[256];
    size_t len;
    bool heap;
    char *key = fold_label(label, buf, sizeof buf, &len, &heap);
    const size_t *at = key ? lc_strmap_find(&profile->labels, key, len) : NULL;
    if (heap)
        free(key);
    return at ? (int)*at : -1;
}

/* The profile's title; see profile.h. */
const char *lc_profile_title(const lc_profile *profile)
{
    return profile ? profile->title : NULL;
}

/* Number of norms; see profile.h. */
size_t lc_profile_norm_count(const lc_profile *profile)
{
    return profile ? profile->norm_count : 0;
}

/* The i-th norm; see profile.h. */
const lc_norm *lc_profile_norm(const lc_profile *profile, size_t i)
{
    return profile && i < profile->norm_count ? &profile->norms[i] : NULL;
}

/* The walking-network rules; see profile.h. */
size_t lc_profile_access_count(const lc_profile *profile)
{
    return profile ? profile->access.n : 0;
}

const lc_access_spec *lc_profile_access(const lc_profile *profile, size_t i)
{
    return profile && i < profile->access.n ? &profile->access.specs[i] : NULL;
}

const lc_network_rules *lc_profile_network(const lc_profile *profile)
{
    return profile ? &profile->network : NULL;
}

lc_status lc_profile_set_walk_speed(lc_context *ctx, lc_profile *profile, double speed_m_s)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!profile || !(speed_m_s > 0) || !isfinite(speed_m_s))
        return lc_error(ctx, LC_ERR_MISUSE, "the walking speed must be a positive number of metres per second");
    for (size_t i = 0; i < profile->count; i++)
        if (!isfinite(profile->cats[i].reach_minutes * 60 * speed_m_s))
            return lc_error(ctx, LC_ERR_MISUSE, "a walking speed of %g m/s makes the reach of category %s (%g min) "
                            "infinite", speed_m_s, profile->cats[i].code, profile->cats[i].reach_minutes);
    char **src = lc_calloc(ctx, profile->count ? profile->count : 1, sizeof *src);
    if (!src)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < profile->count; i++) {
        const lc_category *c = &profile->cats[i];
        if (!(src[i] = lc_sprintf(ctx, "%g min at %g m/s = %.0f m (study walk_speed; the profile says %.0f m: %s)",
                                  c->reach_minutes, speed_m_s, c->reach_minutes * 60 * speed_m_s, c->reach_m,
                                  c->reach_source))) {
            for (size_t j = 0; j < i; j++)
                free(src[j]);
            free(src);
            return LC_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < profile->count; i++) {
        profile->cats[i].reach_m = profile->cats[i].reach_minutes * 60 * speed_m_s;
        profile->cats[i].reach_source = src[i];
    }
    for (size_t i = 0; profile->speed_sources && i < profile->count; i++)
        free(profile->speed_sources[i]);
    free(profile->speed_sources);
    profile->speed_sources = src;
    profile->network.walk_speed_m_s = speed_m_s;
    return LC_OK;
}
