"""The register tests' shop and control unit (helpers, imported by tests; the fixtures are in conftest.py).

`ScriptedUnit` implements the ControlUnit protocol (kassa.register.control_unit.base) the way a
real unit answers: a code per receipt and its manufacturing number; it can be told to fail.
The real XCCSP driver and the emulator are tested with their own package.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from kassa.register.control_unit.base import ControlCode, ControlUnitUnavailable, ReceiptData, UnitStatus
from tests.factories import vat_group

UNIT_ID = "TEST-CU-000123"


class ScriptedUnit:
    def __init__(self, unit_id: str = UNIT_ID) -> None:
        self.unit_id = unit_id
        self.received: list[ReceiptData] = []
        self.failing = False

    def register(self, data: ReceiptData) -> ControlCode:
        if self.failing:
            raise ControlUnitUnavailable("Kontrollenheten svarar inte. Kontrollera anslutningen och försök igen.")
        self.received.append(data)
        digest = hashlib.sha256(f"{data.till}:{data.serial}:{data.kind}:{data.sale_amount}".encode()).hexdigest()
        return ControlCode(code=digest[:40].upper(), unit_id=self.unit_id)

    def status(self) -> UnitStatus:
        return UnitStatus(ok=not self.failing, unit_id=self.unit_id, text="")


def make_articles() -> dict[str, Any]:
    """Six articles: goods at 12 % (a group whose rate is 12 % on every date), 25 % and 6 %, and two services."""
    from kassa.models import Article

    return {
        "coffee": Article.create(number="100", barcode="7310865004703", name="Kaffe Mellanrost 450 g",
                                 price=Decimal("54.90"), vat_group=vat_group(12)),
        "bun": Article.create(number="101", barcode="7350000000016", name="Kanelbulle", price=Decimal("25.00"),
                              vat_group=vat_group(12)),
        "mug": Article.create(number="200", barcode="7350053850019", name="Mugg vit", price=Decimal("79.00"),
                              vat_group=vat_group(25)),
        "paper": Article.create(number="300", barcode="7350000000030", name="Dagstidning", price=Decimal("35.00"),
                                vat_group=vat_group(6)),
        "fitting": Article.create(number="400", name="Montering", price=Decimal("400.00"), price_includes_vat=False,
                                  vat_group=vat_group(25), unit="HUR", is_service=True),
        "wrap": Article.create(number="401", name="Presentinslagning", price=Decimal("20.00"),
                               vat_group=vat_group(25), is_service=True),
    }
