"""The journal as XML in the form of SKVFS 2021:16, streamed: constant memory for any period.

Rows are read a batch at a time in time order (keyset pagination on (at, id)) and each becomes
one `Handelse` (a parking, one per article), written to the file at once. Names are in
kassa.register.export_names (which also says which are the regulation's). Times are local,
`YYYY-MM-DDThh:mm:ss`; amounts `xs:decimal` with two decimals, negative on returns; texts at
most 72 characters.

The registrations are written as text by `_Out` below rather than built as lxml trees: lxml
builds and serialises a tree at about 9 µs per element, some 15 times slower than joining the
escaped strings, which for a million rows is minutes against seconds. The opening elements
are still built and serialised by lxml, and the tests validate whole exports with lxml
against the schema.
"""
from __future__ import annotations

import datetime as dt
import getpass
import heapq
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from kassa.models import Company, JournalEntry, Receipt, ZReport
from kassa.register import clock, events
from kassa.register import export_names as n
from kassa.register.figures import DayFigures
from kassa.register.identity import register_identity
from kassa.register.receipts import seller_of

BATCH = 2000
PREFIX = "utreko"
UNITS = {"KGM", "GRM", "HGM", "MTR", "CMT", "MMT", "LTR", "CLT", "MLT", "HUR", "MIN", "DAY", "SEC", "MTK", "MTQ"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(value: str) -> str:
    return _NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Out:
    """One Handelse as text: elements opened, leaves written, closed, in document order."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def open(self, name: str) -> None:
        self.parts.append(f"<{PREFIX}:{name}>")

    def close(self, name: str) -> None:
        self.parts.append(f"</{PREFIX}:{name}>")

    def leaf(self, name: str, value: str) -> None:
        self.parts.append(f"<{PREFIX}:{name}>{_escape(value)}</{PREFIX}:{name}>")

    def text(self) -> str:
        return "".join(self.parts)


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

def _article(out: _Out, line: dict[str, Any], sign: int = 1, *, sold: bool = False) -> None:
    out.leaf(n.ARTICLE_TYPE, n.SERVICE if line["service"] else n.GOODS)
    if line.get("number"):
        out.leaf(n.ARTICLE_NUMBER, text(line["number"]))
    out.leaf(n.ARTICLE_NAME, text(line["name"] or line.get("number") or "-"))
    out.leaf(n.SOLD_QUANTITY if sold else n.REG_QUANTITY, number(sign * Decimal(str(line["quantity"]))))
    if line.get("unit") in UNITS:
        out.leaf(n.UNIT, line["unit"])
    out.leaf(n.UNIT_PRICE, amount(line["unit_price"]))
    out.leaf(n.SOLD_PRICE if sold else n.REG_PRICE, amount(line["amount"], sign))
    if Decimal(str(line["discount"])):
        listing, one = (n.SOLD_DISCOUNTS, n.SOLD_DISCOUNT) if sold else (n.REG_DISCOUNTS, n.REG_DISCOUNT)
        out.open(listing)
        out.open(one)
        out.leaf(n.DISCOUNT_AMOUNT, amount(line["discount"], sign))
        out.close(one)
        out.close(listing)
    out.leaf(n.SOLD_VAT_RATE if sold else n.REG_VAT_RATE, number(line["vat_rate"]))
    out.leaf(n.SOLD_VAT if sold else n.REG_VAT, amount(line["vat"], sign))


def _registered(out: _Out, name: str, line: dict[str, Any], *, parking: Any = None, original: bool = False) -> None:
    out.open(name)
    _article(out, line)
    if original:
        out.leaf(n.ORIGINAL_TIME, when(line.get("registered_at")))
    if parking is not None:
        out.leaf(n.PARKING_ID, text(parking))
    out.close(name)


def _rates(out: _Out, rates: list[tuple[Any, Any]], sign: int = 1) -> None:
    out.open(n.VAT_RATES)
    for rate, tax in rates or [(0, "0.00")]:  # the list holds at least one rate
        out.open(n.VAT_RATE)
        out.leaf(n.RATE, number(rate))
        out.leaf(n.RATE_VAT, amount(tax, sign))
        out.close(n.VAT_RATE)
    out.close(n.VAT_RATES)


def _means(out: _Out, rows: list[tuple[str, Any]], sign: int = 1) -> None:
    out.open(n.PAYMENTS)
    for method, value in rows:
        out.open(n.PAYMENT)
        out.leaf(n.MEANS, n.MEANS_VALUES.get(method, text(method).upper()))
        out.leaf(n.MEANS_AMOUNT, amount(value, sign))
        out.close(n.PAYMENT)
    out.close(n.PAYMENTS)


# --- receipts ---------------------------------------------------------------------------------------

def _receipt(out: _Out, data: dict[str, Any], z_number: int | None) -> None:
    kind = data["kind"]
    direction = (data.get("extra") or {}).get("void_of") if kind == "void" else kind
    is_return = (data.get("original_kind") if direction == "copy" else direction) == "return"
    sign = -1 if is_return else 1
    if kind == "copy":
        name = n.COPY_RECEIPT
    elif kind == "void":
        name = n.VOID_RECEIPT
    elif kind == "proforma":
        name = n.PROFORMA_RECEIPT
    elif data["training"]:
        name = n.TRAINING_RECEIPT
    else:
        name = n.RETURN_RECEIPT if is_return else n.SALE_RECEIPT
    seller = data["seller"]
    address = ", ".join(p for p in (seller.get("street"), " ".join(
        q for q in (seller.get("postal_code"), seller.get("city")) if q)) if p)
    out.open(name)
    out.leaf(n.COMPANY_NAME, text(seller["name"]))
    out.leaf(n.ORG_NUMBER, text(seller["org_number"].replace("-", "")))
    out.leaf(n.SALES_ADDRESS, text(address or "-"))
    if name == n.COPY_RECEIPT:
        out.leaf(n.RECEIPT_TIME, when(data["created_at"]))
        out.leaf(n.ORIGINAL_RECEIPT_TIME, when(data.get("original_created_at")))
        out.leaf(n.COPY_SERIAL, str(data["serial"]))
        out.leaf(n.ORIGINAL_SERIAL, str(data["original_serial"]))
    elif name == n.RETURN_RECEIPT:
        out.leaf(n.RETURN_TIME, when(data["created_at"]))
        out.leaf(n.RECEIPT_SERIAL, str(data["serial"]))
    else:
        out.leaf(n.RECEIPT_TIME, when(data["created_at"]))
        serial_name = {n.TRAINING_RECEIPT: n.TRAINING_SERIAL, n.PROFORMA_RECEIPT: n.PROFORMA_SERIAL,
                       n.VOID_RECEIPT: n.VOID_SERIAL}
        out.leaf(serial_name.get(name, n.RECEIPT_SERIAL), str(data["serial"]))
    out.leaf(n.TILL, text(data["till"]))
    out.open(n.SOLD)
    for line in data["lines"]:
        out.open(n.SOLD_ARTICLE)
        _article(out, line, sign, sold=True)
        out.leaf(n.ARTICLE_TIME, when(line.get("registered_at") or data["created_at"]))
        out.close(n.SOLD_ARTICLE)
    out.close(n.SOLD)
    out.leaf(n.RECEIPT_TOTAL, amount(data["payable"], sign))
    out.leaf(n.RECEIPT_VAT, amount(data["vat_total"], sign))
    if name not in (n.PROFORMA_RECEIPT, n.VOID_RECEIPT):
        _means(out, [(p["method"], p["amount"]) for p in data["payments"]], sign)
    _rates(out, [(v["rate"], v["tax"]) for v in data["vat"]], sign)
    if name == n.COPY_RECEIPT and data["control_code"]:
        out.leaf(n.COPY_CODE, text(data["control_code"]))
    out.leaf(n.Z_ON_RECEIPT, str(z_number or 0))
    if data["control_unit_id"]:
        out.leaf(n.UNIT_SERIAL, text(data["control_unit_id"]))
    if name == n.COPY_RECEIPT and data.get("original_control_code"):
        out.leaf(n.COPIED_CODE, text(data["original_control_code"]))
    elif name in (n.SALE_RECEIPT, n.RETURN_RECEIPT, n.VOID_RECEIPT) and data["control_code"]:
        out.leaf(n.CONTROL_CODE, text(data["control_code"]))
    if name == n.VOID_RECEIPT:
        out.leaf(n.REASON, text((data.get("extra") or {}).get("reason") or "-"))
    out.close(name)


def _report(out: _Out, data: dict[str, Any]) -> None:
    figures = DayFigures.from_data(data)
    z = figures.kind == "Z"
    name = n.Z_REPORT if z else n.X_REPORT
    out.open(name)
    out.leaf(n.COMPANY_NAME, text(figures.company_name))
    out.leaf(n.ORG_NUMBER, text(figures.org_number.replace("-", "")))
    out.leaf(n.REPORT_TIME, when(figures.produced_at))
    if z:
        out.leaf(n.Z_SERIAL, str(figures.number))
    out.leaf(n.TILL, text(figures.till))
    if z:
        identity = register_identity(figures.till)
        out.leaf(n.REGISTER_SERIAL, text(identity.manufacturing_number))
        out.leaf(n.REGISTER_MODEL, text(identity.model))
        out.leaf(n.REGISTER_PROGRAM, text(identity.program))
        out.leaf(n.REGISTER_VERSION, text(identity.version))
    out.leaf(n.TOTAL_SALES, amount(figures.net_sales))
    _rates(out, [(v.rate, v.tax) for v in figures.vat])
    out.leaf(n.FLOAT, amount(figures.float_amount))
    out.leaf(n.RECEIPT_COUNT, str(figures.receipts))
    out.leaf(n.DRAWER_COUNT, str(figures.drawer_openings))
    out.leaf(n.COPY_COUNT, str(figures.copies.count))
    out.leaf(n.COPY_AMOUNT, amount(figures.copies.amount))
    out.leaf(n.TRAINING_COUNT, str(figures.training.count))
    _means(out, [(m.method, m.net) for m in figures.means])
    out.leaf(n.RETURN_COUNT, str(figures.returns.count))
    out.leaf(n.RETURN_AMOUNT, amount(figures.returns.amount))
    out.leaf(n.DISCOUNT_TOTAL, amount(figures.discounts.amount))
    out.leaf(n.OTHER_COUNT, str(figures.reductions.count))
    out.leaf(n.OTHER_AMOUNT, amount(figures.reductions.amount))
    out.leaf(n.UNFINISHED_COUNT, str(figures.unfinished.count))
    out.leaf(n.UNFINISHED_AMOUNT, amount(figures.unfinished.amount))
    out.leaf(n.GT_SALES, amount(figures.grand_total_sales))
    out.leaf(n.GT_RETURNS, amount(figures.grand_total_returns))
    out.leaf(n.GT_NET, amount(figures.grand_total_net))
    out.leaf(n.GOODS_SOLD, number(figures.goods_sold))
    out.leaf(n.SERVICES_SOLD, number(figures.services_sold))
    out.leaf(n.TRAINING_AMOUNT, amount(figures.training.amount))
    out.open(n.GROUPS)
    for group, value in ((n.GOODS, figures.goods_amount), (n.SERVICE, figures.services_amount)):
        out.open(n.GROUP)
        out.leaf(n.GROUP_NAME, group)
        out.leaf(n.GROUP_AMOUNT, amount(value))
        out.close(n.GROUP)
    out.close(n.GROUPS)
    out.close(name)


# --- one journal row --------------------------------------------------------------------------------

def _open_event(out: _Out, till: str, at: dt.datetime) -> None:
    out.open(n.EVENT)
    out.leaf(n.TILL, text(till))
    out.leaf(n.REGISTERED_AT, when(at))


def handelser(row: tuple[Any, ...], z_numbers: dict[int, int]) -> Iterator[str]:
    """The Handelse elements (as XML text) of one journal row (id, at, till, event, day_id, data)."""
    _id, at, till, event, day_id, data = row
    out = _Out()
    if event in (events.PARKED, events.PARKED_DELETED):
        for line in data["lines"]:
            out = _Out()
            _open_event(out, till, at)
            _registered(out, n.PARK_ARTICLE if event == events.PARKED else n.DELETE_PARKED, line,
                        parking=data["parking"])
            out.close(n.EVENT)
            yield out.text()
        return
    _open_event(out, till, at)
    if event == events.RECEIPT:
        _receipt(out, data, z_numbers.get(day_id))
    elif event in (events.X_REPORT, events.Z_REPORT):
        _report(out, data)
    elif event == events.LINE_ADDED:
        _registered(out, n.REGISTER_ARTICLE, data["line"])
    elif event == events.LINE_CHANGED:
        _registered(out, n.CHANGE_ARTICLE, data["line"], original=True)
    elif event == events.LINE_REMOVED:
        _registered(out, n.DELETE_ARTICLE, data["line"], original=True)
    elif event == events.RESUMED:
        out.open(n.OPEN_PARKING)
        out.leaf(n.PARKING_ID, text(data["parking"]))
        out.close(n.OPEN_PARKING)
    elif event == events.DRAWER_OPENED:
        out.leaf(n.ZERO_SALE_DRAWER, n.YES)
    elif event == events.VOIDED:
        out.open(n.USE_CLEAR)
        out.leaf(n.CLEARED_COUNT, str(len(data["lines"])))
        out.leaf(n.CLEARED_AMOUNT, amount(data["total"]))
        out.close(n.USE_CLEAR)
    elif event == events.PRICE_LOOKUP:
        out.open(n.PRICE_QUERY)
        out.leaf(n.ARTICLE_NUMBER, text(data["number"]))
        out.leaf(n.ARTICLE_NAME, text(data["name"]))
        out.leaf(n.UNIT_PRICE, amount(data["price"]))
        out.close(n.PRICE_QUERY)
    elif event == events.DAY_OPENED:
        out.open(n.DAY_FLOAT)
        out.leaf(n.FLOAT, amount(data["float"]))
        out.close(n.DAY_FLOAT)
    elif event in (events.CASH_IN, events.CASH_OUT):
        out.open(n.FLOAT_CHANGE)
        out.leaf(n.CASH_IN if event == events.CASH_IN else n.CASH_OUT, amount(data["amount"]))
        out.leaf(n.REASON, text(data["reason"]))
        out.close(n.FLOAT_CHANGE)
    elif event == events.TRAINING:
        out.leaf(n.TRAINING_MODE, n.ON if data["on"] else n.OFF)
    elif event == events.PRICE_CHANGED:
        out.open(n.PRICE_CHANGE)
        out.leaf(n.ARTICLE_NUMBER, text(data["number"]))
        out.leaf(n.ARTICLE_NAME, text(data["name"]))
        if data.get("old_price") is not None:
            out.leaf(n.OLD_UNIT_PRICE, amount(data["old_price"]))
        out.leaf(n.UNIT_PRICE, amount(data["price"]))
        out.leaf(n.REG_VAT_RATE, number(data.get("vat_rate") or 0))
        out.close(n.PRICE_CHANGE)
    elif event == events.CONTROL_UNIT_FAILED:
        out.open(n.UNIT_FAILED)
        out.leaf(n.MESSAGE, text(data.get("message")))
        out.close(n.UNIT_FAILED)
    else:  # a setting, or a kind this version does not know: named as journalled, never dropped
        known = event == events.SETTING_CHANGED
        out.open(n.SETTING_CHANGE)
        out.leaf(n.SETTING, text(data.get("setting") if known else event) or "-")
        if known and data.get("old") is not None:
            out.leaf(n.OLD_VALUE, text(data["old"]))
        out.leaf(n.NEW_VALUE, text(data.get("new")) if known else "")
        out.close(n.SETTING_CHANGE)
    out.close(n.EVENT)
    yield out.text()


def _till_rows(till: str, start: dt.datetime, end: dt.datetime) -> Iterator[tuple[Any, ...]]:
    """One till's rows (id, at, till, event, day_id, data) in time order, a batch at a time
    (keyset pagination on the (till, at) index, the id breaking ties)."""
    fields = (JournalEntry.id, JournalEntry.at, JournalEntry.till, JournalEntry.event, JournalEntry.day,
              JournalEntry.data)
    base = (JournalEntry.till == till) & (JournalEntry.at < end)
    last: tuple[dt.datetime, int] | None = None
    while True:
        if last is None:
            where = base & (JournalEntry.at >= start)
        else:  # a range on the index, then the tie on equal times by id
            where = base & (JournalEntry.at >= last[0]) & ((JournalEntry.at > last[0]) | (JournalEntry.id > last[1]))
        query = JournalEntry.select(*fields).where(where).order_by(JournalEntry.at, JournalEntry.id).limit(BATCH)
        batch = list(cast(Iterable[tuple[Any, ...]], query.tuples()))
        if not batch:
            return
        yield from batch
        last = (batch[-1][1], batch[-1][0])


def journal_rows(start: dt.datetime, end: dt.datetime, tills: list[str]) -> Iterator[tuple[Any, ...]]:
    """The chosen tills' rows in [start, end) UTC, in time order: each till's stream merged (one batch
    per till in memory)."""
    return heapq.merge(*(_till_rows(till, start, end) for till in tills), key=lambda row: (row[1], row[0]))


def tills_in(start: dt.datetime, end: dt.datetime) -> list[str]:
    query = (JournalEntry.select(JournalEntry.till).distinct()
             .where((JournalEntry.at >= start) & (JournalEntry.at < end)).tuples())
    return sorted(t for (t,) in cast(Iterable[tuple[str]], query))


def _header(chosen: list[str], from_till: str, user: str, start: dt.datetime, end: dt.datetime) -> bytes:
    """The opening elements (4 kap.), built with lxml and serialised without the root."""
    seller = seller_of(Company.get_solo())
    root = etree.Element(f"{{{n.INSTANS}}}{n.ROOT}", nsmap=n.PREFIXES)

    def el(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{n.KOMPONENT}}}{name}")
        child.text = value
        return child

    if user:
        el(root, n.EXPORT_USER, text(user))
    el(root, n.EXPORT_FROM_TILL, text(from_till or (chosen[0] if chosen else "-")))
    el(root, n.EXPORT_TIME, when(clock.utcnow()))
    period = el(root, n.PERIOD)
    el(period, n.PERIOD_START, when(start))
    el(period, n.PERIOD_END, when(end - dt.timedelta(seconds=1)))
    listed = el(root, n.CHOSEN_TILLS)
    for till in chosen or ["-"]:
        el(listed, n.CHOSEN_TILL, text(till))
    info = el(root, n.COMPANY)
    el(info, n.ORG_NUMBER, text(seller.org_number.replace("-", "")))
    el(info, n.COMPANY_NAME, text(seller.name))
    el(info, n.SALES_ADDRESS, text(seller.address or "-"))
    systems = el(root, n.SYSTEMS)
    for till in chosen or ["-"]:
        identity = register_identity(till)
        system = el(systems, n.SYSTEM)
        el(system, n.REGISTER_SERIAL, text(identity.manufacturing_number))
        el(system, n.REGISTER_MODEL, text(identity.model))
        el(system, n.REGISTER_PROGRAM, text(identity.program))
        el(system, n.REGISTER_VERSION, text(identity.version))
        el(system, n.TILL, text(till))
        unit = (Receipt.select(Receipt.control_unit_id)
                .where((Receipt.till == till) & (Receipt.control_unit_id != ""))
                .order_by(Receipt.id.desc()).scalar())
        if unit:
            el(system, n.UNIT_SERIAL, text(unit))
    whole = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return whole[:whole.rindex(b"</")]  # open: the registrations follow


def export_journal(path: str | Path, first: dt.date, last: dt.date, *, tills: list[str] | None = None,
                   from_till: str = "", user: str | None = None) -> int:
    """Write the journal of [first, last] (local dates, inclusive) to `path`; the number of Handelse."""
    start, end = clock.local_range_utc(first, last)
    chosen = tills or tills_in(start, end)
    z_numbers = dict(cast(Iterable[tuple[int, int]], ZReport.select(ZReport.day, ZReport.number).tuples()))
    count = 0
    header = _header(chosen, from_till, getpass.getuser() if user is None else user, start, end)
    out: IO[str]
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(header.decode("utf-8"))
        out.write(f"<{PREFIX}:{n.REGISTRATIONS}>")
        for row in journal_rows(start, end, chosen):
            for element in handelser(row, z_numbers):
                out.write(element)
                count += 1
        out.write(f"</{PREFIX}:{n.REGISTRATIONS}></utrein:{n.ROOT}>\n")
    return count
