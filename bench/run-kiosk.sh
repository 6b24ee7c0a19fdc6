#!/usr/bin/env bash
# Kiosk performance under Xvfb and Mesa llvmpipe (docs/performance.md, "Kiosk (issue 5)"):
# start to first frame, idle CPU over 60 s, resident memory, and CPU per frame with 500 bookings today.
# Usage: bench/run-kiosk.sh [BUILD_DIR]   (default build/; needs schoolshare, schoolshare-sync, schoolshare-kiosk)
set -euo pipefail
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d /tmp/kiosk-perf.XXXXXX)
trap 'kill $sync_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/schoolshare" init --db "$work/demo.db" --demo >/dev/null
token=$("$bin/schoolshare" token create --db "$work/demo.db" --role kiosk --school xjw | head -1)
"$bin/schoolshare-sync" --db "$work/demo.db" --host 127.0.0.1 --port 0 >"$work/sync.out" 2>"$work/sync.log" &
sync_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sync.out" && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/sync.out" | head -1)"
kiosk=("$bin/schoolshare-kiosk" --config "$work/kiosk.json" --server "$url" --token "$token" --school xjw
       --replica "$work/replica.db" --size 1920x1080)

cat >"$work/inner.sh" <<INNER
set -euo pipefail
# a first run syncs the replica, as on a kiosk that has been running
${kiosk[*]} --screenshot $work/first.png >/dev/null
echo "== start to first frame (3 runs, synced replica)"
for i in 1 2 3; do
  ${kiosk[*]} 2>$work/start.err & p=\$!
  for _ in \$(seq 100); do grep -q "first frame" $work/start.err && break; sleep 0.05; done
  grep "first frame" $work/start.err; kill \$p; wait \$p || true
done
echo "== idle for 60 s after 5 s of settling"
${kiosk[*]} 2>/dev/null & p=\$!
sleep 5
a=\$(awk '{print \$14+\$15}' /proc/\$p/stat)
sleep 60
b=\$(awk '{print \$14+\$15}' /proc/\$p/stat)
echo "idle CPU: \$(( b - a )) ticks of 1/\$(getconf CLK_TCK) s in 60 s = \$(echo "scale=2; (\$b - \$a) * 100 / \$(getconf CLK_TCK) / 60" | bc)% of one core"
grep -E "VmRSS|VmHWM" /proc/\$p/status
kill \$p; wait \$p || true
INNER
xvfb-run -a -s "-screen 0 1920x1920x24" bash "$work/inner.sh"

echo "== 500 bookings today at the school: CPU per frame (home, 200 frames, offline replica)"
python3 - "$work/replica.db" <<'PY'
import sqlite3, sys, time, uuid
con = sqlite3.connect(sys.argv[1])
day = int(time.time()) // 86400 * 86400 - 8 * 3600  # Shanghai midnight, roughly
venues = ['xjw-computer', 'xjw-football', 'xjw-football-a', 'xjw-football-b', 'xjw-gym', 'xjw-hall',
          'xjw-maker', 'xjw-music', 'xjw-science', 'xjw-studio']
for v in venues:
    for k in range(50):
        s = day + 5 * 3600 + k * 20 * 60
        con.execute("insert into bookings(id,resource_id,school_id,organizer,title,activity_type,attendees,"
                    "start_at,end_at,status,code,created_by,created_at,updated_at) values(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (str(uuid.uuid4()), v, 'hualiang', '张老师', '负载测试%d' % k, 'sports', 20, s, s + 900,
                     'confirmed', 'B%02d%03d' % (venues.index(v), k), 'bench', s, s))
con.commit()
PY
for size in 1920x1080 1080x1920; do
  extra=(); [ "$size" = 1080x1920 ] && extra=(--portrait)
  xvfb-run -a -s "-screen 0 1920x1920x24" "$bin/schoolshare-kiosk" --config "$work/kiosk.json" \
    --server http://127.0.0.1:9 --token x --school xjw --replica "$work/replica.db" --size $size "${extra[@]}" \
    --bench-frames 200
done
