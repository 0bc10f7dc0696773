"""A receipt or report as printable lines: one layout for the screen, Qt printing and ESC/POS.

The register renders a receipt into `PrintLine`s; every output (the on-screen view, a PDF,
the thermal printer) draws the same lines, so what is printed is what is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Characters per line on an 80 mm thermal roll in the printer's font A.
WIDTH = 42

Style = Literal["normal", "bold", "double"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class PrintLine:
    """One line of a printout. `double` is twice the height and width of the amounts
    (KOPIA, ÖVNINGSKVITTO, EJ KVITTO must be printed at least twice as high, SKVFS 2014:9 7 kap.)."""

    text: str
    style: Style = "normal"
    align: Align = "left"


@dataclass(frozen=True)
class Printout:
    """What goes to a printer: the lines, whether to cut after them, whether to open the drawer."""

    lines: tuple[PrintLine, ...]
    cut: bool = True
    open_drawer: bool = False
