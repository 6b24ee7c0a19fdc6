// The admin client's words: its models' messages (the views add theirs here too).
#include <iterator>

#include "i18n/message_table.h"

namespace schoolshare::i18n {
namespace {

// clang-format off
constexpr Message kAdminMessages[] = {
    {"admin.form.resource_missing", "请选择场地或器材", "Choose a venue or equipment."},
    {"admin.form.resource_unknown", "场地或器材“{id}”不存在", "There is no venue or equipment \"{id}\"."},
    {"admin.form.quantity_missing", "请填写借用数量（至少 1 件）", "Enter how many units (at least 1)."},
    {"admin.form.school_missing", "请选择申请学校", "Choose the requesting school."},
    {"admin.form.title_missing", "请填写活动名称", "Enter a title."},
    {"admin.form.negative", "不能为负数", "Cannot be negative."},
    {"admin.form.time_missing", "请选择开始和结束时间", "Choose a start and an end."},
    {"admin.form.end_before_start", "结束时间须晚于开始时间", "The end must be after the start."},
};
// clang-format on

}  // namespace

MessageTable AdminMessages() { return {kAdminMessages, std::size(kAdminMessages)}; }

}  // namespace schoolshare::i18n
