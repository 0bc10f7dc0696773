"""What a transmission sends: an invoice or credit note, or a reminder's charges; its number and its name."""
from __future__ import annotations

from kassa.models import Invoice, Reminder, Transmission
from kassa.models.bookkeeping import reminder_number


def document_number(row: Transmission) -> str:
    """The document's own number as sent (cbc:ID): the invoice number, or the reminder's ("10015-P1")."""
    invoice = Invoice.select(Invoice.number).where(Invoice.id == row.invoice_id).get()
    if row.reminder_id is None:
        return str(invoice.number)
    reminder = Reminder.select(Reminder.sequence).where(Reminder.id == row.reminder_id).get()
    return reminder_number(invoice.number, reminder.sequence)


def document_label(invoice_number: int, kind: str = "invoice", reminder_sequence: int | None = None) -> str:
    """How lists name it: "10015", "10016 kredit", "10015 påminnelse 1"."""
    if reminder_sequence is not None:
        return f"{invoice_number} påminnelse {reminder_sequence}"
    return f"{invoice_number} kredit" if kind == "credit_note" else str(invoice_number)
