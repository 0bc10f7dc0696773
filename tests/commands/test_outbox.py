"""`kassa outbox list | run | retry | cancel`, and the application's background sender thread."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kassa.cli import main
from kassa.models import Transmission, TransmissionState
from kassa.outbox.actions import cancel
from kassa.outbox.background import BackgroundSender
from kassa.outbox.enqueue import enqueue_invoice
from tests.factories import wait_until
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
    assert out.rstrip().endswith("1 e-faktura på väg.")  # the number and the word agree


def test_list_shows_local_time_and_says_so(db, capsys, india_time):
    (row,) = queued(1)
    Transmission.update(updated_at=dt.datetime(2026, 11, 29, 6, 35), state=TransmissionState.DELIVERED,
                        messages=[{"at": "2026-11-29T06:35:00Z", "text": "Delivered to the receiver over PEPPOL."}]
                        ).where(Transmission.id == row.id).execute()
    assert main(["outbox", "list"]) == 0
    header, line = capsys.readouterr().out.splitlines()[:2]
    assert "Ändrad (IST)" in header  # the computer's zone, not UTC
    assert "2026-11-29 12:05" in line and "06:35" not in line  # stored 06:35 UTC
    # The Swedish state first; Pagero's own words after it, as a quote.
    assert line.index("Levererad till köparen") < line.index("Delivered to the receiver over PEPPOL.")


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
    assert main(["outbox", "run", "--once"]) == 3  # EXIT_NOT_CONNECTED
    assert "Inte ansluten till Pagero" in capsys.readouterr().out
    assert Transmission.get_by_id(row.id).state == "queued"
    # Again at once: the row waits a while before it is tried again, and nothing is due now; still 3.
    assert main(["outbox", "run", "--once"]) == 3
    assert "Inte ansluten till Pagero" in capsys.readouterr().out


def test_run_once_without_a_connection_and_an_empty_queue_is_not_exit_0(db, outbox_sandbox, secret_service, capsys):
    assert main(["outbox", "run", "--once"]) == 3
    assert "Inte ansluten till Pagero" in capsys.readouterr().out


def test_run_once_connected_with_an_empty_queue_exits_0(db, connected, capsys):
    assert main(["outbox", "run", "--once"]) == 0
    assert capsys.readouterr().out == "0 steg utförda. Alla e-fakturor är skickade.\n"


def test_run_once_with_invoices_that_need_a_person_exits_4(db, connected, outbox_control, capsys):
    first, second = queued(2)
    outbox_control.script(str(second.invoice.number), "error", description="Receiver unknown.")
    outbox_control.flush()
    code = None
    for _ in range(20):  # the stand-in processes each file a little later: run until both are settled
        code = main(["outbox", "run", "--once", "--intervals", "0", "--answer-intervals", "3600"])
        if {Transmission.get_by_id(r.id).state for r in (first, second)} == {"delivered", "error"}:
            break
        time.sleep(0.1)
    assert code == 4  # EXIT_NEEDS_ATTENTION
    assert "1 behöver åtgärd" in capsys.readouterr().out
    assert Transmission.get_by_id(second.id).last_error == "Receiver unknown."


def test_the_help_documents_the_exit_codes(capsys):
    for command in (["outbox", "run", "--help"], ["outbox", "--help"], ["pagero", "--help"], ["sandbox", "--help"]):
        with pytest.raises(SystemExit):
            main(command)
        text = " ".join(capsys.readouterr().out.split())
        assert "Avslutskoder: 0" in text, command
    with pytest.raises(SystemExit):
        main(["outbox", "run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "3 inte ansluten till Pagero" in text and "4 klart, men e-fakturor behöver åtgärd" in text
    assert "samma roterande kassa.log som programfönstret" in text


def test_run_writes_the_windows_log_and_names_it(db, isolated_data_dir):
    from kassa import config

    env = dict(os.environ, PYTHONPATH=str(REPO),
               KASSA_DATABASE_URL=f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    process = subprocess.Popen([sys.executable, "-m", "kassa", "outbox", "run"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert "Sändkön körs" in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=20)
    log = (config.log_dir() / "kassa.log").read_text(encoding="utf-8")
    assert "kassa.commands.outbox: send queue started as" in log and "send queue stopped" in log


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
        wait_until(lambda: {Transmission.get_by_id(r.id).state for r in rows} == {TransmissionState.DELIVERED},
                   30, message="not delivered in 30 s")
        # A new e-invoice is picked up at once on wake(), not after the 30 s idle wait.
        (late,) = [enqueue_invoice(i.id) for i in issue_e_invoices(1)]
        sender.wake()
        wait_until(lambda: Transmission.get_by_id(late.id).state == TransmissionState.DELIVERED, 10,
                   message="wake() did not start a round")
    finally:
        started = time.monotonic()
        assert sender.stop(timeout=10)
    assert time.monotonic() - started < 5
    assert not sender.running
    assert sender.status.connected
