// What the screens ask for. Drawing returns these; the app applies them after the frame (Update).
#pragma once

#include <string>
#include <variant>

#include "model/state.h"

namespace schoolshare::kiosk {

namespace act {
struct GoTo {
  Screen screen;
};
struct ToggleLang {};
struct Tick {
  Instant now;
};  // time passes (once a second); refreshes the data
struct KeyChar {
  char c;
};  // keypad or scanner character
struct Backspace {};
struct ClearTyped {};
struct Submit {};  // Enter: look up what was typed (code or PIN)
struct SetCheckOut {
  bool check_out;
};
struct ConfirmCheck {};
struct StartOverride {};  // a check-in refused for its window: ask for the administrator PIN
struct PickOverrideStaff {
  int index;  // into the school's staff (walkin.organizers / staff_ids)
};
struct PickItem {
  std::string resource_id;
};
struct StepQuantity {
  int delta;
};
struct HandOut {};
struct PickLoan {
  int index;
};
struct StepReturnQuantity {
  int delta;
};
struct SetCondition {
  std::string condition;
};
struct SetReturner {
  std::string name;
};
struct Return {};
struct PickVenue {
  std::string resource_id;
};
struct SetDuration {
  int minutes;
};
struct StepGroup {
  int delta;
};
struct PickOrganizer {
  int index;
};
struct PickClass {
  int index;
};
struct ConfirmWalkIn {};
struct EditSetup {
  KioskConfig draft;
};
struct SaveSetup {};
struct FocusSetupField {
  SetupField field;
};
struct DismissMessage {};
}  // namespace act

using Action = std::variant<act::GoTo, act::ToggleLang, act::Tick, act::KeyChar, act::Backspace, act::ClearTyped,
                            act::Submit, act::SetCheckOut, act::ConfirmCheck, act::StartOverride,
                            act::PickOverrideStaff, act::PickItem, act::StepQuantity, act::HandOut, act::PickLoan,
                            act::StepReturnQuantity, act::SetCondition, act::SetReturner, act::Return, act::PickVenue,
                            act::SetDuration, act::StepGroup, act::PickOrganizer, act::PickClass, act::ConfirmWalkIn,
                            act::EditSetup, act::SaveSetup, act::FocusSetupField, act::DismissMessage>;

}  // namespace schoolshare::kiosk
