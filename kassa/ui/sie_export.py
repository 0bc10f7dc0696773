"""Fakturor → Exportera SIE-fil till bokföringen: the file of `kassa export sie`, from dates and a file name.

The period defaults to last month. The file is written in a worker; the window says how many
vouchers of each kind it holds, or why nothing was written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.bookkeeping.sie_export import SieExportResult, export_sie
from kassa.ui.file_dialogs import choose_file
from kassa.ui.workers import run_in_background

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first_of_this = today.replace(day=1)
    last = first_of_this - dt.timedelta(days=1)
    return last.replace(day=1), last


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class SieExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("sieExportDialog")
        self.setWindowTitle(self.tr("Exportera SIE-fil"))
        first, last = last_month(today or dt.date.today())
        self.from_edit = QDateEdit(_qdate(first), self)
        self.from_edit.setObjectName("sieFrom")
        self.to_edit = QDateEdit(_qdate(last), self)
        self.to_edit.setObjectName("sieTo")
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("siePath")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.path_edit.setText(str(Path(folder) / f"KASSA-{first:%Y%m}.SI"))
        choose = QPushButton(self.tr("&Välj …"), self)
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_file)
        self.export_button = QPushButton(self.tr("&Exportera"), self)
        self.export_button.setObjectName("sieExportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        self.message = QLabel(self)
        self.message.setObjectName("sieMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)
        form = QFormLayout()
        form.addRow(self.tr("&Från:"), self.from_edit)
        form.addRow(self.tr("T&ill:"), self.to_edit)
        form.addRow(self.tr("&Fil:"), path_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Dagsverifikationer (kassornas Z-rapporter), fakturor, kreditfakturor, "
                                        "inbetalningar och påminnelseavgifter som SIE 4I-fil till "
                                        "redovisningsprogrammet."), self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(620, 240)

    def choose_file(self) -> None:
        choose_file(self, "sieFileDialog", self.tr("Spara SIE-fil"), [self.tr("SIE-filer (*.SI *.si *.SE *.se)")],
                    self.path_edit.setText, save=True, suffix="SI", suggestion=self.path_edit.text())

    def export(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self._say(self.tr("Välj var filen ska sparas."), ok=False)
            self.path_edit.setFocus()
            return
        date_from, date_to = _date(self.from_edit.date()), _date(self.to_edit.date())
        self.export_button.setEnabled(False)
        self._say(self.tr("Skriver SIE-filen …"))
        run_in_background(export_sie, path, date_from, date_to, on_result=self._exported,
                          on_error=lambda exc: self._say(self.tr("Ingen fil skrevs: %1").replace("%1", str(exc)),
                                                         ok=False),
                          on_done=lambda: self.export_button.setEnabled(True))

    def _exported(self, result: SieExportResult) -> None:
        self._say(result.summary())

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
