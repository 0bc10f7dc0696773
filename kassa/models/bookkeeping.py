"""After the sale: the account plan, payments from Bankgirot and where they were placed, reminders.

Received payments and their placements are registrations: never changed or deleted. A payment is
stored as Bankgirot reported it; each placement on an invoice (automatic by OCR or by a person)
is a row of its own, so an invoice's state is derived and the issued invoice is never touched.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.fields import JsonField, MoneyField, ScaledDecimalField
from kassa.models.invoices import ImmutableInvoiceError, Invoice


class AccountSetting(BaseModel):
    """One account of the plan, as the company changed it from its BAS default (kassa.bookkeeping.accounts)."""

    key = peewee.CharField(primary_key=True)  # e.g. "cash", "sales:25", "sales:25:Bröd", "output_vat:12"
    number = peewee.CharField(max_length=10)
    name = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class BookkeepingSettings(BaseModel):
    """One row (id 1): reminders, late interest and the SIE file's voucher series."""

    id = peewee.AutoField()

    reminder_fee = MoneyField(default=Decimal("0.00"))  # påminnelseavgift, at most the legal cap
    reminder_fee_agreed = peewee.BooleanField(default=False)  # agreed with customers when the debt arose
    charge_interest = peewee.BooleanField(default=True)  # dröjsmålsränta on reminders
    interest_margin = ScaledDecimalField(2, default=Decimal("8.00"))  # percentage points over the reference rate
    reminder_days = peewee.IntegerField(default=10)  # days to pay after a reminder
    fiscal_year_start_month = peewee.IntegerField(default=1)
    series_day = peewee.CharField(default="")  # "" lets the accounting program choose
    series_invoice = peewee.CharField(default="")
    series_payment = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)

    @classmethod
    def get_solo(cls) -> BookkeepingSettings:
        row = cls.get_or_none(cls.id == 1)
        if row is None:
            row, _ = cls.get_or_create(id=1)
        return row


class ReferenceRate(BaseModel):
    """Riksbanken's reference rate from a date (set each 1 January and 1 July)."""

    id = peewee.AutoField()

    valid_from = peewee.DateField(unique=True)
    rate = ScaledDecimalField(2)  # percent


class _Registration(BaseModel):
    """A row that is written once and never changed or deleted."""

    MESSAGE = "En registrering kan inte ändras eller tas bort. Gör en ny registrering i stället."

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise ImmutableInvoiceError(self.MESSAGE)
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise ImmutableInvoiceError(self.MESSAGE)


class PaymentFile(_Registration):
    """A Bankgirot file that was read in; its SHA-256 keeps the same file from being read twice."""

    id = peewee.AutoField()

    sha256 = peewee.CharField(unique=True, max_length=64)
    name = peewee.CharField(default="")
    written_at = peewee.CharField(default="")  # the file's own timestamp (start record)
    receiving_bankgiro = peewee.CharField(default="")
    payments = peewee.IntegerField(default=0)  # payment and deduction records in the file
    new_payments = peewee.IntegerField(default=0)  # of those, not seen in an earlier file
    imported_at = peewee.DateTimeField(default=utcnow)
    actor = peewee.CharField(default="")


class ReceivedPayment(_Registration):
    """A payment (or a deduction, negative) as Bankgirot reported it."""

    id = peewee.AutoField()

    file = peewee.ForeignKeyField(PaymentFile, backref="received")
    key = peewee.CharField(unique=True)  # the same payment in another file is the same key
    kind = peewee.CharField(default="payment")  # payment | deduction
    pay_date = peewee.DateField(index=True)
    amount = MoneyField()  # kronor; a deduction is negative
    currency = peewee.CharField(default="SEK", max_length=3)
    reference = peewee.CharField(default="")
    reference_code = peewee.IntegerField(default=0)
    channel = peewee.IntegerField(default=0)
    bgc_serial = peewee.CharField(default="")
    deposit_serial = peewee.CharField(default="")
    receiving_bankgiro = peewee.CharField(default="")
    payer_bankgiro = peewee.CharField(default="")
    payer_name = peewee.CharField(default="")
    payer_org_number = peewee.CharField(default="")
    information = peewee.TextField(default="")
    extra_references = JsonField(default=list)  # [{"reference", "amount", "code", "negative"}]
    deduction_code = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)


class PaymentAllocation(_Registration):
    """Part of a received payment placed on an invoice or credit note (signed as the payment)."""

    id = peewee.AutoField()

    payment = peewee.ForeignKeyField(ReceivedPayment, backref="allocations")
    invoice = peewee.ForeignKeyField(Invoice, backref="payment_allocations")
    amount = MoneyField()
    how = peewee.CharField(default="ocr")  # ocr | manual
    note = peewee.CharField(default="")
    actor = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)


def reminder_number(invoice_number: int, sequence: int) -> str:
    """The document number (cbc:ID) of a reminder's charges: the invoice's and the reminder's ("10015-P1")."""
    return f"{invoice_number}-P{sequence}"


class Reminder(BaseModel):
    """A betalningspåminnelse. One per invoice and due date it reminds of (a unique index)."""

    id = peewee.AutoField()

    MUTABLE_FIELDS = ("delivery", "delivered_at", "payload")

    invoice = peewee.ForeignKeyField(Invoice, backref="reminders")
    if TYPE_CHECKING:
        invoice_id: int
    reminds_due_date = peewee.DateField()
    sequence = peewee.IntegerField(default=1)  # first, second … reminder of the invoice
    issue_date = peewee.DateField()
    new_due_date = peewee.DateField()
    open_amount = MoneyField()  # the invoice's unpaid amount, without this reminder's charges
    fee = MoneyField(default=Decimal("0.00"))
    interest = MoneyField(default=Decimal("0.00"))
    interest_rate = ScaledDecimalField(2, default=Decimal("0.00"))  # percent a year (last period's)
    interest_from = peewee.DateField(null=True)
    interest_to = peewee.DateField(null=True)
    interest_periods = JsonField(default=list)  # [{"from", "to", "days", "rate", "amount"}]
    e_invoice = peewee.BooleanField(default=False)  # the customer receives e-invoices
    delivery = peewee.CharField(default="")  # "" | paper | pdf | e_invoice (Pagero); e_invoice_waiting (older)
    delivered_at = peewee.DateTimeField(null=True)
    payload = peewee.TextField(default="")  # the BIS 3 invoice of its charges sent to an e-invoice customer
    actor = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("invoice", "reminds_due_date"), True),)

    @property
    def charges(self) -> Decimal:
        return self.fee + self.interest

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            only = kwargs.get("only")
            names = {f.name if hasattr(f, "name") else f for f in only} if only else None
            if names is None or not names <= set(self.MUTABLE_FIELDS):
                raise ImmutableInvoiceError("En skickad påminnelse kan inte ändras.")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise ImmutableInvoiceError("En påminnelse kan inte tas bort.")


BOOKKEEPING_MODELS = [
    AccountSetting, BookkeepingSettings, ReferenceRate, PaymentFile, ReceivedPayment, PaymentAllocation, Reminder,
]

# Registrations are never changed or deleted; the database refuses it too, as it does for invoices.
_REGISTRATIONS = ("payment_file", "received_payment", "payment_allocation")
_REMINDER_CONTENT = [f.column_name for f in Reminder._meta.sorted_fields
                     if f.name not in Reminder.MUTABLE_FIELDS and f.name != "id"]


def registration_triggers(postgres: bool) -> list[str]:
    """Triggers refusing UPDATE and DELETE of payments, placements and files, and any change of a
    reminder other than how it went out. On PostgreSQL after kassa_immutable() exists (schema.py)."""
    if not postgres:
        abort = "SELECT RAISE(ABORT, 'registration is immutable');"
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _REMINDER_CONTENT)
        stmts = []
        for table in _REGISTRATIONS:
            stmts.append(f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN {abort} END")
            stmts.append(f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} BEGIN {abort} END")
        stmts.append(f"CREATE TRIGGER IF NOT EXISTS reminder_no_update BEFORE UPDATE ON reminder WHEN {changed} "
                     f"BEGIN {abort} END")
        stmts.append(f"CREATE TRIGGER IF NOT EXISTS reminder_no_delete BEFORE DELETE ON reminder BEGIN {abort} END")
        return stmts
    old = ", ".join(f"OLD.{c}" for c in _REMINDER_CONTENT)
    new = ", ".join(f"NEW.{c}" for c in _REMINDER_CONTENT)
    stmts = [
        "CREATE OR REPLACE FUNCTION kassa_reminder_update() RETURNS trigger AS $$ BEGIN "
        f"IF ROW({old}) IS DISTINCT FROM ROW({new}) THEN RAISE EXCEPTION 'registration is immutable'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
    ]
    guards = [(t, "UPDATE OR DELETE", "kassa_immutable") for t in _REGISTRATIONS]
    guards += [("reminder", "UPDATE", "kassa_reminder_update"), ("reminder", "DELETE", "kassa_immutable")]
    for table, event, func in guards:
        name = f"{table}_guard_{event.split()[0].lower()}"
        stmts.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        stmts.append(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {func}()")
    return stmts
