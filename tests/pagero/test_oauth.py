"""The login flow: authorization code + PKCE, the loopback listener, each refusal in words."""
from __future__ import annotations

import socket
import string
import threading
import urllib.parse

import pytest
import requests

from kassa.pagero.errors import AuthorizationCancelled, AuthorizationTimeout, OAuthError
from kassa.pagero.oauth import SUCCESS_TEXT, OAuthClient, pkce_challenge, pkce_pair
from tests.pagero.fixtures import CLIENT_SECRET, COMPANY_ID, Browser, connect_in_background


def code_for(oauth: OAuthClient, challenge: str, state: str = "st") -> str:
    """Log in as the browser would and pick the code out of the redirect (no listener)."""
    answer = Browser().login(oauth.authorization_url(state, challenge))
    assert answer.status_code == 302, answer.text
    return urllib.parse.parse_qs(urllib.parse.urlsplit(answer.headers["Location"]).query)["code"][0]


def test_pkce_pair_is_fresh_and_well_formed():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and challenge == pkce_challenge(verifier)
    assert len(challenge) == 43 and set(challenge) <= set(string.ascii_letters + string.digits + "-_")
    assert pkce_pair()[0] != verifier


def test_login_url_carries_pkce_state_and_registered_redirect(oauth, redirect_port, sandbox):
    pending = oauth.begin()
    try:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(pending.url).query)
        assert pending.url.startswith(f"{sandbox.url}/oauth/v2/oauth-authorize?")
        assert query["redirect_uri"] == [f"http://127.0.0.1:{redirect_port}/callback"]
        assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
        assert query["state"] == [pending.state] and len(pending.state) >= 32
    finally:
        pending.close()


def test_whole_connect_flow_as_a_browser_would(oauth, browser):
    pending = oauth.begin()
    thread, outcome = connect_in_background(pending, browser)
    tokens = pending.wait(timeout=20)
    thread.join(10)
    page = outcome["page"]
    assert page.status_code == 200
    assert SUCCESS_TEXT in page.text
    assert tokens.access_token and tokens.refresh_token
    assert tokens.sending_company_id == COMPANY_ID
    assert tokens.access_token not in repr(tokens) and tokens.refresh_token not in repr(tokens)
    # The listener is gone once it is done.
    with pytest.raises(requests.ConnectionError):
        requests.get(pending.redirect_uri, timeout=2)


def test_wrong_state_is_refused_and_the_real_callback_still_works(oauth, browser):
    pending = oauth.begin()
    forged = requests.get(f"{pending.redirect_uri}?code=stolen&state=wrong", timeout=5)
    assert forged.status_code == 400
    assert "fel state" in forged.text and "Starta anslutningen igen" in forged.text
    thread, outcome = connect_in_background(pending, browser)
    tokens = pending.wait(timeout=20)
    thread.join(10)
    assert tokens.access_token and SUCCESS_TEXT in outcome["page"].text


def test_error_from_pagero_ends_the_attempt_with_a_clear_message(oauth):
    pending = oauth.begin()
    query = urllib.parse.urlencode({"error": "access_denied", "error_description": "Användaren avbröt",
                                    "state": pending.state})
    page = requests.get(f"{pending.redirect_uri}?{query}", timeout=5)
    assert page.status_code == 400 and "Pagero nekade anslutningen" in page.text
    with pytest.raises(OAuthError) as err:
        pending.wait(timeout=5)
    assert str(err.value) == "Pagero nekade anslutningen: Användaren avbröt. Försök ansluta igen."
    assert err.value.error == "access_denied"


def test_refused_code_exchange_is_shown_in_the_browser(sandbox, browser):
    oauth = OAuthClient(client_secret="wrong-secret")
    pending = oauth.begin()
    thread, outcome = connect_in_background(pending, browser)
    with pytest.raises(OAuthError) as err:
        pending.wait(timeout=20)
    thread.join(10)
    assert err.value.error == "invalid_client"
    assert "Pagero godtog inte Kassas klientuppgifter" in str(err.value)
    assert outcome["page"].status_code == 400 and "Anslutningen till Pagero misslyckades" in outcome["page"].text


def test_wrong_redirect_uri_is_refused(oauth, redirect_port, sandbox):
    verifier, challenge = pkce_pair()
    code = code_for(oauth, challenge)
    elsewhere = OAuthClient(client_secret=CLIENT_SECRET, redirect_port=redirect_port + 1)
    with pytest.raises(OAuthError) as err:
        elsewhere.exchange_code(code, verifier)
    assert err.value.error == "invalid_grant"
    assert "Anslut till Pagero igen" in str(err.value)
    assert err.value.pagero_text == "redirect_uri does not match the authorization request."
    # At the login page, an unregistered redirect_uri does not even get a page.
    page = requests.get(elsewhere.authorization_url("st", challenge), allow_redirects=False, timeout=10)
    assert page.status_code == 400 and "does not match the one registered" in page.text


def test_wrong_pkce_verifier_is_refused(oauth):
    _, challenge = pkce_pair()
    code = code_for(oauth, challenge)
    with pytest.raises(OAuthError) as err:
        oauth.exchange_code(code, pkce_pair()[0])
    assert err.value.error == "invalid_grant"
    assert err.value.pagero_text == "PKCE verification failed: code_verifier does not match."
    assert "Pageros svar: PKCE verification failed" in str(err.value)


def test_reused_code_is_refused_and_revokes_what_it_gave(oauth, sandbox):
    verifier, challenge = pkce_pair()
    code = code_for(oauth, challenge)
    tokens = oauth.exchange_code(code, verifier)
    with pytest.raises(OAuthError) as err:
        oauth.exchange_code(code, verifier)
    assert err.value.pagero_text == "Authorization code has already been used."
    revoked = requests.get(f"{sandbox.url}/document/v1/documents", timeout=10,
                           headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert revoked.status_code == 401


def test_expired_code_is_refused(oauth, control):
    verifier, challenge = pkce_pair()
    code = code_for(oauth, challenge)
    control.advance(61)
    with pytest.raises(OAuthError) as err:
        oauth.exchange_code(code, verifier)
    assert err.value.error == "invalid_grant"
    assert err.value.pagero_text == "Authorization code has expired."


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_grant(oauth, memory_tokens):
    first = memory_tokens.tokens
    second = oauth.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token and second.access_token != first.access_token
    with pytest.raises(OAuthError) as err:
        oauth.refresh(first.refresh_token)
    assert err.value.error == "invalid_grant"
    assert err.value.pagero_text == "Refresh token has already been used; the grant has been revoked."
    # As a security measure the whole family is gone, the newest token included.
    with pytest.raises(OAuthError) as err:
        oauth.refresh(second.refresh_token)
    assert err.value.error == "invalid_grant"


def test_revoke_ends_the_grant(oauth, memory_tokens):
    oauth.revoke(memory_tokens.tokens.refresh_token)
    with pytest.raises(OAuthError):
        oauth.refresh(memory_tokens.tokens.refresh_token)


def test_timeout_and_cancel(oauth):
    pending = oauth.begin()
    with pytest.raises(AuthorizationTimeout) as err:
        pending.wait(timeout=0.2)
    assert "Ingen inloggning hos Pagero inom 0 sekunder" in str(err.value)
    pending = oauth.begin()
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    with pytest.raises(AuthorizationCancelled) as err:
        pending.wait(timeout=30, cancel=cancel)
    assert str(err.value) == "Anslutningen till Pagero avbröts."


def test_taken_port_gives_a_swedish_message(oauth, redirect_port):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", redirect_port))
        blocker.listen()
        with pytest.raises(OAuthError) as err:
            oauth.begin()
    assert f"Porten {redirect_port} på 127.0.0.1 används redan" in str(err.value)


def test_unreachable_sso_is_transient_and_names_no_secret(redirect_port):
    from kassa.pagero.errors import TransientError
    from tests.pagero.fixtures import free_port

    oauth = OAuthClient(client_secret=CLIENT_SECRET, sso_base=f"http://127.0.0.1:{free_port()}",
                        redirect_port=redirect_port, timeout=2)
    with pytest.raises(TransientError) as err:
        oauth.refresh("some-refresh-token-value")
    assert "Kunde inte nå Pagero" in str(err.value)
    assert "some-refresh-token-value" not in str(err.value) and CLIENT_SECRET not in str(err.value)
