"""Choosing a customer by typing: name, customer number or org. number, over any number of customers.

The search (kassa.customer_search, an index range with a limit) runs in a worker, debounced; only
the newest answer is shown, so typing never waits for the database. Enter takes the best match
(or the highlighted one), arrow keys move in the list.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from kassa.customer_search import search_customers
from kassa.identifiers import format_orgnr
from kassa.models import Customer
from kassa.ui.workers import LatestOnly

CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1


def customer_label(customer: Customer) -> str:
    parts = [f"{customer.number}  {customer.name}"]
    if customer.org_number:
        parts.append(format_orgnr(customer.org_number))
    if customer.city:
        parts.append(customer.city)
    return " · ".join(parts)


def customer_summary_html(customer: Customer) -> str:
    """The chosen customer at the till: who, the category and what it asks for, the reference."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("CustomerPicker", text)

    parts = [f"<b>{escape(customer_label(customer))}</b>"]
    category = customer.category if customer.category_id else None
    if category is not None:
        parts.append(escape(tr("Kategori: %1").replace("%1", category.name)))
        flags = []
        if category.sends_via_pagero:
            flags.append(tr("e-faktura via Pagero"))
        if category.require_id:
            flags.append(tr("kräver legitimation"))
        if category.insurance_company:
            flags.append(tr("försäkringsbolag: skadenummer"))
        if category.no_bonus:
            flags.append(tr("ej bonusgrundande"))
        if flags:
            parts.append(escape(", ".join(flags)))
    if customer.reference:
        parts.append(escape(tr("Er referens: %1").replace("%1", customer.reference)))
    return "<br/>".join(parts)


class CustomerPicker(QWidget):
    """A search field and its result list. `chosen(customer)` when the cashier picks one."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None, placeholder: str | None = None):
        super().__init__(parent)
        self.field = QLineEdit(self)
        self.field.setObjectName("customerSearch")
        self.field.setPlaceholderText(placeholder or self.tr("Sök kund: namn, kundnummer eller orgnummer"))
        self.field.setClearButtonEnabled(True)
        self.results = QListView(self)
        self.results.setObjectName("customerResults")
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.results.setVisible(False)
        self.model = QStandardItemModel(self)
        self.results.setModel(self.model)
        self.hint = QLabel(self)
        self.hint.setObjectName("customerHint")
        self.hint.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.results)
        layout.addWidget(self.hint)

        self._search = LatestOnly(search_customers, delay_ms=120, parent=self)
        self._search.result.connect(self._show_results)
        self._search.error.connect(self._show_error)
        self._pick_when_ready = False
        self.field.textEdited.connect(self._text_edited)
        self.field.returnPressed.connect(self._return_pressed)
        self.field.installEventFilter(self)
        self.results.activated.connect(self._pick_index)
        self.results.doubleClicked.connect(self._pick_index)

    # --- searching ---------------------------------------------------------------------------

    def _text_edited(self, text: str) -> None:
        self._pick_when_ready = False
        if text.strip():
            self._search.request(text)
        else:
            self._show_results([])

    def _show_results(self, customers: list[Customer]) -> None:
        self.model.clear()
        for customer in customers:
            item = QStandardItem(customer_label(customer))
            item.setData(customer, CUSTOMER_ROLE)
            self.model.appendRow(item)
        has_results = bool(customers)
        self.results.setVisible(has_results)
        if has_results:
            self.results.setCurrentIndex(self.model.index(0, 0))
        typed = self.field.text().strip()
        no_match = self.tr("Ingen aktiv kund matchar \"%1\".").replace("%1", typed)
        self.hint.setText("" if has_results or not typed else no_match)
        self.hint.setVisible(bool(self.hint.text()))
        if self._pick_when_ready:
            self._pick_when_ready = False
            if has_results:
                self._pick_index(self.results.currentIndex())

    def _show_error(self, exc: BaseException) -> None:
        self.hint.setText(self.tr("Kundsökningen misslyckades: %1").replace("%1", str(exc)))
        self.hint.setVisible(True)

    # --- picking -----------------------------------------------------------------------------

    def _return_pressed(self) -> None:
        if not self.field.text().strip():
            return
        if self._search.is_busy:
            self._pick_when_ready = True  # the answer to what was typed is on its way
        elif self.model.rowCount():
            self._pick_index(self.results.currentIndex() if self.results.currentIndex().isValid()
                             else self.model.index(0, 0))
        else:
            self._search.request(self.field.text(), immediately=True)
            self._pick_when_ready = True

    def _pick_index(self, index) -> None:
        if not index.isValid():
            return
        customer = index.data(CUSTOMER_ROLE)
        self.model.clear()
        self.results.setVisible(False)
        self.hint.setVisible(False)
        self.field.clear()
        self.chosen.emit(customer)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # Up/Down in the field move in the result list, so the hands stay on the keyboard.
        if watched is self.field and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and self.model.rowCount():
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.results.currentIndex().row()
                row = min(row + 1, self.model.rowCount() - 1) if key == Qt.Key.Key_Down else max(row - 1, 0)
                self.results.setCurrentIndex(self.model.index(row, 0))
                return True
            if key == Qt.Key.Key_Escape:
                self.model.clear()
                self.results.setVisible(False)
                return True
        return super().eventFilter(watched, event)

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
