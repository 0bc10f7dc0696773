"""What a shop reports to Skatteverket about this register, for the settings view to show.

The manufacturer declares each version (tillverkardeklaration, SKV 1509); the shop reports each
register it uses (SKVFS 2014:10 4 kap. 1 §): its model designation (which contains "SE" for a
register that meets the Swedish requirements), its manufacturing number and its version, with
the control unit's manufacturing number. Kassa cannot send the report; it shows what to put in it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kassa import __version__, config

MODEL = "Kassa SE"  # model designation (modellbeteckning), with "SE"
PROGRAM = "Kassa"  # the program (modell eller program)


@dataclass(frozen=True)
class RegisterIdentity:
    model: str
    program: str
    version: str
    manufacturing_number: str
    till: str
    control_unit: str  # the kind chosen in the settings: xccsp, none (the exemption), "" (none chosen)
    control_unit_id: str = ""

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) in Swedish, in the order the report to Skatteverket asks for them."""
        unit = self.control_unit_id or ("ingen (undantag, högst fyra prisbasbelopp)" if self.control_unit == "none"
                                        else "ej vald" if not self.control_unit else "ej ansluten")
        return [
            ("Modellbeteckning", self.model),
            ("Tillverkningsnummer", self.manufacturing_number),
            ("Version", self.version),
            ("Kassabeteckning", self.till),
            ("Kontrollenhetens tillverkningsnummer", unit),
        ]


def manufacturing_number(till: str) -> str:
    """The till's manufacturing number: the same on every computer that reads the database (the
    export of one till lists the others), made from the company's org. number and the till's
    designation, which together name one register for Skatteverket."""
    from kassa.models import Company

    org = "".join(ch for ch in Company.get_solo().org_number or "" if ch.isdigit())
    return "KSE" + hashlib.sha256(f"{org}:{till}".encode()).hexdigest()[:10].upper()


def register_identity(till: str | None = None, control_unit_id: str = "") -> RegisterIdentity:
    till = till if till is not None else config.till_designation()
    return RegisterIdentity(MODEL, PROGRAM, __version__, manufacturing_number(till), till, _unit_kind(),
                            control_unit_id)


def _unit_kind() -> str:
    """The kind of unit chosen in the settings: xccsp, none (the exemption), or "" (none chosen)."""
    from kassa.register.control_unit.settings import saved

    try:
        chosen = saved()
    except Exception:  # an unreadable choice: shown as not chosen, the settings say what to fix
        return ""
    return chosen.kind if chosen is not None else ""


def identity_with_unit(till: str | None = None) -> RegisterIdentity:
    """`register_identity` with the control unit's manufacturing number asked of the chosen unit (network:
    call from a worker); a unit that does not answer leaves the number out, and the rows say so."""
    from kassa.models import Company
    from kassa.register.control_unit.settings import check_control_unit, saved

    till = till if till is not None else config.till_designation()
    unit_id = ""
    try:
        chosen = saved()
    except Exception:  # an unreadable choice: shown as not chosen
        chosen = None
    if chosen is not None and chosen.kind != "none":
        org = "".join(ch for ch in Company.get_solo().org_number or "" if ch.isdigit())
        unit_id = check_control_unit(chosen, org_number=org, till=till).unit_id
    return register_identity(till, unit_id)
