#!/usr/bin/env bash
# Sets up, builds and runs the demo: seeds the demo district (Jiulongpo education groups) into a fresh
# database dated around today, takes a short tour from the command line, then starts the sync service
# on 127.0.0.1, asks it what a kiosk at the school gate would see over HTTP, and shows the kiosk and the
# admin client on it (their windows with a display; PNGs of every screen in both languages without one).
# Language: SCHOOLSHARE_LANG (zh-CN or en), else LANG; Chinese when neither says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs" --target schoolshare schoolshare-sync schoolshare-kiosk schoolshare-admin

out=demo-out
mkdir -p "$out"
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
build/bin/schoolshare init --db "$db" --demo
build/bin/schoolshare tour --db "$db"

echo
echo "== schoolshare-sync =="
kiosk_token=$(build/bin/schoolshare token create --db "$db" --role kiosk --school xjw --label "谢家湾小学 南门一体机" 2>/dev/null)
manager_token=$(build/bin/schoolshare token create --db "$db" --role school_manager --school xjw --label "谢家湾小学 场馆管理员" 2>/dev/null)
build/bin/schoolshare-sync --db "$db" --host 127.0.0.1 --port 0 >"$out/sync.out" 2>"$out/sync.log" &
sync_pid=$!
trap 'kill "$sync_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$out/sync.out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$out/sync.out")
echo "listening on $address (log: $out/sync.log)"
echo "\$ curl http://$address/v1/health"
curl -s "http://$address/v1/health"; echo
today=$(TZ=Asia/Shanghai date +%F)
echo "\$ curl -H 'Authorization: Bearer <kiosk token of xjw>' 'http://$address/v1/bookings?from=${today}T00:00:00%2B08:00&limit=3'"
curl -s -H "Authorization: Bearer $kiosk_token" "http://$address/v1/bookings?from=${today}T00:00:00%2B08:00&limit=3" |
  head -c 900; echo " …"

echo
echo "== schoolshare-kiosk (谢家湾小学's gate), on the same service =="
# With a display the kiosk and the admin client open their windows; without one, every screen of both
# is rendered to a PNG under Xvfb.
run_kiosk=(build/bin/schoolshare-kiosk --server "http://$address" --token "$kiosk_token" --school xjw
  --replica "$out/kiosk-replica.db" --config "$out/kiosk.json")
run_admin=(build/bin/schoolshare-admin --server "http://$address" --token "$manager_token" --school xjw
  --replica "$out/admin-replica.db" --config "$out/admin.json")
admin_views="timeline booking requests find catalogue catalogue/school reports reconciliation sync"
if [ -n "${DISPLAY:-}" ] && [ -z "${SCHOOLSHARE_DEMO_HEADLESS:-}" ]; then
  echo "opening the kiosk window and the admin client (close the admin client to end the demo)"
  "${run_kiosk[@]}" --size 1280x720 2>>"$out/kiosk.log" &
  kiosk_pid=$!
  trap 'kill "$sync_pid" "$kiosk_pid" 2>/dev/null || true' EXIT
  "${run_admin[@]}" || true
  kill "$kiosk_pid" 2>/dev/null || true
else
  for lang in zh-CN en; do
    for screen in home checkin equipment walkin setup; do
      xvfb-run -a -s "-screen 0 1920x1080x24" "${run_kiosk[@]}" --lang "$lang" --size 1920x1080 \
        --screenshot "$out/kiosk-$screen-$lang.png" --screen "$screen" 2>>"$out/kiosk.log"
    done
  done
  echo "kiosk screenshots (10): $(cd "$out" && ls kiosk-*.png | head -3 | tr '\n' ' ')… in $out/"
  echo
  echo "== schoolshare-admin (谢家湾小学's facility manager), on the same service =="
  n=0
  for lang in zh-CN en; do
    for view in $admin_views; do
      xvfb-run -a -s "-screen 0 1920x1080x24" "${run_admin[@]}" --lang "$lang" --size 1600x1000 --scale 1 \
        --screenshot "$out/admin-${view//\//-}-$lang.png" --screen "$view" 2>>"$out/admin.log"
      n=$((n + 1))
    done
  done
  echo "admin screenshots ($n): $(cd "$out" && ls admin-*.png | head -3 | tr '\n' ' ')… in $out/"
fi
kill -TERM "$sync_pid"; wait "$sync_pid" 2>/dev/null || true
trap - EXIT
echo
echo "demo database: $db  (try: build/bin/schoolshare booking list --db $db --status pending;"
echo "  build/bin/schoolshare-sync --db $db, then the routes of docs/api.md)"
