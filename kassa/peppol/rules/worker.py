"""A helper process that runs the Schematron part of the official validation (SaxonC).

    python -m kassa.peppol.rules.worker PACK_ROOT cen|peppol|cen,peppol [YOUNG_MB]

YOUNG_MB bounds SaxonC's young generation (kassa.peppol.rules.saxon.new_processor); 0 or absent:
SaxonC's own heap. The ready message says whether the bound applies (``heap_bounded``).

Why a process: SaxonC holds Python's GIL for a whole stylesheet compile (about a second for
the CEN rules) and for every transform, and its native heap grows by some 200 MB once the
rules are compiled. In a helper process neither touches the application: its UI thread keeps
turning, and two helpers (one per stylesheet) run the CEN and Peppol rules in parallel.

The wire format is kassa.peppol.rules.protocol.

The helper exits when its stdin reaches EOF, which is also what happens when the parent dies,
so no helper outlives the application. No Qt, no database.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from kassa.peppol.rules.errors import RulePackError
from kassa.peppol.rules.parts import PARTS, find_parts, one_file
from kassa.peppol.rules.protocol import KINDS, read_message, write_message
from kassa.peppol.rules.saxon import compile_stylesheet, new_processor


def _send(out: BinaryIO, answer: dict) -> None:
    write_message(out, json.dumps(answer, ensure_ascii=False).encode("utf-8"))


def _stylesheet(root: Path, kind: str) -> Path:
    """The newest release's stylesheet of ``kind`` in the pack (the parent checked the pack is whole)."""
    releases = find_parts(root)[kind]
    path = one_file(releases[0][1], PARTS[kind][1][0]) if releases else None
    if path is None:
        raise RulePackError(f"Regelpaketet i {root} saknar reglerna för {kind}. "
                            "Installera om paketet med ”kassa rules install KÄLLA”.")
    return path


def serve(root: Path, kinds: list[str], requests: BinaryIO, out: BinaryIO, young_mb: int = 0) -> int:
    processor, heap_bounded = new_processor(young_mb)
    try:
        executables, seconds = {}, {}
        for kind in kinds:
            start = time.perf_counter()
            executables[kind] = compile_stylesheet(processor, _stylesheet(root, kind))
            seconds[kind] = time.perf_counter() - start
    except RulePackError as exc:
        _send(out, {"error": str(exc)})
        return 1
    _send(out, {"ready": True, "seconds": seconds, "pid": os.getpid(), "heap_bounded": heap_bounded})

    while True:
        document = read_message(requests)
        if document is None:  # the parent closed our stdin or died
            return 0
        try:
            node = processor.parse_xml(xml_text=document.decode("utf-8"))
            answer: dict[str, Any] = {
                "svrl": {kind: executables[kind].transform_to_string(xdm_node=node) for kind in kinds}}
        except Exception as exc:  # saxonche raises its own PySaxonApiError; the parent reports it
            answer = {"error": " ".join(str(exc).split()) or type(exc).__name__}
        _send(out, answer)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    kinds = args[1].split(",") if len(args) in (2, 3) else []
    young = args[2] if len(args) == 3 else "0"
    if not kinds or any(kind not in KINDS for kind in kinds) or not young.isdigit():
        print("usage: python -m kassa.peppol.rules.worker PACK_ROOT cen|peppol|cen,peppol [YOUNG_MB]",
              file=sys.stderr)
        return 2
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol gets its own descriptor; anything native code prints to stdout goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    try:
        return serve(Path(args[0]), kinds, requests, out, int(young))
    except BrokenPipeError:  # the parent went away while we answered
        return 0


if __name__ == "__main__":
    sys.exit(main())
