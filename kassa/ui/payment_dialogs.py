"""The small dialogs of paying at the till: cash tendered, card approved, ID check, claim number,
buyer's reference.

Each opens with the keyboard in its first field (a space typed into a name never presses
Avbryt), Enter confirms and Esc cancels. Each keeps its OK button disabled until what it
asks for is filled in, so an invoice that the category says needs an ID check or a claim
number cannot be issued without it; Enter on an unfinished form says what is missing. The cash
dialog refuses an amount below what is to be paid in place, under the amount.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.money import Totals, format_sek
from kassa.till import TillError, parse_decimal
from kassa.ui.focus import prepare_keyboard
from kassa.ui.validated_fields import ERROR_STYLE, MessageLine

ID_KINDS = ("Körkort", "Pass", "Nationellt id-kort", "Id-kort (SIS-märkt)", "Annan legitimation")


class _FormDialog(QDialog):
    """A form with OK/Avbryt; subclasses say when OK may be pressed."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro, self)
            text.setWordWrap(True)
            layout.addWidget(text)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        # What is missing or wrong, said where the cashier looks; its line is always kept.
        self.message = MessageLine(self)
        self.message.setObjectName("formMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Avbryt"))
        self.buttons.accepted.connect(self._accept_if_complete)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._keyboard_ready = False

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def is_complete(self) -> bool:
        return True

    def big_label(self, text: str, name: str) -> QLabel:
        """An amount the cashier reads from a step away: large and bold."""
        label = QLabel(text, self)
        label.setObjectName(name)
        font = QFont()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        label.setFont(font)
        return label

    def missing(self) -> str:
        """What to fill in before OK, in Swedish (said when Enter is pressed too early)."""
        return self.tr("Fyll i fälten först.")

    def _update(self) -> None:
        self.ok_button.setEnabled(self.is_complete())
        if self.is_complete():
            self.message.setText("")

    def _accept_if_complete(self) -> None:
        if self.is_complete():
            self.accept()
        else:
            self.message.setText(self.missing())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        # Subclasses add their fields after this base is built: order the keys once all are there.
        if not self._keyboard_ready:
            self._keyboard_ready = True
            prepare_keyboard(self)
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.ok_button.isEnabled():
            self.message.setText(self.missing())  # the disabled OK would swallow it without a word
            event.accept()
            return
        super().keyPressEvent(event)


class IdCheckDialog(_FormDialog):
    """Legitimationskontroll: the kind of ID shown and its number."""

    def __init__(self, customer_name: str, parent: QWidget | None = None):
        super().__init__(self.tr("Legitimation"),
                         self.tr("Kundens kategori kräver legitimation vid fakturering från kassan. "
                                 "Kontrollera legitimationen och fyll i typ och nummer för %1.")
                         .replace("%1", customer_name), parent)
        self.kind = QComboBox(self)
        self.kind.setObjectName("idKind")
        self.kind.setEditable(True)
        self.kind.addItem("")
        self.kind.addItems(ID_KINDS)
        self.number = QLineEdit(self)
        self.number.setObjectName("idNumber")
        self.form.addRow(self.tr("Legitimationstyp:"), self.kind)
        self.form.addRow(self.tr("Nummer:"), self.number)
        self.kind.currentTextChanged.connect(self._update)
        self.number.textChanged.connect(self._update)
        self._update()

    def is_complete(self) -> bool:
        return bool(self.kind.currentText().strip() and self.number.text().strip())

    def missing(self) -> str:
        if not self.kind.currentText().strip():
            return self.tr("Välj eller skriv legitimationstyp.")
        return self.tr("Skriv legitimationens nummer.")

    def values(self) -> tuple[str, str]:
        return self.kind.currentText().strip(), self.number.text().strip()


class TextDialog(_FormDialog):
    """One line of text: the claim number (required) or the buyer's reference."""

    def __init__(self, title: str, intro: str, label: str, *, required: bool, text: str = "",
                 object_name: str = "", missing: str = "", parent: QWidget | None = None):
        super().__init__(title, intro, parent)
        self.required = required
        self._missing = missing
        self.field = QLineEdit(text, self)
        self.field.setObjectName(object_name)
        self.form.addRow(label, self.field)
        self.field.textChanged.connect(self._update)
        self._update()

    def is_complete(self) -> bool:
        return bool(self.field.text().strip()) or not self.required

    def missing(self) -> str:
        return self._missing or super().missing()

    def value(self) -> str:
        return self.field.text().strip()


def _tr(text: str) -> str:
    return QCoreApplication.translate("PaymentDialogs", text)


def claim_number_dialog(customer_name: str, parent: QWidget | None = None) -> TextDialog:
    intro = _tr("%1 är ett försäkringsbolag. Fakturan måste ha skadenumret som referens.").replace("%1", customer_name)
    return TextDialog(_tr("Skadenummer"), intro, _tr("Skadenummer:"), required=True, object_name="claimNumber",
                      missing=_tr("Skriv skadenumret."), parent=parent)


def reference_dialog(customer_name: str, required: bool, parent: QWidget | None = None) -> TextDialog:
    intro = _tr("%1 har ingen Er referens i kundregistret. Vem hos kunden har beställt?").replace("%1", customer_name)
    if required:
        intro += " " + _tr("En e-faktura måste ha en referens, annars stoppas den.")
    else:
        intro += " " + _tr("Lämna tomt om kunden inte har någon.")
    return TextDialog(_tr("Er referens"), intro, _tr("Er referens:"), required=required,
                      object_name="buyerReference", missing=_tr("Skriv kundens referens."), parent=parent)


class CashDialog(_FormDialog):
    """Kontant: the rounded amount to pay, what the customer hands over, the change."""

    def __init__(self, totals: Totals, parent: QWidget | None = None):
        super().__init__(self.tr("Kontantbetalning"), "", parent)
        self.totals = totals
        payable = self.big_label(f"{format_sek(totals.payable)} kr", "cashPayable")
        self.form.addRow(self.tr("Summa:"), QLabel(f"{format_sek(totals.tax_inclusive)} kr", self))
        rounding = QLabel(f"{format_sek(totals.rounding)} kr", self)
        rounding.setObjectName("cashRounding")
        self.form.addRow(self.tr("Öresavrundning:"), rounding)
        self.form.addRow(self.tr("Att betala:"), payable)
        self.tendered = QLineEdit(format_sek(totals.payable).replace("\u00a0", ""), self)
        self.tendered.setObjectName("cashTendered")
        self.tendered.setAlignment(Qt.AlignmentFlag.AlignRight)
        received = QLabel(self.tr("&Mottaget:"), self)
        received.setBuddy(self.tendered)
        self.form.addRow(received, self.tendered)
        self.change = self.big_label("", "cashChange")
        self.form.addRow(self.tr("Växel:"), self.change)
        self.tendered.textChanged.connect(self._update)
        self._update()

    def tendered_amount(self) -> Decimal | None:
        try:
            return parse_decimal(self.tendered.text(), self.tr("Mottaget belopp"), 2, minimum=Decimal(0))
        except TillError:
            return None

    def is_complete(self) -> bool:
        amount = self.tendered_amount()
        return amount is not None and amount >= self.totals.payable

    def missing(self) -> str:
        amount = self.tendered_amount()
        if amount is None:
            return self.tr("Skriv beloppet kunden lämnar, t.ex. 100.")
        return self.tr("Mottaget är för lite: det fattas %1 kr.").replace(
            "%1", format_sek(self.totals.payable - amount))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        # The proposed amount selected: typing what the customer hands over replaces it.
        self.tendered.setFocus(Qt.FocusReason.TabFocusReason)
        self.tendered.selectAll()

    def _accept_if_complete(self) -> None:
        super()._accept_if_complete()
        if not self.is_complete():  # refused: the amount stays, selected, to be typed again
            self.tendered.setFocus()
            self.tendered.selectAll()

    def _update(self) -> None:
        # OK stays pressable: Enter on too little says so here instead of doing nothing.
        if self.is_complete():
            self.message.setText("")
        amount = self.tendered_amount()
        if amount is None:
            self.change.setText(self.tr("Skriv beloppet kunden lämnar, t.ex. 100"))
        elif amount < self.totals.payable:
            self.change.setText(self.tr("Det fattas %1 kr").replace("%1", format_sek(self.totals.payable - amount)))
        else:
            self.change.setText(f"{format_sek(amount - self.totals.payable)} kr")


class CardDialog(_FormDialog):
    """Kort: the amount to take on the card terminal, and the cashier's word that it went through.

    Nothing is registered before the cashier confirms: a declined card is cancelled with Esc."""

    def __init__(self, totals: Totals, parent: QWidget | None = None, *, title: str = "", intro: str = "",
                 confirm: str = "", decline: str = "", amount_name: str = "cardAmount"):
        # Swish (kassa.ui.till.payment_dialogs) is confirmed the same way, with its own words.
        super().__init__(title or self.tr("Kortbetalning"),
                         intro or self.tr("Ta betalt i kortterminalen. Bekräfta här först när terminalen har godkänt "
                                          "köpet."),
                         parent)
        self.totals = totals
        amount = self.big_label(f"{format_sek(totals.payable)} kr", amount_name)
        self.form.addRow(self.tr("Att betala:"), amount)
        self.ok_button.setText(confirm or self.tr("&Godkänd i terminalen"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(decline or self.tr("Avbryt (nekad)"))
        self.ok_button.setDefault(True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.ok_button.setFocus(Qt.FocusReason.TabFocusReason)  # no field to type in: Enter confirms
