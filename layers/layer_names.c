/*
 * layers/layer_names.c — the names of the input layers' kinds and field roles, the field names each
 * role is looked for under when the study maps none, and which roles each kind reads: the tables
 * the reader (layers/layer.c), study init (layers/study_init.c) and the messages share.
 */
#include <stddef.h>

#include "layers/layer_int.h"

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const kind_names[LC_LAYER_KIND_COUNT] = {"residential", "facilities", "units", "candidates",
                                                             "entrances", "buildings", "districts", "committees",
                                                             "groups", "areas"};

const char *lc_layer_kind_name(lc_layer_kind kind)
{
    return (unsigned)kind < LC_LAYER_KIND_COUNT ? kind_names[kind] : "unknown";
}

static const char *const role_names[LC_FIELD_ROLE_COUNT] = {
    "id", "name", "population", "pop60", "pop65", "unit",
    "category", "floor_area", "meals", "beds", "nursing_beds", "status", "compound",
    "district", "committee", "type", "households", "profile", "places", "opened", "closed"};

const char *lc_field_role_name(lc_field_role role)
{
    return (unsigned)role < LC_FIELD_ROLE_COUNT ? role_names[role] : "unknown";
}

/* Field names tried, in order, when the study maps no field to a role (compared ignoring ASCII
 * case). Chinese names are the ones planners' tables commonly use. */
static const char *const default_fields[LC_FIELD_ROLE_COUNT][8] = {
    [LC_FIELD_ID] = {"id", "编号", "代码", "code", "osm_id", NULL},
    [LC_FIELD_NAME] = {"name", "名称", "小区名称", "机构名称", "街镇名称", NULL},
    [LC_FIELD_POPULATION] = {"population", "常住人口", "pop", "人口", NULL},
    /* HJ60 / HJ65: 户籍 (HuJi) 60+ / 65+, the short names of bureau tables (a .dbf allows 10 bytes) */
    [LC_FIELD_POP60] = {"pop60", "户籍60岁以上", "60岁以上", "60岁以上户籍人口", "60岁及以上户籍人口", "HJ60", NULL},
    [LC_FIELD_POP65] = {"pop65", "户籍65岁以上", "65岁以上", "65岁以上户籍人口", "65岁及以上户籍人口", "HJ65", NULL},
    [LC_FIELD_UNIT] = {"unit", "街镇", "街道", "town", "所属街镇", "所属街道", NULL},
    [LC_FIELD_CATEGORY] = {"category", "类型", "类别", "设施类型", "type", NULL},
    [LC_FIELD_FLOOR_AREA] = {"floor_area", "建筑面积", "面积", "area_m2", NULL},
    [LC_FIELD_MEALS] = {"meals", "日供餐", "供餐能力", "meals_per_day", NULL},
    [LC_FIELD_BEDS] = {"beds", "床位", "床位数", NULL},
    [LC_FIELD_NURSING_BEDS] = {"nursing_beds", "护理床位", "护理型床位", NULL},
    [LC_FIELD_STATUS] = {"status", "状态", "选址状态", NULL},
    [LC_FIELD_COMPOUND] = {"compound", "residential", "小区编号", "小区", "xq_id", NULL},
    [LC_FIELD_DISTRICT] = {"district", "区", "区县", "所属区", "county", NULL},
    [LC_FIELD_COMMITTEE] = {"committee", "居村", "居委", "村委", "居委会", "村居", NULL},
    [LC_FIELD_TYPE] = {"type", "类型", "居村类型", "性质", "kind", NULL},
    [LC_FIELD_HOUSEHOLDS] = {"households", "户数", "总户数", "hh", NULL},
    [LC_FIELD_PROFILE] = {"profile", "标准", NULL},
    [LC_FIELD_PLACES] = {"places", "托位", "日托位", "托位数", "day_places", NULL},
    [LC_FIELD_OPENED] = {"opened", "开业年份", "建成年份", "开办年份", "投用年份", "year_opened", "open_year", NULL},
    [LC_FIELD_CLOSED] = {"closed", "关闭年份", "停业年份", "撤销年份", "year_closed", "close_year", NULL},
};

/* Which roles a kind reads (1 optional, 2 required). */
static const unsigned char kind_roles[LC_LAYER_KIND_COUNT][LC_FIELD_ROLE_COUNT] = {
    [LC_LAYER_RESIDENTIAL] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 2,
                              [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_UNIT] = 1,
                              [LC_FIELD_COMMITTEE] = 1, [LC_FIELD_HOUSEHOLDS] = 1},
    [LC_LAYER_FACILITIES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_CATEGORY] = 2,
                             [LC_FIELD_FLOOR_AREA] = 1, [LC_FIELD_MEALS] = 1, [LC_FIELD_BEDS] = 1,
                             [LC_FIELD_NURSING_BEDS] = 1, [LC_FIELD_PLACES] = 1, [LC_FIELD_OPENED] = 1,
                             [LC_FIELD_CLOSED] = 1},
    [LC_LAYER_UNITS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                        [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_DISTRICT] = 1, [LC_FIELD_TYPE] = 1},
    [LC_LAYER_CANDIDATES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_STATUS] = 1},
    [LC_LAYER_ENTRANCES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_COMPOUND] = 1},
    [LC_LAYER_BUILDINGS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                            [LC_FIELD_FLOOR_AREA] = 1},
    [LC_LAYER_DISTRICTS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                            [LC_FIELD_POP60] = 1, [LC_FIELD_POP65] = 1, [LC_FIELD_PROFILE] = 1},
    [LC_LAYER_COMMITTEES] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                             [LC_FIELD_HOUSEHOLDS] = 1, [LC_FIELD_UNIT] = 1, [LC_FIELD_TYPE] = 1},
    [LC_LAYER_GROUPS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1,
                         [LC_FIELD_COMMITTEE] = 1},
    [LC_LAYER_AREAS] = {[LC_FIELD_ID] = 1, [LC_FIELD_NAME] = 1, [LC_FIELD_POPULATION] = 1, [LC_FIELD_UNIT] = 1},
};

static const char *const x_fields[] = {"lon", "lng", "longitude", "经度", "x", NULL};
static const char *const y_fields[] = {"lat", "latitude", "纬度", "y", NULL};

const char *const *lc_layer_default_fields(lc_field_role role)
{
    static const char *const none[] = {NULL};
    return (unsigned)role < LC_FIELD_ROLE_COUNT ? default_fields[role] : none;
}

int lc_layer_kind_reads(lc_layer_kind kind, lc_field_role role)
{
    return (unsigned)kind < LC_LAYER_KIND_COUNT && (unsigned)role < LC_FIELD_ROLE_COUNT ? kind_roles[kind][role] : 0;
}

const char *const *lc_layer_xy_fields(int y)
{
    return y ? y_fields : x_fields;
}

