"""Shared fixtures: an isolated data directory per test, a fresh database per test, a real
PostgreSQL server and the official rule pack for the tests that need them; and, with CI=true,
no test skips (see pytest_runtest_makereport below). Helpers are in tests/factories.py."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.factories import NO_PACK_REASON, make_company, rule_pack_dir

# Qt offscreen unless a test run chose a screen (the screenshot tests run under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Fixture modules shared across folders (the Pagero stand-in, the keyring, the send queue).
# Registered here, before any test module imports names from them.
pytest_plugins = ["tests.pagero.fixtures", "tests.outbox.fixtures"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skip is a failure: a test that would skip for a missing service (PostgreSQL,
    the Secret Service keyring, Xvfb), the official rule pack or a tool must not pass unseen in CI."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: this test would have been skipped, and in CI that is a failure: {reason}"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own KASSA_DATA_DIR and no database URL from the outside."""
    data = tmp_path / "kassa-data"
    data.mkdir()
    monkeypatch.setenv("KASSA_DATA_DIR", str(data))
    monkeypatch.delenv("KASSA_DATABASE_URL", raising=False)
    # Nothing reaches Pagero's own host: a form sent without the stand-in goes to a closed local port.
    monkeypatch.setenv("KASSA_INTEREST_URL", "http://127.0.0.1:9/partner/v1/interest")
    return data


@pytest.fixture
def india_time(monkeypatch):
    """The computer's clock in India (UTC+5:30, no summer time): a local time no UTC time can pass for."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(isolated_data_dir):
    """A fresh SQLite database file with the whole schema, bound to the models."""
    from kassa.models import connection, database

    connection.connect(f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
    yield database.db
    database.close()


# --- PostgreSQL -----------------------------------------------------------------------------

def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def _start_private_postgres() -> tuple[str, callable]:
    """initdb + pg_ctl in a temporary directory, on a Unix socket of our own."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql), and KASSA_TEST_POSTGRES_URL is unset")
    base = Path(tempfile.mkdtemp(prefix="kassa-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(as_user + [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run(as_user + [pg_ctl, "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                              f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=100", "start"],
                   check=True, capture_output=True)

    def stop():
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    return f"postgresql://postgres@/postgres?host={sock}", stop


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of a PostgreSQL server's maintenance database (`postgres`)."""
    url = os.environ.get("KASSA_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    url, stop = _start_private_postgres()
    try:
        yield url
    finally:
        stop()


def _with_database(url: str, name: str) -> str:
    head, _, query = url.partition("?")
    head = head.rsplit("/", 1)[0] + "/" + name
    return head + ("?" + query if query else "")


@pytest.fixture
def pg_url(pg_server_url):
    """A fresh, empty PostgreSQL database for this test; dropped afterwards."""
    import psycopg

    from kassa.models.database import make_database

    name = f"kassa_test_{uuid.uuid4().hex[:12]}"
    admin = make_database(pg_server_url)
    admin.connect()
    admin.connection().autocommit = True
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    yield _with_database(pg_server_url, name)
    admin.connect()
    admin.connection().autocommit = True
    for _ in range(50):
        try:
            admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            break
        except psycopg.errors.ObjectInUse:  # pragma: no cover - a lingering connection
            time.sleep(0.1)
    admin.close()


@pytest.fixture
def pg_db(pg_url):
    """The models bound to a fresh PostgreSQL database with the whole schema."""
    from kassa.models import connection, database

    connection.connect(pg_url)
    yield database.db
    database.close()


@pytest.fixture
def company(db):
    """A complete seller, as the settings wizard would leave it."""
    return make_company()


# --- the official PEPPOL rule pack ---------------------------------------------------------

@pytest.fixture(scope="session")
def rule_pack_path() -> Path:
    path = rule_pack_dir()
    if path is None or not path.is_dir():
        pytest.skip(NO_PACK_REASON)
    return path


@pytest.fixture(scope="session")
def rule_pack(rule_pack_path):
    """The official rule pack, compiled once for the whole test session."""
    from kassa.peppol.rules.pack import RulePack

    pack = RulePack.load(rule_pack_path)
    pack.warm_up()
    return pack


@pytest.fixture
def rule_pack_env(rule_pack_path, monkeypatch):
    """KASSA_RULES_DIR set to the rule pack, for code that finds the pack itself (and subprocesses)."""
    monkeypatch.setenv("KASSA_RULES_DIR", str(rule_pack_path))
    return rule_pack_path
