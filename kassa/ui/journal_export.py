"""Kassa → Exportera journal (SKVFS 2021:16): the journal of a period as Skatteverket's XML file,
as `kassa journal export` writes it, from two dates and a file name.

The export streams any number of rows (kassa.register.export) in a worker; the window says how
many registrations the file holds, or why nothing was written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDate, Qt
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

from kassa.register.export import export_journal
from kassa.ui.file_dialogs import choose_file
from kassa.ui.focus import prepare_keyboard
from kassa.ui.printing import documents_folder
from kassa.ui.workers import run_in_background

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def default_name(first: dt.date, last: dt.date) -> str:
    return f"journal-{first:%Y%m%d}-{last:%Y%m%d}.xml"


def write_journal(path: str, first: dt.date, last: dt.date, till: str) -> int:
    """The worker job: the number of registrations written. An unwritable file says why in Swedish."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise OSError(f"Mappen {target.parent} finns inte. Välj en mapp som finns.")
    try:
        return export_journal(target, first, last, from_till=till)
    except OSError as exc:
        raise OSError(f"Filen {target} kunde inte skrivas: {exc.strerror or exc}.") from None


class JournalExportDialog(QDialog):
    def __init__(self, till: str, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("journalExportDialog")
        self.setWindowTitle(self.tr("Exportera journal (SKVFS 2021:16)"))
        self.till = till
        last = today or dt.date.today()
        first = last.replace(day=1)
        self.from_edit = QDateEdit(_qdate(first), self)
        self.from_edit.setObjectName("journalFrom")
        self.to_edit = QDateEdit(_qdate(last), self)
        self.to_edit.setObjectName("journalTo")
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
        self.path_edit = QLineEdit(str(documents_folder() / default_name(first, last)), self)
        self.path_edit.setObjectName("journalPath")
        choose = QPushButton(self.tr("&Välj …"), self)
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_file)
        self.export_button = QPushButton(self.tr("&Exportera"), self)
        self.export_button.setObjectName("journalExportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        self.message = QLabel(self)
        self.message.setObjectName("journalMessage")
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
        intro = QLabel(self.tr("Journalminnet för perioden, alla kassor, som XML-fil enligt Skatteverkets "
                               "föreskrifter (SKVFS 2021:16). Filen lämnas till Skatteverket på begäran."), self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(640, 240)
        prepare_keyboard(self)

    def choose_file(self) -> None:
        choose_file(self, "journalFileDialog", self.tr("Spara journalen"), [self.tr("XML-filer (*.xml)")],
                    self.path_edit.setText, save=True, suffix="xml", suggestion=self.path_edit.text())

    def export(self) -> None:
        path = self.path_edit.text().strip()
        first, last = _date(self.from_edit.date()), _date(self.to_edit.date())
        if last < first:
            self._say(self.tr("Till-datumet ligger före från-datumet."), ok=False)
            self.to_edit.setFocus()
            return
        if not path:
            self._say(self.tr("Välj var filen ska sparas."), ok=False)
            self.path_edit.setFocus()
            return
        self._say(self.tr("Skriver journalen …"))
        self.export_button.setEnabled(False)  # until the answer is said
        run_in_background(write_journal, path, first, last, self.till,
                          on_result=lambda count: self._say(self.tr("%1 registreringar skrivna till %2.")
                                                            .replace("%1", str(count)).replace("%2", path)),
                          on_error=lambda exc: self._say(self.tr("Ingen fil skrevs: %1").replace("%1", str(exc)),
                                                         ok=False))

    def _say(self, text: str, ok: bool = True) -> None:
        if not shiboken6.isValid(self):
            return  # closed while the file was written
        self.export_button.setEnabled(True)
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
