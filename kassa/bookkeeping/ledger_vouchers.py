"""Vouchers of invoicing: an invoice or credit note on accounts receivable, a payment received,
and the charges of a reminder.

- Invoice: accounts receivable debited with the amount to pay; sales credited per VAT rate (the
  invoice fee is part of the taxable amount of its rate); output VAT per rate; the öresavrundning
  on the rounding account. A credit note is the same with the signs turned.
- Payment from Bankgirot: the bank account debited, accounts receivable credited; a deduction
  (a credit note the payer subtracted) the other way round. Where the payment is placed is
  Kassa's customer ledger; for the books it settles accounts receivable either way.
- Reminder: its fee and interest debited on accounts receivable when the reminder is issued,
  credited on the reminder-fee and interest-income accounts (no VAT on either).
"""
from __future__ import annotations

from decimal import Decimal

from kassa.bookkeeping.accounts import AccountPlan, AccountPlanError
from kassa.bookkeeping.vouchers import Voucher, VoucherBuilder, VoucherError
from kassa.models import Invoice, ReceivedPayment, Reminder


def invoice_voucher(invoice: Invoice, plan: AccountPlan, series: str = "",
                    credited_number: int | None = None) -> Voucher:
    """`credited_number`: the number of the invoice a credit note corrects, when the caller has it at hand."""
    credit_note = invoice.kind == "credit_note"
    name = invoice.buyer.get("name", "") if isinstance(invoice.buyer, dict) else ""
    if credit_note:
        if credited_number is None and invoice.credited_invoice_id:
            credited_number = invoice.credited_invoice.number
        credited = f" (krediterar {credited_number})" if credited_number else ""
        text = f"Kreditfaktura {invoice.number}{credited} {name}".strip()
    else:
        text = f"Faktura {invoice.number} {name}".strip()
    sign = Decimal(-1) if credit_note else Decimal(1)
    builder = VoucherBuilder("credit_note" if credit_note else "invoice", series, invoice.issue_date, text)
    try:
        builder.debit(plan.account("receivables"), sign * invoice.payable)
        for vat in invoice.vat_breakdown:
            rate = int(vat["rate"])
            builder.credit(plan.sales(rate), sign * Decimal(str(vat["taxable"])))
            tax = Decimal(str(vat["tax"]))
            if tax:
                builder.credit(plan.output_vat(rate), sign * tax)
        builder.credit(plan.account("rounding"), sign * invoice.rounding)
    except AccountPlanError as exc:
        raise VoucherError(f"{text}: {exc}") from None
    return builder.build()


def payment_text(payment: ReceivedPayment) -> str:
    what = "Avdrag bankgiro" if payment.kind == "deduction" else "Inbetalning bankgiro"
    parts = [what]
    if payment.reference:
        parts.append(f"ref {payment.reference}")
    if payment.payer_name:
        parts.append(payment.payer_name)
    return " ".join(parts)


def payment_voucher(payment: ReceivedPayment, plan: AccountPlan, series: str = "") -> Voucher:
    builder = VoucherBuilder("payment", series, payment.pay_date, payment_text(payment))
    builder.debit(plan.account("bank"), payment.amount)  # a deduction is negative: a credit
    builder.credit(plan.account("receivables"), payment.amount)
    return builder.build()


def reminder_voucher(reminder: Reminder, invoice_number: int, plan: AccountPlan, series: str = "") -> Voucher:
    text = f"Påminnelse {reminder.sequence} faktura {invoice_number}"
    builder = VoucherBuilder("reminder", series, reminder.issue_date, text)
    builder.debit(plan.account("receivables"), reminder.fee + reminder.interest)
    builder.credit(plan.account("reminder_fees"), reminder.fee)
    builder.credit(plan.account("interest_income"), reminder.interest)
    return builder.build()
