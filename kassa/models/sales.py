from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from kassa.models.articles import Article
from kassa.models.base import BaseModel, utcnow
from kassa.models.customers import Customer
from kassa.models.fields import MoneyField, ScaledDecimalField

PAYMENT_METHODS = ("cash", "card", "swish", "invoice")


class Sale(BaseModel):
    """A sale at the till: lines, then one or more payments."""

    created_at = peewee.DateTimeField(default=utcnow)
    till = peewee.CharField(default="")
    customer = peewee.ForeignKeyField(Customer, null=True, backref="sales")
    # open | paid | invoiced | void; the register's: return | training | proforma (see kassa.register)
    status = peewee.CharField(default="open")
    total = MoneyField(default=Decimal("0.00"))  # incl. VAT, before rounding
    rounding = MoneyField(default=Decimal("0.00"))
    bonus_earned = MoneyField(default=Decimal("0.00"))
    if TYPE_CHECKING:  # what peewee adds: the foreign key's value and the back-references
        customer_id: int | None
        lines: peewee.ModelSelect[SaleLine]
        payments: peewee.ModelSelect[Payment]


class SaleLine(BaseModel):
    sale = peewee.ForeignKeyField(Sale, backref="lines", on_delete="CASCADE")
    position = peewee.IntegerField()
    article = peewee.ForeignKeyField(Article, null=True)
    description = peewee.CharField()
    quantity = ScaledDecimalField(3)
    unit = peewee.CharField(default="EA")
    unit_price = ScaledDecimalField(4)  # as entered: incl. or excl. VAT per price_includes_vat
    price_includes_vat = peewee.BooleanField(default=True)
    discount_percent = ScaledDecimalField(2, default=Decimal("0.00"))
    vat_rate = peewee.IntegerField()
    is_service = peewee.BooleanField(default=False)
    returned_line = peewee.ForeignKeyField("self", null=True, backref="returns")  # a return's sold line
    if TYPE_CHECKING:
        sale_id: int
        article_id: int | None
        returned_line_id: int | None


class Payment(BaseModel):
    sale = peewee.ForeignKeyField(Sale, backref="payments", on_delete="CASCADE")
    method = peewee.CharField()  # cash | card | swish | invoice
    amount = MoneyField()  # money in; negative when a return pays money back
    tendered = MoneyField(null=True)  # cash handed over
    change = MoneyField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
