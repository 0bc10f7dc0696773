"""The Pagero client against the stand-in: the calls, 401 → refresh, retries, and the three kinds of failure."""
from __future__ import annotations

import pytest

from kassa.pagero.answers import UnexpectedAnswer
from kassa.pagero.client import PageroClient, RetryPolicy
from kassa.pagero.errors import (
    NeedsAttentionError,
    NotConnectedError,
    OutcomeUnknownError,
    TransientError,
)
from tests.factories import wait_until
from tests.pagero.fixtures import COMPANY_ID, free_port, ubl_invoice


class Sleeps(list):
    """Records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sandbox, memory_tokens, sleeps):
    with PageroClient(memory_tokens, retry=RetryPolicy(sleep=sleeps), timeout=(2, 2)) as client:
        yield client


def send(client: PageroClient, number: str, **kwargs) -> str:
    return client.upload(ubl_invoice(number), f"{number}.xml", "Invoice", "Test", COMPANY_ID, f"tx-{number}",
                         **kwargs)


def test_upload_follow_up_and_buyer_answer(client, control):
    control.script("F-100", "delivered", answer="RecipientAccept")
    file_id = send(client, "F-100")
    assert client.fileparts(file_id) == []  # processed: nothing open
    listing = client.documents(fileId=file_id)
    assert listing["meta"]["total"] == 1
    doc = client.document(listing["items"][0]["id"])
    assert doc["documentInfo"]["documentIdentifier"] == "F-100"
    assert [e["eventType"] for e in doc["eventDetails"]] == ["Created", "Delivered"]
    assert client.target_document(doc["id"]) == ubl_invoice("F-100")
    answer = client.buyer_answer("F-100", COMPANY_ID)
    assert answer.sub_type == "RecipientAccept"
    assert client.buyer_answer("F-999", COMPANY_ID) is None
    by_ref = client.documents(senderReference="tx-F-100", documentType=["Invoice", "PaymentReminder"])
    assert [d["id"] for d in by_ref["items"]] == [doc["id"]]


def test_failed_part_can_be_restarted(client, control):
    control.script("F-101", "error", description="Receiver not reachable.")
    file_id = send(client, "F-101")
    parts = client.fileparts(file_id)
    assert parts[0].status == "Error" and parts[0].description == "Receiver not reachable."
    assert client.part_action(parts[0].id, "Restart")["status"] == "Processing"
    assert client.fileparts(file_id) == []


def test_401_leads_to_one_refresh_and_one_retry(client, control, memory_tokens):
    control.expire_tokens()
    file_id = send(client, "F-102")
    assert memory_tokens.refreshes == 1
    assert control.files()["counts"] == {"F-102": 1}
    assert client.fileparts(file_id) == []


def test_401_after_refresh_is_not_connected(sandbox, oauth, control, sleeps):
    class StaleTokens:
        def access_token(self):
            return "not-a-token"

        def refresh_after_rejection(self, rejected):
            return "still-not-a-token"

    client = PageroClient(StaleTokens(), retry=RetryPolicy(sleep=sleeps))
    with pytest.raises(NotConnectedError) as err:
        client.documents()
    assert "Anslut till Pagero igen" in str(err.value)
    assert PageroClient(None).api_base == sandbox.url
    with pytest.raises(NotConnectedError):
        PageroClient(None).documents()


@pytest.mark.parametrize("fault", ["500", "503", "429", "drop", "slow"])
def test_transient_faults_are_retried(client, control, sleeps, fault):
    control.faults(next=[fault, fault], retry_after=3, slow_seconds=3)
    assert client.documents()["meta"]["total"] == 0
    assert control.injected() == {fault: 2}
    assert len(sleeps) == 2
    if fault == "429":
        assert all(s >= 3 for s in sleeps)  # Retry-After honoured


def test_upload_refused_with_429_is_retried_and_arrives_once(client, control):
    control.faults(next=["429"], retry_after=0)
    send(client, "F-103")
    assert control.files()["counts"] == {"F-103": 1}


@pytest.mark.parametrize("fault, arrived", [("drop", 0), ("drop_after", 1), ("slow", 1), ("500", 0), ("503", 0)])
def test_upload_with_unknown_outcome_is_not_posted_again(client, control, sleeps, fault, arrived):
    control.faults(next=[fault], slow_seconds=3)
    with pytest.raises(OutcomeUnknownError) as err:
        send(client, "F-104")
    assert isinstance(err.value, TransientError)
    assert "det är okänt om begäran kom fram" in str(err.value)
    assert sleeps == []
    if fault == "slow":  # the stand-in is still finishing the request the client gave up on
        wait_until(lambda: control.files()["total"] == 1)
    control.flush()
    assert control.files()["counts"] == ({"F-104": arrived} if arrived else {})
    # The caller reconciles by senderReference before sending again.
    found = client.documents(senderReference="tx-F-104")["items"]
    assert len(found) == arrived


def test_upload_retries_unknown_outcome_only_when_asked(client, control):
    control.faults(next=["drop"])
    send(client, "F-105", retry_unknown=True)
    assert control.files()["counts"] == {"F-105": 1}


def test_retries_are_bounded_and_back_off_with_jitter(sandbox, memory_tokens, control):
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0, sleep=sleeps, random=lambda: 1.0)
    control.faults(probability=1.0, kinds=["500"], seed=1)
    with pytest.raises(TransientError) as err:
        PageroClient(memory_tokens, retry=policy).documents()
    assert sleeps == [1.0, 2.0, 4.0, 4.0]
    assert err.value.attempts == 5 and err.value.status == 500
    assert err.value.pagero_text == "Injected server error (sandbox fault)."
    assert str(err.value) == "Pagero svarade HTTP 500 efter 5 försök. Kassa försöker igen senare."
    low = RetryPolicy(base_delay=1.0, random=lambda: 0.0)
    assert [low.delay(n) for n in range(3)] == [0.5, 1.0, 2.0]  # never below half the backoff


def test_too_long_retry_after_is_handed_back(client, control, sleeps):
    control.faults(next=["429"], retry_after=3600)
    with pytest.raises(TransientError) as err:
        client.documents()
    assert err.value.retry_after == 3600 and err.value.status == 429 and sleeps == []


def test_unreachable_pagero_is_transient_and_upload_retried(memory_tokens, sleeps):
    client = PageroClient(memory_tokens, api_base=f"http://127.0.0.1:{free_port()}",
                          retry=RetryPolicy(attempts=3, sleep=sleeps))
    with pytest.raises(TransientError) as err:
        send(client, "F-106")  # refused connection: nothing sent, so retrying is safe
    assert not isinstance(err.value, OutcomeUnknownError)
    assert len(sleeps) == 2 and "Pagero gick inte att nå (ConnectionError) efter 3 försök" in str(err.value)


def test_thirty_percent_faults_on_follow_up_calls_all_succeed(sandbox, memory_tokens, control):
    file_ids = [send(PageroClient(memory_tokens), f"F-2{n:02}") for n in range(5)]
    control.faults(probability=0.3, kinds=["500", "503", "429", "drop"], seed=7, retry_after=0)
    client = PageroClient(memory_tokens, retry=RetryPolicy(attempts=10, sleep=Sleeps()))
    for _ in range(6):
        for file_id in file_ids:
            assert client.fileparts(file_id) == []
            assert client.documents(fileId=file_id)["meta"]["total"] == 1
    assert sum(control.injected().values()) > 10


def test_400_needs_attention_with_pageros_text(client, control, sleeps):
    with pytest.raises(NeedsAttentionError) as err:
        client.documents(limit="many")
    assert err.value.status == 400
    assert err.value.pagero_text == "limit and offset must be integers."
    assert str(err.value) == ("Pagero avvisade begäran (GET /document/v1/documents, HTTP 400): "
                              "limit and offset must be integers.")
    with pytest.raises(NeedsAttentionError) as err:
        client.upload(ubl_invoice("F-107"), "F-107.xml", "Invoice", "Test", "wrong-company", "tx")
    assert err.value.status == 403
    assert err.value.pagero_text == "sendingCompanyId does not belong to the authenticated account."
    assert sleeps == [] and control.files()["counts"] == {}


def test_interest_form_is_sent_and_its_refusal_explained(client, control):
    form = {"companyName": "Cykelverkstan AB", "address": "Byvägen 3", "orgNumber": "5560360793",
            "postalCode": "12345", "invoicesPerYear": 120, "contactName": "Per Persson",
            "email": "per@example.se", "phone": "070-1234567"}
    assert client.send_interest(form)["id"]
    assert [e["companyName"] for e in control.interest()] == ["Cykelverkstan AB"]
    with pytest.raises(NeedsAttentionError) as err:
        client.send_interest(dict(form, email=""))
    assert err.value.pagero_text == "Följande fält måste fyllas i: E-post."


def test_with_token_manager_and_secret_service(sandbox, oauth, secret_service, control, sleeps):
    from kassa.pagero.credentials import CredentialStore, TokenManager
    from tests.pagero.fixtures import login_tokens

    manager = TokenManager(CredentialStore(secret_service), oauth)
    manager.save_new_connection(login_tokens(oauth))
    client = PageroClient(manager, retry=RetryPolicy(sleep=sleeps))
    before = manager.tokens().refresh_token
    control.expire_tokens()
    send(client, "F-108")
    assert manager.tokens().refresh_token != before  # refreshed once, stored
    control.expire_tokens(refresh=True)
    with pytest.raises(NotConnectedError):
        client.documents()
    assert manager.tokens() is None


@pytest.mark.parametrize("status", [502, 504])
def test_upload_answered_by_a_gateway_error_is_not_posted_again(memory_tokens, sleeps, status):
    """A 502/504 comes from a gateway in front of Pagero: the file may have reached Pagero
    behind it, so posting it again could send the invoice twice (reconcile first instead)."""
    import http.server
    import threading

    posts = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(self.path)
            body = b'{"message": "upstream timed out"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = PageroClient(memory_tokens, api_base=f"http://127.0.0.1:{server.server_address[1]}",
                              retry=RetryPolicy(sleep=sleeps))
        with pytest.raises(OutcomeUnknownError) as err:
            send(client, "F-108")
        assert err.value.status == status
        assert posts == ["/file/v1/files"] and sleeps == []
        assert "det är okänt om begäran kom fram" in str(err.value)
    finally:
        server.shutdown()
        server.server_close()


# -- through the fault proxy: Pagero failing after it stored the file ---------------------------------


@pytest.fixture
def proxied(sandbox, memory_tokens, sleeps):
    from tests.pagero.fault_proxy import FaultPlan, FaultProxy

    with FaultProxy(sandbox.url, FaultPlan(rate=0.0, slow_seconds=1.0)) as proxy:
        yield proxy, PageroClient(memory_tokens, api_base=proxy.url, timeout=(2.0, 0.3),
                                  retry=RetryPolicy(sleep=sleeps))


@pytest.mark.parametrize("fault, stored", [
    ("stored_500", 1), ("refuse_500", 0), ("refuse_503", 0), ("html_502", 0), ("stored_drop", 1),
    ("drop_before", 0), ("slow", 1), ("malformed", 1),
])
def test_an_upload_without_a_readable_answer_is_never_posted_again(proxied, control, sleeps, fault, stored):
    proxy, client = proxied
    proxy.plan.next(fault)
    with pytest.raises(OutcomeUnknownError) as err:
        send(client, "F-300")
    assert "det är okänt om begäran kom fram" in str(err.value)
    assert len(proxy.uploads()) == 1 and sleeps == [], "one POST, no retry"
    control.flush()
    assert control.files()["counts"] == ({"F-300": 1} if stored else {})
    found = client.find_documents(senderReference="tx-F-300")
    assert len(found) == stored, "what the caller reconciles with"


@pytest.mark.parametrize("mutation", ["fields_missing", "wrong_types"])
def test_an_upload_answered_without_a_string_file_id_has_an_unknown_outcome(proxied, control, mutation):
    proxy, client = proxied
    # Both mutations are seeded; whichever shape comes, an id that is not a non-empty string is no file id.
    proxy.plan.next("mutate", mutation=mutation)
    try:
        file_id = send(client, "F-301")
    except OutcomeUnknownError:
        file_id = None
    assert file_id is None or (isinstance(file_id, str) and file_id in {f["id"] for f in control.files()["items"]})
    assert len(proxy.uploads()) == 1


def test_a_429_before_storing_is_retried_after_retry_after(proxied, control, sleeps):
    proxy, client = proxied
    proxy.plan.next("refuse_429")
    send(client, "F-302")
    assert sleeps and sleeps[0] >= 1.0
    assert control.files()["counts"] == {"F-302": 1}


def test_reads_survive_html_pages_and_malformed_answers(proxied, control, sleeps):
    proxy, client = proxied
    file_id = send(client, "F-303")
    proxy.plan.next("html_502", "refuse_503")
    assert client.fileparts(file_id) == []
    assert len(sleeps) == 2
    proxy.plan.next("malformed")
    with pytest.raises(UnexpectedAnswer) as err:
        client.fileparts(file_id)
    assert "not JSON" in str(err.value)


def test_a_restart_whose_answer_is_lost_is_not_sent_again(proxied, control):
    proxy, client = proxied
    control.script("F-304", "error", description="Receiver not reachable.")
    file_id = send(client, "F-304")
    [part] = client.fileparts(file_id)
    proxy.plan.next("stored_500")
    with pytest.raises(OutcomeUnknownError):
        client.part_action(part.id, "Restart")
    assert [d.fault for d in proxy.log if d.path.endswith("/action")] == ["stored_500"]
    assert client.fileparts(file_id) == [], "Pagero restarted it: the caller reads the part again to know"


@pytest.mark.parametrize("body", [b"<html><body>OK</body></html>", b"", b"[" * 100_000])
def test_a_restart_answered_2xx_with_a_body_that_is_not_json_is_done(proxied, control, body):
    """Pagero documents no body for a file part's action: a 2xx is the answer, whatever comes with it."""
    proxy, client = proxied
    control.script("F-305", "error", description="Receiver not reachable.")
    file_id = send(client, "F-305")
    [part] = client.fileparts(file_id)
    proxy.plan.replace_next(body)
    client.part_action(part.id, "Restart")  # raises nothing
    assert [d.fault for d in proxy.log if d.path.endswith("/action")] == ["replace"]
    control.flush()
    assert client.fileparts(file_id) == [], "restarted, then processed"
