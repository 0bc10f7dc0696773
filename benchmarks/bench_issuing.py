"""Issuing 1,000 invoices of 10 lines, on SQLite and (when a server is given) PostgreSQL.

    python benchmarks/bench_issuing.py [--postgres URL] [--count 1000]

Target (issue 2): median ≤ 5 ms per invoice on SQLite. Each invoice is one full
issue: number from the locked series, totals, snapshot, 10 lines, audit row, commit
(SQLite with synchronous=FULL and WAL, as the application runs it).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.invoicing import issue_invoice  # noqa: E402
from kassa.models import Company, Customer, connection, database  # noqa: E402
from kassa.money import LineInput  # noqa: E402


def setup_data() -> Customer:
    company = Company.get_solo()
    for key, value in dict(name="Bench AB", org_number="5566778899", street="Gatan 1", postal_code="41101",
                           city="Göteborg", bankgiro="50501055", f_skatt=True, invoice_fee=Decimal("29.00")).items():
        setattr(company, key, value)
    company.save()
    return Customer.create(number=1, name="Kund AB", org_number="5560123456", street="Väg 1", postal_code="11122",
                           city="Stockholm", reference="R1")


def lines() -> list[LineInput]:
    rates = (25, 12, 6, 25, 25, 12, 25, 6, 25, 12)
    return [LineInput(f"Vara {i}", Decimal(i + 1), Decimal("19.90") + i, rate, price_includes_vat=i % 2 == 0)
            for i, rate in enumerate(rates)]


def bench(url: str, count: int) -> dict:
    connection.connect(url)
    customer = setup_data()
    times = []
    start = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        issue_invoice(customer, lines())
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    database.close()
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
        "total_s": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="postgresql://… of an EMPTY database")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = bench(f"sqlite:///{tmp}/bench.sqlite3", args.count)
        print(f"SQLite: {args.count} invoices x 10 lines: median {result['median_ms']:.2f} ms, "
              f"p95 {result['p95_ms']:.2f} ms, total {result['total_s']:.1f} s")
    if args.postgres:
        result = bench(args.postgres, args.count)
        print(f"PostgreSQL: {args.count} invoices x 10 lines: median {result['median_ms']:.2f} ms, "
              f"p95 {result['p95_ms']:.2f} ms, total {result['total_s']:.1f} s")


if __name__ == "__main__":
    main()
