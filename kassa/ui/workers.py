"""Background work for the windows: run a function off the UI thread, get the answer back on it.

    run_in_background(fn, arg, on_result=self.show, on_error=self.fail)

`fn` runs in a QThreadPool thread; `on_result(value)` or `on_error(exception)` then run on
the UI thread (queued signals). The database connection the worker thread opened (peewee keeps
one per thread) is closed when the job ends, so pooled threads hold no SQLite handle between jobs.

`LatestOnly` is for search-as-you-type: each new request makes older answers stale, and only the
newest answer is delivered, so a slow query never overwrites the result of a newer one.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

# Running jobs are kept here until they report: Python must not collect a job's signal
# object while its thread is still going to emit on it.
_running: set[Job] = set()


class _Signals(QObject):
    result = Signal(object)
    error = Signal(object)
    done = Signal()


class Job(QRunnable):
    """One call of `fn(*args, **kwargs)` in a pool thread."""

    def __init__(self, fn: Callable[..., Any], *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _Signals()  # created on the calling (UI) thread, so slots run there
        self.setAutoDelete(False)  # Python owns the job; _running keeps it alive until `done`
        self.signals.done.connect(self._forget)

    def run(self) -> None:  # in the pool thread
        try:
            value = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # handed to the UI thread, which decides what to show
            log.debug("background job %s failed:\n%s", getattr(self.fn, "__name__", self.fn), traceback.format_exc())
            self._emit(self.signals.error, exc)
        else:
            self._emit(self.signals.result, value)
        finally:
            _close_thread_connection()
            self._emit(self.signals.done)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the application is shutting down and the signal object is gone
            log.debug("background job finished after its receiver was deleted")

    def _forget(self) -> None:
        _running.discard(self)


def _close_thread_connection() -> None:
    """Close this thread's database connection, if the job opened one."""
    try:
        from kassa.models.database import db

        if db.obj is not None and not db.obj.is_closed():
            db.obj.close()
    except Exception:  # pragma: no cover - closing must never hide the job's own outcome
        log.exception("closing the worker thread's database connection failed")


def run_in_background(
    fn: Callable[..., Any],
    *args,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_done: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
    **kwargs,
) -> Job:
    """Start `fn(*args, **kwargs)` in a pool thread; the callbacks run on the UI thread."""
    job = Job(fn, *args, **kwargs)
    if on_result is not None:
        job.signals.result.connect(on_result)
    if on_error is not None:
        job.signals.error.connect(on_error)
    else:
        job.signals.error.connect(_log_unhandled)
    if on_done is not None:
        job.signals.done.connect(on_done)
    _running.add(job)
    (pool or QThreadPool.globalInstance()).start(job)
    return job


def _log_unhandled(exc: BaseException) -> None:
    log.error("background job failed: %s", exc, exc_info=(type(exc), exc, exc.__traceback__))


def wait_for_background(msecs: int = 10_000, pool: QThreadPool | None = None) -> bool:
    """Wait until the pool's jobs have finished (for shutdown and tests)."""
    return (pool or QThreadPool.globalInstance()).waitForDone(msecs)


class LatestOnly(QObject):
    """Runs requests in the background after a short pause and delivers only the newest answer.

    `delay_ms` debounces typing: a request replaces a pending one that has not started yet.
    """

    result = Signal(object)
    error = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, fn: Callable[..., Any], delay_ms: int = 150, parent: QObject | None = None,
                 pool: QThreadPool | None = None):
        super().__init__(parent)
        self._fn = fn
        self._pool = pool
        self._generation = 0
        self._delivered = 0
        self._pending: tuple = ()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)

    @property
    def is_busy(self) -> bool:
        return self._delivered < self._generation

    def request(self, *args, immediately: bool = False) -> None:
        self._generation += 1
        self._pending = args
        if self._delivered == self._generation - 1:
            self.busy_changed.emit(True)
        if immediately:
            self._timer.stop()
            self._start()
        else:
            self._timer.start()

    def _start(self) -> None:
        generation, args = self._generation, self._pending
        run_in_background(
            self._fn, *args, pool=self._pool,
            on_result=lambda value: self._deliver(generation, value, self.result),
            on_error=lambda exc: self._deliver(generation, exc, self.error),
        )

    def _deliver(self, generation: int, value: Any, signal) -> None:
        if not shiboken6.isValid(self):
            return  # the window that asked has been closed meanwhile
        if generation != self._generation:
            return  # a newer request is on its way; this answer is stale
        self._delivered = generation
        signal.emit(value)
        self.busy_changed.emit(False)
