// Find a venue: needs in (type, size, features, when, how long), ranked free slots out with the reasons
// for each rank and "book this"; and the common free time of several schools' classes for a joint
// activity. Both run the core's search on the local replica.
#include <imgui.h>

#include <cstdio>

#include "app/widgets.h"
#include "schoolshare/search.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

class FindView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    if (from_ == 0) {
      const CivilDate today = ctx.tz.LocalDate(ctx.agent->ServerNow());
      auto from = ctx.tz.ToInstant(today.AddDays(1), 8 * 60);
      auto to = ctx.tz.ToInstant(today.AddDays(7), 18 * 60);
      from_ = from.ok() ? *from : ctx.agent->ServerNow();
      to_ = to.ok() ? *to : from_ + 7 * kDay;
      for_school_ = ctx.actor.school_id;
      if (!for_school_.empty()) Search(ctx);  // a manager sees suggestions for the coming week at once
    }
    if (ImGui::RadioButton(ctx.T("admin.find.venue").c_str(), !common_)) common_ = false;
    ImGui::SameLine();
    if (ImGui::RadioButton(ctx.T("admin.find.common").c_str(), common_)) common_ = true;
    ImGui::Separator();
    const float label_w = ctx.u * 8;
    auto label = [&](const char* key) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(ctx.T(key).c_str());
      ImGui::SameLine(label_w);
      ImGui::SetNextItemWidth(ctx.u * 14);
    };
    label("admin.find.type");
    TypeCombo(ctx, "##type", &type_);
    label("admin.find.size");
    ImGui::InputInt("##size", &size_);
    label("admin.find.features");
    InputTextHint("##features", ctx.T("admin.find.features_hint"), &features_);
    label("admin.find.from");
    DateTimeField(ctx, "from", &from_);
    label("admin.find.to");
    DateTimeField(ctx, "to", &to_);
    label("admin.find.minutes");
    ImGui::InputInt("##minutes", &minutes_, 15, 60);
    if (!common_) {
      label("admin.find.for_school");
      if (ctx.actor.role == Role::kSchoolManager) {
        for_school_ = ctx.actor.school_id;
        ImGui::TextUnformatted(SchoolName(ctx, for_school_).c_str());
      } else {
        SchoolCombo(ctx, "##for", &for_school_, false);
      }
    } else {
      ImGui::TextUnformatted(ctx.T("admin.find.schools").c_str());
      for (const auto& s : Schools(ctx)) {
        bool on = schools_.count(s.id) > 0;
        ImGui::SameLine();
        if (ImGui::Checkbox(Name(ctx, s).c_str(), &on)) {
          if (on) {
            schools_.insert(s.id);
          } else {
            schools_.erase(s.id);
          }
        }
      }
    }
    ImGui::Checkbox(ctx.T("admin.find.whole_city").c_str(), &whole_city_);
    if (ImGui::Button(ctx.T("admin.find.search").c_str(), ImVec2(ctx.u * 8, 0)) ||
        (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))) {
      Search(ctx);
    }
    Mark("find.search");
    if (!problem_.empty()) TextColoured(colour::kBad, problem_);
    Results(ctx);
  }

 private:
  void Search(AdminContext& ctx) {
    problem_.clear();
    results_.clear();
    searched_ = true;
    std::vector<ResourceType> types;
    if (type_) types.push_back(*type_);
    const Instant now = ctx.agent->ServerNow();
    Result<std::vector<RankedSlot>> found = std::vector<RankedSlot>{};
    if (!common_) {
      AvailabilityQuery q;
      q.types = types;
      q.min_capacity = size_;
      q.features = SplitCommaList(features_);
      q.whole_city = whole_city_;
      q.from = from_;
      q.to = to_;
      q.duration_minutes = minutes_;
      q.for_school_id = for_school_;
      q.limit = 20;
      q.lang = ctx.lang;
      if (for_school_.empty()) {
        problem_ = ctx.T("admin.find.need_school");
        return;
      }
      found = FindAvailability(*ctx.replica, q, now);
    } else {
      CommonTimeQuery q;
      q.school_ids.assign(schools_.begin(), schools_.end());
      if (!ctx.actor.school_id.empty() && schools_.count(ctx.actor.school_id)) {
        // The manager's own school hosts: distances are measured from it.
        q.school_ids.erase(std::find(q.school_ids.begin(), q.school_ids.end(), ctx.actor.school_id));
        q.school_ids.insert(q.school_ids.begin(), ctx.actor.school_id);
      }
      q.from = from_;
      q.to = to_;
      q.duration_minutes = minutes_;
      q.types = types;
      q.min_capacity = size_;
      q.features = SplitCommaList(features_);
      q.whole_city = whole_city_;
      q.limit = 20;
      q.lang = ctx.lang;
      if (q.school_ids.empty()) {
        problem_ = ctx.T("admin.find.need_schools");
        return;
      }
      found = FindCommonFreeTime(*ctx.replica, q, now);
    }
    if (!found.ok()) {
      problem_ = DescribeStatus(ctx.lang, found.status());
      return;
    }
    results_ = std::move(found).value();
    results_lang_ = ctx.lang;
  }

  void Results(AdminContext& ctx) {
    if (!searched_) return;
    if (results_.empty() && problem_.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.find.nothing"));
      return;
    }
    if (results_lang_ != ctx.lang && !results_.empty()) Search(ctx);  // names and reasons in the new language
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("results", 5, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(ctx.T("admin.find.score").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 4);
    ImGui::TableSetupColumn(ctx.T("admin.find.slot").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 16);
    ImGui::TableSetupColumn(ctx.T("admin.find.where").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 16);
    ImGui::TableSetupColumn(ctx.T("admin.find.why").c_str());
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ctx.u * 6);
    ImGui::TableHeadersRow();
    int i = 0;
    for (const RankedSlot& s : results_) {
      ImGui::TableNextRow();
      ImGui::PushID(i++);
      ImGui::TableNextColumn();
      ImGui::ProgressBar(static_cast<float>(s.score), ImVec2(-1, 0), "");
      ImGui::SameLine(ctx.u * 0.5f);
      ImGui::Text("%.0f", s.score * 100);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(
          (ctx.Date(s.start) + " " + WeekdayName(ctx, ctx.tz.LocalDate(s.start).IsoWeekday())).c_str());
      ImGui::TextUnformatted((ctx.Time(s.start) + "–" + ctx.Time(s.end)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.resource_name.c_str());
      char km[48];
      std::snprintf(km, sizeof km, " · %.1f km · %d", s.distance_km, s.size);
      TextColoured(colour::kMuted, s.school_name + km);
      if (s.status == BookingStatus::kPending) TextColoured(colour::kWarn, ctx.T("admin.find.needs_approval"));
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      std::string why;
      for (const SearchReason& r : s.reasons) why += (why.empty() ? "" : " · ") + DescribeReason(ctx.lang, r);
      ImGui::TextUnformatted(why.c_str());
      ImGui::PopTextWrapPos();
      ImGui::TableNextColumn();
      if (ImGui::Button(ctx.T("admin.find.book").c_str())) {
        BookingForm f;
        f.resource_id = s.resource_id;
        f.school_id = common_ ? (ctx.actor.school_id.empty() ? *schools_.begin() : ctx.actor.school_id) : for_school_;
        f.start = s.start;
        f.end = s.end;
        f.attendees = size_;
        ctx.open_booking = f;
      }
      Mark("find.book." + std::to_string(i - 1));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  static std::string SchoolName(const AdminContext& ctx, const std::string& id) {
    for (const auto& s : Schools(ctx)) {
      if (s.id == id) return Name(ctx, s);
    }
    return id;
  }

  bool common_ = false;
  std::optional<ResourceType> type_;
  int size_ = 40;
  std::string features_;
  Instant from_ = 0, to_ = 0;
  int minutes_ = 90;
  std::string for_school_;
  std::set<std::string> schools_;
  bool whole_city_ = false;
  bool searched_ = false;
  std::vector<RankedSlot> results_;
  Lang results_lang_ = Lang::kZh;
  std::string problem_;
};

}  // namespace

std::unique_ptr<AdminView> MakeFindView() { return std::make_unique<FindView>(); }

}  // namespace schoolshare::admin
