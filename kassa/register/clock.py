"""Time in the register: stored as naive UTC (as every table has it), shown in local time."""
from __future__ import annotations

import datetime as dt

from kassa.models.base import utcnow

__all__ = ["local", "local_range_utc", "format_local", "utcnow"]


def local(moment: dt.datetime) -> dt.datetime:
    """A stored naive-UTC moment as naive local time (what receipts and reports print)."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def to_utc(local_moment: dt.datetime) -> dt.datetime:
    """A naive local moment as naive UTC, for queries."""
    return local_moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_range_utc(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in local time, as naive UTC bounds."""
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return to_utc(start), to_utc(end)


def format_local(moment: dt.datetime, seconds: bool = False) -> str:
    """2026-05-04 14:03 (local time)."""
    return local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
