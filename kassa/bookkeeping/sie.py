"""SIE 4 records and their #KSUMMA (SIE-gruppen, "SIE filformat", utgåva 4B, sections 5 and 10).

A record is a label and fields separated by spaces, one record a line, in code page 437. Text
fields are quoted, a quote inside is written \\" ; control characters may not occur in a field.
Amounts have a point and at most two decimals; dates are YYYYMMDD.

The checksum (section 10) is CRC-32 (generator EDB88320H, preset FFFFFFFFH, inverted at the end:
the same function as zlib's crc32) over the records from the one after the opening #KSUMMA up to
the closing #KSUMMA: each record's label and its fields' contents, in code page 437, without
the blanks between fields, the quotes around fields, the braces of object lists and of the
voucher's transaction block, and with an escaped quote counting as the quote alone.
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import BinaryIO

from kassa.money import round_ore

ENCODING = "cp437"
NEWLINE = b"\r\n"  # a line feed ends a record; a carriage return before it is allowed (5.5)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOT_PLAIN = re.compile(r'[\s"{}\x00-\x1f\x7f]')

# A field as written, and what of it the checksum covers.
Field = tuple[str, str]


def clean_text(text: object) -> str:
    """Text as the file can carry it: no control characters (5.7), code page 437 only (5.8; other
    characters become '?'), and no backslash, which the format reserves for an escaped quote."""
    cleaned = _CONTROL.sub(" ", str(text if text is not None else "")).replace("\\", "/")
    return cleaned.encode(ENCODING, errors="replace").decode(ENCODING)


def text(value: object) -> Field:
    content = clean_text(value)
    return '"' + content.replace('"', '\\"') + '"', content


def plain(value: object) -> Field:
    """An unquoted field: a number, a date, a code. It must not contain a blank, quote or brace."""
    token = str(value)
    if not token or _NOT_PLAIN.search(token):
        raise ValueError(f"not a plain SIE field: {token!r}")
    return token, token


def amount(value: Decimal) -> Field:
    rounded = round_ore(Decimal(value))
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    return plain(f"{rounded:.2f}")


def date(value: dt.date) -> Field:
    return plain(f"{value:%Y%m%d}")


EMPTY_OBJECTS: Field = ("{}", "")


def record_bytes(label: str, *fields: Field) -> tuple[bytes, bytes]:
    """The record's line (with its line break) and the bytes its checksum covers."""
    line = label + "".join(" " + written for written, _ in fields)
    return line.encode(ENCODING) + NEWLINE, (label + "".join(content for _, content in fields)).encode(ENCODING)


class RecordWriter:
    """Writes records to `stream` and hands each record's checksum bytes to `checksum`."""

    def __init__(self, stream: BinaryIO, checksum: Callable[[bytes], None]):
        self.stream = stream
        self._checksum = checksum

    def record(self, label: str, *fields: Field) -> None:
        line, covered = record_bytes(label, *fields)
        self.stream.write(line)
        self._checksum(covered)

    def bare(self, label: str, *fields: Field) -> None:
        """A record outside the checksum: #FLAGGA, the two #KSUMMA."""
        line = label + "".join(" " + written for written, _ in fields)
        self.stream.write(line.encode(ENCODING) + NEWLINE)


class Crc32:
    """The running #KSUMMA checksum."""

    def __init__(self) -> None:
        self.value = 0

    def __call__(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)
