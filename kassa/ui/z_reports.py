"""Tidigare Z-dagrapporter: the till's Z reports, newest first; Enter shows one again, marked as a
reprint ("Utskrift av sparad rapport"), to read, print or save as PDF.

The list and each report are read in a worker (kassa.register.day_status, kassa.register.reports).
"""
from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.devices.printout import Printout
from kassa.money import format_sek
from kassa.plural import count_of
from kassa.register import reports
from kassa.register.clock import format_local
from kassa.register.day_status import ZSummary, z_summaries
from kassa.register.report_printout import report_printout
from kassa.ui.focus import prepare_keyboard
from kassa.ui.printout_view import PrintoutDialog
from kassa.ui.register_dialog import record_table
from kassa.ui.workers import run_in_background

log = logging.getLogger(__name__)


def reprint(till: str, number: int) -> Printout:
    """A stored Z report as printed, marked as a reprint (a worker job)."""
    return report_printout(reports.stored_z(till, number), reprint=True)


class ZListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ZSummary] = []
        self._headers = [self.tr("Nr"), self.tr("Stängd"), self.tr("Dag"), self.tr("Försäljning netto"),
                         self.tr("Räknat"), self.tr("Differens")]

    def show_rows(self, rows: list[ZSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [str(row.number), format_local(row.created_at), str(row.day_number), format_sek(row.net_sales),
                    format_sek(row.counted_cash), format_sek(row.difference)][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ZReportListDialog(QDialog):
    def __init__(self, till: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zReportList")
        self.setWindowTitle(self.tr("Tidigare Z-dagrapporter – kassa %1").replace("%1", till))
        self.till = till
        self.model = ZListModel(self)
        self.table = record_table(self, self.model)
        self.table.setObjectName("zReportTable")
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.show_selected())
        self.status = QLabel(self.tr("Hämtar …"), self)
        self.status.setObjectName("zReportStatus")
        self.show_button = QPushButton(self.tr("&Visa och skriv ut"), self)
        self.show_button.setObjectName("zReportShow")
        self.show_button.clicked.connect(self.show_selected)
        close = QPushButton(self.tr("S&täng"), self)
        close.clicked.connect(self.reject)
        for button in (self.show_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.resizeColumnsToContents()  # the headings whole while the list loads
        self.resize(720, 420)
        prepare_keyboard(self)
        self.report: PrintoutDialog | None = None
        run_in_background(z_summaries, till, on_result=self._loaded, on_error=self._failed)

    def _loaded(self, rows: list[ZSummary]) -> None:
        self.model.show_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.table.selectRow(0)
            self.status.setText(self.tr("%1, den senaste först. Enter visar den markerade.")
                                .replace("%1", count_of(len(rows), self.tr("rapport"), self.tr("rapporter"))))
        else:
            self.status.setText(self.tr("Kassan har inga Z-dagrapporter ännu."))
        self.show_button.setEnabled(bool(rows))

    def _failed(self, exc: BaseException) -> None:
        log.error("reading the Z reports failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.status.setText(self.tr("Z-rapporterna kunde inte läsas: %1").replace("%1", str(exc)))

    def show_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        number = self.model.rows[index.row()].number
        run_in_background(reprint, self.till, number, on_result=lambda printout: self._show(number, printout),
                          on_error=self._failed)

    def _show(self, number: int, printout: Printout) -> None:
        if not shiboken6.isValid(self):
            return  # the list was closed meanwhile
        self.report = PrintoutDialog(printout, self.tr("Z-dagrapport %1 (utskrift av sparad rapport)")
                                     .replace("%1", str(number)), f"Z-dagrapport-{self.till}-{number}.pdf", self)
        self.report.setWindowModality(Qt.WindowModality.WindowModal)
        self.report.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.show_selected()
            return True
        return super().eventFilter(watched, event)
