// Message tables (zh-CN, en) and the rendering of rule violations.
//
// Adding a message is one line in kMessages: {key, Chinese, English}. Placeholders are "{name}" and are
// filled from the params map; an unknown placeholder stays visible. Key families:
//   rule.<rule_name>[.<variant>]   a full sentence for a violation (params: see core/src/rules/rules.cpp)
//   rule.<rule_name>.title         a short label without placeholders (list headings, fallback)
//   <enum>.<word>                  every enum word of model.h: resource_type.field, role.kiosk, ...
//   weekday.<1..7>, status.<StatusCodeName>, common.*, field.*, unit.*, msg.*
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <vector>

#include "i18n/message_table.h"
#include "schoolshare/i18n.h"

namespace schoolshare {
namespace {

using i18n::Message;

// clang-format off
constexpr Message kMessages[] = {
    // ---- Rule violations: full sentences (variants are chosen by DescribeViolation) ----
    {"rule.invalid_interval", "预订时间无效：结束时间须晚于开始时间，且精确到整分钟（{start} 至 {end}）。", "Invalid booking time: the end must come after the start, on whole minutes ({start} to {end})."},
    {"rule.inactive", "{resource}已停用，不能预订。", "{resource} is no longer in service and cannot be booked."},
    {"rule.home_only", "该场地仅限本校使用：{resource}不对外校开放。", "{resource} is for its own school only and is not lent to other schools."},
    {"rule.in_the_past", "不能预订已经过去的时间：开始时间 {start} 早于现在（{now}）。", "Cannot book a time in the past: the start {start} is before now ({now})."},
    {"rule.overlap", "与已有预订冲突：{resource}在 {from} 至 {until} 已有 {count} 条预订。", "Conflicts with existing bookings: {resource} already has {count} booking(s) between {from} and {until}."},
    {"rule.overlap.buffer", "与已有预订冲突：{resource}在 {from} 至 {until} 已有 {count} 条预订（前后须留出 {buffer} 分钟布置和清场时间）。", "Conflicts with existing bookings: {resource} already has {count} booking(s) between {from} and {until} (a {buffer}-minute set-up and clean-up gap is required)."},
    {"rule.equipment_stock", "器材数量不足：{resource}共 {limit} 件，该时段仅剩 {available} 件可借，本次申请 {requested} 件。", "Not enough units: {resource} has {limit} in stock, {available} free at that time; {requested} requested."},
    {"rule.capacity", "超出场地容纳人数：{resource}最多容纳 {limit} 人，本次 {actual} 人。", "Over capacity: {resource} holds at most {limit} people; {actual} expected."},
    {"rule.quantity", "借用数量无效：{resource}库存 {limit} 件，本次申请 {actual} 件（至少 1 件）。", "Invalid quantity: {resource} has {limit} units in stock; {actual} requested (at least 1)."},
    {"rule.opening_hours", "超出开放时间：{resource} {date} 的开放时间为 {opening}。", "Outside opening hours: on {date} {resource} is open {opening}."},
    {"rule.opening_hours.holiday", "超出开放时间：{date} 是{holiday}，{resource}不开放。", "Outside opening hours: {date} is a holiday ({holiday}) and {resource} is closed."},
    {"rule.opening_hours.closed", "超出开放时间：{resource} {date} 不开放。", "Outside opening hours: {resource} is closed on {date}."},
    {"rule.blackout", "该时段暂停使用：{resource}在 {from} 至 {until} 因{kind_text}停用（{reason}）。", "Unavailable: {resource} is closed from {from} to {until} for {kind_text} ({reason})."},
    {"rule.blackout.no_reason", "该时段暂停使用：{resource}在 {from} 至 {until} 因{kind_text}停用。", "Unavailable: {resource} is closed from {from} to {until} for {kind_text}."},
    {"rule.exam_period", "考试期间不对外校开放：{date} 是本校考试日（{name}）。", "Closed to other schools during exams: {date} is an exam day of the owner school ({name})."},
    {"rule.exam_period.unnamed", "考试期间不对外校开放：{date} 是本校考试日。", "Closed to other schools during exams: {date} is an exam day of the owner school."},
    {"rule.min_notice", "需提前{limit_text}预约：现在距开始只有{actual_text}。", "Book at least {limit_text} ahead: the start is only {actual_text} away."},
    {"rule.max_advance", "最多只能提前{limit}天预约：现在距开始还有 {actual} 天。", "Bookings open at most {limit} days ahead: the start is {actual} days away."},
    {"rule.max_duration", "单次借用不能超过{limit_text}：本次为{actual_text}。", "A booking may last at most {limit_text}; this one lasts {actual_text}."},
    {"rule.weekly_cap", "本周借用时长已达上限：每校每周最多{limit_text}，本周已用{used_text}，本次申请{requested_text}。", "Weekly limit reached: at most {limit_text} a week per school; {used_text} already used this week, {requested_text} requested."},
    {"rule.agreement_cap", "超出共建协议的每周时长：协议每周{limit_text}，本周已用{used_text}，本次申请{requested_text}。", "Over the sharing agreement's weekly hours: {limit_text} a week; {used_text} already used this week, {requested_text} requested."},
    {"rule.period_locked", "{month} 的使用报表已签核锁定，不能再修改。", "The usage report for {month} is signed off and locked; it can no longer be changed."},
    {"rule.permission", "没有权限执行此操作。", "You are not allowed to do this."},
    {"rule.not_pending", "预订 {code} 当前为“{status_text}”状态，无需再审批。", "Booking {code} is {status_text} and no longer awaits this decision."},
    {"rule.already_started", "预订 {code} 已于 {start} 开始，不能再取消（如需处理请联系学区管理员）。", "Booking {code} started at {start} and can no longer be cancelled (ask a district admin)."},
    {"rule.stale_version", "预订 {code} 在您处理前已被他人修改（当前为第 {version} 版），请刷新后重新审批。", "Booking {code} was changed before your decision arrived (it is now version {version}); refresh and decide again."},

    // ---- Rule violations: short labels ----
    {"rule.invalid_interval.title", "时间无效", "Invalid time"},
    {"rule.inactive.title", "已停用", "Out of service"},
    {"rule.home_only.title", "仅限本校使用", "Own school only"},
    {"rule.in_the_past.title", "时间已过", "In the past"},
    {"rule.overlap.title", "时间冲突", "Time conflict"},
    {"rule.equipment_stock.title", "器材数量不足", "Not enough units"},
    {"rule.capacity.title", "超出容纳人数", "Over capacity"},
    {"rule.quantity.title", "数量无效", "Invalid quantity"},
    {"rule.opening_hours.title", "超出开放时间", "Outside opening hours"},
    {"rule.blackout.title", "暂停使用", "Unavailable"},
    {"rule.exam_period.title", "考试期间", "Exam period"},
    {"rule.min_notice.title", "预约太晚", "Too little notice"},
    {"rule.max_advance.title", "预约太早", "Too far ahead"},
    {"rule.max_duration.title", "时长超限", "Too long"},
    {"rule.weekly_cap.title", "本周时长已满", "Weekly limit reached"},
    {"rule.agreement_cap.title", "协议时长已满", "Agreement limit reached"},
    {"rule.period_locked.title", "报表已锁定", "Period locked"},
    {"rule.permission.title", "无权限", "Not allowed"},
    {"rule.not_pending.title", "无需审批", "Not awaiting a decision"},
    {"rule.already_started.title", "预订已开始", "Already started"},
    {"rule.stale_version.title", "已被他人修改", "Changed meanwhile"},

    // ---- Enum words (model.h) ----
    {"school_kind.core", "核心校", "core school"},
    {"school_kind.member", "成员校", "member school"},
    {"school_kind.partner", "共建单位", "partner"},
    {"resource_type.field", "运动场", "field"},
    {"resource_type.hall", "礼堂/场馆", "hall"},
    {"resource_type.lab", "实验室", "lab"},
    {"resource_type.room", "功能教室", "room"},
    {"resource_type.equipment", "器材", "equipment"},
    {"approval_mode.none", "无需审批", "no approval"},
    {"approval_mode.owner", "产权校审批", "owner approves"},
    {"approval_mode.owner_then_district", "产权校审批后学区审批", "owner, then district approves"},
    {"booking_status.pending", "待审批", "pending"},
    {"booking_status.confirmed", "已确认", "confirmed"},
    {"booking_status.rejected", "已驳回", "rejected"},
    {"booking_status.cancelled", "已取消", "cancelled"},
    {"approval_stage.none", "无", "none"},
    {"approval_stage.owner", "产权校", "owner school"},
    {"approval_stage.district", "学区", "district"},
    {"fact_kind.check_in", "签到", "check-in"},
    {"fact_kind.check_out", "签退", "check-out"},
    {"fact_kind.walk_in", "现场使用", "walk-in"},
    {"fact_kind.hand_out", "借出", "hand-out"},
    {"fact_kind.return", "归还", "return"},
    {"role.district_admin", "学区管理员", "district admin"},
    {"role.school_manager", "学校管理员", "school manager"},
    {"role.kiosk", "校门终端", "kiosk"},
    {"role.auditor", "审计员", "auditor"},
    {"role.feed", "日历订阅", "calendar feed"},
    {"blackout_kind.maintenance", "维修保养", "maintenance"},
    {"blackout_kind.exam", "考试", "an exam"},
    {"blackout_kind.event", "活动", "an event"},
    {"blackout_kind.other", "其他原因", "other reasons"},
    {"calendar_day_kind.public_holiday", "法定节假日", "public holiday"},
    {"calendar_day_kind.school_holiday", "学校假期", "school holiday"},
    {"calendar_day_kind.exam", "考试日", "exam day"},
    {"calendar_day_kind.makeup_workday", "调休上课日", "makeup workday"},
    {"period_status.open", "未签核", "open"},
    {"period_status.signed_off", "已签核", "signed off"},

    // ---- Weekdays (ISO 1 = Monday) ----
    {"weekday.1", "周一", "Monday"},
    {"weekday.2", "周二", "Tuesday"},
    {"weekday.3", "周三", "Wednesday"},
    {"weekday.4", "周四", "Thursday"},
    {"weekday.5", "周五", "Friday"},
    {"weekday.6", "周六", "Saturday"},
    {"weekday.7", "周日", "Sunday"},

    // ---- Status codes (StatusCodeName) ----
    {"status.ok", "成功", "OK"},
    {"status.invalid_argument", "输入有误", "Invalid input"},
    {"status.not_found", "未找到", "Not found"},
    {"status.conflict", "未通过规则检查", "Refused by a rule"},
    {"status.permission_denied", "没有权限", "Permission denied"},
    {"status.locked", "已锁定", "Locked"},
    {"status.already_exists", "已存在", "Already exists"},
    {"status.io_error", "读写失败", "I/O error"},
    {"status.corruption", "数据已损坏", "Data corrupted"},
    {"status.internal", "内部错误", "Internal error"},
    {"status.unavailable", "服务繁忙，请稍后重试", "Busy, try again later"},
    {"status.with_detail", "{headline}：{detail}", "{headline}: {detail}"},  // also a refusal's headline

    // ---- A write the server refused, by its error word (api.md "Errors"); rule words use rule.*.title ----
    {"refusal.invalid_request", "请求无效", "Invalid request"},
    {"refusal.unauthorized", "令牌无效或已吊销", "Unknown or revoked token"},
    {"refusal.forbidden", "超出此令牌的权限范围", "Outside this token's scope"},
    {"refusal.not_found", "未找到", "Not found"},
    {"refusal.already_exists", "已存在", "Already exists"},
    {"refusal.conflict", "与现有数据冲突", "Conflicts with what is already there"},
    {"refusal.open_items", "还有未处理的对账事项", "Reconciliation items are still open"},
    {"refusal.quarantined", "服务器无法处理，已留待管理员查看", "The server could not process it; kept for an operator"},
    {"refusal.out_of_order", "同步顺序错乱", "Out of order"},
    {"refusal.sequence_reused", "同步序号重复", "Sequence number reused"},
    {"refusal.client_not_registered", "需要重新登记此设备", "This device must register again"},
    {"refusal.payload_too_large", "数据太大", "Too large"},
    {"refusal.internal", "服务器内部错误", "Internal server error"},
    {"refusal.unavailable", "服务器繁忙，请稍后重试", "The server is busy; try again later"},
    {"refusal.other", "服务器未接受", "Refused by the server"},

    // ---- Common words ----
    {"common.yes", "是", "yes"},
    {"common.no", "否", "no"},
    {"common.ok", "确定", "OK"},
    {"common.cancel", "取消", "Cancel"},
    {"common.confirm", "确认", "Confirm"},
    {"common.save", "保存", "Save"},
    {"common.back", "返回", "Back"},
    {"common.search", "搜索", "Search"},
    {"common.error", "错误", "Error"},
    {"common.warning", "警告", "Warning"},
    {"common.none", "无", "none"},
    {"common.all", "全部", "all"},
    {"common.unknown", "未知", "unknown"},
    {"common.today", "今天", "today"},
    {"common.tomorrow", "明天", "tomorrow"},
    {"common.now", "现在", "now"},
    {"common.next", "接下来", "next"},
    {"common.free", "空闲", "free"},
    {"common.closed", "不开放", "closed"},

    // ---- Field labels (tables, forms, CSV headers shown to people) ----
    {"field.id", "编号", "ID"},
    {"field.district", "学区", "District"},
    {"field.school", "学校", "School"},
    {"field.owner_school", "产权校", "Owner school"},
    {"field.requesting_school", "申请学校", "Requesting school"},
    {"field.resource", "资源", "Resource"},
    {"field.type", "类型", "Type"},
    {"field.name", "名称", "Name"},
    {"field.capacity", "容纳人数", "Capacity"},
    {"field.quantity", "数量", "Quantity"},
    {"field.features", "设施", "Features"},
    {"field.opening_hours", "开放时间", "Opening hours"},
    {"field.organizer", "负责人", "Organizer"},
    {"field.title", "活动名称", "Title"},
    {"field.activity_type", "活动类型", "Activity"},
    {"field.attendees", "人数", "Attendees"},
    {"field.date", "日期", "Date"},
    {"field.start", "开始时间", "Start"},
    {"field.end", "结束时间", "End"},
    {"field.duration", "时长", "Duration"},
    {"field.status", "状态", "Status"},
    {"field.stage", "审批环节", "Approval stage"},
    {"field.code", "预订码", "Booking code"},
    {"field.note", "备注", "Note"},
    {"field.role", "角色", "Role"},
    {"field.students", "学生人数", "Students"},
    {"field.weak", "薄弱校", "Weak school"},

    // ---- Units ----
    {"unit.minutes", "{n} 分钟", "{n} min"},
    {"unit.hours", "{n} 小时", "{n} h"},
    {"unit.days", "{n} 天", "{n} days"},
    {"unit.people", "{n} 人", "{n} people"},
    {"unit.items", "{n} 件", "{n} units"},
    {"unit.schools", "{n} 所学校", "{n} schools"},

    // ---- Durations (FormatDuration joins the parts) ----
    {"duration.days", "{n}天", "{n} days"},
    {"duration.day", "{n}天", "{n} day"},
    {"duration.hours", "{n}小时", "{n} hours"},
    {"duration.hour", "{n}小时", "{n} hour"},
    {"duration.minutes", "{n}分钟", "{n} minutes"},
    {"duration.minute", "{n}分钟", "{n} minute"},

    // ---- Messages ----
    {"msg.booking_confirmed", "预订成功，预订码 {code}。", "Booked. Booking code {code}."},
    {"msg.booking_pending", "申请已提交，等待{stage}审批，预订码 {code}。", "Request submitted, awaiting approval by the {stage}. Booking code {code}."},
    {"msg.booking_cancelled", "预订已取消。", "Booking cancelled."},
    {"msg.booking_approved", "已批准该预订。", "Booking approved."},
    {"msg.booking_rejected", "已驳回该预订。", "Booking rejected."},
    {"msg.booking_refused", "预订未通过：", "Booking refused:"},
    {"msg.conflicting_bookings", "冲突的预订：{ids}", "Conflicting bookings: {ids}"},
    {"msg.alternatives", "可选的其他时间或场地：", "Alternatives:"},
    {"msg.no_alternatives", "没有找到合适的其他时间或场地。", "No alternative time or venue was found."},
    {"msg.not_found", "未找到{what}：{id}", "{what} not found: {id}"},
    {"msg.awaiting_server", "等待服务器确认", "Awaiting server"},
    {"msg.needs_attention", "需要处理", "Needs attention"},
    {"msg.offline", "网络已断开，操作将在恢复后同步。", "Offline: changes will sync when the network is back."},
    {"msg.imported", "已导入 {count} 行。", "Imported {count} rows."},
    {"msg.import_row_error", "第 {row} 行有误：{error}", "Row {row}: {error}"},

    // ---- CSV import (core/src/csv/import.cpp; owner: CSV import) ----
    {"import.csv.invalid_utf8", "文件不是 UTF-8 编码（第 {column} 个字符）；请在表格软件中另存为“CSV UTF-8”格式。", "Not UTF-8 text (character {column}); save the file as \"CSV UTF-8\"."},
    {"import.csv.utf16", "文件是 UTF-16 编码；请另存为“CSV UTF-8”格式。", "The file is UTF-16; save it as \"CSV UTF-8\"."},
    {"import.csv.unterminated_quote", "第 {column} 个字符处的引号没有闭合。", "The quote at character {column} is never closed."},
    {"import.csv.stray_quote", "第 {column} 个字符处有多余的引号：含引号的内容须整体加引号，并把其中的引号写成两个（\"\"）。", "Stray quote at character {column}: quote the whole field and double the quotes inside it (\"\")."},
    {"import.csv.text_after_quote", "第 {column} 个字符处：闭合引号后只能是逗号或换行。", "Character {column}: only a comma or a line break may follow a closing quote."},
    {"import.empty_file", "文件为空：第一行须为表头。", "The file is empty: the first line must be the header."},
    {"import.unknown_column", "未知的列“{column}”。可用的列：{allowed}。", "Unknown column \"{column}\". Columns: {allowed}."},
    {"import.duplicate_column", "列“{column}”出现了两次。", "Column \"{column}\" appears twice."},
    {"import.missing_column", "缺少必需的列“{column}”。", "Required column \"{column}\" is missing."},
    {"import.field_count", "本行有 {actual} 个字段，表头有 {expected} 个。", "This line has {actual} fields; the header has {expected}."},
    {"import.required", "“{column}”不能为空。", "\"{column}\" must not be empty."},
    {"import.bad_integer", "“{value}”不是整数。", "\"{value}\" is not a whole number."},
    {"import.bad_number", "“{value}”不是数字。", "\"{value}\" is not a number."},
    {"import.too_small", "“{value}”太小：至少为 {min}。", "\"{value}\" is too small: at least {min}."},
    {"import.too_large", "“{value}”太大：至多为 {max}。", "\"{value}\" is too large: at most {max}."},
    {"import.out_of_range", "“{value}”超出范围（{min} 至 {max}）。", "\"{value}\" is out of range ({min} to {max})."},
    {"import.bad_bool", "“{value}”不是“是/否”：可填 是/否、true/false、1/0。", "\"{value}\" is not yes or no: use true/false, 1/0, yes/no or 是/否."},
    {"import.bad_enum", "“{value}”无效，可填：{allowed}。", "\"{value}\" is not valid; use one of: {allowed}."},
    {"import.duplicate_id", "编号“{value}”已在第 {other_line} 行出现。", "ID \"{value}\" already appears on line {other_line}."},
    {"import.district_not_found", "学区“{value}”不存在。", "District \"{value}\" does not exist."},
    {"import.school_not_found", "学校“{value}”不存在。", "School \"{value}\" does not exist."},
    {"import.resource_not_found", "资源“{value}”不存在。", "Resource \"{value}\" does not exist."},
    {"import.parent_not_found", "上级场地“{value}”不存在（须已在系统中，或写在本文件更前面的行）。", "Parent resource \"{value}\" does not exist (it must be stored already or on an earlier line of this file)."},
    {"import.parent_other_school", "上级场地“{value}”属于另一所学校。", "Parent resource \"{value}\" belongs to another school."},
    {"import.parent_self", "场地不能是自己的上级场地。", "A resource cannot be its own parent."},
    {"import.parent_cycle", "上级场地“{value}”会形成循环。", "Parent resource \"{value}\" would make a cycle."},
    {"import.equipment_quantity", "器材的数量至少为 1。", "Equipment needs a quantity of at least 1."},
    {"import.bad_time", "“{value}”不是有效时间：请写成“2026-11-23 08:00”或 RFC 3339 格式。", "\"{value}\" is not a valid time: write \"2026-11-23 08:00\" or RFC 3339."},
    {"import.bad_time_zone", "无法确定学校“{value}”所在学区的时区。", "The time zone of the district of school \"{value}\" is unknown."},
    {"import.permission", "没有权限修改“{value}”的目录信息。", "Not allowed to edit the catalogue of \"{value}\"."},
    {"import.write_failed", "写入失败：{detail}", "Could not be written: {detail}"},
    {"import.booking_failed", "无法创建预订：{detail}", "The booking could not be created: {detail}"},
    {"import.hours.bad_clause", "开放时间“{value}”格式不对，应如“Mon-Fri 08:00-18:00”。", "Opening hours \"{value}\": expected e.g. \"Mon-Fri 08:00-18:00\"."},
    {"import.hours.bad_day", "“{value}”不是星期（Mon…Sun）。", "\"{value}\" is not a day (Mon..Sun)."},
    {"import.hours.bad_range", "“{value}”不是有效时段，应如“08:00-18:00”。", "\"{value}\" is not a time range such as \"08:00-18:00\"."},
    {"import.hours.overlap", "{day} 的时段重叠：{value}。", "Windows overlap on {day}: {value}."},
    {"import.periods.bad", "节次“{value}”格式不对，应如“1=08:00-08:40”。", "Class period \"{value}\": expected e.g. \"1=08:00-08:40\"."},
    {"import.periods.duplicate", "第 {value} 节重复。", "Period {value} appears twice."},
    {"import.periods.overlap", "第 {a} 节与第 {b} 节时间重叠。", "Periods {a} and {b} overlap."},
    // ---- Period reports (report_format.cpp): CSV and table headers, row kinds, item reasons ----
    {"report.col.kind", "类别", "kind"},
    {"report.col.id", "编号", "id"},
    {"report.col.name", "名称", "name"},
    {"report.col.opening_h", "开放小时", "opening h"},
    {"report.col.booked_h", "预订小时", "booked h"},
    {"report.col.used_h", "实际使用小时", "used h"},
    {"report.col.bookings", "预订数", "bookings"},
    {"report.col.booked_pct", "预订率%", "booked %"},
    {"report.col.used_pct", "使用率%", "used %"},
    {"report.col.owner", "出借学校", "owner"},
    {"report.col.owner_name", "出借学校名称", "owner name"},
    {"report.col.borrower", "借用学校", "borrower"},
    {"report.col.borrower_name", "借用学校名称", "borrower name"},
    {"report.col.fee_yuan", "费用（元）", "fee (yuan)"},
    {"report.col.school", "学校", "school"},
    {"report.col.hosted_h", "接待小时", "hosted h"},
    {"report.col.hosted_used_h", "接待实用小时", "hosted used h"},
    {"report.col.borrowed_h", "借用小时", "borrowed h"},
    {"report.col.borrowed_used_h", "借用实用小时", "borrowed used h"},
    {"report.col.fees_earned", "收入（元）", "fees earned (yuan)"},
    {"report.col.fees_paid", "支出（元）", "fees paid (yuan)"},
    {"report.col.weak", "薄弱校", "weak"},
    {"report.col.students", "学生数", "students"},
    {"report.col.own_h", "本校开放小时", "own h"},
    {"report.col.reachable_h", "可借外校小时", "reachable shared h"},
    {"report.col.available_per_student", "生均可用小时", "available h per student"},
    {"report.col.used_own_h", "本校场地实用小时", "used on own h"},
    {"report.col.used_per_student", "生均实用小时（含共享）", "used h per student (with sharing)"},
    {"report.col.used_own_per_student", "生均实用小时（不含共享）", "used h per student (own only)"},
    {"report.col.item", "事项", "item"},
    {"report.col.reason", "原因", "reason"},
    {"report.col.resource", "资源", "resource"},
    {"report.col.booking", "预订", "booking"},
    {"report.col.start", "开始", "start"},
    {"report.col.checked_in", "签到", "checked in"},
    {"report.col.checked_out", "签退", "checked out"},
    {"report.col.resolved", "已处理", "resolved"},
    {"report.col.resolution", "处理说明", "resolution"},
    {"report.kind.resource", "资源", "resource"},
    {"report.kind.school", "学校", "school"},
    {"report.kind.type", "类型", "type"},
    {"report.kind.total", "合计", "total"},
    {"report.kind.week", "周", "week"},
    {"report.yes", "是", "yes"},
    {"report.group.weak", "薄弱校", "weak schools"},
    {"report.group.rest", "其他学校", "other schools"},
    {"report.gini", "基尼系数", "Gini coefficient"},
    {"report.reason.no_show", "预订未到", "no-show"},
    {"report.reason.late_check_in", "迟到签到", "late check-in"},
    {"report.reason.overrun", "超时使用", "overrun"},
    {"report.reason.late_cancellation", "临时取消（开始前 24 小时内）", "late cancellation (within 24 h of the start)"},
    {"report.reason.equipment_overdue", "器材逾期未还", "equipment not returned"},
    {"report.reason.walk_in_conflict", "现场使用与预订冲突", "walk-in conflicts with a booking"},
    {"report.reason.no_booking", "无预订使用", "used without a booking"},
    {"report.reason.booking_not_held", "预订已取消或被驳回", "booking not held"},
    {"report.reason.outside_window", "签到不在预订时段内", "check-in outside the booking"},
    {"report.reason.over_stock", "领用数量超过预订", "more handed out than booked"},
    {"report.reason.equipment_damaged", "器材损坏", "equipment damaged"},
    {"report.reason.equipment_missing", "器材丢失", "equipment missing"},
    {"report.reason.period_locked", "记录落在已签核的月份", "fact in a signed-off month"},
    // ---- Opening a database (Store::OpenSqlite): every binary prints these and exits non-zero ----
    {"store.not_a_database", "无法打开 {path}：它不是 schoolshare 数据库，或文件头已损坏（{detail}）。", "cannot open {path}: it is not a schoolshare database, or its header is damaged ({detail})."},
    {"store.damaged", "数据库 {path} 已损坏，拒绝打开：完整性检查（PRAGMA quick_check）发现：{detail}。请停用该文件，从备份恢复（docs/operations.md）。", "database {path} is damaged and was not opened: its integrity check (PRAGMA quick_check) found: {detail}. Stop using the file and restore a backup (docs/operations.md)."},
    {"store.newer_schema", "数据库 {path} 的结构版本为 {found}，比本程序支持的版本 {known} 更新，拒绝打开（文件未作任何改动）：请升级 schoolshare 后再打开它。", "database {path} has schema version {found}, newer than the version this schoolshare knows ({known}); it was not opened (nor changed): upgrade schoolshare to open it."},
    // ---- Moving a SQLite database into PostgreSQL (MigrateSqliteToPostgres, schoolshare migrate-store) ----
    {"store.migrate.target_not_postgres", "迁移目标 {target} 不是 postgresql:// 地址", "the target {target} is not a postgresql:// URI"},
    {"store.migrate.source_missing", "源数据库 {path} 不存在", "the source database {path} does not exist"},
    {"store.migrate.target_not_empty", "目标数据库 {target} 已有数据（{table}：{n}），拒绝迁移：只能迁入空的 PostgreSQL 数据库，目标未作任何改动", "the target database {target} already holds data ({table}: {n}); refused: migrate-store only fills an empty PostgreSQL database, and the target was not changed"},
    {"store.migrate.row_refused", "目标数据库拒绝了 {table} 表的一行（{key}）：{detail}；已回滚，目标库保持迁移前的状态", "the target refused a row of {table} ({key}): {detail}; rolled back, the target is as it was before"},
    {"store.migrate.count_mismatch", "迁移后行数不一致（{detail}）；已回滚，目标库保持迁移前的状态", "row counts differ after the copy ({detail}); rolled back, the target is as it was before"},
};
// clang-format on

using Table = std::unordered_map<std::string_view, const Message*>;

const Table& Messages() {
  static const Table table = [] {  // built once, read-only afterwards
    Table t;
    for (const Message& m : kMessages) t.emplace(m.key, &m);
    for (const i18n::MessageTable& more : {i18n::CliMessages(), i18n::AdminMessages(), i18n::AdminWindowMessages(),
                                           i18n::SearchMessages(), i18n::KioskMessages()}) {
      for (std::size_t i = 0; i < more.size; ++i) t.emplace(more.entries[i].key, &more.entries[i]);
    }
    return t;
  }();
  return table;
}

const Message* Lookup(std::string_view key) {
  const Table& t = Messages();
  auto it = t.find(key);
  return it == t.end() ? nullptr : it->second;
}

// Replaces "{name}" from params. With `strict`, a placeholder without a non-empty param makes it fail
// (returns false); otherwise such a placeholder stays as written.
bool Render(std::string_view text, const std::map<std::string, std::string>& params, bool strict, std::string* out) {
  out->clear();
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out->append(text.substr(i, open - i));
    const std::string name(text.substr(open + 1, close - open - 1));
    auto it = params.find(name);
    if (it != params.end() && !(strict && it->second.empty())) {
      out->append(it->second);
    } else {
      if (strict) return false;
      out->append(text.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  out->append(text.substr(i));
  return true;
}

const char* TextOf(const Message& m, Lang lang) { return lang == Lang::kEn ? m.en : m.zh; }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "1天2小时30分钟" / "1 day 2 hours 30 minutes"; whole days or hours when exact ("2小时", "2 hours").
std::string FormatDuration(Lang lang, long long minutes) {
  const bool negative = minutes < 0;
  if (negative) minutes = -minutes;
  const long long parts[3] = {minutes / 1440, minutes / 60 % 24, minutes % 60};
  const char* plural[3] = {"duration.days", "duration.hours", "duration.minutes"};
  const char* singular[3] = {"duration.day", "duration.hour", "duration.minute"};
  std::string out;
  for (int i = 0; i < 3; ++i) {
    if (parts[i] == 0 && !(i == 2 && out.empty())) continue;
    if (!out.empty() && lang == Lang::kEn) out += ' ';
    out += Tr(lang, parts[i] == 1 ? singular[i] : plural[i], {{"n", std::to_string(parts[i])}});
  }
  return negative ? "-" + out : out;
}

// Adds "<name>_text" (a duration for people) beside each numeric minutes param.
void AddDurationTexts(Lang lang, std::map<std::string, std::string>& p, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = p.find(name);
    if (it == p.end() || it->second.empty()) continue;
    char* end = nullptr;
    const long long minutes = std::strtoll(it->second.c_str(), &end, 10);
    if (end != nullptr && *end == '\0') p[std::string(name) + "_text"] = FormatDuration(lang, minutes);
  }
}

// Variant suffixes of "rule.<name>" to try in order, before the plain key and the ".title" label.
std::vector<std::string> Variants(Rule rule) {
  switch (rule) {
    case Rule::kOverlap:
      return {".buffer"};
    case Rule::kOpeningHours:
      return {".holiday"};
    default:
      return {};
  }
}
// Variants tried after the plain key (it failed for want of a param).
std::vector<std::string> Fallbacks(Rule rule) {
  switch (rule) {
    case Rule::kOpeningHours:
      return {".closed"};
    case Rule::kBlackout:
      return {".no_reason"};
    case Rule::kExamPeriod:
      return {".unnamed"};
    default:
      return {};
  }
}

}  // namespace

Lang ParseLang(const std::string& text) {
  const std::string t = Lower(text);
  if (t.rfind("en", 0) == 0) return Lang::kEn;
  return Lang::kZh;
}

const char* LangTag(Lang lang) { return lang == Lang::kEn ? "en" : "zh-CN"; }

Lang LangFromEnvironment() {
  for (const char* name : {"SCHOOLSHARE_LANG", "LANG"}) {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
    if (v != nullptr && *v != '\0') return ParseLang(v);
  }
  return Lang::kZh;
}

std::map<std::string, std::string> AllMessages(Lang lang) {
  std::map<std::string, std::string> out;
  for (const auto& [key, m] : Messages()) out.emplace(std::string(key), TextOf(*m, lang));
  return out;
}

std::string Tr(Lang lang, std::string_view key, const std::map<std::string, std::string>& params) {
  const Message* m = Lookup(key);
  if (m == nullptr) return std::string(key);
  std::string out;
  Render(TextOf(*m, lang), params, /*strict=*/false, &out);
  return out;
}

std::string DescribeViolation(Lang lang, const Violation& v) {
  std::map<std::string, std::string> p = v.params;
  // Words the rules leave language-neutral.
  if (lang == Lang::kEn) {
    if (auto it = p.find("resource_en"); it != p.end() && !it->second.empty()) p["resource"] = it->second;
  }
  if (auto it = p.find("kind"); it != p.end()) p["kind_text"] = Tr(lang, "blackout_kind." + it->second);
  if (auto it = p.find("status"); it != p.end()) p["status_text"] = Tr(lang, "booking_status." + it->second);
  if (auto it = p.find("holiday"); it != p.end() && !it->second.empty()) {
    if (Lookup("calendar_day_kind." + it->second) != nullptr) it->second = Tr(lang, "calendar_day_kind." + it->second);
  }
  if (auto it = p.find("buffer"); it != p.end() && it->second == "0") p.erase(it);
  if (auto it = p.find("ids"); it == p.end() && !v.conflicting_booking_ids.empty()) {
    std::string ids;
    for (const std::string& id : v.conflicting_booking_ids) ids += (ids.empty() ? "" : ", ") + id;
    p["ids"] = ids;
  }

  switch (v.rule) {
    case Rule::kMinNotice:
    case Rule::kMaxDuration:
      AddDurationTexts(lang, p, {"limit", "actual"});
      break;
    case Rule::kWeeklyCap:
    case Rule::kAgreementCap:
      AddDurationTexts(lang, p, {"limit", "used", "requested", "actual", "remaining"});
      break;
    default:
      break;
  }

  const std::string base = std::string("rule.") + RuleName(v.rule);
  std::vector<std::string> keys;
  for (const std::string& s : Variants(v.rule)) keys.push_back(base + s);
  keys.push_back(base);
  for (const std::string& s : Fallbacks(v.rule)) keys.push_back(base + s);
  std::string out;
  for (const std::string& key : keys) {
    const Message* m = Lookup(key);
    if (m != nullptr && Render(TextOf(*m, lang), p, /*strict=*/true, &out)) return out;
  }
  // Not every figure was given (a violation built outside the rules): the short label still reads well.
  return Tr(lang, base + ".title");
}

std::string DescribeStatus(Lang lang, const Status& s) {
  if (s.ok()) return {};
  const std::string headline = Tr(lang, std::string("status.") + StatusCodeName(s.code()));
  if (s.message().empty()) return headline;
  return Tr(lang, "status.with_detail", {{"headline", headline}, {"detail", s.message()}});
}

}  // namespace schoolshare
