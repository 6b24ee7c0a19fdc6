#include "font_atlas.h"

#define GL_GLEXT_PROTOTYPES
#include <GL/gl.h>
#include <GL/glext.h>
#include <backends/imgui_impl_opengl3.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>

namespace schoolshare::gui {
namespace {

// The font file mapped read-only: stb_truetype touches only the tables and the outlines it needs, so
// a 19 MB collection costs a few hundred KB of memory instead of its size.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        ::madvise(p, static_cast<std::size_t>(st.st_size), MADV_RANDOM);  // no read-ahead around each outline
        data_ = p;
        size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  void* data() const { return data_; }
  int size() const { return static_cast<int>(size_); }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// The atlas no longer owns the font data it was lent at `lent` (it would IM_FREE it in Clear and
// ClearInputData); what it allocated itself (the default font) it still frees.
void DisownMappedFonts(ImFontAtlas& atlas, const void* lent) {
  for (ImFontConfig& c : atlas.ConfigData) {
    if (c.FontData == lent) c.FontDataOwnedByAtlas = false;
  }
}

}  // namespace

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

bool FontAtlas::Rebuild(bool /*upload*/) {
  ImGuiIO& io = ImGui::GetIO();
  if (!backend_ready_) {
    // The backend makes its shaders together with a texture of ImGui's small default font; that texture
    // goes at once: this atlas uploads its own.
    ImGui_ImplOpenGL3_CreateDeviceObjects();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    backend_ready_ = true;
  }
  io.Fonts->Clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());  // Basic Latin + Latin-1
  for (unsigned cp = 0; cp < 0x10000; ++cp) {
    if (needed_.test(cp)) builder.AddChar(static_cast<ImWchar>(cp));
  }
  builder.AddChar(0xFFFD);
  ranges_.clear();
  builder.BuildRanges(&ranges_);
  const MappedFile file(path_);  // mapped until the atlas is built below
  bool ok = file.data() != nullptr;
  if (ok) {
    ImFontConfig config;
    config.FontNo = kCjkFontFace;
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    // "Owned" only so that ImGui reads the mapping in place: a font it does not own it first copies
    // (19.5 MB for each size, the kiosk's start-up peak). DisownMappedFonts hands it back before any
    // Clear, so ImGui never frees the mapping.
    config.FontDataOwnedByAtlas = true;
    regular_ = io.Fonts->AddFontFromMemoryTTF(file.data(), file.size(), size_, &config, ranges_.Data);
    large_ = io.Fonts->AddFontFromMemoryTTF(file.data(), file.size(), size_ * large_factor_, &config, ranges_.Data);
    ok = regular_ != nullptr && large_ != nullptr;
  }
  if (!ok) {
    DisownMappedFonts(*io.Fonts, file.data());
    io.Fonts->Clear();
    ImFontConfig config;
    config.SizePixels = size_;
    regular_ = io.Fonts->AddFontDefault(&config);
    config.SizePixels = size_ * large_factor_;
    large_ = io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
  // One channel (coverage) swizzled to white with that alpha, which is what ImGui's shader expects.
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
  GLint last = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
  if (texture_ == 0) glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  const GLint swizzle[] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
  glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_)));
  DisownMappedFonts(*io.Fonts, file.data());
  io.Fonts->ClearInputData();  // the glyph sources point into the mapping, which goes now
  io.Fonts->ClearTexData();    // the CPU copy of the texture
  built_count_ = needed_count_;
  built_size_ = size_;
  return ok;
}

}  // namespace schoolshare::gui
