"""The receipt printer as the till uses it: the print queue, its drain every few seconds, the drawer.

Everything here talks to the printer or the database, so it runs in a thread pool of one thread of
its own (a printer that is slow to refuse never holds up the register's thread, and receipts go to
the printer in the order they were made). The printer is the one chosen under Inställningar →
Kvittoskrivare, read again before each job, so a change there applies at the next receipt.

- `submit(printout, reference, kind)`: kept in the queue first (kassa.devices.print_queue), then printed;
  a printer that is off, out of paper or unreachable leaves it queued, and the answer says so.
- every DRAIN_MS the queue is drained: what waited prints once the printer is back (`drained`).
- `open_drawer()`: the drawer pulse alone ("Öppna låda", or a cash sale with an electronic receipt).
- a print the till stopped in the middle of is never printed again blindly: the drain reports it
  (`Drained.uncertain`), the cashier says whether it came out, and `resolve` records the answer.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from kassa.devices.base import PrinterUnavailable
from kassa.devices.print_queue import CopyRefused, PrintQueue
from kassa.devices.printer_settings import PrinterSettings, saved
from kassa.devices.printer_setup import open_printer
from kassa.devices.printout import Printout
from kassa.ui.workers import run_in_background, wait_for_background

log = logging.getLogger(__name__)

DRAIN_MS = 4000
NO_PRINTER = "Ingen kvittoskrivare är vald (Inställningar → Kvittoskrivare)."


@dataclass(frozen=True)
class PrintOutcome:
    """What became of a printout: `has_printer` False when no receipt printer is chosen."""

    has_printer: bool
    printed: bool
    text: str  # Swedish, for the cashier


@dataclass(frozen=True)
class Drained:
    printed: int  # printed now, of what waited
    waiting: int  # still waiting
    text: str  # the printer's problem, if it still has one
    uncertain: tuple[tuple[int, str], ...] = ()  # (job, reference) of prints the till stopped in the middle of


class ReceiptPrinting(QObject):
    """The till's receipt printer, used from the UI thread; the work runs in `pool` (see the module doc)."""

    drained = Signal(object)  # Drained, after a drain that printed something or left something waiting

    def __init__(self, till: str, parent: QObject | None = None, drain_ms: int = DRAIN_MS):
        super().__init__(parent)
        self.till = till
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._queue: PrintQueue | None = None
        self._settings: PrinterSettings | None = None
        self._pending = 0
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(drain_ms)
        self.timer.timeout.connect(self.drain)

    def start(self) -> None:
        """Drain now (receipts left from before) and every DRAIN_MS."""
        self.drain()
        self.timer.start()

    def stop(self, msecs: int = 10_000) -> bool:
        """Stop for good (the window closes): nothing more is started, what is on its way finishes."""
        self._stopped = True
        self.timer.stop()
        self.pool.clear()
        return wait_for_background(msecs, self.pool)

    # --- in the pool's thread ---------------------------------------------------------------

    def _current(self) -> PrintQueue | None:
        """The queue on the printer chosen now; None when none is chosen (an unreadable choice raises)."""
        settings = saved()
        if settings is None:
            return None
        if settings != self._settings or self._queue is None:
            printer = open_printer(settings)
            if self._queue is None:
                self._queue = PrintQueue(printer, till=self.till)
            else:
                self._queue.printer = printer
            self._settings = settings
        return self._queue

    def _submit(self, printout: Printout, reference: str, kind: str) -> PrintOutcome:
        try:
            queue = self._current()
        except PrinterUnavailable as exc:  # the saved choice cannot be read: said, nothing printed
            return PrintOutcome(True, False, str(exc))
        if queue is None:
            return PrintOutcome(False, False, NO_PRINTER)
        result = queue.submit(printout, reference, kind=kind)  # CopyRefused goes to on_error
        return PrintOutcome(True, result.printed, result.text)

    def _open_drawer(self) -> PrintOutcome:
        try:
            queue = self._current()
            if queue is None:
                return PrintOutcome(False, False, "Kassalådan öppnas genom kvittoskrivaren, och ingen är vald. Välj "
                                                  "skrivare under Inställningar → Kvittoskrivare, eller öppna lådan "
                                                  "med nyckeln.")
            queue.printer.open_drawer()
        except PrinterUnavailable as exc:
            return PrintOutcome(True, False, f"Kassalådan öppnades inte: {exc}")
        return PrintOutcome(True, True, "Kassalådan öppnades.")

    def _drain(self) -> Drained:
        try:
            queue = self._current()
        except PrinterUnavailable as exc:
            return Drained(0, 0, str(exc))
        if queue is None:
            return Drained(0, 0, "")
        printed = queue.drain()
        pending = queue.pending()
        waiting = [job for job in pending if job.state == "queued"]
        uncertain = tuple((job.id, job.reference) for job in pending if job.state == "uncertain")  # a person says
        return Drained(printed, len(waiting), waiting[0].last_error if waiting else "", uncertain)

    def _resolve(self, job_id: int, printed: bool) -> None:
        queue = self._current()
        if queue is not None:
            queue.resolve(job_id, printed)

    # --- from the UI thread ------------------------------------------------------------------

    def _run(self, job: Callable[[], object], on_result: Callable[[object], None] | None,
             on_error: Callable[[BaseException], None] | None = None) -> None:
        if self._stopped:
            return  # the window has closed: no sale can come now; print jobs stored before it print at the next start
        self._pending += 1

        def done() -> None:
            if shiboken6.isValid(self):
                self._pending -= 1

        run_in_background(job, pool=self.pool, on_result=on_result, on_error=on_error or _log_error, on_done=done)

    def submit(self, printout: Printout, reference: str, on_result: Callable[[PrintOutcome], None], *,
               kind: str = "original", on_refused: Callable[[str], None] | None = None) -> None:
        """Queue and print; `on_result(PrintOutcome)`. A copy the queue refuses: `on_refused(Swedish text)`."""
        def refused(exc: BaseException) -> None:
            if isinstance(exc, CopyRefused) and on_refused is not None:
                on_refused(str(exc))
            else:
                _log_error(exc)
                on_result(PrintOutcome(True, False, f"Kvittot kunde inte skickas till skrivaren: {exc}"))

        self._run(lambda: self._submit(printout, reference, kind), on_result, refused)  # type: ignore[arg-type]

    def open_drawer(self, on_result: Callable[[PrintOutcome], None]) -> None:
        self._run(self._open_drawer, on_result)  # type: ignore[arg-type]

    def set_till(self, till: str) -> None:
        """The till's new designation (Inställningar → Kassa): its receipts queue under the new name from the
        next job on (the queue is made again in the pool's thread, after what is on its way)."""
        def change() -> None:
            self.till, self._queue, self._settings = till, None, None

        self._run(change, None)

    def resolve(self, job_id: int, printed: bool) -> None:
        """The cashier's answer about a print the till stopped in the middle of: it came out, or print it again."""
        self._run(lambda: self._resolve(job_id, printed), None)

    def drain(self) -> None:
        if self._pending:
            return  # printing already; the next tick drains
        self._run(self._drain, self._drained)

    def _drained(self, result: object) -> None:
        if shiboken6.isValid(self) and isinstance(result, Drained) and (result.printed or result.waiting
                                                                         or result.uncertain):
            self.drained.emit(result)


def _log_error(exc: BaseException) -> None:
    log.error("receipt printer job failed: %s", exc, exc_info=(type(exc), exc, exc.__traceback__))
