/*
 * outputs/gpkg_rtree.c — a GeoPackage layer's spatial index (the gpkg_rtree_index extension), built in
 * one pass when the layer is closed.
 *
 * GDAL 3.6 (Debian 12's) fills a layer's R*Tree row by row when the layer is closed, and SQLite's
 * R*Tree insertion costs ~42,000 instructions a row: 1.5 s of the one core that writes for the 113,634
 * gaps of the K = 10 real-street city (GDAL 3.8 bulk-loads; 3.6 moves the inserts onto a thread of
 * their own only for a file's first layer). So GeoPackage layers are created without GDAL's index
 * (SPATIAL_INDEX=NO) and this file writes the same index itself:
 *   - each feature's box as SQLite's rtree module stores it (lc_gpkg_rtree_add: float32, rounded
 *     outward exactly as rtree.c's rtreeValueDown / rtreeValueUp round what an INSERT gives it);
 *   - packed Sort-Tile-Recursive into full nodes, level by level up to the root (node 1);
 *   - written straight into the R*Tree's shadow tables (_node, _parent, _rowid) in SQLite's node
 *     format: a 2-byte depth (the root's only), a 2-byte cell count, then cells of an 8-byte id and
 *     four 4-byte floats (minx, maxx, miny, maxy), all big-endian, in blobs of the size the module
 *     chose for the file's page size — through GDAL's own SQLite connection to the file
 *     (GDALGetInternalHandle "SQLITE_HANDLE", in the output's transaction) with bound parameters:
 *     SQL text with hex blobs, through GDALDatasetExecuteSQL, cost ten times as much;
 *   - then the six triggers that keep it current on edits, as GeoPackage 1.2 (annex F.3) and GDAL
 *     write them, and the extension's row in gpkg_extensions.
 * SQLite's rtreecheck() accepts the result, its entries equal those SQLite's own INSERT stores, and
 * QGIS and GDAL read it as they read GDAL's (tests/test_gpkg_rtree.c).
 */
#include <gdal.h>
#include <inttypes.h>
#include <math.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "geo/strbuf_int.h"
#include "outputs/output_int.h"
#include "outputs/vector_int.h"

/* rtree.c's rounding factors: one unit in the last place of a float's 24-bit mantissa. */
#define RNDTOWARDS (1.0 - 1.0 / 8388608.0)
#define RNDAWAY (1.0 + 1.0 / 8388608.0)

/* SQLite's rtree keeps at most this many cells in a node, whatever the page size (RTREE_MAXCELLS). */
#define RTREE_MAXCELLS 51

/* The float SQLite stores for a box's lower bound d: d itself when a float holds it, else the next
 * float below (rtree.c, rtreeValueDown). */
static float value_down(double d)
{
    float f = (float)d;
    if (f > d)
        f = (float)(d * (d < 0 ? RNDAWAY : RNDTOWARDS));
    return f;
}

/* The float SQLite stores for an upper bound d (rtree.c, rtreeValueUp). */
static float value_up(double d)
{
    float f = (float)d;
    if (f < d)
        f = (float)(d * (d < 0 ? RNDTOWARDS : RNDAWAY));
    return f;
}

sqlite3 *lc_gpkg_sqlite(GDALDatasetH ds)
{
    return ds ? GDALGetInternalHandle(ds, "SQLITE_HANDLE") : NULL;
}

lc_status lc_gpkg_rtree_add(lc_context *ctx, lc_layer_writer *w, long long fid, OGRGeometryH g)
{
    if (!g || OGR_G_IsEmpty(g)) /* GDAL's trigger leaves null and empty geometries out */
        return LC_OK;
    if (w->nrt == w->rt_cap) {
        size_t cap = w->rt_cap ? 2 * w->rt_cap : 1024;
        lc_rtree_entry *e = realloc(w->rt, cap * sizeof *e);
        if (!e)
            return lc_error(ctx, LC_ERR_NOMEM, "%s (layer %s): out of memory for the spatial index", w->shown,
                            w->name);
        w->rt = e, w->rt_cap = cap;
    }
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    w->rt[w->nrt++] = (lc_rtree_entry){fid, value_down(env.MinX), value_up(env.MaxX), value_down(env.MinY),
                                       value_up(env.MaxY)};
    return LC_OK;
}

/* ---- packing ------------------------------------------------------------------------------------ */

/* A cell being packed: an entry of the layer, or a node of the level below, with its box's centre. */
typedef struct rt_cell {
    int64_t id;
    float b[4];  /* minx, maxx, miny, maxy */
    double cx, cy;
} rt_cell;

static int cmp_x(const void *a, const void *b)
{
    const rt_cell *p = a, *q = b;
    if (p->cx != q->cx)
        return p->cx < q->cx ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

static int cmp_y(const void *a, const void *b)
{
    const rt_cell *p = a, *q = b;
    if (p->cy != q->cy)
        return p->cy < q->cy ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

/* Orders n cells Sort-Tile-Recursive for nodes of m: vertical slices of about √(n / m) nodes each,
 * by x, and each slice by y, so that m consecutive cells lie close together. */
static void str_order(rt_cell *c, size_t n, size_t m)
{
    size_t nodes = (n + m - 1) / m, slices = (size_t)ceil(sqrt((double)nodes)), per = slices * m;
    qsort(c, n, sizeof *c, cmp_x);
    for (size_t s = 0; s < n; s += per)
        qsort(c + s, n - s < per ? n - s : per, sizeof *c, cmp_y);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (24 - 8 * k));
}

/* Node blob of n cells c[0 ..): depth (the root's only), count, then the cells; zeros after them. */
static void node_blob(unsigned char *blob, size_t node_size, const rt_cell *c, size_t n, unsigned depth)
{
    memset(blob, 0, node_size);
    put16(blob, depth);
    put16(blob + 2, (unsigned)n);
    for (size_t k = 0; k < n; k++) {
        unsigned char *p = blob + 4 + 24 * k;
        uint64_t id = (uint64_t)c[k].id;
        put32(p, (uint32_t)(id >> 32));
        put32(p + 4, (uint32_t)id);
        for (int d = 0; d < 4; d++) {
            uint32_t u;
            memcpy(&u, &c[k].b[d], sizeof u);
            put32(p + 8 + 4 * d, u);
        }
    }
}

/* ---- writing ------------------------------------------------------------------------------------ */

/* What writing one layer's index holds: the file's SQLite connection (GDAL's own, borrowed) and
 * the three prepared inserts. */
typedef struct rt_writer {
    lc_context *ctx;
    lc_layer_writer *w;
    sqlite3 *db;
    sqlite3_stmt *node, *parent, *rowid;
    size_t node_size;
    unsigned char *blob;
} rt_writer;

/* LC_ERR_IO naming the layer, what was being done and SQLite's reason; the output is broken. */
static lc_status db_fail(rt_writer *rw, const char *what)
{
    rw->w->out->broken = 1;
    return lc_error(rw->ctx, LC_ERR_IO, "%s (layer %s): cannot %s (SQLite: %s)", rw->w->shown, rw->w->name, what,
                    sqlite3_errmsg(rw->db));
}

/* Runs SQL text that returns no rows. */
static lc_status db_exec(rt_writer *rw, const char *sql, const char *what)
{
    return sqlite3_exec(rw->db, sql, NULL, NULL, NULL) == SQLITE_OK ? LC_OK : db_fail(rw, what);
}

/* Runs a prepared insert with two integers, or an integer and the node blob (b NULL: two integers). */
static lc_status db_insert(rt_writer *rw, sqlite3_stmt *s, int64_t a, int64_t b, const unsigned char *blob)
{
    sqlite3_reset(s);
    int rc = sqlite3_bind_int64(s, 1, a);
    if (rc == SQLITE_OK)
        rc = blob ? sqlite3_bind_blob(s, 2, blob, (int)rw->node_size, SQLITE_STATIC) : sqlite3_bind_int64(s, 2, b);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? LC_OK : db_fail(rw, "write its spatial index");
}

/* Writes node no with cells c[0 .. n), and each cell's link to it: its leaf (rowid table) when the
 * cells are entries, else its parent. */
static lc_status put_node(rt_writer *rw, int64_t no, const rt_cell *c, size_t n, unsigned depth, int leaf)
{
    node_blob(rw->blob, rw->node_size, c, n, depth);
    lc_status st = db_insert(rw, rw->node, no, 0, rw->blob);
    for (size_t q = 0; q < n && st == LC_OK; q++)
        st = db_insert(rw, leaf ? rw->rowid : rw->parent, c[q].id, no, NULL);
    return st;
}

/* The name with quote characters q doubled, for a quoted SQL identifier (q '"') or literal ('\''). */
static char *quoted(const char *name, char q)
{
    size_t n = strlen(name), k = 0;
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (name[i] == q)
            s[k++] = q;
        s[k++] = name[i];
    }
    s[k] = '\0';
    return s;
}

/* The triggers and the extension's row, as GeoPackage 1.2 gives them (annex F.3) and GDAL writes
 * them; t, g, i, r are the quoted table, geometry column, FID column and index; tl, gl the table
 * and column as literals. */
static lc_status finish_extension(rt_writer *rw, const char *t, const char *g, const char *i, const char *r,
                                  const char *tl, const char *gl)
{
    lc_strbuf sql = {0};
    lc_strbuf v = {0};
    lc_strbuf_printf(&v, "VALUES (NEW.\"%s\",ST_MinX(NEW.\"%s\"), ST_MaxX(NEW.\"%s\"),ST_MinY(NEW.\"%s\"), "
                     "ST_MaxY(NEW.\"%s\"))", i, g, g, g, g);
    const char *vs = v.s ? v.s : "";
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_insert\" AFTER INSERT ON \"%s\" WHEN (new.\"%s\" NOT NULL AND NOT "
                     "ST_IsEmpty(NEW.\"%s\")) BEGIN INSERT OR REPLACE INTO \"%s\" %s; END;\n", r, t, g, g, r, vs);
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_update1\" AFTER UPDATE OF \"%s\" ON \"%s\" WHEN OLD.\"%s\" = "
                     "NEW.\"%s\" AND (NEW.\"%s\" NOTNULL AND NOT ST_IsEmpty(NEW.\"%s\")) BEGIN INSERT OR REPLACE "
                     "INTO \"%s\" %s; END;\n", r, g, t, i, i, g, g, r, vs);
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_update2\" AFTER UPDATE OF \"%s\" ON \"%s\" WHEN OLD.\"%s\" = "
                     "NEW.\"%s\" AND (NEW.\"%s\" ISNULL OR ST_IsEmpty(NEW.\"%s\")) BEGIN DELETE FROM \"%s\" WHERE "
                     "id = OLD.\"%s\"; END;\n", r, g, t, i, i, g, g, r, i);
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_update3\" AFTER UPDATE ON \"%s\" WHEN OLD.\"%s\" != NEW.\"%s\" AND "
                     "(NEW.\"%s\" NOTNULL AND NOT ST_IsEmpty(NEW.\"%s\")) BEGIN DELETE FROM \"%s\" WHERE id = "
                     "OLD.\"%s\"; INSERT OR REPLACE INTO \"%s\" %s; END;\n", r, t, i, i, g, g, r, i, r, vs);
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_update4\" AFTER UPDATE ON \"%s\" WHEN OLD.\"%s\" != NEW.\"%s\" AND "
                     "(NEW.\"%s\" ISNULL OR ST_IsEmpty(NEW.\"%s\")) BEGIN DELETE FROM \"%s\" WHERE id IN "
                     "(OLD.\"%s\", NEW.\"%s\"); END;\n", r, t, i, i, g, g, r, i, i);
    lc_strbuf_printf(&sql, "CREATE TRIGGER \"%s_delete\" AFTER DELETE ON \"%s\" WHEN old.\"%s\" NOT NULL BEGIN "
                     "DELETE FROM \"%s\" WHERE id = OLD.\"%s\"; END;\n", r, t, g, r, i);
    /* gpkg_extensions as GeoPackage 1.2 defines it, should no other extension have made it */
    lc_strbuf_str(&sql, "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,column_name TEXT,"
                  "extension_name TEXT NOT NULL,definition TEXT NOT NULL,scope TEXT NOT NULL,"
                  "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));\n");
    lc_strbuf_printf(&sql, "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                     "VALUES ('%s', '%s', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', "
                     "'write-only');", tl, gl);
    lc_status st = sql.failed || v.failed
                       ? lc_error(rw->ctx, LC_ERR_NOMEM, "%s (layer %s): out of memory for the spatial index",
                                  rw->w->shown, rw->w->name)
                       : db_exec(rw, sql.s, "create its spatial index's triggers");
    free(sql.s);
    free(v.s);
    return st;
}

/* Prepares *s, an insert of two values into shadow table <r><suffix> (r quoted) columns cols. */
static lc_status prepare(rt_writer *rw, sqlite3_stmt **s, const char *r, const char *suffix, const char *cols)
{
    lc_strbuf sql = {0};
    lc_strbuf_printf(&sql, "INSERT INTO \"%s%s\"(%s) VALUES (?, ?)", r, suffix, cols);
    int rc = sql.failed ? SQLITE_NOMEM : sqlite3_prepare_v2(rw->db, sql.s, -1, s, NULL);
    free(sql.s);
    return rc == SQLITE_OK ? LC_OK : db_fail(rw, "prepare its spatial index");
}

/* Packs and writes the entries c[0 .. n) into the empty index r (its root, node 1, made by the
 * module and read back for the node size): Sort-Tile-Recursive, level by level, full nodes. */
static lc_status pack(rt_writer *rw, const char *r, rt_cell *c, size_t n)
{
    lc_strbuf sql = {0};
    lc_strbuf_printf(&sql, "SELECT length(data) FROM \"%s_node\" WHERE nodeno = 1", r);
    sqlite3_stmt *q = NULL;
    int rc = sql.failed ? SQLITE_NOMEM : sqlite3_prepare_v2(rw->db, sql.s, -1, &q, NULL);
    free(sql.s);
    long long size = rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (size <= 4 + 24 || size > 65536)
        return db_fail(rw, "read its spatial index's node size");
    rw->node_size = (size_t)size;
    size_t m = (rw->node_size - 4) / 24;
    m = m > RTREE_MAXCELLS ? RTREE_MAXCELLS : m;
    /* Level sizes: count[0] entries, then nodes per level while a level is more than a root holds. */
    size_t count[64] = {n}, h = 0;
    while (count[h] > m && h + 1 < 64)
        count[h + 1] = (count[h] + m - 1) / m, h++;
    /* Node numbers: the root is 1, then the level below it from 2, and so on down to the leaves. */
    int64_t base[64] = {0};
    base[h] = 2;
    for (size_t L = h; L > 1; L--)
        base[L - 1] = base[L] + (int64_t)count[L];
    lc_strbuf del = {0};
    lc_strbuf_printf(&del, "DELETE FROM \"%s_node\"", r); /* the module's empty root */
    lc_status st = del.failed ? LC_ERR_NOMEM : db_exec(rw, del.s, "write its spatial index");
    free(del.s);
    size_t items = n;
    for (size_t L = 1; L <= h && st == LC_OK; L++) {
        str_order(c, items, m);
        size_t nn = (items + m - 1) / m; /* = count[L] */
        for (size_t j = 0; j < nn && st == LC_OK; j++) {
            const rt_cell *cj = c + j * m;
            size_t cnt = items - j * m < m ? items - j * m : m;
            int64_t no = base[L] + (int64_t)j;
            st = put_node(rw, no, cj, cnt, 0, L == 1);
            rt_cell u = {no, {cj[0].b[0], cj[0].b[1], cj[0].b[2], cj[0].b[3]}, 0, 0};
            for (size_t k = 1; k < cnt; k++) {
                u.b[0] = fminf(u.b[0], cj[k].b[0]), u.b[1] = fmaxf(u.b[1], cj[k].b[1]);
                u.b[2] = fminf(u.b[2], cj[k].b[2]), u.b[3] = fmaxf(u.b[3], cj[k].b[3]);
            }
            u.cx = 0.5 * ((double)u.b[0] + u.b[1]), u.cy = 0.5 * ((double)u.b[2] + u.b[3]);
            c[j] = u; /* node j's own cells start at j · m ≥ j, and the nodes before it are written */
        }
        items = nn;
    }
    /* The root: what is left (at most m cells), with the tree's depth. */
    return st == LC_OK ? put_node(rw, 1, c, items, (unsigned)h, h == 0) : st;
}

lc_status lc_gpkg_rtree_write(lc_context *ctx, lc_layer_writer *w)
{
    const char *table = OGR_L_GetName(w->layer), *geom = OGR_L_GetGeometryColumn(w->layer);
    const char *fid = OGR_L_GetFIDColumn(w->layer);
    rt_writer rw = {.ctx = ctx, .w = w, .db = lc_gpkg_sqlite(w->out->db)};
    if (!rw.db || !geom || !*geom || !fid || !*fid)
        return lc_error(ctx, LC_ERR_INTERNAL, "%s (layer %s): no SQLite connection, geometry or FID column to "
                        "index", w->shown, w->name);
    char *raw = lc_sprintf(ctx, "rtree_%s_%s", table, geom);
    char *t = quoted(table, '"'), *g = quoted(geom, '"'), *i = quoted(fid, '"'), *r = raw ? quoted(raw, '"') : NULL;
    char *tl = quoted(table, '\''), *gl = quoted(geom, '\'');
    size_t n = w->nrt;
    rt_cell *c = malloc((n ? n : 1) * sizeof *c);
    rw.blob = malloc(65536);
    lc_status st = LC_OK;
    if (!raw || !t || !g || !i || !r || !tl || !gl || !c || !rw.blob) {
        st = lc_error(ctx, LC_ERR_NOMEM, "%s (layer %s): out of memory for the spatial index", w->shown, w->name);
        goto done;
    }
    for (size_t e = 0; e < n; e++) {
        const lc_rtree_entry *x = &w->rt[e];
        c[e] = (rt_cell){x->id, {x->minx, x->maxx, x->miny, x->maxy}, 0.5 * ((double)x->minx + x->maxx),
                         0.5 * ((double)x->miny + x->maxy)};
    }
    lc_strbuf create = {0};
    lc_strbuf_printf(&create, "CREATE VIRTUAL TABLE \"%s\" USING rtree(id, minx, maxx, miny, maxy)", r);
    st = create.failed ? LC_ERR_NOMEM : db_exec(&rw, create.s, "create its spatial index");
    free(create.s);
    if (st == LC_OK)
        st = prepare(&rw, &rw.node, r, "_node", "nodeno, data");
    if (st == LC_OK)
        st = prepare(&rw, &rw.parent, r, "_parent", "nodeno, parentnode");
    if (st == LC_OK)
        st = prepare(&rw, &rw.rowid, r, "_rowid", "rowid, nodeno");
    if (st == LC_OK)
        st = pack(&rw, r, c, n);
    if (st == LC_OK)
        st = finish_extension(&rw, t, g, i, r, tl, gl);
done:
    sqlite3_finalize(rw.node);
    sqlite3_finalize(rw.parent);
    sqlite3_finalize(rw.rowid);
    free(rw.blob);
    free(c);
    free(raw), free(t), free(g), free(i), free(r), free(tl), free(gl);
    return st;
}
