"""Two tills whose clocks disagree by an hour share one PostgreSQL database and both send: every invoice
still arrives exactly once, because every time the queue decides by (a sender's lease, the grace before
an upload of unknown outcome is posted again, when a row is due) is the database server's.

The tills are senders in this process, each on a thread of its own named after it, each thread with its
own local clock: ``utcnow`` in Kassa's modules is replaced by one that adds the offset of the till the
calling thread plays (+30 min, -30 min: more than the grace of the test policy, and more than the
default grace of 25 min). That clock is the device boundary here: two machines' clocks cannot otherwise
run in one process. The invoices are issued at the till whose clock is behind (each till's own sender,
docs/several-tills.md), so that both senders take rows. Their uploads go through the fault proxy to the
stand-in (duplicate control off, uploads counted): slow (answered after a second, while the other till
looks at the row) or ambiguous (stored, then 500 or a dropped connection); and the stand-in takes longer
than a slow answer to make a document of a file, so a till that looks at a row another till is still
uploading finds nothing at Pagero.
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import kassa.models.base
from kassa.models import AuditEvent, Invoice, Transmission, TransmissionState
from kassa.models.database import db
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.sender import Sender
from tests.factories import wait_until
from tests.outbox.fixtures import (
    TIMING,
    all_in,
    client_factory,
    fast_policy,
    issue_e_invoices,
    run_in_threads,
    seller,
    start_sandbox,
    uploads_per_number,
)
from tests.pagero.fault_proxy import FaultPlan, FaultProxy

State = TransmissionState
REAL_UTCNOW = kassa.models.base.utcnow
AHEAD, BEHIND = "till-ahead", "till-behind"
OFFSETS = {AHEAD: dt.timedelta(minutes=30), BEHIND: dt.timedelta(minutes=-30)}
SLOW = 1.0  # the proxy's slow answers: within the client's read timeout (2 s), beyond the other till's look
PROCESSING = 1.5  # the stand-in's time to make a document of a file: longer than a slow answer
GRACE = 3.0  # the test policy's grace before an upload of unknown outcome is posted again: longer than that

pytestmark = pytest.mark.postgres


class TillClocks:
    """The local clock of whichever till the calling thread plays: the real one plus that till's offset."""

    def __init__(self, offsets: dict[str, dt.timedelta]):
        self.offsets = offsets

    def __call__(self) -> dt.datetime:
        return REAL_UTCNOW() + self.offsets.get(threading.current_thread().name, dt.timedelta())


class AtTill(threading.Thread):
    """Work done at one till: on a thread of the till's name (so on its clock), with its own connection."""

    def __init__(self, till: str, work: Callable[[], Any]):
        super().__init__(name=till, daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:  # re-raised in the test's thread by outcome()
            self.error = exc
        finally:
            db.close()

    def outcome(self, timeout: float = 30.0) -> Any:
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} still working after {timeout} s"
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture(autouse=True)
def skewed_clocks(monkeypatch) -> TillClocks:
    """Every Kassa module that reads the local clock (``utcnow``) reads the calling thread's till's."""
    clocks = TillClocks(dict(OFFSETS))
    for name, module in list(sys.modules.items()):
        if name.startswith("kassa") and getattr(module, "utcnow", None) is REAL_UTCNOW:
            monkeypatch.setattr(module, "utcnow", clocks)
    return clocks


@pytest.fixture(autouse=True)
def _no_rule_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))


@pytest.fixture
def outbox_sandbox(monkeypatch):
    """The stand-in, taking a while to make a document of a file (Pagero takes minutes)."""
    server = start_sandbox(monkeypatch, timing={**TIMING, "processing": PROCESSING})
    yield server
    server.stop()


@pytest.fixture
def proxy(outbox_sandbox):
    with FaultProxy(outbox_sandbox.url, FaultPlan(rate=0.0, slow_seconds=SLOW)) as running:
        yield running


def till_sender(till: str, proxy: FaultProxy, backend, **policy: Any) -> Sender:
    return Sender(client_factory(backend, attempts=1, read_timeout=2 * SLOW, api_base=proxy.url), till,
                  policy=fast_policy(**{"reconcile_grace": GRACE, **policy}), interest_client_factory=None)


def issue_at_the_till_behind(count: int) -> set[str]:
    """Invoices issued and queued at the till whose clock is behind; their numbers."""

    def issue() -> set[str]:
        seller()
        return {str(enqueue_invoice(invoice.id).invoice.number) for invoice in issue_e_invoices(count)}

    return AtTill(BEHIND, issue).outcome()


def server_clock() -> dt.datetime:
    """The PostgreSQL server's time now, naive UTC as the rows hold it."""
    return db.execute_sql("SELECT clock_timestamp() AT TIME ZONE 'UTC'").fetchone()[0]


def histories(numbers: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """The audit log of the invoices with these numbers: (what, which till), in order."""
    return {number: [(e.event, e.actor) for e in AuditEvent.select().join(Invoice)
                     .where(Invoice.number == int(number)).order_by(AuditEvent.id)]
            for number in numbers}


def assert_each_exactly_once(control, numbers: set[str]) -> None:
    uploads = uploads_per_number(control, settle=False)
    twice = {number: count for number, count in uploads.items() if count != 1}
    assert not twice, f"uploaded more than once: {twice}; who did what: {histories(twice)}"
    assert set(uploads) == numbers, f"never arrived: {sorted(numbers - set(uploads))}"


def test_a_till_whose_clock_is_ahead_leaves_a_row_another_till_is_uploading(connected, pg_db, outbox_control,
                                                                            proxy):
    numbers = issue_at_the_till_behind(1)
    behind, ahead = till_sender(BEHIND, proxy, connected), till_sender(AHEAD, proxy, connected)
    proxy.plan.next("slow")
    uploading = AtTill(BEHIND, behind.run_once)
    wait_until(lambda: proxy.uploads("slow"), 10, message="the till behind never uploaded")
    # The file is at the stand-in (no document yet), its answer on its way back to the till behind: the row's
    # lease runs, on the database's clock, so for the till ahead nothing is due.
    assert AtTill(AHEAD, ahead.run_once).outcome() == 0
    assert uploading.outcome() == 1

    run_in_threads([behind, ahead], all_in((State.DELIVERED,)), timeout=30)
    assert_each_exactly_once(outbox_control, numbers)


@pytest.mark.parametrize("fault", ["stored_500", "stored_drop"])
def test_a_till_whose_clock_is_ahead_waits_the_grace_before_it_posts_an_ambiguous_upload_again(
        connected, pg_db, outbox_control, proxy, fault):
    numbers = issue_at_the_till_behind(1)
    behind, ahead = till_sender(BEHIND, proxy, connected), till_sender(AHEAD, proxy, connected)
    proxy.plan.next(fault)
    assert AtTill(BEHIND, behind.run_once).outcome() == 1  # stored at the stand-in; the till's answer lost
    assert Transmission.get().state == State.UPLOADING
    # Soon due again, for any till: the till ahead reconciles it and finds nothing at Pagero yet.
    wait_until(lambda: AtTill(AHEAD, ahead.run_once).outcome(), 5, message="the till ahead never took the row")
    assert uploads_per_number(outbox_control, settle=False) == dict.fromkeys(numbers, 1), "posted again at once"
    row = Transmission.get()
    assert (row.state, row.claimed_by) == (State.UPLOADING, AHEAD)

    run_in_threads([behind, ahead], all_in((State.DELIVERED,)), timeout=30)
    assert_each_exactly_once(outbox_control, numbers)
    assert any("efter avbrott eller ett osäkert svar" in m["text"] for m in Transmission.get().messages)


def test_two_tills_whose_clocks_differ_by_an_hour_send_each_invoice_exactly_once(connected, pg_db, outbox_control,
                                                                                  proxy):
    started = server_clock()
    numbers = issue_at_the_till_behind(24)
    proxy.plan = FaultPlan(seed=3, rate=0.8, upload_faults=("slow", "slow", "stored_500", "stored_drop"),
                           read_faults=(), slow_seconds=SLOW)
    senders = {till: till_sender(till, proxy, connected, batch=2) for till in (BEHIND, AHEAD)}  # both take rows

    run_in_threads(list(senders.values()), all_in((State.DELIVERED,)), timeout=90)
    time.sleep(SLOW + 0.3)  # an upload whose answer the proxy still holds has reached the stand-in
    ended = server_clock()

    counts = proxy.counts
    assert counts["slow"] and counts["stored_500"] + counts["stored_drop"], counts
    assert_each_exactly_once(outbox_control, numbers)
    uploaders = {e.actor for e in AuditEvent.select().where(AuditEvent.event == "e_invoice_uploading")}
    assert uploaders == set(senders), "both tills sent"
    # Each till's own clock was off as it plays it: its status line says so.
    for till, offset in OFFSETS.items():
        at = senders[till].status.at
        assert at is not None and abs(at - (REAL_UTCNOW() + offset)) < dt.timedelta(minutes=5), (till, at)
    # What the rows say happened, and when they are due, is on the database's clock, whichever till wrote it.
    lease = dt.timedelta(seconds=senders[AHEAD].policy.lease)
    early, late = started - dt.timedelta(seconds=1), ended + dt.timedelta(seconds=1)
    for row in Transmission.select():
        assert early <= row.created_at <= row.updated_at <= late, (row.id, row.created_at, row.updated_at)
        assert early <= row.next_attempt_at <= late + lease, (row.id, row.next_attempt_at)
        for message in row.messages:
            assert early.replace(microsecond=0) <= dt.datetime.fromisoformat(message["at"]) <= late, (row.id, message)
