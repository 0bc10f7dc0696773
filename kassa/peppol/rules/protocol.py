"""The wire format between Kassa and a rule helper process (kassa.peppol.rules.worker), on its stdin/stdout.

Every message is a ``struct '!I'`` length followed by that many bytes:

- the helper first sends a JSON object: ``{"ready": true, "seconds": {"cen": 0.61}}``, or
  ``{"error": "..."}`` (Swedish) when a stylesheet cannot be compiled, and then exits;
- then, per request: the parent sends the document as UTF-8 XML text; the helper answers
  ``{"svrl": {"cen": "<svrl:schematron-output …"}}`` or ``{"error": "..."}``.

The helper exits when its stdin reaches EOF, which is also what happens when the parent dies.
"""
from __future__ import annotations

import struct
from typing import BinaryIO

HEADER = struct.Struct("!I")
KINDS = ("cen", "peppol")


def frame(payload: bytes) -> bytes:
    """One message: the length, then ``payload``."""
    return HEADER.pack(len(payload)) + payload


def write_message(out: BinaryIO, payload: bytes) -> None:
    out.write(frame(payload))
    out.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """``size`` bytes, or None at EOF (a message cut off counts as EOF)."""
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> bytes | None:
    header = read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    return read_exactly(stream, size) if size else b""
