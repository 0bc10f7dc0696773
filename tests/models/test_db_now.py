"""db_now(): the database's clock, which tills sharing a PostgreSQL server agree on (the send queue's leases
and grace are measured by it, kassa.outbox.states), and this machine's on SQLite."""
from __future__ import annotations

import datetime as dt
import time

import pytest

import kassa.models.base
from kassa.models import db_now
from kassa.models.database import write_transaction

REAL_UTCNOW = kassa.models.base.utcnow


@pytest.mark.postgres
def test_on_postgresql_it_is_the_servers_time_and_not_frozen_at_the_transactions_start(pg_db, monkeypatch):
    # This machine's clock an hour ahead of the server's: db_now does not read it.
    monkeypatch.setattr(kassa.models.base, "utcnow", lambda: REAL_UTCNOW() + dt.timedelta(hours=1))

    def server() -> dt.datetime:
        return pg_db.execute_sql("SELECT clock_timestamp() AT TIME ZONE 'UTC'").fetchone()[0]

    with write_transaction():
        started = pg_db.execute_sql("SELECT now() AT TIME ZONE 'UTC'").fetchone()[0]
        time.sleep(0.05)
        before = server()
        first = db_now()
        time.sleep(0.05)
        second = db_now()
        after = server()

    assert before <= first < second <= after
    assert first - started >= dt.timedelta(seconds=0.05)  # not now(), the transaction's start
    assert second - first >= dt.timedelta(seconds=0.05)


def test_on_sqlite_it_is_this_machines_clock(db):
    before = REAL_UTCNOW()
    now = db_now()
    assert before <= now <= REAL_UTCNOW()
    assert now.tzinfo is None  # naive UTC, as the rows hold times
