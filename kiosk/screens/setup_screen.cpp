// Set-up behind the administrator PIN: server, token, school (typed on the on-screen keyboard, so a
// touch-only kiosk can be configured), language, venues; saved to the config file.
#include <imgui.h>

#include <algorithm>

#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

// A text field as a button: tapping it sends what is typed there; the field typed into is highlighted.
void Field(const Ui& ui, const char* label_key, SetupField field, const std::string& value, bool secret, float width,
           Actions& out) {
  Text(ui.T(label_key));
  std::string shown = value;
  if (secret && shown.size() > 4) shown = std::string(shown.size() - 4, '*') + shown.substr(shown.size() - 4);
  if (shown.empty()) shown = ui.T("kiosk.setup.empty");
  const bool on = ui.st.setup.field == field;
  ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.02f, 0.5f));
  if (Toggle(shown, std::string("field_") + label_key, on, ImVec2(width, ui.Target())))
    out.push_back(act::FocusSetupField{field});
  ImGui::PopStyleVar();
}

void Settings(const Ui& ui, float width, Actions& out) {
  const KioskState& st = ui.st;
  KioskConfig draft = st.setup.draft;
  Field(ui, "kiosk.setup.server", SetupField::kServer, draft.server, false, width, out);
  Field(ui, "kiosk.setup.token", SetupField::kToken, draft.token, true, width, out);
  Field(ui, "kiosk.setup.school", SetupField::kSchool, draft.school_id, false, width, out);
  bool changed = false;
  Text(ui.T("kiosk.setup.language"));
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 half((width - gap) / 2, ui.Target());
  if (Toggle("中文", "zh", draft.lang == Lang::kZh, half)) {
    draft.lang = Lang::kZh;
    changed = true;
  }
  ImGui::SameLine();
  if (Toggle("English", "en", draft.lang == Lang::kEn, half)) {
    draft.lang = Lang::kEn;
    changed = true;
  }
  Text(ui.T("kiosk.setup.venues"));
  int i = 0;
  for (const auto& [id, name] : st.setup.school_venues) {
    if (i++ % 2) ImGui::SameLine();
    const bool on = std::count(draft.venues.begin(), draft.venues.end(), id) > 0;
    if (Toggle(name, "venue" + id, on, half)) {
      if (on) {
        draft.venues.erase(std::remove(draft.venues.begin(), draft.venues.end(), id), draft.venues.end());
      } else {
        draft.venues.push_back(id);
      }
      changed = true;
    }
  }
  if (changed) out.push_back(act::EditSetup{draft});
}

}  // namespace

void DrawSetup(const Ui& ui, Actions& out) {
  const KioskState& st = ui.st;
  const float width = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  LargeText(ui, ui.T("kiosk.setup.title"));
  MessageBanner(ui, out);
  if (!st.setup.unlocked) {
    ui.ui.keyboard_shift = false;
    Text(ui.T("kiosk.setup.pin"));
    const float pad_w = std::min(width, ui.u * 14);
    TypedField(ui, std::string(st.setup.pin_typed.size(), '*'), "", pad_w);
    Keypad(ui, true, ui.T("kiosk.ok"), pad_w, out);
    ImGui::SetCursorPosY(ImGui::GetWindowHeight() - ui.Target() - ImGui::GetStyle().WindowPadding.y);
    HomeButton(ui, out);
    return;
  }
  // Landscape: settings left, keyboard right; portrait: settings above the keyboard.
  const float body_h = ImGui::GetContentRegionAvail().y - ui.Target() * 2.3f - ui.u;
  const float keyboard_h = 5 * (ui.Target() + ImGui::GetStyle().ItemSpacing.y);
  const float left_w = ui.portrait ? width : width * 0.48f;
  ImGui::BeginChild("fields", ImVec2(left_w, ui.portrait ? body_h - keyboard_h : body_h), false);
  DragToScroll();
  Settings(ui, left_w - gap - ui.u * 0.5f, out);
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("keyboard", ImVec2(0, ui.portrait ? keyboard_h : body_h), false, ImGuiWindowFlags_NoScrollbar);
  Keyboard(ui, ImGui::GetContentRegionAvail().x, ui.ui.keyboard_shift, out);
  ImGui::EndChild();
  if (BigButton(ui.T("kiosk.setup.save"), "save", ImVec2(width, ui.Target() * 1.3f), color::kGood)) {
    out.push_back(act::SaveSetup{});
  }
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
