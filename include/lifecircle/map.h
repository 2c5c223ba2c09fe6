/*
 * lifecircle/map.h — maps drawn by the toolkit with cairo: for one category, the residential
 * polygons shaded by covered share, the category's service area, the gaps, the facilities (that
 * category prominent, the others faint), the 街镇 boundaries and, after `site`, the proposals;
 * with a title in Chinese and English, a legend, a scale bar and a north arrow (CJK text through a
 * Noto CJK font from Debian's fonts-noto-cjk).
 *
 * A map is rendered into memory (PNG bytes for the HTML report, PDF bytes for print: one A3
 * landscape page); writing it into an output directory is the caller's (lc_output_write_file).
 */
#ifndef LIFECIRCLE_MAP_H
#define LIFECIRCLE_MAP_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/results.h"
#include "lifecircle/siting.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_map_format {
    LC_MAP_PNG = 0, /* raster, width_px × height_px */
    LC_MAP_PDF      /* vector, one A3 landscape page (420 × 297 mm) */
} lc_map_format;

typedef struct lc_map_options {
    lc_map_format format;
    int width_px;             /* PNG width; 0: 1600 */
    int height_px;            /* PNG height; 0: 1131 (the A3 aspect) */
    const lc_siting *siting;  /* proposals to draw (borrowed), or NULL */
    size_t access;            /* 0: the coverage map of the category; s + 1: the accessibility map of
                                 results->access's entry s instead (lc_map_render's category is then
                                 ignored): compounds classed by the share of the entry's target their
                                 ratio meets (0 – <25 %, …, 100 %: the coverage classes' colours),
                                 its supplying facilities large, over-subscribed ones ringed */
    int after;                /* with siting: 0 the before map of a site run (title "现状 before the
                                 proposals"), non-zero the after map — results hold the proposals among
                                 the facilities (the inputs' added facilities, lc_inputs_added, are
                                 drawn as the proposals' stars only) and their coverage; title "建议实施后
                                 after the proposals" */
} lc_map_options;

/* The page, so that a caller (or a test) can tell where a point lands. W × H is the page in page units
 * (PNG pixels, or PDF points: 1190.551 × 841.890) and u = min(W / 1190.551, H / 841.890) the unit
 * every size is given in (1 pt on the A3 page):
 *   title band  — from 24u to 86u below the top edge: "<name_zh> <name_en> — N分钟覆盖 coverage" (N the
 *                 category's reach_minutes; "R米覆盖" when the coverage used another reach R), and a
 *                 subtitle with the reach, the distance mode and the residents covered;
 *   map frame   — x from 24u to W − 330u, y from 86u to H − 24u;
 *   legend      — x from W − 314u to W − 24u, same y as the frame (swatches, counts, CRS, version).
 * Extent: the union of the residential, unit and facility extents (a box under 100 m each way is
 * widened to 100 m × 100 m about its centre), grown on every side by 5% of its larger side. It is
 * drawn at scale s = min(frame width / extent width, frame height / extent height) page units per
 * metre, centred in the frame: a point (x, y) of the working CRS lands at
 *   (fx + (fw − ew·s)/2 + (x − minx)·s,  fy + (fh − eh·s)/2 + (maxy − y)·s)
 * with (fx, fy, fw, fh) the frame and (minx, maxy, ew, eh) the grown extent; north is up.
 * Drawing order: frame background (LC_MAP_BG_*), service area (translucent, alpha
 * LC_STYLE_SERVICE_AREA_ALPHA of outputs/style_int.h), streets (results->roads: every walkable line,
 * LC_STYLE_STREET_WIDTH wide in lc_style_street, main roads LC_STYLE_STREET_MAIN_WIDTH), residential
 * polygons (opaque, by share class), gaps (hatched), service-area outline, 街镇 lines, facilities,
 * 街镇 names, proposals. Without roads the legend says that no streets are drawn; water is never
 * drawn (no water layer is read), and the legend says so. */
#define LC_MAP_BG_R 246
#define LC_MAP_BG_G 246
#define LC_MAP_BG_B 242

/* The date written into every PDF map's metadata (fixed so equal maps are equal bytes). */
#define LC_MAP_PDF_DATE "2000-01-01T00:00:00Z"

/* The map of profile category `category` of results as PNG or PDF bytes (see lc_map_options).
 * Deterministic: equal results and options give equal bytes. NULL on failure with the error in ctx
 * (LC_ERR_MISUSE for a bad category or options, LC_ERR_NOMEM, LC_ERR_IO when the font cannot be
 * found). *size receives the byte count. Caller frees with lc_free().
 * options may be NULL (a 1600 × 1131 PNG); a PNG is 200..16384 × 150..16384 pixels. The PDF's
 * creation and modification dates are fixed (LC_MAP_PDF_DATE), not the time of the call. */
LC_API unsigned char *lc_map_render(lc_context *ctx, const lc_results *results, size_t category,
                                    const lc_map_options *options, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_MAP_H */
