"""A whole day at the till driven through the register's API, then the Z report: every figure must
equal the one this test computes from its own record of what it did (not from the register)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kassa.models import JournalEntry, Receipt
from kassa.register import journal
from kassa.register.payments import PaymentPart
from kassa.register.service import Register
from tests.register.printed import value

D = Decimal
ORE, KRONA, NIL = D("0.01"), D("1"), D("0")

# What the test knows of the articles: code -> (price incl. VAT, VAT rate, service?)
CATALOGUE = {
    "100": (D("54.90"), 12, False), "101": (D("25.00"), 12, False), "200": (D("79.00"), 25, False),
    "300": (D("35.00"), 6, False), "400": (D("500.00"), 25, True), "401": (D("20.00"), 25, True),
}


def ore(x: Decimal) -> Decimal:
    return x.quantize(ORE, rounding=ROUND_HALF_UP)


def krona(x: Decimal) -> Decimal:
    return x.quantize(KRONA, rounding=ROUND_HALF_UP).quantize(ORE)


@dataclass
class Record:
    """The test's own book of the day."""

    float_amount: Decimal = D("0")
    sales: list[dict] = field(default_factory=list)  # kind, lines [(code, qty)], payments {method: amount}, rounding
    copies: list[Decimal] = field(default_factory=list)
    training: list[Decimal] = field(default_factory=list)
    unfinished: list[Decimal] = field(default_factory=list)
    cash_in: Decimal = D("0")
    cash_out: Decimal = D("0")
    drawer: int = 0

    @staticmethod
    def gross(lines: list[tuple[str, int]]) -> Decimal:
        return sum((CATALOGUE[code][0] * qty for code, qty in lines), D("0"))

    def sell(self, kind: str, lines: list[tuple[str, int]], card: Decimal = NIL, swish: Decimal = NIL,
             cash: bool = False) -> Decimal:
        """Record a sale or return; returns what is paid (or paid back) in cash."""
        total = self.gross(lines)
        rest = total - card - swish
        cash_amount = krona(rest) if cash else D("0")
        self.sales.append({"kind": kind, "lines": lines, "total": total, "rounding": cash_amount - rest if cash else 0,
                           "payments": {"cash": cash_amount, "card": card, "swish": swish}})
        self.drawer += bool(cash)
        return cash_amount

    def of(self, kind: str) -> list[dict]:
        return [s for s in self.sales if s["kind"] == kind]

    def vat(self) -> dict[int, tuple[Decimal, Decimal]]:
        per_rate: dict[int, list[Decimal]] = defaultdict(lambda: [D("0"), D("0")])
        for sale in self.sales:
            sign = 1 if sale["kind"] == "sale" else -1
            gross: dict[int, Decimal] = defaultdict(lambda: D("0"))
            for code, qty in sale["lines"]:
                gross[CATALOGUE[code][1]] += CATALOGUE[code][0] * qty
            for rate, amount in gross.items():
                tax = ore(amount * rate / (100 + rate))
                per_rate[rate][0] += sign * (amount - tax)
                per_rate[rate][1] += sign * tax
        return {rate: (taxable, tax) for rate, (taxable, tax) in per_rate.items()}


def test_a_day_at_the_till_and_its_z_report(register: Register, unit):
    book = Record(float_amount=D("500"))  # the fixture opened the day with 500 kr

    # cash, with a line removed before payment
    register.add_code("2*100")
    register.add_code("200")
    register.remove_line(1)
    register.add_code("101")
    cash = book.sell("sale", [("100", 2), ("101", 1)], cash=True)
    assert register.pay_cash("200").change == D("200") - cash

    register.add_code("200")
    register.add_code("401")
    book.sell("sale", [("200", 1), ("401", 1)], card=D("99.00"))
    register.pay_card()

    register.add_code("300")
    book.sell("sale", [("300", 1)], swish=D("35.00"))
    register.pay_swish()

    register.add_code("400")
    register.add_code("3*101")
    book.sell("sale", [("400", 1), ("101", 3)], card=D("300.00"), swish=D("100.00"), cash=True)
    split = register.pay([PaymentPart("card", "300"), PaymentPart("swish", "100"), PaymentPart("cash", tendered="200")])
    assert split.change == D("200") - D("175.00")

    # a parked sale taken back and paid; another left parked
    register.add_code("200")
    parked = register.park()
    register.add_code("300")
    register.park()
    book.unfinished.append(D("35.00"))
    register.resume(parked.id)
    book.sell("sale", [("200", 1)], card=D("79.00"))
    register.pay_card()

    # a voided sale
    register.add_code("2*200")
    register.void()
    book.unfinished.append(D("158.00"))

    # a return against receipt 1 (one of the two coffees), cash back; a return without a receipt, Swish back
    register.begin_return("1")
    register.remove_line(1)
    register.set_quantity(0, "1")
    book.sell("return", [("100", 1)], cash=True)
    register.refund_to("cash")
    register.begin_return()
    register.add_code("101")
    book.sell("return", [("101", 1)], swish=D("25.00"))
    register.refund_to("swish")

    # a copy of receipt 2, training receipts, cash in and out, the drawer without a sale
    register.copy("2")
    book.copies.append(D("99.00"))
    register.set_training(True)
    for code in ("100", "200"):
        register.add_code(code)
        register.pay_card()
        book.training.append(CATALOGUE[code][0])
    register.set_training(False)
    register.cash_in("250", "Växel från banken")
    register.cash_out("400", "Till banken")
    register.open_drawer("Växla en hundralapp")
    book.cash_in, book.cash_out, book.drawer = D("250"), D("400"), book.drawer + 3

    counted = D("1000.00")
    figures = register.z_report(counted)

    sales, returns = book.of("sale"), book.of("return")
    sold_total = sum((s["total"] for s in sales), D("0"))
    returned_total = sum((s["total"] for s in returns), D("0"))
    assert figures.sales == sold_total
    assert figures.returns.count == len(returns) and figures.returns.amount == returned_total
    assert figures.net_sales == sold_total - returned_total
    assert {v.rate: (v.taxable, v.tax) for v in figures.vat} == book.vat()
    services = sum((CATALOGUE[c][0] * q for s in sales for c, q in s["lines"] if CATALOGUE[c][2]), D("0"))
    assert figures.services_amount == services and figures.goods_amount == figures.net_sales - services
    assert figures.goods_sold == sum((q for s in sales for c, q in s["lines"] if not CATALOGUE[c][2]), 0)
    assert figures.services_sold == sum((q for s in sales for c, q in s["lines"] if CATALOGUE[c][2]), 0)
    assert figures.receipts == len(sales)
    assert figures.drawer_openings == book.drawer
    assert (figures.copies.count, figures.copies.amount) == (len(book.copies), sum(book.copies))
    assert (figures.training.count, figures.training.amount) == (len(book.training), sum(book.training))
    for means in figures.means:
        assert means.sales == sum((s["payments"][means.method] for s in sales), D("0")), means.method
        assert means.refunds == sum((s["payments"][means.method] for s in returns), D("0")), means.method
    assert (figures.unfinished.count, figures.unfinished.amount) == (len(book.unfinished), sum(book.unfinished))
    rounding = sum((s["rounding"] for s in sales), D("0")) - sum((s["rounding"] for s in returns), D("0"))
    assert figures.rounding == rounding
    assert figures.float_amount == book.float_amount
    assert (figures.cash_in, figures.cash_out) == (book.cash_in, book.cash_out)
    cash_net = sum((s["payments"]["cash"] for s in sales), D("0")) - sum((s["payments"]["cash"] for s in returns),
                                                                           D("0"))
    expected = book.float_amount + book.cash_in - book.cash_out + cash_net
    assert figures.expected_cash == expected and figures.cash_difference == counted - expected
    assert (figures.grand_total_sales, figures.grand_total_returns) == (sold_total, returned_total)
    assert figures.balances()

    # the same figures on the printed report
    printout = register.report_printout(figures)
    assert value(printout, "Total försäljning") == f"{sold_total - returned_total:.2f}".replace(".", ",")
    assert value(printout, "Antal kassakvitton") == str(len(sales))

    # every registration went to the journal, and the chain is whole
    events = [row.event for row in JournalEntry.select().order_by(JournalEntry.seq)]
    assert events.count("receipt") == Receipt.select().count() == len(sales) + len(returns) + 1 + 2
    assert {"line_added", "line_removed", "line_changed", "parked", "resumed", "voided", "training", "cash_in",
            "cash_out", "drawer_opened", "z_report", "day_opened"} <= set(events)
    assert all(report.ok for report in journal.verify())
    serials = [r.serial for r in Receipt.select().order_by(Receipt.serial)]
    assert serials == list(range(1, len(serials) + 1))
    assert len(unit.received) == len(serials)
