"""The first sale after the wizard, before any control unit is chosen: the till says so plainly when the day
opens and when paying, keeps the cart, and offers Inställningar → Kontrollenhet instead of a "Försök igen"
that cannot work."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from kassa.models import Receipt, RegisterDay, Sale
from kassa.ui.day_dialogs import OpenDayDialog
from kassa.ui.hardware_dialog import HardwareDialog
from tests.factories import COFFEE, close_till, scan, type_and_enter, wait_for_window
from tests.ui.till.keys import key


@pytest.fixture
def window(qtbot, shop):
    """The till started with no control unit chosen (the wizard has no such step); the float asked for."""
    from kassa.ui.main_window import MainWindow

    window = MainWindow(till_name="Kassa 1", with_indicator=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    close_till(window)


def open_the_day(qtbot, window) -> None:
    opening = wait_for_window(qtbot, "openDayDialog", OpenDayDialog)
    qtbot.waitUntil(opening.float_edit.edit.hasFocus)
    type_and_enter(qtbot, opening.float_edit.edit, "500")
    qtbot.waitUntil(lambda: "Dag 1 är öppnad" in window.message.text())


def test_no_control_unit_is_said_at_day_opening_and_paying_offers_the_settings(qtbot, window):
    open_the_day(qtbot, window)
    assert RegisterDay.select().count() == 1
    assert "Ingen kontrollenhet är vald" in window.message.text()
    assert "Inställningar → Kontrollenhet" in window.message.text()

    qtbot.waitUntil(lambda: bool(window._article_ids), timeout=5000)
    scan(qtbot, window, COFFEE)
    key(qtbot, window, Qt.Key.Key_F5)
    cash = wait_for_window(qtbot, "cashDialog")
    qtbot.waitUntil(cash.tendered.hasFocus)
    assert cash.windowTitle() == "Kontantbetalning"
    type_and_enter(qtbot, cash.tendered, "100")

    box = wait_for_window(qtbot, "noControlUnitBox", QMessageBox, timeout=10_000)
    assert box.windowTitle() == "Ingen kontrollenhet vald"
    assert box.text().startswith("Ingen kontrollenhet är vald.")
    labels = [b.text().replace("&", "") for b in box.findChildren(QPushButton)]
    assert "Försök igen" not in labels and "Välj kontrollenhet …" in labels
    assert box.defaultButton().text().replace("&", "") == "Välj kontrollenhet …"
    assert Receipt.select().count() == 0 and Sale.select().count() == 0  # nothing registered
    assert window.model.rowCount() == 1  # the cart stays
    assert "Varukorgen finns kvar" in window.message.text()

    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # Välj kontrollenhet …
    hardware = wait_for_window(qtbot, cls=HardwareDialog)
    assert hardware.isVisible()
    qtbot.keyClick(hardware.focusWidget() or hardware, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not hardware.isVisible())
    assert window.model.rowCount() == 1


def test_choosing_a_unit_replaces_the_warning(qtbot, window):
    """The warning stood until the next sale; once the hardware dialog is saved with a unit, the till says
    which unit is chosen instead (and the status bar does not repeat the old text)."""
    open_the_day(qtbot, window)
    assert "Ingen kontrollenhet är vald" in window.message.text()

    key(qtbot, window, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # Inställningar
    settings = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Inställningar")
    qtbot.waitUntil(settings.isVisible)
    qtbot.keyClick(settings, Qt.Key.Key_O)  # K&ontrollenhet
    hardware = wait_for_window(qtbot, cls=HardwareDialog)
    qtbot.waitUntil(lambda: hardware.focusWidget() is not None)
    qtbot.keyClick(hardware.focusWidget(), Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(hardware.unit_kind.hasFocus)
    qtbot.keyClick(hardware.unit_kind, Qt.Key.Key_Down)  # Ingen: högst fyra prisbasbelopp
    qtbot.keyClick(hardware.unit_kind, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Spara
    qtbot.waitUntil(lambda: not hardware.isVisible(), timeout=10_000)

    qtbot.waitUntil(lambda: "Kontrollenheten är vald" in window.message.text())
    assert "Ingen kontrollenhet är vald" not in window.message.text()
    assert "undantaget för högst fyra prisbasbelopp" in window.message.text()
    assert window.statusBar().currentMessage() == ""
