#!/usr/bin/env bash
# Creates .venv and installs Kassa into it (editable), again only when setup.cfg changed.
# Usage: scripts/venv.sh [EXTRAS]   e.g. scripts/venv.sh test,postgres
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.kassa-installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
