// The window every schoolshare GUI draws in: GLFW + OpenGL 3.3 core + Dear ImGui 1.86, with the frame
// steps split so the caller can time its own UI code (NewFrame to Render) and capture the pixels of a
// frame before it is shown. One per process (ImGui's context is global).
#pragma once

#include <functional>
#include <string>

struct GLFWwindow;

namespace schoolshare::gui {

struct WindowOptions {
  std::string title;
  int width = 0;  // 0: the primary monitor's size
  int height = 0;
  bool portrait = false;  // with width 0: swap the monitor's sides when it is landscape
  bool decorated = true;
  bool vsync = true;
  bool touch = false;  // ImGui's touch-screen behaviour (no hover)
};

class GlWindow {
 public:
  GlWindow() = default;
  GlWindow(const GlWindow&) = delete;
  GlWindow& operator=(const GlWindow&) = delete;
  ~GlWindow() { Close(); }

  // Opens the window and ImGui's context and backends. False with a reason on stderr (no display, no
  // OpenGL 3.3). `on_input` runs on every pointer, button, key and character event.
  bool Open(const WindowOptions& options, std::function<void()> on_input = {});
  void Close();

  GLFWwindow* handle() const { return window_; }
  bool ShouldClose() const;
  int framebuffer_width() const { return fb_w_; }
  int framebuffer_height() const { return fb_h_; }
  // The content scale of the monitor (DPI): 1 on a 96-dpi screen.
  float content_scale() const;

  // The backends' part of a frame; the caller then runs ImGui::NewFrame() ... ImGui::Render().
  void BeginFrame();
  // Clears, draws ImGui's draw data and, when `png` is set, writes the frame (or the `region` of it:
  // x, y, w, h in ImGui's coordinates) to it before swapping. False when the PNG could not be written.
  bool Present(const std::string& png = "", const float* region = nullptr);

 private:
  GLFWwindow* window_ = nullptr;
  std::function<void()> on_input_;
  int fb_w_ = 0, fb_h_ = 0;
};

// CPU seconds of the whole process (with Mesa's llvmpipe threads), or of the calling thread only.
double ProcessCpuSeconds();
double ThreadCpuSeconds();

// Writes the rectangle (x, y from the top left, in framebuffer pixels) of the current back buffer to a
// PNG. Call between ImGui's draw and the swap.
bool WriteBackBufferPng(const std::string& path, int x, int y, int w, int h, int framebuffer_height);

}  // namespace schoolshare::gui
