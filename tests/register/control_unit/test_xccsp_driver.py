"""The XCCSP driver against the emulator over real HTTP on 127.0.0.1, password in the real keyring."""
from __future__ import annotations

import logging
import time

import pytest

from kassa.register.control_unit.base import ControlCode, ControlUnitUnavailable
from kassa.register.control_unit.credentials import SERVICE, delete_password
from kassa.register.control_unit.receipt_format import InvalidReceiptData
from kassa.register.control_unit.xccsp import XccspControlUnit
from tests.register.control_unit.units import PASSWORD, TILL, USER, outcomes, receipt, registrations


def test_a_receipt_gets_the_code_the_unit_registered(emulator, make_unit):
    unit = make_unit()
    answer = unit.register(receipt(1))
    stored = registrations(emulator)["1"]
    assert len(stored) == 1
    assert answer == ControlCode(code=stored[0]["code"], unit_id="EMULATOR00000001")
    assert len(answer.code) == 59 and answer.code[32] == ";"


def test_is_new_session_only_on_the_first_call_and_a_new_serial_no_every_time(emulator, make_unit):
    unit = make_unit()
    for serial in (1, 2, 3):
        unit.register(receipt(serial))
    requests = emulator.state.snapshot()["requests"]
    assert [r["new_session"] for r in requests] == ["1", "0", "0"]
    assert len({r["serial_no"] for r in requests}) == 3
    # A new driver (the till restarted) starts a new session.
    make_unit().register(receipt(4))
    assert emulator.state.snapshot()["requests"][-1]["new_session"] == "1"


def test_a_resent_receipt_gets_the_same_code_and_is_registered_once(emulator, make_unit):
    unit = make_unit()
    first = unit.register(receipt(7))
    again = unit.register(receipt(7))
    assert first == again
    assert len(registrations(emulator)["7"]) == 1
    assert len(registrations(emulator)["7"][0]["serial_nos"]) == 2


def test_a_copy_gets_its_own_code(emulator, make_unit):
    unit = make_unit()
    original = unit.register(receipt(8))
    copy = unit.register(receipt(9, kind="kopia"))  # a copy has its own number of the till's series
    assert copy.code and copy.code != original.code


def test_a_number_held_as_another_type_is_refused(emulator, make_unit):
    unit = make_unit()
    unit.register(receipt(8))
    with pytest.raises(ControlUnitUnavailable, match="ogiltiga uppgifter"):
        unit.register(receipt(8, kind="kopia"))


@pytest.mark.parametrize("kind", ["ovning", "profo"])
def test_training_and_pro_forma_receipts_get_no_code_and_none_is_invented(emulator, make_unit, kind):
    answer = make_unit().register(receipt(9, kind=kind))
    assert answer == ControlCode(code="", unit_id="EMULATOR00000001")
    assert registrations(emulator)["9"][0]["receipt_type"] == kind


@pytest.mark.parametrize("kind", ["ovning", "profo"])
def test_a_training_receipt_answered_without_a_code_and_with_an_error_status_is_not_taken_as_registered(
        emulator, make_unit, kind):
    """Found by the crash test (seed 17): a training receipt answered with no code and main status 3, which
    stored nothing, was taken as registered, and Kassa stored a receipt the unit never held."""
    emulator.state.set_behaviour(next=["empty_code"])
    unit = make_unit()
    with pytest.raises(ControlUnitUnavailable, match="utan kontrollkod"):
        unit.register(receipt(23, kind=kind))
    assert registrations(emulator) == {}
    assert unit.register(receipt(23, kind=kind)) == ControlCode(code="", unit_id="EMULATOR00000001")
    assert registrations(emulator)["23"][0]["receipt_type"] == kind


def test_busy_faults_are_retried_after_a_second_with_a_new_serial_no(emulator, make_unit):
    emulator.state.set_behaviour(next=["busy"])
    unit = make_unit(busy_wait=1.0)
    started = time.monotonic()
    answer = unit.register(receipt(10))
    assert time.monotonic() - started >= 1.0
    requests = emulator.state.snapshot()["requests"]
    assert [r["outcome"] for r in requests] == ["fault 5", "registered"]
    assert requests[0]["serial_no"] != requests[1]["serial_no"]
    assert requests[0]["receipt_id"] == requests[1]["receipt_id"] == "10"
    assert answer.code == registrations(emulator)["10"][0]["code"]


def test_server_busy_then_unit_busy_then_a_code(emulator, make_unit):
    emulator.state.set_behaviour(next=["server_busy", "busy"])
    answer = make_unit().register(receipt(11))
    assert outcomes(emulator) == ["fault 97", "fault 5", "registered"]
    assert answer.code == registrations(emulator)["11"][0]["code"]


def test_a_unit_that_stays_busy_gives_no_code_and_says_so(emulator, make_unit):
    emulator.state.set_behaviour(mode="busy")
    with pytest.raises(ControlUnitUnavailable) as caught:
        make_unit(busy_retries=3).register(receipt(12))
    assert "upptagen" in str(caught.value) and "Försök igen" in str(caught.value)
    assert outcomes(emulator) == ["fault 5"] * 4
    assert registrations(emulator) == {}


def test_a_slow_unit_within_the_timeout_answers(emulator, make_unit):
    emulator.state.set_behaviour(mode="slow", delay=0.3)
    assert make_unit(read_timeout=2.0).register(receipt(13)).code


def test_timeouts_are_retried_a_couple_of_times_then_no_code(emulator, make_unit):
    emulator.state.set_behaviour(mode="slow", delay=1.0)
    unit = make_unit(read_timeout=0.3, timeout_retries=2)
    with pytest.raises(ControlUnitUnavailable) as caught:
        unit.register(receipt(14))
    assert "svarade inte inom 0.3 sekunder" in str(caught.value)
    requests = emulator.state.snapshot()["requests"]
    assert len(requests) == 3 and len({r["serial_no"] for r in requests}) == 3
    # The slow unit did store the receipt; once it answers in time, the same code comes back.
    emulator.state.set_behaviour(mode="ok")
    answer = unit.register(receipt(14))
    assert [r["code"] for r in registrations(emulator)["14"]] == [answer.code]


def test_a_service_answering_503_gives_no_code(emulator, make_unit):
    emulator.state.set_behaviour(mode="down")
    with pytest.raises(ControlUnitUnavailable) as caught:
        make_unit(timeout_retries=2).register(receipt(15))
    assert "HTTP 503" in str(caught.value)
    assert outcomes(emulator) == ["down"] * 3
    assert registrations(emulator) == {}


def test_a_503_once_is_retried(emulator, make_unit):
    emulator.state.set_behaviour(next=["down"])
    assert make_unit().register(receipt(16)).code
    assert outcomes(emulator) == ["down", "registered"]


def test_a_stopped_unit_refuses_at_once(emulator, make_unit):
    unit = make_unit()
    emulator.stop()
    started = time.monotonic()
    with pytest.raises(ControlUnitUnavailable) as caught:
        unit.register(receipt(17))
    assert time.monotonic() - started < 2.0
    assert "kan inte nås" in str(caught.value)


def test_a_dropped_connection_gives_no_code(emulator, make_unit):
    emulator.state.set_behaviour(next=["drop"])
    with pytest.raises(ControlUnitUnavailable, match="kan inte nås"):
        make_unit().register(receipt(18))
    assert registrations(emulator) == {}


def test_garbage_gives_no_code(emulator, make_unit):
    emulator.state.set_behaviour(next=["garbage"])
    with pytest.raises(ControlUnitUnavailable) as caught:
        make_unit().register(receipt(19))
    assert "inte är ett giltigt svar" in str(caught.value)
    assert registrations(emulator) == {}


def test_garbage_after_the_unit_stored_the_receipt_then_the_same_code_on_the_next_try(emulator, make_unit):
    unit = make_unit()
    emulator.state.set_behaviour(next=["garbage_after_store"])
    with pytest.raises(ControlUnitUnavailable):
        unit.register(receipt(20))
    stored = registrations(emulator)["20"]
    assert len(stored) == 1  # the unit has it; the register does not
    assert unit.register(receipt(20)).code == stored[0]["code"]
    assert len(registrations(emulator)["20"]) == 1


def test_an_answer_without_a_code_gives_none(emulator, make_unit):
    emulator.state.set_behaviour(next=["empty_code"])
    with pytest.raises(ControlUnitUnavailable, match="utan kontrollkod"):
        make_unit().register(receipt(21))


def test_a_wrong_password_is_named(emulator, make_unit, secret_service):
    from kassa.register.control_unit.credentials import save_password

    unit = make_unit()
    save_password(emulator.url, USER, "fel-lösenord", secret_service)
    with pytest.raises(ControlUnitUnavailable) as caught:
        unit.register(receipt(22))
    assert "godtog inte inloggningen (HTTP 401)" in str(caught.value)
    assert "fel-lösenord" not in str(caught.value)
    # Corrected in the keyring: the next try reads it again and gets a code.
    save_password(emulator.url, USER, PASSWORD, secret_service)
    assert unit.register(receipt(22)).code


def test_no_password_in_the_keyring_is_named(emulator, make_unit, secret_service):
    unit = make_unit()
    delete_password(emulator.url, USER, secret_service)
    with pytest.raises(ControlUnitUnavailable) as caught:
        unit.register(receipt(23))
    assert "finns inte i nyckelringen" in str(caught.value)
    assert emulator.state.snapshot()["requests"] == []


def test_bad_receipt_data_are_refused_before_anything_is_sent(emulator, make_unit):
    with pytest.raises(InvalidReceiptData, match="högst 16"):
        make_unit().register(receipt(24, till="EN-ALLDELES-FÖR-LÅNG"))
    assert emulator.state.snapshot()["requests"] == []


def test_status_of_the_emulator_says_it_is_not_certified(emulator, make_unit):
    status = make_unit().status()
    assert status.ok and status.unit_id == "EMULATOR00000001"
    assert "i drift" in status.text and "INTE en certifierad kontrollenhet" in status.text


def test_status_of_a_unit_that_is_down(emulator, make_unit):
    emulator.state.set_behaviour(mode="down")
    status = make_unit(timeout_retries=0).status()
    assert not status.ok and "HTTP 503" in status.text


def test_status_of_a_busy_unit_is_not_ok(emulator, make_unit):
    emulator.state.set_behaviour(mode="server_busy")
    status = make_unit().status()
    assert not status.ok and "upptagen" in status.text


def test_plain_http_goes_only_to_this_computer():
    with pytest.raises(ControlUnitUnavailable, match="https://"):
        XccspControlUnit("http://kontrollenhet.example:8082/xccsp", USER, org_number="5566778899", till=TILL)
    with pytest.raises(ControlUnitUnavailable, match="lösenord"):
        XccspControlUnit("https://kassa:hemligt@kontrollenhet.example/xccsp", USER, org_number="5566778899",
                         till=TILL)


def test_the_password_is_in_the_keyring_only(emulator, make_unit, secret_service, caplog, isolated_data_dir,
                                             tmp_path):
    caplog.set_level(logging.DEBUG)
    unit = make_unit()
    unit.register(receipt(25))
    unit.status()
    assert secret_service.get_password(SERVICE, f"{USER}@{emulator.url.split('/')[2]}") == PASSWORD
    assert PASSWORD not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
