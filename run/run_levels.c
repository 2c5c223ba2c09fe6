/*
 * run/run_levels.c — a district level in one run: which standards profile each district (区) of a
 * study is held to (lc_run_district_profiles, run/run_int.h), so a city-wide study gives Yangpu its
 * 2.5% bed target and Songjiang its 4%. What a district's targets then do is queries/indicators.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "run/run_int.h"

#define MAPPING "districts.profiles"

/* The profile named name, loaded once per run. NULL with the loader's error. */
static const lc_profile *district_profile(lc_run *run, const char *name)
{
    if (!strcmp(name, lc_profile_name(run->profile)) || !strcmp(name, lc_study_get(run->study, "profile")))
        return run->profile;
    for (size_t i = 0; i < run->nloaded; i++)
        if (!strcmp(lc_profile_name(run->loaded[i]), name))
            return run->loaded[i];
    lc_profile **grown = realloc(run->loaded, (run->nloaded + 1) * sizeof *grown);
    if (!grown) {
        lc_error(run->ctx, LC_ERR_NOMEM, "out of memory loading district profiles");
        return NULL;
    }
    run->loaded = grown;
    lc_profile *p = lc_profile_load(run->ctx, name);
    if (!p)
        return NULL;
    run->loaded[run->nloaded++] = p;
    return p;
}

lc_status lc_run_district_profiles(lc_run *run)
{
    lc_context *ctx = run->ctx;
    const lc_layer *dl = lc_inputs_layer(run->inputs, LC_LAYER_DISTRICTS);
    size_t nd = lc_layer_count(dl), nmap = lc_study_mapping_count(run->study, MAPPING);
    const char *where = lc_study_path(run->study) ? lc_study_path(run->study) : "study";
    /* Every 区名 of the mapping must name a district. */
    for (size_t m = 0; m < nmap; m++) {
        const char *key = lc_study_mapping_key(run->study, MAPPING, m);
        int found = 0;
        for (size_t d = 0; d < nd && !found; d++) {
            const lc_feature *f = lc_layer_feature(dl, d);
            found = !strcmp(f->id, key) || (f->name && !strcmp(f->name, key));
        }
        if (!found)
            return lc_error(ctx, LC_ERR_CONFIG, "%s: %s.%s names a district no feature of the districts layer%s%s has "
                            "as id or name", where, MAPPING, key, dl ? " " : " (the study has none)",
                            dl ? lc_layer_source(dl) : "");
    }
    if (!nd)
        return LC_OK;
    if (!(run->district_profiles = lc_calloc(ctx, nd, sizeof *run->district_profiles)))
        return LC_ERR_NOMEM;
    for (size_t d = 0; d < nd; d++) {
        const lc_feature *f = lc_layer_feature(dl, d);
        const char *name = f->profile && *f->profile ? f->profile : NULL;
        for (size_t m = 0; !name && m < nmap; m++) {
            const char *key = lc_study_mapping_key(run->study, MAPPING, m);
            if (!strcmp(f->id, key) || (f->name && !strcmp(f->name, key)))
                name = lc_study_mapping_value(run->study, MAPPING, m);
        }
        if (!name)
            continue;
        const lc_profile *p = district_profile(run, name);
        if (!p) {
            char why[600];
            snprintf(why, sizeof why, "%s", lc_context_errmsg(ctx));
            return lc_error(ctx, LC_ERR_CONFIG, "%s (layer %s, feature %s): district %s is held to profile '%s' (%s), "
                            "which cannot be loaded: %s", lc_layer_source(dl), lc_layer_name(dl), f->id,
                            f->name ? f->name : f->id, name,
                            f->profile && *f->profile ? "its profile field" : MAPPING, why);
        }
        run->district_profiles[d] = p == run->profile ? NULL : p;
    }
    return LC_OK;
}
