"""Input checked at issue, in Swedish, with the field to fix: nothing is written when it is refused."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.invoicing import InvoicingError, issue_invoice
from kassa.models import Invoice
from kassa.money import LineInput
from tests.peppol.ubl_documents import make_customer

D = Decimal


@pytest.mark.parametrize("line, field, words", [
    (LineInput("Vara", D(1), D(100), 25, discount_percent=D(150)), "lines[1].discount",
     "rabatten 150 % går inte: en rabatt är mellan 0 och 100 %"),
    (LineInput("Vara", D(1), D(100), 25, discount_percent=D(-5)), "lines[1].discount", "mellan 0 och 100 %"),
    (LineInput("Vara", D("1.2345"), D(100), 25), "lines[1].quantity",
     "antalet 1,2345 har för många decimaler; högst 3 får anges"),
    (LineInput("Vara", D(1), D(100), 25, discount_percent=D("12.345")), "lines[1].discount",
     "rabatten 12,345 % har för många decimaler; högst 2"),
    (LineInput("Vara\x07 med klocka", D(1), D(100), 25), "lines[1].description",
     "Beskrivningen på rad 1 innehåller osynliga styrtecken (U+0007)"),
    (LineInput("x" * 256, D(1), D(100), 25), "lines[1].description", "högst 255 tecken; den har 256"),
    (LineInput("Vara", D(1), D(100), 25, unit="PK"), "lines[1].unit", "enheten 'PK' är ingen enhetskod"),
    (LineInput("Vara", D(1), D(100), 0, vat_category="S"), "lines[1].vat", "momssatsen 0 % finns inte"),
])
def test_refused_input_says_what_and_where_in_swedish(company, line, field, words):
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(make_customer(), [line])
    assert words in str(caught.value)
    assert caught.value.field == field
    assert Invoice.select().count() == 0


def test_control_characters_in_the_customer_are_refused_with_the_place_to_fix_them(company):
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(make_customer(name="Kund\x1bAB"), [LineInput("Vara", D(1), D(100), 25)])
    assert caught.value.field == "buyer.name"
    assert "Kundens namn innehåller osynliga styrtecken (U+001B)" in str(caught.value)
    assert "kundregistret" in str(caught.value)


def test_messages_name_the_category_as_swedish_is_written(company):
    customer = make_customer(vat_treatment="K", country="DK", org_number="13585628", vat_number="")
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(customer, [LineInput("Vara", D(1), D(100), 25)])
    assert "Vid unionsintern leverans (EU) ska fakturan ha både säljarens och köparens momsnummer" in str(caught.value)
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(make_customer(vat_number="", phone="031\x07"), [LineInput("Vara", D(1), D(100), 25)])
    assert "Kundens telefonnummer innehåller osynliga styrtecken (U+0007)" in str(caught.value)


def test_several_problems_are_all_reported(company):
    lines = [LineInput("Vara", D(1), D(100), 25, discount_percent=D(101)), LineInput("Ok", D("0.0001"), D(1), 25)]
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(make_customer(), lines)
    assert [p.field for p in caught.value.input_problems] == ["lines[1].discount", "lines[2].quantity"]


@pytest.mark.parametrize("fields, lines_category, field, words", [
    (dict(vat_treatment="K", country="DE", org_number="", vat_number=""), "", "buyer.vat_number",
     "saknar momsregistreringsnummer"),
    (dict(vat_treatment="K"), "", "buyer.country", "Unionsintern leverans gäller köpare i ett annat EU-land"),
    (dict(vat_treatment="G", country="DE", org_number="", vat_number="DE136695976"), "", "buyer.country",
     "Export gäller köpare utanför EU"),
    (dict(vat_treatment="AE", vat_number=""), "", "buyer.vat_number", "saknar momsregistreringsnummer"),
    (dict(vat_treatment="K", country="DE", org_number="", vat_number="DE136695977"), "", "buyer.vat_number",
     "inte ett giltigt momsnummer i Tyskland"),
])
def test_category_conditions(company, fields, lines_category, field, words):
    with pytest.raises(InvoicingError) as caught:
        issue_invoice(make_customer(**fields), [LineInput("Vara", D(1), D(100), 25)])
    assert any(p.field == field and words in p.message_sv for p in caught.value.input_problems), str(caught.value)


def test_out_of_scope_lines_cannot_be_mixed(company):
    lines = [LineInput("Utlägg", D(1), D(100), 0, vat_category="O"), LineInput("Vara", D(1), D(100), 25)]
    with pytest.raises(InvoicingError, match="kan inte stå på samma faktura") as caught:
        issue_invoice(make_customer(), lines)
    assert caught.value.field == "lines"


@pytest.mark.parametrize("kwargs, field, words", [
    (dict(currency="EUR"), "exchange_rate", "Ange växelkursen"),
    (dict(currency="EUR", exchange_rate="11,2"), "exchange_rate_date", "vilket datum växelkursen gäller"),
    (dict(currency="USD"), "currency", "Valutan USD stöds inte"),
    (dict(currency="EUR", exchange_rate="-1"), "exchange_rate", "större än noll"),
])
def test_currency_needs_a_rate_and_its_date(company, kwargs, field, words):
    with pytest.raises(InvoicingError, match=words) as caught:
        issue_invoice(make_customer(), [LineInput("Vara", D(1), D(100), 25)], **kwargs)
    assert caught.value.field == field
