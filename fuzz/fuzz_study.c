/*
 * fuzz/fuzz_study.c — libFuzzer target for the YAML readers (issue 14): each input is read as a study
 * file (lc_study_load) and as a standards profile (lc_profile_load, which also follows `extends:` into
 * the built-in profiles). Neither may crash, leak, hang or read out of bounds, whatever the bytes;
 * a refusal is an error in the context. Built only with -Dfuzz=true and clang (fuzz/meson.build);
 * CI runs it for a bounded time on fuzz/seeds/study.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lifecircle/context.h"
#include "lifecircle/profile.h"
#include "lifecircle/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

/* Writes the input to this process's scratch file; 0 on success. */
static int write_input(const uint8_t *data, size_t size)
{
    if (!*path)
        snprintf(path, sizeof path, "/tmp/lc-fuzz-study-%ld.yml", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    return fclose(f) != 0 || put != size ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) != 0)
        return 0;
    lc_context *ctx = lc_context_create();
    if (!ctx)
        return 0;
    lc_study *st = lc_study_load(ctx, path);
    if (st) {
        const char *profile = lc_study_get(st, "profile");
        (void)profile;
        lc_study_destroy(st);
    }
    lc_profile *p = lc_profile_load(ctx, path);
    lc_profile_destroy(p);
    lc_context_destroy(ctx);
    return 0;
}
