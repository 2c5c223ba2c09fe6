/*
 * cli/cli.h — what the subcommands of the `lifecircle` command share: the exit codes, the message
 * and progress printers, and the options every study-based command takes. Only cli/ prints.
 */
#ifndef LIFECIRCLE_CLI_CLI_H
#define LIFECIRCLE_CLI_CLI_H

#include <stdio.h>

#include "lifecircle/lifecircle.h"

/* Exit codes: scripts gate on them. */
enum {
    LC_EXIT_OK = 0,      /* done; every norm passes */
    LC_EXIT_FAILS = 1,   /* done; some norm fails (check, site) */
    LC_EXIT_ERROR = 2,   /* bad input, bad usage or a failure: nothing was written */
    LC_EXIT_CANCELLED = 130 /* stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells do): nothing was written */
};

/* Options every study-based subcommand accepts (see cli_study_usage()). */
typedef struct cli_options {
    const char *study_path; /* the positional STUDY argument, or NULL */
    int quiet;              /* --quiet: errors only */
    int verbose;            /* --verbose: debug messages, every issue listed */
    int progress_lines;     /* --progress-lines: progress as plain lines on stderr, for programs */
    int overwrite;          /* --overwrite: replace a non-empty output directory (check) */
    const char *out_encoding; /* --shapefile-encoding: UTF-8 (default) or GBK (check) */
    const char *site_category;  /* --category (site) */
    const char *site_objective; /* --objective (site) */
    size_t site_k;              /* -k (site) */
    double site_target;         /* --target (site) */
    const char *site_solver;    /* --solver greedy|exact (site) */
    double site_time_limit;     /* --time-limit seconds (site) */
    double site_spacing;        /* --spacing metres of generated candidates (site) */
    const char *site_demand;    /* --demand population|pop60 (site) */
    int iso_points;             /* --points FILE given (isochrones; the file is the candidates layer) */
    const char *iso_at[16];     /* --at X,Y[,CRS] (isochrones; repeatable) */
    int iso_nat;
    const char *iso_minutes;    /* --minutes 5,10,15 (isochrones) */
    const char *iso_metres;     /* --metres 300,500,1000 (isochrones) */
    int iso_circles;            /* --circles (isochrones) */
    const char *report_dir;     /* --report DIR (check, site): the HTML report and A3 PDF maps */
    const char *with_proposals; /* --with-proposals DIR (check): a site run's proposals added */
    lc_study *study;        /* built by cli_parse_study_options(); owned here */
} cli_options;

/* Creates a context whose messages go to stderr and whose progress is drawn on stderr when it is
 * a terminal (nothing with quiet). Exits with LC_EXIT_ERROR if no context can be made. */
lc_context *cli_context(int quiet, int verbose);

/* Parses the study options of a subcommand (argv[0] is the subcommand's name) into opts, loading
 * the study file if one is named and applying command-line overrides on top. extra_usage prints
 * the subcommand's own help. Returns 0 when the study is ready, -1 after printing --help (the
 * caller exits with LC_EXIT_OK), or LC_EXIT_ERROR after printing the problem to stderr.
 * opts->study is freed with cli_options_free(). */
int cli_parse_study_options(lc_context *ctx, int argc, char **argv, cli_options *opts,
                            void (*usage)(FILE *out));

/* The start every study command shares: a context (cli_context), a quality list and the options parsed
 * (cli_parse_study_options). Returns 1 when the study is ready (*rc 0), else 0 with *rc the exit code
 * (LC_EXIT_OK after --help); either way *ctx, *quality and opts are the caller's to release
 * (lc_quality_destroy, cli_options_free, lc_context_destroy). */
int cli_begin(int argc, char **argv, void (*usage)(FILE *out), cli_options *opts, lc_context **ctx,
              lc_quality **quality, int *rc);

/* The run options the command line sets (overwrite, Shapefile encoding, report directory), with
 * quality (borrowed) receiving the issues to print. */
lc_run_options cli_run_options(const cli_options *opts, lc_quality *quality);

/* Prints a run's data-quality issues to stderr: every error, and unless quiet the first 20 warnings
 * and notes (all of them with verbose), then how many more there were. */
void cli_print_issues(const lc_quality *quality, const cli_options *opts);

/* Prints "done in X s" on stderr after a study command that was not --quiet and did not fail with
 * LC_EXIT_ERROR. Timing starts with the first cli_context(). */
void cli_print_elapsed(int rc);

/* Frees what cli_parse_study_options() made. */
void cli_options_free(cli_options *opts);

/* Prints the options shared by study-based subcommands, for their --help. */
void cli_study_usage(FILE *out);

/* Prints the context's last error as "lifecircle: error: ..." and returns LC_EXIT_ERROR; a cancel (Ctrl-C,
 * SIGTERM) as "lifecircle: cancelled ..." with LC_EXIT_CANCELLED. */
int cli_fail(lc_context *ctx);

/* Prints s to out padded with spaces to width terminal columns, counting CJK characters as two
 * columns, so Chinese and English columns line up. */
void cli_print_padded(FILE *out, const char *s, int width);

/* Formats v rounded to whole units with thousands separators (1,234,567) into buf; returns buf. */
char *cli_format_count(char *buf, size_t size, double v);

/* Prints v as cli_format_count() does. */
void cli_print_count(FILE *out, double v);

/* Subcommands: each returns an exit code. argv[0] is the subcommand's name. */
int cmd_validate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_site(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_study(int argc, char **argv);
int cmd_isochrones(int argc, char **argv);
int cmd_progress(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif /* LIFECIRCLE_CLI_CLI_H */
