"""What every command shares: the exit codes, the one error type that carries one, and the database.

Exit codes (the same for every command):

- ``EXIT_OK`` (0): done;
- ``EXIT_FAILED`` (1): the command ran and the answer is "no": a fatal validation finding, a
  refused retry or cancel, not connected to Pagero, a copy that could not be made;
- ``EXIT_CANNOT_RUN`` (2): the command could not run as asked: no usable database or rule pack,
  an unreadable or unwritable file, an unsupported platform, wrong arguments (argparse's own 2).

A command raises ``CommandError(message, exit_code)``; ``kassa.cli.main`` prints the message
(Swedish, for the person at the terminal) on stderr and exits with the code.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CANNOT_RUN = 2


class CommandError(Exception):
    """A command stops here; ``str()`` is the Swedish message, ``exit_code`` what the process returns."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED):
        super().__init__(message)
        self.exit_code = exit_code


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
