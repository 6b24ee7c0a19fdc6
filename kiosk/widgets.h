// Touch widgets shared by the screens: sizes are multiples of the font size (Ui::u), never pixels.
#pragma once

#include <imgui.h>

#include <map>
#include <string>
#include <vector>

#include "gui/qr_code.h"
#include "gui/test_targets.h"
#include "model/actions.h"
#include "model/state.h"

namespace schoolshare::kiosk {

using Actions = std::vector<Action>;

// Transient widget state that is not app data (habit 7): which tab is open, text being edited.
struct UiState {
  bool equipment_return_tab = false;
  bool keyboard_shift = false;
};

// What every screen draws with: the state (read-only), the language, the unit and the orientation.
struct Ui {
  const KioskState& st;
  UiState& ui;
  float u = 32;  // the regular font size in pixels; every size is a multiple of it
  bool portrait = false;
  ImFont* large = nullptr;
  std::string T(const char* key, const std::map<std::string, std::string>& params = {}) const;
  std::string Time(Instant t) const;         // "08:00" in the district's zone
  float Target() const { return u * 2.2f; }  // the height of a touch target (>= 64 px when u >= 29)
};

namespace color {
constexpr ImU32 kAccent = IM_COL32(0, 90, 180, 255);
constexpr ImU32 kGood = IM_COL32(0, 120, 60, 255);
constexpr ImU32 kBad = IM_COL32(190, 20, 20, 255);
constexpr ImU32 kWarn = IM_COL32(200, 120, 0, 255);
constexpr ImU32 kMuted = IM_COL32(70, 70, 70, 255);
constexpr ImU32 kPanel = IM_COL32(236, 240, 245, 255);
constexpr ImU32 kText = IM_COL32(10, 10, 10, 255);
constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);
}  // namespace color

void ApplyTheme(float u);  // high contrast: dark text on white, large rounded targets

// Test hook (gui/test_targets.h): every BigButton records its id and rectangle while a log is set.
using gui::SetTargetLog;
using gui::TargetLog;

// A filled button; `id` keeps labels that repeat apart. Returns true when tapped.
bool BigButton(const std::string& label, const std::string& id, ImVec2 size, ImU32 fill = color::kAccent,
               bool enabled = true);
// A button that looks pressed when `on`.
bool Toggle(const std::string& label, const std::string& id, bool on, ImVec2 size);
void Text(const std::string& text, ImU32 col = color::kText);
void LargeText(const Ui& ui, const std::string& text, ImU32 col = color::kText);
// The on-screen keypad for booking codes (the unambiguous alphabet) or, with digits_only, a PIN pad.
// Emits KeyChar, Backspace, ClearTyped and Submit.
void Keypad(const Ui& ui, bool digits_only, const std::string& submit_label, float width, Actions& out);
// − value +, the buttons disabled at the bounds; returns the step tapped (-1, +1) or 0.
int Stepper(const Ui& ui, const std::string& id, int value, int min, int max);
// A full keyboard for set-up text (URLs, tokens, ids): digits, QWERTY letters with a shift key (in
// `shift`, transient), and : / . _ -; emits KeyChar, Backspace and ClearTyped.
void Keyboard(const Ui& ui, float width, bool& shift, Actions& out);
// The typed text in large boxed letters (a placeholder when empty).
void TypedField(const Ui& ui, const std::string& typed, const std::string& placeholder, float width);
// The latest outcome (green, or red for an error); a tap dismisses it.
void MessageBanner(const Ui& ui, Actions& out);
using gui::QrCode;  // the QR code of a booking code
// Drag-to-scroll for the current child window (ImGui has none for touch).
void DragToScroll();
// The top bar: school, date and time, online/offline, outbox, last sync, the language button.
void StatusBar(const Ui& ui, Actions& out);
// The bottom "Home" button of every screen but Home.
void HomeButton(const Ui& ui, Actions& out);

}  // namespace schoolshare::kiosk
