"""Connecting to Pagero: OAuth 2.0 authorization code with PKCE (S256), no Qt.

    oauth = OAuthClient(client_secret=secret)            # hosts, client id and port from kassa.config
    pending = oauth.begin()                               # starts the loopback listener
    show_or_open(pending.url)                             # the caller opens the browser
    tokens = pending.wait(timeout=300, cancel=event)      # the code is exchanged in there

The loopback listener (``http://127.0.0.1:PORT/callback``, PORT registered with Pagero)
takes exactly one callback carrying the right ``state``, exchanges the code, tells the
browser in Swedish how it went, and stops. A callback with a wrong state gets an error
page and is otherwise ignored, so a stray or forged request cannot end the real attempt.
"""
from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import requests

from kassa import config
from kassa.pagero.errors import (
    AuthorizationCancelled,
    AuthorizationTimeout,
    OAuthError,
    TransientError,
)

log = logging.getLogger(__name__)

SUCCESS_TEXT = "Anslutning till Pagero är klar. Det går bra att stänga fliken nu."
CALLBACK_PATH = "/callback"


@dataclass(frozen=True)
class TokenSet:
    """An answer of the token endpoint. The tokens never appear in repr()."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float  # seconds since the epoch
    sending_company_id: str | None = None  # only where the token answer carries it (the stand-in does)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) <= seconds

    def to_dict(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_at": self.expires_at, "sending_company_id": self.sending_company_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenSet:
        return cls(data["access_token"], data["refresh_token"], float(data["expires_at"]),
                   data.get("sending_company_id"))


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, code_challenge) pair, S256 (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)  # 86 characters, within 43..128
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def loopback_redirect_uri(port: int) -> str:
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


class OAuthClient:
    """Pagero's SSO endpoints for one partner client."""

    def __init__(self, *, client_secret: str, client_id: str | None = None, sso_base: str | None = None,
                 redirect_port: int | None = None, session: requests.Session | None = None,
                 timeout: float = 15.0, clock: Callable[[], float] = time.time):
        self.client_id = client_id or config.pagero_client_id()
        self.sso_base = (sso_base or config.pagero_sso_base()).rstrip("/")
        self.redirect_port = redirect_port or config.pagero_redirect_port()
        self._secret = client_secret
        self.session = session or requests.Session()
        self.timeout = timeout
        self.clock = clock

    def __repr__(self) -> str:
        return f"OAuthClient(client_id={self.client_id!r}, sso_base={self.sso_base!r})"

    @property
    def redirect_uri(self) -> str:
        return loopback_redirect_uri(self.redirect_port)

    def authorization_url(self, state: str, code_challenge: str, prompt: str | None = None) -> str:
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "code_challenge": code_challenge, "code_challenge_method": "S256", "state": state, "scope": "all"}
        if prompt:
            params["prompt"] = prompt
        return f"{self.sso_base}/oauth/v2/oauth-authorize?{urllib.parse.urlencode(params)}"

    def begin(self, prompt: str | None = None) -> PendingAuthorization:
        """A new state and PKCE pair, and the loopback listener started. Raises OAuthError if the port is taken."""
        return PendingAuthorization(self, prompt)

    # -- token endpoint ---------------------------------------------------------------

    def exchange_code(self, code: str, code_verifier: str) -> TokenSet:
        return self._token_request({"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": self.redirect_uri, "code_verifier": code_verifier})

    def refresh(self, refresh_token: str) -> TokenSet:
        """One refresh. The old refresh token is spent from now on, whatever happens next."""
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, token: str) -> None:
        try:
            response = self.session.post(f"{self.sso_base}/oauth/v2/oauth-revoke", data={"token": token},
                                         auth=(self.client_id, self._secret), timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransientError(f"Kunde inte nå Pagero för att återkalla anslutningen ({type(exc).__name__}).") \
                from None
        if response.status_code != 200:
            raise OAuthError(f"Pagero kunde inte återkalla anslutningen (HTTP {response.status_code}).",
                             pagero_text=_error_text(response))

    def _token_request(self, form: dict[str, str]) -> TokenSet:
        try:
            response = self.session.post(f"{self.sso_base}/oauth/v2/oauth-token", data=form,
                                         auth=(self.client_id, self._secret), timeout=self.timeout,
                                         headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            # The exception text may quote the request; keep only its kind.
            raise TransientError(f"Kunde inte nå Pagero ({self.sso_base}): {type(exc).__name__}. "
                                 "Kontrollera nätverksanslutningen och försök igen.") from None
        if response.status_code >= 500:
            raise TransientError(f"Pagero svarade med ett serverfel (HTTP {response.status_code}). Försök igen senare.",
                                 status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or "access_token" not in body:
            raise _token_error(response.status_code, body)
        return TokenSet(body["access_token"], body["refresh_token"],
                        self.clock() + float(body.get("expires_in", 600)), body.get("sending_company_id"))


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("error_description") or body.get("error") or "")
    except ValueError:
        return response.text[:300]


_TOKEN_ERRORS = {
    "invalid_grant": "Pagero godtog inte inloggningen: koden eller förnyelsetoken är ogiltig, redan använd "
                     "eller för gammal. Anslut till Pagero igen.",
    "invalid_client": "Pagero godtog inte Kassas klientuppgifter (client_id/client_secret). Kontrollera "
                      "KASSA_PAGERO_CLIENT_ID och klienthemligheten.",
    "invalid_request": "Pagero avvisade inloggningsförfrågan som felaktig.",
    "unauthorized_client": "Kassas klient får inte använda det här inloggningssättet hos Pagero.",
    "unsupported_grant_type": "Pagero stöder inte inloggningssättet.",
}


def _token_error(status: int, body: dict) -> OAuthError:
    error = str(body.get("error") or f"http_{status}")
    description = str(body.get("error_description") or "")
    message = _TOKEN_ERRORS.get(error, f"Pagero svarade med ett fel (HTTP {status}).")
    if description:
        message += f" Pageros svar: {description}"
    return OAuthError(message, error=error, pagero_text=description)


# -- the loopback listener ------------------------------------------------------------


def _page(title: str, text: str, status_ok: bool) -> bytes:
    colour = "#1a7f37" if status_ok else "#a40e26"
    return (f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body style='font-family:sans-serif;max-width:36em;margin:4em auto'>"
            f"<h1 style='color:{colour}'>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>").encode()


class PendingAuthorization:
    """One login attempt: ``url`` to open, ``wait()`` for the tokens, ``close()`` to give up."""

    def __init__(self, oauth: OAuthClient, prompt: str | None = None):
        self.oauth = oauth
        self.state = secrets.token_urlsafe(32)
        self._verifier, challenge = pkce_pair()
        self.url = oauth.authorization_url(self.state, challenge, prompt)
        self._done = threading.Event()
        self._result: TokenSet | None = None
        self._error: OAuthError | None = None
        self._lock = threading.Lock()
        try:
            self._server = HTTPServer(("127.0.0.1", oauth.redirect_port), _make_handler(self))
        except OSError as exc:
            raise OAuthError(
                f"Porten {oauth.redirect_port} på 127.0.0.1 används redan av ett annat program, så Kassa kan inte "
                "ta emot svaret från Pagero. Stäng det andra programmet (eller en annan pågående anslutning) och "
                f"försök igen. ({exc.strerror or exc})", error="port_in_use") from None
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="pagero-oauth-callback", daemon=True)
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return self.oauth.redirect_uri

    def wait(self, timeout: float = 300.0, cancel: threading.Event | None = None) -> TokenSet:
        """Block until the callback came and the code was exchanged; raises OAuthError
        (AuthorizationTimeout, AuthorizationCancelled, or a refusal) otherwise."""
        deadline = time.monotonic() + timeout
        try:
            while not self._done.wait(0.05):
                if cancel is not None and cancel.is_set():
                    raise AuthorizationCancelled()
                if time.monotonic() >= deadline:
                    raise AuthorizationTimeout(timeout)
            if self._error is not None:
                raise self._error
            assert self._result is not None
            return self._result
        finally:
            self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    # Called on the listener thread.
    def _callback(self, query: dict[str, str]) -> tuple[int, bytes]:
        with self._lock:
            if self._done.is_set():
                return 410, _page("Anslutningen är redan avslutad",
                                  "Det här inloggningsförsöket är redan avslutat. Gå tillbaka till Kassa.", False)
            if not secrets.compare_digest(query.get("state", ""), self.state):
                log.warning("Pagero callback with a wrong state ignored")
                return 400, _page("Fel vid anslutning till Pagero",
                                  "Svaret från inloggningen hör inte till den anslutning som Kassa väntar på "
                                  "(fel state). Starta anslutningen igen från Kassa och logga in i det fönster "
                                  "som då öppnas.", False)
            if "error" in query or not query.get("code"):
                reason = query.get("error_description") or query.get("error") or "ingen kod i svaret"
                self._error = OAuthError(f"Pagero nekade anslutningen: {reason}. Försök ansluta igen.",
                                         error=query.get("error") or "invalid_request", pagero_text=reason)
            else:
                try:
                    self._result = self.oauth.exchange_code(query["code"], self._verifier)
                except (OAuthError, TransientError) as exc:
                    self._error = exc if isinstance(exc, OAuthError) else OAuthError(str(exc), error="network")
            self._done.set()
            if self._error is not None:
                return 400, _page("Anslutningen till Pagero misslyckades", str(self._error), False)
            return 200, _page("Klart", SUCCESS_TEXT, True)


def _make_handler(pending: PendingAuthorization) -> type[BaseHTTPRequestHandler]:
    class CallbackHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class signature
            pass  # the query string holds the code: never log it

        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            if parsed.path != CALLBACK_PATH:
                status, body = 404, _page("Sidan finns inte", "Här tar Kassa bara emot svaret från Pagero.", False)
            else:
                query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                status, body = pending._callback(query)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return CallbackHandler
