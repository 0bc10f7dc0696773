#!/usr/bin/env bash
# Sets up and runs the whole test suite: system packages, .venv, ruff and mypy, a private
# PostgreSQL server, a fresh unlocked gnome-keyring under its own D-Bus session, then pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/models -x).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scripts/system-packages.sh test
scripts/venv.sh test,postgres

# Lint and types first: a finding fails the run before any test starts (configured in
# pyproject.toml [tool.ruff] and setup.cfg [mypy]).
echo "ruff check" >&2
.venv/bin/ruff check --quiet .
echo "mypy" >&2
.venv/bin/mypy --no-error-summary

work=$(mktemp -d /tmp/kassa-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/postgres.sh stop "$work/postgres"
  rm -rf "$work"
}
trap cleanup EXIT

export KASSA_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$work/postgres")

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
