"""Answers no Pagero should send, through the real sender and real HTTP (sender → fault proxy → stand-in),
on SQLite and PostgreSQL: NUL characters (which PostgreSQL's text cannot hold), lone surrogates (which
no UTF-8 database or log file can hold), a 5 MB string, JSON nested deeper than Python's parser goes,
bytes that are not UTF-8, an HTML page and an empty body, each answered with 200. Each one leaves the row
where it was with "Okänt svar från Pagero: …" (short, logged once), never as an unexpected fault, never
stopping the queue; a stored upload answered so is found by its reference and arrives once."""
from __future__ import annotations

import logging

import pytest

from kassa.models import Transmission, TransmissionState, utcnow
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.sender import Sender
from tests.outbox.fixtures import (
    all_in,
    client_factory,
    fast_policy,
    issue_e_invoices,
    run_until,
    seller,
    uploads_per_number,
)
from tests.pagero.fault_proxy import FaultPlan, FaultProxy

State = TransmissionState
DEEP = b"[" * 100_000 + b"]" * 100_000
ODD_DOCUMENTS = {
    "nul in a status": {"id": "doc-1", "distribution": {"status": "Do\u0000ne"}},
    "lone surrogate in a status": {"id": "doc-1", "distribution": {"status": "\ud800Done"}},
    "5 MB status": {"id": "doc-1", "distribution": {"status": "Done" + "x" * 5_000_000}},
    "nul in the id": {"id": "doc\u0000-1", "distribution": {"status": "Done"}},
    "nested deeper than a parser goes": DEEP,
    "not UTF-8": b'{"id": "doc-1", "distribution": {"status": "D\xf6ne\xff"}}',
    "an HTML page": b"<html><body><h1>Service Temporarily Unavailable</h1></body></html>",
    "an empty body": b"",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def scene(any_db, connected, outbox_sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    seller()
    rows = [enqueue_invoice(i.id) for i in issue_e_invoices(2)]
    with FaultProxy(outbox_sandbox.url, FaultPlan(rate=0.0)) as proxy:
        sender = Sender(client_factory(connected, attempts=1, api_base=proxy.url), "odd-sender",
                        policy=fast_policy(), interest_client_factory=None)
        yield rows, proxy, sender
        sender.close()


@pytest.mark.parametrize("answer", list(ODD_DOCUMENTS))
def test_an_odd_document_answer_leaves_the_row_and_the_queue_as_they_were(scene, caplog, answer):
    (row, other), proxy, sender = scene
    Transmission.update(state=State.ACCEPTED, document_id="doc-1", file_id="file-1", next_attempt_at=utcnow()).where(
        Transmission.id == row.id).execute()
    Transmission.update(next_attempt_at=utcnow()).where(Transmission.id == other.id).execute()
    proxy.plan.paths = ("/document/v1/documents/doc-1",)  # the odd answers go to this row only
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        proxy.plan.replace_next(ODD_DOCUMENTS[answer])
        Transmission.update(next_attempt_at=utcnow()).where(Transmission.id == row.id).execute()
        sender.run_once()  # raises nothing

    stuck = Transmission.get_by_id(row.id)
    assert stuck.state == State.ACCEPTED and stuck.document_id == "doc-1"
    assert stuck.last_error.startswith("Okänt svar från Pagero: "), stuck.last_error
    assert len(stuck.last_error) < 300 and "\x00" not in stuck.last_error
    assert [m["unknown"] for m in stuck.messages if m.get("unknown")] == [stuck.last_error], "said once"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "no unexpected fault"
    said = [r for r in caplog.records if f"transmission {row.id}:" in r.getMessage()]
    assert len(said) == 1 and len(said[0].getMessage()) < 1000, "logged once, briefly"
    assert Transmission.get_by_id(other.id).state != State.QUEUED, "the row beside it went on"


ODD_UPLOAD_ANSWERS = {
    "nested deeper than a parser goes": DEEP,
    "bytes that are not text": b"\xff\xfe\x00\x81\xfe\x00\xff",
    "an HTML page": ODD_DOCUMENTS["an HTML page"],
    "an empty body": b"",
}


@pytest.mark.parametrize("answer", list(ODD_UPLOAD_ANSWERS))
def test_a_stored_upload_answered_with_an_odd_body_arrives_once(scene, outbox_control, answer):
    (row, other), proxy, sender = scene
    proxy.plan.replace_next(ODD_UPLOAD_ANSWERS[answer])  # the first upload: stored, then this answer

    run_until(sender, all_in((State.DELIVERED,)), timeout=30)

    assert uploads_per_number(outbox_control) == {str(row.invoice.number): 1, str(other.invoice.number): 1}
    assert any("Hittad hos Pagero" in m["text"] for m in Transmission.get_by_id(row.id).messages)

