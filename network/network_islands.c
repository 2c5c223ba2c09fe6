/*
 * network/network_islands.c — islands of the walking network (lc_network_islands in
 * include/lifecircle/network.h): components that residents attach to but that hold no facility of
 * some category found elsewhere on the network. Network coverage silently gives those residents
 * nothing; the data-quality report says where and how many, since it usually means a road link is
 * missing from the roads layer. Only the network's public getters and lc_network_snap are used, so
 * network/network.c stays as it is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "layers/quality_int.h"
#include "lifecircle/network.h"

/* What one component holds. */
typedef struct island {
    double residents;   /* sum of the attached polygons' population (missing values count 0) */
    size_t polygons;    /* residential polygons attached */
    double length;      /* metres of edges */
    char ids[160];      /* the first polygons' ids, for the message */
    size_t ids_len;
    int ids_cut;        /* the list was cut: nothing more goes after it */
} island;

/* The component of the point attached at s, or (size_t)-1 when it is off-network. */
static size_t component_of(const lc_network *net, const lc_snap *s)
{
    size_t a;
    if (s->edge < 0 || lc_network_edge(net, (size_t)s->edge, &a, NULL, NULL) != 0)
        return (size_t)-1;
    return lc_network_node_component(net, a);
}

/* The length of the first n bytes of UTF-8 text s without a character cut short at the end:
 * snprintf truncates bytes, and a message with half a character is not UTF-8 (summary.json's
 * jansson then drops the whole issue). */
static size_t utf8_whole(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return n;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
    return n - (i - 1) < need ? i - 1 : n;
}

/* Appends the latest polygon's id to the island's short list ("A, B, C, D, E, ..."). */
static void add_id(island *is, const char *id)
{
    if (is->ids_cut || is->ids_len + 1 >= sizeof is->ids || is->polygons > 6)
        return;
    int w = is->polygons <= 5 ? snprintf(is->ids + is->ids_len, sizeof is->ids - is->ids_len, "%s%s",
                                         is->polygons > 1 ? ", " : "", id)
                              : snprintf(is->ids + is->ids_len, sizeof is->ids - is->ids_len, ", ...");
    if (w > 0 && is->ids_len + (size_t)w < sizeof is->ids)
        is->ids_len += (size_t)w;
    else if (w > 0) { /* cut: end on a whole character */
        is->ids_len = utf8_whole(is->ids, sizeof is->ids - 1);
        is->ids[is->ids_len] = '\0';
        is->ids_cut = 1;
    }
}

/* Finds islands and reports them; see network.h. */
lc_status lc_network_islands(lc_context *ctx, const lc_network *net, const lc_inputs *in, const lc_profile *profile,
                             lc_quality *quality, size_t *islands)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!net || !in || !profile || !quality)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_network_islands: a network, inputs, a profile and a report are required");
    if (islands)
        *islands = 0;
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    const lc_network_rules *rules = lc_profile_network(profile);
    const lc_layer *res = lc_inputs_layer(in, LC_LAYER_RESIDENTIAL), *fac = lc_inputs_layer(in, LC_LAYER_FACILITIES);
    size_t ncomp = lc_network_component_count(net), ncat = lc_profile_category_count(profile), found = 0;
    if (!ncomp || !res)
        return LC_OK;
    island *is = lc_calloc(ctx, ncomp, sizeof *is);
    unsigned char *has = lc_calloc(ctx, ncomp * (ncat ? ncat : 1), 1);  /* component × category */
    unsigned char *present = lc_calloc(ctx, ncat ? ncat : 1, 1);        /* on the network somewhere */
    lc_status st = LC_ERR_NOMEM;
    if (!is || !has || !present)
        goto done;
    for (size_t e = 0; e < lc_network_edge_count(net); e++) {
        size_t a;
        double len;
        lc_network_edge(net, e, &a, NULL, &len);
        is[lc_network_node_component(net, a)].length += len;
    }
    /* Demand: each polygon's point on surface, attached as coverage attaches it. */
    for (size_t i = 0; i < lc_layer_count(res); i++) {
        const lc_feature *f = lc_layer_feature(res, i);
        GEOSGeometry *pt = f->geom ? GEOSPointOnSurface_r(h, f->geom) : NULL;
        lc_xy p;
        lc_snap s;
        if (!pt || !GEOSGeomGetX_r(h, pt, &p.x) || !GEOSGeomGetY_r(h, pt, &p.y)) {
            if (pt)
                GEOSGeom_destroy_r(h, pt);
            st = lc_error(ctx, LC_ERR_GEOMETRY, "%s (layer %s, feature %s): no demand point on the polygon",
                          lc_layer_source(res), lc_layer_name(res), f->id);
            goto done;
        }
        GEOSGeom_destroy_r(h, pt);
        if ((st = lc_network_snap(ctx, net, p, rules->max_snap_m, &s)) != LC_OK)
            goto done;
        size_t c = component_of(net, &s);
        if (c == (size_t)-1)
            continue;
        is[c].polygons++;
        is[c].residents += isnan(f->population) ? 0 : f->population;
        add_id(&is[c], f->id);
    }
    /* Supply: which categories each component holds. */
    for (size_t i = 0; fac && i < lc_layer_count(fac); i++) {
        const lc_feature *f = lc_layer_feature(fac, i);
        lc_xy p;
        lc_snap s;
        if (f->category < 0 || (size_t)f->category >= ncat || !f->geom || !GEOSGeomGetX_r(h, f->geom, &p.x) ||
            !GEOSGeomGetY_r(h, f->geom, &p.y))
            continue;
        if ((st = lc_network_snap(ctx, net, p, rules->max_snap_m, &s)) != LC_OK)
            goto done;
        size_t c = component_of(net, &s);
        if (c == (size_t)-1)
            continue;
        has[c * ncat + (size_t)f->category] = 1;
        present[f->category] = 1;
    }
    st = LC_OK;
    for (size_t c = 0; c < ncomp && st == LC_OK; c++) {
        if (!is[c].polygons || !(is[c].residents > 0))
            continue; /* no one lives there: nothing is missed */
        char missing[1024];
        size_t used = 0, nmiss = 0, npresent = 0;
        int cut = 0;
        missing[0] = '\0';
        for (size_t k = 0; k < ncat; k++) {
            npresent += present[k];
            if (!present[k] || has[c * ncat + k])
                continue;
            const lc_category *cat = lc_profile_category(profile, k);
            int w = cut ? 0
                        : snprintf(missing + used, sizeof missing - used, "%s%s %s", nmiss ? ", " : "", cat->code,
                                   cat->name_zh);
            if (w > 0 && used + (size_t)w < sizeof missing)
                used += (size_t)w;
            else if (w > 0) { /* cut: end on a whole character */
                used = utf8_whole(missing, sizeof missing - 1);
                missing[used] = '\0';
                cut = 1;
            }
            nmiss++;
        }
        if (!nmiss)
            continue;
        found++;
        if (nmiss == npresent && nmiss > 1)
            snprintf(missing, sizeof missing, "all of them");
        st = lc_quality_add(ctx, quality, LC_SEVERITY_WARNING, LC_OK, LC_CHECK_NETWORK_ISLAND, lc_layer_source(res),
                            lc_layer_name(res), NULL, NULL,
                            "walking network island 路网孤岛: component %zu of %zu (%zu nodes, %.0f m of road) holds "
                            "%zu residential polygon%s (%s) with %.0f residents 常住人口 but no facility of %zu "
                            "categor%s found elsewhere on the network: %s — not reachable on foot from there "
                            "(a road link missing from the roads layer?)",
                            c + 1, ncomp, lc_network_component_size(net, c), is[c].length, is[c].polygons,
                            is[c].polygons == 1 ? "" : "s", is[c].ids, is[c].residents, nmiss,
                            nmiss == 1 ? "y" : "ies", missing);
    }
    if (st == LC_OK && found)
        lc_log(ctx, LC_LOG_INFO, "walking network: %zu island%s with residents but missing categories", found,
               found == 1 ? "" : "s");
    if (islands)
        *islands = found;
done:
    free(is);
    free(has);
    free(present);
    return st;
}
