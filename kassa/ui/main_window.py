"""The till: the application's main window, made for the keyboard and the barcode scanner.

A scanner types digits and presses Enter into the focused code field; Enter adds the article.
F4 code field, F3 customer, F5 Kontant, F6 Kort, F7 Faktura, F9 new sale; in the cart F2 edits a cell
(Qt's own key), Delete removes the row, Esc goes back to the code field.
Everything that waits on the database for more than a moment (customer search, payments,
invoices, PDF, sending) runs in a worker (kassa.ui.workers); the window never freezes.
Windows other engineers own (registers, wizard, e-invoice status) are imported when opened.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
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
from kassa.invoicing import IdCheck
from kassa.models import Article, Customer
from kassa.money import format_sek
from kassa.peppol.checks import InvoiceBlocked
from kassa.till import Cart, SaleResult, TillError
from kassa.ui.article_entry import ArticleCompleter, load_article_index, looks_like_a_name
from kassa.ui.cart_model import CartModel
from kassa.ui.customer_picker import CustomerPicker, customer_summary_html
from kassa.ui.day_functions import DayFunctions
from kassa.ui.invoice_questions import InvoiceQuestions
from kassa.ui.payment_dialogs import CardDialog, CashDialog
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


def issue_from_till(cart: Cart, customer: Customer, buyer_reference: str | None, claim_reference: str,
                    id_check: IdCheck | None) -> SaleResult:
    """The worker job of F7: the e-invoice checks first (kassa.peppol.checks.check_before_issue), then
    the sale and the invoice."""
    from kassa.peppol.checks import check_before_issue

    customer = Customer.get_by_id(customer.id)
    check_before_issue(customer, buyer_reference, claim_reference)
    return cart.pay_invoice(customer, buyer_reference=buyer_reference, claim_reference=claim_reference,
                            id_check=id_check)


def import_window_class(spec: tuple[str, str]) -> type:
    """The class, imported when its window is first opened (it keeps the till's start-up short)."""
    module, name = spec
    return getattr(importlib.import_module(module), name)


class MainWindow(QMainWindow):
    """Kassa: the till."""

    first_painted = Signal()  # once, when the window has been painted for the first time
    _painted = False  # a class default: event() runs before __init__ has set anything

    def __init__(self, till_name: str | None = None, parent: QWidget | None = None, with_indicator: bool = True,
                 connector: PageroConnector | None = None):
        super().__init__(parent)
        self._connector = connector
        self.setObjectName("mainWindow")
        self.till_name = till_name if till_name is not None else config.till_designation()
        self.setWindowTitle(self.tr("Kassa"))
        self.cart = Cart(till=self.till_name)
        self.model = CartModel(self.cart, self)
        self._paying = False
        self._windows: dict[str, QWidget] = {}
        self._article_ids: dict[str, int] = {}
        self._invoice_questions: InvoiceQuestions | None = None  # kept alive while F7's dialogs are open
        self.last_result: SaleResult | None = None

        self._build_till()
        self._build_menus()
        self._build_shortcuts()
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
        self.code_field.textEdited.connect(lambda text: self.article_completer.follow(text))

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
        self.model.rejected.connect(lambda text: self.show_message(text, error=True))
        self.model.totals_changed.connect(self._update_totals)

        self.message = QLabel(self)
        self.message.setObjectName("tillMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)

        left = QVBoxLayout()
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

        self.cash_button = QPushButton(self.tr("Kontant (F5)"), self)
        self.cash_button.setObjectName("cashButton")
        self.card_button = QPushButton(self.tr("Kort (F6)"), self)
        self.card_button.setObjectName("cardButton")
        self.invoice_button = QPushButton(self.tr("Faktura (F7)"), self)
        self.invoice_button.setObjectName("invoiceButton")
        self.new_sale_button = QPushButton(self.tr("Ny försäljning (F9)"), self)
        self.new_sale_button.setObjectName("newSaleButton")
        for button in (self.cash_button, self.card_button, self.invoice_button, self.new_sale_button):
            button.setMinimumHeight(44)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the code field
        self.cash_button.clicked.connect(self.pay_cash)
        self.card_button.clicked.connect(self.pay_card)
        self.invoice_button.clicked.connect(self.pay_invoice)
        self.new_sale_button.clicked.connect(self.new_sale)

        right = QVBoxLayout()
        right.addWidget(customer_box)
        right.addWidget(totals_box)
        right.addStretch(1)
        for button in (self.cash_button, self.card_button, self.invoice_button, self.new_sale_button):
            right.addWidget(button)
        right_widget = QWidget(self)
        right_widget.setLayout(right)
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
        self.day = DayFunctions(self, bar.addMenu(self.tr("&Kassa")))
        register = bar.addMenu(self.tr("&Register"))
        self._action(register, self.tr("Kundregister"), lambda: self.open_window(CUSTOMERS), "customersAction")
        self._action(register, self.tr("Kundkategori"), lambda: self.open_window(CATEGORIES), "categoriesAction")
        self._action(register, self.tr("Artiklar"), lambda: self.open_window(ARTICLES), "articlesAction")

        invoices = bar.addMenu(self.tr("&Fakturor"))
        self._action(invoices, self.tr("Fakturor"), self.open_invoice_list, "invoiceListAction",
                     QKeySequence("Ctrl+F"))
        self._action(invoices, self.tr("Manuell faktura"), self.open_manual_invoice, "manualInvoiceAction",
                     QKeySequence("Ctrl+M"))
        self._action(invoices, self.tr("E-fakturor"), lambda: self.open_window(E_INVOICES), "eInvoicesAction")

        invoices.addSeparator()
        self._action(invoices, self.tr("Inbetalningar från Bankgirot"), lambda: self.open_window(PAYMENTS),
                     "paymentsAction")
        self._action(invoices, self.tr("Påminnelser"), lambda: self.open_window(REMINDERS), "remindersAction")
        self._action(invoices, self.tr("Exportera SIE-fil till bokföringen"), lambda: self.open_window(SIE_EXPORT),
                     "sieExportAction")

        settings = bar.addMenu(self.tr("&Inställningar"))
        self._action(settings, self.tr("Kassa"), self.day.open_settings, "tillSettingsAction")
        self._action(settings, self.tr("Företag"), lambda: self.open_wizard("company"), "companyAction")
        self._action(settings, self.tr("Bokföring"), lambda: self.open_window(BOOKKEEPING_SETTINGS),
                     "bookkeepingSettingsAction")
        self._action(settings, self.tr("Databas"), lambda: self.open_wizard("database"), "databaseAction")
        self._action(settings, self.tr("Momsgrupper"), lambda: self.open_window(VAT_GROUPS), "vatGroupsAction")
        # The hardware dialog holds both; the messages of each part name their own entry.
        self._action(settings, self.tr("Kontrollenhet"), self.open_hardware, "controlUnitAction")
        self._action(settings, self.tr("Kvittoskrivare"), self.open_hardware, "receiptPrinterAction")
        integrations = settings.addMenu(self.tr("Integrationer"))
        pagero = integrations.addMenu(self.tr("Pagero"))
        self._action(pagero, self.tr("Anmäl intresse"), lambda: self.open_wizard("interest"), "interestAction")
        self._action(pagero, self.tr("Anslut"), lambda: self.open_wizard("connect"), "connectAction")
        self._action(pagero, self.tr("Koppla från"), self.disconnect_pagero, "disconnectAction")
        self._action(settings, self.tr("Valideringsregler (e-faktura)"), lambda: self.open_window(RULE_PACK),
                     "rulePackAction")

        help_menu = bar.addMenu(self.tr("&Hjälp"))
        self._action(help_menu, self.tr("Visa logg"), self.show_log, "showLogAction")
        self._action(help_menu, self.tr("Om Kassa"), self.show_about, "aboutAction")

    def _action(self, menu, text: str, slot, name: str, shortcut: QKeySequence | None = None) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_shortcuts(self) -> None:
        for key, slot in ((Qt.Key.Key_F4, self.focus_code), (Qt.Key.Key_F3, self.customer_picker.focus),
                          (Qt.Key.Key_F5, self.pay_cash), (Qt.Key.Key_F6, self.pay_card),
                          (Qt.Key.Key_F7, self.pay_invoice), (Qt.Key.Key_F9, self.new_sale)):
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
        if self._with_indicator:
            self._add_queue_indicator()

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

    def _article_picked(self, label: str) -> None:
        article_id = self._article_ids.get(label)
        article = Article.get_or_none(Article.id == article_id) if article_id else None
        if article is None or not article.active:
            self.show_message(self.tr("Artikeln finns inte längre. Välj en annan."), error=True)
            return
        self.code_field.clear()
        line = self.model.add_article(article)
        self._added(line)

    def enter_code(self) -> None:
        """Enter in the code field: a barcode, an article number, "3*code", a highlighted search hit,
        or a name that only one article has."""
        if self.article_completer.has_chosen_row():
            return  # the list adds its chosen row itself (activated)
        code = self.code_field.text().strip()
        if not code:
            return
        if code in self._article_ids:  # the text of a search hit, accepted with Enter
            self._article_picked(code)
            return
        try:
            line = self.model.add_code(code)
        except TillError as exc:
            if looks_like_a_name(code) and self._enter_name(code):
                return
            # The code stays in the field, selected: nothing the cashier typed is lost.
            self.code_field.selectAll()
            self.show_message(str(exc), error=True)
            return
        self.code_field.clear()
        self._added(line)

    def _enter_name(self, text: str) -> bool:
        """Enter on a typed name: the one matching article is added; none or several are said."""
        hits = self.article_completer.matches(text)
        self.article_completer.close_list()
        if len(hits) == 1:
            self._article_picked(hits[0])
            return True
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

    def _added(self, line) -> None:
        if self.model.rowCount() == 1:
            self.last_sale_label.clear()  # a new sale has begun: the last one's change is history
        row = self.model.row_of(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.show_message(self.tr("%1 × %2").replace("%1", f"{line.quantity.normalize():f}".replace(".", ","))
                          .replace("%2", line.description))

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
        if index.isValid():
            self.model.remove_row(index.row())

    # --- customer ----------------------------------------------------------------------------

    def set_customer(self, customer: Customer | None) -> None:
        self.cart.set_customer(customer)
        self.remove_customer_button.setEnabled(customer is not None)
        if customer is None:
            self.customer_label.setText(self.tr("Ingen kund vald"))
            return
        self.customer_label.setText(customer_summary_html(customer))
        self.show_message(self.tr("Kund: %1").replace("%1", customer.name))
        self.focus_code()

    # --- totals and messages -----------------------------------------------------------------

    def _update_totals(self) -> None:
        totals = self.cart.totals()
        # The VAT said once: one line per rate, and a sum of them only when there are several rates.
        rows = "".join(
            f"<tr><td>{escape(self.tr('varav moms %1 %').replace('%1', str(v.rate)))}</td>"
            f"<td align='right'>{format_sek(v.tax)}</td></tr>" for v in totals.vat)
        if len(totals.vat) > 1:
            rows += (f"<tr><td>{escape(self.tr('varav moms totalt'))}</td>"
                     f"<td align='right'>{format_sek(totals.tax_total)}</td></tr>")
        self.vat_label.setText(f"<table width='100%'>{rows}</table>")
        self.total_label.setText(f"{format_sek(totals.tax_inclusive)} kr")
        has_lines = not self.cart.is_empty
        for button in (self.cash_button, self.card_button, self.invoice_button):
            button.setEnabled(has_lines and not self._paying)

    def show_message(self, text: str, error: bool = False) -> None:
        color = "#b71c1c" if error else "#1b5e20"
        self.message.setText(f"<span style='color:{color}'>{escape(text).replace(chr(10), '<br/>')}</span>")
        self.statusBar().showMessage(text.splitlines()[0] if text else "", 15_000)

    # --- paying ------------------------------------------------------------------------------

    def _can_pay(self) -> bool:
        if self._paying:
            return False
        if self.cart.is_empty:
            self.show_message(self.tr("Kundvagnen är tom. Skanna en artikel först."), error=True)
            return False
        return True

    def pay_cash(self) -> None:
        if not self._can_pay():
            return
        dialog = CashDialog(self.cart.cash_totals(), self)
        dialog.setObjectName("cashDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._pay("cash", dialog.tendered_amount()))
        dialog.open()

    def pay_card(self) -> None:
        """Kort: nothing is registered until the cashier confirms that the terminal approved the payment."""
        if not self._can_pay():
            return
        dialog = CardDialog(self.cart.totals(), self)
        dialog.setObjectName("cardDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._pay("card"))
        dialog.rejected.connect(lambda: self.show_message(
            self.tr("Kortbetalningen är inte registrerad. Kunden kan betala på annat sätt."), error=True))
        dialog.open()

    def pay_invoice(self) -> None:
        if not self._can_pay():
            return
        customer = self.cart.customer
        if customer is None:
            self.show_message(self.tr("Faktura kräver en kund. Sök fram kunden (F3) och tryck F7 igen."), error=True)
            self.customer_picker.focus()
            return
        InvoiceQuestions(self, self, Customer.get_by_id(customer.id)).start()

    def pay_with_invoice(self, customer: Customer, buyer_reference: str | None, claim_reference: str,
                         id_check: IdCheck | None) -> None:
        """Issue the invoice once F7's questions are answered (kassa.ui.invoice_questions)."""
        self._pay("invoice", customer, buyer_reference, claim_reference, id_check)

    def _pay(self, method: str, *args) -> None:
        """Run the payment on a copy of the cart in a worker; the window shows the result."""
        cart = self.cart.copy()
        job: Callable[..., SaleResult]
        if method == "invoice":
            job, args = issue_from_till, (cart, *args)
        else:
            job = cart.pay_cash if method == "cash" else cart.pay_card
        self._set_paying(True)
        self.show_message(self.tr("Registrerar …"))
        run_in_background(job, *args, on_result=self._paid, on_error=self._payment_failed,
                          on_done=lambda: self._set_paying(False))

    def _set_paying(self, paying: bool) -> None:
        if not shiboken6.isValid(self):
            return
        self._paying = paying
        self.code_field.setEnabled(not paying)
        self.table.setEnabled(not paying)
        self.customer_picker.setEnabled(not paying)
        self._update_totals()
        if not paying:
            self.focus_code()

    def _paid(self, result: SaleResult) -> None:
        self.last_result = result
        self.model.clear()
        self.set_customer(None)
        if result.method == "cash" and result.tendered is not None and result.change is not None:
            text = self.tr("Kontant %1 kr (öresavrundning %2). Mottaget %3 kr. Växel %4 kr.")
            text = (text.replace("%1", format_sek(result.payable)).replace("%2", format_sek(result.rounding))
                    .replace("%3", format_sek(result.tendered)).replace("%4", format_sek(result.change)))
            self.last_sale_label.setText(
                "<b>" + escape(self.tr("Växel: %1 kr").replace("%1", format_sek(result.change))) + "</b><br/>"
                + escape(text))
        elif result.method == "card":
            text = self.tr("Kort %1 kr.").replace("%1", format_sek(result.payable))
            self.last_sale_label.setText(escape(text))
        elif result.invoice is not None:
            text = self.tr("Faktura %1 till %2, %3 kr.").replace("%1", str(result.invoice.number)).replace(
                "%2", result.invoice.buyer.get("name", "")).replace("%3", format_sek(result.payable))
            self.last_sale_label.setText(escape(text))
        if result.bonus:
            text += " " + self.tr("Bonus %1 kr.").replace("%1", format_sek(result.bonus))
        self.show_message(text)
        if result.invoice is not None:
            self.open_invoice(result.invoice.id)

    def _payment_failed(self, exc: BaseException) -> None:
        if isinstance(exc, InvoiceBlocked):
            text = self.tr("Fakturan är inte utfärdad: e-fakturan skulle stoppas. Rätta detta först:")
            self.show_message(text + "\n" + "\n".join(f"• {p}" for p in exc.problems), error=True)
        elif isinstance(exc, ValueError):  # TillError, InvoicingError: Swedish, for the cashier
            self.show_message(str(exc), error=True)
        else:
            log.error("payment failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.show_message(self.tr("Köpet kunde inte registreras: %1").replace("%1", str(exc)), error=True)

    def new_sale(self) -> None:
        if self._paying:
            return
        self.model.clear()
        self.set_customer(None)
        self.last_sale_label.clear()
        self.show_message(self.tr("Ny försäljning."))

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

        return self._show_single("hardware", lambda: HardwareDialog(
            Company.get_solo().org_number, config.till_designation(), self))

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
