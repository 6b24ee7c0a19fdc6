// One function per screen (one file each): draw from a const state, append the actions the user took.
#pragma once

#include "widgets.h"

namespace schoolshare::kiosk {

void DrawHome(const Ui& ui, Actions& out);
void DrawCheckIn(const Ui& ui, Actions& out);
void DrawEquipment(const Ui& ui, Actions& out);
void DrawWalkIn(const Ui& ui, Actions& out);
void DrawSetup(const Ui& ui, Actions& out);

// The registry: the screen's name and its drawing function, in Screen order.
struct ScreenEntry {
  Screen screen;
  void (*draw)(const Ui&, Actions&);
};
inline constexpr ScreenEntry kScreens[] = {
    {Screen::kHome, DrawHome},     {Screen::kCheckIn, DrawCheckIn}, {Screen::kEquipment, DrawEquipment},
    {Screen::kWalkIn, DrawWalkIn}, {Screen::kSetup, DrawSetup},
};

}  // namespace schoolshare::kiosk
