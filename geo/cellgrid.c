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
static size_t cell_slot(const struct lc_cell_slot *slot, size_t mask, int64_t cx, int64_t cy)
{
    size_t i = cell_hash(cx, cy, mask);
    while (slot[i].head != LC_CELL_NONE && (slot[i].kx != cx || slot[i].ky != cy))
        i = (i + 1) & mask;
    return i;
}

/* Allocates an empty table of `slots` slots. LC_OK or LC_ERR_NOMEM. */
static lc_status table_alloc(lc_context *ctx, size_t slots, struct lc_cell_slot **slot)
{
    if (!(*slot = lc_malloc(ctx, slots * sizeof **slot)))
        return LC_ERR_NOMEM;
    for (size_t i = 0; i < slots; i++)
        (*slot)[i] = (struct lc_cell_slot){0, 0, LC_CELL_NONE};
    return LC_OK;
}

lc_status lc_cellgrid_init(lc_context *ctx, lc_cellgrid *g, double cell, size_t expect)
{
    memset(g, 0, sizeof *g);
    if (!(cell > 0) || !isfinite(cell))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_cellgrid_init: a cell side > 0 is required, not %g", cell);
    /* Half full at most (the table doubles past that), so `expect` points in distinct cells fit:
     * the network's vertices no longer make it grow, and rehash a million cells, half-way. */
    size_t slots = 16;
    while (slots < 2 * expect && slots < SIZE_MAX / 4)
        slots *= 2;
    g->cell = cell;
    g->mask = slots - 1;
    if (table_alloc(ctx, slots, &g->slot) != LC_OK)
        return LC_ERR_NOMEM;
    if (expect && !(g->next = lc_malloc(ctx, expect * sizeof *g->next)))
        return LC_ERR_NOMEM;
    g->cap = expect;
    return LC_OK;
}

void lc_cellgrid_free(lc_cellgrid *g)
{
    free(g->slot);
    free(g->next);
    memset(g, 0, sizeof *g);
}

void lc_cellgrid_key(const lc_cellgrid *g, lc_xy p, int64_t *cx, int64_t *cy)
{
    *cx = (int64_t)floor(p.x / g->cell);
    *cy = (int64_t)floor(p.y / g->cell);
}

void lc_cellgrid_prefetch(const lc_cellgrid *g, lc_xy p)
{
    int64_t cx, cy;
    lc_cellgrid_key(g, p, &cx, &cy);
    __builtin_prefetch(&g->slot[cell_hash(cx, cy, g->mask)]);
}

uint32_t lc_cellgrid_first(const lc_cellgrid *g, int64_t cx, int64_t cy)
{
    return g->slot[cell_slot(g->slot, g->mask, cx, cy)].head;
}

/* Doubles the table, moving every occupied slot (chains stay as they are). */
static lc_status grow_table(lc_context *ctx, lc_cellgrid *g)
{
    size_t slots = 2 * (g->mask + 1), mask = slots - 1;
    struct lc_cell_slot *slot;
    if (table_alloc(ctx, slots, &slot) != LC_OK)
        return LC_ERR_NOMEM;
    for (size_t q = 0; q <= g->mask; q++)
        if (g->slot[q].head != LC_CELL_NONE)
            slot[cell_slot(slot, mask, g->slot[q].kx, g->slot[q].ky)] = g->slot[q];
    free(g->slot);
    g->slot = slot, g->mask = mask;
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
    size_t s = cell_slot(g->slot, g->mask, cx, cy);
    if (g->slot[s].head == LC_CELL_NONE) {
        g->slot[s].kx = cx, g->slot[s].ky = cy;
        g->used++;
    }
    uint32_t v = (uint32_t)g->npoints++;
    g->next[v] = g->slot[s].head;
    g->slot[s].head = v;
    return LC_OK;
}
