/*
 * geo/crs.c — the working CRS (a metric projected CRS wrapped around a PROJ PJ*), UTM zone choice,
 * WKT export, and transforms from input CRSs (anything PROJ knows, plus GCJ-02/BD-09) into it,
 * applied to point arrays and GEOS geometries. The GCJ-02/BD-09 arithmetic lives in
 * geo/chinese_coords.c; choosing the working CRS for a study and reading layers live in layers/.
 * Every PROJ object here is created with the context's PJ_CONTEXT and used only with that context.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "lifecircle/crs.h"

/* What to use instead, quoted in every refusal of a working CRS. */
#define LC_CRS_SUGGESTION                                                                          \
    "e.g. EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E) or EPSG:32651 (UTM 51N)"

/* Definitions longer than this are shortened in messages (a WKT can run to kilobytes). */
#define LC_DEF_SHOWN 96

/* The Chinese web-map systems PROJ does not know. */
typedef enum lc_webmap { LC_WEBMAP_NONE = 0, LC_WEBMAP_GCJ02, LC_WEBMAP_BD09 } lc_webmap;

struct lc_crs {
    lc_context *ctx; /* borrowed: the context whose PJ_CONTEXT created pj */
    PJ *pj;          /* the CRS as defined (a BoundCRS keeps its towgs84) */
    char *name;      /* proj_get_name(), or the shortened definition when PROJ has no name */
    char *id;        /* "EPSG:32651", or NULL when PROJ knows no identifier */
    /* Filled on first use by the const accessors (a crs, like its context, serves one thread at
     * a time), released by lc_crs_destroy(). */
    char *wkt_esri;
    char *wkt2;
    PJ *to_lonlat; /* this CRS → WGS 84 lon/lat */
};

struct lc_transform {
    lc_context *ctx;      /* borrowed: the context the transform belongs to */
    const lc_crs *target; /* borrowed: must outlive the transform */
    PJ *op; /* source (WGS 84 for GCJ-02/BD-09) → target, lon/lat and east/north order */
    lc_webmap webmap; /* GCJ-02/BD-09 are converted to WGS 84 before op */
    int geographic;   /* non-zero when the source takes lon/lat */
    int noop;         /* op changes nothing (the source is the working CRS): points pass through */
    char *source;     /* the source definition, shortened, for messages */
};

/* ---- Small helpers ---- */

/* Which web-map system a definition names, by any accepted spelling (ASCII case-insensitive). */
static lc_webmap webmap_of(const char *definition)
{
    if (!definition)
        return LC_WEBMAP_NONE;
    if (!strcasecmp(definition, "GCJ-02") || !strcasecmp(definition, "GCJ02"))
        return LC_WEBMAP_GCJ02;
    if (!strcasecmp(definition, "BD-09") || !strcasecmp(definition, "BD09"))
        return LC_WEBMAP_BD09;
    return LC_WEBMAP_NONE;
}

/* Copies definition into buf (of LC_DEF_SHOWN + 4 bytes) for a message: first line only, cut with
 * "..." when long. Returns buf. */
static const char *shown(const char *definition, char *buf)
{
    size_t n = strcspn(definition, "\r\n");
    if (n > LC_DEF_SHOWN) {
        memcpy(buf, definition, LC_DEF_SHOWN - 3);
        memcpy(buf + LC_DEF_SHOWN - 3, "...", 4);
    } else {
        memcpy(buf, definition, n);
        buf[n] = '\0';
        if (definition[n])
            strcpy(buf + n, "...");
    }
    return buf;
}

/* PROJ's reason for the context's last failure, or a fallback when PROJ recorded none. */
static const char *proj_reason(lc_context *ctx)
{
    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    int err = proj_context_errno(pc);
    const char *s = err ? proj_context_errno_string(pc, err) : NULL;
    return s && *s ? s : "unknown reason";
}

/* Non-zero when a PROJ string lacks "+type=crs", so PROJ would read it as an operation. */
static int is_bare_proj_string(const char *definition)
{
    const char *p = definition + strspn(definition, " \t");
    return (!strncmp(p, "+proj=", 6) || !strncmp(p, "proj=", 5) || !strncmp(p, "+init=", 6)) &&
           !strstr(definition, "type=crs");
}

/* Non-zero when PROJ would read a definition as an object name ("WGS 84", "CGCS2000 / 3-degree
 * Gauss-Kruger CM 120E") rather than a code, WKT, PROJJSON or PROJ string. */
static int is_name(const char *definition)
{
    return !strchr(definition, ':') && !strchr(definition, '[') && !strchr(definition, '{') &&
           !strchr(definition, '=');
}

/* Non-zero when PROJ knows a CRS or other object by exactly this name or alias. PROJ's own
 * proj_create() falls back to a partial match ("foo" finds "Amersfoort"), which must not silently
 * stand in for a mistyped name. */
static int name_is_exact(PJ_CONTEXT *pc, const char *name)
{
    PJ_OBJ_LIST *found = proj_create_from_name(pc, NULL, name, NULL, 0, 0, 1, NULL);
    int n = found ? proj_list_get_count(found) : 0;
    if (found)
        proj_list_destroy(found);
    return n > 0;
}

/* Creates the PROJ CRS a definition names; a bare PROJ string ("+proj=utm +zone=51") is read as a
 * CRS, as cs2cs does, and a name must match exactly. Returns a new PJ (caller frees with
 * proj_destroy()), or NULL with LC_ERR_CRS naming the definition when PROJ does not know it or it
 * is not a CRS (or LC_ERR_NOMEM). PROJ's own reason goes to the message handler at debug level. */
static PJ *crs_from_definition(lc_context *ctx, const char *definition)
{
    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    char buf[LC_DEF_SHOWN + 4];
    char *with_type = NULL;
    PJ *pj = NULL;

    if (is_bare_proj_string(definition)) {
        with_type = lc_sprintf(ctx, "%s +type=crs", definition);
        if (!with_type)
            return NULL;
    }
    pj = proj_create(pc, with_type ? with_type : definition);
    if (!pj) {
        lc_error(ctx, LC_ERR_CRS,
                 "unknown CRS \"%s\": PROJ does not recognise it; give an authority code such as "
                 "EPSG:4549, a WKT text or a PROJ string",
                 shown(definition, buf));
        goto fail;
    }
    if (is_name(definition) && !name_is_exact(pc, definition)) {
        const char *near = proj_get_name(pj);
        lc_error(ctx, LC_ERR_CRS,
                 "unknown CRS \"%s\": no CRS has exactly that name (the nearest PROJ finds is "
                 "\"%s\"); give an authority code such as EPSG:4549, a WKT text or a PROJ string",
                 shown(definition, buf), near ? near : "?");
        goto fail;
    }
    if (!proj_is_crs(pj)) {
        lc_error(ctx, LC_ERR_CRS,
                 "\"%s\" is not a coordinate reference system (PROJ reads it as a coordinate "
                 "operation, datum or other object); give a CRS such as EPSG:4549",
                 shown(definition, buf));
        goto fail;
    }
    /* Only x/y matter here: a compound CRS (horizontal + height) contributes its horizontal part,
     * so no vertical transformation (and no geoid grid) is ever needed. */
    if (proj_get_type(pj) == PJ_TYPE_COMPOUND_CRS) {
        PJ *horiz = proj_crs_get_sub_crs(pc, pj, 0);
        if (!horiz) {
            lc_error(ctx, LC_ERR_CRS, "cannot take the horizontal part of compound CRS \"%s\" (%s)",
                     shown(definition, buf), proj_reason(ctx));
            goto fail;
        }
        proj_destroy(pj);
        pj = horiz;
    }
    free(with_type);
    return pj;
fail:
    if (pj)
        proj_destroy(pj);
    free(with_type);
    return NULL;
}

/* The horizontal part of a CRS: the source of a BoundCRS, the first component of a CompoundCRS,
 * else the CRS itself. Returns a new PJ (caller frees with proj_destroy()), or NULL if PROJ fails.
 */
static PJ *horizontal_crs(PJ_CONTEXT *pc, const PJ *crs)
{
    PJ *cur = proj_clone(pc, crs);
    for (int depth = 0; cur && depth < 4; depth++) {
        PJ *next;
        PJ_TYPE type = proj_get_type(cur);
        if (type == PJ_TYPE_BOUND_CRS)
            next = proj_get_source_crs(pc, cur);
        else if (type == PJ_TYPE_COMPOUND_CRS)
            next = proj_crs_get_sub_crs(pc, cur, 0);
        else
            break;
        proj_destroy(cur);
        cur = next;
    }
    return cur;
}

/* Non-zero if a PROJ CRS type takes lon/lat. */
static int type_is_geographic(PJ_TYPE type)
{
    return type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS ||
           type == PJ_TYPE_GEOGRAPHIC_CRS;
}

/* A few words naming a CRS type, for messages. */
static const char *type_words(PJ_TYPE type)
{
    switch (type) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS: return "geographic (degrees)";
    case PJ_TYPE_GEOCENTRIC_CRS: return "geocentric (earth-centred X/Y/Z)";
    case PJ_TYPE_GEODETIC_CRS: return "geodetic";
    case PJ_TYPE_VERTICAL_CRS: return "vertical (heights only)";
    case PJ_TYPE_TEMPORAL_CRS: return "temporal";
    case PJ_TYPE_ENGINEERING_CRS: return "an engineering (local) CRS";
    default: return "not a projected CRS";
    }
}

/* Checks that a CRS can be the working CRS: projected, with metre axes. Returns LC_OK, or
 * LC_ERR_CRS with a message naming definition and saying what to use instead. */
static lc_status check_working(lc_context *ctx, const PJ *pj, const char *definition)
{
    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    char buf[LC_DEF_SHOWN + 4];
    lc_status status = LC_OK;
    PJ *horiz = horizontal_crs(pc, pj);
    PJ *cs = NULL;

    if (!horiz) {
        status = lc_error(ctx, LC_ERR_CRS, "cannot inspect CRS \"%s\" (%s)", shown(definition, buf),
                          proj_reason(ctx));
        goto fail;
    }
    PJ_TYPE type = proj_get_type(horiz);
    if (type != PJ_TYPE_PROJECTED_CRS) {
        status =
            lc_error(ctx, LC_ERR_CRS,
                     "%s is %s; the working CRS must be projected in metres, " LC_CRS_SUGGESTION,
                     shown(definition, buf), type_words(type));
        goto fail;
    }
    cs = proj_crs_get_coordinate_system(pc, horiz);
    int axes = cs ? proj_cs_get_axis_count(pc, cs) : -1;
    if (axes < 2) {
        status = lc_error(ctx, LC_ERR_CRS, "cannot read the axes of CRS \"%s\" (%s)",
                          shown(definition, buf), proj_reason(ctx));
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        double factor = 0;
        const char *unit = NULL;
        if (!proj_cs_get_axis_info(pc, cs, i, NULL, NULL, NULL, &factor, &unit, NULL, NULL)) {
            status = lc_error(ctx, LC_ERR_CRS, "cannot read the axes of CRS \"%s\" (%s)",
                              shown(definition, buf), proj_reason(ctx));
            goto fail;
        }
        if (fabs(factor - 1.0) > 1e-12) {
            status =
                lc_error(ctx, LC_ERR_CRS,
                         "%s is projected in %s, not metres; the working CRS must be projected "
                         "in metres, " LC_CRS_SUGGESTION,
                         shown(definition, buf), unit && *unit ? unit : "an unknown unit");
            goto fail;
        }
    }
fail:
    if (cs)
        proj_destroy(cs);
    if (horiz)
        proj_destroy(horiz);
    return status;
}

/* Finds "AUTH:CODE" for a CRS: its own identifier, that of its horizontal part, or the one PROJ
 * identifies with 100% confidence. Sets *id to a new string (caller frees) or to NULL when there
 * is none. Returns LC_OK, or LC_ERR_NOMEM; a missing identifier is not an error. */
static lc_status identify(lc_context *ctx, const PJ *pj, char **id)
{
    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    lc_status status = LC_OK;
    PJ *horiz = NULL;
    PJ *match = NULL;
    PJ_OBJ_LIST *found = NULL;
    int *confidence = NULL;

    *id = NULL;
    const PJ *probe = pj;
    if (!proj_get_id_auth_name(probe, 0)) {
        horiz = horizontal_crs(pc, pj);
        if (horiz)
            probe = horiz;
    }
    if (!proj_get_id_auth_name(probe, 0)) {
        found = proj_identify(pc, probe, "EPSG", NULL, &confidence);
        if (found && proj_list_get_count(found) > 0 && confidence && confidence[0] == 100)
            match = proj_list_get(pc, found, 0);
        if (match)
            probe = match;
    }
    const char *auth = proj_get_id_auth_name(probe, 0);
    const char *code = proj_get_id_code(probe, 0);
    if (auth && code) {
        *id = lc_sprintf(ctx, "%s:%s", auth, code);
        if (!*id)
            status = LC_ERR_NOMEM;
    }
    if (match)
        proj_destroy(match);
    proj_int_list_destroy(confidence);
    if (found)
        proj_list_destroy(found);
    if (horiz)
        proj_destroy(horiz);
    return status;
}

/* Wraps a PROJ CRS that passed check_working() into an lc_crs. Takes ownership of pj in every
 * case (it is destroyed on failure). Returns the crs, or NULL with LC_ERR_NOMEM. */
static lc_crs *crs_wrap(lc_context *ctx, PJ *pj, const char *definition)
{
    lc_crs *crs = lc_calloc(ctx, 1, sizeof *crs);
    if (!crs) {
        proj_destroy(pj);
        return NULL;
    }
    crs->ctx = ctx;
    crs->pj = pj;
    /* PROJ names a CRS built from a PROJ string "unknown": the definition says more. */
    const char *name = proj_get_name(pj);
    char buf[LC_DEF_SHOWN + 4];
    if (!name || !*name || !strcmp(name, "unknown"))
        name = shown(definition, buf);
    crs->name = lc_strdup(ctx, name);
    if (!crs->name)
        goto fail;
    if (identify(ctx, pj, &crs->id) != LC_OK)
        goto fail;
    return crs;
fail:
    lc_crs_destroy(crs);
    return NULL;
}

/* Creates the working CRS from a definition already known not to be a web-map name: reads it,
 * checks it, wraps it. NULL with LC_ERR_CRS or LC_ERR_NOMEM. */
static lc_crs *crs_create(lc_context *ctx, const char *definition)
{
    PJ *pj = crs_from_definition(ctx, definition);
    if (!pj)
        return NULL;
    if (check_working(ctx, pj, definition) != LC_OK) {
        proj_destroy(pj);
        return NULL;
    }
    return crs_wrap(ctx, pj, definition);
}

/* Misuse guard: a crs or transform serves only the context that created it (its PROJ objects
 * belong to that context's PJ_CONTEXT). Returns LC_OK or LC_ERR_MISUSE. */
static lc_status check_same_context(lc_context *ctx, const lc_context *owner, const char *what)
{
    if (ctx != owner)
        return lc_error(ctx, LC_ERR_MISUSE,
                        "%s was created with another context; use each CRS and transform only with "
                        "the context that created it",
                        what);
    return LC_OK;
}

/* Creates the normalised (lon/lat, east/north) operation from src to dst. Returns a new PJ (caller
 * frees with proj_destroy()), or NULL with LC_ERR_CRS naming both ends. */
static PJ *create_operation(lc_context *ctx, const PJ *src, const PJ *dst, const char *src_name,
                            const char *dst_name)
{
    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    char buf[LC_DEF_SHOWN + 4];
    PJ *op = proj_create_crs_to_crs_from_pj(pc, src, dst, NULL, NULL);
    if (!op) {
        lc_error(ctx, LC_ERR_CRS, "PROJ finds no transformation from %s to %s (%s)",
                 shown(src_name, buf), dst_name, proj_reason(ctx));
        return NULL;
    }
    PJ *norm = proj_normalize_for_visualization(pc, op);
    proj_destroy(op);
    if (!norm)
        lc_error(ctx, LC_ERR_CRS,
                 "PROJ cannot put the transformation from %s to %s in lon/lat order (%s)",
                 shown(src_name, buf), dst_name, proj_reason(ctx));
    return norm;
}

/* ---- lc_crs ---- */

/* Creates the working CRS from a definition (see crs.h). Returns the crs, or NULL with
 * LC_ERR_MISUSE (NULL definition), LC_ERR_CRS (unknown, not a CRS, GCJ-02/BD-09, geographic,
 * geocentric, not in metres; the message names the definition and suggests a CRS) or
 * LC_ERR_NOMEM. Caller frees with lc_crs_destroy(). */
lc_crs *lc_crs_create(lc_context *ctx, const char *definition)
{
    if (!ctx)
        return NULL;
    if (!definition) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_crs_create: definition is NULL");
        return NULL;
    }
    if (!definition[strspn(definition, " \t\r\n")]) {
        lc_error(ctx, LC_ERR_CRS,
                 "the CRS definition is empty; the working CRS must be projected "
                 "in metres, " LC_CRS_SUGGESTION);
        return NULL;
    }
    if (webmap_of(definition) != LC_WEBMAP_NONE) {
        lc_error(ctx, LC_ERR_CRS,
                 "%s is a geographic web-map system (degrees) and can only be a layer's source "
                 "CRS; the working CRS must be projected in metres, " LC_CRS_SUGGESTION,
                 definition);
        return NULL;
    }
    return crs_create(ctx, definition);
}

/* Creates the WGS 84 / UTM CRS whose zone holds (lon, lat): zone = floor((lon + 180) / 6) + 1, with
 * lon = 180 folded into zone 60; EPSG:326zz when lat >= 0, EPSG:327zz below the equator. The
 * Norway (32V) and Svalbard (31X–37X) zone exceptions are deliberately not applied: a study in
 * those areas should name its CRS. NULL with LC_ERR_CRS when lon/lat are not finite or outside
 * ±180/±90, or lat is outside UTM's 80°S–84°N. Caller frees with lc_crs_destroy(). */
lc_crs *lc_crs_create_utm(lc_context *ctx, double lon, double lat)
{
    if (!ctx)
        return NULL;
    if (!isfinite(lon) || !isfinite(lat) || lon < -180.0 || lon > 180.0 || lat < -90.0 ||
        lat > 90.0) {
        lc_error(ctx, LC_ERR_CRS,
                 "cannot choose a UTM zone for lon/lat (%.9g, %.9g): longitude must lie within "
                 "-180..180 and latitude within -90..90 degrees%s",
                 lon, lat,
                 isfinite(lon) && isfinite(lat) && fabs(lon) <= 90.0 && fabs(lat) > 90.0
                     ? " (are longitude and latitude swapped?)"
                     : "");
        return NULL;
    }
    if (lat < -80.0 || lat > 84.0) {
        lc_error(ctx, LC_ERR_CRS,
                 "cannot choose a UTM zone for lon/lat (%.9g, %.9g): UTM covers 80S to 84N; name "
                 "a polar CRS such as EPSG:5041 (UPS North) or EPSG:5042 (UPS South)",
                 lon, lat);
        return NULL;
    }
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    if (zone > 60)
        zone = 60;
    char definition[32];
    snprintf(definition, sizeof definition, "EPSG:%d", (lat >= 0.0 ? 32600 : 32700) + zone);
    return crs_create(ctx, definition);
}

/* Releases a CRS and its cached strings and transform. Accepts NULL. Call before destroying the
 * context that created it. */
void lc_crs_destroy(lc_crs *crs)
{
    if (!crs)
        return;
    if (crs->to_lonlat)
        proj_destroy(crs->to_lonlat);
    if (crs->pj)
        proj_destroy(crs->pj);
    free(crs->wkt2);
    free(crs->wkt_esri);
    free(crs->id);
    free(crs->name);
    free(crs);
}

/* The name PROJ gives the CRS, or its (shortened) definition when PROJ has none. Borrowed, valid
 * while crs lives; NULL only for a NULL crs. */
const char *lc_crs_name(const lc_crs *crs)
{
    return crs ? crs->name : NULL;
}

/* "AUTH:CODE", or NULL. Borrowed, valid while crs lives. */
const char *lc_crs_id(const lc_crs *crs)
{
    return crs ? crs->id : NULL;
}

/* The CRS as ESRI WKT1 (esri != 0; a BoundCRS is exported without its towgs84, which ESRI WKT1
 * cannot hold) or WKT2:2019, computed once and cached in crs. Borrowed, valid while crs lives.
 * NULL with LC_ERR_MISUSE, LC_ERR_CRS (PROJ cannot export) or LC_ERR_NOMEM. */
const char *lc_crs_wkt(lc_context *ctx, const lc_crs *crs, int esri)
{
    if (!ctx)
        return NULL;
    if (!crs) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_crs_wkt: crs is NULL");
        return NULL;
    }
    if (check_same_context(ctx, crs->ctx, "the CRS") != LC_OK)
        return NULL;
    lc_crs *mut = (lc_crs *)crs; /* filling the cache is not an observable change */
    char **slot = esri ? &mut->wkt_esri : &mut->wkt2;
    if (*slot)
        return *slot;

    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    PJ *horiz = NULL;
    const char *wkt = proj_as_wkt(pc, crs->pj, esri ? PJ_WKT1_ESRI : PJ_WKT2_2019, NULL);
    if (!wkt && esri) {
        horiz = horizontal_crs(pc, crs->pj);
        if (horiz)
            wkt = proj_as_wkt(pc, horiz, PJ_WKT1_ESRI, NULL);
    }
    if (!wkt)
        lc_error(ctx, LC_ERR_CRS, "PROJ cannot export %s as %s (%s)", crs->name,
                 esri ? "ESRI WKT1" : "WKT2:2019", proj_reason(ctx));
    else
        *slot = lc_strdup(ctx, wkt);
    if (horiz)
        proj_destroy(horiz);
    return *slot;
}

/* Transforms a working-CRS point to WGS 84 lon/lat. The transform is created on first use and
 * cached in crs. Returns LC_OK, LC_ERR_MISUSE or LC_ERR_CRS (no transformation, or the point
 * does not transform); *lonlat is written only on LC_OK. */
lc_status lc_crs_to_lonlat(lc_context *ctx, const lc_crs *crs, lc_xy xy, lc_xy *lonlat)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!crs || !lonlat)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_crs_to_lonlat: crs and lonlat must not be NULL");
    lc_status status = check_same_context(ctx, crs->ctx, "the CRS");
    if (status != LC_OK)
        return status;
    lc_crs *mut = (lc_crs *)crs; /* filling the cache is not an observable change */
    if (!mut->to_lonlat) {
        PJ *wgs84 = proj_create(lc_ctx_proj(ctx), "EPSG:4326");
        if (!wgs84)
            return lc_error(ctx, LC_ERR_CRS, "PROJ cannot create EPSG:4326 (%s)", proj_reason(ctx));
        mut->to_lonlat = create_operation(ctx, crs->pj, wgs84, crs->name, "EPSG:4326");
        proj_destroy(wgs84);
        if (!mut->to_lonlat)
            return LC_ERR_CRS;
    }
    PJ_COORD c = proj_coord(xy.x, xy.y, 0.0, HUGE_VAL);
    proj_errno_reset(mut->to_lonlat);
    c = proj_trans(mut->to_lonlat, PJ_FWD, c);
    if (!isfinite(xy.x) || !isfinite(xy.y) || !isfinite(c.xy.x) || !isfinite(c.xy.y)) {
        int err = proj_errno(mut->to_lonlat);
        return lc_error(ctx, LC_ERR_CRS,
                        "cannot transform point (%.9g, %.9g) from %s to WGS 84 lon/lat (%s)", xy.x,
                        xy.y, crs->name,
                        err ? proj_context_errno_string(lc_ctx_proj(ctx), err)
                            : "the coordinates are not finite");
    }
    *lonlat = (lc_xy){c.xy.x, c.xy.y};
    return LC_OK;
}

/* Non-zero if definition names GCJ-02 or BD-09 in any accepted spelling. */
int lc_crs_is_chinese_webmap(const char *definition)
{
    return webmap_of(definition) != LC_WEBMAP_NONE;
}

/* ---- lc_transform ---- */

/* Creates a transform from source into target (see crs.h). GCJ-02/BD-09 sources get an
 * EPSG:4326 → target operation and are converted to WGS 84 point by point. NULL with
 * LC_ERR_MISUSE (NULL argument, target of another context), LC_ERR_CRS (unknown or geocentric
 * source, no transformation; the message names the source) or LC_ERR_NOMEM. target is borrowed
 * and must outlive the transform. Caller frees with lc_transform_destroy(). */
lc_transform *lc_transform_create(lc_context *ctx, const char *source, const lc_crs *target)
{
    if (!ctx)
        return NULL;
    if (!source || !target) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_transform_create: source and target must not be NULL");
        return NULL;
    }
    if (check_same_context(ctx, target->ctx, "the target CRS") != LC_OK)
        return NULL;

    PJ_CONTEXT *pc = lc_ctx_proj(ctx);
    char buf[LC_DEF_SHOWN + 4];
    PJ *src = NULL;
    PJ *horiz = NULL;
    lc_transform *tr = lc_calloc(ctx, 1, sizeof *tr);
    if (!tr)
        return NULL;
    tr->ctx = ctx;
    tr->target = target;
    tr->webmap = webmap_of(source);
    tr->source = lc_strdup(ctx, shown(source, buf));
    if (!tr->source)
        goto fail;

    if (tr->webmap != LC_WEBMAP_NONE) {
        src = proj_create(pc, "EPSG:4326");
        if (!src) {
            lc_error(ctx, LC_ERR_CRS, "PROJ cannot create EPSG:4326 (%s)", proj_reason(ctx));
            goto fail;
        }
        tr->geographic = 1;
    } else {
        if (!source[strspn(source, " \t\r\n")]) {
            lc_error(ctx, LC_ERR_CRS, "the source CRS definition is empty");
            goto fail;
        }
        src = crs_from_definition(ctx, source);
        if (!src)
            goto fail;
        horiz = horizontal_crs(pc, src);
        if (!horiz) {
            lc_error(ctx, LC_ERR_CRS, "cannot inspect CRS \"%s\" (%s)", tr->source,
                     proj_reason(ctx));
            goto fail;
        }
        PJ_TYPE type = proj_get_type(horiz);
        if (type == PJ_TYPE_GEOCENTRIC_CRS) {
            lc_error(ctx, LC_ERR_CRS,
                     "%s is geocentric (earth-centred X/Y/Z); a layer's CRS must be geographic "
                     "(lon/lat) or projected",
                     tr->source);
            goto fail;
        }
        tr->geographic = type_is_geographic(type);
    }
    tr->op = create_operation(ctx, src, target->pj, tr->source, target->name);
    if (!tr->op)
        goto fail;
    /* A layer already in the working CRS: PROJ's "+proj=noop" still cost ~370 instructions a point,
     * 0.15 s for the 1.3 million road vertices of the K = 10 real-street city. */
    if (tr->webmap == LC_WEBMAP_NONE) {
        const char *ps = proj_as_proj_string(lc_ctx_proj(ctx), tr->op, PJ_PROJ_5, NULL);
        tr->noop = ps && !strcmp(ps, "+proj=noop");
    }
    if (horiz)
        proj_destroy(horiz);
    proj_destroy(src);
    return tr;
fail:
    if (horiz)
        proj_destroy(horiz);
    if (src)
        proj_destroy(src);
    lc_transform_destroy(tr);
    return NULL;
}

/* Releases a transform (not its target). Accepts NULL. */
void lc_transform_destroy(lc_transform *tr)
{
    if (!tr)
        return;
    if (tr->op)
        proj_destroy(tr->op);
    free(tr->source);
    free(tr);
}

/* Non-zero when the source takes lon/lat (geographic CRSs, GCJ-02, BD-09); 0 for NULL. */
int lc_transform_source_is_geographic(const lc_transform *tr)
{
    return tr ? tr->geographic : 0;
}

/* Transforms one point: web-map lon/lat to WGS 84 first, then PROJ. Returns 1 and writes *x, *y,
 * or returns 0 leaving them alone and *err set to PROJ's error (0: the input or output is not
 * finite without a PROJ error). */
static int transform_one(const lc_transform *tr, double *x, double *y, int *err)
{
    lc_xy p = {*x, *y};
    *err = 0;
    if (!isfinite(p.x) || !isfinite(p.y))
        return 0;
    if (tr->noop)
        return 1;
    if (tr->webmap == LC_WEBMAP_GCJ02)
        p = lc_gcj02_to_wgs84(p);
    else if (tr->webmap == LC_WEBMAP_BD09)
        p = lc_bd09_to_wgs84(p);
    proj_errno_reset(tr->op);
    PJ_COORD c = proj_trans(tr->op, PJ_FWD, proj_coord(p.x, p.y, 0.0, HUGE_VAL));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y)) {
        *err = proj_errno(tr->op);
        return 0;
    }
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

/* Records LC_ERR_CRS for a point that did not transform, naming it, both CRSs and the reason. */
static lc_status point_error(lc_context *ctx, const lc_transform *tr, const char *which, double x,
                             double y, int err)
{
    const char *reason = err ? proj_context_errno_string(lc_ctx_proj(ctx), err) : NULL;
    if (!reason || !*reason)
        reason = isfinite(x) && isfinite(y) ? "PROJ returned no result"
                                            : "the coordinates are not finite";
    return lc_error(ctx, LC_ERR_CRS, "cannot transform %s (%.10g, %.10g) from %s to %s: %s%s",
                    which, x, y, tr->source, tr->target->name, reason,
                    tr->geographic ? " (lon/lat expected, in degrees)" : "");
}

/* Transforms n points (x[i], y[i]) in place. The results are computed into scratch arrays and
 * copied back only when every point succeeded, so a failed call leaves x and y unchanged.
 * Parameters:
 *   tr   — the transform (borrowed);
 *   x, y — n source coordinates in, working-CRS coordinates out (may be NULL when n is 0);
 *   n    — the number of points.
 * Returns LC_OK; LC_ERR_CRS naming the first point that failed (index and source coordinates);
 * LC_ERR_MISUSE; or LC_ERR_NOMEM. */
lc_status lc_transform_points(lc_context *ctx, const lc_transform *tr, double *x, double *y,
                              size_t n)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!tr || (n > 0 && (!x || !y)))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_transform_points: tr, x and y must not be NULL");
    lc_status status = check_same_context(ctx, tr->ctx, "the transform");
    if (status != LC_OK || n == 0)
        return status;

    double *out = lc_realloc_array(ctx, NULL, n, 2 * sizeof *out);
    if (!out)
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int err;
        out[2 * i] = x[i];
        out[2 * i + 1] = y[i];
        if (!transform_one(tr, &out[2 * i], &out[2 * i + 1], &err)) {
            char which[48];
            snprintf(which, sizeof which, "point %zu", i);
            status = point_error(ctx, tr, which, x[i], y[i], err);
            goto fail;
        }
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = out[2 * i];
        y[i] = out[2 * i + 1];
    }
fail:
    free(out);
    return status;
}

/* What the GEOS callback needs, and what it found when a coordinate failed. */
typedef struct transform_job {
    const lc_transform *tr;
    int failed;
    double x, y; /* the first failing coordinate, as given */
    int err;
} transform_job;

/* GEOSGeom_transformXY_r callback: transforms one coordinate; on failure records it in the job
 * (the first only) and returns 0, which makes GEOS abandon the copy. */
static int transform_xy(double *x, double *y, void *user)
{
    transform_job *job = user;
    double x0 = *x, y0 = *y;
    int err;
    if (transform_one(job->tr, x, y, &err))
        return 1;
    if (!job->failed) {
        job->failed = 1;
        job->x = x0;
        job->y = y0;
        job->err = err;
    }
    return 0;
}

/* Returns a copy of g with every coordinate transformed (Z untouched, SRID copied from g).
 * NULL with LC_ERR_CRS naming the first coordinate that failed, LC_ERR_GEOMETRY with GEOS's reason
 * when GEOS fails otherwise, or LC_ERR_MISUSE. g is borrowed; caller frees the result with
 * GEOSGeom_destroy_r(lc_context_geos(ctx), ...). */
GEOSGeometry *lc_transform_geometry(lc_context *ctx, const lc_transform *tr, const GEOSGeometry *g)
{
    if (!ctx)
        return NULL;
    if (!tr || !g) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_transform_geometry: tr and g must not be NULL");
        return NULL;
    }
    if (check_same_context(ctx, tr->ctx, "the transform") != LC_OK)
        return NULL;
    transform_job job = {.tr = tr};
    lc_ctx_geos_clear_message(ctx);
    GEOSGeometry *out = GEOSGeom_transformXY_r(lc_ctx_geos(ctx), g, transform_xy, &job);
    if (out)
        return out;
    if (job.failed)
        point_error(ctx, tr, "coordinate", job.x, job.y, job.err);
    else
        lc_error(ctx, LC_ERR_GEOMETRY, "cannot copy a geometry while transforming it to %s: %s",
                 tr->target->name,
                 *lc_ctx_geos_message(ctx) ? lc_ctx_geos_message(ctx) : "GEOS gave no reason");
    return NULL;
}
