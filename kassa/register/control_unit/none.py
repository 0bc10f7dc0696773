"""No control unit: the exemption for a business whose cash and card sales stay at most four
price base amounts a year (SFL 39 kap. 5 §). Receipts then carry no control code."""
from __future__ import annotations

from kassa.register.control_unit.base import ControlCode, ReceiptData, UnitStatus


class NoControlUnit:
    """Registers nothing and answers an empty code; chosen in the settings, never by default for a
    business that needs a unit."""

    def register(self, data: ReceiptData) -> ControlCode:
        return ControlCode(code="", unit_id="")

    def status(self) -> UnitStatus:
        return UnitStatus(ok=True, unit_id="", text="Ingen kontrollenhet: undantaget för försäljning på högst fyra "
                                                     "prisbasbelopp om året (SFL 39 kap. 5 §). Kvittona får ingen "
                                                     "kontrollkod.")
