"""The interface between the register and a control unit (kontrollenhet, SKVFS 2009:2).

The register hands every receipt's data to the unit before the receipt goes out and stores
the answer with the receipt. A unit that cannot answer raises `ControlUnitUnavailable`:
the sale is then not completed (SKVFS 2014:9 4 kap. 9 §).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

ReceiptKind = Literal["normal", "kopia", "ovning", "profo"]


@dataclass(frozen=True)
class ReceiptData:
    """The receipt data of SKVFS 2009:2 (reprinted 2016:1), 5 §."""

    when: dt.datetime          # date and time of the receipt (sent as YYYYMMDDhhmm)
    org_number: str            # 10 digits, no hyphen
    till: str                  # the register's designation, at most 16 characters
    serial: int                # the receipt's serial number, at most 12 digits
    kind: ReceiptKind
    return_amount: Decimal     # total of returns on this receipt (0.00 when none), positive
    sale_amount: Decimal       # total of sales on this receipt incl. VAT, positive
    vat: tuple[tuple[Decimal, Decimal], ...]  # up to four (rate in percent, VAT amount)


@dataclass(frozen=True)
class ControlCode:
    """The unit's answer, stored with the receipt and printed on it."""

    code: str
    unit_id: str  # the unit's manufacturing number (tillverkningsnummer)


@dataclass(frozen=True)
class UnitStatus:
    ok: bool
    unit_id: str = ""
    text: str = ""  # Swedish, for the settings view and `kassa control-unit status`


class ControlUnitUnavailable(Exception):
    """The unit did not give a code. `str(error)` is Swedish: what is wrong and what to do."""


class ControlUnitNotChosen(ControlUnitUnavailable):
    """No control unit (nor the exemption) is chosen in the settings: trying again cannot help, choosing one can."""


class ControlUnit(Protocol):
    def register(self, data: ReceiptData) -> ControlCode:
        """Register one receipt; raises ControlUnitUnavailable when no code could be had."""
        ...

    def status(self) -> UnitStatus:
        ...
