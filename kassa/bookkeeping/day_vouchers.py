"""The day's voucher from a Z report (BFNAR 2013:2: one combined voucher per day and till).

Bookkeeping reads the register's stored Z reports itself (``z_reports``: kassa.models.ZReport,
whose ``figures`` are the report as printed, read back as kassa.register.figures.DayFigures) and
books each one as it says (``day_voucher``):

    debit   cash, card, Swish ........ means[i].net: taken less paid back on returns, after rounding
    credit  sales per VAT rate ....... vat[i].taxable, returns netted
    credit  output VAT per rate ...... vat[i].tax, returns netted
    credit  öresavrundning ........... rounding (a debit when customers paid less than exact)
    debit   cash / credit cash differences: counted minus expected; a shortage is a credit on
            cash and a debit on the cash-difference account. It never touches sales or VAT.

Sales paid by invoice at the till are not in the register's sales, VAT or means of payment (the
Z report shows them on their own line, ``invoiced``): each invoice is booked by its own voucher on
accounts receivable (kassa.bookkeeping.ledger_vouchers), so nothing is subtracted here.
The voucher's date is the sales day: the local date the day was opened.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kassa.bookkeeping.accounts import MEANS_OF_PAYMENT, AccountPlan, AccountPlanError
from kassa.bookkeeping.vouchers import Voucher, VoucherBuilder, VoucherError
from kassa.models import RegisterDay, ZReport
from kassa.money import ZERO
from kassa.register import clock
from kassa.register.figures import DayFigures


def sales_day(figures: DayFigures) -> dt.date:
    return clock.local(figures.day_opened_at).date()


def day_title(figures: DayFigures) -> str:
    return f"Z-rapport {figures.number} {figures.till} {sales_day(figures).isoformat()}"


def day_voucher(figures: DayFigures, plan: AccountPlan, series: str = "") -> Voucher:
    """The voucher of one Z report. VoucherError (Swedish) when its figures do not add up."""
    if figures.kind != "Z" or figures.number is None:
        raise ValueError("an X report closes no day: only a Z report is booked")
    title = day_title(figures)
    builder = VoucherBuilder("day", series, sales_day(figures), title)
    try:
        for means in figures.means:
            if means.method not in MEANS_OF_PAYMENT:
                raise VoucherError(f"{title}: betalsättet '{means.method}' har inget konto i kontoplanen.")
            builder.debit(plan.means_of_payment(means.method), means.net)
        for vat in sorted(figures.vat, key=lambda v: -v.rate):
            builder.credit(plan.sales(vat.rate), vat.taxable)
            if vat.tax:
                builder.credit(plan.output_vat(vat.rate), vat.tax)
        builder.credit(plan.account("rounding"), figures.rounding)
        difference = figures.cash_difference or ZERO
        builder.debit(plan.account("cash"), difference)
        builder.credit(plan.account("cash_difference"), difference)
    except AccountPlanError as exc:
        raise VoucherError(f"{title}: {exc}") from None
    return builder.build()


def z_reports(date_from: dt.date, date_to: dt.date) -> Iterator[DayFigures]:
    """Every till's Z reports whose sales day lies in [date_from, date_to] (local dates), by day and till."""
    start, end = clock.local_range_utc(date_from, date_to)
    query = (ZReport.select(ZReport.figures).join(RegisterDay)
             .where((RegisterDay.opened_at >= start) & (RegisterDay.opened_at < end))
             .order_by(RegisterDay.opened_at, ZReport.till, ZReport.number))
    for report in query.iterator():
        yield DayFigures.from_data(report.figures)
