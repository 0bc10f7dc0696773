"""The Alt-letter shortcuts (mnemonics) a window shows: each letter must do one thing, else Alt+letter
only cycles the focus between the widgets that share it and presses nothing."""
from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" ("&&" is a literal ampersand), lowercased; None without one."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def _texts(widget: QWidget) -> list[str]:
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel) and widget.buddy() is not None:
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    return []


def mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Letter → the visible texts that use it, in `root` (the window and its shown children)."""
    found: dict[str, list[str]] = defaultdict(list)
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        for text in _texts(widget):
            letter = mnemonic(text)
            if letter is not None:
                found[letter].append(text)
    return dict(found)


def shared_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """The letters more than one visible widget uses, with their texts."""
    return {letter: texts for letter, texts in mnemonics(root).items() if len(texts) > 1}


def menu_letters(menu: QMenu) -> tuple[list[str], dict[str, list[str]]]:
    """A menu's entries without an Alt letter, and the letters more than one entry uses (in a menu, Alt is
    not needed: the letter alone picks the entry, and a shared one only moves between them)."""
    without: list[str] = []
    found: dict[str, list[str]] = defaultdict(list)
    for action in menu.actions():
        if action.isSeparator() or not action.text():
            continue
        letter = mnemonic(action.text())
        if letter is None:
            without.append(action.text())
        else:
            found[letter].append(action.text())
    return without, {letter: texts for letter, texts in found.items() if len(texts) > 1}
