"""Hypothesis over Pagero's document and file-part JSON, through the real sender and real HTTP: the fault
proxy answers each follow-up read with generated JSON. No exception escapes the follow-up (nothing is
logged as an unexpected fault), and a row moves only to a state the one table gives for a value in the
answer, matched exactly."""
from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kassa.models import Transmission, TransmissionState, utcnow
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.pagero_states import EXISTS, PAGERO_STATES
from kassa.outbox.sender import Sender
from tests.outbox.fixtures import client_factory, fast_policy, issue_e_invoices, seller
from tests.pagero.fault_proxy import FaultPlan, FaultProxy

State = TransmissionState
KNOWN = sorted({value for _, value in PAGERO_STATES} - {EXISTS})
near = st.sampled_from(KNOWN).flatmap(lambda v: st.sampled_from([v, v.lower(), f"{v} ", [v], {"status": v}, 1]))
values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20) | near,
                      lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                      max_leaves=12)
document = st.fixed_dictionaries({}, optional={
    "id": st.just("doc-1") | values, "fileId": values,
    "distribution": values | st.fixed_dictionaries({}, optional={"status": near | values}),
    "eventDetails": values | st.lists(st.fixed_dictionaries({}, optional={"description": values}), max_size=2),
    "documentInfo": values | st.fixed_dictionaries({}, optional={"documentSubType": near | values}),
})
part = st.fixed_dictionaries({}, optional={"id": st.just("part-1") | values, "status": near | values,
                                           "error": values})
listing = st.fixed_dictionaries({}, optional={"items": st.lists(document, max_size=2) | values, "meta": values})
parts = st.fixed_dictionaries({}, optional={"items": st.lists(part, max_size=2) | values})


def strings(answer) -> set[str]:
    """Every string anywhere in the answer: a state may only come from one of these."""
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, dict):
        return set().union(*(strings(v) for v in answer.values())) if answer else set()
    if isinstance(answer, list):
        return set().union(*(strings(v) for v in answer)) if answer else set()
    return set()


def allowed(state: State, answer) -> set[State]:
    """The row's own state, what the table gives for a string in the answer, and the steps that need
    no wording: a document that exists (accepted) and a file with no open part (processing)."""
    found = {PAGERO_STATES[(kind, value)] for kind, value in PAGERO_STATES if value in strings(answer)}
    return {state, State.ACCEPTED, State.PROCESSING} | found


@pytest.fixture
def scene(db, connected, outbox_sandbox, outbox_control, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_DIR", str(tmp_path / "no-rules"))
    seller()
    (row,) = [enqueue_invoice(i.id) for i in issue_e_invoices(1)]
    with FaultProxy(outbox_sandbox.url, FaultPlan(rate=0.0)) as proxy:
        sender = Sender(client_factory(connected, attempts=1, api_base=proxy.url), "prop-sender",
                        policy=fast_policy(), interest_client_factory=None)
        yield row, proxy, sender
        sender.close()


def step_with(scene, state: State, answer, **fields) -> Transmission:
    row, proxy, sender = scene
    Transmission.update(state=state, next_attempt_at=utcnow(), claimed_by="", last_error="", messages=[],
                        **fields).where(Transmission.id == row.id).execute()
    proxy.plan.queue.clear()
    proxy.plan.replace_next(answer)
    proxy.plan.replace_next(answer)  # a step may read twice (file parts, then documents)
    sender.run_once()
    return Transmission.get_by_id(row.id)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(answer=document | values)
def test_a_document_answer_never_escapes_the_follow_up(scene, caplog, answer):
    caplog.clear()
    caplog.set_level(logging.ERROR)
    after = step_with(scene, State.ACCEPTED, answer, document_id="doc-1", file_id="file-1")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an exception escaped"
    assert "oväntat fel" not in after.last_error
    assert after.state in allowed(State.ACCEPTED, answer)
    if after.state == State.ACCEPTED and after.last_error:
        assert after.last_error.startswith("Okänt svar från Pagero")


@SETTINGS
@given(answer=parts | listing | values)
def test_a_file_part_answer_never_escapes_the_follow_up(scene, caplog, answer):
    caplog.clear()
    caplog.set_level(logging.ERROR)
    after = step_with(scene, State.UPLOADED, answer, file_id="file-1")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an exception escaped"
    assert "oväntat fel" not in after.last_error
    assert after.state in allowed(State.UPLOADED, answer)


@SETTINGS
@given(answer=listing | values)
def test_a_buyers_answer_never_escapes_the_follow_up(scene, caplog, answer):
    caplog.clear()
    caplog.set_level(logging.ERROR)
    after = step_with(scene, State.DELIVERED, answer, document_id="doc-1", file_id="file-1", buyer_response="")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an exception escaped"
    found = {PAGERO_STATES[(k, v)] for k, v in PAGERO_STATES if k == "answer" and v in strings(answer)}
    assert after.state in {State.DELIVERED} | found
