// What the window tests (kiosk and admin, under Xvfb) share: running a binary with a time limit,
// checking that a PNG is a drawn screen, and clicking a widget with real X events (xdotool) where the
// window said it is (its --targets file: "frame N", "screen NAME", then "id x y w h" per widget).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace schoolshare::testing {

// Starts argv (searched on PATH) as a child process.
inline pid_t Spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Runs argv to completion (at most `timeout`); returns its exit code, or -1 on a timeout.
inline int RunFor(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  const pid_t pid = Spawn(args);
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

struct Picture {
  int width = 0, height = 0;
  int colours = 0;         // distinct colours (quantised to 4 bits a channel)
  double dark = 0;         // share of near-black pixels (text)
  double most_common = 0;  // share of the most common colour
};

inline Picture Inspect(const std::string& png) {
  Picture p;
  int channels = 0;
  unsigned char* data = stbi_load(png.c_str(), &p.width, &p.height, &channels, 3);
  if (!data) return p;
  std::map<int, int> counts;
  long dark = 0;
  const long n = static_cast<long>(p.width) * p.height;
  for (long i = 0; i < n; ++i) {
    const unsigned char* px = data + i * 3;
    counts[(px[0] >> 4) << 8 | (px[1] >> 4) << 4 | (px[2] >> 4)]++;
    if (px[0] < 80 && px[1] < 80 && px[2] < 80) ++dark;
  }
  stbi_image_free(data);
  int top = 0;
  for (const auto& [c, k] : counts) top = std::max(top, k);
  p.colours = static_cast<int>(counts.size());
  p.dark = static_cast<double>(dark) / n;
  p.most_common = static_cast<double>(top) / n;
  return p;
}

// The widgets of the last frame and the current screen, as the window wrote them.
struct Targets {
  long long frame = 0;
  std::string screen;
  std::map<std::string, std::array<int, 4>> rects;
};

inline Targets ReadTargets(const std::string& path) {
  Targets t;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string id;
    s >> id;
    if (id == "frame") {
      s >> t.frame;
      continue;
    }
    if (id == "screen") {
      s >> t.screen;
      continue;
    }
    std::array<int, 4> r{};
    if (s >> r[0] >> r[1] >> r[2] >> r[3]) t.rects[id] = r;
  }
  return t;
}

// Waits (up to `seconds`, 20 by default) until the window shows `screen` with a widget `id`; its rectangle, or nothing.
inline std::optional<std::array<int, 4>> WaitFor(const std::string& targets, const std::string& screen,
                                                 const std::string& id, long long* frame = nullptr, int seconds = 20) {
  for (int i = 0; i < seconds * 50; ++i) {
    const Targets t = ReadTargets(targets);
    auto it = t.rects.find(id);
    if (t.screen == screen && it != t.rects.end()) {
      if (frame) *frame = t.frame;
      return it->second;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

// Waits until the window has drawn a frame after `after` and then none for 200 ms: the input sent before
// was read and its frames are done, so the next X event cannot land in the same frame.
inline long long WaitIdle(const std::string& targets, long long after = -1) {
  long long frame = ReadTargets(targets).frame;
  for (int quiet = 0, i = 0; (quiet < 4 || frame <= after) && i < 400; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const long long now = ReadTargets(targets).frame;
    quiet = now == frame ? quiet + 1 : 0;
    frame = now;
  }
  return frame;
}

// Runs an xdotool press, then its release, each read by the window in a frame of its own: ImGui 1.86
// reads input state once a frame, so a press and release in one frame are lost (or, under load, merged
// with the next click's).
inline void PressThenRelease(const std::string& targets, const std::vector<std::string>& press,
                             const std::vector<std::string>& release) {
  const long long idle = WaitIdle(targets);
  ASSERT_EQ(RunFor(press, std::chrono::seconds(10)), 0);
  const long long pressed = WaitIdle(targets, idle);
  ASSERT_EQ(RunFor(release, std::chrono::seconds(10)), 0);
  WaitIdle(targets, pressed);
}

// Clicks at (x, y) with real X events.
inline void ClickAt(const std::string& targets, int x, int y) {
  PressThenRelease(targets, {"xdotool", "mousemove", std::to_string(x), std::to_string(y), "mousedown", "1"},
                   {"xdotool", "mouseup", "1"});
}

// Presses a key (xdotool's name, e.g. "ctrl+a", "Return").
inline void PressKey(const std::string& targets, const std::string& key) {
  PressThenRelease(targets, {"xdotool", "keydown", key}, {"xdotool", "keyup", key});
}

// Waits until the window shows `screen` with a widget `id` and is idle, then clicks its centre.
inline void Tap(const std::string& targets, const std::string& screen, const std::string& id) {
  for (int i = 0; i < 100; ++i) {  // at least 20 s
    WaitIdle(targets);
    const Targets t = ReadTargets(targets);
    auto it = t.rects.find(id);
    if (t.screen == screen && it != t.rects.end()) {
      const auto& r = it->second;
      ClickAt(targets, r[0] + r[2] / 2, r[1] + r[3] / 2);
      return;
    }
  }
  FAIL() << "no widget " << id << " on screen " << screen;
}

}  // namespace schoolshare::testing
