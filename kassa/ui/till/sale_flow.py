"""Paying at the till through the register, and the receipt that follows every sale.

F5 Kontant, F6 Kort, F8 Swish, F11 Delad betalning: each opens its dialog once the scans already on
their way have landed, and nothing is registered before the cashier confirms. The payment itself is
a register call in the session's thread (kassa.ui.till.session): the control unit's code, then the
sale, its receipt and journal rows in one transaction.

- The control unit gives no code (`ControlUnitUnavailable`): nothing is stored, the cart stays, and a
  message says what is wrong and what to do, with "Försök igen", which pays the same way again; the
  register then sends the same receipt data, so a unit that had stored it answers with its code.
- The receipt: to the receipt printer through its queue (the drawer opens after a cash sale, not after
  card or Swish), or, with no receipt printer, offered for Qt's print dialog; or, when the cashier
  chose it before paying (Ctrl+E), as an electronic receipt saved as PDF (the drawer still opens
  for cash). It is shown on screen every time (kassa.ui.till.receipt_dialog).
- A printer that is off, out of paper or unreachable: the sale stands, the cashier is told, and the
  receipt prints when the printer is back (the queue is drained every few seconds).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from kassa.devices.base import PrinterUnavailable
from kassa.devices.printer_settings import saved as saved_printer
from kassa.devices.printout import Printout
from kassa.models import Sale
from kassa.money import format_sek
from kassa.register.control_unit.base import ControlUnitNotChosen, ControlUnitUnavailable
from kassa.register.payments import CARD, CASH, SWISH, PaymentPart
from kassa.register.service import ReceiptResult
from kassa.ui.payment_dialogs import CardDialog, CashDialog
from kassa.ui.question_box import ask_question
from kassa.ui.till.payment_dialogs import SplitDialog, SwishDialog
from kassa.ui.till.receipt_dialog import ELECTRONIC, PAPER, PRINTER, ReceiptDialog
from kassa.ui.till.receipt_output import Drained, PrintOutcome
from kassa.ui.till.session import CartView
from kassa.ui.till.till_window import TillWindow, widget_of

log = logging.getLogger(__name__)


def receipt_reference(till: str, serial: int) -> str:
    """The print queue's name of a receipt (its copy has the same name, kind "kopia")."""
    return f"receipt:{till}:{serial}"


def printer_chosen() -> bool:
    """Whether a receipt printer is chosen (a settings file read; an unreadable choice counts as one:
    printing then says what is wrong with it)."""
    try:
        return saved_printer() is not None
    except PrinterUnavailable:
        return True


def summary(result: ReceiptResult) -> tuple[str, str]:
    """(headline, one line) of a paid sale: the change in large type, then how it was paid."""
    plan = result.plan
    if plan is None:
        return "", ""
    paid = ", ".join(f"{p.label} {format_sek(p.amount)} kr" for p in plan.payments)
    if plan.rounding:
        paid += f" (öresavrundning {format_sek(plan.rounding)})"
    text = paid + "."
    cash = next((p for p in plan.payments if p.method == CASH), None)
    if cash is not None and cash.tendered is not None:
        text += f" Mottaget {format_sek(cash.tendered)} kr. Växel {format_sek(cash.change or Decimal(0))} kr."
    text += f" Kvitto {result.receipt.serial}."
    if result.receipt.training:
        text += " Övningskvitto."
    headline = f"Växel: {format_sek(result.change)} kr" if cash is not None else ""
    return headline, text


def paid_with_bonus(result: ReceiptResult) -> tuple[ReceiptResult, Decimal]:
    """The receipt and the bonus the customer earned (read in the session's thread, not on the UI thread)."""
    if not result.receipt.sale_id:
        return result, Decimal(0)
    bonus = Sale.select(Sale.bonus_earned).where(Sale.id == result.receipt.sale_id).scalar()
    return result, Sale.bonus_earned.python_value(bonus) or Decimal(0)


class SaleFlow(QObject):
    """The till's payments and receipts; `window` is the till (kassa.ui.main_window.MainWindow)."""

    electronic_changed = Signal(bool)

    def __init__(self, window: TillWindow):
        super().__init__(widget_of(window))
        self.window = window
        self.widget = widget_of(window)  # the parent of the dialogs
        self.session = window.session
        self.printing = window.printing
        self.electronic = False  # the next receipt as an electronic receipt (chosen before paying)
        self.last_serial: int | None = None
        self._asked: set[int] = set()  # print jobs the cashier has been asked about
        self._question: QMessageBox | None = None
        self.printing.drained.connect(self._ask_about_uncertain)

    # --- the means of payment ------------------------------------------------------------------

    def _ready(self) -> CartView | None:
        if self.window.paying:
            return None
        view = self.session.view
        if view.is_empty:
            self.window.show_message(self.tr("Kundvagnen är tom. Skanna en artikel först."), error=True)
            return None
        if view.returning:
            self.window.show_message(self.tr("Kassan är i returläge: slutför returen med Återbetala, eller avbryt "
                                             "den (F9)."), error=True)
            return None
        return view

    def _open(self, dialog: CashDialog | CardDialog | SplitDialog, name: str, on_accepted: Callable[[], None],
              declined: str = "") -> None:
        dialog.setObjectName(name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accepted)
        if declined:
            dialog.rejected.connect(lambda: self.window.show_message(declined, error=True))
        dialog.open()

    def pay_cash(self) -> None:
        def open_it() -> None:
            view = self._ready()
            if view is not None:
                dialog = CashDialog(view.cash_totals, self.widget)
                self._open(dialog, "cashDialog",
                           lambda: self.pay([PaymentPart(CASH, tendered=dialog.tendered_amount())]))

        self.session.when_idle(open_it)

    def pay_card(self) -> None:
        """Kort: nothing is registered until the cashier confirms that the terminal approved the payment."""
        def open_it() -> None:
            view = self._ready()
            if view is not None:
                self._open(CardDialog(view.totals, self.widget), "cardDialog", lambda: self.pay([PaymentPart(CARD)]),
                           self.tr("Kortbetalningen är inte registrerad. Kunden kan betala på annat sätt."))

        self.session.when_idle(open_it)

    def pay_swish(self) -> None:
        def open_it() -> None:
            view = self._ready()
            if view is not None:
                self._open(SwishDialog(view.totals, self.widget), "swishDialog",
                           lambda: self.pay([PaymentPart(SWISH)]),
                           self.tr("Swishbetalningen är inte registrerad. Kunden kan betala på annat sätt."))

        self.session.when_idle(open_it)

    def pay_split(self) -> None:
        def open_it() -> None:
            view = self._ready()
            if view is not None:
                dialog = SplitDialog(view.totals, self.widget)
                self._open(dialog, "splitDialog", lambda: self.pay(dialog.parts()),
                           self.tr("Den delade betalningen är inte registrerad."))

        self.session.when_idle(open_it)

    def set_electronic(self, on: bool) -> None:
        """The next receipt electronic (PDF) instead of printed: chosen before paying, as the receipt says so."""
        self.electronic = on
        self.electronic_changed.emit(on)

    # --- paying ------------------------------------------------------------------------------------

    def pay(self, parts: list[PaymentPart]) -> None:
        """Register the payment (and its receipt) in the session's thread; the window waits, not freezes."""
        electronic = self.electronic
        self.window.set_paying(True)
        self.window.show_message(self.tr("Registrerar köpet (kontrollenheten) …"))
        self.session.call(lambda register: paid_with_bonus(register.pay(parts, electronic=electronic)),
                          on_result=self._paid, on_error=lambda exc: self._refused(exc, parts))

    def _paid(self, paid: tuple[ReceiptResult, Decimal]) -> None:
        result, bonus = paid
        self.window.set_paying(False)
        self.set_electronic(False)
        headline, text = summary(result)
        if bonus:
            text += f" Bonus {format_sek(bonus)} kr."
        self.window.sale_completed(headline, text)
        self.last_serial = result.receipt.serial
        self.hand_out(result, self.tr("Kvitto %1").replace("%1", str(result.receipt.serial)), headline)

    def _refused(self, exc: BaseException, parts: list[PaymentPart]) -> None:
        self.window.set_paying(False)
        if isinstance(exc, ControlUnitNotChosen):
            self.unit_not_chosen(str(exc))
        elif isinstance(exc, ControlUnitUnavailable):
            self.unit_down(str(exc), lambda: self.pay(parts), paid_already=any(p.method != CASH for p in parts))
        elif isinstance(exc, ValueError):  # TillError: Swedish, for the cashier
            self.window.show_message(str(exc), error=True)
        else:
            log.error("payment failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.window.show_message(self.tr("Köpet kunde inte registreras: %1").replace("%1", str(exc)), error=True)

    def unit_not_chosen(self, text: str) -> None:
        """No control unit is chosen: trying again cannot help, so the way offered is choosing one."""
        what = self.tr("Köpet är inte registrerat. Varukorgen finns kvar: betala igen när kontrollenheten är vald.")
        self.window.show_message(f"{text}\n{what}", error=True)
        ask_question(self.widget, "noControlUnitBox", self.tr("Ingen kontrollenhet vald"), text,
                     self.tr("&Välj kontrollenhet …"), self.tr("Avbryt"),
                     lambda chose: self.window.open_hardware() if chose else None,
                     informative=what, icon=QMessageBox.Icon.Warning)

    def unit_down(self, text: str, retry: Callable[[], None], paid_already: bool = False) -> None:
        """The control unit gave no code: say what and what to do; "Försök igen" does the same again."""
        what = self.tr("Köpet är inte avslutat och ingenting är registrerat. Varukorgen finns kvar.")
        if paid_already:
            what += " " + self.tr("Kortet eller Swish har redan godkänt betalningen: avbryt inte köpet, utan tryck "
                                  "Försök igen när kontrollenheten svarar.")
        else:
            what += " " + self.tr("Tryck Försök igen när kontrollenheten svarar.")
        self.window.show_message(f"{text}\n{what}", error=True)
        def answered(again: bool) -> None:
            if again:
                retry()
            else:
                self.window.show_message(self.tr("Köpet är inte registrerat. Varukorgen finns kvar: betala igen när "
                                                 "kontrollenheten svarar."), error=True)

        ask_question(self.widget, "controlUnitBox", self.tr("Kontrollenheten svarar inte"), text,
                     self.tr("&Försök igen"), self.tr("Avbryt"), answered, informative=what,
                     icon=QMessageBox.Icon.Warning)

    # --- the receipt --------------------------------------------------------------------------------

    def hand_out(self, result: ReceiptResult, title: str, headline: str = "", *, kind: str = "original",
                 reference: str = "") -> ReceiptDialog:
        """Print (or offer) the receipt and show it; a copy is printed under its original's name."""
        reference = reference or receipt_reference(result.receipt.till, result.receipt.serial)
        file_name = f"Kvitto-{result.receipt.till}-{result.receipt.serial}.pdf"
        return self.hand_out_printout(result.printout, title, file_name, reference, headline, kind=kind,
                                      electronic=result.document.electronic)

    def hand_out_printout(self, printout: Printout, title: str, file_name: str, reference: str, headline: str = "",
                          *, kind: str = "original", electronic: bool = False) -> ReceiptDialog:
        """Print (or offer) a printout as a receipt is (a return receipt, a cash slip: the drawer opens with
        it) and show it; `reference` is its name in the print queue, printed once."""
        if electronic:
            mode = ELECTRONIC
        elif printer_chosen():
            mode = PRINTER
        else:
            mode = PAPER
        dialog = ReceiptDialog(printout, title, file_name, mode, self.widget, headline=headline,
                               forward=self.window.type_into_code)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.window.focus_code())
        if mode == PRINTER:
            self.printing.submit(printout, reference,
                                 lambda outcome: self._printed(dialog, outcome, printout.open_drawer),
                                 kind=kind, on_refused=lambda _text: self._not_here(dialog, self.tr(
                                     "Originalet skrevs inte ut på kvittoskrivaren: skriv ut kopian med Enter.")))
        elif mode == ELECTRONIC and printout.open_drawer:
            self.printing.open_drawer(lambda outcome: self._drawer(outcome))
        dialog.open()
        return dialog

    def _printed(self, dialog: ReceiptDialog, outcome: PrintOutcome, drawer: bool) -> None:
        if not outcome.has_printer:  # the printer was unchosen meanwhile: offer the receipt on paper
            self._not_here(dialog, self.tr("Ingen kvittoskrivare är vald längre: skriv ut kvittot med Enter."))
            return
        text = outcome.text
        if not outcome.printed and drawer:
            text += " " + self.tr("Kassalådan öppnades inte: öppna den med nyckeln.")
        if shiboken6.isValid(dialog):
            dialog.say(text, error=not outcome.printed)
        if not outcome.printed:
            self.window.show_message(text, error=True)

    def _not_here(self, dialog: ReceiptDialog, text: str) -> None:
        """The receipt printer will not print it (a copy of a receipt it never had, or none is chosen any more):
        offer it for the print dialog instead."""
        if shiboken6.isValid(dialog):
            dialog.mode = PAPER
            dialog.print_button.setVisible(True)
            dialog.print_button.setDefault(True)
            dialog.print_button.setFocus()
            dialog.say(text)

    def _ask_about_uncertain(self, drained: Drained) -> None:
        """Kassa stopped while a receipt was printing: did it come out? Never printed again without asking."""
        if self._question is not None and shiboken6.isValid(self._question) and self._question.isVisible():
            return  # one question at a time
        for job_id, reference in drained.uncertain:
            if job_id in self._asked:
                continue
            self._asked.add(job_id)
            what = reference.rsplit(":", 1)[-1]
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Kom kvittot ut?"),
                              self.tr("Kassan stängdes medan kvitto %1 skrevs ut. Kom kvittot ut ur skrivaren?")
                              .replace("%1", what), QMessageBox.StandardButton.NoButton, self.widget)
            box.setObjectName("uncertainPrintBox")
            box.setInformativeText(self.tr("Ja: det skrivs inte ut igen. Nej: det skrivs ut nu."))
            came_out = box.addButton(self.tr("&Ja, det kom ut"), QMessageBox.ButtonRole.YesRole)
            box.addButton(self.tr("&Nej, skriv ut det"), QMessageBox.ButtonRole.NoRole)
            box.setDefaultButton(came_out)  # Enter does not print a second original
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.buttonClicked.connect(lambda button, job_id=job_id, came_out=came_out: self.printing.resolve(
                job_id, printed=button is came_out))
            box.open()
            self._question = box
            return  # the next drain asks about the next

    def _drawer(self, outcome: PrintOutcome) -> None:
        if not outcome.printed:
            self.window.show_message(outcome.text, error=True)
