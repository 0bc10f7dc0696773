"""Units of measure: the UN/ECE recommendation 20 code that PEPPOL's unitCode takes, and the Swedish
word a person reads on a form, a receipt or an invoice ("st", "tim", "kg"). One table for all of them."""
from __future__ import annotations

# (code, word), in the order a form offers them: the common ones first.
UNITS: tuple[tuple[str, str], ...] = (
    ("EA", "st"),
    ("HUR", "tim"),
    ("DAY", "dag"),
    ("MON", "mån"),
    ("KGM", "kg"),
    ("GRM", "g"),
    ("LTR", "l"),
    ("MTR", "m"),
    ("MTK", "m²"),
    ("MTQ", "m³"),
    ("KMT", "km"),
    ("XPK", "förp"),
    ("SET", "sats"),
    ("PR", "par"),
)
_WORDS = dict(UNITS) | {"C62": "st"}  # C62 ("one") is read as a piece, like EA


def unit_word(code: str) -> str:
    """The Swedish word for a unit code; an unknown code as it is (lower case, as units are written)."""
    return _WORDS.get(code, code.lower())
