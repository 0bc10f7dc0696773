"""Which control unit this till uses, saved in the settings file (no secrets), and the factory.

    settings.json: {"control_unit": {"kind": "xccsp", "url": "https://…", "username": "…",
                                     "read_timeout": 10}}
                or {"control_unit": {"kind": "none"}}   (the 4-prisbasbelopp exemption, chosen explicitly)

The password is in the OS keyring (`credentials`); `check_control_unit` tests settings before they are
saved. Nothing saved means no unit is chosen: the register may then not register sales
(`build_control_unit` raises ControlUnitUnavailable).
"""
from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from typing import Any

import keyring.backend

from kassa import config
from kassa.register.control_unit import credentials
from kassa.register.control_unit.address import check_url
from kassa.register.control_unit.base import ControlUnit, ControlUnitNotChosen, ControlUnitUnavailable, UnitStatus
from kassa.register.control_unit.exempt import NoControlUnit

log = logging.getLogger(__name__)

SETTINGS_KEY = "control_unit"
KINDS = ("xccsp", "none")

NOT_CHOSEN = (
    "Ingen kontrollenhet är vald. Kassan får inte registrera försäljning utan en certifierad kontrollenhet. "
    "Välj kontrollenhet under Inställningar → Kontrollenhet (eller `kassa control-unit configure`); ett företag "
    "under gränsen fyra prisbasbelopp om året kan där välja att köra utan."
)


@dataclass(frozen=True)
class ControlUnitSettings:
    kind: str  # "xccsp" | "none"
    url: str = ""
    username: str = ""
    read_timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ControlUnitUnavailable(
                f"Okänd sorts kontrollenhet {self.kind!r} i inställningarna; välj XCCSP eller ingen kontrollenhet "
                "under Inställningar → Kontrollenhet.")
        if self.kind == "xccsp":
            check_url(self.url)
            if not isinstance(self.username, str) or not self.username.strip():
                raise ControlUnitUnavailable("Användarnamnet till kontrollenheten saknas. Ange det under "
                                             "Inställningar → Kontrollenhet.")
        if (isinstance(self.read_timeout, bool) or not isinstance(self.read_timeout, (int, float))
                or not math.isfinite(self.read_timeout) or not 1 <= self.read_timeout <= 120):
            raise ControlUnitUnavailable("Väntetiden för kontrollenheten ska vara mellan 1 och 120 sekunder.")

    @classmethod
    def from_dict(cls, data: Any) -> ControlUnitSettings:
        if not isinstance(data, dict):
            raise ControlUnitUnavailable("Kontrollenhetens inställningar kan inte läsas. Välj kontrollenhet igen "
                                         "under Inställningar → Kontrollenhet.")
        known = {k: data[k] for k in ("kind", "url", "username", "read_timeout") if k in data}
        try:
            return cls(**known)
        except TypeError:
            raise ControlUnitUnavailable("Kontrollenhetens inställningar saknar uppgifter. Välj kontrollenhet igen "
                                         "under Inställningar → Kontrollenhet.") from None

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "none":
            return {"kind": "none"}
        return asdict(self)


def saved() -> ControlUnitSettings | None:
    """The saved choice; None when nothing is saved. An unreadable entry raises (Swedish)."""
    data = config.saved_settings().get(SETTINGS_KEY)
    return None if data is None else ControlUnitSettings.from_dict(data)


def is_chosen() -> bool:
    """Whether a unit (or the exemption) is chosen; an unreadable choice counts as chosen (using it says
    what is wrong with it)."""
    try:
        return saved() is not None
    except ControlUnitUnavailable:
        return True


def save(settings: ControlUnitSettings, password: str | None = None,
         keyring_backend: keyring.backend.KeyringBackend | None = None) -> None:
    """Save the choice; a password goes to the keyring first (nothing is saved if that fails)."""
    if password is not None:
        if settings.kind != "xccsp":
            raise ValueError("a password belongs to an XCCSP unit")
        credentials.save_password(settings.url, settings.username, password, keyring_backend)
    config.save_settings(**{SETTINGS_KEY: settings.to_dict()})
    log.info("control unit chosen: %s%s", settings.kind, f" at {settings.url}" if settings.url else "")


def build_control_unit(settings: ControlUnitSettings | None = None, *, org_number: str, till: str | None = None,
                       keyring_backend: keyring.backend.KeyringBackend | None = None) -> ControlUnit:
    """The unit to register receipts with: the saved one unless `settings` is given.

    `org_number` (10 digits) and `till` (default `config.till_designation()`) are what `status()`
    asks about; `register()` sends the ones in each `ReceiptData`.
    """
    settings = settings if settings is not None else saved()
    if settings is None:
        raise ControlUnitNotChosen(NOT_CHOSEN)
    if settings.kind == "none":
        return NoControlUnit()
    from kassa.register.control_unit.xccsp import XccspControlUnit  # lxml: only once a unit is used

    return XccspControlUnit(settings.url, settings.username, org_number=org_number,
                            till=till if till is not None else config.till_designation(),
                            read_timeout=settings.read_timeout, keyring_backend=keyring_backend)


def check_control_unit(settings: ControlUnitSettings, *, org_number: str, till: str | None = None,
                       password: str | None = None,
                       keyring_backend: keyring.backend.KeyringBackend | None = None) -> UnitStatus:
    """"Testa" in the settings: ask the unit for its status, with a password not yet saved if given.

    Never raises; the text is Swedish. Does network I/O: call it from a worker.
    """
    try:
        if settings.kind == "none":
            return NoControlUnit().status()
        from kassa.register.control_unit.xccsp import XccspControlUnit

        unit = XccspControlUnit(settings.url, settings.username, org_number=org_number,
                                till=till if till is not None else config.till_designation(),
                                read_timeout=settings.read_timeout, keyring_backend=keyring_backend,
                                password=password, timeout_retries=0)
        try:
            return unit.status()
        finally:
            unit.close()
    except ControlUnitUnavailable as exc:
        return UnitStatus(ok=False, text=str(exc))
