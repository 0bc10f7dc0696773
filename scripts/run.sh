#!/usr/bin/env bash
# Sets everything up and starts Kassa (SQLite in your user data directory by default).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh run
scripts/venv.sh postgres
if [ "$(uname)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ $# -eq 0 ]; then
  echo "Ingen skärm hittades (DISPLAY är inte satt). Starta Kassa från skrivbordet, eller kör ett kommando: .venv/bin/kassa --help" >&2
  exit 1
fi
exec .venv/bin/kassa "$@"
