/*
 * network/network.c — the walking network (include/lifecircle/network.h): nodes at shared vertices by
 * grid hashing, one edge per segment, CSR adjacency, connected components, snapping to the nearest
 * edge, multi-source bounded Dijkstra with partial edges at both ends, and the reachable parts of
 * edges. The packed STR-tree of edge envelopes is in network/network_index.c, the pieces of edges by
 * nearest source (catchments along the network) in network/network_pieces.c. Reading and filtering
 * the lines lives in layers/roads.c; turning reach into service areas and coverage lives in
 * queries/coverage.c. Design notes: issue 4.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/cellgrid_int.h"
#include "geo/context_int.h"
#include "geo/parallel_int.h"
#include "network/network_int.h"

/* Releases a network; see network.h. */
void lc_network_destroy(lc_network *net)
{
    if (!net)
        return;
    free(net->x);
    free(net->y);
    free(net->ea);
    free(net->eb);
    free(net->elen);
    free(net->off);
    free(net->adj);
    free(net->nbr);
    free(net->nlen);
    free(net->comp);
    free(net->comp_size);
    for (int l = 0; l < net->tree_levels; l++)
        free(net->tree[l]);
    free(net);
}

/* ---- noding ------------------------------------------------------------------------------------- */

/* Vertex-to-node state while building. */
typedef struct noder {
    lc_cellgrid cells;   /* the nodes, by cell of side tol: point k of the grid is node k */
    int *level;          /* the level of the vertices a node joins */
    unsigned char *end;  /* a line end joined the node (ends join any level) */
    double tol;
} noder;

/* The node of vertex p (level, is a line end), joining an existing node within tol whose level
 * matches (or when either side is a line end), else a new node, into *node; tol 0 joins only a
 * vertex at exactly the same coordinates. A join of two vertices that do not coincide is counted in
 * net (with the place of the first LC_NETWORK_MERGES_KEPT). LC_OK or LC_ERR_NOMEM. */
static lc_status node_of(lc_context *ctx, lc_network *net, noder *nd, lc_xy p, int level, int is_end, uint32_t *node)
{
    int64_t cx, cy;
    lc_cellgrid_key(&nd->cells, p, &cx, &cy);
    uint32_t best = UINT32_MAX;
    double bestd = nd->tol * nd->tol;
    /* Tolerance 0 joins equal coordinates only, and equal coordinates share a cell: the eight
     * neighbouring cells cannot hold a match, and probing them made the node loop half again as
     * long on a million-vertex city. */
    int64_t around = nd->tol > 0 ? 1 : 0;
    for (int64_t dx = -around; dx <= around; dx++)
        for (int64_t dy = -around; dy <= around; dy++)
            for (uint32_t v = lc_cellgrid_first(&nd->cells, cx + dx, cy + dy); v != LC_CELL_NONE; v = nd->cells.next[v]) {
                double ddx = net->x[v] - p.x, ddy = net->y[v] - p.y, d = ddx * ddx + ddy * ddy;
                if (d <= bestd && (nd->level[v] == level || is_end || nd->end[v]) && (best == UINT32_MAX || d < bestd)) {
                    best = v;
                    bestd = d;
                }
            }
    if (best != UINT32_MAX) {
        nd->end[best] |= (unsigned char)is_end;
        *node = best;
        if (bestd > 0) { /* a join the tolerance made: two vertices that do not coincide */
            double d = sqrt(bestd);
            if (net->nmerged < LC_NETWORK_MERGES_KEPT) {
                net->merged_at[net->nmerged] = p;
                net->merged_d[net->nmerged] = d;
            }
            net->nmerged++;
            net->merged_max = fmax(net->merged_max, d);
        }
        return LC_OK;
    }
    uint32_t v = (uint32_t)net->nnodes++;
    net->x[v] = p.x;
    net->y[v] = p.y;
    nd->level[v] = level;
    nd->end[v] = (unsigned char)is_end;
    *node = v;
    return lc_cellgrid_add(ctx, &nd->cells, p);
}

/* ---- building ----------------------------------------------------------------------------------- */

/* A component's size and discovery label, for sorting. */
typedef struct comp_rank {
    size_t size, label;
} comp_rank;

static int cmp_comp(const void *a, const void *b)
{
    const comp_rank *p = a, *q = b;
    if (p->size != q->size)
        return p->size < q->size ? 1 : -1;
    return (p->label > q->label) - (p->label < q->label);
}

/* Labels connected components, largest first. LC_OK or LC_ERR_NOMEM. */
static lc_status components(lc_context *ctx, lc_network *net)
{
    size_t n = net->nnodes;
    uint32_t *stack = lc_malloc(ctx, (n ? n : 1) * sizeof *stack);
    net->comp = lc_malloc(ctx, (n ? n : 1) * sizeof *net->comp);
    size_t *size = lc_calloc(ctx, n ? n : 1, sizeof *size);
    size_t *rank = lc_calloc(ctx, n ? n : 1, sizeof *rank);
    lc_status st = LC_ERR_NOMEM;
    if (!stack || !net->comp || !size || !rank)
        goto fail;
    for (size_t v = 0; v < n; v++)
        net->comp[v] = UINT32_MAX;
    size_t nc = 0;
    for (size_t s = 0; s < n; s++) {
        if (net->comp[s] != UINT32_MAX)
            continue;
        size_t top = 0;
        stack[top++] = (uint32_t)s;
        net->comp[s] = (uint32_t)nc;
        while (top) {
            uint32_t v = stack[--top];
            size[nc]++;
            for (uint32_t k = net->off[v]; k < net->off[v + 1]; k++) {
                uint32_t e = net->adj[k], w = net->ea[e] == v ? net->eb[e] : net->ea[e];
                if (net->comp[w] == UINT32_MAX) {
                    net->comp[w] = (uint32_t)nc;
                    stack[top++] = w;
                }
            }
        }
        nc++;
    }
    /* Renumber by decreasing size (ties keep discovery order). */
    comp_rank *order = lc_malloc(ctx, (nc ? nc : 1) * sizeof *order);
    if (!order)
        goto fail;
    for (size_t c = 0; c < nc; c++)
        order[c] = (comp_rank){size[c], c};
    qsort(order, nc, sizeof *order, cmp_comp);
    for (size_t c = 0; c < nc; c++)
        rank[c] = order[c].label;
    free(order);
    net->comp_size = lc_malloc(ctx, (nc ? nc : 1) * sizeof *net->comp_size);
    if (!net->comp_size)
        goto fail;
    for (size_t i = 0; i < nc; i++) {
        net->comp_size[i] = size[rank[i]];
        stack[rank[i]] = (uint32_t)i; /* reuse: old label → new label */
    }
    for (size_t v = 0; v < n; v++)
        net->comp[v] = stack[net->comp[v]];
    net->ncomp = nc;
    st = LC_OK;
fail:
    free(stack);
    free(size);
    free(rank);
    return st;
}

/* Task: the edge index of the network arg (lc_network_index_build), beside the adjacency. */
static int index_task(void *arg, size_t i, size_t thread, GEOSContextHandle_t h, char *msg, size_t msg_size)
{
    (void)i, (void)thread, (void)h;
    if (lc_network_index_build(arg) == LC_OK)
        return 0;
    snprintf(msg, msg_size, "out of memory building the walking network's edge index");
    return -1;
}

/* Builds the network; see network.h. */
lc_network *lc_network_build(lc_context *ctx, const lc_roads *roads, double snap_tolerance_m)
{
    if (!ctx)
        return NULL;
    if (!roads || snap_tolerance_m < 0 || !isfinite(snap_tolerance_m)) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_network_build: roads and a snap tolerance ≥ 0 are required");
        return NULL;
    }
    noder nd = {.tol = snap_tolerance_m};
    size_t nv = 0, nseg = 0;
    for (size_t i = 0; i < lc_roads_count(roads); i++) {
        size_t n = lc_roads_get(roads, i).n;
        nv += n;
        nseg += n - 1;
    }
    if (nv >= UINT32_MAX / 2 || nseg >= UINT32_MAX / 2) {
        lc_error(ctx, LC_ERR_UNSUPPORTED, "lc_network_build: %zu vertices is more than a network can hold", nv);
        return NULL;
    }
    lc_network *net = lc_calloc(ctx, 1, sizeof *net);
    uint32_t *vnode = NULL;
    uint32_t *deg = NULL;
    lc_parallel_job *index_job = NULL;
    if (!net)
        return NULL;
    net->tolerance = snap_tolerance_m;
    /* Cells of the tolerance's side (1 m for exact joins: equal points share a cell either way). */
    if (lc_cellgrid_init(ctx, &nd.cells, nd.tol > 0 ? nd.tol : 1.0, nv) != LC_OK)
        goto fail;
    nd.level = lc_malloc(ctx, (nv ? nv : 1) * sizeof *nd.level);
    nd.end = lc_malloc(ctx, (nv ? nv : 1) * sizeof *nd.end);
    net->x = lc_malloc(ctx, (nv ? nv : 1) * sizeof *net->x);
    net->y = lc_malloc(ctx, (nv ? nv : 1) * sizeof *net->y);
    vnode = lc_malloc(ctx, (nv ? nv : 1) * sizeof *vnode);
    net->ea = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *net->ea);
    net->eb = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *net->eb);
    net->elen = lc_malloc(ctx, (nseg ? nseg : 1) * sizeof *net->elen);
    if (!nd.level || !nd.end || !net->x || !net->y ||
        !vnode || !net->ea || !net->eb || !net->elen)
        goto fail;

    /* Nodes: every vertex joins or opens a node; then one edge per segment between distinct nodes. */
    for (size_t i = 0; i < lc_roads_count(roads); i++) {
        lc_road r = lc_roads_get(roads, i);
        for (size_t k = 0; k < r.n; k++) {
            /* the slot of a vertex a few ahead (on this line or the next), fetched while this one
             * is joined: the table is larger than the caches */
            if (k + 8 < r.n)
                lc_cellgrid_prefetch(&nd.cells, r.pts[k + 8]);
            else if (i + 1 < lc_roads_count(roads) && k + 8 - r.n < lc_roads_get(roads, i + 1).n)
                lc_cellgrid_prefetch(&nd.cells, lc_roads_get(roads, i + 1).pts[k + 8 - r.n]);
            uint32_t v;
            if (node_of(ctx, net, &nd, r.pts[k], r.level, k == 0 || k + 1 == r.n, &v) != LC_OK)
                goto fail;
            if (k > 0 && v != vnode[0]) {
                double len = hypot(net->x[v] - net->x[vnode[0]], net->y[v] - net->y[vnode[0]]);
                net->ea[net->nedges] = vnode[0];
                net->eb[net->nedges] = v;
                net->elen[net->nedges++] = len;
                net->length += len;
            }
            vnode[0] = v;
        }
        if (((i + 1) & 4095) == 0)
            lc_progress(ctx, "building the walking network", 0.5 * (double)(i + 1) / (double)lc_roads_count(roads));
    }

    /* The edge index needs only the edges and their nodes' coordinates, fixed from here on: a second
     * thread builds it while this one lays out the adjacency and labels the components (the index
     * was a third of the build, and the other core sat idle through all of it). */
    index_job = lc_parallel_start(ctx, lc_parallel_threads(0, 2) - 1, 1, 1, index_task, net);
    if (!index_job)
        goto fail;

    /* CSR adjacency. */
    deg = lc_calloc(ctx, net->nnodes + 1, sizeof *deg);
    net->off = lc_calloc(ctx, net->nnodes + 1, sizeof *net->off);
    net->adj = lc_malloc(ctx, (net->nedges ? 2 * net->nedges : 1) * sizeof *net->adj);
    net->nbr = lc_malloc(ctx, (net->nedges ? 2 * net->nedges : 1) * sizeof *net->nbr);
    net->nlen = lc_malloc(ctx, (net->nedges ? 2 * net->nedges : 1) * sizeof *net->nlen);
    if (!deg || !net->off || !net->adj || !net->nbr || !net->nlen)
        goto fail;
    for (size_t e = 0; e < net->nedges; e++) {
        net->off[net->ea[e] + 1]++;
        net->off[net->eb[e] + 1]++;
    }
    for (size_t v = 0; v < net->nnodes; v++)
        net->off[v + 1] += net->off[v];
    for (size_t e = 0; e < net->nedges; e++) {
        uint32_t a = net->ea[e], b = net->eb[e], ka = net->off[a] + deg[a]++, kb = net->off[b] + deg[b]++;
        net->adj[ka] = net->adj[kb] = (uint32_t)e;
        net->nbr[ka] = b;
        net->nbr[kb] = a;
        net->nlen[ka] = net->nlen[kb] = net->elen[e];
    }
    if (components(ctx, net) != LC_OK)
        goto fail;
    lc_parallel_job *job = index_job;
    index_job = NULL;
    if (lc_parallel_finish(ctx, job, NULL, NULL) != LC_OK) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory building the walking network's edge index");
        goto fail;
    }
    lc_progress(ctx, "building the walking network", 1.0);
    free(deg);
    free(vnode);
    lc_cellgrid_free(&nd.cells);
    free(nd.level);
    free(nd.end);
    return net;
fail:
    lc_parallel_cancel(index_job); /* waits for its thread: it reads net */
    free(deg);
    free(vnode);
    lc_cellgrid_free(&nd.cells);
    free(nd.level);
    free(nd.end);
    lc_network_destroy(net);
    return NULL;
}

/* ---- getters ------------------------------------------------------------------------------------ */

size_t lc_network_merge_count(const lc_network *net, double *max_m)
{
    if (max_m)
        *max_m = net ? net->merged_max : 0;
    return net ? net->nmerged : 0;
}

int lc_network_merge(const lc_network *net, size_t i, lc_xy *at, double *distance_m)
{
    if (!net || i >= net->nmerged || i >= LC_NETWORK_MERGES_KEPT)
        return -1;
    if (at)
        *at = net->merged_at[i];
    if (distance_m)
        *distance_m = net->merged_d[i];
    return 0;
}

size_t lc_network_node_count(const lc_network *net)
{
    return net ? net->nnodes : 0;
}

size_t lc_network_edge_count(const lc_network *net)
{
    return net ? net->nedges : 0;
}

size_t lc_network_component_count(const lc_network *net)
{
    return net ? net->ncomp : 0;
}

double lc_network_length(const lc_network *net)
{
    return net ? net->length : 0;
}

lc_xy lc_network_node(const lc_network *net, size_t node)
{
    return net && node < net->nnodes ? (lc_xy){net->x[node], net->y[node]} : (lc_xy){NAN, NAN};
}

size_t lc_network_node_component(const lc_network *net, size_t node)
{
    return net && node < net->nnodes ? net->comp[node] : (size_t)-1;
}

size_t lc_network_component_size(const lc_network *net, size_t c)
{
    return net && c < net->ncomp ? net->comp_size[c] : 0;
}

int lc_network_edge(const lc_network *net, size_t e, size_t *a, size_t *b, double *length_m)
{
    if (!net || e >= net->nedges)
        return -1;
    if (a)
        *a = net->ea[e];
    if (b)
        *b = net->eb[e];
    if (length_m)
        *length_m = net->elen[e];
    return 0;
}

/* ---- snapping ----------------------------------------------------------------------------------- */

/* Attaches p to the nearest edge; see network.h. */
lc_status lc_network_snap(lc_context *ctx, const lc_network *net, lc_xy p, double max_snap_m, lc_snap *out)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!net || !out || !isfinite(p.x) || !isfinite(p.y) || isnan(max_snap_m))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_network_snap: a network, a finite point and an output are required");
    *out = (lc_snap){.edge = -1, .along = 0, .access_m = INFINITY, .at = p};
    if (!net->nedges)
        return LC_OK;
    double best = max_snap_m > 0 ? max_snap_m * max_snap_m * (1 + 1e-12) : INFINITY, t = 0;
    long e = -1;
    lc_network_index_nearest(net, net->tree_levels - 1, 0, p, &best, &e, &t);
    if (e < 0)
        return LC_OK;
    double ax = net->x[net->ea[e]], ay = net->y[net->ea[e]], bx = net->x[net->eb[e]], by = net->y[net->eb[e]];
    out->edge = e;
    out->at = (lc_xy){ax + t * (bx - ax), ay + t * (by - ay)};
    out->along = t * net->elen[e];
    out->access_m = sqrt(best);
    if (max_snap_m > 0 && out->access_m > max_snap_m) {
        out->edge = -1;
        out->along = 0;
        out->at = p;
    }
    return LC_OK;
}

/* ---- shortest paths ----------------------------------------------------------------------------- */

void lc_network_reach_destroy(lc_network_reach *r)
{
    if (!r)
        return;
    free(r->node);
    free(r->src);
    free(r->touched);
    free(r);
}

static int cmp_src(const void *a, const void *b)
{
    const src_rec *p = a, *q = b;
    return (p->edge > q->edge) - (p->edge < q->edge);
}

/* A radix heap of (distance, node) with lazy deletion (Ahuja, Mehlhorn, Orlin & Tarjan 1990): the
 * distances Dijkstra takes out never decrease, so an entry lives in the bucket of the highest bit in
 * which its key differs from the last key taken out, and moves to a lower bucket at most 64 times. A
 * non-negative double's bits order as the double does. Pushing is an append; popping empties the
 * lowest non-empty bucket into lower ones only when bucket 0 is empty. About twice as fast as the
 * 4-ary heap it replaced on a million-node city. Any order of equal keys gives the same distances
 * and sources (relax decides ties by source id). */
typedef struct heap_item {
    uint64_t k; /* the distance's bits */
    uint32_t v;
} heap_item;

typedef struct heap {
    heap_item *b[64];
    size_t n[64], cap[64];
    uint64_t nonempty; /* bit b set when bucket b holds entries: the lowest found in one instruction,
                          not by walking up to 50 empty buckets at every refill (2.8 % of a whole
                          network check's instructions went to that walk) */
    uint64_t last;
    size_t size;
} heap;

/* The bits of d ≥ 0, −0 taken as +0: the sign bit stays clear, so no key differs from another in
 * bit 63 and 64 buckets suffice. */
static uint64_t key_of(double d)
{
    uint64_t k;
    d = d == 0 ? 0.0 : d;
    memcpy(&k, &d, sizeof k);
    return k;
}

static int bucket_of(uint64_t k, uint64_t last)
{
    return k == last ? 0 : 64 - __builtin_clzll(k ^ last);
}

static lc_status heap_push(lc_context *ctx, heap *hp, double d, uint32_t v)
{
    uint64_t k = key_of(d);
    int b = bucket_of(k, hp->last);
    if (hp->n[b] == hp->cap[b] && lc_grow(ctx, (void **)&hp->b[b], &hp->cap[b], hp->n[b] + 1, sizeof *hp->b[b]) != LC_OK)
        return LC_ERR_NOMEM;
    hp->b[b][hp->n[b]++] = (heap_item){k, v};
    hp->nonempty |= (uint64_t)1 << b;
    hp->size++;
    return LC_OK;
}

/* Takes out an entry with the smallest key (the heap must not be empty) into *v and *d. 0, or -1 out
 * of memory (the heap is then to be freed). */
static int heap_pop(heap *hp, uint32_t *v, double *d)
{
    if (!hp->n[0]) {
        int i = __builtin_ctzll(hp->nonempty); /* not 0: bucket 0 is empty, and the heap is not */
        uint64_t m = hp->b[i][0].k;
        for (size_t j = 1; j < hp->n[i]; j++)
            m = hp->b[i][j].k < m ? hp->b[i][j].k : m;
        hp->last = m;
        for (size_t j = 0; j < hp->n[i]; j++) { /* every entry goes to a lower bucket: room is there */
            heap_item it = hp->b[i][j];
            int b = bucket_of(it.k, m);
            if (hp->n[b] == hp->cap[b]) {
                size_t c = hp->cap[b] ? 2 * hp->cap[b] : 16;
                heap_item *q = realloc(hp->b[b], c * sizeof *q);
                if (!q)
                    return -1;
                hp->b[b] = q, hp->cap[b] = c;
            }
            hp->b[b][hp->n[b]++] = it;
            hp->nonempty |= (uint64_t)1 << b;
        }
        hp->n[i] = 0;
        hp->nonempty &= ~((uint64_t)1 << i);
    }
    /* Bucket 0 now holds entries, all keyed exactly the last minimum: the refill put them there. */
    heap_item it = hp->b[0][--hp->n[0]];
    if (!hp->n[0])
        hp->nonempty &= ~(uint64_t)1;
    hp->size--;
    memcpy(d, &it.k, sizeof *d);
    *v = it.v;
    return 0;
}

static void heap_free(heap *hp)
{
    for (int b = 0; b < 64; b++)
        free(hp->b[b]);
}

/* Sets node v's label to distance d from source id when that improves it (shorter, or as short from a
 * lower id). 1 when it did, 0 when not, -1 out of memory. */
static int improve(lc_context *ctx, lc_network_reach *r, uint32_t v, double d, long id)
{
    if (d > r->bound || d > r->node[v].dist || (d == r->node[v].dist && r->node[v].near <= id))
        return 0;
    if (r->track && r->node[v].near < 0) { /* first reached in this pass */
        if (r->ntouched == r->tcap && lc_grow(ctx, (void **)&r->touched, &r->tcap, r->ntouched + 1,
                                              sizeof *r->touched) != LC_OK)
            return -1;
        r->touched[r->ntouched++] = v;
    }
    r->node[v].dist = d;
    r->node[v].near = id;
    return 1;
}

/* Relaxes node v to distance d from source id; pushes it when improved. */
static lc_status relax(lc_context *ctx, lc_network_reach *r, heap *hp, uint32_t v, double d, long id)
{
    int got = improve(ctx, r, v, d, id);
    return got < 0 ? LC_ERR_NOMEM : got ? heap_push(ctx, hp, d, v) : LC_OK;
}

static lc_status reach_pass(lc_context *ctx, lc_network_reach *r, const lc_snap *sources, const long *ids, size_t n);

/* Multi-source Dijkstra; see network.h. */
lc_network_reach *lc_network_reach_compute(lc_context *ctx, const lc_network *net, const lc_snap *sources,
                                           const long *ids, size_t n, double bound_m)
{
    if (!ctx)
        return NULL;
    if (!net || (n && (!sources || !ids)) || isnan(bound_m) || bound_m < 0) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_network_reach_compute: a network, sources with ids and a bound ≥ 0 are required");
        return NULL;
    }
    lc_network_reach *r = lc_calloc(ctx, 1, sizeof *r);
    if (!r)
        return NULL;
    r->net = net;
    r->bound = bound_m;
    r->node = lc_malloc(ctx, (net->nnodes ? net->nnodes : 1) * sizeof *r->node);
    r->src = lc_malloc(ctx, (n ? n : 1) * sizeof *r->src);
    r->srccap = n ? n : 1;
    if (!r->node || !r->src)
        goto fail;
    for (size_t v = 0; v < net->nnodes; v++) {
        r->node[v].dist = INFINITY;
        r->node[v].near = -1;
    }
    if (reach_pass(ctx, r, sources, ids, n) != LC_OK)
        goto fail;
    return r;
fail:
    lc_network_reach_destroy(r);
    return NULL;
}

/* Another bounded pass in r; see network_int.h. */
lc_status lc_network_reach_rerun(lc_context *ctx, lc_network_reach *r, const lc_snap *sources, const long *ids,
                                 size_t n, double bound_m)
{
    if (!r || (n && (!sources || !ids)) || isnan(bound_m) || bound_m < 0)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_network_reach_rerun: a reach, sources with ids and a bound ≥ 0 "
                                            "are required");
    const lc_network *net = r->net;
    if (r->track) {
        for (size_t k = 0; k < r->ntouched; k++) {
            r->node[r->touched[k]].dist = INFINITY;
            r->node[r->touched[k]].near = -1;
        }
    } else {
        for (size_t v = 0; v < net->nnodes; v++) {
            r->node[v].dist = INFINITY;
            r->node[v].near = -1;
        }
        r->track = 1;
    }
    r->ntouched = 0;
    r->nsrc = 0;
    r->bound = bound_m;
    if (n > r->srccap && lc_grow(ctx, (void **)&r->src, &r->srccap, n, sizeof *r->src) != LC_OK)
        return LC_ERR_NOMEM;
    lc_status st = reach_pass(ctx, r, sources, ids, n);
    if (st != LC_OK) { /* reset what the failed pass reached */
        for (size_t v = 0; v < net->nnodes; v++) {
            r->node[v].dist = INFINITY;
            r->node[v].near = -1;
        }
        r->ntouched = r->nsrc = 0;
    }
    return st;
}

/* The nodes of the last rerun; see network_int.h. */
const uint32_t *lc_network_reach_reached(const lc_network_reach *r, size_t *n)
{
    *n = r->track ? r->ntouched : 0;
    return r->touched;
}

/* The pass itself, into r (every node unreached, r->src with room for n): sources entered, then
 * Dijkstra to the bound. LC_OK or LC_ERR_NOMEM. */
static lc_status reach_pass(lc_context *ctx, lc_network_reach *r, const lc_snap *sources, const long *ids, size_t n)
{
    const lc_network *net = r->net;
    heap hp = {0};
    for (size_t i = 0; i < n; i++) {
        const lc_snap *s = &sources[i];
        if (s->edge < 0 || (size_t)s->edge >= net->nedges || !isfinite(s->access_m))
            continue;
        r->src[r->nsrc++] = (src_rec){s->edge, s->along, s->access_m, ids[i]};
        double len = net->elen[s->edge];
        if (relax(ctx, r, &hp, net->ea[s->edge], s->access_m + s->along, ids[i]) != LC_OK ||
            relax(ctx, r, &hp, net->eb[s->edge], s->access_m + (len - s->along), ids[i]) != LC_OK)
            goto fail;
    }
    qsort(r->src, r->nsrc, sizeof *r->src, cmp_src);
    while (hp.size) {
        double d;
        uint32_t v;
        if (heap_pop(&hp, &v, &d)) {
            lc_error(ctx, LC_ERR_NOMEM, "out of memory in a shortest-path pass");
            goto fail;
        }
        if (d > r->node[v].dist)
            continue; /* stale */
        long id = r->node[v].near;
        for (uint32_t k = net->off[v]; k < net->off[v + 1]; k++) {
            /* Along a chain of nodes with two edges each (most of a real street's nodes: its shape's
             * vertices) the labels are set walking on, not through the heap: such a node's only
             * other neighbour gets its label plus the edge, exactly the value and source popping it
             * would relax there, and the edge back is never shorter. */
            uint32_t w = net->nbr[k], from = net->adj[k];
            double dw = d + net->nlen[k];
            for (;;) {
                uint32_t a = net->off[w];
                int chain = net->off[w + 1] - a == 2;
                int got = improve(ctx, r, w, dw, id);
                if (got < 0 || (got && !chain && heap_push(ctx, &hp, dw, w) != LC_OK))
                    goto fail;
                if (!got || !chain)
                    break;
                uint32_t next = net->adj[a] == from ? a + 1 : a;
                if (net->adj[next] == from) /* both slots one edge: a loop */
                    break;
                from = net->adj[next];
                dw = dw + net->nlen[next];
                w = net->nbr[next];
            }
        }
    }
    heap_free(&hp);
    return LC_OK;
fail:
    heap_free(&hp);
    return LC_ERR_NOMEM;
}

double lc_network_reach_node(const lc_network_reach *r, size_t node, long *nearest)
{
    int ok = r && node < r->net->nnodes;
    if (nearest)
        *nearest = ok ? r->node[node].near : -1;
    return ok ? r->node[node].dist : INFINITY;
}

/* The first source on edge e (index into r->src), or r->nsrc when none. */
static size_t first_source_on(const lc_network_reach *r, long e)
{
    size_t lo = 0, hi = r->nsrc;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->src[mid].edge < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Distance to an attached point; see network.h. */
double lc_network_reach_distance(const lc_network_reach *r, const lc_snap *at, long *nearest)
{
    if (nearest)
        *nearest = -1;
    if (!r || !at || at->edge < 0 || (size_t)at->edge >= r->net->nedges || !isfinite(at->access_m))
        return INFINITY;
    const lc_network *net = r->net;
    long e = at->edge;
    double len = net->elen[e];
    double best = r->node[net->ea[e]].dist + at->along;
    long id = r->node[net->ea[e]].near;
    double viab = r->node[net->eb[e]].dist + (len - at->along);
    if (viab < best || (viab == best && r->node[net->eb[e]].near >= 0 && r->node[net->eb[e]].near < id)) {
        best = viab;
        id = r->node[net->eb[e]].near;
    }
    for (size_t k = first_source_on(r, e); k < r->nsrc && r->src[k].edge == e; k++) {
        double d = r->src[k].access + fabs(r->src[k].along - at->along);
        if (d < best || (d == best && r->src[k].id < id)) {
            best = d;
            id = r->src[k].id;
        }
    }
    if (!(best <= r->bound) || id < 0)
        return INFINITY;
    if (nearest)
        *nearest = id;
    return best + at->access_m;
}

/* Reachable parts of edges; see network.h. */
lc_status lc_network_reach_segments(lc_context *ctx, const lc_network_reach *r, double budget_m, lc_xy **segs,
                                    size_t *nseg)
{
    if (!ctx)
        return LC_ERR_MISUSE;
    if (!r || !segs || !nseg || isnan(budget_m))
        return lc_error(ctx, LC_ERR_MISUSE, "lc_network_reach_segments: a reach and outputs are required");
    *segs = NULL;
    *nseg = 0;
    const lc_network *net = r->net;
    lc_xy *out = NULL;
    size_t n = 0, cap = 0, k = 0;
    double along[LC_EDGE_PARTS_MAX], left[LC_EDGE_PARTS_MAX], lo[LC_EDGE_PARTS_MAX], hi[LC_EDGE_PARTS_MAX];
    for (size_t e = 0; e < net->nedges; e++) {
        double len = net->elen[e];
        while (k < r->nsrc && r->src[k].edge < (long)e)
            k++;
        size_t ns = 0;
        for (size_t s = k; s < r->nsrc && r->src[s].edge == (long)e && ns < LC_EDGE_PARTS_MAX - 2; s++) {
            along[ns] = r->src[s].along;
            left[ns++] = budget_m - r->src[s].access;
        }
        size_t m = lc_edge_reached_parts(len, budget_m - r->node[net->ea[e]].dist, budget_m - r->node[net->eb[e]].dist, along,
                                         left, ns, lo, hi);
        if (m && lc_grow(ctx, (void **)&out, &cap, 2 * (n + m), sizeof *out) != LC_OK) {
            free(out);
            return LC_ERR_NOMEM;
        }
        double ax = net->x[net->ea[e]], ay = net->y[net->ea[e]], bx = net->x[net->eb[e]], by = net->y[net->eb[e]];
        for (size_t i = 0; i < m; i++, n++) {
            double t0 = len > 0 ? lo[i] / len : 0, t1 = len > 0 ? hi[i] / len : 1;
            out[2 * n] = (lc_xy){ax + t0 * (bx - ax), ay + t0 * (by - ay)};
            out[2 * n + 1] = (lc_xy){ax + t1 * (bx - ax), ay + t1 * (by - ay)};
        }
    }
    *segs = out;
    *nseg = n;
    return LC_OK;
}

