"""The till's day in the window: the Kassa menu and what it opens.

    Öppna dag                      the cash float; asked by itself when the till starts without an open day,
                                   and when an article is scanned before the day is opened
    Kontant in / Kontant ut        Ctrl+Shift+I / Ctrl+Shift+O: money into or out of the drawer, with a slip
    Retur                          Ctrl+R: against a receipt or without one (kassa.ui.returns)
    X-dagrapport                   Ctrl+Shift+X: the report now, to read, print or save
    Z-dagrapport (stäng dagen)     Ctrl+Shift+D: count the cash, see the difference, close the day
    Tidigare Z-dagrapporter        the old Z reports, newest first, printed again as reprints
    Exportera journal (SKVFS 2021:16)
and Inställningar → Kassa (the till's designation, what to report to Skatteverket).

Every call of the register goes through the till's session (kassa.ui.till.session): in its one
thread, in order with the sale's own calls, never at the same time. A return receipt and a cash
slip go out as a receipt does (kassa.ui.till.sale_flow: the receipt printer, and its drawer, when
one is chosen). The dialogs are imported when first opened, so that the till starts as quickly
as before.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QWidget

from kassa.money import format_sek
from kassa.register import events
from kassa.register.control_unit.base import ControlUnitUnavailable
from kassa.register.day_status import DayState, day_state, last_entry, preview
from kassa.register.figures import DayFigures
from kassa.register.payments import method_label
from kassa.register.report_printout import report_printout
from kassa.register.service import ReceiptResult, Register
from kassa.till import TillError
from kassa.ui.workers import run_in_background

if TYPE_CHECKING:
    from kassa.devices.printout import Printout
    from kassa.ui.day_dialogs import CashMoveDialog, CloseDayDialog, OpenDayDialog
    from kassa.ui.till.session import TillSession

log = logging.getLogger(__name__)
D = TypeVar("D", bound=QDialog)

SHORTCUTS = {"cashInAction": "Ctrl+Shift+I", "cashOutAction": "Ctrl+Shift+O", "returnAction": "Ctrl+R",
             "xReportAction": "Ctrl+Shift+X", "zReportAction": "Ctrl+Shift+D"}


def _kr(amount: Decimal) -> str:
    return f"{format_sek(amount)} kr"


def move_cash(register: Register, kind: str, amount: Decimal, reason: str) -> tuple[Printout, str]:
    """Kontant in or ut (a session job): the slip, and its name in the print queue."""
    event = events.CASH_IN if kind == "in" else events.CASH_OUT
    slip = register.cash_in(amount, reason) if kind == "in" else register.cash_out(amount, reason)
    return slip, f"{event}:{register.till}:{last_entry(register.till, event)}"


class DayFunctions(QObject):
    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        # The till (kassa.ui.main_window.MainWindow, not imported: it imports this module): its till_name,
        # session, sale (the receipts' way out), first_painted, show_message() and focus_code() are used here.
        self.window: Any = cast(Any, window)
        self._open: dict[str, QWidget] = {}
        self.actions: dict[str, QAction] = {}
        self._unit_chosen = True  # as the last day state read said
        self._build(menu)
        self.window.first_painted.connect(self.check_day)

    def _build(self, menu: QMenu) -> None:
        entries: list[tuple[str, Callable[[], object], str] | None] = [
            (self.tr("Ö&ppna dag"), self.open_day, "openDayAction"),
            None,
            (self.tr("Kontant &in"), lambda: self.cash_move("in"), "cashInAction"),
            (self.tr("Kontant &ut"), lambda: self.cash_move("out"), "cashOutAction"),
            None,
            (self.tr("&Retur"), self.start_return, "returnAction"),
            None,
            (self.tr("&X-dagrapport"), self.x_report, "xReportAction"),
            (self.tr("&Z-dagrapport (stäng dagen)"), self.close_day, "zReportAction"),
            (self.tr("&Tidigare Z-dagrapporter"), self.old_z_reports, "zListAction"),
            None,
            (self.tr("Exportera &journal (SKVFS 2021:16)"), self.export_journal, "journalExportAction"),
        ]
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            text, slot, name = entry
            action = menu.addAction(text)
            action.setObjectName(name)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            if name in SHORTCUTS:
                action.setShortcut(QKeySequence(SHORTCUTS[name]))
            self.actions[name] = action

    # --- the register --------------------------------------------------------------------------------

    @property
    def till(self) -> str:
        return self.window.till_name

    @property
    def session(self) -> TillSession:
        return self.window.session

    def run(self, job: Callable[[Register], Any], then: Callable[[Any], None],
            failed: Callable[[str], None] | None = None) -> None:
        """`job(register)` in the session's thread; `then(result)`, or the refusal in Swedish to `failed`
        (the window's message line by default)."""
        def on_error(exc: BaseException) -> None:
            text = self.refusal(exc)
            (failed or (lambda message: self.say(message, error=True)))(text)

        self.session.call(job, on_result=then, on_error=on_error)

    @staticmethod
    def refusal(exc: BaseException) -> str:
        if isinstance(exc, (TillError, ControlUnitUnavailable)):
            return str(exc)  # Swedish: what is wrong and what to do
        log.error("a register step failed", exc_info=(type(exc), exc, exc.__traceback__))
        return f"Det gick inte ({type(exc).__name__}). Se loggen under Hjälp → Visa logg."

    def say(self, text: str, error: bool = False) -> None:
        if shiboken6.isValid(self.window):
            self.window.show_message(text, error=error)

    def _single(self, key: str, make: Callable[[], D], wire: Callable[[D], object] | None = None) -> D:
        """One dialog of each kind: asking again brings the open one forward. `wire` connects a new one."""
        existing = self._open.get(key)
        if existing is not None and shiboken6.isValid(existing) and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return cast(D, existing)
        dialog = make()
        if wire is not None:
            wire(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._open[key] = dialog
        dialog.open()
        return dialog

    # --- opening the day -----------------------------------------------------------------------------

    def check_day(self) -> None:
        """When the till has no open day (and the company is set up: else the wizard comes first), ask
        for the cash float before the first sale."""
        run_in_background(day_state, self.till, on_result=self._checked,
                          on_error=lambda exc: log.error("reading the day failed: %s", exc))

    def _checked(self, state: DayState) -> None:
        if not (shiboken6.isValid(self.window) and state.company_configured):
            return
        self._unit_chosen = state.control_unit_chosen
        if not state.control_unit_chosen:
            self.say(self.no_unit_warning(), error=True)
        if not state.is_open:
            self._ask_float(state)

    def no_unit_warning(self) -> str:
        return self.tr("Ingen kontrollenhet är vald: ingen försäljning kan registreras förrän du väljer en under "
                       "Inställningar → Kontrollenhet (för att prova: emulatorn, `kassa control-unit emulator`).")

    def unit_saved(self) -> None:
        """The hardware dialog saved: if the till was saying that no control unit is chosen, it says which
        one is now (read off the UI thread: the settings file)."""
        from kassa.register.control_unit import settings

        run_in_background(settings.saved, on_result=self._unit_now,
                          on_error=lambda exc: log.error("reading the control unit's settings failed: %s", exc))

    def _unit_now(self, unit: Any) -> None:
        if unit is None or not shiboken6.isValid(self.window):
            return
        was_warning = not self._unit_chosen or "Ingen kontrollenhet är vald" in self.window.message.text()
        self._unit_chosen = True
        if not was_warning:
            return
        if unit.kind == "none":
            chosen = self.tr("ingen kontrollenhet (undantaget för högst fyra prisbasbelopp om året)")
        else:
            chosen = self.tr("XCCSP-tjänsten på %1").replace("%1", unit.url)
        self.say(self.tr("Kontrollenheten är vald: %1. Försäljningen kan registreras.").replace("%1", chosen))

    def open_day(self) -> None:
        """Kassa → Öppna dag (and a scan before the day is open): the float, unless the day is open already."""
        run_in_background(day_state, self.till, on_result=self._open_day_state,
                          on_error=lambda exc: self.say(self.refusal(exc), error=True))

    def _open_day_state(self, state: DayState) -> None:
        if not shiboken6.isValid(self.window):
            return
        if state.is_open and state.opened_at is not None and state.float_amount is not None:
            from kassa.register.clock import format_local

            self.say(self.tr("Dag %1 är redan öppen sedan %2 med växelkassa %3.")
                     .replace("%1", str(state.day_number)).replace("%2", format_local(state.opened_at))
                     .replace("%3", _kr(state.float_amount)))
            return
        self._ask_float(state)

    def _ask_float(self, state: DayState) -> None:
        from kassa.ui.day_dialogs import OpenDayDialog

        self._unit_chosen = state.control_unit_chosen
        self._single("openDay", lambda: OpenDayDialog(self.till, state.last_float, self.window),
                     lambda dialog: dialog.submitted.connect(lambda: self._open_with(dialog)))

    def _open_with(self, dialog: OpenDayDialog) -> None:
        amount = dialog.amount()
        self.run(lambda register: register.open_day(amount), lambda day: self._day_opened(dialog, day), dialog.fail)

    def _day_opened(self, dialog: OpenDayDialog, day: Any) -> None:
        dialog.finish()
        text = self.tr("Dag %1 är öppnad med växelkassa %2.").replace("%1", str(day.number)).replace(
            "%2", _kr(day.float_amount))
        if self._unit_chosen:
            self.say(text + " " + self.tr("Försäljningen kan börja."))
        else:
            self.say(text + " " + self.no_unit_warning(), error=True)
        self.window.focus_code()

    # --- cash in and out -----------------------------------------------------------------------------

    def cash_move(self, kind: str) -> None:
        from kassa.ui.day_dialogs import CashMoveDialog

        self._single(f"cash-{kind}", lambda: CashMoveDialog(kind, self.window),
                     lambda dialog: dialog.submitted.connect(lambda: self._move_cash(dialog)))

    def _move_cash(self, dialog: CashMoveDialog) -> None:
        kind, amount, reason = dialog.kind, dialog.amount(), dialog.reason()
        self.run(lambda register: move_cash(register, kind, amount, reason),
                 lambda made: self._cash_moved(dialog, made[0], made[1], amount, reason), dialog.fail)

    def _cash_moved(self, dialog: CashMoveDialog, slip: Printout, reference: str, amount: Decimal,
                    reason: str) -> None:
        dialog.finish()
        into = dialog.kind == "in"
        text = (self.tr("Kontant in %1: %2.") if into else self.tr("Kontant ut %1: %2.")).replace(
            "%1", _kr(amount)).replace("%2", reason)
        self.say(text)
        number = reference.rsplit(":", 1)[-1]
        self.window.sale.hand_out_printout(slip, self.tr("Insättning") if into else self.tr("Uttag"),
                                           f"{'Insattning' if into else 'Uttag'}-{self.till}-{number}.pdf",
                                           reference, text)

    # --- reports -------------------------------------------------------------------------------------

    def show_report(self, printout: Printout, title: str, file_name: str, note: str = "") -> QDialog:
        from kassa.ui.printout_view import PrintoutDialog

        dialog = PrintoutDialog(printout, title, file_name, self.window, note=note)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self.window.focus_code() if shiboken6.isValid(self.window) else None)
        dialog.open()
        return dialog

    def x_report(self) -> None:
        self.say(self.tr("Tar fram X-dagrapporten …"))
        self.run(lambda register: register.x_report(), self._x_shown)

    def _x_shown(self, figures: DayFigures) -> None:
        self.say(self.tr("X-dagrapport för dag %1.").replace("%1", str(figures.day_number)))
        self.show_report(report_printout(figures), self.tr("X-dagrapport"),
                         f"X-dagrapport-{self.till}-dag-{figures.day_number}.pdf")

    def close_day(self) -> None:
        """The Z report: what the drawer should hold is shown before the cashier counts and confirms."""
        till = self.till
        self.run(lambda _register: preview(till), self._ask_counted)

    def _ask_counted(self, figures: DayFigures) -> None:
        from kassa.ui.day_dialogs import CloseDayDialog

        self._single("closeDay", lambda: CloseDayDialog(figures, self.window),
                     lambda dialog: dialog.submitted.connect(lambda: self._close_with(dialog)))

    def _close_with(self, dialog: CloseDayDialog) -> None:
        counted = dialog.counted()
        self.run(lambda register: register.z_report(counted), lambda figures: self._closed(dialog, figures),
                 dialog.fail)

    def _closed(self, dialog: CloseDayDialog, figures: DayFigures) -> None:
        dialog.finish()
        difference = figures.cash_difference or Decimal("0.00")
        note = self.tr("Dag %1 är stängd. Kassadifferens %2.").replace("%1", str(figures.day_number)).replace(
            "%2", _kr(difference))
        self.say(note + " " + self.tr("Dagens kvitton är låsta; rättelser görs med retur."))
        self.show_report(report_printout(figures), self.tr("Z-dagrapport %1").replace("%1", str(figures.number)),
                         f"Z-dagrapport-{self.till}-{figures.number}.pdf", note)

    def old_z_reports(self) -> None:
        from kassa.ui.z_reports import ZReportListDialog

        self._single("zList", lambda: ZReportListDialog(self.till, self.window))

    # --- returns -------------------------------------------------------------------------------------

    def start_return(self) -> None:
        from kassa.ui.returns import ReturnDialog

        view = self.session.view
        if not view.is_empty:
            self.say(self.tr("Avsluta, parkera eller avbryt den pågående försäljningen innan du börjar en retur."),
                     error=True)
            return
        self._single("return", lambda: ReturnDialog(self.session, self.window),
                     lambda dialog: dialog.refunded.connect(self._refunded))

    def _refunded(self, result: ReceiptResult) -> None:
        paid = result.plan.payments if result.plan is not None else ()
        means = ", ".join(f"{method_label(p.method).lower()} {_kr(p.amount)}" for p in paid)
        headline = self.tr("Återbetala: %1").replace("%1", means)
        text = self.tr("Returkvitto %1. Återbetala %2.").replace("%1", str(result.receipt.serial)).replace(
            "%2", means)
        self.say(text)
        self.window.sale.hand_out(result, self.tr("Returkvitto %1").replace("%1", str(result.receipt.serial)),
                                  headline)

    # --- settings and export -------------------------------------------------------------------------

    def open_settings(self) -> None:
        from kassa.ui.till_settings import TillSettingsDialog

        self._single("tillSettings", lambda: TillSettingsDialog(self.window),
                     lambda dialog: dialog.till_changed.connect(self._till_changed))

    def _till_changed(self, new: str, old: str) -> None:
        """The new designation at once: the register, the receipt printer's queue and the window use it."""
        def use_it() -> None:
            try:
                register = Register(new)
            except TillError as exc:  # checked when it was saved; said if it still cannot be used
                self.say(str(exc), error=True)
                return
            self.session.register, self.session.refusal = register, ""
            self.window.printing.set_till(new)
            self.window.till_name = new
            self.say(self.tr("Kassabeteckningen är nu %1 (var %2).").replace("%1", new).replace("%2", old))
            self.check_day()

        self.session.when_idle(use_it)

    def export_journal(self) -> None:
        from kassa.ui.journal_export import JournalExportDialog

        self._single("journalExport", lambda: JournalExportDialog(self.till, self.window))
