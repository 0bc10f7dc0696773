"""Benchmark: Kassa's pre-flight (build + official validation) beside eu-einvoice 1.0.0, in one run.

    .venv/bin/python benchmarks/bench_preflight.py [--rules DIR] [--runs 300] [--invoices 1000]

eu-einvoice runs in its own benchmark-only venv (benchmarks/einvoice_env.sh creates it) as its own
process (benchmarks/einvoice_driver.py), its rules pointed at the same local rule pack, nothing fetched.
Both use SaxonC-HE 13.1.1 and lxml from PyPI.

1. Latency, the same 10-line invoice (bench_build_validate.ten_line_invoice): Kassa's default
   engine and layout, build_ubl + RulePack.validate, against eu-einvoice's validate() of the UBL Kassa
   built (its own build is not counted, which favours it). Interleaved blocks (Kassa, eu-einvoice,
   Kassa, …) so both see the same machine; medians of all runs, and their ratio. Target: ≥ 1.5×.
2. At rest: the rule helpers stop after KASSA_RULES_IDLE seconds without work (set short here);
   then the memory of everything Kassa runs. Target: ≤ 120 MB in all.
3. Sending 1,000 invoices: enqueue_invoice (checks, UBL, validation, the row) for N issued invoices
   while a background sender uploads them to the stand-in (its own process, not counted) until all are
   delivered; meanwhile the memory of Kassa's process and its helpers is sampled every 20 ms and summed
   (resident set, and proportional set size, which counts pages the processes share once). Then
   eu-einvoice validates the same N documents; its process's peak (VmHWM). Target: Kassa's peak sum ≤
   eu-einvoice's peak.

Printed with the machine's load (uptime) before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

SHARED_PEPPOL = REPO.parent / "shared" / "peppol"


# -- memory of processes ---------------------------------------------------------------------------

def _status_mb(pid: int | str, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int | str) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler:
    """Samples the summed RSS and PSS of some processes every ``interval`` s: this one and the pack's
    helpers, or the process ``pid``."""

    def __init__(self, pack=None, interval: float = 0.02, pid: int | None = None):
        self.pack, self.interval, self.pid = pack, interval, pid
        self.peak_rss = self.peak_pss = 0.0
        self.at_peak: list[float] = []  # each process's RSS at the moment of the peak sum
        self.helper_peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _pids(self) -> list[int]:
        if self.pid is not None:
            return [self.pid]
        return [os.getpid(), *self.pack.worker_pids().values()]

    def sample(self) -> tuple[float, float]:
        rss = pss = 0.0
        each = []
        for pid in self._pids():
            try:
                r, p = _status_mb(pid, "VmRSS"), pss_mb(pid)
            except OSError:  # a helper that just stopped
                continue
            rss, pss = rss + r, pss + p
            each.append(r)
            if pid != os.getpid() and self.pid is None:
                self.helper_peaks[pid] = max(self.helper_peaks.get(pid, 0.0), _status_mb(pid, "VmHWM"))
        if rss > self.peak_rss:
            self.at_peak = each
        return rss, pss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss, pss = self.sample()
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- eu-einvoice in its own process ----------------------------------------------------------------

class EInvoice:
    def __init__(self, rules: Path):
        python = subprocess.run(["bash", str(REPO / "benchmarks" / "einvoice_env.sh")], check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
        self.process = subprocess.Popen([python, str(REPO / "benchmarks" / "einvoice_driver.py"), str(rules)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, **request) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def validate(self, files: list[Path], repeat: int = 1) -> dict:
        return self.ask(cmd="validate", files=[str(f) for f in files], repeat=repeat)

    def close(self) -> None:
        self.ask(cmd="memory")
        assert self.process.stdin
        self.process.stdin.write('{"cmd": "quit"}\n')
        self.process.stdin.flush()
        self.process.wait(30)


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ms (p90 {statistics.quantiles(values, n=10)[-1]:.2f})"


# -- the phases --------------------------------------------------------------------------------------

def latency(pack, einvoice: EInvoice, runs: int, work: Path) -> tuple[float, float]:
    from bench_build_validate import ten_line_invoice

    from kassa.peppol.ubl import build_ubl

    invoice = ten_line_invoice()
    xml = build_ubl(invoice)
    document = work / "ten-lines.xml"
    document.write_bytes(xml)
    findings = pack.validate(xml)
    theirs = einvoice.validate([document], repeat=20)  # compile and warm
    print(f"10-radersfakturan: {len(xml) / 1024:.1f} kB; Kassa {len(findings)} fynd, eu-einvoice "
          f"{theirs['errors'] // 20} fel; eu-einvoice körde {', '.join(theirs['layers'])}")
    for _ in range(20):
        pack.validate(build_ubl(invoice))
    kassa_ms: list[float] = []
    their_ms: list[float] = []
    blocks = 6
    for _ in range(blocks):
        for _ in range(runs // blocks):
            start = time.perf_counter()
            pack.validate(build_ubl(invoice))
            kassa_ms.append((time.perf_counter() - start) * 1000)
        their_ms += einvoice.validate([document], repeat=runs // blocks)["ms"]
    ratio = statistics.median(their_ms) / statistics.median(kassa_ms)
    print(f"  Kassa, bygga + validera ({describe(pack)}): {med(kassa_ms)}")
    print(f"  eu-einvoice, validera (UBL:en färdig):        {med(their_ms)}")
    print(f"  Kassa {ratio:.2f}× snabbare (mål ≥ 1,5×)")
    return statistics.median(kassa_ms), statistics.median(their_ms)


def describe(pack) -> str:
    """The engine and layout Kassa chose on this machine (its defaults, nothing set)."""
    if pack.engine == "inline":
        return "Saxon i processen"
    pool = pack._workers
    names = list(pool.workers) if pool is not None else []
    bounded = pool is not None and all(w.heap_bounded for w in pool.workers.values())
    return (f"{len(names)} hjälpprocess{'er' if len(names) != 1 else ''} ({' + '.join(names)})"
            + (", SaxonC med begränsad heap" if bounded else ""))


def at_rest(pack, idle: float) -> float:
    deadline = time.monotonic() + idle + 30
    while pack.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.2)
    helpers = pack.worker_pids()
    own = _status_mb("self", "VmRSS")
    total = own + sum(_status_mb(pid, "VmRSS") for pid in helpers.values())
    state = "kvar: " + ", ".join(map(str, helpers)) if helpers else "borta"
    print(f"I vila efter {idle:.0f} s utan arbete: hjälpprocesser {state}; Kassa {own:.0f} MB, "
          f"totalt {total:.0f} MB (mål ≤ 120 MB)")
    return total


def _family(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def till_at_rest(settle: float = 10.0) -> float:
    """The application (`python main.py`, offscreen) on this benchmark's database: its memory and its
    children's, ``settle`` seconds after the window is painted (the send queue's thread running)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KASSA_STARTUP_MARK="1", PYTHONPATH=str(REPO))
    from kassa.models import database

    env["KASSA_DATABASE_URL"] = f"sqlite:///{database.db.database}"
    process = subprocess.Popen([sys.executable, str(REPO / "main.py")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("KASSA_READY"):
            print(f"Kassan startade inte: {line!r}")
            return 0.0
        time.sleep(settle)
        family = _family(process.pid)
        total = sum(_status_mb(pid, "VmRSS") for pid in family)
        pss = sum(pss_mb(pid) for pid in family)
        print(f"Kassan (fönstret, offscreen) i vila {settle:.0f} s efter start: {len(family)} process(er), "
              f"{total:.0f} MB RSS, {pss:.0f} MB PSS (mål ≤ 120 MB)")
        return total
    finally:
        process.terminate()
        process.wait(30)


def sending(pack, einvoice: EInvoice, invoices: int, work: Path) -> None:
    import requests
    from bench_outbox import start_stand_in

    from kassa.models import Transmission, TransmissionState
    from kassa.outbox.background import BackgroundSender
    from kassa.outbox.enqueue import enqueue_invoice
    from kassa.outbox.sender import SendPolicy
    from kassa.pagero.client import PageroClient
    from kassa.pagero.oauth import OAuthClient
    from tests.factories import make_company
    from tests.outbox.fixtures import e_invoice_customer, issue_e_invoices
    from tests.pagero.fixtures import COMPANY_ID, MemoryTokens, login_tokens

    make_company(pagero_company_id=COMPANY_ID, pagero_send_mode="Test")
    invoice_ids = [i.id for i in issue_e_invoices(invoices, e_invoice_customer())]
    stand_in, url, redirect_port, secret = start_stand_in(work)
    try:
        oauth = OAuthClient(client_secret=secret, redirect_port=redirect_port)
        tokens = MemoryTokens(oauth, login_tokens(oauth))
        policy = SendPolicy(poll_intervals=(0.02, 0.05, 0.2), answer_intervals=(3600,), batch=50, idle=0.2)
        sender = BackgroundSender(client_factory=lambda: PageroClient(tokens), policy=policy, worker_id="bench")
        started = time.perf_counter()
        with MemorySampler(pack) as memory:
            sender.start()
            for index, invoice_id in enumerate(invoice_ids):
                enqueue_invoice(invoice_id, till="bench")
                if index % 50 == 49:
                    sender.wake()
            while Transmission.select().where(Transmission.state != TransmissionState.DELIVERED).exists():
                time.sleep(0.05)
            sender.stop()
        elapsed = time.perf_counter() - started
        once = sum(1 for c in requests.get(f"{url}/_control/files", timeout=30).json()["counts"].values() if c == 1)
    finally:
        stand_in.terminate()
        stand_in.wait(30)
    documents = []
    for row in Transmission.select(Transmission.id, Transmission.payload):
        path = work / f"t{row.id}.xml"
        path.write_text(row.payload, encoding="utf-8")
        documents.append(path)
    with MemorySampler(pid=einvoice.process.pid) as their_sample:
        theirs = einvoice.validate(documents)
    their_memory = einvoice.ask(cmd="memory")
    helpers = " + ".join(f"{mb:.0f}" for mb in memory.helper_peaks.values()) or "inga"
    print(f"{invoices} fakturor köade med validering och skickade tills levererade: {elapsed:.1f} s "
          f"({once} uppladdade exakt en gång)")
    print(f"  Kassa + hjälpprocesser, högsta summa samtidigt: {memory.peak_rss:.0f} MB RSS "
          f"({' + '.join(f'{mb:.0f}' for mb in memory.at_peak)}: Kassa först), {memory.peak_pss:.0f} MB PSS "
          f"(hjälpprocessernas egna toppar {helpers} MB)")
    print(f"  eu-einvoice, samma {len(documents)} dokument: {statistics.median(theirs['ms']):.1f} ms median; "
          f"processens topp {their_memory['hwm_mb']:.0f} MB (VmHWM); under körningen högst "
          f"{their_sample.peak_rss:.0f} MB RSS, {their_sample.peak_pss:.0f} MB PSS")
    for label, ours, peak in (("RSS (delade sidor räknas i varje process)", memory.peak_rss, their_memory["hwm_mb"]),
                              ("PSS (delade sidor räknas en gång)", memory.peak_pss, their_sample.peak_pss)):
        verdict = "uppfyllt" if ours <= peak else "EJ uppfyllt"
        print(f"  mål Kassa ≤ eu-einvoice, {label}: {ours:.0f} ≤ {peak:.0f} MB: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, default=Path(os.environ.get("KASSA_RULES_DIR") or SHARED_PEPPOL))
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--idle", type=float, default=5.0, help="the helpers' idle time for this run (seconds)")
    parser.add_argument("--phases", default="latency,rest,till,sending",
                        help="which parts to run (comma-separated; default all)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kassa-bench-preflight-"))
    os.environ["KASSA_RULES_DIR"] = str(args.rules)
    os.environ["KASSA_RULES_IDLE"] = str(args.idle)
    print(f"Maskin: {os.cpu_count()} kärnor; belastning före {load()} (1/5/15 min); Python {sys.version.split()[0]}")
    from kassa.peppol.rules.pack import get_rule_pack

    einvoice = EInvoice(args.rules)
    try:
        pack = get_rule_pack()
        if pack is None:
            print(f"Inget regelpaket i {args.rules}.")
            return 2
        phases = set(args.phases.split(","))
        if "latency" in phases:
            latency(pack, einvoice, args.runs, work)
        if "rest" in phases:
            at_rest(pack, args.idle)
        if "latency" not in phases and phases & {"till", "sending"}:
            from bench_build_validate import ten_line_invoice

            ten_line_invoice()  # the scratch database
        if "till" in phases:
            till_at_rest()
        if "sending" in phases:
            sending(pack, einvoice, args.invoices, work)
    finally:
        einvoice.close()
    print(f"Belastning efter: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
