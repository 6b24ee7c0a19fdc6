#!/usr/bin/env bash
# Builds the benchmarks in Release (own build dir, -j2) and runs them on the generated city data, then
# prints the summary: validated/bare write ratios and the latency targets, all from this one run.
#
#   bench/run.sh                                  everything, 3 repetitions (a few minutes once the data exists)
#   bench/run.sh --benchmark_filter='write/.*'    any Google Benchmark flag is passed on
#   REPS=5 MIN_TIME=2 bench/run.sh                more repetitions, longer runs
#   SCHOOLSHARE_BENCH_SCALE=small bench/run.sh    a 100,000-booking city, to try things quickly
#
# The first run generates build-bench/bench-data/city.db (2,000 schools, 40,000 resources, 1,000,000
# bookings; ~10 minutes on 2 vCPUs) and the files derived from it; later runs reuse them while their
# counts match. Every run writes into fresh copies, so runs are comparable.
#
# The sync service's HTTP load test (issue 3) has a script of its own: bench/run-sync.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench}
REPS=${REPS:-3}
MIN_TIME=${MIN_TIME:-1}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSCHOOLSHARE_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD_DIR" -j2 schoolshare_bench

echo "== data (generated once, then reused)"
"$BUILD_DIR/bin/schoolshare_bench" --prepare

echo "== benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPU, $(. /etc/os-release && echo "$PRETTY_NAME")," \
  "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
"$BUILD_DIR/bin/schoolshare_bench" \
  --benchmark_repetitions="$REPS" \
  --benchmark_min_time="$MIN_TIME" \
  --benchmark_display_aggregates_only=true \
  --benchmark_out="$BUILD_DIR/bench-results.json" \
  --benchmark_out_format=json \
  "$@"
echo "(full results: $BUILD_DIR/bench-results.json)"
