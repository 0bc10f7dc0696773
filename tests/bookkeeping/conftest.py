"""A shop that has invoiced: customers and a few issued invoices at every VAT rate."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.bookkeeping.books import issue


@pytest.fixture
def customers(company):
    from kassa.models import Customer, CustomerCategory

    e_invoice = CustomerCategory.create(name="e-fakturakund", note="pagero")
    return SimpleNamespace(
        plain=Customer.create(number=1001, name="Byggbolaget i Mölndal AB", org_number="5560160680",
                              street="Verkstadsgatan 3", postal_code="43130", city="Mölndal", reference="Anna"),
        other=Customer.create(number=1002, name="Åkeriet Öst AB", org_number="5565847364",
                              street="Hamngatan 1", postal_code="41101", city="Göteborg", reference="Bo"),
        e_invoice=Customer.create(number=1003, name="Elektronikgrossisten AB", org_number="5164060054",
                                  street="Lagergatan 9", postal_code="41101", city="Göteborg", reference="Cia",
                                  category=e_invoice),
    )


@pytest.fixture
def invoiced(customers):
    """Four invoices in March 2025 (one with an invoice fee, one rounded) and a credit note."""
    from kassa.invoicing import credit_invoice
    from kassa.models import Company

    march = dt.date(2025, 3, 3)
    first = issue(customers.plain, [("Kaffe", 2, "54.90", 12), ("Mugg", 1, "79.00", 25), ("Bok", 1, "199.00", 6),
                                    ("Frimärke", 3, "12.00", 0)], march)
    company = Company.get_solo()
    company.invoice_fee = Decimal("29.00")
    company.round_invoices = True
    company.save()
    second = issue(customers.other, [("Montering", 3, "500.00", 25), ("Lunch", 2, "112.35", 12)],
                   march + dt.timedelta(days=2))
    company.invoice_fee = Decimal("0.00")
    company.round_invoices = False
    company.save()
    third = issue(customers.plain, [("Skruv", 100, "1.25", 25)], march + dt.timedelta(days=10))
    fourth = issue(customers.e_invoice, [("Kabel", 4, "249.00", 25)], march + dt.timedelta(days=20))
    credit = credit_invoice(second, issue_date=march + dt.timedelta(days=12))
    return SimpleNamespace(first=first, second=second, third=third, fourth=fourth, credit=credit)

