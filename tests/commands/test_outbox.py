"""`kassa outbox list | run | retry | cancel`, and the application's background sender thread."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kassa.cli import main
from kassa.models import Transmission
from kassa.outbox.background import BackgroundSender
from kassa.models import TransmissionState
from kassa.outbox.actions import cancel
from kassa.outbox.enqueue import enqueue_invoice
from tests.outbox.fixtures import client_factory, fast_policy, issue_e_invoices, seller


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))


def queued(count: int) -> list[Transmission]:
    seller()
    return [enqueue_invoice(invoice.id) for invoice in issue_e_invoices(count)]


def test_list_shows_the_queue(db, capsys):
    first, second = queued(2)
    cancel(second.id)
    assert main(["outbox", "list"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["Id", "Faktura", "Kund", "Status"]
    line = next(r for r in rows if r.startswith(f"{first.id} "))
    assert str(first.invoice.number) in line and "I kö" in line and "Kunden 1 AB" in line
    assert "Avbruten innan den skickades till Pagero." in next(r for r in rows if r.startswith(f"{second.id} "))
    assert out.rstrip().endswith("1 e-fakturor på väg.")


def test_list_of_an_empty_queue(db, capsys):
    assert main(["outbox", "list"]) == 0
    assert "Sändkön är tom." in capsys.readouterr().out


def test_retry_and_cancel_say_what_they_did(db, capsys):
    (row,) = queued(1)
    assert main(["outbox", "retry", str(row.id)]) == 1
    assert "bara en e-faktura med fel" in capsys.readouterr().err  # a refusal goes to stderr
    assert main(["outbox", "cancel", str(row.id)]) == 0
    assert f"faktura {row.invoice.number}): Avbruten." in capsys.readouterr().out
    assert Transmission.get_by_id(row.id).state == TransmissionState.CANCELLED
    assert main(["outbox", "cancel", "999"]) == 1
    assert "ingen e-faktura i sändkön med id 999" in capsys.readouterr().err


def test_run_once_sends_what_is_due(db, connected, outbox_control, capsys):
    rows = queued(3)
    assert main(["outbox", "run", "--once", "--intervals", "0", "--answer-intervals", "3600"]) == 0
    assert {Transmission.get_by_id(r.id).state for r in rows} == {TransmissionState.DELIVERED}
    assert "Alla e-fakturor är skickade" in capsys.readouterr().out


def test_run_once_without_a_connection_says_so(db, outbox_sandbox, secret_service, capsys):
    (row,) = queued(1)
    assert main(["outbox", "run", "--once"]) == 1
    assert "Inte ansluten till Pagero" in capsys.readouterr().out
    assert Transmission.get_by_id(row.id).state == "queued"


def test_run_stops_cleanly_on_sigterm(db, isolated_data_dir):
    env = dict(os.environ, PYTHONPATH=str(REPO),
               KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    process = subprocess.Popen([sys.executable, "-m", "kassa", "outbox", "run"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = process.stdout.readline()
    assert "Sändkön körs" in first
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Sändkön stoppad." in out


def test_background_sender_sends_and_stops(db, connected, outbox_control):
    rows = queued(2)
    sender = BackgroundSender("Kassa 1", client_factory=client_factory(connected), policy=fast_policy(idle=30))
    sender.start()
    try:
        assert sender.running
        deadline = time.monotonic() + 30
        while {Transmission.get_by_id(r.id).state for r in rows} != {TransmissionState.DELIVERED}:
            assert time.monotonic() < deadline, "not delivered in 30 s"
            time.sleep(0.05)
        # A new e-invoice is picked up at once on wake(), not after the 30 s idle wait.
        (late,) = [enqueue_invoice(i.id) for i in issue_e_invoices(1)]
        sender.wake()
        deadline = time.monotonic() + 10
        while Transmission.get_by_id(late.id).state != TransmissionState.DELIVERED:
            assert time.monotonic() < deadline, "wake() did not start a round"
            time.sleep(0.05)
    finally:
        started = time.monotonic()
        assert sender.stop(timeout=10)
    assert time.monotonic() - started < 5
    assert not sender.running
    assert sender.status.connected
