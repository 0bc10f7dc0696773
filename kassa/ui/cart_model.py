"""The till's cart as a Qt table model: Artikel, Antal, À-pris, Rabatt %, Moms %, Belopp."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from kassa.money import format_sek
from kassa.till import Cart, TillError, format_quantity

ARTICLE, QUANTITY, PRICE, DISCOUNT, VAT, AMOUNT = range(6)
EDITABLE = {QUANTITY: "set_quantity", PRICE: "set_price", DISCOUNT: "set_discount"}


class CartModel(QAbstractTableModel):
    """Wraps a `kassa.till.Cart`; edits go through the cart, which checks them.

    `rejected(message)` carries the Swedish reason when an edit is refused; `totals_changed`
    fires after every change of the lines.
    """

    rejected = Signal(str)
    totals_changed = Signal()

    def __init__(self, cart: Cart, parent: QObject | None = None):
        super().__init__(parent)
        self.cart = cart
        self._headers = [self.tr("Artikel"), self.tr("Antal"), self.tr("À-pris"), self.tr("Rabatt %"),
                         self.tr("Moms %"), self.tr("Belopp")]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.cart.lines)

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
        if not index.isValid() or index.row() >= len(self.cart.lines):
            return None
        line = self.cart.lines[index.row()]
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
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        try:
            getattr(self.cart, EDITABLE[index.column()])(index.row(), value)
        except TillError as exc:
            self.rejected.emit(str(exc))
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), AMOUNT))
        self.totals_changed.emit()
        return True

    # --- changes made by the till ------------------------------------------------------------

    def add_code(self, code: str):
        """Add what the barcode field holds; raises TillError (UnknownArticle) with nothing changed."""
        rows = len(self.cart.lines)
        line = self.cart.add_code(code)
        self._after_add(rows, line)
        return line

    def add_article(self, article):
        rows = len(self.cart.lines)
        line = self.cart.add_article(article)
        self._after_add(rows, line)
        return line

    def _after_add(self, rows_before: int, line) -> None:
        if len(self.cart.lines) > rows_before:
            # The cart appended the line already; take it back out so the view hears of it first.
            appended = self.cart.lines.pop()
            self.beginInsertRows(QModelIndex(), rows_before, rows_before)
            self.cart.lines.append(appended)
            self.endInsertRows()
        else:  # an article already in the cart got one more
            row = self.cart.lines.index(line)
            self.dataChanged.emit(self.index(row, 0), self.index(row, AMOUNT))
        self.totals_changed.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.cart.lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            self.cart.remove(row)
            self.endRemoveRows()
            self.totals_changed.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self.cart.clear()
        self.endResetModel()
        self.totals_changed.emit()

    def row_of(self, line) -> int:
        return self.cart.lines.index(line)
