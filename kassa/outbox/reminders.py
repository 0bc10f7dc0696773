"""A reminder for an e-invoice customer through the send queue, exactly once like an invoice.

What goes is the reminder's fee and interest as a PEPPOL BIS 3 invoice (a räntefaktura that
carries the reminder as its note; kassa.peppol.reminder_ubl says why that and nothing else).
It takes the invoice's path: checks, UBL, the official validation, then one row of its own
(``Transmission.reminder``, unique) stored with the reminder's delivery in one transaction,
uploaded, reconciled and followed up by the same sender, its state changes in the invoice's
audit log. A reminder that charges nothing is no invoice: SendBlocked says to print it or
send the PDF.

    enqueue_reminder(reminder.id, till="Kassa 1")   # SendBlocked (Swedish) if it cannot go
"""
from __future__ import annotations

import logging

from kassa.models import Company, Invoice, Reminder, Transmission, TransmissionState, utcnow
from kassa.outbox.enqueue import SendBlocked, official_validation, sender_reference, store_row

log = logging.getLogger(__name__)

NOT_E_INVOICE = "Kunden tar inte emot e-faktura. Skriv ut påminnelsen eller spara den som PDF."
NOTHING_TO_INVOICE = (
    "Påminnelsen tar inte ut någon avgift eller ränta, så den är ingen faktura och skickas inte som e-faktura: "
    "Peppol har ingen påminnelse som svenska offentliga köpare tar emot, och en påminnelse utan krav behöver "
    "inte vara elektronisk. Skriv ut den eller spara den som PDF och skicka den till kunden, t.ex. med e-post.")
NOT_SEK = ("Fakturan är i {currency}; påminnelser skickas som e-faktura bara för fakturor i kronor. "
           "Skriv ut påminnelsen eller spara den som PDF.")


def reminder_sender_reference(company: Company, invoice: Invoice, reminder: Reminder) -> str:
    return f"{sender_reference(company, invoice)}-P{reminder.sequence}"


def check_reminder(reminder: Reminder) -> list[str]:
    """What keeps the reminder from going as an e-invoice, in Swedish; [] when it can go."""
    from kassa.peppol.checks import check_buyer, check_reference, check_seller

    invoice: Invoice = reminder.invoice
    if not reminder.e_invoice:
        return [NOT_E_INVOICE]
    if reminder.fee + reminder.interest <= 0:
        return [NOTHING_TO_INVOICE]
    if (invoice.currency or "SEK") != "SEK":
        return [NOT_SEK.format(currency=invoice.currency)]
    problems = (check_seller(invoice.seller or {}) + check_buyer(invoice.buyer or {})
                + check_reference(invoice.buyer_reference))
    return [p.message_sv for p in problems]


def enqueue_reminder(reminder_id: int, till: str = "") -> Transmission:
    """Decide to send the reminder through Pagero: checks, UBL, official validation, then its row and its
    delivery, in one transaction. SendBlocked (nothing stored) when it cannot go; idempotent."""
    existing = Transmission.get_or_none(Transmission.reminder == reminder_id)
    if existing is not None:
        return existing
    from kassa.models.bookkeeping import reminder_number
    from kassa.peppol.reminder_ubl import build_reminder_ubl

    reminder = Reminder.get_by_id(reminder_id)
    problems = check_reminder(reminder)
    if problems:
        raise SendBlocked(problems)
    invoice: Invoice = reminder.invoice
    xml = build_reminder_ubl(reminder)
    note = official_validation(xml)
    number = reminder_number(invoice.number, reminder.sequence)
    text = (f"Påminnelse {reminder.sequence} ({number}: avgift och ränta som e-faktura) lagd i sändkön för Pagero."
            + (f" {note}" if note else ""))

    def mark() -> None:
        Reminder.update(delivery="e_invoice", delivered_at=utcnow(), payload=xml.decode("utf-8")).where(
            Reminder.id == reminder.id).execute()

    transmission = store_row(
        invoice, xml, reminder_sender_reference(Company.get_solo(), invoice, reminder), text, till,
        "reminder_e_invoice_queued", mark=mark, reminder=reminder,
        existing=lambda: Transmission.get_or_none(Transmission.reminder == reminder_id))
    log.info("reminder %s of invoice %s queued for Pagero as transmission %s", reminder.sequence, invoice.number,
             transmission.id)
    return transmission


def queue_reminder(reminder_id: int, till: str = "") -> TransmissionState:
    """The reminder window's worker job: enqueue, then wake the application's sender. SendBlocked with
    the problems; returns the row's state."""
    from kassa.outbox.background import wake_running_sender

    transmission = enqueue_reminder(reminder_id, till=till)
    wake_running_sender()
    return TransmissionState(transmission.state)
