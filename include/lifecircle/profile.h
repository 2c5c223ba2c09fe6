/*
 * lifecircle/profile.h — a standards profile: the facility categories (Chinese and English names,
 * whether their floor area counts toward 社区养老服务设施, how far they reach, the labels users give
 * them) and, later, the norms a study is checked against.
 *
 * A profile is a YAML file (the same format as the study file; profiles/shanghai-2025.yml describes
 * the keys). Built-in profiles ship inside the library ("shanghai-2025"); `lifecircle profile init
 * NAME` writes one out for editing. A profile file is complete on its own: it lists every category
 * it uses, the standard ones and any it adds.
 */
#ifndef LIFECIRCLE_PROFILE_H
#define LIFECIRCLE_PROFILE_H

#include <stddef.h>

#include "lifecircle/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A facility category. All strings borrowed from the profile, valid while it lives. */
typedef struct lc_category {
    const char *code;         /* stable ASCII code: "centre", "meal_point", ... */
    const char *name_zh;      /* 社区综合为老服务中心 */
    const char *name_en;      /* Community elder-service centre */
    int counts_floor_area;    /* non-zero: floor area counts toward 社区养老服务设施 (40 m²/1,000) */
    double reach_m;           /* reach along the walking network or straight line, metres */
    double reach_minutes;     /* the walk time reach_m stands for (for display) */
    const char *reach_source; /* where the reach assumption comes from */
    const char *const *aliases; /* NULL-terminated labels users give this category */
    int in_life_circle;       /* non-zero: part of the whole life circle (every one must be in reach) */
    const char *short_code;   /* at most 4 ASCII characters, for Shapefile field names ("CTR") */
    double size_min_m2;       /* siting: smallest floor area a new site should have (`size_min_m2:`;
                                 0 when the profile gives none) */
    double size_max_m2;       /* siting: largest floor area of a new site (`size_max_m2:`; 0 when the
                                 profile gives none: no limit) */
    double typical_meals;     /* `typical:` what a new facility of the category offers (a site run's
                                 proposals carry it, so `check --with-proposals` moves the capacity */
    double typical_beds;      /*  norms and 2SFCA): meals/day, beds, nursing-type beds, day-care */
    double typical_nursing_beds; /* places; NAN when the profile gives none */
    double typical_places;
    const char *typical_source; /* where the typical capacities come from; NULL when none */
} lc_category;

/* The administrative ladder (区 → 街镇 → 片区 → 居村 → 村民小组): the levels a presence norm can
 * ask for, each read from its own optional study layer (lifecircle/layer.h). */
typedef enum lc_level {
    LC_LEVEL_DISTRICT = 0, /* 区: the districts layer */
    LC_LEVEL_UNIT,         /* 街镇 (street / town): the units layer */
    LC_LEVEL_AREA,         /* 片区 (a cluster of villages a town defines): the areas layer */
    LC_LEVEL_COMMITTEE,    /* 居村 (residents' or villagers' committee): the committees layer */
    LC_LEVEL_GROUP,        /* 村民小组 (village group): the groups layer */
    LC_LEVEL_COUNT
} lc_level;

/* The profile's name of a level ("district", "unit", "area", "committee", "group") and its Chinese
 * name ("区", "街镇", "片区", "居村", "村民小组"). Never freed; "unknown" past the end. */
LC_API const char *lc_level_name(lc_level level);
LC_API const char *lc_level_name_zh(lc_level level);

/* Which units of a level a presence norm asks of (`only:`). */
typedef enum lc_only {
    LC_ONLY_ALL = 0,   /* every unit of the level */
    LC_ONLY_VILLAGERS, /* 村委会 only (committees; groups and areas of a village) */
    LC_ONLY_RESIDENTS, /* 居委会 only */
    LC_ONLY_RURAL,     /* units: 镇 and 乡 only; lower levels: those in a rural 街镇 */
    LC_ONLY_URBAN      /* units: 街道 only; lower levels: those in a 街道 */
} lc_only;

/* What a norm measures. */
typedef enum lc_norm_kind {
    LC_NORM_REACH = 0,         /* share of residents within reach of `category` ≥ target ("1+N") */
    LC_NORM_CIRCLE,            /* share of residents with every life-circle category in reach ≥ target */
    LC_NORM_FLOOR_AREA,        /* m² of counted floor area per 1,000 residents (常住) ≥ target */
    LC_NORM_UNIT_PRESENCE,     /* presence (`kind: presence`, or `unit_presence` for the 街镇 level): the
                                  share of the units of `level` (default 街镇) with at least `min` facilities
                                  of `category` (or of any of `categories`) ≥ target */
    LC_NORM_CAPACITY_RATIO,    /* Σ measure / Σ per (e.g. meals/day per registered 65+) ≥ target */
    LC_NORM_NURSING_SHARE      /* nursing beds / beds ≥ target */
} lc_norm_kind;

/* A norm of the profile. Strings borrowed from the profile, valid while it lives. */
typedef struct lc_norm {
    const char *code;    /* stable ASCII code: "floor_area", "meal_capacity", ... */
    lc_norm_kind kind;
    int category;        /* index of the category (REACH, UNIT_PRESENCE), else -1 */
    const char *measure; /* CAPACITY_RATIO: "meals", "beds" or "nursing_beds"; else NULL */
    const char *per;     /* CAPACITY_RATIO: "population", "pop60" or "pop65"; else NULL */
    double target;       /* the minimum; NAN for an informational indicator without a target */
    const char *zh;      /* 中文名 */
    const char *en;      /* English name */
    const char *source;  /* where the norm comes from (seed document and line) */
    /* UNIT_PRESENCE only (else level LC_LEVEL_UNIT, ncategories 0, min_count 1, only ALL, serve 0): */
    lc_level level;      /* the level every unit of which needs the facilities */
    const int *categories; /* the categories that count, any of them (categories[0] == category) */
    size_t ncategories;
    double min_count;    /* at least this many facilities (`min:`, a whole number ≥ 1; default 1) */
    lc_only only;        /* which units of the level are asked (`only:`) */
    int serve_reach;     /* `serve: reach`: a facility counts for a unit when the unit lies within the
                            category's reach of it (straight line, or along the walking network in
                            network mode), not only when it lies inside; `serve: inside` (default) */
} lc_norm;

/* The walking-network rules of a profile (`network:` keys; every one optional):
 *   network:
 *     walkable: [footway, pedestrian, path, ...]  # OSM highway values walked on
 *     exclude_access: [private, no]               # access values that close a way (foot=yes reopens it)
 *     max_snap_m: 200        # a point farther than this from every edge is off-network
 *     walk_speed_m_s: 1.0    # walking speed: turns minutes into metres where no category reach applies
 *                            # (isochrones of points); the study's walk_speed overrides it and every
 *                            # category's reach (lc_profile_set_walk_speed)
 *     buffer_m: 50           # half-width of the service-area corridor around reachable edges
 *     snap_tolerance_m: 0    # 0: only vertices that coincide join (OSM, noded data); up to 5 m:
 *                            # vertices closer than this join too (CAD lines), each join counted
 * Defaults: the values shown, walkable = footway pedestrian path steps living_street residential service
 * unclassified tertiary(_link) secondary(_link) primary(_link) cycleway track. Whatever the list says,
 * motorway and trunk (and their links) are never walkable, and foot=no closes any way.
 * Lists are NULL-terminated; strings borrowed from the profile, valid while it lives. */
typedef struct lc_network_rules {
    const char *const *walkable;
    const char *const *exclude_access;
    double max_snap_m;
    double walk_speed_m_s;
    double buffer_m;
    double snap_tolerance_m;
} lc_network_rules;

/* Supply-demand accessibility (two-step floating catchment area, include/lifecircle/access.h): what a
 * profile's `accessibility:` entry asks.
 *   accessibility:
 *     meals:                        # a code
 *       zh: / en: / source:         # names and where the method and its parameters come from (required)
 *       categories: [meal_point, canteen]  # facilities of these categories supply (each its own reach)
 *       capacity: meals             # the facility field supplied: meals | beds | nursing_beds | places
 *       demand: pop65               # the compounds' field demanding: population | pop60 | pop65
 *       method: e2sfca              # 2sfca (every pair within reach weighs 1) | e2sfca (distance decay)
 *       weights: stepped            # e2sfca: stepped | gaussian
 *       steps_m: [333, 667, 1000]   # stepped: upper bounds of the distance bands, metres, increasing;
 *       step_weights: [1, 0.68, 0.22]  #   and each band's weight in (0, 1] (past the last band, within
 *                                   #   the reach, the last band's weight holds)
 *       sigma_m: 500                # gaussian: W(d) = exp(−d² / (2 σ²)) within the reach
 *       norm: meal_capacity         # optional: the capacity_ratio norm whose target (capacity per person
 *                                   #   of demand) flags a facility over-subscribed; capacity and
 *                                   #   demand default to the norm's measure and per
 *       target: 0.05                # optional, instead of (or over) the norm's target
 *       per: 100                    # the compounds' ratio is reported per this many persons (default 100)
 * A facility counts for a compound when the distance between them is within the facility's category
 * reach (step 1 and step 2 use the same pairs). Strings and arrays borrowed from the profile. */
typedef enum lc_access_capacity {
    LC_CAPACITY_MEALS = 0,   /* meals per day (field role meals) */
    LC_CAPACITY_BEDS,        /* care beds (beds) */
    LC_CAPACITY_NURSING_BEDS,/* nursing-type beds (nursing_beds) */
    LC_CAPACITY_PLACES       /* day-care places (places) */
} lc_access_capacity;

typedef enum lc_access_demand {
    LC_DEMAND_POPULATION = 0, /* 常住人口 */
    LC_DEMAND_POP60,          /* registered 60+ */
    LC_DEMAND_POP65           /* registered 65+ */
} lc_access_demand;

typedef enum lc_access_method {
    LC_ACCESS_2SFCA = 0,  /* Luo & Wang 2003: W ≡ 1 within the catchment */
    LC_ACCESS_E2SFCA      /* Luo & Qi 2009: distance-decay weights W(d) */
} lc_access_method;

typedef enum lc_access_weights {
    LC_WEIGHTS_NONE = 0,  /* 2sfca */
    LC_WEIGHTS_STEPPED,   /* weight of the first band whose upper bound is ≥ d */
    LC_WEIGHTS_GAUSSIAN   /* exp(−d² / (2 σ²)) */
} lc_access_weights;

typedef struct lc_access_spec {
    const char *code, *zh, *en, *source;
    const int *categories;   /* the supplying categories (indices into the profile's) */
    size_t ncategories;
    lc_access_capacity capacity;
    lc_access_demand demand;
    lc_access_method method;
    lc_access_weights weights;
    const double *step_m, *step_w; /* stepped: nsteps bands */
    size_t nsteps;
    double sigma_m;          /* gaussian */
    int norm;                /* index of the linked capacity_ratio norm, -1 when none */
    double target;           /* capacity per person of demand a facility should offer; NAN: none */
    double per;              /* compounds' ratio reported per this many persons (100) */
} lc_access_spec;

/* The study field-role name of a capacity ("meals", "beds", "nursing_beds", "places") and of a
 * demand ("population", "pop60", "pop65"). Never freed; "unknown" past the end. */
LC_API const char *lc_access_capacity_name(lc_access_capacity c);
LC_API const char *lc_access_demand_name(lc_access_demand d);

typedef struct lc_profile lc_profile;

/* Loads a profile: a built-in name ("shanghai-2025") or a path to a YAML profile file.
 * NULL with LC_ERR_CONFIG (message names file, line and key) or LC_ERR_IO on failure.
 * Caller frees with lc_profile_destroy(). */
LC_API lc_profile *lc_profile_load(lc_context *ctx, const char *name_or_path);

/* Releases a profile. Accepts NULL. */
LC_API void lc_profile_destroy(lc_profile *profile);

/* The NULL-terminated list of built-in profile names. Never freed. */
LC_API const char *const *lc_profile_builtin_names(void);

/* The YAML text of a built-in profile, or NULL if name is not built in. Never freed. */
LC_API const char *lc_profile_builtin_text(const char *name);

/* The profile's name ("shanghai-2025" or the file's `profile:` value). Borrowed. */
LC_API const char *lc_profile_name(const lc_profile *profile);

/* Number of categories, and the i-th (borrowed, valid while profile lives). */
LC_API size_t lc_profile_category_count(const lc_profile *profile);
LC_API const lc_category *lc_profile_category(const lc_profile *profile, size_t i);

/* The profile's title (may be ""). Borrowed. */
LC_API const char *lc_profile_title(const lc_profile *profile);

/* Number of norms, and the i-th (borrowed, valid while profile lives), in file order. */
LC_API size_t lc_profile_norm_count(const lc_profile *profile);
LC_API const lc_norm *lc_profile_norm(const lc_profile *profile, size_t i);

/* Number of accessibility entries (`accessibility:`), and the i-th (borrowed, valid while profile
 * lives; NULL past the end), in file order. */
LC_API size_t lc_profile_access_count(const lc_profile *profile);
LC_API const lc_access_spec *lc_profile_access(const lc_profile *profile, size_t i);

/* The index of the category a label names: its code, Chinese or English name, or an alias
 * (ASCII case-insensitive; surrounding ASCII blanks and full-width spaces U+3000 ignored; other
 * text must match exactly). A label names at most one category (lc_profile_load rejects a profile
 * where two share one). Hashed: as fast with thousands of aliases as with one. -1 if none, if label
 * is NULL, or if memory runs out folding a label longer than 255 bytes. */
LC_API int lc_profile_find_category(const lc_profile *profile, const char *label);

/* The profile's walking-network rules (defaults filled in). Borrowed, valid while profile lives;
 * NULL only when profile is NULL. */
LC_API const lc_network_rules *lc_profile_network(const lc_profile *profile);

/* Walks every category's reach at one speed (the study's `walk_speed`, "15 minutes at 0.9 m/s"):
 * sets network.walk_speed_m_s to speed_m_s and each category's reach_m to its reach_minutes × 60 ×
 * speed_m_s, its reach_source saying so (and what the profile said). `check`, `site` and `isochrones`
 * then agree on what a minute of walking is. LC_OK; LC_ERR_MISUSE (speed not positive and finite, or
 * so large that a reach would be infinite) or LC_ERR_NOMEM leave the profile unchanged. */
LC_API lc_status lc_profile_set_walk_speed(lc_context *ctx, lc_profile *profile, double speed_m_s);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_PROFILE_H */
