"""The kassaregister's stored registrations: days, receipts, Z reports, parked sales.

Days, receipts and Z reports are written once and never changed (database triggers refuse
UPDATE and DELETE, see `cash_register_triggers`). A day is open until a Z report names it; a
receipt's amounts are positive and its `kind` says the direction (a return pays money back).
Parked sales are working state, not registrations: the journal holds what happened to them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.customers import Customer
from kassa.models.fields import JsonField, MoneyField, ScaledDecimalField
from kassa.models.sales import Sale

ZERO = Decimal("0.00")
RECEIPT_KINDS = ("sale", "return", "copy", "proforma", "void")


class RegisterImmutableError(Exception):
    """A registration (day, receipt, Z report, journal row) cannot be changed or deleted."""

    def __init__(self, message: str = "En registrering i kassan kan inte ändras eller tas bort. "
                                      "Gör en ny registrering (t.ex. en retur) i stället.") -> None:
        super().__init__(message)


class _WriteOnce(BaseModel):
    """Rows that are inserted once: save() on a stored row and delete_instance() refuse."""

    def save(self, *args: Any, **kwargs: Any) -> int | bool:
        if self._pk is not None and not kwargs.get("force_insert"):
            raise RegisterImmutableError()
        return super().save(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> int:
        raise RegisterImmutableError()


class RegisterDay(_WriteOnce):
    """A sales day of one till, opened with its cash float (växelkassa); closed by its Z report."""

    till = peewee.CharField()
    number = peewee.BigIntegerField()  # this till's day number, 1, 2, …
    opened_at = peewee.DateTimeField(default=utcnow)
    float_amount = MoneyField()

    class Meta:
        indexes = ((("till", "number"), True),)


class Receipt(_WriteOnce):
    """A receipt (kassakvitto), return receipt, copy or pro forma, numbered in its till's series."""

    till = peewee.CharField()
    serial = peewee.BigIntegerField()  # the till's unbroken series (löpnummer)
    kind = peewee.CharField()  # sale | return | copy | proforma | void (see kassa.register.unit_attempts)
    training = peewee.BooleanField(default=False)  # ÖVNINGSKVITTO: counted only as training
    day = peewee.ForeignKeyField(RegisterDay, backref="receipts")
    sale = peewee.ForeignKeyField(Sale, null=True, backref="receipts")
    original = peewee.ForeignKeyField("self", null=True, backref="returns")  # a return's receipt
    copy_of = peewee.ForeignKeyField("self", null=True, unique=True, backref="copies")  # at most one copy
    created_at = peewee.DateTimeField(default=utcnow, index=True)
    seller = JsonField()  # name, org. number and address as printed
    total = MoneyField(default=ZERO)  # incl. VAT, before rounding
    rounding = MoneyField(default=ZERO)
    payable = MoneyField(default=ZERO)
    vat_total = MoneyField(default=ZERO)
    vat = JsonField(default=list)  # [{"rate", "taxable", "tax"}] as strings
    goods_quantity = ScaledDecimalField(3, default=Decimal("0"))
    services_quantity = ScaledDecimalField(3, default=Decimal("0"))
    services_amount = MoneyField(default=ZERO)  # the part of `total` that is services (main group)
    discount_total = MoneyField(default=ZERO)  # line discounts, incl. VAT
    reduction_total = MoneyField(default=ZERO)  # prices set below the article's price at the till
    control_code = peewee.CharField(default="")
    control_unit_id = peewee.CharField(default="")
    electronic = peewee.BooleanField(default=False)  # "Elektroniskt kassakvitto"
    drawer_opened = peewee.BooleanField(default=False)
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' values
        day_id: int
        sale_id: int | None
        original_id: int | None
        copy_of_id: int | None

    class Meta:
        indexes = ((("till", "serial"), True),)


class ZReport(_WriteOnce):
    """The Z day report that closed a day; `figures` is the report as printed (kassa.register.figures)."""

    till = peewee.CharField()
    number = peewee.BigIntegerField()  # the Z report's own series per till
    day = peewee.ForeignKeyField(RegisterDay, unique=True, backref="z_reports")
    created_at = peewee.DateTimeField(default=utcnow)
    figures = JsonField()
    counted_cash = MoneyField()
    expected_cash = MoneyField()
    difference = MoneyField()
    grand_total_sales = MoneyField()
    grand_total_returns = MoneyField()
    if TYPE_CHECKING:
        day_id: int

    class Meta:
        indexes = ((("till", "number"), True),)


class ParkedSale(BaseModel):
    """A cart put aside (parkerad) to be taken up again; working state, not a registration."""

    till = peewee.CharField(index=True)
    day = peewee.ForeignKeyField(RegisterDay, null=True, backref="parked")
    parked_at = peewee.DateTimeField(default=utcnow)
    lines = JsonField()  # the cart lines, as kassa.register.parking stores them
    customer = peewee.ForeignKeyField(Customer, null=True)
    total = MoneyField(default=ZERO)
    status = peewee.CharField(default="parked")  # parked | resumed | deleted
    closed_at = peewee.DateTimeField(null=True)
    if TYPE_CHECKING:
        day_id: int | None
        customer_id: int | None


class UnitAttempt(BaseModel):
    """Receipt data handed to the control unit under a number the register has not stored yet.

    Written and committed before the unit is called, deleted in the transaction that stores the
    receipt (or the voided receipt) under that number: a row that is left means the unit may hold
    the number with these data although no receipt was stored (the answer was lost, or Kassa was
    stopped in between). kassa.register.unit_attempts decides what the next receipt does with it.
    Working state, like ParkedSale; what happened is in the journal.
    """

    till = peewee.CharField()
    serial = peewee.BigIntegerField()
    day = peewee.ForeignKeyField(RegisterDay, backref="unit_attempts")
    at = peewee.DateTimeField()  # the receipt's time as sent (UTC)
    data = JsonField()  # the ReceiptData as sent (kassa.register.unit_attempts.data_to_json)
    document = JsonField()  # the receipt as it would have been stored (ReceiptDocument.to_data)
    created_at = peewee.DateTimeField(default=utcnow)
    if TYPE_CHECKING:
        day_id: int

    class Meta:
        indexes = ((("till", "serial"), True),)


REGISTER_MODELS = [RegisterDay, Receipt, ZReport, ParkedSale, UnitAttempt]

# Tables whose rows are never changed or deleted.
WRITE_ONCE_TABLES = ("register_day", "receipt", "z_report", "journal_entry")


def cash_register_triggers(postgres: bool) -> list[str]:
    """Triggers that refuse UPDATE and DELETE of registrations, and of the sale rows behind a receipt."""
    message = "register registration is immutable"
    if not postgres:
        abort = f"SELECT RAISE(ABORT, '{message}');"
        stmts = []
        for table in WRITE_ONCE_TABLES:
            stmts.append(f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN {abort} END")
            stmts.append(f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} BEGIN {abort} END")
        for table, key in (("sale", "OLD.id"), ("sale_line", "OLD.sale_id"), ("payment", "OLD.sale_id")):
            when = f"WHEN EXISTS (SELECT 1 FROM receipt WHERE receipt.sale_id = {key})"
            for event in ("UPDATE", "DELETE"):
                stmts.append(f"CREATE TRIGGER IF NOT EXISTS {table}_receipt_no_{event.lower()} BEFORE {event} "
                             f"ON {table} {when} BEGIN {abort} END")
        return stmts
    stmts = [
        "CREATE OR REPLACE FUNCTION kassa_register_immutable() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION kassa_receipt_sale_guard() RETURNS trigger AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM receipt WHERE receipt.sale_id = OLD.id) THEN "
        f"RAISE EXCEPTION '{message}'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION kassa_receipt_sale_part_guard() RETURNS trigger AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM receipt WHERE receipt.sale_id = OLD.sale_id) THEN "
        f"RAISE EXCEPTION '{message}'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
    ]
    guards = [(table, "kassa_register_immutable") for table in WRITE_ONCE_TABLES] + [
        ("sale", "kassa_receipt_sale_guard"), ("sale_line", "kassa_receipt_sale_part_guard"),
        ("payment", "kassa_receipt_sale_part_guard"),
    ]
    for table, func in guards:
        name = f"{table}_register_guard"
        stmts.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        stmts.append(f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {func}()")
    return stmts
