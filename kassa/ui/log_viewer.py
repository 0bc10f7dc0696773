"""Hjälp → Visa logg: the end of kassa.log, read-only, with a button that opens the log folder.

    LogViewerDialog(parent).show()

The file is read in a worker (kassa.ui.workers) so a large log never stalls the till.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa import logging_setup
from kassa.ui.focus import prepare_keyboard
from kassa.ui.workers import run_in_background

TAIL_BYTES = 200_000


class LogViewerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Logg – Kassa"))
        self.setObjectName("logViewer")
        self.path = logging_setup.log_file_path()
        self.location = QLabel(self.tr("Loggfilen: %1").replace("%1", str(self.path)), self)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("logText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.refresh_button = QPushButton(self.tr("&Uppdatera"), self)
        self.open_folder_button = QPushButton(self.tr("Öppna &mappen"), self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)
        self.open_folder_button.clicked.connect(self.open_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.location)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(900, 600)
        prepare_keyboard(self)  # the log itself: its arrow keys scroll
        self.refresh()

    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.text.setPlainText(self.tr("Läser loggen …"))
        run_in_background(logging_setup.read_log_tail, TAIL_BYTES, on_result=self._show, on_error=self._failed)

    def _show(self, content: str) -> None:
        if not shiboken6.isValid(self):
            return
        self.refresh_button.setEnabled(True)
        if not content:
            content = self.tr("Loggen är tom än så länge. Kassa skriver i den när något händer.")
        self.text.setPlainText(content)
        self.text.moveCursor(QTextCursor.MoveOperation.End)  # the newest lines are the interesting ones

    def _failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.refresh_button.setEnabled(True)
            self.text.setPlainText(self.tr("Loggfilen kunde inte läsas (%1). Öppna mappen och läs den där.")
                                   .replace("%1", getattr(exc, "strerror", None) or type(exc).__name__))

    def open_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
