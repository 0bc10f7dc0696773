"""Customer search over 100,000 customers: the query the register and the till use.

    python benchmarks/bench_customer_search.py [--postgres URL] [--customers 100000]

Target (issue 2): median ≤ 20 ms per search, by name prefix, customer number and org. number prefix.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.customer_search import search_customers  # noqa: E402
from kassa.models import Customer, connection, database  # noqa: E402

FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Johan", "Eva", "Per", "Åsa", "Örjan", "Sofia", "Nils"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Öberg", "Åkesson", "Lindqvist"]
SUFFIX = ["AB", "Bygg AB", "Konsult", "Handelsbolag", "& Söner AB", "Café", "Frisör", "Redovisning AB"]


def fill(count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        name = f"{rng.choice(LAST)} {rng.choice(FIRST)} {rng.choice(SUFFIX)} {n}"
        rows.append(dict(number=n, name=name, name_key=name.casefold(),
                         org_number=f"{rng.randint(2, 9)}{rng.randint(0, 10**9 - 1):09d}"))
        if len(rows) == 2000:
            with database.db.atomic():
                Customer.insert_many(rows).execute()
            rows = []
    if rows:
        with database.db.atomic():
            Customer.insert_many(rows).execute()


def queries(count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            out.append(rng.choice(LAST)[: rng.randint(1, 6)])
        elif kind == 1:
            out.append(f"{rng.choice(LAST)} {rng.choice(FIRST)[:2]}")
        elif kind == 2:
            out.append(str(rng.randint(1, 100_000)))
        else:
            out.append(str(rng.randint(20, 99)) + str(rng.randint(0, 999)))
    return out


def bench(url: str, customers: int) -> dict:
    connection.connect(url)
    t0 = time.perf_counter()
    fill(customers)
    filled = time.perf_counter() - t0
    rng = random.Random(1)
    times, results = [], 0
    for text in queries(300, rng):
        t = time.perf_counter()
        results += len(search_customers(text))
        times.append(time.perf_counter() - t)
    database.close()
    times.sort()
    return {"fill_s": filled, "median_ms": statistics.median(times) * 1000,
            "p95_ms": times[int(len(times) * 0.95)] * 1000, "max_ms": times[-1] * 1000, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="postgresql://… of an EMPTY database")
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(("SQLite", bench(f"sqlite:///{tmp}/bench.sqlite3", args.customers)))
    if args.postgres:
        runs.append(("PostgreSQL", bench(args.postgres, args.customers)))
    for name, r in runs:
        print(f"{name}: {args.customers} customers, 300 searches (name / number / org. no. prefix, 50 results max): "
              f"median {r['median_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms, max {r['max_ms']:.2f} ms")


if __name__ == "__main__":
    main()
