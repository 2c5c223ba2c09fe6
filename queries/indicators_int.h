/*
 * queries/indicators_int.h — the indicators result shared by queries/indicators.c (sums and norms
 * per 街镇, 区 and the whole area) and queries/levels.c (the administrative ladder: each level's
 * units, their parents, types and populations, and the presence norms per unit of a level).
 * Internal to queries/.
 */
#ifndef LIFECIRCLE_QUERIES_INDICATORS_INT_H
#define LIFECIRCLE_QUERIES_INDICATORS_INT_H

#include "geo/context_int.h"
#include "lifecircle/indicators.h"
#include "queries/assign_int.h"

/* The units of one level of the ladder (区, 街镇, 片区, 居村, 村民小组). */
typedef struct level_units {
    const lc_layer *layer;  /* borrowed; NULL when the study has no such layer */
    size_t n;
    long *parent;           /* district for units, unit for areas and committees, committee for groups; -1 */
    long *unit;             /* the 街镇 each lies in (itself for units; -1 for districts or none) */
    long *district;         /* the 区 each lies in (itself for districts); -1 */
    signed char *type;      /* committees, groups: 1 villagers' (村委会), 0 residents' (居委会); units and
                               below: rural (1, a 镇 or 乡) or not (0) in rtype; -1 unknown */
    signed char *rural;     /* 1 in a rural 街镇 (镇/乡), 0 in a 街道, -1 unknown */
    double *pop;            /* resident population: the layer's field, else the compounds' */
    unsigned char *pop_from_field;
    double *households;     /* the layer's field, else the compounds', NAN when neither */
    double *res_pop;        /* the compounds' residents in it (by area of overlap) */
    size_t *count;          /* n × nnorms: facilities counting for each presence norm at this level */
    signed char *meets;     /* n × nnorms: 1 has enough, 0 lacks, -1 not asked (another level, `only`) */
    lc_parent_index ix;
} level_units;

struct lc_indicators {
    size_t nunits, nrows, nnorms, ncat, nfac, nres;
    size_t ndist;            /* district rows, after the total row (rows nunits + 1 ...) */
    size_t nall;             /* nunits + 1 + ndist: rows of every array below */
    lc_indicator *cells;     /* nall × nnorms */
    double *pop, *pop60, *pop65; /* the denominators per row */
    int *pop_from_unit;
    double *res_pop;         /* residential population per row (the coverage denominator) */
    double *covered;         /* nall × ncat residents within reach */
    double *circle_covered;  /* residents with the whole life circle */
    size_t *fac_count;       /* nall × ncat */
    double *floor_area, *meals, *beds, *nursing;
    long *fac_unit;          /* per facility */
    long *res_unit;          /* per residential polygon: the unit holding most of it */
    long *res_committee;     /* per residential polygon: the 居村 declared or holding most of it, -1 */
    long *fac_level;         /* LC_LEVEL_COUNT × nfac: the unit of each level a facility lies in, -1 */
    level_units lv[LC_LEVEL_COUNT];
    int has_pop60, has_pop65;            /* some compound or 街镇 gives a registered 60+ / 65+ figure */
    const lc_profile *profile;           /* borrowed */
    const lc_profile **district_profile; /* per district: its profile (borrowed), NULL for the study's */
};

/* The row of district d. */
#define IND_DISTRICT_ROW(ind, d) ((ind)->nunits + 1 + (d))

/* Builds every level present in the inputs into ind->lv: parents (declared field, else area of
 * overlap; a unit without a parent when the parent's layer exists, or one split across parents, is a
 * data-quality warning), 街镇 and 区 of each unit, types, and each facility's unit at every level
 * (ind->fac_level). LC_OK or the error (LC_ERR_NOMEM, LC_ERR_GEOMETRY). */
lc_status lc_levels_assign(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, lc_quality *quality);

/* Adds a share of residential polygon i (with population pop and households hh) to the levels below
 * the 街镇 by area of overlap (the committee field decides the 居村 when it names one), and records
 * its 居村 in ind->res_committee. shares (scratch) has room for the largest level. LC_OK or
 * LC_ERR_NOMEM. */
lc_status lc_levels_add_residential(lc_context *ctx, lc_indicators *ind, const lc_feature *f, size_t i,
                                    lc_parent_share *shares);

/* Chooses each level unit's population (its field, else its compounds') once every compound is
 * added. */
void lc_levels_populations(lc_indicators *ind);

/* Counts, for every presence norm, the facilities counting for each unit of its level (inside it, or
 * with serve_reach within the category's reach: straight-line, or along net when net is non-NULL)
 * and marks which units meet it (quality: a warning per norm naming units whose type `only` needs
 * but is unknown). LC_OK or the error. */
lc_status lc_levels_presence(lc_context *ctx, lc_indicators *ind, const lc_inputs *in, const lc_profile *profile,
                             const lc_coverage *coverage, const lc_network *net, lc_quality *quality);

/* Releases the levels' prepared polygons (the arrays stay with ind until lc_indicators_destroy). */
void lc_levels_free(lc_context *ctx, lc_indicators *ind);

#endif /* LIFECIRCLE_QUERIES_INDICATORS_INT_H */
