"""Helpers the tests share: a complete seller, the official rule pack and its examples, `kassa` in a
subprocess. Plain functions and constants, imported by the tests; the fixtures live in conftest.py."""
from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
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


def example(relative: str) -> Path:
    """A document from the shared examples; skips the test when the shared data is absent."""
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.skip(f"example {relative} not found under {EXAMPLES}")
    return path


def run_kassa(*args: str | Path, data_dir: Path, rules_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m kassa ARGS` in a subprocess with its own data directory (and rule pack, if given)."""
    env = {k: v for k, v in os.environ.items() if k not in ("KASSA_RULES_DIR", "KASSA_DATA_DIR")}
    env["KASSA_DATA_DIR"] = str(data_dir)
    if rules_dir is not None:
        env["KASSA_RULES_DIR"] = str(rules_dir)
    return subprocess.run(
        [sys.executable, "-m", "kassa", *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )


def make_company(**overrides):
    from kassa.models import Company

    company = Company.get_solo()
    values = dict(
        name="Hörnbutiken & Söner AB", org_number="5566778899", vat_number="SE556677889901",
        street="Storgatan 1", postal_code="41101", city="Göteborg", registered_office="Göteborg",
        f_skatt=True, bankgiro="50501055", email="info@hornbutiken.se", phone="031-123456",
        payment_terms_days=30, invoice_fee=Decimal("0.00"),
    )
    values.update(overrides)
    for key, value in values.items():
        setattr(company, key, value)
    company.save()
    return company
