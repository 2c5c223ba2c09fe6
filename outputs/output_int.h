/*
 * outputs/output_int.h — what the outputs/ files share: the atomic output directory (a temporary
 * directory beside the target, renamed into place on commit). Never included outside outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_OUTPUT_INT_H
#define LIFECIRCLE_OUTPUTS_OUTPUT_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "lifecircle/context.h"

/* An output directory being written: everything goes into tmp until commit. */
typedef struct lc_atomic_dir {
    char *target; /* the directory the caller named (resolved when it exists), owned */
    char *tmp;    /* "<target>.tmp-XXXXXX" beside it, owned */
    int overwrite;
} lc_atomic_dir;

/* Checks the target and creates the temporary directory beside it, with the mode the target has
 * (or, for a new target, the mode mkdir would give under the current umask). Refuses with
 * LC_ERR_IO: a target that is not a directory, a non-empty directory unless overwrite, the current
 * directory or one of its parents, and a target whose parent is missing; LC_ERR_MISUSE for an
 * empty dir. On success *ad owns two strings; finish with lc_atomic_dir_commit() or
 * lc_atomic_dir_abort(). On failure nothing was created and *ad is zeroed. */
lc_status lc_atomic_dir_begin(lc_context *ctx, const char *dir, int overwrite, lc_atomic_dir *ad);

/* Moves tmp into place: straight onto a missing or empty target; with overwrite, the old target is
 * first renamed to "<target>.old-XXXXXX", then removed once the new one is in place (failing to
 * remove it is only a warning). On failure (LC_ERR_IO) the target is as it was and tmp has been
 * removed. Releases ad's strings either way. */
lc_status lc_atomic_dir_commit(lc_context *ctx, lc_atomic_dir *ad);

/* Removes tmp and releases ad's strings. Accepts a zeroed ad. */
void lc_atomic_dir_abort(lc_context *ctx, lc_atomic_dir *ad);

/* Writes the `proposals` point layer of a siting result into out (outputs/proposals.c; borrowed
 * arguments, out left open). LC_OK or the writer's error. */
struct lc_output;
struct lc_inputs;
struct lc_profile;
struct lc_siting;
lc_status lc_proposals_layer(lc_context *ctx, struct lc_output *out, const struct lc_inputs *in,
                             const struct lc_profile *profile, const struct lc_siting *s, size_t category);

/* PostGIS outputs: the table prefix when none is given, and the table text files go to (after the
 * prefix). */
#define LC_PG_DEFAULT_PREFIX "lc_"
#define LC_PG_METADATA "metadata"

#endif /* LIFECIRCLE_OUTPUTS_OUTPUT_INT_H */
