"""Exactly once under faults: Pagero failing 30 % of the calls, and two senders on PostgreSQL.

The stand-in's duplicate document control is off (outbox_fixtures), and the uploads are counted per
invoice number at the stand-in: a second upload of any invoice fails these tests.
"""
from __future__ import annotations

import pytest

from kassa.models import AuditEvent, Transmission, TransmissionState
from kassa.outbox.enqueue import enqueue_invoice
from tests.outbox.fixtures import (
    all_in,
    fault_settings,
    issue_e_invoices,
    make_sender,
    run_in_threads,
    seller,
    uploads_per_number,
)


@pytest.fixture(autouse=True)
def _no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))


def queue_invoices(count: int) -> set[str]:
    seller()
    return {str(enqueue_invoice(invoice.id).invoice.number) for invoice in issue_e_invoices(count)}


def assert_each_exactly_once(control, numbers: set[str]) -> None:
    counts = uploads_per_number(control)
    twice = {n: c for n, c in counts.items() if c != 1}
    assert not twice, f"uploaded more than once: {twice}"
    assert set(counts) == numbers, f"never uploaded: {sorted(numbers - set(counts))}"


@pytest.mark.slow
def test_200_invoices_through_30_percent_faults_each_delivered_once(db, connected, outbox_control):
    numbers = queue_invoices(200)
    outbox_control.faults(**fault_settings(seed=20261127))
    senders = [make_sender(connected, f"sender-{i}", reconcile_grace=2.5) for i in range(2)]
    # The client gives up on a slow answer after 0.3 s: a timeout, while the stand-in still handles it.
    for sender in senders:
        sender.client_factory = _with_read_timeout(connected, 0.3)

    run_in_threads(senders, all_in((TransmissionState.DELIVERED,)), timeout=150)

    injected = outbox_control.injected()
    assert {"500", "429", "slow", "drop", "drop_after"} <= set(injected), injected
    assert sum(injected.values()) > 100
    assert_each_exactly_once(outbox_control, numbers)
    assert Transmission.select().where(Transmission.state == TransmissionState.DELIVERED).count() == 200


def _with_read_timeout(backend, seconds: float):
    from tests.outbox.fixtures import client_factory

    return client_factory(backend, read_timeout=seconds)


@pytest.mark.postgres
def test_two_senders_on_one_postgresql_database_send_nothing_twice(pg_db, connected, outbox_control):
    numbers = queue_invoices(120)
    outbox_control.faults(**fault_settings(seed=7, probability=0.1))
    senders = [make_sender(connected, f"server-{i}", batch=5) for i in range(3)]
    for sender in senders:
        sender.client_factory = _with_read_timeout(connected, 0.3)

    run_in_threads(senders, all_in((TransmissionState.DELIVERED,)), timeout=150)

    assert_each_exactly_once(outbox_control, numbers)
    actors = {e.actor for e in AuditEvent.select().where(AuditEvent.event == "e_invoice_uploading")}
    assert len(actors) >= 2, "the senders shared the work"
