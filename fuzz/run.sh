#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) in build-fuzz/ and runs them; fails on a crash.
#
#   fuzz/run.sh                     30 s in all, split between the targets (about the test command's budget)
#   fuzz/run.sh 600                 10 minutes in all
#   fuzz/run.sh 300 push_parse      one target only (push_parse or push_service)
#   JOBS=2 fuzz/run.sh 3600         two fuzzing processes per target (libFuzzer -fork), for long runs
#
# The corpus grows in build-fuzz/corpus/<target>/ (seeded from fuzz/corpus/push/, which stays as it is);
# a crash leaves its input in build-fuzz/artifacts/ and the script exits 1. Reproduce one with
#   build-fuzz/bin/push_parse_fuzzer build-fuzz/artifacts/crash-...
# Needs clang-14 and libfuzzer-14-dev (scripts/setup.sh installs them). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-30}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(push_parse push_service); fi
BUILD_DIR=${BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-1}

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (apt-get install clang-14 libfuzzer-14-dev)" >&2; exit 2; }
done
if ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: libFuzzer is missing (apt-get install libfuzzer-14-dev)" >&2
  exit 2
fi

CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSCHOOLSHARE_FUZZ=ON -DSCHOOLSHARE_BUILD_TESTS=OFF -DSCHOOLSHARE_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD_DIR" -j2 $(printf '%s_fuzzer ' "${TARGETS[@]}")

per_target=$(( SECONDS_TOTAL / ${#TARGETS[@]} ))
if [ "$per_target" -lt 5 ]; then per_target=5; fi
mkdir -p "$BUILD_DIR/artifacts"
status=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD_DIR/corpus/$t"
  mkdir -p "$corpus"
  echo "== $t: ${per_target} s (corpus $corpus, seeds fuzz/corpus/push)"
  fork=()
  if [ "$JOBS" -gt 1 ]; then fork=(-fork="$JOBS" -ignore_crashes=0); fi
  # -max_len: push bodies up to 64 KiB (the real limit is 8 MiB; longer inputs only slow the search).
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD_DIR/bin/${t}_fuzzer" "$corpus" fuzz/corpus/push \
      -dict=fuzz/push.dict -max_total_time="$per_target" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$BUILD_DIR/artifacts/${t}-" -print_final_stats=1 "${fork[@]}" 2>"$BUILD_DIR/$t.log"; then
    status=1
    echo "fuzz: $t FAILED; the input is in $BUILD_DIR/artifacts/, the report in $BUILD_DIR/$t.log:" >&2
    grep -E "ERROR|SUMMARY|contract broken|exception escaped|runtime error|Test unit written" "$BUILD_DIR/$t.log" | head -20 >&2
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added|cov:" "$BUILD_DIR/$t.log" | tail -3
  fi
done
if [ "$status" -eq 0 ]; then echo "fuzz: no crash"; fi
exit "$status"
