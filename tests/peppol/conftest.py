"""Fixtures for the PEPPOL tests: the official rule pack and its example documents."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The shared test data beside the repository (README there); also a rule pack as it stands.
SHARED_PEPPOL = REPO.parent / "shared" / "peppol"
EXAMPLES = SHARED_PEPPOL / "examples"

NO_PACK_REASON = (
    "no PEPPOL rule pack: set KASSA_RULES_DIR to one, put the shared test data at "
    f"{SHARED_PEPPOL}, or install one with `kassa rules install SOURCE`"
)


def rule_pack_dir() -> Path | None:
    """KASSA_RULES_DIR if set, else ../shared/peppol beside the repository, else None."""
    env = os.environ.get("KASSA_RULES_DIR")
    if env:
        return Path(env)
    return SHARED_PEPPOL if SHARED_PEPPOL.is_dir() else None


@pytest.fixture(scope="session")
def rule_pack_path() -> Path:
    path = rule_pack_dir()
    if path is None or not path.is_dir():
        pytest.skip(NO_PACK_REASON)
    return path


@pytest.fixture(scope="session")
def rule_pack(rule_pack_path):
    """The official rule pack, compiled once for the whole test session."""
    from kassa.peppol.rules import RulePack

    pack = RulePack.load(rule_pack_path)
    pack.warm_up()
    return pack


@pytest.fixture
def rule_pack_env(rule_pack_path, monkeypatch):
    """KASSA_RULES_DIR set to the rule pack, for code that finds the pack itself (and subprocesses)."""
    monkeypatch.setenv("KASSA_RULES_DIR", str(rule_pack_path))
    return rule_pack_path


def example(relative: str) -> Path:
    """A document from the shared examples; skips the test when the shared data is absent."""
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.skip(f"example {relative} not found under {EXAMPLES}")
    return path


def run_kassa(*args: str, data_dir: Path, rules_dir: Path | None = None):
    """`python -m kassa ARGS` in a subprocess with its own data directory (and rule pack, if given)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("KASSA_RULES_DIR", "KASSA_DATA_DIR")}
    env["KASSA_DATA_DIR"] = str(data_dir)
    if rules_dir is not None:
        env["KASSA_RULES_DIR"] = str(rules_dir)
    return subprocess.run(
        [sys.executable, "-m", "kassa", *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
