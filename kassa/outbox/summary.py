"""What the window and `kassa outbox list` show of the send queue: plain values, safe to hand between threads."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import peewee

from kassa.models import (
    Customer,
    InterestRequest,
    Invoice,
    Reminder,
    Transmission,
    TransmissionState,
)
from kassa.models.transmissions import ACTIVE_STATES, FINAL_STATES, PROBLEM_STATES, invoice_row
from kassa.outbox.documents import document_label
from kassa.outbox.interest import PENDING
from kassa.outbox.states import NOT_CONNECTED_TEXT, state_text
from kassa.plural import count_of


@dataclass
class Problem:
    transmission_id: int
    invoice_number: int
    customer: str
    state: TransmissionState
    text: str
    reminder_sequence: int | None = None  # the row sends this reminder of the invoice

    @property
    def label(self) -> str:
        return document_label(self.invoice_number, reminder_sequence=self.reminder_sequence)


@dataclass
class QueueSummary:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    not_connected: bool = False
    not_connected_text: str = ""
    interest_pending: int = 0
    unsent: int = 0  # issued e-invoices not handed to the queue (see unsent_e_invoices)

    @property
    def in_progress(self) -> int:
        return sum(self.counts.get(s, 0) for s in ACTIVE_STATES)

    @property
    def text(self) -> str:
        """One Swedish line for the status indicator."""
        parts = []
        if self.not_connected:
            parts.append(NOT_CONNECTED_TEXT)
        if self.in_progress:
            parts.append(f"{count_of(self.in_progress, 'e-faktura', 'e-fakturor')} på väg")
        if self.problems:
            parts.append(f"{len(self.problems)} behöver åtgärd")
        if self.unsent:
            unsent = count_of(self.unsent, "e-faktura ej skickad", "e-fakturor ej skickade")
            parts.append(f"{unsent} (skicka med Skriv ut under Fakturor)")
        return " · ".join(parts) or "Alla e-fakturor är skickade"


def queue_summary(problem_limit: int = 50) -> QueueSummary:
    per_state = Transmission.select(Transmission.state, peewee.fn.COUNT(Transmission.id)).group_by(Transmission.state)
    # peewee yields tuples here; its type stubs still say model instances.
    counts = Counter({state: n for state, n in cast(Iterable[tuple[str, int]], per_state.tuples())})
    problems = [
        Problem(row.id, row.invoice.number, row.invoice.customer.name, row.state,
                row.last_error or state_text(row.state), _sequence(row))
        for row in _with_documents(Transmission.select(Transmission, Invoice, Customer, Reminder.sequence))
        .where(Transmission.state.in_(PROBLEM_STATES)).order_by(Transmission.updated_at.desc()).limit(problem_limit)
    ]
    parked = (Transmission.select(Transmission.last_error)
              .where(Transmission.state.in_(ACTIVE_STATES) & Transmission.last_error.startswith(NOT_CONNECTED_TEXT))
              .first())
    interest = InterestRequest.select().where(InterestRequest.state.in_(PENDING)).count()
    return QueueSummary(dict(counts), problems, parked is not None, parked.last_error if parked else "", interest,
                        len(unsent_e_invoices()))


@dataclass(frozen=True)
class UnsentInvoice:
    invoice_id: int
    number: int
    customer: str


def unsent_e_invoices() -> list[UnsentInvoice]:
    """Issued invoices and credit notes to an e-invoice buyer that were never handed to the send queue
    (the print action not taken, or blocked by checks): they must still reach the buyer, so every list says so."""
    # The buyer snapshot is JSON text with sorted keys (kassa.models.fields.JsonField); the text test only
    # narrows the rows, the snapshot read back decides.
    query = (Invoice.select(Invoice.id, Invoice.number, Invoice.buyer)
             .join(Transmission, peewee.JOIN.LEFT_OUTER, on=invoice_row(Invoice.id))
             .where(Transmission.id.is_null() & (Invoice.delivery != "e_invoice")
                    & Invoice.buyer.contains('"e_invoice": true'))
             .order_by(Invoice.number))
    return [UnsentInvoice(row.id, row.number, (row.buyer or {}).get("name", "")) for row in query
            if (row.buyer or {}).get("e_invoice") is True]


def _with_documents(query: peewee.ModelSelect[Transmission]) -> peewee.ModelSelect[Transmission]:
    """A transmission query joined to its invoice, customer and (when it sends one) reminder."""
    return (query.join(Invoice).join(Customer)
            .join(Reminder, peewee.JOIN.LEFT_OUTER, on=(Transmission.reminder == Reminder.id), src=Transmission))


def _sequence(row: Transmission) -> int | None:
    """The reminder's number of a row from ``_with_documents`` (None: the row sends the invoice)."""
    return row.reminder.sequence if row.reminder is not None else None


def label_of(row: Transmission) -> str:
    """What a row from ``list_transmissions`` sends, as lists name it ("10015", "10015 påminnelse 1")."""
    return document_label(row.invoice.number, row.invoice.kind, _sequence(row))


def list_transmissions(states: list[str] | None = None, limit: int | None = None) -> list[Transmission]:
    """Newest first, with invoice, customer and reminder joined."""
    query = (_with_documents(Transmission.select(Transmission, Invoice, Customer, Reminder.sequence))
             .order_by(Transmission.updated_at.desc(), Transmission.id.desc()))
    if states:
        query = query.where(Transmission.state.in_(states))
    if limit:
        query = query.limit(limit)
    return list(query)


def last_message(row: Transmission) -> str:
    if row.last_error:
        return row.last_error
    messages = row.messages or []
    return str(messages[-1].get("text") or "") if messages else ""


def invoice_transmission_state(invoice_id: int) -> TransmissionState | None:
    """The state of an invoice's e-invoice now, None when it is not one (a worker job)."""
    row = Transmission.select(Transmission.state).where(invoice_row(invoice_id)).first()
    return row.state if row else None


# -- E-fakturor: every e-invoice and its messages ----------------------------------------------


def local_time(value: dt.datetime | None) -> str:
    """Stored naive UTC, shown in the computer's time zone."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def local_zone() -> str:
    """The computer's time zone as its clock names it now ("CET", "CEST"), for a heading over local times."""
    return dt.datetime.now().astimezone().tzname() or "lokal tid"


def message_text(message: Any) -> str:
    if isinstance(message, dict):
        return str(message.get("text") or message.get("message") or message.get("description") or "")
    return str(message)


def message_time(message: Any) -> str:
    """The message's own time ("2026-03-02T10:00:00Z"), in local time; "" when it has none."""
    at = message.get("at") if isinstance(message, dict) else None
    if not at:
        return ""
    try:
        return local_time(dt.datetime.fromisoformat(str(at).replace("Z", "+00:00")).replace(tzinfo=None))
    except ValueError:
        return str(at)


@dataclass(frozen=True)
class TransmissionRow:
    """What E-fakturor shows of one Transmission."""

    id: int
    invoice_number: int
    invoice_kind: str
    customer: str
    state: TransmissionState
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    attempts: int
    send_mode: str
    document_id: str
    last_error: str
    messages: tuple[str, ...]
    message_times: tuple[str, ...]
    buyer_response: str
    buyer_response_at: dt.datetime | None
    reminder_sequence: int | None = None  # the row sends this reminder of the invoice

    @property
    def label(self) -> str:
        """"10015", "10016 kredit", "10015 påminnelse 1"."""
        return document_label(self.invoice_number, self.invoice_kind, self.reminder_sequence)

    @property
    def can_retry(self) -> bool:
        return self.state in PROBLEM_STATES

    @property
    def can_cancel(self) -> bool:
        """Before Pagero has a document for it; kassa.outbox.actions.cancel says why when it still cannot."""
        return (self.state not in FINAL_STATES and self.state != TransmissionState.UPLOADING
                and not self.document_id)


def load_transmissions() -> list[TransmissionRow]:
    """Every transmission, newest first (runs in a worker thread; never reads the payload)."""
    query = (Transmission
             .select(Transmission.id, Transmission.state, Transmission.created_at, Transmission.updated_at,
                     Transmission.attempts, Transmission.send_mode, Transmission.document_id,
                     Transmission.last_error, Transmission.messages, Transmission.buyer_response,
                     Transmission.buyer_response_at, Transmission.reminder, Invoice.number, Invoice.kind,
                     Customer.name, Reminder.sequence)
             .join(Invoice).join(Customer)
             .join(Reminder, peewee.JOIN.LEFT_OUTER, on=(Transmission.reminder == Reminder.id), src=Transmission)
             .order_by(Transmission.updated_at.desc(), Transmission.id.desc()))
    rows = []
    for t in query:
        invoice = t.invoice
        rows.append(TransmissionRow(
            id=t.id, invoice_number=invoice.number, invoice_kind=invoice.kind, customer=invoice.customer.name,
            state=t.state, created_at=t.created_at, updated_at=t.updated_at, attempts=t.attempts,
            send_mode=t.send_mode, document_id=t.document_id, last_error=t.last_error,
            messages=tuple(message_text(m) for m in (t.messages or []) if message_text(m)),
            message_times=tuple(message_time(m) for m in (t.messages or []) if message_text(m)),
            buyer_response=t.buyer_response,
            buyer_response_at=t.buyer_response_at, reminder_sequence=_sequence(t)))
    return rows
