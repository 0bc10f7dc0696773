#!/usr/bin/env bash
# A throw-away PostgreSQL server on a Unix socket of its own, for tests and benchmarks.
#   scripts/postgres.sh start DIR   -> prints the server's URL (database "postgres")
#   scripts/postgres.sh stop DIR
# initdb refuses to run as root, so as root the server runs as the "postgres" user.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
runas() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
initdb=$(command -v initdb || echo "$pgbin/initdb")
pg_ctl=$(command -v pg_ctl || echo "$pgbin/pg_ctl")
case "$cmd" in
  start)
    mkdir -p "$dir/sock"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
    runas "$initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    runas "$pg_ctl" -D "$dir/data" -w -l "$dir/log" \
      -o "-k $dir/sock -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgresql://postgres@/postgres?host=$dir/sock"
    ;;
  stop)
    [ -d "$dir/data" ] && runas "$pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
