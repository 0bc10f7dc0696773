"""A reminder for an e-invoice customer through the send queue, against the stand-in over real HTTP on
127.0.0.1 with tokens in the real keyring: its own row beside the invoice's, exactly once, validated,
uploaded, followed to delivery and the buyer's answer; what cannot go is refused with nothing stored."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import peewee
import pytest

from kassa.bookkeeping.reminders import issue_reminder, issued_reminders
from kassa.invoicing import issue_invoice
from kassa.models import AuditEvent, BookkeepingSettings, ReferenceRate, Reminder, Transmission, TransmissionState
from kassa.models.database import write_transaction
from kassa.money import LineInput
from kassa.outbox.enqueue import SendBlocked, enqueue_invoice
from kassa.outbox.reminders import NOT_E_INVOICE, NOTHING_TO_INVOICE, enqueue_reminder
from kassa.outbox.summary import label_of, list_transmissions, load_transmissions
from tests.outbox.fixtures import all_in, e_invoice_customer, make_sender, run_until, seller, start_sandbox

TODAY = dt.date.today()
ISSUED = TODAY - dt.timedelta(days=60)


@pytest.fixture
def no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules-here"))


def overdue(customer=None, fee_agreed: bool = True, interest: bool = True):
    """An e-invoice issued 60 days ago (due 30 days ago), and the settings and rates a reminder needs."""
    seller()
    for start in {dt.date(d.year, 1 if d.month < 7 else 7, 1) for d in (ISSUED - dt.timedelta(days=200), ISSUED,
                                                                      TODAY)}:
        ReferenceRate.get_or_create(valid_from=start, defaults={"rate": Decimal("2.25")})
    settings = BookkeepingSettings.get_solo()
    settings.reminder_fee, settings.reminder_fee_agreed, settings.charge_interest = Decimal("60.00"), fee_agreed, \
        interest
    settings.save()
    return issue_invoice(customer or e_invoice_customer(), [LineInput("Kabel", Decimal(4), Decimal("249.00"), 25)],
                         issue_date=ISSUED)


def events(invoice) -> list[str]:
    return [e.event for e in AuditEvent.select().where(AuditEvent.invoice == invoice).order_by(AuditEvent.id)]


def test_the_reminder_goes_once_beside_its_invoice(db, monkeypatch, secret_service, no_rule_pack):
    """With Pagero's duplicate document control on: the reminder's document has a number of its own."""
    from tests.outbox.fixtures import connect
    from tests.pagero.fixtures import Control

    server = start_sandbox(monkeypatch, duplicate_control=True, default_answer="RecipientAccept")
    try:
        connect(server, secret_service)
        control = Control(server.url)
        invoice = overdue()
        sent = enqueue_invoice(invoice.id)
        reminder = issue_reminder(invoice.id, TODAY, actor="Kassa 1")
        row = enqueue_reminder(reminder.id, till="Kassa 1")
        assert enqueue_reminder(reminder.id, till="Kassa 2").id == row.id  # a second click: the same row
        assert (row.invoice_id, row.reminder_id) == (invoice.id, reminder.id) and row.id != sent.id
        assert row.sender_reference == f"kassa-5566778899-{invoice.number}-P1"
        assert Reminder.get_by_id(reminder.id).delivery == "e_invoice"
        assert f"<cbc:ID>{invoice.number}-P1</cbc:ID>" in row.payload == Reminder.get_by_id(reminder.id).payload

        run_until(make_sender(secret_service), all_in((TransmissionState.APPROVED,)), timeout=30)
        files = {f["senderReference"]: f for f in control.files()["items"]}
        assert set(files) == {sent.sender_reference, row.sender_reference}  # one upload each
        assert files[row.sender_reference]["documentType"] == "Invoice"
        assert files[row.sender_reference]["documentIdentifier"] == f"{invoice.number}-P1"
        assert {f["partStatus"] for f in files.values()} == {"Processed"}  # no duplicate error
        done = Transmission.get_by_id(row.id)
        assert done.document_id and done.buyer_response == "RecipientAccept"
        logged = events(invoice)
        assert "reminder_e_invoice_queued" in logged and "reminder_e_invoice_delivered" in logged
        assert logged[-1] in ("reminder_e_invoice_approved", "e_invoice_approved")
        assert "e_invoice_approved" in logged and "reminder_e_invoice_approved" in logged
        message = AuditEvent.get((AuditEvent.invoice == invoice) & (AuditEvent.event == "reminder_e_invoice_approved"))
        assert message.message.startswith("Påminnelsens e-faktura: ")
        shown = {r.label: r.state for r in load_transmissions()}
        assert shown == {str(invoice.number): TransmissionState.APPROVED,
                         f"{invoice.number} påminnelse 1": TransmissionState.APPROVED}
        assert sorted(label_of(t) for t in list_transmissions()) == sorted(shown)
        [made] = issued_reminders()
        assert made.transmission_state == TransmissionState.APPROVED
    finally:
        server.stop()


def test_the_index_keeps_one_row_per_invoice_and_one_per_reminder(db, no_rule_pack):
    invoice = overdue()
    enqueue_invoice(invoice.id)
    reminder = issue_reminder(invoice.id, TODAY)
    enqueue_reminder(reminder.id)
    row = dict(state="queued", payload="<Invoice/>", invoice=invoice)
    with pytest.raises(peewee.IntegrityError):
        with write_transaction():
            Transmission.create(sender_reference="another-invoice-row", **row)
    with pytest.raises(peewee.IntegrityError):
        with write_transaction():
            Transmission.create(sender_reference="another-reminder-row", reminder=reminder, **row)
    assert Transmission.select().count() == 2


def test_two_clicks_at_once_make_one_row(db, no_rule_pack):
    reminder = issue_reminder(overdue().id, TODAY)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def click() -> None:
        try:
            barrier.wait()
            results.append(enqueue_reminder(reminder.id).id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=click) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(set(results)) == 1
    assert Transmission.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.event == "reminder_e_invoice_queued").count() == 1


def test_with_the_rule_pack_the_reminder_is_validated(db, rule_pack_env):
    reminder = issue_reminder(overdue().id, TODAY)
    row = enqueue_reminder(reminder.id)
    assert row.state == TransmissionState.QUEUED and "inte installerad" not in row.messages[0]["text"]


def test_a_reminder_that_charges_nothing_is_refused_and_nothing_stored(db, no_rule_pack):
    reminder = issue_reminder(overdue(fee_agreed=False, interest=False).id, TODAY)
    assert reminder.e_invoice and reminder.fee == reminder.interest == 0
    with pytest.raises(SendBlocked) as blocked:
        enqueue_reminder(reminder.id)
    assert blocked.value.problems == [NOTHING_TO_INVOICE] and "spara den som PDF" in NOTHING_TO_INVOICE
    assert Transmission.select().count() == 0 and Reminder.get_by_id(reminder.id).delivery == ""


def test_a_paper_customers_reminder_is_refused(db, no_rule_pack):
    from kassa.models import Customer

    paper = Customer.create(number=77, name="Pappersbolaget AB", org_number="5560160680", street="Väg 1",
                            postal_code="11122", city="Stockholm", reference="Bo")
    reminder = issue_reminder(overdue(customer=paper).id, TODAY)
    with pytest.raises(SendBlocked) as blocked:
        enqueue_reminder(reminder.id)
    assert blocked.value.problems == [NOT_E_INVOICE]
    assert Transmission.select().count() == 0
