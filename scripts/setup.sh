#!/usr/bin/env bash
# Installs the Debian packages schoolshare needs, only those missing; safe to run again.
# Non-interactive; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format
  # core and CLI
  libsqlite3-dev sqlite3 libhowardhinnant-date-dev tzdata nlohmann-json3-dev libcli11-dev
  uuid-dev libsodium-dev
  # the sync service (HTTP, TLS, logs)
  libcpp-httplib-dev libssl-dev libspdlog-dev
  # the kiosk (SCHOOLSHARE_BUILD_GUI): Dear ImGui + GLFW + OpenGL3, QR codes, PNG, FreeType
  libimgui-dev libglfw3-dev libfreetype-dev libgl1-mesa-dev libqrencode-dev libstb-dev
  # kiosk screenshot and input tests: a virtual X server, software GL, the Chinese font, X input events
  xvfb xauth libgl1-mesa-dri fonts-noto-cjk xdotool
  # tests and benchmarks
  libgtest-dev libbenchmark-dev openssl curl  # openssl: the TLS test's certificate; curl: the demo
  clang-14 libfuzzer-14-dev  # fuzzing (fuzz/run.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
