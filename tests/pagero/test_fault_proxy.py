"""The fault proxy itself: each fault does to the stand-in and to the client what it says, and a seed
gives the same faults again. Real HTTP on 127.0.0.1: client → proxy → stand-in."""
from __future__ import annotations

import json

import pytest
import requests

from tests.pagero.fault_proxy import MUTATIONS, UPLOAD_FAULTS, FaultPlan, FaultProxy
from tests.pagero.fixtures import COMPANY_ID, ubl_invoice


@pytest.fixture
def bearer(sandbox, memory_tokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {memory_tokens.access_token()}", "Accept": "application/json"}


@pytest.fixture
def proxy(sandbox):
    with FaultProxy(sandbox.url) as running:
        yield running


def upload(proxy: FaultProxy, bearer: dict, number: str, timeout: float = 5.0) -> requests.Response:
    return requests.post(
        f"{proxy.url}/file/v1/files", headers=bearer, timeout=timeout,
        files={"payload": (f"{number}.xml", ubl_invoice(number), "application/xml")},
        data={"documentType": "Invoice", "sendMode": "Test", "sendingCompanyId": COMPANY_ID,
              "senderReference": f"ref-{number}"})


def uploaded_numbers(control) -> dict[str, int]:
    return control.files()["counts"]


def test_without_a_fault_the_proxy_forwards_the_request_and_the_answer(proxy, bearer, control):
    response = upload(proxy, bearer, "1001")

    assert response.status_code == 201
    file_id = response.json()["id"]
    assert uploaded_numbers(control) == {"1001": 1}
    parts = requests.get(f"{proxy.url}/file/v1/files/{file_id}/fileparts", headers=bearer, timeout=5)
    assert parts.status_code == 200 and "items" in parts.json()
    assert [(d.method, d.fault) for d in proxy.log] == [("POST", ""), ("GET", "")]


@pytest.mark.parametrize("kind, status", [("refuse_500", 500), ("refuse_503", 503), ("html_502", 502),
                                          ("refuse_429", 429)])
def test_a_refusal_answers_without_forwarding(proxy, bearer, control, kind, status):
    proxy.plan.next(kind)

    response = upload(proxy, bearer, "1002")

    assert response.status_code == status
    assert uploaded_numbers(control) == {}, "refused before the stand-in saw it"
    if kind == "html_502":
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<h1>Bad Gateway</h1>" in response.text
    if kind == "refuse_429":
        assert response.headers["Retry-After"] == "1"


def test_stored_then_500_stores_the_file_and_answers_an_error(proxy, bearer, control):
    proxy.plan.next("stored_500")

    response = upload(proxy, bearer, "1003")

    assert response.status_code == 500
    assert uploaded_numbers(control) == {"1003": 1}, "the stand-in has it although the answer said 500"
    assert proxy.uploads("stored_500")[0].upstream_status == 201


def test_stored_then_dropped_stores_the_file_and_closes_the_connection(proxy, bearer, control):
    proxy.plan.next("stored_drop")

    with pytest.raises(requests.ConnectionError):
        upload(proxy, bearer, "1004")

    assert uploaded_numbers(control) == {"1004": 1}


def test_dropped_before_forwarding_reaches_nothing(proxy, bearer, control):
    proxy.plan.next("drop_before")

    with pytest.raises(requests.ConnectionError):
        upload(proxy, bearer, "1005")

    assert uploaded_numbers(control) == {}


def test_slower_than_the_client_waits_times_out_after_the_stand_in_stored_it(sandbox, bearer, control):
    with FaultProxy(sandbox.url, FaultPlan(rate=0.0, slow_seconds=1.0)) as proxy:
        proxy.plan.next("slow")

        with pytest.raises(requests.ReadTimeout):
            upload(proxy, bearer, "1006", timeout=0.3)

        assert uploaded_numbers(control) == {"1006": 1}


def test_malformed_answer_is_not_json(proxy, bearer, control):
    proxy.plan.next("malformed")

    response = upload(proxy, bearer, "1007")

    assert response.status_code == 201
    with pytest.raises(ValueError):
        response.json()
    assert uploaded_numbers(control) == {"1007": 1}


def test_mutations_change_the_shape_of_a_document(proxy, bearer, control):
    file_id = upload(proxy, bearer, "1008").json()["id"]
    control.flush()
    listing = requests.get(f"{proxy.url}/document/v1/documents", params={"fileId": file_id}, headers=bearer,
                           timeout=5).json()
    document_id = listing["items"][0]["id"]
    url = f"{proxy.url}/document/v1/documents/{document_id}"

    proxy.plan.next("mutate", mutation="distribution_string")
    assert isinstance(requests.get(url, headers=bearer, timeout=5).json()["distribution"], str)

    proxy.plan.next("mutate", mutation="status_wording")
    worded = requests.get(url, headers=bearer, timeout=5).json()["distribution"]["status"]
    assert worded != requests.get(url, headers=bearer, timeout=5).json()["distribution"]["status"]

    proxy.plan.next("mutate", mutation="numbers_as_strings")
    assert requests.get(url, headers=bearer, timeout=5).json()["validationErrors"] == {"noOfErrors": "0"}

    proxy.plan.next("mutate", mutation="fields_missing")
    assert len(requests.get(url, headers=bearer, timeout=5).json()) < len(listing["items"][0])

    assert [d.fault for d in proxy.log if d.fault.startswith("mutate")] == [
        "mutate:distribution_string", "mutate:status_wording", "mutate:numbers_as_strings", "mutate:fields_missing"]


def test_every_mutation_gives_json_for_every_kind_of_answer():
    plan = FaultPlan(seed=3)
    answers = [
        {"items": [{"id": "d1", "distribution": {"status": "Done"}, "eventDetails": [], "validationErrors": {}}],
         "meta": {"count": 1, "total": 1}},
        {"id": "d1", "fileId": "f1", "distribution": {"status": "Done"}, "documentInfo": {}},
        {"items": [{"id": "p1", "fileId": "f1", "status": "Error", "error": {"description": ["x"]}}]},
        {"id": "f1"},
    ]
    for name in MUTATIONS:
        for answer in answers:
            json.dumps(plan.mutate(name, json.loads(json.dumps(answer))))


def test_the_same_seed_gives_the_same_faults_in_the_same_order():
    def decisions(seed: int) -> list:
        plan = FaultPlan(seed=seed, rate=0.5)
        return [plan.pick("POST", "/file/v1/files") for _ in range(200)]

    first = decisions(11)
    assert first == decisions(11)
    assert first != decisions(12)
    picked = [f for f in first if f]
    assert 70 < len(picked) < 130, "about half of the requests"
    assert {f.kind for f in picked} == set(UPLOAD_FAULTS)


def test_paths_outside_the_plan_are_never_touched():
    plan = FaultPlan(seed=1, rate=1.0)
    assert plan.pick("POST", "/oauth/v2/oauth-token") is None
    assert plan.pick("GET", "/document/v1/documents") is not None
    assert plan.pick("POST", "/file/v1/fileparts/p1/action").kind in plan.action_faults


def test_an_unknown_fault_kind_is_refused():
    with pytest.raises(ValueError):
        FaultPlan(upload_faults=("explode",))
