"""`kassa report x|z` and `kassa receipt show|copy` as a script or another program uses them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kassa.register.control_unit.settings import ControlUnitSettings, save
from tests.factories import REPO


@pytest.fixture
def kassa(register, isolated_data_dir):
    """Runs `python -m kassa …` against the test's database, as till kassa-1."""
    register.add_code("2*100")
    register.pay_cash("200")
    register.add_code("401")
    register.pay_card()
    save(ControlUnitSettings("none"))  # in the settings file of the test's data directory, as the commands read it
    env = dict(os.environ, KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}",
               KASSA_TILL="kassa-1")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=120)

    return run


def test_x_report_in_swedish_and_as_json(kassa):
    text = kassa("report", "x")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("X-DAGRAPPORT") and "Antal kassakvitton                       2" in text.stdout
    data = json.loads(kassa("report", "x", "--json").stdout)
    assert (data["kind"], data["number"], data["receipts"], data["net_sales"]) == ("X", None, 2, "129.80")
    assert data["vat"] == [{"rate": 25, "taxable": "16.00", "tax": "4.00", "gross": "20.00"},
                           {"rate": 12, "taxable": "98.04", "tax": "11.76", "gross": "109.80"}]


def test_z_report_closes_the_day_and_shows_again(kassa):
    refused = kassa("report", "z")
    assert refused.returncode == 2 and "--counted" in refused.stderr
    closed = kassa("report", "z", "--counted", "600", "--json")
    assert closed.returncode == 0, closed.stderr
    figures = json.loads(closed.stdout)
    assert (figures["number"], figures["expected_cash"], figures["cash_difference"]) == (1, "610.00", "-10.00")
    again = kassa("report", "z", "--counted", "600")
    assert again.returncode == 1 and "ingen öppen dag" in again.stderr
    shown = kassa("report", "z", "--show", "1")
    assert "Utskrift av sparad rapport" in shown.stdout and "Kassadifferens                      -10,00" in shown.stdout
    assert kassa("report", "z", "--list").stdout.split()[:1] == ["1"]


def test_receipt_show_and_its_one_copy(kassa):
    shown = kassa("receipt", "show", "1")
    assert shown.returncode == 0 and "KASSAKVITTO" in shown.stdout and "KOPIA" not in shown.stdout
    assert json.loads(kassa("receipt", "show", "kassa-1-000002", "--json").stdout)["payable"] == "20.00"
    copy = kassa("receipt", "copy", "1")
    assert copy.returncode == 0 and copy.stdout.splitlines()[0] == "KOPIA"
    twice = kassa("receipt", "copy", "1")
    assert twice.returncode == 1 and "Bara en kopia får tas fram" in twice.stderr
    missing = kassa("receipt", "show", "9")
    assert missing.returncode == 1 and "Kvitto 9 finns inte i kassa kassa-1." in missing.stderr
