#!/usr/bin/env bash
# The benchmark-only environment for eu-einvoice 1.0.0 (PyPI), the Python peer Kassa's pre-flight is
# measured against (benchmarks/bench_preflight.py). Never part of the product: its own venv under
# .benchmarks/ (ignored by git), nothing of it in setup.cfg. Prints the venv's python.
# Its rules are not downloaded: benchmarks/einvoice_driver.py points it at the local rule pack.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.benchmarks/einvoice-venv
python="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
if ! "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('eu-einvoice') == '1.0.0'" 2>/dev/null; then
  "$venv/bin/python" -m pip install -q "eu-einvoice==1.0.0" 2>&1 | grep -v "^WARNING: Location" >&2 || true
fi
echo "$PWD/$venv/bin/python"
