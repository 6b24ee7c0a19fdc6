#!/usr/bin/env bash
# Create-booking throughput and latency of several schoolshare-sync instances over one PostgreSQL,
# side by side with one instance over SQLite, in one run, on 127.0.0.1 only (issue 8). It builds the
# server and the load driver in Release, starts a throwaway PostgreSQL cluster (initdb in a temporary
# folder, loopback only, durable: fsync and synchronous_commit on, as SQLite runs with synchronous=FULL),
# seeds the same generated city (20 districts, 200 schools) into a SQLite file and a PostgreSQL database,
# then for each configuration starts the instances on free loopback ports over a fresh copy, drives
# POST /v1/bookings with schoolshare_sync_load (clients round-robin over the instances; every 10th
# request races an earlier one for its slot), stops everything and prints one table.
# See docs/performance.md, "Several instances over PostgreSQL (issue 8)".
#
#   bench/run-scale.sh                                  48 clients, 10 s measured, 2 rounds (6-7 minutes, 3 of them seeding)
#   CLIENTS=24 SECONDS_PER_RUN=15 ROUNDS=1 bench/run-scale.sh
#   CONFIGS="pg:1 pg:4" bench/run-scale.sh              only these configurations (sqlite:1 pg:N)
#
# As root the cluster runs as "nobody" (initdb refuses root), as in tests/pg/pg_cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-loadbench}
CLIENTS=${CLIENTS:-48}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-2}
CONFLICT_EVERY=${CONFLICT_EVERY:-10}
SEED_BOOKINGS=${SEED_BOOKINGS:-10000}
SEED_RESOURCES=${SEED_RESOURCES:-2000}
CONFIGS=${CONFIGS:-"sqlite:1 pg:1 pg:2 pg:4"}
THREADS=${THREADS:-64}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSCHOOLSHARE_BUILD_TESTS=OFF \
  -DSCHOOLSHARE_BUILD_BENCH=ON >/dev/null
ninja -C "$BUILD_DIR" -j2 schoolshare-sync schoolshare_sync_load >/dev/null
SYNC="$PWD/$BUILD_DIR/bin/schoolshare-sync"
LOAD="$PWD/$BUILD_DIR/bin/schoolshare_sync_load"

bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bindir/initdb" ] || { echo "run-scale: PostgreSQL binaries not found (set PG_BINDIR)" >&2; exit 1; }
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(setpriv --reuid=nobody --regid=nogroup --clear-groups --); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/schoolshare-scale.XXXXXX")
cluster=$(mktemp -d "${TMPDIR:-/tmp}/schoolshare-scale-pg.XXXXXX")  # apart: its owner may be "nobody"
server_pids=()
stop_servers() {
  for p in "${server_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${server_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  server_pids=()
}
cleanup() {
  stop_servers
  if [ -f "$cluster/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$work" "$cluster"
}
trap cleanup EXIT

# --- the cluster: 127.0.0.1 only, a free port, its socket in its own folder, durable commits.
if [ ${#as_owner[@]} -gt 0 ]; then chown nobody:nogroup "$cluster"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U schoolshare -A trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; exit 1; }
max_conn=$((4 * THREADS + 20))
"${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c max_connections=$max_conn -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements" \
  start >/dev/null || { cat "$cluster/postgres.log" >&2; exit 1; }
PG="postgresql://schoolshare@127.0.0.1:$port"
psql_c() { "$bindir/psql" -q -X -v ON_ERROR_STOP=1 -d "$PG/postgres" -c "$1" >/dev/null; }
psql_q() { "$bindir/psql" -q -X -A -t -v ON_ERROR_STOP=1 -d "$PG/postgres" -c "$1"; }
psql_c "CREATE EXTENSION pg_stat_statements"

echo "== scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPU, $(. /etc/os-release && echo "$PRETTY_NAME")," \
  "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)," \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load average $(cut -d' ' -f1 /proc/loadavg)"
echo "   $CLIENTS clients, $WARMUP s warm-up + $SECONDS_PER_RUN s measured per run, $ROUNDS round(s)," \
  "every ${CONFLICT_EVERY}th request a race, seed: 200 schools, $SEED_RESOURCES + 2,000 resources," \
  "$SEED_BOOKINGS bookings; $THREADS threads per instance"

# --- the seeds: the same generated city in both stores (each has its own tokens).
seed_size=(--seed-bookings "$SEED_BOOKINGS" --seed-resources "$SEED_RESOURCES")
"$LOAD" --seed-store "$work/seed.db" "${seed_size[@]}" --tokens "$work/tokens-sqlite.json"
psql_c "CREATE DATABASE seed"
"$LOAD" --seed-store "$PG/seed" "${seed_size[@]}" --tokens "$work/tokens-pg.json"
"$bindir/psql" -q -X -d "$PG/seed" -c "VACUUM ANALYZE" >/dev/null
psql_q "SELECT calls, round(total_exec_time::numeric) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
          left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements s JOIN pg_database d
          ON d.oid = s.dbid WHERE d.datname = 'seed' ORDER BY total_exec_time DESC LIMIT 8" >"$work/statements-seed.txt"

# CPU seconds (user + system) of the given processes, from /proc.
cpu_of() {
  local tck total=0 p
  tck=$(getconf CLK_TCK)
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total $tck" | awk '{printf "%.2f", $1 / $2}'
}
postgres_pids() {  # this cluster's postmaster and its children (backends, writer, WAL writer, ...)
  local pm
  pm=$(head -n 1 "$cluster/data/postmaster.pid")
  echo "$pm"
  pgrep -P "$pm" || true
}
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }

# start_instances DB N: N instances over DB on free loopback ports; sets server_pids and ports.
start_instances() {
  local db=$1 n=$2 i
  ports=""
  for ((i = 0; i < n; ++i)); do
    "$SYNC" --db "$db" --host 127.0.0.1 --port 0 --threads "$THREADS" >"$work/out$i" 2>"$work/server$i.log" &
    server_pids+=($!)
  done
  for ((i = 0; i < n; ++i)); do
    for _ in $(seq 200); do grep -q '^listening on' "$work/out$i" && break; sleep 0.05; done
    local p
    p=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/out$i")
    [ -n "$p" ] || { echo "instance $i did not start:" >&2; cat "$work/server$i.log" >&2; exit 1; }
    ports+="${ports:+,}$p"
  done
}

rows=()
run=0
for ((round = 1; round <= ROUNDS; ++round)); do
  for config in $CONFIGS; do
    backend=${config%%:*}
    n=${config##*:}
    run=$((run + 1))
    if [ "$backend" = sqlite ]; then
      cp "$work/seed.db" "$work/run.db"
      rm -f "$work/run.db-wal" "$work/run.db-shm"
      db="$work/run.db"
      tokens="$work/tokens-sqlite.json"
    else
      psql_c "DROP DATABASE IF EXISTS run"
      psql_c "CREATE DATABASE run TEMPLATE seed"
      db="$PG/run"
      tokens="$work/tokens-pg.json"
    fi
    start_instances "$db" "$n"
    psql_q "SELECT pg_stat_statements_reset()" >/dev/null
    read -r busy0 all0 < <(machine_busy)
    sync0=$(cpu_of "${server_pids[@]}")
    # shellcheck disable=SC2046
    pg0=$(cpu_of $(postgres_pids))
    t0=$(date +%s.%N)
    "$LOAD" --ports "$ports" --tokens "$tokens" --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN" \
      --warmup "$WARMUP" --conflict-every "$CONFLICT_EVERY" --label "$backend x$n" --json "$work/r$run.json" \
      >"$work/load$run.txt" || { cat "$work/load$run.txt"; echo "(errors: see above)"; }
    t1=$(date +%s.%N)
    sync1=$(cpu_of "${server_pids[@]}")
    # shellcheck disable=SC2046
    pg1=$(cpu_of $(postgres_pids))
    read -r busy1 all1 < <(machine_busy)
    # Statements PostgreSQL ran per request (pg_stat_statements, BEGIN/SAVEPOINT/COMMIT included).
    per_req="-"
    if [ "$backend" = pg ]; then
      calls=$(psql_q "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'run'")
      psql_q "SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'run'
              ORDER BY calls DESC LIMIT 25" >"$work/statements-$backend$n-round$round.txt"
      # over the requests of the whole run (warm-up included), estimated from the measured rate
      per_req=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f'{$calls / max(1, r[\"requests_per_second\"] * (r[\"seconds\"] + $WARMUP)):.0f}')" "$work/r$run.json" 2>/dev/null || echo "-")
    fi
    stop_servers
    # Shares of both vCPUs over the driver's whole run (warm-up included).
    rows+=("$(python3 - "$work/r$run.json" "$round" "$backend" "$n" "$t0" "$t1" "$sync0" "$sync1" "$pg0" "$pg1" \
      "$busy0" "$busy1" "$all0" "$all1" "$(nproc)" "$per_req" <<'EOF'
import json, sys
(path, rnd, backend, n, t0, t1, s0, s1, p0, p1, b0, b1, a0, a1, ncpu, per_req) = sys.argv[1:]
r = json.load(open(path))
wall = float(t1) - float(t0)
cap = wall * int(ncpu) / 100.0
sec = r["seconds"]
drv = r["cpu_seconds_clients"] / (sec * int(ncpu)) * 100
print(f"| {rnd} | {'SQLite' if backend == 'sqlite' else 'PostgreSQL'} | {n} | {r['requests_per_second']:,.0f} | "
      f"{r['ok'] / sec:,.0f} | {r['refused'] / sec:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.0f} | "
      f"{r['errors']} | {(float(s1) - float(s0)) / cap:.0f}% | {(float(p1) - float(p0)) / cap:.0f}% | {drv:.0f}% | "
      f"{(float(b1) - float(b0)) / (float(a1) - float(a0)) * 100:.0f}% | {per_req} |")
EOF
    )")
    echo "${rows[-1]}"
  done
done

echo
echo "== create-booking throughput, $CLIENTS clients round-robin over the instances (127.0.0.1)"
echo "| round | store | instances | requests/s | created/s | refused/s | p50 ms | p99 ms | max ms | errors | CPU sync | CPU postgres | CPU driver | CPU machine | PG statements/request |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "(CPU: shares of all $(nproc) vCPUs; sync and postgres over the driver's whole run, warm-up included; driver's client threads over the measured window; machine = /proc/stat busy)"
echo "(PG statements/request: pg_stat_statements calls in the run's database, warm-up included, over the run's requests)"
echo "load average at end $(cut -d' ' -f1 /proc/loadavg)"
if [ -n "${SHOW_STATEMENTS:-}" ]; then
  for f in "$work"/statements-*.txt; do echo "== $(basename "$f" .txt): calls | (total ms |) mean ms | statement"; cat "$f"; done
fi
