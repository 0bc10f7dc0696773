#!/usr/bin/env bash
# Refreshes the lock of tested versions in requirements/ from setup.cfg, on purpose only:
# run it after changing a dependency in setup.cfg (or to take in new releases), then run the
# whole test suite (bash scripts/test.sh) and commit setup.cfg and requirements/ together.
#
#   requirements/run.txt   what `scripts/run.sh` installs: Kassa's dependencies and PostgreSQL's driver
#   requirements/test.txt  what `scripts/test.sh` installs: the above, and pytest, ruff, mypy …
#
# Every package is pinned with its hashes (pip install --require-hashes); a new release of PySide6
# or anything else reaches a till only through this script and a green test run.
# Usage: scripts/lock.sh [--upgrade | --upgrade-package NAME …]   (extra arguments go to pip-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
# pip-tools from the current lock; not scripts/venv.sh, whose `pip check` fails while setup.cfg
# names a dependency that the lock does not have yet (the reason to run this script).
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --require-hashes -r requirements/test.txt
compile() {
  .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
    --no-emit-index-url --no-emit-find-links --no-emit-trusted-host "$@" setup.cfg
}
compile --extra postgres --output-file requirements/run.txt "$@"
compile --extra postgres --extra test --output-file requirements/test.txt "$@"
echo "requirements/ is refreshed. Run bash scripts/test.sh, then commit setup.cfg and requirements/ together."
