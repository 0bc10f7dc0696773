"""Fixtures and helpers for the register, wizard and e-invoice status tests.

Imported by name into those test modules (fixtures and helpers alike).
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kassa.ui.validated_fields import ValidatedLineEdit

# The offscreen platform warns on every top-level window shown, and that it cannot open a
# browser (the wizard then shows the link to copy); neither says anything about Kassa.
QT_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                                     r"This plugin does not support QPlatformServices::openUrl\(\)")


def type_text(qtbot, widget, text: str) -> None:
    """qtbot.keyClicks, also for å, ä, ö (QTest's key table knows ASCII only): those are sent as
    key events carrying the character, as a Swedish keyboard layout delivers them."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_into(qtbot, field, text: str, replace: bool = True) -> None:
    """Type as a person does: focus, select all (to replace), type, then Tab out of it."""
    widget = field.edit if isinstance(field, ValidatedLineEdit) else field
    widget.setFocus()
    if replace:
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(qtbot, widget, text)
    if hasattr(widget, "editingFinished"):
        widget.editingFinished.emit()  # what Tab does when the window has focus (offscreen may not)


@pytest.fixture
def pagero_category(db):
    from kassa.models import CustomerCategory

    return CustomerCategory.create(name="e-fakturakund", note="pagero")


@pytest.fixture
def background_done(qtbot):
    """Wait for the worker threads at the end, so no job outlives its database."""
    yield
    from kassa.ui.workers import wait_for_background

    wait_for_background(10_000)
