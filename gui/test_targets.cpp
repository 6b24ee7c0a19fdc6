#include "test_targets.h"

#include <cstdio>
#include <cstdlib>

namespace schoolshare::gui {
namespace {
TargetLog* g_targets = nullptr;  // only the UI thread touches it
}

void SetTargetLog(TargetLog* log) { g_targets = log; }

void MarkLastItem(const std::string& id) {
  if (!g_targets) return;
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  (*g_targets)[id] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
}

void WriteTargetsFile(const std::string& path, long long frame, const char* screen, const TargetLog& log) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return;
  std::fprintf(f, "frame %lld\nscreen %s\n", frame, screen);
  for (const auto& [id, r] : log) std::fprintf(f, "%s %.0f %.0f %.0f %.0f\n", id.c_str(), r.x, r.y, r.z, r.w);
  std::fclose(f);
  std::rename(tmp.c_str(), path.c_str());
}

std::string DefaultConfigPath(const std::string& name) {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/" + name;
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.config/" + name;
  return name;
}

}  // namespace schoolshare::gui
