"""The database: SQLite settings, PostgreSQL with the same models, schema version and migrations."""
from decimal import Decimal

import pytest

from kassa.models import (
    Article,
    Company,
    Customer,
    CustomerCategory,
    SchemaVersion,
    Transmission,
    connection,
    database,
    note_means_pagero,
    schema,
)


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(db, isolated_data_dir):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert (isolated_data_dir / "kassa.sqlite3").exists()


def test_default_database_is_sqlite_in_the_data_dir(isolated_data_dir):
    connection.connect()
    try:
        assert database.sqlite_path() == isolated_data_dir / "kassa.sqlite3"
    finally:
        database.close()


def test_database_url_selects_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv("KASSA_DATABASE_URL", pg_url)
    connection.connect()
    try:
        assert database.is_postgres()
        assert SchemaVersion.select().first().version == schema.SCHEMA_VERSION
        Company.get_solo()
        assert Company.select().count() == 1
    finally:
        database.close()


def test_unknown_database_url_gets_a_swedish_message():
    with pytest.raises(database.DatabaseConfigError, match="Okänd databasadress"):
        database.make_database("mysql://x/y")


def test_schema_version_row(db):
    assert SchemaVersion.select().count() == 1
    assert schema.current_version() == schema.SCHEMA_VERSION


def test_a_migration_runs_after_a_backup_of_the_sqlite_file(db, isolated_data_dir, monkeypatch):
    import peewee
    from playhouse.migrate import migrate

    Company.get_solo()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION,
                        lambda m: migrate(m.add_column("company", "web", peewee.CharField(default=""))))
    schema.ensure_schema()
    assert schema.current_version() == schema.SCHEMA_VERSION
    backups = list(isolated_data_dir.glob("kassa.before-migration-*.sqlite3"))
    assert len(backups) == 1
    assert "web" in [c.name for c in db.get_columns("company")]
    import sqlite3
    old = sqlite3.connect(backups[0])
    assert "web" not in [r[1] for r in old.execute("PRAGMA table_info(company)")]
    old.close()


@pytest.mark.parametrize("note, pagero", [
    ("pagero", True), ("Skicka via PAGERO tack", True), ("Pagero-kund", True), ("(pagero)", True),
    # A word of its own: not inside another word.
    ("xPageroX", False), ("papagerolle", False), ("", False), ("e-post", False),
])
def test_a_category_sends_via_pagero_when_its_note_says_so(db, note, pagero):
    cat = CustomerCategory.create(name=f"k{len(note)}{pagero}", note=note)
    assert cat.sends_via_pagero is pagero
    assert note_means_pagero(note) is pagero
    cust = Customer.create(number=1, name="A", category=cat)
    assert cust.sends_via_pagero is pagero


def test_customer_endpoint_defaults(db):
    plain = Customer.create(number=1, name="Bolaget AB", org_number="5566778899")
    assert plain.peppol_endpoint == ("0007", "5566778899")
    with_gln = Customer.create(number=2, name="Kommunen", org_number="2120000142", gln="7300010000001")
    assert with_gln.peppol_endpoint == ("0088", "7300010000001")
    private = Customer.create(number=3, name="Anna", org_number="8112189876", is_private=True)
    assert private.peppol_endpoint is None
    assert plain.country == "SE"


def test_customer_numbers_are_unique(db):
    import peewee

    Customer.create(number=1, name="A")
    with pytest.raises(peewee.IntegrityError):
        Customer.create(number=1, name="B")


def test_money_is_exact_decimal_on_sqlite(db):
    art = Article.create(number="1", name="Kaffe", price=Decimal("0.10"))
    assert Article.get_by_id(art.id).price == Decimal("0.10")
    with pytest.raises(TypeError):
        Article.create(number="2", name="Te", price=0.1)


def test_one_transmission_per_invoice_is_a_database_constraint(db):
    import peewee

    from kassa.invoicing import issue_invoice
    from kassa.money import LineInput
    from tests.factories import make_company

    make_company()
    cust = Customer.create(number=1, name="A", org_number="5566778899", reference="r")
    inv = issue_invoice(cust, [LineInput("a", Decimal("1"), Decimal("1.00"), 25)])
    Transmission.create(invoice=inv, sender_reference="a", payload="<x/>")
    with pytest.raises(peewee.IntegrityError):
        Transmission.create(invoice=inv, sender_reference="b", payload="<x/>")
