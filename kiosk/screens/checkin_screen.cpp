// Check in / out: type the booking code on the keypad (or scan it), see the booking, confirm. A check-in
// outside its window can be allowed by a staff member: administrator PIN, then who allows it.
#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

void BookingDetails(const Ui& ui, const BookingLine& b) {
  LargeText(ui, b.title, color::kAccent);
  Text(ui.T("kiosk.checkin.booking", {{"title", b.code}, {"school", b.school_name}, {"organizer", b.organizer}}));
  Text(ui.T("kiosk.checkin.when", {{"venue", b.venue_name}, {"start", ui.Time(b.start)}, {"end", ui.Time(b.end)}}));
}

void CancelButton(const Ui& ui, const Action& action, Actions& out) {
  if (BigButton(ui.T("kiosk.cancel"), "cancel", ImVec2(ImGui::GetContentRegionAvail().x, ui.Target()), color::kPanel))
    out.push_back(action);
}

// A booking refused for its window: why, and the way to a staff override.
void OutsidePanel(const Ui& ui, Actions& out) {
  const CheckInState& ci = ui.st.checkin;
  BookingDetails(ui, *ci.outside);
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushTextWrapPos(0);
  Text(ui.T("kiosk.checkin.override_hint"), color::kMuted);
  ImGui::PopTextWrapPos();
  if (ci.override_step == OverrideStep::kNone) {
    ImGui::PushFont(ui.large);
    if (BigButton(ui.T("kiosk.checkin.override"), "override", ImVec2(w, ui.Target() * 1.3f), color::kWarn))
      out.push_back(act::StartOverride{});
    ImGui::PopFont();
  }
  CancelButton(ui, act::SetCheckOut{false}, out);
}

void BookingPanel(const Ui& ui, Actions& out) {
  const CheckInState& ci = ui.st.checkin;
  if (!ci.booking) {
    if (ci.outside) {
      OutsidePanel(ui, out);
    } else {
      Text(ui.T("kiosk.checkin.prompt"), color::kMuted);
    }
    return;
  }
  const BookingLine& b = *ci.booking;
  BookingDetails(ui, b);
  if (!ci.override_by.empty()) Text(ui.T("kiosk.checkin.override_ready", {{"name", ci.override_name}}), color::kWarn);
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushFont(ui.large);
  if (BigButton(ui.T(ci.check_out ? "kiosk.checkin.confirm_out" : "kiosk.checkin.confirm_in"), "confirm",
                ImVec2(w, ui.Target() * 1.4f), color::kGood)) {
    out.push_back(act::ConfirmCheck{});
  }
  ImGui::PopFont();
  CancelButton(ui, act::ClearTyped{}, out);
  Text(ui.T("kiosk.checkin.qr"), color::kMuted);
  QrCode(b.code, std::min(w, ui.u * 7));
}

// The left side: the code keypad, or during an override the PIN pad and then the school's staff.
void InputPanel(const Ui& ui, float width, Actions& out) {
  const CheckInState& ci = ui.st.checkin;
  if (ci.override_step == OverrideStep::kPin) {
    Text(ui.T("kiosk.setup.pin"));
    const float pad_w = std::min(width, ui.u * 14);
    TypedField(ui, std::string(ci.pin_typed.size(), '*'), "", pad_w);
    Keypad(ui, true, ui.T("kiosk.ok"), pad_w, out);
    return;
  }
  if (ci.override_step == OverrideStep::kPickStaff) {
    DragToScroll();
    Text(ui.T("kiosk.checkin.override_pick"));
    const auto& staff = ui.st.walkin.organizers;
    for (int i = 0; i < static_cast<int>(staff.size()); ++i) {
      if (BigButton(staff[i], "staff" + std::to_string(i), ImVec2(width, ui.Target()), color::kPanel))
        out.push_back(act::PickOverrideStaff{i});
    }
    return;
  }
  TypedField(ui, ci.typed, ui.T("kiosk.checkin.prompt"), width);
  Keypad(ui, false, ui.T("kiosk.checkin.lookup"), width, out);
}

}  // namespace

void DrawCheckIn(const Ui& ui, Actions& out) {
  const CheckInState& ci = ui.st.checkin;
  const float width = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  LargeText(ui, ui.T("kiosk.checkin.title"));
  const ImVec2 half((width - gap) / 2, ui.Target());
  if (Toggle(ui.T("kiosk.checkin.mode_in"), "mode_in", !ci.check_out, half)) out.push_back(act::SetCheckOut{false});
  ImGui::SameLine();
  if (Toggle(ui.T("kiosk.checkin.mode_out"), "mode_out", ci.check_out, half)) out.push_back(act::SetCheckOut{true});
  MessageBanner(ui, out);
  const float left_w = ui.portrait ? width : width * 0.56f;
  const float body_h = ImGui::GetContentRegionAvail().y - ui.Target() - ui.u;
  ImGui::BeginChild("keypad", ImVec2(left_w, ui.portrait ? body_h * 0.55f : body_h), false);
  InputPanel(ui, left_w - gap, out);
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("booking", ImVec2(0, ui.portrait ? body_h * 0.45f - gap : body_h), false);
  DragToScroll();
  BookingPanel(ui, out);
  ImGui::EndChild();
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
