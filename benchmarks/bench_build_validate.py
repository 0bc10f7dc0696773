"""Benchmark: build the UBL of a stored 10-line invoice, and build + full validation (XSD + CEN + Peppol), warm.

    /tmp/venv/bin/python benchmarks/bench_build_validate.py [--runs 300] [--rules DIR] [--engine worker|inline]

The invoice is issued through kassa.invoicing into a fresh SQLite database in a temporary
directory (three VAT rates, a discount, hours, the invoice fee split over the rates), so
"build" includes reading the invoice's lines from the database, as the send queue does.
Printed: the rules' compile time, then the medians (and p90) over the runs of: build alone;
validation alone; build + validation (target ≤ 12 ms), as wall time and as CPU time. With the
default worker engine the Schematron rules run in two helper processes, so CPU time is this
process's (median per run) plus the helpers' (their total over the runs / runs, from
/proc/PID/stat); memory is the peak resident set (VmHWM) of this process and of each helper.
The project's overhead against bare lxml + Saxon on this same document is
benchmarks/bench_validation.py's part; it imports ``ten_line_invoice()`` from here.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_PEPPOL = REPO.parent / "shared" / "peppol"


def ten_line_invoice():
    """A stored 10-line invoice in a fresh temporary database (bound to the models); returns the Invoice."""
    data_dir = tempfile.mkdtemp(prefix="kassa-bench-")
    os.environ["KASSA_DATA_DIR"] = data_dir
    from kassa.invoicing import issue_invoice
    from kassa.models import Company, Customer, CustomerCategory, connection
    from kassa.money import LineInput

    connection.connect(f"sqlite:///{data_dir}/kassa.sqlite3")
    company = Company.get_solo()
    for key, value in dict(
        name="Hörnbutiken & Söner AB", org_number="5566778899", street="Storgatan 1", postal_code="41101",
        city="Göteborg", registered_office="Göteborg", f_skatt=True, bankgiro="50501055",
        email="info@hornbutiken.se", phone="031-123456", invoice_fee=Decimal("29.00"), round_invoices=True,
    ).items():
        setattr(company, key, value)
    company.save()
    category = CustomerCategory.create(name="E-fakturakund", note="pagero")
    customer = Customer.create(
        number=1, name="Kunden AB", org_number="5560360793", vat_number="SE556036079301", street="Kundvägen 2",
        postal_code="11122", city="Stockholm", reference="Anna Andersson", category=category,
    )
    lines = [
        LineInput("Konsulttimme", Decimal("1.5"), Decimal("650.00"), 25, unit="HUR"),
        LineInput("Kaffe & kaka", Decimal("12"), Decimal("39.90"), 12, price_includes_vat=True),
        LineInput("Bok: Åsa & Örjan", Decimal("2"), Decimal("249.00"), 6, article_number="B-17"),
        LineInput("Stol", Decimal("4"), Decimal("899.00"), 25, discount_percent=Decimal("15"), article_number="S-1"),
        LineInput("Kabel", Decimal("12.5"), Decimal("19.90"), 25, unit="MTR"),
        LineInput("Ost", Decimal("0.347"), Decimal("189.00"), 12, unit="KGM"),
        LineInput("Frimärke", Decimal("10"), Decimal("12.00"), 0),
        LineInput("Skruv <M6>", Decimal("200"), Decimal("0.45"), 25),
        LineInput("Tidning", Decimal("1"), Decimal("59.00"), 6, price_includes_vat=True),
        LineInput("Montering", Decimal("3"), Decimal("495.00"), 25, unit="HUR", discount_percent=Decimal("10")),
    ]
    return issue_invoice(customer, lines)


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms (p90 {statistics.quantiles(samples, n=10)[-1] * 1000:.2f})"


def peak_mb(pid: int | str = "self") -> float:
    """VmHWM, the peak resident set of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a live process has used so far (clock ticks, /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def helpers_cpu(pack) -> float:
    return sum(cpu_seconds(pid) for pid in pack.worker_pids().values())


def memory_line(pack) -> str:
    own = peak_mb()
    helpers = {kind: peak_mb(pid) for kind, pid in pack.worker_pids().items()}
    if not helpers:
        return f"Högsta minne (VmHWM): denna process {own:.0f} MB (Saxon i processen)"
    parts = " + ".join(f"{kind} {mb:.0f} MB" for kind, mb in helpers.items())
    return (f"Högsta minne (VmHWM): denna process {own:.0f} MB; hjälpprocesser {parts}; "
            f"summa {own + sum(helpers.values()):.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rules", type=Path, default=Path(os.environ.get("KASSA_RULES_DIR") or SHARED_PEPPOL))
    parser.add_argument("--engine", choices=("worker", "inline"), default="worker")
    args = parser.parse_args()
    if args.runs < 200:
        parser.error("--runs must be at least 200")

    from kassa.peppol.rules.pack import RulePack
    from kassa.peppol.ubl import build_ubl

    invoice = ten_line_invoice()
    start = time.perf_counter()
    pack = RulePack.load(args.rules, engine=args.engine)
    seconds = pack.warm_up()
    compile_total = time.perf_counter() - start

    xml = build_ubl(invoice)
    findings = pack.validate(xml)
    for _ in range(20):  # warm caches on every path
        pack.validate(build_ubl(invoice))

    clock, cpu = time.perf_counter, time.process_time
    wall: dict[str, list[float]] = {"build": [], "validate": [], "full": []}
    cpu_times: dict[str, list[float]] = {"build": [], "validate": [], "full": []}
    helpers_before = helpers_cpu(pack)
    for _ in range(args.runs):
        w0, c0 = clock(), cpu()
        built = build_ubl(invoice)
        w1, c1 = clock(), cpu()
        pack.validate(built)
        w2, c2 = clock(), cpu()
        for times, (a, b, c) in ((wall, (w0, w1, w2)), (cpu_times, (c0, c1, c2))):
            times["build"].append(b - a)
            times["validate"].append(c - b)
            times["full"].append(c - a)
    helpers_ms = (helpers_cpu(pack) - helpers_before) / args.runs * 1000

    print(f"Regelpaket: {pack.describe()} ({args.rules}); motor: {pack.engine}")
    print(f"Maskin: {os.cpu_count()} kärnor, belastning {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(1/5/15 min); Python {sys.version.split()[0]}")
    helper_note = " (i hjälpprocesserna, parallellt med XSD här)" if pack.engine == "worker" else ""
    print(
        f"Kompilering: totalt {compile_total * 1000:.0f} ms (vägg) = XSD {seconds['xsd'] * 1000:.0f} ms"
        f" + CEN {seconds['cen'] * 1000:.0f} ms + Peppol {seconds['peppol'] * 1000:.0f} ms{helper_note}"
    )
    lines = len(invoice.item_lines)
    print(f"Faktura {invoice.number}: {lines} rader, {len(xml) / 1024:.1f} kB UBL, {len(findings)} fynd; "
          f"median av {args.runs} varma körningar:")
    for key, label in (("build", "bygga (läsa raderna + UBL)"), ("validate", "validera (XSD + CEN + Peppol)"),
                       ("full", "bygga + validera (mål ≤ 12 ms)")):
        extra = f" + hjälpprocesser {helpers_ms:.2f} ms i medel" if key != "build" and pack.engine == "worker" else ""
        print(f"  {label:32} vägg {ms(wall[key])}, CPU här {ms(cpu_times[key])}{extra}")
    print(memory_line(pack))
    pack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
