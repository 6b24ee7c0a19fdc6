// A QR code (libqrencode) drawn with ImGui's draw list as black squares on white, with a quiet zone.
#pragma once

#include <string>

namespace schoolshare::gui {

// Draws the QR code of `text` at the cursor, `size` pixels square, and advances the cursor. Draws
// nothing when the text cannot be encoded.
void QrCode(const std::string& text, float size);

}  // namespace schoolshare::gui
