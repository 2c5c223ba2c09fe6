/*
 * tests/test_qml.c — the QGIS styles (.qml) written beside the output layers (outputs/qml.c): after
 * a `check` (and `site`, `isochrones`) every layer has its style; each parses as XML (libxml2) with
 * root <qgis> and the expected renderer; the fields the renderer and the labels name exist in the
 * written layer (Shapefile short names, GeoPackage and GeoJSON full names, read back with OGR); the
 * colours are those of outputs/style_int.h; gaps, service areas, catchments and catchment streets
 * have one rule per category with only the centre's on; catchments next to each other get different
 * neighbour colours; isochrones are graduated, one class per threshold; every field has its Chinese
 * alias; QGIS's first-matching-range rule puts each share in the class the maps use; a GeoPackage
 * carries the styles in QGIS's layer_styles table; and two runs write the same bytes. QGIS itself
 * is not needed (nor run): tests/qgis/test_styles.py renders the styles in QGIS.
 */
#include <gdal.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "outputs/style_int.h"
#include "tests/lc_test.h"

/* One compound at [0,100]² and, within reach, a meal point, a day-care centre and a care home but no
 * centre: the compound's centre share is 0 and its whole area a centre gap. One 街镇 around it. */
static const char *RES = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"名称\":\"长白新村\",\"常住人口\":1000},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}}]}";
static const char *FAC = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"类型\":\"助餐点\",\"建筑面积\":50,\"meals\":20},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,150]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\",\"类型\":\"日间照料中心\",\"建筑面积\":50},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-50,50]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"H\",\"类型\":\"养老机构\",\"建筑面积\":3000,\"beds\":10,"
    "\"nursing_beds\":6},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-20,-20]}}]}";
static const char *UNITS = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\",\"properties\":"
    "{\"id\":\"U1\",\"name\":\"长白新村街道\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[-1000,-1000],[1000,-1000],[1000,1000],[-1000,1000],[-1000,-1000]]]}}]}";

static const char *const LAYERS[] = {"residential", "gaps", "service_areas", "units", "facilities", "catchments",
                                     "accessibility", "supply"}; /* the last two: the profile's accessibility */

#define NLAYERS 8

typedef struct fixture {
    char *dir, *res, *fac, *units;
} fixture;

static fixture make(void)
{
    fixture f = {.dir = lct_tmpdir()};
    f.res = lct_path(f.dir, "res.gpkg");
    f.fac = lct_path(f.dir, "fac.gpkg");
    f.units = lct_path(f.dir, "units.gpkg");
    ck_assert_int_eq(lct_fixture(f.res, "GPKG", RES, NULL), 0);
    ck_assert_int_eq(lct_fixture(f.fac, "GPKG", FAC, NULL), 0);
    ck_assert_int_eq(lct_fixture(f.units, "GPKG", UNITS, NULL), 0);
    return f;
}

static void unmake(fixture *f)
{
    lct_rmtree(f->dir);
    free(f->dir);
    free(f->res);
    free(f->fac);
    free(f->units);
}

/* Runs `check` into <dir>/<name> in the given format; the centre norms fail, so exit 1. Returns the
 * output directory (caller frees). */
static char *run_check(const fixture *f, const char *name, const char *format)
{
    char *out_dir = lct_path(f->dir, name), args[4096], *out;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' --format %s -q --catchments -o '%s'",
             f->res, f->fac, f->units, format, out_dir);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
    free(out);
    return out_dir;
}

/* ---- reading the XML ------------------------------------------------------------------------- */

/* Parses <dir>/<layer>.qml (no network, no DTD fetched), asserting it is well-formed with root
 * <qgis>. Caller frees with xmlFreeDoc(). */
static xmlDocPtr read_qml(const char *dir, const char *layer)
{
    char name[256];
    snprintf(name, sizeof name, "%s.qml", layer);
    char *path = lct_path(dir, name);
    xmlDocPtr doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "%s does not parse as XML", path);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq((const char *)root->name, "qgis");
    free(path);
    return doc;
}

/* The first element child of n named name, or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

/* The next element sibling of n with the same name, or NULL. */
static xmlNodePtr next_same(xmlNodePtr n)
{
    for (xmlNodePtr c = n->next; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, (const char *)n->name))
            return c;
    return NULL;
}

/* Attribute a of n into buf ("" when missing). */
static const char *attr(xmlNodePtr n, const char *a, char *buf, size_t size)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)a) : NULL;
    snprintf(buf, size, "%s", v ? (const char *)v : "");
    xmlFree(v);
    return buf;
}

/* The <renderer-v2> of doc, asserting its type. */
static xmlNodePtr renderer(xmlDocPtr doc, const char *type)
{
    xmlNodePtr r = child(xmlDocGetRootElement(doc), "renderer-v2");
    ck_assert_ptr_nonnull(r);
    char buf[64];
    ck_assert_str_eq(attr(r, "type", buf, sizeof buf), type);
    return r;
}

/* The <symbol name=name> under the renderer's <symbols>. */
static xmlNodePtr symbol(xmlNodePtr r, const char *name)
{
    char buf[64];
    for (xmlNodePtr s = child(child(r, "symbols"), "symbol"); s; s = next_same(s))
        if (!strcmp(attr(s, "name", buf, sizeof buf), name))
            return s;
    ck_abort_msg("no symbol %s", name);
    return NULL;
}

/* Property key of the symbol's first symbol layer into buf, asserting that the <prop k v> form and
 * the <Option type="Map"> form agree. */
static const char *prop(xmlNodePtr sym, const char *key, char *buf, size_t size)
{
    xmlNodePtr layer = child(sym, "layer");
    ck_assert_ptr_nonnull(layer);
    char k[128], other[256];
    buf[0] = other[0] = '\0';
    int found = 0, in_map = 0;
    for (xmlNodePtr p = child(layer, "prop"); p; p = next_same(p))
        if (!strcmp(attr(p, "k", k, sizeof k), key)) {
            attr(p, "v", buf, size);
            found = 1;
        }
    for (xmlNodePtr o = child(child(layer, "Option"), "Option"); o; o = next_same(o))
        if (!strcmp(attr(o, "name", k, sizeof k), key)) {
            attr(o, "value", other, sizeof other);
            in_map = 1;
        }
    ck_assert_msg(found && in_map, "property %s missing (prop %d, Option %d)", key, found, in_map);
    ck_assert_str_eq(buf, other);
    return buf;
}

/* Asserts a QGIS colour "r,g,b,a". */
static void assert_colour(const char *text, lc_rgb c, int alpha)
{
    int r = -1, g = -1, b = -1, a = -1;
    ck_assert_msg(sscanf(text, "%d,%d,%d,%d", &r, &g, &b, &a) == 4, "colour '%s'", text);
    ck_assert_msg(r == c.r && g == c.g && b == c.b && a == alpha, "colour %s, expected %d,%d,%d,%d", text, c.r, c.g,
                  c.b, alpha);
}

/* The field the labels show ("" without labels). */
static const char *label_field(xmlDocPtr doc, char *buf, size_t size)
{
    xmlNodePtr ts = child(child(child(xmlDocGetRootElement(doc), "labeling"), "settings"), "text-style");
    return attr(ts, "fieldName", buf, size);
}

/* Asserts that layer (in the dataset at path; NULL: its only layer) has field name. */
static void assert_field(const char *path, const char *layer, const char *name)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "cannot open %s", path);
    OGRLayerH l = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    ck_assert_ptr_nonnull(l);
    ck_assert_msg(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name) >= 0, "%s (%s) has no field %s", path,
                  layer ? layer : "", name);
    GDALClose(ds);
}

/* The dataset and layer name holding layer in a directory of the given format. */
static char *layer_path(const char *dir, const char *format, const char *layer, const char **in_ds)
{
    char name[256];
    if (!strcmp(format, "gpkg")) {
        *in_ds = layer;
        return lct_path(dir, "lifecircle.gpkg");
    }
    snprintf(name, sizeof name, "%s.%s", layer, !strcmp(format, "shapefile") ? "shp" : "geojson");
    *in_ds = NULL;
    return lct_path(dir, name);
}

/* QGIS's QgsGraduatedSymbolRenderer::rangeForValue: the symbol of the first range in file order
 * with lower <= v <= upper; -1 when none. */
static int graduated_class(xmlNodePtr r, double v)
{
    char lo[64], hi[64], sym[16];
    for (xmlNodePtr g = child(child(r, "ranges"), "range"); g; g = next_same(g))
        if (strtod(attr(g, "lower", lo, sizeof lo), NULL) <= v && strtod(attr(g, "upper", hi, sizeof hi), NULL) >= v)
            return atoi(attr(g, "symbol", sym, sizeof sym));
    return -1;
}

/* The first <Option name=name> child of n, or NULL. */
static xmlNodePtr option(xmlNodePtr n, const char *name)
{
    char buf[128];
    for (xmlNodePtr o = child(n, "Option"); o; o = next_same(o))
        if (!strcmp(attr(o, "name", buf, sizeof buf), name))
            return o;
    return NULL;
}

/* The data-defined expression of property name ("fillColor", "outlineColor") of the symbol's first
 * layer into buf ("" when none is active). */
static const char *data_defined_expr(xmlNodePtr sym, const char *name, char *buf, size_t size)
{
    xmlNodePtr p = option(option(child(child(child(sym, "layer"), "data_defined_properties"), "Option"),
                                 "properties"), name);
    char active[16];
    buf[0] = '\0';
    if (p && !strcmp(attr(option(p, "active"), "value", active, sizeof active), "true"))
        attr(option(p, "expression"), "value", buf, size);
    return buf;
}

/* A rule-based style on the category field of layer: one rule per profile category, in profile
 * order, keyed cat-<code>, filtered on exactly that code, labelled in both languages, only the first
 * (the centre, the prominent category of a default check) on; each rule's symbol in its category's
 * palette colour (all different): gaps hatched and opaque, service areas a translucent fill
 * (0.25 × 255 = 63.75 → alpha 64) with an opaque outline, catchments (colour_field not NULL)
 * outlined in the category's colour and filled from colour_field through a data-defined colour. */
static void check_rules(const char *dir, const char *format, const char *layer, const char *category_field,
                        const char *colour_field, const lc_profile *p)
{
    char buf[2048], want[256];
    xmlDocPtr doc = read_qml(dir, layer);
    xmlNodePtr r = renderer(doc, "RuleRenderer");
    const char *in_ds;
    char *path = layer_path(dir, format, layer, &in_ds);
    assert_field(path, in_ds, category_field);
    if (colour_field)
        assert_field(path, in_ds, colour_field);
    free(path);
    size_t i = 0;
    char seen[64][32];
    for (xmlNodePtr rule = child(child(r, "rules"), "rule"); rule; rule = next_same(rule), i++) {
        ck_assert_uint_lt(i, lc_profile_category_count(p));
        const lc_category *cat = lc_profile_category(p, i);
        snprintf(want, sizeof want, "cat-%s", cat->code);
        ck_assert_str_eq(attr(rule, "key", buf, sizeof buf), want);
        snprintf(want, sizeof want, "\"%s\" = '%s'", category_field, cat->code);
        ck_assert_str_eq(attr(rule, "filter", buf, sizeof buf), want);
        const char *label = attr(rule, "label", buf, sizeof buf);
        lct_assert_contains(label, cat->name_zh);
        lct_assert_contains(label, cat->name_en);
        ck_assert_str_eq(attr(rule, "checkstate", buf, sizeof buf), i == 0 ? "" : "0");
        xmlNodePtr s = symbol(r, attr(rule, "symbol", buf, sizeof buf));
        lc_rgb colour = lc_style_category[i % LC_STYLE_CATEGORY_COLOURS];
        if (!strcmp(layer, "gaps")) {
            assert_colour(prop(s, "color", buf, sizeof buf), colour, 255);
            ck_assert_str_eq(prop(s, "style", buf, sizeof buf), "b_diagonal");
        } else if (!colour_field) {
            assert_colour(prop(s, "color", buf, sizeof buf), colour, 64);
            ck_assert_str_eq(prop(s, "style", buf, sizeof buf), "solid");
        } else {
            const char *e = data_defined_expr(s, "fillColor", buf, sizeof buf);
            snprintf(want, sizeof want, "CASE WHEN \"%s\" = 0 THEN ", colour_field);
            lct_assert_contains(e, want);
            snprintf(want, sizeof want, "WHEN \"%s\" = 7 THEN ", colour_field);
            lct_assert_contains(e, want);
        }
        assert_colour(prop(s, "outline_color", buf, sizeof buf), colour, 255);
        ck_assert_uint_lt(i, 64);
        prop(s, "outline_color", seen[i], sizeof seen[0]);
        for (size_t k = 0; k < i; k++) /* every category in a colour of its own */
            ck_assert_str_ne(seen[k], seen[i]);
    }
    ck_assert_uint_eq(i, lc_profile_category_count(p));
    xmlFreeDoc(doc);
}

/* Every field of layer (read back with OGR) has one <alias> naming it, at its index, with a
 * non-empty Chinese name: QGIS's attribute table reads 常住人口, not POP. */
static void check_aliases(const char *dir, const char *format, const char *layer)
{
    const char *in_ds;
    char *path = layer_path(dir, format, layer, &in_ds), buf[256], idx[16];
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = in_ds ? GDALDatasetGetLayerByName(ds, in_ds) : GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int gpkg = !strcmp(format, "gpkg"); /* QGIS lists the GeoPackage's fid first */
    xmlDocPtr doc = read_qml(dir, layer);
    int n = 0;
    for (xmlNodePtr a = child(child(xmlDocGetRootElement(doc), "aliases"), "alias"); a; a = next_same(a), n++) {
        const char *field = attr(a, "field", buf, sizeof buf);
        int at = atoi(attr(a, "index", idx, sizeof idx));
        if (gpkg && n == 0)
            ck_assert_str_eq(field, "fid");
        else
            ck_assert_msg(OGR_FD_GetFieldIndex(defn, field) == at - gpkg, "%s: alias of %s at %d", layer, field, at);
        ck_assert_int_eq(at, n);
        ck_assert_msg(strlen(attr(a, "name", buf, sizeof buf)) > 0, "%s: empty alias %d", layer, n);
    }
    ck_assert_int_eq(n, OGR_FD_GetFieldCount(defn) + gpkg);
    xmlFreeDoc(doc);
    GDALClose(ds);
    free(path);
}

/* The units' pass marks (issue 17): one field configuration per norm of the profile (npass: one
 * <norm>_pass / N<k>_PASS each, shanghai-2025's 13), each a field of the layer (path, in_ds) with
 * QGIS's ValueMap widget showing 达标 pass / 未达标 fail / 不适用 n/a over the stored pass, fail, n/a;
 * the layer's first unit's stored N1 mark is still one of those three. */
static void check_pass_widgets(xmlDocPtr doc, const char *path, const char *in_ds, size_t npass)
{
    static const char *const want[][2] = {{"达标 pass", "pass"}, {"未达标 fail", "fail"}, {"不适用 n/a", "n/a"}};
    char name[128], buf[128], first[128] = "";
    size_t n = 0;
    xmlNodePtr conf = child(xmlDocGetRootElement(doc), "fieldConfiguration");
    ck_assert_msg(conf != NULL, "the units style has no field configuration");
    for (xmlNodePtr f = child(conf, "field"); f; f = next_same(f), n++) {
        attr(f, "name", name, sizeof name);
        size_t len = strlen(name);
        ck_assert_msg(len > 5 && !strcasecmp(name + len - 5, "_pass"), "a widget on %s, not a pass mark", name);
        assert_field(path, in_ds, name);
        if (!n)
            snprintf(first, sizeof first, "%s", name);
        xmlNodePtr w = child(f, "editWidget");
        ck_assert_str_eq(attr(w, "type", buf, sizeof buf), "ValueMap");
        xmlNodePtr list = child(child(child(w, "config"), "Option"), "Option");
        ck_assert_str_eq(attr(list, "name", buf, sizeof buf), "map");
        size_t k = 0;
        for (xmlNodePtr o = child(list, "Option"); o; o = next_same(o), k++) {
            ck_assert_uint_lt(k, 3);
            xmlNodePtr pair = child(o, "Option");
            ck_assert_str_eq(attr(pair, "name", buf, sizeof buf), want[k][0]);
            ck_assert_str_eq(attr(pair, "value", buf, sizeof buf), want[k][1]);
        }
        ck_assert_uint_eq(k, 3);
    }
    ck_assert_uint_eq(n, npass);
    /* the stored value is unchanged: pass, fail or n/a */
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = in_ds ? GDALDatasetGetLayerByName(ds, in_ds) : GDALDatasetGetLayer(ds, 0);
    OGRFeatureH feat = OGR_L_GetNextFeature(l);
    ck_assert_ptr_nonnull(feat);
    const char *v = OGR_F_GetFieldAsString(feat, OGR_F_GetFieldIndex(feat, first));
    ck_assert_msg(!strcmp(v, "pass") || !strcmp(v, "fail") || !strcmp(v, "n/a"), "%s stored as '%s'", first, v);
    OGR_F_Destroy(feat);
    GDALClose(ds);
}

/* Every style of a `check` output in the given format, with the names the format stores:
 * share_field the residential renderer's attribute, name_field the units label. */
static void check_styles(const char *dir, const char *format, const char *share_field, const char *name_field,
                         const char *category_field)
{
    char buf[256];
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    const char *in_ds;
    char *path;

    /* residential: graduated on the centre share, five classes from style_int.h. */
    xmlDocPtr doc = read_qml(dir, "residential");
    xmlNodePtr r = renderer(doc, "graduatedSymbol");
    ck_assert_str_eq(attr(r, "attr", buf, sizeof buf), share_field);
    path = layer_path(dir, format, "residential", &in_ds);
    assert_field(path, in_ds, share_field);
    free(path);
    for (int k = 0; k < LC_STYLE_SHARE_CLASSES; k++) {
        char name[8];
        snprintf(name, sizeof name, "%d", k);
        assert_colour(prop(symbol(r, name), "color", buf, sizeof buf), lc_style_share_colour[k], 255);
        ck_assert_str_eq(prop(symbol(r, name), "style", buf, sizeof buf), "solid");
    }
    /* By hand from style_int.h: 0 – <0.25, 0.25 – <0.5, 0.5 – <0.75, 0.75 – <1, 1. */
    const double v[] = {0, 0.1, 0.25, 0.4999, 0.5, 0.74, 0.75, 0.999, 1};
    const int cls[] = {0, 0, 1, 1, 2, 2, 3, 3, 4};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ck_assert_msg(graduated_class(r, v[i]) == cls[i], "share %g drawn as class %d, expected %d", v[i],
                      graduated_class(r, v[i]), cls[i]);
    /* The legend speaks both languages. */
    xmlNodePtr first = child(child(r, "ranges"), "range");
    const char *label = attr(first, "label", buf, sizeof buf);
    lct_assert_contains(label, "全部可达");
    lct_assert_contains(label, "fully within reach");
    xmlFreeDoc(doc);

    /* gaps, service_areas, catchments: a rule per category; facilities: categorized. */
    check_rules(dir, format, "gaps", category_field, NULL, p);
    check_rules(dir, format, "service_areas", category_field, NULL, p);
    check_rules(dir, format, "catchments", category_field, !strcmp(format, "shapefile") ? "COLOUR" : "colour", p);
    doc = read_qml(dir, "facilities");
    r = renderer(doc, "categorizedSymbol");
    ck_assert_str_eq(attr(r, "attr", buf, sizeof buf), category_field);
    path = layer_path(dir, format, "facilities", &in_ds);
    assert_field(path, in_ds, category_field);
    free(path);
    size_t i = 0;
    for (xmlNodePtr c = child(child(r, "categories"), "category"); c; c = next_same(c), i++) {
        ck_assert_uint_lt(i, lc_profile_category_count(p));
        const lc_category *cat = lc_profile_category(p, i);
        ck_assert_str_eq(attr(c, "value", buf, sizeof buf), cat->code);
        const char *cl = attr(c, "label", buf, sizeof buf);
        lct_assert_contains(cl, cat->name_zh);
        lct_assert_contains(cl, cat->name_en);
        xmlNodePtr s = symbol(r, attr(c, "symbol", buf, sizeof buf));
        assert_colour(prop(s, "color", buf, sizeof buf), lc_style_category[i % LC_STYLE_CATEGORY_COLOURS], 255);
        /* the centre large, the others smaller and faint */
        ck_assert(i == 0 ? strtod(prop(s, "size", buf, sizeof buf), NULL) >
                               strtod(prop(symbol(r, "1"), "size", buf, sizeof buf), NULL)
                         : strtod(attr(s, "alpha", buf, sizeof buf), NULL) < 1);
    }
    ck_assert_uint_eq(i, lc_profile_category_count(p));
    /* by hand: the first category is the centre, in the first palette colour */
    ck_assert_str_eq(prop(symbol(r, "0"), "color", buf, sizeof buf), "31,119,180,255");
    xmlFreeDoc(doc);
    for (int k = 0; k < NLAYERS; k++)
        check_aliases(dir, format, LAYERS[k]);
    /* by hand from outputs/results.c: the population field reads 常住人口 */
    doc = read_qml(dir, "residential");
    int found = 0;
    for (xmlNodePtr a = child(child(xmlDocGetRootElement(doc), "aliases"), "alias"); a; a = next_same(a))
        if (!strcmp(attr(a, "field", buf, sizeof buf), !strcmp(format, "shapefile") ? "POP" : "population")) {
            ck_assert_str_eq(attr(a, "name", buf, sizeof buf), "常住人口");
            found = 1;
        }
    ck_assert(found);
    xmlFreeDoc(doc);

    /* units: outline only, labelled with the name. */
    doc = read_qml(dir, "units");
    r = renderer(doc, "singleSymbol");
    ck_assert_str_eq(prop(symbol(r, "0"), "style", buf, sizeof buf), "no");
    assert_colour(prop(symbol(r, "0"), "outline_color", buf, sizeof buf), lc_style_unit_line, 255);
    ck_assert_str_eq(attr(xmlDocGetRootElement(doc), "labelsEnabled", buf, sizeof buf), "1");
    ck_assert_str_eq(label_field(doc, buf, sizeof buf), name_field);
    path = layer_path(dir, format, "units", &in_ds);
    assert_field(path, in_ds, name_field);
    check_pass_widgets(doc, path, in_ds, lc_profile_norm_count(p));
    free(path);
    xmlFreeDoc(doc);
    lc_profile_destroy(p);
}

/* ---- tests ------------------------------------------------------------------------------------- */

START_TEST(shapefile_styles_use_short_names)
{
    fixture f = make();
    char *dir = run_check(&f, "shp", "shapefile");
    for (int i = 0; i < NLAYERS; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.qml", LAYERS[i]);
        char *q = lct_path(dir, name);
        struct stat st;
        ck_assert_msg(stat(q, &st) == 0 && st.st_size > 0, "%s missing", q);
        free(q);
    }
    check_styles(dir, "shapefile", "CTR_SHARE", "NAME", "CATEGORY");

    /* The written share (0: no centre) falls in the class drawn in the first colour. */
    char *shp = lct_path(dir, "residential.shp");
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH feat = OGR_L_GetNextFeature(l);
    ck_assert_ptr_nonnull(feat);
    double share = OGR_F_GetFieldAsDouble(feat, OGR_F_GetFieldIndex(feat, "CTR_SHARE"));
    ck_assert_double_eq_tol(share, 0, 1e-12);
    OGR_F_Destroy(feat);
    GDALClose(ds);
    xmlDocPtr doc = read_qml(dir, "residential");
    ck_assert_int_eq(graduated_class(renderer(doc, "graduatedSymbol"), share), 0);
    xmlFreeDoc(doc);
    /* The gaps layer has the compound (so the style is not for an empty layer). */
    char *gaps = lct_path(dir, "gaps.shp");
    ds = GDALOpenEx(gaps, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_ge(OGR_L_GetFeatureCount(GDALDatasetGetLayer(ds, 0), TRUE), 1);
    GDALClose(ds);
    free(gaps);
    free(shp);
    free(dir);
    unmake(&f);
}
END_TEST

START_TEST(geojson_styles_use_full_names)
{
    fixture f = make();
    char *dir = run_check(&f, "json", "geojson");
    check_styles(dir, "geojson", "centre_covered_share", "name", "category");
    free(dir);
    unmake(&f);
}
END_TEST

START_TEST(geopackage_styles_in_layer_styles)
{
    fixture f = make();
    char *dir = run_check(&f, "gpkg", "gpkg");
    check_styles(dir, "gpkg", "centre_covered_share", "name", "category");
    char *gpkg = lct_path(dir, "lifecircle.gpkg");
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH styles = GDALDatasetGetLayerByName(ds, "layer_styles");
    ck_assert_ptr_nonnull(styles);
    ck_assert_int_eq(OGR_L_GetFeatureCount(styles, TRUE), NLAYERS);
    for (int i = 0; i < NLAYERS; i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, LAYERS[i]);
        ck_assert_ptr_nonnull(l);
        /* The filter QGIS's OGR provider uses to find a layer's default style (loadStoredStyle). */
        char filter[512];
        snprintf(filter, sizeof filter, "f_table_schema='' AND f_table_name='%s' AND f_geometry_column='%s'", LAYERS[i],
                 OGR_L_GetGeometryColumn(l));
        ck_assert_int_eq(OGR_L_SetAttributeFilter(styles, filter), OGRERR_NONE);
        OGR_L_ResetReading(styles);
        OGRFeatureH feat = OGR_L_GetNextFeature(styles);
        ck_assert_msg(feat != NULL, "no style row for %s", LAYERS[i]);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(styles);
        ck_assert_int_eq(OGR_F_GetFieldAsInteger(feat, OGR_FD_GetFieldIndex(defn, "useAsDefault")), 1);
        char name[64];
        snprintf(name, sizeof name, "%s.qml", LAYERS[i]);
        char *qpath = lct_path(dir, name), *qml = lct_slurp(qpath, NULL);
        ck_assert_ptr_nonnull(qml);
        ck_assert_str_eq(OGR_F_GetFieldAsString(feat, OGR_FD_GetFieldIndex(defn, "styleQML")), qml);
        ck_assert_str_eq(OGR_F_GetFieldAsString(feat, OGR_FD_GetFieldIndex(defn, "styleName")), LAYERS[i]);
        free(qml);
        free(qpath);
        OGRFeatureH more = OGR_L_GetNextFeature(styles);
        ck_assert_ptr_null(more);
        OGR_F_Destroy(feat);
    }
    GDALClose(ds);
    free(gpkg);
    free(dir);
    unmake(&f);
}
END_TEST

START_TEST(styles_are_deterministic)
{
    fixture f = make();
    char *a = run_check(&f, "a", "gpkg"), *b = run_check(&f, "b", "gpkg");
    const char *files[] = {"lifecircle.gpkg", "residential.qml", "gaps.qml", "service_areas.qml", "units.qml",
                           "facilities.qml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *pa = lct_path(a, files[i]), *pb = lct_path(b, files[i]);
        size_t na = 0, nb = 0;
        char *sa = lct_slurp(pa, &na), *sb = lct_slurp(pb, &nb);
        ck_assert_ptr_nonnull(sa);
        ck_assert_ptr_nonnull(sb);
        ck_assert_msg(na == nb && !memcmp(sa, sb, na), "%s differs between two runs", files[i]);
        free(sa), free(sb), free(pa), free(pb);
    }
    free(a);
    free(b);
    unmake(&f);
}
END_TEST

START_TEST(site_and_isochrones_styles)
{
    char *dir = lct_tmpdir(), *sites = lct_path(dir, "sites"), *iso = lct_path(dir, "iso");
    char *study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char args[4096], *out = NULL, buf[256];
    snprintf(args, sizeof args, "site '%s' -o '%s' --category doorstep -k 2 -q", study, sites);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    free(out);
    xmlDocPtr doc = read_qml(sites, "proposals");
    xmlNodePtr r = renderer(doc, "singleSymbol");
    ck_assert_str_eq(prop(symbol(r, "0"), "name", buf, sizeof buf), "star");
    assert_colour(prop(symbol(r, "0"), "color", buf, sizeof buf), lc_style_proposal, 255);
    ck_assert_str_eq(label_field(doc, buf, sizeof buf), "RANK");
    char *shp = lct_path(sites, "proposals.shp");
    assert_field(shp, NULL, "RANK");
    free(shp);
    xmlFreeDoc(doc);

    snprintf(args, sizeof args, "isochrones '%s' --at -8.6110,41.1496 --minutes 10,5,15 --circles -q -o '%s'", study,
             iso);
    rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
    free(out);
    /* isochrones: graduated on METRES, one class per threshold, 5 minutes first and darkest; each
     * written area (its METRES and MINUTES read back with OGR) falls in the class of its minutes. */
    doc = read_qml(iso, "isochrones");
    r = renderer(doc, "graduatedSymbol");
    ck_assert_str_eq(attr(r, "attr", buf, sizeof buf), "METRES");
    int nranges = 0;
    for (xmlNodePtr g = child(child(r, "ranges"), "range"); g; g = next_same(g))
        nranges++;
    ck_assert_int_eq(nranges, 3);
    lct_assert_contains(attr(child(child(r, "ranges"), "range"), "label", buf, sizeof buf), "步行 5 分钟");
    char c0[32], c1[32], c2[32];
    prop(symbol(r, "0"), "color", c0, sizeof c0);
    prop(symbol(r, "1"), "color", c1, sizeof c1);
    prop(symbol(r, "2"), "color", c2, sizeof c2);
    ck_assert_str_ne(c0, c1);
    ck_assert_str_ne(c1, c2);
    assert_colour(c0, lc_style_isochrone_near, 153); /* 0.6 opacity: 153 */
    assert_colour(c2, lc_style_isochrone_far, 153);
    shp = lct_path(iso, "isochrones.shp");
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH il = GDALDatasetGetLayer(ds, 0);
    int nfeat = 0;
    OGRFeatureH feat;
    while ((feat = OGR_L_GetNextFeature(il))) {
        double metres = OGR_F_GetFieldAsDouble(feat, OGR_F_GetFieldIndex(feat, "METRES"));
        int minutes = OGR_F_GetFieldAsInteger(feat, OGR_F_GetFieldIndex(feat, "MINUTES"));
        ck_assert_int_eq(graduated_class(r, metres), minutes / 5 - 1);
        OGR_F_Destroy(feat);
        nfeat++;
    }
    ck_assert_int_eq(nfeat, 3);
    GDALClose(ds);
    free(shp);
    xmlFreeDoc(doc);
    /* origins: stars labelled with their id; circles: outlines labelled with their metres. */
    doc = read_qml(iso, "origins");
    r = renderer(doc, "singleSymbol");
    ck_assert_str_eq(prop(symbol(r, "0"), "name", buf, sizeof buf), "star");
    ck_assert_str_eq(label_field(doc, buf, sizeof buf), "ORIGIN_ID");
    shp = lct_path(iso, "origins.shp");
    assert_field(shp, NULL, "ORIGIN_ID");
    free(shp);
    xmlFreeDoc(doc);
    doc = read_qml(iso, "circles");
    r = renderer(doc, "singleSymbol");
    assert_colour(prop(symbol(r, "0"), "outline_color", buf, sizeof buf), lc_style_unit_line, 255);
    ck_assert_str_eq(label_field(doc, buf, sizeof buf), "METRES");
    shp = lct_path(iso, "circles.shp");
    assert_field(shp, NULL, "METRES");
    free(shp);
    xmlFreeDoc(doc);
    lct_rmtree(dir);
    free(study), free(iso), free(sites), free(dir);
}
END_TEST

START_TEST(catchment_streets_style)
{
    /* check --mode network --catchment-streets on the demo writes catchment_streets (Shapefile): its
     * style has a rule per category on CATEGORY in profile order, a line symbol per category in its
     * palette colour (by hand: the first category, the centre, 31,119,180) drawn in the facility's
     * neighbour colour (COLOUR), the centre (the prominent category) wider than the others and the
     * only rule on; QGIS's geometry type for lines is 1. */
    char *dir = lct_tmpdir(), *o = lct_path(dir, "net");
    char *study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char args[4096], *out = NULL, buf[256];
    snprintf(args, sizeof args, "check '%s' --mode network --catchment-streets -q -o '%s'", study, o);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    free(out);
    lc_profile *p = lc_profile_load(lct_ctx, "shanghai-2025");
    ck_assert_ptr_nonnull(p);
    xmlDocPtr doc = read_qml(o, "catchment_streets");
    xmlNodePtr r = renderer(doc, "RuleRenderer");
    char *shp = lct_path(o, "catchment_streets.shp");
    assert_field(shp, NULL, "CATEGORY");
    assert_field(shp, NULL, "COLOUR");
    free(shp);
    size_t i = 0;
    for (xmlNodePtr rule = child(child(r, "rules"), "rule"); rule; rule = next_same(rule), i++) {
        char want[128], e[2048];
        snprintf(want, sizeof want, "\"CATEGORY\" = '%s'", lc_profile_category(p, i)->code);
        ck_assert_str_eq(attr(rule, "filter", buf, sizeof buf), want);
        ck_assert_str_eq(attr(rule, "checkstate", buf, sizeof buf), i == 0 ? "" : "0");
        xmlNodePtr sym = symbol(r, attr(rule, "symbol", buf, sizeof buf));
        ck_assert_str_eq(attr(sym, "type", buf, sizeof buf), "line");
        assert_colour(prop(sym, "line_color", buf, sizeof buf), lc_style_category[i % LC_STYLE_CATEGORY_COLOURS], 255);
        lc_rgb n1 = lc_style_neighbour_line[1]; /* the facility's neighbour colour, opaque */
        snprintf(want, sizeof want, "WHEN \"COLOUR\" = 1 THEN '%d,%d,%d,255'", n1.r, n1.g, n1.b);
        lct_assert_contains(data_defined_expr(sym, "outlineColor", e, sizeof e), want);
        if (i > 0)
            ck_assert(strtod(prop(symbol(r, "0"), "line_width", buf, sizeof buf), NULL) >
                      strtod(prop(sym, "line_width", buf, sizeof buf), NULL));
    }
    ck_assert_uint_eq(i, lc_profile_category_count(p));
    ck_assert_str_eq(prop(symbol(r, "0"), "line_color", buf, sizeof buf), "31,119,180,255");
    xmlNodePtr gt = child(xmlDocGetRootElement(doc), "layerGeometryType");
    ck_assert_ptr_nonnull(gt);
    xmlChar *t = xmlNodeGetContent(gt);
    ck_assert_str_eq((const char *)t, "1");
    xmlFree(t);
    xmlFreeDoc(doc);
    lc_profile_destroy(p);
    lct_rmtree(dir);
    free(study), free(o), free(dir);
}
END_TEST

START_TEST(neighbouring_catchments_differ)
{
    /* By construction: compounds A [0,100]² and B [100,200]×[0,100] share an edge; centre C1 at
     * (50,150) is A's nearest (50 m against 111.8 m), C2 at (150,150) B's; compound D and centre C3
     * lie 3 km east, near no other. So the catchments of C1 and C2 touch (neighbours, within 50 m)
     * and must differ in COLOUR, C3's has no neighbour and gets colour 0. */
    char *dir = lct_tmpdir(), *res = lct_path(dir, "res.geojson"), *fac = lct_path(dir, "fac.geojson");
    char *units = lct_path(dir, "units.geojson"), *o = lct_path(dir, "out");
    const char *r = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"常住人口\":100},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"B\",\"常住人口\":100},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[100,0],[200,0],[200,100],[100,100],[100,0]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\",\"常住人口\":100},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[3000,0],[3100,0],[3100,100],[3000,100],[3000,0]]]}}]}";
    const char *f = "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1000},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[50,150]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1000},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[150,150]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"C3\",\"类型\":\"社区综合为老服务中心\",\"建筑面积\":1000},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[3050,150]}}]}";
    const char *u = "{\"type\":\"FeatureCollection\"," UTM "\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"id\":\"U1\",\"name\":\"长白新村街道\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[-1000,-1000],[4000,-1000],[4000,1000],[-1000,1000],[-1000,-1000]]]}}]}";
    ck_assert_int_eq(lct_fixture(res, "GeoJSON", r, NULL), 0);
    ck_assert_int_eq(lct_fixture(fac, "GeoJSON", f, NULL), 0);
    ck_assert_int_eq(lct_fixture(units, "GeoJSON", u, NULL), 0);
    char args[4096], *out = NULL;
    snprintf(args, sizeof args, "check --residential '%s' --facilities '%s' --units '%s' -q --catchments -o '%s'", res,
             fac, units, o);
    int rc = lct_run_cli(args, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d: %s", rc, out);
    free(out);
    char *shp = lct_path(o, "catchments.shp");
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int colour[3] = {-1, -1, -1}, n = 0;
    OGRFeatureH feat;
    while ((feat = OGR_L_GetNextFeature(l))) {
        const char *id = OGR_F_GetFieldAsString(feat, OGR_F_GetFieldIndex(feat, "FAC_ID"));
        ck_assert(id[0] == 'C' && id[1] >= '1' && id[1] <= '3');
        colour[id[1] - '1'] = OGR_F_GetFieldAsInteger(feat, OGR_F_GetFieldIndex(feat, "COLOUR"));
        OGR_F_Destroy(feat);
        n++;
    }
    GDALClose(ds);
    ck_assert_int_eq(n, 3);
    ck_assert_int_ge(colour[0], 0);
    ck_assert_int_ge(colour[1], 0);
    ck_assert_int_ne(colour[0], colour[1]);
    ck_assert_int_eq(colour[2], 0);
    lct_rmtree(dir);
    free(shp), free(o), free(units), free(fac), free(res), free(dir);
}
END_TEST

Suite *suite_qml(void)
{
    Suite *s = suite_create("qml");
    TCase *tc = tcase_create("styles");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, shapefile_styles_use_short_names);
    tcase_add_test(tc, geojson_styles_use_full_names);
    tcase_add_test(tc, geopackage_styles_in_layer_styles);
    tcase_add_test(tc, styles_are_deterministic);
    tcase_add_test(tc, site_and_isochrones_styles);
    tcase_add_test(tc, catchment_streets_style);
    tcase_add_test(tc, neighbouring_catchments_differ);
    suite_add_tcase(s, tc);
    return s;
}
