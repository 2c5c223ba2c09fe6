/*
 * cli/cmd_profile.c — `lifecircle profile list|show|init`: lists the built-in standards profiles,
 * prints one, or writes one to a file for a planner to edit. Parsing profiles is the library's job.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle profile list\n"
            "       lifecircle profile show NAME|FILE\n"
            "       lifecircle profile init NAME FILE\n"
            "\n"
            "A profile defines the facility categories (Chinese and English names, reach, whether their\n"
            "floor area counts toward 社区养老服务设施) and the norms, each with its source in the\n"
            "Shanghai 2021–2025 plans. `init` writes a built-in profile to FILE (refusing to overwrite an\n"
            "existing file); edit it and pass it with --profile FILE or `profile: FILE` in a study.\n");
}

/* Writes text to path through a temporary file and a rename, so a failure leaves nothing. */
static int write_atomically(const char *path, const char *text)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wx");
    int ok = f && fwrite(text, 1, strlen(text), f) == strlen(text);
    if (f)
        ok = (fclose(f) == 0) && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok)
        remove(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

/* Prints a profile as a planner reads it: categories with reach, then norms with targets and sources. */
static void print_profile(const lc_profile *p)
{
    printf("Profile 标准: %s\n%s\n\nCategories 设施类别 (%zu)\n", lc_profile_name(p), lc_profile_title(p),
           lc_profile_category_count(p));
    for (size_t i = 0; i < lc_profile_category_count(p); i++) {
        const lc_category *c = lc_profile_category(p, i);
        printf("  %-16s %-4s ", c->code, c->short_code);
        cli_print_padded(stdout, c->name_zh, 20);
        printf(" %-32s reach %4.0f m (%2.0f min)%s%s\n", c->name_en, c->reach_m, c->reach_minutes,
               c->counts_floor_area ? "  floor area counts" : "", c->in_life_circle ? "  life circle" : "");
    }
    printf("\nNorms 指标 (%zu)\n", lc_profile_norm_count(p));
    for (size_t i = 0; i < lc_profile_norm_count(p); i++) {
        const lc_norm *n = lc_profile_norm(p, i);
        char target[64];
        if (isnan(n->target))
            snprintf(target, sizeof target, "(no target)");
        else if (n->kind == LC_NORM_FLOOR_AREA)
            snprintf(target, sizeof target, "≥ %g m²/千人", n->target);
        else
            snprintf(target, sizeof target, "≥ %g%%", n->target * 100);
        printf("  %-24s ", n->code);
        cli_print_padded(stdout, target, 14);
        printf("  %s\n%28s%s\n", n->zh, "", n->en);
        if (n->kind == LC_NORM_UNIT_PRESENCE) {
            static const char *const only[] = {"", " (村委会 villagers' committees only)",
                                               " (居委会 residents' committees only)", " (rural 镇/乡 only)",
                                               " (街道 only)"};
            printf("%28severy %s %s%s: at least %g of ", "", lc_level_name_zh(n->level), lc_level_name(n->level),
                   only[n->only], n->min_count);
            for (size_t c = 0; c < n->ncategories; c++) {
                const lc_category *cat = lc_profile_category(p, (size_t)n->categories[c]);
                printf("%s%s %s", c ? " or " : "", cat->name_zh, cat->code);
            }
            printf(", %s\n", n->serve_reach ? "inside or within reach" : "inside it");
        }
        printf("%28ssource 来源: %s\n", "", n->source);
    }
    if (!lc_profile_access_count(p))
        return;
    printf("\nAccessibility 供需可达性 (%zu; 2SFCA / E2SFCA)\n", lc_profile_access_count(p));
    for (size_t i = 0; i < lc_profile_access_count(p); i++) {
        const lc_access_spec *a = lc_profile_access(p, i);
        printf("  %-24s %s per %s, %s", a->code, lc_access_capacity_name(a->capacity), lc_access_demand_name(a->demand),
               a->method == LC_ACCESS_2SFCA ? "2SFCA" : "E2SFCA");
        if (a->weights == LC_WEIGHTS_STEPPED) {
            printf(" stepped");
            for (size_t k = 0; k < a->nsteps; k++)
                printf("%s ≤%g m: %g", k ? "," : "", a->step_m[k], a->step_w[k]);
        } else if (a->weights == LC_WEIGHTS_GAUSSIAN) {
            printf(" gaussian σ %g m", a->sigma_m);
        }
        if (!isnan(a->target))
            printf("; over-subscribed below %g per person", a->target);
        printf("\n%28s%s\n%28s%s\n%28ssource 来源: %s\n", "", a->zh, "", a->en, "", a->source);
    }
}

int cmd_profile(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? LC_EXIT_ERROR : LC_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "list") == 0) {
        for (const char *const *n = lc_profile_builtin_names(); *n; n++)
            printf("%s\n", *n);
        return LC_EXIT_OK;
    }
    if (strcmp(sub, "show") == 0 && argc == 3) {
        lc_context *ctx = cli_context(0, 0);
        lc_profile *p = lc_profile_load(ctx, argv[2]);
        int rc = p ? LC_EXIT_OK : cli_fail(ctx);
        if (p)
            print_profile(p);
        lc_profile_destroy(p);
        lc_context_destroy(ctx);
        return rc;
    }
    if (strcmp(sub, "init") == 0 && argc == 4) {
        const char *text = lc_profile_builtin_text(argv[2]);
        if (!text) {
            fprintf(stderr, "lifecircle: error: no built-in profile '%s' (see `lifecircle profile list`)\n", argv[2]);
            return LC_EXIT_ERROR;
        }
        if (access(argv[3], F_OK) == 0) {
            fprintf(stderr, "lifecircle: error: %s exists; not overwriting it\n", argv[3]);
            return LC_EXIT_ERROR;
        }
        if (write_atomically(argv[3], text) != 0) {
            fprintf(stderr, "lifecircle: error: cannot write %s\n", argv[3]);
            return LC_EXIT_ERROR;
        }
        fprintf(stderr, "lifecircle: wrote profile %s to %s\n", argv[2], argv[3]);
        return LC_EXIT_OK;
    }
    usage(stderr);
    return LC_EXIT_ERROR;
}
