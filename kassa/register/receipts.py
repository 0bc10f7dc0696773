"""Receipts: built from the cart, numbered, registered with the control unit, stored.

`store_receipt` is the one place a receipt is written, in three steps:

1. a committed write transaction reserves the next number of the till's series (NumberSeries
   "receipt:<till>", locked as invoice numbers are) and records the receipt data the unit is
   about to get (kassa.register.unit_attempts, which says why);
2. the control unit is called outside any transaction (a slow unit holds no database lock);
3. one write transaction takes the number and writes the sale, the receipt and its journal row,
   and drops the recorded attempt.

A unit that gives no code raises ControlUnitUnavailable: nothing is stored, the number is not
used, and the next receipt under it sends the same data again (or closes it as voided).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kassa.identifiers import format_orgnr, format_postal_code
from kassa.models import Company, JournalEntry, NumberSeries, Receipt, RegisterDay, ZReport
from kassa.models.database import is_postgres, write_transaction
from kassa.money import ZERO, Totals, round_ore
from kassa.register import events, journal, unit_attempts
from kassa.register.control_unit.base import ControlCode, ControlUnit, ControlUnitUnavailable
from kassa.register.document import DocLine, DocPayment, DocVat, ReceiptDocument, Seller, parse_receipt_code
from kassa.register.payments import PaymentPlan
from kassa.register.unit_attempts import receipt_data, series_name
from kassa.till import Cart, CartLine, TillError

log = logging.getLogger(__name__)


def seller_of(company: Company) -> Seller:
    """The company as the receipt prints it (7 kap. 1 § items 1–2)."""
    return Seller(company.name, format_orgnr(company.org_number or ""), company.street,
                  format_postal_code(company.postal_code or ""), company.city)


# --- from cart lines to document lines ----------------------------------------------------------

def _incl_vat(amount: Decimal, line: CartLine) -> Decimal:
    return amount if line.price_includes_vat else amount * (100 + line.vat_rate) / 100


def document_lines(lines: list[CartLine], totals: Totals) -> tuple[DocLine, ...]:
    """Each line with its amount and VAT as the totals computed them (VAT per rate on the sum)."""
    out = []
    for line, computed in zip(lines, totals.lines, strict=True):
        unit_price = round_ore(_incl_vat(line.unit_price, line))
        if line.price_includes_vat:
            amount = round_ore(line.quantity * line.unit_price * (100 - line.discount_percent) / 100)
        else:
            amount = computed.line_amount + round_ore(computed.line_amount * line.vat_rate / 100)
        discount = round_ore(line.quantity * unit_price) - amount if line.discount_percent else ZERO
        out.append(DocLine(
            name=line.description, quantity=line.quantity, unit=line.unit, unit_price=unit_price, amount=amount,
            vat_rate=line.vat_rate, vat=amount - computed.line_amount, discount=discount, service=line.is_service,
            number=line.article_number, registered_at=line.registered_at,
        ))
    return tuple(out)


def reduction(line: CartLine) -> Decimal:
    """What a price set at the till below the article's price took off the sale, incl. VAT."""
    if not line.price_overridden or line.list_price is None or line.unit_price >= line.list_price:
        return ZERO
    return round_ore(_incl_vat((line.list_price - line.unit_price) * line.quantity, line))


def draft(kind: str, till: str, cart: Cart, totals: Totals, plan: PaymentPlan | None, *, training: bool,
          electronic: bool, original: Receipt | None = None) -> ReceiptDocument:
    """The document before it has its number, time and control code."""
    payments = tuple(DocPayment(p.method, p.amount, p.tendered, p.change) for p in plan.payments) if plan else ()
    return ReceiptDocument(
        kind=kind, till=till, serial=0, created_at=dt.datetime.min, seller=seller_of(Company.get_solo()),
        lines=document_lines(cart.lines, totals),
        vat=tuple(DocVat(v.rate, v.taxable, v.tax) for v in totals.vat),
        total=totals.tax_inclusive, rounding=plan.rounding if plan else ZERO,
        payable=plan.payable if plan else totals.tax_inclusive, vat_total=totals.tax_total, payments=payments,
        training=training, electronic=electronic,
        original_serial=original.serial if original is not None else None,
        original_created_at=original.created_at if original is not None else None,
    )


# --- storing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    """A receipt's figures for the day reports: goods and services sold, discounts, reductions."""

    goods: Decimal = Decimal("0")
    services: Decimal = Decimal("0")
    services_amount: Decimal = ZERO
    discount: Decimal = ZERO
    reduced: Decimal = ZERO

    @classmethod
    def of(cls, cart_lines: list[CartLine], doc: ReceiptDocument) -> Counts:
        return cls(
            goods=sum((line.quantity for line in cart_lines if not line.is_service), Decimal("0")),
            services=sum((line.quantity for line in cart_lines if line.is_service), Decimal("0")),
            services_amount=sum((line.amount for line in doc.lines if line.service), ZERO),
            discount=sum((line.discount for line in doc.lines), ZERO),
            reduced=sum((reduction(line) for line in cart_lines), ZERO),
        )

    @classmethod
    def copy_of(cls, receipt: Receipt) -> Counts:
        return cls(receipt.goods_quantity, receipt.services_quantity, receipt.services_amount,
                   receipt.discount_total, receipt.reduction_total)


@dataclass
class SaleToStore:
    """The sale behind a receipt: the cart, its totals and how it was paid (kassa.till stores it)."""

    cart: Cart
    status: str  # paid | return | training | proforma
    totals: Totals
    plan: PaymentPlan | None
    bonus: Decimal = ZERO
    refund: bool = False

    def payment_rows(self) -> list[dict]:
        sign = -1 if self.refund else 1
        return [dict(method=p.method, amount=sign * p.amount, tendered=p.tendered, change=p.change)
                for p in (self.plan.payments if self.plan else ())]


def store_receipt(doc: ReceiptDocument, *, day: RegisterDay, unit: ControlUnit, now: Callable[[], dt.datetime],
                  local: Callable[[dt.datetime], dt.datetime], sale: SaleToStore | None = None,
                  sale_id: int | None = None, original: Receipt | None = None, copy_of: Receipt | None = None,
                  counts: Counts = Counts(), drawer: bool = False,
                  check: Callable[[], None] | None = None) -> tuple[Receipt, ReceiptDocument]:
    """Number, register with the control unit, and store (see the module doc).

    `check` runs before the unit is called and again in the storing transaction, with the receipt
    returned against (or copied) locked on PostgreSQL, so that two tills cannot both return the last
    of a line or both copy a receipt.
    """
    while True:
        with write_transaction():
            _before(day, original or copy_of, check)
            reserved = unit_attempts.reserve(doc, day, Company.get_solo().org_number, now(), local)
        if reserved.stale is not None:  # the unit may hold this number with other data: close it first
            unit_attempts.close(reserved.stale, unit, day, now())
            continue
        try:
            code = unit.register(reserved.data)
        except ControlUnitUnavailable as exc:
            unit_attempts.journal_unit_failure(reserved.doc, day, str(exc), reserved.data)
            raise
        return _store(reserved, code, day=day, sale=sale, sale_id=sale_id, original=original, copy_of=copy_of,
                      counts=counts, drawer=drawer, check=check)


def _before(day: RegisterDay, locked: Receipt | None, check: Callable[[], None] | None) -> None:
    if ZReport.select().where(ZReport.day == day.id).exists():
        raise TillError("Dagen är redan stängd med en Z-dagrapport. Öppna en ny dag.")
    if locked is not None and is_postgres():
        Receipt.select(Receipt.id).where(Receipt.id == locked.id).for_update().get()
    if check is not None:
        check()


def _store(reserved: unit_attempts.Reservation, code: ControlCode, *, day: RegisterDay, sale: SaleToStore | None,
           sale_id: int | None, original: Receipt | None, copy_of: Receipt | None, counts: Counts, drawer: bool,
           check: Callable[[], None] | None) -> tuple[Receipt, ReceiptDocument]:
    """The receipt the unit answered for, with its sale and journal row, in one transaction. A TillError
    here (the day closed, the return's check) leaves the attempt: the next receipt closes it."""
    doc = reserved.doc.with_changes(control_code=code.code, control_unit_id=code.unit_id)
    with write_transaction():
        _before(day, original or copy_of, check)
        serial = NumberSeries.take(series_name(doc.till))
        if serial != doc.serial:
            raise TillError(f"Kvittonummer {doc.serial} har tagits av en annan kassa med beteckningen {doc.till}. "
                            "Två kassor får inte ha samma beteckning: ändra den ena under Inställningar.")
        if sale is not None:
            stored = sale.cart.store_sale(status=sale.status, totals=sale.totals, customer=sale.cart.customer,
                                          rounding=doc.rounding, bonus=sale.bonus, payments=sale.payment_rows())
            sale.cart.credit_bonus(sale.cart.customer, sale.bonus)
            sale_id = stored.id
        receipt = Receipt.create(
            till=doc.till, serial=serial, kind=doc.kind, training=doc.training, day=day.id, sale=sale_id,
            original=original, copy_of=copy_of, created_at=doc.created_at,
            seller=journal.normalized(doc.to_data()["seller"]), total=doc.total, rounding=doc.rounding,
            payable=doc.payable, vat_total=doc.vat_total,
            vat=[{"rate": v.rate, "taxable": str(v.taxable), "tax": str(v.tax)} for v in doc.vat],
            goods_quantity=counts.goods, services_quantity=counts.services,
            services_amount=counts.services_amount, discount_total=counts.discount,
            reduction_total=counts.reduced,
            control_code=doc.control_code, control_unit_id=doc.control_unit_id, electronic=doc.electronic,
            drawer_opened=drawer,
        )
        signed = -doc.payable if doc.is_return else doc.payable
        journal.append(doc.till, events.RECEIPT, doc.to_data(), day_id=day.id, receipt_id=receipt.id,
                       amount=signed, at=reserved.registered_at)
        unit_attempts.stored(doc.till, serial)
    return receipt, doc


# --- finding ------------------------------------------------------------------------------------

def find_receipt(reference: str, till: str) -> Receipt:
    """A receipt by its number on this till, or by the code printed on it (any till)."""
    parsed = parse_receipt_code(reference)
    if parsed is None:
        raise TillError(f"'{reference}' är inget kvittonummer. Skriv numret eller skanna koden på kvittot.")
    code_till, serial = parsed
    receipt = Receipt.get_or_none((Receipt.till == (code_till or till)) & (Receipt.serial == serial))
    if receipt is None and code_till is None:
        raise TillError(f"Kvitto {serial} finns inte i kassa {till}.")
    if receipt is None:
        raise TillError(f"Kvitto {serial} från kassa {code_till} finns inte.")
    return receipt


def document_of(receipt: Receipt) -> ReceiptDocument:
    """The receipt as it was stored (from its journal row)."""
    row = JournalEntry.get((JournalEntry.receipt == receipt.id) & (JournalEntry.event == events.RECEIPT))
    return ReceiptDocument.from_data(row.data)


def day_closed(day_id: int) -> ZReport | None:
    return ZReport.get_or_none(ZReport.day == day_id)


def sale_status(training: bool, kind: str) -> str:
    if training:
        return "training"
    return {"sale": "paid", "return": "return", "proforma": "proforma"}[kind]


__all__ = ["Counts", "SaleToStore", "day_closed", "document_of", "draft", "find_receipt", "reduction",
           "receipt_data", "sale_status", "seller_of", "series_name", "store_receipt"]
