"""Choosing a file: Qt's own file dialog (the same on every desktop, drivable by keyboard and by
tests), opened window-modal, handing the chosen path to a slot."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget


def choose_file(parent: QWidget, name: str, title: str, filters: list[str], on_chosen: Callable[[str], None], *,
                save: bool = False, suffix: str = "", suggestion: str = "") -> QFileDialog:
    """Open the dialog (object name `name`); `on_chosen(path)` runs when a file is chosen."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName(name)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters(filters)
    if suffix:
        dialog.setDefaultSuffix(suffix)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    if suggestion:
        dialog.selectFile(suggestion)
    dialog.fileSelected.connect(lambda path: on_chosen(path) if path else None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
