/*
 * outputs/map_labels_int.h — where the map's labels go (outputs/map_labels.c): greedy placement of
 * text boxes around their anchors, away from each other and from fixed boxes, inside the frame.
 * Pure geometry in page units (no cairo, no GEOS), so tests/test_map.c compiles it and checks it
 * directly. Never included outside outputs/ and tests/.
 */
#ifndef LIFECIRCLE_OUTPUTS_MAP_LABELS_INT_H
#define LIFECIRCLE_OUTPUTS_MAP_LABELS_INT_H

#include <stddef.h>

/* A box in page units, x0 <= x1, y0 <= y1 (y down). */
typedef struct lc_label_box {
    double x0, y0, x1, y1;
} lc_label_box;

/* One label to place: its anchor (the unit's label point) and its text's box size at full size;
 * lc_labels_place fills in the rest. */
typedef struct lc_label {
    double ax, ay;   /* anchor, page units */
    double w, h;     /* the text's box at full size (halo included) */
    /* out: */
    int placed;      /* 1 placed, 0 skipped (no candidate fitted, even smaller) */
    double scale;    /* 1 full size, LC_LABEL_SMALLER smaller (0 when skipped) */
    lc_label_box box;/* where it is drawn (when placed) */
    int leader;      /* 1: away from its anchor (the outer ring): draw a line from the anchor to it */
} lc_label;

/* The size a label is drawn at when it fits nowhere at full size. */
#define LC_LABEL_SMALLER 0.75

/* Whether boxes a and b overlap (touching edges do not). */
int lc_label_boxes_overlap(lc_label_box a, lc_label_box b);

/* Places labels[0..n-1] in order, greedily: for each the first candidate position that lies inside
 * frame and overlaps neither a label placed before it nor any of fixed[0..nfixed-1] (the scale bar,
 * the north arrow), preferring one that also avoids soft[0..nsoft-1] (facility markers) — the
 * centre on the anchor first, then the box above, below, right, left and at the four corners of
 * the anchor, then the same twice as far (with a leader); failing all at full size, the same at
 * LC_LABEL_SMALLER size; failing that, the label is skipped. gap (page units) is the space kept
 * between a box and its anchor. Returns the number placed. labels borrowed and written; the rest
 * borrowed; fixed and soft may be NULL when their count is 0. */
size_t lc_labels_place(lc_label *labels, size_t n, lc_label_box frame, const lc_label_box *fixed, size_t nfixed,
                       const lc_label_box *soft, size_t nsoft, double gap);

#endif /* LIFECIRCLE_OUTPUTS_MAP_LABELS_INT_H */
