"""Dates as people type them into Kassa's date fields (kassa.typed_dates)."""
from __future__ import annotations

import datetime as dt

import pytest

from kassa.identifiers import InvalidIdentifier
from kassa.typed_dates import parse_typed_date

NOV_1 = dt.date(2026, 11, 1)


@pytest.mark.parametrize("typed", ["2026-11-01", "20261101", "261101", " 20261101 ", "2026-11-1", "2026/11/01",
                                   "2026.11.01", "2026 11 01"])
def test_the_ways_a_date_is_typed(typed):
    assert parse_typed_date(typed) == NOV_1


def test_a_six_digit_date_is_in_this_century():
    assert parse_typed_date("991231") == dt.date(2099, 12, 31)
    assert parse_typed_date("000101") == dt.date(2000, 1, 1)


@pytest.mark.parametrize("typed", ["1 nov", "2026-11", "2026111", "202611011", "26-11-01", "idag", "2026-11-01x"])
def test_something_unreadable_says_how_to_write_a_date(typed):
    with pytest.raises(InvalidIdentifier) as raised:
        parse_typed_date(typed, "Från")
    assert str(raised.value) == (f"Från: ”{typed}” är inget datum. Skriv ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller ÅÅMMDD, "
                                 "t.ex. 2026-11-01 eller 20261101.")
    assert raised.value.field == "Från"


@pytest.mark.parametrize("typed", ["20261301", "2026-02-30", "260229", "20260000"])
def test_a_day_the_calendar_does_not_have(typed):
    with pytest.raises(InvalidIdentifier, match="finns inte i kalendern"):
        parse_typed_date(typed, "Till")


def test_an_empty_field_asks_for_a_date():
    with pytest.raises(InvalidIdentifier, match=r"^Till: skriv ett datum \(ÅÅÅÅ-MM-DD"):
        parse_typed_date("  ", "Till")
