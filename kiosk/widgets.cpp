#include "widgets.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "schoolshare/ids.h"

namespace schoolshare::kiosk {

std::string Ui::T(const char* key, const std::map<std::string, std::string>& params) const {
  return Tr(st.lang, key, params);
}

std::string Ui::Time(Instant t) const {
  auto tz = TimeZone::Find(st.time_zone);
  return (tz.ok() ? *tz : TimeZone::Utc()).FormatTime(t);
}

void ApplyTheme(float u) {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowPadding = ImVec2(u * 0.6f, u * 0.5f);
  s.FramePadding = ImVec2(u * 0.5f, u * 0.3f);
  s.ItemSpacing = ImVec2(u * 0.4f, u * 0.4f);
  s.FrameRounding = u * 0.25f;
  s.ScrollbarSize = u * 0.8f;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 0;
  // The frame is cleared to white (GlWindow::Present), so the full-screen window and the lists draw no
  // background of their own: with software GL (llvmpipe) each one is a blended pass over the whole screen.
  s.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 0);
  s.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 0);
  s.Colors[ImGuiCol_Text] = ImVec4(0.04f, 0.04f, 0.04f, 1);
  s.Colors[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.94f, 0.96f, 1);
}

namespace {}  // namespace

bool BigButton(const std::string& label, const std::string& id, ImVec2 size, ImU32 fill, bool enabled) {
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(enabled ? fill : IM_COL32(190, 190, 190, 255));
  ImGui::PushStyleColor(ImGuiCol_Button, c);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c);  // nothing depends on hover (touch)
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(c.x * 0.7f, c.y * 0.7f, c.z * 0.7f, 1));
  const bool light = (c.x + c.y + c.z) > 2.2f;
  ImGui::PushStyleColor(ImGuiCol_Text, light ? ImVec4(0, 0, 0, 1) : ImVec4(1, 1, 1, 1));
  if (!enabled) ImGui::BeginDisabled();
  const bool tapped = ImGui::Button((label + "##" + id).c_str(), size);
  gui::MarkLastItem(id);
  if (!enabled) ImGui::EndDisabled();
  ImGui::PopStyleColor(4);
  return tapped && enabled;
}

bool Toggle(const std::string& label, const std::string& id, bool on, ImVec2 size) {
  return BigButton(label, id, size, on ? color::kAccent : color::kPanel);
}

void Text(const std::string& text, ImU32 col) {
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void LargeText(const Ui& ui, const std::string& text, ImU32 col) {
  ImGui::PushFont(ui.large);
  Text(text, col);
  ImGui::PopFont();
}

void Keypad(const Ui& ui, bool digits_only, const std::string& submit_label, float width, Actions& out) {
  const std::string keys = digits_only ? "123456789" : kBookingCodeAlphabet;
  const int columns = digits_only ? 3 : 8;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float key = std::max(ui.Target(), (width - gap * (columns - 1)) / columns);
  const ImVec2 size(key, std::max(ui.Target(), key * (digits_only ? 0.7f : 0.75f)));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i % columns != 0) ImGui::SameLine();
    const std::string label(1, keys[i]);
    if (BigButton(label, "key" + label, size, color::kPanel)) out.push_back(act::KeyChar{keys[i]});
  }
  const float third = (width - 2 * gap) / 3;
  if (digits_only) {
    if (BigButton(ui.T("kiosk.checkin.delete"), "del", ImVec2(key, size.y), color::kPanel))
      out.push_back(act::Backspace{});
    ImGui::SameLine();
    if (BigButton("0", "key0", size, color::kPanel)) out.push_back(act::KeyChar{'0'});
    ImGui::SameLine();
    if (BigButton(submit_label, "submit", ImVec2(key, size.y), color::kGood)) out.push_back(act::Submit{});
    return;
  }
  if (BigButton(ui.T("kiosk.checkin.delete"), "del", ImVec2(third, size.y), color::kPanel))
    out.push_back(act::Backspace{});
  ImGui::SameLine();
  if (BigButton(ui.T("kiosk.checkin.clear"), "clear", ImVec2(third, size.y), color::kPanel))
    out.push_back(act::ClearTyped{});
  ImGui::SameLine();
  if (BigButton(submit_label, "submit", ImVec2(third, size.y), color::kGood)) out.push_back(act::Submit{});
}

int Stepper(const Ui& ui, const std::string& id, int value, int min, int max) {
  const float step_w = ui.Target() * 1.2f;
  int delta = 0;
  ImGui::PushFont(ui.large);
  if (BigButton("-", id + "_minus", ImVec2(step_w, ui.Target()), color::kPanel, value > min)) delta = -1;
  ImGui::SameLine();
  char text[16];
  std::snprintf(text, sizeof text, " %d ", value);
  BigButton(text, id + "_value", ImVec2(step_w, ui.Target()), color::kWhite);
  ImGui::SameLine();
  if (BigButton("+", id + "_plus", ImVec2(step_w, ui.Target()), color::kPanel, value < max)) delta = 1;
  ImGui::PopFont();
  return delta;
}

void Keyboard(const Ui& ui, float width, bool& shift, Actions& out) {
  static const char* const kRows[] = {"1234567890", "qwertyuiop", "asdfghjkl:", "zxcvbnm/._-"};
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float key = (width - gap * 10) / 11;  // the longest row has 11 keys
  const ImVec2 size(key, ui.Target());
  for (const char* row : kRows) {
    for (const char* k = row; *k; ++k) {
      if (k != row) ImGui::SameLine();
      const char c = shift ? static_cast<char>(std::toupper(static_cast<unsigned char>(*k))) : *k;
      const std::string label(1, c);
      if (BigButton(label, std::string("kb_") + label, size, color::kPanel)) out.push_back(act::KeyChar{c});
    }
  }
  const float third = (width - 2 * gap) / 3;
  if (BigButton(ui.T("kiosk.setup.shift"), "kb_shift", ImVec2(third, size.y), shift ? color::kAccent : color::kPanel))
    shift = !shift;
  ImGui::SameLine();
  if (BigButton(ui.T("kiosk.checkin.delete"), "kb_del", ImVec2(third, size.y), color::kPanel))
    out.push_back(act::Backspace{});
  ImGui::SameLine();
  if (BigButton(ui.T("kiosk.checkin.clear"), "kb_clear", ImVec2(third, size.y), color::kPanel))
    out.push_back(act::ClearTyped{});
}

void TypedField(const Ui& ui, const std::string& typed, const std::string& placeholder, float width) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ui.u * 2.6f;
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), color::kPanel, ui.u * 0.3f);
  dl->AddRect(p, ImVec2(p.x + width, p.y + h), color::kAccent, ui.u * 0.3f, 0, ui.u * 0.1f);
  ImGui::PushFont(ui.large);
  const std::string shown = typed.empty() ? placeholder : typed;
  const ImVec2 ts = ImGui::CalcTextSize(shown.c_str());
  const float x = typed.empty() ? p.x + ui.u * 0.5f : p.x + (width - ts.x) / 2;
  dl->AddText(ImVec2(x, p.y + (h - ts.y) / 2), typed.empty() ? color::kMuted : color::kText, shown.c_str());
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(width, h));
}

void MessageBanner(const Ui& ui, Actions& out) {
  const std::string text = RenderMessage(ui.st.message, ui.st.lang);
  if (text.empty()) return;
  const ImU32 fill = ui.st.message.error ? color::kBad : color::kGood;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(fill));
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::PushTextWrapPos(0);
  const float h = ImGui::CalcTextSize(text.c_str(), nullptr, false, width - ui.u * 1.2f).y + ui.u * 1.2f;
  ImGui::PopTextWrapPos();
  ImGui::BeginChild("message", ImVec2(width, std::max(h, ui.Target())), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(ui.u * 0.6f, ui.u * 0.6f));
  ImGui::PushTextWrapPos(width - ui.u * 0.6f);
  Text(text, color::kWhite);
  ImGui::PopTextWrapPos();
  if (ImGui::IsWindowHovered() && ImGui::IsMouseReleased(0)) out.push_back(act::DismissMessage{});
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void DragToScroll() {
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) && ImGui::IsMouseDragging(0)) {
    ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
  }
}

void StatusBar(const Ui& ui, Actions& out) {
  const KioskState& st = ui.st;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float h = ui.Target() + ui.u * 0.4f;
  dl->AddRectFilled(ImVec2(p.x - ui.u, p.y - ui.u), ImVec2(p.x + width + ui.u, p.y + h), IM_COL32(20, 40, 70, 255));
  auto tz = TimeZone::Find(st.time_zone);
  const LocalDateTime local = (tz.ok() ? *tz : TimeZone::Utc()).ToLocal(st.now);
  const std::string clock = local.date.ToString() + " " +
                            Tr(st.lang, "weekday." + std::to_string(local.date.IsoWeekday())) + "  " +
                            FormatMinuteOfDay(local.minute_of_day);
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + ui.u * 0.3f));
  ImGui::PushFont(ui.large);
  ImGui::TextColored(ImVec4(1, 1, 1, 1), "%s",
                     st.school_name.empty() ? ui.T("kiosk.title").c_str() : st.school_name.c_str());
  ImGui::PopFont();
  // The sync line: online/offline, outbox, last sync; a problem in amber.
  std::string sync = ui.T(st.sync.online ? "kiosk.online" : "kiosk.offline") + "  ·  " +
                     ui.T("kiosk.pending", {{"n", std::to_string(st.sync.pending)}}) + "  ·  " +
                     (st.sync.last_sync ? ui.T("kiosk.last_sync", {{"time", ui.Time(st.sync.last_sync)}})
                                        : ui.T("kiosk.never_synced"));
  const std::string lang = ui.T("kiosk.lang_switch");
  const float lang_w = ImGui::CalcTextSize(lang.c_str()).x + ui.u * 1.5f;
  if (!ui.portrait) {
    const float cw = ImGui::CalcTextSize(clock.c_str()).x;
    ImGui::SameLine(width - lang_w - cw - ui.u);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ui.u * 0.3f);
    ImGui::TextColored(ImVec4(1, 1, 1, 1), "%s", clock.c_str());
  }
  ImGui::SetCursorScreenPos(ImVec2(p.x + width - lang_w, p.y + ui.u * 0.2f));
  if (BigButton(lang, "lang", ImVec2(lang_w, ui.Target()), color::kWhite)) out.push_back(act::ToggleLang{});
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + h + ui.u * 0.2f));
  const ImU32 sync_col = st.sync.online ? color::kGood : color::kWarn;
  if (ui.portrait) Text(clock);
  Text(sync, sync_col);
  if (!st.sync.problem.empty()) Text(ui.T(st.sync.problem.c_str()), color::kBad);
  ImGui::Separator();
}

void HomeButton(const Ui& ui, Actions& out) {
  const float w = ImGui::GetContentRegionAvail().x;
  if (BigButton(ui.T("kiosk.back"), "home", ImVec2(w, ui.Target()), color::kMuted))
    out.push_back(act::GoTo{Screen::kHome});
}

}  // namespace schoolshare::kiosk
