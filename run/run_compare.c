/*
 * run/run_compare.c — lc_run_compare (lifecircle/run.h), `lifecircle compare RUN_A RUN_B`: reads the
 * two runs' summary.json (an output directory or the file itself) and compares them
 * (outputs/compare.c), writing the changes to options->output when given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "geo/context_int.h"
#include "run/run_int.h"

#define SUMMARY_MAX (256u << 20) /* a city's summary.json is a few MB */

/* Reads run's summary.json (run: a directory holding it, or the file) into *text and the path read
 * into *path (both freed by the caller). LC_OK, LC_ERR_IO or LC_ERR_NOMEM. */
static lc_status read_summary(lc_context *ctx, const char *run, char **path, char **text)
{
    struct stat st;
    *text = NULL;
    if (stat(run, &st) != 0)
        return lc_error(ctx, LC_ERR_IO, "%s: %s (give a check's output directory or its summary.json)", run,
                        strerror(errno));
    *path = S_ISDIR(st.st_mode) ? lc_sprintf(ctx, "%s/summary.json", run) : lc_strdup(ctx, run);
    if (!*path)
        return LC_ERR_NOMEM;
    if (stat(*path, &st) != 0)
        return lc_error(ctx, LC_ERR_IO, "%s: no summary.json (%s): give the output directory of a check or site run "
                        "written as files", run, strerror(errno));
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size > SUMMARY_MAX)
        return lc_error(ctx, LC_ERR_IO, "%s: not a regular file of at most %u MB", *path, SUMMARY_MAX >> 20);
    FILE *f = fopen(*path, "rb");
    if (!f)
        return lc_error(ctx, LC_ERR_IO, "%s: %s", *path, strerror(errno));
    size_t n = (size_t)st.st_size;
    *text = lc_calloc(ctx, n + 1, 1);
    size_t got = *text ? fread(*text, 1, n, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!*text)
        return LC_ERR_NOMEM;
    if (bad || got != n)
        return lc_error(ctx, LC_ERR_IO, "%s: could not be read whole", *path);
    return LC_OK;
}

lc_comparison *lc_run_compare(lc_context *ctx, const char *run_a, const char *run_b,
                              const lc_compare_run_options *options)
{
    if (!ctx)
        return NULL;
    if (!run_a || !run_b) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_run_compare: two runs are required");
        return NULL;
    }
    lc_compare_run_options o;
    lc_run_copy_options(&o, sizeof o, options);
    char *pa = NULL, *pb = NULL, *ta = NULL, *tb = NULL;
    lc_comparison *c = NULL;
    if (read_summary(ctx, run_a, &pa, &ta) == LC_OK && read_summary(ctx, run_b, &pb, &tb) == LC_OK &&
        (c = lc_compare_summaries(ctx, ta, pa, tb, pb)) && o.output &&
        lc_comparison_write(ctx, c, o.output, o.overwrite) != LC_OK) {
        lc_comparison_destroy(c);
        c = NULL;
    }
    free(pa), free(pb), free(ta), free(tb);
    return c;
}
