"""Building printouts line by line: two columns on an 80 mm roll, amounts the Swedish way."""
from __future__ import annotations

import textwrap
from decimal import Decimal

from kassa.devices.printout import WIDTH, Align, PrintLine, Style
from kassa.money import format_sek


def kr(amount: Decimal) -> str:
    return format_sek(amount)


def qty(value: Decimal) -> str:
    """2, 1,5, 0,25: a quantity without trailing zeros."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


class Lines:
    """Collects PrintLines; `pair` puts a label left and a value right on one line."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width
        self.lines: list[PrintLine] = []

    def add(self, text: str = "", style: Style = "normal", align: Align = "left") -> None:
        limit = self.width // 2 if style == "double" else self.width
        for part in textwrap.wrap(text, limit) or [""]:
            self.lines.append(PrintLine(part, style, align))

    def pair(self, left: str, right: str, style: Style = "normal") -> None:
        if len(right) >= self.width - 1:  # a long value (a control code): the label, then the value below
            self.add(left, style)
            for start in range(0, len(right), self.width):
                self.lines.append(PrintLine(right[start:start + self.width], style))
            return
        room = self.width - len(right) - 1
        if len(left) > room:
            self.add(left, style)
            left = ""
        self.lines.append(PrintLine(left.ljust(room) + " " + right, style))

    def triple(self, left: str, middle: str, right: str) -> None:
        """A label, a count and an amount: "Returer      2     -50,00"."""
        self.pair(left, f"{middle:>4} {right:>11}")

    def rule(self, char: str = "-") -> None:
        self.lines.append(PrintLine(char * self.width))

    def blank(self) -> None:
        self.lines.append(PrintLine(""))


def text_of(lines: tuple[PrintLine, ...] | list[PrintLine]) -> str:
    """The printout as plain text, one line per PrintLine (the screen view and tests read this)."""
    return "\n".join(line.text for line in lines)
