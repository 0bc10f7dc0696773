"""Which control unit the register talks to, from the settings (`kassa.config.control_unit_mode`).

Drivers are named here by module path so that choosing one imports only it. A driver class is
built with `from_settings()` when it has one (to read its address and credentials), else with
no arguments. Modes: "none" (the exemption, no codes); the XCCSP cloud unit and the local
emulator are added here by their driver (issue 14).
"""
from __future__ import annotations

import importlib

from kassa import config
from kassa.register.control_unit.base import ControlUnit
from kassa.till import TillError

DRIVERS: dict[str, str] = {
    "none": "kassa.register.control_unit.none:NoControlUnit",
}


def control_unit_from_settings(mode: str | None = None) -> ControlUnit:
    mode = (mode or config.control_unit_mode()).strip().lower()
    target = DRIVERS.get(mode)
    if target is None:
        known = ", ".join(sorted(DRIVERS))
        raise TillError(f"Okänd kontrollenhet '{mode}' i inställningarna. Välj en av: {known}.")
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    factory = getattr(cls, "from_settings", None)
    return factory() if callable(factory) else cls()
