"""Shared fixtures: an isolated data directory per test, a fresh database per test,
and a real PostgreSQL server for the tests that need one."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

# Qt offscreen unless a test run chose a screen (the screenshot tests run under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent

# Fixture modules shared across folders (the Pagero stand-in, the keyring, the send queue).
# Registered here, before any test module imports names from them.
pytest_plugins = ["tests.peppol.pagero_fixtures", "tests.peppol.outbox_fixtures"]


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own KASSA_DATA_DIR and no database URL from the outside."""
    data = tmp_path / "kassa-data"
    data.mkdir()
    monkeypatch.setenv("KASSA_DATA_DIR", str(data))
    monkeypatch.delenv("KASSA_DATABASE_URL", raising=False)
    return data


@pytest.fixture
def db(isolated_data_dir):
    """A fresh SQLite database file with the whole schema, bound to the models."""
    from kassa.models import database

    database.connect(f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}")
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
    from kassa.models import database

    database.connect(pg_url)
    yield database.db
    database.close()


@pytest.fixture
def company(db):
    """A complete seller, as the settings wizard would leave it."""
    return make_company()


def make_company(**overrides):
    from decimal import Decimal

    from kassa.models import Company

    company = Company.get_solo()
    values = dict(
        name="Hörnbutiken & Söner AB", org_number="5566778899", vat_number="SE556677889901",
        street="Storgatan 1", postal_code="41101", city="Göteborg", registered_office="Göteborg",
        f_skatt=True, bankgiro="50501055", email="info@hornbutiken.se", phone="031-123456",
        payment_terms_days=30, invoice_fee=Decimal("0.00"),
    )
    values.update(overrides)
    for key, value in values.items():
        setattr(company, key, value)
    company.save()
    return company


def vat_group(rate: int):
    """A default VAT group whose rate is `rate` on every date (12: restaurant, not food, whose rate is dated)."""
    from kassa.models import VatGroup

    key = {25: "standard", 12: "restaurant", 6: "culture", 0: "exempt_care"}[rate]
    return VatGroup.get(VatGroup.key == key)
