"""A small ESC/POS decoder for the tests: what a receipt printer would do with the bytes.

It knows the commands Kassa sends and refuses anything else, so a stray byte fails the test:
ESC @ (reset), ESC t n (code page), ESC ! n (print mode: bold, double height, double width),
ESC E n (bold), ESC a n (alignment), ESC d n (feed), GS V (cut), ESC p (drawer pulse),
DLE EOT n (real-time status), GS v 0 (raster image) and LF. Text is decoded in the selected
code page; each LF ends a printed line that records the modes its characters were printed in.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    double_height: bool = False
    double_width: bool = False
    align: str = "left"

    @property
    def double(self) -> bool:
        return self.double_height and self.double_width


@dataclass
class Decoded:
    lines: list[Line] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # ("init",), ("codepage", 19), ("cut", "full"), …

    @property
    def text(self) -> list[str]:
        return [line.text for line in self.lines if line.text]

    def count(self, name: str) -> int:
        return sum(1 for e in self.events if e[0] == name)

    def line(self, text: str) -> Line:
        found = [line for line in self.lines if line.text.strip() == text]
        assert len(found) == 1, f"{text!r} printed {len(found)} times in {self.text}"
        return found[0]


class DecodeError(AssertionError):
    pass


def decode(data: bytes) -> Decoded:
    out = Decoded()
    state = {"codepage": 0, "bold": False, "dh": False, "dw": False, "align": "left"}
    text = bytearray()
    modes: set[tuple] = set()
    i = 0

    def need(n: int) -> bytes:
        if i + n > len(data):
            raise DecodeError(f"command at {i} cut short")
        return data[i:i + n]

    def flush_line() -> None:
        if len(modes) > 1:
            raise DecodeError(f"one line printed in several modes: {modes}")
        bold, dh, dw, align = next(iter(modes)) if modes else (False, False, False, state["align"])
        out.lines.append(Line(bytes(text).decode(CODE_PAGES[state["codepage"]]), bold, dh, dw, align))
        text.clear()
        modes.clear()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush_line()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = need(2)[1]
            if cmd == 0x40:  # ESC @
                state.update(codepage=0, bold=False, dh=False, dw=False, align="left")
                out.events.append(("init",))
                i += 2
            elif cmd == 0x74:  # ESC t n
                n = need(3)[2]
                if n not in CODE_PAGES:
                    raise DecodeError(f"unknown code page {n}")
                state["codepage"] = n
                out.events.append(("codepage", n))
                i += 3
            elif cmd == 0x21:  # ESC ! n
                n = need(3)[2]
                state.update(bold=bool(n & 0x08), dh=bool(n & 0x10), dw=bool(n & 0x20))
                i += 3
            elif cmd == 0x45:  # ESC E n
                state["bold"] = bool(need(3)[2] & 1)
                i += 3
            elif cmd == 0x61:  # ESC a n
                n = need(3)[2]
                if n not in ALIGN:
                    raise DecodeError(f"unknown alignment {n}")
                state["align"] = ALIGN[n]
                i += 3
            elif cmd == 0x64:  # ESC d n
                out.events.append(("feed", need(3)[2]))
                i += 3
            elif cmd == 0x70:  # ESC p m t1 t2
                m, t1, t2 = need(5)[2:5]
                out.events.append(("drawer", m & 1 and 5 or 2, t1, t2))
                i += 5
            else:
                raise DecodeError(f"unknown command ESC {cmd:#04x} at {i}")
        elif b == 0x1D:  # GS
            cmd = need(2)[1]
            if cmd == 0x56:  # GS V m [n]
                m = need(3)[2]
                if m in (0, 48):
                    out.events.append(("cut", "full"))
                    i += 3
                elif m in (1, 49):
                    out.events.append(("cut", "partial"))
                    i += 3
                elif m in (65, 66):
                    need(4)
                    out.events.append(("cut", "full" if m == 65 else "partial"))
                    i += 4
                else:
                    raise DecodeError(f"unknown cut mode {m}")
            elif cmd == 0x76 and need(3)[2] == 0x30:  # GS v 0 m xL xH yL yH d1…dk
                _m, xl, xh, yl, yh = need(8)[3:8]
                width, height = xl + 256 * xh, yl + 256 * yh
                need(8 + width * height)
                out.events.append(("image", width * 8, height))
                i += 8 + width * height
            else:
                raise DecodeError(f"unknown command GS {cmd:#04x} at {i}")
        elif b == 0x10:  # DLE EOT n
            if need(3)[1] != 0x04:
                raise DecodeError(f"unknown command DLE {data[i + 1]:#04x}")
            out.events.append(("status", data[i + 2]))
            i += 3
        elif b < 0x20 or b == 0x7F:
            raise DecodeError(f"unexpected control byte {b:#04x} at {i}")
        else:
            text.append(b)
            modes.add((state["bold"], state["dh"], state["dw"], state["align"]))
            i += 1
    if text:
        raise DecodeError(f"text without a line feed at the end: {bytes(text)!r}")
    return out
