"""Driving Qt's own dialogs as a person would, by the keyboard: the real QPrintDialog (its "print to
file" destination stands in for the physical printer, the one thing that cannot exist here) and the
real QFileDialog. Nothing is replaced by a stand-in: the dialog the application opened is the one
these helpers type into."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit

from tests.factories import wait_for_window


def print_to_file(qtbot, target: Path, timeout: int = 5000) -> QPrintDialog:
    """Wait for the application's print dialog, choose "Print to File (PDF)" with `target` as the
    file and press Enter (the dialog's Print button). Returns the dialog."""
    dialog = wait_for_window(qtbot, cls=QPrintDialog, timeout=timeout)
    printers = dialog.findChild(QComboBox, "printers")
    assert printers is not None, "the print dialog has no printer list"
    to_file = [i for i in range(printers.count()) if "PDF" in printers.itemText(i)]
    assert to_file, f"no print-to-file destination among {[printers.itemText(i) for i in range(printers.count())]}"
    printers.setFocus()
    while printers.currentIndex() != to_file[0]:  # choose it with the arrow keys
        key = Qt.Key.Key_Down if printers.currentIndex() < to_file[0] else Qt.Key.Key_Up
        qtbot.keyClick(printers, key)
    file_name = dialog.findChild(QLineEdit, "filename")
    assert file_name is not None and file_name.isEnabled()
    file_name.setFocus()
    qtbot.keyClick(file_name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(file_name, str(target))
    qtbot.keyClick(file_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=timeout)
    assert dialog.result() == QPrintDialog.DialogCode.Accepted
    return dialog


def save_in_file_dialog(qtbot, object_name: str, target: Path | None = None, timeout: int = 5000) -> QFileDialog:
    """Wait for the application's file dialog; type `target` as the file name (or keep the proposed
    one when None) and press Enter. Returns the dialog."""
    dialog = wait_for_window(qtbot, object_name, QFileDialog, timeout=timeout)
    file_name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert file_name is not None
    qtbot.waitUntil(file_name.hasFocus, timeout=timeout)
    if target is not None:
        qtbot.keyClick(file_name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(file_name, str(target))
    qtbot.keyClick(file_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=timeout)
    return dialog
