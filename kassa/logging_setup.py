"""Logging to a rotating file, with secrets redacted, and a last-resort handler for unexpected errors.

    setup_logging()                     # once, at start-up (the app, `kassa outbox run`, …)
    install_excepthook(show_message)    # show_message(text) tells the person; default: stderr

Secrets are kept out of logs by the code that handles them; the redacting filter here is a
second line of defence that rewrites every record the file handler writes (message, arguments,
traceback) before it reaches the disk.
"""
from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kassa import config

LOG_FILE_NAME = "kassa.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
REDACTED = "[REDACTED]"
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"

log = logging.getLogger(__name__)

# Names whose values are secrets: access_token, refresh_token, id_token, client_secret, password,
# X-Api-Key, code_verifier, … The OAuth authorization `code` only as a URL/form parameter.
_KEY = r"[\w.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|code_verifier|assertion|credential)s?[\w.-]*"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # an Authorization header, whatever its scheme
    (re.compile(r"""\b(Authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|Digest|Token)?\s*)[^\s"',;}]+""",
                re.IGNORECASE), rf"\1{REDACTED}"),
    # "Bearer abc" elsewhere; a credential has a digit or sign, or is
    # long, so prose such as "bearer token missing" stays readable.
    (re.compile(r"\b(Bearer|Basic)\s+(?=[A-Za-z0-9._~+/=-]{6,})"
                r"(?:[A-Za-z]*[0-9._~+/=-][A-Za-z0-9._~+/=-]*|[A-Za-z]{16,})", re.IGNORECASE),
     rf"\1 {REDACTED}"),
    # JSON and Python reprs: "access_token": "abc" / 'password': 'abc'
    (re.compile(rf"""(["'])({_KEY})\1(\s*:\s*)(["'])(?:\\.|(?!\4).)*\4""", re.IGNORECASE),
     rf"\1\2\1\3\4{REDACTED}\4"),
    # URLs, form bodies, headers, kwargs: refresh_token=abc&…, client_secret: abc
    (re.compile(rf"\b({_KEY})(\s*[=:]\s*)(?!\[REDACTED\]|Bearer\b|Basic\b)[^\s&\"',;)}}\]]+", re.IGNORECASE),
     rf"\1\2{REDACTED}"),
    (re.compile(r"([?&;]code=)[^\s&\"',;]+"), rf"\1{REDACTED}"),
    # a password in a URL's user part: postgresql://kassa:secret@server/kassa
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]+):[^\s@/]+@", re.IGNORECASE), rf"\1:{REDACTED}@"),
    # JSON Web Tokens wherever they stand
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
]


def redact(text: str) -> str:
    """`text` with everything that looks like a secret replaced by [REDACTED]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so no handler after it sees the secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # exc_text now carries the (redacted) traceback; the raw exception would be formatted again
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_file_path(create: bool = True) -> Path:
    """The log file; its folder is created unless `create` is false."""
    return config.log_dir(create) / LOG_FILE_NAME


def log_location() -> str:
    """Swedish words for where the log is, for help texts and messages (creates nothing)."""
    return f"Loggen finns i {log_file_path(create=False)} (i programfönstret: Hjälp → Visa logg)."


class _KassaFileHandler(logging.handlers.RotatingFileHandler):
    """Marks the handler setup_logging() added, so a second call does not add another."""


class _ConsoleHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (as logging's last resort does), so a
    command run in-process by a test, whose stderr was replaced and closed since, cannot break logging."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def setup_logging(level: int = logging.INFO, *, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT,
                  console: bool = False) -> Path:
    """Log to kassa.log in the log directory (rotated: `max_bytes` × `backup_count` old files).

    Safe to call more than once: the file handler is replaced, not duplicated. Returns the
    log file's path.
    """
    stop_file_logging()
    root = logging.getLogger()
    path = log_file_path()
    handler = _KassaFileHandler(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if console and not any(isinstance(h, _ConsoleHandler) for h in root.handlers):
        stream = _ConsoleHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(RedactingFilter())
        root.addHandler(stream)
    root.setLevel(level)
    # urllib3 logs every request line at DEBUG, query strings included; keep it quiet.
    logging.getLogger("urllib3").setLevel(max(level, logging.INFO))
    logging.captureWarnings(True)
    return path


def active_log_file() -> Path | None:
    """The log file this process writes now (setup_logging was called), else None."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _KassaFileHandler):
            return Path(handler.baseFilename)
    return None


def where_logged() -> str:
    """Swedish words for where this process's errors are written, naming only a log that exists."""
    path = active_log_file()
    return f"loggen ({path})" if path is not None else "programmets felutskrift (standard error)"


def stop_file_logging() -> None:
    """Close and remove the file handler setup_logging() added (e.g. before the data dir changes)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _KassaFileHandler):
            root.removeHandler(handler)
            handler.close()


# --- unexpected errors -----------------------------------------------------------------------

def unexpected_error_message(exc_type: type[BaseException]) -> str:
    return (
        f"Ett oväntat fel inträffade ({exc_type.__name__}). Detaljerna har skrivits i loggfilen:\n"
        f"{log_file_path()}\n"
        "Inget som redan var sparat har gått förlorat. Om felet kommer tillbaka: starta om Kassa och "
        "skicka loggfilen till er leverantör (Hjälp → Visa logg → Öppna mappen)."
    )


def print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def install_excepthook(show_message: Callable[[str], None] = print_to_stderr) -> None:
    """Log every uncaught exception (main thread and other threads) and tell the person.

    `show_message` may be called from any thread; a UI must hand it over to its own thread.
    """

    def report(exc_type, exc_value, exc_tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_tb)
            return
        where = f" in thread {thread_name}" if thread_name else ""
        log.critical("unexpected error%s", where, exc_info=(exc_type, exc_value, exc_tb))
        message = unexpected_error_message(exc_type)
        try:
            show_message(message)
        except Exception:  # the message must reach someone even if the dialog fails
            log.exception("could not show the error message")
            print_to_stderr(message)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        report(args.exc_type, args.exc_value, args.exc_traceback,
               args.thread.name if args.thread else None)

    sys.excepthook = report
    threading.excepthook = thread_hook



def read_log_tail(max_bytes: int = 200_000) -> str:
    """The last `max_bytes` of kassa.log, starting at a whole line ("" when there is no log yet)."""
    path = log_file_path()
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            start = max(0, size - max_bytes)
            fh.seek(start)
            data = fh.read()
    except FileNotFoundError:
        return ""
    if start:
        data = data.partition(b"\n")[2]  # the first line was cut
    return data.decode("utf-8", errors="replace")
