"""The control unit's address, checked where the settings are read: apart from the driver, so reading the
settings (at the till's start) does not load the driver's XML library."""
from __future__ import annotations

import ipaddress
import urllib.parse

from kassa.register.control_unit.base import ControlUnitUnavailable


def check_url(url: str) -> str:
    """The service's address: https://…, or http:// to this computer only (the emulator)."""
    parts = urllib.parse.urlsplit(url.strip() if isinstance(url, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ControlUnitUnavailable(
            f"Adressen till kontrollenheten ({url!r}) ska vara en webbadress som börjar med https://. "
            "Ange den under Inställningar → Kontrollenhet.")
    if parts.username or parts.password:
        raise ControlUnitUnavailable(
            "Skriv inte användarnamn eller lösenord i kontrollenhetens adress; ange dem i fälten för inloggning.")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ControlUnitUnavailable(
            f"Kontrollenheten på {parts.hostname} måste nås med https:// (krypterat). Okrypterat http:// går "
            "bara till den här datorn (emulatorn).")
    return url.strip()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
