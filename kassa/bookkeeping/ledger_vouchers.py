"""Vouchers of invoicing: an invoice or credit note on accounts receivable, a payment received,
and the charges of a reminder.

- Invoice: accounts receivable debited with the amount to pay; sales credited per VAT rate (the
  invoice fee is part of the taxable amount of its rate) and category (accounts.sales_of: intra-EU
  goods, exports, reverse charge have accounts of their own); output VAT per rate; the öresavrundning
  on the rounding account. A credit note is the same with the signs turned. An invoice in another
  currency is booked in kronor (in_kronor).
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
from kassa.money import allocate, round_ore


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
    country = invoice.buyer.get("country", "SE") if isinstance(invoice.buyer, dict) else "SE"
    parts, receivable = in_kronor(invoice)
    try:
        builder.debit(plan.account("receivables"), sign * receivable)
        for category, rate, taxable, tax in parts:
            builder.credit(plan.sales_of(category, rate, country), sign * taxable)
            if tax:
                builder.credit(plan.output_vat(rate), sign * tax)
        builder.credit(plan.account("rounding"), sign * invoice.rounding)
    except AccountPlanError as exc:
        raise VoucherError(f"{text}: {exc}") from None
    return builder.build()


def in_kronor(invoice: Invoice) -> tuple[list[tuple[str, int, Decimal, Decimal]], Decimal]:
    """(category, rate, taxable, VAT) of each breakdown entry and the amount receivable, in kronor.

    An invoice in another currency: each taxable amount at the invoice's exchange rate, the VAT as the
    invoice states it in kronor (each rate's share, stored with the breakdown; split in proportion on an
    invoice from before). A credit note's
    taxable amounts are converted as the difference of what its invoice's credit notes have credited
    up to it and before it, so that crediting everything takes every account back to zero."""
    entries = [(str(v.get("category") or "S"), int(v["rate"]), Decimal(str(v["taxable"])), Decimal(str(v["tax"])))
               for v in invoice.vat_breakdown]
    if invoice.exchange_rate is None or (invoice.currency or "SEK") == "SEK":
        return entries, invoice.payable
    rate = invoice.exchange_rate
    before: dict[tuple[str, int], Decimal] = {}
    if invoice.credited_invoice_id:
        earlier = Invoice.select().where((Invoice.credited_invoice == invoice.credited_invoice_id)
                                         & (Invoice.number < invoice.number))
        for note in earlier:
            for v in note.vat_breakdown:
                key = (str(v.get("category") or "S"), int(v["rate"]))
                before[key] = before.get(key, Decimal(0)) + Decimal(str(v["taxable"]))
    taxes = allocate(invoice.tax_total_sek or Decimal("0.00"), [tax for *_, tax in entries])
    if all("tax_sek" in v for v in invoice.vat_breakdown):  # each rate's VAT in kronor, as issued
        taxes = [Decimal(str(v["tax_sek"])) for v in invoice.vat_breakdown]
    parts = []
    for (category, vat_rate, taxable, _tax), tax_sek in zip(entries, taxes, strict=True):
        done = before.get((category, vat_rate), Decimal(0))
        parts.append((category, vat_rate, round_ore((done + taxable) * rate) - round_ore(done * rate), tax_sek))
    return parts, sum((taxable + tax for _c, _r, taxable, tax in parts), Decimal("0.00"))


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
