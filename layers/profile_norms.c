/*
 * layers/profile_norms.c — a profile's `norms:` (include/lifecircle/profile.h): each norm's kind
 * (reach, circle, floor_area, unit_presence, capacity_ratio, nursing_share), its categories, measure,
 * target and source, and for presence norms the level asked (街镇, 片区, 居村, 村民小组) and what
 * counts. Every key checked against the kind. The categories are read in layers/profile.c first;
 * indicators are computed in queries/indicators.c.
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

/* The most norms a profile may define (a plan has about ten). */
#define MAX_NORMS 1000

/* Keys a norm may have, after "norms.<code>.". */
static const char *const norm_fields[] = {"kind", "category", "categories", "measure", "per", "target", "zh", "en",
                                          "source", "level", "min", "only", "serve", NULL};

/* ---- norms ------------------------------------------------------------------------------------ */

static const char *const norm_kind_names[] = {"reach", "circle", "floor_area", "unit_presence",
                                              "capacity_ratio", "nursing_share", NULL};

/* Reads a number at key that must be in [0, max]. */
static lc_status read_share_or_number(lc_context *ctx, const lc_profile *pr, const char *key, double *out)
{
    const lc_kv_entry *e = lc_kv_find(pr->kv, key);
    char *end = NULL;
    double d = *e->value ? CPLStrtod(e->value, &end) : NAN;
    if (!end || end == e->value || *end || !isfinite(d) || d < 0)
        return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                           "'%s' must be a number ≥ 0 (a share as 0.05, not 5%%), got '%s'", key, e->value);
    *out = d;
    return LC_OK;
}

static const char *const level_names[LC_LEVEL_COUNT] = {"district", "unit", "area", "committee", "group"};
static const char *const level_names_zh[LC_LEVEL_COUNT] = {"区", "街镇", "片区", "居村", "村民小组"};

const char *lc_level_name(lc_level level)
{
    return (unsigned)level < LC_LEVEL_COUNT ? level_names[level] : "unknown";
}

const char *lc_level_name_zh(lc_level level)
{
    return (unsigned)level < LC_LEVEL_COUNT ? level_names_zh[level] : "unknown";
}

/* Reads what a presence norm (norm i at prefix, opening at line) asks: `level:` (district, unit,
 * area, committee or group; default unit), `category:` or `categories: [...]` (one of them; any
 * listed category counts), `min:` (a whole number ≥ 1; default 1), `only:` (all, villagers,
 * residents, rural, urban; villagers and residents need a committee or group level) and `serve:`
 * (inside, reach). LC_OK, LC_ERR_CONFIG naming the key, or LC_ERR_NOMEM. */
static lc_status read_presence(lc_context *ctx, lc_profile *pr, size_t i, const char *prefix, int line)
{
    lc_norm *n = &pr->norms[i];
    char key[CODE_MAX + 48];
    snprintf(key, sizeof key, "%s.level", prefix);
    const char *level = lc_kv_get(pr->kv, key);
    if (level) {
        int found = -1;
        for (int l = 0; l < LC_LEVEL_COUNT; l++)
            if (!strcmp(level, level_names[l]) || !strcmp(level, level_names_zh[l]))
                found = l;
        if (found < 0)
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "'%s' must be district, unit, area, committee or group (区, 街镇, 片区, 居村, "
                               "村民小组), got '%s'", key, level);
        n->level = (lc_level)found;
    }
    snprintf(key, sizeof key, "%s.category", prefix);
    const char *one = lc_kv_get(pr->kv, key);
    char lkey[CODE_MAX + 48];
    snprintf(lkey, sizeof lkey, "%s.categories", prefix);
    size_t pos = 0, count = 0;
    const lc_kv_entry *e;
    while (lc_kv_next(pr->kv, lkey, &pos))
        count++;
    if ((one != NULL) == (count > 0))
        return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG,
                           "norm '%s' (presence) needs either 'category:' or 'categories: [...]' (any of them "
                           "counts), %s", n->code, one ? "not both" : "naming the profile's categories");
    int *cats = lc_calloc(ctx, one ? 1 : count, sizeof *cats);
    if (!cats)
        return LC_ERR_NOMEM;
    pr->norm_cats[i] = cats;
    n->categories = cats;
    if (one) {
        if ((cats[0] = lc_profile_find_category(pr, one)) < 0)
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "norm '%s' (presence): 'category:' '%s' is none of the profile's categories", n->code,
                               one);
        n->ncategories = 1;
    }
    pos = 0;
    while ((e = lc_kv_next(pr->kv, lkey, &pos))) {
        int c = lc_profile_find_category(pr, e->value);
        if (c < 0)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "norm '%s' (presence): '%s' in 'categories:' is none of the profile's categories",
                               n->code, e->value);
        for (size_t k = 0; k < n->ncategories; k++)
            if (cats[k] == c)
                return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                                   "norm '%s' (presence): '%s' is listed twice in 'categories:'", n->code, e->value);
        cats[n->ncategories++] = c;
    }
    n->category = cats[0];
    snprintf(key, sizeof key, "%s.min", prefix);
    const lc_kv_entry *m = lc_kv_find(pr->kv, key);
    if (m) {
        char *end = NULL;
        double d = *m->value ? CPLStrtod(m->value, &end) : NAN;
        if (!end || end == m->value || *end || !isfinite(d) || d < 1 || d > 1000 || d != floor(d))
            return lc_kv_error(ctx, pr->kv, m->line, LC_ERR_CONFIG,
                               "'%s' must be a whole number of facilities from 1 to 1000, got '%s'", key, m->value);
        n->min_count = d;
    }
    snprintf(key, sizeof key, "%s.only", prefix);
    const char *only = lc_kv_get(pr->kv, key);
    if (only) {
        static const char *const names[] = {"all", "villagers", "residents", "rural", "urban", NULL};
        int found = -1;
        for (int k = 0; names[k]; k++)
            if (!strcmp(only, names[k]))
                found = k;
        if (found < 0)
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "'%s' must be all, villagers (村委会), residents (居委会), rural (镇/乡) or urban "
                               "(街道), got '%s'", key, only);
        n->only = (lc_only)found;
        if ((n->only == LC_ONLY_VILLAGERS || n->only == LC_ONLY_RESIDENTS) && n->level != LC_LEVEL_COMMITTEE &&
            n->level != LC_LEVEL_GROUP)
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "'%s: %s' needs 'level: committee' or 'level: group' (a committee's type "
                               "says who it serves)", key, only);
        if ((n->only == LC_ONLY_RURAL || n->only == LC_ONLY_URBAN) && n->level == LC_LEVEL_DISTRICT)
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "'%s: %s' applies to 街镇 and the levels below them, not to districts", key, only);
    }
    snprintf(key, sizeof key, "%s.serve", prefix);
    const char *serve = lc_kv_get(pr->kv, key);
    if (serve) {
        if (strcmp(serve, "inside") && strcmp(serve, "reach"))
            return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                               "'%s' must be inside (facilities inside the unit count) or reach (facilities whose "
                               "reach meets the unit count), got '%s'", key, serve);
        n->serve_reach = !strcmp(serve, "reach");
    }
    return LC_OK;
}

/* Reads norm i (its code already in pr->norm_codes[i]): kind and what the kind needs. */
static lc_status read_norm(lc_context *ctx, lc_profile *pr, size_t i)
{
    const char *code = pr->norm_codes[i];
    lc_norm *n = &pr->norms[i];
    char prefix[CODE_MAX + 16], key[CODE_MAX + 48];
    snprintf(prefix, sizeof prefix, "norms.%s", code);
    int line = lc_kv_section_line(pr->kv, prefix);
    size_t pos = 0;
    const lc_kv_entry *e;
    while ((e = lc_kv_next(pr->kv, prefix, &pos))) {
        const char *field = lc_kv_tail(e, prefix);
        bool known = e->in_seq && !strncmp(field, "categories.", 11) && is_index(field + 11);
        for (const char *const *f = norm_fields; *f && !known; f++)
            known = !strcmp(field, *f) && !e->in_seq;
        if (!known) {
            const char *hint = lc_kv_suggest(field, norm_fields);
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "unknown key '%s.%s'%s%s%s (norm keys: kind, "
                               "category, categories, measure, per, target, zh, en, source, level, min, only, "
                               "serve)", prefix, field,
                               hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        }
    }
    n->code = code;
    n->category = -1;
    n->target = NAN;
    snprintf(key, sizeof key, "%s.kind", prefix);
    const char *kind = lc_kv_get(pr->kv, key);
    int k = -1;
    for (int j = 0; kind && norm_kind_names[j]; j++)
        if (!strcmp(kind, norm_kind_names[j]))
            k = j;
    if (kind && !strcmp(kind, "presence"))
        k = LC_NORM_UNIT_PRESENCE;
    if (k < 0)
        return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG,
                           "norm '%s' needs 'kind:' one of reach, circle, floor_area, presence (unit_presence), "
                           "capacity_ratio, nursing_share (got '%s')", code, kind ? kind : "nothing");
    n->kind = (lc_norm_kind)k;
    snprintf(key, sizeof key, "%s.zh", prefix);
    n->zh = lc_kv_get(pr->kv, key);
    snprintf(key, sizeof key, "%s.en", prefix);
    n->en = lc_kv_get(pr->kv, key);
    snprintf(key, sizeof key, "%s.source", prefix);
    n->source = lc_kv_get(pr->kv, key);
    if (!n->zh || !*n->zh || !n->en || !*n->en || !n->source || !*n->source)
        return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG,
                           "norm '%s' needs zh:, en: and source: (planners read every number with its source)", code);
    snprintf(key, sizeof key, "%s.target", prefix);
    lc_status st;
    if (lc_kv_find(pr->kv, key) && (st = read_share_or_number(ctx, pr, key, &n->target)) != LC_OK)
        return st;
    bool share = n->kind != LC_NORM_FLOOR_AREA;
    if (share && !isnan(n->target) && n->target > 1)
        return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                           "'%s' is a share and must be at most 1 (write 0.05 for 5%%), got %g", key, n->target);
    n->level = LC_LEVEL_UNIT;
    n->min_count = 1;
    if (n->kind == LC_NORM_UNIT_PRESENCE) {
        lc_status ps = read_presence(ctx, pr, i, prefix, line);
        if (ps != LC_OK)
            return ps;
    } else {
        static const char *const presence_only[] = {"categories", "level", "min", "only", "serve", NULL};
        for (const char *const *f = presence_only; *f; f++) {
            snprintf(key, sizeof key, "%s.%s", prefix, *f);
            size_t at = 0;
            if (lc_kv_find(pr->kv, key) || lc_kv_next(pr->kv, key, &at))
                return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG, "norm '%s' (%s) takes no '%s:' (only presence "
                                   "norms do)", code, kind, *f);
        }
    }
    snprintf(key, sizeof key, "%s.category", prefix);
    const char *cat = lc_kv_get(pr->kv, key);
    bool needs_cat = n->kind == LC_NORM_REACH;
    if (n->kind == LC_NORM_UNIT_PRESENCE) {
        /* read_presence resolved category and categories */
    } else if (needs_cat) {
        if (!cat || (n->category = lc_profile_find_category(pr, cat)) < 0)
            return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG, "norm '%s' (%s) needs 'category:' naming one of "
                               "the profile's categories (got '%s')", code, kind, cat ? cat : "nothing");
    } else if (cat) {
        return lc_kv_error(ctx, pr->kv, lc_kv_find(pr->kv, key)->line, LC_ERR_CONFIG,
                           "norm '%s' (%s) takes no 'category:'", code, kind);
    }
    char kmeas[CODE_MAX + 48], kper[CODE_MAX + 48];
    snprintf(kmeas, sizeof kmeas, "%s.measure", prefix);
    snprintf(kper, sizeof kper, "%s.per", prefix);
    n->measure = lc_kv_get(pr->kv, kmeas);
    n->per = lc_kv_get(pr->kv, kper);
    if (n->kind == LC_NORM_CAPACITY_RATIO) {
        bool mok = n->measure && (!strcmp(n->measure, "meals") || !strcmp(n->measure, "beds") ||
                                  !strcmp(n->measure, "nursing_beds"));
        bool pok = n->per && (!strcmp(n->per, "population") || !strcmp(n->per, "pop60") || !strcmp(n->per, "pop65"));
        if (!mok || !pok)
            return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG,
                               "norm '%s' (capacity_ratio) needs 'measure:' meals, beds or nursing_beds and 'per:' "
                               "population, pop60 or pop65", code);
    } else if (n->measure || n->per) {
        return lc_kv_error(ctx, pr->kv, line, LC_ERR_CONFIG, "norm '%s' (%s) takes no 'measure:' or 'per:'", code, kind);
    }
    return LC_OK;
}

/* Collects norm codes in document order and reads each norm. */
lc_status lc_profile_read_norms(lc_context *ctx, lc_profile *pr)
{
    size_t pos = 0, cap = 0;
    const lc_kv_entry *e;
    while ((e = lc_kv_next(pr->kv, "norms", &pos))) {
        const char *tail = lc_kv_tail(e, "norms");
        size_t n = strcspn(tail, ".");
        if (!tail[n] && !*e->value)
            continue; /* "norms.<code>:" opening an empty mapping is reported when its kind is read */
        bool seen = false;
        for (size_t i = 0; i < pr->norm_count && !seen; i++)
            seen = strlen(pr->norm_codes[i]) == n && !strncmp(pr->norm_codes[i], tail, n);
        if (seen)
            continue;
        if (n == 0 || n > CODE_MAX || !tail[n])
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "'norms' holds norms by code, each a mapping (kind, target, zh, en, source, ...)");
        if (pr->norm_count == MAX_NORMS)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "more than %d norms; a profile has about ten",
                               MAX_NORMS);
        if (lc_grow(ctx, (void **)&pr->norm_codes, &cap, pr->norm_count + 1, sizeof *pr->norm_codes) != LC_OK)
            return LC_ERR_NOMEM;
        if (!(pr->norm_codes[pr->norm_count] = lc_sprintf(ctx, "%.*s", (int)n, tail)))
            return LC_ERR_NOMEM;
        pr->norm_count++;
    }
    if (pr->norm_count && (!(pr->norms = lc_calloc(ctx, pr->norm_count, sizeof *pr->norms)) ||
                           !(pr->norm_cats = lc_calloc(ctx, pr->norm_count, sizeof *pr->norm_cats))))
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < pr->norm_count; i++) {
        lc_status st = read_norm(ctx, pr, i);
        if (st != LC_OK)
            return st;
    }
    return LC_OK;
}
