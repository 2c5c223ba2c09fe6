/*
 * layers/values.c — whether the values of a read layer are plausible: a layer that holds nothing, a
 * population that sums to 0, numbers beyond any real compound, 街镇 or facility, and fields that
 * contradict each other. The bounds and why they were chosen are in docs/reference.md
 * ("Data-quality checks"). Parsing the values, and refusing text that is no number, is layers/layer.c's job.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"
#include "lifecircle/study.h"

/* More residents than any compound or 街镇 holds (Shanghai has 24.9 million in all; its most
 * populous 街镇 under a million): an error. */
#define LC_MAX_POPULATION 1e7
/* Residents per km² of a compound's (or 街镇's) polygon above which a warning asks to check the
 * population and the polygon (issue 14's bound): Shanghai's dense high-rise compounds hold
 * 50,000–150,000 per km² (a plot ratio of 5 at 30 m² a resident is 167,000), the demo's densest
 * 151,000. Past it, a population typed for a larger polygon, or a polygon drawn around one building. */
#define LC_MAX_DENSITY_KM2 2e5
/* Floor area (m²) beyond the largest building on Earth (1.76 million m²): an error. */
#define LC_MAX_FLOOR_AREA_M2 2e6
/* A facility's floor area (m²) above which a warning asks to check it: the largest elder-care
 * campuses have about this much; a community facility has hundreds to a few thousand. */
#define LC_WARN_FACILITY_FLOOR_M2 1e5
/* Meals per day or beds beyond any single facility: an error. */
#define LC_MAX_CAPACITY 1e5

/* Adds an issue about feature f of L, field of role (NULL: the layer as a whole), prefixing the
 * message with file, layer, feature and field as the readers do. */
static lc_status issue(lc_context *ctx, lc_quality *q, lc_severity sev, const char *check, const lc_layer *L,
                       const lc_feature *f, lc_field_role role, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
static lc_status issue(lc_context *ctx, lc_quality *q, lc_severity sev, const char *check, const lc_layer *L,
                       const lc_feature *f, lc_field_role role, const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    const char *field = (unsigned)role < LC_FIELD_ROLE_COUNT ? L->fields[role] : NULL;
    char where[1024];
    int n = snprintf(where, sizeof where, "%s (layer %s", L->source, L->name);
    if (f && n > 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, ", feature %s", f->id);
    if (field && n > 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, ", field %s", field);
    return lc_quality_add(ctx, q, sev, sev == LC_SEVERITY_ERROR ? LC_ERR_DATA : LC_OK, check, L->source, L->name,
                          f ? f->id : NULL, field, "%s): %s", where, detail);
}

/* The bounds of one feature's values; see the constants above. Densities are for compounds and units only: a
 * tower's footprint in a buildings layer is legitimately denser. */
static lc_status check_feature(lc_context *ctx, const lc_layer *L, const lc_feature *f, lc_quality *q)
{
    static const lc_field_role people[] = {LC_FIELD_POPULATION, LC_FIELD_POP60, LC_FIELD_POP65};
    const double pv[] = {f->population, f->pop60, f->pop65};
    lc_status st = LC_OK;
    for (int k = 0; k < 3 && st == LC_OK; k++)
        if (pv[k] > LC_MAX_POPULATION)
            st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_IMPLAUSIBLE, L, f, people[k],
                       "%s %.6g is more than any compound or 街镇 holds (at most %.0f)", lc_field_role_name(people[k]),
                       pv[k], LC_MAX_POPULATION);
    if (st == LC_OK && f->pop65 > f->pop60)
        st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_IMPLAUSIBLE, L, f, LC_FIELD_POP65,
                   "pop65 %.6g is more than pop60 %.6g (field %s), yet every resident aged 65+ is also aged 60+",
                   f->pop65, f->pop60, L->fields[LC_FIELD_POP60]);
    if (st == LC_OK && L->kind != LC_LAYER_BUILDINGS && f->population > 0 && f->area > 0 &&
        f->population <= LC_MAX_POPULATION &&
        f->population / (f->area / 1e6) > LC_MAX_DENSITY_KM2)
        st = issue(ctx, q, LC_SEVERITY_WARNING, LC_CHECK_IMPLAUSIBLE, L, f, LC_FIELD_POPULATION,
                   "population %.6g on %.0f m² is %.0f residents per km², denser than real compounds (warned "
                   "above %.0f; Shanghai's densest hold about 150,000): check the population and the polygon",
                   f->population, f->area, f->population / (f->area / 1e6), LC_MAX_DENSITY_KM2);
    if (st == LC_OK && f->floor_area > LC_MAX_FLOOR_AREA_M2)
        st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_IMPLAUSIBLE, L, f, LC_FIELD_FLOOR_AREA,
                   "floor_area %.6g m² is more than the largest building on Earth (at most %.0f m²)", f->floor_area,
                   LC_MAX_FLOOR_AREA_M2);
    else if (st == LC_OK && L->kind == LC_LAYER_FACILITIES && f->floor_area > LC_WARN_FACILITY_FLOOR_M2)
        st = issue(ctx, q, LC_SEVERITY_WARNING, LC_CHECK_IMPLAUSIBLE, L, f, LC_FIELD_FLOOR_AREA,
                   "floor_area %.6g m² is more than the largest elder-care campuses have (warned above %.0f m²): "
                   "it alone would count as %.0f m² per 1,000 residents of a 100,000-resident 街镇",
                   f->floor_area, LC_WARN_FACILITY_FLOOR_M2, f->floor_area / 100);
    static const lc_field_role caps[] = {LC_FIELD_MEALS, LC_FIELD_BEDS, LC_FIELD_NURSING_BEDS, LC_FIELD_PLACES};
    const double cv[] = {f->meals, f->beds, f->nursing_beds, f->places};
    for (int k = 0; k < 4 && st == LC_OK; k++)
        if (cv[k] > LC_MAX_CAPACITY)
            st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_IMPLAUSIBLE, L, f, caps[k],
                       "%s %.6g is more than any single facility has (at most %.0f)", lc_field_role_name(caps[k]),
                       cv[k], LC_MAX_CAPACITY);
    if (st == LC_OK && f->nursing_beds > f->beds)
        st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_IMPLAUSIBLE, L, f, LC_FIELD_NURSING_BEDS,
                   "nursing_beds %.6g is more than beds %.6g (field %s), yet nursing-type beds are care beds",
                   f->nursing_beds, f->beds, L->fields[LC_FIELD_BEDS]);
    return st;
}

lc_status lc_layer_check_values(lc_context *ctx, const lc_layer *L, const lc_study *study, lc_quality *q)
{
    static const char *const empty_means[LC_LAYER_KIND_COUNT] = {
        [LC_LAYER_RESIDENTIAL] = "there are no residents to cover",
        [LC_LAYER_FACILITIES] = "every coverage would be 0",
        [LC_LAYER_UNITS] = "there is no 街镇 to report on; leave units out of the study to report the whole area only",
    };
    if (L->read == 0 && empty_means[L->kind]) {
        char key[64];
        snprintf(key, sizeof key, "%s.where", lc_layer_kind_name(L->kind));
        const char *where = lc_study_get(study, key);
        return issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_EMPTY_LAYER, L, NULL, LC_FIELD_ROLE_COUNT,
                     "the %s layer holds no feature%s%s%s: %s", lc_layer_kind_name(L->kind),
                     where ? " that passes the filter '" : "", where ? where : "", where ? "'" : "",
                     empty_means[L->kind]);
    }
    lc_status st = LC_OK;
    double total = 0;
    size_t known = 0;
    for (size_t i = 0; i < L->count && st == LC_OK; i++) {
        st = check_feature(ctx, L, &L->features[i], q);
        if (!isnan(L->features[i].population)) {
            total += L->features[i].population;
            known++;
        }
    }
    /* Only when every compound has its population: missing ones are errors of their own. */
    if (st == LC_OK && L->kind == LC_LAYER_RESIDENTIAL && L->count && known == L->count && total == 0)
        st = issue(ctx, q, LC_SEVERITY_ERROR, LC_CHECK_NO_RESIDENTS, L, NULL, LC_FIELD_POPULATION,
                   "the population of all %zu compounds sums to 0: every share of residents would be 0/0 (is "
                   "residential.fields.population the right field?)",
                   L->count);
    return st;
}
