"""The VAT audit of issue 12, repeated: a matrix of invoices and credit-note sequences (tests/peppol/vat_audit.py)
issued as the till does. Every document Kassa accepts has zero findings, fatal or warning, under the
official rules (UBL 2.1 schema, CEN EN 16931, Peppol BIS 3); every refused input is refused in Swedish at
the field the case names; credit notes never exceed their invoice and, crediting all, sum to it to the öre;
and each document says in the UBL what its VAT category demands (reason, VAT ids, schemes).

With KASSA_AUDIT_DIR set, every document is also written there for a second validator.
"""
from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from kassa.models import Invoice
from tests.peppol.ubl_documents import NS, parse, total_identities
from tests.peppol.vat_audit import Outcome, build_matrix, run_case, write_documents

SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(är|inte|får|kan|ska|måste|saknar|finns|rad|ange|högst|gäller|välj)\b")
REASONS = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}
FOREIGN_SCHEMES = {"NO": {"0192", "0088"}, "DK": {"0184", "0088"}, "FI": {"0216", "0037", "0088"},
                   "DE": {"9930", "0204", "0088"}, "NL": {"0106", "0190", "0088"}, "BE": {"0208", "0088"},
                   "SE": {"0007", "0088"}, "GB": {"0088"}, "US": {"0088"}}


def xp(root, path: str) -> list[str]:
    return [el.text for el in root.xpath(path, namespaces=NS)]


def legal_problems(invoice: Invoice, xml: bytes) -> list[str]:
    """What the document's VAT categories demand beyond the validators (vat.md)."""
    root = parse(xml)
    problems = total_identities(root, Decimal("0.02") if invoice.is_credit_note else Decimal("0"))
    categories = set(xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID"))
    reasons = set(xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode"))
    party = "cac:{}/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
    seller_vat = xp(root, party.format("AccountingSupplierParty"))
    buyer_vat = xp(root, party.format("AccountingCustomerParty"))
    buyer = invoice.buyer or {}
    country = buyer.get("country", "SE")
    treatment = buyer.get("vat_treatment", "")
    for code, reason in REASONS.items():
        if code in categories and reason not in reasons:
            problems.append(f"{code} without {reason}: {reasons}")
    if categories & {"AE", "K"} and not (seller_vat and buyer_vat):
        problems.append(f"{categories}: both VAT numbers needed, have {seller_vat} {buyer_vat}")
    if "O" in categories and (seller_vat or buyer_vat):
        problems.append("O with a VAT id")
    if "G" in categories and not seller_vat:
        problems.append("G without the seller's VAT id")
    if "K" in categories and not xp(root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/"
                                          "cbc:IdentificationCode"):
        problems.append("K without deliver-to country")
    if treatment and not categories & {treatment, "AE" if treatment == "K" else treatment} and categories - {"E", "O"}:
        problems.append(f"customer treatment {treatment} but categories {categories}")
    lines = "cac:InvoiceLine|cac:CreditNoteLine"
    for line in root.xpath(lines, namespaces=NS):
        name = line.findtext(f"{{{NS['cac']}}}Item/{{{NS['cbc']}}}Name")
        category = line.findtext(f"{{{NS['cac']}}}Item/{{{NS['cac']}}}ClassifiedTaxCategory/{{{NS['cbc']}}}ID")
        if treatment == "K" and name == "Konsulttimme" and category != "AE":
            problems.append(f"a service to an EU business as {category}, not AE")
        if treatment == "K" and name in ("Termos", "Kanelbulle") and category != "K":
            problems.append(f"goods to an EU business as {category}, not K")
    if treatment == "K" and country == "SE":
        problems.append("K to a Swedish buyer")
    if "G" in categories and country in ("SE", "DE", "DK", "FI", "NL", "BE"):
        problems.append(f"G to a buyer in {country}")
    schemes = set(root.xpath("cac:AccountingCustomerParty/cac:Party//@schemeID", namespaces=NS))
    if not schemes <= FOREIGN_SCHEMES[country]:
        problems.append(f"buyer in {country} on schemes {schemes}")
    for code in categories - {"S"}:
        percents = xp(root, f"cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID='{code}']/cbc:Percent")
        if code != "O" and percents != ["0"]:
            problems.append(f"{code} at {percents}")
    return problems


def judge(outcome: Outcome, pack) -> list[str]:
    case = outcome.case
    report: list[str] = []
    if case.expect_refusal:
        if outcome.refused is None:
            report.append(f"{case.name}: accepted, expected a refusal at {case.expect_refusal}")
        elif not outcome.refused[0].startswith(case.expect_refusal):
            report.append(f"{case.name}: refused at {outcome.refused[0]!r}, expected {case.expect_refusal}: "
                          f"{outcome.refused[1]}")
        elif not SWEDISH.search(outcome.refused[1]):
            report.append(f"{case.name}: refused, not in Swedish: {outcome.refused[1]}")
        if os.environ.get("KASSA_AUDIT_DIR") and outcome.refused:
            print(f"{case.name}: {outcome.refused[0]}: {outcome.refused[1]}")
        return report
    if outcome.refused is not None:
        field, message = outcome.refused
        if not field or not SWEDISH.search(message):
            report.append(f"{case.name}: refused without a field or not in Swedish: {field!r} {message}")
        report.append(f"{case.name}: valid input refused at {field}: {message}")
        return report
    for message in outcome.send_refused:
        report.append(f"{case.name}: kassa refuses to send: {message}")
    for name, xml, document in outcome.documents:
        findings = [f.line() for f in pack.validate(xml)]
        if findings:
            report.append(f"{name}: {len(findings)} finding(s): {findings[:4]}")
        report += [f"{name}: {p}" for p in legal_problems(document, xml)]
    report += [f"{case.name}: {p}" for p in outcome.credit_problems]
    return report


def test_the_vat_audit_matrix(db, rule_pack):
    cases = build_matrix()
    outcomes = []
    report: list[str] = []
    for case in cases:
        outcome = run_case(case)
        outcomes.append(outcome)
        report += judge(outcome, rule_pack)
    documents = sum(len(o.documents) for o in outcomes)
    refusals = sum(1 for o in outcomes if o.refused)
    if os.environ.get("KASSA_AUDIT_DIR"):
        write_documents(outcomes, Path(os.environ["KASSA_AUDIT_DIR"]))
    print(f"\n{len(cases)} cases, {documents} documents, {refusals} refused at issue")
    assert documents >= 300 and refusals >= 25
    assert report == [], "\n".join(report)
