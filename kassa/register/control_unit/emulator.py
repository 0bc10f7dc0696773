"""`kassa control-unit emulator`: a local XCCSP service for demos and tests. NOT a certified unit.

It speaks the protocol of `xccsp_messages` over real HTTP on 127.0.0.1 (POST to any path, e.g.
``/xccsp``; HTTP Basic authentication, default user ``kassa`` / password ``emulator``). What it
registers and how it misbehaves is in `emulator_state`. It says that it is not certified in its
log, in its status answer (firmware "KASSA-EMULATOR EJ CERTIFIERAD", unit id EMULATOR…), in a
comment in every answer and in the ``X-Kassa-Emulator`` header of every answer.

With ``control=True`` (``--control``) these test endpoints exist, JSON in and out:

- ``GET /_control/state``: behaviour, registrations, every request and its outcome;
- ``POST /_control/behaviour`` ``{"mode": "ok|busy|server_busy|down|drop|slow|garbage|
  garbage_after_store|empty_code", "delay": 2.0, "fail_rate": 0.2, "fail_kinds": [...], "seed": 1,
  "next": ["busy", "busy"]}`` (any subset; the rest stays);
- ``POST /_control/reset``: forget everything, behaviour back to "ok".

In tests: ``with ControlUnitEmulator(control=True) as unit: unit.url``.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kassa.register.control_unit.emulator_state import NOT_CERTIFIED, Behaviour, EmulatorState
from kassa.register.control_unit.xccsp import EMULATOR_HEADER
from kassa.register.control_unit.xccsp_messages import (
    ENCODING,
    MAX_MESSAGE_BYTES,
    Fault,
    RegisterResult,
    StatusResult,
    UnreadableAnswer,
    fault_response,
    parse_request,
    register_response,
    status_response,
)

log = logging.getLogger(__name__)

EMULATOR_HEADER_VALUE = "ej certifierad; endast demo och test"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes; no 40 ms stalls
    server: _Server
    server_version = "KassaControlUnitEmulator/1 (ej certifierad)"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("emulator: " + format, *args)

    def _send(self, status: int, body: bytes, content_type: str = f"text/xml; charset={ENCODING}",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(EMULATOR_HEADER, EMULATOR_HEADER_VALUE)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_MESSAGE_BYTES:
            self.close_connection = True
            self._send(413, b"too large or no length", "text/plain")
            return None
        return self.rfile.read(length)

    def _user(self) -> str | None:
        header = self.headers.get("Authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error:
            return None
        # ISO-8859-1 as the protocol (and requests) sends it; UTF-8 as RFC 7617 allows.
        for encoding in ("iso-8859-1", "utf-8"):
            try:
                user, _, password = raw.decode(encoding).partition(":")
            except UnicodeDecodeError:
                continue
            if self.server.state.authorized(user, password):
                return user
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.server.control and self.path == "/_control/state":
            self._json(200, self.server.state.snapshot())
            return
        text = (f"{NOT_CERTIFIED}.\nXCCSP: POST till {self.path}, ISO-8859-1, HTTP Basic.\n").encode()
        self._send(200, text, "text/plain; charset=utf-8")

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        if body is None:
            return
        if self.path.startswith("/_control/"):
            self._control(body)
            return
        if self._user() is None:
            self._send(401, b"Unauthorized", "text/plain", {"WWW-Authenticate": 'Basic realm="xccsp"'})
            return
        try:
            request = parse_request(body)
        except UnreadableAnswer as exc:
            log.info("emulator: unreadable request (%s)", exc)
            self._answer(Fault(2, "UnknownRequest", "Begäran kan inte läsas"))
            return
        name, outcome, message = self.server.state.handle(request)
        log.info("emulator: %s %s/%s -> %s", request.type, request.fields.get("PosId", ""),
                 request.fields.get("ReceiptId", ""), name)
        if outcome.delay:
            time.sleep(outcome.delay)
        if outcome.drop:
            self.close_connection = True
            self.connection.shutdown(2)  # SHUT_RDWR: no answer at all
            return
        if message is None:
            self._send(outcome.status, outcome.body, "text/html")
            return
        self._answer(message)

    def _answer(self, message: RegisterResult | StatusResult | Fault) -> None:
        if isinstance(message, RegisterResult):
            body = register_response(message, NOT_CERTIFIED)
        elif isinstance(message, StatusResult):
            body = status_response(message, NOT_CERTIFIED)
        else:
            body = fault_response(message, NOT_CERTIFIED)
        self._send(200, body)

    def _control(self, body: bytes) -> None:
        if not self.server.control:
            self._send(404, b"not found", "text/plain")
            return
        state = self.server.state
        if self.path == "/_control/reset":
            state.reset()
            self._json(200, {"reset": True})
            return
        if self.path == "/_control/behaviour":
            try:
                changes = json.loads(body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("a JSON object is expected")
                behaviour = state.set_behaviour(**changes)
            except (ValueError, TypeError) as exc:
                self._json(400, {"error": str(exc)})
                return
            log.info("emulator: behaviour now %s", behaviour)
            self._json(200, state.snapshot()["behaviour"])
            return
        self._send(404, b"not found", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: EmulatorState, control: bool):
        self.state = state
        self.control = control
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("emulator: connection from %s ended with an error", client_address, exc_info=True)


class ControlUnitEmulator:
    """The emulator in a thread: ``start()``, ``url``, ``stop()``; also a context manager."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, behaviour: Behaviour | None = None,
                 users: dict[str, str] | None = None, control: bool = False, unit_number: int = 1):
        self.state = EmulatorState(behaviour, users, unit_number)
        self._server = _Server((host, port), self.state, control)
        self._thread: threading.Thread | None = None
        log.warning("%s: %s", self.url, NOT_CERTIFIED)

    @property
    def url(self) -> str:
        host, port = (str(part) for part in self._server.server_address[:2])
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/xccsp"

    def start(self) -> ControlUnitEmulator:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="kassa-control-unit-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop a started emulator; afterwards its port refuses connections."""
        self._server.shutdown()
        self.close()
        if self._thread:
            self._thread.join(timeout=5)

    def close(self) -> None:
        """Close the listening socket (after `serve_forever` has returned)."""
        self._server.server_close()

    def __enter__(self) -> ControlUnitEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
