from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import peewee

from kassa.models.database import db, is_postgres

# The server's clock as the rows hold times (naive UTC). statement_timestamp(), not now(): now() is the
# start of the transaction, which may be long past in one that waited for a lock; the statement's start
# is the moment of asking, and unlike clock_timestamp() one value however often a statement uses it.
_SERVER_NOW = "SELECT statement_timestamp() AT TIME ZONE 'UTC'"


def utcnow() -> dt.datetime:
    """This machine's clock, naive UTC; both databases store it the same way."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def db_now() -> dt.datetime:
    """The database's clock, naive UTC: the one clock that tills sharing a database agree on.

    On PostgreSQL the server's time (one round trip); tills on one server may have clocks minutes
    apart, and a time one till writes is compared by another (the send queue's leases and grace).
    SQLite is one machine's file, so its clock is this machine's."""
    if is_postgres():
        return db.execute_sql(_SERVER_NOW).fetchone()[0]
    return utcnow()


class BaseModel(peewee.Model):
    if TYPE_CHECKING:
        # What peewee adds at run time, for the type checker: the implicit `id` primary key
        # (the field on the class, its value on a row) and the primary key's value.
        id: Any
        _pk: Any

    class Meta:
        database = db
        legacy_table_names = False
