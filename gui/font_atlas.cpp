#include "font_atlas.h"

#include <backends/imgui_impl_opengl3.h>

#include <fstream>
#include <iterator>
#include <vector>

namespace schoolshare::gui {

void FontAtlas::Need(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    unsigned cp = 0;
    int extra = 0;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      extra = 2;
    } else {
      cp = 0xFFFD;  // outside the BMP (or broken): ImGui draws its fallback glyph
      extra = (c & 0xF8) == 0xF0 ? 3 : 0;
    }
    ++i;
    for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
      if (cp != 0xFFFD) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    if (cp < 0x20 || cp >= 0x10000) continue;
    if (!needed_.test(cp)) {
      needed_.set(cp);
      ++needed_count_;
    }
  }
}

bool FontAtlas::Rebuild(bool upload) {
  ImGuiIO& io = ImGui::GetIO();
  if (upload) ImGui_ImplOpenGL3_DestroyFontsTexture();
  io.Fonts->Clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());  // Basic Latin + Latin-1
  for (unsigned cp = 0; cp < 0x10000; ++cp) {
    if (needed_.test(cp)) builder.AddChar(static_cast<ImWchar>(cp));
  }
  builder.AddChar(0xFFFD);
  ranges_.clear();
  builder.BuildRanges(&ranges_);
  // Read once for both sizes; the buffer lives until the atlas is built and uploaded below.
  std::vector<char> file;
  if (std::ifstream in(path_, std::ios::binary); in) file.assign(std::istreambuf_iterator<char>(in), {});
  bool ok = !file.empty();
  if (ok) {
    ImFontConfig config;
    config.FontNo = kCjkFontFace;
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    config.FontDataOwnedByAtlas = false;
    const int bytes = static_cast<int>(file.size());
    regular_ = io.Fonts->AddFontFromMemoryTTF(file.data(), bytes, size_, &config, ranges_.Data);
    large_ = io.Fonts->AddFontFromMemoryTTF(file.data(), bytes, size_ * large_factor_, &config, ranges_.Data);
    ok = regular_ != nullptr && large_ != nullptr;
  }
  if (!ok) {
    io.Fonts->Clear();
    ImFontConfig config;
    config.SizePixels = size_;
    regular_ = io.Fonts->AddFontDefault(&config);
    config.SizePixels = size_ * large_factor_;
    large_ = io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
  if (upload) {
    ImGui_ImplOpenGL3_CreateFontsTexture();
  } else {
    ImGui_ImplOpenGL3_CreateDeviceObjects();  // uploads the atlas now, so its CPU copy can go
  }
  io.Fonts->ClearInputData();
  io.Fonts->ClearTexData();  // the CPU copy of the texture
  built_count_ = needed_count_;
  built_size_ = size_;
  return ok;
}

}  // namespace schoolshare::gui
