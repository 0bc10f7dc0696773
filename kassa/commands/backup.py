"""`kassa backup [PATH]`: a consistent copy of the SQLite database (kassa.backup; docs/backup.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from kassa.backup import BackupError, BackupNotSupported, backup_database, restore_instructions
from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, CommandError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", type=Path, metavar="SÖKVÄG",
        help="fil eller mapp för kopian (standard: mappen backups/ i datamappen)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        path = backup_database(args.path)
    except BackupNotSupported as exc:
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    except BackupError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    print(f"Säkerhetskopian är klar: {path}")
    print(restore_instructions(path))
    return EXIT_OK
