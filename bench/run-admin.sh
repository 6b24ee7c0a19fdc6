#!/usr/bin/env bash
# Admin client performance under Xvfb and Mesa llvmpipe (docs/performance.md, "Admin client (issue 6)"):
# a generated district of 50 schools, 500 resources and 100,000 bookings (100,551 changes) served by
# schoolshare-sync on 127.0.0.1; a district office client pulls it all while drawing the week timeline
# (slowest frame), then start to first frame and CPU per frame of the week and day timelines of 500 rows.
# Usage: bench/run-admin.sh [BUILD_DIR]   (default build/; needs schoolshare, schoolshare-sync, schoolshare-admin)
set -euo pipefail
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d /tmp/admin-perf.XXXXXX)
trap 'kill $sync_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/schoolshare" gen --db "$work/city.db" --schools 50 --resources 500 --bookings 100000 \
  --schools-per-district 50 >/dev/null 2>&1
token=$("$bin/schoolshare" token create --db "$work/city.db" --role district_admin 2>/dev/null | head -1)
"$bin/schoolshare-sync" --db "$work/city.db" --host 127.0.0.1 --port 0 >"$work/sync.out" 2>"$work/sync.log" &
sync_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sync.out" && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/sync.out" | head -1)"
monday=$(python3 -c 'import datetime as d; t=d.date.today(); print(t - d.timedelta(days=t.weekday()))')
admin=("$bin/schoolshare-admin" --config "$work/admin.json" --token "$token" --district --replica "$work/replica.db"
       --size 1600x1000 --scale 1 --screen timeline --date "$monday")

cat >"$work/inner.sh" <<INNER
set -euo pipefail
echo "== the first pull (a fresh replica) while drawing the week timeline as fast as possible"
${admin[*]} --server $url --week --bench-frames 1000000 --bench-pull
echo "== start to first frame (3 runs, synced replica; the process time includes main()'s replica check)"
for i in 1 2 3; do
  t0=\$(date +%s%N)
  ${admin[*]} --server $url --week 2>$work/start.err & p=\$!
  for _ in \$(seq 1000); do grep -q "first frame" $work/start.err && break; sleep 0.01; done
  t1=\$(date +%s%N)
  sleep 1; echo "\$(grep "first frame" $work/start.err); process start to first frame \$(( (t1 - t0) / 1000000 )) ms;\
 \$(grep VmHWM /proc/\$p/status | tr -s ' \t' ' ')"
  kill \$p; wait \$p || true
done
echo "== CPU per frame, 300 frames, offline (week, then day)"
${admin[*]} --server http://127.0.0.1:9 --week --bench-frames 300
${admin[*]} --server http://127.0.0.1:9 --bench-frames 300
INNER
xvfb-run -a -s "-screen 0 1920x1080x24" bash "$work/inner.sh"
