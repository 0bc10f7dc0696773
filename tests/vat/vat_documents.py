"""Invoices of every VAT category, for the tests of kassa.vat, the paper invoice and the UBL."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kassa.invoicing import issue_invoice
from kassa.models import VatGroup
from kassa.money import LineInput
from tests.peppol.ubl_documents import make_customer

GERMAN = dict(name="Berliner Handel GmbH", country="DE", org_number="", vat_number="DE136695976",
              street="Friedrichstraße 10", postal_code="10117", city="Berlin", reference="Frau Schmidt")
NORWEGIAN = dict(name="Bergen Import AS", country="NO", org_number="974760673", vat_number="NO974760673MVA",
                 street="Bryggen 1", postal_code="5003", city="Bergen", reference="Ola Nordmann")
SWEDISH_BUILDER = dict(name="Byggbolaget i Mölndal AB", org_number="5560160680", vat_number="SE556016068001",
                       street="Verkstadsgatan 3", postal_code="43130", city="Mölndal", reference="Anna Andersson")


def group(key: str) -> VatGroup:
    return VatGroup.get(VatGroup.key == key)


def group_line(description: str, key: str, quantity: str = "2", price: str = "100.00", **kw) -> LineInput:
    return LineInput(description, Decimal(quantity), Decimal(price), 0, vat_group_id=group(key).id, **kw)


# category -> (customer fields, lines, issue keyword arguments); the lines are built when called.
def category_case(code: str):
    today = dt.date.today()
    if code == "S":
        return {}, [group_line("Kaffe bryggmalet", "food"), group_line("Termos", "standard")], {}
    if code == "Z":
        return {}, [group_line("Läkemedel till sjukhus", "zero")], {}
    if code == "E":
        return {}, [group_line("Tandvårdsbehandling", "exempt_care")], {}
    if code == "AE":
        return dict(SWEDISH_BUILDER, vat_treatment="AE"), [group_line("Byggtjänst, rivning", "standard")], {}
    if code == "K":
        return dict(GERMAN, vat_treatment="K"), [group_line("Termos", "standard")], dict(
            currency="EUR", exchange_rate=Decimal("11.4523"), exchange_rate_date=today)
    if code == "G":
        return dict(NORWEGIAN, vat_treatment="G"), [group_line("Termos", "standard")], dict(
            currency="NOK", exchange_rate=Decimal("0.9512"), exchange_rate_date=today)
    if code == "O":
        return dict(vat_number=""), [group_line("Utlägg för kundens räkning", "outside")], {}
    raise KeyError(code)


def issue_category(code: str, **overrides):
    fields, lines, kwargs = category_case(code)
    kwargs.update(overrides)
    return issue_invoice(make_customer(**fields), lines, **kwargs)
