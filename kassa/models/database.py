"""The database: a peewee proxy bound at start-up to SQLite (default) or PostgreSQL.

The models are bound to the proxy `db`; kassa.models.connection binds it (and creates or
migrates the schema), so this module imports no model.

SQLite runs with WAL, foreign keys and synchronous FULL: a till must not lose a
committed invoice to a power cut. PostgreSQL is for several tills sharing one database.
"""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee  # kassa/models/__init__.py has imported it with the PostgreSQL driver hidden

from kassa.models import pg_driver

log = logging.getLogger(__name__)

db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",
    "busy_timeout": 30000,
}


class DatabaseConfigError(Exception):
    """A database URL that cannot be used; the message is Swedish and says what to fix."""


def make_database(url: str) -> peewee.Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # As SQLAlchemy has it: sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:///:memory:
        path = unquote(parsed.path)[1:]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=30)
    if parsed.scheme in ("postgres", "postgresql"):
        try:
            pg_driver.load()
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DatabaseConfigError(
                "PostgreSQL kräver paketet psycopg. Installera med: pip install 'kassa[postgres]'"
            ) from exc
        params: dict = {}
        if parsed.username:
            params["user"] = unquote(parsed.username)
        if parsed.password:
            params["password"] = unquote(parsed.password)
        if parsed.hostname:
            params["host"] = unquote(parsed.hostname)
        if parsed.port:
            params["port"] = parsed.port
        for pair in filter(None, parsed.query.split("&")):
            key, _, value = pair.partition("=")
            params[key] = unquote(value)
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise DatabaseConfigError("Databasadressen saknar databasens namn, t.ex. postgresql://kassa@server/kassa")
        return peewee.PostgresqlDatabase(name, **params)
    raise DatabaseConfigError(
        f"Okänd databasadress '{parsed.scheme}:…'. Använd sqlite:///SÖKVÄG eller postgresql://användare@server/databas"
    )


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def sqlite_path() -> Path | None:
    if is_sqlite() and db.obj.database != ":memory:":
        return Path(db.obj.database)
    return None


def bind(database: peewee.Database) -> peewee.Database:
    db.initialize(database)
    return database


def close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


@contextlib.contextmanager
def write_transaction():
    """A transaction that takes the write lock at once.

    On SQLite `BEGIN IMMEDIATE`, so two tills never both read a number series and
    then race to write; on PostgreSQL a normal transaction, where callers lock the
    rows they change with SELECT … FOR UPDATE.
    """
    if is_sqlite():
        with db.obj.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with db.atomic() as txn:
            yield txn
