"""Help texts name the real menu and button: every "Register → Kundregister → Ändra" that a message
of Kassa tells a person to follow leads, item by item, through the till's real menus, and ends on
a menu item or on a button the application really has."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

import kassa

ARROW = " → "
SOURCE = Path(kassa.__file__).parent


def _strings(tree: ast.AST) -> list[str]:
    """The string constants of a module (docstrings aside: they speak to programmers), adjacent
    literals and f-string parts joined as written."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return found


def texts_with_paths() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if ARROW in text:
                found.append((str(path.relative_to(SOURCE.parent)), text))
    return found


def button_texts() -> set[str]:
    """Every button, check box, radio and tab text written in kassa.ui, without its & mnemonic."""
    pattern = re.compile(r"(?:Q(?:PushButton|CheckBox|RadioButton)\(|addTab\([^,]+, )self\.tr\(\s*\"([^\"]+)\"")
    texts = set()
    for path in (SOURCE / "ui").rglob("*.py"):
        texts |= {t.replace("&", "") for t in pattern.findall(path.read_text(encoding="utf-8"))}
    return texts


def menu_children(menu_or_bar) -> dict[str, QAction]:
    return {action.text().replace("&", ""): action for action in menu_or_bar.actions() if action.text()}


def follow(window, text: str, buttons: set[str]) -> list[str]:
    """The problems with each menu path in `text` (a path begins at a top menu's title)."""
    problems = []
    top = menu_children(window.menuBar())
    for match in re.finditer("(" + "|".join(map(re.escape, top)) + ")" + ARROW, text):
        where = top[match.group(1)]
        level: dict | None = menu_children(where.menu())
        trail = [match.group(1)]
        rest = text[match.start() + len(match.group(1)):]
        while rest.startswith(ARROW):
            rest = rest[len(ARROW):]
            names = level if level is not None else {b: None for b in buttons}
            hits = sorted((n for n in names if rest.startswith(n)), key=len, reverse=True)
            if not hits:
                problems.append(f"{' → '.join(trail)} → {rest[:30]!r}: no such menu item or button")
                break
            trail.append(hits[0])
            rest = rest[len(hits[0]):]
            where = names[hits[0]]
            menu = where.menu() if isinstance(where, QAction) else None
            level = menu_children(menu) if isinstance(menu, QMenu) else None  # after an item: its window's buttons
        if level is not None and len(trail) > 1 and isinstance(where, QAction) and where.menu() is not None:
            problems.append(f"{' → '.join(trail)}: ends on a menu, not on an item")
    return problems


# Paths in other programs' menus, not Kassa's.
ELSEWHERE = ("högerklicka på skrivbordet",)
# Menu items that messages already name and that another piece of work is adding; each one here is a
# known gap, said in the report, not a path that may stay wrong.
PENDING: dict[str, str] = {}


def test_every_menu_path_in_a_help_text_exists(window):
    texts = texts_with_paths()
    assert len(texts) >= 8  # the messages that point somewhere are found
    buttons = button_texts()
    assert {"Ändra", "Öppna mappen"} <= buttons
    top = tuple(menu_children(window.menuBar()))
    problems = [f"{where}: {problem}" for where, text in texts for problem in follow(window, text, buttons)
                if not any(problem.startswith(f"{path} → ") or problem.startswith(f"{path.split(ARROW)[0]} → '"
                                                                                   f"{path.split(ARROW)[1]}")
                           for path in PENDING)]
    # A path that does not begin at one of the till's menus names no menu of Kassa ("Kunder → Redigera kund").
    problems += [f"{where}: {text!r} names no menu of the till" for where, text in texts
                 if not any(title + ARROW in text for title in top) and not any(e in text for e in ELSEWHERE)]
    assert not problems, "\n".join(problems)


def test_the_customer_place_is_the_register_and_its_button():
    from kassa.peppol.checks import CUSTOMER_PLACE

    assert CUSTOMER_PLACE == "kundregistret (Register → Kundregister → Ändra)"
