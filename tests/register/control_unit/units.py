"""Receipt data and readings of the control-unit emulator, shared by the control-unit tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kassa.register.control_unit.base import ReceiptData
from kassa.register.control_unit.emulator import ControlUnitEmulator

ORG = "5566778899"
TILL = "KASSA-1"
USER, PASSWORD = "kassa", "hemligt-7f3a-lösen"


def receipt(serial: int, kind: str = "normal", sale: str = "125.00", returned: str = "0.00",
            vat: tuple[tuple[str, str], ...] = (("25", "25.00"),), till: str = TILL, org: str = ORG,
            when: dt.datetime = dt.datetime(2026, 5, 4, 12, 30)) -> ReceiptData:
    return ReceiptData(when=when, org_number=org, till=till, serial=serial, kind=kind,  # type: ignore[arg-type]
                       return_amount=Decimal(returned), sale_amount=Decimal(sale),
                       vat=tuple((Decimal(r), Decimal(a)) for r, a in vat))



def registrations(emulator: ControlUnitEmulator) -> dict[str, list[dict]]:
    """ReceiptId → the emulator's registrations of it."""
    found: dict[str, list[dict]] = {}
    for entry in emulator.state.snapshot()["registrations"]:
        found.setdefault(entry["receipt_id"], []).append(entry)
    return found


def outcomes(emulator: ControlUnitEmulator) -> list[str]:
    return [entry["outcome"] for entry in emulator.state.snapshot()["requests"]]
