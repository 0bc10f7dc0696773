"""Whether invoices are officially validated, said in Swedish for the window and `kassa rules status`.

`rule_pack_status()` finds the active pack (see `pack.rule_pack_location`: KASSA_RULES_DIR, the
installed one, or a system-wide one), reads it without compiling anything, and checks its files
against Kassa's pins. It does file I/O: call it off the UI thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kassa.peppol.rules.errors import NOT_INSTALLED_MESSAGE, RulePackError
from kassa.peppol.rules.pack import load_rule_pack, rule_pack_location
from kassa.peppol.rules.parts import PART_TITLES

ORIGIN_TEXTS = {
    "env": "utpekat med KASSA_RULES_DIR",
    "installed": "installerat i Kassas datamapp",
    "system": "installerat för alla användare på datorn",
}


@dataclass(frozen=True)
class PackStatus:
    validated: bool  # e-invoices are checked with the official rules before they are sent
    location: Path
    origin: str  # env | installed | system
    versions: dict[str, str] = field(default_factory=dict)
    pin_problems: tuple[str, ...] = ()
    problem: str = ""  # why there is no usable pack
    missing: bool = False  # nothing installed or pointed at (rather than a pack that does not work)

    @property
    def where(self) -> str:
        return f"{self.location} ({ORIGIN_TEXTS.get(self.origin, self.origin)})"

    @property
    def line(self) -> str:
        """One line for the E-fakturor window."""
        if not self.validated:
            return ("Officiell validering: nej – regelpaketet saknas, så e-fakturor kontrolleras bara med "
                    "Kassas egna kontroller innan de skickas.")
        text = "Officiell validering: ja – varje e-faktura kontrolleras mot " + ", ".join(
            f"{PART_TITLES[kind]} {self.versions[kind]}" for kind in ("ubl", "cen", "peppol")) + "."
        if self.pin_problems:
            text += " Obs: regelpaketets filer stämmer inte med Kassas kontrollsummor."
        return text

    @property
    def text(self) -> str:
        """The whole state, for the Valideringsregler window."""
        if not self.validated:
            return self.problem
        lines = [self.line, f"Regelpaketet: {self.where}."]
        if self.pin_problems:
            lines.append("Kontrollsummorna stämmer INTE med Kassas kända versioner: " + "; ".join(self.pin_problems))
        else:
            lines.append("Kontrollsummorna stämmer med Kassas kända versioner.")
        return "\n".join(lines)


def rule_pack_status() -> PackStatus:
    location, origin = rule_pack_location()
    try:
        pack = load_rule_pack()
    except RulePackError as exc:
        missing = origin != "env" and not location.exists()
        problem = NOT_INSTALLED_MESSAGE if missing else (
            f"Inget fungerande regelpaket i {location} ({ORIGIN_TEXTS.get(origin, origin)}). {exc}")
        return PackStatus(False, location, origin, problem=problem, missing=missing)
    return PackStatus(True, location, origin, dict(pack.versions), tuple(pack.check_pins()))
