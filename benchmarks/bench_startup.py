"""Benchmark: process start -> the till window painted and the event loop running (target ≤ 0.6 s).

    /tmp/venv/bin/python benchmarks/bench_startup.py [--runs 9] [--customers 100000]

A SQLite database in a temporary directory gets a configured company, 100,000 customers and
200 articles. Each run starts `python main.py` afresh under QT_QPA_PLATFORM=offscreen with
KASSA_STARTUP_MARK=1 and KASSA_STARTUP_EXIT=1: the application prints "KASSA_READY <epoch>"
from the first event-loop turn after the main window's first paint, then quits. The figure is
that time minus the moment just before the process was spawned, so it includes the
interpreter's start, every import, the database connection and the window's construction.
The first run (cold caches) is reported apart; the median is over the others.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET = 0.6


def make_database(data_dir: Path, customers: int) -> str:
    url = f"sqlite:///{data_dir / 'kassa.sqlite3'}"
    os.environ["KASSA_DATA_DIR"] = str(data_dir)
    from kassa.models import Article, Company, Customer, CustomerCategory, connection, database

    connection.connect(url)
    company = Company.get_solo()
    for key, value in dict(name="Hörnbutiken & Söner AB", org_number="5566778899", street="Storgatan 1",
                           postal_code="41101", city="Göteborg", f_skatt=True, bankgiro="50501055").items():
        setattr(company, key, value)
    company.save()
    category = CustomerCategory.create(name="e-fakturakund", note="pagero")
    first = ["Anders", "Björk", "Cedervall", "Dahl", "Ek", "Falk", "Grön", "Holm", "Isaksson", "Järv", "Kvist",
             "Lind", "Mörk", "Nord", "Ölund", "Åberg", "Ärlig", "Berg", "Sjö", "Strand"]
    rows = []
    with database.db.atomic():
        for n in range(1, customers + 1):
            name = f"{first[n % len(first)]} {first[(n // 20) % len(first)]} {n} AB"
            rows.append(dict(number=n, name=name, name_key=name.casefold(), org_number=f"55{n:08d}",
                             street="Gatan 1", postal_code="41101", city="Göteborg",
                             category=category if n % 10 == 0 else None))
            if len(rows) == 5000:
                Customer.insert_many(rows).execute()
                rows = []
        if rows:
            Customer.insert_many(rows).execute()
        from kassa.models import VatGroup

        group_ids = [VatGroup.get(VatGroup.key == key).id for key in ("standard", "food", "culture")]
        Article.insert_many([dict(number=str(1000 + i), name=f"Artikel {i}", price=Decimal("10.00") + i,
                                  vat_group=group_ids[i % 3]) for i in range(200)]).execute()
    database.close()
    return url


def one_start(env: dict) -> tuple[float, float]:
    """(wall seconds from spawn to ready, CPU seconds the process used until then)."""
    start = time.time()
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True,
                          timeout=60)
    for line in proc.stdout.splitlines():
        if line.startswith("KASSA_READY "):
            parts = line.split()
            return float(parts[1]) - start, float(parts[2].partition("=")[2])
    raise RuntimeError(f"no KASSA_READY line (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kassa-bench-start-") as tmp:
        data_dir = Path(tmp)
        t = time.perf_counter()
        url = make_database(data_dir, args.customers)
        print(f"database with {args.customers:,} customers built in {time.perf_counter() - t:.1f} s")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KASSA_DATA_DIR=str(data_dir),
                   KASSA_DATABASE_URL=url, KASSA_STARTUP_MARK="1", KASSA_STARTUP_EXIT="1",
                   PYTHONPATH=str(REPO))
        cold, _ = one_start(env)
        runs = [one_start(env) for _ in range(args.runs)]
        warm = [wall for wall, _ in runs]
        cpu = [used for _, used in runs]
        median = statistics.median(warm)
        print(f"first start (cold caches): {cold:.3f} s")
        print(f"starts (wall): {', '.join(f'{x:.3f}' for x in warm)}")
        print(f"median of {len(warm)}: {median:.3f} s wall (min {min(warm):.3f}, max {max(warm):.3f}); "
              f"{statistics.median(cpu):.3f} s CPU; target ≤ {TARGET} s: {'met' if median <= TARGET else 'NOT met'}")
        try:
            load = os.getloadavg()
            print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
