"""The send queue for e-invoices (DESIGN.md, "The invoice path"): exactly once through Pagero.

    transmission = enqueue_invoice(invoice.id, till="Kassa 1")   # the print action; SendBlocked if not sendable
    Sender(client_factory, "till-1").run(stop_event)             # background thread or `kassa outbox run`

Exactly once rests on three things:

1. ``enqueue_invoice`` stores the transmission row (with the UBL as sent) in the same
   transaction that marks the invoice as e-invoiced; the unique key on the invoice makes a
   second row impossible, whatever clicks twice.
2. Before an upload the row is marked ``uploading`` and committed. The file id is stored when
   Pagero answers. A row found in ``uploading`` (a crash, a lost answer, a lease that ran out)
   is reconciled first: Pagero's documents are looked up by ``senderReference``, and only
   when Pagero still has nothing after ``SendPolicy.reconcile_grace`` is it posted again.
3. Senders claim rows in short transactions (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
   ``BEGIN IMMEDIATE`` on SQLite) that set ``claimed_by`` and push ``next_attempt_at`` one
   lease ahead, so two senders never work on the same row at once, and a dead sender's rows
   come back after the lease. State changes are conditional on the state read, so a late
   writer cannot overwrite a newer state.

Follow-up is polling at growing intervals; every state change goes to the invoice's audit log
(AuditEvent) and to ``Transmission.messages``. Nothing here imports Qt.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import peewee

from kassa.models import AuditEvent, Company, Customer, InterestRequest, Invoice, Transmission, utcnow
from kassa.models.database import is_postgres, write_transaction
from kassa.peppol.pagero_errors import (
    NeedsAttentionError,
    KeyringUnavailableError,
    NotConnectedError,
    OutcomeUnknownError,
    PageroError,
    TransientError,
)

log = logging.getLogger(__name__)

# -- states ----------------------------------------------------------------------------------

QUEUED = "queued"
UPLOADING = "uploading"
UPLOADED = "uploaded"
PROCESSING = "processing"
ACCEPTED = "accepted"
DELIVERED = "delivered"
APPROVED = "approved"
REJECTED = "rejected"
ERROR = "error"
AWAITING_INTERACTION = "awaiting_interaction"
CANCELLED = "cancelled"
NEEDS_ATTENTION = "needs_attention"

# Rows a sender works on (besides delivered rows that wait for the buyer's answer).
ACTIVE_STATES = (QUEUED, UPLOADING, UPLOADED, PROCESSING, ACCEPTED)
PROBLEM_STATES = (ERROR, NEEDS_ATTENTION, AWAITING_INTERACTION)
DONE_STATES = (DELIVERED, APPROVED, REJECTED, CANCELLED)

STATE_TEXTS = {
    QUEUED: "I kö",
    UPLOADING: "Skickas",
    UPLOADED: "Uppladdad till Pagero",
    PROCESSING: "Behandlas hos Pagero",
    ACCEPTED: "Mottagen av Pagero",
    DELIVERED: "Levererad till köparen",
    APPROVED: "Godkänd av köparen",
    REJECTED: "Avvisad av köparen",
    ERROR: "Fel hos Pagero",
    AWAITING_INTERACTION: "Väntar på åtgärd i Pagero Online",
    CANCELLED: "Avbruten",
    NEEDS_ATTENTION: "Behöver åtgärd",
}

NOT_CONNECTED_TEXT = "Inte ansluten till Pagero"
RULES_MISSING_NOTE = (
    "Skickad efter Kassas egna kontroller. Den officiella valideringen (regelpaketet) är inte "
    "installerad, så fakturan har inte kontrollerats mot Peppol-reglerna. Installera den med "
    "”kassa rules install KÄLLA”."
)
MAX_MESSAGES = 50  # Transmission.messages keeps the newest ones


class SendBlocked(Exception):
    """The invoice cannot be sent as it is; ``problems`` are Swedish texts saying what to fix."""

    def __init__(self, problems: list[str], findings: list | None = None):
        self.problems = list(problems)
        self.findings = list(findings or [])
        lines = "\n".join(f"• {p}" for p in self.problems)
        super().__init__(f"E-fakturan kan inte skickas förrän detta är rättat:\n{lines}")


class OutboxError(Exception):
    """A retry or cancel that cannot be done now; the message is Swedish and says why."""


def _unexpected_error_text() -> str:
    from kassa.logging_setup import log_file_path

    return (f"Ett oväntat fel stoppade sändningen; Kassa försöker igen om en stund. "
            f"Felet finns i loggen ({log_file_path()}). Kvarstår det, kontakta den som sköter Kassa.")


@dataclass
class SendPolicy:
    """Timings of the queue, in seconds. The defaults suit Pagero; tests make them short."""

    poll_intervals: tuple[float, ...] = (5, 10, 30, 60, 300, 900, 3600)  # the last one repeats
    answer_intervals: tuple[float, ...] = (60, 300, 900, 3600, 4 * 3600)  # the buyer's answer, after delivery
    answer_window: float = 30 * 24 * 3600  # stop asking for the buyer's answer after this
    retry_intervals: tuple[float, ...] = (10, 30, 60, 300, 900)  # after a transient failure
    not_connected_delay: float = 60.0
    lease: float = 300.0  # a claim; another sender may then look at the row, never post it before the grace
    # From marking a row `uploading` to posting it again when Pagero has no document: the
    # longest upload with all the client's retries (about 860 s) and 10 min to become a document.
    reconcile_grace: float = 1500.0
    batch: int = 20
    idle: float = 30.0  # the longest sleep of run() when nothing is due

    @staticmethod
    def pick(intervals: tuple[float, ...], attempt: int) -> float:
        return float(intervals[min(max(attempt, 0), len(intervals) - 1)])


def _ts(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


# -- the print action ---------------------------------------------------------------------------


def sender_reference(company: Company, invoice: Invoice) -> str:
    return f"kassa-{company.org_number}-{invoice.number}"


def _problem_text(problem: Any) -> str:
    for attr in ("message_sv", "message", "text"):
        value = getattr(problem, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(problem)


def _official_validation(xml: bytes) -> str:
    """Run the rule pack; raise SendBlocked on fatal findings; the note to keep when it could not run."""
    from kassa.peppol.rules import DocumentError, RulePackError, get_rule_pack

    pack = get_rule_pack()
    if pack is None:
        return RULES_MISSING_NOTE
    try:
        findings = pack.validate(xml)
    except RulePackError as exc:
        log.warning("rule pack unusable, sending after own checks: %s", exc)
        return f"Skickad efter Kassas egna kontroller; den officiella valideringen kunde inte köras: {exc}"
    except DocumentError as exc:
        raise SendBlocked([str(exc)]) from None
    fatal = [f for f in findings if f.is_fatal]
    if fatal:
        raise SendBlocked([f"{f.explanation_sv or f.text} ({f.rule_id})" for f in fatal], fatal)
    return ""


def enqueue_invoice(invoice_id: int, till: str = "") -> Transmission:
    """Decide to e-invoice: checks, UBL, official validation, then the row, in one transaction.

    Raises SendBlocked (nothing stored) when the invoice cannot be sent. Idempotent: a second
    call returns the row of the first. Validation takes a moment (and compiles the rule pack
    on first use), so call it off the UI thread.
    """
    existing = Transmission.get_or_none(Transmission.invoice == invoice_id)
    if existing is not None:
        return existing
    from kassa.peppol.checks import check_invoice
    from kassa.peppol.ubl import build_ubl

    invoice = Invoice.get_by_id(invoice_id)
    problems = check_invoice(invoice)
    if problems:
        raise SendBlocked([_problem_text(p) for p in problems])
    xml = build_ubl(invoice)
    note = _official_validation(xml)
    company = Company.get_solo()
    now = utcnow()
    text = "Lagd i sändkön för Pagero." + (f" {note}" if note else "")
    try:
        with write_transaction():
            transmission = Transmission.create(
                invoice=invoice, state=QUEUED, sender_reference=sender_reference(company, invoice),
                send_mode=company.pagero_send_mode or "Test", company_id=company.pagero_company_id or "",
                payload=xml.decode("utf-8"), created_at=now, updated_at=now, next_attempt_at=now,
                messages=[{"at": _ts(now), "state": QUEUED, "text": text}],
            )
            Invoice.update(delivery="e_invoice").where(Invoice.id == invoice.id).execute()
            AuditEvent.create(invoice=invoice, event="e_invoice_queued", message=text, actor=till)
    except peewee.IntegrityError:
        # Another till or click won the race; the unique key on the invoice kept it to one row.
        existing = Transmission.get_or_none(Transmission.invoice == invoice_id)
        if existing is None:
            raise
        return existing
    log.info("invoice %s queued for Pagero as transmission %s", invoice.number, transmission.id)
    return transmission


def queue_interest(form: dict[str, Any]) -> InterestRequest:
    """Store an "Anmäl intresse" form; the sender posts it when Pagero can be reached."""
    with write_transaction():
        return InterestRequest.create(form=dict(form), state="queued", next_attempt_at=utcnow())


# -- state changes ------------------------------------------------------------------------------


def _transition(row: Transmission, state: str, text: str = "", *, actor: str = "", next_at: dt.datetime | None = None,
                only_if_claimed_by: str | None = None, extra_message: dict | None = None, **fields: Any) -> bool:
    """Move ``row`` to ``state`` if nobody changed its state meanwhile; audit log and messages too."""
    now = utcnow()
    entry = {"at": _ts(now), "state": state, "text": text}
    if extra_message:
        entry.update(extra_message)
    messages = (list(row.messages or []) + [entry])[-MAX_MESSAGES:]
    values: dict[str, Any] = dict(state=state, updated_at=now, attempts=0, messages=messages)
    values.update(fields)
    if next_at is not None:
        values["next_attempt_at"] = next_at
    where = (Transmission.id == row.id) & (Transmission.state == row.state)
    if only_if_claimed_by is not None:
        where &= Transmission.claimed_by == only_if_claimed_by
    with write_transaction():
        changed = Transmission.update(**values).where(where).execute()
        if changed:
            AuditEvent.create(invoice=row.invoice_id, event=f"e_invoice_{state}",
                              message=text or STATE_TEXTS.get(state, state), actor=actor)
    if not changed:
        log.info("transmission %s: state changed elsewhere, %s -> %s skipped", row.id, row.state, state)
        return False
    for key, value in values.items():
        setattr(row, key, value)
    return True


def _reschedule(row: Transmission, delay: float, last_error: str = "") -> None:
    """Come back later, same state; ``attempts`` counts the tries in this state."""
    Transmission.update(
        next_attempt_at=utcnow() + _seconds(delay), attempts=Transmission.attempts + 1, last_error=last_error,
    ).where((Transmission.id == row.id) & (Transmission.state == row.state)).execute()


def _part_text(part: dict) -> str:
    error = part.get("error") or {}
    description = error.get("description") if isinstance(error, dict) else None
    if isinstance(description, list):
        return "; ".join(str(d) for d in description if d)
    return str(description or "")


def _document_outcome(document: dict) -> tuple[str, str]:
    """The state a Pagero document stands for, and its newest event text."""
    distribution = document.get("distribution") or {}
    status = str(distribution.get("status") or "").casefold()
    events = document.get("eventDetails") or []
    text = str(events[-1].get("description") or "") if events else ""
    if "cancel" in status:
        return CANCELLED, text
    if any(word in status for word in ("error", "undeliverable", "reject")):
        return ERROR, text or f"Pagero kunde inte leverera fakturan ({distribution.get('status')})."
    if any(word in status for word in ("done", "delivered", "fetched")):
        return DELIVERED, text
    return ACCEPTED, text


# -- the sender ---------------------------------------------------------------------------------


def default_client_factory():
    """A PageroClient for the configured account: tokens from the keyring (raises PageroError if none)."""
    from kassa.peppol.client import PageroClient
    from kassa.peppol.credentials import token_manager

    return PageroClient(token_manager())


def default_interest_client_factory():
    """Posting "Anmäl intresse" needs no login."""
    from kassa.peppol.client import PageroClient

    return PageroClient(None)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


@dataclass
class SenderStatus:
    """What the last round found, for a status line; ``message`` is Swedish ("" when all is well)."""

    connected: bool = True
    message: str = ""
    at: dt.datetime | None = None


class _NotConnected(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class Sender:
    """Claims due rows and moves each one step: upload, reconcile, poll, the buyer's answer.

    ``client_factory()`` returns a PageroClient (or raises NotConnectedError/PageroError when
    there is no connection); it is called again after a failure to connect.
    """

    def __init__(self, client_factory: Callable[[], Any] = default_client_factory, worker_id: str | None = None, *,
                 policy: SendPolicy | None = None,
                 interest_client_factory: Callable[[], Any] | None = default_interest_client_factory):
        self.client_factory = client_factory
        self.interest_client_factory = interest_client_factory
        self.worker_id = worker_id or default_worker_id()
        self.policy = policy or SendPolicy()
        self.status = SenderStatus()
        self._client = None
        self._interest_client = None

    # -- the loop ---------------------------------------------------------------------------

    def run(self, stop_event: threading.Event) -> None:
        """Work until ``stop_event`` is set; sleeps until the next row is due (never spins)."""
        failures = 0
        while not stop_event.is_set():
            try:
                worked = self.run_once()
                failures = 0
            except Exception as exc:  # a locked or lost database, a fault: wait, then go on
                failures += 1
                if isinstance(exc, peewee.DatabaseError):
                    log.warning("send queue: database error (%s); trying again", exc)
                else:
                    log.exception("send queue: round failed; trying again")
                stop_event.wait(min(self.policy.idle, 0.5 * 2 ** min(failures, 6)))
                continue
            if worked:
                continue
            stop_event.wait(self.seconds_until_due())
        self.close()

    def run_once(self) -> int:
        """One round: post due interest forms, then claim a batch of due rows and move each one step.

        Returns how many rows were worked on (0: nothing due now)."""
        worked = self._send_interest_requests()
        ids = self._claim()
        for index, transmission_id in enumerate(ids):
            try:
                self._step(transmission_id)
            except _NotConnected as exc:
                self._park_not_connected(ids[index:], exc.text)
                break
            except peewee.DatabaseError:
                raise
            except Exception:  # a fault in one row must not stop the queue; it is retried later
                log.exception("send queue: transmission %s failed unexpectedly", transmission_id)
                # Said where a person looks (E-fakturor, kassa outbox list), not only in the log.
                Transmission.update(
                    next_attempt_at=utcnow() + _seconds(self.policy.pick(self.policy.retry_intervals, 2)),
                    last_error=_unexpected_error_text(),
                ).where(Transmission.id == transmission_id).execute()
        return worked + len(ids)

    def run_until_idle(self, max_rounds: int = 1_000_000) -> int:
        """Rounds until nothing is due right now (``kassa outbox run --once``)."""
        total = 0
        for _ in range(max_rounds):
            worked = self.run_once()
            total += worked
            if not worked or not self.status.connected:
                break
        return total

    def seconds_until_due(self) -> float:
        """Until the next row or form is due, between 0.05 s and ``policy.idle``."""
        now = utcnow()
        candidates = []
        row = (Transmission.select(Transmission.next_attempt_at).where(self._due_filter(now, ignore_time=True))
               .order_by(Transmission.next_attempt_at).first())
        if row is not None:
            candidates.append(row.next_attempt_at)
        form = (InterestRequest.select(InterestRequest.next_attempt_at)
                .where(InterestRequest.state.in_(("queued", "sending")))
                .order_by(InterestRequest.next_attempt_at).first())
        if form is not None:
            candidates.append(form.next_attempt_at)
        if not candidates:
            return self.policy.idle
        seconds = (min(candidates) - now).total_seconds()
        return min(self.policy.idle, max(0.05, seconds))

    def close(self) -> None:
        for client in (self._client, self._interest_client):
            if client is not None and hasattr(client, "close"):
                client.close()
        self._client = self._interest_client = None

    # -- claiming ---------------------------------------------------------------------------

    def _due_filter(self, now: dt.datetime, ignore_time: bool = False):
        awaiting_answer = ((Transmission.state == DELIVERED) & (Transmission.buyer_response == "")
                           & (Transmission.updated_at > now - _seconds(self.policy.answer_window)))
        due = Transmission.state.in_(ACTIVE_STATES) | awaiting_answer
        return due if ignore_time else due & (Transmission.next_attempt_at <= now)

    def _claim(self) -> list[int]:
        now = utcnow()
        with write_transaction():
            query = (Transmission.select(Transmission.id).where(self._due_filter(now))
                     .order_by(Transmission.next_attempt_at, Transmission.id).limit(self.policy.batch))
            if is_postgres():
                query = query.for_update(skip_locked=True)
            ids = [row.id for row in query]
            if ids:
                Transmission.update(claimed_by=self.worker_id, claimed_at=now,
                                    next_attempt_at=now + _seconds(self.policy.lease)).where(
                    Transmission.id.in_(ids)).execute()
        return ids

    def _client_or_raise(self):
        if self._client is None:
            try:
                self._client = self.client_factory()
            except PageroError as exc:  # not connected, no keyring, no client secret
                raise _NotConnected(f"{NOT_CONNECTED_TEXT}. {exc}") from None
        return self._client

    def _park_not_connected(self, ids: list[int], text: str) -> None:
        """Leave the rows where they are and come back later; say why once."""
        self._client = None
        when = utcnow() + _seconds(self.policy.not_connected_delay)
        Transmission.update(next_attempt_at=when, last_error=text).where(Transmission.id.in_(ids)).execute()
        if self.status.connected:
            log.warning("send queue: %s", text)
        self.status = SenderStatus(connected=False, message=text, at=utcnow())

    # -- one step of one row ----------------------------------------------------------------

    def _step(self, transmission_id: int) -> None:
        row = Transmission.get_or_none(Transmission.id == transmission_id)
        if row is None or row.claimed_by != self.worker_id:
            return  # another sender took it over after our lease ran out
        handler = {
            QUEUED: self._upload, UPLOADING: self._reconcile, UPLOADED: self._poll_file,
            PROCESSING: self._poll_file, ACCEPTED: self._poll_document, DELIVERED: self._poll_answer,
        }.get(row.state)
        if handler is None:
            return
        client = self._client_or_raise()
        try:
            handler(row, client)
        except (NotConnectedError, KeyringUnavailableError) as exc:
            raise _NotConnected(f"{NOT_CONNECTED_TEXT}. {exc}") from None
        except NeedsAttentionError as exc:
            self._needs_attention(row, exc)
        except TransientError as exc:
            self._transient(row, exc)
        except PageroError as exc:  # anything else Pagero-side: a person must look
            self._needs_attention(row, NeedsAttentionError(str(exc)))
        else:
            if not self.status.connected:
                log.info("send queue: connected to Pagero again")
            self.status = SenderStatus(connected=True, at=utcnow())

    def _company_id(self, row: Transmission) -> str:
        return row.company_id or Company.get_solo().pagero_company_id or ""

    def _needs_attention(self, row: Transmission, exc: NeedsAttentionError) -> None:
        text = str(exc)
        # What to go back to on retry: a refused upload stored nothing, so it may be queued again.
        back_to = QUEUED if getattr(exc, "_refused_upload", False) else row.state
        _transition(row, NEEDS_ATTENTION, text, actor=self.worker_id, last_error=exc.pagero_text or text,
                    extra_message={"from": back_to})

    def _transient(self, row: Transmission, exc: TransientError) -> None:
        attempt = row.attempts
        delay = max(self.policy.pick(self.policy.retry_intervals, attempt), exc.retry_after or 0.0)
        text = str(exc)
        from_upload = getattr(exc, "_from_upload", False)
        if from_upload and not isinstance(exc, OutcomeUnknownError) and (exc.status or 0) < 500:
            # The upload provably did not arrive (connection refused, 429): back to the queue.
            _transition(row, QUEUED, f"Uppladdningen misslyckades, nytt försök senare: {text}", actor=self.worker_id,
                        next_at=utcnow() + _seconds(delay), last_error=text, attempts=attempt + 1)
            return
        # Uploads whose fate is unknown stay in `uploading`: the next round reconciles first.
        _reschedule(row, delay, text)

    def _upload(self, row: Transmission, client) -> None:
        company_id = self._company_id(row)
        if not company_id:
            error = NeedsAttentionError(
                "Pageros företags-id (sendingCompanyId) saknas. Ange det under Inställningar → Integrationer → "
                "Pagero → Anslut, och försök sedan skicka igen.")
            error._refused_upload = True
            self._needs_attention(row, error)
            return
        # No point marking a row that cannot go out: the token first (refreshed here if due).
        tokens = getattr(client, "tokens", None)
        if tokens is None:
            raise NotConnectedError()
        tokens.access_token()
        # Marked and committed before the network call: a crash from here on is reconciled.
        if not _transition(row, UPLOADING, "Laddas upp till Pagero.", actor=self.worker_id,
                           next_at=utcnow() + _seconds(self.policy.lease), only_if_claimed_by=self.worker_id,
                           company_id=company_id, attempts=row.attempts):
            return
        self._post(row, client, company_id)

    def _post(self, row: Transmission, client, company_id: str) -> None:
        try:
            file_id = client.upload(row.payload.encode("utf-8"), f"{row.sender_reference}.xml", "Invoice",
                                    row.send_mode, company_id, row.sender_reference)
        except NeedsAttentionError as exc:
            exc._refused_upload = True  # a 4xx answer: Pagero did not take the file
            raise
        except TransientError as exc:
            exc._from_upload = True
            raise
        except (NotConnectedError, KeyringUnavailableError):
            # Refused before anything was stored (no token, or 401 and no refresh): back to the queue.
            _transition(row, QUEUED, "Inte skickad: ingen giltig anslutning till Pagero.", actor=self.worker_id,
                        attempts=row.attempts)
            raise
        _transition(row, UPLOADED, f"Uppladdad till Pagero (fil-id {file_id}).", actor=self.worker_id,
                    next_at=utcnow() + _seconds(self.policy.pick(self.policy.poll_intervals, 0)), file_id=file_id,
                    last_error="")

    def _reconcile(self, row: Transmission, client) -> None:
        """A row caught in `uploading`: adopt what Pagero has; post again only if it has nothing."""
        found = client.documents(senderReference=row.sender_reference, direction="Sent").get("items") or []
        if found:
            document = found[0]
            note = f" ({len(found)} dokument med samma referens hos Pagero)" if len(found) > 1 else ""
            self._adopt_document(row, document, f"Hittad hos Pagero efter avbrott{note}.")
            return
        waited = (utcnow() - row.updated_at).total_seconds()
        grace = self.policy.reconcile_grace
        if waited < grace:
            # The file may still be on its way through Pagero's processing; look again later.
            Transmission.update(next_attempt_at=row.updated_at + _seconds(grace), last_error="").where(
                (Transmission.id == row.id) & (Transmission.state == UPLOADING)).execute()
            return
        company_id = self._company_id(row)
        if not _transition(row, UPLOADING, "Pagero har ingen fil med fakturans referens; den laddas upp igen.",
                           actor=self.worker_id, next_at=utcnow() + _seconds(self.policy.lease),
                           only_if_claimed_by=self.worker_id):
            return
        self._post(row, client, company_id)

    def _adopt_document(self, row: Transmission, document: dict, prefix: str = "") -> None:
        state, text = _document_outcome(document)
        fields = dict(document_id=str(document.get("id") or ""), last_error="")
        if document.get("fileId") and not row.file_id:
            fields["file_id"] = str(document["fileId"])
        message = " ".join(t for t in (prefix, text or STATE_TEXTS[state]) if t)
        if state == DELIVERED:
            next_at = utcnow() + _seconds(self.policy.pick(self.policy.answer_intervals, 0))
        else:
            next_at = utcnow() + _seconds(self.policy.pick(self.policy.poll_intervals, 0))
        if state == ERROR:
            fields["last_error"] = text
        if state == row.state:
            _reschedule(row, self.policy.pick(self.policy.poll_intervals, row.attempts))
            return
        _transition(row, state, message, actor=self.worker_id, next_at=next_at, **fields)

    def _poll_file(self, row: Transmission, client) -> None:
        parts = client.fileparts(row.file_id)
        part = parts[0] if parts else None
        if part is not None:
            status = str(part.get("status") or "")
            text = _part_text(part)
            part_id = str(part.get("id") or "")
            if status == "Error":
                _transition(row, ERROR, text or "Pagero kunde inte behandla filen.", actor=self.worker_id,
                            filepart_id=part_id, last_error=text)
            elif status == "AwaitingInteraction":
                _transition(row, AWAITING_INTERACTION, text or STATE_TEXTS[AWAITING_INTERACTION],
                            actor=self.worker_id, filepart_id=part_id, last_error=text)
            else:
                self._still_processing(row, filepart_id=part_id)
            return
        documents = client.documents(fileId=row.file_id).get("items") or []
        if documents:
            self._adopt_document(row, documents[0])
        else:
            self._still_processing(row)  # processed parts are not listed; the document is on its way

    def _still_processing(self, row: Transmission, **fields: Any) -> None:
        if row.state != PROCESSING:
            _transition(row, PROCESSING, "Pagero behandlar filen.", actor=self.worker_id,
                        next_at=utcnow() + _seconds(self.policy.pick(self.policy.poll_intervals, 0)), **fields)
        else:
            _reschedule(row, self.policy.pick(self.policy.poll_intervals, row.attempts))

    def _poll_document(self, row: Transmission, client) -> None:
        self._adopt_document(row, client.document(row.document_id))

    def _poll_answer(self, row: Transmission, client) -> None:
        invoice = Invoice.get_by_id(row.invoice_id)
        answer = client.buyer_answer(str(invoice.number), self._company_id(row))
        if answer is None:
            _reschedule(row, self.policy.pick(self.policy.answer_intervals, row.attempts + 1))
            return
        sub_type = str((answer.get("documentInfo") or {}).get("documentSubType") or "")
        events = answer.get("eventDetails") or []
        reason = str(events[-1].get("description") or "") if events else ""
        if sub_type == "RecipientAccept":
            state, text = APPROVED, "Köparen har godkänt fakturan."
        elif sub_type.startswith("RecipientReject"):
            state, text = REJECTED, "Köparen har avvisat fakturan."
            if reason and reason != sub_type:
                text += f" Köparens skäl: {reason}"
        else:
            _reschedule(row, self.policy.pick(self.policy.answer_intervals, row.attempts + 1))
            return
        _transition(row, state, text, actor=self.worker_id, buyer_response=sub_type, buyer_response_at=utcnow())

    # -- "Anmäl intresse" ---------------------------------------------------------------------

    def _send_interest_requests(self) -> int:
        if self.interest_client_factory is None:
            return 0
        now = utcnow()
        with write_transaction():
            query = (InterestRequest.select(InterestRequest.id)
                     .where(InterestRequest.state.in_(("queued", "sending")) & (InterestRequest.next_attempt_at <= now))
                     .order_by(InterestRequest.id).limit(self.policy.batch))
            if is_postgres():
                query = query.for_update(skip_locked=True)
            ids = [r.id for r in query]
            if ids:
                InterestRequest.update(state="sending", next_attempt_at=now + _seconds(self.policy.lease)).where(
                    InterestRequest.id.in_(ids)).execute()
        for request_id in ids:
            request = InterestRequest.get_by_id(request_id)
            if self._interest_client is None:
                self._interest_client = self.interest_client_factory()
            try:
                self._interest_client.send_interest(request.form)
            except NeedsAttentionError as exc:
                InterestRequest.update(state="needs_attention", last_error=exc.pagero_text or str(exc)).where(
                    InterestRequest.id == request_id).execute()
            except (TransientError, PageroError) as exc:
                # A form that may have arrived is sent again: a duplicate interest is harmless.
                delay = self.policy.pick(self.policy.retry_intervals, request.attempts)
                InterestRequest.update(state="queued", attempts=request.attempts + 1, last_error=str(exc),
                                       next_attempt_at=utcnow() + _seconds(delay)).where(
                    InterestRequest.id == request_id).execute()
            else:
                InterestRequest.update(state="sent", sent_at=utcnow(), last_error="").where(
                    InterestRequest.id == request_id).execute()
                log.info("interest request %s sent to Pagero", request_id)
        return len(ids)


# -- a person's actions: retry and cancel ---------------------------------------------------------


def _get(transmission_id: int) -> Transmission:
    row = Transmission.get_or_none(Transmission.id == transmission_id)
    if row is None:
        raise OutboxError(f"Det finns ingen e-faktura i sändkön med id {transmission_id}.")
    return row


def _back_to(row: Transmission) -> str:
    """The state a needs_attention row came from (kept in its last message)."""
    for message in reversed(row.messages or []):
        if message.get("state") == NEEDS_ATTENTION:
            return message.get("from") or QUEUED
    return QUEUED


def retry(transmission_id: int, client_factory: Callable[[], Any] = default_client_factory,
          actor: str = "") -> Transmission:
    """Try again after an error: restart Pagero's file part when there is one, else pick up
    where it stopped. Never a second upload of something Pagero already has."""
    row = _get(transmission_id)
    if row.state not in PROBLEM_STATES:
        raise OutboxError(f"E-fakturan är {STATE_TEXTS.get(row.state, row.state).lower()}; "
                          "bara en e-faktura med fel eller som behöver åtgärd kan skickas om.")
    now = utcnow()
    soon = now + _seconds(0)
    if row.state in (ERROR, AWAITING_INTERACTION) and row.filepart_id:
        client = client_factory()
        try:
            client.part_action(row.filepart_id, "Restart")
        except PageroError as exc:
            raise OutboxError(f"Pagero kunde inte starta om filen: {exc}") from None
        target, text = PROCESSING, "Omstartad hos Pagero."
    elif row.state == NEEDS_ATTENTION:
        target = _back_to(row)
        if target == UPLOADING:
            text = "Nytt försök: kontrolleras först mot Pagero."
        elif target == QUEUED:
            text = "Nytt försök: läggs i kö igen."
        else:
            text = "Nytt försök: följs upp hos Pagero igen."
    elif row.document_id:
        target, text = ACCEPTED, "Följs upp hos Pagero igen."
    elif row.file_id:
        target, text = UPLOADED, "Följs upp hos Pagero igen."
    else:
        target, text = UPLOADING, "Nytt försök: kontrolleras först mot Pagero."
    if not _transition(row, target, text, actor=actor, next_at=soon, last_error="", claimed_by=""):
        raise OutboxError("E-fakturan ändrades samtidigt av någon annan. Försök igen.")
    return row


def cancel(transmission_id: int, client_factory: Callable[[], Any] = default_client_factory,
           actor: str = "") -> Transmission:
    """Stop an e-invoice before delivery: Pagero's Cancel where a file part exists."""
    row = _get(transmission_id)
    if row.state == CANCELLED:
        return row
    if row.state in (ACCEPTED, DELIVERED, APPROVED, REJECTED) or row.document_id:
        raise OutboxError("Pagero har redan tagit emot fakturan och skickar den till köparen, så den kan inte "
                          "avbrytas. Gör en kreditfaktura i stället.")
    if row.state == UPLOADING:
        raise OutboxError("Fakturan laddas upp till Pagero just nu. Vänta en stund och försök igen.")
    reached_pagero = bool(row.file_id) or (row.state == NEEDS_ATTENTION and _back_to(row) != QUEUED)
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
                part_id = str(parts[0]["id"]) if parts else ""
            if not part_id:
                raise OutboxError("Pagero har redan behandlat fakturan, så den kan inte avbrytas. "
                                  "Gör en kreditfaktura i stället.")
            client.part_action(part_id, "Cancel")
        except PageroError as exc:
            raise OutboxError(f"Pagero kunde inte avbryta filen: {exc}") from None
        text = "Avbruten hos Pagero."
    if not _transition(row, CANCELLED, text, actor=actor, last_error=""):
        raise OutboxError("E-fakturan ändrades samtidigt av någon annan. Försök igen.")
    return row


# -- what the UI and `kassa outbox list` show ------------------------------------------------------


@dataclass
class Problem:
    transmission_id: int
    invoice_number: int
    customer: str
    state: str
    text: str


@dataclass
class QueueSummary:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    not_connected: bool = False
    not_connected_text: str = ""
    interest_pending: int = 0

    @property
    def in_progress(self) -> int:
        return sum(self.counts.get(s, 0) for s in ACTIVE_STATES)

    @property
    def text(self) -> str:
        """One Swedish line for the status indicator."""
        parts = []
        if self.not_connected:
            parts.append(NOT_CONNECTED_TEXT)
        if self.in_progress:
            parts.append(f"{self.in_progress} e-fakturor på väg")
        if self.problems:
            parts.append(f"{len(self.problems)} behöver åtgärd")
        return " · ".join(parts) or "Alla e-fakturor är skickade"


def queue_summary(problem_limit: int = 50) -> QueueSummary:
    counts = Counter({row.state: row.n for row in Transmission.select(
        Transmission.state, peewee.fn.COUNT(Transmission.id).alias("n")).group_by(Transmission.state)})
    problems = [
        Problem(row.id, row.invoice.number, row.invoice.customer.name, row.state,
                row.last_error or STATE_TEXTS[row.state])
        for row in Transmission.select(Transmission, Invoice, Customer).join(Invoice).join(Customer)
        .where(Transmission.state.in_(PROBLEM_STATES)).order_by(Transmission.updated_at.desc()).limit(problem_limit)
    ]
    parked = (Transmission.select(Transmission.last_error)
              .where(Transmission.state.in_(ACTIVE_STATES) & Transmission.last_error.startswith(NOT_CONNECTED_TEXT))
              .first())
    interest = InterestRequest.select().where(InterestRequest.state.in_(("queued", "sending"))).count()
    return QueueSummary(dict(counts), problems, parked is not None, parked.last_error if parked else "", interest)


def list_transmissions(states: list[str] | None = None, limit: int | None = None) -> list[Transmission]:
    """Newest first, with invoice and customer joined."""
    query = (Transmission.select(Transmission, Invoice, Customer).join(Invoice).join(Customer)
             .order_by(Transmission.updated_at.desc(), Transmission.id.desc()))
    if states:
        query = query.where(Transmission.state.in_(states))
    if limit:
        query = query.limit(limit)
    return list(query)


def last_message(row: Transmission) -> str:
    if row.last_error:
        return row.last_error
    messages = row.messages or []
    return str(messages[-1].get("text") or "") if messages else ""
