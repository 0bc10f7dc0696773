from __future__ import annotations

from decimal import Decimal

import peewee

from kassa.models.base import BaseModel
from kassa.models.fields import ScaledDecimalField

VAT_RATES = (25, 12, 6, 0)


class Article(BaseModel):
    number = peewee.CharField(unique=True)
    barcode = peewee.CharField(null=True, unique=True)  # EAN-13, check digit verified on entry
    name = peewee.CharField()
    unit = peewee.CharField(default="EA")  # UN/ECE rec. 20: EA, HUR, KGM …
    price = ScaledDecimalField(2, default=Decimal("0.00"))
    price_includes_vat = peewee.BooleanField(default=True)  # shelf prices in Sweden include VAT
    vat_rate = peewee.IntegerField(default=25)
    active = peewee.BooleanField(default=True)
    is_service = peewee.BooleanField(default=False)  # a service (tjänst), not goods, on receipts and Z reports

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
