"""The parked sales of this till, to take one back (Enter) or give one up (Delete).

The list is read by the register in the session's thread (`parked_rows`); the dialog only shows it
and says which one the cashier chose: `resume_requested(id)` or `delete_requested(id)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kassa.money import format_sek
from kassa.register.clock import format_local
from kassa.register.service import Register


@dataclass(frozen=True)
class ParkedRow:
    id: int
    parked: str  # local time
    summary: str  # the first articles
    lines: int
    total: Decimal


def parked_rows(register: Register) -> list[ParkedRow]:
    """This till's parked sales, oldest first (a session job: it reads the database)."""
    rows = []
    for parked in register.parked_sales():
        names = [str(line.get("description", "")) for line in parked.lines if isinstance(line, dict)]
        summary = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        rows.append(ParkedRow(parked.id, format_local(parked.parked_at), summary, len(names), parked.total))
    return rows


class ParkedSalesDialog(QDialog):
    resume_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, rows: list[ParkedRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("parkedDialog")
        self.setWindowTitle(self.tr("Parkerade köp"))
        self.rows = rows
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Välj köpet med pilarna. Enter tar tillbaka det till kassan; Delete raderar det "
                               "(det räknas som avbrutet)."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels([self.tr("Parkerat"), self.tr("Artiklar"), self.tr("Rader"),
                                              self.tr("Summa")])
        for row in rows:
            items = [QStandardItem(row.parked), QStandardItem(row.summary), QStandardItem(str(row.lines)),
                     QStandardItem(f"{format_sek(row.total)} kr")]
            for item in items[2:]:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for item in items:
                item.setEditable(False)
            self.model.appendRow(items)
        self.table = QTableView(self)
        self.table.setObjectName("parkedTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.resume())
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("Inga parkerade köp."), self)
        self.empty.setVisible(not rows)
        layout.addWidget(self.empty)

        buttons = QDialogButtonBox(self)
        self.resume_button = QPushButton(self.tr("&Återta (Enter)"), self)
        self.resume_button.setObjectName("resumeButton")
        self.delete_button = QPushButton(self.tr("&Radera (Delete)"), self)
        self.delete_button.setObjectName("deleteParkedButton")
        self.close_button = QPushButton(self.tr("Stäng (Esc)"), self)
        buttons.addButton(self.resume_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.resume_button.clicked.connect(self.resume)
        self.delete_button.clicked.connect(self.delete)
        self.close_button.clicked.connect(self.reject)
        for button in (self.resume_button, self.delete_button):
            button.setEnabled(bool(rows))
        (self.resume_button if rows else self.close_button).setDefault(True)
        layout.addWidget(buttons)
        self.resize(640, 360)
        if rows:
            self.table.selectRow(0)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        (self.table if self.rows else self.close_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen(self) -> ParkedRow | None:
        index = self.table.currentIndex()
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def resume(self) -> None:
        row = self.chosen()
        if row is not None:
            self.accept()
            self.resume_requested.emit(row.id)

    def delete(self) -> None:
        row = self.chosen()
        if row is not None:
            self.accept()
            self.delete_requested.emit(row.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.resume()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.delete()
                return True
        return super().eventFilter(watched, event)
