"""Manuell faktura: free lines for a chosen customer, then the same invoice dialog and print path.

Whether prices are entered with VAT follows the customer's category (Registrera manuell faktura
inkl moms), and the dialog says so next to the price field. The category's ID check does not
apply to manual invoices (the vendor's handbook); the claim number of an insurance company does.

Each line has a VAT group (its rate on the delivery date) or names reverse charge, an intra-EU
supply or an export itself; a discount of 0–100 %. The invoice can be written in EUR or NOK with
the exchange rate and its date, so that its VAT is stated in kronor too. What the issue refuses
is said here, in Swedish, and the field it concerns gets the focus.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
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

from kassa.invoice_input import PRICE_DECIMALS
from kassa.invoicing import InvoicingError, issue_invoice, resolve_line
from kassa.models import Customer
from kassa.money import LineInput, compute_totals, format_price, format_sek
from kassa.till import TillError, format_quantity, parse_decimal
from kassa.ui.customer_picker import CustomerPicker, customer_label
from kassa.ui.focus import order_tabs
from kassa.ui.vat_groups import group_label
from kassa.ui.workers import run_in_background
from kassa.units import UNITS, unit_word
from kassa.vat.categories import CATEGORIES
from kassa.vat.currency import CURRENCIES
from kassa.vat.rates import GroupRate, groups, periods_of, rate_in_periods

# What a line can name itself besides a VAT group: the buyer accounts for the VAT, or none is due here.
LINE_CATEGORIES = ("AE", "K", "G")


def issue_manual(customer_id: int, lines: list[LineInput], buyer_reference: str, claim_reference: str,
                 till: str, **invoice: object) -> int:
    """The worker job: the e-invoice checks for a Pagero customer, then the invoice. Returns its id.
    `invoice` passes delivery date, currency and exchange rate on to issue_invoice."""
    from kassa.peppol.checks import check_before_issue

    customer = Customer.get_by_id(customer_id)
    check_before_issue(customer, buyer_reference, claim_reference)
    return issue_invoice(customer, lines, manual=True, buyer_reference=buyer_reference,
                         claim_reference=claim_reference, till=till, **invoice).id  # type: ignore[arg-type]


def parse_date(text: str, what: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TillError(f"{what}: '{text}' är inget datum. Skriv ÅÅÅÅ-MM-DD.") from None


class ManualInvoiceDialog(QDialog):
    issued = Signal(int)  # the new invoice's id

    def __init__(self, parent: QWidget | None = None, till: str = ""):
        super().__init__(parent)
        self.setObjectName("manualInvoiceDialog")
        self.setWindowTitle(self.tr("Manuell faktura"))
        self.till = till
        self.customer: Customer | None = None
        self.lines: list[LineInput] = []
        self._working = False

        customer_box = QGroupBox(self.tr("&Kund"), self)
        self.customer_picker = CustomerPicker(customer_box)
        self.customer_picker.chosen.connect(self.set_customer)
        self.customer_label = QLabel(self.tr("Ingen kund vald"), customer_box)
        self.customer_label.setObjectName("manualCustomerLabel")
        self.customer_label.setTextFormat(Qt.TextFormat.RichText)
        self.customer_label.setWordWrap(True)
        self.reference = QLineEdit(customer_box)
        self.reference.setObjectName("manualReference")
        self.claim = QLineEdit(customer_box)
        self.claim.setObjectName("manualClaim")
        self.claim_label = QLabel(self.tr("Skade&nummer:"), customer_box)
        self.delivery = QLineEdit(dt.date.today().isoformat(), customer_box)
        self.delivery.setObjectName("manualDeliveryDate")
        self.delivery.textChanged.connect(lambda _text: self._refresh())
        self.currency = QComboBox(customer_box)
        self.currency.setObjectName("manualCurrency")
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        self.rate = QLineEdit(customer_box)
        self.rate.setObjectName("manualExchangeRate")
        self.rate.setPlaceholderText(self.tr("kronor per 1 enhet, t.ex. 11,4523"))
        self.rate_date = QLineEdit(customer_box)
        self.rate_date.setObjectName("manualExchangeRateDate")
        self.rate_date.setPlaceholderText(self.tr("ÅÅÅÅ-MM-DD"))
        self.rate_label = QLabel(self.tr("Växelk&urs (SEK):"), customer_box)
        self.rate_date_label = QLabel(self.tr("Kurs&datum:"), customer_box)
        self.currency.currentIndexChanged.connect(lambda _i: self._currency_changed())
        form = QFormLayout()
        form.addRow(self.tr("Er &referens:"), self.reference)
        self.claim_label.setBuddy(self.claim)
        self.rate_label.setBuddy(self.rate)
        self.rate_date_label.setBuddy(self.rate_date)
        form.addRow(self.claim_label, self.claim)
        form.addRow(self.tr("&Leveransdatum:"), self.delivery)
        form.addRow(self.tr("&Valuta:"), self.currency)
        form.addRow(self.rate_label, self.rate)
        form.addRow(self.rate_date_label, self.rate_date)
        self.claim.setVisible(False)
        self.claim_label.setVisible(False)
        box = QVBoxLayout(customer_box)
        box.addWidget(self.customer_picker)
        box.addWidget(self.customer_label)
        box.addLayout(form)

        lines_box = QGroupBox(self.tr("Rader"), self)
        self.vat_mode = QLabel(lines_box)
        self.vat_mode.setObjectName("vatModeLabel")
        self.description = QLineEdit(lines_box)
        self.description.setObjectName("lineDescription")
        self.description.setPlaceholderText(self.tr("Beskrivning"))
        # The line's text is what the customer reads: room for it, whatever the other fields ask for.
        self.description.setMinimumWidth(self.description.fontMetrics().horizontalAdvance("M" * 16))
        self.quantity = QLineEdit("1", lines_box)
        self.quantity.setObjectName("lineQuantity")
        self.quantity.setMaximumWidth(70)
        self.unit = QComboBox(lines_box)
        self.unit.setObjectName("lineUnit")
        for code, label in UNITS:
            self.unit.addItem(label, code)
        self.price = QLineEdit(lines_box)
        self.price.setObjectName("linePrice")
        self.price.setPlaceholderText(self.tr("À-pris"))
        self.price.setMinimumWidth(self.price.fontMetrics().horizontalAdvance(self.tr("À-pris inkl. moms")) + 24)
        self.price.setMaximumWidth(170)
        self.discount = QLineEdit(lines_box)
        self.discount.setObjectName("lineDiscount")
        self.discount.setPlaceholderText(self.tr("Rabatt %"))
        self.discount.setMaximumWidth(80)
        self.vat = QComboBox(lines_box)
        self.vat.setObjectName("lineVat")
        # The groups and their dated rates, read once: the lines show the rate of the delivery date as typed.
        self._groups = {group.id: (group, periods_of(group)) for group in groups()}
        for group, _periods in self._groups.values():
            self.vat.addItem(group_label(group), ("group", group.id))
        for code in LINE_CATEGORIES:
            self.vat.addItem(f"{CATEGORIES[code].name} ({code}, 0 %)", ("category", code))
        # Its longest entry (a 0 % category's name) must not take the description's width; the list opens wide.
        self.vat.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.vat.setMinimumContentsLength(len("Standard (25 %)") + 2)
        self.vat.view().setMinimumWidth(self.vat.view().sizeHintForColumn(0) + 24)
        self.add_button = QPushButton(self.tr("Lä&gg till rad"), lines_box)
        self.add_button.setObjectName("addLineButton")
        self.add_button.clicked.connect(self.add_line)
        for field in (self.description, self.quantity, self.price, self.discount):
            field.returnPressed.connect(self.add_line)
        entry = QHBoxLayout()
        entry.addWidget(self.description, 1)
        entry.addWidget(self.quantity)
        entry.addWidget(self.unit)
        entry.addWidget(self.price)
        entry.addWidget(self.discount)
        entry.addWidget(self.vat)
        entry.addWidget(self.add_button)

        self.table = QTableWidget(0, 6, lines_box)
        self.table.setObjectName("manualLines")
        self.table.setHorizontalHeaderLabels([self.tr("Beskrivning"), self.tr("Antal"), self.tr("Enhet"),
                                              self.tr("À-pris"), self.tr("Moms %"), self.tr("Belopp")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.remove_button = QPushButton(self.tr("Ta &bort rad"), lines_box)
        self.remove_button.clicked.connect(self.remove_line)
        box = QVBoxLayout(lines_box)
        box.addWidget(self.vat_mode)
        box.addLayout(entry)
        box.addWidget(self.table, 1)
        box.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.totals_label = QLabel(self)
        self.totals_label.setObjectName("manualTotals")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(self)
        self.message.setObjectName("manualMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.create_button = QPushButton(self.tr("Skapa &faktura"), self)
        self.create_button.setObjectName("createInvoiceButton")
        self.create_button.clicked.connect(self.create_invoice)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.clicked.connect(self.close)
        for button in (self.add_button, self.remove_button, self.create_button, close_button):
            button.setAutoDefault(False)  # Enter in a line field adds the line, nothing else
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals_label, 1)
        bottom.addWidget(self.create_button)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(customer_box)
        layout.addWidget(lines_box, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(940, 700)
        self._currency_changed()
        self.table.setTabKeyNavigation(False)  # Tab leaves the lines; the arrows move in them
        order_tabs(self)
        self._refresh()
        self.customer_picker.focus()

    # --- customer ----------------------------------------------------------------------------

    @property
    def prices_include_vat(self) -> bool:
        category = self.customer.category if self.customer and self.customer.category_id else None
        return bool(category and category.manual_incl_vat)

    def set_customer(self, customer: Customer) -> None:
        self.customer = Customer.get_by_id(customer.id)
        category = self.customer.category if self.customer.category_id else None
        text = f"<b>{escape(customer_label(self.customer))}</b>"
        if category is not None:
            text += "<br/>" + escape(self.tr("Kategori: %1").replace("%1", category.name))
            if category.sends_via_pagero:
                text += "<br/>" + escape(self.tr("Fakturan skickas som e-faktura via Pagero."))
        self.customer_label.setText(text)
        self.reference.setText(self.customer.reference)
        insurance = bool(category and category.insurance_company)
        self.claim.setVisible(insurance)
        self.claim_label.setVisible(insurance)
        for line in self.lines:
            line.price_includes_vat = self.prices_include_vat
        self._refresh()
        self.description.setFocus()

    # --- lines -------------------------------------------------------------------------------

    def add_line(self) -> None:
        try:
            description = self.description.text().strip()
            if not description:
                raise TillError(self.tr("Skriv en beskrivning av raden."))
            field = self.quantity
            quantity = parse_decimal(self.quantity.text(), self.tr("Antal"), 3, minimum=Decimal("0.001"))
            field = self.price
            price = parse_decimal(self.price.text(), self.tr("À-pris"), PRICE_DECIMALS, minimum=Decimal(0))
            field = self.discount
            discount = parse_decimal(self.discount.text() or "0", self.tr("Rabatt"), 2, minimum=Decimal(0),
                                     maximum=Decimal(100))
        except TillError as exc:
            self._say(str(exc), ok=False)
            field.setFocus()
            return
        kind, value = self.vat.currentData()
        if kind == "group":
            group = self._groups[value][0]
            vat = dict(vat_rate=0, vat_category=group.category, vat_group_id=value)  # the rate: _as_issued
        else:
            vat = dict(vat_rate=0, vat_category=value)
        self.lines.append(LineInput(description=description, quantity=quantity, unit_price=price,
                                    unit=self.unit.currentData(), price_includes_vat=self.prices_include_vat,
                                    discount_percent=discount, **vat))
        self.description.clear()
        self.quantity.setText("1")
        self.price.clear()
        self.discount.clear()
        self.message.clear()
        self._refresh()
        self.description.setFocus()

    def remove_line(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lines):
            del self.lines[row]
            self._refresh()

    def _as_issued(self) -> list[LineInput]:
        """The lines as issue_invoice will make them: each group's rate on the delivery date typed (today
        while it is no date) and the customer's VAT treatment (kassa.invoicing.resolve_line)."""
        try:
            day = parse_date(self.delivery.text(), "") or dt.date.today()
        except TillError:
            day = dt.date.today()
        treatment = (self.customer.vat_treatment or "") if self.customer is not None else ""
        shown = []
        for line in self.lines:
            found = None
            if line.vat_group_id in self._groups:
                group, periods = self._groups[line.vat_group_id]
                rate = rate_in_periods(periods, day)
                if rate is not None:
                    found = GroupRate(group.id, group.name, rate, group.category, group.reason_code,
                                      group.reason_text)
            shown.append(resolve_line(line, treatment, found))
        return shown

    def _refresh(self) -> None:
        incl = self.prices_include_vat
        mode = self.tr("Priser anges inklusive moms") if incl else self.tr("Priser anges exklusive moms")
        self.vat_mode.setText(f"<b>{escape(mode)}</b>")
        self.price.setPlaceholderText(self.tr("À-pris inkl. moms") if incl else self.tr("À-pris exkl. moms"))
        shown = self._as_issued()
        totals = compute_totals(shown)
        self.table.setRowCount(len(self.lines))
        for row, (entered, line, computed) in enumerate(zip(self.lines, shown, totals.lines, strict=True)):
            values = [line.description, format_quantity(line.quantity), unit_word(line.unit),
                      format_price(entered.unit_price), str(line.vat_rate), format_sek(computed.line_amount)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        parts = [self.tr("Exkl. moms: %1").replace("%1", format_sek(totals.tax_exclusive))]
        parts += [self.tr("Moms %1 %: %2").replace("%1", str(v.rate)).replace("%2", format_sek(v.tax))
                  if v.category in ("S", "") else CATEGORIES[v.category].name for v in totals.vat]
        currency = self.currency.currentData()
        parts.append("<b>" + escape(self.tr("Summa: %1 %2").replace("%1", format_sek(totals.tax_inclusive))
                                    .replace("%2", "kr" if currency == "SEK" else currency)) + "</b>")
        self.totals_label.setText(" · ".join(parts))
        self.create_button.setEnabled(bool(self.lines) and self.customer is not None and not self._working)

    def _currency_changed(self) -> None:
        foreign = self.currency.currentData() != "SEK"
        for widget in (self.rate, self.rate_date, self.rate_label, self.rate_date_label):
            widget.setVisible(foreign)
        if foreign and not self.rate_date.text():
            self.rate_date.setText(dt.date.today().isoformat())
        self._refresh()  # the sum's currency

    def _say(self, text: str, ok: bool = True) -> None:
        color = "#1b5e20" if ok else "#b71c1c"
        self.message.setText(f"<span style='color:{color}'>{escape(text).replace(chr(10), '<br/>')}</span>")

    # --- issuing -----------------------------------------------------------------------------

    def create_invoice(self) -> None:
        if self._working or self.customer is None or not self.lines:
            return
        if self.claim.isVisible() and not self.claim.text().strip():
            self._say(self.tr("Kunden är ett försäkringsbolag: fyll i skadenummer."), ok=False)
            self.claim.setFocus()
            return
        try:
            delivery = parse_date(self.delivery.text(), self.tr("Leveransdatum"))
            rate_date = parse_date(self.rate_date.text(), self.tr("Kursdatum"))
        except TillError as exc:
            self._say(str(exc), ok=False)
            (self.delivery if "Leverans" in str(exc) else self.rate_date).setFocus()
            return
        self._working = True
        self._refresh()
        self._say(self.tr("Skapar fakturan …"))
        lines = [LineInput(**vars(line)) for line in self.lines]
        foreign = self.currency.currentData() != "SEK"
        run_in_background(issue_manual, self.customer.id, lines, self.reference.text().strip(),
                          self.claim.text().strip(), self.till, delivery_date=delivery,
                          currency=self.currency.currentData(),
                          exchange_rate=self.rate.text().strip() if foreign else None,
                          exchange_rate_date=rate_date if foreign else None,
                          on_result=self._issued, on_error=self._failed, on_done=self._done)

    def _issued(self, invoice_id: int) -> None:
        from kassa.ui.invoices import open_invoice

        self.lines = []
        self._say(self.tr("Fakturan är skapad."))
        self.issued.emit(invoice_id)
        open_invoice(invoice_id, self.parentWidget() or self, self.till)
        self.close()

    def _failed(self, exc: BaseException) -> None:
        problems = getattr(exc, "problems", None)
        if problems:
            self._say(self.tr("Fakturan är inte skapad: e-fakturan skulle stoppas. Rätta detta först:") + "\n"
                      + "\n".join(f"• {p}" for p in problems), ok=False)
        else:
            self._say(str(exc), ok=False)
        if isinstance(exc, InvoicingError):
            self._point_at(exc.field)

    def _point_at(self, field: str) -> None:
        """Put the focus where the problem is: a header field, or the line in the table."""
        widgets = {"exchange_rate": self.rate, "exchange_rate_date": self.rate_date, "currency": self.currency,
                   "delivery_date": self.delivery, "buyer_reference": self.reference, "claim_reference": self.claim}
        if field in widgets:
            widgets[field].setFocus()
        elif field.startswith("lines["):
            row = int(field[6:field.index("]")]) - 1
            if 0 <= row < self.table.rowCount():
                self.table.selectRow(row)
                self.table.setFocus()

    def _done(self) -> None:
        self._working = False
        self._refresh()
