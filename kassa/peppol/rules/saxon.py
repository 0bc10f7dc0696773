"""SaxonC in this process: the one processor, and compiling a stylesheet (the helpers and the inline engine)."""
from __future__ import annotations

import threading
from pathlib import Path

from kassa.peppol.rules.errors import RulePackError

# The inline engine: the process's one Saxon processor keeps per-run state, so one inline
# validation runs at a time in the process (two threads gained nothing: it holds the GIL).
SAXON_LOCK = threading.Lock()

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


def compile_stylesheet(xslt, path: Path):
    """One compiled Schematron stylesheet (a saxonche PyXsltExecutable); RulePackError if it cannot compile."""
    try:
        return xslt.compile_stylesheet(stylesheet_file=str(path))
    except Exception as exc:  # saxonche raises its own PySaxonApiError
        raise RulePackError(
            f"Reglerna i {path} kunde inte kompileras ({' '.join(str(exc).split())}). "
            "Installera om regelpaketet med ”kassa rules install KÄLLA”."
        ) from exc
