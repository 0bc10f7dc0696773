"""Creating the schema, its version row, migrations, and the triggers that keep issued invoices fixed."""
from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import peewee

from kassa.models.articles import Article
from kassa.models.base import BaseModel
from kassa.models.bookkeeping import BOOKKEEPING_MODELS, registration_triggers
from kassa.models.company import Company
from kassa.models.customers import Customer, CustomerCategory
from kassa.models.database import db, is_postgres, sqlite_path
from kassa.models.invoices import AuditEvent, Invoice, InvoiceLine, NumberSeries
from kassa.models.journal import JournalEntry
from kassa.models.print_jobs import PrintJob
from kassa.models.register import REGISTER_MODELS, UnitAttempt, cash_register_triggers
from kassa.models.sales import Payment, Sale, SaleLine
from kassa.models.transmissions import InterestRequest, Transmission
from kassa.models.triggers import install_triggers
from kassa.models.vat import VatGroup, VatRatePeriod, seed_vat_groups

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7


class SchemaVersion(BaseModel):
    version = peewee.IntegerField()
    changed_at = peewee.DateTimeField(default=dt.datetime.now)


MODELS = [
    SchemaVersion, Company, CustomerCategory, Customer, VatGroup, VatRatePeriod, Article, Sale, SaleLine, Payment,
    NumberSeries, Invoice, InvoiceLine, AuditEvent, Transmission, InterestRequest, PrintJob, *BOOKKEEPING_MODELS,
    *REGISTER_MODELS, JournalEntry,
]


# version -> function(migrator) bringing the schema from version-1 to version
# (a migration imports playhouse.migrate.migrate itself).
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


def _add_print_jobs(migrator) -> None:
    """2: the receipt printer's queue (kassa.devices.print_queue)."""
    db.create_tables([PrintJob], safe=True)


MIGRATIONS[2] = _add_print_jobs


def _add_bookkeeping(migrator) -> None:
    """3: the account plan, reminder settings, payments from Bankgirot and reminders (new tables only)."""
    db.create_tables(BOOKKEEPING_MODELS, safe=True)
    for stmt in registration_triggers(is_postgres()):
        db.execute_sql(stmt)


MIGRATIONS[3] = _add_bookkeeping


def _migration_4(migrator) -> None:
    from kassa.models.vat_migration import migrate_vat

    migrate_vat(migrator)


MIGRATIONS[4] = _migration_4  # VAT groups with dated rates, categories, foreign buyers, tax currency


def _migrate_5_cash_register(migrator: Any) -> None:
    """The kassaregister: goods/services on articles and sale lines, a return's sold line, and the
    register's tables (days, receipts, Z reports, parked sales, the journal) with their triggers.

    Plain ALTER TABLE … ADD COLUMN with its default (playhouse's SQLite migrator would rebuild the
    article table for a NOT NULL column, which its foreign keys forbid); a column already there is kept."""
    false = "FALSE" if is_postgres() else "0"
    boolean = "BOOLEAN" if is_postgres() else "INTEGER"
    for table in ("article", "sale_line"):
        if "is_service" not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "is_service" {boolean} NOT NULL DEFAULT {false}')
    if "returned_line_id" not in {c.name for c in db.get_columns("sale_line")}:
        db.execute_sql('ALTER TABLE "sale_line" ADD COLUMN "returned_line_id" INTEGER REFERENCES "sale_line" ("id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "sale_line_returned_line_id" ON "sale_line" ("returned_line_id")')
    db.create_tables([*REGISTER_MODELS, JournalEntry], safe=True)
    for stmt in cash_register_triggers(is_postgres()):
        db.execute_sql(stmt)


MIGRATIONS[5] = _migrate_5_cash_register


def _migrate_6_reminder_transmissions(migrator: Any) -> None:
    """A reminder's fee and interest go through the send queue as a row of their own: transmission gets
    ``reminder_id`` (unique), and the one-row-per-invoice index becomes unique over the rows without a
    reminder (the same name, so a migrated and a new database have the same indexes). A column or index
    already there is kept."""
    if "reminder_id" not in {c.name for c in db.get_columns("transmission")}:
        db.execute_sql('ALTER TABLE "transmission" ADD COLUMN "reminder_id" INTEGER REFERENCES "reminder" ("id")')
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "transmission_reminder_id" ON "transmission" ("reminder_id")')
    db.execute_sql('DROP INDEX IF EXISTS "transmission_invoice_id"')
    db.execute_sql('CREATE UNIQUE INDEX "transmission_invoice_id" ON "transmission" ("invoice_id") '
                   'WHERE ("reminder_id" IS NULL)')


MIGRATIONS[6] = _migrate_6_reminder_transmissions


def _migrate_7_unit_attempts(migrator: Any) -> None:
    """The register's pending control-unit attempts (kassa.models.register.UnitAttempt), a new table."""
    db.create_tables([UnitAttempt], safe=True)


MIGRATIONS[7] = _migrate_7_unit_attempts


def current_version() -> int | None:
    if not db.table_exists("schema_version"):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.id.desc()).first()
    return row.version if row else None


def backup_before_migration() -> None:
    """Copy the SQLite file with SQLite's online backup before touching the schema."""
    path = sqlite_path()
    if path is None or not path.exists():
        return
    target = path.with_name(f"{path.stem}.before-migration-{dt.datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    log.info("backed up the database to %s before migrating", target)


def ensure_schema() -> None:
    version = current_version()
    if version is None:
        with db.atomic():
            db.create_tables(MODELS, safe=True)
            install_triggers()
            for stmt in registration_triggers(is_postgres()):
                db.execute_sql(stmt)
            for stmt in cash_register_triggers(is_postgres()):
                db.execute_sql(stmt)
            SchemaVersion.create(version=SCHEMA_VERSION)
            NumberSeries.insert(name="invoice", next_number=1).on_conflict_ignore().execute()
            seed_vat_groups()
        return
    if version < SCHEMA_VERSION:
        # playhouse.migrate pulls in the PostgreSQL driver; only a migration needs it.
        from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

        backup_before_migration()
        migrator = PostgresqlMigrator(db) if is_postgres() else SqliteMigrator(db)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with db.atomic():
                MIGRATIONS[step](migrator)
                SchemaVersion.create(version=step)
            log.info("migrated the database to schema version %s", step)
