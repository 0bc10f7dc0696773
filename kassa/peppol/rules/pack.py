"""A rule pack on disk: its parts found, compiled lazily and once, validating documents; and the
process's active pack (KASSA_RULES_DIR or the installed one), cached per directory.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import os
import re
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from kassa import config
from kassa.peppol.rules.errors import NOT_INSTALLED_MESSAGE, DocumentError, RulePackError
from kassa.peppol.rules.findings import Finding, svrl_findings, xsd_finding
from kassa.peppol.rules.helpers import WorkerPool, worker_layout
from kassa.peppol.rules.parts import PART_TITLES, PARTS, example_folder, find_parts, one_file
from kassa.peppol.rules.pins import verify_pins
from kassa.peppol.rules.saxon import SAXON_LOCK, compile_stylesheet, saxon_processor

log = logging.getLogger(__name__)

UBL_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
}

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
    _inline: dict[str, Any] | None = field(default=None, repr=False)  # kind -> saxonche PyXsltExecutable
    _workers: WorkerPool | None = field(default=None, repr=False)
    _seconds: dict[str, float] = field(default_factory=dict, repr=False)
    _idle_watch: threading.Thread | None = field(default=None, repr=False)
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
        for kind, (_, patterns) in PARTS.items():
            if not parts[kind]:
                raise RulePackError(
                    f"Regelpaketet i {root} är ofullständigt: {PART_TITLES[kind]} saknas "
                    f"(en mapp som {example_folder(kind)}). {NOT_INSTALLED_MESSAGE}"
                )
            version, folder = parts[kind][0]  # the newest release of each kind
            found = [one_file(folder, p) for p in patterns]
            missing = [p for p, f in zip(patterns, found, strict=True) if f is None]
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
        if not self._schemas:  # each schema is compiled when a document of its kind first comes
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
            self._ensure_compiled(tuple(self.schema_files))
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

    def _ensure_compiled(self, namespaces: tuple[str, ...] = ()) -> None:
        """Under self._lock: the schemas of ``namespaces`` here (each is compiled when first needed: an
        invoice-only till never holds the credit note's), and the Schematron executables here or in the
        helpers."""
        if self.engine == "worker":
            pool = self._workers
            if pool is None:
                pool = self._workers = WorkerPool(self.root, worker_layout())
                # Stops the helpers when the pack goes away, and at interpreter exit.
                weakref.finalize(self, pool.close)
            try:
                pool.start()  # the helpers compile while the schemas compile here
            except OSError as exc:
                raise RulePackError(
                    f"Den officiella valideringen kunde inte starta sin hjälpprocess ({exc}). "
                    "Starta om Kassa; kvarstår felet, installera om Kassa."
                ) from exc
            self._watch_idle(pool)
        missing = {ns: self.schema_files[ns] for ns in namespaces if ns not in (self._schemas or {})}
        if missing:
            start = time.perf_counter()
            self._schemas = {**(self._schemas or {}), **_compile_schemas(missing, self.folders["ubl"])}
            self._seconds["xsd"] = time.perf_counter() - start
        if self.engine == "worker":
            assert self._workers is not None  # started above
            self._seconds.update(self._workers.wait_ready())
        elif self._inline is None:
            processor = saxon_processor()
            executables = {}
            for kind, path in (("cen", self.cen_xslt), ("peppol", self.peppol_xslt)):
                start = time.perf_counter()
                executables[kind] = compile_stylesheet(processor, path)
                self._seconds[kind] = time.perf_counter() - start
            self._inline = executables

    def _watch_idle(self, pool: WorkerPool) -> None:
        """Under self._lock: make sure a thread stops the helpers after ``config.rules_idle_seconds()``."""
        idle = config.rules_idle_seconds()
        if not idle or (self._idle_watch is not None and self._idle_watch.is_alive()):
            return
        self._idle_watch = threading.Thread(target=_stop_when_idle, args=(weakref.ref(self), pool, idle),
                                            name="kassa-rules-idle", daemon=True)
        self._idle_watch.start()

    def validate(self, xml: bytes) -> list[Finding]:
        """Every finding of schema, CEN and Peppol rules, in that order.

        Raises DocumentError when ``xml`` is not XML (before any rule runs), RulePackError when
        the pack cannot compile or its helper processes cannot run.
        """
        tree = _parse(xml)
        root = tree.getroot()
        namespace = etree.QName(root).namespace or ""
        if namespace not in self.schema_files:
            return [xsd_finding(
                f"/{root.tag}",
                f"The root element {root.tag} is neither a UBL 2.1 Invoice nor a CreditNote.",
            )]
        text = _as_text(xml, tree)
        with self._lock:
            self._ensure_compiled((namespace,))
            assert self._schemas is not None
            schema = self._schemas[namespace]
            if self.engine == "worker":
                assert self._workers is not None
                svrl = self._workers.run(text.encode("utf-8"), lambda: _schema_findings(schema, tree))
                xsd_findings = svrl.pop("_parent")
            else:
                xsd_findings = _schema_findings(schema, tree)
                assert self._inline is not None
                with SAXON_LOCK:
                    node = saxon_processor().parse_xml(xml_text=text)
                    svrl = {kind: ex.transform_to_string(xdm_node=node) for kind, ex in self._inline.items()}
        return xsd_findings + svrl_findings(svrl["cen"], "cen") + svrl_findings(svrl["peppol"], "peppol")

    def check_pins(self) -> list[str]:
        """Swedish problems found checking the pack's files against the project's pins; [] if all match."""
        return verify_pins(self.root, [folder.name for folder in self.folders.values()])


def _stop_when_idle(pack_ref: weakref.ref, pool: WorkerPool, idle: float) -> None:
    """Stop ``pool``'s helpers once nothing has been validated for ``idle`` seconds; a till at rest then
    holds only its own process. The next validation starts them again (and this watch with them)."""
    while pool.running:
        wait = pool.last_used + idle - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, 5.0))
            continue
        pack = pack_ref()
        if pack is None:
            return
        if pack._lock.acquire(blocking=False):  # a validation running now keeps them
            try:
                if time.monotonic() - pool.last_used >= idle:
                    pool.close()
                    pack._schemas = None  # compiled again with the next validation
                    _give_memory_back()
                    log.info("rule helpers stopped after %.0f s without a validation", idle)
            finally:
                pack._lock.release()
        del pack
        time.sleep(0.2)


def _give_memory_back() -> None:
    """Return freed heap to the system (glibc keeps it otherwise), so a till at rest is small again."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator decides
        pass


def _compile_schemas(files: dict[str, Path], folder: Path) -> dict[str, etree.XMLSchema]:
    try:
        return {ns: etree.XMLSchema(file=str(path)) for ns, path in files.items()}
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise RulePackError(
            f"UBL-schemana i {folder} kunde inte läsas ({exc}). "
            "Installera om regelpaketet med ”kassa rules install KÄLLA”."
        ) from exc


def _schema_findings(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[Finding]:
    if schema.validate(tree):
        return []
    errors = schema.error_log  # an lxml _ErrorLog: iterable, though lxml-stubs does not say so
    return [xsd_finding(f"{e.path} (rad {e.line})", e.message) for e in errors]  # type: ignore[attr-defined]


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
        raise DocumentError(_not_xml(xml, exc)) from None
    if tree.docinfo.doctype:  # type: ignore[attr-defined]  # (missing from lxml-stubs)
        # A DOCTYPE could make Saxon read other files; UBL documents never carry one.
        raise DocumentError("Filen innehåller en DOCTYPE-deklaration, vilket en UBL-faktura inte får ha.")
    return tree


def _not_xml(xml: bytes, exc: etree.XMLSyntaxError) -> str:
    """Why a file is not XML, in Swedish, without the parser's own name for its input ("<string>")."""
    start = xml.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start:
        return "Filen är tom. En UBL-faktura är en XML-fil."
    if not start.startswith(b"<"):
        return "Filen är inte XML (den börjar inte med <). En UBL-faktura är en XML-fil, t.ex. faktura.xml."
    detail = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or "")).strip()
    where = f"rad {exc.lineno}" + (f", kolumn {exc.offset}" if exc.offset else "") if exc.lineno else ""
    return f"Filen är inte giltig XML ({where}): {detail}." if where else f"Filen är inte giltig XML: {detail}."


def _as_text(xml: bytes, tree: etree._ElementTree) -> str:
    """The document as text for Saxon, whose parse_xml takes a string."""
    if isinstance(xml, str):
        return xml
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    if encoding in ("UTF-8", "UTF8"):
        return xml.decode("utf-8-sig")
    return etree.tostring(tree, encoding="unicode")


# --- the process's pack -------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple, RulePack] = {}


def system_rules_dirs() -> list[Path]:
    """Where a system-wide pack may lie (put there by a package or an administrator for every user):
    kassa/rules under each of the desktop's data folders (XDG_DATA_DIRS), and under Kassa's prefix."""
    folders = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    places = [Path(folder) / "kassa" / "rules" for folder in folders.split(os.pathsep) if folder]
    places.append(Path(sys.prefix) / "share" / "kassa" / "rules")
    return list(dict.fromkeys(places))


def _holds_a_pack(folder: Path) -> bool:
    return all(find_parts(folder).values())


def rule_pack_location() -> tuple[Path, str]:
    """Where the active pack is, and why: 'env' (KASSA_RULES_DIR, used as it is), 'installed' (the data
    directory's rules/, what `kassa rules install` and the settings install), or 'system' (a system-wide
    folder). With none found: the installed place, where an install will put it."""
    if os.environ.get("KASSA_RULES_DIR"):
        return config.rules_dir(), "env"
    installed = installed_rules_dir()
    if installed.exists():
        return installed, "installed"
    for folder in system_rules_dirs():
        if _holds_a_pack(folder):
            return folder, "system"
    return installed, "installed"


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
