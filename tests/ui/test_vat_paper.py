"""Each VAT category on paper and in the e-invoice: the PDF's text (pdftotext), and the UBL's
category, rate, reason and VAT ids."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.invoicing import issue_invoice
from kassa.money import LineInput
from kassa.peppol.ubl import build_ubl
from kassa.ui.printing import save_pdf
from tests.factories import pdf_text
from tests.peppol.ubl_documents import NS, make_customer, parse
from tests.vat.vat_documents import GERMAN, group_line, issue_category

SELLER_VAT = "SE556677889901"
# category -> what the paper invoice must say (besides its amounts), and (reason code, reason text) in the UBL.
EXPECTED = {
    "S": ([], None),
    "Z": (["Nollskattesats", "Moms 0 % på"], None),
    "E": (["Undantag från skatteplikt", "10 kap. mervärdesskattelagen (2023:200)", "Momsfritt"],
          ("VATEX-EU-132", "Undantag från skatteplikt enligt 10 kap. mervärdesskattelagen (2023:200)")),
    "AE": (["Omvänd betalningsskyldighet", "Säljarens momsreg.nr: SE556677889901",
            "Köparens momsreg.nr: SE556016068001"], ("VATEX-EU-AE", "Omvänd betalningsskyldighet")),
    "K": (["Unionsintern leverans", "Säljarens momsreg.nr: SE556677889901", "Köparens momsreg.nr: DE136695976",
           "Leveransland: Tyskland", "Moms i svenska kronor: 0,00 kr (kurs 11,4523 SEK per EUR", "Att betala EUR"],
          ("VATEX-EU-IC", "Unionsintern leverans")),
    "G": (["Export till land utanför EU", "Norge", "Moms i svenska kronor: 0,00 kr (kurs 0,9512 SEK per NOK",
           "Att betala NOK"], ("VATEX-EU-G", "Export utanför EU")),
    "O": (["Omsättningen ligger utanför mervärdesskattens tillämpningsområde",
           "Utanför momsens tillämpningsområde"], ("VATEX-EU-O", "Omsättningen ligger utanför "
                                                   "mervärdesskattens tillämpningsområde")),
}


def xp(root, path):
    return [el.text for el in root.xpath(path, namespaces=NS)]


@pytest.mark.parametrize("code", list(EXPECTED))
def test_category_on_paper_and_in_the_ubl(qapp, company, tmp_path, code):
    invoice = issue_category(code)
    pdf = save_pdf(invoice.id, str(tmp_path / f"{code}.pdf"))
    text = " ".join(pdf_text(pdf).split())
    words, reason = EXPECTED[code]
    for expected in words:
        assert expected in text, (expected, text)

    root = parse(build_ubl(invoice))
    assert set(xp(root, "//cac:ClassifiedTaxCategory/cbc:ID")) == {code}
    assert xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ([code] if code != "S" else ["S", "S"])
    codes = xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode")
    texts = xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason")
    if reason is None:
        assert codes == [] and texts == []
    else:
        assert (codes, texts) == ([reason[0]], [reason[1]])
    seller_vat = xp(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']"
                          "/cbc:CompanyID")
    buyer_vat = xp(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']"
                         "/cbc:CompanyID")
    percents = xp(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
    if code == "O":
        assert seller_vat == [] and buyer_vat == [] and percents == []  # BR-O-02, BR-O-05
        assert "SE556677889901" not in text
    else:
        assert seller_vat == [SELLER_VAT]
    if code in ("AE", "K"):
        assert buyer_vat == [invoice.buyer["vat_number"]]
        assert percents == ["0"]
    if code == "K":
        assert xp(root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode") == ["DE"]
        assert xp(root, "cac:Delivery/cbc:ActualDeliveryDate") == [invoice.delivery_date.isoformat()]
    if code in ("K", "G"):
        assert xp(root, "cbc:TaxCurrencyCode") == ["SEK"]
        assert xp(root, "cac:TaxTotal/cbc:TaxAmount[@currencyID='SEK']") == ["0.00"]
    if code == "S":
        assert sorted(Decimal(p) for p in percents) == [Decimal(6), Decimal(25)]


def test_vat_in_sek_on_a_standard_rated_invoice_in_euro(qapp, company, tmp_path):
    invoice = issue_invoice(make_customer(), [group_line("Termos", "standard", "3", "19.99")], currency="EUR",
                            exchange_rate=Decimal("11.4523"), exchange_rate_date=dt.date(2026, 11, 2))
    assert invoice.tax_total == Decimal("14.99")  # 59.97 × 25 %
    assert invoice.tax_total_sek == Decimal("171.67")  # 14.99 × 11.4523
    text = " ".join(pdf_text(save_pdf(invoice.id, str(tmp_path / "eur.pdf"))).split())
    assert "Moms i svenska kronor: 171,67 kr (kurs 11,4523 SEK per EUR, 2026-11-02)" in text
    root = parse(build_ubl(invoice))
    assert xp(root, "cac:TaxTotal/cbc:TaxAmount[@currencyID='SEK']") == ["171.67"]
    assert xp(root, "cac:TaxTotal/cbc:TaxAmount[@currencyID='EUR']") == ["14.99"]


def test_the_unit_price_on_paper_is_the_one_invoiced(qapp, company, tmp_path):
    """À-pris as the invoice holds it, and as the UBL states it (up to four decimals): 10 000 × 0,1235 is
    1 235,00, not 10 000 × 0,12; a shelf price including VAT shows its price excluding VAT; a discounted
    line its price before the discount."""
    invoice = issue_invoice(make_customer(), [
        LineInput("Skruv M4", Decimal("10000"), Decimal("0.1235"), 25),
        LineInput("Kaffe", Decimal("3"), Decimal("54.90"), 12, price_includes_vat=True),
        LineInput("Mugg", Decimal("2"), Decimal("79.9999"), 25, discount_percent=Decimal("12.5")),
    ])
    text = " ".join(pdf_text(save_pdf(invoice.id, str(tmp_path / "price.pdf"))).split())
    assert "10000 st 0,1235 25 % 1 235,00" in text, text
    assert "3 st 49,0167 12 % 147,05" in text, text  # 164,70 incl. 12 % on the shelf: 147,05 excl.
    assert "2 st 79,9999 12,5 % 25 % 140,00" in text, text
    root = parse(build_ubl(invoice))
    prices = root.xpath("cac:InvoiceLine/cac:Price", namespaces=NS)
    assert [p.findtext(f"{{{NS['cbc']}}}PriceAmount") for p in prices] == ["0.1235", "49.0167", "69.9999"]
    assert xp(root, "cac:InvoiceLine/cac:Price/cac:AllowanceCharge/cbc:BaseAmount") == ["79.9999"]


def test_a_foreign_buyer_s_address_and_number_are_printed_as_its_country_writes_them(qapp, company, tmp_path):
    """A German postcode is not a Swedish one ("101 17"), nor a Belgian enterprise number an org. number."""
    german = issue_invoice(make_customer(**dict(GERMAN, vat_treatment="K", vat_number="de 136 695 976")),
                           [group_line("Termos", "standard")], currency="EUR", exchange_rate=Decimal("11.4523"),
                           exchange_rate_date=dt.date.today())
    text = " ".join(pdf_text(save_pdf(german.id, str(tmp_path / "de.pdf"))).split())
    assert "Friedrichstraße 10 10117 Berlin Tyskland Momsreg.nr DE136695976" in text, text
    assert "Köparens momsreg.nr: DE136695976" in text  # as the e-invoice carries it
    belgian = issue_invoice(make_customer(name="Bruxelles SA", country="BE", org_number="0403019261",
                                          vat_number="BE0403019261", postal_code="1000", city="Bruxelles"),
                            [group_line("Termos", "standard")])
    text = " ".join(pdf_text(save_pdf(belgian.id, str(tmp_path / "be.pdf"))).split())
    assert "Org.nr 0403019261" in text, text
    swedish = issue_invoice(make_customer(), [group_line("Termos", "standard")])
    text = " ".join(pdf_text(save_pdf(swedish.id, str(tmp_path / "se.pdf"))).split())
    assert "Kundvägen 2 111 22 Stockholm Org.nr 556036-0793" in text, text
