"""Valideringsregler: the rule pack installed from the settings by a shop owner who never opens a
terminal (a folder or a zip chosen in Qt's real file dialog, checked against Kassa's pins), and
E-fakturor saying whether invoices are officially validated."""
from __future__ import annotations

import shutil
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from kassa.peppol.rules.pack import installed_rules_dir, rule_pack_location
from kassa.ui.einvoices import EInvoiceStatusDialog
from tests.factories import QT_NOISE, wait_for_window
from tests.ui.real_dialogs import save_in_file_dialog

pytestmark = QT_NOISE


@pytest.fixture
def no_pack(monkeypatch, tmp_path):
    """Nothing installed and nothing pointed at: as on a new computer."""
    monkeypatch.delenv("KASSA_RULES_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "no-system-share"))
    assert not installed_rules_dir().exists()


def einvoices_window(qtbot) -> EInvoiceStatusDialog:
    dialog = EInvoiceStatusDialog(refresh_ms=60_000)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_install_the_pack_from_a_folder_and_e_fakturor_says_invoices_are_validated(
        qtbot, db, no_pack, rule_pack_path, background_done):
    view = einvoices_window(qtbot)
    qtbot.waitUntil(lambda: view.validation.label.text().startswith("Officiell validering: nej"))
    qtbot.mouseClick(view.validation.button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, "rulePackDialog")
    qtbot.waitUntil(lambda: "inte installerat" in dialog.status_label.text())
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    save_in_file_dialog(qtbot, "rulePackFolderDialog", rule_pack_path)
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("Regelpaketet är installerat"), timeout=60_000)
    assert dialog.result_label.text() == "Regelpaketet är installerat: UBL 2.1, CEN 1.3.16, Peppol 3.0.21."
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("Officiell validering: ja"))
    assert "Kontrollsummorna stämmer med Kassas kända versioner." in dialog.status_label.text()
    assert rule_pack_location() == (installed_rules_dir(), "installed")
    qtbot.waitUntil(lambda: view.validation.label.text().startswith("Officiell validering: ja"))
    assert "Peppol BIS Billing 3.0-regler 3.0.21" in view.validation.label.text()


def test_without_a_pack_the_window_says_what_its_buttons_do_and_the_command_comes_last(
        qtbot, window, no_pack, background_done):
    window.findChild(QAction, "rulePackAction").trigger()  # Inställningar → Valideringsregler
    dialog = wait_for_window(qtbot, "rulePackDialog")
    qtbot.waitUntil(lambda: "inte installerat" in dialog.status_label.text())
    status = dialog.status_label.text()
    assert status.startswith("Regelpaketet är inte installerat.")
    assert "välj Installera från mapp … eller Installera från zip-fil … här nedan" in status
    assert "Inställningar" not in status and "kassa rules" not in status  # not the menu it came from, no command
    assert dialog.hint_label.isVisible() and dialog.hint_label.text().startswith("För den som sköter datorn:")
    assert "kassa rules install KÄLLA" in dialog.hint_label.text()
    assert [b.text() for b in (dialog.folder_button, dialog.zip_button)] == [
        "Installera från &mapp …", "Installera från &zip-fil …"]  # the buttons the text names
    assert dialog.folder_button.isDefault()


def test_a_zip_with_a_changed_file_is_refused_and_nothing_is_installed(
        qtbot, db, no_pack, rule_pack_path, tmp_path, background_done):
    archive = tmp_path / "regler.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(rule_pack_path.rglob("*")):
            if path.is_file() and "examples" not in path.parts:
                data = path.read_bytes()
                if path.name == "PEPPOL-EN16931-UBL.xslt":
                    data += b"<!-- changed -->"
                zf.writestr(str(path.relative_to(rule_pack_path.parent)), data)
    view = einvoices_window(qtbot)
    dialog = view.validation.open_dialog()
    qtbot.mouseClick(dialog.zip_button, Qt.MouseButton.LeftButton)
    save_in_file_dialog(qtbot, "rulePackZipDialog", archive)
    qtbot.waitUntil(lambda: "installerades inte" in dialog.result_label.text(), timeout=60_000)
    assert "PEPPOL-EN16931-UBL.xslt stämmer inte med kontrollsumman" in dialog.result_label.text()
    assert not installed_rules_dir().exists()


def test_a_pack_installed_for_every_user_is_found(db, monkeypatch, tmp_path, rule_pack_path):
    monkeypatch.delenv("KASSA_RULES_DIR", raising=False)
    share = tmp_path / "share"
    for part in ("ubl-2.1-xsd", "cen-1.3.16", "peppol-3.0.21"):
        (share / "kassa" / "rules").mkdir(parents=True, exist_ok=True)
        (share / "kassa" / "rules" / part).symlink_to(rule_pack_path / part)
    monkeypatch.setenv("XDG_DATA_DIRS", f"{tmp_path / 'empty'}:{share}")
    assert rule_pack_location() == (share / "kassa" / "rules", "system")
    from kassa.peppol.rules.status import rule_pack_status

    status = rule_pack_status()
    assert status.validated and "installerat för alla användare på datorn" in status.text
    shutil.rmtree(share)
