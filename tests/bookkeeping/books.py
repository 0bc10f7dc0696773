"""Invoices issued as the till issues them, for the bookkeeping tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


def lines(*spec):
    """LineInput from (description, quantity, price incl. VAT, rate) tuples."""
    from kassa.money import LineInput

    return [LineInput(d, Decimal(str(q)), Decimal(str(p)), r, price_includes_vat=True) for d, q, p, r in spec]


def issue(customer, spec, day: dt.date, **kwargs):
    from kassa.invoicing import issue_invoice

    return issue_invoice(customer, lines(*spec), issue_date=day, **kwargs)
