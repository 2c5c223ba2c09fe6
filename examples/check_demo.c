/*
 * examples/check_demo.c — a program of its own calling the installed library, the way a QGIS plugin
 * or a planning office's script would: `lifecircle check STUDY -o OUT` as one library call
 * (lifecircle/run.h). Built against an installed lifecircle with
 *     cc examples/check_demo.c $(pkg-config --cflags --libs lifecircle) -o check_demo
 * and run as `./check_demo data/demo/porto.yml out/demo`. CI does exactly that after `meson install`
 * and compares what it writes with the command's output (.ci/run).
 * Exit code as the command's: 0 every norm passes, 1 some fail, 2 an error.
 */
#include <stdio.h>

#include <lifecircle/lifecircle.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STUDY.yml OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    lc_context *ctx = lc_context_create();
    if (!ctx)
        return 2;
    lc_study *study = lc_study_load(ctx, argv[1]);
    lc_quality *issues = lc_quality_create(ctx);
    int rc = 2;
    if (study && issues && lc_study_set(ctx, study, "output", argv[2]) == LC_OK) {
        lc_run_options ro = LC_RUN_OPTIONS_INIT;
        ro.quality = issues;
        lc_run *run = lc_run_check(ctx, study, &ro);
        for (size_t i = 0; i < lc_quality_count(issues); i++)
            if (lc_quality_get(issues, i)->severity == LC_SEVERITY_ERROR)
                fprintf(stderr, "error: %s\n", lc_quality_get(issues, i)->message);
        if (run) {
            size_t failing = lc_run_failures(run);
            printf("%s: %zu norm%s failing; written to %s\n", argv[1], failing, failing == 1 ? "" : "s",
                   lc_run_output_shown(run));
            rc = failing ? 1 : 0;
            lc_run_destroy(run);
        }
    }
    if (rc == 2)
        fprintf(stderr, "error: %s\n", lc_context_errmsg(ctx));
    lc_quality_destroy(issues);
    lc_study_destroy(study);
    lc_context_destroy(ctx);
    return rc;
}
