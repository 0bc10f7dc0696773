"""kassa.config: the saved database URL, its password in the keyring (real Secret Service)."""
from __future__ import annotations

import uuid

import pytest

from kassa import config
from kassa.models.database import make_database

KEYRING_SKIP = (
    "needs a Secret Service keyring: run under `dbus-run-session` with `gnome-keyring-daemon --unlock "
    "--components=secrets` (see the project conventions)"
)


@pytest.fixture
def keyring_backend():
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    try:
        if not isinstance(backend, SecretService.Keyring) or backend.priority <= 0:
            pytest.skip(KEYRING_SKIP)
        probe = f"probe-{uuid.uuid4().hex}"
        backend.set_password("kassa-config-probe", probe, "x")
        backend.delete_password("kassa-config-probe", probe)
    except Exception as exc:  # no D-Bus session, no daemon, locked collection
        pytest.skip(f"{KEYRING_SKIP} ({type(exc).__name__})")
    return backend


def test_saved_postgres_url_keeps_a_user_name_with_special_characters(keyring_backend, monkeypatch):
    monkeypatch.delenv("KASSA_DATABASE_URL", raising=False)
    # "user@server" is how some hosted PostgreSQL services name users; the wizard quotes it.
    host = f"db-{uuid.uuid4().hex[:8]}.example"
    config.save_database_url(f"postgresql://kassa%40server:p%40ss%2Fw@{host}:5433/kassa")
    try:
        assert "p%40ss" not in config.settings_path().read_text(encoding="utf-8")
        params = make_database(config.database_url()).connect_params
        assert params["user"] == "kassa@server"
        assert params["password"] == "p@ss/w"
        assert params["host"] == host and params["port"] == 5433
    finally:
        keyring_backend.delete_password(config.DATABASE_PASSWORD_SERVICE,
                                        config.database_password_key(config.saved_settings()["database_url"]))
