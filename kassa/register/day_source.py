"""The register's Z reports as the bookkeeping's day inputs (kassa.bookkeeping.day_vouchers).

Importing this module connects the stored Z reports to the SIE export: `kassa export sie` and
the export window import it. Each Z report becomes one `DayVoucherInput` for its till and sales
day (the local date the day was opened):

    received         each means' net: cash, card, Swish taken less paid back (after rounding)
    sales, output_vat the day's sales per VAT rate, returns netted (excl. VAT, and the VAT)
    rounding         öresavrundning (paid minus exact; positive when customers paid more)
    cash_difference  counted minus expected cash
Invoiced sales are outside the register's figures (each invoice is booked by its own voucher), so
nothing is subtracted for them here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kassa.bookkeeping.day_vouchers import DayVoucherInput, SalesAmount, register_day_source
from kassa.models import RegisterDay, ZReport
from kassa.money import ZERO
from kassa.register import clock
from kassa.register.figures import DayFigures


def day_input(figures: DayFigures) -> DayVoucherInput:
    if figures.number is None:
        raise ValueError("an X report closes no day: only a Z report is booked")
    return DayVoucherInput(
        till=figures.till, date=clock.local(figures.day_opened_at).date(), z_number=figures.number,
        received={m.method: m.net for m in figures.means if m.net},
        sales=[SalesAmount(v.rate, v.taxable) for v in figures.vat],
        output_vat={v.rate: v.tax for v in figures.vat},
        rounding=figures.rounding, cash_difference=figures.cash_difference or ZERO,
    )


def z_report_inputs(date_from: dt.date, date_to: dt.date) -> Iterator[DayVoucherInput]:
    """Every till's Z reports whose sales day lies in [date_from, date_to] (local dates)."""
    start, end = clock.local_range_utc(date_from, date_to)
    query = (ZReport.select(ZReport.figures).join(RegisterDay)
             .where((RegisterDay.opened_at >= start) & (RegisterDay.opened_at < end))
             .order_by(RegisterDay.opened_at, ZReport.till))
    for report in query:
        yield day_input(DayFigures.from_data(report.figures))


register_day_source(z_report_inputs)
