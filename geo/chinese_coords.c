/*
 * geo/chinese_coords.c — the Chinese web-map coordinate systems PROJ does not know: GCJ-02 (the
 * published obfuscation of WGS 84 used by Amap and Tencent) and BD-09 (Baidu's further offset of
 * GCJ-02), forward and by iterative inversion, on lon/lat degrees. Pure arithmetic: no context, no
 * allocation, no failure. Turning these lon/lat into the working CRS is geo/crs.c's job.
 */
#include <math.h>

#include "lifecircle/crs.h"

/* Krasovsky 1940 ellipsoid, as the published GCJ-02 algorithm uses it. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323
/* BD-09's angular constant, π × 3000 / 180. */
#define BD_X_PI (M_PI * 3000.0 / 180.0)

/* The inversions stop when the forward transform reproduces the input within this many degrees
 * (about 0.1 mm), or after LC_INVERSE_MAX_ITER steps; they converge in 2–4 steps inside China. */
#define LC_INVERSE_TOL 1e-9
#define LC_INVERSE_MAX_ITER 30

/* Non-zero when (lon, lat) lies outside the box the published algorithm treats as mainland
 * China (lon 72.004–137.8347, lat 0.8293–55.8271); GCJ-02 leaves such points unchanged. */
static int out_of_china(double lon, double lat)
{
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/* The published latitude polynomial, evaluated at (x, y) = (lon − 105, lat − 35). */
static double gcj_delta_lat(double x, double y)
{
    double ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    ret += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    ret += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    ret += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return ret;
}

/* The published longitude polynomial, evaluated at (x, y) = (lon − 105, lat − 35). */
static double gcj_delta_lon(double x, double y)
{
    double ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    ret += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    ret += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    ret += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return ret;
}

/* WGS 84 → GCJ-02: the polynomials give offsets in metres-like units that are scaled to degrees on
 * the Krasovsky ellipsoid at the point's latitude. Points outside China's box come back unchanged.
 */
lc_xy lc_wgs84_to_gcj02(lc_xy p)
{
    if (out_of_china(p.x, p.y))
        return p;
    double dlat = gcj_delta_lat(p.x - 105.0, p.y - 35.0);
    double dlon = gcj_delta_lon(p.x - 105.0, p.y - 35.0);
    double radlat = p.y / 180.0 * M_PI;
    double magic = sin(radlat);
    magic = 1.0 - GCJ_EE * magic * magic;
    double sqrtmagic = sqrt(magic);
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * M_PI);
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * M_PI);
    return (lc_xy){p.x + dlon, p.y + dlat};
}

/* GCJ-02 → BD-09: Baidu's published rotation-and-scale in polar form plus a fixed offset.
 * Applied everywhere (Baidu has no out-of-China rule). */
lc_xy lc_gcj02_to_bd09(lc_xy p)
{
    double z = sqrt(p.x * p.x + p.y * p.y) + 0.00002 * sin(p.y * BD_X_PI);
    double theta = atan2(p.y, p.x) + 0.000003 * cos(p.x * BD_X_PI);
    return (lc_xy){z * cos(theta) + 0.0065, z * sin(theta) + 0.006};
}

/* Inverts a forward transform near the identity by fixed-point iteration: starting from guess,
 * correct by the forward residual until fwd(result) reproduces target within LC_INVERSE_TOL
 * degrees. Keeps the best guess seen, so a step that overshoots (possible only at the edge of
 * China's box, where GCJ-02 is discontinuous) never makes the answer worse. */
static lc_xy invert(lc_xy (*fwd)(lc_xy), lc_xy target, lc_xy guess)
{
    if (!isfinite(target.x) || !isfinite(target.y))
        return target;
    lc_xy best = guess;
    double best_err = INFINITY;
    for (int i = 0; i < LC_INVERSE_MAX_ITER; i++) {
        lc_xy f = fwd(guess);
        double dx = f.x - target.x;
        double dy = f.y - target.y;
        double err = fmax(fabs(dx), fabs(dy));
        if (err < best_err) {
            best_err = err;
            best = guess;
        }
        if (err < LC_INVERSE_TOL)
            break;
        guess.x -= dx;
        guess.y -= dy;
    }
    return best;
}

/* GCJ-02 → WGS 84, exact to 1e-9 degrees: the forward offset is subtracted, then refined. */
lc_xy lc_gcj02_to_wgs84(lc_xy p)
{
    if (out_of_china(p.x, p.y))
        return p;
    return invert(lc_wgs84_to_gcj02, p, p);
}

/* BD-09 → GCJ-02: the published closed-form inverse (exact to about 1e-8 degrees), refined by
 * iteration so that lc_gcj02_to_bd09() of the result reproduces p within 1e-9 degrees. */
lc_xy lc_bd09_to_gcj02(lc_xy p)
{
    double x = p.x - 0.0065;
    double y = p.y - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * BD_X_PI);
    double theta = atan2(y, x) - 0.000003 * cos(x * BD_X_PI);
    lc_xy guess = {z * cos(theta), z * sin(theta)};
    return invert(lc_gcj02_to_bd09, p, guess);
}

/* WGS 84 → BD-09 through GCJ-02. */
lc_xy lc_wgs84_to_bd09(lc_xy p)
{
    return lc_gcj02_to_bd09(lc_wgs84_to_gcj02(p));
}

/* BD-09 → WGS 84 through GCJ-02, both steps inverted to 1e-9 degrees. */
lc_xy lc_bd09_to_wgs84(lc_xy p)
{
    return lc_gcj02_to_wgs84(lc_bd09_to_gcj02(p));
}
