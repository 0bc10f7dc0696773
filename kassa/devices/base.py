"""The interface between the register and a receipt printer with its cash drawer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kassa.devices.printout import Printout


class PrinterUnavailable(Exception):
    """The printer is off, out of paper or unreachable. `str(error)` is Swedish."""


@dataclass(frozen=True)
class PrinterStatus:
    ok: bool
    text: str = ""  # Swedish


class ReceiptPrinter(Protocol):
    def print(self, printout: Printout) -> None:
        """Print, cut, and open the drawer when the printout asks; raises PrinterUnavailable."""
        ...

    def open_drawer(self) -> None:
        ...

    def status(self) -> PrinterStatus:
        ...
