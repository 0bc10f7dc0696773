"""The till with its real hardware stood in for at the device boundary: the control-unit emulator over
HTTP on 127.0.0.1 (chosen in the settings, its password in the real Secret Service) and a TCP listener
as the network receipt printer (chosen in the settings)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from kassa.register.control_unit.credentials import delete_password
from kassa.register.control_unit.emulator import ControlUnitEmulator
from tests.devices.printer_listener import PrinterListener
from tests.factories import close_till, show_till

TILL = "Kassa 1"
USER, PASSWORD = "kassa", "hemligt-kassa-1"


@pytest.fixture
def emulator() -> Iterator[ControlUnitEmulator]:
    with ControlUnitEmulator(control=True, users={USER: PASSWORD}) as unit:
        yield unit


@pytest.fixture
def unit_chosen(emulator, secret_service) -> Iterator[ControlUnitEmulator]:
    """Inställningar → Kontrollenhet: the emulator, its password in the keyring."""
    from kassa.register.control_unit.settings import ControlUnitSettings, save

    save(ControlUnitSettings("xccsp", url=emulator.url, username=USER, read_timeout=2), password=PASSWORD)
    yield emulator
    delete_password(emulator.url, USER)


@pytest.fixture
def listener() -> Iterator[PrinterListener]:
    with PrinterListener() as printer:
        yield printer


@pytest.fixture
def printer_chosen(listener) -> PrinterListener:
    """Inställningar → Kvittoskrivare: the network printer on the listener's port."""
    from kassa.devices.printer_settings import PrinterSettings, save

    save(PrinterSettings(kind="network", host="127.0.0.1", port=listener.port, timeout=2.0))
    return listener


@pytest.fixture
def till(qtbot, shop, unit_chosen):
    """The till, its day open with a float of 500 kr, the emulator as its control unit."""
    from kassa.register.service import Register
    from kassa.ui.main_window import MainWindow

    Register(TILL).open_day("500")
    window = show_till(qtbot, MainWindow(till_name=TILL, with_indicator=False))
    window.printing.timer.setInterval(200)  # the queue drained often: a test waits less for "later"
    yield window
    close_till(window)
