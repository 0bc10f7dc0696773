"""A day of 500 sales in a till process killed with SIGKILL at random moments and started again.

Afterwards: no gap and no duplicate in the receipt series, no receipt without its journal row and
no register sale without its receipt, the chain verifies; the day closes with a Z report and its
journal export validates against the schema written from SKVFS 2021:16, with every receipt and
every registration of the day in it.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from peewee import fn

from kassa.models import JournalEntry, Receipt, Sale
from kassa.register import journal
from kassa.register.export import export_journal
from kassa.register.service import Register
from tests.factories import REPO
from tests.register.export_schema import K, assert_valid, events, local
from tests.register.shop import ScriptedUnit

SALES = 500
TILL = "kassa-1"


def sold() -> int:
    return Receipt.select().where((Receipt.till == TILL) & (Receipt.kind == "sale")
                                  & (Receipt.training == False)).count()  # noqa: E712


def receipts() -> int:
    return Receipt.select().where(Receipt.till == TILL).count()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 17])
def test_a_day_of_500_sales_killed_at_random_moments(seed, shop, isolated_data_dir, tmp_path):
    url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rng = random.Random(seed)
    kills, run = 0, 0
    deadline = time.monotonic() + 600
    log = (tmp_path / "till.log").open("ab")
    try:
        while sold() < SALES:
            assert time.monotonic() < deadline, f"only {sold()} of {SALES} sales after {kills} kills"
            run += 1
            process = subprocess.Popen([sys.executable, "-m", "tests.register.till_worker", url, TILL, str(SALES),
                                        "--seed", str(seed * 100 + run)], cwd=REPO, env=env, stdout=log, stderr=log)
            # Kill at random moments chosen by progress, not the clock (a fast machine cannot finish first):
            # after 3-40 more receipts, plus a few random milliseconds to land inside a transaction as well
            # as between them. After 10 kills it may finish.
            target = receipts() + rng.randint(3, 40) if kills < 10 else 10**9
            end = time.monotonic() + 120
            while time.monotonic() < end and process.poll() is None and receipts() < target:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.03))
            if process.poll() is None and sold() < SALES:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(120)
            if process.returncode not in (0, -signal.SIGKILL):
                pytest.fail(f"the till process failed: {(tmp_path / 'till.log').read_text()[-3000:]}")
    finally:
        log.close()
    assert kills >= 8

    serials = [s for (s,) in Receipt.select(Receipt.serial).where(Receipt.till == TILL).order_by(Receipt.serial)
               .tuples()]
    assert serials == list(range(1, len(serials) + 1)), "a gap or a duplicate in the receipt series"
    per_receipt = dict(JournalEntry.select(JournalEntry.receipt, fn.COUNT(JournalEntry.id))
                       .where(JournalEntry.event == "receipt").group_by(JournalEntry.receipt).tuples())
    assert set(per_receipt) == {r.id for r in Receipt.select(Receipt.id)} and set(per_receipt.values()) == {1}
    orphans = Sale.select().where(Sale.status.in_(("paid", "return", "training")) & ~fn.EXISTS(
        Receipt.select().where(Receipt.sale == Sale.id)))
    assert not orphans.exists(), "a sale without its receipt"
    assert [r.ok for r in journal.verify()] == [True], journal.verify()

    till = Register(TILL, ScriptedUnit())
    till.void()
    figures = till.z_report(till.x_report().expected_cash)
    assert figures.receipts == sold() >= SALES and figures.cash_difference == 0 and figures.balances()

    path = tmp_path / "day.xml"
    today = dt.date.today()
    count = export_journal(path, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    tree = assert_valid(path)
    exported = events(tree)
    rows = JournalEntry.select().where(JournalEntry.till == TILL)
    expected = sum(len(r.data["lines"]) if r.event in ("parked", "parked_deleted") else 1 for r in rows)
    assert count == len(exported) == expected
    numbered = {}
    for element in exported:
        for name in ("LopnummerForKassakvitto", "LopnummerForKvittokopia", "LopnummerForOvningskvitto",
                     "LopnummerForProFormaKvitto"):
            if element.find(f"k:{name}", K) is not None:
                numbered[int(element.findtext(f"k:{name}", namespaces=K))] = local(element)
    assert sorted(numbered) == serials
    z = [e for e in exported if local(e) == "ZDagrapport"]
    assert len(z) == 1 and z[0].findtext("k:AntalKassakvitton", namespaces=K) == str(figures.receipts)
