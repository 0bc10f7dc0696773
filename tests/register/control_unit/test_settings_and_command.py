"""Choosing the control unit (settings file + keyring), the factory, and `kassa control-unit` as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kassa import config
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.control_unit.credentials import SERVICE, delete_password
from kassa.register.control_unit.exempt import NoControlUnit
from kassa.register.control_unit.settings import ControlUnitSettings, build_control_unit, save, saved
from kassa.register.control_unit.xccsp import XccspControlUnit
from tests.factories import REPO
from tests.register.control_unit.units import ORG, PASSWORD, USER, receipt


def kassa(*args: str, data_dir, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, KASSA_DATA_DIR=str(data_dir), KASSA_TILL="KASSA-1")
    return subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_nothing_chosen_means_no_unit_and_no_sales():
    assert saved() is None
    with pytest.raises(ControlUnitUnavailable) as caught:
        build_control_unit(org_number=ORG)
    assert "Ingen kontrollenhet är vald" in str(caught.value)


def test_the_exemption_is_chosen_explicitly_and_answers_no_code():
    save(ControlUnitSettings(kind="none"))
    assert json.loads(config.settings_path().read_text())["control_unit"] == {"kind": "none"}
    unit = build_control_unit(org_number=ORG)
    assert isinstance(unit, NoControlUnit)
    answer = unit.register(receipt(1))
    assert answer.code == "" and answer.unit_id == ""
    status = unit.status()
    assert status.ok and "fyra prisbasbelopp" in status.text


def test_an_xccsp_unit_is_saved_without_its_password(emulator, secret_service):
    settings = ControlUnitSettings(kind="xccsp", url=emulator.url, username=USER, read_timeout=5)
    save(settings, PASSWORD, keyring_backend=secret_service)
    try:
        text = config.settings_path().read_text(encoding="utf-8")
        assert PASSWORD not in text
        assert json.loads(text)["control_unit"] == {"kind": "xccsp", "url": emulator.url, "username": USER,
                                                    "read_timeout": 5}
        unit = build_control_unit(org_number=ORG, till="KASSA-1", keyring_backend=secret_service)
        assert isinstance(unit, XccspControlUnit)
        assert unit.register(receipt(1)).code
    finally:
        delete_password(emulator.url, USER, secret_service)


@pytest.mark.parametrize("entry, words", [
    ({"kind": "box"}, "Okänd sorts kontrollenhet"),
    ({"kind": "xccsp", "url": "ftp://x/xccsp", "username": "a"}, "https://"),
    ({"kind": "xccsp", "url": "https://x/xccsp", "username": ""}, "Användarnamnet"),
    ({"kind": "xccsp", "url": "https://x/xccsp", "username": "a", "read_timeout": 0}, "Väntetiden"),
    ("xccsp", "kan inte läsas"),
])
def test_bad_saved_settings_are_named_in_swedish(entry, words):
    config.save_settings(control_unit=entry)
    with pytest.raises(ControlUnitUnavailable, match=words):
        build_control_unit(org_number=ORG)


def test_configure_then_status_from_the_command_line(emulator, company, secret_service, isolated_data_dir):
    from kassa.models import database

    database.close()  # the command opens the same SQLite file itself
    try:
        done = kassa("control-unit", "configure", "--url", emulator.url, "--user", USER, "--password-stdin",
                     data_dir=isolated_data_dir, stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "lösenordet i nyckelringen" in done.stdout
        assert PASSWORD not in config.settings_path().read_text(encoding="utf-8")
        assert secret_service.get_password(SERVICE, f"{USER}@{emulator.url.split('/')[2]}") == PASSWORD

        status = kassa("control-unit", "status", data_dir=isolated_data_dir)
        assert status.returncode == 0, status.stdout + status.stderr
        assert "EMULATOR00000001" in status.stdout and "i drift" in status.stdout
        assert "INTE en certifierad kontrollenhet" in status.stdout

        emulator.stop()
        down = kassa("control-unit", "status", data_dir=isolated_data_dir)
        assert down.returncode == 1 and "kan inte nås" in down.stdout
    finally:
        delete_password(emulator.url, USER, secret_service)


def test_status_without_a_choice_and_with_the_exemption(isolated_data_dir):
    nothing = kassa("control-unit", "status", data_dir=isolated_data_dir)
    assert nothing.returncode == 2 and "Ingen kontrollenhet är vald" in nothing.stderr
    assert kassa("control-unit", "configure", "--none", data_dir=isolated_data_dir).returncode == 0
    exempt = kassa("control-unit", "status", data_dir=isolated_data_dir)
    assert exempt.returncode == 0 and "fyra prisbasbelopp" in exempt.stdout


def test_configure_refuses_plain_http_to_another_computer(isolated_data_dir):
    done = kassa("control-unit", "configure", "--url", "http://kontrollenhet.example/xccsp", "--user", "a",
                 data_dir=isolated_data_dir)
    assert done.returncode == 2 and "https://" in done.stderr
    assert not config.settings_path().exists()


def test_testing_settings_before_they_are_saved(emulator):
    from kassa.register.control_unit.settings import check_control_unit

    settings = ControlUnitSettings(kind="xccsp", url=emulator.url, username=USER)
    ok = check_control_unit(settings, org_number=ORG, till="KASSA-1", password=PASSWORD)
    assert ok.ok and "EMULATOR00000001" in ok.text
    wrong = check_control_unit(settings, org_number=ORG, till="KASSA-1", password="fel")
    assert not wrong.ok and "godtog inte inloggningen" in wrong.text
    no_org = check_control_unit(settings, org_number="", till="KASSA-1", password=PASSWORD)
    assert not no_org.ok and "Organisationsnumret" in no_org.text
    assert check_control_unit(ControlUnitSettings(kind="none"), org_number="").ok
    assert emulator.state.snapshot()["registrations"] == []  # a test registers nothing
    assert not config.settings_path().exists()  # and saves nothing


def test_the_settings_view_asks_the_unit_for_its_manufacturing_number(emulator, company, secret_service,
                                                                      monkeypatch):
    from kassa.register.identity import identity_with_unit

    monkeypatch.setenv("KASSA_TILL", "KASSA-1")
    assert dict(identity_with_unit().rows())["Kontrollenhetens tillverkningsnummer"] == "ej vald"
    save(ControlUnitSettings(kind="xccsp", url=emulator.url, username=USER, read_timeout=5), PASSWORD,
         keyring_backend=secret_service)
    try:
        rows = dict(identity_with_unit().rows())
        assert rows["Kontrollenhetens tillverkningsnummer"] == emulator.state.snapshot()["unit_id"]
        assert rows["Kassabeteckning"] == "KASSA-1" and rows["Modellbeteckning"] == "Kassa SE"
        emulator.state.set_behaviour(mode="down")
        assert dict(identity_with_unit().rows())["Kontrollenhetens tillverkningsnummer"] == "ej ansluten"
    finally:
        delete_password(emulator.url, USER, secret_service)
