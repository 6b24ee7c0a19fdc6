// The window tests' hook (tests/gui/gui_harness.h reads what this writes): while a log is set, marked
// widgets record their screen rectangle (x, y, w, h) under an id, and after each frame the window writes
// "frame N", "screen NAME" and "id x y w h" lines to a file, so a test driving the window with real X
// events (xdotool) knows where to click. No log is set in normal use.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

namespace schoolshare::gui {

using TargetLog = std::map<std::string, ImVec4>;
void SetTargetLog(TargetLog* log);
// Records the last ImGui item's rectangle under `id` (nothing when no log is set).
void MarkLastItem(const std::string& id);
// Writes the log to `path` through a temp file renamed into place (a reader never sees half a file).
void WriteTargetsFile(const std::string& path, long long frame, const char* screen, const TargetLog& log);

// `name` in the user's configuration directory: $XDG_CONFIG_HOME, else ~/.config, else the current one.
std::string DefaultConfigPath(const std::string& name);

}  // namespace schoolshare::gui
