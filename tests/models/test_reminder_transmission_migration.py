"""Schema 5 to 6: a reminder gets a send-queue row of its own, and the invoice keeps its one row.

A database of schema 5 (one unique index on transmission.invoice_id, no reminder_id) with an invoice
on its way is migrated: the row stays, a second row for the invoice is still refused, a row for a
reminder of it is taken, and a second row for that reminder is refused."""
from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import peewee
import pytest

from kassa.invoicing import issue_invoice
from kassa.models import Customer, Reminder, SchemaVersion, Transmission, connection, database, schema
from kassa.models.bookkeeping import registration_triggers
from kassa.models.register import cash_register_triggers
from kassa.models.triggers import install_triggers
from kassa.models.vat import seed_vat_groups
from kassa.money import LineInput
from tests.factories import make_company


@contextlib.contextmanager
def schema_5_transmission():
    """Transmission as schema 5 had it: no reminder column, a plain unique index on the invoice."""
    field, indexes = Transmission._meta.fields["reminder"], list(Transmission._meta.indexes)
    Transmission._meta.remove_field("reminder")
    Transmission._meta.indexes = [peewee.ModelIndex(Transmission, (Transmission.invoice,), unique=True,
                                                    name="transmission_invoice_id")]
    try:
        yield
    finally:
        Transmission._meta.add_field("reminder", field)
        Transmission._meta.indexes = indexes


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, isolated_data_dir):
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{isolated_data_dir / 'old.sqlite3'}"


def index_sql() -> str:
    if database.is_postgres():
        return database.db.execute_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'transmission_invoice_id'").fetchone()[0]
    return database.db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'transmission_invoice_id'").fetchone()[0]


def test_schema_5_is_migrated_to_reminder_rows(url, monkeypatch):
    connection.connect(url, migrate=False)
    with schema_5_transmission():
        database.db.create_tables(schema.MODELS)
        install_triggers()
        for stmt in registration_triggers(database.is_postgres()) + cash_register_triggers(database.is_postgres()):
            database.db.execute_sql(stmt)
        SchemaVersion.create(version=5)
        seed_vat_groups()
        make_company()
        customer = Customer.create(number=1, name="Kunden AB", org_number="5560360793", street="Väg 1",
                                   postal_code="11122", city="Stockholm", reference="Anna")
        invoice = issue_invoice(customer, [LineInput("Kabel", Decimal(1), Decimal("100.00"), 25)],
                                issue_date=dt.date(2025, 3, 3))
        Transmission.create(invoice=invoice, state="delivered", sender_reference="kassa-1", payload="<Invoice/>")
        assert "WHERE" not in index_sql().upper()
    monkeypatch.setattr(schema, "backup_before_migration", lambda: None)
    schema.ensure_schema()
    try:
        assert schema.current_version() == schema.SCHEMA_VERSION
        assert "WHERE" in index_sql().upper() and "reminder_id" in index_sql()
        [kept] = Transmission.select()
        assert (kept.invoice_id, kept.reminder_id, kept.state) == (invoice.id, None, "delivered")
        with pytest.raises(peewee.IntegrityError), database.db.atomic():
            Transmission.create(invoice=invoice, state="queued", sender_reference="kassa-2", payload="<Invoice/>")
        reminder = Reminder.create(invoice=invoice, reminds_due_date=invoice.due_date, issue_date=dt.date(2025, 5, 1),
                                   new_due_date=dt.date(2025, 5, 11), open_amount=invoice.payable,
                                   fee=Decimal("60.00"))
        Transmission.create(invoice=invoice, reminder=reminder, state="queued", sender_reference="kassa-1-P1",
                            payload="<Invoice/>")
        with pytest.raises(peewee.IntegrityError), database.db.atomic():
            Transmission.create(invoice=invoice, reminder=reminder, state="queued", sender_reference="kassa-1-P1b",
                                payload="<Invoice/>")
        assert Transmission.select().count() == 2
    finally:
        database.close()
