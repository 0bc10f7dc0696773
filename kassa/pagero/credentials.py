"""Pagero tokens and the client secret, kept only in the OS keyring.

- ``CredentialStore``: reads and writes the keyring (service ``kassa-pagero``). An unusable
  keyring (the fail backend, an empty chainer, a plaintext or null backend, or errors from
  the backend) raises ``KeyringUnavailableError``; nothing is ever written anywhere else.
  A client secret from ``KASSA_PAGERO_CLIENT_SECRET`` is used as it is and never stored.
- ``TokenManager``: hands out a valid access token. It refreshes about 60 s before expiry,
  stores the new (single-use) refresh token before the new access token is used, and on
  ``invalid_grant`` deletes the tokens and raises ``NotConnectedError``, once, no loop.
  Refreshes are serialised across threads and, on POSIX, across processes (a lock file in
  the data directory), because two refreshes with the same token would end the connection.
"""
from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail

from kassa import config
from kassa.pagero.errors import (
    KeyringUnavailableError,
    NeedsAttentionError,
    NotConnectedError,
    OAuthError,
    PageroError,
    TransientError,
)
from kassa.pagero.oauth import OAuthClient, TokenSet

try:  # POSIX only; elsewhere the thread lock alone serialises refreshes
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SERVICE = "kassa-pagero"
REFRESH_MARGIN = 60.0  # seconds before expiry at which the access token is renewed


def usable_keyring(backend: keyring.backend.KeyringBackend | None = None) -> keyring.backend.KeyringBackend:
    """The backend to use, or KeyringUnavailableError when it cannot keep a secret safely."""
    backend = backend if backend is not None else keyring.get_keyring()
    module = type(backend).__module__
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailableError("ingen nyckelring hittades")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailableError("ingen nyckelring hittades")
    if module.startswith("keyrings.alt") or module == "keyring.backends.null":
        # Plaintext or no-op stores would put the tokens on disk in the clear, or lose them.
        raise KeyringUnavailableError(f"{type(backend).__name__} lagrar inte hemligheter säkert")
    try:
        if backend.priority <= 0:
            raise KeyringUnavailableError(f"{module} kan inte användas")
    except KeyringUnavailableError:
        raise
    except Exception as exc:  # backends report unavailability by raising from priority
        raise KeyringUnavailableError(type(exc).__name__) from None
    return backend


class CredentialStore:
    """The keyring entries of one Pagero client at one SSO host."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None, *, service: str = SERVICE,
                 client_id: str | None = None, sso_base: str | None = None):
        self._backend = backend
        self._checked = False
        self.service = service
        self.client_id = client_id or config.pagero_client_id()
        host = urllib.parse.urlsplit(sso_base or config.pagero_sso_base()).netloc
        # Tokens of the local stand-in and of the real Pagero must never be mixed up.
        self._tokens_key = f"tokens:{self.client_id}@{host}"
        self._secret_key = f"client-secret:{self.client_id}"

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        """The checked backend (checked once; raises KeyringUnavailableError)."""
        if not self._checked:
            self._backend = usable_keyring(self._backend)
            self._checked = True
        assert self._backend is not None  # usable_keyring() returns one or raises
        return self._backend

    def check(self) -> None:
        """Raise KeyringUnavailableError unless the keyring can be used (call before a login)."""
        self._call("get_password", self.service, self._tokens_key)

    def _call(self, method: str, *args: str) -> Any:
        backend = self.backend
        try:
            return getattr(backend, method)(*args)
        except keyring.errors.PasswordDeleteError:
            return None
        except Exception as exc:  # locked, D-Bus gone, access denied...; the text could quote a value
            raise KeyringUnavailableError(type(exc).__name__) from None

    # -- client secret ------------------------------------------------------------------

    def client_secret(self) -> str | None:
        return config.pagero_client_secret_from_env() or self._call("get_password", self.service, self._secret_key)

    def save_client_secret(self, secret: str) -> None:
        self._call("set_password", self.service, self._secret_key, secret)

    # -- tokens -------------------------------------------------------------------------

    def load_tokens(self) -> TokenSet | None:
        raw = self._call("get_password", self.service, self._tokens_key)
        if not raw:
            return None
        try:
            return TokenSet.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError):
            log.warning("Unreadable Pagero token entry in the keyring; treating as not connected")
            return None

    def save_tokens(self, tokens: TokenSet) -> None:
        # One entry, so the access and refresh tokens always change together.
        self._call("set_password", self.service, self._tokens_key, json.dumps(tokens.to_dict()))

    def delete_tokens(self) -> None:
        self._call("delete_password", self.service, self._tokens_key)


@contextlib.contextmanager
def _process_lock() -> Iterator[None]:
    if fcntl is None:
        yield
        return
    with open(config.data_dir() / "pagero-refresh.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class TokenManager:
    """A valid access token when asked; the single place that refreshes."""

    def __init__(self, store: CredentialStore, oauth: OAuthClient, *, margin: float = REFRESH_MARGIN,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.oauth = oauth
        self.margin = margin
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: TokenSet | None = None

    def tokens(self) -> TokenSet | None:
        """What the keyring holds now (for a status display; never print the tokens)."""
        return self.store.load_tokens()

    def is_connected(self) -> bool:
        return self.tokens() is not None

    def save_new_connection(self, tokens: TokenSet) -> None:
        with self._lock:
            self.store.save_tokens(tokens)
            self._cached = tokens

    def access_token(self) -> str:
        """A token valid for at least ``margin`` seconds more; refreshes when needed."""
        cached = self._cached
        if cached is not None and not cached.expires_within(self.margin, self.clock()):
            return cached.access_token
        with self._lock, _process_lock():
            tokens = self.store.load_tokens()  # another process may have refreshed already
            if tokens is None:
                self._cached = None
                raise NotConnectedError()
            if tokens.expires_within(self.margin, self.clock()):
                tokens = self._refresh(tokens)
            self._cached = tokens
            return tokens.access_token

    def refresh_after_rejection(self, rejected_access_token: str) -> str:
        """After a 401: a new access token, unless someone else has already got one."""
        with self._lock, _process_lock():
            tokens = self.store.load_tokens()
            if tokens is None:
                self._cached = None
                raise NotConnectedError()
            if tokens.access_token == rejected_access_token:
                tokens = self._refresh(tokens)
            self._cached = tokens
            return tokens.access_token

    def _refresh(self, tokens: TokenSet) -> TokenSet:
        try:
            fresh = self.oauth.refresh(tokens.refresh_token)
        except OAuthError as exc:
            if exc.error == "invalid_grant":
                log.warning("Pagero refused the refresh token (invalid_grant); the connection is gone")
                self.store.delete_tokens()
                self._cached = None
                raise NotConnectedError(
                    "Pagero godtar inte längre Kassas anslutning (den har återkallats eller gått ut). "
                    "Anslut igen under Inställningar → Integrationer → Pagero → Anslut "
                    "(eller kör `kassa pagero connect`)."
                ) from None
            # invalid_client and the like: the vendor's registration, not the user, must be fixed.
            raise NeedsAttentionError(str(exc), pagero_text=exc.pagero_text or "") from None
        if fresh.sending_company_id is None and tokens.sending_company_id:
            fresh = TokenSet(fresh.access_token, fresh.refresh_token, fresh.expires_at, tokens.sending_company_id)
        # The old refresh token is spent: keep the new one before anything else happens.
        self.store.save_tokens(fresh)
        log.info("Pagero access token refreshed")
        return fresh

    def disconnect(self) -> bool:
        """Revoke at Pagero and delete locally. True if Pagero confirmed the revocation."""
        with self._lock, _process_lock():
            tokens = self.store.load_tokens()
            self._cached = None
            if tokens is None:
                return False
            revoked = True
            try:
                self.oauth.revoke(tokens.refresh_token)
            except (OAuthError, TransientError) as exc:
                log.warning("Revoking the Pagero tokens failed: %s", type(exc).__name__)
                revoked = False
            self.store.delete_tokens()
            return revoked


def client_secret_or_raise(store: CredentialStore) -> str:
    secret = store.client_secret()
    if not secret:
        raise PageroError(
            "Kassas klienthemlighet för Pagero saknas. Sätt miljövariabeln KASSA_PAGERO_CLIENT_SECRET eller spara "
            "hemligheten i nyckelringen med `kassa pagero connect --client-secret-stdin`."
        )
    return secret


def token_manager(backend: keyring.backend.KeyringBackend | None = None,
                  session: Any = None) -> TokenManager:
    """The TokenManager for the configured client (kassa.config), keyring checked first."""
    store = CredentialStore(backend)
    store.check()
    oauth = OAuthClient(client_secret=client_secret_or_raise(store), session=session)
    return TokenManager(store, oauth)
