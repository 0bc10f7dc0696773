"""Tokens and the client secret live only in the OS keyring (the real Secret Service here)."""
from __future__ import annotations

import json
import logging
import time

import pytest
import requests
from keyring.backends import chainer, fail

from kassa.pagero.credentials import SERVICE, CredentialStore, TokenManager, token_manager, usable_keyring
from kassa.pagero.errors import KeyringUnavailableError, NotConnectedError
from kassa.pagero.oauth import TokenSet
from tests.pagero.fixtures import CLIENT_ID, CLIENT_SECRET, COMPANY_ID, login_tokens


def files_containing(root, *secrets: str) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}" for s in secrets if s.encode() in data]
    return found


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def manager(sandbox, oauth, secret_service):
    return TokenManager(CredentialStore(secret_service), oauth)


def test_connect_flow_puts_tokens_in_the_secret_service_and_nowhere_else(
        sandbox, oauth, secret_service, isolated_data_dir, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    manager = TokenManager(CredentialStore(secret_service), oauth)
    tokens = login_tokens(oauth)
    manager.save_new_connection(tokens)

    raw = secret_service.get_password(SERVICE, f"tokens:{CLIENT_ID}@{sandbox.url.split('//')[1]}")
    stored = json.loads(raw)
    assert stored["access_token"] == tokens.access_token
    assert stored["refresh_token"] == tokens.refresh_token
    assert stored["sending_company_id"] == COMPANY_ID
    assert manager.access_token() == tokens.access_token

    secrets = (tokens.access_token, tokens.refresh_token, CLIENT_SECRET)
    assert files_containing(isolated_data_dir, *secrets) == []
    assert files_containing(tmp_path, *secrets) == []
    assert not any(s in caplog.text for s in secrets)


def test_refresh_60_seconds_before_expiry_rotates_and_stores_first(sandbox, oauth, secret_service, control):
    clock = Clock()
    oauth.clock = clock  # expiry times of new tokens on the same clock
    store = CredentialStore(secret_service)
    manager = TokenManager(store, oauth, clock=clock)
    tokens = login_tokens(oauth)
    tokens = TokenSet(tokens.access_token, tokens.refresh_token, clock.now + 600, tokens.sending_company_id)
    manager.save_new_connection(tokens)

    clock.now += 600 - 61
    assert manager.access_token() == tokens.access_token  # 61 s left: not yet
    clock.now += 2
    fresh = manager.access_token()  # 59 s left: refreshed
    assert fresh != tokens.access_token
    kept = store.load_tokens()
    assert kept.access_token == fresh and kept.refresh_token != tokens.refresh_token
    assert kept.sending_company_id == COMPANY_ID
    answer = requests.get(f"{sandbox.url}/document/v1/documents", headers={"Authorization": f"Bearer {fresh}"},
                          timeout=10)
    assert answer.status_code == 200
    # The old refresh token is spent: Pagero refuses it (and would end the grant).
    assert manager.access_token() == fresh


def test_invalid_grant_means_not_connected_once_and_no_loop(sandbox, oauth, secret_service, control, caplog):
    clock = Clock()
    store = CredentialStore(secret_service)
    manager = TokenManager(store, oauth, clock=clock)
    manager.save_new_connection(login_tokens(oauth))
    control.expire_tokens(refresh=True)
    clock.now += 3600
    with pytest.raises(NotConnectedError) as err:
        manager.access_token()
    assert "Pagero godtar inte längre Kassas anslutning" in str(err.value)
    assert store.load_tokens() is None
    refreshes_before = caplog.text.count("refresh")
    with pytest.raises(NotConnectedError) as err:
        manager.access_token()  # no second call to Pagero: the keyring is empty
    assert "Kassa är inte ansluten till Pagero" in str(err.value)
    assert caplog.text.count("refresh") == refreshes_before


def test_401_refresh_takes_a_new_token_unless_someone_already_did(manager, oauth):
    manager.save_new_connection(login_tokens(oauth))
    first = manager.access_token()
    second = manager.refresh_after_rejection(first)
    assert second != first
    # A second rejection of the *old* token must not spend the new refresh token again.
    assert manager.refresh_after_rejection(first) == second


def test_disconnect_revokes_and_deletes(manager, oauth, sandbox):
    tokens = login_tokens(oauth)
    manager.save_new_connection(tokens)
    assert manager.disconnect() is True
    assert manager.tokens() is None and not manager.is_connected()
    refused = requests.post(f"{sandbox.url}/oauth/v2/oauth-token", auth=(CLIENT_ID, CLIENT_SECRET), timeout=10,
                            data={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token})
    assert refused.json()["error"] == "invalid_grant"
    assert manager.disconnect() is False  # nothing left to disconnect


def test_client_secret_from_environment_is_used_and_not_stored(sandbox, secret_service, monkeypatch):
    store = CredentialStore(secret_service)
    monkeypatch.setenv("KASSA_PAGERO_CLIENT_SECRET", CLIENT_SECRET)
    assert store.client_secret() == CLIENT_SECRET
    assert secret_service.get_password(SERVICE, f"client-secret:{CLIENT_ID}") is None
    monkeypatch.delenv("KASSA_PAGERO_CLIENT_SECRET")
    assert store.client_secret() is None
    store.save_client_secret("from-the-keyring")
    assert store.client_secret() == "from-the-keyring"
    manager = token_manager(secret_service)
    assert manager.oauth.client_id == CLIENT_ID and "from-the-keyring" not in repr(manager.oauth)


@pytest.mark.parametrize("backend", [fail.Keyring(), chainer.ChainerBackend()], ids=["fail", "empty-chainer"])
def test_no_usable_keyring_is_a_swedish_message_and_nothing_is_stored(backend, isolated_data_dir, monkeypatch):
    if isinstance(backend, chainer.ChainerBackend):
        monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    tokens = TokenSet("access-value-123", "refresh-value-456", time.time() + 600)
    store = CredentialStore(backend)
    with pytest.raises(KeyringUnavailableError) as err:
        store.save_tokens(tokens)
    assert str(err.value).startswith("Ingen fungerande nyckelring hittades.")
    assert isinstance(err.value, NotConnectedError)
    with pytest.raises(KeyringUnavailableError):
        store.check()
    with pytest.raises(KeyringUnavailableError):
        usable_keyring(backend)
    assert files_containing(isolated_data_dir, "access-value-123", "refresh-value-456") == []


def test_failing_backend_calls_become_keyring_unavailable_without_the_value(isolated_data_dir):
    class Broken:  # not a KeyringBackend subclass: those register themselves as candidates for get_keyring()
        priority = 5

        def get_password(self, service, username):
            raise RuntimeError("D-Bus went away")

        def set_password(self, service, username, password):
            raise RuntimeError(f"could not store {password}")

        def delete_password(self, service, username):
            raise RuntimeError("nope")

    store = CredentialStore(Broken())
    with pytest.raises(KeyringUnavailableError) as err:
        store.save_tokens(TokenSet("acc-secret", "ref-secret", 0))
    assert "acc-secret" not in str(err.value) and "ref-secret" not in str(err.value)
    assert "RuntimeError" in str(err.value)


REFRESH_AT_ONCE = """
import sys, time
import requests
from kassa import config
from kassa.pagero.credentials import token_manager
start_at = float(sys.argv[1])
manager = token_manager()  # the default keyring: the same Secret Service
while time.time() < start_at:
    time.sleep(0.001)
token = manager.access_token()
answer = requests.get(f"{config.pagero_api_base()}/document/v1/documents",
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)
print(answer.status_code)
"""


def test_processes_that_refresh_at_the_same_moment_keep_the_connection(sandbox, oauth, secret_service, monkeypatch):
    """Four processes (a window, senders) find the access token due at the same moment. Each refresh token
    works once, so two refreshes with the same one would end the connection: they take turns (a lock file
    in the data directory), the first refreshes, the others take what it stored."""
    import os
    import subprocess
    import sys

    from tests.factories import REPO

    store = CredentialStore(secret_service)
    tokens = login_tokens(oauth)
    due = TokenSet(tokens.access_token, tokens.refresh_token, time.time() - 1, tokens.sending_company_id)
    store.save_tokens(due)
    env = dict(os.environ, KASSA_PAGERO_CLIENT_SECRET=CLIENT_SECRET, PYTHONPATH=str(REPO))
    start_at = str(time.time() + 3)
    processes = [subprocess.Popen([sys.executable, "-c", REFRESH_AT_ONCE, start_at], env=env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [process.communicate(timeout=120) for process in processes]

    assert [out.strip() for out, _ in outcomes] == ["200"] * 4, [err[-500:] for _, err in outcomes]
    kept = store.load_tokens()
    assert kept is not None and kept.refresh_token != tokens.refresh_token, "refreshed, and still connected"
    # The kept refresh token is the live one: refreshing with it works.
    assert TokenManager(store, oauth).refresh_after_rejection(kept.access_token) != kept.access_token
