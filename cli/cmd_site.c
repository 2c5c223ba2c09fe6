/*
 * cli/cmd_site.c — `lifecircle site`: proposes sites for new facilities of one category through
 * the library (queries/siting.c) and writes them with the before/after summary
 * (lc_results_write_site). Same inputs, profile, formats and exit codes as `check`; the siting
 * itself is not done here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lifecircle site [STUDY] -o DIR [--category CODE] [--objective mclp|lscp|units]\n"
            "                       [-k N] [--target SHARE] [--solver greedy|exact] [--time-limit S]\n"
            "                       [--candidates PATH] [--spacing M] [--demand population|pop60] [options]\n"
            "\n"
            "Proposes where new facilities of one category should go to close the coverage gaps, keeping\n"
            "the existing ones (reach from the profile, straight-line or along the walking network):\n"
            "  mclp   k new sites covering the most residents now outside reach (default, k = 5)\n"
            "  lscp   the fewest new sites reaching --target coverage (e.g. 0.95); says so when the\n"
            "         target is out of reach and how many residents no candidate can reach\n"
            "  units  one site in every 街镇 without the category (rental points, elders' canteens)\n"
            "Demand is the uncovered part of every compound; a site covers the share of it within reach.\n"
            "Candidates: --candidates (or the study's `candidates:` layer; its `status` field, 必选 /\n"
            "force_in or 排除 / force_out, keeps a site in or out), else generated --spacing metres\n"
            "apart inside the gaps (grid points; network nodes with --mode network). Solvers: greedy\n"
            "with lazy evaluation (default), or exact (GLPK integer program, stopped after\n"
            "--time-limit seconds with the gap to the best bound).\n"
            "Each site gets a suggested floor area: its 街镇's shortfall against 40 m²/1,000 split over\n"
            "the 街镇's new sites, within the category's size_min_m2..size_max_m2 from the profile\n"
            "(without size_min_m2: at least the median floor area of the study's facilities of the\n"
            "category, so a 街镇 that meets the norm still gets a typical-sized centre, not 0 m²).\n"
            "\n"
            "Writes DIR/proposals, DIR/summary (before/after per 街镇) and summary.json (Shapefile by\n"
            "default, --format gpkg|geojson), and prints the sites with coverage before and after.\n"
            "Exit code: 0 done (1 when an lscp target is out of reach), 2 error.\n"
            "\n"
            "Site options:\n"
            "  --category CODE      category to site (default centre; `lifecircle profile show`)\n"
            "  --objective OBJ      mclp (default), lscp or units\n"
            "  -k N                 number of sites for mclp (default 5)\n"
            "  --target SHARE       coverage to reach for lscp, 0..1 (default 0.95)\n"
            "  --solver S           greedy (default) or exact\n"
            "  --time-limit S       seconds for the exact solver (default 60)\n"
            "  --candidates PATH    candidate sites (points; same as --set candidates.path=PATH)\n"
            "  --spacing M          spacing of generated candidates in metres (default reach/5, ≥ 50)\n"
            "  --demand D           population (default) or pop60 (registered 60+)\n"
            "  --mode MODE          straight (default) or network (study key `mode`): reach along the\n"
            "                       roads layer; demand = the network gaps on points, candidates = nodes\n"
            "  -o, --output DIR, --format FMT, --overwrite, --reach METRES, --report DIR   as for check\n"
            "                       (the report adds the proposals and draws them on the category's map)\n"
            "\n"
            "Example:\n"
            "  lifecircle site data/demo/porto.yml -o out/sites --category centre -k 5 --solver exact\n"
            "\n");
    cli_study_usage(out);
}

int cmd_site(int argc, char **argv)
{
    cli_options opts = {0};
    lc_context *ctx;
    lc_quality *quality;
    lc_run *run = NULL;
    int rc;
    if (!cli_begin(argc, argv, usage, &opts, &ctx, &quality, &rc))
        goto done;
    lc_site_run_options site = LC_SITE_RUN_OPTIONS_INIT;
    lc_siting_options so = {.objective = LC_SITING_MCLP, .k = opts.site_k ? opts.site_k : 5,
                            .target = opts.site_target > 0 ? opts.site_target : 0.95,
                            .candidate_spacing_m = opts.site_spacing, .time_limit_s = opts.site_time_limit};
    if (opts.site_solver && strcmp(opts.site_solver, "greedy")) {
        if (strcmp(opts.site_solver, "exact")) {
            fprintf(stderr, "lifecircle site: unknown solver '%s' (greedy or exact)\n", opts.site_solver);
            rc = LC_EXIT_ERROR;
            goto done;
        }
        so.solver = LC_SOLVER_EXACT;
    }
    if (opts.site_demand && strcmp(opts.site_demand, "population")) {
        if (strcmp(opts.site_demand, "pop60")) {
            fprintf(stderr, "lifecircle site: unknown demand '%s' (population or pop60)\n", opts.site_demand);
            rc = LC_EXIT_ERROR;
            goto done;
        }
        so.weight_pop60 = 1;
    }
    if (opts.site_objective) {
        if (!strcmp(opts.site_objective, "lscp"))
            so.objective = LC_SITING_LSCP;
        else if (!strcmp(opts.site_objective, "units"))
            so.objective = LC_SITING_UNITS;
        else if (strcmp(opts.site_objective, "mclp")) {
            fprintf(stderr, "lifecircle site: unknown objective '%s' (mclp, lscp or units)\n", opts.site_objective);
            rc = LC_EXIT_ERROR;
            goto done;
        }
    }
    site.category = opts.site_category;
    site.siting = so;
    lc_run_options ro = cli_run_options(&opts, quality);
    run = lc_run_site(ctx, opts.study, &ro, &site);
    cli_print_issues(quality, &opts);
    if (!run) {
        rc = cli_fail(ctx);
        goto done;
    }
    const lc_results *res = lc_run_results(run);
    const lc_siting *s = lc_run_siting(run);
    const lc_indicators *ind = res->indicators;
    const lc_coverage *cov = res->coverage;
    const lc_network *net = lc_run_network(run);
    const lc_profile *profile = res->profile;
    const lc_layer *units = lc_inputs_layer(res->inputs, LC_LAYER_UNITS);
    so.category = lc_run_siting_category(run);
    const lc_category *c = lc_profile_category(profile, so.category);
    if (!opts.quiet) {
        const char *who = so.weight_pop60 ? "registered 60+" : "residents";
        printf("lifecircle site — %s %s, %s, reach %.0f m %s, %s\n", c->name_zh, c->name_en,
               so.objective == LC_SITING_MCLP ? "mclp" : so.objective == LC_SITING_LSCP ? "lscp" : "units",
               lc_coverage_reach(cov, so.category), net ? "along the walking network 路网" : "straight-line 直线",
               lc_siting_solver(s));
        if (!isnan(lc_siting_gap(s)))
            printf("gap to the best bound 与最优界差距: %.2f%%\n", lc_siting_gap(s) * 100);
        printf("\nrank  lon (WGS 84)  lat        lon (GCJ-02)  lat        街镇             candidate     new %-9s"
               " coverage  floor area m²\n", who);
        for (size_t i = 0; i < lc_siting_count(s); i++) {
            const lc_proposal *p = lc_siting_get(s, i);
            char pop[32], cand[32];
            if (p->candidate_id)
                snprintf(cand, sizeof cand, "%s", p->candidate_id);
            else if (p->candidate >= 0)
                snprintf(cand, sizeof cand, "#%ld", p->candidate);
            else
                snprintf(cand, sizeof cand, "generated");
            /* lon/lat where planners look sites up: WGS 84, and GCJ-02 for Amap */
            lc_xy ll = {NAN, NAN};
            if (lc_crs_to_lonlat(ctx, lc_inputs_crs(res->inputs), p->site, &ll) != LC_OK)
                lc_context_clear_error(ctx);
            lc_xy gcj = lc_wgs84_to_gcj02(ll);
            printf("%4zu  %11.6f  %10.6f %11.6f  %10.6f  ", p->rank, ll.x, ll.y, gcj.x, gcj.y);
            const lc_feature *uf = p->unit >= 0 && units ? lc_layer_feature(units, (size_t)p->unit) : NULL;
            cli_print_padded(stdout, uf ? (uf->name && *uf->name ? uf->name : uf->id) : "-", 16);
            printf(" ");
            cli_print_padded(stdout, cand, 12);
            printf(" %13s  %7.1f%%  %13.0f\n", cli_format_count(pop, sizeof pop, p->new_pop),
                   p->cumulative_share * 100, p->floor_area_m2);
        }
        printf("\nCoverage 覆盖 (%s, %s): before 现状 %.1f%% → after 建议后 %.1f%%\n", c->name_zh, who,
               lc_siting_share_before(s) * 100, lc_siting_share_after(s) * 100);
        size_t total = lc_indicators_total_row(ind);
        for (size_t r = 0; r < lc_siting_row_count(s); r++) {
            const lc_siting_row *x = lc_siting_row_get(s, r);
            double pop = lc_indicators_population(ind, r);
            if (r != total && !x->new_sites)
                continue;
            printf("  ");
            cli_print_padded(stdout, r == total ? "total 合计" : lc_layer_feature(units, r)->id, 16);
            printf(" %zu new: coverage %.1f%% → %.1f%%", x->new_sites,
                   x->demand > 0 ? 100 * x->covered_before / x->demand : 0.0,
                   x->demand > 0 ? 100 * x->covered_after / x->demand : 0.0);
            if (c->counts_floor_area && pop > 0)
                printf(", floor area %.1f → %.1f m²/1,000", 1000 * x->floor_area_before_m2 / pop,
                       1000 * x->floor_area_after_m2 / pop);
            printf("\n");
        }
        if (!lc_siting_target_met(s))
            printf("Target 目标 not reached: %s\n", lc_siting_reason(s));
        printf("Proposals 选址: %s\n", lc_run_output_shown(run));
        if (opts.report_dir)
            printf("Report 报告: %s/report.html\n", opts.report_dir);
    }
    rc = lc_siting_target_met(s) ? LC_EXIT_OK : LC_EXIT_FAILS;
done:
    lc_run_destroy(run);
    lc_quality_destroy(quality);
    cli_options_free(&opts);
    lc_context_destroy(ctx);
    return rc;
}
