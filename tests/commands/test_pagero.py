"""`kassa pagero connect|status|disconnect`, driven end to end against the stand-in."""
from __future__ import annotations

import json
import threading
import webbrowser

import pytest
import requests

from kassa.cli import main
from tests.pagero.fixtures import CLIENT_ID, CLIENT_SECRET, COMPANY_ID, Browser


@pytest.fixture
def browser_opens(monkeypatch):
    """The one thing that cannot run here is a real browser: webbrowser.open drives Browser instead."""
    opened: dict = {}

    def open_url(url: str, *args, **kwargs) -> bool:
        def drive() -> None:
            browser = Browser()
            opened["page"] = browser.follow(browser.login(url))

        opened["url"] = url
        threading.Thread(target=drive, daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", open_url)
    return opened


@pytest.fixture
def keyring_session(sandbox, secret_service, monkeypatch):
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    return secret_service


def company():
    from kassa.models import Company, connection

    connection.connect()
    return Company.get_solo()


def stored_tokens(backend, sandbox) -> str | None:
    return backend.get_password("kassa-pagero", f"tokens:{CLIENT_ID}@{sandbox.url.split('//')[1]}")


def test_connect_status_disconnect(keyring_session, sandbox, browser_opens, capsys, isolated_data_dir):
    assert main(["pagero", "connect", "--timeout", "20"]) == 0
    out = capsys.readouterr().out
    assert browser_opens["url"] in out  # the URL is printed so it can be copied
    assert "Anslutning till Pagero är klar" in browser_opens["page"].text
    assert f"Kassa är ansluten till Pagero. Företags-id {COMPANY_ID}, sändläge Test." in out
    row = company()
    assert (row.pagero_company_id, row.pagero_send_mode) == (COMPANY_ID, "Test")
    stored = json.loads(stored_tokens(keyring_session, sandbox))
    secrets = [stored["access_token"].encode(), stored["refresh_token"].encode(), CLIENT_SECRET.encode()]
    # Nothing secret in the data directory (database, its WAL, logs) or on the console.
    data_files = [p for p in isolated_data_dir.rglob("*") if p.is_file()]
    assert any(p.name.startswith("kassa.sqlite3") for p in data_files)
    assert [(p.name, s) for p in data_files for s in secrets if s in p.read_bytes()] == []
    assert not any(s.decode() in out for s in secrets)

    assert main(["pagero", "status"]) == 0
    out = capsys.readouterr().out
    assert "Pagero: ansluten" in out and f"Företags-id: {COMPANY_ID}" in out and "Sändläge: Test" in out
    assert "Åtkomsttoken giltig till:" in out
    assert not any(s.decode() in out for s in secrets)

    assert main(["pagero", "disconnect"]) == 0
    assert "återkallad" in capsys.readouterr().out
    assert stored_tokens(keyring_session, sandbox) is None
    assert main(["pagero", "status"]) == 3  # EXIT_NOT_CONNECTED
    assert "Pagero: inte ansluten" in capsys.readouterr().out


def test_connect_with_company_id_and_send_mode(keyring_session, browser_opens, capsys):
    other = "0f0e0d0c-0b0a-0908-0706-050403020100"
    assert main(["pagero", "connect", "--company-id", other, "--send-mode", "Certification",
                 "--timeout", "20"]) == 0
    row = company()
    assert (row.pagero_company_id, row.pagero_send_mode) == (other, "Certification")


def test_connect_refuses_an_invalid_company_id_and_keeps_nothing(keyring_session, sandbox, browser_opens, capsys):
    assert main(["pagero", "connect", "--company-id", "not-a-uuid", "--timeout", "20"]) == 2
    assert "Företagets id hos Pagero saknas eller är inte ett giltigt id" in capsys.readouterr().err
    assert stored_tokens(keyring_session, sandbox) is None
    assert company().pagero_company_id == ""


def test_connect_times_out_with_a_message(keyring_session, capsys):
    assert main(["pagero", "connect", "--no-browser", "--timeout", "0.3"]) == 1
    captured = capsys.readouterr()
    assert "oauth-authorize?" in captured.out
    assert "Ingen inloggning hos Pagero inom 0 sekunder" in captured.err


def test_connect_without_client_secret_says_how(sandbox, secret_service, capsys):
    assert main(["pagero", "connect", "--no-browser"]) == 1
    assert "KASSA_PAGERO_CLIENT_SECRET" in capsys.readouterr().err


def test_without_keyring_nothing_happens_and_the_message_is_swedish(sandbox, monkeypatch, capsys):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    for command in ("connect", "status", "disconnect"):
        assert main(["pagero", command, "--no-browser"] if command == "connect" else ["pagero", command]) == 1
        assert "Ingen fungerande nyckelring hittades" in capsys.readouterr().err
    # No login was even started: the loopback port is free and no code was issued.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{sandbox.config['client']['redirect_uri'].split(':')[2]}", timeout=1)
