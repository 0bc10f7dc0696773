"""The local stand-in for Pagero (SSO, File API, Document API, "Anmäl intresse"); `kassa sandbox` runs it.

It answers the requests of ../shared/docs/pagero-api.md the way Pagero does, on one port
for both hosts: point ``KASSA_PAGERO_SSO_BASE`` and ``KASSA_PAGERO_API_BASE`` (and
``KASSA_INTEREST_URL`` = BASE/partner/v1/interest) at ``http://127.0.0.1:8765``.

Defaults, for demos (change them with options or ``--config FILE``):

- client registration: client_id ``kassa-desktop``, client_secret ``sandbox-secret``,
  redirect_uri ``http://127.0.0.1:8766/callback`` (matches Kassa's default redirect port)
- test account: username ``demo``, password ``demo``, company id
  ``7a4f1c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b``, "Demobolaget AB", SE556036079301
- access tokens live 600 s, codes 60 s; a file is processed after 2 s, delivered 3 s later;
  the buyer answers (if scripted) 5 s after that; duplicate document control is on.

The config file is JSON with any of these keys (nested keys are merged)::

    {"client": {"client_id": "...", "client_secret": "...", "redirect_uri": "..."},
     "accounts": [{"username": "...", "password": "...", "company_id": "...",
                   "company_name": "...", "vat": "..."}],
     "token_ttl": 600, "code_ttl": 60,
     "timing": {"processing": 2, "delivery": 3, "answer": 5},
     "default_outcome": "delivered", "default_answer": null, "duplicate_control": true,
     "duplicate_as": "part", "duplicate_status": "Undeliverable"}

A duplicate (same document number, same year) is a file part in Error with ``duplicate_as`` "part";
with "document" it becomes a document whose distribution status is ``duplicate_status``.

With ``--control`` (never otherwise) these test endpoints exist, JSON in and out:

- ``POST /_control/script`` ``{"match": NUMBER-or-senderReference, "outcome":
  delivered|accepted|processing|error|awaiting_interaction, "answer": RecipientAccept|
  RecipientReject|null, "description": "...", "reason": "...", "sticky": false}``;
  ``GET /_control/scripts``. A script is used once (unless sticky) when its file is processed.
- ``POST /_control/faults`` ``{"probability": 0.3, "kinds": ["500","429","slow","drop"],
  "next": ["500"], "seed": 1, "retry_after": 1, "slow_seconds": 2, "paths": ["/file/", ...]}``;
  ``GET`` shows them with counts of what was injected; ``DELETE`` turns them off. Kinds:
  500, 503, 429 (with Retry-After), slow (answers after slow_seconds), drop (connection closed
  without an answer, request not handled), drop_after (handled, then closed without an answer).
- ``POST /_control/expire-tokens`` ``{"refresh": false}``; ``POST /_control/advance``
  ``{"seconds": N}`` moves the stand-in's clock; ``POST /_control/flush`` finishes all progress now.
- ``GET /_control/files`` (every upload, and how many times each document number arrived),
  ``GET /_control/interest``, ``POST /_control/reset``.

``--state FILE`` keeps everything in a JSON file (written atomically after each change,
uploaded payloads in FILE.files/) so the stand-in survives a restart. Tokens are stored
only as SHA-256 hashes.

In tests: ``with SandboxServer(config={...}, control=True) as sandbox: sandbox.url``.
"""
from __future__ import annotations

import base64
import email.message
import email.parser
import email.policy
import html
import json
import logging
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from stdnum.se import orgnr

from kassa.pagero.sandbox.state import (
    DOCUMENT_TYPES,
    SEND_MODES,
    ApiFailure,
    OAuthFailure,
    SandboxState,
)

log = logging.getLogger(__name__)

INTEREST_FIELDS = {
    "companyName": "Företagsnamn",
    "address": "Adress",
    "orgNumber": "Organisationsnummer",
    "postalCode": "Postnummer",
    "invoicesPerYear": "Antal fakturor per år",
    "contactName": "Kontaktperson",
    "email": "E-post",
    "phone": "Telefon",
}

_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Logga in – Pagero Online (lokal attrapp)</title>
<style>body{{font-family:sans-serif;max-width:24em;margin:4em auto}}label{{display:block;margin-top:1em}}
input{{width:100%}}.fel{{color:#a00}}</style></head>
<body><h1>Pagero Online</h1><p>{company}</p>{error}
<form method="post" action="/oauth/v2/oauth-authorize">{hidden}
<label for="username">Användarnamn</label>
<input id="username" name="username" autocomplete="username" value="{username}">
<label for="password">Lösenord</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<p><button type="submit">Logga in</button></p></form>
<p><a href="/oauth/v2/forgot-password">Glömt ditt lösenord?</a></p></body></html>"""

_FORGOT_PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Glömt ditt lösenord?</title></head>
<body><h1>Glömt ditt lösenord?</h1><p>Det här är Kassas lokala Pagero-attrapp. Testkontona och deras lösenord
står i attrappens inställningar (<code>kassa sandbox --help</code>).</p></body></html>"""

_AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "code_challenge", "code_challenge_method",
                     "state", "scope", "prompt")


class _Drop(Exception):
    """Close the connection without an answer (fault injection)."""


class _Stop(Exception):
    """The answer was already sent (an injected 429)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes; no 40 ms stalls
    server: _Server

    # -- plumbing ---------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        log.debug("sandbox %s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        path = parsed.path
        self._mute = False
        try:
            if path.startswith("/_control/") and not self.server.control:
                raise ApiFailure(404, "Not found.", "not_found")
            fault = None if path.startswith("/_control/") else state.pick_fault(path)
            if fault:
                self._fault_before(fault)
            # drop_after: handle the request for real, but let no answer out.
            self._mute = fault == "drop_after"
            for route_method, pattern, handler in _ROUTES:
                match = pattern.fullmatch(path)
                if match and route_method == method:
                    handler(self, *match.groups())
                    break
            else:
                raise ApiFailure(404 if not any(p.fullmatch(path) for _, p, _ in _ROUTES) else 405,
                                 f"No route for {method} {path}.", "not_found")
        except _Drop:
            self._drop()
        except _Stop:
            pass
        except OAuthFailure as exc:
            headers = {"WWW-Authenticate": 'Basic realm="pagero"'} if exc.status == 401 else {}
            self._json(exc.status, {"error": exc.error, "error_description": exc.description}, headers)
        except ApiFailure as exc:
            headers = {"WWW-Authenticate": f'Bearer error="{exc.code}"'} if exc.status == 401 else {}
            self._json(exc.status, {"code": exc.code, "message": exc.message}, headers)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("sandbox: %s %s: the client went away before the answer", method, path)
            self.close_connection = True
        except Exception:  # a bug in the stand-in: answer like a server would, and say where
            log.exception("sandbox: %s %s failed", method, path)
            self._json(500, {"code": "server_error", "message": "Internal error in the sandbox."})
        finally:
            state.save_if_dirty()
            if self._mute:  # drop_after: whatever the answer was, it does not get out
                self._mute = False
                self._drop()

    def _fault_before(self, fault: str) -> None:
        faults = self.server.state.data["faults"]
        if fault in ("500", "503"):
            raise ApiFailure(int(fault), "Injected server error (sandbox fault).", "server_error")
        if fault == "429":
            retry_after = str(faults.get("retry_after", 1))
            self._json(429, {"code": "too_many_requests", "message": "Too many requests."},
                       {"Retry-After": retry_after})
            raise _Stop()
        if fault == "slow":
            time.sleep(float(faults.get("slow_seconds", 2)))
        if fault == "drop":
            raise _Drop()

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    _mute = False

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        if self._mute:
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict | None = None) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8",
                   headers)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _accepts(self, *types: str) -> None:
        accept = self.headers.get("Accept") or "*/*"
        offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
        acceptable = set(types) | {"*/*"} | {t.split("/")[0] + "/*" for t in types}
        if not offered & acceptable:
            raise ApiFailure(406, f"Cannot produce any of: {accept}.", "not_acceptable")

    def _content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def _form(self) -> dict[str, str]:
        if self._content_type() != "application/x-www-form-urlencoded":
            raise OAuthFailure("invalid_request", "The body must be application/x-www-form-urlencoded.")
        return {k: v[-1] for k, v in urllib.parse.parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def _json_body(self) -> dict:
        if self._content_type() != "application/json":
            raise ApiFailure(415, "The body must be application/json.", "unsupported_media_type")
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            raise ApiFailure(400, "The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ApiFailure(400, "The body must be a JSON object.")
        return body

    def _company(self) -> str:
        auth = self.headers.get("Authorization") or ""
        if not auth.lower().startswith("bearer "):
            raise ApiFailure(401, "A bearer token is required.", "invalid_token")
        return self.server.state.bearer(auth[7:].strip())["company_id"]

    def _base_url(self) -> str:
        return f"http://{self.headers.get('Host') or _host_port(self.server.server_address)}"

    # -- SSO --------------------------------------------------------------------------

    def authorize_get(self) -> None:
        params = {k: v[-1] for k, v in self.query.items() if k in _AUTHORIZE_FIELDS}
        self._authorize_page(params)

    def _authorize_page(self, params: dict[str, str], error: str = "", username: str = "", status: int = 200) -> None:
        state = self.server.state
        try:
            problem = state.check_authorize_params(params)
        except OAuthFailure as exc:
            # Never redirect to an unregistered address (RFC 6749 §4.1.2.1): say it here.
            self._html(400, "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Fel</title></head>"
                            f"<body><h1>Felaktig inloggningsbegäran</h1><p>{html.escape(exc.description)}</p>"
                            "</body></html>")
            return
        if problem:
            self._redirect(_with_query(params["redirect_uri"], error=problem, state=params.get("state"),
                                       error_description="The authorization request is not valid "
                                                         "(response_type=code, S256 PKCE and state are required)."))
            return
        hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items())
        error_html = f'<p class="fel" role="alert">{html.escape(error)}</p>' if error else ""
        self._html(status, _LOGIN_PAGE.format(company="Logga in för att ge Kassa åtkomst till ditt företag.",
                                              error=error_html, hidden=hidden, username=html.escape(username)))

    def authorize_post(self) -> None:
        form = self._form()
        params = {k: v for k, v in form.items() if k in _AUTHORIZE_FIELDS}
        username = form.get("username", "")
        state = self.server.state
        try:
            if state.check_authorize_params(params):
                return self._authorize_page(params)
        except OAuthFailure:
            return self._authorize_page(params)
        if not state.account(username, form.get("password", "")):
            self._authorize_page(params, "Fel användarnamn eller lösenord. Försök igen.", username, 200)
            return
        code = state.issue_code(params, username)
        self._redirect(_with_query(params["redirect_uri"], code=code, state=params["state"],
                                   iss=self._base_url()))

    def forgot_password(self) -> None:
        self._html(200, _FORGOT_PAGE)

    def _authenticate_client(self, form: dict[str, str]) -> str:
        """HTTP Basic client authentication, or client_id/client_secret in the body."""
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
                client_id, secret = urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
            except (ValueError, UnicodeDecodeError):
                raise OAuthFailure("invalid_client", "Malformed Basic authorization.", 401) from None
        self.server.state.authenticate_client(client_id, secret)
        return client_id or ""

    def token(self) -> None:
        form = self._form()
        client_id = self._authenticate_client(form)
        state = self.server.state
        grant = form.get("grant_type")
        if grant == "authorization_code":
            answer = state.grant_code(form, client_id or "")
        elif grant == "refresh_token":
            answer = state.grant_refresh(form)
        else:
            raise OAuthFailure("unsupported_grant_type", f"grant_type {grant!r} is not supported.")
        self._json(200, answer, {"Pragma": "no-cache"})

    def revoke(self) -> None:
        form = self._form()
        self._authenticate_client(form)
        self.server.state.revoke(form.get("token", ""))
        self._send(200, b"", "text/plain")

    # -- File API ---------------------------------------------------------------------

    def upload(self) -> None:
        company = self._company()
        self._accepts("application/json")
        if self._content_type() != "multipart/form-data":
            raise ApiFailure(415, "The request must be multipart/form-data.", "unsupported_media_type")
        fields, filename, payload = _parse_multipart(self.headers.get("Content-Type", ""), self.body)
        missing = [k for k in ("documentType", "sendMode", "sendingCompanyId") if not fields.get(k)]
        if payload is None:
            missing.insert(0, "payload")
        if missing:
            raise ApiFailure(400, f"Missing multipart part(s): {', '.join(missing)}.")
        if not (filename or "").lower().endswith(".xml"):
            raise ApiFailure(400, "The payload part must be a file whose name ends in .xml.")
        if fields["documentType"] not in DOCUMENT_TYPES:
            raise ApiFailure(400, f"documentType must be one of {', '.join(DOCUMENT_TYPES)}.")
        if fields["sendMode"] not in SEND_MODES:
            raise ApiFailure(400, f"sendMode must be one of {', '.join(SEND_MODES)}.")
        if fields["sendingCompanyId"] != company:
            raise ApiFailure(403, "sendingCompanyId does not belong to the authenticated account.", "forbidden")
        file_id = self.server.state.upload(company, fields, filename or "", payload or b"")
        self._json(201, {"id": file_id})

    def fileparts(self, file_id: str) -> None:
        company = self._company()
        self._accepts("application/json")
        statuses = [s for v in self.query.get("Status", []) + self.query.get("status", []) for s in v.split(",") if s]
        self._json(200, self.server.state.fileparts(file_id, company, statuses or None))

    def part_action(self, part_id: str) -> None:
        company = self._company()
        self._accepts("application/json")
        body = self._json_body()
        self._json(200, self.server.state.part_action(part_id, company, body.get("action", "")))

    # -- Document API -----------------------------------------------------------------

    def documents(self) -> None:
        company = self._company()
        self._accepts("application/json")
        self._json(200, self.server.state.documents(company, self.query))

    def document(self, doc_id: str) -> None:
        company = self._company()
        self._accepts("application/json")
        self._json(200, self.server.state.document(doc_id, company))

    def target_document(self, doc_id: str) -> None:
        company = self._company()
        self._accepts("application/xml", "text/xml", "application/octet-stream")
        self._send(200, self.server.state.target_document(doc_id, company), "application/xml")

    # -- "Anmäl intresse" -------------------------------------------------------------

    def interest(self) -> None:
        self._accepts("application/json")
        body = self._json_body()
        missing = [label for key, label in INTEREST_FIELDS.items() if not str(body.get(key) or "").strip()]
        if missing:
            raise ApiFailure(400, f"Följande fält måste fyllas i: {', '.join(missing)}.")
        problems = []
        if not orgnr.is_valid(str(body["orgNumber"])):
            problems.append("Organisationsnumret är inte giltigt (10 siffror, t.ex. 556036-0793).")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(body["email"]).strip()):
            problems.append("E-postadressen är inte giltig.")
        if not re.fullmatch(r"\d{3} ?\d{2}", str(body["postalCode"]).strip()):
            problems.append("Postnumret ska ha fem siffror, t.ex. 123 45.")
        try:
            if int(body["invoicesPerYear"]) < 1:
                raise ValueError
        except (TypeError, ValueError):
            problems.append("Antal fakturor per år ska vara ett heltal, minst 1.")
        if problems:
            raise ApiFailure(400, " ".join(problems))
        entry = self.server.state.add_interest(body)
        self._json(201, {"id": entry["id"]})

    # -- control ----------------------------------------------------------------------

    def control_script(self) -> None:
        self._json(200, self.server.state.set_script(self._json_body()))

    def control_scripts(self) -> None:
        self._json(200, self.server.state.data["scripts"])

    def control_faults_get(self) -> None:
        self._json(200, self.server.state.data["faults"])

    def control_faults_set(self) -> None:
        self._json(200, self.server.state.set_faults(self._json_body()))

    def control_faults_clear(self) -> None:
        self.server.state.clear_faults()
        self._json(200, self.server.state.data["faults"])

    def control_expire(self) -> None:
        self.server.state.expire_tokens(bool(self._json_body().get("refresh")))
        self._json(200, {"ok": True})

    def control_advance(self) -> None:
        body = self._json_body()
        self.server.state.move_clock(float(body.get("seconds", 0)))
        self.server.state.advance()
        self._json(200, {"ok": True})

    def control_flush(self) -> None:
        self.server.state.advance(force=True)
        self._json(200, {"ok": True})

    def control_files(self) -> None:
        self._json(200, self.server.state.uploaded_files())

    def control_interest(self) -> None:
        self._json(200, {"items": self.server.state.data["interest"]})

    def control_reset(self) -> None:
        self.server.state.reset()
        self._json(200, {"ok": True})


def _route(method: str, pattern: str, handler: Callable) -> tuple:
    return method, re.compile(pattern), handler


_UUIDISH = r"([A-Za-z0-9-]+)"
_ROUTES = [
    _route("GET", r"/oauth/v2/oauth-authorize", _Handler.authorize_get),
    _route("POST", r"/oauth/v2/oauth-authorize", _Handler.authorize_post),
    _route("GET", r"/oauth/v2/forgot-password", _Handler.forgot_password),
    _route("POST", r"/oauth/v2/oauth-token", _Handler.token),
    _route("POST", r"/oauth/v2/oauth-revoke", _Handler.revoke),
    _route("POST", r"/file/v1/files", _Handler.upload),
    _route("GET", rf"/file/v1/files/{_UUIDISH}/fileparts", _Handler.fileparts),
    _route("POST", rf"/file/v1/fileparts/{_UUIDISH}/action", _Handler.part_action),
    _route("GET", r"/document/v1/documents", _Handler.documents),
    _route("GET", rf"/document/v1/documents/{_UUIDISH}", _Handler.document),
    _route("GET", rf"/document/v1/documents/{_UUIDISH}/targetdocument", _Handler.target_document),
    _route("POST", r"/partner/v1/interest", _Handler.interest),
    _route("POST", r"/_control/script", _Handler.control_script),
    _route("GET", r"/_control/scripts", _Handler.control_scripts),
    _route("GET", r"/_control/faults", _Handler.control_faults_get),
    _route("POST", r"/_control/faults", _Handler.control_faults_set),
    _route("DELETE", r"/_control/faults", _Handler.control_faults_clear),
    _route("POST", r"/_control/expire-tokens", _Handler.control_expire),
    _route("POST", r"/_control/advance", _Handler.control_advance),
    _route("POST", r"/_control/flush", _Handler.control_flush),
    _route("GET", r"/_control/files", _Handler.control_files),
    _route("GET", r"/_control/interest", _Handler.control_interest),
    _route("POST", r"/_control/reset", _Handler.control_reset),
]


def _host_port(address: tuple[str | bytes, int] | Any) -> str:
    host, port = address[:2]
    return f"{host.decode() if isinstance(host, bytes) else host}:{port}"


def _with_query(url: str, **params: str | None) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], str | None, bytes | None]:
    """The text fields, and the payload file's name and bytes, of a multipart/form-data body."""
    # compat32: the modern header registry costs ~10 ms per upload, this parse well under 1 ms.
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ApiFailure(400, "The multipart body could not be read.")
    fields: dict[str, str] = {}
    filename: str | None = None
    payload: bytes | None = None
    for part in message.get_payload():
        if not isinstance(part, email.message.Message):
            continue
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        if name == "payload":
            filename, payload = part.get_filename(), data
        elif isinstance(name, str) and name:
            fields[name] = data.decode(part.get_content_charset() or "utf-8").strip()
    return fields, filename, payload


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState, control: bool):
        self.state = state
        self.control = control
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("sandbox: connection from %s ended with an error", client_address, exc_info=True)


class SandboxServer:
    """The stand-in, in a thread: ``start()``, ``url``, ``stop()``; also a context manager."""

    def __init__(self, config: dict | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 state_path: str | None = None, control: bool = False):
        self.state = SandboxState(config, state_path)
        self._server = _Server((host, port), self.state, control)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{_host_port(self._server.server_address)}"

    @property
    def config(self) -> dict:
        return self.state.config

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="kassa-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.state.save_if_dirty()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
