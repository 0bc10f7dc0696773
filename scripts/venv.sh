#!/usr/bin/env bash
# Creates .venv and installs the locked, tested versions into it (requirements/, with hashes), then
# Kassa itself (editable, --no-deps); again only when setup.cfg or the lock changed.
# Usage: scripts/venv.sh [EXTRAS]   e.g. scripts/venv.sh test,postgres
#   no extras or "postgres": requirements/run.txt; anything with "test": requirements/test.txt.
# The lock is refreshed on purpose only, with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
case ",$extras," in
  *,test,*) lock=requirements/test.txt ;;
  *) lock=requirements/run.txt ;;
esac
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.kassa-installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "^WARNING: Location" >&2); }  # keeps pip's exit status
  pip install -q --upgrade pip
  pip install -q --require-hashes -r "$lock"
  # setuptools tells every editable install of a package beside its tests ("flat layout") to "be careful
  # with folders … with the same name as your package"; here that folder is the package itself. Only that
  # notice is silenced (PYTHONWARNINGS reaches the build backend); what is installed is unchanged.
  PYTHONWARNINGS="ignore:Editable installation:UserWarning" pip install -q --no-deps -e .
  .venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check >&2; exit 1; }
  .venv/bin/python -c "import kassa" || { echo "Kassa kunde inte installeras i .venv." >&2; exit 1; }
  touch "$stamp"
fi
