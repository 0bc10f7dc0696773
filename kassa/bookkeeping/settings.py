"""The bookkeeping settings as one unit: reminders and interest, reference rates, the SIE file's
fiscal year and voucher series. Checked whole before anything is stored (Swedish messages)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kassa.bookkeeping.reminders import ReminderError, check_settings
from kassa.models import BookkeepingSettings, ReferenceRate, utcnow
from kassa.models.database import write_transaction

_SERIES = re.compile(r"^[A-Za-z0-9]{0,10}$")


class SettingsError(ValueError):
    """A setting that cannot be stored; the message is Swedish and names the field."""


@dataclass
class BookkeepingValues:
    reminder_fee: Decimal = Decimal("0.00")
    reminder_fee_agreed: bool = False
    charge_interest: bool = True
    interest_margin: Decimal = Decimal("8.00")
    reminder_days: int = 10
    fiscal_year_start_month: int = 1
    series_day: str = ""
    series_invoice: str = ""
    series_payment: str = ""
    reference_rates: list[tuple[dt.date, Decimal]] = field(default_factory=list)

    @classmethod
    def load(cls) -> BookkeepingValues:
        row = BookkeepingSettings.get_solo()
        rates = [(r.valid_from, r.rate) for r in ReferenceRate.select().order_by(ReferenceRate.valid_from)]
        return cls(row.reminder_fee, row.reminder_fee_agreed, row.charge_interest, row.interest_margin,
                   row.reminder_days, row.fiscal_year_start_month, row.series_day, row.series_invoice,
                   row.series_payment, rates)


def check(values: BookkeepingValues) -> None:
    try:
        check_settings(values.reminder_fee, values.reminder_fee_agreed, values.interest_margin, values.reminder_days)
    except ReminderError as exc:
        raise SettingsError(str(exc)) from None
    if not 1 <= values.fiscal_year_start_month <= 12:
        raise SettingsError("Räkenskapsåret ska börja i en månad 1–12.")
    for label, series in (("dagsverifikationer", values.series_day), ("fakturor", values.series_invoice),
                          ("inbetalningar", values.series_payment)):
        if not _SERIES.match(series):
            raise SettingsError(f"Verifikationsserien för {label} ska vara bokstäver eller siffror (högst 10), "
                                f"t.ex. A, eller tom; '{series}' går inte.")
    seen = set()
    for start, rate in values.reference_rates:
        if start in seen:
            raise SettingsError(f"Referensräntan från {start.isoformat()} står två gånger.")
        seen.add(start)
        if not Decimal(-10) <= rate <= Decimal(50):
            raise SettingsError(f"Referensräntan {rate} % från {start.isoformat()} är inte rimlig (−10 till 50 %).")


def save(values: BookkeepingValues) -> None:
    check(values)
    with write_transaction():
        row = BookkeepingSettings.get_solo()
        for name in ("reminder_fee", "reminder_fee_agreed", "charge_interest", "interest_margin", "reminder_days",
                     "fiscal_year_start_month", "series_day", "series_invoice", "series_payment"):
            setattr(row, name, getattr(values, name))
        row.updated_at = utcnow()
        row.save()
        ReferenceRate.delete().execute()  # type: ignore[misc,unused-ignore]  # types-peewee builds differ on Model.delete
        for start, rate in sorted(values.reference_rates):
            ReferenceRate.create(valid_from=start, rate=rate)
