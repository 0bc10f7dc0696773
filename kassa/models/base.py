from __future__ import annotations

import datetime as dt

import peewee

from kassa.models.database import db


def utcnow() -> dt.datetime:
    """Naive UTC; both databases store it the same way."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False
