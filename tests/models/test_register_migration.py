"""An existing database (schema 4, before the register) is brought to schema 5 without losing a row."""
from __future__ import annotations

import contextlib
from decimal import Decimal

import peewee
import pytest

from kassa.models import Article, Receipt, Sale, SaleLine, SchemaVersion, connection, database, schema
from kassa.models.bookkeeping import registration_triggers
from kassa.models.journal import JournalEntry
from kassa.models.register import REGISTER_MODELS
from kassa.models.triggers import install_triggers
from kassa.models.vat import seed_vat_groups
from tests.factories import make_company, vat_group

NEW_COLUMNS = {Article: ["is_service"], SaleLine: ["is_service", "returned_line"]}


@contextlib.contextmanager
def schema_4_models():
    """The models as schema 4 had them (the register's columns taken off for the while)."""
    removed = [(model, model._meta.fields[name]) for model, names in NEW_COLUMNS.items() for name in names]
    for model, field in removed:
        model._meta.remove_field(field.name)
    try:
        yield [m for m in schema.MODELS if m not in REGISTER_MODELS and m is not JournalEntry]
    finally:
        for model, field in removed:
            model._meta.add_field(field.name, field)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, isolated_data_dir):
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{isolated_data_dir / 'old.sqlite3'}"


def test_schema_4_is_migrated_to_the_register(url, monkeypatch):
    connection.connect(url, migrate=False)
    with schema_4_models() as old_models:
        database.db.create_tables(old_models)
        install_triggers()
        for stmt in registration_triggers(database.is_postgres()):
            database.db.execute_sql(stmt)
        SchemaVersion.create(version=4)
        seed_vat_groups()
        article = Article.create(number="100", name="Kaffe", price=Decimal("54.90"), vat_group=vat_group(12))
        sale = Sale.create(till="kassa-1", status="paid", total=Decimal("54.90"))
        SaleLine.create(sale=sale, position=1, article=article, description="Kaffe", quantity=Decimal("1"),
                        unit_price=Decimal("54.90"), vat_rate=12)
    monkeypatch.setattr(schema, "backup_before_migration", lambda: None)
    schema.ensure_schema()
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert Article.get().is_service is False and SaleLine.get().returned_line is None
    assert Receipt.select().count() == 0 and JournalEntry.select().count() == 0
    from kassa.register.control_unit.exempt import NoControlUnit
    from kassa.register.service import Register

    make_company()
    till = Register("kassa-1", NoControlUnit())
    till.open_day("100")
    till.add_code("100")
    receipt = till.pay_card().receipt
    with pytest.raises(peewee.DatabaseError, match="immutable"), database.db.atomic():
        Receipt.update(payable=Decimal("1")).where(Receipt.id == receipt.id).execute()
    database.close()
