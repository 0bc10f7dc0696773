"""Backups of the SQLite database: the copy `kassa backup [PATH]` makes (kassa/commands/backup.py)
and the automatic daily copy.

A copy is made with SQLite's online backup API in one step, so it is one consistent snapshot
even while a till is writing (WAL: the writer is not blocked), then checked with
`PRAGMA integrity_check` and renamed into place. Restoring is described in docs/backup.md.

A PostgreSQL database is the database administrator's to back up (pg_dump); Kassa says so and
makes no copy of its own.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from kassa import config

log = logging.getLogger(__name__)

AUTO_PREFIX = "kassa-auto-"
MANUAL_PREFIX = "kassa-"
SUFFIX = ".sqlite3"
STAMP = "%Y%m%d-%H%M%S"
DEFAULT_RETENTION_DAYS = 30
_AUTO_NAME = re.compile(rf"^{AUTO_PREFIX}(\d{{8}})-(\d{{6}})(?:-\d+)?{re.escape(SUFFIX)}$")

POSTGRES_MESSAGE = (
    "Kassa använder en PostgreSQL-databas. Säkerhetskopior av den är databasadministratörens uppgift; "
    "Kassa gör inga egna kopior av den. Kör till exempel varje natt på databasservern:\n"
    "  pg_dump --format=custom --file=kassa-$(date +%F).dump kassa\n"
    "Återställ en sådan kopia till en tom databas medan alla kassor är stängda:\n"
    "  createdb kassa && pg_restore --dbname=kassa kassa-ÅÅÅÅ-MM-DD.dump"
)


class BackupError(Exception):
    """A backup could not be made; the message is Swedish and says what to fix."""


class BackupNotSupported(BackupError):
    """The database is not one Kassa backs up itself (PostgreSQL)."""


@dataclass
class BackupOutcome:
    """What backup_if_due() did. `warning` (Swedish) is for the window to show."""

    path: Path | None = None
    removed: list[Path] = field(default_factory=list)
    warning: str | None = None
    skipped: str | None = None  # why no copy was made, when that is normal ("already today", "postgres")


def is_postgres_url(url: str) -> bool:
    return urlparse(url).scheme in ("postgres", "postgresql")


def sqlite_database_path(url: str | None = None) -> Path:
    """The SQLite file the configured database URL names."""
    from kassa.models.database import make_database

    url = url or config.database_url()
    if is_postgres_url(url):
        raise BackupNotSupported(POSTGRES_MESSAGE)
    database = make_database(url)
    if database.database == ":memory:":
        raise BackupError("Databasen finns bara i minnet och kan inte säkerhetskopieras.")
    return Path(database.database)


def _free_name(folder: Path, prefix: str, now: dt.datetime) -> Path:
    base = f"{prefix}{now:{STAMP}}"
    target, n = folder / f"{base}{SUFFIX}", 2
    while target.exists():
        target, n = folder / f"{base}-{n}{SUFFIX}", n + 1
    return target


def _fsync_dir(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def restore_instructions(copy: Path) -> str:
    """How to put `copy` back, said for this computer's database (in Swedish, for the terminal)."""
    database = sqlite_database_path()
    aside = shlex.quote(str(database.parent / "undan"))
    return (
        "Så återställer du kopian:\n"
        "  1. Stäng Kassa (och `kassa outbox run` om den körs).\n"
        "  2. Flytta undan den nuvarande databasen och dess -wal- och -shm-filer, ta inte bort dem:\n"
        f"       mkdir -p {aside} && mv {shlex.quote(str(database))}* {aside}/\n"
        "  3. Kopiera in kopian under databasens namn:\n"
        f"       cp {shlex.quote(str(copy))} {shlex.quote(str(database))}\n"
        "  4. Starta Kassa. Allt som registrerades efter kopian saknas då."
    )


def backup_database(target: Path | None = None, *, automatic: bool = False,
                    now: dt.datetime | None = None) -> Path:
    """Copy the SQLite database to `target` (a file, or a folder for a timestamped name;
    default: the data directory's backups/). Returns the copy's path."""
    source = sqlite_database_path()
    if not source.exists():
        raise BackupError(f"Det finns ingen databas att säkerhetskopiera i {source}.")
    now = now or dt.datetime.now()
    prefix = AUTO_PREFIX if automatic else MANUAL_PREFIX
    if target is None:
        target = _free_name(config.backup_dir(), prefix, now)
    elif target.is_dir():
        target = _free_name(target, prefix, now)
    elif target.exists():
        raise BackupError(f"{target} finns redan. Välj ett annat filnamn eller en mapp.")
    elif not target.parent.is_dir():
        raise BackupError(f"Mappen {target.parent} finns inte. Skapa den eller välj en annan plats.")
    if target.resolve() == source.resolve():
        raise BackupError("Kopian kan inte skrivas över själva databasen. Välj en annan plats.")
    partial = target.with_name(target.name + ".part")
    try:
        src = sqlite3.connect(str(source), timeout=30)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst)  # all pages in one step: one snapshot, however busy the till is
                # A single self-contained file, no -wal beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
                verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if verdict != "ok":
            raise BackupError(f"Kopian blev inte hel (integrity_check: {verdict}). "
                              f"Databasen {source} bör kontrolleras.")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupError(f"Säkerhetskopian till {target} misslyckades: {reason}.") from exc
    log.info("database backed up to %s (%d bytes)", target, target.stat().st_size)
    return target


# --- the automatic daily copy ---------------------------------------------------------------

def automatic_backups(folder: Path | None = None) -> list[tuple[dt.date, Path]]:
    """Kassa's automatic copies in `folder`, oldest first. Copies made by hand are not listed."""
    folder = folder or config.backup_dir()
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = _AUTO_NAME.match(path.name)
        if match:
            found.append((dt.datetime.strptime(match[1], "%Y%m%d").date(), path))
    return sorted(found, key=lambda item: item[1].name)


def prune_automatic_backups(retention_days: int, folder: Path | None = None) -> list[Path]:
    """Keep the automatic copies of the `retention_days` most recent days that have one; delete the rest.

    Counting days with a copy, not calendar days, so a shop closed for a month still finds its
    last copies when it opens again.
    """
    backups = automatic_backups(folder)
    keep_days = sorted({day for day, _ in backups}, reverse=True)[: max(1, retention_days)]
    removed = []
    for day, path in backups:
        if day not in keep_days:
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed %d automatic backups older than the %d newest days", len(removed), len(keep_days))
    return removed


def _retention_days() -> int:
    try:
        from kassa.models import Company

        return int(Company.get_solo().backup_retention_days)
    except Exception:  # an unbound or unreadable database must not stop the copy
        log.warning("could not read backup_retention_days; keeping %d days", DEFAULT_RETENTION_DAYS, exc_info=True)
        return DEFAULT_RETENTION_DAYS


def backup_if_due(now: dt.datetime | None = None, retention_days: int | None = None) -> BackupOutcome:
    """Make today's automatic copy unless there is one, then apply the retention.

    Runs in a worker after start-up. Never raises: a failure is logged and returned as a
    Swedish warning for the window to show.
    """
    now = now or dt.datetime.now()
    url = config.database_url()
    if is_postgres_url(url):
        log.info("automatic backup skipped: PostgreSQL is backed up by its administrator")
        return BackupOutcome(skipped="postgres")
    outcome = BackupOutcome()
    try:
        if any(day == now.date() for day, _ in automatic_backups()):
            outcome.skipped = "already today"
        else:
            outcome.path = backup_database(automatic=True, now=now)
        days = retention_days if retention_days is not None else _retention_days()
        outcome.removed = prune_automatic_backups(days)
    except (BackupError, OSError) as exc:
        reason = str(exc) if isinstance(exc, BackupError) else (exc.strerror or str(exc))
        log.warning("automatic backup failed: %s", reason)
        outcome.warning = (
            f"Dagens automatiska säkerhetskopia kunde inte göras. {reason}\n"
            f"Kontrollera att mappen {config.data_dir() / 'backups'} går att skriva i och att disken har ledigt "
            "utrymme. Kassa försöker igen vid nästa start; du kan också köra 'kassa backup'."
        )
    return outcome
