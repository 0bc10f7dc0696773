"""Loading the PostgreSQL driver only when a PostgreSQL database is used.

peewee imports psycopg when it is itself imported, which costs about a third of the
till's start-up (benchmarks/bench_startup.py) on a till that uses SQLite. So peewee is
imported with psycopg hidden, and `load()` hands the driver to peewee when a PostgreSQL
URL is opened. `load()` checks that peewee took it, so a peewee that changes how it keeps
its driver fails loudly here instead of later.
"""
from __future__ import annotations

import importlib
import sys


def import_peewee_without_driver():
    if "peewee" in sys.modules:
        return sys.modules["peewee"]
    hidden = "psycopg" not in sys.modules
    if hidden:
        sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` in peewee raises
    try:
        return importlib.import_module("peewee")
    finally:
        if hidden and sys.modules.get("psycopg") is None:
            del sys.modules["psycopg"]


def load() -> None:
    """Give peewee the psycopg (3) driver; raises ImportError when it is not installed."""
    import peewee
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    if getattr(peewee, "psycopg", None) is psycopg:
        return
    # peewee keeps the driver in module globals it set (or left unset) when it was imported.
    for name, value in (("psycopg", psycopg), ("TransactionStatus", TransactionStatus), ("Json_pg3", Json),
                        ("Jsonb_pg3", Jsonb)):
        setattr(peewee, name, value)
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
    probe = peewee.PostgresqlDatabase("probe")
    if not isinstance(getattr(probe, "_adapter", None), adapter):  # pragma: no cover - a peewee we do not know
        raise RuntimeError("peewee did not take the psycopg driver; check kassa/models/pg_driver.py")
