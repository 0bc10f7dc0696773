"""Checks before an e-invoice is built: what the cashier can fix, in Swedish, and where.

These catch, before anything is sent, what would make the official validation fail or the
invoice impossible to route: the buyer's PEPPOL address, the buyer's reference (Peppol
R003), addresses, and the company's own settings. They work on the seller and buyer as
snapshots (kassa.invoicing.seller_snapshot / buyer_snapshot), so the same checks serve an
issued invoice (its stored snapshots) and a customer before an invoice exists.
Whether the Pagero connection is set up is the send queue's concern, not these checks'.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kassa.eas_schemes import SCHEMES, check_scheme_value, schemes_for
from kassa.identifiers import (
    InvalidIdentifier,
    check_bankgiro,
    check_bic,
    check_gln,
    check_iban,
    check_orgnr,
    check_plusgiro,
    check_vat,
)
from kassa.invoice_input import InputProblem, check_line, check_party, check_text
from kassa.invoicing import InvoicingError
from kassa.models import Company, Customer, Invoice, InvoiceLine
from kassa.vat.conditions import buyer_vat_problem, check_categories
from kassa.vat.currency import CURRENCIES

CUSTOMER_PLACE = "kundregistret (Register → Kundregister → Ändra)"
COMPANY_PLACE = "Inställningar → Företag"
ENDPOINT_SCHEMES = {"0007": "organisationsnummer", "0088": "GLN"}  # a Swedish buyer's; kassa.eas_schemes for others


@dataclass(frozen=True)
class Problem:
    """One thing to fix before the e-invoice can go out.

    ``field`` names what is wrong ('buyer.endpoint', 'buyer_reference', 'company.vat_number' …)
    so the UI can point at it; ``message_sv`` says what to do and where.
    """

    field: str
    message_sv: str

    def __str__(self) -> str:
        return self.message_sv


def _identifier_problem(key: str, check: Callable[..., str], value: str, place: str,
                        **kwargs: Any) -> Problem | None:
    """``check`` (a kassa.identifiers checker) on ``value`` as a Problem under ``key``, or None."""
    try:
        check(value, **kwargs)
    except InvalidIdentifier as exc:
        return Problem(key, f"{exc} Rätta det i {place}.")
    return None


def _scheme_problem(key: str, scheme: str, value: str, country: str, label: str) -> Problem | None:
    """A Swedish buyer's 0007/0088 as before (a sole trader's personnummer is its org. number);
    every other scheme, and any scheme abroad, through kassa.eas_schemes."""
    if country == "SE" and scheme in ENDPOINT_SCHEMES:
        check = check_gln if scheme == "0088" else check_orgnr
        kwargs = {} if scheme == "0088" else {"allow_personnummer": True}
        return _identifier_problem(key, check, value, CUSTOMER_PLACE, field=label, **kwargs)
    return _identifier_problem(key, lambda v, field: check_scheme_value(scheme, v, country, field), value,
                               CUSTOMER_PLACE, field=label)


def _allowed_schemes(country: str) -> str:
    if country == "SE":
        return "0007 (organisationsnummer) eller 0088 (GLN)"
    return " eller ".join(f"{s.code} ({s.label})" for s in schemes_for(country))


def check_buyer(buyer: dict) -> list[Problem]:
    """The buyer (a buyer snapshot) as an e-invoice recipient."""
    from kassa.peppol.ubl import buyer_legal_id

    name = buyer.get("name") or "Kunden"
    country = (buyer.get("country") or "SE").upper()
    problems: list[Problem] = []
    if buyer.get("is_private"):
        problems.append(Problem(
            "buyer.is_private",
            f"Ett personnummer är ingen PEPPOL-adress: {name} är en privatperson och kan inte ta emot "
            "e-faktura via PEPPOL. Skriv ut fakturan eller skicka den som PDF i stället, eller – om kunden "
            f"är ett företag – ange organisationsnumret och ta bort markeringen Privatperson i {CUSTOMER_PLACE}.",
        ))
    else:
        scheme, endpoint = buyer.get("endpoint_scheme") or "", buyer.get("endpoint_id") or ""
        if not (scheme and endpoint):
            what = ("både organisationsnummer och GLN" if country == "SE"
                    else "organisationsnummer, GLN och momsnummer")
            problems.append(Problem(
                "buyer.endpoint",
                f"{name} saknar {what}, så e-fakturan kan inte adresseras "
                f"(den har ingen PEPPOL-adress). Fyll i organisationsnummer eller GLN i {CUSTOMER_PLACE}.",
            ))
        elif (scheme not in SCHEMES or not SCHEMES[scheme].endpoint
              or (SCHEMES[scheme].countries and country not in SCHEMES[scheme].countries)):
            problems.append(Problem(
                "buyer.endpoint",
                f"PEPPOL-adressen {scheme}:{endpoint} för {name} har ett schema som inte kan användas; "
                f"använd {_allowed_schemes(country)}. Rätta det i {CUSTOMER_PLACE}.",
            ))
        else:
            label = "PEPPOL-adressens " + (ENDPOINT_SCHEMES.get(scheme) or SCHEMES[scheme].label.lower())
            problem = _scheme_problem("buyer.endpoint", scheme, endpoint, country, label)
            if problem:
                problems.append(problem)
        legal_scheme, legal_id = buyer_legal_id(buyer)
        if legal_id and (legal_scheme, legal_id) != (scheme, endpoint):
            if legal_scheme not in SCHEMES or not SCHEMES[legal_scheme].legal:
                problems.append(Problem("buyer.org_number", f"Schemat {legal_scheme} kan inte användas för "
                                                            f"{name}s registreringsnummer. "
                                                            f"Rätta det i {CUSTOMER_PLACE}."))
            else:
                problem = _scheme_problem("buyer.org_number", legal_scheme, legal_id, country, "Organisationsnummer")
                if problem:
                    problems.append(problem)
        if buyer.get("gln") and buyer.get("gln") != (endpoint if scheme == "0088" else None):
            problem = _identifier_problem("buyer.gln", check_gln, buyer["gln"], CUSTOMER_PLACE)
            if problem:
                problems.append(problem)
    if buyer.get("vat_number"):
        if country == "SE":
            problem = _identifier_problem("buyer.vat_number", check_vat, buyer["vat_number"], CUSTOMER_PLACE)
            if problem:
                problems.append(problem)
        else:
            text = buyer_vat_problem(buyer["vat_number"], country)
            if text:
                problems.append(Problem("buyer.vat_number", f"{text} Rätta det i {CUSTOMER_PLACE}."))
    missing = [label for key, label in (("street", "gatuadress"), ("postal_code", "postnummer"), ("city", "ort"))
               if not (buyer.get(key) or "").strip()]
    if missing:
        problems.append(Problem(
            "buyer.address",
            f"{name} saknar adress ({', '.join(missing)}). En e-faktura ska ha köparens adress. "
            f"Fyll i den i {CUSTOMER_PLACE}.",
        ))
    return problems


def check_reference(buyer_reference: str | None) -> list[Problem]:
    if (buyer_reference or "").strip():
        return []
    return [Problem(
        "buyer_reference",
        "Köparens referens (”Er referens”) saknas. En e-faktura måste ha den (PEPPOL-regel R003), och "
        "offentliga kunder betalar inte utan den. Fråga kunden efter referensen (ett namn eller en "
        "referenskod) och ange den i fältet Er referens när fakturan skapas i kassan, eller spara den "
        f"på kunden i {CUSTOMER_PLACE}.",
    )]


def check_seller(seller: dict) -> list[Problem]:
    """The company's own settings (a seller snapshot) as an e-invoice sender."""
    problems: list[Problem] = []
    missing = [label for key, label in (
        ("name", "företagsnamn"), ("org_number", "organisationsnummer"), ("vat_number", "momsregistreringsnummer"),
        ("street", "gatuadress"), ("postal_code", "postnummer"), ("city", "ort"),
    ) if not (seller.get(key) or "").strip()]
    if missing:
        problems.append(Problem(
            "company.details",
            f"Företagets uppgifter är inte ifyllda ({', '.join(missing)}). Fyll i dem under {COMPANY_PLACE}.",
        ))
    for key, check, kwargs in (
        ("org_number", check_orgnr, {"allow_personnummer": True}),
        ("vat_number", check_vat, {}),
        ("bankgiro", check_bankgiro, {}),
        ("plusgiro", check_plusgiro, {}),
        ("iban", check_iban, {}),
        ("bic", check_bic, {}),
    ):
        if (seller.get(key) or "").strip():
            problem = _identifier_problem(f"company.{key}", check, seller[key], COMPANY_PLACE, **kwargs)
            if problem:
                problems.append(problem)
    if not any((seller.get(key) or "").strip() for key in ("bankgiro", "plusgiro", "iban")):
        problems.append(Problem(
            "company.payment_account",
            f"Företaget saknar bankgiro, plusgiro och IBAN, så kunden vet inte vart betalningen ska gå. "
            f"Fyll i minst ett av dem under {COMPANY_PLACE}.",
        ))
    return problems


def check_customer(
    customer: Customer, buyer_reference: str | None = None, company: Company | None = None
) -> list[Problem]:
    """Before an invoice exists (customer dialog, till): would an e-invoice to ``customer`` go out?

    ``buyer_reference`` is what the cashier entered; None means the customer's saved reference.
    """
    from kassa.invoicing import buyer_snapshot, seller_snapshot

    reference = customer.reference if buyer_reference is None else buyer_reference
    company = company or Company.get_solo()
    return check_seller(seller_snapshot(company)) + check_buyer(buyer_snapshot(customer)) + check_reference(reference)


def check_invoice(invoice: Invoice) -> list[Problem]:
    """Before an issued invoice or credit note is built and sent: its stored snapshots as they are.

    An issued invoice cannot change, so each message also says how to go on: correct the data,
    credit the invoice and issue a new one (or print this one).
    """
    problems = check_seller(invoice.seller or {}) + check_buyer(invoice.buyer or {})
    problems += check_reference(invoice.buyer_reference)
    problems += check_document(invoice)
    if not problems:
        return []
    what = "Kreditfakturan" if invoice.is_credit_note else "Fakturan"
    after = (
        f" {what} {invoice.number} är redan utfärdad och kan inte ändras: rätta uppgiften, "
        f"{'gör en ny kreditfaktura' if invoice.is_credit_note else 'kreditera fakturan och utfärda en ny'}, "
        "eller skriv ut den här."
    )
    return [Problem(p.field, p.message_sv + after) for p in problems]


def _problems(found: list[InputProblem | Problem]) -> list[Problem]:
    return [Problem(p.field, p.message_sv) for p in found]


def check_document(invoice: Invoice) -> list[Problem]:
    """What the invoice holds, checked as it was at issue (kassa.invoice_input, kassa.vat.conditions),
    so an invoice stored before a check existed, or written around it, never reaches the send queue
    when the official rules would refuse it, whether or not a rule pack is installed."""
    seller, buyer = invoice.seller or {}, invoice.buyer or {}
    found: list[InputProblem | Problem] = []
    lines = list(invoice.lines.order_by(InvoiceLine.position))
    for index, line in enumerate(lines, start=1):
        found += check_line(index, line.description, line.quantity, line.gross_price, line.discount_percent,
                            line.unit, line.article_number, line.vat_category or "S", line.vat_rate)
        if line.net_price < 0 or line.line_amount < 0:
            found.append(Problem(f"lines[{index}]", f"Rad {index} har ett negativt belopp (BR-27)."))
    found += check_party(seller, "Företagets", "company", COMPANY_PLACE)
    found += check_party(buyer, "Kundens", "buyer", CUSTOMER_PLACE)
    found += check_text(invoice.buyer_reference, "Er referens", "buyer_reference")
    found += check_text(invoice.payment_terms, "Betalningsvillkoren", "payment_terms")
    categories = {str(entry.get("category") or "S") for entry in invoice.vat_breakdown or []}
    categories |= {line.vat_category or "S" for line in lines}
    found += check_categories(seller, buyer, categories, invoice.delivery_date)
    currency = invoice.currency or "SEK"
    if currency not in CURRENCIES:
        found.append(Problem("currency", f"Valutan {currency} stöds inte."))
    elif currency != "SEK" and (invoice.exchange_rate is None or invoice.tax_total_sek is None):
        found.append(Problem("exchange_rate", f"Fakturan är i {currency} men saknar växelkurs och moms i kronor."))
    return _problems(found)


class InvoiceBlocked(InvoicingError):
    """An e-invoice customer whose invoice would be stopped as things stand; nothing was issued.

    ``problems`` are the Swedish texts of what to fix."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def check_before_issue(customer: Customer, buyer_reference: str | None, claim_reference: str = "") -> None:
    """For a customer who gets e-invoices: the send checks before the invoice exists, so no invoice is
    issued (numbered and made immutable) that could not go out. Raises InvoiceBlocked."""
    if not customer.sends_via_pagero:
        return
    insurance = customer.category is not None and customer.category.insurance_company
    reference = claim_reference if insurance else buyer_reference
    problems = check_customer(customer, reference)
    if problems:
        raise InvoiceBlocked([str(p) for p in problems])
