"""Driving the till by its keys, and reading what it printed: the helpers of the till's tests."""
from __future__ import annotations

from PySide6.QtCore import Qt

from kassa.ui.till.receipt_dialog import ReceiptDialog
from tests.devices.escpos_decoder import Decoded, decode
from tests.devices.printer_listener import PrinterListener
from tests.factories import wait_for_window

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def key(qtbot, window, which: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, which, modifiers)


def confirm(qtbot, name: str) -> None:
    """Enter in the dialog the till opened (its default button)."""
    dialog = wait_for_window(qtbot, name)
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)


def receipt_shown(qtbot) -> ReceiptDialog:
    return wait_for_window(qtbot, "receiptDialog", ReceiptDialog, timeout=10_000)


def printed(qtbot, dialog: ReceiptDialog) -> None:
    qtbot.waitUntil(lambda: dialog.status.text() == "Kvittot skrevs ut.", timeout=10_000)


def jobs(qtbot, listener: PrinterListener, count: int, timeout: int = 10_000) -> list[Decoded]:
    """The first `count` print jobs, decoded, once the listener has them (the event loop turns meanwhile:
    the till's drain timer and its callbacks run on it)."""
    qtbot.waitUntil(lambda: len(listener.jobs) >= count, timeout=timeout)
    return [decode(job) for job in listener.wait_for_jobs(count)]


def pay_card(qtbot, window) -> ReceiptDialog:
    key(qtbot, window, Qt.Key.Key_F6)
    confirm(qtbot, "cardDialog")  # the terminal approved
    return receipt_shown(qtbot)


def close(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
