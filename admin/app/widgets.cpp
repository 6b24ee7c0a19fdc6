#include "app/widgets.h"

namespace schoolshare::admin {

ImU32 SchoolColour(int index) {
  static constexpr ImU32 kPalette[] = {
      IM_COL32(31, 119, 180, 255),  IM_COL32(255, 127, 14, 255),  IM_COL32(44, 160, 44, 255),
      IM_COL32(214, 39, 40, 255),   IM_COL32(148, 103, 189, 255), IM_COL32(140, 86, 75, 255),
      IM_COL32(227, 119, 194, 255), IM_COL32(127, 127, 127, 255), IM_COL32(188, 189, 34, 255),
      IM_COL32(23, 190, 207, 255),  IM_COL32(57, 59, 121, 255),   IM_COL32(99, 121, 57, 255)};
  const int n = static_cast<int>(std::size(kPalette));
  return kPalette[((index % n) + n) % n];
}

ImU32 StatusColour(BookingStatus status) {
  switch (status) {
    case BookingStatus::kConfirmed:
      return colour::kGood;
    case BookingStatus::kPending:
      return colour::kWarn;
    default:
      return colour::kMuted;
  }
}

void ApplyAdminTheme(float u) {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  const float k = u / 13.0f;  // ImGui's sizes are tuned for its 13 px font
  s.ScaleAllSizes(k);
  s.WindowRounding = 0;
  s.FrameRounding = 0.25f * u;
  s.GrabRounding = 0.25f * u;
  s.TabRounding = 0.25f * u;
  s.FramePadding = ImVec2(0.5f * u, 0.3f * u);
  s.ItemSpacing = ImVec2(0.6f * u, 0.4f * u);
  s.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
  s.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(colour::kText);
  s.Colors[ImGuiCol_Button] = ImVec4(0.88f, 0.92f, 0.97f, 1);
  s.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.76f, 0.85f, 0.96f, 1);
  s.Colors[ImGuiCol_ButtonActive] = ImVec4(0.62f, 0.76f, 0.94f, 1);
  s.Colors[ImGuiCol_Header] = ImVec4(0.84f, 0.90f, 0.98f, 1);
  s.Colors[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.93f, 0.95f, 1);  // fields stand out from the white page
  s.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.86f, 0.90f, 0.96f, 1);
  s.Colors[ImGuiCol_FrameBgActive] = ImVec4(0.80f, 0.87f, 0.96f, 1);
  s.Colors[ImGuiCol_CheckMark] = ImGui::ColorConvertU32ToFloat4(colour::kAccent);
  s.FrameBorderSize = 1;
  s.Colors[ImGuiCol_Border] = ImVec4(0.75f, 0.78f, 0.82f, 1);
}

void TextColoured(ImU32 col, const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
}

void HelpMarker(const std::string& text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace schoolshare::admin
