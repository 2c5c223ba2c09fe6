/*
 * lifecircle/network.h — the walking network: a graph built from walkable lines (roads.h), distances
 * along it from facilities, and what lies within reach.
 *
 * Every segment of every line is an edge; a junction is where lines share a vertex (vertices closer
 * than the snap tolerance are one node). Lines that cross without a shared vertex are not joined, so
 * bridges and tunnels never meet the streets they pass over or under; vertices of lines at different
 * levels (OSM layer/bridge/tunnel) are joined only at a line's end points, where OSM connects them.
 * Points (facilities, demand) attach to the nearest point of the nearest edge; the straight access
 * leg counts toward the distance; farther than the maximum snap distance a point is off-network.
 * Arrays are compact (CSR adjacency); lengths are metres in the working CRS.
 */
#ifndef LIFECIRCLE_NETWORK_H
#define LIFECIRCLE_NETWORK_H

#include <stddef.h>

#include "lifecircle/context.h"
#include "lifecircle/geometry.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"
#include "lifecircle/roads.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lc_network lc_network;

/* Where a point attaches to the network. */
typedef struct lc_snap {
    long edge;        /* the edge, -1 when the point is off-network */
    double along;     /* metres from the edge's first node to the attachment point */
    double access_m;  /* the straight access leg from the point to the attachment point */
    lc_xy at;         /* the attachment point */
} lc_snap;

/* Builds the network of roads: nodes at shared vertices (snap_tolerance_m 0: only vertices at exactly
 * the same coordinates join, as OSM ways and noded data share theirs; > 0: vertices within that
 * distance join too, for CAD lines that stop short — every such join of two vertices that do not
 * coincide is counted, lc_network_merge_count), one edge per segment (zero-length segments
 * dropped), CSR adjacency, connected components and a spatial index of edges. roads is only read
 * (borrowed during the call). NULL with LC_ERR_MISUSE or LC_ERR_NOMEM. Caller frees with
 * lc_network_destroy(). */
LC_API lc_network *lc_network_build(lc_context *ctx, const lc_roads *roads, double snap_tolerance_m);

/* The joins the snap tolerance made of vertices that do not coincide: their number (0 with an exact
 * build), and in *max_m (may be NULL) the farthest. */
LC_API size_t lc_network_merge_count(const lc_network *net, double *max_m);
/* The place (the vertex joined) and distance of the i-th such join, for the first 20; 0, or -1
 * past them. */
LC_API int lc_network_merge(const lc_network *net, size_t i, lc_xy *at, double *distance_m);

/* Releases a network. Accepts NULL. */
LC_API void lc_network_destroy(lc_network *net);

LC_API size_t lc_network_node_count(const lc_network *net);
LC_API size_t lc_network_edge_count(const lc_network *net);
LC_API size_t lc_network_component_count(const lc_network *net);
/* Total length of all edges, metres. */
LC_API double lc_network_length(const lc_network *net);
/* Node i's position (NaN past the end) and its connected component (0 .. count-1, by decreasing size;
 * (size_t)-1 past the end). */
LC_API lc_xy lc_network_node(const lc_network *net, size_t node);
LC_API size_t lc_network_node_component(const lc_network *net, size_t node);
/* Number of nodes in component c (0 past the end). */
LC_API size_t lc_network_component_size(const lc_network *net, size_t c);
/* Edge e's end nodes and length (metres); returns 0, or -1 past the end (outputs untouched). */
LC_API int lc_network_edge(const lc_network *net, size_t e, size_t *a, size_t *b, double *length_m);

/* Attaches p to the nearest point of the nearest edge (ties: the lower edge index). With
 * max_snap_m > 0 a point farther than that is off-network (out->edge = -1, access_m = the distance
 * to the nearest edge or INFINITY when none is within reach of the search). LC_OK, or LC_ERR_MISUSE. */
LC_API lc_status lc_network_snap(lc_context *ctx, const lc_network *net, lc_xy p, double max_snap_m, lc_snap *out);

/* The result of one multi-source shortest-path pass. */
typedef struct lc_network_reach lc_network_reach;

/* Runs one multi-source Dijkstra from sources (n attachments; off-network ones are skipped), each
 * labelled ids[i] (e.g. the facility's index in its layer). A source starts at its attachment point
 * with its access leg already walked, and enters the graph at both ends of its edge (partial edges).
 * Nodes farther than bound_m (INFINITY: no bound) keep distance INFINITY. sources and ids are
 * copied; net is borrowed and must outlive the result. NULL with LC_ERR_MISUSE or LC_ERR_NOMEM.
 * Caller frees with lc_network_reach_destroy(). */
LC_API lc_network_reach *lc_network_reach_compute(lc_context *ctx, const lc_network *net, const lc_snap *sources,
                                                  const long *ids, size_t n, double bound_m);

/* Releases a reach. Accepts NULL. */
LC_API void lc_network_reach_destroy(lc_network_reach *reach);

/* Distance from the nearest source to node (INFINITY when unreached) and that source's id in
 * *nearest (-1 when unreached; nearest may be NULL). */
LC_API double lc_network_reach_node(const lc_network_reach *reach, size_t node, long *nearest);

/* Walking distance from the nearest source to a point attached at `at`: the better of its edge's
 * two ends plus the partial edge, or along the edge from a source on the same edge, plus both access
 * legs. INFINITY (and *nearest -1) when at is off-network or nothing reaches it within the bound.
 * nearest may be NULL. */
LC_API double lc_network_reach_distance(const lc_network_reach *reach, const lc_snap *at, long *nearest);

/* The parts of edges within budget_m of a source (each edge cut at the remaining budget from either
 * end, and around sources on the edge), as segments: (*segs)[2k] to (*segs)[2k+1], *nseg of them.
 * LC_OK (caller frees *segs with lc_free(); NULL when there are none) or LC_ERR_NOMEM. */
LC_API lc_status lc_network_reach_segments(lc_context *ctx, const lc_network_reach *reach, double budget_m,
                                           lc_xy **segs, size_t *nseg);

/* A part of an edge and the source nearest to every point of it along the network (its catchment:
 * the street a facility is responsible for). */
typedef struct lc_network_piece {
    size_t edge;       /* the edge */
    double lo, hi;     /* metres from the edge's first node, lo < hi */
    long id;           /* the nearest source's id (ties: the lower id, as lc_network_reach_distance) */
    double in_reach_m; /* how much of [lo, hi] lies within budget_m of that source */
} lc_network_piece;

/* Shares every edge the pass reached out among the sources: a point x metres along edge u–v (length
 * L) is min(d(u) + x, d(v) + L − x) from the nearest source, or closer from a source attached to the
 * edge itself (access leg + |x − along|); the edge is cut exactly where the nearest source changes
 * (for two ends with different sources at x = (d(v) + L − d(u)) / 2) and each piece credited to its
 * source, with the part within budget_m. Edges no source reaches (other components) are left out, so
 * the pieces' lengths sum to the length of the reached network. Pieces come in edge order, then lo
 * order; adjacent parts of one edge with the same source are one piece. The pass must be unbounded
 * (bound INFINITY). LC_OK (caller frees *pieces with lc_free(); NULL when there are none),
 * LC_ERR_MISUSE or LC_ERR_NOMEM. */
LC_API lc_status lc_network_reach_pieces(lc_context *ctx, const lc_network_reach *reach, double budget_m,
                                         lc_network_piece **pieces, size_t *npieces);

/* A consumer of pieces: p (borrowed for the call) runs from a to b (the nodes' own coordinates at an
 * edge's ends, so pieces meeting at a node meet exactly). 0 to go on; non-zero stops the walk, which
 * then returns LC_ERR_NOMEM (the consumer has recorded why). */
typedef int (*lc_network_piece_fn)(const lc_network_piece *p, lc_xy a, lc_xy b, void *user);

/* The pieces of lc_network_reach_pieces, in the same order, handed to fn one at a time instead of
 * kept (a city's network is millions of pieces per category). LC_OK, LC_ERR_MISUSE (as
 * lc_network_reach_pieces, or fn NULL) or LC_ERR_NOMEM. */
LC_API lc_status lc_network_reach_each_piece(lc_context *ctx, const lc_network_reach *reach, double budget_m,
                                             lc_network_piece_fn fn, void *user);

/* Finds the network's islands for the data-quality report (network/network_islands.c): connected
 * components that hold demand — residential polygons whose demand point (a point on the polygon's
 * surface, as coverage uses) attaches to one of their edges within the profile's max_snap_m — but
 * no facility of a category that has facilities elsewhere on the network (components whose
 * residents sum to 0 are left out). Walking from there never reaches those categories, so network
 * coverage is zero for the residents on it: usually a road link missing from the data. One warning
 * (LC_CHECK_NETWORK_ISLAND) per such component, naming its size (nodes, metres of road), its
 * residential polygons and residents and the categories missing.
 * Parameters: net, in (residential and facilities layers in the working CRS the network was built
 * in) and profile are borrowed; quality receives the warnings; *islands (may be NULL) their number.
 * LC_OK, LC_ERR_MISUSE, LC_ERR_GEOMETRY (no demand point on a polygon) or LC_ERR_NOMEM. */
LC_API lc_status lc_network_islands(lc_context *ctx, const lc_network *net, const lc_inputs *in,
                                    const lc_profile *profile, lc_quality *quality, size_t *islands);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_NETWORK_H */
