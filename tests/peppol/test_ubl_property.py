"""Property: every invoice the domain accepts builds to UBL with no fatal finding, and its totals hold.

Random invoices (quantities, prices with or without VAT, rates 25/12/6/0, discounts, the
invoice fee, öresavrundning) are issued through kassa.invoicing; each, and sometimes its
full credit note, is built and checked: the EN 16931 totals identities directly on the XML
(always), and the official rules (when a rule pack is present).
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from kassa.money import LineInput, round_ore
from tests.factories import make_company
from tests.peppol.ubl_documents import INCL_VAT_TOLERANCE, built, credit, issue, make_customer, total_identities

UNITS = ["EA", "C62", "HUR", "KGM", "MTR", "LTR"]

quantities = st.one_of(
    st.integers(1, 20).map(Decimal),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999.999"), places=3),
    st.integers(1000, 500000).map(Decimal),  # bulk: the price per base quantity path
)
prices = st.one_of(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9.9999"), places=4),
)
discounts = st.one_of(st.just(Decimal("0")), st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2))

line_inputs = st.builds(
    lambda description, quantity, price, rate, incl, discount, unit: LineInput(
        description, quantity, price, rate, price_includes_vat=incl, discount_percent=discount, unit=unit),
    description=st.text(alphabet="abcåäöÅÄÖéü &<>\"'-0123", min_size=1, max_size=30),
    quantity=quantities,
    price=prices,
    rate=st.sampled_from([25, 12, 6, 0]),
    incl=st.booleans(),
    discount=discounts,
    unit=st.sampled_from(UNITS),
)

invoices = st.fixed_dictionaries({
    "lines": st.lists(line_inputs, min_size=1, max_size=8),
    "fee": st.one_of(st.just(Decimal("0")),
                     st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)),
    "round": st.booleans(),
    "credit": st.booleans(),
})


@pytest.fixture
def pack_or_none(request):
    """The session's rule pack when one is present; without it the property still checks the totals."""
    try:
        return request.getfixturevalue("rule_pack")
    except pytest.skip.Exception:
        return None


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=invoices)
def test_every_accepted_invoice_builds_without_fatal_findings(db, pack_or_none, data):
    make_company(invoice_fee=data["fee"], round_invoices=data["round"])
    customer = make_customer()
    invoice = issue(data["lines"], customer)
    documents = [invoice] + ([credit(invoice)] if data["credit"] else [])
    incl = any(line.price_includes_vat for line in data["lines"])
    if all(line.price_includes_vat for line in data["lines"]) and not data["fee"] and not data["round"]:
        # What the customer was shown is what the invoice asks for: the sum of the prices with VAT.
        shown = sum((round_ore(line.quantity * line.unit_price * (100 - line.discount_percent) / 100)
                     for line in data["lines"]), Decimal("0"))
        assert invoice.payable == shown
    for document in documents:
        xml, root = built(document)
        assert total_identities(root, INCL_VAT_TOLERANCE if incl else Decimal("0")) == [], etree.tostring(root)
        if pack_or_none is not None:
            fatal = [f.line() for f in pack_or_none.validate(xml) if f.is_fatal]
            assert fatal == [], xml.decode()
