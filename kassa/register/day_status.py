"""What the till window asks about its day without registering anything: is a day open, what
the drawer should hold before the Z report, and the till's old Z reports.

Nothing here is journalled: `preview` computes the figures the X report would print without
taking an X report (which is a registration of its own, kassa.register.reports.x_report).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kassa.models import Company, JournalEntry, RegisterDay, ZReport
from kassa.register import clock, reports
from kassa.register.control_unit import settings as control_unit_settings
from kassa.register.figures import DayFigures
from kassa.till import TillError


@dataclass(frozen=True)
class DayState:
    """Whether the till may sell: a day open (its number, when, the float), the company set up."""

    till: str
    day_number: int | None
    opened_at: dt.datetime | None
    float_amount: Decimal | None
    company_configured: bool
    last_float: Decimal | None = None  # the float the till's newest day opened with (a proposal for the next)
    control_unit_chosen: bool = True  # False: no sale can be registered until one (or the exemption) is chosen

    @property
    def is_open(self) -> bool:
        return self.day_number is not None


def day_state(till: str) -> DayState:
    configured = bool(Company.get_solo().is_configured)
    newest = RegisterDay.select().where(RegisterDay.till == till).order_by(RegisterDay.number.desc()).first()
    last_float = newest.float_amount if newest is not None else None
    chosen = control_unit_settings.is_chosen()
    day = reports.current_day(till)
    if day is None:
        return DayState(till, None, None, None, configured, last_float, chosen)
    return DayState(till, day.number, day.opened_at, day.float_amount, configured, last_float, chosen)


def preview(till: str, at: dt.datetime | None = None) -> DayFigures:
    """The open day's figures now (as an X report would show them), not journalled: what the Z
    dialog shows as the expected cash before the cashier confirms."""
    day = reports.current_day(till)
    if day is None:
        raise TillError(f"Kassa {till} har ingen öppen dag att stänga.")
    return reports.compute(day, "X", at or clock.utcnow())


@dataclass(frozen=True)
class ZSummary:
    """One row of the list of old Z reports."""

    number: int
    created_at: dt.datetime  # UTC
    day_number: int
    net_sales: Decimal
    counted_cash: Decimal
    difference: Decimal


def z_summaries(till: str) -> list[ZSummary]:
    """The till's Z reports, newest first."""
    query = (ZReport.select(ZReport, RegisterDay).join(RegisterDay)
             .where(ZReport.till == till).order_by(ZReport.number.desc()))
    return [ZSummary(report.number, report.created_at, report.day.number,
                     Decimal(str(report.figures.get("net_sales", "0"))), report.counted_cash, report.difference)
            for report in query]


def last_entry(till: str, event: str) -> int:
    """The journal sequence number of the till's newest row of `event` (0 when none): a name for what it
    printed (a cash slip in the print queue)."""
    seq = (JournalEntry.select(JournalEntry.seq).where((JournalEntry.till == till) & (JournalEntry.event == event))
           .order_by(JournalEntry.seq.desc()).scalar())
    return int(seq or 0)
