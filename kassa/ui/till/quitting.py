"""Closing the till (Kassa → Avsluta, Ctrl+Q, the window's close button) with a sale open.

A kassaregister accounts for every sale it began (SKVFS 2014:9): a cart left behind when the program
closes would vanish without a trace. So the cashier is asked first ("Fortsätt köpet" is the default and
Esc), and quitting voids the sale through the register, which counts it as unfinished on the X and Z
reports, before the window closes. If the register refuses, the window stays open and says why.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from kassa.money import format_sek
from kassa.ui.question_box import ask_question
from kassa.ui.till.session import CartView
from kassa.ui.till.till_window import TillWindow, widget_of


def has_open_sale(view: CartView) -> bool:
    """Lines in the cart, or a return begun (even before its first line)."""
    return not view.is_empty or view.returning


class QuitGuard(QObject):
    def __init__(self, window: TillWindow):
        super().__init__(widget_of(window))
        self.window = window
        self.widget = widget_of(window)
        self.session = window.session
        self._may_close = False  # the open sale is voided (or there was none): the next close goes through
        self._box: QMessageBox | None = None

    def may_close(self) -> bool:
        """True: the window may close now. False: it stays; the cashier is asked (after the register's
        calls on their way, a scan just made among them) and the window closes itself if they quit."""
        if self._may_close:
            return True
        if self.window.paying:
            self.window.show_message(self.tr("Slutför eller avbryt betalningen innan du avslutar Kassa."),
                                     error=True)
            return False
        if not self.session.busy and not has_open_sale(self.session.view):
            return True
        if self._box is not None and self._box.isVisible():
            self._box.raise_()
            self._box.activateWindow()
            return False
        self.session.when_idle(self._ask)
        return False

    def _close(self) -> None:
        self._may_close = True
        self.widget.close()

    def _ask(self) -> None:
        view = self.session.view
        if not has_open_sale(view):
            self._close()
            return
        total = format_sek(view.totals.tax_inclusive)
        if view.returning:
            text = self.tr("Det finns en påbörjad retur på %1 kr. Avbryt returen och avsluta?").replace("%1", total)
        else:
            text = self.tr("Det finns ett påbörjat köp på %1 kr. Avbryt köpet och avsluta?").replace("%1", total)
        self._box = ask_question(
            self.widget, "quitBox", self.tr("Avsluta Kassa"), text, self.tr("&Avbryt köpet och avsluta"),
            self.tr("&Fortsätt köpet"), self._answered, default_yes=False,
            informative=self.tr("Köpet räknas som avbrutet på dagrapporten."))

    def _answered(self, quit_: bool) -> None:
        self._box = None
        if not quit_:
            self.window.focus_code()
            return
        self.session.call(lambda register: register.void(), on_result=lambda _: self._close(),
                          on_error=self._void_failed)

    def _void_failed(self, exc: BaseException) -> None:
        from kassa.ui.day_functions import DayFunctions

        self.window.show_message(self.tr("Kassa avslutas inte: köpet kunde inte avbrytas. %1")
                                 .replace("%1", DayFunctions.refusal(exc)), error=True)
