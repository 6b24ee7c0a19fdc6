// The words of search and recommendation (core/src/search): the reasons a free slot ranks where it does.
#include "i18n/message_table.h"

namespace schoolshare::i18n {
namespace {

// clang-format off
constexpr Message kSearch[] = {
    {"search.reason.fit", "容量合适：需要 {need} 人，可容纳 {size} 人", "fits: {need} needed, holds {size}"},
    {"search.reason.too_big", "场地偏大：需要 {need} 人，可容纳 {size} 人", "larger than needed: {need} needed, holds {size}"},
    {"search.reason.stock", "器材充足：需要 {need} 件，库存 {size} 件", "enough units: {need} needed, {size} in stock"},
    {"search.reason.own_school", "本校资源，无需外出", "your own school's resource: no travel"},
    {"search.reason.distance", "距本校 {km} 公里", "{km} km from your campus"},
    {"search.reason.no_approval", "无需审批，提交即确认", "no approval needed: confirmed at once"},
    {"search.reason.approval_owner", "需所属学校审批", "needs the owner school's approval"},
    {"search.reason.approval_district", "需所属学校和学区两级审批", "needs the owner school's and the district's approval"},
    {"search.reason.fair_share", "本周共享额度剩余 {left} 分钟（每周上限 {limit} 分钟）", "{left} min of your weekly share left afterwards (cap {limit} min)"},
    {"search.reason.no_cap", "不限每周借用时长", "no weekly cap on borrowing"},
    {"search.reason.on_time", "正是所需时间", "at the requested time"},
    {"search.reason.later", "比所需时间晚 {minutes} 分钟", "{minutes} min after the requested time"},
    {"search.reason.people_free", "{schools} 所学校的 {classes} 个相关班级此时都没有课，也没有其他活动", "none of the {classes} classes of the {schools} schools has a lesson or a booking then"},
    {"search.reason.occurrences", "{total} 次中有 {free} 次空闲", "free on {free} of {total} dates"},
    // ---- schoolshare find ----
    {"cli.find.help", "查找空闲场地和器材，按适合程度排序并说明理由", "find free venues and equipment, ranked, with the reasons"},
    {"cli.find.duration", "需要的时长（分钟）", "duration needed (minutes)"},
    {"cli.find.types", "资源类型，可用逗号分隔多个：field,hall,lab,room,equipment", "resource type(s), comma-separated: field,hall,lab,room,equipment"},
    {"cli.find.school", "只查这所学校的资源", "only this school's resources"},
    {"cli.find.anywhere", "本学区内任何学校（默认）", "anywhere in the requesting school's district (the default)"},
    {"cli.find.city", "全市所有学区", "every district of the city"},
    {"cli.find.every_weekday", "每周重复：星期几（1-7）；此时 --from/--to 为每次的开始和结束时刻，如 14:00", "repeat weekly on this weekday (1-7); --from/--to are then the times of day, e.g. 14:00"},
    {"cli.find.min_occurrences", "至少有这么多次空闲即可（默认：每次都空闲）", "free on at least this many dates (default: on all)"},
    {"cli.find.per_resource", "同一资源最多列出几个时段", "at most this many slots of one resource"},
    {"cli.find.required", "需要 --db、--for-school、--from 和 --to", "--db, --for-school, --from and --to are required"},
    {"cli.find.one_scope", "--school 不能与 --anywhere 或 --city 同时使用", "--school cannot be combined with --anywhere or --city"},
    {"cli.find.none", "没有找到符合条件的空闲时段", "no free slot matches"},
    {"cli.find.separator", "；", "; "},
    {"cli.find.common.help", "多校联合活动的共同空闲时间：场地空闲，且相关班级都没有课和其他预订", "common free time for a joint activity: a venue is free and no class involved has a lesson or a booking"},
    {"cli.find.common.schools", "参加的学校，逗号分隔；第一所为主办校（距离从它算起）", "schools taking part, comma-separated; the first hosts (distances are from it)"},
    {"cli.find.common.classes", "参加的班级，逗号分隔（默认：这些学校的所有班级）", "classes taking part, comma-separated (default: every class of the schools)"},
    {"cli.find.common.required", "需要 --db、--schools、--from、--to 和 --duration", "--db, --schools, --from, --to and --duration are required"},
    {"cli.col.score", "得分", "score"},
    {"cli.col.why", "理由", "why"},
};
// clang-format on

}  // namespace

MessageTable SearchMessages() { return {kSearch, sizeof(kSearch) / sizeof(kSearch[0])}; }

}  // namespace schoolshare::i18n
