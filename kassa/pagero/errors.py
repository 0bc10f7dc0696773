"""The exceptions of the Pagero connection, shared by oauth, credentials and client.

Three kinds a caller must tell apart (the send queue decides on them):

- ``NotConnectedError``: there is no usable connection; a person must connect again
  (Inställningar → Integrationer → Pagero → Anslut, or ``kassa pagero connect``).
- ``TransientError``: the network or Pagero failed and retrying later may work;
  ``OutcomeUnknownError`` is the special case where an upload may have arrived.
- ``NeedsAttentionError``: Pagero refused the request; retrying the same thing will
  fail again. ``pagero_text`` keeps Pagero's own words.

``str(error)`` is a Swedish sentence for a person. No message ever contains a token
or a secret.
"""
from __future__ import annotations


class PageroError(Exception):
    """Base of everything the Pagero connection raises."""


class NotConnectedError(PageroError):
    """No tokens, or Pagero no longer accepts them (invalid_grant)."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Kassa är inte ansluten till Pagero. Anslut under Inställningar → Integrationer → "
            "Pagero → Anslut (eller kör `kassa pagero connect`)."
        )


class KeyringUnavailableError(NotConnectedError):
    """No usable OS keyring: nothing was stored, and nothing is stored elsewhere.

    A kind of NotConnectedError: without the keyring there is no connection to use.
    """

    def __init__(self, detail: str = ""):
        message = (
            "Ingen fungerande nyckelring hittades. Kassa sparar Pagero-inloggningen bara i "
            "operativsystemets nyckelring (t.ex. GNOME-nyckelringen, KWallet, macOS-nyckelringen "
            "eller Windows autentiseringshanterare). Starta eller lås upp nyckelringen och försök igen."
        )
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class OAuthError(PageroError):
    """The login flow failed (wrong state, denied, timeout, cancelled, refused code)."""

    def __init__(self, message: str, *, error: str | None = None, pagero_text: str | None = None):
        super().__init__(message)
        self.error = error  # the RFC 6749 error code, e.g. "invalid_grant"
        self.pagero_text = pagero_text


class AuthorizationCancelled(OAuthError):
    def __init__(self) -> None:
        super().__init__("Anslutningen till Pagero avbröts.", error="cancelled")


class AuthorizationTimeout(OAuthError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Ingen inloggning hos Pagero inom {seconds:.0f} sekunder. Försök ansluta igen och "
            "logga in i webbläsarfönstret som öppnas.",
            error="timeout",
        )


class TransientError(PageroError):
    """Retries are exhausted; the same call may succeed later."""

    from_upload = False  # set by the send queue: the failure came from posting a file

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 0,
                 retry_after: float | None = None, pagero_text: str | None = None):
        super().__init__(message)
        self.status = status
        self.attempts = attempts
        self.retry_after = retry_after
        self.pagero_text = pagero_text


class OutcomeUnknownError(TransientError):
    """An upload was sent but no answer came back: it may or may not have arrived.

    Never post again blindly: look the file up by senderReference first.
    """


class NeedsAttentionError(PageroError):
    """Pagero refused the request (a 4xx other than 401/429); a person must act."""

    refused_upload = False  # set by the send queue: Pagero did not take the file, so it may be queued again

    def __init__(self, message: str, *, status: int | None = None, pagero_text: str = ""):
        super().__init__(message)
        self.status = status
        self.pagero_text = pagero_text
