"""The states of a transmission in words, and the one way a row moves from one state to another.

The states themselves are ``kassa.models.TransmissionState``; here are their Swedish texts and
``transition``: a state change that happens only if nobody changed the row's state meanwhile,
written to the invoice's audit log and the row's messages in the same transaction.

Every time the queue stores on a row (when it changed, when it is next due, the times of its
messages) is the database's (``kassa.models.db_now``), never a till's own clock: one till's times
are compared by another (a lease, the grace before posting again), and tills' clocks differ.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from kassa.models import AuditEvent, Transmission, TransmissionState, db_now
from kassa.models.database import write_transaction

log = logging.getLogger(__name__)

STATE_TEXTS = {
    TransmissionState.QUEUED: "I kö",
    TransmissionState.UPLOADING: "Skickas",
    TransmissionState.UPLOADED: "Uppladdad till Pagero",
    TransmissionState.PROCESSING: "Behandlas hos Pagero",
    TransmissionState.ACCEPTED: "Mottagen av Pagero",
    TransmissionState.DELIVERED: "Levererad till köparen",
    TransmissionState.APPROVED: "Godkänd av köparen",
    TransmissionState.REJECTED: "Avvisad av köparen",
    TransmissionState.ERROR: "Fel hos Pagero",
    TransmissionState.AWAITING_INTERACTION: "Väntar på åtgärd i Pagero Online",
    TransmissionState.CANCELLED: "Avbruten",
    TransmissionState.NEEDS_ATTENTION: "Behöver åtgärd",
}

NOT_CONNECTED_TEXT = "Inte ansluten till Pagero"
MAX_MESSAGES = 50  # Transmission.messages keeps the newest ones


def state_text(state: str) -> str:
    """The Swedish words for a state (an unknown state's own text)."""
    try:
        return STATE_TEXTS[TransmissionState(state)]
    except ValueError:
        return str(state)


def timestamp(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def audit_entry(row: Transmission, state: TransmissionState, text: str) -> tuple[str, str]:
    """The invoice's audit event of a state change: a reminder's row says it is the reminder's."""
    message = text or state_text(state)
    if row.reminder_id is None:
        return f"e_invoice_{state}", message
    return f"reminder_e_invoice_{state}", f"Påminnelsens e-faktura: {message}"


def transition(row: Transmission, state: TransmissionState, text: str = "", *, actor: str = "",
               next_in: float | None = None, only_if_claimed_by: str | None = None,
               extra_message: dict | None = None, **fields: Any) -> bool:
    """Move ``row`` to ``state`` if nobody changed its state meanwhile; audit log and messages too.

    ``next_in``: seconds from now (the database's now) until the row is next due."""
    where = (Transmission.id == row.id) & (Transmission.state == row.state)
    if only_if_claimed_by is not None:
        where &= Transmission.claimed_by == only_if_claimed_by
    event, message = audit_entry(row, state, text)
    with write_transaction():
        # Asked inside the transaction: on SQLite after the write lock was taken, so that the time
        # written is not older than the moment the change could be made.
        now = db_now()
        entry = {"at": timestamp(now), "state": str(state), "text": text}
        if extra_message:
            entry.update(extra_message)
        messages = (list(row.messages or []) + [entry])[-MAX_MESSAGES:]
        values: dict[str, Any] = dict(state=state, updated_at=now, attempts=0, messages=messages)
        values.update(fields)
        if next_in is not None:
            values["next_attempt_at"] = now + seconds(next_in)
        changed = Transmission.update(**values).where(where).execute()
        if changed:
            AuditEvent.create(invoice=row.invoice_id, event=event, message=message, actor=actor)
    if not changed:
        log.info("transmission %s: state changed elsewhere, %s -> %s skipped", row.id, row.state, state)
        return False
    for key, value in values.items():
        setattr(row, key, value)
    return True


def reschedule(row: Transmission, delay: float, last_error: str = "") -> None:
    """Come back ``delay`` seconds from the database's now, same state; ``attempts`` counts the tries
    in this state."""
    Transmission.update(
        next_attempt_at=db_now() + seconds(delay), attempts=Transmission.attempts + 1, last_error=last_error,
    ).where((Transmission.id == row.id) & (Transmission.state == row.state)).execute()
