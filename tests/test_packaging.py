"""Installing Kassa into .venv (scripts/venv.sh) is quiet: setuptools' notice for an editable install of
a package that sits beside its tests is the one warning silenced, and the package found is still `kassa`."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTICE = "Please be careful with folders in your working directory"


def venv_warning_filter() -> str:
    script = (REPO / "scripts" / "venv.sh").read_text()
    found = re.search(r'PYTHONWARNINGS="([^"]+)" pip install -q --no-deps -e \.', script)
    assert found, "scripts/venv.sh no longer installs Kassa with the warning filter"
    return found[1]


def build_editable(project: Path, warnings: str | None) -> subprocess.CompletedProcess[str]:
    """What pip runs in its build environment for `pip install -e .` (setuptools' PEP 660 hook)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    if warnings is not None:
        env["PYTHONWARNINGS"] = warnings
    script = ("import sys; from setuptools import build_meta; "
              "print(build_meta.build_editable(sys.argv[1]))")
    return subprocess.run([sys.executable, "-c", script, str(project / "dist")], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of what the build reads, so the build leaves nothing in the working copy."""
    copy = tmp_path_factory.mktemp("project")
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, copy / name)
    for name in ("kassa", "resources"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_install_is_quiet_and_installs_the_kassa_package(project):
    loud = build_editable(project, None)
    assert loud.returncode == 0, loud.stderr
    assert NOTICE in loud.stderr  # what scripts/run.sh printed before
    quiet = build_editable(project, venv_warning_filter())
    assert quiet.returncode == 0, quiet.stderr
    assert NOTICE not in quiet.stderr and "Warning" not in quiet.stderr, quiet.stderr
    wheel = project / "dist" / quiet.stdout.split()[-1]
    with zipfile.ZipFile(wheel) as zf:
        mapping = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("_finder.py"))
        top_level = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("top_level.txt"))
    assert top_level.split() == ["kassa"]
    assert f"MAPPING: dict[str, str] = {{'kassa': '{project / 'kassa'}'}}" in mapping  # kassa, and only kassa
