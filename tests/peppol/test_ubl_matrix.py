"""Documents the project builds pass the official rules with zero findings, fatal or warning.

Each case issues an invoice (and for credit cases a credit note) through kassa.invoicing as
the till does, builds its UBL and checks it three ways: the totals and structure on the XML
itself (no rule pack needed), the UBL 2.1 schema alone, and the full validation (XSD + CEN
EN 16931 + Peppol BIS 3 with the Swedish rules).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from lxml import etree

from tests.factories import make_company
from tests.peppol.ubl_documents import (
    BUYER_GLN,
    INCL_VAT_TOLERANCE,
    NS,
    built,
    credit,
    issue,
    line,
    make_customer,
    total_identities,
)

SPECIAL = "Fisk & Skaldjur <Öst> \"Ågrens\" – é ü åäö"


@dataclass
class Case:
    company: dict = field(default_factory=dict)
    customer: dict = field(default_factory=dict)
    lines: list = field(default_factory=lambda: [dict()])
    credit: str | None = None  # None | 'full' | 'partial'


def lines_of(*specs):
    return [dict(zip(("description", "quantity", "price", "rate"), spec, strict=False)) for spec in specs]


CASES = {
    "one_rate": Case(lines=lines_of(("Vara", "2", "149.00", 25))),
    "two_rates": Case(lines=lines_of(("Vara", "2", "149.00", 25), ("Mat", "3", "45.50", 12))),
    "three_rates": Case(lines=lines_of(("Vara", "1", "149.00", 25), ("Mat", "3", "45.50", 12), ("Bok", "1", "299", 6))),
    "three_rates_and_exempt": Case(lines=lines_of(
        ("Vara", "1", "149.00", 25), ("Mat", "3", "45.50", 12), ("Bok", "1", "299", 6), ("Frimärke", "2", "12", 0))),
    "exempt_only": Case(lines=lines_of(("Frimärke", "10", "12", 0))),
    "fee_one_rate": Case(company=dict(invoice_fee=Decimal("29.00")), lines=lines_of(("Vara", "1", "500", 25))),
    "fee_split_over_rates": Case(company=dict(invoice_fee=Decimal("49.00")), lines=lines_of(
        ("Vara", "1", "333.33", 25), ("Mat", "7", "19.90", 12), ("Bok", "1", "87", 6), ("Frimärke", "1", "12", 0))),
    "fee_off_by_category": Case(company=dict(invoice_fee=Decimal("49.00")), customer=dict(no_fee=True),
                                lines=lines_of(("Vara", "1", "500", 25))),
    "ore_rounding": Case(company=dict(round_invoices=True),
                         lines=lines_of(("Vara", "3", "33.33", 25), ("Mat", "1", "9.99", 12))),
    "ore_rounding_and_fee": Case(company=dict(round_invoices=True, invoice_fee=Decimal("19.50")),
                                 lines=lines_of(("Vara", "3", "33.33", 25), ("Bok", "1", "9.99", 6))),
    "plusgiro": Case(company=dict(bankgiro="", plusgiro="9020033")),
    "iban_bic": Case(company=dict(bankgiro="", iban="SE4550000000058398257466", bic="ESSESESS")),
    "iban_without_bic": Case(company=dict(bankgiro="", iban="SE4550000000058398257466")),
    "bankgiro_plusgiro_iban": Case(company=dict(plusgiro="9020033", iban="SE4550000000058398257466", bic="ESSESESS")),
    "buyer_by_gln": Case(customer=dict(gln=BUYER_GLN)),
    "buyer_gln_only": Case(customer=dict(gln=BUYER_GLN, org_number="", vat_number="")),
    "credit_full": Case(company=dict(invoice_fee=Decimal("29.00"), round_invoices=True), credit="full",
                        lines=lines_of(("Vara", "2", "149.99", 25), ("Mat", "1.5", "45.50", 12))),
    "credit_partial": Case(credit="partial", lines=lines_of(("Vara", "4", "149.99", 25), ("Mat", "2", "45.50", 12))),
    "credit_partial_rounded": Case(company=dict(round_invoices=True), credit="partial",
                                   lines=lines_of(("Vara", "3", "33.33", 25), ("Mat", "2", "45.55", 12))),
    "hours_decimal_quantity": Case(lines=[
        dict(description="Konsulttimme", quantity="1.5", price="650", rate=25, unit="HUR"),
        dict(description="Kabel", quantity="2.75", price="19.90", rate=25, unit="MTR"),
        dict(description="Ost", quantity="0.347", price="189.00", rate=12, unit="KGM")]),
    "one_line": Case(lines=lines_of(("Vara", "1", "1.00", 25))),
    "two_hundred_lines": Case(company=dict(invoice_fee=Decimal("29.00")), lines=[
        dict(description=f"Artikel {i}", quantity=str(1 + i % 7), price=f"{(i * 37) % 1000 + 0.95:.2f}",
             rate=(25, 12, 6, 0)[i % 4], article_number=f"A{i:04d}") for i in range(200)]),
    "special_characters": Case(
        company=dict(name="Åkes & Öbergs <Kök> \"AB\"", street="Gränd 1 & 2", city="Örebro",
                     registered_office="Örebro"),
        customer=dict(name=SPECIAL, street="Ängsvägen <3>", city="Malmö", reference="Ref & <Åsa> \"Ö\""),
        lines=lines_of((SPECIAL, "1", "100", 25), ("Crème brûlée & Müsli <ekologisk>", "2", "45", 12))),
    "discounts": Case(lines=[
        dict(description="Stol", quantity="3", price="99.99", rate=25, discount_percent=Decimal("15")),
        dict(description="Bord", quantity="1", price="1499", rate=25, discount_percent=Decimal("33.33")),
        dict(description="Bok", quantity="2", price="79", rate=6, discount_percent=Decimal("100"))]),
    "prices_incl_vat": Case(lines=[
        dict(description="Kaffe", quantity="3", price="39.90", rate=12, price_includes_vat=True),
        dict(description="Bulle", quantity="7", price="24.00", rate=12, price_includes_vat=True),
        dict(description="Tidning", quantity="1", price="59.00", rate=6, price_includes_vat=True),
        dict(description="Paraply", quantity="1", price="249.00", rate=25, price_includes_vat=True,
             discount_percent=Decimal("20"))]),
    "prices_incl_vat_rounded_with_fee": Case(
        company=dict(round_invoices=True, invoice_fee=Decimal("25.00")),
        lines=[dict(description="Kaffe", quantity="3", price="39.90", rate=12, price_includes_vat=True),
               dict(description="Bok", quantity="1.5", price="33.33", rate=6, price_includes_vat=True)]),
    "no_f_skatt_no_office_no_contact": Case(company=dict(f_skatt=False, registered_office="", email="", phone="")),
    "huge_quantity": Case(lines=[dict(description="Skruv", quantity="250000", price="0.05", rate=25,
                                      discount_percent=Decimal("33.33"))]),
}


def _line_input(spec: dict):
    spec = dict(spec)
    args = {k: spec.pop(k) for k in ("description", "quantity", "price", "rate") if k in spec}
    return line(**args, **spec)


def build_case(case: Case) -> bytes:
    make_company(**case.company)
    customer_values = dict(case.customer)
    if customer_values.pop("no_fee", False):
        from kassa.models import CustomerCategory

        customer_values["category"] = CustomerCategory.create(
            name="E-faktura utan avgift", note="pagero", no_invoice_fee=True)
    customer = make_customer(**customer_values)
    invoice = issue([_line_input(spec) for spec in case.lines], customer)
    if case.credit == "full":
        invoice = credit(invoice)
    elif case.credit == "partial":
        first = invoice.item_lines[0]
        invoice = credit(invoice, {first.id: first.quantity - 1})
    return built(invoice)[0]


@pytest.fixture(params=sorted(CASES))
def case_xml(request, company):
    return request.param, build_case(CASES[request.param])


def test_structure_and_totals(case_xml):
    """Without a rule pack: the totals rules hold on the XML and the parts are where they belong."""
    name, xml = case_xml
    root = etree.fromstring(xml)
    case = CASES[name]
    incl = any(line.get("price_includes_vat") for line in case.lines)
    assert total_identities(root, INCL_VAT_TOLERANCE if incl else Decimal("0")) == []
    is_credit = case.credit is not None
    line_tag = "cac:CreditNoteLine" if is_credit else "cac:InvoiceLine"
    lines = root.xpath(line_tag, namespaces=NS)
    expected = len(case.lines) if case.credit in (None, "full") else 1
    assert len(lines) == expected
    assert [el.findtext("{*}ID") for el in lines] == [str(i) for i in range(1, expected + 1)]
    assert root.xpath("count(cac:TaxTotal)", namespaces=NS) == 1
    rates = {(s.findtext("{*}TaxCategory/{*}ID"), s.findtext("{*}TaxCategory/{*}Percent"))
             for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)}
    line_rates = {(el.findtext("{*}Item/{*}ClassifiedTaxCategory/{*}ID"),
                   el.findtext("{*}Item/{*}ClassifiedTaxCategory/{*}Percent")) for el in lines}
    assert line_rates <= rates
    assert root.xpath("cbc:BuyerReference", namespaces=NS)
    assert root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)
    empty = [el.tag for el in root.iter() if len(el) == 0 and not (el.text or "").strip()]
    assert empty == []


@pytest.fixture(scope="module")
def schemas(rule_pack):
    """The pack's UBL 2.1 schemas, loaded with lxml alone."""
    return {ns: etree.XMLSchema(file=str(path)) for ns, path in rule_pack.schema_files.items()}


@pytest.mark.rules
def test_schema_alone(case_xml, schemas):
    _, xml = case_xml
    tree = etree.ElementTree(etree.fromstring(xml))
    schema = schemas[etree.QName(tree.getroot()).namespace]
    assert schema.validate(tree), [f"{e.path}: {e.message}" for e in schema.error_log]


@pytest.mark.rules
def test_zero_findings(case_xml, rule_pack):
    _, xml = case_xml
    findings = rule_pack.validate(xml)
    assert [f.line() for f in findings] == []
