"""Throughput of the Pagero stand-in and client: N uploads, then fileparts + documents for each.

    /tmp/venv/bin/python benchmarks/bench_sandbox.py [--invoices 1000] [--state FILE]

Runs the stand-in in-process on a free loopback port, logs in through the real OAuth flow
(a browser driven with requests), and times the calls the send queue makes. Prints wall and
CPU time: on a shared 2-core machine wall time is mostly waiting for a core.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kassa.pagero.client import PageroClient  # noqa: E402
from kassa.pagero.oauth import OAuthClient  # noqa: E402
from kassa.pagero.sandbox.server import SandboxServer  # noqa: E402
from tests.pagero import fixtures as fx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--state", help="run the stand-in with a state file (written after every change)")
    args = parser.parse_args()
    port = fx.free_port()
    with SandboxServer(fx.sandbox_config(port), state_path=args.state, control=True) as sandbox:
        os.environ.update(KASSA_PAGERO_SSO_BASE=sandbox.url, KASSA_PAGERO_API_BASE=sandbox.url,
                          KASSA_PAGERO_REDIRECT_PORT=str(port), KASSA_PAGERO_CLIENT_ID=fx.CLIENT_ID)
        oauth = OAuthClient(client_secret=fx.CLIENT_SECRET)
        client = PageroClient(fx.MemoryTokens(oauth, fx.login_tokens(oauth)))
        documents = [fx.ubl_invoice(f"B-{n}") for n in range(args.invoices)]
        wall, cpu = time.perf_counter(), time.process_time()
        ids = [client.upload(xml, f"B-{n}.xml", "Invoice", "Test", fx.COMPANY_ID, f"tx-{n}")
               for n, xml in enumerate(documents)]
        up_wall, up_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        for file_id in ids:
            assert client.fileparts(file_id) == []
            assert client.documents(fileId=file_id)["meta"]["total"] == 1
        get_wall, get_cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = args.invoices
    print(f"{n} uploads: {up_wall:.2f} s wall ({n / up_wall:.0f}/s), {up_cpu:.2f} s CPU (client + stand-in)")
    print(f"{2 * n} follow-up GETs: {get_wall:.2f} s wall ({2 * n / get_wall:.0f}/s), {get_cpu:.2f} s CPU")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
