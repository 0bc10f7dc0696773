"""Crash safety: `kassa outbox run` killed with SIGKILL at random moments, restarted until done.

The sender runs as a real process (``python -m kassa outbox run``) against the stand-in in this
process, with the tokens in the real keyring. Every invoice must reach the stand-in exactly once
(duplicate document control is off, uploads are counted) and none may be lost.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kassa.models import Transmission
from kassa.models import TransmissionState
from kassa.outbox.enqueue import enqueue_invoice
from tests.outbox.fixtures import issue_e_invoices, seller, uploads_per_number


REPO = Path(__file__).resolve().parents[2]
INVOICES = 200


def sender_command() -> list[str]:
    return [sys.executable, "-m", "kassa", "outbox", "run", "--intervals", "0.02,0.05,0.1",
            "--answer-intervals", "3600", "--retry-intervals", "0.05,0.1,0.2", "--lease", "1",
            "--grace", "1.5", "--idle", "0.2"]


def progressed() -> int:
    """Rows the sender has taken beyond the queue (uploading, uploaded, … delivered)."""
    return Transmission.select().where(Transmission.state != "queued").count()


def delivered() -> int:
    return Transmission.select().where(Transmission.state == TransmissionState.DELIVERED).count()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 23, 42])
def test_sender_killed_at_random_moments_sends_each_invoice_exactly_once(
        seed, db, isolated_data_dir, connected, outbox_control, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    seller()
    numbers = {str(enqueue_invoice(invoice.id).invoice.number) for invoice in issue_e_invoices(INVOICES)}
    env = dict(os.environ, KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}",
               PYTHONPATH=str(REPO))
    rng = random.Random(seed)
    kills = 0
    deadline = time.monotonic() + 90
    log = (tmp_path / "sender.log").open("ab")
    try:
        while delivered() < INVOICES:
            assert time.monotonic() < deadline, f"only {delivered()} of {INVOICES} delivered after {kills} kills"
            process = subprocess.Popen(sender_command(), cwd=REPO, env=env, stdout=log, stderr=log)
            # Random moments while it works, chosen by progress rather than by the clock, so a fast
            # machine cannot finish before the kills: after 3–25 more rows have moved on (plus a
            # random few milliseconds, to land inside an upload as well as between steps). After 8
            # kills it may finish.
            target = progressed() + rng.randint(3, 25) if kills < 8 else INVOICES + 1
            end = time.monotonic() + 60
            while (time.monotonic() < end and delivered() < INVOICES and process.poll() is None
                   and progressed() < target):
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.05))
            if process.poll() is None and delivered() < INVOICES:
                process.send_signal(signal.SIGKILL)
                kills += 1
            else:
                process.send_signal(signal.SIGTERM)
            process.wait(30)
    finally:
        log.close()

    assert kills >= 5
    counts = uploads_per_number(outbox_control)
    twice = {n: c for n, c in counts.items() if c != 1}
    assert not twice, f"uploaded more than once after {kills} kills: {twice}"
    assert set(counts) == numbers, f"lost: {sorted(numbers - set(counts))}"
