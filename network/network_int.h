/*
 * network/network_int.h — what the library's other modules read of the walking network beyond its
 * public header (not callers): the edges near a box, and a category's reach kept compactly as the
 * budget left at every node, from which the reached parts of edges near any box are cut again when
 * they are needed (queries/corridor*.c) instead of being kept for the whole network.
 */
#ifndef LIFECIRCLE_NETWORK_NETWORK_INT_H
#define LIFECIRCLE_NETWORK_NETWORK_INT_H

#include <stddef.h>
#include <stdint.h>

#include "geo/geometry_int.h"
#include "lifecircle/network.h"

/* ---- the network's own data: read only by network/network*.c ---------------------------------------- */

#define TREE_FANOUT 16
#define TREE_MAX_LEVELS 24

/* A node of the edge index: at level 0 `first` is an edge and count 0; above, the children are
 * entries [first, first + count) of the level below. */
typedef struct tnode {
    double minx, miny, maxx, maxy;
    uint32_t first, count;
} tnode;

/* How many of the merges a tolerance made the network keeps the place of. */
#define LC_NETWORK_MERGES_KEPT 20

struct lc_network {
    size_t nnodes, nedges, ncomp;
    double *x, *y;           /* node positions */
    uint32_t *ea, *eb;       /* edge end nodes */
    double *elen;            /* edge lengths, metres */
    uint32_t *off;           /* CSR: the incident edges of node v are adj[off[v] .. off[v+1]) */
    uint32_t *adj;           /* edge ids */
    uint32_t *nbr;           /* the same slots: the node at the edge's other end (a loop: v itself) */
    double *nlen;            /* and the edge's length, so the shortest-path loop reads one array */
    uint32_t *comp;          /* component of each node, 0 the largest */
    size_t *comp_size;
    double length;
    tnode *tree[TREE_MAX_LEVELS];
    size_t tree_n[TREE_MAX_LEVELS];
    int tree_levels;
    double tolerance;        /* the snap tolerance built with (0: exact shared vertices) */
    size_t nmerged;          /* vertices joined to a node they did not exactly coincide with */
    double merged_max;       /* the farthest such join, metres */
    lc_xy merged_at[LC_NETWORK_MERGES_KEPT]; /* where the first of them were, and how far */
    double merged_d[LC_NETWORK_MERGES_KEPT];
};

/* A source kept by a reach: sorted by edge so sources on a demand point's own edge are found fast. */
typedef struct src_rec {
    long edge;
    double along, access;
    long id;
} src_rec;

struct lc_network_reach {
    const lc_network *net;
    double bound;
    struct reach_node {
        double dist;    /* from the nearest source */
        long near;      /* that source's id, -1 */
    } *node;            /* per node: both together, as the shortest-path loop reads them */
    src_rec *src;   /* on-network sources sorted by edge */
    size_t nsrc;
    /* lc_network_reach_rerun: the nodes the last pass reached, so the next one resets only those. */
    uint32_t *touched;
    size_t ntouched, tcap, srccap;
    int track;
};

/* ---- for the other modules ---------------------------------------------------------------------- */

/* Runs the pass of lc_network_reach_compute again in r (made by it, or by an earlier rerun) from new
 * sources and a new bound, resetting only the nodes the last rerun reached: for one bounded pass per
 * facility (queries/access.c), each costing what it reaches instead of the whole network. The
 * distances are exactly those lc_network_reach_compute gives for the same sources and bound. One
 * thread at a time per r (a thread keeps its own). LC_OK, LC_ERR_MISUSE or LC_ERR_NOMEM (r then
 * reads as reaching nothing until the next successful rerun). */
lc_status lc_network_reach_rerun(lc_context *ctx, lc_network_reach *r, const lc_snap *sources, const long *ids,
                                 size_t n, double bound_m);

/* The nodes the last lc_network_reach_rerun of r reached (*n of them, in the order first reached;
 * none before r's first rerun), owned by r and valid until its next rerun: the only nodes with a
 * finite distance, so a caller looks at what a bounded pass found without a scan of the network
 * (queries/siting_network.c). */
const uint32_t *lc_network_reach_reached(const lc_network_reach *r, size_t *n);

/* Appends to (*edges)[*n ..] every edge whose bounding box comes within d of box (the network's
 * STR-tree), in the tree's order, growing *edges (capacity *cap) with realloc. 0, or -1 out of
 * memory (what was found so far stays). */
int lc_network_edges_near(const lc_network *net, lc_bbox box, double d, uint32_t **edges, size_t *n, size_t *cap);

/* Edge e's end points (exactly the nodes' coordinates) and length; e must be an edge of net. */
void lc_network_edge_geometry(const lc_network *net, uint32_t e, lc_xy *a, lc_xy *b, double *len);

/* The most parts an edge's reach is cut into (more sources on one edge than this are left out). */
#define LC_EDGE_PARTS_MAX 64

/* The parts of an edge of length len within a budget: from its first node when left_a (the budget
 * left there) is > 0, from its second likewise, and around each of nsrc sources on it (at src_along
 * from the first node, src_left left there), merged where they overlap, in order along the edge:
 * [lo[k], hi[k]], metres from the first node. lo and hi hold LC_EDGE_PARTS_MAX; returns how many.
 * The one cut of every reach: lc_network_reach_segments and lc_reached_pieces. */
size_t lc_edge_reached_parts(double len, double left_a, double left_b, const double *src_along,
                             const double *src_left, size_t nsrc, double *lo, double *hi);

/* A source on an edge, as a reach within a budget sees it: along the edge from its first node, and
 * the budget left at the attachment point (budget − access leg). */
typedef struct lc_reached_src {
    uint32_t edge;
    double along, left;
} lc_reached_src;

/* One pass's reach within one budget, compact: per node the budget left on arriving (budget − the
 * distance from the nearest source; negative or −INFINITY when out of reach; 8 bytes a node where
 * the pass itself holds 16, and nothing per edge), and the sources on edges sorted by edge. */
typedef struct lc_reached {
    double *left;           /* per node */
    lc_reached_src *src;    /* nsrc, by edge */
    size_t nsrc;
    uint64_t *src_edge;     /* bit e set when edge e holds a source: most edges hold none, and asking
                               this costs less than searching src for every edge near a compound */
    double budget;
} lc_reached;

/* Keeps reach within budget_m as *out (owned by the caller: lc_reached_free). LC_OK or LC_ERR_NOMEM. */
lc_status lc_reached_make(lc_context *ctx, const lc_network *net, const lc_network_reach *reach, double budget_m,
                          lc_reached *out);

/* Releases what lc_reached_make allocated (the struct itself is the caller's). Accepts NULL. */
void lc_reached_free(lc_reached *r);

/* Appends to (*out)[*n ..] the reached parts of the given edges (the parts of each within the
 * budget from either end or around a source on it, merged where they overlap; the same parts as
 * lc_network_reach_segments cuts), growing *out (capacity *cap). 0, or -1 out of memory. */
int lc_reached_pieces(const lc_network *net, const lc_reached *r, const uint32_t *edges, size_t nedges, lc_seg **out,
                      size_t *n, size_t *cap);

/* The bounding box of every edge r reaches a part of (empty when none). */
lc_bbox lc_reached_extent(const lc_network *net, const lc_reached *r);

/* ---- the edge index (network/network_index.c) ---- */

/* Builds net's STR-tree over its edges bottom-up by sort-tile-recursive packing, reading only the
 * edges' ends and the nodes' coordinates and writing only net->tree*: lc_network_build runs it on a
 * second thread while it lays out the adjacency. LC_OK or LC_ERR_NOMEM, which sets no context's
 * message (the caller reports it). */
lc_status lc_network_index_build(lc_network *net);

/* The nearest edge to p under tree node (level, i), improving *best (squared distance), *best_e (the
 * edge, -1 for none yet) and *best_t (where along it, 0..1); ties go to the lower edge. */
void lc_network_index_nearest(const lc_network *net, int level, size_t i, lc_xy p, double *best, long *best_e,
                              double *best_t);

#endif /* LIFECIRCLE_NETWORK_NETWORK_INT_H */
