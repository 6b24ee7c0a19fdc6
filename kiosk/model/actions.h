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
struct DismissMessage {};
}  // namespace act

using Action = std::variant<act::GoTo, act::ToggleLang, act::Tick, act::KeyChar, act::Backspace, act::ClearTyped,
                            act::Submit, act::SetCheckOut, act::ConfirmCheck, act::PickItem, act::StepQuantity,
                            act::HandOut, act::PickLoan, act::SetCondition, act::SetReturner, act::Return,
                            act::PickVenue, act::SetDuration, act::StepGroup, act::PickOrganizer, act::PickClass,
                            act::ConfirmWalkIn, act::EditSetup, act::SaveSetup, act::DismissMessage>;

}  // namespace schoolshare::kiosk
