/*
 * cli/cmd_study.c — `lifecircle study init`: parses its arguments and calls lc_study_init, which
 * inspects the files and writes the commented study (layers/study_init.c); prints what was guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle study init -o STUDY.yml [--profile NAME|FILE] [--force] FILE|DIR...\n"
            "\n"
            "Writes a study file for your own data 根据您的数据生成研究配置文件. Give the files (a .shp,\n"
            ".gpkg, .geojson, .csv or .xlsx each; a GeoPackage's every layer is looked at) or a directory\n"
            "holding them. Every layer is inspected: its geometry, fields, CRS, the attribute encoding the\n"
            "readers will use (.cpg, valid UTF-8, else GBK), its feature count and sample values, and a\n"
            "facilities layer's category labels. From these it guesses which layer is which:\n"
            "  residential  polygons or points with a population field (常住人口, 人口, pop ...)\n"
            "  facilities   points with a category-like field (类型, 类别 ...)\n"
            "  units        named polygons, few of them, names ending in 街道/镇/乡 (街镇)\n"
            "  roads        lines (the walking network)\n"
            "  districts    polygons named ...区 / ...县;  committees: ...居委会 / ...村委会\n"
            "and which field holds each role, and matches the category labels to the profile's own\n"
            "labels and aliases. Every guess is marked '# guessed: ..., check' with the other candidate\n"
            "fields beside it, labels it cannot match are listed as comments to map, and every other key\n"
            "a study knows is there as a comment, in Chinese and English. Read it, fix what is wrong, then\n"
            "run `lifecircle validate STUDY.yml`.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE   the study file to write (paths in it are relative to its directory)\n"
            "  --profile NAME|FILE the standards profile the labels are matched against (default\n"
            "                      shanghai-2025; `lifecircle profile list`)\n"
            "  --force             replace FILE if it exists (without it an existing file is kept)\n"
            "  -h, --help          this help\n"
            "\n"
            "Example: lifecircle study init -o yangpu.yml 小区.shp 养老设施.csv 街镇.shp 道路.shp\n"
            "         lifecircle study init -o porto.yml data/demo/porto.gpkg\n");
}

int cmd_study(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? LC_EXIT_ERROR : LC_EXIT_OK;
    }
    if (strcmp(argv[1], "init") != 0) {
        fprintf(stderr, "lifecircle: error: unknown study command '%s' (only `study init`)\n\n", argv[1]);
        usage(stderr);
        return LC_EXIT_ERROR;
    }
    const char *output = NULL, *profile = NULL;
    int force = 0;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n = 0;
    if (!inputs)
        return LC_EXIT_ERROR;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(inputs);
            return LC_EXIT_OK;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            output = argv[++i];
        } else if (!strcmp(a, "--profile") && i + 1 < argc) {
            profile = argv[++i];
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lifecircle: error: unknown option or missing value: %s\n\n", a);
            usage(stderr);
            free(inputs);
            return LC_EXIT_ERROR;
        } else {
            inputs[n++] = a;
        }
    }
    if (!output || !n) {
        fprintf(stderr, "lifecircle: error: study init needs %s\n\n", !output ? "-o STUDY.yml" : "at least one file or directory");
        usage(stderr);
        free(inputs);
        return LC_EXIT_ERROR;
    }
    lc_context *ctx = cli_context(0, 0);
    lc_study_init_options opt = {.size = sizeof opt, .inputs = inputs, .ninputs = n, .output = output,
                                 .profile = profile, .force = force};
    char *summary = NULL;
    lc_status st = lc_study_init(ctx, &opt, NULL, &summary);
    int rc = LC_EXIT_OK;
    if (st != LC_OK) {
        rc = cli_fail(ctx);
    } else {
        printf("Layers 图层 (guessed 推测; check each in the file):\n%s", summary ? summary : "");
        printf("Wrote the study 已写入研究配置 %s: read the lines marked 'guessed', then run\n"
               "  lifecircle validate %s\n", output, output);
    }
    lc_free(summary);
    lc_context_destroy(ctx);
    free(inputs);
    return rc;
}
