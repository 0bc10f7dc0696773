"""The one table of Pagero's states: whatever Pagero answers, a reading either names a state through an
exact entry of the table or changes nothing; no exception but UnexpectedAnswer leaves the readers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kassa.models.transmissions import TransmissionState as State
from kassa.outbox.pagero_states import (
    ANSWER,
    DISTRIBUTION,
    DOCUMENT,
    EXISTS,
    PAGERO_STATES,
    PART,
    answer_reading,
    document_reading,
    part_reading,
)
from kassa.pagero.answers import UnexpectedAnswer, read_document, read_documents, read_parts

KNOWN = sorted({value for _, value in PAGERO_STATES} - {EXISTS})
# Wordings near the known ones: other case, spaces, substrings, other types.
near = st.sampled_from(KNOWN).flatmap(lambda v: st.sampled_from(
    [v, v.lower(), v.upper(), f" {v}", f"{v} ", v[:-1], f"{v}Later", [v], {"value": v}, None, 0, True]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=25) | near,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)
document = st.fixed_dictionaries({}, optional={
    "id": st.uuids().map(str) | json_values, "fileId": json_values,
    "distribution": json_values | st.fixed_dictionaries({}, optional={"status": near | json_values}),
    "eventDetails": json_values | st.lists(st.fixed_dictionaries({}, optional={"description": json_values})),
    "documentInfo": json_values | st.fixed_dictionaries({}, optional={"documentSubType": near | json_values}),
})
part = st.fixed_dictionaries({}, optional={
    "id": json_values, "status": near | json_values, "error": json_values,
})


def raw(value) -> str | None:
    return value if isinstance(value, str) else None


def assert_from_the_table(reading, kind: str, value: str | None) -> None:
    if reading.state is None:
        assert reading.key is None
        return
    assert reading.key in PAGERO_STATES and PAGERO_STATES[reading.key] == reading.state
    assert reading.key[0] == kind
    if kind != DOCUMENT:
        assert reading.key[1] == value, "matched exactly, as Pagero worded it"


@settings(max_examples=500, deadline=None)
@given(answer=document | json_values)
def test_a_document_advances_a_row_only_through_an_exact_entry_of_the_table(answer):
    try:
        doc = read_document(answer)
    except UnexpectedAnswer:
        return
    reading = document_reading(doc)
    distribution = answer.get("distribution")
    if isinstance(distribution, dict) and distribution.get("status") is not None:
        assert_from_the_table(reading, DISTRIBUTION, raw(distribution["status"]))
    elif isinstance(distribution, str):
        assert_from_the_table(reading, DISTRIBUTION, distribution)
    elif distribution is None or (isinstance(distribution, dict) and distribution.get("status") is None):
        assert reading.state is State.ACCEPTED and reading.key == (DOCUMENT, EXISTS)
    else:
        assert reading.state is None, "a distribution of another type names no state"
    if reading.state is None:
        assert reading.unknown.startswith("Okänt svar från Pagero")


@settings(max_examples=400, deadline=None)
@given(answer=st.fixed_dictionaries({"items": st.lists(part, max_size=3) | json_values}) | json_values)
def test_a_file_part_advances_a_row_only_through_an_exact_entry_of_the_table(answer):
    try:
        parts = read_parts(answer)
    except UnexpectedAnswer:
        return
    for found, item in zip(parts, answer["items"], strict=True):
        assert_from_the_table(part_reading(found), PART, raw(item.get("status")))


@settings(max_examples=300, deadline=None)
@given(answer=st.fixed_dictionaries({"items": st.lists(document, max_size=3) | json_values}) | json_values)
def test_a_buyers_answer_advances_a_row_only_through_an_exact_entry_of_the_table(answer):
    try:
        answers = read_documents(answer)
    except UnexpectedAnswer:
        return
    for found, item in zip(answers, answer["items"], strict=True):
        info = item.get("documentInfo")
        sub_type = raw(info.get("documentSubType")) if isinstance(info, dict) else None
        assert_from_the_table(answer_reading(found), ANSWER, sub_type)


@pytest.mark.parametrize("status", ["Waiting to be delivered", "delivered", "DONE", "Done ", "done (fetched)",
                                    "NotDone", "Delivered", ""])
def test_wordings_outside_the_table_change_nothing_and_are_shown_raw(status):
    reading = document_reading(read_document({"id": "d1", "distribution": {"status": status}}))
    assert reading.state is None
    assert reading.unknown == f"Okänt svar från Pagero: leveransstatus ”{status}”"


def test_the_stand_ins_wordings_are_in_the_table():
    assert document_reading(read_document({"id": "d", "distribution": {"status": "WaitingToBeDelivered"}})).state \
        is State.ACCEPTED
    assert document_reading(read_document({"id": "d", "distribution": "Done"})).state is State.DELIVERED
    assert part_reading(read_parts({"items": [{"id": "p", "status": "Error", "error": {"description": ["Bad"]}}]})[0]) \
        .text == "Bad"
