"""Retur: goods coming back, against a receipt or without one, paid back by the means chosen.

Against a receipt: its number (17) or the code printed on it (kassa-1-000017, scanned) in the
receipt field, Enter; its lines come up with what is left to return, and the cashier lowers a
quantity (F2 or typing in the Antal column) or removes a line (Delete) for what stays with the
customer. Without a receipt: Utan kvitto, then the articles scanned into the article field as at
a sale. Återbetala stores the return receipt (the register's refund) and shows it. Esc cancels
the return (counted as unfinished once something was registered).

Every step is a call of the register (journalled) in the till's session (kassa.ui.till.session), in
order with the till's other calls; the table is drawn from the snapshot each step returns
(kassa.register.return_view), and the till's cart shows the return as it stands.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kassa.money import format_sek
from kassa.register import return_view
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.payments import METHODS
from kassa.register.return_view import ReturnView
from kassa.register.service import ReceiptResult, Register
from kassa.till import TillError, format_quantity, parse_decimal
from kassa.ui.focus import prepare_keyboard
from kassa.ui.till.session import TillSession

log = logging.getLogger(__name__)

ARTICLE, QUANTITY, PRICE, AMOUNT = range(4)
ERROR_STYLE = "color: #b71c1c;"


def cashier_text(exc: BaseException) -> str:
    """What to tell the cashier about a failed step: the register's own Swedish text, or where to look."""
    if isinstance(exc, (TillError, ControlUnitUnavailable)):
        return str(exc)
    log.error("return step failed", exc_info=(type(exc), exc, exc.__traceback__))
    return f"Det gick inte ({type(exc).__name__}). Se loggen under Hjälp → Visa logg."


class ReturnLinesModel(QAbstractTableModel):
    """The return's lines as the last snapshot shows them; an edited quantity is asked for with
    `quantity_wanted(row, quantity)` and shows once the register has taken it."""

    quantity_wanted = Signal(int, object)
    rejected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view: ReturnView | None = None
        self._headers = [self.tr("Artikel"), self.tr("Antal"), self.tr("À-pris"), self.tr("Belopp")]

    def show_view(self, view: ReturnView) -> None:
        self.beginResetModel()
        self.view = view
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.view is None else len(self.view.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == QUANTITY else flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.view is None or not index.isValid() or index.row() >= len(self.view.lines):
            return None
        line = self.view.lines[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return {ARTICLE: line.description, QUANTITY: format_quantity(line.quantity),
                    PRICE: format_sek(line.unit_price), AMOUNT: format_sek(line.amount)}[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column != ARTICLE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == QUANTITY and line.left is not None:
            return self.tr("Högst %1 kan returneras").replace("%1", format_quantity(line.left))
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.view is None or role != Qt.ItemDataRole.EditRole or index.column() != QUANTITY:
            return False
        line = self.view.lines[index.row()]
        try:
            quantity = parse_decimal(str(value), self.tr("Antal"), 3, minimum=Decimal("0.001"))
        except TillError as exc:
            self.rejected.emit(str(exc) + " " + self.tr("Ta bort raden med Delete om inget av den kommer tillbaka."))
            return False
        if line.left is not None and quantity > line.left:
            self.rejected.emit(self.tr("Av '%1' kan högst %2 returneras mot kvittot.")
                               .replace("%1", line.description).replace("%2", format_quantity(line.left)))
            return False
        if quantity != line.quantity:
            self.quantity_wanted.emit(index.row(), quantity)
        return False  # shown when the register has it (the next snapshot)


class ReturnDialog(QDialog):
    """Retur. `refunded(ReceiptResult)` once the return receipt is stored."""

    refunded = Signal(object)

    def __init__(self, session: TillSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returnDialog")
        self.setWindowTitle(self.tr("Retur"))
        self.session = session  # the till's register, called in its own thread, in order
        self._left: dict[int, Decimal] = {}
        self._busy = False
        self._codes: list[str] = []  # scanned into the article field, waiting for the register
        self._started = False  # the register is in return mode
        self._done = False

        self.receipt_edit = QLineEdit(self)
        self.receipt_edit.setObjectName("returnReceipt")
        self.receipt_edit.setPlaceholderText(self.tr("Kvittonummer, eller skanna koden på kvittot"))
        self.fetch_button = QPushButton(self.tr("&Hämta kvitto"), self)
        self.no_receipt_button = QPushButton(self.tr("&Utan kvitto"), self)
        self.no_receipt_button.setObjectName("returnWithoutReceipt")
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("returnCode")
        self.code_edit.setPlaceholderText(self.tr("Streckkod eller artikelnummer, som vid försäljning"))
        self.code_edit.setEnabled(False)
        self.model = ReturnLinesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("returnLines")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(ARTICLE, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("returnTotal")
        font = self.total_label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.total_label.setFont(font)
        self.means_combo = QComboBox(self)
        self.means_combo.setObjectName("refundMeans")
        for method, label in METHODS.items():
            self.means_combo.addItem(label, method)
        self.message = QLabel(self)
        self.message.setObjectName("returnMessage")
        self.message.setWordWrap(True)
        self.refund_button = QPushButton(self.tr("Åter&betala"), self)
        self.refund_button.setObjectName("refundButton")
        self.refund_button.setDefault(True)
        cancel = QPushButton(self.tr("Avbryt"), self)
        for button in (self.fetch_button, self.no_receipt_button, cancel):
            button.setAutoDefault(False)

        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_edit, 1)
        receipt_row.addWidget(self.fetch_button)
        receipt_row.addWidget(self.no_receipt_button)
        form = QFormLayout()
        receipt_label = QLabel(self.tr("&Kvitto:"), self)
        receipt_label.setBuddy(self.receipt_edit)
        form.addRow(receipt_label, receipt_row)
        code_label = QLabel(self.tr("&Artikel:"), self)
        code_label.setBuddy(self.code_edit)
        form.addRow(code_label, self.code_edit)
        bottom = QFormLayout()
        bottom.addRow(self.tr("Att återbetala:"), self.total_label)
        means_label = QLabel(self.tr("Återbetala &med:"), self)
        means_label.setBuddy(self.means_combo)
        bottom.addRow(means_label, self.means_combo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.refund_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.receipt_edit.returnPressed.connect(self.fetch)
        self.fetch_button.clicked.connect(self.fetch)
        self.no_receipt_button.clicked.connect(self.without_receipt)
        self.code_edit.returnPressed.connect(self.add_code)
        self.refund_button.clicked.connect(self.refund)
        self.means_combo.currentIndexChanged.connect(self._show_total)
        cancel.clicked.connect(self.reject)
        self.model.quantity_wanted.connect(self._set_quantity)
        self.model.rejected.connect(self.say)
        self._keyboard_ready = False
        self._show_total()
        self.resize(720, 480)

    # --- steps, each a register call in a worker -------------------------------------------------

    def _run(self, job: Callable[[Register], Any], then: Callable[[Any], None]) -> None:
        if self._busy:
            return
        self._busy = True
        self._set_enabled()
        self.session.call(job, on_result=lambda value: self._step_done(then, value),
                          on_error=lambda exc: self._step_done(self.say, cashier_text(exc)))

    def _step_done(self, then: Callable[[Any], None], value: Any) -> None:
        """The step's answer, shown once the dialog takes input again (a field is focused only when enabled)."""
        if not shiboken6.isValid(self):
            return
        self._busy = False
        self._set_enabled()
        then(value)
        self._next_code()

    def fetch(self) -> None:
        reference = self.receipt_edit.text().strip()
        if self._started:
            return
        if not reference:
            self.say(self.tr("Skriv kvittots nummer eller skanna koden på kvittot, eller välj Utan kvitto."))
            self.receipt_edit.setFocus()
            return
        self.say("")
        self._run(lambda register: return_view.begin(register, reference), then=self._begun)

    def without_receipt(self) -> None:
        if self._started:
            return
        self.say("")
        self._run(lambda register: return_view.begin(register, None), then=self._begun)

    def _begun(self, outcome: tuple[ReturnView, dict[int, Decimal]]) -> None:
        view, self._left = outcome
        self._started = True
        self.receipt_edit.setReadOnly(True)
        if view.receipt is None:
            self.receipt_edit.setText(self.tr("Utan kvitto"))
        self._show(view)
        if view.paid_with:
            self.means_combo.setCurrentIndex(max(0, self.means_combo.findData(view.paid_with[0])))
        if view.receipt is None:
            self.code_edit.setFocus()
        else:
            self.say(self.tr("Kvitto %1: ändra antal (F2) för det som inte kommer tillbaka, eller ta bort "
                             "raden med Delete.").replace("%1", str(view.receipt)), ok=True)
            self.table.setFocus()
            self.table.setCurrentIndex(self.model.index(0, QUANTITY))

    def add_code(self) -> None:
        """Enter in the article field: the field empties at once for the next scan; the codes are added
        in the order scanned, one register call after the other."""
        code = self.code_edit.text().strip()
        if not code or not self._started:
            return
        self.code_edit.clear()
        self._codes.append(code)
        self._next_code()

    def _next_code(self) -> None:
        if self._busy or not self._codes:
            return
        code = self._codes.pop(0)
        self._busy = True
        self._set_enabled()
        self.session.call(lambda register: self._change(register, lambda: register.add_code(code)),
                          on_result=lambda view: self._step_done(self._added, view),
                          on_error=lambda exc: self._step_done(lambda text: self._code_refused(code, text),
                                                               cashier_text(exc)))

    def _added(self, view: ReturnView) -> None:
        self._show(view)
        self.say("")

    def _code_refused(self, code: str, text: str) -> None:
        if not self.code_edit.text():  # the code comes back to be corrected, unless the next scan is there
            self.code_edit.setText(code)
            self.code_edit.selectAll()
        self.say(text)

    def _set_quantity(self, row: int, quantity: Decimal) -> None:
        self._run(lambda register: self._change(register, lambda: register.set_quantity(row, quantity)),
                  then=self._changed(row))

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row = index.row()
            self._run(lambda register: self._change(register, lambda: register.remove_line(row)),
                      then=self._changed(row))

    def _change(self, register: Register, step: Callable[[], object]) -> ReturnView:
        """A step and the return as it stands after it (in the session's thread)."""
        step()
        return return_view.view_of(register, self._left)

    def _changed(self, row: int) -> Callable[[ReturnView], None]:
        def show(view: ReturnView) -> None:
            self._show(view)
            self.say("")
            if view.lines:
                self.table.setCurrentIndex(self.model.index(min(row, len(view.lines) - 1), QUANTITY))
        return show

    def refund(self) -> None:
        view = self.model.view
        if not self._started or view is None or not view.lines:
            self.say(self.tr("Det finns inget att återbetala: hämta kvittot eller skanna det som kommer tillbaka."))
            return
        method = self.means_combo.currentData()
        self._run(lambda register: register.refund_to(method), then=self._refunded)

    def _refunded(self, result: ReceiptResult) -> None:
        self._done = True  # the register has left return mode: closing voids nothing
        self.refunded.emit(result)
        self.accept()

    # --- showing ---------------------------------------------------------------------------------

    def _show(self, view: ReturnView) -> None:
        self.model.show_view(view)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(ARTICLE, QHeaderView.ResizeMode.Stretch)
        self._show_total()

    def _show_total(self) -> None:
        view = self.model.view
        method = self.means_combo.currentData()
        if view is None or not view.lines:
            self.total_label.setText(f"{format_sek(Decimal('0.00'))} kr")
        elif method in view.payable:
            self.total_label.setText(f"{format_sek(view.payable[method])} kr")
        else:
            self.total_label.setText(self.tr("%1 kr – kan inte återbetalas %2").replace(
                "%1", format_sek(view.total)).replace("%2", METHODS[method].lower()))
        self._set_enabled()

    def _set_enabled(self) -> None:
        idle = not self._busy
        self.fetch_button.setEnabled(idle and not self._started)
        self.no_receipt_button.setEnabled(idle and not self._started)
        view = self.model.view
        # The article field takes scans while the register works (they wait their turn): never disabled then.
        self.code_edit.setEnabled(self._started and view is not None and view.receipt is None)
        self.refund_button.setEnabled(idle and view is not None and bool(view.lines))

    def say(self, text: str, ok: bool = False) -> None:
        self.message.setStyleSheet("" if ok else ERROR_STYLE)
        self.message.setText(text)

    # --- keys and closing ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        if not self._keyboard_ready:
            self._keyboard_ready = True
            prepare_keyboard(self)
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Enter in the receipt or article field fetches or adds (returnPressed); it must not also
        # press Återbetala, the default button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() in (self.receipt_edit,
                                                                                             self.code_edit):
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Delete:
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        if self._busy:
            return  # a step is on its way; the register is not left half done
        if not self._done and self._started:
            # Cancelled: the register leaves return mode (counted as unfinished if lines were registered).
            self.session.call(lambda register: register.void(),
                              on_error=lambda exc: log.error("voiding the return failed: %s", exc))
        super().done(result)
