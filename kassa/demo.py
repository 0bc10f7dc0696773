"""The demo data of `kassa demo` (kassa/commands/demo.py): running it again adds nothing.

Everything is found by its natural key (category name, customer and article number),
and the demo invoices are issued only once (they carry the till name "demo").
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kassa.invoicing import credit_invoice, issue_invoice
from kassa.models import Article, Company, Customer, CustomerCategory, Invoice, Receipt
from kassa.models.vat import seed_vat_groups
from kassa.money import LineInput
from kassa.register.clock import to_utc
from kassa.register.control_unit.exempt import NoControlUnit
from kassa.register.payments import PaymentPart
from kassa.register.prices import save_article
from kassa.register.service import Register

DEMO_TILL = "demo"

COMPANY = dict(
    name="Hörnbutiken i Göteborg AB", org_number="5566778899", vat_number="SE556677889901",
    street="Storgatan 1", postal_code="41101", city="Göteborg", registered_office="Göteborg", f_skatt=True,
    bankgiro="50501055", email="info@hornbutiken.example", phone="031-12 34 56", payment_terms_days=30,
    invoice_fee=Decimal("29.00"), bonus_rate=Decimal("1.00"),
)

CATEGORIES: list[dict[str, Any]] = [
    dict(name="e-fakturakund", note="pagero"),
    dict(name="Företagskund", note=""),
    dict(name="Försäkringsbolag", note="", insurance_company=True, no_invoice_fee=True),
]

CUSTOMERS = [
    dict(number=1001, name="Göteborgs Stad, Park- och naturförvaltningen", org_number="2120001249",
         street="Box 5196", postal_code="40224", city="Göteborg", reference="PN-4711",
         email="fakturor@goteborg.example", category="e-fakturakund"),
    dict(number=1002, name="Västra Regionen", org_number="2321000131", gln="7359999000014",
         street="Regionens hus", postal_code="40544", city="Göteborg", reference="1234ABC",
         category="e-fakturakund"),
    dict(number=1003, name="Bageriet & Söner AB", org_number="5560123456", vat_number="SE556012345601",
         street="Bagargatan 3", postal_code="41302", city="Göteborg", reference="Åsa Öberg",
         category="Företagskund"),
    dict(number=1004, name="Anna Svensson", org_number="8112189876", is_private=True,
         street="Lilla vägen 7", postal_code="41665", city="Göteborg", email="anna@example.se"),
    dict(number=1005, name="Trygg Försäkring AB", org_number="5598765435", street="Försäkringsvägen 1",
         postal_code="10650", city="Stockholm", category="Försäkringsbolag"),
]

# vat_group names a default VAT group (kassa.models.vat.DEFAULT_GROUPS): coffee and buns are food,
# so their rate follows the food rate of the day of the sale.
ARTICLES = [
    dict(number="100", barcode="7310865004703", name="Kaffe bryggmalet 500 g", price=Decimal("59.90"),
         vat_group="food"),
    dict(number="101", barcode="7350000000016", name="Kanelbulle", price=Decimal("25.00"), vat_group="food"),
    dict(number="200", barcode="7350000000023", name="Termos 1 l", price=Decimal("249.00"), vat_group="standard"),
    dict(number="201", name="Presentinslagning", price=Decimal("20.00"), vat_group="standard", is_service=True),
    dict(number="300", barcode="7350000000030", name="Dagstidning", price=Decimal("35.00"), vat_group="culture"),
    dict(number="400", name="Konsulttimme", price=Decimal("850.00"), price_includes_vat=False,
         vat_group="standard", unit="HUR", is_service=True),
]


def create_demo() -> dict[str, int]:
    """Create what is missing; return how many of each thing were added."""
    added = {"company": 0, "categories": 0, "customers": 0, "articles": 0, "invoices": 0, "receipts": 0}
    company = Company.get_solo()
    if not company.is_configured:
        for key, value in COMPANY.items():
            setattr(company, key, value)
        company.save()
        added["company"] = 1
    categories = {}
    for values in CATEGORIES:
        cat, created = CustomerCategory.get_or_create(name=values["name"], defaults=values)
        categories[cat.name] = cat
        added["categories"] += created
    for values in CUSTOMERS:
        values = dict(values)
        category = categories.get(values.pop("category", None))
        _, created = Customer.get_or_create(number=values["number"], defaults={**values, "category": category})
        added["customers"] += created
    groups = seed_vat_groups()
    for values in ARTICLES:
        values = dict(values, vat_group=groups[str(values["vat_group"])])
        if not Article.select().where(Article.number == values["number"]).exists():
            save_article(Article(**values), till=DEMO_TILL)  # the price list goes to the journal
            added["articles"] += 1
    if not Invoice.select().where(Invoice.till == DEMO_TILL).exists():
        added["invoices"] = _issue_demo_invoices()
    if not Receipt.select().where(Receipt.till == DEMO_TILL).exists():
        added["receipts"] = demo_day()
    return added


def _issue_demo_invoices() -> int:
    def article_line(number: str, quantity: str) -> LineInput:
        art = Article.get(Article.number == number)
        # The rate is the group's on the date of supply; issue_invoice looks it up.
        return LineInput(art.name, Decimal(quantity), art.price, 0, art.price_includes_vat,
                         unit=art.unit, article_number=art.number, vat_group_id=art.vat_group_id,
                         is_service=art.is_service)

    today = dt.date.today()
    city = Customer.get(Customer.number == 1001)
    bakery = Customer.get(Customer.number == 1003)
    region = Customer.get(Customer.number == 1002)
    first = issue_invoice(city, [article_line("100", "4"), article_line("200", "2")], till=DEMO_TILL,
                          issue_date=today - dt.timedelta(days=20))
    issue_invoice(bakery, [article_line("400", "1.5"), article_line("201", "1")], till=DEMO_TILL,
                  issue_date=today - dt.timedelta(days=10))
    issue_invoice(region, [article_line("101", "40"), article_line("300", "3"), article_line("200", "1")],
                  till=DEMO_TILL, issue_date=today - dt.timedelta(days=3))
    credit_invoice(first, {first.item_lines[1].id: Decimal("1")}, reason="En termos returnerad", till=DEMO_TILL)
    return 4


def demo_day() -> int:
    """Yesterday at the till "demo": cash, card, Swish and a split sale, a return against a receipt, a
    copy, then the Z report with the cash counted as expected. The receipts carry no control code."""
    start = to_utc(dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(9)))
    ticks = iter(range(10_000))

    def now() -> dt.datetime:  # a minute per registration, from 09:00
        return start + dt.timedelta(minutes=next(ticks))

    register = Register(DEMO_TILL, NoControlUnit(), now=now)
    register.open_day("1000")
    for codes, pay in [
        (["2*100", "101"], lambda: register.pay_cash("200")),
        (["200"], register.pay_card),
        (["300", "101"], register.pay_swish),
        (["200", "201"], lambda: register.pay([PaymentPart("card", "200"), PaymentPart("cash", tendered="100")])),
    ]:
        for code in codes:
            register.add_code(code)
        pay()
    register.begin_return("2")
    register.refund_to("card")
    register.copy("1")
    expected = register.x_report().expected_cash
    register.z_report(expected)
    return Receipt.select().where(Receipt.till == DEMO_TILL).count()

