"""The Pagero connection as the window uses it: log in through the browser, forget, ask whether connected.

The settings wizard is handed a PageroConnector (as securedrop's export wizard is handed its
export service) and calls it from worker threads; every call may wait on the keyring or the
network. ``kassa pagero`` (kassa/commands/pagero.py) drives the same parts from the terminal.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import keyring.backend

from kassa.pagero.credentials import CredentialStore, TokenManager, client_secret_or_raise
from kassa.pagero.oauth import OAuthClient, PendingAuthorization

log = logging.getLogger(__name__)

LOGIN_TIMEOUT = 600.0  # seconds a person has to log in at Pagero


@dataclass
class LoginAttempt:
    """A login that has begun: the loopback listener runs and ``url`` is Pagero's login page."""

    store: CredentialStore
    oauth: OAuthClient
    pending: PendingAuthorization

    @property
    def url(self) -> str:
        return self.pending.url

    def close(self) -> None:
        """Stop waiting (the listener closes); nothing is stored."""
        self.pending.close()


class PageroConnector:
    """Connect, forget, and ask; ``backend`` is the keyring (the OS's own by default)."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None, login_timeout: float = LOGIN_TIMEOUT):
        self.backend = backend
        self.login_timeout = login_timeout

    def begin_login(self) -> LoginAttempt:
        """Check the keyring, start the loopback listener, build the login URL (worker thread).

        Raises KeyringUnavailableError, or NotConnectedError when Kassa's client secret is missing."""
        store = CredentialStore(self.backend)
        store.check()
        oauth = OAuthClient(client_secret=client_secret_or_raise(store))
        return LoginAttempt(store, oauth, oauth.begin())

    def finish_login(self, attempt: LoginAttempt, cancel: threading.Event, timeout: float | None = None) -> str | None:
        """Wait for the browser's callback, keep the tokens in the keyring (worker thread).

        Returns the company id Pagero named, if it named one; raises OAuthError (AuthorizationCancelled
        when ``cancel`` was set, AuthorizationTimeout) when no login came."""
        tokens = attempt.pending.wait(timeout=timeout if timeout is not None else self.login_timeout, cancel=cancel)
        TokenManager(attempt.store, attempt.oauth).save_new_connection(tokens)
        return tokens.sending_company_id

    def forget_tokens(self) -> None:
        """"Koppla från": the tokens leave the keyring; queued e-invoices wait for a new connection."""
        CredentialStore(self.backend).delete_tokens()

    def is_connected(self) -> bool | None:
        """Tokens in the keyring? None when the keyring cannot be asked (unknown, not "connected")."""
        try:
            return CredentialStore(self.backend).load_tokens() is not None
        except Exception as exc:  # KeyringUnavailableError and the like
            log.debug("keyring not usable for the connection status: %s", type(exc).__name__)
            return None
