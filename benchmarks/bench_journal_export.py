"""The journal export (SKVFS 2021:16) of 1,000,000 journal rows, streamed: peak memory and time.

    python benchmarks/bench_journal_export.py [--rows 1000000] [--db PATH] [--keep-xml]

Target (issue 13): peak memory ≤ 150 MB. The rows are made in bulk with a valid hash chain (as
`journal.append` would make them, without a transaction each): three of four are registered
articles, one of four a receipt with its whole document (2–3 lines, cash/card/split), spread over
30 days of one till. The export then runs in a fresh process over the whole period, and that
process reports its own peak resident memory (VmHWM) and time; the file is checked to end with
the root's closing tag and its Handelse elements are counted by streaming it back.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.register_setup import shop  # noqa: E402
from kassa.models import JournalEntry, NumberSeries, connection, database  # noqa: E402
from kassa.register import journal  # noqa: E402
from kassa.register.document import DocLine, DocPayment, DocVat, ReceiptDocument, Seller  # noqa: E402

TILL = "bench-1"
START = dt.datetime(2026, 3, 1, 7)


def line(i: int, at: dt.datetime) -> dict:
    return {"position": 1 + i % 3, "number": str(100 + i % 6), "name": f"Artikel {i % 6}", "service": i % 6 == 4,
            "quantity": str(1 + i % 3), "unit": "EA", "unit_price": "54.90", "amount": "109.80", "discount": "0.00",
            "vat_rate": 12, "vat": "11.76", "registered_at": at.isoformat(timespec="microseconds"),
            "price_overridden": False, "discount_percent": "0"}


def receipt(serial: int, at: dt.datetime) -> dict:
    lines = tuple(DocLine(f"Artikel {k}", Decimal(1 + k), "EA", Decimal("54.90"), Decimal("54.90") * (1 + k), 12,
                          Decimal("5.88") * (1 + k), number=str(100 + k), registered_at=at)
                  for k in range(2 + serial % 2))
    total = sum((x.amount for x in lines), Decimal("0"))
    payments = (DocPayment("card", total),) if serial % 3 else (DocPayment("card", Decimal("10.00")),
                                                                DocPayment("cash", total - 10, total, Decimal("0")))
    return ReceiptDocument("sale", TILL, serial, at, Seller("Bench AB", "556677-8899", "Gatan 1", "411 01", "Göteborg"),
                           lines, (DocVat(12, total - sum((x.vat for x in lines), Decimal("0")),
                                          sum((x.vat for x in lines), Decimal("0"))),),
                           total, Decimal("0.00"), total, sum((x.vat for x in lines), Decimal("0")), payments,
                           control_code="A" * 40, control_unit_id="CU-1").to_data()


def make_rows(count: int) -> None:
    columns = "till, seq, at, event, day_id, receipt_id, amount, data, prev_hash, hash"
    sql = f"INSERT INTO journal_entry ({columns}) VALUES ({', '.join(['?'] * 10)})"
    prev, serial, batch = journal.GENESIS, 0, []
    step = dt.timedelta(days=30) / count
    raw = database.db.obj.connection()
    for seq in range(1, count + 1):
        at = START + step * seq
        if seq % 4 == 0:
            serial += 1
            event, data, amount = "receipt", journal.normalized(receipt(serial, at)), Decimal("164.70")
        else:
            event, data, amount = "line_added", journal.normalized({"line": line(seq, at), "return": False}), \
                Decimal("109.80")
        digest = journal.chain_hash(prev, journal.canonical(TILL, seq, at, event, None, None, amount, data))
        batch.append((TILL, seq, str(at), event, None, None, int(amount * 100),
                      json.dumps(data, ensure_ascii=False, sort_keys=True), prev, digest))
        prev = digest
        if len(batch) == 20_000:
            with database.db.atomic():
                raw.executemany(sql, batch)
            batch = []
    with database.db.atomic():
        raw.executemany(sql, batch)
        NumberSeries.insert(name=journal.series_name(TILL), next_number=count + 1).on_conflict_replace().execute()


EXPORT = """
import datetime as dt, sys, time
from kassa.models import connection
from kassa.register.export import export_journal
connection.connect(sys.argv[1])
t0 = time.perf_counter()
count = export_journal(sys.argv[2], dt.date(2026, 3, 1), dt.date(2026, 3, 31), user="bench")
seconds = time.perf_counter() - t0
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(count, f"{seconds:.1f}", int(hwm) // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", help="a SQLite file to keep the rows in (made when missing)")
    parser.add_argument("--keep-xml", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db or f"{tmp}/bench.sqlite3")
        url = f"sqlite:///{path}"
        if not path.exists():
            connection.connect(url)
            shop()
            t0 = time.perf_counter()
            make_rows(args.rows)
            print(f"made {JournalEntry.select().count()} journal rows in {time.perf_counter() - t0:.0f} s")
            database.close()
        xml = Path(tmp) / "journal.xml"
        done = subprocess.run([sys.executable, "-c", EXPORT, url, str(xml)], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent, check=True)
        count, seconds, peak = done.stdout.split()
        size = xml.stat().st_size
        with xml.open("rb") as handle:  # the last bytes only: the file is large
            handle.seek(-80, 2)
            tail = handle.read()
        assert tail.rstrip().endswith(b"ExportAvDataFranJournalminneEnligtSKVFS2021-16>"), tail
        from lxml import etree

        elements = 0
        for _, element in etree.iterparse(str(xml), tag="{*}Handelse"):  # read back in constant memory too
            elements += 1
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        print(f"exported {count} Handelse ({elements} read back) in {seconds} s: {size / 1e6:.0f} MB of XML, "
              f"peak memory of the exporting process {peak} MB")
        if args.keep_xml:
            xml.rename(Path.cwd() / "journal-bench.xml")


if __name__ == "__main__":
    main()
