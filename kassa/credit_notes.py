"""What a credit note credits, computed from what the invoice holds minus what earlier credit
notes of it took (vat.md, "Credit notes must add up").

An invoice and its credit notes are one account with the buyer. Every amount of a piece is the
difference of two cumulative targets, "what all credits up to and including this one should have
credited" minus "what the earlier ones did": per line its amount in proportion to the quantity
credited so far, per VAT category and rate its VAT in proportion to the taxable amount credited so
far, the amount to pay rounded to kronor as the invoice was, and the VAT in SEK of an invoice in
another currency at the invoice's own exchange rate. The targets never exceed the invoice and end
exactly on it, so the pieces, in any number and order, never credit more than was invoiced, and
crediting what is left takes every amount to exactly zero, to the öre.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kassa.invoice_input import fmt as format_quantity
from kassa.models import Invoice, InvoiceLine
from kassa.money import ZERO, ComputedLine, Totals, VatSubtotal, key_order, round_krona, round_ore

QUANTITY_DECIMALS = 3


class CreditError(ValueError):
    """What cannot be credited, in Swedish."""


@dataclass
class CreditPiece:
    totals: Totals
    tax_total_sek: Decimal | None
    complete: bool  # nothing is left to credit after this piece


@dataclass
class _Credited:
    """What the earlier credit notes of an invoice took."""

    quantity: dict[int, Decimal]
    amount: dict[int, Decimal]
    taxable: dict[tuple[str, int], Decimal]
    tax: dict[tuple[str, int], Decimal]
    tax_inclusive: Decimal
    payable: Decimal
    tax_total: Decimal
    tax_total_sek: Decimal
    tax_sek: dict[tuple[str, int], Decimal]


def _key(entry: dict) -> tuple[str, int]:
    return str(entry["category"]), int(entry["rate"])


def credited_so_far(invoice: Invoice) -> _Credited:
    done = _Credited(defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(lambda: ZERO),
                     defaultdict(lambda: ZERO), ZERO, ZERO, ZERO, ZERO, defaultdict(lambda: ZERO))
    for credit in Invoice.select().where(Invoice.credited_invoice == invoice.id):
        for line in credit.lines:
            if line.credited_line_id:
                done.quantity[line.credited_line_id] += line.quantity
                done.amount[line.credited_line_id] += line.line_amount
        for entry in credit.vat_breakdown or []:
            done.taxable[_key(entry)] += Decimal(entry["taxable"])
            done.tax[_key(entry)] += Decimal(entry["tax"])
            done.tax_sek[_key(entry)] += Decimal(entry.get("tax_sek") or "0")
        done.tax_inclusive += credit.tax_inclusive
        done.payable += credit.payable
        done.tax_total += credit.tax_total
        done.tax_total_sek += credit.tax_total_sek or ZERO
    return done


def remaining_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """line id -> quantity not yet credited."""
    done = credited_so_far(invoice)
    return {line.id: line.quantity - done.quantity[line.id] for line in invoice.lines}


def _share(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    return round_ore(total * part / whole) if whole else ZERO


def _clamp(value: Decimal, upper: Decimal) -> Decimal:
    return max(ZERO, min(value, max(upper, ZERO)))


def _wanted(source: list[InvoiceLine], done: _Credited, quantities: dict | None) -> dict[int, Decimal]:
    if quantities is None:
        return {line.id: line.quantity - done.quantity[line.id] for line in source
                if line.quantity - done.quantity[line.id] > 0}
    by_id = {line.id: line for line in source}
    wanted: dict[int, Decimal] = {}
    for raw_id, raw_qty in quantities.items():
        try:
            line_id, qty = int(raw_id), Decimal(str(raw_qty))
        except (InvalidOperation, ValueError, TypeError):
            raise CreditError(f"'{raw_qty}' är inget antal att kreditera.") from None
        if line_id not in by_id:
            raise CreditError("Raden som ska krediteras hör inte till fakturan.")
        if qty == 0:
            continue
        line = by_id[line_id]
        left = line.quantity - done.quantity[line_id]
        if not qty.is_finite() or qty < 0 or qty > left:
            raise CreditError(f"Raden '{line.description}' kan krediteras med högst {format_quantity(left)} "
                              f"(begärt {format_quantity(qty) if qty.is_finite() else raw_qty}).")
        if qty != qty.quantize(Decimal(1).scaleb(-QUANTITY_DECIMALS)):
            raise CreditError(f"Antalet att kreditera på raden '{line.description}' får ha högst "
                              f"{QUANTITY_DECIMALS} decimaler.")
        wanted[line_id] = qty
    return wanted


def _tax_sek(invoice: Invoice, breakdown: dict[tuple[str, int], dict], vat: list[VatSubtotal],
             done: _Credited, complete: bool) -> Decimal:
    """The VAT in kronor of the next credit note of an invoice in another currency, per rate: the share
    of that rate's VAT in kronor on the invoice (its breakdown's tax_sek, money.split_tax_sek) that the VAT
    credited so far makes, less what earlier credit notes took. Sets each subtotal's tax_sek; the sum.
    An invoice issued before the rates had their own kronor: the same on its total."""
    whole_sek = invoice.tax_total_sek
    if not all("tax_sek" in entry for entry in breakdown.values()):
        tax_total = sum((v.tax for v in vat), ZERO)
        if complete or done.tax_total + tax_total >= invoice.tax_total:
            target = whole_sek
        else:
            target = _share(whole_sek, done.tax_total + tax_total, invoice.tax_total)
        return _clamp(target - done.tax_total_sek, whole_sek - done.tax_total_sek)
    for subtotal in vat:
        key = (subtotal.category, subtotal.rate)
        entry = breakdown.get(key, {})
        whole, whole_tax = Decimal(entry.get("tax_sek") or "0"), Decimal(entry.get("tax", "0"))
        credited = done.tax[key] + subtotal.tax
        target = whole if credited >= whole_tax else _share(whole, credited, whole_tax)
        subtotal.tax_sek = _clamp(target - done.tax_sek[key], whole - done.tax_sek[key])
    return sum((v.tax_sek or ZERO for v in vat), ZERO)


def compute_credit(invoice: Invoice, quantities: dict | None = None) -> CreditPiece:
    """The next credit note of `invoice`: `quantities` maps line ids (items or the fee) to what to
    credit; None credits everything left. Call inside the write transaction that stores it."""
    source = list(invoice.lines.order_by(InvoiceLine.position))
    done = credited_so_far(invoice)
    wanted = _wanted(source, done, quantities)
    if not wanted:
        raise CreditError(f"Det finns inget kvar att kreditera på faktura {invoice.number}.")
    breakdown = {_key(entry): entry for entry in invoice.vat_breakdown or []}
    items: list[ComputedLine] = []
    fees: list[ComputedLine] = []
    complete = True
    for line in source:
        qty = wanted.get(line.id, ZERO)
        credited_qty = done.quantity[line.id] + qty
        if credited_qty < line.quantity:
            complete = False
        if not qty:
            continue
        if credited_qty >= line.quantity:
            target = line.line_amount
        else:
            target = _share(line.line_amount, credited_qty, line.quantity)
        amount = _clamp(target - done.amount[line.id], line.line_amount - done.amount[line.id])
        key = (line.vat_category or "S", line.vat_rate)
        entry = breakdown.get(key, {})
        computed = ComputedLine(
            line.kind, line.description, qty, line.unit, line.gross_price, line.discount_percent, line.net_price,
            amount, line.vat_rate, line.article_number, line.id, key[0], entry.get("reason_code", ""),
            entry.get("reason", ""),
        )
        (fees if line.kind == "fee" else items).append(computed)

    taxable: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for computed in items + fees:
        taxable[computed.vat_key] += computed.line_amount
    vat = []
    for key in sorted(taxable, key=key_order):
        entry = breakdown.get(key, {})
        whole_taxable = Decimal(entry.get("taxable", "0"))
        whole_tax = Decimal(entry.get("tax", "0"))
        credited_taxable = done.taxable[key] + taxable[key]
        target = whole_tax if credited_taxable >= whole_taxable else _share(whole_tax, credited_taxable, whole_taxable)
        tax = _clamp(target - done.tax[key], whole_tax - done.tax[key])
        vat.append(VatSubtotal(key[1], taxable[key], tax, key[0], entry.get("reason_code", ""),
                               entry.get("reason", "")))
    line_extension = sum((c.line_amount for c in items), ZERO)
    charge_total = sum((c.line_amount for c in fees), ZERO)
    tax_exclusive = line_extension + charge_total
    tax_total = sum((v.tax for v in vat), ZERO)
    tax_inclusive = tax_exclusive + tax_total

    # A credit note rounds the same way as its invoice: whole kronor of the running total.
    rounds = invoice.rounding != 0 or (bool((invoice.seller or {}).get("round_invoices"))
                                       and (invoice.currency or "SEK") == "SEK")
    if complete:
        payable = invoice.payable - done.payable
    elif rounds:
        payable = round_krona(done.tax_inclusive + tax_inclusive) - done.payable
    else:
        payable = tax_inclusive
    payable = _clamp(payable, invoice.payable - done.payable)
    rounding = payable - tax_inclusive

    tax_total_sek = None
    if invoice.tax_total_sek is not None:
        tax_total_sek = _tax_sek(invoice, breakdown, vat, done, complete)
    totals = Totals(items, vat, line_extension, charge_total, tax_exclusive, tax_total, tax_inclusive, rounding,
                    payable, fees)
    return CreditPiece(totals, tax_total_sek, complete)
