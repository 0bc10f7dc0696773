"""What a customer still owes on an invoice, and the invoice's state, derived from registrations.

An issued invoice is never changed: what is left to pay comes from the invoice's amount, the credit
notes naming it, the charges of its reminders (fee and interest) and the payments placed on it or
on its credit notes (a deduction placed on a credit note is negative: the credit was used up).

    open = payable − credited + reminder charges − placed payments

States: paid (nothing left), partly_paid (something paid, something left), unpaid, overdue
(something left after the due date), overpaid (more paid than owed), credited (credited in full,
nothing paid). The same sum is an SQL expression for the invoice list's filters.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee
from peewee import fn

from kassa.models import Invoice, PaymentAllocation, Reminder
from kassa.models.bulk import rows_in, sums_in
from kassa.money import ZERO

PAID, PARTLY_PAID, UNPAID, OVERDUE, OVERPAID, CREDITED = (
    "paid", "partly_paid", "unpaid", "overdue", "overpaid", "credited")
STATE_TEXTS = {
    PAID: "Betald", PARTLY_PAID: "Delvis betald", UNPAID: "Obetald", OVERDUE: "Förfallen",
    OVERPAID: "Överbetald", CREDITED: "Krediterad",
}


@dataclass
class Receivable:
    invoice_id: int
    number: int
    due_date: dt.date
    payable: Decimal
    credited: Decimal = ZERO
    charges: Decimal = ZERO  # reminder fees and interest
    paid: Decimal = ZERO  # placed on the invoice and on its credit notes

    @property
    def open(self) -> Decimal:
        return self.payable - self.credited + self.charges - self.paid

    @property
    def open_principal(self) -> Decimal:
        """What is left of the invoice itself, were the reminders' charges not paid."""
        return self.payable - self.credited - self.paid

    def state(self, today: dt.date | None = None) -> str:
        return state_of(self.open, self.paid, self.payable - self.credited, self.due_date, today)


def state_of(open_amount: Decimal, paid: Decimal, owed: Decimal, due_date: dt.date,
             today: dt.date | None = None) -> str:
    if open_amount < 0:
        return OVERPAID
    if open_amount == 0:
        return CREDITED if paid == 0 and owed <= 0 else PAID
    if due_date < (today or dt.date.today()):
        return OVERDUE
    return PARTLY_PAID if paid else UNPAID


def state_text(state: str, open_amount: Decimal | None = None, paid: Decimal = ZERO) -> str:
    from kassa.money import format_sek

    text = STATE_TEXTS.get(state, state)
    if state == OVERDUE and paid:
        text += ", delvis betald"
    if state in (OVERDUE, PARTLY_PAID) and open_amount is not None:
        text += f" (kvar {format_sek(open_amount)})"
    if state == OVERPAID and open_amount is not None:
        text += f" ({format_sek(-open_amount)} för mycket)"
    return text


def receivables(invoice_ids: Iterable[int]) -> dict[int, Receivable]:
    """The receivables of these invoices (credit notes among them are left out), in a few queries."""
    ids = sorted(set(invoice_ids))
    result = {id_: Receivable(id_, number, due_date, payable) for id_, number, due_date, payable in rows_in(
        (Invoice.id, Invoice.number, Invoice.due_date, Invoice.payable), Invoice.id, ids, "kind = 'invoice'")}
    add_registrations(result)
    return result


def add_registrations(result: dict[int, Receivable]) -> None:
    """Fill in credited amounts, reminder charges and payments of the receivables in `result`."""
    ids = sorted(result)
    credit_of: dict[int, int] = {}
    credited: dict[int, int] = defaultdict(int)
    for credit_id, invoice_id, payable in rows_in((Invoice.id, Invoice.credited_invoice, Invoice.payable),
                                                  Invoice.credited_invoice, ids):
        credit_of[credit_id] = invoice_id
        credited[invoice_id] += _ore(payable)
    charges = sums_in(Reminder.invoice, '"fee" + "interest"', ids)
    paid: dict[int, int] = defaultdict(int)
    for invoice_id, total in sums_in(PaymentAllocation.invoice, '"amount"', ids + sorted(credit_of)).items():
        paid[credit_of.get(invoice_id, invoice_id)] += total
    for invoice_id, receivable in result.items():
        receivable.credited = _kr(credited[invoice_id])
        receivable.charges = _kr(charges.get(invoice_id, 0))
        receivable.paid = _kr(paid[invoice_id])


def _ore(value: object) -> int:
    """A MoneyField comes back as Decimal kronor from a model, as integer öre from a raw SUM."""
    return int(value * 100) if isinstance(value, Decimal) else int(value or 0)  # type: ignore[call-overload]


def _kr(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(Decimal("0.01"))


# --- the same in SQL, for the invoice list ---------------------------------------------------------

def open_amount_sql() -> peewee.Node:
    """The open amount of the Invoice row in the query, in öre (MoneyField stores öre)."""
    credit = Invoice.alias("credit_note")
    credited = (credit.select(fn.COALESCE(fn.SUM(credit.payable), 0)).where(credit.credited_invoice == Invoice.id))
    charges = (Reminder.select(fn.COALESCE(fn.SUM(Reminder.fee + Reminder.interest), 0))
               .where(Reminder.invoice == Invoice.id))
    return Invoice.payable - credited + charges - paid_sql()


def paid_sql() -> peewee.Node:
    """What is paid on the Invoice row in the query, in öre, as ``Receivable.paid`` counts it: placed on the
    invoice itself and on its credit notes (a deduction placed on a credit note is negative)."""
    credit = Invoice.alias("paid_credit_note")
    credit_payment = PaymentAllocation.alias("credit_payment")
    on_invoice = (PaymentAllocation.select(fn.COALESCE(fn.SUM(PaymentAllocation.amount), 0))
                  .where(PaymentAllocation.invoice == Invoice.id))
    on_credit_notes = (credit_payment.select(fn.COALESCE(fn.SUM(credit_payment.amount), 0))
                       .join(credit, on=(credit_payment.invoice == credit.id))
                       .where(credit.credited_invoice == Invoice.id))
    return peewee.Expression(on_invoice, "+", on_credit_notes)  # (query + query would be a UNION ALL)


# The invoice list's filters, each the states of ``state_of`` it shows (``open`` is all with something to pay).
FILTERS = {
    "": "Alla",
    "open": "Obetalda och delvis betalda (allt som inte är betalt)",
    UNPAID: "Obetalda, inte förfallna",
    OVERDUE: "Förfallna",
    PARTLY_PAID: "Delvis betalda",
    PAID: "Betalda",
    OVERPAID: "Överbetalda",
}


def state_filter(name: str, today: dt.date | None = None) -> peewee.Node | None:
    """A WHERE condition for the invoice list's filter `name` (a key of FILTERS); None for all.

    The same states as ``Receivable.state``: unpaid (nothing paid, not due), overdue (something left
    after the due date, paid or not), partly paid (something paid and something left, due or not),
    paid (nothing left and something paid, overpaid included), overpaid (more paid than owed)."""
    if not name:
        return None
    today = today or dt.date.today()
    is_invoice = Invoice.kind == "invoice"
    open_ore: Any = open_amount_sql()
    paid_ore: Any = paid_sql()
    if name == "open":
        return is_invoice & (open_ore > 0)
    if name == UNPAID:
        return is_invoice & (open_ore > 0) & (paid_ore == 0) & (Invoice.due_date >= today)
    if name == OVERDUE:
        return is_invoice & (open_ore > 0) & (Invoice.due_date < today)
    if name == PARTLY_PAID:
        return is_invoice & (open_ore > 0) & (paid_ore != 0)
    if name == PAID:
        return is_invoice & (open_ore <= 0) & (paid_ore != 0)
    if name == OVERPAID:
        return is_invoice & (open_ore < 0)
    raise ValueError(f"unknown filter {name!r}")
