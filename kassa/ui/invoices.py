"""Fakturor: the invoice list, and the invoice dialog with its print action.

The print action is where e-invoicing happens: when the buyer's category is flagged for Pagero
(the buyer snapshot says e_invoice), "Skriv ut" does not print. It hands the invoice to the send
queue (kassa.outbox.enqueue.enqueue_invoice: checks, UBL, validation, the transmission row) in a
worker thread, shows what must be fixed if anything (nothing is stored then), and otherwise says
that the invoice goes out as an e-invoice, with a button to print a paper copy as well.
"""
from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kassa.bookkeeping.receivables import FILTERS
from kassa.invoice_list import InvoiceRow, load_invoices
from kassa.invoicing import credit_invoice, credited_quantities
from kassa.models import Invoice, InvoiceLine, Transmission, TransmissionState
from kassa.models.transmissions import invoice_row
from kassa.money import format_sek
from kassa.outbox.enqueue import queue_e_invoice
from kassa.outbox.states import state_text
from kassa.outbox.summary import invoice_transmission_state
from kassa.plural import count_of
from kassa.till import TillError, format_quantity, parse_decimal
from kassa.ui import printing
from kassa.ui.focus import prepare_keyboard
from kassa.ui.question_box import ask_question
from kassa.ui.search_keys import SearchKeys
from kassa.ui.workers import LatestOnly, run_in_background

STATUS_TEXTS = {"issued": "Utfärdad", "credited": "Krediterad", "partly_credited": "Delvis krediterad"}
DELIVERY_TEXTS = {"": "Ej utskriven", "paper": "Papper/PDF", "e_invoice": "E-faktura"}
E_INVOICE_QUEUED = "Fakturan skickas som e-faktura via Pagero."
E_INVOICE_UNSENT = "E-faktura, ej skickad"


DELIVERY_REFRESH_MS = 3000


def problems_of(exc: BaseException) -> list[str]:
    """The Swedish list of what to fix, from the send queue's error (or the error's own text)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return [str(p) for p in problems]
    return [str(exc) or type(exc).__name__]


# --- the invoice dialog --------------------------------------------------------------------------

class InvoiceDialog(QDialog):
    """One invoice or credit note: view, print (or e-invoice), preview, PDF, credit."""

    credit_created = Signal(int)  # id of the new credit note
    e_invoice_queued = Signal(int)

    def __init__(self, invoice_id: int, parent: QWidget | None = None, till: str = ""):
        super().__init__(parent)
        self.setObjectName("invoiceDialog")
        self.invoice_id = invoice_id
        self.till = till
        self._sending = False
        self._asked_unsent = False  # the cashier chose to close an unsent e-invoice
        self._close_when_queued = False  # Esc while it was being queued
        self._preview: QPrintPreviewDialog | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # While an e-invoice is on its way the delivery line follows it (read in a worker).
        self._delivery_timer = QTimer(self)
        self._delivery_timer.setInterval(DELIVERY_REFRESH_MS)
        self._delivery_timer.timeout.connect(self._refresh_delivery)
        # Tall enough for a page, but never taller than the screen: on a 1280x800 or 1366x768 till the
        # buttons (Skriv ut) and the e-invoice message below the invoice would be out of reach.
        self.resize(820, min(900, self.screen().availableGeometry().height() - 40))

        self.view = QTextBrowser(self)
        self.view.setObjectName("invoiceView")
        self.view.document().setDefaultFont(printing.invoice_font())
        self.delivery_label = QLabel(self)
        self.delivery_label.setObjectName("deliveryLabel")
        self.delivery_label.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("invoiceMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setVisible(False)

        self.print_button = QPushButton(self.tr("&Skriv ut"), self)
        self.print_button.setObjectName("printButton")
        # Ctrl+P besides Alt+S: a button holds one shortcut, its mnemonic.
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_button.animateClick)
        self.copy_button = QPushButton(self.tr("Skriv ut en &kopia"), self)
        self.copy_button.setObjectName("printCopyButton")
        self.copy_button.setVisible(False)
        self.preview_button = QPushButton(self.tr("&Förhandsgranska"), self)
        self.preview_button.setObjectName("previewButton")
        self.pdf_button = QPushButton(self.tr("Spara som &PDF"), self)
        self.pdf_button.setObjectName("pdfButton")
        self.credit_button = QPushButton(self.tr("K&reditera"), self)
        self.credit_button.setObjectName("creditButton")
        close_button = QPushButton(self.tr("Stäng"), self)
        close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        for button in (self.print_button, self.copy_button, self.preview_button, self.pdf_button,
                       self.credit_button, close_button):
            button.setAutoDefault(False)  # a stray Enter must not print or send
        for button in (self.print_button, self.copy_button, self.preview_button, self.pdf_button,
                       self.credit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.delivery_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self.print_action)
        self.copy_button.clicked.connect(self.print_paper)
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.credit_button.clicked.connect(self.credit)
        self.reload()
        prepare_keyboard(self)  # the invoice itself: its arrow keys scroll; Ctrl+P prints

    # --- showing -----------------------------------------------------------------------------

    def reload(self) -> None:
        self.invoice = Invoice.get_by_id(self.invoice_id)
        kind = self.tr("Kreditfaktura") if self.invoice.is_credit_note else self.tr("Faktura")
        self.setWindowTitle(f"{kind} {self.invoice.number} – {self.invoice.buyer.get('name', '')}")
        self.view.setHtml(printing.invoice_html(self.invoice))
        self.credit_button.setEnabled(not self.invoice.is_credit_note and self.invoice.status != "credited")
        self._show_delivery()

    @property
    def is_e_invoice(self) -> bool:
        return bool(self.invoice.buyer.get("e_invoice"))

    def _show_delivery(self) -> None:
        transmission = Transmission.get_or_none(invoice_row(self.invoice_id))
        if transmission is not None:
            text = self._e_invoice_text(transmission.state)
            self.copy_button.setVisible(True)
            self._follow(transmission.state)
        elif self.is_e_invoice:
            text = self.tr("Kunden tar emot e-faktura: Skriv ut skickar fakturan via Pagero "
                           "i stället för till skrivaren.")
        elif self.invoice.printed_at:
            text = self.tr("Utskriven %1").replace("%1", f"{self.invoice.printed_at:%Y-%m-%d %H:%M}")
        else:
            text = self.tr("Inte utskriven ännu.")
        self.delivery_label.setText(text)

    def _follow(self, state: TransmissionState) -> None:
        if isinstance(state, TransmissionState) and state.is_final:  # an unknown state keeps being followed
            self._delivery_timer.stop()
        elif not self._delivery_timer.isActive():
            self._delivery_timer.start()

    def _refresh_delivery(self) -> None:
        run_in_background(invoice_transmission_state, self.invoice_id, on_result=self._delivery_state)

    def _delivery_state(self, state: TransmissionState | None) -> None:
        if state is None:
            return
        self.delivery_label.setText(self._e_invoice_text(state))
        self._follow(state)

    def _e_invoice_text(self, state: TransmissionState) -> str:
        return self.tr("E-faktura via Pagero: %1").replace("%1", state_text(state))

    def _say(self, html: str, ok: bool = True) -> None:
        color = "#1b5e20" if ok else "#b71c1c"
        self.message.setText(f"<span style='color:{color}'>{html}</span>")
        self.message.setVisible(True)

    # --- the print action --------------------------------------------------------------------

    def print_action(self) -> None:
        """Skriv ut: an e-invoice customer's invoice is queued for Pagero; anyone else's is printed."""
        if self.is_e_invoice:
            self.send_e_invoice()
        else:
            self.print_paper()

    def send_e_invoice(self) -> None:
        if self._sending:
            return  # a second click while the first is working
        self._sending = True
        self.print_button.setEnabled(False)
        self._say(escape(self.tr("Kontrollerar fakturan och lägger den i sändkön …")))
        run_in_background(queue_e_invoice, self.invoice_id, self.till,
                          on_result=self._queued, on_error=self._not_queued, on_done=self._send_done)

    def send_if_e_invoice(self) -> bool:
        """At the till the issue is the print action for an e-invoice buyer (as a cash sale prints its
        receipt): it goes to the send queue at once; what blocks it is said here and the invoice stays unsent."""
        if not self.is_e_invoice or self.is_queued():
            return False
        self.send_e_invoice()
        return True

    def is_queued(self) -> bool:
        return Transmission.get_or_none(invoice_row(self.invoice_id)) is not None

    def reject(self) -> None:
        """Esc, Stäng, the window's cross: an e-invoice not handed to the queue is not closed without asking."""
        if self._sending:  # closed once it is queued; if it is blocked, the reasons stay in view
            self._close_when_queued = True
            self._say(escape(self.tr("Fönstret stängs när fakturan ligger i sändkön …")))
            return
        if self._asked_unsent or not self.is_e_invoice or self.is_queued():
            super().reject()
            return
        def answered(send: bool) -> None:
            if send:
                self.send_e_invoice()
            else:
                self._asked_unsent = True
                self.reject()

        ask_question(self, "notSentBox", self.tr("Fakturan är inte skickad"),
                     self.tr("Fakturan är inte skickad – skicka nu?"),
                     self.tr("&Skicka nu"), self.tr("S&täng utan att skicka"), answered,
                     informative=self.tr("Kunden tar emot e-faktura. Stänger du utan att skicka står fakturan kvar "
                                         "som ”%1” under Fakturor; skicka den senare med Skriv ut.")
                     .replace("%1", self.tr(E_INVOICE_UNSENT)))

    def _queued(self, state: TransmissionState) -> None:
        self._sending = False  # the answer is in, even before the job's "done" arrives
        self._say("<b>" + escape(self.tr("Fakturan skickas som e-faktura via Pagero.")) + "</b> " + escape(
            self.tr("Vill du ha ett papper också, välj Skriv ut en kopia.")))
        self.copy_button.setVisible(True)
        self.invoice = Invoice.get_by_id(self.invoice_id)
        self._show_delivery()
        self.e_invoice_queued.emit(self.invoice_id)
        if self._close_when_queued:
            QDialog.reject(self)

    def _not_queued(self, exc: BaseException) -> None:
        self._sending = self._close_when_queued = False
        problems = problems_of(exc)
        items = "".join(f"<li>{escape(p)}</li>" for p in problems)
        self._say("<b>" + escape(self.tr("E-fakturan kan inte skickas än. Rätta detta och välj Skriv ut igen:"))
                  + f"</b><ul>{items}</ul>", ok=False)

    def _send_done(self) -> None:
        self._sending = False
        self.print_button.setEnabled(True)

    def print_paper(self) -> None:
        """The printer dialog; the invoice is then painted on the chosen printer in a worker."""
        printer = printing.setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
        # Kept with its printer until the next print; the job holds the printer until painting ends.
        self._print_dialog = printing.open_print_dialog(printer, self, self.tr("Skriv ut faktura"), self._print_on)

    def _print_on(self, printer: QPrinter) -> None:
        self._say(escape(self.tr("Skriver ut …")))
        run_in_background(printing.print_on, self.invoice_id, printer, self.till,
                          on_result=lambda _: self._printed(self.tr("Fakturan är utskriven.")),
                          on_error=lambda exc: self._say(escape(str(exc)), ok=False))

    def _printed(self, text: str) -> None:
        self._say(escape(text))
        self.invoice = Invoice.get_by_id(self.invoice_id)
        self._show_delivery()

    def preview(self) -> None:
        """Förhandsgranska. One preview per invoice dialog, kept (with its printer, which the preview
        does not own) for as long as the invoice dialog lives."""
        if self._preview is None:
            self._preview_printer = printing.setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
            self._preview = QPrintPreviewDialog(self._preview_printer, self)
            self._preview.setObjectName("invoicePreview")
            self._preview.setWindowTitle(self.tr("Förhandsgranska"))
            self._preview.paintRequested.connect(self._paint_preview)
        self._preview.open()

    def _paint_preview(self, printer: QPrinter) -> None:
        printing.render(self.invoice, printer)

    def default_pdf_name(self) -> str:
        """In the documents folder when there is one (~/Dokument on a Swedish desktop), else the home folder."""
        return str(printing.documents_folder() / printing.pdf_file_name(self.invoice))

    def save_pdf(self) -> None:
        dialog = QFileDialog(self, self.tr("Spara faktura som PDF"))
        dialog.setObjectName("pdfFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("PDF-filer (*.pdf)"))
        dialog.setDefaultSuffix("pdf")
        # Qt's own dialog: the same on every desktop, and drivable by keyboard and by tests.
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        proposed = Path(self.default_pdf_name())
        dialog.setDirectory(str(proposed.parent))
        dialog.selectFile(proposed.name)
        dialog.fileSelected.connect(self._write_pdf)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _write_pdf(self, path: str) -> None:
        if not path:
            return
        self._say(escape(self.tr("Sparar PDF …")))
        self.pdf_button.setEnabled(False)
        run_in_background(printing.save_pdf, self.invoice_id, path, self.till,
                          on_result=lambda saved: self._printed(self.tr("Sparad som PDF: %1").replace("%1", saved)),
                          on_error=self._pdf_not_saved, on_done=lambda: self.pdf_button.setEnabled(True))

    def _pdf_not_saved(self, exc: BaseException) -> None:
        reason = str(exc) if isinstance(exc, printing.PdfNotSaved) else (str(exc) or type(exc).__name__)
        self._say(escape(self.tr("PDF-filen sparades inte. %1 Fakturan är inte markerad som utskriven.")
                         .replace("%1", reason)), ok=False)

    # --- credit ------------------------------------------------------------------------------

    def credit(self) -> None:
        dialog = CreditDialog(self.invoice, self)
        dialog.chosen.connect(self._credit_chosen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _credit_chosen(self, quantities: dict[int, Decimal] | None, reason: str) -> None:
        self.credit_button.setEnabled(False)
        def failed(exc: BaseException) -> None:
            self._say(escape(str(exc)), ok=False)
            self.reload()

        run_in_background(_credit, self.invoice_id, quantities, reason, self.till, on_result=self._credited,
                          on_error=failed)

    def _credited(self, credit_id: int) -> None:
        self.reload()
        number = Invoice.get_by_id(credit_id).number
        self._say(escape(self.tr("Kreditfaktura %1 är skapad.").replace("%1", str(number))))
        self.credit_created.emit(credit_id)
        open_invoice(credit_id, self.parentWidget() or self, self.till)


def _credit(invoice_id: int, quantities: dict[int, Decimal] | None, reason: str, till: str) -> int:
    return credit_invoice(Invoice.get_by_id(invoice_id), quantities, reason=reason, till=till).id


def open_invoice(invoice_id: int, parent: QWidget | None, till: str = "") -> InvoiceDialog:
    dialog = InvoiceDialog(invoice_id, parent, till=till)
    refresh_status = getattr(parent.window(), "refresh_status", None) if parent is not None else None
    if refresh_status is not None:  # the till's status bar shows the new queue length at once
        dialog.e_invoice_queued.connect(lambda _invoice_id: refresh_status())
    dialog.show()
    return dialog


class CreditDialog(QDialog):
    """Kreditera: why (the reason stands on the credit note), and the whole invoice or chosen lines."""

    chosen = Signal(object, str)  # None (everything left) or {line_id: Decimal}; the reason

    def __init__(self, invoice: Invoice, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("creditDialog")
        self.setWindowTitle(self.tr("Kreditera faktura %1").replace("%1", str(invoice.number)))
        self.setModal(True)
        done = credited_quantities(invoice)
        self.lines = [line for line in invoice.lines.order_by(InvoiceLine.position)]
        self.left = {line.id: line.quantity - done[line.id] for line in self.lines}
        self.reason = QLineEdit(self)
        self.reason.setObjectName("creditReason")
        self.reason.setPlaceholderText(self.tr("t.ex. Returnerad vara, Fel pris, Dubbelfakturerad"))
        self.reason.textChanged.connect(self._update)
        reason_label = QLabel(self.tr("&Orsak:"), self)
        reason_label.setBuddy(self.reason)
        self.table = QTableWidget(len(self.lines), 4, self)
        self.table.setObjectName("creditLines")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Benämning"), self.tr("Fakturerat"), self.tr("Kvar att kreditera"), self.tr("Kreditera antal")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # the numbers and headings whole
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.fields: list[QLineEdit] = []
        for row, line in enumerate(self.lines):
            self.table.setItem(row, 0, QTableWidgetItem(line.description))
            self.table.setItem(row, 1, QTableWidgetItem(format_quantity(line.quantity)))
            self.table.setItem(row, 2, QTableWidgetItem(format_quantity(self.left[line.id])))
            field = QLineEdit("0", self.table)
            field.setObjectName(f"creditQuantity{row}")
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setEnabled(self.left[line.id] > 0)
            field.textChanged.connect(self._update)
            self.table.setCellWidget(row, 3, field)
            self.fields.append(field)
        self.error = QLabel(self)
        self.error.setObjectName("creditError")
        self.error.setStyleSheet("color: #b71c1c")
        self.error.setWordWrap(True)
        self.all_button = QPushButton(self.tr("Kreditera hela fakturan"), self)
        self.all_button.setObjectName("creditAllButton")
        self.all_button.setAutoDefault(False)  # Enter in a quantity field must not credit everything
        self.all_button.clicked.connect(self._choose_all)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(self.tr("Kreditera valda rader"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("creditChosenButton")
        self.buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._choose_lines)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        reason_row = QHBoxLayout()
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.reason, 1)
        layout.addLayout(reason_row)
        layout.addWidget(QLabel(self.tr("Skriv hur mycket av varje rad som ska krediteras."), self))
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addWidget(self.all_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(700, 360)
        prepare_keyboard(self)  # the reason first, then the quantities
        self._update()

    def quantities(self) -> dict[int, Decimal]:
        """The chosen quantities; TillError names the line that is wrong."""
        chosen = {}
        for line, field in zip(self.lines, self.fields, strict=True):
            what = self.tr("Kreditera antal för %1").replace("%1", line.description)
            qty = parse_decimal(field.text() or "0", what, 3, minimum=Decimal(0), maximum=self.left[line.id])
            if qty:
                chosen[line.id] = qty
        return chosen

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def _update(self) -> None:
        has_reason = bool(self.reason_text())
        self.all_button.setEnabled(has_reason)
        try:
            chosen = self.quantities()
        except TillError as exc:
            self.error.setText(str(exc))
            self.ok_button.setEnabled(False)
            return
        if not has_reason:
            self.error.setText(self.tr("Skriv orsaken till krediteringen; den står på kreditfakturan."))
        else:
            self.error.setText("" if chosen else self.tr("Ange antal på minst en rad, eller kreditera hela fakturan."))
        self.ok_button.setEnabled(bool(chosen) and has_reason)

    def _choose_lines(self) -> None:
        try:
            chosen = self.quantities()
        except TillError:
            return
        if chosen and self.reason_text():
            self.chosen.emit(chosen, self.reason_text())
            self.accept()

    def _choose_all(self) -> None:
        if self.reason_text():
            self.chosen.emit(None, self.reason_text())
            self.accept()


# --- the invoice list ----------------------------------------------------------------------------

class InvoiceListModel(QAbstractTableModel):
    HEADERS = ("Nummer", "Datum", "Kund", "Belopp", "Status", "Leverans", "Betalning")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[InvoiceRow] = []

    def set_rows(self, rows: list[InvoiceRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{row.number} (kredit)" if row.is_credit_note else str(row.number)
            if column == 1:
                return row.issue_date.isoformat()
            if column == 2:
                return row.customer
            if column == 3:
                return format_sek(row.payable)
            if column == 4:
                return self.tr(STATUS_TEXTS.get(row.status, row.status))
            if column == 5:
                if row.transmission_state:
                    return f"{self.tr('E-faktura')}: {state_text(row.transmission_state)}"
                if row.unsent_e_invoice:
                    return self.tr(E_INVOICE_UNSENT)
                return self.tr(DELIVERY_TEXTS.get(row.delivery, row.delivery))
            if column == 6:
                return row.payment
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class InvoiceListDialog(QDialog):
    """Fakturor: search by number or customer; Enter or a double click opens the invoice."""

    def __init__(self, parent: QWidget | None = None, till: str = ""):
        super().__init__(parent)
        self.setObjectName("invoiceList")
        self.setWindowTitle(self.tr("Fakturor"))
        self.till = till
        self.search = QLineEdit(self)
        self.search.setObjectName("invoiceSearch")
        self.search.setPlaceholderText(self.tr("Sök: fakturanummer eller kundens namn"))
        self.search.setClearButtonEnabled(True)
        self.payment_filter = QComboBox(self)
        self.payment_filter.setObjectName("paymentFilter")
        for key, label in FILTERS.items():
            self.payment_filter.addItem(self.tr(label), key)
        self.model = InvoiceListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("invoiceTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        # Status and delivery ("E-faktura: Levererad till köparen") shown whole; the customer takes the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(self.open_row)
        self.info = QLabel(self)
        self.open_button = QPushButton(self.tr("&Öppna"), self)
        self.open_button.setObjectName("openInvoice")
        self.open_button.clicked.connect(self.open_current)
        close_button = QPushButton(self.tr("Stäng"), self)
        close_button.clicked.connect(self.close)
        for button in (self.open_button, close_button):
            button.setAutoDefault(False)
        self.open_button.setDefault(True)  # what Enter does: open the highlighted invoice
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.payment_filter)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 560)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        prepare_keyboard(self)  # the search field
        self._loader = LatestOnly(load_invoices, delay_ms=150, parent=self)
        self._loader.result.connect(self._loaded)
        self._loader.error.connect(lambda exc: self.info.setText(str(exc)))
        self.search.textEdited.connect(lambda text: self._loader.request(text, 500, self.payment_state()))
        # Down/Up in the search field walk the list, Enter opens the highlighted (or only) match.
        self._search_keys = SearchKeys(self.search, self.table, self.open_current, lambda: self._loader.is_busy)
        self.payment_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.refresh()

    def payment_state(self) -> str:
        return str(self.payment_filter.currentData() or "")

    def refresh(self) -> None:
        self.info.setText(self.tr("Hämtar fakturor …"))
        self._loader.request(self.search.text(), 500, self.payment_state(), immediately=True)

    def _loaded(self, rows: list[InvoiceRow]) -> None:
        self.model.set_rows(rows)
        self.info.setText(count_of(len(rows), self.tr("faktura"), self.tr("fakturor")))
        if rows:
            self.table.selectRow(0)
        self._search_keys.results_shown()

    def open_current(self) -> InvoiceDialog | None:
        return self.open_row(self.table.currentIndex())

    def open_row(self, index: QModelIndex) -> InvoiceDialog | None:
        if not index.isValid():
            return None
        dialog = open_invoice(self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole), self, self.till)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.credit_created.connect(lambda _: self.refresh())
        return dialog


__all__ = ["CreditDialog", "InvoiceDialog", "InvoiceListDialog", "open_invoice"]
