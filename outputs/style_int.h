/*
 * outputs/style_int.h — the one palette of lifecircle's maps (outputs/map.c, cairo) and of the QGIS
 * styles written beside the output layers (outputs/qml.c), so a layer opened in QGIS looks like the
 * report's map. Colours are sRGB bytes. Included outside outputs/ only by the tests that check
 * the maps and styles against these very colours (tests/test_map.c, tests/test_qml.c).
 */
#ifndef LIFECIRCLE_OUTPUTS_STYLE_INT_H
#define LIFECIRCLE_OUTPUTS_STYLE_INT_H

typedef struct lc_rgb {
    unsigned char r, g, b;
} lc_rgb;

/* Residential polygons by covered share of the mapped category: the share falls in one of
 * LC_STYLE_SHARE_CLASSES classes (0 – <0.25, 0.25 – <0.5, 0.5 – <0.75, 0.75 – <1, 1 = fully covered);
 * a polygon with share 0 is a gap. Red (not covered) through yellow to green (covered). */
#define LC_STYLE_SHARE_CLASSES 5
static const double lc_style_share_breaks[LC_STYLE_SHARE_CLASSES] = {0, 0.25, 0.5, 0.75, 1};
static const lc_rgb lc_style_share_colour[LC_STYLE_SHARE_CLASSES] = {
    {215, 48, 39}, {252, 141, 89}, {254, 224, 139}, {145, 207, 96}, {26, 152, 80}};

/* Gaps (uncovered parts of compounds): hatched or solid in this colour. */
static const lc_rgb lc_style_gap = {180, 0, 60};
/* Service areas: a translucent fill (alpha below) with an outline of the same hue. */
static const lc_rgb lc_style_service_area = {49, 130, 189};
#define LC_STYLE_SERVICE_AREA_ALPHA 0.25
/* 街镇 boundaries: dark grey lines, no fill. */
static const lc_rgb lc_style_unit_line = {60, 60, 60};
/* Streets (the walking network, drawn under the compounds on the maps): thin grey lines, wider for
 * the main roads (OSM primary, secondary, tertiary and their links). Widths in map units (1 pt on A3). */
static const lc_rgb lc_style_street = {178, 178, 178};
#define LC_STYLE_STREET_WIDTH 0.55
#define LC_STYLE_STREET_MAIN_WIDTH 1.3
/* Proposed sites: stars in this colour. */
static const lc_rgb lc_style_proposal = {117, 20, 173};

/* Facilities by profile category index (wraps after 12): the mapped category's facilities are drawn
 * large in its colour, the others small and faint. Tableau 10, then a dark indigo and a gold, so the
 * built-in profile's eleven categories (睦邻点 the eleventh) never share the centre's blue. */
#define LC_STYLE_CATEGORY_COLOURS 12
static const lc_rgb lc_style_category[LC_STYLE_CATEGORY_COLOURS] = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189}, {140, 86, 75},
    {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}, {57, 59, 121}, {230, 171, 2}};

/* Catchments and catchment streets: every facility's area in one of these colours, chosen so that
 * neighbouring areas of one category differ (outputs/neighbours.c): light fills for the areas
 * (ColorBrewer Set2), strong lines for the streets (ColorBrewer Dark2). */
#define LC_STYLE_NEIGHBOUR_COLOURS 8
static const lc_rgb lc_style_neighbour_fill[LC_STYLE_NEIGHBOUR_COLOURS] = {
    {102, 194, 165}, {252, 141, 98}, {141, 160, 203}, {231, 138, 195},
    {166, 216, 84},  {255, 217, 47}, {229, 196, 148}, {179, 179, 179}};
static const lc_rgb lc_style_neighbour_line[LC_STYLE_NEIGHBOUR_COLOURS] = {
    {27, 158, 119}, {217, 95, 2},  {117, 112, 179}, {231, 41, 138},
    {102, 166, 30}, {230, 171, 2}, {166, 118, 29},  {102, 102, 102}};

/* Isochrones, graduated by walking distance: the shortest walk darkest, the longest lightest, the
 * thresholds between interpolated (ColorBrewer Blues 8 to 3). */
static const lc_rgb lc_style_isochrone_near = {8, 81, 156};
static const lc_rgb lc_style_isochrone_far = {198, 219, 239};

#endif /* LIFECIRCLE_OUTPUTS_STYLE_INT_H */
