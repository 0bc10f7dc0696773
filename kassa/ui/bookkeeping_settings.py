"""Inställningar → Bokföring: the account plan, reminders and interest, the SIE file.

Three tabs (Ctrl+Tab between them). The account table is edited in place (F2 or typing starts an
edit, Enter ends it); an article group can get a sales account of its own. "Spara" (Ctrl+S or
Enter outside the table) checks everything first and stores nothing when something is wrong,
saying what in Swedish under the tabs.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QDate, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kassa.bookkeeping import settings as bookkeeping_settings
from kassa.bookkeeping.accounts import (
    DEFAULTS,
    AccountPlan,
    AccountPlanError,
    group_key,
    is_group_key,
    label_of,
    save_plan,
)
from kassa.bookkeeping.reminders import LEGAL_FEE_CAP
from kassa.money import format_sek
from kassa.till import TillError, parse_decimal
from kassa.ui.focus import prepare_keyboard

_ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex
ERROR_STYLE = "color: #a40e26;"
OK_STYLE = "color: #1a7f37;"
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


class AccountTableModel(QAbstractTableModel):
    """Rows: (key, number, name). The first column says what the account is for."""

    HEADERS = ("Används för", "Konto", "Namn")

    def __init__(self, plan: AccountPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[list[str]] = [[key, account.number, account.name] for key, account in plan.items()]
        self.removed: list[str] = []

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key, number, name = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (label_of(key), number, name)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return key
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in (1, 2) else base

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() not in (1, 2):
            return False
        self.rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index)
        return True

    def add_group(self, rate: int, group: str) -> int:
        key = group_key(rate, group)
        for row, (existing, _n, _name) in enumerate(self.rows):
            if existing == key:
                return row
        base = next(r for r in self.rows if r[0] == f"sales:{rate}")
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append([key, base[1], f"Försäljning {group}, {rate} % moms"])
        self.endInsertRows()
        if key in self.removed:
            self.removed.remove(key)
        return len(self.rows) - 1

    def remove_group(self, row: int) -> bool:
        key = self.rows[row][0]
        if not is_group_key(key):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        self.removed.append(key)
        return True

    def reset_row(self, row: int) -> None:
        key = self.rows[row][0]
        default = next((d for d in DEFAULTS if d.key == key), None)
        if default is not None:
            self.rows[row][1:] = [default.number, default.name]
            self.dataChanged.emit(self.index(row, 1), self.index(row, 2))

    def values(self) -> dict[str, tuple[str, str]]:
        return {key: (number, name) for key, number, name in self.rows}


class BookkeepingSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("bookkeepingSettings")
        self.setWindowTitle(self.tr("Bokföring"))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._accounts_tab(), self.tr("&Kontoplan"))
        self.tabs.addTab(self._reminders_tab(), self.tr("&Påminnelser och ränta"))
        self.tabs.addTab(self._sie_tab(), self.tr("SIE-&fil"))
        self.message = QLabel(self)
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Spara"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        close_button = QPushButton(self.tr("S&täng"), self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(820, 560)
        prepare_keyboard(self)  # the first input has the focus; Tab follows the layout
        self.load()

    # --- tabs --------------------------------------------------------------------------------

    def _accounts_tab(self) -> QWidget:
        tab = QWidget(self)
        self.account_table = QTableView(tab)
        self.account_table.setObjectName("accountTable")
        self.account_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.account_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.account_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed
                                           | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.account_table.verticalHeader().setVisible(False)
        self.account_table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.group_rate = QComboBox(tab)
        self.group_rate.setObjectName("groupRate")
        for rate in (25, 12, 6, 0):
            self.group_rate.addItem(f"{rate} %", rate)
        self.group_name = QLineEdit(tab)
        self.group_name.setObjectName("groupName")
        self.group_name.setPlaceholderText(self.tr("Varugrupp, t.ex. Bröd"))
        add = QPushButton(self.tr("Lägg till &varugrupp"), tab)
        add.setObjectName("addGroupButton")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_group)
        self.group_name.installEventFilter(self)  # Enter adds the group (not: saves the dialog)
        remove = QPushButton(self.tr("Ta &bort varugrupp"), tab)
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_group)
        reset = QPushButton(self.tr("&Återställ BAS"), tab)
        reset.setAutoDefault(False)
        reset.clicked.connect(self.reset_account)
        row = QHBoxLayout()
        group_label = QLabel(self.tr("&Egen försäljningskonto för varugrupp:"), tab)
        group_label.setBuddy(self.group_name)
        for widget in (group_label, self.group_rate, self.group_name, add):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(remove)
        row.addWidget(reset)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("Konton enligt BAS-kontoplanen. Ändra dem så att de stämmer med "
                                        "företagets bokföring."), tab))
        layout.addWidget(self.account_table, 1)
        layout.addLayout(row)
        return tab

    def _reminders_tab(self) -> QWidget:
        tab = QWidget(self)
        self.fee_edit = QLineEdit(tab)
        self.fee_edit.setObjectName("reminderFee")
        self.agreed_check = QCheckBox(self.tr("Påminnelseavgiften är &avtalad med kunderna (senast när skulden "
                                              "uppkom, t.ex. i betalningsvillkoren)"), tab)
        self.agreed_check.setObjectName("feeAgreed")
        self.interest_check = QCheckBox(self.tr("Ta ut &dröjsmålsränta enligt räntelagen"), tab)
        self.interest_check.setObjectName("chargeInterest")
        self.margin_edit = QLineEdit(tab)
        self.margin_edit.setObjectName("interestMargin")
        self.days_spin = QSpinBox(tab)
        self.days_spin.setObjectName("reminderDays")
        self.days_spin.setRange(1, 60)
        self.days_spin.setSuffix(self.tr(" dagar"))
        self.rates = QTableWidget(0, 2, tab)
        self.rates.setObjectName("referenceRates")
        self.rates.setHorizontalHeaderLabels([self.tr("Gäller från"), self.tr("Referensränta %")])
        self.rates.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rates.verticalHeader().setVisible(False)
        self.rate_date = QDateEdit(tab)
        self.rate_date.setObjectName("rateDate")
        self.rate_date.setDisplayFormat("yyyy-MM-dd")
        self.rate_date.setCalendarPopup(True)
        today = dt.date.today()
        self.rate_date.setDate(QDate(today.year, 1 if today.month < 7 else 7, 1))
        self.rate_edit = QLineEdit(tab)
        self.rate_edit.setObjectName("rateValue")
        self.rate_edit.setPlaceholderText(self.tr("t.ex. 2,50"))
        self.rate_edit.installEventFilter(self)
        add_rate = QPushButton(self.tr("Lägg till &ränta"), tab)
        add_rate.setObjectName("addRateButton")
        add_rate.setAutoDefault(False)
        add_rate.clicked.connect(self.add_rate)
        remove_rate = QPushButton(self.tr("Ta bort rä&nta"), tab)
        remove_rate.setAutoDefault(False)
        remove_rate.clicked.connect(lambda: self.rates.removeRow(self.rates.currentRow())
                                    if self.rates.currentRow() >= 0 else None)
        form = QFormLayout()
        form.addRow(self.tr("Påminnelse&avgift (kr, högst %1):").replace("%1", format_sek(LEGAL_FEE_CAP)),
                    self.fee_edit)
        form.addRow("", self.agreed_check)
        form.addRow("", QLabel(self.tr("Avgiften tas ut en gång per faktura, på den första påminnelsen, och bara "
                                       "om den är avtalad."), tab))
        form.addRow("", self.interest_check)
        form.addRow(self.tr("Ränte&tillägg över referensräntan (procentenheter):"), self.margin_edit)
        form.addRow(self.tr("Betalningstid efter påminnelse:"), self.days_spin)
        rate_row = QHBoxLayout()
        for widget in (self.rate_date, self.rate_edit, add_rate, remove_rate):
            rate_row.addWidget(widget)
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Riksbankens referensränta, ett värde per halvår (1 januari och 1 juli):"),
                                tab))
        layout.addWidget(self.rates, 1)
        layout.addLayout(rate_row)
        return tab

    def _sie_tab(self) -> QWidget:
        tab = QWidget(self)
        self.year_start = QComboBox(tab)
        self.year_start.setObjectName("fiscalYearStart")
        for month, name in enumerate(MONTHS, start=1):
            self.year_start.addItem(name, month)
        self.series = {}
        form = QFormLayout(tab)
        form.addRow(self.tr("Räkenskapsåret börjar i:"), self.year_start)
        for key, label in (("series_day", "Serie för &dagsverifikationer (Z-rapporter):"),
                           ("series_invoice", "Serie för &fakturor och påminnelser:"),
                           ("series_payment", "Serie för &inbetalningar:")):
            edit = QLineEdit(tab)
            edit.setObjectName(key)
            edit.setPlaceholderText(self.tr("tom: redovisningsprogrammet väljer"))
            self.series[key] = edit
            form.addRow(self.tr(label), edit)
        return tab

    # --- loading and saving ------------------------------------------------------------------

    def load(self) -> None:
        self.account_model = AccountTableModel(AccountPlan.load(), self)
        self.account_table.setModel(self.account_model)
        header = self.account_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        values = bookkeeping_settings.BookkeepingValues.load()
        self.fee_edit.setText(format_sek(values.reminder_fee))
        self.agreed_check.setChecked(values.reminder_fee_agreed)
        self.interest_check.setChecked(values.charge_interest)
        self.margin_edit.setText(format_sek(values.interest_margin))
        self.days_spin.setValue(values.reminder_days)
        self.rates.setRowCount(0)
        for start, rate in values.reference_rates:
            self._rate_row(start, rate)
        self.year_start.setCurrentIndex(values.fiscal_year_start_month - 1)
        for key, edit in self.series.items():
            edit.setText(getattr(values, key))

    def _rate_row(self, start: dt.date, rate: Decimal) -> None:
        row = self.rates.rowCount()
        self.rates.insertRow(row)
        self.rates.setItem(row, 0, QTableWidgetItem(start.isoformat()))
        self.rates.setItem(row, 1, QTableWidgetItem(format_sek(rate)))

    def add_rate(self) -> None:
        try:
            rate = parse_decimal(self.rate_edit.text(), self.tr("Referensräntan"), 2)
        except TillError as exc:
            self._say(str(exc), ok=False)
            self.rate_edit.setFocus()
            return
        day = self.rate_date.date()
        self._rate_row(dt.date(day.year(), day.month(), day.day()), rate)
        self.rate_edit.clear()
        self.message.clear()

    def add_group(self) -> None:
        group = " ".join(self.group_name.text().split())
        if not group:
            self._say(self.tr("Skriv varugruppens namn."), ok=False)
            self.group_name.setFocus()
            return
        row = self.account_model.add_group(int(self.group_rate.currentData()), group)
        self.group_name.clear()
        self.account_table.setCurrentIndex(self.account_model.index(row, 1))
        self.account_table.setFocus()

    def remove_group(self) -> None:
        index = self.account_table.currentIndex()
        if not index.isValid() or not self.account_model.remove_group(index.row()):
            self._say(self.tr("Välj en varugrupp i tabellen för att ta bort den."), ok=False)

    def reset_account(self) -> None:
        index = self.account_table.currentIndex()
        if index.isValid():
            self.account_model.reset_row(index.row())

    def values(self) -> bookkeeping_settings.BookkeepingValues:
        """What the form says; TillError or SettingsError name a field that is wrong."""
        rates = []
        for row in range(self.rates.rowCount()):
            start_item, rate_item = self.rates.item(row, 0), self.rates.item(row, 1)
            start_text = start_item.text() if start_item is not None else ""
            rate_text = rate_item.text() if rate_item is not None else ""
            try:
                start = dt.date.fromisoformat(start_text.strip())
            except ValueError:
                raise bookkeeping_settings.SettingsError(
                    f"Referensräntans datum '{start_text}' ska skrivas ÅÅÅÅ-MM-DD.") from None
            rates.append((start, parse_decimal(rate_text, "Referensräntan", 2)))
        return bookkeeping_settings.BookkeepingValues(
            reminder_fee=parse_decimal(self.fee_edit.text() or "0", "Påminnelseavgiften", 2),
            reminder_fee_agreed=self.agreed_check.isChecked(),
            charge_interest=self.interest_check.isChecked(),
            interest_margin=parse_decimal(self.margin_edit.text() or "0", "Räntetillägget", 2),
            reminder_days=self.days_spin.value(),
            fiscal_year_start_month=int(self.year_start.currentData()),
            series_day=self.series["series_day"].text().strip(),
            series_invoice=self.series["series_invoice"].text().strip(),
            series_payment=self.series["series_payment"].text().strip(),
            reference_rates=rates,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is getattr(self, "group_name", None):
                self.add_group()
                return True
            if watched is getattr(self, "rate_edit", None):
                self.add_rate()
                return True
        return super().eventFilter(watched, event)

    def _commit_edit(self) -> None:
        """A cell still being edited (Ctrl+S typed in it) is taken as typed."""
        editor = QApplication.focusWidget()
        if (self.account_table.state() == QAbstractItemView.State.EditingState and editor is not None
                and self.account_table.isAncestorOf(editor)):
            self.account_table.commitData(editor)
            self.account_table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def save(self) -> None:
        self._commit_edit()
        try:
            values = self.values()
            bookkeeping_settings.check(values)
            save_plan(self.account_model.values(), self.account_model.removed)
            bookkeeping_settings.save(values)
        except (TillError, bookkeeping_settings.SettingsError, AccountPlanError) as exc:
            self._say(str(exc), ok=False)
            return
        self.account_model.removed.clear()
        self._say(self.tr("Sparat."))

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
