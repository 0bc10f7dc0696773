"""Payment to stored receipt at the till, on SQLite (synchronous FULL, WAL, as shipped).

    python benchmarks/bench_register_payment.py [--count 500] [--postgres URL]

Target (issue 13): median ≤ 30 ms. Timed: `Register.pay_*` alone, i.e. the payment plan, the
receipt document, the write transaction (the till's receipt number from its locked series, the
control unit's call, Sale + lines + payments, the Receipt, its journal row with the whole
document, commit) and the printout. Not timed: scanning the 3 lines before (each its own
journalled transaction). Payments rotate cash / card / Swish / split. The control unit is the
"none" mode (the exemption); a real unit's round trip comes on top of this.
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
from kassa.models import connection, database  # noqa: E402
from kassa.register.control_unit.exempt import NoControlUnit  # noqa: E402
from kassa.register.payments import PaymentPart  # noqa: E402
from kassa.register.service import Register  # noqa: E402


def bench(url: str, count: int) -> dict[str, float]:
    connection.connect(url)
    shop()
    till = Register("bench-1", NoControlUnit())
    till.open_day("1000")
    times = []
    for i in range(count):
        for code in (CODES[i % 6], CODES[(i + 1) % 6], CODES[(i + 3) % 6]):
            till.add_code(code)
        t0 = time.perf_counter()
        if i % 4 == 0:
            till.pay_cash("2000")
        elif i % 4 == 1:
            till.pay_card()
        elif i % 4 == 2:
            till.pay_swish()
        else:
            till.pay([PaymentPart("card", "10"), PaymentPart("cash", tendered="2000")])
        times.append(time.perf_counter() - t0)
    database.close()
    times.sort()
    return {"median": statistics.median(times) * 1000, "p90": times[int(len(times) * 0.9)] * 1000,
            "max": times[-1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--postgres", help="postgresql://… of an EMPTY database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = bench(f"sqlite:///{tmp}/bench.sqlite3", args.count)
        print(f"SQLite: {args.count} payments: median {r['median']:.1f} ms, p90 {r['p90']:.1f} ms, "
              f"max {r['max']:.1f} ms")
    if args.postgres:
        r = bench(args.postgres, args.count)
        print(f"PostgreSQL: {args.count} payments: median {r['median']:.1f} ms, p90 {r['p90']:.1f} ms, "
              f"max {r['max']:.1f} ms")


if __name__ == "__main__":
    main()
