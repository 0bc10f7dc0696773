"""Identifiers as people type them (spaces, hyphens, lower case), stored by an older Kassa or an import:
the e-invoice carries each in the form its scheme defines, so what Kassa's own checks accept the official
rules accept too (BR-CO-09, PEPPOL-COMMON-R041, R049), with or without a rule pack."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.invoicing import issue_invoice
from kassa.money import LineInput
from kassa.peppol.checks import check_invoice
from kassa.peppol.ubl import build_ubl
from tests.factories import make_company
from tests.peppol.ubl_documents import NS, make_customer, parse

BUYER = "cac:AccountingCustomerParty/cac:Party/"


@pytest.mark.parametrize("fields, endpoint, legal, vat", [
    (dict(org_number="556036-0793", vat_number="se 556036079301"), "5560360793", "5560360793", "SE556036079301"),
    (dict(country="NO", org_number="974 760 673", vat_number="no974760673mva", vat_treatment="G"),
     "974760673", "974760673", "NO974760673MVA"),
    (dict(country="DE", org_number="", vat_number="de 136.695.976", vat_treatment="K"), "DE136695976", None,
     "DE136695976"),
    (dict(country="DK", org_number="13 58 56 28", vat_number="dk-13585628", vat_treatment="K"), "13585628",
     "13585628", "DK13585628"),
    (dict(country="DE", org_number="", vat_number="DE136695976", endpoint_scheme="0204",
          endpoint_id=" 991-33333test-33 "), "991-33333TEST-33", None, "DE136695976"),
])
def test_identifiers_go_out_in_their_scheme_s_form(company, rule_pack, fields, endpoint, legal, vat):
    invoice = issue_invoice(make_customer(**fields), [LineInput("Termos", Decimal(1), Decimal(100), 25)])
    assert check_invoice(invoice) == []
    xml = build_ubl(invoice)
    assert [f.line() for f in rule_pack.validate(xml)] == []
    root = parse(xml)
    assert root.xpath(BUYER + "cbc:EndpointID/text()", namespaces=NS) == [endpoint]
    assert root.xpath(BUYER + "cac:PartyLegalEntity/cbc:CompanyID/text()", namespaces=NS) == ([legal] if legal else [])
    assert root.xpath(BUYER + "cac:PartyTaxScheme/cbc:CompanyID/text()", namespaces=NS) == [vat]


@pytest.mark.parametrize("fields, accounts", [
    (dict(bankgiro="5050-1055", org_number="556677-8899", vat_number="se 556677889901"), ["50501055"]),
    (dict(bankgiro="", plusgiro="902003-3", country="se"), ["9020033"]),
    (dict(bankgiro="", iban="se45 5000 0000 0583 9825 7466", bic="essesess "), ["SE4550000000058398257466"]),
])
def test_the_company_s_own_numbers_go_out_in_their_form(db, rule_pack, fields, accounts):
    """The same for the seller: SE-R-007..009 (giro numbers are digits), BR-CL-14, R049."""
    make_company(**fields)
    invoice = issue_invoice(make_customer(), [LineInput("Termos", Decimal(1), Decimal(100), 25)])
    assert check_invoice(invoice) == []
    xml = build_ubl(invoice)
    assert [f.line() for f in rule_pack.validate(xml)] == []
    root = parse(xml)
    assert root.xpath("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID/text()", namespaces=NS) == accounts
