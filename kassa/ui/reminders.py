"""Fakturor → Påminnelser: overdue invoices to remind, and the reminders made.

"Att påminna" lists what may be reminded today with the fee and interest it would charge; Enter
(or "Skapa påminnelse") records the reminder and opens it. The reminder window prints it, saves it
as PDF, or, for a customer who receives e-invoices, sends it through Pagero (kassa.outbox.reminders:
its fee and interest as a BIS 3 invoice) and follows it there; a reminder that charges nothing is
no invoice, and the window says to print it or send the PDF.
"""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kassa import config
from kassa.bookkeeping.reminder_document import reminder_html, reminder_title
from kassa.bookkeeping.reminders import (
    DELIVERY_TEXTS,
    ReminderProposal,
    due_for_reminder,
    issue_reminder,
    issued_reminders,
)
from kassa.models import Reminder, Transmission, TransmissionState
from kassa.money import format_sek
from kassa.outbox.enqueue import SendBlocked
from kassa.outbox.reminders import NOTHING_TO_INVOICE, queue_reminder
from kassa.outbox.states import state_text
from kassa.ui import printing, reminder_printing
from kassa.ui.file_dialogs import choose_file
from kassa.ui.focus import prepare_keyboard
from kassa.ui.workers import run_in_background

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"
E_INVOICE_WAITING = ("Påminnelsen sparades för e-faktura av en tidigare version av Kassa, som inte kunde skicka "
                     "den. Skicka den nu med Skicka som e-faktura, eller skriv ut den.")
E_INVOICE_SENT = "Påminnelsens avgift och ränta går som e-faktura via Pagero: %1."
DELIVERY_REFRESH_MS = 2000  # while its e-invoice is on its way, the window follows it


def delivery_text(delivery: str, state: TransmissionState | None) -> str:
    """How a reminder went out, as the lists show it (the e-invoice's state when it was sent)."""
    if state is not None:
        return f"{DELIVERY_TEXTS['e_invoice']}: {state_text(state).lower()}"
    return DELIVERY_TEXTS.get(delivery, delivery)


def _delivery(reminder_id: int) -> tuple[Reminder, TransmissionState | None]:
    """The reminder as stored now, and its e-invoice's state (None: not sent through Pagero); a worker job."""
    row = Transmission.select(Transmission.state).where(Transmission.reminder == reminder_id).first()
    return Reminder.get_by_id(reminder_id), row.state if row is not None else None


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class RemindersDialog(QDialog):
    reminder_opened = Signal(object)  # the ReminderDialog

    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("remindersDialog")
        self.setWindowTitle(self.tr("Påminnelser"))
        self.today = today
        self.proposals: list[ReminderProposal] = []
        self.tabs = QTabWidget(self)
        self.due_table = _table(self, "dueTable", [self.tr(h) for h in (
            "Faktura", "Kund", "Förföll", "Dagar", "Kvar", "Avgift", "Ränta", "Att betala", "Nr", "Skickas som")])
        self.made_table = _table(self, "madeTable", [self.tr(h) for h in (
            "Datum", "Kund", "Faktura", "Nr", "Avgift", "Ränta", "Ny förfallodag", "Skickad")])
        self.tabs.addTab(self.due_table, self.tr("&Att påminna"))
        self.tabs.addTab(self.made_table, self.tr("&Gjorda påminnelser"))
        self.message = QLabel(self)
        self.message.setObjectName("remindersMessage")
        self.message.setWordWrap(True)
        self.create_button = QPushButton(self.tr("&Skapa påminnelse"), self)
        self.create_button.setObjectName("createReminderButton")
        self.create_button.setAutoDefault(False)
        self.create_button.clicked.connect(self.create_selected)
        open_button = QPushButton(self.tr("Ö&ppna"), self)
        open_button.setAutoDefault(False)
        open_button.clicked.connect(self.open_selected)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        self.due_table.activated.connect(lambda _index: self.create_selected())
        self.made_table.activated.connect(lambda _index: self.open_selected())
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(open_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(980, 520)
        prepare_keyboard(self)  # the first input has the focus; Tab follows the layout
        self.refresh()

    def refresh(self) -> None:
        self.message.setText(self.tr("Hämtar förfallna fakturor …"))
        run_in_background(_load, self.today, on_result=self._loaded, on_error=self._failed)

    def _loaded(self, loaded: tuple) -> None:
        (self.proposals, problems), made = loaded
        self.due_table.setRowCount(0)
        for p in self.proposals:
            row = self.due_table.rowCount()
            self.due_table.insertRow(row)
            values = [(str(p.number), True), (p.customer, False), (p.reminds_due_date.isoformat(), False),
                      (str(p.days_overdue), True), (format_sek(p.open_amount + p.earlier_charges), True),
                      (format_sek(p.fee), True), (format_sek(p.interest), True), (format_sek(p.to_pay), True),
                      (str(p.sequence), True), (self.tr("E-faktura") if p.e_invoice else self.tr("Papper/PDF"), False)]
            for column, (text, right) in enumerate(values):
                self.due_table.setItem(row, column, _item(text, right))
        self.made_table.setRowCount(0)
        for r in made:
            row = self.made_table.rowCount()
            self.made_table.insertRow(row)
            values = [(r.issue_date.isoformat(), False), (r.customer, False), (str(r.number), True),
                      (str(r.sequence), True), (format_sek(r.fee), True), (format_sek(r.interest), True),
                      (r.new_due_date.isoformat(), False), (delivery_text(r.delivery, r.transmission_state), False)]
            for column, (text, right) in enumerate(values):
                item = _item(text, right)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.made_table.setItem(row, column, item)
        text = self.tr("%1 fakturor att påminna.").replace("%1", str(len(self.proposals)))
        self._say(" ".join([text, *problems]), ok=not problems)
        if self.proposals:
            self.due_table.selectRow(0)
            self.due_table.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._say(str(exc), ok=False)

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def create_selected(self) -> None:
        row = self.due_table.currentRow()
        if self.tabs.currentWidget() is not self.due_table or not 0 <= row < len(self.proposals):
            return
        proposal = self.proposals[row]
        self.create_button.setEnabled(False)
        run_in_background(issue_reminder, proposal.invoice_id, self.today, config.till_designation(),
                          on_result=self._created, on_error=self._failed,
                          on_done=lambda: self.create_button.setEnabled(True))

    def _created(self, reminder: Reminder) -> None:
        self.open_reminder(reminder.id)
        self.refresh()

    def open_selected(self) -> None:
        if self.tabs.currentWidget() is not self.made_table:
            return
        item = self.made_table.item(self.made_table.currentRow(), 0)
        if item is not None:
            self.open_reminder(item.data(Qt.ItemDataRole.UserRole))

    def open_reminder(self, reminder_id: int) -> ReminderDialog:
        dialog = ReminderDialog(reminder_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.delivered.connect(self.refresh)
        dialog.show()
        self.reminder_opened.emit(dialog)
        return dialog


def _load(today: dt.date | None) -> tuple:
    return due_for_reminder(today), issued_reminders()


class ReminderDialog(QDialog):
    """One reminder: read it, print it, save it as PDF, or send it through Pagero."""

    delivered = Signal()

    def __init__(self, reminder_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reminderDialog")
        self.reminder_id = reminder_id
        self.reminder = Reminder.get_by_id(reminder_id)
        self.setWindowTitle(f"{reminder_title(self.reminder)} – faktura {self.reminder.invoice.number}")
        self.view = QTextBrowser(self)
        self.view.setObjectName("reminderView")
        self.view.document().setDefaultFont(printing.invoice_font())
        self.view.setHtml(reminder_html(self.reminder))
        self.message = QLabel(self)
        self.message.setObjectName("reminderMessage")
        self.message.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Skriv &ut"), self)
        self.print_button.setObjectName("printReminderButton")
        self.pdf_button = QPushButton(self.tr("Spara som &PDF"), self)
        self.pdf_button.setObjectName("pdfReminderButton")
        self.e_invoice_button = QPushButton(self.tr("Skicka som &e-faktura"), self)
        self.e_invoice_button.setObjectName("eInvoiceReminderButton")
        self.e_invoice_button.setVisible(bool(self.reminder.e_invoice))
        close_button = QPushButton(self.tr("S&täng"), self)
        for button in (self.print_button, self.pdf_button, self.e_invoice_button, close_button):
            button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_paper)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.e_invoice_button.clicked.connect(self.send_e_invoice)
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.e_invoice_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(760, min(860, self.screen().availableGeometry().height() - 40))
        self._delivery_timer = QTimer(self)
        self._delivery_timer.setInterval(DELIVERY_REFRESH_MS)
        self._delivery_timer.timeout.connect(self._show_delivery)
        self._show_delivery()

    def _show_delivery(self) -> None:
        run_in_background(_delivery, self.reminder_id, on_result=self._delivery_state)

    def _delivery_state(self, loaded: tuple[Reminder, TransmissionState | None]) -> None:
        reminder, state = loaded
        self.reminder = reminder
        charges = reminder.fee + reminder.interest
        self.e_invoice_button.setEnabled(bool(reminder.e_invoice) and state is None and charges > 0)
        if state is not None:
            self._say(escape(self.tr(E_INVOICE_SENT).replace("%1", state_text(state).lower())),
                      ok=not (isinstance(state, TransmissionState) and state.is_problem))
            if isinstance(state, TransmissionState) and state.is_final:  # an unknown state keeps being followed
                self._delivery_timer.stop()
            elif not self._delivery_timer.isActive():
                self._delivery_timer.start()
        elif reminder.e_invoice and charges <= 0:
            self._say(escape(self.tr(NOTHING_TO_INVOICE)))
        elif reminder.delivery == "e_invoice_waiting":
            self._say(escape(self.tr(E_INVOICE_WAITING)), ok=False)
        elif reminder.e_invoice and not reminder.delivery:
            self._say(escape(self.tr("Kunden tar emot e-faktura: Skicka som e-faktura skickar påminnelsens "
                                     "avgift och ränta via Pagero.")))
        else:
            self._say(escape(self.tr(DELIVERY_TEXTS.get(reminder.delivery, reminder.delivery))))

    def _say(self, html: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(html)

    def print_paper(self) -> None:
        printer = printing.setup_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
        # printing.open_print_dialog: QPrintDialog.open() without arguments raises TypeError in PySide6.
        self._print_dialog = printing.open_print_dialog(
            printer, self, self.tr("Skriv ut påminnelse"), lambda chosen: run_in_background(
                reminder_printing.print_on, self.reminder_id, chosen,
                on_result=lambda _: self._done(self.tr("Påminnelsen är utskriven.")),
                on_error=lambda exc: self._say(escape(str(exc)), ok=False)))

    def default_pdf_name(self) -> str:
        return str(printing.documents_folder()
                   / f"Paminnelse-{self.reminder.sequence}-faktura-{self.reminder.invoice.number}.pdf")

    def save_pdf(self) -> None:
        choose_file(self, "reminderPdfDialog", self.tr("Spara påminnelse som PDF"), [self.tr("PDF-filer (*.pdf)")],
                    self._write_pdf, save=True, suffix="pdf", suggestion=self.default_pdf_name())

    def _write_pdf(self, path: str) -> None:
        self.pdf_button.setEnabled(False)
        self._say(escape(self.tr("Sparar PDF …")))
        run_in_background(reminder_printing.save_pdf, self.reminder_id, path,
                          on_result=lambda saved: self._done(self.tr("Sparad som PDF: %1").replace("%1", saved)),
                          on_error=lambda exc: self._say(escape(
                              self.tr("PDF-filen kunde inte sparas: %1").replace("%1", str(exc))), ok=False),
                          on_done=lambda: self.pdf_button.setEnabled(True))

    def send_e_invoice(self) -> None:
        self.e_invoice_button.setEnabled(False)
        self._say(escape(self.tr("Kontrollerar och lägger påminnelsen i sändkön …")))
        run_in_background(queue_reminder, self.reminder_id, config.till_designation(),
                          on_result=self._queued, on_error=self._not_queued)

    def _queued(self, _state: TransmissionState) -> None:
        self.delivered.emit()
        self._show_delivery()

    def _not_queued(self, exc: BaseException) -> None:
        problems = exc.problems if isinstance(exc, SendBlocked) else [str(exc)]
        self._say("<br/>".join(escape(p) for p in problems), ok=False)
        self.e_invoice_button.setEnabled(True)

    def _done(self, text: str, ok: bool = True) -> None:
        self._say(escape(text), ok)
        self.delivered.emit()
