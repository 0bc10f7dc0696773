"""An unexpected fault while sending is said where a person looks, not only in the log."""
from kassa.models import Transmission, TransmissionState
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.sender import Sender
from tests.outbox.fixtures import fast_policy, issue_e_invoices, seller


def test_an_unexpected_fault_leaves_the_row_queued_with_a_swedish_message(db, tmp_path, monkeypatch):
    from kassa.logging_setup import setup_logging, stop_file_logging

    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    log = setup_logging()  # as the window and `kassa outbox run` do
    seller()
    row = enqueue_invoice(issue_e_invoices(1)[0].id)

    def broken_client():  # a programming error in the client, as a fault we did not foresee would be
        raise ZeroDivisionError("division by zero")

    sender = Sender(broken_client, "test-sender", policy=fast_policy())
    assert sender.run_once() == 1

    row = Transmission.get_by_id(row.id)
    assert row.state == TransmissionState.QUEUED  # nothing lost: it is tried again later
    try:
        assert "oväntat fel" in row.last_error and f"loggen ({log})" in row.last_error
        assert "ZeroDivisionError" in log.read_text(encoding="utf-8"), "the log it names has the error"
    finally:
        stop_file_logging()


def test_without_a_log_file_the_message_names_none(db, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    seller()
    row = enqueue_invoice(issue_e_invoices(1)[0].id)

    def broken_client():
        raise ZeroDivisionError("division by zero")

    Sender(broken_client, "test-sender", policy=fast_policy()).run_once()
    last_error = Transmission.get_by_id(row.id).last_error
    assert "standard error" in last_error and "kassa.log" not in last_error
