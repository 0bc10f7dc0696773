"""The journal memory (journalminne): every registration of a till, append-only and hash-chained.

Each till has its own chain: row `seq` n carries the SHA-256 of row n-1 (`prev_hash`) and its
own `hash` over its content and that previous hash, so a changed, removed or inserted row breaks
the chain (kassa.register.journal computes and verifies it). The database refuses UPDATE and
DELETE on this table (kassa.models.register.cash_register_triggers).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from kassa.models.fields import JsonField, MoneyField
from kassa.models.register import Receipt, RegisterDay, _WriteOnce


class JournalEntry(_WriteOnce):
    till = peewee.CharField()
    seq = peewee.BigIntegerField()  # 1, 2, … per till, unbroken
    at = peewee.DateTimeField()  # UTC
    event = peewee.CharField()  # kassa.register.events
    day = peewee.ForeignKeyField(RegisterDay, null=True, backref="journal")
    receipt = peewee.ForeignKeyField(Receipt, null=True, backref="journal")
    amount = MoneyField(null=True)
    data = JsonField()
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' values
        day_id: int | None
        receipt_id: int | None

    class Meta:
        # (till, at): the export reads each till's rows in time order (with the id, SQLite's rowid, as tie)
        indexes = ((("till", "seq"), True), (("till", "at"), False))
