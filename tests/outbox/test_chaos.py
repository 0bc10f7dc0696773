"""Exactly once under chaos: 200 invoices, 30 % of the uploads failing in every way the fault proxy knows
(refused, stored then 500, stored then dropped, slower than the sender waits, malformed, HTML pages, 429)
and 15 % of the reads failing or reshaped, while ``kassa outbox run`` is killed with SIGKILL at random
moments, at least 10 times, and restarted. Every invoice must arrive exactly once at the stand-in
(duplicate document control is off there, uploads are counted) and end in its true state: delivered,
with the id of the document the stand-in made of it. Several seeds; the same with two senders on one
PostgreSQL database.

Senders are real processes (``python -m kassa outbox run``) talking real HTTP to the proxy in this
process, which forwards to the stand-in (also here); their tokens are in the real keyring.
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
import requests

from kassa.models import AuditEvent, Transmission, TransmissionState
from kassa.outbox.enqueue import enqueue_invoice
from tests.outbox.fixtures import issue_e_invoices, seller
from tests.pagero.fault_proxy import READ_FAULTS, UPLOAD_FAULTS, FaultPlan, FaultProxy

REPO = Path(__file__).resolve().parents[2]
INVOICES = 200
KILLS = 10
RANK = {"queued": 0, "uploading": 1, "uploaded": 2, "processing": 3, "accepted": 4, "delivered": 5}


class ChaosPlan(FaultPlan):
    """30 % of uploads and 15 % of reads fail; the file parts' actions are not used here."""

    def pick(self, method: str, path: str):  # noqa: ANN201 - FaultPlan's
        self.rate = 0.3 if (method, path) == ("POST", "/file/v1/files") else 0.15
        return super().pick(method, path)


def sender_command() -> list[str]:
    # The sender waits 0.3 s for an answer (the proxy's slow answers come after 0.6 s: a timeout after
    # the stand-in stored the file) and tries each read once (the queue's own intervals retry it).
    return [sys.executable, "-m", "kassa", "outbox", "run", "--intervals", "0.05,0.1,0.2,0.4",
            "--answer-intervals", "3600", "--retry-intervals", "0.05,0.1,0.2", "--lease", "1",
            "--grace", "1.5", "--idle", "0.2", "--timeout", "0.3", "--tries", "1", "--batch", "10"]


def progress() -> int:
    """How far the rows have come in all: grows with every step any sender takes."""
    return sum(RANK.get(str(row.state), 0) for row in Transmission.select(Transmission.state))


def delivered() -> int:
    return Transmission.select().where(Transmission.state == TransmissionState.DELIVERED).count()


def stand_in_documents(url: str, token: str) -> dict[str, list[dict]]:
    """The stand-in's sent documents by invoice number (asked directly, not through the proxy)."""
    items = requests.get(f"{url}/document/v1/documents", params={"direction": "Sent", "limit": 1000},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["items"]
    documents: dict[str, list[dict]] = {}
    for document in items:
        documents.setdefault(document["documentInfo"]["documentIdentifier"], []).append(document)
    return documents


def run_chaos(seed: int, database_url: str, senders: int, sandbox, control, backend, tmp_path: Path) -> int:
    """Queue 200 invoices, run ``senders`` sender processes through the proxy, kill them at random;
    returns how many SIGKILLs were sent. Asserts exactly once and the true state of every row."""
    from kassa.pagero.credentials import CredentialStore

    seller()
    numbers = {str(enqueue_invoice(invoice.id).invoice.number) for invoice in issue_e_invoices(INVOICES)}
    rng = random.Random(seed)
    plan = ChaosPlan(seed=seed, upload_faults=UPLOAD_FAULTS, read_faults=READ_FAULTS, slow_seconds=0.6,
                     retry_after=1)
    kills = 0
    with FaultProxy(sandbox.url, plan) as proxy:
        env = dict(os.environ, KASSA_DATABASE_URL=database_url, PYTHONPATH=str(REPO),
                   KASSA_PAGERO_API_BASE=proxy.url)
        log = (tmp_path / "senders.log").open("ab")
        processes: list[subprocess.Popen] = []
        deadline = time.monotonic() + 150
        try:
            while delivered() < INVOICES:
                assert time.monotonic() < deadline, f"{delivered()} of {INVOICES} delivered after {kills} kills"
                processes = [p for p in processes if p.poll() is None]
                while len(processes) < senders:
                    processes.append(subprocess.Popen(sender_command(), cwd=REPO, env=env, stdout=log, stderr=log))
                if kills >= KILLS:
                    time.sleep(0.1)
                    continue
                # A random moment while they work, chosen by progress rather than by the clock (a fast
                # machine cannot finish before the kills), plus a few random milliseconds so that kills
                # land inside uploads as well as between steps.
                target = progress() + rng.randint(5, 45)
                end = time.monotonic() + 30
                while time.monotonic() < end and delivered() < INVOICES and progress() < target:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, 0.05))
                victim = rng.choice(processes)
                if victim.poll() is None and delivered() < INVOICES:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait(30)
                    kills += 1
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
            log.close()
        time.sleep(plan.slow_seconds + 0.3)  # answers the proxy was still holding back
        counts = proxy.counts

    assert kills >= KILLS
    assert {"stored_500", "stored_drop", "slow", "malformed", "refuse_500", "html_502", "drop_before"} <= set(counts)
    assert counts["mutate"] > 0, counts
    uploads = control.files()["counts"]
    twice = {n: c for n, c in uploads.items() if c != 1}
    assert not twice, f"uploaded more than once (seed {seed}, {kills} kills): {twice}"
    assert set(uploads) == numbers, f"never arrived: {sorted(numbers - set(uploads))}"
    # Its true state: delivered, with the one document the stand-in made of it.
    token = CredentialStore(backend).load_tokens().access_token
    documents = stand_in_documents(sandbox.url, token)
    for row in Transmission.select():
        number = str(row.invoice.number)
        [document] = documents[number]
        assert document["distribution"]["status"] == "Done"
        assert (row.state, row.document_id, row.file_id) == (TransmissionState.DELIVERED, document["id"],
                                                             document["fileId"]), number
    return kills


@pytest.fixture(autouse=True)
def _no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 13, 29])
def test_one_sender_killed_at_random_moments_through_faults_sends_each_invoice_once(
        seed, db, isolated_data_dir, outbox_sandbox, outbox_control, connected, tmp_path):
    run_chaos(seed, f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}", 1, outbox_sandbox, outbox_control,
              connected, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("seed", [7])
def test_two_senders_on_postgresql_killed_at_random_moments_through_faults_send_each_invoice_once(
        seed, pg_db, pg_url, outbox_sandbox, outbox_control, connected, tmp_path):
    run_chaos(seed, pg_url, 2, outbox_sandbox, outbox_control, connected, tmp_path)
    actors = {r.actor for r in AuditEvent.select().where(AuditEvent.event == "e_invoice_uploading")}
    assert len({a.split(":")[1] for a in actors}) >= 2, "several sender processes did the work"
