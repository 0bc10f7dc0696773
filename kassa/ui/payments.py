"""Fakturor → Inbetalningar: read a Bankgirot BgMax file, and place by hand what did not match.

"Läs in BgMax-fil…" (Ctrl+O) reads a file in a worker and says what happened: how many payments
were new, placed on their invoices, left to place; a refused file names its line and the reason.
The table lists payments left to place with the reason; choosing one fills in the invoice its
reference points to and the amount to place. Tab to the fields, Enter in the amount places it.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kassa import config
from kassa.bookkeeping.payment_import import ImportResult, import_bgmax_file
from kassa.bookkeeping.payment_placing import UnplacedPayment, place_payment, unplaced_payments
from kassa.money import format_sek
from kassa.till import TillError, parse_decimal
from kassa.ui.file_dialogs import choose_file
from kassa.ui.focus import prepare_keyboard
from kassa.ui.workers import run_in_background

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"
HEADERS = ("Datum", "Betalare", "Referens", "Belopp", "Kvar att placera", "Varför")


class PaymentsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("paymentsDialog")
        self.setWindowTitle(self.tr("Inbetalningar"))
        self.rows: list[UnplacedPayment] = []
        self.import_button = QPushButton(self.tr("Läs in B&gMax-fil …"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.choose_file)
        QShortcut(QKeySequence.StandardKey.Open, self, self.choose_file)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.import_message = QLabel(self)
        self.import_message.setObjectName("importResult")
        self.import_message.setWordWrap(True)
        self.import_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("unplacedTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.invoice_edit = QLineEdit(self)
        self.table.activated.connect(lambda _index: self.invoice_edit.setFocus())
        self.invoice_edit.setObjectName("placeInvoice")
        self.invoice_edit.setPlaceholderText(self.tr("fakturanummer"))
        self.amount_edit = QLineEdit(self)
        self.amount_edit.setObjectName("placeAmount")
        self.amount_edit.setPlaceholderText(self.tr("belopp"))
        self.place_button = QPushButton(self.tr("&Placera"), self)
        self.place_button.setObjectName("placeButton")
        self.place_button.setDefault(True)  # Enter in the fields places
        self.place_button.clicked.connect(self.place)
        self.place_message = QLabel(self)
        self.place_message.setObjectName("placeMessage")
        self.place_message.setWordWrap(True)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.import_message, 1)
        place = QHBoxLayout()
        invoice_label = QLabel(self.tr("Placera på &faktura:"), self)
        invoice_label.setBuddy(self.invoice_edit)
        amount_label = QLabel(self.tr("&Belopp:"), self)
        amount_label.setBuddy(self.amount_edit)
        for widget in (invoice_label, self.invoice_edit, amount_label, self.amount_edit, self.place_button):
            place.addWidget(widget)
        place.addStretch(1)
        place.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("Inbetalningar att placera för hand:"), self))
        layout.addWidget(self.table, 1)
        layout.addLayout(place)
        layout.addWidget(self.place_message)
        self.resize(1000, 560)
        prepare_keyboard(self)  # the first input has the focus; Tab follows the layout
        self.refresh()

    # --- import ------------------------------------------------------------------------------

    def choose_file(self) -> None:
        choose_file(self, "bgmaxFileDialog", self.tr("Läs in betalfil från Bankgirot"),
                    [self.tr("BgMax-filer (*.txt *.TXT *.dat *.DAT)"), self.tr("Alla filer (*)")], self.import_file)

    def import_file(self, path: str) -> None:
        self.import_button.setEnabled(False)
        self._say(self.import_message, self.tr("Läser in %1 …").replace("%1", path))
        run_in_background(import_bgmax_file, path, config.till_designation(), on_result=self._imported,
                          on_error=lambda exc: self._say(self.import_message, str(exc), ok=False),
                          on_done=lambda: self.import_button.setEnabled(True))

    def _imported(self, result: ImportResult) -> None:
        self._say(self.import_message, result.summary())
        self.refresh()

    # --- placing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        run_in_background(unplaced_payments, on_result=self._loaded,
                          on_error=lambda exc: self._say(self.place_message, str(exc), ok=False))

    def _loaded(self, rows: list[UnplacedPayment]) -> None:
        chosen = self.current()
        self.rows = rows
        self.table.setRowCount(0)
        for row in rows:
            n = self.table.rowCount()
            self.table.insertRow(n)
            values = [(str(row.pay_date), False), (row.payer, False), (row.reference, False),
                      (format_sek(row.amount), True), (format_sek(row.remaining), True), (row.reason, False)]
            for column, (text, right) in enumerate(values):
                item = QTableWidgetItem(text)
                if right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, item)
        if rows:
            ids = [r.id for r in rows]
            self.table.selectRow(ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0)
        else:
            self.invoice_edit.clear()
            self.amount_edit.clear()

    def current(self) -> UnplacedPayment | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _chosen(self) -> None:
        payment = self.current()
        if payment is None:
            return
        self.invoice_edit.setText(str(payment.suggestion) if payment.suggestion else "")
        amount = payment.suggested_amount if payment.suggested_amount is not None else payment.remaining
        self.amount_edit.setText(format_sek(abs(amount)))

    def place(self) -> None:
        payment = self.current()
        if payment is None:
            self._say(self.place_message, self.tr("Välj en inbetalning i listan."), ok=False)
            return
        number_text = self.invoice_edit.text().strip()
        if not number_text.isdigit():
            self._say(self.place_message, self.tr("Skriv fakturans nummer, t.ex. 1042."), ok=False)
            self.invoice_edit.setFocus()
            return
        try:
            amount = parse_decimal(self.amount_edit.text(), self.tr("Beloppet"), 2, minimum=Decimal("0.01"))
        except TillError as exc:
            self._say(self.place_message, str(exc), ok=False)
            self.amount_edit.setFocus()
            return
        self.place_button.setEnabled(False)  # one placement at a time; enabled again with the answer
        run_in_background(place_payment, payment.id, int(number_text), amount, config.till_designation(),
                          on_result=lambda _a: self._placed(number_text, amount), on_error=self._not_placed)

    def _not_placed(self, exc: BaseException) -> None:
        self.place_button.setEnabled(True)
        self._say(self.place_message, str(exc), ok=False)

    def _placed(self, number: str, amount: Decimal) -> None:
        self.place_button.setEnabled(True)
        self._say(self.place_message, self.tr("%1 kr placerat på faktura %2.").replace("%1", format_sek(amount))
                  .replace("%2", number))
        self.refresh()
        self.table.setFocus()

    @staticmethod
    def _say(label: QLabel, text: str, ok: bool = True) -> None:
        label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        label.setText(text)
