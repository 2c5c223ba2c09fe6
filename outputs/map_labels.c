/*
 * outputs/map_labels.c — greedy placement of the map's 街镇 names (issue 17): each label takes the
 * first of its candidate positions around its anchor that stays inside the map frame and clear of
 * the labels placed before it and of the scale bar and north arrow; smaller, or skipped, when none
 * fits. Geometry only: measuring and drawing the text is outputs/map_draw.c's.
 */
#include <stddef.h>

#include "outputs/map_labels_int.h"

int lc_label_boxes_overlap(lc_label_box a, lc_label_box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Whether box lies inside frame. */
static int inside(lc_label_box box, lc_label_box frame)
{
    return box.x0 >= frame.x0 && box.x1 <= frame.x1 && box.y0 >= frame.y0 && box.y1 <= frame.y1;
}

/* Whether box overlaps one of boxes[0..n-1]. */
static int hits(lc_label_box box, const lc_label_box *boxes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lc_label_boxes_overlap(box, boxes[i]))
            return 1;
    return 0;
}

/* Whether box overlaps a label placed among labels[0..n-1]. */
static int hits_labels(lc_label_box box, const lc_label *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (labels[i].placed && lc_label_boxes_overlap(box, labels[i].box))
            return 1;
    return 0;
}

/* Candidate c (0 .. 16) of a w × h box around anchor (ax, ay): 0 centred on it, then in ring 1
 * (c 1-8) and ring 2 (c 9-16, twice as far) above, below, right, left, and the four corners. */
static lc_label_box candidate(double ax, double ay, double w, double h, double gap, int c)
{
    static const double dir[8][2] = {{0, -1}, {0, 1}, {1, 0}, {-1, 0}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
    double cx = ax, cy = ay;
    if (c > 0) {
        int ring = c <= 8 ? 1 : 2, d = (c - 1) % 8;
        /* ring 1: the box's edge gap away from the anchor; ring 2: one more box beyond */
        cx += dir[d][0] * ring * (w / 2 + gap);
        cy += dir[d][1] * ring * (h / 2 + gap);
    }
    return (lc_label_box){cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

size_t lc_labels_place(lc_label *labels, size_t n, lc_label_box frame, const lc_label_box *fixed, size_t nfixed,
                       const lc_label_box *soft, size_t nsoft, double gap)
{
    static const double scales[] = {1, LC_LABEL_SMALLER};
    size_t placed = 0;
    for (size_t i = 0; i < n; i++) {
        lc_label *l = &labels[i];
        l->placed = 0, l->scale = 0, l->leader = 0;
        for (int s = 0; s < 2 && !l->placed; s++)
            for (int avoid_soft = 1; avoid_soft >= 0 && !l->placed; avoid_soft--)
                for (int c = 0; c < 17 && !l->placed; c++) {
                    lc_label_box b = candidate(l->ax, l->ay, l->w * scales[s], l->h * scales[s], gap, c);
                    if (!inside(b, frame) || hits(b, fixed, nfixed) || hits_labels(b, labels, i) ||
                        (avoid_soft && hits(b, soft, nsoft)))
                        continue;
                    l->placed = 1, l->scale = scales[s], l->box = b, l->leader = c > 8;
                }
        placed += (size_t)l->placed;
    }
    return placed;
}
