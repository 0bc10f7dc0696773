from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.customers import Customer
from kassa.models.fields import JsonField, MoneyField, ScaledDecimalField
from kassa.models.sales import Sale


class ImmutableInvoiceError(Exception):
    """An issued invoice, its lines and its audit log cannot be changed or deleted."""

    def __init__(self, message: str = "En utfärdad faktura kan inte ändras eller tas bort. Gör en kreditfaktura."):
        super().__init__(message)


class NumberSeries(BaseModel):
    """An unbroken series; the row is locked while a number is taken."""

    name = peewee.CharField(primary_key=True)
    next_number = peewee.BigIntegerField(default=1)

    @classmethod
    def take(cls, name: str) -> int:
        """The next number of series `name` (created at 1 on first use). Call inside `write_transaction()`.

        PostgreSQL: the series row is locked (FOR UPDATE) until the transaction ends, so
        concurrent writers queue behind it. SQLite: the IMMEDIATE transaction holds the write lock.
        The number is used in the same transaction, so a rolled-back attempt leaves no gap.
        """
        from kassa.models.database import is_postgres

        query = cls.select().where(cls.name == name)
        if is_postgres():
            query = query.for_update()
        series = query.get_or_none()
        if series is None:
            cls.insert(name=name, next_number=1).on_conflict_ignore().execute()
            series = query.get()
        number = series.next_number
        cls.update(next_number=number + 1).where(cls.name == name).execute()
        return number


class Invoice(BaseModel):
    """An issued invoice or credit note, immutable once written.

    Seller and buyer are snapshots (dicts) as they were when issued, so a later edit of
    the company or the customer does not change an issued invoice. Only the fields in
    MUTABLE_FIELDS may change afterwards (the database enforces it with triggers).
    """

    MUTABLE_FIELDS = ("status", "delivery", "printed_at")

    number = peewee.BigIntegerField(unique=True)
    kind = peewee.CharField(default="invoice")  # invoice | credit_note
    credited_invoice = peewee.ForeignKeyField("self", null=True, backref="credit_notes")
    customer = peewee.ForeignKeyField(Customer, backref="invoices")
    sale = peewee.ForeignKeyField(Sale, null=True, backref="invoices")
    if TYPE_CHECKING:  # what peewee adds: foreign key values and back-references
        credited_invoice_id: int | None
        customer_id: int
        sale_id: int | None
        lines: peewee.ModelSelect[InvoiceLine]
        events: peewee.ModelSelect[AuditEvent]
        credit_notes: peewee.ModelSelect[Invoice]
    issue_date = peewee.DateField()
    due_date = peewee.DateField()
    delivery_date = peewee.DateField(null=True)
    currency = peewee.CharField(default="SEK")
    # An invoice in another currency states its VAT in SEK too (BT-6, BT-111): the rate used
    # (SEK per unit of `currency`), the day it is from, and the VAT total in SEK.
    exchange_rate = ScaledDecimalField(6, null=True)
    exchange_rate_date = peewee.DateField(null=True)
    tax_total_sek = MoneyField(null=True)
    seller = JsonField()
    buyer = JsonField()
    buyer_reference = peewee.CharField(default="")
    ocr = peewee.CharField(index=True)
    payment_terms = peewee.CharField(default="")
    line_extension = MoneyField()
    charge_total = MoneyField(default=Decimal("0.00"))
    tax_exclusive = MoneyField()
    tax_total = MoneyField()
    tax_inclusive = MoneyField()
    rounding = MoneyField(default=Decimal("0.00"))
    payable = MoneyField()
    vat_breakdown = JsonField()  # [{"rate", "category", "taxable", "tax", "reason_code", "reason"}] as strings
    id_check_kind = peewee.CharField(default="")
    id_check_number = peewee.CharField(default="")
    claim_reference = peewee.CharField(default="")
    bonus_earned = MoneyField(default=Decimal("0.00"))
    manual = peewee.BooleanField(default=False)
    till = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    # Mutable after issue:
    status = peewee.CharField(default="issued")  # issued | credited | partly_credited
    delivery = peewee.CharField(default="")  # "" | paper | e_invoice
    printed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("kind", "number"), False),)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    @property
    def item_lines(self):
        return [line for line in self.lines.order_by(InvoiceLine.position) if line.kind == "item"]

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            only = kwargs.get("only")
            names = {f.name if hasattr(f, "name") else f for f in only} if only else None
            if names is None or not names <= set(self.MUTABLE_FIELDS):
                raise ImmutableInvoiceError()
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise ImmutableInvoiceError()

    def __str__(self) -> str:
        return f"{'Kreditfaktura' if self.is_credit_note else 'Faktura'} {self.number}"


class InvoiceLine(BaseModel):
    """A line of an issued invoice. Amounts are excl. VAT, as EN 16931 has them."""

    invoice = peewee.ForeignKeyField(Invoice, backref="lines")
    position = peewee.IntegerField()
    kind = peewee.CharField(default="item")  # item | fee (the invoice fee, a document-level charge)
    article_number = peewee.CharField(default="")
    description = peewee.CharField()
    quantity = ScaledDecimalField(3)
    unit = peewee.CharField(default="EA")
    gross_price = ScaledDecimalField(4)  # unit price excl. VAT before discount
    discount_percent = ScaledDecimalField(2, default=Decimal("0.00"))
    net_price = ScaledDecimalField(4)  # unit price excl. VAT after discount
    line_amount = MoneyField()  # excl. VAT
    vat_rate = peewee.IntegerField()
    vat_category = peewee.CharField(default="S")  # UNCL 5305: S, Z, E, AE, K, G, O (kassa.vat.categories)
    credited_line = peewee.ForeignKeyField("self", null=True, backref="credits")
    if TYPE_CHECKING:
        invoice_id: int
        credited_line_id: int | None

    class Meta:
        indexes = ((("invoice", "position"), True),)

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise ImmutableInvoiceError()
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise ImmutableInvoiceError()


class AuditEvent(BaseModel):
    """Append-only: what happened to an invoice, when, and where."""

    invoice = peewee.ForeignKeyField(Invoice, backref="events")
    at = peewee.DateTimeField(default=utcnow, index=True)
    event = peewee.CharField()  # issued, printed, queued, uploaded, delivered, …
    message = peewee.TextField(default="")
    actor = peewee.CharField(default="")  # till or process

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise ImmutableInvoiceError("Händelseloggen kan inte ändras.")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise ImmutableInvoiceError("Händelseloggen kan inte ändras.")
