"""The SIE export of a year: 300 Z reports (250,000 simulated receipts), 5,000 invoices, payments, reminders.

    python benchmarks/bench_sie_export.py [--invoices 5000] [--receipts 250000] [--days 300] [--postgres URL]

Target (issue 15): the export of the year ≤ 10 s, with steady memory. The Z reports are simulated:
250,000 receipts with random amounts, VAT rates and means of payment are summed per day into the
figures of 300 Z reports (kassa.register.figures.DayFigures), stored as the register stores them
(RegisterDay and ZReport rows), which the export reads back and books. The invoices are
issued as the till issues them (numbers, totals, lines), 5 % of them credited, 4,000 paid through a
BgMax file, 100 reminded. Memory: Python's peak allocation during the export (tracemalloc, in a
second run: it slows the code, so the timed run is without it) for a quarter, half and the whole
year, and the process's peak RSS; steady means it does not grow with the number of vouchers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.bookkeeping.payment_import import import_bgmax  # noqa: E402
from kassa.bookkeeping.reminders import issue_reminder  # noqa: E402
from kassa.bookkeeping.sie_export import export_sie  # noqa: E402
from kassa.invoicing import credit_invoice, issue_invoice  # noqa: E402
from kassa.models import Company, Customer, ReferenceRate, RegisterDay, ZReport, connection, database  # noqa: E402
from kassa.money import LineInput, round_ore  # noqa: E402
from kassa.register.figures import CountAmount, DayFigures, MeansFigure, VatFigure  # noqa: E402
from tests.bookkeeping import bgmax_writer as w  # noqa: E402

YEAR = 2025
RATES = (25, 12, 6)


def store_days(receipts: int, days: int, seed: int = 15) -> int:
    """Receipts summed per day as a Z report sums them (VAT per rate, received per means, rounding),
    stored as the register stores a closed day; returns how many Z reports."""
    rng = random.Random(seed)
    start = dt.datetime(YEAR, 1, 2, 8, 0)
    zero = Decimal("0.00")
    per_day: dict[int, dict] = defaultdict(lambda: {"net": defaultdict(Decimal), "vat": defaultdict(Decimal),
                                                    "received": defaultdict(Decimal), "rounding": Decimal(0),
                                                    "sales": Decimal(0), "count": 0})
    for _ in range(receipts):
        day = rng.randrange(days)
        totals = per_day[day]
        gross_total = Decimal(0)
        for _line in range(rng.randint(1, 4)):
            rate = rng.choice(RATES)
            gross = Decimal(rng.randint(500, 40000)) / 100
            net = round_ore(gross * 100 / (100 + rate))
            totals["net"][rate] += net
            totals["vat"][rate] += gross - net
            gross_total += gross
        means = rng.choices(("cash", "card", "swish"), weights=(15, 70, 15))[0]
        paid = gross_total
        if means == "cash":
            paid = gross_total.quantize(Decimal(1))  # öresavrundning on cash
            totals["rounding"] += paid - gross_total
        totals["received"][means] += paid
        totals["sales"] += gross_total
        totals["count"] += 1
    grand = Decimal(0)
    for number, (day, totals) in enumerate(sorted(per_day.items()), start=1):
        opened = start + dt.timedelta(days=day)
        grand += totals["sales"]
        cash = totals["received"]["cash"]
        counted = 500 + cash + Decimal(rng.choice((0, 0, 0, -10, 5)))
        figures = DayFigures(
            kind="Z", number=number, till="Kassa 1", company_name="Bänken & Söner AB", org_number="556677-8899",
            produced_at=opened + dt.timedelta(hours=10), day_number=number, day_opened_at=opened,
            sales=totals["sales"], returns=CountAmount(), goods_amount=totals["sales"], services_amount=zero,
            vat=tuple(VatFigure(rate, totals["net"][rate], totals["vat"][rate]) for rate in RATES),
            float_amount=Decimal("500.00"), cash_in=zero, cash_out=zero, goods_sold=Decimal(totals["count"]),
            services_sold=zero, receipts=totals["count"], drawer_openings=0, copies=CountAmount(),
            training=CountAmount(), means=tuple(MeansFigure(m, totals["received"][m], zero)
                                                for m in ("cash", "card", "swish")),
            discounts=CountAmount(), reductions=CountAmount(), unfinished=CountAmount(), proforma=CountAmount(),
            rounding=totals["rounding"], grand_total_sales=grand, grand_total_returns=zero,
            invoiced=CountAmount(), counted_cash=counted)
        register_day = RegisterDay.create(till="Kassa 1", number=number, opened_at=opened,
                                          float_amount=Decimal("500.00"))
        ZReport.create(till="Kassa 1", number=number, day=register_day, created_at=figures.produced_at,
                       figures=figures.to_data(), counted_cash=counted, expected_cash=figures.expected_cash,
                       difference=figures.cash_difference, grand_total_sales=grand, grand_total_returns=zero)
    return len(per_day)


def setup(invoices: int) -> None:
    company = Company.get_solo()
    for key, value in dict(name="Bänken & Söner AB", org_number="5566778899", street="Gatan 1", postal_code="41101",
                           city="Göteborg", bankgiro="50501055", f_skatt=True).items():
        setattr(company, key, value)
    company.save()
    customers = [Customer.create(number=n, name=f"Kund {n} AB", org_number="5560160680", street="Väg 1",
                                 postal_code="11122", city="Stockholm", reference="R") for n in range(1, 51)]
    rng = random.Random(5)
    issued = []
    for n in range(invoices):
        day = dt.date(YEAR, 1, 2) + dt.timedelta(days=n * 330 // invoices)
        lines = [LineInput(f"Vara {i}", Decimal(rng.randint(1, 5)), Decimal(rng.randint(1000, 90000)) / 100,
                           rng.choice(RATES + (0,))) for i in range(rng.randint(1, 4))]
        issued.append(issue_invoice(customers[n % len(customers)], lines, issue_date=day))
    for invoice in issued[::20]:
        credit_invoice(invoice, issue_date=invoice.issue_date + dt.timedelta(days=3))
    paid = [inv for i, inv in enumerate(issued) if i % 20 and i % 5 != 4][:4000]
    builder = w.BgMaxBuilder()
    for i in range(0, len(paid), 500):
        builder.section((paid[i].due_date).strftime("%Y%m%d"))
        for invoice in paid[i:i + 500]:
            builder.pay(invoice.ocr, int(invoice.payable * 100))
    import_bgmax(builder.bytes(), "year.txt")
    ReferenceRate.create(valid_from=dt.date(YEAR, 1, 1), rate=Decimal("2.50"))
    ReferenceRate.create(valid_from=dt.date(YEAR, 7, 1), rate=Decimal("2.00"))
    for invoice in [inv for i, inv in enumerate(issued) if i % 5 == 4][:100]:
        issue_reminder(invoice.id, invoice.due_date + dt.timedelta(days=15))


def measure(target: Path, date_to: dt.date) -> tuple[float, int, object]:
    """The export timed as it runs, then once more under tracemalloc for its peak allocation (tracemalloc
    slows Python code several times over, so it is not on while the time is taken)."""
    t0 = time.perf_counter()
    result = export_sie(target, dt.date(YEAR, 1, 1), date_to)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    export_sie(target, dt.date(YEAR, 1, 1), date_to)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--receipts", type=int, default=250_000)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--postgres", help="postgresql://… of an EMPTY database (instead of SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        connection.connect(args.postgres or f"sqlite:///{tmp}/bench.sqlite3")
        print("PostgreSQL" if args.postgres else "SQLite")
        t0 = time.perf_counter()
        setup(args.invoices)
        days = store_days(args.receipts, args.days)
        print(f"setup: {args.invoices} invoices, {args.receipts} receipts in {days} Z reports "
              f"({time.perf_counter() - t0:.0f} s, not measured)")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for label, date_to in (("quarter", dt.date(YEAR, 3, 31)), ("half year", dt.date(YEAR, 6, 30)),
                               ("year", dt.date(YEAR, 12, 31))):
            seconds, peak, result = measure(Path(tmp) / f"{label}.si", date_to)
            size = (Path(tmp) / f"{label}.si").stat().st_size
            print(f"{label:>9}: {sum(result.counts.values()):6d} vouchers {dict(result.counts)}, "
                  f"{size / 1e6:.1f} MB, {seconds:.2f} s, peak Python allocation {peak / 1e6:.1f} MB")
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"peak RSS of the process: {rss_before / 1024:.0f} MB before the exports, "
              f"{rss_after / 1024:.0f} MB after")
        database.close()


if __name__ == "__main__":
    main()
