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
from kassa.models.print_jobs import PrintJob
from kassa.models.sales import Payment, Sale, SaleLine
from kassa.models.transmissions import InterestRequest, Transmission
from kassa.models.vat import VatGroup, VatRatePeriod, seed_vat_groups

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4


class SchemaVersion(BaseModel):
    version = peewee.IntegerField()
    changed_at = peewee.DateTimeField(default=dt.datetime.now)


MODELS = [
    SchemaVersion, Company, CustomerCategory, Customer, VatGroup, VatRatePeriod, Article, Sale, SaleLine, Payment,
    NumberSeries, Invoice, InvoiceLine, AuditEvent, Transmission, InterestRequest, PrintJob, *BOOKKEEPING_MODELS,
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

_INVOICE_CONTENT = [
    f.column_name for f in Invoice._meta.sorted_fields if f.name not in Invoice.MUTABLE_FIELDS and f.name != "id"
]


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _INVOICE_CONTENT)
    abort = "SELECT RAISE(ABORT, 'issued invoice is immutable');"
    return [
        f"CREATE TRIGGER IF NOT EXISTS invoice_no_update BEFORE UPDATE ON invoice WHEN {changed} BEGIN {abort} END",
        f"CREATE TRIGGER IF NOT EXISTS invoice_no_delete BEFORE DELETE ON invoice BEGIN {abort} END",
        f"CREATE TRIGGER IF NOT EXISTS invoice_line_no_update BEFORE UPDATE ON invoice_line BEGIN {abort} END",
        f"CREATE TRIGGER IF NOT EXISTS invoice_line_no_delete BEFORE DELETE ON invoice_line BEGIN {abort} END",
        f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event BEGIN {abort} END",
        f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event BEGIN {abort} END",
    ]


def _postgres_triggers() -> list[str]:
    old = ", ".join(f"OLD.{c}" for c in _INVOICE_CONTENT)
    new = ", ".join(f"NEW.{c}" for c in _INVOICE_CONTENT)
    stmts = [
        "CREATE OR REPLACE FUNCTION kassa_immutable() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'issued invoice is immutable'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION kassa_invoice_update() RETURNS trigger AS $$ BEGIN "
        f"IF ROW({old}) IS DISTINCT FROM ROW({new}) THEN RAISE EXCEPTION 'issued invoice is immutable'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
    ]
    for table, event, func in [
        ("invoice", "UPDATE", "kassa_invoice_update"),
        ("invoice", "DELETE", "kassa_immutable"),
        ("invoice_line", "UPDATE OR DELETE", "kassa_immutable"),
        ("audit_event", "UPDATE OR DELETE", "kassa_immutable"),
    ]:
        name = f"{table}_guard_{event.split()[0].lower()}"
        stmts.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        stmts.append(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {func}()")
    return stmts


def install_triggers(replace: bool = False) -> None:
    """The triggers that keep issued invoices fixed; `replace` renews them after columns were added."""
    if replace and not is_postgres():
        for name in ("invoice_no_update", "invoice_no_delete", "invoice_line_no_update", "invoice_line_no_delete",
                     "audit_event_no_update", "audit_event_no_delete"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    for stmt in _postgres_triggers() if is_postgres() else _sqlite_triggers():
        db.execute_sql(stmt)


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
