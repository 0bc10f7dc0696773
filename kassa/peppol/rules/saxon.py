"""SaxonC in this process: the one processor, a bounded heap for the helpers, and compiling a stylesheet.

    processor, tuned = new_processor(young_mb=16)       # in a rule helper process, before anything else of Saxon
    executable = compile_for_validation(processor, path)

Why the heap: SaxonC is Saxon compiled by GraalVM into a native library whose serial garbage collector
lets the young generation grow with the work (to 100–150 MB per process after a few hundred documents,
most of it garbage), and saxonche creates its GraalVM isolate with no options. GraalVM reads heap options
(``-Xmn``, ``-Xmx``) from the isolate's creation parameters, so ``new_processor`` creates the isolate
itself, with a bounded young generation, and hands it to saxonche before saxonche would create one: the
same runtime, garbage collected more often (each young collection is short: little of a validation's
garbage survives it). Measured on the 10-line invoice, CEN rules alone: 105 MB resident after 1,000
documents instead of 223 MB, at the same speed (docs/performance.md).

This reaches into saxonche's native library (two exported C++ statics of SaxonC's C++ API and GraalVM's
``graal_create_isolate``), so it is done only for the saxonche releases it was tried with
(``TESTED_SAXONCHE``), and falls back to saxonche's own isolate whenever anything is not as expected.
It must run before the first ``PySaxonProcessor`` of the process.

Why prepare the stylesheets: compiled Schematron (the ISO skeleton) writes an ``svrl:fired-rule``
element for every rule context it meets, several hundred per invoice, with the report indented. Kassa
reads only failed asserts and successful reports, so those elements are removed from the stylesheet
text before compiling and the report is written unindented: the rules and what they find are unchanged
(tests compare the findings of both forms on the official examples), the transform does less.
"""
from __future__ import annotations

import ctypes
import glob
import importlib.metadata
import importlib.util
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from kassa.peppol.rules.errors import RulePackError

log = logging.getLogger(__name__)
# The inline engine: the process's one Saxon processor keeps per-run state, so one inline
# validation runs at a time in the process (two threads gained nothing: it holds the GIL).
SAXON_LOCK = threading.Lock()

_saxon_lock = threading.Lock()
_saxon_processor = None


def saxon_processor(young_mb: int | None = None) -> Any:
    """The process's one SaxonC processor, created on first use (the worker engine never loads it in
    the application). ``young_mb`` bounds its heap (``new_processor``) when this call creates it."""
    global _saxon_processor
    if _saxon_processor is None:
        with _saxon_lock:
            if _saxon_processor is None:
                _saxon_processor, _ = new_processor(young_mb)
    return _saxon_processor


def compile_stylesheet(processor: Any, path: Path) -> Any:
    """One compiled Schematron stylesheet for validation (``compile_for_validation``) on ``processor``;
    RulePackError if it cannot compile."""
    try:
        return compile_for_validation(processor, path)
    except Exception as exc:  # saxonche raises its own PySaxonApiError; OSError for an unreadable file
        raise RulePackError(
            f"Reglerna i {path} kunde inte kompileras ({' '.join(str(exc).split())}). "
            "Installera om regelpaketet med ”kassa rules install KÄLLA”."
        ) from exc

TESTED_SAXONCHE = ("13.1.",)  # releases whose native layout new_processor() relies on
DEFAULT_YOUNG_MB = 16

_FIRED_RULE = re.compile(r"<svrl:fired-rule\b[^>]*/>")

_ENVIRON_SYMBOL = "_ZN14SaxonProcessor11sxn_environE"  # SaxonProcessor::sxn_environ (sxnc_environment*)
_CREATED_SYMBOL = "_ZN14SaxonProcessor13jvmCreatedCPPE"  # SaxonProcessor::jvmCreatedCPP (int)


class _IsolateParams(ctypes.Structure):
    """graal_create_isolate_params_t, version 3 (GraalVM's graal_isolate.h): argc/argv carry runtime options."""

    _fields_ = [
        ("version", ctypes.c_int),
        ("reserved_address_space_size", ctypes.c_size_t),
        ("auxiliary_image_path", ctypes.c_char_p),
        ("auxiliary_image_reserved_space_size", ctypes.c_size_t),
        ("argc", ctypes.c_int),
        ("argv", ctypes.POINTER(ctypes.c_char_p)),
        ("pkey", ctypes.c_int),
        ("_reserved_3", ctypes.c_char),
        ("_reserved_4", ctypes.c_char),
        ("_reserved_5", ctypes.c_char),
    ]


class _Environment(ctypes.Structure):
    """SaxonC's sxnc_environment: the isolate and its threads."""

    _fields_ = [("isolate", ctypes.c_void_p), ("thread", ctypes.c_void_p), ("mainthread", ctypes.c_void_p)]


_kept: list[Any] = []  # the environment SaxonC points at must live as long as the process


def _libraries() -> tuple[str, str] | None:
    spec = importlib.util.find_spec("saxonche")
    if spec is None or not spec.origin:
        return None
    libs = Path(spec.origin).parent / "saxonche.libs"
    core = glob.glob(str(libs / "libsaxonc-core-he-*.so*"))
    glue = glob.glob(str(libs / "libsaxonc-he-*.so*"))
    if len(core) != 1 or len(glue) != 1:
        return None
    return core[0], glue[0]


def _create_isolate(options: list[str]) -> str:
    """Create SaxonC's GraalVM isolate with ``options``; "" when done, else why not (for the log)."""
    try:
        version = importlib.metadata.version("saxonche")
    except importlib.metadata.PackageNotFoundError:
        return "saxonche is not installed"
    if not version.startswith(TESTED_SAXONCHE):
        return f"saxonche {version} has not been tried with a bounded heap"
    libraries = _libraries()
    if libraries is None:
        return "saxonche's native libraries were not found where saxonche keeps them"
    try:
        core = ctypes.CDLL(libraries[0], mode=ctypes.RTLD_GLOBAL)
        glue = ctypes.CDLL(libraries[1], mode=ctypes.RTLD_GLOBAL)
        environ = ctypes.c_void_p.in_dll(glue, _ENVIRON_SYMBOL)
        created = ctypes.c_int.in_dll(glue, _CREATED_SYMBOL)
        create = core.graal_create_isolate
    except (OSError, ValueError, AttributeError) as exc:
        return f"saxonche's native library is not as expected ({exc})"
    if created.value or environ.value:
        return "SaxonC already runs in this process"
    args = [b"saxonc"] + [option.encode() for option in options]
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    params = _IsolateParams(version=3, argc=len(args), argv=argv)
    isolate, thread = ctypes.c_void_p(), ctypes.c_void_p()
    create.argtypes = [ctypes.POINTER(_IsolateParams), ctypes.POINTER(ctypes.c_void_p),
                       ctypes.POINTER(ctypes.c_void_p)]
    create.restype = ctypes.c_int
    status = create(ctypes.byref(params), ctypes.byref(isolate), ctypes.byref(thread))
    if status != 0 or not isolate.value or not thread.value:
        return f"graal_create_isolate answered {status}"
    environment = _Environment(isolate.value, thread.value, thread.value)
    _kept.extend((environment, argv))
    environ.value = ctypes.addressof(environment)
    created.value = 1
    return ""


def new_processor(young_mb: int | None = DEFAULT_YOUNG_MB) -> tuple[Any, bool]:
    """The process's SaxonC processor, with a young generation of ``young_mb`` MB where that can be done.

    Returns the processor and whether the bound applies. ``young_mb`` None or 0: saxonche's defaults.
    """
    tuned = False
    if young_mb:
        why_not = _create_isolate([f"-Xmn{int(young_mb)}m"])
        tuned = not why_not
        if why_not:
            log.info("SaxonC runs with its default heap: %s", why_not)
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False), tuned


def prepare_stylesheet(text: str) -> str:
    """The stylesheet without the ``svrl:fired-rule`` reports (which Kassa never reads)."""
    return _FIRED_RULE.sub("", text)


def compile_for_validation(processor: Any, path: Path | str) -> Any:
    """A compiled Schematron stylesheet (PyXsltExecutable) writing a lean, unindented SVRL report.

    Raises what saxonche raises when the stylesheet does not compile, OSError when it cannot be read.
    """
    text = prepare_stylesheet(Path(path).read_text(encoding="utf-8"))
    xslt = processor.new_xslt30_processor()
    # Relative references in the stylesheet (none in the official ones) resolve beside the file.
    xslt.set_cwd(str(Path(path).resolve().parent) + os.sep)
    executable = xslt.compile_stylesheet(stylesheet_text=text)
    executable.set_property("!indent", "no")
    return executable
