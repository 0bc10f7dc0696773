"""Reading Pagero's answers defensively: any field may be missing, of another type or worded otherwise.

Pagero documents no field shapes (../shared/docs/pagero-api.md, "What is not documented"). Each reader
here takes the decoded JSON of one answer and returns plain records of strings, or raises
``UnexpectedAnswer`` when the answer cannot be read as what it should be (a list where an object belongs,
no id, …). Nothing here decides a state: the send queue maps the raw values these records carry through
its one table of Pagero's states, matched exactly, and leaves a row where it was on anything else.

A value that is not a string is kept as its JSON text (``'["Done"]'``, ``'3'``), so that it can never be
equal to a wording in that table and can still be shown to a person as Pagero sent it. Every text is
``clean``: what neither database nor log file can hold (NUL and other control characters, lone
surrogates from JSON's ``\ud800`` escapes) becomes U+FFFD, and a long text is cut, so an answer of any
size or content is stored, logged and shown without breaking the row it belongs to.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kassa.pagero.errors import PageroError

RAW_LIMIT = 200  # characters of an odd answer kept for the log and the person
TEXT_LIMIT = 1000  # characters of Pagero's own wording kept (an error description, an event)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean(text: str, limit: int = RAW_LIMIT) -> str:
    """``text`` safe to store, log and show: unsafe characters as U+FFFD, at most ``limit`` characters.

    A cleaned text that differs from Pagero's holds U+FFFD or ends in "…", which no wording in the
    states' table does: cleaning can make an answer unknown, never make it match."""
    text = _UNSAFE.sub("\ufffd", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UnexpectedAnswer(PageroError):
    """An answer of a shape Kassa cannot read. ``raw`` is a short JSON excerpt; ``str()`` is English (logs)."""

    def __init__(self, what: str, raw: Any):
        self.what = what
        self.raw = excerpt(raw)
        super().__init__(f"{what}: {self.raw}")


def excerpt(value: Any) -> str:
    """``value`` as short JSON text (strings as they are), for logs and for showing a person."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
        except (TypeError, ValueError, RecursionError):
            text = f"<{type(value).__name__}>"
    return clean(text)


def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    """A string field as it is (cleaned); anything else as its JSON text ("" when absent or null)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value, limit)
    return excerpt(value)


def _identifier(value: Any) -> str:
    """An id: a non-empty string with no surrounding space and nothing unsafe, else "" (a number or an
    object is no id)."""
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > 200:
        return ""
    return value if not _UNSAFE.search(value) else ""


def _description(value: Any) -> str:
    """Pagero's error or event wording, from a list of strings, a string, or anything else."""
    if isinstance(value, list):
        return clean("; ".join(_text(item) for item in value if item not in (None, "")), TEXT_LIMIT)
    return _text(value)


@dataclass(frozen=True)
class FilePart:
    """One part of an uploaded file that is not processed yet or needs attention."""

    id: str  # "" when Pagero gave none
    file_id: str
    status: str  # raw: Processing, Error, AwaitingInteraction … or whatever came
    description: str


@dataclass(frozen=True)
class Document:
    """A document Pagero made from a file (or a buyer's answer)."""

    id: str
    file_id: str
    status: str  # raw distribution status ("" when there is none)
    status_given: bool  # a distribution status was there at all (an object's status or a plain string)
    event_text: str  # the newest event's description
    sub_type: str  # documentInfo.documentSubType (the buyer's answer: RecipientAccept …)
    document_identifier: str  # documentInfo.documentIdentifier, the invoice number
    create_time: str
    sender_reference: str = ""  # the sender's reference, where the document states it
    reference_identifier: str = ""  # documentInfo.referenceDocumentIdentifier (a buyer's answer: the invoice)
    document_type: str = ""  # documentInfo.documentType

    def contradicts(self, **expected: str) -> bool:
        """Whether the document states another value for one of ``expected`` (field name -> value) than the
        one asked for: a list answer that ignored a filter holds documents that are not what was asked."""
        return any(getattr(self, name) and getattr(self, name) != value for name, value in expected.items())


def read_file_id(answer: Any) -> str:
    """The file id of an upload's answer; UnexpectedAnswer when it has none (its fate is then unknown)."""
    file_id = _identifier(answer.get("id")) if isinstance(answer, dict) else ""
    if not file_id:
        raise UnexpectedAnswer("upload answer without a file id", answer)
    return file_id


def _items(answer: Any, what: str) -> list[Any]:
    if not isinstance(answer, dict):
        raise UnexpectedAnswer(f"{what}: not an object", answer)
    items = answer.get("items")
    if not isinstance(items, list):
        raise UnexpectedAnswer(f"{what}: no list of items", answer)
    return items


def read_parts(answer: Any) -> list[FilePart]:
    """The file parts of a fileparts answer ([] means the file went through)."""
    parts = []
    for item in _items(answer, "fileparts"):
        if not isinstance(item, dict):
            raise UnexpectedAnswer("file part: not an object", item)
        error = item.get("error")
        description = _description(error.get("description")) if isinstance(error, dict) else _description(error)
        parts.append(FilePart(_identifier(item.get("id")), _identifier(item.get("fileId")), _text(item.get("status")),
                              description))
    return parts


def read_document(answer: Any) -> Document:
    """One document object; UnexpectedAnswer when it is not an object with an id."""
    if not isinstance(answer, dict):
        raise UnexpectedAnswer("document: not an object", answer)
    document_id = _identifier(answer.get("id"))
    if not document_id:
        raise UnexpectedAnswer("document without an id", answer)
    distribution = answer.get("distribution")
    if isinstance(distribution, dict):
        status_given = "status" in distribution and distribution["status"] is not None
        status = _text(distribution.get("status"))
    elif isinstance(distribution, str):
        # pagero-api.md: distribution may come as a plain string; it is then the status itself.
        status_given, status = True, _text(distribution)
    else:
        status_given, status = distribution is not None, _text(distribution)
    events = answer.get("eventDetails")
    event_text = ""
    if isinstance(events, list) and events and isinstance(events[-1], dict):
        event_text = _description(events[-1].get("description"))
    info = answer.get("documentInfo")
    info = info if isinstance(info, dict) else {}
    reference = answer.get("senderReference", info.get("senderReference"))
    return Document(document_id, _identifier(answer.get("fileId")), status, status_given, event_text,
                    _text(info.get("documentSubType")), _text(info.get("documentIdentifier")),
                    _text(answer.get("createTime")), _text(reference), _text(info.get("referenceDocumentIdentifier")),
                    _text(info.get("documentType")))


def read_documents(answer: Any) -> list[Document]:
    """The documents of a list answer, in the order Pagero lists them (which no caller relies on)."""
    return [read_document(item) for item in _items(answer, "documents")]
