""""Anmäl intresse": the form is stored first, then posted to Pagero by its own job when Pagero
can be reached (the sender runs the job each round), so no form is lost offline.

A form that may have arrived is posted again: a duplicate interest is harmless.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kassa.models import InterestRequest, db_now
from kassa.models.database import is_postgres, write_transaction
from kassa.outbox.policy import SendPolicy
from kassa.outbox.states import seconds
from kassa.pagero.errors import NeedsAttentionError, PageroError, TransientError

log = logging.getLogger(__name__)

PENDING = ("queued", "sending")


def queue_interest(form: dict[str, Any]) -> InterestRequest:
    """Store an "Anmäl intresse" form; the sender posts it when Pagero can be reached."""
    with write_transaction():
        now = db_now()  # the queue's clock (kassa.outbox.states): due now for every sender
        return InterestRequest.create(form=dict(form), state="queued", created_at=now, next_attempt_at=now)


@dataclass(frozen=True)
class InterestState:
    """Where a queued form stands, for the window that queued it."""

    state: str  # queued | sending | sent | needs_attention
    sent_at_text: str  # local time, "" until sent
    last_error: str


def interest_state(request_id: int) -> InterestState:
    """The form's state now (a worker job)."""
    request = InterestRequest.get_by_id(request_id)
    sent = ""
    if request.sent_at is not None:
        sent = request.sent_at.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    return InterestState(request.state, sent, request.last_error or "")


def default_interest_client_factory() -> Any:
    """Posting "Anmäl intresse" needs no login."""
    from kassa.pagero.client import PageroClient

    return PageroClient(None)


def one_try_interest_client_factory() -> Any:
    """For the window that sends a form at once: one try, the send queue does the retrying."""
    from kassa.pagero.client import PageroClient, RetryPolicy

    return PageroClient(None, retry=RetryPolicy(attempts=1))


class InterestJob:
    """Posts the due interest forms; ``client_factory()`` returns a PageroClient (no login needed).

    ``batch``, ``lease`` and ``retry_intervals`` come from the sender's SendPolicy.
    """

    def __init__(self, client_factory: Callable[[], Any], *, batch: int, lease: float,
                 retry_delay: Callable[[int], float]):
        self.client_factory = client_factory
        self.batch = batch
        self.lease = lease
        self.retry_delay = retry_delay  # attempt -> seconds
        self._client: Any = None

    def run_once(self) -> int:
        """Claim the due forms and post each one; returns how many were due."""
        ids = self._claim(None)
        for request_id in ids:
            self._post(request_id)
        return len(ids)

    def run_one(self, request_id: int) -> bool:
        """Post this form now if it is due and no sender has claimed it; whether it was posted (tried)."""
        if not self._claim(request_id):
            return False
        self._post(request_id)
        return True

    def _claim(self, request_id: int | None) -> list[int]:
        with write_transaction():
            now = db_now()  # due and the lease on the database's clock, as the sender's rows
            due = InterestRequest.state.in_(PENDING) & (InterestRequest.next_attempt_at <= now)
            if request_id is not None:
                due &= InterestRequest.id == request_id
            query = InterestRequest.select(InterestRequest.id).where(due).order_by(InterestRequest.id).limit(self.batch)
            if is_postgres():
                query = query.for_update(skip_locked=True)
            ids = [r.id for r in query]
            if ids:
                InterestRequest.update(state="sending", next_attempt_at=now + seconds(self.lease)).where(
                    InterestRequest.id.in_(ids)).execute()
        return ids

    def _post(self, request_id: int) -> None:
        request = InterestRequest.get_by_id(request_id)
        if self._client is None:
            self._client = self.client_factory()
        try:
            self._client.send_interest(request.form)
        except NeedsAttentionError as exc:
            InterestRequest.update(state="needs_attention", last_error=exc.pagero_text or str(exc)).where(
                InterestRequest.id == request_id).execute()
        except (TransientError, PageroError) as exc:
            # A form that may have arrived is sent again: a duplicate interest is harmless.
            delay = self.retry_delay(request.attempts)
            InterestRequest.update(state="queued", attempts=request.attempts + 1, last_error=str(exc),
                                   next_attempt_at=db_now() + seconds(delay)).where(
                InterestRequest.id == request_id).execute()
        else:
            InterestRequest.update(state="sent", sent_at=db_now(), last_error="").where(
                InterestRequest.id == request_id).execute()
            log.info("interest request %s sent to Pagero", request_id)

    @staticmethod
    def next_due() -> dt.datetime | None:
        """When the next pending form is due (None: none is pending)."""
        form = (InterestRequest.select(InterestRequest.next_attempt_at)
                .where(InterestRequest.state.in_(PENDING))
                .order_by(InterestRequest.next_attempt_at).first())
        return form.next_attempt_at if form is not None else None

    def close(self) -> None:
        if self._client is not None and hasattr(self._client, "close"):
            self._client.close()
        self._client = None


def send_interest_now(request_id: int, client_factory: Callable[[], Any] = one_try_interest_client_factory,
                      policy: SendPolicy | None = None) -> InterestState:
    """Post a just stored form at once (a worker job for the page that stored it) and say where it stands.
    What cannot go now stays queued with the queue's retry delay: the send queue is the fallback."""
    policy = policy or SendPolicy()
    job = InterestJob(client_factory, batch=1, lease=policy.lease,
                      retry_delay=lambda attempt: policy.pick(policy.retry_intervals, attempt))
    try:
        job.run_one(request_id)
    finally:
        job.close()
    return interest_state(request_id)
