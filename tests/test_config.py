"""kassa.config: the saved database URL, its password in the keyring (real Secret Service)."""
from __future__ import annotations

import uuid

from kassa import config
from kassa.models.database import make_database


def test_saved_postgres_url_keeps_a_user_name_with_special_characters(secret_service, monkeypatch):
    import keyring

    monkeypatch.delenv("KASSA_DATABASE_URL", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(secret_service)  # what keyring picks by itself in a desktop session
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
        secret_service.delete_password(config.DATABASE_PASSWORD_SERVICE,
                                       config.database_password_key(config.saved_settings()["database_url"]))
        keyring.set_keyring(previous)
