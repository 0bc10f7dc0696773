"""A question with two answers, asked without blocking: the first answer is the default (Enter) unless
``default_yes=False``, the second the Esc one. The till's and the invoice window's confirmations all take
this shape."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_question(parent: QWidget, name: str, title: str, text: str, yes: str, no: str,
                 answered: Callable[[bool], object], *, informative: str = "",
                 icon: QMessageBox.Icon = QMessageBox.Icon.Question, default_yes: bool = True) -> QMessageBox:
    """Open the box (``QDialog.open``: the caller's event loop keeps turning) and call ``answered`` with
    True for ``yes``, False for ``no`` or Esc. Returns the box, which deletes itself when closed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    if informative:
        box.setInformativeText(informative)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: answered(button is yes_button))
    box.open()
    return box
