"""A day of 500 sales in a till process killed with SIGKILL at random moments and started again, its
control unit the emulator over real HTTP (in this process, so that it outlives the till), chosen in the
settings with its password in the keyring as the application has it, and failing now and then.

Some kills land wherever the sale is; others exactly where a power cut hurts most: the unit has
registered the receipt (the emulator has stored it and holds back its answer) and Kassa has not
committed it. Afterwards: the till sold on (it never got stuck on a number the unit refuses), no gap
and no duplicate in the receipt series, every number the unit holds is a receipt of the register with
the unit's code (a sale or, for one that never completed, a voided receipt), no receipt without its
journal row, no register sale without its receipt, the chain verifies; the day closes with a Z report
and its journal export validates against the schema written from SKVFS 2021:16, with every receipt
and every registration of the day in it.
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

from kassa.models import JournalEntry, Receipt, Sale, UnitAttempt
from kassa.register import journal
from kassa.register.control_unit.credentials import delete_password
from kassa.register.control_unit.emulator import ControlUnitEmulator
from kassa.register.control_unit.settings import ControlUnitSettings, save
from kassa.register.export import export_journal
from kassa.register.service import Register
from tests.factories import REPO
from tests.register.control_unit.units import PASSWORD, USER, outcomes, registrations
from tests.register.export_schema import K, assert_valid, events, local
from tests.register.shop import ScriptedUnit

SALES = 500
TILL = "kassa-1"
FAIL_KINDS = ["busy", "server_busy", "down", "drop", "garbage", "garbage_after_store", "empty_code"]


def sold() -> int:
    return Receipt.select().where((Receipt.till == TILL) & (Receipt.kind == "sale")
                                  & (Receipt.training == False)).count()  # noqa: E712


def receipts() -> int:
    return Receipt.select().where(Receipt.till == TILL).count()


def held_without_answer(emulator: ControlUnitEmulator, after: int) -> dict | None:
    """The request after index `after` that the emulator stored and is holding its answer back for."""
    for entry in emulator.state.snapshot()["requests"][after:]:
        if entry["kind"] == "slow" and entry.get("outcome") in ("registered", "repeat"):
            return entry
    return None


@pytest.fixture
def unit_in_settings(emulator, secret_service):
    """The emulator chosen in the settings, its password in the keyring (the till process reads both)."""
    save(ControlUnitSettings("xccsp", url=emulator.url, username=USER, read_timeout=20), password=PASSWORD,
         keyring_backend=secret_service)
    yield emulator
    delete_password(emulator.url, USER, secret_service)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 17])
def test_a_day_of_500_sales_killed_at_random_moments(seed, shop, unit_in_settings, isolated_data_dir, tmp_path):
    emulator = unit_in_settings
    emulator.state.set_behaviour(fail_rate=0.08, fail_kinds=FAIL_KINDS, seed=seed, delay=20.0)
    url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rng = random.Random(seed)
    kills, window_kills, held, run = 0, 0, [], 0
    deadline = time.monotonic() + 900
    log = (tmp_path / "till.log").open("ab")
    try:
        while sold() < SALES:
            assert time.monotonic() < deadline, f"only {sold()} of {SALES} sales after {kills} kills"
            run += 1
            process = subprocess.Popen([sys.executable, "-m", "tests.register.till_worker", url, TILL, str(SALES),
                                        "--seed", str(seed * 100 + run), "--unit", "settings"],
                                       cwd=REPO, env=env, stdout=log, stderr=log)
            target = receipts() + rng.randint(3, 40) if kills < 14 else 10**9
            end = time.monotonic() + 120
            while time.monotonic() < end and process.poll() is None and receipts() < target:
                time.sleep(0.005)
            if kills < 14 and kills % 2 == 1 and process.poll() is None:
                # Between the unit's store and Kassa's commit: the next request is stored and its answer
                # held back (20 s); the till is killed while it waits for it.
                after = len(emulator.state.snapshot()["requests"])
                emulator.state.set_behaviour(next=["slow"])
                wait = time.monotonic() + 60
                while (entry := held_without_answer(emulator, after)) is None and time.monotonic() < wait \
                        and process.poll() is None:
                    time.sleep(0.002)
                if entry is not None and process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    kills, window_kills = kills + 1, window_kills + 1
                    held.append(int(entry["receipt_id"]))
            else:
                time.sleep(rng.uniform(0, 0.03))
                if process.poll() is None and sold() < SALES:
                    process.send_signal(signal.SIGKILL)
                    kills += 1
            process.wait(120)
            if process.returncode not in (0, -signal.SIGKILL):
                pytest.fail(f"the till process failed ({process.returncode}): "
                            f"{(tmp_path / 'till.log').read_text()[-3000:]}")
    finally:
        log.close()
    assert kills >= 10 and window_kills >= 5

    assert "fault 3 (other data)" not in outcomes(emulator), "the unit refused a number it held with other data"
    stored = list(Receipt.select().where(Receipt.till == TILL).order_by(Receipt.serial))
    serials = [r.serial for r in stored]
    assert serials == list(range(1, len(serials) + 1)), "a gap or a duplicate in the receipt series"
    assert set(held) <= set(serials), "a number the unit registered while Kassa was killed was never stored"
    unit_holds = registrations(emulator)
    assert sorted(unit_holds, key=int) == [str(s) for s in serials] and UnitAttempt.select().count() == 0
    for receipt in stored:  # exactly one registration per number at the unit, its code on the receipt
        assert [r["code"] for r in unit_holds[str(receipt.serial)]] == [receipt.control_code], receipt.serial
    assert Receipt.select().where(Receipt.kind == "void").count() >= 1
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
    voids = Receipt.select().where((Receipt.kind == "void") & (Receipt.training == False))  # noqa: E712
    assert figures.unfinished.count >= voids.count()

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
                     "LopnummerForProFormaKvitto", "LopnummerForMakuleratKvitto"):
            if element.find(f"k:{name}", K) is not None:
                numbered[int(element.findtext(f"k:{name}", namespaces=K))] = local(element)
    assert sorted(numbered) == serials
    z = [e for e in exported if local(e) == "ZDagrapport"]
    assert len(z) == 1 and z[0].findtext("k:AntalKassakvitton", namespaces=K) == str(figures.receipts)
