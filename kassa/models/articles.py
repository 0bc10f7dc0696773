from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from kassa.models.base import BaseModel
from kassa.models.fields import ScaledDecimalField
from kassa.models.vat import VatGroup

# The rates Swedish law has (SE-R-006 allows 25, 12 and 6 for category S; 0 for the others).
VAT_RATES = (25, 12, 6, 0)


class Article(BaseModel):
    number = peewee.CharField(unique=True)
    barcode = peewee.CharField(null=True, unique=True)  # EAN-13, check digit verified on entry
    name = peewee.CharField()
    unit = peewee.CharField(default="EA")  # UN/ECE rec. 20: EA, HUR, KGM …
    price = ScaledDecimalField(2, default=Decimal("0.00"))
    price_includes_vat = peewee.BooleanField(default=True)  # shelf prices in Sweden include VAT
    # The VAT group; its rate on the date of supply is the article's rate (kassa.vat.rates).
    vat_group = peewee.ForeignKeyField(VatGroup, null=True, backref="articles", on_delete="RESTRICT")
    if TYPE_CHECKING:
        vat_group_id: int | None  # peewee's accessor of the foreign key's value
    active = peewee.BooleanField(default=True)
    is_service = peewee.BooleanField(default=False)  # a service (tjänst), not goods, on receipts and Z reports

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
