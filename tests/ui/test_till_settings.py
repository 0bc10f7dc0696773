"""Inställningar → Kassa: the till's designation (refused in Swedish at the field, journalled when
saved, decided by KASSA_TILL when set) and what the shop reports to Skatteverket, copied with a button."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication

from kassa import __version__, config
from kassa.models import JournalEntry
from kassa.register import events
from kassa.register.identity import manufacturing_number
from kassa.ui.day_dialogs import OpenDayDialog
from kassa.ui.till_settings import TillSettingsDialog
from tests.factories import QT_NOISE, type_and_enter, type_into, wait_for_window

pytestmark = QT_NOISE
EXEMPT = "ingen (undantag, högst fyra prisbasbelopp)"  # the window's till runs under the exemption


def open_settings(qtbot, window) -> TillSettingsDialog:
    window.findChild(QAction, "tillSettingsAction").trigger()
    dialog = wait_for_window(qtbot, "tillSettingsDialog", TillSettingsDialog)
    qtbot.waitUntil(dialog.till_edit.edit.hasFocus)
    return dialog


def gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_what_to_report_to_skatteverket_is_shown_and_copied(qtbot, window, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "Kassa 1")
    dialog = open_settings(qtbot, window)
    qtbot.waitUntil(dialog.copy_button.isEnabled)
    assert dict(dialog.rows) == {
        "Modellbeteckning": "Kassa SE", "Tillverkningsnummer": manufacturing_number("Kassa 1"), "Version": __version__,
        "Kassabeteckning": "Kassa 1", "Kontrollenhetens tillverkningsnummer": EXEMPT}
    shown = [(dialog.identity_form.itemAt(row, dialog.identity_form.ItemRole.LabelRole).widget().text(),
              dialog.identity_form.itemAt(row, dialog.identity_form.ItemRole.FieldRole).widget().text())
             for row in range(dialog.identity_form.rowCount())]
    assert shown == [(label + ":", value) for label, value in dialog.rows]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # K&opiera uppgifterna
    qtbot.waitUntil(lambda: dialog.message.text() != "")  # a mnemonic clicks after the button's animation
    assert QGuiApplication.clipboard().text() == (
        f"Modellbeteckning: Kassa SE\nTillverkningsnummer: {manufacturing_number('Kassa 1')}\nVersion: {__version__}\n"
        f"Kassabeteckning: Kassa 1\nKontrollenhetens tillverkningsnummer: {EXEMPT}")
    assert dialog.message.text() == "Uppgifterna är kopierade. Klistra in dem i anmälan."


def test_kassa_till_decides_and_is_shown_as_such(qtbot, window, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "Kassa 1")
    dialog = open_settings(qtbot, window)
    assert dialog.till_edit.edit.isReadOnly() and dialog.till_edit.text() == "Kassa 1"
    assert dialog.source_label.text().startswith("Bestäms av miljövariabeln KASSA_TILL")
    qtbot.keyClick(dialog.till_edit.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dialog))
    assert "till" not in config.saved_settings()


def test_the_designation_is_refused_at_the_field_then_saved_after_the_z_report(qtbot, window, monkeypatch):
    monkeypatch.delenv("KASSA_TILL", raising=False)
    config.save_settings(till="Kassa 1")
    dialog = open_settings(qtbot, window)
    assert dialog.till_edit.text() == "Kassa 1"
    type_into(qtbot, dialog.till_edit, "Kassan vid entrén")
    qtbot.keyClick(dialog.till_edit.edit, Qt.Key.Key_Return)
    assert dialog.till_edit.error_text() == ("Kassabeteckningen 'Kassan vid entrén' är längre än 16 tecken. Ange en "
                                             "kortare under Inställningar → Kassa (eller KASSA_TILL).")
    type_into(qtbot, dialog.till_edit, "Kassa 2")
    qtbot.keyClick(dialog.till_edit.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.till_edit.error_text() != "")
    assert dialog.till_edit.error_text() == ("Dag 1 är öppen i kassa Kassa 1. Stäng dagen med en Z-dagrapport innan "
                                             "du byter kassabeteckning.")
    assert dialog.isVisible() and config.till_designation() == "Kassa 1"
    qtbot.keyClick(dialog.till_edit.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dialog))

    window.session.register.z_report("500")
    dialog = open_settings(qtbot, window)
    type_and_enter(qtbot, dialog.till_edit.edit, "\b" * 7 + "Kassa 2")
    qtbot.waitUntil(lambda: gone(dialog))
    assert config.till_designation() == "Kassa 2" and window.till_name == "Kassa 2"
    assert "Kassabeteckningen är nu Kassa 2 (var Kassa 1)." in window.message.text()
    for till in ("Kassa 1", "Kassa 2"):
        row = JournalEntry.get((JournalEntry.till == till) & (JournalEntry.event == events.SETTING_CHANGED))
        assert (row.data["setting"], row.data["old"], row.data["new"]) == ("kassabeteckning", "Kassa 1", "Kassa 2")
    # The new till has no day yet: the float is asked for, under the new name.
    opened = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    assert opened.windowTitle() == "Öppna dagen – kassa Kassa 2"
    type_and_enter(qtbot, opened.float_edit.edit, "500")
    qtbot.waitUntil(lambda: window.session.register.day is not None)
    assert window.session.register.till == "Kassa 2" and window.printing.till == "Kassa 2"
