/*
 * outputs/citations.c — the seed documents' titles and numbers (seed-norms.md's table) and their
 * sections (outputs/citations_sections.h, generated from the seed files by scripts/seed_sections.py),
 * to spell out the profiles' short sources in the report and, beside the short code, in summary.csv,
 * the summary table, summary.xlsx and summary.json (source_document, 依据文件; issue 17).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "outputs/citations_int.h"

#include "outputs/citations_sections.h"

/* The five seed documents, as seed-norms.md lists them (title, number or date of the file). */
static const struct {
    const char *tag, *cite;
} DOCUMENTS[] = {
    {"SH", "《上海市民政事业发展“十四五”规划》（沪府办发〔2021〕16号）"},
    {"YP", "《杨浦区民政事业发展“十四五”规划》（杨府发〔2021〕12号）"},
    {"CN", "《长宁区民政事业发展“十四五”规划中期评估报告》（2023年8月）"},
    {"BS", "《宝山区民政事业发展“十四五”规划》（2021年）"},
    {"SJ", "《松江区民政事业发展“十四五”规划》（沪松民〔2021〕64号）"},
};

/* GB 50180-2018's table of circle sizes, which the reach metres rest on, cited by the table's title as
 * life-circle.md names it: neither it nor the seeds give the table's or the clause's number, so none
 * is cited (issue 17). */
#define GB50180 "GB 50180-2018《城市居住区规划设计标准》居住区分级控制规模（十五分钟生活圈居住区步行距离" \
                "800～1000 m，十分钟500 m，五分钟300 m）"

/* life-circle.md's sources of the 85 % / 99 % coverage targets. */
#define LIFE_CIRCLE "《上海市城市总体规划（2017—2035年）》（15分钟步行可达 99%，2035年）；上海市“十四五”规划的 85%（2025年）" \
                    "据规划文献转引，不在五份种子文件中"

const char *lc_cite_document(const char *tag)
{
    for (size_t i = 0; i < sizeof DOCUMENTS / sizeof DOCUMENTS[0]; i++)
        if (!strcmp(DOCUMENTS[i].tag, tag))
            return DOCUMENTS[i].cite;
    return NULL;
}

char *lc_cite_section(const char *tag, int line, char *buf, size_t size)
{
    const char *at[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < sizeof SEED_HEADINGS / sizeof SEED_HEADINGS[0]; i++) {
        const lc_seed_heading *hd = &SEED_HEADINGS[i];
        if (strcmp(hd->tag, tag) || hd->line > line)
            continue;
        at[hd->level] = hd->text;
        for (int k = hd->level + 1; k < 4; k++)
            at[k] = NULL; /* a new heading closes the ones below it */
    }
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 1; k < 4 && n < size; k++)
        if (at[k])
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", at[k]);
    return buf;
}

/* Appends n bytes of s to the growing text *t of *len bytes (capacity *cap); 0 or -1 (no memory). */
static int append(lc_context *ctx, char **t, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = (*len + n + 1) * 2;
        char *m = realloc(*t, c);
        if (!m) {
            if (ctx)
                lc_error(ctx, LC_ERR_NOMEM, "out of memory spelling out a citation");
            return -1;
        }
        *t = m, *cap = c;
    }
    memcpy(*t + *len, s, n);
    *len += n;
    (*t)[*len] = '\0';
    return 0;
}

/* Length of a seed reference "<tag> L<n>[-<m>]" starting at s (tag of 2 capitals), 0 if none; *line
 * receives n. */
static size_t seed_ref(const char *s, char tag[3], int *line)
{
    if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == ' ' && s[3] == 'L' &&
          s[4] >= '0' && s[4] <= '9'))
        return 0;
    tag[0] = s[0], tag[1] = s[1], tag[2] = '\0';
    if (!lc_cite_document(tag))
        return 0;
    char *end;
    *line = (int)strtol(s + 4, &end, 10);
    if (end[0] == '-' && end[1] >= '0' && end[1] <= '9')
        strtol(end + 1, &end, 10);
    return (size_t)(end - s);
}

char *lc_cite_expand(lc_context *ctx, const char *source)
{
    char *t = NULL;
    size_t len = 0, cap = 0;
    if (append(ctx, &t, &len, &cap, "", 0))
        return NULL;
    for (const char *s = source; *s;) {
        char tag[3], sec[512];
        int line = 0;
        size_t n = seed_ref(s, tag, &line);
        int bad = 0;
        if (n && (s == source || s[-1] == ' ' || s[-1] == '(' || s[-1] == ';' || s[-1] == ',')) {
            char c[1024];
            lc_cite_section(tag, line, sec, sizeof sec);
            int k = snprintf(c, sizeof c, "%s%s%s（%.*s）", lc_cite_document(tag), sec[0] ? " " : "", sec, (int)n, s);
            bad = append(ctx, &t, &len, &cap, c, k > 0 && (size_t)k < sizeof c ? (size_t)k : strlen(c));
            s += n;
        } else if (!strncmp(s, "(life-circle.md)", 16)) {
            bad = append(ctx, &t, &len, &cap, "（" LIFE_CIRCLE "）", strlen("（" LIFE_CIRCLE "）"));
            s += 16;
        } else if (!strncmp(s, "(see categories.", 16) && strstr(s, ".reach)")) {
            bad = append(ctx, &t, &len, &cap, "（" GB50180 "）", strlen("（" GB50180 "）"));
            s = strstr(s, ".reach)") + 7;
        } else {
            bad = append(ctx, &t, &len, &cap, s, 1);
            s++;
        }
        if (bad) {
            free(t);
            return NULL;
        }
    }
    return t;
}

json_t *lc_cite_json(const char *source)
{
    char *c = lc_cite_expand(NULL, source ? source : "");
    json_t *j = c ? json_string(c) : json_null();
    free(c);
    return j;
}
