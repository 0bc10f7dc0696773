"""The UI thread never blocks: while the send queue talks to a Pagero stand-in that answers
slowly, and while the print action validates an e-invoice and compiles the rule pack for the
first time, a 20 ms timer on the UI thread keeps firing on time.

What is measured is the event loop itself: the largest gap between two ticks, and the number
of ticks against the time that passed. A blocked UI thread shows as one long gap.
"""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer

from kassa.models import Transmission
from kassa.outbox.background import BackgroundSender
from kassa.outbox.enqueue import enqueue_invoice
from kassa.peppol.rules import pack as rule_pack
from kassa.peppol.rules.pack import get_rule_pack
from kassa.ui.einvoices import EInvoiceStatusDialog, QueueIndicator
from kassa.ui.invoices import E_INVOICE_QUEUED, InvoiceDialog
from kassa.ui.main_window import MainWindow
from kassa.ui.workers import wait_for_background
from tests.factories import (
    NO_PACK_REASON,
    QT_NOISE,
    close_all_dialogs,
    open_day,
    rule_pack_dir,
    transmission_state_shown,
)
from tests.outbox.fixtures import client_factory, fast_policy, issue_e_invoices, seller

pytestmark = QT_NOISE

TICK_MS = 20
MAX_GAP_MS = 250  # a person notices a stall from about here
SLOW_SECONDS = 2.0  # how long the stand-in takes to answer each upload and poll


class TickCounter(QObject):
    """A timer on the UI thread that notes how late each tick comes."""

    def __init__(self, interval_ms: int = TICK_MS):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.ticks = 0
        self.max_gap_ms = 0
        self._last = 0

    def start(self) -> None:
        self.clock.start()
        self._last = 0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.max_gap_ms = max(self.max_gap_ms, now - self._last)
        self._last = now
        self.ticks += 1

    def stop(self) -> float:
        """Stop; the seconds that passed (the gap to the stop counts too)."""
        self.timer.stop()
        elapsed = self.clock.elapsed()
        self.max_gap_ms = max(self.max_gap_ms, elapsed - self._last)
        return elapsed / 1000

    def assert_kept_turning(self, elapsed: float) -> None:
        expected = elapsed * 1000 / self.timer.interval()
        print(f"event loop: {self.ticks} ticks of {self.timer.interval()} ms in {elapsed:.2f} s "
              f"(about {expected:.0f} expected), largest gap {self.max_gap_ms} ms")
        assert self.max_gap_ms < MAX_GAP_MS, (
            f"the UI thread stalled for {self.max_gap_ms} ms ({self.ticks} ticks in {elapsed:.2f} s)")
        # Half is plenty of slack for a loaded machine (timers get coalesced); a stall loses far more.
        assert self.ticks >= 0.5 * expected, f"{self.ticks} ticks in {elapsed:.2f} s, expected about {expected:.0f}"


def test_event_loop_turns_while_the_stand_in_answers_slowly(qtbot, db, outbox_control, connected):
    seller()
    invoice = issue_e_invoices(1)[0]
    enqueue_invoice(invoice.id, till="Kassa 1")
    # Every file and document request waits 2 s before the stand-in answers (the client waits 5 s).
    outbox_control.faults(probability=1.0, kinds=["slow"], slow_seconds=SLOW_SECONDS,
                          paths=["/file/", "/document/"])
    sender = BackgroundSender(till="Kassa 1", client_factory=client_factory(connected, read_timeout=5.0),
                              policy=fast_policy())

    open_day("Kassa 1")  # the float is in: the till does not ask for it first
    window = MainWindow(till_name="Kassa 1")  # with its status-bar queue indicator
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    indicator = QueueIndicator(interval_ms=100)  # refreshing ten times a second, as a busy queue might
    window.statusBar().addPermanentWidget(indicator)
    view = EInvoiceStatusDialog(window, refresh_ms=100)
    view.show()
    counter = TickCounter()
    try:
        counter.start()
        started = time.monotonic()
        sender.start()
        qtbot.waitUntil(lambda: transmission_state_shown(view, invoice.number) == "Levererad till köparen",
                        timeout=60_000)
        elapsed = counter.stop()
        sending = time.monotonic() - started
    finally:
        assert sender.stop(15)
        view.close()
        close_all_dialogs()
        wait_for_background(10_000)

    injected = outbox_control.injected().get("slow", 0)
    assert injected >= 2, "the stand-in was not slow: nothing was measured"
    assert sending >= 2 * SLOW_SECONDS * 0.9  # the upload and a poll at least waited on slow answers
    assert "i kö" in indicator.label.text()
    counter.assert_kept_turning(elapsed)
    assert outbox_control.files()["counts"] == {str(invoice.number): 1}
    assert Transmission.get().state == "delivered"


@pytest.fixture
def rules_env(monkeypatch):
    """The official rule pack through KASSA_RULES_DIR, not yet compiled in this process."""
    path = rule_pack_dir()
    if path is None or not path.is_dir():
        pytest.skip(NO_PACK_REASON)
    monkeypatch.setenv("KASSA_RULES_DIR", str(path))
    monkeypatch.setattr(rule_pack, "_cache", {})
    return path


# SaxonC's compile_stylesheet holds the GIL for the whole compile (0.5-0.8 s for the CEN rules)
# and every transform holds it too, so the rule pack runs Saxon in helper processes
# (kassa.peppol.rules.worker): the first compile must not stall the UI thread either.
@pytest.mark.parametrize("compiled", [pytest.param(False, id="first-compile"), pytest.param(True, id="compiled")])
def test_print_action_with_validation_keeps_the_ui_turning(qtbot, db, rules_env, compiled):
    seller()
    invoice = issue_e_invoices(1)[0]
    if compiled:
        get_rule_pack().warm_up()  # as the application does after its first paint
    dialog = InvoiceDialog(invoice.id, till="Kassa 1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    counter = TickCounter()
    counter.start()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: E_INVOICE_QUEUED in dialog.message.text() or "kan inte" in dialog.message.text(),
                    timeout=120_000)
    qtbot.wait(500)  # ticks after the answer, so a stall at the very end is seen too
    elapsed = counter.stop()
    wait_for_background(10_000)

    assert E_INVOICE_QUEUED in dialog.message.text(), dialog.message.text()
    transmission = Transmission.get()
    assert "regelpaketet" not in " ".join(m["text"] for m in transmission.messages)  # validated for real
    assert get_rule_pack().is_compiled
    counter.assert_kept_turning(elapsed)
