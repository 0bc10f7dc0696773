"""Inställningar → Kontrollenhet och kvittoskrivare, driven from the keyboard against a real TCP printer
stand-in, the control-unit emulator over HTTP and the real keyring."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kassa import config
from kassa.devices.printer_settings import PrinterSettings
from kassa.devices.printer_settings import save as save_printer
from kassa.register.control_unit.credentials import SERVICE, delete_password
from kassa.register.control_unit.emulator import ControlUnitEmulator
from kassa.ui.hardware_dialog import HardwareDialog
from kassa.ui.workers import wait_for_background
from tests.devices.escpos_decoder import decode
from tests.devices.printer_listener import PrinterListener
from tests.factories import type_text

PASSWORD = "dialog-lösen-91"


@pytest.fixture
def listener():
    with PrinterListener() as printer:
        yield printer


@pytest.fixture
def emulator():
    with ControlUnitEmulator(users={"kassa": PASSWORD}) as unit:
        yield unit


@pytest.fixture
def dialog(qtbot, isolated_data_dir):
    window = HardwareDialog(org_number="5566778899", till="KASSA-1")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    assert wait_for_background(10_000)


def alt(qtbot, dialog, key: Qt.Key) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, key, Qt.KeyboardModifier.AltModifier)


def type_into(qtbot, dialog, key: Qt.Key, text: str) -> None:
    """Alt+mnemonic to the field, select what is there, type."""
    alt(qtbot, dialog, key)
    field = dialog.focusWidget()
    field.selectAll()
    type_text(qtbot, field, text)


def test_choose_and_test_a_network_printer_and_an_xccsp_unit_then_save(qtbot, dialog, listener, emulator,
                                                                        secret_service):
    alt(qtbot, dialog, Qt.Key.Key_A)
    assert dialog.focusWidget() is dialog.printer_kind
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Down)  # Ingen → Nätverk
    assert dialog.printer_kind.currentData() == "network" and dialog.host.isVisible()
    assert not dialog.path.isVisible()
    type_into(qtbot, dialog, Qt.Key.Key_R, "127.0.0.1")
    type_into(qtbot, dialog, Qt.Key.Key_P, str(listener.port))
    alt(qtbot, dialog, Qt.Key.Key_V)  # Skriv ut testsida
    qtbot.waitUntil(lambda: "Testsidan skickades" in dialog.message.text(), timeout=10_000)
    page = decode(listener.wait_for_jobs(1)[0])
    assert "Räksmörgås, ölkorv och våffla" in page.text and page.line("KOPIA").double

    type_into(qtbot, dialog, Qt.Key.Key_W, emulator.url)
    type_into(qtbot, dialog, Qt.Key.Key_N, "kassa")
    assert dialog.password.placeholderText() == ""  # no password saved yet: nothing to leave "oförändrat"
    type_into(qtbot, dialog, Qt.Key.Key_O, PASSWORD)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    alt(qtbot, dialog, Qt.Key.Key_H)  # Testa kontrollenheten
    qtbot.waitUntil(lambda: "EMULATOR00000001" in dialog.message.text(), timeout=10_000)
    assert "INTE en certifierad kontrollenhet" in dialog.message.text()

    try:
        alt(qtbot, dialog, Qt.Key.Key_S)  # Spara
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
        saved = json.loads(config.settings_path().read_text(encoding="utf-8"))
        assert saved["printer"]["kind"] == "network" and saved["printer"]["port"] == listener.port
        assert saved["control_unit"] == {"kind": "xccsp", "url": emulator.url, "username": "kassa",
                                         "read_timeout": 10.0}
        assert PASSWORD not in config.settings_path().read_text(encoding="utf-8")
        assert secret_service.get_password(SERVICE, f"kassa@{emulator.url.split('/')[2]}") == PASSWORD
        again = HardwareDialog(org_number="5566778899", till="KASSA-1")
        qtbot.addWidget(again)
        qtbot.waitUntil(lambda: again.password.placeholderText() == "oförändrat")  # now there is one to keep
        assert again.password.text() == ""
    finally:
        delete_password(emulator.url, "kassa", secret_service)


def test_a_printer_that_is_off_is_said_in_the_dialog(qtbot, dialog, listener):
    listener.stop()
    alt(qtbot, dialog, Qt.Key.Key_A)
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Down)
    type_into(qtbot, dialog, Qt.Key.Key_R, "127.0.0.1")
    type_into(qtbot, dialog, Qt.Key.Key_P, str(listener.port))
    alt(qtbot, dialog, Qt.Key.Key_D)  # Öppna lådan
    qtbot.waitUntil(lambda: "svarar inte" in dialog.message.text(), timeout=10_000)


def test_missing_fields_are_named_and_nothing_is_saved(qtbot, dialog):
    alt(qtbot, dialog, Qt.Key.Key_A)
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Down)  # network, no address
    alt(qtbot, dialog, Qt.Key.Key_S)  # a button's mnemonic clicks it after a short animation
    qtbot.waitUntil(lambda: "nätverksadress" in dialog.message.text())
    type_into(qtbot, dialog, Qt.Key.Key_R, "10.0.0.20")
    alt(qtbot, dialog, Qt.Key.Key_S)  # now the control unit lacks its address
    qtbot.waitUntil(lambda: "https://" in dialog.message.text())
    assert dialog.isVisible()
    assert not config.settings_path().exists()


def test_the_exemption_and_no_printer_are_saved(qtbot, dialog):
    alt(qtbot, dialog, Qt.Key.Key_K)
    qtbot.keyClick(dialog.unit_kind, Qt.Key.Key_Down)  # Ingen (fyra prisbasbelopp)
    assert not dialog.url.isVisible()
    alt(qtbot, dialog, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    saved = json.loads(config.settings_path().read_text(encoding="utf-8"))
    assert saved["control_unit"] == {"kind": "none"} and "printer" not in saved


def test_saved_settings_are_shown(qtbot, isolated_data_dir):
    save_printer(PrinterSettings(kind="usb", usb_vendor=0x04B8, usb_product=0x0202, codepage="CP437",
                                 drawer_pin=5))
    window = HardwareDialog(org_number="5566778899")
    qtbot.addWidget(window)
    assert window.printer_kind.currentData() == "usb" and window.usb_ids.text() == "04b8:0202"
    assert window.codepage.currentText() == "CP437" and window.drawer_pin.currentText() == "5"
    assert window.printer_settings() == PrinterSettings(kind="usb", usb_vendor=0x04B8, usb_product=0x0202,
                                                        codepage="CP437", drawer_pin=5)
