/*
 * outputs/xlsx.c — Excel workbooks (.xlsx) through GDAL's XLSX driver, for the tables planners hand
 * on (summary.xlsx, outputs/summary_xlsx.c): sheets of typed columns with Chinese and English
 * headers, built in GDAL's memory file system and handed whole to lc_output_write_file, so the file
 * appears with the rest of the output directory or not at all. GDAL 3.6's writer stores no dates
 * (docProps/core.xml holds only a revision, zip entries are dated 1980-00-00), so equal tables give
 * byte-identical files; tests/test_xlsx.c holds it to that. Which tables are written is decided by
 * the callers.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "outputs/output_int.h"

struct lc_xlsx {
    char path[96];        /* the workbook in /vsimem/ */
    GDALDatasetH ds;
    OGRLayerH sheet;      /* the sheet rows go to */
    lc_field_type types[LC_XLSX_MAX_COLUMNS];
    size_t ncols;
};

lc_xlsx *lc_xlsx_create(lc_context *ctx)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("XLSX");
    if (!drv) {
        lc_error(ctx, LC_ERR_IO, "cannot write .xlsx: this GDAL has no XLSX driver");
        return NULL;
    }
    lc_xlsx *x = lc_calloc(ctx, 1, sizeof *x);
    if (!x)
        return NULL;
    /* unique per workbook in this process: its address */
    snprintf(x->path, sizeof x->path, "/vsimem/lifecircle-%p.xlsx", (void *)x);
    lc_gdal_begin(ctx);
    x->ds = GDALCreate(drv, x->path, 0, 0, 0, GDT_Unknown, NULL);
    if (!x->ds) {
        lc_error(ctx, LC_ERR_IO, "cannot create a workbook in memory (%s)", lc_gdal_last_message(ctx));
        lc_gdal_end(ctx);
        free(x);
        return NULL;
    }
    lc_gdal_end(ctx);
    return x;
}

lc_status lc_xlsx_sheet(lc_context *ctx, lc_xlsx *x, const char *name, const lc_xlsx_column *cols, size_t n)
{
    if (!x || !name || !cols || !n || n > LC_XLSX_MAX_COLUMNS)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_xlsx_sheet: a workbook, a name and 1-%d columns",
                        LC_XLSX_MAX_COLUMNS);
    lc_gdal_begin(ctx);
    lc_status st = LC_OK;
    x->sheet = GDALDatasetCreateLayer(x->ds, name, NULL, wkbNone, NULL);
    if (!x->sheet)
        st = lc_error(ctx, LC_ERR_IO, "cannot add sheet '%s' to the workbook (%s)", name, lc_gdal_last_message(ctx));
    for (size_t i = 0; i < n && st == LC_OK; i++) {
        char *head = lc_sprintf(ctx, "%s %s", cols[i].zh, cols[i].en);
        if (!head) {
            st = LC_ERR_NOMEM;
            break;
        }
        OGRFieldType t = cols[i].type == LC_FIELD_REAL ? OFTReal : cols[i].type == LC_FIELD_INTEGER ? OFTInteger64
                                                                                                    : OFTString;
        OGRFieldDefnH fd = OGR_Fld_Create(head, t);
        if (OGR_L_CreateField(x->sheet, fd, TRUE) != OGRERR_NONE)
            st = lc_error(ctx, LC_ERR_IO, "sheet '%s': cannot add column '%s' (%s)", name, head,
                          lc_gdal_last_message(ctx));
        OGR_Fld_Destroy(fd);
        free(head);
        x->types[i] = cols[i].type;
    }
    x->ncols = st == LC_OK ? n : 0;
    if (st != LC_OK)
        x->sheet = NULL;
    lc_gdal_end(ctx);
    return st;
}

lc_status lc_xlsx_row(lc_context *ctx, lc_xlsx *x, const lc_value *values)
{
    if (!x || !x->sheet || !values)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_xlsx_row: no sheet to add the row to");
    lc_gdal_begin(ctx);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(x->sheet));
    lc_status st = f ? LC_OK : lc_error(ctx, LC_ERR_NOMEM, "out of memory adding a row to the workbook");
    for (size_t i = 0; f && i < x->ncols; i++) {
        const lc_value *v = &values[i];
        if (v->is_null || (x->types[i] == LC_FIELD_REAL && !isfinite(v->d)) ||
            (x->types[i] == LC_FIELD_STRING && !v->s))
            continue; /* an empty cell */
        if (x->types[i] == LC_FIELD_REAL)
            OGR_F_SetFieldDouble(f, (int)i, v->d);
        else if (x->types[i] == LC_FIELD_INTEGER)
            OGR_F_SetFieldInteger64(f, (int)i, v->i);
        else
            OGR_F_SetFieldString(f, (int)i, v->s);
    }
    if (f && OGR_L_CreateFeature(x->sheet, f) != OGRERR_NONE)
        st = lc_error(ctx, LC_ERR_IO, "cannot add a row to sheet '%s' (%s)", OGR_L_GetName(x->sheet),
                      lc_gdal_last_message(ctx));
    OGR_F_Destroy(f);
    lc_gdal_end(ctx);
    return st;
}

lc_status lc_xlsx_write(lc_context *ctx, lc_xlsx *x, struct lc_output *out, const char *file)
{
    if (!x || !out || !file)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_xlsx_write: a workbook, an output and a file name");
    lc_gdal_begin(ctx);
    CPLErrorReset();
    GDALClose(x->ds); /* the workbook is zipped now */
    x->ds = NULL;
    int failed = CPLGetLastErrorType() >= CE_Failure;
    vsi_l_offset len = 0;
    GByte *bytes = failed ? NULL : VSIGetMemFileBuffer(x->path, &len, FALSE);
    lc_status st = bytes && len ? LC_OK
                                : lc_error(ctx, LC_ERR_IO, "cannot write %s (%s)", file, lc_gdal_last_message(ctx));
    lc_gdal_end(ctx);
    if (st == LC_OK)
        st = lc_output_write_file(ctx, out, file, bytes, (size_t)len);
    lc_xlsx_destroy(x);
    return st;
}

void lc_xlsx_destroy(lc_xlsx *x)
{
    if (!x)
        return;
    if (x->ds)
        GDALClose(x->ds);
    VSIUnlink(x->path);
    free(x);
}
