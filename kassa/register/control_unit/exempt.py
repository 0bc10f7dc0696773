"""No control unit: the exemption for small cash sales (SFL 39 kap. 5 §, 4 prisbasbelopp a year).

A shop whose cash and card sales stay at or under four prisbasbelopp a year need not use a
certified register. It is chosen explicitly in the settings (never a fallback for a unit that
does not answer); receipts then carry no control code and no manufacturing number.
"""
from __future__ import annotations

from kassa.register.control_unit.base import ControlCode, ReceiptData, UnitStatus

EXEMPT_TEXT = (
    "Ingen kontrollenhet: undantaget för företag vars kontant- och kortförsäljning är högst fyra "
    "prisbasbelopp om året är valt under Inställningar → Kontrollenhet. Kvittona får ingen kontrollkod. "
    "Överstiger försäljningen gränsen måste en certifierad kontrollenhet anslutas."
)


class NoControlUnit:
    """The `ControlUnit` of a shop under the 4-prisbasbelopp exemption: it answers no code."""

    def register(self, data: ReceiptData) -> ControlCode:
        return ControlCode(code="", unit_id="")

    def status(self) -> UnitStatus:
        return UnitStatus(ok=True, unit_id="", text=EXEMPT_TEXT)
