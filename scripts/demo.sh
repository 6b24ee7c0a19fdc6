#!/usr/bin/env bash
# Sets up, builds and runs the demo: seeds the demo district (Jiulongpo education groups) into a fresh
# database dated around today, and takes a short tour from the command line.
# Language: SCHOOLSHARE_LANG (zh-CN or en), else LANG; Chinese when neither says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs" --target schoolshare

out=demo-out
mkdir -p "$out"
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
build/bin/schoolshare init --db "$db" --demo
build/bin/schoolshare tour --db "$db"
echo
echo "demo database: $db  (try: build/bin/schoolshare booking list --db $db --status pending)"
