from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import peewee

from kassa.models.database import db


def utcnow() -> dt.datetime:
    """Naive UTC; both databases store it the same way."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    if TYPE_CHECKING:
        # What peewee adds at run time, for the type checker: the implicit `id` primary key
        # (the field on the class, its value on a row) and the primary key's value.
        id: Any
        _pk: Any

    class Meta:
        database = db
        legacy_table_names = False
