#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds and runs every test: once in a normal build with
# warnings as errors, once more under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
scripts/setup.sh

echo "== format check (clang-format) =="
scripts/check-format.sh

echo "== build (RelWithDebInfo, -Werror) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHOOLSHARE_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

echo "== tests =="
(cd build && ctest --output-on-failure -j "$jobs")

echo "== build (ASan + UBSan) =="
# No window under the sanitizers (Mesa's llvmpipe is not built for them); the kiosk's model is.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCHOOLSHARE_SANITIZE=ON -DSCHOOLSHARE_BUILD_BENCH=OFF \
  -DSCHOOLSHARE_BUILD_GUI=OFF -DSCHOOLSHARE_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"

echo "== tests under sanitizers (core, CLI, sync, the admin and kiosk models) =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs" -L 'core|cli|sync|admin|kiosk')

echo "== fuzz: the push-body parser and validator, briefly (docs/fuzzing.md for long runs) =="
fuzz/run.sh 20 push_parse
