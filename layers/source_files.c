/*
 * layers/source_files.c — what an input path may name before GDAL is let at it: GDAL opens and reads
 * whatever it is given, so a named pipe blocks a run for ever and /dev/zero fills its memory, and the
 * shapefile driver reads a .prj whole, however large. Files are checked here with stat() alone (which
 * never blocks); connection strings and /vsi paths, which name no file, are left to GDAL. Opening
 * and reading the layer is layers/layer.c's job.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "geo/context_int.h"
#include "layers/layer_int.h"

/* The side files GDAL may open beside a data file of the same stem: the shapefile's parts and
 * indexes, the CSV driver's column types, SQLite's journals (suffixes of the whole name). Those read
 * whole (.prj, .cpg, .csvt) may be at most LC_SIDE_FILE_MAX bytes: they hold one line. */
static const char *const side_exts[] = {"shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx", "csvt", NULL};
static const char *const read_whole[] = {"prj", "cpg", "csvt", NULL};
static const char *const journal_suffixes[] = {"-wal", "-shm", "-journal", NULL};

/* Whether ext (without the dot) is in list, ignoring ASCII case. */
static int ext_in(const char *ext, const char *const *list)
{
    for (const char *const *e = list; *e; e++)
        if (!strcasecmp(ext, *e))
            return 1;
    return 0;
}

/* Checks one side file (absent is fine): a regular file, and not too large if read whole. LC_OK or
 * LC_ERR_IO naming the input (shown) and the side file. */
static lc_status check_side(lc_context *ctx, const char *kind, const char *shown, const char *side, int whole)
{
    struct stat st;
    if (stat(side, &st) != 0)
        return LC_OK; /* missing, or unreadable: GDAL reports what it cannot open */
    if (!S_ISREG(st.st_mode))
        return lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': its side file %s is %s, not a regular file",
                        kind, shown, side, lc_file_type(st.st_mode));
    if (whole && st.st_size > LC_SIDE_FILE_MAX)
        return lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': its side file %s is %lld bytes, more than the %d "
                        "such a file may have (it holds one line of a few hundred bytes; GDAL would read it whole)",
                        kind, shown, side, (long long)st.st_size, LC_SIDE_FILE_MAX);
    return LC_OK;
}

/* Checks the side files of the data file at path: every side extension on its stem, in lower and
 * upper case, and the journal suffixes on its whole name. */
static lc_status check_sides_of_file(lc_context *ctx, const char *kind, const char *shown, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    size_t n = strlen(path) + 16;
    char *side = lc_malloc(ctx, n);
    if (!side)
        return LC_ERR_NOMEM;
    lc_status st = LC_OK;
    for (size_t i = 0; st == LC_OK && side_exts[i]; i++)
        for (int upper = 0; st == LC_OK && upper < 2; upper++) {
            int k = snprintf(side, n, "%.*s.", (int)stem, path);
            for (const char *c = side_exts[i]; *c; c++)
                side[k++] = upper ? (char)(*c - 'a' + 'A') : *c;
            side[k] = '\0';
            if (strcmp(side, path) != 0)
                st = check_side(ctx, kind, shown, side, ext_in(side_exts[i], read_whole));
        }
    for (size_t i = 0; st == LC_OK && journal_suffixes[i]; i++) {
        snprintf(side, n, "%s%s", path, journal_suffixes[i]);
        st = check_side(ctx, kind, shown, side, 0);
    }
    free(side);
    return st;
}

/* Checks the entries of a directory given as the input (a folder of shapefiles, a FileGDB) whose
 * extension is a side extension: each a regular file, the ones read whole not too large. */
static lc_status check_sides_in_dir(lc_context *ctx, const char *kind, const char *shown, const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return LC_OK; /* GDAL says why it cannot read it */
    lc_status st = LC_OK;
    struct dirent *de;
    while (st == LC_OK && (de = readdir(d))) {
        const char *dot = strrchr(de->d_name, '.');
        if (!dot || !ext_in(dot + 1, side_exts))
            continue;
        char *side = lc_sprintf(ctx, "%s/%s", path, de->d_name);
        if (!side) {
            st = LC_ERR_NOMEM;
            break;
        }
        st = check_side(ctx, kind, shown, side, ext_in(dot + 1, read_whole));
        free(side);
    }
    closedir(d);
    return st;
}

/* Checks an input path before GDAL opens it; see layer_int.h. */
lc_status lc_source_check(lc_context *ctx, const char *kind, const char *path, const char *shown)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return LC_OK; /* a connection string, a /vsi path or a missing file: GDAL's to judge */
    if (S_ISDIR(st.st_mode))
        return check_sides_in_dir(ctx, kind, shown, path);
    if (!S_ISREG(st.st_mode))
        return lc_error(ctx, LC_ERR_IO, "cannot open %s layer '%s': it is %s, not a file or a folder GDAL can read",
                        kind, shown, lc_file_type(st.st_mode));
    return check_sides_of_file(ctx, kind, shown, path);
}
