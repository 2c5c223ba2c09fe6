/*
 * geo/china_outline.c — whether a lon/lat point lies in mainland China, by a coarse outline of its
 * land borders and coasts (137 vertices, traced by hand from the national borders; tens of km off
 * along the borders, generous over the sea; it includes Hainan, Hong Kong and Macau, and leaves out
 * Taiwan). It serves one hint: where web-map lon/lat are GCJ-02 (layers/crs_checks.c). The GCJ-02
 * arithmetic itself, with the published algorithm's own rectangle, is geo/chinese_coords.c.
 */
#include <stddef.h>

#include "lifecircle/crs.h"

/* The outline, lon/lat degrees, clockwise from the Tumen river where China, Russia and North Korea
 * meet. */
static const double outline[][2] = {
    /* Russia, up the Ussuri and along the Amur */
    {130.64, 42.42}, {130.95, 42.90}, {131.25, 44.00}, {131.10, 44.90}, {132.00, 45.00}, {133.10, 45.10},
    {134.00, 46.60}, {134.75, 48.30}, {133.00, 48.10}, {130.70, 48.90}, {129.50, 49.40}, {127.50, 50.10},
    {126.50, 52.00}, {125.50, 53.00}, {123.50, 53.55}, {121.20, 53.30}, {120.00, 52.60}, {119.20, 50.30},
    {117.40, 49.63}, {116.70, 49.85},
    /* Mongolia */
    {116.00, 48.00}, {117.80, 47.70}, {119.70, 47.20}, {119.90, 46.70}, {117.50, 46.60}, {116.00, 45.80},
    {114.50, 45.40}, {113.50, 44.80}, {111.90, 43.70}, {110.00, 42.60}, {107.50, 42.40}, {105.00, 41.60},
    {101.80, 42.50}, {97.20, 42.80}, {96.40, 42.70}, {95.30, 44.20}, {93.50, 44.95}, {91.00, 45.40},
    {90.90, 46.00}, {90.00, 47.80}, {88.00, 48.60}, {87.80, 49.15},
    /* Kazakhstan, Kyrgyzstan, Tajikistan, Afghanistan, Pakistan */
    {87.30, 49.10}, {86.00, 48.50}, {85.60, 47.10}, {83.00, 47.20}, {82.30, 45.50}, {80.50, 45.00},
    {80.20, 43.90}, {80.20, 42.20}, {79.50, 41.80}, {77.00, 41.00}, {75.50, 40.60}, {74.00, 40.00},
    {73.50, 39.50}, {73.70, 38.60}, {74.90, 37.30}, {75.40, 36.90}, {76.50, 36.00}, {77.80, 35.60},
    /* India (the line of actual control), Nepal, Bhutan, India */
    {78.00, 35.40}, {79.00, 34.30}, {78.50, 32.60}, {79.10, 31.30}, {80.20, 30.80}, {81.00, 30.20},
    {82.00, 30.10}, {83.50, 29.30}, {85.50, 28.30}, {86.90, 28.00}, {88.10, 27.90}, {88.80, 27.40},
    {89.60, 28.20}, {91.60, 27.90}, {92.00, 27.80}, {94.00, 29.00}, {96.10, 29.40}, {97.30, 28.20},
    /* Myanmar, Laos, Vietnam */
    {98.30, 27.50}, {98.70, 27.00}, {98.60, 25.90}, {97.80, 25.00}, {97.60, 24.20}, {97.70, 23.90},
    {98.90, 23.20}, {99.50, 22.10}, {100.20, 21.50}, {101.15, 21.15}, {101.80, 21.20}, {101.70, 22.40},
    {102.10, 22.40}, {102.50, 22.75}, {103.90, 22.50}, {104.50, 22.90}, {105.30, 23.35}, {106.20, 22.90},
    {106.70, 22.00}, {107.40, 21.60}, {108.00, 21.50},
    /* the coast: Beibu Gulf, Hainan, Guangdong, the Taiwan Strait, the East China and Yellow Seas, Bohai */
    {108.60, 21.00}, {108.40, 19.80}, {108.40, 18.80}, {109.30, 17.90}, {110.30, 18.00}, {111.30, 19.50},
    {111.00, 20.30}, {111.50, 21.30}, {112.50, 21.50}, {114.50, 22.10}, {116.00, 22.60}, {117.50, 23.20},
    {118.50, 24.00}, {119.20, 24.80}, {119.80, 25.60}, {120.30, 26.60}, {121.20, 27.60}, {122.20, 28.80},
    {122.90, 30.00}, {122.50, 31.50}, {121.40, 32.80}, {120.50, 34.00}, {119.70, 35.00}, {120.50, 35.90},
    {122.80, 37.40}, {121.60, 38.70}, {122.50, 39.30}, {123.60, 39.70}, {124.30, 39.85},
    /* North Korea, up the Yalu and down the Tumen */
    {124.40, 40.10}, {125.50, 40.60}, {126.30, 41.20}, {127.50, 41.50}, {128.20, 41.45}, {128.10, 42.00},
    {129.20, 42.30}, {129.80, 42.95}, {130.30, 42.70},
};

int lc_in_mainland_china(lc_xy p)
{
    const size_t n = sizeof outline / sizeof outline[0];
    int inside = 0;
    /* Even-odd rule: count the outline's edges a ray from p towards +x crosses. */
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = outline[i][0], yi = outline[i][1], xj = outline[j][0], yj = outline[j][1];
        if ((yi > p.y) != (yj > p.y) && p.x < xj + (p.y - yj) * (xi - xj) / (yi - yj))
            inside = !inside;
    }
    return inside;
}
