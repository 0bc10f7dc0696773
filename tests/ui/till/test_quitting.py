"""Closing the till with a sale open (Kassa → Avsluta, Ctrl+Q, the window's close button): asked first,
"Fortsätt köpet" the default and Esc; quitting voids the sale through the register, so the X report
counts it as unfinished, and a void the register refuses keeps the window open with the reason."""
from __future__ import annotations

from decimal import Decimal

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kassa.models import JournalEntry
from kassa.register import events
from kassa.register.service import Register
from tests.factories import COFFEE, MUG, scan, wait_for_window
from tests.ui.till.keys import CTRL, key

ALT = Qt.KeyboardModifier.AltModifier


def voided() -> list[JournalEntry]:
    return list(JournalEntry.select().where(JournalEntry.event == events.VOIDED))


def quit_box(qtbot, window) -> QMessageBox:
    key(qtbot, window, Qt.Key.Key_Q, CTRL)
    box = wait_for_window(qtbot, "quitBox", QMessageBox)
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box and box.focusWidget() is not None)
    return box


def answer(qtbot, box: QMessageBox, which: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(box.focusWidget() or box, which, modifiers)
    qtbot.waitUntil(lambda: not shiboken6.isValid(box) or not box.isVisible())


def test_ctrl_q_with_an_open_sale_asks_stays_by_default_and_voids_before_quitting(qtbot, window):
    scan(qtbot, window, COFFEE)
    scan(qtbot, window, MUG)

    box = quit_box(qtbot, window)
    assert box.windowTitle() == "Avsluta Kassa"
    assert box.text() == "Det finns ett påbörjat köp på 133,90 kr. Avbryt köpet och avsluta?"
    assert "räknas som avbrutet" in box.informativeText()
    assert box.defaultButton().text().replace("&", "") == "Fortsätt köpet"
    assert box.escapeButton() is box.defaultButton()
    answer(qtbot, box, Qt.Key.Key_Escape)  # Esc: stay
    assert window.isVisible() and window.model.rowCount() == 2 and not voided()

    box = quit_box(qtbot, window)
    answer(qtbot, box, Qt.Key.Key_Return)  # Enter: the default, stay as well
    assert window.isVisible() and window.model.rowCount() == 2 and not voided()
    qtbot.waitUntil(lambda: window.focusWidget() is window.code_field)  # back to scanning

    box = quit_box(qtbot, window)
    answer(qtbot, box, Qt.Key.Key_A, ALT)  # &Avbryt köpet och avsluta
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    [entry] = voided()
    assert entry.amount == Decimal("133.90") and len(entry.data["lines"]) == 2
    unfinished = Register("Kassa 1").x_report().unfinished
    assert (unfinished.count, unfinished.amount) == (1, Decimal("133.90"))  # "Oavslutade försäljningar 1"


def test_the_close_button_asks_too(qtbot, window):
    scan(qtbot, window, COFFEE)
    window.close()  # what the window manager's close button does
    box = wait_for_window(qtbot, "quitBox", QMessageBox)
    assert "54,90 kr" in box.text()
    answer(qtbot, box, Qt.Key.Key_Escape)
    assert window.isVisible() and not voided()


def test_an_empty_cart_quits_at_once(qtbot, window):
    key(qtbot, window, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not voided()


def test_a_return_begun_is_asked_about(qtbot, window):
    window.session.call(lambda register: register.begin_return())  # Retur without a receipt, no line yet
    qtbot.waitUntil(lambda: window.session.view.returning)
    box = quit_box(qtbot, window)
    assert box.text() == "Det finns en påbörjad retur på 0,00 kr. Avbryt returen och avsluta?"
    answer(qtbot, box, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)


def test_a_void_the_register_refuses_keeps_the_window_open_with_the_reason(qtbot, window):
    scan(qtbot, window, COFFEE)
    Register("Kassa 1").z_report("500")  # the day closed elsewhere while the sale was open
    box = quit_box(qtbot, window)
    answer(qtbot, box, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: "Kassa avslutas inte" in window.message.text(), timeout=10_000)
    assert "Dagen är inte öppnad" in window.message.text()
    assert window.isVisible() and window.model.rowCount() == 1 and not voided()
    Register("Kassa 1").open_day("500")  # so that the fixture's close can give the sale up
