#!/usr/bin/env bash
# Sets up and runs the whole test suite: system packages, .venv, a private PostgreSQL
# server, a fresh unlocked gnome-keyring under its own D-Bus session, then pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/models -x).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scripts/system-packages.sh test
scripts/venv.sh test,postgres

work=$(mktemp -d /tmp/kassa-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -n "${pg_ctl:-}" ] && runas "$pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL: a throw-away cluster on a Unix socket of our own (initdb refuses root).
runas() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
initdb=$(command -v initdb || echo "$pgbin/initdb")
pg_ctl=$(command -v pg_ctl || echo "$pgbin/pg_ctl")
mkdir -p "$work/pgsock"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pgsock" && install -d -o postgres "$work/pg"
runas "$initdb" -D "$work/pg" -A trust -U postgres --no-sync >"$work/initdb.log"
runas "$pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
  -o "-k $work/pgsock -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
export KASSA_TEST_POSTGRES_URL="postgresql://postgres@/postgres?host=$work/pgsock"

# The keyring: no DISPLAY (else it may prompt and hang), fresh empty data and runtime dirs.
unset DISPLAY
export XDG_DATA_HOME="$work/xdg-data" XDG_RUNTIME_DIR="$work/xdg-runtime" XDG_CONFIG_HOME="$work/xdg-config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" && install -d -m 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM=offscreen
export KASSA_TEST_ARTIFACTS="${KASSA_TEST_ARTIFACTS:-$repo/test-artifacts}"

set +e
dbus-run-session -- bash -c '
  printf %s kassa-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec .venv/bin/python -m pytest "$@"' pytest -q -ra "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "Inga tester hittades (pytest exit 5): det räknas som fel." >&2
  exit 1
fi
exit $status
