"""The send queue inside the application: the sender on a plain thread, no Qt.

    sender = BackgroundSender(till="Kassa 1")
    sender.start()          # after the window shows
    sender.wake()           # after enqueue_invoice, so a new e-invoice goes at once
    sender.status           # SenderStatus: connected?, a Swedish message
    sender.stop()           # on quit; waits for the current step

The thread opens its own database connection (peewee keeps one per thread) and closes it
when it ends. A step cut short by quitting is reconciled with Pagero at the next start.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kassa.models.database import db
from kassa.outbox.sender import Sender, SenderStatus, SendPolicy, default_client_factory, default_worker_id

log = logging.getLogger(__name__)


class _WakeableEvent(threading.Event):
    """The stop event the sender waits on; ``wake()`` ends one wait without stopping."""

    def __init__(self) -> None:
        super().__init__()
        self._woken = threading.Event()
        self._stopped = False

    def is_set(self) -> bool:
        return self._stopped

    def set(self) -> None:
        self._stopped = True
        self._woken.set()

    def wake(self) -> None:
        self._woken.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._woken.wait(timeout)
        self._woken.clear()
        return self._stopped


_running: BackgroundSender | None = None  # the application's sender, so the print action can wake it


def wake_running_sender() -> None:
    """Tell the application's sender, if one runs in this process, to look at the queue now."""
    sender = _running
    if sender is not None:
        sender.wake()


class BackgroundSender:
    def __init__(self, till: str = "", *, client_factory: Callable[[], Any] = default_client_factory,
                 policy: SendPolicy | None = None, worker_id: str | None = None):
        self.worker_id = worker_id or (f"{till}@{default_worker_id()}" if till else None)
        self._sender = Sender(client_factory, self.worker_id, policy=policy)
        self._stop = _WakeableEvent()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> SenderStatus:
        return self._sender.status

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop = _WakeableEvent()
        self._thread = threading.Thread(target=self._run, name="kassa-send-queue", daemon=True)
        self._thread.start()
        global _running
        _running = self

    def wake(self) -> None:
        """Look at the queue now (a new e-invoice, a retry, a new connection)."""
        self._stop.wake()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop after the current step; True if the thread ended within ``timeout``."""
        global _running
        if _running is self:
            _running = None
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._sender.run(self._stop)
        except Exception:  # the thread must never die silently
            log.exception("send queue thread ended with an error")
        finally:
            if not db.is_closed():
                db.close()
