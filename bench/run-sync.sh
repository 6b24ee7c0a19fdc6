#!/usr/bin/env bash
# Builds the sync service's HTTP load driver in Release (own build dir, -j2) and runs it: a bare
# cpp-httplib baseline, a composed baseline (HTTP + one raw SQLite overlap-check-and-insert, WAL,
# synchronous=FULL), then the real server in-process: POST /v1/bookings, pushes of 100 mutations, and
# a pull catch-up of 100,000 changes, all on 127.0.0.1 in one run, with the ratios and the targets of
# issue 3 at the end. See docs/performance.md, "Sync service (issue 3)".
#
#   bench/run-sync.sh                          everything: 50 clients, 8 s per load phase (about 1.5 minutes)
#   bench/run-sync.sh --clients 20 --seconds 15
#   bench/run-sync.sh --phases create,push     bare,composed,create,push (push-facts,push-creates),pull
#   bench/run-sync.sh --server-log off         the real server without its per-request log line
#   bench/run-sync.sh --pipelined-commit off   the real server's writer syncs each group itself (FULL)
#
# The first run generates build-loadbench/loadbench-data/seed.db (GenerateCity: 200 schools, 4,000
# resources, 92,780 bookings, plus the benchmark's rooms and tokens: 100,000 change-log entries; about
# 20 s) and reuses it afterwards; every run works on fresh copies. Results also go to
# build-loadbench/sync-load.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-loadbench}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSCHOOLSHARE_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD_DIR" -j2 schoolshare_sync_load

echo "== sync load: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPU, $(. /etc/os-release && echo "$PRETTY_NAME")," \
  "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
"$BUILD_DIR/bin/schoolshare_sync_load" --json "$BUILD_DIR/sync-load.json" "$@"
echo "(results: $BUILD_DIR/sync-load.json; the real server's request log: $BUILD_DIR/loadbench-data/server.log)"
