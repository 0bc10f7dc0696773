"""Issuing invoices and credit notes: numbers from an unbroken series, snapshots, category rules.

An invoice is written whole in one transaction that also takes its number, so a failed
attempt leaves neither a half-written invoice nor a gap in the series.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kassa.identifiers import format_bankgiro, format_plusgiro
from kassa.models import AuditEvent, Company, Customer, Invoice, InvoiceLine, NumberSeries, Sale
from kassa.models.database import is_postgres, write_transaction
from kassa.money import ZERO, ComputedLine, LineInput, Totals, compute_lines, compute_totals, round_ore
from kassa.ocr import make_ocr

SERIES = "invoice"


class InvoicingError(ValueError):
    """Something the cashier must fix before the invoice can be issued; the message is Swedish."""


@dataclass
class IdCheck:
    """Legitimationskontroll: which document was shown, and its number."""

    kind: str
    number: str


def seller_snapshot(company: Company) -> dict:
    return {
        "name": company.name,
        "org_number": company.org_number,
        "vat_number": company.effective_vat_number,
        "street": company.street,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": company.country or "SE",
        "registered_office": company.registered_office,
        "f_skatt": company.f_skatt,
        "bankgiro": company.bankgiro,
        "plusgiro": company.plusgiro,
        "iban": company.iban,
        "bic": company.bic,
        "email": company.email,
        "phone": company.phone,
        "late_interest_text": company.late_interest_text,
        "round_invoices": company.round_invoices,
    }


def buyer_snapshot(customer: Customer) -> dict:
    endpoint = customer.peppol_endpoint
    return {
        "number": customer.number,
        "name": customer.name,
        "org_number": customer.org_number,
        "is_private": customer.is_private,
        "vat_number": customer.vat_number,
        "gln": customer.gln,
        "endpoint_scheme": endpoint[0] if endpoint else "",
        "endpoint_id": endpoint[1] if endpoint else "",
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country or "SE",
        "email": customer.email,
        "phone": customer.phone,
        "reference": customer.reference,
        "category": customer.category.name if customer.category_id else "",
        "e_invoice": customer.sends_via_pagero,
    }


def payment_terms_text(company: Company) -> str:
    text = f"{company.payment_terms_days} dagar netto"
    if company.late_interest_text:
        text += f". {company.late_interest_text}"
    return text


def payment_account_text(seller: dict) -> str:
    """How to pay, as printed: bankgiro first, as Swedish invoices do."""
    if seller.get("bankgiro"):
        return f"Bankgiro {format_bankgiro(seller['bankgiro'])}"
    if seller.get("plusgiro"):
        return f"Plusgiro {format_plusgiro(seller['plusgiro'])}"
    if seller.get("iban"):
        return f"IBAN {seller['iban']} BIC {seller.get('bic', '')}".strip()
    return ""


def take_number() -> int:
    """The next number of the series. Call inside `write_transaction()`.

    PostgreSQL: the series row is locked (FOR UPDATE) until the transaction ends, so
    concurrent tills queue behind it. SQLite: the IMMEDIATE transaction already holds the
    write lock.
    """
    query = NumberSeries.select().where(NumberSeries.name == SERIES)
    if is_postgres():
        query = query.for_update()
    series = query.get()
    number = series.next_number
    NumberSeries.update(next_number=number + 1).where(NumberSeries.name == SERIES).execute()
    return number


def _check_company(company: Company) -> None:
    missing = [label for label, value in [
        ("företagsnamn", company.name), ("organisationsnummer", company.org_number),
        ("gatuadress", company.street), ("postnummer", company.postal_code), ("ort", company.city),
    ] if not value]
    if missing:
        raise InvoicingError(
            "Företagets uppgifter är inte ifyllda (" + ", ".join(missing) + "). Fyll i dem under Inställningar → Företag."
        )
    if not (company.bankgiro or company.plusgiro or company.iban):
        raise InvoicingError("Företaget saknar bankgiro, plusgiro eller IBAN. Fyll i under Inställningar → Företag.")


def _write_invoice(
    *, kind: str, customer: Customer, totals: Totals, company: Company, issue_date: dt.date, due_date: dt.date,
    buyer: dict, seller: dict, buyer_reference: str, credited: Invoice | None = None, sale: Sale | None = None,
    id_check: IdCheck | None = None, claim_reference: str = "", bonus: Decimal = ZERO, manual: bool = False,
    till: str = "", event_message: str = "",
) -> Invoice:
    number = take_number()
    invoice = Invoice.create(
        number=number, kind=kind, credited_invoice=credited, customer=customer, sale=sale,
        issue_date=issue_date, due_date=due_date, delivery_date=issue_date, seller=seller, buyer=buyer,
        buyer_reference=buyer_reference, ocr=make_ocr(number), payment_terms=payment_terms_text(company),
        line_extension=totals.line_extension, charge_total=totals.charge_total,
        tax_exclusive=totals.tax_exclusive, tax_total=totals.tax_total, tax_inclusive=totals.tax_inclusive,
        rounding=totals.rounding, payable=totals.payable, vat_breakdown=[v.as_dict() for v in totals.vat],
        id_check_kind=id_check.kind if id_check else "", id_check_number=id_check.number if id_check else "",
        claim_reference=claim_reference, bonus_earned=bonus, manual=manual, till=till,
    )
    _insert_lines(invoice.id, totals.lines + totals.fee_lines)
    AuditEvent.create(invoice=invoice, event="issued", message=event_message, actor=till)
    return invoice


_LINE_FIELDS = [f for f in InvoiceLine._meta.sorted_fields if f.name != "id"]


def _insert_lines(invoice_id: int, lines: list[ComputedLine]) -> None:
    """One prepared INSERT run for every line: peewee's query building costs more than the
    database does here, and issuing is the till's hot path (benchmarks/bench_issuing.py)."""
    values = []
    for position, line in enumerate(lines, start=1):
        row = dict(
            invoice=invoice_id, position=position, kind=line.kind, article_number=line.article_number,
            description=line.description, quantity=line.quantity, unit=line.unit, gross_price=line.gross_price,
            discount_percent=line.discount_percent, net_price=line.net_price, line_amount=line.line_amount,
            vat_rate=line.vat_rate, vat_category=line.vat_category, credited_line=line.credited_line_id,
        )
        values.append(tuple(f.db_value(row[f.name]) for f in _LINE_FIELDS))
    database = InvoiceLine._meta.database.obj
    columns = ", ".join(f'"{f.column_name}"' for f in _LINE_FIELDS)
    params = ", ".join([database.param] * len(_LINE_FIELDS))
    cursor = database.cursor()
    cursor.executemany(f'INSERT INTO "{InvoiceLine._meta.table_name}" ({columns}) VALUES ({params})', values)


def issue_invoice(
    customer: Customer,
    lines: list[LineInput],
    *,
    sale: Sale | None = None,
    manual: bool = False,
    buyer_reference: str | None = None,
    claim_reference: str = "",
    id_check: IdCheck | None = None,
    issue_date: dt.date | None = None,
    till: str = "",
) -> Invoice:
    """Issue an invoice to `customer`, honouring the customer's category.

    For a manual invoice the category decides whether entered prices include VAT; from the
    till each line says so itself (articles carry the flag).
    """
    company = Company.get_solo()
    _check_company(company)
    if not customer.active:
        raise InvoicingError(f"Kunden {customer.name} är inaktiv. Aktivera kunden under Register → Kundregister "
                             "(Visa inaktiva, Aktivera) först.")
    if not lines:
        raise InvoicingError("Fakturan har inga rader.")
    for line in lines:
        if line.quantity <= 0:
            raise InvoicingError(f"Antalet på raden '{line.description}' måste vara större än noll.")
        if line.unit_price < 0:
            raise InvoicingError(f"Priset på raden '{line.description}' kan inte vara negativt.")
        if line.vat_rate not in (25, 12, 6, 0):
            raise InvoicingError(f"Momssatsen {line.vat_rate} % finns inte. Välj 25, 12, 6 eller 0 %.")
    category = customer.category if customer.category_id else None
    if manual and category is not None:
        for line in lines:
            line.price_includes_vat = category.manual_incl_vat
    if category is not None and category.require_id and not manual:
        if id_check is None or not id_check.kind.strip() or not id_check.number.strip():
            raise InvoicingError(
                f"Kategorin {category.name} kräver legitimation. Ange typ av legitimation och dess nummer."
            )
    reference = (buyer_reference if buyer_reference is not None else customer.reference).strip()
    if category is not None and category.insurance_company:
        claim_reference = claim_reference.strip()
        if not claim_reference:
            raise InvoicingError(f"Kunden {customer.name} är ett försäkringsbolag: ange skadenummer.")
        reference = claim_reference
    fee = company.invoice_fee if not (category is not None and category.no_invoice_fee) else ZERO
    totals = compute_totals(lines, fee=fee, round_to_krona=company.round_invoices)
    bonus = ZERO
    if company.bonus_rate and not (category is not None and category.no_bonus):
        bonus = round_ore(totals.payable * company.bonus_rate / 100)
    today = issue_date or dt.date.today()
    with write_transaction():
        invoice = _write_invoice(
            kind="invoice", customer=customer, totals=totals, company=company, issue_date=today,
            due_date=today + dt.timedelta(days=company.payment_terms_days), seller=seller_snapshot(company),
            buyer=buyer_snapshot(customer), buyer_reference=reference, sale=sale, id_check=id_check,
            claim_reference=claim_reference, bonus=bonus, manual=manual, till=till,
            event_message="Manuell faktura" if manual else ("Från kassan" if sale else ""),
        )
        if bonus:
            Customer.update(bonus_balance=Customer.bonus_balance + bonus).where(Customer.id == customer.id).execute()
    return invoice


def credited_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """How much of each line of `invoice` earlier credit notes have credited."""
    done: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for credit in Invoice.select().where(Invoice.credited_invoice == invoice):
        for line in credit.lines:
            if line.credited_line_id:
                done[line.credited_line_id] += line.quantity
    return done


def credit_invoice(
    invoice: Invoice,
    quantities: dict[int, Decimal] | None = None,
    *,
    reason: str = "",
    issue_date: dt.date | None = None,
    till: str = "",
) -> Invoice:
    """A credit note naming `invoice`. `quantities` maps line ids to the quantity to credit;
    None credits everything not credited before, the invoice fee included."""
    if invoice.is_credit_note:
        raise InvoicingError("En kreditfaktura kan inte krediteras.")
    with write_transaction():
        invoice = Invoice.get_by_id(invoice.id)  # re-read inside the lock
        done = credited_quantities(invoice)
        source = list(invoice.lines.order_by(InvoiceLine.position))
        full = quantities is None
        wanted = {line.id: line.quantity - done[line.id] for line in source} if full else {
            int(k): Decimal(v) for k, v in quantities.items() if Decimal(v) != 0
        }
        items: list[ComputedLine] = []
        fees: list[ComputedLine] = []
        for line in source:
            qty = wanted.get(line.id)
            if not qty:
                continue
            left = line.quantity - done[line.id]
            if qty < 0 or qty > left:
                raise InvoicingError(
                    f"Raden '{line.description}' kan krediteras med högst {left.normalize():f} (begärt {qty.normalize():f})."
                )
            amount = line.line_amount if qty == line.quantity else round_ore(qty * line.net_price)
            computed = ComputedLine(
                line.kind, line.description, qty, line.unit, line.gross_price, line.discount_percent,
                line.net_price, amount, line.vat_rate, line.article_number, line.id,
            )
            (fees if line.kind == "fee" else items).append(computed)
        unknown = set(wanted) - {line.id for line in source}
        if unknown:
            raise InvoicingError("Raden som ska krediteras hör inte till fakturan.")
        if not items and not fees:
            raise InvoicingError(f"Det finns inget kvar att kreditera på faktura {invoice.number}.")
        # A credit note rounds the same way as its invoice did.
        rounds = bool(invoice.seller.get("round_invoices")) or invoice.rounding != 0
        totals = compute_totals(lines=items, fee_lines=fees, round_to_krona=rounds)
        company = Company.get_solo()
        today = issue_date or dt.date.today()
        credit = _write_invoice(
            kind="credit_note", customer=invoice.customer, totals=totals, company=company, issue_date=today,
            due_date=today, seller=invoice.seller, buyer=invoice.buyer, buyer_reference=invoice.buyer_reference,
            credited=invoice, claim_reference=invoice.claim_reference, till=till,
            event_message=f"Krediterar faktura {invoice.number}" + (f": {reason}" if reason else ""),
        )
        remaining = any(
            line.quantity - done[line.id] - wanted.get(line.id, ZERO) > 0 for line in source
        )
        Invoice.update(status="partly_credited" if remaining else "credited").where(Invoice.id == invoice.id).execute()
        AuditEvent.create(invoice=invoice, event="credited", message=f"Kreditfaktura {credit.number}", actor=till)
        if reason.strip():  # registered with the credit note, never changed: it is printed and sent with it
            AuditEvent.create(invoice=credit, event=CREDIT_REASON_EVENT, message=reason.strip(), actor=till)
    return credit


CREDIT_REASON_EVENT = "credit_reason"


def credit_reason(credit_note: Invoice) -> str:
    """Why the credit note was made, as the cashier wrote it ("" when it was not asked)."""
    event = (AuditEvent.select(AuditEvent.message)
             .where((AuditEvent.invoice == credit_note.id) & (AuditEvent.event == CREDIT_REASON_EVENT)).first())
    return event.message if event else ""
