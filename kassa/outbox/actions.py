"""A person's actions on the send queue: retry after an error, cancel before delivery.

Both say in Swedish (OutboxError) why they cannot be done now; neither ever makes Pagero get
something it already has a second time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kassa.models import Transmission
from kassa.models.transmissions import PROBLEM_STATES
from kassa.models.transmissions import TransmissionState as State
from kassa.outbox.sender import default_client_factory
from kassa.outbox.states import state_text, transition
from kassa.pagero.errors import NotConnectedError, OutcomeUnknownError, PageroError


class OutboxError(Exception):
    """A retry or cancel that cannot be done now; the message is Swedish and says why."""


def _get(transmission_id: int) -> Transmission:
    row = Transmission.get_or_none(Transmission.id == transmission_id)
    if row is None:
        raise OutboxError(f"Det finns ingen e-faktura i sändkön med id {transmission_id}.")
    return row


def _back_to(row: Transmission) -> State:
    """The state a needs_attention row came from (kept in its last message); queued when unknown."""
    for message in reversed(row.messages or []):
        if message.get("state") == State.NEEDS_ATTENTION:
            try:
                return State(message.get("from") or State.QUEUED)
            except ValueError:
                return State.QUEUED
    return State.QUEUED


def retry(transmission_id: int, client_factory: Callable[[], Any] = default_client_factory,
          actor: str = "") -> Transmission:
    """Try again after an error: restart Pagero's file part when there is one, else pick up
    where it stopped. Never a second upload of something Pagero already has."""
    row = _get(transmission_id)
    if row.state not in PROBLEM_STATES:
        raise OutboxError(f"E-fakturan är {state_text(row.state).lower()}; "
                          "bara en e-faktura med fel eller som behöver åtgärd kan skickas om.")
    if row.state in (State.ERROR, State.AWAITING_INTERACTION) and row.filepart_id:
        client = client_factory()
        try:
            client.part_action(row.filepart_id, "Restart")
            target, text = State.PROCESSING, "Omstartad hos Pagero."
        except OutcomeUnknownError:
            # Pagero may have restarted it: read the file again rather than ask twice.
            target, text = State.UPLOADED, "Omstarten fick inget säkert svar från Pagero; filen följs upp hos Pagero."
        except NotConnectedError:
            raise
        except PageroError as exc:
            raise OutboxError(f"Pagero kunde inte starta om filen: {exc}") from None
    elif row.state == State.NEEDS_ATTENTION:
        target = _back_to(row)
        if target == State.UPLOADING:
            text = "Nytt försök: kontrolleras först mot Pagero."
        elif target == State.QUEUED:
            text = "Nytt försök: läggs i kö igen."
        else:
            text = "Nytt försök: följs upp hos Pagero igen."
    elif row.document_id:
        target, text = State.ACCEPTED, "Följs upp hos Pagero igen."
    elif row.file_id:
        target, text = State.UPLOADED, "Följs upp hos Pagero igen."
    else:
        target, text = State.UPLOADING, "Nytt försök: kontrolleras först mot Pagero."
    if not transition(row, target, text, actor=actor, next_in=0, last_error="", claimed_by=""):
        raise OutboxError("E-fakturan ändrades samtidigt av någon annan. Försök igen.")
    return row


def cancel(transmission_id: int, client_factory: Callable[[], Any] = default_client_factory,
           actor: str = "") -> Transmission:
    """Stop an e-invoice before delivery: Pagero's Cancel where a file part exists."""
    row = _get(transmission_id)
    if row.state == State.CANCELLED:
        return row
    if row.state in (State.ACCEPTED, State.DELIVERED, State.APPROVED, State.REJECTED) or row.document_id:
        raise OutboxError("Pagero har redan tagit emot fakturan och skickar den till köparen, så den kan inte "
                          "avbrytas. Gör en kreditfaktura i stället.")
    if row.state == State.UPLOADING:
        raise OutboxError("Fakturan laddas upp till Pagero just nu. Vänta en stund och försök igen.")
    reached_pagero = bool(row.file_id) or (row.state == State.NEEDS_ATTENTION and _back_to(row) != State.QUEUED)
    if not reached_pagero:
        text = "Avbruten innan den skickades till Pagero."
    elif not row.file_id:
        raise OutboxError("Det är oklart om Pagero har fått fakturan. Välj ”Försök igen” (då kontrolleras det "
                          "först hos Pagero) innan du avbryter.")
    else:
        client = client_factory()
        part_id = row.filepart_id
        try:
            if not part_id and row.file_id:
                parts = client.fileparts(row.file_id)
                part_id = parts[0].id if parts else ""
            if not part_id:
                raise OutboxError("Pagero har redan behandlat fakturan, så den kan inte avbrytas. "
                                  "Gör en kreditfaktura i stället.")
            client.part_action(part_id, "Cancel")
        except OutcomeUnknownError:
            raise OutboxError("Pagero gav inget säkert svar på avbrytandet. Vänta en stund och försök igen; "
                              "Kassa kontrollerar då först hos Pagero.") from None
        except NotConnectedError:
            raise
        except PageroError as exc:
            raise OutboxError(f"Pagero kunde inte avbryta filen: {exc}") from None
        text = "Avbruten hos Pagero."
    if not transition(row, State.CANCELLED, text, actor=actor, last_error=""):
        raise OutboxError("E-fakturan ändrades samtidigt av någon annan. Försök igen.")
    return row
