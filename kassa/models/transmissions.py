from __future__ import annotations

import peewee

from kassa.models.base import BaseModel, utcnow
from kassa.models.fields import JsonField
from kassa.models.invoices import Invoice

# queued → uploading → uploaded → processing → accepted → delivered | approved | rejected
# | error | awaiting_interaction | cancelled; needs_attention when a person must act.
FINAL_STATES = ("delivered", "approved", "rejected", "cancelled")


class Transmission(BaseModel):
    """One e-invoice on its way through Pagero. One row per invoice, enforced by a unique key.

    The row exists before any network call; `payload` is the UBL as sent (the electronic original).
    """

    invoice = peewee.ForeignKeyField(Invoice, unique=True, backref="transmission")
    state = peewee.CharField(default="queued", index=True)
    sender_reference = peewee.CharField(unique=True)
    send_mode = peewee.CharField(default="Test")
    company_id = peewee.CharField(default="")
    payload = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow, index=True)
    claimed_by = peewee.CharField(default="")
    claimed_at = peewee.DateTimeField(null=True)
    file_id = peewee.CharField(default="")
    filepart_id = peewee.CharField(default="")
    document_id = peewee.CharField(default="")
    last_error = peewee.TextField(default="")
    messages = JsonField(default=list)  # Pagero's own texts, newest last
    buyer_response = peewee.CharField(default="")  # RecipientAccept | RecipientReject | …
    buyer_response_at = peewee.DateTimeField(null=True)


class InterestRequest(BaseModel):
    """An "Anmäl intresse" form: stored first, then sent by the send queue, so none is lost offline."""

    created_at = peewee.DateTimeField(default=utcnow)
    form = JsonField()
    state = peewee.CharField(default="queued", index=True)  # queued | sending | sent | needs_attention
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow)
    last_error = peewee.TextField(default="")
    sent_at = peewee.DateTimeField(null=True)
