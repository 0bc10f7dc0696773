"""Payment to receipt printed: control code from the emulator, then the receipt on a network printer.

    .venv/bin/python benchmarks/bench_receipt_print.py [--runs 300] [--no-queue]

Per receipt: the receipt data go to the control-unit emulator over HTTP on 127.0.0.1 (XCCSP, a
keep-alive connection, the emulator answering at once), the code is put into a typical receipt,
and the receipt is printed through python-escpos on a TCP listener standing in for the printer
(connect, status questions DLE EOT 1 and 4 answered, the job, close), timed until the listener
has the whole job. With the queue (default), the receipt also goes through the print queue on
SQLite (stored, claimed, marked printed: three write transactions). The register's own part (the
sale and the receipt stored) is not here yet: it is added when the register is merged.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-queue", action="store_true", help="print directly, without the print queue")
    args = parser.parse_args()

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
