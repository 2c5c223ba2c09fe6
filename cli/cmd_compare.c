/*
 * cli/cmd_compare.c — `lifecircle compare RUN_A RUN_B [-o FILE]`: which norms changed in which 街镇
 * (and the whole area, and each 区) between two finished runs, through lc_run_compare
 * (run/run_compare.c); prints every changed cell and nothing else. Exit 0 nothing changed, 1 some
 * cell changed, 2 on error.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle compare RUN_A RUN_B [-o FILE] [--overwrite] [-q]\n"
            "\n"
            "Compares two finished check (or site) runs — their output directories, or their\n"
            "summary.json files — of the same profile: every 街镇, the whole area and each 区 by id, every\n"
            "norm by code, and lists each cell that changed: the value before and after, the change,\n"
            "and a pass → fail or fail → pass flip; 街镇 only one run has are listed as added or removed.\n"
            "Nothing that did not change is listed (values within 1e-9 of each other are equal).\n"
            "Summaries of different profiles (or of an edited profile) are refused.\n"
            "\n"
            "Exit code: 0 nothing changed; 1 some cell changed; 2 bad input or error.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE    also write the changes to FILE: .csv (UTF-8, Chinese and English\n"
            "                       headers) or .json\n"
            "  --overwrite          replace an existing FILE\n"
            "  -q, --quiet          print errors only\n"
            "  -h, --help           this help\n"
            "\n"
            "Example (before and after a plan's new centres):\n"
            "  lifecircle check plan.yml -o out/before\n"
            "  lifecircle check plan.yml --with-proposals out/sites -o out/after\n"
            "  lifecircle compare out/before out/after -o changes.csv\n");
}

/* A value in its norm's units: m²/千人 for floor area, else %. */
static void cell(char *buf, size_t size, const char *kind, double v, int sign)
{
    int floor = kind && !strcmp(kind, "floor_area");
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, sign ? (floor ? "%+.1f" : "%+.1f%%") : (floor ? "%.1f" : "%.1f%%"), floor ? v : 100 * v);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"overwrite", no_argument, NULL, 'O'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    lc_compare_run_options o = LC_COMPARE_RUN_OPTIONS_INIT;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'O': o.overwrite = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return LC_EXIT_OK;
        default:
            fprintf(stderr, "lifecircle compare: unknown or incomplete option '%s'\n\n", argv[optind - 1]);
            usage(stderr);
            return LC_EXIT_ERROR;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "lifecircle compare: two runs are needed (RUN_A RUN_B)\n\n");
        usage(stderr);
        return LC_EXIT_ERROR;
    }
    lc_context *ctx = cli_context(quiet, 0);
    lc_comparison *cmp = lc_run_compare(ctx, argv[optind], argv[optind + 1], &o);
    if (!cmp) {
        int rc = cli_fail(ctx);
        lc_context_destroy(ctx);
        return rc;
    }
    size_t n = lc_comparison_count(cmp);
    if (!quiet) {
        printf("lifecircle compare — %s → %s: %zu changed cell%s 变化\n", argv[optind], argv[optind + 1], n,
               n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++) {
            const lc_change *ch = lc_comparison_get(cmp, i);
            printf("  ");
            cli_print_padded(stdout, ch->row_name, 22);
            if (ch->row) {
                printf(" %s (%s)\n", ch->row == LC_CHANGE_ROW_ADDED ? "only in RUN_B 新增" : "only in RUN_A 删除",
                       ch->row_id);
                continue;
            }
            char a[32], b[32], d[32];
            cell(a, sizeof a, ch->kind, ch->before, 0);
            cell(b, sizeof b, ch->kind, ch->after, 0);
            cell(d, sizeof d, ch->kind, ch->change, 1);
            printf(" ");
            cli_print_padded(stdout, ch->norm, 22);
            printf(" %9s → %9s  (%s)%s\n", a, b, d,
                   ch->flip > 0 ? "  pass→fail 达标→未达标" : ch->flip < 0 ? "  fail→pass 未达标→达标" : "");
        }
        if (o.output)
            printf("Changes 变化: %s\n", o.output);
    }
    lc_comparison_destroy(cmp);
    lc_context_destroy(ctx);
    return n ? LC_EXIT_FAILS : LC_EXIT_OK;
}
