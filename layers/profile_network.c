/*
 * layers/profile_network.c — a profile's `network:` section: which OSM highway values are walkable,
 * which access values exclude a way, snapping and buffer distances, the walking speed and the
 * tolerance for joining drawn road ends, with the defaults a profile leaves out. Used by
 * network/network.c through lc_profile_network().
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

/* The walking-network defaults (`network:` keys the profile leaves out). motorway and trunk are never
 * walkable, whatever the list says; foot=no always excludes a way. */
static const char *const default_walkable[] = {
    "footway", "pedestrian", "path", "steps", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "cycleway",
    "track", NULL};
static const char *const default_exclude_access[] = {"private", "no", NULL};

/* Reads the list network.<name> into a fresh NULL-terminated array (*owned, values borrowed from kv),
 * or leaves *out at the default when the profile sets none. An empty item is LC_ERR_CONFIG. */
static lc_status read_network_list(lc_context *ctx, lc_profile *pr, const char *name, const char **owned[],
                                   const char *const **out)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "network.%s", name);
    size_t n = 0, pos = 0;
    const lc_kv_entry *e;
    while (lc_kv_next(pr->kv, prefix, &pos))
        n++;
    if (!n)
        return LC_OK;
    if (!(*owned = lc_calloc(ctx, n + 1, sizeof **owned)))
        return LC_ERR_NOMEM;
    n = 0;
    pos = 0;
    while ((e = lc_kv_next(pr->kv, prefix, &pos))) {
        if (!*e->value)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG, "empty item in '%s'", prefix);
        (*owned)[n++] = e->value;
    }
    *out = *owned;
    return LC_OK;
}

/* Reads `network:` (the walking-network rules) over the defaults: walkable highway values, access
 * values that exclude a way, the largest snap distance (200 m), walking speed (1.0 m/s), service-area
 * buffer width (50 m) and the vertex snap tolerance (0: only vertices that coincide join). LC_OK or
 * LC_ERR_CONFIG. */
lc_status lc_profile_read_network(lc_context *ctx, lc_profile *pr)
{
    lc_network_rules *r = &pr->network;
    *r = (lc_network_rules){.walkable = default_walkable, .exclude_access = default_exclude_access,
                            .max_snap_m = 200, .walk_speed_m_s = 1.0, .buffer_m = 50, .snap_tolerance_m = 0};
    lc_status st;
    if ((st = read_network_list(ctx, pr, "walkable", &pr->net_walkable, &r->walkable)) != LC_OK ||
        (st = read_network_list(ctx, pr, "exclude_access", &pr->net_exclude, &r->exclude_access)) != LC_OK)
        return st;
    struct {
        const char *key;
        double *out;
    } nums[] = {{"network.max_snap_m", &r->max_snap_m}, {"network.walk_speed_m_s", &r->walk_speed_m_s},
                {"network.buffer_m", &r->buffer_m}, {"network.snap_tolerance_m", &r->snap_tolerance_m}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        const lc_kv_entry *e = lc_kv_find(pr->kv, nums[i].key);
        if (!e)
            continue;
        /* snap_tolerance_m may be 0 (exact shared vertices, the default) and at most 5 m: farther,
         * vertices of different streets across a narrow lane would join. */
        int tol = nums[i].out == &r->snap_tolerance_m;
        char *end = NULL;
        if (tol && *e->value && CPLStrtod(e->value, &end) == 0 && end != e->value && !*end) {
            *nums[i].out = 0;
            continue;
        }
        if ((st = lc_profile_read_positive(ctx, pr, nums[i].key, nums[i].out)) != LC_OK)
            return tol ? lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                                     "'%s' must be 0 (join only vertices that coincide, the default) or a distance "
                                     "up to 5 m (got '%s')", nums[i].key, e->value)
                       : st;
        if (tol && *nums[i].out > 5)
            return lc_kv_error(ctx, pr->kv, e->line, LC_ERR_CONFIG,
                               "'%s' must be 0 (join only vertices that coincide, the default) or a distance up to "
                               "5 m (got '%s'): farther, vertices of different streets would join", nums[i].key,
                               e->value);
    }
    return LC_OK;
}
