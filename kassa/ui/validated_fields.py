"""A line edit that checks its value with a kassa.identifiers function and shows the
Swedish message right under the field.

The message appears when the cashier leaves the field (or when a save is tried) and,
once shown, follows every keystroke, so it goes away as soon as the value is right:
nobody gets scolded for the first three digits of an org. number. The line for the
message is always there, empty while all is well, so a message appearing never moves
the fields below it (a click meant for the next field lands in it).
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from kassa.identifiers import InvalidIdentifier

# A checker takes the text and returns the stored form, or raises InvalidIdentifier.
Checker = Callable[[str], Any]  # the value as typed, cleaned (a str, or a Decimal for amounts)

ERROR_STYLE = "color: #a40e26;"
# The red frame of a wrong field, and a visibly different one while it has the keyboard focus: a
# style-sheet border replaces the style's own focus frame, so without the second rule the focus is lost
# from sight on a wrong field.
INVALID_EDIT_STYLE = "QLineEdit { border: 1px solid #a40e26; } QLineEdit:focus { border: 2px solid #1f4fa8; }"


class MessageLine(QLabel):
    """Message text under a field whose space is kept whether or not it says anything.

    It keeps room for `lines` lines (one by default) and never asks for more width; a message
    longer than the width wraps onto further lines, and grows the line only when the reserved
    room is not enough: a message is never cut off.
    """

    def __init__(self, parent: QWidget | None = None, lines: int = 1):
        super().__init__(parent)
        self._full = ""
        self._lines = lines
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._full = text or ""
        super().setText(self._full)
        self._fit()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        height = self._text_height("\n".join("X" * self._lines), 100_000)  # the room kept, measured alike
        if self._full and self.width() > 1:
            height = max(height, self._text_height(self._full, self.width()))
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def _text_height(self, text: str, width: int) -> int:
        flags = int(Qt.TextFlag.TextWordWrap)
        return self.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), flags, text).height() + 2


class ValidatedLineEdit(QWidget):
    """A QLineEdit and an error label beneath it.

    `checker` is called with the stripped text; an empty text is fine unless `required`.
    `value()` is the checked, stored form (or "" when empty and allowed).
    """

    validity_changed = Signal(bool)

    def __init__(self, checker: Checker | None = None, *, required: bool = False, required_message: str = "",
                 placeholder: str = "", message_lines: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self._checker = checker
        self.required = required
        self.required_message = required_message
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        # As tall as the style draws it: the red frame's style sheet must not make a wrong field smaller.
        self.edit.setMinimumHeight(self.edit.sizeHint().height())
        self.error_label = MessageLine(self, message_lines)
        self.error_label.setStyleSheet(ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error_label)
        self.setFocusProxy(self.edit)
        # A focus policy of its own, so that QWidget.setTabOrder places the field (and with it the
        # line edit) where the form shows it; a NoFocus wrapper is left where it was made.
        self.setFocusPolicy(self.edit.focusPolicy())
        # As tall as its contents: a form must not hand spare height to the field and its hidden message.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._shown = False  # whether messages follow the typing yet
        self._external = ""  # show_error's message, until the text changes
        self._valid = True
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.editingFinished.connect(self.show_problem)

    # -- configuration ----------------------------------------------------------------

    def set_checker(self, checker: Checker | None) -> None:
        self._checker = checker
        self._refresh(show=self._shown)

    # -- values -----------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, like QLineEdit
        self.edit.setText(text)

    def problem(self) -> str | None:
        """The Swedish message for the current text, or None when it is fine."""
        text = self.text()
        if not text:
            return self.required_message if self.required else None
        if self._checker is None:
            return None
        try:
            self._checker(text)
        except InvalidIdentifier as exc:
            return str(exc)
        return None

    def value(self) -> str:
        text = self.text()
        if not text or self._checker is None:
            return text
        return self._checker(text)

    def is_valid(self) -> bool:
        return self.problem() is None

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    def show_error(self, message: str) -> None:
        """A message from a check beyond the field's own (a number already taken, a missing account);
        it stays until the text changes."""
        self._shown = True
        self._external = message
        self._refresh(show=True)

    # -- display ----------------------------------------------------------------------

    def show_problem(self) -> bool:
        """Show the message (if any) and keep it live from now on. True when the value is fine."""
        self._shown = True
        return self._refresh(show=True)

    def _on_text_changed(self) -> None:
        self._external = ""
        self._refresh(show=self._shown)

    def _refresh(self, show: bool) -> bool:
        message = self.problem()
        valid = message is None
        if show:
            shown = message or self._external
            self.error_label.setText(shown)
            self.error_label.show()
            self.edit.setStyleSheet(INVALID_EDIT_STYLE if shown else "")
            self.edit.setToolTip(shown)
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
        return valid


def first_problem(fields: list[ValidatedLineEdit]) -> ValidatedLineEdit | None:
    """Show every field's message; focus and return the first field that is wrong."""
    first = None
    for field in fields:
        if not field.show_problem() and first is None:
            first = field
    if first is not None:
        first.edit.setFocus()
    return first


def focus_first_error(fields: list[ValidatedLineEdit]) -> ValidatedLineEdit | None:
    """After every check has spoken (fields and cross-field checks alike): focus the first field,
    in the order given, that shows a message. None when none does."""
    for field in fields:
        if field.error_text():
            field.edit.setFocus()
            return field
    return None


def parse_amount(text: str, field: str = "Belopp") -> Decimal:
    """A Swedish amount as typed ("1 234,50", "49.90", "49") as a Decimal with at most two decimals."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidIdentifier(field, f"{field} ska vara ett belopp i kronor, t.ex. 49,90.") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidIdentifier(field, f"{field} kan inte vara negativt.")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidIdentifier(field, f"{field} kan ha högst två decimaler (öre).")
    return amount.quantize(Decimal("0.01"))


def amount_checker(field: str) -> Checker:
    return lambda text: parse_amount(text, field)
