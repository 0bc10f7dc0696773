"""The control unit's password, kept only in the OS keyring (service ``kassa-control-unit``).

The entry is named ``USER@HOST[:PORT]`` after the service's address, so the emulator's password and
a real service's never mix. The settings file holds the address and the user name, never the
password; no log line or message quotes it.
"""
from __future__ import annotations

import logging
import urllib.parse

import keyring.backend
import keyring.errors

from kassa.pagero.credentials import usable_keyring
from kassa.pagero.errors import KeyringUnavailableError
from kassa.register.control_unit.base import ControlUnitUnavailable

log = logging.getLogger(__name__)

SERVICE = "kassa-control-unit"

_NO_KEYRING = (
    "Ingen fungerande nyckelring hittades. Kassa sparar kontrollenhetens lösenord bara i operativsystemets "
    "nyckelring (t.ex. GNOME-nyckelringen eller KWallet). Starta eller lås upp nyckelringen och försök igen."
)


def entry_name(url: str, username: str) -> str:
    host = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]
    return f"{username}@{host}"


def _backend(backend: keyring.backend.KeyringBackend | None) -> keyring.backend.KeyringBackend:
    try:
        return usable_keyring(backend)
    except KeyringUnavailableError as exc:
        log.warning("control unit: no usable keyring (%s)", type(exc).__name__)
        raise ControlUnitUnavailable(_NO_KEYRING) from None


def save_password(url: str, username: str, password: str,
                  backend: keyring.backend.KeyringBackend | None = None) -> None:
    store = _backend(backend)
    try:
        store.set_password(SERVICE, entry_name(url, username), password)
    except Exception as exc:  # locked, D-Bus gone…; the backend's text could quote the value
        log.warning("control unit: the keyring refused the password (%s)", type(exc).__name__)
        raise ControlUnitUnavailable(_NO_KEYRING) from None


def load_password(url: str, username: str, backend: keyring.backend.KeyringBackend | None = None) -> str:
    """The saved password; ControlUnitUnavailable (Swedish) when there is none or no keyring."""
    store = _backend(backend)
    try:
        password = store.get_password(SERVICE, entry_name(url, username))
    except Exception as exc:
        log.warning("control unit: the keyring could not be read (%s)", type(exc).__name__)
        raise ControlUnitUnavailable(_NO_KEYRING) from None
    if not password:
        raise ControlUnitUnavailable(
            f"Lösenordet till kontrollenheten ({entry_name(url, username)}) finns inte i nyckelringen. Ange det "
            "under Inställningar → Kontrollenhet (eller med `kassa control-unit configure --password-stdin`).")
    return password


def has_password(url: str, username: str, backend: keyring.backend.KeyringBackend | None = None) -> bool:
    """Whether a password is saved for this unit and user (False, too, when there is no keyring)."""
    try:
        return bool(load_password(url, username, backend))
    except ControlUnitUnavailable:
        return False


def delete_password(url: str, username: str, backend: keyring.backend.KeyringBackend | None = None) -> None:
    store = _backend(backend)
    try:
        store.delete_password(SERVICE, entry_name(url, username))
    except keyring.errors.PasswordDeleteError:
        pass
    except Exception as exc:
        log.warning("control unit: the keyring entry could not be deleted (%s)", type(exc).__name__)
        raise ControlUnitUnavailable(_NO_KEYRING) from None
