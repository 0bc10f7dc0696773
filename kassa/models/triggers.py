"""The triggers that keep issued invoices, their lines and the audit log fixed, in both databases.

Apart from the schema module so that migrations can renew them without importing the schema.
"""
from __future__ import annotations

from kassa.models.database import db, is_postgres
from kassa.models.invoices import Invoice

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
