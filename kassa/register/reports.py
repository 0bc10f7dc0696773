"""Computing a day's figures from what is stored, and opening and closing days.

A day belongs to one till: it opens with the cash float and closes with its Z report, which
takes the next number of the till's Z series and stores the figures as printed. Grand totals
carry on from the till's previous Z report, so they are never reset.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from peewee import Case, fn

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
    groups = _receipt_sums(day)
    sale, ret = groups.get(("sale", False), _Sums()), groups.get(("return", False), _Sums())
    sales, returns = sale.total, ret.total
    rounding = sale.rounding - ret.rounding
    services_amount = sale.services_amount - ret.services_amount
    goods_amount = (sales - sale.services_amount) - (returns - ret.services_amount)
    goods_sold, services_sold = sale.goods, sale.services
    receipts, returns_count = sale.count, ret.count
    drawer = sum(g.drawer for g in groups.values())
    training = _Sums.merged(g for (_kind, trained), g in groups.items() if trained)
    copies, proforma = groups.get(("copy", False), _Sums()), groups.get(("proforma", False), _Sums())
    vat = _vat(day)
    means = _means(day)
    journal_counts = _journal_counts(day)
    parked = (ParkedSale.select(fn.COUNT(ParkedSale.id), fn.SUM(ParkedSale.total))
              .where((ParkedSale.day == day.id) & (ParkedSale.status == "parked")).tuples().first())
    voided_count, voided_amount = journal_counts[events.VOIDED]
    given_up, given_up_amount = journal_counts[events.PARKED_DELETED]
    # a receipt the control unit holds but that was never completed (kassa.register.unit_attempts)
    void = groups.get(("void", False), _Sums())
    unfinished = CountAmount(voided_count + given_up + (parked[0] or 0) + void.count,
                             voided_amount + given_up_amount + (ParkedSale.total.python_value(parked[1]) or ZERO)
                             + void.payable)
    previous = _previous_z(day.till)
    invoiced = (Sale.select(fn.COUNT(Sale.id), fn.SUM(Sale.total))
                .where((Sale.till == day.till) & (Sale.status == "invoiced") & (Sale.created_at >= day.opened_at)
                       & (Sale.created_at <= produced_at)).tuples().first())
    company = Company.get_solo()
    seller = seller_of(company)
    head = (JournalEntry.select(JournalEntry.seq, JournalEntry.hash).where(JournalEntry.till == day.till)
            .order_by(JournalEntry.seq.desc()).first())
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
        copies=CountAmount(copies.count, copies.payable), training=CountAmount(training.count, training.payable),
        means=means, discounts=CountAmount(sale.discounted, sale.discount),
        reductions=CountAmount(sale.reduced, sale.reduction), unfinished=unfinished,
        proforma=CountAmount(proforma.count, proforma.payable), rounding=rounding,
        grand_total_sales=(previous.grand_total_sales if previous else ZERO) + sales,
        grand_total_returns=(previous.grand_total_returns if previous else ZERO) + returns,
        invoiced=CountAmount(invoiced[0] or 0, Sale.total.python_value(invoiced[1]) or ZERO),
        counted_cash=counted, control_unit_id=control_unit_id,
        journal_seq=head.seq if head else None, journal_hash=head.hash if head else "",
    )


class _Sums:
    """Receipts of one kind summed by the database (amounts back as Decimals)."""

    NAMES = ("count", "total", "rounding", "payable", "goods", "services", "services_amount", "drawer",
             "discounted", "discount", "reduced", "reduction")

    def __init__(self, row: tuple[Any, ...] | None = None) -> None:
        row = row or (0,) * len(self.NAMES)
        money, quantity = Receipt.total.python_value, Receipt.goods_quantity.python_value
        (self.count, total, rounding, payable, goods, services, services_amount, self.drawer, self.discounted,
         discount, self.reduced, reduction) = (value or 0 for value in row)
        self.total, self.rounding, self.payable = money(total), money(rounding), money(payable)
        self.goods, self.services = quantity(goods), quantity(services)
        self.services_amount, self.discount, self.reduction = money(services_amount), money(discount), money(reduction)

    @classmethod
    def merged(cls, parts: Any) -> _Sums:
        out = cls()
        for part in parts:
            out.count += part.count
            out.payable += part.payable
        return out


def _receipt_sums(day: RegisterDay) -> dict[tuple[str, bool], _Sums]:
    """Each (kind, training) of the day's receipts: count and sums, in one grouped query."""
    def count_if(column: Any) -> Any:
        return fn.SUM(Case(None, [(column != 0, 1)], 0))

    query = (Receipt.select(Receipt.kind, Receipt.training, fn.COUNT(Receipt.id), fn.SUM(Receipt.total),
                            fn.SUM(Receipt.rounding), fn.SUM(Receipt.payable), fn.SUM(Receipt.goods_quantity),
                            fn.SUM(Receipt.services_quantity), fn.SUM(Receipt.services_amount),
                            fn.SUM(Case(None, [(Receipt.drawer_opened, 1)], 0)),
                            count_if(Receipt.discount_total), fn.SUM(Receipt.discount_total),
                            count_if(Receipt.reduction_total), fn.SUM(Receipt.reduction_total))
             .where(Receipt.day == day.id).group_by(Receipt.kind, Receipt.training).tuples())
    rows = cast(Iterable[tuple[Any, ...]], query)
    return {(kind, bool(training)): _Sums(tuple(rest)) for kind, training, *rest in rows}


def _vat(day: RegisterDay) -> dict[int, tuple[Decimal, Decimal]]:
    """VAT per rate of the day's sale receipts less its return receipts (each receipt keeps its breakdown
    as JSON, read here without the ORM: this is the report's one per-receipt loop)."""
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    query = (Receipt.select(Receipt.kind, Receipt.vat)
             .where((Receipt.day == day.id) & (Receipt.training == False)  # noqa: E712
                    & Receipt.kind.in_(("sale", "return"))))
    cursor = Receipt._meta.database.execute(query)
    for kind, text in cursor.fetchall():
        sign = 1 if kind == "sale" else -1
        for row in json.loads(text):
            pair = sums[int(row["rate"])]
            pair[0] += sign * Decimal(row["taxable"])
            pair[1] += sign * Decimal(row["tax"])
    return {rate: (taxable, tax) for rate, (taxable, tax) in sums.items()}


def _means(day: RegisterDay) -> tuple[MeansFigure, ...]:
    """Payments of the day's sale and return receipts per means; copies and training left out."""
    totals: dict[str, list[Decimal]] = {method: [ZERO, ZERO] for method in METHODS}
    query = (Payment.select(Payment.method, Receipt.kind, fn.SUM(Payment.amount))
             .join(Receipt, on=(Receipt.sale == Payment.sale))
             .where((Receipt.day == day.id) & (Receipt.kind.in_(("sale", "return"))) & (Receipt.training == False))  # noqa: E712
             .group_by(Payment.method, Receipt.kind).tuples())
    for method, kind, raw in cast(Iterable[tuple[str, str, Any]], query):
        amount = Payment.amount.python_value(raw) or ZERO
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
    for event, count, amount in cast(Iterable[tuple[str, int, Any]], query):
        found[event] = (count, JournalEntry.amount.python_value(amount) or ZERO)
    return found


def x_report(day: RegisterDay, at: dt.datetime, control_unit_id: str = "") -> DayFigures:
    """The X report now; its taking is journalled (uttag av rapport)."""
    figures = compute(day, "X", at, control_unit_id=control_unit_id)  # read outside the write lock
    with write_transaction():
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
