"""Inställningar → Momsgrupper: the VAT groups and their dated rates, to see and to edit.

A group has a VAT category (S, Z, E, O), for the exempt and out-of-scope ones the reason the
invoice states, and rates from dates: the first applies "always", each later one from its day
until the next. What was issued keeps its rate; a change applies to sales on or after its date.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kassa.models import VatGroup
from kassa.vat.categories import CATEGORIES, EXEMPTION_CODES
from kassa.vat.rates import VatGroupError, group_rate, groups, periods_of, save_group

ALWAYS = "alltid"


def group_label(group: VatGroup, on: dt.date | None = None) -> str:
    """"Livsmedel (6 % idag)" for lists and combo boxes."""
    try:
        rate = group_rate(group, on or dt.date.today()).rate
    except VatGroupError:
        return group.name
    return f"{group.name} ({'ingen moms' if group.category == 'O' else f'{rate} %'})"


class VatGroupsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("vatGroupsDialog")
        self.setWindowTitle(self.tr("Momsgrupper"))
        self.current: VatGroup | None = None

        self.list = QListWidget(self)
        self.list.setObjectName("vatGroupList")
        self.list.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.new_button = QPushButton(self.tr("N&y grupp"), self)
        self.new_button.clicked.connect(self.new_group)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("vatGroupName")
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("vatGroupCategory")
        for code in ("S", "Z", "E", "O"):
            self.category_combo.addItem(f"{code} – {CATEGORIES[code].name}", code)
        self.code_combo = QComboBox(self)
        self.code_combo.setObjectName("vatGroupReasonCode")
        for code, label in list(EXEMPTION_CODES.items()) + [("VATEX-EU-O", "VATEX-EU-O: utanför tillämpningsområdet")]:
            self.code_combo.addItem(f"{code} {label}" if code else label, code)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("vatGroupReason")
        self.reason_edit.setPlaceholderText(self.tr("Skälet som står på fakturan, t.ex. Undantag från skatteplikt …"))
        self.active_check = QCheckBox(self.tr("&Aktiv"), self)
        self.rates = QTableWidget(0, 2, self)
        self.rates.setObjectName("vatGroupRates")
        self.rates.setHorizontalHeaderLabels([self.tr("Gäller från (ÅÅÅÅ-MM-DD eller ”alltid”)"), self.tr("Sats %")])
        self.rates.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_rate_button = QPushButton(self.tr("&Lägg till sats"), self)
        self.add_rate_button.clicked.connect(self.add_rate)
        self.remove_rate_button = QPushButton(self.tr("Ta &bort sats"), self)
        self.remove_rate_button.clicked.connect(self.remove_rate)
        self.message = QLabel(self)
        self.message.setObjectName("vatGroupMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Spara"), self)
        self.save_button.setObjectName("vatGroupSave")
        self.save_button.clicked.connect(self.save)
        close_button = QPushButton(self.tr("Stäng"), self)
        close_button.clicked.connect(self.close)

        form = QFormLayout()
        for text, widget in ((self.tr("&Namn:"), self.name_edit), (self.tr("&Kategori:"), self.category_combo),
                             (self.tr("&VATEX-kod:"), self.code_combo),
                             (self.tr("Skäl på &fakturan:"), self.reason_edit)):
            buddy = QLabel(text, self)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        form.addRow("", self.active_check)
        rate_buttons = QHBoxLayout()
        rate_buttons.addWidget(self.add_rate_button)
        rate_buttons.addWidget(self.remove_rate_button)
        rate_buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel(self.tr("Momssatser:"), self))
        right.addWidget(self.rates, 1)
        right.addLayout(rate_buttons)
        right.addWidget(self.message)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close_button)
        right.addLayout(bottom)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)
        self.resize(900, 480)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.list.clear()
        for group in groups(include_inactive=True):
            item = QListWidgetItem(group_label(group) + ("" if group.active else self.tr(" – inaktiv")))
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            self.list.addItem(item)
            if group.id == select_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None) -> None:
        self.message.clear()
        if item is None:
            return
        self.current = VatGroup.get_by_id(item.data(Qt.ItemDataRole.UserRole))
        self._fill(self.current.name, self.current.category, self.current.reason_code, self.current.reason_text,
                   self.current.active, periods_of(self.current))

    def _fill(self, name: str, category: str, code: str, reason: str, active: bool,
              periods: list[tuple[dt.date | None, int]]) -> None:
        self.name_edit.setText(name)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(category)))
        self.code_combo.setCurrentIndex(max(0, self.code_combo.findData(code)))
        self.reason_edit.setText(reason)
        self.active_check.setChecked(active)
        self.rates.setRowCount(0)
        for valid_from, rate in periods:
            self._add_row(valid_from.isoformat() if valid_from else ALWAYS, str(rate))

    def _add_row(self, when: str, rate: str) -> None:
        row = self.rates.rowCount()
        self.rates.insertRow(row)
        self.rates.setItem(row, 0, QTableWidgetItem(when))
        self.rates.setItem(row, 1, QTableWidgetItem(rate))

    def new_group(self) -> None:
        self.list.clearSelection()
        self.current = None
        self._fill("", "S", "", "", True, [(None, 25)])
        self.message.setText(self.tr("Ny grupp: fyll i och spara."))
        self.name_edit.setFocus()

    def add_rate(self) -> None:
        self._add_row((dt.date.today() + dt.timedelta(days=1)).isoformat(), "25")
        self.rates.setCurrentCell(self.rates.rowCount() - 1, 0)
        self.rates.setFocus()

    def remove_rate(self) -> None:
        row = self.rates.currentRow()
        if row >= 0:
            self.rates.removeRow(row)

    def _periods(self) -> list[tuple[dt.date | None, int]]:
        periods = []
        for row in range(self.rates.rowCount()):
            when = self._cell(row, 0)
            rate = self._cell(row, 1).rstrip("%").strip()
            try:
                start = None if when.lower() in ("", ALWAYS) else dt.date.fromisoformat(when)
            except ValueError:
                raise VatGroupError("periods", f"Rad {row + 1}: '{when}' är inget datum. Skriv ÅÅÅÅ-MM-DD, "
                                               f"eller ”{ALWAYS}” för den första satsen.") from None
            if not rate.isdigit():
                raise VatGroupError("periods", f"Rad {row + 1}: momssatsen '{rate}' är inget heltal i procent.")
            periods.append((start, int(rate)))
        return periods

    def _cell(self, row: int, column: int) -> str:
        item = self.rates.item(row, column)
        return item.text().strip() if item is not None else ""

    def save(self) -> None:
        self.message.setStyleSheet("")
        try:
            group = save_group(self.current, self.name_edit.text(), self.category_combo.currentData(),
                               self.code_combo.currentData(), self.reason_edit.text(), self._periods(),
                               self.active_check.isChecked())
        except VatGroupError as exc:
            self.message.setStyleSheet("color: #a40e26;")
            self.message.setText(str(exc))
            widget = {"name": self.name_edit, "category": self.category_combo, "reason_code": self.code_combo,
                      "reason_text": self.reason_edit}.get(exc.field, self.rates)
            widget.setFocus()
            return
        self.reload(group.id)
        self.message.setText(self.tr("Momsgruppen %1 är sparad.").replace("%1", group.name))
