// The admin client's window: GLFW + OpenGL3 + Dear ImGui around the views. Owns the SyncAgent (its
// worker syncs in the background, so the UI never waits on the network), a read connection to the
// replica for the views, the connect screen, the tab bar, the status bar and the keyboard shortcuts.
#pragma once

#include <string>

#include "model/admin_config.h"

namespace schoolshare::admin {

struct AppOptions {
  AdminConfig config;
  std::string config_path;
  std::string checked_replica;  // the replica file main() has just integrity-checked (not checked again)
  std::string config_problem;   // set: the remembered connection could not be used (the connect screen says why)
  int width = 1600;
  int height = 1000;
  float scale = 0;         // 0: the monitor's content scale (DPI)
  std::string screenshot;  // a PNG path: render `screen` with live data, write it, exit
  std::string screen = "timeline";
  std::string date;         // "YYYY-MM-DD": the day the timeline and forms open on (default: today)
  bool week = false;        // the timeline opens on the week of `date`
  int bench_frames = 0;     // > 0: render this many frames as fast as possible, print the CPU time per frame
  bool bench_pull = false;  // with bench_frames: draw while the first sync round runs, report the slowest frame
  bool verbose = false;
  std::string targets;  // test hook: after each frame, write "id x y w h" of every marked widget here
};

// Returns the process exit code: 0 on a normal close or a written screenshot.
int RunAdmin(const AppOptions& options);

}  // namespace schoolshare::admin
