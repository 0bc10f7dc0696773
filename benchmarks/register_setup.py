"""A shop for the register's benchmarks: the company and six articles (goods and services)."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.models import Article, Company, VatGroup  # noqa: E402

CODES = ["100", "101", "200", "300", "400", "401"]


def shop() -> None:
    company = Company.get_solo()
    for key, value in dict(name="Bench AB", org_number="5566778899", street="Gatan 1", postal_code="41101",
                           city="Göteborg", bankgiro="50501055").items():
        setattr(company, key, value)
    company.save()
    for number, name, price, rate, service in [
        ("100", "Kaffe", "54.90", 12, False), ("101", "Kanelbulle", "25.00", 12, False),
        ("200", "Mugg", "79.00", 25, False), ("300", "Tidning", "35.00", 6, False),
        ("400", "Montering", "500.00", 25, True), ("401", "Inslagning", "20.00", 25, True),
    ]:
        group = VatGroup.get(VatGroup.key == {25: "standard", 12: "restaurant", 6: "culture"}[rate])
        Article.create(number=number, name=name, price=Decimal(price), vat_group=group, is_service=service)
