"""The print action's decision to e-invoice: checks, validation, one row per invoice."""
from __future__ import annotations

import threading

import pytest

from kassa.models import AuditEvent, Invoice, Transmission, TransmissionState
from kassa.outbox.enqueue import RULES_MISSING_NOTE, SendBlocked, enqueue_invoice
from kassa.outbox.summary import queue_summary
from tests.outbox.fixtures import e_invoice_customer, issue_e_invoices, seller


@pytest.fixture
def no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules-here"))


def test_enqueue_twice_gives_one_row(db, no_rule_pack):
    seller()
    invoice = issue_e_invoices(1)[0]

    first = enqueue_invoice(invoice.id, till="Kassa 1")
    second = enqueue_invoice(invoice.id, till="Kassa 2")

    assert first.id == second.id
    assert Transmission.select().count() == 1
    row = Transmission.get()
    assert row.state == TransmissionState.QUEUED
    assert row.sender_reference == f"kassa-5566778899-{invoice.number}"
    assert row.company_id and row.send_mode == "Test"
    assert f"<cbc:ID>{invoice.number}</cbc:ID>" in row.payload
    assert Invoice.get_by_id(invoice.id).delivery == "e_invoice"
    events = [e.event for e in AuditEvent.select().where(AuditEvent.invoice == invoice)]
    assert events.count("e_invoice_queued") == 1


def test_without_rule_pack_it_is_sent_and_says_so(db, no_rule_pack):
    seller()
    invoice = issue_e_invoices(1)[0]
    row = enqueue_invoice(invoice.id)
    assert RULES_MISSING_NOTE in row.messages[0]["text"]
    event = AuditEvent.get((AuditEvent.invoice == invoice) & (AuditEvent.event == "e_invoice_queued"))
    assert "inte installerad" in event.message


def test_with_rule_pack_the_invoice_is_validated(db, rule_pack_env):
    seller()
    invoice = issue_e_invoices(1)[0]
    row = enqueue_invoice(invoice.id)
    assert row.state == TransmissionState.QUEUED
    assert "inte installerad" not in row.messages[0]["text"]


def test_print_action_problems_store_nothing(db, no_rule_pack):
    seller()
    customer = e_invoice_customer(reference="", street="")
    invoice = issue_e_invoices(1, customer)[0]

    with pytest.raises(SendBlocked) as blocked:
        enqueue_invoice(invoice.id)

    message = str(blocked.value)
    assert "Er referens" in message
    assert "saknar adress" in message and "kundregistret" in message
    assert len(blocked.value.problems) == 2
    assert Transmission.select().count() == 0
    assert Invoice.get_by_id(invoice.id).delivery == ""
    assert not AuditEvent.select().where(AuditEvent.event.startswith("e_invoice")).exists()


def test_two_tills_at_once_on_postgresql(pg_db, no_rule_pack):
    seller()
    invoice = issue_e_invoices(1)[0]
    barrier = threading.Barrier(4)
    results, errors = [], []

    def till(name: str) -> None:
        try:
            barrier.wait()
            results.append(enqueue_invoice(invoice.id, till=name).id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            pg_db.close()

    threads = [threading.Thread(target=till, args=(f"Kassa {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len(set(results)) == 1
    assert Transmission.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.event == "e_invoice_queued").count() == 1


def test_queue_summary_counts_and_text(db, no_rule_pack):
    seller()
    for invoice in issue_e_invoices(3):
        enqueue_invoice(invoice.id)
    summary = queue_summary()
    assert summary.counts == {"queued": 3}
    assert summary.in_progress == 3
    assert summary.text == "3 e-fakturor på väg"
    assert not summary.not_connected and not summary.problems
