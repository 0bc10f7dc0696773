"""A search field that steers the list below it, as a cashier expects from any search box.

Down/Up (and Page Down/Page Up) in the field move the list's current row while the typing stays in
the field; Enter opens the current row, which after a search is the first (or only) match. When
Enter comes before the answer to the newest typing, the row is opened when that answer is shown,
so a quick "7, Enter" opens invoice 7 and not the row that was first before.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

# Direction, and whether by a page (the rows the view shows, less one) or by one row.
_MOVES = {Qt.Key.Key_Down: (1, False), Qt.Key.Key_Up: (-1, False),
          Qt.Key.Key_PageDown: (1, True), Qt.Key.Key_PageUp: (-1, True)}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SearchKeys(QObject):
    """Installs itself on `field`. `open_current` opens the view's current row; `is_busy` says whether
    a search is still on its way (then Enter waits for results_shown(), which the owner calls)."""

    def __init__(self, field: QLineEdit, view: QAbstractItemView, open_current: Callable[[], object],
                 is_busy: Callable[[], bool] = lambda: False) -> None:
        super().__init__(field)
        self._field = field
        self._view = view
        self._open_current = open_current
        self._is_busy = is_busy
        self._open_when_shown = False
        field.installEventFilter(self)
        field.textEdited.connect(self._typed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self._field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            key = Qt.Key(event.key())
            if key in _MOVES:
                self._move(*_MOVES[key])
                return True
            if key in _ENTER:
                if self._is_busy():
                    self._open_when_shown = True
                else:
                    self._open()
                return True
        return False

    def results_shown(self) -> None:
        """The owner has shown the newest search's rows (and chosen the first)."""
        if self._open_when_shown:
            self._open_when_shown = False
            self._open()

    def _typed(self, _text: str) -> None:
        self._open_when_shown = False  # Enter was for the text before this key

    def _move(self, direction: int, by_page: bool) -> None:
        model = self._view.model()
        if model is None or model.rowCount() == 0:
            return
        current = self._view.currentIndex()
        if not current.isValid():
            self._view.setCurrentIndex(model.index(0, 0))
            return
        step = 1
        if by_page:
            step = max(1, self._view.viewport().height() // max(1, self._view.sizeHintForRow(0)) - 1)
        row = min(max(current.row() + direction * step, 0), model.rowCount() - 1)
        self._view.setCurrentIndex(model.index(row, current.column()))
        self._view.scrollTo(self._view.currentIndex())

    def _open(self) -> None:
        model = self._view.model()
        if model is None or model.rowCount() == 0:
            return
        if not self._view.currentIndex().isValid():
            self._view.setCurrentIndex(model.index(0, 0))
        self._open_current()
