"""The control-unit emulator over real HTTP on 127.0.0.1, and drivers whose password is in the real keyring."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from kassa.register.control_unit.base import ReceiptData
from kassa.register.control_unit.credentials import delete_password, save_password
from kassa.register.control_unit.emulator import ControlUnitEmulator
from kassa.register.control_unit.xccsp import XccspControlUnit

ORG = "5566778899"
TILL = "KASSA-1"
USER, PASSWORD = "kassa", "hemligt-7f3a-lösen"


def receipt(serial: int, kind: str = "normal", sale: str = "125.00", returned: str = "0.00",
            vat: tuple[tuple[str, str], ...] = (("25", "25.00"),), till: str = TILL, org: str = ORG,
            when: dt.datetime = dt.datetime(2026, 5, 4, 12, 30)) -> ReceiptData:
    return ReceiptData(when=when, org_number=org, till=till, serial=serial, kind=kind,  # type: ignore[arg-type]
                       return_amount=Decimal(returned), sale_amount=Decimal(sale),
                       vat=tuple((Decimal(r), Decimal(a)) for r, a in vat))


@pytest.fixture
def emulator() -> Iterator[ControlUnitEmulator]:
    with ControlUnitEmulator(control=True, users={USER: PASSWORD}) as unit:
        yield unit


@pytest.fixture
def make_unit(emulator, secret_service) -> Iterator[Callable[..., XccspControlUnit]]:
    """XccspControlUnit(emulator.url, …) with the emulator's password saved in the Secret Service."""
    save_password(emulator.url, USER, PASSWORD, secret_service)
    made: list[XccspControlUnit] = []

    def make(**overrides: object) -> XccspControlUnit:
        options: dict = {"org_number": ORG, "till": TILL, "keyring_backend": secret_service, "busy_wait": 0.05}
        options.update(overrides)
        unit = XccspControlUnit(emulator.url, USER, **options)
        made.append(unit)
        return unit

    yield make
    for unit in made:
        unit.close()
    delete_password(emulator.url, USER, secret_service)


def registrations(emulator: ControlUnitEmulator) -> dict[str, list[dict]]:
    """ReceiptId → the emulator's registrations of it."""
    found: dict[str, list[dict]] = {}
    for entry in emulator.state.snapshot()["registrations"]:
        found.setdefault(entry["receipt_id"], []).append(entry)
    return found


def outcomes(emulator: ControlUnitEmulator) -> list[str]:
    return [entry["outcome"] for entry in emulator.state.snapshot()["requests"]]
