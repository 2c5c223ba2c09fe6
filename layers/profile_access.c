/*
 * layers/profile_access.c — a profile's `accessibility:` section (include/lifecircle/profile.h,
 * lc_access_spec): which categories supply what capacity to which demand, by 2SFCA or E2SFCA with
 * which weights, checked key by key with errors naming the file and line. The computation itself is
 * queries/access.c; the format is described in profile.h and profiles/shanghai-2025.yml.
 */
#include <cpl_conv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/keyvalue_int.h"
#include "layers/profile_int.h"
#include "lifecircle/profile.h"

#define MAX_ACCESS 100
#define MAX_STEPS 32

static const char *const capacity_names[] = {"meals", "beds", "nursing_beds", "places", NULL};
static const char *const demand_names[] = {"population", "pop60", "pop65", NULL};
static const char *const fields[] = {"zh", "en", "source", "categories", "capacity", "demand", "method", "weights",
                                     "steps_m", "step_weights", "sigma_m", "norm", "target", "per", NULL};
#define FIELD_LIST "zh, en, source, categories, capacity, demand, method, weights, steps_m, step_weights, " \
                   "sigma_m, norm, target, per"

const char *lc_access_capacity_name(lc_access_capacity c)
{
    return (unsigned)c < 4 ? capacity_names[c] : "unknown";
}

const char *lc_access_demand_name(lc_access_demand d)
{
    return (unsigned)d < 3 ? demand_names[d] : "unknown";
}

/* The index of s in a NULL-terminated list, or -1. */
static int list_index(const char *const *list, const char *s)
{
    for (int i = 0; s && list[i]; i++)
        if (!strcmp(list[i], s))
            return i;
    return -1;
}

/* Reads the number of entry e into *out: finite, and > 0 (positive) or ≥ 0. LC_OK or LC_ERR_CONFIG
 * naming the key. */
static lc_status read_number(lc_context *ctx, const lc_kv *kv, const lc_kv_entry *e, int positive, double *out)
{
    char *end = NULL;
    const char *v = e->value;
    double d = *v ? CPLStrtod(v, &end) : NAN;
    if (!end || end == v || *end || !isfinite(d) || d < 0 || (positive && d == 0))
        return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s' must be a number %s (got '%s')", e->key,
                           positive ? "> 0" : "≥ 0", e->value);
    *out = d;
    return LC_OK;
}

/* Reads the list prefix + "." + name (numbers) into (*vals)[0 .. *n): NULL and 0 when absent.
 * LC_OK, LC_ERR_CONFIG (an item not a positive number, or a single value where a list belongs) or
 * LC_ERR_NOMEM. */
static lc_status read_list(lc_context *ctx, const lc_kv *kv, const char *prefix, const char *name, double **vals,
                           size_t *n, int *line)
{
    char key[CODE_MAX + 64];
    snprintf(key, sizeof key, "%s.%s", prefix, name);
    const lc_kv_entry *one = lc_kv_find(kv, key);
    if (one)
        return lc_kv_error(ctx, kv, one->line, LC_ERR_CONFIG, "'%s' takes a list of numbers ([333, 667, 1000]), "
                           "not a single value", key);
    size_t pos = 0, cap = 0;
    const lc_kv_entry *e;
    *n = 0;
    *line = lc_kv_section_line(kv, key);
    while ((e = lc_kv_next(kv, key, &pos))) {
        if (*n == MAX_STEPS)
            return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s' holds more than %d items", key, MAX_STEPS);
        if (lc_grow(ctx, (void **)vals, &cap, *n + 1, sizeof **vals) != LC_OK)
            return LC_ERR_NOMEM;
        lc_status st = read_number(ctx, kv, e, 1, &(*vals)[*n]);
        if (st != LC_OK)
            return st;
        if (!*line)
            *line = e->line;
        (*n)++;
    }
    return LC_OK;
}

/* Every key under prefix (accessibility.<code>) is one this section knows, or LC_ERR_CONFIG naming it with
 * the nearest known key. Checked before any value is read, so a typo is named rather than a key
 * missing. */
static lc_status access_known_keys(lc_context *ctx, const lc_kv *kv, const char *prefix)
{
    size_t pos = 0;
    const lc_kv_entry *e;
    while ((e = lc_kv_next(kv, prefix, &pos))) {
        const char *field = lc_kv_tail(e, prefix);
        const char *dot = strchr(field, '.');
        int known = 0;
        if (e->in_seq && dot) {
            size_t n = (size_t)(dot - field);
            known = is_index(dot + 1) && ((n == 10 && !strncmp(field, "categories", n)) ||
                                          (n == 7 && !strncmp(field, "steps_m", n)) ||
                                          (n == 12 && !strncmp(field, "step_weights", n)));
        } else if (!dot) {
            known = list_index(fields, field) >= 0;
        }
        if (!known) {
            const char *hint = lc_kv_suggest(field, fields);
            return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "unknown key '%s.%s'%s%s%s (accessibility keys: "
                               FIELD_LIST ")", prefix, field, hint ? "; did you mean '" : "", hint ? hint : "",
                               hint ? "'?" : "");
        }
    }
    return LC_OK;
}

/* The capacity and demand (defaulting to the linked norm's measure and per, its target the default
 * target), then target: and per:. LC_OK or LC_ERR_CONFIG naming the key. */
static lc_status access_supply(lc_context *ctx, const lc_kv *kv, const lc_profile *pr, const char *prefix, int line,
                               lc_access_spec *a)
{
    char key[CODE_MAX + 64];
    const lc_kv_entry *e;
    /* The linked norm first: capacity and demand default to its measure and per. */
    snprintf(key, sizeof key, "%s.norm", prefix);
    const lc_kv_entry *ne = lc_kv_find(kv, key);
    int cap = -1, dem = -1;
    if (ne) {
        for (size_t n = 0; n < lc_profile_norm_count(pr); n++)
            if (!strcmp(lc_profile_norm(pr, n)->code, ne->value))
                a->norm = (int)n;
        const lc_norm *nn = a->norm >= 0 ? lc_profile_norm(pr, (size_t)a->norm) : NULL;
        if (!nn || nn->kind != LC_NORM_CAPACITY_RATIO)
            return lc_kv_error(ctx, kv, ne->line, LC_ERR_CONFIG, "'%s': '%s' is not a capacity_ratio norm of this "
                               "profile (the norm whose target a facility's supply ratio is held to)", key, ne->value);
        cap = list_index(capacity_names, nn->measure);
        dem = list_index(demand_names, nn->per);
        a->target = nn->target;
    }
    snprintf(key, sizeof key, "%s.capacity", prefix);
    if ((e = lc_kv_find(kv, key)) && (cap = list_index(capacity_names, e->value)) < 0)
        return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s' must be meals, beds, nursing_beds or places "
                           "(got '%s')", key, e->value);
    snprintf(key, sizeof key, "%s.demand", prefix);
    if ((e = lc_kv_find(kv, key)) && (dem = list_index(demand_names, e->value)) < 0)
        return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s' must be population, pop60 or pop65 (got '%s')",
                           key, e->value);
    if (cap < 0 || dem < 0)
        return lc_kv_error(ctx, kv, line, LC_ERR_CONFIG, "accessibility '%s' needs 'capacity:' (meals, beds, "
                           "nursing_beds, places) and 'demand:' (population, pop60, pop65), or a 'norm:' giving them",
                           a->code);
    a->capacity = (lc_access_capacity)cap;
    a->demand = (lc_access_demand)dem;
    snprintf(key, sizeof key, "%s.target", prefix);
    if ((e = lc_kv_find(kv, key)) && read_number(ctx, kv, e, 0, &a->target) != LC_OK)
        return LC_ERR_CONFIG;
    snprintf(key, sizeof key, "%s.per", prefix);
    if ((e = lc_kv_find(kv, key)) && read_number(ctx, kv, e, 1, &a->per) != LC_OK)
        return LC_ERR_CONFIG;
    return LC_OK;
}

/* The supplying categories of entry s (a list of the profile's category codes, none twice) into
 * out->cats[s]. LC_OK, LC_ERR_CONFIG naming the item, or LC_ERR_NOMEM. */
static lc_status access_categories(lc_context *ctx, const lc_kv *kv, const lc_profile *pr, const char *prefix,
                                   int line, lc_access_specs *out, size_t s)
{
    lc_access_spec *a = &out->specs[s];
    char key[CODE_MAX + 64];
    const lc_kv_entry *e;
    snprintf(key, sizeof key, "%s.categories", prefix);
    if ((e = lc_kv_find(kv, key)))
        return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s' takes a list of category codes ([meal_point, "
                           "canteen]), not a single value", key);
    size_t ccap = 0, pos = 0;
    while ((e = lc_kv_next(kv, key, &pos))) {
        int c = -1;
        for (size_t k = 0; k < lc_profile_category_count(pr); k++)
            if (!strcmp(lc_profile_category(pr, k)->code, e->value))
                c = (int)k;
        if (c < 0)
            return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s': '%s' is not a category code of this profile",
                               key, e->value);
        for (size_t k = 0; k < a->ncategories; k++)
            if (out->cats[s][k] == c)
                return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'%s': '%s' is listed twice", key, e->value);
        if (lc_grow(ctx, (void **)&out->cats[s], &ccap, a->ncategories + 1, sizeof *out->cats[s]) != LC_OK)
            return LC_ERR_NOMEM;
        out->cats[s][a->ncategories++] = c;
    }
    if (!a->ncategories)
        return lc_kv_error(ctx, kv, line, LC_ERR_CONFIG, "accessibility '%s' needs 'categories:' (the categories "
                           "whose facilities supply the capacity)", a->code);
    a->categories = out->cats[s];
    return LC_OK;
}

/* weights: stepped — steps_m increasing, step_weights in (0, 1], both kept in out->steps[s] (the
 * distances, then the weights). wkey_line is the weights: key's line. LC_OK, LC_ERR_CONFIG or
 * LC_ERR_NOMEM. */
static lc_status access_stepped(lc_context *ctx, const lc_kv *kv, const char *prefix, int wkey_line, int has_sigma,
                                const double *steps, size_t nsteps, int sline, const double *wts, size_t nwts,
                                int wline, lc_access_specs *out, size_t s)
{
    lc_access_spec *a = &out->specs[s];
    a->weights = LC_WEIGHTS_STEPPED;
    if (!nsteps || nsteps != nwts || has_sigma)
        return lc_kv_error(ctx, kv, wkey_line, LC_ERR_CONFIG, "accessibility '%s': weights: stepped needs "
                           "'steps_m:' and 'step_weights:' of the same length (got %zu and %zu)%s", a->code, nsteps,
                           nwts, has_sigma ? " and no sigma_m" : "");
    for (size_t k = 0; k < nsteps; k++) {
        if (k && steps[k] <= steps[k - 1])
            return lc_kv_error(ctx, kv, sline, LC_ERR_CONFIG, "'%s.steps_m' must increase (item %zu, %g, is not "
                               "above %g)", prefix, k, steps[k], steps[k - 1]);
        if (wts[k] > 1)
            return lc_kv_error(ctx, kv, wline, LC_ERR_CONFIG, "'%s.step_weights' must lie in (0, 1] (item %zu is "
                               "%g)", prefix, k, wts[k]);
    }
    if (!(out->steps[s] = lc_calloc(ctx, 2 * nsteps, sizeof *out->steps[s])))
        return LC_ERR_NOMEM;
    memcpy(out->steps[s], steps, nsteps * sizeof *steps);
    memcpy(out->steps[s] + nsteps, wts, nsteps * sizeof *wts);
    a->step_m = out->steps[s];
    a->step_w = out->steps[s] + nsteps;
    a->nsteps = nsteps;
    return LC_OK;
}

/* The method (2sfca, or e2sfca with weights stepped or gaussian) and its parameters, each checked against
 * the method: 2sfca takes none. LC_OK, LC_ERR_CONFIG naming the key, or LC_ERR_NOMEM. */
static lc_status access_method(lc_context *ctx, const lc_kv *kv, const char *prefix, int line, lc_access_specs *out,
                               size_t s)
{
    lc_access_spec *a = &out->specs[s];
    const char *code = a->code;
    char key[CODE_MAX + 64];
    snprintf(key, sizeof key, "%s.method", prefix);
    const lc_kv_entry *e = lc_kv_find(kv, key);
    const char *method = e ? e->value : NULL;
    if (!method || (strcmp(method, "2sfca") && strcmp(method, "e2sfca")))
        return lc_kv_error(ctx, kv, e ? e->line : line, LC_ERR_CONFIG, "accessibility '%s' needs 'method:' 2sfca or "
                           "e2sfca (got '%s')", code, method ? method : "nothing");
    a->method = strcmp(method, "2sfca") ? LC_ACCESS_E2SFCA : LC_ACCESS_2SFCA;
    snprintf(key, sizeof key, "%s.weights", prefix);
    e = lc_kv_find(kv, key);
    const char *w = e ? e->value : NULL;
    double *steps = NULL, *wts = NULL;
    size_t nsteps = 0, nwts = 0;
    int sline = 0, wline = 0;
    lc_status st = LC_OK;
    if ((st = read_list(ctx, kv, prefix, "steps_m", &steps, &nsteps, &sline)) != LC_OK ||
        (st = read_list(ctx, kv, prefix, "step_weights", &wts, &nwts, &wline)) != LC_OK)
        goto done;
    snprintf(key, sizeof key, "%s.sigma_m", prefix);
    const lc_kv_entry *se = lc_kv_find(kv, key);
    if (a->method == LC_ACCESS_2SFCA) {
        if (w || nsteps || nwts || se)
            st = lc_kv_error(ctx, kv, e ? e->line : se ? se->line : sline ? sline : wline, LC_ERR_CONFIG,
                             "accessibility '%s': method 2sfca weighs every facility within reach 1 and takes no "
                             "weights, steps_m, step_weights or sigma_m (use method: e2sfca)", code);
        else
            a->weights = LC_WEIGHTS_NONE;
    } else if (w && !strcmp(w, "stepped")) {
        st = access_stepped(ctx, kv, prefix, e->line, se != NULL, steps, nsteps, sline, wts, nwts, wline, out, s);
    } else if (w && !strcmp(w, "gaussian")) {
        a->weights = LC_WEIGHTS_GAUSSIAN;
        if (!se || nsteps || nwts)
            st = lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "accessibility '%s': weights: gaussian needs "
                             "'sigma_m:' (metres) and no steps", code);
        else
            st = read_number(ctx, kv, se, 1, &a->sigma_m);
    } else {
        st = lc_kv_error(ctx, kv, e ? e->line : line, LC_ERR_CONFIG, "accessibility '%s' (e2sfca) needs 'weights:' "
                         "stepped or gaussian (got '%s')", code, w ? w : "nothing");
    }
done:
    free(steps);
    free(wts);
    return st;
}

/* Reads entry s (its code already in out->codes[s]): the keys known, the names, what is supplied to
 * whom, the categories, the method; each step a helper above, in the order their errors are met. */
static lc_status read_one(lc_context *ctx, const lc_kv *kv, const lc_profile *pr, lc_access_specs *out, size_t s)
{
    lc_access_spec *a = &out->specs[s];
    const char *code = out->codes[s];
    char prefix[CODE_MAX + 32], key[CODE_MAX + 64];
    snprintf(prefix, sizeof prefix, "accessibility.%s", code);
    int line = lc_kv_section_line(kv, prefix);
    lc_status st = access_known_keys(ctx, kv, prefix);
    if (st != LC_OK)
        return st;
    a->code = code;
    a->norm = -1;
    a->target = NAN;
    a->per = 100;
    a->sigma_m = NAN;
    const char **names[] = {&a->zh, &a->en, &a->source};
    const char *nk[] = {"zh", "en", "source"};
    for (int k = 0; k < 3; k++) {
        snprintf(key, sizeof key, "%s.%s", prefix, nk[k]);
        *names[k] = lc_kv_get(kv, key);
        if (!*names[k] || !**names[k])
            return lc_kv_error(ctx, kv, line, LC_ERR_CONFIG, "accessibility '%s' needs zh:, en: and source: (the "
                               "method and its parameters with where they come from)", code);
    }
    if ((st = access_supply(ctx, kv, pr, prefix, line, a)) != LC_OK ||
        (st = access_categories(ctx, kv, pr, prefix, line, out, s)) != LC_OK)
        return st;
    return access_method(ctx, kv, prefix, line, out, s);
}

/* Reads the section; see profile_int.h. */
lc_status lc_profile_access_read(lc_context *ctx, lc_kv *kv, const lc_profile *pr, lc_access_specs *out)
{
    size_t pos = 0, cap = 0;
    const lc_kv_entry *e;
    memset(out, 0, sizeof *out);
    if (lc_kv_find(kv, "accessibility") && *lc_kv_get(kv, "accessibility"))
        return lc_kv_error(ctx, kv, lc_kv_find(kv, "accessibility")->line, LC_ERR_CONFIG,
                           "'accessibility' takes a mapping of entries by code (meals: {...}), not a value");
    while ((e = lc_kv_next(kv, "accessibility", &pos))) {
        const char *tail = lc_kv_tail(e, "accessibility");
        size_t n = strcspn(tail, ".");
        int seen = 0;
        for (size_t i = 0; i < out->n && !seen; i++)
            seen = strlen(out->codes[i]) == n && !strncmp(out->codes[i], tail, n);
        if (seen)
            continue;
        if (n == 0 || n > CODE_MAX || !tail[n])
            return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "'accessibility' holds entries by code, each a "
                               "mapping (" FIELD_LIST ")");
        if (out->n == MAX_ACCESS)
            return lc_kv_error(ctx, kv, e->line, LC_ERR_CONFIG, "more than %d accessibility entries", MAX_ACCESS);
        if (lc_grow(ctx, (void **)&out->codes, &cap, out->n + 1, sizeof *out->codes) != LC_OK)
            return LC_ERR_NOMEM;
        if (!(out->codes[out->n] = lc_sprintf(ctx, "%.*s", (int)n, tail)))
            return LC_ERR_NOMEM;
        out->n++;
    }
    if (!out->n)
        return LC_OK;
    if (!(out->specs = lc_calloc(ctx, out->n, sizeof *out->specs)) ||
        !(out->cats = lc_calloc(ctx, out->n, sizeof *out->cats)) ||
        !(out->steps = lc_calloc(ctx, out->n, sizeof *out->steps)))
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < out->n; i++) {
        lc_status st = read_one(ctx, kv, pr, out, i);
        if (st != LC_OK)
            return st;
    }
    return LC_OK;
}

/* Releases the section; see profile_int.h. */
void lc_profile_access_free(lc_access_specs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->codes[i]);
        if (s->cats)
            free(s->cats[i]);
        if (s->steps)
            free(s->steps[i]);
    }
    free(s->codes);
    free(s->cats);
    free(s->steps);
    free(s->specs);
    memset(s, 0, sizeof *s);
}
