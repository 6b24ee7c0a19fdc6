// Set-up behind the administrator PIN: server, token, school, language, venues; saved to the config file.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "screens/screens.h"

namespace schoolshare::kiosk {

void DrawSetup(const Ui& ui, Actions& out) {
  const KioskState& st = ui.st;
  const float width = ImGui::GetContentRegionAvail().x;
  LargeText(ui, ui.T("kiosk.setup.title"));
  MessageBanner(ui, out);
  if (!st.setup.unlocked) {
    ui.ui.setup_loaded = false;
    Text(ui.T("kiosk.setup.pin"));
    const float pad_w = std::min(width, ui.u * 14);
    TypedField(ui, std::string(st.setup.pin_typed.size(), '*'), "", pad_w);
    Keypad(ui, true, ui.T("kiosk.ok"), pad_w, out);
    ImGui::SetCursorPosY(ImGui::GetWindowHeight() - ui.Target() - ImGui::GetStyle().WindowPadding.y);
    HomeButton(ui, out);
    return;
  }
  UiState& edit = ui.ui;
  if (!edit.setup_loaded) {  // start editing from the saved draft
    edit.setup_server = st.setup.draft.server;
    edit.setup_token = st.setup.draft.token;
    edit.setup_school = st.setup.draft.school_id;
    edit.setup_loaded = true;
  }
  KioskConfig draft = st.setup.draft;
  bool changed = false;
  const float body_h = ImGui::GetContentRegionAvail().y - ui.Target() * 2.6f - ui.u;
  ImGui::BeginChild("fields", ImVec2(width, body_h), false);
  ImGui::PushItemWidth(width - ui.u);
  Text(ui.T("kiosk.setup.server"));
  changed |= ImGui::InputText("##server", &edit.setup_server);
  Text(ui.T("kiosk.setup.token"));
  changed |= ImGui::InputText("##token", &edit.setup_token, ImGuiInputTextFlags_Password);
  Text(ui.T("kiosk.setup.school"));
  changed |= ImGui::InputText("##school", &edit.setup_school);
  ImGui::PopItemWidth();
  Text(ui.T("kiosk.setup.language"));
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 half((width - gap - ui.u) / 2, ui.Target());
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
  ImGui::EndChild();
  if (changed) {
    draft.server = edit.setup_server;
    draft.token = edit.setup_token;
    draft.school_id = edit.setup_school;
    out.push_back(act::EditSetup{draft});
  }
  if (BigButton(ui.T("kiosk.setup.save"), "save", ImVec2(width, ui.Target() * 1.3f), color::kGood)) {
    out.push_back(act::SaveSetup{});
  }
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
