"""A reminder's fee and interest as a PEPPOL BIS 3 invoice (a räntefaktura), checked against the official
rule pack and read back: its own number, the reminded invoice as preceding invoice, category O lines
and no VAT numbers, the invoice's OCR as payment reference, the reminder itself in the note."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from kassa.bookkeeping.reminders import issue_reminder
from kassa.models import BookkeepingSettings, ReferenceRate
from kassa.peppol.reminder_ubl import build_reminder_ubl
from tests.factories import make_company
from tests.peppol.ubl_documents import NS, d, issue, line, parse

D = Decimal
ISSUED = dt.date(2025, 3, 3)


@pytest.fixture
def overdue(db):
    make_company()
    for start, rate in ((dt.date(2025, 1, 1), D("2.50")), (dt.date(2025, 7, 1), D("2.00"))):
        ReferenceRate.create(valid_from=start, rate=rate)
    settings = BookkeepingSettings.get_solo()
    settings.reminder_fee, settings.reminder_fee_agreed = D("60.00"), True
    settings.save()
    return issue([line("Montering", "3", "500.00", 25), line("Lunch", "2", "112.35", 12)], issue_date=ISSUED,
                 buyer_reference="Anna Andersson")


def texts(root, path: str) -> list[str]:
    return [el.text for el in root.xpath(path, namespaces=NS)]


def test_the_first_reminder_is_a_valid_bis3_invoice_of_its_fee_and_interest(overdue, rule_pack):
    reminder = issue_reminder(overdue.id, overdue.due_date + dt.timedelta(days=20))
    assert reminder.fee == D("60.00") and reminder.interest > 0
    xml = build_reminder_ubl(reminder)
    assert [f.line() for f in rule_pack.validate(xml)] == []  # not even a warning
    root = parse(xml)
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert texts(root, "cbc:CustomizationID") == ["urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:"
                                                  "billing:3.0"]
    assert texts(root, "cbc:ID") == [f"{overdue.number}-P1"]
    assert texts(root, "cbc:InvoiceTypeCode") == ["380"]
    assert texts(root, "cbc:DueDate") == [reminder.new_due_date.isoformat()]
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [str(overdue.number)]
    assert texts(root, "cbc:BuyerReference") == ["Anna Andersson"]
    assert set(texts(root, "cac:PaymentMeans/cbc:PaymentID")) == {overdue.ocr}
    assert texts(root, "cac:InvoiceLine/cac:Item/cbc:Name")[0] == "Påminnelseavgift"
    assert texts(root, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == ["O"] * 2
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == ["VATEX-EU-O"]
    assert root.xpath("//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']", namespaces=NS) == []  # BR-O-02
    assert d(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == reminder.fee + reminder.interest
    assert d(root, "cac:TaxTotal/cbc:TaxAmount") == 0
    [note] = texts(root, "cbc:Note")
    assert f"Betalningspåminnelse 1 för faktura {overdue.number}" in note
    assert f"med OCR-nummer {overdue.ocr}" in note

    # The same document with the seller's VAT number, as an invoice carries it, is refused (BR-O-02).
    party = root.xpath("cac:AccountingSupplierParty/cac:Party", namespaces=NS)[0]
    scheme = etree.fromstring(
        f'<cac:PartyTaxScheme xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}"><cbc:CompanyID>SE556677889901'
        '</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>')
    party.insert(party.index(party.find("cac:PostalAddress", NS)) + 1, scheme)
    assert "BR-O-02" in {f.rule_id for f in rule_pack.validate(etree.tostring(root, xml_declaration=True,
                                                                                 encoding="UTF-8"))}


def test_a_later_reminder_with_interest_only_is_valid_too(overdue, rule_pack):
    first = issue_reminder(overdue.id, overdue.due_date + dt.timedelta(days=20))
    second = issue_reminder(overdue.id, first.new_due_date + dt.timedelta(days=10))
    assert second.fee == 0 and second.interest > 0 and second.sequence == 2
    xml = build_reminder_ubl(second)
    assert [f.line() for f in rule_pack.validate(xml)] == []
    root = parse(xml)
    assert texts(root, "cbc:ID") == [f"{overdue.number}-P2"]
    assert "Påminnelseavgift" not in texts(root, "cac:InvoiceLine/cac:Item/cbc:Name")
    assert "Avgifter och ränta från tidigare påminnelser" in texts(root, "cbc:Note")[0]


def test_a_reminder_that_charges_nothing_is_no_invoice(overdue):
    settings = BookkeepingSettings.get_solo()
    settings.reminder_fee_agreed, settings.charge_interest = False, False
    settings.save()
    reminder = issue_reminder(overdue.id, overdue.due_date + dt.timedelta(days=20))
    with pytest.raises(ValueError, match="no invoice"):
        build_reminder_ubl(reminder)
