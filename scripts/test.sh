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
  [ -d "${pgrun:-}/data" ] && runas "$pg_ctl" -D "$pgrun/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL: a throw-away cluster on a Unix socket of our own (initdb refuses root).
runas() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
initdb=$(command -v initdb || echo "$pgbin/initdb")
pg_ctl=$(command -v pg_ctl || echo "$pgbin/pg_ctl")
pgrun="$work/postgres"  # data, socket and log, owned by the server's user
mkdir -p "$pgrun/sock"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$pgrun"
runas "$initdb" -D "$pgrun/data" -A trust -U postgres --no-sync >/dev/null
runas "$pg_ctl" -D "$pgrun/data" -w -l "$pgrun/log" \
  -o "-k $pgrun/sock -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
export KASSA_TEST_POSTGRES_URL="postgresql://postgres@/postgres?host=$pgrun/sock"

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
