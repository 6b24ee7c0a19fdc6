// Home: what is on now and next at each shared venue, and the three large actions.
#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

ImU32 UsageColor(UsageState s) {
  switch (s) {
    case UsageState::kCheckedIn:
      return color::kGood;
    case UsageState::kWaiting:
      return color::kWarn;
    case UsageState::kNoShow:
      return color::kBad;
    default:
      return color::kMuted;
  }
}

std::string UsageText(const Ui& ui, UsageState s) { return ui.T((std::string("kiosk.usage.") + ToString(s)).c_str()); }

// "10:00–11:00 乙校足球训练 · 乙校 · 李娜" and its usage, or "Free".
void Slot(const Ui& ui, const char* label_key, const std::optional<BookingLine>& b) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
  ImGui::TextUnformatted(ui.T(label_key).c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (!b) {
    Text(ui.T("kiosk.home.nothing"), color::kGood);
    return;
  }
  Text(ui.T("kiosk.time_range", {{"start", ui.Time(b->start)}, {"end", ui.Time(b->end)}}) + "  " + b->title + " · " +
       b->school_name + " · " + b->organizer);
  ImGui::Indent(ui.u * 2.5f);
  Text("● " + UsageText(ui, b->usage), UsageColor(b->usage));
  ImGui::Unindent(ui.u * 2.5f);
}

}  // namespace

void DrawHome(const Ui& ui, Actions& out) {
  const KioskState& st = ui.st;
  const float width = ImGui::GetContentRegionAvail().x;
  const float actions_h = ui.portrait ? 3 * (ui.Target() * 1.3f + ui.u * 0.4f) : ui.Target() * 1.6f;
  const float list_h = ImGui::GetContentRegionAvail().y - actions_h - ui.Target() - ui.u;
  MessageBanner(ui, out);
  ImGui::BeginChild("venues", ImVec2(width, list_h), false);
  DragToScroll();
  if (st.venues.empty()) Text(ui.T("kiosk.home.no_venues"), color::kMuted);
  for (const VenueRow& v : st.venues) {
    ImGui::PushFont(ui.large);
    Text(v.name, color::kAccent);
    ImGui::PopFont();
    Slot(ui, "kiosk.home.now", v.now);  // a no-show shows as released, its slot free for walk-ins
    Slot(ui, "kiosk.home.next", v.next);
    ImGui::Separator();
  }
  ImGui::EndChild();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 size =
      ui.portrait ? ImVec2(width, ui.Target() * 1.3f) : ImVec2((width - 2 * gap) / 3, ui.Target() * 1.5f);
  struct Entry {
    const char* key;
    Screen screen;
    ImU32 fill;
  };
  const Entry entries[] = {{"kiosk.home.checkin", Screen::kCheckIn, color::kAccent},
                           {"kiosk.home.equipment", Screen::kEquipment, color::kGood},
                           {"kiosk.home.walkin", Screen::kWalkIn, color::kWarn}};
  ImGui::PushFont(ui.large);
  for (int i = 0; i < 3; ++i) {
    if (i > 0 && !ui.portrait) ImGui::SameLine();
    if (BigButton(ui.T(entries[i].key), entries[i].key, size, entries[i].fill))
      out.push_back(act::GoTo{entries[i].screen});
  }
  ImGui::PopFont();
  const std::string setup = ui.T("kiosk.home.setup");
  const float setup_w = ImGui::CalcTextSize(setup.c_str()).x + ui.u * 2;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + width - setup_w);
  if (BigButton(setup, "setup", ImVec2(setup_w, ui.Target()), color::kPanel)) out.push_back(act::GoTo{Screen::kSetup});
}

}  // namespace schoolshare::kiosk
