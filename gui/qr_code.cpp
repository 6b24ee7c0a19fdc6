#include "qr_code.h"

#include <imgui.h>
#include <qrencode.h>

namespace schoolshare::gui {

void QrCode(const std::string& text, float size) {
  QRcode* qr = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!qr) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int quiet = 2;
  const float m = size / static_cast<float>(qr->width + 2 * quiet);
  dl->AddRectFilled(p, ImVec2(p.x + size, p.y + size), IM_COL32(255, 255, 255, 255));
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) == 0) continue;
      const ImVec2 a(p.x + (x + quiet) * m, p.y + (y + quiet) * m);
      dl->AddRectFilled(a, ImVec2(a.x + m, a.y + m), IM_COL32(0, 0, 0, 255));
    }
  }
  QRcode_free(qr);
  ImGui::Dummy(ImVec2(size, size));
}

}  // namespace schoolshare::gui
