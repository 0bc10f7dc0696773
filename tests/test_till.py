"""The till without a window: cart, totals, paying by invoice, customer search (cash and card go through the
register, with a receipt: tests/register/)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.customer_search import prefix_upper_bound, search_customers
from kassa.invoicing import IdCheck, InvoicingError
from kassa.models import Article, Customer, CustomerCategory, Invoice, Payment, Sale, SaleLine
from kassa.till import Cart, TillError, UnknownArticle, invoice_requirements, parse_decimal, search_articles
from tests.factories import vat_group


@pytest.fixture
def articles(company):
    coffee = Article.create(number="100", barcode="7310865004703", name="Kaffe Mellanrost 450 g",
                            price=Decimal("54.90"), vat_group=vat_group(12))
    mug = Article.create(number="200", barcode="7350053850019", name="Mugg vit", price=Decimal("79.00"),
                         vat_group=vat_group(25))
    service = Article.create(number="300", name="Montering", price=Decimal("400.00"), price_includes_vat=False,
                             vat_group=vat_group(25), unit="HUR")
    Article.create(number="999", barcode="4006381333931", name="Utgången", price=Decimal("1.00"), active=False)
    return coffee, mug, service


def make_customer(number=1001, name="Byggbolaget i Mölndal AB", category=None, **fields):
    values = dict(number=number, name=name, org_number="5560160680", street="Verkstadsgatan 3",
                  postal_code="43130", city="Mölndal", reference="Anna Andersson", category=category)
    values.update(fields)
    return Customer.create(**values)


def test_scanned_codes_become_lines_and_totals_per_rate(articles):
    cart = Cart(till="kassa-1")
    cart.add_code("7310865004703")
    cart.add_code("7350053850019")
    cart.add_code("7310865004703")  # scanned again: the same line, quantity 2
    cart.add_code("300")  # an article number works too
    assert [(line.description, line.quantity) for line in cart.lines] == [
        ("Kaffe Mellanrost 450 g", Decimal("2")), ("Mugg vit", Decimal("1")), ("Montering", Decimal("1"))]
    totals = cart.totals()
    by_rate = {v.rate: (v.taxable, v.tax) for v in totals.vat}
    # 109,80 incl. 12 % -> 98,04 + 11,76; 79,00 incl. 25 % + 400 excl. -> 463,20 + 115,80
    assert by_rate == {12: (Decimal("98.04"), Decimal("11.76")), 25: (Decimal("463.20"), Decimal("115.80"))}
    assert totals.tax_inclusive == Decimal("688.80")


def test_quantity_prefix_price_override_and_discount(articles):
    cart = Cart()
    cart.add_code("3*7350053850019")
    assert cart.lines[0].quantity == Decimal("3")
    cart.set_discount(0, "10")
    assert cart.lines[0].amount_incl_vat == Decimal("213.30")
    cart.set_price(0, "70,00")
    assert cart.lines[0].amount_incl_vat == Decimal("189.00")
    cart.add_code("7350053850019")  # a repriced line is not merged into
    assert len(cart.lines) == 2
    cart.remove(1)
    assert len(cart.lines) == 1
    with pytest.raises(TillError, match="Rabatt kan inte vara större än 100"):
        cart.set_discount(0, "120")


def test_unknown_and_inactive_codes_are_refused(articles):
    cart = Cart()
    with pytest.raises(UnknownArticle, match="1234567890128"):
        cart.add_code("1234567890128")
    with pytest.raises(UnknownArticle):
        cart.add_code("4006381333931")  # inactive
    assert cart.is_empty


def test_pay_by_invoice_stores_sale_lines_payment_and_invoice(articles):
    customer = make_customer()
    cart = Cart(till="kassa-1")
    cart.add_code("7310865004703")
    cart.add_code("7350053850019")
    result = cart.pay_invoice(customer)
    invoice = Invoice.get_by_id(result.invoice.id)
    assert invoice.sale_id == result.sale.id
    assert invoice.payable == Decimal("133.90")
    assert invoice.buyer_reference == "Anna Andersson"
    assert [line.description for line in invoice.item_lines] == ["Kaffe Mellanrost 450 g", "Mugg vit"]
    sale = Sale.get_by_id(result.sale.id)
    assert sale.status == "invoiced"
    assert sale.lines.count() == 2
    assert [(p.method, p.amount) for p in sale.payments] == [("invoice", Decimal("133.90"))]
    assert cart.is_empty


def test_failed_invoice_leaves_no_sale_and_no_number_used(articles):
    category = CustomerCategory.create(name="Kontrollerad", require_id=True)
    customer = make_customer(category=category)
    cart = Cart()
    cart.add_code("7310865004703")
    with pytest.raises(InvoicingError, match="legitimation"):
        cart.pay_invoice(customer)
    assert Sale.select().count() == SaleLine.select().count() == Payment.select().count() == 0
    assert Invoice.select().count() == 0
    assert len(cart.lines) == 1  # nothing lost: the cashier fills in the ID and tries again
    result = cart.pay_invoice(customer, id_check=IdCheck("Körkort", "19800101-1234"))
    assert result.invoice.number == 1  # the failed attempt took no number
    assert result.invoice.id_check_kind == "Körkort"


def test_insurance_company_needs_claim_number(articles):
    category = CustomerCategory.create(name="Försäkring", insurance_company=True)
    customer = make_customer(category=category)
    requirements = invoice_requirements(customer)
    assert requirements.claim_reference and not requirements.id_check
    cart = Cart()
    cart.add_code("7350053850019")
    with pytest.raises(InvoicingError, match="skadenummer"):
        cart.pay_invoice(customer)
    result = cart.pay_invoice(customer, claim_reference="SK-2024-77")
    assert result.invoice.buyer_reference == "SK-2024-77"


def test_invoice_needs_a_customer(articles):
    cart = Cart()
    cart.add_code("300")
    with pytest.raises(TillError, match="Välj en kund"):
        cart.pay_invoice()


@pytest.mark.parametrize("text,expected", [("12,50", "12.50"), ("1 234,5", "1234.5"), ("100 kr", "100")])
def test_parse_decimal_reads_swedish_numbers(text, expected):
    assert parse_decimal(text, "Belopp") == Decimal(expected)


def test_parse_decimal_says_what_is_wrong():
    with pytest.raises(TillError, match="Belopp: 'tolv' är inget tal"):
        parse_decimal("tolv", "Belopp")
    with pytest.raises(TillError, match="högst 2 decimaler"):
        parse_decimal("1,234", "Belopp")


def test_article_search(articles):
    assert [a.name for a in search_articles("mugg")] == ["Mugg vit"]
    assert [a.number for a in search_articles("73108")] == ["100"]
    assert search_articles("Utgången") == []


# --- customer search ---------------------------------------------------------------------------

def test_search_customers_by_name_number_and_orgnr(db):
    make_customer(1, "Åkeri Öst AB", org_number="5561234567")
    make_customer(2, "Åkerlund & Co", org_number="5569876543")
    make_customer(3, "Bageriet", org_number="5561112223")
    make_customer(55612, "Nummerkund", org_number="7000000000")
    make_customer(4, "Åkeri Gammal", active=False)
    assert [c.name for c in search_customers("åker")] == ["Åkeri Öst AB", "Åkerlund & Co"]
    assert [c.name for c in search_customers("ÅKERI")] == ["Åkeri Öst AB"]
    assert [c.number for c in search_customers("3")] == [3]
    # the exact customer number first, then org. numbers starting with the digits
    assert [c.number for c in search_customers("55612")] == [55612, 1]
    assert [c.number for c in search_customers("556123-4567")] == [1]
    assert search_customers("") == []
    assert len(search_customers("5", limit=2)) == 2


def test_search_uses_the_name_index(db):
    plan = " ".join(str(row) for row in db.execute_sql(
        "EXPLAIN QUERY PLAN SELECT id FROM customer WHERE active = 1 AND name_key >= ? AND name_key < ? "
        "ORDER BY name_key LIMIT 50", ("åk", prefix_upper_bound("åk"))).fetchall())
    assert "customer_name_key" in plan and "SCAN customer " not in plan + " "


def test_prefix_upper_bound():
    assert prefix_upper_bound("ab") == "ac"
    assert "abz\uffff" < prefix_upper_bound("ab")
