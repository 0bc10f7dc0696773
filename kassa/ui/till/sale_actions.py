"""The till's other sale keys, its payment buttons and the Försäljning menu.

F9 Avbryt köp (void: counted as unfinished), F12 Parkera, Shift+F12 Parkerade köp,
Ctrl+Shift+P Pro forma (EJ KVITTO), Ctrl+K Kvittokopia (KOPIA, at most one), Ctrl+E the next receipt
electronic, Ctrl+T Övningsläge (ÖVNINGSKVITTO; shown above the code field), Ctrl+L Öppna låda
(the drawer without a sale, journalled). Every one is a register call in the session's thread and
journalled by the register; the buttons and menu entries name their keys.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGridLayout, QLabel, QMenuBar, QPushButton, QWidget

from kassa.devices.print_queue import copy_refusal
from kassa.money import format_sek
from kassa.register.service import ReceiptResult, Register
from kassa.till import TillError
from kassa.ui.payment_dialogs import TextDialog
from kassa.ui.question_box import ask_question
from kassa.ui.till.parked_dialog import ParkedRow, ParkedSalesDialog, parked_rows
from kassa.ui.till.sale_flow import SaleFlow, printer_chosen, receipt_reference
from kassa.ui.till.session import CartView
from kassa.ui.till.till_window import TillWindow, widget_of

TRAINING_STYLE = "background: #ffb300; color: black; font-weight: bold; padding: 6px;"
ELECTRONIC_STYLE = "background: #bbdefb; color: black; padding: 4px;"
NEEDS_LINES = ("cash", "card", "swish", "split", "invoice", "park")  # buttons and actions: <name>Button, <name>Action
NEEDS_SALE = ("newSale", "void")  # Avbryt köp: the button is newSaleButton, the entry voidAction


def copy_of(register: Register, reference: str, check_printer: bool) -> tuple[ReceiptResult, str]:
    """The receipt's one copy (a session job); refused before it is registered if the receipt printer has
    not printed the original yet. Returns the copy and the print queue's name of the original."""
    original = register.find_receipt(reference)
    name = receipt_reference(original.till, original.serial)
    if check_printer:
        refusal = copy_refusal(original.till, name)
        if refusal:
            raise TillError(refusal)
    return register.copy(reference), name


class SaleActions(QObject):
    def __init__(self, window: TillWindow, flow: SaleFlow):
        super().__init__(widget_of(window))
        self.window = window
        self.widget = widget_of(window)  # the parent of the dialogs
        self.flow = flow
        self.session = window.session
        self.actions: dict[str, QAction] = {}
        self.button: dict[str, QPushButton] = {}
        self.state_label = QLabel(self.widget)
        self.state_label.setObjectName("tillState")
        self.state_label.setWordWrap(True)
        self.state_label.setVisible(False)
        self.session.cart_changed.connect(self._show_state)
        flow.electronic_changed.connect(lambda _on: self._show_state(self.session.view))

    # --- buttons and menu ---------------------------------------------------------------------

    def buttons(self, parent: QWidget) -> QGridLayout:
        """The payment buttons, two by two, each with its key; they never take the keyboard's focus."""
        w = self.window
        grid = QGridLayout()
        specs = [("cashButton", self.tr("Kontant (F5)"), w.pay_cash), ("cardButton", self.tr("Kort (F6)"), w.pay_card),
                 ("swishButton", self.tr("Swish (F8)"), self.flow.pay_swish),
                 ("splitButton", self.tr("Delad betalning (F11)"), self.flow.pay_split),
                 ("invoiceButton", self.tr("Faktura (F7)"), w.pay_invoice),
                 ("newSaleButton", self.tr("Avbryt köp (F9)"), self.void),
                 ("parkButton", self.tr("Parkera (F12)"), self.park),
                 ("parkedButton", self.tr("Parkerade (Shift+F12)"), self.show_parked)]
        for index, (name, text, slot) in enumerate(specs):
            button = QPushButton(text, parent)
            button.setObjectName(name)
            button.setMinimumHeight(44)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the code field
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            grid.addWidget(button, index // 2, index % 2)
            self.button[name] = button
        return grid

    def follow_cart(self, view: CartView, paying: bool) -> None:
        """What makes sense now: paying and parking need lines in the cart, Avbryt köp lines or a return
        begun; none of them while a payment is under way. Buttons and menu entries alike (their keys too)."""
        can_pay = not view.is_empty and not paying
        can_void = (not view.is_empty or view.returning) and not paying
        for names, enabled in ((NEEDS_LINES, can_pay), (NEEDS_SALE, can_void)):
            for name in names:
                for widget in (self.button.get(f"{name}Button"), self.actions.get(f"{name}Action")):
                    if widget is not None:
                        widget.setEnabled(enabled)

    def menu(self, bar: QMenuBar) -> None:
        w = self.window
        menu = bar.addMenu(self.tr("F&örsäljning"))
        entries: list[tuple[str, str, Callable[[], None], str] | None] = [
            ("cashAction", self.tr("&Kontant"), w.pay_cash, "F5"),
            ("cardAction", self.tr("K&ort"), w.pay_card, "F6"),
            ("swishAction", self.tr("&Swish"), self.flow.pay_swish, "F8"),
            ("splitAction", self.tr("&Delad betalning"), self.flow.pay_split, "F11"),
            ("invoiceAction", self.tr("&Faktura"), w.pay_invoice, "F7"),
            None,
            ("parkAction", self.tr("&Parkera köpet"), self.park, "F12"),
            ("parkedAction", self.tr("Pa&rkerade köp"), self.show_parked, "Shift+F12"),
            ("voidAction", self.tr("&Avbryt köpet"), self.void, "F9"),
            None,
            ("proformaAction", self.tr("Pro for&ma-kvitto (EJ KVITTO)"), self.proforma, "Ctrl+Shift+P"),
            ("copyAction", self.tr("Kv&ittokopia"), self.copy, "Ctrl+K"),
            ("electronicAction", self.tr("&Elektroniskt kvitto för nästa köp"), self.toggle_electronic, "Ctrl+E"),
            ("trainingAction", self.tr("Öv&ningsläge"), self.toggle_training, "Ctrl+T"),
            ("drawerAction", self.tr("Öppna &låda"), self.open_drawer, "Ctrl+L"),
        ]
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            name, text, slot, key = entry
            action = menu.addAction(text)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.actions[name] = action
        for name in ("electronicAction", "trainingAction"):
            self.actions[name].setCheckable(True)

    def _show_state(self, view: CartView) -> None:
        training = self.actions.get("trainingAction")
        if training is not None:
            training.setChecked(view.training)
        electronic = self.actions.get("electronicAction")
        if electronic is not None:
            electronic.setChecked(self.flow.electronic)
        if view.training:
            self.state_label.setText(self.tr("ÖVNINGSLÄGE – kvittona blir övningskvitton och räknas inte som "
                                             "försäljning. Ctrl+T stänger av."))
            self.state_label.setStyleSheet(TRAINING_STYLE)
        elif self.flow.electronic:
            self.state_label.setText(self.tr("Nästa kvitto blir elektroniskt (PDF) i stället för utskrivet. "
                                             "Ctrl+E ångrar."))
            self.state_label.setStyleSheet(ELECTRONIC_STYLE)
        self.state_label.setVisible(view.training or self.flow.electronic)
        self.widget.setWindowTitle(self.tr("Kassa – ÖVNINGSLÄGE") if view.training else self.tr("Kassa"))

    # --- the actions ------------------------------------------------------------------------------

    def _when_free(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if not self.window.paying:
                self.session.when_idle(fn)
        return run

    def _say_error(self, exc: BaseException) -> None:
        self.window.show_message(str(exc), error=True)

    def void(self) -> None:
        def ask() -> None:
            view = self.session.view
            if view.is_empty and not view.returning:
                self.session.call(lambda register: register.void(), on_error=self._say_error)
                self.window.sale_reset(self.tr("Ny försäljning."))
                return
            ask_question(self.widget, "voidBox", self.tr("Avbryt köpet"),
                         self.tr("Avbryta köpet på %1 kr? Raderna tas bort och köpet räknas som avbrutet på "
                                 "dagrapporten.").replace("%1", format_sek(view.totals.tax_inclusive)),
                         self.tr("&Avbryt köpet"), self.tr("&Fortsätt köpet"),
                         lambda yes: self._void() if yes else self.window.focus_code())

        self._when_free(ask)()

    def _void(self) -> None:
        total = self.session.view.totals.tax_inclusive
        self.session.call(lambda register: register.void(), on_error=self._say_error, on_result=lambda _: (
            self.window.sale_reset(self.tr("Köpet på %1 kr är avbrutet (räknas som avbrutet på dagrapporten).")
                                   .replace("%1", format_sek(total)))))

    def park(self) -> None:
        def park_it() -> None:
            self.session.call(lambda register: register.park(), on_error=self._say_error, on_result=lambda parked: (
                self.window.sale_reset(self.tr("Köpet är parkerat (%1 kr). Ta tillbaka det med Shift+F12.")
                                       .replace("%1", format_sek(parked.total)))))

        self._when_free(park_it)()

    def show_parked(self) -> None:
        self._when_free(lambda: self.session.call(parked_rows, on_result=self._list_parked,
                                                  on_error=self._say_error))()

    def _list_parked(self, rows: list[ParkedRow]) -> None:
        dialog = ParkedSalesDialog(rows, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resume_requested.connect(self._resume)
        dialog.delete_requested.connect(self._delete_parked)
        dialog.rejected.connect(self.window.focus_code)
        dialog.open()

    def _resume(self, parked_id: int) -> None:
        self.session.call(lambda register: register.resume(parked_id), on_error=self._say_error,
                          on_result=lambda lines: self.window.show_message(
                              self.tr("Det parkerade köpet är tillbaka (%1 rader).").replace("%1", str(len(lines)))))

    def _delete_parked(self, parked_id: int) -> None:
        def answered(delete: bool) -> None:
            if delete:
                done = self.tr("Det parkerade köpet är raderat.")
                self.session.call(lambda register: register.delete_parked(parked_id), on_error=self._say_error,
                                  on_result=lambda _: self.window.show_message(done))

        ask_question(self.widget, "deleteParkedBox", self.tr("Radera parkerat köp"),
                     self.tr("Radera det parkerade köpet? Det räknas som avbrutet på dagrapporten."),
                     self.tr("&Radera"), self.tr("Behåll"), answered)

    def proforma(self) -> None:
        def print_it() -> None:
            def printed(result: ReceiptResult) -> None:
                self.flow.hand_out(result, self.tr("Pro forma (EJ KVITTO)"))

            self.session.call(lambda register: register.proforma(), on_error=self._say_error, on_result=printed)

        self._when_free(print_it)()

    def copy(self) -> None:
        def ask() -> None:
            dialog = TextDialog(self.tr("Kvittokopia"),
                                self.tr("Vilket kvitto? Skriv kvittonumret eller skanna koden på kvittot. Bara en "
                                        "kopia får tas fram, och den märks KOPIA."),
                                self.tr("&Kvittonummer:"), required=True, text=str(self.flow.last_serial or ""),
                                object_name="copyReference", missing=self.tr("Skriv kvittonumret."),
                                parent=self.widget)
            dialog.setObjectName("copyDialog")
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self._copy(dialog.value()))
            dialog.open()

        self._when_free(ask)()

    def _copy(self, reference: str) -> None:
        check = printer_chosen()

        def made(answer: tuple[ReceiptResult, str]) -> None:
            result, name = answer
            title = self.tr("Kopia av kvitto %1").replace("%1", str(result.document.original_serial))
            self.flow.hand_out(result, title, kind="kopia", reference=name)

        self.session.call(lambda register: copy_of(register, reference, check), on_result=made,
                          on_error=self._say_error)

    def toggle_electronic(self) -> None:
        self.flow.set_electronic(not self.flow.electronic)
        self.window.show_message(self.tr("Nästa kvitto blir elektroniskt (PDF).") if self.flow.electronic
                                 else self.tr("Nästa kvitto skrivs ut."))

    def toggle_training(self) -> None:
        def switch() -> None:
            on = not self.session.view.training
            self.session.call(lambda register: register.set_training(on), on_error=self._say_error,
                              on_result=lambda _: self.window.show_message(
                                  self.tr("Övningsläge på: kvittona blir övningskvitton.") if on
                                  else self.tr("Övningsläget är avstängt.")))

        self._when_free(switch)()

    def open_drawer(self) -> None:
        def open_it() -> None:
            if not printer_chosen():
                self.window.show_message(self.tr("Kassalådan öppnas genom kvittoskrivaren, och ingen är vald. Välj "
                                                 "skrivare under Inställningar → Kvittoskrivare."), error=True)
                return
            self.session.call(lambda register: register.open_drawer(""), on_error=self._say_error,
                              on_result=lambda _: self.flow.printing.open_drawer(
                                  lambda outcome: self.window.show_message(outcome.text, error=not outcome.printed)))

        self._when_free(open_it)()
