"""The invoice list (Fakturor): one typed row per invoice, with its e-invoice state, found by number or customer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from kassa.customer_search import prefix_upper_bound
from kassa.models import Customer, Invoice, Transmission, TransmissionState


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

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"


def load_invoices(text: str = "", limit: int = 500) -> list[InvoiceRow]:
    """Newest first (a worker job).

    Empty text: the newest invoices. Digits: that invoice number. Otherwise customers whose name
    starts with the text (the same index range as the customer search)."""
    query = (Invoice.select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.buyer,
                            Invoice.payable, Invoice.status, Invoice.delivery, Transmission.state)
             .join(Transmission, JOIN.LEFT_OUTER, on=(Transmission.invoice == Invoice.id)))
    text = (text or "").strip()
    if text.isdigit():
        query = query.where(Invoice.number == int(text))
    elif text:
        key = text.casefold()
        query = query.join(Customer, on=(Invoice.customer == Customer.id), src=Invoice).where(
            (Customer.name_key >= key) & (Customer.name_key < prefix_upper_bound(key)))
    return [
        InvoiceRow(inv.id, inv.number, inv.kind, inv.issue_date, inv.buyer.get("name", ""), inv.payable,
                   inv.status, inv.delivery, inv.state)
        for inv in query.order_by(Invoice.number.desc()).limit(limit).objects()
    ]
