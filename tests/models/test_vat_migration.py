"""The VAT schema step (4) on a database of schema 1: articles move from fixed rates to VAT groups, issued
invoices stay as they were and stay immutable, PK becomes XPK."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kassa.models import Article, Invoice, SchemaVersion, connection, database, schema
from kassa.vat.rates import article_rate

SCHEMA_1 = [
    "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, changed_at DATETIME NOT NULL)",
    "INSERT INTO schema_version (version, changed_at) VALUES (1, '2026-01-01 00:00:00')",
    'CREATE TABLE article (id INTEGER PRIMARY KEY, number VARCHAR(255) NOT NULL UNIQUE, barcode VARCHAR(255) UNIQUE, '
    'name VARCHAR(255) NOT NULL, unit VARCHAR(255) NOT NULL, price BIGINT NOT NULL, '
    'price_includes_vat INTEGER NOT NULL, vat_rate INTEGER NOT NULL, active INTEGER NOT NULL)',
    "INSERT INTO article VALUES (1, '100', NULL, 'Kaffe', 'EA', 5990, 1, 12, 1)",
    "INSERT INTO article VALUES (2, '200', NULL, 'Termos', 'PK', 24900, 1, 25, 1)",
    "INSERT INTO article VALUES (3, '300', NULL, 'Tidning', 'EA', 3500, 1, 6, 1)",
]


@pytest.fixture
def old_database(isolated_data_dir):
    """A schema-1 database: the tables of today as they were (created by this version, then rolled back
    to the old article, customer and invoice columns), with articles at fixed rates."""
    path = isolated_data_dir / "old.sqlite3"
    connection.connect(f"sqlite:///{path}")  # today's schema …
    database.close()
    con = sqlite3.connect(path)
    with con:
        for table in ("article", "vat_rate_period", "vat_group", "schema_version"):
            con.execute(f"DROP TABLE {table}")
        for column in ("legal_scheme", "vat_treatment"):
            con.execute(f"ALTER TABLE customer DROP COLUMN {column}")
        for trigger in ("invoice_no_update", "invoice_no_delete"):
            con.execute(f"DROP TRIGGER {trigger}")
        for column in ("exchange_rate", "exchange_rate_date", "tax_total_sek"):
            con.execute(f"ALTER TABLE invoice DROP COLUMN {column}")
        for statement in SCHEMA_1:  # … made schema 1 again
            con.execute(statement)
    con.close()
    return path


def test_the_vat_step_moves_articles_to_groups(old_database):
    connection.connect(f"sqlite:///{old_database}")
    try:
        assert max(v.version for v in SchemaVersion.select()) == schema.SCHEMA_VERSION
        groups = {a.number: (a.vat_group.key, a.unit) for a in Article.select()}
        assert groups == {"100": ("food", "EA"), "200": ("standard", "XPK"), "300": ("culture", "EA")}
        coffee = Article.get(Article.number == "100")
        assert [article_rate(coffee, day).rate for day in (dt.date(2026, 3, 31), dt.date(2026, 4, 1))] == [12, 6]
        # the renewed triggers guard the new invoice columns too
        triggers = {row[0] for row in database.db.execute_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert {"invoice_no_update", "invoice_no_delete"} <= triggers
        assert "exchange_rate" in {c.name for c in database.db.get_columns("invoice")}
        assert Invoice.select().count() == 0
    finally:
        database.close()
