// Requests: the approval queue for the manager's venues (or the district stage), oldest first; tick
// several and approve, or refuse with a reason. Decisions are queued through the sync client against
// the version shown, so a request changed meanwhile is not decided blind.
#include <imgui.h>

#include <set>

#include "app/widgets.h"
#include "model/requests.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

class RequestsView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    Rebuild(ctx);
    ImGui::PushFont(ctx.large);
    ImGui::TextUnformatted(ctx.T("admin.requests.title", {{"n", std::to_string(pending_.size())}}).c_str());
    ImGui::PopFont();
    if (!problem_.empty()) TextColoured(colour::kBad, problem_);
    if (pending_.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.requests.none"));
      Results(ctx);
      return;
    }
    std::size_t ticked = 0;
    for (const auto& p : pending_) ticked += chosen_.count(p.booking.id);
    if (ImGui::Button(ctx.T("admin.requests.all").c_str())) {
      for (const auto& p : pending_) {
        if (!p.awaiting_server) chosen_.insert(p.booking.id);
      }
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(ticked == 0);
    if (ImGui::Button(ctx.T("admin.requests.approve", {{"n", std::to_string(ticked)}}).c_str())) Decide(ctx, true);
    Mark("requests.approve");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 16);
    InputTextHint("##reason", ctx.T("admin.requests.reason"), &reason_);
    ImGui::SameLine();
    ImGui::BeginDisabled(reason_.empty());
    if (ImGui::Button(ctx.T("admin.requests.refuse", {{"n", std::to_string(ticked)}}).c_str())) Decide(ctx, false);
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    if (ticked > 0 && reason_.empty()) {
      ImGui::SameLine();
      TextColoured(colour::kMuted, ctx.T("admin.requests.reason_needed"));
    }
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("requests", 7, flags, ImVec2(0, -ctx.u * 6))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ctx.u * 1.8f);
      for (const char* key :
           {"admin.requests.when", "admin.requests.venue", "admin.requests.school", "admin.requests.what"})
        ImGui::TableSetupColumn(ctx.T(key).c_str());
      ImGui::TableSetupColumn(ctx.T("admin.requests.size").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 5);
      ImGui::TableSetupColumn(ctx.T("admin.requests.asked").c_str(), ImGuiTableColumnFlags_WidthFixed, ctx.u * 9);
      ImGui::TableHeadersRow();
      for (const auto& p : pending_) {
        const Booking& b = p.booking;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(b.id.c_str());
        bool on = chosen_.count(b.id) > 0;
        ImGui::BeginDisabled(p.awaiting_server);
        if (ImGui::Checkbox("##pick", &on)) {
          if (on) {
            chosen_.insert(b.id);
          } else {
            chosen_.erase(b.id);
          }
        }
        ImGui::EndDisabled();
        Mark("requests.pick." + b.code);
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted((ctx.Date(b.start) + " " + ctx.Time(b.start) + "–" + ctx.Time(b.end)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(Name(ctx, p.resource).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(SchoolName(ctx, b.school_id).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted((b.title + " · " + b.organizer).c_str());
        if (p.awaiting_server) TextColoured(colour::kAccent, ctx.T("admin.timeline.awaiting_server"));
        ImGui::TableNextColumn();
        ImGui::Text("%d", p.resource.type == ResourceType::kEquipment ? b.quantity : b.attendees);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ctx.tz.FormatLocal(b.created_at).c_str());
      }
      ImGui::EndTable();
    }
    Results(ctx);
  }

 private:
  void Rebuild(AdminContext& ctx) {
    if (built_generation_ == ctx.data_generation) return;
    built_generation_ = ctx.data_generation;
    std::set<std::string> awaiting;
    if (auto a = ctx.agent->AwaitingServer(); a.ok()) awaiting = *a;
    auto p = PendingDecisions(*ctx.replica, ctx.actor, awaiting);
    problem_.clear();
    if (!p.ok()) {
      problem_ = DescribeStatus(ctx.lang, p.status());
      pending_.clear();
      return;
    }
    pending_ = std::move(p).value();
    std::set<std::string> still;
    for (const auto& r : pending_) {
      if (chosen_.count(r.booking.id) && !r.awaiting_server) still.insert(r.booking.id);
    }
    chosen_ = still;
  }

  void Decide(AdminContext& ctx, bool approve) {
    std::vector<PendingRequest> chosen;
    for (const auto& p : pending_) {
      if (chosen_.count(p.booking.id)) chosen.push_back(p);
    }
    results_ = DecideAll(*ctx.agent, chosen, approve, reason_, ctx.lang);
    int queued = 0;
    for (const auto& r : results_) queued += r.queued ? 1 : 0;
    ctx.notice = ctx.T(approve ? "admin.requests.approved" : "admin.requests.refused", {{"n", std::to_string(queued)}});
    chosen_.clear();
    if (!approve) reason_.clear();
    ctx.local_write = true;
  }

  void Results(AdminContext& ctx) {
    for (const auto& r : results_) {
      if (!r.queued) TextColoured(colour::kBad, ctx.T("admin.requests.not_decided", {{"why", r.message}}));
    }
  }

  static std::string SchoolName(const AdminContext& ctx, const std::string& id) {
    for (const auto& s : Schools(ctx)) {
      if (s.id == id) return Name(ctx, s);
    }
    return id;
  }

  std::uint64_t built_generation_ = ~std::uint64_t{0};
  std::vector<PendingRequest> pending_;
  std::set<std::string> chosen_;
  std::string reason_;
  std::vector<DecisionResult> results_;
  std::string problem_;
};

}  // namespace

std::unique_ptr<AdminView> MakeRequestsView() { return std::make_unique<RequestsView>(); }

}  // namespace schoolshare::admin
