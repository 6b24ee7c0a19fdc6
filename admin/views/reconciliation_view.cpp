// Reconciliation: the month's discrepancies at the manager's school (built on the replica, so it works
// offline), each resolved with a note (a queued mutation, shown resolved at once and marked while it
// awaits the server), and the month's sign-off, which only the server decides: it runs off the UI
// thread, says so clearly when the server is away, and shows the rule's refusal while items are open.
// A signed-off month is shown locked.
#include "model/reconciliation_view.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>

#include "app/widgets.h"
#include "model/reports_view.h"
#include "schoolshare/json.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

class ReconciliationView : public AdminView {
 public:
  // A sign-off under way uses the agent and the REST transport: wait for it before they go.
  void Disconnecting() override {
    if (signing_.valid()) signing_.wait();
  }

  void Draw(AdminContext& ctx) override {
    if (month_.empty()) month_ = StepMonth(MonthOf(ctx.agent->ServerNow(), ctx.tz), -1);
    if (school_.empty()) school_ = ctx.actor.school_id;
    if (school_.empty() && !Schools(ctx).empty()) school_ = Schools(ctx).front().id;  // the district office
    Poll(ctx);
    Toolbar(ctx);
    Rebuild(ctx);
    if (!problem_.empty()) {
      TextColoured(colour::kBad, problem_);
      return;
    }
    if (!data_) return;
    State(ctx);
    ImGui::Separator();
    Items(ctx);
  }

 private:
  void Toolbar(AdminContext& ctx) {
    if (ctx.actor.school_id.empty()) {  // the district office chooses the school
      ImGui::SetNextItemWidth(ctx.u * 12);
      SchoolCombo(ctx, "##school", &school_, false);
      ImGui::SameLine();
    }
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) month_ = StepMonth(month_, -1);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    auto first = CivilDate::Parse(month_ + "-01");
    ImGui::TextUnformatted(
        (first.ok() ? PeriodLabel(PeriodContaining(PeriodKind::kMonth, *first), ctx.lang) : month_).c_str());
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) month_ = StepMonth(month_, 1);
    Mark("recon.next");
  }

  void Rebuild(AdminContext& ctx) {
    if (school_.empty()) {
      problem_ = ctx.T("admin.recon.choose_school");
      return;
    }
    if (built_generation_ == ctx.data_generation && built_month_ == month_ && built_school_ == school_ &&
        built_lang_ == ctx.lang && data_) {
      return;
    }
    if (built_month_ != month_ || built_school_ != school_) outcome_ = {};
    built_generation_ = ctx.data_generation;
    built_month_ = month_;
    built_school_ = school_;
    built_lang_ = ctx.lang;
    problem_.clear();
    std::set<std::string> awaiting;
    if (auto a = ctx.agent->AwaitingServer(); a.ok()) awaiting = *a;
    auto d = BuildReconciliationView(*ctx.replica, school_, month_, ctx.agent->ServerNow(), ctx.lang, awaiting);
    if (!d.ok()) {
      problem_ = DescribeStatus(ctx.lang, d.status());
      data_.reset();
      return;
    }
    data_ = std::move(d).value();
    // Signed off here: locked at once, before the pull brings the period to the replica.
    if (auto it = signed_here_.find(school_ + "/" + month_); it != signed_here_.end() && !data_->signed_off()) {
      data_->rec.period = it->second;
    }
  }

  // Locked or open, the count of open items, the sign-off button and its outcome.
  void State(AdminContext& ctx) {
    const ReconciliationData& d = *data_;
    ImGui::PushFont(ctx.large);
    if (d.signed_off()) {
      TextColoured(colour::kGood, ctx.T("admin.recon.locked"));
    } else {
      TextColoured(d.open > 0 ? colour::kWarn : colour::kText,
                   ctx.T("admin.recon.open_count",
                         {{"open", std::to_string(d.open)}, {"total", std::to_string(d.rows.size())}}));
    }
    ImGui::PopFont();
    if (d.signed_off()) {
      ImGui::TextUnformatted(ctx.T("admin.recon.locked_detail",
                                   {{"by", d.rec.period.signed_off_by},
                                    {"at", d.rec.period.signed_off_at ? ctx.tz.FormatLocal(d.rec.period.signed_off_at)
                                                                      : std::string("—")}})
                                 .c_str());
    } else {
      ImGui::TextUnformatted(ctx.T("admin.recon.lines", {{"n", std::to_string(d.rec.lines.size())}}).c_str());
      const bool busy = signing_.valid();
      ImGui::BeginDisabled(busy || !d.month_over);
      if (ImGui::Button(ctx.T(busy ? "admin.recon.signing" : "admin.recon.sign_off").c_str())) StartSignOff(ctx);
      ImGui::EndDisabled();
      Mark("recon.sign_off");
      ImGui::SameLine();
      if (!d.month_over) {
        TextColoured(colour::kMuted, ctx.T("admin.recon.not_over"));
      } else if (ctx.rest == nullptr || !ctx.agent->status().online) {
        TextColoured(colour::kWarn, ctx.T("admin.recon.needs_server"));
      } else if (d.open > 0) {
        TextColoured(colour::kMuted, ctx.T("admin.recon.resolve_first"));
      }
    }
    if (!outcome_.message.empty()) {
      TextColoured(outcome_.kind == SignOffResult::Kind::kSignedOff ? colour::kGood : colour::kBad, outcome_.message);
    }
  }

  void Items(AdminContext& ctx) {
    const ReconciliationData& d = *data_;
    if (d.rows.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.recon.none"));
      return;
    }
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    // As tall as its rows (scrolling when they do not fit), so the columns end with the last row.
    const float padding = ImGui::GetStyle().CellPadding.y * 2 + 1;  // and the row's line
    float height = ImGui::GetTextLineHeight() + padding + 2;
    for (const auto& row : d.rows) {
      const bool editable = !row.item.resolved && !d.signed_off();
      height += (editable ? ImGui::GetFrameHeight() : ImGui::GetTextLineHeight()) + padding;
    }
    height = std::min(ImGui::GetContentRegionAvail().y, height);
    if (!ImGui::BeginTable("items", 6, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.when").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 11);
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.reason").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 11);
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.booking").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 5);
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.resource").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 10);
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.detail").c_str());
    ImGui::TableSetupColumn(ctx.T("admin.recon.col.resolution").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableHeadersRow();
    for (const ReconciliationRow& row : d.rows) {
      ImGui::TableNextRow();
      ImGui::PushID(row.item.id.c_str());
      ImGui::TableNextColumn();
      std::string when = row.start ? ctx.tz.FormatLocal(row.start) : "";
      if (row.end > row.start && ctx.tz.LocalDate(row.end) == ctx.tz.LocalDate(row.start)) {
        when += "–" + ctx.tz.FormatTime(row.end);
      }
      ImGui::TextUnformatted(when.c_str());
      ImGui::TableNextColumn();
      TextColoured(row.item.resolved ? colour::kMuted : colour::kWarn, row.reason_text);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.booking_code.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(ResourceName(ctx, row.resource_id).c_str());
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", Detail(ctx, row).c_str());
      ImGui::TableNextColumn();
      if (row.item.resolved) {
        TextColoured(colour::kGood, ctx.T("admin.recon.resolved_note", {{"note", row.item.resolution}}));
        if (row.awaiting_server) TextColoured(colour::kAccent, ctx.T("admin.timeline.awaiting_server"));
      } else if (data_->signed_off()) {
        TextColoured(colour::kMuted, ctx.T("admin.recon.open"));
      } else {
        std::string& note = notes_[row.item.id];
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ctx.u * 5);
        InputTextHint("##note", ctx.T("admin.recon.note_hint"), &note);
        Mark("recon.note." + row.item.id);
        ImGui::SameLine();
        ImGui::BeginDisabled(note.empty());
        if (ImGui::Button(ctx.T("admin.recon.resolve").c_str())) Resolve(ctx, row.item.id, note);
        ImGui::EndDisabled();
        Mark("recon.resolve." + row.item.id);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  // What the item is about, from its detail: check-in and -out times, hand-out and return counts.
  static std::string Detail(const AdminContext& ctx, const ReconciliationRow& row) {
    Json detail = Json::parse(row.item.detail.empty() ? "{}" : row.item.detail, nullptr, false);
    if (!detail.is_object()) return "";
    std::string out;
    auto time_of = [&](const char* key) -> std::string {
      if (!detail.contains(key) || !detail[key].is_string()) return "";
      auto t = ctx.tz.Parse(detail[key].get<std::string>());
      return t.ok() ? ctx.tz.FormatLocal(*t) : detail[key].get<std::string>();
    };
    for (const char* key : {"checked_in", "checked_out", "cancelled_at"}) {
      const std::string t = time_of(key);
      if (!t.empty())
        out += (out.empty() ? "" : "; ") + ctx.T((std::string("admin.recon.detail.") + key).c_str(), {{"t", t}});
    }
    if (detail.contains("handed_out")) {
      out += (out.empty() ? "" : "; ") +
             ctx.T("admin.recon.detail.equipment",
                   {{"out", detail["handed_out"].dump()}, {"back", detail.value("returned", Json(0)).dump()}});
    }
    if (out.empty() && detail.contains("note") && detail["note"].is_string()) out = detail["note"].get<std::string>();
    if (out.empty() && row.item.reason == "no_show") out = ctx.T("admin.recon.detail.nobody");
    return out;
  }

  static std::string ResourceName(const AdminContext& ctx, const std::string& id) {
    for (const auto& r : Resources(ctx)) {
      if (r.id == id) return Name(ctx, r);
    }
    return id;
  }

  void Resolve(AdminContext& ctx, const std::string& item_id, std::string& note) {
    ActionResult r = ResolveItem(*ctx.agent, item_id, note, ctx.lang);
    if (r.ok) {
      ctx.notice = r.message;
      note.clear();
      ctx.local_write = true;
    } else {
      ctx.error = r.message;
    }
  }

  void StartSignOff(AdminContext& ctx) {
    outcome_ = {};
    SyncAgent* agent = ctx.agent;
    SyncTransport* rest = ctx.rest;
    signing_ = std::async(std::launch::async, [agent, rest, school = school_, month = month_, lang = ctx.lang] {
      return SignOff(*agent, rest, school, month, lang);
    });
  }

  void Poll(AdminContext& ctx) {
    if (!signing_.valid() || signing_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    outcome_ = signing_.get();
    if (outcome_.kind == SignOffResult::Kind::kSignedOff) {
      ctx.notice = outcome_.message;
      signed_here_[outcome_.period.school_id + "/" + outcome_.period.month] = outcome_.period;
      built_generation_ = ~std::uint64_t{0};  // rebuild: shown locked now
      ctx.local_write = true;
    } else {
      ctx.error = outcome_.message;
    }
  }

  std::string month_;
  std::string school_;
  std::uint64_t built_generation_ = ~std::uint64_t{0};
  std::string built_month_;
  std::string built_school_;
  Lang built_lang_ = Lang::kZh;
  std::optional<ReconciliationData> data_;
  std::string problem_;
  std::map<std::string, std::string> notes_;         // typed notes by item id
  std::map<std::string, ReportPeriod> signed_here_;  // "school/month" signed off from this window
  std::future<SignOffResult> signing_;
  SignOffResult outcome_;
};

}  // namespace

std::unique_ptr<AdminView> MakeReconciliationView() { return std::make_unique<ReconciliationView>(); }

}  // namespace schoolshare::admin
