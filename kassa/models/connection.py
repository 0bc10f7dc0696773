"""Opening the database: bind the models' proxy to the configured database, then create or migrate the schema.

As vorta's store/connection.py: this module imports the models (through kassa.models.schema);
kassa.models.database, which the models import, imports none of them.
"""
from __future__ import annotations

import peewee

from kassa import config
from kassa.models.database import bind, make_database
from kassa.models.schema import ensure_schema


def connect(url: str | None = None, migrate: bool = True) -> peewee.Database:
    """Bind the proxy to ``url`` (default: the configured database); create or migrate the schema."""
    database = bind(make_database(url or config.database_url()))
    database.connect(reuse_if_open=True)
    if migrate:
        ensure_schema()
    return database
