"""The day's voucher from a Z report (BFNAR 2013:2: one combined voucher per day and till).

``DayVoucherInput`` is the contract with the cash register: the figures of one Z report. The
register builds it from its Z report; ``day_voucher`` books it:

- cash, card and Swish debited on their own accounts (what was received by each means);
- sales credited per VAT rate (and article group, where the group has an account of its own);
- output VAT credited per rate;
- rounding (öresavrundning) on its own account;
- the cash difference (counted minus expected) on its own line, against the cash account: it
  never touches sales or VAT;
- sales paid by invoice are left out: each invoice is booked by its own voucher (on accounts
  receivable), so the Z report's invoiced part is subtracted from its sales and VAT.

Day inputs come from the sources registered with ``register_day_source`` (the register's Z
reports); the SIE export asks every source for the period.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kassa.bookkeeping.accounts import MEANS_OF_PAYMENT, AccountPlan, AccountPlanError
from kassa.bookkeeping.vouchers import Voucher, VoucherBuilder, VoucherError
from kassa.money import ZERO

INVOICE_MEANS = "invoice"


@dataclass(frozen=True)
class SalesAmount:
    """Net sales (excluding VAT) of one VAT rate, and of one article group when the till has groups."""

    vat_rate: int
    net: Decimal
    group: str = ""


@dataclass(frozen=True)
class DayVoucherInput:
    """The figures of one Z report (one till, one day).

    ``received``: amount received per means of payment, VAT included, after rounding: "cash",
    "card", "swish", and "invoice" for sales paid by invoice (not booked here). ``sales`` and
    ``output_vat``: all of the day's sales, whatever paid them; ``invoiced_sales`` and
    ``invoiced_vat``: the part of them paid by invoice. ``rounding``: rounded total minus exact
    total (positive when customers paid more). ``cash_difference``: counted cash minus expected
    cash (negative when cash is missing).
    """

    till: str
    date: dt.date
    z_number: int
    received: Mapping[str, Decimal]
    sales: Sequence[SalesAmount]
    output_vat: Mapping[int, Decimal]
    rounding: Decimal = ZERO
    cash_difference: Decimal = ZERO
    invoiced_sales: Sequence[SalesAmount] = ()
    invoiced_vat: Mapping[int, Decimal] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"Z-rapport {self.z_number} {self.till} {self.date.isoformat()}"


def day_voucher(day: DayVoucherInput, plan: AccountPlan, series: str = "") -> Voucher:
    """The voucher of one Z report. VoucherError (Swedish) when its figures do not add up."""
    builder = VoucherBuilder("day", series, day.date, day.title)
    try:
        for means, amount in day.received.items():
            if means == INVOICE_MEANS:
                continue  # booked by the invoices' own vouchers
            if means not in MEANS_OF_PAYMENT:
                raise VoucherError(f"{day.title}: betalsättet '{means}' har inget konto i kontoplanen.")
            builder.debit(plan.means_of_payment(means), Decimal(amount))
        net: dict[tuple[int, str], Decimal] = {}
        for line in day.sales:
            net[(line.vat_rate, line.group)] = net.get((line.vat_rate, line.group), ZERO) + Decimal(line.net)
        for line in day.invoiced_sales:
            net[(line.vat_rate, line.group)] = net.get((line.vat_rate, line.group), ZERO) - Decimal(line.net)
        for (rate, group), amount in sorted(net.items(), key=lambda item: (-item[0][0], item[0][1])):
            builder.credit(plan.sales(rate, group), amount)
        vat: dict[int, Decimal] = {}
        for rate, amount in day.output_vat.items():
            vat[rate] = vat.get(rate, ZERO) + Decimal(amount)
        for rate, amount in day.invoiced_vat.items():
            vat[rate] = vat.get(rate, ZERO) - Decimal(amount)
        for rate, amount in sorted(vat.items(), reverse=True):
            if amount:
                builder.credit(plan.output_vat(rate), amount)
        builder.credit(plan.account("rounding"), Decimal(day.rounding))
        difference = Decimal(day.cash_difference)
        builder.debit(plan.account("cash"), difference)
        builder.credit(plan.account("cash_difference"), difference)
    except AccountPlanError as exc:
        raise VoucherError(f"{day.title}: {exc}") from None
    return builder.build()


DaySource = Callable[[dt.date, dt.date], Iterable[DayVoucherInput]]
_SOURCES: list[DaySource] = []


def register_day_source(source: DaySource) -> None:
    """Register where Z reports come from: ``source(date_from, date_to)`` yields their inputs."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def unregister_day_source(source: DaySource) -> None:
    if source in _SOURCES:
        _SOURCES.remove(source)


def registered_day_inputs(date_from: dt.date, date_to: dt.date) -> Iterable[DayVoucherInput]:
    for source in list(_SOURCES):
        yield from source(date_from, date_to)


def has_day_source() -> bool:
    return bool(_SOURCES)
