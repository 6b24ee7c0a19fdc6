#include "app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "gui/font_atlas.h"
#include "gui/gl_window.h"
#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

using gui::FontAtlas;
using gui::kCjkFontPath;

// Marks every character the screens may draw from the state (data and messages, both languages).
void NeedStateText(FontAtlas& fonts, const KioskState& st) {
  fonts.Need(st.school_name);
  auto line = [&](const std::optional<BookingLine>& b) {
    if (!b) return;
    for (const auto* s : {&b->title, &b->organizer, &b->school_name, &b->venue_name, &b->code}) fonts.Need(*s);
  };
  for (const auto& v : st.venues) {
    fonts.Need(v.name);
    line(v.now);
    line(v.next);
  }
  line(st.checkin.booking);
  line(st.equipment.booking);
  for (const auto& i : st.equipment.items) fonts.Need(i.name);
  for (const auto& l : st.equipment.loans) {
    fonts.Need(l.item_name);
    fonts.Need(l.who);
  }
  for (const auto& v : st.walkin.venues) {
    fonts.Need(v.name);
    if (v.why_not) {
      for (Lang l : {Lang::kZh, Lang::kEn}) fonts.Need(DescribeViolation(l, *v.why_not));
    }
  }
  for (const auto& s : st.walkin.organizers) fonts.Need(s);
  for (const auto& s : st.walkin.classes) fonts.Need(s);
  for (const auto& [id, name] : st.setup.school_venues) fonts.Need(name);
  for (Lang l : {Lang::kZh, Lang::kEn}) fonts.Need(RenderMessage(st.message, l));
}

class App {
 public:
  explicit App(const AppOptions& o) : o_(o) {}
  ~App() { Close(); }

  int Run() {
    const auto t0 = std::chrono::steady_clock::now();
    gui::WindowOptions wo;
    wo.title = "schoolshare-kiosk";
    wo.width = o_.width;
    wo.height = o_.height;
    wo.portrait = o_.portrait;
    wo.decorated = false;
    wo.vsync = o_.bench_frames == 0;
    wo.touch = true;
    // Any input wakes the loop for a few frames.
    if (!window_.Open(wo, [this] { Wake(); })) return 2;

    OpenModel();
    const int fw = window_.framebuffer_width(), fh = window_.framebuffer_height();
    portrait_ = o_.portrait || fh > fw;
    const float scale = static_cast<float>(std::min(fw, fh)) / 1080.0f;
    u_ = std::max(28.0f, std::round(32.0f * scale));
    ApplyTheme(u_);
    for (Lang l : {Lang::kZh, Lang::kEn}) {
      for (const auto& [key, text] : AllMessages(l)) fonts_.Need(text);
    }
    fonts_.Need("中文English·●–—×…：（）");
    fonts_.SetSize(u_);
    NeedStateText(fonts_, state_);
    if (!fonts_.Rebuild(false))
      std::fprintf(stderr, "schoolshare-kiosk: %s is missing: Chinese cannot be shown\n", kCjkFontPath);
    if (o_.verbose) std::fprintf(stderr, "atlas: %d glyphs\n", fonts_.glyphs());

    if (!o_.screenshot.empty()) return Screenshot();
    if (o_.bench_frames > 0) return Bench();

    bool first = true;
    double last_tick = glfwGetTime();
    while (!window_.ShouldClose()) {
      if (wake_frames_ > 0) {
        glfwPollEvents();
      } else {
        glfwWaitEventsTimeout(1.0 - std::fmod(glfwGetTime(), 1.0) + 0.001);  // the clock once a second
      }
      const std::uint64_t shown = state_.data_generation;
      if (glfwGetTime() - last_tick >= 1.0) {
        last_tick = glfwGetTime();
        Apply(act::Tick{0});
      }
      // Draw after input, or when a refresh changed what is shown (a new minute, a sync round).
      if (!first && wake_frames_ == 0 && state_.data_generation == shown) continue;
      Frame("");
      if (first) {
        first = false;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "first frame after %.0f ms (%d glyphs)\n", ms, fonts_.glyphs());
        started_ = true;
        if (agent_) agent_->Start();  // the first sync round runs after the first frame, not before
      }
      if (wake_frames_ > 0) --wake_frames_;
      if (state_.restart_requested) {
        o_.config = ctx_.config;
        OpenModel();
      }
    }
    return 0;
  }

  void Wake() { wake_frames_ = 3; }

 private:
  // (Re)opens the agent and the model for the current configuration; a problem lands in Set-up.
  void OpenModel() {
    if (agent_) agent_->Stop();
    ctx_.agent = nullptr;
    agent_.reset();
    ctx_.clock = &clock_;
    ctx_.config = o_.config;
    ctx_.config_path = o_.config_path;
    std::string problem = o_.config_problem;
    if (problem.empty()) {
      HttpTransportOptions t;
      t.base_url = o_.config.server;
      t.token = o_.config.token;
      t.connect_timeout = std::chrono::milliseconds(2000);
      t.read_timeout = std::chrono::milliseconds(10000);
      SyncAgentOptions a;
      a.replica_path = o_.config.replica;
      a.actor = {"kiosk", Role::kKiosk, o_.config.school_id};
      a.poll_interval = std::chrono::milliseconds(15000);
      a.verify_integrity = a.replica_path != o_.checked_replica;
      auto agent = SyncAgent::Open(a, MakeHttpTransport(t));
      if (agent.ok()) {
        agent_ = std::move(agent).value();
        ctx_.agent = agent_.get();
      } else {
        problem = DescribeStatus(state_.lang, agent.status());
      }
    }
    if (ctx_.agent) {
      if (!o_.screenshot.empty() || o_.bench_frames > 0) {
        (void)ctx_.agent->SyncOnce();  // live data for the picture; a failure shows in the status bar
      } else if (started_) {
        ctx_.agent->Start();  // reopened after Set-up; on start-up the worker starts after the first frame
      }
    }
    state_ = InitialState(ctx_);
    if (!problem.empty()) {
      state_.screen = Screen::kSetup;
      state_.message = {"kiosk.config_broken", {{"detail", problem}}, {}, std::nullopt, true};
    }
    o_.config_problem.clear();  // a saved Set-up is tried next time
  }

  void Apply(const Action& a) {
    const std::uint64_t before = state_.data_generation;
    Update(state_, a, ctx_);
    if (state_.data_generation != before) NeedStateText(fonts_, state_);
  }

  // One frame: draw, read pixels when asked, present, apply the actions.
  void Frame(const std::string& png) {
    if (fonts_.dirty()) fonts_.Rebuild(true);
    window_.BeginFrame();
    const double ui0 = gui::ThreadCpuSeconds();
    ImGui::NewFrame();
    Actions out;
    DrawFrame(out);
    ImGui::Render();
    ui_cpu_ += gui::ThreadCpuSeconds() - ui0;
    const bool written = window_.Present(png);
    if (!png.empty()) png_ok_ = written;
    if (!out.empty()) Wake();
    for (const Action& a : out) Apply(a);
    if (!o_.targets.empty()) WriteTargets();
  }

  // The test hook: the buttons of the frame just drawn, written to a temp file and renamed into place.
  void WriteTargets() { gui::WriteTargetsFile(o_.targets, ++frames_, ScreenName(state_.screen), targets_); }

  void DrawFrame(Actions& out) {
    ImGuiIO& io = ImGui::GetIO();
    targets_.clear();
    SetTargetLog(o_.targets.empty() ? nullptr : &targets_);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushFont(fonts_.regular());
    ImGui::Begin("kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    Ui ui{state_, ui_state_, u_, portrait_, fonts_.large()};
    StatusBar(ui, out);
    for (const ScreenEntry& s : kScreens) {
      if (s.screen == state_.screen) s.draw(ui, out);
    }
    ImGui::End();
    ImGui::PopFont();
    // A QR scanner or a keyboard types the code (or set-up text) and Enter; the model keeps what fits.
    if (!io.WantTextInput) {
      for (ImWchar c : io.InputQueueCharacters) {
        if (c > ' ' && c < 127) out.push_back(act::KeyChar{static_cast<char>(c)});
      }
      if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
          ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter))) {
        out.push_back(act::Submit{});
      }
      if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) out.push_back(act::Backspace{});
    }
  }

  int Screenshot() {
    state_.screen = *ParseScreen(o_.screen);
    if (state_.screen != Screen::kHome) Apply(act::GoTo{state_.screen});
    for (int i = 0; i < 3; ++i) Frame(i == 2 ? o_.screenshot : "");
    if (!png_ok_) {
      std::fprintf(stderr, "schoolshare-kiosk: cannot write %s\n", o_.screenshot.c_str());
      return 1;
    }
    return 0;
  }

  int Bench() {
    for (int i = 0; i < 3; ++i) Frame("");
    const double cpu0 = gui::ProcessCpuSeconds();
    ui_cpu_ = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o_.bench_frames; ++i) Frame("");
    const double cpu = gui::ProcessCpuSeconds() - cpu0;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // The once-a-second refresh from the replica (not part of a frame).
    const double r0 = gui::ProcessCpuSeconds();
    for (int i = 0; i < 20; ++i) Refresh(state_, ctx_);
    const double refresh = (gui::ProcessCpuSeconds() - r0) / 20;
    std::printf(
        "frames %d process_cpu_ms_per_frame %.2f ui_cpu_ms_per_frame %.3f wall_ms_per_frame %.2f refresh_cpu_ms %.2f "
        "venues %zu\n",
        o_.bench_frames, cpu * 1000 / o_.bench_frames, ui_cpu_ * 1000 / o_.bench_frames, wall * 1000 / o_.bench_frames,
        refresh * 1000, state_.venues.size());
    return 0;
  }

  void Close() {
    if (agent_) agent_->Stop();
    window_.Close();
  }

  AppOptions o_;
  gui::GlWindow window_;
  SystemClock clock_;
  std::unique_ptr<SyncAgent> agent_;
  KioskContext ctx_;
  KioskState state_;
  UiState ui_state_;
  TargetLog targets_;
  std::int64_t frames_ = 0;  // frames drawn, for the targets file
  FontAtlas fonts_;
  float u_ = 32;
  bool portrait_ = false;
  int wake_frames_ = 3;
  bool png_ok_ = false;
  bool started_ = false;  // the first frame is drawn
  double ui_cpu_ = 0;     // CPU seconds of the UI thread building frames (NewFrame to Render)
};

}  // namespace

int RunKiosk(const AppOptions& options) {
  App app(options);
  return app.Run();
}

}  // namespace schoolshare::kiosk
