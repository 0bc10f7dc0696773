"""The frame shared by the registers (customers, articles): search as you type, a lazy
sortable table, Ny / Ändra / Inaktivera, keyboard first.

The search runs in a worker thread (workers.LatestOnly: debounced, only the newest answer
is shown); the whole register is paged in by the model as the view scrolls. The editors
open window-modal with open(), not exec(), so the event loop keeps running.
"""
from __future__ import annotations

from typing import Any

import peewee
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kassa.plural import count_of
from kassa.ui.focus import order_tabs, prepare_keyboard
from kassa.ui.register_model import Column, LazyQueryModel
from kassa.ui.search_keys import SearchKeys
from kassa.ui.workers import LatestOnly

SEARCH_LIMIT = 500


def record_table(parent: QWidget, model) -> QTableView:
    """A read-only table of records: whole rows selected, one at a time."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons; the arrows move in it
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 8)
    table.horizontalHeader().setHighlightSections(False)
    return table


class RecordDialog(QDialog):
    """An edit form for one record: Spara / Avbryt, a message line, labels with buddies.

    `record` is the saved record after accept(); subclasses implement save().
    """

    def __init__(self, record: Any | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.record = record
        self.form_error = QLabel(self)
        self.form_error.setStyleSheet("color: #a40e26;")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("&Spara"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self._keyboard_ready = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        # The subclass has laid out its form by now: Tab in that order, the focus in the first field.
        if not self._keyboard_ready:
            self._keyboard_ready = True
            prepare_keyboard(self)
        super().showEvent(event)

    def save(self) -> None:
        raise NotImplementedError

    def buddy_label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def show_form_error(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.show()


class RegisterDialog(QDialog):
    """Subclasses give columns(), base_query(), search(), make_editor() and set_active()."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor: QDialog | None = None
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.show_inactive = QCheckBox(self.tr("Visa inaktiva"), self)
        self.model = LazyQueryModel(self.columns(), self._query, self)
        self.table = record_table(self, self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.status_label = QLabel(self)
        self.new_button = QPushButton(self.tr("&Ny"), self)
        self.edit_button = QPushButton(self.tr("&Ändra"), self)
        self.deactivate_button = QPushButton(self.tr("&Inaktivera"), self)
        self.close_button = QPushButton(self.tr("Stäng"), self)
        for button in (self.new_button, self.edit_button, self.deactivate_button, self.close_button):
            button.setAutoDefault(False)

        search_row = QHBoxLayout()
        search_label = QLabel(self.tr("&Sök:"), self)
        search_label.setBuddy(self.search_edit)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.show_inactive)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status_label)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._searcher = LatestOnly(self.search, delay_ms=200, parent=self)
        self._searcher.result.connect(self._show_result)
        self._searcher.error.connect(self._show_search_error)
        self.search_edit.textChanged.connect(self._search_changed)
        # Down/Up in the search field walk the list, Enter opens the highlighted (or only) match.
        self._search_keys = SearchKeys(self.search_edit, self.table, self.edit_selected,
                                       lambda: self._searcher.is_busy)
        self.show_inactive.toggled.connect(self.refresh)
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_status)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.deactivate_button.clicked.connect(self.toggle_active_selected)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self.new_record)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.edit_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, lambda: self.search_edit.setFocus())
        self.table.installEventFilter(self)

        self.resize(900, 560)
        # Enabling sorting sorts once by the indicator, which loads the first window (one query).
        self.table.horizontalHeader().setSortIndicator(self.default_sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self._fit_columns()
        self.table.horizontalHeader().setSectionResizeMode(self.stretch_column(), QHeaderView.ResizeMode.Stretch)
        order_tabs(self)
        self.search_edit.setFocus()
        self._update_buttons()

    # -- what subclasses provide ------------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def base_query(self, include_inactive: bool) -> peewee.ModelSelect[Any]:
        raise NotImplementedError

    def search(self, text: str, include_inactive: bool) -> list[Any]:
        """Runs in a worker thread; returns at most SEARCH_LIMIT rows."""
        raise NotImplementedError

    def make_editor(self, record: Any | None) -> QDialog:
        raise NotImplementedError

    def set_active(self, record: Any, active: bool) -> None:
        record.active = active
        record.save(only=[type(record).active])

    def default_sort_column(self) -> int:
        return 0

    def stretch_column(self) -> int:
        """The column that takes the spare width (the name)."""
        return self.default_sort_column()

    # -- behaviour --------------------------------------------------------------------

    def _fit_columns(self, sample: int = 30) -> None:
        """Widths from the header and the first rows only: resizeColumnsToContents would measure
        every loaded row, a quarter of a second with the first window of a large register. A heading
        keeps room for the sort arrow, so sorting by it never cuts it short."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        rows = min(sample, self.model.rowCount())
        for col in range(self.model.columnCount()):
            texts = [self.model.data(self.model.index(row, col)) for row in range(rows)]
            width = max([metrics.horizontalAdvance(text or "") + 24 for text in texts], default=0)
            header.resizeSection(col, max(width, header.sectionSizeFromContents(col).width()))

    def _query(self) -> peewee.ModelSelect[Any]:
        return self.base_query(self.show_inactive.isChecked())

    def refresh(self) -> None:
        text = self.search_edit.text().strip()
        if text:
            self._searcher.request(text, self.show_inactive.isChecked(), immediately=True)
        else:
            self.model.reload()
            self._update_status()

    def _search_changed(self, text: str) -> None:
        text = text.strip()
        if text:
            self.status_label.setText(self.tr("Söker …"))
            self._searcher.request(text, self.show_inactive.isChecked())
        else:
            self.model.reload()
            self._update_status()

    def _show_result(self, rows: list[Any]) -> None:
        if not self.search_edit.text().strip():
            return  # cleared meanwhile; the whole register is showing
        self.model.show_rows(rows)
        if rows:
            self.table.selectRow(0)
        self._update_status()
        self._search_keys.results_shown()

    def _show_search_error(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("Sökningen misslyckades: %1").replace("%1", str(exc)))

    def _update_status(self, *args) -> None:
        count = self.model.rowCount()
        if self.search_edit.text().strip():
            if count >= SEARCH_LIMIT:
                text = self.tr("Minst %1 träffar – skriv mer för att begränsa").replace("%1", str(count))
            else:
                text = count_of(count, self.tr("träff"), self.tr("träffar"))
        elif self.model.canFetchMore():
            text = self.tr("Visar de första %1 – skrolla för fler").replace("%1", str(count))
        else:
            text = self.tr("%1 st").replace("%1", str(count))
        self.status_label.setText(text)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        # Enter on a row opens it; Delete deactivates: the table works without a mouse.
        if watched is self.table and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.toggle_active_selected()
                return True
        return super().eventFilter(watched, event)

    def selected_record(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _update_buttons(self, *args) -> None:
        record = self.selected_record()
        self.edit_button.setEnabled(record is not None)
        self.deactivate_button.setEnabled(record is not None)
        if record is not None and not getattr(record, "active", True):
            self.deactivate_button.setText(self.tr("&Aktivera"))
        else:
            self.deactivate_button.setText(self.tr("&Inaktivera"))
        self._update_status()

    def new_record(self) -> None:
        self._open_editor(None)

    def edit_selected(self, *args) -> None:
        record = self.selected_record()
        if record is not None:
            self._open_editor(record)

    def _open_editor(self, record: Any | None) -> None:
        if self.editor is not None and self.editor.isVisible():
            self.editor.raise_()
            return
        self.editor = self.make_editor(record)
        self.editor.setWindowModality(Qt.WindowModality.WindowModal)
        self.editor.accepted.connect(self._editor_saved)
        self.editor.open()

    def _editor_saved(self) -> None:
        saved = getattr(self.editor, "record", None)
        self.refresh()
        if saved is not None:
            row = self.model.row_of(lambda obj: obj.id == saved.id)
            if row >= 0:
                self.table.selectRow(row)
        self.table.setFocus()

    def toggle_active_selected(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        row = self.table.currentIndex().row()
        self.set_active(record, not record.active)
        self.refresh()
        self.table.selectRow(min(row, self.model.rowCount() - 1))
