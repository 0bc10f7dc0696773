"""A date as a person types it into a field: 2026-11-01, 20261101 or 261101 (also 2026-11-1, 2026/11/01,
2026.11.01, 2026 11 01). The windows that ask for a date read it here and show it back as 2026-11-01.

A six-digit date is in this century (261101 is 2026-11-01): a till's dates are never in the 1900s.
Anything else raises InvalidIdentifier with a Swedish message for the field.
"""
from __future__ import annotations

import datetime as dt
import re

from kassa.identifiers import InvalidIdentifier

EXAMPLE = "ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller ÅÅMMDD, t.ex. 2026-11-01 eller 20261101"
_SEPARATED = re.compile(r"(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})")
_DIGITS = re.compile(r"(\d{2}|\d{4})(\d{2})(\d{2})")


def parse_typed_date(text: str, field: str = "Datum") -> dt.date:
    """The date in `text`; InvalidIdentifier (Swedish, naming `field`) when it is none."""
    typed = (text or "").strip()
    if not typed:
        raise InvalidIdentifier(field, f"{field}: skriv ett datum ({EXAMPLE}).")
    match = _SEPARATED.fullmatch(typed) or _DIGITS.fullmatch(typed)
    if match is None:
        raise InvalidIdentifier(field, f"{field}: ”{typed}” är inget datum. Skriv {EXAMPLE}.")
    year, month, day = (int(part) for part in match.groups())
    if len(match[1]) == 2:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidIdentifier(
            field, f"{field}: ”{typed}” finns inte i kalendern (månad 1–12 och en dag som månaden har).") from None

