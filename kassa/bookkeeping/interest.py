"""Dröjsmålsränta by räntelagen (1975:635): when the due date was set in advance, interest runs from
the due date at Riksbanken's reference rate in force at each time (set for each half-year) plus
eight percentage points, unless the parties agreed otherwise (the margin is a setting).

Interest is counted per day, actual/365, split where the reference rate changes, each part
rounded to öre.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kassa.models import ReferenceRate
from kassa.money import ZERO, round_ore

LEGAL_MARGIN = Decimal("8.00")
DAYS_A_YEAR = Decimal(365)


class InterestError(ValueError):
    """Interest cannot be computed (a reference rate is missing); the message is Swedish."""


@dataclass(frozen=True)
class InterestPeriod:
    first: dt.date  # the first day with interest
    last: dt.date  # the last day with interest
    rate: Decimal  # percent a year, reference rate + margin
    amount: Decimal

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def as_dict(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": self.days,
                "rate": str(self.rate), "amount": str(self.amount)}


def reference_rates() -> list[tuple[dt.date, Decimal]]:
    return [(row.valid_from, row.rate) for row in ReferenceRate.select().order_by(ReferenceRate.valid_from)]


def late_interest(principal: Decimal, after: dt.date, until: dt.date, margin: Decimal = LEGAL_MARGIN,
                  rates: list[tuple[dt.date, Decimal]] | None = None) -> list[InterestPeriod]:
    """Interest on `principal` for the days after `after` up to and including `until`."""
    if principal <= 0 or until <= after:
        return []
    rates = reference_rates() if rates is None else sorted(rates)
    periods = []
    day = after + dt.timedelta(days=1)
    while day <= until:
        half_year = dt.date(day.year, 1 if day.month < 7 else 7, 1)
        known = [i for i, (start, _rate) in enumerate(rates) if start <= day]
        if not known or rates[known[-1]][0] < half_year:
            raise InterestError(
                f"Riksbankens referensränta för halvåret som börjar {half_year.isoformat()} saknas. Ange den under "
                "Inställningar → Bokföring → Påminnelser och ränta.")
        index = known[-1]
        next_start = rates[index + 1][0] if index + 1 < len(rates) else None
        half_year_end = dt.date(day.year, 6, 30) if day.month < 7 else dt.date(day.year, 12, 31)
        last = min(until, half_year_end, next_start - dt.timedelta(days=1) if next_start else until)
        rate = rates[index][1] + margin
        days = (last - day).days + 1
        amount = round_ore(principal * rate / 100 * days / DAYS_A_YEAR)
        periods.append(InterestPeriod(day, last, rate, max(amount, ZERO)))
        day = last + dt.timedelta(days=1)
    return periods
