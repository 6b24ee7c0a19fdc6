// The kiosk window: GLFW + OpenGL3 + Dear ImGui around the model. Owns the SyncAgent (its worker syncs in
// the background), draws the current screen once per event or once a second, applies the screens'
// actions after each frame, and can render one screen to a PNG and exit.
#pragma once

#include <memory>
#include <string>

#include "model/kiosk_model.h"

namespace schoolshare::kiosk {

struct AppOptions {
  KioskConfig config;
  std::string config_path;
  std::string checked_replica;  // the replica file main() has just integrity-checked (not checked again)
  std::string config_problem;   // set: the configuration could not be used (shown in Set-up)
  bool portrait = false;
  int width = 0;  // 0: the monitor's size
  int height = 0;
  std::string screenshot;  // a PNG path: render `screen` once with live data, write it, exit
  std::string screen = "home";
  int bench_frames = 0;  // > 0: render this many frames as fast as possible, print the CPU time per frame
  bool verbose = false;
  std::string targets;  // test hook: after each frame, write "id x y w h" of every button here
};

// Returns the process exit code: 0 on a normal close or a written screenshot.
int RunKiosk(const AppOptions& options);

}  // namespace schoolshare::kiosk
