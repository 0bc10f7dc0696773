"""Computing a day's figures from what is stored, and opening and closing days.

A day belongs to one till: it opens with the cash float and closes with its Z report, which
takes the next number of the till's Z series and stores the figures as printed. Grand totals
carry on from the till's previous Z report, so they are never reset.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from peewee import fn

from kassa.models import (
    Company,
    JournalEntry,
    NumberSeries,
    ParkedSale,
    Payment,
    Receipt,
    RegisterDay,
    Sale,
    ZReport,
)
from kassa.models.database import write_transaction
from kassa.register import events, journal
from kassa.register.figures import ZERO, CountAmount, DayFigures, MeansFigure, VatFigure
from kassa.register.payments import METHODS
from kassa.register.receipts import seller_of
from kassa.till import TillError


def current_day(till: str) -> RegisterDay | None:
    """The till's open day (the newest day without a Z report), or None."""
    day = RegisterDay.select().where(RegisterDay.till == till).order_by(RegisterDay.number.desc()).first()
    if day is None or ZReport.select().where(ZReport.day == day.id).exists():
        return None
    return day


def open_day(till: str, float_amount: Decimal, at: dt.datetime) -> RegisterDay:
    with write_transaction():
        day = current_day(till)
        if day is not None:
            raise TillError(f"Dag {day.number} är redan öppen i kassa {till}. Stäng den med en Z-dagrapport först.")
        number = NumberSeries.take(f"day:{till}")
        day = RegisterDay.create(till=till, number=number, opened_at=at, float_amount=float_amount)
        journal.append(till, events.DAY_OPENED, {"day": number, "float": str(float_amount)}, day_id=day.id,
                       amount=float_amount, at=at)
    return day


def _previous_z(till: str) -> ZReport | None:
    return ZReport.select().where(ZReport.till == till).order_by(ZReport.number.desc()).first()


def compute(day: RegisterDay, kind: str, produced_at: dt.datetime, *, number: int | None = None,
            counted: Decimal | None = None, control_unit_id: str = "") -> DayFigures:
    sales = returns = rounding = goods_amount = services_amount = ZERO
    goods_sold = services_sold = Decimal("0")
    receipts = returns_count = drawer = 0
    vat: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    tally = {name: _Tally() for name in ("copy", "training", "proforma", "discounts", "reductions")}
    rows = (Receipt.select(Receipt.kind, Receipt.training, Receipt.total, Receipt.rounding, Receipt.payable,
                           Receipt.vat, Receipt.goods_quantity, Receipt.services_quantity, Receipt.services_amount,
                           Receipt.discount_total, Receipt.reduction_total, Receipt.drawer_opened)
            .where(Receipt.day == day.id).tuples())
    for (kind_, training, total, rounding_, payable, vat_rows, goods_q, services_q, services_a, discount,
         reduced, drawer_opened) in rows:
        drawer += bool(drawer_opened)
        group = "training" if training else kind_ if kind_ in ("copy", "proforma") else None
        if group:
            tally[group].add(payable)
            continue
        sign = 1 if kind_ == "sale" else -1
        rounding += sign * rounding_
        services_amount += sign * services_a
        goods_amount += sign * (total - services_a)
        for row in vat_rows:
            vat[int(row["rate"])][0] += sign * Decimal(row["taxable"])
            vat[int(row["rate"])][1] += sign * Decimal(row["tax"])
        if kind_ == "sale":
            receipts += 1
            sales += total
            goods_sold += goods_q
            services_sold += services_q
            for name, amount in (("discounts", discount), ("reductions", reduced)):
                if amount:
                    tally[name].add(amount)
        else:
            returns_count += 1
            returns += total
    means = _means(day)
    journal_counts = _journal_counts(day)
    parked = (ParkedSale.select(fn.COUNT(ParkedSale.id), fn.SUM(ParkedSale.total))
              .where((ParkedSale.day == day.id) & (ParkedSale.status == "parked")).tuples().first())
    voided_count, voided_amount = journal_counts[events.VOIDED]
    given_up, given_up_amount = journal_counts[events.PARKED_DELETED]
    unfinished = CountAmount(voided_count + given_up + (parked[0] or 0),
                             voided_amount + given_up_amount + (ParkedSale.total.python_value(parked[1]) or ZERO))
    previous = _previous_z(day.till)
    invoiced = (Sale.select(fn.COUNT(Sale.id), fn.SUM(Sale.total))
                .where((Sale.till == day.till) & (Sale.status == "invoiced") & (Sale.created_at >= day.opened_at)
                       & (Sale.created_at <= produced_at)).tuples().first())
    company = Company.get_solo()
    seller = seller_of(company)
    return DayFigures(
        kind=kind, number=number, till=day.till, company_name=seller.name, org_number=seller.org_number,
        produced_at=produced_at, day_number=day.number, day_opened_at=day.opened_at, sales=sales,
        returns=CountAmount(returns_count, returns), goods_amount=goods_amount, services_amount=services_amount,
        vat=tuple(VatFigure(rate, taxable, tax) for rate, (taxable, tax) in sorted(vat.items(), reverse=True)),
        float_amount=day.float_amount, cash_in=journal_counts[events.CASH_IN][1],
        cash_out=journal_counts[events.CASH_OUT][1], goods_sold=goods_sold, services_sold=services_sold,
        receipts=receipts,
        drawer_openings=drawer + sum(journal_counts[e][0] for e in (events.DRAWER_OPENED, events.CASH_IN,
                                                                     events.CASH_OUT)),
        copies=tally["copy"].value(), training=tally["training"].value(), means=means,
        discounts=tally["discounts"].value(), reductions=tally["reductions"].value(), unfinished=unfinished,
        proforma=tally["proforma"].value(), rounding=rounding,
        grand_total_sales=(previous.grand_total_sales if previous else ZERO) + sales,
        grand_total_returns=(previous.grand_total_returns if previous else ZERO) + returns,
        invoiced=CountAmount(invoiced[0] or 0, Sale.total.python_value(invoiced[1]) or ZERO),
        counted_cash=counted, control_unit_id=control_unit_id,
    )


class _Tally:
    def __init__(self) -> None:
        self.count, self.amount = 0, ZERO

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount

    def value(self) -> CountAmount:
        return CountAmount(self.count, self.amount)


def _means(day: RegisterDay) -> tuple[MeansFigure, ...]:
    """Payments of the day's sale and return receipts per means; copies and training left out."""
    totals: dict[str, list[Decimal]] = {method: [ZERO, ZERO] for method in METHODS}
    query = (Payment.select(Payment.method, Receipt.kind, fn.SUM(Payment.amount))
             .join(Receipt, on=(Receipt.sale == Payment.sale))
             .where((Receipt.day == day.id) & (Receipt.kind.in_(("sale", "return"))) & (Receipt.training == False))  # noqa: E712
             .group_by(Payment.method, Receipt.kind).tuples())
    for method, kind, amount in query:
        amount = Payment.amount.python_value(amount) or ZERO
        row = totals.setdefault(method, [ZERO, ZERO])
        if kind == "sale":
            row[0] += amount
        else:
            row[1] += -amount  # stored negative: money paid back
    return tuple(MeansFigure(method, sales, refunds) for method, (sales, refunds) in totals.items())


def _journal_counts(day: RegisterDay) -> dict[str, tuple[int, Decimal]]:
    wanted = (events.VOIDED, events.PARKED_DELETED, events.DRAWER_OPENED, events.CASH_IN, events.CASH_OUT)
    found = {e: (0, ZERO) for e in wanted}
    query = (JournalEntry.select(JournalEntry.event, fn.COUNT(JournalEntry.id), fn.SUM(JournalEntry.amount))
             .where((JournalEntry.day == day.id) & (JournalEntry.event.in_(wanted)))
             .group_by(JournalEntry.event).tuples())
    for event, count, amount in query:
        found[event] = (count, JournalEntry.amount.python_value(amount) or ZERO)
    return found


def x_report(day: RegisterDay, at: dt.datetime, control_unit_id: str = "") -> DayFigures:
    """The X report now; its taking is journalled (uttag av rapport)."""
    with write_transaction():
        figures = compute(day, "X", at, control_unit_id=control_unit_id)
        journal.append(day.till, events.X_REPORT, figures.to_data(), day_id=day.id, amount=figures.net_sales,
                       at=at)
    return figures


def z_report(till: str, counted: Decimal, at: dt.datetime, control_unit_id: str = "") -> tuple[ZReport, DayFigures]:
    """Close the till's open day: the Z report with its number, stored and journalled in one transaction."""
    with write_transaction():
        day = current_day(till)
        if day is None:
            raise TillError(f"Kassa {till} har ingen öppen dag att stänga.")
        number = NumberSeries.take(f"z:{till}")
        figures = compute(day, "Z", at, number=number, counted=counted, control_unit_id=control_unit_id)
        report = ZReport.create(
            till=till, number=number, day=day.id, created_at=at, figures=figures.to_data(), counted_cash=counted,
            expected_cash=figures.expected_cash, difference=figures.cash_difference,
            grand_total_sales=figures.grand_total_sales, grand_total_returns=figures.grand_total_returns,
        )
        journal.append(till, events.Z_REPORT, figures.to_data(), day_id=day.id, amount=figures.net_sales, at=at)
    return report, figures


def stored_z(till: str, number: int) -> DayFigures:
    report = ZReport.get_or_none((ZReport.till == till) & (ZReport.number == number))
    if report is None:
        raise TillError(f"Z-dagrapport {number} finns inte för kassa {till}.")
    return DayFigures.from_data(report.figures)


def z_reports(till: str) -> list[ZReport]:
    return list(ZReport.select().where(ZReport.till == till).order_by(ZReport.number))
