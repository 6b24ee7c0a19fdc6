#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `pg_cluster.sh start DIR` runs initdb in a new temporary
# folder, starts postgres on 127.0.0.1 only (a free port, its unix socket in that folder) and writes the
# connection URI to DIR/url; `pg_cluster.sh stop DIR` stops it and removes both folders. initdb refuses to run as root, so under
# uid 0 (a CI container) the cluster runs as the unprivileged user "nobody". Without PostgreSQL's
# binaries it writes no url and says so loudly: the PostgreSQL tests then skip.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    bindir=$(pg_config --bindir)
  else
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi

case "$cmd" in
  start)
    "$0" stop "$dir" || true
    mkdir -p "$dir"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
      echo "pg_cluster: ***** PostgreSQL binaries not found (install postgresql, or set PG_BINDIR): the" \
        "PostgreSQL store tests will be SKIPPED *****" >&2
      exit 0
    fi
    cluster=$(mktemp -d "${TMPDIR:-/tmp}/schoolshare-pg.XXXXXX")
    echo "$cluster" >"$dir/cluster"
    if [ ${#as_owner[@]} -gt 0 ]; then chown nobody:nogroup "$cluster"; fi
    # A free loopback port: bind port 0 and read what the kernel chose.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U schoolshare -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$cluster/postgres.log" >&2; exit 1; }
    echo "postgresql://schoolshare@127.0.0.1:$port/postgres" >"$dir/url"
    echo "pg_cluster: PostgreSQL started on 127.0.0.1:$port ($cluster)"
    ;;
  stop)
    cluster=$(cat "$dir/cluster" 2>/dev/null || true)
    if [ -n "$cluster" ] && [ -f "$cluster/data/postmaster.pid" ] && [ -n "$bindir" ]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null || true
    fi
    if [ -n "$cluster" ]; then rm -rf "$cluster"; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
