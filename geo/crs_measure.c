/*
 * geo/crs_measure.c — how a working CRS relates to the ground where the data lie: the lon/lat box of
 * a box in the CRS, the CRS's scale error at a point (a UTM zone for another longitude, Web
 * Mercator), and geodesic distances on WGS 84 (PROJ's geodesic routines). Deciding what counts as a
 * problem is layers/'s job (layers/crs_checks.c, layers/meet.c).
 */
#include <geodesic.h>
#include <math.h>

#include "geo/context_int.h"
#include "lifecircle/crs.h"

/* WGS 84 ellipsoid. */
#define LC_WGS84_A 6378137.0
#define LC_WGS84_F (1.0 / 298.257223563)

/* Points sampled per side of a box for its lon/lat box: corners, edges and interior. */
#define LC_BOX_SAMPLES 5

/* Length of the steps whose true length gives the scale (m). */
#define LC_SCALE_STEP_M 1000.0

double lc_lonlat_distance(lc_xy a, lc_xy b)
{
    struct geod_geodesic g;
    geod_init(&g, LC_WGS84_A, LC_WGS84_F);
    double s12 = NAN, azi1, azi2;
    geod_inverse(&g, a.y, a.x, b.y, b.x, &s12, &azi1, &azi2);
    return s12;
}

lc_status lc_crs_lonlat_box(lc_context *ctx, const lc_crs *crs, lc_bbox box, lc_bbox *lonlat)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!crs || !lonlat)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_crs_lonlat_box: crs and lonlat must not be NULL");
    if (lc_bbox_is_empty(box))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_crs_lonlat_box: the box is empty");
    lc_bbox out = lc_bbox_empty();
    lc_status last = LC_OK;
    for (int i = 0; i < LC_BOX_SAMPLES; i++)
        for (int j = 0; j < LC_BOX_SAMPLES; j++) {
            lc_xy p = {box.minx + (box.maxx - box.minx) * i / (LC_BOX_SAMPLES - 1),
                       box.miny + (box.maxy - box.miny) * j / (LC_BOX_SAMPLES - 1)}, ll;
            if ((last = lc_crs_to_lonlat(ctx, crs, p, &ll)) == LC_OK)
                out = lc_bbox_extend(out, ll);
        }
    if (lc_bbox_is_empty(out))
        return last;
    lc_context_clear_error(ctx);
    *lonlat = out;
    return LC_OK;
}

lc_status lc_crs_scale_error(lc_context *ctx, const lc_crs *crs, lc_xy xy, double *error)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!crs || !error)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_crs_scale_error: crs and error must not be NULL");
    const double h = LC_SCALE_STEP_M / 2;
    const lc_xy ends[2][2] = {{{xy.x - h, xy.y}, {xy.x + h, xy.y}}, {{xy.x, xy.y - h}, {xy.x, xy.y + h}}};
    double worst = 0;
    for (int k = 0; k < 2; k++) {
        lc_xy a, b;
        lc_status st = lc_crs_to_lonlat(ctx, crs, ends[k][0], &a);
        if (st == LC_OK)
            st = lc_crs_to_lonlat(ctx, crs, ends[k][1], &b);
        if (st != LC_OK)
            return st;
        double ground = lc_lonlat_distance(a, b);
        if (!(ground > 0))
            return lc_error(ctx, LC_ERR_CRS, "%s: no distance on the ground between (%.3f, %.3f) and (%.3f, %.3f)",
                            lc_crs_name(crs), ends[k][0].x, ends[k][0].y, ends[k][1].x, ends[k][1].y);
        double e = LC_SCALE_STEP_M / ground - 1;
        if (fabs(e) > fabs(worst))
            worst = e;
    }
    *error = worst;
    return LC_OK;
}
