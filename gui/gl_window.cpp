#include "gl_window.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace schoolshare::gui {
namespace {

double Seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

GlWindow* Self(GLFWwindow* w) { return static_cast<GlWindow*>(glfwGetWindowUserPointer(w)); }

}  // namespace

double ProcessCpuSeconds() { return Seconds(CLOCK_PROCESS_CPUTIME_ID); }
double ThreadCpuSeconds() { return Seconds(CLOCK_THREAD_CPUTIME_ID); }

bool GlWindow::Open(const WindowOptions& o, std::function<void()> on_input) {
  const std::string& name = o.title;
  if (!glfwInit()) {
    std::fprintf(stderr, "%s: no display (set DISPLAY, or run under xvfb-run)\n", name.c_str());
    return false;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_DECORATED, o.decorated ? GLFW_TRUE : GLFW_FALSE);
  int w = o.width, h = o.height;
  if (w <= 0 || h <= 0) {
    const GLFWvidmode* mode = glfwGetVideoMode(glfwGetPrimaryMonitor());
    w = mode ? mode->width : 1920;
    h = mode ? mode->height : 1080;
    if (o.portrait && w > h) std::swap(w, h);
  }
  window_ = glfwCreateWindow(w, h, name.c_str(), nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "%s: cannot open an OpenGL 3.3 window\n", name.c_str());
    glfwTerminate();
    return false;
  }
  if (!o.decorated) glfwSetWindowPos(window_, 0, 0);
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(o.vsync ? 1 : 0);
  on_input_ = std::move(on_input);
  glfwSetWindowUserPointer(window_, this);
  // Installed before ImGui's backend, which chains to them.
  glfwSetCursorPosCallback(window_, [](GLFWwindow* win, double, double) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* win, int, int, int) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  glfwSetScrollCallback(window_, [](GLFWwindow* win, double, double) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  glfwSetKeyCallback(window_, [](GLFWwindow* win, int, int, int, int) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  glfwSetCharCallback(window_, [](GLFWwindow* win, unsigned) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  glfwSetWindowSizeCallback(window_, [](GLFWwindow* win, int, int) {
    if (Self(win)->on_input_) Self(win)->on_input_();
  });
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  if (o.touch) io.ConfigFlags |= ImGuiConfigFlags_IsTouchScreen;
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  glfwGetFramebufferSize(window_, &fb_w_, &fb_h_);
  return true;
}

void GlWindow::Close() {
  if (!window_) return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  window_ = nullptr;
  glfwTerminate();
}

bool GlWindow::ShouldClose() const { return window_ == nullptr || glfwWindowShouldClose(window_); }

float GlWindow::content_scale() const {
  float x = 1, y = 1;
  if (GLFWmonitor* m = glfwGetPrimaryMonitor()) glfwGetMonitorContentScale(m, &x, &y);
  return std::max(1.0f, x);
}

void GlWindow::BeginFrame() {
  glfwGetFramebufferSize(window_, &fb_w_, &fb_h_);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
}

bool GlWindow::Present(const std::string& png, const float* region) {
  glViewport(0, 0, fb_w_, fb_h_);
  glClearColor(1, 1, 1, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  bool ok = true;
  if (!png.empty() && region) {
    // ImGui's coordinates are window points; the framebuffer may be larger (HiDPI).
    const ImVec2 k = ImGui::GetIO().DisplayFramebufferScale;
    ok = WriteBackBufferPng(png, static_cast<int>(region[0] * k.x), static_cast<int>(region[1] * k.y),
                            static_cast<int>(region[2] * k.x), static_cast<int>(region[3] * k.y), fb_h_);
  } else if (!png.empty()) {
    ok = WriteBackBufferPng(png, 0, 0, fb_w_, fb_h_, fb_h_);
  }
  glfwSwapBuffers(window_);
  return ok;
}

bool WriteBackBufferPng(const std::string& path, int x, int y, int w, int h, int framebuffer_height) {
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(x, framebuffer_height - y - h, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), w, h, 3, pixels.data(), w * 3) != 0;
}

}  // namespace schoolshare::gui
