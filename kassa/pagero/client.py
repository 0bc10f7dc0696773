"""The Pagero API client (File API, Document API, "Anmäl intresse"), on requests.

Every call has a timeout and verifies TLS. A 401 leads to one token refresh and one retry.
429 (honouring Retry-After), 5xx, timeouts and dropped connections are retried with
exponential backoff and jitter, up to ``RetryPolicy.attempts`` tries; then
``TransientError``. Any other 4xx raises ``NeedsAttentionError`` with Pagero's own text.

An upload is not idempotent (Pagero has no idempotency key): whenever the request may have
reached Pagero and no readable answer says what became of it (any 5xx, which Pagero may send
after it stored the file; a read timeout; a dropped connection; a 2xx whose body has no file id),
``upload`` raises ``OutcomeUnknownError`` at once and never posts again; the caller looks the
file up by ``senderReference`` first (../shared/docs/pagero-api.md, "What is not documented").
The same holds for a file part's Restart and Cancel. Only what proves nothing was stored is
retried for them: a refused connection, a connect timeout, a 429.

Answers are read with kassa.pagero.answers: a body that is not JSON, or not of the shape a
reader needs, raises ``UnexpectedAnswer`` (never KeyError, TypeError, AttributeError).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import random
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import requests
import urllib3.exceptions

from kassa import config
from kassa.pagero import contact
from kassa.pagero.answers import (
    TEXT_LIMIT,
    Document,
    FilePart,
    UnexpectedAnswer,
    clean,
    read_documents,
    read_file_id,
    read_parts,
)
from kassa.pagero.errors import (
    NeedsAttentionError,
    NotConnectedError,
    OutcomeUnknownError,
    TransientError,
)

log = logging.getLogger(__name__)

DOCUMENT_TYPES = ("Invoice", "PaymentReminder", "ApplicationResponse")
SEND_MODES = ("Test", "Certification", "Production")
OPEN_PART_STATUSES = ("Processing", "AwaitingInteraction", "Error")


class TokenSource(Protocol):
    """What the client needs from kassa.pagero.credentials.TokenManager."""

    def access_token(self) -> str: ...

    def refresh_after_rejection(self, rejected_access_token: str) -> str: ...


@dataclass
class RetryPolicy:
    """How often and how long to retry. ``sleep`` and ``random`` are injectable for tests."""

    attempts: int = 6  # tries in all, the first included
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0  # a longer Retry-After ends the call with TransientError.retry_after set
    sleep: Callable[[float], None] = field(default=time.sleep)
    random: Callable[[], float] = field(default=random.random)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Backoff before retry ``retry_number`` (0-based): equal jitter, at least Retry-After."""
        backoff = min(self.max_delay, self.base_delay * (2 ** retry_number))
        jittered = backoff / 2 + self.random() * backoff / 2
        return max(jittered, retry_after or 0.0)


RETRY_AFTER_LIMIT = 24 * 3600.0  # a longer Retry-After (or "inf", or a date centuries ahead) is read as this


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the answer asks to wait (delta-seconds or an HTTP date), between 0 and RETRY_AFTER_LIMIT;
    None when there is no such header or it is not a number or a date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), RETRY_AFTER_LIMIT)


def pagero_text(response: requests.Response) -> str:
    """Pagero's own words from an error answer (its error format is not documented), cleaned and cut
    (kassa.pagero.answers.clean): they are stored on the row and logged."""
    return clean(_error_words(response), TEXT_LIMIT)


def _error_words(response: requests.Response) -> str:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return response.text.strip()[:TEXT_LIMIT]
    if isinstance(body, dict):
        for key in ("message", "error_description", "detail", "title", "error"):
            if body.get(key):
                return str(body[key])[:TEXT_LIMIT]
        errors = body.get("errors")
        if isinstance(errors, list):
            return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors[:20])
    return str(body)[:TEXT_LIMIT]


def _nothing_was_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        return isinstance(inner, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.NameResolutionError))
    return False


class PageroClient:
    """One company's view of Pagero. ``tokens`` is a TokenManager (or anything alike)."""

    def __init__(self, tokens: TokenSource | None, *, api_base: str | None = None, interest_url: str | None = None,
                 session: requests.Session | None = None, timeout: float | tuple[float, float] = (5.0, 30.0),
                 retry: RetryPolicy | None = None):
        self.tokens = tokens
        self.api_base = (api_base or config.pagero_api_base()).rstrip("/")
        self.interest_url = interest_url or config.interest_url()
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry or RetryPolicy()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PageroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- File API ---------------------------------------------------------------------

    def upload(self, xml_bytes: bytes, filename: str, document_type: str, send_mode: str,
               sending_company_id: str, sender_reference: str, *, retry_unknown: bool = False) -> str:
        """POST /file/v1/files; the new file id. ``retry_unknown`` also retries an upload whose
        fate is unknown (only where a duplicate is acceptable)."""
        if document_type not in DOCUMENT_TYPES:
            raise ValueError(f"document_type must be one of {DOCUMENT_TYPES}")
        if send_mode not in SEND_MODES:
            raise ValueError(f"send_mode must be one of {SEND_MODES}")
        if not filename.lower().endswith(".xml"):
            filename += ".xml"
        path = "/file/v1/files"
        response = self._request(
            "POST", f"{self.api_base}{path}", idempotent=retry_unknown,
            files={"payload": (filename, xml_bytes, "application/xml")},
            data={"documentType": document_type, "sendMode": send_mode,
                  "sendingCompanyId": sending_company_id, "senderReference": sender_reference},
        )
        try:
            return read_file_id(_json(response))
        except UnexpectedAnswer as exc:
            # Pagero said it took something but not what: the file may be there.
            raise OutcomeUnknownError(
                f"Pagero svarade HTTP {response.status_code} på POST {path} utan ett fil-id som gick att läsa; "
                "det är okänt om begäran kom fram.", status=response.status_code, attempts=1,
                pagero_text=exc.raw) from None

    def fileparts(self, file_id: str, statuses: tuple[str, ...] = OPEN_PART_STATUSES) -> list[FilePart]:
        """The parts of a file that are not processed yet or need attention; [] means it went through."""
        response = self._request("GET", f"{self.api_base}/file/v1/files/{_q(file_id)}/fileparts",
                                 params={"Status": ",".join(statuses)})
        return read_parts(_json(response))

    def part_action(self, part_id: str, action: str) -> Any:
        """``Restart`` or ``Cancel`` a file part in Error, AwaitingInteraction or Processing (Pagero's JSON answer).

        Not repeated after a 5xx, a timeout or a lost answer (OutcomeUnknownError): a second Restart of a part
        Pagero already restarted would be refused, so the caller reads the part again instead."""
        if action not in ("Restart", "Cancel"):
            raise ValueError("action must be 'Restart' or 'Cancel'")
        response = self._request("POST", f"{self.api_base}/file/v1/fileparts/{_q(part_id)}/action",
                                 json={"action": action}, idempotent=False)
        try:
            return _json(response) if response.content else {}
        except UnexpectedAnswer as exc:  # a 2xx says it was done; its body is not documented
            log.info("Pagero's answer to %s of file part %s was not JSON: %s", action, part_id, exc.raw)
            return {}

    # -- Document API -----------------------------------------------------------------

    def documents(self, **filters: Any) -> Any:
        """GET /document/v1/documents; filters as Pagero names them (fileId, senderReference,
        referenceDocumentIdentifier, documentType (str or list), direction, companyId, limit, offset…).
        Pagero's JSON as it came (``{"items": [...], "meta": {...}}``); ``find_documents`` reads it."""
        params = [(k, v) for k, value in filters.items() if value is not None
                  for v in (value if isinstance(value, (list, tuple)) else [value])]
        return _json(self._request("GET", f"{self.api_base}/document/v1/documents", params=params))

    def find_documents(self, **filters: Any) -> list[Document]:
        """``documents(**filters)`` read defensively; UnexpectedAnswer when the list cannot be read."""
        return read_documents(self.documents(**filters))

    def document(self, document_id: str) -> Any:
        """One document, Pagero's JSON as it came (kassa.pagero.answers.read_document reads it)."""
        return _json(self._request("GET", f"{self.api_base}/document/v1/documents/{_q(document_id)}"))

    def target_document(self, document_id: str) -> bytes:
        return self._request("GET", f"{self.api_base}/document/v1/documents/{_q(document_id)}/targetdocument",
                             accept="application/xml").content

    def buyer_answer(self, invoice_number: str, company_id: str) -> Document | None:
        """The buyer's newest application response to an invoice, or None. Its ``sub_type``
        (documentInfo.documentSubType) is RecipientAccept, RecipientReject or RecipientRejectWithClearanceRemoval."""
        answers = self.find_documents(documentType="ApplicationResponse", direction="Received",
                                      referenceDocumentIdentifier=invoice_number, companyId=company_id)
        # A list that states another invoice or type for an item ignored a filter: that item is not the answer.
        answers = [a for a in answers
                   if not a.contradicts(reference_identifier=invoice_number, document_type="ApplicationResponse")]
        answers.sort(key=lambda d: d.create_time, reverse=True)
        return answers[0] if answers else None

    # -- "Anmäl intresse" -------------------------------------------------------------

    def send_interest(self, form: dict[str, Any]) -> dict:
        """POST the interest form (no login needed) to KASSA_INTEREST_URL."""
        response = self._request("POST", self.interest_url, json=form, authenticated=False, idempotent=False)
        return _json(response) if response.content else {}

    # -- the one place that talks HTTP --------------------------------------------------

    def _request(self, method: str, url: str, *, authenticated: bool = True, idempotent: bool = True,
                 accept: str = "application/json", **kwargs: Any) -> requests.Response:
        path = urllib.parse.urlsplit(url).path
        retries = 0
        refreshed = False
        token = self._token() if authenticated else None
        while True:
            headers = {"Accept": accept}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            try:
                response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                                verify=True, **kwargs)
            except requests.RequestException as exc:
                kind = type(exc).__name__
                log.info("Pagero %s %s failed: %s (try %d)", method, path, kind, retries + 1)
                contact.record_unreachable(kind)
                if not idempotent and not _nothing_was_sent(exc):
                    raise OutcomeUnknownError(
                        f"Inget svar från Pagero på {method} {path} ({kind}); det är okänt om begäran kom fram.",
                        attempts=retries + 1) from None
                retries = self._wait_or_give_up(retries, None, f"Pagero gick inte att nå ({kind})", None)
                continue
            log.info("Pagero %s %s -> %d (try %d)", method, path, response.status_code, retries + 1)
            contact.record_answer(response.status_code)
            status = response.status_code
            if status < 400:
                return response
            if status == 401 and authenticated:
                if refreshed:
                    raise NotConnectedError(
                        "Pagero godtog inte Kassas inloggning ens efter förnyelse. Anslut till Pagero igen "
                        "under Inställningar → Integrationer → Pagero → Anslut (eller `kassa pagero connect`).")
                refreshed = True
                token = self._refreshed_token(token or "")
                continue
            if not idempotent and status >= 500:
                # Pagero (or a gateway in front of it) may have stored the request before failing.
                raise OutcomeUnknownError(
                    f"Pagero svarade HTTP {status} på {method} {path}; det är okänt om begäran kom fram.",
                    status=status, attempts=retries + 1, pagero_text=pagero_text(response))
            if status == 429 or status >= 500:
                retries = self._wait_or_give_up(retries, status, f"Pagero svarade HTTP {status}",
                                                 _retry_after(response), pagero_text(response))
                continue
            text = pagero_text(response)
            raise NeedsAttentionError(
                f"Pagero avvisade begäran ({method} {path}, HTTP {status}): {text or 'inget meddelande'}",
                status=status, pagero_text=text)

    def _wait_or_give_up(self, retries: int, status: int | None, what: str, retry_after: float | None,
                         text: str | None = None) -> int:
        policy = self.retry
        if retries + 1 >= policy.attempts or (retry_after is not None and retry_after > policy.max_retry_after):
            raise TransientError(f"{what} efter {retries + 1} försök. Kassa försöker igen senare.",
                                 status=status, attempts=retries + 1, retry_after=retry_after, pagero_text=text)
        policy.sleep(policy.delay(retries, retry_after))
        return retries + 1

    def _token(self) -> str:
        if self.tokens is None:
            raise NotConnectedError()
        return self.tokens.access_token()

    def _refreshed_token(self, rejected: str) -> str:
        assert self.tokens is not None
        return self.tokens.refresh_after_rejection(rejected)


def _json(response: requests.Response) -> Any:
    """The answer's JSON; UnexpectedAnswer when the body is not JSON (an HTML page, a cut-off answer, bytes
    that are not text) or nested deeper than Python's parser goes."""
    try:
        return response.json()
    except ValueError:
        raise UnexpectedAnswer("the answer is not JSON", response.text) from None
    except RecursionError:
        raise UnexpectedAnswer("the answer is nested too deeply to read", response.text) from None


def _q(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")
