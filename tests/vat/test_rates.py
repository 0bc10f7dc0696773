"""VAT groups with dated rates: the rate in force on the date of supply, kept by what was issued."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kassa.invoicing import issue_invoice
from kassa.models import Article, VatGroup
from kassa.money import LineInput
from kassa.till import Cart
from kassa.vat.rates import VatGroupError, article_rate, group_rate, save_group
from tests.peppol.ubl_documents import make_customer
from tests.vat.vat_documents import group

DAYS = [(dt.date(2026, 3, 31), 12), (dt.date(2026, 4, 1), 6), (dt.date(2027, 12, 31), 6), (dt.date(2028, 1, 1), 12)]


def test_the_default_groups_of_vat_md(db):
    rates = {g.key: (g.category, group_rate(g, dt.date(2026, 6, 1)).rate) for g in VatGroup.select()}
    assert rates == {"standard": ("S", 25), "food": ("S", 6), "restaurant": ("S", 12), "culture": ("S", 6),
                     "zero": ("Z", 0), "exempt_care": ("E", 0), "exempt_finance": ("E", 0), "outside": ("O", 0)}


@pytest.mark.parametrize("day, rate", DAYS)
def test_the_same_food_article_on_an_invoice_carries_the_rate_of_its_day(company, day, rate):
    buns = Article.create(number="101", name="Kanelbulle", price=Decimal("25.00"), vat_group=group("food"))
    line = LineInput(buns.name, Decimal("4"), buns.price, 0, True, vat_group_id=buns.vat_group_id)
    invoice = issue_invoice(make_customer(), [line], issue_date=day)
    assert [(ln.vat_rate, ln.vat_category) for ln in invoice.item_lines] == [(rate, "S")]
    assert [v["rate"] for v in invoice.vat_breakdown] == [rate]
    # 100,00 incl. VAT at the day's rate
    assert invoice.tax_inclusive == Decimal("100.00")
    assert invoice.tax_total == {12: Decimal("10.71"), 6: Decimal("5.66")}[rate]


def test_delivery_date_not_issue_date_decides(company):
    line = LineInput("Kaffe", Decimal("1"), Decimal("100"), 0, vat_group_id=group("food").id)
    invoice = issue_invoice(make_customer(), [line], issue_date=dt.date(2026, 4, 2), delivery_date=dt.date(2026, 3, 31))
    assert invoice.item_lines[0].vat_rate == 12 and invoice.delivery_date == dt.date(2026, 3, 31)


@pytest.mark.parametrize("day, rate", DAYS)
def test_the_till_takes_the_rate_of_the_day(company, day, rate):
    coffee = Article.create(number="100", name="Kaffe", price=Decimal("59.90"), vat_group=group("food"))
    cart = Cart()
    cart.add_article(coffee, on=day)
    assert (cart.lines[0].vat_rate, cart.totals().vat[0].rate) == (rate, rate)


def test_an_issued_invoice_keeps_its_rate_when_the_group_changes(company):
    food = group("food")
    line = LineInput("Kaffe", Decimal("1"), Decimal("100"), 0, vat_group_id=food.id)
    invoice = issue_invoice(make_customer(), [line], issue_date=dt.date(2026, 5, 1))
    save_group(food, food.name, "S", "", "", [(None, 12), (dt.date(2026, 4, 1), 25)])
    assert article_rate(Article.create(number="1", name="x", vat_group=food), dt.date(2026, 5, 1)).rate == 25
    again = invoice.__class__.get_by_id(invoice.id)
    assert again.item_lines[0].vat_rate == 6 and again.tax_total == Decimal("6.00")


@pytest.mark.parametrize("args, field, words", [
    (("", "S", "", "", [(None, 25)]), "name", "Skriv ett namn"),
    (("Ny", "S", "", "", [(None, 20)]), "periods", "20 % finns inte i Sverige"),
    (("Ny", "E", "", "", [(None, 0)]), "reason_text", "måste ange skälet"),
    (("Ny", "Z", "", "", [(None, 6)]), "periods", "har momssatsen 0 %"),
    (("Ny", "S", "", "", [(dt.date(2026, 1, 1), 25)]), "periods", "utan startdatum"),
    (("Ny", "S", "", "", [(None, 25), (None, 12)]), "periods", "samma dag"),
    (("Ny", "K", "", "", [(None, 0)]), "category", "väljs på kunden"),
    (("Standard", "S", "", "", [(None, 25)]), "name", "finns redan"),
])
def test_a_group_that_cannot_be_saved_says_why(db, args, field, words):
    with pytest.raises(VatGroupError, match=words) as caught:
        save_group(None, *args)
    assert caught.value.field == field
