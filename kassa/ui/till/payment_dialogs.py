"""Swish, and a sale split over card, Swish and cash (cash and card alone: kassa.ui.payment_dialogs).

Swish is confirmed as a card is: nothing is registered before the cashier has seen the payment
arrive; Esc means it did not, and the cart stays. The split dialog takes the amounts per means in
the order they are paid (card in the terminal, Swish, then cash for what is left, rounded to whole
kronor), shows what is left and the change as they are typed, and refuses in place what does not
add up (kassa.register.payments.plan says why).
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kassa.money import Totals, format_sek, round_krona
from kassa.register.payments import CARD, CASH, SWISH, PaymentPart, PaymentPlan, plan
from kassa.till import TillError, parse_decimal
from kassa.ui.payment_dialogs import CardDialog, _FormDialog


class SwishDialog(CardDialog):
    """Swish: the amount to ask for, and the cashier's word that the payment has arrived."""

    def __init__(self, totals: Totals, parent: QWidget | None = None):
        super().__init__(totals, parent, title=self.tr("Swish"),
                         intro=self.tr("Be kunden swisha beloppet. Bekräfta här först när betalningen syns som "
                                       "mottagen i Swish."),
                         confirm=self.tr("&Mottagen i Swish"), decline=self.tr("Avbryt (inte betald)"),
                         amount_name="swishAmount")


class SplitDialog(_FormDialog):
    """Delad betalning: kort, Swish, and cash for the rest, with the change."""

    def __init__(self, totals: Totals, parent: QWidget | None = None):
        super().__init__(self.tr("Delad betalning"),
                         self.tr("Skriv vad som betalas med kort och Swish och ta betalt i terminalen och i Swish. "
                                 "Det som blir kvar betalas kontant (avrundat till hela kronor)."), parent)
        self.total = totals.tax_inclusive
        self.form.addRow(self.tr("Att betala:"), self.big_label(f"{format_sek(self.total)} kr", "splitTotal"))
        self.card = self._amount_field("splitCard")
        self.swish = self._amount_field("splitSwish")
        self.rest = self.big_label("", "splitCashRest")
        self.tendered = self._amount_field("splitTendered")
        self.change = self.big_label("", "splitChange")
        self._row(self.tr("&Kort:"), self.card)
        self._row(self.tr("&Swish:"), self.swish)
        self.form.addRow(self.tr("Kvar kontant:"), self.rest)
        self._row(self.tr("&Mottaget kontant:"), self.tendered)
        self.form.addRow(self.tr("Växel:"), self.change)
        self.ok_button.setText(self.tr("&Registrera betalningen"))
        self.setMinimumWidth(480)  # the reason an amount is refused fits its line
        for field in (self.card, self.swish, self.tendered):
            field.textChanged.connect(self._update)
        self._update()

    def _amount_field(self, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(name)
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        return field

    def _row(self, text: str, field: QLineEdit) -> None:
        label = QLabel(text, self)
        label.setBuddy(field)
        self.form.addRow(label, field)

    def _amount(self, field: QLineEdit, what: str) -> Decimal:
        text = field.text().strip()
        return parse_decimal(text, what, 2, minimum=Decimal("0.01")) if text else Decimal(0)

    def parts(self) -> list[PaymentPart]:
        """The means as typed, cash last for the rest; TillError says what is wrong with a field."""
        card, swish = self._amount(self.card, self.tr("Kort")), self._amount(self.swish, self.tr("Swish"))
        parts = [PaymentPart(method, amount) for method, amount in ((CARD, card), (SWISH, swish)) if amount]
        if self.total - card - swish > 0 or not parts:
            tendered = self.tendered.text().strip() or None
            parts.append(PaymentPart(CASH, tendered=tendered))
        return parts

    def plan(self) -> PaymentPlan:
        return plan(self.total, self.parts())

    def _problem(self) -> str:
        try:
            self.plan()
        except TillError as exc:
            return str(exc)
        return ""

    def is_complete(self) -> bool:
        return not self._problem()

    def missing(self) -> str:
        return self._problem()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.card.setFocus(Qt.FocusReason.TabFocusReason)

    def _update(self) -> None:
        super()._update()
        try:
            paid = self._amount(self.card, "") + self._amount(self.swish, "")
        except TillError:
            paid = None
        rest = self.total - paid if paid is not None else None
        self.rest.setText(f"{format_sek(round_krona(max(rest, Decimal(0))))} kr" if rest is not None else "")
        try:
            planned = self.plan()
        except TillError as exc:
            self.change.setText("")
            self.message.setText(str(exc) if self.card.text() or self.swish.text() else "")
            return
        cash = next((p for p in planned.payments if p.method == CASH), None)
        self.rest.setText(f"{format_sek(cash.amount)} kr" if cash else "0,00 kr")
        self.tendered.setPlaceholderText(format_sek(cash.amount) if cash else "")
        self.tendered.setEnabled(cash is not None)
        self.change.setText(f"{format_sek(cash.change or Decimal(0))} kr" if cash else "")
