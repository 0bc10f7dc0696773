"""Issued invoices for the UBL tests, and what every built document must satisfy without a rule pack.

Invoices are issued through kassa.invoicing as the till does, so the tests build UBL from
exactly the data the application stores.
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from kassa.invoicing import credit_invoice, issue_invoice
from kassa.models import Customer, CustomerCategory
from kassa.money import LineInput
from kassa.peppol.ubl import NS_CAC, NS_CBC, NS_CREDIT_NOTE, NS_INVOICE, build_ubl

NS = {"cac": NS_CAC, "cbc": NS_CBC, "inv": NS_INVOICE, "cn": NS_CREDIT_NOTE}

BUYER_ORGNR = "5560360793"
BUYER_GLN = "7350053850019"


def e_invoice_category() -> CustomerCategory:
    category, _ = CustomerCategory.get_or_create(name="E-fakturakund", defaults={"note": "Skickas via Pagero"})
    return category


def make_customer(**overrides) -> Customer:
    values = dict(
        name="Kunden AB", org_number=BUYER_ORGNR, vat_number=f"SE{BUYER_ORGNR}01", street="Kundvägen 2",
        postal_code="11122", city="Stockholm", reference="Anna Andersson", email="faktura@kunden.se",
        category=e_invoice_category(),
    )
    values.update(overrides)
    values.setdefault("number", (Customer.select().count() + 1))
    return Customer.create(**values)


def line(description="Vara", quantity="1", price="100.00", rate=25, **kw) -> LineInput:
    return LineInput(description, Decimal(quantity), Decimal(price), rate, **kw)


def issue(lines: list[LineInput], customer: Customer | None = None, **kw):
    return issue_invoice(customer or make_customer(), lines, **kw)


def credit(invoice, quantities=None):
    return credit_invoice(invoice, quantities)


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def d(root: etree._Element, path: str) -> Decimal:
    """The decimal at ``path`` (cbc:/cac: prefixes), 0 when absent."""
    found = root.xpath(path, namespaces=NS)
    return Decimal(found[0].text) if found else Decimal("0")


# A rate whose lines carry VAT in their prices has the shelf sum minus its net as VAT (kassa.money.
# gross_corrections): an öre from taxable × rate at most, where no net amount gives the sum back.
INCL_VAT_TOLERANCE = Decimal("0.01")


def total_identities(root: etree._Element, vat_tolerance: Decimal = Decimal("0")) -> list[str]:
    """Which of the EN 16931 totals rules the document breaks (BR-CO-10..17, BR-S-08, BR-E-08); [] if none.

    `vat_tolerance`: how far a breakdown's VAT may be from its taxable amount × rate (BR-CO-17 itself allows
    one unit; a partial credit note's VAT is its share of the invoice's, and may be an öre or two off)."""
    broken = []
    lm = "cac:LegalMonetaryTotal/cbc:"
    line_tag = "cac:CreditNoteLine" if etree.QName(root).namespace == NS_CREDIT_NOTE else "cac:InvoiceLine"
    lines = root.xpath(line_tag, namespaces=NS)
    line_sum = sum((d(el, "cbc:LineExtensionAmount") for el in lines), Decimal("0"))
    charges = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='true']", namespaces=NS)
    allowances = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='false']", namespaces=NS)
    charge_sum = sum((d(el, "cbc:Amount") for el in charges), Decimal("0"))
    allowance_sum = sum((d(el, "cbc:Amount") for el in allowances), Decimal("0"))
    line_ext, tax_excl = d(root, lm + "LineExtensionAmount"), d(root, lm + "TaxExclusiveAmount")
    tax_incl, payable = d(root, lm + "TaxInclusiveAmount"), d(root, lm + "PayableAmount")
    tax = d(root, "cac:TaxTotal/cbc:TaxAmount")
    subtotals = root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)

    def rule(name: str, ok: bool, detail: str) -> None:
        if not ok:
            broken.append(f"{name}: {detail}")

    rule("BR-CO-10", line_ext == line_sum, f"{line_ext} != Σ lines {line_sum}")
    rule("BR-CO-11", d(root, lm + "AllowanceTotalAmount") == allowance_sum, "allowance total")
    rule("BR-CO-12", d(root, lm + "ChargeTotalAmount") == charge_sum, f"charge total != {charge_sum}")
    rule("BR-CO-13", tax_excl == line_ext - allowance_sum + charge_sum, f"{tax_excl}")
    rule("BR-CO-14", tax == sum((d(s, "cbc:TaxAmount") for s in subtotals), Decimal("0")), f"{tax}")
    rule("BR-CO-15", tax_incl == tax_excl + tax, f"{tax_incl} != {tax_excl} + {tax}")
    rule("BR-CO-16", payable == tax_incl - d(root, lm + "PrepaidAmount") + d(root, lm + "PayableRoundingAmount"),
         f"{payable}")
    for sub in subtotals:
        category = sub.findtext(f"{{{NS_CAC}}}TaxCategory/{{{NS_CBC}}}ID")
        rate = d(sub, "cac:TaxCategory/cbc:Percent")
        taxable = d(sub, "cbc:TaxableAmount")
        expected = (taxable * rate / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        tax_amount = d(sub, "cbc:TaxAmount")
        rule("BR-CO-17", abs(tax_amount - expected) <= vat_tolerance, f"{category} {rate}: {tax_amount} != {expected}")
        same = (f"[cac:ClassifiedTaxCategory/cbc:ID='{category}'"
                + ("]" if category == "O" else f" and number(cac:ClassifiedTaxCategory/cbc:Percent)={rate}]"))
        same_lines = root.xpath(f"{line_tag}[cac:Item{same}]", namespaces=NS)
        per_line = sum((d(el, "cbc:LineExtensionAmount") for el in same_lines), Decimal("0"))
        same_doc = same.replace("ClassifiedTaxCategory", "TaxCategory")
        per_charge = sum((d(el, "cbc:Amount") for el in root.xpath(
            f"cac:AllowanceCharge[cbc:ChargeIndicator='true']{same_doc}", namespaces=NS)), Decimal("0"))
        rule("BR-S-08/BR-E-08", taxable == per_line + per_charge,
             f"{category} {rate}: {taxable} != {per_line} + {per_charge}")
    return broken


def built(invoice) -> tuple[bytes, etree._Element]:
    xml = build_ubl(invoice)
    return xml, parse(xml)
