"""The form the export windows share (Exportera SIE-fil, Exportera journal): a period typed as two dates,
a file name with a Välj … button, Exportera and Stäng, and a line that says what happened.

The suggested file name follows the dates until the person types a name of their own.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.ui.date_field import DateField
from kassa.ui.focus import prepare_keyboard
from kassa.ui.validated_fields import first_problem

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"


class PeriodExportDialog(QDialog):
    """`suggest(first, last)` names the file for a period (a full path)."""

    def __init__(self, name: str, period: tuple[dt.date, dt.date],
                 suggest: Callable[[dt.date, dt.date], Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Dialog")
        self._suggest = suggest
        first, last = period
        self.from_edit = DateField(first, self.tr("Från"), self)
        self.from_edit.edit.setObjectName(f"{name}From")
        self.to_edit = DateField(last, self.tr("Till"), self)
        self.to_edit.edit.setObjectName(f"{name}To")
        self._suggested = str(suggest(first, last))
        self.path_edit = QLineEdit(self._suggested, self)
        self.path_edit.setObjectName(f"{name}Path")
        for field in (self.from_edit, self.to_edit):
            field.edit.editingFinished.connect(self._follow_dates)
        self.choose_button = QPushButton(self.tr("&Välj …"), self)
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        self.export_button = QPushButton(self.tr("&Exportera"), self)
        self.export_button.setObjectName(f"{name}ExportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._export_clicked)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        self.message = QLabel(self)
        self.message.setObjectName(f"{name}Message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.choose_button)
        path_label = QLabel(self.tr("Fi&l:"), self)
        path_label.setBuddy(self.path_edit)  # the field is a row of two: the label needs its buddy named
        form = QFormLayout()
        form.addRow(self.tr("&Från:"), self.from_edit)
        form.addRow(self.tr("T&ill:"), self.to_edit)
        form.addRow(path_label, path_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close_button)
        self.intro = QLabel(self)  # the subclass says what the file holds
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(640, 260)
        prepare_keyboard(self)

    # -- the period and the file ------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The dates typed, or None after saying at the field what is wrong (and putting the focus there)."""
        for field in (self.from_edit, self.to_edit):
            field.normalize()
        if first_problem([self.from_edit, self.to_edit]) is not None:
            self._say(self.tr("Rätta datumet som är markerat."), ok=False)
            return None
        first, last = self.from_edit.date(), self.to_edit.date()
        assert first is not None and last is not None  # both fields are valid
        if last < first:
            self.to_edit.show_error(self.tr("Till-datumet ligger före från-datumet."))
            self._say(self.tr("Till-datumet ligger före från-datumet."), ok=False)
            self.to_edit.edit.setFocus()
            return None
        return first, last

    def _follow_dates(self) -> None:
        """A name Kassa suggested follows the dates; a name the person typed or chose stays."""
        first, last = self.from_edit.date(), self.to_edit.date()
        if first is None or last is None or self.path_edit.text() != self._suggested:
            return
        self._suggested = str(self._suggest(first, last))
        self.path_edit.setText(self._suggested)

    def target(self) -> str | None:
        path = self.path_edit.text().strip()
        if not path:
            self._say(self.tr("Välj var filen ska sparas."), ok=False)
            self.path_edit.setFocus()
            return None
        return path

    def choose_file(self) -> None:
        raise NotImplementedError

    def _export_clicked(self) -> None:
        period = self.period()
        path = self.target() if period is not None else None
        if period is not None and path is not None:
            self.export_button.setEnabled(False)  # until the answer is said
            self.export(path, *period)

    def export(self, path: str, first: dt.date, last: dt.date) -> None:
        """Start writing the file; the answer goes to `done`."""
        raise NotImplementedError

    def done_with(self, text: str, ok: bool = True) -> None:
        """The worker's answer: said, and Exportera usable again."""
        if not shiboken6.isValid(self):
            return  # closed while the file was written
        self.export_button.setEnabled(True)
        self._say(text, ok)

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
