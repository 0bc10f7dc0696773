"""The till's register, called off the UI thread, one call at a time, in the order the cashier acted.

    session = TillSession(register, parent=window)
    session.call(lambda register: register.add_code("3*7310865004703"), on_result=..., on_error=...)
    session.when_idle(open_the_cash_dialog)      # after the scans already on their way

Every call of the register does database I/O (and a payment the control unit's network round trip),
so each runs in the session's own thread pool of one thread: calls run in order and never at the same
time, which is what the register asks ("one at a time per till"). After each call, in that thread,
the cart is copied into a `CartView`; the window only ever shows such copies, never the register's
own cart, which the thread may be changing. `cart_changed(view)` carries each new copy.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal

from kassa.models import Customer
from kassa.money import Totals, compute_totals
from kassa.register.service import Register
from kassa.till import Cart, CartLine, TillError
from kassa.ui.workers import run_in_background, wait_for_background

log = logging.getLogger(__name__)


def _no_totals() -> Totals:
    return compute_totals([])


@dataclass(frozen=True)
class CartView:
    """The register's cart as it was after a call: copies, safe to read on the UI thread."""

    lines: tuple[CartLine, ...] = ()
    customer: Customer | None = None
    training: bool = False
    returning: bool = False
    totals: Totals = field(default_factory=_no_totals)
    cash_totals: Totals = field(default_factory=_no_totals)  # rounded to whole kronor

    @classmethod
    def of(cls, register: Register) -> CartView:
        cart = register.cart
        return cls(tuple(dataclasses.replace(line) for line in cart.lines), cart.customer, register.training,
                   register.returning, cart.totals(), cart.cash_totals())

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def cart(self, till: str) -> Cart:
        """A cart of its own with these lines (for the invoice's checks and tests), not the register's."""
        return Cart(till=till, lines=[dataclasses.replace(line) for line in self.lines], customer=self.customer)


@dataclass(frozen=True)
class _Outcome:
    value: Any
    error: BaseException | None
    view: CartView | None


class TillSession(QObject):
    """Owns the register; runs its calls in order in a thread of its own (see the module doc)."""

    cart_changed = Signal(object)  # CartView
    busy_changed = Signal(bool)

    def __init__(self, register: Register | None, refusal: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self.register = register
        self.refusal = refusal  # why there is no register (a till designation it cannot use), in Swedish
        self.view = CartView()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one call at a time, in order
        self._pending = 0
        self._when_idle: list[Callable[[], None]] = []
        self._closed = False

    @classmethod
    def for_till(cls, till: str, parent: QObject | None = None) -> TillSession:
        """This till's register, its control unit from the settings (built at the first receipt)."""
        try:
            return cls(Register(till), parent=parent)
        except TillError as exc:  # a designation the control unit cannot take: said at every attempt
            return cls(None, str(exc), parent)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def call(self, fn: Callable[[Register], Any], *, on_result: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run `fn(register)` after the calls before it; `on_result(value)` or `on_error(exc)` on the UI thread,
        after `cart_changed` has told what the cart holds now."""
        register = self.register
        if self._closed:
            log.warning("till session closed: a call after the window closed is not made")
            return
        if register is None:
            error = TillError(self.refusal or "Kassan kan inte användas.")
            if on_error is not None:
                on_error(error)
            return

        def job() -> _Outcome:
            try:
                value, error = fn(register), None
            except Exception as exc:  # handed to the UI thread, which says what went wrong
                value, error = None, exc
            try:
                view: CartView | None = CartView.of(register)
            except Exception:  # pragma: no cover - copying the cart reads no database
                log.exception("could not copy the cart")
                view = None
            return _Outcome(value, error, view)

        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        run_in_background(job, pool=self.pool, on_result=lambda outcome: self._deliver(outcome, on_result, on_error),
                          on_done=self._done)

    def when_idle(self, fn: Callable[[], None]) -> None:
        """`fn()` now, or once the calls already on their way are done (a key pressed right after a scan)."""
        if self._pending == 0:
            fn()
        else:
            self._when_idle.append(fn)

    def wait(self, msecs: int = 10_000) -> bool:
        """Wait for the calls on their way (at shutdown and in tests)."""
        return wait_for_background(msecs, self.pool)

    def close(self, msecs: int = 10_000) -> bool:
        """No more calls (the window closes); those on their way finish. The pool must be empty before it is
        destroyed with its window: its destructor waits for its jobs while holding Python's lock, which a
        job that has not started yet needs (a deadlock seen when a call came after the window closed)."""
        self._closed = True
        return self.wait(msecs)

    def _deliver(self, outcome: _Outcome, on_result: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], None] | None) -> None:
        if not shiboken6.isValid(self):
            return
        if outcome.view is not None:
            self.view = outcome.view
            self.cart_changed.emit(outcome.view)
        if outcome.error is None:
            if on_result is not None:
                on_result(outcome.value)
        elif on_error is not None:
            on_error(outcome.error)
        else:
            error = outcome.error
            log.error("till call failed: %s", error, exc_info=(type(error), error, error.__traceback__))

    def _done(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        while self._when_idle and self._pending == 0:  # one that calls the register again waits for that call
            self._when_idle.pop(0)()
