"""A number and its noun in agreement, as Swedish writes them: "1 e-faktura", "2 e-fakturor"."""
from __future__ import annotations


def count_of(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"
