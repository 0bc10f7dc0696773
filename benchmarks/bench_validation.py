"""Benchmark of the official validation (XSD + CEN + Peppol), warm, against bare Saxon.

    /tmp/venv/bin/python benchmarks/bench_validation.py [--runs 200] [--rules DIR] [--engine worker|inline]

Prints: the rules' compile time (first use in a fresh process, with the project's engine:
by default two helper processes, one per stylesheet); per document the median of the
project's full validation (``RulePack.validate``) and, interleaved in the same loop, of the
bare work it wraps, run sequentially in this process as a plain library call would: lxml
parse + XSD validate, one Saxon parse, the two compiled transforms to string. The ratio of
the medians is the project's time against bare Saxon (target ≤ 1.2×); with the helpers it can
be below 1 because CEN and Peppol run in parallel on two cores.

CPU time: this process's per run (median), plus, for the helpers, their CPU over the loop
(/proc/PID/stat) divided by the runs; the bare run's CPU is all in this process. Memory:
peak resident set (VmHWM) of this process before the in-process Saxon for the comparison
was loaded, and of each helper.

Documents come from ``workloads()``: the project's own 10-line invoice (issued in a scratch
SQLite database by bench_build_validate.ten_line_invoice and built by kassa.peppol.ubl; the
build step is timed too), the derived Swedish example, and a CEN example with findings.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build_validate import helpers_cpu, peak_mb  # noqa: E402

from kassa.peppol.rules.pack import ENGINES, RulePack  # noqa: E402
from kassa.peppol.rules.saxon import saxon_processor  # noqa: E402

SHARED_PEPPOL = REPO.parent / "shared" / "peppol"


@dataclass
class Workload:
    name: str
    build: Callable[[], bytes]  # returns the UBL; a real builder makes it from domain data
    timed_build: bool = False  # True when build() is real work worth timing


def _file(path: Path) -> Callable[[], bytes]:
    data = path.read_bytes()
    return lambda: data


def built_invoice() -> Workload | None:
    """The project's own UBL of a stored 10-line invoice, from the build benchmark's scratch database."""
    try:
        from bench_build_validate import ten_line_invoice  # beside this file; builder's benchmark

        from kassa.peppol.ubl import build_ubl

        invoice = ten_line_invoice()
    except Exception as exc:  # the builder or its benchmark changed: measure what can still be measured
        print(f"(Kassas egen UBL kunde inte byggas: {exc!r}; bara exempelfilerna mäts)")
        return None
    return Workload("Kassas egen faktura, 10 rader", lambda: build_ubl(invoice), timed_build=True)


def workloads() -> list[Workload]:
    examples = SHARED_PEPPOL / "examples"
    found = [
        Workload("se-invoice-valid.xml (inga fynd)", _file(examples / "derived" / "se-invoice-valid.xml")),
        Workload("ubl-tc434-example1.xml (CEN-exempel, 9 Peppol-fynd)",
                 _file(examples / "cen" / "ubl-tc434-example1.xml")),
    ]
    built = built_invoice()
    return ([built] if built else []) + found


def bare(inline: RulePack, xml: bytes) -> None:
    """What the project's validation wraps, with nothing of the project's own, in this process."""
    from lxml import etree

    tree = etree.ElementTree(etree.fromstring(xml))
    inline._schemas[etree.QName(tree.getroot()).namespace].validate(tree)
    node = saxon_processor().parse_xml(xml_text=xml.decode("utf-8"))
    inline._inline["cen"].transform_to_string(xdm_node=node)
    inline._inline["peppol"].transform_to_string(xdm_node=node)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench(pack: RulePack, inline: RulePack, workload: Workload, runs: int) -> dict[str, float]:
    xml = workload.build()
    for _ in range(20):  # warm the JIT-free but cache-hungry paths
        pack.validate(xml)
        bare(inline, xml)
    t_build, t_project, t_full, t_bare, cpu_project, cpu_bare = [], [], [], [], [], []
    clock, cpu = time.perf_counter, time.process_time
    helpers_before = helpers_cpu(pack)
    for _ in range(runs):
        # Interleaved, so both see the same machine load. CPU time as well as wall time:
        # the machine is shared, and CPU time hides most of the other processes.
        start = clock()
        built = workload.build()
        mid, cpu_mid = clock(), cpu()
        pack.validate(built)
        end, cpu_end = clock(), cpu()
        bare(inline, xml)
        t_build.append(mid - start)
        t_project.append(end - mid)
        t_full.append(end - start)
        t_bare.append(clock() - end)
        cpu_project.append(cpu_end - cpu_mid)
        cpu_bare.append(cpu() - cpu_end)
    helpers_ms = (helpers_cpu(pack) - helpers_before) / runs * 1000
    cpu_total = median_ms(cpu_project) + helpers_ms
    return {
        "findings": len(pack.validate(xml)),
        "size_kb": len(xml) / 1024,
        "build": median_ms(t_build),
        "validate": median_ms(t_project),
        "full": median_ms(t_full),
        "p90": statistics.quantiles(t_project, n=10)[-1] * 1000,
        "bare": median_ms(t_bare),
        "ratio": statistics.median(t_project) / statistics.median(t_bare),
        "cpu": median_ms(cpu_project),
        "cpu_helpers": helpers_ms,
        "cpu_total": cpu_total,
        "cpu_bare": median_ms(cpu_bare),
        "cpu_ratio": cpu_total / median_ms(cpu_bare),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rules", type=Path, default=Path(os.environ.get("KASSA_RULES_DIR") or SHARED_PEPPOL))
    parser.add_argument("--engine", choices=ENGINES, default="worker")
    args = parser.parse_args()

    start = time.perf_counter()
    pack = RulePack.load(args.rules, engine=args.engine)
    seconds = pack.warm_up()
    total = time.perf_counter() - start
    own_before_inline = peak_mb()
    start = time.perf_counter()
    inline = RulePack.load(args.rules, engine="inline")
    inline_seconds = inline.warm_up()
    inline_total = time.perf_counter() - start
    print(f"Regelpaket: {pack.describe()} ({args.rules}); motor: {pack.engine}")
    print(f"Maskin: {os.cpu_count()} kärnor, belastning {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(1/5/15 min); Python {sys.version.split()[0]}")
    print(
        f"Kompilering (första gången i processen), {pack.engine}: totalt {total * 1000:.0f} ms = XSD "
        f"{seconds['xsd'] * 1000:.0f} ms, CEN {seconds['cen'] * 1000:.0f} ms, Peppol {seconds['peppol'] * 1000:.0f} ms"
        f"{' (CEN och Peppol i var sin hjälpprocess, parallellt med XSD)' if pack.engine == 'worker' else ''}"
    )
    print(
        f"  jämförelse, Saxon i processen efter varandra: totalt {inline_total * 1000:.0f} ms = CEN "
        f"{inline_seconds['cen'] * 1000:.0f} ms + Peppol {inline_seconds['peppol'] * 1000:.0f} ms "
        f"(+ XSD {inline_seconds['xsd'] * 1000:.0f} ms, + SaxonC-start)"
    )
    print(f"Varm validering, median av {args.runs} körningar:")
    for workload in workloads():
        r = bench(pack, inline, workload, args.runs)
        build = f"bygg {r['build']:.2f} ms + " if workload.timed_build else ""
        full = f" = {r['full']:.2f} ms bygg + validering" if workload.timed_build else ""
        helpers = (f" + hjälpprocesser {r['cpu_helpers']:.2f} ms = {r['cpu_total']:.2f} ms"
                   if pack.engine == "worker" else "")
        print(
            f"  {workload.name}, {r['size_kb']:.1f} kB, {r['findings']} fynd: {build}"
            f"validering {r['validate']:.2f} ms (p90 {r['p90']:.2f}){full}; bart lxml+Saxon i processen "
            f"{r['bare']:.2f} ms, kvot {r['ratio']:.3f}×\n"
            f"    CPU-tid: validering här {r['cpu']:.2f} ms{helpers}; bart {r['cpu_bare']:.2f} ms, "
            f"kvot {r['cpu_ratio']:.3f}×"
        )
    helpers = {kind: peak_mb(pid) for kind, pid in pack.worker_pids().items()}
    if helpers:
        print(f"Högsta minne (VmHWM): denna process {own_before_inline:.0f} MB innan Saxon laddades här för "
              f"jämförelsen ({peak_mb():.0f} MB efter); hjälpprocesser "
              + " + ".join(f"{kind} {mb:.0f} MB" for kind, mb in helpers.items())
              + f"; summa {own_before_inline + sum(helpers.values()):.0f} MB")
    pack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
