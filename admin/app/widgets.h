// Small drawing helpers the admin views share: colours by status and school, the test hook that
// records where widgets are, and the theme.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

#include "gui/test_targets.h"
#include "schoolshare/model.h"

namespace schoolshare::admin {

namespace colour {
constexpr ImU32 kAccent = IM_COL32(0, 90, 180, 255);
constexpr ImU32 kGood = IM_COL32(0, 130, 70, 255);
constexpr ImU32 kBad = IM_COL32(190, 30, 30, 255);
constexpr ImU32 kWarn = IM_COL32(205, 125, 0, 255);
constexpr ImU32 kMuted = IM_COL32(110, 110, 110, 255);
constexpr ImU32 kGrid = IM_COL32(220, 224, 230, 255);
constexpr ImU32 kPanel = IM_COL32(244, 246, 249, 255);
constexpr ImU32 kText = IM_COL32(20, 20, 20, 255);
}  // namespace colour

// A school's colour: its position in the district picks one of twelve distinct hues.
ImU32 SchoolColour(int index);
// The fill of a booking bar by status (pending is hatched by the caller; cancelled and rejected grey).
ImU32 StatusColour(BookingStatus status);

void ApplyAdminTheme(float u);  // light, readable at a desk; sizes from the font size

// Test hook (gui/test_targets.h): Mark(id) records the last item's rectangle while a log is set.
using gui::SetTargetLog;
using gui::TargetLog;
inline void Mark(const std::string& id) { gui::MarkLastItem(id); }

// Coloured text helpers.
void TextColoured(ImU32 col, const std::string& text);
void HelpMarker(const std::string& text);  // "(?)" with a tooltip

}  // namespace schoolshare::admin
