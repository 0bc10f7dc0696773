"""The sender against the stand-in over real HTTP on 127.0.0.1, tokens in the real keyring."""
from __future__ import annotations

import time

import pytest

from kassa.models import AuditEvent, InterestRequest, Transmission, TransmissionState, utcnow
from kassa.outbox.actions import OutboxError, cancel, retry
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.interest import queue_interest
from kassa.outbox.sender import Sender
from kassa.outbox.summary import queue_summary
from kassa.pagero.client import PageroClient, RetryPolicy
from tests.factories import wait_until
from tests.outbox.fixtures import (
    SLOW_SECONDS,
    all_in,
    client_factory,
    connect,
    issue_e_invoices,
    make_sender,
    run_until,
    seller,
    uploads_per_number,
)
from tests.pagero.fixtures import COMPANY_ID, free_port


@pytest.fixture(autouse=True)
def _no_rule_pack(tmp_path, monkeypatch):
    # Validation is covered in test_outbox_enqueue; here the sending matters.
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))


def queue(count: int) -> list:
    return [enqueue_invoice(invoice.id) for invoice in issue_e_invoices(count)]


def events(row) -> list[str]:
    return [e.event for e in AuditEvent.select().where(AuditEvent.invoice == row.invoice_id).order_by(AuditEvent.id)]


def test_queued_invoices_are_delivered_once(db, connected, outbox_control):
    seller()
    rows = queue(5)
    sender = make_sender(connected)
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)

    counts = uploads_per_number(outbox_control)
    assert sorted(counts) == sorted(str(r.invoice.number) for r in rows)
    assert set(counts.values()) == {1}
    row = Transmission.get_by_id(rows[0].id)
    assert row.file_id and row.document_id
    assert events(row)[:3] == ["issued", "e_invoice_queued", "e_invoice_uploading"]
    assert "e_invoice_uploaded" in events(row) and events(row)[-1] == "e_invoice_delivered"
    assert [m["state"] for m in row.messages][-1] == TransmissionState.DELIVERED
    # The payload stored is what the stand-in received.
    files = outbox_control.files()["items"]
    assert {f["senderReference"] for f in files} == {r.sender_reference for r in rows}


def test_the_buyers_answer_reaches_the_audit_log(db, connected, outbox_control):
    seller()
    accepted, rejected = queue(2)
    outbox_control.script(str(accepted.invoice.number), "delivered", answer="RecipientAccept")
    outbox_control.script(str(rejected.invoice.number), "delivered", answer="RecipientReject",
                          reason="Fel beställningsnummer")
    run_until(make_sender(connected), all_in((TransmissionState.APPROVED, TransmissionState.REJECTED)), timeout=30)

    assert Transmission.get_by_id(accepted.id).state == TransmissionState.APPROVED
    row = Transmission.get_by_id(rejected.id)
    assert row.state == TransmissionState.REJECTED and row.buyer_response == "RecipientReject"
    event = AuditEvent.get((AuditEvent.invoice == row.invoice_id) & (AuditEvent.event == "e_invoice_rejected"))
    assert "Köparen har avvisat fakturan" in event.message and "Fel beställningsnummer" in event.message


def test_error_at_pagero_then_retry_restarts_the_part(db, connected, outbox_control):
    seller()
    (row,) = queue(1)
    outbox_control.script(str(row.invoice.number), "error", description="Mottagaren kunde inte hittas.")
    sender = make_sender(connected)
    run_until(sender, all_in((TransmissionState.ERROR,)), timeout=30)
    row = Transmission.get_by_id(row.id)
    assert row.last_error == "Mottagaren kunde inte hittas."
    assert row.filepart_id
    summary = queue_summary()
    assert summary.problems[0].text == "Mottagaren kunde inte hittas."
    assert "1 behöver åtgärd" in summary.text

    retry(row.id, client_factory(connected), actor="Kassa 1")
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)
    # Restarted at Pagero: still one upload.
    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1}
    assert "e_invoice_processing" in events(row)
    with pytest.raises(OutboxError, match="bara en e-faktura med fel"):
        retry(row.id, client_factory(connected))


def test_awaiting_interaction_can_be_cancelled(db, connected, outbox_control):
    seller()
    waiting, delivered = queue(2)
    outbox_control.script(str(waiting.invoice.number), "awaiting_interaction")
    sender = make_sender(connected)
    run_until(sender, lambda: Transmission.get_by_id(waiting.id).state == TransmissionState.AWAITING_INTERACTION,
              timeout=30)
    run_until(sender, lambda: Transmission.get_by_id(delivered.id).state == TransmissionState.DELIVERED, timeout=30)

    cancel(waiting.id, client_factory(connected))
    assert Transmission.get_by_id(waiting.id).state == TransmissionState.CANCELLED
    part = next(f for f in outbox_control.files()["items"] if f["senderReference"] == waiting.sender_reference)
    assert part["partStatus"] == "Cancelled"
    with pytest.raises(OutboxError, match="kreditfaktura"):
        cancel(delivered.id, client_factory(connected))


def test_cancel_before_sending_needs_no_network(db):
    seller()
    (row,) = [enqueue_invoice(i.id) for i in issue_e_invoices(1)]

    def no_client():
        raise AssertionError("cancelling a queued invoice must not call Pagero")

    assert cancel(row.id, no_client).state == TransmissionState.CANCELLED
    assert Transmission.get_by_id(row.id).state == TransmissionState.CANCELLED
    assert "e_invoice_cancelled" in events(row)


def test_refused_upload_needs_attention_and_retry_requeues(db, connected, outbox_control):
    seller(pagero_company_id="00000000-0000-0000-0000-000000000000")  # not the account's company
    (row,) = queue(1)
    sender = make_sender(connected)
    run_until(sender, all_in((TransmissionState.NEEDS_ATTENTION,)), timeout=30)
    row = Transmission.get_by_id(row.id)
    assert "sendingCompanyId does not belong" in row.last_error  # Pagero's own text
    assert uploads_per_number(outbox_control) == {}

    Transmission.update(company_id=COMPANY_ID).where(Transmission.id == row.id).execute()  # the fix
    assert retry(row.id, client_factory(connected)).state == TransmissionState.QUEUED
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)
    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1}


def test_not_connected_leaves_the_queue_waiting(db, outbox_sandbox, outbox_control, secret_service):
    seller()
    (row,) = queue(1)
    sender = make_sender(secret_service, not_connected_delay=0.5, idle=5.0)

    started = time.process_time()
    assert sender.run_once() == 1
    row = Transmission.get_by_id(row.id)
    assert row.state == TransmissionState.QUEUED
    assert row.last_error.startswith("Inte ansluten till Pagero")
    assert not sender.status.connected and sender.status.message.startswith("Inte ansluten till Pagero")
    summary = queue_summary()
    assert summary.not_connected and summary.text.startswith("Inte ansluten till Pagero")
    # Nothing is due until the delay has passed: the loop sleeps instead of spinning.
    assert sender.run_once() == 0
    assert sender.seconds_until_due() > 0.3
    assert time.process_time() - started < 1.0

    connect(outbox_sandbox, secret_service)
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)
    assert sender.status.connected
    assert not queue_summary().not_connected


def test_row_caught_mid_upload_is_adopted_not_posted_again(db, connected, outbox_control):
    seller()
    (row,) = queue(1)
    # A sender uploaded, then died before it could store the file id.
    client = client_factory(connected)()
    client.upload(row.payload.encode(), "x.xml", "Invoice", "Test", COMPANY_ID, row.sender_reference)
    Transmission.update(state=TransmissionState.UPLOADING, updated_at=utcnow(), next_attempt_at=utcnow()).where(
        Transmission.id == row.id).execute()

    run_until(make_sender(connected), all_in((TransmissionState.DELIVERED,)), timeout=30)
    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1}
    row = Transmission.get_by_id(row.id)
    assert row.file_id and row.document_id
    assert any("efter avbrott" in m["text"] for m in row.messages)


def test_row_caught_mid_upload_with_nothing_at_pagero_is_posted_after_the_grace(db, connected, outbox_control):
    seller()
    (row,) = queue(1)
    Transmission.update(state=TransmissionState.UPLOADING, updated_at=utcnow(), next_attempt_at=utcnow()).where(
        Transmission.id == row.id).execute()
    sender = make_sender(connected, reconcile_grace=1.0)
    started = time.monotonic()
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)
    assert time.monotonic() - started >= 1.0  # it waited for a file that might still show up
    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1}


def test_interest_requests_queued_offline_are_sent_when_pagero_is_up(db, outbox_sandbox, outbox_control,
                                                                      monkeypatch, caplog):
    form = {"companyName": "Hörnbutiken AB", "address": "Storgatan 1", "orgNumber": "5560360793",
            "postalCode": "411 01", "invoicesPerYear": "1200", "contactName": "Anna Andersson",
            "email": "anna@hornbutiken.se", "phone": "031-123456"}
    online_url = f"{outbox_sandbox.url}/partner/v1/interest"
    monkeypatch.setenv("KASSA_INTEREST_URL", f"http://127.0.0.1:{free_port()}/partner/v1/interest")  # offline
    request = queue_interest(form)

    def offline_client():
        return PageroClient(None, retry=RetryPolicy(attempts=2, base_delay=0.01))

    sender = Sender(lambda: None, "interest-test", policy=make_sender(None).policy,
                    interest_client_factory=offline_client)
    sender.run_once()
    request = InterestRequest.get_by_id(request.id)
    assert request.state == "queued" and request.attempts == 1 and request.last_error
    assert queue_summary().interest_pending == 1

    monkeypatch.setenv("KASSA_INTEREST_URL", online_url)  # Pagero reachable again
    sender.interest.client_factory = lambda: PageroClient(None)
    sender.interest.close()  # the next round makes a client that reaches Pagero
    wait_until(lambda: InterestRequest.get_by_id(request.id).state == "sent", 10,
               between=lambda: (sender.run_once(), time.sleep(0.05)))
    (received,) = outbox_control.interest()
    assert received["companyName"] == "Hörnbutiken AB" and received["email"] == "anna@hornbutiken.se"
    assert "unknown transmission state" not in caplog.text  # a form's states are its own, not a transmission's


def test_upload_answered_too_late_is_found_not_posted_twice(db, connected, outbox_control):
    seller()
    (row,) = queue(1)
    # The stand-in takes the upload 1 s late; the client stops waiting after 0.3 s.
    outbox_control.faults(next=["slow"], slow_seconds=SLOW_SECONDS)
    sender = make_sender(connected, reconcile_grace=2.0)
    sender.client_factory = client_factory(connected, read_timeout=0.3)
    run_until(sender, all_in((TransmissionState.DELIVERED,)), timeout=30)
    assert outbox_control.injected() == {"slow": 1}
    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1}
    assert any("efter avbrott" in m["text"] for m in Transmission.get_by_id(row.id).messages)
