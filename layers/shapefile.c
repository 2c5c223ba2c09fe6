/*
 * layers/shapefile.c — what GDAL does not check in a Shapefile: that its attribute table (.dbf) has
 * one record per shape of its index (.shx). GDAL reads as many features as the .dbf says, so a .dbf
 * that is short (truncated, or copied from another version of the data) drops shapes without a
 * word. Reading the features themselves is layers/layer.c's job.
 */
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"
#include "layers/quality_int.h"

/* The file of files[] whose name is <base>.<ext> (extension compared ignoring case), or NULL. */
static const char *part_of(char **files, const char *base, const char *ext)
{
    for (int i = 0; files && files[i]; i++) {
        const char *name = CPLGetFilename(files[i]);
        size_t nb = strlen(base);
        if (!strncmp(name, base, nb) && name[nb] == '.' && !strcasecmp(name + nb + 1, ext))
            return files[i];
    }
    return NULL;
}

/* Reads n bytes at offset of a file into buf; 0 on success. */
static int read_at(const char *path, vsi_l_offset offset, unsigned char *buf, size_t n)
{
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f)
        return -1;
    int ok = VSIFSeekL(f, offset, SEEK_SET) == 0 && VSIFReadL(buf, 1, n, f) == n;
    VSIFCloseL(f);
    return ok ? 0 : -1;
}

lc_status lc_shapefile_check(lc_context *ctx, GDALDatasetH ds, const char *layer, const char *shown, lc_quality *q)
{
    if (!ds || !layer || !q || strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") != 0)
        return LC_OK;
    char **files = GDALGetFileList(ds);
    const char *shx = part_of(files, layer, "shx"), *dbf = part_of(files, layer, "dbf");
    unsigned char h[8], d[4];
    lc_status st = LC_OK;
    /* .shx: a 100-byte header whose big-endian word 24 is the file length in 16-bit words, then one
     * 8-byte entry per shape. .dbf: the little-endian record count at byte 4. */
    if (shx && dbf && read_at(shx, 24, h, 4) == 0 && read_at(dbf, 4, d, 4) == 0) {
        uint32_t words = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        uint32_t records = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
        uint64_t bytes = 2 * (uint64_t)words;
        uint64_t shapes = bytes > 100 ? (bytes - 100) / 8 : 0;
        if (shapes != records)
            st = lc_quality_add(ctx, q, LC_SEVERITY_ERROR, LC_ERR_DATA, LC_CHECK_TRUNCATED, shown, layer, NULL, NULL,
                                "%s (layer %s): the attribute table %s holds %u record%s but its shape index %s indexes "
                                "%llu shape%s; %s — the .dbf is truncated or belongs to another version of the "
                                "data",
                                shown, layer, CPLGetFilename(dbf), records, records == 1 ? "" : "s",
                                CPLGetFilename(shx), (unsigned long long)shapes, shapes == 1 ? "" : "s",
                                records < shapes ? "the shapes without a record would be left out without a word"
                                                 : "the records without a shape have no geometry");
    }
    CSLDestroy(files);
    return st;
}
