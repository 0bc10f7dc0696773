"""The invoice list (Fakturor): one typed row per invoice, with its e-invoice state, found by number or customer."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from peewee import JOIN

from kassa.bookkeeping.receivables import receivables, state_filter, state_text
from kassa.customer_search import prefix_upper_bound
from kassa.models import Customer, Invoice, Transmission, TransmissionState
from kassa.models.transmissions import invoice_row


@dataclass(frozen=True)
class InvoiceRow:
    """What the list shows of one invoice: plain values, safe to hand between threads."""

    id: int
    number: int
    kind: str  # 'invoice' | 'credit_note'
    issue_date: dt.date
    customer: str
    payable: Decimal
    status: str  # 'issued' | 'credited' | 'partly_credited'
    delivery: str  # '' | 'paper' | 'e_invoice'
    transmission_state: TransmissionState | None  # None: not an e-invoice
    payment: str = ""  # paid / partly paid / unpaid / overdue, as the list shows it
    e_invoice: bool = False  # the buyer takes e-invoices: with no transmission it is not sent yet

    @property
    def unsent_e_invoice(self) -> bool:
        return self.e_invoice and self.transmission_state is None and self.delivery != "e_invoice"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"


def load_invoices(text: str = "", limit: int = 500, payment: str = "") -> list[InvoiceRow]:
    """Newest first (a worker job).

    Empty text: the newest invoices. Digits: that invoice number. Otherwise customers whose name
    starts with the text (the same index range as the customer search). `payment`: a key of
    kassa.bookkeeping.receivables.FILTERS (paid, overdue …), or "" for all."""
    query = (Invoice.select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.buyer,
                            Invoice.payable, Invoice.status, Invoice.delivery, Transmission.state)
             .join(Transmission, JOIN.LEFT_OUTER, on=invoice_row(Invoice.id)))  # not its reminders' rows
    text = (text or "").strip()
    if text.isdigit():
        query = query.where(Invoice.number == int(text))
    elif text:
        key = text.casefold()
        query = query.join(Customer, on=(Invoice.customer == Customer.id), src=Invoice).where(
            (Customer.name_key >= key) & (Customer.name_key < prefix_upper_bound(key)))
    condition = state_filter(payment)
    if condition is not None:
        query = query.where(condition)
    # peewee yields tuples here; its type stubs still say model instances.
    found = list(cast(Iterable[tuple[Any, ...]], query.order_by(Invoice.number.desc()).limit(limit).tuples()))
    owed = receivables(row[0] for row in found)
    rows = []
    for id_, number, kind, issue_date, buyer, payable, status, delivery, state in found:
        receivable = owed.get(id_)
        paid = state_text(receivable.state(), receivable.open, receivable.paid) if receivable else ""
        rows.append(InvoiceRow(id_, number, kind, issue_date, (buyer or {}).get("name", ""), payable, status,
                               delivery, _state(state), paid, (buyer or {}).get("e_invoice") is True))
    return rows


def _state(value: str | None) -> TransmissionState | None:
    """A state read as a plain value (in a tuple, peewee leaves the joined column as stored)."""
    if value is None:
        return None
    try:
        return TransmissionState(value)
    except ValueError:
        return None
