"""The receipt printer's queue: printouts kept in the database until they have really printed."""
from __future__ import annotations

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.fields import JsonField

# queued → printing → printed; a job found in 'printing' after a crash becomes 'uncertain' (the
# cashier says whether it came out; it is never printed again blindly).
PRINT_JOB_STATES = ("queued", "printing", "printed", "uncertain")


class PrintJob(BaseModel):
    """One printout for this till's receipt printer, kept until it has really been printed.

    At most one job per (till, reference, kind): one original and one copy (KOPIA) of a receipt.
    """

    id = peewee.AutoField()
    created_at = peewee.DateTimeField(default=utcnow)
    till = peewee.CharField()
    reference = peewee.CharField()  # the register's name of the document, e.g. "receipt:KASSA-1:42"
    kind = peewee.CharField(default="original")  # original | kopia
    payload = JsonField()  # the Printout: {"lines": [...], "cut": true, "open_drawer": false}
    state = peewee.CharField(default="queued", index=True)
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
    printed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("till", "reference", "kind"), True),)
