"""Means of payment and how a total is split over them.

Card and Swish pay the exact amount. Cash pays whole kronor (öresavrundning, as the till has
always done: there are no öre coins): the part left for cash is rounded half up to a krona and
the difference is the sale's rounding. A sale may be split over several means; at most one part
is cash and it takes what the others leave. A return pays back the same way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kassa.money import ZERO, format_sek, round_krona
from kassa.till import TillError, parse_decimal

CASH, CARD, SWISH = "cash", "card", "swish"
METHODS = {CASH: "Kontant", CARD: "Kort", SWISH: "Swish"}


def method_label(method: str) -> str:
    return METHODS.get(method, method)


@dataclass(frozen=True)
class PaymentPart:
    """One means in a payment, as the cashier gives it.

    `amount`: what this means pays; None for the part that takes the rest (the cash part, or
    else the last part). `tendered`: the cash handed over (cash only; None means exactly).
    Amounts may be Decimals or text as a Swede types it ("50", "49,50").
    """

    method: str
    amount: Decimal | str | None = None
    tendered: Decimal | str | None = None


@dataclass(frozen=True)
class PlannedPayment:
    method: str
    amount: Decimal
    tendered: Decimal | None = None
    change: Decimal | None = None

    @property
    def label(self) -> str:
        return method_label(self.method)


@dataclass(frozen=True)
class PaymentPlan:
    total: Decimal  # incl. VAT, before rounding
    rounding: Decimal
    payable: Decimal  # total + rounding = the sum of the payments
    payments: tuple[PlannedPayment, ...]

    @property
    def change(self) -> Decimal:
        return sum((p.change or ZERO for p in self.payments), ZERO)

    @property
    def has_cash(self) -> bool:
        return any(p.method == CASH for p in self.payments)


def _kr(amount: Decimal) -> str:
    return f"{format_sek(amount)} kr"


def plan(total: Decimal, parts: Sequence[PaymentPart], *, refund: bool = False) -> PaymentPlan:
    """How `total` is paid (or, with `refund`, paid back) by `parts`; TillError says what is wrong."""
    if not parts:
        raise TillError("Välj betalningsmedel.")
    for part in parts:
        if part.method not in METHODS:
            raise TillError(f"Okänt betalningsmedel '{part.method}'. Välj kontant, kort eller Swish.")
    cash_parts = [p for p in parts if p.method == CASH]
    if len(cash_parts) > 1:
        raise TillError("Kontant kan bara vara ett av betalningsmedlen.")
    rest_taker = cash_parts[0] if cash_parts else parts[-1]
    word = "Återbetalt" if refund else "Betalt"
    planned: dict[int, PlannedPayment] = {}
    paid = ZERO
    for index, part in enumerate(parts):
        if part is rest_taker:
            continue
        if part.amount is None:
            raise TillError(f"Ange beloppet för {method_label(part.method).lower()}.")
        amount = parse_decimal(str(part.amount), f"Belopp ({method_label(part.method).lower()})", 2,
                               minimum=Decimal("0.01"))
        paid += amount
        planned[index] = PlannedPayment(part.method, amount)
    rest = total - paid
    if rest < 0:
        raise TillError(f"{word} med andra medel ({_kr(paid)}) är mer än summan {_kr(total)}.")
    rounding = ZERO
    rest_index = parts.index(rest_taker)
    if rest_taker.method == CASH:
        cash = round_krona(rest)
        rounding = cash - rest
        if cash <= 0:
            raise TillError(f"Kvar att betala kontant är {_kr(rest)}, vilket avrundas till 0 kr. "
                            "Betala hela beloppet med kort eller Swish.")
        if rest_taker.amount is not None:
            asked = parse_decimal(str(rest_taker.amount), "Kontantbelopp", 2, minimum=ZERO)
            if asked != cash:
                raise TillError(f"Kontant ska vara resten, {_kr(cash)} (avrundat), inte {_kr(asked)}.")
        tendered = cash
        if rest_taker.tendered is not None and not refund:
            tendered = parse_decimal(str(rest_taker.tendered), "Mottaget belopp", 2, minimum=ZERO)
            if tendered < cash:
                raise TillError(f"Mottaget belopp {_kr(tendered)} räcker inte: att betala kontant är {_kr(cash)}.")
        planned[rest_index] = PlannedPayment(CASH, cash, tendered, tendered - cash)
    else:
        if rest_taker.amount is not None:
            amount = parse_decimal(str(rest_taker.amount), f"Belopp ({method_label(rest_taker.method).lower()})", 2,
                                   minimum=Decimal("0.01"))
            if amount != rest:
                raise TillError(f"Beloppen ({_kr(paid + amount)}) stämmer inte med summan {_kr(total)}.")
        if rest <= 0:
            raise TillError(f"Inget kvar för {method_label(rest_taker.method).lower()}: ta bort det betalningsmedlet.")
        planned[rest_index] = PlannedPayment(rest_taker.method, rest)
    payments = tuple(planned[i] for i in range(len(parts)))
    return PaymentPlan(total, rounding, total + rounding, payments)
