"""The till: the application's main window, made for the keyboard and the barcode scanner.

A scanner types digits and presses Enter into the focused code field; Enter adds the article.
F4 code field, F3 customer, F5 Kontant, F6 Kort, F8 Swish, F11 Delad betalning, F7 Faktura, F9 Avbryt
köp, F12 Parkera (the rest of the sale's keys: kassa.ui.till.sale_actions); in the cart F2 edits a cell
(Qt's own key), Delete removes the row, Esc goes back to the code field.
The cart is the register's (kassa.register.service.Register): every line added, changed or removed is
a register call, journalled, run in the till session's thread (kassa.ui.till.session); the window
shows the copies it answers with. Paying and the receipt: kassa.ui.till.sale_flow.
Everything that waits on the database for more than a moment (customer search, payments,
invoices, PDF, sending) runs in a worker (kassa.ui.workers); the window never freezes.
Windows other engineers own (registers, wizard, e-invoice status) are imported when opened.
"""
from __future__ import annotations

import dataclasses
import importlib
import logging
from html import escape
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kassa import APP_NAME, __version__, config
from kassa.models import Article, Customer
from kassa.money import format_sek
from kassa.register.service import DayNotOpen, Register
from kassa.till import Cart, CartLine, TillError, UnknownArticle
from kassa.ui.article_entry import ArticleCompleter, load_article_index, looks_like_a_name
from kassa.ui.cart_model import CartModel
from kassa.ui.customer_picker import CustomerPicker, customer_summary_html
from kassa.ui.day_functions import DayFunctions
from kassa.ui.invoice_questions import InvoiceQuestions
from kassa.ui.till.invoice_sale import InvoiceSale
from kassa.ui.till.quitting import QuitGuard
from kassa.ui.till.receipt_output import Drained, ReceiptPrinting
from kassa.ui.till.sale_actions import SaleActions
from kassa.ui.till.sale_flow import SaleFlow
from kassa.ui.till.session import CartView, TillSession
from kassa.ui.workers import run_in_background

if TYPE_CHECKING:
    from kassa.pagero.connector import PageroConnector

log = logging.getLogger(__name__)

# (module, class) of the windows built elsewhere, opened lazily from the menus.
CUSTOMERS = ("kassa.ui.customers", "CustomerRegisterDialog")
CATEGORIES = ("kassa.ui.categories", "CategoryEditorDialog")
ARTICLES = ("kassa.ui.articles", "ArticleRegisterDialog")
E_INVOICES = ("kassa.ui.einvoices", "EInvoiceStatusDialog")
LOG_VIEWER = ("kassa.ui.log_viewer", "LogViewerDialog")
RULE_PACK = ("kassa.ui.rule_pack", "RulePackDialog")
PAYMENTS = ("kassa.ui.payments", "PaymentsDialog")
REMINDERS = ("kassa.ui.reminders", "RemindersDialog")
SIE_EXPORT = ("kassa.ui.sie_export", "SieExportDialog")
BOOKKEEPING_SETTINGS = ("kassa.ui.bookkeeping_settings", "BookkeepingSettingsDialog")
VAT_GROUPS = ("kassa.ui.vat_groups", "VatGroupsDialog")


def import_window_class(spec: tuple[str, str]) -> type:
    """The class, imported when its window is first opened (it keeps the till's start-up short)."""
    module, name = spec
    return getattr(importlib.import_module(module), name)


class MainWindow(QMainWindow):
    """Kassa: the till."""

    first_painted = Signal()  # once, when the window has been painted for the first time
    _painted = False  # a class default: event() runs before __init__ has set anything

    def __init__(self, till_name: str | None = None, parent: QWidget | None = None, with_indicator: bool = True,
                 connector: PageroConnector | None = None, register: Register | None = None):
        super().__init__(parent)
        self._connector = connector
        self.setObjectName("mainWindow")
        self.till_name = register.till if register is not None else (
            till_name if till_name is not None else config.till_designation())
        self.setWindowTitle(self.tr("Kassa"))
        # The register (given, or this till's with its control unit from the settings) and the receipt printer.
        self.session = (TillSession(register, parent=self) if register is not None
                        else TillSession.for_till(self.till_name, self))
        self.printing = ReceiptPrinting(self.till_name, self)
        self.model = CartModel(self)
        self.paying = False
        self.sale = SaleFlow(self)
        self.sale_actions = SaleActions(self, self.sale)
        self._windows: dict[str, QWidget] = {}
        self._article_ids: dict[str, int] = {}
        self._invoice_questions: InvoiceQuestions | None = None  # kept alive while F7's dialogs are open
        self.invoice_sale = InvoiceSale(self)  # F7: invoiced sales are outside the register
        self.quitting = QuitGuard(self)  # an open sale is asked about and voided before the window closes

        self._build_till()
        self._build_menus()
        self._build_shortcuts()
        self._update_totals()  # the sale's buttons and menu entries as the (empty) cart allows
        # The e-invoice indicator imports the Pagero client and asks the keyring: after the first paint.
        self._with_indicator = with_indicator
        self.statusBar().showMessage(self.tr("Skanna eller skriv en artikel och tryck Enter."))
        self.resize(1100, 700)
        self.code_field.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def connector(self) -> PageroConnector:
        """The Pagero connection the wizard and "Koppla från" use (imported on first use: the keyring and
        the HTTP client are not needed to show the till)."""
        if self._connector is None:
            from kassa.pagero.connector import PageroConnector

            self._connector = PageroConnector()
        return self._connector

    # --- layout ------------------------------------------------------------------------------

    def _build_till(self) -> None:
        self.code_field = QLineEdit(self)
        self.code_field.setObjectName("codeField")
        self.code_field.setPlaceholderText(self.tr("Streckkod, artikelnummer eller sök artikel (F4)"))
        big = QFont()
        big.setPointSize(big.pointSize() + 4)
        self.code_field.setFont(big)
        self.code_field.returnPressed.connect(self.enter_code)
        self._searching = False  # a name is being typed: the index was read again when it started
        self.code_field.textEdited.connect(self._search_started)
        self.code_field.textChanged.connect(self._code_changed)

        self.article_completer: ArticleCompleter = ArticleCompleter(self.code_field, self)
        self.article_completer.activated[str].connect(self._article_picked)  # type: ignore[index]  # overloaded

        self.table = QTableView(self)
        self.table.setObjectName("cartTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Amounts and quantities always whole ("129 990,00", never "129,…"): the columns follow the cart.
        for change in (self.model.rowsInserted, self.model.dataChanged, self.model.modelReset):
            change.connect(self._fit_amount_columns)
        self.table.verticalHeader().setVisible(False)
        self.table.installEventFilter(self)
        self.model.edit_requested.connect(self._edit_line)
        self.model.totals_changed.connect(self._update_totals)
        self.session.cart_changed.connect(self._cart_changed)
        self.printing.drained.connect(self._printer_drained)

        self.message = QLabel(self)
        self.message.setObjectName("tillMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)

        left = QVBoxLayout()
        left.addWidget(self.sale_actions.state_label)  # ÖVNINGSLÄGE, an electronic receipt next
        left.addWidget(self.code_field)
        left.addWidget(self.table, 1)
        left.addWidget(self.message)

        customer_box = QGroupBox(self.tr("Kund (F3)"), self)
        self.customer_picker = CustomerPicker(customer_box)
        self.customer_picker.chosen.connect(self.set_customer)
        self.customer_label = QLabel(self.tr("Ingen kund vald"), customer_box)
        self.customer_label.setObjectName("customerLabel")
        self.customer_label.setWordWrap(True)
        self.customer_label.setTextFormat(Qt.TextFormat.RichText)
        self.remove_customer_button = QPushButton(self.tr("Ta bort kund"), customer_box)
        self.remove_customer_button.clicked.connect(lambda: self.set_customer(None))
        self.remove_customer_button.setEnabled(False)
        box = QVBoxLayout(customer_box)
        box.addWidget(self.customer_picker)
        box.addWidget(self.customer_label)
        box.addWidget(self.remove_customer_button)

        totals_box = QGroupBox(self.tr("Summa"), self)
        self.vat_label = QLabel(totals_box)
        self.vat_label.setObjectName("vatLabel")
        self.vat_label.setTextFormat(Qt.TextFormat.RichText)
        self.total_label = QLabel(totals_box)
        self.total_label.setObjectName("totalLabel")
        huge = QFont()
        huge.setPointSize(huge.pointSize() + 12)
        huge.setBold(True)
        self.total_label.setFont(huge)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.last_sale_label = QLabel(totals_box)
        self.last_sale_label.setObjectName("lastSaleLabel")
        self.last_sale_label.setWordWrap(True)
        self.last_sale_label.setTextFormat(Qt.TextFormat.RichText)
        box = QVBoxLayout(totals_box)
        box.addWidget(self.vat_label)
        box.addWidget(self.total_label)
        box.addWidget(self.last_sale_label)

        right_widget = QWidget(self)
        right = QVBoxLayout()
        right.addWidget(customer_box)
        right.addWidget(totals_box)
        right.addStretch(1)
        right.addLayout(self.sale_actions.buttons(right_widget))  # Kontant, Kort, Swish, Delad, Faktura, Avbryt …
        right_widget.setLayout(right)
        self.cash_button, self.card_button, self.invoice_button, self.new_sale_button = (
            self.sale_actions.button[name] for name in ("cashButton", "cardButton", "invoiceButton", "newSaleButton"))
        right_widget.setFixedWidth(380)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addLayout(left, 1)
        layout.addWidget(right_widget)
        self.setCentralWidget(central)
        self._update_totals()

    def _fit_amount_columns(self, *args: object) -> None:
        for column in range(1, self.model.columnCount()):
            self.table.resizeColumnToContents(column)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        # The day: float, cash in and out, returns, X and Z reports, the journal (kassa.ui.day_functions).
        till_menu = bar.addMenu(self.tr("&Kassa"))
        self.day = DayFunctions(self, till_menu)
        till_menu.addSeparator()
        self._action(till_menu, self.tr("&Avsluta"), self.close, "quitAction", QKeySequence("Ctrl+Q"))
        register = bar.addMenu(self.tr("&Register"))
        self._action(register, self.tr("&Kundregister"), lambda: self.open_window(CUSTOMERS), "customersAction")
        self._action(register, self.tr("Kundka&tegori"), lambda: self.open_window(CATEGORIES), "categoriesAction")
        self._action(register, self.tr("&Artiklar"), lambda: self.open_window(ARTICLES), "articlesAction")

        invoices = bar.addMenu(self.tr("&Fakturor"))
        self._action(invoices, self.tr("&Fakturor"), self.open_invoice_list, "invoiceListAction",
                     QKeySequence("Ctrl+F"))
        self._action(invoices, self.tr("&Manuell faktura"), self.open_manual_invoice, "manualInvoiceAction",
                     QKeySequence("Ctrl+M"))
        self._action(invoices, self.tr("&E-fakturor"), lambda: self.open_window(E_INVOICES), "eInvoicesAction")

        invoices.addSeparator()
        self._action(invoices, self.tr("&Inbetalningar från Bankgirot"), lambda: self.open_window(PAYMENTS),
                     "paymentsAction")
        self._action(invoices, self.tr("&Påminnelser"), lambda: self.open_window(REMINDERS), "remindersAction")
        self._action(invoices, self.tr("E&xportera SIE-fil till bokföringen"), lambda: self.open_window(SIE_EXPORT),
                     "sieExportAction")

        self.sale_actions.menu(bar)  # Försäljning: the means of payment, park, void, copy, training … with keys

        settings = bar.addMenu(self.tr("&Inställningar"))
        self._action(settings, self.tr("&Kassa"), self.day.open_settings, "tillSettingsAction")
        self._action(settings, self.tr("&Företag"), lambda: self.open_wizard("company"), "companyAction")
        self._action(settings, self.tr("&Bokföring"), lambda: self.open_window(BOOKKEEPING_SETTINGS),
                     "bookkeepingSettingsAction")
        self._action(settings, self.tr("&Databas"), lambda: self.open_wizard("database"), "databaseAction")
        self._action(settings, self.tr("&Momsgrupper"), lambda: self.open_window(VAT_GROUPS), "vatGroupsAction")
        # The hardware dialog holds both; the messages of each part name their own entry.
        self._action(settings, self.tr("K&ontrollenhet"), self.open_hardware, "controlUnitAction")
        self._action(settings, self.tr("Kv&ittoskrivare"), self.open_hardware, "receiptPrinterAction")
        integrations = settings.addMenu(self.tr("I&ntegrationer"))
        pagero = integrations.addMenu(self.tr("&Pagero"))
        self._action(pagero, self.tr("Anmäl &intresse"), lambda: self.open_wizard("interest"), "interestAction")
        self._action(pagero, self.tr("&Anslut"), lambda: self.open_wizard("connect"), "connectAction")
        self._action(pagero, self.tr("&Koppla från"), self.disconnect_pagero, "disconnectAction")
        self._action(settings, self.tr("&Valideringsregler (e-faktura)"), lambda: self.open_window(RULE_PACK),
                     "rulePackAction")

        help_menu = bar.addMenu(self.tr("&Hjälp"))
        self._action(help_menu, self.tr("Visa &logg"), self.show_log, "showLogAction")
        self._action(help_menu, self.tr("&Om Kassa"), self.show_about, "aboutAction")

    def _action(self, menu, text: str, slot, name: str, shortcut: QKeySequence | None = None) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_shortcuts(self) -> None:
        # F5–F12 are the Försäljning menu's (kassa.ui.till.sale_actions).
        for key, slot in ((Qt.Key.Key_F4, self.focus_code), (Qt.Key.Key_F3, self.customer_picker.focus)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

    def _add_queue_indicator(self) -> None:
        from kassa.ui.einvoices import QueueIndicator

        self.queue_indicator = QueueIndicator(self, connector=self.connector)
        self.queue_indicator.clicked.connect(lambda: self.open_window(E_INVOICES))
        self.statusBar().addPermanentWidget(self.queue_indicator)

    # --- first paint, then the work that can wait ----------------------------------------------

    def event(self, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)
        return super().event(event)

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        self.reload_articles()
        self.printing.start()  # receipts that waited for the printer print once it answers
        if self._with_indicator:
            self._add_queue_indicator()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if not self.quitting.may_close():
            event.ignore()  # an open sale: asked first, voided through the register if the cashier quits
            return
        # The register's and the printer's threads finish what they do before the database goes.
        self.printing.stop()
        self.session.close()
        super().closeEvent(event)

    def reload_articles(self) -> None:
        run_in_background(load_article_index, on_result=self._articles_loaded)

    def _articles_loaded(self, rows: list[tuple[str, int]]) -> None:
        if not shiboken6.isValid(self):
            return
        self._article_ids = dict(rows)
        self.article_completer.set_articles(rows)

    # --- entering articles -------------------------------------------------------------------

    def focus_code(self) -> None:
        self.code_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code_field.selectAll()

    def type_into_code(self, text: str) -> None:
        """Keys typed where the till's code field was not (the receipt on screen): they go on here."""
        self.activateWindow()
        self.code_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.code_field.insert(text)

    @property
    def cart(self) -> Cart:
        """A copy of the register's cart as last shown (for reading; changes go through the session)."""
        return self.session.view.cart(self.till_name)

    def _article_picked(self, label: str) -> None:
        article_id = self._article_ids.get(label)
        self.code_field.clear()
        if article_id is None:
            self.show_message(self.tr("Artikeln finns inte längre. Välj en annan."), error=True)
            return

        def add(register: Register) -> CartLine:
            article = Article.get_or_none(Article.id == article_id)
            if article is None or not article.active:
                raise TillError("Artikeln finns inte längre. Välj en annan.")
            return dataclasses.replace(register.add_article(article))

        self.session.call(add, on_result=self._added, on_error=lambda exc: self.show_message(str(exc), error=True))

    def enter_code(self) -> None:
        """Enter in the code field: a barcode, an article number, "3*code", a highlighted search hit,
        or a name that only one article has. The field empties at once for the next scan; the register
        adds the line in its thread, and a code it does not know comes back into the field."""
        if self.article_completer.has_chosen_row():
            return  # the list adds its chosen row itself (activated)
        code = self.code_field.text().strip()
        if not code:
            return
        if code in self._article_ids:  # the text of a search hit, accepted with Enter
            self._article_picked(code)
            return
        self.code_field.clear()
        self.session.call(lambda register: dataclasses.replace(register.add_code(code)), on_result=self._added,
                          on_error=lambda exc: self._code_refused(code, exc))

    def _code_refused(self, code: str, exc: BaseException) -> None:
        if not isinstance(exc, TillError):
            log.error("adding %r failed", code, exc_info=(type(exc), exc, exc.__traceback__))
        if isinstance(exc, UnknownArticle) and looks_like_a_name(code) and self._enter_name(code):
            return
        # The code comes back into the field, selected, unless the next scan is already there.
        if not self.code_field.text():
            self.code_field.setText(code)
            self.code_field.selectAll()
        self.show_message(str(exc), error=True)
        if isinstance(exc, DayNotOpen):
            self.day.open_day()  # the float first; the code waits in the field for Enter again

    def _enter_name(self, text: str, refreshed: bool = False) -> bool:
        """Enter on a typed name: the one matching article is added; none or several are said.

        The index was read at start; an article added since (another till on the database, `kassa demo`)
        is missing from it, so a name that finds nothing reads the index again before saying so."""
        hits = self.article_completer.matches(text)
        if not hits and not refreshed:
            run_in_background(load_article_index, on_result=lambda rows: self._enter_name_again(rows, text),
                              on_error=lambda exc: self.show_message(str(exc), error=True))
            return True
        self.article_completer.close_list()
        if len(hits) == 1:
            self._article_picked(hits[0])
            return True
        if not self.code_field.text():
            self.code_field.setText(text)
        self.code_field.selectAll()
        if not hits:
            self.show_message(self.tr("Ingen artikel passar ”%1”. Skriv på ett annat sätt, eller lägg upp artikeln "
                                      "under Register → Artiklar.").replace("%1", text), error=True)
        else:
            self.show_message(self.tr("%1 artiklar passar ”%2”. Välj en med pil ned och Enter, eller skriv mer.")
                              .replace("%1", str(len(hits))).replace("%2", text), error=True)
            # Reopened once the list's own handling of this Enter (which closes it) is over.
            QTimer.singleShot(0, lambda: self.article_completer.follow(text))
        return True

    def _enter_name_again(self, rows: list[tuple[str, int]], text: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._articles_loaded(rows)
        self._enter_name(text, refreshed=True)

    def _search_started(self, text: str) -> None:
        """The first letters of a new search: the list follows them, and the index is read again meanwhile, so
        articles added elsewhere since are in the list (it follows the text again once they are)."""
        if looks_like_a_name(text) and not self._searching:
            self._searching = True
            run_in_background(load_article_index, on_result=self._articles_reloaded)
        self.article_completer.follow(text)

    def _code_changed(self, text: str) -> None:
        if not text.strip():
            self._searching = False  # emptied, also by the till itself after a scan: the next search is new

    def _articles_reloaded(self, rows: list[tuple[str, int]]) -> None:
        if not shiboken6.isValid(self):
            return
        self._articles_loaded(rows)
        text = self.code_field.text()
        if self._searching and looks_like_a_name(text):
            self.article_completer.follow(text)  # still typing that name: the list as it is now

    def _added(self, line: CartLine) -> None:
        if self.model.rowCount() == 1 and line.quantity == 1:
            self.last_sale_label.clear()  # a new sale has begun: the last one's change is history
        row = self.model.row_of(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.show_message(self.tr("%1 × %2").replace("%1", f"{line.quantity.normalize():f}".replace(".", ","))
                          .replace("%2", line.description))

    def _cart_changed(self, view: CartView) -> None:
        if not shiboken6.isValid(self):
            return
        self.model.show(view.lines)
        self._update_totals()  # a return begun has no lines yet, and still something to void
        shown = self.customer_label.property("customerId")
        if (view.customer.id if view.customer is not None else None) != shown:
            self._show_customer(view.customer)

    def _edit_line(self, row: int, method: str, value: str) -> None:
        """A cell edited in the cart: the register checks and journals it (set_quantity/price/discount)."""
        self.session.call(lambda register: getattr(register, method)(row, value),
                          on_error=lambda exc: self.show_message(str(exc), error=True))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Delete:
                self.remove_selected_line()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.focus_code()
                return True
        return super().eventFilter(watched, event)

    def remove_selected_line(self) -> None:
        index = self.table.currentIndex()
        if index.isValid() and not self.paying:
            row = index.row()
            self.session.call(lambda register: register.remove_line(row),
                              on_error=lambda exc: self.show_message(str(exc), error=True))

    # --- customer ----------------------------------------------------------------------------

    def set_customer(self, customer: Customer | None) -> None:
        self.session.call(lambda register: register.set_customer(customer),
                          on_error=lambda exc: self.show_message(str(exc), error=True))
        self._show_customer(customer)
        if customer is not None:
            self.show_message(self.tr("Kund: %1").replace("%1", customer.name))
            self.focus_code()

    def _show_customer(self, customer: Customer | None) -> None:
        self.customer_label.setProperty("customerId", customer.id if customer is not None else None)
        self.remove_customer_button.setEnabled(customer is not None)
        if customer is None:
            self.customer_label.setText(self.tr("Ingen kund vald"))
        else:
            self.customer_label.setText(customer_summary_html(customer))

    # --- totals and messages -----------------------------------------------------------------

    def _update_totals(self) -> None:
        view = self.session.view
        totals = view.totals
        # The VAT said once: one line per rate, and a sum of them only when there are several rates.
        rows = "".join(
            f"<tr><td>{escape(self.tr('varav moms %1 %').replace('%1', str(v.rate)))}</td>"
            f"<td align='right'>{format_sek(v.tax)}</td></tr>" for v in totals.vat)
        if len(totals.vat) > 1:
            rows += (f"<tr><td>{escape(self.tr('varav moms totalt'))}</td>"
                     f"<td align='right'>{format_sek(totals.tax_total)}</td></tr>")
        self.vat_label.setText(f"<table width='100%'>{rows}</table>")
        self.total_label.setText(f"{format_sek(totals.tax_inclusive)} kr")
        self.sale_actions.follow_cart(view, self.paying)

    def show_message(self, text: str, error: bool = False) -> None:
        color = "#b71c1c" if error else "#1b5e20"
        self.message.setText(f"<span style='color:{color}'>{escape(text).replace(chr(10), '<br/>')}</span>")
        # The message line above says it in full; the status bar repeating it (cut off) only made noise.
        self.statusBar().clearMessage()

    def _printer_drained(self, drained: Drained) -> None:
        if drained.printed:
            self.show_message(self.tr("Kvittoskrivaren fungerar igen: %1 kvitto(n) som väntade har skrivits ut.")
                              .replace("%1", str(drained.printed)))
        elif drained.waiting:
            self.statusBar().showMessage(self.tr("%1 kvitto(n) väntar på kvittoskrivaren. %2")
                                         .replace("%1", str(drained.waiting)).replace("%2", drained.text), 5_000)

    # --- paying (kassa.ui.till.sale_flow, F7 kassa.ui.till.invoice_sale) ----------------------------

    def pay_cash(self) -> None:
        self.sale.pay_cash()

    def pay_card(self) -> None:
        """Kort: nothing is registered until the cashier confirms that the terminal approved the payment."""
        self.sale.pay_card()

    def pay_invoice(self) -> None:
        self.invoice_sale.pay_invoice()

    def set_paying(self, paying: bool) -> None:
        if not shiboken6.isValid(self):
            return
        self.paying = paying
        self.code_field.setEnabled(not paying)
        self.table.setEnabled(not paying)
        self.customer_picker.setEnabled(not paying)
        self._update_totals()
        if not paying:
            self.focus_code()

    def sale_completed(self, headline: str, text: str) -> None:
        """A sale paid: the cart is empty (the register's copy says so), the change stands in large type."""
        self._show_customer(None)
        html = (f"<b>{escape(headline)}</b><br/>" if headline else "") + escape(text)
        self.last_sale_label.setText(html)
        self.show_message(text)

    def sale_reset(self, message: str) -> None:
        """The sale voided or parked (or a new one begun): no customer, no last sale."""
        self._show_customer(None)
        self.last_sale_label.clear()
        self.show_message(message)
        self.focus_code()

    def new_sale(self) -> None:
        """F9: void the open sale (asked first; counted as unfinished), or just start afresh."""
        self.sale_actions.void()

    # --- other windows -----------------------------------------------------------------------

    def open_invoice(self, invoice_id: int):
        from kassa.ui.invoices import open_invoice

        return open_invoice(invoice_id, self, self.till_name)

    def open_invoice_list(self) -> None:
        from kassa.ui.invoices import InvoiceListDialog

        self._show_single("invoices", lambda: InvoiceListDialog(self, till=self.till_name))

    def open_manual_invoice(self) -> None:
        from kassa.ui.manual_invoice import ManualInvoiceDialog

        self._show_single("manual", lambda: ManualInvoiceDialog(self, till=self.till_name))

    def open_window(self, spec: tuple[str, str]) -> QWidget | None:
        window_class = import_window_class(spec)
        window = self._show_single(spec[1], lambda: window_class(self))
        if spec == ARTICLES and isinstance(window, QDialog):
            window.finished.connect(lambda _: self.reload_articles())
        return window

    def open_hardware(self) -> QWidget:
        from kassa.models import Company
        from kassa.ui.hardware_dialog import HardwareDialog

        window = self._show_single("hardware", lambda: HardwareDialog(
            Company.get_solo().org_number, config.till_designation(), self))
        if isinstance(window, QDialog) and not window.property("tellsTheRegister"):
            # A new control unit or password applies from the next receipt.
            window.setProperty("tellsTheRegister", True)
            window.finished.connect(lambda _result: self.session.call(
                lambda register: register.forget_control_unit()))
            window.accepted.connect(self.day.unit_saved)  # "Ingen kontrollenhet är vald" no longer stands
        return window

    def open_wizard(self, page: str) -> QWidget | None:
        from kassa.ui.wizard import SettingsWizard

        wizard = SettingsWizard(parent=self, start_page=page, connector=self.connector)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.finished.connect(lambda _result: self.refresh_status())  # a new connection shows at once
        wizard.open()
        return wizard

    def refresh_status(self) -> None:
        """Update the status bar's e-invoice indicator now and let the sender look at the queue,
        instead of waiting for their next turn (after connecting, or after an e-invoice was queued)."""
        indicator = getattr(self, "queue_indicator", None)
        if indicator is not None:
            indicator.refresh()
        from kassa.outbox.background import wake_running_sender

        wake_running_sender()

    def _show_single(self, key: str, factory) -> QWidget:
        """One window of each kind: a second request brings the open one to the front."""
        window = self._windows.get(key)
        if window is not None and shiboken6.isValid(window) and window.isVisible():
            window.raise_()
            window.activateWindow()
            return window
        window = factory()
        self._windows[key] = window
        window.show()
        return window

    def disconnect_pagero(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Koppla från Pagero"),
                          self.tr("Koppla från Kassa från Pagero? "
                                  "E-fakturor i kön skickas inte förrän du ansluter igen."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("disconnectBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Koppla från"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Avbryt"))
        box.accepted.connect(lambda: run_in_background(
            self.connector.forget_tokens,
            on_result=lambda _: self.show_message(self.tr("Kassa är frånkopplad från Pagero.")),
            on_error=lambda exc: self.show_message(
                self.tr("Kunde inte koppla från: %1").replace("%1", str(exc)), error=True)))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_log(self) -> None:
        self.open_window(LOG_VIEWER)

    def show_about(self) -> None:
        text = (self.tr("%1 %2\nKassasystem med fakturering och e-faktura via Pagero "
                        "(PEPPOL BIS Billing 3.0).\nData: %3")
                .replace("%1", APP_NAME).replace("%2", __version__).replace("%3", str(config.data_dir())))
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Om Kassa"), text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
