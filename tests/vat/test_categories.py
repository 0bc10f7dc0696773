"""Which category a line gets for a buyer: a VAT-registered buyer in another EU country buys goods
as an intra-EU supply (K, article 138) but services under reverse charge (AE), both from the till."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kassa.invoicing import issue_invoice
from kassa.models import Article
from kassa.peppol.ubl import build_ubl
from kassa.till import Cart
from tests.peppol.ubl_documents import NS, make_customer, parse
from tests.vat.vat_documents import GERMAN, group


def test_a_german_business_buys_goods_as_k_and_services_as_ae_from_the_till(company, rule_pack):
    thermos = Article.create(number="200", name="Termos 1 l", price=Decimal("249.00"), vat_group=group("standard"))
    hour = Article.create(number="202", name="Konsulttimme", price=Decimal("950.00"), vat_group=group("standard"),
                          unit="HUR", is_service=True)
    cart = Cart()
    cart.add_article(thermos, Decimal("2"))
    cart.add_article(hour, Decimal("3"))
    invoice = issue_invoice(make_customer(**dict(GERMAN, vat_treatment="K")), [ln.line_input() for ln in cart.lines],
                            issue_date=dt.date(2026, 11, 2))

    assert [(ln.description, ln.vat_category, ln.vat_rate) for ln in invoice.item_lines] == [
        ("Termos 1 l", "K", 0), ("Konsulttimme", "AE", 0)]
    assert sorted((v["category"], v["reason_code"], v["tax"]) for v in invoice.vat_breakdown) == [
        ("AE", "VATEX-EU-AE", "0.00"), ("K", "VATEX-EU-IC", "0.00")]
    xml = build_ubl(invoice)
    assert [f.line() for f in rule_pack.validate(xml)] == []
    root = parse(xml)
    assert root.xpath("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID/text()", namespaces=NS) == ["K", "AE"]
