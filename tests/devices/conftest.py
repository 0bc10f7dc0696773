"""A network printer stood in for by a TCP listener on 127.0.0.1, and printer settings pointing at it."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from kassa.devices.escpos_printer import EscposPrinter
from kassa.devices.printer_settings import PrinterSettings
from tests.devices.printer_listener import PrinterListener


@pytest.fixture
def listener() -> Iterator[PrinterListener]:
    with PrinterListener() as printer:
        yield printer


@pytest.fixture
def settings(listener) -> PrinterSettings:
    return PrinterSettings(kind="network", host="127.0.0.1", port=listener.port, timeout=2.0)


@pytest.fixture
def printer(settings) -> EscposPrinter:
    return EscposPrinter(settings)
