"""The till's day in small forms: the cash float that opens it (Öppna dag), cash put in or taken out
(Kontant in / Kontant ut) with its reason, and the counted cash that closes it (Z-dagrapport).

Each opens with the keyboard in its amount, Enter confirms and Esc cancels; what is wrong is said
under the field it is about, and the form stays as typed. The forms only ask: the register's
calls run in kassa.ui.day_functions, in a worker.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kassa.identifiers import InvalidIdentifier
from kassa.money import format_sek
from kassa.register.figures import DayFigures
from kassa.ui.focus import prepare_keyboard
from kassa.ui.validated_fields import ERROR_STYLE, Checker, ValidatedLineEdit, focus_first_error, parse_amount

CASH_IN, CASH_OUT = "in", "out"


def positive_amount(field: str) -> Checker:
    """A checker for an amount above zero ("200", "1 234,50")."""
    def check(text: str) -> Decimal:
        amount = parse_amount(text, field)
        if amount <= 0:
            raise InvalidIdentifier(field, f"{field} måste vara större än noll.")
        return amount

    return check


TITLE_BAR_EXTRA = 160  # the window icon and the minimise, maximise and close buttons, with room to spare


def title_width(title: str) -> int:
    """Wide enough for the window manager to show the whole title (in bold, as most title bars are),
    besides its icon and buttons: a small form would otherwise cut it ("Öppna da… kassa 1")."""
    font = QFont()
    font.setBold(True)
    return QFontMetrics(font).horizontalAdvance(title) + TITLE_BAR_EXTRA


def _kr(amount: Decimal) -> str:
    return f"{format_sek(amount)} kr"


class _DayForm(QDialog):
    """A form with its fields, a confirm button and Avbryt. Confirming checks `fields()` and emits
    `submitted`; whoever does the work calls `accept()` when it is done, or `fail(text)`, which says
    why under the form and keeps everything as typed."""

    submitted = Signal()

    def __init__(self, title: str, intro: str, confirm: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.layout_ = QVBoxLayout(self)
        if intro:
            text = QLabel(intro, self)
            text.setWordWrap(True)
            self.layout_.addWidget(text)
        self.form = QFormLayout()  # filled by the subclass; laid out in finish_layout()
        self.message = QLabel(self)
        self.message.setObjectName("dayFormMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.ok_button: QPushButton = self.buttons.addButton(confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        # No setDefault here: QDialogButtonBox makes its accept button the default when shown, and with
        # one set beforehand focus.order_tabs took the box for one widget and Tab skipped the second field.
        cancel = self.buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.confirm)
        cancel.clicked.connect(self.reject)
        self.busy = False
        self._keyboard_ready = False

    def finish_layout(self) -> None:
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(max(self.minimumWidth(), title_width(self.windowTitle())))

    def amount_field(self, label: str, checker: Checker, name: str, text: str = "") -> ValidatedLineEdit:
        field = ValidatedLineEdit(checker, required=True, required_message=self.tr("Skriv ett belopp, t.ex. 500."))
        field.edit.setObjectName(name)
        field.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        field.setText(text)
        caption = QLabel(label)
        caption.setBuddy(field)
        self.form.addRow(caption, field)
        return field

    def big_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        font = QFont()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        label.setFont(font)
        return label

    def fields(self) -> list[ValidatedLineEdit]:
        return []

    def confirm(self) -> None:
        if self.busy:
            return  # the work is on its way
        for field in self.fields():
            field.show_problem()
        if focus_first_error(self.fields()) is None:
            self.message.hide()
            self._set_busy(True)
            self.submitted.emit()

    def finish(self) -> None:
        """The work is done: close."""
        self._set_busy(False)
        self.accept()

    def fail(self, text: str) -> None:
        """The work was refused: say why, keep what was typed."""
        self._set_busy(False)
        self.message.setText(text)
        self.message.show()
        self._fit_height()
        if self.fields():
            self.fields()[0].edit.setFocus()

    def _fit_height(self) -> None:
        """Grow the window to the whole of a wrapped text: a window's minimum size ignores that a wrapping
        label needs more lines at its width, so a long refusal would be cut at top and bottom."""
        self.layout_.activate()
        needed = max(self.layout_.totalHeightForWidth(self.width()), self.layout_.totalSizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)

    def done(self, result: int) -> None:
        if self.busy:
            return  # Esc while the register works: the answer comes to this form
        super().done(result)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        if not self._keyboard_ready:  # the subclass's fields are all there now
            self._keyboard_ready = True
            prepare_keyboard(self)
        super().showEvent(event)


class OpenDayDialog(_DayForm):
    """Öppna dag: the cash float (växelkassa) in the drawer before the first sale."""

    def __init__(self, till: str, proposal: Decimal | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Öppna dagen – kassa %1").replace("%1", till),
                         self.tr("Dagen är inte öppnad. Räkna växelkassan i kassalådan och skriv beloppet. "
                                 "Försäljningen kan börja när dagen är öppnad."),
                         self.tr("Öppna &dagen"), parent)
        self.setObjectName("openDayDialog")
        text = format_sek(proposal).replace("\u00a0", " ") if proposal is not None else ""
        self.float_edit = self.amount_field(self.tr("&Växelkassa (kr):"), lambda t: parse_amount(t, "Växelkassa"),
                                            "floatAmount", text)
        self.finish_layout()

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.float_edit]

    def amount(self) -> Decimal:
        return parse_amount(self.float_edit.text(), "Växelkassa")


class CashMoveDialog(_DayForm):
    """Kontant in / Kontant ut: the amount and why (Växel från banken, Till banken …)."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        into = kind == CASH_IN
        super().__init__(self.tr("Kontant in") if into else self.tr("Kontant ut"),
                         self.tr("Pengar som läggs i kassalådan utan försäljning, t.ex. växel från banken.") if into
                         else self.tr("Pengar som tas ur kassalådan utan försäljning, t.ex. till banken."),
                         self.tr("&Registrera"), parent)
        self.kind = kind
        self.setObjectName("cashInDialog" if into else "cashOutDialog")
        self.amount_edit = self.amount_field(self.tr("&Belopp (kr):"), positive_amount("Belopp"), "cashMoveAmount")
        self.reason_edit = ValidatedLineEdit(required=True, required_message=self.tr("Skriv varför, t.ex. "
                                                                                     "'Växel från banken'."),
                                             placeholder=self.tr("Växel från banken") if into
                                             else self.tr("Till banken"))
        self.reason_edit.edit.setObjectName("cashMoveReason")
        self.reason_edit.edit.setMaxLength(72)  # a text of the journal export holds 72 characters
        caption = QLabel(self.tr("&Orsak:"))
        caption.setBuddy(self.reason_edit)
        self.form.addRow(caption, self.reason_edit)
        self.finish_layout()

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.amount_edit, self.reason_edit]

    def amount(self) -> Decimal:
        return positive_amount("Belopp")(self.amount_edit.text())

    def reason(self) -> str:
        return self.reason_edit.text()


class CloseDayDialog(_DayForm):
    """Z-dagrapport: the cash the drawer should hold, the cash counted, the difference; then close."""

    def __init__(self, figures: DayFigures, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Z-dagrapport – stäng dag %1").replace("%1", str(figures.day_number)),
                         self.tr("Räkna kontanterna i kassalådan och skriv summan. Z-dagrapporten stänger dagen: "
                                 "dagens kvitton låses och rättelser görs sedan med retur."),
                         self.tr("&Stäng dagen"), parent)
        self.setObjectName("closeDayDialog")
        self.figures = figures
        rows = [(self.tr("Växelkassa"), figures.float_amount), (self.tr("Insättningar"), figures.cash_in),
                (self.tr("Uttag"), -figures.cash_out),
                (self.tr("Kontant försäljning (netto)"), figures.means_net("cash"))]
        for label, amount in rows:
            value = QLabel(_kr(amount), self)
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.form.addRow(label + ":", value)
        self.expected = self.big_label("expectedCash")
        self.expected.setText(_kr(figures.expected_cash))
        self.expected.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.addRow(self.tr("Kontanter enligt kassan:"), self.expected)
        self.counted_edit = self.amount_field(self.tr("&Räknade kontanter (kr):"),
                                              lambda t: parse_amount(t, "Räknade kontanter"), "countedCash")
        self.difference = self.big_label("cashDifference")
        self.difference.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.addRow(self.tr("Kassadifferens:"), self.difference)
        self.finish_layout()
        self.counted_edit.edit.textChanged.connect(self._show_difference)
        self._show_difference()

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.counted_edit]

    def counted(self) -> Decimal:
        return parse_amount(self.counted_edit.text(), "Räknade kontanter")

    def _show_difference(self) -> None:
        if not self.counted_edit.text() or not self.counted_edit.is_valid():
            self.difference.setText(self.tr("skriv räknade kontanter"))
            self.difference.setStyleSheet("")
            return
        difference = self.counted() - self.figures.expected_cash
        if difference > 0:
            text, style = self.tr("%1 (överskott)").replace("%1", _kr(difference)), "color: #1b5e20;"
        elif difference < 0:
            text, style = self.tr("%1 (underskott)").replace("%1", _kr(difference)), "color: #b71c1c;"
        else:
            text, style = _kr(difference), ""
        self.difference.setText(text)
        self.difference.setStyleSheet(style)
