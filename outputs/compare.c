/*
 * outputs/compare.c — the comparison of two finished runs from their summary.json (issue 16,
 * `lifecircle compare`): the 街镇, whole-area and 区 rows matched by id, the norms by code, and every
 * cell whose value or pass changed listed with its old and new value; rows only one run has are
 * listed as added or removed. Writing summary.json is outputs/results.c's; the command is
 * run/run_compare.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "lifecircle/results.h"
#include "outputs/output_int.h"

struct lc_comparison {
    json_t *a, *b;       /* the two summaries (owned); the changes' strings are theirs */
    lc_change *changes;
    size_t n, cap;
    char *a_name, *b_name;
};

void lc_comparison_destroy(lc_comparison *c)
{
    if (!c)
        return;
    free(c->changes);
    json_decref(c->a);
    json_decref(c->b);
    free(c->a_name);
    free(c->b_name);
    free(c);
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A number of the summary (null: NAN). */
static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Parses a summary's text; NULL with LC_ERR_DATA naming what (a file) when it is not JSON or not a
 * lifecircle check summary. */
static json_t *load_summary(lc_context *ctx, const char *text, const char *what)
{
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root) {
        lc_error(ctx, LC_ERR_DATA, "%s: not JSON (line %d: %s); give a check's output directory or its summary.json",
                 what, err.line, err.text);
        return NULL;
    }
    const json_t *tk = json_object_get(root, "toolkit");
    if (!json_is_object(root) || strcmp(jstr(tk, "name"), "lifecircle") || !json_is_array(json_object_get(root, "rows")) ||
        !json_is_array(json_object_get(root, "norms")) || json_object_get(root, "kind")) {
        lc_error(ctx, LC_ERR_DATA, "%s: not the summary.json of a lifecircle check or site run%s", what,
                 !strcmp(jstr(root, "kind"), "progress") ? " (it is a progress.json)" : "");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* The norm object of code in summary s, or NULL. */
static const json_t *find_norm(const json_t *s, const char *code)
{
    size_t i;
    const json_t *n;
    json_array_foreach(json_object_get(s, "norms"), i, n) if (!strcmp(jstr(n, "code"), code)) return n;
    return NULL;
}

/* Refuses summaries of different profiles or norms: LC_ERR_DATA naming both. */
static lc_status same_profile(lc_context *ctx, const lc_comparison *c)
{
    const char *pa = jstr(json_object_get(c->a, "profile"), "name"), *pb = jstr(json_object_get(c->b, "profile"), "name");
    if (strcmp(pa, pb))
        return lc_error(ctx, LC_ERR_DATA, "%s was checked against profile %s and %s against %s: compare runs of one "
                        "profile (their targets differ)", c->a_name, pa, c->b_name, pb);
    size_t i;
    const json_t *n;
    json_array_foreach(json_object_get(c->a, "norms"), i, n) {
        const json_t *m = find_norm(c->b, jstr(n, "code"));
        double ta = jnum(n, "target"), tb = m ? jnum(m, "target") : NAN;
        if (!m || strcmp(jstr(n, "kind"), jstr(m, "kind")) || (isfinite(ta) != isfinite(tb)) ||
            (isfinite(ta) && ta != tb))
            return lc_error(ctx, LC_ERR_DATA, "%s and %s: norm %s differs (%s in one, %s in the other): the profiles "
                            "were edited between the runs", c->a_name, c->b_name, jstr(n, "code"),
                            m ? "its kind or target" : "present", m ? "another" : "missing");
    }
    if (json_array_size(json_object_get(c->a, "norms")) != json_array_size(json_object_get(c->b, "norms")))
        return lc_error(ctx, LC_ERR_DATA, "%s and %s hold different norms: the profiles were edited between the runs",
                        c->a_name, c->b_name);
    return LC_OK;
}

/* The row of id in array rows, or NULL. */
static const json_t *find_row(const json_t *rows, const char *id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r) if (!strcmp(jstr(r, "id"), id)) return r;
    return NULL;
}

static lc_status add(lc_context *ctx, lc_comparison *c, const lc_change *ch)
{
    if (lc_grow(ctx, (void **)&c->changes, &c->cap, c->n + 1, sizeof *c->changes) != LC_OK)
        return LC_ERR_NOMEM;
    c->changes[c->n++] = *ch;
    return LC_OK;
}

/* Whether two values differ: beyond 1e-9 of the larger (and of 1), or one is missing. */
static int differ(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) != isnan(b);
    return fabs(a - b) > 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Compares the rows of one level ("unit" rows and "total", or "district") of both summaries. */
static lc_status compare_rows(lc_context *ctx, lc_comparison *c, const char *key, int districts)
{
    const json_t *ra = json_object_get(c->a, key), *rb = json_object_get(c->b, key), *r, *n;
    size_t i, k;
    lc_status st = LC_OK;
    json_array_foreach(ra, i, r) {
        const char *id = jstr(r, "id");
        const char *level = districts ? "district" : !strcmp(id, "total") ? "total" : "unit";
        const json_t *s = find_row(rb, id);
        if (!s) {
            st = add(ctx, c, &(lc_change){.row_id = id, .row_name = jstr(r, "name"), .level = level,
                                          .before = NAN, .after = NAN, .change = NAN, .row = LC_CHANGE_ROW_REMOVED});
            if (st != LC_OK)
                return st;
            continue;
        }
        json_array_foreach(json_object_get(c->a, "norms"), k, n) {
            const char *code = jstr(n, "code");
            const json_t *xa = json_object_get(json_object_get(r, "indicators"), code),
                         *xb = json_object_get(json_object_get(s, "indicators"), code);
            double va = jnum(xa, "value"), vb = jnum(xb, "value");
            const char *pa = jstr(xa, "pass"), *pb = jstr(xb, "pass");
            if (!differ(va, vb) && !strcmp(pa, pb))
                continue;
            int flip = !strcmp(pa, "pass") && !strcmp(pb, "fail") ? 1 : !strcmp(pa, "fail") && !strcmp(pb, "pass") ? -1 : 0;
            st = add(ctx, c, &(lc_change){.row_id = id, .row_name = jstr(s, "name"), .level = level, .norm = code,
                                          .norm_zh = jstr(n, "zh"), .norm_en = jstr(n, "en"), .kind = jstr(n, "kind"), .before = va,
                                          .after = vb, .change = vb - va, .pass_before = pa, .pass_after = pb,
                                          .flip = flip});
            if (st != LC_OK)
                return st;
        }
    }
    json_array_foreach(rb, i, r) {
        if (find_row(ra, jstr(r, "id")))
            continue;
        st = add(ctx, c, &(lc_change){.row_id = jstr(r, "id"), .row_name = jstr(r, "name"),
                                      .level = districts ? "district" : "unit", .before = NAN, .after = NAN,
                                      .change = NAN, .row = LC_CHANGE_ROW_ADDED});
        if (st != LC_OK)
            return st;
    }
    return LC_OK;
}

lc_comparison *lc_compare_summaries(lc_context *ctx, const char *a_text, const char *a_name, const char *b_text,
                                    const char *b_name)
{
    if (!ctx)
        return NULL;
    if (!a_text || !b_text) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_compare_summaries: two summaries are required");
        return NULL;
    }
    lc_comparison *c = lc_calloc(ctx, 1, sizeof *c);
    if (!c)
        return NULL;
    if (!(c->a_name = lc_strdup(ctx, a_name ? a_name : "the first summary")) ||
        !(c->b_name = lc_strdup(ctx, b_name ? b_name : "the second summary")) ||
        !(c->a = load_summary(ctx, a_text, c->a_name)) || !(c->b = load_summary(ctx, b_text, c->b_name)) ||
        same_profile(ctx, c) != LC_OK)
        goto fail;
    /* no 街镇 in common (beyond the whole area) although both have some: not the same area */
    size_t na = json_array_size(json_object_get(c->a, "rows")), nb = json_array_size(json_object_get(c->b, "rows")),
           common = 0, i;
    const json_t *r;
    json_array_foreach(json_object_get(c->a, "rows"), i, r) common +=
        strcmp(jstr(r, "id"), "total") && find_row(json_object_get(c->b, "rows"), jstr(r, "id"));
    if (na > 1 && nb > 1 && !common) {
        lc_error(ctx, LC_ERR_DATA, "%s and %s share no 街镇 (unit ids): they are not runs of the same area", c->a_name,
                 c->b_name);
        goto fail;
    }
    if (compare_rows(ctx, c, "rows", 0) != LC_OK || compare_rows(ctx, c, "districts", 1) != LC_OK)
        goto fail;
    return c;
fail:
    lc_comparison_destroy(c);
    return NULL;
}

size_t lc_comparison_count(const lc_comparison *c)
{
    return c ? c->n : 0;
}

const lc_change *lc_comparison_get(const lc_comparison *c, size_t i)
{
    return c && i < c->n ? &c->changes[i] : NULL;
}

/* The words of a row change. */
static const char *row_text(const lc_change *ch)
{
    return ch->row == LC_CHANGE_ROW_ADDED ? "added 新增" : ch->row == LC_CHANGE_ROW_REMOVED ? "removed 删除" : "";
}

static const char *flip_text(int flip)
{
    return flip > 0 ? "pass→fail 达标→未达标" : flip < 0 ? "fail→pass 未达标→达标" : "";
}

char *lc_comparison_csv(lc_context *ctx, const lc_comparison *c)
{
    static const char *const head[] = {"层级 level", "编号 unit_id", "名称 unit_name", "指标代码 norm",
                                       "指标 indicator (Chinese)", "指标(英文) indicator", "原值 before",
                                       "新值 after", "变化 change", "原达标 pass_before", "新达标 pass_after",
                                       "达标变化 flip", "行变化 row"};
    lc_csv csv;
    lc_status st = lc_csv_begin(ctx, &csv);
    for (size_t i = 0; i < 13 && st == LC_OK; i++)
        st = lc_csv_text(ctx, &csv, head[i], i == 0);
    st = st ? st : lc_csv_end_row(ctx, &csv);
    for (size_t i = 0; c && i < c->n && st == LC_OK; i++) {
        const lc_change *ch = &c->changes[i];
        st = lc_csv_text(ctx, &csv, ch->level, 1);
        st = st ? st : lc_csv_text(ctx, &csv, ch->row_id, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->row_name, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->norm, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->norm_zh, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->norm_en, 0);
        st = st ? st : lc_csv_real(ctx, &csv, ch->before, 0);
        st = st ? st : lc_csv_real(ctx, &csv, ch->after, 0);
        st = st ? st : lc_csv_real(ctx, &csv, ch->change, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->pass_before, 0);
        st = st ? st : lc_csv_text(ctx, &csv, ch->pass_after, 0);
        st = st ? st : lc_csv_text(ctx, &csv, flip_text(ch->flip), 0);
        st = st ? st : lc_csv_text(ctx, &csv, row_text(ch), 0);
        st = st ? st : lc_csv_end_row(ctx, &csv);
    }
    if (st != LC_OK) {
        lc_csv_free(&csv);
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing the comparison");
        return NULL;
    }
    return csv.text;
}

static json_t *num(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

char *lc_comparison_json(lc_context *ctx, const lc_comparison *c)
{
    if (!c) {
        lc_error(ctx, LC_ERR_MISUSE, "lc_comparison_json: a comparison is required");
        return NULL;
    }
    json_t *root = json_pack("{s:{s:s, s:s}, s:s, s:s, s:s, s:O, s:O}", "toolkit", "name", "lifecircle", "version",
                             lc_version(), "kind", "comparison", "before", c->a_name, "after", c->b_name, "before_study",
                             json_object_get(c->a, "study") ? json_object_get(c->a, "study") : json_null(),
                             "after_study", json_object_get(c->b, "study") ? json_object_get(c->b, "study") : json_null());
    json_t *changes = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const lc_change *ch = &c->changes[i];
        json_t *o = json_pack("{s:s, s:s, s:s}", "level", ch->level, "id", ch->row_id, "name", ch->row_name);
        if (ch->row) {
            json_object_set_new(o, "row", json_string(ch->row == LC_CHANGE_ROW_ADDED ? "added" : "removed"));
        } else {
            json_object_set_new(o, "norm", json_string(ch->norm));
            json_object_set_new(o, "zh", json_string(ch->norm_zh));
            json_object_set_new(o, "en", json_string(ch->norm_en));
            json_object_set_new(o, "before", num(ch->before));
            json_object_set_new(o, "after", num(ch->after));
            json_object_set_new(o, "change", num(ch->change));
            json_object_set_new(o, "pass_before", json_string(ch->pass_before));
            json_object_set_new(o, "pass_after", json_string(ch->pass_after));
            json_object_set_new(o, "flip", ch->flip > 0 ? json_string("pass→fail")
                                           : ch->flip < 0 ? json_string("fail→pass") : json_null());
        }
        json_array_append_new(changes, o);
    }
    json_object_set_new(root, "changes", changes);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (!text)
        lc_error(ctx, LC_ERR_NOMEM, "out of memory writing the comparison");
    return text;
}

lc_status lc_comparison_write(lc_context *ctx, const lc_comparison *c, const char *path, int overwrite)
{
    if (!c || !path || !*path)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_comparison_write: a comparison and a file");
    size_t len = strlen(path);
    int json = len > 5 && !strcasecmp(path + len - 5, ".json");
    if (!json && !(len > 4 && !strcasecmp(path + len - 4, ".csv")))
        return lc_error(ctx, LC_ERR_MISUSE, "%s: the comparison is written as .csv or .json; name the file so", path);
    struct stat st;
    if (!overwrite && lstat(path, &st) == 0)
        return lc_error(ctx, LC_ERR_IO, "%s exists; pass --overwrite to replace it", path);
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return lc_error(ctx, LC_ERR_IO, "%s is not a regular file; it is left as it is", path);
    char *text = json ? lc_comparison_json(ctx, c) : lc_comparison_csv(ctx, c);
    char *tmp = text ? lc_sprintf(ctx, "%s.tmp-%ld", path, (long)getpid()) : NULL;
    if (!tmp) {
        free(text);
        return lc_context_errno(ctx);
    }
    /* written beside the target, then renamed over it: the file appears whole or not at all */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    size_t n = strlen(text), done = 0;
    while (fd >= 0 && done < n) {
        ssize_t w = write(fd, text + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = fd >= 0 && done == n && fsync(fd) == 0;
    int why = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        why = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        why = errno;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    free(text);
    return ok ? LC_OK : lc_error(ctx, LC_ERR_IO, "%s: cannot be written (%s)", path, strerror(why));
}
