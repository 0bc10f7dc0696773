"""Kassa → Exportera journal (SKVFS 2021:16): the journal of a period as Skatteverket's XML file,
as `kassa journal export` writes it, from two dates and a file name.

The period defaults to this month so far, today included. The export streams any number of rows
(kassa.register.export) in a worker; the window says how many registrations the file holds, or why
nothing was written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QWidget

from kassa.register.export import export_journal
from kassa.ui.file_dialogs import choose_file
from kassa.ui.period_export import PeriodExportDialog
from kassa.ui.printing import documents_folder
from kassa.ui.workers import run_in_background


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


class JournalExportDialog(PeriodExportDialog):
    def __init__(self, till: str, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        last = today or dt.date.today()
        folder = documents_folder()
        super().__init__("journalExport", (last.replace(day=1), last),
                         lambda first, last: folder / default_name(first, last), parent)
        self.intro.setText(self.tr(
            "Journalminnet för perioden, alla kassor, som XML-fil enligt Skatteverkets föreskrifter "
            "(SKVFS 2021:16). Filen lämnas till Skatteverket på begäran."))
        self.setWindowTitle(self.tr("Exportera journal (SKVFS 2021:16)"))
        self.till = till
        self.from_edit.edit.setObjectName("journalFrom")
        self.to_edit.edit.setObjectName("journalTo")
        self.path_edit.setObjectName("journalPath")
        self.export_button.setObjectName("journalExportButton")
        self.message.setObjectName("journalMessage")

    def choose_file(self) -> None:
        choose_file(self, "journalFileDialog", self.tr("Spara journalen"), [self.tr("XML-filer (*.xml)")],
                    self.path_edit.setText, save=True, suffix="xml", suggestion=self.path_edit.text())

    def export(self, path: str, first: dt.date, last: dt.date) -> None:
        self._say(self.tr("Skriver journalen …"))
        run_in_background(write_journal, path, first, last, self.till,
                          on_result=lambda count: self.done_with(self.tr("%1 registreringar skrivna till %2.")
                                                                 .replace("%1", str(count)).replace("%2", path)),
                          on_error=lambda exc: self.done_with(self.tr("Ingen fil skrevs: %1").replace("%1", str(exc)),
                                                              ok=False))
