"""E-invoices on their way through Pagero (kassa.outbox moves them), and the interest forms."""
from __future__ import annotations

import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.bookkeeping import Reminder
from kassa.models.fields import JsonField
from kassa.models.invoices import Invoice

log = logging.getLogger(__name__)


class TransmissionState(str, Enum):
    """Where an e-invoice stands; the one list of them (their Swedish texts: kassa.outbox.states).

    queued → uploading → uploaded → processing → accepted → delivered | approved | rejected
    | error | awaiting_interaction | cancelled; needs_attention when a person must act.
    A member is its value as a string (``str()``, f-strings, the database, JSON).
    """

    QUEUED = "queued"
    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    PROCESSING = "processing"
    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    APPROVED = "approved"
    REJECTED = "rejected"
    ERROR = "error"
    AWAITING_INTERACTION = "awaiting_interaction"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs_attention"

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @property
    def is_active(self) -> bool:
        """A sender works on it (besides delivered rows that wait for the buyer's answer)."""
        return self in ACTIVE_STATES

    @property
    def is_problem(self) -> bool:
        """A person must look: retry or cancel."""
        return self in PROBLEM_STATES

    @property
    def is_final(self) -> bool:
        """Nothing more will happen to it (a delivered row may still get the buyer's answer)."""
        return self in FINAL_STATES


ACTIVE_STATES = (TransmissionState.QUEUED, TransmissionState.UPLOADING, TransmissionState.UPLOADED,
                 TransmissionState.PROCESSING, TransmissionState.ACCEPTED)
PROBLEM_STATES = (TransmissionState.ERROR, TransmissionState.NEEDS_ATTENTION, TransmissionState.AWAITING_INTERACTION)
FINAL_STATES = (TransmissionState.DELIVERED, TransmissionState.APPROVED, TransmissionState.REJECTED,
                TransmissionState.CANCELLED)


class TransmissionStateField(peewee.CharField):
    """A TransmissionState stored as its value; read back as the member.

    A value this version does not know (written by a newer Kassa at another till) is read as
    the plain text, logged, and matches no state, so nothing acts on it by guess.
    """

    def db_value(self, value: Any) -> Any:
        if isinstance(value, TransmissionState):
            value = value.value
        return super().db_value(value)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            return TransmissionState(value)
        except ValueError:
            log.warning("unknown transmission state %r in the database; left alone", value)
            return value


class Transmission(BaseModel):
    """One e-invoice on its way through Pagero: an invoice or credit note, or a reminder's charges.

    One row per invoice (``reminder`` empty) and one per reminder, each enforced by a unique index:
    ``transmission_invoice_id`` is unique over the rows without a reminder (a partial index), so a
    reminder's row, which names the invoice it reminds of, never makes room for a second invoice row.
    The row exists before any network call; `payload` is the UBL as sent (the electronic original).
    """

    invoice = peewee.ForeignKeyField(Invoice, index=False, backref="transmissions")
    # The reminder whose fee and interest this row sends (kassa.outbox.reminders); None for the invoice itself.
    reminder = peewee.ForeignKeyField(Reminder, null=True, unique=True, backref="transmissions")
    if TYPE_CHECKING:
        invoice_id: int  # peewee's accessor of the foreign key's value
        reminder_id: int | None
    state = TransmissionStateField(default=TransmissionState.QUEUED, index=True)
    sender_reference = peewee.CharField(unique=True)
    send_mode = peewee.CharField(default="Test")
    company_id = peewee.CharField(default="")
    payload = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow, index=True)
    claimed_by = peewee.CharField(default="")
    claimed_at = peewee.DateTimeField(null=True)
    file_id = peewee.CharField(default="")
    filepart_id = peewee.CharField(default="")
    document_id = peewee.CharField(default="")
    last_error = peewee.TextField(default="")
    messages = JsonField(default=list)  # Pagero's own texts, newest last
    buyer_response = peewee.CharField(default="")  # RecipientAccept | RecipientReject | …
    buyer_response_at = peewee.DateTimeField(null=True)

    @property
    def is_reminder(self) -> bool:
        return self.reminder_id is not None


# One row per invoice: unique over the rows that send the invoice itself (schema step 6 made it partial).
Transmission.add_index(Transmission.invoice, unique=True, where=Transmission.reminder.is_null(),
                       name="transmission_invoice_id")


def invoice_row(invoice_id: int | peewee.Field) -> peewee.Expression:
    """The condition for the row that sends the invoice itself (not one of its reminders); an id, or the
    column to join on (``invoice_row(Invoice.id)``)."""
    return (Transmission.invoice == invoice_id) & Transmission.reminder.is_null()


class InterestRequest(BaseModel):
    """An "Anmäl intresse" form: stored first, then sent by the send queue, so none is lost offline."""

    created_at = peewee.DateTimeField(default=utcnow)
    form = JsonField()
    state = peewee.CharField(default="queued", index=True)  # queued | sending | sent | needs_attention
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow)
    last_error = peewee.TextField(default="")
    sent_at = peewee.DateTimeField(null=True)
