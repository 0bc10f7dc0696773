"""Each filter of the invoice list finds exactly the invoices whose shown state it names.

The filters are SQL (kassa.bookkeeping.receivables.state_filter) and the state shown is computed in
Python (Receivable.state): an invoice in every state, paid on itself and through its credit notes,
must land in the same filters either way."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.bookkeeping.payment_placing import place_payment
from kassa.bookkeeping.receivables import FILTERS, receivables
from kassa.invoice_list import load_invoices
from kassa.invoicing import credit_invoice
from kassa.models import PaymentFile, ReceivedPayment
from tests.bookkeeping.books import issue

TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=60)  # due 30 days ago


def received(amount: str, kind: str = "payment") -> ReceivedPayment:
    file = PaymentFile.create(sha256=f"{PaymentFile.select().count():064d}", name="test")
    return ReceivedPayment.create(file=file, key=f"{file.id}", kind=kind, pay_date=TODAY, amount=Decimal(amount))


def pay(invoice, amount: str) -> None:
    payment = received(amount)
    place_payment(payment.id, invoice.number, Decimal(amount))


@pytest.fixture
def every_state(customers):
    one = [("Lampa", 1, "500.00", 25)]
    made = {name: issue(customers.plain, one, LONG_AGO if name.startswith("overdue") else TODAY)
            for name in ("unpaid", "partly", "overdue", "overdue_partly", "paid", "overpaid", "credited",
                         "deducted", "credited_part")}
    pay(made["partly"], "100.00")
    pay(made["overdue_partly"], "100.00")
    pay(made["paid"], "500.00")
    pay(made["overpaid"], "550.00")  # the whole of a payment larger than the invoice
    credit_invoice(made["credited"], issue_date=TODAY)
    line = made["deducted"].item_lines[0]
    credit = credit_invoice(made["deducted"], {line.id: Decimal("0.2")}, issue_date=TODAY)  # 100 kr
    pay(made["deducted"], "500.00")
    deduction = received("-100.00", kind="deduction")
    place_payment(deduction.id, credit.number, Decimal("100.00"))  # the payer deducted the credit note
    line = made["credited_part"].item_lines[0]
    credit_invoice(made["credited_part"], {line.id: Decimal("0.2")}, issue_date=TODAY)
    pay(made["credited_part"], "400.00")
    return made


EXPECTED = {
    "open": {"unpaid", "partly", "overdue", "overdue_partly"},
    "unpaid": {"unpaid"},
    "overdue": {"overdue", "overdue_partly"},
    "partly_paid": {"partly", "overdue_partly"},
    "paid": {"paid", "overpaid", "deducted", "credited_part"},
    "overpaid": {"overpaid"},
}
SHOWN = {"unpaid": "Obetald", "partly": "Delvis betald (kvar 400,00)", "overdue": "Förfallen (kvar 500,00)",
         "overdue_partly": "Förfallen, delvis betald (kvar 400,00)", "paid": "Betald",
         "overpaid": "Överbetald (50,00 för mycket)", "credited": "Krediterad", "deducted": "Betald",
         "credited_part": "Betald"}


def test_each_filter_finds_the_states_it_names(every_state):
    by_number = {invoice.number: name for name, invoice in every_state.items()}
    assert set(EXPECTED) == set(FILTERS) - {""}
    for key, names in EXPECTED.items():
        rows = load_invoices(payment=key)
        assert {by_number[row.number] for row in rows} == names, key
    shown = {by_number[row.number]: row.payment.replace("\u00a0", " ") for row in load_invoices()
             if row.number in by_number}
    assert shown == SHOWN
    owed = receivables(invoice.id for invoice in every_state.values())
    assert {name: owed[invoice.id].state() for name, invoice in every_state.items()} == {
        "unpaid": "unpaid", "partly": "partly_paid", "overdue": "overdue", "overdue_partly": "overdue",
        "paid": "paid", "overpaid": "overpaid", "credited": "credited", "deducted": "paid", "credited_part": "paid"}
