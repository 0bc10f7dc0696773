"""A fault-injecting HTTP proxy for the test suite: real HTTP on 127.0.0.1 between Kassa's Pagero
client and the project's stand-in (``kassa sandbox``), failing requests the ways a real service fails.

    with FaultProxy(stand_in.url, FaultPlan(seed=7, rate=0.3)) as proxy:
        client = PageroClient(tokens, api_base=proxy.url)

Each request gets at most one fault, decided by the plan's seeded random generator (or taken from
``plan.queue`` first, for tests that need one exact fault next). What a fault does:

- ``refuse_500`` / ``refuse_503``: answered with a JSON error; never forwarded (nothing stored).
- ``html_502``: answered with a gateway's HTML error page; never forwarded.
- ``refuse_429``: 429 with ``Retry-After``; never forwarded.
- ``drop_before``: the connection is closed without an answer; never forwarded.
- ``stored_500``: forwarded (the stand-in stores it), then answered 500 as if it had failed.
- ``stored_drop``: forwarded, then the connection is closed without an answer.
- ``slow``: forwarded, answered only after ``slow_seconds`` (longer than the client waits).
- ``malformed``: forwarded, answered with the real status and a body that is not JSON.
- ``mutate``: forwarded, the JSON answer rewritten: fields of unexpected types, other wordings,
  numbers as strings, missing fields, lists in the other order (see ``MUTATIONS``).
- ``replace``: forwarded, answered 200 with a JSON body the test chose (``plan.replace_next(body)``;
  for property tests that write the answers themselves), or with ``body`` as it is when it is bytes
  (an empty body, an HTML page, bytes that are not UTF-8, JSON nested deeper than a parser goes).

Upload faults (``UPLOAD_FAULTS``) apply to ``POST /file/v1/files``; read faults (``READ_FAULTS``)
to the GETs of the File and Document APIs; ``paths`` limits the proxy to what a test is about
(the OAuth endpoints are never touched unless a plan names them). ``proxy.log`` records every
decision, ``proxy.counts`` how often each fault fired.
"""
from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

UPLOAD_FAULTS = ("refuse_500", "refuse_503", "html_502", "refuse_429", "drop_before", "stored_500",
                 "stored_drop", "slow", "malformed", "mutate")
READ_FAULTS = ("refuse_500", "refuse_503", "html_502", "refuse_429", "drop_before", "slow", "malformed", "mutate")
ACTION_FAULTS = ("refuse_500", "refuse_503", "refuse_429", "stored_500", "stored_drop", "slow")
FORWARDED = frozenset({"stored_500", "stored_drop", "slow", "malformed", "mutate", "replace"})

UPLOAD_PATH = "/file/v1/files"
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "proxy-connection"}

_HTML_PAGE = (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
              b"<h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>")


# -- mutations of JSON answers ----------------------------------------------------------------------

Mutation = Callable[[Any, random.Random], Any]


def _documents_of(body: Any) -> list[dict]:
    """The document objects in an answer: a list answer's items, or the answer itself."""
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [d for d in body["items"] if isinstance(d, dict)]
    return [body] if isinstance(body, dict) else []


def _distribution_as_string(body: Any, rng: random.Random) -> Any:
    for doc in _documents_of(body):
        distribution = doc.get("distribution")
        if isinstance(distribution, dict):
            doc["distribution"] = str(distribution.get("status") or "PEPPOL")
    return body


_WORDINGS = ("Waiting to be delivered", "Delivered?", "done (fetched)", "Levererad", "DONE ", "delivered-pending",
             "Error at receiver", "cancelled by user", "", "null")


def _status_worded_otherwise(body: Any, rng: random.Random) -> Any:
    for doc in _documents_of(body):
        if isinstance(doc.get("distribution"), dict):
            doc["distribution"]["status"] = rng.choice(_WORDINGS)
        if "status" in doc:  # a file part
            doc["status"] = rng.choice(("Waiting", "processing", "ERROR ", "Processed", "Done", 3))
    return body


def _numbers_as_strings(body: Any, rng: random.Random) -> Any:
    if isinstance(body, dict) and isinstance(body.get("meta"), dict):
        body["meta"] = {k: str(v) for k, v in body["meta"].items()}
    for doc in _documents_of(body):
        if isinstance(doc.get("validationErrors"), dict):
            doc["validationErrors"] = {k: str(v) for k, v in doc["validationErrors"].items()}
        if isinstance(doc.get("isFetched"), bool):
            doc["isFetched"] = str(doc["isFetched"]).lower()
    return body


def _fields_missing(body: Any, rng: random.Random) -> Any:
    for doc in _documents_of(body):
        for key in rng.sample(sorted(doc), k=min(len(doc), rng.randint(1, 3))):
            del doc[key]
    return body


def _wrong_types(body: Any, rng: random.Random) -> Any:
    choice = rng.randrange(6)
    if choice == 0 and isinstance(body, dict) and "items" in body:
        body["items"] = {"item": body["items"]}  # an object where a list belongs
    elif choice == 1 and isinstance(body, dict) and "items" in body:
        body["items"] = None
    elif choice == 2:
        for doc in _documents_of(body):
            doc["eventDetails"] = "Delivered to the receiver"
    elif choice == 3:
        for doc in _documents_of(body):
            doc["documentInfo"] = [doc.get("documentInfo")]
            if "error" in doc:
                doc["error"] = "Something went wrong"
    elif choice == 4:
        for doc in _documents_of(body):
            doc["id"] = 12345 if "id" in doc else None
            if isinstance(doc.get("distribution"), dict):
                doc["distribution"]["status"] = ["Done"]
    else:
        return [body]  # the whole answer wrapped in a list
    return body


def _unknown_fields(body: Any, rng: random.Random) -> Any:
    for doc in _documents_of(body):
        doc["x-new-field"] = {"nested": [1, "two", None]}
        if isinstance(doc.get("distribution"), dict):
            doc["distribution"]["channelDetails"] = {"ap": "unknown"}
    if isinstance(body, dict):
        body["links"] = "next"
    return body


def _oldest_first(body: Any, rng: random.Random) -> Any:
    """A list in the other order (Pagero documents none)."""
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        body["items"].reverse()
    return body


MUTATIONS: dict[str, Mutation] = {
    "distribution_string": _distribution_as_string,
    "status_wording": _status_worded_otherwise,
    "numbers_as_strings": _numbers_as_strings,
    "fields_missing": _fields_missing,
    "wrong_types": _wrong_types,
    "unknown_fields": _unknown_fields,
    "oldest_first": _oldest_first,
}


# -- the plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    kind: str
    mutation: str = ""
    body: Any = None  # the answer of a "replace"


@dataclass
class FaultPlan:
    """Which requests fail and how. Deterministic for a seed and an order of requests."""

    seed: int = 0
    rate: float = 0.3  # share of matching requests that get a fault
    upload_faults: tuple[str, ...] = UPLOAD_FAULTS
    read_faults: tuple[str, ...] = READ_FAULTS
    action_faults: tuple[str, ...] = ACTION_FAULTS
    mutations: tuple[str, ...] = tuple(MUTATIONS)
    paths: tuple[str, ...] = ("/file/", "/document/")  # path prefixes the plan applies to
    slow_seconds: float = 1.0
    retry_after: int = 1
    queue: list[Fault] = field(default_factory=list)  # taken first, whatever the rate

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        unknown = set(self.upload_faults + self.read_faults + self.action_faults) - set(UPLOAD_FAULTS)
        if unknown or set(self.mutations) - set(MUTATIONS):
            raise ValueError(f"unknown fault kinds {sorted(unknown)} or mutations {self.mutations}")

    def next(self, *kinds: str, mutation: str = "") -> None:
        """Queue faults for the next matching requests (in this order)."""
        with self._lock:
            self.queue.extend(Fault(kind, mutation) for kind in kinds)

    def replace_next(self, body: Any) -> None:
        """Answer the next matching request (forwarded first) with ``body`` as JSON (bytes: as they are)."""
        with self._lock:
            self.queue.append(Fault("replace", body=body))

    def choices_for(self, method: str, path: str) -> tuple[str, ...]:
        if method == "POST" and path == UPLOAD_PATH:
            return self.upload_faults
        if method == "POST" and path.endswith("/action"):
            return self.action_faults
        if method == "GET":
            return self.read_faults
        return ()

    def pick(self, method: str, path: str) -> Fault | None:
        if not any(path.startswith(prefix) for prefix in self.paths):
            return None
        kinds = self.choices_for(method, path)
        if not kinds:
            return None
        with self._lock:
            if self.queue:
                fault = self.queue.pop(0)
                if fault.kind == "mutate" and not fault.mutation:
                    fault = Fault("mutate", self._rng.choice(self.mutations))
                return fault
            if self.rate <= 0 or self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(kinds)
            mutation = self._rng.choice(self.mutations) if kind == "mutate" else ""
            return Fault(kind, mutation)

    def mutate(self, name: str, body: Any) -> Any:
        with self._lock:
            return MUTATIONS[name](body, self._rng)


# -- the proxy --------------------------------------------------------------------------------------


@dataclass
class Decision:
    method: str
    path: str
    fault: str  # "" when forwarded unchanged
    upstream_status: int | None  # None when not forwarded


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        plan = self.server.plan
        fault = plan.pick(method, path)
        kind = fault.kind if fault else ""
        try:
            if kind not in FORWARDED and kind:
                # Recorded before the answer, so a client that sees it finds the decision in the log.
                self.server.record(Decision(method, path, kind, None))
                self._refuse(kind)
                return
            upstream_status, headers, answer = self._forward(method, body)
            if kind == "mutate":
                is_json = headers.get("content-type", "").startswith("application/json") and answer
                kind = f"mutate:{fault.mutation}" if fault is not None and is_json else ""
            self.server.record(Decision(method, path, kind, upstream_status))
            if kind == "stored_500":
                self._send(500, b'{"message": "Internal Server Error"}', "application/json")
            elif kind == "stored_drop":
                self._drop()
            elif kind == "slow":
                time.sleep(plan.slow_seconds)
                self._send(upstream_status, answer, headers.get("content-type", "application/json"))
            elif kind == "malformed":
                self._send(upstream_status, answer[: max(1, len(answer) // 2)] + b"<!-- truncated",
                           "application/json")
            elif kind == "replace" and fault is not None:
                raw = fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body).encode()
                self._send(200, raw, "application/json")
            elif kind.startswith("mutate:") and fault is not None:
                mutated = plan.mutate(fault.mutation, json.loads(answer))
                self._send(upstream_status, json.dumps(mutated).encode(), "application/json")
            else:
                extra = {k: v for k, v in headers.items() if k in ("retry-after", "www-authenticate", "location")}
                self._send(upstream_status, answer, headers.get("content-type", "application/json"), extra)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout): nothing more to say

    def _refuse(self, kind: str) -> None:
        """Answer without forwarding."""
        plan = self.server.plan
        if kind == "drop_before":
            self._drop()
        elif kind in ("refuse_500", "refuse_503"):
            body = json.dumps({"code": "server_error", "message": "Service unavailable."}).encode()
            self._send(int(kind[-3:]), body, "application/json")
        elif kind == "html_502":
            self._send(502, _HTML_PAGE, "text/html; charset=utf-8")
        elif kind == "refuse_429":
            self._send(429, b'{"message": "Too many requests"}', "application/json",
                       {"Retry-After": str(plan.retry_after)})

    def _forward(self, method: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        upstream = self.server.upstream
        connection = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
            headers["Host"] = upstream.netloc
            connection.request(method, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
        finally:
            connection.close()

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: str, plan: FaultPlan):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.plan = plan
        self.decisions: list[Decision] = []
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def record(self, decision: Decision) -> None:
        with self._lock:
            self.decisions.append(decision)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer is what the faults are for


class FaultProxy:
    """The proxy in a thread: ``start()``, ``url``, ``stop()``; also a context manager."""

    def __init__(self, upstream: str, plan: FaultPlan | None = None):
        self._server = _ProxyServer(upstream, plan or FaultPlan(rate=0.0))
        self._thread: threading.Thread | None = None

    @property
    def plan(self) -> FaultPlan:
        return self._server.plan

    @plan.setter
    def plan(self, plan: FaultPlan) -> None:
        self._server.plan = plan

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def log(self) -> list[Decision]:
        with self._server._lock:
            return list(self._server.decisions)

    @property
    def counts(self) -> Counter:
        return Counter(d.fault.split(":")[0] for d in self.log if d.fault)

    def uploads(self, *faults: str) -> list[Decision]:
        """The upload requests the proxy saw, optionally only those with one of ``faults``."""
        return [d for d in self.log if d.method == "POST" and d.path == UPLOAD_PATH
                and (not faults or d.fault in faults)]

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
