"""The register's fixtures: a shop with articles, a control unit of the tests' own, a till with its day open;
the control-unit emulator over real HTTP on 127.0.0.1, and drivers whose password is in the real keyring."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kassa.register.control_unit.credentials import delete_password, save_password
from kassa.register.control_unit.emulator import ControlUnitEmulator
from kassa.register.control_unit.xccsp import XccspControlUnit
from tests.factories import make_company
from tests.register.control_unit.units import ORG, PASSWORD, TILL, USER
from tests.register.shop import ScriptedUnit, make_articles


@pytest.fixture
def shop(db):
    make_company()
    return make_articles()


@pytest.fixture
def unit():
    return ScriptedUnit()


@pytest.fixture
def register(shop, unit):
    """Till kassa-1 with its day open on a float of 500 kr."""
    from kassa.register.service import Register

    till = Register("kassa-1", unit)
    till.open_day("500")
    return till


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
