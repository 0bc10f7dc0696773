"""The Z day report over a day of 5,000 receipts, on SQLite (as shipped).

    python benchmarks/bench_z_report.py [--receipts 5000] [--db PATH]

Target (issue 13): ≤ 300 ms. The day is made through the register as a till makes it: each sale
scans 1–3 articles (journalled), pays cash, card, Swish or split; every 50th a return, a copy, a
training receipt; cash in and out. Then timed: the X report (the figures + its journal row), five
times, and the Z report that closes the day (figures, its number, the stored report, its journal
row, commit). `--db` keeps the day in a file so a rerun skips making it (the Z then needs a fresh day).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.register_setup import CODES, shop  # noqa: E402
from kassa.models import Receipt, connection, database  # noqa: E402
from kassa.register.control_unit.exempt import NoControlUnit  # noqa: E402
from kassa.register.payments import PaymentPart  # noqa: E402
from kassa.register.service import Register  # noqa: E402


def make_day(till: Register, receipts: int) -> None:
    till.open_day("1000")
    i = 0
    while Receipt.select().count() < receipts:
        for k in range(1 + i % 3):
            till.add_code(CODES[(i + k) % 6])
        [till.pay_cash, till.pay_card, till.pay_swish,
         lambda: till.pay([PaymentPart("card", "10"), PaymentPart("cash")])][i % 4]()
        if i % 50 == 49:
            till.begin_return(str(Receipt.select().where(Receipt.kind == "sale").order_by(Receipt.id.desc())
                                  .first().serial))
            till.refund_to("card")
            till.copy(str(Receipt.select().where(Receipt.kind == "sale").order_by(Receipt.id.desc()).first().serial))
            till.set_training(True)
            till.add_code("101")
            till.pay_card()
            till.set_training(False)
            till.cash_in("100", "Växel")
            till.cash_out("50", "Bank")
        i += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=5000)
    parser.add_argument("--db", help="a SQLite file to keep the day in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db or f"{tmp}/bench.sqlite3")
        fresh = not path.exists()
        connection.connect(f"sqlite:///{path}")
        till = Register("bench-1", NoControlUnit())
        if fresh:
            shop()
            t0 = time.perf_counter()
            make_day(till, args.receipts)
            print(f"made a day of {Receipt.select().count()} receipts in {time.perf_counter() - t0:.0f} s")
        x_times = []
        for _ in range(5):
            t0 = time.perf_counter()
            till.x_report()
            x_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        figures = till.z_report("1000")
        z_time = time.perf_counter() - t0
        print(f"{Receipt.select().count()} receipts ({figures.receipts} sales, {figures.returns.count} returns, "
              f"{figures.copies.count} copies, {figures.training.count} training): "
              f"X report median {statistics.median(x_times) * 1000:.0f} ms, Z report {z_time * 1000:.0f} ms")
        database.close()


if __name__ == "__main__":
    main()
