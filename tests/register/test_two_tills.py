"""Two tills on one PostgreSQL database selling at the same moment: each keeps its own unbroken
receipt series and its own journal chain; neither shares or skips a number."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from kassa.models import Receipt, connection, database
from kassa.register import journal
from tests.factories import REPO, make_company
from tests.register.shop import make_articles

SALES = 40


@pytest.mark.postgres
def test_two_tills_sell_at_once_on_postgresql(pg_url, tmp_path):
    connection.connect(pg_url)
    make_company()
    make_articles()
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    tills = {name: subprocess.Popen([sys.executable, "-m", "tests.register.till_worker", pg_url, name, str(SALES),
                                     "--seed", str(seed), "--start-file", str(go)],
                                    cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed, name in enumerate(("kassa-1", "kassa-2"), start=1)}
    for process in tills.values():  # both connected, their days open, waiting
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    go.touch()
    started = time.monotonic()
    for name, process in tills.items():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, f"{name}: {err}"
    assert time.monotonic() - started < 600

    for name in tills:
        rows = list(Receipt.select(Receipt.serial, Receipt.created_at).where(Receipt.till == name)
                    .order_by(Receipt.serial))
        serials = [r.serial for r in rows]
        assert serials == list(range(1, len(serials) + 1)), f"{name}: a gap or a duplicate"
        assert Receipt.select().where((Receipt.till == name) & (Receipt.kind == "sale")
                                      & (Receipt.training == False)).count() == SALES  # noqa: E712
    reports = {r.till: r for r in journal.verify()}
    assert set(reports) == {"kassa-1", "kassa-2"} and all(r.ok and r.rows > SALES for r in reports.values())
    one = [r.created_at for r in Receipt.select().where(Receipt.till == "kassa-1")]
    two = [r.created_at for r in Receipt.select().where(Receipt.till == "kassa-2")]
    assert min(one) < max(two) and min(two) < max(one), "the tills did not sell at the same time"
    database.close()
