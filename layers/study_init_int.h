/*
 * layers/study_init_int.h — what the two halves of `study init` share: the inspection of the
 * planner's files and the guesses (layers/study_init.c), and the commented study written from them
 * (layers/study_init_write.c). Never included outside layers/.
 */
#ifndef LIFECIRCLE_LAYERS_STUDY_INIT_INT_H
#define LIFECIRCLE_LAYERS_STUDY_INIT_INT_H

#include <stddef.h>

#include "geo/strbuf_int.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"

#define SI_SAMPLES 3    /* sample values kept per field */
#define SI_DISTINCT 64  /* distinct values tracked per text field while inspecting */
#define SI_CANDS 6      /* candidate fields kept per role */
#define SI_LABELS 200   /* category labels listed at most */

typedef enum si_geom { SI_NONE = 0, SI_POINT, SI_LINE, SI_POLYGON } si_geom;

/* One field of an inspected layer. Strings owned, UTF-8. */
typedef struct si_field {
    char *name;
    int numeric;              /* a numeric type, or text whose every value read is a number */
    size_t nvalues;           /* non-empty values among the features read */
    char *samples[SI_SAMPLES];/* the first distinct non-empty values */
    size_t nsamples;
    char **distinct;          /* text fields: distinct values read, up to SI_DISTINCT */
    size_t ndistinct;
    int many;                 /* more than SI_DISTINCT distinct values */
} si_field;

/* The study-file layers `study init` can guess. The first eleven are lc_layer_kind's own; roads is
 * read by layers/roads.c. */
typedef struct si_kind {
    const char *name;         /* the study heading: "residential" */
    int lkind;                /* lc_layer_kind, or -1 for roads */
    const char *zh;           /* its Chinese name, for the comments */
    const char *what;         /* what it is, English */
} si_kind;

#define SI_KIND_COUNT 11
extern const si_kind lc_si_kinds[SI_KIND_COUNT];

/* One inspected layer and what was guessed for it. */
typedef struct si_layer {
    char *source;             /* the file as opened (absolute) */
    char *layer;              /* the OGR layer name */
    int nlayers;              /* layers in its dataset */
    si_geom geom;
    int xy[2];                /* lon/lat columns of a table without geometry, -1 when absent */
    long long count;
    char *crs;                /* "EPSG:32629 (WGS 84 / UTM zone 29N)", NULL when the layer has none */
    const char *encoding;     /* lc_source_encoding_guess: NULL read as it says, "GBK" */
    const char *enc_why;
    si_field *fields;
    size_t nfields;
    size_t nread;             /* features read for the statistics */
    int kind;                 /* index into lc_si_kinds, -1 when none was guessed */
    char *why;                /* why that kind (owned) */
    int cand[LC_FIELD_ROLE_COUNT][SI_CANDS]; /* candidate fields per role, best first */
    int ncand[LC_FIELD_ROLE_COUNT];
    int road_class[SI_CANDS]; /* roads: candidate class fields (a bureau's 道路等级) */
    int nroad_class;
    char **labels;            /* facilities: the category field's distinct labels, and their counts */
    size_t *label_count;
    size_t nlabels;
    int labels_cut;           /* more than SI_LABELS labels */
} si_layer;

/* Everything `study init` found. */
typedef struct si_study {
    si_layer *layers;
    size_t nlayers;
    const lc_profile *profile; /* borrowed */
    const char *profile_name;  /* as the study should name it */
    char *study_dir;           /* the output's directory, absolute, NULL for none */
} si_study;


/* Writes the commented study of s into b (layers/study_init_write.c); b->failed on NOMEM. */
void lc_si_write(const si_study *s, lc_strbuf *b);

#endif /* LIFECIRCLE_LAYERS_STUDY_INIT_INT_H */
