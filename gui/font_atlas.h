// The glyph atlas behind every string a window draws (Dear ImGui 1.86 has no dynamic atlas); shared by
// the kiosk and the admin client.
//
// Chinese text comes from Noto Sans CJK SC (the TTC's face 2). Only the characters the UI strings and the
// synced data use are rasterised, so start-up stays fast and the atlas small; when new text arrives (a new
// school or organizer name) the atlas is rebuilt between frames. This adapter is the only code that
// knows how ImGui fonts are built, so a later ImGui with dynamic fonts is a small change.
#pragma once

#include <imgui.h>

#include <bitset>
#include <string>
#include <string_view>

namespace schoolshare::gui {

constexpr const char kCjkFontPath[] = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr int kCjkFontFace = 2;  // Simplified Chinese glyph forms

class FontAtlas {
 public:
  explicit FontAtlas(std::string path = kCjkFontPath) : path_(std::move(path)) {}

  // Marks the characters of `utf8` as needed.
  void Need(std::string_view utf8);
  bool dirty() const { return needed_count_ != built_count_ || size_ != built_size_; }
  // The regular font's pixel size, and the large font's as a multiple of it.
  void SetSize(float regular_px, float large_factor = 1.6f) {
    size_ = regular_px;
    large_factor_ = large_factor;
  }

  // Builds the atlas (regular and large fonts) for everything needed so far and uploads it as a
  // one-channel texture (a quarter of ImGui's RGBA upload; the font file is mapped, not read, so only the
  // outlines used are ever in memory). Needs the GL context current and ImGui's OpenGL3 backend
  // initialised; `upload` is kept for callers and means nothing now. False when the font file is missing:
  // ImGui's own font is used (Latin only) and the caller shows that.
  bool Rebuild(bool upload);

  ImFont* regular() const { return regular_; }
  ImFont* large() const { return large_; }
  int glyphs() const { return static_cast<int>(built_count_); }

 private:
  std::string path_;
  std::bitset<0x10000> needed_;  // ImWchar is 16-bit: only the BMP can be drawn
  std::size_t needed_count_ = 0;
  std::size_t built_count_ = static_cast<std::size_t>(-1);
  float size_ = 32;
  float large_factor_ = 1.6f;
  float built_size_ = 0;
  ImVector<ImWchar> ranges_;  // must outlive the build
  ImFont* regular_ = nullptr;
  ImFont* large_ = nullptr;
  unsigned texture_ = 0;  // the GL texture; freed with the context
  bool backend_ready_ = false;
};

}  // namespace schoolshare::gui
