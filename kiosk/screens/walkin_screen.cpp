// Walk-in: venues free now that the rules allow (the refused ones say why), duration, group size,
// organizer and class from the synced lists, confirm. No typing needed.
#include <cstdio>

#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

// A grid of toggles, `columns` wide; returns the tapped index or -1.
int Choices(const std::vector<std::string>& names, int selected, const std::string& id, float width, int columns) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 size((width - gap * (columns - 1)) / columns, ImGui::GetFontSize() * 2.2f);
  int tapped = -1;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    if (i % columns) ImGui::SameLine();
    if (Toggle(names[i], id + std::to_string(i), i == selected, size)) tapped = i;
  }
  return tapped;
}

}  // namespace

void DrawWalkIn(const Ui& ui, Actions& out) {
  const KioskState& st = ui.st;
  const WalkInState& w = st.walkin;
  const float width = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  LargeText(ui, ui.T("kiosk.walkin.title"));
  MessageBanner(ui, out);
  const float body_h = ImGui::GetContentRegionAvail().y - ui.Target() * 2.4f - ui.u;
  const float left_w = ui.portrait ? width : width * 0.45f;
  ImGui::BeginChild("venues", ImVec2(left_w, ui.portrait ? body_h * 0.4f : body_h), false);
  DragToScroll();
  Text(ui.T("kiosk.walkin.venues"), color::kMuted);
  if (w.venues.empty()) Text(ui.T("kiosk.walkin.no_venue"), color::kMuted);
  for (const WalkInVenue& v : w.venues) {
    const std::string label = v.name + (v.capacity ? "  (" + std::to_string(v.capacity) + ")" : "");
    if (v.allowed) {
      if (Toggle(label, v.resource_id, v.resource_id == w.selected_venue, ImVec2(left_w - gap, ui.Target()))) {
        out.push_back(act::PickVenue{v.resource_id});
      }
    } else {
      BigButton(label, v.resource_id, ImVec2(left_w - gap, ui.Target()), color::kPanel, false);
      if (v.why_not) Text(DescribeViolation(st.lang, *v.why_not), color::kBad);
    }
  }
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("details", ImVec2(0, ui.portrait ? body_h * 0.6f - gap : body_h), false);
  DragToScroll();
  const float rw = ImGui::GetContentRegionAvail().x;
  Text(ui.T("kiosk.walkin.duration"));
  const int durations[] = {30, 45, 60, 90, 120};
  std::vector<std::string> names;
  int selected = -1;
  for (int i = 0; i < 5; ++i) {
    names.push_back(ui.T("kiosk.walkin.minutes", {{"n", std::to_string(durations[i])}}));
    if (durations[i] == w.duration_minutes) selected = i;
  }
  if (int i = Choices(names, selected, "dur", rw, 5); i >= 0) out.push_back(act::SetDuration{durations[i]});
  Text(ui.T("kiosk.walkin.group_size"));
  const float step_w = (rw - 4 * gap) / 5;
  const int steps[] = {-10, -1, 0, 1, 10};
  for (int i = 0; i < 5; ++i) {
    if (i) ImGui::SameLine();
    char label[16];
    if (steps[i] == 0) {
      std::snprintf(label, sizeof label, "%d", w.group_size);
      BigButton(label, "group", ImVec2(step_w, ui.Target()), color::kWhite, true);
    } else {
      std::snprintf(label, sizeof label, "%+d", steps[i]);
      if (BigButton(label, label, ImVec2(step_w, ui.Target()), color::kPanel)) out.push_back(act::StepGroup{steps[i]});
    }
  }
  Text(ui.T("kiosk.walkin.organizer"));
  if (w.organizers.empty()) Text(ui.T("kiosk.walkin.no_staff"), color::kMuted);
  if (int i = Choices(w.organizers, w.organizer, "org", rw, ui.portrait ? 3 : 3); i >= 0)
    out.push_back(act::PickOrganizer{i});
  if (!w.classes.empty()) {
    Text(ui.T("kiosk.walkin.class"));
    if (int i = Choices(w.classes, w.klass, "class", rw, 4); i >= 0) out.push_back(act::PickClass{i});
  }
  ImGui::EndChild();
  ImGui::PushFont(ui.large);
  if (BigButton(ui.T("kiosk.confirm"), "confirm", ImVec2(width, ui.Target() * 1.3f), color::kGood,
                !w.selected_venue.empty() && w.organizer >= 0)) {
    out.push_back(act::ConfirmWalkIn{});
  }
  ImGui::PopFont();
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
