"""The figures of an X or Z day report, as one typed value (SKVFS 2014:9 7 kap. 2–3 §§).

`DayFigures` is what the report prints (kassa.register.report_printout), what `--json` shows,
what a Z report stores, and what bookkeeping turns into a day voucher (SIE):

    debit   each means of payment ........ means[i].net        (cash, card, Swish; refunds netted)
    credit  sales excl. VAT per rate ..... vat[i].taxable      (returns netted)
    credit  output VAT per rate .......... vat[i].tax
    credit  öresavrundning ............... rounding            (negative: a debit)
    and, for the cash count (Z only): cash_difference = counted - expected (a surplus when positive).

The voucher balances: sum(means.net) == sum(vat.taxable + vat.tax) + rounding (see `balances`).
Invoiced sales are outside the register (booked with their invoices) and only shown as `invoiced`.
All amounts include VAT unless named taxable/tax; every amount is a Decimal in kronor.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CountAmount:
    count: int = 0
    amount: Decimal = ZERO


@dataclass(frozen=True)
class VatFigure:
    """Sales per VAT rate, returns netted: the amount excl. VAT and the VAT."""

    rate: int
    taxable: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.taxable + self.tax


@dataclass(frozen=True)
class MeansFigure:
    """One means of payment: what came in on sales and went out on returns."""

    method: str  # cash | card | swish
    sales: Decimal
    refunds: Decimal

    @property
    def net(self) -> Decimal:
        return self.sales - self.refunds


@dataclass(frozen=True)
class DayFigures:
    kind: str  # "X" or "Z"
    number: int | None  # c) the Z report's serial number; None on an X report
    till: str  # e)
    company_name: str  # a)
    org_number: str  # a)
    produced_at: dt.datetime  # b) UTC
    day_number: int
    day_opened_at: dt.datetime  # UTC
    sales: Decimal  # sale receipts' totals (incl. VAT, before rounding)
    returns: CountAmount  # q) return receipts and their totals
    goods_amount: Decimal  # g) main group "Varor", returns netted
    services_amount: Decimal  # g) main group "Tjänster", returns netted
    vat: tuple[VatFigure, ...]  # h)
    float_amount: Decimal  # i) the cash float the day opened with
    cash_in: Decimal  # changes to the float during the day
    cash_out: Decimal
    goods_sold: Decimal  # j) quantity of goods on sale receipts
    services_sold: Decimal  # k)
    receipts: int  # l) sale receipts (kassakvitton)
    drawer_openings: int  # m)
    copies: CountAmount  # n)
    training: CountAmount  # o) training receipts (not in any other figure)
    means: tuple[MeansFigure, ...]  # p)
    discounts: CountAmount  # r) receipts with line discounts, and the discounts
    reductions: CountAmount  # s) receipts with prices set below the article's price, and the reductions
    unfinished: CountAmount  # t) sales cleared before payment, parked ones still parked or given up, voided receipts
    proforma: CountAmount
    rounding: Decimal  # öresavrundning, sales minus returns
    grand_total_sales: Decimal  # u) since the till was taken into use, never reset
    grand_total_returns: Decimal  # v)
    invoiced: CountAmount  # sales invoiced from this till during the day: outside the register's sales
    counted_cash: Decimal | None = None  # Z: the cash counted at close
    control_unit_id: str = ""
    # The till's journal as the report found it: its last row and that row's hash, printed on the report,
    # so that a journal rewritten afterwards (its whole chain recomputed) disagrees with the paper.
    journal_seq: int | None = None
    journal_hash: str = ""

    @property
    def net_sales(self) -> Decimal:
        """f) total sales: sale receipts less return receipts, incl. VAT, before rounding."""
        return self.sales - self.returns.amount

    @property
    def grand_total_net(self) -> Decimal:
        """w)"""
        return self.grand_total_sales - self.grand_total_returns

    @property
    def vat_total(self) -> Decimal:
        return sum((v.tax for v in self.vat), ZERO)

    def means_net(self, method: str) -> Decimal:
        return sum((m.net for m in self.means if m.method == method), ZERO)

    @property
    def expected_cash(self) -> Decimal:
        """What the drawer should hold: the float, cash in and out, and cash taken less cash paid back."""
        return self.float_amount + self.cash_in - self.cash_out + self.means_net("cash")

    @property
    def cash_difference(self) -> Decimal | None:
        """Counted minus expected: positive is a surplus, negative a shortage."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash

    def balances(self) -> bool:
        """Means of payment equal sales per VAT rate plus rounding (the day voucher balances)."""
        return sum((m.net for m in self.means), ZERO) == sum((v.gross for v in self.vat), ZERO) + self.rounding

    # --- JSON ---------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Plain JSON: amounts as strings ("123.45"), times as ISO (UTC), derived figures included."""
        data = _plain(asdict(self))
        data.update({
            "net_sales": str(self.net_sales), "grand_total_net": str(self.grand_total_net),
            "vat_total": str(self.vat_total), "expected_cash": str(self.expected_cash),
            "cash_difference": None if self.cash_difference is None else str(self.cash_difference),
        })
        for vat, row in zip(self.vat, data["vat"], strict=True):
            row["gross"] = str(vat.gross)
        for means, row in zip(self.means, data["means"], strict=True):
            row["net"] = str(means.net)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DayFigures:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = data.get(f.name)
            kind = str(f.type)
            if raw is None:
                values[f.name] = None
            elif kind.startswith("CountAmount"):
                values[f.name] = CountAmount(int(raw["count"]), Decimal(raw["amount"]))
            elif kind.startswith("tuple[VatFigure"):
                values[f.name] = tuple(VatFigure(int(v["rate"]), Decimal(v["taxable"]), Decimal(v["tax"]))
                                       for v in raw)
            elif kind.startswith("tuple[MeansFigure"):
                values[f.name] = tuple(MeansFigure(m["method"], Decimal(m["sales"]), Decimal(m["refunds"]))
                                       for m in raw)
            elif kind.startswith("dt.datetime"):
                values[f.name] = dt.datetime.fromisoformat(raw)
            elif kind.startswith("Decimal"):
                values[f.name] = Decimal(raw)
            else:
                values[f.name] = raw
        return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    return value
