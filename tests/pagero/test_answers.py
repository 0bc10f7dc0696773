"""Reading Pagero's answers: whatever the JSON, a reader returns records of strings or raises
UnexpectedAnswer, never anything else; odd values stay raw so that no table can mistake them."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kassa.pagero.answers import (
    Document,
    FilePart,
    UnexpectedAnswer,
    read_document,
    read_documents,
    read_file_id,
    read_parts,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
# Answers near the real shapes, with any value in any field.
documents = st.fixed_dictionaries({}, optional={
    "id": json_values | st.uuids().map(str), "fileId": json_values, "createTime": json_values,
    "distribution": json_values | st.fixed_dictionaries({"status": json_values | st.sampled_from(
        ["Done", "WaitingToBeDelivered", "Waiting to be delivered", "delivered"])}),
    "eventDetails": json_values | st.lists(st.fixed_dictionaries({}, optional={"description": json_values})),
    "documentInfo": json_values | st.fixed_dictionaries({}, optional={"documentSubType": json_values}),
})
parts = st.fixed_dictionaries({}, optional={
    "id": json_values, "fileId": json_values, "status": json_values | st.sampled_from(["Error", "Processing"]),
    "error": json_values | st.fixed_dictionaries({"description": json_values}),
})


def listing(items):
    return st.fixed_dictionaries({}, optional={"items": items | json_values, "meta": json_values})


def strings_only(record) -> bool:
    return all(isinstance(v, (str, bool)) for v in vars(record).values())


@settings(max_examples=400, deadline=None)
@given(answer=json_values | documents | listing(st.lists(documents, max_size=3)))
def test_documents_are_read_or_refused_whatever_the_json(answer):
    for reader in (read_document, read_documents):
        try:
            result = reader(answer)
        except UnexpectedAnswer as exc:
            assert exc.raw == exc.raw[:200]
            continue
        for record in result if isinstance(result, list) else [result]:
            assert isinstance(record, Document) and strings_only(record)
            assert record.id, "a document is only read with an id"


@settings(max_examples=400, deadline=None)
@given(answer=json_values | listing(st.lists(parts, max_size=3)))
def test_file_parts_are_read_or_refused_whatever_the_json(answer):
    try:
        result = read_parts(answer)
    except UnexpectedAnswer:
        return
    assert all(isinstance(p, FilePart) and strings_only(p) for p in result)


@settings(max_examples=200, deadline=None)
@given(answer=json_values | st.fixed_dictionaries({"id": json_values}))
def test_an_upload_answer_gives_a_string_file_id_or_is_refused(answer):
    try:
        file_id = read_file_id(answer)
    except UnexpectedAnswer:
        return
    assert isinstance(file_id, str) and file_id and file_id == answer["id"]


def test_a_document_as_the_stand_in_sends_it():
    document = read_document({
        "id": "d-1", "fileId": "f-1", "createTime": "2026-11-27T10:00:00Z",
        "distribution": {"channel": "PEPPOL", "status": "WaitingToBeDelivered"},
        "documentInfo": {"documentIdentifier": "1007", "documentSubType": "Invoice"},
        "eventDetails": [{"description": "Created"}, {"description": "Delivered to the receiver over PEPPOL."}],
    })
    assert document == Document("d-1", "f-1", "WaitingToBeDelivered", True, "Delivered to the receiver over PEPPOL.",
                                "Invoice", "1007", "2026-11-27T10:00:00Z")


@pytest.mark.parametrize("distribution, status, given", [
    ("Done", "Done", True),  # a plain string is the status itself
    ({"status": "Waiting to be delivered"}, "Waiting to be delivered", True),  # kept as worded
    ({"status": ["Done"]}, '["Done"]', True),  # another type: its JSON text, never equal to "Done"
    ({"status": 3}, "3", True),
    ({"channel": "PEPPOL"}, "", False),
    (None, "", False),
    (["Done"], '["Done"]', True),
])
def test_the_distribution_status_is_kept_raw(distribution, status, given):
    document = read_document({"id": "d-1", "distribution": distribution})
    assert (document.status, document.status_given) == (status, given)


@pytest.mark.parametrize("answer", [
    {"id": 12345}, {"id": ""}, {"id": None}, {}, [], "f-1", {"id": ["f-1"]}, {"id": " f-1"},
])
def test_an_upload_answer_without_a_string_id_is_refused(answer):
    with pytest.raises(UnexpectedAnswer):
        read_file_id(answer)


def test_a_list_where_an_object_belongs_is_refused_with_an_excerpt():
    with pytest.raises(UnexpectedAnswer) as caught:
        read_documents({"items": {"item": [{"id": "d"}]}, "meta": {"count": "1"}})
    assert json.loads(caught.value.raw) == {"items": {"item": [{"id": "d"}]}, "meta": {"count": "1"}}


def test_file_part_descriptions_of_any_shape():
    parts = read_parts({"items": [
        {"id": "p1", "fileId": "f1", "status": "Error", "error": {"description": ["Duplicate document", "2026"]}},
        {"id": "p2", "status": "AwaitingInteraction", "error": "Look at it"},
        {"id": 7, "status": None},
    ]})
    assert parts == [FilePart("p1", "f1", "Error", "Duplicate document; 2026"),
                     FilePart("p2", "", "AwaitingInteraction", "Look at it"), FilePart("", "", "", "")]
