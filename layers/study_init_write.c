/*
 * layers/study_init_write.c — the text `lifecircle study init` writes: a commented YAML study with
 * every key the loader knows (layers/study.c), the guesses of layers/study_init.c marked
 * "# guessed: ..., check" with the other candidates beside them, in Chinese and English. What the
 * files hold and what was guessed is layers/study_init.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layers/layer_int.h"
#include "layers/study_init_int.h"

/* What each role is, for the comments (Chinese / English). */
static const char *const role_what[LC_FIELD_ROLE_COUNT] = {
    [LC_FIELD_ID] = "编号 unique id",
    [LC_FIELD_NAME] = "名称 name",
    [LC_FIELD_POPULATION] = "常住人口 resident population (the denominator of m² per 1,000 residents)",
    [LC_FIELD_POP60] = "户籍60岁以上 registered 60+ (the denominator of beds per elderly)",
    [LC_FIELD_POP65] = "户籍65岁以上 registered 65+ (the denominator of meals per 65+)",
    [LC_FIELD_UNIT] = "所属街镇 the 街镇 it belongs to (name or id)",
    [LC_FIELD_CATEGORY] = "类型 the facility's category label",
    [LC_FIELD_FLOOR_AREA] = "建筑面积 floor area, m²",
    [LC_FIELD_MEALS] = "日供餐 meals per day",
    [LC_FIELD_BEDS] = "床位 care beds",
    [LC_FIELD_NURSING_BEDS] = "护理床位 nursing-type beds",
    [LC_FIELD_STATUS] = "状态 必选/排除 force_in/force_out",
    [LC_FIELD_COMPOUND] = "所属小区 the compound's id",
    [LC_FIELD_DISTRICT] = "所属区 the 区 it belongs to",
    [LC_FIELD_COMMITTEE] = "所属居村 the 居村 it belongs to",
    [LC_FIELD_TYPE] = "类型 居委/村委, or 街道/镇/乡",
    [LC_FIELD_HOUSEHOLDS] = "户数 households",
    [LC_FIELD_PROFILE] = "标准 the district's profile",
    [LC_FIELD_PLACES] = "日托位 day-care places",
    [LC_FIELD_OPENED] = "开业年份 the year it opened (`progress`)",
    [LC_FIELD_CLOSED] = "关闭年份 the year it closed (`progress`)",
};

/* What cannot be computed without a role's field, for the comment of a role not found. */
static const char *missing_effect(int kind, int role)
{
    if (kind == LC_LAYER_RESIDENTIAL && role == LC_FIELD_POPULATION)
        return "REQUIRED 必填: name the field, or give households and persons_per_household";
    if (kind == LC_LAYER_RESIDENTIAL && role == LC_FIELD_POP60)
        return "without it beds per registered elderly (床位/户籍老人) cannot be computed";
    if (kind == LC_LAYER_RESIDENTIAL && role == LC_FIELD_POP65)
        return "without it meals per registered 65+ (助餐/65岁以上) cannot be computed";
    if (kind == LC_LAYER_RESIDENTIAL && role == LC_FIELD_UNIT)
        return "without it a compound straddling two 街镇 is split between them by area";
    if (kind == LC_LAYER_FACILITIES && role == LC_FIELD_CATEGORY)
        return "REQUIRED 必填: name the field holding each facility's category";
    if (kind == LC_LAYER_FACILITIES && role == LC_FIELD_FLOOR_AREA)
        return "without it floor area per 1,000 residents cannot be computed";
    if (kind == LC_LAYER_FACILITIES && (role == LC_FIELD_MEALS || role == LC_FIELD_BEDS || role == LC_FIELD_NURSING_BEDS))
        return "without it the capacity norms that count it cannot be computed";
    if (kind == LC_LAYER_UNITS && role == LC_FIELD_POPULATION)
        return "without it a 街镇's population is the sum of its compounds";
    return "optional 可选";
}

/* Appends s as a YAML scalar: plain when that reads back as the same text, else double-quoted. */
static void scalar(lc_strbuf *b, const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", NULL};
    int plain = *s && !strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) && s[strlen(s) - 1] != ' ' &&
                !strstr(s, ": ") && !strstr(s, " #") && !strpbrk(s, "\t\n\r\"\\{}[],") && s[strlen(s) - 1] != ':';
    for (const char *const *w = words; *w && plain; w++)
        plain = strcasecmp(s, *w) != 0;
    if (plain) {
        lc_strbuf_str(b, s);
        return;
    }
    lc_strbuf_str(b, "\"");
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\')
            lc_strbuf_add(b, "\\", 1);
        if (*c == '\n')
            lc_strbuf_str(b, "\\n");
        else if (*c == '\t')
            lc_strbuf_str(b, "\\t");
        else
            lc_strbuf_add(b, c, 1);
    }
    lc_strbuf_str(b, "\"");
}

/* A key: value line at indent, the comment after it aligned at column 30 (counting UTF-8
 * characters, not bytes). commented: the line itself is a comment (an optional key). */
static void line(lc_strbuf *b, int indent, int commented, const char *key, const char *value, const char *comment)
{
    size_t start = b->n;
    lc_strbuf_printf(b, "%*s%s", indent, "", commented ? "# " : "");
    scalar(b, key);
    lc_strbuf_str(b, ":");
    if (value) {
        lc_strbuf_str(b, " ");
        if (commented && *value)
            lc_strbuf_str(b, value); /* an example to edit, not a value read */
        else
            scalar(b, value);
    }
    if (comment && *comment) {
        size_t chars = 0;
        for (size_t i = start; !b->failed && i < b->n; i++)
            chars += ((unsigned char)b->s[i] & 0xC0) != 0x80;
        lc_strbuf_printf(b, "%*s# %s", chars < 30 ? (int)(30 - chars) : 1, "", comment);
    }
    lc_strbuf_str(b, "\n");
}

/* path relative to dir when it lies inside it, else as it is. Borrowed from path. */
static const char *relative(const char *dir, const char *path)
{
    size_t n = dir ? strlen(dir) : 0;
    if (n && !strncmp(path, dir, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static const char *geom_name(si_geom g)
{
    static const char *const names[] = {"a table without geometry", "points", "lines", "polygons"};
    return names[g];
}

/* "a, b, c": the first samples of a field. */
static void samples(lc_strbuf *b, const si_field *f)
{
    for (size_t k = 0; k < f->nsamples; k++) {
        char cut[64];
        snprintf(cut, sizeof cut, "%s", f->samples[k]);
        lc_strbuf_printf(b, "%s%s", k ? ", " : "", cut);
    }
    if (!f->nsamples)
        lc_strbuf_str(b, "all empty");
}

/* The comment lines describing a layer: what it is, its counts, CRS, encoding and fields. */
static void describe(lc_strbuf *b, const si_layer *L, const char *shown, const char *pre)
{
    lc_strbuf_printf(b, "%s# %s (layer %s): %s, %lld features; CRS %s; text %s (%s)\n", pre, shown, L->layer,
                 geom_name(L->geom), L->count, L->crs ? L->crs : "none (no .prj / not stated)",
                 L->encoding ? L->encoding : "as it says", L->enc_why);
    lc_strbuf_printf(b, "%s# fields 字段:", pre);
    for (size_t i = 0; i < L->nfields; i++) {
        lc_strbuf_printf(b, "%s %s (%s: ", i ? ";" : "", L->fields[i].name, L->fields[i].numeric ? "number" : "text");
        samples(b, &L->fields[i]);
        lc_strbuf_str(b, ")");
        if (i % 3 == 2 && i + 1 < L->nfields)
            lc_strbuf_printf(b, "\n%s#  ", pre);
    }
    lc_strbuf_str(b, L->nfields ? "\n" : " none\n");
}

/* The fields: block of a layer of lc_layer_kind lk: every role it reads, guessed or commented. */
static void write_fields(lc_strbuf *b, const si_layer *L, int lk)
{
    lc_strbuf_str(b, "  fields:                   # 字段对照 role: the layer's field (角色: 字段名)\n");
    for (int r = 0; r < LC_FIELD_ROLE_COUNT; r++) {
        if (!lc_layer_kind_reads((lc_layer_kind)lk, (lc_field_role)r) || r == LC_FIELD_PROFILE)
            continue;
        char comment[1024];
        const char *role = lc_field_role_name((lc_field_role)r);
        if (!L->ncand[r]) {
            snprintf(comment, sizeof comment, "%s — no field found; %s", role_what[r], missing_effect(lk, r));
            line(b, 4, 1, role, "", comment);
            continue;
        }
        const si_field *f = &L->fields[L->cand[r][0]];
        int dflt = 0;
        for (const char *const *d = lc_layer_default_fields((lc_field_role)r); *d && !dflt; d++)
            dflt = !strcasecmp(*d, f->name);
        lc_strbuf c = {0};
        lc_strbuf_printf(&c, "guessed: %s (%s; ", dflt ? "the readers' own name" : "from its name", role_what[r]);
        samples(&c, f);
        lc_strbuf_str(&c, "), check");
        if (L->ncand[r] > 1) {
            lc_strbuf_str(&c, "; other candidates 其他候选: ");
            for (int k = 1; k < L->ncand[r]; k++)
                lc_strbuf_printf(&c, "%s%s", k > 1 ? ", " : "", L->fields[L->cand[r][k]].name);
        }
        line(b, 4, 0, role, f->name, c.failed ? "" : c.s);
        if (c.failed)
            b->failed = 1;
        free(c.s);
    }
}

/* The facilities' categories: each label of the layer matched to the profile's category by its own
 * labels (code, Chinese, English, aliases), the rest commented. */
static void write_categories(lc_strbuf *b, const si_study *s, const si_layer *L)
{
    if (!L->nlabels)
        return;
    const char *field = L->fields[L->cand[LC_FIELD_CATEGORY][0]].name;
    lc_strbuf_printf(b, "  categories:               # 类别对照 the labels of %s → the profile's categories (代码 codes)\n",
                 field);
    size_t unknown = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < L->nlabels; i++) {
            int cat = lc_profile_find_category(s->profile, L->labels[i]);
            if ((cat >= 0) == pass)
                continue;
            char comment[512];
            if (cat >= 0) {
                const lc_category *c = lc_profile_category(s->profile, (size_t)cat);
                snprintf(comment, sizeof comment, "%zu facilities; guessed: the profile's own label for %s %s, check",
                         L->label_count[i], c->name_zh, c->name_en);
                line(b, 4, 0, L->labels[i], c->code, comment);
            } else {
                snprintf(comment, sizeof comment, "%zu facilities; not a label of %s: give one of the codes below "
                         "(或删除：这些设施将报错)", L->label_count[i], s->profile_name);
                line(b, 4, 1, L->labels[i], "<code>", comment);
                unknown++;
            }
        }
    if (L->labels_cut)
        lc_strbuf_printf(b, "    # ... more than %d labels: is %s a category field?\n", SI_LABELS, field);
    lc_strbuf_printf(b, "    # the codes of %s 类别代码:", s->profile_name);
    for (size_t i = 0; i < lc_profile_category_count(s->profile); i++) {
        const lc_category *c = lc_profile_category(s->profile, i);
        lc_strbuf_printf(b, "%s %s (%s)", i ? "," : "", c->code, c->name_zh);
        if (i % 4 == 3 && i + 1 < lc_profile_category_count(s->profile))
            lc_strbuf_str(b, "\n    #  ");
    }
    lc_strbuf_str(b, "\n");
    if (unknown)
        lc_strbuf_printf(b, "    # %zu labels are not the profile's: map each (uncomment it and give a code), or the "
                     "run stops on them\n", unknown);
}

/* The roads' own keys: the class field and its exclusions, noding, snapping. */
static void write_roads(lc_strbuf *b, const si_layer *L)
{
    int osm = 0;
    for (size_t i = 0; i < L->nfields; i++)
        osm |= !strcmp(L->fields[i].name, "highway");
    lc_strbuf_str(b, "  # fields:                 # roads' own fields 道路字段\n");
    if (osm)
        lc_strbuf_str(b, "  #   class: highway        # OSM's highway (with foot, access, bridge, tunnel, layer) is read "
                         "by name: nothing to map\n");
    else if (L->nroad_class)
        lc_strbuf_printf(b, "  #   class: %s            # guessed: a road-class field 道路等级 (what exclude matches); uncomment "
                     "it to use it, check\n", L->fields[L->road_class[0]].name);
    else
        lc_strbuf_str(b, "  #   class: <field>        # no road-class field found: every line is walked on (全部可步行)\n");
    lc_strbuf_str(b, "  #   bridge: <field>       # 桥梁 1/是: kept apart from the lines it crosses\n"
                     "  #   tunnel: <field>       # 隧道\n  #   level: <field>        # 层 vertical level\n"
                     "  # exclude: [高速公路, 快速路]   # class values not walked on 不可步行的等级\n"
                     "  # node_crossings: false    # split lines where they cross without a shared vertex (CAD lines)\n"
                     "  # snap_dangles_m: 0        # join line ends that stop this close (m, 0-50) to another line\n");
}

/* One layer's section. */
static void write_layer(lc_strbuf *b, const si_study *s, const si_layer *L)
{
    const si_kind *k = &lc_si_kinds[L->kind];
    const char *shown = relative(s->study_dir, L->source);
    lc_strbuf_printf(b, "\n%s:%*s# %s — %s\n", k->name, (int)(26 - strlen(k->name)), "", k->zh, k->what);
    lc_strbuf_printf(b, "  # guessed 推测: %s, check\n", L->why);
    describe(b, L, shown, "  ");
    line(b, 2, 0, "path", shown, "relative to this file 相对本文件");
    if (L->nlayers > 1) {
        char c[64];
        snprintf(c, sizeof c, "the file holds %d layers", L->nlayers);
        line(b, 2, 0, "layer", L->layer, c);
    } else {
        line(b, 2, 1, "layer", L->layer, "the only layer: nothing to choose");
    }
    line(b, 2, 1, "where", "", "a filter on the features 筛选条件, e.g. 区县 = '杨浦区'");
    line(b, 2, 1, "sql", "", "a SELECT run on the source, instead of layer");
    if (L->encoding) {
        char c[512];
        snprintf(c, sizeof c, "guessed: %s, check (乱码则改为 UTF-8)", L->enc_why);
        line(b, 2, 0, "encoding", L->encoding, c);
    } else {
        char c[512];
        snprintf(c, sizeof c, "read as it says: %s", L->enc_why);
        line(b, 2, 1, "encoding", "GBK", c);
    }
    if (L->geom == SI_NONE && L->xy[0] >= 0 && L->xy[1] >= 0) {
        line(b, 2, 0, "x", L->fields[L->xy[0]].name, "guessed: the longitude column 经度, check");
        line(b, 2, 0, "y", L->fields[L->xy[1]].name, "guessed: the latitude column 纬度, check");
    }
    if (!L->crs && L->geom == SI_NONE)
        line(b, 2, 0, "crs", "EPSG:4326", "guessed: lon/lat carry no CRS; GPS/WGS 84 is EPSG:4326, Amap/Tencent "
                                          "GCJ-02, Baidu BD-09 (高德/腾讯 GCJ-02，百度 BD-09), check");
    else if (!L->crs)
        line(b, 2, 1, "crs", "EPSG:4549", "NOTE: the layer has no CRS (no .prj): state it or the run is refused "
                                          "(无坐标系：必须填写)");
    else
        line(b, 2, 1, "crs", "EPSG:4326", "the layer's own CRS is used; give one only to override it");
    if (k->lkind < 0)
        write_roads(b, L);
    else
        write_fields(b, L, k->lkind);
    if (k->lkind == LC_LAYER_FACILITIES)
        write_categories(b, s, L);
    if (k->lkind == LC_LAYER_DISTRICTS)
        lc_strbuf_str(b, "  # profile_field: <field>  # the field naming each 区's profile (e.g. yangpu-2025)\n"
                         "  # profiles:               # or per 区 (id or name): a built-in name or a profile file\n"
                         "  #   杨浦区: yangpu-2025\n");
}

/* A commented skeleton for a layer no file was guessed for. */
static void write_absent(lc_strbuf *b, int k)
{
    const si_kind *K = &lc_si_kinds[k];
    lc_strbuf_printf(b, "\n# %s:%*s# %s — %s (optional 可选; none of the files looked like it)\n", K->name,
                 (int)(24 - strlen(K->name)), "", K->zh, K->what);
    lc_strbuf_str(b, "#   path: <file>\n#   layer: <name>\n#   fields: {");
    int first = 1;
    for (int r = 0; K->lkind >= 0 && r < LC_FIELD_ROLE_COUNT; r++)
        if (lc_layer_kind_reads((lc_layer_kind)K->lkind, (lc_field_role)r) && r != LC_FIELD_PROFILE) {
            lc_strbuf_printf(b, "%s%s: <field>", first ? "" : ", ", lc_field_role_name((lc_field_role)r));
            first = 0;
        }
    if (K->lkind < 0)
        lc_strbuf_str(b, "class: <field>");
    lc_strbuf_str(b, "}\n");
}

/* The top-level keys: the guesses (name, crs, profile) and every other key, commented. */
static void write_top(lc_strbuf *b, const si_study *s)
{
    lc_strbuf_str(b, "# lifecircle study 研究配置 — written by `lifecircle study init` from the files below.\n"
                     "# 由 `lifecircle study init` 根据数据生成。Every line marked \"guessed\" is a guess from the data:\n"
                     "# check each one (标注 guessed 的内容均为推测，请逐项核对). Keys left as comments are optional:\n"
                     "# remove the '#' to use one (注释掉的键为可选项，去掉 # 即启用). Then:\n"
                     "#   lifecircle validate THIS_FILE          reads and checks every input 读取并检查全部输入\n"
                     "#   lifecircle check THIS_FILE -o out      coverage and every norm per 街镇 覆盖率与各项指标\n\n");
    line(b, 0, 0, "name", "study 研究", "a title for the outputs 标题");
    line(b, 0, 0, "crs", "auto", "working CRS 工作坐标系 (metres): auto = the UTM zone of the data; in Shanghai "
                                 "EPSG:4549 (CGCS2000 3° GK CM 120E) is usual");
    char c[256];
    snprintf(c, sizeof c, "standards 标准: `lifecircle profile show %s`; or a file from `lifecircle profile init`",
             s->profile_name);
    line(b, 0, 0, "profile", s->profile_name, c);
    static const char *const opt[][3] = {
        {"description", "", "free text 说明"},
        {"encoding", "GBK", "default attribute encoding 默认编码, for layers without a .cpg whose text is not UTF-8"},
        {"output", "out", "output directory 输出目录 (relative to this file)"},
        {"format", "shapefile", "shapefile | gpkg | geojson"},
        {"mode", "straight", "straight 直线距离 | network 路网距离 (needs roads)"},
        {"reach_m", "1000", "one reach for every category 统一服务半径 (m), instead of the profile's"},
        {"walk_speed", "1.0", "m/s 步行速度, turns each category's minutes into metres (older pedestrians 0.8-1.0)"},
        {"walk_minutes", "15", "minutes 步行分钟"},
        {"demand_grid_m", "50", "m, spacing of the points residents walk from (network mode) 需求点间距"},
        {"catchments", "false", "also write each facility's catchment 服务范围 (costly on a city)"},
        {"catchment_streets", "false", "network mode: each facility's streets 服务街道"},
        {"circle_quadsegs", "32", "segments per quarter circle of a straight-line reach"},
        {"share_leaf_m", "12", "m, the smallest squares covered shares are measured in"},
        {"gap_cell_m", "2.5", "m, the grid gap outlines are traced on"},
        {"service_cell_m", "12.5", "m, the grid service areas are traced on"},
        {"persons_per_household", "2.3", "户均人口: a compound's population = households × this"},
        {"persons_per_household_source", "", "where that number comes from 来源 (required with it)"},
        {"years", "2020,2021,2022", "`progress`: the years 年份"},
        {"target_year", "2025", "`progress`: the plan year 规划目标年"},
        {"population_years", "population.csv", "`progress`: a 街镇 × year population table 分年人口"},
        {"output_schema", "public", "PostGIS output: the schema"},
        {"output_prefix", "lc_", "PostGIS output: the tables' prefix"},
    };
    for (size_t i = 0; i < sizeof opt / sizeof *opt; i++)
        line(b, 0, 1, opt[i][0], *opt[i][1] ? opt[i][1] : NULL, opt[i][2]);
}

void lc_si_write(const si_study *s, lc_strbuf *b)
{
    write_top(b, s);
    for (int k = 0; k < SI_KIND_COUNT; k++)
        for (size_t i = 0; i < s->nlayers; i++)
            if (s->layers[i].kind == k)
                write_layer(b, s, &s->layers[i]);
    for (int k = 0; k < SI_KIND_COUNT; k++) {
        int have = 0;
        for (size_t i = 0; i < s->nlayers; i++)
            have |= s->layers[i].kind == k;
        if (!have)
            write_absent(b, k);
    }
    int rest = 0;
    for (size_t i = 0; i < s->nlayers; i++)
        rest += s->layers[i].kind < 0;
    if (!rest)
        return;
    lc_strbuf_str(b, "\n# Layers no role was guessed for 未识别的图层 (give one a heading above to use it):\n");
    for (size_t i = 0; i < s->nlayers; i++)
        if (s->layers[i].kind < 0)
            describe(b, &s->layers[i], relative(s->study_dir, s->layers[i].source), "");
}
