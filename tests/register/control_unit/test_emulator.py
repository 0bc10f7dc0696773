"""The emulator as a client sees it over HTTP: the protocol, the not-certified notices, the controls."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from kassa.register.control_unit.emulator import ControlUnitEmulator
from kassa.register.control_unit.emulator_state import control_code
from kassa.register.control_unit.receipt_format import receipt_fields
from kassa.register.control_unit.xccsp import EMULATOR_HEADER
from kassa.register.control_unit.xccsp_messages import (
    Fault,
    RegisterResult,
    StatusResult,
    parse_response,
    register_request,
    status_request,
)
from tests.factories import REPO
from tests.register.control_unit.units import PASSWORD, USER, receipt

AUTH = (USER.encode(), PASSWORD.encode("iso-8859-1"))


def post(emulator: ControlUnitEmulator, body: bytes, auth: tuple[bytes, bytes] = AUTH) -> requests.Response:
    return requests.post(emulator.url, data=body, auth=auth, timeout=5,
                         headers={"Content-Type": "text/xml; charset=ISO-8859-1"})


def test_every_answer_says_it_is_not_certified(emulator):
    for body in (register_request(receipt_fields(receipt(1)), 1, True), status_request("KASSA-1", "5566778899"),
                 b"<request/>"):
        answer = post(emulator, body)
        assert answer.status_code == 200
        assert answer.headers[EMULATOR_HEADER] == "ej certifierad; endast demo och test"
        assert "INTE certifierad".encode("iso-8859-1") in answer.content
    page = requests.get(emulator.url, timeout=5)
    assert "INTE certifierad" in page.text
    status = parse_response(post(emulator, status_request("KASSA-1", "5566778899")).content)
    assert status == StatusResult("EMULATOR00000001", "KASSA-EMULATOR EJ CERTIFIERAD", 0, 0)


def test_codes_are_deterministic_across_emulators():
    body = register_request(receipt_fields(receipt(5)), 1, True)
    codes = []
    for _ in range(2):
        with ControlUnitEmulator(users={USER: PASSWORD}) as emulator:
            answer = parse_response(post(emulator, body).content)
            assert isinstance(answer, RegisterResult)
            codes.append(answer.code)
    assert codes[0] == codes[1]
    assert codes[0] == control_code(
        "KASSA-1|5566778899|5|normal|202605041230|125,00|0,00|1:25,00:25,00")


def test_no_login_no_answer(emulator):
    body = register_request(receipt_fields(receipt(1)), 1, True)
    assert post(emulator, body, auth=(b"kassa", b"fel")).status_code == 401
    assert emulator.state.snapshot()["requests"] == []


def test_unknown_requests_and_bad_data_are_faults(emulator):
    assert parse_response(post(emulator, b"not xml").content) == Fault(2, "UnknownRequest",
                                                                       "Begäran kan inte läsas")
    odd = register_request(receipt_fields(receipt(1)), 1, True).replace(b"RegisterReceipt<", b"Shred<")
    assert parse_response(post(emulator, odd).content).code == 2
    bad = register_request(receipt_fields(receipt(1)), 1, True).replace(b"5566778899", b"5566778898")
    fault = parse_response(post(emulator, bad).content)
    assert isinstance(fault, Fault) and fault.code == 3 and "kontrollsiffra" in fault.message


def test_the_same_receipt_id_with_other_data_is_refused(emulator):
    assert isinstance(parse_response(post(emulator, register_request(
        receipt_fields(receipt(3)), 1, True)).content), RegisterResult)
    other = parse_response(post(emulator, register_request(
        receipt_fields(receipt(3, sale="999.00")), 2, False)).content)
    assert isinstance(other, Fault) and other.code == 3


def test_the_control_endpoint_sets_behaviour_and_refuses_nonsense(emulator):
    base = emulator.url.rsplit("/", 1)[0]
    answer = requests.post(f"{base}/_control/behaviour", json={"mode": "busy"}, timeout=5)
    assert answer.status_code == 200 and answer.json()["mode"] == "busy"
    fault = parse_response(post(emulator, register_request(receipt_fields(receipt(1)), 1, True)).content)
    assert fault == Fault(5, "Busy", "Kontrollenheten är upptagen")
    assert requests.post(f"{base}/_control/behaviour", json={"mode": "explode"}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_control/behaviour", json={"fail_rate": 2}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_control/reset", timeout=5).json() == {"reset": True}
    assert requests.get(f"{base}/_control/state", timeout=5).json()["behaviour"]["mode"] == "ok"


def test_without_control_there_are_no_control_endpoints():
    with ControlUnitEmulator() as emulator:
        base = emulator.url.rsplit("/", 1)[0]
        assert requests.post(f"{base}/_control/behaviour", json={"mode": "busy"}, timeout=5).status_code == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_command_runs_the_emulator_with_faults_from_its_flags(isolated_data_dir):
    port = _free_port()
    env = dict(os.environ, KASSA_DATA_DIR=str(isolated_data_dir))
    process = subprocess.Popen(
        [sys.executable, "-m", "kassa", "control-unit", "emulator", "--port", str(port), "--user", "kassa:pw",
         "--mode", "server_busy"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = process.stdout.readline() + process.stdout.readline()
        assert "INTE certifierad" in banner and f"127.0.0.1:{port}/xccsp" in banner
        url = f"http://127.0.0.1:{port}/xccsp"
        deadline = time.monotonic() + 10
        while True:
            try:
                answer = requests.post(url, data=status_request("K", "5566778899"), auth=("kassa", "pw"), timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert parse_response(answer.content).code == 97
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
