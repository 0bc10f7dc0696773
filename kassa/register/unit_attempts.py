"""Receipts the control unit may hold although the register stored nothing under their number.

A unit can register a receipt and then fail to answer (a dropped connection, a garbled or late
answer), and Kassa can be stopped (a power cut, a crash, SIGKILL) after the unit registered a
receipt and before the register committed it. Either way the unit may hold a number the
register has not stored. The unit refuses that number with other data ("already registered
with other data", CleanCash fault 3), so a register that simply took the number again for the
next receipt, with another time or amount, could never sell again.

So the receipt data are written to the database (`UnitAttempt`, in a transaction of their own,
committed) before the unit is called, and stay until a receipt is stored under the number (in
the transaction that stores it). The till's next receipt reads them back (`reserve`):

- The same receipt again (Försök igen, or the same goods scanned again after a restart, the same
  day): its data, with the first attempt's time, equal what the unit may hold. They are sent as
  they were and the unit answers the code it holds; the receipt is stored with that time.
- Anything else (the cart changed, the sale was voided, another day, a copy instead of a sale):
  the old data are sent again first, unchanged, so that the unit holds the number with exactly
  those data and answers their code, and the register stores the number as a voided receipt
  (kind "void", MAKULERAT KVITTO) with that code (`close`). Then the new receipt takes the next
  number, in the same call. A voided receipt is no sale and was never handed over: it counts
  with the day's unfinished sales (a training one with training), and its journal row carries
  the data the unit holds, so the journal accounts for every number the unit has.

  Why not leave the number out: the series must be unbroken (SKVFS 2014:9 7 kap. 1 § 4) and the
  unit's numbers must match the journal's. Why not complete the old sale: the cashier was told
  it was not completed, and its money was perhaps never taken. Why resend rather than ask the
  unit: XCCSP has no question for "what do you hold under this number", and a resend is answered
  idempotently (the same data get the same code), whether the unit had them or not.
- Old data that the driver refuses before sending anything (`InvalidReceiptData`, e.g. an org.
  number corrected since) cannot be held by the unit, nor can anything be without a unit (the
  exemption answers with no manufacturing number): the attempt is dropped and the number used.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kassa.models import NumberSeries, Receipt, RegisterDay, UnitAttempt
from kassa.models.database import is_postgres, write_transaction
from kassa.money import ZERO
from kassa.register import events, journal
from kassa.register.control_unit.base import ControlUnit, ControlUnitUnavailable, ReceiptData, ReceiptKind
from kassa.register.control_unit.receipt_format import InvalidReceiptData
from kassa.register.document import ReceiptDocument

log = logging.getLogger(__name__)

VOID = "void"


def series_name(till: str) -> str:
    """The NumberSeries of a till's receipts (every kind shares it)."""
    return f"receipt:{till}"


def unit_kind(doc: ReceiptDocument) -> ReceiptKind:
    if doc.kind == "copy":
        return "kopia"
    if doc.kind == "proforma":
        return "profo"
    return "ovning" if doc.training else "normal"


def receipt_data(doc: ReceiptDocument, org_number: str, local_time: dt.datetime) -> ReceiptData:
    """SKVFS 2009:2's receipt data; a return's VAT amounts are negative (they reduce VAT)."""
    digits = "".join(ch for ch in org_number if ch.isdigit())[-10:]
    sign = -1 if doc.is_return else 1
    return ReceiptData(
        when=local_time, org_number=digits, till=doc.till, serial=doc.serial, kind=unit_kind(doc),
        return_amount=doc.payable if doc.is_return else ZERO,
        sale_amount=ZERO if doc.is_return else doc.payable,
        vat=tuple((Decimal(v.rate), sign * v.tax) for v in doc.vat)[:4],
    )


def data_to_json(data: ReceiptData) -> dict[str, Any]:
    return {"when": data.when.isoformat(), "org_number": data.org_number, "till": data.till, "serial": data.serial,
            "kind": data.kind, "return_amount": str(data.return_amount), "sale_amount": str(data.sale_amount),
            "vat": [[str(rate), str(amount)] for rate, amount in data.vat]}


def data_from_json(raw: dict[str, Any]) -> ReceiptData:
    return ReceiptData(
        when=dt.datetime.fromisoformat(raw["when"]), org_number=raw["org_number"], till=raw["till"],
        serial=int(raw["serial"]), kind=raw["kind"], return_amount=Decimal(raw["return_amount"]),
        sale_amount=Decimal(raw["sale_amount"]), vat=tuple((Decimal(r), Decimal(a)) for r, a in raw["vat"]))


def next_serial(till: str) -> int:
    """The number the till's next receipt takes, without taking it (the series row locked on PostgreSQL)."""
    query = NumberSeries.select().where(NumberSeries.name == series_name(till))
    if is_postgres():
        query = query.for_update()
    row = query.get_or_none()
    return row.next_number if row is not None else 1


@dataclass(frozen=True)
class Reservation:
    """What to send the unit for the till's next number (from `reserve`)."""

    doc: ReceiptDocument  # with its number and time
    data: ReceiptData
    registered_at: dt.datetime  # when the register made it: the journal row's time
    stale: UnitAttempt | None = None  # an earlier attempt at the number, to `close` first


def reserve(doc: ReceiptDocument, day: RegisterDay, org_number: str, registered_at: dt.datetime,
            local: Callable[[dt.datetime], dt.datetime]) -> Reservation:
    """The next number's receipt data; the attempt recorded unless one is there. Call inside a write
    transaction, and commit it before calling the unit."""
    serial = next_serial(doc.till)
    attempt = UnitAttempt.get_or_none((UnitAttempt.till == doc.till) & (UnitAttempt.serial == serial))
    if attempt is not None:
        again = doc.with_changes(serial=serial, created_at=attempt.at)
        data = receipt_data(again, org_number, local(attempt.at))
        if attempt.day_id == day.id and data == data_from_json(attempt.data):
            return Reservation(again, data, registered_at)
        return Reservation(again, data, registered_at, stale=attempt)
    doc = doc.with_changes(serial=serial, created_at=registered_at)
    data = receipt_data(doc, org_number, local(registered_at))
    UnitAttempt.create(till=doc.till, serial=serial, day=day.id, at=registered_at, data=data_to_json(data),
                       document=doc.to_data())
    return Reservation(doc, data, registered_at)


def stored(till: str, serial: int) -> None:
    """The number's receipt is being stored: its attempt is done (inside that transaction)."""
    UnitAttempt.delete().where((UnitAttempt.till == till) & (UnitAttempt.serial == serial)).execute()  # type: ignore[misc,unused-ignore]  # types-peewee builds differ on Model.delete


def close(attempt: UnitAttempt, unit: ControlUnit, day: RegisterDay, registered_at: dt.datetime) -> Receipt | None:
    """Send an earlier attempt's data again and store its number as a voided receipt (see the module doc).

    Raises ControlUnitUnavailable (journalled) when the unit gives no answer: nothing is stored then.
    None when the attempt was dropped (its data refused before sending) or another process closed it."""
    data = data_from_json(attempt.data)
    document = ReceiptDocument.from_data(attempt.document)
    try:
        code = unit.register(data)
    except InvalidReceiptData as exc:  # refused before anything was sent: the unit cannot hold it
        log.warning("dropping the attempt at receipt %s/%s: its data cannot be sent (%s)", attempt.till,
                    attempt.serial, exc)
        with write_transaction():
            stored(attempt.till, attempt.serial)
        return None
    except ControlUnitUnavailable as exc:
        journal_unit_failure(document, day, str(exc), data)
        raise
    if not code.unit_id:  # no unit (the exemption): nothing holds the number, it is simply used
        with write_transaction():
            stored(attempt.till, attempt.serial)
        return None
    with write_transaction():
        if next_serial(attempt.till) != attempt.serial or not UnitAttempt.select().where(
                UnitAttempt.id == attempt.id).exists():
            return None  # closed meanwhile
        NumberSeries.take(series_name(attempt.till))
        void = document.with_changes(
            kind=VOID, payments=(), control_code=code.code, control_unit_id=code.unit_id,
            extra={**document.extra, "void_of": document.kind,
                   "reason": "Registrerat i kontrollenheten men inte slutfört; kvittot lämnades inte ut."})
        receipt = Receipt.create(
            till=void.till, serial=void.serial, kind=VOID, training=void.training, day=day.id, sale=None,
            created_at=void.created_at, seller=journal.normalized(void.to_data()["seller"]), total=void.total,
            rounding=void.rounding, payable=void.payable, vat_total=void.vat_total,
            vat=[{"rate": v.rate, "taxable": str(v.taxable), "tax": str(v.tax)} for v in void.vat],
            control_code=void.control_code, control_unit_id=void.control_unit_id, electronic=False,
        )
        journal.append(void.till, events.RECEIPT, void.to_data(), day_id=day.id, receipt_id=receipt.id,
                       amount=void.payable, at=registered_at)
        stored(attempt.till, attempt.serial)
    log.warning("receipt %s/%s was held by the control unit without being completed: stored as voided",
                attempt.till, attempt.serial)
    return receipt


def journal_unit_failure(doc: ReceiptDocument, day: RegisterDay, message: str, data: ReceiptData | None) -> None:
    """The unit gave no code: journalled with the data sent (its own transaction; never raises)."""
    try:
        with write_transaction():
            journal.append(doc.till, events.CONTROL_UNIT_FAILED, {
                "kind": doc.kind, "message": message, "amount": str(doc.payable),
                "serial": data.serial if data else None, "receipt_data": data_to_json(data) if data else None,
            }, day_id=day.id)
    except Exception:  # the sale is refused either way; the failure to journal it is logged
        log.exception("could not journal the control unit's failure")
