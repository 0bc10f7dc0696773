"""The UBL builder, field by field (swedish-invoicing.md, "the fields"), on invoices issued as the till issues them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.peppol.ubl import (
    CUSTOMIZATION_ID,
    EXEMPTION_REASON,
    F_SKATT_TEXT,
    PROFILE_ID,
    build_ubl,
    format_amount,
    format_price,
    format_quantity,
)
from tests.factories import make_company
from tests.peppol.ubl_documents import (
    BUYER_GLN,
    BUYER_ORGNR,
    NS,
    built,
    credit,
    issue,
    line,
    make_customer,
    total_identities,
)


def text(root, path):
    found = root.xpath(path, namespaces=NS)
    assert found, f"{path} missing"
    return found[0].text


def texts(root, path):
    return [el.text for el in root.xpath(path, namespaces=NS)]


SELLER = "cac:AccountingSupplierParty/cac:Party/"
BUYER = "cac:AccountingCustomerParty/cac:Party/"


@pytest.fixture
def seller(company):
    return company


def test_invoice_header(seller):
    invoice = issue([line()])
    xml, root = built(invoice)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice ')
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert text(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert text(root, "cbc:ProfileID") == PROFILE_ID
    assert text(root, "cbc:ID") == str(invoice.number)
    assert text(root, "cbc:IssueDate") == invoice.issue_date.isoformat()
    assert text(root, "cbc:DueDate") == invoice.due_date.isoformat()
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:DocumentCurrencyCode") == "SEK"
    assert text(root, "cbc:BuyerReference") == "Anna Andersson"
    assert text(root, "cac:Delivery/cbc:ActualDeliveryDate") == invoice.issue_date.isoformat()
    assert text(root, "cac:PaymentTerms/cbc:Note") == "30 dagar netto. Dröjsmålsränta enligt räntelagen."
    assert not root.xpath("cac:BillingReference", namespaces=NS)


def test_seller_party(seller):
    _, root = built(issue([line()]))
    assert root.xpath(SELLER + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0007"]
    assert text(root, SELLER + "cbc:EndpointID") == "5566778899"
    assert text(root, SELLER + "cac:PartyName/cbc:Name") == "Hörnbutiken & Söner AB"
    assert text(root, SELLER + "cac:PostalAddress/cbc:StreetName") == "Storgatan 1"
    assert text(root, SELLER + "cac:PostalAddress/cbc:CityName") == "Göteborg"
    assert text(root, SELLER + "cac:PostalAddress/cbc:PostalZone") == "41101"
    assert text(root, SELLER + "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "SE"
    assert text(root, SELLER + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == "SE556677889901"
    assert text(root, SELLER + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID") == F_SKATT_TEXT
    assert text(root, SELLER + "cac:PartyLegalEntity/cbc:RegistrationName") == "Hörnbutiken & Söner AB"
    assert text(root, SELLER + "cac:PartyLegalEntity/cbc:CompanyID") == "5566778899"
    assert root.xpath(SELLER + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID", namespaces=NS) == ["0007"]
    assert text(root, SELLER + "cac:PartyLegalEntity/cbc:CompanyLegalForm") == "Säte: Göteborg"
    assert text(root, SELLER + "cac:Contact/cbc:Telephone") == "031-123456"
    assert text(root, SELLER + "cac:Contact/cbc:ElectronicMail") == "info@hornbutiken.se"


def test_seller_without_f_skatt_office_or_contact(db):
    make_company(f_skatt=False, registered_office="", email="", phone="")
    _, root = built(issue([line()]))
    assert not root.xpath(SELLER + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']", namespaces=NS)
    assert not root.xpath(SELLER + "cac:PartyLegalEntity/cbc:CompanyLegalForm", namespaces=NS)
    assert not root.xpath(SELLER + "cac:Contact", namespaces=NS)
    assert texts(root, SELLER + "cac:PartyTaxScheme/cbc:CompanyID") == ["SE556677889901"]


def test_buyer_by_org_number(seller):
    _, root = built(issue([line()]))
    assert root.xpath(BUYER + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0007"]
    assert text(root, BUYER + "cbc:EndpointID") == BUYER_ORGNR
    assert text(root, BUYER + "cac:PartyIdentification/cbc:ID") == BUYER_ORGNR
    assert text(root, BUYER + "cac:PartyName/cbc:Name") == "Kunden AB"
    assert text(root, BUYER + "cac:PostalAddress/cbc:StreetName") == "Kundvägen 2"
    assert text(root, BUYER + "cac:PartyTaxScheme/cbc:CompanyID") == f"SE{BUYER_ORGNR}01"
    assert text(root, BUYER + "cac:PartyLegalEntity/cbc:RegistrationName") == "Kunden AB"
    assert text(root, BUYER + "cac:PartyLegalEntity/cbc:CompanyID") == BUYER_ORGNR
    assert text(root, BUYER + "cac:Contact/cbc:ElectronicMail") == "faktura@kunden.se"


def test_buyer_by_gln_without_vat_number(seller):
    customer = make_customer(gln=BUYER_GLN, vat_number="", email="")
    _, root = built(issue([line()], customer))
    assert root.xpath(BUYER + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0088"]
    assert text(root, BUYER + "cbc:EndpointID") == BUYER_GLN
    assert root.xpath(BUYER + "cac:PartyIdentification/cbc:ID/@schemeID", namespaces=NS) == ["0088"]
    assert text(root, BUYER + "cac:PartyLegalEntity/cbc:CompanyID") == BUYER_ORGNR
    assert not root.xpath(BUYER + "cac:PartyTaxScheme", namespaces=NS)
    assert not root.xpath(BUYER + "cac:Contact", namespaces=NS)


@pytest.mark.parametrize("accounts, expected", [
    (dict(bankgiro="50501055"), [("30", "50501055", "SE:BANKGIRO")]),
    (dict(bankgiro="", plusgiro="9020033"), [("30", "9020033", "SE:PLUSGIRO")]),
    (dict(bankgiro="", iban="SE45 5000 0000 0583 9825 7466", bic="ESSESESS"),
     [("58", "SE4550000000058398257466", "ESSESESS")]),
    (dict(bankgiro="", iban="SE4550000000058398257466", bic=""), [("58", "SE4550000000058398257466", None)]),
    (dict(bankgiro="50501055", plusgiro="9020033"),
     [("30", "50501055", "SE:BANKGIRO"), ("30", "9020033", "SE:PLUSGIRO")]),
    # All codes of a document must be equal (UBL-SR-47): beside a giro the IBAN is a plain credit transfer.
    (dict(bankgiro="50501055", iban="SE4550000000058398257466", bic="ESSESESS"),
     [("30", "50501055", "SE:BANKGIRO"), ("30", "SE4550000000058398257466", "ESSESESS")]),
])
def test_payment_means(db, accounts, expected):
    make_company(**accounts)
    invoice = issue([line()])
    _, root = built(invoice)
    means = root.xpath("cac:PaymentMeans", namespaces=NS)
    found = []
    for pm in means:
        assert text(pm, "cbc:PaymentID") == invoice.ocr
        branch = pm.xpath("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID", namespaces=NS)
        found.append((text(pm, "cbc:PaymentMeansCode"), text(pm, "cac:PayeeFinancialAccount/cbc:ID"),
                      branch[0].text if branch else None))
    assert found == expected


def test_invoice_fee_is_a_document_charge_per_rate(db):
    make_company(invoice_fee=Decimal("49.00"))
    invoice = issue([line(price="800.00", rate=25), line(price="200.00", rate=12)])
    _, root = built(invoice)
    charges = root.xpath("cac:AllowanceCharge", namespaces=NS)
    assert [(text(c, "cbc:ChargeIndicator"), text(c, "cbc:AllowanceChargeReasonCode"),
             text(c, "cbc:AllowanceChargeReason"), text(c, "cbc:Amount"),
             text(c, "cac:TaxCategory/cbc:ID"), text(c, "cac:TaxCategory/cbc:Percent")) for c in charges] == [
        ("true", "IS", "Fakturaavgift", "39.20", "S", "25"),
        ("true", "IS", "Fakturaavgift", "9.80", "S", "12"),
    ]
    assert text(root, "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "49.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "1000.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "1049.00"
    # The fee is not a line: only the two sold items are.
    assert len(root.xpath("cac:InvoiceLine", namespaces=NS)) == 2
    assert total_identities(root) == []


def test_no_fee_no_charge_total(seller):
    _, root = built(issue([line()]))
    assert not root.xpath("cac:AllowanceCharge", namespaces=NS)
    assert not root.xpath("cac:LegalMonetaryTotal/cbc:ChargeTotalAmount", namespaces=NS)
    assert not root.xpath("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", namespaces=NS)


def test_ore_rounding(db):
    make_company(round_invoices=True)
    invoice = issue([line(price="10.10")])  # 12.625 → 12.63 incl. VAT, pays 13.00
    _, root = built(invoice)
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "12.63"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") == "0.37"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "13.00"
    assert total_identities(root) == []


def test_tax_subtotals_and_exempt_reason(seller):
    invoice = issue([line(price="100", rate=25), line(price="50", rate=6), line(price="20", rate=0)])
    _, root = built(invoice)
    subs = root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    assert [(text(s, "cbc:TaxableAmount"), text(s, "cbc:TaxAmount"), text(s, "cac:TaxCategory/cbc:ID"),
             text(s, "cac:TaxCategory/cbc:Percent")) for s in subs] == [
        ("100.00", "25.00", "S", "25"), ("50.00", "3.00", "S", "6"), ("20.00", "0.00", "E", "0")]
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason") == [EXEMPTION_REASON]
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "28.00"
    exempt_line = root.xpath("cac:InvoiceLine[3]/cac:Item/cac:ClassifiedTaxCategory", namespaces=NS)[0]
    assert (text(exempt_line, "cbc:ID"), text(exempt_line, "cbc:Percent")) == ("E", "0")


def test_invoice_line(seller):
    invoice = issue([line("Konsulttimme", "1.5", "650.00", 25, unit="HUR", article_number="K-1")])
    _, root = built(invoice)
    el = root.xpath("cac:InvoiceLine", namespaces=NS)[0]
    assert text(el, "cbc:ID") == "1"
    assert text(el, "cbc:InvoicedQuantity") == "1.5"
    assert el.xpath("cbc:InvoicedQuantity/@unitCode", namespaces=NS) == ["HUR"]
    assert text(el, "cbc:LineExtensionAmount") == "975.00"
    assert text(el, "cac:Item/cbc:Name") == "Konsulttimme"
    assert text(el, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "K-1"
    assert text(el, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "25"
    assert text(el, "cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID") == "VAT"
    assert text(el, "cac:Price/cbc:PriceAmount") == "650.00"
    assert not el.xpath("cac:Price/cac:AllowanceCharge", namespaces=NS)


def test_line_without_article_number_has_no_sellers_id(seller):
    _, root = built(issue([line()]))
    assert not root.xpath("cac:InvoiceLine/cac:Item/cac:SellersItemIdentification", namespaces=NS)


def test_discount_is_a_price_allowance(seller):
    invoice = issue([line("Stol", "3", "99.99", 25, discount_percent=Decimal("15"))])
    stored = invoice.item_lines[0]
    _, root = built(invoice)
    price = root.xpath("cac:InvoiceLine/cac:Price", namespaces=NS)[0]
    assert text(price, "cbc:PriceAmount") == format_price(stored.net_price) == "84.9915"
    assert text(price, "cac:AllowanceCharge/cbc:ChargeIndicator") == "false"
    assert text(price, "cac:AllowanceCharge/cbc:BaseAmount") == "99.99"
    # PEPPOL-EN16931-R046: net price = gross price − allowance, exactly.
    assert Decimal(text(price, "cac:AllowanceCharge/cbc:BaseAmount")) - Decimal(
        text(price, "cac:AllowanceCharge/cbc:Amount")) == Decimal(text(price, "cbc:PriceAmount"))


def test_huge_quantity_states_the_price_per_base_quantity(seller):
    # 0.0333… per piece cannot be said in four decimals for 250 000 pieces within an öre (R120).
    invoice = issue([line("Skruv", "250000", "0.05", 25, discount_percent=Decimal("33.33"))])
    stored = invoice.item_lines[0]
    _, root = built(invoice)
    el = root.xpath("cac:InvoiceLine", namespaces=NS)[0]
    base = Decimal(text(el, "cac:Price/cbc:BaseQuantity"))
    assert el.xpath("cac:Price/cbc:BaseQuantity/@unitCode", namespaces=NS) == ["EA"]
    price = Decimal(text(el, "cac:Price/cbc:PriceAmount"))
    assert abs(stored.quantity * price / base - stored.line_amount) <= Decimal("0.01")


def test_credit_note(db):
    make_company(invoice_fee=Decimal("29.00"), round_invoices=True)
    invoice = issue([line("A", "2", "100.10", 25), line("B", "1", "50", 12)])
    note = credit(invoice)
    xml, root = built(note)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<CreditNote ')
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert text(root, "cbc:ID") == str(note.number)
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert not root.xpath("cbc:DueDate | cbc:InvoiceTypeCode", namespaces=NS)
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert text(root, reference + "cbc:ID") == str(invoice.number)
    assert text(root, reference + "cbc:IssueDate") == invoice.issue_date.isoformat()
    assert texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["2", "1"]
    assert not root.xpath("cac:InvoiceLine", namespaces=NS)
    # Amounts positive: the type code says it credits.
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == format_amount(invoice.payable)
    assert text(root, "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "29.00"
    assert all(Decimal(t) >= 0 for t in texts(root, "//cbc:LineExtensionAmount | //cbc:Amount | //cbc:TaxAmount"))
    assert total_identities(root) == []


def test_partial_credit_note(seller):
    invoice = issue([line("A", "4", "100", 25), line("B", "1", "50", 12)])
    first = invoice.item_lines[0]
    note = credit(invoice, {first.id: Decimal("1")})
    _, root = built(note)
    assert texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["1"]
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "125.00"
    assert total_identities(root) == []


SPECIAL = "Smörgås & <Café> \"Über\" 'é' åäö ÅÄÖ"


def test_special_characters_survive(db):
    make_company(name="Åkes & Öbergs <Kök> AB", registered_office="Örebro")
    customer = make_customer(name=SPECIAL, street="Ängsvägen 3 & 5", city="Malmö", reference="Ref <1> & \"2\"")
    _, root = built(issue([line(SPECIAL)], customer))
    assert text(root, "cac:InvoiceLine/cac:Item/cbc:Name") == SPECIAL
    assert text(root, BUYER + "cac:PartyName/cbc:Name") == SPECIAL
    assert text(root, BUYER + "cac:PostalAddress/cbc:StreetName") == "Ängsvägen 3 & 5"
    assert text(root, "cbc:BuyerReference") == "Ref <1> & \"2\""
    assert text(root, SELLER + "cac:PartyName/cbc:Name") == "Åkes & Öbergs <Kök> AB"
    assert text(root, SELLER + "cac:PartyLegalEntity/cbc:CompanyLegalForm") == "Säte: Örebro"


def test_no_empty_elements(db):
    make_company(f_skatt=False, registered_office="", email="", phone="")
    customer = make_customer(vat_number="", email="", phone="", reference="")
    _, root = built(issue([line()], customer, buyer_reference=""))
    empty = [el.tag for el in root.iter() if len(el) == 0 and not (el.text or "").strip()]
    assert empty == []
    assert not root.xpath("cbc:BuyerReference", namespaces=NS)  # left out, not empty (checks ask for it)


def test_build_reads_only_stored_data(db):
    """A later change of the company or customer does not change the invoice's document."""
    company = make_company()
    customer = make_customer()
    invoice = issue([line()], customer)
    before = build_ubl(invoice)
    company.name, company.bankgiro = "Nytt Namn AB", "9020033"
    company.save()
    customer.name = "Annan Kund AB"
    customer.save()
    assert build_ubl(invoice) == before


@pytest.mark.parametrize("value, expected", [
    ("12", "12.00"), ("12.5", "12.50"), ("0.125", "0.13"), ("-0.45", "-0.45"), ("1000000", "1000000.00"),
])
def test_format_amount(value, expected):
    assert format_amount(Decimal(value)) == expected


@pytest.mark.parametrize("value, expected", [
    ("650", "650.00"), ("650.5000", "650.50"), ("0.3333", "0.3333"), ("7.1250", "7.125"), ("1.00005", "1.0001"),
])
def test_format_price(value, expected):
    assert format_price(Decimal(value)) == expected


@pytest.mark.parametrize("value, expected", [
    ("1.000", "1"), ("1.500", "1.5"), ("100", "100"), ("0.125", "0.125"), ("2000.000", "2000"),
])
def test_format_quantity(value, expected):
    assert format_quantity(Decimal(value)) == expected


def test_indented_is_the_same_document(seller):
    from lxml import etree

    invoice = issue([line("Vara & <tillbehör>", "2", "10.50", 25), line("Bok", "1", "99", 6)])
    compact, indented = build_ubl(invoice), build_ubl(invoice, indent=True)
    assert b"\n  <cbc:CustomizationID>" in indented and b"\n  <cbc:" not in compact
    flat = etree.XMLParser(remove_blank_text=True)
    assert etree.tostring(etree.fromstring(indented, flat), method="c14n") == etree.tostring(
        etree.fromstring(compact, flat), method="c14n")


@pytest.mark.rules
def test_line_without_description_still_has_an_item_name(seller, rule_pack):
    invoice = issue([line("", "1", "10"), line("  ", "1", "10", article_number="A-9")])
    xml, root = built(invoice)
    assert texts(root, "cac:InvoiceLine/cac:Item/cbc:Name") == ["(utan benämning)", "A-9"]
    assert [f.line() for f in rule_pack.validate(xml)] == []


@pytest.mark.postgres
def test_same_document_from_postgresql(pg_db):
    """Several tills share PostgreSQL: the stored decimals, dates and snapshots give the same UBL there."""
    make_company(invoice_fee=Decimal("29.00"), round_invoices=True)
    invoice = issue([line("Konsulttimme", "1.5", "650.00", 25, unit="HUR"),
                     line("Bok & <häfte>", "2", "249.00", 6, discount_percent=Decimal("12.5"))])
    note = credit(invoice)
    for document in (invoice, note):
        _, root = built(document)
        assert total_identities(root) == []
    _, root = built(invoice)
    assert text(root, "cac:InvoiceLine[1]/cbc:InvoicedQuantity") == "1.5"
    assert text(root, "cac:InvoiceLine[2]/cac:Price/cbc:PriceAmount") == "217.875"
    assert text(root, "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "29.00"
    assert text(root, "cbc:DueDate") == invoice.due_date.isoformat()
