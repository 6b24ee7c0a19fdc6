#include "app/app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "app/view.h"
#include "app/widgets.h"
#include "gui/font_atlas.h"
#include "gui/gl_window.h"
#include "views/views.h"

namespace schoolshare::admin {

std::string AdminContext::Time(Instant t) const { return tz.FormatTime(t); }
std::string AdminContext::Date(Instant t) const { return tz.LocalDate(t).ToString(); }

namespace {

// Marks every character the replica's names and nearby bookings may put on screen.
void NeedReplicaText(gui::FontAtlas& fonts, Store& replica, Instant now) {
  if (auto schools = replica.ListSchools(); schools.ok()) {
    for (const auto& s : *schools) fonts.Need(s.name);
  }
  if (auto resources = replica.ListResources(); resources.ok()) {
    for (const auto& r : *resources) {
      fonts.Need(r.name);
      for (const auto& f : r.features) fonts.Need(f);
    }
  }
  if (auto staff = replica.ListStaff(); staff.ok()) {
    for (const auto& s : *staff) fonts.Need(s.name);
  }
  if (auto classes = replica.ListClasses(); classes.ok()) {
    for (const auto& c : *classes) fonts.Need(c.name);
  }
  BookingFilter f;
  f.from = now - 62 * kDay;
  f.to = now + 62 * kDay;
  if (auto bookings = replica.ListBookings(f); bookings.ok()) {
    for (const auto& b : *bookings) {
      fonts.Need(b.title);
      fonts.Need(b.organizer);
      fonts.Need(b.note);
    }
  }
  if (auto items = replica.ListReconciliationItems("", false); items.ok()) {  // notes and details
    for (const auto& item : *items) {
      fonts.Need(item.resolution);
      fonts.Need(item.detail);
    }
  }
}

class App {
 public:
  explicit App(const AppOptions& o) : o_(o) {}
  ~App() { Close(); }

  int Run() {
    const auto t0 = std::chrono::steady_clock::now();
    gui::WindowOptions wo;
    wo.title = "schoolshare-admin";
    wo.width = o_.width;
    wo.height = o_.height;
    wo.vsync = o_.bench_frames == 0;
    if (!window_.Open(wo, [this] { Wake(); })) return 2;
    const float scale = o_.scale > 0 ? o_.scale : window_.content_scale();
    ctx_.u = std::round(18.0f * scale);
    ApplyAdminTheme(ctx_.u);
    ctx_.lang = o_.config.lang;
    ctx_.clock = &clock_;
    ctx_.open_date = o_.date;
    ctx_.open_week = o_.week;
    for (const ViewEntry& v : kViews) views_.push_back(v.make());
    SelectView(o_.screen);
    Connect();

    for (Lang l : {Lang::kZh, Lang::kEn}) {
      for (const auto& [key, text] : AllMessages(l)) fonts_.Need(text);
    }
    fonts_.Need("中文English·•●✓–—×…：（）→←↑↓");
    fonts_.SetSize(ctx_.u, 1.35f);
    if (!fonts_.Rebuild(false))
      std::fprintf(stderr, "schoolshare-admin: %s is missing: Chinese cannot be shown\n", gui::kCjkFontPath);

    if (!o_.screenshot.empty()) return Screenshot();
    if (o_.bench_frames > 0) return Bench();

    bool first = true;
    while (!window_.ShouldClose()) {
      // Idle: wake four times a second for the clock and the sync status; input wakes at once.
      if (wake_frames_ > 0) {
        glfwPollEvents();
      } else {
        glfwWaitEventsTimeout(0.25);
      }
      const bool changed = PollAgent();
      if (!first && wake_frames_ == 0 && !changed && !syncing_) continue;
      Frame("");
      if (first) {
        first = false;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "first frame after %.0f ms (%d glyphs)\n", ms, fonts_.glyphs());
        started_ = true;
        if (agent_) agent_->Start();  // the first round runs after the first frame, in the background
      }
      if (wake_frames_ > 0) --wake_frames_;
    }
    return 0;
  }

  void Wake() { wake_frames_ = 3; }

 private:
  // "catalogue" or "catalogue/school": the view, and the tab it opens on.
  void SelectView(const std::string& screen) {
    const std::string name = screen.substr(0, screen.find('/'));
    if (name.size() < screen.size()) ctx_.open_tab = screen.substr(name.size() + 1);
    for (std::size_t i = 0; i < std::size(kViews); ++i) {
      if (name == kViews[i].name) active_ = i;
    }
  }

  // Opens the agent, the REST transport and the read connection for the current configuration; a
  // problem shows the connect screen with the reason.
  void Connect() {
    Disconnect();
    connect_problem_ = o_.config_problem;
    o_.config_problem.clear();
    if (connect_problem_.empty()) {
      if (const std::string key = AdminConfigProblem(o_.config); !key.empty()) connect_problem_ = ctx_.T(key.c_str());
    }
    if (!connect_problem_.empty()) {
      LoadConnectFields();
      return;
    }
    HttpTransportOptions t;
    t.base_url = o_.config.server;
    t.token = o_.config.token;
    t.connect_timeout = std::chrono::milliseconds(2000);
    t.read_timeout = std::chrono::milliseconds(30000);
    SyncAgentOptions a;
    a.replica_path = o_.config.replica;
    a.actor = AdminActor(o_.config);
    a.poll_interval = std::chrono::milliseconds(10000);
    a.verify_integrity = a.replica_path != o_.checked_replica;
    auto agent = SyncAgent::Open(a, MakeHttpTransport(t));
    if (!agent.ok()) {
      connect_problem_ = DescribeStatus(ctx_.lang, agent.status());
      LoadConnectFields();
      return;
    }
    agent_ = std::move(agent).value();
    StoreOptions reading = ReplicaStoreOptions(&clock_, false);
    reading.verify_integrity = false;  // checked before the window opened, or by the agent just now
    auto replica = Store::OpenSqlite(o_.config.replica, reading);
    if (!replica.ok()) {
      connect_problem_ = DescribeStatus(ctx_.lang, replica.status());
      agent_.reset();
      LoadConnectFields();
      return;
    }
    replica_ = std::move(replica).value();
    rest_ = MakeHttpTransport(t);
    ctx_.agent = agent_.get();
    ctx_.replica = replica_.get();
    ctx_.rest = rest_.get();
    ctx_.actor = a.actor;
    if (o_.bench_pull) {
      agent_->Start();  // Bench() draws while this first round pulls
    } else if (!o_.screenshot.empty() || o_.bench_frames > 0) {
      (void)agent_->SyncOnce();  // live data for the picture; a failure shows in the status bar
    } else if (started_) {
      agent_->Start();
    }
    DataChanged();
  }

  void Disconnect() {
    for (auto& v : views_) v->Disconnecting();
    if (agent_) agent_->Stop();
    ctx_.agent = nullptr;
    ctx_.replica = nullptr;
    ctx_.rest = nullptr;
    agent_.reset();
    replica_.reset();
    rest_.reset();
  }

  void LoadConnectFields() {
    connect_server_ = o_.config.server;
    connect_token_ = o_.config.token;
    connect_school_ = o_.config.school_id;
  }

  // The district and its zone, and the text the atlas must hold; models rebuild on the new generation.
  void DataChanged() {
    ++ctx_.data_generation;
    if (!replica_) return;
    std::string district_id;
    if (!o_.config.school_id.empty()) {
      if (auto d = replica_->DistrictOfSchool(o_.config.school_id); d.ok()) district_id = d->id;
    }
    if (district_id.empty()) {
      if (auto all = replica_->ListDistricts(); all.ok() && !all->empty()) district_id = all->front().id;
    }
    if (!district_id.empty()) {
      if (auto d = replica_->GetDistrict(district_id); d.ok()) {
        ctx_.district_id = d->id;
        district_name_ = d->name;
        fonts_.Need(d->name);
        if (auto tz = TimeZone::Find(d->time_zone); tz.ok()) ctx_.tz = *tz;
      }
    }
    NeedReplicaText(fonts_, *replica_, agent_ ? agent_->ServerNow() : clock_.Now());
  }

  // Reads the agent's status; true when a sync round completed (the views' data changed).
  bool PollAgent() {
    if (!agent_) return false;
    status_ = agent_->status();
    syncing_ = status_.syncing;
    if (status_.rounds != last_rounds_ || status_.pending != last_pending_) {
      last_rounds_ = status_.rounds;
      last_pending_ = status_.pending;
      DataChanged();
      return true;
    }
    return false;
  }

  void Frame(const std::string& png) {
    if (fonts_.dirty()) fonts_.Rebuild(true);
    window_.BeginFrame();
    const double ui0 = gui::ThreadCpuSeconds();
    ImGui::NewFrame();
    DrawFrame();
    ImGui::Render();
    ui_cpu_ += gui::ThreadCpuSeconds() - ui0;
    if (ctx_.capture) {
      const float r[4] = {ctx_.capture->rect.x, ctx_.capture->rect.y, ctx_.capture->rect.z, ctx_.capture->rect.w};
      if (!window_.Present(ctx_.capture->path, r))
        error_ = ctx_.T("admin.cannot_write", {{"path", ctx_.capture->path}});
      ctx_.capture.reset();
    } else {
      const bool written = window_.Present(png);
      if (!png.empty()) png_ok_ = written;
    }
    ApplyRequests();
    if (!o_.targets.empty()) WriteTargets();
  }

  void ApplyRequests() {
    if (ctx_.open_booking) {
      SelectView("booking");
      views_[active_]->Open(*ctx_.open_booking);
      ctx_.open_booking.reset();
      Wake();
    }
    if (ctx_.go_to) {
      SelectView(*ctx_.go_to);
      ctx_.go_to.reset();
      Wake();
    }
    if (ctx_.local_write) {
      ctx_.local_write = false;
      if (agent_) agent_->SyncNow();
      DataChanged();
      Wake();
    }
    if (!ctx_.notice.empty() || !ctx_.error.empty()) {
      fonts_.Need(ctx_.notice);
      fonts_.Need(ctx_.error);
      notice_ = ctx_.notice;
      error_ = ctx_.error;
      ctx_.notice.clear();
      ctx_.error.clear();
    }
  }

  void WriteTargets() {
    gui::WriteTargetsFile(o_.targets, ++frames_, agent_ ? kViews[active_].name : "connect", targets_);
  }

  void DrawFrame() {
    ImGuiIO& io = ImGui::GetIO();
    for (ImWchar c : io.InputQueueCharacters) {
      char utf8[5] = {};
      ImTextCharToUtf8(utf8, c);
      fonts_.Need(utf8);
    }
    targets_.clear();
    SetTargetLog(o_.targets.empty() ? nullptr : &targets_);
    Shortcuts();
    ctx_.large = fonts_.large();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushFont(fonts_.regular());
    ImGui::Begin("admin", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    TopBar();
    const float status_h = ImGui::GetFrameHeightWithSpacing() + ctx_.u * 0.4f;
    ImGui::BeginChild("view", ImVec2(0, -status_h), false);
    if (agent_) {
      views_[active_]->Draw(ctx_);
    } else {
      ConnectScreen();
    }
    ImGui::EndChild();
    StatusBar();
    ImGui::End();
    ImGui::PopFont();
  }

  void Shortcuts() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    if (io.KeyCtrl) {
      for (int i = 0; i < static_cast<int>(std::size(kViews)) && i < 9; ++i) {
        if (ImGui::IsKeyPressed(GLFW_KEY_1 + i)) active_ = static_cast<std::size_t>(i);
      }
      if (ImGui::IsKeyPressed(GLFW_KEY_L)) ToggleLang();
      if (ImGui::IsKeyPressed(GLFW_KEY_N)) ctx_.go_to = "booking";
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_F5) && agent_) agent_->SyncNow();
  }

  void ToggleLang() {
    ctx_.lang = ctx_.lang == Lang::kZh ? Lang::kEn : Lang::kZh;
    o_.config.lang = ctx_.lang;
    if (!o_.config_path.empty() && o_.screenshot.empty()) (void)SaveAdminConfig(o_.config_path, o_.config);
    ++ctx_.data_generation;  // models hold messages in the chosen language
  }

  void TopBar() {
    ImGui::PushFont(fonts_.large());
    ImGui::TextUnformatted(ctx_.T("admin.title").c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    std::string who = district_name_;
    if (!o_.config.school_id.empty() && replica_) {
      if (auto s = replica_->GetSchool(o_.config.school_id); s.ok())
        who = ctx_.lang == Lang::kEn && !s->name_en.empty() ? s->name_en : s->name;
    }
    if (!who.empty()) {
      ImGui::AlignTextToFramePadding();
      TextColoured(colour::kMuted,
                   who + " · " + ctx_.T(o_.config.school_id.empty() ? "admin.role.district" : "admin.role.manager"));
    }
    // Right side: language and connection.
    const std::string lang_label = ctx_.T("admin.lang_switch");
    const std::string conn_label = ctx_.T("admin.connection");
    const float right = ImGui::CalcTextSize(lang_label.c_str()).x + ImGui::CalcTextSize(conn_label.c_str()).x +
                        ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right);
    if (ImGui::Button(lang_label.c_str())) ToggleLang();
    Mark("lang");
    ImGui::SameLine();
    if (ImGui::Button(conn_label.c_str())) {
      LoadConnectFields();
      Disconnect();
    }
    if (!agent_) return;
    // The tabs: buttons so a screenshot or a shortcut can choose one directly.
    for (std::size_t i = 0; i < std::size(kViews); ++i) {
      if (i > 0) ImGui::SameLine();
      const bool on = i == active_;
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      const std::string label = ctx_.T(kViews[i].title_key) + "##tab";
      if (ImGui::Button(label.c_str())) active_ = i;
      Mark(std::string("tab.") + kViews[i].name);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+%d", static_cast<int>(i + 1));
      if (on) ImGui::PopStyleColor();
    }
    ImGui::Separator();
  }

  void ConnectScreen() {
    ImGui::Dummy(ImVec2(0, ctx_.u));
    ImGui::PushFont(fonts_.large());
    ImGui::TextUnformatted(ctx_.T("admin.connect.title").c_str());
    ImGui::PopFont();
    TextColoured(colour::kMuted, ctx_.T("admin.connect.help"));
    if (!connect_problem_.empty()) {
      fonts_.Need(connect_problem_);
      TextColoured(colour::kBad, connect_problem_);
    }
    ImGui::PushItemWidth(ctx_.u * 28);
    InputText(ctx_.T("admin.connect.server"), "##server", &connect_server_, 0);
    Mark("connect.server");
    InputText(ctx_.T("admin.connect.token"), "##token", &connect_token_, ImGuiInputTextFlags_Password);
    Mark("connect.token");
    InputText(ctx_.T("admin.connect.school"), "##school", &connect_school_, 0);
    Mark("connect.school");
    ImGui::PopItemWidth();
    TextColoured(colour::kMuted, ctx_.T("admin.connect.remembered", {{"path", o_.config_path}}));
    if (ImGui::Button(ctx_.T("admin.connect.go").c_str())) {
      o_.config.server = connect_server_;
      o_.config.token = connect_token_;
      o_.config.school_id = connect_school_;
      if (AdminConfigProblem(o_.config).empty() && !o_.config_path.empty()) {
        if (Status s = SaveAdminConfig(o_.config_path, o_.config); !s.ok()) error_ = s.ToString();
      }
      Connect();
    }
    Mark("connect.go");
  }

  static void InputText(const std::string& label, const char* id, std::string* value, ImGuiInputTextFlags flags) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label.c_str());
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s", value->c_str());
    if (ImGui::InputText(id, buf, sizeof buf, flags)) *value = buf;
  }

  void StatusBar() {
    ImGui::Separator();
    if (!agent_) {
      TextColoured(colour::kMuted, ctx_.T("admin.status.not_connected"));
      return;
    }
    const SyncStatus& st = status_;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float r = ctx_.u * 0.3f;
    dl->AddCircleFilled(ImVec2(p.x + r, p.y + ImGui::GetFrameHeight() * 0.5f), r,
                        st.online ? colour::kGood : colour::kBad);
    ImGui::Dummy(ImVec2(2 * r, ImGui::GetFrameHeight()));
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    std::string line = ctx_.T(st.online ? "admin.status.online" : "admin.status.offline");
    if (st.pending > 0) line += " · " + ctx_.T("admin.status.pending", {{"n", std::to_string(st.pending)}});
    line += " · " + (st.last_success_at > 0
                         ? ctx_.T("admin.status.last_sync", {{"time", ctx_.tz.FormatLocal(st.last_success_at)}})
                         : ctx_.T("admin.status.never_synced"));
    if (st.needs_attention > 0)
      line += " · " + ctx_.T("admin.status.attention", {{"n", std::to_string(st.needs_attention)}});
    ImGui::TextUnformatted(line.c_str());
    if (st.syncing && st.pull_changes > 0) {
      ImGui::SameLine();
      const std::string progress = ctx_.T("admin.status.pulling", {{"n", std::to_string(st.pull_changes)}});
      // A pull's total is unknown until its last page: the bar fills by pages and shows the count.
      const float fraction = st.pull_more ? 1.0f - 1.0f / static_cast<float>(st.pull_pages + 1) : 1.0f;
      ImGui::ProgressBar(fraction, ImVec2(ctx_.u * 12, 0), progress.c_str());
    }
    if (!st.last_error.empty()) {
      ImGui::SameLine();
      fonts_.Need(st.last_error);
      TextColoured(colour::kBad, st.last_error);
    }
    if (!error_.empty()) {
      ImGui::SameLine();
      TextColoured(colour::kBad, error_);
    } else if (!notice_.empty()) {
      ImGui::SameLine();
      TextColoured(colour::kGood, notice_);
    }
  }

  int Screenshot() {
    PollAgent();
    if (agent_) DataChanged();
    for (int i = 0; i < 3; ++i) Frame(i == 2 ? o_.screenshot : "");
    if (!png_ok_) {
      std::fprintf(stderr, "schoolshare-admin: cannot write %s\n", o_.screenshot.c_str());
      return 1;
    }
    return 0;
  }

  int Bench() {
    if (o_.bench_pull) return BenchDuringPull();
    for (int i = 0; i < 3; ++i) Frame("");
    const double cpu0 = gui::ProcessCpuSeconds();
    ui_cpu_ = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o_.bench_frames; ++i) Frame("");
    const double cpu = gui::ProcessCpuSeconds() - cpu0;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("view %s frames %d process_cpu_ms_per_frame %.2f ui_cpu_ms_per_frame %.3f wall_ms_per_frame %.2f\n",
                kViews[active_].name, o_.bench_frames, cpu * 1000 / o_.bench_frames, ui_cpu_ * 1000 / o_.bench_frames,
                wall * 1000 / o_.bench_frames);
    return 0;
  }

  // Draws as fast as it can while the worker's first round pulls (until it completes or bench_frames
  // frames): the slowest frame says whether the UI froze.
  int BenchDuringPull() {
    if (!agent_) return 1;
    double slowest = 0, ui_slowest = 0, total = 0;
    int frames = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (frames < o_.bench_frames) {
      glfwPollEvents();
      PollAgent();
      const auto f0 = std::chrono::steady_clock::now();
      const double ui_before = ui_cpu_;
      Frame("");
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - f0).count();
      slowest = std::max(slowest, ms);
      ui_slowest = std::max(ui_slowest, (ui_cpu_ - ui_before) * 1000);
      total += ms;
      ++frames;
      if (status_.rounds > 0) break;  // the pull completed
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "view %s pull_rounds %lld pull_changes %lld pull_seconds %.1f frames %d mean_frame_ms %.2f slowest_frame_ms "
        "%.1f slowest_ui_cpu_ms %.2f\n",
        kViews[active_].name, static_cast<long long>(status_.rounds), static_cast<long long>(status_.pull_changes),
        wall, frames, total / std::max(frames, 1), slowest, ui_slowest);
    return 0;
  }

  void Close() {
    Disconnect();
    window_.Close();
  }

  AppOptions o_;
  gui::GlWindow window_;
  gui::FontAtlas fonts_;
  SystemClock clock_;
  std::unique_ptr<SyncAgent> agent_;
  std::unique_ptr<Store> replica_;
  std::unique_ptr<SyncTransport> rest_;
  AdminContext ctx_;
  std::vector<std::unique_ptr<AdminView>> views_;
  std::size_t active_ = 0;
  SyncStatus status_;
  std::int64_t last_rounds_ = -1;
  std::int64_t last_pending_ = -1;
  bool syncing_ = false;
  std::string district_name_;
  std::string connect_problem_, connect_server_, connect_token_, connect_school_;
  std::string notice_, error_;
  TargetLog targets_;
  std::int64_t frames_ = 0;
  int wake_frames_ = 3;
  bool png_ok_ = false;
  bool started_ = false;
  double ui_cpu_ = 0;
};

}  // namespace

int RunAdmin(const AppOptions& options) {
  App app(options);
  return app.Run();
}

}  // namespace schoolshare::admin
