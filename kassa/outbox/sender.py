"""The sender: claims due rows and moves each one a step (upload, reconcile, poll, the buyer's answer).

    Sender(client_factory, "till-1").run(stop_event)   # a background thread, or `kassa outbox run`

How the steps keep "exactly once": kassa/outbox/__init__.py. Each round also runs the
"Anmäl intresse" job (kassa.outbox.interest).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from kassa.models import Company, Transmission, db_now, utcnow
from kassa.models.database import is_postgres, write_transaction
from kassa.models.transmissions import ACTIVE_STATES
from kassa.models.transmissions import TransmissionState as State
from kassa.outbox.follow_up import FollowUp
from kassa.outbox.interest import InterestJob, default_interest_client_factory
from kassa.outbox.policy import SendPolicy
from kassa.outbox.states import MAX_MESSAGES, NOT_CONNECTED_TEXT, reschedule, seconds, timestamp, transition
from kassa.pagero.answers import UnexpectedAnswer
from kassa.pagero.errors import (
    KeyringUnavailableError,
    NeedsAttentionError,
    NotConnectedError,
    OutcomeUnknownError,
    PageroError,
    TransientError,
)

if TYPE_CHECKING:  # the HTTP client is imported when a sender first connects
    from kassa.pagero.client import PageroClient

log = logging.getLogger(__name__)


def _unexpected_error_text() -> str:
    from kassa.logging_setup import where_logged

    return (f"Ett oväntat fel stoppade sändningen; Kassa försöker igen om en stund. "
            f"Felet finns i {where_logged()}. Kvarstår det, kontakta den som sköter Kassa.")


def default_client_factory() -> PageroClient:
    """A PageroClient for the configured account: tokens from the keyring (raises PageroError if none)."""
    from kassa.pagero.client import PageroClient
    from kassa.pagero.credentials import token_manager

    return PageroClient(token_manager())


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


class Sender(FollowUp):
    """Claims due rows and moves each one step: upload, reconcile, poll, the buyer's answer
    (the follow-up steps: kassa.outbox.follow_up).

    ``client_factory()`` returns a PageroClient (or raises NotConnectedError/PageroError when
    there is no connection); it is called again after a failure to connect.
    """

    def __init__(self, client_factory: Callable[[], Any] = default_client_factory, worker_id: str | None = None, *,
                 policy: SendPolicy | None = None,
                 interest_client_factory: Callable[[], Any] | None = default_interest_client_factory):
        self.client_factory = client_factory
        self.worker_id = worker_id or default_worker_id()
        self.policy = policy or SendPolicy()
        self.status = SenderStatus()
        self._client: Any = None
        self.interest: InterestJob | None = None
        if interest_client_factory is not None:
            self.interest = InterestJob(interest_client_factory, batch=self.policy.batch, lease=self.policy.lease,
                                        retry_delay=lambda attempt: self.policy.pick(self.policy.retry_intervals,
                                                                                     attempt))

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
        worked = self.interest.run_once() if self.interest is not None else 0
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
                    next_attempt_at=db_now() + seconds(self.policy.pick(self.policy.retry_intervals, 2)),
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

    def check_connection(self) -> bool:
        """Whether a connection to Pagero is at hand now (a usable token; refreshed if due), whatever the
        queue holds; ``status`` says so as after a round. For ``kassa outbox run --once``, whose rounds may
        have found nothing due (rows parked after an earlier "not connected"), so never asked."""
        try:
            client = self._client_or_raise()
            tokens = getattr(client, "tokens", None)
            if tokens is None:
                raise NotConnectedError()
            tokens.access_token()
        except _NotConnected as exc:
            self.status = SenderStatus(connected=False, message=exc.text, at=utcnow())
        except NotConnectedError as exc:  # no tokens, or Pagero refused the refresh (invalid_grant)
            self._client = None
            self.status = SenderStatus(connected=False, message=f"{NOT_CONNECTED_TEXT}. {exc}", at=utcnow())
        except PageroError as exc:  # Pagero could not be asked now: that is no proof of a lost connection
            log.info("send queue: the connection could not be checked now: %s", exc)
        return self.status.connected

    def seconds_until_due(self) -> float:
        """Until the next row or form is due (on the database's clock), between 0.05 s and ``policy.idle``."""
        now = db_now()
        candidates = []
        row = (Transmission.select(Transmission.next_attempt_at).where(self._due_filter(now, ignore_time=True))
               .order_by(Transmission.next_attempt_at).first())
        if row is not None:
            candidates.append(row.next_attempt_at)
        form_due = InterestJob.next_due()
        if form_due is not None:
            candidates.append(form_due)
        if not candidates:
            return self.policy.idle
        seconds = (min(candidates) - now).total_seconds()
        return min(self.policy.idle, max(0.05, seconds))

    def close(self) -> None:
        if self._client is not None and hasattr(self._client, "close"):
            self._client.close()
        self._client = None
        if self.interest is not None:
            self.interest.close()

    # -- claiming ---------------------------------------------------------------------------

    def _due_filter(self, now: dt.datetime, ignore_time: bool = False) -> peewee.Expression:
        awaiting_answer = ((Transmission.state == State.DELIVERED) & (Transmission.buyer_response == "")
                           & (Transmission.updated_at > now - seconds(self.policy.answer_window)))
        due = Transmission.state.in_(ACTIVE_STATES) | awaiting_answer
        return due if ignore_time else due & (Transmission.next_attempt_at <= now)

    def _claim(self) -> list[int]:
        """Take a batch of due rows for one lease. Due, the lease and the claim are all on the database's
        clock (kassa.models.db_now), which every sender shares whatever its own clock says."""
        with write_transaction():
            now = db_now()
            query = (Transmission.select(Transmission.id).where(self._due_filter(now))
                     .order_by(Transmission.next_attempt_at, Transmission.id).limit(self.policy.batch))
            if is_postgres():
                query = query.for_update(skip_locked=True)
            ids = [row.id for row in query]
            if ids:
                Transmission.update(claimed_by=self.worker_id, claimed_at=now,
                                    next_attempt_at=now + seconds(self.policy.lease)).where(
                    Transmission.id.in_(ids)).execute()
        return ids

    def _client_or_raise(self) -> PageroClient:
        if self._client is None:
            try:
                self._client = self.client_factory()
            except PageroError as exc:  # not connected, no keyring, no client secret
                raise _NotConnected(f"{NOT_CONNECTED_TEXT}. {exc}") from None
        return self._client

    def _park_not_connected(self, ids: list[int], text: str) -> None:
        """Leave the rows where they are and come back later; say why once."""
        self._client = None
        when = db_now() + seconds(self.policy.not_connected_delay)
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
            State.QUEUED: self._upload, State.UPLOADING: self._reconcile, State.UPLOADED: self._poll_file,
            State.PROCESSING: self._poll_file, State.ACCEPTED: self._poll_document, State.DELIVERED: self._poll_answer,
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
        except UnexpectedAnswer as exc:  # an answer Kassa cannot read: nothing changes but the note
            self._unexpected_answer(row, exc)
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
        back_to = State.QUEUED if exc.refused_upload else row.state
        transition(row, State.NEEDS_ATTENTION, text, actor=self.worker_id, last_error=exc.pagero_text or text,
                    extra_message={"from": back_to})

    def _transient(self, row: Transmission, exc: TransientError) -> None:
        attempt = row.attempts
        asked = min(exc.retry_after or 0.0, self.policy.longest_retry_after)  # never a row parked for ages
        delay = max(self.policy.pick(self.policy.retry_intervals, attempt), asked)
        text = str(exc)
        from_upload = exc.from_upload
        if from_upload and not isinstance(exc, OutcomeUnknownError) and (exc.status or 0) < 500:
            # The upload provably did not arrive (connection refused, 429): back to the queue.
            transition(row, State.QUEUED, f"Uppladdningen misslyckades, nytt försök senare: {text}",
                       actor=self.worker_id, next_in=delay, last_error=text, attempts=attempt + 1)
            return
        if from_upload:
            # Any 5xx, a timeout, a dropped connection, an unreadable answer: Pagero may have the file.
            # The row stays in `uploading`, and the next rounds reconcile it (kassa.outbox.follow_up).
            text = f"{text} Kassa kontrollerar hos Pagero om fakturan kom fram innan den skickas igen."
            now = db_now()
            entry = {"at": timestamp(now), "state": str(row.state), "text": text}
            Transmission.update(
                messages=(list(row.messages or []) + [entry])[-MAX_MESSAGES:], last_error=text,
                next_attempt_at=now + seconds(self.policy.pick(self.policy.poll_intervals, 0)),
            ).where((Transmission.id == row.id) & (Transmission.state == row.state)).execute()
            return
        reschedule(row, delay, text)

    def _upload(self, row: Transmission, client: PageroClient) -> None:
        company_id = self._company_id(row)
        if not company_id:
            error = NeedsAttentionError(
                "Pageros företags-id (sendingCompanyId) saknas. Ange det under Inställningar → Integrationer → "
                "Pagero → Anslut, och försök sedan skicka igen.")
            error.refused_upload = True
            self._needs_attention(row, error)
            return
        # No point marking a row that cannot go out: the token first (refreshed here if due).
        tokens = getattr(client, "tokens", None)
        if tokens is None:
            raise NotConnectedError()
        tokens.access_token()
        # Marked and committed before the network call: a crash from here on is reconciled.
        if not transition(row, State.UPLOADING, "Laddas upp till Pagero.", actor=self.worker_id,
                           next_in=self.policy.lease, only_if_claimed_by=self.worker_id,
                           company_id=company_id, attempts=row.attempts):
            return
        self._post(row, client, company_id)

    def _post(self, row: Transmission, client: PageroClient, company_id: str) -> None:
        try:
            # "Invoice" for a reminder's row too: it is a BIS 3 invoice (kassa.peppol.reminder_ubl), which a
            # Swedish buyer can receive; Pagero's "PaymentReminder" formats are not on PEPPOL here.
            file_id = client.upload(row.payload.encode("utf-8"), f"{row.sender_reference}.xml", "Invoice",
                                    row.send_mode, company_id, row.sender_reference)
        except NeedsAttentionError as exc:
            exc.refused_upload = True  # a 4xx answer: Pagero did not take the file
            raise
        except TransientError as exc:
            exc.from_upload = True
            raise
        except (NotConnectedError, KeyringUnavailableError):
            # Refused before anything was stored (no token, or 401 and no refresh): back to the queue.
            transition(row, State.QUEUED, "Inte skickad: ingen giltig anslutning till Pagero.", actor=self.worker_id,
                        attempts=row.attempts)
            raise
        transition(row, State.UPLOADED, f"Uppladdad till Pagero (fil-id {file_id}).", actor=self.worker_id,
                    next_in=self.policy.pick(self.policy.poll_intervals, 0), file_id=file_id,
                    last_error="")
