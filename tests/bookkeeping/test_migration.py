"""A database of schema version 1 gets the bookkeeping tables, and keeps what it had."""
from __future__ import annotations

from kassa.models import Company, SchemaVersion, connection, database, schema
from kassa.models.bookkeeping import BOOKKEEPING_MODELS


def test_version_1_is_migrated_to_2(isolated_data_dir):
    url = f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"
    old_models = [m for m in schema.MODELS if m not in BOOKKEEPING_MODELS]
    db = database.bind(database.make_database(url))
    db.connect()
    db.create_tables(old_models)
    SchemaVersion.create(version=1)
    Company.create(id=1, name="Gamla Butiken AB")
    db.close()

    connection.connect(url)
    try:
        assert schema.current_version() == schema.SCHEMA_VERSION
        tables = set(database.db.get_tables())
        assert {m._meta.table_name for m in BOOKKEEPING_MODELS} <= tables
        assert Company.get_solo().name == "Gamla Butiken AB"
        triggers = {row[0] for row in database.db.execute_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert {"received_payment_no_update", "payment_allocation_no_delete", "reminder_no_update"} <= triggers
        assert list(isolated_data_dir.glob("kassa.before-migration-*.sqlite3"))
    finally:
        database.close()
