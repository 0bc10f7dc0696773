"""What the return window shows of the register's return in progress, as plain values.

The register's cart changes in a worker thread; the window draws from a `ReturnView` taken in
that same worker after each step, never from the cart itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kassa.register.payments import METHODS, PaymentPart
from kassa.register.returns import paid_with
from kassa.register.service import Register
from kassa.till import TillError


@dataclass(frozen=True)
class ReturnLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal  # incl. VAT
    left: Decimal | None  # against a receipt: at most this much may come back; None without one
    is_service: bool


@dataclass(frozen=True)
class ReturnView:
    receipt: int | None  # the serial number returned against, None without a receipt
    lines: tuple[ReturnLine, ...]
    total: Decimal  # incl. VAT, before rounding
    payable: dict[str, Decimal]  # what each means pays back (cash rounded to kronor)
    paid_with: tuple[str, ...]  # the means the original sale was paid by, largest first


def view_of(register: Register, left: dict[int, Decimal] | None = None) -> ReturnView:
    """The return as it stands. `left`: per sold line, what was left to return when the receipt was
    fetched (kept by the window; a line's quantity may not go above it)."""
    left = left or {}
    rows = tuple(ReturnLine(line.description, line.quantity, line.unit_price, line.amount_incl_vat,
                            left.get(line.returned_line_id) if line.returned_line_id is not None else None,
                            line.is_service) for line in register.cart.lines)
    payable: dict[str, Decimal] = {}
    if rows:
        for method in METHODS:
            try:
                payable[method] = register.payment_plan([PaymentPart(method)]).payable
            except TillError:  # cash of less than 50 öre rounds to nothing: that means cannot pay it back
                continue
    original = register.return_of
    return ReturnView(original.serial if original is not None else None, rows, register.cart.totals().tax_inclusive
                      if rows else Decimal("0.00"), payable,
                      tuple(paid_with(original)) if original is not None else ())


def begin(register: Register, reference: str | None) -> tuple[ReturnView, dict[int, Decimal]]:
    """Start the return (against the receipt `reference`, or without one) and what each line may return."""
    lines = register.begin_return(reference)
    left = {line.returned_line_id: line.quantity for line in lines if line.returned_line_id is not None}
    return view_of(register, left), left
