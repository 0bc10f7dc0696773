"""A till in its own process, for tests: issues invoices and prints each number once it is committed.

    python tests/invoice_writer.py URL --till A [--count N] [--start-file F] [--stop-file F]

`WriterProcess` is the test's handle on one such process.

The database must hold a complete company and customer number 1 (the test prepares them).
Waits for --start-file to exist before the first invoice, so several writers start together;
stops after --count invoices or when --stop-file appears.
"""
from __future__ import annotations

import argparse
import queue
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class WriterProcess:
    """Starts the writer and collects the numbers it reports, without blocking the test."""

    def __init__(self, url: str, till: str, *extra: str):
        self.numbers: list[int] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, __file__, url, "--till", till, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda line: line == "ready", "the writer to connect")

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def wait(self, done, what: str, seconds: float = 120) -> None:
        """Consume output until done(line) is true for a line."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"timed out waiting for {what}") from None
            if line is None:
                raise AssertionError(f"the writer ended while waiting for {what}: {self.proc.stderr.read()}")
            if line.isdigit():
                self.numbers.append(int(line))
            if done(line):
                return

    def wait_for_count(self, n: int) -> None:
        if len(self.numbers) < n:
            self.wait(lambda _line: len(self.numbers) >= n, f"{n} invoices")

    def finish(self, seconds: float = 120) -> None:
        """Wait for the process to end and collect the rest of its numbers."""
        self.proc.wait(timeout=seconds)
        while (line := self._lines.get(timeout=seconds)) is not None:
            if line.isdigit():
                self.numbers.append(int(line))
        assert self.proc.returncode == 0, self.proc.stderr.read()


def wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear within {seconds} s")
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--till", default="")
    parser.add_argument("--count", type=int, default=0, help="0: until --stop-file appears")
    parser.add_argument("--start-file", type=Path)
    parser.add_argument("--stop-file", type=Path)
    args = parser.parse_args()

    from kassa.invoicing import issue_invoice
    from kassa.models import Customer
    from kassa.models.connection import connect
    from kassa.money import LineInput

    connect(args.url, migrate=False)
    customer = Customer.get(Customer.number == 1)
    print("ready", flush=True)
    if args.start_file:
        wait_for(args.start_file)
    issued = 0
    while not args.count or issued < args.count:
        if args.stop_file and args.stop_file.exists():
            break
        lines = [
            LineInput("Kaffe", Decimal("2"), Decimal("25.00"), 12),
            LineInput("Skruvmejsel", Decimal("1"), Decimal("149.00"), 25, price_includes_vat=True),
        ]
        invoice = issue_invoice(customer, lines, till=args.till)
        print(invoice.number, flush=True)  # printed only after the transaction committed
        issued += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
