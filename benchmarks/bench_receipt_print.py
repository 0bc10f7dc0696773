"""Payment to receipt printed: control code from the emulator, then the receipt on a network printer.

    .venv/bin/python benchmarks/bench_receipt_print.py [--runs 300] [--no-queue | --register]

With --register (issue 14's target, ≤ 100 ms median), the whole path as the till takes it: 3 articles
scanned into the register's cart (each journalled; not timed), then timed from the payment to the
receipt on the listener: `Register.pay_cash` / `pay_card` (the payment plan, the till's next receipt
number, the receipt data to the emulator over HTTP and its code, the sale, its lines and payments,
the receipt and its journal row, one write transaction on SQLite), the printout, and the print queue
(stored, claimed, printed with the drawer pulse after cash, marked printed). Cash and card alternate.

Per receipt: the receipt data go to the control-unit emulator over HTTP on 127.0.0.1 (XCCSP, a
keep-alive connection, the emulator answering at once), the code is put into a typical receipt,
and the receipt is printed through python-escpos on a TCP listener standing in for the printer
(connect, status questions DLE EOT 1 and 4 answered, the job, close), timed until the listener
has the whole job. With the queue (default), the receipt also goes through the print queue on
SQLite (stored, claimed, marked printed: three write transactions). Without --register, the
register's own part (the sale, the receipt and its journal stored) is left out.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.devices.escpos_printer import EscposPrinter  # noqa: E402
from kassa.devices.printer_settings import PrinterSettings  # noqa: E402
from kassa.devices.printout import PrintLine, Printout  # noqa: E402
from kassa.register.control_unit.base import ReceiptData  # noqa: E402
from kassa.register.control_unit.emulator import ControlUnitEmulator  # noqa: E402
from kassa.register.control_unit.xccsp import XccspControlUnit  # noqa: E402
from tests.devices.printer_listener import PrinterListener  # noqa: E402
from tests.devices.receipts import receipt_lines  # noqa: E402


def receipt_data(serial: int) -> ReceiptData:
    return ReceiptData(when=dt.datetime.now(), org_number="5566778899", till="KASSA-1", serial=serial,
                       kind="normal", return_amount=Decimal("0.00"), sale_amount=Decimal("239.50"),
                       vat=((Decimal("12"), Decimal("20.91")), (Decimal("6"), Decimal("2.52"))))


def printout(code: str, unit_id: str) -> Printout:
    lines = [line for line in receipt_lines() if not line.text.startswith(("Kontrollenhet", code[:8]))]
    lines[-1:-1] = [PrintLine(f"Kontrollenhet {unit_id}"), PrintLine(code[:42]), PrintLine(code[42:])]
    return Printout(tuple(lines), cut=True, open_drawer=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def through_the_register(runs: int, warm_up: int = 20) -> None:
    """The till's whole path: the register's payment and receipt, then the print queue to the listener."""
    data = Path(tempfile.mkdtemp(prefix="kassa-bench-"))
    os.environ["KASSA_DATA_DIR"] = str(data)
    from benchmarks.register_setup import CODES, shop
    from kassa.devices.print_queue import PrintQueue
    from kassa.models import connection
    from kassa.register.service import Register

    connection.connect(f"sqlite:///{data / 'kassa.sqlite3'}")
    shop()
    with ControlUnitEmulator(users={"kassa": "bench"}) as emulator, PrinterListener() as listener:
        unit = XccspControlUnit(emulator.url, "kassa", org_number="5566778899", till="KASSA-1", password="bench")
        register = Register("KASSA-1", unit)
        register.open_day("1000")
        queue = PrintQueue(EscposPrinter(PrinterSettings(kind="network", host="127.0.0.1", port=listener.port)),
                           till="KASSA-1")
        timings: list[float] = []
        paying: list[float] = []
        for n in range(1, warm_up + runs + 1):
            for code in (CODES[n % 6], CODES[(n + 1) % 6], CODES[(n + 3) % 6]):
                register.add_code(code)
            started = time.perf_counter()
            result = register.pay_cash("5000") if n % 2 else register.pay_card()
            stored = time.perf_counter()
            printed = queue.submit(result.printout, f"receipt:KASSA-1:{result.receipt.serial}")
            assert printed.printed, printed.text
            listener.wait_for_jobs(n)
            done = time.perf_counter()
            assert result.receipt.control_code
            if n > warm_up:
                timings.append((done - started) * 1000)
                paying.append((stored - started) * 1000)
        assert len(emulator.state.registrations) == warm_up + runs
    load = os.getloadavg()
    print(f"{runs} sales through the register (SQLite, the emulator, the print queue), "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"  payment → printed: median {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms, "
          f"max {max(timings):.2f} ms (target ≤ 100 ms median)")
    print(f"  of which the register (code, sale, receipt, journal): median {statistics.median(paying):.2f} ms, "
          f"p95 {percentile(paying, 0.95):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-queue", action="store_true", help="print directly, without the print queue")
    parser.add_argument("--register", action="store_true", help="the whole path through the register")
    args = parser.parse_args()
    if args.register:
        through_the_register(args.runs)
        return

    queue = None
    if not args.no_queue:
        data = Path(tempfile.mkdtemp(prefix="kassa-bench-"))
        os.environ["KASSA_DATA_DIR"] = str(data)
        from kassa.devices.print_queue import PrintQueue
        from kassa.models import connection

        connection.connect(f"sqlite:///{data / 'kassa.sqlite3'}")

    with ControlUnitEmulator(users={"kassa": "bench"}) as emulator, PrinterListener() as listener:
        # The password is given, not read from the keyring: a driver reads the keyring once, not per receipt.
        unit = XccspControlUnit(emulator.url, "kassa", org_number="5566778899", till="KASSA-1", password="bench")
        printer = EscposPrinter(PrinterSettings(kind="network", host="127.0.0.1", port=listener.port))
        if not args.no_queue:
            queue = PrintQueue(printer, till="KASSA-1")
        timings: list[float] = []
        code_part: list[float] = []
        cpu_start = time.process_time()
        warm_up = 20
        for n in range(1, warm_up + args.runs + 1):
            started = time.perf_counter()
            answer = unit.register(receipt_data(n))
            coded = time.perf_counter()
            if queue is not None:
                result = queue.submit(printout(answer.code, answer.unit_id), f"receipt:KASSA-1:{n}")
                assert result.printed, result.text
            else:
                printer.print(printout(answer.code, answer.unit_id))
            listener.wait_for_jobs(n)
            done = time.perf_counter()
            if n > warm_up:
                timings.append((done - started) * 1000)
                code_part.append((coded - started) * 1000)
        cpu = (time.process_time() - cpu_start) * 1000 / (warm_up + args.runs)
        assert len(emulator.state.registrations) == warm_up + args.runs
    load = os.getloadavg()
    print(f"{args.runs} receipts ({'with the print queue on SQLite' if queue else 'printed directly'}), "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"  payment → printed: median {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms, "
          f"max {max(timings):.2f} ms (target ≤ 100 ms median)")
    print(f"  of which the control code: median {statistics.median(code_part):.2f} ms, "
          f"p95 {percentile(code_part, 0.95):.2f} ms")
    print(f"  CPU of this process (driver, emulator, listener, queue): {cpu:.2f} ms per receipt")


if __name__ == "__main__":
    main()
