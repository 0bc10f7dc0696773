"""The journal as XML in the form of SKVFS 2021:16, streamed: constant memory for any period.

Rows are read a batch at a time in time order (keyset pagination on (at, id)) and each becomes
one `Handelse` (a parking, one per article), written at once through lxml's incremental writer.
Names are in kassa.register.export_names (which also says which are the regulation's).
Times are local, `YYYY-MM-DDThh:mm:ss`; amounts `xs:decimal` with two decimals, negative on
returns; texts at most 72 characters.
"""
from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from kassa.models import Company, JournalEntry, Receipt, ZReport
from kassa.register import clock, events
from kassa.register import export_names as n
from kassa.register.document import ReceiptDocument
from kassa.register.figures import DayFigures
from kassa.register.identity import register_identity
from kassa.register.receipts import seller_of

BATCH = 2000
NSMAP = {"utreko": n.KOMPONENT}
UNITS = {"KGM", "GRM", "HGM", "MTR", "CMT", "MMT", "LTR", "CLT", "MLT", "HUR", "MIN", "DAY", "SEC", "MTK", "MTQ"}


def _q(name: str) -> str:
    return f"{{{n.KOMPONENT}}}{name}"


def _el(parent: etree._Element, name: str, value: Any = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if value is not None:
        child.text = value
    return child


def text(value: Any) -> str:
    return str(value if value is not None else "")[:n.TEXT_MAX]


def amount(value: Decimal | str, sign: int = 1) -> str:
    return f"{sign * Decimal(str(value)):.2f}"


def number(value: Decimal | str | int) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def when(moment: dt.datetime | str | None) -> str:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return clock.local(moment or dt.datetime.min).strftime("%Y-%m-%dT%H:%M:%S")


# --- articles ---------------------------------------------------------------------------------------

def _article(parent: etree._Element, line: dict[str, Any], sign: int = 1, *, sold: bool = False) -> None:
    _el(parent, n.ARTICLE_TYPE, n.SERVICE if line["service"] else n.GOODS)
    if line.get("number"):
        _el(parent, n.ARTICLE_NUMBER, text(line["number"]))
    _el(parent, n.ARTICLE_NAME, text(line["name"] or line.get("number") or "-"))
    _el(parent, n.SOLD_QUANTITY if sold else n.REG_QUANTITY, number(sign * Decimal(str(line["quantity"]))))
    if line.get("unit") in UNITS:
        _el(parent, n.UNIT, line["unit"])
    _el(parent, n.UNIT_PRICE, amount(line["unit_price"]))
    _el(parent, n.SOLD_PRICE if sold else n.REG_PRICE, amount(line["amount"], sign))
    if Decimal(str(line["discount"])):
        discounts = _el(parent, n.SOLD_DISCOUNTS if sold else n.REG_DISCOUNTS)
        _el(_el(discounts, n.SOLD_DISCOUNT if sold else n.REG_DISCOUNT), n.DISCOUNT_AMOUNT,
            amount(line["discount"], sign))
    _el(parent, n.SOLD_VAT_RATE if sold else n.REG_VAT_RATE, number(line["vat_rate"]))
    _el(parent, n.SOLD_VAT if sold else n.REG_VAT, amount(line["vat"], sign))


def _registered(event: etree._Element, name: str, line: dict[str, Any], *, parking: Any = None,
                original: bool = False) -> None:
    element = _el(event, name)
    _article(element, line)
    if original:
        _el(element, n.ORIGINAL_TIME, when(line.get("registered_at")))
    if parking is not None:
        _el(element, n.PARKING_ID, text(parking))


# --- receipts ---------------------------------------------------------------------------------------

def _receipt(event: etree._Element, data: dict[str, Any], z_number: int | None) -> None:
    doc = ReceiptDocument.from_data(data)
    sign = -1 if doc.is_return else 1
    if doc.kind == "copy":
        name = n.COPY_RECEIPT
    elif doc.kind == "proforma":
        name = n.PROFORMA_RECEIPT
    elif doc.training:
        name = n.TRAINING_RECEIPT
    else:
        name = n.RETURN_RECEIPT if doc.is_return else n.SALE_RECEIPT
    receipt = _el(event, name)
    _el(receipt, n.COMPANY_NAME, text(doc.seller.name))
    _el(receipt, n.ORG_NUMBER, text(doc.seller.org_number.replace("-", "")))
    _el(receipt, n.SALES_ADDRESS, text(doc.seller.address or "-"))
    if name == n.COPY_RECEIPT:
        _el(receipt, n.RECEIPT_TIME, when(doc.created_at))
        _el(receipt, n.ORIGINAL_RECEIPT_TIME, when(doc.original_created_at))
        _el(receipt, n.COPY_SERIAL, str(doc.serial))
        _el(receipt, n.ORIGINAL_SERIAL, str(doc.original_serial))
    elif name == n.RETURN_RECEIPT:
        _el(receipt, n.RETURN_TIME, when(doc.created_at))
        _el(receipt, n.RECEIPT_SERIAL, str(doc.serial))
    else:
        _el(receipt, n.RECEIPT_TIME, when(doc.created_at))
        serial_name = {n.TRAINING_RECEIPT: n.TRAINING_SERIAL, n.PROFORMA_RECEIPT: n.PROFORMA_SERIAL}
        _el(receipt, serial_name.get(name, n.RECEIPT_SERIAL), str(doc.serial))
    _el(receipt, n.TILL, text(doc.till))
    sold = _el(receipt, n.SOLD)
    for line in data["lines"]:
        _article(_el(sold, n.SOLD_ARTICLE), line, sign, sold=True)
        _el(sold[-1], n.ARTICLE_TIME, when(line.get("registered_at") or data["created_at"]))
    _el(receipt, n.RECEIPT_TOTAL, amount(doc.payable, sign))
    _el(receipt, n.RECEIPT_VAT, amount(doc.vat_total, sign))
    if name != n.PROFORMA_RECEIPT:
        payments = _el(receipt, n.PAYMENTS)
        for payment in doc.payments:
            row = _el(payments, n.PAYMENT)
            _el(row, n.MEANS, n.MEANS_VALUES.get(payment.method, text(payment.method).upper()))
            _el(row, n.MEANS_AMOUNT, amount(payment.amount, sign))
    rates = _el(receipt, n.VAT_RATES)
    for vat in doc.vat or ():
        row = _el(rates, n.VAT_RATE)
        _el(row, n.RATE, number(vat.rate))
        _el(row, n.RATE_VAT, amount(vat.tax, sign))
    if not len(rates):
        row = _el(rates, n.VAT_RATE)
        _el(row, n.RATE, "0")
        _el(row, n.RATE_VAT, "0.00")
    if name == n.COPY_RECEIPT and doc.control_code:
        _el(receipt, n.COPY_CODE, text(doc.control_code))
    _el(receipt, n.Z_ON_RECEIPT, str(z_number or 0))
    if doc.control_unit_id:
        _el(receipt, n.UNIT_SERIAL, text(doc.control_unit_id))
    if name == n.COPY_RECEIPT and doc.original_control_code:
        _el(receipt, n.COPIED_CODE, text(doc.original_control_code))
    elif name in (n.SALE_RECEIPT, n.RETURN_RECEIPT) and doc.control_code:
        _el(receipt, n.CONTROL_CODE, text(doc.control_code))


def _report(event: etree._Element, data: dict[str, Any]) -> None:
    figures = DayFigures.from_data(data)
    z = figures.kind == "Z"
    report = _el(event, n.Z_REPORT if z else n.X_REPORT)
    _el(report, n.COMPANY_NAME, text(figures.company_name))
    _el(report, n.ORG_NUMBER, text(figures.org_number.replace("-", "")))
    _el(report, n.REPORT_TIME, when(figures.produced_at))
    if z:
        _el(report, n.Z_SERIAL, str(figures.number))
    _el(report, n.TILL, text(figures.till))
    if z:
        identity = register_identity(figures.till)
        _el(report, n.REGISTER_SERIAL, text(identity.manufacturing_number))
        _el(report, n.REGISTER_MODEL, text(identity.model))
        _el(report, n.REGISTER_PROGRAM, text(identity.program))
        _el(report, n.REGISTER_VERSION, text(identity.version))
    _el(report, n.TOTAL_SALES, amount(figures.net_sales))
    rates = _el(report, n.VAT_RATES)
    for vat in figures.vat or ():
        row = _el(rates, n.VAT_RATE)
        _el(row, n.RATE, number(vat.rate))
        _el(row, n.RATE_VAT, amount(vat.tax))
    if not len(rates):
        row = _el(rates, n.VAT_RATE)
        _el(row, n.RATE, "0")
        _el(row, n.RATE_VAT, "0.00")
    _el(report, n.FLOAT, amount(figures.float_amount))
    _el(report, n.RECEIPT_COUNT, str(figures.receipts))
    _el(report, n.DRAWER_COUNT, str(figures.drawer_openings))
    _el(report, n.COPY_COUNT, str(figures.copies.count))
    _el(report, n.COPY_AMOUNT, amount(figures.copies.amount))
    _el(report, n.TRAINING_COUNT, str(figures.training.count))
    payments = _el(report, n.PAYMENTS)
    for means in figures.means:
        row = _el(payments, n.PAYMENT)
        _el(row, n.MEANS, n.MEANS_VALUES.get(means.method, text(means.method).upper()))
        _el(row, n.MEANS_AMOUNT, amount(means.net))
    _el(report, n.RETURN_COUNT, str(figures.returns.count))
    _el(report, n.RETURN_AMOUNT, amount(figures.returns.amount))
    _el(report, n.DISCOUNT_TOTAL, amount(figures.discounts.amount))
    _el(report, n.OTHER_COUNT, str(figures.reductions.count))
    _el(report, n.OTHER_AMOUNT, amount(figures.reductions.amount))
    _el(report, n.UNFINISHED_COUNT, str(figures.unfinished.count))
    _el(report, n.UNFINISHED_AMOUNT, amount(figures.unfinished.amount))
    _el(report, n.GT_SALES, amount(figures.grand_total_sales))
    _el(report, n.GT_RETURNS, amount(figures.grand_total_returns))
    _el(report, n.GT_NET, amount(figures.grand_total_net))
    _el(report, n.GOODS_SOLD, number(figures.goods_sold))
    _el(report, n.SERVICES_SOLD, number(figures.services_sold))
    _el(report, n.TRAINING_AMOUNT, amount(figures.training.amount))
    groups = _el(report, n.GROUPS)
    for group, value in ((n.GOODS, figures.goods_amount), (n.SERVICE, figures.services_amount)):
        row = _el(groups, n.GROUP)
        _el(row, n.GROUP_NAME, group)
        _el(row, n.GROUP_AMOUNT, amount(value))


# --- one journal row --------------------------------------------------------------------------------

def _event(till: str, at: dt.datetime) -> etree._Element:
    element = etree.Element(_q(n.EVENT), nsmap=NSMAP)
    _el(element, n.TILL, text(till))
    _el(element, n.REGISTERED_AT, when(at))
    return element


def handelser(row: tuple[Any, ...], z_numbers: dict[int, int]) -> Iterator[etree._Element]:
    """The Handelse elements of one journal row (id, at, till, event, day_id, data)."""
    _id, at, till, event, day_id, data = row
    if event in (events.PARKED, events.PARKED_DELETED):
        for line in data["lines"]:
            element = _event(till, at)
            _registered(element, n.PARK_ARTICLE if event == events.PARKED else n.DELETE_PARKED, line,
                        parking=data["parking"])
            yield element
        return
    element = _event(till, at)
    if event == events.RECEIPT:
        _receipt(element, data, z_numbers.get(day_id))
    elif event in (events.X_REPORT, events.Z_REPORT):
        _report(element, data)
    elif event == events.LINE_ADDED:
        _registered(element, n.REGISTER_ARTICLE, data["line"])
    elif event == events.LINE_CHANGED:
        _registered(element, n.CHANGE_ARTICLE, data["line"], original=True)
    elif event == events.LINE_REMOVED:
        _registered(element, n.DELETE_ARTICLE, data["line"], original=True)
    elif event == events.RESUMED:
        _el(_el(element, n.OPEN_PARKING), n.PARKING_ID, text(data["parking"]))
    elif event == events.DRAWER_OPENED:
        _el(element, n.ZERO_SALE_DRAWER, n.YES)
    elif event == events.VOIDED:
        clear = _el(element, n.USE_CLEAR)
        _el(clear, n.CLEARED_COUNT, str(len(data["lines"])))
        _el(clear, n.CLEARED_AMOUNT, amount(data["total"]))
    elif event == events.PRICE_LOOKUP:
        query = _el(element, n.PRICE_QUERY)
        _el(query, n.ARTICLE_NUMBER, text(data["number"]))
        _el(query, n.ARTICLE_NAME, text(data["name"]))
        _el(query, n.UNIT_PRICE, amount(data["price"]))
    elif event == events.DAY_OPENED:
        _el(_el(element, n.DAY_FLOAT), n.FLOAT, amount(data["float"]))
    elif event in (events.CASH_IN, events.CASH_OUT):
        change = _el(element, n.FLOAT_CHANGE)
        _el(change, n.CASH_IN if event == events.CASH_IN else n.CASH_OUT, amount(data["amount"]))
        _el(change, n.REASON, text(data["reason"]))
    elif event == events.TRAINING:
        _el(element, n.TRAINING_MODE, n.ON if data["on"] else n.OFF)
    elif event == events.PRICE_CHANGED:
        change = _el(element, n.PRICE_CHANGE)
        _el(change, n.ARTICLE_NUMBER, text(data["number"]))
        _el(change, n.ARTICLE_NAME, text(data["name"]))
        if data.get("old_price") is not None:
            _el(change, n.OLD_UNIT_PRICE, amount(data["old_price"]))
        _el(change, n.UNIT_PRICE, amount(data["price"]))
        _el(change, n.REG_VAT_RATE, number(data["vat_rate"]))
    elif event == events.SETTING_CHANGED:
        change = _el(element, n.SETTING_CHANGE)
        _el(change, n.SETTING, text(data["setting"]))
        if data.get("old") is not None:
            _el(change, n.OLD_VALUE, text(data["old"]))
        _el(change, n.NEW_VALUE, text(data.get("new")))
    elif event == events.CONTROL_UNIT_FAILED:
        _el(_el(element, n.UNIT_FAILED), n.MESSAGE, text(data.get("message")))
    else:  # a kind this version does not know: named as it is journalled, never dropped
        _el(_el(element, n.SETTING_CHANGE), n.SETTING, text(event))
    yield element


def journal_rows(start: dt.datetime, end: dt.datetime, tills: list[str]) -> Iterator[tuple[Any, ...]]:
    """(id, at, till, event, day_id, data) in time order, [start, end) UTC, a batch at a time."""
    fields = (JournalEntry.id, JournalEntry.at, JournalEntry.till, JournalEntry.event, JournalEntry.day,
              JournalEntry.data)
    base = (JournalEntry.at >= start) & (JournalEntry.at < end) & JournalEntry.till.in_(tills)
    last: tuple[dt.datetime, int] | None = None
    while True:
        where = base
        if last is not None:
            where &= (JournalEntry.at > last[0]) | ((JournalEntry.at == last[0]) & (JournalEntry.id > last[1]))
        batch = list(JournalEntry.select(*fields).where(where).order_by(JournalEntry.at, JournalEntry.id)
                     .limit(BATCH).tuples())
        if not batch:
            return
        yield from batch  # type: ignore[misc]  # .tuples() rows
        last = (batch[-1][1], batch[-1][0])


def tills_in(start: dt.datetime, end: dt.datetime) -> list[str]:
    return sorted(t for (t,) in JournalEntry.select(JournalEntry.till).distinct()
                  .where((JournalEntry.at >= start) & (JournalEntry.at < end)).tuples())


def export_journal(path: str | Path, first: dt.date, last: dt.date, *, tills: list[str] | None = None,
                   from_till: str = "", user: str | None = None) -> int:
    """Write the journal of [first, last] (local dates, inclusive) to `path`; the number of Handelse."""
    start, end = clock.local_range_utc(first, last)
    chosen = tills or tills_in(start, end)
    company = Company.get_solo()
    seller = seller_of(company)
    z_numbers = {day: number for day, number in ZReport.select(ZReport.day, ZReport.number).tuples()}
    count = 0
    user = getpass.getuser() if user is None else user
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{n.INSTANS}}}{n.ROOT}", nsmap=n.PREFIXES):
            header = etree.Element("header", nsmap=NSMAP)
            if user:
                _el(header, n.EXPORT_USER, text(user))
            _el(header, n.EXPORT_FROM_TILL, text(from_till or (chosen[0] if chosen else "-")))
            _el(header, n.EXPORT_TIME, when(clock.utcnow()))
            period = _el(header, n.PERIOD)
            _el(period, n.PERIOD_START, when(start))
            _el(period, n.PERIOD_END, when(end - dt.timedelta(seconds=1)))
            listed = _el(header, n.CHOSEN_TILLS)
            for till in chosen or ["-"]:
                _el(listed, n.CHOSEN_TILL, text(till))
            info = _el(header, n.COMPANY)
            _el(info, n.ORG_NUMBER, text(seller.org_number.replace("-", "")))
            _el(info, n.COMPANY_NAME, text(seller.name))
            _el(info, n.SALES_ADDRESS, text(seller.address or "-"))
            systems = _el(header, n.SYSTEMS)
            for till in chosen or ["-"]:
                identity = register_identity(till)
                system = _el(systems, n.SYSTEM)
                _el(system, n.REGISTER_SERIAL, text(identity.manufacturing_number))
                _el(system, n.REGISTER_MODEL, text(identity.model))
                _el(system, n.REGISTER_PROGRAM, text(identity.program))
                _el(system, n.REGISTER_VERSION, text(identity.version))
                _el(system, n.TILL, text(till))
                unit = (Receipt.select(Receipt.control_unit_id).where((Receipt.till == till)
                                                                      & (Receipt.control_unit_id != ""))
                        .order_by(Receipt.id.desc()).scalar())
                if unit:
                    _el(system, n.UNIT_SERIAL, text(unit))
            for child in header:
                xf.write(child)
            with xf.element(_q(n.REGISTRATIONS)):
                for row in journal_rows(start, end, chosen):
                    for element in handelser(row, z_numbers):
                        xf.write(element)
                        count += 1
                    if count % 10000 == 0:
                        xf.flush()
    return count
