// Equipment: hand out (against a booking or as a walk-in) with +/- steppers bounded by stock, or return
// all or part of a loan with the condition and who returned it; overdue loans in red, today's returns below.
#include "screens/screens.h"

namespace schoolshare::kiosk {
namespace {

void HandOutTab(const Ui& ui, float width, float height, Actions& out) {
  const EquipmentState& eq = ui.st.equipment;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float left_w = ui.portrait ? width : width * 0.5f;
  ImGui::BeginChild("items", ImVec2(left_w, ui.portrait ? height * 0.5f : height), false);
  DragToScroll();
  const EquipmentItem* picked = nullptr;
  for (const EquipmentItem& item : eq.items) {
    const bool on = item.resource_id == eq.selected_item;
    if (on) picked = &item;
    const std::string label = item.name + "   " +
                              ui.T("kiosk.equipment.stock", {{"stock", std::to_string(item.stock)},
                                                             {"available", std::to_string(item.available())}});
    if (Toggle(label, item.resource_id, on, ImVec2(left_w - gap, ui.Target())))
      out.push_back(act::PickItem{item.resource_id});
  }
  // The stepper: - quantity +, bounded by what is available.
  Text(ui.T("kiosk.equipment.quantity"));
  if (const int d = Stepper(ui, "quantity", eq.quantity, 1, picked ? picked->available() : 0))
    out.push_back(act::StepQuantity{d});
  Text(eq.booking ? ui.T("kiosk.equipment.for_booking", {{"code", eq.booking->code}, {"title", eq.booking->title}})
                  : ui.T("kiosk.equipment.walk_in"),
       color::kMuted);
  ImGui::PushFont(ui.large);
  if (BigButton(ui.T("kiosk.equipment.hand_out"), "hand_out", ImVec2(left_w - gap, ui.Target() * 1.3f), color::kGood,
                picked != nullptr)) {
    out.push_back(act::HandOut{});
  }
  ImGui::PopFont();
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("link", ImVec2(0, ui.portrait ? height * 0.5f - gap : height), false);
  const float w = ImGui::GetContentRegionAvail().x;
  TypedField(ui, eq.typed, ui.T("kiosk.equipment.type_code"), w);
  Keypad(ui, false, ui.T("kiosk.checkin.lookup"), w, out);
  ImGui::EndChild();
}

void ReturnTab(const Ui& ui, float width, float height, Actions& out) {
  const KioskState& st = ui.st;
  const EquipmentState& eq = st.equipment;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float left_w = ui.portrait ? width : width * 0.55f;
  ImGui::BeginChild("loans", ImVec2(left_w, ui.portrait ? height * 0.45f : height), false);
  DragToScroll();
  Text(ui.T("kiosk.equipment.loans"), color::kMuted);
  if (eq.loans.empty()) Text(ui.T("kiosk.equipment.no_loans"), color::kMuted);
  for (int i = 0; i < static_cast<int>(eq.loans.size()); ++i) {
    const Loan& l = eq.loans[i];
    std::string label = ui.T("kiosk.equipment.loan", {{"name", l.item_name},
                                                      {"quantity", std::to_string(l.quantity)},
                                                      {"who", l.who},
                                                      {"since", ui.Time(l.since)},
                                                      {"due", ui.Time(l.due)}});
    if (l.overdue) label = ui.T("kiosk.equipment.overdue") + " · " + label;
    if (l.returned > 0) {  // part of it came back already
      label += "\n" + ui.T("kiosk.equipment.loan_returned",
                           {{"returned", std::to_string(l.returned)}, {"who", l.returned_by}});
    }
    const ImU32 fill =
        i == eq.selected_loan ? color::kAccent : (l.overdue ? IM_COL32(255, 225, 225, 255) : color::kPanel);
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0, 0.5f));
    const float h = ui.Target() * (l.returned > 0 ? 1.8f : 1.2f);
    if (BigButton(label, "loan" + std::to_string(i), ImVec2(left_w - gap, h), fill)) out.push_back(act::PickLoan{i});
    ImGui::PopStyleVar();
  }
  if (!eq.returns_today.empty()) {
    Text(ui.T("kiosk.equipment.returns_today"), color::kMuted);
    for (const ReturnLine& r : eq.returns_today) {
      Text(ui.T("kiosk.equipment.return_line", {{"time", ui.Time(r.at)},
                                                {"name", r.item_name},
                                                {"quantity", std::to_string(r.quantity)},
                                                {"condition", ui.T(("kiosk.equipment." + r.condition).c_str())},
                                                {"who", r.returned_by}}),
           r.condition == "fine" ? color::kText : color::kBad);
    }
  }
  ImGui::EndChild();
  if (!ui.portrait) ImGui::SameLine();
  ImGui::BeginChild("return", ImVec2(0, ui.portrait ? height * 0.55f - gap : height), false,
                    ImGuiWindowFlags_NoScrollbar);
  const float w = ImGui::GetContentRegionAvail().x;
  if (eq.selected_loan >= 0 && eq.selected_loan < static_cast<int>(eq.loans.size())) {
    const int outstanding = eq.loans[eq.selected_loan].quantity;
    Text(ui.T("kiosk.equipment.return_quantity", {{"outstanding", std::to_string(outstanding)}}));
    if (const int d = Stepper(ui, "return_quantity", eq.return_quantity, 1, outstanding))
      out.push_back(act::StepReturnQuantity{d});
  }
  Text(ui.T("kiosk.equipment.condition"));
  const ImVec2 third((w - 2 * gap) / 3, ui.Target());
  int n = 0;
  for (const char* c : {"fine", "damaged", "missing"}) {
    if (n++ > 0) ImGui::SameLine();
    if (Toggle(ui.T((std::string("kiosk.equipment.") + c).c_str()), c, eq.condition == c, third)) {
      out.push_back(act::SetCondition{c});
    }
  }
  Text(ui.T("kiosk.equipment.returned_by"));
  // The people scroll between the condition and the Return button, which stays in view.
  const float button_h = ui.Target() * 1.3f;
  ImGui::BeginChild("people", ImVec2(w, ImGui::GetContentRegionAvail().y - button_h - gap), false);
  DragToScroll();
  std::vector<std::string> people;
  if (eq.selected_loan >= 0 && eq.selected_loan < static_cast<int>(eq.loans.size())) {
    people.push_back(eq.loans[eq.selected_loan].who);
  }
  for (const auto& s : st.walkin.organizers) people.push_back(s);
  const ImVec2 half((ImGui::GetContentRegionAvail().x - gap) / 2, ui.Target());
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i % 2) ImGui::SameLine();
    if (Toggle(people[i], "who" + std::to_string(i), eq.returned_by == people[i], half))
      out.push_back(act::SetReturner{people[i]});
  }
  ImGui::EndChild();
  ImGui::PushFont(ui.large);
  if (BigButton(ui.T("kiosk.equipment.return"), "return", ImVec2(w, button_h), color::kGood, eq.selected_loan >= 0)) {
    out.push_back(act::Return{});
  }
  ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace

void DrawEquipment(const Ui& ui, Actions& out) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  LargeText(ui, ui.T("kiosk.equipment.title"));
  const ImVec2 half((width - gap) / 2, ui.Target());
  if (Toggle(ui.T("kiosk.equipment.hand_out"), "tab_out", !ui.ui.equipment_return_tab, half))
    ui.ui.equipment_return_tab = false;
  ImGui::SameLine();
  if (Toggle(ui.T("kiosk.equipment.return"), "tab_back", ui.ui.equipment_return_tab, half))
    ui.ui.equipment_return_tab = true;
  MessageBanner(ui, out);
  const float body_h = ImGui::GetContentRegionAvail().y - ui.Target() - ui.u;
  if (ui.ui.equipment_return_tab) {
    ReturnTab(ui, width, body_h, out);
  } else {
    HandOutTab(ui, width, body_h, out);
  }
  HomeButton(ui, out);
}

}  // namespace schoolshare::kiosk
