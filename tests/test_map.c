/*
 * tests/test_map.c — the cairo map (lifecircle/map.h) read back pixel by pixel. A small world whose
 * picture is known by hand: compound A, a 200 m square at the origin with a centre on its corner
 * (reach 1,000 m: fully covered), and compound B, the same square 2 km east (a gap), and a meal point
 * between them. Where each lands on the page follows from the layout and extent rules of map.h
 * worked out here, not from the renderer; colours come from the shared palette, translucent ones
 * blended by hand. PDF: the A3 MediaBox parsed from the file's text, the embedded Noto CJK font, and
 * equal bytes from renders a second apart. Also: misuse, a missing font (an empty fontconfig), and
 * the Porto demo rendered in memory.
 */
#include <cairo.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifecircle/map.h"
#include "outputs/map_labels_int.h"
#include "outputs/style_int.h"
#include "tests/lc_test.h"

#define A3_W (420.0 / 25.4 * 72.0)
#define A3_H (297.0 / 25.4 * 72.0)

typedef lct_world world;

static const char *RESIDENTIAL =
    "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"population\":100},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[0,0],[200,0],[200,200],[0,200],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"B\",\"population\":50},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[2000,0],[2200,0],[2200,200],[2000,200],[2000,0]]]}}]}";

static const char *FACILITIES =
    "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"C\",\"category\":\"centre\",\"floor_area\":1},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"category\":\"meal_point\",\"floor_area\":1},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1100,150]}}]}";

/* The extent of the fixture by hand: residential [0, 2200] × [0, 200], facilities inside it; grown
 * by 5% of 2200 = 110 m on every side. */
static const double EXT_MINX = -110, EXT_MINY = -110, EXT_MAXX = 2310, EXT_MAXY = 310;

static world build(void)
{
    world w = {.dir = lct_tmpdir()};
    char *r = lct_path(w.dir, "r.geojson"), *f = lct_path(w.dir, "f.geojson");
    ck_assert_int_eq(lct_write_text(r, RESIDENTIAL), 0);
    ck_assert_int_eq(lct_write_text(f, FACILITIES), 0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lct_world_load(&w, st, NULL);
    free(r);
    free(f);
    return w;
}

static lc_results results_of(const world *w)
{
    return (lc_results){.study = w->study, .inputs = w->inputs, .profile = w->profile, .coverage = w->cov,
                        .indicators = w->ind, .quality = w->quality};
}

static size_t cat(const world *w, const char *code)
{
    int c = lc_profile_find_category(w->profile, code);
    ck_assert_int_ge(c, 0);
    return (size_t)c;
}

/* ---- where things land (map.h's layout, computed independently) ---------------------------- */

typedef struct page {
    double u, fx, fy, fw, fh, lx, lw, s, ox, oy;
} page;

static page layout_of(double W, double H)
{
    page p;
    p.u = fmin(W / A3_W, H / A3_H);
    p.fx = 24 * p.u;
    p.fy = 86 * p.u;
    p.fw = (W - 330 * p.u) - p.fx;
    p.fh = (H - 24 * p.u) - p.fy;
    p.lx = W - 314 * p.u;
    p.lw = 290 * p.u;
    double ew = EXT_MAXX - EXT_MINX, eh = EXT_MAXY - EXT_MINY;
    p.s = fmin(p.fw / ew, p.fh / eh);
    p.ox = p.fx + (p.fw - ew * p.s) / 2;
    p.oy = p.fy + (p.fh - eh * p.s) / 2;
    return p;
}

/* The pixel holding the working-CRS point (x, y). */
static int pix_x(const page *p, double x)
{
    return (int)floor(p->ox + (x - EXT_MINX) * p->s);
}

static int pix_y(const page *p, double y)
{
    return (int)floor(p->oy + (EXT_MAXY - y) * p->s);
}

/* ---- PNG decoding with cairo ------------------------------------------------------------------ */

typedef struct reader {
    const unsigned char *data;
    size_t len, pos;
} reader;

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int length)
{
    reader *r = closure;
    if (r->len - r->pos < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->data + r->pos, length);
    r->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *decode(const unsigned char *png, size_t len)
{
    ck_assert_uint_gt(len, 8);
    ck_assert_int_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0);
    reader r = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_png, &r);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    return s;
}

static lc_rgb pixel(cairo_surface_t *s, int x, int y)
{
    /* Checked without ck_assert: Check records the location of every assertion, too slow per pixel. */
    if (x < 0 || y < 0 || x >= cairo_image_surface_get_width(s) || y >= cairo_image_surface_get_height(s))
        ck_abort_msg("pixel (%d, %d) outside the image", x, y);
    const unsigned char *row = cairo_image_surface_get_data(s) + (size_t)y * (size_t)cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, row + 4 * (size_t)x, 4);
    return (lc_rgb){(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
}

static int same(lc_rgb a, lc_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

#define assert_rgb(got, want)                                                                                   \
    ck_assert_msg(same((got), (want)), "pixel (%d,%d,%d), expected (%d,%d,%d)", (got).r, (got).g, (got).b, \
                  (want).r, (want).g, (want).b)

/* Colour c at alpha a over background b, rounded, and a check within ±tol per channel. */
static lc_rgb over(lc_rgb c, double a, lc_rgb b)
{
    return (lc_rgb){(unsigned char)lround(c.r * a + b.r * (1 - a)), (unsigned char)lround(c.g * a + b.g * (1 - a)),
                    (unsigned char)lround(c.b * a + b.b * (1 - a))};
}

static void assert_near(lc_rgb got, lc_rgb want, int tol)
{
    ck_assert_msg(abs(got.r - want.r) <= tol && abs(got.g - want.g) <= tol && abs(got.b - want.b) <= tol,
                  "pixel (%d,%d,%d), expected (%d,%d,%d) ±%d", got.r, got.g, got.b, want.r, want.g, want.b, tol);
}

/* Number of pixels of exactly colour c in the box [x0, x1) × [y0, y1). */
static long count_colour(cairo_surface_t *s, int x0, int y0, int x1, int y1, lc_rgb c)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += same(pixel(s, x, y), c);
    return n;
}

static const lc_rgb BG = {LC_MAP_BG_R, LC_MAP_BG_G, LC_MAP_BG_B};

/* ---- tests ------------------------------------------------------------------------------------ */

START_TEST(png_pixels_where_expected)
{
    world w = build();
    lc_results res = results_of(&w);
    size_t centre = cat(&w, "centre"), meal = cat(&w, "meal_point");
    /* The fixture is what the picture assumes: A fully covered, B not at all. */
    ck_assert_double_eq(lc_coverage_get(w.cov, 0, centre)->covered_share, 1.0);
    ck_assert_double_eq(lc_coverage_get(w.cov, 1, centre)->covered_share, 0.0);
    ck_assert_double_eq(lc_coverage_reach(w.cov, centre), 1000.0);

    size_t n = 0;
    unsigned char *png = lc_map_render(lct_ctx, &res, centre, NULL, &n); /* NULL: the default PNG */
    ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
    cairo_surface_t *s = decode(png, n);
    ck_assert_int_eq(cairo_image_surface_get_width(s), 1600);
    ck_assert_int_eq(cairo_image_surface_get_height(s), 1131);
    page p = layout_of(1600, 1131);

    /* A's centre (100, 100): the fully covered class, opaque over the service area. */
    assert_rgb(pixel(s, pix_x(&p, 100), pix_y(&p, 100)), lc_style_share_colour[4]);
    /* (600, 100): inside the service area (608 m from the centre), outside every compound. */
    assert_near(pixel(s, pix_x(&p, 600), pix_y(&p, 100)),
                over(lc_style_service_area, LC_STYLE_SERVICE_AREA_ALPHA, BG), 1);
    /* (1600, −50): 1.6 km from the centre, nothing drawn: the frame's background. */
    assert_rgb(pixel(s, pix_x(&p, 1600), pix_y(&p, -50)), BG);
    /* The centre at (0, 0), large and opaque in its category colour. */
    assert_rgb(pixel(s, pix_x(&p, 0), pix_y(&p, 0)), lc_style_category[centre % LC_STYLE_CATEGORY_COLOURS]);
    /* The meal point at (1100, 150), 1,110 m from the centre (outside its service area): small and
     * faint, its colour at 45% over the background. */
    assert_near(pixel(s, pix_x(&p, 1100), pix_y(&p, 150)), over(lc_style_category[meal % LC_STYLE_CATEGORY_COLOURS], 0.45, BG), 1);

    /* B, the gap: around its centre, hatching in the gap colour over the 0–25% class; every pixel is
     * one of the two or an antialiased mix of them (on the segment between them). */
    int bx = pix_x(&p, 2100), by = pix_y(&p, 100), r = 20;
    lc_rgb c0 = lc_style_share_colour[0], g = lc_style_gap;
    ck_assert_int_gt(count_colour(s, bx - r, by - r, bx + r, by + r, g), 50);
    ck_assert_int_gt(count_colour(s, bx - r, by - r, bx + r, by + r, c0), 50);
    for (int y = by - r; y < by + r; y++)
        for (int x = bx - r; x < bx + r; x++) {
            lc_rgb q = pixel(s, x, y);
            double t = (double)(q.r - c0.r) / (g.r - c0.r); /* share of gap colour from the red channel */
            lc_rgb want = over(g, t, c0);
            if (!(t >= -0.01 && t <= 1.01) || abs(q.g - want.g) > 2 || abs(q.b - want.b) > 2)
                ck_abort_msg("pixel (%d,%d) = (%d,%d,%d) is no mix of class 0 and the gap colour", x, y, q.r, q.g, q.b);
        }
    /* No gap colour in A, no covered colour in B. */
    int ax = pix_x(&p, 100), ay = pix_y(&p, 100);
    ck_assert_int_eq(count_colour(s, ax - r, ay - r, ax + r, ay + r, g), 0);
    ck_assert_int_eq(count_colour(s, bx - r, by - r, bx + r, by + r, lc_style_share_colour[4]), 0);

    /* The legend panel holds every swatch colour and the centre's marker colour, no proposal. */
    int lx0 = (int)ceil(p.lx), lx1 = (int)floor(p.lx + p.lw), ly0 = (int)ceil(p.fy), ly1 = (int)floor(p.fy + p.fh);
    for (int k = 0; k < LC_STYLE_SHARE_CLASSES; k++)
        ck_assert_int_gt(count_colour(s, lx0, ly0, lx1, ly1, lc_style_share_colour[k]), 100);
    ck_assert_int_gt(count_colour(s, lx0, ly0, lx1, ly1, lc_style_gap), 10);
    ck_assert_int_gt(count_colour(s, lx0, ly0, lx1, ly1, lc_style_category[centre % LC_STYLE_CATEGORY_COLOURS]), 10);
    ck_assert_int_eq(count_colour(s, 0, 0, 1600, 1131, lc_style_proposal), 0);
    /* And the legend is not part of the map: no share colour of classes 1–3 in the frame. */
    for (int k = 1; k <= 3; k++)
        ck_assert_int_eq(count_colour(s, (int)p.fx, (int)p.fy, (int)(p.fx + p.fw), (int)(p.fy + p.fh),
                                      lc_style_share_colour[k]),
                         0);
    /* Text: dark pixels in the title band (nothing else is drawn there). */
    long dark = 0;
    for (int y = (int)(24 * p.u); y < (int)(76 * p.u); y++)
        for (int x = 0; x < 1600; x++) {
            lc_rgb q = pixel(s, x, y);
            dark += q.r < 80 && q.g < 80 && q.b < 80;
        }
    ck_assert_int_gt(dark, 500);

    cairo_surface_destroy(s);
    free(png);
    lct_world_free(&w);
}
END_TEST

START_TEST(png_other_size_and_proposals)
{
    world w = build();
    lc_results res = results_of(&w);
    size_t centre = cat(&w, "centre");
    lc_siting_options so = {.objective = LC_SITING_MCLP, .category = centre, .k = 1};
    lc_siting *sit = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &so);
    ck_assert_msg(sit != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_siting_count(sit), 1);
    lc_xy site = lc_siting_get(sit, 0)->site;
    /* The one new site goes into B's gap (the only uncovered residents). */
    ck_assert(site.x >= 2000 && site.x <= 2200 && site.y >= 0 && site.y <= 200);

    /* A page of another shape: 1000 × 900 is narrower than A3, so u follows the width. */
    lc_map_options o = {.format = LC_MAP_PNG, .width_px = 1000, .height_px = 900, .siting = sit};
    size_t n = 0;
    unsigned char *png = lc_map_render(lct_ctx, &res, centre, &o, &n);
    ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
    cairo_surface_t *s = decode(png, n);
    ck_assert_int_eq(cairo_image_surface_get_width(s), 1000);
    ck_assert_int_eq(cairo_image_surface_get_height(s), 900);
    page p = layout_of(1000, 900);
    ck_assert_double_eq_tol(p.u, 1000 / A3_W, 1e-12);
    assert_rgb(pixel(s, pix_x(&p, 100), pix_y(&p, 100)), lc_style_share_colour[4]);
    /* The star at the proposal, in the proposal colour; its swatch in the legend. */
    assert_rgb(pixel(s, pix_x(&p, site.x), pix_y(&p, site.y)), lc_style_proposal);
    ck_assert_int_gt(count_colour(s, (int)ceil(p.lx), (int)ceil(p.fy), (int)floor(p.lx + p.lw), (int)floor(p.fy + p.fh),
                                  lc_style_proposal),
                     20);
    cairo_surface_destroy(s);
    free(png);

    /* Equal inputs, equal bytes. */
    size_t n2 = 0;
    unsigned char *png2 = lc_map_render(lct_ctx, &res, centre, &o, &n2);
    ck_assert_ptr_nonnull(png2);
    png = lc_map_render(lct_ctx, &res, centre, &o, &n);
    ck_assert_uint_eq(n, n2);
    ck_assert_int_eq(memcmp(png, png2, n), 0);
    free(png);
    free(png2);
    lc_siting_destroy(sit);
    lct_world_free(&w);
}
END_TEST

/* Occurrences of needle in the first len bytes of hay. */
static size_t count_bytes(const unsigned char *hay, size_t len, const char *needle)
{
    size_t k = strlen(needle), n = 0;
    for (size_t i = 0; i + k <= len; i++)
        n += !memcmp(hay + i, needle, k);
    return n;
}

static const unsigned char *find_bytes(const unsigned char *hay, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        if (!memcmp(hay + i, needle, k))
            return hay + i;
    return NULL;
}

START_TEST(streets_under_the_compounds)
{
    /* A main road (primary) along y = 260 from x = 1,300 to 1,900: above both compounds (y ≤ 200),
     * farther than 1,000 m from the centre at the origin (no service area there) and 150 m+ from
     * the meal point, so at (1,600, 260) the page shows the street's grey alone. A 4,000-pixel page
     * makes it 1.3u = 4.4 px wide, so the pixel holding its centre line is wholly covered. Without
     * roads the same pixel is the frame's background. */
    world w = build();
    lc_results res = results_of(&w);
    size_t centre = cat(&w, "centre");
    lc_roads *roads = lc_roads_create(lct_ctx);
    static const lc_xy line[] = {{1300, 260}, {1900, 260}};
    ck_assert_int_eq(lc_roads_add(lct_ctx, roads, line, 2, "primary", 0, 0, 0, 1), LC_OK);
    lc_map_options o = {.format = LC_MAP_PNG, .width_px = 4000, .height_px = 2828};
    page p = layout_of(4000, 2828);
    for (int with = 0; with <= 1; with++) {
        res.roads = with ? roads : NULL;
        size_t n = 0;
        unsigned char *png = lc_map_render(lct_ctx, &res, centre, &o, &n);
        ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
        cairo_surface_t *s = decode(png, n);
        assert_rgb(pixel(s, pix_x(&p, 1600), pix_y(&p, 260)), with ? lc_style_street : BG);
        /* A compound is drawn over the streets: A's inside stays its class colour. */
        assert_rgb(pixel(s, pix_x(&p, 100), pix_y(&p, 100)), lc_style_share_colour[4]);
        cairo_surface_destroy(s);
        free(png);
    }
    lc_roads_destroy(roads);
    lct_world_free(&w);
}
END_TEST

START_TEST(after_map_shows_the_proposals_coverage)
{
    /* One proposal goes into B's gap (2 km east, 200 m square; see png_other_size_and_proposals).
     * Before, B is a gap (share 0: not the fully-covered colour); after, with the proposal among the
     * facilities (lc_proposals_view, the coverage computed again), B lies within 1,000 m of it in
     * every corner (the square's diagonal is 283 m), so B's inside is the fully-covered colour, and
     * the star is drawn at the site. */
    world w = build();
    lc_results res = results_of(&w);
    size_t centre = cat(&w, "centre");
    lc_siting_options so = {.objective = LC_SITING_MCLP, .category = centre, .k = 1};
    lc_siting *sit = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &so);
    ck_assert_msg(sit != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_xy site = lc_siting_get(sit, 0)->site;
    lc_inputs *view = lc_proposals_view(lct_ctx, w.inputs, w.profile, sit, centre);
    ck_assert_msg(view != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_inputs_added(view, NULL), 1);
    lc_coverage *after = lc_coverage_compute(lct_ctx, view, w.profile, NULL);
    ck_assert_msg(after != NULL, "%s", lc_context_errmsg(lct_ctx));
    /* B (residential index 1) is wholly covered after, not before. */
    ck_assert_double_eq_tol(lc_coverage_get(after, 1, centre)->covered_share, 1, 1e-9);
    ck_assert_double_lt(lc_coverage_get(w.cov, 1, centre)->covered_share, 0.25);
    lc_results ar = res;
    ar.inputs = view;
    ar.coverage = after;
    page p = layout_of(1600, 1131);
    for (int a = 0; a <= 1; a++) {
        lc_map_options o = {.format = LC_MAP_PNG, .siting = sit, .after = a};
        size_t n = 0;
        unsigned char *png = lc_map_render(lct_ctx, a ? &ar : &res, centre, &o, &n);
        ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
        cairo_surface_t *s = decode(png, n);
        lc_rgb b = pixel(s, pix_x(&p, 2030), pix_y(&p, 170));
        if (a)
            assert_rgb(b, lc_style_share_colour[4]);
        else
            ck_assert(!same(b, lc_style_share_colour[4]));
        assert_rgb(pixel(s, pix_x(&p, site.x), pix_y(&p, site.y)), lc_style_proposal);
        cairo_surface_destroy(s);
        free(png);
    }
    lc_coverage_destroy(after);
    lc_inputs_destroy(view);
    lc_siting_destroy(sit);
    lct_world_free(&w);
}
END_TEST

START_TEST(pdf_is_one_a3_page_and_reproducible)
{
    world w = build();
    lc_results res = results_of(&w);
    lc_map_options o = {.format = LC_MAP_PDF};
    size_t n = 0, n2 = 0;
    unsigned char *pdf = lc_map_render(lct_ctx, &res, cat(&w, "meal_point"), &o, &n);
    ck_assert_msg(pdf != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_gt(n, 1000);
    ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
    ck_assert_ptr_nonnull(find_bytes(pdf + n - 8, 8, "%%EOF"));
    /* One page, A3 landscape: 420 × 297 mm in points. */
    ck_assert_uint_eq(count_bytes(pdf, n, "/Type /Page\n") + count_bytes(pdf, n, "/Type /Page "), 1);
    ck_assert_uint_eq(count_bytes(pdf, n, "/MediaBox"), 1);
    const unsigned char *mb = find_bytes(pdf, n, "/MediaBox");
    char box[128];
    memcpy(box, mb, sizeof box - 1);
    box[sizeof box - 1] = '\0';
    double x0, y0, x1, y1;
    ck_assert_int_eq(sscanf(box, "/MediaBox [ %lf %lf %lf %lf", &x0, &y0, &x1, &y1), 4);
    ck_assert_double_eq(x0, 0);
    ck_assert_double_eq(y0, 0);
    ck_assert_double_eq_tol(x1, 1190.55, 0.01);
    ck_assert_double_eq_tol(y1, 841.89, 0.01);
    /* Text in the embedded Noto CJK font, and no date of the call. */
    ck_assert_uint_gt(count_bytes(pdf, n, "NotoSansCJK"), 0);
    ck_assert_uint_eq(count_bytes(pdf, n, "20000101000000"), 2); /* CreationDate and ModDate */
    /* A second later, the same bytes. */
    sleep(1);
    unsigned char *pdf2 = lc_map_render(lct_ctx, &res, cat(&w, "meal_point"), &o, &n2);
    ck_assert_ptr_nonnull(pdf2);
    ck_assert_uint_eq(n, n2);
    ck_assert_int_eq(memcmp(pdf, pdf2, n), 0);
    free(pdf);
    free(pdf2);
    lct_world_free(&w);
}
END_TEST

START_TEST(misuse)
{
    world w = build();
    lc_results res = results_of(&w);
    size_t n = 123, ncat = lc_profile_category_count(w.profile);
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, ncat, NULL, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "category");
    ck_assert_uint_eq(n, 0);
    lc_context_clear_error(lct_ctx);
    ck_assert_ptr_null(lc_map_render(lct_ctx, NULL, 0, NULL, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, 0, NULL, NULL));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_map_options bad = {.format = (lc_map_format)7};
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, 0, &bad, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_map_options tiny = {.format = LC_MAP_PNG, .width_px = 10, .height_px = 10};
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, 0, &tiny, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_map_options neg = {.format = LC_MAP_PNG, .width_px = -1600};
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, 0, &neg, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    lc_results partial = res;
    partial.coverage = NULL;
    ck_assert_ptr_null(lc_map_render(lct_ctx, &partial, 0, NULL, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_MISUSE);
    ck_assert_ptr_null(lc_map_render(NULL, &res, 0, NULL, &n));
    lct_world_free(&w);
}
END_TEST

START_TEST(missing_font_is_io_error)
{
    /* fontconfig reads its configuration once per process: point it at an empty one before the first
     * call. Check runs each test in its own process unless CK_FORK=no; then this cannot be tested. */
    const char *fork_mode = getenv("CK_FORK");
    if (fork_mode && !strcmp(fork_mode, "no"))
        return;
    world w = build();
    char *conf = lct_path(w.dir, "fonts.conf");
    ck_assert_int_eq(lct_write_text(conf, "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n"), 0);
    setenv("FONTCONFIG_FILE", conf, 1);
    lc_results res = results_of(&w);
    size_t n = 0;
    ck_assert_ptr_null(lc_map_render(lct_ctx, &res, cat(&w, "centre"), NULL, &n));
    ck_assert_int_eq(lc_context_errno(lct_ctx), LC_ERR_IO);
    lct_assert_contains(lc_context_errmsg(lct_ctx), "Noto Sans CJK SC");
    lct_assert_contains(lc_context_errmsg(lct_ctx), "fonts-noto-cjk");
    unsetenv("FONTCONFIG_FILE");
    free(conf);
    lct_world_free(&w);
}
END_TEST

/* Number of entries in a directory. */
static long entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    long n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

START_TEST(demo_renders_in_memory)
{
    char *demo_dir = lct_path(lct_source_dir(), "data/demo"), *path = lct_path(demo_dir, "porto.yml");
    long before = entries(demo_dir);
    world w = {.dir = NULL};
    lct_world_load(&w, lc_study_load(lct_ctx, path), NULL);
    lc_results res = results_of(&w);
    size_t centre = cat(&w, "centre");
    lc_siting_options so = {.objective = LC_SITING_MCLP, .category = centre, .k = 3};
    lc_siting *sit = lc_siting_solve(lct_ctx, w.inputs, w.profile, w.cov, w.ind, &so);
    ck_assert_msg(sit != NULL, "%s", lc_context_errmsg(lct_ctx));
    lc_map_options o = {.format = LC_MAP_PNG, .siting = sit};
    size_t n = 0;
    unsigned char *png = lc_map_render(lct_ctx, &res, centre, &o, &n);
    ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
    cairo_surface_t *s = decode(png, n);
    ck_assert_int_eq(cairo_image_surface_get_width(s), 1600);
    ck_assert_int_eq(cairo_image_surface_get_height(s), 1131);
    /* Every class present among the demo's compounds shows in the frame. */
    int present[LC_STYLE_SHARE_CLASSES] = {0};
    for (size_t i = 0; i < lc_coverage_polygon_count(w.cov); i++) {
        double sh = lc_coverage_get(w.cov, i, centre)->covered_share;
        present[sh >= 1 ? 4 : sh >= 0.75 ? 3 : sh >= 0.5 ? 2 : sh >= 0.25 ? 1 : 0] = 1;
    }
    ck_assert(present[4]);
    page p = layout_of(1600, 1131);
    for (int k = 0; k < LC_STYLE_SHARE_CLASSES; k++)
        if (present[k])
            ck_assert_int_gt(count_colour(s, (int)p.fx, (int)p.fy, (int)(p.fx + p.fw), (int)(p.fy + p.fh),
                                          lc_style_share_colour[k]),
                             0);
    ck_assert_int_gt(count_colour(s, 0, 0, 1600, 1131, lc_style_proposal), 0);
    cairo_surface_destroy(s);
    free(png);
    o.format = LC_MAP_PDF;
    unsigned char *pdf = lc_map_render(lct_ctx, &res, centre, &o, &n);
    ck_assert_msg(pdf != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
    free(pdf);
    ck_assert_int_eq(entries(demo_dir), before); /* nothing written beside the demo */
    lc_siting_destroy(sit);
    lct_world_free(&w);
    free(path);
    free(demo_dir);
}
END_TEST

START_TEST(unit_name_not_utf8_still_draws)
{
    /* A 街镇 layer saved in GBK and read without `units.encoding: GBK` (a CSV or GeoJSON from an
     * Excel export): its name arrives as the raw bytes B6 AB D5 F2 (东镇), not UTF-8. cairo refuses
     * such text and would put the whole map into an error state; the map must still be drawn. */
    world w = {.dir = lct_tmpdir()};
    char *r = lct_path(w.dir, "r.geojson"), *f = lct_path(w.dir, "f.geojson"), *u = lct_path(w.dir, "u.geojson");
    ck_assert_int_eq(lct_write_text(r, RESIDENTIAL), 0);
    ck_assert_int_eq(lct_write_text(f, FACILITIES), 0);
    ck_assert_int_eq(lct_write_text(u, "{\"type\":\"FeatureCollection\"," UTM "\"features\":["
                                       "{\"type\":\"Feature\",\"properties\":{\"id\":\"U1\",\"name\":\"\xB6\xAB\xD5\xF2\"},"
                                       "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-100,-100],[2300,-100],"
                                       "[2300,300],[-100,300],[-100,-100]]]}}]}"),
                     0);
    lc_study *st = lc_study_create(lct_ctx);
    lc_study_set(lct_ctx, st, "residential.path", r);
    lc_study_set(lct_ctx, st, "facilities.path", f);
    lc_study_set(lct_ctx, st, "units.path", u);
    lct_world_load(&w, st, NULL);
    const lc_feature *unit = lc_layer_feature(lc_inputs_layer(w.inputs, LC_LAYER_UNITS), 0);
    ck_assert_ptr_nonnull(unit->name);
    ck_assert_str_eq(unit->name, "\xB6\xAB\xD5\xF2"); /* what the test is about: the bytes as they were */
    lc_results res = results_of(&w);
    size_t n = 0;
    unsigned char *png = lc_map_render(lct_ctx, &res, cat(&w, "centre"), NULL, &n);
    ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
    free(png);
    lc_map_options o = {.format = LC_MAP_PDF};
    unsigned char *pdf = lc_map_render(lct_ctx, &res, cat(&w, "centre"), &o, &n);
    ck_assert_msg(pdf != NULL, "%s", lc_context_errmsg(lct_ctx));
    free(pdf);
    free(r), free(f), free(u);
    lct_world_free(&w);
}
END_TEST

START_TEST(long_category_name_still_draws)
{
    /* A profile whose category name fills the 512-byte title: the title is cut, and must be cut
     * between characters (3 bytes each here), or cairo refuses the text and the map is lost. */
    world w = build();
    char *pp = lct_path(w.dir, "long.yml");
    char yml[4096], zh[700] = "xy"; /* "xy" + 170 × 3 bytes: the cut at 511 falls inside a character */
    for (int i = 0; i < 170; i++)
        strcat(zh, "长");
    snprintf(yml, sizeof yml, "profile: long\ntitle: a long name\nextends: shanghai-2025\ncategories:\n  centre:\n"
                              "    zh: \"%s\"\n", zh);
    ck_assert_int_eq(lct_write_text(pp, yml), 0);
    lc_profile *longp = lc_profile_load(lct_ctx, pp);
    ck_assert_msg(longp != NULL, "%s", lc_context_errmsg(lct_ctx));
    ck_assert_uint_eq(lc_profile_category_count(longp), lc_profile_category_count(w.profile));
    size_t c = cat(&w, "centre");
    ck_assert_str_eq(lc_profile_category(longp, c)->code, "centre");
    ck_assert_uint_eq(strlen(lc_profile_category(longp, c)->name_zh), 512);
    lc_results res = results_of(&w);
    res.profile = longp;
    size_t n = 0;
    unsigned char *png = lc_map_render(lct_ctx, &res, c, NULL, &n);
    ck_assert_msg(png != NULL, "%s", lc_context_errmsg(lct_ctx));
    free(png);
    lc_profile_destroy(longp);
    free(pp);
    lct_world_free(&w);
}
END_TEST

/* ---- label placement (outputs/map_labels.c, compiled into the tests) ---- */

/* Two 街镇 whose label points are 10 page units apart, each name a 60 × 14 box, in a 400 × 300
 * frame, 2 units kept between a box and its point. Centred, the boxes would overlap: [70,130] and
 * [80,140] across, [93,107] both down. By hand: the first keeps the centre, box [70,130]×[93,107];
 * for the second, (110, 100), every ring-1 box is within 7 + 2 + 7 = 16 of its point vertically and
 * 30 + 2 + 30 = 62 across, and each one overlaps the first (above: y [84,98]; below: [102,116];
 * right: x [112,172]; left: [48,108]; the corners combine them); the first of ring 2, above, is
 * centred 2 × (7 + 2) = 18 higher: y [75,89], clear of [93,107], so it is taken, with a leader. */
START_TEST(labels_that_would_overlap_are_placed_apart)
{
    lc_label l[2] = {{.ax = 100, .ay = 100, .w = 60, .h = 14}, {.ax = 110, .ay = 100, .w = 60, .h = 14}};
    lc_label_box frame = {0, 0, 400, 300};
    lc_label_box centred0 = {70, 93, 130, 107}, centred1 = {80, 93, 140, 107};
    ck_assert(lc_label_boxes_overlap(centred0, centred1)); /* what a centre-only placement would draw */
    ck_assert_uint_eq(lc_labels_place(l, 2, frame, NULL, 0, NULL, 0, 2), 2);
    ck_assert(l[0].placed && l[1].placed);
    ck_assert(!lc_label_boxes_overlap(l[0].box, l[1].box));
    ck_assert_double_eq(l[0].scale, 1);
    ck_assert_int_eq(l[0].leader, 0);
    ck_assert_double_eq_tol(l[0].box.x0, 70, 1e-9);
    ck_assert_double_eq_tol(l[0].box.y0, 93, 1e-9);
    ck_assert_double_eq_tol(l[1].box.x0, 80, 1e-9);
    ck_assert_double_eq_tol(l[1].box.y0, 75, 1e-9);
    ck_assert_double_eq_tol(l[1].box.y1, 89, 1e-9);
    ck_assert_double_eq(l[1].scale, 1);
    ck_assert_int_eq(l[1].leader, 1);
}
END_TEST

/* The frame and the fixed boxes. A point 5 from the frame's left edge: centred, a 60-wide box would
 * start at −25; the first candidate inside is the box to its right, x [7,67] (5 + 2). A point inside
 * the north arrow's box [340,376]×[8,68] at (358, 30): the centre, ring 1 above, below, left and its
 * left corners (x [296,356] at best) overlap the box, right and its corners leave the frame (x up to
 * 420), ring 2 above (y [5,19]) and below overlap it, ring 2 right leaves the frame; ring 2 left,
 * centred 2 × (30 + 2) = 64 to the left, is the first clear: x [264,324], y [23,37]. A frame of
 * 50 × 12 takes the 60 × 14 name only smaller (0.75: 45 × 10.5, centred); one of 40 × 10 not at all. */
START_TEST(labels_stay_in_the_frame_and_off_fixed_boxes)
{
    lc_label_box frame = {0, 0, 400, 300}, arrow = {340, 8, 376, 68};
    lc_label l = {.ax = 5, .ay = 150, .w = 60, .h = 14};
    ck_assert_uint_eq(lc_labels_place(&l, 1, frame, NULL, 0, NULL, 0, 2), 1);
    ck_assert_double_eq_tol(l.box.x0, 7, 1e-9);
    ck_assert_double_eq_tol(l.box.x1, 67, 1e-9);
    ck_assert_double_eq_tol(l.box.y0, 143, 1e-9);
    l = (lc_label){.ax = 358, .ay = 30, .w = 60, .h = 14};
    ck_assert_uint_eq(lc_labels_place(&l, 1, frame, &arrow, 1, NULL, 0, 2), 1);
    ck_assert(!lc_label_boxes_overlap(l.box, arrow));
    ck_assert_double_eq_tol(l.box.x0, 264, 1e-9);
    ck_assert_double_eq_tol(l.box.x1, 324, 1e-9);
    ck_assert_double_eq_tol(l.box.y0, 23, 1e-9);
    ck_assert_int_eq(l.leader, 1);
    l = (lc_label){.ax = 25, .ay = 6, .w = 60, .h = 14};
    ck_assert_uint_eq(lc_labels_place(&l, 1, (lc_label_box){0, 0, 50, 12}, NULL, 0, NULL, 0, 2), 1);
    ck_assert_double_eq(l.scale, LC_LABEL_SMALLER);
    ck_assert_double_eq_tol(l.box.x1 - l.box.x0, 45, 1e-9);
    ck_assert_double_eq_tol(l.box.y1 - l.box.y0, 10.5, 1e-9);
    l = (lc_label){.ax = 20, .ay = 5, .w = 60, .h = 14};
    ck_assert_uint_eq(lc_labels_place(&l, 1, (lc_label_box){0, 0, 40, 10}, NULL, 0, NULL, 0, 2), 0);
    ck_assert_int_eq(l.placed, 0);
}
END_TEST

Suite *suite_map(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("map");
    tcase_add_checked_fixture(tc, lct_setup, lct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, png_pixels_where_expected);
    tcase_add_test(tc, png_other_size_and_proposals);
    tcase_add_test(tc, streets_under_the_compounds);
    tcase_add_test(tc, after_map_shows_the_proposals_coverage);
    tcase_add_test(tc, pdf_is_one_a3_page_and_reproducible);
    tcase_add_test(tc, misuse);
    tcase_add_test(tc, missing_font_is_io_error);
    tcase_add_test(tc, demo_renders_in_memory);
    tcase_add_test(tc, unit_name_not_utf8_still_draws);
    tcase_add_test(tc, long_category_name_still_draws);
    tcase_add_test(tc, labels_that_would_overlap_are_placed_apart);
    tcase_add_test(tc, labels_stay_in_the_frame_and_off_fixed_boxes);
    suite_add_tcase(s, tc);
    return s;
}
