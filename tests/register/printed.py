"""Reading a printout the way a person reads it: lines of text, a label and the value beside it."""
from __future__ import annotations

import re

from kassa.devices.printout import Printout


def text(printout: Printout) -> str:
    return "\n".join(line.text for line in printout.lines)


def value(printout: Printout, label: str) -> str:
    """The value printed right of `label` (the first line that starts with it), or on the line
    below when it is too long to stand beside it (a control code)."""
    lines = [line.text.strip() for line in printout.lines]
    for i, line in enumerate(lines):
        if line.startswith(label):
            rest = line[len(label):].strip()
            return rest if rest or i + 1 == len(lines) else lines[i + 1]
    raise AssertionError(f"no line '{label}' in:\n{text(printout)}")


def values(printout: Printout, label: str) -> list[str]:
    """Every value printed beside `label`, split on runs of two or more spaces."""
    return [part for part in re.split(r"\s{2,}", value(printout, label)) if part]


def section(printout: Printout, start: str, stop: str) -> list[str]:
    """The lines after the line `start` up to (not including) the first line starting with `stop`."""
    lines = [line.text for line in printout.lines]
    begin = next(i for i, line in enumerate(lines) if line.strip() == start) + 1
    end = next((i for i in range(begin, len(lines)) if lines[i].strip().startswith(stop)), len(lines))
    return lines[begin:end]


def doubled(printout: Printout) -> list[str]:
    return [line.text for line in printout.lines if line.style == "double"]
