/*
 * fuzz/fuzz_layer.c — libFuzzer target for the layer reader (issue 14): each input is the residential
 * layer of a small study (a GeoJSON file, read through GDAL and the toolkit's field mapping,
 * validation, repair and reprojection, lc_inputs_read), beside fixed facilities and units. Whatever
 * the bytes, the read must end in inputs or an error in the context: no crash, leak or hang. Built
 * only with -Dfuzz=true and clang (fuzz/meson.build); CI runs it for a bounded time on fuzz/seeds/layer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lifecircle/context.h"
#include "lifecircle/layer.h"
#include "lifecircle/profile.h"
#include "lifecircle/quality.h"
#include "lifecircle/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], res[96], fac[96], units[96];

/* The fixed layers, written once: two facilities and one 街镇 around them in Shanghai (lon/lat). */
static int write_fixed(void)
{
    snprintf(dir, sizeof dir, "/tmp/lc-fuzz-layer-%ld", (long)getpid());
    snprintf(res, sizeof res, "%s/residential.geojson", dir);
    snprintf(fac, sizeof fac, "%s/facilities.geojson", dir);
    snprintf(units, sizeof units, "%s/units.geojson", dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        return -1;
    FILE *f = fopen(fac, "w");
    if (!f)
        return -1;
    fputs("{\"type\":\"FeatureCollection\",\"features\":["
          "{\"type\":\"Feature\",\"properties\":{\"id\":\"F1\",\"类型\":\"助餐点\",\"建筑面积\":200},"
          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[121.4737,31.2304]}},"
          "{\"type\":\"Feature\",\"properties\":{\"id\":\"F2\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1500},"
          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[121.48,31.235]}}]}",
          f);
    fclose(f);
    if (!(f = fopen(units, "w")))
        return -1;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\","
          "\"名称\":\"某街道\",\"常住人口\":50000},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.46,31.22],"
          "[121.50,31.22],[121.50,31.25],[121.46,31.25],[121.46,31.22]]]}}]}",
          f);
    fclose(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*dir && write_fixed() != 0)
        return 0;
    FILE *f = fopen(res, "wb");
    if (!f)
        return 0;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || put != size)
        return 0;
    lc_context *ctx = lc_context_create();
    if (!ctx)
        return 0;
    lc_study *st = lc_study_create(ctx);
    lc_profile *p = lc_profile_load(ctx, "shanghai-2025");
    lc_quality *q = lc_quality_create(ctx);
    if (st && p && q && lc_study_set(ctx, st, "crs", "EPSG:32651") == LC_OK &&
        lc_study_set(ctx, st, "residential.path", res) == LC_OK &&
        lc_study_set(ctx, st, "facilities.path", fac) == LC_OK && lc_study_set(ctx, st, "units.path", units) == LC_OK) {
        lc_inputs *in = lc_inputs_read(ctx, st, p, q);
        lc_inputs_destroy(in);
    }
    lc_quality_destroy(q);
    lc_profile_destroy(p);
    lc_study_destroy(st);
    lc_context_destroy(ctx);
    return 0;
}
