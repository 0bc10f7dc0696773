"""What every command shares: the exit codes, the one error type that carries one, and the database.

Exit codes (the same for every command):

- ``EXIT_OK`` (0): done;
- ``EXIT_FAILED`` (1): the command ran and the answer is "no": a fatal validation finding, a
  refused retry or cancel, not connected to Pagero, a copy that could not be made;
- ``EXIT_CANNOT_RUN`` (2): the command could not run as asked: no usable database or rule pack,
  an unreadable or unwritable file, an unsupported platform, wrong arguments (argparse's own 2);
- ``EXIT_NOT_CONNECTED`` (3): nothing could be sent or asked because Kassa is not connected to Pagero;
- ``EXIT_NEEDS_ATTENTION`` (4): the command did its work, and e-invoices wait for a person
  (an error at Pagero, a refused file, something to do in Pagero Online).

Long-running commands (``outbox run``, ``pagero connect``, ``sandbox``) log to the same rotating file as
the window (``start_logging``), so that a message naming the log names a file that exists.

A command raises ``CommandError(message, exit_code)``; ``kassa.cli.main`` prints the message
(Swedish, for the person at the terminal) on stderr and exits with the code.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CANNOT_RUN = 2
EXIT_NOT_CONNECTED = 3
EXIT_NEEDS_ATTENTION = 4

EXIT_CODES_HELP = (
    "Avslutskoder: 0 klart; 1 gick inte (t.ex. en åtgärd som inte kan göras nu); 2 kunde inte köras "
    "(databas, fil eller argument); 3 inte ansluten till Pagero; 4 klart, men e-fakturor behöver åtgärd."
)


class CommandError(Exception):
    """A command stops here; ``str()`` is the Swedish message, ``exit_code`` what the process returns."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED):
        super().__init__(message)
        self.exit_code = exit_code


def date_argument(text: str) -> dt.date:
    """An argparse `type` for a date given as ÅÅÅÅ-MM-DD; a bad one is argparse's error (exit 2), in Swedish."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2025-01-31") from None


def start_logging(console: bool = False) -> Path:
    """Log to the rotating kassa.log in the log directory, as the window does (and to stderr with
    ``console``); returns the log file's path. For the commands that run long."""
    from kassa.logging_setup import setup_logging

    return setup_logging(console=console)


@contextlib.contextmanager
def open_database() -> Iterator[None]:
    """The configured database, connected (and migrated) for the command, closed afterwards.

    A database URL that cannot be used stops the command with EXIT_CANNOT_RUN.
    """
    from kassa.models import connection, database

    try:
        connection.connect()
    except database.DatabaseConfigError as exc:
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    try:
        yield
    finally:
        database.close()


def whole_number(text: str) -> int:
    """An argument that is a whole number; argparse says in Swedish what is wrong otherwise."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"”{text}” är inget heltal") from None


def seconds(text: str) -> float:
    """An argument that is a number of seconds, 0 or more (decimals with . or ,)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"”{text}” är inget antal sekunder") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"”{text}”: antalet sekunder kan inte vara negativt")
    return value
