"""Where received payments go: matched by OCR and amount, or placed by a person.

Automatic placement (on import) is cautious: a payment is placed only when its OCR reference
names an invoice and its amount is exactly what is left to pay on it (with or without the
reminders' charges); several OCR references (extra reference records, or "1001,1002") only when
the amount is exactly their sum. A deduction (a credit note the payer subtracted) is placed on the
credit note its OCR names when the amount is the credit still unused. Deductions are placed
before payments, so a payer who pays an invoice in full and deducts its credit note matches.

Everything else (no OCR or a wrong one, a partial payment, an over-payment, an invoice already
paid, an invoice in another currency than the kronor Bankgirot pays) is left for a person:
``unplaced_payments()`` lists them with the reason and a suggestion, ``place_payment()`` records the
person's choice: at most what is left on the invoice, or the whole rest of an over-payment, which
leaves the invoice overpaid (as the books have it: a payment credits accounts receivable in full).
Placements are registrations, never changed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, fn

from kassa.bookkeeping.receivables import Receivable, receivables
from kassa.models import Invoice, PaymentAllocation, ReceivedPayment
from kassa.models.bulk import insert_rows, rows_in, sums_in
from kassa.models.database import is_postgres, write_transaction
from kassa.money import ZERO, format_sek
from kassa.ocr import is_valid_ocr


class PlacementError(ValueError):
    """A placement a person asked for that cannot be made; the message is Swedish."""


@dataclass(frozen=True)
class PaymentRef:
    """What matching needs of a received payment (a ReceivedPayment row has the same attributes)."""

    id: int
    kind: str
    amount: Decimal
    reference: str
    extra_references: list


@dataclass(frozen=True)
class Placement:
    payment_id: int
    invoice_id: int
    amount: Decimal


def ocr_candidates(reference: str) -> list[str]:
    """The valid OCR numbers in a reference ("10015", "0000010015", "10015, 10023", "Faktura 10015")."""
    found = []
    for part in re.findall(r"\d+", reference or ""):
        number = part.lstrip("0")
        if number and is_valid_ocr(number) and number not in found:
            found.append(number)
    return found


def _references(payment: ReceivedPayment | PaymentRef) -> tuple[list[str], bool]:
    """The payment's OCR references, and whether it carries anything that rules out automatic placement
    (a negative extra reference, or a reference that is no OCR number)."""
    refs = ocr_candidates(payment.reference)
    doubtful = bool(payment.reference) and not refs
    for extra in payment.extra_references or []:
        if extra.get("negative"):
            doubtful = True
        found = ocr_candidates(str(extra.get("reference", "")))
        doubtful = doubtful or (bool(extra.get("reference")) and not found)
        refs += [r for r in found if r not in refs]
    return refs, doubtful


@dataclass
class _Credit:
    invoice_id: int  # the credit note
    credited_id: int | None
    unused: Decimal


class _Ledger:
    """The invoices and credit notes a batch of payments refers to, kept current as placements are made."""

    def __init__(self, payments: Sequence[ReceivedPayment | PaymentRef]):
        self.references = {p.id: _references(p) for p in payments}
        ocrs = sorted({ref for refs, _doubtful in self.references.values() for ref in refs})
        self.by_ocr: dict[str, tuple[int, str, int | None]] = {
            ocr: (id_, kind, credited) for id_, ocr, kind, credited in rows_in(
                (Invoice.id, Invoice.ocr, Invoice.kind, Invoice.credited_invoice), Invoice.ocr, ocrs)}
        invoice_ids = {v[0] for v in self.by_ocr.values() if v[1] == "invoice"}
        invoice_ids |= {v[2] for v in self.by_ocr.values() if v[1] == "credit_note" and v[2]}
        self.receivables: dict[int, Receivable] = receivables(invoice_ids)
        # Bankgirot pays kronor: an invoice in another currency is never matched by its amount's number.
        self.foreign = {id_: currency for id_, currency in rows_in((Invoice.id, Invoice.currency), Invoice.id,
                                                                    sorted(invoice_ids)) if currency not in ("", "SEK")}
        credit_ids = sorted(v[0] for v in self.by_ocr.values() if v[1] == "credit_note")
        used = sums_in(PaymentAllocation.invoice, '"amount"', credit_ids)  # öre; a credit's placements are negative
        self.credits: dict[int, _Credit] = {}
        for id_, credited, payable in rows_in((Invoice.id, Invoice.credited_invoice, Invoice.payable), Invoice.id,
                                              credit_ids):
            unused = payable + (Decimal(used.get(id_, 0)) / 100).quantize(Decimal("0.01"))
            self.credits[id_] = _Credit(id_, credited, unused)

    def place(self, payment: ReceivedPayment | PaymentRef) -> list[Placement]:
        refs, doubtful = self.references.get(payment.id) or _references(payment)
        if not refs or doubtful:
            return []
        found = [self.by_ocr.get(ref) for ref in refs]
        targets = [t for t in found if t is not None]
        if len(targets) != len(found):
            return []
        if payment.kind == "deduction":
            credit = self.credits.get(targets[0][0]) if len(targets) == 1 and targets[0][1] == "credit_note" else None
            if credit is None or credit.unused != -payment.amount:
                return []
            credit.unused += payment.amount
            if credit.credited_id in self.receivables:
                self.receivables[credit.credited_id].paid += payment.amount
            return [Placement(payment.id, credit.invoice_id, payment.amount)]
        invoices = [self.receivables.get(t[0]) for t in targets if t[1] == "invoice"]
        if len(invoices) != len(targets) or any(r is None for r in invoices):
            return []
        chosen = [r for r in invoices if r is not None]
        if any(r.invoice_id in self.foreign for r in chosen):
            return []
        for part in ("open", "open_principal"):
            amounts = [getattr(r, part) for r in chosen]
            if all(a > 0 for a in amounts) and sum(amounts, ZERO) == payment.amount:
                for receivable, amount in zip(chosen, amounts, strict=True):
                    receivable.paid += amount
                return [Placement(payment.id, r.invoice_id, a) for r, a in zip(chosen, amounts, strict=True)]
        return []


def match_payments(payments: Iterable[ReceivedPayment | PaymentRef]) -> list[Placement]:
    """Automatic placements for newly stored payments (deductions first, then payments, in file order)."""
    batch = list(payments)
    ledger = _Ledger(batch)
    placements: list[Placement] = []
    for payment in sorted(batch, key=lambda p: (p.kind != "deduction", p.id)):
        placements += ledger.place(payment)
    return placements


def store_placements(placements: Sequence[Placement], how: str = "ocr", actor: str = "") -> None:
    insert_rows(PaymentAllocation, ({"payment": p.payment_id, "invoice": p.invoice_id, "amount": p.amount,
                                     "how": how, "actor": actor} for p in placements))


# --- what a person must place ---------------------------------------------------------------------

@dataclass
class UnplacedPayment:
    id: int
    kind: str
    pay_date: object
    amount: Decimal
    remaining: Decimal
    reference: str
    payer: str
    reason: str
    suggestion: int | None  # the invoice (or credit note) number the reference points to
    suggested_amount: Decimal | None


def placed_amount(payment_id: int) -> Decimal:
    total = (PaymentAllocation.select(fn.SUM(PaymentAllocation.amount))
             .where(PaymentAllocation.payment == payment_id).scalar())
    return (Decimal(int(total or 0)) / 100).quantize(Decimal("0.01"))


def unplaced_payments(limit: int = 1000) -> list[UnplacedPayment]:
    """Payments with something not yet placed, oldest first, with the reason in Swedish."""
    placed = (PaymentAllocation.select(PaymentAllocation.payment, fn.SUM(PaymentAllocation.amount).alias("placed"))
              .group_by(PaymentAllocation.payment).alias("placed"))
    rows = (ReceivedPayment.select(ReceivedPayment, fn.COALESCE(placed.c.placed, 0).alias("placed_ore"))
            .join(placed, JOIN.LEFT_OUTER, on=(ReceivedPayment.id == placed.c.payment_id))
            .where(ReceivedPayment.amount != fn.COALESCE(placed.c.placed, 0))
            .order_by(ReceivedPayment.pay_date, ReceivedPayment.id).limit(limit).objects())
    payments = list(rows)
    ledger = _Ledger(payments)
    out = []
    for payment in payments:
        placed_kr = Decimal(int(payment.placed_ore)) / 100  # type: ignore[attr-defined]
        remaining = payment.amount - placed_kr.quantize(Decimal("0.01"))
        reason, suggestion, suggested = _explain(payment, remaining, ledger)
        payer = " ".join(filter(None, [payment.payer_name, f"bg {payment.payer_bankgiro}"
                                       if payment.payer_bankgiro else ""]))
        out.append(UnplacedPayment(payment.id, payment.kind, payment.pay_date, payment.amount, remaining,
                                   payment.reference, payer, reason, suggestion, suggested))
    return out


def _explain(payment: ReceivedPayment, remaining: Decimal, ledger: _Ledger) -> tuple[str, int | None, Decimal | None]:
    refs, _doubtful = _references(payment)
    if not refs:
        return ("Ingen OCR-referens" if not payment.reference else "Referensen är inget giltigt OCR-nummer"), None, None
    found = [ledger.by_ocr.get(ref) for ref in refs]
    if len(refs) > 1:
        return "Flera referenser: placera en faktura i taget", None, None
    target = found[0]
    if target is None:
        return f"OCR-numret {refs[0]} finns inte bland fakturorna", None, None
    invoice = Invoice.get_by_id(target[0])
    if payment.kind == "deduction":
        credit = ledger.credits.get(target[0])
        if credit is None:
            return f"Avdraget avser faktura {invoice.number}, inte en kreditfaktura", None, None
        suggested = -min(credit.unused, -remaining) if credit.unused > 0 else None
        return (f"Avdrag: kreditfaktura {invoice.number} har {format_sek(credit.unused)} kr oanvänt",
                invoice.number, suggested)
    if target[1] != "invoice":
        return f"OCR-numret gäller kreditfaktura {invoice.number}", None, None
    if target[0] in ledger.foreign:
        return (f"Faktura {invoice.number} är i {ledger.foreign[target[0]]}; inbetalningen är i kronor. "
                "Placera den för hand."), invoice.number, None
    receivable = ledger.receivables[target[0]]
    left = receivable.open
    if left <= 0:
        return f"Faktura {invoice.number} är redan betald", invoice.number, None
    if remaining == left:
        return f"Beloppet stämmer med faktura {invoice.number}", invoice.number, remaining
    what = "Delbetalning" if remaining < left else "Överbetalning"
    return (f"{what}: faktura {invoice.number} har {format_sek(left)} kr kvar att betala",
            invoice.number, min(remaining, left))


def place_payment(payment_id: int, number: int, amount: Decimal, actor: str = "", note: str = "") -> PaymentAllocation:
    """A person places (part of) a payment on invoice or credit note `number`."""
    amount = Decimal(amount)
    with write_transaction():
        query = ReceivedPayment.select().where(ReceivedPayment.id == payment_id)
        if is_postgres():
            query = query.for_update()
        payment = query.first()
        if payment is None:
            raise PlacementError("Inbetalningen finns inte.")
        remaining = payment.amount - placed_amount(payment_id)
        sign = "avdrag" if payment.kind == "deduction" else "inbetalning"
        if payment.kind == "deduction":
            amount = -abs(amount)
        if amount == 0 or (amount > 0) != (payment.amount > 0):
            raise PlacementError("Ange ett belopp större än noll.")
        if abs(amount) > abs(remaining):
            raise PlacementError(f"Det finns bara {format_sek(abs(remaining))} kr kvar av {sign}en att placera.")
        invoice = Invoice.get_or_none(Invoice.number == number)
        if invoice is None:
            raise PlacementError(f"Det finns ingen faktura med nummer {number}.")
        if payment.kind == "deduction":
            if invoice.kind != "credit_note":
                raise PlacementError(f"Ett avdrag placeras på en kreditfaktura; {number} är en faktura.")
            unused = invoice.payable + placed_on(invoice.id)
            if -amount > unused:
                raise PlacementError(f"Kreditfaktura {number} har bara {format_sek(unused)} kr oanvänt.")
        else:
            if invoice.kind != "invoice":
                raise PlacementError(f"{number} är en kreditfaktura; en inbetalning placeras på en faktura.")
            left = receivables([invoice.id])[invoice.id].open
            if amount > left and amount != remaining:
                # More than is left only as the whole rest of the payment: the invoice is then overpaid
                # (the customer has that much to get back), and nothing of the payment is left hanging.
                raise PlacementError(
                    f"Faktura {number} har {format_sek(max(left, ZERO))} kr kvar att betala; placera högst det, "
                    f"eller hela resten av inbetalningen ({format_sek(remaining)} kr), så blir fakturan "
                    "överbetald.")
        return PaymentAllocation.create(payment=payment, invoice=invoice, amount=amount, how="manual",
                                        actor=actor, note=note)


def placed_on(invoice_id: int) -> Decimal:
    total = (PaymentAllocation.select(fn.SUM(PaymentAllocation.amount))
             .where(PaymentAllocation.invoice == invoice_id).scalar())
    return (Decimal(int(total or 0)) / 100).quantize(Decimal("0.01"))
