/*
 * outputs/citations_int.h — citations a 规划说明书 can use (issue 17): the profiles' short sources
 * ("SH L548-554", "(life-circle.md)", "(see categories.centre.reach)") spelt out as the document's
 * title, number and section, for the report. Internal to outputs/.
 */
#ifndef LIFECIRCLE_OUTPUTS_CITATIONS_INT_H
#define LIFECIRCLE_OUTPUTS_CITATIONS_INT_H

#include "lifecircle/context.h"

/* One heading of a seed plan: the document's tag (SH, YP, CN, BS, SJ), the line it starts on
 * (counted as seed-norms.md counts), its level (1: 一、, 2: (一), 3: Shanghai's 重大事项) and text. */
typedef struct lc_seed_heading {
    const char *tag;
    int line;
    int level;
    const char *text;
} lc_seed_heading;

/* The title and number of the seed document tag ("SH" → 《上海市民政事业发展“十四五”规划》（沪府办发
 * 〔2021〕16号）), or NULL for a tag none has. Never freed. */
const char *lc_cite_document(const char *tag);

/* Writes the section of document tag that line lies in ("三、… (二)… 重大事项二:…", the levels joined
 * by a space) into buf; an empty string when the line comes before the first heading or the tag is
 * unknown. Returns buf. */
char *lc_cite_section(const char *tag, int line, char *buf, size_t size);

/* source with every "<tag> L<n>[-<m>]" of a seed document followed by the document's title, number
 * and section, "(life-circle.md)" by the documents that file quotes, and "(see categories.<c>.reach)"
 * by GB 50180-2018's table of circle sizes (居住区分级控制规模); NULL when out of memory (ctx, which may be NULL, holds the error).
 * Caller frees. */
char *lc_cite_expand(lc_context *ctx, const char *source);

/* summary.json's "source_document" beside a "source": lc_cite_expand(source) as a JSON string, JSON
 * null when out of memory. A new reference (jansson's json_t). */
struct json_t;
struct json_t *lc_cite_json(const char *source);

#endif /* LIFECIRCLE_OUTPUTS_CITATIONS_INT_H */
