"""The helper processes of the worker engine: each runs some of the Schematron stylesheets
(kassa.peppol.rules.worker), compiled once, and answers one document at a time over its pipes
(kassa.peppol.rules.protocol). A helper that dies is restarted once; the pool stops them at exit,
and the pack stops them after some idle minutes (they start again with the next validation).

Layout: one helper per stylesheet, the two in parallel, where the machine has at least two cores and
``PARALLEL_MIN_AVAILABLE_MB`` of memory available; else one helper for both. Each helper's SaxonC runs
with a bounded young generation (``config.rules_young_mb()``, kassa.peppol.rules.saxon), which keeps a
helper near 80–110 MB however many documents it validates; a helper that cannot start that way, or dies
later running that way, is followed by one with SaxonC's own heap for the rest of the process's life.
"""
from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kassa import config
from kassa.peppol.rules.errors import RulePackError
from kassa.peppol.rules.parts import PART_TITLES
from kassa.peppol.rules.protocol import HEADER, frame

log = logging.getLogger(__name__)

T = TypeVar("T")

READY_TIMEOUT = 300.0  # seconds for a helper to start and compile (about 1 s idle; 4 s seen at load 7)
ANSWER_TIMEOUT = 120.0  # seconds for one document's transform (tens of ms)
_HELPER_MISSING = (
    "Den officiella valideringen kunde inte köras: hjälpprocessen för {title} ({kind}) avslutades "
    "oväntat två gånger ({reason}). Kassa skickar efter sina egna kontroller; starta om Kassa, och "
    "installera om regelpaketet med ”kassa rules install KÄLLA” om felet kvarstår."
)


PARALLEL_MIN_AVAILABLE_MB = 1024  # memory the machine must have available for a second helper


def available_memory_mb() -> float | None:
    """MemAvailable of /proc/meminfo in MB; None where there is no such file."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def parallel_helpers_fit(cores: int | None, available_mb: float | None) -> bool:
    """Whether two helpers run side by side on a machine of ``cores`` with ``available_mb`` available
    (None: unknown, which is taken as no)."""
    return (cores or 1) >= 2 and available_mb is not None and available_mb >= PARALLEL_MIN_AVAILABLE_MB


def parallel_helpers_fit_here() -> bool:
    return parallel_helpers_fit(os.cpu_count(), available_memory_mb())


def worker_layout() -> dict[str, tuple[str, ...]]:
    """Helper name -> the stylesheets it runs: one per stylesheet (in parallel) or one for both.

    KASSA_RULES_WORKERS=1 or 2 decides; by default (auto) two where ``parallel_helpers_fit_here()``."""
    workers = config.rules_workers()
    if workers == 1 or (workers == 0 and not parallel_helpers_fit_here()):
        return {"cen,peppol": ("cen", "peppol")}
    return {"cen": ("cen",), "peppol": ("peppol",)}


class WorkerGone(Exception):
    """A helper died, closed its pipe, answered nonsense or did not answer in time (English: for logs)."""


class Worker:
    """One helper process running some of the stylesheets (kassa.peppol.rules.worker)."""

    def __init__(self, root: Path, kinds: tuple[str, ...]):
        self.root, self.kinds = root, kinds
        self.process: subprocess.Popen | None = None
        self.ready = False
        self.seconds: dict[str, float] = {}
        self.young_mb = config.rules_young_mb()  # 0 after a helper could not start with a bounded heap
        self.heap_bounded = False  # what the running helper reported

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is not None:  # it ended on its own (stop() forgets the process it ends)
            self.died()
        self.stop()
        package_parent = str(Path(__file__).resolve().parents[3])  # the folder holding kassa/
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kassa.peppol.rules.worker", str(self.root.absolute()), ",".join(self.kinds),
             str(self.young_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, env=env,
        )
        self.ready = False

    def died(self) -> None:
        """The helper ended or stopped answering without being asked to. SaxonC with a bounded heap is a
        reach into its native library (rules.saxon): the next helper of this kind uses SaxonC's own heap
        (more memory, nothing else), for the rest of the process's life."""
        if self.heap_bounded and self.young_mb:
            log.warning("rule helper %s ended while running with a bounded heap; the next one uses SaxonC's own "
                        "heap", self.kinds)
            self.young_mb = 0

    def wait_ready(self) -> dict[str, float]:
        if self.ready:
            return self.seconds
        try:
            answer = self._receive(READY_TIMEOUT)
        except WorkerGone as exc:
            if not self.young_mb:
                raise
            # SaxonC with a bounded heap is a reach into its native library (rules.saxon): if a helper
            # dies starting that way, the next ones use SaxonC's own heap.
            log.warning("rule helper %s did not start with a bounded heap (%s, %s); starting it with SaxonC's "
                        "own heap", self.kinds, exc, self.describe_exit())
            self.young_mb = 0
            self.start()
            answer = self._receive(READY_TIMEOUT)
        if "error" in answer:  # the helper could not compile: the pack is broken, not the helper
            self.stop()
            raise RulePackError(answer["error"])
        if not answer.get("ready"):
            raise WorkerGone(f"unexpected first message {answer!r}")
        self.seconds, self.ready = answer["seconds"], True
        self.heap_bounded = bool(answer.get("heap_bounded"))
        return self.seconds

    def send(self, payload: bytes) -> None:
        if self.process is None or self.process.stdin is None:
            raise WorkerGone("not started")
        try:
            _write_all(self.process.stdin.fileno(), frame(payload))
        except OSError as exc:  # BrokenPipeError: it died
            raise WorkerGone(f"write failed: {exc}") from None

    def receive(self) -> dict[str, str]:
        answer = self._receive(ANSWER_TIMEOUT)
        if "error" in answer:
            raise RulePackError(
                f"Reglerna kunde inte köras på dokumentet ({answer['error']}). "
                "Kontrollera att filen är en UBL-faktura eller kreditnota."
            )
        svrl = answer.get("svrl")
        if not isinstance(svrl, dict) or set(svrl) != set(self.kinds):
            raise WorkerGone(f"unexpected answer {str(answer)[:200]!r}")
        return svrl

    def _receive(self, timeout: float) -> dict:
        if self.process is None or self.process.stdout is None:
            raise WorkerGone("not started")
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
        body = _read_exactly(fd, size, deadline)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise WorkerGone(f"not JSON: {exc}") from None

    def describe_exit(self) -> str:
        code = None
        if self.process is not None:
            try:  # it has usually just died: give the kernel a moment to report how
                code = self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        if code is None:
            return "svarade inte"
        return f"avslutskod {code}" if code >= 0 else f"signal {-code}"

    def stop(self) -> None:
        """Close its stdin (it exits at EOF), wait briefly, then kill."""
        process, self.process, self.ready = self.process, None, False
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    """``size`` bytes from a pipe, waiting without the GIL; WorkerGone at EOF or past the deadline."""
    chunks, remaining = [], size
    while remaining:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise WorkerGone("no answer in time")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WorkerGone("end of pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class WorkerPool:
    """The helpers of one pack: name -> Worker. Not thread-safe: the pack's lock guards it."""

    def __init__(self, root: Path, layout: dict[str, tuple[str, ...]]):
        self.workers = {name: Worker(root, kinds) for name, kinds in layout.items()}
        self.owner = os.getpid()  # a forked child must not stop its parent's helpers
        self.last_used = time.monotonic()

    @property
    def running(self) -> bool:
        return any(w.process is not None and w.process.poll() is None for w in self.workers.values())

    @property
    def ready(self) -> bool:
        return all(w.ready and w.process is not None and w.process.poll() is None for w in self.workers.values())

    def pids(self) -> dict[str, int]:
        return {name: w.process.pid for name, w in self.workers.items() if w.process is not None}

    def start(self) -> None:
        """Start the first helper that is not running; ``wait_ready`` starts the others one after the
        other: a helper's compile is its memory peak (SaxonC's heap before its first collections), and
        the CEN rules' is the largest, so they are not compiled side by side."""
        for worker in self.workers.values():
            if worker.process is None or worker.process.poll() is not None:
                worker.start()
                return
            if not worker.ready:
                return  # compiling: the next one waits for it

    def wait_ready(self) -> dict[str, float]:
        seconds: dict[str, float] = {}
        for worker in self.workers.values():
            worker.start()  # not running yet (or gone): start it now that the one before is ready
            seconds.update(self._with_restart(worker, lambda w: w.wait_ready()))
        return seconds

    def run(self, document: bytes, meanwhile: Callable[[], Any]) -> dict[str, Any]:
        """Each helper's SVRL for ``document`` (kind -> text), and ``meanwhile()``'s result as '_parent'."""
        sent: dict[Worker, WorkerGone | None] = {}
        for worker in self.workers.values():
            try:
                worker.send(document)
                sent[worker] = None
            except WorkerGone as exc:
                sent[worker] = exc
        self.last_used = time.monotonic()
        result: dict = {"_parent": meanwhile()}
        for worker, problem in sent.items():
            if problem is None:
                try:
                    result.update(worker.receive())
                    continue
                except WorkerGone as exc:
                    problem = exc
            log.warning("rule helper %s failed (%s, %s); restarting it", worker.kinds, problem, worker.describe_exit())

            def send_again(w: Worker) -> dict[str, str]:
                w.send(document)
                return w.receive()

            result.update(self._with_restart(worker, send_again, first=problem))
        self.last_used = time.monotonic()
        return result

    def _with_restart(self, worker: Worker, action: Callable[[Worker], T], first: WorkerGone | None = None) -> T:
        """``action(worker)``; if the helper is gone, restart it once and try again."""
        if first is None:
            try:
                return action(worker)
            except WorkerGone as exc:
                log.warning("rule helper %s failed (%s, %s); restarting it", worker.kinds, exc, worker.describe_exit())
        worker.died()
        worker.stop()
        worker.start()
        try:
            worker.wait_ready()
            return action(worker)
        except WorkerGone as exc:
            reason = f"{exc}, {worker.describe_exit()}"
            worker.stop()
            kind = "+".join(worker.kinds)
            title = " och ".join(PART_TITLES[k] for k in worker.kinds)
            raise RulePackError(_HELPER_MISSING.format(title=title, kind=kind, reason=reason)) from None

    def close(self) -> None:
        if os.getpid() != self.owner:
            return
        for worker in self.workers.values():
            worker.stop()
