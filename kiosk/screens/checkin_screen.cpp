// Check in / out: type the booking code on the keypad (or scan it), see the booking, confirm.
#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

void BookingPanel(const Ui& ui, Actions& out) {
  const CheckInState& ci = ui.st.checkin;
  if (!ci.booking) {
    Text(ui.T("kiosk.checkin.prompt"), color::kMuted);
    return;
  }
  const BookingLine& b = *ci.booking;
  LargeText(ui, b.title, color::kAccent);
  Text(ui.T("kiosk.checkin.booking", {{"title", b.code}, {"school", b.school_name}, {"organizer", b.organizer}}));
  Text(ui.T("kiosk.checkin.when", {{"venue", b.venue_name}, {"start", ui.Time(b.start)}, {"end", ui.Time(b.end)}}));
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushFont(ui.large);
  if (BigButton(ui.T(ci.check_out ? "kiosk.checkin.confirm_out" : "kiosk.checkin.confirm_in"), "confirm",
                ImVec2(w, ui.Target() * 1.4f), color::kGood)) {
    out.push_back(act::ConfirmCheck{});
  }
  ImGui::PopFont();
  if (BigButton(ui.T("kiosk.cancel"), "cancel", ImVec2(w, ui.Target()), color::kPanel))
    out.push_back(act::ClearTyped{});
  Text(ui.T("kiosk.checkin.qr"), color::kMuted);
  QrCode(b.code, std::min(w, ui.u * 7));
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
  TypedField(ui, ci.typed, ui.T("kiosk.checkin.prompt"), left_w - gap);
  Keypad(ui, false, ui.T("kiosk.checkin.lookup"), left_w - gap, out);
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("booking", ImVec2(0, ui.portrait ? body_h * 0.45f - gap : body_h), false);
  DragToScroll();
  BookingPanel(ui, out);
  ImGui::EndChild();
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
