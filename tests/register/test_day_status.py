"""What the window asks about the day without registering anything: is it open, what the drawer
should hold before the Z report (no X report journalled), the old Z reports newest first."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kassa.models import JournalEntry
from kassa.register import events
from kassa.register.day_status import day_state, preview, z_summaries
from kassa.till import TillError


def test_day_state_says_whether_the_till_may_sell(register):
    state = day_state("kassa-1")
    assert state.is_open and state.day_number == 1 and state.float_amount == Decimal("500.00")
    assert state.company_configured
    register.z_report("500")
    closed = day_state("kassa-1")
    assert not closed.is_open and closed.last_float == Decimal("500.00")  # proposed for the next day
    assert day_state("kassa-2") == day_state("kassa-2") and day_state("kassa-2").last_float is None


def test_preview_is_the_x_figures_without_an_x_report(register):
    register.add_code("7310865004703")
    register.pay_cash("100")  # 54,90 rounded to 55
    register.cash_in("200", "Växel från banken")
    register.cash_out("150", "Till banken")
    figures = preview("kassa-1")
    assert figures.expected_cash == Decimal("500.00") + 200 - 150 + 55
    assert figures.kind == "X" and figures.number is None
    assert not JournalEntry.select().where(JournalEntry.event == events.X_REPORT).exists()
    register.z_report("605")
    with pytest.raises(TillError, match="har ingen öppen dag"):
        preview("kassa-1")


def test_z_summaries_newest_first(register):
    register.add_code("7310865004703")
    register.pay_card()
    register.z_report("480")
    register.open_day("480")
    register.z_report("480")
    first, second = z_summaries("kassa-1")[::-1]
    assert [r.number for r in z_summaries("kassa-1")] == [2, 1]
    assert (first.day_number, first.net_sales, first.counted_cash, first.difference) == (
        1, Decimal("54.90"), Decimal("480.00"), Decimal("-20.00"))
    assert (second.day_number, second.net_sales, second.difference) == (2, Decimal("0.00"), Decimal("0.00"))
    assert z_summaries("kassa-2") == []
