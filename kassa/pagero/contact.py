"""The last contact with Pagero in this process: whether Pagero answered, how, and when.

The client records every request it makes (kassa.pagero.client), so the till's status bar can say
what the last contact gave ("nådd 10.42", "går inte att nå sedan 10.40") instead of inferring
"ansluten" from tokens in the keyring. Nothing is stored: a new process starts without contact.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    at: dt.datetime  # UTC, when the last answer (or failure) came
    reached: bool  # Pagero answered, with anything but a server error
    detail: str  # Swedish; why it was not reached, or how Pagero answered
    since: dt.datetime  # UTC, when the current run of the same outcome began


_lock = threading.Lock()
_last: Contact | None = None


def _record(reached: bool, detail: str) -> None:
    global _last
    now = dt.datetime.now(dt.timezone.utc)
    with _lock:
        since = _last.since if _last is not None and _last.reached == reached else now
        _last = Contact(now, reached, detail, since)


def record_answer(status: int) -> None:
    """Pagero answered with HTTP `status` (a 5xx means Pagero could not serve the request)."""
    if status >= 500:
        _record(False, f"Pagero svarade med ett serverfel (HTTP {status}).")
    else:
        _record(True, f"Pagero svarade (HTTP {status}).")


def record_unreachable(reason: str) -> None:
    """No answer at all: no network, a refused connection, a timeout."""
    _record(False, f"Pagero gick inte att nå ({reason}).")


def last_contact() -> Contact | None:
    with _lock:
        return _last


def forget() -> None:
    """As at start: no contact yet (for a new connection, and for tests)."""
    global _last
    with _lock:
        _last = None
