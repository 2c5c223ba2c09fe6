/*
 * outputs/results_summary.c — the summaries of a run: summary.json (inputs with their SHA-256, the
 * profile, every norm per row, accuracy, siting), summary.csv and the summary table layer of a check,
 * and the before/after summary table of a `site` run. The report (outputs/report.c) is drawn from the
 * same JSON; the layers are in outputs/results.c and outputs/results_catchments.c.
 */
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/access_out_int.h"
#include "outputs/citations_int.h"
#include "outputs/output_int.h"
#include "outputs/results_int.h"

/* ---- summaries ------------------------------------------------------------------------------ */

/* SHA-256 of a file as 64 hex digits into hex[65]; 0 on success, -1 if it cannot be read. */
static int file_sha256(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(md, buf, n) == 1;
    ok = ok && !ferror(f);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(md, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    fclose(f);
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return ok ? 0 : -1;
}

/* A JSON number, or null for NAN/infinity. */
static json_t *jnum(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

/* A JSON string, or null. */
static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The name of a row (unit id, or "total"). */
static const char *row_id(const lc_results *r, size_t row)
{
    return row == lc_indicators_total_row(r->indicators) ? "total" : unit_id(r, (long)row);
}

static const char *row_name(const lc_results *r, size_t row)
{
    if (row == lc_indicators_total_row(r->indicators))
        return "全区 whole study area";
    const lc_feature *f = lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_UNITS), row);
    return f->name ? f->name : f->id;
}

static const char *kind_name(lc_norm_kind k)
{
    static const char *const names[] = {"reach", "circle", "floor_area", "unit_presence", "capacity_ratio",
                                        "nursing_share"};
    return (unsigned)k < 6 ? names[k] : "unknown";
}

/* The "siting" section of summary.json: the category, solver, gap, target, proposals and, per row
 * (units, then the whole area), demand and coverage before/after with floor area per 1,000. */
static json_t *siting_json(lc_context *ctx, const lc_results *r, const lc_siting *s, size_t category)
{
    const lc_category *cat = lc_profile_category(r->profile, category);
    json_t *props = json_array(), *rows = json_array();
    for (size_t i = 0; i < lc_siting_count(s); i++) {
        const lc_proposal *p = lc_siting_get(s, i);
        /* Where a planner looks a site up: lon/lat in WGS 84 and in GCJ-02 (Amap, Tencent maps). */
        lc_xy ll = {NAN, NAN};
        if (lc_crs_to_lonlat(ctx, lc_inputs_crs(r->inputs), p->site, &ll) != LC_OK) {
            ll = (lc_xy){NAN, NAN};
            lc_context_clear_error(ctx);
        }
        lc_xy gcj = lc_wgs84_to_gcj02(ll);
        const lc_layer *units = lc_inputs_layer(r->inputs, LC_LAYER_UNITS);
        const lc_feature *uf = p->unit >= 0 && units ? lc_layer_feature(units, (size_t)p->unit) : NULL;
        json_t *one = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "rank", (json_int_t)p->rank,
                                               "x", jnum(p->site.x), "y", jnum(p->site.y), "unit",
                                               jstr(unit_id(r, p->unit)), "new_pop", jnum(p->new_pop),
                                               "cumulative_share", jnum(p->cumulative_share), "floor_area_m2",
                                               jnum(p->floor_area_m2), "candidate",
                                               p->candidate_id ? jstr(p->candidate_id)
                                               : p->candidate >= 0 ? json_integer(p->candidate) : jstr("generated"));
        json_object_set_new(one, "unit_name", jstr(uf ? (uf->name && *uf->name ? uf->name : uf->id) : NULL));
        json_object_set_new(one, "lon", jnum(ll.x));
        json_object_set_new(one, "lat", jnum(ll.y));
        json_object_set_new(one, "lon_gcj02", jnum(gcj.x));
        json_object_set_new(one, "lat_gcj02", jnum(gcj.y));
        json_array_append_new(props, one);
    }
    for (size_t row = 0; row < lc_siting_row_count(s); row++) {
        const lc_siting_row *x = lc_siting_row_get(s, row);
        double pop = lc_indicators_population(r->indicators, row);
        json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "unit_id", row_id(r, row),
                                              "demand", jnum(x->demand), "covered_before", jnum(x->covered_before),
                                              "covered_after", jnum(x->covered_after), "share_before",
                                              jnum(x->demand > 0 ? x->covered_before / x->demand : NAN), "share_after",
                                              jnum(x->demand > 0 ? x->covered_after / x->demand : NAN), "new_sites",
                                              (json_int_t)x->new_sites, "floor_m2_per_1000_before",
                                              jnum(pop > 0 ? 1000 * x->floor_area_before_m2 / pop : NAN),
                                              "floor_m2_per_1000_after",
                                              jnum(pop > 0 ? 1000 * x->floor_area_after_m2 / pop : NAN)));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:s, s:o, s:o}", "category", cat->code, "solver",
                     lc_siting_solver(s), "gap", jnum(lc_siting_gap(s)), "share_before",
                     jnum(lc_siting_share_before(s)), "share_after", jnum(lc_siting_share_after(s)), "target_met",
                     lc_siting_target_met(s), "reason", lc_siting_reason(s), "proposals", props, "rows", rows);
}

/* summary.json of a check, with a "siting" section when siting is given. See
 * lc_results_summary_json. */

/* How exact a coverage's numbers and outlines are (lc_coverage_accuracy), for summary.json: the
 * circle's polygon in straight-line mode, the squares and grids along the network, each with the
 * bound or the largest deviation it gave in this run. */
static json_t *accuracy_json(const lc_coverage *cov)
{
    const lc_coverage_accuracy *a = lc_coverage_get_accuracy(cov);
    if (!a)
        return json_null();
    if (a->mode == LC_MODE_STRAIGHT)
        return json_pack("{s:s, s:i, s:i, s:o, s:s}", "method", "reach circles as inscribed regular polygons",
                         "circle_quadsegs", a->quadsegs, "circle_sides", 4 * a->quadsegs, "circle_area_deficit",
                         jnum(a->circle_deficit), "note",
                         "covered shares are at most circle_area_deficit (relative) short of exact circles; study "
                         "key circle_quadsegs sets the segments per quarter circle");
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "method",
                     "walking corridor as a distance field: exact shares in squares, outlines traced on grids",
                     "share_leaf_m", jnum(a->share_leaf_m), "share_bound", jnum(a->share_bound), "gap_cell_m",
                     jnum(a->gap_cell_m), "gap_deviation", jnum(a->gap_deviation), "service_cell_m",
                     jnum(a->service_cell_m), "note",
                     "no covered share is more than share_bound (0..1) above the exact one; gap outlines differ "
                     "from (1 - share) x area by at most gap_deviation of the compound's area; study keys "
                     "share_leaf_m, gap_cell_m and service_cell_m set the resolutions");
}

/* summary.json's "assumptions": distance mode, how population is spread, the demand points (network
 * mode), each category's reach, and the accuracy of the coverage (and of the straight-line one). A new
 * reference. */
static json_t *assumptions_json(const lc_results *r)
{
    json_t *assumptions = json_object();
    json_object_set_new(assumptions, "distance_mode",
                        json_string(lc_coverage_mode(r->coverage) == LC_MODE_STRAIGHT ? "straight-line" : "network"));
    json_object_set_new(assumptions, "population_method",
                        json_string("population spread evenly over each residential polygon; a polygon straddling "
                                    "街镇 boundaries is split by area of overlap unless its unit field names one"));
    if (lc_coverage_mode(r->coverage) == LC_MODE_NETWORK) {
        size_t ne = lc_coverage_entrance_polygons(r->coverage), np = lc_coverage_polygon_count(r->coverage);
        double g = 0;
        size_t ng = lc_coverage_grid_polygons(r->coverage, &g), nb = lc_coverage_building_polygons(r->coverage);
        char text[600], part[200];
        text[0] = '\0';
        if (ne) {
            snprintf(part, sizeof part, "%zu compounds walk from their entrances (小区出入口; covered whole when one "
                     "entrance is within reach); ", ne);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        if (nb) {
            snprintf(part, sizeof part, "%zu from their buildings (covered by the share of their residents in "
                     "buildings within reach); ", nb);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        if (ng) {
            snprintf(part, sizeof part, "%zu from points of a %.0f m grid inside them (covered by the share of "
                     "points within reach); ", ng, g);
            strncat(text, part, sizeof text - strlen(text) - 1);
        }
        snprintf(part, sizeof part, "%zu of %zu from a point on their surface (covered by the share of their area "
                 "within the walking corridor)", np - ne - ng - nb, np);
        strncat(text, part, sizeof text - strlen(text) - 1);
        json_object_set_new(assumptions, "demand_points", json_string(text));
    }
    json_t *reach = json_array();
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        const lc_category *cat = lc_profile_category(r->profile, c);
        json_array_append_new(reach, json_pack("{s:s, s:s, s:s, s:o, s:f, s:s}", "category", cat->code, "zh",
                                               cat->name_zh, "en", cat->name_en, "reach_m",
                                               jnum(lc_coverage_reach(r->coverage, c)), "minutes", cat->reach_minutes,
                                               "source", cat->reach_source ? cat->reach_source : ""));
        json_object_set_new(json_array_get(reach, c), "source_document", lc_cite_json(cat->reach_source));
    }
    json_object_set_new(assumptions, "reach", reach);
    json_object_set_new(assumptions, "accuracy", accuracy_json(r->coverage));
    if (r->straight && lc_coverage_mode(r->coverage) == LC_MODE_NETWORK)
        json_object_set_new(assumptions, "straight_accuracy", accuracy_json(r->straight));
    return assumptions;
}

/* summary.json's "network_comparison": residents in reach per category both ways, and how far
 * straight lines overstate (percentage points). A new reference. */
static json_t *comparison_json(const lc_results *r)
{
    /* Residents in reach per category both ways; how far straight lines overstate (percentage points). */
    json_t *cmp = json_array();
    double total = lc_coverage_population(r->coverage);
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++) {
        double s = lc_coverage_covered_population(r->straight, c), n = lc_coverage_covered_population(r->coverage, c);
        json_array_append_new(cmp, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "category",
                                             lc_profile_category(r->profile, c)->code, "population", jnum(total),
                                             "straight_pop", jnum(s), "network_pop", jnum(n), "straight_share",
                                             jnum(total > 0 ? s / total : NAN), "network_share",
                                             jnum(total > 0 ? n / total : NAN), "overstatement_pp",
                                             jnum(total > 0 ? 100 * (s - n) / total : NAN)));
    }
    return cmp;
}

/* summary.json's "inputs": every layer read with its source, layer, features and the SHA-256 of its
 * file (each file hashed once) or of its rows (a database table). A new reference. */
static json_t *inputs_json(const lc_results *r)
{
    json_t *inputs = json_array();
    /* Layers often share one file (a GeoPackage): each file is hashed once. */
    struct { const char *source; char hex[65]; int hashed; } seen[LC_LAYER_KIND_COUNT];
    size_t nseen = 0;
    for (int k = 0; k < LC_LAYER_KIND_COUNT; k++) {
        const lc_layer *L = lc_inputs_layer(r->inputs, (lc_layer_kind)k);
        if (!L)
            continue;
        size_t at = 0;
        while (at < nseen && strcmp(seen[at].source, lc_layer_source(L)))
            at++;
        if (at == nseen) {
            seen[at].source = lc_layer_source(L);
            seen[at].hex[0] = '\0';
            seen[at].hashed = file_sha256(seen[at].source, seen[at].hex) == 0;
            nseen++;
        }
        const char *hex = seen[at].hex;
        int hashed = seen[at].hashed;
        json_t *in = json_pack("{s:s, s:s, s:s, s:I, s:o}", "kind", lc_layer_kind_name((lc_layer_kind)k), "source",
                               lc_layer_source(L), "layer", lc_layer_name(L), "features", (json_int_t)lc_layer_count(L),
                               "sha256", hashed ? json_string(hex) : json_null());
        if (lc_layer_rows_sha256(L)) /* a database table: what it held when read */
            json_object_set_new(in, "rows_sha256", json_string(lc_layer_rows_sha256(L)));
        json_array_append_new(inputs, in);
    }
    return inputs;
}

/* summary.json's "norms": every norm of the profile with its kind, target, names and source, and for
 * presence norms their level, categories and rules. A new reference. */
static json_t *norms_json(const lc_results *r)
{
    json_t *norms = json_array();
    for (size_t k = 0; k < lc_profile_norm_count(r->profile); k++) {
        const lc_norm *n = lc_profile_norm(r->profile, k);
        json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "code", n->code, "kind", kind_name(n->kind), "target",
                              jnum(n->target), "zh", n->zh, "en", n->en, "source", n->source);
        json_object_set_new(o, "source_document", lc_cite_json(n->source));
        if (n->kind == LC_NORM_UNIT_PRESENCE) {
            static const char *const only[] = {"all", "villagers", "residents", "rural", "urban"};
            json_t *cats = json_array();
            for (size_t c = 0; c < n->ncategories; c++)
                json_array_append_new(cats, json_string(lc_profile_category(r->profile, (size_t)n->categories[c])->code));
            json_object_set_new(o, "level", json_string(lc_level_name(n->level)));
            json_object_set_new(o, "level_zh", json_string(lc_level_name_zh(n->level)));
            json_object_set_new(o, "categories", cats);
            json_object_set_new(o, "min", json_integer((json_int_t)n->min_count));
            json_object_set_new(o, "only", json_string(only[n->only]));
            json_object_set_new(o, "serve", json_string(n->serve_reach ? "reach" : "inside"));
        }
        json_array_append_new(norms, o);
    }
    return norms;
}

/* summary.json's "data_quality": every issue with its severity and check. A new reference. */
static json_t *issues_json(const lc_results *r)
{
    json_t *issues = json_array();
    for (size_t i = 0; i < lc_quality_count(r->quality); i++) {
        const lc_issue *it = lc_quality_get(r->quality, i);
        json_array_append_new(issues, json_pack("{s:s, s:s, s:s}", "severity",
                                                it->severity == LC_SEVERITY_ERROR ? "error" : it->severity == LC_SEVERITY_WARNING ? "warning" : "info",
                                                "check", it->check, "message", it->message));
    }
    return issues;
}

/* Row at of summary.json's "rows" (the 街镇 and the whole area, at < nrow) or "districts" (at - nrow):
 * populations, floor area, every norm's indicator and per category facilities and coverage. A new
 * reference. */
static json_t *row_json(const lc_results *r, size_t at, size_t nrow, size_t ndist)
{
    size_t row = at < nrow ? at : lc_indicators_district_row(r->indicators, at - nrow);
    const lc_feature *df = at < nrow ? NULL
                                     : lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS), at - nrow);
    json_t *o = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o}", "id", jstr(df ? df->id : row_id(r, row)), "name",
                          df ? (df->name ? df->name : df->id) : row_name(r, row),
                          "population", jnum(lc_indicators_population(r->indicators, row)), "pop60",
                          jnum(lc_indicators_pop60(r->indicators, row)), "pop65",
                          jnum(lc_indicators_pop65(r->indicators, row)), "floor_area_m2",
                          jnum(lc_indicators_floor_area(r->indicators, row)));
    if (df)
        json_object_set_new(o, "profile",
                            json_string(lc_profile_name(lc_indicators_district_profile(r->indicators, at - nrow))));
    else if (ndist && at + 1 < nrow)
        json_object_set_new(o, "district", jstr(lc_level_id(r, LC_LEVEL_DISTRICT,
                                                            lc_indicators_unit_district(r->indicators, at))));
    json_t *ind = json_object();
    for (size_t k = 0; k < lc_profile_norm_count(r->profile); k++) {
        const lc_indicator *x = lc_indicators_get(r->indicators, row, k);
        json_object_set_new(ind, lc_profile_norm(r->profile, k)->code,
                            json_pack("{s:o, s:o, s:s, s:o, s:s, s:o, s:o}", "value", jnum(x->value), "target",
                                      jnum(x->target), "pass", pass_text(x->pass), "shortfall",
                                      jnum(x->pass == -1 ? NAN : x->shortfall), "shortfall_unit",
                                      x->shortfall_unit ? x->shortfall_unit : "", "numerator", jnum(x->numerator),
                                      "denominator", jnum(x->denominator)));
        const char *code = NULL, *why = lc_indicators_why_na(r->indicators, row, k, &code);
        if (why) {
            json_t *cell = json_object_get(ind, lc_profile_norm(r->profile, k)->code);
            json_object_set_new(cell, "note", json_string(why));
            json_object_set_new(cell, "note_code", json_string(code));
        }
    }
    json_object_set_new(o, "indicators", ind);
    json_t *cov = json_object();
    for (size_t c = 0; c < lc_profile_category_count(r->profile); c++)
        json_object_set_new(cov, lc_profile_category(r->profile, c)->code,
                            json_pack("{s:I, s:o, s:o}", "facilities",
                                      (json_int_t)lc_indicators_facility_count(r->indicators, row, c), "covered_pop",
                                      jnum(lc_indicators_covered(r->indicators, row, c)), "covered_share",
                                      jnum(lc_indicators_covered_share(r->indicators, row, c))));
    json_object_set_new(o, "categories", cov);
    return o;
}

char *lc_results_summary_json(lc_context *ctx, const lc_results *r)
{
    return lc_summary_json(ctx, r, NULL, 0);
}

char *lc_summary_json(lc_context *ctx, const lc_results *r, const lc_siting *siting, size_t category)
{
    json_t *root = json_object();
    const lc_crs *crs = lc_inputs_crs(r->inputs);
    json_object_set_new(root, "toolkit", json_pack("{s:s, s:s}", "name", "lifecircle", "version", lc_version()));
    json_object_set_new(root, "study", jstr(lc_study_path(r->study)));
    json_object_set_new(root, "profile", json_pack("{s:s, s:s}", "name", lc_profile_name(r->profile), "title",
                                                   lc_profile_title(r->profile)));
    json_object_set_new(root, "crs", json_pack("{s:s, s:o}", "name", lc_crs_name(crs), "id", jstr(lc_crs_id(crs))));

    json_object_set_new(root, "assumptions", assumptions_json(r));
    if (r->straight && lc_coverage_mode(r->coverage) == LC_MODE_NETWORK)
        json_object_set_new(root, "network_comparison", comparison_json(r));

    if (siting)
        json_object_set_new(root, "siting", siting_json(ctx, r, siting, category));
    const char *added_from = NULL;
    size_t added = lc_inputs_added(r->inputs, &added_from);
    if (added) /* check --with-proposals */
        json_object_set_new(root, "proposals_added",
                            json_pack("{s:I, s:s, s:s}", "count", (json_int_t)added, "source", added_from, "note",
                                      "a site run's proposals added as facilities of their category, with their "
                                      "suggested floor area, before the check (ids proposal-<rank>)"));

    json_object_set_new(root, "inputs", inputs_json(r));

    json_object_set_new(root, "norms", norms_json(r));

    json_t *rows = json_array();
    size_t nrow = lc_indicators_row_count(r->indicators), ndist = lc_indicators_district_count(r->indicators);
    json_t *districts = ndist ? json_array() : NULL;
    for (size_t at = 0; at < nrow + ndist; at++) {
        /* the 街镇 and the whole area, then the districts */
        json_t *o = row_json(r, at, nrow, ndist);
        json_array_append_new(at < nrow ? rows : districts, o);
    }
    json_object_set_new(root, "rows", rows);
    if (districts)
        json_object_set_new(root, "districts", districts);
    json_t *levels = lc_levels_json(r);
    if (json_object_size(levels))
        json_object_set_new(root, "levels", levels);
    else
        json_decref(levels);

    json_t *access = lc_access_summary_json(r); /* outputs/access_out.c */
    if (access)
        json_object_set_new(root, "accessibility", access);
    json_object_set_new(root, "data_quality", issues_json(r));
    json_object_set_new(root, "failing_norms", json_integer((json_int_t)lc_indicators_failures(r->indicators)));

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (!text) {
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing summary.json");
        return NULL;
    }
    /* jansson allocates with malloc by default; hand the caller a string to free(). */
    return text;
}

/* Whether the study has a level of the ladder besides the 街镇 (summary.csv then says each row's). */
static int has_ladder(const lc_results *r)
{
    return lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS) || lc_inputs_layer(r->inputs, LC_LAYER_COMMITTEES) ||
           lc_inputs_layer(r->inputs, LC_LAYER_AREAS) || lc_inputs_layer(r->inputs, LC_LAYER_GROUPS);
}

/* Row i of summary.csv (and of the summary table): every norm of each 街镇, then of the whole area,
 * then of each district, then every presence norm of each unit of a lower level asked it, then
 * every accessibility entry of each 街镇, the whole area and each district. 0, or -1 past the end. */
int lc_summary_row_at(const lc_results *r, size_t i, lc_summary_row *out)
{
    size_t nn = lc_profile_norm_count(r->profile), nrow = lc_indicators_row_count(r->indicators);
    size_t nd = lc_indicators_district_count(r->indicators);
    if (i < (nrow + nd) * nn) {
        size_t at = i / nn, k = i % nn;
        size_t row = at < nrow ? at : lc_indicators_district_row(r->indicators, at - nrow);
        const lc_feature *df = at < nrow ? NULL
                                         : lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS), at - nrow);
        long d = df ? (long)(at - nrow) : at + 1 < nrow ? lc_indicators_unit_district(r->indicators, at) : -1;
        *out = (lc_summary_row){.level = df ? "district" : at + 1 < nrow ? "unit" : "total",
                                .id = df ? df->id : row_id(r, row),
                                .name = df ? (df->name ? df->name : df->id) : row_name(r, row),
                                .parent = df ? NULL : lc_level_id(r, LC_LEVEL_DISTRICT, d),
                                .district = lc_level_id(r, LC_LEVEL_DISTRICT, d), .norm = k,
                                .x = *lc_indicators_get(r->indicators, row, k),
                                .note = lc_indicators_why_na(r->indicators, row, k, NULL)};
    } else {
        size_t j = i - (nrow + nd) * nn, nlevel = nn ? lc_summary_level_rows(r) : 0;
        if (j < nlevel) {
            if (lc_summary_level_row(r, j, out) != 0)
                return -1;
        } else {
            /* accessibility: per entry, each 街镇, the whole area, each district (the access rows) */
            size_t na = r->access ? lc_access_count(r->access) : 0, nar = nrow + nd;
            j -= nlevel;
            if (j >= na * nar)
                return -1;
            size_t s = j / nar, at = j % nar;
            size_t row = at < nrow ? at : lc_indicators_district_row(r->indicators, at - nrow);
            const lc_feature *df =
                at < nrow ? NULL : lc_layer_feature(lc_inputs_layer(r->inputs, LC_LAYER_DISTRICTS), at - nrow);
            long d = df ? (long)(at - nrow) : at + 1 < nrow ? lc_indicators_unit_district(r->indicators, at) : -1;
            const lc_access_spec *a = lc_access_spec_of(r->access, s);
            *out = (lc_summary_row){.level = df ? "district" : at + 1 < nrow ? "unit" : "total",
                                    .id = df ? df->id : row_id(r, row),
                                    .name = df ? (df->name ? df->name : df->id) : row_name(r, row),
                                    .parent = df ? NULL : lc_level_id(r, LC_LEVEL_DISTRICT, d),
                                    .district = lc_level_id(r, LC_LEVEL_DISTRICT, d), .norm = s, .access = a,
                                    .zh = a->zh, .en = a->en, .source = a->source,
                                    .x = lc_access_row_get(r->access, s, row)};
            snprintf(out->code_buf, sizeof out->code_buf, "access_%s", a->code);
            out->code = out->code_buf;
            return 0;
        }
    }
    const lc_norm *n = lc_profile_norm(r->profile, out->norm);
    out->code = n->code, out->zh = n->zh, out->en = n->en, out->source = n->source;
    return 0;
}

/* ---- the summary tables: one set of rows, a table layer or CSV text ---------------------------- */

/* Where a summary table's rows go: the table layer of an output (w), or CSV text (csv) that is the
 * summary.csv a GeoPackage output keeps beside lifecircle.gpkg. One row builder per table feeds
 * both, so the CSV beside the GeoPackage holds what the table holds, in the bytes the table writer
 * gives a Shapefile or GeoJSON output's table (outputs/vector_features.c): a byte-order mark, the
 * field names, a null or non-finite number as an empty cell, CR LF after each row. */
typedef struct table_sink {
    lc_layer_writer *w;        /* the layer, or NULL for csv */
    lc_csv *csv;
    const lc_field_def *defs;  /* the table's fields (borrowed) */
    size_t nf;
} table_sink;

/* Starts the table: the CSV's header row (the layer is created by the caller). LC_OK or LC_ERR_NOMEM. */
static lc_status sink_begin(lc_context *ctx, table_sink *t)
{
    if (t->w)
        return LC_OK;
    lc_status st = lc_csv_begin(ctx, t->csv);
    for (size_t i = 0; i < t->nf && st == LC_OK; i++)
        st = lc_csv_text(ctx, t->csv, t->defs[i].name, i == 0);
    return st == LC_OK ? lc_csv_end_row(ctx, t->csv) : st;
}

/* One row of values (t->nf of them, in the order of t->defs). LC_OK or the writer's error. */
static lc_status sink_row(lc_context *ctx, table_sink *t, const lc_value *v)
{
    if (t->w)
        return lc_layer_writer_add(ctx, t->w, NULL, v);
    lc_status st = LC_OK;
    for (size_t i = 0; i < t->nf && st == LC_OK; i++) {
        lc_field_type type = t->defs[i].type;
        st = v[i].is_null || type == LC_FIELD_STRING ? lc_csv_text(ctx, t->csv, v[i].is_null ? NULL : v[i].s, i == 0)
           : type == LC_FIELD_INTEGER ? lc_csv_integer(ctx, t->csv, v[i].i, i == 0)
                                      : lc_csv_real(ctx, t->csv, v[i].d, i == 0);
    }
    return st == LC_OK ? lc_csv_end_row(ctx, t->csv) : st;
}

/* The fields of a check's summary table into all[19] (its level, parent and district columns only
 * with the administrative ladder; the note last); how many. */
static size_t summary_fields(const lc_results *r, lc_field_def all[19])
{
    static const lc_field_def defs[] = {
        {"unit_id", "UNIT_ID", LC_FIELD_STRING, 80, 0, "街镇编号", "Unit id, or total", ""},
        {"unit_name", "UNIT_NAME", LC_FIELD_STRING, 80, 0, "街镇名称", "Unit name", ""},
        {"norm", "NORM", LC_FIELD_STRING, 32, 0, "指标代码", "Norm code", ""},
        {"指标", "ZH", LC_FIELD_STRING, 80, 0, "指标", "Norm (Chinese)", ""},
        {"indicator", "INDICATOR", LC_FIELD_STRING, 80, 0, "指标(英文)", "Norm (English)", ""},
        {"value", "VALUE", LC_FIELD_REAL, 0, 0, "数值", "Value", ""},
        {"target", "TARGET", LC_FIELD_REAL, 0, 0, "目标", "Target", ""},
        {"pass", "PASS", LC_FIELD_STRING, 8, 0, "是否达标", "pass, fail or n/a", ""},
        {"shortfall", "SHORTFALL", LC_FIELD_REAL, 0, 0, "缺口", "Shortfall", ""},
        {"shortfall_unit", "SHORT_UNIT", LC_FIELD_STRING, 32, 0, "缺口单位", "Unit of the shortfall", ""},
        {"numerator", "NUMERATOR", LC_FIELD_REAL, 0, 0, "分子", "Numerator", ""},
        {"denominator", "DENOM", LC_FIELD_REAL, 0, 0, "分母", "Denominator", ""},
        {"source", "SOURCE", LC_FIELD_STRING, 80, 0, "依据", "Source of the norm", ""},
        {"source_document", "SOURCE_DOC", LC_FIELD_STRING, 254, 0, "依据文件", "The source spelt out as a "
         "规划说明书 cites it: document title and number, section, the short code", ""},
        {"是否达标", "PASS_ZH", LC_FIELD_STRING, 16, 0, "是否达标 (达标/未达标/不适用)", "pass in Chinese: 达标 pass, "
         "未达标 fail, 不适用 n/a", ""},
        {"level", "LEVEL", LC_FIELD_STRING, 16, 0, "层级", "Level: unit (街镇), total, district (区), area (片区), "
         "committee (居村), group (村民小组)", ""},
        {"parent_id", "PARENT_ID", LC_FIELD_STRING, 80, 0, "上级编号", "Id of the unit it lies in (街镇, or 区)", ""},
        {"district_id", "DIST_ID", LC_FIELD_STRING, 80, 0, "所属区编号", "Id of its district (区)", ""},
    };
    static const lc_field_def note_def = {"note", "NOTE", LC_FIELD_STRING, 160, 0, "说明",
                                          "Why the norm has no value in this row (empty when it has one)", ""};
    size_t nf = has_ladder(r) ? 18 : 15;
    memcpy(all, defs, nf * sizeof *defs);
    all[nf++] = note_def;
    return nf;
}

/* Every row of a check's summary (lc_summary_row_at) into t, whose fields are summary_fields'.
 * LC_OK or the error of the row. */
static lc_status summary_rows(lc_context *ctx, const lc_results *r, table_sink *t)
{
    lc_status st = sink_begin(ctx, t);
    lc_summary_row sr;
    for (size_t i = 0; st == LC_OK && lc_summary_row_at(r, i, &sr) == 0; i++) {
        const lc_indicator *x = &sr.x;
        char *doc = lc_cite_expand(ctx, sr.source); /* source_document: spelt out */
        if (!doc)
            return LC_ERR_NOMEM;
        lc_value v[18] = {str_value(sr.id), str_value(sr.name), str_value(sr.code),
                          str_value(sr.zh), str_value(sr.en), real_value(x->value), real_value(x->target),
                          str_value(pass_text(x->pass)), real_value(x->pass == -1 ? NAN : x->shortfall),
                          str_value(x->shortfall_unit), real_value(x->numerator),
                          real_value(x->denominator), str_value(sr.source), str_value(doc),
                          str_value(pass_text_zh(x->pass)),
                          str_value(sr.level),
                          str_value(sr.parent), str_value(sr.district)};
        lc_value vals[19];
        memcpy(vals, v, (t->nf - 1) * sizeof *v);
        vals[t->nf - 1] = str_value(sr.note);
        st = sink_row(ctx, t, vals);
        free(doc);
    }
    return st;
}

char *lc_results_summary_csv(lc_context *ctx, const lc_results *r)
{
    lc_field_def all[19];
    lc_csv c = {0};
    table_sink t = {.csv = &c, .defs = all, .nf = summary_fields(r, all)};
    if (summary_rows(ctx, r, &t) != LC_OK) {
        lc_csv_free(&c);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing summary.csv");
        return NULL;
    }
    return c.text;
}

/* summary: the rows of summary.csv as a table layer, so every format stores it its own way
 * (summary.csv for Shapefile and GeoJSON, a table in the GeoPackage or PostGIS). The columns and
 * values are those of lc_results_summary_csv(). LC_OK or the writer's error. */
lc_status lc_results_write_summary(lc_context *ctx, lc_output *out, const lc_results *r)
{
    lc_field_def all[19];
    table_sink t = {.defs = all, .nf = summary_fields(r, all)};
    if (!(t.w = lc_output_layer_create(ctx, out, "summary", -1, all, t.nf)))
        return lc_context_errno(ctx);
    lc_status st = summary_rows(ctx, r, &t);
    lc_status cst = lc_layer_writer_close(ctx, t.w);
    return st == LC_OK ? cst : st;
}

/* The fields of a `site` run's summary table. */
static const lc_field_def site_fields[] = {
    {"unit_id", "UNIT_ID", LC_FIELD_STRING, 80, 0, "街镇编号", "Unit id, or total", ""},
    {"unit_name", "UNIT_NAME", LC_FIELD_STRING, 80, 0, "街镇名称", "Unit name", ""},
    {"category", "CATEGORY", LC_FIELD_STRING, 32, 0, "设施类别代码", "Category sited", ""},
    {"demand", "DEMAND", LC_FIELD_REAL, 0, 1, "需求人口", "Demand (residents or registered 60+)", "people"},
    {"covered_before", "COV_BEF", LC_FIELD_REAL, 0, 1, "现状覆盖人口", "Covered before", "people"},
    {"covered_after", "COV_AFT", LC_FIELD_REAL, 0, 1, "建议后覆盖人口", "Covered after the proposals", "people"},
    {"share_before", "SHARE_BEF", LC_FIELD_REAL, 0, 4, "现状覆盖比例", "Coverage before", "share 0-1"},
    {"share_after", "SHARE_AFT", LC_FIELD_REAL, 0, 4, "建议后覆盖比例", "Coverage after", "share 0-1"},
    {"new_sites", "NEW_SITES", LC_FIELD_INTEGER, 0, 0, "新增设施数", "Proposed sites", ""},
    {"floor_per_1000_before", "FLR_BEF", LC_FIELD_REAL, 0, 2, "现状千人建筑面积", "Floor area per 1,000 before", "m²"},
    {"floor_per_1000_after", "FLR_AFT", LC_FIELD_REAL, 0, 2, "建议后千人建筑面积", "Floor area per 1,000 after", "m²"},
};
#define SITE_NFIELDS (sizeof site_fields / sizeof *site_fields)

/* Every row of a `site` run's summary for category (each unit, then the whole area) into t. LC_OK
 * or the error of the row. */
static lc_status site_summary_rows(lc_context *ctx, const lc_results *r, const lc_siting *s, size_t category,
                                   table_sink *t)
{
    lc_status st = sink_begin(ctx, t);
    const char *code = lc_profile_category(r->profile, category)->code;
    for (size_t row = 0; row < lc_siting_row_count(s) && st == LC_OK; row++) {
        const lc_siting_row *x = lc_siting_row_get(s, row);
        double pop = lc_indicators_population(r->indicators, row);
        lc_value v[SITE_NFIELDS] = {str_value(row_id(r, row)), str_value(row_name(r, row)), str_value(code),
                                    real_value(x->demand), real_value(x->covered_before),
                                    real_value(x->covered_after),
                                    real_value(x->demand > 0 ? x->covered_before / x->demand : NAN),
                                    real_value(x->demand > 0 ? x->covered_after / x->demand : NAN),
                                    int_value((long long)x->new_sites),
                                    real_value(pop > 0 ? 1000 * x->floor_area_before_m2 / pop : NAN),
                                    real_value(pop > 0 ? 1000 * x->floor_area_after_m2 / pop : NAN)};
        st = sink_row(ctx, t, v);
    }
    return st;
}

/* summary of a `site` run: before/after per unit and for the whole area, as a table layer. LC_OK or
 * the writer's error. */
lc_status lc_results_write_site_summary(lc_context *ctx, lc_output *out, const lc_results *r, const lc_siting *s,
                                        size_t category)
{
    table_sink t = {.defs = site_fields, .nf = SITE_NFIELDS};
    if (!(t.w = lc_output_layer_create(ctx, out, "summary", -1, site_fields, SITE_NFIELDS)))
        return lc_context_errno(ctx);
    lc_status st = site_summary_rows(ctx, r, s, category, &t);
    lc_status cst = lc_layer_writer_close(ctx, t.w);
    return st == LC_OK ? cst : st;
}

char *lc_results_site_summary_csv(lc_context *ctx, const lc_results *r, const lc_siting *s, size_t category)
{
    lc_csv c = {0};
    table_sink t = {.csv = &c, .defs = site_fields, .nf = SITE_NFIELDS};
    if (site_summary_rows(ctx, r, s, category, &t) != LC_OK) {
        lc_csv_free(&c);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing summary.csv");
        return NULL;
    }
    return c.text;
}
