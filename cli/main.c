/*
 * cli/main.c — the `lifecircle` command: global options and dispatch to subcommands. Each
 * subcommand parses its own options and calls the library; none of the work happens here.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef LC_WITH_MIMALLOC
#include <mimalloc.h>
#endif

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "lifecircle %s — check elder-service facilities against the 15-minute life circle\n"
            "(15分钟养老服务圈) and the Shanghai 2021–2025 civil-affairs plan norms.\n"
            "\n"
            "Usage: lifecircle <command> [options]\n"
            "\n"
            "Commands:\n"
            "  validate STUDY       read every input, check it, print a data-quality summary (数据质量)\n"
            "  check STUDY -o DIR   coverage and every norm per 街镇; writes layers and summaries to DIR\n"
            "  site STUDY -o DIR    propose sites for new facilities that close the gaps (选址)\n"
            "  isochrones STUDY -o DIR  nested walking isochrones (等时圈, 5/10/15 min) around points\n"
            "  progress STUDY --years 2020,2021,... -o DIR  every norm per year and the pace toward\n"
            "                       the plan year (规划进度: facilities by opening year)\n"
            "  compare RUN_A RUN_B  which norms changed in which 街镇 between two finished runs\n"
            "  profile list         list the built-in standards profiles\n"
            "  profile show NAME    print a profile (categories, reach, norms and their sources)\n"
            "  profile init NAME FILE  write a profile to FILE for editing\n"
            "  study init -o STUDY.yml FILE|DIR...  inspect your files and write a commented study\n"
            "                       with its guesses marked (生成研究配置)\n"
            "\n"
            "Options:\n"
            "  -h, --help           this help; `lifecircle <command> --help` for a command's options\n"
            "  -V, --version        print the version\n"
            "\n"
            "A STUDY is a YAML file naming the inputs, their fields, the CRS and the profile; see\n"
            "data/demo/porto.yml for a commented example. Exit codes: 0 all good, 1 a norm fails,\n"
            "2 bad input or error (nothing written).\n",
            lc_version());
}

int main(int argc, char **argv)
{
#ifdef LC_WITH_MIMALLOC
    /* mimalloc (meson option allocator) keeps freed pages mapped instead of returning them to the
     * system: GEOS frees and reallocates the same sizes all the time, and the returns and their
     * page faults cost ~0.3 s of system time in a city-scale network check, for ~50 MB of peak. */
    mi_option_disable(mi_option_allow_decommit);
    mi_option_enable(mi_option_large_os_pages);
    /* An arena for every segment, so that the big arrays a city's network needs (tens of MB each,
     * per category and step) go back to it when freed and are reused, instead of being unmapped and
     * faulted in afresh: 1.6 GB of pages were zeroed for a 750 MB peak at K = 10 (bench/README.md),
     * 0.4 s of system time. Half the RAM, at most 8 GiB; segments beyond it come from the system as
     * before. Committed (huge pages, 40 % fewer faults than committing segment by segment at K = 16)
     * where the system overcommits, as mimalloc itself decides; only address space where it does
     * not (vm.overcommit_memory = 2), so that nothing is charged before it is used. */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
        double half = 0.5 * (double)pages * (double)page, cap = 8.0 * 1024 * 1024 * 1024;
        int strict = 0;
        FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
        if (f) {
            strict = fgetc(f) == '2';
            fclose(f);
        }
        (void)mi_reserve_os_memory((size_t)(half < cap ? half : cap), !strict, true);
    }
#endif
    /* Line by line: with `> log.txt 2>&1` a fully buffered stdout would be flushed in the middle of
     * a line, or of a Chinese character, whenever stderr prints a warning or the closing time. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        usage(stderr);
        return LC_EXIT_ERROR;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return LC_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("lifecircle %s\n", lc_version());
        return LC_EXIT_OK;
    }
    int rc = -1;
    if (strcmp(cmd, "validate") == 0)
        rc = cmd_validate(argc - 1, argv + 1);
    else if (strcmp(cmd, "check") == 0)
        rc = cmd_check(argc - 1, argv + 1);
    else if (strcmp(cmd, "site") == 0)
        rc = cmd_site(argc - 1, argv + 1);
    else if (strcmp(cmd, "isochrones") == 0)
        rc = cmd_isochrones(argc - 1, argv + 1);
    else if (strcmp(cmd, "progress") == 0)
        rc = cmd_progress(argc - 1, argv + 1);
    if (rc >= 0) {
        cli_print_elapsed(rc);
        return rc;
    }
    if (strcmp(cmd, "profile") == 0)
        return cmd_profile(argc - 1, argv + 1);
    if (strcmp(cmd, "study") == 0)
        return cmd_study(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    fprintf(stderr, "lifecircle: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return LC_EXIT_ERROR;
}
