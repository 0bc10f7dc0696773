"""The till's cart as a Qt table model: Artikel, Antal, À-pris, Rabatt %, Moms %, Belopp.

It shows the copies of the register's cart that the till's session hands over (kassa.ui.till.session.
CartView) and never changes a line itself: an edit in the table is asked of the register
(`edit_requested(row, method, value)`, method one of set_quantity/set_price/set_discount), which checks
and journals it; the answer comes back as the next copy (`show`), or as a refusal the window shows.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from kassa.money import format_sek
from kassa.till import CartLine, format_quantity

ARTICLE, QUANTITY, PRICE, DISCOUNT, VAT, AMOUNT = range(6)
EDITABLE = {QUANTITY: "set_quantity", PRICE: "set_price", DISCOUNT: "set_discount"}


class CartModel(QAbstractTableModel):
    """`edit_requested(row, method, text)` when the cashier edits a cell; `totals_changed` after each new copy."""

    edit_requested = Signal(int, str, str)
    totals_changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.lines: list[CartLine] = []
        self._headers = [self.tr("Artikel"), self.tr("Antal"), self.tr("À-pris"), self.tr("Rabatt %"),
                         self.tr("Moms %"), self.tr("Belopp")]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.lines):
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == ARTICLE:
                return line.description
            if column == QUANTITY:
                return format_quantity(line.quantity)
            if column == PRICE:
                return format_sek(line.unit_price)
            if column == DISCOUNT:
                if line.discount_percent or role == Qt.ItemDataRole.EditRole:
                    return format_quantity(line.discount_percent)
                return ""
            if column == VAT:
                return str(line.vat_rate)
            if column == AMOUNT:
                return format_sek(line.amount_incl_vat)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != ARTICLE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == PRICE:
            return self.tr("inkl. moms") if line.price_includes_vat else self.tr("exkl. moms")
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE or index.row() >= len(self.lines):
            return False
        if str(value) == str(self.data(index, Qt.ItemDataRole.EditRole)):
            return False  # unchanged: nothing to register
        self.edit_requested.emit(index.row(), EDITABLE[index.column()], str(value))
        return True

    # --- the register's cart, as it is now ----------------------------------------------------

    def show(self, lines: Sequence[CartLine]) -> None:
        """Show a new copy of the cart: an appended line is inserted, a removed one removed, the rest updated,
        so that the view keeps its selection and the row being looked at."""
        new, old = list(lines), self.lines
        if len(new) == len(old) + 1 and _same(old, new[:len(old)]):
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self.lines = new
            self.endInsertRows()
        elif len(new) == len(old) - 1 and len(old) > 0:
            gone = next((i for i in range(len(new)) if not _same([old[i]], [new[i]])), len(new))
            if _same(old[:gone] + old[gone + 1:], new):
                self.beginRemoveRows(QModelIndex(), gone, gone)
                self.lines = new
                self.endRemoveRows()
            else:
                self._reset(new)
        elif len(new) == len(old) and len(new) > 0:
            self.lines = new
            self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, AMOUNT))
        elif new or old:
            self._reset(new)
        self.totals_changed.emit()

    def _reset(self, lines: list[CartLine]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def row_of(self, line: CartLine) -> int:
        """The row of a line the register answered with (a copy: found by what it is, not by identity)."""
        for row, shown in enumerate(self.lines):
            if shown == line:
                return row
        for row, shown in enumerate(self.lines):
            if shown.article_id == line.article_id and shown.description == line.description:
                return row
        return max(0, len(self.lines) - 1)


def _same(a: Sequence[CartLine], b: Sequence[CartLine]) -> bool:
    """The same lines, by article and description (quantities and prices may have changed)."""
    return len(a) == len(b) and all(x.article_id == y.article_id and x.description == y.description
                                    for x, y in zip(a, b, strict=True))
