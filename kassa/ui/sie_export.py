"""Fakturor → Exportera SIE-fil till bokföringen: the file of `kassa export sie`, from dates and a file name.

The period defaults to the financial year so far, up to today (kassa.bookkeeping.sie_export.default_period).
The file is written in a worker; the window says how many vouchers of each kind it holds, or why
nothing was written.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from kassa.bookkeeping.sie_export import SieExportResult, default_period, export_sie
from kassa.ui.file_dialogs import choose_file
from kassa.ui.period_export import PeriodExportDialog
from kassa.ui.printing import documents_folder
from kassa.ui.workers import run_in_background


def default_name(first: dt.date, last: dt.date) -> str:
    return f"KASSA-{first:%Y%m%d}-{last:%Y%m%d}.SI"


class SieExportDialog(PeriodExportDialog):
    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None):
        folder = documents_folder()  # one that exists: ~/Documents is not there on every machine
        super().__init__("sieExport", default_period(today or dt.date.today()),
                         lambda first, last: folder / default_name(first, last), parent)
        self.intro.setText(self.tr(
            "Dagsverifikationer (kassornas Z-rapporter), fakturor, kreditfakturor, inbetalningar och "
            "påminnelseavgifter som SIE 4I-fil till redovisningsprogrammet. Perioden är räkenskapsåret hittills, "
            "till och med i dag. Har du redan läst in en del av året i redovisningsprogrammet: ändra "
            "från-datumet, så att inget läses in två gånger."))
        self.setWindowTitle(self.tr("Exportera SIE-fil"))
        self.from_edit.edit.setObjectName("sieFrom")
        self.to_edit.edit.setObjectName("sieTo")
        self.path_edit.setObjectName("siePath")
        self.export_button.setObjectName("sieExportButton")
        self.message.setObjectName("sieMessage")

    def choose_file(self) -> None:
        choose_file(self, "sieFileDialog", self.tr("Spara SIE-fil"), [self.tr("SIE-filer (*.SI *.si *.SE *.se)")],
                    self.path_edit.setText, save=True, suffix="SI", suggestion=self.path_edit.text())

    def export(self, path: str, first: dt.date, last: dt.date) -> None:
        self._say(self.tr("Skriver SIE-filen …"))
        run_in_background(export_sie, path, first, last, on_result=self._exported,
                          on_error=lambda exc: self.done_with(self.tr("Ingen fil skrevs: %1").replace("%1", str(exc)),
                                                              ok=False))

    def _exported(self, result: SieExportResult) -> None:
        self.done_with(result.summary())
