/*
 * geo/geometry.c — small value helpers for lc_bbox and access to the context's GEOS handle.
 * Geometry operations on layers (repair, point on surface, areas) live with their callers.
 */
#include <math.h>

#include "geo/context_int.h"
#include "lifecircle/geometry.h"

lc_bbox lc_bbox_empty(void)
{
    return (lc_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
}

lc_bbox lc_bbox_extend(lc_bbox box, lc_xy p)
{
    if (p.x < box.minx) box.minx = p.x;
    if (p.y < box.miny) box.miny = p.y;
    if (p.x > box.maxx) box.maxx = p.x;
    if (p.y > box.maxy) box.maxy = p.y;
    return box;
}

lc_bbox lc_bbox_union(lc_bbox a, lc_bbox b)
{
    if (lc_bbox_is_empty(a)) return b;
    if (lc_bbox_is_empty(b)) return a;
    a = lc_bbox_extend(a, (lc_xy){b.minx, b.miny});
    return lc_bbox_extend(a, (lc_xy){b.maxx, b.maxy});
}

int lc_bbox_is_empty(lc_bbox box)
{
    return !(box.minx <= box.maxx && box.miny <= box.maxy);
}

GEOSContextHandle_t lc_context_geos(const lc_context *ctx)
{
    return ctx ? lc_ctx_geos(ctx) : NULL;
}
