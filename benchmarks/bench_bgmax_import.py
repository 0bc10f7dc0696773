"""Reading a BgMax file of 10,000 payments: parse, store, place by OCR.

    python benchmarks/bench_bgmax_import.py [--payments 10000] [--postgres URL]

Target (issue 15): ≤ 5 s for the import. The database holds 12,000 open invoices (inserted as rows
with their OCR numbers and amounts, as issuing would leave them; issuing 12,000 one by one would
only make the setup slow). The file: 9,000 payments with the exact OCR and amount, 400 partial,
300 without a reference, 200 with an OCR no invoice has, and 100 over-payments, in 20 deposits.
Also timed: the same file again (refused as already read) and the same payments in a new file (each
payment found as already stored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.bookkeeping.payment_import import import_bgmax  # noqa: E402
from kassa.models import Company, Customer, Invoice, connection, database  # noqa: E402
from kassa.models.database import write_transaction  # noqa: E402
from kassa.ocr import make_ocr  # noqa: E402
from tests.bookkeeping import bgmax_writer as w  # noqa: E402

OPEN_INVOICES = 12_000


def setup() -> list[tuple[str, Decimal]]:
    company = Company.get_solo()
    company.name, company.bankgiro = "Bänken AB", "50501055"
    company.save()
    customer = Customer.create(number=1, name="Kund AB", org_number="5560160680")
    rows, out = [], []
    for number in range(1, OPEN_INVOICES + 1):
        payable = Decimal(100 + number % 900) + Decimal("0.25")
        net = (payable / Decimal("1.25")).quantize(Decimal("0.01"))
        rows.append(dict(number=number, customer=customer.id, issue_date=dt.date(2025, 3, 1),
                         due_date=dt.date(2025, 3, 31), seller={}, buyer={"name": "Kund AB"}, ocr=make_ocr(number),
                         line_extension=net, tax_exclusive=net, tax_total=payable - net, tax_inclusive=payable,
                         payable=payable, vat_breakdown=[]))
        out.append((make_ocr(number), payable))
    with write_transaction():
        for i in range(0, len(rows), 500):
            Invoice.insert_many(rows[i:i + 500]).execute()
    return out


def payment_file(invoices: list[tuple[str, Decimal]], payments: int, written: str) -> bytes:
    builder = w.BgMaxBuilder(written=written)
    per_section = max(1, payments // 20)
    for n in range(payments):
        if n % per_section == 0:
            builder.section(f"202504{1 + n // per_section:02d}")
        ocr, payable = invoices[n]
        ore = int(payable * 100)
        kind = n % 100
        if kind < 90:
            builder.pay(ocr, ore)
        elif kind < 94:
            builder.pay(ocr, ore // 2)  # partial
        elif kind < 97:
            builder.pay("", ore, code=0, payer="Okänd Betalare")
        elif kind < 99:
            builder.pay(make_ocr(900_000 + n), ore)  # no such invoice
        else:
            builder.pay(ocr, ore + 10_000)  # over-payment
    return builder.bytes()


def bench(url: str, payments: int) -> None:
    connection.connect(url)
    invoices = setup()
    data = payment_file(invoices, payments, "20250401061502000000")
    print(f"file: {payments} payments, {len(data) / 1e6:.2f} MB")
    t0 = time.perf_counter()
    result = import_bgmax(data, "bench.txt")
    first = time.perf_counter() - t0
    print(f"import: {first:.2f} s ({result.new} new, {result.placed} placed, {result.unplaced} to place by hand)")
    t0 = time.perf_counter()
    again = import_bgmax(data, "bench.txt")
    print(f"the same file again: {time.perf_counter() - t0:.3f} s (already read: {again.already_imported})")
    resent = payment_file(invoices, payments, "20250402061502000000")
    t0 = time.perf_counter()
    result = import_bgmax(resent, "bench2.txt")
    print(f"the same payments in a new file: {time.perf_counter() - t0:.2f} s ({result.new} new, "
          f"{result.duplicates} already stored)")
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--postgres", help="postgresql://… of an EMPTY database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        bench(f"sqlite:///{tmp}/bench.sqlite3", args.payments)
    if args.postgres:
        print("PostgreSQL")
        bench(args.postgres, args.payments)


if __name__ == "__main__":
    main()
