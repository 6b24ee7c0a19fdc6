// Sync status: online or not, the last round, the last error, the changes waiting for the server (each
// one named), the writes the server refused with its reason (dismiss when read), and "sync now". The
// pull's progress shows in the status bar on every view.
#include <imgui.h>

#include "app/widgets.h"
#include "schoolshare/json.h"
#include "schoolshare/outcome_json.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

class SyncView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    const SyncStatus st = ctx.agent->status();
    if (built_generation_ != ctx.data_generation || built_lang_ != ctx.lang) Rebuild(ctx);
    ImGui::PushFont(ctx.large);
    TextColoured(st.online ? colour::kGood : colour::kBad,
                 ctx.T(st.online ? "admin.status.online" : "admin.status.offline"));
    ImGui::PopFont();
    ImGui::TextUnformatted((st.last_success_at > 0
                                ? ctx.T("admin.status.last_sync", {{"time", ctx.tz.FormatLocal(st.last_success_at)}})
                                : ctx.T("admin.status.never_synced"))
                               .c_str());
    ImGui::TextUnformatted(ctx.T("admin.sync.rounds", {{"rounds", std::to_string(st.rounds)},
                                                       {"attempts", std::to_string(st.attempts)},
                                                       {"snapshots", std::to_string(st.snapshots)}})
                               .c_str());
    if (!st.last_error.empty()) TextColoured(colour::kBad, ctx.T("admin.sync.last_error", {{"error", st.last_error}}));
    if (st.backoff.count() > 0)
      TextColoured(colour::kWarn, ctx.T("admin.sync.backoff", {{"s", std::to_string(st.backoff.count() / 1000)}}));
    if (st.syncing) {
      const float fraction = st.pull_more ? 1.0f - 1.0f / static_cast<float>(st.pull_pages + 1) : 1.0f;
      ImGui::ProgressBar(fraction, ImVec2(ctx.u * 20, 0),
                         ctx.T("admin.status.pulling", {{"n", std::to_string(st.pull_changes)}}).c_str());
    }
    if (ImGui::Button(ctx.T("admin.sync.now").c_str())) ctx.agent->SyncNow();
    Mark("sync.now");
    ImGui::SameLine();
    TextColoured(colour::kMuted, "F5");
    ImGui::Separator();
    ImGui::TextUnformatted(ctx.T("admin.sync.pending", {{"n", std::to_string(pending_.size())}}).c_str());
    if (pending_.empty()) TextColoured(colour::kMuted, ctx.T("admin.sync.nothing_pending"));
    for (const OutboxEntry& e : pending_) {
      ImGui::BulletText("%s  %s", ctx.tz.FormatLocal(e.created_at).c_str(), Describe(ctx, e.name, e.args).c_str());
    }
    ImGui::Separator();
    ImGui::TextUnformatted(ctx.T("admin.sync.attention", {{"n", std::to_string(attention_.size())}}).c_str());
    if (attention_.empty()) TextColoured(colour::kMuted, ctx.T("admin.sync.nothing_refused"));
    for (std::size_t i = 0; i < attention_.size(); ++i) {
      const AttentionItem& a = attention_[i];
      ImGui::PushID(a.mutation_id.c_str());
      TextColoured(colour::kBad, Describe(ctx, a.name, a.args));
      ImGui::Indent();
      ImGui::TextUnformatted(refusals_[i].c_str());
      if (ImGui::SmallButton(ctx.T("admin.sync.dismiss").c_str())) {
        if (Status s = ctx.agent->Dismiss(a.mutation_id); !s.ok()) ctx.error = DescribeStatus(ctx.lang, s);
        ctx.local_write = true;
      }
      ImGui::Unindent();
      ImGui::PopID();
    }
  }

 private:
  void Rebuild(AdminContext& ctx) {
    built_generation_ = ctx.data_generation;
    built_lang_ = ctx.lang;
    pending_.clear();
    attention_.clear();
    refusals_.clear();
    if (auto p = ctx.replica->ListOutbox(0, OutboxState::kPending, 200); p.ok()) pending_ = std::move(p).value();
    if (auto a = ctx.replica->ListAttentionItems(false); a.ok()) attention_ = std::move(a).value();
    for (const AttentionItem& a : attention_) refusals_.push_back(DescribeRefusal(ctx.lang, a));  // parsed once
  }

  // "create_booking: 篮球训练 (2026-11-24 15:00)" from the mutation's arguments.
  static std::string Describe(const AdminContext& ctx, const std::string& name, const std::string& args) {
    std::string text = ctx.T(("admin.mutation." + name).c_str());
    const Json j = Json::parse(args, nullptr, false);
    if (j.is_object()) {
      const Json& b = j.contains("booking") && j["booking"].is_object() ? j["booking"] : j;
      if (b.contains("title") && b["title"].is_string()) text += " · " + b["title"].get<std::string>();
      if (b.contains("resource_id") && b["resource_id"].is_string())
        text += " · " + b["resource_id"].get<std::string>();
      if (b.contains("booking_id") && b["booking_id"].is_string()) text += " · " + b["booking_id"].get<std::string>();
    }
    return text;
  }

  std::uint64_t built_generation_ = ~std::uint64_t{0};
  std::vector<OutboxEntry> pending_;
  std::vector<AttentionItem> attention_;
  std::vector<std::string> refusals_;  // why the server refused each of attention_, in built_lang_
  Lang built_lang_ = Lang::kZh;
};

}  // namespace

std::unique_ptr<AdminView> MakeSyncView() { return std::make_unique<SyncView>(); }

}  // namespace schoolshare::admin
