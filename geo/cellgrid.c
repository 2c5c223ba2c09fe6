/*
 * geo/cellgrid.c — the grid hash of points (geo/cellgrid_int.h). The hash mixes both cell
 * coordinates by multiplication (the constants of splitmix64/xxhash), so grid-aligned data such as
 * generated candidates or a square street grid does not pile into few slots; the table doubles when
 * half full, which keeps linear probes short.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/cellgrid_int.h"
#include "geo/context_int.h"

static size_t cell_hash(int64_t cx, int64_t cy, size_t mask)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)cy + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    return (size_t)h & mask;
}

/* The slot of cell (cx, cy) in the table of mask + 1 slots: its own, or the empty one where it
 * would go. */
static size_t cell_slot(const int64_t *kx, const int64_t *ky, const uint32_t *head, size_t mask, int64_t cx,
                        int64_t cy)
{
    size_t i = cell_hash(cx, cy, mask);
    while (head[i] != LC_CELL_NONE && (kx[i] != cx || ky[i] != cy))
        i = (i + 1) & mask;
    return i;
}

/* Allocates an empty table of `slots` slots into the three arrays. LC_OK or LC_ERR_NOMEM. */
static lc_status table_alloc(lc_context *ctx, size_t slots, int64_t **kx, int64_t **ky, uint32_t **head)
{
    *kx = lc_malloc(ctx, slots * sizeof **kx);
    *ky = lc_malloc(ctx, slots * sizeof **ky);
    *head = lc_malloc(ctx, slots * sizeof **head);
    if (!*kx || !*ky || !*head) {
        free(*kx), free(*ky), free(*head);
        *kx = *ky = NULL, *head = NULL;
        return LC_ERR_NOMEM;
    }
    memset(*head, 0xff, slots * sizeof **head);
    return LC_OK;
}

lc_status lc_cellgrid_init(lc_context *ctx, lc_cellgrid *g, double cell, size_t expect)
{
    memset(g, 0, sizeof *g);
    if (!(cell > 0) || !isfinite(cell))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_cellgrid_init: a cell side > 0 is required, not %g", cell);
    size_t slots = 16;
    while (slots < expect + expect / 4 && slots < SIZE_MAX / 4)
        slots *= 2;
    g->cell = cell;
    g->mask = slots - 1;
    if (table_alloc(ctx, slots, &g->kx, &g->ky, &g->head) != LC_OK)
        return LC_ERR_NOMEM;
    if (expect && !(g->next = lc_malloc(ctx, expect * sizeof *g->next)))
        return LC_ERR_NOMEM;
    g->cap = expect;
    return LC_OK;
}

void lc_cellgrid_free(lc_cellgrid *g)
{
    free(g->kx);
    free(g->ky);
    free(g->head);
    free(g->next);
    memset(g, 0, sizeof *g);
}

void lc_cellgrid_key(const lc_cellgrid *g, lc_xy p, int64_t *cx, int64_t *cy)
{
    *cx = (int64_t)floor(p.x / g->cell);
    *cy = (int64_t)floor(p.y / g->cell);
}

uint32_t lc_cellgrid_first(const lc_cellgrid *g, int64_t cx, int64_t cy)
{
    return g->head[cell_slot(g->kx, g->ky, g->head, g->mask, cx, cy)];
}

/* Doubles the table, moving every occupied slot (chains stay as they are). */
static lc_status grow_table(lc_context *ctx, lc_cellgrid *g)
{
    size_t slots = 2 * (g->mask + 1), mask = slots - 1;
    int64_t *kx, *ky;
    uint32_t *head;
    if (table_alloc(ctx, slots, &kx, &ky, &head) != LC_OK)
        return LC_ERR_NOMEM;
    for (size_t q = 0; q <= g->mask; q++)
        if (g->head[q] != LC_CELL_NONE) {
            size_t s = cell_slot(kx, ky, head, mask, g->kx[q], g->ky[q]);
            kx[s] = g->kx[q], ky[s] = g->ky[q], head[s] = g->head[q];
        }
    free(g->kx), free(g->ky), free(g->head);
    g->kx = kx, g->ky = ky, g->head = head, g->mask = mask;
    return LC_OK;
}

lc_status lc_cellgrid_add(lc_context *ctx, lc_cellgrid *g, lc_xy p)
{
    if (g->npoints >= LC_CELL_NONE - 1)
        return lc_error(ctx, LC_ERR_NOMEM, "lc_cellgrid_add: more than 2^32 points");
    if (2 * (g->used + 1) > g->mask + 1 && grow_table(ctx, g) != LC_OK)
        return LC_ERR_NOMEM;
    if (g->npoints == g->cap && lc_grow(ctx, (void **)&g->next, &g->cap, g->npoints + 1, sizeof *g->next) != LC_OK)
        return LC_ERR_NOMEM;
    int64_t cx, cy;
    lc_cellgrid_key(g, p, &cx, &cy);
    size_t s = cell_slot(g->kx, g->ky, g->head, g->mask, cx, cy);
    if (g->head[s] == LC_CELL_NONE) {
        g->kx[s] = cx, g->ky[s] = cy;
        g->used++;
    }
    uint32_t v = (uint32_t)g->npoints++;
    g->next[v] = g->head[s];
    g->head[s] = v;
    return LC_OK;
}
