"""The settings wizard's "Testa anslutning": connect to a PostgreSQL server once and say in Swedish what failed.

Runs in a worker thread (a server that does not answer takes up to the connect timeout).
"""
from __future__ import annotations

import urllib.parse

import peewee

from kassa import config
from kassa.models.database import DatabaseConfigError, make_database


class DatabaseProblem(Exception):
    """A connection test that failed; the message is Swedish."""


def postgres_url(host: str, port: int, database: str, user: str, password: str = "") -> str:
    """postgresql://user[:password]@host:port/database; a host starting with / is a socket directory."""
    credentials = urllib.parse.quote(user, safe="")
    if password:
        credentials += ":" + urllib.parse.quote(password, safe="")
    name = urllib.parse.quote(database, safe="")
    if host.startswith("/"):
        return f"postgresql://{credentials}@:{port}/{name}?host={urllib.parse.quote(host, safe='/')}"
    return f"postgresql://{credentials}@{host}:{port}/{name}"


def describe_database_error(exc: BaseException, host: str, port: int, database: str, user: str) -> str:
    text = str(exc)
    lower = text.lower()
    if "password authentication failed" in lower or "no password supplied" in lower:
        return f"Servern godtog inte användarnamnet {user} eller lösenordet. Kontrollera dem och försök igen."
    if f'database "{database}" does not exist'.lower() in lower:
        return (f"Databasen {database} finns inte på servern. Be den som sköter servern skapa den "
                f"(t.ex. createdb -O {user} {database}), eller rätta namnet.")
    if "role" in lower and "does not exist" in lower:
        return f"Användaren {user} finns inte på PostgreSQL-servern. Rätta användarnamnet."
    if "could not translate host name" in lower or "name or service not known" in lower:
        return f"Servernamnet {host} hittas inte. Kontrollera stavningen, eller skriv serverns IP-adress."
    if any(s in lower for s in ("connection refused", "timeout", "timed out", "could not connect", "no such file")):
        return (f"Kunde inte nå PostgreSQL på {host}:{port}. Kontrollera adress och port, att servern är igång "
                "och att den tar emot anslutningar från den här datorn.")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"Anslutningen misslyckades: {first}"


def check_database_keeping_password(url: str, keep_saved_password: bool, host: str, port: int, database: str,
                                    user: str) -> str:
    """check_database, with the saved password (from the keyring, which may take a while or ask
    the user: hence here in the worker) when the field was left empty for the same server and user."""
    if keep_saved_password:
        saved = config.saved_database_url()
        if saved and config.database_password_key(saved) == config.database_password_key(url):
            url = saved
    return check_database(url, host, port, database, user)


def check_database(url: str, host: str, port: int, database: str, user: str) -> str:
    """Connect, ask for the version, disconnect (runs in a worker thread). Returns the version."""
    separator = "&" if "?" in url else "?"
    try:
        db = make_database(f"{url}{separator}connect_timeout=5")
    except DatabaseConfigError as exc:
        raise DatabaseProblem(str(exc)) from None
    try:
        db.connect()
        version = db.execute_sql("SELECT version()").fetchone()[0]
    except peewee.DatabaseError as exc:
        raise DatabaseProblem(describe_database_error(exc, host, port, database, user)) from None
    except Exception as exc:  # psycopg's own errors when peewee does not wrap them
        raise DatabaseProblem(describe_database_error(exc, host, port, database, user)) from None
    finally:
        if not db.is_closed():
            db.close()
    return " ".join(str(version).split()[:2])
