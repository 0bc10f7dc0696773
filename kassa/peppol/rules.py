"""The official validation of UBL documents: a rule pack of schema and Schematron rules.

A rule pack is a directory the user installs (``kassa rules install``) or points to with
KASSA_RULES_DIR. It holds three parts, each in a folder named after its release, found by
pattern so that a new release is a new pack and never a code change:

- ``ubl-<version>-xsd/maindoc/UBL-Invoice-*.xsd`` and ``UBL-CreditNote-*.xsd``: the schemas,
  run with lxml and chosen by the document's root namespace;
- ``cen-<version>/EN16931-UBL-validation.xslt``: the CEN EN 16931 rules, compiled Schematron;
- ``peppol-<version>/PEPPOL-EN16931-UBL.xslt``: the Peppol BIS Billing 3.0 rules.

The XSLTs are XSLT 2.0, so they run with SaxonC (saxonche). SaxonC holds Python's GIL for a
whole compile (about a second) and for every transform, and its native heap takes some 200 MB,
so they run in a helper process (``kassa.peppol.rules_worker``): it compiles once, on first use
or from ``warm_up()`` (which the application calls from a background thread after its first
paint), and runs each document while this process checks the schemas with lxml and reads the
SVRL reports into findings. One helper for both stylesheets is the default: a till's memory
matters more than the 12 ms a second helper saves per invoice. ``KASSA_RULES_WORKERS=2`` runs
one helper per stylesheet, the two in parallel (a sending server with memory to spare). Helpers
are reused, restarted once if one died, and stopped at exit (or exit themselves when this
process is gone). ``KASSA_RULES_ENGINE=inline`` (or ``RulePack.load(root, engine="inline")``)
runs Saxon in this process instead.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import weakref
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kassa import config
from kassa.peppol.rule_texts import explain
from kassa.peppol.rules_worker import HEADER

log = logging.getLogger(__name__)

NOT_INSTALLED_MESSAGE = (
    "Den officiella valideringen (regelpaketet) är inte installerad, så e-fakturor kontrolleras "
    "bara med Kassas egna kontroller innan de skickas. Installera regelpaketet med "
    "”kassa rules install KÄLLA”, där KÄLLA är en mapp eller zip-fil med UBL 2.1-schemana, "
    "CEN EN 16931-reglerna och Peppol BIS Billing 3.0-reglerna (mappar som ubl-2.1-xsd, "
    "cen-1.3.16 och peppol-3.0.21), eller peka ut en sådan mapp med miljövariabeln KASSA_RULES_DIR."
)

UBL_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
}
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_SVRL_TAGS = (_SVRL + "failed-assert", _SVRL + "successful-report")

# Kind -> (folder pattern with the version as group 1, files inside that folder).
_PARTS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "ubl": (re.compile(r"^ubl-(\d+(?:\.\d+)*)-xsd$"), ("maindoc/UBL-Invoice-*.xsd", "maindoc/UBL-CreditNote-*.xsd")),
    "cen": (re.compile(r"^cen-(\d+(?:\.\d+)*)$"), ("EN16931-UBL-validation.xslt",)),
    "peppol": (re.compile(r"^peppol-(\d+(?:\.\d+)*)$"), ("PEPPOL-EN16931-UBL.xslt",)),
}
PART_TITLES = {"ubl": "UBL-scheman", "cen": "CEN EN 16931-regler", "peppol": "Peppol BIS Billing 3.0-regler"}

# SHA-256 pins of the known releases, one file per release folder (data, not code).
PINS_DIR = config.resources_dir() / "rulepacks"


class RulePackError(Exception):
    """The rule pack is missing, incomplete or cannot be compiled. ``str()`` is Swedish."""


class DocumentError(ValueError):
    """The document is not XML and cannot be validated. ``str()`` is Swedish."""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    flag: str  # 'fatal' | 'warning'
    location: str
    text: str
    explanation_sv: str | None
    source: str  # 'xsd' | 'cen' | 'peppol'

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"

    def line(self) -> str:
        """The one-line form of ``kassa validate``: ``RULE-ID flag location: text``."""
        return f"{self.rule_id} {self.flag} {self.location}: {self.text}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rule_id": self.rule_id,
            "flag": self.flag,
            "location": self.location,
            "text": self.text,
            "explanation_sv": self.explanation_sv,
            "source": self.source,
        }


def has_fatal(findings: list[Finding]) -> bool:
    return any(f.is_fatal for f in findings)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def find_parts(root: Path) -> dict[str, list[tuple[str, Path]]]:
    """Every release folder of each kind under ``root``: kind -> [(version, folder)], newest first."""
    found: dict[str, list[tuple[str, Path]]] = {kind: [] for kind in _PARTS}
    if not root.is_dir():
        return found
    for child in root.iterdir():
        for kind, (pattern, _) in _PARTS.items():
            m = pattern.match(child.name)
            if m and child.is_dir():
                found[kind].append((m.group(1), child))
    for versions in found.values():
        versions.sort(key=lambda v: _version_key(v[0]), reverse=True)
    return found


def _one_file(folder: Path, pattern: str) -> Path | None:
    matches = sorted(folder.glob(pattern))
    return matches[0] if len(matches) == 1 else None


ENGINES = ("worker", "inline")


@dataclass
class RulePack:
    """One rule pack on disk; compiles lazily, once, and validates documents.

    ``engine`` says where the Schematron rules (SaxonC) run: ``"worker"`` (the default) in two
    helper processes, one per stylesheet, so they run in parallel and never hold this
    process's GIL; ``"inline"`` in this process, as a plain library call. The schemas are
    always checked here with lxml (which releases the GIL while it validates).
    """

    root: Path
    versions: dict[str, str]  # kind -> version, e.g. {'ubl': '2.1', 'cen': '1.3.16', 'peppol': '3.0.21'}
    folders: dict[str, Path]
    schema_files: dict[str, Path]  # root namespace -> maindoc xsd
    cen_xslt: Path
    peppol_xslt: Path
    engine: str = "worker"
    _schemas: dict[str, etree.XMLSchema] | None = field(default=None, repr=False)
    _inline: dict[str, object] | None = field(default=None, repr=False)  # kind -> PyXsltExecutable
    _workers: _WorkerPool | None = field(default=None, repr=False)
    _seconds: dict[str, float] = field(default_factory=dict, repr=False)
    # One validation (or compile) at a time per pack: the lxml schemas and the helpers'
    # pipes keep per-run state.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, root: Path, engine: str | None = None) -> RulePack:
        """Find the parts of the pack in ``root`` (nothing is compiled yet).

        ``engine`` defaults to KASSA_RULES_ENGINE, else ``"worker"``.
        """
        engine = engine or config.rules_engine()
        if engine not in ENGINES:
            raise ValueError(f"unknown rule engine {engine!r}; one of {', '.join(ENGINES)}")
        root = Path(root)
        if not root.is_dir():
            raise RulePackError(f"Regelpaketet finns inte: mappen {root} saknas. {NOT_INSTALLED_MESSAGE}")
        parts = find_parts(root)
        versions: dict[str, str] = {}
        folders: dict[str, Path] = {}
        files: dict[str, list[Path]] = {}
        for kind, (_, patterns) in _PARTS.items():
            if not parts[kind]:
                raise RulePackError(
                    f"Regelpaketet i {root} är ofullständigt: {PART_TITLES[kind]} saknas "
                    f"(en mapp som {_example_folder(kind)}). {NOT_INSTALLED_MESSAGE}"
                )
            version, folder = parts[kind][0]  # the newest release of each kind
            found = [_one_file(folder, p) for p in patterns]
            missing = [p for p, f in zip(patterns, found) if f is None]
            if missing:
                raise RulePackError(
                    f"Regelpaketet i {root} är ofullständigt: {', '.join(missing)} saknas i {folder.name}. "
                    "Installera om paketet med ”kassa rules install KÄLLA”."
                )
            versions[kind], folders[kind], files[kind] = version, folder, found  # type: ignore[assignment]
        invoice_xsd, creditnote_xsd = files["ubl"]
        namespaces = {doc: ns for ns, doc in UBL_NAMESPACES.items()}
        return cls(
            root=root,
            versions=versions,
            folders=folders,
            schema_files={namespaces["Invoice"]: invoice_xsd, namespaces["CreditNote"]: creditnote_xsd},
            cen_xslt=files["cen"][0],
            peppol_xslt=files["peppol"][0],
            engine=engine,
        )

    def describe(self) -> str:
        return f"UBL {self.versions['ubl']}, CEN {self.versions['cen']}, Peppol {self.versions['peppol']}"

    @property
    def is_compiled(self) -> bool:
        if self._schemas is None:
            return False
        if self.engine == "inline":
            return self._inline is not None
        return self._workers is not None and self._workers.ready

    def warm_up(self) -> dict[str, float]:
        """Compile everything now; returns the seconds each part took ('xsd', 'cen', 'peppol').

        Safe from any thread. With the worker engine the helpers compile while this thread
        waits on their pipes, without the GIL, so a UI thread keeps turning.
        """
        with self._lock:
            self._ensure_compiled()
            return dict(self._seconds)

    def worker_pids(self) -> dict[str, int]:
        """kind -> pid of the helper process running it (empty with the inline engine or before start)."""
        pool = self._workers
        return pool.pids() if pool is not None else {}

    def close(self) -> None:
        """Stop the helper processes (they start again on the next validation)."""
        with self._lock:
            if self._workers is not None:
                self._workers.close()

    def _ensure_compiled(self) -> None:
        """Under self._lock: the schemas here, and the Schematron executables here or in the helpers."""
        if self.engine == "worker":
            pool = self._workers
            if pool is None:
                pool = self._workers = _WorkerPool(self.root, _worker_layout())
                # Stops the helpers when the pack goes away, and at interpreter exit.
                weakref.finalize(self, pool.close)
            try:
                pool.start()  # the helpers compile while the schemas compile here
            except OSError as exc:
                raise RulePackError(
                    f"Den officiella valideringen kunde inte starta sin hjälpprocess ({exc}). "
                    "Starta om Kassa; kvarstår felet, installera om Kassa."
                ) from exc
        if self._schemas is None:
            start = time.perf_counter()
            self._schemas = _compile_schemas(self.schema_files, self.folders["ubl"])
            self._seconds["xsd"] = time.perf_counter() - start
        if self.engine == "worker":
            self._seconds.update(self._workers.wait_ready())
        elif self._inline is None:
            xslt = saxon_processor().new_xslt30_processor()
            executables = {}
            for kind, path in (("cen", self.cen_xslt), ("peppol", self.peppol_xslt)):
                start = time.perf_counter()
                executables[kind] = compile_stylesheet(xslt, path)
                self._seconds[kind] = time.perf_counter() - start
            self._inline = executables

    def validate(self, xml: bytes) -> list[Finding]:
        """Every finding of schema, CEN and Peppol rules, in that order.

        Raises DocumentError when ``xml`` is not XML (before any rule runs), RulePackError when
        the pack cannot compile or its helper processes cannot run.
        """
        tree = _parse(xml)
        root = tree.getroot()
        namespace = etree.QName(root).namespace or ""
        if namespace not in self.schema_files:
            return [_xsd_finding(
                f"/{root.tag}",
                f"The root element {root.tag} is neither a UBL 2.1 Invoice nor a CreditNote.",
            )]
        text = _as_text(xml, tree)
        with self._lock:
            self._ensure_compiled()
            schema = self._schemas[namespace]
            if self.engine == "worker":
                svrl = self._workers.run(text.encode("utf-8"), lambda: _schema_findings(schema, tree))
                xsd_findings = svrl.pop("_parent")
            else:
                xsd_findings = _schema_findings(schema, tree)
                with _SAXON_LOCK:
                    node = saxon_processor().parse_xml(xml_text=text)
                    svrl = {kind: ex.transform_to_string(xdm_node=node) for kind, ex in self._inline.items()}
        return xsd_findings + _svrl_findings(svrl["cen"], "cen") + _svrl_findings(svrl["peppol"], "peppol")

    def check_pins(self) -> list[str]:
        """Swedish problems found checking the pack's files against the project's pins; [] if all match."""
        return verify_pins(self.root, [folder.name for folder in self.folders.values()])


def _example_folder(kind: str) -> str:
    return {"ubl": "ubl-2.1-xsd", "cen": "cen-1.3.16", "peppol": "peppol-3.0.21"}[kind]


def _compile_schemas(files: dict[str, Path], folder: Path) -> dict[str, etree.XMLSchema]:
    try:
        return {ns: etree.XMLSchema(file=str(path)) for ns, path in files.items()}
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise RulePackError(
            f"UBL-schemana i {folder} kunde inte läsas ({exc}). "
            "Installera om regelpaketet med ”kassa rules install KÄLLA”."
        ) from exc


def compile_stylesheet(xslt, path: Path):
    """One compiled Schematron stylesheet (a saxonche PyXsltExecutable); RulePackError if it cannot compile."""
    try:
        return xslt.compile_stylesheet(stylesheet_file=str(path))
    except Exception as exc:  # saxonche raises its own PySaxonApiError
        raise RulePackError(
            f"Reglerna i {path} kunde inte kompileras ({' '.join(str(exc).split())}). "
            "Installera om regelpaketet med ”kassa rules install KÄLLA”."
        ) from exc


def _schema_findings(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[Finding]:
    if schema.validate(tree):
        return []
    return [_xsd_finding(f"{e.path} (rad {e.line})", e.message) for e in schema.error_log]


# The inline engine: the process's one Saxon processor keeps per-run state, so one inline
# validation runs at a time in the process (two threads gained nothing: it holds the GIL).
_SAXON_LOCK = threading.Lock()
_PARSERS = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return parser


def _parse(xml: bytes) -> etree._ElementTree:
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    try:
        tree = etree.ElementTree(etree.fromstring(xml, _parser()))
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"Filen är inte giltig XML: {exc}") from None
    if tree.docinfo.doctype:
        # A DOCTYPE could make Saxon read other files; UBL documents never carry one.
        raise DocumentError("Filen innehåller en DOCTYPE-deklaration, vilket en UBL-faktura inte får ha.")
    return tree


def _as_text(xml: bytes, tree: etree._ElementTree) -> str:
    """The document as text for Saxon, whose parse_xml takes a string."""
    if isinstance(xml, str):
        return xml
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    if encoding in ("UTF-8", "UTF8"):
        return xml.decode("utf-8-sig")
    return etree.tostring(tree, encoding="unicode")


def _xsd_finding(location: str, text: str) -> Finding:
    return Finding("XSD", "fatal", location, text, explain("XSD"), "xsd")


def _svrl_findings(svrl: str, source: str) -> list[Finding]:
    # Most documents pass: skip parsing a report that has nothing to report.
    if "failed-assert" not in svrl and "successful-report" not in svrl:
        return []
    findings = []
    for el in etree.fromstring(svrl.encode("utf-8")).iter(*_SVRL_TAGS):
        rule_id = el.get("id") or ""
        flag = "warning" if el.get("flag") in ("warning", "information") else "fatal"
        text = " ".join((el.findtext(_SVRL + "text") or "").split())
        findings.append(Finding(rule_id, flag, el.get("location") or "", text, explain(rule_id), source))
    return findings


_saxon_lock = threading.Lock()
_saxon_processor = None


def saxon_processor():
    """The process's one SaxonC processor (imported on first use: the worker engine never loads it here)."""
    global _saxon_processor
    if _saxon_processor is None:
        with _saxon_lock:
            if _saxon_processor is None:
                from saxonche import PySaxonProcessor

                _saxon_processor = PySaxonProcessor(license=False)
    return _saxon_processor


# --- the helper processes (worker engine) ------------------------------------------------------

READY_TIMEOUT = 300.0  # seconds for a helper to start and compile (about 1 s idle; 4 s seen at load 7)
ANSWER_TIMEOUT = 120.0  # seconds for one document's transform (tens of ms)
_HELPER_MISSING = (
    "Den officiella valideringen kunde inte köras: hjälpprocessen för {title} ({kind}) avslutades "
    "oväntat två gånger ({reason}). Kassa skickar efter sina egna kontroller; starta om Kassa, och "
    "installera om regelpaketet med ”kassa rules install KÄLLA” om felet kvarstår."
)


def _worker_layout() -> dict[str, tuple[str, ...]]:
    """Helper name -> the stylesheets it runs: one helper for both (the default), or with
    KASSA_RULES_WORKERS=2 one per stylesheet (parallel; about 130 MB more memory)."""
    if config.rules_workers() == 1:
        return {"cen,peppol": ("cen", "peppol")}
    return {"cen": ("cen",), "peppol": ("peppol",)}


class _WorkerGone(Exception):
    """A helper died, closed its pipe, answered nonsense or did not answer in time (English: for logs)."""


class _Worker:
    """One helper process running some of the stylesheets (kassa.peppol.rules_worker)."""

    def __init__(self, root: Path, kinds: tuple[str, ...]):
        self.root, self.kinds = root, kinds
        self.process: subprocess.Popen | None = None
        self.ready = False
        self.seconds: dict[str, float] = {}

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.stop()
        package_parent = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kassa.peppol.rules_worker", str(self.root.absolute()), ",".join(self.kinds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, env=env,
        )
        self.ready = False

    def wait_ready(self) -> dict[str, float]:
        if self.ready:
            return self.seconds
        answer = self._receive(READY_TIMEOUT)
        if "error" in answer:  # the helper could not compile: the pack is broken, not the helper
            self.stop()
            raise RulePackError(answer["error"])
        if not answer.get("ready"):
            raise _WorkerGone(f"unexpected first message {answer!r}")
        self.seconds, self.ready = answer["seconds"], True
        return self.seconds

    def send(self, payload: bytes) -> None:
        try:
            _write_all(self.process.stdin.fileno(), HEADER.pack(len(payload)) + payload)
        except OSError as exc:  # BrokenPipeError: it died
            raise _WorkerGone(f"write failed: {exc}") from None

    def receive(self) -> dict[str, str]:
        answer = self._receive(ANSWER_TIMEOUT)
        if "error" in answer:
            raise RulePackError(
                f"Reglerna kunde inte köras på dokumentet ({answer['error']}). "
                "Kontrollera att filen är en UBL-faktura eller kreditnota."
            )
        svrl = answer.get("svrl")
        if not isinstance(svrl, dict) or set(svrl) != set(self.kinds):
            raise _WorkerGone(f"unexpected answer {str(answer)[:200]!r}")
        return svrl

    def _receive(self, timeout: float) -> dict:
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
        body = _read_exactly(fd, size, deadline)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise _WorkerGone(f"not JSON: {exc}") from None

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
    """``size`` bytes from a pipe, waiting without the GIL; _WorkerGone at EOF or past the deadline."""
    chunks, remaining = [], size
    while remaining:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise _WorkerGone("no answer in time")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise _WorkerGone("end of pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class _WorkerPool:
    """The helpers of one pack: name -> _Worker. Not thread-safe: the pack's lock guards it."""

    def __init__(self, root: Path, layout: dict[str, tuple[str, ...]]):
        self.workers = {name: _Worker(root, kinds) for name, kinds in layout.items()}
        self.owner = os.getpid()  # a forked child must not stop its parent's helpers

    @property
    def ready(self) -> bool:
        return all(w.ready and w.process is not None and w.process.poll() is None for w in self.workers.values())

    def pids(self) -> dict[str, int]:
        return {name: w.process.pid for name, w in self.workers.items() if w.process is not None}

    def start(self) -> None:
        for worker in self.workers.values():
            worker.start()

    def wait_ready(self) -> dict[str, float]:
        seconds: dict[str, float] = {}
        for worker in self.workers.values():
            seconds.update(self._with_restart(worker, lambda w: w.wait_ready()))
        return seconds

    def run(self, document: bytes, meanwhile) -> dict:
        """Each helper's SVRL for ``document`` (kind -> text), and ``meanwhile()``'s result as '_parent'."""
        sent = {}
        for worker in self.workers.values():
            try:
                worker.send(document)
                sent[worker] = None
            except _WorkerGone as exc:
                sent[worker] = exc
        result: dict = {"_parent": meanwhile()}
        for worker, problem in sent.items():
            if problem is None:
                try:
                    result.update(worker.receive())
                    continue
                except _WorkerGone as exc:
                    problem = exc
            log.warning("rule helper %s failed (%s, %s); restarting it", worker.kinds, problem, worker.describe_exit())
            result.update(self._with_restart(worker, lambda w: (w.send(document), w.receive())[1], first=problem))
        return result

    def _with_restart(self, worker: _Worker, action, first: _WorkerGone | None = None):
        """``action(worker)``; if the helper is gone, restart it once and try again."""
        if first is None:
            try:
                return action(worker)
            except _WorkerGone as exc:
                log.warning("rule helper %s failed (%s, %s); restarting it", worker.kinds, exc, worker.describe_exit())
        worker.stop()
        worker.start()
        try:
            worker.wait_ready()
            return action(worker)
        except _WorkerGone as exc:
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


# --- pins -------------------------------------------------------------------------------------


def read_pins(release: str) -> dict[str, str] | None:
    """relative path -> sha256 for a known release folder (e.g. 'peppol-3.0.21'), None if unknown."""
    path = PINS_DIR / f"{release}.sha256"
    if not path.is_file():
        return None
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            digest, rel = line.split(maxsplit=1)
            pins[rel.lstrip("*").removeprefix("./")] = digest.lower()
    return pins


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_pins(root: Path, releases: list[str]) -> list[str]:
    problems = []
    for release in releases:
        pins = read_pins(release)
        if pins is None:
            problems.append(f"{release} är en version som Kassa inte känner till (inga kontrollsummor finns för den).")
            continue
        for rel, digest in pins.items():
            path = root / rel
            if not path.is_file():
                problems.append(f"{rel} saknas.")
            elif sha256_file(path) != digest:
                problems.append(f"{rel} stämmer inte med kontrollsumman (filen är ändrad eller skadad).")
    return problems


# --- the process's pack -------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple, RulePack] = {}


def rule_pack_location() -> tuple[Path, str]:
    """Where the active pack is looked for, and why: 'env' (KASSA_RULES_DIR) or 'installed'."""
    return config.rules_dir(), ("env" if os.environ.get("KASSA_RULES_DIR") else "installed")


def installed_rules_dir() -> Path:
    """Where ``kassa rules install`` puts a pack: the data directory's rules/ (config's default)."""
    return config.data_dir() / "rules"


def load_rule_pack() -> RulePack:
    """The active pack, cached per directory so it compiles once; raises RulePackError if unusable."""
    root, _ = rule_pack_location()
    try:
        stat = root.stat()
    except OSError:
        raise RulePackError(NOT_INSTALLED_MESSAGE) from None
    # An install replaces the directory, which gives a new inode: the cache then loads afresh.
    key = (str(root.resolve()), stat.st_ino, stat.st_mtime_ns)
    with _cache_lock:
        pack = _cache.get(key)
        if pack is None:
            pack = _cache[key] = RulePack.load(root)
        return pack


def get_rule_pack() -> RulePack | None:
    """The active pack, or None when none is installed (the application then says NOT_INSTALLED_MESSAGE)."""
    try:
        return load_rule_pack()
    except RulePackError:
        return None


def warm_up() -> RulePack | None:
    """Find and compile the active pack; for the application's background thread at start-up.

    Returns None when no pack is installed; raises RulePackError when one is there but broken.
    """
    pack = get_rule_pack()
    if pack is not None:
        pack.warm_up()
    return pack


# --- installing a pack -------------------------------------------------------------------------


def install_rule_pack(source: Path) -> RulePack:
    """Install a pack from a directory or a zip file into the data directory's rules/.

    Only the files the pack uses are copied, each checked against the project's pins while it
    is copied into a staging directory beside the target; the staging directory replaces the
    target only when every file matched. On any problem RulePackError (Swedish) is raised and
    the installed pack, if any, is left as it was.
    """
    source = Path(source)
    target = installed_rules_dir()
    parent = target.parent
    with tempfile.TemporaryDirectory(prefix=".rules-install-", dir=parent) as work:
        work_dir = Path(work)
        if source.is_dir():
            source_root = _pack_root(source)
        elif source.is_file() and zipfile.is_zipfile(source):
            unpacked = work_dir / "unpacked"
            _safe_extract(source, unpacked)
            source_root = _pack_root(unpacked)
        elif source.exists():
            raise RulePackError(f"{source} är varken en mapp eller en zip-fil. Ange mappen eller zip-filen med regelpaketet.")
        else:
            raise RulePackError(f"{source} finns inte. Ange mappen eller zip-filen med regelpaketet.")

        parts = find_parts(source_root)
        releases = []
        for kind, versions in parts.items():
            if not versions:
                raise RulePackError(
                    f"{source} innehåller inga {PART_TITLES[kind]} (en mapp som {_example_folder(kind)}). "
                    "Inget installerades."
                )
            releases += [folder.name for _, folder in versions]
        staging = work_dir / "rules"
        problems = []
        for release in releases:
            pins = read_pins(release)
            if pins is None:
                problems.append(
                    f"{release} är en version som den här versionen av Kassa inte känner till; "
                    "uppdatera Kassa för att kunna installera den."
                )
                continue
            for rel, digest in pins.items():
                problem = _copy_checked(source_root / rel, staging / rel, digest, rel)
                if problem:
                    problems.append(problem)
        if problems:
            raise RulePackError(
                "Regelpaketet installerades inte, eftersom det inte stämmer med Kassas kontrollsummor:\n  "
                + "\n  ".join(problems)
            )
        RulePack.load(staging)  # every part present and findable
        old = work_dir / "previous"
        if target.exists():
            target.rename(old)
        try:
            staging.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)
            raise
        # `old` goes with the temporary directory.
    return RulePack.load(target)


def _pack_root(folder: Path) -> Path:
    """The folder holding the release folders: ``folder`` itself or its single subfolder (a zip's top folder)."""
    if any(find_parts(folder).values()):
        return folder
    subfolders = [c for c in folder.iterdir() if c.is_dir()] if folder.is_dir() else []
    if len(subfolders) == 1 and any(find_parts(subfolders[0]).values()):
        return subfolders[0]
    return folder


def _safe_extract(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                # Refuse paths that would land outside the staging directory.
                resolved = (dest / name).resolve()
                if not resolved.is_relative_to(dest.resolve()):
                    raise RulePackError(f"Zip-filen {archive} innehåller en otillåten sökväg ({name}). Inget installerades.")
            zf.extractall(dest)
    except zipfile.BadZipFile as exc:
        raise RulePackError(f"Zip-filen {archive} är skadad ({exc}). Inget installerades.") from None


def _copy_checked(src: Path, dst: Path, digest: str, rel: str) -> str | None:
    """Copy ``src`` to ``dst`` if its SHA-256 is ``digest``; otherwise a Swedish problem."""
    try:
        data = src.read_bytes()
    except OSError:
        return f"{rel} saknas."
    if hashlib.sha256(data).hexdigest() != digest:
        return f"{rel} stämmer inte med kontrollsumman (filen är ändrad eller skadad)."
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return None
