"""The Pagero stand-in answers as pagero-api.md says, over real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse

import pytest
import requests

from kassa.pagero.oauth import pkce_pair
from kassa.pagero.sandbox.server import SandboxServer
from tests.pagero.fixtures import (
    CLIENT_ID,
    CLIENT_SECRET,
    COMPANY_ID,
    Browser,
    Control,
    free_port,
    read_page,
    sandbox_config,
    ubl_invoice,
)


def authorize_url(base: str, redirect_port: int, **overrides: str) -> str:
    params = {"response_type": "code", "client_id": CLIENT_ID,
              "redirect_uri": f"http://127.0.0.1:{redirect_port}/callback",
              "code_challenge": pkce_pair()[1], "code_challenge_method": "S256", "state": "s1", "scope": "all"}
    params.update(overrides)
    return f"{base}/oauth/v2/oauth-authorize?{urllib.parse.urlencode(params)}"


def access_token(sandbox, redirect_port) -> str:
    verifier, challenge = pkce_pair()
    answer = Browser().login(authorize_url(sandbox.url, redirect_port, code_challenge=challenge))
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{sandbox.url}/oauth/v2/oauth-token", auth=(CLIENT_ID, CLIENT_SECRET), data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": f"http://127.0.0.1:{redirect_port}/callback"}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["access_token"]


@pytest.fixture
def api(sandbox, redirect_port):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {access_token(sandbox, redirect_port)}"
    session.base = sandbox.url
    return session


def upload(api, number: str, *, sender_reference: str = "", xml: bytes | None = None, **fields: str):
    data = {"documentType": "Invoice", "sendMode": "Test", "sendingCompanyId": COMPANY_ID,
            "senderReference": sender_reference or f"ref-{number}"}
    data.update(fields)
    return api.post(f"{api.base}/file/v1/files", data=data, timeout=10,
                    files={"payload": (f"{number}.xml", xml or ubl_invoice(number), "application/xml")})


# -- SSO ------------------------------------------------------------------------------


def test_login_page_is_swedish_and_carries_the_request(sandbox, redirect_port):
    page = requests.get(authorize_url(sandbox.url, redirect_port), timeout=10)
    assert page.status_code == 200
    for text in ("Användarnamn", "Lösenord", "Logga in", "Glömt ditt lösenord?"):
        assert text in page.text
    form = read_page(page.text)
    assert form.fields["state"] == "s1" and form.fields["code_challenge_method"] == "S256"
    forgot = requests.get(f"{sandbox.url}/oauth/v2/forgot-password", timeout=10)
    assert forgot.status_code == 200 and "Glömt ditt lösenord?" in forgot.text


def test_unregistered_redirect_uri_is_refused_without_redirecting(sandbox, redirect_port):
    for url in (authorize_url(sandbox.url, redirect_port, redirect_uri="http://127.0.0.1:1/evil"),
                authorize_url(sandbox.url, redirect_port + 1),
                authorize_url(sandbox.url, redirect_port, client_id="someone-else")):
        page = requests.get(url, allow_redirects=False, timeout=10)
        assert page.status_code == 400
        assert "Location" not in page.headers
        assert "Felaktig inloggningsbegäran" in page.text


@pytest.mark.parametrize("override", [{"code_challenge_method": "plain"}, {"response_type": "token"},
                                      {"state": ""}, {"code_challenge": ""}])
def test_bad_authorization_request_goes_back_with_an_error(sandbox, redirect_port, override):
    page = requests.get(authorize_url(sandbox.url, redirect_port, **override), allow_redirects=False, timeout=10)
    assert page.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.headers["Location"]).query)
    assert query["error"][0] in ("invalid_request", "unsupported_response_type")


def test_wrong_password_shows_the_page_again_with_an_error(sandbox, redirect_port):
    answer = Browser().login(authorize_url(sandbox.url, redirect_port), password="fel")
    assert answer.status_code == 200
    assert "Fel användarnamn eller lösenord" in answer.text
    assert "Logga in" in answer.text


def test_login_redirects_with_code_state_and_issuer(sandbox, redirect_port):
    answer = Browser().login(authorize_url(sandbox.url, redirect_port, state="abc"))
    assert answer.status_code == 302
    location = urllib.parse.urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"http://127.0.0.1:{redirect_port}/callback"
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == ["abc"] and query["code"][0] and query["iss"] == [sandbox.url]


def test_token_endpoint_needs_client_authentication(sandbox):
    answer = requests.post(f"{sandbox.url}/oauth/v2/oauth-token", auth=(CLIENT_ID, "wrong"),
                           data={"grant_type": "refresh_token", "refresh_token": "x"}, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_client_credentials_in_the_body_are_accepted(sandbox):
    answer = requests.post(f"{sandbox.url}/oauth/v2/oauth-token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": "unknown", "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET})
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant",
                             "error_description": "Refresh token is invalid, expired or revoked."}


# -- File API -------------------------------------------------------------------------


def test_upload_answers_201_with_the_file_id(api, control):
    answer = upload(api, "F-1001")
    assert answer.status_code == 201
    file_id = answer.json()["id"]
    files = control.files()
    assert [f["id"] for f in files["items"]] == [file_id]
    assert files["counts"] == {"F-1001": 1}


def test_upload_without_bearer_token_is_401(sandbox):
    answer = requests.post(f"{sandbox.url}/file/v1/files", files={"payload": ("a.xml", b"<x/>")}, timeout=10)
    assert answer.status_code == 401
    assert "Bearer" in answer.headers["WWW-Authenticate"]


def test_upload_refuses_what_pagero_refuses(api):
    not_multipart = api.post(f"{api.base}/file/v1/files", json={"payload": "x"}, timeout=10)
    assert not_multipart.status_code == 415
    wrong_accept = api.post(f"{api.base}/file/v1/files", headers={"Accept": "text/csv"}, timeout=10,
                            files={"payload": ("a.xml", b"<x/>")})
    assert wrong_accept.status_code == 406
    assert upload(api, "F-1", sendMode="Live").json()["message"].startswith("sendMode must be one of")
    assert upload(api, "F-1", documentType="Order").status_code == 400
    assert upload(api, "F-1", sendingCompanyId="00000000-0000-0000-0000-000000000000").status_code == 403
    missing = api.post(f"{api.base}/file/v1/files", data={"documentType": "Invoice"}, timeout=10,
                       files={"other": ("a.xml", b"<x/>")})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Missing multipart part(s): payload, sendMode, sendingCompanyId."
    not_xml = api.post(f"{api.base}/file/v1/files", timeout=10, data={
        "documentType": "Invoice", "sendMode": "Test", "sendingCompanyId": COMPANY_ID},
        files={"payload": ("a.pdf", b"%PDF")})
    assert "must be a file whose name ends in .xml" in not_xml.json()["message"]


def test_processed_file_becomes_a_document_that_is_delivered(api, control):
    xml = ubl_invoice("F-2001", total="1250.00")
    file_id = upload(api, "F-2001", xml=xml, sender_reference="kassa-tx-1").json()["id"]
    parts = api.get(f"{api.base}/file/v1/files/{file_id}/fileparts",
                    params={"Status": "Processing,AwaitingInteraction,Error"}, timeout=10).json()
    assert parts == {"items": [], "meta": {"offset": 0, "total": 0}}
    listing = api.get(f"{api.base}/document/v1/documents", params={"fileId": file_id}, timeout=10).json()
    assert listing["meta"] == {"count": 1, "limit": 100, "offset": 0, "total": 1}
    doc = listing["items"][0]
    info = doc["documentInfo"]
    assert info["documentIdentifier"] == "F-2001" and info["direction"] == "Sent"
    assert info["amounts"]["payableAmount"] == "1250.00"
    assert {"idType": "UNDEFINED_ORGNR", "value": "5560360793"} in info["receiverParty"]["ids"]
    assert [e["eventType"] for e in doc["eventDetails"]] == ["Created", "Delivered"]
    by_ref = api.get(f"{api.base}/document/v1/documents", params={"senderReference": "kassa-tx-1"}, timeout=10)
    assert [d["id"] for d in by_ref.json()["items"]] == [doc["id"]]
    single = api.get(f"{api.base}/document/v1/documents/{doc['id']}", timeout=10).json()
    assert single["fileId"] == file_id
    target = api.get(f"{api.base}/document/v1/documents/{doc['id']}/targetdocument",
                     headers={"Accept": "application/xml"}, timeout=10)
    assert target.status_code == 200 and target.content == xml
    refused = api.get(f"{api.base}/document/v1/documents/{doc['id']}", headers={"Accept": "text/html"}, timeout=10)
    assert refused.status_code == 406


def test_processing_waits_for_its_time(sandbox, api, control):
    sandbox.config["timing"] = {"processing": 30, "delivery": 60, "answer": 5}
    file_id = upload(api, "F-2101").json()["id"]
    parts = api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"]
    assert [p["status"] for p in parts] == ["Processing"]
    control.advance(31)
    assert api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"] == []
    doc = api.get(f"{api.base}/document/v1/documents", params={"fileId": file_id}, timeout=10).json()["items"][0]
    assert doc["distribution"]["status"] == "WaitingToBeDelivered"
    control.flush()
    doc = api.get(f"{api.base}/document/v1/documents/{doc['id']}", timeout=10).json()
    assert doc["distribution"]["status"] == "Done"


def test_scripted_reject_appears_as_received_application_response(api, control):
    control.script("F-3001", "delivered", answer="RecipientReject", reason="Fel belopp")
    upload(api, "F-3001")
    answers = api.get(f"{api.base}/document/v1/documents", timeout=10, params={
        "documentType": "ApplicationResponse", "direction": "Received",
        "referenceDocumentIdentifier": "F-3001", "companyId": COMPANY_ID}).json()["items"]
    assert len(answers) == 1
    assert answers[0]["documentInfo"]["documentSubType"] == "RecipientReject"
    assert answers[0]["documentInfo"]["referenceDocumentIdentifier"] == "F-3001"
    xml = api.get(f"{api.base}/document/v1/documents/{answers[0]['id']}/targetdocument", timeout=10).text
    assert "<cbc:ResponseCode>RE</cbc:ResponseCode>" in xml and "Fel belopp" in xml


def test_scripted_error_then_restart_goes_through(api, control):
    control.script("kassa-tx-9", "error", description="Receiver not found in PEPPOL.")
    file_id = upload(api, "F-4001", sender_reference="kassa-tx-9").json()["id"]
    parts = api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", params={"Status": "Error"},
                    timeout=10).json()["items"]
    assert parts[0]["status"] == "Error"
    assert parts[0]["error"]["description"] == ["Receiver not found in PEPPOL."]
    restarted = api.post(f"{api.base}/file/v1/fileparts/{parts[0]['id']}/action", json={"action": "Restart"},
                         timeout=10)
    assert restarted.status_code == 200
    assert api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"] == []


def test_awaiting_interaction_can_be_cancelled(api, control):
    control.script("F-4101", "awaiting_interaction", description="Choose a receiver.")
    file_id = upload(api, "F-4101").json()["id"]
    part = api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"][0]
    assert part["status"] == "AwaitingInteraction"
    cancelled = api.post(f"{api.base}/file/v1/fileparts/{part['id']}/action", json={"action": "Cancel"}, timeout=10)
    assert cancelled.json()["status"] == "Cancelled"
    assert api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"] == []
    again = api.post(f"{api.base}/file/v1/fileparts/{part['id']}/action", json={"action": "Restart"}, timeout=10)
    assert again.status_code == 409


def test_duplicate_document_control_puts_the_second_in_error(api, control):
    first = upload(api, "F-5001").json()["id"]
    second = upload(api, "F-5001", sender_reference="other").json()["id"]
    next_year = upload(api, "F-5001", xml=ubl_invoice("F-5001", issue_date="2027-01-05")).json()["id"]
    assert api.get(f"{api.base}/file/v1/files/{first}/fileparts", timeout=10).json()["items"] == []
    parts = api.get(f"{api.base}/file/v1/files/{second}/fileparts", timeout=10).json()["items"]
    assert parts[0]["status"] == "Error"
    assert parts[0]["error"]["description"] == [
        "Duplicate document: document number F-5001 has already been received for fiscal year 2026."]
    assert api.get(f"{api.base}/file/v1/files/{next_year}/fileparts", timeout=10).json()["items"] == []
    assert control.files()["counts"] == {"F-5001": 3}


def test_malformed_xml_becomes_an_error_part(api):
    file_id = upload(api, "bad", xml=b"<Invoice><unclosed></Invoice>").json()["id"]
    part = api.get(f"{api.base}/file/v1/files/{file_id}/fileparts", timeout=10).json()["items"][0]
    assert part["status"] == "Error" and "not well-formed XML" in part["error"]["description"][0]


def test_documents_of_another_company_are_invisible(api):
    upload(api, "F-6001")
    other = api.get(f"{api.base}/document/v1/documents", params={"companyId": "another"}, timeout=10).json()
    assert other["items"] == [] and other["meta"]["total"] == 0
    assert api.get(f"{api.base}/document/v1/documents/nope", timeout=10).status_code == 404


def test_paging_of_documents(api):
    for n in range(5):
        upload(api, f"F-70{n}")
    page = api.get(f"{api.base}/document/v1/documents", params={"limit": 2, "offset": 2}, timeout=10).json()
    assert page["meta"] == {"count": 2, "limit": 2, "offset": 2, "total": 5}
    assert api.get(f"{api.base}/document/v1/documents", params={"limit": "x"}, timeout=10).status_code == 400


# -- "Anmäl intresse" -----------------------------------------------------------------

INTEREST = {"companyName": "Blomsterhandeln i Lund AB", "address": "Storgatan 1", "orgNumber": "556036-0793",
            "postalCode": "222 22", "invoicesPerYear": 400, "contactName": "Eva Ek",
            "email": "eva@example.se", "phone": "046-123456"}


def test_interest_form_is_stored(sandbox, control):
    answer = requests.post(f"{sandbox.url}/partner/v1/interest", json=INTEREST, timeout=10)
    assert answer.status_code == 201
    stored = control.interest()
    assert len(stored) == 1 and stored[0]["companyName"] == "Blomsterhandeln i Lund AB"
    assert stored[0]["id"] == answer.json()["id"]


def test_interest_form_missing_and_invalid_fields(sandbox, control):
    missing = requests.post(f"{sandbox.url}/partner/v1/interest", timeout=10,
                            json={k: v for k, v in INTEREST.items() if k not in ("email", "phone")})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Följande fält måste fyllas i: E-post, Telefon."
    invalid = requests.post(f"{sandbox.url}/partner/v1/interest", timeout=10,
                            json=dict(INTEREST, orgNumber="5560360794", postalCode="1234"))
    assert "Organisationsnumret är inte giltigt" in invalid.json()["message"]
    assert "Postnumret ska ha fem siffror" in invalid.json()["message"]
    assert control.interest() == []


# -- control, faults, state -----------------------------------------------------------


def test_control_endpoints_exist_only_with_the_flag(redirect_port):
    with SandboxServer(sandbox_config(redirect_port)) as server:
        for path in ("files", "faults", "interest"):
            assert requests.get(f"{server.url}/_control/{path}", timeout=10).status_code == 404
        assert requests.post(f"{server.url}/_control/reset", json={}, timeout=10).status_code == 404


def test_injected_faults(api, control):
    control.faults(next=["500", "429", "drop", "drop_after"], retry_after=7)
    assert api.get(f"{api.base}/document/v1/documents", timeout=10).status_code == 500
    limited = api.get(f"{api.base}/document/v1/documents", timeout=10)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    with pytest.raises(requests.ConnectionError):
        api.get(f"{api.base}/document/v1/documents", timeout=10)
    with pytest.raises(requests.ConnectionError):
        upload(api, "F-8001")  # handled, then the connection was dropped
    assert control.files()["counts"] == {"F-8001": 1}
    assert api.get(f"{api.base}/document/v1/documents", timeout=10).status_code == 200
    assert control.injected() == {"500": 1, "429": 1, "drop": 1, "drop_after": 1}


def test_slow_fault_answers_late(api, control):
    control.faults(next=["slow"], slow_seconds=0.6)
    with pytest.raises(requests.ReadTimeout):
        api.get(f"{api.base}/document/v1/documents", timeout=(2, 0.2))


def test_random_faults_are_repeatable_with_a_seed(api, control):
    def run() -> list[int]:
        control.faults(probability=0.5, kinds=["500", "503"], seed=42)
        return [api.get(f"{api.base}/document/v1/documents", timeout=10).status_code for _ in range(12)]

    first = run()
    assert run() == first
    assert {500, 503, 200} >= set(first) and 200 in first and len(set(first)) > 1


def test_expired_tokens_get_401(api, control):
    assert api.get(f"{api.base}/document/v1/documents", timeout=10).status_code == 200
    control.expire_tokens()
    answer = api.get(f"{api.base}/document/v1/documents", timeout=10)
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"


def test_state_file_survives_a_restart_and_holds_no_token(tmp_path, redirect_port):
    state = tmp_path / "sandbox.json"
    cfg = sandbox_config(redirect_port)
    with SandboxServer(cfg, state_path=str(state), control=True) as server:
        token = access_token(server, redirect_port)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        session.base = server.url
        file_id = upload(session, "F-9001").json()["id"]
        doc = session.get(f"{server.url}/document/v1/documents", params={"fileId": file_id}, timeout=10).json()
    assert token not in state.read_text()
    assert not list(tmp_path.glob(".sandbox.json.*"))  # no temporary file left behind
    with SandboxServer(cfg, state_path=str(state), control=True) as server:
        session.base = server.url
        again = session.get(f"{server.url}/document/v1/documents", params={"fileId": file_id}, timeout=10).json()
        assert again == doc
        assert session.get(f"{server.url}/document/v1/documents/{doc['items'][0]['id']}/targetdocument",
                           timeout=10).content == ubl_invoice("F-9001")
        assert Control(server.url).files()["counts"] == {"F-9001": 1}


def test_cli_help_documents_the_defaults():
    out = subprocess.run([sys.executable, "-m", "kassa", "sandbox", "--help"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    for text in ("--port", "--control", "--state", "--config", "demo / demo", "sandbox-secret", "8766/callback"):
        assert text in out


def test_cli_serves_with_a_config_file(tmp_path):
    port = free_port()
    cfg = tmp_path / "sandbox.json"
    cfg.write_text(json.dumps({"accounts": [{"username": "kalle", "password": "pw", "company_id": "c-1",
                                             "company_name": "Kalles AB", "vat": ""}]}))
    proc = subprocess.Popen([sys.executable, "-m", "kassa", "sandbox", "--port", str(port), "--config", str(cfg)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert "lyssnar på http://127.0.0.1:" in proc.stdout.readline()
        page = Browser().login(f"http://127.0.0.1:{port}/oauth/v2/oauth-authorize?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": "kassa-desktop", "redirect_uri": "http://127.0.0.1:8766/callback",
            "code_challenge": pkce_pair()[1], "code_challenge_method": "S256", "state": "x"}), "kalle", "pw")
        assert page.status_code == 302
        assert requests.get(f"http://127.0.0.1:{port}/_control/files", timeout=10).status_code == 404
    finally:
        proc.terminate()
        proc.wait(10)
