/*
 * layers/profile_int.h — the built-in profiles, generated at build time by layers/embed_profiles.py
 * from the profiles folder into builtin_profiles.c, and what the files reading a profile share
 * (layers/profile.c, profile_norms.c, profile_network.c, profile_extends.c): the profile's state and
 * their steps. Library-internal.
 */
#ifndef LIFECIRCLE_LAYERS_PROFILE_INT_H
#define LIFECIRCLE_LAYERS_PROFILE_INT_H

#include <stdbool.h>

#include "geo/strmap_int.h"
#include "layers/keyvalue_int.h"
#include "lifecircle/profile.h"

/* Names ("shanghai-2025", the file names without .yml), NULL-terminated; never freed. */
extern const char *const lc_builtin_profile_names[];

/* The YAML text of each name, at the same index, NULL-terminated; never freed. */
extern const char *const lc_builtin_profile_texts[];

/* A profile's `accessibility:` entries (layers/profile_access.c), owned by the profile. */
typedef struct lc_access_specs {
    lc_access_spec *specs;
    size_t n;
    char **codes;      /* codes[i] is specs[i].code */
    int **cats;        /* specs[i].categories */
    double **steps;    /* specs[i].step_m, step_w one after the other (2 × nsteps) */
} lc_access_specs;

/* ---- a profile being read (layers/profile*.c) ---- */

/* The longest category or norm code. */
#define CODE_MAX 64

struct lc_profile {
    lc_kv *kv;             /* the parsed file: owns every string the categories borrow */
    const char *name;      /* `profile:` */
    const char *title;     /* `title:` or "" */
    lc_norm *norms;
    char **norm_codes;     /* norm_codes[i] is norms[i].code, owned */
    size_t norm_count;
    char short_codes[64][5]; /* derived short codes when a category sets none (first 64 categories) */
    lc_category *cats;
    const char ***aliases; /* aliases[i] is cats[i].aliases (NULL-terminated), owned */
    char **codes;          /* codes[i] is cats[i].code, owned */
    int *lines;            /* the line of category i's key (or of its first entry) */
    size_t count;
    size_t cap;
    lc_network_rules network;   /* `network:`; lists borrow from kv or from the defaults below */
    const char **net_walkable;  /* owned arrays behind network.walkable / exclude_access when set */
    const char **net_exclude;
    char **speed_sources;       /* per category, owned: reach_source after lc_profile_set_walk_speed */
    lc_strmap labels;           /* every label (code, zh, en, aliases) folded (fold_label) → category */
    char **folded;              /* the folded labels the map's keys point into, owned */
    size_t nfolded;
    int **norm_cats;            /* per norm, owned: norms[i].categories */
    lc_access_specs access;     /* `accessibility:` (layers/profile_access.c) */
};

/* Whether s is a list index: digits only. */
static inline bool is_index(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Reads a positive number at key (which must be present) into *out. LC_OK or LC_ERR_CONFIG naming
 * the file, line and key. (layers/profile.c) */
lc_status lc_profile_read_positive(lc_context *ctx, const lc_profile *pr, const char *key, double *out);

/* Collects the norm codes in document order and reads each norm (the categories already read).
 * LC_OK or LC_ERR_CONFIG / LC_ERR_NOMEM in ctx. (layers/profile_norms.c) */
lc_status lc_profile_read_norms(lc_context *ctx, lc_profile *pr);

/* Reads `network:` into pr->network, the defaults where it is silent. LC_OK or LC_ERR_CONFIG /
 * LC_ERR_NOMEM in ctx. (layers/profile_network.c) */
lc_status lc_profile_read_network(lc_context *ctx, lc_profile *pr);

/* Parses a profile by built-in name or path and, while it says `extends: <base>`, merges it over its
 * base; depth counts the levels so far (0 for the caller). Caller frees with lc_kv_destroy(); NULL
 * with the error in ctx. (layers/profile_extends.c) */
lc_kv *lc_profile_load_kv(lc_context *ctx, const char *name_or_path, int depth);

/* Reads every `accessibility.<code>` entry of kv (the profile's parsed text) into *out, checking
 * each key (unknown keys, categories the profile lacks, a norm that is not a capacity_ratio, bands
 * not increasing, weights outside (0, 1]); pr is the profile read so far (its categories and norms).
 * LC_OK; LC_ERR_CONFIG naming the file, line and key; LC_ERR_NOMEM. What was read is released by
 * lc_profile_access_free either way. (layers/profile_access.c) */
lc_status lc_profile_access_read(lc_context *ctx, lc_kv *kv, const lc_profile *pr, lc_access_specs *out);

/* Releases what lc_profile_access_read allocated (the struct itself is the caller's). */
void lc_profile_access_free(lc_access_specs *s);

#endif /* LIFECIRCLE_LAYERS_PROFILE_INT_H */
