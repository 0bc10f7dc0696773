"""Issuing invoices and credit notes: numbers from an unbroken series, snapshots, category rules.

An invoice is written whole in one transaction that also takes its number, so a failed
attempt leaves neither a half-written invoice nor a gap in the series.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from kassa.eas_schemes import legal_scheme_of
from kassa.identifiers import format_bankgiro, format_plusgiro
from kassa.invoice_input import MAX_TOTAL, InputProblem, check_line, check_party, check_text
from kassa.models import AuditEvent, Company, Customer, Invoice, InvoiceLine, NumberSeries, Sale, VatGroup
from kassa.models.database import write_transaction
from kassa.money import (
    ZERO,
    ComputedLine,
    LineInput,
    Totals,
    compute_totals,
    round_ore,
    round_price,
    split_tax_sek,
)
from kassa.ocr import make_ocr
from kassa.vat.categories import CATEGORIES, line_category
from kassa.vat.conditions import check_categories
from kassa.vat.currency import HOME, CurrencyError, ExchangeRate, check_exchange
from kassa.vat.rates import GroupRate, VatGroupError, group_rate

SERIES = "invoice"


class InvoicingError(ValueError):
    """Something the cashier must fix before the invoice can be issued; the message is Swedish.

    `field` names the place to fix (``lines[2].discount``, ``buyer.vat_number``, ``exchange_rate`` …)
    and `input_problems` holds every problem found, each with its field, when there were several."""

    def __init__(self, message: str, field: str = "", input_problems: list[InputProblem] | None = None):
        super().__init__(message)
        self.field = field
        self.input_problems = list(input_problems or [])

    @classmethod
    def from_problems(cls, problems: list[InputProblem]) -> InvoicingError:
        return cls("\n".join(p.message_sv for p in problems), problems[0].field, problems)


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
        "country": (customer.country or "SE").upper(),
        "legal_scheme": "" if customer.is_private else legal_scheme_of(customer.country, customer.legal_scheme),
        "vat_treatment": customer.vat_treatment or "",
        "email": customer.email,
        "phone": customer.phone,
        "reference": customer.reference,
        "category": customer.category.name if customer.category_id and customer.category else "",
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
    """The next invoice number. Call inside `write_transaction()` (see NumberSeries.take)."""
    return NumberSeries.take(SERIES)


def _check_company(company: Company) -> None:
    missing = [label for label, value in [
        ("företagsnamn", company.name), ("organisationsnummer", company.org_number),
        ("gatuadress", company.street), ("postnummer", company.postal_code), ("ort", company.city),
    ] if not value]
    if missing:
        raise InvoicingError(
            "Företagets uppgifter är inte ifyllda (" + ", ".join(missing) + "). "
            "Fyll i dem under Inställningar → Företag."
        )
    if not (company.bankgiro or company.plusgiro or company.iban):
        raise InvoicingError("Företaget saknar bankgiro, plusgiro eller IBAN. Fyll i under Inställningar → Företag.")


def _write_invoice(
    *, kind: str, customer: Customer, totals: Totals, company: Company, issue_date: dt.date, due_date: dt.date,
    buyer: dict, seller: dict, buyer_reference: str, credited: Invoice | None = None, sale: Sale | None = None,
    id_check: IdCheck | None = None, claim_reference: str = "", bonus: Decimal = ZERO, manual: bool = False,
    till: str = "", event_message: str = "", delivery_date: dt.date | None = None, currency: str = HOME,
    exchange: ExchangeRate | None = None, tax_total_sek: Decimal | None = None,
) -> Invoice:
    number = take_number()
    if exchange is not None and tax_total_sek is None:
        tax_total_sek = exchange.to_sek(totals.tax_total)
        split_tax_sek(tax_total_sek, totals.vat)
    invoice = Invoice.create(
        number=number, kind=kind, credited_invoice=credited, customer=customer, sale=sale,
        issue_date=issue_date, due_date=due_date, delivery_date=delivery_date or issue_date, seller=seller,
        buyer=buyer, buyer_reference=buyer_reference, ocr=make_ocr(number), payment_terms=payment_terms_text(company),
        currency=currency, exchange_rate=exchange.rate if exchange else None,
        exchange_rate_date=exchange.date if exchange else None, tax_total_sek=tax_total_sek if exchange else None,
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


def resolve_line(line: LineInput, treatment: str, found: GroupRate | None) -> LineInput:
    """One line as it goes on the invoice, given its VAT group's rate on the date of supply (`found`,
    None for a line without a group): the group's rate and category; the customer's VAT treatment
    turns taxable lines into AE, K or G (services of an intra-EU customer into AE:
    kassa.vat.categories.line_category).

    A price that includes VAT at a rate the line no longer carries (a shelf price sold under reverse
    charge or for export) is brought to its price excluding that VAT first. Needs no database, so a
    window can show what will be issued."""
    line = replace(line)
    if found is not None:
        line.vat_rate = found.rate
        if line.vat_category not in ("AE", "K", "G"):
            line.vat_category = found.category
            line.reason_code, line.reason_text = found.reason_code, found.reason_text
    category = line_category(line.category, treatment, line.is_service)
    if category != line.category and CATEGORIES.get(category) and CATEGORIES[category].zero:
        if line.price_includes_vat and line.vat_rate:
            line.unit_price = round_price(line.unit_price * 100 / (100 + line.vat_rate))
            line.price_includes_vat = False
        line.vat_rate = 0
    line.vat_category = category
    if category in CATEGORIES and category not in ("S", "Z", "E") and not line.reason_code:
        line.reason_code = CATEGORIES[category].reason_code
    if category in CATEGORIES and category not in ("S", "Z") and not line.reason_text:
        line.reason_text = CATEGORIES[category].reason_text
    if category in ("S", "Z"):
        line.reason_code = line.reason_text = ""
    return line


def resolve_lines(lines: list[LineInput], treatment: str, supplied_on: dt.date) -> list[LineInput]:
    """The lines as they go on the invoice (resolve_line), each group's rate looked up for the date of supply."""
    resolved = []
    for line in lines:
        found = None
        if line.vat_group_id is not None:
            group = VatGroup.get_or_none(VatGroup.id == line.vat_group_id)
            if group is None:
                raise InvoicingError(f"Momsgruppen för raden '{line.description}' finns inte längre.", "lines")
            try:
                found = group_rate(group, supplied_on)
            except VatGroupError as exc:
                raise InvoicingError(str(exc), "lines") from None
        resolved.append(resolve_line(line, treatment, found))
    return resolved


def check_issue(seller: dict, buyer: dict, lines: list[LineInput], delivery_date: dt.date | None,
                texts: dict[str, tuple[str, str]]) -> list[InputProblem]:
    """Everything Kassa checks before an invoice is issued. `texts`: field -> (label, value)."""
    problems: list[InputProblem] = []
    for index, line in enumerate(lines, start=1):
        problems += check_line(index, line.description, line.quantity, line.unit_price, line.discount_percent,
                               line.unit, line.article_number, line.category, line.vat_rate)
    problems += check_party(seller, "Företagets", "company", "Inställningar → Företag")
    problems += check_party(buyer, "Kundens", "buyer", "kundregistret (Register → Kundregister)")
    for field_name, (label, value) in texts.items():
        problems += check_text(value, label, field_name)
    problems += check_categories(seller, buyer, {line.category for line in lines}, delivery_date)
    return problems


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
    delivery_date: dt.date | None = None,
    currency: str = HOME,
    exchange_rate: Decimal | str | None = None,
    exchange_rate_date: dt.date | None = None,
    till: str = "",
) -> Invoice:
    """Issue an invoice to `customer`, honouring the customer's category and VAT treatment.

    For a manual invoice the category decides whether entered prices include VAT; from the
    till each line says so itself (articles carry the flag). A line of a VAT group takes the
    group's rate on the date of supply (`delivery_date`, else the issue date). Everything is
    checked first; what cannot go on an invoice raises InvoicingError, in Swedish, with its field.
    """
    company = Company.get_solo()
    _check_company(company)
    if not customer.active:
        raise InvoicingError(f"Kunden {customer.name} är inaktiv. Aktivera kunden under Register → Kundregister "
                             "(Visa inaktiva, Aktivera) först.", "customer")
    if not lines:
        raise InvoicingError("Fakturan har inga rader.", "lines")
    today = issue_date or dt.date.today()
    supplied = delivery_date or today
    try:
        exchange = check_exchange(currency, exchange_rate, exchange_rate_date, today)
    except CurrencyError as exc:
        raise InvoicingError(str(exc), exc.field) from None
    category = customer.category if customer.category_id else None
    lines = [replace(line) for line in lines]
    if manual and category is not None:
        for line in lines:
            line.price_includes_vat = category.manual_incl_vat
    if category is not None and category.require_id and not manual:
        if id_check is None or not id_check.kind.strip() or not id_check.number.strip():
            raise InvoicingError(
                f"Kategorin {category.name} kräver legitimation. Ange typ av legitimation och dess nummer.", "id_check"
            )
    reference = (buyer_reference if buyer_reference is not None else customer.reference).strip()
    if category is not None and category.insurance_company:
        claim_reference = claim_reference.strip()
        if not claim_reference:
            raise InvoicingError(f"Kunden {customer.name} är ett försäkringsbolag: ange skadenummer.",
                                 "claim_reference")
        reference = claim_reference
    seller, buyer = seller_snapshot(company), buyer_snapshot(customer)
    lines = resolve_lines(lines, buyer["vat_treatment"], supplied)
    texts = {"buyer_reference": ("Er referens", reference), "claim_reference": ("Skadenumret", claim_reference)}
    if id_check is not None:
        texts["id_check"] = ("Legitimationen", f"{id_check.kind} {id_check.number}")
    problems = check_issue(seller, buyer, lines, supplied, texts)
    if problems:
        raise InvoicingError.from_problems(problems)
    fee = company.invoice_fee if not (category is not None and category.no_invoice_fee) else ZERO
    if exchange is not None and fee:
        fee = round_ore(fee / exchange.rate)  # the fee is set in kronor; the invoice is in its own currency
    rounds = company.round_invoices and exchange is None  # öresavrundning is for kronor
    totals = compute_totals(lines, fee=fee, round_to_krona=rounds)
    if totals.tax_inclusive > MAX_TOTAL:
        raise InvoicingError("Fakturans belopp är orimligt stort. Kontrollera antal och priser.", "lines")
    bonus = ZERO
    if company.bonus_rate and not (category is not None and category.no_bonus) and exchange is None:
        bonus = round_ore(totals.payable * company.bonus_rate / 100)
    with write_transaction():
        invoice = _write_invoice(
            kind="invoice", customer=customer, totals=totals, company=company, issue_date=today,
            due_date=today + dt.timedelta(days=company.payment_terms_days), seller=seller,
            buyer=buyer, buyer_reference=reference, sale=sale, id_check=id_check,
            claim_reference=claim_reference, bonus=bonus, manual=manual, till=till,
            event_message="Manuell faktura" if manual else ("Från kassan" if sale else ""),
            delivery_date=supplied, currency=exchange.currency if exchange else HOME, exchange=exchange,
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
    """A credit note naming `invoice`. `quantities` maps line ids (items or fee) to the quantity to
    credit; None credits everything not credited before, the invoice fee included.

    The amounts come from what the invoice holds minus what earlier credit notes took
    (kassa.credit_notes), so the credit notes of an invoice never exceed it and, crediting all,
    bring every amount to exactly zero."""
    from kassa.credit_notes import CreditError, compute_credit

    if invoice.is_credit_note:
        raise InvoicingError("En kreditfaktura kan inte krediteras.")
    problems = check_text(reason, "Orsaken", "reason")
    if problems:
        raise InvoicingError.from_problems(problems)
    with write_transaction():
        invoice = Invoice.get_by_id(invoice.id)  # re-read inside the lock
        try:
            piece = compute_credit(invoice, quantities)
        except CreditError as exc:
            raise InvoicingError(str(exc), "quantities") from None
        company = Company.get_solo()
        today = issue_date or dt.date.today()
        exchange = None
        if invoice.exchange_rate is not None and invoice.exchange_rate_date is not None:
            exchange = ExchangeRate(invoice.currency, invoice.exchange_rate, invoice.exchange_rate_date)
        credit = _write_invoice(
            kind="credit_note", customer=invoice.customer, totals=piece.totals, company=company, issue_date=today,
            due_date=today, seller=invoice.seller, buyer=invoice.buyer, buyer_reference=invoice.buyer_reference,
            credited=invoice, claim_reference=invoice.claim_reference, till=till,
            event_message=f"Krediterar faktura {invoice.number}" + (f": {reason}" if reason else ""),
            delivery_date=invoice.delivery_date, currency=invoice.currency or HOME, exchange=exchange,
            tax_total_sek=piece.tax_total_sek,
        )
        status = "credited" if piece.complete else "partly_credited"
        Invoice.update(status=status).where(Invoice.id == invoice.id).execute()
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
