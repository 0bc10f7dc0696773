"""The database for a command: connected from the configuration, or why not, said on stderr."""
from __future__ import annotations

import sys


def open_database() -> bool:
    """Connect (and migrate) the configured database; False after saying in Swedish why it cannot be used."""
    from kassa.models.database import DatabaseConfigError, connect

    try:
        connect()
    except DatabaseConfigError as exc:
        print(str(exc), file=sys.stderr)
        return False
    return True
