"""Pagero's states in Kassa's terms: the one table, matched exactly, and what an answer means for a row.

    reading = document_reading(read_document(answer))   # Reading(state, text, unknown)
    if reading.unknown: …leave the row where it is, say "Okänt svar från Pagero" once…

Every state a row takes from Pagero's follow-up comes out of ``PAGERO_STATES``: a key is what the value
is (a file part's status, a document's distribution status, the buyer's answer) and Pagero's value as it
came, compared exactly: no case folding, no substrings ("Waiting to be delivered" is not "Done", and
"delivered" is no key). A value that is not in the table is *unknown*: the row stays where it was, and
the sender logs it once per row and shows it to a person with the raw value.

Values marked (inferred) are not in Pagero's public documentation; they are the delivery states Pagero
Online shows (../shared/docs/pagero-api.md, "What is not documented") in the API's own spelling. If
Pagero spells one otherwise, the row shows "Okänt svar från Pagero: …" with the real value, and this
table is the one place to add it.
"""
from __future__ import annotations

from dataclasses import dataclass

from kassa.models.transmissions import TransmissionState as State
from kassa.pagero.answers import Document, FilePart, excerpt

PART = "filepart"  # a file part's status (GET /file/v1/files/{id}/fileparts)
DISTRIBUTION = "distribution"  # a document's distribution status (Document API)
DOCUMENT = "document"  # a document exists but says nothing of its distribution
ANSWER = "answer"  # the buyer's application response: documentInfo.documentSubType

EXISTS = "(exists)"

PAGERO_STATES: dict[tuple[str, str], State] = {
    (PART, "Processing"): State.PROCESSING,
    (PART, "AwaitingInteraction"): State.AWAITING_INTERACTION,
    (PART, "Error"): State.ERROR,
    (DOCUMENT, EXISTS): State.ACCEPTED,  # Pagero made a document of the file: it holds the invoice
    (DISTRIBUTION, "WaitingToBeDelivered"): State.ACCEPTED,
    (DISTRIBUTION, "Done"): State.DELIVERED,
    (DISTRIBUTION, "DoneFetched"): State.DELIVERED,  # (inferred) "done (fetched)"
    (DISTRIBUTION, "ErrorAtReceiver"): State.ERROR,  # (inferred) "error at receiver"
    (DISTRIBUTION, "Undeliverable"): State.ERROR,  # (inferred) "undeliverable/rejected"
    (DISTRIBUTION, "Cancelled"): State.CANCELLED,  # (inferred) "cancelled"
    (ANSWER, "RecipientAccept"): State.APPROVED,
    (ANSWER, "RecipientReject"): State.REJECTED,
    (ANSWER, "RecipientRejectWithClearanceRemoval"): State.REJECTED,
}

UNKNOWN_TEXT = "Okänt svar från Pagero"
_WHAT = {PART: "filens status", DISTRIBUTION: "leveransstatus", ANSWER: "köparens svar"}


@dataclass(frozen=True)
class Reading:
    """What one of Pagero's answers says about a row.

    ``state`` None: nothing to change (Pagero's value is unknown, or there is nothing yet).
    ``unknown``: the Swedish line to show when the value is not in the table ("" otherwise).
    """

    state: State | None
    text: str = ""
    unknown: str = ""
    key: tuple[str, str] | None = None  # the table entry used (None when none was)


def lookup(kind: str, value: str) -> Reading:
    """The table's state for ``value`` as Pagero worded it; an unknown reading when it has none."""
    state = PAGERO_STATES.get((kind, value))
    if state is None:
        return Reading(None, unknown=f"{UNKNOWN_TEXT}: {_WHAT.get(kind, kind)} ”{excerpt(value)}”", key=None)
    return Reading(state, key=(kind, value))


def part_reading(part: FilePart) -> Reading:
    """A file part that is not processed yet or needs attention."""
    reading = lookup(PART, part.status)
    if reading.state is State.ERROR:
        return Reading(reading.state, part.description or "Pagero kunde inte behandla filen.", key=reading.key)
    if reading.state is State.AWAITING_INTERACTION:
        return Reading(reading.state, part.description or "Filen väntar på åtgärd i Pagero Online.", key=reading.key)
    return reading


def document_reading(document: Document) -> Reading:
    """A document Pagero made of the row's file."""
    if not document.status_given:
        reading = lookup(DOCUMENT, EXISTS)
    else:
        reading = lookup(DISTRIBUTION, document.status)
    if reading.state is State.ERROR:
        text = document.event_text or f"Pagero kunde inte leverera fakturan ({document.status})."
        return Reading(reading.state, text, key=reading.key)
    return Reading(reading.state, document.event_text, reading.unknown, reading.key)


def answer_reading(answer: Document) -> Reading:
    """The buyer's application response to the invoice."""
    reading = lookup(ANSWER, answer.sub_type)
    if reading.state is State.APPROVED:
        return Reading(reading.state, "Köparen har godkänt fakturan.", key=reading.key)
    if reading.state is State.REJECTED:
        text = "Köparen har avvisat fakturan."
        if answer.event_text and answer.event_text != answer.sub_type:
            text += f" Köparens skäl: {answer.event_text}"
        return Reading(reading.state, text, key=reading.key)
    return reading
