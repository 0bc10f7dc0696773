"""Benchmark of the send queue: 1,000 e-invoices queued with validation and sent until delivered.

    /tmp/venv/bin/python benchmarks/bench_outbox.py [--invoices 1000] [--rules DIR] [--senders 1]

Set-up (not timed): a scratch SQLite database (the default kind, synchronous FULL) with a complete
seller, an e-invoice customer and N issued 2-line invoices; the Pagero stand-in started as its own
process (`kassa sandbox --control`, processing and delivery immediate); a login through its OAuth
flow (tokens held in memory here: the keyring is not what is measured).

Timed: what the till and the background sender do. ``enqueue_invoice`` for every invoice (checks,
UBL, official validation with the rule pack, the row) while a BackgroundSender thread uploads and
follows up, until every transmission is ``delivered``. Printed: total time, invoices per second,
the enqueue phase alone, CPU time, and peak memory (VmHWM) of this process, of each rule-pack
helper process (the Schematron rules run there by default: kassa.peppol.rules.worker) and their
sum, and of the stand-in.
Targets (issue 4): ≤ 60 s and ≤ 250 MB for 1,000 invoices on one of the project's 2-core machines.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

SHARED_PEPPOL = REPO.parent / "shared" / "peppol"


def start_stand_in(work: Path):
    from tests.pagero.fixtures import CLIENT_ID, CLIENT_SECRET, free_port, sandbox_config

    port, redirect_port = free_port(), free_port()
    config = sandbox_config(redirect_port, timing={"processing": 0, "delivery": 0, "answer": 0})
    (work / "sandbox.json").write_text(json.dumps(config))
    process = subprocess.Popen(
        [sys.executable, "-m", "kassa", "sandbox", "--port", str(port), "--control", "--config",
         str(work / "sandbox.json")], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(REPO)))
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{url}/_control/files", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)
    os.environ.update({
        "KASSA_PAGERO_SSO_BASE": url, "KASSA_PAGERO_API_BASE": url, "KASSA_PAGERO_CLIENT_ID": CLIENT_ID,
        "KASSA_INTEREST_URL": f"{url}/partner/v1/interest",
    })
    return process, url, redirect_port, CLIENT_SECRET


def peak_mb(pid: int | str = "self") -> float:
    """VmHWM, the peak resident set of a live process, in MB (ru_maxrss of a child would include
    the parent's pages at fork)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def helpers_cpu(pids: dict[str, int]) -> float:
    """User + system CPU seconds the rule pack's helper processes have used so far."""
    total = 0.0
    for pid in pids.values():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # restarted: its CPU is gone with it
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--rules", type=Path, default=Path(os.environ.get("KASSA_RULES_DIR") or SHARED_PEPPOL))
    parser.add_argument("--senders", type=int, default=1, help="background sender threads")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kassa-bench-outbox-"))
    os.environ["KASSA_DATA_DIR"] = str(work / "data")
    os.environ.pop("KASSA_DATABASE_URL", None)
    os.environ["KASSA_RULES_DIR"] = str(args.rules)

    from kassa.models import Transmission, TransmissionState, connection
    from kassa.outbox.background import BackgroundSender
    from kassa.outbox.enqueue import enqueue_invoice
    from kassa.outbox.sender import SendPolicy
    from kassa.pagero.client import PageroClient
    from kassa.pagero.oauth import OAuthClient
    from kassa.peppol.rules.pack import get_rule_pack
    from tests.factories import make_company
    from tests.outbox.fixtures import e_invoice_customer, issue_e_invoices
    from tests.pagero.fixtures import COMPANY_ID, MemoryTokens, login_tokens

    pack = get_rule_pack()
    if pack is None:
        print(f"Inget regelpaket i {args.rules}: ange --rules KATALOG (valideringen ingår i mätningen).")
        return 2
    connection.connect()
    make_company(pagero_company_id=COMPANY_ID, pagero_send_mode="Test")
    print(f"Utfärdar {args.invoices} fakturor (ej tidtaget) …", flush=True)
    invoice_ids = [i.id for i in issue_e_invoices(args.invoices, e_invoice_customer())]
    pack.warm_up()  # compiled once per process; the application does it at start-up
    warm_mb = peak_mb()
    helper_pids = pack.worker_pids()
    helpers_warm_mb = {kind: peak_mb(pid) for kind, pid in helper_pids.items()}

    stand_in, url, redirect_port, secret = start_stand_in(work)
    try:
        oauth = OAuthClient(client_secret=secret, redirect_port=redirect_port)
        tokens = MemoryTokens(oauth, login_tokens(oauth))
        policy = SendPolicy(poll_intervals=(0.02, 0.05, 0.2), answer_intervals=(3600,), batch=50, idle=0.2)
        senders = [BackgroundSender(client_factory=lambda: PageroClient(tokens), policy=policy,
                                    worker_id=f"bench-{i}") for i in range(args.senders)]

        started = time.perf_counter()
        cpu_started = time.process_time()
        helpers_cpu_started = helpers_cpu(helper_pids)
        for sender in senders:
            sender.start()
        for index, invoice_id in enumerate(invoice_ids):
            enqueue_invoice(invoice_id, till="bench")
            if index % 50 == 49:
                for sender in senders:
                    sender.wake()
        enqueued = time.perf_counter() - started
        while Transmission.select().where(Transmission.state != TransmissionState.DELIVERED).exists():
            time.sleep(0.05)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        helpers_cpu_used = helpers_cpu(helper_pids) - helpers_cpu_started
        if pack.worker_pids() != helper_pids:
            print("OBS: en hjälpprocess startades om under körningen; dess minne före omstarten räknas inte.")
        helpers_mb = {kind: peak_mb(pid) for kind, pid in pack.worker_pids().items()}
        for sender in senders:
            sender.stop()

        files = requests.get(f"{url}/_control/files", timeout=30).json()
        stand_in_mb = peak_mb(stand_in.pid)
        stand_in.terminate()
        stand_in.wait(30)
        own_mb = peak_mb()
    finally:
        if stand_in.poll() is None:
            stand_in.kill()
    once = sum(1 for c in files["counts"].values() if c == 1)
    delivered = Transmission.select().where(Transmission.state == TransmissionState.DELIVERED).count()
    print(f"Fakturor: {args.invoices}, levererade: {delivered}, uppladdade exakt en gång: {once}")
    print(f"Total tid (köa med validering + skicka tills levererat): {total:.1f} s  (mål ≤ 60 s)")
    print(f"Fakturor per sekund: {args.invoices / total:.1f}")
    print(f"  varav köläggning med kontroller, UBL och validering: {enqueued:.1f} s "
          f"({enqueued / args.invoices * 1000:.1f} ms per faktura)")
    print(f"CPU-tid: denna process {cpu:.1f} s, regelpaketets hjälpprocesser {helpers_cpu_used:.1f} s, "
          f"summa {cpu + helpers_cpu_used:.1f} s; belastning (load average) "
          f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")
    helpers_total = sum(helpers_mb.values())
    print(f"Högsta minne (VmHWM): kassa {own_mb:.0f} MB, varav {warm_mb:.0f} MB redan efter att regelpaketet "
          f"kompilerats")
    if helpers_mb:
        print("  regelpaketets hjälpprocesser: " + " + ".join(
            f"{kind} {mb:.0f} MB (efter kompileringen {helpers_warm_mb.get(kind, 0):.0f} MB)"
            for kind, mb in helpers_mb.items()) + f" = {helpers_total:.0f} MB")
    print(f"  kassa + hjälpprocesser: {own_mb + helpers_total:.0f} MB (mål ≤ 250 MB); "
          f"attrappen (egen process, räknas inte) {stand_in_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
